# -*- coding: utf-8 -*-
"""One round trip per host: ``tank.monitoring.audit`` and the audit role against real components.

Real PM2 with Node apps, real nginx, moto's SES server, a SQLite Logs DB, tmpfs and a hung FUSE
mount, real HTTP servers. The only stand-in is for the Oracle server (a loopback socket that
answers as a listener refusing ORA-12514, or never answers), since none can run here.
"""

from __future__ import annotations

import json
import os
import sys
import time

import pytest

import pm2_support
from conftest import REPO, run_playbook
from health_support import Backend
from logsdb_support import build_logsdb
from nginx_support import NginxSite
from oracle_support import closed_port, listener_refusing, loopback_server, silent_handler
from pm2_support import healthy, write_log
from ses_support import FAKE_KEY, FAKE_SECRET, MotoSes

AUDIT = os.path.join(REPO, 'playbooks', 'audit.yml')
AWS_ENV = {'AWS_EC2_METADATA_DISABLED': 'true', 'AWS_CONFIG_FILE': '/dev/null',
           'AWS_SHARED_CREDENTIALS_FILE': '/dev/null', 'NO_PROXY': '127.0.0.1,localhost'}
ORACLE_PASSWORD = 'Oracle-Audit-pw-4417'
LOCAL = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}


def ids(result):
    return sorted(f['id'] for f in result['findings'])


@pytest.mark.finding('pm2.app.stopped', 'oracle.listener.service_unknown', 'logsdb.email_send.fail_spike')
def test_all_nine_checks_in_one_invocation_against_real_components(run_module, pm2, tmp_path, mounts):
    healthy(pm2)
    pm2.pm2('stop', 'backend')
    site = NginxSite()
    moto = MotoSes()
    try:
        site.start()
        moto.reset()
        share = mounts.tmpfs('share')
        database = build_logsdb(tmp_path / 'logs.db', faults=['fail-spike'])
        with Backend('ok') as backend, loopback_server(listener_refusing(12514)) as oracle:
            result, run = run_module('tank.monitoring.audit', {'timeout': 60, 'checks': {
                'resources': {'cpu_sample_seconds': 0,
                              'thresholds': {'load_per_core': {'warning': None, 'critical': None}}},
                'pm2': pm2_support.module_args(pm2, restart_sample_seconds=0),
                'logs': {'pm2_home': pm2.home, 'pm2_executable': pm2_support.PM2, 'apps': ['backend', 'worker']},
                # No latency limits: on a busy 2-core machine a healthy local answer can take a second.
                'health': {'url': backend.url(), 'use_proxy': False,
                           'thresholds': {'latency_seconds': {'warning': None, 'critical': None}}},
                'nginx': dict(site.module_args(), thresholds={
                    'front_page_latency_seconds': {'warning': None, 'critical': None}}),
                'oracle': {'host': '127.0.0.1', 'port': oracle.port, 'service_name': 'TANKPDB', 'user': 'tank_monitor',
                           'password': ORACLE_PASSWORD, 'connect_timeout': 5},
                'logsdb': {'database': 'sqlite:///' + database,
                           'thresholds': {'send_fail_percent': {'critical': 50}}},
                'storage': {'paths': [{'path': share, 'mount': True, 'fstype': 'tmpfs'}]},
                'ses': {'endpoint_url': moto.url, 'region': 'eu-west-1', 'access_key': FAKE_KEY,
                        'secret_key': FAKE_SECRET},
            }}, env=AWS_ENV)
    finally:
        moto.stop()
        site.cleanup()
    assert result['changed'] is False
    assert 'checks' in result, result.get('msg')
    checks = result['checks']
    assert sorted(checks) == sorted(['resources', 'pm2', 'logs', 'health', 'nginx', 'oracle', 'logsdb', 'storage', 'ses'])
    assert result['timed_out'] == []
    assert ids(checks['pm2']) == ['pm2.app.stopped']
    assert ids(checks['oracle']) == ['oracle.listener.service_unknown']
    assert ids(checks['logsdb']) == ['logsdb.email_send.fail_spike']
    for name in ('health', 'nginx', 'storage'):
        assert checks[name]['findings'] == [], (name, checks[name]['findings'])
    assert checks['ses']['status'] in ('ok', 'warning'), checks['ses']['findings']
    assert result['status'] == 'critical'
    # Every check ran in the same invocation, concurrently: the whole took less than the sum.
    assert result['duration_seconds'] < sum(c['duration_seconds'] for c in checks.values()) + 1.0
    for text in (run.stdout, run.stderr):
        assert ORACLE_PASSWORD not in text and FAKE_SECRET not in text


