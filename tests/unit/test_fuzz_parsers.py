# -*- coding: utf-8 -*-
"""Property-based fuzzing of every parser of what the checks read (issue 13, item 2).

Each property feeds generated input to a parser or judge and asserts what must hold for ANY input:
no exception escapes (a check never turns odd input into a traceback), the answer has the documented
shape, and what the parser promises (numbers finite, secrets masked, round trips) is kept. The
examples are derandomized (tests/unit/conftest.py), so CI tries the same inputs every run.

Inputs: ``pm2 jlist`` JSON, log bytes (timestamps, lines, whole files scanned by the logs check),
health bodies, stub_status text, ``nginx -T`` output, SES/CloudWatch answers and botocore errors,
threshold overrides, Logs DB rows (a real SQLite file holding generated values of any type),
and the secret scrubber.
"""

from __future__ import annotations

import datetime
import io
import json
import math
import os
import sqlite3
import string
import tempfile
import time

import botocore.exceptions
import botocore.parsers
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from ansible_collections.tank.monitoring.plugins.module_utils import (
    _health,
    _http,
    _logs,
    _logsdb,
    _nginx,
    _pm2,
    _secrets,
    _ses,
    _thresholds,
)
from ansible_collections.tank.monitoring.plugins.module_utils._contract import CheckResult
from ansible_collections.tank.monitoring.plugins.module_utils._runner import run_check

STATUSES = ('ok', 'warning', 'unknown', 'critical')

# -- strategies ---------------------------------------------------------------------------------------------

# Text a log line, a config file or a body may hold: every plane, controls and surrogate-free.
any_text = st.text(st.characters(exclude_categories=('Cs',)), max_size=80)
ascii_text = st.text(string.printable, max_size=80)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | any_text
json_scalars = st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) | st.floats() | any_text
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(any_text, inner, max_size=4), max_leaves=12)


def result_for(check):
    return CheckResult(check, _registry_spec(check).catalogue, _thresholds.resolve(check))


def _registry_spec(check):
    from ansible_collections.tank.monitoring.plugins.module_utils._registry import CHECKS
    return CHECKS[check]


def assert_result_shape(data, check):
    """A check's result dict as documented: status, findings with ids of this check, metrics numbers."""
    assert data['check'] == check
    assert data['status'] in STATUSES
    for finding in data['findings']:
        assert finding['id'].startswith(check + '.'), finding
        assert finding['status'] in STATUSES[1:]
        assert isinstance(finding['message'], str) and finding['message']
        assert finding['remedy'] and finding['guide_section']
        # 'error' is what the runner makes of an exception inside the check: a traceback in disguise.
        assert finding['id'] != check + '.error', finding
    json.dumps(data, allow_nan=True)  # serializable as the module returns it


# -- PM2: pm2 jlist ----------------------------------------------------------------------------------------

pm2_env_values = st.fixed_dictionaries({}, optional={
    'status': json_values, 'restart_time': json_values, 'unstable_restarts': json_values,
    'pm_uptime': json_values, 'pm_id': json_values, 'name': json_values,
    'pm_out_log_path': json_values, 'pm_err_log_path': json_values, 'SECRET_TOKEN': any_text,
    'env': st.dictionaries(any_text, any_text, max_size=3)})
pm2_items = st.fixed_dictionaries({}, optional={
    'name': json_values, 'pm_id': json_values, 'pid': json_values,
    'pm2_env': pm2_env_values | json_values,
    'monit': st.fixed_dictionaries({}, optional={'memory': json_values, 'cpu': json_values}) | json_values})


def assert_process(process):
    assert set(process) == set(_pm2.PROCESS_FIELDS) | {'invalid'}
    for field in _pm2.NUMERIC_FIELDS:
        value = process[field]
        assert value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                                 and math.isfinite(value)), (field, value)
    assert process['status'] is None or isinstance(process['status'], (str, int, float))
    assert process['pm_id'] is None or isinstance(process['pm_id'], int)
    assert isinstance(process['name'], str)
    assert 'env' not in process and 'SECRET_TOKEN' not in json.dumps(process)


@settings(max_examples=60)
@given(item=pm2_items | st.dictionaries(any_text, json_values, max_size=5))
@example(item={'pm_id': float('inf')})
@example(item={'pm_id': float('nan'), 'pm2_env': {'restart_time': float('inf')}})
def test_reduce_process_keeps_only_finite_numbers(item):
    assert_process(_pm2.reduce_process(item))


