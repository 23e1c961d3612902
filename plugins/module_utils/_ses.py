# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""AWS SES check (guide §8, §13.4): quota, send rate, account state, reputation, credentials.

Every AWS call goes through ``_Api.call``: one client per call whose connect/read timeouts are
bounded by the time left, botocore's own retries off, and our per-call retries with jittered
backoff on throttling codes (as amazon.aws does) bounded by the deadline. Errors are classified
once (``classify``): wrong keys, expired keys or clock skew and an unreachable endpoint end the
check (every further call would fail the same way); a denied or missing API makes only its part
``unknown``, naming the IAM action. A part the endpoint does not offer (an unknown operation, HTTP
404 or 501) is not a failure: it is listed in ``result.notes`` (returned as ``not_checked``) with
the reason and leaves the status alone.
"""

from __future__ import annotations

import datetime
import random
import re
import time

from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, WARNING, FindingSpec, format_number
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, LazyImport, MissingLibrary
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import scrub, url_password
from ansible_collections.tank.monitoring.plugins.module_utils._check import SITE, declare

# Imported when the check runs (reported as unknown when missing), not when the audit loads.
boto3 = LazyImport('boto3')
botocore = LazyImport('botocore', submodules=('config', 'exceptions', 'parsers'))

CHECK = 'ses'

# The IAM actions the check needs (docs/ses.md has the policy).
REQUIRED_ACTIONS = ('ses:GetSendQuota', 'ses:GetSendStatistics', 'ses:GetAccount', 'ses:GetAccountSendingEnabled',
                    'cloudwatch:GetMetricData')

_SEND_FAILURES = ('When send failures rise, check expired SES credentials, poor address quality and the rate limit '
                  '(guide §8). ')

CATALOGUE = {
    'quota.used': FindingSpec(
        '§8',
        'The daily sending quota must never be exceeded (guide §8): slow down or spread the batches over the day, '
        'and ask AWS for a higher quota (SES console -> Account dashboard -> Request a sending limit increase) '
        'before it runs out.'),
    'quota.forecast': FindingSpec(
        '§8',
        'At the recent sending pace the daily sending quota runs out soon (guide §8): slow down the batches or '
        'ask AWS for a higher quota before it runs out.'),
    'rate.measured': FindingSpec(
        '§8',
        'The account already sends at (or near) the SES maximum send rate, measured from CloudWatch, so sends are '
        'throttled ("rate limit exceeded", guide §8): lower the worker send rate or parallelism below the '
        'maximum, spread the batches, or ask AWS for a higher send rate.'),
    'rate.worker': FindingSpec(
        '§8',
        'The worker is configured to send faster than the SES maximum send rate, so sends are throttled '
        '("rate limit exceeded", guide §8): lower the worker send rate or parallelism below the maximum, or ask '
        'AWS for a higher send rate.'),
    'account.sending_disabled': FindingSpec(
        '§8, §13.4',
        'Sending is disabled for this SES account or region, so every send fails: read the SES console (Account '
        'dashboard, Reputation) for the cause, fix it, then re-enable sending.'),
    'account.sandbox': FindingSpec(
        '§8, §13.4',
        'The SES account is in the sandbox: mail is accepted only for verified addresses and the quota is tiny. '
        'Request production access in the SES console (Account dashboard).'),
    'account.enforcement': FindingSpec(
        '§8, §13.4',
        'AWS put the SES account under review (probation) or shut sending down, usually for high bounce or '
        'complaint rates: read the case in the SES console (Reputation), clean the address lists and fix the cause '
        'before AWS stops the sending.'),
    'reputation.bounce': FindingSpec(
        '§8',
        'Bounce rate: under 5% is normal, 10% or more is danger (guide §8). Poor address quality: remove invalid '
        'and bouncing addresses from the lists (suppression list, address validation) before sending again.'),
    'reputation.complaint': FindingSpec(
        '§8',
        'Complaint rate: under 0.1% is normal, 1% or more is danger (guide §8). Send only to recipients who asked '
        'for the mail, honour unsubscribes, and review the content and sending frequency.'),
    'reputation.reject': FindingSpec(
        '§8',
        'Rejected: almost 0% is normal, 5% or more is a problem (guide §8). Look at why SES rejects the messages '
        '(unverified sender, content, attachments) in the send log and fix the sender identity or the content.'),
    'credentials.invalid': FindingSpec(
        '§8, §13.4',
        'AWS does not accept these SES credentials (wrong or revoked key): every send fails. ' + _SEND_FAILURES
        + 'Put a valid access key of an active IAM user in the backend .env and restart the backend and worker '
        '(pm2 restart backend worker).'),
    'credentials.expired': FindingSpec(
        '§8, §13.4',
        'The SES credentials have expired, or the server clock is wrong (AWS rejects signatures more than 5 '
        'minutes off): ' + _SEND_FAILURES + 'Renew the credentials, and check the clock synchronisation '
        '(timedatectl, chrony).'),
    'credentials.missing': FindingSpec(
        '§8, §13.4',
        'No AWS credentials were found for the check: give the keys the backend uses (env_file) or the check\'s '
        'own read-only keys.'),
    'env_file.unreadable': FindingSpec(
        '§8',
        'The backend .env file with the SES keys cannot be read by the check: check env_file and run the check '
        'with privileges that can read it (become: true).'),
    'endpoint.unreachable': FindingSpec(
        '§8, §13.4',
        'The SES endpoint cannot be reached, so sends fail: check DNS, the firewall, the proxy or the VPC '
        'endpoint between this server and AWS.'),
    'permission.denied': FindingSpec(
        '§8',
        'The IAM user or role of the check lacks a permission, so this part could not be checked: grant the '
        'actions in the collection\'s SES policy (ses:GetSendQuota, ses:GetSendStatistics, ses:GetAccount, '
        'ses:GetAccountSendingEnabled, cloudwatch:GetMetricData).'),
    'api.throttled': FindingSpec(
        '§8',
        'AWS kept throttling the check\'s requests, so this part could not be checked: run the audit less often '
        'or at a quieter time.'),
    'api.error': FindingSpec(
        '§8',
        'AWS answered with an unexpected error, so this part could not be checked: retry, and look at the AWS '
        'Health dashboard if it persists.'),
}

DEFAULT_ENV_FILE_VARIABLES = {
    'access_key': 'AWS_ACCESS_KEY_ID',
    'secret_key': 'AWS_SECRET_ACCESS_KEY',
    'session_token': 'AWS_SESSION_TOKEN',
    'region': 'AWS_REGION',
}

ARGUMENT_SPEC = dict(
    access_key=dict(type='str', aliases=['aws_access_key_id'], no_log=True),
    secret_key=dict(type='str', aliases=['aws_secret_access_key'], no_log=True),
    session_token=dict(type='str', aliases=['aws_session_token'], no_log=True),
    profile=dict(type='str', aliases=['aws_profile']),
    region=dict(type='str', aliases=['aws_region']),
    endpoint_url=dict(type='str', aliases=['aws_endpoint_url']),
    cloudwatch_endpoint_url=dict(type='str'),
    env_file=dict(type='path'),
    env_file_variables=dict(type='dict', default={}),
    worker_send_rate=dict(type='float'),
    forecast_window_minutes=dict(type='int', default=60),
    send_rate_window_minutes=dict(type='int', default=60),
    reputation_window_hours=dict(type='int', default=24),
    min_sends=dict(type='int', default=20),
    max_retries=dict(type='int', default=5),
)
SECRET_OPTIONS = ('access_key', 'secret_key', 'session_token')
DEFAULT_TIMEOUT = 30.0


def secret_values(params):
    """The values to mask everywhere: the key options and a password written into an endpoint URL."""
    values = [params.get(name) for name in SECRET_OPTIONS]
    values.extend(url_password(params.get(name)) for name in ('endpoint_url', 'cloudwatch_endpoint_url'))
    return [value for value in values if value]


# Error codes, as botocore reports them.
INVALID_KEY_CODES = frozenset(('InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException',
                               'InvalidAccessKeyId', 'IncompleteSignature', 'AuthFailure', 'InvalidToken'))
EXPIRED_CODES = frozenset(('ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'RequestTimeTooSkewed'))
DENIED_CODES = frozenset(('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError',
                          'NotAuthorized', '403'))
THROTTLING_CODES = frozenset(('Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException',
                              'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException',
                              'SlowDown', 'LimitExceededException', 'ProvisionedThroughputExceededException'))
UNAVAILABLE_CODES = frozenset(('404', '501', 'UnknownOperationException', 'UnknownOperation', 'InvalidAction',
                               'NotImplemented', 'UnsupportedOperation'))
# HTTP statuses that say "this operation is not offered here" (no route, not implemented).
UNAVAILABLE_STATUSES = frozenset((404, 501))

# Kinds of failure (classify) and how the check reports them.
INVALID, EXPIRED, DENIED, THROTTLED, UNAVAILABLE, UNREACHABLE, NO_CREDENTIALS, ERROR = (
    'invalid', 'expired', 'denied', 'throttled', 'unavailable', 'unreachable', 'no_credentials', 'error')
_FATAL = {INVALID: 'credentials.invalid', EXPIRED: 'credentials.expired', UNREACHABLE: 'endpoint.unreachable'}
_PART_UNKNOWN = {DENIED: ('permission.denied', 'permission_denied'), THROTTLED: ('api.throttled', 'error'),
                 ERROR: ('api.error', 'error'), NO_CREDENTIALS: ('credentials.missing', 'error')}

# Bounds of the window options: what SES and CloudWatch keep (send statistics cover two weeks,
# one-minute CloudWatch data fifteen days).
WINDOW_LIMITS = {'forecast_window_minutes': 14 * 24 * 60, 'send_rate_window_minutes': 14 * 24 * 60,
                 'reputation_window_hours': 14 * 24}
MAX_RETRIES_LIMIT = 20

_BACKOFF_BASE = 0.5
_BACKOFF_MAX = 4.0


_INNER_CODE = re.compile(r'<Code>([^<]+)</Code>|"(?:__type|code|Code)"\s*:\s*"(?:[^"#]*#)?([^"]+)"')
_INNER_MESSAGE = re.compile(r'<Message>([^<]*)</Message>|"(?:message|Message)"\s*:\s*"([^"]*)"')
# The status line of an HTML error page that a protocol parser could not read ("<title>404 Not Found</title>").
_PAGE_STATUS = re.compile(r'<title>\s*(\d{3})\b|<h1>\s*(\d{3})\b|\bHTTP/\d(?:\.\d)?\s+(\d{3})\b')


class _Stop(Exception):
    """A failure that every further call would repeat (keys, clock, endpoint): stop the check."""


class ApiFailure(Exception):
    def __init__(self, kind, code, text, action):
        super(ApiFailure, self).__init__(text)
        self.kind = kind
        self.code = code
        self.text = text
        self.action = action


def classify(exc):
    """``(kind, code, text)`` for an exception raised by a botocore call."""
    if isinstance(exc, botocore.exceptions.ClientError):
        error = exc.response.get('Error', {}) or {}
        code = str(error.get('Code') or '')
        message = str(error.get('Message') or '')
        if code.isdigit():
            # Some protocols (CloudWatch's CBOR) leave an XML or JSON error body unparsed: find the code in it.
            inner = _INNER_CODE.search(message)
            if inner:
                code = inner.group(1) or inner.group(2)
                detail = _INNER_MESSAGE.search(message)
                message = (detail.group(1) or detail.group(2)) if detail else ''
        status = (exc.response.get('ResponseMetadata') or {}).get('HTTPStatusCode')
        text = '%s: %s' % (code, message) if message and not message.lstrip().startswith('<') else code
        if code in EXPIRED_CODES or (code == 'SignatureDoesNotMatch' and 'expired' in message.lower()):
            return EXPIRED, code, text
        if code in INVALID_KEY_CODES:
            return INVALID, code, text
        if code in DENIED_CODES:
            return DENIED, code, text
        if code in THROTTLING_CODES or status == 429:
            return THROTTLED, code, text
        if code in UNAVAILABLE_CODES or status in UNAVAILABLE_STATUSES:
            return UNAVAILABLE, code, text
        return ERROR, code, text
    if isinstance(exc, botocore.parsers.ResponseParserError):
        # A page the protocol cannot parse: only a 404/501 page says the operation is not offered; a 5xx
        # page (an emulator's crash, a failing proxy) or anything else is a failure of this part.
        page = _PAGE_STATUS.search(str(exc))
        status = int(next(g for g in page.groups() if g)) if page else None
        if status in UNAVAILABLE_STATUSES:
            return UNAVAILABLE, str(status), 'HTTP %d: the endpoint does not offer this operation' % status
        if status:
            return ERROR, str(status), 'HTTP %d: the endpoint answered with an error page' % status
        return ERROR, 'ResponseParserError', 'the endpoint gave an answer this API does not define'
    if isinstance(exc, (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError,
                        botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectionClosedError)):
        return UNREACHABLE, type(exc).__name__, str(exc)
    if isinstance(exc, (botocore.exceptions.NoCredentialsError, botocore.exceptions.PartialCredentialsError)):
        return NO_CREDENTIALS, type(exc).__name__, str(exc)
    if isinstance(exc, botocore.exceptions.HTTPClientError):
        return UNREACHABLE, type(exc).__name__, str(exc)
    return ERROR, type(exc).__name__, str(exc)


class _Api(object):
    """AWS calls bounded by the deadline, with jittered-backoff retries on throttling."""

    def __init__(self, session, region, endpoints, deadline, max_retries, secrets):
        self.session = session
        self.region = region
        self.endpoints = endpoints
        self.deadline = deadline
        self.max_retries = max(0, max_retries)
        self.secrets = secrets

    def _client(self, service):
        remaining = self.deadline.budget(floor=0.1)
        config = botocore.config.Config(connect_timeout=remaining, read_timeout=remaining,
                                        retries={'total_max_attempts': 1, 'mode': 'standard'},
                                        user_agent_extra='tank.monitoring-ses_check')
        return self.session.client(service, region_name=self.region, endpoint_url=self.endpoints.get(service),
                                   config=config)

    def call(self, service, operation, action, **kwargs):
        attempt = 0
        while True:
            if self.deadline.budget(floor=0) <= 0:
                raise ApiFailure(THROTTLED if attempt else UNREACHABLE, 'Deadline',
                                 'no time left for %s' % action, action)
            try:
                return getattr(self._client(service), operation)(**kwargs)
            except Exception as exc:  # pylint: disable=broad-except
                kind, code, text = classify(exc)
                text = scrub(text, self.secrets)
                if kind == THROTTLED and attempt < self.max_retries:
                    delay = random.uniform(0, min(_BACKOFF_MAX, _BACKOFF_BASE * (2 ** attempt)))
                    if delay < self.deadline.budget(floor=0) - 1.0:
                        attempt += 1
                        time.sleep(delay)
                        continue
                if kind == THROTTLED:
                    text = '%s (%s)' % (text.rstrip('.'), ('still throttled after %d retries' % attempt) if attempt
                                        else 'no retry left')
                    # Hammering a throttled account helps nobody: the remaining calls try once.
                    self.max_retries = 0
                raise ApiFailure(kind, code, text, action)


def validate(params):
    """Option checks that need no AWS call; raises CheckInputError naming the option."""
    for name, limit in sorted(WINDOW_LIMITS.items()):
        value = params.get(name)
        if value is None:
            continue
        if value <= 0 or value > limit:
            raise CheckInputError('%s must be between 1 and %d, not %s' % (name, limit, value))
    for name in ('min_sends', 'max_retries'):
        if (params.get(name) or 0) < 0:
            raise CheckInputError('%s must not be negative, not %s' % (name, params[name]))
    if (params.get('max_retries') or 0) > MAX_RETRIES_LIMIT:
        raise CheckInputError('max_retries must be at most %d, not %s' % (MAX_RETRIES_LIMIT, params['max_retries']))
    worker = params.get('worker_send_rate')
    if worker is not None and not (0 <= worker < float('inf')):
        raise CheckInputError('worker_send_rate must be a number of mails per second, 0 or more (0: only the '
                              'measured rate is judged), not %s' % worker)
    extra = params.get('env_file_variables') or {}
    unknown = sorted(set(extra) - set(DEFAULT_ENV_FILE_VARIABLES))
    if unknown:
        raise CheckInputError('env_file_variables accepts only %s, not %s'
                              % (', '.join(sorted(DEFAULT_ENV_FILE_VARIABLES)), ', '.join(unknown)))


def run(params, result, deadline):
    validate(params)
    if not boto3:
        raise MissingLibrary('boto3')

    secrets = []
    try:
        settings = _settings(params, secrets)
    except EnvironmentError as exc:
        result.unknown('env_file.unreadable', 'Cannot read the env_file %s: %s.' % (params.get('env_file'), exc.strerror
                       or exc), subject=params.get('env_file'), reason='permission_denied')
        return
    try:
        session = boto3.session.Session(aws_access_key_id=settings['access_key'],
                                        aws_secret_access_key=settings['secret_key'],
                                        aws_session_token=settings['session_token'],
                                        profile_name=params.get('profile') or None)
    except botocore.exceptions.ProfileNotFound as exc:
        raise CheckInputError('profile: %s' % exc)
    region = settings['region'] or session.region_name
    if not region:
        raise CheckInputError('region is required: set the region option, the region variable of env_file, or '
                              'AWS_REGION on the host')
    endpoint = params.get('endpoint_url') or None
    endpoints = {'ses': endpoint, 'sesv2': endpoint,
                 'cloudwatch': params.get('cloudwatch_endpoint_url') or endpoint}
    api = _Api(session, region, endpoints, deadline, params.get('max_retries', 5), secrets)
    context = _Context(result, settings, region, secrets)
    try:
        quota = _quota(api, context, params)
        statistics = _statistics(api, context, params, quota)
        _account(api, context)
        cloudwatch = _cloudwatch(api, context, params)
        _measured_rate(context, params, quota, cloudwatch)
        _reputation(context, params, statistics, cloudwatch)
    except _Stop:
        pass


class _Context(object):
    """Turns ApiFailures into findings; knows which key is in use, for the messages."""

    def __init__(self, result, settings, region, secrets):
        self.result = result
        self.region = region
        self.secrets = secrets
        key = settings['access_key']
        origin = settings['origin']
        self.credentials = ('key ...%s from %s' % (key[-4:], origin)) if key else 'credentials from %s' % origin

    def failed(self, failure, part):
        """Record ``failure``; raise _Stop when every further call would fail the same way."""
        if failure.kind in _FATAL:
            if failure.kind == UNREACHABLE:
                message = 'The SES endpoint (%s) cannot be reached: %s.' % (self.region, failure.text.rstrip('.'))
            else:
                message = 'AWS refused the %s (%s): %s.' % (self.credentials, failure.action, failure.text.rstrip('.'))
            self.result.add(_FATAL[failure.kind], CRITICAL, scrub(message, self.secrets), subject=failure.action,
                            value=failure.code)
            raise _Stop()
        if failure.kind == UNAVAILABLE:
            # Not offered by this endpoint (region, VPC endpoint, emulator): nothing failed, so the status is
            # left alone; the part is listed as not checked, with the reason.
            self.result.notes.append({'part': part, 'action': failure.action,
                                      'reason': scrub('%s is not offered by the endpoint (%s)'
                                                      % (failure.action, failure.text.rstrip('.')), self.secrets)})
            return
        finding_id, reason = _PART_UNKNOWN[failure.kind]
        if failure.kind == NO_CREDENTIALS:
            self.result.unknown(finding_id, 'No AWS credentials found: %s.' % failure.text, reason=reason)
            raise _Stop()
        message = '%s: %s could not be checked (%s).' % (failure.action, part, failure.text.rstrip('.'))
        self.result.unknown(finding_id, scrub(message, self.secrets), subject=failure.action, reason=reason)


def _settings(params, secrets):
    """Credentials and region: options first, then the backend's .env file, then the AWS chain."""
    names = dict(DEFAULT_ENV_FILE_VARIABLES)
    extra = params.get('env_file_variables') or {}
    unknown = sorted(set(extra) - set(names))
    if unknown:
        raise CheckInputError('env_file_variables accepts only %s, not %s' % (', '.join(sorted(names)),
                                                                              ', '.join(unknown)))
    names.update(extra)
    from_file = {}
    env_file = params.get('env_file')
    if env_file:
        values = read_env_file(env_file)
        from_file = dict((key, values.get(variable)) for key, variable in names.items())
        secrets.extend(v for k, v in from_file.items() if v and k != 'region')
    settings = {}
    for key in ('access_key', 'secret_key', 'session_token', 'region'):
        settings[key] = params.get(key) or from_file.get(key) or None
    if params.get('access_key'):
        settings['origin'] = 'the module options'
    elif from_file.get('access_key'):
        settings['origin'] = env_file
    else:
        settings['origin'] = 'the AWS credential chain'
    return settings


