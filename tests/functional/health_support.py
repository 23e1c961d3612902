# -*- coding: utf-8 -*-
"""Real HTTP backends on 127.0.0.1 for the health, nginx and probe tests.

``NestApp`` is a real NestJS application with the real ``@nestjs/terminus`` (tests/functional/nest_app,
packages from npm in .build/node): what the health check meets in production. ``Backend`` is a plain
``http.server`` in a thread whose behaviour (``mode``) can be switched while it runs, for what is NOT
Terminus: a proxy's error page, a wrong status, a hung socket, a webhook receiver. Nothing is mocked:
the check talks to both over a real TCP socket.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OK_BODY = {'status': 'ok'}
# A Terminus-shaped 503 body, kept for the audit report test of test_nginx.py; the health check itself
# is tested against the real NestJS app (NestApp below).
TERMINUS_DB_DOWN = {
    'status': 'error',
    'info': {'disk': {'status': 'up'}},
    'error': {'database': {'status': 'down', 'message': 'ORA-12514: TNS:listener does not currently know of service'}},
    'details': {'disk': {'status': 'up'},
                'database': {'status': 'down', 'message': 'ORA-12514: TNS:listener does not currently know of service'}},
}
HTML_PAGE = b'<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>'


# Latency limits out of reach (over every request timeout the tests use), for tests about what a
# component answers, not about how fast this loaded 2-core machine lets it answer.
def untimed(threshold):
    """``{threshold: {warning, critical}}`` that no answer on this machine reaches."""
    return {threshold: {'warning': 30, 'critical': 60}}


def free_port():
    """A loopback TCP port nothing listens on (a connection to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class _Handler(BaseHTTPRequestHandler):
    server_version = 'TankTestBackend/1.0'

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, code, body, content_type='application/json'):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(code)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server API
        backend = self.server.backend
        backend.requests.append({'path': self.path, 'headers': dict(self.headers.items())})
        mode = backend.mode
        if mode == 'ok':
            self._send(200, OK_BODY)
        elif mode == 'error500':
            self._send(500, b'Internal Server Error', 'text/plain')
        elif mode == 'status_error':
            self._send(200, {'status': 'error'})
        elif mode == 'bad_gateway':
            self._send(502, HTML_PAGE, 'text/html; charset=utf-8')
        elif mode == 'html':
            self._send(200, HTML_PAGE, 'text/html; charset=utf-8')
        elif mode == 'terminus_db_down':
            self._send(503, TERMINUS_DB_DOWN)
        elif mode == 'slow':
            time.sleep(backend.delay)
            self._send(200, OK_BODY)
        elif mode == 'hang':
            # Accepted and read the request; never answers until the test ends.
            backend.release.wait(600)
        else:
            self._send(404, {'message': 'unknown mode %s' % mode})

    def do_POST(self):  # noqa: N802 - webhook receiver for the probe alerts
        length = int(self.headers.get('Content-Length') or 0)
        payload = self.rfile.read(length)
        try:
            payload = json.loads(payload.decode())
        except ValueError:
            payload = payload.decode('utf-8', 'replace')
        self.server.backend.posts.append({'path': self.path, 'body': payload})
        self._send(200, {'received': True})


class Backend(object):
    """A real HTTP server on 127.0.0.1:<free port>; ``mode`` chooses how it answers."""

    def __init__(self, mode='ok', delay=2.0, ssl_context=None):
        self.mode = mode
        self.delay = delay
        self.requests = []
        self.posts = []
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        self.server.daemon_threads = True
        self.server.backend = self
        if ssl_context is not None:
            self.server.socket = ssl_context.wrap_socket(self.server.socket, server_side=True)
        self.scheme = 'https' if ssl_context is not None else 'http'
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.1})
        self._thread.daemon = True

    def url(self, path='/api/health'):
        return '%s://127.0.0.1:%d%s' % (self.scheme, self.port, path)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# -- a real NestJS app with @nestjs/terminus -----------------------------------------------------

NODE_MODULES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                            '.build', 'node', 'node_modules')
NEST_MAIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'nest_app', 'main.mjs')


