# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""PM2 process check (guide §3, §13.1, §13.6) and the PM2 access shared with the log check.

Read-only by construction: any ``pm2`` CLI command starts a daemon when none is running, so the
daemon's pid file and process are checked first and the CLI is only called when a daemon is
alive. The ``pm2 jlist`` output carries every app's full launch environment (secrets included);
it is reduced at once to the few fields monitoring needs (``PROCESS_FIELDS``).
"""

from __future__ import annotations

import glob
import json
import math
import os
import pwd
import re
import subprocess
import time

from ansible_collections.tank.monitoring.plugins.module_utils._context import HOST_CONTEXT
from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, WARNING, FindingSpec
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, run_bounded
from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, declare

CHECK = 'pm2'

REMEDY_LOOP = ('A restart loop is likely a .env or code error (guide §3): read the error log (pm2 logs <app> '
               '--err --lines 100), fix the configuration or code, then pm2 restart <app>.')

CATALOGUE = {
    'not_installed': FindingSpec(
        '§3',
        'PM2 is not installed on this host (no pm2 executable and no PM2 daemon), so the backend and the worker '
        'cannot run under PM2 as the guide requires: install Node.js and PM2 for the PM2 user (npm install -g '
        'pm2), start the apps from their ecosystem file (pm2 start ecosystem.config.js), then pm2 save and pm2 '
        'startup. If PM2 is installed where the check does not look, set the pm2_executable option to its full '
        'path.'),
    'daemon.not_running': FindingSpec(
        '§3, §13.1',
        'The PM2 daemon is not running, so neither the backend nor the worker runs under PM2: start the apps '
        'again as the PM2 user (pm2 resurrect, or pm2 start <ecosystem file>), then pm2 save. Make PM2 start on '
        'boot (pm2 startup, then pm2 save).'),
    'executable.not_found': FindingSpec(
        '§3',
        'The pm2 executable was not found (Node installed under nvm is not on the PATH of non-interactive '
        'shells): set the pm2_executable option to the full path of pm2.'),
    'cli.failed': FindingSpec(
        '§3',
        'The pm2 command failed or returned no process list: run pm2 jlist as the PM2 user with the same '
        'PM2_HOME and fix the error it prints.'),
    'app.unreadable': FindingSpec(
        '§3',
        'PM2 reports a field of this app that is not what PM2 normally writes (for example a restart count that '
        'is not a number), so that part of the app could not be judged: look at pm2 describe <app> and pm2 jlist; '
        'a corrupted process list is cleared by deleting and starting the app again (pm2 delete <app>, pm2 start '
        '<ecosystem file> --only <app>), then pm2 save.'),
    'app.missing': FindingSpec(
        '§3, §13.1',
        'The app is not registered in PM2: start it from its ecosystem file (pm2 start ecosystem.config.js '
        '--only <app>), check that it stays online (pm2 list), then pm2 save.'),
    'app.stopped': FindingSpec(
        '§3',
        'The app is stopped: run pm2 start <app> again (guide §3), then check pm2 list shows it online.'),
    'app.errored': FindingSpec(
        '§3',
        'The app is errored: read the logs (pm2 logs <app> --lines 100), fix the cause, then restart it '
        '(pm2 restart <app>) (guide §3).'),
    'app.restart_loop': FindingSpec('§3', REMEDY_LOOP),
    'app.recently_restarted': FindingSpec(
        '§3',
        'The app restarted a short time ago: if its restart count keeps growing it is in a restart loop (.env or '
        'code error, guide §3); read pm2 logs <app> --err and compare pm2 list in a minute.'),
    'app.not_online': FindingSpec(
        '§3',
        'The app is not online: read pm2 logs <app>, then pm2 restart <app>; if it does not stay online it is '
        'likely a .env or code error (guide §3).'),
    'app.memory': FindingSpec(
        '§9',
        'The app uses a lot of memory and memory shortage can stop the worker (guide §9): look for a leak '
        '(pm2 monit), restart the app (pm2 restart <app>) or set max_memory_restart in the ecosystem file.'),
    'app.cpu': FindingSpec(
        '§9, §13.7',
        'The app keeps a CPU busy: reduce the worker parallelism (guide §13.7 "CPU 100% -> reduce parallelism") '
        'and watch pm2 monit.'),
    'startup.missing': FindingSpec(
        '§3',
        'PM2 does not start on boot: automatic restart on boot is mandatory (guide §3). Run pm2 startup as the '
        'PM2 user and the command it prints (or the tank.monitoring.pm2_startup role), then pm2 save.'),
    'startup.disabled': FindingSpec(
        '§3',
        'The PM2 startup unit exists but is not enabled, so PM2 will not start on boot (guide §3): systemctl '
        'enable pm2-<user>.service (or run the tank.monitoring.pm2_startup role).'),
    'startup.home_mismatch': FindingSpec(
        '§3',
        'The PM2 startup unit resurrects a different PM2_HOME than the running PM2, so other apps would come '
        'back after a reboot: re-run pm2 startup as the PM2 user (or the tank.monitoring.pm2_startup role with '
        'the right PM2 home), then pm2 save.'),
    'dump.missing': FindingSpec(
        '§3',
        'No saved process list (dump.pm2): after a reboot PM2 starts no app. Run pm2 save as the PM2 user once '
        'every app is online (guide §3: pm2 startup, then pm2 save).'),
    'dump.stale_app': FindingSpec(
        '§3',
        'The saved list (dump.pm2) holds an app PM2 no longer runs, which would come back after a reboot: run '
        'pm2 save as the PM2 user while every app is online (guide §3).'),
    'dump.unsaved_app': FindingSpec(
        '§3',
        'The app was started after the last pm2 save and will not come back after a reboot: run pm2 save as the '
        'PM2 user while every app is online (guide §3).'),
}

DEFAULT_UNIT_DIR = '/etc/systemd/system'
# Options shared with the log check (doc fragment tank.monitoring.pm2).
TARGET_ARGUMENT_SPEC = dict(
    apps=dict(type='list', elements='str', default=['backend', 'worker']),
    pm2_user=dict(type='str'),
    pm2_home=dict(type='path'),
    pm2_executable=dict(type='path'),
)
ARGUMENT_SPEC = dict(
    TARGET_ARGUMENT_SPEC,
    restart_sample_seconds=dict(type='float', default=2.0),
    check_startup=dict(type='bool', default=True),
    systemd_unit_dir=dict(type='path', default=DEFAULT_UNIT_DIR),
)
DEFAULT_TIMEOUT = 30.0

# Statuses PM2 reports (pm2/lib/API/Extra/.. and God): anything else is reported as is.
ONLINE = 'online'
STATUS_FINDINGS = {
    'stopped': ('app.stopped', CRITICAL),
    'stopping': ('app.stopped', CRITICAL),
    'errored': ('app.errored', CRITICAL),
    'waiting restart': ('app.restart_loop', CRITICAL),
    'launching': ('app.not_online', WARNING),
    'one-launch-status': ('app.not_online', WARNING),
}

# The only fields kept from ``pm2 jlist``: pm2_env holds the full launch environment (secrets).
PROCESS_FIELDS = ('name', 'pm_id', 'pid', 'status', 'restart_time', 'unstable_restarts', 'pm_uptime',
                  'created_at', 'exec_mode', 'memory', 'cpu', 'out_log', 'err_log', 'version', 'invalid')
# Fields the check computes with: a value of another type is reported (``invalid``) and not used.
NUMERIC_FIELDS = ('pid', 'restart_time', 'unstable_restarts', 'pm_uptime', 'memory', 'cpu')
# How long a process list remembered by ``prefetch`` is used instead of a new ``pm2 jlist``.
PREFETCH_MAX_AGE = 60.0
_ENV_FIELDS = {'name': 'name', 'status': 'status', 'restart_time': 'restart_time',
               'unstable_restarts': 'unstable_restarts', 'pm_uptime': 'pm_uptime', 'created_at': 'created_at',
               'exec_mode': 'exec_mode', 'pm_out_log_path': 'out_log', 'pm_err_log_path': 'err_log',
               'version': 'version'}


# -- locating the right PM2 ----------------------------------------------------------------------------

class Pm2Target(object):
    """Which PM2 to look at: its user, home (PM2_HOME) and executable."""

    __slots__ = ('user', 'uid', 'gid', 'user_home', 'home', 'executable')

    def __init__(self, user, uid, gid, user_home, home, executable):
        self.user = user
        self.uid = uid
        self.gid = gid
        self.user_home = user_home
        self.home = home
        self.executable = executable

    @property
    def pid_file(self):
        return os.path.join(self.home, 'pm2.pid')

    @property
    def dump_file(self):
        return os.path.join(self.home, 'dump.pm2')


def resolve_target(params):
    """The PM2 of ``pm2_user`` (default: the user running the check) and ``pm2_home``.

    ``pm2_home`` defaults to ``~pm2_user/.pm2`` when ``pm2_user`` is given, else to the
    ``PM2_HOME`` environment variable, else ``~/.pm2`` of the current user.
    """
    user = params.get('pm2_user')
    if user:
        try:
            entry = pwd.getpwnam(user)
        except KeyError:
            raise CheckInputError('pm2_user %r does not exist on this host' % (user,))
    else:
        entry = pwd.getpwuid(os.geteuid())
    home = params.get('pm2_home')
    if not home:
        if not user and os.environ.get('PM2_HOME'):
            home = os.environ['PM2_HOME']
        else:
            home = os.path.join(entry.pw_dir, '.pm2')
    home = os.path.abspath(home)
    executable = params.get('pm2_executable')
    if executable and not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        raise CheckInputError('pm2_executable %s is not an executable file' % (executable,))
    return Pm2Target(entry.pw_name, entry.pw_uid, entry.pw_gid, entry.pw_dir, home, executable)


def find_executable(target, unit_dir=None):
    """Full path of ``pm2``, nvm-proof: PATH, the startup unit's ExecStart, nvm, global npm prefixes."""
    if target.executable:
        return target.executable
    candidates = []
    for directory in os.environ.get('PATH', '').split(os.pathsep):
        if directory:
            candidates.append(os.path.join(directory, 'pm2'))
    if unit_dir:
        unit = read_unit(os.path.join(unit_dir, unit_name(target.user)))
        if unit and unit.get('exec_start'):
            candidates.append(unit['exec_start'])
    # nvm installs per user; non-interactive shells do not load it. Newest Node first.
    nvm = sorted(glob.glob(os.path.join(target.user_home, '.nvm', 'versions', 'node', '*', 'bin', 'pm2')),
                 key=_version_key, reverse=True)
    candidates.extend(nvm)
    candidates.append(os.path.join(target.user_home, '.npm-global', 'bin', 'pm2'))
    candidates.extend(_GLOBAL_PREFIXES)
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


