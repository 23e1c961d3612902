# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""OS resources check (guide §7, §9, §13.7): CPU, memory, swap, load, local filesystems."""

from __future__ import annotations

import fnmatch
import os
import time

from ansible_collections.tank.monitoring.plugins.module_utils._contract import FindingSpec, format_number
from ansible_collections.tank.monitoring.plugins.module_utils._fsusage import judge_usage, statvfs_dict
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, MissingLibrary
from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, declare

try:
    import psutil
except ImportError:  # pragma: no cover - reported as unknown by the check
    psutil = None

CHECK = 'resources'

CATALOGUE = {
    'cpu.busy': FindingSpec(
        '§9, §13.7',
        'Sustained CPU load: reduce the worker parallelism (guide §13.7 "CPU 100% -> reduce parallelism") '
        'and find the busiest processes (top, pm2 monit).'),
    'memory.available': FindingSpec(
        '§9',
        'Memory is short and can stop the worker: find the largest processes (pm2 monit, ps aux --sort=-rss), '
        'restart a leaking app (pm2 restart <app>) or add memory.'),
    'swap.used': FindingSpec(
        '§9',
        'The host is swapping: memory is short. Find the largest processes and reduce the worker parallelism '
        'or add memory.'),
    'load.per_core': FindingSpec(
        '§9, §13.7',
        'The run queue exceeds the CPU cores: reduce the worker parallelism (guide §13.7) or move load away.'),
    'filesystem.used': FindingSpec(
        '§7, §9',
        'Disk usage at 80% or more makes batch files fail to be stored (guide §7, §9): free space on this '
        'filesystem (old logs, pm2 flush, archived batches) or extend it.'),
    'filesystem.inodes': FindingSpec(
        '§7, §9',
        'The filesystem is running out of inodes, so new files cannot be created: remove many small files '
        '(old batch or temp files) or extend the filesystem.'),
}

# Filesystems that hold no data of their own (kernel views, container plumbing, read-only images).
PSEUDO_FSTYPES = frozenset((
    'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'debugfs', 'devpts', 'devtmpfs',
    'efivarfs', 'fusectl', 'hugetlbfs', 'mqueue', 'nsfs', 'proc', 'pstore', 'ramfs', 'rpc_pipefs',
    'securityfs', 'selinuxfs', 'squashfs', 'sysfs', 'tracefs', 'iso9660', 'udf', 'nfsd',
))
# Network filesystems belong to the storage check (they can hang; it bounds them separately).
NETWORK_FSTYPES = frozenset((
    'nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ncpfs', 'afs', 'ceph', 'glusterfs', 'lustre', 'gpfs', '9p',
    'davfs', 'fuse.sshfs', 'fuse.glusterfs', 'fuse.s3fs', 'fuse.rclone', 'fuse.davfs2', 'fuse.cephfs',
))
# Kernel views and per-user or container runtime mounts, always ignored.
BUILTIN_EXCLUDE_MOUNTS = ('/proc', '/proc/*', '/sys', '/sys/*', '/run/user/*', '/snap/*', '/var/lib/docker/*')

ARGUMENT_SPEC = dict(
    cpu_sample_seconds=dict(type='float', default=3.0),
    exclude_mounts=dict(type='list', elements='str', default=[]),
    exclude_fstypes=dict(type='list', elements='str', default=[]),
)
DEFAULT_TIMEOUT = 30.0


def run(params, result, deadline):
    if psutil is None:
        raise MissingLibrary('psutil')
    sample = params.get('cpu_sample_seconds', 3.0)
    if sample is None or sample < 0:
        raise CheckInputError('cpu_sample_seconds must be 0 (skip CPU sampling) or a positive number of seconds')
    if sample >= deadline.seconds:
        raise CheckInputError('cpu_sample_seconds (%s) must be shorter than timeout (%s)' % (sample, deadline.seconds))

    before = psutil.cpu_times() if sample else None
    started = time.monotonic()

    _memory(result)
    _load(result)
    _filesystems(result, params.get('exclude_mounts') or [], params.get('exclude_fstypes') or [])

    if before is not None:
        # Sample CPU over the window while the other measurements already ran.
        time.sleep(max(0.0, sample - (time.monotonic() - started)))
        _cpu(result, before, psutil.cpu_times(), sample)


def _cpu(result, before, after, window):
    total = sum(after) - sum(before)
    idle = (after.idle - before.idle) + (getattr(after, 'iowait', 0.0) - getattr(before, 'iowait', 0.0))
    busy = 0.0 if total <= 0 else max(0.0, min(100.0, 100.0 * (1.0 - idle / total)))
    busy = round(busy, 1)
    result.metric('cpu_busy_percent', busy)
    result.metric('cpu_count', psutil.cpu_count() or 1)
    result.judge('cpu.busy', 'cpu_busy_percent', busy,
                 'CPU busy {value}% over a {window}s window (limit {limit}%).', window=format_number(window, 1))


def _memory(result):
    memory = psutil.virtual_memory()
    available = round(100.0 * memory.available / memory.total, 1) if memory.total else None
    result.metric('memory_total_bytes', memory.total)
    result.metric('memory_available_bytes', memory.available)
    result.metric('memory_available_percent', available)
    result.judge('memory.available', 'memory_available_percent', available,
                 'Only {value}% of memory is available (limit {limit}%).')
    swap = psutil.swap_memory()
    result.metric('swap_total_bytes', swap.total)
    if swap.total:
        used = round(swap.percent, 1)
        result.metric('swap_used_percent', used)
        result.judge('swap.used', 'swap_used_percent', used, 'Swap {value}% used (limit {limit}%).')


def _load(result):
    try:
        load1, load5, load15 = os.getloadavg()
    except (AttributeError, OSError):
        return
    cores = psutil.cpu_count() or 1
    per_core = round(load5 / cores, 2)
    result.metric('load1', round(load1, 2))
    result.metric('load5', round(load5, 2))
    result.metric('load15', round(load15, 2))
    result.metric('load5_per_core', per_core)
    result.judge('load.per_core', 'load_per_core', per_core,
                 '5-minute load per core is {value} on {cores} cores (limit {limit}).', cores=cores)


def local_filesystems(exclude_mounts=(), exclude_fstypes=()):
    """Yield ``(mountpoint, device, fstype)`` of real local filesystems, one per device."""
    excluded_types = PSEUDO_FSTYPES | NETWORK_FSTYPES | frozenset(exclude_fstypes)
    exclude_mounts = BUILTIN_EXCLUDE_MOUNTS + tuple(exclude_mounts)
    seen = set()
    for part in psutil.disk_partitions(all=True):
        fstype = part.fstype
        if fstype in excluded_types:
            continue
        if any(fnmatch.fnmatchcase(part.mountpoint, pattern) for pattern in exclude_mounts):
            continue
        try:
            st_dev = os.stat(part.mountpoint).st_dev
        except OSError:
            continue
        if st_dev in seen:  # bind mounts show one device several times
            continue
        seen.add(st_dev)
        yield part.mountpoint, part.device, fstype


def _filesystems(result, exclude_mounts, exclude_fstypes):
    for mountpoint, device, fstype in local_filesystems(exclude_mounts, exclude_fstypes):
        try:
            vfs = statvfs_dict(os.statvfs(mountpoint))
        except OSError:
            continue
        judge_usage(result, mountpoint, vfs, 'Filesystem', '%s, %s' % (device, fstype))


# The one declaration of this check (the registry, the audit module and the docs derive from it).
SPEC = declare(globals(), scope=HOST, module='resources_check')
