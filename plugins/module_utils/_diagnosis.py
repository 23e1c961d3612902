# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Root-cause diagnosis of a fleet report (docs/diagnosis.md).

The rules are DATA (``RULES`` below): which findings are a cause, which findings they explain,
where the two may be (one host, one site's checks, or anywhere in a site), the guide's §13
checklist item and the guide's remedy. ``diagnose(report)`` applies them to the report that
``tank.monitoring.audit_report`` builds (docs/audit-report.md) and adds ``root_causes`` to every
host and site entry, and ``explained_by`` to every finding a root cause explains.

A rule fires only on evidence both sides: a finding matching one of its causes AND at least one
finding matching one of its symptoms, in its scope. Nothing is ever inferred from a missing
finding. Kept free of the check code (the filter that calls it loads in every Ansible worker);
tests/unit/plugins/module_utils/test_diagnosis.py checks every finding id named here against the
checks' catalogues.
"""

from __future__ import annotations

import fnmatch

from ansible_collections.tank.monitoring.plugins.module_utils import _i18n
from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, rank

# Where the cause and its symptoms may be.
HOST = 'host'    # the same host entry
SITE = 'site'    # the same site entry (the site checks)
CROSS = 'cross'  # anywhere in one site: its site checks and the host checks of every host of the site
SCOPES = (HOST, SITE, CROSS)

# The guide's §13 "Quick triage checklist", in its order.
CHECKLIST = (
    (1, 'Backend not answering -> check `pm2 status`'),
    (2, 'Template error -> check TEMPLATE_LOG'),
    (3, 'Attachment missing -> check NAS path / permissions'),
    (4, 'SES send error -> check SES metrics'),
    (5, 'DB connection failure -> check Oracle listener / network'),
    (6, 'Worker stuck -> `pm2 restart worker`'),
    (7, 'CPU 100% -> reduce parallelism'),
)
_CHECKLIST_TEXT = dict(CHECKLIST)
# A rule the §13 checklist has no item for (nginx: the guide's §10 only) sorts after every item.
NO_ITEM = None


def checklist_label(item, section=None):
    """``'§13.1 Backend not answering -> check `pm2 status`'``; for a rule without a §13 item, the
    guide section it comes from (``'§10 (no §13 item)'``)."""
    if item is NO_ITEM:
        return '%s (no §13 item)' % (section or 'guide')
    return '§13.%d %s' % (item, _CHECKLIST_TEXT[item])


def symptom(pattern, subject=None, same_subject=False):
    """A symptom of a rule: finding ids matching ``pattern`` (fnmatch), optionally only with a
    subject matching ``subject`` (fnmatch) or equal to the cause's subject (``same_subject``: the
    same PM2 app)."""
    return {'pattern': pattern, 'subject': subject, 'same_subject': same_subject}


# THE rules. Order matters only between rules of the same checklist item and severity.
# id: stable name (docs/diagnosis.md lists it); checklist: §13 item (NO_ITEM: none);
# section: the guide section of the remedy; remedy: the guide's remedy, in the guide's words (the
# other languages' remedy: ``_i18n.RULES[id]``, which a unit test keeps complete);
# causes: finding ids (fnmatch patterns); cause_status: the least status a cause finding must have;
# symptoms: see symptom().
RULES = (
    {
        'id': 'memory-exhausted',
        'checklist': 1, 'section': '§9', 'scope': HOST,
        'remedy': 'Memory shortage can stop the worker (guide §9): free memory or restart the leaking app, '
                  'then check `pm2 status` (§13.1).',
        'causes': ('resources.memory.available', 'resources.swap.used'),
        'cause_status': CRITICAL,
        'symptoms': (symptom('pm2.daemon.not_running'), symptom('pm2.app.errored'), symptom('pm2.app.restart_loop'),
                     symptom('pm2.app.not_online')),
    },
    {
        'id': 'disk-exhausted',
        'checklist': 1, 'section': '§9', 'scope': HOST,
        'remedy': 'Disk 80% or more: batch files fail to be stored (guide §7, §9): free space or extend the '
                  'filesystem, then check `pm2 status` (§13.1).',
        'causes': ('resources.filesystem.used', 'resources.filesystem.inodes'),
        'cause_status': CRITICAL,
        'symptoms': (symptom('pm2.daemon.not_running'), symptom('pm2.app.errored'), symptom('pm2.app.restart_loop'),
                     symptom('pm2.app.not_online')),
    },
    {
        'id': 'pm2-daemon-down',
        'checklist': 1, 'section': '§3', 'scope': HOST,
        'remedy': 'The core processes run under PM2 (guide §3): `pm2 list` must show backend and worker '
                  'online; start them again and make PM2 start on boot (`pm2 startup`, `pm2 save`).',
        'causes': ('pm2.daemon.not_running', 'pm2.not_installed'),
        'symptoms': (symptom('health.request.refused'), symptom('health.request.timeout'),
                     symptom('health.request.connection'), symptom('health.response.status_code'),
                     symptom('logs.file.missing'), symptom('logs.scheduler.silent'), symptom('logs.worker.idle')),
    },
    {
        'id': 'pm2-app-down',
        'checklist': 1, 'section': '§3', 'scope': HOST,
        'remedy': 'stopped: run `pm2 start` again; errored: read the logs, then restart; restarting loop: likely '
                  'a .env or code error (guide §3).',
        'causes': ('pm2.app.stopped', 'pm2.app.errored', 'pm2.app.restart_loop', 'pm2.app.not_online',
                   'pm2.app.missing'),
        'symptoms': (symptom('health.request.refused'), symptom('health.request.timeout'),
                     symptom('health.request.connection'), symptom('health.response.status_code'),
                     symptom('logs.file.missing', same_subject=True), symptom('logs.scheduler.silent', same_subject=True),
                     symptom('logs.worker.idle', same_subject=True), symptom('logs.errors.other', same_subject=True)),
    },
    {
        'id': 'template-errors',
        'checklist': 2, 'section': '§11', 'scope': CROSS,
        'remedy': 'Template error -> check TEMPLATE_LOG (guide §13.2); repeats in one MODULE mean that area is '
                  'failing (§11).',
        'causes': ('logsdb.template.errors',),
        'symptoms': (symptom('logsdb.system_error.template'), symptom('logs.errors.template')),
    },
    {
        'id': 'nas-unavailable',
        'checklist': 3, 'section': '§7', 'scope': CROSS,
        'remedy': 'Attachment-matching errors come from a changed NAS path, a removed permission (read-only is '
                  'NOT acceptable) or a detached network drive (guide §7): check the NAS path / permissions.',
        'causes': ('storage.path.missing', 'storage.path.not_directory', 'storage.path.denied',
                   'storage.path.unresponsive', 'storage.path.error', 'storage.mount.missing', 'storage.mount.mismatch',
                   'storage.write.read_only', 'storage.write.denied', 'storage.write.no_space', 'storage.write.failed',
                   'storage.filesystem.used', 'storage.filesystem.inodes'),
        'symptoms': (symptom('logsdb.attachment.not_found'), symptom('logs.errors.file')),
    },
    {
        'id': 'ses-unusable',
        'checklist': 4, 'section': '§8', 'scope': CROSS,
        'remedy': 'When send failures rise, check: expired SES credentials; poor address quality; rate limit '
                  'exceeded (guide §8); check the SES metrics (§13.4).',
        'causes': ('ses.credentials.invalid', 'ses.credentials.expired', 'ses.account.sending_disabled',
                   'ses.account.enforcement', 'ses.quota.used'),
        'symptoms': (symptom('logs.errors.ses'), symptom('logsdb.email_send.fail_spike'),
                     symptom('logsdb.system_error.ses')),
    },
    {
        'id': 'oracle-unreachable',
        'checklist': 5, 'section': '§6', 'scope': CROSS,
        'remedy': 'ORA-12514: wrong SID / service name -> check DB port / listener; ORA-28009: insufficient '
                  'account privileges -> fix the DB account; Timeout: network blocked -> verify the firewall '
                  '(guide §6).',
        'causes': ('oracle.connect.refused', 'oracle.connect.timeout', 'oracle.connect.reset',
                   'oracle.connect.name_resolution', 'oracle.connect.failed', 'oracle.listener.service_unknown',
                   'oracle.listener.sid_unknown', 'oracle.listener.refused', 'oracle.database.unavailable',
                   'oracle.login.invalid_credentials', 'oracle.login.account_locked', 'oracle.login.password_expired',
                   'oracle.login.insufficient_privileges', 'oracle.login.no_create_session', 'oracle.query.timeout'),
        'symptoms': (symptom('logsdb.database.unavailable'), symptom('logsdb.email_send.fail_spike'),
                     symptom('logsdb.system_error.dbio'), symptom('logs.errors.ora12514'),
                     symptom('logs.errors.ora28009'), symptom('logs.errors.oracle_timeout'), symptom('logs.errors.oracle'),
                     symptom('health.indicator.down', subject='database')),
    },
    {
        'id': 'cpu-saturated',
        'checklist': 7, 'section': '§9', 'scope': HOST,
        'remedy': 'CPU 80% or more, sustained -> reduce worker parallelism (guide §9, §13.7).',
        'causes': ('resources.cpu.busy', 'resources.cpu.pressure', 'resources.load.per_core'),
        'symptoms': (symptom('health.request.timeout'), symptom('health.response.latency'),
                     symptom('nginx.front_page.latency')),
    },
    {
        'id': 'nginx-down',
        'checklist': NO_ITEM, 'section': '§10', 'scope': HOST,
        'remedy': 'Front page not loading: corrupted React build files; permissions; port conflict. '
                  '`systemctl status nginx`; on trouble `nginx -t` then `nginx -s reload` (guide §10).',
        'causes': ('nginx.process.not_running', 'nginx.service.inactive', 'nginx.port.conflict',
                   'nginx.config.invalid', 'nginx.web_root.unreadable'),
        'symptoms': (symptom('nginx.front_page.unavailable'), symptom('nginx.front_page.not_html'),
                     symptom('nginx.front_page.asset_missing'), symptom('nginx.front_page.asset_empty'),
                     symptom('nginx.front_page.asset_content_type'), symptom('nginx.stub_status.unreachable'),
                     symptom('nginx.port.not_listening')),
    },
)


def rule(rule_id):
    """The rule named ``rule_id``."""
    for candidate in RULES:
        if candidate['id'] == rule_id:
            return candidate
    raise KeyError(rule_id)


def _checklist_order(item):
    return 99 if item is NO_ITEM else item


def reference(kind, name, finding_id):
    """How a finding is named outside its entry: ``app01:logs.errors.oracle`` on a host,
    ``@customer-a:logsdb.database.unavailable`` in a site's checks (``@``: a site, never a host)."""
    return '%s%s:%s' % ('@' if kind == SITE else '', name, finding_id)


