# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Health API check (guide §4, §13.1): ``GET /api/health`` must answer ``{"status": "ok"}``.

Healthy only when the HTTP status is one of the expected codes AND the body is a JSON object
with ``status == "ok"``. A NestJS Terminus body (``status``/``info``/``error``/``details``, each
indicator ``{"status": "up" | "degraded" | "down"}``) is understood: every failing indicator is
named (critical), and an indicator Terminus reports ``degraded`` (overall ``status: "degraded"``,
HTTP 200, the indicator under ``info``: the check passes, with reduced service) is a warning.
When Terminus itself answers 503 naming the failing indicators, those indicators are the findings:
no second finding for the HTTP status.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from ansible_collections.tank.monitoring.plugins.module_utils import _http
from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, WARNING, FindingSpec
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, LazyImport, MissingLibrary
from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, declare
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import is_sensitive_header, url_password

# Imported when assertions are used (reported as unknown when missing).
jmespath = LazyImport('jmespath', submodules=('exceptions',))

CHECK = 'health'

_BACKEND_DOWN = ('No answer means the backend is down or the network is broken (guide §4): check `pm2 status` '
                 '(guide §13.1) and start or restart the backend (`pm2 start` / `pm2 restart backend`); if PM2 '
                 'shows it online, check the port it listens on and the firewall between here and the backend.')

CATALOGUE = {
    'request.refused': FindingSpec('§4, §13.1', _BACKEND_DOWN),
    'request.timeout': FindingSpec(
        '§4, §13.1',
        'The backend accepted the connection but did not answer in time: it is hung or overloaded, or the network '
        'drops traffic. Check `pm2 status` and `pm2 logs backend` (guide §13.1), restart the backend if it is '
        'stuck, and verify the firewall.'),
    'request.dns': FindingSpec(
        '§4',
        'The health URL names a host that does not resolve: fix the URL or the DNS / /etc/hosts entry of the '
        'backend host.'),
    'request.tls': FindingSpec(
        '§4',
        'The TLS handshake failed: renew or fix the server certificate (expired, wrong host name, untrusted '
        'issuer), or give the check the CA that signed it (ca_path) or the client certificate it requires.'),
    'request.connection': FindingSpec(
        '§4',
        'The connection to the backend failed (reset, proxy or network error): check the backend with '
        '`pm2 status` (guide §13.1), any proxy in between (use_proxy), and the network path.'),
    'response.status_code': FindingSpec(
        '§4',
        'The health API answered with an unexpected HTTP status: read `pm2 logs backend` for the error; a 502/504 '
        'from a proxy means the backend behind it is down (check `pm2 status`, guide §13.1).'),
    'response.not_json': FindingSpec(
        '§4',
        'The health URL did not answer JSON: it is probably served by a proxy error page or the frontend instead '
        'of the backend. Check the URL (it must reach GET /api/health of the backend) and the proxy '
        'configuration, then `pm2 status` (guide §13.1).'),
    'response.status_not_ok': FindingSpec(
        '§4',
        'The health API does not report {"status": "ok"}: read `pm2 logs backend` for the failing dependency and '
        'fix it; restart the backend when the cause is gone.'),
    'indicator.down': FindingSpec(
        '§4, §6, §7',
        'A dependency of the backend is down as reported by its health indicator: for the database check the '
        'Oracle listener, account and network (guide §6); for disk or storage check the NAS path, mount and '
        'free space (guide §7); then read `pm2 logs backend`.'),
    'indicator.degraded': FindingSpec(
        '§4, §6, §7',
        'A dependency of the backend reports itself degraded (Terminus `degraded`): the health check still '
        'passes, but the dependency works with reduced capacity or a fallback and may go down next. Read the '
        "indicator's message and `pm2 logs backend`; for the database check the Oracle sessions, listener and "
        'response time (guide §6), for disk or storage the NAS mount and free space (guide §7); fix it before '
        'it turns into an outage.'),
    'assertion.failed': FindingSpec(
        '§4',
        'The health body does not satisfy a configured assertion: read the body and `pm2 logs backend` to see '
        'which part of the backend reports the problem.'),
    'response.latency': FindingSpec(
        '§4',
        'The health API answers slowly: the backend or one of its dependencies (database, storage) is overloaded. '
        'Check `pm2 monit`, CPU and memory (guide §9) and the database response time.'),
}

