# -*- coding: utf-8 -*-
"""The audit under ansible-runner, the engine AWX runs jobs with: a private data directory holding
project/ (the job template's playbook), inventory/ and env/ (extra vars, environment), the report
written to an absolute audit_report_dir standing for a volume mounted into the execution
environment, and ansible-runner's artifacts (status, rc, job events) written as AWX reads them.
Resources check only, on localhost, for speed."""

from __future__ import annotations

import glob
import json
import os
import subprocess

import pytest
import yaml

from conftest import BIN, REPO

IDENT = 'tank-audit-job'


def _runner_env():
    """The environment of a job: no test callback or config of ours; ansible-runner sets its own."""
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('ANSIBLE_'))
    env['PATH'] = BIN + os.pathsep + env.get('PATH', '')
    return env


@pytest.fixture(scope='module')
def job(tmp_path_factory):
    """One audit job run by ansible-runner from a private data directory, as AWX lays it out."""
    root = tmp_path_factory.mktemp('awx')
    private = root / 'private_data_dir'
    for sub in ('project', 'inventory', 'env'):
        (private / sub).mkdir(parents=True)
    # The project's playbook, as docs/awx.md tells to put it in the AWX project.
    (private / 'project' / 'audit.yml').write_text(yaml.safe_dump([{'ansible.builtin.import_playbook': 'tank.monitoring.audit'}]))
    (private / 'inventory' / 'hosts.yml').write_text(yaml.safe_dump({'all': {'hosts': {'localhost': {
        'ansible_connection': 'local', 'ansible_python_interpreter': os.path.join(BIN, 'python')}}}}))
    mounted = root / 'mnt' / 'tank-reports'
    report_dir = mounted / 'audit'
    (private / 'env' / 'extravars').write_text(yaml.safe_dump({
        'audit_report_dir': str(report_dir), 'audit_checks': ['resources']}))
    # In AWX the collection is in the execution environment; here, the checkout by its FQCN.
    (private / 'env' / 'envvars').write_text(yaml.safe_dump({
        'ANSIBLE_COLLECTIONS_PATH': os.path.join(REPO, '.build', 'collections')}))
    proc = subprocess.run([os.path.join(BIN, 'ansible-runner'), 'run', str(private), '-p', 'audit.yml', '--ident', IDENT],
                          capture_output=True, text=True, env=_runner_env(), timeout=600, check=False, cwd=str(root))
    artifacts = private / 'artifacts' / IDENT
    events = []
    for path in glob.glob(str(artifacts / 'job_events' / '*.json')):
        with open(path) as handle:
            events.append(json.load(handle))
    events.sort(key=lambda e: e.get('counter', 0))
    return {'proc': proc, 'artifacts': artifacts, 'report_dir': report_dir, 'events': events}


def test_audit_runs_under_ansible_runner_and_reports_to_the_mounted_dir(job):
    proc, artifacts = job['proc'], job['artifacts']
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (artifacts / 'status').read_text().strip() == 'successful'
    assert (artifacts / 'rc').read_text().strip() == '0'
    assert 'PLAY RECAP' in (artifacts / 'stdout').read_text()
    names = [e['event'] for e in job['events']]
    assert names[0] == 'playbook_on_start' and names[-1] == 'playbook_on_stats', names
    task_names = [e['event_data'].get('task') for e in job['events'] if e['event'] == 'runner_on_ok']
    assert 'Audit | Run the checks of this host in one round trip' in task_names

    with open(str(job['report_dir'] / 'audit.json')) as handle:
        report = json.load(handle)
    assert set(report['hosts']) == {'localhost'}
    assert list(report['hosts']['localhost']['checks']) == ['resources']
    assert report['summary']['hosts'] == 1
    summary = (job['report_dir'] / 'summary.txt').read_text()
    assert 'Report: %s' % (job['report_dir'] / 'audit.json') in summary
    # The audit changes nothing on the host: only the report writes on the controller changed.
    audit_events = [e for e in job['events'] if e['event'] == 'runner_on_ok'
                    and e['event_data'].get('task') == 'Audit | Run the checks of this host in one round trip']
    assert audit_events and audit_events[0]['event_data']['res']['changed'] is False


def test_stats_reach_runner_artifacts(job):
    """The audit summary reaches ansible-runner's (and so AWX's) artifacts through set_stats
    (key tank_audit: status counts, worst status, report paths), for workflow nodes and notifications."""
    stats = [e for e in job['events'] if e['event'] == 'playbook_on_stats']
    assert stats, 'no playbook_on_stats event in the artifacts'
    artifact_data = stats[-1]['event_data'].get('artifact_data') or {}
    assert 'tank_audit' in artifact_data, (
        'roles/audit/tasks/report.yml publishes no ansible.builtin.set_stats tank_audit (artifact_data: %r)' % artifact_data)
    published = json.dumps(artifact_data['tank_audit'])
    with open(str(job['report_dir'] / 'audit.json')) as handle:
        report = json.load(handle)
    assert str(job['report_dir'] / 'audit.json') in published
    status = report['hosts']['localhost']['status']
    assert '"%s"' % status in published, 'the worst status %s is not published' % status
    assert '"%s": 1' % status in published, 'no count of 1 host %s in the published counts' % status
