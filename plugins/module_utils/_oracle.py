# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Oracle connectivity check (guide §6, §13.5): connect, a trivial query, named failures."""

from __future__ import annotations

import asyncio
import secrets
import time

from ansible_collections.tank.monitoring.plugins.module_utils import _oracle_connection as conn
from ansible_collections.tank.monitoring.plugins.module_utils import _oracle_errors as errors
from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, WARNING, FindingSpec, format_number
from ansible_collections.tank.monitoring.plugins.module_utils._check import MissingLibrary
from ansible_collections.tank.monitoring.plugins.module_utils._check import SITE, declare

CHECK = 'oracle'

# Finding id of each failure class; the guide sections and remedies come from the one Oracle error
# table (_oracle_errors), shared with log_check.
_KIND_FINDINGS = {
    conn.REFUSED: ('connect.refused', CRITICAL),
    conn.TIMEOUT: ('connect.timeout', CRITICAL),
    conn.CALL_TIMEOUT: ('connect.timeout', CRITICAL),
    conn.RESET: ('connect.reset', CRITICAL),
    conn.NAME_RESOLUTION: ('connect.name_resolution', CRITICAL),
    conn.SERVICE_UNKNOWN: ('listener.service_unknown', CRITICAL),
    conn.SID_UNKNOWN: ('listener.sid_unknown', CRITICAL),
    conn.LISTENER_REFUSED: ('listener.refused', CRITICAL),
    conn.DATABASE_UNAVAILABLE: ('database.unavailable', CRITICAL),
    conn.INVALID_CREDENTIALS: ('login.invalid_credentials', CRITICAL),
    conn.ACCOUNT_LOCKED: ('login.account_locked', CRITICAL),
    conn.PASSWORD_EXPIRED: ('login.password_expired', CRITICAL),
    conn.PASSWORD_GRACE: ('login.password_grace', WARNING),
    conn.INSUFFICIENT_PRIVILEGES: ('login.insufficient_privileges', CRITICAL),
    conn.NO_CREATE_SESSION: ('login.no_create_session', CRITICAL),
    conn.OTHER: ('connect.failed', CRITICAL),
}

CATALOGUE = dict((finding_id, FindingSpec(errors.section(kind), errors.remedy(kind)))
                 for kind, (finding_id, _status) in _KIND_FINDINGS.items() if kind != conn.CALL_TIMEOUT)
CATALOGUE.update({
    'connect.time': FindingSpec(
        '§6',
        'Connecting to Oracle is slow: check the network between this host and the database and the listener '
        'and database load.'),
    'query.time': FindingSpec(
        '§6',
        'A trivial query is slow: the database is overloaded or waiting (check its load and sessions with '
        'the DBA).'),
    'query.timeout': FindingSpec(
        '§6',
        'A trivial query did not complete in time: the database is hung or blocked, or the network drops '
        'packets after login (verify the firewall).'),
    'query.failed': FindingSpec(
        '§6',
        'A trivial query failed after login: read the Oracle error in the message and check the database '
        'state and the account.'),
    'password.expiry': FindingSpec(
        '§6',
        'The DB account password expires soon: change it (and the application settings) before the '
        'application is locked out (ORA-28001).'),
})


ARGUMENT_SPEC = conn.oracle_connection_argument_spec()
ARGUMENT_SPEC.update(
    mode=dict(type='str', default='login', choices=['login', 'listener']),
    # Explicitly not a secret: without it Ansible warns "Module did not set no_log for password_expiry".
    password_expiry=dict(type='bool', default=True, no_log=False),
)
DEFAULT_TIMEOUT = 30.0
SECRET_OPTIONS = conn.SECRET_OPTIONS
# The secret options and a password written into dsn (user/pw@..., user:pw@...).
secret_values = conn.secret_values

# The listener-only probe logs in as a user that does not exist, with a random password: the
# database answering ORA-01017 proves the listener and the service are up.
PROBE_USER = 'TANK_MONITORING_PROBE'
PING_SQL = 'SELECT 1 FROM DUAL'
PASSWORD_EXPIRY_SQL = 'SELECT ACCOUNT_STATUS, EXPIRY_DATE - SYSDATE AS DAYS_LEFT FROM USER_USERS'
QUERIES = (PING_SQL, PASSWORD_EXPIRY_SQL)

_DRIVER_ERRORS = (asyncio.TimeoutError, OSError)


def failure_finding(failure):
    """``(finding id, status)`` for a classified connect failure."""
    return _KIND_FINDINGS.get(failure.kind, _KIND_FINDINGS[conn.OTHER])


