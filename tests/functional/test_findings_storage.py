# -*- coding: utf-8 -*-
"""storage_check findings not covered by test_storage.py, each caused for real:

- a share whose FUSE daemon died (the kernel answers ENOTCONN) -> ``storage.path.error``;
- a share path on a filesystem that accepts a file but not data (a POSIX message queue filesystem
  mounted where the share should be: the kernel refuses the write with EINVAL) -> ``storage.write.failed``;
- an append-only share (``chattr +a``: files can be created, never deleted) -> the probe file stays,
  ``storage.probe.left_behind``;
- the check run by an unprivileged user with ``run_as`` another user -> ``storage.probe.run_as``.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from storage_support import AppUser, probe_files, probe_processes

from ansible_collections.tank.monitoring.plugins.module_utils import _storage
from ansible_collections.tank.monitoring.plugins.module_utils._fsprobe import PROBE_PREFIX

MODULE = 'tank.monitoring.storage_check'


def ids(result):
    return sorted(f['id'] for f in result['findings'])


def only(result, finding_id):
    found = [f for f in result['findings'] if f['id'] == finding_id]
    assert len(found) == 1, 'not one %s in %r' % (finding_id, result['findings'])
    finding = found[0]
    local = finding_id[len('storage.'):]
    assert finding['remedy'] == _storage.CATALOGUE[local].remedy
    assert finding['guide_section'] == _storage.CATALOGUE[local].section
    return finding


@pytest.mark.finding('storage.path.error')
def test_share_whose_fuse_daemon_died_is_a_path_error(run_module, mounts):
    dead = mounts.hanging_fuse('dead')
    (fuse,) = mounts.fuses
    os.close(fuse.fd)  # the daemon is gone, the mount stays: "Transport endpoint is not connected"
    fuse.fd = None
    result, _run = run_module(MODULE, {'paths': [{'path': dead, 'mount': True}], 'path_timeout': 5})
    assert result['status'] == 'critical'
    assert ids(result) == ['storage.path.error']
    finding = only(result, 'storage.path.error')
    assert finding['subject'] == dead and 'ENOTCONN' in finding['message']
    assert probe_processes() == []


@pytest.mark.finding('storage.write.failed')
def test_share_on_a_filesystem_that_refuses_data_is_a_failed_write(run_module, mounts):
    share = mounts.directory('mq')
    subprocess.run(['mount', '-t', 'mqueue', 'tankmq', share], check=True)
    mounts.mounted.append(share)
    result, _run = run_module(MODULE, {'paths': [{'path': share}]})
    assert result['status'] == 'critical'
    finding = only(result, 'storage.write.failed')
    assert 'failed at write' in finding['message'] and 'EINVAL' in finding['message']
    assert 'storage.write.denied' not in ids(result) and 'storage.probe.left_behind' not in ids(result)
    assert probe_files(share) == [] and probe_processes() == []


@pytest.mark.finding('storage.probe.left_behind')
def test_probe_file_that_cannot_be_deleted_is_reported(run_module, mounts):
    share = mounts.tmpfs('append')
    subprocess.run(['chattr', '+a', share], check=True)  # create allowed, delete refused (EPERM)
    try:
        result, _run = run_module(MODULE, {'paths': [{'path': share, 'mount': True}]})
        left = probe_files(share)
    finally:
        subprocess.run(['chattr', '-a', share], check=True)
        for name in os.listdir(share):
            if name.startswith(PROBE_PREFIX):
                os.unlink(os.path.join(share, name))
    assert len(left) == 1  # the check really left its probe there
    finding = only(result, 'storage.probe.left_behind')
    assert finding['status'] == 'warning' and left[0] in finding['message']
    # The delete step itself failing is also what the write test saw.
    assert only(result, 'storage.write.denied')['message'].count('failed at delete') == 1
    assert probe_processes() == []


@pytest.mark.finding('storage.probe.run_as')
def test_unprivileged_check_cannot_switch_to_the_run_as_user(run_module, mounts, app_user):
    other = AppUser()
    try:
        share = mounts.directory('shared', mode=0o777)
        result, _run = run_module(MODULE, {'paths': [{'path': share}], 'run_as': other.name},
                                  task_extra={'become': True, 'become_method': 'ansible.builtin.su',
                                              'become_user': app_user.name, 'become_flags': '-s /bin/sh',
                                              # the app user cannot enter the test's virtualenv
                                              'vars': {'ansible_python_interpreter': '/usr/bin/python3'}})
    finally:
        other.remove()
    assert result.get('status') == 'unknown', result
    finding = only(result, 'storage.probe.run_as')
    assert finding['subject'] == other.name and finding['reason'] == 'permission_denied'
    assert 'uid %d' % app_user.uid in finding['message']
    assert ids(result) == ['storage.probe.run_as']  # checked as the app user instead: writable, no finding
    assert probe_files(share) == [] and probe_processes() == []
