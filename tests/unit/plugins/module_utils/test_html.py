# -*- coding: utf-8 -*-
"""audit.html (module_utils/_html.py and the tank.monitoring.audit_html filter): escaping, structure,
self-containment, bad input. The page rendered in a real browser: tests/functional/test_html_report.py."""

from __future__ import annotations

import copy
import re

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.tank.monitoring.plugins.filter.audit_html import FilterModule, audit_html
from ansible_collections.tank.monitoring.plugins.module_utils._html import render_html
from ansible_collections.tank.monitoring.tests.unit.plugins.module_utils.html_samples import (
    CHANGES,
    SCRIPT_MESSAGE,
    faulty_report,
    healthy_report,
)
from ansible_collections.tank.monitoring.tests.unit.plugins.module_utils.html_tree import parse


def _causes(tree):
    return dict((c.find(cls='fid').text(), c) for c in tree.find_all('li', 'cause'))


def test_a_finding_message_with_markup_is_text_not_markup():
    html = render_html(faulty_report())
    assert '<script' not in html.lower()
    assert '<b>bold' not in html
    assert '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;' in html
    # Read back, the text is the message exactly.
    finding = [f for f in parse(html).find_all('li', 'finding') if 'logs.errors.template' in f.text()]
    assert len(finding) == 1 and SCRIPT_MESSAGE in finding[0].text()


def test_names_and_attributes_are_escaped_everywhere():
    report = faulty_report()
    evil = '"><img src=x onerror=alert(1)>'
    report['hosts'][evil] = dict(copy.deepcopy(report['hosts']['worker02']), site='site<i>')
    report['hosts'][evil]['reason'] = '<iframe src="http://198.51.100.1/">'
    report['hosts'][evil]['checks'] = {}
    report['hosts']['app01']['root_causes'][0]['remedy'] = 'restart </li></ol><h1>x</h1>'
    report['hosts']['app01']['root_causes'][0]['checklist'] = '<u>1</u>'
    changes = {'new': [{'where': '<em>w</em>', 'id': '<s>id</s>', 'subject': '<q>', 'status': '<x>', 'message': '<p>'}]}
    html = render_html(report, changes)
    for raw in ('<img', '<iframe', '<i>', '<h1>x', '</li></ol><h1>', '<u>1', '<em>w', '<s>id', '<q>', '<p>'):
        assert raw not in html, raw
    tree = parse(html)
    assert not tree.find_all('img') and not tree.find_all('iframe')
    assert evil in tree.text() and 'site<i>' in tree.text() and 'restart </li></ol><h1>x</h1>' in tree.text()
    # An unknown status from the report falls back to a known class, never into markup.
    assert 'st-<x>' not in html


def test_root_causes_come_first_with_remedy_checklist_and_their_symptoms_nested():
    html = render_html(faulty_report())
    tree = parse(html)
    site_a = tree.find('section', id=[s.attrs['id'] for s in tree.find_all('section', 'site')
                                      if 'customer-a' in s.find('h2').text()][0])
    causes = _causes(site_a)
    assert set(causes) == {'oracle.listener.service_unknown', 'pm2.daemon.not_running'}
    oracle = causes['oracle.listener.service_unknown']
    assert 'Check the service name and that the database registered with the listener' in oracle.find(cls='remedy').text()
    assert '5. DB connection failure' in oracle.find(cls='checklist').text()
    symptoms = [s.find(cls='fid').text() for s in oracle.find_all('li', 'symptom')]
    assert sorted(symptoms) == ['logs.errors.ora12514', 'logsdb.database.unavailable']
    pm2 = causes['pm2.daemon.not_running']
    assert [s.find(cls='fid').text() for s in pm2.find_all('li', 'symptom')].count('logs.file.missing') == 2
    assert 'health.request.refused' in pm2.text()
    assert 'Start PM2 as the service user' in pm2.find(cls='remedy').text()
    # Root causes before the other findings, symptoms not repeated among them.
    assert html.index('class="causes"') < html.index('class="findings"')
    others = ' '.join(f.find(cls='fid').text() for f in site_a.find_all('li', 'finding') if f.find(cls='fid'))
    assert 'resources.disk.usage' in others and 'logs.errors.template' in others
    for explained in ('logs.file.missing', 'health.request.refused', 'logsdb.database.unavailable',
                      'logs.errors.ora12514', 'pm2.daemon.not_running', 'oracle.listener.service_unknown'):
        assert explained not in others
    # The unreachable host's reason is shown.
    assert 'connect to host web01 port 22: Connection refused' in site_a.text()


def test_a_symptom_whose_cause_is_not_in_the_report_stays_a_finding_naming_it():
    report = faulty_report()
    report['hosts']['app01']['root_causes'] = []
    tree = parse(render_html(report))
    refused = [f for f in tree.find_all('li', 'finding') if 'health.request.refused' in f.text()]
    assert len(refused) == 1 and 'explained by app01:pm2.daemon.not_running' in refused[0].text()