def read_env_file(path, limit=1 << 20):
    """Variables of a dotenv file (KEY=VALUE, optional export, quotes, comments)."""
    with open(path, 'r') as handle:
        text = handle.read(limit)
    values = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith('#') or '=' not in line:
            continue
        if line.startswith('export '):
            line = line[len('export '):].lstrip()
        key, value = line.split('=', 1)
        key, value = key.strip(), value.strip()
        if value[:1] in ('"', "'") and value[:1] in value[1:]:
            value = value[1:value.index(value[0], 1)]
        elif ' #' in value:
            value = value.split(' #', 1)[0].rstrip()
        values[key] = value
    return values


def _quota(api, context, params):
    result = context.result
    try:
        quota = api.call('ses', 'get_send_quota', 'ses:GetSendQuota')
    except ApiFailure as failure:
        context.failed(failure, 'the sending quota')
        return None
    maximum = float(quota.get('Max24HourSend', 0))
    sent = float(quota.get('SentLast24Hours', 0))
    rate = float(quota.get('MaxSendRate', 0))
    result.metric('quota_max_24h', maximum)
    result.metric('quota_sent_24h', sent)
    result.metric('max_send_rate', rate)
    if maximum > 0:  # -1 means no daily limit
        used = round(100.0 * sent / maximum, 1)
        result.metric('quota_used_percent', used)
        result.judge('quota.used', 'quota_used_percent', used,
                     '{sent} of the {maximum} mails allowed in 24 hours were sent: {value}% of the daily quota '
                     '(limit {limit}%).', subject=context.region, sent=format_number(sent), maximum=format_number(maximum))
    worker = params.get('worker_send_rate')
    if worker and rate > 0:
        # The configured rate, an extra input beside the measured one (_measured_rate).
        share = round(100.0 * worker / rate, 1)
        result.metric('worker_send_rate', worker)
        result.metric('worker_send_rate_percent', share)
        result.judge('rate.worker', 'send_rate_percent', share,
                     'The worker is configured to send up to {worker}/s against an SES maximum of {rate}/s: {value}% '
                     'of the maximum send rate (limit {limit}%).', subject=context.region, worker=format_number(worker),
                     rate=format_number(rate))
    return {'max': maximum, 'sent': sent, 'rate': rate}


