# -*- coding: utf-8 -*-
"""Reliability of a whole audit (issue 13, item 2), each through playbooks/audit.yml on localhost.

- Bounded time: every dependency hung at once (a silent health endpoint, a silent "Oracle" port, a
  silent SES endpoint, a hung FUSE mount, a catastrophic log pattern) and the host is still audited
  within ``audit_timeout``, every hung part named.
- Read-only: the audited paths, PM2_HOME, the PM2 daemon count, the crontabs, the systemd unit
  directory and /etc are the same before and after a full audit of every check; no task changed.
- Secrets: a full audit at -vvvv with an Oracle password, AWS keys, a secret in a PM2 app's
  environment, a password inside an error line of an app log, credentials in a URL and in a DSN;
  none appears in stdout, stderr, the report files or any log the collection writes.

Real components: PM2 with Node apps, nginx, HTTP servers, moto's SES server, SQLite, tmpfs and a
hung FUSE mount. The one stand-in is for the Oracle server (tests/functional/oracle_support.py: a
loopback socket that answers as a listener, or never answers), since none can run here.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import time

import pytest

import pm2_support
from conftest import REPO, run_playbook
from health_support import Backend
from logsdb_support import build_logsdb
from nginx_support import NginxSite
from oracle_support import listener_refusing, loopback_server, silent_handler
from pm2_support import healthy, write_log
from ses_support import FAKE_KEY, FAKE_SECRET, MotoSes, SilentEndpoint
from storage_support import probe_files, probe_processes

AUDIT = os.path.join(REPO, 'playbooks', 'audit.yml')
LOCAL = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
AWS_ENV = {'AWS_EC2_METADATA_DISABLED': 'true', 'AWS_CONFIG_FILE': '/dev/null',
           'AWS_SHARED_CREDENTIALS_FILE': '/dev/null', 'NO_PROXY': '127.0.0.1,localhost', 'no_proxy': '127.0.0.1'}
ALL_CHECKS = ['resources', 'pm2', 'logs', 'health', 'nginx', 'oracle', 'logsdb', 'storage', 'ses']
ROUND_TRIP = 'Run the checks of this host in one round trip'


def audit(tmp_path, options, checks, timeout=300, verbosity=0, env=None, **variables):
    """Run playbooks/audit.yml for localhost; ``(run, the audit task's result, report dir, wall seconds)``."""
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(json.dumps({'all': {'hosts': {'localhost': dict(LOCAL)}, 'vars': dict(
        audit_checks=checks, audit_options=options, audit_timeout=timeout, **variables)}}))
    report_dir = tmp_path / 'reports'
    started = time.monotonic()
    run = run_playbook(AUDIT, inventory=str(inventory), extra_vars={'audit_report_dir': str(report_dir)},
                       verbosity=verbosity, env=dict(AWS_ENV, **(env or {})))
    wall = time.monotonic() - started
    found = [result for name, result in run.tasks() if name.endswith(ROUND_TRIP)]
    assert found, 'no audit task; rc=%s\n%s\n%s' % (run.rc, run.stdout[-3000:], run.stderr[-3000:])
    return run, found[0], report_dir, wall


def ids(check):
    return sorted(f['id'] for f in check['findings'])


# -- every dependency hung at once ------------------------------------------------------------------------

AUDIT_TIMEOUT = 20


def test_every_dependency_hung_at_once_is_cut_within_the_audit_timeout(tmp_path, mounts):
    hung = mounts.hanging_fuse('nas')
    log = write_log(tmp_path / 'worker-out.log', [(5, 'a' * 40 + 'b')])
    silent_ses = SilentEndpoint()
    try:
        with Backend('hang') as silent_http, loopback_server(silent_handler) as silent_oracle:
            # No check has a timeout of its own below the audit's: the audit_timeout alone bounds them
            # (the checks' defaults are 10 to 60 s; health's 10 s is its own, below the bound).
            options = {
                'resources': {'cpu_sample_seconds': 0, 'exclude_mounts': [hung],
                              'thresholds': {'load_per_core': {'warning': None, 'critical': None}}},
                'health': {'url': silent_http.url(), 'use_proxy': False},
                'oracle': {'host': '127.0.0.1', 'port': silent_oracle.port, 'service_name': 'TANKPDB',
                           'user': 'tank_monitor', 'password': 'Hung-pw-9921', 'connect_timeout': 60},
                'ses': {'endpoint_url': silent_ses.url, 'region': 'eu-west-1', 'access_key': FAKE_KEY,
                        'secret_key': FAKE_SECRET},
                'storage': {'paths': [{'path': hung}], 'path_timeout': 60},
                # A catastrophic pattern: the regex engine never returns on this line; only a kill bounds it.
                'logs': {'log_files': {'worker': [log]}, 'apps': ['worker'], 'scheduler_app': '', 'worker_app': '',
                         'patterns': {'error': r'(a+)+$'}},
            }
            run, result, report_dir, wall = audit(tmp_path, options, list(options), timeout=AUDIT_TIMEOUT)
    finally:
        silent_ses.close()
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert 'checks' in result, result.get('msg')
    checks = result['checks']
    assert sorted(checks) == sorted(options)
    # Within the bound: the audit task itself, and the whole playbook (Ansible's start-up and the report
    # included) with generous slack for a busy 2-core machine.
    assert result['duration_seconds'] <= AUDIT_TIMEOUT + 2, result['duration_seconds']
    assert wall < AUDIT_TIMEOUT + 60, wall
    # Every hung part named, by the check that waited on it.
    assert ids(checks['health']) == ['health.request.timeout']
    assert silent_http.url() in checks['health']['findings'][0]['subject']
    assert ids(checks['oracle']) in (['oracle.connect.timeout'], ['oracle.timeout'])
    assert str(silent_oracle.port) in json.dumps(checks['oracle']['findings']) or 'oracle' in result['timed_out']
    assert checks['ses']['status'] in ('critical', 'unknown')
    assert set(ids(checks['ses'])) <= {'ses.endpoint.unreachable', 'ses.timeout'} and ids(checks['ses'])
    assert ids(checks['storage']) in (['storage.path.unresponsive'], ['storage.timeout'])
    assert hung in json.dumps(checks['storage']['findings']) or 'storage' in result['timed_out']
    assert ids(checks['logs']) == ['logs.timeout']
    assert 'logs' in result['timed_out']
    # The healthy check is not held by the hung ones.
    assert 'resources.timeout' not in ids(checks['resources'])
    # The report names them too.
    report = json.loads((report_dir / 'audit.json').read_text())
    reported = dict(report['hosts']['localhost']['checks'], **report['sites']['default']['checks'])
    for name in ('health', 'oracle', 'ses', 'storage', 'logs'):
        assert reported[name]['status'] in ('critical', 'unknown'), (name, reported[name])
    assert probe_processes() == []


# -- read-only ------------------------------------------------------------------------------------------------

# Under /etc, what changes by itself (not by the audit) is left out of the comparison:
# - /etc/mtab: a symlink into /proc (the mounts this test makes and removes), recorded as a link only;
# nothing else under /etc is expected to change during a test run.
ETC_SKIP = ('/etc/mtab',)


def snapshot(root, skip=()):
    """``{path: (type, mode, uid, gid, size, mtime_ns, sha256 or link target)}`` of a tree, symlinks not followed."""
    entries = {}
    if not os.path.lexists(root):
        return {root: None}
    if not os.path.isdir(root) or os.path.islink(root):
        directory, name = os.path.split(root)
        return snapshot_entries(directory, [name])
    for directory, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if os.path.join(directory, d) not in skip)
        names = [''] + sorted(files) + [d for d in dirs if os.path.islink(os.path.join(directory, d))]
        entries.update(snapshot_entries(directory, [n for n in names if os.path.join(directory, n) not in skip]))
    return entries


