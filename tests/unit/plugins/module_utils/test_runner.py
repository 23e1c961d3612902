# -*- coding: utf-8 -*-
"""The runner: validation against the check's spec, a killable child per check, streaming, scrubbing."""
from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.tank.monitoring.plugins.module_utils import _contract as c
from ansible_collections.tank.monitoring.plugins.module_utils import _module as m
from ansible_collections.tank.monitoring.plugins.module_utils import _runner as r
from ansible_collections.tank.monitoring.plugins.module_utils._check import (
    HOST,
    CheckInputError,
    Deadline,
    MissingLibrary,
    declare,
    run_bounded,
)


def demo_spec(logic, argument_spec=None, name='demo', **extra):
    """A check declared the way every real check is, with ``logic`` as its ``run``."""
    namespace = {
        'CHECK': name,
        'run': logic,
        'CATALOGUE': {'thing.bad': c.FindingSpec('§1', 'Fix the thing.')},
        'ARGUMENT_SPEC': argument_spec or {},
        'DEFAULT_TIMEOUT': 5.0,
    }
    namespace.update(extra)
    return declare(namespace, scope=HOST)


def test_hang_is_cut_at_the_timeout_and_keeps_what_was_found():
    def hang(params, result, deadline):
        result.add('thing.bad', 'warning', 'found before hanging', subject='a')
        result.metric('seen', 1)
        time.sleep(60)

    started = time.monotonic()
    data = r.run_check(demo_spec(hang), {'timeout': 0.5})
    elapsed = time.monotonic() - started
    assert elapsed < 0.5 + 1.0
    assert data['status'] == 'unknown'
    ids = [f['id'] for f in data['findings']]
    assert ids == ['demo.timeout', 'demo.thing.bad']
    assert data['findings'][0]['reason'] == 'timeout'
    assert data['metrics'] == {'seen': 1}


def test_cpu_bound_regex_in_c_is_killed_at_the_timeout():
    # A catastrophic pattern holds the GIL inside the regex engine: only a killable child bounds it.
    def regex(params, result, deadline):
        re.search(r'(a+)+$', 'a' * 40 + 'b')

    started = time.monotonic()
    data = r.run_check(demo_spec(regex), {'timeout': 1})
    assert time.monotonic() - started < 1 + 1.0
    assert [f['id'] for f in data['findings']] == ['demo.timeout']


def test_commands_a_killed_check_started_are_killed_with_it(tmp_path):
    marker = tmp_path / 'pid'

    def spawn(params, result, deadline):
        proc = subprocess.Popen(['sleep', '300'])  # pylint: disable=consider-using-with
        marker.write_text(str(proc.pid))
        run_bounded(['sleep', '300'], Deadline(300))

    r.run_check(demo_spec(spawn), {'timeout': 1})
    pid = int(marker.read_text())
    for _attempt in range(100):
        try:
            with open('/proc/%d/stat' % pid) as handle:
                if handle.read().split(') ')[1].startswith('Z'):
                    break
        except OSError:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, 9)
        pytest.fail('the sleep started by the killed check survived it')


def test_the_parent_deadline_bounds_every_check():
    def slow(params, result, deadline):
        time.sleep(30)

    job = r.prepare(demo_spec(slow), {'timeout': 30})
    started = time.monotonic()
    results = r.run_jobs([job], Deadline(0.5))
    assert time.monotonic() - started < 0.5 + 1.0
    assert results['demo']['findings'][0]['id'] == 'demo.timeout'


def test_checks_run_concurrently_each_under_its_own_timeout():
    def quick(params, result, deadline):
        result.add('thing.bad', 'warning', 'quick one')

    def stuck(params, result, deadline):
        time.sleep(60)

    jobs = [r.prepare(demo_spec(quick, name='quick'), {}), r.prepare(demo_spec(stuck, name='stuck'), {'timeout': 0.5})]
    results = r.run_jobs(jobs)
    assert results['quick']['status'] == 'warning'
    assert results['stuck']['findings'][0]['id'] == 'stuck.timeout'


def test_unexpected_exception_becomes_unknown_with_the_traceback():
    def boom(params, result, deadline):
        raise RuntimeError('disk on fire')

    data = r.run_check(demo_spec(boom), {})
    assert data['status'] == 'unknown'
    assert data['findings'][0]['id'] == 'demo.error'
    assert 'RuntimeError: disk on fire' in data['findings'][0]['message']
    assert 'Traceback' in data['exception']


