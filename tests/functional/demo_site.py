# -*- coding: utf-8 -*-
"""`make demo`: a simulated Tank site on this machine, with real components, audited by the collection.

Built from the functional tests' own support code (no second simulator):

* PM2 (``pm2_support.Pm2Sandbox``, its own PM2_HOME) running the ``backend`` -- the real NestJS app
  with ``@nestjs/terminus`` of ``health_support`` (``nest_app/main.mjs``) answering ``/api/health`` --
  and the ``worker`` of ``pm2_support`` writing the guide's "Scheduler ..." / "Processing job ..."
  lines; the process list saved and a startup unit written (in the sandbox, not /etc);
* nginx (``nginx_support.NginxSite``) serving a React-like build and proxying ``/api`` to the backend;
* a SQLite Logs DB with days of history (``extras/logsdb/seed_sqlite.py`` through ``logsdb_support``);
* moto standing in for SES (``ses_support.MotoSes``: moto's server, unmodified, behind the account
  front), run as a background process of its own;
* tmpfs filesystems (``storage_support.Mounts``): the "NAS" share and the local "disk" that holds
  the PM2 home and the batch directory.

The audit is ``playbooks/audit.yml`` on an inventory written here, every check pointed at these
components. Oracle cannot run on this machine: the oracle check is skipped, and the Logs DB check
reads the SQLite Logs DB instead of Oracle (the output says so).

State (pids, ports, mount points, faults) lives in ``.build/demo/state.json``; everything the demo
starts is recorded there before it is started, so ``down`` removes it even after a failed ``up``.

    python tests/functional/demo_site.py up | fault NAME | faults | audit | remediate [--confirm] | down
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
for _path in (HERE, os.path.join(REPO, '.build', 'collections')):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import pm2_support  # noqa: E402
from health_support import NEST_MAIN, NODE_MODULES, free_port, untimed  # noqa: E402
from logsdb_support import build_logsdb  # noqa: E402
from nginx_support import CONF as NGINX_CONF, WORKER_USER, NginxSite, _alive  # noqa: E402
from ses_support import FAKE_KEY, FAKE_SECRET  # noqa: E402
from storage_support import Mounts  # noqa: E402

# Overridable so that the tests never meet a demo the user left running.
STATE_DIR = os.environ.get('TANK_DEMO_STATE_DIR') or os.path.join(REPO, '.build', 'demo')
STATE_FILE = os.path.join(STATE_DIR, 'state.json')
REPORT_DIR = os.environ.get('TANK_DEMO_REPORT_DIR') or os.path.join(REPO, 'reports', 'demo')
SITE = 'demo'
REGION = 'eu-west-1'
# moto's default daily quota (Max24HourSend) for a new account.
MOTO_DAILY_QUOTA = 200
AWS_ENV = {'AWS_EC2_METADATA_DISABLED': 'true', 'AWS_CONFIG_FILE': '/dev/null',
           'AWS_SHARED_CREDENTIALS_FILE': '/dev/null', 'NO_PROXY': '127.0.0.1,localhost'}

# The faults, in the order `make demo-faults` lists them: name -> (what it does, findings it should bring).
FAULTS = {
    'worker-stopped': ('pm2 stop worker: the batch worker is stopped (guide §3).', ['pm2.app.stopped']),
    'backend-errored': ('the backend crashes at start-up ("missing DB_HOST in .env") until PM2 gives up '
                        '(errored); nginx answers 502 on /api.', ['pm2.app.errored']),
    'backend-db-down': ('the backend runs but its database indicator fails (ORA-12514): Terminus answers 503.',
                        ['health.indicator.down']),
    'dump-stale': ('an app started after the last pm2 save: the saved list no longer matches.',
                   ['pm2.dump.unsaved_app']),
    'nginx-down': ('nginx stopped: no front page, no /api proxy.', ['nginx.process.not_running']),
    'nginx-bad-config': ('a syntax error written into nginx.conf (nginx keeps running the old one): '
                         'the next reload would fail.', ['nginx.config.invalid']),
    'nas-unmounted': ('the NAS share is unmounted: the application writes to the local directory beneath.',
                      ['storage.mount.missing']),
    'nas-readonly': ('the NAS share remounted read-only.', ['storage.write.read_only']),
    'nas-full': ('the NAS share filled to 100%.', ['storage.write.no_space']),
    'disk-full': ('the local disk holding the batch directory, the PM2 home and logs filled to 96%.',
                  ['storage.filesystem.used']),
    'ses-quota': ('%d mails really sent through moto: 96%% of the daily SES quota is used.'
                  % int(MOTO_DAILY_QUOTA * 0.96), ['ses.quota.used']),
    'ses-keys-revoked': ('moto starts checking signatures: the backend\'s SES keys are no longer accepted.',
                         ['ses.credentials.invalid']),
    'logsdb-fail-spike': ('the Logs DB records 40% FAIL among the last hour\'s e-mails.',
                          ['logsdb.email_send.fail_spike']),
    'logsdb-no-runs': ('the Logs DB shows no automation run for more than three intervals.',
                       ['logsdb.auto_run.missed']),
}

BACKEND_ENV = ('NODE_ENV=production\nPORT={port}\nDB_HOST=db01.demo.example\nAWS_REGION={region}\n'
               'AWS_ACCESS_KEY_ID={key}\nAWS_SECRET_ACCESS_KEY={secret}\nSES_ENDPOINT={ses}\n')
PROXY = """
        location /api/ {{
            proxy_pass http://127.0.0.1:{port};
            proxy_set_header Host $host;
            proxy_read_timeout 30s;
        }}
        location / {{"""


class DemoError(Exception):
    """A clear message for the user (no traceback)."""


# -- state ------------------------------------------------------------------------------------------------

def load_state():
    try:
        with open(STATE_FILE) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def save_state(state):
    os.makedirs(STATE_DIR, exist_ok=True)
    tmp = STATE_FILE + '.tmp'
    with open(tmp, 'w') as handle:
        json.dump(state, handle, indent=2, sort_keys=True)
    os.replace(tmp, STATE_FILE)


def _restore(cls, **attrs):
    """A support object for components started by an earlier command (its constructor would start afresh)."""
    obj = cls.__new__(cls)
    obj.__dict__.update(attrs)
    return obj


def _pm2(state):
    return pm2_support.Pm2Sandbox(state['pm2_root'])


def _nginx(state):
    base = state['nginx_base']
    prefix = os.path.join(base, 'prefix')
    return _restore(NginxSite, base=base, root=os.path.join(base, 'html'), prefix=prefix,
                    conf=os.path.join(prefix, 'nginx.conf'), port=state['nginx_port'])


def _mounts(state):
    return _restore(Mounts, base=state['base'], mounted=list(state.get('mounted', [])), fuses=[])


def _nginx_conf(site, backend_port):
    text = NGINX_CONF.format(user=WORKER_USER, prefix=site.prefix, port=site.port, root=site.root)
    marker = '\n        location / {'
    if marker not in text:
        raise DemoError('nginx_support.CONF changed: the demo cannot insert its /api proxy')
    return text.replace(marker, PROXY.format(port=backend_port), 1)


# -- up ---------------------------------------------------------------------------------------------------

def _require_root():
    if os.geteuid() != 0:
        raise DemoError('the demo mounts tmpfs filesystems and starts nginx: run it as root')
    if not os.path.exists(pm2_support.PM2):
        raise DemoError('PM2 is not installed in .build/node: run make prepare-test first')


def _wait_http(url, timeout=60.0, what='service'):
    import urllib.error
    import urllib.request
    end = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                answer.read()
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > end:
                raise DemoError('%s did not answer at %s within %ds' % (what, url, timeout))
            time.sleep(0.2)


def up(log=print):
    """Start the demo site (healthy); returns the state. Does nothing when it is already up."""
    _require_root()
    state = load_state()
    if state is not None:
        log('The demo site is already up (%s); faults injected: %s.'
            % (STATE_FILE, ', '.join(state.get('faults', [])) or 'none'))
        return state
    started = time.monotonic()
    mounts = Mounts()
    state = {'base': mounts.base, 'mounted': [], 'faults': [], 'extra_apps': []}
    save_state(state)
    try:
        _up(state, mounts, log)
    except BaseException:
        log('Start-up failed: removing what was started.')
        down(log=lambda *a: None)
        raise
    log('Demo site up in %.1fs.' % (time.monotonic() - started))
    return state


def _up(state, mounts, log):
    base = state['base']
    # Local "disk" (PM2 home, logs, batches) and the NAS share: real tmpfs mounts.
    disk = mounts.tmpfs('disk', size='64m')
    state['disk'] = disk
    state['mounted'] = list(mounts.mounted)
    save_state(state)
    nas = mounts.tmpfs('nas', size='16m')
    state['nas'] = nas
    state['mounted'] = list(mounts.mounted)
    state['batch'] = os.path.join(disk, 'batch')
    os.makedirs(state['batch'], exist_ok=True)
    save_state(state)
    log('tmpfs "disk" on %s, tmpfs "NAS" on %s' % (disk, nas))

    # SES: moto (behind the account front) in a background process of its own.
    ses_file = os.path.join(STATE_DIR, 'ses.json')
    if os.path.exists(ses_file):
        os.remove(ses_file)
    ses_log = open(os.path.join(STATE_DIR, 'ses.log'), 'w')
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), '_serve-ses', ses_file],
                            stdout=ses_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, cwd=REPO)
    ses_log.close()
    state['ses_pid'] = proc.pid
    save_state(state)

    # PM2: the NestJS backend and the worker, under the demo's own PM2_HOME on the "disk".
    state['pm2_root'] = os.path.join(disk, 'pm2')
    state['backend_port'] = free_port()
    save_state(state)
    pm2 = pm2_support.Pm2Sandbox(state['pm2_root'])
    end = time.monotonic() + 60
    while not os.path.exists(ses_file):
        if proc.poll() is not None or time.monotonic() > end:
            raise DemoError('moto (SES) did not start; see %s' % os.path.join(STATE_DIR, 'ses.log'))
        time.sleep(0.1)
    with open(ses_file) as handle:
        state.update(json.load(handle))
    save_state(state)
    log('moto (SES) on %s (pid %d)' % (state['ses_url'], proc.pid))

    state['env_file'] = os.path.join(disk, 'backend.env')
    with open(state['env_file'], 'w') as handle:
        handle.write(BACKEND_ENV.format(port=state['backend_port'], region=REGION, key=FAKE_KEY, secret=FAKE_SECRET,
                                        ses=state['ses_url']))
    os.chmod(state['env_file'], 0o600)
    _start_backend(pm2, state)
    pm2.start('worker', pm2_support.WORKER_JS)
    pm2.wait_for(lambda: pm2.status('backend') == 'online' and pm2.status('worker') == 'online', timeout=60,
                 what='backend and worker online')
    _wait_http('http://127.0.0.1:%d/api/health' % state['backend_port'], what='the backend')
    pm2.pm2('save')
    pm2.write_unit()
    state['pm2_daemon_pid'] = pm2.daemon_pid()
    save_state(state)
    log('PM2 (PM2_HOME %s): backend (NestJS + Terminus on 127.0.0.1:%d) and worker online, saved'
        % (pm2.home, state['backend_port']))

    # nginx: the React-like build and the /api proxy.
    site = NginxSite()
    state['nginx_base'] = site.base
    state['nginx_port'] = site.port
    save_state(state)
    site.write_conf(_nginx_conf(site, state['backend_port']))
    site.start()
    state['nginx_pid'] = site.pid
    save_state(state)
    _wait_http(site.url('/api/health'), what='nginx /api')
    log('nginx on %s (front page and /api proxy)' % site.url('/'))

    # The Logs DB, with three days of history.
    state['logsdb'] = os.path.join(STATE_DIR, 'logs.db')
    build_logsdb(state['logsdb'])
    save_state(state)
    log('SQLite Logs DB %s (3 days of history)' % state['logsdb'])
    write_inventory(state)


def _start_backend(pm2, state, script=None):
    env = {'PORT': str(state['backend_port']), 'HOST': '127.0.0.1', 'NEST_NODE_MODULES': NODE_MODULES,
           'DATABASE_STATE': 'up'}
    if script is None:
        pm2.pm2('start', NEST_MAIN, '--name', 'backend', '--time', env=env)
    else:
        pm2.start('backend', script, env=env, extra_args=['--max-restarts', '3'])


def _serve_ses(ready_file):
    """Background process: moto + account front until SIGTERM."""
    from ses_support import MotoSes
    moto = MotoSes()
    moto.reset()
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    with open(ready_file + '.tmp', 'w') as handle:
        json.dump({'ses_url': moto.url, 'moto_url': moto.moto_url}, handle)
    os.replace(ready_file + '.tmp', ready_file)
    while not stop:
        time.sleep(0.2)
    moto.stop()


# -- inventory and audit ----------------------------------------------------------------------------------

# The tests run the demo beside other tests on a busy 2-core machine, where how fast a local answer
# comes is that load, not the demo site's state (no fault of the demo is a slow one): they set
# TANK_DEMO_RELAX_LATENCY=1 to put the latency limits out of reach (over the request timeouts). The
# demo a user runs keeps the collection's limits.
RELAX_LATENCY = os.environ.get('TANK_DEMO_RELAX_LATENCY') == '1'


def _latency_limits(name):
    return {'thresholds': untimed(name)} if RELAX_LATENCY else {}


def inventory(state):
    pm2_target = {'pm2_home': os.path.join(state['pm2_root'], 'pm2home'), 'pm2_executable': pm2_support.PM2}
    nginx_url = 'http://127.0.0.1:%d' % state['nginx_port']
    prefix = os.path.join(state['nginx_base'], 'prefix')
    host = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
    return {'all': {
        'hosts': {'localhost': host},
        'children': {name: {'hosts': {'localhost': None}}
                     for name in ('tank_frontend', 'tank_backend', 'tank_worker', 'tank_site')},
        'vars': {
            'audit_site': SITE,
            # No Oracle server can run here: the oracle check is skipped and the Logs DB check reads
            # the demo's SQLite Logs DB (the same tables as the Oracle one).
            'audit_skip_checks': ['oracle'],
            'audit_options': {
                'resources': {'cpu_sample_seconds': 1},
                'pm2': dict(pm2_target, systemd_unit_dir=os.path.join(state['pm2_root'], 'systemd')),
                'logs': dict(pm2_target),
                'health': dict({'url': nginx_url + '/api/health', 'use_proxy': False}, **_latency_limits('latency_seconds')),
                'nginx': {'config': os.path.join(prefix, 'nginx.conf'), 'prefix': prefix,
                          'front_page_url': nginx_url + '/', 'status_url': nginx_url + '/nginx_status',
                          'use_proxy': False, **_latency_limits('front_page_latency_seconds')},
                'storage': {'paths': [
                    {'path': state['nas'], 'mount': True, 'fstype': 'tmpfs', 'source': 'tanknas'},
                    {'path': state['batch']}]},
                'logsdb': {'database': 'sqlite:///' + state['logsdb']},
                'ses': {'env_file': state['env_file'], 'endpoint_url': state['ses_url'],
                        'env_file_variables': {'access_key': 'AWS_ACCESS_KEY_ID',
                                               'secret_key': 'AWS_SECRET_ACCESS_KEY', 'region': 'AWS_REGION'}},
            },
        }}}


def write_inventory(state):
    path = os.path.join(STATE_DIR, 'inventory.yml')
    with open(path, 'w') as handle:
        handle.write('# Written by the demo (tests/functional/demo_site.py): the simulated Tank site on this machine.\n')
        json.dump(inventory(state), handle, indent=2)
        handle.write('\n')
    return path


def ansible_env():
    env = dict(os.environ)
    env.update(AWS_ENV)
    env.update({'ANSIBLE_CONFIG': os.path.join(REPO, 'ansible.cfg'),
                'ANSIBLE_COLLECTIONS_PATH': os.path.join(REPO, '.build', 'collections'),
                'PATH': os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')})
    return env


def audit(state=None, report_dir=REPORT_DIR, log=print, quiet=False):
    """Run playbooks/audit.yml on the demo's inventory; returns the report (audit.json)."""
    state = state or load_state()
    if state is None:
        raise DemoError('the demo site is not up: run make demo first')
    # The Logs DB history ends "now": re-seed it (with the injected Logs DB faults) so that time passing
    # between two audits does not read as missed automation runs.
    build_logsdb(state['logsdb'], faults=[f[len('logsdb-'):] for f in state['faults'] if f.startswith('logsdb-')])
    path = write_inventory(state)
    log('')
    log('Auditing the demo site: ansible-playbook -i %s playbooks/audit.yml' % os.path.relpath(path, REPO))
    log('(Oracle cannot run on this machine: the oracle check is skipped, and the Logs DB check reads the '
        'SQLite Logs DB %s.)' % os.path.relpath(state['logsdb'], REPO))
    report_json = os.path.join(report_dir, 'audit.json')
    if os.path.exists(report_json):
        os.remove(report_json)
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', path,
           os.path.join(REPO, 'playbooks', 'audit.yml'), '-e', json.dumps({'audit_report_dir': report_dir})]
    env = ansible_env()
    if quiet:
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False, timeout=600)
    else:
        proc = subprocess.run(cmd, cwd=REPO, env=env, check=False, timeout=600)
    if proc.returncode != 0 or not os.path.exists(report_json):
        detail = ('\n' + (proc.stdout or '')[-3000:] + (proc.stderr or '')[-3000:]) if quiet else ''
        raise DemoError('the audit playbook failed (rc %s)%s' % (proc.returncode, detail))
    with open(report_json) as handle:
        report = json.load(handle)
    explain(state, report, report_dir, log)
    return report


