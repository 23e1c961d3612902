# -*- coding: utf-8 -*-
"""playbooks/remediate.yml against a real PM2 (throw-away PM2_HOME, real Node apps) and a real nginx.

Every test breaks the real components first, runs the shipped playbook (the audit, the plan, the
actions, the second audit) and then looks at PM2 and nginx themselves, not only at the report.
"""

from __future__ import annotations

import json
import os
import socket

import pytest

from conftest import REPO, run_playbook
from health_support import free_port
from nginx_support import NGINX, NginxSite
from pm2_support import PM2, WORKER_JS, healthy

PLAYBOOK = os.path.join(REPO, 'playbooks', 'remediate.yml')

# Exits at once, numbering its starts in a file next to it: the log says which start wrote a line.
COUNTED_CRASH_JS = r'''
const fs = require('fs');
const counter = __filename + '.count';
let n = 0;
try { n = parseInt(fs.readFileSync(counter, 'utf8'), 10) || 0; } catch (e) {}
n += 1;
fs.writeFileSync(counter, String(n));
console.log('start ' + n);
console.error('Error: missing DB_HOST in .env (start ' + n + ')');
process.exit(1);
'''


def remediate(tmp_path, sandbox, confirm=False, checks=('pm2',), options=None, check=False, host_options=None):
    report_dir = tmp_path / 'reports'
    audit_options = {'pm2': {'pm2_home': sandbox.home, 'pm2_executable': PM2, 'systemd_unit_dir': sandbox.unit_dir,
                             'apps': ['backend', 'worker'], 'restart_sample_seconds': 0}}
    audit_options.update(options or {})
    variables = {'audit_checks': list(checks), 'audit_options': audit_options,
                 'remediate_report_dir': str(report_dir), 'remediate_settle_seconds': 5}
    if host_options:  # replaces the local inventory's audit_options_host
        variables['audit_options_host'] = host_options
    if confirm:
        variables['remediate_confirm'] = True
    run = run_playbook(PLAYBOOK, extra_vars=variables, check=check)
    assert run.rc == 0, run.stdout[-5000:] + run.stderr[-3000:]
    with open(str(report_dir / 'remediation.json')) as handle:
        report = json.load(handle)
    return run, report, report_dir


def audit_findings(report_dir, stage, check='pm2'):
    with open(str(report_dir / stage / 'audit.json')) as handle:
        return [f['id'] for f in json.load(handle)['hosts']['localhost']['checks'][check]['findings']]


def process(sandbox, name):
    return next(p for p in sandbox.jlist() if p['name'] == name)


def identity(sandbox, name):
    proc = process(sandbox, name)
    return proc['pm_id'], proc['pid'], proc['pm2_env']['pm_uptime'], proc['pm2_env']['restart_time']


def saved_names(sandbox):
    with open(os.path.join(sandbox.home, 'dump.pm2')) as handle:
        return sorted(app['name'] for app in json.load(handle))


def console(run):
    return json.dumps(run.data)


def test_dry_run_changes_nothing_and_lists_its_plan(pm2, tmp_path):
    healthy(pm2)
    pm2.pm2('stop', 'worker')
    pm2.start('mailer', WORKER_JS)  # online but not saved: dump.unsaved_app
    dump = os.path.join(pm2.home, 'dump.pm2')
    dump_stat = os.stat(dump)
    backend = identity(pm2, 'backend')
    missing = tmp_path / 'no-such-nas'

    run, report, report_dir = remediate(tmp_path, pm2, checks=('pm2', 'storage'),
                                        host_options={'storage': {'paths': [{'path': str(missing)}]}})

    assert pm2.status('worker') == 'stopped'
    assert os.stat(dump).st_mtime_ns == dump_stat.st_mtime_ns and saved_names(pm2) == ['backend', 'worker']
    assert identity(pm2, 'backend') == backend
    assert not (report_dir / 'after').exists() and not (report_dir / 'logs').exists()
    assert report['dry_run'] is True and report['audit_after'] is None
    host = report['hosts']['localhost']
    assert [(a['action'], a['subject'], a['outcome']) for a in host['actions']] == [
        ('pm2_start', 'worker', 'planned'), ('pm2_save', 'dump.pm2', 'planned')]
    assert host['actions'][0]['command'] == 'pm2 start worker'
    assert host['actions'][1]['finding_ids'] == ['pm2.dump.unsaved_app']
    # The NAS is a person's decision: listed with the guide's remedy, never acted on.
    nas = [p for p in host['needs_person'] if p['check'] == 'storage']
    assert nas and nas[0]['id'] == 'storage.path.missing' and 'NAS' in nas[0]['why'] and nas[0]['remedy']
    out = console(run)
    assert 'DRY RUN' in out and 'would run pm2 start worker' in out and 'needs a person: storage.path.missing' in out


