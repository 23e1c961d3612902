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

import importlib
import os
import signal
import subprocess
import sys
import time


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
    def report_margin(self):
        """Seconds kept back from the deadline for the check to report a stuck call itself.

        When a blocking call (a request, a mount probe, an API call) gives up at its own limit, the
        check still has to describe it and hand the finding to the runner before the runner kills it
        at the deadline; on a loaded host the process can wait hundreds of milliseconds for a CPU.
        A tenth of the check's time, from 0.5 s to 2 s: a hung backend is then reported as what it
        is (``health.request.timeout`` and its remedy), not as the check's own timeout.
        """
        return min(2.0, max(0.5, 0.1 * self.seconds))

    def budget(self, floor=0.05):
        """Seconds left for blocking work: what remains minus the report margin."""
        return max(floor, self.remaining(floor=0) - self.report_margin)

    @property
    def expired(self):
        return time.monotonic() >= self.expires


def run_bounded(command, deadline, **kwargs):
    """Run ``command`` (a list, no shell), capturing its output; killed with its whole process group at
    the deadline (``subprocess.TimeoutExpired``).

    Not ``AnsibleModule.run_command``: checks run in-process without a module (several checks in
    one invocation), and run_command has no timeout. The command leads its own process group so
    that grandchildren holding the output pipes are killed too and cannot keep the call waiting; it
    stays in the check's session, which the runner kills whole when the check itself overruns.
    """
    kwargs.setdefault('stdin', subprocess.DEVNULL)
    if sys.version_info >= (3, 11):
        kwargs['process_group'] = 0
    else:  # pragma: no cover - older managed-host Pythons
        kwargs['preexec_fn'] = os.setpgrp
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,  # pylint: disable=ansible-bad-function
                          **kwargs) as proc:
        try:
            # Killed before the deadline, so the check can still say which command hung.
            stdout, stderr = proc.communicate(timeout=deadline.budget())
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


HOST = 'host'
SITE = 'site'
SCOPES = (HOST, SITE)


class CheckSpec(object):
    """Everything the collection knows about one check, declared once at the end of its logic file.

    ``namespace`` is the logic file's ``globals()``: the spec reads ``CHECK``, ``run``, ``CATALOGUE``,
    ``ARGUMENT_SPEC``, ``DEFAULT_TIMEOUT``, ``SECRET_OPTIONS`` and the optional hooks from it, so a
    hook added anywhere in the file is found without touching the declaration.

    Optional hooks of a logic file:
    - ``validate(params)``: raise ``CheckInputError`` for options the argument spec cannot express;
      called before any check of an audit starts;
    - ``secret_values(params)``: the strings to mask in everything the check returns (default: the
      values of ``SECRET_OPTIONS``);
    - ``prefetch(params, deadline)``: a discovery the audit runs once in its own process before
      starting the checks that share it (``shares`` names the group, e.g. ``pm2``).
    """

    def __init__(self, namespace, scope, module, shares=None, summary=None):
        if scope not in SCOPES:
            raise ValueError('scope must be one of %s' % (SCOPES,))
        self._ns = namespace
        self.scope = scope
        self.module = module
        self.shares = shares
        self.summary = summary

    name = property(lambda self: self._ns['CHECK'])
    logic = property(lambda self: self._ns['run'])
    catalogue = property(lambda self: self._ns['CATALOGUE'])
    argument_spec = property(lambda self: self._ns['ARGUMENT_SPEC'])
    default_timeout = property(lambda self: self._ns.get('DEFAULT_TIMEOUT', 30.0))
    secret_options = property(lambda self: tuple(self._ns.get('SECRET_OPTIONS', ())))
    validate_hook = property(lambda self: self._ns.get('validate'))
    prefetch_hook = property(lambda self: self._ns.get('prefetch'))

    def secret_values(self, params):
        hook = self._ns.get('secret_values')
        if hook is not None:
            values = list(hook(params) or [])
        else:
            values = [params.get(name) for name in self.secret_options]
        return [str(v) for v in values if v not in (None, '')]

    def __repr__(self):
        return 'CheckSpec(%s, %s)' % (self.name, self.scope)


def declare(namespace, scope=HOST, module=None, shares=None, summary=None):
    """``SPEC = declare(globals(), ...)`` at the end of a check's logic file."""
    return CheckSpec(namespace, scope, module or '%s_check' % namespace['CHECK'], shares=shares, summary=summary)


class LazyImport(object):
    """A third-party library imported on first use, so a host pays for boto3 or oracledb only when a
    check that needs it runs (the ``audit`` module imports every check). ``bool(lazy)`` tells
    whether the library imports; ``lazy.name`` is its name for ``MissingLibrary``.
    """

    def __init__(self, name, submodules=()):
        self.name = name
        self._submodules = submodules
        self._module = None
        self._failed = False

    def _load(self):
        if self._module is None and not self._failed:
            try:
                module = importlib.import_module(self.name)
                for submodule in self._submodules:
                    importlib.import_module('%s.%s' % (self.name, submodule))
                self._module = module
            except ImportError:
                self._failed = True
        return self._module

    def __bool__(self):
        return self._load() is not None

    def __getattr__(self, attribute):
        if attribute.startswith('_'):
            raise AttributeError(attribute)
        module = self._load()
        if module is None:
            raise MissingLibrary(self.name)
        return getattr(module, attribute)
