# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Renderers of the fleet report (docs/audit-report.md): pure functions of the report dict.

Console text, Markdown, JUnit XML, Prometheus text exposition, the "since last audit" comparison
and the ``set_stats`` summary. Shared by the filters (plugins/filter/audit_render.py), the
``audit_console`` action, the tests and any translation: no Ansible import, no I/O.

Root causes (``root_causes`` of a host or site entry: ``{finding, check, checklist, remedy,
explains}``) and explained findings (``explained_by: "<host or site>:<finding id>"``) are shown when
present: each cause first with its remedy, the symptoms it explains under it, then the rest.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from xml.etree import ElementTree

from ansible_collections.tank.monitoring.plugins.module_utils import _i18n
from ansible_collections.tank.monitoring.plugins.module_utils._contract import STATUS_ORDER
from ansible_collections.tank.monitoring.plugins.module_utils._labels import CHECKLIST as _CHECKLISTS
from ansible_collections.tank.monitoring.plugins.module_utils._labels import labels as _labels
from ansible_collections.tank.monitoring.plugins.module_utils._labels import COLOR_MODES, status_word

UNREACHABLE = 'unreachable'
LEVELS = STATUS_ORDER + (UNREACHABLE,)
_LEVEL = dict((s, i) for i, s in enumerate(LEVELS))
CHECK_ORDER = ('resources', 'pm2', 'logs', 'health', 'nginx', 'oracle', 'logsdb', 'storage', 'ses')

# The guide's §13 quick triage checklist, in its order (monitoring-guide.en.md); the Korean
# original's words are _labels.CHECKLIST['ko'].
CHECKLIST = _CHECKLISTS['en']
NO_CHECKLIST = 99

# Hosts listed in the matrices before healthy ones are folded into a count.
FOLD_HEALTHY_OVER = 20

ANSI = {'ok': '32', 'warning': '33', 'unknown': '35', 'critical': '31', UNREACHABLE: '1;31',
        'bold': '1', 'dim': '2', 'new': '31', 'resolved': '32', 'persisting': '33'}
SHORT = _labels('en')['short']

# Prometheus metric names written to tank_audit.prom (the Grafana dashboard queries only these).
METRIC_NAMES = (
    'tank_audit_host_status', 'tank_audit_host_check_status', 'tank_audit_site_status',
    'tank_audit_site_check_status', 'tank_audit_hosts', 'tank_audit_findings', 'tank_audit_root_causes',
    'tank_audit_since_last_findings', 'tank_audit_last_run_timestamp_seconds',
)


# ---------------------------------------------------------------------------------------------
# Levels and widths

def level(status):
    """Rank of a status in ``ok < warning < unknown < critical < unreachable``."""
    return _LEVEL.get(status, _LEVEL['unknown'])


def reaches(status, fail_on):
    """True when ``status`` is at or above ``fail_on`` (``never`` never reaches)."""
    if not fail_on or fail_on == 'never':
        return False
    return level(status) >= level(fail_on)


def worst(statuses):
    result = 'ok'
    for status in statuses:
        if level(status) > level(result):
            result = status
    return result


def display_width(text):
    """Columns ``text`` takes on a terminal: wide (east-asian W/F) characters count two, combining none."""
    width = 0
    for char in str(text):
        if unicodedata.combining(char) or unicodedata.category(char) in ('Cf', 'Mn', 'Me'):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ('W', 'F') else 1
    return width


def pad(text, width):
    """``text`` left-aligned in ``width`` display columns."""
    text = str(text)
    return text + ' ' * max(0, width - display_width(text))


def color_enabled(mode, environ, terminal):
    """Whether the console report is coloured.

    ``mode``: ``always``, ``never`` or ``auto``. ``auto`` is plain when ``NO_COLOR`` is set (non-empty,
    no-color.org), in an AWX / Automation Controller job (``AWX_HOST`` and ``JOB_ID`` in the
    environment: the job output is kept as text) and when Ansible itself does not colour
    (``terminal`` false: not a terminal, ``ANSIBLE_NOCOLOR``; ``ANSIBLE_FORCE_COLOR`` makes it true).
    """
    if mode not in COLOR_MODES:
        raise ValueError('audit_report_color must be auto, always or never, got %r' % (mode,))
    if mode != 'auto':
        return mode == 'always'
    if environ.get('NO_COLOR'):
        return False
    if environ.get('AWX_HOST') and environ.get('JOB_ID'):
        return False
    return bool(terminal)


def _paint(text, key, color):
    if not color or key not in ANSI:
        return text
    return '\x1b[%sm%s\x1b[0m' % (ANSI[key], text)