def _statistics(api, context, params, quota):
    """Send statistics of the windows the forecast and the reputation fallback use."""
    try:
        points = api.call('ses', 'get_send_statistics', 'ses:GetSendStatistics').get('SendDataPoints') or []
    except ApiFailure as failure:
        context.failed(failure, 'the send statistics (forecast, reputation fallback)')
        return None
    now = datetime.datetime.now(datetime.timezone.utc)

    def window(seconds):
        totals = {'DeliveryAttempts': 0, 'Bounces': 0, 'Complaints': 0, 'Rejects': 0}
        for point in points:
            stamp = point.get('Timestamp')
            if stamp is None or (now - stamp).total_seconds() > seconds:
                continue
            for key in totals:
                totals[key] += int(point.get(key) or 0)
        return totals

    recent = window(params.get('forecast_window_minutes', 60) * 60)
    if quota and quota['max'] > 0:
        pace = recent['DeliveryAttempts'] * 60.0 / params.get('forecast_window_minutes', 60)  # mails per hour
        context.result.metric('send_pace_per_hour', round(pace, 1))
        if pace > 0:
            hours = round(max(0.0, quota['max'] - quota['sent']) / pace, 2)
            context.result.metric('quota_exhausted_in_hours', hours)
            context.result.judge('quota.forecast', 'quota_exhausted_in_hours', hours,
                                 'At the pace of the last {minutes} minutes ({pace} mails/hour) the daily quota runs '
                                 'out in {value} hours (limit {limit} hours).', subject=context.region,
                                 minutes=params.get('forecast_window_minutes', 60), pace=format_number(round(pace, 1)))
    return window(params.get('reputation_window_hours', 24) * 3600)