def remediate(state=None, confirm=False, report_dir=None, log=print, quiet=False):
    """Run playbooks/remediate.yml on the demo's inventory: a dry run (the plan) unless ``confirm``.

    Returns remediation.json. After a confirmed run, the faults whose findings the second audit no
    longer shows are recorded as repaired (no longer listed as injected)."""
    state = state or load_state()
    if state is None:
        raise DemoError('the demo site is not up: run make demo first')
    report_dir = report_dir or os.path.join(REPORT_DIR, 'remediation')
    build_logsdb(state['logsdb'], faults=[f[len('logsdb-'):] for f in state['faults'] if f.startswith('logsdb-')])
    path = write_inventory(state)
    variables = {'remediate_report_dir': report_dir, 'remediate_confirm': bool(confirm)}
    log('')
    log('%s the demo site: ansible-playbook -i %s playbooks/remediate.yml%s'
        % ('Remediating' if confirm else 'Planning the remediation of (dry run)', os.path.relpath(path, REPO),
           ' -e remediate_confirm=true' if confirm else ''))
    report_json = os.path.join(report_dir, 'remediation.json')
    if os.path.exists(report_json):
        os.remove(report_json)
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', path,
           os.path.join(REPO, 'playbooks', 'remediate.yml'), '-e', json.dumps(variables)]
    if quiet:
        proc = subprocess.run(cmd, cwd=REPO, env=ansible_env(), capture_output=True, text=True, check=False,
                              timeout=900)
    else:
        proc = subprocess.run(cmd, cwd=REPO, env=ansible_env(), check=False, timeout=900)
    if proc.returncode != 0 or not os.path.exists(report_json):
        detail = ('\n' + (proc.stdout or '')[-3000:] + (proc.stderr or '')[-3000:]) if quiet else ''
        raise DemoError('the remediation playbook failed (rc %s)%s' % (proc.returncode, detail))
    with open(report_json) as handle:
        result = json.load(handle)
    log('')
    log('Remediation report: %s' % report_json)
    if result['dry_run']:
        log('Dry run: nothing was changed. Act on the plan: make demo-remediate CONFIRM=true')
        return result
    with open(result['audit_after']) as handle:
        after = set(f['id'] for _w, _c, f in findings(json.load(handle)))
    repaired = [name for name in state['faults'] if not after.intersection(FAULTS[name][1])]
    if repaired:
        state['faults'] = [name for name in state['faults'] if name not in repaired]
        save_state(state)
        log('Repaired by the remediation (the second audit no longer shows them): %s' % ', '.join(repaired))
    log('Faults still injected: %s' % (', '.join(state['faults']) or 'none'))
    return result


