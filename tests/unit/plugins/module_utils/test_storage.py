# -*- coding: utf-8 -*-
from __future__ import annotations

import json
import os

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.tank.monitoring.plugins.module_utils import _storage as s
from ansible_collections.tank.monitoring.plugins.module_utils._fsusage import usage_percent
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
from ansible_collections.tank.monitoring.plugins.module_utils._runner import run_check

MOUNTINFO = (
    '22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n'
    '40 22 0:35 / /mnt/nas rw,relatime shared:2 - nfs4 nas01:/export/tank rw,vers=4.2\n'
    '41 40 0:36 / /mnt/nas/with\\040space rw - tmpfs tmpfs rw\n'
    '42 22 0:37 / /mnt/nas rw - cifs //nas02/tank rw\n'
)


def mounts(tmp_path):
    path = tmp_path / 'mountinfo'
    path.write_text(MOUNTINFO)
    return s.read_mountinfo(str(path))


def test_mountinfo_parsing_unescapes_and_keeps_order(tmp_path):
    parsed = mounts(tmp_path)
    assert [m['mountpoint'] for m in parsed] == ['/', '/mnt/nas', '/mnt/nas/with space', '/mnt/nas']
    assert parsed[1]['fstype'] == 'nfs4' and parsed[1]['source'] == 'nas01:/export/tank'


def test_mount_of_takes_the_longest_and_the_topmost(tmp_path):
    parsed = mounts(tmp_path)
    assert s.mount_of('/mnt/nas/attachments', parsed)['source'] == '//nas02/tank'  # stacked: last wins
    assert s.mount_of('/mnt/nas/with space/x', parsed)['fstype'] == 'tmpfs'
    assert s.mount_of('/mnt/nasty', parsed)['mountpoint'] == '/'
    assert s.mount_of('/mnt/nas', parsed)['mountpoint'] == '/mnt/nas'


def test_usage_percent_like_df():
    assert usage_percent(80, 20) == 80.0
    assert usage_percent(0, 0) == 0.0


@pytest.mark.parametrize('paths, message', [
    ([], 'non-empty list'),
    ([{'mount': True}], 'needs a path'),
    ([{'path': 'relative/dir'}], 'must be absolute'),
])
def test_invalid_paths(paths, message):
    with pytest.raises(CheckInputError, match=message):
        s.run({'paths': paths}, None, None)


def test_unknown_run_as_user():
    with pytest.raises(CheckInputError, match='no such user'):
        s.run({'paths': ['/tmp'], 'run_as': 'no-such-user-tank-unit'}, None, None)


def test_fstype_or_source_implies_a_mount():
    spec = s._path_specs([{'path': '/mnt/nas', 'source': 'nas01:/x'}])[0]
    assert spec['mount'] is True and spec['writable'] is True


def test_probe_child_healthy_directory_leaves_nothing(tmp_path):
    data = run_check(s.SPEC, {'paths': [{'path': str(tmp_path)}], 'path_timeout': 5, 'timeout': 10})
    assert data['findings'] == []
    assert os.listdir(str(tmp_path)) == []
    assert str(tmp_path) in data['metrics']['filesystem_used_percent']


def test_module_arguments(capsys):
    from ansible_collections.tank.monitoring.plugins.modules import storage_check
    with patch_module_args({'paths': [{'path': '/tmp', 'bogus': 1}]}):
        with pytest.raises(SystemExit):
            storage_check.main()
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] and 'bogus' in result['msg']
