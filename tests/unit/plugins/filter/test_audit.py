# -*- coding: utf-8 -*-
"""The audit role's filters: a host's plan, the site runner choice, the report and its summary."""
from __future__ import annotations

import re

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.tank.monitoring.plugins.filter.audit import (
    audit_check_options,
    audit_host_plan,
    audit_host_status,
    audit_report,
    audit_site_runner,
    audit_summary_text,
)

BY_GROUP = {'all': ['resources'], 'tank_backend': ['pm2', 'logs', 'health', 'storage'],
            'tank_worker': ['pm2', 'logs', 'storage'], 'tank_site': ['oracle', 'logsdb', 'ses']}
APPS = {'tank_backend': ['backend'], 'tank_worker': ['worker']}


def settings_for(groups, **settings):
    base = {'group_names': groups, 'checks': [], 'checks_by_group': BY_GROUP, 'skip_checks': [],
            'thresholds': {}, 'pm2_apps_by_group': APPS, 'site': 'default', 'options': [{}]}
    base.update(settings)
    return base


def plan(groups, **settings):
    """The plan with each check's options, as the audit task receives them."""
    values = settings_for(groups, **settings)
    names = audit_host_plan(values)
    return {'site': names['site'], 'host_checks': audit_check_options(values, names['host_checks']),
            'site_checks': audit_check_options(values, names['site_checks'])}


def test_the_plan_fact_holds_names_only_never_options():
    values = settings_for(['tank_site'], options=[{'oracle': {'password': 'Secret-1'}}])
    assert audit_host_plan(values) == {'site': 'default', 'host_checks': ['resources'],
                                       'site_checks': ['oracle', 'logsdb', 'ses']}
    assert audit_check_options(values, ['oracle']) == {'oracle': {'password': 'Secret-1'}}


def test_plan_splits_host_and_site_checks_in_registry_order():
    result = plan(['tank_backend', 'tank_site'], options=[{'storage': {'paths': ['/nas']}}])
    assert list(result['host_checks']) == ['resources', 'pm2', 'logs', 'health', 'storage']
    assert list(result['site_checks']) == ['oracle', 'logsdb', 'ses']
    assert result['host_checks']['pm2'] == {'apps': ['backend']}
    # A backend-only host has no scheduler or worker to judge.
    assert result['host_checks']['logs'] == {'apps': ['backend'], 'scheduler_app': '', 'worker_app': ''}


def test_options_layers_merge_recursively_and_thresholds_join_them():
    result = plan(['tank_worker'], options=[
        {'storage': {'paths': [{'path': '/a'}], 'run_as': 'tank'}, 'pm2': {'pm2_user': 'tank'}},
        {'storage': {'run_as': 'other'}},
    ], thresholds={'storage': {'filesystem_used_percent': {'warning': 70}}})
    assert result['host_checks']['storage'] == {
        'paths': [{'path': '/a'}], 'run_as': 'other', 'thresholds': {'filesystem_used_percent': {'warning': 70}}}
    assert result['host_checks']['logs']['pm2_user'] == 'tank'
    assert result['host_checks']['logs']['worker_app'] == 'worker'


def test_logsdb_on_oracle_takes_the_oracle_connection():
    result = plan(['tank_site'], options=[{'oracle': {'host': 'db', 'password': 'pw', 'user': 'mon'},
                                           'logsdb': {'database': 'oracle', 'user': 'logs'}}])
    assert result['site_checks']['logsdb'] == {'database': 'oracle', 'user': 'logs', 'host': 'db', 'password': 'pw'}


@pytest.mark.parametrize('settings, message', [
    ({'checks': ['pm3']}, 'unknown check(s) pm3'),
    ({'options': [{'pm3': {}}]}, 'audit_options: unknown check(s) pm3'),
    ({'options': [{'pm2': ['x']}]}, "audit_options.pm2 must be a mapping"),
    ({'options': ['x']}, 'audit_options must map a check name'),
])
def test_plan_errors_name_the_variable(settings, message):
    with pytest.raises(AnsibleFilterError, match=re.escape(message)):
        plan(['tank_backend'], **settings)


