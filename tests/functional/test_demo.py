# -*- coding: utf-8 -*-
"""`make demo`: the simulated site comes up healthy, each injected fault shows up in the report as its
finding, `make demo-remediate` plans and then (confirmed) carries out the guide's fixes of a stopped
worker and a stale dump with a clean re-audit, and `demo-down` leaves no process, mount or directory
behind.

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


class DemoCli(object):
    """Runs the demo CLI with its state and report under ``base`` (a demo the user left running is never met)."""

    def __init__(self, base):
        # TANK_DEMO_RELAX_LATENCY: this busy machine's slow answers are no fault of the demo (demo_site.py).
        self.env = dict(os.environ, TANK_DEMO_STATE_DIR=str(base / 'state'), TANK_DEMO_REPORT_DIR=str(base / 'report'),
                        TANK_DEMO_RELAX_LATENCY='1')
        self.state_file = base / 'state' / 'state.json'
        self.report_file = base / 'report' / 'audit.json'
        self.remediation_file = base / 'report' / 'remediation' / 'remediation.json'

    def run(self, *args, expect_rc=0):
        proc = subprocess.run([sys.executable, demo_site.__file__] + list(args), capture_output=True, text=True,
                              env=self.env, timeout=900, check=False)
        assert proc.returncode == expect_rc, proc.stdout[-4000:] + proc.stderr[-4000:]
        return proc

    def state(self):
        return json.loads(self.state_file.read_text())

    def report(self):
        return json.loads(self.report_file.read_text())

    def healthy_site(self):
        """``make demo``: the site up with no fault injected (taken down first if a test left faults in it)."""
        if self.state_file.exists() and self.state()['faults']:
            self.run('down')
        return self.run('up')

    def down_if_up(self):
        if self.state_file.exists():
            subprocess.run([sys.executable, demo_site.__file__, 'down'], env=self.env, capture_output=True,
                           timeout=300, check=False)


def _require_root():
    if os.geteuid() != 0:
        pytest.fail('the demo mounts tmpfs filesystems and must run as root')


@pytest.fixture
def demo(tmp_path):
    """A demo of this test's own; taken down whatever happens."""
    _require_root()
    helper = DemoCli(tmp_path)
    try:
        yield helper
    finally:
        helper.down_if_up()


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    """One demo site shared by the tests that start from a healthy site (standing it up is the slow part).

    Each of them asks for it with ``healthy_site()``, which stands it up when it is not (first test, or a
    previous one took it down) and takes it down first when a test left faults in it, so every test holds
    alone, in any order; run in file order the site is stood up once. Taken down at the end whatever happens.
    """
    _require_root()
    helper = DemoCli(tmp_path_factory.mktemp('demo-site'))
    try:
        yield helper
    finally:
        helper.down_if_up()


def demo_findings(state, report):
    """Finding ids about the demo's components (findings about this machine set aside). No latency finding
    can show: the tests run the demo with its latency limits out of reach (TANK_DEMO_RELAX_LATENCY; this busy
    machine's load is no demo fault, and a slow answer would also break "The demo site is healthy" in the output)."""
    return sorted(set(f['id'] for _where, _check, f in findings(report) if not about_this_machine(state, f)))


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


def test_demo_up_is_healthy(site):
    up = site.healthy_site()
    state = site.state()
    report = site.report()
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


# -- remediation on the demo site -------------------------------------------------------------------------

def pm2_identity(state, name):
    """What changes when PM2 starts or restarts an app: its pid, start time and restart count."""
    proc = next(p for p in demo_site._pm2(state).jlist() if p['name'] == name)
    return proc['pid'], proc['pm2_env']['status'], proc['pm2_env']['pm_uptime'], proc['pm2_env']['restart_time']


def nginx_processes(state):
    """The nginx master and its workers: a reload (or restart) replaces the workers."""
    workers = []
    for pid in os.listdir('/proc'):
        try:
            with open('/proc/%s/stat' % pid) as handle:
                if int(handle.read().split(')', 1)[1].split()[2]) == state['nginx_pid']:
                    workers.append(int(pid))
        except (OSError, ValueError, IndexError):
            continue
    assert alive(state['nginx_pid']) and workers
    return state['nginx_pid'], sorted(workers)


def dump(state):
    """The saved process list: (mtime, app names)."""
    path = os.path.join(state['pm2_root'], 'pm2home', 'dump.pm2')
    with open(path) as handle:
        return os.stat(path).st_mtime_ns, sorted(app['name'] for app in json.load(handle))


def pm2_finding_ids(report):
    return sorted(f['id'] for f in report['hosts']['localhost']['checks']['pm2']['findings'])


