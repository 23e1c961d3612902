# -*- coding: utf-8 -*-
"""log_check against real PM2 logs (a real daemon and Node apps) and PM2-format log files on disk.

Faults that need time to pass (a scheduler silent for an hour, a worker idle for the window) are
written as PM2 --time log lines dated in the past: the module reads files, so a back-dated line is
exactly what it would meet on a real host.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _logs

from pm2_support import (BACKEND_JS, PM2, SLOW_CRASH_JS, WORKER_JS, busy_worker, log_lines, stamp,
                         write_log)

MODULE = 'tank.monitoring.log_check'

# A worker whose scheduler never writes: only "Processing job" lines.
JOBS_ONLY_JS = r'''
let n = 0;
setInterval(() => console.log('Processing job ' + n++), 250);
'''


@pytest.fixture
def logs(tmp_path):
    path = tmp_path / 'logs'
    path.mkdir()
    return path


def ids(result):
    return sorted(f['id'] for f in result['findings'])


def finding(result, finding_id, subject=None):
    matches = [f for f in result['findings'] if f['id'] == finding_id and (subject is None or f['subject'] == subject)]
    assert matches, 'no %s finding in %s' % (finding_id, json.dumps(result['findings'], indent=1))
    assert matches[0]['remedy'] == _logs.CATALOGUE[finding_id.split('.', 1)[1]].remedy
    return matches[0]


def late_minutes(written):
    """Minutes since ``written`` (time.time() when the log was written): how long after it the module ran.
    Ansible's start-up on a loaded 2-core machine can take many seconds: what the log covers grows with it."""
    return (time.time() - written) / 60.0


def files_args(logs, worker=None, backend=None, **extra):
    """Module options reading the given files (PM2 is not asked)."""
    log_files = {}
    log_files['worker'] = [str(p) for p in (worker or [write_log(logs / 'worker-out.log', busy_worker())])]
    log_files['backend'] = [str(p) for p in (backend or [write_log(logs / 'backend-out.log', [(5, 'listening')])])]
    args = {'log_files': log_files, 'pm2_home': str(logs / 'no-pm2')}
    args.update(extra)
    return args


# -- real PM2 ------------------------------------------------------------------------------------------

def test_healthy_pm2_apps_give_no_finding(pm2, run_module):
    pm2.start('backend', BACKEND_JS)
    pm2.start('worker', WORKER_JS)
    out = os.path.join(pm2.home, 'logs', 'worker-out.log')
    pm2.wait_for(lambda: os.path.exists(out) and open(out).read().count('Processing job') >= 4, what='jobs logged')
    result, _run = run_module(MODULE, {'pm2_home': pm2.home, 'pm2_executable': PM2})
    assert result['status'] == 'ok', result['findings']
    assert result['findings'] == []
    assert result['metrics']['worker_jobs_in_window'] >= 4
    assert result['metrics']['scheduler_last_line_minutes_ago'] < 1
    assert out in result['metrics']['bytes_scanned']


@pytest.mark.finding('logs.errors.ora12514')
def test_repeated_oracle_errors_from_a_real_pm2_app(pm2, run_module):
    pm2.start('worker', WORKER_JS)
    pm2.start('backend', SLOW_CRASH_JS)
    err = os.path.join(pm2.home, 'logs', 'backend-error.log')
    pm2.wait_for(lambda: os.path.exists(err) and open(err).read().count('ORA-12514') >= 3, timeout=30,
                 what='three ORA-12514 lines')
    result, _run = run_module(MODULE, {'pm2_home': pm2.home, 'pm2_executable': PM2})
    ora = finding(result, 'logs.errors.ora12514', 'backend')
    assert ora['status'] in ('warning', 'critical')
    assert ora['value'] >= 3
    assert 'listener' in ora['remedy']
    assert 'ORA-12514' in ora['message']
    # Stack frames of the same errors are not counted as "other" errors.
    assert 'logs.errors.other' not in ids(result)


