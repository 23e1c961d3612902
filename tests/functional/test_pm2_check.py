# -*- coding: utf-8 -*-
"""pm2_check against a real PM2 daemon (throw-away PM2_HOME) running real Node apps."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _pm2

import pm2_support
from pm2_support import BACKEND_JS, EXITS_AT_ONCE_JS, SLOW_CRASH_JS, WORKER_JS, healthy, module_args
from storage_support import account_command

MODULE = 'tank.monitoring.pm2_check'


def ids(result):
    return sorted(f['id'] for f in result['findings'])


def finding(result, finding_id, subject=None):
    matches = [f for f in result['findings'] if f['id'] == finding_id and (subject is None or f['subject'] == subject)]
    assert matches, 'no %s finding in %s' % (finding_id, json.dumps(result['findings'], indent=1))
    found = matches[0]
    assert found['remedy'] == _pm2.CATALOGUE[finding_id.split('.', 1)[1]].remedy
    return found


def test_healthy_backend_and_worker_give_no_finding(pm2, run_module):
    healthy(pm2)
    result, _run = run_module(MODULE, module_args(pm2))
    assert result['status'] == 'ok', result['findings']
    assert result['findings'] == []
    assert result['changed'] is False
    assert result['metrics']['apps_online'] == 2
    assert result['metrics']['app_online'] == {'backend': 1, 'worker': 1}
    assert result['metrics']['startup_enabled'] == 1


@pytest.mark.finding('pm2.app.stopped')
def test_stopped_worker_is_critical_with_start_again(pm2, run_module):
    healthy(pm2)
    pm2.pm2('stop', 'worker')
    result, _run = run_module(MODULE, module_args(pm2))
    assert result['status'] == 'critical'
    assert finding(result, 'pm2.app.stopped', 'worker')['value'] == 'stopped'
    assert 'pm2 start' in finding(result, 'pm2.app.stopped')['remedy']
    assert ids(result) == ['pm2.app.stopped']


@pytest.mark.finding('pm2.app.errored')
def test_app_exiting_at_once_is_errored(pm2, run_module):
    healthy(pm2)
    pm2.start('backend-broken', EXITS_AT_ONCE_JS)
    pm2.wait_for(lambda: pm2.status('backend-broken') == 'errored', timeout=60, what='errored')
    pm2.pm2('save')
    result, _run = run_module(MODULE, module_args(pm2, apps=['backend', 'worker', 'backend-broken']))
    assert result['status'] == 'critical'
    assert finding(result, 'pm2.app.errored', 'backend-broken')['value'] == 'errored'
    assert 'read the logs' in finding(result, 'pm2.app.errored')['remedy']


@pytest.mark.finding('pm2.app.restart_loop')
def test_slow_crash_loop_while_online_is_caught(pm2, run_module):
    healthy(pm2)
    pm2.pm2('delete', 'backend')
    pm2.start('backend', SLOW_CRASH_JS)
    pm2.wait_for(lambda: pm2.jlist()[-1]['pm2_env']['restart_time'] >= 2, timeout=30, what='restarts')
    pm2.pm2('save')
    assert pm2.status('backend') == 'online'  # PM2 itself still says online
    result, _run = run_module(MODULE, module_args(pm2, restart_sample_seconds=6.0))  # several 1.5 s crashes
    assert result['status'] == 'critical'
    loop = finding(result, 'pm2.app.restart_loop', 'backend')
    assert loop['value'] >= 1
    assert '.env or code error' in loop['remedy']
    assert 'worker' not in [f['subject'] for f in result['findings']]


@pytest.mark.finding('pm2.app.missing')
def test_missing_app_is_critical(pm2, run_module):
    healthy(pm2)
    pm2.pm2('delete', 'backend')
    pm2.pm2('save')
    result, _run = run_module(MODULE, module_args(pm2))
    assert result['status'] == 'critical'
    assert ids(result) == ['pm2.app.missing']
    assert finding(result, 'pm2.app.missing')['subject'] == 'backend'


@pytest.mark.finding('pm2.daemon.not_running')
def test_daemon_not_running_is_reported_and_never_started(pm2, run_module):
    pm2.write_unit()
    assert pm2.daemon_processes() == []
    result, _run = run_module(MODULE, module_args(pm2))
    assert result['status'] == 'critical'
    assert 'pm2.daemon.not_running' in ids(result)
    finding(result, 'pm2.daemon.not_running')
    # The check must not have spawned a daemon (any pm2 CLI call would have).
    assert pm2.daemon_processes() == []
    assert not os.path.exists(os.path.join(pm2.home, 'pm2.pid'))
    assert not os.path.exists(os.path.join(pm2.home, 'rpc.sock'))


def test_stale_pid_file_counts_as_not_running(pm2, run_module):
    with open(os.path.join(pm2.home, 'pm2.pid'), 'w') as handle:
        handle.write('%d' % os.getpid())  # alive, but not a PM2 daemon
    result, _run = run_module(MODULE, module_args(pm2, check_startup=False))
    assert ids(result) == ['pm2.daemon.not_running']
    assert pm2.daemon_processes() == []


@pytest.mark.finding('pm2.dump.unsaved_app')
def test_app_started_after_save_is_reported(pm2, run_module):
    healthy(pm2)
    pm2.start('mailer', WORKER_JS)
    result, _run = run_module(MODULE, module_args(pm2))
    assert result['status'] == 'warning'
    assert ids(result) == ['pm2.dump.unsaved_app']
    assert finding(result, 'pm2.dump.unsaved_app')['subject'] == 'mailer'


@pytest.mark.finding('pm2.dump.stale_app')
def test_app_deleted_after_save_is_reported(pm2, run_module):
    healthy(pm2)
    pm2.start('mailer', WORKER_JS)
    pm2.pm2('save')
    pm2.pm2('delete', 'mailer')
    result, _run = run_module(MODULE, module_args(pm2))
    assert ids(result) == ['pm2.dump.stale_app']
    assert finding(result, 'pm2.dump.stale_app')['subject'] == 'mailer'


@pytest.mark.finding('pm2.dump.missing')
def test_never_saved_is_reported(pm2, run_module):
    pm2.start('backend', BACKEND_JS)
    pm2.start('worker', WORKER_JS)
    pm2.write_unit()
    result, _run = run_module(MODULE, module_args(pm2))
    assert ids(result) == ['pm2.dump.missing']


@pytest.mark.finding('pm2.startup.missing')
def test_startup_unit_missing(pm2, run_module):
    healthy(pm2)
    os.unlink(os.path.join(pm2.unit_dir, 'multi-user.target.wants', 'pm2-root.service'))
    os.unlink(os.path.join(pm2.unit_dir, 'pm2-root.service'))
    result, _run = run_module(MODULE, module_args(pm2))
    assert result['status'] == 'warning'
    assert ids(result) == ['pm2.startup.missing']
    assert 'mandatory' in finding(result, 'pm2.startup.missing')['remedy']


@pytest.mark.finding('pm2.startup.disabled')
def test_startup_unit_disabled(pm2, run_module):
    healthy(pm2)
    pm2.write_unit(enabled=False)
    result, _run = run_module(MODULE, module_args(pm2))
    assert ids(result) == ['pm2.startup.disabled']
    finding(result, 'pm2.startup.disabled')


@pytest.mark.finding('pm2.startup.home_mismatch')
def test_startup_unit_for_another_pm2_home(pm2, run_module):
    healthy(pm2)
    pm2.write_unit(home='/home/other/.pm2')
    result, _run = run_module(MODULE, module_args(pm2))
    assert ids(result) == ['pm2.startup.home_mismatch']


def test_secret_in_app_environment_never_reaches_output(pm2, run_module):
    secret = 'Tank-Oracle-Pa55word-7f3a91'
    healthy(pm2, worker_env={'TANK_DB_PASSWORD': secret, 'AWS_SECRET_ACCESS_KEY': secret + '-aws'})
    assert secret in json.dumps(pm2.jlist())  # PM2 itself does carry it
    result, run = run_module(MODULE, module_args(pm2), verbosity=3)
    assert result['status'] == 'ok'
    assert secret not in run.stdout
    assert secret not in run.stderr
    assert 'pm2_env' not in run.stdout


@pytest.mark.finding('pm2.app.memory')
def test_memory_threshold(pm2, run_module):
    healthy(pm2)
    result, _run = run_module(MODULE, module_args(pm2, thresholds={'app_memory_mb': {'warning': 1, 'critical': None}}))
    assert result['status'] == 'warning'
    assert sorted(f['subject'] for f in result['findings'] if f['id'] == 'pm2.app.memory') == ['backend', 'worker']
    assert finding(result, 'pm2.app.memory')['threshold']['name'] == 'app_memory_mb'


def test_pm2_found_on_path_without_executable_option(pm2, run_module):
    healthy(pm2)
    args = module_args(pm2)
    del args['pm2_executable']
    env = {'PATH': os.path.dirname(pm2_support.PM2) + os.pathsep + os.environ.get('PATH', '')}
    result, _run = run_module(MODULE, args, env=env)
    assert result['status'] == 'ok', result['findings']


def test_bad_option_is_a_clear_failure(pm2, run_module):
    result, _run = run_module(MODULE, module_args(pm2, pm2_user='no-such-user-xyz'))
    assert result.get('failed') is True
    assert 'no-such-user-xyz' in result['msg']
    assert 'Traceback' not in result['msg']


def test_check_mode_runs_the_check(pm2, run_module):
    healthy(pm2)
    pm2.pm2('stop', 'worker')
    result, _run = run_module(MODULE, module_args(pm2), check=True)
    assert ids(result) == ['pm2.app.stopped']
    assert result['changed'] is False


def test_audit_report_shows_pm2_and_logs_without_secrets(pm2, tmp_path):
    """Backend + worker host through the audit role: report keys pm2 and logs, no secret anywhere."""
    from conftest import run_playbook

    secret = 'Tank-SES-Secret-0d9c2b71'
    healthy(pm2, worker_env={'AWS_SECRET_ACCESS_KEY': secret})
    pm2.pm2('stop', 'backend')
    inventory = tmp_path / 'hosts.yml'
    host = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
    inventory.write_text(json.dumps({'all': {
        'children': {'tank_backend': {'hosts': {'localhost': host}}, 'tank_worker': {'hosts': {'localhost': {}}}},
        'vars': {'audit_checks': ['pm2', 'logs'],
                 'audit_options': {'pm2': {'pm2_home': pm2.home, 'pm2_executable': pm2_support.PM2,
                                           'systemd_unit_dir': pm2.unit_dir}}}}}))
    report_dir = tmp_path / 'reports'
    run = run_playbook(os.path.join(pm2_support.REPO, 'playbooks', 'audit.yml'), inventory=str(inventory),
                       extra_vars={'audit_report_dir': str(report_dir)}, verbosity=2)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((report_dir / 'audit.json').read_text())
    checks = report['hosts']['localhost']['checks']
    assert set(checks) == {'pm2', 'logs'}
    assert [f['id'] for f in checks['pm2']['findings']] == ['pm2.app.stopped']
    assert checks['pm2']['findings'][0]['subject'] == 'backend'
    assert checks['logs']['status'] == 'ok', checks['logs']['findings']
    for text in (run.stdout, run.stderr, (report_dir / 'audit.json').read_text(),
                 (report_dir / 'summary.txt').read_text()):
        assert secret not in text


@pytest.fixture
def pm2_as_other_user():
    """A real system user running its own PM2 daemon in ~/.pm2; user, daemon and home removed afterwards."""
    user = 'tankpm2-%s' % uuid.uuid4().hex[:6]
    home = tempfile.mkdtemp(prefix='tank-pm2-user-')
    os.chmod(home, 0o755)
    account_command(['useradd', '-M', '-d', home, '-s', '/bin/sh', user])
    env = ['env', 'HOME=%s' % home, 'PM2_HOME=%s/.pm2' % home, 'PATH=/usr/bin:/bin']

    def as_user(*args):
        return subprocess.run(['runuser', '-u', user, '--'] + env + [pm2_support.PM2] + list(args),
                              capture_output=True, text=True, timeout=60, check=False, cwd=home)

    try:
        os.chown(home, pwd.getpwnam(user).pw_uid, -1)
        for name, source in (('backend', BACKEND_JS), ('worker', WORKER_JS)):
            script = os.path.join(home, '%s.js' % name)
            with open(script, 'w') as handle:
                handle.write(source)
            started = as_user('start', script, '--name', name)
            assert started.returncode == 0, started.stdout + started.stderr
        yield user, home
    finally:
        as_user('kill')
        account_command(['userdel', user], check=False)
        shutil.rmtree(home, ignore_errors=True)


def test_pm2_of_another_user_is_read_as_that_user(pm2_as_other_user, run_module, tmp_path):
    user, home = pm2_as_other_user
    result, _run = run_module(MODULE, {'pm2_user': user, 'pm2_executable': pm2_support.PM2,
                                       'systemd_unit_dir': str(tmp_path), 'check_startup': False})
    assert result['status'] == 'ok', result['findings']
    assert result['metrics']['app_online'] == {'backend': 1, 'worker': 1}
    # Nothing the check did belongs to root in that user's PM2_HOME.
    for root, dirs, files in os.walk(os.path.join(home, '.pm2')):
        for name in dirs + files:
            assert os.lstat(os.path.join(root, name)).st_uid != 0, os.path.join(root, name)


def test_pm2_found_under_nvm_of_the_pm2_user(pm2_as_other_user, run_module, tmp_path):
    """Non-interactive shells do not load nvm: pm2 is found in ~/.nvm/versions/node/*/bin all the same."""
    user, home = pm2_as_other_user
    nvm_bin = os.path.join(home, '.nvm', 'versions', 'node', 'v20.20.2', 'bin')
    os.makedirs(nvm_bin)
    os.symlink(pm2_support.PM2, os.path.join(nvm_bin, 'pm2'))
    os.symlink(pm2_support.NODE, os.path.join(nvm_bin, 'node'))
    path_without_pm2 = os.pathsep.join([os.path.dirname(sys.executable), '/usr/sbin', '/usr/bin', '/sbin', '/bin'])
    result, _run = run_module(MODULE, {'pm2_user': user, 'systemd_unit_dir': str(tmp_path), 'check_startup': False},
                              env={'PATH': path_without_pm2})
    assert result['status'] == 'ok', result['findings']
    assert result['metrics']['apps_online'] == 2


def test_backend_only_host_is_not_asked_for_a_worker(pm2, tmp_path):
    """Audit of a tank_backend host: pm2 and logs watch the backend only (no scheduler, no jobs expected)."""
    from conftest import run_playbook

    pm2.start('backend', BACKEND_JS)
    pm2.wait_for(lambda: pm2.status('backend') == 'online', what='backend online')
    pm2.pm2('save')
    pm2.write_unit()
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(json.dumps({'all': {
        'children': {'tank_backend': {'hosts': {'localhost': {
            'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}},
        'vars': {'audit_checks': ['pm2', 'logs'],
                 'audit_options': {'pm2': {'pm2_home': pm2.home, 'pm2_executable': pm2_support.PM2,
                                           'systemd_unit_dir': pm2.unit_dir}}}}}))
    report_dir = tmp_path / 'reports'
    run = run_playbook(os.path.join(pm2_support.REPO, 'playbooks', 'audit.yml'), inventory=str(inventory),
                       extra_vars={'audit_report_dir': str(report_dir)})
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    checks = json.loads((report_dir / 'audit.json').read_text())['hosts']['localhost']['checks']
    assert checks['pm2']['status'] == 'ok', checks['pm2']['findings']
    assert checks['logs']['status'] == 'ok', checks['logs']['findings']
    assert 'worker_jobs_in_window' not in checks['logs']['metrics']


# -- issue 11: not installed, odd fields, read-only PM2_HOME, one jlist per audit ----------------------

def pm2_home_snapshot(home):
    """Every entry of PM2_HOME with its type, size, mtime (ns) and content: what an audit must not change."""
    entries = {}
    for root, dirs, files in os.walk(home):
        for name in dirs + files:
            path = os.path.join(root, name)
            info = os.lstat(path)
            content = None
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, 'rb') as handle:
                    content = handle.read()
            entries[os.path.relpath(path, home)] = (info.st_mode, info.st_size, info.st_mtime_ns, content)
    return entries


def quiet_apps(sandbox):
    """Backend and worker that write no log line, so only PM2 itself could change PM2_HOME."""
    sandbox.start('backend', BACKEND_JS)
    sandbox.start('worker', BACKEND_JS)
    sandbox.wait_for(lambda: sandbox.status('backend') == 'online' and sandbox.status('worker') == 'online',
                     what='backend and worker online')
    sandbox.pm2('save')
    sandbox.write_unit()


def test_pm2_check_leaves_pm2_home_byte_and_time_identical(pm2, run_module):
    quiet_apps(pm2)
    assert os.path.exists(os.path.join(pm2.home, 'touch'))
    before = pm2_home_snapshot(pm2.home)
    result, _run = run_module(MODULE, module_args(pm2, restart_sample_seconds=1.0))
    assert result['status'] == 'ok', result['findings']
    assert result['metrics']['apps_online'] == 2
    after = pm2_home_snapshot(pm2.home)
    assert sorted(after) == sorted(before)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == []


def test_pm2_check_does_not_create_touch_either(pm2, run_module):
    """Without PM2_HOME/touch the CLI would print its banner, check its version online and write the file."""
    quiet_apps(pm2)
    os.unlink(os.path.join(pm2.home, 'touch'))
    before = pm2_home_snapshot(pm2.home)
    result, _run = run_module(MODULE, module_args(pm2, restart_sample_seconds=0))
    assert result['status'] == 'ok', result['findings']
    assert pm2_home_snapshot(pm2.home) == before


@pytest.mark.finding('pm2.not_installed')
def test_host_without_pm2_is_not_installed_not_a_stopped_daemon(pm2, run_module, tmp_path):
    units = tmp_path / 'no-units'
    units.mkdir()
    path_without_pm2 = os.pathsep.join([os.path.dirname(sys.executable), '/usr/sbin', '/usr/bin', '/sbin', '/bin'])
    result, _run = run_module(MODULE, {'pm2_home': pm2.home, 'systemd_unit_dir': str(units)},
                              env={'PATH': path_without_pm2})
    assert result['status'] == 'critical'
    assert ids(result) == ['pm2.not_installed']
    found = finding(result, 'pm2.not_installed')
    assert 'not installed' in found['message'] and 'not running' not in found['message']
    assert 'npm install -g pm2' in found['remedy'] and 'resurrect' not in found['remedy']
    assert pm2.daemon_processes() == []


def test_installed_pm2_with_its_daemon_down_is_still_not_running(pm2, run_module):
    result, _run = run_module(MODULE, module_args(pm2, check_startup=False))
    assert ids(result) == ['pm2.daemon.not_running']
    assert 'pm2 resurrect' in finding(result, 'pm2.daemon.not_running')['remedy']


ODD_PM2_JS = r'''#!/usr/bin/env node
// The real pm2, with one app's restart_time made non-numeric in "pm2 jlist" (a fault PM2 cannot be made to
// produce on its own: its daemon resets the field to 0 for every new process).
const out = require('child_process').execFileSync(%s, process.argv.slice(2), {encoding: 'utf8'});
if (process.argv[2] !== 'jlist') { process.stdout.write(out); process.exit(0); }
const list = JSON.parse(out.slice(out.indexOf('[')));
for (const p of list) if (p.name === 'backend') p.pm2_env.restart_time = 'abc';
process.stdout.write(JSON.stringify(list));
'''


@pytest.mark.finding('pm2.app.unreadable')
def test_one_app_with_a_non_numeric_restart_count_does_not_stop_the_others(pm2, run_module, tmp_path):
    healthy(pm2)
    pm2.pm2('stop', 'worker')
    odd = tmp_path / 'odd-bin' / 'pm2'
    odd.parent.mkdir()
    odd.write_text(ODD_PM2_JS % json.dumps(pm2_support.PM2))
    odd.chmod(0o755)
    result, _run = run_module(MODULE, module_args(pm2, pm2_executable=str(odd)))
    assert result['status'] == 'critical'
    assert ids(result) == ['pm2.app.stopped', 'pm2.app.unreadable']
    unreadable = finding(result, 'pm2.app.unreadable', 'backend')
    assert unreadable['status'] == 'unknown'
    assert 'restart_time' in unreadable['message'] and '"abc"' in unreadable['message']
    assert finding(result, 'pm2.app.stopped', 'worker')['status'] == 'critical'
    # The odd app's other fields are still judged; its restart count is not invented.
    assert result['metrics']['app_online'] == {'backend': 1, 'worker': 0}
    assert 'backend' not in result['metrics'].get('app_restarts', {})


def test_prefetch_shares_one_real_jlist_with_the_log_sources(pm2, monkeypatch):
    """What the audit does before forking the pm2 and logs checks: one pm2 jlist, reused by both."""
    from ansible_collections.tank.monitoring.plugins.module_utils import _context, _logs
    from ansible_collections.tank.monitoring.plugins.module_utils._check import Deadline

    quiet_apps(pm2)
    monkeypatch.setattr(_pm2, 'HOST_CONTEXT', _context.HostContext())
    before = pm2_home_snapshot(pm2.home)
    params = module_args(pm2)
    processes = _pm2.prefetch(params, Deadline(30))
    assert sorted(p['name'] for p in processes) == ['backend', 'worker']
    assert 'pm2_env' not in json.dumps(processes)

    def no_second_jlist(*_args):
        raise AssertionError('pm2 jlist ran again')

    monkeypatch.setattr(_pm2, 'jlist', no_second_jlist)
    target = _pm2.resolve_target(params)
    first = _pm2.shared_jlist(target, pm2_support.PM2, Deadline(30))
    assert [p['name'] for p in first] == [p['name'] for p in processes]
    sources = _logs.log_sources(params, ['worker'], {}, Deadline(30))
    assert ('out', os.path.join(pm2.home, 'logs', 'worker-out.log')) in sources['worker']
    assert pm2_home_snapshot(pm2.home) == before
