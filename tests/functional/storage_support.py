# -*- coding: utf-8 -*-
"""Helpers for the storage tests: a FUSE filesystem that never answers, an application user,
and the leftovers a run must not leave (probe files, probe processes).

The hung filesystem speaks the kernel's FUSE protocol directly on /dev/fuse (no libfuse, no
fusepy): it answers the INIT handshake so the mount is up, then never reads another request.
Every stat, statvfs or open under it blocks in the kernel the way a stuck NFS call does, until
the caller is killed or the connection is aborted. Closing the device aborts the connection, so
even a crashed test process cannot leave a hang behind.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
import subprocess
import time
import uuid

_LIBC = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6', use_errno=True)
_MS_NOSUID = 2
_MS_NODEV = 4
_MNT_DETACH = 2

_IN_HEADER = struct.Struct('<IIQQIIII')  # fuse_in_header: len, opcode, unique, nodeid, uid, gid, pid, pad
_OUT_HEADER = struct.Struct('<IiQ')  # fuse_out_header: len, error, unique
_INIT_IN = struct.Struct('<IIII')  # fuse_init_in: major, minor, max_readahead, flags
_FUSE_INIT = 26


def _init_reply(unique, kernel_minor, max_readahead):
    # fuse_init_out (64 bytes): major, minor, max_readahead, flags, max_background,
    # congestion_threshold, max_write, time_gran, max_pages, map_alignment, flags2, 7 unused.
    body = struct.pack('<IIIIHHIIHHI7I', 7, min(kernel_minor, 31), max_readahead, 0, 0, 0, 4096, 1, 0, 0, 0,
                       *([0] * 7))
    return _OUT_HEADER.pack(_OUT_HEADER.size + len(body), 0, unique) + body


class HangingFuse(object):
    """A mounted FUSE filesystem at ``path`` whose every call blocks; ``close()`` undoes it."""

    def __init__(self, path):
        self.path = str(path)
        os.makedirs(self.path, exist_ok=True)
        self.fd = os.open('/dev/fuse', os.O_RDWR | os.O_CLOEXEC)
        self.mounted = False
        try:
            options = 'fd=%d,rootmode=40000,user_id=0,group_id=0' % self.fd
            if _LIBC.mount(b'tankhang', self.path.encode(), b'fuse.tankhang', _MS_NOSUID | _MS_NODEV,
                           options.encode()) != 0:
                errno = ctypes.get_errno()
                raise OSError(errno, 'mount fuse on %s: %s' % (self.path, os.strerror(errno)))
            self.mounted = True
            self._handshake()
        except BaseException:
            self.close()
            raise

    def _handshake(self):
        request = os.read(self.fd, 1 << 20)
        _length, opcode, unique = _IN_HEADER.unpack_from(request)[:3]
        if opcode != _FUSE_INIT:
            raise RuntimeError('expected FUSE_INIT from the kernel, got opcode %d' % opcode)
        major, minor, max_readahead, _flags = _INIT_IN.unpack_from(request, _IN_HEADER.size)
        if major != 7:
            raise RuntimeError('unsupported FUSE kernel protocol %d.%d' % (major, minor))
        os.write(self.fd, _init_reply(unique, minor, max_readahead))

    def close(self):
        if self.mounted:
            _LIBC.umount2(self.path.encode(), _MNT_DETACH)
            self.mounted = False
        if self.fd is not None:
            os.close(self.fd)  # aborts the connection: anything still blocked gets ENOTCONN
            self.fd = None


def account_command(argv, check=True, attempts=20):
    """Run useradd/userdel, retrying while another test holds the lock on /etc/passwd or /etc/group.

    Tests run in parallel workers and the account files are machine-wide: shadow-utils gives up at
    once ("cannot lock /etc/passwd; try again later") instead of waiting.
    """
    for attempt in range(attempts):
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        if proc.returncode == 0 or 'cannot lock' not in proc.stderr or attempt == attempts - 1:
            break
        time.sleep(0.1 + 0.05 * attempt)
    if check and proc.returncode != 0:
        raise AssertionError('%s failed (rc %s): %s' % (' '.join(argv), proc.returncode, proc.stderr.strip()))
    return proc


class AppUser(object):
    """A throwaway system user standing for the application's user; ``remove()`` deletes it."""

    def __init__(self):
        self.name = 'tankapp%s' % uuid.uuid4().hex[:6]
        account_command(['useradd', '--system', '--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin',
                         self.name])
        import pwd
        entry = pwd.getpwnam(self.name)
        self.uid, self.gid = entry.pw_uid, entry.pw_gid

    def remove(self):
        account_command(['userdel', self.name], check=False)


def probe_processes():
    """PIDs of filesystem probe children (storage and resources) still alive (there must be none after a run)."""
    from ansible_collections.tank.monitoring.plugins.module_utils._fsprobe import CHILD_MARKER
    found = []
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as handle:
                argv = handle.read().split(b'\0')
        except OSError:
            continue
        if CHILD_MARKER.encode() in argv:
            found.append(int(pid))
    return found


def probe_files(*directories):
    """Probe files left in ``directories`` (there must be none after a run)."""
    from ansible_collections.tank.monitoring.plugins.module_utils._fsprobe import PROBE_PREFIX
    left = []
    for directory in directories:
        try:
            names = os.listdir(str(directory))
        except OSError:
            continue
        left.extend(os.path.join(str(directory), n) for n in names if n.startswith(PROBE_PREFIX))
    return left


class Mounts(object):
    """Real mounts under a fresh world-traversable directory in /tmp (an application user must
    reach them, which pytest's private tmp_path does not allow); ``cleanup()`` undoes all."""

    def __init__(self):
        import tempfile
        self.base = tempfile.mkdtemp(prefix='tank-storage-', dir='/tmp')
        os.chmod(self.base, 0o755)
        self.mounted = []
        self.fuses = []

    def directory(self, name, mode=0o755):
        path = os.path.join(self.base, name)
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
        return path

    def tmpfs(self, name, size='4m', options=''):
        path = self.directory(name)
        opts = 'size=%s,mode=0755%s' % (size, (',' + options) if options else '')
        subprocess.run(['mount', '-t', 'tmpfs', '-o', opts, 'tank%s' % name, path], check=True)
        self.mounted.append(path)
        return path

    def hanging_fuse(self, name):
        fuse = HangingFuse(self.directory(name))
        self.fuses.append(fuse)
        return fuse.path

    def unmount(self, path):
        subprocess.run(['umount', '-l', path], check=False)
        if path in self.mounted:
            self.mounted.remove(path)

    def cleanup(self):
        import shutil
        for fuse in self.fuses:
            fuse.close()
        for path in reversed(self.mounted):
            subprocess.run(['umount', '-l', path], check=False)
        self.mounted = []
        # Only once nothing is mounted below it, so rmtree never walks into a mount.
        if not any(m['mountpoint'].startswith(self.base + '/') for m in _mounts()):
            shutil.rmtree(self.base, ignore_errors=True)


def _mounts():
    from ansible_collections.tank.monitoring.plugins.module_utils._fsprobe import read_mountinfo
    return read_mountinfo()


def fill_inodes(path):
    """Create empty files until the filesystem has no inode left; returns how many."""
    count = 0
    while True:
        try:
            os.close(os.open(os.path.join(path, 'inode-%06d' % count), os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError:
            return count
        count += 1
