# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""The result contract shared by every tank.monitoring check.

A check produces a ``CheckResult``: an overall ``status``, a list of ``findings`` and a
mapping of ``metrics``. Statuses are ranked ``ok < warning < unknown < critical``:
``unknown`` (the check could not decide) outranks ``warning`` because it may hide a real
problem, but a confirmed ``critical`` outranks it.

Each finding has a stable ``id`` (``<check>.<area>.<what>``), the guide section it comes
from, a fixed remedy text per id (measured values live in ``value``/``threshold``/``subject``
so the text can be translated from a catalogue), and a message with the specifics.
"""

from __future__ import annotations

import threading
import time

OK = 'ok'
WARNING = 'warning'
UNKNOWN = 'unknown'
CRITICAL = 'critical'

# Worst-of order, lowest first. Documented in docs/result-contract.md.
STATUS_ORDER = (OK, WARNING, UNKNOWN, CRITICAL)
_RANK = dict((status, rank) for rank, status in enumerate(STATUS_ORDER))

# Values accepted by every module's ``fail_on`` option.
FAIL_ON_CHOICES = ('never', WARNING, UNKNOWN, CRITICAL)


def rank(status):
    """Position of ``status`` in the worst-of order (higher is worse)."""
    return _RANK[status]


def worst_of(statuses, default=OK):
    """The worst status of an iterable of statuses (``default`` when empty)."""
    worst = default
    for status in statuses:
        if _RANK[status] > _RANK[worst]:
            worst = status
    return worst


def should_fail(status, fail_on):
    """True when ``status`` reaches the caller's ``fail_on`` level."""
    if not fail_on or fail_on == 'never':
        return False
    return _RANK[status] >= _RANK[fail_on]


class FindingSpec(object):
    """What is fixed for one finding id: the guide section and the remedy text."""

    __slots__ = ('section', 'remedy')

    def __init__(self, section, remedy):
        self.section = section
        self.remedy = remedy


# Findings that any check can raise when it cannot decide.
COMMON_FINDINGS = {
    'timeout': FindingSpec(
        None,
        'The check did not finish within its time limit. Look for a hung dependency on the host '
        '(stuck mount, unresponsive service) or raise the check timeout.'),
    'error': FindingSpec(
        None,
        'The check failed unexpectedly. Re-run with -vvv and report the message if it persists.'),
    'missing_library': FindingSpec(
        None,
        'Install the named Python library for the interpreter Ansible uses on this host.'),
    'options.invalid': FindingSpec(
        None,
        'An option of this check is invalid: fix the option named in the message (inventory or task), then '
        'audit again.'),
    'permission_denied': FindingSpec(
        None,
        'Run the check with privileges that can read the resource (become: true), or grant read access.'),
}


class CheckResult(object):
    """Findings and metrics of one check run; thread-safe so a check may fan out."""

    def __init__(self, check, catalogue=None, thresholds=None, listener=None):
        self.check = check
        # Called with every finding and metric as it is made (the runner streams them out of a
        # check's child process, so a check killed at its timeout keeps what it found).
        self.listener = listener
        self.catalogue = catalogue or {}
        self.thresholds = thresholds or {}
        self.findings = []
        self.metrics = {}
        self.notes = []
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self.duration = None

    # -- findings -------------------------------------------------------------------------
    def _spec(self, finding_id):
        local_id = finding_id
        if finding_id.startswith(self.check + '.'):
            local_id = finding_id[len(self.check) + 1:]
        spec = self.catalogue.get(local_id) or COMMON_FINDINGS.get(local_id)
        if spec is None:
            raise KeyError('finding id %r has no catalogue entry in check %r' % (finding_id, self.check))
        return local_id, spec

    def add(self, finding_id, status, message, value=None, threshold=None, subject=None, reason=None):
        """Record a finding. ``finding_id`` is local to the check (``cpu.busy``)."""
        if status not in _RANK:
            raise ValueError('invalid status %r' % (status,))
        if status == OK:
            return None
        local_id, spec = self._spec(finding_id)
        finding = {
            'id': '%s.%s' % (self.check, local_id),
            'status': status,
            'message': message,
            'remedy': spec.remedy,
            'guide_section': spec.section,
            'subject': subject,
            'value': value,
            'threshold': threshold,
        }
        if reason is not None:
            finding['reason'] = reason
        with self._lock:
            self.findings.append(finding)
            if self.listener is not None:
                self.listener({'finding': finding})
        return finding

    def unknown(self, finding_id, message, subject=None, reason=None):
        """Record that (part of) the check could not decide."""
        return self.add(finding_id, UNKNOWN, message, subject=subject, reason=reason)

    def judge(self, finding_id, threshold_name, value, message, subject=None, **details):
        """Compare ``value`` with the named threshold; record a finding when it is breached.

        ``message`` is a ``str.format`` template with ``{value}``, ``{limit}``, ``{unit}``,
        ``{subject}`` and any ``details``. Returns the status (``ok`` when within limits).
        """
        threshold = self.thresholds[threshold_name]
        status, limit = threshold.evaluate(value)
        if status != OK:
            text = message.format(value=format_number(value), limit=format_number(limit), unit=threshold.unit, subject=subject,
                                  **details)
            self.add(finding_id, status, text, value=value, threshold=threshold.describe(threshold_name),
                     subject=subject)
        return status

    # -- metrics --------------------------------------------------------------------------
    def metric(self, name, value, subject=None):
        """Set a metric; with ``subject`` the metric maps subject -> value (one per item)."""
        if value is not None and not isinstance(value, (int, float)):
            raise TypeError('metric %s must be a number, got %r' % (name, value))
        with self._lock:
            if subject is None:
                self.metrics[name] = value
            else:
                self.metrics.setdefault(name, {})[subject] = value
            if self.listener is not None:
                self.listener({'metric': [name, value, subject]})

    # -- result -----------------------------------------------------------------------------
    @property
    def status(self):
        return worst_of(f['status'] for f in self.findings)

    def finish(self):
        if self.duration is None:
            self.duration = round(time.monotonic() - self._started, 3)
        return self

    def as_dict(self):
        """The documented return shape of every check."""
        with self._lock:
            findings = sorted(self.findings, key=lambda f: (-_RANK[f['status']], f['id'], str(f['subject'])))
            data = {
                'check': self.check,
                'status': worst_of(f['status'] for f in findings),
                'findings': findings,
                'metrics': dict(self.metrics),
                'duration_seconds': self.duration,
            }
            if self.notes:
                # Parts of the check that could not be looked at because the endpoint does not
                # offer them: listed, without changing the status (a healthy site stays ok).
                data['not_checked'] = list(self.notes)
            return data


def format_number(number, digits=2):
    """A number for messages: at most ``digits`` decimals, no trailing zeros (``80``, ``85.25``)."""
    if isinstance(number, int):
        return str(number)
    try:
        return ('%.*f' % (digits, number)).rstrip('0').rstrip('.')
    except TypeError:
        return str(number)
