# -*- coding: utf-8 -*-
"""nginx_check findings not covered by test_nginx.py, each caused for real on a real nginx
(tests/functional/nginx_support.py: own nginx.conf, own prefix, a free loopback port)."""

from __future__ import annotations

import pytest

from health_support import free_port, untimed
from nginx_support import CONF, WORKER_USER

from ansible_collections.tank.monitoring.plugins.module_utils import _nginx

MODULE = 'tank.monitoring.nginx_check'
# For the tests asserting an exact finding list, test_slow_front_page excepted: the front page's latency is
# this loaded 2-core machine's, so its limits are put out of reach (over request_timeout).
UNTIMED = untimed('front_page_latency_seconds')


def ids(result):
    return sorted(f['id'] for f in result['findings'])


def only(result, finding_id):
    found = [f for f in result['findings'] if f['id'] == finding_id]
    assert len(found) == 1, 'not one %s in %r' % (finding_id, result['findings'])
    assert found[0]['remedy'] == _nginx.CATALOGUE[finding_id[len('nginx.'):]].remedy
    return found[0]


def conf(site, replace):
    """The site's nginx.conf with the ``{old: new}`` text replacements made."""
    text = CONF.format(user=WORKER_USER, prefix=site.prefix, port=site.port, root=site.root)
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.mark.finding('nginx.config.untested')
def test_nginx_binary_not_found_leaves_the_config_untested(run_module, site):
    site.start()
    result, _run = run_module(MODULE, site.module_args(binary='nginx-not-installed', thresholds=UNTIMED))
    finding = only(result, 'nginx.config.untested')
    assert finding['status'] == 'unknown' and "'nginx-not-installed' was not found" in finding['message']
    assert ids(result) == ['nginx.config.untested']  # the running nginx itself is still judged: fine


@pytest.mark.finding('nginx.front_page.not_html')
def test_front_page_served_as_plain_text(run_module, site):
    # A location that empties the types of index.html (a mistyped `types {}` block).
    site.write_conf(conf(site, {'location = /nginx_status': (
        'location = /index.html { types { } default_type text/plain; }\n        location = /nginx_status')}))
    site.start()
    result, _run = run_module(MODULE, site.module_args(thresholds=UNTIMED))
    finding = only(result, 'nginx.front_page.not_html')
    assert finding['status'] == 'critical' and finding['value'] == 'text/plain'
    assert ids(result) == ['nginx.front_page.not_html']


@pytest.mark.finding('nginx.front_page.asset_content_type')
def test_script_served_as_plain_text(run_module, site):
    site.write_conf(conf(site, {'location = /nginx_status': (
        'location /static/js/ { types { } default_type text/plain; }\n        location = /nginx_status')}))
    site.start()
    result, _run = run_module(MODULE, site.module_args(thresholds=UNTIMED))
    finding = only(result, 'nginx.front_page.asset_content_type')
    assert finding['status'] == 'warning' and finding['value'] == 'text/plain'
    assert finding['subject'].startswith('/static/js/main.')
    assert ids(result) == ['nginx.front_page.asset_content_type']


@pytest.mark.finding('nginx.front_page.latency')
def test_slow_front_page(run_module, site):
    # nginx sends the page at 100 bytes/s: the ~330-byte index.html takes about 3 s (limit 2 s).
    site.write_conf(conf(site, {'location = /nginx_status': (
        'location = /index.html { limit_rate_after 0; limit_rate 100; }\n        location = /nginx_status')}))
    site.start()
    result, _run = run_module(MODULE, site.module_args())
    finding = only(result, 'nginx.front_page.latency')
    assert finding['status'] == 'warning'
    assert finding['value'] == result['metrics']['front_page_latency_seconds'] >= 2.0
    assert ids(result) == ['nginx.front_page.latency']


@pytest.mark.finding('nginx.port.not_listening')
def test_config_edited_to_a_new_port_but_not_reloaded(run_module, site):
    site.start()
    new_port = free_port()
    site.write_conf(conf(site, {'listen 127.0.0.1:%d' % site.port: 'listen 127.0.0.1:%d' % new_port}))
    result, _run = run_module(MODULE, site.module_args())
    finding = only(result, 'nginx.port.not_listening')
    assert finding['status'] == 'critical' and finding['value'] == new_port
    assert 'pid %d' % site.pid in finding['message']


@pytest.mark.finding('nginx.stub_status.unreachable')
def test_status_url_where_nothing_listens(run_module, site):
    site.start()
    status_url = 'http://127.0.0.1:%d/nginx_status' % free_port()
    result, _run = run_module(MODULE, site.module_args(status_url=status_url, thresholds=UNTIMED))
    finding = only(result, 'nginx.stub_status.unreachable')
    assert finding['status'] == 'unknown' and 'refused' in finding['message']
    assert ids(result) == ['nginx.stub_status.unreachable']


@pytest.mark.finding('nginx.port.unverified')
def test_a_port_held_by_a_process_the_user_cannot_see_is_unverified(run_module, site, unprivileged):
    site.start()  # root's nginx: its listening socket belongs to processes of root
    args = site.module_args(listen_ports=[site.port], thresholds=UNTIMED)
    # As root the check sees nginx's own socket on the port: nothing to report.
    assert run_module(MODULE, args)[0]['findings'] == []
    # An unprivileged user sees the socket listening (/proc/net/tcp) but not which process owns it.
    result, _run = run_module(MODULE, args, task_extra=unprivileged.task_extra())
    assert not result.get('failed'), result.get('msg')
    unverified = only(result, 'nginx.port.unverified')
    assert unverified['status'] == 'unknown' and unverified['reason'] == 'permission_denied'
    assert unverified['subject'] == str(site.port)
    assert unverified['message'] == 'Port %d is held by a process this user cannot identify.' % site.port
    # nginx -t cannot open root's pid file either: the configuration is untested, for that same reason.
    assert ids(result) == ['nginx.config.untested', 'nginx.port.unverified']
    assert 'Permission denied' in only(result, 'nginx.config.untested')['message']
    assert result['metrics']['master_pid'] == site.pid  # the master was found: only the socket's owner is unseen
    assert result['status'] == 'unknown' and result['changed'] is False