def test_daemon_not_running_uses_dump_and_never_starts_pm2(pm2, run_module):
    pm2.start('backend', BACKEND_JS)
    pm2.start('worker', WORKER_JS)
    out = os.path.join(pm2.home, 'logs', 'worker-out.log')
    pm2.wait_for(lambda: os.path.exists(out) and open(out).read().count('Scheduler') >= 1, what='scheduler line')
    pm2.pm2('save')
    pm2.close()
    assert pm2.daemon_processes() == []
    result, _run = run_module(MODULE, {'pm2_home': pm2.home, 'pm2_executable': PM2})
    assert result['metrics']['worker_jobs_in_window'] >= 1
    assert pm2.daemon_processes() == []
    assert not os.path.exists(os.path.join(pm2.home, 'pm2.pid'))


# -- activity ------------------------------------------------------------------------------------------

@pytest.mark.finding('logs.worker.idle')
def test_worker_without_processing_job_in_the_window(logs, run_module):
    worker = write_log(logs / 'worker-out.log', busy_worker(minutes=60, until=20 * 60) + [(30, 'Scheduler: idle')])
    result, _run = run_module(MODULE, files_args(logs, worker=[worker]))
    assert ids(result) == ['logs.worker.idle']
    idle = finding(result, 'logs.worker.idle')
    assert idle['value'] == 0 and idle['status'] == 'warning'


def test_quiet_site_without_expected_jobs(logs, run_module):
    worker = write_log(logs / 'worker-out.log', [(3600, 'Processing job 1'), (60, 'Scheduler: nothing to do')])
    result, _run = run_module(MODULE, files_args(logs, worker=[worker], expect_jobs=False))
    assert result['findings'] == []


@pytest.mark.parametrize('silent_minutes, status', [(45, 'warning'), (150, 'critical')])
@pytest.mark.finding('logs.scheduler.silent')
def test_scheduler_silent(logs, run_module, silent_minutes, status):
    entries = [(silent_minutes * 60, 'Scheduler: created 3 job(s)')]
    entries += [(ago, 'Processing job %d' % ago) for ago in range(600, 0, -30)]
    worker = write_log(logs / 'worker-out.log', entries)
    result, _run = run_module(MODULE, files_args(logs, worker=[worker]))
    assert ids(result) == ['logs.scheduler.silent']
    silent = finding(result, 'logs.scheduler.silent')
    assert silent['status'] == status
    if status == 'warning':
        assert abs(silent['value'] - silent_minutes) < 2
    else:  # the scan reaches back only as far as the critical limit: "at least 120 minutes"
        assert silent['value'] > 120


def test_no_scheduler_line_at_all_is_critical(logs, run_module):
    worker = write_log(logs / 'worker-out.log', [(ago, 'Processing job') for ago in range(150 * 60, 0, -30)])
    result, _run = run_module(MODULE, files_args(logs, worker=[worker]))
    assert ids(result) == ['logs.scheduler.silent']
    silent = finding(result, 'logs.scheduler.silent')
    assert silent['status'] == 'critical'
    assert 'at least 120 minutes' in silent['message']
    assert 'scheduler_log_covers_minutes' not in result['metrics']


def test_log_covering_minutes_cannot_prove_hours_of_silence(logs, run_module):
    """A log truncated or rotated minutes ago, without a Scheduler line: no claim beyond what it covers."""
    written = time.time()
    worker = write_log(logs / 'worker-out.log', [(ago, 'Processing job') for ago in range(300, 0, -10)])
    result, _run = run_module(MODULE, files_args(logs, worker=[worker]))
    assert result['findings'] == []
    # 5 minutes of log when written, plus the minutes until the check ran.
    assert 4.5 <= result['metrics']['scheduler_log_covers_minutes'] <= 6 + late_minutes(written)
    assert result['metrics']['scheduler_last_line_minutes_ago'] is None


def test_worker_log_rotated_minutes_ago_is_not_called_idle(logs, run_module):
    """Issue 11 sibling: a worker log that covers 3 of the window's 15 minutes cannot prove an idle worker."""
    written = time.time()
    worker = write_log(logs / 'worker-out.log', [(ago, 'Scheduler: created 0 jobs') for ago in range(180, 0, -60)])
    result, _run = run_module(MODULE, files_args(logs, worker=[worker]))
    assert 'logs.worker.idle' not in ids(result)
    assert 2 <= result['metrics']['worker_log_covers_minutes'] <= 4 + late_minutes(written)
    assert result['metrics']['worker_jobs_in_window'] == 0


