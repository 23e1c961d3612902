# -*- coding: utf-8 -*-
"""The shared probe child: real paths, real child process (the hung-mount cases need root and a
FUSE mount: tests/functional/test_storage.py and test_resources_check.py)."""
from __future__ import annotations

import os

from ansible_collections.tank.monitoring.plugins.module_utils import _fsprobe as p


def test_many_paths_in_one_child_each_reported_in_order(tmp_path):
    dirs = []
    for i in range(20):
        d = tmp_path / ('d%02d' % i)
        d.mkdir()
        dirs.append(str(d))
    missing = str(tmp_path / 'missing')
    outcomes = p.probe([p.task(d) for d in dirs] + [p.task(missing)], limit=10)
    assert len(outcomes) == 21
    for outcome in outcomes[:20]:
        assert outcome['timed_out'] is False
        assert outcome['result']['is_dir'] is True
        assert outcome['result']['statvfs']['f_blocks'] > 0
        assert outcome['last_step'] == 'statvfs'
    last = outcomes[20]
    assert last['result']['stat_error']['code'] == 'ENOENT' and last['last_step'] == 'stat'
    assert p.probe([], limit=1) == []


def test_write_probe_and_realpath_leave_nothing(tmp_path):
    link = tmp_path / 'link'
    (tmp_path / 'real').mkdir()
    link.symlink_to(tmp_path / 'real')
    (outcome,) = p.probe([p.task(str(link), realpath=True, probe=p.PROBE_PREFIX + 'unit')], limit=10)
    result = outcome['result']
    assert result['realpath'] == str(tmp_path / 'real')
    assert result['probed'] is True and 'probe_error' not in result
    assert os.listdir(str(tmp_path / 'real')) == []
    assert outcome['last_step'] == 'delete'


def test_a_file_is_stat_only(tmp_path):
    path = tmp_path / 'file'
    path.write_text('x')
    (outcome,) = p.probe([p.task(str(path), probe='never')], limit=10)
    assert outcome['result']['is_dir'] is False
    assert 'statvfs' not in outcome['result'] and 'probed' not in outcome['result']


def test_records_keep_the_last_step_of_a_path_that_did_not_answer():
    outcomes = [{'result': None, 'last_step': None} for _i in range(2)]
    pending = {0, 1}
    for line in (b'{"i": 0, "step": "stat"}', b'{"i": 1, "step": "stat"}', b'{"i": 1, "step": "statvfs"}',
                 b'{"i": 0, "result": {"is_dir": true}}', b'garbage', b'{"i": 7, "step": "x"}', b'[1]'):
        assert p._record(line, outcomes, pending) is False
    assert pending == {1} and outcomes[1]['last_step'] == 'statvfs' and outcomes[1]['result'] is None
    assert p._record(b'{"done": true}', outcomes, pending) is True


def test_mountinfo_gives_the_device_without_touching_the_mount(tmp_path):
    path = tmp_path / 'mountinfo'
    path.write_text('22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n'
                    '40 22 0:35 / /mnt/nas\\040x rw - nfs4 nas01:/export rw\n'
                    'garbage line\n')
    mounts = p.read_mountinfo(str(path))
    assert [(m['mountpoint'], m['device']) for m in mounts] == [('/', (252, 1)), ('/mnt/nas x', (0, 35))]
    assert p.mount_of('/mnt/nas x/a', mounts)['fstype'] == 'nfs4'
    assert p.read_mountinfo(str(tmp_path / 'none')) == []