_GLOBAL_PREFIXES = ('/usr/local/bin/pm2', '/usr/bin/pm2', '/opt/nodejs/bin/pm2')


def _version_key(path):
    match = re.search(r'/v?(\d+)\.(\d+)\.(\d+)/bin/pm2$', path)
    return tuple(int(n) for n in match.groups()) if match else (0, 0, 0)


def daemon_pid(target):
    """The pid of the live PM2 daemon of ``target.home``, or None (no pid file, dead or foreign pid)."""
    try:
        with open(target.pid_file) as handle:
            pid = int(handle.read().strip() or 0)
    except (OSError, ValueError):
        return None
    if pid <= 0:
        return None
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            cmdline = handle.read().replace(b'\0', b' ').decode('utf-8', 'replace')
    except OSError:
        # No /proc (not Linux) or the process is gone.
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid
    # The daemon names itself "PM2 vX.Y.Z: God Daemon (<PM2_HOME>)"; a recycled pid is not it.
    if 'God Daemon' not in cmdline and 'PM2' not in cmdline:
        return None
    return pid


class Pm2Error(Exception):
    """The pm2 CLI failed; the message says how (never contains the environment)."""


def command_env(target, executable, read_only=True):
    """The environment a ``pm2`` command of ``target`` runs with (never the caller's, which may hold secrets)."""
    env = {
        'PM2_HOME': target.home,
        'HOME': target.user_home,
        'USER': target.user,
        'LOGNAME': target.user,
        # nvm-proof: the directory of pm2 holds node under nvm; the shebang is "/usr/bin/env node".
        'PATH': os.pathsep.join([os.path.dirname(executable), os.path.dirname(os.path.realpath(executable)),
                                 '/usr/local/bin', '/usr/bin', '/bin']),
        'LANG': 'C.UTF-8',
    }
    if read_only:
        # Read-only: every CLI run writes Date.now() to PM2_HOME/touch when PM2_DISCRETE_MODE is set, or (with
        # a version check over the network and a banner) when that file is missing; PM2_PROGRAMMATIC turns
        # both off (pm2 7.0.4 lib/Client.js initFileStructure), so an audit leaves PM2_HOME byte- and
        # time-identical. PM2_USAGE=CLI, set by the CLI itself, keeps it printing and exiting as a CLI.
        env['PM2_PROGRAMMATIC'] = 'true'
    return env


