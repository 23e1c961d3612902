# -*- coding: utf-8 -*-
"""Real loopback sockets for the oracle_check tests.

No Oracle database server can run on this machine, so these servers stand in for the network
situations the check must name: a closed port, a server that accepts and never answers, a server
that closes at once, and - STAND-IN FOR AN ORACLE LISTENER - a minimal TNS listener that answers
every connect packet with a TNS REFUSE packet carrying ``(ERR=12514)`` or ``(ERR=12505)``, the
bytes a real listener sends for an unknown service or SID. It implements nothing else of TNS.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading

TNS_REFUSE = 4


def refuse_packet(error_code):
    """A TNS REFUSE packet as a listener sends it, carrying ``(ERR=<error_code>)``."""
    body = ('(DESCRIPTION=(TMP=)(VSNNUM=318767104)(ERR=%d)(ERROR_STACK=(ERROR=(CODE=%d)(EMFI=4))))'
            % (error_code, error_code)).encode('ascii')
    # Refuse payload: user reason, system reason, data length, data.
    payload = struct.pack('>BBH', 34, 0, len(body)) + body
    # Packet header: length, packet checksum, type, flags, header checksum.
    return struct.pack('>HHBBH', 8 + len(payload), 0, TNS_REFUSE, 0, 0) + payload


class LoopbackServer(object):
    """A TCP server on 127.0.0.1 that handles each connection with ``handler(sock)`` in a thread."""

    def __init__(self, handler):
        self.handler = handler
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _address = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections.append(client)
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client):
        try:
            self.handler(client)
        except OSError:
            pass

    def close(self):
        self._stop.set()
        self._thread.join(2)
        for client in self.connections:
            with contextlib.suppress(OSError):
                client.close()
        self.sock.close()


def silent_handler(client):
    """Accept and never answer (a firewall that lets SYN through, or a hung listener)."""
    client.settimeout(60)
    with contextlib.suppress(OSError):
        while client.recv(65536):
            pass


def closing_handler(client):
    """Close at once: the driver sees the connection closed by the database or the network."""
    client.close()


def listener_refusing(error_code):
    """STAND-IN FOR AN ORACLE LISTENER: read the connect packet, answer REFUSE (ERR=error_code)."""

    def handler(client):
        client.settimeout(5)
        client.recv(65536)
        client.sendall(refuse_packet(error_code))
        client.close()

    return handler


@contextlib.contextmanager
def loopback_server(handler):
    server = LoopbackServer(handler)
    try:
        yield server
    finally:
        server.close()


def closed_port():
    """A loopback port where nothing listens (bound then released)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]