@settings(max_examples=40)
@given(items=st.lists(pm2_items, max_size=3), banner=any_text, trailer=any_text)
def test_parse_jlist_reads_the_list_after_any_banner(items, banner, trailer):
    assume('[' not in banner)
    text = banner + '\n' + json.dumps(items) + '\n' + trailer
    processes = _pm2.parse_jlist(text.encode('utf-8', 'surrogatepass'))
    assert processes is not None and len(processes) == len(items)
    for process in processes:
        assert_process(process)


@settings(max_examples=60)
@given(output=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode('utf-8', 'replace'))
       | st.sampled_from([b'[' * 5000, b'[{"pm_id": Infinity}]', b'[{"pid": NaN, "monit": {"cpu": -Infinity}}]',
                          b'[{}, {"pm2_env": [1]}]', b'{"not": "a list"}', b'[' * 100 + b']' * 100]))
def test_parse_jlist_never_raises(output):
    processes = _pm2.parse_jlist(output)
    assert processes is None or isinstance(processes, list)
    for process in processes or []:
        assert_process(process)


# -- logs: timestamps, lines, whole files -----------------------------------------------------------------

timestamp_like = st.from_regex(
    r'\A\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}([.,]\d{1,9})?\s?(Z|[+-]\d{2}:?\d{2})?(: | |)', fullmatch=True)


@settings(max_examples=60)
@given(prefix=timestamp_like | st.just(''), rest=any_text)
@example(prefix='0000-01-01T00:00:00: ', rest='x')
@example(prefix='9999-12-31T23:59:60+99:99 ', rest='x')
def test_parse_timestamp_gives_a_finite_epoch_or_none(prefix, rest):
    stamp, body = _logs.parse_timestamp(prefix + rest)
    assert stamp is None or (isinstance(stamp, float) and math.isfinite(stamp))
    assert isinstance(body, str)
    if stamp is None:
        assert body == prefix + rest
    else:
        assert (prefix + rest).endswith(body)


@settings(max_examples=60)
@given(data=st.binary(max_size=600), block=st.integers(1, 64))
def test_reverse_reader_gives_back_every_line(data, block):
    reader = _logs.ReverseReader(io.BytesIO(data), len(data), max_line=10 ** 6, block=block)
    lines = list(reader)
    assert b'\n'.join(reversed(lines)) == data
    assert reader.bytes_read == len(data)


@settings(max_examples=60)
@given(data=st.binary(max_size=300), max_line=st.integers(1, 50), block=st.integers(1, 32))
def test_reverse_reader_bounds_every_line(data, max_line, block):
    reader = _logs.ReverseReader(io.BytesIO(data), len(data), max_line=max_line, block=block)
    assert all(len(line) <= max_line for line in reader)


def _log_line(now):
    seconds = st.floats(0, 3 * 3600)
    return st.tuples(seconds, st.sampled_from(['Processing job 1', 'Scheduler tick', 'Error: ORA-12514 x',
                                               'password=hunter2 failed', 'ERROR SES throttled', '']),
                     any_text).map(lambda t: '%s: %s %s' % (
                         time.strftime('%Y-%m-%dT%H:%M:%S', time.localtime(now - t[0])), t[1], t[2]))


log_files = st.lists(st.binary(max_size=200) | st.lists(_log_line(time.time()), max_size=8).map(
    lambda lines: '\n'.join(lines).encode('utf-8', 'surrogatepass')), min_size=1, max_size=3)


@settings(max_examples=40)
@given(out=log_files, err=log_files, window=st.floats(0.01, 600), max_line=st.integers(256, 4096))
def test_logs_check_judges_any_bytes(out, err, window, max_line):
    with tempfile.TemporaryDirectory(prefix='tank fuzz $(x) ') as directory:
        paths = {'out': [], 'err': []}
        for stream, contents in (('out', out), ('err', err)):
            for index, data in enumerate(contents):
                # generation 0 is the live log, the others its rotated siblings (worker-out.log.1 ...)
                name = 'worker-%s.log' % stream + ('.%d' % index if index else '')
                path = os.path.join(directory, name)
                with open(path, 'wb') as handle:
                    handle.write(data)
                if not index:
                    paths[stream].append(path)
        params = {'apps': ['worker'], 'pm2_home': directory, 'window_minutes': window, 'max_line_bytes': max_line,
                  'log_files': {'worker': paths['out'] + paths['err']}}
        data = run_check(_logs.SPEC, params, isolated=False)
    assert_result_shape(data, 'logs')
    assert 'hunter2' not in json.dumps(data)


