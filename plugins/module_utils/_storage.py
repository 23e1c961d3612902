# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Storage check (guide §7, §9, §13.3): attachment and batch directories, NAS mounts.

Every filesystem operation on a checked path (stat, statvfs, the probe file) runs in a
short-lived child process, one per path, started with all the others at once. A NAS that
stopped answering blocks its caller inside the kernel (a thread stuck there cannot be
stopped), so the parent only waits for the child until the path's time limit and then kills
it; the path is reported as unresponsive and the other paths are unaffected. The child also
arms an alarm so it ends by itself if its parent was abandoned.

When the application runs as another user, the child drops to that user before touching the
path: root can write where the application cannot.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, WARNING, FindingSpec, format_number
from ansible_collections.tank.monitoring.plugins.module_utils._fsusage import judge_usage
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, declare

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

PROBE_PREFIX = '.tank-monitoring-probe-'
# Marks the child's command line, so leftovers can be found (tests look for it).
CHILD_MARKER = 'tank-storage-probe'
# Time kept back from the check's deadline to kill the children and report.
_REPORT_MARGIN = 0.5
_KILL_WAIT = 1.0

# The child program: stdlib only, single-threaded, run as `python -I -S -c PROBE_SOURCE MARKER REQUEST`.
# Kept as source text because the check's own files may not be readable by the application user
# (Ansible ships module_utils inside a private zip) and because a fork of a threaded process is unsafe.
# It prints one JSON line per step before doing it, so a killed child still tells where it hung.
PROBE_SOURCE = r'''
import errno, json, os, signal, stat, sys

def emit(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()

def failure(exc):
    return {"errno": exc.errno, "code": errno.errorcode.get(exc.errno or 0, ""), "error": exc.strerror or str(exc)}

req = json.loads(sys.argv[2])
signal.alarm(req["alarm"])
if req.get("uid") is not None:
    os.setgroups(req["groups"])
    os.setgid(req["gid"])
    os.setuid(req["uid"])
path = req["path"]
out = {}
try:
    emit(step="stat")
    st = os.stat(path)
    out["is_dir"] = stat.S_ISDIR(st.st_mode)
    out["dev"] = [os.major(st.st_dev), os.minor(st.st_dev)]
    emit(step="realpath")
    out["realpath"] = os.path.realpath(path)
    if out["is_dir"]:
        emit(step="statvfs")
        vfs = os.statvfs(path)
        out["statvfs"] = dict((k, getattr(vfs, k)) for k in ("f_frsize", "f_blocks", "f_bfree", "f_bavail",
                                                               "f_files", "f_ffree", "f_favail", "f_flag"))
except OSError as exc:
    out["stat_error"] = failure(exc)
if out.get("is_dir") and "stat_error" not in out and req["probe"]:
    probe = os.path.join(path, req["probe_name"])
    payload = os.urandom(req["payload_size"])
    created = False
    step = "create"
    try:
        emit(step=step)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        created = True
        try:
            step = "write"
            emit(step=step)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            step = "flush"
            emit(step=step)
            os.fsync(fd)
        finally:
            os.close(fd)
        step = "read"
        emit(step=step)
        fd = os.open(probe, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            back = b""
            while len(back) < len(payload) + 1:
                chunk = os.read(fd, len(payload) + 1 - len(back))
                if not chunk:
                    break
                back += chunk
        finally:
            os.close(fd)
        if back != payload:
            out["probe_error"] = {"step": "verify", "errno": None, "code": "",
                                  "error": "read back %d bytes that differ from the %d written" % (len(back), len(payload))}
        step = "delete"
        emit(step=step)
        os.unlink(probe)
        created = False
    except OSError as exc:
        out["probe_error"] = dict(failure(exc), step=step)
    if created:
        try:
            os.unlink(probe)
        except OSError as exc:
            out["left_behind"] = dict(failure(exc), file=probe)
    out["probed"] = True
emit(result=out)
'''


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

    # All children start now and run side by side: a hung path costs its own time limit only.
    limit = max(0.1, min(path_timeout, deadline.remaining() - _REPORT_MARGIN))
    children = [_Child(spec, user, limit) for spec in paths]
    mounts = read_mountinfo()
    for spec, child in zip(paths, children):
        outcome = child.finish()
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


