# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):
    # Options injected into every check by module_utils/_runner.py common_argument_spec().
    DOCUMENTATION = r'''
options:
  thresholds:
    description:
      - "Overrides of this check's default thresholds, as a mapping of threshold name to
        C({warning: N, critical: N}). Either level may be omitted (keeps the default) or set to
        V(null) (disables that level)."
      - The defaults come from the operations guide and are listed in the collection's
        C(docs/thresholds.md); an unknown name is rejected with the list of known names.
      - In the audit role these come from the inventory variable C(audit_thresholds.<check>), so a
        site or group can override any of them.
    type: dict
    default: {}
  fail_on:
    description:
      - Fail the task when the check status reaches this level, in the order
        C(ok < warning < unknown < critical).
      - With the default V(never) a breached threshold is a finding in the result, not a task failure.
    type: str
    choices: [never, warning, unknown, critical]
    default: never
  timeout:
    description:
      - Hard wall-clock limit for the whole check, in seconds. When it is reached the check returns
        at once with status V(unknown) and a C(<check>.timeout) finding, whatever it was waiting on.
    type: float
attributes:
  check_mode:
    support: full
    description: The check only reads; check mode runs it unchanged.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
notes:
  - The check never changes the host; C(changed) is always V(false).
  - Statuses are V(ok), V(warning), V(unknown) (the check could not decide, with the reason) and
    V(critical); the module's RV(status) is the worst status of its RV(findings).
'''
