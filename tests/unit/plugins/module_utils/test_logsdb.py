# -*- coding: utf-8 -*-
"""Unit tests of logsdb_check's SQL: valid Oracle (sqlglot's Oracle dialect, since no Oracle
server can run here), runnable on SQLite, read-only, one aggregate query per table, and the
DDL of both dialects matching the check's default schema."""

from __future__ import annotations

import datetime
import os
import sqlite3

import pytest
import sqlglot
from sqlglot import expressions as exp
from sqlglot.errors import ErrorLevel

from ansible_collections.tank.monitoring.plugins.module_utils import _logsdb
from ansible_collections.tank.monitoring.plugins.module_utils._contract import CheckResult
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, Deadline
from ansible_collections.tank.monitoring.plugins.module_utils._thresholds import DEFAULTS, resolve

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
SCHEMA_DIR = os.path.join(REPO, 'extras', 'logsdb')
WRITES = (exp.Insert, exp.Update, exp.Delete, exp.Create, exp.Drop, exp.Alter, exp.Merge, exp.Command)


def oracle_queries():
    return sorted(_logsdb.all_queries(_logsdb.ORACLE).items())


@pytest.mark.parametrize('key, query', oracle_queries())
def test_oracle_query_texts_parse_as_oracle_selects(key, query):
    sql, binds = query
    tree = sqlglot.parse_one(sql, read='oracle', error_level=ErrorLevel.RAISE)
    assert isinstance(tree, exp.Select), key
    assert not any(tree.find_all(*WRITES)), 'no DDL/DML in %s' % key
    assert 'julianday' not in sql.lower() and ' LIMIT ' not in sql.upper()
    # Values are bind variables, never literals in the text.
    placeholders = set(p.name for p in tree.find_all(exp.Placeholder))
    assert set(binds) <= placeholders
    assert "'" not in sql


@pytest.mark.parametrize('key, query', oracle_queries())
def test_every_query_has_a_time_range_predicate(key, query):
    sql, _binds = query
    table = _logsdb.DEFAULT_TABLES[key]
    time_column = table.get('time_column') or table.get('start_column')
    assert ('%s >= :' % time_column) in sql and ('%s < :as_of' % time_column) in sql


def test_one_aggregate_query_per_table():
    queries = _logsdb.all_queries(_logsdb.ORACLE)
    assert sorted(queries) == sorted(_logsdb.TABLE_ORDER)
    for sql, _binds in queries.values():
        tree = sqlglot.parse_one(sql, read='oracle')
        assert tree.find(exp.Count) or tree.find(exp.Sum)


def test_dialect_differences_are_only_in_the_dialect():
    oracle = _logsdb.all_queries(_logsdb.ORACLE)
    sqlite = _logsdb.all_queries(_logsdb.SQLITE)
    for key in _logsdb.TABLE_ORDER:
        if key != 'auto_run_log':
            assert oracle[key] == sqlite[key], key  # same text for both backends
    assert 'CAST(' in oracle['auto_run_log'][0] and 'julianday(' in sqlite['auto_run_log'][0]


def ddl_tables(dialect):
    with open(os.path.join(SCHEMA_DIR, 'schema.%s.sql' % dialect)) as handle:
        statements = sqlglot.parse(handle.read(), read=dialect, error_level=ErrorLevel.RAISE)
    tables, indexes = {}, {}
    for statement in statements:
        assert isinstance(statement, exp.Create)
        if statement.args.get('kind') == 'TABLE':
            name = statement.find(exp.Table).name.upper()
            tables[name] = set(c.name.upper() for c in statement.find_all(exp.ColumnDef))
        elif statement.args.get('kind') == 'INDEX':
            table = statement.find(exp.Table).name.upper()
            columns = [c.name.upper() for c in statement.find(exp.Index).find_all(exp.Column)]
            indexes[table] = columns
    return tables, indexes


@pytest.mark.parametrize('dialect', ['oracle', 'sqlite'])
def test_ddl_matches_the_default_schema_and_indexes_lead_with_the_time_column(dialect):
    tables, indexes = ddl_tables(dialect)
    for key, table in _logsdb.DEFAULT_TABLES.items():
        name = table['table']
        columns = set(v for k, v in table.items() if k.endswith('_column'))
        assert columns <= tables[name], (dialect, name, columns - tables[name])
        time_column = table.get('time_column') or table.get('start_column')
        assert indexes[name][0] == time_column, (dialect, name)


