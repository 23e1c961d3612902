# -*- coding: utf-8 -*-
"""logsdb_check findings not covered by test_logsdb.py, on real SQLite Logs DBs built by
extras/logsdb/seed_sqlite.py:

- ``logsdb.system_error.{template,ses,worker,other}``: repeated errors of one MODULE written into
  SYSTEM_ERROR_LOG the way Tank's modules write them (MAILER stands for a module the guide does
  not name: ``other``);
- ``logsdb.query.timeout``: an e-mail log of 300 000 sends in the last hour, so the real aggregate
  query takes a good fraction of a second, against a ``query_timeout`` twenty times shorter.
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
