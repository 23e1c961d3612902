# -*- coding: utf-8 -*-
"""pm2_check findings not covered by test_pm2_check.py, each caused for real on a real PM2 daemon
(throw-away PM2_HOME) running real Node apps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _pm2

import pm2_support
from pm2_support import healthy, module_args

MODULE = 'tank.monitoring.pm2_check'

BUSY_JS = r'''
for (;;) {}
'''
NEVER_READY_JS = r'''
// Started with --wait-ready: PM2 keeps it "launching" until it sends "ready", which it never does.
setInterval(() => {}, 1000);
'''


def ids(result):
    return sorted(f['id'] for f in result['findings'])


def only(result, finding_id, subject=None):
    found = [f for f in result['findings'] if f['id'] == finding_id and (subject is None or f['subject'] == subject)]
    assert len(found) == 1, 'not one %s in %r' % (finding_id, result['findings'])
    assert found[0]['remedy'] == _pm2.CATALOGUE[finding_id[len('pm2.'):]].remedy
    return found[0]


@pytest.mark.finding('pm2.app.cpu')
def test_app_keeping_a_cpu_busy_is_reported(pm2, run_module):
    healthy(pm2)
    pm2.start('busy', BUSY_JS)
    pm2.wait_for(lambda: pm2.status('busy') == 'online', what='busy online')
    pm2.pm2('save')
    # Threshold override: the test machine is shared (2 cores, other runs), so a busy loop is sure
    # of a share of a CPU, not of 80% of one; 10% is far above what the idle apps use.
    result, _run = run_module(MODULE, module_args(pm2, apps=['backend', 'worker', 'busy'], restart_sample_seconds=2.0,
                                                  thresholds={'app_cpu_percent': {'warning': 10, 'critical': None}}))
    assert 'pm2.app.cpu' in ids(result), result['metrics'].get('app_cpu_percent')
    finding = only(result, 'pm2.app.cpu', 'busy')
    assert finding['status'] == 'warning'
    assert finding['value'] == result['metrics']['app_cpu_percent']['busy'] >= 10
    assert ids(result) == ['pm2.app.cpu']  # the idle backend and worker stay under it


@pytest.mark.finding('pm2.app.recently_restarted')
def test_app_restarted_a_moment_ago_is_reported(pm2, run_module):
    healthy(pm2)
    pm2.pm2('restart', 'worker')
    pm2.wait_for(lambda: pm2.status('worker') == 'online', what='worker online again')
    result, _run = run_module(MODULE, module_args(pm2, restart_sample_seconds=0))
    finding = only(result, 'pm2.app.recently_restarted', 'worker')
    assert finding['status'] == 'warning'
    assert finding['value'] == result['metrics']['app_uptime_seconds']['worker'] < 60
    assert '1 restart(s)' in finding['message']
    assert ids(result) == ['pm2.app.recently_restarted']


@pytest.mark.finding('pm2.app.not_online')
def test_app_stuck_launching_is_not_online(pm2, run_module):
    healthy(pm2)
    script = os.path.join(pm2.apps_dir, 'slow-start.js')
    with open(script, 'w') as handle:
        handle.write(NEVER_READY_JS)
    # `pm2 start --wait-ready` itself waits for the ready signal: left running in the background.
    starter = subprocess.Popen([pm2_support.PM2, 'start', script, '--name', 'slow-start', '--wait-ready',
                                '--listen-timeout', '120000'], env=pm2.env(), cwd=pm2.root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        pm2.wait_for(lambda: pm2.status('slow-start') == 'launching', what='slow-start launching')
        result, _run = run_module(MODULE, module_args(pm2, apps=['backend', 'worker', 'slow-start'],
                                                      restart_sample_seconds=0, check_startup=False))
    finally:
        starter.kill()
        starter.wait()
    finding = only(result, 'pm2.app.not_online', 'slow-start')
    assert finding['status'] == 'warning' and finding['value'] == 'launching'
    assert 'pm2.dump.unsaved_app' in ids(result) or ids(result) == ['pm2.app.not_online']


@pytest.mark.finding('pm2.cli.failed')
def test_hung_pm2_daemon_is_a_failed_cli(pm2, run_module):
    healthy(pm2)
    daemon = pm2.daemon_pid()
    os.kill(daemon, signal.SIGSTOP)  # the daemon is there but answers nothing
    try:
        result, _run = run_module(MODULE, module_args(pm2, restart_sample_seconds=0, check_startup=False, timeout=6))
    finally:
        os.kill(daemon, signal.SIGCONT)
    assert result['status'] == 'unknown'
    finding = only(result, 'pm2.cli.failed')
    assert finding['reason'] == 'error' and 'did not answer' in finding['message']
    assert finding['subject'] == pm2_support.PM2
    assert ids(result) == ['pm2.cli.failed']
    assert result['duration_seconds'] <= 6 + 1


@pytest.mark.finding('pm2.executable.not_found')
def test_running_daemon_whose_pm2_cannot_be_found(pm2, run_module, tmp_path):
    healthy(pm2)
    units = tmp_path / 'no-units'
    units.mkdir()
    path_without_pm2 = os.pathsep.join([os.path.dirname(sys.executable), '/usr/sbin', '/usr/bin', '/sbin', '/bin'])
    args = {'pm2_home': pm2.home, 'systemd_unit_dir': str(units), 'check_startup': False}
    result, _run = run_module(MODULE, args, env={'PATH': path_without_pm2})
    assert result['status'] == 'unknown'
    finding = only(result, 'pm2.executable.not_found')
    assert 'set pm2_executable' in finding['message']
    assert ids(result) == ['pm2.executable.not_found']
    assert pm2.status('worker') == 'online'  # the daemon was left alone
