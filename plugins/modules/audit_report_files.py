#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: audit_report_files
short_description: Write the audit report files on the controller in one step
version_added: 0.2.0
description:
  - Writes the fleet report of the C(tank.monitoring.audit) role into a directory on the controller, every
    format at once - C(audit.json), C(summary.txt), C(audit.md), C(junit.xml), C(tank_audit.prom) and
    C(audit.html) (docs/audit-report.md). Each file is replaced atomically, so a reader sees the old file or the new one.
  - Reads the previous C(audit.json) of the directory before replacing it and adds C(since_last_audit)
    (new, resolved and persisting findings) to the report it writes and returns.
  - Keeps a timestamped copy of C(audit.json) in C(history/) and removes the copies beyond O(keep).
  - Runs on the controller only (an action plugin). It writes the audit's output, never on an audited host.
author:
  - Tank Monitoring Team (@tank-monitoring)
options:
  report:
    description: The fleet report, as built by the P(tank.monitoring.audit_report#filter) filter.
    type: dict
    required: true
  dir:
    description: Directory of the report on the controller, created (mode C(0750)) when missing.
    type: path
    required: true
  fail_on:
    description: The status at which C(junit.xml) counts a finding as a failure (V(never) counts warnings and above).
    type: str
    choices: [never, warning, unknown, critical]
    default: never
  lang:
    description: Language of the report's words in C(summary.txt), C(audit.md), C(junit.xml) and C(audit.html).
    type: str
    choices: [en, ko]
    default: en
  keep:
    description: Timestamped copies of C(audit.json) kept in C(history/), newest first; V(0) keeps none.
    type: int
    default: 30
  textfile_dir:
    description:
      - Also write C(tank_audit.prom) into this directory (node_exporter's textfile collector), mode C(0644).
      - Empty writes it only into O(dir).
    type: path
    default: ''
attributes:
  check_mode:
    support: full
    description: Reports what it would write and writes nothing (the audit role runs it with C(check_mode=false),
      because the report is the audit's output on the controller).
  diff_mode:
    support: none
    description: No diff is shown.
  action:
    support: full
    description: Runs on the controller as an action plugin.
notes:
  - C(changed) is V(true) when a file was created, replaced or removed; C(audit.json) carries the time of the
    audit, so each new audit changes it.
seealso:
  - plugin: tank.monitoring.audit_report
    plugin_type: filter
  - module: tank.monitoring.audit_console
'''

EXAMPLES = r'''
- name: Write the report files
  tank.monitoring.audit_report_files:
    report: "{{ _audit_report }}"
    dir: /srv/reports
    fail_on: critical
    lang: ko
    keep: 10
    textfile_dir: /var/lib/node_exporter/textfile_collector
  register: written
  run_once: true
  delegate_to: localhost
'''

RETURN = r'''
report:
  description: The report as written to C(audit.json), with C(since_last_audit).
  returned: success
  type: dict
paths:
  description: The path of each file of the report directory, by format, and of C(history/).
  returned: success
  type: dict
  sample:
    json: /srv/reports/audit.json
    summary: /srv/reports/summary.txt
    markdown: /srv/reports/audit.md
    junit: /srv/reports/junit.xml
    prometheus: /srv/reports/tank_audit.prom
    html: /srv/reports/audit.html
    history: /srv/reports/history
written:
  description: Files and directories created or replaced.
  returned: success
  type: list
  elements: str
  sample: [/srv/reports/audit.json, /srv/reports/history/audit-20261201T120000Z.json]
removed:
  description: History copies removed beyond O(keep).
  returned: success
  type: list
  elements: str
  sample: []
host_statuses:
  description:
    - Each host's status for C(audit_fail_on), as P(tank.monitoring.audit_host_status#filter) gives it - the worst
      status of the host and of the sites whose checks it ran, or V(unreachable).
  returned: success
  type: dict
  sample: {app01: critical, web01: ok}
fail_on_hosts:
  description: The hosts whose status is at or above O(fail_on) (see RV(host_statuses)); none when it is V(never).
  returned: success
  type: list
  elements: str
  sample: [app01]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tank.monitoring.plugins.module_utils._contract import FAIL_ON_CHOICES
from ansible_collections.tank.monitoring.plugins.module_utils._labels import LANGUAGES

# Also the action plugin's (plugins/action/audit_report_files.py): one spec for the docs and the code.
ARGUMENT_SPEC = dict(
    report=dict(type='dict', required=True),
    dir=dict(type='path', required=True),
    fail_on=dict(type='str', default='never', choices=list(FAIL_ON_CHOICES)),
    lang=dict(type='str', default='en', choices=list(LANGUAGES)),
    keep=dict(type='int', default=30),
    textfile_dir=dict(type='path', default=''),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg='tank.monitoring.audit_report_files runs on the controller as an action plugin')


if __name__ == '__main__':
    main()
