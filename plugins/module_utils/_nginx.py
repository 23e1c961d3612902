# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Nginx check (guide §10): process, configuration, stub_status, front page integrity, ports.

Read-only: runs ``nginx -t`` / ``nginx -T`` (never reloads), reads the process table and the
listening sockets, and GETs the front page and every script and stylesheet it references. A
hashed asset that is missing is often answered by the SPA fallback (``try_files ... /index.html``)
with 200 ``text/html``: that counts as a corrupted or incomplete React build.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import stat
import subprocess
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from ansible_collections.tank.monitoring.plugins.module_utils import _http
from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, WARNING, FindingSpec
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, MissingLibrary, run_bounded
from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, declare
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import url_password

try:
    import psutil
except ImportError:  # pragma: no cover - reported as unknown by the check
    psutil = None

CHECK = 'nginx'

_RELOAD = 'then test the configuration with `nginx -t` and apply it with `nginx -s reload` (guide §10).'
_FRONT_PAGE_CAUSES = ('The front page does not load (guide §10): the usual causes are corrupted or incomplete React '
                      'build files, file permissions, or a port conflict. ')

CATALOGUE = {
    'process.not_running': FindingSpec(
        '§10',
        'Nginx is not running: look at `systemctl status nginx` and the nginx error log for why it stopped or '
        'failed to start (often a configuration error or a port held by another process), fix it, check with '
        '`nginx -t` and start nginx again (`systemctl start nginx`).'),
    'service.inactive': FindingSpec(
        '§10',
        'The nginx service is not active: run `systemctl status nginx` and read why, fix the cause, test with '
        '`nginx -t`, then `systemctl start nginx`.'),
    'config.invalid': FindingSpec(
        '§10',
        'The nginx configuration does not pass `nginx -t`: correct the file and line named in the error, ' + _RELOAD),
    'config.untested': FindingSpec(
        '§10',
        'The nginx configuration could not be tested: make the nginx binary available to the check (binary option) '
        'and run it with privileges that can read the configuration (become: true).'),
    'stub_status.unreachable': FindingSpec(
        '§10, §12',
        'The stub_status URL does not answer: check the status_url and the `location` with `stub_status;` in the '
        'nginx configuration (allowed from this host), ' + _RELOAD),
    'stub_status.unparsable': FindingSpec(
        '§10, §12',
        'The status URL does not answer stub_status text: point status_url at a `location` that contains '
        '`stub_status;` (not the SPA or another page), ' + _RELOAD),
    'stub_status.dropped': FindingSpec(
        '§10',
        'Nginx dropped connections (accepted but not handled) because worker_connections or the open file limit '
        'was reached: raise worker_connections / worker_rlimit_nofile, ' + _RELOAD),
    'front_page.unavailable': FindingSpec('§10', _FRONT_PAGE_CAUSES + (
        'Read the nginx error log; a 403 means the worker user cannot read the web root, a refused connection '
        'means nginx is not listening (not running or port conflict), a 404 or 500 points at the root / try_files '
        'configuration or a missing build.')),
    'front_page.not_html': FindingSpec('§10', _FRONT_PAGE_CAUSES + (
        'The front page URL does not return HTML: check that it points at the React build (root and index in the '
        'nginx configuration), ' + _RELOAD)),
    'front_page.asset_missing': FindingSpec('§10', _FRONT_PAGE_CAUSES + (
        'A script or stylesheet referenced by index.html is missing, so the React build is corrupted or was '
        'deployed incompletely: deploy the complete build again (index.html and static/ from the same build).')),
    'front_page.asset_empty': FindingSpec('§10', _FRONT_PAGE_CAUSES + (
        'A script or stylesheet of the React build is empty, so the build is corrupted (interrupted copy or full '
        'disk): check free space (guide §9) and deploy the complete build again.')),
    'front_page.asset_content_type': FindingSpec('§10', _FRONT_PAGE_CAUSES + (
        'A script or stylesheet is served with the wrong content type, which browsers refuse: include '
        'mime.types in the http block of the nginx configuration, ' + _RELOAD)),
    'front_page.latency': FindingSpec(
        '§10',
        'The front page loads slowly: check the nginx error log, the host resources (guide §9) and the disk of '
        'the web root.'),
    'web_root.unreadable': FindingSpec('§10', _FRONT_PAGE_CAUSES + (
        'The nginx worker user cannot read files of the web root: give it read access to the files and execute '
        'access to every directory up to the root (e.g. chmod -R o+rX, or chown to the worker user\'s group).')),
    'port.conflict': FindingSpec('§10', _FRONT_PAGE_CAUSES + (
        'Another process holds a port nginx is configured to listen on: stop or move that process (or change the '
        'listen port), then start nginx and check with `nginx -t`.')),
    'port.not_listening': FindingSpec(
        '§10',
        'Nginx runs but does not listen on a configured port: it was probably started with another configuration '
        'or not reloaded since the port changed. Test the configuration with `nginx -t` and apply it with '
        '`nginx -s reload` (guide §10).'),
    'port.unverified': FindingSpec(
        '§10',
        'The process holding a port could not be identified: run the check with privileges that can see every '
        'process (become: true).'),
}

