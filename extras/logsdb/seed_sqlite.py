# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Create a realistic SQLite Logs DB for Tank: days of healthy history, optionally with a fault.

Healthy history: one automation run per interval (the latest one still running), a day/night
volume of e-mails per run with a low, steady FAIL rate, one attachment per e-mail with rare
NOT_FOUND / INVALID / DUPLICATED, template renders, and a few system errors spread over days.
Everything is deterministic (no randomness), so a healthy database gives no finding whenever
the check runs within the last run's interval.

    python3 extras/logsdb/seed_sqlite.py /tmp/logs.db --days 3 --fault fail-spike

Faults (each one is a condition logsdb_check must report; several may be given):
  no-runs           no automation run for more than 3 intervals
  stuck-run         a run started about 3 hours ago that never ended
  failed-runs       the last three finished runs failed
  fail-spike        40% FAIL among the e-mails of the last window
  not-found         30% NOT_FOUND among the attachments of the last window
  invalid           30% INVALID among the attachments of the last window
  duplicated        30% DUPLICATED among the attachments of the last window
  dbio-errors       25 DBIO errors in the system error log in the last window
  template-errors   3 template errors in the last window
  quiet-night       only 5 e-mails in the last window, 3 of them FAIL (must NOT alarm)
  double-scheduler  the last three runs started twice, 5 minutes apart