def _matches(pattern, value):
    return value is not None and fnmatch.fnmatchcase(str(value), pattern)


def _collect(report):
    """Every finding of the report: ``(kind, entry name, site, check, finding)`` in report order
    (hosts by name, then sites by name; checks and findings in their order)."""
    nodes = []
    for kind, section in ((HOST, 'hosts'), (SITE, 'sites')):
        entries = report.get(section) or {}
        for name in sorted(entries):
            entry = entries[name]
            if not isinstance(entry, dict):
                continue
            site = entry.get('site') if kind == HOST else name
            for check, result in (entry.get('checks') or {}).items():
                for finding in (result or {}).get('findings') or ():
                    if isinstance(finding, dict) and finding.get('id'):
                        nodes.append({'kind': kind, 'name': name, 'site': site, 'check': check, 'finding': finding})
    return nodes


def _in_scope(scope, cause, node):
    if scope == CROSS:
        return cause['site'] is not None and cause['site'] == node['site']
    if scope == SITE and cause['kind'] != SITE:
        return False
    return cause['kind'] == node['kind'] and cause['name'] == node['name']


def _symptom_matches(spec, cause, node):
    finding = node['finding']
    if not _matches(spec['pattern'], finding['id']):
        return False
    if spec['subject'] is not None and not _matches(spec['subject'], finding.get('subject')):
        return False
    if spec['same_subject'] and finding.get('subject') != cause['finding'].get('subject'):
        return False
    return True


