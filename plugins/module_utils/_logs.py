# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Scheduler / worker log check (guide §5, §6, §7, §8, §13): activity and repeated errors in a window.

Logs are read from their end backwards, block by block, and only as far back as the window
reaches, so the cost follows the window, not the file: a multi-GB log costs the same as a small
one. Lines carry PM2's ``--time`` prefix (``2026-11-26T08:24:38: ...``, local time); lines
without one (stack traces) take the time of the timestamped line before them.
"""

from __future__ import annotations

import calendar
import os
import re
import time

from ansible_collections.tank.monitoring.plugins.module_utils import _oracle_errors as oracle_errors
from ansible_collections.tank.monitoring.plugins.module_utils import _pm2
from ansible_collections.tank.monitoring.plugins.module_utils._contract import UNKNOWN, FindingSpec, format_number
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, declare
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import scrub

CHECK = 'logs'

CATALOGUE = {
    'scheduler.silent': FindingSpec(
        '§5, §13.6',
        'The scheduler creates jobs by itself and writes "Scheduler" lines (guide §5): none were written '
        'recently. Check pm2 logs worker | grep "Scheduler" and the AUTO_RUN_LOG run pattern; if the worker is '
        'stuck, pm2 restart worker (guide §13.6).'),
    'worker.idle': FindingSpec(
        '§5, §13.6',
        'The worker wrote no "Processing job" line in the window while jobs are expected (guide §5): check the '
        'scheduler and the worker error log (pm2 logs worker --err); if the worker is stuck, pm2 restart worker '
        '(guide §13.6).'),
    # The Oracle classes share oracle_check's table of ORA codes -> class -> remedy (_oracle_errors).
    'errors.ora12514': FindingSpec(oracle_errors.section(oracle_errors.SERVICE_UNKNOWN),
                                   oracle_errors.remedy(oracle_errors.SERVICE_UNKNOWN)),
    'errors.ora28009': FindingSpec(oracle_errors.section(oracle_errors.INSUFFICIENT_PRIVILEGES),
                                   oracle_errors.remedy(oracle_errors.INSUFFICIENT_PRIVILEGES)),
    'errors.oracle_timeout': FindingSpec(oracle_errors.section(oracle_errors.TIMEOUT),
                                         oracle_errors.remedy(oracle_errors.TIMEOUT)),
    'errors.oracle': FindingSpec(
        '§6, §11, §13.5',
        'Repeated Oracle errors (DBIO): check the Oracle listener and network (guide §13.5) and run the '
        'application\'s Connect Test.'),
    'errors.file': FindingSpec(
        '§7, §13.3',
        'Repeated file errors: the most common causes are a changed NAS path, a removed permission (the store '
        'must be writable, read-only is not acceptable) or a detached network drive (guide §7). Check the NAS '
        'path and permissions.'),
    'errors.ses': FindingSpec(
        '§8, §13.4',
        'Repeated SES errors: check for expired SES credentials, poor address quality or an exceeded rate limit '
        '(guide §8), and the SES metrics (Sending Statistics).'),
    'errors.template': FindingSpec(
        '§11, §13.2',
        'Repeated template errors: check TEMPLATE_LOG (guide §13.2) for the failing template.'),
    'errors.other': FindingSpec(
        '§5',
        'Error lines repeating point to a DB, file or SES problem (guide §5): read pm2 logs <app> --err '
        '--lines 200 for the cause.'),
    'file.missing': FindingSpec(
        '§3, §5',
        'The app\'s log file was not found: check the log paths (pm2 describe <app>) or set log_files.'),
    'timestamps.missing': FindingSpec(
        '§5',
        'The log lines have no timestamps, so activity in the window cannot be measured: start the apps with '
        'timestamps (pm2 start ... --time, or time: true in the ecosystem file), then pm2 save.'),
    'scan.limited': FindingSpec(
        '§5',
        'The window holds more log than max_scan_bytes (or the time limit) allows to read, so the counts are '
        'partial: raise max_scan_bytes or the timeout, or shorten window_minutes; rotate the logs (pm2-logrotate).'),
}

# Error classes in the order a line is classified; the first match wins, then "other".
ERROR_CLASSES = ('ora12514', 'ora28009', 'ses', 'oracle_timeout', 'oracle', 'file', 'template')
CLASS_NAMES = {
    'ora12514': 'Oracle ORA-12514 / ORA-12505 (wrong SID / service name)',
    'ora28009': 'Oracle ORA-28009 (insufficient privileges)',
    'oracle_timeout': 'DB Connection Timeout',
    'oracle': 'Oracle / DB',
    'file': 'file / NAS',
    'ses': 'SES',
    'template': 'template',
    'other': 'other',
}

# Case-insensitive regular expressions; the guide's words are the defaults.
DEFAULT_PATTERNS = {
    'scheduler': r'Scheduler',
    'job': r'Processing job',
    # A line counts as an error line when it comes from the app's error log or matches this.
    'error': r'\b(error|exception|fatal|failed|failure|refused|denied|timed? ?out)\b|\bORA-\d{5}\b|ERR!',
    # Never counted as errors: stack frames of the line before.
    'ignore': r'^\s+at\s|^\s*\^+\s*$',
    'ora12514': oracle_errors.log_pattern('ora12514'),
    'ora28009': oracle_errors.log_pattern('ora28009'),
    'oracle_timeout': oracle_errors.log_pattern('oracle_timeout'),
    'oracle': r'\bORA-\d{5}\b|\bNJS-\d{3}\b|\bDP[IY]-\d{4}\b|\bTNS-?\d*:|oracle|DBIO',
    'ses': r'\bSES\b|amazonses|email-smtp|MessageRejected|Throttling|Maximum sending rate|Daily message quota'
           r'|InvalidClientTokenId|ExpiredToken|SignatureDoesNotMatch|MailFromDomainNotVerified',
    'file': r'\bE(NOENT|ACCES|PERM|ROFS|IO|STALE|NOTCONN|NOSPC)\b|no such file|permission denied|read-only file'
            r'|stale file handle|\bNAS\b|attachment',
    'template': r'template',
}

ARGUMENT_SPEC = dict(
    _pm2.TARGET_ARGUMENT_SPEC,
    log_files=dict(type='dict', default={}),
    scheduler_app=dict(type='str', default='worker'),
    worker_app=dict(type='str', default='worker'),
    expect_jobs=dict(type='bool', default=True),
    window_minutes=dict(type='float', default=15.0),
    patterns=dict(type='dict', default={}),
    max_scan_bytes=dict(type='int', default=256 * 1024 * 1024),
    max_line_bytes=dict(type='int', default=64 * 1024),
)
DEFAULT_TIMEOUT = 30.0

BLOCK_SIZE = 64 * 1024
# Lines read from the end without any timestamp before a log is taken as untimestamped.
TIMESTAMP_PROBE_LINES = 200
COMPRESSED = ('.gz', '.bz2', '.xz', '.zst', '.zip', '.lz4')
_TIMESTAMP = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?\s?(Z|[+-]\d{2}:?\d{2})?(?::\s?|\s|$)')


def parse_timestamp(text):
    """``(epoch seconds or None, rest of the line)`` for a line with a leading ISO-like timestamp."""
    match = _TIMESTAMP.match(text)
    if not match:
        return None, text
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    zone = match.group(7)
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second <= 60):
        return None, text
    try:
        if zone:
            epoch = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
            if zone != 'Z':
                sign = -1 if zone[0] == '-' else 1
                digits = zone[1:].replace(':', '')
                epoch -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
        else:  # PM2 --time writes local time without a zone
            epoch = time.mktime((year, month, day, hour, minute, second, 0, 0, -1))
    except (OverflowError, ValueError):
        return None, text
    return float(epoch), text[match.end():]


class ReverseReader(object):
    """Lines of a file from its end backwards, reading ``block`` bytes at a time.

    Counts the bytes read; a line longer than ``max_line`` keeps only its first ``max_line`` bytes
    (enough for the timestamp and the message). The last line may be partial (still being written).
    """

    def __init__(self, handle, size, max_line, block=BLOCK_SIZE):
        self.handle = handle
        self.size = size
        self.max_line = max_line
        self.block = block
        self.bytes_read = 0
        self.at_start = False

    def __iter__(self):
        position = self.size
        carry = b''
        while position > 0:
            length = min(self.block, position)
            position -= length
            self.handle.seek(position)
            chunk = self.handle.read(length)
            self.bytes_read += len(chunk)
            parts = (chunk + carry).split(b'\n')
            carry = parts[0]
            for line in reversed(parts[1:]):
                yield line[:self.max_line]
            if len(carry) > self.max_line:
                carry = carry[:self.max_line]
        self.at_start = True
        yield carry[:self.max_line]


def rotated_siblings(path):
    """Older generations of a rotated log, newest first (pm2-logrotate and logrotate names)."""
    directory, base = os.path.split(path)
    stem = base[:-4] if base.endswith('.log') else base
    pattern = re.compile(r'^(%s__.+|%s[.-]\d[\d.-]*)$' % (re.escape(stem), re.escape(base)))
    try:
        names = os.listdir(directory or '.')
    except OSError:
        return []
    found = []
    for name in names:
        if name == base or not pattern.match(name) or name.endswith(COMPRESSED):
            continue
        full = os.path.join(directory, name)
        try:
            found.append((os.stat(full).st_mtime, full))
        except OSError:
            continue
    return [full for _mtime, full in sorted(found, reverse=True)]


class Scan(object):
    """What one app's logs say within the window."""

    def __init__(self, app):
        self.app = app
        self.jobs = 0
        self.last_scheduler = None
        self.errors = {}
        self.untimestamped = []
        self.limited = []
        # [(stream, covered_from)] per log read: None when the log reaches back past the start of the
        # scan, else the moment from which it is known complete (its oldest line: truncated, rotated
        # away or new). A log that covers 3 minutes cannot prove 120 minutes of silence.
        self.coverage = []
        self.oldest_seen = None
        self.quiet_since = None

    def covered_from(self):
        """From when the app's logs are complete (None: the whole scan). Output logs decide when the app
        has any (its Scheduler lines are written there); the least covered log counts."""
        relevant = [c for stream, c in self.coverage if stream == 'out'] or [c for _s, c in self.coverage]
        partial = [c for c in relevant if c is not None]
        return max(partial) if partial else None


