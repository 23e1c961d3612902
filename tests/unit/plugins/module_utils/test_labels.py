# -*- coding: utf-8 -*-
"""The report words per language (_labels.LABELS) and the Korean reports of every human format:
one table per language, the same keys and placeholders in each, no English fixed word left in a
Korean report, machine keys (ids, status keys, JUnit names) the same in every language."""

from __future__ import annotations

import copy
import os
import re
import string
from xml.etree import ElementTree

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.tank.monitoring.plugins.filter import audit_render
from ansible_collections.tank.monitoring.plugins.module_utils import _html, _labels, _render
from ansible_collections.tank.monitoring.plugins.module_utils._render import display_width
from ansible_collections.tank.monitoring.tests.unit.plugins.module_utils.test_render import (
    check,
    faulty_report,
    finding,
    healthy_report,
)

KOREAN = re.compile('[\uac00-\ud7a3]')
ANSI = re.compile(r'\x1b\[[0-9;]*m')

# Fixed English words of the formats: none may appear in a Korean report whose data has none.
ENGLISH_WORDS = ('Tank monitoring audit', 'HOST', 'STATUS', 'RUNNER', 'Findings', 'findings', 'Summary',
                 'remedy', 'Remedy', 'ROOT CAUSE', 'Root cause', 'checklist', 'Checklist', 'explains', 'Explains',
                 'Since last audit', 'since last audit', 'host(s)', 'site(s)', 'Generated', 'Report:', 'Hosts',
                 'Sites', 'WARN', 'CRIT', 'UNREACH', 'critical', 'warning', 'unreachable', 'not audited',
                 'Unreachable', 'Not audited', 'healthy', 'new', 'resolved', 'persisting', 'Backend not answering',
                 'DB connection failure', 'explained by')


def _find_guide(name):
    """The guide file kept in the repository (docs/guide/, tests/unit/test_guide_copy.py)."""
    here = os.path.dirname(os.path.realpath(__file__))
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(here))))
    return os.path.join(repo, 'docs', 'guide', GUIDE_FILES[name])


GUIDE_FILES = {'000_bbd34a9fafa1d750.txt': 'monitoring-guide.ko.txt', 'monitoring-guide.en.md': 'monitoring-guide.en.md'}


def _placeholders(text):
    return sorted(name for _t, name, _s, _c in string.Formatter().parse(text) if name is not None)


def korean_data(report):
    """The report with its data as a Korean run of the checks gives it: messages, remedies and the
    diagnosis's remedies in Korean (ids, statuses, checklist items as they are)."""
    report = copy.deepcopy(report)
    for key in ('hosts', 'sites'):
        for entry in report[key].values():
            for result in entry['checks'].values():
                for item in result['findings']:
                    item['message'] = '%s 메시지' % item['id']
                    item['remedy'] = '%s 조치 내용' % item['id']
            for cause in entry.get('root_causes') or []:
                cause['remedy'] = 'pm2 start 재실행'
            if entry.get('reason'):
                entry['reason'] = 'SSH 연결 거부'
    return report


# -- the tables ------------------------------------------------------------------------------------

def test_every_language_has_the_same_keys_and_placeholders():
    english = _labels.LABELS['en']
    assert _labels.LANGUAGES == ('en', 'ko')
    for lang, table in _labels.LABELS.items():
        assert sorted(table) == sorted(english), lang
        for key, value in english.items():
            if isinstance(value, dict):
                assert sorted(table[key]) == sorted(value) == sorted(_labels.STATUS_KEYS), (lang, key)
            else:
                assert _placeholders(table[key]) == _placeholders(value), (lang, key)
        for status in _labels.STATUS_KEYS:
            assert table[status], (lang, status)


def test_korean_table_is_korean():
    english, korean = _labels.LABELS['en'], _labels.LABELS['ko']
    # Words that are the same in both (the § sign, a file name) are few and named here.
    same = sorted(k for k in english if english[k] == korean[k])
    assert same == []
    for key, value in korean.items():
        values = value.values() if isinstance(value, dict) else [value]
        for text in values:
            # A template of placeholders only ('{status} {count}') has no word to translate.
            if re.search(r'[^\W\d_]', re.sub(r'\{\w+\}', '', text)):
                assert KOREAN.search(text), (key, text)