def test_missing_library_uses_missing_required_lib_text():
    def needs_lib(params, result, deadline):
        raise MissingLibrary('psutil')

    (finding,) = r.run_check(demo_spec(needs_lib), {})['findings']
    assert finding['id'] == 'demo.missing_library'
    assert 'Failed to import the required Python library (psutil)' in finding['message']


def test_permission_denied_is_unknown():
    def denied(params, result, deadline):
        raise PermissionError(13, 'Permission denied', '/secret')

    data = r.run_check(demo_spec(denied), {})
    assert data['findings'][0]['id'] == 'demo.permission_denied'


def _noop(params, result, deadline):
    return None


@pytest.mark.parametrize('timeout, message', [
    (0, 'option timeout must be between 0.1 and 3600 seconds, got 0'),
    (1e10, 'option timeout must be between 0.1 and 3600 seconds'),
    ('inf', 'option timeout must be a finite number, got inf'),
    ('nan', 'option timeout must be a finite number, got nan'),
    (-1, 'option timeout must not be negative'),
    ('soon', "argument 'timeout' is of type"),
])
def test_bad_timeouts_are_clear_errors(timeout, message):
    with pytest.raises(CheckInputError) as exc:
        r.prepare(demo_spec(_noop), {'timeout': timeout}, where='audit_options.demo')
    assert str(exc.value).startswith('audit_options.demo: ')
    assert message in str(exc.value)


def test_number_options_must_be_finite_and_not_negative():
    spec = demo_spec(_noop, {'window_minutes': dict(type='float', default=15.0)})
    with pytest.raises(CheckInputError, match='option window_minutes must not be negative'):
        r.prepare(spec, {'window_minutes': -5})
    with pytest.raises(CheckInputError, match='option window_minutes must be a finite number'):
        r.prepare(spec, {'window_minutes': float('inf')})


def test_options_are_validated_and_defaulted_by_the_spec():
    spec = demo_spec(_noop, {'window_minutes': dict(type='float', default=15.0)})
    job = r.prepare(spec, {'window_minutes': '30'})
    assert job.params['window_minutes'] == 30.0
    assert job.params['timeout'] == 5.0
    assert job.params['fail_on'] == 'never'
    with pytest.raises(CheckInputError, match='unsupported option windw'):
        r.prepare(spec, {'windw': 1})
    with pytest.raises(CheckInputError, match='must be a mapping'):
        r.prepare(spec, ['not', 'a', 'dict'])


def test_thresholds_must_be_finite_non_negative_and_keep_fractions():
    spec = demo_spec(_noop, name='resources')
    with pytest.raises(CheckInputError, match='cpu_busy_percent.warning must be a finite number'):
        r.prepare(spec, {'thresholds': {'cpu_busy_percent': {'warning': float('inf')}}})
    with pytest.raises(CheckInputError, match='must not be negative'):
        r.prepare(spec, {'thresholds': {'cpu_busy_percent': {'warning': -1}}})
    with pytest.raises(CheckInputError, match='unknown threshold'):
        r.prepare(spec, {'thresholds': {'nope': {}}})
    job = r.prepare(spec, {'thresholds': {'swap_used_percent': {'warning': 1e-05}}})
    assert job.thresholds['swap_used_percent'].warning == 1e-05


def test_validate_hook_runs_before_the_check():
    def validate(params):
        raise CheckInputError('paths must not be empty')

    with pytest.raises(CheckInputError, match='checks.demo: paths must not be empty'):
        r.prepare(demo_spec(_noop, validate=validate), {}, where='checks.demo')


def test_input_error_raised_while_running_is_returned_not_a_finding():
    def bad(params, result, deadline):
        raise CheckInputError('cpu_sample_seconds must be shorter than timeout')

    assert r.run_jobs([r.prepare(demo_spec(bad), {})]) == {
        'demo': {'input_error': 'cpu_sample_seconds must be shorter than timeout'}}
    with pytest.raises(CheckInputError, match='shorter than timeout'):
        r.run_check(demo_spec(bad), {})


def test_secrets_are_scrubbed_from_every_string():
    spec = demo_spec(lambda params, result, deadline: result.add(
        'thing.bad', 'critical', 'login as scott/%s failed' % params['password'], subject='%s@db' % params['password']),
        {'password': dict(type='str', no_log=True)})
    data = r.run_check(spec, {'password': 'Tiger-123'})
    assert 'Tiger-123' not in json.dumps(data)
    assert '********' in data['findings'][0]['message']