def findings(report):
    """``[(where, check, finding)]`` of every finding in the report (hosts and sites)."""
    found = []
    for name, host in sorted(report.get('hosts', {}).items()):
        for check, result in sorted(host.get('checks', {}).items()):
            found.extend((name, check, f) for f in result.get('findings', []))
    for name, site in sorted(report.get('sites', {}).items()):
        for check, result in sorted(site.get('checks', {}).items()):
            found.extend(('site ' + name, check, f) for f in result.get('findings', []))
    return found


def about_this_machine(state, finding):
    """True for a finding about this machine itself rather than a demo component: the resources check
    audits the real CPU, memory and every local filesystem, not only the demo's."""
    if not finding['id'].startswith('resources.'):
        return False
    subject = str(finding.get('subject') or '')
    return not (subject.startswith(state['base'] + '/') or subject.startswith(state['nginx_base'] + '/'))


def explain(state, report, report_dir=REPORT_DIR, log=print):
    found = findings(report)
    machine = [f for _w, _c, f in found if about_this_machine(state, f)]
    demo = [f for _w, _c, f in found if not about_this_machine(state, f)]
    log('')
    log('Report: %s (and summary.txt beside it)' % os.path.join(report_dir, 'audit.json'))
    log('Faults injected: %s' % (', '.join(state['faults']) or 'none'))
    if not demo:
        log('The demo site is healthy: no finding about its components.')
    else:
        log('%d finding(s) about the demo site:' % len(demo))
        for finding in demo:
            log('  %-9s %s  %s' % (finding['status'], finding['id'], finding.get('subject') or ''))
    if machine:
        log('%d finding(s) about this machine itself, not the demo site (the resources check measures the real '
            'CPU, memory and every local filesystem, including other programs\' mounts):' % len(machine))
        for finding in machine:
            log('  %-9s %s  %s' % (finding['status'], finding['id'], finding.get('subject') or ''))
    if demo:
        log('Let the guide\'s fixes repair what they can: make demo-remediate (the plan, nothing changes), then '
            'make demo-remediate CONFIRM=true')
    log('Break it: make demo FAULT=<name> (make demo-faults lists them); remove it: make demo-down')


