# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters that render the fleet report in the formats the audit role writes (docs/audit-report.md).

Thin wrappers of plugins/module_utils/_render.py; each filter is documented in the YAML file of
its name beside this one.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.tank.monitoring.plugins.module_utils import _labels


def _renderer():
    # Imported on use: every filter file of the collection is loaded in each worker process that looks
    # up one of its filters (the audit role's planning filters run once per host), few of them render.
    from ansible_collections.tank.monitoring.plugins.module_utils import _render
    return _render


def _report(report, name):
    if not isinstance(report, dict) or not isinstance(report.get('hosts', {}), dict):
        raise AnsibleFilterError('%s expects the audit report (a mapping with hosts and sites), got %s'
                                 % (name, type(report).__name__))
    return report


def _lang(lang, name):
    if lang not in _labels.LANGUAGES:
        raise AnsibleFilterError('%s: lang must be one of %s, got %r' % (name, ', '.join(_labels.LANGUAGES), lang))
    return lang


def audit_since_last(report, previous=None):
    """New, resolved and persisting findings against the previous report (a dict, JSON text or empty)."""
    _report(report, 'audit_since_last')
    if previous is None or isinstance(previous, (str, bytes)):
        return _renderer().since_last_text(report, previous)
    return _renderer().since_last(report, previous)


def audit_console_text(report, report_path=None, color=False, lang='en'):
    """The console report as text (plain unless ``color``), its words in ``lang``."""
    return _renderer().console_text(_report(report, 'audit_console_text'), color=bool(color),
                                    report_path=report_path, lang=_lang(lang, 'audit_console_text'))


def audit_markdown(report, report_path=None, lang='en'):
    """The report in Markdown (audit.md), its words in ``lang``."""
    return _renderer().markdown(_report(report, 'audit_markdown'), report_path=report_path,
                                lang=_lang(lang, 'audit_markdown'))


def audit_junit(report, fail_on='never', lang='en'):
    """The report as JUnit XML (junit.xml), its texts in ``lang``."""
    if fail_on not in ('never', 'warning', 'unknown', 'critical'):
        raise AnsibleFilterError('audit_junit: fail_on must be never, warning, unknown or critical, got %r' % (fail_on,))
    return _renderer().junit_xml(_report(report, 'audit_junit'), fail_on=fail_on, lang=_lang(lang, 'audit_junit'))


def audit_prometheus(report):
    """The report in the Prometheus text exposition format (tank_audit.prom)."""
    return _renderer().prometheus_text(_report(report, 'audit_prometheus'))


def audit_stats(report, paths=None):
    """The summary the role publishes with set_stats."""
    if paths is not None and not isinstance(paths, dict):
        raise AnsibleFilterError('audit_stats: paths must map a format to its file path')
    return _renderer().stats(_report(report, 'audit_stats'), paths)


class FilterModule(object):
    def filters(self):
        return {
            'audit_since_last': audit_since_last,
            'audit_console_text': audit_console_text,
            'audit_markdown': audit_markdown,
            'audit_junit': audit_junit,
            'audit_prometheus': audit_prometheus,
            'audit_stats': audit_stats,
        }