# -- health: bodies ---------------------------------------------------------------------------------------

INDICATOR_FIELDS = {'status': json_values, 'message': json_values, 'error': json_values}
indicator_states = st.fixed_dictionaries({}, optional=INDICATOR_FIELDS) | json_values
health_bodies = st.fixed_dictionaries({}, optional={
    'status': st.sampled_from(['ok', 'error', 'degraded', 'down', 'OK']) | json_values,
    'info': st.dictionaries(any_text, indicator_states, max_size=3) | json_values,
    'error': st.dictionaries(any_text, indicator_states, max_size=3) | json_values,
    'details': st.dictionaries(any_text, indicator_states, max_size=3) | json_values})


@settings(max_examples=60)
@given(body=health_bodies)
def test_failing_indicators_are_named_states(body):
    for name, (state, detail) in _health.failing_indicators(body):
        assert isinstance(name, str) and isinstance(state, str) and state not in ('up', 'ok')
        assert isinstance(detail, dict) and 'status' not in detail


@settings(max_examples=60)
@given(body=health_bodies, status=st.none() | st.integers(100, 599))
def test_judge_body_decides_up_or_names_why_not(body, status):
    result = result_for('health')
    up = _health._judge_body(result, body, 'http://127.0.0.1/api/health', http_status=status)
    data = result.finish().as_dict()
    assert_result_shape(data, 'health')
    if not up:
        assert data['status'] == 'critical'
    if body.get('status') == 'ok' and not _health.failing_indicators(body):
        assert up and not data['findings']


@settings(max_examples=60)
@given(body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()),
       content_type=st.sampled_from(['', 'application/json', 'text/html; charset=utf-8', 'x/\u00e9']))
def test_health_body_parsing_never_raises(body, content_type):
    response = _http.Response('http://127.0.0.1/api/health', status=200, headers={'content-type': content_type},
                              body=body)
    parsed, error = _health._parse_json(response)
    assert (error is None) != (parsed is None and error is not None) or parsed is None
    assert error is None or isinstance(error, str)
    assert isinstance(_health._describe_body(response), str)


# -- nginx: stub_status, nginx -T ---------------------------------------------------------------------------

counters = st.integers(0, 2 ** 63)


@settings(max_examples=60)
@given(values=st.tuples(counters, counters, counters, counters, counters, counters, counters),
       space=st.sampled_from([' ', '  ', '\t', '\n', ' \r\n']))
def test_stub_status_round_trip(values, space):
    active, accepts, handled, requests, reading, writing, waiting = values
    text = ('Active connections: %d %sserver accepts handled requests\n %d %d %d %sReading: %d Writing: %d '
            'Waiting: %d %s' % (active, space, accepts, handled, requests, space, reading, writing, waiting, space))
    assert _nginx.parse_stub_status(text) == dict(active=active, accepts=accepts, handled=handled, requests=requests,
                                                  reading=reading, writing=writing, waiting=waiting)


STUB_ALPHABET = 'Active connections:server accepts handled requests Reading:Writing:Waiting: 0123456789\n\u0663\u00b2'


@settings(max_examples=60)
@given(text=any_text | st.text(alphabet=STUB_ALPHABET, max_size=200))
def test_stub_status_of_anything_is_counters_or_none(text):
    counters_read = _nginx.parse_stub_status(text)
    assert counters_read is None or all(isinstance(v, int) and v >= 0 for v in counters_read.values())


listen_args = st.one_of(
    st.integers(0, 99999).map(str),
    st.tuples(st.sampled_from(['127.0.0.1', '[::]', '[::1]', 'localhost', '*', '']), st.integers(0, 99999)).map(
        lambda t: '%s:%d' % t),
    st.sampled_from(['unix:/run/x.sock', '"8080"', "'[::]:443'", '\u00b2', '\u0663', '[::]:\u00b2', 'x:\u00b9\u00b2',
                     '[', ']:', ':']),
    any_text.filter(lambda t: t.strip() and ';' not in t and '#' not in t))


@settings(max_examples=60)
@given(value=listen_args)
@example(value='\u00b2')
@example(value='[::]:\u00b2')
@example(value='host:\u00b9')
def test_listen_port_is_a_port_or_none(value):
    port = _nginx.listen_port(value)
    assert port is None or (isinstance(port, int) and port >= 0)


