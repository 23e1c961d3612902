# -*- coding: utf-8 -*-
"""CPU time of one health probe run (goal: 50 ms or less), measured against a real local backend.

Runs the probe program exactly as cron does (system Python, -I -S) N times against a healthy
http.server backend on 127.0.0.1, and prints the user+system CPU of the child processes per run,
beside the cost of a bare interpreter start in the same run (the floor no Python probe can beat).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'functional'))

from health_support import PROBE, SYSTEM_PYTHON, Backend, write_probe_config  # noqa: E402

RUNS = int(os.environ.get('PROBE_RUNS', '50'))
GOAL_MS = 50.0


def cpu_ms_per_run(command, runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for dummy in range(runs):
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return 1000.0 * cpu / runs


def measure():
    """Rows ``(what, figure, note)`` for the one table of benchmarks/bench.py."""
    work = tempfile.mkdtemp(prefix='tank-probe-bench-')
    with Backend('ok') as backend:
        config = write_probe_config(os.path.join(work, 'config.json'), targets=[
            {'name': 'health', 'kind': 'health', 'url': backend.url(), 'expected_status': [200]}],
            timeout=5, state_dir=work, log_file=os.path.join(work, 'probe.log'), textfile_dir=work)
        probe = cpu_ms_per_run([SYSTEM_PYTHON, '-I', '-S', PROBE, '--config', config], RUNS)
        bare = cpu_ms_per_run([SYSTEM_PYTHON, '-I', '-S', '-c', 'pass'], RUNS)
        calls = len(backend.requests)
    print(json.dumps({'runs': RUNS, 'backend_requests': calls, 'probe_cpu_ms_per_run': round(probe, 1),
                      'bare_python_cpu_ms_per_run': round(bare, 1), 'probe_over_bare_ratio': round(probe / bare, 2),
                      'goal_ms': GOAL_MS, 'within_goal': probe <= GOAL_MS}, indent=2))
    return [('health probe (cron), CPU per run', '%.1f ms' % probe,
             '%.2fx a bare Python start (%.1f ms); goal <= %d ms' % (probe / bare, bare, GOAL_MS))]


def main():
    measure()


if __name__ == '__main__':
    main()