def run_as(target):
    """``subprocess`` keyword arguments that run a command as the PM2 user of ``target`` (root needed)."""
    if target.uid == os.geteuid():
        return {}
    if os.geteuid() != 0:
        raise PermissionError('cannot run pm2 as %s without root privileges (use become: true)' % target.user)
    return dict(user=target.uid, group=target.gid, extra_groups=[])


def jlist(target, executable, deadline):
    """``pm2 jlist`` of a RUNNING daemon, reduced to ``PROCESS_FIELDS``. Caller checks the daemon first."""
    env = command_env(target, executable)
    kwargs = run_as(target)
    try:
        proc = run_bounded([executable, 'jlist'], deadline, env=env,
                           cwd=target.user_home if os.path.isdir(target.user_home) else '/', **kwargs)
    except subprocess.TimeoutExpired:
        raise Pm2Error('pm2 jlist did not answer within the time limit')
    except OSError as exc:
        raise Pm2Error('cannot run %s: %s' % (executable, exc))
    processes = parse_jlist(proc.stdout)
    if processes is None:
        stderr = proc.stderr.decode('utf-8', 'replace').strip().splitlines()
        raise Pm2Error('pm2 jlist exited with %s and printed no process list%s' % (
            proc.returncode, (': ' + stderr[-1][:300]) if stderr else ''))
    return processes


