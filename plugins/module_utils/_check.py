# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""What every check's logic imports: its error types, the time budget, bounded subprocesses, scrubbing.

Nothing here imports Ansible's module wrapper, so the ``audit`` module can import every check.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

from ansible_collections.tank.monitoring.plugins.module_utils._secrets import MASK, scrub  # noqa: F401 (re-export)


class CheckInputError(ValueError):
    """Invalid options: reported to the operator as a clear task failure, not a finding."""


class MissingLibrary(Exception):
    """A Python library the check needs is not importable on the host."""

    def __init__(self, library, reason=None, url=None):
        super(MissingLibrary, self).__init__(library)
        self.library = library
        self.reason = reason
        self.url = url


class Deadline(object):
    """A time budget; pass ``remaining()`` to every blocking call.

    With a ``parent`` (the whole audit's budget) it never outlives it: a check's deadline is the
    earlier of its own timeout and what is left of the audit.
    """

    def __init__(self, seconds, parent=None):
        self.seconds = seconds
        self.parent = parent
        self.expires = time.monotonic() + seconds
        if parent is not None:
            self.expires = min(self.expires, parent.expires)

    def remaining(self, floor=0.05):
        return max(floor, self.expires - time.monotonic())

    @property
    def expired(self):
        return time.monotonic() >= self.expires


def run_bounded(command, deadline, **kwargs):
    """Run ``command`` (a list, no shell), capturing its output; killed with its whole process group at
    the deadline (``subprocess.TimeoutExpired``).

    Not ``AnsibleModule.run_command``: checks run in-process without a module (several checks in
    one invocation), and run_command has no timeout. The command gets its own session so that
    grandchildren holding the output pipes are killed too and cannot keep the call waiting.
    """
    kwargs.setdefault('stdin', subprocess.DEVNULL)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,  # pylint: disable=ansible-bad-function
                          start_new_session=True, **kwargs) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=deadline.remaining())
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            try:
                proc.communicate(timeout=1.0)
            except subprocess.TimeoutExpired:
                pass
            raise subprocess.TimeoutExpired(command, deadline.seconds)
        except BaseException:
            _kill_group(proc)
            raise
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        try:
            proc.kill()
        except OSError:
            pass
