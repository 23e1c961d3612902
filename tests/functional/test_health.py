# -*- coding: utf-8 -*-
"""health_check against real HTTP backends on 127.0.0.1 (tests/functional/health_support.py).

What Terminus answers comes from a real NestJS app with the real @nestjs/terminus (NestApp, one Node
process for the module, its `database` indicator switched per test); a plain http.server stands for
what is not Terminus (proxy error pages, wrong statuses, a hung socket, TLS).
"""

from __future__ import annotations

import ssl
import subprocess
import time

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _health
from ansible_collections.tank.monitoring.plugins.module_utils._runner import run_check

from health_support import Backend, NestApp, free_port, untimed

MODULE = 'tank.monitoring.health_check'
# For the tests not about latency: a healthy local answer can take over a second on the loaded 2-core test
# machine, so the latency limits are put out of reach (over the request timeout) and only the answer is judged.
UNTIMED = untimed('latency_seconds')


@pytest.fixture
def backend():
    started = []

    def _start(mode='ok', delay=2.0, ssl_context=None):
        server = Backend(mode, delay, ssl_context).start()
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()


@pytest.fixture(scope='module')
def nest_app():
    app = NestApp().start()
    yield app
    app.stop()


@pytest.fixture
def nest(nest_app):
    """The NestJS app with a healthy database indicator (each test switches it as it needs)."""
    nest_app.set_database('up')
    return nest_app


def ids(result):
    return sorted(f['id'] for f in result['findings'])


def only(result, finding_id):
    found = [f for f in result['findings'] if f['id'] == finding_id]
    assert found, 'no %s finding in %r' % (finding_id, result['findings'])
    finding = found[0]
    local = finding_id.split('.', 1)[1]
    assert finding['remedy'] == _health.CATALOGUE[local].remedy
    return finding


def test_healthy_nest_app_gives_no_finding(run_module, nest):
    result = run_module(MODULE, {'url': nest.url(), 'thresholds': UNTIMED})[0]
    assert result['status'] == 'ok', result
    assert result['findings'] == []
    assert result['changed'] is False
    assert result['metrics']['up'] == 1
    assert result['metrics']['http_status'] == 200


def test_healthy_nest_app_with_an_assertion_on_the_terminus_body(run_module, nest):
    result = run_module(MODULE, {'url': nest.url(), 'thresholds': UNTIMED,
                                 'assertions': ["details.database.status == 'up'", "info.storage.status == 'up'"]})[0]
    assert result['status'] == 'ok', result


def test_plain_status_ok_body_gives_no_finding(run_module, backend):
    """A backend without Terminus answering the guide's bare {"status": "ok"} is healthy too."""
    server = backend('ok')
    result = run_module(MODULE, {'url': server.url(), 'thresholds': UNTIMED})[0]
    assert result['status'] == 'ok', result
    assert result['findings'] == []


@pytest.mark.finding('health.request.refused')
def test_backend_stopped_is_refused_and_names_pm2(run_module):
    url = 'http://127.0.0.1:%d/api/health' % free_port()
    result = run_module(MODULE, {'url': url})[0]
    assert result['status'] == 'critical'
    finding = only(result, 'health.request.refused')
    assert 'pm2 status' in finding['remedy']
    assert 'refused' in finding['message']
    assert result['metrics']['up'] == 0


@pytest.mark.finding('health.request.timeout')
def test_backend_that_never_answers_is_bounded_by_the_timeout(run_module, backend):
    server = backend('hang')
    result = run_module(MODULE, {'url': server.url(), 'timeout': 3})[0]
    assert result['status'] == 'critical'
    only(result, 'health.request.timeout')
    assert result['duration_seconds'] <= 3 + 1


def test_never_answering_backend_in_process_returns_within_timeout_plus_one_second(backend):
    server = backend('hang')
    params = dict((k, v.get('default')) for k, v in _health.ARGUMENT_SPEC.items())
    params['url'] = server.url()
    started = time.monotonic()
    data = run_check(_health.SPEC, dict(params, timeout=2.0))
    elapsed = time.monotonic() - started
    assert elapsed <= 2.0 + 1.0
    assert data['status'] == 'critical'
    assert [f['id'] for f in data['findings']] == ['health.request.timeout']


