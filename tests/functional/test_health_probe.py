# -*- coding: utf-8 -*-
"""The health_probe role and its probe program: real HTTP backends, a real cron daemon, real files.

The alert and metrics logic is exercised by running the installed program directly (as cron would,
with the system Python); one test proves that the cron entry the role writes really fires under
`cron -f` (it waits for the next minute, up to ~135 s), and one that the real node_exporter reads
the probe's textfile and serves every metric the Grafana dashboard queries.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import stat
import time
import uuid

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from conftest import REPO, run_playbook
from ansible_collections.tank.monitoring.plugins.module_utils._render import METRIC_NAMES as AUDIT_METRICS
from health_support import (Backend, CronDaemon, NodeExporter, crontab, free_port, load_probe_module,
                            remove_cron_entry, run_probe, write_probe_config)

DASHBOARD = os.path.join(REPO, 'roles', 'health_probe', 'files', 'grafana', 'tank-monitoring.json')
# Metrics node_exporter (textfile, cpu, meminfo, filesystem, loadavg collectors) provides.
NODE_EXPORTER_METRICS = frozenset((
    'node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes',
    'node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_load1', 'node_load5', 'node_load15',
    'node_textfile_mtime_seconds', 'node_textfile_scrape_error',
))

# Root's crontab and the cron daemon are machine-wide: the tests that install probes run one by one.
pytestmark = pytest.mark.xdist_group('crontab')


@pytest.fixture
def backends():
    started = []

    def _start(mode='ok'):
        server = Backend(mode).start()
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()


@pytest.fixture
def probe_dirs(tmp_path):
    dirs = {name: tmp_path / name for name in ('state', 'log', 'textfile')}
    for path in dirs.values():
        path.mkdir()
    return dirs


def probe_config(tmp_path, dirs, targets, **extra):
    config = {'targets': targets, 'timeout': 5, 'state_dir': str(dirs['state']),
              'log_file': str(dirs['log'] / 'probe.log'), 'textfile_dir': str(dirs['textfile']),
              'alert_after': 1, 'alert_timeout': 5}
    config.update(extra)
    return write_probe_config(tmp_path / 'config.json', **config)


def health_target(url):
    return {'name': 'health', 'kind': 'health', 'url': url, 'expected_status': [200]}


def log_lines(dirs):
    path = dirs['log'] / 'probe.log'
    return path.read_text().splitlines() if path.exists() else []


# -- the probe program ----------------------------------------------------------------------------

def test_probe_alerts_once_on_failure_and_once_on_recovery(tmp_path, probe_dirs, backends):
    backend, webhook = backends('ok'), backends('ok')
    alerts = tmp_path / 'alerts.txt'
    config = probe_config(tmp_path, probe_dirs, [health_target(backend.url())],
                          alert_command='echo "$TANK_PROBE_EVENT $TANK_PROBE_TARGET $TANK_PROBE_REASON" >> %s' % alerts,
                          alert_webhook=webhook.url('/hook'))
    for mode, runs in (('ok', 2), ('error500', 3), ('ok', 2)):
        backend.mode = mode
        for dummy in range(runs):
            run_probe(config)
    assert alerts.read_text().splitlines() == ['down health HTTP 500', 'recovered health ok']
    assert [(p['path'], p['body']['event'], p['body']['target']) for p in webhook.posts] == [
        ('/hook', 'down', 'health'), ('/hook', 'recovered', 'health')]
    assert 'HTTP 500' in webhook.posts[0]['body']['text']
    lines = log_lines(probe_dirs)
    assert len(lines) == 7
    assert sum('alert=down' in line for line in lines) == 1
    assert sum('alert=recovered' in line for line in lines) == 1


def test_probe_alerts_after_n_failures_and_retries_a_failed_alert(tmp_path, probe_dirs, backends):
    alerts = tmp_path / 'alerts.txt'
    flag = tmp_path / 'alerting-works'
    url = 'http://127.0.0.1:%d/api/health' % free_port()  # backend stopped: refused
    config = probe_config(tmp_path, probe_dirs, [health_target(url)], alert_after=2,
                          alert_command='test -e %s && echo "$TANK_PROBE_EVENT" >> %s' % (flag, alerts))
    run_probe(config)
    assert not alerts.exists()  # one failure is not enough
    run_probe(config)  # second failure: the alert command fails (no flag yet) ...
    assert not alerts.exists()
    flag.touch()
    run_probe(config)  # ... so it is retried on the next run
    run_probe(config)
    assert alerts.read_text().splitlines() == ['down']
    assert any('refused' in line for line in log_lines(probe_dirs))


def test_probe_textfile_is_written_atomically_and_parses(tmp_path, probe_dirs, backends):
    backend = backends('ok')
    page = backends('html')
    config = probe_config(tmp_path, probe_dirs, [health_target(backend.url()),
                                                 {'name': 'front_page', 'kind': 'page', 'url': page.url('/'),
                                                  'expected_status': [200]}])
    assert run_probe(config).returncode == 0
    prom = probe_dirs['textfile'] / 'tank_health_probe.prom'
    first_inode = prom.stat().st_ino
    backend.mode = 'status_error'
    assert run_probe(config).returncode == 1
    assert prom.stat().st_ino != first_inode  # replaced by rename, never rewritten in place
    assert os.listdir(str(probe_dirs['textfile'])) == ['tank_health_probe.prom']  # no temporary left
    families = dict((f.name, f) for f in text_string_to_metric_families(prom.read_text()))
    probe = load_probe_module()
    # prometheus_client strips the unit-like suffixes it knows from family names; compare the samples.
    samples = dict(((s.name, s.labels.get('target')), s.value) for f in families.values() for s in f.samples)
    assert set(name for name, target in samples) == set(probe.METRIC_NAMES)
    assert samples[('tank_health_probe_up', 'health')] == 0
    assert samples[('tank_health_probe_up', 'front_page')] == 1
    assert samples[('tank_health_probe_http_status_code', 'health')] == 200
    assert samples[('tank_health_probe_consecutive_failures', 'health')] == 1
    assert samples[('tank_health_probe_last_success_timestamp_seconds', 'health')] > 0
    assert 'status "error", not ok' in log_lines(probe_dirs)[-2]


def test_probe_front_page_must_be_html(tmp_path, probe_dirs, backends):
    json_backend = backends('ok')
    config = probe_config(tmp_path, probe_dirs, [{'name': 'front_page', 'kind': 'page', 'url': json_backend.url('/'),
                                                  'expected_status': [200]}])
    assert run_probe(config).returncode == 1
    assert 'not HTML (application/json)' in log_lines(probe_dirs)[-1]


def test_probe_bounds_a_backend_that_never_answers(tmp_path, probe_dirs, backends):
    backend = backends('hang')
    config = probe_config(tmp_path, probe_dirs, [health_target(backend.url())], timeout=2)
    started = time.monotonic()
    proc = run_probe(config, timeout=30)
    assert time.monotonic() - started < 2 + 3  # the timeout plus interpreter start-up
    assert proc.returncode == 1
    assert 'no answer within 2s' in log_lines(probe_dirs)[-1]


def test_probe_skips_while_a_previous_run_holds_the_lock(tmp_path, probe_dirs, backends):
    backend = backends('ok')
    config = probe_config(tmp_path, probe_dirs, [health_target(backend.url())])
    with open(str(probe_dirs['state'] / 'probe.lock'), 'a') as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        proc = run_probe(config)
    assert proc.returncode == 0
    assert backend.requests == []
    assert 'skipped' in log_lines(probe_dirs)[-1]
    assert not (probe_dirs['textfile'] / 'tank_health_probe.prom').exists()


def test_probe_rotates_its_own_log(tmp_path, probe_dirs, backends):
    backend = backends('ok')
    config = probe_config(tmp_path, probe_dirs, [health_target(backend.url())], log_max_bytes=150, log_backups=2)
    for dummy in range(8):
        run_probe(config)
    names = sorted(os.listdir(str(probe_dirs['log'])))
    assert names == ['probe.log', 'probe.log.1', 'probe.log.2']
    assert os.path.getsize(str(probe_dirs['log'] / 'probe.log')) < 300


# -- the role -------------------------------------------------------------------------------------

def role_playbook(tmp_path):
    path = tmp_path / 'probe-play.yml'
    path.write_text(yaml.safe_dump([{'name': 'health probe', 'hosts': 'localhost', 'gather_facts': False,
                                     'roles': [{'role': 'tank.monitoring.health_probe'}]}]))
    return str(path)


@pytest.fixture
def role_vars(tmp_path):
    name = 'tank health probe test %s' % uuid.uuid4().hex[:8]
    base = tmp_path / 'probe'
    variables = {
        'health_probe_cron_name': name,
        'health_probe_install_dir': str(base / 'lib'),
        'health_probe_config_dir': str(base / 'etc'),
        'health_probe_state_dir': str(base / 'state'),
        'health_probe_log_dir': str(base / 'log'),
        'health_probe_textfile_dir': str(base / 'textfile'),
        'health_probe_grafana_dashboard_dir': str(base / 'grafana'),
        'health_probe_timeout': 5,
    }
    (base / 'grafana').mkdir(parents=True)
    try:
        yield variables
    finally:
        remove_cron_entry(name)  # safety net when a test fails before state=absent


def changed_tasks(run):
    return [name for name, result in run.tasks() if result.get('changed')]


def test_role_converges_idempotently_check_mode_and_absent(tmp_path, role_vars, backends):
    backend = backends('ok')
    play = role_playbook(tmp_path)
    variables = dict(role_vars, health_probe_url=backend.url(), health_probe_token='tok-SECRET-99')
    config_file = os.path.join(role_vars['health_probe_config_dir'], 'config.json')

    run = run_playbook(play, extra_vars=variables, check=True)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert not os.path.exists(config_file) and role_vars['health_probe_cron_name'] not in crontab()

    run = run_playbook(play, extra_vars=variables)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert changed_tasks(run)
    entry = crontab()
    assert '#Ansible: %s\n* * * * * timeout -k 5 55 /usr/bin/python3 -I -S ' % role_vars['health_probe_cron_name'] in entry
    assert stat.S_IMODE(os.stat(config_file).st_mode) == 0o600
    with open(config_file) as handle:
        text = handle.read()
    assert text.startswith('#')
    program = os.path.join(role_vars['health_probe_install_dir'], 'tank_health_probe.py')
    assert os.path.isfile(program)
    assert os.path.isfile(os.path.join(role_vars['health_probe_grafana_dashboard_dir'], 'tank-monitoring.json'))
    # The installed program runs with the written configuration, exactly as the cron job does.
    job = re.search(r'^\* \* \* \* \* (.*)$', entry.split('#Ansible: %s' % role_vars['health_probe_cron_name'])[1],
                    re.M).group(1)
    assert os.system(job) == 0
    assert backend.requests[-1]['headers']['Authorization'] == 'Bearer tok-SECRET-99'
    assert os.path.isfile(os.path.join(role_vars['health_probe_textfile_dir'], 'tank_health_probe.prom'))

    run = run_playbook(play, extra_vars=variables)
    assert run.rc == 0 and changed_tasks(run) == [], changed_tasks(run)
    run = run_playbook(play, extra_vars=variables, check=True)
    assert run.rc == 0 and changed_tasks(run) == [], changed_tasks(run)
    assert 'tok-SECRET-99' not in run.stdout

    run = run_playbook(play, extra_vars=dict(variables, health_probe_state='absent'))
    assert run.rc == 0, run.stdout[-3000:]
    assert role_vars['health_probe_cron_name'] not in crontab()
    for key in ('health_probe_install_dir', 'health_probe_config_dir', 'health_probe_state_dir', 'health_probe_log_dir'):
        assert not os.path.exists(role_vars[key])
    assert os.listdir(role_vars['health_probe_textfile_dir']) == []
    assert os.listdir(role_vars['health_probe_grafana_dashboard_dir']) == []
    run = run_playbook(play, extra_vars=dict(variables, health_probe_state='absent'))
    assert run.rc == 0 and changed_tasks(run) == []


def test_shipped_playbook_provisions_by_fqcn_in_check_mode(tmp_path, role_vars):
    """`ansible-playbook tank.monitoring.health_probe -e target=...` works (check mode: nothing installed)."""
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(json.dumps({'all': {'children': {'tank_backend': {'hosts': {'localhost': {
        'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'}}}}}}))
    run = run_playbook('tank.monitoring.health_probe', inventory=str(inventory), extra_vars=role_vars, check=True)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert any(name.endswith('Install | Install the probe program') for name, result in run.tasks())
    assert not os.path.exists(role_vars['health_probe_install_dir'])


def test_role_preflight_rejects_a_timeout_longer_than_the_interval(tmp_path, role_vars):
    run = run_playbook(role_playbook(tmp_path), extra_vars=dict(role_vars, health_probe_timeout=30,
                                                                health_probe_front_page_url='http://127.0.0.1/'))
    assert run.rc != 0
    assert 'must fit in one run' in run.stdout
    assert role_vars['health_probe_cron_name'] not in crontab()


@pytest.mark.slow
def test_cron_entry_really_fires_under_a_real_cron_daemon(tmp_path, role_vars, backends):
    backend = backends('ok')
    play = role_playbook(tmp_path)
    variables = dict(role_vars, health_probe_url=backend.url())
    cron = CronDaemon().start()
    try:
        run = run_playbook(play, extra_vars=variables)
        assert run.rc == 0, run.stdout[-3000:]
        prom = os.path.join(role_vars['health_probe_textfile_dir'], 'tank_health_probe.prom')
        # The next minute boundary, or the one after it when cron scanned its tables in the very second the
        # entry was written, plus the probe's own run on a loaded machine: up to two boundaries, with room.
        deadline = time.monotonic() + 135
        while time.monotonic() < deadline and not os.path.exists(prom):
            time.sleep(1)
        assert os.path.exists(prom), 'cron did not run the probe within 135 s'
        assert backend.requests, 'the probe did not call the backend'
        with open(prom) as handle:
            assert re.search(r'^tank_health_probe_up\{target="health",.*\} 1$', handle.read(), re.M)
    finally:
        run_playbook(play, extra_vars=dict(variables, health_probe_state='absent'))
        cron.stop()
    assert role_vars['health_probe_cron_name'] not in crontab()


# -- the Grafana dashboard ------------------------------------------------------------------------

_GROUPING = re.compile(r'\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)')
_FUNCTIONS_AND_KEYWORDS = frozenset(('bool', 'offset', 'and', 'or', 'unless', 'inf', 'nan'))


def metric_names(expr):
    """Metric names a PromQL expression selects (label matchers, ranges, strings, functions removed)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r'\{[^}]*\}', '', expr)
    expr = re.sub(r'\[[^\]]*\]', '', expr)
    expr = _GROUPING.sub('', expr)
    names = set()
    for match in re.finditer(r'[A-Za-z_:][A-Za-z0-9_:]*', expr):
        rest = expr[match.end():].lstrip()
        if rest.startswith('(') or match.group(0) in _FUNCTIONS_AND_KEYWORDS:
            continue
        names.add(match.group(0))
    return names


