# -*- coding: utf-8 -*-
"""Unit tests of the Oracle connection options, the failure classifier and the check's SQL.

No Oracle server can run here: the login errors are real python-oracledb exception objects,
built the way the thin driver builds them from a server error packet (``_Error(message, code)``
raised as its ``exc_type``). Socket-level failures are exercised for real in
tests/functional/test_oracle.py.
"""

from __future__ import annotations

import asyncio
import socket

import oracledb
import pytest
import sqlglot
from oracledb import errors as oracle_errors
from sqlglot import expressions as exp
from sqlglot.errors import ErrorLevel

from ansible_collections.tank.monitoring.plugins.module_utils import _oracle
from ansible_collections.tank.monitoring.plugins.module_utils import _oracle_connection as conn
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
from ansible_collections.tank.monitoring.plugins.module_utils._thresholds import DEFAULTS


def server_error(code, text):
    """An exception as the thin driver raises it for an ORA- error sent by the server."""
    error = oracle_errors._Error('ORA-%05d: %s' % (code, text), code=code)
    return error.exc_type(error)


def wrapped(cause_error):
    """``DPY-6005`` wrapping a cause, as thin mode reports every connect failure."""
    wrapper = oracle_errors._create_exception(oracle_errors.ERR_CONNECTION_FAILED, cause=cause_error,
                                              connection_id='x')
    wrapper.__cause__ = cause_error
    return wrapper


def driver_error(number, **args):
    return oracle_errors._create_exception(number, **args)


@pytest.mark.parametrize('code, text, kind, finding, status', [
    (1017, 'invalid credential or not authorized; logon denied', conn.INVALID_CREDENTIALS,
     'login.invalid_credentials', 'critical'),
    (28000, 'The account is locked.', conn.ACCOUNT_LOCKED, 'login.account_locked', 'critical'),
    (28001, 'the password has expired', conn.PASSWORD_EXPIRED, 'login.password_expired', 'critical'),
    (28002, 'the password will expire within 7 days', conn.PASSWORD_GRACE, 'login.password_grace', 'warning'),
    (28009, 'connection as SYS should be as SYSDBA or SYSOPER', conn.INSUFFICIENT_PRIVILEGES,
     'login.insufficient_privileges', 'critical'),
    (1045, 'Login denied. User TANK does not have CREATE SESSION privilege.', conn.NO_CREATE_SESSION,
     'login.no_create_session', 'critical'),
    (1033, 'ORACLE initialization or shutdown in progress', conn.DATABASE_UNAVAILABLE, 'database.unavailable',
     'critical'),
    (1034, 'The Oracle instance is not available for use.', conn.DATABASE_UNAVAILABLE, 'database.unavailable',
     'critical'),
])
def test_login_errors_from_the_server_are_named(code, text, kind, finding, status):
    exc = server_error(code, text)
    assert isinstance(exc, oracledb.Error)
    failure = conn.classify(exc)
    assert failure.kind == kind
    assert failure.code == 'ORA-%05d' % code
    assert _oracle.failure_finding(failure) == (finding, status)
    assert finding in _oracle.CATALOGUE


def test_guide_remedies_are_used_for_the_guide_errors():
    assert 'ORA-12514' in _oracle.CATALOGUE['listener.service_unknown'].remedy
    assert 'check the DB port and the listener' in _oracle.CATALOGUE['listener.service_unknown'].remedy
    assert 'fix the DB account\'s privileges' in _oracle.CATALOGUE['login.insufficient_privileges'].remedy
    assert 'verify the firewall' in _oracle.CATALOGUE['connect.timeout'].remedy


@pytest.mark.parametrize('number, args, kind, code', [
    (oracle_errors.ERR_INVALID_SERVICE_NAME, dict(service_name='TANKPDB', host='db', port=1521),
     conn.SERVICE_UNKNOWN, 'ORA-12514'),
    (oracle_errors.ERR_INVALID_SID, dict(sid='TANK', host='db', port=1521), conn.SID_UNKNOWN, 'ORA-12505'),
    (oracle_errors.ERR_LISTENER_REFUSED_CONNECTION, dict(error_code='ORA-12520'), conn.LISTENER_REFUSED,
     'DPY-6000'),
    (oracle_errors.ERR_CONNECTION_CLOSED, {}, conn.RESET, 'DPY-4011'),
])
def test_the_cause_inside_dpy_6005_is_classified(number, args, kind, code):
    cause = driver_error(number, **args)
    exc = wrapped(cause)
    assert str(exc).startswith('DPY-6005')
    failure = conn.classify(exc)
    assert failure.kind == kind
    assert failure.code.startswith(code[:4])


