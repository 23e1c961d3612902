# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Logs DB check (guide §5, §7, §11, §13.2): the automation runs and the send, attachment,
system error and template logs, read with one aggregate query per table.

Backends: Oracle (the shared connection options) and SQLite (``sqlite:///path``, opened
read-only). Every query is a SELECT with bind variables and a time-range predicate on the
table's time column, so the recommended indexes (extras/logsdb/schema.*.sql) serve it; counting
happens in the database. The SQL text is the same for both backends except what ``Dialect``
renders (the seconds between two timestamps, and how a timestamp is bound).
"""

from __future__ import annotations

import datetime
import re
import time

from ansible_collections.tank.monitoring.plugins.module_utils import _oracle_connection as conn
from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, FindingSpec, format_number
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, MissingLibrary
from ansible_collections.tank.monitoring.plugins.module_utils._check import SITE, declare
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import dsn_password, scrub, scrub_url, url_password

try:
    import sqlite3
except ImportError:  # pragma: no cover - Python built without SQLite
    sqlite3 = None

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover - Python 2 is not supported by the collection
    quote = None

CHECK = 'logsdb'

_NAS_REMEDY = ('NOT_FOUND rising in the attachment log means a NAS problem (guide §11, §13.3): check whether the '
               'NAS path changed, whether the permission was removed on the server (the store must be writable, '
               'read-only is not acceptable) and whether the network drive is detached (guide §7).')

CATALOGUE = {
    'database.unavailable': FindingSpec(
        '§11',
        'The Logs DB cannot be read, so the send history cannot be judged: for Oracle run '
        'tank.monitoring.oracle_check for the cause (listener, network, account); for SQLite check the path '
        'and that the audit user can read the file.'),
    'query.failed': FindingSpec(
        '§11',
        'A Logs DB query failed: check that the table and the column names configured for the check exist '
        '(site schemas differ: override them in the check options) and that the account may read them.'),
    'query.timeout': FindingSpec(
        '§11',
        'A Logs DB query did not finish in time: create the recommended index on the table\'s time column '
        '(extras/logsdb/schema.*.sql) or raise query_timeout.'),
    'auto_run.missed': FindingSpec(
        '§5',
        'The automation has not run at its interval (guide §5, AUTO_RUN_LOG): check that the scheduler creates '
        'jobs (pm2 logs worker | grep "Scheduler") and that the worker is online (pm2 list).'),
    'auto_run.failed': FindingSpec(
        '§5',
        'Automation runs failed (guide §5, AUTO_RUN_LOG): read the worker log (pm2 logs worker) for the error; '
        'repeated errors point to a DB, file or SES problem.'),
    'auto_run.stuck': FindingSpec(
        '§5, §13.6',
        'An automation run started and never ended (guide §5): the worker is stuck - read pm2 logs worker, then '
        'pm2 restart worker (guide §13.6).'),
    'auto_run.irregular': FindingSpec(
        '§5',
        'The automation does not run at a regular interval (guide §5): look for a missed schedule or a second '
        'scheduler (two worker instances) in pm2 list and pm2 logs worker | grep "Scheduler".'),
    'email_send.fail_spike': FindingSpec(
        '§11',
        'A sudden rise of FAIL in the send log points to a worker, SES or DB problem (guide §11): check pm2 logs '
        'worker, the SES metrics and credentials (guide §8) and the Oracle connection (guide §6).'),
    'attachment.not_found': FindingSpec('§7, §11, §13.3', _NAS_REMEDY),
    'attachment.invalid': FindingSpec(
        '§11',
        'INVALID rising in the attachment log means damaged files or a batch error (guide §11): check the files '
        'of the failing batch and the batch job that produced them.'),
    'attachment.duplicated': FindingSpec(
        '§7, §11',
        'DUPLICATED rising in the attachment log: the same file was matched more than once - check the batch '
        'input for duplicate files or a batch that ran twice.'),
    'system_error.dbio': FindingSpec(
        '§11, §6, §13.5',
        'Repeated DBIO errors: the database area is failing (guide §11) - check the Oracle listener and network '
        '(guide §13.5) and the errors of guide §6 (ORA-12514, ORA-28009, timeout).'),
    'system_error.template': FindingSpec(
        '§11, §13.2',
        'Repeated TEMPLATE errors: the template area is failing (guide §11) - check TEMPLATE_LOG (guide §13.2) '
        'and fix the failing templates.'),
    'system_error.ses': FindingSpec(
        '§11, §8, §13.4',
        'Repeated SES errors: the sending area is failing (guide §11) - check the SES metrics (guide §13.4): '
        'expired SES credentials, address quality, rate limit exceeded (guide §8).'),
    'system_error.worker': FindingSpec(
        '§11, §5, §13.6',
        'Repeated WORKER errors: the worker is failing (guide §11) - read pm2 logs worker; if it is stuck, '
        'pm2 restart worker (guide §13.6).'),
    'system_error.other': FindingSpec(
        '§11',
        'Errors repeat in one module: that area is failing (guide §11) - read the sample message and the '
        'backend and worker logs (pm2 logs).'),
    'template.errors': FindingSpec(
        '§13.2',
        'Template errors were logged (guide §13.2 "Template Error -> check TEMPLATE_LOG"): read the TEMPLATE_LOG '
        'entries and fix the named templates.'),
}

KNOWN_MODULES = ('DBIO', 'TEMPLATE', 'SES', 'WORKER')

# The default schema (extras/logsdb/schema.oracle.sql and schema.sqlite.sql create it). Every
# name can be overridden per site through the module options of the same name.
DEFAULT_TABLES = {
    'auto_run_log': dict(
        enabled=True, table='AUTO_RUN_LOG', run_id_column='RUN_ID', status_column='STATUS',
        start_column='START_AT', end_column='END_AT', failed_statuses=['FAIL', 'FAILED', 'ERROR'],
        expected_interval_minutes=60.0, max_run_minutes=120.0, history_hours=24.0),
    'email_send_log': dict(
        enabled=True, table='EMAIL_SEND_LOG', status_column='STATUS', time_column='SENT_AT',
        failed_statuses=['FAIL']),
    'attachment_log': dict(
        enabled=True, table='ATTACHMENT_LOG', status_column='STATUS', time_column='LOGGED_AT',
        not_found_statuses=['NOT_FOUND'], invalid_statuses=['INVALID'], duplicated_statuses=['DUPLICATED']),
    'system_error_log': dict(
        enabled=True, table='SYSTEM_ERROR_LOG', module_column='MODULE', message_column='MESSAGE',
        time_column='LOGGED_AT'),
    'template_log': dict(
        enabled=True, table='TEMPLATE_LOG', status_column='STATUS', time_column='LOGGED_AT',
        template_column='TEMPLATE_ID', message_column='MESSAGE', error_statuses=['ERROR', 'FAIL']),
}
TABLE_ORDER = ('auto_run_log', 'email_send_log', 'attachment_log', 'system_error_log', 'template_log')

_OPTION_TYPES = {bool: 'bool', str: 'str', float: 'float', list: 'list'}


def _table_spec(defaults):
    options = {}
    for name, default in defaults.items():
        kind = _OPTION_TYPES[type(default)]
        option = dict(type=kind, default=list(default) if kind == 'list' else default)
        if kind == 'list':
            option['elements'] = 'str'
        options[name] = option
    return dict(type='dict', default={}, options=options, apply_defaults=True)


ARGUMENT_SPEC = conn.oracle_connection_argument_spec()
ARGUMENT_SPEC.update(
    database=dict(type='str', required=True),
    window_minutes=dict(type='float', default=60.0),
    baseline_minutes=dict(type='float', default=1440.0),
    min_volume=dict(type='int', default=20),
    rise_factor=dict(type='float', default=2.0),
    timestamps=dict(type='str', default='local', choices=['local', 'utc']),
)
for _name in TABLE_ORDER:
    ARGUMENT_SPEC[_name] = _table_spec(DEFAULT_TABLES[_name])
DEFAULT_TIMEOUT = 60.0
SECRET_OPTIONS = conn.SECRET_OPTIONS

# Plain or owner-qualified identifiers only: they are written into the SQL text (values never are).
_IDENTIFIER = re.compile(r'^[A-Za-z][A-Za-z0-9_$#]{0,127}(\.[A-Za-z][A-Za-z0-9_$#]{0,127})?$')
_SQLITE_URL = 'sqlite:///'
_SAMPLE_LENGTH = 200
_EMAIL_IN_TEXT = re.compile(r'[\w.+-]+@([\w-]+\.)+[\w-]+')
_CONTROL = re.compile(r'[\x00-\x1f\x7f]+')


class Dialect(object):
    """The only differences between the Oracle and SQLite query texts."""

    def __init__(self, name):
        self.name = name

    def seconds_between(self, later, earlier):
        if self.name == 'oracle':
            return '((CAST(%s AS DATE) - CAST(%s AS DATE)) * 86400)' % (later, earlier)
        return '((julianday(%s) - julianday(%s)) * 86400)' % (later, earlier)

    def bind_time(self, moment):
        if self.name == 'oracle':
            return moment
        # SQLite stores timestamps as ISO-8601 text, which compares in time order.
        return moment.strftime('%Y-%m-%d %H:%M:%S')


ORACLE = Dialect('oracle')
SQLITE = Dialect('sqlite')


# -- query texts -----------------------------------------------------------------------------

def _in_list(column, prefix, values, binds):
    names = []
    for index, value in enumerate(values):
        name = '%s_%d' % (prefix, index)
        binds[name] = value
        names.append(':' + name)
    return '%s IN (%s)' % (column, ', '.join(names))


def auto_run_query(dialect, table):
    """AUTO_RUN_LOG: runs, failed, stuck, gaps between starts and the age of the last start."""
    binds = {}
    failed = _in_list('R.%s' % table['status_column'], 'failed', table['failed_statuses'], binds)
    start, end, run_id = table['start_column'], table['end_column'], table['run_id_column']
    stuck = 'R.%s IS NULL AND R.%s < :stuck_before' % (end, start)
    gap = dialect.seconds_between(start, 'LAG(%s) OVER (ORDER BY %s)' % (start, start))
    # L (one row: the age of the last start, before the history too) left-joined with the runs
    # of the history, so the aggregate has a row even when no run is in the history.
    sql = ('SELECT COUNT(R.{start}) AS RUNS, '
           'SUM(CASE WHEN {failed} THEN 1 ELSE 0 END) AS FAILED_RUNS, '
           'SUM(CASE WHEN {stuck} THEN 1 ELSE 0 END) AS STUCK_RUNS, '
           'MIN(CASE WHEN {stuck} THEN R.{run_id} END) AS STUCK_RUN_ID, '
           'MAX(R.GAP_SECONDS) AS MAX_GAP_SECONDS, MIN(R.GAP_SECONDS) AS MIN_GAP_SECONDS, '
           'MAX(L.LAST_RUN_AGE_SECONDS) AS LAST_RUN_AGE_SECONDS '
           'FROM (SELECT {age} AS LAST_RUN_AGE_SECONDS FROM {name} WHERE {start} < :as_of) L '
           'LEFT JOIN (SELECT {run_id}, {status}, {start}, {end}, {gap} AS GAP_SECONDS FROM {name} '
           'WHERE {start} >= :since AND {start} < :as_of) R ON 1 = 1').format(
        failed=failed, stuck=stuck, run_id=run_id, start=start, end=end, gap=gap, name=table['table'],
        status=table['status_column'], age=dialect.seconds_between(':as_of', 'MAX(%s)' % start))
    return sql, binds


def _window_counts(table, groups):
    """Conditional counts per status group, in the window and in the baseline before it."""
    binds = {}
    column, when = table['status_column'], table['time_column']
    parts = ['SUM(CASE WHEN {t} >= :window_start THEN 1 ELSE 0 END) AS WINDOW_TOTAL',
             'SUM(CASE WHEN {t} < :window_start THEN 1 ELSE 0 END) AS BASELINE_TOTAL']
    for label, values in groups:
        condition = _in_list(column, label.lower(), values, binds)
        parts.append('SUM(CASE WHEN {t} >= :window_start AND %s THEN 1 ELSE 0 END) AS WINDOW_%s' % (condition, label))
        parts.append('SUM(CASE WHEN {t} < :window_start AND %s THEN 1 ELSE 0 END) AS BASELINE_%s' % (condition, label))
    sql = ('SELECT ' + ', '.join(parts) + ' FROM {name} WHERE {t} >= :baseline_start AND {t} < :as_of').format(
        t=when, name=table['table'])
    return sql, binds


def email_send_query(dialect, table):
    return _window_counts(table, [('FAILED', table['failed_statuses'])])


ATTACHMENT_GROUPS = (('NOT_FOUND', 'not_found_statuses'), ('INVALID', 'invalid_statuses'),
                     ('DUPLICATED', 'duplicated_statuses'))


def attachment_query(dialect, table):
    return _window_counts(table, [(label, table[key]) for label, key in ATTACHMENT_GROUPS])


def system_error_query(dialect, table):
    sql = ('SELECT {module} AS ERROR_MODULE, COUNT(*) AS ERRORS, MAX({message}) AS SAMPLE_MESSAGE FROM {name} '
           'WHERE {t} >= :window_start AND {t} < :as_of GROUP BY {module}').format(
        module=table['module_column'], message=table['message_column'], name=table['table'], t=table['time_column'])
    return sql, {}


def template_query(dialect, table):
    binds = {}
    if table['status_column']:
        errors = _in_list(table['status_column'], 'error', table['error_statuses'], binds)
    else:
        errors = '1 = 1'  # a log that records only errors
    sql = ('SELECT COUNT(*) AS ENTRIES, SUM(CASE WHEN {errors} THEN 1 ELSE 0 END) AS ERRORS, '
           'MAX(CASE WHEN {errors} THEN {template} END) AS SAMPLE_TEMPLATE, '
           'MAX(CASE WHEN {errors} THEN {message} END) AS SAMPLE_MESSAGE FROM {name} '
           'WHERE {t} >= :window_start AND {t} < :as_of').format(
        errors=errors, template=table['template_column'], message=table['message_column'], name=table['table'],
        t=table['time_column'])
    return sql, binds


QUERY_BUILDERS = {
    'auto_run_log': auto_run_query,
    'email_send_log': email_send_query,
    'attachment_log': attachment_query,
    'system_error_log': system_error_query,
    'template_log': template_query,
}


def all_queries(dialect, tables=None):
    """``{table key: (sql, binds)}`` for every table (the default schema when ``tables`` is None)."""
    tables = tables or DEFAULT_TABLES
    return dict((key, QUERY_BUILDERS[key](dialect, tables[key])) for key in TABLE_ORDER)


# -- options ---------------------------------------------------------------------------------

def table_settings(params):
    """Each table's settings: the defaults overlaid with the options given; identifiers validated."""
    tables = {}
    for key in TABLE_ORDER:
        merged = dict(DEFAULT_TABLES[key])
        merged.update(params.get(key) or {})
        unknown = sorted(set(merged) - set(DEFAULT_TABLES[key]))
        if unknown:
            raise CheckInputError('%s: unknown option(s) %s' % (key, ', '.join(unknown)))
        for name, value in merged.items():
            if name == 'table' or name.endswith('_column'):
                if value is None and key == 'template_log' and name == 'status_column':
                    continue
                if not isinstance(value, str) or not _IDENTIFIER.match(value):
                    raise CheckInputError('%s.%s must be a plain SQL identifier (letters, digits, _ $ #, '
                                          'optionally owner.name), got %r' % (key, name, value))
            elif name.endswith('_statuses'):
                if not value or not all(isinstance(v, str) and v for v in value):
                    raise CheckInputError('%s.%s must be a non-empty list of status values' % (key, name))
        for name in ('expected_interval_minutes', 'max_run_minutes', 'history_hours'):
            if name in merged and not merged[name] > 0:
                raise CheckInputError('%s.%s must be a positive number, got %r' % (key, name, merged[name]))
        tables[key] = merged
    return tables


