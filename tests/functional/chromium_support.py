# -*- coding: utf-8 -*-
"""Headless Chromium (Debian's ``chromium``, installed by tests/tools/install-system-deps.sh) for
the HTML report tests: the DOM after scripts ran, a screenshot, and the network log of the load.

Each call starts a fresh browser with its own profile directory, no network features of its own
(background networking, component updates, sync, QUIC all off), and is killed at its bound.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile

FLAGS = ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--disable-extensions', '--disable-default-apps', '--mute-audio',
         # Nothing resolves: a request the page (or the browser) makes fails at once, but it is
         # still in the NetLog, where page_requests() finds it.
         '--host-resolver-rules=MAP * ~NOTFOUND')


def chromium_binary():
    path = shutil.which('chromium') or shutil.which('chromium-browser')
    if not path:
        raise AssertionError('chromium is not installed: run tests/tools/install-system-deps.sh (as root)')
    return path


def _run(args, url, timeout=120):
    profile = tempfile.mkdtemp(prefix='tank-chromium-')
    try:
        cmd = [chromium_binary()] + list(FLAGS) + ['--user-data-dir=%s' % profile] + list(args) + [url]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                              env=dict(os.environ, LANG='C.UTF-8'), check=False)
        if proc.returncode != 0:
            raise AssertionError('chromium failed (rc=%s): %s' % (proc.returncode, proc.stderr.decode('utf-8', 'replace')[-2000:]))
        return proc
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def file_url(path):
    return 'file://' + os.path.abspath(path)


def dump_dom(path, net_log=None):
    """The serialized DOM of the page at ``path`` once loaded and its scripts ran."""
    args = ['--dump-dom', '--virtual-time-budget=5000']
    if net_log:
        args.append('--log-net-log=%s' % net_log)
    return _run(args, file_url(path)).stdout.decode('utf-8')


def screenshot(path, output, size='1400,1000'):
    """A PNG of the page at ``path`` in a ``size`` window, written to ``output``."""
    _run(['--screenshot=%s' % output, '--window-size=%s' % size, '--hide-scrollbars'], file_url(path))
    with open(output, 'rb') as handle:
        if handle.read(8) != b'\x89PNG\r\n\x1a\n':
            raise AssertionError('chromium wrote no PNG to %s' % output)
    return output


def page_requests(net_log):
    """The URLs the PAGE asked for during the load, from the browser's NetLog (JSON).

    Chromium's own background requests (update checks, accounts) have no initiator ("not an
    origin"); the page's have its origin ("null" for a file:// page).
    """
    with open(net_log, encoding='utf-8') as handle:
        text = handle.read()
    try:
        data = json.loads(text)
    except ValueError:
        # Chromium may leave the events list unclosed when it exits.
        data = json.loads(text.rstrip().rstrip(',') + ']}')
    start_job = data['constants']['logEventTypes']['URL_REQUEST_START_JOB']
    return sorted(set(
        event['params']['url'] for event in data.get('events', [])
        if event.get('type') == start_job and isinstance(event.get('params'), dict) and 'url' in event['params']
        and event['params'].get('initiator') != 'not an origin'))
