# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Storage check (guide §7, §9, §13.3): attachment and batch directories, NAS mounts.

Every filesystem operation on a checked path (stat, realpath, statvfs, the write probe) runs in
the one killable probe child of ``_fsprobe`` (one thread per path), as the application user when
``run_as`` is given. A path that does not answer within ``path_timeout`` is reported as
unresponsive with the step it hung in; the other paths are unaffected.
"""

from __future__ import annotations

import os
import uuid

from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, WARNING, FindingSpec, format_number
from ansible_collections.tank.monitoring.plugins.module_utils._fsusage import judge_usage
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, declare
from ansible_collections.tank.monitoring.plugins.module_utils import _fsprobe
from ansible_collections.tank.monitoring.plugins.module_utils._fsprobe import PROBE_PREFIX, mount_of, read_mountinfo

try:
    import pwd
except ImportError:  # pragma: no cover - not on POSIX
    pwd = None

CHECK = 'storage'

_CHECK_NAS = ('Check the NAS path / permissions (guide §13.3): ')

CATALOGUE = {
    'path.missing': FindingSpec(
        '§7, §13.3',
        'The storage path does not exist, so attachments cannot be matched: the NAS path may have changed or '
        'the network drive is detached (guide §7). ' + _CHECK_NAS + 'mount the share again or correct the '
        'configured path.'),
    'path.not_directory': FindingSpec(
        '§7, §13.3',
        'The storage path is not a directory: the NAS path may have changed (guide §7). ' + _CHECK_NAS
        + 'point the configuration at the attachment directory.'),
    'path.denied': FindingSpec(
        '§7, §13.3',
        'The application user cannot reach the storage path: a permission was removed on the server (guide §7). '
        + _CHECK_NAS + 'restore search (x) permission on every directory of the path for that user.'),
    'path.unresponsive': FindingSpec(
        '§7, §13.3',
        'The storage path does not answer: the network drive hangs or is detached (guide §7), and every process '
        'touching it blocks. Check the NAS and the network to it, then remount the share '
        '(umount -l, mount) once the NAS answers.'),
    'path.error': FindingSpec(
        '§7, §13.3',
        'The storage path cannot be read. ' + _CHECK_NAS + 'look at the system log (dmesg, journalctl) for '
        'filesystem or NAS errors.'),
    'mount.missing': FindingSpec(
        '§7, §13.3',
        'The network drive is detached: the path is a bare local directory, which still accepts files that the '
        'NAS will never see (guide §7). Mount the share again (mount <path>, check /etc/fstab) and move any '
        'files written meanwhile onto the NAS.'),
    'mount.mismatch': FindingSpec(
        '§7, §13.3',
        'The path is mounted from another source or filesystem type than expected: the NAS path changed '
        '(guide §7). Fix the mount (/etc/fstab) or the expected source and type.'),
    'write.read_only': FindingSpec(
        '§7, §13.3',
        'The storage is read-only; read-only is NOT acceptable, the store must be writable (guide §7). Find why '
        'it was mounted or remounted read-only (dmesg; NAS export options) and remount it read-write.'),
    'write.denied': FindingSpec(
        '§7, §13.3',
        'The application user cannot write to the storage: a permission was removed on the server (guide §7). '
        + _CHECK_NAS + 'give that user write permission on the directory (owner, group or ACL; NAS export).'),
    'write.no_space': FindingSpec(
        '§7, §9',
        'No space or inodes left: batch files fail to be stored (guide §7, §9). Free space on this filesystem '
        '(old batches, archives) or extend it.'),
    'write.failed': FindingSpec(
        '§7, §13.3',
        'Writing and reading back a file on the storage failed. ' + _CHECK_NAS + 'look at the system log for '
        'filesystem or NAS errors.'),
    'probe.left_behind': FindingSpec(
        '§7',
        'The check could not delete its probe file (named .tank-monitoring-probe-*): delete it by hand, and '
        'check why files on the storage cannot be deleted.'),
    'probe.run_as': FindingSpec(
        '§7',
        'The write test cannot run as the application user: run the check as root (become: true) so it can '
        'switch to that user.'),
    'filesystem.used': FindingSpec(
        '§7, §9',
        'Disk usage at 80% or more makes batch files fail to be stored (guide §7, §9): free space on this '
        'filesystem (old batches, archives, attachments no longer needed) or extend the share.'),
    'filesystem.inodes': FindingSpec(
        '§7, §9',
        'The filesystem is running out of inodes, so new files cannot be created: remove many small files '
        '(old batch or temp files) or extend the filesystem.'),
}

PATH_OPTIONS = dict(
    path=dict(type='str', required=True),
    mount=dict(type='bool', default=False),
    fstype=dict(type='str'),
    source=dict(type='str'),
    writable=dict(type='bool', default=True),
)
ARGUMENT_SPEC = dict(
    paths=dict(type='list', elements='dict', required=True, options=PATH_OPTIONS),
    run_as=dict(type='str'),
    path_timeout=dict(type='float', default=10.0),
)
DEFAULT_TIMEOUT = 30.0


def run(params, result, deadline):
    paths = _path_specs(params.get('paths'))
    user = _app_user(params.get('run_as'))
    path_timeout = params.get('path_timeout') or 10.0
    if path_timeout <= 0:
        raise CheckInputError('path_timeout must be a positive number of seconds, got %r' % (path_timeout,))

    can_switch = user is None or os.geteuid() == 0 or os.geteuid() == user['uid']
    if not can_switch:
        result.unknown('probe.run_as', 'The write test cannot switch to user %s (the check runs as uid %d, not root); '
                       'paths were checked as the current user.' % (user['name'], os.geteuid()),
                       subject=user['name'], reason='permission_denied')
        user = None

    # Every path is worked on at once in one child: a hung path costs its own time limit only.
    limit = min(path_timeout, deadline.budget(floor=0.1))
    tasks = [_fsprobe.task(spec['path'], stat=True, realpath=True, statvfs=True,
                           probe=(PROBE_PREFIX + uuid.uuid4().hex) if spec['writable'] else None)
             for spec in paths]
    outcomes = _fsprobe.probe(tasks, limit, user=user)
    mounts = read_mountinfo()
    for spec, outcome in zip(paths, outcomes):
        _judge_path(result, spec, user, outcome, limit, mounts)


def _path_specs(raw):
    if not raw or not isinstance(raw, list):
        raise CheckInputError('paths must be a non-empty list of {path, mount, fstype, source, writable}')
    specs = []
    for item in raw:
        if isinstance(item, str):
            item = {'path': item}
        if not isinstance(item, dict) or not item.get('path'):
            raise CheckInputError('every entry of paths needs a path, got %r' % (item,))
        spec = dict((key, item.get(key, (opt.get('default')))) for key, opt in PATH_OPTIONS.items())
        if not os.path.isabs(spec['path']):
            raise CheckInputError('storage path %r must be absolute' % (spec['path'],))
        if (spec['fstype'] or spec['source']) and not spec['mount']:
            spec['mount'] = True  # an expected type or source implies a mount point
        specs.append(spec)
    return specs


def _app_user(name):
    if not name:
        return None
    if pwd is None:
        raise CheckInputError('run_as needs a POSIX host')
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise CheckInputError('run_as: no such user %r on this host' % (name,))
    return {'name': name, 'uid': entry.pw_uid, 'gid': entry.pw_gid,
            'groups': sorted(set(os.getgrouplist(name, entry.pw_gid)))}


def _judge_path(result, spec, user, outcome, limit, mounts):
    path = spec['path']
    who = ('user %s' % user['name']) if user else 'the check user'
    data = outcome['result']
    if data is None:
        if outcome['timed_out']:
            result.add('path.unresponsive', CRITICAL,
                       'Storage path %s did not answer within %ss (stuck in %s); the probe process was killed.'
                       % (path, format_number(limit, 1), outcome['last_step'] or 'start-up'), subject=path, value=round(limit, 1))
        else:
            result.add('path.error', CRITICAL, 'Storage path %s could not be checked: the probe process ended with '
                       'code %s: %s' % (path, outcome['returncode'], outcome['stderr'] or 'no output'), subject=path)
        return

    error = data.get('stat_error')
    if error:
        if error['code'] in ('ENOENT', 'ENOTDIR'):
            result.add('path.missing', CRITICAL, 'Storage path %s does not exist (%s).' % (path, error['error']),
                       subject=path)
        elif error['code'] in ('EACCES', 'EPERM'):
            result.add('path.denied', CRITICAL, 'Storage path %s cannot be reached by %s: %s.'
                       % (path, who, error['error']), subject=path)
        else:
            result.add('path.error', CRITICAL, 'Storage path %s cannot be read: %s (%s).'
                       % (path, error['error'], error['code']), subject=path)
        return
    if not data.get('is_dir'):
        result.add('path.not_directory', CRITICAL, 'Storage path %s is not a directory.' % path, subject=path)
        return

    mount = mount_of(data['realpath'], mounts)
    _judge_mount(result, spec, data['realpath'], mount)
    _judge_usage(result, path, data.get('statvfs'), mount)
    if data.get('probed'):
        _judge_probe(result, path, who, data)


def _judge_mount(result, spec, realpath, mount):
    if not spec['mount']:
        return
    path = spec['path']
    if mount is None or mount['mountpoint'] != realpath:
        on = ('%s (%s on %s)' % (mount['mountpoint'], mount['fstype'], mount['source'])) if mount else 'unknown'
        result.add('mount.missing', CRITICAL,
                   'Storage path %s is not a mount point: it is a bare directory of the filesystem at %s.'
                   % (path, on), subject=path)
        return
    problems = []
    if spec['fstype'] and mount['fstype'] != spec['fstype']:
        problems.append('filesystem type %s, expected %s' % (mount['fstype'], spec['fstype']))
    if spec['source'] and mount['source'].rstrip('/') != spec['source'].rstrip('/'):
        problems.append('source %s, expected %s' % (mount['source'], spec['source']))
    if problems:
        result.add('mount.mismatch', CRITICAL, 'Storage path %s is mounted with %s.' % (path, '; '.join(problems)),
                   subject=path, value=mount['source'])


def _judge_usage(result, path, vfs, mount):
    where = ('%s, %s' % (mount['source'], mount['fstype'])) if mount else 'unknown filesystem'
    judge_usage(result, path, vfs, 'Storage', where)


def _judge_probe(result, path, who, data):
    error = data.get('probe_error')
    if error:
        text = 'failed at %s: %s' % (error['step'], error['error'])
        if error['code']:
            text += ' (%s)' % error['code']
        if error['code'] == 'EROFS':
            result.add('write.read_only', CRITICAL, 'Storage path %s is read-only: the write test %s.' % (path, text),
                       subject=path)
        elif error['code'] in ('EACCES', 'EPERM'):
            result.add('write.denied', CRITICAL, 'Storage path %s is not writable by %s: the write test %s.'
                       % (path, who, text), subject=path)
        elif error['code'] in ('ENOSPC', 'EDQUOT'):
            result.add('write.no_space', CRITICAL, 'Storage path %s has no room for a new file: the write test %s.'
                       % (path, text), subject=path)
        else:
            result.add('write.failed', CRITICAL, 'Storage path %s: the write test %s.' % (path, text), subject=path)
    left = data.get('left_behind')
    if left:
        result.add('probe.left_behind', WARNING, 'The probe file %s could not be deleted: %s.'
                   % (left['file'], left['error']), subject=path)


# The one declaration of this check (the registry, the audit module and the docs derive from it).
SPEC = declare(globals(), scope=HOST, module='storage_check')