# -- faults -----------------------------------------------------------------------------------------------

# Faults that cannot hold at once (each undoes or hides the other): the second one is refused.
CONFLICTS = (
    frozenset(('nas-unmounted', 'nas-readonly', 'nas-full')),
    frozenset(('backend-errored', 'backend-db-down')),
)


def fault(names, log=print):
    """Inject faults for real into the running demo site (started first when it is not up)."""
    names = [names] if isinstance(names, str) else list(names)
    unknown = [name for name in names if name not in FAULTS]
    if unknown or not names:
        raise DemoError('unknown FAULT %s; known faults: %s (make demo-faults describes them)'
                        % (', '.join(repr(n) for n in unknown) or "''", ', '.join(FAULTS)))
    state = load_state()
    active = list(state['faults']) if state else []
    for name in names:
        for group in CONFLICTS:
            clash = [other for other in active if other in group and other != name] if name in group else []
            if clash:
                raise DemoError('FAULT %s cannot be combined with %s (already injected or asked for): run make '
                                'demo-down, then make demo FAULT=%s' % (name, ', '.join(clash), name))
        active.append(name)
    state = state or up(log=log)
    for name in names:
        if name in state['faults']:
            log('Fault %s is already injected.' % name)
            continue
        log('Injecting fault %s: %s' % (name, FAULTS[name][0]))
        globals()['_fault_' + name.replace('-', '_')](state)
        state['faults'].append(name)
        save_state(state)
    return state