def test_matrix_per_site_with_a_cell_per_host_and_check():
    tree = parse(render_html(faulty_report()))
    sections = tree.find_all('section', 'site')
    # Grouped by site, the worst site first.
    assert [s.find(cls='sitename').text() for s in sections] == ['customer-a', 'customer-b']
    rows = dict((r.find('th', 'rowname').text(), r) for r in sections[0].find('table', 'matrix').find_all('tr', 'f'))
    assert set(rows) == {'site checks (worker02)', 'app01', 'worker02', 'web01'}
    app01 = [c for c in rows['app01'].find_all('td') if 'cell' in c.classes]
    header = [th.text() for th in sections[0].find('thead').find_all('th')][2:]
    cells = dict(zip(header, (c.classes[-1] for c in app01)))
    assert cells['pm2'] == 's-critical' and cells['logs'] == 's-unknown' and cells['resources'] == 's-ok'
    assert cells['oracle'] == 'na'
    site_cells = dict(zip(header, (c.classes[-1] for c in rows['site checks (worker02)'].find_all('td') if 'cell' in c.classes)))
    assert site_cells['oracle'] == 's-critical' and site_cells['ses'] == 's-ok' and site_cells['pm2'] == 'na'
    assert 'Connection refused' in rows['web01'].text()


def test_status_filter_is_radio_buttons_and_css_without_any_script():
    html = render_html(faulty_report())
    tree = parse(html)
    radios = tree.find_all('input', type='radio')
    assert [r.attrs['value'] for r in radios] == ['all', 'problems', 'critical', 'unknown', 'warning', 'unreachable', 'ok']
    assert 'checked' in radios[0].attrs
    assert tree.find('nav', 'filters') is not None
    assert '#flt-critical:checked ~ main .f:not(.st-critical){display:none}' in html
    assert not tree.find_all('script')


def test_self_contained_no_external_reference():
    html = render_html(faulty_report(), CHANGES)
    tree = parse(html)
    for node in tree.iter():
        for attr in ('src', 'href', 'action', 'poster', 'data', 'srcset'):
            value = node.attrs.get(attr)
            if value is not None:
                assert value.startswith('#'), (node.tag, attr, value)
    assert not tree.find_all('link') and not tree.find_all('img') and not tree.find_all('script')
    style = ' '.join(s.text() for s in tree.find_all('style'))
    assert 'url(' not in style and '@import' not in style and '@font-face' not in style
    assert '<meta charset="utf-8">' in html
    assert '"Noto Sans CJK KR"' in style


def test_healthy_report_shows_no_finding():
    html = render_html(healthy_report())
    tree = parse(html)
    for cls in ('cause', 'finding', 'symptom'):
        assert not tree.find_all(cls=cls), cls
    assert 'No findings: every check is ok.' in tree.text()
    bad = ['%s-%s' % (prefix, status) for prefix in ('s', 'st') for status in ('warning', 'unknown', 'critical', 'unreachable')]
    # Only the count tiles name the other statuses (with a zero).
    flagged = [n for n in tree.iter() if set(n.classes) & set(bad) and 'tile' not in n.classes]
    assert not flagged, [(n.tag, n.classes) for n in flagged]
    assert all(t.text().startswith('0 ') for t in tree.find_all(cls='tile') if set(t.classes) & set(bad))
    assert len(tree.find_all('td', 'cell')) > 0


def test_since_last_audit_only_when_given():
    assert 'Since last audit' not in render_html(faulty_report())
    tree = parse(render_html(faulty_report(), CHANGES))
    changes = tree.find('section', 'changes')
    assert changes.find(cls='ch-new').find(cls='fid').text() == 'pm2.daemon.not_running'
    assert 'ses.account.sending_paused' in changes.find(cls='ch-resolved').text()
    assert 'Filesystem / is 87% full' in changes.find(cls='ch-persisting').text()
    empty = parse(render_html(faulty_report(), {'new': [], 'resolved': [], 'persisting': []}))
    assert 'New 0' in empty.find('section', 'changes').text()


def test_hangul_and_output_is_deterministic():
    report = faulty_report()
    report['hosts']['worker02']['checks']['logs']['findings'][1]['message'] = '템플릿 오류: 수신자 이름이 없습니다'
    first = render_html(report)
    assert '템플릿 오류: 수신자 이름이 없습니다' in first
    assert first == render_html(copy.deepcopy(report))


@pytest.mark.parametrize('args, message', [
    (([],), 'report must be the audit report'),
    (({'hosts': []},), 'report must be the audit report'),
    (({'hosts': {'a': 'ok'}, 'sites': {}},), 'report.hosts.a must be a mapping'),
    (({'hosts': {}}, []), 'changes must be a mapping'),
    (({'hosts': {}}, {'fixed': []}), "changes: unknown key 'fixed'"),
    (({'hosts': {}}, {'new': 'x'}), 'changes.new must be a list'),
    (({'hosts': {}}, None, 'xx'), "lang 'xx' is not supported (supported: en, ko)"),
])
def test_bad_input_is_a_message_naming_the_argument(args, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        render_html(*args)
    with pytest.raises(AnsibleFilterError, match=r'^audit_html: ' + re.escape(message)):
        audit_html(*args)


def test_filter_is_registered():
    assert FilterModule().filters()['audit_html'] is audit_html
    assert audit_html(healthy_report()).startswith('<!DOCTYPE html>')


def test_a_threshold_mapping_reads_as_its_levels():
    report = faulty_report()
    finding = report['hosts']['worker02']['checks']['resources']['findings'][0]
    finding['threshold'] = {'critical': 90, 'direction': 'above', 'name': 'filesystem_used_percent', 'unit': '%', 'warning': 80}
    text = parse(render_html(report)).text()
    assert 'threshold warning ≥ 80%, critical ≥ 90%' in text
    assert "'direction'" not in text
