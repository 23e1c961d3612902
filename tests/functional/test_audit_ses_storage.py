# -*- coding: utf-8 -*-
"""The audit role runs storage on backend/worker hosts and ses on site hosts, and the report shows both."""

from __future__ import annotations

import pytest

import json
import os
import sys

from conftest import REPO, run_playbook
from ses_support import FAKE_KEY, FAKE_SECRET, MotoSes
from storage_support import Mounts, probe_files, probe_processes

AWS_ENV = {'AWS_EC2_METADATA_DISABLED': 'true', 'AWS_CONFIG_FILE': '/dev/null',
           'AWS_SHARED_CREDENTIALS_FILE': '/dev/null', 'NO_PROXY': '127.0.0.1,localhost'}


@pytest.mark.finding('storage.path.missing', 'ses.quota.used')
def test_audit_report_shows_storage_and_ses(tmp_path):
    moto = MotoSes()
    mounts = Mounts()
    try:
        moto.reset()
        moto.send(170)  # 85% of moto's daily quota
        share = mounts.tmpfs('share')
        local = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
        inventory = tmp_path / 'hosts.yml'
        inventory.write_text(json.dumps({'all': {
            'children': {'tank_worker': {'hosts': {'localhost': local}}, 'tank_site': {'hosts': {'localhost': {}}}},
            'vars': {
                'audit_skip_checks': ['oracle', 'logsdb'],
                'audit_options': {
                    'resources': {'cpu_sample_seconds': 0},
                    'storage': {'paths': [{'path': share, 'mount': True, 'fstype': 'tmpfs'},
                                          {'path': os.path.join(mounts.base, 'gone')}]},
                    'ses': {'endpoint_url': moto.url, 'region': 'eu-west-1', 'access_key': FAKE_KEY,
                            'secret_key': FAKE_SECRET}},
                'audit_thresholds': {'ses': {'quota_exhausted_in_hours': {'warning': None, 'critical': None}}},
            }}}))
        report_dir = tmp_path / 'reports'
        run = run_playbook(os.path.join(REPO, 'playbooks', 'audit.yml'), inventory=str(inventory),
                           extra_vars={'audit_report_dir': str(report_dir)}, check=True, env=AWS_ENV)
        assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
        report = json.loads((report_dir / 'audit.json').read_text())
        checks = dict(report['hosts']['localhost']['checks'], **report['sites']['default']['checks'])
        assert {'resources', 'storage', 'ses'} <= set(checks)
        assert checks['storage']['status'] == 'critical'
        assert [f['id'] for f in checks['storage']['findings']] == ['storage.path.missing']
        assert checks['ses']['status'] == 'warning'
        assert [f['id'] for f in checks['ses']['findings']] == ['ses.quota.used']
        summary = (report_dir / 'summary.txt').read_text()
        assert 'storage.path.missing' in summary and 'ses.quota.used' in summary
        assert FAKE_SECRET not in run.stdout + run.stderr + summary
        assert probe_files(share) == [] and probe_processes() == []
    finally:
        mounts.cleanup()
        moto.stop()
