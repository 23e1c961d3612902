# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""THE secret scrubber: everything that leaves a check (messages, samples, URLs, DSNs) passes here.

``scrub(value, secrets)`` walks ``value`` (strings, dicts, lists, tuples) and

1. replaces every known secret (option values, passwords found inside URLs and DSNs, see
   ``secret_values`` in the checks' logic files) with ``MASK``, also in its URL-encoded form;
2. masks by shape, in every string, what looks like a credential and leaves the rest intact:

   * ``key=value``, ``key: value`` and JSON/quoted keys (``{"password":"x"}``, ``\\"token\\":\\"x\\"``)
     whose name ends in a sensitive word (``password``, ``passwd``, ``pwd``, ``pass``, ``passphrase``,
     ``secret``, ``token``, ``key`` as in ``api_key``/``access_key``/``secret_key``/``x-api-key``,
     ``authorization``, ``auth``, ``cookie``); ``password_expiry_days`` or
     ``aws_access_key_id`` are not sensitive names (the sensitive word is not the last part);
     an ``Authorization: Bearer x`` value keeps its scheme word;
   * ``Bearer <token>`` and ``Basic <base64>`` anywhere (the scheme word is kept);
   * URL userinfo: ``http://user:pw@host`` -> ``http://user:********@host`` (user, host, port, path kept);
   * Oracle connect strings ``user/password@db`` -> ``user/********@db`` and
     ``user:password@host:port/service`` -> ``user:********@host:port/service``;
   * an AWS secret access key (40 characters of base64) that follows an access key id
     (``AKIA...``/``ASIA...``). Access key ids themselves are identifiers, not secrets (AWS prints
     them in consoles and logs), so a free-standing ``AKIA...`` is shown; a value given under a
     sensitive name (``access_key=...``) is masked all the same because the name says so.

Every pattern is linear in the length of the text: no nested quantifiers, every repetition bounded,
and the key=value pass is a single left-to-right scan (values are delimited by plain code).
A dict item whose key is a sensitive name has its string value masked whole.
"""

from __future__ import annotations

import re
from urllib.parse import quote

MASK = '********'
# Secrets shorter than this are not replaced by value (they would mask random characters).
MIN_SECRET_LENGTH = 3

# Last parts of a key name that make its value a secret ("db_password", "x-api-key", "secretAccessKey").
_SENSITIVE_PARTS = frozenset((
    'password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'token', 'key', 'apikey', 'accesskey',
    'secretkey', 'privatekey', 'authorization', 'auth', 'cookie', 'passcode',
))
_SENSITIVE_SUFFIXES = ('password', 'passwd', 'secret', 'token', 'apikey', 'accesskey', 'secretkey', 'privatekey')
# Header names that are secrets by themselves; any header containing one of _HEADER_WORDS also is.
_SENSITIVE_HEADERS = frozenset(('authorization', 'proxy-authorization', 'cookie', 'set-cookie'))
_HEADER_WORDS = ('token', 'key', 'secret', 'password', 'passwd', 'auth', 'cookie', 'session', 'credential')

_CAMEL = re.compile(r'([a-z0-9])([A-Z])')
_PARTS = re.compile(r'[^a-z0-9]+')

# A key followed by ':' or '=' (optionally quoted, escaped-quoted in JSON inside a string).
_KEY = re.compile(r'(?<![\w.\-])(\\?["\']?)([A-Za-z_][\w.\-]{0,63})(\\?["\']?)[ \t]{0,16}[:=][ \t]{0,16}')
# An authorization scheme word at the start of a value ("Authorization: Bearer xyz").
_SCHEME = re.compile(r'(?i)(bearer|basic|token|digest|negotiate|ntlm|aws4-hmac-sha256)[ \t]{1,16}')
# Characters that end an unquoted value (a password with these in it is masked up to them).
_VALUE_END = frozenset(' \t\r\n&,;"\'<>{}[]()')

_BEARER = re.compile(r'(?i)(?<![\w\-])(bearer|basic)([ \t]{1,16})([A-Za-z0-9._~+/=\-]{1,4096})')
_URL_USERINFO = re.compile(r'(?i)\b([a-z][a-z0-9+.\-]{0,31}://)([^\s/?#@:]{0,256}):([^\s/?#]{1,256})@')
_ORACLE_SLASH = re.compile(r'(?<![\w/.:@\-])([A-Za-z_][\w$#.]{0,127})/([^\s/@"\'()]{1,128})@(?=[\w.\[(/])')
_ORACLE_COLON = re.compile(
    r'(?<![\w/.:@\-])([A-Za-z_][\w$#.]{0,127}):([^\s/@"\'()]{1,128})@(?=[\w.\-]{1,253}(?::\d{1,5}/|:\d{1,5}\b|/))')
# A whole option value that starts with credentials: "user/pw@db", "user:pw@host:port/svc", "user:pw@alias".
_DSN_CREDENTIALS = re.compile(r'\s*([^/:@()\s]{1,128})[/:]([^@\s]{1,256})@')
_AWS_SECRET = re.compile(r'\b((?:AKIA|ASIA)[A-Z0-9]{16})([\s,;:=|"\']{1,8})([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])')


def _name_parts(name):
    return [part for part in _PARTS.split(_CAMEL.sub(r'\1_\2', str(name)).lower()) if part]


def is_sensitive_name(name):
    """True when a key named ``name`` holds a secret: its last part is a sensitive word."""
    parts = _name_parts(name)
    if not parts:
        return False
    last = parts[-1]
    return last in _SENSITIVE_PARTS or last.endswith(_SENSITIVE_SUFFIXES)


def is_sensitive_header(name):
    """True for HTTP headers whose value is a credential (Authorization, Cookie, ``*token*``, ``*key*``...)."""
    lowered = str(name).strip().lower()
    return lowered in _SENSITIVE_HEADERS or any(word in lowered for word in _HEADER_WORDS)


def url_password(url):
    """The password of ``scheme://user:password@host...`` (or None)."""
    if not isinstance(url, str):
        return None
    match = _URL_USERINFO.search(url)
    return match.group(3) if match else None


def dsn_password(dsn):
    """The password inside an Oracle connect string (``user/pw@db``, ``user:pw@host:port/svc``,
    ``scheme://user:pw@host``), or None."""
    if not isinstance(dsn, str):
        return None
    found = url_password(dsn)
    if found:
        return found
    match = _DSN_CREDENTIALS.match(dsn)
    return match.group(2) if match and match.group(2) else None


def scrub_url(url):
    """``url`` with the password of its userinfo masked (user name, host, port and path kept)."""
    return _scrub_patterns(url) if isinstance(url, str) else url


def scrub(value, secrets=None):
    """Mask known ``secrets`` and credential-shaped text everywhere inside ``value`` (recursively)."""
    return _scrub(value, _prepare(secrets))


def _prepare(secrets):
    values = set()
    for secret in secrets or ():
        if secret is None or isinstance(secret, bool):
            continue
        text = str(secret)
        if len(text) < MIN_SECRET_LENGTH:
            continue
        values.add(text)
        for encoded in (quote(text, safe=''), quote(text)):
            if len(encoded) >= MIN_SECRET_LENGTH:
                values.add(encoded)
    # Longest first, so a secret that contains another is masked whole.
    return sorted(values, key=len, reverse=True)


def _scrub(value, secrets):
    if isinstance(value, str):
        for secret in secrets:
            # Again while it is there: a secret that starts or ends with '*' can be formed anew by the
            # mask and the text beside it ('x' + 'x**' -> 'x********'). Each pass removes characters
            # that are not '*', so this ends; a secret of '*' only is replaced once.
            while secret in value:
                value = value.replace(secret, MASK)
                if not secret.strip('*'):
                    break
        return _scrub_patterns(value)
    if isinstance(value, dict):
        scrubbed = {}
        for key, item in value.items():
            if isinstance(item, str) and item and is_sensitive_name(key):
                scrubbed[key] = MASK
            else:
                scrubbed[key] = _scrub(item, secrets)
        return scrubbed
    if isinstance(value, (list, tuple)):
        return [_scrub(item, secrets) for item in value]
    return value


def _scrub_patterns(text):
    if not text:
        return text
    if '@' in text:
        text = _URL_USERINFO.sub(lambda m: m.group(1) + m.group(2) + ':' + MASK + '@', text)
        text = _ORACLE_SLASH.sub(_mask_group2('/'), text)
        text = _ORACLE_COLON.sub(_mask_group2(':'), text)
    if ':' in text or '=' in text:
        text = _scrub_key_values(text)
    text = _BEARER.sub(_mask_bearer, text)
    if 'AKIA' in text or 'ASIA' in text:
        text = _AWS_SECRET.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    return text


def _mask_group2(separator):
    def replace(match):
        if match.group(2) == MASK:
            return match.group(0)
        return match.group(1) + separator + MASK + '@'
    return replace


def _looks_like_credential(token):
    """A word after ``Bearer``/``Basic`` that is a credential, not English ("Basic checks")."""
    if token == MASK:
        return False
    return (len(token) >= 16 or any(c.isdigit() for c in token) or any(c in '._~+/=-' for c in token)
            or any(c.isupper() for c in token[1:]))


def _mask_bearer(match):
    if not _looks_like_credential(match.group(3)):
        return match.group(0)
    return match.group(1) + match.group(2) + MASK


def _scrub_key_values(text):
    """One left-to-right pass: every ``name<sep>value`` whose name is sensitive gets its value masked."""
    out = []
    pos = 0
    length = len(text)
    while pos < length:
        match = _KEY.search(text, pos)
        if match is None:
            break
        end = match.end()
        if not is_sensitive_name(match.group(2)):
            # Not consumed beyond the separator: a sensitive key inside the value is still found.
            out.append(text[pos:end])
            pos = end
            continue
        value_start = end
        scheme = _SCHEME.match(text, end)
        if scheme and end < length and text[end] not in '"\'\\':
            value_start = scheme.end()
        value_end, quote_len = _value_end(text, value_start)
        out.append(text[pos:value_start])
        if value_end - quote_len > value_start + quote_len and text[value_start + quote_len:value_end - quote_len] != MASK:
            out.append(text[value_start:value_start + quote_len] + MASK + text[value_end - quote_len:value_end])
        else:
            out.append(text[value_start:value_end])
        pos = value_end
    out.append(text[pos:])
    return ''.join(out)


def _value_end(text, start):
    """``(end, quote length)`` of the value starting at ``start``: quoted (JSON escapes honoured),
    escaped-quoted (``\\"x\\"`` inside a JSON string) or bare up to a delimiter."""
    length = limit = len(text)
    if start >= length:
        return start, 0
    if text.startswith('\\"', start) or text.startswith("\\'", start):
        closing = text.find(text[start:start + 2], start + 2, limit)
        if closing < 0:
            return _bare_end(text, start + 2, limit), 0
        return closing + 2, 2
    first = text[start]
    if first in '"\'':
        index = start + 1
        while index < limit:
            char = text[index]
            if char == '\\':
                index += 2
                continue
            if char == first:
                return index + 1, 1
            if char in '\r\n':
                break
            index += 1
        return min(index, limit), 0
    return _bare_end(text, start, limit), 0


def _bare_end(text, start, limit):
    index = start
    while index < limit and text[index] not in _VALUE_END:
        index += 1
    return index


def no_log_values(values):
    """The strings of ``values`` worth adding to ``AnsibleModule.no_log_values`` (which Ansible masks in
    the whole result, ``invocation`` included): none shorter than ``MIN_SECRET_LENGTH``, whose masking
    would blank out random characters everywhere."""
    return set(str(value) for value in values or () if value is not None and len(str(value)) >= MIN_SECRET_LENGTH)
