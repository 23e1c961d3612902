# -*- coding: utf-8 -*-
"""Helpers for the PM2 and log tests: a real PM2 daemon in a throw-away PM2_HOME, real Node apps.

Never touches the real ~/.pm2: every pm2 command gets the sandbox's PM2_HOME, and ``close()``
kills the sandbox daemon (and with it the apps).
"""

from __future__ import annotations

import json
import os
import subprocess
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PM2 = os.path.join(REPO, '.build', 'node', 'node_modules', '.bin', 'pm2')
NODE = '/usr/bin/node'

# Node apps standing in for Tank's processes.
WORKER_JS = r'''
let n = 0;
setInterval(() => {
  if (n % 4 === 0) console.log('Scheduler: created ' + (n / 4) + ' job(s)');
  console.log('Processing job ' + n++);
}, 250);
'''
BACKEND_JS = r'''
require('http').createServer((q, s) => s.end('{"status":"ok"}')).listen(0, '127.0.0.1');
'''
EXITS_AT_ONCE_JS = r'''
console.error('Error: missing DB_HOST in .env');
process.exit(1);
'''
SLOW_CRASH_JS = r'''
console.log('started');
setTimeout(() => { console.error('Error: ORA-12514: TNS:listener does not currently know of service'); process.exit(1); }, 1500);
'''


class Pm2Sandbox(object):
    def __init__(self, root):
        self.root = str(root)
        self.home = os.path.join(self.root, 'pm2home')
        self.apps_dir = os.path.join(self.root, 'apps')
        self.unit_dir = os.path.join(self.root, 'systemd')
        for path in (self.home, self.apps_dir, self.unit_dir):
            os.makedirs(path, exist_ok=True)

    def env(self, extra=None):
        env = dict(os.environ)
        env['PM2_HOME'] = self.home
        env['PATH'] = os.path.dirname(NODE) + os.pathsep + env.get('PATH', '')
        env.update(extra or {})
        return env

    def pm2(self, *args, **kwargs):
        extra_env = kwargs.pop('env', None)
        check = kwargs.pop('check', True)
        proc = subprocess.run([PM2] + list(args), capture_output=True, text=True, env=self.env(extra_env),
                              timeout=kwargs.pop('timeout', 60), check=False, cwd=self.root)
        if check and proc.returncode != 0:
            raise AssertionError('pm2 %s failed: %s %s' % (' '.join(args), proc.stdout[-2000:], proc.stderr[-2000:]))
        return proc

    def start(self, name, source, env=None, time_prefix=True, extra_args=()):
        script = os.path.join(self.apps_dir, '%s.js' % name)
        with open(script, 'w') as handle:
            handle.write(source)
        args = ['start', script, '--name', name] + list(extra_args)
        if time_prefix:
            args.append('--time')
        self.pm2(*args, env=env)
        return script

    def jlist(self):
        out = self.pm2('jlist').stdout
        return json.loads(out[out.index('['):])

    def status(self, name):
        for proc in self.jlist():
            if proc['name'] == name:
                return proc['pm2_env']['status']
        return None

    def wait_for(self, predicate, timeout=30.0, what='condition'):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        raise AssertionError('timed out waiting for %s' % what)

    def daemon_pid(self):
        try:
            with open(os.path.join(self.home, 'pm2.pid')) as handle:
                return int(handle.read().strip())
        except (OSError, ValueError):
            return None

    def daemon_processes(self):
        """Pids of PM2 daemons serving this sandbox's PM2_HOME (from /proc, whatever the pid file says)."""
        found = []
        for entry in os.listdir('/proc'):
            if not entry.isdigit():
                continue
            try:
                with open('/proc/%s/cmdline' % entry, 'rb') as handle:
                    cmdline = handle.read().replace(b'\0', b' ').decode('utf-8', 'replace')
            except OSError:
                continue
            if 'God Daemon' in cmdline and '(%s)' % self.home in cmdline:
                found.append(int(entry))
        return found

    def write_unit(self, user='root', enabled=True, home=None):
        """A startup unit like the one pm2 startup writes, in the sandbox's unit directory."""
        name = 'pm2-%s.service' % user
        path = os.path.join(self.unit_dir, name)
        with open(path, 'w') as handle:
            handle.write('[Unit]\nDescription=PM2 process manager\nAfter=network.target\n\n[Service]\n'
                         'Type=forking\nUser=%s\nEnvironment=PM2_HOME=%s\nPIDFile=%s/pm2.pid\n'
                         'ExecStart=%s resurrect\nExecStop=%s kill\n\n[Install]\nWantedBy=multi-user.target\n'
                         % (user, home or self.home, home or self.home, PM2, PM2))
        wants = os.path.join(self.unit_dir, 'multi-user.target.wants')
        os.makedirs(wants, exist_ok=True)
        link = os.path.join(wants, name)
        if enabled and not os.path.lexists(link):
            os.symlink(path, link)
        if not enabled and os.path.lexists(link):
            os.unlink(link)
        return path

    def close(self):
        """Kill the sandbox daemon and its apps, whatever state the test left."""
        if self.daemon_pid() or self.daemon_processes():
            self.pm2('kill', check=False, timeout=60)
        for pid in self.daemon_processes():
            try:
                os.kill(pid, 9)
            except OSError:
                pass


def healthy(sandbox, worker_env=None):
    """Backend + worker online and saved, startup unit enabled: the state with no finding."""
    sandbox.start('backend', BACKEND_JS)
    sandbox.start('worker', WORKER_JS, env=worker_env)
    sandbox.wait_for(lambda: sandbox.status('backend') == 'online' and sandbox.status('worker') == 'online',
                     what='backend and worker online')
    sandbox.pm2('save')
    sandbox.write_unit()


def module_args(sandbox, **extra):
    args = {'pm2_home': sandbox.home, 'pm2_executable': PM2, 'systemd_unit_dir': sandbox.unit_dir}
    args.update(extra)
    return args


def stamp(seconds_ago, now=None):
    """PM2's --time prefix for a moment ``seconds_ago`` (local time, no zone)."""
    moment = (now or time.time()) - seconds_ago
    return time.strftime('%Y-%m-%dT%H:%M:%S: ', time.localtime(moment))


def log_lines(entries, now=None):
    """``[(seconds ago, text)]`` (oldest first) -> bytes of a PM2 --time log."""
    return ''.join(stamp(ago, now) + text + '\n' for ago, text in entries).encode('utf-8')


def write_log(path, entries, now=None, mode='wb'):
    with open(str(path), mode) as handle:
        handle.write(log_lines(entries, now))
    return str(path)


def busy_worker(minutes=30, scheduler_every=60, job_every=10, until=0):
    """A worker log: a Scheduler line every ``scheduler_every`` s and a job every ``job_every`` s."""
    entries = []
    for ago in range(int(minutes * 60), until - 1, -job_every):
        if ago % scheduler_every == 0:
            entries.append((ago, 'Scheduler: created 1 job(s)'))
        entries.append((ago, 'Processing job %d' % ago))
    return entries
