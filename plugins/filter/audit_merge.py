# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ``tank.monitoring.audit_merge`` filter: one fleet report from the ``audit.json`` of several
runs (AWX job slices, ``--limit`` runs). Documented in ``audit_merge.yml`` beside this file."""

from __future__ import annotations

import datetime

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.tank.monitoring.plugins.filter.audit import SCHEMA_VERSION, UNREACHABLE
from ansible_collections.tank.monitoring.plugins.module_utils._contract import STATUS_ORDER
from ansible_collections.tank.monitoring.plugins.module_utils._labels import LANGUAGES

TIMESTAMP_FORMAT = '%Y-%m-%dT%H:%M:%SZ'


def _when(report, index, count):
    stamp = report.get('generated_at')
    try:
        return datetime.datetime.strptime(to_text(stamp), TIMESTAMP_FORMAT)
    except (TypeError, ValueError):
        raise AnsibleFilterError('audit_merge: report %d of %d has generated_at %r, expected a UTC timestamp like '
                                 '2026-12-01T09:37:56Z' % (index, count, stamp))


def _validate(report, index, count):
    where = 'audit_merge: report %d of %d' % (index, count)
    if not isinstance(report, dict):
        raise AnsibleFilterError('%s is a %s, expected the mapping of an audit.json' % (where, type(report).__name__))
    if report.get('schema_version') != SCHEMA_VERSION:
        raise AnsibleFilterError('%s has schema_version %r; only version %d reports merge (re-run the audit with this '
                                 'collection)' % (where, report.get('schema_version'), SCHEMA_VERSION))
    for key in ('hosts', 'sites'):
        entries = report.get(key)
        if not isinstance(entries, dict):
            raise AnsibleFilterError('%s has no %s mapping' % (where, key))
        for name, entry in entries.items():
            if not isinstance(entry, dict) or 'status' not in entry:
                raise AnsibleFilterError('%s: %s.%s is not an entry with a status' % (where, key, name))
    return _when(report, index, count)


def _site_rank(entry, when, position):
    # A site one slice could not audit (runner null) gives way to one that did, whatever their age.
    return (entry.get('runner') is not None, when, position)


def audit_merge(reports, lang='en'):
    """Merge audit reports (schema version 2) into one: hosts and sites by name, the newest wins;
    the diagnosis's own texts in ``lang``."""
    if lang not in LANGUAGES:
        raise AnsibleFilterError('audit_merge: lang must be one of %s, got %r' % (', '.join(LANGUAGES), lang))
    if isinstance(reports, dict):
        reports = [reports]
    if not isinstance(reports, (list, tuple)) or not reports:
        raise AnsibleFilterError('audit_merge expects a non-empty list of audit reports (the parsed audit.json of '
                                 'each run), got %r' % (reports if not isinstance(reports, (list, tuple)) else []))
    count = len(reports)
    dated = [(_validate(report, index, count), position, report)
             for position, (index, report) in enumerate(enumerate(reports, 1))]
    hosts, host_rank, sites, site_rank = {}, {}, {}, {}
    for when, position, report in dated:
        for name, entry in report['hosts'].items():
            rank = (when, position)
            if name not in hosts or rank > host_rank[name]:
                hosts[name], host_rank[name] = entry, rank
        for name, entry in report['sites'].items():
            rank = _site_rank(entry, when, position)
            if name not in sites or rank > site_rank[name]:
                sites[name], site_rank[name] = entry, rank
    summary = {'hosts': len(hosts), 'sites': len(sites)}
    for status in STATUS_ORDER + (UNREACHABLE,):
        summary[status] = sum(1 for entry in hosts.values() if entry['status'] == status)
    newest = max(entry[0] for entry in dated)
    merged = {
        'schema_version': SCHEMA_VERSION,
        'generated_at': newest.strftime(TIMESTAMP_FORMAT),
        'summary': summary,
        'hosts': dict((name, hosts[name]) for name in sorted(hosts)),
        'sites': dict((name, sites[name]) for name in sorted(sites)),
        'merged_from': [{'generated_at': report['generated_at'], 'hosts': len(report['hosts']),
                         'sites': len(report['sites'])} for _at, _position, report in sorted(dated, key=lambda d: d[:2])],
    }
    # Diagnosed again as one fleet: a cause in one slice may explain findings of another (a site's
    # Oracle behind the ORA lines of a host audited in another slice).
    from ansible_collections.tank.monitoring.plugins.module_utils._diagnosis import diagnose  # on use: see audit_render
    return diagnose(merged, lang)


class FilterModule(object):
    def filters(self):
        return {'audit_merge': audit_merge}