# ---------------------------------------------------------------------------------------------
# The report's entries, findings and causes

def entries(report):
    """``(kind, name, entry)`` for every site then every host, names sorted."""
    for kind, key in (('site', 'sites'), ('host', 'hosts')):
        for name in sorted(report.get(key) or {}):
            yield kind, name, report[key][name]


def _check_names(entry):
    checks = entry.get('checks') or {}
    return [c for c in CHECK_ORDER if c in checks] + sorted(c for c in checks if c not in CHECK_ORDER)


def findings_of(entry):
    """Every finding of an entry, each a copy with its ``check``."""
    result = []
    for check in _check_names(entry):
        for finding in (entry['checks'][check] or {}).get('findings') or []:
            result.append(dict(finding, check=check))
    return result


def checklist_rank(value):
    """Position (1-7) of a §13 checklist item given as a number, ``"3"``, ``"§13.3 ..."`` or its text."""
    if isinstance(value, dict):
        value = value.get('item', value.get('number', value.get('text')))
    if isinstance(value, bool) or value is None:
        return NO_CHECKLIST
    if isinstance(value, int):
        return value if 1 <= value <= len(CHECKLIST) else NO_CHECKLIST
    text = str(value).strip()
    match = re.match(r'^(?:§?\s*13\s*[.:/-]\s*|§?\s*13\s+item\s+|item\s+)?(\d+)\b', text, re.I)
    if match and 1 <= int(match.group(1)) <= len(CHECKLIST):
        return int(match.group(1))
    lowered = text.lower()
    for index, item in enumerate(CHECKLIST, 1):
        if item.split(' -> ')[0].lower() in lowered:
            return index
    return NO_CHECKLIST


def checklist_label(value, lang='en'):
    """How a checklist item is shown: ``§13.1 Backend not answering -> check pm2 status``.

    In another language a known item is the guide's own words in it (``§13.1 Backend 응답 없음 →
    pm2 status 확인``); a text that names no item is kept as given.
    """
    rank = checklist_rank(value)
    if lang != 'en' and rank != NO_CHECKLIST:
        return '§13.%d %s' % (rank, _CHECKLISTS[lang][rank - 1])
    if isinstance(value, str) and value.strip() and not value.strip().isdigit():
        text = value.strip()
        if rank != NO_CHECKLIST and not text.startswith('§'):
            return '§13.%d %s' % (rank, text) if not re.match(r'^\d', text) else '§13.' + text
        return text
    if rank != NO_CHECKLIST:
        return '§13.%d %s' % (rank, CHECKLIST[rank - 1])
    return ''


def _severity_key(finding):
    return (-level(finding.get('status', 'unknown')), CHECK_ORDER.index(finding['check'])
            if finding.get('check') in CHECK_ORDER else len(CHECK_ORDER), finding.get('id', ''),
            str(finding.get('subject') or ''))


def cause_remedy(cause, finding=None, lang='en'):
    """The remedy shown for a root cause in ``lang``: the one the report gives it (its finding's, in
    the language the audit ran with) or its finding's; the remedy of its diagnosis rule (``rule``) in
    ``lang`` when it has none or has the rule's English one (a report diagnosed in English)."""
    remedy = cause.get('remedy') or (finding or {}).get('remedy')
    rule = cause.get('rule')
    if lang != 'en' and rule in _i18n.RULES and (not remedy or remedy == _i18n.rule_remedy(rule, 'en')):
        return _i18n.rule_remedy(rule, lang, remedy)
    return remedy