@pytest.mark.finding('health.response.status_code')
def test_http_500_is_a_wrong_status_code(run_module, backend):
    server = backend('error500')
    result = run_module(MODULE, {'url': server.url(), 'thresholds': UNTIMED})[0]
    assert result['status'] == 'critical'
    finding = only(result, 'health.response.status_code')
    assert finding['value'] == 500
    assert ids(result) == ['health.response.status_code']


@pytest.mark.finding('health.response.status_not_ok')
def test_status_error_body_is_not_ok(run_module, backend):
    server = backend('status_error')
    result = run_module(MODULE, {'url': server.url(), 'thresholds': UNTIMED})[0]
    assert result['status'] == 'critical'
    finding = only(result, 'health.response.status_not_ok')
    assert finding['value'] == 'error'
    assert ids(result) == ['health.response.status_not_ok']


@pytest.mark.finding('health.response.status_code')
def test_proxy_502_error_page_is_a_wrong_status_code(run_module, backend):
    """A proxy's 502 page names no indicator: the status code is the finding, the page described."""
    server = backend('bad_gateway')
    result = run_module(MODULE, {'url': server.url(), 'thresholds': UNTIMED})[0]
    assert result['status'] == 'critical'
    finding = only(result, 'health.response.status_code')
    assert finding['value'] == 502
    assert 'HTML page' in finding['message']
    assert ids(result) == ['health.response.status_code']


@pytest.mark.finding('health.response.not_json')
def test_html_page_with_200_is_not_json(run_module, backend):
    server = backend('html')
    result = run_module(MODULE, {'url': server.url(), 'thresholds': UNTIMED})[0]
    assert result['status'] == 'critical'
    finding = only(result, 'health.response.not_json')
    assert 'HTML page' in finding['message']
    assert ids(result) == ['health.response.not_json']


@pytest.mark.finding('health.indicator.down')
def test_nest_database_down_is_one_indicator_finding_naming_it(run_module, nest):
    nest.set_database('down')
    status, body = nest.get()
    assert status == 503 and body['status'] == 'error' and body['error']['database']['status'] == 'down'
    result = run_module(MODULE, {'url': nest.url(), 'thresholds': UNTIMED})[0]
    assert result['status'] == 'critical'
    finding = only(result, 'health.indicator.down')
    assert finding['status'] == 'critical'
    assert finding['subject'] == 'database'
    assert 'ORA-12514' in finding['message'] and 'HTTP 503' in finding['message']
    # Terminus's own 503 is explained by the indicator: no second (status code) finding, and the
    # storage indicator (up) is not reported.
    assert ids(result) == ['health.indicator.down']
    assert result['metrics']['up'] == 0
    assert result['metrics']['http_status'] == 503


@pytest.mark.finding('health.indicator.degraded')
def test_nest_degraded_indicator_is_a_warning_with_its_own_id(run_module, nest):
    nest.set_database('degraded')
    status, body = nest.get()
    # What @nestjs/terminus really answers for a degraded indicator: 200, overall "degraded", under info.
    assert status == 200 and body['status'] == 'degraded'
    assert body['info']['database']['status'] == 'degraded' and body['error'] == {}
    result = run_module(MODULE, {'url': nest.url(), 'thresholds': UNTIMED})[0]
    assert result['status'] == 'warning', result
    finding = only(result, 'health.indicator.degraded')
    assert finding['status'] == 'warning'
    assert finding['subject'] == 'database'
    assert finding['value'] == 'degraded'
    assert 'connection pool saturated' in finding['message']
    assert ids(result) == ['health.indicator.degraded']
    assert result['metrics']['up'] == 1
    assert result['metrics']['http_status'] == 200


