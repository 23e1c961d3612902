# -*- coding: utf-8 -*-
"""Unit tests of the nginx check's parsers and permission logic (nginx itself: functional tests)."""

from __future__ import annotations

import os
import pathlib
import shutil
import tempfile

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _nginx

NGINX_T = """
# configuration file /etc/nginx/nginx.conf:
user www-data;  # the workers
pid /run/nginx.pid;
http {
    server {
        listen 80 default_server;
        listen [::]:443 ssl;
        listen 127.0.0.1:8080;
        listen unix:/run/nginx.sock;
        root /var/www/tank;
        location /files/ { root $document_root/files; }
        # listen 9999;
    }
}
"""


def test_parse_config_reads_ports_user_and_roots():
    assert _nginx.parse_config(NGINX_T) == {'ports': [80, 443, 8080], 'roots': ['/var/www/tank'], 'user': 'www-data',
                                            'pid': '/run/nginx.pid'}


@pytest.mark.parametrize('value, port', [('8080', 8080), ('127.0.0.1:81', 81), ('[::]:443', 443), ('[::1]', 80),
                                         ('localhost', 80), ('*:8000', 8000), ('unix:/x.sock', None)])
def test_listen_port(value, port):
    assert _nginx.listen_port(value) == port


def test_parse_stub_status():
    text = ('Active connections: 3 \nserver accepts handled requests\n 10 9 42 \n'
            'Reading: 0 Writing: 1 Waiting: 2 \n')
    assert _nginx.parse_stub_status(text) == {'active': 3, 'accepts': 10, 'handled': 9, 'requests': 42,
                                              'reading': 0, 'writing': 1, 'waiting': 2}
    assert _nginx.parse_stub_status('<html>hello</html>') is None
    assert _nginx.parse_stub_status('Active connections: 3\n') is None


def test_page_assets_keeps_same_origin_scripts_and_stylesheets():
    html = ('<script src="/static/js/a.js"></script><script>inline()</script>'
            '<link rel="stylesheet" href="static/css/b.css"><link rel="icon" href="/favicon.ico">'
            '<link rel="modulepreload" href="/m.js"><script src="https://cdn.example.com/x.js"></script>'
            '<script src="/static/js/a.js"></script>')
    assert _nginx.page_assets(html, 'http://127.0.0.1:8080/app/') == [
        ('script', 'http://127.0.0.1:8080/static/js/a.js'),
        ('stylesheet', 'http://127.0.0.1:8080/app/static/css/b.css'),
        ('script', 'http://127.0.0.1:8080/m.js')]


@pytest.fixture
def traversable_tmp():
    # pytest's own tmp directories are 0700: a web root below them is unreadable to anyone but root.
    base = tempfile.mkdtemp(dir='/tmp')
    os.chmod(base, 0o755)
    yield pathlib.Path(base)
    shutil.rmtree(base)


def test_unreadable_follows_owner_group_other_bits(traversable_tmp):
    tmp_path = traversable_tmp
    root = tmp_path / 'www'
    (root / 'static').mkdir(parents=True)
    (root / 'index.html').write_text('x')
    (root / 'static' / 'a.js').write_text('x')
    for path in (tmp_path, root, root / 'static'):
        os.chmod(str(path), 0o755)
    os.chmod(str(root / 'index.html'), 0o644)
    os.chmod(str(root / 'static' / 'a.js'), 0o640)
    uid = 4242424
    denied, checked = _nginx.unreadable(str(root), uid, {4242424}, 100)
    assert denied == [str(root / 'static' / 'a.js')] and checked == 4
    # Readable through the group that owns the file.
    gid = os.stat(str(root / 'static' / 'a.js')).st_gid
    assert _nginx.unreadable(str(root), uid, {gid}, 100)[0] == []
    # A directory without x for others hides everything below it.
    os.chmod(str(root / 'static'), 0o750)
    assert _nginx.unreadable(str(root), uid, {4242424}, 100)[0] == [str(root / 'static')]
    # root reads everything.
    assert _nginx.unreadable(str(root), 0, {0}, 100)[0] == []


def test_listen_port_takes_ascii_digits_only():
    """Found by the fuzz suite: '\u00b2'.isdigit() is True but int('\u00b2') raises."""
    from ansible_collections.tank.monitoring.plugins.module_utils import _nginx as nginx_logic
    assert nginx_logic.listen_port('\u00b2') == 80
    assert nginx_logic.listen_port('[::]:\u00b2') == 80
    assert nginx_logic.listen_port('127.0.0.1:8080') == 8080
    assert nginx_logic.parse_config('listen 127.0.0.1:\u00b9;\n')['ports'] == [80]