ARGUMENT_SPEC = dict(
    url=dict(type='str', default='http://127.0.0.1:3000/api/health'),
    expected_status=dict(type='list', elements='int', default=[200]),
    # Not no_log: Ansible would then mask every occurrence of every header value in the whole result
    # (X-Api-Version: "1" masks each "1"); only sensitive header values are secrets (secret_values).
    headers=dict(type='dict', default={}, no_log=False),
    token=dict(type='str', no_log=True),
    url_username=dict(type='str'),
    url_password=dict(type='str', no_log=True),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    client_cert=dict(type='path'),
    client_key=dict(type='path'),
    use_proxy=dict(type='bool', default=True),
    assertions=dict(type='list', elements='str', default=[]),
)
SECRET_OPTIONS = ('token', 'url_password')
# Options naming a file the check reads: a missing one is an input error naming the option.
_FILE_OPTIONS = ('ca_path', 'client_cert', 'client_key')
DEFAULT_TIMEOUT = 10.0

# Terminus indicator states that mean healthy.
_UP = ('up', 'ok')
# Terminus's state for an indicator that works with reduced service (the check still passes).
_DEGRADED = 'degraded'
# Characters of a body quoted in a message.
_EXCERPT = 120


def secret_values(params):
    """The values to mask everywhere: token, url_password, the password inside the URL and the values of
    sensitive headers (Authorization, Cookie, ``*token*``, ``*key*``, ``*secret*``, ...) - not the others."""
    values = [params.get(name) for name in SECRET_OPTIONS]
    values.append(url_password(params.get('url')))
    for name, value in (params.get('headers') or {}).items():
        if is_sensitive_header(name) and value is not None:
            values.append(str(value))
            # "Bearer xyz": the credential alone is masked wherever it appears.
            parts = str(value).split(None, 1)
            if len(parts) == 2:
                values.append(parts[1])
    return [value for value in values if value]


def run(params, result, deadline):
    url = params.get('url')
    validate(params)
    compiled = _compile_assertions(params.get('assertions') or [])
    headers = dict((str(k), str(v)) for k, v in (params.get('headers') or {}).items())
    if params.get('token'):
        headers['Authorization'] = 'Bearer %s' % params['token']

    response = _http.fetch(url, deadline, headers=headers, validate_certs=params.get('validate_certs', True),
                           ca_path=params.get('ca_path'), client_cert=params.get('client_cert'),
                           client_key=params.get('client_key'), use_proxy=params.get('use_proxy', True),
                           url_username=params.get('url_username'), url_password=params.get('url_password'))
    shown = _http.display_url(url)
    if response.error:
        result.metric('up', 0)
        result.add('request.%s' % response.error, CRITICAL, response.reason, subject=shown)
        return

    latency = round(response.latency, 3)
    result.metric('latency_seconds', latency)
    result.metric('http_status', response.status)
    healthy = True

    expected = params.get('expected_status') or [200]
    body, body_error = _parse_json(response)
    if response.status not in expected and _names_down_indicators(body):
        # The application's own health logic (Terminus answers 503 this way) names what fails: the
        # indicator findings below explain this status; a second, proxy-flavoured finding would not.
        healthy = False
    elif response.status not in expected:
        healthy = False
        result.add('response.status_code', CRITICAL,
                   'GET %s answered HTTP %s (expected %s); body: %s'
                   % (shown, response.status, ', '.join(str(c) for c in expected), _describe_body(response)),
                   value=response.status, subject=shown)
    elif body_error:
        healthy = False
        message = 'GET %s answered HTTP %s but %s' % (shown, response.status, body_error)
        result.add('response.not_json', CRITICAL, message, value=response.content_type or None, subject=shown)

    if isinstance(body, dict):
        healthy = _judge_body(result, body, shown, http_status=response.status) and healthy
        healthy = _check_assertions(result, compiled, body, shown) and healthy
    elif body is not None and response.status in expected:
        healthy = False
        result.add('response.status_not_ok', CRITICAL,
                   'GET %s answered a JSON %s, not an object with "status": "ok".' % (shown, type(body).__name__),
                   subject=shown)

    result.metric('up', 1 if healthy else 0)
    result.judge('response.latency', 'latency_seconds', latency,
                 'GET {subject} took {value} s (limit {limit} s).', subject=shown)


def validate(params):
    """Check the options before anything runs; raise CheckInputError naming the option."""
    url = params.get('url')
    if not url:
        raise CheckInputError('url is required (e.g. http://127.0.0.1:3000/api/health)')
    try:
        scheme = urlsplit(url).scheme
    except ValueError as exc:
        raise CheckInputError('url %r is not a valid URL: %s' % (_http.display_url(url), exc))
    if scheme not in ('http', 'https'):
        raise CheckInputError('url must start with http:// or https://, got %r' % (_http.display_url(url),))
    for code in params.get('expected_status') or []:
        if not 100 <= code <= 599:
            raise CheckInputError('expected_status holds %r, which is not an HTTP status code' % (code,))
    if params.get('client_key') and not params.get('client_cert'):
        raise CheckInputError('client_key needs client_cert')
    _http.check_files(params, _FILE_OPTIONS)


