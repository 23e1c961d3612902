# -*- coding: utf-8 -*-
"""tank.monitoring.audit_merge: slices merged by host and site name, the newest wins, summary recomputed."""
from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.tank.monitoring.plugins.filter.audit import audit_report
from ansible_collections.tank.monitoring.plugins.filter.audit_merge import audit_merge


def host(site='a', status='ok', **extra):
    entry = {'site': site, 'status': status, 'checks': {'resources': {'status': status, 'findings': [], 'metrics': {}}}}
    entry.update(extra)
    return entry


def site(runner, status='ok'):
    if runner is None:
        return {'runner': None, 'status': 'unknown', 'checks': {}, 'reason': 'no host of the site could run its site checks'}
    return {'runner': runner, 'status': status, 'checks': {'oracle': {'status': status, 'findings': [], 'metrics': {}}}}


def report(generated_at, hosts, sites=None):
    return {'schema_version': 3, 'generated_at': generated_at, 'summary': {'hosts': 999},
            'hosts': hosts, 'sites': sites or {}}


def test_slices_merge_by_name_and_the_summary_is_recomputed():
    one = report('2026-12-01T09:00:00Z', {'app01': host(status='ok'), 'app02': host(status='warning')},
                 {'a': site('app01')})
    two = report('2026-12-01T09:00:05Z', {'web01': host('b', 'critical'),
                                          'web02': host('b', 'unreachable', reason='refused')}, {'b': site('web01', 'critical')})
    merged = audit_merge([one, two])
    assert sorted(merged['hosts']) == ['app01', 'app02', 'web01', 'web02']
    assert sorted(merged['sites']) == ['a', 'b']
    assert merged['summary'] == {'hosts': 4, 'sites': 2, 'ok': 1, 'warning': 1, 'unknown': 0, 'critical': 1,
                                 'unreachable': 1}
    assert merged['generated_at'] == '2026-12-01T09:00:05Z'
    assert merged['schema_version'] == 3
    assert merged['merged_from'] == [{'generated_at': '2026-12-01T09:00:00Z', 'hosts': 2, 'sites': 1},
                                     {'generated_at': '2026-12-01T09:00:05Z', 'hosts': 2, 'sites': 1}]


def test_the_newest_report_wins_per_host_whatever_the_order():
    old = report('2026-12-01T08:00:00Z', {'app01': host(status='critical'), 'app02': host(status='ok')})
    new = report('2026-12-01T09:00:00Z', {'app01': host(status='ok')})
    for order in ([old, new], [new, old]):
        merged = audit_merge(order)
        assert merged['hosts']['app01']['status'] == 'ok'
        assert merged['hosts']['app02']['status'] == 'ok'
        assert merged['summary']['ok'] == 2 and merged['summary']['critical'] == 0


def test_an_audited_site_wins_over_one_no_host_could_audit():
    audited = report('2026-12-01T08:00:00Z', {'app01': host()}, {'a': site('app01', 'warning')})
    unaudited = report('2026-12-01T09:00:00Z', {'app02': host(status='unreachable')}, {'a': site(None)})
    newer = report('2026-12-01T10:00:00Z', {'app03': host()}, {'a': site('app03', 'ok')})
    assert audit_merge([audited, unaudited])['sites']['a']['runner'] == 'app01'
    assert audit_merge([unaudited, audited])['sites']['a']['runner'] == 'app01'
    assert audit_merge([audited, unaudited, newer])['sites']['a']['runner'] == 'app03'


def test_one_report_merges_into_the_same_summary_as_audit_report():
    hostvars = {
        'h1': {'_audit_plan': {'site': 's', 'host_checks': ['resources'], 'site_checks': []},
               '_audit_result': {'checks': {'resources': {'status': 'warning', 'findings': [], 'metrics': {}}}}},
        'h2': {'_audit_plan': {'site': 's', 'host_checks': ['resources'], 'site_checks': []},
               '_audit_result': {'unreachable': True, 'msg': 'refused'}},
    }
    built = audit_report(hostvars, ['h1', 'h2'], '2026-12-01T09:00:00Z')
    merged = audit_merge([built])
    assert merged['summary'] == built['summary']
    assert merged['hosts'] == built['hosts'] and merged['sites'] == built['sites']


@pytest.mark.parametrize('reports, message', [
    ([], 'non-empty list'),
    ('audit.json', 'non-empty list'),
    ([report('2026-12-01T09:00:00Z', {}), 'text'], 'report 2 of 2 is a str'),
    ([dict(report('2026-12-01T09:00:00Z', {}), schema_version=1)], 'report 1 of 1 has schema_version 1'),
    ([dict(report('2026-12-01T09:00:00Z', {}), hosts=[])], 'report 1 of 1 has no hosts mapping'),
    ([report('yesterday', {})], "report 1 of 1 has generated_at 'yesterday'"),
    ([report('2026-12-01T09:00:00Z', {'app01': {'site': 'a'}})], 'hosts.app01 is not an entry with a status'),
])
def test_bad_input_is_named(reports, message):
    with pytest.raises(AnsibleFilterError) as error:
        audit_merge(reports)
    assert message in str(error.value)