@pytest.mark.finding('logs.timeout', 'health.request.timeout', 'storage.path.unresponsive')
def test_hung_dependencies_are_cut_at_their_own_bounds_and_the_rest_is_not_delayed(run_module, tmp_path, mounts):
    hung = mounts.hanging_fuse('nas')
    log = write_log(tmp_path / 'worker-out.log', [(5, 'a' * 40 + 'b')])
    with Backend('hang') as silent_http, loopback_server(silent_handler) as silent_oracle:
        started = time.monotonic()
        result, _run = run_module('tank.monitoring.audit', {'timeout': 10, 'checks': {
            'resources': {'cpu_sample_seconds': 0, 'exclude_mounts': [hung], 'mount_timeout': 1,
                          'thresholds': {'load_per_core': {'warning': None, 'critical': None}}},
            # Room for the request's own time limit inside the check's, on a busy machine too.
            'health': {'url': silent_http.url(), 'use_proxy': False, 'timeout': 4},
            'oracle': {'host': '127.0.0.1', 'port': silent_oracle.port, 'service_name': 'TANKPDB',
                       'user': 'tank_monitor', 'password': ORACLE_PASSWORD, 'connect_timeout': 30, 'timeout': 3},
            'storage': {'paths': [{'path': hung}], 'path_timeout': 1.5, 'timeout': 3},
            # A catastrophic pattern: the regex engine never returns; only a kill bounds it.
            'logs': {'log_files': {'worker': [str(log)]}, 'apps': ['worker'], 'scheduler_app': '', 'worker_app': '',
                     'patterns': {'error': r'(a+)+$'}, 'timeout': 2},
        }})
        elapsed = time.monotonic() - started
    assert 'checks' in result, result.get('msg')
    checks = result['checks']
    assert result['duration_seconds'] <= 10 + 1
    assert elapsed < 10 + 15  # the whole playbook, Ansible's start-up included
    assert ids(checks['health']) == ['health.request.timeout']
    assert checks['oracle']['status'] in ('critical', 'unknown')
    assert checks['oracle']['duration_seconds'] <= 3 + 1
    assert ids(checks['storage']) == ['storage.path.unresponsive']
    assert checks['logs']['findings'][0]['id'] == 'logs.timeout'
    assert checks['logs']['duration_seconds'] <= 2 + 1
    assert 'logs' in result['timed_out']
    # The healthy check was not held by the hung ones (only by its own mount_timeout, should another
    # hung mount exist on this machine).
    assert checks['resources']['duration_seconds'] < 1 + 2, checks['resources']
    assert 'resources.timeout' not in ids(checks['resources'])


def _inventory(tmp_path, hosts, **variables):
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(json.dumps({'all': {'hosts': hosts, 'vars': variables}}))
    return str(inventory)


def test_two_hosts_of_one_site_run_the_site_checks_once(tmp_path):
    database = build_logsdb(tmp_path / 'logs.db')
    inventory = _inventory(
        tmp_path, {'app01': dict(LOCAL), 'app02': dict(LOCAL)},
        audit_checks=['resources', 'logsdb'], audit_site='customer-a',
        audit_options={'resources': {'cpu_sample_seconds': 0}, 'logsdb': {'database': 'sqlite:///' + database}})
    report_dir = tmp_path / 'reports'
    run = run_playbook(AUDIT, inventory=inventory, extra_vars={'audit_report_dir': str(report_dir)}, check=True)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    ran = {}
    for host in ('app01', 'app02'):
        (audit,) = [r for name, r in run.tasks(host) if name.endswith('Run the checks of this host in one round trip')]
        ran[host] = sorted(audit['checks'])
    assert ran == {'app01': ['logsdb', 'resources'], 'app02': ['resources']}
    report = json.loads((report_dir / 'audit.json').read_text())
    assert report['schema_version'] == 3
    assert set(report['sites']) == {'customer-a'}
    assert report['sites']['customer-a']['runner'] == 'app01'
    assert list(report['sites']['customer-a']['checks']) == ['logsdb']
    assert set(report['hosts']['app01']['checks']) == set(report['hosts']['app02']['checks']) == {'resources'}
    assert report['summary']['sites'] == 1


