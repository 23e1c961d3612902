# -*- coding: utf-8 -*-
"""Every finding id a check can emit is asserted by a functional test that injects its cause.

A functional test (tests/functional/test_*.py: real components, real ansible-playbook runs) declares
the ids it injects and asserts with a marker::

    @pytest.mark.finding('resources.swap.used')
    def test_swap_in_use_is_reported(...):
        ...
        assert ids(result) == ['resources.swap.used']

This test reads the markers from the test sources with ``ast`` (no import, no side effect) and
compares them with the catalogue of every check in ``_registry.CHECKS``:

- every ``<check>.<local id>`` of every catalogue must be marked by at least one functional test;
- the common ids of ``_contract.COMMON_FINDINGS`` (``timeout``, ``error``, ``missing_library``,
  ``options.invalid``, ``permission_denied``) are made by ONE shared mechanism each (the runner's
  kill at the timeout, its catch of an unexpected exception, of ``MissingLibrary``, of
  ``PermissionError``; the audit module's option check), whatever the check: each counts once, as
  covered by a marker ``<any check>.<common id>``;
- a marked id must be a real id (no typo, no id a check no longer has), and must appear as a string
  elsewhere in the marked test (its body or its parametrize list): the marker names what the test
  asserts, it does not replace the assertion.

Unit tests do not count: they feed hand-made inputs to the logic, they do not inject the fault.

``NOT_CAUSED_HERE`` lists the ids whose cause this machine cannot produce for real, each with the
reason; an id listed there that a test now covers fails the test too (the list only shrinks).
"""

from __future__ import annotations

import ast
import glob
import os

from ansible_collections.tank.monitoring.plugins.module_utils import _registry
from ansible_collections.tank.monitoring.plugins.module_utils._contract import COMMON_FINDINGS

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FUNCTIONAL = os.path.join(REPO, 'tests', 'functional')

_ORACLE_SERVER = ('needs an Oracle server that completes the TNS handshake and the O5LOGON login; none can run '
                  'here and the only stand-in (tests/functional/oracle_support.py) answers as a listener refusing '
                  'the connect. Classified from real python-oracledb exception objects in '
                  'tests/unit/plugins/module_utils/test_oracle.py')
NOT_CAUSED_HERE = {
    'oracle.connect.failed': _ORACLE_SERVER + ' (a non-Oracle service on the port is a reset, tested)',
    'oracle.connect.time': _ORACLE_SERVER,
    'oracle.database.unavailable': _ORACLE_SERVER + ' (ORA-01033/01034 come after the listener)',
    'oracle.login.account_locked': _ORACLE_SERVER,
    'oracle.login.insufficient_privileges': _ORACLE_SERVER,
    'oracle.login.invalid_credentials': _ORACLE_SERVER,
    'oracle.login.no_create_session': _ORACLE_SERVER,
    'oracle.login.password_expired': _ORACLE_SERVER,
    'oracle.login.password_grace': _ORACLE_SERVER,
    'oracle.password.expiry': _ORACLE_SERVER,
    'oracle.query.failed': _ORACLE_SERVER,
    'oracle.query.time': _ORACLE_SERVER,
    'oracle.query.timeout': _ORACLE_SERVER,
    'nginx.service.inactive': 'judged only where systemd is the init system (/run/systemd/system); this '
                              'machine\'s container has none',
    'nginx.stub_status.dropped': 'the nginx of this machine does not accept-then-drop when worker_connections '
                                 'run out: it reuses idle connections and stops accepting (tried idle, '
                                 'half-sent and rate-limited clients over worker_connections 64)',
}


def catalogue_ids():
    return set('%s.%s' % (name, local) for name, spec in _registry.CHECKS.items() for local in spec.catalogue)


def common_local_id(finding_id):
    """``'timeout'`` for ``'logs.timeout'``; None for a check's own id."""
    check, _sep, local = finding_id.partition('.')
    if check in _registry.CHECKS and local in COMMON_FINDINGS and local not in _registry.CHECKS[check].catalogue:
        return local
    return None


def _is_finding_marker(node):
    """``pytest.mark.finding(...)``."""
    func = node.func if isinstance(node, ast.Call) else None
    return (isinstance(func, ast.Attribute) and func.attr == 'finding' and isinstance(func.value, ast.Attribute)
            and func.value.attr == 'mark')