def _account(api, context):
    result = context.result
    try:
        account = api.call('sesv2', 'get_account', 'ses:GetAccount')
    except ApiFailure as failure:
        context.failed(failure, 'production access and enforcement status')
        account = None
    if account is not None:
        enabled = account.get('SendingEnabled')
        production = account.get('ProductionAccessEnabled')
        status = account.get('EnforcementStatus')
        if production is not None:
            result.metric('production_access', 1 if production else 0)
            if not production:
                result.add('account.sandbox', CRITICAL, 'The SES account in %s is in the sandbox (no production '
                           'access).' % context.region, subject=context.region, value=False)
        if status and status.upper() != 'HEALTHY':
            level = CRITICAL if status.upper() == 'SHUTDOWN' else WARNING
            result.add('account.enforcement', level, 'The SES account in %s has enforcement status %s.'
                       % (context.region, status), subject=context.region, value=status)
        if enabled is not None:
            _sending(result, context, enabled)
            return
    try:
        answer = api.call('ses', 'get_account_sending_enabled', 'ses:GetAccountSendingEnabled')
    except ApiFailure as failure:
        context.failed(failure, 'whether sending is enabled')
        return
    _sending(result, context, answer.get('Enabled'))


def _sending(result, context, enabled):
    if enabled is None:
        return
    result.metric('sending_enabled', 1 if enabled else 0)
    if not enabled:
        result.add('account.sending_disabled', CRITICAL, 'Sending is disabled for the SES account in %s.'
                   % context.region, subject=context.region, value=False)


