# -*- coding: utf-8 -*-
"""The report writer action: every format from one report, atomic replacement, history naming."""
from __future__ import annotations

import json
import os
import stat

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
