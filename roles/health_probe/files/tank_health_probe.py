# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tank health probe: run by cron every minute (guide §4), installed by tank.monitoring.health_probe.

One run: take a lock (a run still going makes this one skip), GET each target within its timeout,
log one line per target, alert (command and/or webhook) only when a target goes down or recovers,
and write Prometheus metrics atomically into node_exporter's textfile directory.

Only the standard library, imported lazily where a run may not need it, so a run stays cheap.
Usage: python3 -I -S tank_health_probe.py --config /etc/tank-health-probe/config.json
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time

METRICS_FILE = 'tank_health_probe.prom'
# Metric names written by the probe (the Grafana dashboard test reads this list).
METRIC_NAMES = (
    'tank_health_probe_up',
    'tank_health_probe_latency_seconds',
    'tank_health_probe_http_status_code',
    'tank_health_probe_last_success_timestamp_seconds',
    'tank_health_probe_consecutive_failures',
    'tank_health_probe_last_run_timestamp_seconds',
)
MAX_BODY = 1024 * 1024


def load_config(path):
    """JSON, with whole-line ``#`` comments allowed (the file starts with the Ansible managed header)."""
    with open(path) as handle:
        text = ''.join(line for line in handle if not line.lstrip().startswith('#'))
    return json.loads(text)


# -- probing ------------------------------------------------------------------------------------
# A minimal HTTP/1.0 client on a raw socket: http.client would cost ~30 ms of CPU in imports alone
# (email, ssl), which matters for a program that runs every minute. HTTP/1.0 makes the server
# close the connection after the body, so no chunked decoding is normally needed.

class ProbeError(Exception):
    """A request failed; the message says why in an operator's words."""


def split_url(url):
    """``(scheme, host, port, path)`` of an http(s) URL (no user info)."""
    scheme, sep, rest = url.partition('://')
    if not sep or scheme not in ('http', 'https'):
        raise ProbeError('unsupported URL %s' % url)
    hostport, slash, path = rest.partition('/')
    hostport = hostport.rpartition('@')[2]
    if hostport.startswith('['):
        host, port = hostport[1:].partition(']')[::2]
        port = port[1:]
    else:
        host, port = hostport.partition(':')[::2]
    return scheme, host, int(port) if port else (443 if scheme == 'https' else 80), '/' + path


def request(url, timeout, config, method='GET', headers=None, body=b''):
    """One HTTP request bounded by ``timeout`` in total; return ``(status, headers, body)``."""
    deadline = time.monotonic() + timeout
    scheme, host, port, path = split_url(url)
    try:
        sock = socket.create_connection((host, port), timeout)
    except ConnectionRefusedError:
        raise ProbeError('connection refused (backend down? check pm2 status)')
    except socket.timeout:
        raise ProbeError('no answer within %gs' % timeout)
    except socket.gaierror as exc:
        raise ProbeError('DNS: %s' % (exc.strerror or exc))
    except OSError as exc:
        raise ProbeError('connect: %s' % (exc.strerror or exc))
    try:
        if scheme == 'https':
            import ssl
            context = ssl.create_default_context(cafile=config.get('ca_path') or None)
            if not config.get('validate_certs', True):
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            try:
                sock = context.wrap_socket(sock, server_hostname=host)
            except (ssl.SSLError, ssl.CertificateError) as exc:
                raise ProbeError('TLS: %s' % exc)
            except socket.timeout:
                raise ProbeError('no answer within %gs' % timeout)
        lines = ['%s %s HTTP/1.0' % (method, path), 'Host: %s' % (host if port in (80, 443) else '%s:%d' % (host, port)),
                 'User-Agent: tank-health-probe', 'Connection: close']
        for name, value in (headers or {}).items():
            lines.append('%s: %s' % (name, value))
        if body:
            lines.append('Content-Length: %d' % len(body))
        data = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + body
        chunks, size = [], 0
        try:
            sock.sendall(data)
            while size <= MAX_BODY:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except socket.timeout:
            raise ProbeError('no answer within %gs' % timeout)
        except OSError as exc:
            raise ProbeError('%s: %s' % (type(exc).__name__, exc))
    finally:
        sock.close()
    return parse_response(b''.join(chunks))


def parse_response(raw):
    head, sep, body = raw.partition(b'\r\n\r\n')
    if not sep:
        raise ProbeError('incomplete HTTP answer (%d bytes)' % len(raw))
    lines = head.decode('latin-1').split('\r\n')
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        raise ProbeError('not an HTTP answer: %r' % lines[0][:80])
    headers = {}
    for line in lines[1:]:
        name, value = line.partition(':')[::2]
        headers[name.strip().lower()] = value.strip()
    if 'chunked' in headers.get('transfer-encoding', '').lower():
        body = dechunk(body)
    return status, headers, body


