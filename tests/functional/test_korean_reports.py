# -*- coding: utf-8 -*-
"""The audit role with ``audit_report_lang: ko`` on localhost with a real fault (a tmpfs storage path
filled to 95%): every report file and the console report in Korean, the finding ids, statuses and
measured values the same as an English run of the same fault, tank_audit.prom identical."""

from __future__ import annotations

import json
import os
import re
import sys
from xml.etree import ElementTree

from ansible_collections.tank.monitoring.plugins.module_utils import _i18n, _render

from conftest import REPO, fill, run_playbook

PLAYBOOK = os.path.join(REPO, 'playbooks', 'audit.yml')
HANGUL = re.compile('[\uac00-\ud7a3]')


def _inventory(tmp_path, variables):
    local = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
    path = tmp_path / 'hosts.yml'
    path.write_text(json.dumps({'all': {'hosts': {'localhost': local}, 'vars': variables}}))
    return str(path)


def _console(run):
    end = run.stdout.rfind('{"custom_stats"')
    return run.stdout[:end] if end >= 0 else run.stdout


def _audit(tmp_path, inventory, name, lang=None):
    report_dir = tmp_path / name
    extra = {'audit_report_dir': str(report_dir)}
    if lang:
        extra['audit_report_lang'] = lang
    run = run_playbook(PLAYBOOK, inventory=inventory, extra_vars=extra)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run, report_dir, json.loads((report_dir / 'audit.json').read_text())


def _prom_without_time(path):
    return [l for l in path.read_text().splitlines() if 'last_run_timestamp' not in l]


def test_korean_reports_of_a_real_fault(tmp_path, tmpfs):
    share = tmpfs('share-ko', '4m')
    fill(share, 95)
    inventory = _inventory(tmp_path, {
        'audit_checks': ['storage'],
        'audit_options': {'storage': {'paths': [{'path': str(share), 'mount': True, 'fstype': 'tmpfs'}]}},
    })
    _en_run, en_dir, english = _audit(tmp_path, inventory, 'en')
    run, ko_dir, korean = _audit(tmp_path, inventory, 'ko', lang='ko')

    # audit.json: the same findings (id, status, subject, value, threshold, section), their message
    # and remedy the catalogue's Korean, rendered from the measured fields.
    en_findings = english['hosts']['localhost']['checks']['storage']['findings']
    ko_findings = korean['hosts']['localhost']['checks']['storage']['findings']
    assert korean['hosts']['localhost']['checks']['storage']['status'] == 'critical'
    keys = ('id', 'status', 'subject', 'value', 'threshold', 'guide_section')
    assert [dict((k, f.get(k)) for k in keys) for f in ko_findings] == [dict((k, f.get(k)) for k in keys) for f in en_findings]
    assert ko_findings
    for en, ko in zip(en_findings, ko_findings):
        assert (ko['message'], ko['remedy']) == _i18n.translate(en, 'ko'), ko['id']
        assert HANGUL.search(ko['message']) and HANGUL.search(ko['remedy']), ko
        assert not HANGUL.search(en['message'] + en['remedy'])
    first = ko_findings[0]
    ko_message = first['message'].split(' — 원문: ')[0]

    # summary.txt and the console: Korean words, the Korean finding and its remedy, the id as it is.
    summary = (ko_dir / 'summary.txt').read_text(encoding='utf-8')
    console = _console(run)
    for text in (summary, console):
        assert 'Tank 모니터링 점검' in text and '발견 사항:' in text and '요약: 호스트 1대' in text, text[-2000:]
        assert re.search(r'^호스트\s+상태\s+storage$', text, re.M), text[:1000]
        assert re.search(r'^localhost\s+심각\s+심각$', text, re.M)
        assert '[심각] %s' % first['id'] in text and ko_message in text
        assert '조치: %s' % first['remedy'] in text
        for word in ('Summary:', 'Findings', 'remedy:', 'HOST', 'STATUS', 'CRIT'):
            assert word not in text, word
    assert summary.rstrip('\n') in console.replace('\r', '')

    # audit.md
    markdown = (ko_dir / 'audit.md').read_text(encoding='utf-8')
    assert markdown.startswith('# Tank 모니터링 점검: 심각\n')
    assert '## 발견 사항' in markdown and '### 호스트 localhost: 심각' in markdown
    assert '`%s`' % first['id'] in markdown and _render.md(ko_message) in markdown
    assert '  - 조치: ' in markdown and 'Remedy' not in markdown

    # junit.xml: the same suites, cases and failure types as in English, Korean texts.
    def shape(root):
        return [(c.get('classname'), c.get('name'), [(e.tag, e.get('type')) for e in c]) for c in root.iter('testcase')]
    ko_junit = ElementTree.parse(str(ko_dir / 'junit.xml')).getroot()
    en_junit = ElementTree.parse(str(en_dir / 'junit.xml')).getroot()
    assert shape(ko_junit) == shape(en_junit)
    failure = next(c for c in ko_junit.iter('testcase') if c.get('name') == 'storage').find('failure')
    assert failure.get('type') == 'critical'
    assert ko_message in failure.get('message') and '조치: ' in failure.text and 'remedy:' not in failure.text

    # audit.html: a Korean page.
    page = (ko_dir / 'audit.html').read_text(encoding='utf-8')
    assert '<html lang="ko">' in page and '<meta charset="utf-8">' in page
    assert ko_message in page and '>조치<' in page and '>심각<' in page and 'Remedy' not in page

    # tank_audit.prom: the same in both languages.
    assert _prom_without_time(ko_dir / 'tank_audit.prom') == _prom_without_time(en_dir / 'tank_audit.prom')


def test_unsupported_report_language_is_named(tmp_path):
    inventory = _inventory(tmp_path, {'audit_checks': ['resources']})
    run = run_playbook(PLAYBOOK, inventory=inventory,
                       extra_vars={'audit_report_dir': str(tmp_path / 'r'), 'audit_report_lang': 'fr'})
    assert run.rc != 0
    assert 'audit_report_lang' in run.stdout + run.stderr and 'fr' in run.stdout + run.stderr
    assert 'Traceback' not in run.stdout + run.stderr
    assert not (tmp_path / 'r' / 'audit.json').exists()