def organise(name, entry, lang='en'):
    """``{'causes': [...], 'others': [...]}`` of one host or site entry.

    A cause is its finding (with ``check``, ``checklist``, ``rule``, ``remedy`` from ``root_causes``,
    the remedy in ``lang``: ``cause_remedy``) and
    ``symptoms``: the findings it explains (those marked ``explained_by: "<name>:<id>"`` or listed
    in its ``explains``). Causes are ordered by §13 checklist item then severity; symptoms and the
    rest (findings no cause explains) by severity.
    """
    findings = findings_of(entry)
    causes = []
    used = set()
    for cause in entry.get('root_causes') or []:
        fid = cause.get('finding')
        index = next((i for i, f in enumerate(findings) if f.get('id') == fid and i not in used), None)
        base = findings[index] if index is not None else {'id': fid, 'status': 'unknown', 'message': '',
                                                          'check': cause.get('check')}
        if index is not None:
            used.add(index)
        item = dict(base, check=cause.get('check') or base.get('check'), checklist=cause.get('checklist'),
                    rule=cause.get('rule'), remedy=cause_remedy(cause, base, lang), symptoms=[])
        item['_explains'] = list(cause.get('explains') or [])
        causes.append(item)
    by_ref = dict(('%s:%s' % (name, c['id']), c) for c in causes)
    others = []
    for index, finding in enumerate(findings):
        if index in used:
            continue
        owner = None
        ref = finding.get('explained_by')
        if ref:
            owner = by_ref.get(ref) or next((c for c in causes if ref.endswith(':' + str(c['id']))), None)
            if owner is None:
                # Explained by a cause of another entry (a site's database explains a host's symptom).
                finding = dict(finding, explained_elsewhere=ref)
        if owner is None and not ref:
            owner = next((c for c in causes if finding.get('id') in c['_explains']), None)
        if owner is not None:
            owner['symptoms'].append(finding)
        else:
            others.append(finding)
    for cause in causes:
        cause.pop('_explains')
        cause['symptoms'].sort(key=_severity_key)
    causes.sort(key=lambda c: (checklist_rank(c.get('checklist')), -level(c.get('status', 'unknown')), c.get('id', '')))
    others.sort(key=_severity_key)
    return {'causes': causes, 'others': others}


def _has_findings(entry):
    return bool(entry.get('reason') or findings_of(entry) or entry.get('root_causes'))


def _healthy(entry):
    return entry.get('status') == 'ok' and not _has_findings(entry)


def _overall(report):
    return worst([e.get('status', 'unknown') for _k, _n, e in entries(report)] or ['ok'])


# ---------------------------------------------------------------------------------------------
# Since last audit

def finding_key(kind, name, finding):
    return '%s:%s|%s|%s' % (kind, name, finding.get('id'), finding.get('subject') or '')


def _keyed(report):
    keyed = {}
    for kind, name, entry in entries(report or {}):
        if entry.get('reason'):
            pseudo = {'id': 'audit.%s.%s' % (kind, 'unreachable' if entry.get('status') == UNREACHABLE else 'failed'),
                      'status': entry.get('status'), 'message': entry['reason'], 'check': None}
            keyed[finding_key(kind, name, pseudo)] = (kind, name, pseudo)
        for finding in findings_of(entry):
            keyed[finding_key(kind, name, finding)] = (kind, name, finding)
    return keyed


def _change(kind, name, finding):
    item = {'scope': kind, 'name': name, 'id': finding.get('id'), 'status': finding.get('status'),
            'message': finding.get('message') or ''}
    if finding.get('check'):
        item['check'] = finding['check']
    if finding.get('subject'):
        item['subject'] = finding['subject']
    return item


def since_last(report, previous):
    """New, resolved and persisting findings of ``report`` against the ``previous`` report.

    Findings are keyed by host or site, finding id and subject. A previous finding whose host, site
    or check was not audited this time is ``not_rechecked``, not resolved. ``previous`` may be None
    (first audit) or an unreadable document (``previous_error``).
    """
    result = {'previous_generated_at': None, 'new': [], 'resolved': [], 'persisting': [], 'not_rechecked': []}
    if not isinstance(previous, dict) or not isinstance(previous.get('hosts', {}), dict):
        if previous not in (None, '', {}):
            result['previous_error'] = 'the previous audit.json is not a report'
        result['first_audit'] = previous in (None, '', {})
        return result
    result['first_audit'] = False
    result['previous_generated_at'] = previous.get('generated_at')
    now, before = _keyed(report), _keyed(previous)
    for key in sorted(now):
        kind, name, finding = now[key]
        (result['persisting'] if key in before else result['new']).append(_change(kind, name, finding))
    for key in sorted(before):
        if key in now:
            continue
        kind, name, finding = before[key]
        entry = (report.get(kind + 's') or {}).get(name)
        audited = entry is not None and not entry.get('reason') and (
            finding.get('check') is None or finding.get('check') in (entry.get('checks') or {}))
        (result['resolved'] if audited else result['not_rechecked']).append(_change(kind, name, finding))
    return result


def since_last_text(report, text):
    """``since_last`` against the previous ``audit.json`` as read from disk (text, bytes, None or '')."""
    if isinstance(text, bytes):
        text = text.decode('utf-8', 'replace')
    if not text or not text.strip():
        return since_last(report, None)
    try:
        previous = json.loads(text)
    except ValueError as exc:
        result = since_last(report, None)
        result.update(first_audit=False, previous_error='the previous audit.json is not valid JSON: %s' % exc)
        return result
    return since_last(report, previous)


def _since(report):
    data = report.get('since_last_audit')
    return data if isinstance(data, dict) else None