def _cloudwatch(api, context, params):
    """The AWS/SES series the check judges, newest first: ``{id: [(timestamp, value), ...]}``.

    The reputation metrics are running rates that SES publishes itself: the account's state is the
    newest datapoint, so they are read per minute (an average over a longer period would mix the
    new value with older ones). ``Send`` per minute gives the peak send rate; ``Send`` and
    ``Reject`` over the whole window give the reject rate.
    """
    hours = params.get('reputation_window_hours', 24)
    rate_minutes = params.get('send_rate_window_minutes', 60)
    end = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    start = end - datetime.timedelta(minutes=max(hours * 60, rate_minutes))
    queries = [
        _metric_query('bounce', 'Reputation.BounceRate', 'Average', 60),
        _metric_query('complaint', 'Reputation.ComplaintRate', 'Average', 60),
        _metric_query('send_minute', 'Send', 'Sum', 60),
        _metric_query('send', 'Send', 'Sum', hours * 3600),
        _metric_query('reject', 'Reject', 'Sum', hours * 3600),
    ]
    series = {}
    try:
        answer = api.call('cloudwatch', 'get_metric_data', 'cloudwatch:GetMetricData', MetricDataQueries=queries,
                          StartTime=start, EndTime=end + datetime.timedelta(minutes=1), ScanBy='TimestampDescending')
    except ApiFailure as failure:
        context.failed(failure, 'the CloudWatch AWS/SES metrics: measured send rate, reputation (the send '
                       'statistics are used instead)')
        return None
    for result in answer.get('MetricDataResults') or []:
        points = sorted(zip(result.get('Timestamps') or [], result.get('Values') or []),
                        key=lambda point: point[0], reverse=True)
        if points:
            series[result['Id']] = points
    series['_end'] = end
    return series