def dechunk(body):
    out = []
    while body:
        size_line, rest = body.partition(b'\r\n')[::2]
        try:
            size = int(size_line.split(b';')[0].strip() or b'0', 16)
        except ValueError:
            break
        if size == 0:
            break
        out.append(rest[:size])
        body = rest[size + 2:]
    return b''.join(out)


def probe(target, config):
    """GET one target; return ``(up, reason, http status or 0, latency seconds)``."""
    timeout = float(config.get('timeout', 10))
    headers = {'Accept': 'application/json, text/html'}
    if config.get('token') and target.get('kind') == 'health':
        headers['Authorization'] = 'Bearer %s' % config['token']
    started = time.monotonic()
    try:
        status, response_headers, body = request(target['url'], timeout, config, headers=headers)
    except ProbeError as exc:
        return False, str(exc), 0, time.monotonic() - started
    latency = time.monotonic() - started
    content_type = response_headers.get('content-type', '').split(';')[0].strip().lower()
    if status not in target.get('expected_status', [200]):
        return False, 'HTTP %d' % status, status, latency
    if target.get('kind') == 'page':
        if content_type != 'text/html':
            return False, 'not HTML (%s)' % (content_type or 'no content type'), status, latency
        return True, 'ok', status, latency
    try:
        document = json.loads(body.decode('utf-8'))
    except ValueError:
        return False, 'body is not JSON (%s)' % (content_type or 'no content type'), status, latency
    if not isinstance(document, dict) or document.get('status') != 'ok':
        value = document.get('status') if isinstance(document, dict) else type(document).__name__
        return False, 'status %s, not ok' % json.dumps(value), status, latency
    return True, 'ok', status, latency


# -- state, alerts -------------------------------------------------------------------------------

