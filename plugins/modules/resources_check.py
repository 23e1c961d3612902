#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: resources_check
short_description: Check a host's CPU, memory, swap, load and local filesystems against the Tank guide
version_added: 0.1.0
description:
  - Implements sections 7, 9 and 13.7 of the Tank operations guide.
  - Samples CPU busy time over O(cpu_sample_seconds) (the guide asks for I(sustained) 80% before
    reducing worker parallelism), and reads available memory, swap use and the 5-minute load per core.
  - Measures used space and used inodes of every real local filesystem, the way C(df) computes them.
    Kernel and pseudo filesystems (proc, sysfs, cgroup, devtmpfs, squashfs, ...) are ignored; network
    filesystems (NFS, CIFS, ...) are left to M(tank.monitoring.storage_check), which bounds them against hangs.
  - Each breach is a finding with the guide's remedy; nothing on the host is changed.
author:
  - Tank Monitoring Team (@tank-monitoring)
requirements:
  - psutil (on the managed host)
extends_documentation_fragment:
  - tank.monitoring.common
options:
  cpu_sample_seconds:
    description:
      - Length of the CPU sampling window in seconds; V(0) skips CPU sampling.
      - Must be shorter than O(timeout).
    type: float
    default: 3.0
  exclude_mounts:
    description:
      - Extra mount points to ignore, as shell-style patterns. C(/proc), C(/sys), C(/run/user/*),
        C(/snap/*) and C(/var/lib/docker/*) are always ignored.
    type: list
    elements: str
    default: []
  exclude_fstypes:
    description:
      - Extra filesystem types to ignore, besides the built-in pseudo and network filesystem types.
    type: list
    elements: str
    default: []
  timeout:
    description:
      - Hard wall-clock limit for the whole check, in seconds.
    type: float
    default: 30.0
seealso:
  - module: tank.monitoring.storage_check
'''

EXAMPLES = r'''
- name: Check OS resources with the guide's thresholds
  tank.monitoring.resources_check:
  register: resources

- name: Stricter disk limits on a small batch server, and fail the play on critical
  tank.monitoring.resources_check:
    cpu_sample_seconds: 5
    thresholds:
      filesystem_used_percent: {warning: 70, critical: 85}
    fail_on: critical

- name: Show every finding with its remedy
  ansible.builtin.debug:
    msg: "{{ item.status }}: {{ item.message }} -> {{ item.remedy }}"
  loop: "{{ resources.findings }}"
'''

RETURN = r'''
extends_documentation_fragment:
  - tank.monitoring.common
findings:
  description: One entry per problem found; empty when the host is healthy.
metrics:
  description:
    - Measured numbers. Per-filesystem metrics map the mount point to the value.
  returned: always
  type: dict
  sample:
    cpu_busy_percent: 3.5
    cpu_count: 2
    memory_available_percent: 80.1
    load5_per_core: 0.1
    filesystem_used_percent: {"/": 22.4}
'''

from ansible_collections.tank.monitoring.plugins.module_utils import _resources
from ansible_collections.tank.monitoring.plugins.module_utils._module import CheckModule


def main():
    CheckModule(_resources.SPEC).run()


if __name__ == '__main__':
    main()
