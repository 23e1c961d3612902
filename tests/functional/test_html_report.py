# -*- coding: utf-8 -*-
"""audit.html rendered in a real browser (headless Chromium): the text a reader sees, the order of
root causes and symptoms, the status filter clicked, no request leaving the page, and screenshots
kept as test artifacts in tests/output/html/ (the README's image comes from there)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from ansible_collections.tank.monitoring.plugins.filter.audit_html import audit_html
from ansible_collections.tank.monitoring.plugins.module_utils import _i18n
from ansible_collections.tank.monitoring.tests.unit.plugins.module_utils.html_samples import (
    CHANGES,
    SCRIPT_MESSAGE,
    faulty_report,
    healthy_report,
)
from ansible_collections.tank.monitoring.tests.unit.plugins.module_utils.html_tree import parse

from chromium_support import dump_dom, page_requests, screenshot
from conftest import run_playbook
from oracle_support import closed_port

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(REPO, 'tests', 'output', 'html')

# Appended to a COPY of the page by the filter test: clicks a filter label like a reader would,
# then records which filterable elements the browser still lays out.
PROBE = '''<script>
document.querySelector('label[for="flt-%s"]').click();
document.querySelectorAll('.f').forEach(function (e) {
  e.setAttribute('data-visible', e.getClientRects().length > 0 ? 'yes' : 'no');
});
document.body.setAttribute('data-probe', 'done');
</script></body>'''


@pytest.fixture
def page(tmp_path):
    def write(report, changes=None, name='audit.html'):
        path = tmp_path / name
        path.write_text(audit_html(report, changes), encoding='utf-8')
        return str(path)
    return write


def _artifact(name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    return os.path.join(ARTIFACTS, name)


def test_faulty_report_as_a_reader_sees_it(page, tmp_path):
    path = page(faulty_report(), CHANGES)
    net_log = str(tmp_path / 'netlog.json')
    dom = parse(dump_dom(path, net_log=net_log))
    text = dom.find('body').text()

    # Hosts, sites, findings, remedies and the §13 item are on the page.
    for expected in ('app01', 'worker02', 'web01', 'customer-a', 'customer-b',
                     'pm2.daemon.not_running', 'The PM2 daemon of user tank is not running',
                     'Start PM2 as the service user', '1. Backend not answering',
                     'ORA-12514: TNS:listener does not currently know of service TANK',
                     '5. DB connection failure', 'Filesystem / is 87% full',
                     'connect to host web01 port 22: Connection refused', 'Since last audit'):
        assert expected in text, expected
    # The message taken from a log is text: the browser made no element of it.
    assert SCRIPT_MESSAGE in text
    assert not dom.find_all('script') and not dom.find_all('b', 'bold')
    # Root causes before their symptoms, and the symptoms inside the cause.
    causes = dict((c.find(cls='fid').text(), c) for c in dom.find_all('li', 'cause'))
    pm2 = causes['pm2.daemon.not_running']
    assert {s.find(cls='fid').text() for s in pm2.find_all('li', 'symptom')} == {'health.request.refused', 'logs.file.missing'}
    assert text.index('pm2.daemon.not_running') < text.index('health.request.refused')
    assert text.index('oracle.listener.service_unknown') < text.index('logsdb.database.unavailable')
    assert text.index('Root causes') < text.index('Other findings')
    # The filter is there.
    assert dom.find('nav', 'filters') is not None and len(dom.find_all('input', type='radio')) == 7
    # The page asked the network for nothing (Chromium's own background requests are not the page's).
    assert page_requests(net_log) == []

    shot = screenshot(path, _artifact('audit-faulty.png'), size='1400,1000')
    assert os.path.getsize(shot) > 10000


def test_the_network_probe_sees_a_page_request(tmp_path):
    """The no-request assertion above can fail: a page with one remote image is caught."""
    path = tmp_path / 'remote.html'
    path.write_text(audit_html(healthy_report()).replace('</main>', '<img src="http://198.51.100.7/x.png"></main>'),
                    encoding='utf-8')
    net_log = str(tmp_path / 'netlog.json')
    dump_dom(str(path), net_log=net_log)
    assert page_requests(net_log) == ['http://198.51.100.7/x.png']


@pytest.mark.parametrize('choice, shown', [
    ('critical', {'critical'}),
    ('warning', {'warning'}),
    ('problems', {'warning', 'unknown', 'critical', 'unreachable'}),
    ('all', {'ok', 'warning', 'unknown', 'critical', 'unreachable'}),
])
def test_status_filter_clicked_in_the_browser(page, choice, shown):
    path = page(faulty_report())
    with open(path, encoding='utf-8') as handle:
        html = handle.read()
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(html.replace('</body>', PROBE % choice))
    dom = parse(dump_dom(path))
    assert dom.find('body').attrs.get('data-probe') == 'done'
    items = dom.find_all(cls='f')
    assert items
    for item in items:
        status = [c[3:] for c in item.classes if c.startswith('st-')][0]
        assert item.attrs['data-visible'] == ('yes' if status in shown else 'no'), (choice, item.tag, item.text()[:80])
    visible = ' '.join(i.text() for i in items if i.attrs['data-visible'] == 'yes')
    if choice == 'critical':
        assert 'pm2.daemon.not_running' in visible and 'resources.disk.usage' not in visible
        # A cause keeps its symptoms in view, whatever their own status.
        assert 'logs.file.missing' in visible
    if choice == 'warning':
        assert 'resources.disk.usage' in visible and 'pm2.daemon.not_running' not in visible


def test_healthy_report_shows_no_finding(page, tmp_path):
    path = page(healthy_report())
    net_log = str(tmp_path / 'netlog.json')
    dom = parse(dump_dom(path, net_log=net_log))
    text = dom.find('body').text()
    assert 'No findings: every check is ok.' in text
    assert not dom.find_all(cls='cause') and not dom.find_all(cls='finding') and not dom.find_all(cls='symptom')
    for host in ('a-app01', 'b-app01', 'b-app02', 'b-web01'):
        assert host in text
    statuses = set(c for cell in dom.find_all('td', 'cell') for c in cell.classes if c.startswith('s-'))
    assert statuses == {'s-ok'}
    assert page_requests(net_log) == []
    screenshot(path, _artifact('audit-healthy.png'), size='1400,800')


def test_the_font_stack_has_a_hangul_font_installed():
    """The page names Noto Sans CJK KR; the test machine has it (fonts-noto-cjk), so Hangul renders."""
    fc_match = shutil.which('fc-match')
    assert fc_match, 'fontconfig (fc-match) missing: run tests/tools/install-system-deps.sh'
    out = subprocess.run([fc_match, '-f', '%{family}', 'Noto Sans CJK KR'], stdout=subprocess.PIPE, check=True,
                         timeout=60).stdout.decode('utf-8')
    assert 'Noto Sans CJK KR' in out
    assert '"Noto Sans CJK KR"' in audit_html(healthy_report())


def test_report_of_a_real_audit_run(tmp_path):
    """audit.json of a real playbooks/audit.yml run (resources on localhost, one host that refuses
    SSH) rendered: both hosts, the matrix cell, the unreachable host's reason."""
    local = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
    gone = {'ansible_connection': 'ssh', 'ansible_host': '127.0.0.1', 'ansible_port': closed_port(),
            'ansible_user': 'nobody', 'ansible_ssh_common_args': '-o StrictHostKeyChecking=no -o BatchMode=yes'}
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(json.dumps({'all': {'hosts': {'good': local, 'gone': gone}, 'vars': {
        'audit_checks': ['resources'], 'audit_options': {'resources': {'cpu_sample_seconds': 0}}}}}))
    report_dir = tmp_path / 'reports'
    run_playbook(os.path.join(REPO, 'playbooks', 'audit.yml'), inventory=str(inventory),
                 extra_vars={'audit_report_dir': str(report_dir)}, check=True)
    report = json.loads((report_dir / 'audit.json').read_text())
    assert report['hosts']['gone']['status'] == 'unreachable'

    path = tmp_path / 'audit.html'
    path.write_text(audit_html(report), encoding='utf-8')
    dom = parse(dump_dom(str(path)))
    rows = dict((r.find('th', 'rowname').text(), r) for r in dom.find_all('tr', 'row-host'))
    assert set(rows) == {'good', 'gone'}
    resources = rows['good'].find_all('td', 'cell')
    assert len(resources) == 1 and 's-%s' % report['hosts']['good']['checks']['resources']['status'] in resources[0].classes
    assert 's-unreachable' in rows['gone'].find(cls='pill').classes
    reason = [f for f in dom.find_all('li', 'finding') if 'gone' in f.text()]
    assert len(reason) == 1 and ' '.join(report['hosts']['gone']['reason'].split())[:60] in reason[0].text()
    screenshot(str(path), _artifact('audit-real-run.png'), size='1400,700')