def test_the_html_page_and_the_text_formats_share_one_table():
    assert _html.LABELS is _labels.LABELS
    assert _render.SHORT == _labels.LABELS['en']['short'] and _render.CHECKLIST == _labels.CHECKLIST['en']


def test_korean_checklist_is_the_guides_section_13_verbatim():
    assert len(_labels.CHECKLIST['ko']) == len(_labels.CHECKLIST['en']) == 7
    guide = _find_guide('000_bbd34a9fafa1d750.txt')
    with open(guide, encoding='utf-8') as handle:
        text = handle.read()
    section = text[text.index('# 13.'):text.index('# 14.')]
    items = re.findall(r'^(\d)\) (.+)$', section, re.M)
    assert [(str(n), t.strip()) for n, t in items] == [(str(i), t) for i, t in enumerate(_labels.CHECKLIST['ko'], 1)]


@pytest.mark.parametrize('value', [1, '1. Backend not answering -> check `pm2 status`', '§13.1', 'item 1'])
def test_checklist_label_in_korean_is_the_guides_item(value):
    assert _render.checklist_label(value, 'ko') == '§13.1 Backend 응답 없음 → pm2 status 확인'


def test_checklist_label_in_korean_keeps_a_text_naming_no_item():
    assert _render.checklist_label('restart the NAS gateway', 'ko') == 'restart the NAS gateway'
    assert _render.checklist_label(None, 'ko') == ''


def test_unknown_language_is_an_error_naming_it():
    with pytest.raises(ValueError, match=r"lang 'fr' is not supported \(supported: en, ko\)"):
        _render.console_text(healthy_report(), lang='fr')
    for name, call in (('audit_console_text', lambda: audit_render.audit_console_text(healthy_report(), lang='fr')),
                       ('audit_markdown', lambda: audit_render.audit_markdown(healthy_report(), lang='fr')),
                       ('audit_junit', lambda: audit_render.audit_junit(healthy_report(), 'never', 'fr'))):
        with pytest.raises(AnsibleFilterError, match=r"^%s: lang must be one of en, ko, got 'fr'$" % name):
            call()


# -- Korean reports ----------------------------------------------------------------------------------

def _with_since(report):
    report['since_last_audit'] = {
        'first_audit': False, 'previous_generated_at': '2026-11-30T09:00:00Z',
        'new': [{'scope': 'host', 'name': 'app01', 'id': 'pm2.app.stopped', 'check': 'pm2', 'subject': 'backend',
                 'status': 'critical', 'message': 'pm2.app.stopped 메시지'}],
        'resolved': [{'scope': 'site', 'name': 'alpha', 'id': 'ses.credentials.expired', 'check': 'ses',
                      'status': 'critical', 'message': 'ses.credentials.expired 메시지'}],
        'persisting': [], 'not_rechecked': [{'scope': 'host', 'name': 'app02', 'id': 'resources.cpu.busy',
                                             'check': 'resources', 'status': 'warning', 'message': '메시지'}]}
    return report


def test_console_report_in_korean_has_no_english_fixed_word():
    report = _with_since(korean_data(faulty_report()))
    text = _render.console_text(report, report_path='/r/audit.json', lang='ko')
    for word in ENGLISH_WORDS:
        assert word not in text, word
    lines = text.splitlines()
    assert lines[0] == 'Tank 모니터링 점검, 2026-12-01T09:00:00Z: 연결 불가'
    assert any(l.startswith('호스트') and '상태' in l for l in lines)
    assert '  근본 원인 [심각] pm2.app.stopped backend: pm2.app.stopped 메시지' in lines
    assert '      점검표: §13.1 Backend 응답 없음 → pm2 status 확인' in lines
    assert '      조치: pm2 start 재실행' in lines
    assert '      이 원인으로 생긴 발견 사항 2건:' in lines
    assert '      점검표: §13.5 DB 연결 실패 → Oracle Listener / 네트워크 점검' in lines
    assert '지난 점검 이후: 신규 1건, 해결 1건, 지속 0건, 재점검 안 됨 1건 (이전 점검 2026-11-30T09:00:00Z)' in lines
    assert '  연결 불가: SSH 연결 거부' in lines
    assert lines[-2] == ('요약: 호스트 3대, 사이트 1곳: 정상 1, 경고 0, 알 수 없음 0, 심각 1, 연결 불가 1; '
                         '근본 원인 2건')
    assert lines[-1] == '보고서: /r/audit.json'
    # Ids and check names are never translated.
    for fid in ('pm2.app.stopped', 'oracle.connect.refused', 'health.request.refused', 'resources.cpu.busy'):
        assert fid in text
    # The same words whether coloured or not.
    assert ANSI.sub('', _render.console_text(report, color=True, report_path='/r/audit.json', lang='ko')) == text


