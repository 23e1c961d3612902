# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Running checks: options validated against each check's own spec, every check in a killable child.

``prepare()`` turns raw options into a ``Job``: validated and defaulted with ansible-core's
``ArgumentSpecValidator`` against the check's argument spec plus the common options (exactly what
``AnsibleModule`` does for a single module), numbers checked, thresholds resolved, the check's own
``validate`` hook called, its secrets collected. ``run_jobs()`` runs jobs concurrently, each in a
forked child process with its own session, and SIGKILLs the child's whole session at the job's
timeout (or the parent deadline): a call stuck in the kernel (a hung mount) or CPU-bound C code
holding the GIL (a pathological regex) cannot hold the caller past the bound. Findings stream
from the child as they are made, so a killed check keeps what it found before it hung.

Nothing here imports ``AnsibleModule``: ``_module.py`` wraps this for the modules.
"""

from __future__ import annotations

import json
import math
import os
import select
import signal
import time
import traceback

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tank.monitoring.plugins.module_utils._check import (
    CheckInputError,
    Deadline,
    MissingLibrary,
)
from ansible_collections.tank.monitoring.plugins.module_utils._contract import (
    FAIL_ON_CHOICES,
    CheckResult,
    format_number,
)
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import scrub
from ansible_collections.tank.monitoring.plugins.module_utils._thresholds import ThresholdError, resolve

# Bounds of every check's ``timeout`` (seconds): an audit check that needs more than an hour is a hang.
MIN_TIMEOUT = 0.1
MAX_TIMEOUT = 3600.0
# Part of the budget kept for the child to report before it is killed: the check's own deadline
# ends this much earlier than the kill (a quarter of the timeout, at most one second), so a check
# whose calls respect the deadline reports what it waited on rather than a bare timeout.
_REPORT_RESERVE = 1.0
_REPORT_SHARE = 0.25
_READ_SIZE = 65536


def common_argument_spec(default_timeout=30.0):
    """Options every check has; documented by the ``tank.monitoring.common`` fragment."""
    return dict(
        thresholds=dict(type='dict', default={}),
        fail_on=dict(type='str', default='never', choices=list(FAIL_ON_CHOICES)),
        timeout=dict(type='float', default=default_timeout),
        lang=dict(type='str', default='en', choices=['en', 'ko']),
    )


def full_argument_spec(spec):
    """The common options plus the check's own, as one argument spec."""
    argument_spec = common_argument_spec(spec.default_timeout)
    argument_spec.update(spec.argument_spec)
    return argument_spec


class Job(object):
    """One check, ready to run: validated options, resolved thresholds, secrets to mask."""

    __slots__ = ('spec', 'params', 'thresholds', 'secrets', 'timeout')

    def __init__(self, spec, params, thresholds, secrets):
        self.spec = spec
        self.params = params
        self.thresholds = thresholds
        self.secrets = secrets
        self.timeout = params['timeout']

    @property
    def name(self):
        return self.spec.name


def prepare(spec, params, where=None):
    """Validate and default ``params`` for ``spec``; a ``Job``, or ``CheckInputError`` naming ``where``."""
    prefix = '%s: ' % where if where else ''
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise CheckInputError('%sthe options of the %s check must be a mapping, got %s'
                              % (prefix, spec.name, type(params).__name__))
    argument_spec = full_argument_spec(spec)
    _check_before_validation(argument_spec, params, prefix)
    validation = ArgumentSpecValidator(argument_spec).validate(dict(params))
    secrets = sorted(str(v) for v in validation._no_log_values)  # pylint: disable=protected-access
    if validation.error_messages:
        messages = []
        for message in validation.error_messages:
            if validation.unsupported_parameters and message.startswith(_unsupported_names(validation)):
                message = 'unsupported option ' + message
            messages.append(message)
        raise CheckInputError(scrub(prefix + '; '.join(messages), secrets))
    validated = validation.validated_parameters
    try:
        check_numbers(argument_spec, validated)
        thresholds = resolve(spec.name, validated.get('thresholds'))
        if spec.validate_hook is not None:
            spec.validate_hook(validated)
    except (CheckInputError, ThresholdError) as exc:
        raise CheckInputError(scrub(prefix + str(exc), secrets))
    secrets = sorted(set(secrets) | set(spec.secret_values(validated)))
    return Job(spec, validated, thresholds, secrets)


def _check_before_validation(argument_spec, params, prefix):
    """Values that ansible-core's validator does not answer with a message but with an exception."""
    for name, option in argument_spec.items():
        value = params.get(name)
        if value is None:
            continue
        if option.get('type') == 'int' and _infinite(value):
            # check_type_int: int(Decimal('Infinity')) raises OverflowError
            raise CheckInputError('%soption %s must be a finite number, got %s' % (prefix, name, value))
        if option.get('type') == 'dict' and option.get('options') and not isinstance(value, (dict, str)):
            # set_fallbacks: 'argument of type bool is not iterable'
            raise CheckInputError('%soption %s must be a mapping of its sub-options, got %s'
                                  % (prefix, name, type(value).__name__))


