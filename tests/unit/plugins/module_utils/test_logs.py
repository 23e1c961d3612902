# -*- coding: utf-8 -*-
"""Pure parts of the log check: timestamps, reverse reading, rotation names, classification."""

from __future__ import annotations

import calendar
import io
import os
import time

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _logs
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError


def test_pm2_time_prefix_is_local_time():
    stamp, rest = _logs.parse_timestamp('2026-11-26T08:24:38: Processing job 12')
    assert rest == 'Processing job 12'
    assert stamp == time.mktime((2026, 11, 26, 8, 24, 38, 0, 0, -1))


@pytest.mark.parametrize('line, offset', [
    ('2026-11-26T08:24:38Z: x', 0),
    ('2026-11-26 08:24:38.123 +09:00: x', 9 * 3600),
    ('2026-11-26T08:24:38-0130 x', -(3600 + 1800)),
])
def test_timestamps_with_a_zone(line, offset):
    stamp, rest = _logs.parse_timestamp(line)
    assert stamp == calendar.timegm((2026, 11, 26, 8, 24, 38, 0, 0, 0)) - offset
    assert rest == 'x'


@pytest.mark.parametrize('line', ['    at Object.<anonymous> (a.js:1:2)', 'Processing job', '2026-13-45T99:99:99: x',
                                  '20261126 bad'])
def test_lines_without_a_timestamp(line):
    assert _logs.parse_timestamp(line)[0] is None


def test_reverse_reader_yields_lines_newest_first_across_blocks():
    data = b''.join(b'line %d\n' % n for n in range(1000)) + b'partial'
    reader = _logs.ReverseReader(io.BytesIO(data), len(data), max_line=1024, block=100)
    lines = [line for line in reader if line]
    assert lines[0] == b'partial'
    assert lines[1] == b'line 999'
    assert lines[-1] == b'line 0'
    assert len(lines) == 1001
    assert reader.bytes_read == len(data) and reader.at_start


def test_reverse_reader_cuts_long_lines_keeping_their_start():
    data = b'short\n' + b'START' + b'x' * 10000 + b'\nlast\n'
    reader = _logs.ReverseReader(io.BytesIO(data), len(data), max_line=300, block=64)
    lines = [line for line in reader if line]
    assert lines[0] == b'last'
    assert lines[1].startswith(b'START') and len(lines[1]) == 300
    assert lines[2] == b'short'


def test_reverse_reader_stops_reading_when_the_caller_stops():
    data = b'x\n' * 500000
    reader = _logs.ReverseReader(io.BytesIO(data), len(data), max_line=1024)
    for count, _line in enumerate(reader):
        if count == 10:
            break
    assert reader.bytes_read == _logs.BLOCK_SIZE


def test_rotated_siblings(tmp_path):
    names = ['worker-out.log', 'worker-out__2026-11-25_00-00-00.log', 'worker-out__2026-11-24_00-00-00.log',
             'worker-out.log.1', 'worker-out.log.2.gz', 'worker-out-1.log', 'worker-error.log']
    for age, name in enumerate(names):
        (tmp_path / name).write_text('x')
        os.utime(str(tmp_path / name), (1000 - age, 1000 - age))
    found = [os.path.basename(p) for p in _logs.rotated_siblings(str(tmp_path / 'worker-out.log'))]
    assert found == ['worker-out__2026-11-25_00-00-00.log', 'worker-out__2026-11-24_00-00-00.log', 'worker-out.log.1']


def test_patterns_are_validated():
    with pytest.raises(CheckInputError):
        _logs.compile_patterns({'nope': 'x'})
    with pytest.raises(CheckInputError):
        _logs.compile_patterns({'job': '('})
    assert _logs.compile_patterns({'job': 'tick'})['job'].search('TICK')


@pytest.mark.parametrize('line, kind', [
    ('Error: ORA-12514: TNS:listener', 'ora12514'),
    ('ORA-28009: connection as SYS', 'ora28009'),
    ('Connection Timeout', 'oracle_timeout'),
    ('SES send failed: connect ETIMEDOUT', 'ses'),
    ('ORA-00942: table or view does not exist', 'oracle'),
    ("ENOENT: no such file or directory, open '/nas/a.pdf'", 'file'),
    ('Template "x" failed', 'template'),
    ('TypeError: x is undefined', 'other'),
])
def test_error_classes(line, kind):
    scan = _logs.Scan('backend')
    _logs._take(scan, 'err', 100.0, line, 0.0, _logs.compile_patterns({}), False)
    assert list(scan.errors) == [kind]


def test_output_lines_count_as_errors_only_when_they_say_so():
    scan = _logs.Scan('backend')
    patterns = _logs.compile_patterns({})
    _logs._take(scan, 'out', 100.0, 'user uploaded attachment a.pdf', 0.0, patterns, False)
    _logs._take(scan, 'out', 100.0, '    at Foo (a.js:1:1)', 0.0, patterns, False)
    assert scan.errors == {}
    _logs._take(scan, 'out', 100.0, 'attachment a.pdf failed: EACCES', 0.0, patterns, False)
    assert list(scan.errors) == ['file']


def test_secrets_are_masked_in_samples():
    text = _logs.sample_text('connect failed password=hunter2 token: abc123 user=tank')
    assert 'hunter2' not in text and 'abc123' not in text and 'user=tank' in text
    assert len(_logs.sample_text('x' * 1000)) == 203
