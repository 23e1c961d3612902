# -*- coding: utf-8 -*-
"""The remediation plan: which findings get which action, and everything else needs a person."""

from __future__ import annotations

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _remediate
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError


def finding(fid, subject=None, status='critical'):
    return {'id': fid, 'status': status, 'subject': subject, 'message': 'm ' + fid, 'remedy': 'r ' + fid,
            'guide_section': '§3'}


def checks(**by_check):
    return dict((name, {'status': 'critical', 'findings': list(found)}) for name, found in by_check.items())


def test_healthy_host_has_an_empty_plan():
    assert _remediate.make_plan(checks(pm2=[], nginx=[])) == {'actions': [], 'needs_person': []}


def test_pm2_actions_in_order_with_one_save_at_the_end():
    plan = _remediate.make_plan(checks(pm2=[
        finding('pm2.dump.unsaved_app', 'mailer', 'warning'), finding('pm2.app.stopped', 'worker'),
        finding('pm2.app.errored', 'backend'), finding('pm2.dump.stale_app', 'old', 'warning'),
        finding('pm2.app.restart_loop', 'api[3]')]))
    assert [(a['action'], a['subject'], a['command'], a['save_logs']) for a in plan['actions']] == [
        ('pm2_start', 'worker', 'pm2 start worker', False),
        ('pm2_restart', 'backend', 'pm2 restart backend', True),
        ('pm2_restart', 'api[3]', 'pm2 restart 3', True),
        ('pm2_save', 'dump.pm2', plan['actions'][3]['command'], False)]
    assert plan['actions'][3]['finding_ids'] == ['pm2.dump.stale_app', 'pm2.dump.unsaved_app']
    assert plan['needs_person'] == []


def test_nginx_reload_only_for_a_port_nginx_misses():
    plan = _remediate.make_plan(checks(nginx=[finding('nginx.port.not_listening', '8080'),
                                              finding('nginx.config.invalid', '/etc/nginx/nginx.conf')]))
    assert [a['action'] for a in plan['actions']] == ['nginx_reload']
    assert [p['id'] for p in plan['needs_person']] == ['nginx.config.invalid']


@pytest.mark.parametrize('check,fid,word', [
    ('oracle', 'oracle.connect.failed', 'database'), ('logsdb', 'logsdb.email.fail_rate', 'database'),
    ('ses', 'ses.quota.high', 'SES account'), ('storage', 'storage.path.missing', 'NAS'),
])
def test_what_a_person_decides_is_never_an_action(check, fid, word):
    plan = _remediate.make_plan({}, checks(**{check: [finding(fid)]})) if check != 'storage' else \
        _remediate.make_plan(checks(storage=[finding(fid)]))
    assert plan['actions'] == []
    assert plan['needs_person'][0]['id'] == fid and word in plan['needs_person'][0]['why']
    assert plan['needs_person'][0]['remedy'] == 'r ' + fid


def test_site_findings_are_never_acted_on_even_with_a_pm2_id():
    plan = _remediate.make_plan({}, checks(pm2=[finding('pm2.app.stopped', 'worker')]))
    assert plan['actions'] == [] and plan['needs_person'][0]['site'] is True


def test_ok_findings_and_unknown_ones_without_fix():
    plan = _remediate.make_plan(checks(pm2=[finding('pm2.app.missing', 'worker'), finding('pm2.app.stopped', 'x', 'ok')]))
    assert plan['actions'] == [] and [p['id'] for p in plan['needs_person']] == ['pm2.app.missing']
    assert plan['needs_person'][0]['why'] == _remediate.NOT_AUTOMATED


def test_plan_lines_say_what_would_run():
    plan = _remediate.make_plan(checks(pm2=[finding('pm2.app.stopped', 'worker')], storage=[finding('storage.path.missing', '/nas')]))
    lines = _remediate.plan_lines(plan, dry_run=True)
    assert lines[0].startswith('would run pm2 start worker')
    assert lines[1].startswith('needs a person: storage.path.missing /nas')


@pytest.mark.parametrize('bad', [{'pm2': 'x'}, {'pm2': {'findings': ['x']}}, {'pm2': {'findings': [{'no': 'id'}]}}])
def test_bad_input_is_named(bad):
    with pytest.raises(CheckInputError, match='checks.pm2'):
        _remediate.make_plan(bad)


def test_tail_reads_the_last_lines(tmp_path):
    path = tmp_path / 'log'
    path.write_text(''.join('line %d\n' % n for n in range(1000)))
    assert _remediate.tail(str(path), 3) == 'line 997\nline 998\nline 999\n'
    assert _remediate.tail(str(path), 2, max_bytes=30).splitlines() == ['line 998', 'line 999']
    assert _remediate.tail(str(tmp_path / 'none'), 3) is None