def _change_text(change, lang='en'):
    where = '%s %s' % (_labels(lang)['scope_site' if change['scope'] == 'site' else 'scope_host'], change['name'])
    subject = ' (%s)' % change['subject'] if change.get('subject') else ''
    return '%s %s%s' % (where, change['id'], subject)


def since_summary(report, lang='en'):
    words = _labels(lang)
    data = _since(report)
    if data is None:
        return None
    if data.get('first_audit'):
        return words['since_first']
    text = words['since_counts'].format(new=len(data['new']), resolved=len(data['resolved']),
                                        persisting=len(data['persisting']))
    if data.get('not_rechecked'):
        text += words['since_not_rechecked'].format(count=len(data['not_rechecked']))
    if data.get('previous_generated_at'):
        text += words['since_previous'].format(generated_at=data['previous_generated_at'])
    if data.get('previous_error'):
        text += ' (%s)' % data['previous_error']
    return text


# ---------------------------------------------------------------------------------------------
# Console

def _matrix_rows(kind, items, checks, color, extra=None, lang='en'):
    """Rows of a matrix, columns aligned by display width."""
    words = _labels(lang)
    header = [words['col_' + kind], words['col_status']] + ([words[extra[0]]] if extra else []) + list(checks)
    rows = []
    for name, entry in items:
        row = [(name, None), (status_word(entry.get('status', '?'), lang, 'short'), entry.get('status'))]
        if extra:
            row.append((extra[1](entry), None))
        for check in checks:
            result = (entry.get('checks') or {}).get(check)
            status = result.get('status') if result else None
            row.append((status_word(status, lang, 'short') if status else '-', status))
        rows.append(row)
    widths = [display_width(h) for h in header]
    for row in rows:
        for i, (text, _s) in enumerate(row):
            widths[i] = max(widths[i], display_width(text))
    lines = ['  '.join(pad(h, widths[i]) for i, h in enumerate(header)).rstrip()]
    for row in rows:
        cells = [(_paint(text, status, color) if status else text) + ' ' * (widths[i] - display_width(text))
                 for i, (text, status) in enumerate(row)]
        lines.append('  '.join(cells).rstrip())
    return lines


def _fold(items, fold_over):
    """Items to list, and the names of healthy ones folded into a count (over ``fold_over`` entries)."""
    if len(items) <= fold_over:
        return items, []
    shown = [(n, e) for n, e in items if not _healthy(e)]
    return shown, [n for n, e in items if _healthy(e)]


def _finding_line(finding, color, indent, lang='en'):
    subject = ' %s' % finding['subject'] if finding.get('subject') else ''
    status = finding.get('status', 'unknown')
    tag = _paint('[%s]' % status_word(status, lang), status, color)
    text = '%s%s %s%s: %s' % (indent, tag, finding.get('id'), subject, finding.get('message') or '')
    if finding.get('explained_elsewhere'):
        text += _labels(lang)['explained_by_paren'].format(ref=finding['explained_elsewhere'])
    return text


def entry_lines(kind, name, entry, color=False, lang='en'):
    """The findings block of one host or site: causes with remedy and symptoms, then the rest."""
    words = _labels(lang)
    status = entry.get('status', 'unknown')
    head = words['head_' + kind].format(name=name)
    if kind == 'host' and entry.get('site'):
        head += words['head_in_site'].format(site=entry['site'])
    if kind == 'site' and entry.get('runner'):
        head += words['head_runner'].format(runner=entry['runner'])
    lines = ['%s: %s' % (_paint(head, 'bold', color), _paint(status_word(status, lang, 'loud'), status, color))]
    if entry.get('reason'):
        lines.append('  %s: %s' % (words['reason_unreachable' if status == UNREACHABLE else 'reason_failed'],
                                   entry['reason']))
    parts = organise(name, entry, lang)
    for cause in parts['causes']:
        label = checklist_label(cause.get('checklist'), lang)
        lines.append('  %s %s' % (_paint(words['root_cause'], 'bold', color),
                                  _finding_line(cause, color, '', lang).strip()))
        if label:
            lines.append('      ' + words['checklist_line'].format(text=label))
        if cause.get('remedy'):
            lines.append('      ' + words['remedy_line'].format(text=cause['remedy']))
        if cause['symptoms']:
            lines.append('      ' + words['explains_count'].format(count=len(cause['symptoms'])))
            lines.extend(_finding_line(s, color, '        ', lang) for s in cause['symptoms'])
    if parts['causes'] and parts['others']:
        lines.append('  ' + words['other_findings_head'])
    for finding in parts['others']:
        lines.append(_finding_line(finding, color, '  ', lang))
        if finding.get('remedy'):
            lines.append('      ' + words['remedy_line'].format(text=finding['remedy']))
    return lines