"""

from __future__ import annotations

import argparse
import datetime
import os
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, 'schema.sqlite.sql')
FAULTS = ('no-runs', 'stuck-run', 'failed-runs', 'fail-spike', 'not-found', 'invalid', 'duplicated',
          'dbio-errors', 'template-errors', 'quiet-night', 'double-scheduler')
TEMPLATES = ('invoice-notice', 'statement-monthly', 'payment-reminder')
SYSTEM_ERRORS = (
    ('DBIO', 'ORA-03113: end-of-file on communication channel while writing EMAIL_SEND_LOG'),
    ('SES', 'Throttling: Maximum sending rate exceeded.'),
    ('WORKER', 'Job 4411 retried after an unexpected exit'),
    ('TEMPLATE', 'Template statement-monthly: variable customerName is undefined'),
)
# The latest run started this long before "now" and is still running.
LAST_RUN_MINUTES_AGO = 10


def ts(moment):
    """The timestamp text the schema stores (ISO-8601, compares in time order)."""
    return moment.strftime('%Y-%m-%d %H:%M:%S')


def create(path):
    """A new database at ``path`` (replaced if it exists) with the default schema."""
    if os.path.exists(path):
        os.remove(path)
    connection = sqlite3.connect(path)
    with open(SCHEMA) as handle:
        connection.executescript(handle.read())
    return connection


def seed_healthy(connection, now, days=3, interval_minutes=60, day_sends=240, night_sends=60):
    """Fill ``days`` of healthy history ending at ``now``."""
    interval = datetime.timedelta(minutes=interval_minutes)
    runs_count = int(days * 24 * 60 // interval_minutes)
    last_start = now - datetime.timedelta(minutes=LAST_RUN_MINUTES_AGO)
    runs, sends, attachments, templates, errors = [], [], [], [], []
    send_id = 0
    for back in range(runs_count - 1, -1, -1):
        run_id = runs_count - back
        start = last_start - back * interval + datetime.timedelta(seconds=(back * 37) % 41)
        running = back == 0
        duration = datetime.timedelta(minutes=(LAST_RUN_MINUTES_AGO - 2) if running else 4 + back % 5)
        runs.append((run_id, 'RUNNING' if running else 'SUCCESS', ts(start),
                     None if running else ts(start + duration)))
        volume = day_sends if 8 <= start.hour < 20 else night_sends
        for index in range(volume):
            send_id += 1
            sent_at = ts(start + duration * index / volume)
            failed = send_id % 150 == 149
            sends.append((send_id, run_id, 'customer%d@example.com' % (send_id % 5000),
                          'FAIL' if failed else 'SUCCESS', sent_at,
                          'SES: 454 Temporary service failure' if failed else None))
            rare = send_id % 1000
            status = {500: 'NOT_FOUND', 700: 'INVALID', 900: 'DUPLICATED'}.get(rare, 'MATCHED')
            attachments.append((send_id, send_id, '/nas/tank/batch/%d/%d.pdf' % (run_id, send_id), status, sent_at))
        for template in TEMPLATES:
            templates.append((template, 'OK', None, ts(start)))
        if back % 10 == 5:
            module, message = SYSTEM_ERRORS[(back // 10) % len(SYSTEM_ERRORS)]
            errors.append((module, message, ts(start + duration)))
    connection.executemany('INSERT INTO AUTO_RUN_LOG (RUN_ID, STATUS, START_AT, END_AT) VALUES (?, ?, ?, ?)', runs)
    connection.executemany('INSERT INTO EMAIL_SEND_LOG (SEND_ID, RUN_ID, RECIPIENT, STATUS, SENT_AT, ERROR_MESSAGE) '
                           'VALUES (?, ?, ?, ?, ?, ?)', sends)
    connection.executemany('INSERT INTO ATTACHMENT_LOG (ATTACHMENT_ID, SEND_ID, FILE_PATH, STATUS, LOGGED_AT) '
                           'VALUES (?, ?, ?, ?, ?)', attachments)
    connection.executemany('INSERT INTO TEMPLATE_LOG (TEMPLATE_ID, STATUS, MESSAGE, LOGGED_AT) VALUES (?, ?, ?, ?)',
                           templates)
    connection.executemany('INSERT INTO SYSTEM_ERROR_LOG (MODULE, MESSAGE, LOGGED_AT) VALUES (?, ?, ?)', errors)
    connection.commit()


def inject(connection, fault, now, interval_minutes=60, window_minutes=60):
    """Seed one fault into a healthy database."""
    window_start = ts(now - datetime.timedelta(minutes=window_minutes))
    interval = datetime.timedelta(minutes=interval_minutes)
    execute = connection.execute
    if fault == 'no-runs':
        execute('DELETE FROM AUTO_RUN_LOG WHERE START_AT >= ?', (ts(now - interval * 3),))
    elif fault == 'stuck-run':
        execute("UPDATE AUTO_RUN_LOG SET STATUS = 'RUNNING', END_AT = NULL WHERE RUN_ID = "
                "(SELECT MAX(RUN_ID) - 3 FROM AUTO_RUN_LOG)")
    elif fault == 'failed-runs':
        execute("UPDATE AUTO_RUN_LOG SET STATUS = 'FAIL', MESSAGE = 'Batch aborted' WHERE RUN_ID >= "
                "(SELECT MAX(RUN_ID) - 3 FROM AUTO_RUN_LOG) AND END_AT IS NOT NULL")
    elif fault == 'fail-spike':
        execute("UPDATE EMAIL_SEND_LOG SET STATUS = 'FAIL', ERROR_MESSAGE = 'SES: 454 Throttling' "
                "WHERE SENT_AT >= ? AND SEND_ID % 10 < 4", (window_start,))
    elif fault in ('not-found', 'invalid', 'duplicated'):
        execute("UPDATE ATTACHMENT_LOG SET STATUS = ? WHERE LOGGED_AT >= ? AND ATTACHMENT_ID % 10 < 3",
                (fault.replace('-', '_').upper(), window_start))
    elif fault == 'dbio-errors':
        execute_many_errors(connection, now, 25)
    elif fault == 'template-errors':
        for minutes in (5, 15, 25):
            execute("INSERT INTO TEMPLATE_LOG (TEMPLATE_ID, STATUS, MESSAGE, LOGGED_AT) VALUES (?, 'ERROR', ?, ?)",
                    ('invoice-notice', 'Unexpected token } in invoice-notice.hbs line 42',
                     ts(now - datetime.timedelta(minutes=minutes))))
    elif fault == 'quiet-night':
        execute('DELETE FROM EMAIL_SEND_LOG WHERE SENT_AT >= ?', (window_start,))
        for index in range(5):
            execute('INSERT INTO EMAIL_SEND_LOG (RUN_ID, RECIPIENT, STATUS, SENT_AT) VALUES (NULL, ?, ?, ?)',
                    ('night%d@example.com' % index, 'FAIL' if index < 3 else 'SUCCESS',
                     ts(now - datetime.timedelta(minutes=5 + index))))
    elif fault == 'double-scheduler':
        rows = execute('SELECT STATUS, START_AT, END_AT FROM AUTO_RUN_LOG WHERE END_AT IS NOT NULL '
                       'ORDER BY START_AT DESC LIMIT 3').fetchall()
        for status, start, end in rows:
            shift = datetime.timedelta(minutes=5)
            parse = datetime.datetime.strptime
            execute('INSERT INTO AUTO_RUN_LOG (STATUS, START_AT, END_AT) VALUES (?, ?, ?)',
                    (status, ts(parse(start, '%Y-%m-%d %H:%M:%S') + shift), ts(parse(end, '%Y-%m-%d %H:%M:%S') + shift)))
    else:
        raise ValueError('unknown fault %r (known: %s)' % (fault, ', '.join(FAULTS)))
    connection.commit()


def execute_many_errors(connection, now, count):
    connection.executemany(
        'INSERT INTO SYSTEM_ERROR_LOG (MODULE, MESSAGE, LOGGED_AT) VALUES (?, ?, ?)',
        [('DBIO', 'ORA-12514: TNS:listener does not currently know of service requested; '
                  'connect user=tank password=Hunter2-Secret for ops@tank.example',
          ts(now - datetime.timedelta(minutes=1 + index * 2))) for index in range(count)])


def build(path, days=3, faults=(), now=None, interval_minutes=60):
    """Create, seed and fault a database in one call; returns ``now`` used."""
    now = now or datetime.datetime.now().replace(microsecond=0)
    connection = create(path)
    try:
        seed_healthy(connection, now, days=days, interval_minutes=interval_minutes)
        for fault in faults:
            inject(connection, fault, now, interval_minutes=interval_minutes)
    finally:
        connection.close()
    return now


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('path', help='SQLite file to create (replaced if it exists)')
    parser.add_argument('--days', type=float, default=3, help='days of history (default 3)')
    parser.add_argument('--interval-minutes', type=int, default=60, help='automation interval (default 60)')
    parser.add_argument('--fault', action='append', default=[], choices=FAULTS, help='inject a fault')
    parser.add_argument('--utc', action='store_true', help='store UTC timestamps instead of local time')
    args = parser.parse_args(argv)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) if args.utc else datetime.datetime.now()
    build(args.path, days=args.days, faults=args.fault, now=now.replace(microsecond=0),
          interval_minutes=args.interval_minutes)
    faults = ', faults: ' + ', '.join(args.fault) if args.fault else ''
    print('Logs DB written to %s (%s days%s)' % (args.path, args.days, faults))


if __name__ == '__main__':
    sys.exit(main())
