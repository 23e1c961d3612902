# -*- coding: utf-8 -*-
"""Unit tests of the health check's pure parts (the network paths are functional tests)."""

from __future__ import annotations

import socket
import ssl
from urllib.error import URLError

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.tank.monitoring.plugins.module_utils import _health, _http
from ansible_collections.tank.monitoring.plugins.module_utils._contract import CheckResult
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, MissingLibrary
from ansible_collections.tank.monitoring.plugins.module_utils._thresholds import resolve


def result():
    return CheckResult(_health.CHECK, _health.CATALOGUE, resolve(_health.CHECK))


def test_failing_indicators_of_a_terminus_body():
    body = {'status': 'error', 'info': {'disk': {'status': 'up'}},
            'error': {'database': {'status': 'down', 'message': 'ORA-12514'}},
            'details': {'disk': {'status': 'up'}, 'database': {'status': 'down', 'message': 'ORA-12514'},
                        'storage': {'status': 'down'}}}
    assert _health.failing_indicators(body) == [('database', ('down', {'message': 'ORA-12514'})),
                                                ('storage', ('down', {}))]


def test_indicator_findings_name_each_failing_indicator():
    res = result()
    healthy = _health._judge_body(res, {'status': 'error', 'details': {'db': {'status': 'down', 'error': 'x'}}}, 'u')
    assert healthy is False
    assert [(f['id'], f['subject']) for f in res.findings] == [('health.indicator.down', 'db')]


def test_degraded_indicator_is_a_warning_with_its_own_id():
    # What @nestjs/terminus answers (HTTP 200) when an indicator returns session.degraded(...).
    body = {'status': 'degraded',
            'info': {'database': {'status': 'degraded', 'message': 'pool saturated'}, 'storage': {'status': 'up'}},
            'error': {},
            'details': {'database': {'status': 'degraded', 'message': 'pool saturated'}, 'storage': {'status': 'up'}}}
    res = result()
    assert _health._judge_body(res, body, 'u', http_status=200) is True
    assert [(f['id'], f['status'], f['subject'], f['value']) for f in res.findings] == [
        ('health.indicator.degraded', 'warning', 'database', 'degraded')]
    assert 'pool saturated' in res.findings[0]['message']


def test_down_and_degraded_together_are_each_named():
    body = {'status': 'error', 'info': {'storage': {'status': 'degraded'}},
            'error': {'database': {'status': 'down', 'message': 'ORA-12514'}}}
    res = result()
    assert _health._judge_body(res, body, 'u', http_status=503) is False
    assert sorted((f['id'], f['subject']) for f in res.findings) == [
        ('health.indicator.degraded', 'storage'), ('health.indicator.down', 'database')]
    down = [f for f in res.findings if f['id'] == 'health.indicator.down'][0]
    assert 'HTTP 503' in down['message'] and 'ORA-12514' in down['message']


def test_degraded_status_without_a_named_indicator_is_still_a_warning():
    res = result()
    assert _health._judge_body(res, {'status': 'degraded'}, 'u') is True
    assert [(f['id'], f['status']) for f in res.findings] == [('health.indicator.degraded', 'warning')]


@pytest.mark.parametrize('body, names', [
    ({'status': 'error', 'error': {'database': {'status': 'down'}}}, True),
    ({'status': 'degraded', 'info': {'database': {'status': 'degraded'}}}, False),
    ({'status': 'ok', 'info': {'database': {'status': 'up'}}}, False),
    ({'message': 'Bad Gateway'}, False),
    (None, False),
    (['down'], False),
])
def test_only_a_body_naming_a_down_indicator_explains_an_unexpected_status(body, names):
    assert _health._names_down_indicators(body) is names


@pytest.mark.parametrize('body, healthy', [
    ({'status': 'ok'}, True),
    ({'status': 'OK'}, False),
    ({'state': 'ok'}, False),
])
def test_status_must_be_exactly_ok(body, healthy):
    res = result()
    assert _health._judge_body(res, body, 'u') is healthy
    assert bool(res.findings) is not healthy


@pytest.mark.parametrize('value, passes', [(0, True), (True, True), ('x', True), ([], False), ({}, False), ('', False),
                                           (None, False), (False, False)])
def test_assertions_follow_jmespath_truthiness(value, passes):
    res = result()
    compiled = _health._compile_assertions(['v'])
    assert _health._check_assertions(res, compiled, {'v': value}, 'u') is passes


def test_invalid_assertion_and_url_are_input_errors():
    with pytest.raises(CheckInputError):
        _health._compile_assertions(['a.['])
    with pytest.raises(CheckInputError):
        _health.validate({'url': 'file:///etc/passwd', 'expected_status': [200]})
    with pytest.raises(CheckInputError):
        _health.validate({'url': 'http://x/', 'expected_status': [42]})


def test_missing_jmespath_is_reported_only_when_assertions_are_used(monkeypatch):
    monkeypatch.setattr(_health, 'jmespath', None)
    assert _health._compile_assertions([]) == []
    with pytest.raises(MissingLibrary):
        _health._compile_assertions(['status'])


@pytest.mark.parametrize('exc, kind', [
    (URLError(ConnectionRefusedError(111, 'Connection refused')), _http.REFUSED),
    (URLError(socket.timeout('timed out')), _http.TIMEOUT),
    (socket.timeout('timed out'), _http.TIMEOUT),
    (URLError(socket.gaierror(-2, 'Name or service not known')), _http.DNS),
    (URLError(ssl.SSLCertVerificationError(1, 'certificate verify failed')), _http.TLS),
    (URLError(ConnectionResetError(104, 'reset')), _http.CONNECTION),
])
def test_network_errors_are_put_into_words(exc, kind):
    got, message = _http.describe_error(exc, 'http://u:p@host/api/health', 3.0)
    assert got == kind
    assert 'u:p@' not in message


def test_display_url_masks_the_password():
    assert _http.display_url('https://ops:secret@h:8443/api/health?x=1') == 'https://ops:********@h:8443/api/health?x=1'
    assert _http.display_url('http://h/') == 'http://h/'


def test_module_rejects_a_bad_option_without_traceback(capsys):
    from ansible_collections.tank.monitoring.plugins.modules import health_check
    with patch_module_args({'url': 'http://127.0.0.1:1/', 'expected_status': ['x']}):
        with pytest.raises(SystemExit):
            health_check.main()
    out = capsys.readouterr().out
    assert '"failed": true' in out and 'Traceback' not in out
