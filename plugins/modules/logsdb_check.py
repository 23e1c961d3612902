#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: logsdb_check
short_description: Check the Tank Logs DB - automation runs, send failures, attachments, system and template errors
version_added: 0.1.0
description:
  - Implements sections 5, 7, 11 and 13.2 of the Tank operations guide, which calls the Logs DB mandatory
    monitoring because it reflects the whole system.
  - C(AUTO_RUN_LOG) (guide 5) - age of the last run against the expected interval, failed runs, stuck runs
    (started, never ended, older than a maximum duration) and irregular intervals (a long gap, or two runs
    much closer than the interval, as with a second scheduler).
  - C(EMAIL_SEND_LOG) (guide 11) - the FAIL share in the window against the baseline window before it. A spike
    needs both a rise over the baseline (O(rise_factor)) and a minimum volume (O(min_volume)), so a few
    failures on a quiet night are no alarm.
  - C(ATTACHMENT_LOG) (guide 7, 11) - NOT_FOUND (a NAS problem), INVALID (damaged files or a batch error) and
    DUPLICATED shares in the window against the baseline, with the same volume and rise rules.
  - C(SYSTEM_ERROR_LOG) (guide 11) - errors per MODULE (DBIO, TEMPLATE, SES, WORKER) in the window; repeats over
    the threshold mark that area as failing, with a sanitized sample message.
  - C(TEMPLATE_LOG) (guide 13.2) - template errors in the window.
  - Backends - SQLite (C(sqlite:///path), opened read-only) and Oracle (the same connection options as
    M(tank.monitoring.oracle_check)). The default schema is in the collection's C(extras/logsdb/schema.sqlite.sql)
    and C(extras/logsdb/schema.oracle.sql); every table and column name can be overridden, since sites differ.
  - Cost - one aggregate SELECT per table with bind variables and a time-range predicate that the recommended
    indexes serve; counting happens in the database and nothing is written (no DDL or DML).
  - The Logs DB describes a site, not a host; in the audit role it runs for the hosts of group C(tank_site).
author:
  - Tank Monitoring Team (@tank-monitoring)
extends_documentation_fragment:
  - tank.monitoring.common
  - tank.monitoring.oracle_connection
options:
  database:
    description:
      - V(oracle) reads the Logs DB in Oracle with the connection options (O(dsn) or O(host), O(user), O(password), ...).
      - C(sqlite:///relative/path) or C(sqlite:////absolute/path) reads a SQLite file, opened read-only.
      - Any other value is refused; a password written in it (C(oracle://user:password@host/svc)) is masked
        in the error and everywhere in the output.
    type: str
    required: true
  window_minutes:
    description:
      - The recent window judged, in minutes, ending now.
    type: float
    default: 60.0
  baseline_minutes:
    description:
      - Length of the baseline window just before O(window_minutes), in minutes, that rates are compared with.
    type: float
    default: 1440.0
  min_volume:
    description:
      - Fewest e-mails (or attachments) in the window for a FAIL (or attachment status) share to be judged.
    type: int
    default: 20
  rise_factor:
    description:
      - A share is judged only when it is at least this many times its baseline share (or the baseline is empty).
    type: float
    default: 2.0
  timestamps:
    description:
      - Whether the Logs DB stores local time (V(local)) or UTC (V(utc)) timestamps.
    type: str
    choices: [local, utc]
    default: local
  auto_run_log:
    description: Columns and expectations of C(AUTO_RUN_LOG).
    type: dict
    default: {}
    suboptions:
      enabled:
        description: Check this table.
        type: bool
        default: true
      table:
        description: Table name (optionally C(owner.table)).
        type: str
        default: AUTO_RUN_LOG
      run_id_column:
        description: Run identifier column.
        type: str
        default: RUN_ID
      status_column:
        description: Run status column.
        type: str
        default: STATUS
      start_column:
        description: Start time column.
        type: str
        default: START_AT
      end_column:
        description: End time column (NULL while running).
        type: str
        default: END_AT
      failed_statuses:
        description: Status values of a failed run.
        type: list
        elements: str
        default: [FAIL, FAILED, ERROR]
      expected_interval_minutes:
        description: The automation's run interval, in minutes.
        type: float
        default: 60.0
      max_run_minutes:
        description: A run without end older than this many minutes is stuck.
        type: float
        default: 120.0
      history_hours:
        description: How far back runs are judged (failed, stuck, gaps), in hours.
        type: float
        default: 24.0
  email_send_log:
    description: Columns of C(EMAIL_SEND_LOG).
    type: dict
    default: {}
    suboptions:
      enabled:
        description: Check this table.
        type: bool
        default: true
      table:
        description: Table name (optionally C(owner.table)).
        type: str
        default: EMAIL_SEND_LOG
      status_column:
        description: Send status column.
        type: str
        default: STATUS
      time_column:
        description: Send time column.
        type: str
        default: SENT_AT
      failed_statuses:
        description: Status values of a failed send.
        type: list
        elements: str
        default: [FAIL]
  attachment_log:
    description: Columns of C(ATTACHMENT_LOG).
    type: dict
    default: {}
    suboptions:
      enabled:
        description: Check this table.
        type: bool
        default: true
      table:
        description: Table name (optionally C(owner.table)).
        type: str
        default: ATTACHMENT_LOG
      status_column:
        description: Matching status column.
        type: str
        default: STATUS
      time_column:
        description: Log time column.
        type: str
        default: LOGGED_AT
      not_found_statuses:
        description: Status values meaning the file was not found.
        type: list
        elements: str
        default: [NOT_FOUND]
      invalid_statuses:
        description: Status values meaning the file is invalid.
        type: list
        elements: str
        default: [INVALID]
      duplicated_statuses:
        description: Status values meaning the file was matched twice.
        type: list
        elements: str
        default: [DUPLICATED]
  system_error_log:
    description: Columns of C(SYSTEM_ERROR_LOG).
    type: dict
    default: {}
    suboptions:
      enabled:
        description: Check this table.
        type: bool
        default: true
      table:
        description: Table name (optionally C(owner.table)).
        type: str
        default: SYSTEM_ERROR_LOG
      module_column:
        description: Column naming the failing area (DBIO, TEMPLATE, SES, WORKER).
        type: str
        default: MODULE
      message_column:
        description: Error message column (a sample is shown, sanitized).
        type: str
        default: MESSAGE
      time_column:
        description: Log time column.
        type: str
        default: LOGGED_AT
  template_log:
    description: Columns of C(TEMPLATE_LOG).
    type: dict
    default: {}
    suboptions:
      enabled:
        description: Check this table.
        type: bool
        default: true
      table:
        description: Table name (optionally C(owner.table)).
        type: str
        default: TEMPLATE_LOG
      status_column:
        description: Status column; V(null) when the table records only errors.
        type: str
        default: STATUS
      time_column:
        description: Log time column.
        type: str
        default: LOGGED_AT
      template_column:
        description: Template name or id column.
        type: str
        default: TEMPLATE_ID
      message_column:
        description: Error message column.
        type: str
        default: MESSAGE
      error_statuses:
        description: Status values of a template error.
        type: list
        elements: str
        default: [ERROR, FAIL]
  timeout:
    description:
      - Hard wall-clock limit for the whole check, in seconds.
    type: float
    default: 60.0
seealso:
  - module: tank.monitoring.oracle_check
notes:
  - Only SELECT statements are issued; SQLite files are opened with C(mode=ro) and C(PRAGMA query_only).
  - The Oracle account needs C(CREATE SESSION) and C(SELECT) on the five tables.
  - SQLite timestamps are ISO-8601 text C(YYYY-MM-DD HH:MM:SS), as the default schema stores them.
'''

EXAMPLES = r'''
- name: Check the embedded SQLite Logs DB
  tank.monitoring.logsdb_check:
    database: sqlite:////var/lib/tank/logs.db
  register: logsdb

- name: Check the Logs DB in Oracle, with a site's own names for the send log
  tank.monitoring.logsdb_check:
    database: oracle
    dsn: db.tank.example:1521/TANKPDB
    user: tank_monitor
    password: "{{ vault_tank_monitor_password }}"
    email_send_log:
      table: TANK.MAIL_SEND_HIST
      time_column: CREATED_AT
      failed_statuses: [FAIL, ERROR]
    template_log:
      enabled: false

- name: Stricter FAIL spike on a busy site, over a 30 minute window
  tank.monitoring.logsdb_check:
    database: sqlite:////var/lib/tank/logs.db
    window_minutes: 30
    min_volume: 100
    thresholds:
      send_fail_percent: {warning: 3, critical: 10}
'''

RETURN = r'''
extends_documentation_fragment:
  - tank.monitoring.common
findings:
  description: One entry per problem found; empty when the logs show a healthy system.
metrics:
  description:
    - Measured numbers; C(query_seconds) and C(system_errors) map the table or MODULE to the value.
    - C(queries) is the number of queries issued (one per enabled table).
  returned: always
  type: dict
  sample:
    queries: 5
    query_seconds: {EMAIL_SEND_LOG: 0.002}
    auto_runs: 24
    auto_run_last_age_minutes: 10.0
    sends_window: 240
    send_fail_percent: 0.83
    send_fail_percent_baseline: 0.67
    attachment_not_found_percent: 0.0
    system_errors: {DBIO: 1}
    template_errors: 0
'''

from ansible_collections.tank.monitoring.plugins.module_utils import _logsdb
from ansible_collections.tank.monitoring.plugins.module_utils._module import CheckModule


def main():
    CheckModule(_logsdb.SPEC).run()


if __name__ == '__main__':
    main()
