# -*- coding: utf-8 -*-
"""nginx_check against a real nginx (started by hand on a loopback port, own config and prefix)."""

from __future__ import annotations

import os

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _nginx

from health_support import untimed
from nginx_support import CSS, JS, NginxSite, PortHolder

MODULE = 'tank.monitoring.nginx_check'
# For the tests asserting an exact finding list or status: the front page's latency is this loaded 2-core
# machine's, not the nginx state under test, so its limits are put out of reach (over request_timeout).
UNTIMED = untimed('front_page_latency_seconds')


def ids(result):
    return sorted(f['id'] for f in result['findings'])


def finding(result, finding_id, subject=None):
    found = [f for f in result['findings'] if f['id'] == finding_id and (subject is None or f['subject'] == subject)]
    assert found, 'no %s finding in %r' % (finding_id, result['findings'])
    assert found[0]['remedy'] == _nginx.CATALOGUE[finding_id.split('.', 1)[1]].remedy
    return found[0]


def test_healthy_nginx_serving_a_react_build_gives_no_finding(run_module, site):
    site.start()
    result = run_module(MODULE, site.module_args(thresholds=UNTIMED))[0]
    assert result['findings'] == [], result['findings']
    assert result['status'] == 'ok'
    assert result['changed'] is False
    metrics = result['metrics']
    assert metrics['master_pid'] == site.pid
    assert metrics['front_page_assets'] == 2
    assert metrics['connections_active'] >= 1
    assert metrics['web_root_files_checked'][site.root] >= 4


@pytest.mark.finding('nginx.process.not_running', 'nginx.front_page.unavailable')
def test_nginx_stopped(run_module, site):
    site.start()
    site.stop()
    result = run_module(MODULE, site.module_args())[0]
    assert result['status'] == 'critical'
    finding(result, 'nginx.process.not_running')
    unavailable = finding(result, 'nginx.front_page.unavailable')
    assert 'refused' in unavailable['message']
    assert 'nginx -t' in result['findings'][0]['remedy'] or any('nginx -t' in f['remedy'] for f in result['findings'])


def test_another_nginx_running_does_not_count_for_this_configuration(run_module, site):
    other = NginxSite()
    try:
        other.start()
        result = run_module(MODULE, site.module_args())[0]
        finding(result, 'nginx.process.not_running')
        assert 'master_pid' not in result['metrics']
    finally:
        other.cleanup()


@pytest.mark.finding('nginx.config.invalid')
def test_broken_config_is_reported_without_reloading(run_module, site):
    site.start()
    pid = site.pid
    with open(site.conf) as handle:
        good = handle.read()
    site.write_conf(good.replace('worker_connections 64;', 'worker_connections 64; bogus_directive on;'))
    result = run_module(MODULE, site.module_args())[0]
    invalid = finding(result, 'nginx.config.invalid')
    assert '[emerg]' in invalid['message'] and 'bogus_directive' in invalid['message']
    assert 'nginx -s reload' in invalid['remedy']
    assert result['status'] == 'critical'
    # The running nginx is untouched: same master, still serving the old configuration.
    assert site.pid == pid
    assert 'nginx.process.not_running' not in ids(result)


@pytest.mark.finding('nginx.front_page.asset_missing')
def test_deleted_asset_answered_by_the_index_fallback(run_module, site):
    site.start()
    os.unlink(site.asset(JS))
    result = run_module(MODULE, site.module_args(thresholds=UNTIMED))[0]
    missing = finding(result, 'nginx.front_page.asset_missing', subject=JS)
    assert 'index.html fallback' in missing['message']
    assert 'not found under %s' % site.root in missing['message']
    assert ids(result) == ['nginx.front_page.asset_missing']
    assert result['status'] == 'critical'


@pytest.mark.finding('nginx.front_page.asset_empty')
def test_emptied_asset(run_module, site):
    site.start()
    open(site.asset(CSS), 'w').close()
    result = run_module(MODULE, site.module_args(thresholds=UNTIMED))[0]
    finding(result, 'nginx.front_page.asset_empty', subject=CSS)
    assert ids(result) == ['nginx.front_page.asset_empty']