def test_console_report_english_is_unchanged_by_the_tables():
    text = _render.console_text(faulty_report())
    for line in ('  ROOT CAUSE [critical] pm2.app.stopped backend: message of pm2.app.stopped',
                 '      checklist: §13.1 Backend not answering -> check pm2 status',
                 '      remedy: pm2 start backend (guide §13.1)', '      explains 2 finding(s):'):
        assert line in text.splitlines()
    assert text.splitlines()[0] == 'Tank monitoring audit, 2026-12-01T09:00:00Z: UNREACHABLE'


def _column_starts(line, cells):
    """Display column at which each of ``cells`` starts in ``line`` (searched left to right)."""
    starts, position = [], 0
    for cell in cells:
        index = line.index(cell, position)
        starts.append(display_width(line[:index]))
        position = index + len(cell)
    return starts


def test_console_matrix_aligns_korean_labels_status_words_and_host_names():
    report = healthy_report(('서버-가나다', 'app01', '웹01'))
    report['hosts']['서버-가나다']['status'] = 'warning'
    report['hosts']['서버-가나다']['checks']['pm2'] = check('warning', finding('pm2.app.restarts', 'warning', 'backend'))
    report['hosts']['웹01'].update(status='unreachable', checks={}, reason='SSH 연결 거부')
    report['hosts']['app01']['checks']['health'] = check('unknown', finding('health.timeout', 'unknown'))
    report['hosts']['app01']['status'] = 'unknown'
    report['summary'].update(ok=0, warning=1, unknown=1, unreachable=1)
    report['sites']['alpha']['runner'] = '서버-가나다'
    lines = _render.console_text(report, lang='ko').splitlines()

    header = lines[2]
    header_cells = ['호스트', '상태', 'resources', 'pm2', 'health']
    assert header.split() == header_cells
    columns = _column_starts(header, header_cells)
    rows = {
        'app01': ['app01', '알 수 없음', '정상', '정상', '알 수 없음'],
        '서버-가나다': ['서버-가나다', '경고', '정상', '경고', '정상'],
        '웹01': ['웹01', '연결 불가', '-', '-', '-'],
    }
    for name, cells in rows.items():
        (line,) = [l for l in lines[3:6] if l.startswith(name)]
        assert _column_starts(line, cells) == columns, line
    # Every column is wide enough for its widest cell plus the two-space gap, by display width.
    assert columns[1] == display_width('서버-가나다') + 2
    assert columns[2] == columns[1] + display_width('알 수 없음') + 2

    site_header = next(l for l in lines if l.startswith('사이트'))
    site_cells = ['사이트', '상태', '실행 호스트', 'oracle', 'logsdb', 'ses']
    site_columns = _column_starts(site_header, site_cells)
    (site_row,) = [l for l in lines if l.startswith('alpha')]
    assert _column_starts(site_row, ['alpha', '정상', '서버-가나다', '정상', '정상', '정상']) == site_columns


