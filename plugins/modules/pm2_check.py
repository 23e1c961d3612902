#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: pm2_check
short_description: Check the Tank backend and worker under PM2 against the operations guide
version_added: 0.1.0
description:
  - Implements sections 3, 9, 13.1 and 13.6 of the Tank operations guide.
  - Reads the state of every expected app from PM2 (C(pm2 jlist)) and reports each state with the guide's
    remedy; C(stopped) (start it again), C(errored) (read the logs, then restart) and a restart loop
    (likely a .env or code error) are told apart. An expected app that PM2 does not know is critical.
  - Catches a restart loop even while PM2 still shows C(online) - an app that crashes after a few seconds keeps
    that status with no unstable restart - by sampling the process list twice O(restart_sample_seconds) apart -
    a growing restart count is a loop. A short uptime after restarts is a warning.
  - Judges memory and CPU of each app from PM2's own monitoring data; the CPU figure is the lower of the two
    samples, so a short spike is not reported.
  - Checks boot persistence, which the guide makes mandatory - the PM2 startup unit of the PM2 user exists in
    O(systemd_unit_dir), is enabled (linked from its C(WantedBy) target) and resurrects this PM2_HOME; the
    saved list C(dump.pm2) holds every app online now (an app started after the last C(pm2 save) does not
    come back after a reboot) and no app PM2 no longer runs (it would come back).
  - Never starts a PM2 daemon - when the daemon is not running it reports that instead of calling C(pm2).
  - The role C(tank.monitoring.pm2_startup) provisions what this check expects of boot persistence.
  - Returns no part of the apps' environments.
author:
  - Tank Monitoring Team (@tank-monitoring)
extends_documentation_fragment:
  - tank.monitoring.common
  - tank.monitoring.pm2
options:
  restart_sample_seconds:
    description:
      - Interval between the two samples of the process list; V(0) takes one sample (a slow restart loop that
        PM2 shows as C(online) is then only seen through a short uptime).
      - Must be shorter than half of O(timeout).
    type: float
    default: 2.0
  check_startup:
    description:
      - Check the startup unit and the saved process list (C(dump.pm2)).
    type: bool
    default: true
  systemd_unit_dir:
    description:
      - Directory holding the PM2 startup unit C(pm2-<user>.service) and the C(<target>.wants) links.
    type: path
    default: /etc/systemd/system
  timeout:
    description:
      - Hard wall-clock limit for the whole check, in seconds.
    type: float
    default: 30.0
seealso:
  - module: tank.monitoring.log_check
'''

EXAMPLES = r'''
- name: Check the backend and worker under the deploy user's PM2
  tank.monitoring.pm2_check:
    pm2_user: tank
  become: true
  register: pm2

- name: Node installed with nvm, a custom PM2_HOME, fail the play on a critical finding
  tank.monitoring.pm2_check:
    pm2_user: tank
    pm2_home: /srv/tank/.pm2
    pm2_executable: /home/tank/.nvm/versions/node/v20.11.1/bin/pm2
    fail_on: critical
  become: true

- name: Allow a bigger heap for the backend
  tank.monitoring.pm2_check:
    thresholds:
      app_memory_mb: {warning: 1536, critical: 3072}
'''

RETURN = r'''
extends_documentation_fragment:
  - tank.monitoring.common
findings:
  description:
    - One entry per problem found; empty when both apps are online, stable and saved, and PM2 starts on boot.
    - "Ids: C(pm2.daemon.not_running), C(pm2.executable.not_found), C(pm2.cli.failed), C(pm2.app.missing),
      C(pm2.app.stopped), C(pm2.app.errored), C(pm2.app.restart_loop), C(pm2.app.recently_restarted),
      C(pm2.app.not_online), C(pm2.app.memory), C(pm2.app.cpu), C(pm2.startup.missing), C(pm2.startup.disabled),
      C(pm2.startup.home_mismatch), C(pm2.dump.missing), C(pm2.dump.unsaved_app), C(pm2.dump.stale_app)."
metrics:
  description:
    - Measured numbers. Per-app metrics map the app name to the value.
  returned: always
  type: dict
  sample:
    apps_registered: 2
    apps_online: 2
    apps_saved: 2
    startup_enabled: 1
    app_online: {backend: 1, worker: 1}
    app_restarts: {backend: 0, worker: 0}
    app_restarts_during_sample: {backend: 0, worker: 0}
    app_uptime_seconds: {backend: 86400.2, worker: 86399.8}
    app_memory_mb: {backend: 120.5, worker: 98.1}
    app_cpu_percent: {backend: 0.3, worker: 1.2}
'''

from ansible_collections.tank.monitoring.plugins.module_utils import _pm2
from ansible_collections.tank.monitoring.plugins.module_utils._module import CheckModule


def main():
    CheckModule(_pm2.SPEC).run()


if __name__ == '__main__':
    main()