def test_worker_log_covering_most_of_the_window_without_jobs_is_idle(logs, run_module):
    worker = write_log(logs / 'worker-out.log', [(ago, 'Scheduler: created 0 jobs') for ago in range(600, 0, -60)])
    result, _run = run_module(MODULE, files_args(logs, worker=[worker]))
    idle = finding(result, 'logs.worker.idle')
    assert 'logs cover' in idle['message'] and idle['value'] == 0


def test_log_covering_45_minutes_proves_only_45_minutes_of_silence(logs, run_module):
    worker = write_log(logs / 'worker-out.log', [(ago, 'Processing job') for ago in range(45 * 60, 0, -30)])
    result, _run = run_module(MODULE, files_args(logs, worker=[worker]))
    assert ids(result) == ['logs.scheduler.silent']
    silent = finding(result, 'logs.scheduler.silent')
    assert silent['status'] == 'warning'
    assert 44 <= silent['value'] <= 47
    assert 'cover only the last' in silent['message'] and '120 minutes' not in silent['message']


def test_real_pm2_log_flushed_seconds_ago_is_not_called_silent_for_hours(pm2, run_module):
    """pm2 flush empties the worker's log: a few lines cannot prove 120 minutes without a Scheduler line."""
    pm2.start('backend', BACKEND_JS)
    pm2.start('worker', JOBS_ONLY_JS)
    out = os.path.join(pm2.home, 'logs', 'worker-out.log')
    pm2.wait_for(lambda: os.path.exists(out) and open(out).read().count('Processing job') >= 4, what='jobs logged')
    pm2.pm2('flush', 'worker')
    pm2.wait_for(lambda: open(out).read().count('Processing job') >= 2, what='jobs logged after the flush')
    result, _run = run_module(MODULE, {'pm2_home': pm2.home, 'pm2_executable': PM2})
    assert 'logs.scheduler.silent' not in ids(result), result['findings']
    assert result['status'] == 'ok', result['findings']
    assert result['metrics']['scheduler_log_covers_minutes'] < 2
    assert result['metrics']['worker_jobs_in_window'] >= 2


# -- errors --------------------------------------------------------------------------------------------

@pytest.mark.parametrize('line, finding_id, remedy_words', [
    ('Error: ORA-28009: connection as SYS should be as SYSDBA', 'logs.errors.ora28009', 'privileges'),
    ('DatabaseError: Connection Timeout after 60000ms', 'logs.errors.oracle_timeout', 'firewall'),
    ('Error: ORA-12514: TNS:listener does not currently know of service', 'logs.errors.ora12514', 'listener'),
    # One table with oracle_check: ORA-12535 / ORA-12170 are timeouts (firewall), ORA-12505 a wrong SID.
    ('Error: ORA-12535: TNS:operation timed out', 'logs.errors.oracle_timeout', 'verify the firewall'),
    ('Error: ORA-12170: TNS:Connect timeout occurred', 'logs.errors.oracle_timeout', 'verify the firewall'),
    ('Error: ORA-12505: TNS:listener does not currently know of SID', 'logs.errors.ora12514', 'SID'),
    ('Error: ORA-01017: invalid username/password; logon denied', 'logs.errors.oracle', 'Connect Test'),
    ('MessageRejected: Email address is not verified (SES)', 'logs.errors.ses', 'SES credentials'),
    ("Error: EACCES: permission denied, open '/mnt/nas/attach/a.pdf'", 'logs.errors.file', 'NAS path'),
    ('TemplateError: template "welcome" failed to render', 'logs.errors.template', 'TEMPLATE_LOG'),
    ('TypeError: Cannot read properties of undefined', 'logs.errors.other', 'DB, file or SES'),
])
@pytest.mark.finding(
    'logs.errors.ora28009',
    'logs.errors.oracle_timeout',
    'logs.errors.ora12514',
    'logs.errors.oracle',
    'logs.errors.ses',
    'logs.errors.file',
    'logs.errors.template',
    'logs.errors.other',
)
def test_repeated_errors_are_classified(logs, run_module, line, finding_id, remedy_words):
    entries = []
    for ago in range(600, 0, -20):  # 30 lines in the window, each with a stack frame under it
        entries += [(ago, line), (ago, '    at Worker.process (/srv/tank/dist/worker.js:42:17)')]
    backend = write_log(logs / 'backend-error.log', entries)
    result, _run = run_module(MODULE, files_args(logs, backend=[backend]))
    assert ids(result) == [finding_id]
    found = finding(result, finding_id, 'backend')
    assert found['status'] == 'critical' and found['value'] == 30
    assert remedy_words in found['remedy']