GOOD_ROLE = {'fail_on': 'never', 'timeout': 300, 'report_keep': 30, 'report_color': 'auto', 'report_lang': 'en'}


@pytest.mark.parametrize('bad, message', [
    ({'fail_on': 'sometimes'}, "audit_fail_on 'sometimes' is not one of never/warning/unknown/critical"),
    ({'timeout': 0}, "audit_timeout must be a positive number of seconds, got '0'"),
    ({'timeout': 'soon'}, "audit_timeout must be a positive number of seconds, got 'soon'"),
    ({'report_keep': -1}, "audit_report_keep must be a count of history copies (0 or more), got '-1'"),
    ({'report_color': 'sometimes'}, "audit_report_color must be auto, always, never, got 'sometimes'"),
    ({'report_lang': 'fr'}, "audit_report_lang must be en or ko, got 'fr'"),
])
def test_role_settings_are_checked_by_the_plan_naming_the_variable(bad, message):
    assert audit_host_plan(settings_for(['tank_backend'], role=dict(GOOD_ROLE)))['host_checks']
    with pytest.raises(AnsibleFilterError, match=re.escape(message)):
        audit_host_plan(settings_for(['tank_backend'], role=dict(GOOD_ROLE, **bad)))


def test_every_bad_role_setting_is_named_at_once():
    with pytest.raises(AnsibleFilterError) as raised:
        audit_host_plan(settings_for(['tank_backend'], role=dict(GOOD_ROLE, fail_on='x', report_lang='fr')))
    assert 'audit_fail_on' in str(raised.value) and 'audit_report_lang' in str(raised.value)


def test_storage_runs_only_where_paths_are_configured():
    assert 'storage' not in plan(['tank_backend'])['host_checks']


def test_skip_and_explicit_checks():
    assert list(plan(['tank_backend'], skip_checks=['health'])['host_checks']) == ['resources', 'pm2', 'logs']
    assert list(plan(['tank_backend'], checks=['ses', 'resources'])['site_checks']) == ['ses']


def hostvars_for(hosts):
    result = {}
    for name, values in hosts.items():
        settings = settings_for(values.pop('groups'), site=values.get('site', 'default'))
        result[name] = dict(values, _audit_plan=audit_host_plan(settings))
    return result


def test_site_checks_run_once_from_the_first_host_of_each_site():
    hostvars = hostvars_for({
        'app01': {'groups': ['tank_site'], 'site': 'a'}, 'app02': {'groups': ['tank_site'], 'site': 'a'},
        'web01': {'groups': ['tank_frontend'], 'site': 'a'}, 'app11': {'groups': ['tank_site'], 'site': 'b'}})
    hosts = ['web01', 'app01', 'app02', 'app11']
    assert [h for h in hosts if audit_site_runner(h, hostvars, hosts)] == ['app01', 'app11']


def test_designated_runner_wins_and_fallback_takes_the_next_reachable_host():
    hostvars = hostvars_for({'app01': {'groups': ['tank_site']}, 'app02': {'groups': ['tank_site']},
                             'app03': {'groups': ['tank_site']}})
    hosts = ['app01', 'app02', 'app03']
    for name in hosts:
        hostvars[name]['audit_site_runner'] = 'app02'
    assert [h for h in hosts if audit_site_runner(h, hostvars, hosts)] == ['app02']
    for name in hosts:
        hostvars[name]['audit_site_runner'] = ''
    hostvars['app01']['_audit_result'] = {'unreachable': True, 'msg': 'ssh: connection refused'}
    hostvars['app02']['_audit_result'] = {'unreachable': True, 'msg': 'ssh: connection refused'}
    hostvars['app03']['_audit_result'] = {'checks': {}, 'status': 'ok'}
    assert [h for h in hosts if audit_site_runner(h, hostvars, hosts, result_fact='_audit_result')] == ['app03']
    hostvars['app01']['_audit_result'] = {'checks': {'oracle': {'status': 'ok'}}, 'status': 'ok'}
    assert [h for h in hosts if audit_site_runner(h, hostvars, hosts, result_fact='_audit_result')] == []


