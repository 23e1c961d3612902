# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Guided remediation (guide §3, §10, §13): a plan made from a fresh audit's findings, and its execution.

``make_plan`` is pure: finding ids in, actions and "needs a person" entries out. Only these findings
are fixed automatically, each with the guide's own command:

- ``pm2.app.stopped``                    -> ``pm2 start <app>`` (§3 "stopped: run pm2 start again")
- ``pm2.app.errored`` / ``restart_loop`` -> save the app's last log lines, then ``pm2 restart <app>``
                                           (§3 "errored: read the logs, then restart"; §13.6)
- ``pm2.dump.*``                         -> ``pm2 save``, after the actions above and only when every app
                                           PM2 runs is then online (§3 "pm2 startup then pm2 save")
- ``nginx.port.not_listening``           -> ``nginx -t``, then ``nginx -s reload`` only when the test passes (§10)

Everything else (database, SES account, NAS, configuration edits, code) is listed as needing a
person, with the remedy the audit gave. ``execute`` re-reads PM2's live state before each action:
an app that is online again is left alone, and nothing is ever done to an app without a finding.
"""

from __future__ import annotations

import os
import re
import subprocess
import time

from ansible_collections.tank.monitoring.plugins.module_utils import _nginx, _pm2
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, run_bounded
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import scrub

# finding id -> (pm2 verb, save the logs first)
PM2_APP_ACTIONS = {
    'pm2.app.stopped': ('start', False),
    'pm2.app.errored': ('restart', True),
    'pm2.app.restart_loop': ('restart', True),
}
PM2_SAVE_FINDINGS = ('pm2.dump.missing', 'pm2.dump.stale_app', 'pm2.dump.unsaved_app')
NGINX_RELOAD_FINDINGS = ('nginx.port.not_listening',)
# Checks whose findings the guide leaves to a person: what that person decides about.
PERSON_DECIDES = {
    'oracle': 'the database (guide §6): account, privileges, listener and network are decided by a person',
    'logsdb': 'the database (guide §11): what the send, attachment and error logs show is decided by a person',
    'ses': 'the SES account (guide §8): credentials, quota and address quality are decided by a person',
    'storage': 'the NAS / file storage (guide §7): paths, permissions and mounts are decided by a person',
}
NOT_AUTOMATED = 'no automatic fix: follow the remedy'
STATUS_ORDER = ('ok', 'warning', 'unknown', 'critical')
_PM_ID_SUBJECT = re.compile(r'^(?P<name>.+)\[(?P<pm_id>\d+)\]$')
PM2_TARGET_OPTIONS = ('pm2_user', 'pm2_home', 'pm2_executable', 'systemd_unit_dir')
NGINX_OPTIONS = ('binary', 'config', 'prefix')


def _findings(checks, site=False):
    """``[(check, finding)]`` of a ``{check: result}`` mapping (report schema v2), non-ok findings only."""
    found = []
    for check in sorted(checks or {}):
        result = checks[check]
        if not isinstance(result, dict):
            raise CheckInputError('checks.%s must be a check result (a mapping with findings)' % check)
        for finding in result.get('findings') or []:
            if not isinstance(finding, dict) or not isinstance(finding.get('id'), str):
                raise CheckInputError('checks.%s.findings must be a list of findings with an id' % check)
            if finding.get('status', 'critical') != 'ok':
                found.append((check, dict(finding, site=site)))
    return found


def _person(check, finding):
    return {
        'id': finding['id'], 'check': check, 'subject': finding.get('subject'), 'status': finding.get('status'),
        'message': finding.get('message'), 'remedy': finding.get('remedy'),
        'guide_section': finding.get('guide_section'), 'site': finding.get('site', False),
        'why': 'a person decides about ' + PERSON_DECIDES[check] if check in PERSON_DECIDES else NOT_AUTOMATED,
    }


def app_reference(subject):
    """``(name, pm2 argument)``: ``backend`` -> ``backend``; a cluster instance ``api[3]`` -> its pm_id ``3``."""
    match = _PM_ID_SUBJECT.match(subject or '')
    if match:
        return match.group('name'), match.group('pm_id')
    return subject, subject


def make_plan(checks, site_checks=None):
    """The plan for one host: ``{'actions': [...], 'needs_person': [...]}`` (order = execution order)."""
    apps, save, reload_, person = [], [], [], []
    by_subject = {}
    for check, finding in _findings(checks) + _findings(site_checks, site=True):
        fid = finding['id']
        if not finding.get('site') and fid in PM2_APP_ACTIONS and finding.get('subject'):
            verb, save_logs = PM2_APP_ACTIONS[fid]
            subject = finding['subject']
            if subject in by_subject:  # one action per app
                by_subject[subject]['finding_ids'].append(fid)
                by_subject[subject]['save_logs'] = by_subject[subject]['save_logs'] or save_logs
                continue
            _name, ref = app_reference(subject)
            action = {'action': 'pm2_' + verb, 'subject': subject, 'finding_ids': [fid], 'save_logs': save_logs,
                      'command': 'pm2 %s %s' % (verb, ref), 'guide_section': finding.get('guide_section') or '§3'}
            by_subject[subject] = action
            apps.append(action)
        elif not finding.get('site') and fid in PM2_SAVE_FINDINGS:
            save.append(fid)
        elif not finding.get('site') and fid in NGINX_RELOAD_FINDINGS:
            reload_.append(fid)
        else:
            person.append(_person(check, finding))
    actions = list(apps)
    if save:
        actions.append({'action': 'pm2_save', 'subject': 'dump.pm2', 'finding_ids': sorted(set(save)),
                        'save_logs': False, 'guide_section': '§3',
                        'command': 'pm2 save (only if every app PM2 runs is online once the actions above are done)'})
    if reload_:
        actions.append({'action': 'nginx_reload', 'subject': 'nginx', 'finding_ids': sorted(set(reload_)),
                        'save_logs': False, 'guide_section': '§10',
                        'command': 'nginx -t, then nginx -s reload only if the test passes'})
    return {'actions': actions, 'needs_person': person}


def plan_lines(plan, dry_run):
    """Human-readable lines of a plan (the console summary of one host)."""
    lines = []
    verb = 'would run' if dry_run else 'runs'
    for action in plan['actions']:
        lines.append('%s %s  [%s, guide %s]%s' % (verb, action['command'], ', '.join(action['finding_ids']),
                                                  action['guide_section'],
                                                  ' (saves its last log lines first)' if action['save_logs'] else ''))
    if not plan['actions']:
        lines.append('nothing to do automatically')
    for entry in plan['needs_person']:
        subject = ' ' + entry['subject'] if entry['subject'] else ''
        lines.append('needs a person: %s%s (%s): %s' % (entry['id'], subject, entry['why'], entry['remedy']))
    return lines


# -- execution ---------------------------------------------------------------------------------------

class Executor(object):
    """Runs a plan's actions on this host (root, or the PM2 user), in order, re-reading the live state."""

    def __init__(self, pm2_options, nginx_options, deadline, log_lines=200, settle_seconds=10.0):
        self.pm2_options = dict((k, v) for k, v in (pm2_options or {}).items() if k in PM2_TARGET_OPTIONS and v)
        self.nginx_options = dict((k, v) for k, v in (nginx_options or {}).items() if k in NGINX_OPTIONS and v)
        self.deadline = deadline
        self.log_lines = log_lines
        self.settle_seconds = settle_seconds
        self.saved_logs = []
        self._target = None
        self._executable = None

    # PM2 access: the same PM2 the audit looked at (user, PM2_HOME, executable).
    def _pm2(self):
        if self._target is None:
            self._target = _pm2.resolve_target(self.pm2_options)
            self._executable = _pm2.find_executable(
                self._target, self.pm2_options.get('systemd_unit_dir') or _pm2.DEFAULT_UNIT_DIR)
        if _pm2.daemon_pid(self._target) is None:
            raise _pm2.Pm2Error('the PM2 daemon of %s (PM2_HOME %s) is not running: nothing is started (a pm2 '
                                'command would start an empty daemon)' % (self._target.user, self._target.home))
        if self._executable is None:
            raise _pm2.Pm2Error('pm2 was not found; set pm2_executable in the audit options of pm2')
        return self._target, self._executable

    def _processes(self):
        target, executable = self._pm2()
        return _pm2.jlist(target, executable, self.deadline)

    def _pm2_run(self, *args):
        target, executable = self._pm2()
        try:
            proc = run_bounded([executable] + list(args), self.deadline, env=_pm2.command_env(target, executable, False),
                               cwd=target.user_home if os.path.isdir(target.user_home) else '/', **_pm2.run_as(target))
        except subprocess.TimeoutExpired:
            raise _pm2.Pm2Error('pm2 %s did not finish within the time limit' % ' '.join(args))
        except OSError as exc:
            raise _pm2.Pm2Error('cannot run %s: %s' % (executable, exc))
        if proc.returncode != 0:
            err = proc.stderr.decode('utf-8', 'replace').strip().splitlines()
            tail_line = (': ' + err[-1][:300]) if err else ''
            raise _pm2.Pm2Error('pm2 %s exited with %s%s' % (' '.join(args), proc.returncode, tail_line))
        return proc

    def run(self, plan):
        results = []
        for action in plan['actions']:
            outcome = {'action': action['action'], 'subject': action['subject'], 'command': action['command'],
                       'finding_ids': action['finding_ids']}
            try:
                handler = getattr(self, '_do_' + action['action'])
                outcome.update(handler(action))
            except (_pm2.Pm2Error, CheckInputError, PermissionError, OSError) as exc:
                outcome.update(outcome='failed', detail=str(exc))
            results.append(outcome)
        return results

    def _find(self, processes, subject):
        name, ref = app_reference(subject)
        for process in processes:
            if (ref != name and str(process.get('pm_id')) == ref) or (ref == name and process.get('name') == name):
                return process
        return None

    def _do_pm2_start(self, action):
        process = self._find(self._processes(), action['subject'])
        if process is None:
            return {'outcome': 'skipped', 'detail': 'the app is no longer registered in PM2'}
        if process.get('status') == _pm2.ONLINE:
            return {'outcome': 'skipped', 'detail': 'the app is online again: left alone'}
        self._pm2_run('start', app_reference(action['subject'])[1])
        return {'outcome': 'done', 'detail': 'was %s' % process.get('status')}

    def _do_pm2_restart(self, action):
        process = self._find(self._processes(), action['subject'])
        if process is None:
            return {'outcome': 'skipped', 'detail': 'the app is no longer registered in PM2'}
        if process.get('status') == _pm2.ONLINE and action['finding_ids'] == ['pm2.app.errored']:
            return {'outcome': 'skipped', 'detail': 'the app is online again: left alone'}
        if action['save_logs']:
            self._save_logs(action['subject'], process)
        self._pm2_run('restart', app_reference(action['subject'])[1])
        return {'outcome': 'done', 'detail': 'was %s with %s restarts' % (process.get('status'),
                                                                          process.get('restart_time'))}

    def _save_logs(self, subject, process):
        saved_at = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
        for stream, key in (('out', 'out_log'), ('err', 'err_log')):
            path = process.get(key)
            if not isinstance(path, str) or not path:
                continue
            text = tail(path, self.log_lines)
            self.saved_logs.append({'subject': subject, 'stream': stream, 'source': path, 'saved_at': saved_at,
                                    'file_name': '%s-%s-%s.log' % (saved_at, re.sub(r'[^A-Za-z0-9_.-]', '_', subject),
                                                                   stream),
                                    'text': scrub(text) if text is not None else None,
                                    'error': None if text is not None else 'cannot read %s' % path})

    def _do_pm2_save(self, action):
        # pm2 save only with every app online, and only once they stayed online through two samples.
        end = time.monotonic() + min(self.settle_seconds, max(0.0, self.deadline.remaining() - 5.0))
        stable = 0
        down = []
        while True:
            processes = self._processes()
            down = sorted('%s (%s)' % (p.get('name'), p.get('status')) for p in processes
                          if p.get('status') != _pm2.ONLINE)
            stable = stable + 1 if not down else 0
            if stable >= 2 or time.monotonic() >= end:
                break
            time.sleep(1.0)
        if down:
            return {'outcome': 'skipped', 'detail': 'not every app is online (%s): pm2 save would save a broken list; '
                                                    'fix them, then run pm2 save' % ', '.join(down)}
        if not processes and 'pm2.dump.missing' not in action['finding_ids']:
            return {'outcome': 'skipped', 'detail': 'PM2 runs no app: an empty list is not saved'}
        self._pm2_run('save')
        return {'outcome': 'done', 'detail': 'saved %d online app(s)' % len(processes)}

    def _do_nginx_reload(self, action):
        test = _nginx._nginx_command(self.nginx_options, '-t')  # pylint: disable=protected-access
        if test is None:
            return {'outcome': 'failed', 'detail': 'the nginx binary %r was not found' % self.nginx_options.get('binary', 'nginx')}
        try:
            proc = run_bounded(test, self.deadline, text=True)
        except subprocess.TimeoutExpired:
            return {'outcome': 'failed', 'detail': 'nginx -t did not finish in time: not reloaded'}
        if proc.returncode != 0:
            lines = [line.strip() for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
            return {'outcome': 'skipped', 'detail': 'nginx -t failed, so nginx was NOT reloaded: %s'
                                                    % ' | '.join(lines[:5])[:1000]}
        reload_ = _nginx._nginx_command(self.nginx_options, '-s', 'reload')  # pylint: disable=protected-access
        try:
            proc = run_bounded(reload_, self.deadline, text=True)
        except subprocess.TimeoutExpired:
            return {'outcome': 'failed', 'detail': 'nginx -s reload did not finish in time'}
        if proc.returncode != 0:
            return {'outcome': 'failed', 'detail': 'nginx -s reload exited with %s: %s'
                                                   % (proc.returncode, (proc.stderr or proc.stdout).strip()[:500])}
        return {'outcome': 'done', 'detail': 'nginx -t passed; nginx reloaded'}


def tail(path, lines, max_bytes=1 << 20):
    """The last ``lines`` lines of a file (reading at most ``max_bytes`` from its end), or None."""
    try:
        with open(path, 'rb') as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - max_bytes))
            data = handle.read()
    except OSError:
        return None
    text = data.decode('utf-8', 'replace').splitlines()
    if size > max_bytes and text:
        text = text[1:]  # the first line read is probably cut
    return '\n'.join(text[-lines:]) + ('\n' if text else '')
