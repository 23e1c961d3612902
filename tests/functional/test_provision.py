# -*- coding: utf-8 -*-
"""playbooks/provision.yml on localhost, for real: libraries into a throw-away venv (the interpreter
Ansible is pointed at, never the repository's .venv), the PM2 startup unit for a real PM2 (throw-away
PM2_HOME, scratch unit directory) and the health probe (scratch directories, real cron table entry,
removed afterwards). Converges, re-converges with no change, and changes nothing in check mode.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from conftest import REPO, run_playbook
from health_support import Backend, crontab, remove_cron_entry
from pm2_support import PM2, healthy

PLAYBOOK = os.path.join(REPO, 'playbooks', 'provision.yml')

# Root's crontab and the cron daemon are machine-wide: the tests that install probes run one by one.
pytestmark = pytest.mark.xdist_group('crontab')


@pytest.fixture
def venv(tmp_path):
    path = tmp_path / 'target-venv'
    subprocess.run([sys.executable, '-m', 'venv', str(path)], check=True, capture_output=True)
    return str(path / 'bin' / 'python')


@pytest.fixture
def backend():
    server = Backend('ok').start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def variables(tmp_path, pm2, venv, backend):
    name = 'tank health probe provision test %s' % uuid.uuid4().hex[:8]
    base = tmp_path / 'probe'
    values = {
        'ansible_python_interpreter': venv,
        'provision_become': False,
        'pm2_startup_user': 'root', 'pm2_startup_pm2_home': pm2.home, 'pm2_startup_pm2_executable': PM2,
        'pm2_startup_unit_dir': pm2.unit_dir,
        'health_probe_url': backend.url(), 'health_probe_cron_name': name,
        'health_probe_install_dir': str(base / 'lib'), 'health_probe_config_dir': str(base / 'etc'),
        'health_probe_state_dir': str(base / 'state'), 'health_probe_log_dir': str(base / 'log'),
        'health_probe_timeout': 5,
    }
    try:
        yield values
    finally:
        remove_cron_entry(name)


def importable(python, *modules):
    code = 'import %s' % ', '.join(modules)
    return subprocess.run([python, '-c', code], capture_output=True, check=False).returncode == 0


def changed(run):
    return [name for name, result in run.tasks() if result.get('changed')]


def provision(variables, check=False):
    run = run_playbook(PLAYBOOK, extra_vars=variables, check=check)
    assert run.rc == 0, run.stdout[-5000:] + run.stderr[-3000:]
    return run


def test_provision_converges_reconverges_without_change_and_check_mode_changes_nothing(pm2, variables, venv):
    healthy(pm2)
    os.unlink(os.path.join(pm2.home, 'dump.pm2'))
    for name in os.listdir(pm2.unit_dir):  # healthy() wrote a unit: provisioning must write its own
        path = os.path.join(pm2.unit_dir, name)
        if os.path.isdir(path):
            for link in os.listdir(path):
                os.unlink(os.path.join(path, link))
            os.rmdir(path)
        else:
            os.unlink(path)
    unit = os.path.join(pm2.unit_dir, 'pm2-root.service')
    name = variables['health_probe_cron_name']

    # Check mode first: reports what it would change, changes nothing.
    run = provision(variables, check=True)
    assert 'Python | Libraries that would be installed (check mode)' in changed(run)
    assert not importable(venv, 'psutil') and not importable(venv, 'jmespath')
    assert not os.path.exists(unit) and not os.path.exists(os.path.join(pm2.home, 'dump.pm2'))
    assert name not in crontab() and not os.path.exists(variables['health_probe_install_dir'])

    # Converge: the libraries of this host's checks (backend/worker/frontend: psutil, jmespath), the unit, the probe.
    run = provision(variables)
    assert importable(venv, 'psutil', 'jmespath')
    assert not importable(venv, 'boto3')  # site checks do not run here
    assert os.path.exists(unit)
    assert os.path.islink(os.path.join(pm2.unit_dir, 'multi-user.target.wants', 'pm2-root.service'))
    with open(os.path.join(pm2.home, 'dump.pm2')) as handle:
        assert sorted(app['name'] for app in json.load(handle)) == ['backend', 'worker']
    assert '#Ansible: %s\n' % name in crontab()
    assert os.path.isfile(os.path.join(variables['health_probe_install_dir'], 'tank_health_probe.py'))

    # Idempotent, and clean in check mode once converged.
    run = provision(variables)
    assert changed(run) == [], changed(run)
    run = provision(variables, check=True)
    assert changed(run) == [], changed(run)


def test_provision_installs_the_site_libraries_on_site_hosts_only_when_asked(variables, venv, tmp_path):
    """An explicit package list replaces the per-group table; tags select the part."""
    variables = dict(variables, provision_python_packages=['jmespath'])
    run = run_playbook(PLAYBOOK, extra_vars=variables, check=False, env={'ANSIBLE_RUN_TAGS': 'provision_python'})
    assert run.rc == 0, run.stdout[-4000:]
    assert importable(venv, 'jmespath') and not importable(venv, 'psutil')
    names = [name for name, _result in run.tasks()]
    assert not any(name.startswith(('PM2 |', 'Probe |')) or 'pm2_startup' in name or 'health_probe' in name
                   for name in names), names
    assert not os.path.exists(os.path.join(variables['pm2_startup_unit_dir'], 'pm2-root.service'))


def test_bad_method_is_named(variables):
    run = run_playbook(PLAYBOOK, extra_vars=dict(variables, provision_python_method='yum'))
    assert run.rc != 0
    assert 'provision_python_method must be pip or apt (got yum)' in run.stdout