def parse_jlist(output):
    """The reduced process list from ``pm2 jlist`` output (a banner may precede the JSON), or None."""
    if isinstance(output, bytes):
        output = output.decode('utf-8', 'replace')
    decoder = json.JSONDecoder()
    # The JSON array starts on its own: find the first '[' that decodes to a list of processes.
    for match in re.finditer(r'\[', output):
        try:
            data, _end = decoder.raw_decode(output, match.start())
        except (ValueError, RecursionError):  # RecursionError: brackets nested deeper than Python recurses
            continue
        if isinstance(data, list) and all(isinstance(item, dict) for item in data):
            return [reduce_process(item) for item in data]
    return None


def reduce_process(item):
    """Keep only what monitoring needs from one ``jlist`` entry; never the environment.

    A numeric field holding something else, or a status that is not a string, is set to None and
    named in ``invalid`` (``[(field, short description)]``) so the check reports it for that app only.
    """
    env = item.get('pm2_env') if isinstance(item.get('pm2_env'), dict) else {}
    process = dict((field, None) for field in PROCESS_FIELDS)
    invalid = []
    raw = {}
    for source, field in _ENV_FIELDS.items():
        value = env.get(source)
        raw[field] = value
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            process[field] = value
    process['name'] = str(item.get('name') or process['name'] or '')
    process['pm_id'] = _int(item.get('pm_id', env.get('pm_id')))
    monit = item.get('monit') if isinstance(item.get('monit'), dict) else {}
    raw.update(pid=item.get('pid'), memory=monit.get('memory'), cpu=monit.get('cpu'))
    for field in NUMERIC_FIELDS:
        value = raw.get(field)
        if value is None:
            process[field] = None
        elif _is_number(value):
            process[field] = float(value) if field == 'cpu' else int(value)
        else:
            process[field] = None
            invalid.append((field, _describe(value)))
    if raw.get('status') is not None and not isinstance(raw['status'], str):
        process['status'] = None
        invalid.append(('status', _describe(raw['status'])))
    process['invalid'] = invalid
    return process


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _describe(value):
    """A short description of an odd field value (type and the first characters)."""
    text = json.dumps(value, default=str)
    return '%s %s' % (type(value).__name__, text if len(text) <= 40 else text[:40] + '...')


def _int(value):
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: Infinity, which pm2's JSON may hold
        return None