def _counts_text(summary, lang):
    words = _labels(lang)
    return ', '.join(words['count_status'].format(count=summary.get(s, 0), status=status_word(s, lang))
                     for s in LEVELS)


def console_text(report, color=False, report_path=None, fold_over=FOLD_HEALTHY_OVER, lang='en'):
    """The console report: overall status, host x check and site x check matrices (healthy hosts
    folded into a count over ``fold_over`` hosts), since last audit, then per host and site its root
    causes with remedies and explained symptoms indented, then the other findings. Every fixed word
    comes from the ``lang`` table of ``_labels.LABELS``."""
    words = _labels(lang)
    hosts = report.get('hosts') or {}
    sites = report.get('sites') or {}
    summary = report.get('summary') or {}
    overall = _overall(report)
    lines = [words['console_title'].format(generated_at=report.get('generated_at'),
                                           status=_paint(status_word(overall, lang, 'loud'), overall, color)), '']
    host_checks = [c for c in CHECK_ORDER if any(c in (h.get('checks') or {}) for h in hosts.values())]
    site_checks = [c for c in CHECK_ORDER if any(c in (s.get('checks') or {}) for s in sites.values())]
    items, folded = _fold(sorted(hosts.items(), key=lambda kv: kv[0]), fold_over)
    if items:
        lines += _matrix_rows('host', items, host_checks, color, lang=lang)
    if folded:
        lines.append(words['folded'].format(count=len(folded)))
    if sites:
        lines += [''] + _matrix_rows('site', sorted(sites.items()), site_checks, color,
                                     extra=('col_runner', lambda e: e.get('runner') or '-'), lang=lang)
    since = since_summary(report, lang)
    if since is not None:
        lines += ['', words['since_line'].format(text=since)]
        data = _since(report)
        width = max(display_width(words[c]) for c in ('new', 'resolved')) + 1
        for change in ('new', 'resolved'):
            for item in data.get(change) or []:
                lines.append('  %s %s' % (_paint(pad(words[change].lower(), width), change, color),
                                          _change_text(item, lang)))
    blocks = []
    ordered = sorted(((k, n, e) for k, n, e in entries(report) if _has_findings(e)),
                     key=lambda t: (min([checklist_rank(c.get('checklist')) for c in t[2].get('root_causes') or []]
                                        or [NO_CHECKLIST + 1]), -level(t[2].get('status', 'unknown')),
                                    t[0] != 'site', t[1]))
    for kind, name, entry in ordered:
        blocks += [''] + entry_lines(kind, name, entry, color, lang)
    if blocks:
        lines += ['', words['findings_head']] + blocks[1:]
    else:
        lines += ['', words['findings_none']]
    causes = sum(len(e.get('root_causes') or []) for _k, _n, e in entries(report))
    lines += ['', words['summary_line'].format(hosts=summary.get('hosts', len(hosts)),
                                               sites=summary.get('sites', len(sites)),
                                               counts=_counts_text(summary, lang), causes=causes)]
    if report_path:
        lines.append(words['report_line'].format(path=report_path))
    return '\n'.join(lines)


# ---------------------------------------------------------------------------------------------
# Markdown

_MD_SPECIAL = re.compile(r'([\\`*_\[\]<>|#])')


def md(text):
    """Markdown-escaped inline text (one line)."""
    return _MD_SPECIAL.sub(r'\\\1', ' '.join(str(text).split()))


def _md_table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '|'.join('---' for _h in header) + '|']
    lines += ['| ' + ' | '.join(row) + ' |' for row in rows]
    return lines


def _md_status(status, lang='en'):
    word = status_word(status, lang) if status else '-'
    return '**%s**' % word if status and status != 'ok' else word


def _md_finding(finding, lang='en'):
    subject = ' %s' % md(finding['subject']) if finding.get('subject') else ''
    text = '%s `%s`%s: %s' % (_md_status(finding.get('status'), lang), finding.get('id'), subject,
                              md(finding.get('message') or ''))
    if finding.get('explained_elsewhere'):
        text += _labels(lang)['explained_by_paren'].format(ref='`%s`' % finding['explained_elsewhere'])
    return text


