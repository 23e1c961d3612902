# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Oracle connection options shared by ``oracle_check`` and ``logsdb_check``.

The options are defined once here (``oracle_connection_argument_spec``) and documented once in
the ``tank.monitoring.oracle_connection`` doc fragment. python-oracledb runs in thin mode (no
Oracle Client). Every call is bounded by a wall-clock timeout through the driver's asyncio API:
a thin ``connect()`` to a server that accepts TCP and never answers hangs for good even with
``tcp_connect_timeout``, while ``asyncio.wait_for(connect_async(...))`` gives up on time.

Connect failures are classified from the real cause: thin mode wraps each of them in
``DPY-6005`` and chains the cause (a refused socket, ``DPY-6001`` "similar to ORA-12514", ...).
"""

from __future__ import annotations

import asyncio
import errno
import re
import socket

from ansible_collections.tank.monitoring.plugins.module_utils import _oracle_errors as errors
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, LazyImport, MissingLibrary
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import dsn_password

# Imported when a check connects (reported as unknown when missing), not when the audit loads.
oracledb = LazyImport('oracledb')

# Options holding secrets: passed to CheckModule(secret_options=...) so they are scrubbed everywhere.
SECRET_OPTIONS = ('password', 'wallet_password')
DEFAULT_PORT = 1521

# A dsn that carries credentials ("user/password@host/service", "user:password@host:port/svc",
# "user:password@alias", "tcp://user:password@host/svc") is refused, so a password never travels in an
# option that is not a secret option; its password is also masked everywhere (secret_values), so the
# refused value is never echoed either.
_DSN_WITH_CREDENTIALS = re.compile(r'^\s*[^@/()\s]+/[^@]*@')


def secret_values(params):
    """The values to mask everywhere: the secret options and a password written into ``dsn``."""
    values = [params.get(name) for name in SECRET_OPTIONS]
    values.append(dsn_password(params.get('dsn')))
    return [value for value in values if value]


def oracle_connection_argument_spec():
    """The connection options, documented by the ``tank.monitoring.oracle_connection`` fragment."""
    return dict(
        dsn=dict(type='str'),
        host=dict(type='str'),
        port=dict(type='int'),
        service_name=dict(type='str'),
        sid=dict(type='str'),
        user=dict(type='str'),
        password=dict(type='str', no_log=True),
        protocol=dict(type='str', default='tcp', choices=['tcp', 'tcps']),
        wallet_location=dict(type='path'),
        wallet_password=dict(type='str', no_log=True),
        ssl_server_dn_match=dict(type='bool', default=True),
        ssl_server_cert_dn=dict(type='str'),
        config_dir=dict(type='path'),
        connect_timeout=dict(type='float', default=10.0),
        query_timeout=dict(type='float', default=10.0),
    )


class ConnectionSettings(object):
    """Validated connection options: driver keyword arguments and a printable target."""

    __slots__ = ('kwargs', 'target', 'connect_timeout', 'query_timeout', 'user')

    def __init__(self, kwargs, target, connect_timeout, query_timeout, user):
        self.kwargs = kwargs
        self.target = target
        self.connect_timeout = connect_timeout
        self.query_timeout = query_timeout
        self.user = user


def connection_settings(params, require_credentials=True):
    """Validate the connection options; raise CheckInputError with a clear message (no secrets)."""
    dsn = params.get('dsn')
    host = params.get('host')
    service_name = params.get('service_name')
    sid = params.get('sid')
    port = params.get('port')
    if bool(dsn) == bool(host):
        raise CheckInputError('give the database either as dsn (EZConnect string, connect descriptor or '
                              'tnsnames alias) or as host with service_name or sid, not both or neither')
    if dsn:
        if service_name or sid or port is not None:
            raise CheckInputError('port, service_name and sid go with host, not with dsn')
        if _DSN_WITH_CREDENTIALS.match(dsn) or dsn_password(dsn):
            raise CheckInputError('dsn must not contain credentials: give them in user and password')
    elif bool(service_name) == bool(sid):
        raise CheckInputError('with host, give exactly one of service_name or sid')
    if port is not None and not 0 < port < 65536:
        raise CheckInputError('port must be between 1 and 65535, got %s' % (port,))

    user = params.get('user')
    password = params.get('password')
    if require_credentials and (not user or not password):
        raise CheckInputError('user and password are required (the listener-only mode needs neither)')
    for name in ('connect_timeout', 'query_timeout'):
        value = params.get(name)
        if value is None or value <= 0:
            raise CheckInputError('%s must be a positive number of seconds, got %r' % (name, value))

    protocol = params.get('protocol') or 'tcp'
    kwargs = dict(retry_count=0, tcp_connect_timeout=params['connect_timeout'])
    if dsn:
        kwargs['dsn'] = dsn  # its own protocol (tcps://...) applies
        target = dsn
    else:
        kwargs.update(host=host, port=port or DEFAULT_PORT, protocol=protocol)
        if service_name:
            kwargs['service_name'] = service_name
            target = '%s:%s/%s' % (host, port or DEFAULT_PORT, service_name)
        else:
            kwargs['sid'] = sid
            target = '%s:%s (SID %s)' % (host, port or DEFAULT_PORT, sid)
    for name in ('wallet_location', 'wallet_password', 'ssl_server_cert_dn', 'config_dir'):
        if params.get(name):
            kwargs[name] = params[name]
    if protocol == 'tcps' or dsn:
        kwargs['ssl_server_dn_match'] = params.get('ssl_server_dn_match', True)
    if user:
        kwargs['user'] = user
    if password:
        kwargs['password'] = password
    return ConnectionSettings(kwargs, target, params['connect_timeout'], params['query_timeout'], user)


class OracleSession(object):
    """A thin-mode connection whose every call has a hard wall-clock timeout.

    Owns a private event loop, so it is safe to use from any thread (one session per thread).
    """

    def __init__(self, settings):
        if not oracledb:
            raise MissingLibrary('oracledb')
        self.settings = settings
        self.connection = None
        self.queries = 0
        self._loop = asyncio.new_event_loop()

    def _run(self, make_awaitable, timeout):
        """Run ``make_awaitable()`` on the session's loop; give up after ``timeout`` seconds."""

        async def bounded():
            # Built inside the loop: the driver's async calls need a running loop.
            return await asyncio.wait_for(make_awaitable(), timeout)

        return self._loop.run_until_complete(bounded())

    def connect(self, timeout):
        """Connect within ``timeout`` seconds; raises the driver's error or ``asyncio.TimeoutError``."""
        self.connection = self._run(lambda: oracledb.connect_async(**self.settings.kwargs), timeout)
        # The server-side bound (the driver sends a break); the wait_for bound is the hard one.
        self.connection.call_timeout = int(self.settings.query_timeout * 1000)
        return self.connection

    @property
    def warning(self):
        """The login warning (ORA-28002 password grace period) or None."""
        return getattr(self.connection, 'warning', None) if self.connection is not None else None

    def fetchall(self, sql, binds, timeout):
        """Run one SELECT with bind variables within ``timeout`` seconds and return its rows."""
        self.queries += 1
        return self._run(lambda: self.connection.fetchall(sql, binds), timeout)

    def close(self):
        try:
            if self.connection is not None:
                self._run(self.connection.close, 2.0)
        except Exception:  # pylint: disable=broad-except
            pass  # closing a broken session must not hide the finding that broke it
        finally:
            self.connection = None
            pending = [task for task in asyncio.all_tasks(self._loop) if not task.done()]
            for task in pending:
                task.cancel()
            if pending:
                self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


