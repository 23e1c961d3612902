# -*- coding: utf-8 -*-
"""resources_check findings not covered by test_resources_check.py, caused for real:

- ``resources.swap.used``: a real swap file (mkswap/swapon) and a process confined to a memory
  cgroup smaller than what it touches, so the kernel really pushes its pages to that swap. The
  default thresholds judge it (swap 50%/80% used).
- ``resources.load.per_core``: busy processes on every core; the 5-minute load average follows
  them slowly, so the threshold is set (override, said here) at half the load the kernel reports
  at that moment: the measured value, not a made-up one, crosses it.
- ``resources.memory.available``: a process holding memory; the threshold is set (override) just
  above the share of memory still available, so the measured value crosses it without starving a
  shared test machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import psutil
import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _resources

MODULE = 'tank.monitoring.resources_check'
SWAP_FILE_MB = 64


def only(result, finding_id):
    found = [f for f in result['findings'] if f['id'] == finding_id]
    assert len(found) == 1, 'not one %s in %r' % (finding_id, result['findings'])
    finding = found[0]
    spec = _resources.CATALOGUE[finding_id[len('resources.'):]]
    assert finding['remedy'] == spec.remedy and finding['guide_section'] == spec.section
    return finding


def _memory_cgroup(limit_bytes):
    """A fresh memory cgroup (v1 or v2) limited to ``limit_bytes``; returns (dir, procs file)."""
    name = 'tank-swap-%s' % uuid.uuid4().hex[:8]
    with open('/proc/self/cgroup') as handle:
        lines = [line.rstrip('\n').split(':', 2) for line in handle]
    v1 = [path for _n, controllers, path in lines if 'memory' in controllers.split(',')]
    if v1 and os.path.isdir('/sys/fs/cgroup/memory'):
        group = os.path.join('/sys/fs/cgroup/memory' + v1[0].rstrip('/'), name)
        os.mkdir(group)
        with open(os.path.join(group, 'memory.limit_in_bytes'), 'w') as handle:
            handle.write(str(limit_bytes))
        with open(os.path.join(group, 'memory.swappiness'), 'w') as handle:
            handle.write('100')
        return group
    v2 = [path for number, _c, path in lines if number == '0']
    parent = '/sys/fs/cgroup' + (v2[0].rstrip('/') if v2 else '')
    group = os.path.join(parent, name)
    os.mkdir(group)
    with open(os.path.join(group, 'memory.max'), 'w') as handle:
        handle.write(str(limit_bytes))
    return group


@pytest.fixture
def swapping_process():
    """A real swap file in use: a process in a small memory cgroup touching more than its limit."""
    if os.geteuid() != 0:
        pytest.fail('the swap test enables a swap file and creates a memory cgroup: run it as root')
    before = psutil.swap_memory()
    if before.total:
        pytest.fail('this host already has swap (%d bytes): the test needs a host without swap' % before.total)
    swap_file = '/var/tmp/tank-test-swap-%s' % uuid.uuid4().hex[:8]
    group = proc = None
    try:
        subprocess.run(['fallocate', '-l', '%dM' % SWAP_FILE_MB, swap_file], check=True)
        os.chmod(swap_file, 0o600)
        subprocess.run(['mkswap', swap_file], check=True, capture_output=True)
        subprocess.run(['swapon', swap_file], check=True)
        group = _memory_cgroup(8 << 20)
        # Joins the cgroup, touches 60 MiB (7/8 of it must go to swap), says so, then waits for stdin.
        proc = subprocess.Popen([sys.executable, '-c', (
            'import os, sys\n'
            'open(sys.argv[1], "w").write(str(os.getpid()))\n'
            'block = bytearray(60 << 20)\n'
            'for i in range(0, len(block), 4096): block[i] = 1\n'
            'print("ready", flush=True)\n'
            'sys.stdin.read()\n'), os.path.join(group, 'cgroup.procs')],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == 'ready'
        yield proc
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
        subprocess.run(['swapoff', swap_file], check=False)
        if os.path.exists(swap_file):
            os.unlink(swap_file)
        if group is not None:
            for _attempt in range(50):
                try:
                    os.rmdir(group)
                    break
                except OSError:
                    time.sleep(0.1)


# Swap is machine-wide (no namespace hides it): while this test's swap file is on, no other test runs.
@pytest.mark.exclusive
@pytest.mark.finding('resources.swap.used')
def test_host_swapping_is_reported(run_module, swapping_process):
    swap = psutil.swap_memory()
    assert swap.percent >= 50, 'the kernel swapped out only %s%% of the swap file' % swap.percent
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 0})
    finding = only(result, 'resources.swap.used')
    assert finding['status'] in ('warning', 'critical')
    assert finding['value'] == result['metrics']['swap_used_percent'] >= 50
    assert finding['threshold']['warning'] == 50 and finding['threshold']['critical'] == 80
    assert 0 < (SWAP_FILE_MB << 20) - result['metrics']['swap_total_bytes'] <= 4096  # all but the swap header


def test_host_without_swap_is_not_judged_for_it(run_module):
    if psutil.swap_memory().total:
        pytest.fail('this host has swap: the test needs a host without swap')
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 0})
    assert result['metrics']['swap_total_bytes'] == 0
    assert 'swap_used_percent' not in result['metrics']
    assert 'resources.swap.used' not in [f['id'] for f in result['findings']]


@pytest.fixture
def cpu_burners():
    burners = [subprocess.Popen([sys.executable, '-c', 'while True: pass'])
               for _core in range(2 * (os.cpu_count() or 1))]
    yield burners
    for proc in burners:
        proc.kill()
        proc.wait()


@pytest.mark.finding('resources.load.per_core')
def test_run_queue_over_the_cores_is_reported(run_module, cpu_burners):
    cores = os.cpu_count() or 1
    deadline = time.monotonic() + 60
    while os.getloadavg()[1] / cores < 0.2 and time.monotonic() < deadline:
        time.sleep(1)
    per_core = os.getloadavg()[1] / cores
    assert per_core > 0, 'the busy processes did not show in the 5-minute load'
    # Threshold override: half of what the kernel reports now. Not just under it: the burners keep the
    # load up, but on the shared test machine other runs may end meanwhile, and the 5-minute average then
    # falls by a few % a minute toward the burners' own load; a slow Ansible start must not cross the limit.
    limit = round(per_core * 0.5, 2)
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 0, 'thresholds': {
        'load_per_core': {'warning': limit, 'critical': None}}})
    finding = only(result, 'resources.load.per_core')
    assert finding['status'] == 'warning'
    assert finding['value'] == result['metrics']['load5_per_core'] >= limit
    assert '%d cores' % cores in finding['message']


@pytest.mark.finding('resources.memory.available')
def test_low_available_memory_is_reported(run_module):
    hog = subprocess.Popen([sys.executable, '-c', (
        'import sys\n'
        'block = bytearray(512 << 20)\n'
        'for i in range(0, len(block), 4096): block[i] = 1\n'
        'print("ready", flush=True)\n'
        'sys.stdin.read()\n')], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert hog.stdout.readline().strip() == 'ready'
        memory = psutil.virtual_memory()
        available = 100.0 * memory.available / memory.total
        # Threshold override: a few points above what is available with the hog holding its memory.
        limit = min(100.0, round(available + 3, 1))
        result, _run = run_module(MODULE, {'cpu_sample_seconds': 0, 'thresholds': {
            'memory_available_percent': {'warning': limit, 'critical': None}}})
    finally:
        hog.kill()
        hog.wait()
    finding = only(result, 'resources.memory.available')
    assert finding['status'] == 'warning'
    assert finding['value'] == result['metrics']['memory_available_percent'] <= limit
    assert finding['threshold']['direction'] == 'below'
