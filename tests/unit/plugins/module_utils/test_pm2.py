# -*- coding: utf-8 -*-
"""Pure parts of the PM2 check: jlist parsing and reduction, unit parsing, pm2 discovery."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _pm2
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
from ansible_collections.tank.monitoring.plugins.module_utils._runner import run_check

SECRET = 'db-pa55-very-secret'


def jlist_entry(name='worker', status='online', **env):
    pm2_env = {'name': name, 'status': status, 'restart_time': 3, 'unstable_restarts': 0, 'pm_uptime': 1000,
               'created_at': 500, 'exec_mode': 'fork_mode', 'pm_out_log_path': '/l/%s-out.log' % name,
               'pm_err_log_path': '/l/%s-error.log' % name, 'env': {'DB_PASSWORD': SECRET}, 'DB_PASSWORD': SECRET,
               'axm_options': {'x': SECRET}}
    pm2_env.update(env)
    return {'pid': 42, 'name': name, 'pm_id': 0, 'monit': {'memory': 52428800, 'cpu': 1.5}, 'pm2_env': pm2_env}


def test_jlist_after_a_banner_is_parsed():
    banner = ('\x1b[32m[PM2]\x1b[39m Spawning PM2 daemon with pm2_home=/root/.pm2\n[PM2] PM2 Successfully daemonized\n'
              '[weird [bracket\n')
    processes = _pm2.parse_jlist((banner + json.dumps([jlist_entry()])).encode())
    assert [p['name'] for p in processes] == ['worker']


def test_jlist_without_json_is_none():
    assert _pm2.parse_jlist(b'[PM2][ERROR] Daemon not launched\n') is None


def test_reduced_process_has_no_environment():
    process = _pm2.reduce_process(jlist_entry())
    assert set(process) == set(_pm2.PROCESS_FIELDS)
    assert SECRET not in json.dumps(process)
    assert process['memory'] == 52428800 and process['cpu'] == 1.5
    assert process['out_log'] == '/l/worker-out.log'


def test_reduce_tolerates_garbage():
    process = _pm2.reduce_process({'name': None, 'pm2_env': 'nope', 'monit': [], 'pid': 'x'})
    assert process['pid'] is None and process['memory'] is None and process['status'] is None


def test_read_unit(tmp_path):
    unit = tmp_path / 'pm2-tank.service'
    unit.write_text('[Service]\nEnvironment=PATH=/x:/usr/bin\nEnvironment="PM2_HOME=/srv/pm2" "A=b"\n'
                    'ExecStart=/home/tank/.nvm/versions/node/v20.1.0/bin/pm2 resurrect\n'
                    '[Install]\nWantedBy=multi-user.target\n')
    parsed = _pm2.read_unit(str(unit))
    assert parsed == {'pm2_home': '/srv/pm2', 'exec_start': '/home/tank/.nvm/versions/node/v20.1.0/bin/pm2',
                      'wanted_by': ['multi-user.target']}
    assert _pm2.read_unit(str(tmp_path / 'missing.service')) is None


def test_pm2_found_under_nvm_newest_first(tmp_path, monkeypatch):
    for version in ('v18.19.0', 'v20.11.1', 'v9.0.0'):
        bin_dir = tmp_path / '.nvm' / 'versions' / 'node' / version / 'bin'
        bin_dir.mkdir(parents=True)
        (bin_dir / 'pm2').write_text('#!/bin/sh\n')
        os.chmod(str(bin_dir / 'pm2'), 0o755)
    monkeypatch.setenv('PATH', '/nonexistent')
    target = _pm2.Pm2Target('tank', 1000, 1000, str(tmp_path), str(tmp_path / '.pm2'), None)
    found = _pm2.find_executable(target, str(tmp_path / 'no-units'))
    assert found == str(tmp_path / '.nvm' / 'versions' / 'node' / 'v20.11.1' / 'bin' / 'pm2')


def test_daemon_pid_rejects_missing_stale_and_foreign(tmp_path):
    target = _pm2.Pm2Target('root', 0, 0, str(tmp_path), str(tmp_path), None)
    assert _pm2.daemon_pid(target) is None
    (tmp_path / 'pm2.pid').write_text('999999999')
    assert _pm2.daemon_pid(target) is None
    (tmp_path / 'pm2.pid').write_text(str(os.getpid()))  # alive but not PM2
    assert _pm2.daemon_pid(target) is None


def test_dump_entries_keep_names_and_paths_only(tmp_path):
    target = _pm2.Pm2Target('root', 0, 0, str(tmp_path), str(tmp_path), None)
    assert _pm2.dump_entries(target) is None
    (tmp_path / 'dump.pm2').write_text(json.dumps([jlist_entry()['pm2_env']]))
    assert _pm2.dump_entries(target) == [('worker', '/l/worker-out.log', '/l/worker-error.log')]


def test_unknown_user_is_an_input_error():
    with pytest.raises(CheckInputError):
        _pm2.resolve_target({'pm2_user': 'no-such-user-xyz'})


@pytest.mark.parametrize('sample', [-1, 20])
def test_bad_sample_is_an_input_error(sample, tmp_path):
    params = {'apps': [], 'pm2_home': str(tmp_path), 'restart_sample_seconds': sample}
    with pytest.raises(CheckInputError):
        run_check(_pm2.SPEC, dict(params, timeout=30))


def fake_pm2(tmp_path):
    path = tmp_path / 'bin' / 'pm2'
    path.parent.mkdir()
    path.write_text('#!/bin/sh\nexit 0\n')
    path.chmod(0o755)
    return str(path)


def test_no_daemon_gives_one_critical_finding(tmp_path):
    params = {'apps': ['backend'], 'pm2_home': str(tmp_path), 'restart_sample_seconds': 0, 'check_startup': False,
              'pm2_executable': fake_pm2(tmp_path)}
    data = run_check(_pm2.SPEC, dict(params, timeout=10))
    assert [f['id'] for f in data['findings']] == ['pm2.daemon.not_running']
    assert data['status'] == 'critical'


def test_no_pm2_anywhere_is_not_installed_not_a_stopped_daemon(tmp_path, monkeypatch):
    monkeypatch.setenv('PATH', str(tmp_path / 'empty'))
    monkeypatch.setattr(_pm2, '_GLOBAL_PREFIXES', (str(tmp_path / 'nope' / 'pm2'),))
    params = {'apps': ['backend'], 'pm2_home': str(tmp_path / 'home'), 'restart_sample_seconds': 0,
              'check_startup': True, 'systemd_unit_dir': str(tmp_path)}
    data = run_check(_pm2.SPEC, dict(params, timeout=10))
    assert [f['id'] for f in data['findings']] == ['pm2.not_installed']
    assert 'npm install -g pm2' in data['findings'][0]['remedy']
    assert 'resurrect' not in data['findings'][0]['remedy']


def test_odd_field_is_named_and_does_not_stop_the_other_apps():
    odd = _pm2.reduce_process(jlist_entry('backend', restart_time='abc'))
    assert odd['restart_time'] is None and odd['invalid'] == [('restart_time', 'str "abc"')]
    stopped = _pm2.reduce_process(jlist_entry('worker', status='stopped'))
    from ansible_collections.tank.monitoring.plugins.module_utils._contract import CheckResult
    from ansible_collections.tank.monitoring.plugins.module_utils._thresholds import resolve
    result = CheckResult('pm2', _pm2.CATALOGUE, resolve('pm2'))
    _pm2._judge_apps(result, ['backend', 'worker'], {'now': [odd, stopped], 'before': [odd, stopped]})
    found = dict((f['subject'], (f['id'], f['status'])) for f in result.findings)
    assert found == {'backend': ('pm2.app.unreadable', 'unknown'), 'worker': ('pm2.app.stopped', 'critical')}
    assert 'restart_time' in result.findings[0]['message']
    assert 'backend' not in result.metrics.get('app_restarts', {})


def test_status_of_another_type_is_not_judged_as_down():
    odd = _pm2.reduce_process(jlist_entry('backend', status=7))
    assert odd['invalid'] == [('status', 'int 7')]


def test_prefetched_list_is_used_once_the_daemon_matches(tmp_path, monkeypatch):
    """The audit's prefetch runs pm2 jlist once; the checks' first sample and log sources reuse it."""
    from ansible_collections.tank.monitoring.plugins.module_utils import _context, _logs
    from ansible_collections.tank.monitoring.plugins.module_utils._check import Deadline

    monkeypatch.setattr(_context, 'HOST_CONTEXT', _context.HostContext())
    monkeypatch.setattr(_pm2, 'HOST_CONTEXT', _context.HOST_CONTEXT)
    calls = []

    def fake_jlist(target, executable, deadline):
        calls.append(executable)
        return [_pm2.reduce_process(jlist_entry('worker'))]

    monkeypatch.setattr(_pm2, 'jlist', fake_jlist)
    monkeypatch.setattr(_pm2, 'daemon_pid', lambda target: 4242)
    executable = fake_pm2(tmp_path)
    params = {'apps': ['worker'], 'pm2_home': str(tmp_path / 'home'), 'pm2_executable': executable}
    deadline = Deadline(10)
    assert [p['name'] for p in _pm2.prefetch(params, deadline)] == ['worker']
    assert len(calls) == 1
    target = _pm2.resolve_target(params)
    assert _pm2.shared_jlist(target, executable, deadline)[0]['name'] == 'worker'
    sources = _logs.log_sources(params, ['worker'], {}, deadline)
    assert sources['worker'] == [('out', '/l/worker-out.log'), ('err', '/l/worker-error.log')]
    assert len(calls) == 1  # both readers used the remembered list
    # Another PM2_HOME, or a daemon restarted since (another pid): pm2 jlist is asked again.
    other = _pm2.resolve_target(dict(params, pm2_home=str(tmp_path / 'other')))
    _pm2.shared_jlist(other, executable, deadline)
    assert len(calls) == 2
    monkeypatch.setattr(_pm2, 'daemon_pid', lambda target: 5151)
    _pm2.shared_jlist(target, executable, deadline)
    assert len(calls) == 3


def test_prefetch_without_a_daemon_remembers_nothing_and_never_runs_pm2(tmp_path, monkeypatch):
    from ansible_collections.tank.monitoring.plugins.module_utils import _context
    from ansible_collections.tank.monitoring.plugins.module_utils._check import Deadline

    monkeypatch.setattr(_pm2, 'HOST_CONTEXT', _context.HostContext())
    monkeypatch.setattr(_pm2, 'jlist', lambda *a: pytest.fail('pm2 must not run without a daemon'))
    params = {'pm2_home': str(tmp_path), 'pm2_executable': fake_pm2(tmp_path)}
    assert _pm2.prefetch(params, Deadline(5)) is None
    assert _pm2.prefetch({'pm2_user': 'no-such-user-xyz'}, Deadline(5)) is None


def test_host_context_forgets_stale_entries(monkeypatch):
    from ansible_collections.tank.monitoring.plugins.module_utils import _context

    memo = _context.HostContext()
    memo.remember(('k',), [1])
    assert memo.recall(('k',)) == [1]
    assert memo.recall(('k',), max_age=60) == [1]
    now = _context.time.monotonic()
    monkeypatch.setattr(_context.time, 'monotonic', lambda: now + 120)
    assert memo.recall(('k',), max_age=60) is None
    memo.forget()
    assert memo.recall(('k',)) is None


def test_jlist_with_infinite_ids_and_deep_brackets_does_not_raise():
    """Found by the fuzz suite: Infinity is valid to Python's JSON decoder; brackets nested past the recursion limit."""
    from ansible_collections.tank.monitoring.plugins.module_utils import _pm2 as pm2_logic
    (process,) = pm2_logic.parse_jlist(b'[{"name": "worker", "pm_id": Infinity, "pid": NaN}]')
    assert process['pm_id'] is None and process['pid'] is None
    assert process['invalid'] == [('pid', 'float NaN')]
    assert pm2_logic.parse_jlist(b'[' * 5000) is None
