# -*- coding: utf-8 -*-
"""resources_check against real filesystems (tmpfs), real CPU load and a real interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import REPO, fill

MODULE = 'tank.monitoring.resources_check'
FS_REMEDY_WORDS = 'Disk usage at 80% or more makes batch files fail to be stored'


def findings_for(result, finding_id, subject=None):
    return [f for f in result['findings'] if f['id'] == finding_id and (subject is None or f['subject'] == subject)]


def test_idle_host_has_no_cpu_or_memory_finding(run_module):
    # The 5-minute load is left out: it still remembers the sanity/lint run before this test.
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 1})
    assert result['changed'] is False
    assert not result.get('failed')
    ids = {f['id'] for f in result['findings']}
    assert not ids & {'resources.cpu.busy', 'resources.memory.available'}
    assert 0 <= result['metrics']['cpu_busy_percent'] <= 100
    assert result['metrics']['filesystem_used_percent']['/'] > 0


def test_filesystems_at_85_and_95_percent_are_warning_and_critical(run_module, tmpfs):
    healthy, warn, crit = tmpfs('healthy'), tmpfs('warn'), tmpfs('crit')
    fill(healthy, 10)
    fill(warn, 85)
    fill(crit, 95)
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 0})
    assert result['status'] == 'critical'
    assert findings_for(result, 'resources.filesystem.used', str(healthy)) == []
    (w,) = findings_for(result, 'resources.filesystem.used', str(warn))
    (c,) = findings_for(result, 'resources.filesystem.used', str(crit))
    assert w['status'] == 'warning' and 84 <= w['value'] < 90
    assert c['status'] == 'critical' and c['value'] >= 90
    assert FS_REMEDY_WORDS in w['remedy'] and w['remedy'] == c['remedy']
    assert w['guide_section'] == '§7, §9'
    assert w['threshold']['warning'] == 80 and w['threshold']['critical'] == 90
    assert 'tmpfs' in w['message']


def test_threshold_override_from_the_task(run_module, tmpfs):
    warn = tmpfs('override')
    fill(warn, 85)
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 0,
                                       'thresholds': {'filesystem_used_percent': {'warning': 88, 'critical': 97}}})
    assert findings_for(result, 'resources.filesystem.used', str(warn)) == []


def test_exhausted_inodes_are_critical(run_module, tmp_path):
    path = tmp_path / 'inodes'
    path.mkdir()
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=4m,nr_inodes=40', 'tmpfs', str(path)], check=True)
    try:
        for i in range(60):
            try:
                (path / ('f%d' % i)).write_bytes(b'')
            except OSError:
                break
        result, _run = run_module(MODULE, {'cpu_sample_seconds': 0})
        (finding,) = findings_for(result, 'resources.filesystem.inodes', str(path))
        assert finding['status'] == 'critical'
        assert finding['value'] >= 90
        assert findings_for(result, 'resources.filesystem.used', str(path)) == []
    finally:
        subprocess.run(['umount', '-l', str(path)], check=False)


def test_pseudo_filesystems_and_excluded_mounts_are_ignored(run_module, tmpfs):
    ignored = tmpfs('ignored')
    fill(ignored, 95)
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 0, 'exclude_mounts': [str(ignored)]})
    mounts = set(result['metrics']['filesystem_used_percent'])
    assert str(ignored) not in mounts
    assert not any(m == '/proc' or m.startswith('/sys') or m.startswith('/dev/pts') for m in mounts)


@pytest.fixture
def cpu_burners():
    burners = [subprocess.Popen([sys.executable, '-c', 'while True: pass']) for _core in range(os.cpu_count() or 1)]
    time.sleep(0.5)
    yield burners
    for proc in burners:
        proc.kill()
        proc.wait()


def test_sustained_cpu_load_is_reported_with_the_guide_remedy(run_module, cpu_burners):
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 2,
                                       'thresholds': {'cpu_busy_percent': {'warning': 50, 'critical': 70}}})
    (finding,) = findings_for(result, 'resources.cpu.busy')
    assert finding['status'] == 'critical'
    assert finding['value'] >= 70
    assert 'reduce the worker parallelism' in finding['remedy']
    assert finding['guide_section'] == '§9, §13.7'


def test_fail_on_fails_the_task_but_keeps_the_findings(run_module, tmpfs):
    fill(tmpfs('failon'), 85)
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 0, 'fail_on': 'warning'})
    assert result['failed'] is True
    assert 'fail_on=warning' in result['msg']
    assert findings_for(result, 'resources.filesystem.used')


@pytest.mark.parametrize('args,words', [
    ({'thresholds': {'disk_percent': {'warning': 1}}}, 'unknown threshold(s) for the resources check: disk_percent'),
    ({'cpu_sample_seconds': 10, 'timeout': 5}, 'cpu_sample_seconds (10.0) must be shorter than timeout (5.0)'),
    ({'fail_on': 'sometimes'}, 'fail_on'),
    ({'cpu_sample_seconds': 'soon'}, 'cpu_sample_seconds'),
])
def test_bad_input_is_a_clear_message_not_a_traceback(run_module, args, words):
    result, run = run_module(MODULE, args)
    assert result['failed'] is True
    assert words in result['msg']
    assert 'Traceback' not in run.stdout + run.stderr


def test_check_mode_gives_the_same_read_only_result(run_module):
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 0}, check=True)
    assert result['changed'] is False
    assert 'metrics' in result and result['status'] in ('ok', 'warning', 'critical', 'unknown')


def test_missing_psutil_is_unknown_with_install_hint(run_module, tmp_path):
    venv = tmp_path / 'bare'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(venv)], check=True)
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 0},
                              task_extra={'vars': {'ansible_python_interpreter': str(venv / 'bin' / 'python')}})
    assert not result.get('failed')
    assert result['status'] == 'unknown'
    (finding,) = result['findings']
    assert finding['id'] == 'resources.missing_library'
    assert 'psutil' in finding['message']


def test_audit_playbook_writes_the_documented_report(tmp_path, tmpfs):
    """The whole path: inventory with group overrides -> audit role -> audit.json + summary."""
    from conftest import run_playbook

    full = tmpfs('audit')
    fill(full, 85)
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(json.dumps({'all': {'children': {'tank_worker': {'hosts': {'localhost': {
        'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}},
        'vars': {'audit_thresholds': {'resources': {'filesystem_used_percent': {'critical': 84}}},
                 'audit_options': {'resources': {'cpu_sample_seconds': 0.5}}}}}))
    report_dir = tmp_path / 'reports'
    run = run_playbook(os.path.join(REPO, 'playbooks', 'audit.yml'), inventory=str(inventory),
                       extra_vars={'audit_report_dir': str(report_dir)}, check=True)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((report_dir / 'audit.json').read_text())
    assert set(report) == {'schema_version', 'generated_at', 'summary', 'hosts', 'sites'}
    assert report['schema_version'] == 2
    assert report['summary']['hosts'] == 1 and report['summary']['critical'] == 1
    host = report['hosts']['localhost']
    assert host['status'] == 'critical'
    resources = host['checks']['resources']
    assert set(resources) >= {'status', 'findings', 'metrics'}
    (finding,) = [f for f in resources['findings'] if f['subject'] == str(full)]
    assert finding['status'] == 'critical' and finding['threshold']['critical'] == 84
    assert (report_dir / 'summary.txt').read_text().startswith('Tank monitoring audit')
    # Nothing changed on the audited host: only the controller's report tasks may change.
    changed = [name for name, result in run.tasks() if result.get('changed')]
    assert changed and all(name.split(' : ')[-1].startswith('Report |') for name in changed), changed


def test_audit_fail_on_fails_the_host_after_writing_the_report(tmp_path, tmpfs):
    from conftest import run_playbook

    fill(tmpfs('auditfail'), 95)
    report_dir = tmp_path / 'reports'
    run = run_playbook(os.path.join(REPO, 'playbooks', 'audit.yml'),
                       extra_vars={'audit_report_dir': str(report_dir), 'audit_fail_on': 'critical',
                                   'audit_options': {'resources': {'cpu_sample_seconds': 0}}})
    assert run.rc != 0
    assert json.loads((report_dir / 'audit.json').read_text())['hosts']['localhost']['status'] == 'critical'


def test_module_defaults_action_group_sets_common_options_for_every_check(tmp_path, tmpfs):
    """group/tank.monitoring.all carries the options every check shares (fail_on, timeout);
    check-specific options go under the module's own name."""
    from conftest import run_playbook

    full = tmpfs('group')
    fill(full, 85)
    play = [{'name': 'group defaults', 'hosts': 'localhost', 'gather_facts': False,
             'module_defaults': {
                 'group/tank.monitoring.all': {'fail_on': 'warning', 'timeout': 20},
                 'tank.monitoring.resources_check': {'cpu_sample_seconds': 0,
                                                     'thresholds': {'filesystem_used_percent': {'warning': 50}}}},
             'tasks': [{'name': 'check', 'tank.monitoring.resources_check': {}, 'register': 'r',
                        'ignore_errors': True}]}]
    path = tmp_path / 'play.yml'
    path.write_text(json.dumps(play))
    run = run_playbook(str(path))
    (result,) = run.task_results()
    assert result['failed'] is True and 'fail_on=warning' in result['msg']
    assert 'cpu_busy_percent' not in result['metrics']
    (finding,) = findings_for(result, 'resources.filesystem.used', str(full))
    assert finding['threshold']['warning'] == 50