def _positive(params, name, default):
    value = params.get(name, default)
    if value is None or value <= 0:
        raise CheckInputError('%s must be a positive number, got %r' % (name, value))
    return value


# -- backends --------------------------------------------------------------------------------

class SqliteBackend(object):
    """A SQLite Logs DB opened read-only (URI mode=ro, query_only); queries bounded by a deadline."""

    dialect = SQLITE

    def __init__(self, path, timeout):
        if sqlite3 is None:
            raise MissingLibrary('sqlite3')
        self.path = path
        self.queries = 0
        self._query_deadline = None
        uri = 'file:%s?mode=ro' % quote(path)
        self.connection = sqlite3.connect(uri, uri=True, timeout=timeout)
        self.connection.execute('PRAGMA query_only = ON')
        # Interrupt a query that runs past its deadline (checked every 10,000 VM steps).
        self.connection.set_progress_handler(self._interrupt, 10000)

    @property
    def errors(self):
        return (sqlite3.Error,)

    def _interrupt(self):
        return 1 if self._query_deadline is not None and time.monotonic() > self._query_deadline else 0

    def fetchall(self, sql, binds, timeout):
        self.queries += 1
        self._query_deadline = time.monotonic() + timeout
        try:
            return self.connection.execute(sql, binds).fetchall()
        finally:
            self._query_deadline = None

    @staticmethod
    def is_timeout(exc):
        return sqlite3 is not None and isinstance(exc, sqlite3.OperationalError) and 'interrupted' in str(exc)

    def close(self):
        self.connection.close()


