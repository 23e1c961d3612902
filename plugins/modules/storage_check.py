#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: storage_check
short_description: Check Tank's attachment and batch storage (NAS or local) against the guide
version_added: 0.1.0
description:
  - Implements sections 7, 9 and 13.3 of the Tank operations guide for each path in O(paths).
  - The path must exist and be a directory. When O(paths[].mount) is set, it must B(be) a mount
    point, with the expected O(paths[].fstype) and O(paths[].source) when given. A detached network
    drive leaves a bare local directory that still accepts writes; that is critical.
  - Writable for real, when O(paths[].writable) is set (the default) - a uniquely named probe file
    (C(.tank-monitoring-probe-*)) is created, written, flushed to the storage, read back, compared
    and deleted. Read-only is critical (the guide says read-only is not acceptable). With
    O(run_as), every operation on the path runs as the application's user, since root can write
    where the application cannot.
  - Space and inodes used on the filesystem holding each path, 80% warning and 90% critical by default.
  - Every filesystem operation on a path runs in a child process that is killed at the path's time
    limit, so a hung NAS (a stuck NFS call blocks its caller in the kernel) is reported as
    unresponsive instead of hanging the check. Paths are checked side by side.
  - Nothing is left behind - the probe file is deleted, and a probe file that cannot be deleted is
    reported.
author:
  - Tank Monitoring Team (@tank-monitoring)
extends_documentation_fragment:
  - tank.monitoring.common
options:
  paths:
    description:
      - The directories to check (attachments, batch input and output).
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Absolute path of the directory, as the application is configured with it.
        type: str
        required: true
      mount:
        description:
          - The path must be a mount point (a NAS share). Implied by O(paths[].fstype) or O(paths[].source).
        type: bool
        default: false
      fstype:
        description: Expected filesystem type of the mount, exactly as in C(/proc/mounts) (V(nfs4), V(cifs), ...).
        type: str
      source:
        description: Expected source of the mount, exactly as in C(/proc/mounts) (V(nas01:/export/tank), V(//nas01/tank)).
        type: str
      writable:
        description: Run the write probe. Set V(false) for a directory the application only reads.
        type: bool
        default: true
  run_as:
    description:
      - Name of the user the application runs as; every operation on the paths, including the
        write probe, is done as that user. Needs the check to run as root (C(become=true)).
      - When omitted, the paths are checked as the user the check runs as.
    type: str
  path_timeout:
    description:
      - Time limit for one path, in seconds; a path that has not answered by then is reported as
        unresponsive. Capped by O(timeout).
    type: float
    default: 10.0
  timeout:
    description:
      - Hard wall-clock limit for the whole check, in seconds.
    type: float
    default: 30.0
notes:
  - The write probe runs in check mode too - it leaves nothing behind, and skipping it would hide
    a read-only or full store from the audit, which runs in check mode.
  - A probe process stuck in an uninterruptible kernel wait (a hard NFS mount) cannot be killed at
    all; the check abandons it and reports the path as unresponsive, and the process ends when the
    NAS answers again.
seealso:
  - module: tank.monitoring.resources_check
'''

EXAMPLES = r'''
- name: Check the attachment share and the batch directory as the application user
  tank.monitoring.storage_check:
    paths:
      - path: /mnt/nas/attachments
        mount: true
        fstype: nfs4
        source: nas01:/export/tank/attachments
      - path: /opt/tank/batch
    run_as: tank
  become: true
  register: storage

- name: A read-only template directory, stricter space limits, fail on critical
  tank.monitoring.storage_check:
    paths:
      - path: /opt/tank/templates
        writable: false
    thresholds:
      filesystem_used_percent: {warning: 70, critical: 85}
    fail_on: critical
'''

RETURN = r'''
extends_documentation_fragment:
  - tank.monitoring.common
findings:
  description: One entry per problem found; empty when the storage is healthy.
metrics:
  description: Measured numbers; each maps the path to its value.
  returned: always
  type: dict
  sample:
    filesystem_used_percent: {"/mnt/nas/attachments": 41.5}
    filesystem_inodes_used_percent: {"/mnt/nas/attachments": 3.1}
    filesystem_free_bytes: {"/mnt/nas/attachments": 1073741824}
'''

from ansible_collections.tank.monitoring.plugins.module_utils import _storage
from ansible_collections.tank.monitoring.plugins.module_utils._module import CheckModule


def main():
    CheckModule(_storage.SPEC).run()


if __name__ == '__main__':
    main()