ARGUMENT_SPEC = dict(
    binary=dict(type='str', default='nginx'),
    config=dict(type='path'),
    prefix=dict(type='path'),
    pid_file=dict(type='path'),
    service_name=dict(type='str', default='nginx'),
    status_url=dict(type='str'),
    front_page_url=dict(type='str'),
    listen_ports=dict(type='list', elements='int', default=[]),
    web_root=dict(type='list', elements='path', default=[]),
    worker_user=dict(type='str'),
    request_timeout=dict(type='float', default=10.0),
    max_assets=dict(type='int', default=50),
    max_files=dict(type='int', default=10000),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    use_proxy=dict(type='bool', default=True),
)
DEFAULT_TIMEOUT = 30.0

# nginx's compiled-in worker user when the configuration has no `user` directive.
DEFAULT_WORKER_USER = 'nobody'
_SBIN = ('/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin')
_STUB_STATUS = re.compile(
    r'Active connections:\s*(?P<active>\d+)\s*'
    r'server accepts handled requests\s*(?P<accepts>\d+)\s+(?P<handled>\d+)\s+(?P<requests>\d+)\s*'
    r'Reading:\s*(?P<reading>\d+)\s+Writing:\s*(?P<writing>\d+)\s+Waiting:\s*(?P<waiting>\d+)\s*$')
_ASSET_TYPES = {
    'script': ('javascript', 'ecmascript'),
    'stylesheet': ('text/css',),
}


def run(params, result, deadline):
    if psutil is None:
        raise MissingLibrary('psutil')
    validate(params)
    parsed = _test_config(params, result, deadline)
    master = _master(params, parsed)
    if master is None:
        where = (' for %s' % params['config']) if params.get('config') else ''
        result.add('process.not_running', CRITICAL, 'No nginx master process is running%s.' % where,
                   subject=params.get('config') or params.get('service_name'))
    else:
        result.metric('master_pid', master.pid)
        result.metric('worker_processes', len(_children(master)))
    _service(params, result, deadline)
    _ports(params, result, master, parsed)
    if params.get('status_url'):
        _stub_status(params, result, deadline)
    if params.get('front_page_url'):
        _front_page(params, result, deadline, parsed)
    _web_roots(params, result, parsed, deadline)


def secret_values(params):
    """Passwords written into the URL options (``http://user:pw@host/``): masked everywhere."""
    return [value for value in (url_password(params.get(name)) for name in ('status_url', 'front_page_url')) if value]


def validate(params):
    """Check the options before anything runs; raise CheckInputError naming the option."""
    for option in ('status_url', 'front_page_url'):
        url = params.get(option)
        if url and urlsplit(url).scheme not in ('http', 'https'):
            raise CheckInputError('%s must start with http:// or https://, got %r' % (option, _http.display_url(url)))
    for port in params.get('listen_ports') or []:
        if not 0 < port < 65536:
            raise CheckInputError('listen_ports holds %r, which is not a TCP port' % (port,))
    if params.get('request_timeout') is not None and params['request_timeout'] <= 0:
        raise CheckInputError('request_timeout must be a positive number of seconds')
    for option in ('max_assets', 'max_files'):
        if (params.get(option) or 0) < 0:
            raise CheckInputError('%s must be 0 or more' % option)
    for root in params.get('web_root') or []:
        if not os.path.exists(root):
            raise CheckInputError('web_root %s does not exist' % root)
        if not os.path.isdir(root):
            raise CheckInputError('web_root %s is not a directory' % root)
    _http.check_files(params, ('ca_path',))