def _fault_worker_stopped(state):
    _pm2(state).pm2('stop', 'worker')


def _fault_backend_errored(state):
    pm2 = _pm2(state)
    pm2.pm2('delete', 'backend')
    _start_backend(pm2, state, script=pm2_support.EXITS_AT_ONCE_JS)
    pm2.wait_for(lambda: pm2.status('backend') == 'errored', timeout=60, what='backend errored')


def _fault_backend_db_down(state):
    import urllib.request
    request = urllib.request.Request('http://127.0.0.1:%d/api/test-control' % state['backend_port'],
                                     data=json.dumps({'database': 'down'}).encode(), method='POST',
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def _fault_dump_stale(state):
    # A new app every time: once a remediation saved the first one, injecting the fault again needs another.
    name = 'report-export' + ('-%d' % (len(state['extra_apps']) + 1) if state['extra_apps'] else '')
    pm2 = _pm2(state)
    pm2.start(name, pm2_support.WORKER_JS)
    state['extra_apps'].append(name)


def _fault_nginx_down(state):
    _nginx(state).stop()


def _fault_nginx_bad_config(state):
    site = _nginx(state)
    with open(site.conf) as handle:
        text = handle.read()
    site.write_conf(text.replace('worker_connections 64;', 'worker_connections 64', 1))


def _fault_nas_unmounted(state):
    mounts = _mounts(state)
    mounts.unmount(state['nas'])
    state['mounted'] = list(mounts.mounted)


def _fault_nas_readonly(state):
    subprocess.run(['mount', '-o', 'remount,ro', state['nas']], check=True)


def _fault_nas_full(state):
    from conftest import fill
    fill(state['nas'], 100)


def _fault_disk_full(state):
    from conftest import fill
    fill(state['disk'], 96, filename='fill.bin')


def _ses_client(state, service='ses'):
    import boto3
    return boto3.client(service, endpoint_url=state['moto_url'], region_name=REGION, aws_access_key_id=FAKE_KEY,
                        aws_secret_access_key=FAKE_SECRET)


def _fault_ses_quota(state):
    ses = _ses_client(state)
    sender = 'sender@tank.example'
    ses.verify_email_identity(EmailAddress=sender)
    message = {'Subject': {'Data': 'Tank batch'}, 'Body': {'Text': {'Data': 'hello'}}}
    for number in range(int(MOTO_DAILY_QUOTA * 0.96)):
        ses.send_email(Source=sender, Destination={'ToAddresses': ['user%d@customer.example' % number]},
                       Message=message)


def _fault_ses_keys_revoked(state):
    import urllib.request
    request = urllib.request.Request(state['moto_url'] + '/moto-api/reset-auth', data=b'0', method='POST',
                                     headers={'Content-Type': 'text/plain'})
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def _fault_logsdb_fail_spike(state):
    pass  # the Logs DB is re-seeded with its faults before every audit


_fault_logsdb_no_runs = _fault_logsdb_fail_spike


# -- down -------------------------------------------------------------------------------------------------

def _kill(pid, log, what):
    if not pid or not _alive(pid):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    end = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < end:
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    log('stopped %s (pid %d)' % (what, pid))


def down(log=print):
    """Stop every process the demo started and remove its mounts and directories."""
    state = load_state()
    if state is None:
        log('The demo site is not up: nothing to remove.')
        return
    if state.get('pm2_root'):
        pm2 = _pm2(state)
        pids = sorted(set(pm2.daemon_processes() + ([state['pm2_daemon_pid']] if state.get('pm2_daemon_pid') else [])))
        pm2.close()
        for pid in pids:
            _kill(pid, log, 'PM2 daemon')
        log('PM2 daemon and its apps killed')
    if state.get('nginx_base'):
        site = _nginx(state)
        site.stop()
        _kill(state.get('nginx_pid'), log, 'nginx')
        shutil.rmtree(site.base, ignore_errors=True)
        log('nginx stopped, %s removed' % site.base)
    _kill(state.get('ses_pid'), log, 'moto (SES)')
    _mounts(state).cleanup()
    log('tmpfs mounts unmounted, %s removed' % state['base'])
    for name in ('logs.db', 'inventory.yml', 'ses.json', 'ses.log'):
        path = os.path.join(STATE_DIR, name)
        if os.path.exists(path):
            os.remove(path)
    os.remove(STATE_FILE)
    log('The demo site is down.')


# -- CLI --------------------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(prog='demo_site.py', description='The simulated Tank site of make demo.')
    sub = parser.add_subparsers(dest='command', required=True)
    sub.add_parser('up', help='start the demo site (if needed) and audit it')
    fault_parser = sub.add_parser('fault', help='inject a fault (starting the site if needed) and audit it')
    fault_parser.add_argument('names', nargs='+', metavar='name')
    sub.add_parser('faults', help='list the faults')
    sub.add_parser('audit', help='audit the running demo site')
    fix = sub.add_parser('remediate', help='playbooks/remediate.yml on the demo site: the plan (dry run) by default')
    fix.add_argument('--confirm', action='store_true', help='act on the plan (remediate_confirm=true), then re-audit')
    sub.add_parser('down', help='remove every process, mount and directory the demo started')
    serve = sub.add_parser('_serve-ses')
    serve.add_argument('ready_file')
    args = parser.parse_args(argv)
    try:
        if args.command == '_serve-ses':
            _serve_ses(args.ready_file)
        elif args.command == 'faults':
            width = max(len(name) for name in FAULTS)
            for name, (what, ids) in FAULTS.items():
                print('%-*s  %s -> %s' % (width, name, what, ', '.join(ids)))
        elif args.command == 'up':
            audit(up())
        elif args.command == 'fault':
            audit(fault(args.names))
        elif args.command == 'audit':
            audit()
        elif args.command == 'remediate':
            remediate(confirm=args.confirm)
        elif args.command == 'down':
            down()
    except DemoError as exc:
        print('demo: %s' % exc, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