def markdown(report, report_path=None, fold_over=FOLD_HEALTHY_OVER, lang='en'):
    """``audit.md``: the same content as the console, for a ticket or an e-mail, in ``lang``."""
    words = _labels(lang)
    hosts = report.get('hosts') or {}
    sites = report.get('sites') or {}
    summary = report.get('summary') or {}
    overall = _overall(report)
    lines = [words['md_title'].format(status=status_word(overall, lang, 'loud')), '',
             words['md_generated'].format(generated_at=report.get('generated_at'),
                                          hosts=summary.get('hosts', len(hosts)), sites=summary.get('sites', len(sites)),
                                          counts=_counts_text(summary, lang))]
    if report_path:
        lines[-1] += words['md_report'].format(path=report_path)
    since = since_summary(report, lang)
    if since is not None:
        lines += ['', '## ' + words['since_last'], '', md(since) + '.']
        data = _since(report)
        rows = [[words[change].lower(), words['scope_' + item['scope']] if item['scope'] in ('host', 'site') else item['scope'],
                 md(item['name']), '`%s`' % item['id'], md(item.get('subject') or ''),
                 _md_status(item.get('status'), lang)]
                for change in ('new', 'resolved', 'persisting', 'not_rechecked') for item in data.get(change) or []]
        if rows:
            lines += [''] + _md_table([words[k] for k in ('md_change', 'md_scope', 'md_where', 'md_finding',
                                                          'md_subject', 'status')], rows)
    host_checks = [c for c in CHECK_ORDER if any(c in (h.get('checks') or {}) for h in hosts.values())]
    site_checks = [c for c in CHECK_ORDER if any(c in (s.get('checks') or {}) for s in sites.values())]
    items, folded = _fold(sorted(hosts.items()), fold_over)
    lines += ['', '## ' + words['md_hosts'], '']
    if items:
        lines += _md_table([words['host'], words['site'], words['status']] + host_checks,
                           [[md(n), md(e.get('site') or ''), _md_status(e.get('status'), lang)]
                            + [_md_status(((e.get('checks') or {}).get(c) or {}).get('status'), lang)
                               for c in host_checks]
                            for n, e in items])
    if folded:
        lines += ['', words['md_folded'].format(count=len(folded), names=md(', '.join(folded)))]
    if sites:
        lines += ['', '## ' + words['md_sites'], ''] + _md_table(
            [words['site'], words['runner_column'], words['status']] + site_checks,
            [[md(n), md(e.get('runner') or '-'), _md_status(e.get('status'), lang)]
             + [_md_status(((e.get('checks') or {}).get(c) or {}).get('status'), lang) for c in site_checks]
             for n, e in sorted(sites.items())])
    lines += ['', '## ' + words['findings'], '']
    found = False
    for kind, name, entry in entries(report):
        if not _has_findings(entry):
            continue
        found = True
        lines += ['### %s %s: %s' % (words[kind], md(name), status_word(entry.get('status', 'unknown'), lang)), '']
        if entry.get('reason'):
            lines += ['%s: %s' % (words['md_reason_unreachable' if entry.get('status') == UNREACHABLE
                                        else 'md_reason_failed'], md(entry['reason'])), '']
        parts = organise(name, entry, lang)
        for cause in parts['causes']:
            lines.append('- **%s** %s' % (words['md_root_cause'], _md_finding(cause, lang)))
            label = checklist_label(cause.get('checklist'), lang)
            if label:
                lines.append('  - %s: %s' % (words['md_checklist'], md(label)))
            if cause.get('remedy'):
                lines.append('  - %s: %s' % (words['remedy'], md(cause['remedy'])))
            if cause['symptoms']:
                lines.append('  - %s:' % words['md_explains'])
                lines.extend('    - %s' % _md_finding(s, lang) for s in cause['symptoms'])
        for finding in parts['others']:
            lines.append('- %s' % _md_finding(finding, lang))
            if finding.get('remedy'):
                lines.append('  - %s: %s' % (words['remedy'], md(finding['remedy'])))
        lines.append('')
    if not found:
        lines += [words['md_no_findings'], '']
    return '\n'.join(lines).rstrip('\n') + '\n'


# ---------------------------------------------------------------------------------------------
# JUnit

def junit_level(fail_on):
    """The level at which a JUnit test case fails: ``audit_fail_on``, or ``warning`` when never."""
    return 'warning' if not fail_on or fail_on == 'never' else fail_on


def _finding_text(finding, lang='en'):
    # Status keys stay English here: CI tools and scripts read them.
    words = _labels(lang)
    subject = ' %s' % finding['subject'] if finding.get('subject') else ''
    text = '[%s] %s%s: %s' % (finding.get('status'), finding.get('id'), subject, finding.get('message') or '')
    if finding.get('remedy'):
        text += '\n    ' + words['remedy_line'].format(text=finding['remedy'])
    if finding.get('explained_by'):
        text += '\n    ' + words['junit_explained_by'].format(ref=finding['explained_by'])
    return text


