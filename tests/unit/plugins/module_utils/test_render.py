# -*- coding: utf-8 -*-
"""Renderers of the fleet report: console, Markdown, JUnit, Prometheus, since last audit, set_stats.

Reports are built by hand here, including the diagnosis keys (``root_causes`` on host and site
entries, ``explained_by`` on findings) another part of the audit adds.
"""

from __future__ import annotations

import copy
import pathlib
import re
from xml.etree import ElementTree

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from ansible_collections.tank.monitoring.plugins.action import audit_report_files
from ansible_collections.tank.monitoring.plugins.filter import audit_render
from ansible_collections.tank.monitoring.plugins.module_utils import _render

ANSI = re.compile(r'\x1b\[[0-9;]*m')


def finding(fid, status, subject=None, **extra):
    item = {'id': fid, 'status': status, 'message': 'message of %s' % fid, 'remedy': 'remedy of %s' % fid,
            'guide_section': '§3'}
    if subject:
        item['subject'] = subject
    item.update(extra)
    return item


def check(status='ok', *findings):
    return {'status': status, 'findings': list(findings), 'metrics': {}, 'duration_seconds': 0.25}


def healthy_report(hosts=('app01', 'web01')):
    return {
        'schema_version': 3, 'generated_at': '2026-12-01T09:00:00Z',
        'summary': {'hosts': len(hosts), 'sites': 1, 'ok': len(hosts), 'warning': 0, 'unknown': 0, 'critical': 0,
                    'unreachable': 0},
        'hosts': dict((h, {'site': 'alpha', 'status': 'ok', 'root_causes': [],
                           'checks': {'resources': check(), 'pm2': check(), 'health': check()}}) for h in hosts),
        'sites': {'alpha': {'runner': hosts[0], 'status': 'ok', 'root_causes': [],
                            'checks': {'oracle': check(), 'logsdb': check(), 'ses': check()}}},
    }


def faulty_report():
    """app01: PM2 backend stopped explains the refused health API and a silent log; a CPU warning nobody
    explains. Site alpha: the Oracle listener refuses, which explains the Logs DB and a host's ORA lines."""
    report = healthy_report(('app01', 'app02', 'web01'))
    report['summary'].update(ok=1, critical=1, unreachable=1)
    report['hosts']['app01'] = {
        'site': 'alpha', 'status': 'critical',
        'checks': {
            'resources': check('warning', finding('resources.cpu.busy', 'warning')),
            'pm2': check('critical', finding('pm2.app.stopped', 'critical', 'backend')),
            'logs': check('warning', finding('logs.file.silent', 'warning', '/logs/backend-out.log',
                                             explained_by='app01:pm2.app.stopped'),
                          finding('logs.oracle.errors', 'warning', 'backend', explained_by='alpha:oracle.connect.refused')),
            'health': check('critical', finding('health.request.refused', 'critical', 'http://127.0.0.1:3000/api/health',
                                                explained_by='app01:pm2.app.stopped')),
        },
        'root_causes': [{'finding': 'pm2.app.stopped', 'check': 'pm2', 'checklist': 1,
                         'remedy': 'pm2 start backend (guide §13.1)',
                         'explains': ['health.request.refused', 'logs.file.silent']}],
    }
    report['hosts']['web01'] = {'site': 'alpha', 'status': 'unreachable', 'checks': {},
                                'reason': 'Failed to connect to the host via ssh: Connection refused', 'root_causes': []}
    report['sites']['alpha'] = {
        'runner': 'app01', 'status': 'critical',
        'checks': {
            'oracle': check('critical', finding('oracle.connect.refused', 'critical', 'db:1521')),
            'logsdb': check('critical', finding('logsdb.connect.failed', 'critical', 'LOGS',
                                                explained_by='alpha:oracle.connect.refused')),
            'ses': check('ok'),
        },
        'root_causes': [{'finding': 'oracle.connect.refused', 'check': 'oracle',
                         'checklist': '5. DB connection failure -> check Oracle listener / network',
                         'remedy': 'start the Oracle listener (lsnrctl start)', 'explains': ['logsdb.connect.failed']}],
    }
    return report


# --------------------------------------------------------------------------------------------- helpers

def test_display_width_counts_wide_characters_twice():
    assert _render.display_width('abc') == 3
    assert _render.display_width('서버01') == 6
    assert _render.display_width('e\u0301') == 1
    assert _render.pad('서버', 5) == '서버 '