def dashboard_queries(dashboard):
    queries = [t['expr'] for panel in dashboard['panels'] for t in panel.get('targets', [])]
    for variable in dashboard['templating']['list']:
        query = variable.get('query')
        if isinstance(query, dict):
            query = query.get('query')
        if variable['type'] == 'query':
            match = re.match(r'label_values\(\s*([^,]+),', query)
            queries.append(match.group(1) if match else query)
    return queries


def test_grafana_dashboard_queries_only_metrics_the_probe_or_node_exporter_provide():
    with open(DASHBOARD) as handle:
        dashboard = json.load(handle)
    probe = load_probe_module()
    known = set(probe.METRIC_NAMES) | NODE_EXPORTER_METRICS | set(AUDIT_METRICS)
    used = set()
    for query in dashboard_queries(dashboard):
        names = metric_names(query)
        assert names, 'no metric in %r' % query
        used |= names
    assert used <= known, 'unknown metrics: %s' % sorted(used - known)
    # The dashboard shows the probe beside the host's CPU, memory and disk.
    assert {'tank_health_probe_up', 'tank_health_probe_latency_seconds'} <= used
    assert {'node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes'} <= used
    # ... and the audit's tank_audit.prom (audit role), whose metrics the renderer declares.
    assert {'tank_audit_host_check_status', 'tank_audit_last_run_timestamp_seconds'} <= used
    # Every metric the probe declares is one it actually writes.
    rendered = probe.render_metrics([{'name': 'health', 'url': 'http://x/', 'tank_health_probe_up': 1,
                                      'tank_health_probe_latency_seconds': 0.1,
                                      'tank_health_probe_http_status_code': 200,
                                      'tank_health_probe_last_success_timestamp_seconds': 1.0,
                                      'tank_health_probe_consecutive_failures': 0}], 2.0)
    written = set(s.name for f in text_string_to_metric_families(rendered) for s in f.samples)
    assert written == set(probe.METRIC_NAMES)