def _korean(report):
    """The report as a ``lang: ko`` run of the checks writes it: each finding's message and remedy from
    the real catalogue (_i18n.translate), the diagnosis's remedy the cause's Korean one. worker02 also
    has its worker app stopped (pm2.app.stopped), whose Korean remedy is the guide's "pm2 start 재실행"."""
    report['hosts']['worker02']['checks']['pm2'] = {
        'status': 'critical', 'metrics': {}, 'duration_seconds': 0.2, 'findings': [{
            'id': 'pm2.app.stopped', 'status': 'critical', 'subject': 'worker', 'guide_section': '§3',
            'message': 'The app worker is stopped.', 'remedy': 'pm2 start worker', 'value': 'stopped',
            'threshold': None}]}
    report['hosts']['worker02']['status'] = 'critical'
    # The Oracle check's value field (the sample leaves it out): the ORA error.
    report['sites']['customer-a']['checks']['oracle']['findings'][0]['value'] = 'ORA-12514'
    for key in ('hosts', 'sites'):
        for entry in report[key].values():
            remedies = {}
            for result in entry['checks'].values():
                for finding in result['findings']:
                    finding['message'], finding['remedy'] = _i18n.translate(finding, 'ko')
                    remedies[finding['id']] = finding['remedy']
            for cause in entry.get('root_causes') or []:
                cause['remedy'] = remedies.get(cause['finding'], cause['remedy'])
    return report