@pytest.mark.finding('health.response.latency')
def test_nest_slow_database_over_the_warning_threshold(run_module, nest):
    nest.set_database('slow', delay=1.3)
    result = run_module(MODULE, {'url': nest.url(), 'timeout': 10})[0]
    assert result['status'] == 'warning', result
    finding = only(result, 'health.response.latency')
    assert finding['value'] >= 1.0
    assert finding['threshold']['name'] == 'latency_seconds'
    assert ids(result) == ['health.response.latency']


def test_nest_slow_database_latency_threshold_override_makes_it_critical(run_module, nest):
    nest.set_database('slow', delay=0.6)
    thresholds = {'latency_seconds': {'warning': 0.2, 'critical': 0.5}}
    result = run_module(MODULE, {'url': nest.url(), 'thresholds': thresholds})[0]
    assert result['status'] == 'critical'
    finding = only(result, 'health.response.latency')
    assert finding['status'] == 'critical'


@pytest.mark.finding('health.request.timeout')
def test_nest_database_slower_than_the_timeout_is_a_timeout(run_module, nest):
    nest.set_database('slow', delay=6)
    result = run_module(MODULE, {'url': nest.url(), 'timeout': 2})[0]
    assert result['status'] == 'critical'
    only(result, 'health.request.timeout')
    assert ids(result) == ['health.request.timeout']
    assert result['duration_seconds'] <= 2 + 1


@pytest.mark.finding('health.assertion.failed')
def test_failed_assertion(run_module, nest):
    result = run_module(MODULE, {'url': nest.url(), 'assertions': ['details.oracle']})[0]
    assert result['status'] == 'critical'
    finding = only(result, 'health.assertion.failed')
    assert finding['subject'] == 'details.oracle'


def test_token_and_password_never_reach_the_output(run_module, backend):
    server = backend('error500')
    token = 'tok-SECRET-4242'
    result, run = run_module(MODULE, {'url': server.url(), 'token': token}, verbosity=3)
    assert server.requests[0]['headers']['Authorization'] == 'Bearer %s' % token
    assert token not in run.stdout and token not in run.stderr
    password = 'pw-SECRET-4343'
    result, run = run_module(MODULE, {'url': server.url(), 'url_username': 'ops', 'url_password': password},
                             verbosity=3)
    assert server.requests[1]['headers']['Authorization'].startswith('Basic ')
    assert password not in run.stdout and password not in run.stderr


def test_credentials_in_the_url_are_not_shown_in_findings(run_module, backend):
    server = backend('error500')
    result = run_module(MODULE, {'url': server.url().replace('http://', 'http://ops:hidden-pw@')})[0]
    assert server.requests[0]['headers']['Authorization'].startswith('Basic ')
    finding = only(result, 'health.response.status_code')
    assert finding['subject'] == server.url().replace('http://', 'http://ops:********@')
    assert 'hidden-pw' not in finding['message']


def test_invalid_options_fail_with_a_message(run_module):
    result = run_module(MODULE, {'url': 'ftp://example.invalid/x'})[0]
    assert result.get('failed') is True
    assert 'http://' in result['msg']
    result = run_module(MODULE, {'url': 'http://127.0.0.1:1/', 'assertions': ['details.[']})[0]
    assert result.get('failed') is True
    assert 'JMESPath' in result['msg']


def _self_signed(tmp_path):
    key, cert = tmp_path / 'key.pem', tmp_path / 'cert.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', str(key), '-out', str(cert),
                    '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
                   check=True, capture_output=True)
    return str(cert), str(key)


@pytest.mark.finding('health.request.tls')
def test_tls_untrusted_certificate_then_trusted_with_ca_path(run_module, backend, tmp_path):
    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = backend('ok', ssl_context=context)
    url = server.url()
    result = run_module(MODULE, {'url': url})[0]
    assert result['status'] == 'critical'
    only(result, 'health.request.tls')
    result = run_module(MODULE, {'url': url, 'ca_path': cert, 'thresholds': UNTIMED})[0]
    assert result['status'] == 'ok', result
