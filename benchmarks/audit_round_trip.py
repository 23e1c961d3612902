# -*- coding: utf-8 -*-
"""The audit path a user runs, timed whole: one round trip vs one task per check vs builtin modules.

Stands up a simulated Tank host on this machine with real components (PM2 running a Node backend
and worker, nginx serving a React-like build, a health API, a tmpfs "NAS"), then times complete
``ansible-playbook`` runs, interleaved so that every figure of a round is measured under the same
machine load:

- ``audit``: one ``tank.monitoring.audit`` task running the six host checks;
- ``per-check``: the same six checks as six module tasks (what the role did before);
- ``builtin``: a plain playbook of builtin modules doing the same probes (command, uri, stat, slurp);
- ``start-up``: a playbook with one ``ansible.builtin.ping`` task, the floor every playbook pays
  (``ansible-playbook`` start-up, inventory, one module run), so the table also gives each variant's
  cost beyond that floor;
- ``six pings``: six ``ansible.builtin.ping`` tasks, the ratio "six tasks vs one" reaches when the
  tasks do no work at all (Ansible's own per-task cost against its start-up).

The same audit vs per-check comparison over 20 host aliases (where a fleet pays per task and host).
Then the fleet case: 100 inventory hosts (local connection, aliases of this machine) audited by
``playbooks/audit.yml`` with the host checks that need no site (resources, storage on a tmpfs
path), with the recommended forks, total and per host, next to the same checks as one bare
``tank.monitoring.audit`` task per host (what the role adds) and one ``ansible.builtin.ping`` per
host over the same inventory (what Ansible itself costs per host here). Prints one table; the goals
are in it.
Run: ``make bench`` (or ``.venv/bin/python benchmarks/audit_round_trip.py``).
"""

from __future__ import annotations

import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, 'tests', 'functional'))
sys.path.insert(0, os.path.join(REPO, '.build', 'collections'))

import pm2_support  # noqa: E402
from health_support import Backend  # noqa: E402
from nginx_support import NginxSite  # noqa: E402
from storage_support import Mounts  # noqa: E402

from ansible_collections.tank.monitoring.plugins.module_utils import _registry  # noqa: E402  (each check's module name)

ROUNDS = int(os.environ.get('BENCH_ROUNDS', '5'))
FLEET_HOSTS = int(os.environ.get('BENCH_FLEET_HOSTS', '100'))
FLEET_FORKS = int(os.environ.get('BENCH_FLEET_FORKS', '50'))
# Hosts (aliases of this machine, all auditing the same components) of the many-host comparison.
MANY_HOSTS = int(os.environ.get('BENCH_MANY_HOSTS', '20'))
MANY_ROUNDS = int(os.environ.get('BENCH_MANY_ROUNDS', '2'))
BIN = os.path.dirname(sys.executable)


def ansible_env():
    env = dict(os.environ)
    env.update({'ANSIBLE_CONFIG': os.path.join(REPO, 'ansible.cfg'),
                'ANSIBLE_COLLECTIONS_PATH': os.path.join(REPO, '.build', 'collections'),
                'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_DEPRECATION_WARNINGS': '0'})
    return env


def playbook(path, inventory, extra=None, forks=None):
    command = [os.path.join(BIN, 'ansible-playbook'), path, '-i', inventory]
    if extra:
        command += ['-e', json.dumps(extra)]
    if forks:
        command += ['--forks', str(forks)]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=ansible_env(), cwd=REPO, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit('%s failed (rc %s):\n%s\n%s' % (path, proc.returncode, proc.stdout[-3000:], proc.stderr[-2000:]))
    return elapsed


def host_check_options(sandbox, site, backend, share):
    return {
        'resources': {'cpu_sample_seconds': 1.0},
        'pm2': pm2_support.module_args(sandbox, restart_sample_seconds=0),
        'logs': {'pm2_home': sandbox.home, 'pm2_executable': pm2_support.PM2, 'apps': ['backend', 'worker']},
        'health': {'url': backend.url(), 'use_proxy': False},
        'nginx': site.module_args(),
        'storage': {'paths': [{'path': share, 'mount': True, 'fstype': 'tmpfs'}]},
    }