def check(status, *ids):
    return {'check': 'x', 'status': status, 'metrics': {}, 'duration_seconds': 0.1,
            'findings': [{'id': i, 'status': status, 'message': 'm %s' % i, 'remedy': 'r %s' % i} for i in ids]}


def test_report_has_hosts_sites_and_every_host_even_when_failed():
    hostvars = hostvars_for({'app01': {'groups': ['tank_site', 'tank_backend']}, 'app02': {'groups': ['tank_site']},
                             'web01': {'groups': ['tank_frontend']}, 'db01': {'groups': ['tank_backend']}})
    hostvars['app01']['_audit_result'] = {'status': 'critical', 'duration_seconds': 1.5, 'checks': {
        'resources': check('ok'), 'pm2': check('critical', 'pm2.app.stopped'), 'oracle': check('warning', 'oracle.connect.slow')}}
    hostvars['web01']['_audit_result'] = {'unreachable': True, 'msg': 'Failed to connect: Connection refused'}
    hostvars['db01']['_audit_result'] = {'failed': True, 'msg': 'python3: not found'}
    report = audit_report(hostvars, ['app01', 'app02', 'web01', 'db01'], '2026-12-01T00:00:00Z')
    assert report['schema_version'] == 3
    assert set(report['hosts']['app01']['checks']) == {'resources', 'pm2'}
    assert report['hosts']['app01']['status'] == 'critical'
    assert report['sites']['default'] == {'runner': 'app01', 'status': 'warning', 'root_causes': [],
                                          'checks': {'oracle': {'status': 'warning', 'metrics': {}, 'duration_seconds': 0.1,
                                                                'findings': check('warning', 'oracle.connect.slow')['findings']}}}
    assert report['hosts']['web01']['status'] == 'unreachable'
    assert 'Connection refused' in report['hosts']['web01']['reason']
    assert report['hosts']['db01']['status'] == 'unknown' and 'python3' in report['hosts']['db01']['reason']
    assert report['hosts']['app02'] == {'site': 'default', 'checks': {}, 'status': 'unreachable', 'root_causes': [],
                                        'reason': 'no result: the host was unreachable or failed before the audit ran'}
    assert report['summary'] == {'hosts': 4, 'sites': 1, 'ok': 0, 'warning': 0, 'unknown': 1, 'critical': 1,
                                 'unreachable': 2}
    assert audit_host_status(report, 'app01') == 'critical'
    text = audit_summary_text(report, '/r/audit.json')
    assert 'pm2.app.stopped' in text and 'oracle.connect.slow' in text and 'Connection refused' in text
    assert 'SITE' in text and text.endswith('Report: /r/audit.json')


def test_host_with_only_site_checks_another_host_ran_is_ok():
    hostvars = hostvars_for({'app01': {'groups': ['tank_site']}, 'app02': {'groups': ['tank_site']}})
    hostvars['app01']['_audit_result'] = {'status': 'ok', 'checks': {'ses': check('ok')}}
    hostvars['app02']['_audit_result'] = {'skipped': True, 'changed': False}
    report = audit_report(hostvars, ['app01', 'app02'], 'now')
    assert report['hosts']['app02'] == {'site': 'default', 'checks': {}, 'status': 'ok', 'root_causes': []}
    assert report['sites']['default']['runner'] == 'app01'


def test_site_nobody_could_audit_is_unknown_with_a_reason():
    hostvars = hostvars_for({'app01': {'groups': ['tank_site']}})
    hostvars['app01']['_audit_result'] = {'unreachable': True, 'msg': 'down'}
    report = audit_report(hostvars, ['app01'], 'now')
    assert report['sites']['default']['status'] == 'unknown'
    assert report['sites']['default']['runner'] is None
    assert audit_host_status(report, 'app01') == 'unreachable'


def test_healthy_report_says_no_findings():
    hostvars = hostvars_for({'app01': {'groups': []}})
    hostvars['app01']['_audit_result'] = {'status': 'ok', 'checks': {'resources': check('ok')}}
    text = audit_summary_text(audit_report(hostvars, ['app01'], 'now'))
    assert 'Findings: none' in text
