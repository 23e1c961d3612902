# -*- coding: utf-8 -*-
from __future__ import annotations

from ansible_collections.tank.monitoring.plugins.filter.audit import (
    audit_check_entry, audit_host_result, audit_report, audit_summary_text,
)

FINDING = {'id': 'resources.filesystem.used', 'status': 'warning', 'message': '/data is 85% full',
           'remedy': 'free space', 'guide_section': '§7', 'subject': '/data', 'value': 85, 'threshold': {}}


def test_check_entry_keeps_the_contract():
    entry = audit_check_entry({'changed': False, 'status': 'warning', 'findings': [FINDING],
                               'metrics': {'x': 1}, 'duration_seconds': 0.5, 'invocation': {'module_args': {}}})
    assert entry == {'status': 'warning', 'findings': [FINDING], 'metrics': {'x': 1}, 'duration_seconds': 0.5}


def test_module_failure_becomes_unknown_with_the_message():
    entry = audit_check_entry({'failed': True, 'msg': 'unknown threshold(s) for the resources check: x'})
    assert entry['status'] == 'unknown'
    assert entry['findings'][0]['id'] == 'audit.check_failed'
    assert 'unknown threshold' in entry['findings'][0]['message']


def test_report_counts_hosts_and_marks_missing_results_unreachable():
    hostvars = {
        'web1': {'audit_host_result': audit_host_result(
            {'resources': {'status': 'ok', 'findings': [], 'metrics': {}}})},
        'db1': {'audit_host_result': audit_host_result(
            {'resources': {'status': 'warning', 'findings': [FINDING], 'metrics': {}}})},
        'gone': {},
    }
    report = audit_report(hostvars, ['web1', 'db1', 'gone'], '2026-11-26T00:00:00Z')
    assert report['schema_version'] == 1
    assert report['summary'] == {'hosts': 3, 'ok': 1, 'warning': 1, 'unknown': 0, 'critical': 0, 'unreachable': 1}
    assert report['hosts']['gone']['status'] == 'unreachable'
    assert report['hosts']['db1']['checks']['resources']['findings'] == [FINDING]
    text = audit_summary_text(report, '/tmp/audit.json')
    assert 'db1' in text and 'WARNING' in text and 'UNREACHABLE' in text
    assert '[warning] db1 resources.filesystem.used: /data is 85% full' in text
    assert 'remedy: free space' in text
    assert text.endswith('Report: /tmp/audit.json')


def test_host_with_no_checks_is_ok():
    assert audit_host_result({}) == {'status': 'ok', 'checks': {}}