class OracleBackend(object):
    """The Logs DB in Oracle, through the shared thin-mode session."""

    dialect = ORACLE

    def __init__(self, settings, connect_timeout):
        self.session = conn.OracleSession(settings)
        try:
            self.session.connect(connect_timeout)
        except BaseException:
            self.session.close()
            raise

    @property
    def queries(self):
        return self.session.queries

    @property
    def errors(self):
        return (conn.oracledb.Error, OSError, conn.asyncio.TimeoutError)

    def fetchall(self, sql, binds, timeout):
        return self.session.fetchall(sql, binds, timeout)

    @staticmethod
    def is_timeout(exc):
        return conn.classify(exc).kind in (conn.TIMEOUT, conn.CALL_TIMEOUT)

    def close(self):
        self.session.close()


def _open(params, deadline, result):
    """The backend for the ``database`` option, or None after an unknown finding."""
    database = params.get('database') or ''
    if database.startswith(_SQLITE_URL):
        path = database[len(_SQLITE_URL):]
        if not path:
            raise CheckInputError('database: give the SQLite file as sqlite:///relative/path or sqlite:////absolute/path')
        try:
            # The busy timeout (waiting on a writer's lock) is bounded like a query.
            return SqliteBackend(path, min(params.get('query_timeout') or 10.0, deadline.budget()))
        except sqlite3.Error as exc:
            result.unknown('database.unavailable', 'Cannot open the SQLite Logs DB %s read-only: %s' % (path, exc),
                           subject=path, reason='error')
            return None
    if database != 'oracle':
        raise CheckInputError('database must be "oracle" (with the Oracle connection options) or a SQLite URL '
                              'sqlite:///path, got %r' % (scrub_url(database),))
    if not conn.oracledb:
        raise MissingLibrary('oracledb')
    settings = conn.connection_settings(params)
    try:
        return OracleBackend(settings, min(settings.connect_timeout, deadline.budget(floor=0.1)))
    except (conn.oracledb.Error, OSError, conn.asyncio.TimeoutError) as exc:
        failure = conn.classify(exc)
        result.unknown('database.unavailable', 'Cannot connect to the Oracle Logs DB at %s (%s): %s'
                       % (settings.target, failure.kind, failure.detail), subject=settings.target, reason='error')
        return None


