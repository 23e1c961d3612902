# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""One bounded HTTP GET through Ansible's own URL helpers, with failures put into words.

``fetch()`` never raises for a network problem: it returns a ``Response`` whose ``error`` is
one of ``refused``, ``timeout``, ``dns``, ``tls``, ``connection`` with a message an operator
can act on. HTTP error codes are not errors here: the status and body are returned as for 200.
"""

from __future__ import annotations

import errno
import os
import socket
import ssl
import time
from urllib.error import HTTPError, URLError


from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import scrub_url


def _urls():
    """``ansible.module_utils.urls``, imported when a check makes a request (it costs a tenth of a second
    to import, and the audit module loads every check). Imported by name here, so Ansible still ships it."""
    from ansible.module_utils import urls  # pylint: disable=import-outside-toplevel
    return urls


# Bodies larger than this are truncated: a health answer or an index page is small.
DEFAULT_MAX_BYTES = 2 * 1024 * 1024

REFUSED = 'refused'
TIMEOUT = 'timeout'
DNS = 'dns'
TLS = 'tls'
CONNECTION = 'connection'


class Response(object):
    """What one GET produced: an HTTP answer (``status``) or a network ``error``."""

    __slots__ = ('url', 'status', 'headers', 'body', 'latency', 'error', 'reason', 'truncated')

    def __init__(self, url, status=None, headers=None, body=b'', latency=None, error=None, reason=None,
                 truncated=False):
        self.url = url
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.latency = latency
        self.error = error
        self.reason = reason
        self.truncated = truncated

    @property
    def content_type(self):
        """Media type without parameters, lower case (``text/html``), or ''."""
        value = self.headers.get('content-type', '')
        return value.split(';', 1)[0].strip().lower()

    def text(self, limit=None):
        body = self.body if limit is None else self.body[:limit]
        return body.decode('utf-8', 'replace')


def display_url(url):
    """``url`` fit for messages and reports: the password of ``user:password@`` masked (``_secrets``)."""
    return scrub_url(url)


def check_files(params, names):
    """Raise CheckInputError naming the option when a file option (CA bundle, client certificate or key)
    names no readable file: a clear input error, not a FileNotFoundError from the TLS layer."""
    for name in names:
        path = params.get(name)
        if not path:
            continue
        if not os.path.exists(path):
            raise CheckInputError('%s %s does not exist' % (name, path))
        if not os.path.isfile(path):
            raise CheckInputError('%s %s is not a file' % (name, path))
        if not os.access(path, os.R_OK):
            raise CheckInputError('%s %s is not readable' % (name, path))


def fetch(url, deadline, headers=None, validate_certs=True, ca_path=None, client_cert=None, client_key=None,
          use_proxy=True, url_username=None, url_password=None, max_bytes=DEFAULT_MAX_BYTES, timeout=None):
    """GET ``url`` within ``deadline`` (and ``timeout`` when given, so one hung URL cannot use up
    the budget of a check that has several); return a ``Response`` (never raises for network errors)."""
    budget = deadline.budget()  # a hung request is reported by the check itself, before the deadline
    timeout = budget if timeout is None else max(0.05, min(timeout, budget))
    started = time.monotonic()
    try:
        handle = _urls().open_url(url, method='GET', headers=headers or {}, timeout=timeout, validate_certs=validate_certs,
                                  ca_path=ca_path, client_cert=client_cert, client_key=client_key, use_proxy=use_proxy,
                                  url_username=url_username, url_password=url_password,
                                  force_basic_auth=True, use_netrc=False, http_agent='tank.monitoring')
    except HTTPError as exc:
        # An HTTP answer with an error code: still a response, with its body.
        try:
            body, truncated = _read(exc, max_bytes)
        except Exception:  # pylint: disable=broad-except
            body, truncated = b'', False
        return Response(url, exc.code, _headers(exc.headers), body, time.monotonic() - started, truncated=truncated)
    except Exception as exc:  # pylint: disable=broad-except
        error, reason = describe_error(exc, url, timeout)
        return Response(url, latency=time.monotonic() - started, error=error, reason=reason)
    try:
        body, truncated = _read(handle, max_bytes)
    except Exception as exc:  # pylint: disable=broad-except
        error, reason = describe_error(exc, url, timeout)
        return Response(url, latency=time.monotonic() - started, error=error, reason=reason)
    finally:
        handle.close()
    return Response(url, handle.getcode(), _headers(handle.headers), body, time.monotonic() - started,
                    truncated=truncated)


def _read(handle, max_bytes):
    body = handle.read(max_bytes + 1)
    return body[:max_bytes], len(body) > max_bytes


def _headers(headers):
    if headers is None:
        return {}
    return dict((str(k).lower(), str(v)) for k, v in headers.items())


def describe_error(exc, url, timeout):
    """Map an exception from a request to ``(kind, message)``."""
    where = display_url(url)
    cause = exc
    if isinstance(exc, URLError) and not isinstance(exc, HTTPError) and isinstance(exc.reason, BaseException):
        cause = exc.reason
    if isinstance(cause, ConnectionRefusedError) or getattr(cause, 'errno', None) == errno.ECONNREFUSED:
        return REFUSED, 'Connection to %s refused: nothing is listening on that address and port.' % where
    if isinstance(cause, (socket.timeout, TimeoutError)) or 'timed out' in str(cause):
        return TIMEOUT, ('No answer from %s within %.1f s: the connection was made (or is blocked) but no response '
                         'came back.' % (where, timeout))
    if isinstance(cause, socket.gaierror):
        return DNS, 'The host name of %s cannot be resolved: %s.' % (where, cause.strerror or cause)
    if isinstance(cause, (ssl.SSLError, ssl.CertificateError, _urls().SSLValidationError)):
        return TLS, 'TLS handshake with %s failed: %s' % (where, _first_line(cause))
    if isinstance(exc, _urls().ConnectionError) and 'ssl' in str(exc).lower():
        return TLS, 'TLS handshake with %s failed: %s' % (where, _first_line(exc))
    if isinstance(cause, (ValueError,)) and not isinstance(cause, UnicodeError):
        return CONNECTION, 'Invalid URL %s: %s' % (where, cause)
    return CONNECTION, 'Request to %s failed: %s: %s' % (where, type(cause).__name__, _first_line(cause))


def _first_line(exc):
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
