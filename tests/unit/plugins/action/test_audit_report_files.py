# -*- coding: utf-8 -*-
"""The report writer action: every format from one report, atomic replacement, history naming."""
from __future__ import annotations

import json
import os
import re
import stat

import pytest

from ansible_collections.tank.monitoring.plugins.action import audit_report_files as writer
from ansible_collections.tank.monitoring.plugins.module_utils import _render

from tests.unit.plugins.module_utils.test_render import faulty_report


def _paths(directory):
    return dict((key, os.path.join(str(directory), name)) for key, name in writer.FILES)


def test_render_gives_every_file_of_the_report_directory(tmp_path):
    report = faulty_report()
    contents = writer.render(report, _paths(tmp_path), 'critical', 'en')
    assert set(contents) == set(key for key, dummy in writer.FILES)
    assert json.loads(contents['json']) == json.loads(json.dumps(report))
    assert contents['summary'] == _render.console_text(report, report_path=_paths(tmp_path)['json']) + '\n'
    assert contents['junit'] == _render.junit_xml(report, fail_on='critical')
    assert contents['prometheus'] == _render.prometheus_text(report)
    assert contents['html'].lstrip().lower().startswith('<!doctype html>')


def test_korean_words_in_the_korean_report(tmp_path):
    contents = writer.render(faulty_report(), _paths(tmp_path), 'never', 'ko')
    assert contents['summary'] == _render.console_text(faulty_report(), report_path=_paths(tmp_path)['json'],
                                                       lang='ko') + '\n'
    assert contents['summary'] != writer.render(faulty_report(), _paths(tmp_path), 'never', 'en')['summary']


def test_write_file_replaces_atomically_and_reports_no_change_for_the_same_content(tmp_path):
    path = str(tmp_path / 'audit.json')
    assert writer.write_file(path, 'first\n', 0o640) is True
    assert open(path).read() == 'first\n' and stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert writer.write_file(path, 'first\n', 0o640) is False
    assert writer.write_file(path, 'first\n', 0o644) is True  # a mode change is a change
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert writer.write_file(path, 'second\n', 0o644) is True
    assert open(path).read() == 'second\n'
    assert os.listdir(str(tmp_path)) == ['audit.json']  # no temporary file left behind


def test_check_mode_writes_nothing(tmp_path):
    path = str(tmp_path / 'summary.txt')
    assert writer.write_file(path, 'text', 0o640, check_mode=True) is True
    assert not os.path.exists(path)
    assert writer.make_dir(str(tmp_path / 'history'), check_mode=True) is True
    assert not os.path.exists(str(tmp_path / 'history'))


def test_history_copies_sort_by_time_in_their_names():
    names = [writer.history_name(t) for t in ('2026-12-01T09:00:00Z', '2026-11-30T23:59:59Z', '2026-12-01T10:00:00Z')]
    assert names[0] == 'audit-20261201T090000Z.json'
    assert sorted(names, reverse=True) == [names[2], names[0], names[1]]


def test_previous_report_is_compared_when_readable_and_named_when_not(tmp_path):
    report = faulty_report()
    assert writer.read_previous(str(tmp_path / 'missing.json')) is None
    assert _render.since_last_text(report, None)['first_audit'] is True
    broken = _render.since_last_text(report, b'{not json')
    assert broken['first_audit'] is False and 'not valid JSON' in broken['previous_error']
    same = _render.since_last_text(report, json.dumps(report))
    assert same['new'] == [] and same['persisting']


def test_directories_get_their_mode_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        path = str(tmp_path / 'reports' / 'history')
        assert writer.make_dir(path) is True
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == writer.DIR_MODE
    assert writer.make_dir(path) is False


def _action(args, check_mode=False):
    """The action plugin as Ansible builds it for a task (it needs no connection: controller only)."""
    import types

    from ansible.parsing.dataloader import DataLoader
    from ansible.playbook.play_context import PlayContext
    from ansible.playbook.task import Task
    from ansible.template import Templar

    task = Task.load({'action': 'tank.monitoring.audit_report_files', 'args': args, 'check_mode': check_mode})
    loader = DataLoader()
    connection = types.SimpleNamespace(_shell=types.SimpleNamespace(tmpdir='/unused'))
    return writer.ActionModule(task, connection, PlayContext(), loader, Templar(loader=loader), None)


def _run(args, check_mode=False):
    return _action(args, check_mode).run(task_vars={})


def test_writes_every_file_keeps_history_and_returns_each_hosts_fail_on_status(tmp_path):
    directory = tmp_path / 'reports'
    report = faulty_report()
    first = _run({'report': dict(report, generated_at='2026-12-01T09:00:00Z'), 'dir': str(directory), 'keep': 2})
    assert first['changed'] is True and first['removed'] == []
    assert sorted(os.listdir(str(directory))) == sorted([name for dummy, name in writer.FILES] + ['history'])
    assert first['paths']['json'] == str(directory / 'audit.json')
    assert first['report']['since_last_audit']['first_audit'] is True
    assert first['host_statuses'] == {'app01': 'critical', 'app02': 'ok', 'web01': 'unreachable'}
    assert first['fail_on_hosts'] == []  # fail_on: never
    for when in ('2026-12-01T10:00:00Z', '2026-12-01T11:00:00Z'):
        later = _run({'report': dict(report, generated_at=when), 'dir': str(directory), 'keep': 2})
    assert later['report']['since_last_audit']['first_audit'] is False
    assert later['removed'] == [str(directory / 'history' / 'audit-20261201T090000Z.json')]
    assert sorted(os.listdir(str(directory / 'history'))) == ['audit-20261201T100000Z.json', 'audit-20261201T110000Z.json']
    assert json.loads((directory / 'audit.json').read_text())['generated_at'] == '2026-12-01T11:00:00Z'


def test_check_mode_of_the_action_writes_nothing(tmp_path):
    result = _run({'report': faulty_report(), 'dir': str(tmp_path / 'reports')}, check_mode=True)
    assert result['changed'] is True and str(tmp_path / 'reports' / 'audit.json') in result['written']
    assert not os.path.exists(str(tmp_path / 'reports'))


@pytest.mark.parametrize('args, message', [
    ({'keep': -1}, 'keep must be a count of history copies (0 or more), got -1'),
    ({'report': {'hosts': []}}, 'report must be the audit report'),
    ({'textfile_dir': '/nonexistent/textfile'}, 'textfile_dir /nonexistent/textfile is not a directory'),
])
def test_bad_arguments_are_named(tmp_path, args, message):
    from ansible.errors import AnsibleActionFail
    full = dict({'report': faulty_report(), 'dir': str(tmp_path / 'reports')}, **args)
    with pytest.raises(AnsibleActionFail, match=re.escape(message)):
        _run(full)


def test_a_directory_it_cannot_write_is_named(tmp_path):
    from ansible.errors import AnsibleActionFail
    blocker = tmp_path / 'file'
    blocker.write_text('not a directory')
    with pytest.raises(AnsibleActionFail, match=re.escape('cannot write the audit report in %s/reports' % blocker)):
        _run({'report': faulty_report(), 'dir': str(blocker / 'reports')})


@pytest.mark.parametrize('fail_on, hosts', [('never', []), ('critical', ['app01', 'web01']),
                                            ('warning', ['app01', 'web01'])])
def test_hosts_at_or_above_fail_on_unreachable_included(tmp_path, fail_on, hosts):
    result = _run({'report': faulty_report(), 'dir': str(tmp_path / 'reports'), 'fail_on': fail_on})
    assert result['fail_on_hosts'] == hosts