def _budget(limit, deadline):
    return min(limit, deadline.budget(floor=0.1))


def run(params, result, deadline):
    if not conn.oracledb:
        raise MissingLibrary('oracledb')
    listener_only = params.get('mode') == 'listener'
    settings = conn.connection_settings(params, require_credentials=not listener_only)
    if listener_only:
        settings.kwargs.update(user=PROBE_USER, password=secrets.token_urlsafe(24))
    driver_errors = _DRIVER_ERRORS + (conn.oracledb.Error,)
    target = settings.target

    with conn.OracleSession(settings) as session:
        started = time.monotonic()
        connect_budget = _budget(settings.connect_timeout, deadline)
        try:
            session.connect(connect_budget)
        except driver_errors as exc:
            failure = conn.classify(exc)
            if listener_only and conn.is_server_answer(failure):
                # The database itself refused the probe login: listener and service are up.
                result.metric('available', 1)
                result.metric('connect_seconds', round(time.monotonic() - started, 3))
                return
            result.metric('available', 0)
            finding_id, status = failure_finding(failure)
            message = _failure_message('Cannot connect to Oracle at %s' % target, failure, connect_budget)
            result.add(finding_id, status, message, subject=target, value=failure.code)
            return
        connect_seconds = round(time.monotonic() - started, 3)
        result.metric('available', 1)
        result.metric('connect_seconds', connect_seconds)
        result.judge('connect.time', 'connect_seconds', connect_seconds,
                     'Connecting to {subject} took {value} s (limit {limit} s).', subject=target)
        if listener_only:
            return
        _login_warning(result, session, target)
        if not _ping(result, session, settings, deadline, target, driver_errors):
            return
        if params.get('password_expiry', True):
            _password_expiry(result, session, settings, deadline, target, driver_errors)


def _login_warning(result, session, target):
    warning = session.warning
    if warning is None:
        return
    failure = conn.classify(warning)
    if failure.kind == conn.PASSWORD_GRACE:
        result.add('login.password_grace', WARNING, 'Login to %s warned: %s' % (target, failure.detail),
                   subject=target, value=failure.code)


def _ping(result, session, settings, deadline, target, driver_errors):
    started = time.monotonic()
    query_budget = _budget(settings.query_timeout, deadline)
    try:
        session.fetchall(PING_SQL, {}, query_budget)
    except driver_errors as exc:
        failure = conn.classify(exc)
        if failure.kind in (conn.TIMEOUT, conn.CALL_TIMEOUT):
            result.add('query.timeout', CRITICAL, 'The query %r on %s did not complete within %s s.'
                       % (PING_SQL, target, format_number(query_budget, 1)), subject=target)
        else:
            result.add('query.failed', CRITICAL, 'The query %r on %s failed: %s' % (PING_SQL, target, failure.detail),
                       subject=target, value=failure.code)
        return False
    query_seconds = round(time.monotonic() - started, 3)
    result.metric('query_seconds', query_seconds)
    result.judge('query.time', 'query_seconds', query_seconds, 'The query "%s" took {value} s (limit {limit} s).'
                 % PING_SQL, subject=target)
    return True


def _password_expiry(result, session, settings, deadline, target, driver_errors):
    try:
        rows = session.fetchall(PASSWORD_EXPIRY_SQL, {}, _budget(settings.query_timeout, deadline))
    except driver_errors as exc:
        failure = conn.classify(exc)
        result.unknown('password.expiry', 'Cannot read the password expiry of %s from USER_USERS: %s'
                       % (settings.user, failure.detail), subject=settings.user, reason='error')
        return
    if not rows or rows[0][1] is None:
        return  # the profile sets no password lifetime
    days_left = round(float(rows[0][1]), 1)
    result.metric('password_expiry_days', days_left)
    result.judge('password.expiry', 'password_expiry_days', days_left,
                 'The password of DB account {subject} expires in {value} days (limit {limit} days).',
                 subject=settings.user)


def _failure_message(prefix, failure, connect_timeout):
    if failure.kind == conn.TIMEOUT and failure.code is None:
        return '%s: no answer within %s s (network blocked, or a listener that accepts and never answers).' % (
            prefix, format_number(connect_timeout, 1))
    return '%s: %s' % (prefix, failure.detail)


# The one declaration of this check (the registry, the audit module and the docs derive from it).
SPEC = declare(globals(), scope=SITE, module='oracle_check')
