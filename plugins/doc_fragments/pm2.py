# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):
    # Options shared by pm2_check and log_check: module_utils/_pm2.py TARGET_ARGUMENT_SPEC.
    DOCUMENTATION = r'''
options:
  apps:
    description:
      - Names of the PM2 apps to watch (the guide's C(backend) and C(worker)). An expected app that PM2 does not
        run is critical.
      - With M(tank.monitoring.pm2_check), an empty list watches every app PM2 runs and expects none.
    type: list
    elements: str
    default: [backend, worker]
  pm2_user:
    description:
      - The user PM2 runs as. The pm2 command runs as this user (needs root when it is another user) and
        O(pm2_home) defaults to its C(~/.pm2).
      - Defaults to the user running the module.
    type: str
  pm2_home:
    description:
      - The PM2_HOME of the PM2 to look at (holds C(pm2.pid), C(dump.pm2), C(logs/)).
      - Defaults to C(~pm2_user/.pm2) when O(pm2_user) is set, else to the E(PM2_HOME) environment variable of
        the module, else to C(~/.pm2) of the user running the module.
    type: path
  pm2_executable:
    description:
      - Full path of the C(pm2) executable.
      - By default it is searched on E(PATH), in the C(ExecStart) of the PM2 startup unit, under
        C(~pm2_user/.nvm/versions/node/*/bin) (non-interactive shells do not load nvm) and in the usual global
        npm prefixes. The directory of C(pm2) is put first on E(PATH) when it runs, so C(node) is found under nvm.
    type: path
notes:
  - The C(pm2) command is only run when the PM2 daemon is alive (its C($PM2_HOME/pm2.pid) names a live PM2
    process), because any pm2 command would otherwise start a new, empty daemon.
  - Nothing of the apps' environments (C(pm2_env)) is returned, because it holds the launch environment, secrets
    included.
'''
