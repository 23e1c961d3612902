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
  lang:
    description:
      - Language of the C(message) and C(remedy) of each finding, V(en) or V(ko) (Korean, in the words
        of the Korean operations guide where it has words for the remedy).
      - Finding ids, statuses and measured values are the same in every language.
    type: str
    choices: [en, ko]
    default: en
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
    V(critical); the module's C(status) is the worst status of its C(findings).
'''

    # The result every check returns (docs/result-contract.md); modules add their metrics and name
    # their finding ids in their own RETURN.
    RETURN = r'''
check:
  description: Name of the check, also its key in the audit report.
  returned: always
  type: str
  sample: resources
status:
  description: Worst status of the findings in the order C(ok < warning < unknown < critical); V(ok) when there is none.
  returned: always
  type: str
  sample: warning
findings:
  description: One entry per problem found; empty when everything checked is healthy.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Stable identifier C(<check>.<area>.<what>); the remedy is a fixed text per id.
      type: str
      sample: resources.filesystem.used
    status:
      description: V(warning), V(unknown) or V(critical).
      type: str
      sample: warning
    message:
      description: What was found, with the measured specifics.
      type: str
      sample: Filesystem /data (/dev/sdb1, ext4) is 85.2% full (limit 80%).
    remedy:
      description: What to do, in the operations guide's words where it gives a remedy.
      type: str
      sample: "Disk usage at 80% or more makes batch files fail to be stored (guide §7, §9): ..."
    guide_section:
      description: Section of the operations guide the finding comes from, or null.
      type: str
      sample: "§7, §9"
    subject:
      description: The item concerned (mount point, app, URL, table, path...), or null.
      type: str
      sample: /data
    value:
      description: The measured value, or null.
      type: raw
      sample: 85.2
    threshold:
      description: The threshold that was broken (name, warning, critical, direction, unit), or null.
      type: dict
      sample: {name: filesystem_used_percent, warning: 80, critical: 90, direction: above, unit: "%"}
    reason:
      description: For V(unknown) findings raised by the runner, why the check could not decide
        (V(missing_library), V(permission_denied), V(timeout), V(error)).
      type: str
      returned: when the runner could not decide
      sample: timeout
duration_seconds:
  description: Wall-clock time the check took, in seconds.
  returned: always
  type: float
  sample: 3.02
'''
