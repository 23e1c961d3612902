# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""The one-round-trip audit of a host: every requested check validated first, then run together."""

from __future__ import annotations

from ansible_collections.tank.monitoring.plugins.module_utils import _registry
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
from ansible_collections.tank.monitoring.plugins.module_utils._contract import UNKNOWN, CheckResult
from ansible_collections.tank.monitoring.plugins.module_utils._runner import prepare, run_jobs


def plan_jobs(checks, option_root='checks'):
    """Validate the options of every requested check (all of them, before any runs); the jobs.

    Errors name the option as the caller knows it (``<option_root>.<check>...``) and are joined,
    so one run shows every mistake.
    """
    if not isinstance(checks, dict) or not checks:
        raise CheckInputError('%s must map at least one check name to its options (known checks: %s)'
                              % (option_root, ', '.join(_registry.CHECKS)))
    unknown = sorted(str(name) for name in checks if name not in _registry.CHECKS)
    if unknown:
        raise CheckInputError('%s: unknown check(s) %s (known: %s)'
                              % (option_root, ', '.join(unknown), ', '.join(_registry.CHECKS)))
    options = dict((name, dict(checks[name] or {}) if isinstance(checks[name], dict) else checks[name])
                   for name in _registry.CHECKS if name in checks)
    _share_storage_paths(options)
    jobs, errors = [], []
    for name, params in options.items():
        try:
            jobs.append(prepare(_registry.CHECKS[name], params, where='%s.%s' % (option_root, name)))
        except CheckInputError as exc:
            errors.append(str(exc))
    if errors:
        raise CheckInputError('; '.join(errors))
    return jobs


def _share_storage_paths(options):
    """One finding per filesystem: the storage check owns the filesystems of the paths it watches."""
    resources, storage = options.get('resources'), options.get('storage')
    if not isinstance(resources, dict) or not isinstance(storage, dict):
        return
    if 'skip_filesystems_of' not in _registry.CHECKS['resources'].argument_spec or 'skip_filesystems_of' in resources:
        return
    paths = [entry.get('path') if isinstance(entry, dict) else entry for entry in storage.get('paths') or []]
    resources['skip_filesystems_of'] = [path for path in paths if isinstance(path, str) and path]


def check_languages(checks, default):
    """``{check: lang}``: a check's own ``lang`` (``checks: {pm2: {lang: ko}}``) where it sets one, the
    audit's ``default`` elsewhere. Run after ``plan_jobs``, which validated every check's ``lang``."""
    languages = {}
    for name, options in (checks or {}).items():
        own = options.get('lang') if isinstance(options, dict) else None
        languages[name] = own if own is not None else default
    return languages


def run_plan(jobs, deadline):
    """Run the validated jobs together under ``deadline``; ``{check: result}`` in registry order."""
    return run_jobs(jobs, deadline)


def input_error_result(name, data):
    """An option the check itself rejected while running: an ``unknown`` entry naming it."""
    spec = _registry.CHECKS[name]
    result = CheckResult(name, spec.catalogue)
    result.add('options.invalid', UNKNOWN, data['input_error'], reason='invalid_options')
    return result.finish().as_dict()