class NestApp(object):
    """tests/functional/nest_app/main.mjs as a real Node process on 127.0.0.1:<free port>.

    ``set_database(state, delay=None)`` switches the app's `database` indicator between ``up``,
    ``down`` (the check throws ORA-12514, Terminus answers 503), ``degraded`` (Terminus 200 with
    ``status: "degraded"``) and ``slow`` (the indicator answers after ``delay`` seconds).
    """

    def __init__(self, state='up', delay=2.0):
        self.port = free_port()
        env = dict(os.environ, PORT=str(self.port), HOST='127.0.0.1', NEST_NODE_MODULES=NODE_MODULES,
                   DATABASE_STATE=state, DATABASE_DELAY=str(delay))
        import tempfile
        self.stderr = tempfile.TemporaryFile(mode='w+')  # a file, so a chatty app never blocks on a pipe
        self.proc = subprocess.Popen(['node', NEST_MAIN], env=env, stdout=subprocess.PIPE, stderr=self.stderr,
                                     text=True)

    def url(self, path='/api/health'):
        return 'http://127.0.0.1:%d%s' % (self.port, path)

    def start(self, timeout=60.0):
        """Wait for the app's "listening" line (Nest has then bound the port)."""
        import selectors
        selector = selectors.DefaultSelector()
        selector.register(self.proc.stdout, selectors.EVENT_READ)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if selector.select(timeout=max(0.0, end - time.monotonic())):
                line = self.proc.stdout.readline()
                if line.startswith('listening'):
                    return self
                if not line:
                    break
        self.stderr.seek(0)
        error = self.stderr.read()[-3000:]
        self.stop()
        raise RuntimeError('the NestJS app did not start: %s' % error)

    def set_database(self, state, delay=None):
        import urllib.request
        payload = {'database': state}
        if delay is not None:
            payload['delay'] = delay
        request = urllib.request.Request(self.url('/api/test-control'), data=json.dumps(payload).encode(),
                                         headers={'Content-Type': 'application/json'}, method='POST')
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read().decode())
        if answer.get('database') != state:
            raise RuntimeError('the NestJS app refused state %r: %r' % (state, answer))

    def get(self):
        """(HTTP status, JSON body) of GET /api/health, read directly."""
        import urllib.error
        import urllib.request
        try:
            with urllib.request.urlopen(self.url(), timeout=30) as response:
                return response.status, json.loads(response.read().decode())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read().decode())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()


# -- health probe ---------------------------------------------------------------------------------

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROBE = os.path.join(REPO, 'roles', 'health_probe', 'files', 'tank_health_probe.py')
SYSTEM_PYTHON = '/usr/bin/python3'


def write_probe_config(path, **config):
    """A probe configuration as the role writes it (comment header, then JSON)."""
    with open(str(path), 'w') as handle:
        handle.write('#\n# Ansible managed (test)\n#\n' + json.dumps(config, indent=2) + '\n')
    return str(path)


def run_probe(config_path, timeout=60):
    """One probe run the way cron starts it; returns the CompletedProcess."""
    return subprocess.run([SYSTEM_PYTHON, '-I', '-S', PROBE, '--config', str(config_path)], capture_output=True,
                          text=True, timeout=timeout, check=False)


def load_probe_module():
    """The probe program as a module (its METRIC_NAMES and helpers)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location('tank_health_probe', PROBE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CronDaemon(object):
    """Starts the real cron daemon (`cron -f`) when none runs; stops only what it started."""

    def __init__(self):
        self.proc = None

    @staticmethod
    def running():
        return subprocess.run(['pgrep', '-x', 'cron'], capture_output=True, check=False).returncode == 0

    def start(self):
        if not self.running():
            self.proc = subprocess.Popen(['cron', '-f'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            if self.proc.poll() is not None:
                raise RuntimeError('cron -f exited with %s' % self.proc.returncode)
        return self

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


def crontab(user='root'):
    proc = subprocess.run(['crontab', '-l', '-u', user], capture_output=True, text=True, check=False)
    return proc.stdout if proc.returncode == 0 else ''


def remove_cron_entry(name, user='root'):
    """Remove the entry Ansible's cron module wrote under ``#Ansible: name`` (teardown safety net)."""
    lines = crontab(user).splitlines(True)
    kept, skip = [], False
    for line in lines:
        if line.strip() == '#Ansible: %s' % name:
            skip = True
            continue
        if skip:
            skip = False
            continue
        kept.append(line)
    if kept != lines:
        subprocess.run(['crontab', '-u', user, '-'], input=''.join(kept), text=True, check=True)


class NodeExporter(object):
    """The real node_exporter (Debian prometheus-node-exporter) on a loopback port, reading a textfile dir."""

    BINARY = '/usr/bin/prometheus-node-exporter'

    def __init__(self, textfile_dir):
        self.port = free_port()
        self.proc = subprocess.Popen([self.BINARY, '--web.listen-address=127.0.0.1:%d' % self.port,
                                      '--collector.textfile.directory=%s' % textfile_dir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def scrape(self, timeout=10.0):
        import urllib.request
        end = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen('http://127.0.0.1:%d/metrics' % self.port, timeout=5) as response:
                    return response.read().decode('utf-8')
            except OSError:
                if time.monotonic() > end or self.proc.poll() is not None:
                    raise
                time.sleep(0.2)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
