# -*- coding: utf-8 -*-
"""Harness for functional tests: real ansible-playbook runs against localhost, real mounts.

Every test here drives the collection the way an operator does (a playbook through the
installed-by-FQCN collection) and reads the module's JSON result from the json callback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def ansible_env(**extra):
    env = dict(os.environ)
    env.update({
        'ANSIBLE_CONFIG': os.path.join(REPO, 'ansible.cfg'),
        'ANSIBLE_COLLECTIONS_PATH': os.path.join(REPO, '.build', 'collections'),
        'ANSIBLE_CALLBACK_PLUGINS': os.path.join(REPO, 'tests', 'functional', 'callback_plugins'),
        'ANSIBLE_STDOUT_CALLBACK': 'json_results',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_DEPRECATION_WARNINGS': '0',
        'PATH': BIN + os.pathsep + env.get('PATH', ''),
    })
    env.update(extra)
    return env


class PlaybookRun(object):
    def __init__(self, proc, data):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.data = data

    def tasks(self, host='localhost'):
        """``[(task name, result)]`` of ``host`` in run order."""
        return [(task['task']['name'], task['hosts'][host])
                for play in self.data.get('plays', []) for task in play.get('tasks', [])
                if host in task.get('hosts', {})]

    def task_results(self, host='localhost'):
        return [result for _name, result in self.tasks(host)]


def run_playbook(playbook, inventory=None, extra_vars=None, check=False, verbosity=0, env=None, timeout=600,
                 cwd=None, args=()):
    """Run ansible-playbook on a playbook file; return a PlaybookRun with the parsed json output."""
    cmd = [os.path.join(BIN, 'ansible-playbook'), playbook, '-i', inventory or os.path.join(REPO, 'inventories', 'local')]
    if extra_vars:
        cmd += ['-e', json.dumps(extra_vars)]
    if check:
        cmd.append('--check')
    if verbosity:
        cmd.append('-' + 'v' * verbosity)
    cmd += list(args)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ansible_env(**(env or {})), timeout=timeout,
                          cwd=cwd or REPO, check=False)
    return PlaybookRun(proc, parse_json_output(proc, cmd))


def parse_json_output(proc, cmd=None):
    """The json callback's document in ``proc.stdout``; raises with the output when there is none.

    A run whose output cannot be parsed must fail the test: returning ``{}`` would let "no task
    changed" or "no task failed" assertions pass with nothing checked.
    """
    start = proc.stdout.find('{')
    try:
        # The json document is the last thing printed; text printed before it (the audit's console
        # report) may contain braces.
        last = proc.stdout.rfind('{"custom_stats"')
        start = last if last >= 0 else start
        if start < 0:
            raise ValueError('no JSON document in stdout')
        data = json.loads(proc.stdout[start:])
        if not isinstance(data, dict) or 'plays' not in data:
            raise ValueError('not the json callback\'s output (no "plays")')
    except ValueError as exc:
        raise AssertionError('cannot parse the ansible-playbook output (%s): %s; rc=%s\ncommand: %s\nstdout:\n%s\n'
                             'stderr:\n%s' % (type(exc).__name__, exc, proc.returncode, cmd,
                                              proc.stdout[-3000:], proc.stderr[-3000:]))
    return data


@pytest.fixture
def run_module(tmp_path):
    """Run one module as a playbook task on localhost; returns (result dict, PlaybookRun)."""

    def _run(module, args=None, check=False, verbosity=0, env=None, task_extra=None, become_user=None):
        task = {'name': 'module under test', module: args or {}, 'register': 'result', 'ignore_errors': True}
        task.update(task_extra or {})
        play = [{'name': 'functional test', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [task]}]
        path = tmp_path / ('play-%s.yml' % uuid.uuid4().hex[:8])
        path.write_text(yaml.safe_dump(play))
        run = run_playbook(str(path), check=check, verbosity=verbosity, env=env)
        results = run.task_results()
        assert results, 'no task result; rc=%s\nstdout:\n%s\nstderr:\n%s' % (run.rc, run.stdout[-3000:], run.stderr[-3000:])
        return results[0], run

    return _run


def _mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=%s' % size, 'tmpfs', str(path)], check=True)


def _umount(path):
    subprocess.run(['umount', '-l', str(path)], check=False)


def fill(path, percent, filename='fill.bin'):
    """Fill the filesystem holding ``path`` until it is ``percent`` used (as df counts)."""
    st = os.statvfs(path)
    total = st.f_blocks * st.f_frsize
    used = (st.f_blocks - st.f_bfree) * st.f_frsize
    want = int(total * percent / 100.0) - used
    with open(os.path.join(str(path), filename), 'wb') as handle:
        handle.write(b'\0' * max(0, want))
        handle.flush()
        os.fsync(handle.fileno())


@pytest.fixture
def tmpfs(tmp_path):
    """Mount fresh tmpfs filesystems: ``tmpfs('name', '4m')`` -> path; unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.fail('functional tests mount tmpfs filesystems and must run as root')
    mounted = []

    def _make(name='fs', size='4m'):
        path = tmp_path / ('mnt-%s' % name)
        _mount_tmpfs(path, size)
        mounted.append(path)
        return path

    yield _make
    for path in reversed(mounted):
        _umount(path)


@pytest.fixture
def pm2(tmp_path):
    """A throw-away PM2 (own PM2_HOME, real daemon and Node apps), killed afterwards."""
    from pm2_support import Pm2Sandbox

    sandbox = Pm2Sandbox(tmp_path)
    try:
        yield sandbox
    finally:
        sandbox.close()


# Shared fixtures of the real components several test files use (one copy, here).

@pytest.fixture
def mounts():
    """Real tmpfs and FUSE mounts (storage_support.Mounts), unmounted afterwards."""
    from storage_support import Mounts

    if os.geteuid() != 0:
        pytest.fail('these tests mount filesystems and create users: run them as root')
    made = Mounts()
    try:
        yield made
    finally:
        made.cleanup()


@pytest.fixture
def app_user():
    """A real system user standing for the application user, removed afterwards."""
    from storage_support import AppUser

    user = AppUser()
    try:
        yield user
    finally:
        user.remove()


@pytest.fixture
def site():
    """A real nginx serving a React-like build (nginx_support.NginxSite), stopped and removed afterwards."""
    from nginx_support import NginxSite

    nginx = NginxSite()
    try:
        yield nginx
    finally:
        nginx.cleanup()


@pytest.fixture
def unprivileged():
    """A fresh unprivileged user and a Python with psutil it can run (unprivileged_support.UnprivilegedPython);
    ``run_module(..., task_extra=unprivileged.task_extra())`` runs the module as that user. Removed afterwards."""
    from unprivileged_support import UnprivilegedPython

    runner = UnprivilegedPython()
    try:
        yield runner
    finally:
        runner.cleanup()