def test_errors_outside_the_window_are_not_counted(logs, run_module):
    backend = write_log(logs / 'backend-error.log', [(ago, 'Error: ORA-12514') for ago in range(7200, 3600, -60)])
    result, _run = run_module(MODULE, files_args(logs, backend=[backend]))
    assert result['findings'] == []


def test_two_errors_are_not_repeated(logs, run_module):
    backend = write_log(logs / 'backend-error.log', [(120, 'Error: ORA-12514'), (60, 'Error: ORA-12514')])
    result, _run = run_module(MODULE, files_args(logs, backend=[backend]))
    assert result['findings'] == []
    assert result['metrics']['errors_in_window'] == {'backend:ora12514': 2}


def test_secret_in_an_error_line_is_masked(logs, run_module):
    line = 'Error: ORA-01017 connect failed password=Sup3r-S3cret-99 user=tank'
    backend = write_log(logs / 'backend-error.log', [(ago, line) for ago in range(300, 0, -30)])
    result, run = run_module(MODULE, files_args(logs, backend=[backend]))
    assert 'password=********' in finding(result, 'logs.errors.oracle')['message']
    assert 'Sup3r-S3cret-99' not in run.stdout


# -- reading: big files, rotation, odd bytes -------------------------------------------------------------

def test_one_gigabyte_log_is_read_only_from_its_tail(logs, run_module):
    path = logs / 'worker-out.log'
    with open(str(path), 'wb') as handle:
        handle.truncate(1 << 30)  # 1 GiB of history (sparse), then the last hours of real lines
    # A job every 10 s, but none in the 6 minutes around the window's 15-minute edge: the count below is
    # exact however late (up to 3 minutes) Ansible starts the module on a loaded machine.
    recent = [entry for entry in busy_worker() if not 12 * 60 < entry[0] < 18 * 60]
    write_log(path, [(ago, 'Processing job old') for ago in range(4 * 3600, 3600, -5)] + recent, mode='ab')
    size = os.path.getsize(str(path))
    assert size > 1 << 30
    started = time.monotonic()
    result, _run = run_module(MODULE, files_args(logs, worker=[str(path)]))
    assert time.monotonic() - started < 60
    assert result['status'] == 'ok', result['findings']
    assert result['metrics']['log_bytes'][str(path)] == size
    scanned = result['metrics']['bytes_scanned'][str(path)]
    assert scanned < 1 << 20, scanned  # the window's tail, not the file
    assert result['metrics']['worker_jobs_in_window'] == 12 * 6 + 1  # the jobs of the last 12 minutes


def test_window_continues_into_the_rotated_log(logs, run_module):
    # pm2-logrotate moved the older part away five minutes ago.
    # None of its lines in the 6 minutes around the window's 15-minute edge: the count below is exact however
    # late (up to 3 minutes) Ansible starts the module on a loaded machine.
    write_log(logs / 'worker-out__2026-01-01_00-00-00.log',
              [entry for entry in busy_worker(minutes=30, until=300) if not 12 * 60 < entry[0] < 18 * 60])
    os.utime(str(logs / 'worker-out__2026-01-01_00-00-00.log'), (time.time() - 300, time.time() - 300))
    current = write_log(logs / 'worker-out.log', [(ago, 'Processing job') for ago in range(290, 0, -10)])
    result, _run = run_module(MODULE, files_args(logs, worker=[current]))
    assert result['findings'] == []
    assert result['metrics']['worker_jobs_in_window'] == 43 + 29  # 29 current, 43 rotated (5 to 12 minutes ago)
    assert str(logs / 'worker-out__2026-01-01_00-00-00.log') in result['metrics']['bytes_scanned']


