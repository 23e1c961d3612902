# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""THE list of checks, in the order of the report (the guide's: host resources, processes, logs,
health, front end, then the site's database, Logs DB, storage and SES).

Each check is declared once, by ``SPEC = declare(...)`` at the end of its logic file; everything
else (the action group, the threshold table's keys, the audit role's known checks, the report's
check keys, the docs) derives from this list or is tested against it
(tests/unit/test_registry.py). Adding a check: docs/architecture.md.
"""

from __future__ import annotations

from ansible_collections.tank.monitoring.plugins.module_utils import (
    _health,
    _logs,
    _logsdb,
    _nginx,
    _oracle,
    _pm2,
    _resources,
    _ses,
    _storage,
)
from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, SITE, CheckInputError

CHECKS = dict((spec.name, spec) for spec in (
    _resources.SPEC,
    _pm2.SPEC,
    _logs.SPEC,
    _health.SPEC,
    _nginx.SPEC,
    _oracle.SPEC,
    _logsdb.SPEC,
    _storage.SPEC,
    _ses.SPEC,
))

HOST_CHECKS = tuple(name for name, spec in CHECKS.items() if spec.scope == HOST)
SITE_CHECKS = tuple(name for name, spec in CHECKS.items() if spec.scope == SITE)


def get(name):
    """The spec of check ``name``; a clear error naming the known checks otherwise."""
    try:
        return CHECKS[name]
    except (KeyError, TypeError):
        raise CheckInputError('unknown check %r (known: %s)' % (name, ', '.join(CHECKS)))
