#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: remediate
short_description: Apply the operations guide's fixes for the findings of a fresh audit (dry run in check mode)
version_added: 0.3.0
description:
  - Turns the findings of one host (the C(checks) of that host in a fresh C(audit.json), schema version 2)
    into a plan, and in normal mode carries it out. Only these findings are fixed, each with the command
    the guide names.
  - C(pm2.app.stopped) -> C(pm2 start <app>) (guide §3).
  - C(pm2.app.errored) and C(pm2.app.restart_loop) -> the app's last log lines (its PM2 out and error logs)
    are read and returned in RV(saved_logs), then C(pm2 restart <app>) (guide §3, §13.6).
  - C(pm2.dump.missing), C(pm2.dump.stale_app), C(pm2.dump.unsaved_app) -> C(pm2 save), after the actions
    above and only when every app PM2 runs is online in two samples a second apart (guide §3).
  - C(nginx.port.not_listening) -> C(nginx -t), then C(nginx -s reload) only when the test passes (guide §10).
  - Every other finding (database, SES account, NAS, configuration or code changes) is returned in
    RV(plan.needs_person) with its remedy; nothing is done about it.
  - Before each action the live PM2 state is read again; an app that is online again is left alone, and an
    app without a finding is never touched. No pm2 command is run while the PM2 daemon is down (it would
    start an empty daemon).
  - PM2 commands run as the PM2 user with its E(PM2_HOME), the same PM2 the C(pm2) check looked at.
author:
  - Tank Monitoring Team (@tank-monitoring)
options:
  checks:
    description:
      - The host's check results, C(hosts.<host>.checks) of the audit report (each with C(findings)).
    type: dict
    required: true
  site_checks:
    description:
      - The site check results (C(sites.<site>.checks)) when this host ran them; their findings are only
        ever listed as needing a person.
    type: dict
    default: {}
  pm2:
    description:
      - Which PM2 to act on, as given to the C(pm2) check; only C(pm2_user), C(pm2_home), C(pm2_executable)
        and C(systemd_unit_dir) are used.
    type: dict
    default: {}
  nginx:
    description:
      - Which nginx to test and reload, as given to the C(nginx) check; only C(binary), C(config) and
        C(prefix) are used.
    type: dict
    default: {}
  log_lines:
    description: How many of the last lines of each log file of an errored or looping app are saved.
    type: int
    default: 200
  settle_seconds:
    description: How long to wait for every app to be online before C(pm2 save) (it is skipped otherwise).
    type: float
    default: 10.0
  timeout:
    description: Bound on all the actions together, in seconds.
    type: float
    default: 120.0
attributes:
  check_mode:
    support: full
    description: In check mode nothing is run; the plan says exactly what would be.
  diff_mode:
    support: none
    description: No diff.
notes:
  - Run by the C(tank.monitoring.remediate) role (C(playbooks/remediate.yml)), which audits first, passes each
    host its findings, writes the saved log lines and C(remediation.json), and audits again afterwards.
  - PM2 under another user needs root (C(become) true).
seealso:
  - module: tank.monitoring.audit
  - module: tank.monitoring.pm2_check
  - module: tank.monitoring.nginx_check
'''

EXAMPLES = r'''
- name: Plan (check mode) the fixes of this host's findings
  tank.monitoring.remediate:
    checks: "{{ report.hosts[inventory_hostname].checks }}"
    pm2: {pm2_user: tank}
  check_mode: true
  register: plan

- name: Apply them
  tank.monitoring.remediate:
    checks: "{{ report.hosts[inventory_hostname].checks }}"
    pm2: {pm2_user: tank}
  become: true
'''

RETURN = r'''
plan:
  description: The plan made from the findings.
  returned: success
  type: dict
  contains:
    actions:
      description:
        - The actions in execution order, each with C(action) (V(pm2_start), V(pm2_restart), V(pm2_save),
          V(nginx_reload)), C(subject), C(command), C(finding_ids), C(save_logs), C(guide_section).
      type: list
      elements: dict
    needs_person:
      description:
        - The findings nothing is done about, each with C(id), C(check), C(subject), C(status), C(message),
          C(remedy), C(guide_section), C(site) and C(why).
      type: list
      elements: dict
  sample:
    actions:
      - {action: pm2_start, subject: worker, command: pm2 start worker, finding_ids: [pm2.app.stopped],
         save_logs: false, guide_section: "§3"}
    needs_person: []
results:
  description:
    - One entry per action, with C(outcome) V(planned) (check mode), V(done), V(skipped) or V(failed), and
      C(detail).
  returned: success
  type: list
  elements: dict
  sample:
    - {action: pm2_start, subject: worker, command: pm2 start worker, finding_ids: [pm2.app.stopped],
       outcome: done, detail: was stopped}
saved_logs:
  description:
    - The last lines of the out and error logs of each app restarted for C(pm2.app.errored) or
      C(pm2.app.restart_loop), read before the restart (credentials masked).
  returned: success
  type: list
  elements: dict
  sample:
    - {subject: backend, stream: err, source: /home/tank/.pm2/logs/backend-error.log,
       saved_at: 20261201T093756Z, file_name: 20261201T093756Z-backend-err.log, text: "Error: missing DB_HOST in .env\n", error: null}
lines:
  description: The plan (or what was done) as readable lines, for the console.
  returned: success
  type: list
  elements: str
  sample: ["runs pm2 start worker  [pm2.app.stopped, guide §3]"]
dry_run:
  description: V(true) in check mode (nothing was run).
  returned: success
  type: bool
  sample: true
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, Deadline
from ansible_collections.tank.monitoring.plugins.module_utils._remediate import Executor, make_plan, plan_lines


def main():
    module = AnsibleModule(
        argument_spec=dict(
            checks=dict(type='dict', required=True),
            site_checks=dict(type='dict', default={}),
            pm2=dict(type='dict', default={}),
            nginx=dict(type='dict', default={}),
            log_lines=dict(type='int', default=200),
            settle_seconds=dict(type='float', default=10.0),
            timeout=dict(type='float', default=120.0),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if not 1 <= params['log_lines'] <= 100000:
        module.fail_json(msg='log_lines must be between 1 and 100000, got %s' % params['log_lines'])
    for name in ('settle_seconds', 'timeout'):
        if not 0 <= params[name] <= 3600:  # also rejects nan
            module.fail_json(msg='%s must be between 0 and 3600 seconds, got %s' % (name, params[name]))
    try:
        plan = make_plan(params['checks'], params['site_checks'])
    except CheckInputError as exc:
        module.fail_json(msg=str(exc))
    dry_run = module.check_mode
    if dry_run:
        results = [dict([(k, a[k]) for k in ('action', 'subject', 'command', 'finding_ids')], outcome='planned',
                        detail='dry run: nothing was run') for a in plan['actions']]
        executor = None
    else:
        executor = Executor(params['pm2'], params['nginx'], Deadline(params['timeout']), params['log_lines'],
                            params['settle_seconds'])
        results = executor.run(plan)
    lines = plan_lines(plan, dry_run)
    if not dry_run:
        lines += ['%s: %s (%s)' % (r['outcome'], r['command'], r.get('detail', '')) for r in results]
    module.exit_json(
        changed=any(r['outcome'] in ('done', 'planned') for r in results),
        plan=plan, results=results, saved_logs=executor.saved_logs if executor else [], lines=lines,
        dry_run=dry_run)


if __name__ == '__main__':
    main()