directives = st.tuples(st.sampled_from(['listen', 'root', 'user', 'pid', 'server', 'location', 'include', 'x']),
                       st.lists(listen_args | any_text, max_size=3)).map(lambda t: ' '.join([t[0]] + t[1]) + ';')
DUMP_LINES = ['server {', '}', '# comment listen 1;', '# configuration file /etc/nginx/x.conf:']
nginx_dumps = st.lists(directives | any_text | st.sampled_from(DUMP_LINES), max_size=20).map('\n'.join)


@settings(max_examples=60)
@given(text=nginx_dumps)
def test_parse_config_of_any_dump(text):
    parsed = _nginx.parse_config(text)
    assert set(parsed) == {'ports', 'roots', 'user', 'pid'}
    assert all(isinstance(p, int) for p in parsed['ports']) and len(set(parsed['ports'])) == len(parsed['ports'])
    assert all(isinstance(r, str) and '$' not in r for r in parsed['roots'])


# -- SES / CloudWatch answers and errors ------------------------------------------------------------------

error_codes = st.sampled_from(sorted(_ses.INVALID_KEY_CODES | _ses.EXPIRED_CODES | _ses.DENIED_CODES
                                     | _ses.THROTTLING_CODES | _ses.UNAVAILABLE_CODES) + ['400', '500', ''])
error_messages = any_text | st.sampled_from([
    '<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>',
    '{"__type": "com.amazon#AccessDeniedException", "message": "no"}', '{"code": "x"', '<Code></Code>',
    'Signature expired: 20260101T000000Z is now earlier than ...'])
client_errors = st.builds(
    lambda code, message, status, op, extra: botocore.exceptions.ClientError(
        {'Error': dict({'Code': code, 'Message': message}, **extra),
         'ResponseMetadata': {'HTTPStatusCode': status}}, op),
    error_codes | any_text | st.integers().map(str), error_messages, st.none() | st.integers(100, 599),
    st.sampled_from(['GetSendQuota', 'GetMetricData', '']),
    st.dictionaries(st.sampled_from(['Type', 'Detail']), any_text, max_size=1))
other_errors = st.one_of(
    st.builds(botocore.parsers.ResponseParserError, any_text | st.sampled_from([
        '<html><title>404 Not Found</title></html>', '<h1>\u0665\u0660\u0661 x</h1>', 'HTTP/1.1 501 Not Impl',
        'HTTP/2 503'])),
    st.builds(lambda url: botocore.exceptions.EndpointConnectionError(endpoint_url=url), any_text),
    st.builds(lambda url: botocore.exceptions.ReadTimeoutError(endpoint_url=url), any_text),
    st.just(botocore.exceptions.NoCredentialsError()),
    st.builds(ValueError, any_text))


@settings(max_examples=60)
@given(exc=client_errors | other_errors)
def test_classify_any_botocore_error(exc):
    kind, code, text = _ses.classify(exc)
    assert kind in (_ses.INVALID, _ses.EXPIRED, _ses.DENIED, _ses.THROTTLED, _ses.UNAVAILABLE, _ses.UNREACHABLE,
                    _ses.NO_CREDENTIALS, _ses.ERROR)
    assert isinstance(code, str) and isinstance(text, str)


now_utc = datetime.datetime.now(datetime.timezone.utc)
stamps = st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1),
                      timezones=st.just(datetime.timezone.utc))
doubles = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([-1.0, 0.0, 50000.0, 14.0])
counts = st.integers(0, 2 ** 40)
ses_answers = st.fixed_dictionaries({
    'get_send_quota': st.fixed_dictionaries({}, optional={'Max24HourSend': doubles, 'SentLast24Hours': doubles,
                                                          'MaxSendRate': doubles}),
    'get_send_statistics': st.fixed_dictionaries({}, optional={'SendDataPoints': st.lists(
        st.fixed_dictionaries({}, optional={'Timestamp': stamps | st.just(now_utc), 'DeliveryAttempts': counts,
                                            'Bounces': counts, 'Complaints': counts, 'Rejects': counts}),
        max_size=5)}),
    'get_account': st.fixed_dictionaries({}, optional={
        'SendingEnabled': st.booleans(), 'ProductionAccessEnabled': st.booleans(),
        'EnforcementStatus': st.sampled_from(['HEALTHY', 'PROBATION', 'SHUTDOWN', '']) | any_text}),
    'get_account_sending_enabled': st.fixed_dictionaries({}, optional={'Enabled': st.booleans()}),
    'get_metric_data': st.fixed_dictionaries({}, optional={'MetricDataResults': st.lists(st.fixed_dictionaries(
        {'Id': st.sampled_from(['bounce', 'complaint', 'send_minute', 'send', 'reject'])},
        optional={'Timestamps': st.lists(stamps | st.just(now_utc), max_size=4),
                  'Values': st.lists(doubles, max_size=4)}), max_size=6)}),
})


