# -*- coding: utf-8 -*-
"""The audit role's report files, console report and set_stats, through real playbooks/audit.yml runs.

A real fault (a tmpfs storage path filled to 95%) is healed between two runs: the second run shows
the storage findings as resolved in every format.
"""

from __future__ import annotations

import json
import os
import re
import sys
from xml.etree import ElementTree

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import REPO, fill, run_playbook

PLAYBOOK = os.path.join(REPO, 'playbooks', 'audit.yml')
ESC = '\x1b['


def _inventory(tmp_path, variables):
    local = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
    path = tmp_path / 'hosts.yml'
    path.write_text(json.dumps({'all': {'hosts': {'localhost': local}, 'vars': variables}}))
    return str(path)


def _console(run):
    """What the play printed before the json callback's document: the console report."""
    end = run.stdout.rfind('{"custom_stats"')
    return run.stdout[:end] if end >= 0 else run.stdout


def _prom(path):
    return dict(((s.name, tuple(sorted(s.labels.items()))), s.value)
                for family in text_string_to_metric_families(path.read_text()) for s in family.samples)


def test_fault_healed_between_two_runs_is_resolved_in_every_format(tmp_path, tmpfs):
    share = tmpfs('share', '4m')
    fill(share, 95)
    report_dir = tmp_path / 'reports'
    inventory = _inventory(tmp_path, {
        'audit_checks': ['storage'],
        'audit_options': {'storage': {'paths': [{'path': str(share), 'mount': True, 'fstype': 'tmpfs'}]}},
    })
    first = run_playbook(PLAYBOOK, inventory=inventory, extra_vars={'audit_report_dir': str(report_dir)})
    assert first.rc == 0, first.stdout[-3000:] + first.stderr[-3000:]
    report = json.loads((report_dir / 'audit.json').read_text())
    storage = report['hosts']['localhost']['checks']['storage']
    assert storage['status'] == 'critical', storage
    faults = sorted(f['id'] for f in storage['findings'])
    assert faults and report['since_last_audit']['first_audit'] is True
    # First run: the fault is in every format.
    junit = ElementTree.parse(str(report_dir / 'junit.xml')).getroot()
    case = next(c for c in junit.iter('testcase') if (c.get('classname'), c.get('name')) == ('hosts.localhost', 'storage'))
    assert case.find('failure') is not None and faults[0] in case.find('failure').get('message') + case.find('failure').text
    samples = _prom(report_dir / 'tank_audit.prom')
    assert samples[('tank_audit_host_check_status', (('check', 'storage'), ('host', 'localhost'), ('site', 'default')))] == 3
    assert faults[0] in (report_dir / 'summary.txt').read_text() and faults[0] in (report_dir / 'audit.md').read_text()
    assert 'HOST' in _console(first) and faults[0] in _console(first)
    stats = first.data['custom_stats']['_run']['tank_audit']
    assert stats['status'] == 'critical' and stats['counts']['critical'] == 1
    assert stats['not_ok'] == {'host:localhost': 'critical'}
    assert stats['reports']['junit'] == str(report_dir / 'junit.xml')

    # Heal: empty the filesystem, audit again keeping one history copy.
    os.remove(os.path.join(str(share), 'fill.bin'))
    second = run_playbook(PLAYBOOK, inventory=inventory,
                          extra_vars={'audit_report_dir': str(report_dir), 'audit_report_keep': 1})
    assert second.rc == 0, second.stdout[-3000:] + second.stderr[-3000:]
    report = json.loads((report_dir / 'audit.json').read_text())
    assert report['hosts']['localhost']['checks']['storage']['status'] == 'ok'
    since = report['since_last_audit']
    assert sorted(c['id'] for c in since['resolved']) == faults and since['new'] == [] and since['persisting'] == []
    first_id = faults[0]
    line = re.compile(r'resolved\s+host localhost %s' % re.escape(first_id))
    assert line.search((report_dir / 'summary.txt').read_text())
    assert line.search(_console(second))
    assert re.search(r'\| resolved \| host \| localhost \| `%s` \|' % re.escape(first_id), (report_dir / 'audit.md').read_text())
    junit = ElementTree.parse(str(report_dir / 'junit.xml')).getroot()
    assert int(junit.get('failures')) == 0
    resolved = [c.get('name') for c in junit.iter('testcase') if c.get('classname') == 'since_last_audit.resolved']
    assert 'resolved host localhost %s' % first_id in [n.split(' (')[0] for n in resolved]
    samples = _prom(report_dir / 'tank_audit.prom')
    assert samples[('tank_audit_since_last_findings', (('change', 'resolved'),))] == len(faults)
    assert samples[('tank_audit_host_check_status', (('check', 'storage'), ('host', 'localhost'), ('site', 'default')))] == 0
    stats = second.data['custom_stats']['_run']['tank_audit']
    assert stats['since_last_audit'] == {'new': 0, 'resolved': len(faults), 'persisting': 0}
    # History: one timestamped copy kept, the newest, identical to audit.json.
    history = sorted(os.listdir(str(report_dir / 'history')))
    assert history == ['audit-%s.json' % re.sub('[-:]', '', report['generated_at'])]
    assert json.loads((report_dir / 'history' / history[0]).read_text()) == report
    # The report printed as text lines, not as a JSON list of quoted strings.
    assert '"Tank monitoring audit' not in _console(second) and '\\n' not in _console(second)
    # Nothing changed on the audited host by the audit task itself.
    audit = [r for name, r in second.tasks() if name.endswith('Run the checks of this host in one round trip')]
    assert audit and audit[0]['changed'] is False


@pytest.mark.parametrize('env, coloured', [
    ({'ANSIBLE_NOCOLOR': '0', 'ANSIBLE_FORCE_COLOR': '1'}, True),
    ({'ANSIBLE_NOCOLOR': '0', 'ANSIBLE_FORCE_COLOR': '1', 'NO_COLOR': '1'}, False),
    ({'ANSIBLE_NOCOLOR': '0', 'ANSIBLE_FORCE_COLOR': '1', 'AWX_HOST': 'https://awx.example', 'JOB_ID': '42'}, False),
], ids=['forced', 'no_color', 'awx'])
def test_console_colour_follows_the_controller_environment(tmp_path, env, coloured):
    inventory = _inventory(tmp_path, {'audit_checks': ['resources'],
                                      'audit_options': {'resources': {'cpu_sample_seconds': 0}}})
    run = run_playbook(PLAYBOOK, inventory=inventory, extra_vars={'audit_report_dir': str(tmp_path / 'r')},
                       env=env)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    console = _console(run)
    assert 'Tank monitoring audit' in console and 'HOST' in console
    assert (ESC in console) is coloured
    result = [r for name, r in run.tasks() if name.endswith('Show the report')][0]
    assert result['color'] is coloured and result['changed'] is False
    # summary.txt is never coloured
    assert ESC not in (tmp_path / 'r' / 'summary.txt').read_text()


@pytest.mark.parametrize('variables, message', [
    ({'audit_report_keep': -1}, 'audit_report_keep must be a count'),
    ({'audit_report_color': 'sometimes'}, 'audit_report_color'),
])
def test_bad_report_settings_are_named(tmp_path, variables, message):
    inventory = _inventory(tmp_path, dict({'audit_checks': ['resources']}, **variables))
    run = run_playbook(PLAYBOOK, inventory=inventory, extra_vars={'audit_report_dir': str(tmp_path / 'r')})
    assert run.rc != 0
    assert message in run.stdout + run.stderr
    assert 'Traceback' not in run.stdout + run.stderr
