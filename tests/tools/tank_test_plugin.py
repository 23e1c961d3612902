# -*- coding: utf-8 -*-
"""The pytest plugin of every suite (pytest.ini loads it): tests side by side, progress per file.

``make test`` runs the tests on several pytest-xdist workers, each in its own mount and PID
namespaces (tests/tools/isolated-python), so what one test mounts or starts is invisible to the
audits of the others. What stays shared is declared on the test:

- ``@pytest.mark.xdist_group('<resource>')``: tests sharing a machine-wide resource (root's
  crontab) run one after the other on the same worker;
- tests using a module-scoped fixture (a demo site, two audited slices, a moto server) run on the
  worker of the rest of their file, so the fixture is set up once, not once per worker; every other
  test goes to whichever worker is free;
- ``@pytest.mark.exclusive``: the test runs alone on the machine (it compares machine-wide state
  before and after, e.g. /etc): it waits for the running tests to finish, and no test starts
  until it is done. Waiting is not counted in its timeout.

Progress: on several workers, one line per test file when its last test is done (passed, failed,
skipped, the file's wall time); ``--durations`` lists the slowest tests at the end.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import os
import time

import pytest

# Machine-wide locks (all workers of all runs on this machine).
LOCK_DIR = os.environ.get('TANK_TEST_LOCK_DIR', '/tmp')
MACHINE_LOCK = os.path.join(LOCK_DIR, 'tank-monitoring-tests.lock')
# Taken briefly by every test before its shared lock, and held by an exclusive test while it waits:
# so a waiting exclusive test is not starved by a stream of shared ones.
TURNSTILE = os.path.join(LOCK_DIR, 'tank-monitoring-tests.turnstile')


def _flock(path, mode):
    handle = open(path, 'a')
    fcntl.flock(handle.fileno(), mode)
    return handle


@contextlib.contextmanager
def machine_lock(exclusive):
    """Shared by every test, exclusive for ``@pytest.mark.exclusive`` ones."""
    turnstile = _flock(TURNSTILE, fcntl.LOCK_EX)
    try:
        held = _flock(MACHINE_LOCK, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
    finally:
        if not exclusive:
            turnstile.close()
    try:
        if exclusive:
            turnstile.close()
        yield
    finally:
        held.close()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Before xdist's own hook turns the groups into scheduling scopes (--dist loadgroup).
    if not getattr(config.option, 'loadgroup', False):
        return
    for item in items:
        if item.get_closest_marker('xdist_group') is None and _uses_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split('::', 1)[0]))


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    # xdist marks a grouped test by suffixing its node id; a pytest that builds node ids differently
    # (pytest 9.2 with xdist 3.8) silently loses the groups, and crontab tests would collide.
    if getattr(session.config.option, 'loadgroup', False):
        lost = [item.nodeid for item in session.items
                if item.get_closest_marker('xdist_group') is not None and '@' not in item.nodeid]
        if lost:
            raise pytest.UsageError('pytest-xdist did not apply xdist_group to %d test(s) (e.g. %s): this pytest and '
                                    'pytest-xdist do not work together; see requirements/test.txt' % (len(lost), lost[0]))


def _uses_a_module_fixture(item):
    info = getattr(item, '_fixtureinfo', None)
    for definitions in (info.name2fixturedefs.values() if info is not None else ()):
        if definitions and definitions[-1].scope in ('module', 'class'):
            return True
    return False


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    # Outside pytest-timeout's own wrapper: waiting for the lock is not the test's time.
    with machine_lock(item.get_closest_marker('exclusive') is not None):
        yield


# -- progress per test file ----------------------------------------------------------------------------


class FileProgress(object):
    """Counts each file's tests as their reports arrive (on the xdist controller, or in a serial run)."""

    def __init__(self, config):
        self.config = config
        self.expected = None
        self.done = collections.Counter()
        self.outcomes = collections.defaultdict(collections.Counter)
        self.started = {}

    def expect(self, nodeids):
        if self.expected is None:
            self.expected = collections.Counter(nodeid.split('::', 1)[0] for nodeid in nodeids)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        self.expect(ids)

    def pytest_collection_finish(self, session):
        self.expect(item.nodeid for item in session.items)

    def pytest_runtest_logreport(self, report):
        path = report.nodeid.split('::', 1)[0]
        self.started.setdefault(path, time.monotonic())
        if report.failed:
            self.outcomes[path]['failed' if report.when == 'call' else 'error'] += 1
        elif report.skipped:
            self.outcomes[path]['skipped'] += 1
        elif report.when == 'call':
            self.outcomes[path]['passed'] += 1
        if report.when != 'teardown':
            return
        self.done[path] += 1
        if self.expected and self.done[path] == self.expected.get(path):
            counts = ', '.join('%d %s' % (n, what) for what, n in sorted(self.outcomes[path].items()))
            reporter = self.config.pluginmanager.get_plugin('terminalreporter')
            if reporter is not None:
                reporter.ensure_newline()
                reporter.write_line('%s: %s (%.0f s)' % (path, counts or 'no test', time.monotonic() - self.started[path]))


def pytest_configure(config):
    # On the xdist controller only: workers report to it, and a serial run shows its files itself.
    distributed = bool(getattr(config.option, 'tx', None) or getattr(config.option, 'numprocesses', None))
    if distributed and not hasattr(config, 'workerinput') and config.getoption('verbose') <= 0:
        config.pluginmanager.register(FileProgress(config), 'tank-file-progress')
