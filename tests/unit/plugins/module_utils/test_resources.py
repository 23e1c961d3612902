# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _resources as r
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
from ansible_collections.tank.monitoring.plugins.module_utils._fsprobe import read_mountinfo


def test_pressure_some_line(tmp_path):
    path = tmp_path / 'cpu'
    path.write_text('some avg10=24.24 avg60=63.45 avg300=36.71 total=151513632\n'
                    'full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n')
    assert r.read_pressure(str(path)) == {'avg10': 24.24, 'avg60': 63.45, 'avg300': 36.71}
    path.write_text('some avg10=x avg60=1 avg300=1\n')
    assert r.read_pressure(str(path)) is None
    assert r.read_pressure(str(tmp_path / 'absent')) is None  # kernel without PSI


def test_local_filesystems_from_the_mount_table_alone(tmp_path):
    path = tmp_path / 'mountinfo'
    path.write_text(
        '22 1 252:1 / / rw - ext4 /dev/vda1 rw\n'
        '23 22 0:5 / /proc rw - proc proc rw\n'
        '24 22 252:1 /srv /srv/bind rw - ext4 /dev/vda1 rw\n'          # bind mount: same device
        '25 22 0:40 / /mnt/nas rw - nfs4 nas:/x rw\n'                   # the storage check's
        '26 22 0:41 / /data rw - tmpfs under rw\n'
        '27 26 0:42 / /data rw - tmpfs top rw\n'                        # stacked: only the top is reachable
        '28 22 0:43 / /mnt/fuse rw - fuse.tankhang tankhang rw\n'       # generic FUSE: measured (bounded)
        '29 22 0:44 / /scratch rw - tmpfs scratch rw\n')
    found = r.local_filesystems(read_mountinfo(str(path)), exclude_mounts=['/scratch'])
    assert [(m['mountpoint'], m['source']) for m in found] == [('/', '/dev/vda1'), ('/data', 'top'),
                                                               ('/mnt/fuse', 'tankhang')]


@pytest.mark.parametrize('params, words', [
    ({'cpu_sample_seconds': -1}, 'cpu_sample_seconds must be 0'),
    ({'cpu_sample_seconds': float('inf')}, 'cpu_sample_seconds must be 0'),
    ({'cpu_sample_seconds': 5, 'timeout': 5}, 'cpu_sample_seconds (5) must be shorter than timeout (5)'),
    ({'mount_timeout': -1}, 'mount_timeout must be a positive number'),
    ({'mount_timeout': float('nan')}, 'mount_timeout must be a positive number'),
    ({'skip_filesystems_of': ['rel']}, "skip_filesystems_of: 'rel' is not an absolute path"),
])
def test_validate_names_the_option(params, words):
    with pytest.raises(CheckInputError) as err:
        r.validate(params)
    assert words in str(err.value)


def test_validate_accepts_the_defaults():
    r.validate({'cpu_sample_seconds': 1.0, 'mount_timeout': 5.0, 'skip_filesystems_of': ['/mnt/nas'], 'timeout': 30})
    r.validate({})


class _Thresholds(object):
    def __init__(self, overrides=None):
        from ansible_collections.tank.monitoring.plugins.module_utils import _thresholds
        self.thresholds = _thresholds.resolve('resources', overrides)


@pytest.mark.parametrize('load1, overrides, elapsed, window', [
    (0.2, None, 0.05, r.MIN_CPU_SAMPLE),                    # quiet host: the sample cannot make a finding
    (0.2, None, 0.6, 0.6),                                  # ... and lasts as long as the other measurements
    (1.0e6, None, 0.05, 1.0),                               # loaded: the full sample decides
    (0.2, {'cpu_busy_percent': {'warning': 1, 'critical': 2}}, 0.05, 1.0),  # a low limit makes it count
    (None, None, 0.05, 1.0),                                # no load average: the sample is all there is
])
def test_cpu_sample_is_long_only_when_it_can_change_the_verdict(load1, overrides, elapsed, window):
    assert r._sample_window(_Thresholds(overrides), 1.0, load1, elapsed) == window


def test_cpu_sample_never_exceeds_the_asked_length():
    assert r._sample_window(_Thresholds(), 0.1, 0.0, 0.05) == 0.1
    assert r._sample_window(_Thresholds(), 0.5, 0.0, 3.0) == 0.5