def junit_xml(report, fail_on='never', lang='en'):
    """``junit.xml``: a test suite per host and site, a test case per check; a failure when a finding
    is at or above ``junit_level(fail_on)``; an error when the host or site could not be audited.

    Texts (failure bodies, system-out) are in ``lang``; suite and test case names, classnames and
    failure types (status keys) are the same in every language, so CI history keeps its keys."""
    words = _labels(lang)
    threshold = junit_level(fail_on)
    since = _since(report) or {}
    marks = {}
    for change in ('new', 'persisting'):
        for item in since.get(change) or []:
            marks['%s:%s|%s|%s' % (item['scope'], item['name'], item['id'], item.get('subject') or '')] = change
    root = ElementTree.Element('testsuites', name='tank.monitoring audit')
    totals = dict(tests=0, failures=0, errors=0, skipped=0)
    stamp = report.get('generated_at') or ''
    for kind, name, entry in entries(report):
        suite = ElementTree.SubElement(root, 'testsuite', name='%s %s' % (kind, name), timestamp=stamp)
        props = ElementTree.SubElement(suite, 'properties')
        for key in ('site', 'runner', 'status'):
            if entry.get(key):
                ElementTree.SubElement(props, 'property', name=key, value=str(entry[key]))
        causes = organise(name, entry, lang)['causes']
        counts = dict(tests=0, failures=0, errors=0, skipped=0)
        duration = 0.0
        classname = '%ss.%s' % (kind, name)
        if entry.get('reason'):
            case = ElementTree.SubElement(suite, 'testcase', classname=classname, name='audit', time='0')
            error = ElementTree.SubElement(case, 'error', type=entry.get('status', 'unknown'),
                                           message=entry['reason'][:500])
            error.text = entry['reason']
            counts['tests'] += 1
            counts['errors'] += 1
        for check in _check_names(entry):
            result = entry['checks'][check] or {}
            seconds = float(result.get('duration_seconds') or 0)
            duration += seconds
            case = ElementTree.SubElement(suite, 'testcase', classname=classname, name=check, time='%.3f' % seconds)
            counts['tests'] += 1
            findings = [dict(f, check=check) for f in result.get('findings') or []]
            failing = [f for f in findings if reaches(f.get('status', 'unknown'), threshold)]
            texts = []
            for finding in findings:
                cause = next((c for c in causes if c.get('id') == finding.get('id')), None)
                text = _finding_text(finding if cause is None else dict(finding, remedy=cause.get('remedy')), lang)
                mark = marks.get(finding_key(kind, name, finding))
                if mark:
                    text += '\n    ' + words['junit_since_mark'].format(change=words[mark].lower())
                if cause is not None:
                    label = checklist_label(cause.get('checklist'), lang)
                    text = words['root_cause'] + ' ' + text + (
                        '\n    ' + words['checklist_line'].format(text=label) if label else '')
                texts.append(text)
            if failing:
                worst_finding = sorted(failing, key=_severity_key)[0]
                failure = ElementTree.SubElement(case, 'failure', type=worst(f['status'] for f in failing),
                                                 message='%s: %s' % (worst_finding['id'],
                                                                     (worst_finding.get('message') or '')[:400]))
                failure.text = '\n'.join(texts)
                counts['failures'] += 1
            elif texts:
                ElementTree.SubElement(case, 'system-out').text = '\n'.join(texts)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set('time', '%.3f' % duration)
    if since and not since.get('first_audit'):
        suite = ElementTree.SubElement(root, 'testsuite', name='since last audit', timestamp=stamp)
        count = 0
        for change in ('resolved', 'new', 'persisting', 'not_rechecked'):
            for item in since.get(change) or []:
                case = ElementTree.SubElement(suite, 'testcase', classname='since_last_audit.%s' % change,
                                              name='%s %s' % (change, _change_text(item)), time='0')
                ElementTree.SubElement(case, 'system-out').text = words['junit_change'].format(
                    change=words[change].lower(), previous=since.get('previous_generated_at'),
                    status=item.get('status'), message=item.get('message'))
                count += 1
        for key, value in dict(tests=count, failures=0, errors=0, skipped=0).items():
            suite.set(key, str(value))
        totals['tests'] += count
        suite.set('time', '0')
    for key, value in totals.items():
        root.set(key, str(value))
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding='unicode') + '\n'


# ---------------------------------------------------------------------------------------------
# Prometheus

def _label(value):
    return str(value).replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')


def _sample(name, labels, value):
    inner = ','.join('%s="%s"' % (k, _label(v)) for k, v in labels)
    return '%s{%s} %s' % (name, inner, value) if labels else '%s %s' % (name, value)