class FakeApi(object):
    """Answers each SES/CloudWatch call with a generated answer, or raises what classify makes of a
    generated botocore error: the check's parsing of answers, not the HTTP layer (tests/functional/test_ses.py)."""

    def __init__(self, answers, failures):
        self.answers = answers
        self.failures = failures

    def call(self, service, operation, action, **kwargs):
        if operation in self.failures:
            kind, code, text = _ses.classify(self.failures[operation])
            raise _ses.ApiFailure(kind, code, text, action)
        return self.answers[operation]


@settings(max_examples=60)
@given(answers=ses_answers,
       failures=st.dictionaries(st.sampled_from(['get_send_quota', 'get_send_statistics', 'get_account',
                                                 'get_account_sending_enabled', 'get_metric_data']),
                                client_errors | other_errors, max_size=2),
       params=st.fixed_dictionaries({}, optional={
           'worker_send_rate': st.floats(0, 1e6), 'forecast_window_minutes': st.integers(1, 20160),
           'send_rate_window_minutes': st.integers(1, 20160), 'reputation_window_hours': st.integers(1, 336),
           'min_sends': st.integers(0, 10 ** 6)}))
def test_ses_answers_are_judged(answers, failures, params):
    result = result_for('ses')
    settings_ = {'access_key': 'AKIAFUZZFUZZFUZZFUZZ', 'origin': 'the module options'}
    context = _ses._Context(result, settings_, 'eu-west-1', ['fuzz-secret'])
    api = FakeApi(answers, failures)
    try:
        quota = _ses._quota(api, context, params)
        statistics = _ses._statistics(api, context, params, quota)
        _ses._account(api, context)
        cloudwatch = _ses._cloudwatch(api, context, params)
        _ses._measured_rate(context, params, quota, cloudwatch)
        _ses._reputation(context, params, statistics, cloudwatch)
    except _ses._Stop:
        pass
    assert_result_shape(result.finish().as_dict(), 'ses')


# -- thresholds ---------------------------------------------------------------------------------------------

threshold_checks = st.sampled_from(sorted(_thresholds.DEFAULTS) + ['unknown_check'])
levels = st.none() | st.booleans() | st.integers() | st.floats() | any_text | st.lists(st.integers(), max_size=2)


@st.composite
def threshold_overrides(draw):
    check = draw(threshold_checks)
    names = sorted(_thresholds.DEFAULTS.get(check, {})) or ['x']
    # Overrides arrive as JSON (inventory through module arguments): string keys.
    key = st.sampled_from(names) | any_text
    entry = st.dictionaries(st.sampled_from(['warning', 'critical']) | any_text, levels, max_size=3)
    overrides = draw(st.none() | st.dictionaries(key, entry | levels, max_size=3) | json_values)
    return check, overrides


@settings(max_examples=60)
@given(case=threshold_overrides())
@example(case=('logs', {'': {'warning': 1}, 'a': {}}))
@example(case=('resources', {'cpu_busy_percent': {'warning': '1e400'}}))
def test_resolve_gives_thresholds_or_a_clear_error(case):
    check, overrides = case
    try:
        resolved = _thresholds.resolve(check, overrides)
    except _thresholds.ThresholdError as exc:
        assert str(exc)
        return
    for threshold in resolved.values():
        for level in (threshold.warning, threshold.critical):
            assert level is None or (isinstance(level, (int, float)) and math.isfinite(level) and level >= 0)


# -- Logs DB: rows of any SQLite type --------------------------------------------------------------------------

sql_values = (st.none() | st.integers(-2 ** 63, 2 ** 63 - 1) | st.floats(allow_nan=False) | any_text
              | st.binary(max_size=20))
moments = st.floats(-3 * 86400, 3600).map(lambda s: (datetime.datetime.now() + datetime.timedelta(seconds=s)).strftime(
    '%Y-%m-%d %H:%M:%S'))
time_values = moments | sql_values
statuses = st.sampled_from(['SUCCESS', 'FAIL', 'FAILED', 'ERROR', 'NOT_FOUND', 'INVALID', 'DUPLICATED', 'SENT'])
modules = st.sampled_from(['DBIO', 'TEMPLATE', 'SES', 'WORKER', 'dbio', ''])


