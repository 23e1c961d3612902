# -*- coding: utf-8 -*-
"""A real nginx started by hand for the nginx_check tests (never the system nginx or /etc/nginx).

``NginxSite`` lays out a React-like build (index.html + hashed JS/CSS) in a world-traversable
directory under /tmp (the worker runs as www-data, which cannot enter pytest's 0700 tmp dirs),
writes its own nginx.conf on a free loopback port with the pid file in its prefix, and starts /
stops nginx with ``nginx -c CONF -p PREFIX``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time

from health_support import free_port

NGINX = shutil.which('nginx') or '/usr/sbin/nginx'
WORKER_USER = 'www-data'
JS = '/static/js/main.8c9d7e1f.js'
CSS = '/static/css/main.3f2a1b0c.css'
INDEX = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tank</title>'
         '<script defer="defer" src="%s"></script><link href="%s" rel="stylesheet">'
         '<link rel="icon" href="/favicon.ico"></head><body><div id="root"></div></body></html>' % (JS, CSS))

CONF = """
user {user};
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        index index.html;
        location = /nginx_status {{ stub_status; }}
        location = /not_status {{ default_type text/plain; return 200 "hello from the app"; }}
        location / {{ try_files $uri $uri/ /index.html; }}
    }}
}}
"""


class NginxSite(object):
    def __init__(self):
        self.base = tempfile.mkdtemp(prefix='tank-nginx-', dir='/tmp')
        os.chmod(self.base, 0o755)
        self.root = os.path.join(self.base, 'html')
        self.prefix = os.path.join(self.base, 'prefix')
        self.conf = os.path.join(self.prefix, 'nginx.conf')
        self.port = free_port()
        os.makedirs(os.path.join(self.prefix, 'tmp'))
        self.write_build()
        self.write_conf()

    # -- content ------------------------------------------------------------------------------
    def write_build(self):
        for path, content in (('index.html', INDEX), (JS.lstrip('/'), 'console.log("tank");\n'),
                              (CSS.lstrip('/'), 'body{margin:0}\n'), ('favicon.ico', 'ico')):
            full = os.path.join(self.root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, 'w') as handle:
                handle.write(content)
        for directory, dirs, files in os.walk(self.root):
            os.chmod(directory, 0o755)
            for name in files:
                os.chmod(os.path.join(directory, name), 0o644)

    def write_conf(self, text=None):
        with open(self.conf, 'w') as handle:
            handle.write(text if text is not None else CONF.format(
                user=WORKER_USER, prefix=self.prefix, port=self.port, root=self.root))

    def asset(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def url(self, path='/'):
        return 'http://127.0.0.1:%d%s' % (self.port, path)

    def module_args(self, **extra):
        args = {'config': self.conf, 'prefix': self.prefix, 'front_page_url': self.url('/'),
                'status_url': self.url('/nginx_status'), 'use_proxy': False}
        args.update(extra)
        return args

    # -- process ------------------------------------------------------------------------------
    @property
    def pid(self):
        try:
            with open(os.path.join(self.prefix, 'nginx.pid')) as handle:
                return int(handle.read().strip())
        except (OSError, ValueError):
            return None

    def start(self, check=True):
        proc = subprocess.run([NGINX, '-c', self.conf, '-p', self.prefix], capture_output=True, text=True,
                              check=False)
        if check and proc.returncode != 0:
            raise RuntimeError('nginx did not start: %s' % proc.stderr)
        if proc.returncode == 0:
            self._wait(lambda: self.pid is not None)
        return proc

    def stop(self):
        pid = self.pid
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGQUIT)
        except ProcessLookupError:
            return
        self._wait(lambda: not _alive(pid), timeout=10)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    @staticmethod
    def _wait(predicate, timeout=5.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate():
                return True
            time.sleep(0.05)
        return False


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of this process still answers kill(0): check its state.
    try:
        with open('/proc/%d/stat' % pid) as handle:
            return handle.read().split(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


class PortHolder(object):
    """Another real process (python3) listening on a port, as in a port conflict."""

    def __init__(self, port):
        self.port = port
        code = ('import socket, time\n'
                's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n'
                's.bind(("127.0.0.1", %d)); s.listen(5); print("ready", flush=True)\n'
                'time.sleep(600)\n' % port)
        self.proc = subprocess.Popen(['python3', '-c', code], stdout=subprocess.PIPE, text=True)
        self.proc.stdout.readline()

    def stop(self):
        self.proc.kill()
        self.proc.wait()