# -- process and service ---------------------------------------------------------------------

def _master(params, parsed):
    """The nginx master process of this configuration, or None.

    Found through the pid file (option, else the configuration's ``pid`` directive); without one,
    through the command line: ``-c CONFIG`` when ``config`` is set (a master started without ``-c``
    uses the compiled-in path, which may be that file), else any master.
    """
    pid_file = params.get('pid_file') or _resolve((parsed or {}).get('pid'), params.get('prefix'))
    if pid_file:
        try:
            with open(pid_file) as handle:
                pid = int(handle.read().strip() or 0)
            process = psutil.Process(pid)
            return process if _is_master(process) else None
        except (OSError, ValueError, psutil.Error):
            return None
    masters = []
    for process in psutil.process_iter(['pid', 'cmdline']):
        try:
            if _is_master(process):
                masters.append(process)
        except psutil.Error:
            continue
    config = params.get('config')
    if config:
        masters = ([p for p in masters if config in _command_line(p)] or
                   [p for p in masters if ' -c ' not in _command_line(p)])
    return masters[0] if masters else None


def _resolve(path, prefix):
    """``path`` from the configuration, made absolute against ``prefix`` (None when it cannot be)."""
    if not path:
        return None
    if os.path.isabs(path):
        return path
    return os.path.join(prefix, path) if prefix else None


def _command_line(process):
    return ' '.join(process.cmdline() or [])


def _is_master(process):
    return _command_line(process).startswith('nginx: master process')


def _children(process):
    try:
        return process.children()
    except psutil.Error:
        return []


def _service(params, result, deadline):
    """The systemd unit state, where systemd is the init system."""
    name = params.get('service_name')
    systemctl = shutil.which('systemctl')
    if not name or not systemctl or not os.path.isdir('/run/systemd/system'):
        return
    try:
        proc = run_bounded([systemctl, 'is-active', name], deadline, text=True)
    except (OSError, subprocess.TimeoutExpired):
        return
    state = proc.stdout.strip() or 'unknown'
    if state != 'active':
        result.add('service.inactive', CRITICAL, 'systemd reports the %s service %s.' % (name, state),
                   value=state, subject=name)


# -- configuration ---------------------------------------------------------------------------

def _nginx_command(params, *args):
    binary = params.get('binary') or 'nginx'
    path = shutil.which(binary) or shutil.which(binary, path=os.pathsep.join(_SBIN))
    if path is None:
        return None
    command = [path] + list(args)
    if params.get('config'):
        command += ['-c', params['config']]
    if params.get('prefix'):
        command += ['-p', params['prefix']]
    return command


def _test_config(params, result, deadline):
    """Run ``nginx -t`` (read-only); when it passes, parse ``nginx -T``. Returns the parsed settings."""
    command = _nginx_command(params, '-t', '-q')
    if command is None:
        result.unknown('config.untested', 'The nginx binary %r was not found on PATH or in %s.'
                       % (params.get('binary'), ', '.join(_SBIN)), subject=params.get('binary'))
        return None
    try:
        proc = run_bounded(command, deadline, text=True)
    except subprocess.TimeoutExpired:
        result.unknown('config.untested', '`nginx -t` did not finish in time.', reason='timeout')
        return None
    except OSError as exc:
        result.unknown('config.untested', 'Cannot run %s: %s' % (command[0], exc), reason='error')
        return None
    if proc.returncode != 0:
        lines = [line.strip() for line in (proc.stderr + proc.stdout).splitlines()
                 if line.strip() and 'test failed' not in line]
        errors = [line for line in lines if '[emerg]' in line or '[alert]' in line or '[crit]' in line] or lines
        if errors and all('Permission denied' in line for line in errors):
            result.unknown('config.untested', '`nginx -t` could not read the configuration: %s' % errors[0],
                           reason='permission_denied')
            return None
        result.add('config.invalid', CRITICAL, '`nginx -t` failed: %s' % ' | '.join(errors[:5])[:1000],
                   subject=params.get('config'))
        return None
    dump = _nginx_command(params, '-T', '-q')
    try:
        proc = run_bounded(dump, deadline, text=True)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_config(proc.stdout) if proc.returncode == 0 else None