def run(params, result, deadline):
    window = params.get('window_minutes')
    if window is None or window <= 0:
        raise CheckInputError('window_minutes must be a positive number of minutes')
    max_scan = params.get('max_scan_bytes')
    if not max_scan or max_scan < BLOCK_SIZE:
        raise CheckInputError('max_scan_bytes must be at least %d' % BLOCK_SIZE)
    max_line = params.get('max_line_bytes')
    if not max_line or max_line < 256:
        raise CheckInputError('max_line_bytes must be at least 256')
    patterns = compile_patterns(params.get('patterns') or {})
    log_files = params.get('log_files') or {}
    if not isinstance(log_files, dict):
        raise CheckInputError('log_files must map an app name to a list of log file paths')

    apps = [a for a in (params.get('apps') or []) if a]
    # An empty name turns that activity check off (a backend-only host has no scheduler).
    scheduler_app = params.get('scheduler_app') or None
    worker_app = params.get('worker_app') or None
    for app in (scheduler_app, worker_app):
        if app and app not in apps:
            apps.append(app)
    sources = log_sources(params, apps, log_files, deadline)

    now = time.time()
    window_start = now - window * 60.0
    silence = result.thresholds['scheduler_silence_minutes']
    silence_reach = max([v for v in (silence.critical, silence.warning) if v is not None] or [0])
    scheduler_start = min(window_start, now - silence_reach * 60.0 - 60.0)

    for app in apps:
        scan = Scan(app)
        wants_scheduler = app == scheduler_app
        files = sources.get(app) or []
        if not files:
            result.unknown('file.missing', 'No log file known for the app %s.' % app, subject=app, reason='error')
            continue
        scanned = False
        for stream, path in files:
            if not os.path.exists(path):
                result.unknown('file.missing', 'The log file %s of the app %s does not exist.' % (path, app),
                               subject=path, reason='error')
                continue
            if not os.path.isfile(path):  # a FIFO or device would block or never end
                result.unknown('file.missing', 'The log path %s of the app %s is not a regular file.' % (path, app),
                               subject=path, reason='error')
                continue
            start = scheduler_start if wants_scheduler else window_start
            _scan_log(result, scan, stream, path, start, window_start, patterns, wants_scheduler, max_scan,
                      max_line, deadline)
            scanned = True
        if scanned:  # with no readable log, activity cannot be judged: the file findings say why
            _judge(result, scan, app, now, window, window_start, scheduler_app, worker_app,
                   params.get('expect_jobs', True), silence_reach)