@pytest.mark.parametrize('value, rank', [
    (1, 1), ('3', 3), ('§13.5 DB connection failure', 5), ('13.2', 2), ('item 6', 6),
    ('Worker stuck -> pm2 restart worker', 6), ({'item': 7}, 7), (None, 99), ('nonsense', 99), (42, 99)])
def test_checklist_rank(value, rank):
    assert _render.checklist_rank(value) == rank


def test_checklist_label_names_the_item():
    assert _render.checklist_label(1) == '§13.1 Backend not answering -> check pm2 status'
    assert _render.checklist_label('5. DB connection failure') == '§13.5. DB connection failure'
    assert _render.checklist_label(None) == ''


@pytest.mark.parametrize('mode, environ, terminal, expected', [
    ('auto', {}, True, True),
    ('auto', {}, False, False),
    ('auto', {'NO_COLOR': '1'}, True, False),
    ('auto', {'NO_COLOR': ''}, True, True),
    ('auto', {'AWX_HOST': 'https://awx', 'JOB_ID': '42', 'ANSIBLE_FORCE_COLOR': 'True'}, True, False),
    ('always', {'NO_COLOR': '1'}, False, True),
    ('never', {}, True, False),
])
def test_color_resolution(mode, environ, terminal, expected):
    assert _render.color_enabled(mode, environ, terminal) is expected


def test_bad_color_mode_is_named():
    with pytest.raises(ValueError, match='audit_report_color'):
        _render.color_enabled('sometimes', {}, True)


# --------------------------------------------------------------------------------------------- healthy

def test_healthy_report_is_clean_in_every_format():
    report = healthy_report()
    report['since_last_audit'] = _render.since_last(report, healthy_report())
    text = _render.console_text(report, report_path='/r/audit.json')
    assert 'Findings: none' in text and 'ROOT CAUSE' not in text and 'remedy' not in text
    assert '0 new, 0 resolved, 0 persisting' in text
    assert text.endswith('Report: /r/audit.json')
    assert not ANSI.search(text)
    markdown = _render.markdown(report)
    assert 'No findings.' in markdown and 'Root cause' not in markdown
    root = ElementTree.fromstring(_render.junit_xml(report, 'warning'))
    assert root.get('failures') == '0' and root.get('errors') == '0'
    assert root.findall('.//failure') == [] and root.findall('.//system-out') == []
    samples = _samples(_render.prometheus_text(report))
    assert set(v for (n, _l), v in samples.items() if n.endswith('_status')) == {0.0}
    assert samples[('tank_audit_findings', (('status', 'critical'),))] == 0
    stats = _render.stats(report, {'json': '/r/audit.json'})
    assert stats['status'] == 'ok' and stats['root_causes'] == {} and stats['not_ok'] == {}
    assert stats['since_last_audit'] == {'new': 0, 'resolved': 0, 'persisting': 0}


# --------------------------------------------------------------------------------------------- console

def test_console_shows_root_causes_first_with_remedy_and_symptoms_indented():
    text = _render.console_text(faulty_report())
    lines = text.splitlines()
    host = lines.index('host app01 (site alpha): CRITICAL')
    block = lines[host + 1:lines.index('', host)]
    assert block[0].startswith('  ROOT CAUSE [critical] pm2.app.stopped backend')
    assert block[1] == '      checklist: §13.1 Backend not answering -> check pm2 status'
    assert block[2] == '      remedy: pm2 start backend (guide §13.1)'
    assert block[3] == '      explains 2 finding(s):'
    assert block[4].startswith('        [critical] health.request.refused')
    assert block[5].startswith('        [warning] logs.file.silent')
    assert block[6] == '  other findings:'
    # The rest by severity; a symptom a site's cause explains says so.
    rest = block[7:]
    assert rest[0].startswith('  [warning] resources.cpu.busy')
    assert any('logs.oracle.errors' in line and '(explained by alpha:oracle.connect.refused)' in line for line in rest)
    # The site's cause, ordered before app01? No: §13.1 (pm2) comes before §13.5 (Oracle).
    assert text.index('host app01') < text.index('site alpha (checks run on app01)')
    site = lines.index('site alpha (checks run on app01): CRITICAL')
    assert lines[site + 1].startswith('  ROOT CAUSE [critical] oracle.connect.refused db:1521')
    assert lines[site + 2] == '      checklist: §13.5. DB connection failure -> check Oracle listener / network'
    assert lines[site + 5].startswith('        [critical] logsdb.connect.failed')
    assert 'host web01 (site alpha): UNREACHABLE' in text and 'Connection refused' in text
    assert 'Summary: 3 host(s), 1 site(s)' in text and '2 root cause(s)' in text


