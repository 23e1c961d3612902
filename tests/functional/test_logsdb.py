# -*- coding: utf-8 -*-
"""logsdb_check through a real ansible-playbook run, on real SQLite Logs DBs.

Each database is built by extras/logsdb/seed_sqlite.py: days of healthy history, then one
fault seeded for real. The Oracle backend is exercised up to the connection (no Oracle server
can run here); its SQL is validated with sqlglot's Oracle dialect in the unit tests.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from logsdb_support import SEED_SCRIPT, build_logsdb, file_digest
from oracle_support import listener_refusing, loopback_server

from ansible_collections.tank.monitoring.plugins.module_utils import _logsdb

MODULE = 'tank.monitoring.logsdb_check'
PASSWORD = 'Logs-Secret-pw-5521'


def sqlite_url(path):
    return 'sqlite:///' + str(path)  # an absolute path gives sqlite:////abs/path


def assert_only(result, finding_id, status):
    assert result['status'] == status, result['findings']
    assert [f['id'] for f in result['findings']] == [finding_id], result['findings']
    finding = result['findings'][0]
    assert finding['remedy'] == _logsdb.CATALOGUE[finding_id.split('.', 1)[1]].remedy
    assert result['changed'] is False
    return finding


def test_healthy_history_gives_no_finding(run_module, tmp_path):
    path = build_logsdb(tmp_path / 'logs.db')
    before = file_digest(path)
    result, _run = run_module(MODULE, {'database': sqlite_url(path)})
    assert result['status'] == 'ok', result['findings']
    assert result['findings'] == []
    assert result['metrics']['queries'] == 5  # one aggregate query per table
    assert result['metrics']['sends_window'] > 0
    assert file_digest(path) == before  # opened read-only: not a byte changed
    assert not os.path.exists(path + '-journal') and not os.path.exists(path + '-wal')


@pytest.mark.parametrize('fault, finding_id, status, subject', [
    ('no-runs', 'logsdb.auto_run.missed', 'critical', 'AUTO_RUN_LOG'),
    ('stuck-run', 'logsdb.auto_run.stuck', 'critical', 'AUTO_RUN_LOG'),
    ('failed-runs', 'logsdb.auto_run.failed', 'critical', 'AUTO_RUN_LOG'),
    ('double-scheduler', 'logsdb.auto_run.irregular', 'warning', 'AUTO_RUN_LOG'),
    ('fail-spike', 'logsdb.email_send.fail_spike', 'critical', 'EMAIL_SEND_LOG'),
    ('not-found', 'logsdb.attachment.not_found', 'critical', 'ATTACHMENT_LOG'),
    ('invalid', 'logsdb.attachment.invalid', 'critical', 'ATTACHMENT_LOG'),
    ('duplicated', 'logsdb.attachment.duplicated', 'critical', 'ATTACHMENT_LOG'),
    ('dbio-errors', 'logsdb.system_error.dbio', 'critical', 'DBIO'),
    ('template-errors', 'logsdb.template.errors', 'warning', 'TEMPLATE_LOG'),
])
@pytest.mark.finding(
    'logsdb.auto_run.missed',
    'logsdb.auto_run.stuck',
    'logsdb.auto_run.failed',
    'logsdb.auto_run.irregular',
    'logsdb.email_send.fail_spike',
    'logsdb.attachment.not_found',
    'logsdb.attachment.invalid',
    'logsdb.attachment.duplicated',
    'logsdb.system_error.dbio',
    'logsdb.template.errors',
)
def test_each_seeded_fault_is_reported(run_module, tmp_path, fault, finding_id, status, subject):
    path = build_logsdb(tmp_path / 'logs.db', faults=[fault])
    result, _run = run_module(MODULE, {'database': sqlite_url(path)})
    finding = assert_only(result, finding_id, status)
    assert finding['subject'] == subject


def test_no_run_for_three_intervals_is_critical(run_module, tmp_path):
    path = build_logsdb(tmp_path / 'logs.db', faults=['no-runs'])
    result, _run = run_module(MODULE, {'database': sqlite_url(path)})
    finding = assert_only(result, 'logsdb.auto_run.missed', 'critical')
    assert finding['value'] >= 3
    assert finding['threshold']['name'] == 'autorun_missed_intervals'


def test_system_error_sample_is_sanitized(run_module, tmp_path):
    path = build_logsdb(tmp_path / 'logs.db', faults=['dbio-errors'])
    result, _run = run_module(MODULE, {'database': sqlite_url(path)})
    finding = assert_only(result, 'logsdb.system_error.dbio', 'critical')
    assert 'ORA-12514' in finding['message']
    assert 'Hunter2-Secret' not in str(result)
    assert 'ops@tank.example' not in str(result)
    assert result['metrics']['system_errors'] == {'DBIO': 25}


def test_a_few_failures_on_a_quiet_night_are_no_alarm(run_module, tmp_path):
    path = build_logsdb(tmp_path / 'logs.db', faults=['quiet-night'])
    result, _run = run_module(MODULE, {'database': sqlite_url(path)})
    assert result['status'] == 'ok', result['findings']
    assert result['metrics']['sends_window'] == 5
    assert result['metrics']['sends_failed_window'] == 3


def test_site_specific_names_are_used(run_module, tmp_path):
    path = build_logsdb(tmp_path / 'logs.db', faults=['fail-spike'])
    options = {'database': sqlite_url(path), 'email_send_log': {'failed_statuses': ['BOUNCED']},
               'template_log': {'enabled': False}}
    result, _run = run_module(MODULE, options)
    assert result['status'] == 'ok', result['findings']  # FAIL is not a failure status at this site
    assert result['metrics']['queries'] == 4


@pytest.mark.finding('logsdb.query.failed')
def test_missing_table_is_unknown_and_the_others_still_run(run_module, tmp_path):
    path = build_logsdb(tmp_path / 'logs.db', faults=['template-errors'])
    result, _run = run_module(MODULE, {'database': sqlite_url(path), 'auto_run_log': {'table': 'NO_SUCH_TABLE'}})
    ids = sorted(f['id'] for f in result['findings'])
    assert ids == ['logsdb.query.failed', 'logsdb.template.errors']
    failed = [f for f in result['findings'] if f['id'] == 'logsdb.query.failed'][0]
    assert failed['status'] == 'unknown' and failed['subject'] == 'NO_SUCH_TABLE'
    assert result['status'] == 'unknown'


@pytest.mark.finding('logsdb.database.unavailable')
def test_missing_database_file_is_unknown(run_module, tmp_path):
    result, _run = run_module(MODULE, {'database': sqlite_url(tmp_path / 'absent.db')})
    finding = assert_only(result, 'logsdb.database.unavailable', 'unknown')
    assert not (tmp_path / 'absent.db').exists()  # read-only open never creates the file
    assert finding['reason'] == 'error'


def test_sql_injection_through_names_is_refused(run_module, tmp_path):
    path = build_logsdb(tmp_path / 'logs.db')
    options = {'database': sqlite_url(path), 'email_send_log': {'table': 'EMAIL_SEND_LOG; DROP TABLE AUTO_RUN_LOG'}}
    result, _run = run_module(MODULE, options)
    assert result['failed'] is True
    assert 'plain SQL identifier' in result['msg']


def test_oracle_backend_failure_is_unknown_and_hides_the_password(run_module):
    # Stand-in for an Oracle listener (TNS REFUSE, ERR=12514): the Logs DB cannot be read.
    with loopback_server(listener_refusing(12514)) as server:
        result, run = run_module(MODULE, {'database': 'oracle', 'host': '127.0.0.1', 'port': server.port,
                                          'service_name': 'TANKPDB', 'user': 'tank_monitor', 'password': PASSWORD},
                                 verbosity=4)
    finding = assert_only(result, 'logsdb.database.unavailable', 'unknown')
    assert 'service_unknown' in finding['message']
    assert PASSWORD not in run.stdout + run.stderr
    assert 'ESTABLISH LOCAL CONNECTION' in run.stdout + run.stderr  # really at connection-debug verbosity


def test_seeding_script_runs_as_a_command(tmp_path):
    path = tmp_path / 'demo.db'
    proc = subprocess.run([sys.executable, SEED_SCRIPT, str(path), '--days', '1', '--fault', 'fail-spike'],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert path.exists() and 'fail-spike' in proc.stdout


def test_a_writer_holding_an_exclusive_lock_cannot_hang_the_check(run_module, tmp_path):
    import sqlite3

    path = build_logsdb(tmp_path / 'logs.db')
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute('BEGIN EXCLUSIVE')
    try:
        result, _run = run_module(MODULE, {'database': sqlite_url(path), 'query_timeout': 1, 'timeout': 30})
    finally:
        writer.execute('ROLLBACK')
        writer.close()
    assert result['status'] == 'unknown'
    assert sorted(set(f['id'] for f in result['findings'])) == ['logsdb.query.failed']
    assert len(result['findings']) == 5 and 'locked' in result['findings'][0]['message']
    assert result['duration_seconds'] <= 5 * 1 + 2