def compile_patterns(overrides):
    if not isinstance(overrides, dict):
        raise CheckInputError('patterns must map a pattern name to a regular expression')
    unknown = sorted(set(overrides) - set(DEFAULT_PATTERNS))
    if unknown:
        raise CheckInputError('unknown pattern name(s): %s (known: %s)'
                              % (', '.join(unknown), ', '.join(sorted(DEFAULT_PATTERNS))))
    compiled = {}
    for name, default in DEFAULT_PATTERNS.items():
        text = overrides.get(name, default)
        if not isinstance(text, str) or not text:
            raise CheckInputError('pattern %s must be a non-empty regular expression' % name)
        try:
            compiled[name] = re.compile(text, re.IGNORECASE)
        except re.error as exc:
            raise CheckInputError('pattern %s is not a valid regular expression: %s' % (name, exc))
    return compiled


def log_sources(params, apps, log_files, deadline):
    """``{app: [(stream, path)]}``: given paths, else PM2's live list, else dump.pm2, else PM2's defaults."""
    sources = {}
    for app, paths in log_files.items():
        if isinstance(paths, str):
            paths = [paths]
        if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
            raise CheckInputError('log_files.%s must be a list of paths' % app)
        sources[str(app)] = [('err' if re.search(r'err', os.path.basename(p)) else 'out', p) for p in paths]
    missing = [app for app in apps if app not in sources]
    if not missing:
        return sources
    target = _pm2.resolve_target(params)
    known = {}
    if _pm2.daemon_pid(target) is not None:
        executable = _pm2.find_executable(target, _pm2.DEFAULT_UNIT_DIR)
        if executable:
            try:
                for process in _pm2.shared_jlist(target, executable, deadline):
                    known.setdefault(process['name'], []).append((process['out_log'], process['err_log']))
            except _pm2.Pm2Error:
                known = {}
    if not known:
        for name, out_log, err_log in _pm2.dump_entries(target) or []:
            known.setdefault(name, []).append((out_log, err_log))
    for app in missing:
        pairs = known.get(app) or [(os.path.join(target.home, 'logs', '%s-out.log' % app),
                                    os.path.join(target.home, 'logs', '%s-error.log' % app))]
        files = []
        for out_log, err_log in pairs:
            for stream, path in (('out', out_log), ('err', err_log)):
                if isinstance(path, str) and path and path != '/dev/null' and (stream, path) not in files:
                    files.append((stream, path))
        sources[app] = files
    return sources


