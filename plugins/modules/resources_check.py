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
  - Judges the guide's "CPU 80% or more, I(sustained)" over the last minute without sampling for long.
    C(cpu_busy_percent) is the smaller of a short sample (O(cpu_sample_seconds)) and the 1-minute load per
    core as a share of the cores, so a brief spike (high sample, low load) and tasks only blocked on I/O
    (high load, idle CPU) are not reported. Where the kernel offers pressure-stall information
    (C(/proc/pressure/cpu), Linux 4.20 and later), C(cpu_pressure_percent) is the share of the last minute
    in which runnable tasks waited for a CPU (every core busy); it is judged against the same 80%.
  - Reads available memory, swap use and the 5-minute load per core.
  - Measures used space and used inodes of every real local filesystem, the way C(df) computes them.
    Kernel and pseudo filesystems (proc, sysfs, cgroup, devtmpfs, squashfs, ...) are ignored; network
    filesystems (NFS, CIFS, ...) are left to M(tank.monitoring.storage_check).
  - No filesystem call runs in the module process. The mounts are read from C(/proc/self/mountinfo), and
    C(statvfs) of every mount runs in one killable child process (one thread per mount). A mount that does
    not answer within O(mount_timeout) (a hung NAS or FUSE daemon) is reported as
    C(resources.filesystem.unresponsive) naming the mount; the other mounts are still measured.
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
      - Length of the short CPU sample in seconds, taken while the other measurements run; V(0) skips the
        sample and with it C(resources.cpu.busy) (the pressure-stall judgement remains).
      - The sample lasts this long only when the 1-minute load per core reaches the warning limit of
        C(cpu_busy_percent), the only case in which a sample can change the verdict. Otherwise it lasts as long
        as the other measurements took, at least 0.2 s (or O(cpu_sample_seconds) when shorter), so a quiet host
        is not kept waiting.
      - Must be shorter than O(timeout).
    type: float
    default: 1.0
  mount_timeout:
    description:
      - Time each filesystem has to answer C(statvfs), in seconds (all mounts are measured at once, so a
        hung mount costs this time once). Capped by O(timeout).
    type: float
    default: 5.0
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
  skip_filesystems_of:
    description:
      - Paths whose filesystems this check leaves out because M(tank.monitoring.storage_check) judges them
        (one finding per filesystem). The filesystem holding each path is found from the path's device
        (symbolic links and bind mounts included); for a path that does not answer, from the mount its
        name lies under.
      - The audit fills this from the storage check's paths.
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
    cpu_sample_seconds: 2
    mount_timeout: 3
    skip_filesystems_of: [/mnt/nas/attachments]
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
    cpu_sample_busy_percent: 3.5
    cpu_pressure_avg60_percent: 0.4
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