def write_playbooks(work, options, sandbox, site, backend, share):
    play = {'hosts': 'all', 'gather_facts': False}
    audit = [dict(play, name='one round trip', tasks=[
        {'name': 'audit', 'tank.monitoring.audit': {'checks': options}}])]
    per_check = [dict(play, name='one task per check', tasks=[
        {'name': name, 'tank.monitoring.%s' % _registry.CHECKS[name].module: opts} for name, opts in options.items()])]
    logs = [os.path.join(sandbox.home, 'logs', '%s-%s.log' % (app, stream))
            for app in ('backend', 'worker') for stream in ('out', 'error')]
    pm2_env = {'PM2_HOME': sandbox.home, 'PM2_PROGRAMMATIC': 'true', 'PATH': os.environ.get('PATH', '')}
    builtin = [dict(play, name='builtin modules', tasks=[
        {'name': 'load and memory', 'ansible.builtin.slurp': {'src': '/proc/loadavg'}},
        {'name': 'memory', 'ansible.builtin.slurp': {'src': '/proc/meminfo'}},
        {'name': 'disk space', 'ansible.builtin.command': {'argv': ['df', '-P', '-x', 'tmpfs']}, 'changed_when': False},
        {'name': 'pm2 processes', 'ansible.builtin.command': {'argv': [pm2_support.PM2, 'jlist']},
         'environment': pm2_env, 'changed_when': False},
        {'name': 'log tails', 'ansible.builtin.command': {'argv': ['tail', '-c', '65536'] + logs},
         'changed_when': False, 'failed_when': False},
        {'name': 'health api', 'ansible.builtin.uri': {'url': backend.url(), 'return_content': True, 'use_proxy': False}},
        {'name': 'nginx config test', 'ansible.builtin.command': {
            'argv': ['nginx', '-t', '-c', site.conf, '-p', site.prefix]}, 'changed_when': False},
        {'name': 'front page', 'ansible.builtin.uri': {'url': site.url('/'), 'return_content': True, 'use_proxy': False}},
        {'name': 'nginx status', 'ansible.builtin.uri': {'url': site.url('/nginx_status'), 'use_proxy': False}},
        {'name': 'storage path', 'ansible.builtin.stat': {'path': share}},
        {'name': 'storage space', 'ansible.builtin.command': {'argv': ['df', '-P', share]}, 'changed_when': False},
    ])]
    start_up = [dict(play, name='start-up floor', tasks=[{'name': 'ping', 'ansible.builtin.ping': {}}])]
    # Six tasks that do nothing vs one: what Ansible's per-task cost alone makes of "one task vs six".
    six_pings = [dict(play, name='six tasks', tasks=[{'name': 'ping %d' % n, 'ansible.builtin.ping': {}} for n in range(6)])]
    paths = {}
    for name, content in (('audit', audit), ('per-check', per_check), ('builtin', builtin), ('start-up', start_up),
                          ('six pings', six_pings)):
        paths[name] = os.path.join(work, '%s.yml' % name)
        with open(paths[name], 'w') as handle:
            json.dump(content, handle)
    return paths