def test_check_mode_with_confirmation_still_changes_nothing(pm2, tmp_path):
    healthy(pm2)
    pm2.pm2('stop', 'worker')
    _run, report, _dir = remediate(tmp_path, pm2, confirm=True, check=True)
    assert pm2.status('worker') == 'stopped'
    assert report['dry_run'] is True
    assert [a['outcome'] for a in report['hosts']['localhost']['actions']] == ['planned']


def test_confirmed_run_starts_the_stopped_worker_saves_the_stale_dump_and_leaves_healthy_apps_alone(pm2, tmp_path):
    healthy(pm2)
    pm2.start('mailer', WORKER_JS)
    pm2.wait_for(lambda: pm2.status('mailer') == 'online', what='mailer online')
    pm2.pm2('save')
    pm2.pm2('delete', 'mailer')  # saved but no longer run: dump.stale_app
    pm2.pm2('stop', 'worker')
    backend = identity(pm2, 'backend')

    run, report, report_dir = remediate(tmp_path, pm2, confirm=True)

    assert sorted(audit_findings(report_dir, 'before')) == ['pm2.app.stopped', 'pm2.dump.stale_app']
    assert pm2.status('worker') == 'online'
    assert saved_names(pm2) == ['backend', 'worker']
    assert identity(pm2, 'backend') == backend  # never restarted
    assert audit_findings(report_dir, 'after') == []
    host = report['hosts']['localhost']
    assert [(a['action'], a['outcome']) for a in host['actions']] == [('pm2_start', 'done'), ('pm2_save', 'done')]
    assert host['status_before'] == 'critical' and host['status_after'] == 'ok'
    assert report['dry_run'] is False and report['summary_after']['ok'] == 1
    assert 'REMEDIATED: localhost critical -> ok' in console(run)


def test_missing_dump_is_saved_when_every_app_is_online(pm2, tmp_path):
    healthy(pm2)
    os.unlink(os.path.join(pm2.home, 'dump.pm2'))
    backend, worker = identity(pm2, 'backend'), identity(pm2, 'worker')
    _run, report, report_dir = remediate(tmp_path, pm2, confirm=True)
    assert audit_findings(report_dir, 'before') == ['pm2.dump.missing']
    assert saved_names(pm2) == ['backend', 'worker']
    assert (identity(pm2, 'backend'), identity(pm2, 'worker')) == (backend, worker)
    assert audit_findings(report_dir, 'after') == []


def test_healthy_site_is_not_touched(pm2, tmp_path):
    healthy(pm2)
    before = (identity(pm2, 'backend'), identity(pm2, 'worker'), os.stat(os.path.join(pm2.home, 'dump.pm2')).st_mtime_ns)
    _run, report, _dir = remediate(tmp_path, pm2, confirm=True)
    assert report['hosts']['localhost']['actions'] == [] and report['hosts']['localhost']['needs_person'] == []
    assert (identity(pm2, 'backend'), identity(pm2, 'worker'),
            os.stat(os.path.join(pm2.home, 'dump.pm2')).st_mtime_ns) == before