class _Child(object):
    """One killable child process doing every filesystem operation on one path."""

    def __init__(self, spec, user, limit):
        request = {
            'path': spec['path'],
            'probe': bool(spec['writable']),
            'probe_name': PROBE_PREFIX + uuid.uuid4().hex,
            'payload_size': 4096,
            # Backstop: the child ends itself (SIGALRM is fatal) even if nobody kills it.
            'alarm': int(limit) + 2,
        }
        if user is not None and user['uid'] != os.geteuid():
            request.update(uid=user['uid'], gid=user['gid'], groups=user['groups'])
        self.expires = time.monotonic() + limit
        # Not run_command: the children must start together, without waiting, in their own process
        # group that is killed at the limit, and an unkillable one must be abandoned; run() also has
        # no AnsibleModule (it runs in-process under the future audit module).
        self.proc = subprocess.Popen(  # pylint: disable=ansible-bad-function
            [sys.executable, '-I', '-S', '-c', PROBE_SOURCE, CHILD_MARKER, json.dumps(request)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True,
            cwd='/', start_new_session=True, env={'PATH': '/usr/sbin:/usr/bin:/sbin:/bin', 'LC_ALL': 'C'})

    def finish(self):
        """Wait until the limit; kill a child still running. Returns the parsed outcome."""
        timed_out = False
        try:
            stdout, stderr = self.proc.communicate(timeout=max(0.0, self.expires - time.monotonic()))
        except subprocess.TimeoutExpired:
            if self.proc.poll() is not None:  # it ended just as its time ran out
                stdout, stderr = self.proc.communicate(timeout=_KILL_WAIT)
            else:
                timed_out = True
                stdout, stderr = self._kill()
        return _parse(stdout, stderr, self.proc.returncode, timed_out)

    def _kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            return self.proc.communicate(timeout=_KILL_WAIT)
        except subprocess.TimeoutExpired as exc:
            # Unkillable (uninterruptible sleep in the kernel): abandon it with what it said so far.
            for stream in (self.proc.stdout, self.proc.stderr):
                try:
                    stream.close()
                except OSError:
                    pass
            return exc.output or b'', exc.stderr or b''


def _parse(stdout, stderr, returncode, timed_out):
    outcome = {'timed_out': timed_out, 'last_step': None, 'result': None, 'returncode': returncode,
               'stderr': (stderr or b'').decode('utf-8', 'replace').strip()[-500:]}
    for line in (stdout or b'').decode('utf-8', 'replace').splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if 'step' in record:
            outcome['last_step'] = record['step']
        if 'result' in record:
            outcome['result'] = record['result']
    return outcome


def read_mountinfo(path='/proc/self/mountinfo'):
    """Mounts as dicts (mountpoint, fstype, source, options), in mount order."""
    mounts = []
    try:
        with open(path) as handle:
            lines = handle.read().splitlines()
    except OSError:
        return mounts
    for line in lines:
        left, sep, right = line.partition(' - ')
        if not sep:
            continue
        fields, tail = left.split(), right.split()
        if len(fields) < 6 or len(tail) < 2:
            continue
        mounts.append({'mountpoint': _unescape(fields[4]), 'options': fields[5].split(','),
                       'fstype': tail[0], 'source': _unescape(tail[1])})
    return mounts


def _unescape(text):
    # mountinfo escapes space, tab, newline and backslash as octal (\040 ...).
    if '\\' not in text:
        return text
    out, i = [], 0
    while i < len(text):
        digits = text[i + 1:i + 4]
        if text[i] == '\\' and len(digits) == 3 and digits.isdigit():
            out.append(chr(int(text[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return ''.join(out)


def mount_of(realpath, mounts):
    """The mount holding ``realpath``: the longest mount point above it, the topmost when stacked."""
    best = None
    for mount in mounts:
        point = mount['mountpoint']
        if realpath == point or realpath.startswith(point.rstrip('/') + '/'):
            if best is None or len(point) >= len(best['mountpoint']):
                best = mount
    return best


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