def dump_entries(target):
    """``[(name, out_log, err_log)]`` saved in dump.pm2, or None when there is no dump. Env discarded."""
    try:
        with open(target.dump_file, 'rb') as handle:
            data = json.loads(handle.read().decode('utf-8', 'replace'))
    except FileNotFoundError:
        return None
    except ValueError:
        return []
    entries = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and isinstance(item.get('name'), str):
            entries.append((item['name'], item.get('pm_out_log_path'), item.get('pm_err_log_path')))
    return entries


def unit_name(user):
    return 'pm2-%s.service' % user


def read_unit(path):
    """The parts of a PM2 systemd unit the checks use, or None when it does not exist."""
    try:
        with open(path, 'rb') as handle:
            text = handle.read(1 << 20).decode('utf-8', 'replace')
    except (FileNotFoundError, NotADirectoryError):
        return None
    unit = {'pm2_home': None, 'exec_start': None, 'wanted_by': []}
    for raw in text.splitlines():
        line = raw.strip()
        key, sep, value = line.partition('=')
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == 'Environment':
            for assignment in re.findall(r'"[^"]*"|\S+', value):
                name, _sep, setting = assignment.strip('"').partition('=')
                if name == 'PM2_HOME':
                    unit['pm2_home'] = setting
        elif key == 'ExecStart':
            unit['exec_start'] = value.lstrip('-@:+!').split()[0] if value.lstrip('-@:+!').split() else None
        elif key == 'WantedBy':
            unit['wanted_by'].extend(value.split())
    return unit


# -- one process list per audit ------------------------------------------------------------------------

def _memo_key(target, executable):
    return ('pm2.jlist', target.home, target.uid, os.path.realpath(executable))


def prefetch(params, deadline):
    """Run ``pm2 jlist`` once for the PM2 that ``params`` designate and remember it in ``HOST_CONTEXT``.

    Called by the audit in its own process before it forks the checks, so the pm2 and logs checks
    share one process list. Never starts a daemon (nothing is run when none is alive) and never
    raises: on any problem nothing is remembered and each check asks (and reports) for itself.
    Returns the list remembered, or None.
    """
    try:
        target = resolve_target(params)
        pid = daemon_pid(target)
        if pid is None:
            return None
        executable = find_executable(target, params.get('systemd_unit_dir') or DEFAULT_UNIT_DIR)
        if executable is None:
            return None
        processes = jlist(target, executable, deadline)
    except (CheckInputError, Pm2Error, OSError):
        return None
    HOST_CONTEXT.remember(_memo_key(target, executable), (pid, processes))
    return processes


def shared_jlist(target, executable, deadline):
    """The process list remembered by ``prefetch`` for this PM2 (same PM2_HOME, user and executable,
    same live daemon, taken less than ``PREFETCH_MAX_AGE`` seconds ago), else a new ``pm2 jlist``."""
    remembered = HOST_CONTEXT.recall(_memo_key(target, executable), max_age=PREFETCH_MAX_AGE)
    if remembered is not None:
        pid, processes = remembered
        if pid == daemon_pid(target):
            return [dict(process) for process in processes]
    return jlist(target, executable, deadline)


# -- the check -----------------------------------------------------------------------------------------

def run(params, result, deadline):
    apps = [a for a in (params.get('apps') or []) if a]
    sample = params.get('restart_sample_seconds')
    if sample is None or sample < 0:
        raise CheckInputError('restart_sample_seconds must be 0 (one sample) or a positive number of seconds')
    if sample and sample >= deadline.seconds / 2.0:
        raise CheckInputError('restart_sample_seconds (%s) must be shorter than half the timeout (%s)'
                              % (sample, deadline.seconds))
    target = resolve_target(params)
    unit_dir = params.get('systemd_unit_dir') or DEFAULT_UNIT_DIR

    processes = None
    if daemon_pid(target) is None:
        if find_executable(target, unit_dir) is None:
            # Not "the daemon is down, resurrect it": there is no PM2 to resurrect with. The startup
            # and dump findings would only repeat this one.
            result.add('not_installed', CRITICAL,
                       'PM2 is not installed for %s: no pm2 executable was found on PATH, in the startup unit, '
                       'under ~%s/.nvm or in %s, and no PM2 daemon runs for PM2_HOME %s.'
                       % (target.user, target.user, ', '.join(_GLOBAL_PREFIXES), target.home), subject=target.user)
            return
        result.add('daemon.not_running', CRITICAL,
                   'The PM2 daemon of %s (PM2_HOME %s) is not running: no PM2 app runs.' % (target.user, target.home),
                   subject=target.home)
    else:
        executable = find_executable(target, unit_dir)
        if executable is None:
            result.unknown('executable.not_found', 'pm2 not found on PATH, in the startup unit, under nvm or in '
                           'the usual global prefixes; set pm2_executable.', subject=target.user, reason='error')
        else:
            processes = _sample(target, executable, sample, result, deadline)

    if processes is not None:
        _judge_apps(result, apps, processes)
    if params.get('check_startup', True):
        _startup(result, target, unit_dir, processes)


