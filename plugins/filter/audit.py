# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the audit role: a host's plan (which checks, with which options, where the site checks
run) and the fleet report built from the ``tank.monitoring.audit`` results (docs/audit-report.md).

Kept free of the check code on purpose: filters load in every Ansible worker, and the check names
below are tested against the registry (tests/unit/test_registry.py).
"""

from __future__ import annotations

import math
import re

from ansible.errors import AnsibleFilterError

from ansible_collections.tank.monitoring.plugins.module_utils._contract import FAIL_ON_CHOICES, STATUS_ORDER, UNKNOWN, worst_of
from ansible_collections.tank.monitoring.plugins.module_utils._labels import COLOR_MODES, LANGUAGES

# The report's renderers and the diagnosis are imported by the filters that use them, not here: the
# planning filters run in a fresh worker process per host and task, which would import them each time.

SCHEMA_VERSION = 3
UNREACHABLE = 'unreachable'
# The registry's checks, in its order, by scope.
HOST_CHECK_KEYS = ('resources', 'pm2', 'logs', 'health', 'nginx', 'storage')
SITE_CHECK_KEYS = ('oracle', 'logsdb', 'ses')
CHECK_KEYS = ('resources', 'pm2', 'logs', 'health', 'nginx', 'oracle', 'logsdb', 'storage', 'ses')
DEFAULT_SITE = 'default'
# The Oracle connection options the Logs DB check takes from the oracle check's options when its
# database is "oracle" (one connection per site, written once).
ORACLE_CONNECTION_OPTIONS = ('dsn', 'host', 'port', 'service_name', 'sid', 'user', 'password', 'protocol',
                             'wallet_location', 'wallet_password', 'connect_timeout')


def _merge(base, override):
    """Recursive dict merge; ``override`` wins."""
    merged = dict(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def audit_host_plan(settings):
    """What the audit role runs on one host: ``{site, host_checks: [names], site_checks: [names]}``.

    Names only, so the plan can be a host fact without carrying any option (passwords, keys): the
    options are computed where they are used, by ``audit_check_options``.
    """
    _check_role_settings(settings.get('role') if isinstance(settings, dict) else None)
    plan = _plan(settings)
    return {'site': plan['site'], 'host_checks': list(plan['host_checks']), 'site_checks': list(plan['site_checks'])}


def _check_role_settings(role):
    """The role's own settings (``role`` of the settings), each error naming its variable.

    Checked here, in the plan every host computes anyway, rather than in tasks of their own: a task
    costs one worker process per host, which the controller pays a hundred times on a fleet.
    """
    if role is None:
        return
    if not isinstance(role, dict):
        raise AnsibleFilterError('audit_host_plan: the role settings must be a mapping')
    errors = []
    if 'fail_on' in role and role['fail_on'] not in FAIL_ON_CHOICES:
        errors.append("audit_fail_on '%s' is not one of %s" % (role['fail_on'], '/'.join(FAIL_ON_CHOICES)))
    if 'timeout' in role:
        try:
            timeout = float(role['timeout'])
        except (TypeError, ValueError):
            timeout = None
        if timeout is None or not math.isfinite(timeout) or timeout <= 0:
            errors.append("audit_timeout must be a positive number of seconds, got '%s'" % (role['timeout'],))
    if 'report_keep' in role and not re.match(r'^[0-9]+$', str(role['report_keep'])):
        errors.append("audit_report_keep must be a count of history copies (0 or more), got '%s'" % (role['report_keep'],))
    if 'report_color' in role and role['report_color'] not in COLOR_MODES:
        errors.append("audit_report_color must be %s, got '%s'" % (', '.join(COLOR_MODES), role['report_color']))
    if 'report_lang' in role and role['report_lang'] not in LANGUAGES:
        errors.append("audit_report_lang must be %s, got '%s'" % (' or '.join(LANGUAGES), role['report_lang']))
    if errors:
        raise AnsibleFilterError('; '.join(errors) + '.')


def audit_check_options(settings, names):
    """``{check: options}`` of the named checks of the host, from the same settings as its plan."""
    plan = _plan(settings)
    options = dict(plan['host_checks'], **plan['site_checks'])
    return dict((name, options[name]) for name in names if name in options)


def _plan(settings):
    """The host's checks with their options, from its variables (a dict the role builds).

    ``settings`` keys: ``group_names``, ``checks``, ``checks_by_group``, ``skip_checks``,
    ``options`` (a list of option dicts merged in order: ``audit_options`` then every
    ``audit_options_*`` variable), ``thresholds``, ``pm2_apps_by_group``, ``site``.
    """
    if not isinstance(settings, dict):
        raise AnsibleFilterError('audit_host_plan expects a mapping of the role settings')
    groups = list(settings.get('group_names') or []) + ['all']
    wanted = list(settings.get('checks') or [])
    if not wanted:
        by_group = settings.get('checks_by_group') or {}
        if not isinstance(by_group, dict):
            raise AnsibleFilterError('audit_checks_by_group must map a group name to a list of checks')
        for group, names in by_group.items():
            if group in groups:
                wanted.extend(names or [])
    skip = set(settings.get('skip_checks') or [])
    wanted = [name for name in CHECK_KEYS if name in wanted and name not in skip] + \
        sorted(set(n for n in wanted if n not in CHECK_KEYS and n not in skip))
    unknown = [name for name in wanted if name not in CHECK_KEYS]
    if unknown:
        raise AnsibleFilterError('audit_checks / audit_checks_by_group: unknown check(s) %s (known: %s)'
                                 % (', '.join(map(str, unknown)), ', '.join(CHECK_KEYS)))

    options = {}
    for layer in settings.get('options') or []:
        if layer is None:
            continue
        if not isinstance(layer, dict):
            raise AnsibleFilterError('audit_options must map a check name to its options, got %s' % type(layer).__name__)
        options = _merge(options, layer)
    stray = sorted(str(name) for name in options if name not in CHECK_KEYS)
    if stray:
        raise AnsibleFilterError('audit_options: unknown check(s) %s (known: %s)' % (', '.join(stray), ', '.join(CHECK_KEYS)))
    thresholds = settings.get('thresholds') or {}
    if not isinstance(thresholds, dict):
        raise AnsibleFilterError('audit_thresholds must map a check name to its threshold overrides')

    plan = {}
    for name in wanted:
        entry = options.get(name) or {}
        if not isinstance(entry, dict):
            raise AnsibleFilterError('audit_options.%s must be a mapping of that check\'s options, got %r' % (name, entry))
        entry = dict(entry)
        if name in thresholds:
            entry['thresholds'] = _merge(thresholds[name] or {}, entry.get('thresholds') or {})
        plan[name] = entry
    if 'storage' in plan and not plan['storage'].get('paths'):
        # Storage is judged on the paths the site configures; a host without any has none to judge.
        del plan['storage']
    _pm2_apps(plan, groups, settings.get('pm2_apps_by_group') or {})
    _logsdb_connection(plan, options)
    site = settings.get('site') or DEFAULT_SITE
    return {
        'site': str(site),
        'host_checks': dict((n, o) for n, o in plan.items() if n not in SITE_CHECK_KEYS),
        'site_checks': dict((n, o) for n, o in plan.items() if n in SITE_CHECK_KEYS),
    }


def _pm2_apps(plan, groups, apps_by_group):
    """The PM2 apps of the host's groups (backend on tank_backend, worker on tank_worker), unless set."""
    apps = []
    for group, names in apps_by_group.items():
        if group in groups:
            apps.extend(n for n in names or [] if n not in apps)
    apps = apps or ['backend', 'worker']
    if 'pm2' in plan:
        plan['pm2'].setdefault('apps', apps)
    if 'logs' in plan:
        logs = plan['logs']
        logs.setdefault('apps', plan.get('pm2', {}).get('apps', apps))
        for role in ('scheduler_app', 'worker_app'):
            # The scheduler and the worker are judged only where that app runs.
            if role not in logs:
                logs[role] = 'worker' if 'worker' in logs['apps'] else ''
        for shared in ('pm2_user', 'pm2_home', 'pm2_executable'):
            if shared in plan.get('pm2', {}) and shared not in logs:
                logs[shared] = plan['pm2'][shared]