def test_invalid_check_option_stops_the_host_before_any_check_naming_the_variable(tmp_path):
    inventory = _inventory(tmp_path, {'localhost': dict(LOCAL)}, audit_checks=['resources', 'pm2'],
                           audit_options={'resources': {'cpu_sample_seconds': 0}, 'pm2': {'apss': ['backend']}})
    run = run_playbook(AUDIT, inventory=inventory, extra_vars={'audit_report_dir': str(tmp_path / 'r')}, check=True)
    assert run.rc != 0
    (audit,) = [r for name, r in run.tasks() if name.endswith('in one round trip')]
    assert audit['failed'] is True and audit['invalid_options'] is True
    assert 'audit_options.pm2: unsupported option apss' in audit['msg']
    assert 'checks' not in audit  # nothing ran


@pytest.mark.parametrize('value, message', [
    ('nan', 'audit_options.health: option timeout must be a finite number'),
    (1e10, 'audit_options.health: option timeout must be between 0.1 and 3600 seconds'),
])
def test_bad_timeout_of_one_check_is_named(tmp_path, value, message):
    inventory = _inventory(tmp_path, {'localhost': dict(LOCAL)}, audit_checks=['health'],
                           audit_options={'health': {'timeout': value}})
    run = run_playbook(AUDIT, inventory=inventory, extra_vars={'audit_report_dir': str(tmp_path / 'r')}, check=True)
    (audit,) = [r for name, r in run.tasks() if name.endswith('in one round trip')]
    assert message in audit['msg']


def test_unreachable_host_is_reported_next_to_reachable_ones(tmp_path):
    unreachable = {'ansible_connection': 'ssh', 'ansible_host': '127.0.0.1', 'ansible_port': closed_port(),
                   'ansible_user': 'nobody', 'ansible_ssh_common_args': '-o StrictHostKeyChecking=no -o BatchMode=yes'}
    inventory = _inventory(tmp_path, {'good': dict(LOCAL), 'gone': unreachable},
                           audit_checks=['resources'], audit_options={'resources': {'cpu_sample_seconds': 0}})
    report_dir = tmp_path / 'reports'
    run = run_playbook(AUDIT, inventory=inventory, extra_vars={'audit_report_dir': str(report_dir)}, check=True)
    report = json.loads((report_dir / 'audit.json').read_text())
    assert report['hosts']['gone']['status'] == 'unreachable'
    assert 'Connection refused' in report['hosts']['gone']['reason'] or 'connect' in report['hosts']['gone']['reason']
    assert 'resources' in report['hosts']['good']['checks']
    assert report['summary']['unreachable'] == 1
    assert 'gone' in (report_dir / 'summary.txt').read_text()
    assert run.data['stats']['good']['failures'] == 0


def test_report_is_written_even_when_every_host_fails(tmp_path):
    hosts = {}
    for name in ('gone1', 'gone2'):
        hosts[name] = {'ansible_connection': 'ssh', 'ansible_host': '127.0.0.1', 'ansible_port': closed_port(),
                       'ansible_user': 'nobody', 'ansible_ssh_common_args': '-o StrictHostKeyChecking=no -o BatchMode=yes'}
    inventory = _inventory(tmp_path, hosts, audit_checks=['resources', 'ses'])
    report_dir = tmp_path / 'reports'
    run_playbook(AUDIT, inventory=inventory, extra_vars={'audit_report_dir': str(report_dir)}, check=True)
    report = json.loads((report_dir / 'audit.json').read_text())
    assert [report['hosts'][h]['status'] for h in ('gone1', 'gone2')] == ['unreachable', 'unreachable']
    assert report['sites']['default']['status'] == 'unknown'
    assert report['sites']['default']['runner'] is None


@pytest.mark.finding('storage.filesystem.used')
def test_one_full_filesystem_is_one_finding_owned_by_the_storage_check(run_module, mounts):
    from conftest import fill

    share = mounts.tmpfs('nas-full')
    fill(share, 85)
    result, _run = run_module('tank.monitoring.audit', {'checks': {
        'resources': {'cpu_sample_seconds': 0},
        'storage': {'paths': [{'path': share, 'mount': True, 'fstype': 'tmpfs'}]},
    }})
    storage = [f for f in result['checks']['storage']['findings'] if f['id'] == 'storage.filesystem.used']
    assert [f['subject'] for f in storage] == [share]
    assert [f for f in result['checks']['resources']['findings'] if f['subject'] == share] == []
    assert share not in result['checks']['resources']['metrics'].get('filesystem_used_percent', {})