def _measured_rate(context, params, quota, cloudwatch):
    """Peak send rate (per-minute ``Send`` sums / 60) over the window, against ``MaxSendRate``."""
    if not cloudwatch or 'send_minute' not in cloudwatch:
        return
    minutes = params.get('send_rate_window_minutes', 60)
    since = cloudwatch['_end'] - datetime.timedelta(minutes=minutes)
    recent = [(stamp, value) for stamp, value in cloudwatch['send_minute'] if stamp >= since]
    if not recent:
        return
    stamp, peak = max(recent, key=lambda point: (point[1], point[0]))
    per_second = round(peak / 60.0, 2)
    context.result.metric('send_rate_peak_per_second', per_second)
    rate = (quota or {}).get('rate') or 0
    if rate <= 0:
        return
    share = round(100.0 * per_second / rate, 1)
    context.result.metric('send_rate_percent', share)
    context.result.judge('rate.measured', 'send_rate_percent', share,
                         'The account sent {peak} mails in the minute from {stamp} ({per_second}/s on average) '
                         'against an SES maximum of {rate}/s: {value}% of the maximum send rate (limit {limit}%; '
                         'peak minute of the last {minutes} minutes, CloudWatch AWS/SES Send).',
                         subject=context.region, peak=format_number(peak), per_second=format_number(per_second),
                         rate=format_number(rate), minutes=minutes, stamp=_when(stamp))