def test_metric_name_extraction():
    assert metric_names('100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))') == {
        'node_cpu_seconds_total'}
    assert metric_names('time() - max by (instance) (tank_health_probe_up{target="x"})') == {'tank_health_probe_up'}


def test_real_node_exporter_serves_the_probe_textfile_and_every_dashboard_metric(tmp_path, probe_dirs, backends):
    """Proof with the real node_exporter: it parses the probe's file and exposes every metric the dashboard uses."""
    backend = backends('ok')
    config = probe_config(tmp_path, probe_dirs, [health_target(backend.url())])
    assert run_probe(config).returncode == 0
    # The audit role's tank_audit.prom beside the probe's file, as its audit_report_textfile_dir writes it.
    with open(os.path.join(str(probe_dirs['textfile']), 'tank_audit.prom'), 'w') as handle:
        handle.write(render_audit_prom())
    exporter = NodeExporter(str(probe_dirs['textfile']))
    try:
        scraped = exporter.scrape()
    finally:
        exporter.stop()
    samples = [s for f in text_string_to_metric_families(scraped) for s in f.samples]
    names = set(s.name for s in samples)
    with open(DASHBOARD) as handle:
        dashboard = json.load(handle)
    used = set()
    for query in dashboard_queries(dashboard):
        used |= metric_names(query)
    assert used <= names, 'the dashboard queries metrics node_exporter does not serve: %s' % sorted(used - names)
    errors = [s.value for s in samples if s.name == 'node_textfile_scrape_error']
    assert errors == [0.0]
    up = [s for s in samples if s.name == 'tank_health_probe_up']
    assert [(s.labels['target'], s.value) for s in up] == [('health', 1.0)]
    audit = [(s.labels['host'], s.labels['check'], s.value) for s in samples if s.name == 'tank_audit_host_check_status']
    assert audit == [('app01', 'pm2', 3.0)]