def test_partial_last_line_invalid_utf8_and_a_very_long_line(logs, run_module):
    path = logs / 'worker-out.log'
    data = log_lines(busy_worker(minutes=5))
    data += stamp(3).encode() + b'Processing job \xff\xfe bad bytes\n'
    data += stamp(2).encode() + b'Processing job ' + b'x' * (3 << 20) + b'\n'
    data += stamp(1).encode() + b'Processing job partial, still being writ'
    path.write_bytes(data)
    result, _run = run_module(MODULE, files_args(logs, worker=[str(path)]))
    assert result['status'] == 'ok', result['findings']
    assert result['metrics']['worker_jobs_in_window'] == 5 * 6 + 1 + 3


@pytest.mark.finding('logs.timestamps.missing')
def test_log_without_timestamps_written_now_is_unknown(logs, run_module):
    path = logs / 'worker-out.log'
    path.write_text(''.join('Processing job %d\n' % n for n in range(500)))
    result, _run = run_module(MODULE, files_args(logs, worker=[str(path)]))
    assert ids(result) == ['logs.timestamps.missing']
    assert result['status'] == 'unknown'
    assert '--time' in finding(result, 'logs.timestamps.missing')['remedy']


def test_log_without_timestamps_untouched_for_the_window_is_idle(logs, run_module):
    path = logs / 'worker-out.log'
    path.write_text(''.join('Processing job %d\n' % n for n in range(500)))
    old = time.time() - 3600
    os.utime(str(path), (old, old))
    result, _run = run_module(MODULE, files_args(logs, worker=[str(path)], expect_jobs=True))
    assert 'logs.worker.idle' in ids(result)


def test_custom_patterns(logs, run_module):
    worker = write_log(logs / 'worker-out.log', [(ago, 'tick: job %d dispatched' % ago) for ago in range(300, 0, -10)]
                       + [(5, 'cron run')])
    args = files_args(logs, worker=[worker], patterns={'job': r'job \d+ dispatched', 'scheduler': r'^cron run$'})
    result, _run = run_module(MODULE, args)
    assert result['findings'] == []
    assert result['metrics']['worker_jobs_in_window'] == 30


def test_invalid_pattern_is_a_clear_failure(logs, run_module):
    result, _run = run_module(MODULE, files_args(logs, patterns={'job': '(unclosed'}))
    assert result.get('failed') is True
    assert 'pattern job' in result['msg']


@pytest.mark.finding('logs.file.missing')
def test_missing_log_file_is_unknown(logs, run_module):
    result, _run = run_module(MODULE, files_args(logs, backend=[str(logs / 'nope-out.log')]))
    assert ids(result) == ['logs.file.missing']
    assert result['status'] == 'unknown'


def test_a_fifo_as_log_is_refused_without_blocking(logs, run_module):
    fifo = logs / 'worker-out.log'
    os.mkfifo(str(fifo))
    started = time.monotonic()
    result, _run = run_module(MODULE, files_args(logs, worker=[str(fifo)], timeout=10))
    assert time.monotonic() - started < 10 + 30  # the playbook run itself, plus margin
    assert 'logs.file.missing' in ids(result)
    assert 'regular file' in finding(result, 'logs.file.missing')['message']


@pytest.mark.finding('logs.scan.limited')
def test_window_larger_than_max_scan_bytes_is_partial(logs, run_module):
    worker = write_log(logs / 'worker-out.log', busy_worker(minutes=60, job_every=1))
    result, _run = run_module(MODULE, files_args(logs, worker=[worker], window_minutes=60, max_scan_bytes=65536))
    assert 'logs.scan.limited' in ids(result)
    assert result['metrics']['bytes_scanned'][worker] <= 2 * 65536


def test_missing_logs_are_unknown_not_a_silent_scheduler(run_module, tmp_path):
    """No log file at all cannot prove the scheduler or the worker silent: only unknown findings."""
    result, _run = run_module('tank.monitoring.log_check', {
        'log_files': {'worker': [str(tmp_path / 'nope-out.log')], 'backend': [str(tmp_path / 'nope2-out.log')]}})
    ids = {f['id'] for f in result['findings']}
    assert ids == {'logs.file.missing'}
    assert result['status'] == 'unknown'