def _strings(node, skip):
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            found.add(child.value)
    for marker in skip:
        for child in ast.walk(marker):
            if isinstance(child, ast.Constant) and isinstance(child.value, str):
                found.discard(child.value)
    return found


def collect_markers(paths=None):
    """``[(file, test name, marked id, strings elsewhere in the test)]`` from the test sources."""
    rows = []
    for path in sorted(paths or glob.glob(os.path.join(FUNCTIONAL, 'test_*.py'))):
        with open(path, encoding='utf-8') as handle:
            tree = ast.parse(handle.read(), filename=path)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            markers = [dec for dec in node.decorator_list if _is_finding_marker(dec)]
            if not markers:
                continue
            # Strings of the test outside its finding markers; a marker's own arguments do not count.
            others = set()
            for dec in node.decorator_list:
                if dec not in markers:
                    others |= _strings(dec, ())
            for stmt in node.body:
                others |= _strings(stmt, ())
            for marker in markers:
                for arg in marker.args:
                    assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), (
                        '%s:%s: pytest.mark.finding takes literal id strings' % (path, marker.lineno))
                    rows.append((os.path.relpath(path, REPO), node.name, arg.value, others))
    return rows


def test_markers_name_real_ids_that_the_test_asserts():
    known = catalogue_ids()
    rows = collect_markers()
    assert rows, 'no pytest.mark.finding marker found under tests/functional'
    problems = []
    for path, test, finding_id, strings in rows:
        if finding_id not in known and common_local_id(finding_id) is None:
            problems.append('%s::%s marks %r, which no check catalogue has' % (path, test, finding_id))
        elif finding_id not in strings:
            problems.append('%s::%s marks %r but never names it outside the marker' % (path, test, finding_id))
    assert not problems, '\n'.join(problems)


def test_every_finding_id_is_injected_and_asserted_by_a_functional_test():
    marked = set(row[2] for row in collect_markers())
    missing = sorted(catalogue_ids() - marked)
    common_marked = set(common_local_id(finding_id) for finding_id in marked) - {None}
    missing += sorted('<check>.%s' % local for local in set(COMMON_FINDINGS) - common_marked)
    unexplained = [finding_id for finding_id in missing if finding_id not in NOT_CAUSED_HERE]
    assert not unexplained, ('finding ids no functional test injects and asserts (add a test that causes the '
                             'fault for real, marked @pytest.mark.finding(id)):\n' + '\n'.join(unexplained))
    now_covered = sorted(set(NOT_CAUSED_HERE) - set(missing))
    assert not now_covered, 'covered now: remove from NOT_CAUSED_HERE: %s' % ', '.join(now_covered)


def test_the_ids_said_not_caused_here_exist():
    known = catalogue_ids() | set('<check>.%s' % local for local in COMMON_FINDINGS)
    assert sorted(set(NOT_CAUSED_HERE) - known) == []


def test_the_collector_sees_decorators_and_rejects_an_unasserted_marker(tmp_path):
    sample = tmp_path / 'test_sample.py'
    sample.write_text(
        'import pytest\n'
        '@pytest.mark.finding("resources.swap.used")\n'
        'def test_a(result):\n'
        '    assert result == ["resources.swap.used"]\n'
        '@pytest.mark.parametrize("fid", ["pm2.app.cpu"])\n'
        '@pytest.mark.finding("pm2.app.cpu", "pm2.cli.failed")\n'
        'def test_b(fid):\n'
        '    assert fid\n')
    rows = dict(((test, finding_id), strings) for _path, test, finding_id, strings in collect_markers([str(sample)]))
    assert set(rows) == {('test_a', 'resources.swap.used'), ('test_b', 'pm2.app.cpu'), ('test_b', 'pm2.cli.failed')}
    assert 'resources.swap.used' in rows[('test_a', 'resources.swap.used')]
    assert 'pm2.app.cpu' in rows[('test_b', 'pm2.app.cpu')]
    assert 'pm2.cli.failed' not in rows[('test_b', 'pm2.cli.failed')]
    assert common_local_id('logs.timeout') == 'timeout'
    assert common_local_id('oracle.connect.timeout') is None