def _logsdb_connection(plan, options):
    logsdb = plan.get('logsdb')
    if not logsdb or logsdb.get('database') != 'oracle':
        return
    oracle = options.get('oracle') or {}
    for key in ORACLE_CONNECTION_OPTIONS:
        if key in oracle and key not in logsdb:
            logsdb[key] = oracle[key]


def _plans(hostvars, hosts, fact):
    for host in hosts:
        try:
            plan = hostvars[host].get(fact)
        except KeyError:
            plan = None
        if plan:
            yield host, plan


def audit_site_runner(host, hostvars, hosts, plan_fact='_audit_plan', result_fact=None):
    """True when ``host`` runs its site's checks.

    Without ``result_fact``: the site's designated host (``audit_site_runner`` of the host), else
    the first host of the site in play order that has site checks. With ``result_fact`` (the
    fallback pass): only when the first runner produced no site result, the first other host of
    the site that is reachable.
    """
    mine = hostvars[host].get(plan_fact) or {}
    if not mine.get('site_checks'):
        return False
    site = mine['site']
    candidates = [h for h, plan in _plans(hostvars, hosts, plan_fact) if plan.get('site') == site and plan.get('site_checks')]
    designated = hostvars[host].get('audit_site_runner') or ''
    if designated:
        return result_fact is None and host == designated
    if result_fact is None:
        return bool(candidates) and candidates[0] == host
    first = candidates[0] if candidates else None
    if first is None or _has_site_results(hostvars[first].get(result_fact)):
        return False
    reachable = [h for h in candidates[1:] if _ran(hostvars[h].get(result_fact))]
    return bool(reachable) and reachable[0] == host