def parse_config(text):
    """Listen ports, worker user, web roots and pid file from ``nginx -T`` output."""
    ports, roots, user, pid = [], [], None, None
    for raw in text.splitlines():
        line = raw.split('#', 1)[0].strip()
        for directive in line.split(';'):
            words = directive.replace('{', ' ').replace('}', ' ').split()
            if len(words) < 2:
                continue
            name, args = words[0], words[1:]
            if name == 'listen':
                port = listen_port(args[0])
                if port is not None and port not in ports:
                    ports.append(port)
            elif name == 'root':
                root = args[0].strip('\'"')
                if '$' not in root and root not in roots:
                    roots.append(root)
            elif name == 'user':
                user = args[0].strip('\'"')
            elif name == 'pid':
                pid = args[0].strip('\'"')
    return {'ports': ports, 'roots': roots, 'user': user, 'pid': pid}


def listen_port(value):
    """The TCP port of a ``listen`` argument (``8080``, ``127.0.0.1:80``, ``[::]:443``); None for unix:."""
    value = value.strip('\'"')
    if value.startswith('unix:'):
        return None
    if _is_port(value):
        return int(value)
    if value.startswith('['):
        rest = value.partition(']')[2]
        return int(rest[1:]) if rest.startswith(':') and _is_port(rest[1:]) else 80
    host, port = value.rpartition(':')[::2]
    if host and _is_port(port):
        return int(port)
    return 80


def _is_port(text):
    """ASCII digits only: ``str.isdigit`` is also true for superscripts (``'\u00b2'``) that ``int`` refuses."""
    return text.isascii() and text.isdigit()


# -- ports -----------------------------------------------------------------------------------

def _ports(params, result, master, parsed):
    ports = list(params.get('listen_ports') or []) or (parsed or {}).get('ports') or []
    if not ports:
        return
    nginx_pids = set()
    if master is not None:
        nginx_pids.add(master.pid)
        nginx_pids.update(child.pid for child in _children(master))
    listeners = {}
    try:
        connections = psutil.net_connections(kind='inet')
    except (psutil.AccessDenied, OSError) as exc:
        result.unknown('port.unverified', 'Cannot list the listening sockets: %s' % exc, reason='permission_denied')
        return
    for conn in connections:
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port in ports:
            listeners.setdefault(conn.laddr.port, set()).add(conn.pid)
    for port in ports:
        holders = listeners.get(port, set())
        others = sorted(pid for pid in holders if pid is not None and pid not in nginx_pids)
        if others:
            names = ', '.join(_describe_process(pid) for pid in others)
            result.add('port.conflict', CRITICAL, 'Port %d is held by %s, not by the nginx master of this '
                                                  'configuration.' % (port, names), value=port, subject=str(port))
        elif None in holders and not (holders - {None}) & nginx_pids:
            result.unknown('port.unverified', 'Port %d is held by a process this user cannot identify.' % port,
                           subject=str(port), reason='permission_denied')
        elif not holders and master is not None:
            result.add('port.not_listening', CRITICAL, 'Nginx (pid %d) does not listen on port %d.' % (master.pid, port),
                       value=port, subject=str(port))


def _describe_process(pid):
    try:
        process = psutil.Process(pid)
        return '%s (pid %d)' % (process.name(), pid)
    except psutil.Error:
        return 'pid %d' % pid


# -- stub_status -----------------------------------------------------------------------------

def parse_stub_status(text):
    """stub_status counters as a dict of ints, or None when ``text`` is not stub_status output."""
    match = _STUB_STATUS.match(text.strip())
    if not match:
        return None
    return dict((key, int(value)) for key, value in match.groupdict().items())


