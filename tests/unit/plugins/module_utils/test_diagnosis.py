# -*- coding: utf-8 -*-
"""The diagnosis rules (data) and the engine that applies them to a fleet report."""

from __future__ import annotations

import copy
import fnmatch
import os

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _diagnosis, _html, _i18n, _registry, _render
from ansible_collections.tank.monitoring.plugins.module_utils._contract import COMMON_FINDINGS

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
GUIDE = os.path.join(REPO, 'docs', 'guide', 'monitoring-guide.en.md')
KNOWN_IDS = sorted('%s.%s' % (name, local) for name, spec in _registry.CHECKS.items()
                   for local in list(spec.catalogue) + list(COMMON_FINDINGS))


def finding(fid, status='critical', subject=None):
    return {'id': fid, 'status': status, 'message': 'm %s' % fid, 'remedy': 'remedy of %s' % fid,
            'guide_section': '§0', 'subject': subject, 'value': None, 'threshold': None}


def report(hosts=None, sites=None):
    """hosts: {name: (site, [findings])}; sites: {name: [findings]}; each finding lands in its check."""
    def checks(findings):
        out = {}
        for f in findings:
            out.setdefault(f['id'].split('.')[0], {'status': 'critical', 'findings': [], 'metrics': {}})['findings'].append(f)
        return out

    return {
        'schema_version': 3,
        'hosts': dict((name, {'site': site, 'status': 'critical', 'checks': checks(fs)})
                      for name, (site, fs) in (hosts or {}).items()),
        'sites': dict((name, {'runner': None, 'status': 'critical', 'checks': checks(fs)})
                      for name, fs in (sites or {}).items()),
    }


def all_findings(rep):
    return [f for section in ('hosts', 'sites') for entry in rep[section].values()
            for result in entry['checks'].values() for f in result['findings']]


# ---- the rules' data -------------------------------------------------------------------------------------------

def _patterns(spec):
    return list(spec['causes']) + [s['pattern'] for s in spec['symptoms']]


@pytest.mark.parametrize('spec', _diagnosis.RULES, ids=lambda s: s['id'])
def test_every_finding_id_a_rule_names_exists_in_the_catalogues(spec):
    for pattern in _patterns(spec):
        assert fnmatch.filter(KNOWN_IDS, pattern), '%s names %s, which no check catalogue has' % (spec['id'], pattern)


@pytest.mark.parametrize('spec', _diagnosis.RULES, ids=lambda s: s['id'])
def test_every_rule_is_complete(spec):
    assert spec['scope'] in _diagnosis.SCOPES
    assert spec['checklist'] is _diagnosis.NO_ITEM or spec['checklist'] in dict(_diagnosis.CHECKLIST)
    assert spec['section'].startswith('§') and spec['remedy'] and spec['causes'] and spec['symptoms']
    assert not set(spec['causes']) & set(s['pattern'] for s in spec['symptoms'])
    if spec['scope'] == _diagnosis.HOST:
        # A host rule links findings of host checks only.
        for pattern in _patterns(spec):
            assert _registry.CHECKS[pattern.split('.')[0]].scope == 'host', pattern


def test_rule_ids_are_unique_and_the_rule_graph_has_no_cycle():
    ids = [spec['id'] for spec in _diagnosis.RULES]
    assert len(ids) == len(set(ids))
    edges = dict((c, set()) for spec in _diagnosis.RULES for c in spec['causes'])
    for spec in _diagnosis.RULES:
        for cause in spec['causes']:
            edges[cause].update(s['pattern'] for s in spec['symptoms'])

    def walk(node, path):
        assert node not in path, 'cycle: %s' % ' -> '.join(path + [node])
        for nxt in edges.get(node, ()):
            walk(nxt, path + [node])

    for cause in edges:
        walk(cause, [])


def test_checklist_is_the_guides_section_13():
    """docs/diagnosis.md quotes §13 of the guide (kept in the repository: docs/guide/)."""
    texts = [os.path.join(REPO, 'docs', 'diagnosis.md'), GUIDE]
    for path in texts:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        for number, item in _diagnosis.CHECKLIST:
            assert '%d. %s' % (number, item) in text, (path, number)


def test_the_doc_has_the_rules_table_as_generated():
    with open(os.path.join(REPO, 'docs', 'diagnosis.md'), encoding='utf-8') as handle:
        doc = handle.read()
    assert _diagnosis.rules_markdown() in doc, (
        'docs/diagnosis.md is out of step with the rules: paste the output of '
        '_diagnosis.rules_markdown() into its "The rules" section')
    for spec in _diagnosis.RULES:
        assert '`%s`' % spec['id'] in doc


