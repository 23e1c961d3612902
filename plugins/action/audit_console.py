# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Print the audit report as text through Ansible's display (see plugins/modules/audit_console.py)."""

from __future__ import annotations

import os

from ansible.plugins.action import ActionBase
from ansible.utils import color as ansible_color
from ansible.utils.display import Display

from ansible_collections.tank.monitoring.plugins.module_utils import _render
from ansible_collections.tank.monitoring.plugins.modules.audit_console import ARGUMENT_SPEC

display = Display()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        # ANSIBLE_COLOR is decided in the controller's main process (terminal, ANSIBLE_NOCOLOR,
        # NO_COLOR, ANSIBLE_FORCE_COLOR) before the workers fork; a worker's own stdout is /dev/null.
        colored = _render.color_enabled(args['color'], os.environ, ansible_color.ANSIBLE_COLOR)
        text = _render.console_text(args['report'], color=colored, report_path=args.get('report_path'), lang=args['lang'])
        display.display(text)
        result.update(changed=False, color=colored, lines=text.count('\n') + 1)
        return result
