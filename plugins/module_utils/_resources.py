# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""OS resources check (guide §7, §9, §13.7): CPU, memory, swap, load, local filesystems.

CPU "80% or more, sustained" is judged over the last minute from what the kernel already averages
(no long sampling): the 1-minute load per core confirmed by a short sample, and the pressure-stall
share ``/proc/pressure/cpu`` where the kernel offers it. Every call on a filesystem runs in the
killable probe child of ``_fsprobe``, so a hung mount is one finding, not a hung check.
"""

from __future__ import annotations

import fnmatch
import math
import os
import time

from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, OK, FindingSpec, format_number
from ansible_collections.tank.monitoring.plugins.module_utils._fsusage import judge_usage
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, MissingLibrary
from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, declare
from ansible_collections.tank.monitoring.plugins.module_utils import _fsprobe

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
    'cpu.pressure': FindingSpec(
        '§9, §13.7',
        'Work waits for the CPU most of the time (every core busy): reduce the worker parallelism (guide §13.7 '
        '"CPU 100% -> reduce parallelism") and find the busiest processes (top, pm2 monit).'),
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
    'filesystem.unresponsive': FindingSpec(
        '§7, §9',
        'The filesystem does not answer and every process touching it blocks (a hung network drive or FUSE '
        'daemon, guide §7). Check the server and the network behind the mount (dmesg, journalctl), then '
        'remount it (umount -l <mount point>, mount <mount point>) once it answers.'),
    'filesystem.error': FindingSpec(
        '§7, §9',
        'The filesystem cannot be measured (for example "Transport endpoint is not connected": its FUSE daemon '
        'died, or an I/O error). Look at the system log (dmesg, journalctl), then remount it.'),
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
    cpu_sample_seconds=dict(type='float', default=1.0),
    mount_timeout=dict(type='float', default=5.0),
    exclude_mounts=dict(type='list', elements='str', default=[]),
    exclude_fstypes=dict(type='list', elements='str', default=[]),
    skip_filesystems_of=dict(type='list', elements='str', default=[]),
)
DEFAULT_TIMEOUT = 30.0
PRESSURE_FILE = '/proc/pressure/cpu'
# Shortest CPU sample (psutil counts CPU time in 10 ms ticks: 0.2 s on one core is 5% steps).
MIN_CPU_SAMPLE = 0.2
# statvfs errors that only mean "not ours to measure" (another user's FUSE mount, a mount that vanished).
_IGNORED_ERRORS = ('EACCES', 'EPERM', 'ENOENT', 'ENOTDIR')


def validate(params):
    """Option checks done before any check runs; raises CheckInputError naming the option."""
    sample = params.get('cpu_sample_seconds')
    if sample is None:
        sample = 1.0
    if not isinstance(sample, (int, float)) or not math.isfinite(sample) or sample < 0:
        raise CheckInputError('cpu_sample_seconds must be 0 (skip CPU sampling) or a positive number of seconds, '
                              'got %r' % (sample,))
    timeout = params.get('timeout')
    if isinstance(timeout, (int, float)) and sample >= timeout:
        raise CheckInputError('cpu_sample_seconds (%s) must be shorter than timeout (%s)' % (sample, timeout))
    mount_timeout = params.get('mount_timeout')
    if mount_timeout is not None and (not isinstance(mount_timeout, (int, float)) or not math.isfinite(mount_timeout)
                                      or mount_timeout <= 0):
        raise CheckInputError('mount_timeout must be a positive number of seconds, got %r' % (mount_timeout,))
    for path in params.get('skip_filesystems_of') or []:
        if not isinstance(path, str) or not os.path.isabs(path):
            raise CheckInputError('skip_filesystems_of: %r is not an absolute path' % (path,))


def run(params, result, deadline):
    if psutil is None:
        raise MissingLibrary('psutil')
    validate(params)
    sample = params.get('cpu_sample_seconds')
    sample = 1.0 if sample is None else sample
    if sample >= deadline.seconds:
        raise CheckInputError('cpu_sample_seconds (%s) must be shorter than timeout (%s)' % (sample, deadline.seconds))

    before = psutil.cpu_times() if sample else None
    started = time.monotonic()

    _memory(result)
    load1 = _load(result)
    _pressure(result)
    _filesystems(result, params, deadline)

    if before is not None:
        # Sample CPU over the window while the other measurements already ran.
        window = _sample_window(result, sample, load1, time.monotonic() - started)
        time.sleep(max(0.0, min(window - (time.monotonic() - started), deadline.budget(floor=0.0))))
        _cpu(result, before, psutil.cpu_times(), time.monotonic() - started, load1)


def _sample_window(result, sample, load1, elapsed):
    """How long to sample the CPU: ``cpu_sample_seconds`` only when the sample can change the verdict.

    ``cpu_busy_percent`` is the smaller of the sample and the 1-minute load per core, so while that
    load is below the warning limit no sample can make a finding: the sample then lasts as long as
    the other measurements took (at least MIN_CPU_SAMPLE, for a usable metric), not the full window.
    """
    if load1 is None:
        return sample
    if result.thresholds['cpu_busy_percent'].evaluate(_minute_busy_percent(load1))[0] != OK:
        return sample
    return min(sample, max(MIN_CPU_SAMPLE, elapsed))


def _minute_busy_percent(load1):
    """The 1-minute load per core as a share of the cores: 0.8 runnable tasks per core keep them 80% busy."""
    return round(min(100.0, 100.0 * load1 / (psutil.cpu_count() or 1)), 1)


def _cpu(result, before, after, window, load1):
    total = sum(after) - sum(before)
    idle = (after.idle - before.idle) + (getattr(after, 'iowait', 0.0) - getattr(before, 'iowait', 0.0))
    now = 0.0 if total <= 0 else max(0.0, min(100.0, 100.0 * (1.0 - idle / total)))
    now = round(now, 1)
    cores = psutil.cpu_count() or 1
    result.metric('cpu_sample_busy_percent', now)
    result.metric('cpu_count', cores)
    if load1 is None:  # no load average on this platform: the sample is all there is
        busy, minute = now, None
    else:
        # The run queue also counts tasks blocked on I/O (a hung NAS), which the sample does not: the
        # smaller of the two is CPU busy now AND over the last minute.
        minute = _minute_busy_percent(load1)
        busy = min(now, minute)
    result.metric('cpu_busy_percent', busy)
    result.judge('cpu.busy', 'cpu_busy_percent', busy,
                 'CPU busy {value}% sustained: {now}% over a {window}s sample and {minute} over the last minute '
                 '(1-minute load per core) (limit {limit}%).', now=format_number(now, 1),
                 window=format_number(window, 1),
                 minute=('%s%%' % format_number(minute, 1)) if minute is not None else 'not known')


def read_pressure(path=PRESSURE_FILE):
    """The ``some`` line of a pressure-stall file as ``{'avg10': .., 'avg60': .., 'avg300': ..}``, or None."""
    try:
        with open(path) as handle:
            lines = handle.read().splitlines()
    except OSError:  # kernel without PSI (before 4.20, or booted without psi=1)
        return None
    for line in lines:
        words = line.split()
        if words and words[0] == 'some':
            values = {}
            for word in words[1:]:
                key, _sep, value = word.partition('=')
                if key in ('avg10', 'avg60', 'avg300'):
                    try:
                        values[key] = float(value)
                    except ValueError:
                        return None
            return values if len(values) == 3 else None
    return None


def _pressure(result):
    some = read_pressure()
    if some is None:
        return
    for key in ('avg10', 'avg60', 'avg300'):
        result.metric('cpu_pressure_%s_percent' % key, some[key])
    result.judge('cpu.pressure', 'cpu_pressure_percent', some['avg60'],
                 'Runnable tasks waited for a CPU {value}% of the last minute ({avg300}% of the last 5 minutes): '
                 'every core was busy that long (limit {limit}%).', avg300=format_number(some['avg300'], 1))


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
        return None
    cores = psutil.cpu_count() or 1
    per_core = round(load5 / cores, 2)
    result.metric('load1', round(load1, 2))
    result.metric('load5', round(load5, 2))
    result.metric('load15', round(load15, 2))
    result.metric('load5_per_core', per_core)
    result.judge('load.per_core', 'load_per_core', per_core,
                 '5-minute load per core is {value} on {cores} cores (limit {limit}).', cores=cores)
    return load1


def local_filesystems(mounts, exclude_mounts=(), exclude_fstypes=()):
    """The real local filesystems among ``mounts`` (from ``read_mountinfo``), one per device.

    Decided from the kernel's mount table alone: nothing here touches a mount.
    """
    excluded_types = PSEUDO_FSTYPES | NETWORK_FSTYPES | frozenset(exclude_fstypes)
    exclude_mounts = BUILTIN_EXCLUDE_MOUNTS + tuple(exclude_mounts)
    topmost = {}
    for mount in mounts:  # stacked on one mount point: only the last one mounted is reachable
        topmost[mount['mountpoint']] = mount
    seen = set()
    found = []
    for mount in mounts:
        if topmost[mount['mountpoint']] is not mount:
            continue
        if mount['fstype'] in excluded_types:
            continue
        if any(fnmatch.fnmatchcase(mount['mountpoint'], pattern) for pattern in exclude_mounts):
            continue
        key = _key(mount)
        if key in seen:  # bind mounts show one device several times
            continue
        seen.add(key)
        found.append(mount)
    return found


def _key(mount):
    return mount['device'] or mount['mountpoint']


def _filesystems(result, params, deadline):
    mounts = _fsprobe.read_mountinfo()
    candidates = local_filesystems(mounts, params.get('exclude_mounts') or [], params.get('exclude_fstypes') or [])
    # Filesystems holding a storage path are the storage check's: one finding per filesystem. The
    # path's device tells which (links and bind mounts included); a path that does not answer is
    # taken as held by the mount its name lies under; a missing path holds nothing.
    skip_paths = [os.path.normpath(path) for path in params.get('skip_filesystems_of') or []]
    limit = min(params.get('mount_timeout') or 5.0, deadline.budget(floor=0.1))
    tasks = [_fsprobe.task(m['mountpoint'], stat=False) for m in candidates]
    tasks += [_fsprobe.task(path, stat=True, statvfs=False) for path in skip_paths]
    outcomes = _fsprobe.probe(tasks, limit)
    skipped = set()
    for path, outcome in zip(skip_paths, outcomes[len(candidates):]):
        device = (outcome['result'] or {}).get('dev')
        if device:
            skipped.add(tuple(device))
        elif outcome['timed_out']:
            holder = _fsprobe.mount_of(path, mounts)
            if holder is not None:
                skipped.add(_key(holder))
        # A path that does not exist is not measured by the storage check (it reports the path
        # missing): the filesystem its name lies under stays this check's.

    for mount, outcome in zip(candidates, outcomes):
        if _key(mount) in skipped or mount['device'] in skipped:
            continue
        point = mount['mountpoint']
        where = '%s, %s' % (mount['source'], mount['fstype'])
        data = outcome['result']
        if data is None:
            if outcome['timed_out']:
                result.add('filesystem.unresponsive', CRITICAL,
                           'Filesystem %s (%s) did not answer within %ss (stuck in %s); the probe was killed and '
                           'the other filesystems were measured.'
                           % (point, where, format_number(limit, 1), outcome['last_step'] or 'start-up'),
                           subject=point, value=round(limit, 1))
            else:
                result.unknown('filesystem.error', 'Filesystem %s (%s) could not be measured: the probe process ended '
                               'with code %s: %s' % (point, where, outcome['returncode'], outcome['stderr'] or 'no output'),
                               subject=point)
            continue
        error = data.get('stat_error')
        if error:
            if error['code'] not in _IGNORED_ERRORS:
                result.add('filesystem.error', CRITICAL, 'Filesystem %s (%s) cannot be measured: %s (%s).'
                           % (point, where, error['error'], error['code']), subject=point)
            continue
        judge_usage(result, point, data.get('statvfs'), 'Filesystem', where)


# The one declaration of this check (the registry, the audit module and the docs derive from it).
SPEC = declare(globals(), scope=HOST, module='resources_check')
