# -*- coding: utf-8 -*-
"""health_check findings not covered by test_health.py, each caused for real:

- ``health.request.connection``: a real loopback server that accepts the connection and closes it
  before any answer (a backend crashing on every request, a proxy dropping the connection);
- ``health.request.dns``: a host name under ``.invalid`` (RFC 6761: never resolves), the name the
  oracle tests use too.
"""

from __future__ import annotations

import pytest

from oracle_support import closing_handler, loopback_server

from ansible_collections.tank.monitoring.plugins.module_utils import _health

MODULE = 'tank.monitoring.health_check'


def only(result, finding_id):
    assert [f['id'] for f in result['findings']] == [finding_id], result['findings']
    finding = result['findings'][0]
    assert finding['remedy'] == _health.CATALOGUE[finding_id[len('health.'):]].remedy
    assert finding['status'] == 'critical'
    return finding


@pytest.mark.finding('health.request.connection')
def test_backend_closing_the_connection_without_an_answer(run_module):
    with loopback_server(closing_handler) as server:
        url = 'http://127.0.0.1:%d/health' % server.port
        result, _run = run_module(MODULE, {'url': url, 'timeout': 10})
        assert server.connections, 'the check never connected'
    finding = only(result, 'health.request.connection')
    assert finding['subject'] == url
    assert 'Request to %s failed' % url in finding['message']


@pytest.mark.finding('health.request.dns')
def test_unresolvable_backend_host(run_module):
    url = 'http://tank-backend.invalid:3000/health'
    # A generous timeout: without a reachable DNS server the resolver itself waits before it fails.
    result, _run = run_module(MODULE, {'url': url, 'timeout': 30})
    finding = only(result, 'health.request.dns')
    assert 'tank-backend.invalid' in finding['message'] and 'cannot be resolved' in finding['message']