def test_console_orders_causes_by_checklist_then_severity():
    report = faulty_report()
    entry = report['hosts']['app01']
    entry['checks']['resources']['findings'].append(finding('resources.memory.exhausted', 'critical'))
    entry['root_causes'].insert(0, {'finding': 'resources.cpu.busy', 'check': 'resources', 'checklist': 7,
                                    'remedy': 'reduce parallelism', 'explains': []})
    entry['root_causes'].insert(0, {'finding': 'resources.memory.exhausted', 'check': 'resources', 'checklist': None,
                                    'remedy': 'add memory', 'explains': []})
    order = [c['id'] for c in _render.organise('app01', entry)['causes']]
    assert order == ['pm2.app.stopped', 'resources.cpu.busy', 'resources.memory.exhausted']


def test_console_matrix_columns_align_by_display_width_with_korean_names():
    report = healthy_report(('서버-가', 'app01'))
    report['hosts']['서버-가']['status'] = 'warning'
    report['hosts']['서버-가']['checks']['pm2'] = check('warning', finding('pm2.app.restarts', 'warning', 'backend'))
    lines = _render.console_text(report).splitlines()
    header = next(l for l in lines if l.startswith('HOST'))
    rows = [l for l in lines if l.startswith('서버-가') or l.startswith('app01 ')]
    assert len(rows) == 2
    column = _render.display_width(header[:header.index('STATUS')])
    for row in rows:
        status = 'WARN' if row.startswith('서버') else 'ok'
        assert _render.display_width(row[:row.index(status)]) == column, row


def test_console_colour_only_when_asked_and_same_text_without_escapes():
    report = faulty_report()
    plain = _render.console_text(report)
    colored = _render.console_text(report, color=True)
    assert not ANSI.search(plain)
    assert '\x1b[31m' in colored and '\x1b[32m' in colored
    assert ANSI.sub('', colored) == plain


def test_console_folds_healthy_hosts_for_a_hundred_hosts():
    names = ['host%03d' % i for i in range(100)]
    report = healthy_report(tuple(names))
    for name in ('host007', 'host050'):
        report['hosts'][name]['status'] = 'critical'
        report['hosts'][name]['checks']['pm2'] = check('critical', finding('pm2.daemon.down', 'critical'))
    text = _render.console_text(report)
    matrix = [l for l in text.splitlines() if re.match(r'host\d{3}\s', l)]
    assert [l.split()[0] for l in matrix] == ['host007', 'host050']
    assert '+ 98 healthy host(s) with every check ok, not listed' in text
    assert len(text.splitlines()) < 40
    small = _render.console_text(healthy_report(('a', 'b', 'c')))
    assert 'healthy host(s)' not in small and re.search(r'^b\s+ok', small, re.M)


# --------------------------------------------------------------------------------------------- since last

def test_since_last_new_resolved_persisting_and_not_rechecked():
    before = faulty_report()
    after = copy.deepcopy(before)
    # pm2 healed (resolved with its symptoms), a new NAS finding, web01 reachable again, app02 gone.
    after['hosts']['app01']['checks']['pm2'] = check('ok')
    after['hosts']['app01']['checks']['health'] = check('ok')
    after['hosts']['app01']['checks']['logs']['findings'].pop(0)
    after['hosts']['app01']['root_causes'] = []
    after['hosts']['app01']['checks']['storage'] = check('critical', finding('storage.path.missing', 'critical', '/nas'))
    after['hosts']['web01'] = {'site': 'alpha', 'status': 'ok', 'checks': {'resources': check()}}
    before['hosts']['app02']['checks']['resources'] = check('warning', finding('resources.load.per_core', 'warning'))
    del after['hosts']['app02']
    diff = _render.since_last(after, before)
    ids = dict((k, sorted((c['name'], c['id']) for c in diff[k])) for k in ('new', 'resolved', 'persisting', 'not_rechecked'))
    assert ids['new'] == [('app01', 'storage.path.missing')]
    assert ids['resolved'] == [('app01', 'health.request.refused'), ('app01', 'logs.file.silent'),
                               ('app01', 'pm2.app.stopped'), ('web01', 'audit.host.unreachable')]
    assert ('alpha', 'oracle.connect.refused') in ids['persisting'] and ('app01', 'resources.cpu.busy') in ids['persisting']
    assert ids['not_rechecked'] == [('app02', 'resources.load.per_core')]
    assert diff['previous_generated_at'] == '2026-12-01T09:00:00Z' and diff['first_audit'] is False


