#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: log_check
short_description: Check the Tank scheduler, worker and backend logs for activity and repeated errors
version_added: 0.1.0
description:
  - Implements sections 5, 6, 7, 8 and 13 of the Tank operations guide from the apps' PM2 log files.
  - "Scheduler activity: the time since the last C(Scheduler) line of O(scheduler_app) against the
    C(scheduler_silence_minutes) threshold."
  - "Worker activity: the number of C(Processing job) lines of O(worker_app) in the last O(window_minutes);
    none while jobs are expected (O(expect_jobs)) is a finding."
  - "Repeated errors in the window, per app, grouped and classified: ORA-12514 (wrong SID / service name),
    ORA-28009 (insufficient privileges) and Connection Timeout (network blocked) with the guide's table (§6),
    other Oracle / DB errors, file / NAS errors (§7), SES errors (§8), template errors (§13.2) and the rest.
    Each class is judged against C(errors_in_window) and carries the guide's remedy and the latest line
    (values that look like passwords or tokens masked)."
  - Lines of the app's error log are error lines; lines of the output log count when they match the C(error)
    pattern. Stack frames (C(    at ...)) are not counted.
  - The cost follows the window, not the file - each log is read from its end backwards and only as far back
    as the window (for the scheduler, the silence limit) reaches, across rotated generations
    (C(app-out__<date>.log) of pm2-logrotate, C(app-out.log.1) of logrotate; compressed ones are skipped).
    A multi-GB log costs the same as a small one.
  - "Lines with PM2's C(--time) prefix (C(2026-11-26T08:24:38: ...), local time) or an ISO timestamp with a zone
    are placed in time; lines without one (stack traces) take the time of the line before them. A log with no
    timestamps at all that was written during the window cannot be judged and gives an V(unknown) finding."
  - Handles partial last lines, invalid UTF-8 (replaced) and very long lines (cut at O(max_line_bytes)).
  - The log paths come from O(log_files), else from the running PM2 (C(pm2 jlist), only when its daemon is
    alive), else from C(dump.pm2), else PM2's defaults C($PM2_HOME/logs/<app>-out.log) and
    C(<app>-error.log).
author:
  - Tank Monitoring Team (@tank-monitoring)
extends_documentation_fragment:
  - tank.monitoring.common
  - tank.monitoring.pm2
options:
  log_files:
    description:
      - Log files per app, as a mapping of app name to a list of paths, instead of the paths PM2 knows. A file
        whose name contains C(err) is read as the app's error log.
    type: dict
    default: {}
  scheduler_app:
    description:
      - The app whose log holds the scheduler's C(Scheduler) lines (the guide greps C(pm2 logs worker)).
      - An empty string turns the scheduler activity check off (a host without the worker).
    type: str
    default: worker
  worker_app:
    description:
      - The app whose log holds the C(Processing job) lines.
      - An empty string turns the worker activity check off.
    type: str
    default: worker
  expect_jobs:
    description:
      - Whether jobs are expected in every window; V(false) skips the worker activity finding (a quiet site).
    type: bool
    default: true
  window_minutes:
    description:
      - Length of the window, in minutes, that worker activity and errors are counted over.
    type: float
    default: 15.0
  patterns:
    description:
      - Regular expressions (case-insensitive) replacing the defaults, by name.
      - C(scheduler) (default C(Scheduler)), C(job) (default C(Processing job)), C(error) (what makes an output
        log line an error line), C(ignore) (lines never counted, default stack frames), and the error classes
        C(ora12514), C(ora28009), C(oracle_timeout), C(oracle), C(ses), C(file), C(template), tried in the order
        C(ora12514), C(ora28009), C(ses), C(oracle_timeout), C(oracle), C(file), C(template); an error line that
        matches none is C(other).
    type: dict
    default: {}
  max_scan_bytes:
    description:
      - At most this many bytes are read per log (with its rotated generations); when the window holds more, the
        counts are partial and an V(unknown) finding says so.
    type: int
    default: 268435456
  max_line_bytes:
    description:
      - Longer lines are cut to this many bytes (their beginning is kept).
    type: int
    default: 65536
  timeout:
    description:
      - Hard wall-clock limit for the whole check, in seconds.
    type: float
    default: 30.0
seealso:
  - module: tank.monitoring.pm2_check
'''

EXAMPLES = r'''
- name: Check the worker and backend logs of the deploy user's PM2 over the last 15 minutes
  tank.monitoring.log_check:
    pm2_user: tank
  become: true
  register: logs

- name: A site whose scheduler runs hourly, with its own job line
  tank.monitoring.log_check:
    window_minutes: 60
    thresholds:
      scheduler_silence_minutes: {warning: 70, critical: 180}
    patterns:
      job: 'job \d+ (started|processing)'

- name: Logs outside PM2's defaults
  tank.monitoring.log_check:
    log_files:
      worker: [/var/log/tank/worker-out.log, /var/log/tank/worker-error.log]
      backend: [/var/log/tank/backend-out.log, /var/log/tank/backend-error.log]
'''

RETURN = r'''
extends_documentation_fragment:
  - tank.monitoring.common
findings:
  description:
    - One entry per problem found; empty when the scheduler and the worker are active and no error repeats.
    - "Ids: C(logs.scheduler.silent), C(logs.worker.idle), C(logs.errors.ora12514), C(logs.errors.ora28009),
      C(logs.errors.oracle_timeout), C(logs.errors.oracle), C(logs.errors.file), C(logs.errors.ses),
      C(logs.errors.template), C(logs.errors.other), C(logs.file.missing), C(logs.timestamps.missing),
      C(logs.scan.limited)."
metrics:
  description:
    - Measured numbers. C(errors_in_window) maps C(<app>:<class>) to a count; C(log_bytes) and
      C(bytes_scanned) map each log file to its size and to the bytes actually read.
  returned: always
  type: dict
  sample:
    worker_jobs_in_window: 412
    scheduler_last_line_minutes_ago: 0.4
    errors_in_window: {"backend:ora12514": 25}
    log_bytes: {"/home/tank/.pm2/logs/worker-out.log": 1073741824}
    bytes_scanned: {"/home/tank/.pm2/logs/worker-out.log": 196608}
'''

from ansible_collections.tank.monitoring.plugins.module_utils import _logs
from ansible_collections.tank.monitoring.plugins.module_utils._module import CheckModule


def main():
    CheckModule(_logs.SPEC).run()


if __name__ == '__main__':
    main()