def test_demo_remediation_dry_run_then_confirmed_fixes_the_stopped_worker_and_the_stale_dump(site):
    site.healthy_site()
    site.run('fault', 'worker-stopped', 'dump-stale')
    state = site.state()
    assert pm2_finding_ids(site.report()) == ['pm2.app.stopped', 'pm2.dump.unsaved_app']
    extra = state['extra_apps'][-1]
    backend, nginx, saved = pm2_identity(state, 'backend'), nginx_processes(state), dump(state)
    assert pm2_identity(state, 'worker')[1] == 'stopped' and extra not in saved[1]

    # Dry run (the default): the plan is the start and the save, and nothing changes.
    plan_run = site.run('remediate')
    plan = json.loads(site.remediation_file.read_text())
    assert plan['dry_run'] is True and plan['audit_after'] is None
    host = plan['hosts']['localhost']
    assert [(a['action'], a['subject'], a['outcome']) for a in host['actions']] == [
        ('pm2_start', 'worker', 'planned'), ('pm2_save', 'dump.pm2', 'planned')]
    assert host['actions'][1]['finding_ids'] == ['pm2.dump.unsaved_app']
    assert not [p for p in host['needs_person'] if p['id'].startswith(('pm2.', 'nginx.'))], host['needs_person']
    assert 'would run pm2 start worker' in plan_run.stdout and 'nothing was changed' in plan_run.stdout
    assert pm2_identity(state, 'worker')[1] == 'stopped'
    assert dump(state) == saved
    assert pm2_identity(state, 'backend') == backend and nginx_processes(state) == nginx
    assert site.state()['faults'] == ['worker-stopped', 'dump-stale']

    # Confirmed: the worker is started, the list saved, the re-audit clean; nothing healthy is touched.
    fixed = site.run('remediate', '--confirm')
    result = json.loads(site.remediation_file.read_text())
    assert result['dry_run'] is False
    host = result['hosts']['localhost']
    assert [(a['action'], a['subject'], a['outcome']) for a in host['actions']] == [
        ('pm2_start', 'worker', 'done'), ('pm2_save', 'dump.pm2', 'done')]
    with open(result['audit_before']) as handle:
        before = json.load(handle)
    with open(result['audit_after']) as handle:
        after = json.load(handle)
    assert pm2_finding_ids(before) == ['pm2.app.stopped', 'pm2.dump.unsaved_app']
    assert pm2_finding_ids(after) == [] and after['hosts']['localhost']['checks']['pm2']['status'] == 'ok'
    assert demo_findings(state, after) == []
    assert host['status_before'] == 'critical'
    assert pm2_identity(state, 'worker')[1] == 'online'
    mtime, names = dump(state)
    assert mtime != saved[0] and names == sorted(['backend', 'worker', extra])
    assert pm2_identity(state, 'backend') == backend  # never restarted
    assert nginx_processes(state) == nginx  # never reloaded
    assert 'REMEDIATED: localhost critical' in fixed.stdout
    assert 'Repaired by the remediation (the second audit no longer shows them): worker-stopped, dump-stale' \
        in fixed.stdout
    assert site.state()['faults'] == []
    # The re-audit above is the repaired site's audit (demo_findings(after) == []): no third audit here.


def test_demo_faults_show_and_down_removes_everything(site):
    site.healthy_site()
    # One fault: the report changes to show it, and only it.
    one = site.run('fault', 'worker-stopped')
    state = site.state()
    assert demo_findings(state, site.report()) == ['pm2.app.stopped']
    assert 'pm2.app.stopped' in one.stdout and 'Faults injected: worker-stopped' in one.stdout
    assert 'make demo-remediate' in one.stdout

    # Several at once (the command line takes several names, as FAULT="a b" passes them).
    batch = ['nginx-bad-config', 'nas-readonly', 'ses-quota', 'logsdb-fail-spike', 'disk-full', 'backend-db-down',
             'dump-stale']
    site.run('fault', *batch)
    state = site.state()
    got = demo_findings(state, site.report())
    for name in ['worker-stopped'] + batch:
        for finding_id in FAULTS[name][1]:
            assert finding_id in got, (name, got)
    assert state['faults'] == ['worker-stopped'] + batch

    down = site.run('down')
    assert 'The demo site is down' in down.stdout
    assert not site.state_file.exists()
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
    # Under `make test` the outer make's MAKEFLAGS/MAKELEVEL would add "Entering directory" lines.
    env = dict((k, v) for k, v in os.environ.items() if k not in ('MAKEFLAGS', 'MAKELEVEL', 'MFLAGS'))
    lines = subprocess.run(['make', '--no-print-directory', '-n', 'demo-remediate'], cwd=REPO, capture_output=True,
                           text=True, check=True, env=env).stdout.strip().splitlines()
    assert lines[-1].strip().endswith('demo_site.py remediate')
    assert 'demo_site.py remediate --confirm' in subprocess.run(['make', '-n', 'demo-remediate', 'CONFIRM=true'],
                                                                cwd=REPO, capture_output=True, text=True,
                                                                check=True).stdout