def _cause_rank(rule_index, node, position):
    status = node['finding'].get('status')
    severity = rank(status) if status in ('ok', 'warning', 'unknown', 'critical') else 0
    return (_checklist_order(RULES[rule_index]['checklist']), -severity, rule_index, position)


def remedy_of(rule_id, lang='en'):
    """The guide remedy of the rule ``rule_id`` in ``lang`` (English: ``RULES``; another language:
    ``_i18n.RULES``, falling back to the English text when that language has none)."""
    english = rule(rule_id)['remedy']
    return english if lang == 'en' else _i18n.rule_remedy(rule_id, lang, english)


def diagnose(report, lang='en'):
    """Add ``root_causes`` to every host and site entry of ``report`` and ``explained_by`` (and
    ``via`` for a symptom of a symptom) to every explained finding; returns ``report``.

    A root cause's ``remedy`` is its finding's (already in the report's language: the modules
    localize their findings) or, when the finding has none, its rule's in ``lang``.

    Each symptom is explained by one cause: among the causes whose rules match it, the one with
    the same subject first, then one in the same entry, then the first in checklist order and
    severity. A cause that is itself explained (a PM2 app errored because memory ran out) is no
    root cause: its symptoms go to the root of its chain.
    """
    nodes = _collect(report)
    for node in nodes:
        node['finding'].pop('explained_by', None)
        node['finding'].pop('via', None)
    # Candidate causes of every finding.
    candidates = {}
    for rule_index, spec in enumerate(RULES):
        least = spec.get('cause_status')
        for position, cause in enumerate(nodes):
            finding = cause['finding']
            if not any(_matches(p, finding['id']) for p in spec['causes']):
                continue
            if least and (finding.get('status') not in ('warning', 'unknown', 'critical')
                          or rank(finding['status']) < rank(least)):
                continue
            for index, node in enumerate(nodes):
                if index == position or not _in_scope(spec['scope'], cause, node):
                    continue
                if any(_symptom_matches(s, cause, node) for s in spec['symptoms']):
                    same_subject = node['finding'].get('subject') is not None and \
                        node['finding'].get('subject') == finding.get('subject')
                    same_entry = (cause['kind'], cause['name']) == (node['kind'], node['name'])
                    key = (not same_subject, not same_entry) + _cause_rank(rule_index, cause, position)
                    candidates.setdefault(index, []).append((key, position, rule_index))
    parent = {}
    for index, options in candidates.items():
        options.sort()
        parent[index] = options[0]
    # Break cycles (the rules have none; a guard, not a feature): a cause reached twice keeps no parent.
    for index in list(parent):
        seen, current = set([index]), parent[index][1]
        while current in parent:
            if current in seen:
                del parent[index]
                break
            seen.add(current)
            current = parent[current][1]

    def root_of(index):
        while index in parent:
            index = parent[index][1]
        return index

    causes = {}
    for index in sorted(parent):
        root = root_of(index)
        causes.setdefault(root, []).append(index)
    for entry_section in ('hosts', 'sites'):
        for entry in (report.get(entry_section) or {}).values():
            if isinstance(entry, dict):
                entry['root_causes'] = []
    listed = []
    for root, explained in causes.items():
        cause = nodes[root]
        # The rule of the root: the one that linked it to a symptom it explains directly.
        rule_index = min(parent[i][2] for i in explained if parent[i][1] == root)
        spec = RULES[rule_index]
        own = reference(cause['kind'], cause['name'], cause['finding']['id'])
        refs = []
        for index in explained:
            node = nodes[index]
            if (node['kind'], node['name']) == (cause['kind'], cause['name']):
                ref = node['finding']['id']
            else:
                ref = reference(node['kind'], node['name'], node['finding']['id'])
            if ref not in refs:
                refs.append(ref)
            node['finding']['explained_by'] = own
            direct = nodes[parent[index][1]]
            if parent[index][1] != root:
                node['finding']['via'] = reference(direct['kind'], direct['name'], direct['finding']['id'])
        finding = cause['finding']
        entry = report['hosts' if cause['kind'] == HOST else 'sites'][cause['name']]
        item = {
            'finding': finding['id'],
            'check': cause['check'],
            'subject': finding.get('subject'),
            'status': finding.get('status'),
            'rule': spec['id'],
            'checklist': checklist_label(spec['checklist'], spec['section']),
            'remedy': finding.get('remedy') or remedy_of(spec['id'], lang),
            'explains': refs,
        }
        listed.append((_cause_rank(rule_index, cause, root), entry, item))
    listed.sort(key=lambda row: row[0])
    for _key, entry, item in listed:
        entry['root_causes'].append(item)
    return report