def _rows(columns):
    return st.lists(st.tuples(*columns), max_size=8)


logsdb_rows = st.fixed_dictionaries({
    'auto_run_log': _rows([sql_values, statuses | sql_values, time_values, time_values]),
    'email_send_log': _rows([statuses | sql_values, time_values]),
    'attachment_log': _rows([statuses | sql_values, time_values]),
    'system_error_log': _rows([modules | sql_values, any_text | sql_values, time_values]),
    'template_log': _rows([statuses | sql_values, sql_values, any_text | sql_values, time_values]),
})
SCHEMA = {
    'auto_run_log': ('AUTO_RUN_LOG', ('RUN_ID', 'STATUS', 'START_AT', 'END_AT')),
    'email_send_log': ('EMAIL_SEND_LOG', ('STATUS', 'SENT_AT')),
    'attachment_log': ('ATTACHMENT_LOG', ('STATUS', 'LOGGED_AT')),
    'system_error_log': ('SYSTEM_ERROR_LOG', ('MODULE', 'MESSAGE', 'LOGGED_AT')),
    'template_log': ('TEMPLATE_LOG', ('STATUS', 'TEMPLATE_ID', 'MESSAGE', 'LOGGED_AT')),
}


def test_fuzz_schema_matches_the_default_columns():
    """The generated tables hold the columns the check's defaults query (else every query just fails)."""
    for key, (table, columns) in SCHEMA.items():
        defaults = _logsdb.DEFAULT_TABLES[key]
        wanted = set(v for n, v in defaults.items() if n.endswith('_column') and v)
        assert wanted <= set(columns), (key, wanted)
        assert defaults['table'].upper() == table


@settings(max_examples=40)
@given(rows=logsdb_rows, timestamps=st.sampled_from(['local', 'utc']))
def test_logsdb_judges_any_rows(rows, timestamps):
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'logs.db')
        with sqlite3.connect(path) as db:
            for key, (table, columns) in SCHEMA.items():
                db.execute('CREATE TABLE %s (%s)' % (table, ', '.join(columns)))
                db.executemany('INSERT INTO %s VALUES (%s)' % (table, ', '.join('?' * len(columns))), rows[key])
        db.close()
        params = {'database': 'sqlite:///' + path, 'timestamps': timestamps, 'min_volume': 0}
        data = run_check(_logsdb.SPEC, params, isolated=False)
    assert_result_shape(data, 'logsdb')
    assert not [f for f in data['findings'] if f['id'] == 'logsdb.query.failed'], data['findings']


# -- the scrubber -------------------------------------------------------------------------------------------

secret_words = st.text(st.characters(exclude_categories=('Cs',)), min_size=3, max_size=12).filter(
    lambda s: s.strip('*') and s not in _secrets.MASK)
credential_texts = st.one_of(
    any_text,
    st.tuples(st.sampled_from(['password=', 'token: ', '"apiKey":"', 'Authorization: Bearer ', 'https://u:',
                               'mon/', 'AKIAIOSFODNN7EXAMPLE ', 'x-api-key=', 'Basic ']),
              st.text(string.ascii_letters + string.digits + '/+=@:._-"\'\\ ', max_size=50)).map(''.join))
nested = st.recursive(st.none() | st.integers() | st.floats() | st.booleans() | credential_texts,
                      lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
                      | st.dictionaries(credential_texts | st.sampled_from(['password', 'db_token', 'name']), inner,
                                        max_size=3), max_leaves=10)


@settings(max_examples=60)
@given(value=nested, secrets=st.lists(secret_words | st.none() | st.integers(), max_size=3))
def test_scrub_never_raises_and_is_idempotent(value, secrets):
    once = _secrets.scrub(value, secrets)
    assert _secrets.scrub(once, secrets) == once


@settings(max_examples=60)
@given(secret=secret_words, before=credential_texts, after=credential_texts)
@example(secret='x**', before='x', after='')
@example(secret='a*b', before='a', after='*b')
def test_scrub_never_shows_a_known_secret(secret, before, after):
    text = before + secret + after
    assert secret not in _secrets.scrub(text, [secret])
    scrubbed = _secrets.scrub({'k': [text, (text,)], 'password': text}, [secret])
    assert secret not in scrubbed['k'][0] and secret not in scrubbed['k'][1][0]
    assert scrubbed['password'] == _secrets.MASK