# -- the check -------------------------------------------------------------------------------

def secret_values(params):
    """The values to mask everywhere: the secret options and passwords written into dsn or database."""
    values = conn.secret_values(params)
    values.append(url_password(params.get('database')) or dsn_password(params.get('database')))
    return [value for value in values if value]


def run(params, result, deadline):
    tables = table_settings(params)
    window = _positive(params, 'window_minutes', 60.0)
    baseline = _positive(params, 'baseline_minutes', 1440.0)
    rise_factor = _positive(params, 'rise_factor', 2.0)
    min_volume = params.get('min_volume', 20)
    if min_volume is None or min_volume < 0:
        raise CheckInputError('min_volume must be 0 or more, got %r' % (min_volume,))
    query_timeout = _positive(params, 'query_timeout', 10.0)

    backend = _open(params, deadline, result)
    if backend is None:
        return
    try:
        as_of = _now(params.get('timestamps', 'local'))
        context = dict(result=result, backend=backend, deadline=deadline, query_timeout=query_timeout,
                       as_of=as_of, window=window, baseline=baseline, rise_factor=rise_factor,
                       min_volume=min_volume)
        for key in TABLE_ORDER:
            if tables[key]['enabled']:
                JUDGES[key](context, tables[key])
        result.metric('queries', backend.queries)
    finally:
        backend.close()