# ---- the engine ------------------------------------------------------------------------------------------------

def _first_symptom(spec):
    s = spec['symptoms'][0]
    return s['pattern'], s['subject']


def _build(spec, with_cause=True, with_symptom=True):
    """A report with the rule's first cause and first symptom where the scope puts them."""
    cause_id = spec['causes'][0]
    symptom_id, subject = _first_symptom(spec)
    cause = finding(cause_id, subject='backend')
    sym = finding(symptom_id, subject=subject or 'backend')
    hosts, sites = {'app01': ('s1', [])}, {'s1': []}

    def place(f):
        if _registry.CHECKS[f['id'].split('.')[0]].scope == 'host':
            hosts['app01'][1].append(f)
        else:
            sites['s1'].append(f)

    if with_cause:
        place(cause)
    if with_symptom:
        place(sym)
    return report(hosts, sites), cause, sym


def _entry_of(rep, f):
    for section in ('hosts', 'sites'):
        for name, entry in rep[section].items():
            for result in entry['checks'].values():
                if any(x is f for x in result['findings']):
                    return section, name, entry
    raise AssertionError(f)


@pytest.mark.parametrize('spec', _diagnosis.RULES, ids=lambda s: s['id'])
def test_every_rule_fires_on_evidence_both_sides(spec):
    rep, cause, sym = _build(spec)
    _diagnosis.diagnose(rep)
    section, name, entry = _entry_of(rep, cause)
    (root,) = entry['root_causes']
    assert root['finding'] == cause['id'] and root['rule'] == spec['id']
    assert root['check'] == cause['id'].split('.')[0]
    assert root['checklist'] == _diagnosis.checklist_label(spec['checklist'], spec['section'])
    assert root['remedy'] == cause['remedy']
    sym_section, sym_name, _entry = _entry_of(rep, sym)
    expected = sym['id'] if (sym_section, sym_name) == (section, name) else \
        _diagnosis.reference('site' if sym_section == 'sites' else 'host', sym_name, sym['id'])
    assert root['explains'] == [expected]
    assert sym['explained_by'] == _diagnosis.reference('site' if section == 'sites' else 'host', name, cause['id'])
    assert 'explained_by' not in cause
    others = [e for s in ('hosts', 'sites') for e in rep[s].values() if e is not entry]
    assert all(e['root_causes'] == [] for e in others)


@pytest.mark.parametrize('spec', _diagnosis.RULES, ids=lambda s: s['id'])
@pytest.mark.parametrize('side', ['cause only', 'symptom only'])
def test_no_rule_fires_on_one_side_only(spec, side):
    rep, cause, sym = _build(spec, with_cause=side == 'cause only', with_symptom=side == 'symptom only')
    before = copy.deepcopy(rep)
    _diagnosis.diagnose(rep)
    for section in ('hosts', 'sites'):
        for name, entry in rep[section].items():
            assert entry.pop('root_causes') == []
    assert rep == before  # no finding marked


def test_unexplained_findings_stay_untouched_and_unreachable_hosts_get_an_empty_list():
    rep = report({'app01': ('s1', [finding('pm2.app.stopped', subject='worker'), finding('resources.cpu.busy', 'warning')])})
    rep['hosts']['web01'] = {'site': 's1', 'status': 'unreachable', 'checks': {}, 'reason': 'down'}
    before = copy.deepcopy(rep)
    _diagnosis.diagnose(rep)
    assert rep['hosts']['web01']['root_causes'] == [] and rep['hosts']['app01']['root_causes'] == []
    for entry in rep['hosts'].values():
        entry.pop('root_causes')
    assert rep == before


def test_pm2_daemon_down_explains_the_six_alarms_of_the_issue():
    logs = [finding('logs.file.missing', 'unknown', subject='/root/.pm2/logs/%s.log' % n) for n in ('a', 'b', 'c', 'd')]
    rep = report({'app01': ('s1', [finding('pm2.daemon.not_running', subject='/root/.pm2')] + logs
                            + [finding('health.request.refused', subject='http://127.0.0.1:3000/api/health'),
                               finding('resources.cpu.busy', 'warning')])})
    _diagnosis.diagnose(rep)
    (root,) = rep['hosts']['app01']['root_causes']
    assert root['finding'] == 'pm2.daemon.not_running'
    assert root['explains'] == ['logs.file.missing', 'health.request.refused']  # one ref per id
    assert root['checklist'].startswith('§13.1 Backend not answering')
    assert all(f['explained_by'] == 'app01:pm2.daemon.not_running' for f in logs)
    cpu = rep['hosts']['app01']['checks']['resources']['findings'][0]
    assert 'explained_by' not in cpu  # top level: no rule explains it


