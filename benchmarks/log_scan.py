# -*- coding: utf-8 -*-
"""Benchmark: log_check's cost follows the window, not the file; and pm2_check's wall time.

Prints the scan time of the same 15-minute window at the end of a 10 MB and of a >= 1 GiB PM2 log
(real lines, not sparse), their ratio (goal <= 1.5x), the bytes read, and the wall time of pm2_check
against a throw-away PM2 daemon running two Node apps. Run with `make bench` (needs make prepare-test).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, '.build', 'collections'))

from ansible_collections.tank.monitoring.plugins.module_utils import _logs, _pm2  # noqa: E402
from ansible_collections.tank.monitoring.plugins.module_utils._runner import run_check  # noqa: E402

PM2 = os.path.join(REPO, '.build', 'node', 'node_modules', '.bin', 'pm2')
WINDOW_MINUTES = 15
REPEAT = 7


def pm2_line(moment, text):
    return time.strftime('%Y-%m-%dT%H:%M:%S: ', time.localtime(moment)).encode() + text + b'\n'


def history_chunk(size, moment):
    """``size`` bytes of worker lines dated before the window (one moment: only their age matters)."""
    line = pm2_line(moment, b'Processing job 123456 for campaign 42 (attachments: 3, recipients: 120)')
    return line * (size // len(line))


def window_tail(now):
    lines = []
    # A job every 0.5 s, a Scheduler line a minute, over the window less 2 minutes: the window slides
    # while the files are written and scanned, and both logs must hold the same lines in it.
    for step in range((WINDOW_MINUTES - 2) * 60 * 2, 0, -1):
        moment = now - step / 2.0
        if step % 120 == 0:
            lines.append(pm2_line(moment, b'Scheduler: created 4 job(s)'))
        lines.append(pm2_line(moment, b'Processing job %d' % step))
        if step % 300 == 0:
            lines.append(pm2_line(moment, b'Error: ORA-12514: TNS:listener does not currently know of service'))
    return b''.join(lines)


def make_log(path, size, now):
    chunk = history_chunk(8 << 20, now - 3 * 3600)
    with open(path, 'wb') as handle:
        written = 0
        while written + len(chunk) <= size:
            handle.write(chunk)
            written += len(chunk)
        handle.write(chunk[:max(0, size - written)])
        handle.write(window_tail(now))


def drop_caches():
    if os.geteuid() != 0:
        return False
    subprocess.run(['sync'], check=False)
    try:
        with open('/proc/sys/vm/drop_caches', 'w') as handle:
            handle.write('3\n')
        return True
    except OSError:
        return False


def scan(path, cold=False):
    params = {k: v.get('default') for k, v in _logs.ARGUMENT_SPEC.items()}
    params.update({'log_files': {'worker': [path]}, 'apps': ['worker'], 'window_minutes': WINDOW_MINUTES})
    times = []
    data = None
    for _run in range(REPEAT):
        if cold:
            drop_caches()
        started = time.perf_counter()
        data = run_check(_logs.SPEC, dict(params, timeout=120))
        times.append(time.perf_counter() - started)
    return statistics.median(times), data


def bench_logs(workdir, rows=None):
    now = time.time()
    small = os.path.join(workdir, 'small-out.log')
    big = os.path.join(workdir, 'big-out.log')
    make_log(small, 10 << 20, now)
    make_log(big, (1 << 30) + (1 << 20), now)
    print('log scan, %d-minute window at the end of the log (median of %d runs)' % (WINDOW_MINUTES, REPEAT))
    modes = [('warm page cache', False)]
    if drop_caches():
        modes.append(('cold page cache', True))
    for label, cold in modes:
        small_time, small_data = scan(small, cold)
        big_time, big_data = scan(big, cold)
        assert small_data['metrics']['worker_jobs_in_window'] == big_data['metrics']['worker_jobs_in_window']
        print('  %s:' % label)
        for name, path, seconds, data in (('10 MB', small, small_time, small_data), ('1 GiB', big, big_time, big_data)):
            print('    %-6s log (%5d MiB): %7.2f ms, read %7.1f KiB, %d jobs, %d ORA-12514 in the window'
                  % (name, os.path.getsize(path) >> 20, seconds * 1000.0,
                     data['metrics']['bytes_scanned'][path] / 1024.0, data['metrics']['worker_jobs_in_window'],
                     data['metrics'].get('errors_in_window', {}).get('worker:ora12514', 0)))
        print('    ratio 1 GiB / 10 MB: %.2fx (goal <= 1.5x)' % (big_time / small_time))
        if rows is not None:
            rows.append(('log scan, 15-min window, 10 MiB log (%s)' % label, '%.1f ms' % (small_time * 1000.0), ''))
            rows.append(('log scan, 15-min window, 1 GiB log (%s)' % label, '%.1f ms' % (big_time * 1000.0),
                         '%.2fx the 10 MiB log (goal <= 1.5x)' % (big_time / small_time)))


def bench_pm2(workdir, rows=None):
    if not os.path.exists(PM2):
        print('pm2_check: skipped (%s missing: run make prepare-test)' % PM2)
        return
    home = os.path.join(workdir, 'pm2home')
    env = dict(os.environ, PM2_HOME=home)
    script = os.path.join(workdir, 'app.js')
    with open(script, 'w') as handle:
        handle.write("setInterval(() => console.log('Processing job'), 1000);\n")
    try:
        for name in ('backend', 'worker'):
            subprocess.run([PM2, 'start', script, '--name', name], env=env, capture_output=True, check=True)
        subprocess.run([PM2, 'save'], env=env, capture_output=True, check=True)
        for sample in (0.0, 2.0):
            params = {'apps': ['backend', 'worker'], 'pm2_home': home, 'pm2_executable': PM2,
                      'restart_sample_seconds': sample, 'check_startup': True,
                      'systemd_unit_dir': os.path.join(workdir, 'units')}
            times = []
            for _run in range(3):
                started = time.perf_counter()
                data = run_check(_pm2.SPEC, dict(params, timeout=30))
                times.append(time.perf_counter() - started)
            print('pm2_check wall time, restart_sample_seconds=%s: %.2f s (median of 3; status %s)'
                  % (sample, statistics.median(times), data['status']))
            if rows is not None:
                rows.append(('pm2_check (the check alone), restart sample %g s' % sample,
                             '%.2f s' % statistics.median(times), ''))
    finally:
        subprocess.run([PM2, 'kill'], env=env, capture_output=True, check=False)


def measure():
    """Rows ``(what, figure, note)`` for the one table of benchmarks/bench.py."""
    rows = []
    workdir = tempfile.mkdtemp(prefix='tank-bench-logs-')
    try:
        bench_logs(workdir, rows)
        bench_pm2(workdir, rows)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


def main():
    measure()


if __name__ == '__main__':
    main()