def _infinite(value):
    if isinstance(value, bool) or not isinstance(value, (float, str)):
        return False
    try:
        return not math.isfinite(float(value))
    except (ValueError, OverflowError):
        return False


def _unsupported_names(validation):
    """The unsupported option names as ansible-core writes them in its message: a sub-option (a
    tuple of the path to it, e.g. ``('paths', 'bogus')``) dotted, like ``paths.bogus``."""
    return tuple(sorted('.'.join(str(part) for part in name) if isinstance(name, tuple) else str(name)
                        for name in validation.unsupported_parameters))


def check_numbers(argument_spec, params):
    """Every number option finite and not negative; ``timeout`` within its bounds."""
    for name, option in argument_spec.items():
        if option.get('type') not in ('float', 'int'):
            continue
        value = params.get(name)
        if value is None:
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise CheckInputError('option %s must be a finite number, got %s' % (name, value))
        if value < 0:
            raise CheckInputError('option %s must not be negative, got %s' % (name, format_number(value)))
    timeout = params.get('timeout')
    if timeout is not None and not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        raise CheckInputError('option timeout must be between %s and %s seconds, got %s'
                              % (format_number(MIN_TIMEOUT), format_number(MAX_TIMEOUT), format_number(timeout)))


def run_check(spec, params, deadline=None, where=None, isolated=True):
    """Validate ``params`` and run one check in a killable child; the result dict (scrubbed).

    ``isolated=False`` runs the logic in this process instead, with no hard bound: only for tests
    that must observe the check's side effects, and for debugging.
    """
    job = prepare(spec, params, where=where)
    data = run_inline(job) if not isolated else run_jobs([job], deadline)[spec.name]
    if 'input_error' in data:
        raise CheckInputError(data['input_error'])
    return data


def run_inline(job):
    """Run one prepared job in this process (no kill at the timeout); the same outcome shape."""
    events = []
    _execute(job, job.timeout, events.append)
    child = _Child(job, None, None, time.monotonic(), time.monotonic())
    child.events = events
    return child.outcome(timed_out=False)


def run_jobs(jobs, deadline=None):
    """Run prepared jobs concurrently, each bounded by its timeout and by ``deadline`` (the whole run).

    Returns ``{check name: result dict}``. A job whose check raised ``CheckInputError`` at run time
    gets ``{'input_error': message}`` instead. Jobs sharing a discovery (``spec.shares``) start after
    that discovery ran once in this process, so their children inherit it.
    """
    pending = list(jobs)
    running = []
    shared = {}
    for job in pending:
        if job.spec.shares:
            shared.setdefault(job.spec.shares, []).append(job)
    for job in pending:
        if not job.spec.shares:
            running.append(_Child.start(job, deadline))
    owners = dict((job.spec.name, job.spec) for job in jobs)
    for group, members in shared.items():
        _prefetch(owners.get(group) or members[0].spec, members, deadline)
        for job in members:
            running.append(_Child.start(job, deadline))
    results = _collect(running)
    return dict((job.name, results[job.name]) for job in jobs)


def _prefetch(owner, members, deadline):
    """Run the shared discovery once (bounded); a failure only means each check discovers itself."""
    hook = owner.prefetch_hook
    if hook is None:
        return
    budget = Deadline(min(job.timeout for job in members) / 2.0, parent=deadline)
    try:
        hook(members[0].params, budget)
    except Exception:  # pylint: disable=broad-except
        pass


# -- the child side ---------------------------------------------------------------------------------------

def _execute(job, budget, emit):
    """Run the check's logic in this (child) process; ``emit`` receives every event."""
    result = CheckResult(job.spec.name, job.spec.catalogue, job.thresholds, listener=emit)
    deadline = Deadline(budget)
    deadline.seconds = job.timeout  # what checks quote and compare with: the configured timeout
    try:
        job.spec.logic(job.params, result, deadline)
    except (CheckInputError, ThresholdError) as exc:
        emit({'input_error': str(exc)})
        return
    except MissingLibrary as exc:
        result.unknown('missing_library', missing_required_lib(exc.library, reason=exc.reason, url=exc.url),
                       subject=exc.library, reason='missing_library')
    except PermissionError as exc:
        result.unknown('permission_denied', 'Permission denied: %s' % (exc,), reason='permission_denied')
    except Exception as exc:  # pylint: disable=broad-except
        # A check never raises into Ansible: an unexpected error is an unknown result, and the
        # traceback is returned as ``exception`` (shown with -vvv).
        emit({'exception': traceback.format_exc()})
        result.unknown('error', '%s: %s' % (type(exc).__name__, exc), reason='error')
    emit({'done': result.finish().as_dict()})


