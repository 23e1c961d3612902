# -*- coding: utf-8 -*-
from __future__ import annotations

import threading

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _contract as c
from ansible_collections.tank.monitoring.plugins.module_utils._thresholds import resolve

CATALOGUE = {'disk.used': c.FindingSpec('§9', 'Free some space.')}


def test_worst_of_follows_documented_order():
    assert c.STATUS_ORDER == ('ok', 'warning', 'unknown', 'critical')
    assert c.worst_of([]) == 'ok'
    assert c.worst_of(['ok', 'warning']) == 'warning'
    assert c.worst_of(['warning', 'unknown']) == 'unknown'
    assert c.worst_of(['unknown', 'critical', 'warning']) == 'critical'


@pytest.mark.parametrize('status,fail_on,expected', [
    ('ok', 'warning', False),
    ('warning', 'warning', True),
    ('unknown', 'warning', True),
    ('warning', 'critical', False),
    ('unknown', 'critical', False),
    ('critical', 'critical', True),
    ('critical', 'never', False),
    ('unknown', 'unknown', True),
])
def test_should_fail(status, fail_on, expected):
    assert c.should_fail(status, fail_on) is expected


def test_healthy_result_has_no_finding_and_ok_status():
    result = c.CheckResult('demo', CATALOGUE, resolve('resources'))
    assert result.judge('disk.used', 'filesystem_used_percent', 10.0, '{value}') == 'ok'
    data = result.finish().as_dict()
    assert data['status'] == 'ok'
    assert data['findings'] == []


def test_judge_records_value_threshold_remedy_and_section():
    result = c.CheckResult('demo', CATALOGUE, resolve('resources'))
    status = result.judge('disk.used', 'filesystem_used_percent', 85.25, '{subject} is {value}% (limit {limit}%)',
                          subject='/data')
    assert status == 'warning'
    (finding,) = result.as_dict()['findings']
    assert finding['id'] == 'demo.disk.used'
    assert finding['message'] == '/data is 85.25% (limit 80%)'
    assert finding['remedy'] == 'Free some space.'
    assert finding['guide_section'] == '§9'
    assert finding['value'] == 85.25
    assert finding['threshold'] == {'name': 'filesystem_used_percent', 'warning': 80, 'critical': 90,
                                    'direction': 'above', 'unit': '%'}


def test_findings_sorted_worst_first_and_status_is_worst():
    result = c.CheckResult('demo', CATALOGUE, resolve('resources'))
    result.add('disk.used', 'warning', 'w', subject='/a')
    result.add('disk.used', 'critical', 'c', subject='/b')
    result.unknown('timeout', 'slow')
    data = result.as_dict()
    assert [f['status'] for f in data['findings']] == ['critical', 'unknown', 'warning']
    assert data['status'] == 'critical'
    assert data['findings'][1]['id'] == 'demo.timeout'


def test_unknown_finding_id_is_a_programming_error():
    result = c.CheckResult('demo', CATALOGUE)
    with pytest.raises(KeyError):
        result.add('nope', 'warning', 'x')


def test_metrics_reject_non_numbers_and_group_by_subject():
    result = c.CheckResult('demo', CATALOGUE)
    result.metric('a', 1)
    result.metric('fs', 2.5, subject='/')
    result.metric('fs', 3.5, subject='/data')
    assert result.as_dict()['metrics'] == {'a': 1, 'fs': {'/': 2.5, '/data': 3.5}}
    with pytest.raises(TypeError):
        result.metric('b', 'text')


def test_result_is_thread_safe():
    result = c.CheckResult('demo', CATALOGUE)

    def work(n):
        for i in range(200):
            result.add('disk.used', 'warning', 'w', subject='%d-%d' % (n, i))
            result.metric('m', i, subject='%d-%d' % (n, i))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    data = result.as_dict()
    assert len(data['findings']) == 1600
    assert len(data['metrics']['m']) == 1600
