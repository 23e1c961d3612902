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


def test_no_daemon_gives_one_critical_finding(tmp_path):
    params = {'apps': ['backend'], 'pm2_home': str(tmp_path), 'restart_sample_seconds': 0, 'check_startup': False}
    data = run_check(_pm2.SPEC, dict(params, timeout=10))
    assert [f['id'] for f in data['findings']] == ['pm2.daemon.not_running']
    assert data['status'] == 'critical'
