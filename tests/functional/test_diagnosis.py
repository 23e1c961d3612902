# -*- coding: utf-8 -*-
"""Root-cause diagnosis end to end: real faults, ``playbooks/audit.yml`` on localhost, ``audit.json``.

Real PM2 with Node apps, real HTTP (the backend's own port), tmpfs mounts, SQLite Logs DBs built by
the collection's seeding script, moto's SES server. The only stand-in is for the Oracle server: a
loopback socket that answers as a listener refusing ORA-12514 (none can run here).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import pm2_support
from conftest import REPO, run_playbook
from health_support import free_port
from logsdb_support import build_logsdb
from oracle_support import listener_refusing, loopback_server
from pm2_support import WORKER_JS, write_log
from ses_support import FAKE_KEY, FAKE_SECRET, MotoSes
from storage_support import probe_files

AUDIT = os.path.join(REPO, 'playbooks', 'audit.yml')
AWS_ENV = {'AWS_EC2_METADATA_DISABLED': 'true', 'AWS_CONFIG_FILE': '/dev/null',
           'AWS_SHARED_CREDENTIALS_FILE': '/dev/null', 'NO_PROXY': '127.0.0.1,localhost'}
LOCAL = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
ORACLE_PASSWORD = 'Diag-Oracle-pw-5521'

# A backend like Tank's: reads its .env, answers GET /api/health on its port; without its .env it
# dies at once (PM2 restarts it until it gives up: errored).
BACKEND_ON_PORT_JS = r'''
const fs = require('fs'), path = require('path');
const envFile = path.join(__dirname, 'backend.env');
if (!fs.existsSync(envFile)) { console.error('Error: cannot read ' + envFile + ': missing DB_HOST'); process.exit(1); }
require('http').createServer((q, s) => { s.setHeader('Content-Type', 'application/json'); s.end('{"status":"ok"}'); })
  .listen(%d, '127.0.0.1');
'''


@pytest.fixture
def moto():
    server = MotoSes()
    try:
        server.reset()
        yield server
    finally:
        server.reset()
        server.stop()


def audit(tmp_path, checks, options, env=None, thresholds=None, lang=None):
    """Run the audit playbook on localhost (a tank_site host) with these checks; the parsed audit.json."""
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(json.dumps({'all': {
        'children': {'tank_site': {'hosts': {'localhost': dict(LOCAL)}}},
        'vars': {'audit_checks': checks, 'audit_options': options, 'audit_thresholds': thresholds or {}}}}))
    report_dir = tmp_path / 'reports'
    extra = {'audit_report_dir': str(report_dir)}
    if lang:
        extra['audit_report_lang'] = lang
    run = run_playbook(AUDIT, inventory=str(inventory), extra_vars=extra, check=True, env=env)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((report_dir / 'audit.json').read_text())
    assert report['schema_version'] == 3
    return report, run


def findings(entry, finding_id):
    found = [f for result in entry['checks'].values() for f in result['findings'] if f['id'] == finding_id]
    assert found, '%s not in %s' % (finding_id, json.dumps(entry['checks'], indent=1)[:4000])
    return found


def all_entries(report):
    return list(report['hosts'].values()) + list(report['sites'].values())


def start_backend_and_worker(pm2, port):
    env_file = os.path.join(pm2.apps_dir, 'backend.env')  # beside the script pm2.start writes
    with open(env_file, 'w') as handle:
        handle.write('DB_HOST=db01\n')
    pm2.start('backend', BACKEND_ON_PORT_JS % port)
    pm2.start('worker', WORKER_JS)
    pm2.wait_for(lambda: pm2.status('backend') == 'online' and pm2.status('worker') == 'online',
                 what='backend and worker online')
    pm2.pm2('save')
    pm2.write_unit()
    return env_file


def pm2_host_options(pm2, port):
    return {'pm2': pm2_support.module_args(pm2, restart_sample_seconds=0),
            'logs': {'pm2_home': pm2.home, 'pm2_executable': pm2_support.PM2, 'apps': ['backend', 'worker']},
            'health': {'url': 'http://127.0.0.1:%d/api/health' % port, 'use_proxy': False, 'timeout': 3}}


def test_errored_backend_is_the_root_cause_of_the_refused_health_api_and_its_error_log(pm2, tmp_path):
    port = free_port()
    env_file = start_backend_and_worker(pm2, port)
    # The fault: the backend's .env is gone; started again from its ecosystem file (as a deploy does),
    # it dies at once until PM2 gives up. min_uptime set as an ecosystem file may: on a loaded machine
    # a start-and-die can outlast PM2's default 1 s, would not count as unstable and loop forever.
    os.unlink(env_file)
    pm2.pm2('delete', 'backend')
    ecosystem = os.path.join(pm2.apps_dir, 'ecosystem.json')
    with open(ecosystem, 'w') as handle:
        json.dump({'apps': [{'name': 'backend', 'script': os.path.join(pm2.apps_dir, 'backend.js'), 'time': True,
                             'min_uptime': 30000, 'max_restarts': 5}]}, handle)
    pm2.pm2('start', ecosystem)
    pm2.wait_for(lambda: pm2.status('backend') == 'errored', timeout=180, what='backend errored')
    report, _run = audit(tmp_path, ['pm2', 'logs', 'health'], pm2_host_options(pm2, port))
    host = report['hosts']['localhost']
    assert host['root_causes'], json.dumps(host, indent=1)[:6000]
    first = host['root_causes'][0]
    assert first['finding'] == 'pm2.app.errored' and first['subject'] == 'backend', json.dumps(host, indent=1)[:6000]
    assert first['check'] == 'pm2' and first['rule'] == 'pm2-app-down'
    assert first['checklist'] == '§13.1 Backend not answering -> check `pm2 status`'
    assert 'read the logs' in first['remedy']
    assert 'health.request.refused' in first['explains'] and 'logs.errors.other' in first['explains'], \
        json.dumps(host, indent=1)[:6000]
    (refused,) = findings(host, 'health.request.refused')
    assert refused['explained_by'] == 'localhost:pm2.app.errored'
    errors = [f for f in findings(host, 'logs.errors.other') if f['subject'] == 'backend']
    assert errors and all(f['explained_by'] == 'localhost:pm2.app.errored' for f in errors)
    (errored,) = findings(host, 'pm2.app.errored')
    assert 'explained_by' not in errored


def test_stopped_backend_explains_the_refused_health_api(pm2, tmp_path):
    port = free_port()
    start_backend_and_worker(pm2, port)
    pm2.pm2('stop', 'backend')
    report, _run = audit(tmp_path, ['pm2', 'logs', 'health'], pm2_host_options(pm2, port))
    host = report['hosts']['localhost']
    (root,) = host['root_causes']
    assert (root['finding'], root['subject'], root['explains']) == ('pm2.app.stopped', 'backend', ['health.request.refused'])
    assert root['checklist'].startswith('§13.1 ')


def test_stopped_backend_root_cause_in_korean(pm2, tmp_path):
    """``audit_report_lang: ko``: the root cause's remedy in the Korean guide's words in audit.json,
    summary.txt and audit.md, under the Korean §13 checklist item; ids and the rule as in English."""
    port = free_port()
    start_backend_and_worker(pm2, port)
    pm2.pm2('stop', 'backend')
    report, run = audit(tmp_path, ['pm2', 'logs', 'health'], pm2_host_options(pm2, port), lang='ko')
    host = report['hosts']['localhost']
    (root,) = host['root_causes']
    assert (root['finding'], root['rule'], root['explains']) == ('pm2.app.stopped', 'pm2-app-down', ['health.request.refused'])
    assert 'pm2 start 재실행' in root['remedy'] and 'run `pm2 start`' not in root['remedy']
    summary = (tmp_path / 'reports' / 'summary.txt').read_text(encoding='utf-8')
    markdown = (tmp_path / 'reports' / 'audit.md').read_text(encoding='utf-8')
    for text in (summary, markdown, run.stdout):
        assert '근본 원인' in text and root['remedy'] in text and '§13.1 Backend 응답 없음 → pm2 status 확인' in text


def test_pm2_daemon_down_is_one_cause_not_six_alarms(pm2, tmp_path):
    port = free_port()
    start_backend_and_worker(pm2, port)
    pm2.pm2('kill')  # the daemon and with it both apps
    assert pm2.daemon_processes() == []
    report, _run = audit(tmp_path, ['pm2', 'logs', 'health'], pm2_host_options(pm2, port))
    host = report['hosts']['localhost']
    (root,) = host['root_causes']
    assert root['finding'] == 'pm2.daemon.not_running' and root['rule'] == 'pm2-daemon-down'
    assert root['checklist'] == '§13.1 Backend not answering -> check `pm2 status`'
    assert 'health.request.refused' in root['explains']
    explained = [f for result in host['checks'].values() for f in result['findings'] if f.get('explained_by')]
    others = [f['id'] for result in host['checks'].values() for f in result['findings']
              if not f.get('explained_by') and f['id'] != 'pm2.daemon.not_running']
    assert others == [], others  # every other alarm is nested under the daemon
    assert {f['explained_by'] for f in explained} == {'localhost:pm2.daemon.not_running'}
    assert pm2.daemon_processes() == []  # the audit started no daemon


def test_oracle_refusing_ora12514_explains_the_logs_db_and_the_ora_lines_of_the_app_log(tmp_path):
    log = write_log(tmp_path / 'backend-error.log',
                    [(ago, 'Error: ORA-12514: TNS:listener does not currently know of service requested in connect '
                           'descriptor') for ago in (300, 240, 180, 120, 60)])
    with loopback_server(listener_refusing(12514)) as oracle:  # STAND-IN for the Oracle listener
        report, run = audit(tmp_path, ['logs', 'oracle', 'logsdb'], {
            'logs': {'log_files': {'backend': [log]}, 'apps': ['backend'], 'scheduler_app': '', 'worker_app': ''},
            'oracle': {'host': '127.0.0.1', 'port': oracle.port, 'service_name': 'TANKPDB', 'user': 'tank_monitor',
                       'password': ORACLE_PASSWORD, 'connect_timeout': 3},
            'logsdb': {'database': 'oracle'}})
    site = report['sites']['default']
    (root,) = site['root_causes']
    assert root['finding'] == 'oracle.listener.service_unknown' and root['check'] == 'oracle'
    assert root['checklist'] == '§13.5 DB connection failure -> check Oracle listener / network'
    assert 'service name' in root['remedy']
    logsdb_ids = [f['id'] for f in site['checks']['logsdb']['findings']]
    assert logsdb_ids and all(i in root['explains'] for i in logsdb_ids), (logsdb_ids, root)
    assert 'localhost:logs.errors.ora12514' in root['explains']
    for finding in site['checks']['logsdb']['findings'] + findings(report['hosts']['localhost'], 'logs.errors.ora12514'):
        assert finding['explained_by'] == '@default:oracle.listener.service_unknown'
    assert report['hosts']['localhost']['root_causes'] == []
    assert ORACLE_PASSWORD not in run.stdout + run.stderr + json.dumps(report)


def test_read_only_nas_explains_the_not_found_rise_in_attachment_log(tmp_path, mounts):
    share = mounts.tmpfs('nas')
    subprocess.run(['mount', '-o', 'remount,ro', share], check=True)
    database = build_logsdb(tmp_path / 'logs.db', faults=['not-found'])
    report, _run = audit(tmp_path, ['storage', 'logsdb'], {
        'storage': {'paths': [{'path': share, 'mount': True, 'fstype': 'tmpfs'}]},
        'logsdb': {'database': 'sqlite:///' + database}})
    host = report['hosts']['localhost']
    (root,) = host['root_causes']
    assert root['finding'] == 'storage.write.read_only' and root['check'] == 'storage'
    assert root['checklist'] == '§13.3 Attachment missing -> check NAS path / permissions'
    assert 'read-only is NOT acceptable' in root['remedy']
    assert root['explains'] == ['@default:logsdb.attachment.not_found']
    (not_found,) = findings(report['sites']['default'], 'logsdb.attachment.not_found')
    assert not_found['explained_by'] == 'localhost:storage.write.read_only'
    assert report['sites']['default']['root_causes'] == []
    assert probe_files(share) == []


def test_invalid_ses_keys_explain_the_send_fail_spike_and_the_ses_errors_of_the_worker(tmp_path, moto):
    moto.enforce_auth()  # moto now checks keys: FAKE_KEY belongs to no IAM user
    log = write_log(tmp_path / 'worker-error.log',
                    [(ago, 'Error: SES send failed: InvalidClientTokenId: The security token included in the '
                           'request is invalid.') for ago in (300, 240, 180, 120, 60)])
    database = build_logsdb(tmp_path / 'logs.db', faults=['fail-spike'])
    report, run = audit(tmp_path, ['logs', 'logsdb', 'ses'], {
        'logs': {'log_files': {'worker': [log]}, 'apps': ['worker'], 'scheduler_app': '', 'worker_app': ''},
        'logsdb': {'database': 'sqlite:///' + database},
        'ses': {'endpoint_url': moto.url, 'region': 'eu-west-1', 'access_key': FAKE_KEY, 'secret_key': FAKE_SECRET}},
        env=AWS_ENV)
    site = report['sites']['default']
    (root,) = site['root_causes']
    assert root['finding'] == 'ses.credentials.invalid' and root['rule'] == 'ses-unusable'
    assert root['checklist'] == '§13.4 SES send error -> check SES metrics'
    assert root['explains'] == ['localhost:logs.errors.ses', 'logsdb.email_send.fail_spike']
    (spike,) = findings(site, 'logsdb.email_send.fail_spike')
    assert spike['explained_by'] == '@default:ses.credentials.invalid'
    assert FAKE_SECRET not in run.stdout + run.stderr + json.dumps(report)


def test_healthy_site_has_no_root_cause_anywhere(pm2, tmp_path, mounts):
    port = free_port()
    start_backend_and_worker(pm2, port)
    share = mounts.tmpfs('nas')
    database = build_logsdb(tmp_path / 'logs.db')
    options = pm2_host_options(pm2, port)
    options.update({'storage': {'paths': [{'path': share, 'mount': True, 'fstype': 'tmpfs'}]},
                    'logsdb': {'database': 'sqlite:///' + database}})
    # No timing judged here: the test machine's load must not make a healthy backend "slow".
    report, _run = audit(tmp_path, ['pm2', 'logs', 'health', 'storage', 'logsdb'], options,
                         thresholds={'health': {'latency_seconds': {'warning': 60, 'critical': 120}}})
    assert set(report['hosts']['localhost']['checks']) == {'pm2', 'logs', 'health', 'storage'}
    assert set(report['sites']['default']['checks']) == {'logsdb'}
    for entry in all_entries(report):
        assert entry['root_causes'] == []
        for result in entry['checks'].values():
            assert result['findings'] == [], result['findings']
