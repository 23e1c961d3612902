# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""``audit.html``: the fleet report (docs/audit-report.md) as ONE self-contained HTML page.

No external script, style, font or image: the page is read offline, attached to a ticket or opened
from an AWX artifact. The status filter is radio buttons and CSS sibling selectors (no script at
all), so it also works where scripts are blocked. Every text that comes from the report (host
names, finding messages taken from logs, remedies) is HTML-escaped.

Layout: a header with the fleet's counts and the filter; "since last audit" when ``changes`` is
given; then one section per site (worst first): a host x check matrix (the site's own checks on
its first row), the root causes with their remedy, §13 checklist item and the symptoms they
explain nested under them, the other findings, and the healthy hosts folded into one line.
"""

from __future__ import annotations

import zlib
from html import escape

from ansible_collections.tank.monitoring.plugins.module_utils._labels import LABELS as _LABELS
from ansible_collections.tank.monitoring.plugins.module_utils._render import cause_remedy, checklist_label

STATUSES = ('ok', 'warning', 'unknown', 'critical')
UNREACHABLE = 'unreachable'
# Display order, worst last: a confirmed critical outranks a host that could not be reached.
_RANK = {'ok': 0, 'warning': 1, 'unknown': 2, UNREACHABLE: 3, 'critical': 4}
# The registry's order (plugins/filter/audit.py CHECK_KEYS; tested in tests/unit/test_registry.py).
CHECK_ORDER = ('resources', 'pm2', 'logs', 'health', 'nginx', 'oracle', 'logsdb', 'storage', 'ses')
SITE_CHECKS = ('oracle', 'logsdb', 'ses')
# Filter choices: (key, statuses shown).
FILTERS = (
    ('all', None),
    ('problems', ('warning', 'unknown', 'critical', UNREACHABLE)),
    ('critical', ('critical',)),
    ('unknown', ('unknown',)),
    ('warning', ('warning',)),
    ('unreachable', (UNREACHABLE,)),
    ('ok', ('ok',)),
)

# The words of the page, per language: the one table of every report format (_labels.py).
LABELS = _LABELS


def _e(value):
    """HTML-escape any value (quotes too: the same text goes into attributes)."""
    return escape('' if value is None else str(value), quote=True)


def _status(value):
    value = str(value or 'unknown').lower()
    return value if value in _RANK else 'unknown'


def _rank(status):
    return _RANK[_status(status)]


def _anchor(kind, name):
    safe = ''.join(ch if ch.isalnum() or ch in '-_' else '-' for ch in str(name))
    return '%s-%s-%08x' % (kind, safe, zlib.crc32(str(name).encode('utf-8')))


def _validate(report, changes, lang):
    if not isinstance(report, dict) or not isinstance(report.get('hosts', {}), dict) \
            or not isinstance(report.get('sites', {}), dict):
        raise ValueError('report must be the audit report (a mapping with "hosts" and "sites" mappings, '
                         'as built by tank.monitoring.audit_report), got %s' % type(report).__name__)
    for kind in ('hosts', 'sites'):
        for name, entry in (report.get(kind) or {}).items():
            if not isinstance(entry, dict):
                raise ValueError('report.%s.%s must be a mapping, got %s' % (kind, name, type(entry).__name__))
    if changes is not None:
        if not isinstance(changes, dict):
            raise ValueError('changes must be a mapping with "new", "resolved" and "persisting" lists, got %s'
                             % type(changes).__name__)
        for key in changes:
            if key not in ('new', 'resolved', 'persisting'):
                raise ValueError('changes: unknown key %r (known: new, resolved, persisting)' % (key,))
            if not isinstance(changes[key] or [], list) or not all(isinstance(i, dict) for i in changes[key] or []):
                raise ValueError('changes.%s must be a list of mappings {where, id, subject, status, message}' % key)
    if lang not in LABELS:
        raise ValueError('lang %r is not supported (supported: %s)' % (lang, ', '.join(sorted(LABELS))))


class _Entry(object):
    """A host or a site of the report, with its findings indexed."""

    def __init__(self, kind, name, data):
        self.kind = kind
        self.name = str(name)
        self.data = data
        self.status = _status(data.get('status'))
        self.checks = data.get('checks') or {}
        self.site = str(data.get('site') or name) if kind == 'host' else str(name)
        self.anchor = _anchor(kind, name)
        self.findings = []
        for check in _ordered(self.checks):
            result = self.checks.get(check) or {}
            for finding in result.get('findings') or []:
                if isinstance(finding, dict):
                    self.findings.append((check, finding))
        self.root_causes = [c for c in data.get('root_causes') or [] if isinstance(c, dict)]
        self.cause_ids = set(str(c.get('finding')) for c in self.root_causes)

    def finding(self, finding_id, check=None):
        """The worst finding of the entry with that id (preferring the named check)."""
        matches = [f for c, f in self.findings if f.get('id') == finding_id and (check is None or c == check)]
        if not matches and check is not None:
            matches = [f for c, f in self.findings if f.get('id') == finding_id]
        return max(matches, key=lambda f: _rank(f.get('status'))) if matches else None

    def statuses(self):
        found = set([self.status])
        found.update(_status(f.get('status')) for _c, f in self.findings)
        return found


def _threshold(value):
    """A threshold as the checks give it (a number, or ``{warning, critical, unit, direction}``)."""
    if not isinstance(value, dict):
        return str(value)
    unit = value.get('unit') or ''
    sign = {'above': '≥ ', 'below': '≤ '}.get(value.get('direction'), '')
    parts = ['%s %s%s%s' % (level, sign, value[level], unit) for level in ('warning', 'critical')
             if value.get(level) is not None]
    return ', '.join(parts) or str(value)


def _short(text, limit):
    text = ' '.join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + '…'


def _ordered(checks):
    known = [c for c in CHECK_ORDER if c in checks]
    return known + sorted(c for c in checks if c not in CHECK_ORDER)


def _pill(status, labels, extra=''):
    status = _status(status)
    return '<span class="pill s-%s%s">%s</span>' % (status, extra, _e(labels[status]))


def _classes(statuses):
    return ' '.join('has-%s' % s for s in sorted(statuses))


def _finding_html(where, finding, labels, tag='li', css='finding', explained=None):
    status = _status(finding.get('status'))
    bits = ['<%s class="%s f st-%s">' % (tag, css, status), _pill(status, labels),
            '<span class="where">%s</span>' % _e(where),
            '<code class="fid">%s</code>' % _e(finding.get('id')),
            '<span class="msg">%s</span>' % _e(finding.get('message'))]
    if css == 'symptom':
        if finding.get('subject') not in (None, '') and str(finding['subject']) not in str(finding.get('message')):
            bits.append('<span class="subj">%s</span>' % _e(finding['subject']))
        bits.append('</%s>' % tag)
        return ''.join(bits)
    meta = []
    if finding.get('subject') not in (None, ''):
        meta.append('<span>%s</span>' % _e(finding.get('subject')))
    if finding.get('value') not in (None, ''):
        meta.append('<span>%s %s</span>' % (_e(labels['value']), _e(finding.get('value'))))
    if finding.get('threshold') not in (None, ''):
        meta.append('<span>%s %s</span>' % (_e(labels['threshold']), _e(_threshold(finding['threshold']))))
    if finding.get('guide_section'):
        meta.append('<span>%s §%s</span>' % (_e(labels['guide']), _e(str(finding['guide_section']).lstrip('§'))))
    if explained:
        meta.append('<span class="xby">%s <a href="#%s">%s</a></span>' % (
            _e(labels['explained_elsewhere']), _e(explained[0]), _e(explained[1])))
    if meta:
        bits.append('<div class="meta">%s</div>' % ''.join(meta))
    if finding.get('remedy'):
        bits.append('<div class="remedy small"><b>%s</b> %s</div>' % (_e(labels['remedy']), _e(finding['remedy'])))
    bits.append('</%s>' % tag)
    return ''.join(bits)


def _matrix(site, site_entry, hosts, labels):
    columns = [c for c in CHECK_ORDER if (site_entry and c in site_entry.checks) or any(c in h.checks for h in hosts)]
    extra = sorted(set(c for h in hosts for c in h.checks if c not in CHECK_ORDER))
    columns += extra
    head = ''.join('<th>%s</th>' % _e(c) for c in columns)
    rows = []
    entries = ([site_entry] if site_entry else []) + hosts
    for entry in entries:
        label = labels['site_checks'] if entry.kind == 'site' else entry.name
        cells = []
        if not entry.checks and entry.data.get('reason'):
            cells.append('<td class="cell na reason" colspan="%d" title="%s"><span>%s</span></td>' % (
                max(len(columns), 1), _e(entry.data['reason']), _e(_short(entry.data['reason'], 110))))
            columns_left = ()
        else:
            columns_left = columns
        for check in columns_left:
            result = entry.checks.get(check)
            if isinstance(result, dict):
                status = _status(result.get('status'))
                count = len(result.get('findings') or [])
                text = labels[status] + (' %d' % count if count and status != 'ok' else '')
                cells.append('<td class="cell s-%s" title="%s %s: %s">%s</td>' % (
                    status, _e(entry.name), _e(check), _e(labels[status]), _e(text)))
            else:
                cells.append('<td class="cell na">·</td>')
        name_cell = '<th class="rowname"><a href="#%s">%s</a>%s</th>' % (
            entry.anchor, _e(label), ' <span class="muted">(%s)</span>' % _e(entry.data.get('runner'))
            if entry.kind == 'site' and entry.data.get('runner') else '')
        rows.append('<tr class="f %s %s">%s<td>%s</td>%s</tr>' % (
            'st-%s' % entry.status, 'row-site' if entry.kind == 'site' else 'row-host', name_cell,
            _pill(entry.status, labels), ''.join(cells)))
    return ('<div class="matrix-wrap"><table class="matrix"><thead><tr><th>%s</th><th>%s</th>%s</tr></thead>'
            '<tbody>%s</tbody></table></div>' % (_e(labels['host']), _e(labels['status']), head, ''.join(rows)))


def _site_section(site, site_entry, hosts, by_where, labels, lang='en'):
    entries = ([site_entry] if site_entry else []) + hosts
    statuses = set()
    for entry in entries:
        statuses.update(entry.statuses())
    worst = max([e.status for e in entries] or ['ok'], key=_rank)
    runner = ''
    if site_entry:
        runner = '%s %s' % (labels['runner'], site_entry.data.get('runner')) if site_entry.data.get('runner') \
            else labels['no_runner']
    out = ['<section class="site s-%s" id="%s">' % (worst, _anchor('sec', site)),
           '<h2>%s <span class="sitename">%s</span> %s <span class="muted">%d %s%s</span></h2>' % (
               _e(labels['site']), _e(site), _pill(worst, labels), len(hosts),
               _e(labels['host_one'] if len(hosts) == 1 else labels['hosts']),
               (' · %s' % _e(runner)) if runner else ''),
           _matrix(site, site_entry, hosts, labels)]

    # Root causes of the site's entries, in the report's order (the diagnosis orders them by the
    # §13 checklist, then severity); the site's own first.
    causes = []
    for entry in entries:
        for cause in entry.root_causes:
            causes.append((entry, cause))
    shown_as_symptom = set()
    if causes:
        out.append('<h3>%s</h3><ol class="causes">' % _e(labels['root_causes']))
        for entry, cause in causes:
            fid = str(cause.get('finding'))
            finding = entry.finding(fid, cause.get('check')) or {'id': fid, 'status': entry.status}
            status = _status(finding.get('status'))
            key = '%s:%s' % (entry.name, fid)
            symptoms = by_where.get(key, [])
            listed = set((where, f.get('id')) for where, f in symptoms)
            # Ids the cause names in ``explains`` that no finding carries an explained_by for.
            loose = [str(i) for i in cause.get('explains') or []
                     if not any(str(i) in (fid2, '%s:%s' % (w, fid2)) for w, fid2 in listed)]
            out.append('<li class="cause f st-%s" id="%s">' % (status, _e(_anchor('cause', key))))
            out.append('<div class="cause-head">%s<span class="where">%s</span><code class="fid">%s</code>'
                       '<span class="check">%s</span></div>' % (
                           _pill(status, labels), _e(entry.name), _e(fid), _e(cause.get('check') or '')))
            if finding.get('message'):
                out.append('<div class="msg cause-msg">%s</div>' % _e(finding['message']))
            remedy = cause_remedy(cause, finding, lang)
            if remedy:
                out.append('<div class="remedy"><b>%s</b> %s</div>' % (_e(labels['remedy']), _e(remedy)))
            if cause.get('checklist'):
                # English: the diagnosis's own words; another language: the guide's §13 item in it.
                checklist = cause['checklist'] if lang == 'en' else checklist_label(cause['checklist'], lang)
                out.append('<div class="checklist"><b>%s</b> %s</div>' % (_e(labels['checklist']), _e(checklist)))
            if symptoms or loose:
                out.append('<div class="explains">%s %d %s</div><ul class="symptoms">' % (
                    _e(labels['explains']), len(symptoms) + len(loose), _e(labels['symptoms'])))
                for where, symptom in sorted(symptoms, key=lambda s: -_rank(s[1].get('status'))):
                    shown_as_symptom.add((where, id(symptom)))
                    out.append(_finding_html(where, symptom, labels, css='symptom'))
                for fid2 in loose:
                    out.append('<li class="symptom"><code class="fid">%s</code></li>' % _e(fid2))
                out.append('</ul>')
            out.append('</li>')
        out.append('</ol>')

    others = []
    for entry in entries:
        if entry.data.get('reason'):
            others.append('<li class="finding f st-%s">%s<span class="where">%s</span>'
                          '<span class="msg"><b>%s:</b> %s</span></li>' % (
                              entry.status, _pill(entry.status, labels), _e(entry.name), _e(labels['reason']),
                              _e(entry.data['reason'])))
        for check, finding in sorted(entry.findings, key=lambda cf: -_rank(cf[1].get('status'))):
            if finding.get('id') in entry.cause_ids or (entry.name, id(finding)) in shown_as_symptom:
                continue
            explained = None
            if finding.get('explained_by'):
                explained = (_anchor('cause', finding['explained_by']), finding['explained_by'])
            others.append(_finding_html(entry.name, finding, labels, explained=explained))
    if others:
        out.append('<h3>%s</h3><ul class="findings">%s</ul>' % (
            _e(labels['other_findings'] if causes else labels['findings']), ''.join(others)))
    if not causes and not others:
        out.append('<p class="allgood">%s</p>' % _e(labels['no_findings_site']))
    healthy = [h.name for h in hosts if h.status == 'ok' and not h.findings]
    if healthy and len(healthy) < len(hosts):
        out.append('<p class="healthy f st-ok">%s %s: %s</p>' % (
            _pill('ok', labels), _e('%d %s' % (len(healthy), labels['hosts'])), _e(', '.join(healthy))))
    out.append('</section>')
    return ''.join(out), statuses


def _changes_html(changes, labels):
    parts = ['<section class="changes"><h2>%s</h2><div class="change-cols">' % _e(labels['since_last'])]
    for key in ('new', 'resolved', 'persisting'):
        items = list(changes.get(key) or [])
        parts.append('<div class="change ch-%s"><h3>%s <span class="count">%d</span></h3>' % (
            key, _e(labels[key]), len(items)))
        if not items:
            parts.append('<p class="muted">%s</p>' % _e(labels['none']))
        else:
            body = ''.join(
                '<li>%s<span class="where">%s</span><code class="fid">%s</code>%s<span class="msg">%s</span></li>' % (
                    _pill('ok' if key == 'resolved' else item.get('status'), labels), _e(item.get('where')),
                    _e(item.get('id')),
                    ' <span class="muted">%s</span>' % _e(item.get('subject')) if item.get('subject') else '',
                    _e(item.get('message')))
                for item in sorted(items, key=lambda i: -_rank(i.get('status'))))
            if key == 'persisting':
                parts.append('<details><summary>%s %d</summary><ul>%s</ul></details>' % (
                    _e(labels['show_all']), len(items), body))
            else:
                parts.append('<ul>%s</ul>' % body)
        parts.append('</div>')
    parts.append('</div></section>')
    return ''.join(parts)


_CSS = """
:root{--bg:#f6f8fa;--card:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;
--ok:#1a7f37;--ok-bg:#dafbe1;--warning:#9a6700;--warning-bg:#fff8c5;--unknown:#6639ba;--unknown-bg:#fbefff;
--critical:#cf222e;--critical-bg:#ffebe9;--unreachable:#fff;--unreachable-bg:#57606a;}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;
--ok:#3fb950;--ok-bg:#12261e;--warning:#d29922;--warning-bg:#272115;--unknown:#bc8cff;--unknown-bg:#231a33;
--critical:#ff7b72;--critical-bg:#2d1517;--unreachable:#e6edf3;--unreachable-bg:#484f58;}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",
"Noto Sans","Noto Sans CJK KR","Apple SD Gothic Neo","Malgun Gothic","Nanum Gothic",Roboto,"Helvetica Neue",Arial,sans-serif}
code,.fid{font-family:ui-monospace,SFMono-Regular,"DejaVu Sans Mono",Menlo,Consolas,"Noto Sans Mono CJK KR",monospace;font-size:12.5px}
a{color:inherit}
header{background:var(--card);border-bottom:1px solid var(--line);padding:14px 24px;position:sticky;top:0;z-index:2}
.top{display:flex;align-items:center;gap:16px;flex-wrap:wrap}
h1{font-size:18px;margin:0}
.gen{color:var(--muted)}
.tiles{display:flex;gap:8px;margin-left:auto;flex-wrap:wrap}
.tile{border:1px solid var(--line);border-radius:6px;padding:3px 10px;text-align:center;min-width:64px}
.tile b{display:block;font-size:18px;line-height:1.2}
.tile span{font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.tile.s-warning b{color:var(--warning)}.tile.s-unknown b{color:var(--unknown)}.tile.s-critical b{color:var(--critical)}
.tile.s-ok b{color:var(--ok)}.tile.s-unreachable b{color:var(--fg)}
.tile.zero b{color:var(--muted);font-weight:400}
.filters{margin-top:10px;display:flex;gap:6px;align-items:center;flex-wrap:wrap}
.filters .lbl{color:var(--muted);margin-right:4px}
.filters label{border:1px solid var(--line);border-radius:999px;padding:2px 12px;cursor:pointer;user-select:none;background:var(--card)}
input.flt{position:absolute;opacity:0;pointer-events:none}
main{padding:16px 24px;max-width:1400px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin-bottom:16px}
section.site{border-left:5px solid var(--line)}
section.site.s-warning{border-left-color:var(--warning)}section.site.s-unknown{border-left-color:var(--unknown)}
section.site.s-critical{border-left-color:var(--critical)}section.site.s-ok{border-left-color:var(--ok)}
section.site.s-unreachable{border-left-color:var(--unreachable-bg)}
h2{font-size:16px;margin:0 0 10px;display:flex;align-items:center;gap:8px;flex-wrap:wrap}
h3{font-size:13px;margin:16px 0 6px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.muted{color:var(--muted);font-weight:400;font-size:13px}
.pill{display:inline-block;border-radius:4px;padding:0 7px;font-size:11.5px;font-weight:600;text-transform:uppercase;
letter-spacing:.03em;line-height:19px;white-space:nowrap}
.s-ok.pill,.cell.s-ok{background:var(--ok-bg);color:var(--ok)}
.s-warning.pill,.cell.s-warning{background:var(--warning-bg);color:var(--warning)}
.s-unknown.pill,.cell.s-unknown{background:var(--unknown-bg);color:var(--unknown)}
.s-critical.pill,.cell.s-critical{background:var(--critical-bg);color:var(--critical)}
.s-unreachable.pill{background:var(--unreachable-bg);color:var(--unreachable)}
.matrix-wrap{overflow-x:auto}
table.matrix{border-collapse:separate;border-spacing:3px;font-size:12.5px}
.matrix th{font-weight:600;text-align:left;color:var(--muted);padding:2px 8px;white-space:nowrap}
.matrix th.rowname{color:var(--fg)}
.matrix th.rowname a{text-decoration:none}
.matrix th.rowname a:hover{text-decoration:underline}
.matrix tr.row-site th.rowname{font-style:italic}
.matrix td{padding:2px 8px;white-space:nowrap}
.cell{text-align:center;border-radius:4px;font-weight:600;min-width:78px}
.cell.na{color:var(--muted);font-weight:400}
ol.causes,ul.findings,ul.symptoms,.changes ul{list-style:none;margin:0;padding:0}
li.cause{border:1px solid var(--line);border-left:4px solid var(--muted);border-radius:6px;padding:10px 12px;margin:8px 0}
li.cause.st-critical{border-left-color:var(--critical)}li.cause.st-warning{border-left-color:var(--warning)}
li.cause.st-unknown{border-left-color:var(--unknown)}
.cause-head,li.finding,li.symptom,.changes li{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.cause-head .fid{font-weight:700;font-size:13.5px}
.where{font-weight:600}
.check{color:var(--muted);font-size:12px}
.cause-msg{margin:4px 0 0}
.remedy{margin-top:6px;padding:6px 10px;border-radius:4px;background:var(--bg);flex-basis:100%}
.remedy.small{margin-top:2px;padding:0 0 0 2px;background:none;font-size:13px}
.subj{color:var(--muted);font-size:12px}
.cell.reason{text-align:left;font-style:italic;position:relative;height:23px}
.cell.reason span{position:absolute;left:8px;top:2px;white-space:nowrap}
.remedy b,.checklist b{font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin-right:6px}
.checklist{margin-top:4px;font-size:13px}
.explains{margin-top:8px;font-size:12px;color:var(--muted)}
ul.symptoms{margin:4px 0 0 14px;border-left:2px solid var(--line);padding-left:12px}
li.symptom{padding:3px 0;color:var(--muted)}
li.symptom .msg{color:var(--fg);opacity:.8}
li.symptom .pill{opacity:.75}
li.finding{border-bottom:1px solid var(--line);padding:8px 0}
li.finding:last-child{border-bottom:0}
.msg{overflow-wrap:anywhere}
.meta{flex-basis:100%;display:flex;gap:12px;color:var(--muted);font-size:12px;padding-left:2px}
.meta:empty{display:none}
.xby a{font-family:ui-monospace,monospace}
.allgood{color:var(--ok);font-weight:600;margin:10px 0 0}
.allclear .allgood{margin:0}
.healthy{color:var(--muted);margin:12px 0 0;font-size:13px}
.change-cols{display:grid;grid-template-columns:repeat(3,1fr);gap:16px}
.change h3{margin-top:0}.ch-new h3{color:var(--critical)}.ch-resolved h3{color:var(--ok)}
.changes li{padding:3px 0;font-size:13px}
.count{font-size:13px}
footer{color:var(--muted);font-size:12px;padding:0 24px 24px}
"""


def _filter_css():
    rules = []
    for key, shown in FILTERS:
        label = '#flt-%s:checked ~ header label[for="flt-%s"]' % (key, key)
        rules.append('%s{background:var(--fg);color:var(--card);border-color:var(--fg)}' % label)
        if shown is None:
            continue
        keep = ''.join(':not(.st-%s)' % s for s in shown)
        rules.append('#flt-%s:checked ~ main .f%s{display:none}' % (key, keep))
        # A site section with nothing left to show collapses to its title.
        keep_site = ''.join(':not(:has(.f.st-%s))' % s for s in shown)
        rules.append('#flt-%s:checked ~ main section.site%s > :not(h2){display:none}' % (key, keep_site))
    return '\n'.join(rules)


def render_html(report, changes=None, lang='en'):
    """The report as one self-contained HTML document (a str)."""
    _validate(report, changes, lang)
    labels = LABELS[lang]
    hosts = dict((str(n), _Entry('host', n, e)) for n, e in (report.get('hosts') or {}).items())
    sites = dict((str(n), _Entry('site', n, e)) for n, e in (report.get('sites') or {}).items())

    # Symptoms by the cause that explains them ("<host or site>:<finding id>").
    by_where = {}
    for entry in list(sites.values()) + list(hosts.values()):
        for _check, finding in entry.findings:
            if finding.get('explained_by'):
                by_where.setdefault(str(finding['explained_by']), []).append((entry.name, finding))

    site_names = set(sites) | set(h.site for h in hosts.values())
    sections = []
    for site in site_names:
        members = sorted((h for h in hosts.values() if h.site == site), key=lambda h: (-_rank(h.status), h.name))
        entries = members + ([sites[site]] if site in sites else [])
        worst = max([e.status for e in entries] or ['ok'], key=_rank)
        sections.append((-_rank(worst), site, sites.get(site), members))
    sections.sort(key=lambda s: (s[0], s[1]))
    body = []
    for _w, site, site_entry, members in sections:
        html, _statuses = _site_section(site, site_entry, members, by_where, labels, lang)
        body.append(html)

    any_finding = any(e.findings or e.data.get('reason') for e in list(hosts.values()) + list(sites.values()))
    summary = report.get('summary') or {}
    counts = dict((s, summary.get(s, sum(1 for h in hosts.values() if h.status == s)))
                  for s in STATUSES + (UNREACHABLE,))
    overall = max([e.status for e in list(hosts.values()) + list(sites.values())] or ['ok'], key=_rank)
    tiles = ''.join('<div class="tile s-%s%s"><b>%s</b><span>%s</span></div>' % (
        s, ' zero' if not counts[s] else '', _e(counts[s]), _e(labels[s]))
        for s in ('critical', 'unknown', 'warning', UNREACHABLE, 'ok'))
    tiles = '<div class="tile"><b>%s</b><span>%s</span></div><div class="tile"><b>%s</b><span>%s</span></div>%s' % (
        _e(summary.get('hosts', len(hosts))), _e(labels['hosts']), _e(summary.get('sites', len(sites))),
        _e(labels['sites']), tiles)
    radios = ''.join('<input type="radio" class="flt" name="flt" id="flt-%s" value="%s"%s>' % (
        key, key, ' checked' if key == 'all' else '') for key, _s in FILTERS)
    filter_labels = ''.join('<label for="flt-%s">%s</label>' % (key, _e(labels['filter_' + key])) for key, _s in FILTERS)
    parts = [
        '<!DOCTYPE html>\n<html lang="%s"><head><meta charset="utf-8">' % _e(lang),
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        '<meta name="generator" content="tank.monitoring audit_html">',
        '<title>%s %s · %s</title>' % (_e(labels['title']), _e(report.get('generated_at') or ''), _e(labels[overall])),
        '<style>%s\n%s</style></head><body>' % (_CSS, _filter_css()),
        radios,
        '<header><div class="top"><h1>%s</h1>%s<span class="gen">%s %s</span><div class="tiles">%s</div></div>' % (
            _e(labels['title']), _pill(overall, labels), _e(labels['generated']), _e(report.get('generated_at') or ''),
            tiles),
        '<nav class="filters" aria-label="status filter"><span class="lbl">%s</span>%s</nav></header>' % (
            _e(labels['show']), filter_labels),
        '<main>',
    ]
    if changes is not None:
        parts.append(_changes_html(changes, labels))
    if not any_finding:
        parts.append('<section class="allclear"><p class="allgood">%s</p></section>' % _e(labels['no_findings']))
    parts.extend(body)
    parts.append('</main><footer>%s %s</footer></body></html>\n' % (
        _e(labels['footer']), _e(report.get('schema_version', ''))))
    return ''.join(parts)
