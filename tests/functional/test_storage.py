# -*- coding: utf-8 -*-
"""storage_check against real mounts: tmpfs, remount read-only, a FUSE filesystem that hangs,
a real application user. Every test also asserts that nothing was left behind."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from conftest import fill
from storage_support import fill_inodes, probe_files, probe_processes

from ansible_collections.tank.monitoring.plugins.module_utils import _storage
from ansible_collections.tank.monitoring.plugins.module_utils._runner import run_check

MODULE = 'tank.monitoring.storage_check'


def ids(result):
    return sorted(f['id'] for f in result['findings'])


def only(result, finding_id):
    found = [f for f in result['findings'] if f['id'] == finding_id]
    assert found, 'no %s in %r' % (finding_id, result['findings'])
    return found[0]


def assert_remedy(finding):
    local = finding['id'][len('storage.'):]
    assert finding['remedy'] == _storage.CATALOGUE[local].remedy
    assert finding['guide_section'] == _storage.CATALOGUE[local].section


def assert_nothing_left(*directories):
    assert probe_files(*directories) == []
    assert probe_processes() == []


def test_healthy_mount_gives_no_finding(run_module, mounts):
    share = mounts.tmpfs('share')
    batch = mounts.directory('batch')
    result, _run = run_module(MODULE, {'paths': [
        {'path': share, 'mount': True, 'fstype': 'tmpfs', 'source': 'tankshare'},
        {'path': batch},
    ]})
    assert result['status'] == 'ok', result
    assert result['findings'] == []
    assert result['changed'] is False
    assert result['metrics']['filesystem_used_percent'][share] < 80
    assert set(result['metrics']['filesystem_inodes_used_percent']) == {share, batch}
    assert_nothing_left(share, batch)


def test_check_mode_runs_unchanged(run_module, mounts):
    share = mounts.tmpfs('share')
    result, _run = run_module(MODULE, {'paths': [{'path': share, 'mount': True}]}, check=True)
    assert result['status'] == 'ok' and result['changed'] is False
    assert_nothing_left(share)


@pytest.mark.finding('storage.mount.missing')
def test_detached_share_leaves_bare_directory_critical(run_module, mounts):
    share = mounts.tmpfs('share')
    mounts.unmount(share)  # the NAS went away; the empty mount point still accepts writes
    result, _run = run_module(MODULE, {'paths': [{'path': share, 'mount': True, 'fstype': 'tmpfs'}]})
    assert result['status'] == 'critical'
    assert ids(result) == ['storage.mount.missing']
    assert_remedy(only(result, 'storage.mount.missing'))
    assert_nothing_left(share)


@pytest.mark.finding('storage.mount.mismatch')
def test_share_from_another_source_is_a_mismatch(run_module, mounts):
    share = mounts.tmpfs('share')
    result, _run = run_module(MODULE, {'paths': [{'path': share, 'source': 'nas01:/export/tank', 'fstype': 'nfs4'}]})
    finding = only(result, 'storage.mount.mismatch')
    assert finding['status'] == 'critical'
    assert 'tmpfs, expected nfs4' in finding['message'] and 'expected nas01:/export/tank' in finding['message']
    assert_remedy(finding)


@pytest.mark.finding('storage.write.read_only')
def test_read_only_remount_is_critical(run_module, mounts):
    share = mounts.tmpfs('share')
    subprocess.run(['mount', '-o', 'remount,ro', share], check=True)
    result, _run = run_module(MODULE, {'paths': [{'path': share, 'mount': True}]})
    assert result['status'] == 'critical'
    assert ids(result) == ['storage.write.read_only']
    finding = only(result, 'storage.write.read_only')
    assert 'EROFS' in finding['message']
    assert_remedy(finding)
    assert_nothing_left(share)


@pytest.mark.parametrize('percent, status', [(85, 'warning'), (95, 'critical')])
@pytest.mark.finding('storage.filesystem.used')
def test_filled_share(run_module, mounts, percent, status):
    share = mounts.tmpfs('share', size='8m')
    fill(share, percent)
    result, _run = run_module(MODULE, {'paths': [{'path': share, 'mount': True}]})
    assert result['status'] == status
    assert ids(result) == ['storage.filesystem.used']
    finding = only(result, 'storage.filesystem.used')
    assert finding['status'] == status
    assert percent - 2 <= finding['value'] <= percent + 2
    assert finding['threshold']['warning'] == 80 and finding['threshold']['critical'] == 90
    assert_remedy(finding)
    assert_nothing_left(share)


def test_threshold_override(run_module, mounts):
    share = mounts.tmpfs('share', size='8m')
    fill(share, 85)
    result, _run = run_module(MODULE, {'paths': [{'path': share}],
                                       'thresholds': {'filesystem_used_percent': {'warning': 90, 'critical': 95}}})
    assert result['findings'] == []


@pytest.mark.finding('storage.filesystem.inodes', 'storage.write.no_space')
def test_inodes_exhausted(run_module, mounts):
    share = mounts.tmpfs('share', options='nr_inodes=40')
    assert fill_inodes(share) > 0
    result, _run = run_module(MODULE, {'paths': [{'path': share, 'mount': True}]})
    assert result['status'] == 'critical'
    inodes = only(result, 'storage.filesystem.inodes')
    assert inodes['status'] == 'critical' and inodes['value'] == 100.0
    assert_remedy(inodes)
    no_space = only(result, 'storage.write.no_space')  # and the probe file really cannot be created
    assert 'ENOSPC' in no_space['message']
    assert_remedy(no_space)
    assert_nothing_left(share)


@pytest.mark.finding('storage.write.denied')
def test_app_user_without_write_permission(run_module, mounts, app_user):
    share = mounts.tmpfs('share')  # root-owned 0755: root can write, the application cannot
    result, _run = run_module(MODULE, {'paths': [{'path': share, 'mount': True}], 'run_as': app_user.name})
    assert result['status'] == 'critical'
    assert ids(result) == ['storage.write.denied']
    finding = only(result, 'storage.write.denied')
    assert app_user.name in finding['message'] and 'EACCES' in finding['message']
    assert_remedy(finding)
    # The same path is fine for root, which is exactly why the probe must run as the app user.
    as_root, _run = run_module(MODULE, {'paths': [{'path': share, 'mount': True}]})
    assert as_root['findings'] == []
    assert_nothing_left(share)


def test_app_user_with_write_permission(run_module, mounts, app_user):
    share = mounts.tmpfs('share')
    os.chown(share, app_user.uid, app_user.gid)
    result, _run = run_module(MODULE, {'paths': [{'path': share, 'mount': True}], 'run_as': app_user.name})
    assert result['findings'] == [], result
    assert_nothing_left(share)


@pytest.mark.finding('storage.path.denied')
def test_app_user_cannot_reach_path(run_module, mounts, app_user):
    private = mounts.directory('private', mode=0o700)
    inner = os.path.join(private, 'attachments')
    os.makedirs(inner)
    result, _run = run_module(MODULE, {'paths': [{'path': inner}], 'run_as': app_user.name})
    finding = only(result, 'storage.path.denied')
    assert finding['status'] == 'critical'
    assert_remedy(finding)


@pytest.mark.finding('storage.path.missing', 'storage.path.not_directory')
def test_missing_path_and_not_a_directory(run_module, mounts):
    missing = os.path.join(mounts.base, 'gone')
    a_file = os.path.join(mounts.directory('batch'), 'file.txt')
    with open(a_file, 'w') as handle:
        handle.write('x')
    result, _run = run_module(MODULE, {'paths': [{'path': missing}, {'path': a_file}]})
    assert ids(result) == ['storage.path.missing', 'storage.path.not_directory']
    for finding in result['findings']:
        assert finding['status'] == 'critical'
        assert_remedy(finding)


def test_unknown_run_as_user_is_a_clear_error(run_module, mounts):
    result, _run = run_module(MODULE, {'paths': [{'path': mounts.base}], 'run_as': 'no-such-user-tank'})
    assert result.get('failed') is True
    assert "no such user 'no-such-user-tank'" in result['msg']
    assert 'Traceback' not in str(result)


@pytest.mark.finding('storage.path.unresponsive')
def test_hung_filesystem_is_bounded_and_reported(run_module, mounts):
    hung = mounts.hanging_fuse('hung')
    healthy = mounts.tmpfs('share')
    timeout = 4.0
    result, _run = run_module(MODULE, {'paths': [{'path': hung, 'mount': True}, {'path': healthy, 'mount': True}],
                                       'timeout': timeout})
    assert result['status'] == 'critical'
    assert ids(result) == ['storage.path.unresponsive']  # the healthy share is unaffected
    finding = only(result, 'storage.path.unresponsive')
    assert finding['subject'] == hung and 'stuck in stat' in finding['message']
    assert_remedy(finding)
    assert result['duration_seconds'] <= timeout + 1
    assert healthy in result['metrics']['filesystem_used_percent']
    assert_nothing_left(healthy)


def test_hung_filesystem_in_process_returns_within_timeout(mounts):
    # The same entry point the future one-round-trip audit module calls.
    hung = mounts.hanging_fuse('hung')
    started = time.monotonic()
    result = run_check(_storage.SPEC, {'paths': [{'path': hung}], 'path_timeout': 1.5, 'timeout': 3.0})
    elapsed = time.monotonic() - started
    assert elapsed <= 3.0 + 1
    assert [f['id'] for f in result['findings']] == ['storage.path.unresponsive']
    assert result['findings'][0]['value'] == 1.5
    assert probe_processes() == []
