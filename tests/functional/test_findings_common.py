# -*- coding: utf-8 -*-
"""The common findings every check shares (``_contract.COMMON_FINDINGS``), each made by ONE
mechanism whatever the check, so one real cause per mechanism (tests/unit/test_finding_coverage.py):

- ``<check>.options.invalid``: an option the check rejects while running (a ``run_as`` user that
  does not exist on the host) in the one-round-trip audit module: that check is ``unknown``, the
  others still run;
- ``<check>.error``: the check's process dies without a result (killed by a signal, as the OOM
  killer does) while it waits on a backend that never answers.

``<check>.timeout`` is caused in test_audit_module.py (a pathological log pattern), and
``<check>.missing_library`` in test_resources_check.py (an interpreter without psutil).
"""

from __future__ import annotations

import threading
import time

import psutil
import pytest

from health_support import Backend


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


def _check_children(module_name):
    """Processes running the module's check in a forked child: their parent is the module's own
    Python process (not the shell Ansible starts it with)."""
    found = []
    for proc in psutil.process_iter(['pid', 'ppid', 'cmdline']):
        cmdline = ' '.join(proc.info['cmdline'] or [])
        if module_name not in cmdline:
            continue
        try:
            parent = psutil.Process(proc.info['ppid'])
            if module_name in ' '.join(parent.cmdline()) and parent.name().startswith('python'):
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
            for child in _check_children('AnsiballZ_health_check'):
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