@pytest.mark.finding('nginx.web_root.unreadable')
def test_web_root_unreadable_by_the_worker_user(run_module, site):
    site.start()
    os.chmod(site.root, 0o700)  # owned by root: www-data can no longer enter it
    result = run_module(MODULE, site.module_args())[0]
    unreadable = finding(result, 'nginx.web_root.unreadable', subject=site.root)
    assert 'www-data' in unreadable['message']
    forbidden = finding(result, 'nginx.front_page.unavailable')
    assert forbidden['value'] == 403
    assert result['status'] == 'critical'


@pytest.mark.finding('nginx.port.conflict')
def test_another_process_holding_the_port_is_named(run_module, site):
    holder = PortHolder(site.port)
    try:
        started = site.start(check=False)
        assert started.returncode != 0  # nginx cannot bind: the conflict is real
        # The holder accepts connections but never answers HTTP: each request is cut at 2 s.
        result = run_module(MODULE, site.module_args(request_timeout=2))[0]
    finally:
        holder.stop()
    conflict = finding(result, 'nginx.port.conflict', subject=str(site.port))
    assert 'python3 (pid %d)' % holder.proc.pid in conflict['message']
    finding(result, 'nginx.process.not_running')
    assert result['status'] == 'critical'
    # The requests to the holder time out one by one instead of using up the whole check budget.
    assert 'No answer' in finding(result, 'nginx.front_page.unavailable')['message']
    assert result['duration_seconds'] < 2 * 2 + 2


@pytest.mark.finding('nginx.stub_status.unparsable')
def test_status_url_that_is_not_stub_status_is_unknown_with_the_reason(run_module, site):
    site.start()
    result = run_module(MODULE, site.module_args(status_url=site.url('/not_status'), thresholds=UNTIMED))[0]
    unparsable = finding(result, 'nginx.stub_status.unparsable')
    assert 'hello from the app' in unparsable['message']
    assert ids(result) == ['nginx.stub_status.unparsable']
    assert result['status'] == 'unknown'
    assert 'connections_active' not in result['metrics']


def test_check_mode_changes_nothing(run_module, site):
    site.start()
    result = run_module(MODULE, site.module_args(thresholds=UNTIMED), check=True)[0]
    assert result['status'] == 'ok'
    assert result['changed'] is False


def test_audit_report_shows_health_and_nginx_for_backend_and_frontend_hosts(tmp_path, site):
    """The audit role runs health for tank_backend and nginx for tank_frontend, into audit.json."""
    import json

    from conftest import REPO, run_playbook
    from health_support import Backend

    site.start()
    with Backend('terminus_db_down') as backend:
        inventory = tmp_path / 'hosts.yml'
        host = {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'}
        inventory.write_text(json.dumps({'all': {
            'children': {'tank_backend': {'hosts': {'localhost': host}}, 'tank_frontend': {'hosts': {'localhost': {}}}},
            'vars': {'audit_checks_by_group': {'tank_frontend': ['nginx'], 'tank_backend': ['health']},
                     'audit_options': {
                         'health': {'url': backend.url()},
                         'nginx': {'config': site.conf, 'prefix': site.prefix, 'front_page_url': site.url('/'),
                                   'status_url': site.url('/nginx_status'), 'thresholds': UNTIMED}}}}}))
        report_dir = tmp_path / 'reports'
        run = run_playbook(os.path.join(REPO, 'playbooks', 'audit.yml'), inventory=str(inventory),
                           extra_vars={'audit_report_dir': str(report_dir)}, check=True)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((report_dir / 'audit.json').read_text())
    checks = report['hosts']['localhost']['checks']
    assert set(checks) == {'health', 'nginx'}
    assert checks['nginx']['status'] == 'ok', checks['nginx']
    assert checks['health']['status'] == 'critical'
    assert 'health.indicator.down' in [f['id'] for f in checks['health']['findings']]
    summary = (report_dir / 'summary.txt').read_text()
    assert 'health.indicator.down' in summary