def test_errored_app_logs_are_saved_before_its_restart(pm2, tmp_path):
    healthy(pm2)
    script = os.path.join(pm2.apps_dir, 'worker2.js')
    with open(script, 'w') as handle:
        handle.write(COUNTED_CRASH_JS)
    # Every exit counts as unstable even on a loaded machine (min_uptime defaults to 1 s; no CLI option).
    declaration = os.path.join(pm2.apps_dir, 'worker2.json')
    with open(declaration, 'w') as handle:
        json.dump({'apps': [{'name': 'worker2', 'script': script, 'min_uptime': 60000, 'time': True}]}, handle)
    pm2.pm2('start', declaration)
    pm2.wait_for(lambda: pm2.status('worker2') == 'errored', timeout=90, what='worker2 errored')
    backend = identity(pm2, 'backend')
    with open(script + '.count') as handle:
        starts_before = int(handle.read())

    _run, report, report_dir = remediate(
        tmp_path, pm2, confirm=True,
        options={'pm2': {'pm2_home': pm2.home, 'pm2_executable': PM2, 'systemd_unit_dir': pm2.unit_dir,
                         'apps': ['backend', 'worker', 'worker2'], 'restart_sample_seconds': 0}})

    host = report['hosts']['localhost']
    actions = [(a['action'], a['subject'], a['outcome']) for a in host['actions']]
    assert actions[0] == ('pm2_restart', 'worker2', 'done'), actions
    with open(script + '.count') as handle:
        assert int(handle.read()) > starts_before  # it was restarted
    logs = report_dir / 'logs' / 'localhost'
    files = sorted(os.listdir(str(logs)))
    assert [name.split('-', 1)[1] for name in files] == ['worker2-err.log', 'worker2-out.log']
    assert sorted(host['saved_logs']) == ['logs/localhost/' + name for name in files]
    err = (logs / files[0]).read_text()
    out = (logs / files[1]).read_text()
    # Read before the restart: the last start it holds is the last one before remediation.
    assert 'Error: missing DB_HOST in .env (start %d)' % starts_before in err
    assert 'start %d' % (starts_before + 1) not in err + out
    assert 'start %d' % starts_before in out
    # The healthy backend is never restarted; the errored app keeps crashing, so the list is not saved.
    assert identity(pm2, 'backend') == backend
    assert pm2.status('worker2') in ('errored', 'launching', 'waiting restart', 'online', 'stopped')
    assert 'pm2.app.errored' in audit_findings(report_dir, 'before')


# -- nginx ------------------------------------------------------------------------------------------------

@pytest.fixture
def nginx():
    site = NginxSite()
    try:
        yield site
    finally:
        site.cleanup()


def listening(port):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(('127.0.0.1', port)) == 0


def moved_port(site):
    """The configuration on disk now listens on another port; the running nginx was not reloaded."""
    old = site.port
    site.port = free_port()
    site.write_conf()
    return old


def test_nginx_is_reloaded_after_a_passing_test_when_it_misses_a_configured_port(pm2, nginx, tmp_path):
    healthy(pm2)
    nginx.start()
    master = nginx.pid
    old = moved_port(nginx)
    _run, report, report_dir = remediate(tmp_path, pm2, confirm=True, checks=('pm2', 'nginx'),
                                         options={'nginx': nginx.module_args(binary=NGINX)})
    assert 'nginx.port.not_listening' in audit_findings(report_dir, 'before', 'nginx')
    assert [(a['action'], a['outcome']) for a in report['hosts']['localhost']['actions']] == [('nginx_reload', 'done')]
    assert nginx.pid == master  # reloaded, not restarted
    assert listening(nginx.port) and not listening(old)
    assert 'nginx.port.not_listening' not in audit_findings(report_dir, 'after', 'nginx')


def test_nginx_is_not_reloaded_when_its_configuration_test_fails(nginx, run_module):
    """The configuration broke between the audit and the action: nginx -t fails, no reload."""
    nginx.start()
    old = moved_port(nginx)
    with open(nginx.conf, 'a') as handle:
        handle.write('this_is_not_a_directive on;\n')
    finding = {'id': 'nginx.port.not_listening', 'status': 'critical', 'subject': str(nginx.port),
               'message': 'x', 'remedy': 'y', 'guide_section': '§10'}
    result, _run = run_module('tank.monitoring.remediate', {
        'checks': {'nginx': {'status': 'critical', 'findings': [finding]}},
        'nginx': {'binary': NGINX, 'config': nginx.conf, 'prefix': nginx.prefix}})
    assert result['results'][0]['outcome'] == 'skipped'
    assert 'nginx -t failed, so nginx was NOT reloaded' in result['results'][0]['detail']
    assert listening(old) and not listening(nginx.port)
    assert result['changed'] is False


def test_bad_findings_input_is_named(run_module):
    result, _run = run_module('tank.monitoring.remediate', {'checks': {'pm2': {'findings': ['oops']}}})
    assert result.get('failed') and result['msg'] == 'checks.pm2.findings must be a list of findings with an id'
    assert 'Traceback' not in json.dumps(result)
