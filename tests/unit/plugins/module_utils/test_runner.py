# -*- coding: utf-8 -*-
from __future__ import annotations

import json
import threading
import time

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.tank.monitoring.plugins.module_utils import _contract as c
from ansible_collections.tank.monitoring.plugins.module_utils import _runner as r
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, Deadline, MissingLibrary, scrub
from ansible_collections.tank.monitoring.plugins.module_utils._thresholds import ThresholdError

CATALOGUE = {'thing.bad': c.FindingSpec('§1', 'Fix the thing.')}


def test_hang_is_cut_at_the_deadline():
    release = threading.Event()

    def hang(params, result, deadline):
        release.wait(60)

    started = time.monotonic()
    data = r.run_check('demo', hang, {}, CATALOGUE, timeout=0.5)
    elapsed = time.monotonic() - started
    release.set()
    assert elapsed < 2.0
    assert data['status'] == 'unknown'
    assert data['findings'][0]['id'] == 'demo.timeout'
    assert data['findings'][0]['reason'] == 'timeout'


def test_unexpected_exception_becomes_unknown_with_reason():
    def boom(params, result, deadline):
        raise RuntimeError('disk on fire')

    data = r.run_check('demo', boom, {}, CATALOGUE, timeout=5)
    assert data['status'] == 'unknown'
    assert data['findings'][0]['id'] == 'demo.error'
    assert 'RuntimeError: disk on fire' in data['findings'][0]['message']
    assert 'Traceback' in data['exception']


def test_missing_library_uses_missing_required_lib_text():
    def needs_lib(params, result, deadline):
        raise MissingLibrary('psutil')

    data = r.run_check('demo', needs_lib, {}, CATALOGUE, timeout=5)
    (finding,) = data['findings']
    assert finding['id'] == 'demo.missing_library'
    assert 'Failed to import the required Python library (psutil)' in finding['message']


def test_permission_denied_is_unknown():
    def denied(params, result, deadline):
        raise PermissionError(13, 'Permission denied', '/secret')

    data = r.run_check('demo', denied, {}, CATALOGUE, timeout=5)
    assert data['findings'][0]['id'] == 'demo.permission_denied'


def test_input_errors_propagate_to_the_caller():
    def bad(params, result, deadline):
        raise CheckInputError('paths must not be empty')

    with pytest.raises(CheckInputError):
        r.run_check('demo', bad, {}, CATALOGUE, timeout=5)
    with pytest.raises(ThresholdError):
        r.run_check('resources', bad, {}, CATALOGUE, thresholds={'nope': {}}, timeout=5)
    with pytest.raises(CheckInputError):
        r.run_check('demo', bad, {}, CATALOGUE, timeout=0)


def test_secrets_are_scrubbed_from_every_string():
    def leaky(params, result, deadline):
        result.add('thing.bad', 'critical', 'login as scott/Tiger-123 failed', subject='Tiger-123@db')

    data = r.run_check('demo', leaky, {}, CATALOGUE, timeout=5, secrets=['Tiger-123', None, ''])
    assert 'Tiger-123' not in json.dumps(data)
    assert '********' in data['findings'][0]['message']


def _module_run(capsys, args, logic):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            r.CheckModule('demo', logic, CATALOGUE, dict(password=dict(type='str', no_log=True)),
                          secret_options=('password',)).run()
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
    assert 'Traceback' not in json.dumps(out)