def _sample(target, executable, sample, result, deadline):
    """Two ``jlist`` samples ``sample`` seconds apart: a growing restart count is a loop.

    The first sample is the audit's shared list when ``prefetch`` took one."""
    try:
        first = shared_jlist(target, executable, deadline)
        if not sample:
            return {'now': first, 'before': None}
        time.sleep(min(sample, max(0.0, deadline.remaining() - 2.0)))
        if daemon_pid(target) is None:  # the daemon died between the samples: never respawn it
            return {'now': first, 'before': None}
        return {'now': jlist(target, executable, deadline), 'before': first}
    except Pm2Error as exc:
        result.unknown('cli.failed', str(exc), subject=executable, reason='error')
        return None


def _judge_apps(result, apps, samples):
    processes = samples['now']
    before = dict((p['pm_id'], p) for p in samples['before'] or [])
    now_ms = time.time() * 1000.0
    result.metric('apps_registered', len(processes))
    result.metric('apps_online', sum(1 for p in processes if p['status'] == ONLINE))
    by_name = {}
    for process in processes:
        by_name.setdefault(process['name'], []).append(process)
    for app in apps:
        if app not in by_name:
            result.add('app.missing', CRITICAL, 'The app %s is not registered in PM2 (registered: %s).'
                       % (app, ', '.join(sorted(by_name)) or 'none'), subject=app)
    watched = [name for name in sorted(by_name) if name in apps] if apps else sorted(by_name)
    for name in watched:
        instances = by_name[name]
        for process in instances:
            subject = name if len(instances) == 1 else '%s[%s]' % (name, process['pm_id'])
            # Each app on its own: an odd entry must not stop the judging of the others.
            if process.get('invalid'):
                result.unknown('app.unreadable', 'PM2 reports for the app %s %s: not judged from %s.' % (
                    subject, '; '.join('%s is %s, not a %s' % (field, text, 'string' if field == 'status' else 'number')
                                       for field, text in process['invalid']),
                    'these fields' if len(process['invalid']) > 1 else 'this field'),
                    subject=subject, reason='error')
            try:
                _judge_process(result, subject, process, before.get(process['pm_id']), now_ms)
            except (TypeError, ValueError, KeyError, OverflowError) as exc:
                result.unknown('app.unreadable', 'The PM2 entry of the app %s could not be judged: %s: %s'
                               % (subject, type(exc).__name__, exc), subject=subject, reason='error')