def test_sqlite_queries_run_on_the_sqlite_ddl():
    connection = sqlite3.connect(':memory:')
    with open(os.path.join(SCHEMA_DIR, 'schema.sqlite.sql')) as handle:
        connection.executescript(handle.read())
    now = datetime.datetime(2026, 11, 26, 12, 0, 0)
    times = dict(as_of=now, since=now - datetime.timedelta(days=1), stuck_before=now,
                 window_start=now - datetime.timedelta(hours=1), baseline_start=now - datetime.timedelta(days=1))
    for key, (sql, binds) in _logsdb.all_queries(_logsdb.SQLITE).items():
        names = set(p.name for p in sqlglot.parse_one(sql, read='sqlite').find_all(exp.Placeholder))
        values = dict(binds)
        values.update(dict((n, _logsdb.SQLITE.bind_time(times[n])) for n in names if n in times))
        rows = connection.execute(sql, values).fetchall()
        assert key == 'system_error_log' or len(rows) == 1


def test_index_serves_the_send_log_query():
    connection = sqlite3.connect(':memory:')
    with open(os.path.join(SCHEMA_DIR, 'schema.sqlite.sql')) as handle:
        connection.executescript(handle.read())
    sql, binds = _logsdb.email_send_query(_logsdb.SQLITE, _logsdb.DEFAULT_TABLES['email_send_log'])
    binds.update(window_start='x', baseline_start='x', as_of='x')
    plan = ' '.join(str(row[-1]) for row in connection.execute('EXPLAIN QUERY PLAN ' + sql, binds))
    assert 'EMAIL_SEND_LOG_SENT_IX' in plan and 'COVERING' in plan


@pytest.mark.parametrize('options, message', [
    ({'email_send_log': {'table': 'X; DROP TABLE Y'}}, 'plain SQL identifier'),
    ({'attachment_log': {'status_column': 'STATUS) OR (1=1'}}, 'plain SQL identifier'),
    ({'auto_run_log': {'failed_statuses': []}}, 'non-empty list'),
    ({'auto_run_log': {'expected_interval_minutes': 0}}, 'positive number'),
    ({'template_log': {'nonsense': 1}}, 'unknown option'),
])
def test_invalid_table_settings_are_refused(options, message):
    with pytest.raises(CheckInputError) as raised:
        _logsdb.table_settings(options)
    assert message in str(raised.value)


def test_owner_qualified_names_and_error_only_template_logs_are_accepted():
    tables = _logsdb.table_settings({'email_send_log': {'table': 'TANK.MAIL_LOG'},
                                     'template_log': {'status_column': None}})
    assert tables['email_send_log']['table'] == 'TANK.MAIL_LOG'
    sql, binds = _logsdb.template_query(_logsdb.ORACLE, tables['template_log'])
    assert binds == {} and '1 = 1' in sql
    assert isinstance(sqlglot.parse_one(sql, read='oracle'), exp.Select)


def test_sanitize_hides_secrets_and_addresses_and_bounds_length():
    text = 'login failed password=Hunter2 token: abc for bob@example.com\n\x00' + 'x' * 500
    clean = _logsdb.sanitize(text)
    assert 'Hunter2' not in clean and 'abc' not in clean and 'bob@example.com' not in clean
    assert 'password=********' in clean and '<e-mail>' in clean
    assert len(clean) <= 200 and '\x00' not in clean
    assert _logsdb.sanitize(None) == '-'


def test_database_url_is_validated():
    result = CheckResult('logsdb', _logsdb.CATALOGUE, resolve('logsdb'))
    with pytest.raises(CheckInputError):
        _logsdb.run({'database': 'postgres://x'}, result, Deadline(5))
    with pytest.raises(CheckInputError):
        _logsdb.run({'database': 'sqlite:///'}, result, Deadline(5))


def test_slow_sqlite_query_is_interrupted_at_its_deadline(tmp_path):
    path = str(tmp_path / 'slow.db')
    sqlite3.connect(path).close()
    backend = _logsdb.SqliteBackend(path, 1.0)
    slow = ('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) '
            'SELECT COUNT(*) FROM n')
    with pytest.raises(sqlite3.OperationalError) as raised:
        backend.fetchall(slow, {}, 0.2)
    assert backend.is_timeout(raised.value)
    backend.close()


def test_sqlite_backend_refuses_writes(tmp_path):
    path = str(tmp_path / 'ro.db')
    writer = sqlite3.connect(path)
    writer.execute('CREATE TABLE T (A INTEGER)')
    writer.commit()
    writer.close()
    backend = _logsdb.SqliteBackend(path, 1.0)
    with pytest.raises(sqlite3.OperationalError) as raised:
        backend.connection.execute('INSERT INTO T VALUES (1)')
    assert 'readonly' in str(raised.value)
    backend.close()