def _now(timestamps):
    if timestamps == 'utc':
        return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    return datetime.datetime.now().replace(microsecond=0)


def _query(context, table, builder, extra_binds):
    """Run one table's aggregate query; None (after an unknown finding) when it fails."""
    backend = context['backend']
    dialect = backend.dialect
    sql, binds = builder(dialect, table)
    binds.update(dict((name, dialect.bind_time(value) if isinstance(value, datetime.datetime) else value)
                      for name, value in extra_binds.items()))
    binds['as_of'] = dialect.bind_time(context['as_of'])
    name = table['table']
    started = time.monotonic()
    timeout = min(context['query_timeout'], context['deadline'].budget(floor=0.1))
    try:
        rows = backend.fetchall(sql, binds, timeout)
    except backend.errors as exc:
        # A database error of one table (missing table or column, timeout) leaves the others to run.
        if backend.is_timeout(exc):
            context['result'].unknown('query.timeout', 'The query on %s did not finish within %s s.'
                                      % (name, format_number(timeout, 1)), subject=name, reason='timeout')
        else:
            context['result'].unknown('query.failed', 'The query on %s failed: %s' % (name, _first_line(exc)),
                                      subject=name, reason='error')
        return None
    context['result'].metric('query_seconds', round(time.monotonic() - started, 3), subject=name)
    return rows