def test_since_last_keys_by_subject():
    before = healthy_report()
    before['hosts']['app01']['checks']['pm2'] = check('critical', finding('pm2.app.stopped', 'critical', 'backend'))
    after = copy.deepcopy(before)
    after['hosts']['app01']['checks']['pm2'] = check('critical', finding('pm2.app.stopped', 'critical', 'worker'))
    diff = _render.since_last(after, before)
    assert [c['subject'] for c in diff['new']] == ['worker']
    assert [c['subject'] for c in diff['resolved']] == ['backend']


def test_since_last_first_audit_and_unreadable_previous():
    report = healthy_report()
    assert _render.since_last(report, None)['first_audit'] is True
    assert audit_render.audit_since_last(report, '')['first_audit'] is True
    broken = audit_render.audit_since_last(report, '{not json')
    assert broken['first_audit'] is False and 'not valid JSON' in broken['previous_error']
    assert 'not a report' in _render.since_last(report, ['a list'])['previous_error']
    text = _render.console_text(dict(report, since_last_audit=_render.since_last(report, None)))
    assert 'first audit in this directory' in text


def test_resolved_is_shown_in_every_format():
    before = faulty_report()
    after = copy.deepcopy(before)
    after['hosts']['app01']['checks']['resources'] = check('ok')
    after['since_last_audit'] = _render.since_last(after, before)
    assert '1 new' not in _render.console_text(after)
    assert 'resolved  host app01 resources.cpu.busy' in _render.console_text(after)
    assert '| resolved | host | app01 | `resources.cpu.busy` |' in _render.markdown(after)
    root = ElementTree.fromstring(_render.junit_xml(after))
    suite = root.find("testsuite[@name='since last audit']")
    assert [c.get('name') for c in suite.findall('testcase') if c.get('classname') == 'since_last_audit.resolved'] == [
        'resolved host app01 resources.cpu.busy']
    samples = _samples(_render.prometheus_text(after))
    assert samples[('tank_audit_since_last_findings', (('change', 'resolved'),))] == 1
    assert _render.stats(after)['since_last_audit']['resolved'] == 1


# --------------------------------------------------------------------------------------------- markdown

def test_markdown_sections_and_escaping():
    report = faulty_report()
    report['hosts']['app01']['checks']['pm2']['findings'][0]['message'] = 'a | pipe and *stars* <b>'
    text = _render.markdown(report, '/r/audit.json')
    assert text.startswith('# Tank monitoring audit: UNREACHABLE\n')
    assert '## Hosts' in text and '## Sites' in text and '## Findings' in text
    assert '- **Root cause** **critical** `pm2.app.stopped` backend: a \\| pipe and \\*stars\\* \\<b\\>' in text
    assert '  - Checklist: §13.1 Backend not answering -\\> check pm2 status' in text
    assert '    - **critical** `health.request.refused`' in text
    header = next(l for l in text.splitlines() if l.startswith('| Host |'))
    table = [l for l in text.splitlines() if l.startswith('| app01 ')]
    assert len(table) == 1 and len(re.findall(r'(?<!\\)\|', table[0])) == header.count('|')
    # A pipe in a host name does not split its row.
    report['hosts']['a|b'] = report['hosts'].pop('app02')
    row = next(l for l in _render.markdown(report).splitlines() if l.startswith('| a\\|b '))
    assert len(re.findall(r'(?<!\\)\|', row)) == header.count('|')


# --------------------------------------------------------------------------------------------- junit