def _scan_log(result, scan, stream, path, start, window_start, patterns, wants_scheduler, max_scan, max_line,
              deadline):
    """Read ``path`` (then its rotated generations) backwards until a line older than ``start``."""
    budget = max_scan
    scan.oldest_seen = None
    scan.quiet_since = None
    newest_mtime = None
    done = False
    for generation, current in enumerate([path] + rotated_siblings(path)):
        try:
            handle = open(current, 'rb')
        except PermissionError:
            result.unknown('permission_denied', 'Permission denied reading %s.' % current, subject=current,
                           reason='permission_denied')
            return
        except OSError:
            continue
        with handle:
            stat = os.fstat(handle.fileno())
            if newest_mtime is None:
                newest_mtime = stat.st_mtime
            reader = ReverseReader(handle, stat.st_size, max_line)
            done = _scan_file(scan, stream, reader, start, window_start, patterns, wants_scheduler, budget,
                              deadline, stat.st_mtime, current)
            result.metric('log_bytes', stat.st_size, subject=current)
            result.metric('bytes_scanned', reader.bytes_read, subject=current)
            budget -= reader.bytes_read
        if done or budget <= 0 or deadline.expired:
            if not done:
                scan.limited.append(path)
            break
        if generation == 0 and current in scan.untimestamped:
            break
    if newest_mtime is None:
        return
    if done and scan.quiet_since is None and path not in scan.untimestamped:
        scan.coverage.append((stream, None))
    elif scan.quiet_since is not None:
        scan.coverage.append((stream, scan.quiet_since))  # untimestamped, untouched since then
    elif scan.oldest_seen is not None:
        scan.coverage.append((stream, scan.oldest_seen))
    else:
        scan.coverage.append((stream, newest_mtime))  # no line at all: nothing written since its mtime