def read_state(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def write_atomically(path, text, mode=0o644):
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``."""
    directory, name = os.path.split(path)
    temporary = os.path.join(directory, '.%s.%d.tmp' % (name, os.getpid()))
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, 'w') as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def transition(state, up, alert_after, now):
    """Update ``state`` for one result; return the event to alert (``down``/``recovered``) or None."""
    state.setdefault('alerted', 'up')
    if up:
        state['failures'] = 0
        state['last_success'] = now
        return 'recovered' if state['alerted'] == 'down' else None
    state['failures'] = state.get('failures', 0) + 1
    if state['failures'] >= alert_after and state['alerted'] != 'down':
        return 'down'
    return None


def alert(config, event, target, reason, log):
    """Send the alert through every configured channel; True when at least one worked (or none is set)."""
    host = socket.gethostname()
    text = 'Tank %s %s on %s: %s (%s)' % (target['name'], 'is DOWN' if event == 'down' else 'recovered', host,
                                          reason, target['url'])
    channels, delivered = 0, 0
    timeout = float(config.get('alert_timeout', 10))
    command = config.get('alert_command')
    if command:
        import subprocess
        channels += 1
        env = dict(os.environ, TANK_PROBE_EVENT=event, TANK_PROBE_TARGET=target['name'], TANK_PROBE_URL=target['url'],
                   TANK_PROBE_REASON=reason, TANK_PROBE_HOST=host, TANK_PROBE_MESSAGE=text)
        try:
            proc = subprocess.run(command, shell=True, env=env, timeout=timeout, check=False,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if proc.returncode == 0:
                delivered += 1
            else:
                log('alert command exited %d: %s' % (proc.returncode, proc.stderr.decode('utf-8', 'replace')[:200]))
        except (OSError, subprocess.TimeoutExpired) as exc:
            log('alert command failed: %s' % exc)
    webhook = config.get('alert_webhook')
    if webhook:
        channels += 1
        payload = {'event': event, 'target': target['name'], 'url': target['url'], 'reason': reason, 'host': host,
                   'time': int(time.time()), 'text': text}
        try:
            _post_json(webhook, payload, timeout, config)
            delivered += 1
        except Exception as exc:  # pylint: disable=broad-except
            log('alert webhook failed: %s: %s' % (type(exc).__name__, exc))
    return delivered > 0 or channels == 0


def _post_json(url, payload, timeout, config):
    body = json.dumps(payload).encode('utf-8')
    status = request(url, timeout, config, method='POST', headers={'Content-Type': 'application/json'},
                     body=body)[0]
    if status >= 300:
        raise ProbeError('HTTP %d' % status)


# -- output ------------------------------------------------------------------------------------

def _label(value):
    return str(value).replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')


def render_metrics(rows, now):
    """Prometheus text exposition of the run: one series per target and metric."""
    help_text = {
        'tank_health_probe_up': 'Whether the last probe of the target succeeded (1) or failed (0).',
        'tank_health_probe_latency_seconds': 'Duration of the last probe request in seconds.',
        'tank_health_probe_http_status_code': 'HTTP status of the last probe (0 when no answer came).',
        'tank_health_probe_last_success_timestamp_seconds': 'Unix time of the last successful probe (0: never).',
        'tank_health_probe_consecutive_failures': 'Failed probes in a row.',
    }
    lines = []
    for metric in METRIC_NAMES[:-1]:
        lines.append('# HELP %s %s' % (metric, help_text[metric]))
        lines.append('# TYPE %s gauge' % metric)
        for row in rows:
            labels = '{target="%s",url="%s"}' % (_label(row['name']), _label(row['url']))
            lines.append('%s%s %s' % (metric, labels, _number(row[metric])))
    lines.append('# HELP tank_health_probe_last_run_timestamp_seconds Unix time the probe last ran.')
    lines.append('# TYPE tank_health_probe_last_run_timestamp_seconds gauge')
    lines.append('tank_health_probe_last_run_timestamp_seconds %s' % _number(now))
    return '\n'.join(lines) + '\n'


def _number(value):
    if isinstance(value, float):
        return ('%.6f' % value).rstrip('0').rstrip('.')
    return str(value)


class Log(object):
    """Appends lines to the probe log, rotating it by size (the probe owns its log)."""

    def __init__(self, path, max_bytes, backups):
        self.path = path
        self.max_bytes = max_bytes
        self.backups = backups
        self.lines = []

    def __call__(self, message):
        stamp = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
        self.lines.append('%s %s\n' % (stamp, message))

    def flush(self):
        if not self.lines or not self.path:
            return
        try:
            if self.max_bytes and os.path.getsize(self.path) >= self.max_bytes:
                self._rotate()
        except OSError:
            pass
        with open(self.path, 'a') as handle:
            handle.write(''.join(self.lines))
        self.lines = []

    def _rotate(self):
        for index in range(self.backups - 1, 0, -1):
            older = '%s.%d' % (self.path, index)
            if os.path.exists(older):
                os.replace(older, '%s.%d' % (self.path, index + 1))
        if self.backups > 0:
            os.replace(self.path, self.path + '.1')
        else:
            os.unlink(self.path)


# -- main ----------------------------------------------------------------------------------------

def run(config):
    import fcntl
    state_dir = config['state_dir']
    log = Log(config.get('log_file'), int(config.get('log_max_bytes', 1048576)), int(config.get('log_backups', 3)))
    lock = open(os.path.join(state_dir, 'probe.lock'), 'a')
    try:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            log('skipped: the previous run still holds %s' % lock.name)
            return 0
        now = time.time()
        rows = []
        for target in config['targets']:
            up, reason, status, latency = probe(target, config)
            state_path = os.path.join(state_dir, '%s.state.json' % target['name'])
            state = read_state(state_path)
            event = transition(state, up, int(config.get('alert_after', 1)), now)
            log('%s %s %s http=%d latency=%.3fs%s' % (target['name'], 'up' if up else 'DOWN', reason, status, latency,
                                                      (' alert=%s' % event) if event else ''))
            if event and alert(config, event, target, reason, log):
                state['alerted'] = 'down' if event == 'down' else 'up'
            write_atomically(state_path, json.dumps(state), 0o600)
            rows.append({'name': target['name'], 'url': target['url'], 'tank_health_probe_up': 1 if up else 0,
                         'tank_health_probe_latency_seconds': round(latency, 6),
                         'tank_health_probe_http_status_code': status,
                         'tank_health_probe_last_success_timestamp_seconds': round(state.get('last_success', 0), 3),
                         'tank_health_probe_consecutive_failures': state.get('failures', 0)})
        textfile_dir = config.get('textfile_dir')
        if textfile_dir:
            write_atomically(os.path.join(textfile_dir, METRICS_FILE), render_metrics(rows, round(now, 3)))
        return 0 if all(row['tank_health_probe_up'] for row in rows) else 1
    finally:
        log.flush()
        lock.close()


def main(argv):
    if len(argv) != 3 or argv[1] != '--config':
        sys.stderr.write('usage: %s --config CONFIG.json\n' % argv[0])
        return 2
    config = load_config(argv[2])
    return run(config)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
