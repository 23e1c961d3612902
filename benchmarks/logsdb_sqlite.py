# -*- coding: utf-8 -*-
"""Benchmark: logsdb_check on a SQLite Logs DB whose EMAIL_SEND_LOG holds 5 million rows.

Prints the whole check's time without and with the recommended index on EMAIL_SEND_LOG
(SENT_AT, STATUS), the ratio measured in this run, and the number of queries per check.
Run from the repository root: .venv/bin/python benchmarks/logsdb_sqlite.py [ROWS]
"""

from __future__ import annotations

import datetime
import importlib.util
import os
import sqlite3
import statistics
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, '.build', 'collections'))

from ansible_collections.tank.monitoring.plugins.module_utils import _logsdb  # noqa: E402
from ansible_collections.tank.monitoring.plugins.module_utils._runner import run_check  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 5000000
DAYS = 30
RUNS = 5
INDEX = 'EMAIL_SEND_LOG_SENT_IX'


def load_seed():
    spec = importlib.util.spec_from_file_location('seed', os.path.join(REPO, 'extras', 'logsdb', 'seed_sqlite.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(path):
    """Healthy history for every table, then ROWS more sends over DAYS days, without the send index."""
    now = load_seed().build(path, days=3)
    connection = sqlite3.connect(path)
    connection.execute('PRAGMA journal_mode = OFF')
    connection.execute('PRAGMA synchronous = OFF')
    connection.execute('DROP INDEX %s' % INDEX)
    start = now - datetime.timedelta(days=DAYS)
    step = DAYS * 86400.0 / ROWS
    # Generated inside SQLite: 1 FAIL in 150, timestamps evenly spread up to now.
    connection.execute(
        "INSERT INTO EMAIL_SEND_LOG (RUN_ID, RECIPIENT, STATUS, SENT_AT) "
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :rows - 1) "
        "SELECT i / 7000, 'customer' || (i % 5000) || '@example.com', "
        "CASE WHEN i % 150 = 149 THEN 'FAIL' ELSE 'SUCCESS' END, "
        "datetime(:start, '+' || CAST(i * :step AS INTEGER) || ' seconds') FROM n",
        {'rows': ROWS, 'start': start.strftime('%Y-%m-%d %H:%M:%S'), 'step': step})
    connection.commit()
    count = connection.execute('SELECT COUNT(*) FROM EMAIL_SEND_LOG').fetchone()[0]
    connection.close()
    return count


def time_check(path):
    params = {'database': 'sqlite:///' + path, 'query_timeout': 120.0}
    durations, send_query, result = [], [], None
    for _attempt in range(RUNS):
        started = time.perf_counter()
        result = run_check(_logsdb.SPEC, dict(params, timeout=300.0))
        durations.append(time.perf_counter() - started)
        send_query.append(result['metrics']['query_seconds']['EMAIL_SEND_LOG'])
    assert result['status'] == 'ok', result['findings']
    return statistics.median(durations), statistics.median(send_query), result


def measure():
    """Rows ``(what, figure, note)`` for the one table of benchmarks/bench.py."""
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'logs.db')
        started = time.perf_counter()
        rows = build(path)
        print('EMAIL_SEND_LOG rows: %d over %d days (built in %.1f s, %.0f MB)'
              % (rows, DAYS, time.perf_counter() - started, os.path.getsize(path) / 1e6))
        without_total, without_send, result = time_check(path)
        connection = sqlite3.connect(path)
        started = time.perf_counter()
        connection.execute('CREATE INDEX %s ON EMAIL_SEND_LOG (SENT_AT, STATUS)' % INDEX)
        connection.commit()
        connection.close()
        index_seconds = time.perf_counter() - started
        with_total, with_send, result = time_check(path)
        print('queries per check: %d (one aggregate query per table)' % result['metrics']['queries'])
        print('sends in the window: %d, in window + baseline: about %d rows read'
              % (result['metrics']['sends_window'], rows * (1 + 24.0) / (DAYS * 24)))
        print('median of %d runs        whole check   EMAIL_SEND_LOG query' % RUNS)
        print('  without the index     %8.3f s      %8.3f s' % (without_total, without_send))
        print('  with the index        %8.3f s      %8.3f s   (index built in %.1f s)'
              % (with_total, with_send, index_seconds))
        print('speed-up with the index: %.1fx (whole check), %.1fx (send log query)'
              % (without_total / with_total, without_send / max(with_send, 1e-6)))
    return [
        ('logsdb_check, SQLite, %s send rows, without the index' % format(rows, ','), '%.3f s' % without_total, ''),
        ('logsdb_check, same database, with the index', '%.3f s' % with_total,
         '%.1fx faster' % (without_total / with_total)),
    ]


def main():
    measure()


if __name__ == '__main__':
    main()