def test_thresholds_block_and_catalogue_are_complete():
    assert 'send_fail_percent' in DEFAULTS['logsdb']
    for module in _logsdb.KNOWN_MODULES:
        assert 'system_error.%s' % module.lower() in _logsdb.CATALOGUE
    assert "check whether the NAS path changed" in _logsdb.CATALOGUE['attachment.not_found'].remedy


def run_on(path, **options):
    from ansible_collections.tank.monitoring.plugins.module_utils._runner import run_check
    params = dict(database='sqlite:///' + path, query_timeout=5.0)
    params.update(options)
    return run_check(_logsdb.SPEC, dict(params, timeout=10.0))


def test_empty_logs_db_reports_that_no_run_was_ever_recorded(tmp_path):
    path = str(tmp_path / 'empty.db')
    connection = sqlite3.connect(path)
    with open(os.path.join(SCHEMA_DIR, 'schema.sqlite.sql')) as handle:
        connection.executescript(handle.read())
    connection.close()
    result = run_on(path)
    assert [(f['id'], f['status']) for f in result['findings']] == [('logsdb.auto_run.missed', 'critical')]
    assert 'no automation run at all' in result['findings'][0]['message']
    assert result['metrics']['queries'] == 5 and result['metrics']['sends_window'] == 0


def test_last_run_before_the_history_window_still_counts(tmp_path):
    path = str(tmp_path / 'old.db')
    connection = sqlite3.connect(path)
    with open(os.path.join(SCHEMA_DIR, 'schema.sqlite.sql')) as handle:
        connection.executescript(handle.read())
    five_hours_ago = datetime.datetime.now() - datetime.timedelta(hours=5)
    connection.execute("INSERT INTO AUTO_RUN_LOG (STATUS, START_AT, END_AT) VALUES ('SUCCESS', ?, ?)",
                       (_logsdb.SQLITE.bind_time(five_hours_ago), _logsdb.SQLITE.bind_time(five_hours_ago)))
    connection.commit()
    connection.close()
    result = run_on(path, auto_run_log={'history_hours': 1.0})
    (missed,) = [f for f in result['findings'] if f['id'] == 'logsdb.auto_run.missed']
    assert missed['status'] == 'critical' and 4.9 < missed['value'] < 5.1
    assert result['metrics']['auto_runs'] == 0


class FakeOracleSession(object):
    """MOCK of the Oracle session (no Oracle server can run here): records the statements and
    binds it is given and answers each table's aggregate query with canned rows."""

    executed = []

    def __init__(self, settings):
        self.settings = settings
        self.queries = 0

    def connect(self, timeout):
        return self

    def fetchall(self, sql, binds, timeout):
        self.queries += 1
        self.executed.append((sql, binds))
        if 'AUTO_RUN_LOG' in sql:
            return [(24, 0, 0, None, 3600.0, 3590.0, 600.0)]
        if 'EMAIL_SEND_LOG' in sql:
            return [(200, 4000, 80, 28)]  # 40% FAIL in the window, 0.7% before
        if 'ATTACHMENT_LOG' in sql:
            return [(200, 4000, 0, 4, 0, 3, 0, 2)]
        if 'SYSTEM_ERROR_LOG' in sql:
            return [('SES', 7, 'Throttling: rate exceeded for ops@tank.example')]
        return [(72, 0, None, None)]

    def close(self):
        pass


def test_oracle_backend_issues_the_oracle_texts_with_datetime_binds(monkeypatch):
    from ansible_collections.tank.monitoring.plugins.module_utils import _oracle_connection as conn
    from ansible_collections.tank.monitoring.plugins.module_utils._runner import run_check

    FakeOracleSession.executed = []
    monkeypatch.setattr(conn, 'OracleSession', FakeOracleSession)
    params = dict(database='oracle', dsn='db:1521/TANKPDB', user='tank', password='pw-123', connect_timeout=5.0,
                  query_timeout=5.0)
    # In-process: the statements the fake session records must reach this test.
    result = run_check(_logsdb.SPEC, dict(params, timeout=10.0), isolated=False)
    assert result['metrics']['queries'] == 5
    statements = dict((sql, binds) for sql, binds in FakeOracleSession.executed)
    assert set(statements) == set(sql for sql, _binds in _logsdb.all_queries(_logsdb.ORACLE).values())
    for sql, binds in statements.items():
        assert isinstance(binds['as_of'], datetime.datetime)
        sqlglot.parse_one(sql, read='oracle', error_level=ErrorLevel.RAISE)
    assert sorted((f['id'], f['status']) for f in result['findings']) == [
        ('logsdb.email_send.fail_spike', 'critical'), ('logsdb.system_error.ses', 'warning')]
    assert 'ops@tank.example' not in str(result)