def test_app_symptoms_go_to_the_same_app_and_an_app_that_explains_nothing_is_no_root_cause():
    rep = report({'app01': ('s1', [finding('pm2.app.stopped', subject='backend'),
                                   finding('pm2.app.errored', subject='worker'),
                                   finding('logs.worker.idle', 'warning', subject='worker'),
                                   finding('health.request.refused', subject='http://127.0.0.1:3000/api/health')])})
    _diagnosis.diagnose(rep)
    roots = rep['hosts']['app01']['root_causes']
    # Same item and severity: report order.
    assert [(r['finding'], r['subject'], r['explains']) for r in roots] == [
        ('pm2.app.stopped', 'backend', ['health.request.refused']),
        ('pm2.app.errored', 'worker', ['logs.worker.idle']),
    ]
    idle = rep['hosts']['app01']['checks']['logs']['findings'][0]
    assert idle['explained_by'] == 'app01:pm2.app.errored'
    # The worker's idle log is not explained by the backend being stopped.
    rep = report({'app01': ('s1', [finding('pm2.app.stopped', subject='backend'),
                                   finding('logs.worker.idle', 'warning', subject='worker')])})
    _diagnosis.diagnose(rep)
    assert rep['hosts']['app01']['root_causes'] == []


def test_causes_are_ordered_by_checklist_then_severity():
    rep = report({'app01': ('s1', [finding('nginx.process.not_running'), finding('nginx.front_page.unavailable'),
                                   finding('resources.cpu.busy', 'warning'), finding('health.response.latency', 'warning'),
                                   finding('storage.filesystem.used', 'warning'), finding('storage.write.read_only'),
                                   finding('logs.errors.file', 'warning', subject='worker'),
                                   finding('pm2.app.stopped', subject='backend'),
                                   finding('health.request.refused')])},
                 {'s1': [finding('logsdb.attachment.not_found', 'warning')]})
    _diagnosis.diagnose(rep)
    roots = rep['hosts']['app01']['root_causes']
    assert [r['finding'] for r in roots] == ['pm2.app.stopped', 'storage.write.read_only', 'resources.cpu.busy',
                                             'nginx.process.not_running']
    assert [r['checklist'][:6] for r in roots] == ['§13.1 ', '§13.3 ', '§13.7 ', '§10 (n']
    # Within one item the worse cause first: read-only (critical) before the 80% warning, and it
    # takes both NAS symptoms; the warning explains nothing, so it is no root cause.
    storage = roots[1]
    assert storage['explains'] == ['logs.errors.file', '@s1:logsdb.attachment.not_found']
    used = rep['hosts']['app01']['checks']['storage']['findings'][0]
    assert used['id'] == 'storage.filesystem.used' and 'explained_by' not in used


def test_site_cause_explains_host_findings_with_unambiguous_references():
    rep = report({'app01': ('s1', [finding('logs.errors.ora12514', 'warning', subject='backend'),
                                   finding('health.indicator.down', subject='database')]),
                  'app02': ('s1', [finding('logs.errors.oracle', 'warning', subject='worker')]),
                  'other': ('s2', [finding('logs.errors.oracle', 'warning', subject='worker')])},
                 {'s1': [finding('oracle.listener.service_unknown'), finding('logsdb.database.unavailable')],
                  's2': []})
    _diagnosis.diagnose(rep)
    (root,) = rep['sites']['s1']['root_causes']
    assert root['finding'] == 'oracle.listener.service_unknown'
    assert root['checklist'] == '§13.5 DB connection failure -> check Oracle listener / network'
    assert root['explains'] == ['app01:logs.errors.ora12514', 'app01:health.indicator.down',
                                'app02:logs.errors.oracle', 'logsdb.database.unavailable']
    assert rep['hosts']['app01']['checks']['logs']['findings'][0]['explained_by'] == '@s1:oracle.listener.service_unknown'
    # Another site's findings are never explained by this site's database.
    assert 'explained_by' not in rep['hosts']['other']['checks']['logs']['findings'][0]
    assert rep['hosts']['other']['root_causes'] == [] and rep['sites']['s2']['root_causes'] == []


def test_terminus_indicator_other_than_database_is_not_an_oracle_symptom():
    rep = report({'app01': ('s1', [finding('health.indicator.down', subject='redis')])},
                 {'s1': [finding('oracle.connect.refused')]})
    _diagnosis.diagnose(rep)
    assert rep['sites']['s1']['root_causes'] == []