def _stub_status(params, result, deadline):
    url = params['status_url']
    shown = _http.display_url(url)
    response = _fetch(params, url, deadline, max_bytes=4096)
    if response.error:
        result.unknown('stub_status.unreachable', response.reason, subject=shown, reason='error')
        return
    if response.status != 200:
        result.unknown('stub_status.unreachable', 'GET %s answered HTTP %s.' % (shown, response.status),
                       subject=shown, reason='error')
        return
    counters = parse_stub_status(response.text())
    if counters is None:
        excerpt = ' '.join(response.text(200).split())[:100]
        result.unknown('stub_status.unparsable',
                       'GET %s did not answer stub_status text (content type %s, body starts %r); no connection '
                       'metrics could be read.' % (shown, response.content_type or 'none', excerpt),
                       subject=shown, reason='error')
        return
    for key, value in counters.items():
        result.metric('connections_%s' % key if key in ('active', 'reading', 'writing', 'waiting') else key, value)
    dropped = counters['accepts'] - counters['handled']
    result.metric('dropped', dropped)
    if dropped > 0:
        result.add('stub_status.dropped', WARNING, 'Nginx dropped %d of %d accepted connections since it started.'
                   % (dropped, counters['accepts']), value=dropped, subject=shown)


# -- front page ------------------------------------------------------------------------------

def _fetch(params, url, deadline, max_bytes=_http.DEFAULT_MAX_BYTES):
    return _http.fetch(url, deadline, validate_certs=params.get('validate_certs', True),
                       ca_path=params.get('ca_path'), use_proxy=params.get('use_proxy', True), max_bytes=max_bytes,
                       timeout=params.get('request_timeout') or None)


class _AssetParser(HTMLParser):
    """Collects ``(kind, url)`` of <script src> and <link rel=stylesheet|modulepreload href>."""

    def __init__(self):
        HTMLParser.__init__(self)
        self.assets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict((k.lower(), v or '') for k, v in attrs)
        if tag == 'script' and attrs.get('src'):
            self.assets.append(('script', attrs['src']))
        elif tag == 'link' and attrs.get('href'):
            rel = attrs.get('rel', '').lower().split()
            if 'stylesheet' in rel:
                self.assets.append(('stylesheet', attrs['href']))
            elif 'modulepreload' in rel:
                self.assets.append(('script', attrs['href']))


def page_assets(html, base_url):
    """Same-origin scripts and stylesheets referenced by ``html``, as ``[(kind, absolute url)]``."""
    parser = _AssetParser()
    parser.feed(html)
    parser.close()
    origin = urlsplit(base_url)[:2]
    assets, seen = [], set()
    for kind, ref in parser.assets:
        url = urljoin(base_url, ref)
        if urlsplit(url)[:2] != origin or url in seen:
            continue  # a CDN or another site is not part of this build
        seen.add(url)
        assets.append((kind, url))
    return assets


def _front_page(params, result, deadline, parsed):
    url = params['front_page_url']
    shown = _http.display_url(url)
    response = _fetch(params, url, deadline)
    if response.error:
        result.add('front_page.unavailable', CRITICAL, response.reason, subject=shown)
        return
    result.metric('front_page_status', response.status)
    if response.status != 200:
        hint = ' (forbidden: the worker user cannot read the web root)' if response.status == 403 else ''
        result.add('front_page.unavailable', CRITICAL, 'GET %s answered HTTP %s%s.' % (shown, response.status, hint),
                   value=response.status, subject=shown)
        return
    latency = round(response.latency, 3)
    result.metric('front_page_latency_seconds', latency)
    result.judge('front_page.latency', 'front_page_latency_seconds', latency,
                 'GET {subject} took {value} s (limit {limit} s).', subject=shown)
    if response.content_type not in ('text/html', 'application/xhtml+xml'):
        result.add('front_page.not_html', CRITICAL, 'GET %s answered %s, not HTML.'
                   % (shown, response.content_type or 'no content type'), value=response.content_type, subject=shown)
        return
    assets = page_assets(response.text(), url)
    result.metric('front_page_assets', len(assets))
    roots = _roots(params, parsed)
    for kind, asset_url in assets[:params.get('max_assets', 50)]:
        if deadline.expired:
            break
        _asset(params, result, deadline, kind, asset_url, roots)


