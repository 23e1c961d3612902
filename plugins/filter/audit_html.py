# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ``tank.monitoring.audit_html`` filter: the audit report as one self-contained HTML page.

Its documentation is plugins/filter/audit_html.yml (the form ansible-core uses for its own filters).
The rendering lives in module_utils/_html.py, which the tests import directly.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def audit_html(report, changes=None, lang='en'):
    """``report`` (the ``audit_report`` filter's result) as an HTML document (a string)."""
    try:
        # Imported here: every filter file of the collection is loaded in each worker process that
        # looks up one of its filters, and most of them never render HTML.
        from ansible_collections.tank.monitoring.plugins.module_utils._html import render_html
        return render_html(report, changes=changes, lang=lang)
    except ValueError as exc:
        raise AnsibleFilterError('audit_html: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'audit_html': audit_html}
