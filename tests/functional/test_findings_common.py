# -*- coding: utf-8 -*-
"""The common findings every check shares (``_contract.COMMON_FINDINGS``), each made by ONE
mechanism whatever the check, so one real cause per mechanism (tests/unit/test_finding_coverage.py):

- ``<check>.options.invalid``: an option the check rejects while running (a ``run_as`` user that
  does not exist on the host) in the one-round-trip audit module: that check is ``unknown``, the
  others still run;
- ``<check>.error``: the check's process dies without a result (killed by a signal, as the OOM
  killer does) while it waits on a backend that never answers;
- ``<check>.permission_denied``: a ``PermissionError`` escaping a check: pm2_check run by an
  unprivileged user (tests/functional/unprivileged_support.py) on root's PM2, whose CLI it may not
  run as root.

``<check>.timeout`` is caused in test_audit_module.py (a pathological log pattern), and
``<check>.missing_library`` in test_resources_check.py (an interpreter without psutil).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time

import psutil
import pytest

from health_support import Backend
from pm2_support import PM2, Pm2Sandbox

from ansible_collections.tank.monitoring.plugins.module_utils._contract import COMMON_FINDINGS


@pytest.mark.finding('storage.options.invalid')
def test_option_a_check_rejects_while_running_is_an_unknown_entry(run_module, mounts):
    share = mounts.tmpfs('share')
    result, _run = run_module('tank.monitoring.audit', {'checks': {
        'resources': {'cpu_sample_seconds': 0},
        'storage': {'paths': [{'path': share, 'mount': True}], 'run_as': 'no-such-user-tank'},
    }})
    assert not result.get('failed'), result.get('msg')
    storage = result['checks']['storage']
    assert [f['id'] for f in storage['findings']] == ['storage.options.invalid']
    finding = storage['findings'][0]
    assert finding['status'] == 'unknown' and finding['reason'] == 'invalid_options'
    assert "no such user 'no-such-user-tank'" in finding['message']
    assert storage['status'] == 'unknown'
    assert 'filesystem_used_percent' in result['checks']['resources']['metrics']  # the other check ran


def _check_children(port):
    """Processes of the check connected to the backend on ``port``: the child the audit module forked to
    run the check (with pipelining the module runs as a bare ``python`` reading stdin, so its command
    line does not name the module; its connection to the hanging backend does)."""
    found = []
    for proc in psutil.process_iter(['pid']):
        if proc.pid == os.getpid():  # the backend's own end of the connection
            continue
        try:
            if any(conn.raddr and conn.raddr.port == port for conn in proc.net_connections(kind='tcp')):
                found.append(proc)
        except psutil.Error:
            continue
    return found


@pytest.mark.finding('health.error')
def test_check_process_killed_without_a_result_is_an_error(run_module):
    outcome = {}
    with Backend('hang') as backend:
        runner = threading.Thread(target=lambda: outcome.update(
            zip(('result', 'run'), run_module('tank.monitoring.health_check', {'url': backend.url(), 'timeout': 60}))))
        runner.start()
        deadline = time.monotonic() + 45
        killed = []
        while not killed and time.monotonic() < deadline:
            for child in _check_children(backend.port):
                child.kill()  # SIGKILL, as the OOM killer sends it
                killed.append(child.pid)
            time.sleep(0.2)
        runner.join(90)
    assert killed, 'the check process never appeared'
    result = outcome['result']
    assert result.get('status') == 'unknown', result
    assert [f['id'] for f in result['findings']] == ['health.error'], result['findings']
    finding = result['findings'][0]
    assert finding['reason'] == 'error' and 'ended without a result' in finding['message']
    assert result['duration_seconds'] < 45


@pytest.fixture
def root_pm2():
    """Root's real PM2 daemon with one app online, its PM2_HOME under a world-traversable directory (pytest's
    tmp_path is 0700): another user can read the pid file and find the daemon, as under /home/<user>/.pm2."""
    base = tempfile.mkdtemp(prefix='tank-pm2-', dir='/tmp')
    os.chmod(base, 0o755)
    sandbox = Pm2Sandbox(base)
    try:
        sandbox.start('api', 'setInterval(function () {}, 1000);\n')
        yield sandbox
    finally:
        sandbox.close()
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.finding('pm2.permission_denied')
def test_a_check_without_the_permission_it_needs_is_an_unknown_entry(run_module, root_pm2, unprivileged):
    args = {'pm2_user': 'root', 'pm2_home': root_pm2.home, 'pm2_executable': PM2, 'apps': ['api'],
            'check_startup': False}
    # As root the check lists root's PM2: the app is online, nothing to report.
    assert run_module('tank.monitoring.pm2_check', args)[0]['findings'] == []
    result, _run = run_module('tank.monitoring.pm2_check', args, task_extra=unprivileged.task_extra())
    assert not result.get('failed'), result.get('msg')
    assert [f['id'] for f in result['findings']] == ['pm2.permission_denied'], result['findings']
    finding = result['findings'][0]
    assert finding['status'] == 'unknown' and finding['reason'] == 'permission_denied'
    assert finding['message'] == ('Permission denied: cannot run pm2 as root without root privileges '
                                  '(use become: true)')
    assert finding['remedy'] == COMMON_FINDINGS['permission_denied'].remedy
    assert not result.get('warnings'), result['warnings']
    assert result['status'] == 'unknown' and result['changed'] is False
    assert root_pm2.status('api') == 'online'  # nothing was started, stopped or respawned