def local_inventory(work, names, **host_vars):
    hosts = dict((name, dict({'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable},
                             **host_vars)) for name in names)
    path = os.path.join(work, 'hosts-%d.json' % len(names))
    with open(path, 'w') as handle:
        json.dump({'all': {'hosts': hosts}}, handle)
    return path


def one_host(work, mounts):
    sandbox = pm2_support.Pm2Sandbox(work)
    site = NginxSite()
    try:
        pm2_support.healthy(sandbox)
        site.start()
        share = mounts.tmpfs('share')
        with Backend('ok') as backend:
            options = host_check_options(sandbox, site, backend, share)
            paths = write_playbooks(work, options, sandbox, site, backend, share)
            inventory = local_inventory(work, ['tank01'])
            times = collections.defaultdict(list)
            playbook(paths['audit'], inventory)  # warm caches once
            for _round in range(ROUNDS):
                for name, path in paths.items():
                    times[name].append(playbook(path, inventory))
            # The same comparison where it matters, over many hosts: the fixed start-up of
            # ansible-playbook is paid once, the per-task cost once per host and task.
            many = local_inventory(work, ['tank%02d' % n for n in range(1, MANY_HOSTS + 1)])
            for _round in range(MANY_ROUNDS):
                for name in ('audit', 'per-check'):
                    times['%d hosts %s' % (MANY_HOSTS, name)].append(playbook(paths[name], many, forks=MANY_HOSTS))
        return times
    finally:
        site.cleanup()
        sandbox.close()


def fleet(work, mounts):
    share = mounts.tmpfs('fleet')
    names = ['tank%03d' % number for number in range(1, FLEET_HOSTS + 1)]
    # The host checks that need no site, with the same options in the role's run and the bare module's.
    checks = {'resources': {'cpu_sample_seconds': 1.0}, 'storage': {'paths': [{'path': share}]}}
    inventory = local_inventory(work, names, audit_checks=sorted(checks), audit_options=checks)
    report_dir = os.path.join(work, 'fleet-report')
    ping = os.path.join(work, 'ping.yml')
    with open(ping, 'w') as handle:
        json.dump([{'hosts': 'all', 'gather_facts': False, 'tasks': [{'ansible.builtin.ping': {}}]}], handle)
    # The audit module alone, one task per host, the same checks and options: what the role adds
    # (its preflight, the site-check fallback, the report, fail-on) is the difference to the role's run.
    module = os.path.join(work, 'module.yml')
    with open(module, 'w') as handle:
        json.dump([{'hosts': 'all', 'gather_facts': False, 'tasks': [{'tank.monitoring.audit': {'checks': checks}}]}],
                  handle)
    audit_seconds = playbook(os.path.join(REPO, 'playbooks', 'audit.yml'), inventory,
                             extra={'audit_report_dir': report_dir}, forks=FLEET_FORKS)
    module_seconds = playbook(module, inventory, forks=FLEET_FORKS)
    ping_seconds = playbook(ping, inventory, forks=FLEET_FORKS)
    return audit_seconds, module_seconds, ping_seconds


def measure():
    """Rows ``(what, figure, note)`` for the one table of benchmarks/bench.py."""
    work = tempfile.mkdtemp(prefix='tank-bench-audit-')
    mounts = Mounts()
    try:
        times = one_host(work, mounts)
        fleet_seconds, module_seconds, ping_seconds = fleet(work, mounts)
    finally:
        mounts.cleanup()
    audit = statistics.median(times['audit'])
    per_check = statistics.median(times['per-check'])
    builtin = statistics.median(times['builtin'])
    per_check_ratio = statistics.median(p / a for p, a in zip(times['per-check'], times['audit']))
    builtin_ratio = statistics.median(b / a for b, a in zip(times['builtin'], times['audit']))
    floor = statistics.median(times['start-up'])
    six_pings = statistics.median(times['six pings'])
    six_ratio = statistics.median(s / f for s, f in zip(times['six pings'], times['start-up']))
    many_audit = statistics.median(times['%d hosts audit' % MANY_HOSTS])
    many_per_check = statistics.median(times['%d hosts per-check' % MANY_HOSTS])
    many_ratio = statistics.median(p / a for p, a in zip(times['%d hosts per-check' % MANY_HOSTS],
                                                         times['%d hosts audit' % MANY_HOSTS]))
    # Beyond the floor: what each variant adds to a playbook that already starts and runs one module.
    beyond_ratio = statistics.median((p - f) / max(a - f, 0.01)
                                     for p, a, f in zip(times['per-check'], times['audit'], times['start-up']))
    rows = [
        ('one host, 6 host checks: tank.monitoring.audit (1 task)', '%.2f s' % audit, ''),
        ('one host, same checks, one task per check (6 tasks)', '%.2f s' % per_check,
         '%.1fx the audit (goal >= 4x)' % per_check_ratio),
        ('one host, builtin-module playbook, same probes (11 tasks)', '%.2f s' % builtin,
         '%.1fx the audit (goal > 1x)' % builtin_ratio),
        ('one host, start-up floor: a playbook of one ping task', '%.2f s' % floor,
         'beyond it, one task per check costs %.1fx the audit' % beyond_ratio),
        ('one host, a playbook of six ping tasks', '%.2f s' % six_pings,
         '%.1fx one ping task: six tasks vs one, with no check work' % six_ratio),
        ('%d hosts, 6 host checks: tank.monitoring.audit (1 task each)' % MANY_HOSTS, '%.2f s' % many_audit, ''),
        ('%d hosts, same checks, one task per check (6 tasks each)' % MANY_HOSTS, '%.2f s' % many_per_check,
         '%.1fx the audit (goal >= 4x)' % many_ratio),
        ('%d hosts, playbooks/audit.yml, forks %d: total' % (FLEET_HOSTS, FLEET_FORKS), '%.1f s' % fleet_seconds,
         'goal <= 30 s'),
        ('%d hosts: per host' % FLEET_HOSTS, '%.0f ms' % (1000.0 * fleet_seconds / FLEET_HOSTS), ''),
        ('%d hosts, one tank.monitoring.audit task each (no role), forks %d' % (FLEET_HOSTS, FLEET_FORKS),
         '%.1f s' % module_seconds, 'the role adds %.1f s (%.0f ms per host)' % (
             fleet_seconds - module_seconds, 1000.0 * (fleet_seconds - module_seconds) / FLEET_HOSTS)),
        ('%d hosts, one ansible.builtin.ping each, forks %d' % (FLEET_HOSTS, FLEET_FORKS), '%.1f s' % ping_seconds,
         'the audit costs %.1fx what Ansible itself costs per host' % (fleet_seconds / ping_seconds)),
    ]
    return rows


def main():
    rows = measure()
    print('Audit round trip (%d interleaved rounds, medians; ratios are per round), %d cores' % (ROUNDS, os.cpu_count()))
    width = max(len(r[0]) for r in rows)
    for label, value, note in rows:
        print('  %-*s  %9s  %s' % (width, label, value, note))


if __name__ == '__main__':
    main()