def _first_line(exc):
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _judge_auto_run(context, table):
    result = context['result']
    as_of = context['as_of']
    interval = table['expected_interval_minutes'] * 60.0
    rows = _query(context, table, auto_run_query, dict(
        since=as_of - datetime.timedelta(hours=table['history_hours']),
        stuck_before=as_of - datetime.timedelta(minutes=table['max_run_minutes'])))
    if rows is None:
        return
    runs, failed, stuck, stuck_run_id, max_gap, min_gap, last_age = rows[0]
    runs, failed, stuck = runs or 0, failed or 0, stuck or 0
    name = table['table']
    result.metric('auto_runs', runs)
    result.metric('auto_runs_failed', failed)
    result.metric('auto_runs_stuck', stuck)
    if last_age is None:
        result.add('auto_run.missed', CRITICAL, '%s records no automation run at all.' % name, subject=name)
    else:
        missed = round(float(last_age) / interval, 2)
        result.metric('auto_run_last_age_minutes', round(float(last_age) / 60.0, 1))
        result.judge('auto_run.missed', 'autorun_missed_intervals', missed,
                     'The last automation run started {age} min ago: {value} expected intervals of {interval} min '
                     '(limit {limit}).', subject=name, age=format_number(float(last_age) / 60.0, 1),
                     interval=format_number(interval / 60.0, 1))
    result.judge('auto_run.failed', 'autorun_failed_runs', failed,
                 '{value} of {runs} automation runs failed in the last {hours} h (limit {limit}).', subject=name,
                 runs=runs, hours=format_number(table['history_hours'], 1))
    result.judge('auto_run.stuck', 'autorun_stuck_runs', stuck,
                 '{value} automation run(s) started more than {max_run} min ago and never ended (oldest RUN_ID '
                 '{run_id}).', subject=name, max_run=format_number(table['max_run_minutes'], 1), run_id=stuck_run_id)
    if max_gap is not None:
        result.metric('auto_run_max_gap_minutes', round(float(max_gap) / 60.0, 1))
        result.judge('auto_run.irregular', 'autorun_max_gap_intervals', round(float(max_gap) / interval, 2),
                     'The longest gap between automation runs in the last {hours} h is {value} intervals of '
                     '{interval} min (limit {limit}).', subject=name, hours=format_number(table['history_hours'], 1),
                     interval=format_number(interval / 60.0, 1))
    if min_gap is not None:
        result.metric('auto_run_min_gap_minutes', round(float(min_gap) / 60.0, 1))
        result.judge('auto_run.irregular', 'autorun_min_gap_ratio', round(float(min_gap) / interval, 2),
                     'Two automation runs started only {value} of an interval apart ({interval} min expected, '
                     'limit {limit}): a second scheduler?', subject=name, interval=format_number(interval / 60.0, 1))


def _window_binds(context):
    as_of = context['as_of']
    window_start = as_of - datetime.timedelta(minutes=context['window'])
    return dict(window_start=window_start,
                baseline_start=window_start - datetime.timedelta(minutes=context['baseline']))


