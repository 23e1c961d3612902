# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""The one table of Oracle errors: code -> class -> remedy (guide §6, §13.5).

Used by ``oracle_check`` (``_oracle_connection.classify`` names the class of a connect failure,
``_oracle`` reports it with the class's remedy) and by ``log_check`` (its Oracle patterns and
remedies are derived from the same table), so an error is judged the same way whether the check
meets it or finds it in an application log. Pure data and string helpers: no driver import.
"""

from __future__ import annotations

import re

# Classes of failure, named after what the operator must fix.
REFUSED = 'refused'                    # nothing listens on the port
TIMEOUT = 'timeout'                    # no answer in time: network or firewall drops packets
RESET = 'reset'                        # the peer closed or reset the connection
NAME_RESOLUTION = 'name_resolution'    # the host name does not resolve
SERVICE_UNKNOWN = 'service_unknown'    # ORA-12514
SID_UNKNOWN = 'sid_unknown'            # ORA-12505
LISTENER_REFUSED = 'listener_refused'  # other listener refusals (ORA-12516, 12519, 12520, 12528 ...)
DATABASE_UNAVAILABLE = 'database_unavailable'  # ORA-01033 / 01034: instance starting, stopping or down
INVALID_CREDENTIALS = 'invalid_credentials'    # ORA-01017
ACCOUNT_LOCKED = 'account_locked'              # ORA-28000
PASSWORD_EXPIRED = 'password_expired'          # ORA-28001
PASSWORD_GRACE = 'password_grace'              # ORA-28002 (a warning; the login succeeds)
INSUFFICIENT_PRIVILEGES = 'insufficient_privileges'  # ORA-28009
NO_CREATE_SESSION = 'no_create_session'        # ORA-01045
CALL_TIMEOUT = 'call_timeout'          # DPY-4024: a call exceeded call_timeout
OTHER = 'other'

# Oracle codes -> class. ORA-125xx not listed here are listener refusals (``class_of``).
ORA_CODES = {
    'ORA-12514': SERVICE_UNKNOWN,       # TNS:listener does not currently know of service
    'ORA-12505': SID_UNKNOWN,           # TNS:listener does not currently know of SID
    # Guide §6: a timeout means the network is blocked -> verify the firewall.
    'ORA-12170': TIMEOUT,               # TNS:Connect timeout occurred
    'ORA-12535': TIMEOUT,               # TNS:operation timed out
    'ORA-12543': TIMEOUT,               # TNS:destination host unreachable
    'ORA-12609': TIMEOUT,               # TNS:Receive timeout occurred
    'ORA-03136': TIMEOUT,               # inbound connection timed out
    'ORA-12541': REFUSED,               # TNS:no listener
    'ORA-12545': NAME_RESOLUTION,       # Connect failed because target host or object does not exist
    'ORA-01033': DATABASE_UNAVAILABLE,  # ORACLE initialization or shutdown in progress
    'ORA-01034': DATABASE_UNAVAILABLE,  # ORACLE not available
    'ORA-01017': INVALID_CREDENTIALS,
    'ORA-28000': ACCOUNT_LOCKED,
    'ORA-28001': PASSWORD_EXPIRED,
    'ORA-28002': PASSWORD_GRACE,
    'ORA-28009': INSUFFICIENT_PRIVILEGES,
    'ORA-01045': NO_CREATE_SESSION,
}
# python-oracledb thin-mode codes -> class (DPY-6005 is a wrapper: its cause says why).
DRIVER_CODES = {
    'DPY-6000': LISTENER_REFUSED,  # refined by its "(Similar to ORA-xxxxx)"
    'DPY-6001': SERVICE_UNKNOWN,
    'DPY-6003': SID_UNKNOWN,
    'DPY-4011': RESET,
    'DPY-4024': CALL_TIMEOUT,
}
# How applications word a timeout without an ORA code (node-oracledb, Node's net module, Tank's DBIO).
TIMEOUT_TEXT = (r'connection\s*time\s*-?\s*out', r'connect\s+ETIMEDOUT', r'\bNJS-040\b', r'\bNJS-510\b')

_LISTENER_REMEDY = ('Wrong SID / service name (guide §6, ORA-12514 / ORA-12505): check the DB port and the '
                    'listener (lsnrctl status on the database host lists the registered services) and correct '
                    'the service name or SID in the connection settings (the application .env, the check\'s '
                    'options).')

# Class -> (guide sections, remedy): the same words in oracle_check and log_check.
CLASSES = {
    TIMEOUT: ('§6, §13.5',
              'Connection timeout means the network is blocked (guide §6): verify the firewall between this host '
              'and the database (port open, no silent drop), then the Oracle listener; test again with the '
              'application\'s Connect Test.'),
    REFUSED: ('§6, §13.5',
              'Nothing accepts connections on the DB port: check the Oracle listener and the network (guide '
              '§13.5) - is the listener started (lsnrctl status) on this host and port, and is the database host '
              'up?'),
    RESET: ('§6, §13.5',
            'The database or the network closed the connection: check the Oracle listener and the network '
            '(guide §13.5) - a firewall or proxy cutting connections, a listener that crashes, or TCPS/TCP '
            'mismatched with the port.'),
    NAME_RESOLUTION: ('§6, §13.5',
                      'The database host name does not resolve: fix the host name in the connection settings or '
                      'DNS / /etc/hosts on this host.'),
    SERVICE_UNKNOWN: ('§6', _LISTENER_REMEDY),
    SID_UNKNOWN: ('§6', _LISTENER_REMEDY),
    LISTENER_REFUSED: ('§6, §13.5',
                       'The listener refused the connection (no handler available, instance blocked or '
                       'restricted): check the DB port and the listener (lsnrctl status, lsnrctl services) and the '
                       'database instance state.'),
    DATABASE_UNAVAILABLE: ('§6, §13.5',
                           'The listener answers but the database instance is not open (starting, shutting down '
                           'or down): have the DBA open the database, then test again.'),
    INVALID_CREDENTIALS: ('§6',
                          'The database rejected the user name or password (ORA-01017): correct the credentials '
                          'the check (and the application .env) use, or reset the account password.'),
    ACCOUNT_LOCKED: ('§6',
                     'The DB account is locked (ORA-28000), usually after repeated wrong passwords: fix the DB '
                     'account (ALTER USER ... ACCOUNT UNLOCK) and find who uses a wrong password.'),
    PASSWORD_EXPIRED: ('§6',
                       'The DB account password has expired (ORA-28001): fix the DB account (set a new password) '
                       'and update the application settings.'),
    PASSWORD_GRACE: ('§6',
                     'The DB account password is in its grace period and will expire soon (ORA-28002): change it '
                     'before the application is locked out, and update the application settings.'),
    INSUFFICIENT_PRIVILEGES: ('§6',
                              'Insufficient account privileges (guide §6, ORA-28009): fix the DB account\'s '
                              'privileges.'),
    NO_CREATE_SESSION: ('§6',
                        'Insufficient account privileges (guide §6; ORA-01045, the account lacks CREATE SESSION): '
                        'fix the DB account\'s privileges (GRANT CREATE SESSION).'),
    OTHER: ('§6, §13.5',
            'The connection to Oracle failed: check the Oracle listener and the network (guide §13.5) using the '
            'error in the message.'),
}

# log_check's Oracle classes: which error classes each one gathers (the rest fall in "oracle").
LOG_CLASSES = {
    'ora12514': (SERVICE_UNKNOWN, SID_UNKNOWN),
    'ora28009': (INSUFFICIENT_PRIVILEGES,),
    'oracle_timeout': (TIMEOUT,),
}


def class_of(code):
    """The class of an ``ORA-`` / ``DPY-`` code (``OTHER`` when the table does not know it)."""
    if code in ORA_CODES:
        return ORA_CODES[code]
    if code in DRIVER_CODES:
        return DRIVER_CODES[code]
    if code and code.startswith('ORA-125'):
        return LISTENER_REFUSED  # the network layer's listener refusals (12516, 12519, 12520, 12528 ...)
    return OTHER


def codes_of(classes):
    """Every listed code (ORA and driver) of the given classes, sorted."""
    table = dict(ORA_CODES, **DRIVER_CODES)
    return sorted(code for code, kind in table.items() if kind in classes)


def log_pattern(log_class):
    """The default regular expression of one of log_check's Oracle classes, from the table."""
    classes = LOG_CLASSES[log_class]
    parts = [r'\b(?:%s)\b' % '|'.join(re.escape(code) for code in codes_of(classes))]
    if TIMEOUT in classes:
        parts.extend(TIMEOUT_TEXT)
    return '|'.join(parts)


def remedy(kind):
    return CLASSES.get(kind, CLASSES[OTHER])[1]


def section(kind):
    return CLASSES.get(kind, CLASSES[OTHER])[0]