# -- classification ----------------------------------------------------------------------------

# Kinds of failure and the code table live in _oracle_errors (shared with log_check); re-exported here.
REFUSED = errors.REFUSED
TIMEOUT = errors.TIMEOUT
RESET = errors.RESET
NAME_RESOLUTION = errors.NAME_RESOLUTION
SERVICE_UNKNOWN = errors.SERVICE_UNKNOWN
SID_UNKNOWN = errors.SID_UNKNOWN
LISTENER_REFUSED = errors.LISTENER_REFUSED
DATABASE_UNAVAILABLE = errors.DATABASE_UNAVAILABLE
INVALID_CREDENTIALS = errors.INVALID_CREDENTIALS
ACCOUNT_LOCKED = errors.ACCOUNT_LOCKED
PASSWORD_EXPIRED = errors.PASSWORD_EXPIRED
PASSWORD_GRACE = errors.PASSWORD_GRACE
INSUFFICIENT_PRIVILEGES = errors.INSUFFICIENT_PRIVILEGES
NO_CREATE_SESSION = errors.NO_CREATE_SESSION
CALL_TIMEOUT = errors.CALL_TIMEOUT
OTHER = errors.OTHER

# Codes of the outermost wrappers: they say "it failed", the chained cause says why.
_WRAPPERS = ('DPY-6005',)
_SIMILAR_TO = re.compile(r'\(Similar to (ORA-\d{5})\)')
_ORA_CODE = re.compile(r'\b(ORA-\d{5})\b')


