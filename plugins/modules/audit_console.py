#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: audit_console
short_description: Print the audit report on the controller's console as readable text
version_added: 0.2.0
description:
  - Prints the fleet report of the C(tank.monitoring.audit) role as plain multi-line text (not a JSON
    string) through Ansible's display, with whatever stdout callback is configured. It shows the overall status,
    a host x check and a site x check matrix (healthy hosts folded into a count beyond 20 hosts), what
    changed since the last audit, then per host and site its root causes with their remedies, the
    symptoms they explain indented under them, and the other findings.
  - Runs on the controller only (an action plugin); changes nothing.
author:
  - Tank Monitoring Team (@tank-monitoring)
options:
  report:
    description: The fleet report, as built by the P(tank.monitoring.audit_report#filter) filter.
    type: dict
    required: true
  report_path:
    description: Path of C(audit.json), printed at the end of the report.
    type: str
  color:
    description:
      - V(always) or V(never) colour the statuses or not.
      - V(auto) colours only when Ansible itself colours its output (a terminal, or C(ANSIBLE_FORCE_COLOR)),
        and never when C(NO_COLOR) is set to a non-empty value or inside an AWX / Automation Controller job
        (C(AWX_HOST) and C(JOB_ID) in the controller's environment), whose job output is kept as plain text.
    type: str
    choices: [auto, always, never]
    default: auto
  lang:
    description:
      - Language of the report's own words (headings, labels, status words; V(ko) shows the guide's Korean
        §13 checklist). Finding messages and remedies are printed as the report has them.
      - Finding ids, check names and host names are never translated.
    type: str
    choices: [en, ko]
    default: en
attributes:
  check_mode:
    support: full
    description: Only prints.
  diff_mode:
    support: none
    description: Nothing is changed.
  action:
    support: full
    description: Runs on the controller as an action plugin.
notes:
  - C(changed) is always V(false). The text is printed, not returned, so C(-v) does not repeat it.
seealso:
  - plugin: tank.monitoring.audit_console_text
    plugin_type: filter
  - plugin: tank.monitoring.audit_report
    plugin_type: filter
'''

EXAMPLES = r'''
- name: Print the audit report
  tank.monitoring.audit_console:
    report: "{{ _audit_report }}"
    report_path: /srv/reports/audit.json
    color: auto
    lang: ko
'''

RETURN = r'''
color:
  description: Whether the printed report was coloured.
  returned: always
  type: bool
  sample: false
lines:
  description: Number of lines printed.
  returned: always
  type: int
  sample: 42
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tank.monitoring.plugins.module_utils._labels import COLOR_MODES, LANGUAGES

# Also the action plugin's (plugins/action/audit_console.py): one spec for the docs and the code.
ARGUMENT_SPEC = dict(
    report=dict(type='dict', required=True),
    report_path=dict(type='str'),
    color=dict(type='str', default='auto', choices=list(COLOR_MODES)),
    lang=dict(type='str', default='en', choices=list(LANGUAGES)),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg='tank.monitoring.audit_console runs on the controller as an action plugin')


if __name__ == '__main__':
    main()