def test_host_cause_explains_a_site_finding():
    rep = report({'worker01': ('s1', [finding('storage.write.read_only', subject='/mnt/nas')])},
                 {'s1': [finding('logsdb.attachment.not_found', 'warning')]})
    _diagnosis.diagnose(rep)
    (root,) = rep['hosts']['worker01']['root_causes']
    assert root['explains'] == ['@s1:logsdb.attachment.not_found']
    assert rep['sites']['s1']['checks']['logsdb']['findings'][0]['explained_by'] == 'worker01:storage.write.read_only'


def test_a_chain_collapses_to_its_root_cause():
    rep = report({'app01': ('s1', [finding('resources.memory.available', subject='memory'),
                                   finding('pm2.app.errored', subject='backend'),
                                   finding('health.request.refused')])})
    _diagnosis.diagnose(rep)
    (root,) = rep['hosts']['app01']['root_causes']
    assert root['finding'] == 'resources.memory.available' and root['rule'] == 'memory-exhausted'
    assert root['explains'] == ['pm2.app.errored', 'health.request.refused']
    errored, = rep['hosts']['app01']['checks']['pm2']['findings']
    refused, = rep['hosts']['app01']['checks']['health']['findings']
    assert errored['explained_by'] == refused['explained_by'] == 'app01:resources.memory.available'
    assert refused['via'] == 'app01:pm2.app.errored' and 'via' not in errored


def test_memory_warning_is_no_cause_of_a_crash():
    rep = report({'app01': ('s1', [finding('resources.memory.available', 'warning', subject='memory'),
                                   finding('pm2.app.errored', subject='backend'),
                                   finding('health.request.refused')])})
    _diagnosis.diagnose(rep)
    assert [r['finding'] for r in rep['hosts']['app01']['root_causes']] == ['pm2.app.errored']


def test_diagnose_is_idempotent():
    rep = report({'app01': ('s1', [finding('pm2.daemon.not_running'), finding('health.request.refused')])})
    once = copy.deepcopy(_diagnosis.diagnose(rep))
    assert _diagnosis.diagnose(rep) == once


def test_healthy_report_has_no_root_cause():
    rep = report({'app01': ('s1', [])}, {'s1': []})
    _diagnosis.diagnose(rep)
    assert rep['hosts']['app01']['root_causes'] == [] and rep['sites']['s1']['root_causes'] == []
    assert all_findings(rep) == []


# ---- the remedy in the report's language -----------------------------------------------------------------------

@pytest.mark.parametrize('spec', _diagnosis.RULES, ids=lambda s: s['id'])
def test_a_cause_without_a_remedy_gets_its_rules_remedy_in_the_chosen_language(spec):
    for lang, expected in (('en', spec['remedy']), ('ko', _i18n.RULES[spec['id']]['ko_remedy'])):
        rep, cause, _sym = _build(spec)
        cause['remedy'] = ''
        _diagnosis.diagnose(rep, lang)
        (root,) = _entry_of(rep, cause)[2]['root_causes']
        assert root['rule'] == spec['id'] and root['remedy'] == expected, lang


def test_a_cause_keeps_its_findings_remedy_in_every_language():
    # The modules localized the finding already: its remedy is the most specific one, in that language.
    rep = report({'app01': ('s1', [dict(finding('pm2.app.stopped', subject='backend'), remedy='stopped → pm2 start 재실행'),
                                   finding('health.request.refused')])})
    _diagnosis.diagnose(rep, 'ko')
    (root,) = rep['hosts']['app01']['root_causes']
    assert root['remedy'] == 'stopped → pm2 start 재실행'


def test_every_korean_format_shows_the_korean_rule_remedy_of_an_english_diagnosis():
    """A report diagnosed in English (an older audit.json, a merge without lang) rendered in Korean:
    the rule's English remedy is replaced by its Korean one in the console, audit.md, JUnit and HTML."""
    rep = report({'app01': ('s1', [dict(finding('pm2.daemon.not_running', subject='/root/.pm2'), remedy=None),
                                   finding('health.request.refused')])})
    _diagnosis.diagnose(rep)
    (root,) = rep['hosts']['app01']['root_causes']
    english, korean = _diagnosis.remedy_of('pm2-daemon-down'), _diagnosis.remedy_of('pm2-daemon-down', 'ko')
    assert root['remedy'] == english and english != korean
    rep['generated_at'] = '2026-01-01T00:00:00Z'
    rep['summary'] = {'hosts': 1, 'sites': 0, 'critical': 1}
    texts = {'console': _render.console_text(rep, lang='ko'), 'markdown': _render.markdown(rep, lang='ko'),
             'junit': _render.junit_xml(rep, 'warning', lang='ko'), 'html': _html.render_html(rep, lang='ko')}
    for name, text in texts.items():
        assert korean in text and english not in text, name
    assert english in _render.console_text(rep) and korean not in _render.console_text(rep)