def _ran(result):
    return isinstance(result, dict) and 'checks' in result and not result.get('unreachable')


def _has_site_results(result):
    return _ran(result) and any(name in result['checks'] for name in SITE_CHECK_KEYS)


def _check_entry(result):
    entry = {'status': result['status'], 'findings': list(result.get('findings') or []),
             'metrics': dict(result.get('metrics') or {})}
    for key in ('duration_seconds', 'not_checked'):
        if result.get(key) is not None:
            entry[key] = result[key]
    return entry


def _failure_reason(result):
    if not isinstance(result, dict):
        return 'no result: the host failed before the audit ran'
    message = result.get('msg') or result.get('module_stderr') or result.get('reason') or 'the audit returned no result'
    return str(message).strip()[:2000]


def audit_report(hostvars, hosts, generated_at, plan_fact='_audit_plan', result_fact='_audit_result',
                 fallback_fact='_audit_site_result', lang='en'):
    """The fleet report (schema version 3): ``hosts`` with their host checks, ``sites`` with the
    site checks run once per site, every host present (unreachable and failed ones with a reason),
    and the diagnosis (``root_causes``, ``explained_by``: docs/diagnosis.md), its texts in ``lang``."""
    if lang not in LANGUAGES:
        raise AnsibleFilterError('audit_report: lang must be one of %s, got %r' % (', '.join(LANGUAGES), lang))
    report_hosts, sites = {}, {}
    for host in hosts:
        variables = hostvars[host] if host in hostvars else {}
        plan = variables.get(plan_fact) or {}
        site = plan.get('site') or DEFAULT_SITE
        result = variables.get(result_fact)
        entry = {'site': site, 'checks': {}}
        if isinstance(result, dict) and result.get('unreachable'):
            entry.update(status=UNREACHABLE, reason=_failure_reason(result))
        elif _ran(result):
            entry['checks'] = dict((n, _check_entry(r)) for n, r in result['checks'].items() if n not in SITE_CHECK_KEYS)
            entry['status'] = worst_of(e['status'] for e in entry['checks'].values())
            if result.get('duration_seconds') is not None:
                entry['duration_seconds'] = result['duration_seconds']
        elif isinstance(result, dict) and result.get('skipped'):
            # Only site checks, which another host of its site ran: nothing of its own to audit.
            entry['status'] = worst_of(())
        elif result is None:
            entry.update(status=UNREACHABLE, reason='no result: the host was unreachable or failed before the audit ran')
        else:
            entry.update(status=UNKNOWN, reason=_failure_reason(result))
        report_hosts[host] = entry
        for source in (result, variables.get(fallback_fact)):
            if _has_site_results(source):
                checks = dict((n, _check_entry(r)) for n, r in source['checks'].items() if n in SITE_CHECK_KEYS)
                sites[site] = {'runner': host, 'checks': checks,
                               'status': worst_of(e['status'] for e in checks.values())}
        if plan.get('site_checks') and site not in sites:
            sites.setdefault(site, None)
    for site, entry in list(sites.items()):
        if entry is None:
            sites[site] = {'runner': None, 'checks': {}, 'status': UNKNOWN,
                           'reason': 'no host of the site could run its site checks (all unreachable or failed)'}
    summary = {'hosts': len(report_hosts), 'sites': len(sites)}
    for status in STATUS_ORDER + (UNREACHABLE,):
        summary[status] = sum(1 for h in report_hosts.values() if h['status'] == status)
    from ansible_collections.tank.monitoring.plugins.module_utils._diagnosis import diagnose
    return diagnose({'schema_version': SCHEMA_VERSION, 'generated_at': generated_at, 'summary': summary,
                     'hosts': report_hosts, 'sites': sites}, lang)


def audit_host_status(report, host):
    """The worst status of ``host`` and of the sites whose checks it ran (for ``audit_fail_on``)."""
    entry = report['hosts'][host]
    statuses = [entry['status']] + [site['status'] for site in report.get('sites', {}).values() if site.get('runner') == host]
    if UNREACHABLE in statuses:
        return UNREACHABLE
    return worst_of(statuses)


def audit_summary_text(report, report_path=None):
    """The plain-text console report (summary.txt): see ``_render.console_text``."""
    from ansible_collections.tank.monitoring.plugins.module_utils import _render
    return _render.console_text(report, color=False, report_path=report_path)


class FilterModule(object):
    def filters(self):
        return {
            'audit_check_options': audit_check_options,
            'audit_host_plan': audit_host_plan,
            'audit_host_status': audit_host_status,
            'audit_site_runner': audit_site_runner,
            'audit_report': audit_report,
            'audit_summary_text': audit_summary_text,
        }
