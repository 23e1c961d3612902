# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters that turn check results into the audit report (schema: docs/audit-report.md)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.tank.monitoring.plugins.module_utils._contract import STATUS_ORDER, UNKNOWN, worst_of

SCHEMA_VERSION = 1
UNREACHABLE = 'unreachable'
CHECK_KEYS = ('resources', 'pm2', 'logs', 'health', 'nginx', 'oracle', 'logsdb', 'storage', 'ses')


def audit_check_entry(result):
    """A registered check task result -> ``{status, findings, metrics}`` (module failures -> unknown)."""
    if not isinstance(result, dict):
        raise AnsibleFilterError('audit_check_entry expects a registered task result, got %s' % type(result).__name__)
    status = result.get('status')
    if status in STATUS_ORDER:
        entry = {
            'status': status,
            'findings': list(result.get('findings') or []),
            'metrics': dict(result.get('metrics') or {}),
        }
        if result.get('duration_seconds') is not None:
            entry['duration_seconds'] = result['duration_seconds']
        return entry
    # The module did not return the contract: it failed before running (bad option, module missing,
    # interpreter problem). Report why instead of losing the check.
    message = result.get('msg') or result.get('module_stderr') or 'the check returned no result'
    return {
        'status': UNKNOWN,
        'findings': [{
            'id': 'audit.check_failed', 'status': UNKNOWN, 'message': str(message).strip()[:2000],
            'remedy': 'Fix the option or host problem named in the message, then audit again.',
            'guide_section': None, 'subject': None, 'value': None, 'threshold': None,
        }],
        'metrics': {},
    }


def audit_host_result(checks):
    """``{check: entry}`` of one host -> ``{status, checks}``."""
    checks = dict(checks or {})
    return {'status': worst_of(entry['status'] for entry in checks.values()), 'checks': checks}


def audit_report(hostvars, hosts, generated_at, fact='audit_host_result'):
    """The audit report of ``hosts``; a host without a result counts as unreachable."""
    report_hosts = {}
    for host in hosts:
        try:
            result = hostvars[host].get(fact)
        except KeyError:
            result = None
        if not result:
            report_hosts[host] = {'status': UNREACHABLE, 'checks': {},
                                  'reason': 'no result: the host was unreachable or failed before the audit ran'}
        else:
            report_hosts[host] = {'status': result['status'], 'checks': dict(result['checks'])}
    summary = {'hosts': len(report_hosts)}
    for status in STATUS_ORDER + (UNREACHABLE,):
        summary[status] = sum(1 for h in report_hosts.values() if h['status'] == status)
    return {'schema_version': SCHEMA_VERSION, 'generated_at': generated_at, 'summary': summary,
            'hosts': report_hosts}


def audit_summary_text(report, report_path=None):
    """A plain-text summary for the console: a host x check matrix, then every finding."""
    hosts = report.get('hosts', {})
    checks = [c for c in CHECK_KEYS if any(c in h.get('checks', {}) for h in hosts.values())]
    width = max([len('HOST')] + [len(h) for h in hosts])
    header = ['%-*s  %-11s' % (width, 'HOST', 'STATUS') + ''.join('  %-9s' % c for c in checks)]
    lines = ['Tank monitoring audit, %s' % report.get('generated_at'), ''] + header
    for name in sorted(hosts):
        host = hosts[name]
        cells = ''.join('  %-9s' % host['checks'].get(c, {}).get('status', '-') for c in checks)
        lines.append('%-*s  %-11s' % (width, name, host['status'].upper()) + cells)
    findings = []
    for name in sorted(hosts):
        host = hosts[name]
        if host['status'] == UNREACHABLE:
            findings.append('  [unreachable] %s: %s' % (name, host.get('reason', '')))
        for check in checks:
            for finding in host['checks'].get(check, {}).get('findings', []):
                findings.append('  [%s] %s %s: %s' % (finding['status'], name, finding['id'], finding['message']))
                if finding.get('remedy'):
                    findings.append('      remedy: %s' % finding['remedy'])
    lines += ['', 'Findings:' if findings else 'Findings: none'] + findings
    summary = report.get('summary', {})
    lines += ['', 'Summary: %d host(s): %s' % (summary.get('hosts', 0), ', '.join(
        '%d %s' % (summary.get(s, 0), s) for s in STATUS_ORDER + (UNREACHABLE,)))]
    if report_path:
        lines.append('Report: %s' % report_path)
    return '\n'.join(lines)


class FilterModule(object):
    def filters(self):
        return {
            'audit_check_entry': audit_check_entry,
            'audit_host_result': audit_host_result,
            'audit_report': audit_report,
            'audit_summary_text': audit_summary_text,
        }