def _scan_file(scan, stream, reader, start, window_start, patterns, wants_scheduler, budget, deadline, mtime,
               path):
    """Feed one file's lines (newest first) to ``scan``; True when a line older than ``start`` was reached."""
    pending = []
    seen_timestamp = False
    lines = 0
    for raw in reader:
        if not raw.strip():
            continue
        lines += 1
        if reader.bytes_read > budget or ((lines & 1023) == 0 and deadline.expired):
            return False
        text = raw.decode('utf-8', 'replace').rstrip('\r')
        stamp, body = parse_timestamp(text)
        if stamp is None:
            if not seen_timestamp and lines > TIMESTAMP_PROBE_LINES:
                return _untimestamped(scan, path, mtime, window_start, pending, patterns, wants_scheduler)
            pending.append(body)
            continue
        seen_timestamp = True
        if scan.oldest_seen is None or stamp < scan.oldest_seen:
            scan.oldest_seen = stamp
        if stamp < start or (stamp < window_start and (not wants_scheduler or scan.last_scheduler is not None)):
            return True
        for line in [body] + pending:
            _take(scan, stream, stamp, line, window_start, patterns, wants_scheduler)
        pending = []
    if not seen_timestamp and lines:
        return _untimestamped(scan, path, mtime, window_start, pending, patterns, wants_scheduler)
    return False


def _untimestamped(scan, path, mtime, window_start, tail, patterns, wants_scheduler):
    """A log without timestamps: only a file untouched since the window began can be judged."""
    if mtime < window_start:
        # Nothing was written in the window; a Scheduler line in the tail is at most as recent as mtime.
        scan.quiet_since = mtime
        if wants_scheduler and any(patterns['scheduler'].search(line) for line in tail):
            scan.last_scheduler = max(scan.last_scheduler or 0.0, mtime)
        return True
    scan.untimestamped.append(path)
    return True


def _take(scan, stream, stamp, line, window_start, patterns, wants_scheduler):
    if wants_scheduler and patterns['scheduler'].search(line):
        if scan.last_scheduler is None or stamp > scan.last_scheduler:
            scan.last_scheduler = stamp
    if stamp < window_start:
        return
    if patterns['job'].search(line):
        scan.jobs += 1
        return
    if patterns['ignore'].search(line):
        return
    if stream != 'err' and not patterns['error'].search(line):
        return
    kind = 'other'
    for name in ERROR_CLASSES:
        if patterns[name].search(line):
            kind = name
            break
    group = scan.errors.setdefault(kind, {'count': 0, 'last': None, 'sample': None})
    group['count'] += 1
    if group['last'] is None or stamp >= group['last']:
        group['last'] = stamp
        group['sample'] = line