def _asset(params, result, deadline, kind, url, roots):
    response = _fetch(params, url, deadline)
    path = urlsplit(url).path
    on_disk = _on_disk(path, roots)
    if response.error:
        result.add('front_page.asset_missing', CRITICAL, 'The %s %s could not be fetched: %s' % (kind, path, response.reason),
                   subject=path)
        return
    if response.status != 200:
        result.add('front_page.asset_missing', CRITICAL, 'The %s %s answered HTTP %s%s.'
                   % (kind, path, response.status, on_disk), value=response.status, subject=path)
        return
    if response.content_type in ('text/html', 'application/xhtml+xml'):
        result.add('front_page.asset_missing', CRITICAL,
                   'The %s %s answered an HTML page (the index.html fallback of try_files): the file is missing from '
                   'the build%s.' % (kind, path, on_disk), value=response.content_type, subject=path)
        return
    if not response.body:
        result.add('front_page.asset_empty', CRITICAL, 'The %s %s is empty (0 bytes).' % (kind, path), value=0,
                   subject=path)
        return
    if not any(token in response.content_type for token in _ASSET_TYPES[kind]):
        result.add('front_page.asset_content_type', WARNING, 'The %s %s is served as %s.'
                   % (kind, path, response.content_type or 'no content type'), value=response.content_type,
                   subject=path)


def _on_disk(path, roots):
    """Words for the message: whether the asset's file exists under the web root(s)."""
    for root in roots:
        candidate = os.path.join(root, path.lstrip('/'))
        if os.path.isfile(candidate):
            return ' (%s exists on disk)' % candidate
    if roots:
        return ' (not found under %s)' % ', '.join(roots)
    return ''


# -- web root permissions --------------------------------------------------------------------

def _roots(params, parsed):
    roots = list(params.get('web_root') or []) or (parsed or {}).get('roots') or []
    # A relative root is relative to the prefix; without one we do not guess nginx's compiled-in prefix.
    resolved = (_resolve(root, params.get('prefix')) for root in roots)
    return [os.path.normpath(root) for root in resolved if root]


def _web_roots(params, result, parsed, deadline):
    roots = [root for root in _roots(params, parsed) if os.path.isdir(root)]
    if not roots:
        return
    user = params.get('worker_user') or (parsed or {}).get('user') or DEFAULT_WORKER_USER
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        result.unknown('web_root.unreadable', 'The nginx worker user %r does not exist on this host.' % user,
                       subject=user, reason='error')
        return
    gids = set(g.gr_gid for g in grp.getgrall() if user in g.gr_mem)
    gids.add(account.pw_gid)
    limit = params.get('max_files', 10000)
    for root in roots:
        denied, checked = unreadable(root, account.pw_uid, gids, limit, deadline)
        result.metric('web_root_files_checked', checked, subject=root)
        if denied:
            result.add('web_root.unreadable', CRITICAL,
                       '%d path(s) under %s cannot be read by the nginx worker user %s, e.g. %s.'
                       % (len(denied), root, user, ', '.join(denied[:3])), value=len(denied), subject=root)


def _allowed(st, uid, gids, want):
    """Whether ``uid``/``gids`` have the ``want`` bits (4 read, 1 execute) on ``st`` (mode bits only)."""
    if uid == 0:
        return True
    mode = stat.S_IMODE(st.st_mode)
    if st.st_uid == uid:
        bits = mode >> 6
    elif st.st_gid in gids:
        bits = mode >> 3
    else:
        bits = mode
    return bits & want == want


def unreadable(root, uid, gids, limit, deadline=None):
    """Paths under ``root`` the user cannot serve: directories need x (and every parent), files need r.

    Stops after ``limit`` paths, or when ``deadline`` expires (a web root on a slow network share).
    """
    denied = []
    parent = os.path.dirname(root)
    while parent and parent != os.path.dirname(parent):
        try:
            if not _allowed(os.stat(parent), uid, gids, 1):
                return [parent], 0
        except OSError:
            return [parent], 0
        parent = os.path.dirname(parent)
    checked = 0
    for directory, dirs, files in os.walk(root):
        if checked >= limit or (deadline is not None and deadline.expired):
            break
        try:
            st = os.stat(directory)
        except OSError:
            continue
        checked += 1
        if not _allowed(st, uid, gids, 1):
            denied.append(directory)
            dirs[:] = []  # nothing below is reachable
            continue
        for name in files:
            if checked >= limit:
                break
            path = os.path.join(directory, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            checked += 1
            if not _allowed(st, uid, gids, 4):
                denied.append(path)
    return denied, checked


# The one declaration of this check (the registry, the audit module and the docs derive from it).
SPEC = declare(globals(), scope=HOST, module='nginx_check')
