# -*- coding: utf-8 -*-
"""logsdb_check findings not covered by test_logsdb.py, on real SQLite Logs DBs built by
extras/logsdb/seed_sqlite.py:

- ``logsdb.system_error.{template,ses,worker,other}``: repeated errors of one MODULE written into
  SYSTEM_ERROR_LOG the way Tank's modules write them (MAILER stands for a module the guide does
  not name: ``other``);
- ``logsdb.query.timeout``: EMAIL_SEND_LOG is a view over a recursive CTE of 10^15 rows, so the
  check's own aggregate query on it cannot finish within any ``query_timeout`` on any machine (a
  table of a few hundred thousand rows was flaky: the query sometimes finished first); the SQLite
  progress handler must interrupt it at the limit and the other tables must still be judged.
"""

from __future__ import annotations

import datetime
import sqlite3

import pytest

from logsdb_support import build_logsdb, seed

from ansible_collections.tank.monitoring.plugins.module_utils import _logsdb

MODULE = 'tank.monitoring.logsdb_check'


def sqlite_url(path):
    return 'sqlite:///' + str(path)


def add_system_errors(path, module, message, count):
    now = datetime.datetime.now()
    with sqlite3.connect(path) as connection:
        connection.executemany('INSERT INTO SYSTEM_ERROR_LOG (MODULE, MESSAGE, LOGGED_AT) VALUES (?, ?, ?)',
                               [(module, message, seed.ts(now - datetime.timedelta(minutes=1 + index)))
                                for index in range(count)])
    connection.close()


@pytest.mark.parametrize('module, finding_id, message', [
    ('TEMPLATE', 'logsdb.system_error.template', 'Missing helper "formatDate" in invoice-notice.hbs'),
    ('SES', 'logsdb.system_error.ses', 'MessageRejected: Email address is not verified'),
    ('WORKER', 'logsdb.system_error.worker', 'Job 4711 aborted: heap out of memory'),
    ('MAILER', 'logsdb.system_error.other', 'Unexpected reply from the mail relay'),
])
@pytest.mark.finding('logsdb.system_error.template', 'logsdb.system_error.ses', 'logsdb.system_error.worker',
                     'logsdb.system_error.other')
def test_repeated_errors_of_one_module_are_named_by_module(run_module, tmp_path, module, finding_id, message):
    path = build_logsdb(tmp_path / 'logs.db')
    add_system_errors(path, module, message, 25)  # over the critical limit of 20 per module
    result, _run = run_module(MODULE, {'database': sqlite_url(path)})
    assert [f['id'] for f in result['findings']] == [finding_id], result['findings']
    finding = result['findings'][0]
    assert finding['status'] == 'critical' and finding['subject'] == module and finding['value'] == 25
    assert message in finding['message']
    assert finding['remedy'] == _logsdb.CATALOGUE[finding_id[len('logsdb.'):]].remedy
    assert result['metrics']['system_errors'][module] == 25


# Ten to the fifteenth rows in the window: no machine scans them within a test's lifetime.
ENDLESS_SEND_LOG = (
    "CREATE VIEW EMAIL_SEND_LOG AS WITH RECURSIVE N(I) AS (SELECT 1 UNION ALL SELECT I + 1 FROM N "
    "WHERE I < 1000000000000000) SELECT I AS SEND_ID, 'SUCCESS' AS STATUS, "
    "strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime', '-5 minutes') AS SENT_AT FROM N")


@pytest.mark.finding('logsdb.query.timeout')
def test_a_query_slower_than_query_timeout_is_interrupted_and_the_other_tables_still_run(run_module, tmp_path):
    path = build_logsdb(tmp_path / 'logs.db')
    with sqlite3.connect(path) as connection:
        connection.execute('DROP TABLE EMAIL_SEND_LOG')
        connection.execute(ENDLESS_SEND_LOG)
    connection.close()
    result, _run = run_module(MODULE, {'database': sqlite_url(path), 'query_timeout': 1, 'timeout': 60})
    assert [f['id'] for f in result['findings']] == ['logsdb.query.timeout'], result['findings']
    finding = result['findings'][0]
    assert finding['status'] == 'unknown' and finding['reason'] == 'timeout'
    assert finding['subject'] == 'EMAIL_SEND_LOG'
    assert 'did not finish within 1 s' in finding['message']
    assert finding['remedy'] == _logsdb.CATALOGUE['query.timeout'].remedy
    assert result['status'] == 'unknown' and result['changed'] is False
    # The query was cut at its own limit, not by the check's 60 s timeout; the four other tables ran.
    assert result['duration_seconds'] <= 1 + 10
    assert result['metrics']['queries'] == 5
    assert 'attachments_window' in result['metrics'] and 'sends_window' not in result['metrics']
