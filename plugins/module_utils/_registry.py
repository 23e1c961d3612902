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

from collections.abc import Mapping

from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, SITE, CheckInputError


# Each check's logic is imported only when its spec is first asked for: a module run compiles its
# module_utils from the AnsiballZ zip on every invocation (no .pyc there), so an audit of a host
# with two checks should not compile the other seven. The imports stay literal so that Ansible's
# module packager finds and ships every check.
def _resources():
    from ansible_collections.tank.monitoring.plugins.module_utils import _resources as logic
    return logic.SPEC


def _pm2():
    from ansible_collections.tank.monitoring.plugins.module_utils import _pm2 as logic
    return logic.SPEC


def _logs():
    from ansible_collections.tank.monitoring.plugins.module_utils import _logs as logic
    return logic.SPEC


def _health():
    from ansible_collections.tank.monitoring.plugins.module_utils import _health as logic
    return logic.SPEC


def _nginx():
    from ansible_collections.tank.monitoring.plugins.module_utils import _nginx as logic
    return logic.SPEC


def _oracle():
    from ansible_collections.tank.monitoring.plugins.module_utils import _oracle as logic
    return logic.SPEC


def _logsdb():
    from ansible_collections.tank.monitoring.plugins.module_utils import _logsdb as logic
    return logic.SPEC


def _storage():
    from ansible_collections.tank.monitoring.plugins.module_utils import _storage as logic
    return logic.SPEC


def _ses():
    from ansible_collections.tank.monitoring.plugins.module_utils import _ses as logic
    return logic.SPEC


# name -> (scope, loader), in report order. The scope is written here too so that planning needs
# no check's code; tests/unit/test_registry.py holds it equal to the spec's own.
_DECLARED = (
    ('resources', HOST, _resources),
    ('pm2', HOST, _pm2),
    ('logs', HOST, _logs),
    ('health', HOST, _health),
    ('nginx', HOST, _nginx),
    ('oracle', SITE, _oracle),
    ('logsdb', SITE, _logsdb),
    ('storage', HOST, _storage),
    ('ses', SITE, _ses),
)


class _Checks(Mapping):
    """Check name -> ``CheckSpec``, in report order; a check's code is loaded on first access."""

    def __init__(self, declared):
        self._loaders = dict((name, loader) for name, _scope, loader in declared)
        self._order = tuple(name for name, _scope, _loader in declared)
        self._specs = {}

    def __getitem__(self, name):
        try:
            spec = self._specs[name]
        except (KeyError, TypeError):
            spec = self._specs[name] = self._loaders[name]()
        return spec

    def __iter__(self):
        return iter(self._order)

    def __len__(self):
        return len(self._order)

    def __contains__(self, name):
        try:
            return name in self._loaders
        except TypeError:  # an unhashable name is no check's
            return False


CHECKS = _Checks(_DECLARED)

HOST_CHECKS = tuple(name for name, scope, _loader in _DECLARED if scope == HOST)
SITE_CHECKS = tuple(name for name, scope, _loader in _DECLARED if scope == SITE)


def get(name):
    """The spec of check ``name``; a clear error naming the known checks otherwise."""
    try:
        return CHECKS[name]
    except (KeyError, TypeError):
        raise CheckInputError('unknown check %r (known: %s)' % (name, ', '.join(CHECKS)))