def _when(stamp):
    return stamp.astimezone(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')


def _reputation(context, params, statistics, cloudwatch):
    hours = params.get('reputation_window_hours', 24)
    cloudwatch = cloudwatch or {}
    min_sends = params.get('min_sends', 20)
    stats = statistics or {}
    attempts = stats.get('DeliveryAttempts', 0)
    window = '%dh' % hours

    def from_stats(key, denominator):
        if statistics is None or denominator < max(1, min_sends):
            return None, None
        return round(100.0 * stats[key] / denominator, 2), 'send statistics, %s, %d sends' % (window, denominator)

    # Bounce and complaint: the newest datapoint of the reputation metric (a running rate, a fraction)
    # where CloudWatch has one.
    for name, key, metric in (('bounce', 'Bounces', 'Reputation.BounceRate'),
                              ('complaint', 'Complaints', 'Reputation.ComplaintRate')):
        if name in cloudwatch:
            stamp, newest = cloudwatch[name][0]
            value = round(100.0 * newest, 2)
            source = 'CloudWatch AWS/SES %s, newest datapoint %s' % (metric, _when(stamp))
        else:
            value, source = from_stats(key, attempts)
        _judge_rate(context, name, value, source)
    # Reject: the share of send requests SES refused.
    sends = sum(value for _stamp, value in cloudwatch.get('send', []))
    if sends >= max(1, min_sends):
        value = round(100.0 * sum(v for _stamp, v in cloudwatch.get('reject', [])) / sends, 2)
        source = 'CloudWatch AWS/SES Send/Reject, %s, %s sends' % (window, format_number(sends))
    else:
        value, source = from_stats('Rejects', attempts + stats.get('Rejects', 0))
    _judge_rate(context, 'reject', value, source)


def _metric_query(query_id, metric, stat, period):
    return {'Id': query_id, 'ReturnData': True,
            'MetricStat': {'Metric': {'Namespace': 'AWS/SES', 'MetricName': metric}, 'Period': period, 'Stat': stat}}


def _judge_rate(context, name, value, source):
    if value is None:
        return
    source_key = 'cloudwatch' if source.startswith('CloudWatch') else 'send_statistics'
    context.result.metric('%s_rate_percent' % name, value, subject=source_key)
    context.result.judge('reputation.%s' % name, '%s_rate_percent' % name, value,
                         '%s rate is {value}%% (limit {limit}%%; source: {source}).' % name.capitalize(),
                         subject=source_key, source=source)


# The one declaration of this check (the registry, the audit module and the docs derive from it).
SPEC = declare(globals(), scope=SITE, module='ses_check')