def _judge_rise(context, finding_id, threshold_name, label, counts, subject, what):
    """Judge the share of ``label`` in the window when it rose against the baseline on enough volume."""
    result = context['result']
    window_total = counts.get('WINDOW_TOTAL') or 0
    window_count = counts.get('WINDOW_' + label) or 0
    baseline_total = counts.get('BASELINE_TOTAL') or 0
    baseline_count = counts.get('BASELINE_' + label) or 0
    percent = round(100.0 * window_count / window_total, 2) if window_total else 0.0
    baseline_percent = round(100.0 * baseline_count / baseline_total, 2) if baseline_total else 0.0
    metric = threshold_name
    result.metric(metric, percent)
    result.metric('%s_baseline' % metric, baseline_percent)
    # A spike needs volume (three failures at night are no alarm) and a rise against the baseline.
    if window_total < context['min_volume'] or window_count == 0:
        return
    if baseline_total and percent < baseline_percent * context['rise_factor']:
        return
    result.judge(finding_id, threshold_name, percent,
                 '{what}: {count} of {total} ({value}%) in the last {window} min, against {baseline}% in the '
                 '{baseline_window} min before (limit {limit}%).', subject=subject, what=what, count=window_count,
                 total=window_total, window=format_number(context['window'], 1), baseline=format_number(baseline_percent, 1),
                 baseline_window=format_number(context['baseline'], 1))


def _counts(rows, builder_columns):
    return dict(zip(builder_columns, rows[0])) if rows else {}


def _judge_email_send(context, table):
    rows = _query(context, table, email_send_query, _window_binds(context))
    if rows is None:
        return
    counts = _counts(rows, ('WINDOW_TOTAL', 'BASELINE_TOTAL', 'WINDOW_FAILED', 'BASELINE_FAILED'))
    context['result'].metric('sends_window', counts.get('WINDOW_TOTAL') or 0)
    context['result'].metric('sends_failed_window', counts.get('WINDOW_FAILED') or 0)
    _judge_rise(context, 'email_send.fail_spike', 'send_fail_percent', 'FAILED', counts, table['table'],
                'FAIL in the send log')


def _judge_attachments(context, table):
    rows = _query(context, table, attachment_query, _window_binds(context))
    if rows is None:
        return
    columns = ['WINDOW_TOTAL', 'BASELINE_TOTAL']
    for label, _key in ATTACHMENT_GROUPS:
        columns += ['WINDOW_' + label, 'BASELINE_' + label]
    counts = _counts(rows, columns)
    context['result'].metric('attachments_window', counts.get('WINDOW_TOTAL') or 0)
    for label, _key in ATTACHMENT_GROUPS:
        _judge_rise(context, 'attachment.' + label.lower(), 'attachment_%s_percent' % label.lower(), label, counts,
                    table['table'], '%s in the attachment log' % label)


def _judge_system_errors(context, table):
    rows = _query(context, table, system_error_query, _window_binds(context))
    if rows is None:
        return
    result = context['result']
    for module, errors, sample in rows:
        module = str(module if module is not None else 'NULL')
        result.metric('system_errors', errors, subject=module)
        finding_id = 'system_error.%s' % module.lower() if module.upper() in KNOWN_MODULES else 'system_error.other'
        result.judge(finding_id.lower(), 'system_errors_per_module', errors,
                     '{value} errors of MODULE {subject} in the last {window} min (limit {limit}); sample: {sample}',
                     subject=module, window=format_number(context['window'], 1), sample=sanitize(sample))


def _judge_templates(context, table):
    rows = _query(context, table, template_query, _window_binds(context))
    if rows is None:
        return
    entries, errors, template, sample = rows[0]
    errors = errors or 0
    context['result'].metric('template_errors', errors)
    context['result'].judge('template.errors', 'template_errors', errors,
                            '{value} template errors in the last {window} min (limit {limit}), e.g. template '
                            '{template}: {sample}', subject=table['table'], window=format_number(context['window'], 1),
                            template=sanitize(template), sample=sanitize(sample))


JUDGES = {
    'auto_run_log': _judge_auto_run,
    'email_send_log': _judge_email_send,
    'attachment_log': _judge_attachments,
    'system_error_log': _judge_system_errors,
    'template_log': _judge_templates,
}


def sanitize(text, length=_SAMPLE_LENGTH):
    """A log message safe to show: no control characters, secrets or e-mail addresses, bounded length."""
    if text is None:
        return '-'
    text = _CONTROL.sub(' ', str(text))
    text = scrub(text)
    text = _EMAIL_IN_TEXT.sub('<e-mail>', text)
    text = ' '.join(text.split())
    return text if len(text) <= length else text[:length - 3] + '...'


# The one declaration of this check (the registry, the audit module and the docs derive from it).
SPEC = declare(globals(), scope=SITE, module='logsdb_check')
