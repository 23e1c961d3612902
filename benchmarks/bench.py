# -*- coding: utf-8 -*-
"""``make bench``: every benchmark of the collection in one run, one table at the end.

Each figure is measured in this run on this machine; where absolute times drift with the machine's
load, the table gives the ratio measured within the same run. The details of each benchmark are
printed as it runs; the table sums them up. Paste the table into README.md with the date and the
machine it ran on.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import audit_round_trip  # noqa: E402
import log_scan  # noqa: E402
import logsdb_sqlite  # noqa: E402
import probe_cpu  # noqa: E402


def machine():
    try:
        with open('/proc/meminfo') as handle:
            memory = int(handle.readline().split()[1]) / 1024.0 / 1024.0
    except (OSError, ValueError, IndexError):
        memory = 0.0
    try:
        with open('/etc/os-release') as handle:
            release = dict(line.rstrip().split('=', 1) for line in handle if '=' in line)
        system = release.get('PRETTY_NAME', '').strip('"')
    except OSError:
        system = platform.system()
    return '%s, %d cores, %.0f GiB, Python %s' % (system, os.cpu_count() or 0, memory, platform.python_version())


def main():
    rows = []
    for name, module in (('audit round trip', audit_round_trip), ('log scan', log_scan),
                         ('Logs DB', logsdb_sqlite), ('health probe', probe_cpu)):
        print('== %s' % name, flush=True)
        rows.extend(module.measure())
    when = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    print()
    print('make bench, %s, %s' % (when, machine()))
    print()
    width = max(len(row[0]) for row in rows)
    print('| %-*s | %10s | %s' % (width, 'measured', 'figure', 'compared'))
    print('|%s|%s|%s' % ('-' * (width + 2), '-' * 12, '-' * 40))
    for label, figure, note in rows:
        print('| %-*s | %10s | %s' % (width, label, figure, note))


if __name__ == '__main__':
    main()