def test_socket_causes_are_classified():
    assert conn.classify(wrapped(ConnectionRefusedError(111, 'Connect call failed'))).kind == conn.REFUSED
    assert conn.classify(wrapped(ConnectionResetError(104, 'reset by peer'))).kind == conn.RESET
    assert conn.classify(asyncio.TimeoutError()).kind == conn.TIMEOUT
    assert conn.classify(socket.gaierror(-2, 'Name or service not known')).kind == conn.NAME_RESOLUTION
    assert conn.classify(driver_error(oracle_errors.ERR_CALL_TIMEOUT_EXCEEDED, timeout=1000)).kind == \
        conn.CALL_TIMEOUT


def test_listener_mode_accepts_only_answers_of_the_database():
    assert conn.is_server_answer(conn.classify(server_error(1017, 'invalid credential')))
    assert not conn.is_server_answer(conn.classify(server_error(1034, 'not available')))
    assert not conn.is_server_answer(conn.classify(wrapped(ConnectionRefusedError(111, 'refused'))))


def test_password_grace_warning_object_is_classified():
    warning = oracle_errors._Error('ORA-28002: the password will expire within 7 days', code=28002,
                                   iswarning=True)
    assert conn.classify(warning).kind == conn.PASSWORD_GRACE


BASE = dict(dsn=None, host=None, port=None, service_name=None, sid=None, user='tank', password='pw-123',
            protocol='tcp', wallet_location=None, wallet_password=None, ssl_server_dn_match=True,
            ssl_server_cert_dn=None, config_dir=None, connect_timeout=10.0, query_timeout=10.0)


def params(**overrides):
    result = dict(BASE)
    result.update(overrides)
    return result


def test_settings_from_host_and_service():
    settings = conn.connection_settings(params(host='db', service_name='TANKPDB'))
    assert settings.target == 'db:1521/TANKPDB'
    assert settings.kwargs['port'] == 1521 and settings.kwargs['retry_count'] == 0
    assert settings.kwargs['password'] == 'pw-123'
    assert 'pw-123' not in settings.target


@pytest.mark.parametrize('overrides, message', [
    (dict(), 'either as dsn'),
    (dict(dsn='db/TANK', host='db', service_name='X'), 'either as dsn'),
    (dict(host='db'), 'exactly one of service_name or sid'),
    (dict(host='db', service_name='X', sid='Y'), 'exactly one of service_name or sid'),
    (dict(dsn='db:1521/TANK', port=1522), 'go with host'),
    (dict(dsn='tank/pw-123@db:1521/TANK'), 'must not contain credentials'),
    (dict(host='db', sid='X', port=70000), 'port must be'),
    (dict(host='db', sid='X', password=None), 'user and password are required'),
    (dict(host='db', sid='X', connect_timeout=0), 'connect_timeout must be'),
])
def test_invalid_settings_are_refused_without_the_password(overrides, message):
    with pytest.raises(CheckInputError) as raised:
        conn.connection_settings(params(**overrides))
    assert message in str(raised.value)
    assert 'pw-123' not in str(raised.value)


def test_listener_mode_needs_no_credentials():
    settings = conn.connection_settings(params(dsn='db:1521/TANK', user=None, password=None),
                                        require_credentials=False)
    assert 'user' not in settings.kwargs and settings.target == 'db:1521/TANK'


def test_password_options_are_no_log():
    spec = conn.oracle_connection_argument_spec()
    for name in conn.SECRET_OPTIONS:
        assert spec[name]['no_log'] is True
    assert set(_oracle.SECRET_OPTIONS) == set(conn.SECRET_OPTIONS)


@pytest.mark.parametrize('sql', _oracle.QUERIES)
def test_queries_are_valid_oracle_selects(sql):
    tree = sqlglot.parse_one(sql, read='oracle', error_level=ErrorLevel.RAISE)
    assert isinstance(tree, exp.Select)


def test_thresholds_cover_the_judged_names():
    assert set(DEFAULTS['oracle']) == {'connect_seconds', 'query_seconds', 'password_expiry_days'}
    assert DEFAULTS['oracle']['connect_seconds']['warning'] == 1
    assert DEFAULTS['oracle']['connect_seconds']['critical'] == 5


def test_every_classified_kind_has_a_catalogued_finding():
    for finding_id, _status in _oracle._KIND_FINDINGS.values():
        assert finding_id in _oracle.CATALOGUE


# -- the check's logic with a fake session -------------------------------------------------------
# MOCK: no Oracle server can run here, so these tests replace the session (the only part that
# talks to a server) with a fake that raises real oracledb exception objects or returns rows.

class FakeSession(object):
    connect_error = None
    connect_delay = 0.0
    warning = None
    rows = {}
    query_error = None

    def __init__(self, settings):
        self.settings = settings
        self.queries = []

    def connect(self, timeout):
        import time
        time.sleep(self.connect_delay)
        if self.connect_error is not None:
            raise self.connect_error

    def fetchall(self, sql, binds, timeout):
        self.queries.append(sql)
        if self.query_error is not None:
            raise self.query_error
        return self.rows.get(sql, [(1,)])

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