def sample_text(line, limit=200):
    """A log line fit for a report: secrets-looking values masked (``_secrets.scrub``), length bounded."""
    text = scrub(line.strip())
    return text if len(text) <= limit else text[:limit] + '...'


def _judge(result, scan, app, now, window, window_start, scheduler_app, worker_app, expect_jobs, silence_reach):
    window_text = format_number(window, 1)
    if scan.untimestamped:
        result.add('timestamps.missing', UNKNOWN, 'The log %s of the app %s has no timestamps and was written '
                   'during the window: activity and errors cannot be placed in time.'
                   % (', '.join(scan.untimestamped), app), subject=app, reason='error')
    if scan.limited:
        result.add('scan.limited', UNKNOWN, 'Reading %s stopped (max_scan_bytes or the time limit reached) before '
                   'the start of the window: the counts are partial.' % ', '.join(scan.limited), subject=app,
                   reason='error')
    judged = not scan.untimestamped
    if app == worker_app and judged:
        result.metric('worker_jobs_in_window', scan.jobs)
        # A log truncated or rotated minutes ago covers less than the window: no job in 2 minutes of log
        # does not prove an idle worker. Judged once the log covers at least half the window.
        covered_from = scan.covered_from()
        covers = None
        if covered_from is not None and covered_from > window_start:
            covers = round(max(0.0, now - covered_from) / 60.0, 1)
            result.metric('worker_log_covers_minutes', covers)
        if expect_jobs and (covers is None or covers >= window / 2.0 or scan.jobs):
            result.judge('worker.idle', 'worker_jobs_in_window', scan.jobs,
                         'The worker ({subject}) wrote {value} "Processing job" line(s) in the last {window} minutes'
                         + ('.' if covers is None else ' its logs cover (since they were truncated or rotated).'),
                         subject=app, window=window_text if covers is None else format_number(covers, 1))
    if app == scheduler_app and judged:
        if scan.last_scheduler is not None:
            minutes = round(max(0.0, now - scan.last_scheduler) / 60.0, 1)
            result.metric('scheduler_last_line_minutes_ago', minutes)
            result.judge('scheduler.silent', 'scheduler_silence_minutes', minutes,
                         'The last "Scheduler" line of {subject} was written {value} minutes ago (limit {limit} '
                         'minutes).', subject=app)
        else:
            result.metric('scheduler_last_line_minutes_ago', None)
            covered_from = scan.covered_from()
            if covered_from is None:
                reach = max(silence_reach, window)
                result.judge('scheduler.silent', 'scheduler_silence_minutes', reach + 1,
                             'No "Scheduler" line in the logs of {subject} for at least {reach} minutes.',
                             subject=app, reach=format_number(reach, 1))
            else:
                # The logs begin inside the reach (truncated, rotated away or new): the silence is proven
                # only for the time they cover, judged like a silence of that length (none below the limit).
                covers = round(max(0.0, now - covered_from) / 60.0, 1)
                result.metric('scheduler_log_covers_minutes', covers)
                result.judge('scheduler.silent', 'scheduler_silence_minutes', covers,
                             'No "Scheduler" line in the logs of {subject}, which cover only the last {value} '
                             'minutes (since {since}; older lines were truncated or rotated away): silent for at '
                             'least that long (limit {limit} minutes).', subject=app,
                             since=time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(covered_from)))
    for kind in ERROR_CLASSES + ('other',):
        group = scan.errors.get(kind)
        if not group:
            continue
        result.metric('errors_in_window', group['count'], subject='%s:%s' % (app, kind))
        result.judge('errors.%s' % kind, 'errors_in_window', group['count'],
                     '{value} {kind} error line(s) in the {subject} logs in the last {window} minutes; latest: '
                     '{sample}', subject=app, kind=CLASS_NAMES[kind], window=window_text,
                     sample=sample_text(group['sample']))


# The one declaration of this check (the registry, the audit module and the docs derive from it).
SPEC = declare(globals(), scope=HOST, module='log_check', shares='pm2')