def _compile_assertions(expressions):
    if not expressions:
        return []
    if not jmespath:
        raise MissingLibrary('jmespath', reason='for the assertions option')
    compiled = []
    for expression in expressions:
        try:
            compiled.append((expression, jmespath.compile(expression)))
        except jmespath.exceptions.JMESPathError as exc:
            raise CheckInputError('assertion %r is not a valid JMESPath expression: %s' % (expression, exc))
    return compiled


def _parse_json(response):
    """``(body, None)`` when the body is JSON, else ``(None, why it is not)``."""
    if not response.body.strip():
        return None, 'the body is empty (content type %s).' % (response.content_type or 'none')
    try:
        return json.loads(response.text()), None
    except ValueError:
        kind = 'an HTML page' if _looks_html(response) else 'not JSON'
        content_type = response.content_type or 'none'
        return None, 'the body is %s (content type %s): %s' % (kind, content_type, _excerpt(response))


def _looks_html(response):
    return response.content_type in ('text/html', 'application/xhtml+xml') or \
        response.body.lstrip()[:1] == b'<'


def _describe_body(response):
    body, error = _parse_json(response)
    if error:
        return error.rstrip('.')
    return _excerpt(response)


def _excerpt(response):
    text = ' '.join(response.text(_EXCERPT * 2).split())
    return repr(text[:_EXCERPT] + ('...' if len(text) > _EXCERPT else ''))


def failing_indicators(body):
    """Terminus indicators that are not up (down or degraded), as ``[(name, (state, detail))]`` sorted by name."""
    failing = {}
    for section in ('error', 'details', 'info'):
        indicators = body.get(section)
        if not isinstance(indicators, dict):
            continue
        for name, state in indicators.items():
            if not isinstance(state, dict):
                continue
            status = str(state.get('status', '')).lower()
            if status in _UP:
                continue
            detail = dict((k, v) for k, v in state.items() if k != 'status')
            failing.setdefault(str(name), (status or 'no status', detail))
    return sorted(failing.items())


def _names_down_indicators(body):
    """True when a JSON body names at least one indicator that is down (not up, not degraded)."""
    return isinstance(body, dict) and any(state != _DEGRADED for _name, (state, _detail) in failing_indicators(body))


def _judge_body(result, body, shown, http_status=None):
    """Findings for the body's ``status`` and indicators; True when the backend counts as up.

    ``degraded`` counts as up (Terminus passes the check) but gives a warning per degraded indicator.
    """
    status = body.get('status')
    indicators = failing_indicators(body)
    down = [(name, state, detail) for name, (state, detail) in indicators if state != _DEGRADED]
    degraded = [(name, state, detail) for name, (state, detail) in indicators if state == _DEGRADED]
    answered = ' (GET %s answered HTTP %s)' % (shown, http_status) if http_status and http_status >= 300 else ''
    for name, state, detail in down:
        result.add('indicator.down', CRITICAL, _indicator_message(name, state, detail) + answered + '.',
                   value=state, subject=name)
    for name, state, detail in degraded:
        result.add('indicator.degraded', WARNING,
                   _indicator_message(name, state, detail) + ': it still answers, with reduced service.',
                   value=state, subject=name)
    if down:
        return False
    if status == 'ok':
        return True
    if status == _DEGRADED:
        if not degraded:
            result.add('indicator.degraded', WARNING,
                       'GET %s reports status "degraded" without naming the degraded indicator.' % shown,
                       value=_DEGRADED, subject=shown)
        return True
    if status is None:
        text = 'GET %s answered JSON without a "status" field.' % shown
    else:
        text = 'GET %s reports status %r, not "ok".' % (shown, status)
    result.add('response.status_not_ok', CRITICAL, text, value=None if status is None else str(status),
               subject=shown)
    return False


def _indicator_message(name, state, detail):
    reason = detail.get('message') or detail.get('error') or ''
    message = 'Health indicator %s is %s' % (name, state)
    if reason:
        message += ': %s' % str(reason)[:200]
    return message


def _check_assertions(result, compiled, body, shown):
    healthy = True
    for expression, program in compiled:
        try:
            value = program.search(body)
        except jmespath.exceptions.JMESPathError as exc:
            value, error = None, str(exc)
        else:
            error = None
        # JMESPath truthiness: null, false, empty string, list and object are false; 0 is true.
        if value is None or value is False or (isinstance(value, (str, list, dict)) and not value):
            healthy = False
            why = ('failed: %s' % error) if error else 'evaluated to %s' % json.dumps(value)
            result.add('assertion.failed', CRITICAL, 'Assertion `%s` on the body of %s %s.' % (expression, shown, why),
                       value=value if error is None else None, subject=expression)
    return healthy


# The one declaration of this check (the registry, the audit module and the docs derive from it).
SPEC = declare(globals(), scope=HOST, module='health_check')
