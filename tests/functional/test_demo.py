# -*- coding: utf-8 -*-
"""`make demo`: the simulated site comes up healthy, each injected fault shows up in the report as its
finding, and `demo-down` leaves no process, mount or directory behind.

The demo runs through its command line (what the Makefile calls), with its state and report in this
test's own directories, so a demo the user left running is never touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import pytest

import demo_site
from demo_site import FAULTS, about_this_machine, findings

ALL_CHECKS = {'resources', 'pm2', 'logs', 'health', 'nginx', 'storage', 'logsdb', 'ses'}

# One demo site at a time on a machine (its state lives in .build/demo): one worker runs these.
pytestmark = pytest.mark.xdist_group('demo')


@pytest.fixture
def demo(tmp_path):
    """Runs the demo CLI with state and report under tmp_path; takes the site down whatever happens."""
    if os.geteuid() != 0:
        pytest.fail('the demo mounts tmpfs filesystems and must run as root')
    env = dict(os.environ, TANK_DEMO_STATE_DIR=str(tmp_path / 'state'), TANK_DEMO_REPORT_DIR=str(tmp_path / 'report'))

    class Demo(object):
        state_file = tmp_path / 'state' / 'state.json'
        report_file = tmp_path / 'report' / 'audit.json'

        def run(self, *args, expect_rc=0):
            proc = subprocess.run([sys.executable, demo_site.__file__] + list(args), capture_output=True, text=True,
                                  env=env, timeout=900, check=False)
            assert proc.returncode == expect_rc, proc.stdout[-4000:] + proc.stderr[-4000:]
            return proc

        def state(self):
            return json.loads(self.state_file.read_text())

        def report(self):
            return json.loads(self.report_file.read_text())

    helper = Demo()
    try:
        yield helper
    finally:
        if helper.state_file.exists():
            subprocess.run([sys.executable, demo_site.__file__, 'down'], env=env, capture_output=True, timeout=300,
                           check=False)


# Latency findings depend on how busy this (shared, 2-core) machine is when the audit runs, not on the
# demo's state: the tests make no timing assertion, so they are set aside like the machine's own.
TIMING_FINDINGS = ('health.response.latency', 'nginx.front_page.latency')


def demo_findings(state, report):
    """Finding ids about the demo's components (findings about this machine and latency set aside)."""
    return sorted(set(f['id'] for _where, _check, f in findings(report)
                      if not about_this_machine(state, f) and f['id'] not in TIMING_FINDINGS))


def machine_findings_are_not_the_demos(state, report):
    for _where, _check, finding in findings(report):
        if about_this_machine(state, finding):
            assert finding['id'].startswith('resources.')
            for root in (state['base'], state['nginx_base']):
                assert not str(finding.get('subject') or '').startswith(root)


def processes_of(state):
    """Processes the demo started, found in /proc by what they are (not by the pids it recorded): a
    command line or PM2_HOME under the demo's directories, an nginx worker of its master, its moto."""
    ses_marker = '_serve-ses %s' % os.path.dirname(str(state['logsdb']))
    found = []
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as handle:
                cmdline = handle.read().replace(b'\0', b' ').decode('utf-8', 'replace')
            with open('/proc/%s/environ' % pid, 'rb') as handle:
                environ = handle.read().decode('utf-8', 'replace')
            with open('/proc/%s/stat' % pid) as handle:
                ppid = int(handle.read().split(')', 1)[1].split()[2])
        except (OSError, ValueError, IndexError):
            continue
        if (state['base'] in cmdline or state['nginx_base'] in cmdline or ses_marker in cmdline
                or 'PM2_HOME=%s' % state['base'] in environ or ppid == state['nginx_pid']):
            found.append((int(pid), cmdline))
    return found


def mounts_under(path):
    with open('/proc/self/mountinfo') as handle:
        return [line.split()[4] for line in handle if line.split()[4].startswith(path.rstrip('/') + '/')]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open('/proc/%d/stat' % pid) as handle:
        return handle.read().split(')', 1)[1].split()[0] != 'Z'


def assert_all_gone(state):
    pids = [state.get(key) for key in ('ses_pid', 'nginx_pid', 'pm2_daemon_pid') if state.get(key)]
    assert len(pids) == 3
    assert [pid for pid in pids if alive(pid)] == []
    assert processes_of(state) == []
    assert mounts_under(state['base']) == []
    for path in (state['base'], state['nginx_base']):
        assert not os.path.exists(path)


