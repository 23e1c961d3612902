# -*- coding: utf-8 -*-
"""A check run by an unprivileged user, for real: a throw-away system user (storage_support.AppUser)
and a throw-away virtualenv it can execute, with psutil.

The test virtualenv cannot serve: its Python lives under root's 0700 home (pyenv). The virtualenv
here is made under a world-traversable directory in /tmp from the Debian system Python
(``python3``, installed by tests/tools/install-system-deps.sh; 3.11 on bookworm, a managed-node
Python ansible-core supports), without pip and without any network: psutil is copied from the test
virtualenv, whose wheel is built for the stable ABI (``_psutil_linux.abi3.so``) and so loads in any
Python 3 of this machine. Ansible reaches the user with ``become_method: su`` (root needs no
password; ``-s /bin/sh`` because a system user's shell is nologin) and runs the module with that
interpreter (``ansible_python_interpreter``), pipelined over stdin as every other test does.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile

import psutil

from storage_support import AppUser

SYSTEM_PYTHON = '/usr/bin/python3'


class UnprivilegedPython(object):
    """``task_extra()`` makes a ``run_module`` task run as a fresh unprivileged user; ``cleanup()`` undoes all."""

    def __init__(self):
        if not os.access(SYSTEM_PYTHON, os.X_OK):
            raise RuntimeError('%s is missing: tests/tools/install-system-deps.sh installs the Debian python3'
                               % SYSTEM_PYTHON)
        self.base = tempfile.mkdtemp(prefix='tank-unpriv-', dir='/tmp')
        self.user = None
        try:
            os.chmod(self.base, 0o755)
            venv = os.path.join(self.base, 'venv')
            subprocess.run([SYSTEM_PYTHON, '-m', 'venv', '--without-pip', venv], check=True, capture_output=True)
            self.python = os.path.join(venv, 'bin', 'python')
            site = subprocess.run([self.python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                                  check=True, capture_output=True, text=True).stdout.strip()
            source = os.path.dirname(psutil.__file__)
            if not glob.glob(os.path.join(source, '_psutil_linux.abi3.so')):
                raise RuntimeError('psutil of %s is not built for the stable ABI: it cannot be copied into the Python '
                                   'of %s' % (sys.executable, SYSTEM_PYTHON))
            shutil.copytree(source, os.path.join(site, 'psutil'), ignore=shutil.ignore_patterns('__pycache__'))
            subprocess.run(['chmod', '-R', 'go+rX', self.base], check=True)
            self.user = AppUser()
            # The module's own temporary directory (a system user has no home to hold ~/.ansible/tmp).
            self.remote_tmp = os.path.join(self.base, 'remote-tmp')
            os.mkdir(self.remote_tmp, 0o700)
            os.chown(self.remote_tmp, self.user.uid, self.user.gid)
            probe = subprocess.run(['su', '-s', '/bin/sh', self.user.name, '-c', '%s -c "import psutil"' % self.python],
                                   capture_output=True, text=True, check=False)
            if probe.returncode != 0:
                raise RuntimeError('user %s cannot import psutil with %s: %s'
                                   % (self.user.name, self.python, probe.stderr))
        except BaseException:
            self.cleanup()
            raise

    @property
    def name(self):
        return self.user.name

    def task_extra(self):
        """Task keywords and variables: the module runs as the user, with the throw-away interpreter."""
        return {'become': True, 'become_method': 'ansible.builtin.su', 'become_user': self.user.name,
                'vars': {'ansible_python_interpreter': self.python, 'ansible_become_flags': '-s /bin/sh',
                         'ansible_remote_tmp': self.remote_tmp}}

    def cleanup(self):
        if self.user is not None:
            self.user.remove()
            self.user = None
        shutil.rmtree(self.base, ignore_errors=True)