def _check_junit_shape(root):
    """The shape JUnit consumers (Jenkins, GitLab) read: counts agree with the elements."""
    assert root.tag == 'testsuites'
    total = dict(tests=0, failures=0, errors=0)
    for suite in root.findall('testsuite'):
        assert suite.get('name') and suite.get('timestamp') is not None and suite.get('time') is not None
        cases = suite.findall('testcase')
        counts = dict(tests=len(cases), failures=sum(len(c.findall('failure')) for c in cases),
                      errors=sum(len(c.findall('error')) for c in cases))
        for key, value in counts.items():
            assert int(suite.get(key)) == value, (suite.get('name'), key)
            total[key] += value
        for case in cases:
            assert case.get('classname') and case.get('name')
            float(case.get('time'))
            assert len(case.findall('failure')) + len(case.findall('error')) <= 1
            for child in case:
                assert child.tag in ('failure', 'error', 'skipped', 'system-out', 'system-err')
                if child.tag in ('failure', 'error'):
                    assert child.get('message') and child.get('type')
    for key, value in total.items():
        assert int(root.get(key)) == value, key


def test_junit_case_per_host_and_site_check_and_failures_at_the_level():
    report = faulty_report()
    root = ElementTree.fromstring(_render.junit_xml(report, 'never'))
    _check_junit_shape(root)
    cases = dict(((c.get('classname'), c.get('name')), c) for c in root.iter('testcase'))
    assert ('hosts.app01', 'pm2') in cases and ('sites.alpha', 'oracle') in cases and ('sites.alpha', 'ses') in cases
    # fail_on never -> warning fails
    assert cases[('hosts.app01', 'resources')].find('failure').get('type') == 'warning'
    pm2 = cases[('hosts.app01', 'pm2')].find('failure')
    assert pm2.get('message').startswith('pm2.app.stopped:') and 'ROOT CAUSE' in pm2.text and '§13.1' in pm2.text
    assert 'explained by: app01:pm2.app.stopped' in cases[('hosts.app01', 'health')].find('failure').text
    assert cases[('hosts.web01', 'audit')].find('error').get('type') == 'unreachable'
    assert cases[('sites.alpha', 'ses')].find('failure') is None
    # fail_on critical -> the warning is reported, not failed
    root = ElementTree.fromstring(_render.junit_xml(report, 'critical'))
    _check_junit_shape(root)
    cases = dict(((c.get('classname'), c.get('name')), c) for c in root.iter('testcase'))
    assert cases[('hosts.app01', 'resources')].find('failure') is None
    assert 'resources.cpu.busy' in cases[('hosts.app01', 'resources')].find('system-out').text
    assert cases[('hosts.app01', 'pm2')].find('failure') is not None


def test_junit_filter_rejects_a_bad_level():
    from ansible.errors import AnsibleFilterError
    with pytest.raises(AnsibleFilterError, match='fail_on'):
        audit_render.audit_junit(healthy_report(), 'sometimes')


# --------------------------------------------------------------------------------------------- prometheus

def _samples(text):
    return dict(((s.name, tuple(sorted(s.labels.items()))), s.value)
                for family in text_string_to_metric_families(text) for s in family.samples)


def test_prometheus_gauges_per_host_and_site_check_and_audit_time():
    report = faulty_report()
    report['hosts']['we"ird\\host'] = {'site': 'alpha', 'status': 'ok', 'checks': {'resources': check()}}
    text = _render.prometheus_text(report)
    families = dict((f.name, f) for f in text_string_to_metric_families(text))
    assert set(families) == set(_render.METRIC_NAMES) - {'tank_audit_since_last_findings'}
    assert all(f.type == 'gauge' for f in families.values())
    samples = _samples(text)
    assert samples[('tank_audit_host_check_status', (('check', 'pm2'), ('host', 'app01'), ('site', 'alpha')))] == 3
    assert samples[('tank_audit_host_check_status', (('check', 'resources'), ('host', 'app01'), ('site', 'alpha')))] == 1
    assert samples[('tank_audit_host_status', (('host', 'web01'), ('site', 'alpha')))] == 4
    assert samples[('tank_audit_site_check_status', (('check', 'oracle'), ('site', 'alpha')))] == 3
    assert samples[('tank_audit_host_status', (('host', 'we"ird\\host'), ('site', 'alpha')))] == 0
    assert samples[('tank_audit_root_causes', (('name', 'alpha'), ('scope', 'site')))] == 1
    assert samples[('tank_audit_last_run_timestamp_seconds', ())] == 1796115600
    assert text.endswith('\n')


# --------------------------------------------------------------------------------------------- set_stats