def test_markdown_in_korean():
    report = _with_since(korean_data(faulty_report()))
    text = _render.markdown(report, report_path='/r/audit.json', lang='ko')
    for word in ENGLISH_WORDS:
        assert word not in text, word
    lines = text.splitlines()
    assert lines[0] == '# Tank 모니터링 점검: 연결 불가'
    assert lines[2].startswith('생성 2026-12-01T09:00:00Z. 호스트 3대, 사이트 1곳: 정상 1, 경고 0,')
    assert lines[2].endswith(' 보고서: `/r/audit.json`.')
    for heading in ('## 지난 점검 이후', '## 호스트', '## 사이트', '## 발견 사항', '### 호스트 app01: 심각',
                    '### 사이트 alpha: 심각'):
        assert heading in lines, heading
    assert '| 변화 | 범위 | 호스트 또는 사이트 | 발견 사항 | 대상 | 상태 |' in lines
    assert '| 신규 | 호스트 | app01 | `pm2.app.stopped` | backend | **심각** |' in lines
    assert '| 호스트 | 사이트 | 상태 | resources | pm2 | logs | health |' in lines
    assert '- **근본 원인** **심각** `pm2.app.stopped` backend: pm2.app.stopped 메시지' in lines
    assert '  - 점검표: §13.1 Backend 응답 없음 → pm2 status 확인' in lines
    assert '  - 조치: pm2 start 재실행' in lines
    assert '연결 불가: SSH 연결 거부' in lines


def test_junit_in_korean_keeps_names_and_status_keys():
    english = ElementTree.fromstring(_render.junit_xml(_with_since(faulty_report()), 'warning').encode('utf-8'))
    report = _with_since(korean_data(faulty_report()))
    root = ElementTree.fromstring(_render.junit_xml(report, 'warning', lang='ko').encode('utf-8'))

    def names(tree):
        return [(s.get('name'), c.get('classname'), c.get('name'), [(f.tag, f.get('type')) for f in c])
                for s in tree.iter('testsuite') for c in s.iter('testcase')]
    assert names(root) == names(english)
    case = next(c for c in root.iter('testcase') if (c.get('classname'), c.get('name')) == ('hosts.app01', 'pm2'))
    failure = case.find('failure')
    assert failure.get('type') == 'critical'
    assert failure.get('message') == 'pm2.app.stopped: pm2.app.stopped 메시지'
    assert failure.text.splitlines() == [
        '근본 원인 [critical] pm2.app.stopped backend: pm2.app.stopped 메시지',
        '    조치: pm2 start 재실행',  # the root cause's remedy, as in the console and audit.md
        '    지난 점검 이후: 신규',
        '    점검표: §13.1 Backend 응답 없음 → pm2 status 확인']
    texts = ' '.join((e.text or '') + ' ' + (e.get('message') or '') for e in root.iter()
                     if e.tag in ('failure', 'error', 'system-out'))
    for word in ('remedy', 'ROOT CAUSE', 'checklist', 'explained by', 'since last audit', 'since 2026'):
        assert word not in texts, word
    assert '원인: alpha:oracle.connect.refused' in texts
    assert '2026-11-30T09:00:00Z 이후 해결: [critical] ses.credentials.expired 메시지' in texts


def test_prometheus_is_the_same_in_every_language():
    report = faulty_report()
    assert _render.prometheus_text(korean_data(report)) == _render.prometheus_text(report)


def test_html_page_in_korean():
    report = korean_data(faulty_report())
    page = _html.render_html(report, lang='ko')
    assert '<html lang="ko">' in page and '<meta charset="utf-8">' in page
    for word in ('근본 원인', '조치', '§13 장애 대응 빠른 점검표', '§13.1 Backend 응답 없음 → pm2 status 확인',
                 '§13.5 DB 연결 실패 → Oracle Listener / 네트워크 점검', '심각', '연결 불가', '정상', '문제', '보기',
                 'pm2 start 재실행', 'tank.monitoring 점검 보고서, 스키마 버전'):
        assert word in page, word
    body = re.sub(r'<style>.*?</style>', '', page, flags=re.S)
    body = re.sub(r'<[^>]+>', ' ', body)
    for word in ('Root causes', 'Remedy', '§13 checklist', 'Backend not answering', 'Problems', 'Show',
                 'Other findings', 'Generated', 'explained by'):
        assert word not in body, word
    assert page == _html.render_html(copy.deepcopy(report), lang='ko')
