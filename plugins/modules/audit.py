#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: audit
short_description: Run every Tank check of a host in one round trip
version_added: 0.2.0
description:
  - Runs the named checks of the Tank operations guide on the host in ONE module invocation, each in
    its own child process, concurrently, each under its own C(timeout) and all of them under this
    module's O(timeout). A check whose dependency hangs (a silent HTTP endpoint or database port, a
    hung NAS mount, a pathological log pattern) is killed at its bound and reported as
    C(<check>.timeout) with what it found until then; the other checks are not delayed.
  - Every check's options are validated by that check's own argument spec (the same one its single
    module, for example M(tank.monitoring.pm2_check), uses) before any check starts, so an invalid
    option stops the audit with a message naming it.
  - Discoveries shared by several checks run once (one C(pm2 jlist) for the C(pm2) and C(logs) checks).
    When both C(resources) and C(storage) run, filesystems holding a storage path are judged by the
    storage check only, so one full filesystem is one finding.
  - Nothing on the host is changed.
author:
  - Tank Monitoring Team (@tank-monitoring)
requirements:
  - those of the checks that run (psutil for resources, storage, nginx; boto3 for ses; oracledb for
    oracle and an Oracle Logs DB; jmespath for health assertions). A missing library is reported as
    an C(unknown) finding of that check with the install hint.
options:
  checks:
    description:
      - The checks to run, as a mapping of check name to that check's options (the options of its
        single module, without C(fail_on)). V(null) or V({}) runs the check with its defaults.
      - "Check names: V(resources), V(pm2), V(logs), V(health), V(nginx), V(oracle), V(logsdb),
        V(storage), V(ses)."
    type: dict
    required: true
  timeout:
    description:
      - Hard wall-clock bound on the whole audit, in seconds. Each check also has its own C(timeout);
        a check still running at either bound is killed and reported as C(<check>.timeout).
    type: float
    default: 300.0
  fail_on:
    description:
      - Fail the task when the host's worst status reaches this level, in the order
        C(ok < warning < unknown < critical).
    type: str
    choices: [never, warning, unknown, critical]
    default: never
  option_root:
    description:
      - How error messages name the options of a check, for example V(audit_options) makes an invalid
        option start with C(audit_options.pm2). The audit role sets it to its variable name.
    type: str
    default: checks
  lang:
    description:
      - Language of the C(message) and C(remedy) of every finding, V(en) or V(ko) (Korean, in the words
        of the Korean operations guide where it has words for the remedy).
      - Finding ids, statuses and measured values are the same in every language.
      - A check's own C(lang) option inside O(checks) (for example C(checks.pm2.lang)) takes
        precedence over this one for that check's findings.
    type: str
    choices: [en, ko]
    default: en
attributes:
  check_mode:
    support: full
    description: The audit only reads; check mode runs it unchanged.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
notes:
  - C(changed) is always V(false).
seealso:
  - module: tank.monitoring.resources_check
  - module: tank.monitoring.pm2_check
  - module: tank.monitoring.log_check
  - module: tank.monitoring.health_check
  - module: tank.monitoring.nginx_check
  - module: tank.monitoring.oracle_check
  - module: tank.monitoring.logsdb_check
  - module: tank.monitoring.storage_check
  - module: tank.monitoring.ses_check
'''

EXAMPLES = r'''
- name: Audit a backend host in one round trip
  tank.monitoring.audit:
    checks:
      resources: {}
      pm2: {apps: [backend]}
      logs: {apps: [backend], scheduler_app: "", worker_app: ""}
      health: {url: "http://127.0.0.1:3000/api/health"}
      storage:
        paths:
          - {path: /mnt/nas/attachments, mount: true, fstype: nfs4}
    timeout: 60
  register: audit

- name: Show the host's worst status and every finding
  ansible.builtin.debug:
    msg: "{{ audit.status }}: {{ audit.checks | dict2items | map(attribute='value.findings') | flatten | map(attribute='message') }}"
'''

RETURN = r'''
status:
  description: Worst status of all checks, in the order C(ok < warning < unknown < critical).
  returned: success
  type: str
  sample: warning
checks:
  description:
    - One entry per check that ran, keyed by check name, each in the result contract every single
      check module returns (C(check), C(status), C(findings), C(metrics), C(duration_seconds)).
  returned: success
  type: dict
  sample:
    resources:
      check: resources
      status: ok
      findings: []
      metrics: {cpu_busy_percent: 3.5}
      duration_seconds: 1.02
duration_seconds:
  description: Wall-clock time of the whole audit on the host.
  returned: success
  type: float
  sample: 2.31
timed_out:
  description: Names of the checks killed at their bound.
  returned: success
  type: list
  elements: str
  sample: [storage]
invalid_options:
  description: V(true) when the task failed because an option of a check is invalid (nothing ran).
  returned: failure
  type: bool
  sample: true
'''

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tank.monitoring.plugins.module_utils._audit import check_languages, input_error_result, plan_jobs, run_plan
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, Deadline
from ansible_collections.tank.monitoring.plugins.module_utils._contract import FAIL_ON_CHOICES, worst_of
from ansible_collections.tank.monitoring.plugins.module_utils._module import exit_with, hide_secrets, localized
from ansible_collections.tank.monitoring.plugins.module_utils._runner import MAX_TIMEOUT, MIN_TIMEOUT


# The module's own options; each entry of ``checks`` is validated against that check's spec.
ARGUMENT_SPEC = dict(
    checks=dict(type='dict', required=True),
    timeout=dict(type='float', default=300.0),
    fail_on=dict(type='str', default='never', choices=list(FAIL_ON_CHOICES)),
    option_root=dict(type='str', default='checks'),
    lang=dict(type='str', default='en', choices=['en', 'ko']),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    started = time.monotonic()
    timeout = params['timeout']
    if not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:  # also rejects nan
        module.fail_json(msg='timeout must be between %s and %s seconds, got %s' % (MIN_TIMEOUT, MAX_TIMEOUT, timeout),
                         invalid_options=True)
    try:
        jobs = plan_jobs(params['checks'], params['option_root'])
    except CheckInputError as exc:
        module.fail_json(msg=str(exc), invalid_options=True)
    for job in jobs:
        hide_secrets(module, job.secrets)
    results = run_plan(jobs, Deadline(timeout))
    languages = check_languages(params['checks'], params['lang'])
    checks = {}
    for name, data in results.items():
        checks[name] = localized(input_error_result(name, data) if 'input_error' in data else data,
                                 languages.get(name, params['lang']))
    data = {
        'status': worst_of(entry['status'] for entry in checks.values()),
        'checks': checks,
        'duration_seconds': round(time.monotonic() - started, 3),
        'timed_out': sorted(name for name, entry in checks.items()
                            if any(f['id'] == '%s.timeout' % name for f in entry['findings'])),
    }
    exit_with(module, data, params['fail_on'], 'The audit')


if __name__ == '__main__':
    main()