def _judge_process(result, subject, process, earlier, now_ms):
    if process['status'] is None and any(field == 'status' for field, _text in process.get('invalid') or ()):
        return  # an unreadable status (reported as app.unreadable) is neither online nor down
    status = process['status'] or 'unknown'
    # None when PM2 gave no usable count (reported as app.unreadable): not judged, never taken as 0.
    known_restarts = process['restart_time']
    restarts = known_restarts if known_restarts is not None else '?'
    result.metric('app_online', 1 if status == ONLINE else 0, subject=subject)
    if known_restarts is not None:
        result.metric('app_restarts', known_restarts, subject=subject)
    if process['unstable_restarts'] is not None:
        result.metric('app_unstable_restarts', process['unstable_restarts'], subject=subject)
    grown = None
    if earlier is not None and earlier['restart_time'] is not None and known_restarts is not None:
        grown = known_restarts - earlier['restart_time']
        result.metric('app_restarts_during_sample', grown, subject=subject)

    if status in STATUS_FINDINGS:
        finding_id, severity = STATUS_FINDINGS[status]
        result.add(finding_id, severity, 'The app %s is %s (pid %s, %s restarts).' % (
            subject, status, process['pid'] or 0, restarts), value=status, subject=subject)
        return
    if status != ONLINE:
        result.add('app.not_online', CRITICAL, 'The app %s is in state %s.' % (subject, status),
                   value=status, subject=subject)
        return

    uptime = None
    if process['pm_uptime']:
        uptime = round(max(0.0, (now_ms - process['pm_uptime']) / 1000.0), 1)
        result.metric('app_uptime_seconds', uptime, subject=subject)
    # A slow crash loop stays "online" with unstable_restarts 0: only a growing restart count shows it.
    if grown:
        result.judge('app.restart_loop', 'app_restarts_during_sample', grown,
                     'The app {subject} is online but restarted {value} time(s) while it was watched '
                     '({restarts} restarts in total): a restart loop.', subject=subject, restarts=restarts)
    elif process['unstable_restarts']:
        result.add('app.restart_loop', CRITICAL, 'The app %s is online but PM2 counts %s unstable restarts (%s in '
                   'total): a restart loop.' % (subject, process['unstable_restarts'], restarts),
                   value=process['unstable_restarts'], subject=subject)
    elif known_restarts and uptime is not None:
        result.judge('app.recently_restarted', 'app_uptime_seconds', uptime,
                     'The app {subject} has been up only {value}s after {restarts} restart(s) (limit {limit}s).',
                     subject=subject, restarts=restarts)

    if process['memory'] is not None:
        memory_mb = round(process['memory'] / 1048576.0, 1)
        result.metric('app_memory_mb', memory_mb, subject=subject)
        result.judge('app.memory', 'app_memory_mb', memory_mb,
                     'The app {subject} uses {value} MB of memory (limit {limit} MB).', subject=subject)
    if process['cpu'] is not None:
        cpu = process['cpu']
        if earlier is not None and earlier['cpu'] is not None and earlier['pid'] == process['pid']:
            cpu = min(cpu, earlier['cpu'])  # busy in both samples: sustained, not a spike
        result.metric('app_cpu_percent', cpu, subject=subject)
        result.judge('app.cpu', 'app_cpu_percent', cpu,
                     'The app {subject} keeps {value}% of a CPU busy (limit {limit}%).', subject=subject)


def _startup(result, target, unit_dir, samples):
    name = unit_name(target.user)
    path = os.path.join(unit_dir, name)
    unit = read_unit(path)
    if unit is None:
        result.add('startup.missing', WARNING, 'No PM2 startup unit %s for the user %s: PM2 will not start on '
                   'boot.' % (path, target.user), subject=name)
    else:
        targets = unit['wanted_by'] or ['multi-user.target']
        links = [os.path.join(unit_dir, '%s.wants' % wanted, name) for wanted in targets]
        enabled = any(os.path.lexists(link) for link in links)
        result.metric('startup_enabled', 1 if enabled else 0)
        if not enabled:
            result.add('startup.disabled', WARNING, 'The PM2 startup unit %s is not enabled (no link %s).'
                       % (path, links[0]), subject=name)
        if unit['pm2_home'] and os.path.normpath(unit['pm2_home']) != os.path.normpath(target.home):
            result.add('startup.home_mismatch', WARNING, 'The startup unit %s resurrects PM2_HOME %s, not %s.'
                       % (path, unit['pm2_home'], target.home), value=unit['pm2_home'], subject=name)

    saved = dump_entries(target)
    running = [p['name'] for p in (samples or {}).get('now') or [] if p['status'] == ONLINE]
    if saved is None:
        if running or samples is None:
            result.add('dump.missing', WARNING, 'No saved process list %s: after a reboot PM2 starts no app.'
                       % target.dump_file, subject=target.dump_file)
        return
    saved_names = set(entry[0] for entry in saved)
    result.metric('apps_saved', len(saved_names))
    for app in sorted(set(running) - saved_names):
        result.add('dump.unsaved_app', WARNING, 'The app %s is online but not in the saved list %s: it will not '
                   'come back after a reboot.' % (app, target.dump_file), subject=app)
    if samples is not None:
        registered = set(p['name'] for p in samples['now'])
        for app in sorted(saved_names - registered):
            result.add('dump.stale_app', WARNING, 'The saved list %s holds the app %s, which PM2 no longer runs: it '
                       'would come back after a reboot.' % (target.dump_file, app), subject=app)


# The one declaration of this check (the registry, the audit module and the docs derive from it).
SPEC = declare(globals(), scope=HOST, module='pm2_check', shares='pm2')