def snapshot_entries(directory, names):
    """The snapshot entries of ``names`` in ``directory`` ('' for the directory itself)."""
    entries = {}
    for name in names:
        path = os.path.join(directory, name) if name else directory
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        content = None
        if stat.S_ISLNK(st.st_mode):
            content = os.readlink(path)
        elif stat.S_ISREG(st.st_mode):
            digest = hashlib.sha256()
            with open(path, 'rb') as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b''):
                    digest.update(chunk)
            content = digest.hexdigest()
        entries[path] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, st.st_size,
                         st.st_mtime_ns, content)
    return entries


def pm2_daemons():
    proc = subprocess.run(['pgrep', '-c', '-f', 'PM2 v.*God Daemon'], capture_output=True, text=True, check=False)
    return int(proc.stdout.strip() or 0)


def crontabs():
    proc = subprocess.run(['crontab', '-l', '-u', 'root'], capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout, snapshot('/var/spool/cron')


def diff(before, after):
    changed = sorted(path for path in set(before) | set(after) if before.get(path) != after.get(path))
    return [(path, before.get(path), after.get(path)) for path in changed]


def appended_by_the_app(path, before, after):
    """A PM2 app log grows by itself while the test runs: what was there stays, and only the app's own
    lines (``<time>: Scheduler ...`` / ``<time>: Processing job ...``) were added."""
    with open(path, 'rb') as handle:
        data = handle.read()
    assert data.startswith(before['_text'][path]), path
    for line in data[len(before['_text'][path]):].decode('utf-8', 'replace').splitlines():
        assert 'Processing job' in line or 'Scheduler: created' in line, (path, line)


# It compares machine-wide state (/etc, crontabs, unit files) before and after: nothing else may run.
@pytest.mark.exclusive
def test_a_full_audit_changes_nothing(tmp_path, pm2, mounts):
    healthy(pm2)
    site = NginxSite()
    moto = MotoSes()
    try:
        site.start()
        moto.reset()
        share = mounts.tmpfs('share')
        with open(os.path.join(share, 'batch-0001.pdf'), 'wb') as handle:
            handle.write(b'%PDF-1.4 stored batch file\n')
        database = build_logsdb(tmp_path / 'logs.db')
        with Backend('ok') as backend, loopback_server(listener_refusing(12514)) as oracle:
            options = {
                'resources': {'cpu_sample_seconds': 0,
                              'thresholds': {'load_per_core': {'warning': None, 'critical': None}}},
                'pm2': pm2_support.module_args(pm2, restart_sample_seconds=0),
                'logs': {'pm2_home': pm2.home, 'pm2_executable': pm2_support.PM2, 'apps': ['backend', 'worker']},
                'health': {'url': backend.url(), 'use_proxy': False},
                'nginx': site.module_args(),
                'oracle': {'host': '127.0.0.1', 'port': oracle.port, 'service_name': 'TANKPDB',
                           'user': 'tank_monitor', 'password': 'Read-only-pw-3318', 'connect_timeout': 5},
                'logsdb': {'database': 'sqlite:///' + database},
                # writable: false - the write probe creates and deletes a file, which updates the
                # directory's mtime by design (it proves the NAS takes writes); everything else is read.
                'storage': {'paths': [{'path': share, 'mount': True, 'fstype': 'tmpfs', 'writable': False}]},
                'ses': {'endpoint_url': moto.url, 'region': 'eu-west-1', 'access_key': FAKE_KEY,
                        'secret_key': FAKE_SECRET},
            }
            app_logs = [os.path.join(pm2.home, 'logs', name) for name in os.listdir(os.path.join(pm2.home, 'logs'))]
            trees = [pm2.home, pm2.unit_dir, site.base, share, str(tmp_path / 'logs.db'), '/etc/systemd/system']

            def take():
                state = {'trees': {}, '_text': {}}
                for tree in trees:
                    state['trees'][tree] = dict((p, v) for p, v in snapshot(tree).items() if p not in app_logs)
                for path in app_logs:
                    with open(path, 'rb') as handle:
                        state['_text'][path] = handle.read()
                state['etc'] = snapshot('/etc', skip=ETC_SKIP)
                state['daemons'] = pm2_daemons()
                state['cron'] = crontabs()
                state['pids'] = (pm2.daemon_pid(), sorted(p['pid'] for p in pm2.jlist()))
                return state

            before = take()
            run, result, report_dir, _wall = audit(tmp_path, options, ALL_CHECKS, timeout=120)
            after = take()
    finally:
        moto.stop()
        site.cleanup()
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert sorted(result['checks']) == sorted(ALL_CHECKS)
    assert result['checks']['pm2']['findings'] == [], result['checks']['pm2']
    # Nothing changed: no task of the play, and nothing on the host.
    # The only changes: the report the controller writes into audit_report_dir (the audit's output).
    assert result['changed'] is False
    for name, task in run.tasks():
        if task.get('changed') is not False:
            assert 'Report |' in name, (name, task)
            assert task['written'] and not task['removed'], (name, task)
            for written in task['written']:
                assert written.startswith(str(report_dir)), (name, written)
    for tree in trees:
        assert before['trees'][tree], 'nothing recorded under %s' % tree
        assert diff(before['trees'][tree], after['trees'][tree]) == [], tree
    assert len(before['etc']) > 50 and app_logs
    assert diff(before['etc'], after['etc']) == []
    for path in app_logs:
        appended_by_the_app(path, before, after)
    assert after['daemons'] == before['daemons'] >= 1
    assert after['cron'] == before['cron']
    assert after['pids'] == before['pids']
    assert probe_files(share) == [] and probe_processes() == []


# -- secrets ----------------------------------------------------------------------------------------------

ORACLE_PASSWORD = 'Orcl-Secret-pw-7731'
DSN_PASSWORD = 'Dsn-Secret-pw-5519'
APP_ENV_SECRET = 'App-Env-Secret-6604'
LOG_PASSWORD = 'Log-Line-pw-2287'
URL_PASSWORD = 'Url-Secret-pw-8843'
SECRETS = (ORACLE_PASSWORD, DSN_PASSWORD, APP_ENV_SECRET, LOG_PASSWORD, URL_PASSWORD, FAKE_SECRET)


def written_files(*roots):
    """Every regular file under ``roots``, for a look for secrets."""
    found = []
    for root in roots:
        for directory, _dirs, files in os.walk(str(root)):
            found.extend(os.path.join(directory, name) for name in files)
    return found


def test_no_secret_leaves_a_full_audit_at_vvvv(tmp_path, pm2, mounts):
    healthy(pm2, worker_env={'DB_PASSWORD': APP_ENV_SECRET, 'SES_SECRET_KEY': APP_ENV_SECRET})
    # The worker's own PM2 error log gets an error line with the password in it (as a failing driver logs it).
    err_log = os.path.join(pm2.home, 'logs', 'worker-error.log')
    # Three of them: the error count reaches the warning threshold (3), so the line is quoted in a finding.
    line = ('Error: ORA-01017: invalid username/password; logon denied for tank/%s@//db01:1521/TANKPDB '
            'password=%s' % (LOG_PASSWORD, LOG_PASSWORD))
    write_log(err_log, [(30, line), (20, line), (10, line)], mode='ab')
    # Ansible's own log of the run (every line it displays, at -vvvv) is a log the audit writes too.
    ansible_log = tmp_path / 'ansible.log'
    moto = MotoSes()
    try:
        moto.reset()
        share = mounts.tmpfs('share')
        with Backend('ok') as backend, loopback_server(listener_refusing(12514)) as oracle:
            url = backend.url().replace('http://', 'http://monitor:%s@' % URL_PASSWORD)
            options = {
                'resources': {'cpu_sample_seconds': 0},
                'pm2': pm2_support.module_args(pm2, restart_sample_seconds=0),
                'logs': {'pm2_home': pm2.home, 'pm2_executable': pm2_support.PM2, 'apps': ['backend', 'worker']},
                'health': {'url': url, 'use_proxy': False,  # latency is the machine's load, not a secret
                           'thresholds': {'latency_seconds': {'warning': 30, 'critical': 60}}},
                'oracle': {'dsn': '127.0.0.1:%d/TANKPDB' % oracle.port, 'user': 'tank_monitor',
                           'password': ORACLE_PASSWORD, 'connect_timeout': 5},
                # A DSN with the password in it: refused (credentials go in user/password), never shown.
                'logsdb': {'database': 'oracle', 'connect_timeout': 5,
                           'dsn': 'tank_monitor/%s@127.0.0.1:%d/TANKPDB' % (DSN_PASSWORD, oracle.port)},
                'storage': {'paths': [{'path': share}]},
                'ses': {'endpoint_url': moto.url, 'region': 'eu-west-1', 'access_key': FAKE_KEY,
                        'secret_key': FAKE_SECRET},
            }
            run, result, report_dir, _wall = audit(tmp_path, options, [c for c in ALL_CHECKS if c != 'nginx'],
                                                   timeout=120, verbosity=4,
                                                   env={'ANSIBLE_INJECT_INVOCATION': 'true',
                                                        'ANSIBLE_LOG_PATH': str(ansible_log)})
    finally:
        moto.stop()
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    checks = result['checks']
    # The secrets were really in play: the log error and the refused DSN were judged, the URL was fetched.
    assert 'logs.errors.oracle' in ids(checks['logs']), checks['logs']
    assert ids(checks['oracle']) == ['oracle.listener.service_unknown']
    assert ids(checks['logsdb']) == ['logsdb.options.invalid'], checks['logsdb']
    assert checks['health']['findings'] == [], checks['health']
    assert backend.requests and 'Authorization' in backend.requests[-1]['headers']
    # None of them anywhere: stdout, stderr, every report file, every log the collection writes.
    places = {'stdout': run.stdout, 'stderr': run.stderr}
    for path in written_files(report_dir) + [str(ansible_log)]:
        with open(path, 'rb') as handle:
            places[path] = handle.read().decode('utf-8', 'replace')
    assert set(p for p in places if p.startswith(str(report_dir))), 'no report file written'
    for secret in SECRETS:
        leaks = [place for place, text in places.items() if secret in text]
        assert leaks == [], (secret, leaks)