def timestamp_seconds(generated_at):
    """Epoch seconds of a report's ``generated_at`` (``%Y-%m-%dT%H:%M:%SZ``); None when unparsable."""
    try:
        moment = datetime.datetime.strptime(str(generated_at), '%Y-%m-%dT%H:%M:%SZ')
    except ValueError:
        return None
    return int(moment.replace(tzinfo=datetime.timezone.utc).timestamp())


def prometheus_text(report):
    """``tank_audit.prom``: the text exposition format for node_exporter's textfile collector.

    Status values: 0 ok, 1 warning, 2 unknown, 3 critical, 4 unreachable.
    """
    out = []

    def family(name, help_text, samples):
        if not samples:
            return
        out.append('# HELP %s %s' % (name, help_text))
        out.append('# TYPE %s gauge' % name)
        out.extend(_sample(name, labels, value) for labels, value in samples)

    legend = '(0 ok, 1 warning, 2 unknown, 3 critical, 4 unreachable)'
    hosts = report.get('hosts') or {}
    sites = report.get('sites') or {}
    family('tank_audit_host_status', 'Worst status of the host checks of a host %s.' % legend,
           [((('host', n), ('site', e.get('site') or '')), level(e.get('status'))) for n, e in sorted(hosts.items())])
    family('tank_audit_host_check_status', 'Status of one check on one host %s.' % legend,
           [((('host', n), ('site', e.get('site') or ''), ('check', c)), level((e['checks'][c] or {}).get('status')))
            for n, e in sorted(hosts.items()) for c in _check_names(e)])
    family('tank_audit_site_status', 'Worst status of the site checks of a site %s.' % legend,
           [((('site', n),), level(e.get('status'))) for n, e in sorted(sites.items())])
    family('tank_audit_site_check_status', 'Status of one site check of a site %s.' % legend,
           [((('site', n), ('check', c)), level((e['checks'][c] or {}).get('status')))
            for n, e in sorted(sites.items()) for c in _check_names(e)])
    family('tank_audit_hosts', 'Hosts audited, by status.',
           [((('status', s),), sum(1 for e in hosts.values() if e.get('status') == s)) for s in LEVELS])
    counts = dict((s, 0) for s in STATUS_ORDER)
    for _k, _n, entry in entries(report):
        for finding in findings_of(entry):
            if finding.get('status') in counts:
                counts[finding['status']] += 1
    family('tank_audit_findings', 'Findings of the audit, by status.',
           [((('status', s),), counts[s]) for s in STATUS_ORDER if s != 'ok'])
    family('tank_audit_root_causes', 'Root causes diagnosed per host or site.',
           [((('scope', k), ('name', n)), len(e.get('root_causes') or [])) for k, n, e in entries(report)])
    since = _since(report)
    if since is not None and not since.get('first_audit'):
        family('tank_audit_since_last_findings', 'Findings against the previous audit, by change.',
               [((('change', c),), len(since.get(c) or [])) for c in ('new', 'resolved', 'persisting', 'not_rechecked')])
    stamp = timestamp_seconds(report.get('generated_at'))
    if stamp is not None:
        family('tank_audit_last_run_timestamp_seconds', 'When the audit ran (Unix time).', [((), stamp)])
    return '\n'.join(out) + '\n'


# ---------------------------------------------------------------------------------------------
# AWX set_stats

def stats(report, paths=None):
    """The summary published with ``set_stats``: counts, worst status, root causes, report paths."""
    result = {'status': _overall(report), 'generated_at': report.get('generated_at'),
              'counts': dict((s, (report.get('summary') or {}).get(s, 0)) for s in LEVELS),
              'hosts': (report.get('summary') or {}).get('hosts', len(report.get('hosts') or {})),
              'sites': (report.get('summary') or {}).get('sites', len(report.get('sites') or {})),
              'not_ok': {}, 'root_causes': {}, 'reports': dict(paths or {})}
    for kind, name, entry in entries(report):
        key = '%s:%s' % (kind, name)
        if entry.get('status') != 'ok':
            result['not_ok'][key] = entry.get('status')
        causes = organise(name, entry)['causes']
        if causes:
            result['root_causes'][key] = [
                {'finding': c.get('id'), 'check': c.get('check'), 'status': c.get('status'),
                 'checklist': checklist_label(c.get('checklist')), 'remedy': c.get('remedy'),
                 'explains': [s.get('id') for s in c['symptoms']]} for c in causes]
    since = _since(report)
    if since is not None:
        result['since_last_audit'] = dict((c, len(since.get(c) or [])) for c in ('new', 'resolved', 'persisting'))
    return result
