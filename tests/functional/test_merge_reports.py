# -*- coding: utf-8 -*-
"""Job slicing: playbooks/audit.yml run on two slices of one inventory (--limit, the way an AWX
sliced job splits it), each into its own report directory, then playbooks/merge_reports.yml
combines them into one fleet report. Four aliases of localhost, resources check only."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from conftest import BIN, REPO, ansible_env

HOSTS = ('tank01', 'tank02', 'tank03', 'tank04')
SLICES = (('slice-1', 'tank01,tank02'), ('slice-2', 'tank03,tank04'))


def _playbook(playbook, inventory, extra_vars, limit=None):
    cmd = [os.path.join(BIN, 'ansible-playbook'), playbook, '-i', str(inventory), '-e', json.dumps(extra_vars)]
    if limit:
        cmd += ['--limit', limit]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=600, check=False,
                          env=ansible_env(ANSIBLE_STDOUT_CALLBACK='default', ANSIBLE_SHOW_CUSTOM_STATS='1'))


def _merge(extra_vars):
    return _playbook('playbooks/merge_reports.yml', 'localhost,', extra_vars)


def _custom_stats(stdout):
    """The ``set_stats`` data the default callback prints (``CUSTOM STATS`` ... ``RUN: {...}``)."""
    block = stdout.split('CUSTOM STATS', 1)[1]
    return json.JSONDecoder().raw_decode(block[block.index('RUN:') + 4:].lstrip())[0]


def _load(path):
    with open(str(path)) as handle:
        return json.load(handle)


@pytest.fixture(scope='module')
def slices(tmp_path_factory):
    root = tmp_path_factory.mktemp('slicing')
    inventory = root / 'hosts.yml'
    inventory.write_text(yaml.safe_dump({'all': {
        'hosts': dict((name, {'ansible_connection': 'local', 'ansible_host': '127.0.0.1',
                              'ansible_python_interpreter': os.path.join(BIN, 'python')}) for name in HOSTS),
        'vars': {'audit_checks': ['resources']}}}))
    reports = root / 'reports'
    for name, limit in SLICES:
        proc = _playbook('playbooks/audit.yml', inventory, {'audit_report_dir': str(reports / name)}, limit=limit)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return root, reports


def test_each_slice_reports_only_its_hosts(slices):
    _root, reports = slices
    assert sorted(_load(reports / 'slice-1' / 'audit.json')['hosts']) == ['tank01', 'tank02']
    assert sorted(_load(reports / 'slice-2' / 'audit.json')['hosts']) == ['tank03', 'tank04']


def test_two_slices_merge_into_one_fleet_report(slices):
    root, reports = slices
    fleet = root / 'fleet'
    proc = _merge({'merge_reports_dir': str(reports), 'merge_output_dir': str(fleet)})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    merged = _load(fleet / 'audit.json')
    parts = [_load(reports / name / 'audit.json') for name, _limit in SLICES]
    assert sorted(merged['hosts']) == list(HOSTS)
    for part in parts:
        for name, entry in part['hosts'].items():
            assert merged['hosts'][name] == entry
    expected = dict((key, sum(p['summary'][key] for p in parts))
                    for key in ('hosts', 'ok', 'warning', 'unknown', 'critical', 'unreachable'))
    assert dict((key, merged['summary'][key]) for key in expected) == expected
    assert merged['summary']['hosts'] == 4 and merged['summary']['unreachable'] == 0
    assert merged['generated_at'] == max(p['generated_at'] for p in parts)
    assert len(merged['merged_from']) == 2
    summary = (fleet / 'summary.txt').read_text()
    assert 'Summary: 4 host(s), 0 site(s)' in summary
    for name in HOSTS:
        assert '\n%s ' % name in summary
    assert 'Report: %s' % (fleet / 'audit.json') in summary
    assert 'Merged 2 report(s)' in proc.stdout
    # The fleet's summary is published like an audit's (AWX: the node after the merge reads it).
    stats = _custom_stats(proc.stdout)['tank_audit']
    assert stats['hosts'] == 4 and stats['status'] == merged_status(merged)
    assert stats['reports'] == {'json': str(fleet / 'audit.json'), 'summary': str(fleet / 'summary.txt')}

    # Run again with the fleet report inside the merged directory: never an input of itself.
    again = _merge({'merge_reports_dir': str(reports), 'merge_output_dir': str(reports / 'fleet')})
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    again = _merge({'merge_reports_dir': str(reports), 'merge_output_dir': str(reports / 'fleet')})
    assert 'Merged 2 report(s)' in again.stdout, again.stdout[-3000:]


def merged_status(report):
    order = ('ok', 'warning', 'unknown', 'critical')
    return max((entry['status'] for entry in report['hosts'].values()), key=order.index)


def test_a_bad_merge_language_is_named(slices):
    root, reports = slices
    proc = _merge({'merge_reports_dir': str(reports), 'merge_output_dir': str(root / 'fr'), 'merge_report_lang': 'fr'})
    assert proc.returncode != 0
    assert 'merge_report_lang is en or ko' in proc.stdout and 'Traceback' not in proc.stdout + proc.stderr


def test_a_list_of_files_merges_only_those(slices):
    root, reports = slices
    out = root / 'only-one'
    proc = _merge({'merge_reports_files': [str(reports / 'slice-2' / 'audit.json')], 'merge_output_dir': str(out)})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert sorted(_load(out / 'audit.json')['hosts']) == ['tank03', 'tank04']


def test_no_report_to_merge_is_a_clear_message(tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    proc = _merge({'merge_reports_dir': str(empty), 'merge_output_dir': str(tmp_path / 'out')})
    assert proc.returncode != 0
    assert 'No audit.json to merge: merge_reports_dir=%s' % empty in proc.stdout
    assert 'Traceback' not in proc.stdout + proc.stderr
    assert not (tmp_path / 'out').exists()