class Failure(object):
    """A classified Oracle failure: its kind, the Oracle/driver code and a one-line detail."""

    __slots__ = ('kind', 'code', 'detail')

    def __init__(self, kind, code, detail):
        self.kind = kind
        self.code = code
        self.detail = detail

    def __repr__(self):
        return 'Failure(%r, %r)' % (self.kind, self.code)


def _driver_code(exc):
    """The ``ORA-`` / ``DPY-`` code of a python-oracledb exception, or None."""
    error = exc.args[0] if getattr(exc, 'args', None) else exc  # an exception, or a bare _Error (warning)
    code = getattr(error, 'full_code', None) or getattr(exc, 'full_code', None)
    if code:
        return code
    match = re.match(r'^((?:ORA|DPY|DPI)-\d{4,5}):', str(exc))
    return match.group(1) if match else None


def _first_line(exc):
    text = str(getattr(exc, 'message', None) or exc).strip().splitlines()
    return text[0].strip() if text else type(exc).__name__


def _chain(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = getattr(exc, '__cause__', None) or getattr(exc, '__context__', None)


def classify(exc):
    """Classify a connect/login/query exception from its deepest meaningful cause."""
    for link in _chain(exc):
        if isinstance(link, (asyncio.TimeoutError, socket.timeout)):
            return Failure(TIMEOUT, None, 'no answer within the time limit')
        if isinstance(link, socket.gaierror):
            return Failure(NAME_RESOLUTION, None, _first_line(link))
        if isinstance(link, ConnectionRefusedError):
            return Failure(REFUSED, None, _first_line(link))
        if isinstance(link, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
            return Failure(RESET, None, _first_line(link))
        # A timed-out or unreachable route is the guide's "network blocked" case.
        if isinstance(link, OSError) and link.errno in (errno.ETIMEDOUT, errno.EHOSTUNREACH, errno.ENETUNREACH):
            return Failure(TIMEOUT, None, _first_line(link))
        code = _driver_code(link)
        if code is None or code in _WRAPPERS:
            continue
        similar = _SIMILAR_TO.search(str(link))
        if similar and code.startswith('DPY-6'):
            # "Listener refused connection (Similar to ORA-12535)": the ORA code says why (the one table).
            ora = similar.group(1)
            kind = errors.class_of(ora)
            if kind == OTHER:
                kind = errors.DRIVER_CODES.get(code, LISTENER_REFUSED)
            return Failure(kind, ora, _first_line(link))
        return Failure(errors.class_of(code), code, _first_line(link))
    # Only wrappers: the cause may still be named in the wrapper's second line.
    text = str(exc)
    similar = _SIMILAR_TO.search(text) or _ORA_CODE.search(text)
    if similar:
        return Failure(errors.class_of(similar.group(1)), similar.group(1), _first_line(exc))
    return Failure(OTHER, _driver_code(exc), _first_line(exc))


def is_server_answer(failure):
    """True when the database itself answered (the listener and service are up)."""
    return failure.kind in (INVALID_CREDENTIALS, ACCOUNT_LOCKED, PASSWORD_EXPIRED, INSUFFICIENT_PRIVILEGES,
                            NO_CREATE_SESSION)
