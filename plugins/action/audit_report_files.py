# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write every file of the fleet report on the controller in one step (see plugins/modules/audit_report_files.py).

One task instead of ten: with ``ansible.builtin.copy`` each file cost a module run (about 0.8 s
each here), so writing the report took most of a one-host audit.
"""

from __future__ import annotations

import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.tank.monitoring.plugins.modules.audit_report_files import ARGUMENT_SPEC

# Formats in the order they are written, with their file names (docs/audit-report.md).
FILES = (('json', 'audit.json'), ('summary', 'summary.txt'), ('markdown', 'audit.md'), ('junit', 'junit.xml'),
         ('prometheus', 'tank_audit.prom'), ('html', 'audit.html'))
HISTORY = 'history'
HISTORY_PATTERN = ('audit-', '.json')
FILE_MODE = 0o640
DIR_MODE = 0o750
# node_exporter runs as its own user and must read the textfile collector's file.
TEXTFILE_MODE = 0o644


def render(report, paths, fail_on, lang):
    """``{format: content}`` of every file of the report directory."""
    import json

    from ansible_collections.tank.monitoring.plugins.module_utils import _render
    from ansible_collections.tank.monitoring.plugins.module_utils._html import render_html
    return {
        'json': json.dumps(report, indent=4, sort_keys=True, ensure_ascii=False) + '\n',
        'summary': _render.console_text(report, color=False, report_path=paths['json'], lang=lang) + '\n',
        'markdown': _render.markdown(report, report_path=paths['json'], lang=lang),
        'junit': _render.junit_xml(report, fail_on=fail_on, lang=lang),
        'prometheus': _render.prometheus_text(report),
        'html': render_html(report, lang=lang),
    }


def history_name(generated_at):
    return '%s%s%s' % (HISTORY_PATTERN[0], str(generated_at).replace('-', '').replace(':', ''), HISTORY_PATTERN[1])


def write_file(path, content, mode, check_mode=False):
    """Replace ``path`` atomically with ``content``; False when it already held exactly that."""
    data = content.encode('utf-8')
    try:
        with open(path, 'rb') as handle:
            if handle.read() == data and (os.stat(path).st_mode & 0o7777) == mode:
                return False
    except OSError:
        pass
    if check_mode:
        return True
    directory, name = os.path.split(path)
    # A reader (node_exporter, a browser, the next audit) sees the old file or the new one, never half.
    handle, temporary = tempfile.mkstemp(prefix='.%s.' % name, dir=directory)
    try:
        with os.fdopen(handle, 'wb') as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    return True


def make_dir(path, check_mode=False):
    if os.path.isdir(path):
        return False
    if not check_mode:
        os.makedirs(path, exist_ok=True)
        os.chmod(path, DIR_MODE)  # exactly, whatever the umask
    return True


def read_previous(path):
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except OSError:
        return None


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        if args['keep'] < 0:
            raise AnsibleActionFail('keep must be a count of history copies (0 or more), got %d' % args['keep'])
        report = args['report']
        if not isinstance(report.get('hosts'), dict) or 'generated_at' not in report:
            raise AnsibleActionFail('report must be the audit report (hosts, sites, generated_at), as the '
                                    'tank.monitoring.audit_report filter builds it')
        check_mode = bool(self._task.check_mode)
        directory = os.path.realpath(args['dir'])
        history = os.path.join(directory, HISTORY)
        paths = dict((key, os.path.join(directory, name)) for key, name in FILES)
        paths['history'] = history
        written, removed = [], []
        try:
            for path in (directory, history):
                if make_dir(path, check_mode):
                    written.append(path)

            from ansible_collections.tank.monitoring.plugins.module_utils import _render
            # Read before it is replaced: what changed since the previous audit of this directory.
            report = dict(report, since_last_audit=_render.since_last_text(report, read_previous(paths['json'])))
            contents = render(report, paths, args['fail_on'], args['lang'])
            for key, dummy in FILES:
                if write_file(paths[key], contents[key], FILE_MODE, check_mode):
                    written.append(paths[key])
            if args['textfile_dir']:
                if not os.path.isdir(args['textfile_dir']):
                    raise AnsibleActionFail('textfile_dir %s is not a directory (node_exporter\'s textfile collector '
                                            'directory must exist)' % args['textfile_dir'])
                path = os.path.join(args['textfile_dir'], 'tank_audit.prom')
                if write_file(path, contents['prometheus'], TEXTFILE_MODE, check_mode):
                    written.append(path)
            if args['keep'] > 0:
                path = os.path.join(history, history_name(report['generated_at']))
                if write_file(path, contents['json'], FILE_MODE, check_mode):
                    written.append(path)
            copies = sorted((name for name in (os.listdir(history) if os.path.isdir(history) else ())
                             if name.startswith(HISTORY_PATTERN[0]) and name.endswith(HISTORY_PATTERN[1])), reverse=True)
            for name in copies[args['keep']:]:
                if not check_mode:
                    os.unlink(os.path.join(history, name))
                removed.append(os.path.join(history, name))
        except OSError as exc:
            raise AnsibleActionFail('cannot write the audit report in %s: %s (%s)'
                                    % (directory, exc.strerror or exc, getattr(exc, 'filename', None) or directory))
        # Each host's status for audit_fail_on, computed here once: a filter in the per-host fail task
        # would load the collection's filter plugins in a worker process per host.
        from ansible_collections.tank.monitoring.plugins.filter.audit import audit_host_status
        statuses = dict((host, audit_host_status(report, host)) for host in report['hosts'])
        failing = sorted(host for host, status in statuses.items() if _render.reaches(status, args['fail_on']))
        result.update(changed=bool(written or removed), report=report, paths=paths, written=written, removed=removed,
                      host_statuses=statuses, fail_on_hosts=failing)
        return result
