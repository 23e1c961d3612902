# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""THE threshold table: every default limit of every check, taken from the operations guide.

Each entry is a warning/critical pair with a direction (``above``: higher is worse,
``below``: lower is worse), a unit and the guide section it comes from. Any entry can be
overridden per host or group from inventory (``audit_thresholds``) and per task through a
module's ``thresholds`` option, e.g. ``{"filesystem_used_percent": {"warning": 85}}``.
"""

from __future__ import annotations

import math

from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, OK, WARNING

ABOVE = 'above'
BELOW = 'below'


def _t(warning, critical, direction, unit, source):
    return {'warning': warning, 'critical': critical, 'direction': direction, 'unit': unit, 'source': source}


DEFAULTS = {
    'resources': {
        # guide §9, §13.7: CPU 80% or more, sustained -> reduce worker parallelism. Judged over the last
        # minute: the smaller of a short sample and the 1-minute load per core as a share of the cores.
        'cpu_busy_percent': _t(80, 95, ABOVE, '%', 'guide §9: CPU 80% or more, sustained (the smaller of a short '
                               'sample and the 1-minute load per core, as % of the cores)'),
        # The same guide limit read from the kernel's pressure-stall average (/proc/pressure/cpu "some"
        # avg60): the share of the last minute in which runnable tasks waited for a CPU, i.e. every core
        # was busy. At 80% the CPU was 100% busy for 80% of the minute: at least 80% busy, sustained.
        'cpu_pressure_percent': _t(80, 95, ABOVE, '%', 'guide §9, §13.7: CPU 80% or more, sustained / CPU 100% '
                                   '(share of the last minute with tasks waiting for a CPU, /proc/pressure/cpu '
                                   'some avg60)'),
        # guide §9: memory shortage can stop the worker.
        'memory_available_percent': _t(15, 5, BELOW, '%', 'guide §9: memory shortage can stop the worker'),
        'swap_used_percent': _t(50, 80, ABOVE, '%', 'guide §9: memory shortage (swapping)'),
        'load_per_core': _t(1.5, 3.0, ABOVE, '', 'guide §9: CPU saturation (run queue per core)'),
        # guide §7, §9: disk 80% or more -> batch files fail to be stored.
        'filesystem_used_percent': _t(80, 90, ABOVE, '%', 'guide §7, §9: disk 80% or more'),
        'filesystem_inodes_used_percent': _t(80, 90, ABOVE, '%', 'guide §7, §9: disk 80% or more (inodes)'),
    },
    'pm2': {
        # guide §3: a restarting loop (likely a .env or code error); restarts seen while the check watched.
        'app_restarts_during_sample': _t(None, 1, ABOVE, '', 'guide §3: restarting loop'),
        # guide §3: a short uptime after restarts hints at a loop the status column does not show.
        'app_uptime_seconds': _t(60, None, BELOW, 's', 'guide §3: restarting loop (short uptime after restarts)'),
        # guide §9: memory shortage can stop the worker (no number given: a Node process near its heap limit).
        'app_memory_mb': _t(1024, 2048, ABOVE, 'MB', 'guide §9: memory shortage can stop the worker'),
        # guide §9, §13.7: CPU 80% or more, sustained -> reduce worker parallelism.
        'app_cpu_percent': _t(80, 95, ABOVE, '%', 'guide §9: CPU 80% or more, sustained'),
    },
    'logs': {
        # guide §5: the scheduler creates jobs by itself and logs "Scheduler" (no interval given).
        'scheduler_silence_minutes': _t(30, 120, ABOVE, 'min', 'guide §5: scheduler writes "Scheduler" lines'),
        # guide §5: "Processing job" lines repeating -> healthy; none in the window -> worker stuck (§13.6).
        'worker_jobs_in_window': _t(0, None, BELOW, 'jobs', 'guide §5, §13.6: "Processing job" lines repeating'),
        # guide §5, §6: error lines repeating -> DB, file or SES problem; counted per class in the window.
        'errors_in_window': _t(3, 20, ABOVE, 'lines', 'guide §5, §6: error lines repeating'),
    },
    'oracle': {
        # guide §6: connectivity; 1 s / 5 s like check_oracle_health's connection-time defaults.
        'connect_seconds': _t(1, 5, ABOVE, 's', 'guide §6: Oracle connectivity (connection time)'),
        'query_seconds': _t(1, 5, ABOVE, 's', 'guide §6: Oracle connectivity (trivial query time)'),
        'password_expiry_days': _t(14, 3, BELOW, 'days', 'guide §6: account problems (ORA-28001 expiry)'),
    },
    'logsdb': {
        # guide §5: AUTO_RUN_LOG must show a normal run pattern (values in expected run intervals).
        'autorun_missed_intervals': _t(2, 3, ABOVE, 'intervals', 'guide §5: AUTO_RUN_LOG normal run pattern'),
        'autorun_failed_runs': _t(1, 3, ABOVE, 'runs', 'guide §5: AUTO_RUN_LOG normal run pattern'),
        'autorun_stuck_runs': _t(None, 1, ABOVE, 'runs', 'guide §5, §13.6: worker stuck'),
        'autorun_max_gap_intervals': _t(2, None, ABOVE, 'intervals', 'guide §5: AUTO_RUN_LOG run interval'),
        'autorun_min_gap_ratio': _t(0.5, None, BELOW, 'intervals', 'guide §5: AUTO_RUN_LOG run interval'),
        # guide §11: a sudden rise of FAIL; judged only on min_volume sends and a rise over the baseline.
        'send_fail_percent': _t(5, 20, ABOVE, '%', 'guide §11: sudden rise of FAIL in the send log'),
        # guide §7, §11: NOT_FOUND rising -> NAS; INVALID rising -> damaged file or batch error.
        'attachment_not_found_percent': _t(2, 10, ABOVE, '%', 'guide §11: NOT_FOUND rising (NAS problem)'),
        'attachment_invalid_percent': _t(2, 10, ABOVE, '%', 'guide §11: INVALID rising (damaged file, batch)'),
        'attachment_duplicated_percent': _t(5, 20, ABOVE, '%', 'guide §7: ATTACHMENT_LOG DUPLICATED'),
        # guide §11: repeats in one MODULE -> that area is failing (errors per module in the window).
        'system_errors_per_module': _t(5, 20, ABOVE, 'errors', 'guide §11: repeats in one MODULE'),
        # guide §13.2: template errors -> check TEMPLATE_LOG.
        'template_errors': _t(1, 10, ABOVE, 'errors', 'guide §13.2: template error'),
    },
    'storage': {
        # guide §7, §9: NAS / local directory 80% or more -> batch files fail to be stored.
        'filesystem_used_percent': _t(80, 90, ABOVE, '%', 'guide §7, §9: disk 80% or more'),
        'filesystem_inodes_used_percent': _t(80, 90, ABOVE, '%', 'guide §7, §9: disk 80% or more (inodes)'),
    },
    'ses': {
        # guide §8: the daily sending quota (e.g. 50,000/day) must never be exceeded.
        'quota_used_percent': _t(80, 95, ABOVE, '%', 'guide §8: daily sending quota must not be exceeded'),
        'quota_exhausted_in_hours': _t(4, 1, BELOW, 'h', 'guide §8: daily sending quota (forecast at the recent pace)'),
        # guide §8: the max send rate (e.g. 14 mails/sec) must not be exceeded.
        'send_rate_percent': _t(90, 100, ABOVE, '%', 'guide §8: max send rate must not be exceeded'),
        # guide §8 table: bounce under 5% normal, 10% or more danger.
        'bounce_rate_percent': _t(5, 10, ABOVE, '%', 'guide §8: bounce under 5% normal, 10% or more danger'),
        # guide §8 table: complaint under 0.1% normal, 1% or more danger.
        'complaint_rate_percent': _t(0.1, 1, ABOVE, '%', 'guide §8: complaint under 0.1% normal, 1% or more danger'),
        # guide §8 table: rejected almost 0% normal, 5% or more a problem.
        'reject_rate_percent': _t(1, 5, ABOVE, '%', 'guide §8: rejected almost 0% normal, 5% or more a problem'),
    },
    'health': {
        # guide §4: the health API must answer; slow answers precede "no response".
        'latency_seconds': _t(1.0, 5.0, ABOVE, 's', 'guide §4: GET /api/health answers {"status": "ok"}'),
    },
    'nginx': {
        # guide §10: the front page must load.
        'front_page_latency_seconds': _t(2.0, 10.0, ABOVE, 's', 'guide §10: front page not loading'),
    },
}


class Threshold(object):
    """A warning/critical pair with a direction."""

    __slots__ = ('warning', 'critical', 'direction', 'unit', 'source')

    def __init__(self, warning, critical, direction=ABOVE, unit='', source=None):
        self.warning = warning
        self.critical = critical
        self.direction = direction
        self.unit = unit
        self.source = source

    def evaluate(self, value):
        """Return ``(status, limit broken)``; ``(ok, None)`` when within limits or unset."""
        if value is None:
            return OK, None
        for status, limit in ((CRITICAL, self.critical), (WARNING, self.warning)):
            if limit is None:
                continue
            if (self.direction == ABOVE and value >= limit) or (self.direction == BELOW and value <= limit):
                return status, limit
        return OK, None

    def describe(self, name):
        return {'name': name, 'warning': self.warning, 'critical': self.critical,
                'direction': self.direction, 'unit': self.unit}


class ThresholdError(ValueError):
    """An override that cannot be used; the message is shown to the operator as is."""


def resolve(check, overrides=None):
    """Defaults for ``check`` merged with ``overrides``; validated, as ``{name: Threshold}``."""
    table = DEFAULTS.get(check, {})
    overrides = overrides or {}
    if not isinstance(overrides, dict):
        raise ThresholdError('thresholds must be a mapping of threshold name to {warning, critical}, got %s'
                             % type(overrides).__name__)
    unknown = sorted(set(overrides) - set(table))
    if unknown:
        raise ThresholdError('unknown threshold(s) for the %s check: %s (known: %s)'
                             % (check, ', '.join(unknown), ', '.join(sorted(table)) or 'none'))
    resolved = {}
    for name, default in table.items():
        entry = dict(default)
        override = overrides.get(name)
        if override is not None:
            if not isinstance(override, dict):
                raise ThresholdError('threshold %s.%s must be a mapping with warning and/or critical, got %r'
                                     % (check, name, override))
            extra = sorted(set(override) - {'warning', 'critical'})
            if extra:
                raise ThresholdError('threshold %s.%s accepts only warning and critical, not %s'
                                     % (check, name, ', '.join(extra)))
            for level in ('warning', 'critical'):
                if level in override:
                    entry[level] = _number(check, name, level, override[level])
        _check_order(check, name, entry)
        resolved[name] = Threshold(entry['warning'], entry['critical'], entry['direction'], entry['unit'],
                                   entry['source'])
    return resolved


def _number(check, name, level, value):
    if value is None:
        return None  # explicitly disables that level
    if isinstance(value, bool):
        raise ThresholdError('threshold %s.%s.%s must be a number, got %r' % (check, name, level, value))
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ThresholdError('threshold %s.%s.%s must be a number, got %r' % (check, name, level, value))
    if not math.isfinite(number):
        raise ThresholdError('threshold %s.%s.%s must be a finite number, got %r' % (check, name, level, value))
    if number < 0:
        raise ThresholdError('threshold %s.%s.%s must not be negative, got %r' % (check, name, level, value))
    # Whole numbers stay integers in messages and reports (80, not 80.0); fractions are kept (1e-05).
    return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number


def _check_order(check, name, entry):
    warning, critical = entry['warning'], entry['critical']
    if warning is None or critical is None:
        return
    if entry['direction'] == ABOVE and warning > critical:
        raise ThresholdError('threshold %s.%s: warning (%s) must not be above critical (%s) for a limit where '
                             'higher is worse' % (check, name, warning, critical))
    if entry['direction'] == BELOW and warning < critical:
        raise ThresholdError('threshold %s.%s: warning (%s) must not be below critical (%s) for a limit where '
                             'lower is worse' % (check, name, warning, critical))