def test_demo_up_is_healthy_then_faults_show_and_down_removes_everything(demo):
    up = demo.run('up')
    state = demo.state()
    report = demo.report()
    # Every check ran against the demo, the site checks included; Oracle is skipped and says so.
    checks = set(report['hosts']['localhost']['checks']) | set(report['sites']['demo']['checks'])
    assert checks == ALL_CHECKS
    assert 'Oracle cannot run on this machine' in up.stdout
    assert demo_findings(state, report) == [], up.stdout[-4000:]
    for name in ALL_CHECKS - {'resources', 'health', 'nginx'}:
        where = report['sites']['demo'] if name in ('logsdb', 'ses') else report['hosts']['localhost']
        assert where['checks'][name]['status'] == 'ok', where['checks'][name]
    machine_findings_are_not_the_demos(state, report)
    assert 'The demo site is healthy' in up.stdout
    # The components are real: nginx proxies /api to the NestJS backend under PM2.
    with urllib.request.urlopen('http://127.0.0.1:%d/api/health' % state['nginx_port'], timeout=10) as answer:
        body = json.loads(answer.read().decode())
    assert body['status'] == 'ok' and body['details']['database']['status'] == 'up'
    assert set(mounts_under(state['base'])) == {state['disk'], state['nas']}

    # One fault: the report changes to show it, and only it.
    one = demo.run('fault', 'worker-stopped')
    assert demo_findings(state, demo.report()) == ['pm2.app.stopped']
    assert 'pm2.app.stopped' in one.stdout and 'Faults injected: worker-stopped' in one.stdout

    # Several at once (the command line takes several names, as FAULT="a b" passes them).
    batch = ['nginx-bad-config', 'nas-readonly', 'ses-quota', 'logsdb-fail-spike', 'disk-full', 'backend-db-down',
             'dump-stale']
    demo.run('fault', *batch)
    state = demo.state()
    got = demo_findings(state, demo.report())
    for name in ['worker-stopped'] + batch:
        for finding_id in FAULTS[name][1]:
            assert finding_id in got, (name, got)
    assert state['faults'] == ['worker-stopped'] + batch

    down = demo.run('down')
    assert 'The demo site is down' in down.stdout
    assert not demo.state_file.exists()
    assert_all_gone(state)


def test_demo_fault_starts_the_site_when_needed_and_every_other_fault_shows(demo):
    batch = ['backend-errored', 'nginx-down', 'nas-full', 'ses-keys-revoked', 'logsdb-no-runs']
    demo.run('fault', *batch)
    state = demo.state()
    got = demo_findings(state, demo.report())
    for name in batch:
        for finding_id in FAULTS[name][1]:
            assert finding_id in got, (name, got)
    # Faults that exclude each other are refused with a message naming them, and nothing changes.
    refused = demo.run('fault', 'nas-unmounted', expect_rc=2)
    assert 'nas-unmounted cannot be combined with nas-full' in refused.stderr and 'Traceback' not in refused.stderr
    demo.run('down')
    assert_all_gone(state)

    demo.run('fault', 'nas-unmounted')
    state = demo.state()
    assert demo_findings(state, demo.report()) == ['storage.mount.missing']
    demo.run('down')
    assert_all_gone(state)


def test_demo_faults_lists_each_fault_and_bad_names_are_refused(demo):
    listing = demo.run('faults').stdout.splitlines()
    assert [line.split()[0] for line in listing] == list(FAULTS)
    assert all(' -> ' in line for line in listing)
    bad = demo.run('fault', 'worker-exploded', expect_rc=2)
    assert "unknown FAULT 'worker-exploded'" in bad.stderr and 'worker-stopped' in bad.stderr
    assert 'Traceback' not in bad.stderr
    assert not demo.state_file.exists()  # nothing was started
    assert 'not up' in demo.run('down').stdout


def test_make_demo_targets_call_the_demo(tmp_path):
    from conftest import REPO
    proc = subprocess.run(['make', '-n', 'demo', 'FAULT=nas-full ses-quota'], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert 'tests/functional/demo_site.py fault nas-full ses-quota' in proc.stdout
    assert 'demo_site.py up' in subprocess.run(['make', '-n', 'demo'], cwd=REPO, capture_output=True, text=True,
                                               check=True).stdout
    assert 'demo_site.py down' in subprocess.run(['make', '-n', 'demo-down'], cwd=REPO, capture_output=True,
                                                 text=True, check=True).stdout