class _Child(object):
    """A forked child running one job; its events arrive as JSON lines on a pipe."""

    def __init__(self, job, pid, fd, kill_at, started):
        self.job = job
        self.pid = pid
        self.fd = fd
        self.kill_at = kill_at
        self.started = started
        self.buffer = b''
        self.events = []
        self.finished = False

    @classmethod
    def start(cls, job, deadline=None):
        started = time.monotonic()
        kill_at = started + job.timeout
        if deadline is not None:
            kill_at = min(kill_at, deadline.expires)
        budget = max(0.05, kill_at - started - min(_REPORT_RESERVE, job.timeout * _REPORT_SHARE))
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child process
            status = 0
            try:
                os.close(read_fd)
                _detach()
                writer = os.fdopen(write_fd, 'wb', buffering=0)

                def emit(event):
                    writer.write(json.dumps(event, default=str).encode('utf-8') + b'\n')

                _execute(job, budget, emit)
                writer.close()
            except BaseException:  # pylint: disable=broad-except
                status = 1
            finally:
                os._exit(status)  # no atexit handlers, no inherited cleanup of the parent's state
        os.close(write_fd)
        return cls(job, pid, read_fd, kill_at, started)

    def feed(self, chunk):
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b'\n')
        for line in lines:
            if line:
                try:
                    self.events.append(json.loads(line.decode('utf-8')))
                except ValueError:
                    pass

    def close(self):
        self.finished = True
        try:
            os.close(self.fd)
        except OSError:
            pass

    def reap(self, wait=0.0):
        """Collect the child's exit status without ever blocking longer than ``wait``."""
        until = time.monotonic() + wait
        while True:
            try:
                pid, _status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return True
            if pid:
                return True
            if time.monotonic() >= until:
                return False
            time.sleep(0.01)

    def kill(self):
        """SIGKILL the child's whole session (the commands it started included); never wait for it."""
        for pid in _session_members(self.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def outcome(self, timed_out):
        """The result dict (or ``{'input_error': ...}``) from the events received."""
        done = exception = None
        findings = []
        metrics = {}
        for event in self.events:
            if 'input_error' in event:
                return {'input_error': scrub(event['input_error'], self.job.secrets)}
            if 'done' in event:
                done = event['done']
            elif 'exception' in event:
                exception = event['exception']
            elif 'finding' in event:
                findings.append(event['finding'])
            elif 'metric' in event:
                name, value, subject = event['metric']
                if subject is None:
                    metrics[name] = value
                else:
                    metrics.setdefault(name, {})[subject] = value
        job = self.job
        if done is None:
            # Killed (or died): keep what it found, and say why it stopped.
            result = CheckResult(job.spec.name, job.spec.catalogue, job.thresholds)
            result.findings.extend(findings)
            result.metrics.update(metrics)
            if timed_out:
                result.unknown('timeout', 'The %s check did not finish within %s seconds.'
                               % (job.spec.name, format_number(self.kill_at - self.started, 1)),
                               reason='timeout', subject=job.spec.name)
            else:
                result.unknown('error', 'The %s check ended without a result.' % job.spec.name, reason='error')
            done = result.finish().as_dict()
        if exception:
            done['exception'] = exception
        return scrub(done, job.secrets)


def _detach():
    """In the child: own session (so the parent can kill every process the check starts), and no
    handle on the caller's stdin/stdout/stderr (a hung child must not keep Ansible reading)."""
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _session_members(sid):
    """Pids of the processes in session ``sid`` (the child is its leader); the child alone without /proc."""
    members = [sid]
    try:
        entries = os.listdir('/proc')
    except OSError:
        return members
    for entry in entries:
        if not entry.isdigit() or int(entry) == sid:
            continue
        try:
            with open('/proc/%s/stat' % entry, 'rb') as handle:
                stat = handle.read()
        except OSError:
            continue
        # Fields after the command name (which may hold spaces): state ppid pgrp session ...
        fields = stat[stat.rfind(b')') + 2:].split()
        if len(fields) > 3 and fields[3] == str(sid).encode():
            members.append(int(entry))
    return members


def _collect(children):
    """Read every child's events until it ends or its kill time comes; return name -> outcome."""
    results = {}
    live = dict((child.fd, child) for child in children)
    while live:
        now = time.monotonic()
        for fd, child in list(live.items()):
            if now >= child.kill_at:
                child.kill()
                child.close()
                child.reap(0.0)
                results[child.job.name] = child.outcome(timed_out=True)
                del live[fd]
        if not live:
            break
        wait = max(0.0, min(child.kill_at for child in live.values()) - time.monotonic())
        try:
            ready, _w, _x = select.select(list(live), [], [], wait)
        except InterruptedError:  # pragma: no cover - retried by PEP 475 on modern Pythons
            continue
        for fd in ready:
            child = live[fd]
            try:
                chunk = os.read(fd, _READ_SIZE)
            except OSError:
                chunk = b''
            if chunk:
                child.feed(chunk)
                continue
            child.close()
            del live[fd]
            if not child.reap(1.0):
                child.kill()  # wrote its result but cannot exit (stuck closing a file): leave it
            results[child.job.name] = child.outcome(timed_out=False)
    return results
