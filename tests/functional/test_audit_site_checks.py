# -*- coding: utf-8 -*-
"""The audit role runs oracle and logsdb for hosts of group tank_site and reports them."""

from __future__ import annotations

import pytest

import json
import os
import sys

from logsdb_support import build_logsdb
from oracle_support import closed_port

PASSWORD = 'Audit-Secret-pw-9034'


@pytest.mark.finding('oracle.connect.refused', 'logsdb.email_send.fail_spike')
def test_audit_reports_oracle_and_logsdb_for_the_site_host(tmp_path):
    from conftest import REPO, run_playbook

    database = build_logsdb(tmp_path / 'logs.db', faults=['fail-spike'])
    port = closed_port()
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(json.dumps({'all': {'children': {'tank_site': {'hosts': {'localhost': {
        'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}},
        'vars': {'audit_checks': ['oracle', 'logsdb'],
                 'audit_options': {
                     'oracle': {'host': '127.0.0.1', 'port': port, 'service_name': 'TANKPDB', 'user': 'tank_monitor',
                                'password': PASSWORD, 'connect_timeout': 2},
                     'logsdb': {'database': 'sqlite:///' + database}},
                 'audit_thresholds': {'logsdb': {'send_fail_percent': {'critical': 50}}}}}}))
    report_dir = tmp_path / 'reports'
    run = run_playbook(os.path.join(REPO, 'playbooks', 'audit.yml'), inventory=str(inventory),
                       extra_vars={'audit_report_dir': str(report_dir)}, check=True, verbosity=4)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((report_dir / 'audit.json').read_text())
    assert report['hosts']['localhost']['checks'] == {}
    assert report['sites']['default']['runner'] == 'localhost'
    checks = report['sites']['default']['checks']
    assert set(checks) == {'oracle', 'logsdb'}
    assert [f['id'] for f in checks['oracle']['findings']] == ['oracle.connect.refused']
    (spike,) = checks['logsdb']['findings']
    assert spike['id'] == 'logsdb.email_send.fail_spike'
    assert spike['status'] == 'warning' and spike['threshold']['critical'] == 50  # the inventory override
    summary = (report_dir / 'summary.txt').read_text()
    assert 'oracle.connect.refused' in summary and 'logsdb.email_send.fail_spike' in summary
    assert PASSWORD not in run.stdout + run.stderr
    assert PASSWORD not in (report_dir / 'audit.json').read_text() + summary


def test_site_checks_run_only_for_tank_site_in_the_default_grouping(tmp_path):
    from conftest import REPO, run_playbook

    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(json.dumps({'all': {'children': {'tank_worker': {'hosts': {'localhost': {
        'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}},
        'vars': {'audit_options': {'resources': {'cpu_sample_seconds': 0}}}}}))
    report_dir = tmp_path / 'reports'
    run = run_playbook(os.path.join(REPO, 'playbooks', 'audit.yml'), inventory=str(inventory),
                       extra_vars={'audit_report_dir': str(report_dir)}, check=True)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((report_dir / 'audit.json').read_text())
    assert set(report['hosts']['localhost']['checks']) == {'resources', 'pm2', 'logs'}
    assert report['sites'] == {}