def test_korean_page_renders_hangul_in_the_browser(tmp_path):
    path = tmp_path / 'audit-ko.html'
    path.write_text(audit_html(_korean(faulty_report()), lang='ko'), encoding='utf-8')
    net_log = str(tmp_path / 'netlog.json')
    dom = parse(dump_dom(str(path), net_log=net_log))
    assert dom.find('html').attrs.get('lang') == 'ko'
    text = dom.find('body').text()
    # The guide's own words, the Korean labels and §13 checklist, as the browser decoded them (UTF-8).
    for expected in ('pm2 start 재실행', 'DB 포트/Listener 확인', 'Backend 응답 없음 → pm2 status 확인',
                     'DB 연결 실패 → Oracle Listener / 네트워크 점검', '근본 원인', '기타 발견 사항', '조치',
                     '연결 불가', '심각', 'pm2.app.stopped', 'oracle.listener.service_unknown'):
        assert expected in text, expected
    for english in ('Root causes', 'Other findings', 'Remedy', 'Backend not answering'):
        assert english not in text, english
    assert page_requests(net_log) == []
    shot = screenshot(str(path), _artifact('audit-ko.png'), size='1400,1000')
    assert os.path.getsize(shot) > 10000


def test_hangul_glyphs_are_drawn_not_tofu(tmp_path):
    """Two pages differing only in the Hangul of a host name give different pictures: with no font
    for Hangul both would show the same 'missing glyph' boxes, and the screenshots would be equal."""
    shots = []
    for name in ('가나다라', '마바사아'):
        report = healthy_report()
        report['hosts'][name] = report['hosts'].pop('a-app01')
        path = tmp_path / ('%s.html' % len(shots))
        path.write_text(audit_html(report, lang='ko'), encoding='utf-8')
        shots.append(screenshot(str(path), str(tmp_path / ('%d.png' % len(shots))), size='900,400'))
    # The same page twice draws the same picture (the comparison means something).
    again = screenshot(str(tmp_path / '0.html'), str(tmp_path / 'again.png'), size='900,400')
    with open(shots[0], 'rb') as a, open(shots[1], 'rb') as b, open(again, 'rb') as c:
        first, second, repeat = a.read(), b.read(), c.read()
    assert first == repeat
    assert first != second