def test_stats_summary_for_awx():
    stats = audit_render.audit_stats(faulty_report(), {'json': '/r/audit.json'})
    assert stats['status'] == 'unreachable'
    assert stats['counts'] == {'ok': 1, 'warning': 0, 'unknown': 0, 'critical': 1, 'unreachable': 1}
    assert stats['not_ok'] == {'host:app01': 'critical', 'host:web01': 'unreachable', 'site:alpha': 'critical'}
    assert stats['root_causes']['host:app01'] == [{
        'finding': 'pm2.app.stopped', 'check': 'pm2', 'status': 'critical',
        'checklist': '§13.1 Backend not answering -> check pm2 status', 'remedy': 'pm2 start backend (guide §13.1)',
        'explains': ['health.request.refused', 'logs.file.silent']}]
    assert stats['root_causes']['site:alpha'][0]['explains'] == ['logsdb.connect.failed']
    assert stats['reports'] == {'json': '/r/audit.json'}


def test_filters_reject_something_that_is_not_a_report():
    from ansible.errors import AnsibleFilterError
    with pytest.raises(AnsibleFilterError, match='audit_markdown expects the audit report'):
        audit_render.audit_markdown(['not', 'a', 'report'])


# --------------------------------------------------------------------------------------------- docs/awx.md

REPO = pathlib.Path(__file__).resolve().parents[4]
_NAME_KEYED = re.compile(r'^(host|site):')


def _published_keys(value, prefix):
    """Dotted keys of the leaves of a published value; a map keyed by host or site (``host:app01``) is a leaf."""
    if isinstance(value, dict) and value and not all(_NAME_KEYED.match(key) for key in value):
        keys = set()
        for key, item in value.items():
            keys |= _published_keys(item, '%s.%s' % (prefix, key))
        return keys
    return {prefix}


def test_awx_doc_names_every_key_the_audit_role_publishes_with_set_stats():
    """docs/awx.md names every key of what roles/audit publishes with set_stats, as the role builds it:
    the set_stats keys and their filter are read from roles/audit/tasks/report.yml, the report paths from
    the report writer it calls, and the value is the filter's output on a report with root causes and a previous audit."""
    tasks = yaml.safe_load((REPO / 'roles' / 'audit' / 'tasks' / 'report.yml').read_text(encoding='utf-8'))
    published = [t['ansible.builtin.set_stats']['data'] for t in tasks if 'ansible.builtin.set_stats' in t]
    assert len(published) == 1, 'report.yml should publish the summary with one set_stats task'
    paths_task = next(t for t in tasks if '_audit_report_paths' in (t.get('ansible.builtin.set_fact') or {}))
    assert paths_task['ansible.builtin.set_fact']['_audit_report_paths'] == '{{ _audit_report_files.paths }}'
    # The paths the report writer returns: one per file it writes, and history/.
    paths = dict((key, '/reports/%s' % name) for key, name in audit_report_files.FILES + (('history', 'history'),))
    before = faulty_report()
    report = copy.deepcopy(before)
    report['hosts']['app01']['checks']['resources'] = check('ok')
    report['since_last_audit'] = _render.since_last(report, before)
    filters = audit_render.FilterModule().filters()
    values = {}
    for key, expression in published[0].items():
        match = re.match(r'^\{\{ _audit_report \| tank\.monitoring\.(\w+)\(_audit_report_paths\) \}\}$', expression)
        assert match, 'set_stats %s: %r is not the filter call this test knows' % (key, expression)
        values[key] = filters[match.group(1)](report, paths)
    text = (REPO / 'docs' / 'awx.md').read_text(encoding='utf-8')
    start = text.index('## What the job publishes: `set_stats`')
    section = text[start:text.index('\n## ', start + 1)]
    keys = set()
    for key, value in values.items():
        keys |= _published_keys(value, key)
    assert {'tank_audit.status', 'tank_audit.counts.critical', 'tank_audit.reports.json', 'tank_audit.not_ok',
            'tank_audit.root_causes', 'tank_audit.since_last_audit.resolved'} <= keys  # the sample reaches them
    missing = sorted(key for key in keys if '`%s`' % key not in section)
    assert not missing, 'docs/awx.md does not name these published keys: %s' % ', '.join(missing)
    row = next(line for line in section.splitlines() if line.startswith('| `tank_audit.root_causes`'))
    fields = set(field for causes in values['tank_audit']['root_causes'].values() for cause in causes for field in cause)
    assert fields and not sorted(field for field in fields if '`%s`' % field not in row), (fields, row)