def run_oracle(monkeypatch, options=None, **fake):
    from ansible_collections.tank.monitoring.plugins.module_utils._runner import run_check
    session = type('Session', (FakeSession,), fake)
    monkeypatch.setattr(conn, 'OracleSession', session)
    values = params(host='db', service_name='TANKPDB', mode='login', password_expiry=True)
    values.update(options or {})
    return run_check(_oracle.SPEC, dict(values, timeout=10.0))


def ids(result):
    return [(f['id'], f['status']) for f in result['findings']]


def test_healthy_login_reports_times_and_no_finding(monkeypatch):
    result = run_oracle(monkeypatch, rows={_oracle.PASSWORD_EXPIRY_SQL: [('OPEN', 90.5)]})
    assert result['status'] == 'ok' and result['findings'] == []
    assert result['metrics']['available'] == 1 and result['metrics']['password_expiry_days'] == 90.5
    assert 'connect_seconds' in result['metrics'] and 'query_seconds' in result['metrics']


def test_listener_mode_counts_a_refused_probe_login_as_up(monkeypatch):
    result = run_oracle(monkeypatch, {'mode': 'listener', 'user': None, 'password': None},
                        connect_error=server_error(1017, 'invalid credential or not authorized; logon denied'))
    assert result['status'] == 'ok' and result['metrics']['available'] == 1


def test_login_mode_reports_wrong_credentials(monkeypatch):
    result = run_oracle(monkeypatch, connect_error=server_error(1017, 'invalid credential; logon denied'))
    assert ids(result) == [('oracle.login.invalid_credentials', 'critical')]
    assert result['findings'][0]['value'] == 'ORA-01017'


def test_grace_period_warning_after_a_successful_login(monkeypatch):
    warning = oracle_errors._Error('ORA-28002: the password will expire within 5 days', code=28002, iswarning=True)
    result = run_oracle(monkeypatch, {'password_expiry': False}, warning=warning)
    assert ids(result) == [('oracle.login.password_grace', 'warning')]


def test_password_expiring_in_two_days_is_critical(monkeypatch):
    result = run_oracle(monkeypatch, rows={_oracle.PASSWORD_EXPIRY_SQL: [('EXPIRED(GRACE)', 2.0)]})
    assert ids(result) == [('oracle.password.expiry', 'critical')]
    assert result['findings'][0]['subject'] == 'tank'


def test_slow_connect_is_a_warning(monkeypatch):
    result = run_oracle(monkeypatch, {'password_expiry': False}, connect_delay=1.1)
    assert ids(result) == [('oracle.connect.time', 'warning')]


def test_query_timeout_and_query_failure(monkeypatch):
    result = run_oracle(monkeypatch, query_error=asyncio.TimeoutError())
    assert ids(result) == [('oracle.query.timeout', 'critical')]
    result = run_oracle(monkeypatch, query_error=server_error(1034, 'ORACLE not available'))
    assert ids(result) == [('oracle.query.failed', 'critical')]


# -- issue 11: one Oracle error table for oracle_check and log_check ----------------------------

@pytest.mark.parametrize('ora', ['ORA-12535', 'ORA-12170'])
def test_timeouts_are_timeouts_not_listener_refusals(ora):
    """Guide §6: timeout -> network blocked -> verify the firewall, however the driver wraps it."""
    number = int(ora[4:])
    listener = wrapped(driver_error(oracle_errors.ERR_LISTENER_REFUSED_CONNECTION, error_code=number))
    from_server = server_error(number, 'TNS:operation timed out')
    for exc in (listener, from_server):
        failure = conn.classify(exc)
        assert (failure.kind, failure.code) == (conn.TIMEOUT, ora)
        assert _oracle.failure_finding(failure) == ('connect.timeout', 'critical')
    assert 'verify the firewall' in _oracle.CATALOGUE['connect.timeout'].remedy


def test_log_check_and_oracle_check_classify_every_code_alike():
    from ansible_collections.tank.monitoring.plugins.module_utils import _logs
    from ansible_collections.tank.monitoring.plugins.module_utils import _oracle_errors as table

    patterns = _logs.compile_patterns({})
    oracle_ids = dict((kind, finding_id) for kind, (finding_id, _s) in _oracle._KIND_FINDINGS.items())
    for code, kind in sorted(dict(table.ORA_CODES, **table.DRIVER_CODES).items()):
        scan = _logs.Scan('backend')
        _logs._take(scan, 'err', 100.0, 'Error: %s: something' % code, 0.0, patterns, False)
        expected = [name for name, classes in table.LOG_CLASSES.items() if kind in classes] or ['oracle']
        assert list(scan.errors) == expected, code
        # ... and both checks give the same remedy for it.
        if expected[0] != 'oracle':
            assert _logs.CATALOGUE['errors.%s' % expected[0]].remedy == _oracle.CATALOGUE[oracle_ids[kind]].remedy


def test_switches_named_like_secrets_say_they_are_not():
    assert _oracle.ARGUMENT_SPEC['password_expiry']['no_log'] is False
    assert _oracle.ARGUMENT_SPEC['password']['no_log'] is True
