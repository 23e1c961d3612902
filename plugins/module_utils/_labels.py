# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""The fixed words of the human-readable reports, ONE table per language (docs/i18n.md).

Every label of the console report / ``summary.txt``, ``audit.md``, the texts of ``junit.xml`` and
``audit.html`` comes from ``LABELS[lang]``; the renderers (``_render.py``, ``_html.py``) hold no
words of their own. Finding messages and remedies are translated by the checks (``_i18n.py``);
finding ids, check names, status keys in machine fields (JUnit ``type``, JSON, Prometheus) stay
English in every language.

Templates use named placeholders (``{count}``...): every language of a key takes the same ones
(the unit test checks it). Status words are ``LABELS[lang][<status>]`` (``ok``, ``warning``,
``unknown``, ``critical``, ``unreachable``); ``short`` and ``loud`` are the forms of the console
matrix and headings.
"""

from __future__ import annotations

STATUS_KEYS = ('ok', 'warning', 'unknown', 'critical', 'unreachable')

# The guide's §13 quick triage checklist, in its order: monitoring-guide.en.md and the Korean
# original's words verbatim ("13. 장애 대응 빠른 점검표").
CHECKLIST = {
    'en': (
        'Backend not answering -> check pm2 status',
        'Template error -> check TEMPLATE_LOG',
        'Attachment missing -> check NAS path / permissions',
        'SES send error -> check SES metrics',
        'DB connection failure -> check Oracle listener / network',
        'Worker stuck -> pm2 restart worker',
        'CPU 100% -> reduce parallelism',
    ),
    'ko': (
        'Backend 응답 없음 → pm2 status 확인',
        'Template Error → TEMPLATE_LOG 확인',
        '첨부파일 없음 → NAS 경로/권한 점검',
        'SES 발송 오류 → SES 콘솔에서 Metric 확인',
        'DB 연결 실패 → Oracle Listener / 네트워크 점검',
        'Worker 멈춤 → pm2 restart worker',
        'CPU 100% → 병렬 처리 수 감소',
    ),
}

LABELS = {
    'en': {
        # -- status words -----------------------------------------------------------------------
        'ok': 'ok', 'warning': 'warning', 'unknown': 'unknown', 'critical': 'critical',
        'unreachable': 'unreachable',
        'short': {'ok': 'ok', 'warning': 'WARN', 'unknown': 'UNKN', 'critical': 'CRIT', 'unreachable': 'UNREACH'},
        'loud': {'ok': 'OK', 'warning': 'WARNING', 'unknown': 'UNKNOWN', 'critical': 'CRITICAL',
                 'unreachable': 'UNREACHABLE'},
        # -- words shared by every format ---------------------------------------------------------
        'title': 'Tank monitoring audit',
        'host': 'Host',
        'site': 'Site',
        'status': 'Status',
        'runner_column': 'Runner',
        'findings': 'Findings',
        'remedy': 'Remedy',
        'since_last': 'Since last audit',
        'new': 'New', 'resolved': 'Resolved', 'persisting': 'Persisting', 'not_rechecked': 'Not re-checked',
        'scope_host': 'host', 'scope_site': 'site',
        'count_status': '{count} {status}',
        'since_first': 'first audit in this directory: nothing to compare with',
        'since_counts': '{new} new, {resolved} resolved, {persisting} persisting',
        'since_not_rechecked': ', {count} not re-checked',
        'since_previous': ' (previous audit {generated_at})',
        # -- console report and summary.txt ------------------------------------------------------
        'console_title': 'Tank monitoring audit, {generated_at}: {status}',
        'col_host': 'HOST', 'col_site': 'SITE', 'col_status': 'STATUS', 'col_runner': 'RUNNER',
        'folded': '+ {count} healthy host(s) with every check ok, not listed (all in audit.json)',
        'since_line': 'Since last audit: {text}',
        'findings_head': 'Findings:',
        'findings_none': 'Findings: none',
        'head_host': 'host {name}', 'head_site': 'site {name}',
        'head_in_site': ' (site {site})',
        'head_runner': ' (checks run on {runner})',
        'reason_unreachable': 'unreachable', 'reason_failed': 'not audited',
        'root_cause': 'ROOT CAUSE',
        'checklist_line': 'checklist: {text}',
        'remedy_line': 'remedy: {text}',
        'explains_count': 'explains {count} finding(s):',
        'other_findings_head': 'other findings:',
        'explained_by_paren': ' (explained by {ref})',
        'summary_line': 'Summary: {hosts} host(s), {sites} site(s): {counts}; {causes} root cause(s)',
        'report_line': 'Report: {path}',
        # -- audit.md -----------------------------------------------------------------------------
        'md_title': '# Tank monitoring audit: {status}',
        'md_generated': 'Generated {generated_at}. {hosts} host(s), {sites} site(s): {counts}.',
        'md_report': ' Report: `{path}`.',
        'md_hosts': 'Hosts', 'md_sites': 'Sites',
        'md_change': 'Change', 'md_scope': 'Scope', 'md_where': 'Host or site', 'md_finding': 'Finding',
        'md_subject': 'Subject',
        'md_folded': '{count} healthy host(s), every check ok: {names}',
        'md_root_cause': 'Root cause',
        'md_checklist': 'Checklist',
        'md_explains': 'Explains',
        'md_no_findings': 'No findings.',
        'md_reason_unreachable': 'Unreachable', 'md_reason_failed': 'Not audited',
        # -- junit.xml (texts; suite, case names and failure types stay English) -----------------
        'junit_since_mark': 'since last audit: {change}',
        'junit_explained_by': 'explained by: {ref}',
        'junit_change': '{change} since {previous}: [{status}] {message}',
        # -- audit.html -----------------------------------------------------------------------------
        'generated': 'Generated',
        'hosts': 'hosts',
        'host_one': 'host',
        'sites': 'sites',
        'show': 'Show',
        'filter_all': 'All',
        'filter_problems': 'Problems',
        'filter_critical': 'Critical',
        'filter_unknown': 'Unknown',
        'filter_warning': 'Warning',
        'filter_unreachable': 'Unreachable',
        'filter_ok': 'OK',
        'show_all': 'show',
        'site_checks': 'site checks',
        'runner': 'run from',
        'no_runner': 'no host could run them',
        'root_causes': 'Root causes',
        'other_findings': 'Other findings',
        'checklist': '§13 checklist',
        'explains': 'Explains',
        'symptoms': 'symptom(s)',
        'no_symptom': 'No other finding depends on it.',
        'explained_elsewhere': 'explained by',
        'healthy': 'Healthy',
        'no_findings': 'No findings: every check is ok.',
        'no_findings_site': 'No findings.',
        'none': 'none',
        'value': 'value',
        'threshold': 'threshold',
        'guide': 'guide',
        'not_run': 'not run',
        'reason': 'Why no result',
        'legend': 'Cell: the check\'s status on that host; "·" = not run there.',
        'footer': 'tank.monitoring audit report, schema version',
    },
    'ko': {
        'ok': '정상', 'warning': '경고', 'unknown': '알 수 없음', 'critical': '심각', 'unreachable': '연결 불가',
        'short': {'ok': '정상', 'warning': '경고', 'unknown': '알 수 없음', 'critical': '심각',
                  'unreachable': '연결 불가'},
        'loud': {'ok': '정상', 'warning': '경고', 'unknown': '알 수 없음', 'critical': '심각',
                 'unreachable': '연결 불가'},
        'title': 'Tank 모니터링 점검',
        'host': '호스트',
        'site': '사이트',
        'status': '상태',
        'runner_column': '실행 호스트',
        'findings': '발견 사항',
        'remedy': '조치',
        'since_last': '지난 점검 이후',
        'new': '신규', 'resolved': '해결', 'persisting': '지속', 'not_rechecked': '재점검 안 됨',
        'scope_host': '호스트', 'scope_site': '사이트',
        'count_status': '{status} {count}',
        'since_first': '이 디렉터리의 첫 점검: 비교할 이전 점검이 없습니다',
        'since_counts': '신규 {new}건, 해결 {resolved}건, 지속 {persisting}건',
        'since_not_rechecked': ', 재점검 안 됨 {count}건',
        'since_previous': ' (이전 점검 {generated_at})',
        'console_title': 'Tank 모니터링 점검, {generated_at}: {status}',
        'col_host': '호스트', 'col_site': '사이트', 'col_status': '상태', 'col_runner': '실행 호스트',
        'folded': '+ 모든 점검이 정상인 호스트 {count}대는 생략 (audit.json에 모두 있음)',
        'since_line': '지난 점검 이후: {text}',
        'findings_head': '발견 사항:',
        'findings_none': '발견 사항: 없음',
        'head_host': '호스트 {name}', 'head_site': '사이트 {name}',
        'head_in_site': ' (사이트 {site})',
        'head_runner': ' (점검 실행 호스트 {runner})',
        'reason_unreachable': '연결 불가', 'reason_failed': '점검하지 못함',
        'root_cause': '근본 원인',
        'checklist_line': '점검표: {text}',
        'remedy_line': '조치: {text}',
        'explains_count': '이 원인으로 생긴 발견 사항 {count}건:',
        'other_findings_head': '기타 발견 사항:',
        'explained_by_paren': ' (원인: {ref})',
        'summary_line': '요약: 호스트 {hosts}대, 사이트 {sites}곳: {counts}; 근본 원인 {causes}건',
        'report_line': '보고서: {path}',
        'md_title': '# Tank 모니터링 점검: {status}',
        'md_generated': '생성 {generated_at}. 호스트 {hosts}대, 사이트 {sites}곳: {counts}.',
        'md_report': ' 보고서: `{path}`.',
        'md_hosts': '호스트', 'md_sites': '사이트',
        'md_change': '변화', 'md_scope': '범위', 'md_where': '호스트 또는 사이트', 'md_finding': '발견 사항',
        'md_subject': '대상',
        'md_folded': '모든 점검이 정상인 호스트 {count}대: {names}',
        'md_root_cause': '근본 원인',
        'md_checklist': '점검표',
        'md_explains': '이 원인으로 생긴 발견 사항',
        'md_no_findings': '발견 사항 없음.',
        'md_reason_unreachable': '연결 불가', 'md_reason_failed': '점검하지 못함',
        'junit_since_mark': '지난 점검 이후: {change}',
        'junit_explained_by': '원인: {ref}',
        'junit_change': '{previous} 이후 {change}: [{status}] {message}',
        'generated': '생성',
        'hosts': '호스트',
        'host_one': '호스트',
        'sites': '사이트',
        'show': '보기',
        'filter_all': '전체',
        'filter_problems': '문제',
        'filter_critical': '심각',
        'filter_unknown': '알 수 없음',
        'filter_warning': '경고',
        'filter_unreachable': '연결 불가',
        'filter_ok': '정상',
        'show_all': '모두 보기',
        'site_checks': '사이트 점검',
        'runner': '실행 호스트',
        'no_runner': '실행할 수 있는 호스트 없음',
        'root_causes': '근본 원인',
        'other_findings': '기타 발견 사항',
        'checklist': '§13 장애 대응 빠른 점검표',
        'explains': '이 원인으로 생긴 증상',
        'symptoms': '건',
        'no_symptom': '이 원인에 딸린 다른 발견 사항은 없습니다.',
        'explained_elsewhere': '원인',
        'healthy': '정상',
        'no_findings': '발견 사항 없음: 모든 점검이 정상입니다.',
        'no_findings_site': '발견 사항 없음.',
        'none': '없음',
        'value': '값',
        'threshold': '기준',
        'guide': '가이드',
        'not_run': '실행 안 함',
        'reason': '결과가 없는 이유',
        'legend': '칸: 그 호스트에서 그 점검의 상태, "·" = 그 호스트에서 실행하지 않음.',
        'footer': 'tank.monitoring 점검 보고서, 스키마 버전',
    },
}

LANGUAGES = tuple(LABELS)
# audit_report_color: how the console report is coloured (_render.color_enabled).
COLOR_MODES = ('auto', 'always', 'never')


def labels(lang):
    """The label table of ``lang``; ValueError naming the supported languages otherwise."""
    if lang not in LABELS:
        raise ValueError('lang %r is not supported (supported: %s)' % (lang, ', '.join(LANGUAGES)))
    return LABELS[lang]


def status_word(status, lang, form=None):
    """A status in ``lang``: the plain word, or its ``short`` (matrix) or ``loud`` (heading) form.

    An unknown status value is shown as it is.
    """
    table = labels(lang)
    if form:
        return table[form].get(status, status)
    return table.get(status, status) if status in STATUS_KEYS else status
