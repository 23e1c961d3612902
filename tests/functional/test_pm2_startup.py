# -*- coding: utf-8 -*-
"""The pm2_startup role against a real PM2 (throw-away PM2_HOME) and a scratch systemd unit directory.

systemd is not PID 1 here: the unit is written, verified with systemd-analyze and enabled (the link
systemctl enable creates, checked with systemctl is-enabled), but not started.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid

from conftest import run_playbook

from pm2_support import BACKEND_JS, NODE, PM2, WORKER_JS, module_args

ROLE_TASK_PREFIX = 'tank.monitoring.pm2_startup : '


def converge(tmp_path, sandbox, check=False, succeed=True, **role_vars):
    variables = {'pm2_startup_user': 'root', 'pm2_startup_pm2_home': sandbox.home,
                 'pm2_startup_pm2_executable': PM2, 'pm2_startup_unit_dir': sandbox.unit_dir}
    variables.update(role_vars)
    play = [{'name': 'pm2 startup', 'hosts': 'localhost', 'gather_facts': False, 'vars': variables,
             'roles': [{'role': 'tank.monitoring.pm2_startup'}]}]
    path = tmp_path / ('play-%s.yml' % uuid.uuid4().hex[:8])
    path.write_text(json.dumps(play))
    run = run_playbook(str(path), check=check)
    if succeed:
        assert run.rc == 0, run.stdout[-4000:] + run.stderr[-3000:]
    return run


def changed(run):
    return sorted(name.replace(ROLE_TASK_PREFIX, '') for name, result in run.tasks() if result.get('changed'))


def start_apps(sandbox):
    sandbox.start('backend', BACKEND_JS)
    sandbox.start('worker', WORKER_JS)
    sandbox.wait_for(lambda: sandbox.status('worker') == 'online', what='worker online')


def saved_names(sandbox):
    with open(os.path.join(sandbox.home, 'dump.pm2')) as handle:
        return sorted(app['name'] for app in json.load(handle))


def test_converge_writes_a_verified_enabled_unit_and_saves(pm2, tmp_path, run_module):
    start_apps(pm2)
    run = converge(tmp_path, pm2)
    assert changed(run) == ['Save | Save the process list (pm2 save)', 'Unit | Create the multi-user.target.wants directory',
                            'Unit | Enable the unit (the link systemctl enable creates)',
                            'Unit | Write the PM2 startup unit']
    unit = os.path.join(pm2.unit_dir, 'pm2-root.service')
    text = open(unit).read()
    assert 'Environment=PATH=%s:' % os.path.dirname(NODE) in text
    assert 'Environment=PM2_HOME=%s\n' % pm2.home in text
    assert 'ExecStart=%s resurrect' % PM2 in text
    assert os.path.realpath(os.path.join(pm2.unit_dir, 'multi-user.target.wants', 'pm2-root.service')) == unit
    verify = subprocess.run(['systemd-analyze', 'verify', unit], capture_output=True, text=True, check=False)
    assert verify.returncode == 0 and 'pm2-root.service' not in verify.stderr, verify.stderr
    assert saved_names(pm2) == ['backend', 'worker']
    # The audit agrees: PM2 starts on boot with every app saved.
    result, _run = run_module('tank.monitoring.pm2_check', module_args(pm2))
    assert result['findings'] == []


def test_second_converge_changes_nothing(pm2, tmp_path):
    start_apps(pm2)
    converge(tmp_path, pm2)
    dump_mtime = os.stat(os.path.join(pm2.home, 'dump.pm2')).st_mtime
    run = converge(tmp_path, pm2)
    assert changed(run) == []
    assert os.stat(os.path.join(pm2.home, 'dump.pm2')).st_mtime == dump_mtime


def test_saves_again_only_when_the_live_list_changed(pm2, tmp_path):
    start_apps(pm2)
    converge(tmp_path, pm2)
    pm2.start('mailer', WORKER_JS)
    run = converge(tmp_path, pm2)
    assert changed(run) == ['Save | Save the process list (pm2 save)']
    assert saved_names(pm2) == ['backend', 'mailer', 'worker']


def test_check_mode_changes_nothing(pm2, tmp_path):
    start_apps(pm2)
    run = converge(tmp_path, pm2, check=True)
    assert 'Unit | Write the PM2 startup unit' in changed(run)
    assert os.listdir(pm2.unit_dir) == []
    assert not os.path.exists(os.path.join(pm2.home, 'dump.pm2'))


def test_no_daemon_is_started_when_pm2_is_not_running(pm2, tmp_path):
    run = converge(tmp_path, pm2)
    assert 'Save | Save the process list (pm2 save)' not in changed(run)
    assert pm2.daemon_processes() == []
    assert os.path.exists(os.path.join(pm2.unit_dir, 'pm2-root.service'))


def test_enabled_in_the_real_systemd_directory(pm2, tmp_path):
    """In /etc/systemd/system (cleaned up afterwards): systemctl itself reports the unit enabled."""
    name = 'pm2-tanktest-%s' % uuid.uuid4().hex[:8]
    unit = '/etc/systemd/system/%s.service' % name
    link = '/etc/systemd/system/multi-user.target.wants/%s.service' % name
    try:
        converge(tmp_path, pm2, pm2_startup_unit_dir='/etc/systemd/system', pm2_startup_service_name=name,
                 pm2_startup_save=False)
        state = subprocess.run(['systemctl', 'is-enabled', name], capture_output=True, text=True, check=False)
        assert state.stdout.strip() == 'enabled', state.stdout + state.stderr
    finally:
        for path in (link, unit):
            if os.path.lexists(path):
                os.unlink(path)


def test_unusable_pm2_path_is_refused(pm2, tmp_path):
    run = converge(tmp_path, pm2, succeed=False, pm2_startup_pm2_executable='/nonexistent/bin/pm2')
    assert run.rc != 0
    assert 'must both be executable' in run.stdout
    assert os.listdir(pm2.unit_dir) == []
