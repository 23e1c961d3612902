# -*- coding: utf-8 -*-
"""Unit tests of the probe program's pure parts (its network, cron and alert paths: functional tests)."""

from __future__ import annotations

import importlib.util
import os

import pytest

PROBE = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'roles', 'health_probe', 'files',
                     'tank_health_probe.py')


@pytest.fixture(scope='module')
def probe():
    spec = importlib.util.spec_from_file_location('tank_health_probe', PROBE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('url, parts', [
    ('http://127.0.0.1:3000/api/health', ('http', '127.0.0.1', 3000, '/api/health')),
    ('https://tank.example.com/api/health?x=1', ('https', 'tank.example.com', 443, '/api/health?x=1')),
    ('http://[::1]:8080', ('http', '::1', 8080, '/')),
    ('http://user:pw@host/', ('http', 'host', 80, '/')),
])
def test_split_url(probe, url, parts):
    assert probe.split_url(url) == parts


def test_split_url_rejects_other_schemes(probe):
    with pytest.raises(probe.ProbeError):
        probe.split_url('ftp://host/x')


def test_parse_response_with_chunked_body(probe):
    raw = (b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'
           b'7\r\n{"statu\r\n9\r\ns": "ok"}\r\n0\r\n\r\n')
    status, headers, body = probe.parse_response(raw)
    assert (status, headers['content-type'], body) == (200, 'application/json', b'{"status": "ok"}')


def test_parse_response_rejects_garbage(probe):
    with pytest.raises(probe.ProbeError):
        probe.parse_response(b'SSH-2.0-OpenSSH_9.2\r\n')


def test_transition_alerts_only_on_state_changes(probe):
    state = {}
    events = [probe.transition(state, up, 2, now) for now, up in enumerate([True, False, False, False, True, True])]
    # alert() was not called here, so "down" stays pending until the state records it as alerted.
    assert events == [None, None, 'down', 'down', None, None]
    state = {}
    events = []
    for now, up in enumerate([False, False, True, True]):
        event = probe.transition(state, up, 1, now)
        if event:
            state['alerted'] = 'down' if event == 'down' else 'up'
        events.append(event)
    assert events == ['down', None, 'recovered', None]


def test_render_metrics_escapes_labels(probe):
    text = probe.render_metrics([{'name': 'health', 'url': 'http://h/"x"\\', 'tank_health_probe_up': 0,
                                  'tank_health_probe_latency_seconds': 0.25,
                                  'tank_health_probe_http_status_code': 0,
                                  'tank_health_probe_last_success_timestamp_seconds': 0,
                                  'tank_health_probe_consecutive_failures': 3}], 1700000000.5)
    assert 'tank_health_probe_up{target="health",url="http://h/\\"x\\"\\\\"} 0' in text
    assert text.endswith('tank_health_probe_last_run_timestamp_seconds 1700000000.5\n')