def rules_markdown():
    """The rules as the Markdown tables of docs/diagnosis.md (kept in step by a unit test): the
    rules, then each rule's Korean name and remedy (``_i18n.RULES``)."""
    lines = ['| rule | scope | cause findings | symptoms explained | §13 item | guide remedy |',
             '|---|---|---|---|---|---|']
    for spec in RULES:
        causes = ', '.join('`%s`' % c for c in spec['causes'])
        if spec.get('cause_status'):
            causes += ' (%s only)' % spec['cause_status']
        symptoms = []
        for s in spec['symptoms']:
            text = '`%s`' % s['pattern']
            if s['subject']:
                text += ' (subject `%s`)' % s['subject']
            if s['same_subject']:
                text += ' (same app)'
            symptoms.append(text)
        lines.append('| `%s` | %s | %s | %s | %s | %s |' % (
            spec['id'], spec['scope'], causes, ', '.join(symptoms),
            checklist_label(spec['checklist'], spec['section']).replace('|', '\\|'), spec['remedy'].replace('|', '\\|')))
    lines += ['', '| rule | 근본 원인 (ko) | 가이드 조치 (ko) |', '|---|---|---|']
    for spec in RULES:
        korean = _i18n.lookup(spec['id'], 'ko') or {'message': '', 'remedy': ''}
        lines.append('| `%s` | %s | %s |' % (spec['id'], korean['message'].replace('|', '\\|'),
                                             korean['remedy'].replace('|', '\\|')))
    return '\n'.join(lines) + '\n'