def render_audit_prom():
    from ansible_collections.tank.monitoring.plugins.module_utils import _render
    stopped = {'id': 'pm2.app.stopped', 'status': 'critical', 'message': 'backend stopped', 'subject': 'backend'}
    report = {'generated_at': '2026-12-01T09:00:00Z', 'summary': {'hosts': 1, 'sites': 1, 'critical': 1},
              'hosts': {'app01': {'site': 'alpha', 'status': 'critical',
                                  'checks': {'pm2': {'status': 'critical', 'findings': [stopped]}},
                                  'root_causes': [{'finding': 'pm2.app.stopped', 'check': 'pm2', 'checklist': 1,
                                                   'remedy': 'pm2 start backend', 'explains': []}]}},
              'sites': {'alpha': {'runner': 'app01', 'status': 'ok', 'checks': {'oracle': {'status': 'ok', 'findings': []}}}}}
    report['since_last_audit'] = _render.since_last(report, dict(report, hosts={}))
    text = _render.prometheus_text(report)
    assert set(f.name for f in text_string_to_metric_families(text)) == set(_render.METRIC_NAMES)
    return text


def test_role_preflight_requires_the_probe_python(tmp_path, role_vars):
    run = run_playbook(role_playbook(tmp_path), extra_vars=dict(role_vars, health_probe_python='/nonexistent/python3'))
    assert run.rc != 0
    assert 'does not exist or is not executable' in run.stdout
    assert not os.path.exists(role_vars['health_probe_install_dir'])