def test_secret_values_hook_adds_secrets():
    spec = demo_spec(lambda params, result, deadline: result.add('thing.bad', 'warning', 'header %s' % params['h']),
                     {'h': dict(type='str')}, secret_values=lambda params: [params['h']])
    job = r.prepare(spec, {'h': 'abc-secret'})
    assert job.secrets == ['abc-secret']
    assert 'abc-secret' not in json.dumps(r.run_jobs([job]))


def test_prefetch_runs_once_in_the_parent_and_is_inherited(tmp_path):
    calls = tmp_path / 'calls'
    memo = {}

    def prefetch(params, deadline):
        with open(str(calls), 'a') as handle:
            handle.write('x')
        memo['list'] = ['backend', 'worker']

    def uses(params, result, deadline):
        result.metric('apps', len(memo.get('list', [])))

    owner = demo_spec(uses, name='owner', prefetch=prefetch)
    owner.shares = 'owner'
    other = demo_spec(uses, name='other')
    other.shares = 'owner'
    results = r.run_jobs([r.prepare(owner, {}), r.prepare(other, {})])
    assert calls.read_text() == 'x'
    assert results['owner']['metrics'] == {'apps': 2}
    assert results['other']['metrics'] == {'apps': 2}


def _module_run(capsys, args, logic):
    spec = demo_spec(logic, dict(password=dict(type='str', no_log=True)))
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            m.CheckModule(spec).run()
    return json.loads(capsys.readouterr().out)


def _critical(params, result, deadline):
    result.add('thing.bad', 'critical', 'broken with %s' % params['password'])


def test_module_reports_finding_without_failing_by_default(capsys):
    out = _module_run(capsys, {'password': 'hunter22'}, _critical)
    assert out['changed'] is False
    assert 'failed' not in out
    assert out['status'] == 'critical'
    assert 'hunter22' not in json.dumps(out)


def test_module_fails_when_fail_on_is_reached(capsys):
    out = _module_run(capsys, {'password': 'hunter22', 'fail_on': 'warning'}, _critical)
    assert out['failed'] is True
    assert 'reported critical (fail_on=warning)' in out['msg']
    assert out['findings'][0]['id'] == 'demo.thing.bad'


def test_module_bad_input_is_a_clear_failure(capsys):
    out = _module_run(capsys, {'thresholds': {'x': 1}}, _critical)
    assert out['failed'] is True
    assert out['msg'].startswith('unknown threshold(s) for the demo check: x')


# -- options that ansible-core's validator answers with an exception (found by the fuzz suite) -------------

@pytest.mark.parametrize('name, params, message', [
    ('nginx', {'max_assets': float('inf')}, 'option max_assets must be a finite number'),
    ('nginx', {'max_assets': 'Infinity'}, 'option max_assets must be a finite number'),
    ('logsdb', {'database': 'oracle', 'auto_run_log': True}, 'option auto_run_log must be a mapping of its sub-options'),
    ('logsdb', {'database': 'oracle', 'template_log': [1]}, 'option template_log must be a mapping of its sub-options'),
    ('storage', {'paths': [{'path': '/srv', 'bogus': 1}]}, 'unsupported option paths.bogus'),
])
def test_options_the_validator_chokes_on_are_named(name, params, message):
    from ansible_collections.tank.monitoring.plugins.module_utils._registry import CHECKS
    with pytest.raises(CheckInputError) as raised:
        r.prepare(CHECKS[name], params, where='audit_options.%s' % name)
    assert str(raised.value).startswith('audit_options.%s: %s' % (name, message)), str(raised.value)


def test_an_input_error_raised_while_running_passes_the_scrubber():
    def bad(params, result, deadline):
        raise CheckInputError('cannot log in as mon/%s@db' % params['password'])

    spec = demo_spec(bad, {'password': dict(type='str', no_log=True)})
    data = r.run_jobs([r.prepare(spec, {'password': 'Orapw-77'})])['demo']
    assert 'Orapw-77' not in data['input_error'] and '********' in data['input_error']


@pytest.mark.parametrize('seconds, margin', [(1.0, 0.5), (4.0, 0.5), (10.0, 1.0), (30.0, 2.0), (600.0, 2.0)])
def test_blocking_work_leaves_the_check_time_to_report(seconds, margin):
    deadline = Deadline(seconds)
    assert deadline.report_margin == margin
    assert seconds - margin - 0.1 < deadline.budget() <= seconds - margin
    assert Deadline(0.2).budget() == 0.05 and Deadline(0.2).budget(floor=0) == 0
