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
``unknown``, naming the IAM action.
"""

from __future__ import annotations

import datetime
import random
import re
import time

from ansible_collections.tank.monitoring.plugins.module_utils._contract import CRITICAL, WARNING, FindingSpec, format_number
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, MissingLibrary, scrub
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import url_password

try:
    import boto3
    import botocore.exceptions
    from botocore.config import Config
    from botocore.parsers import ResponseParserError
except ImportError:  # pragma: no cover - reported as unknown by the check
    boto3 = None

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
    'api.unavailable': FindingSpec(
        '§8',
        'This SES API is not offered by the endpoint (region, VPC endpoint or emulator), so this part could not '
        'be checked: read it in the SES console instead.'),
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
UNAVAILABLE_CODES = frozenset(('404', 'UnknownOperationException', 'InvalidAction', 'NotImplemented',
                               'UnsupportedOperation'))

# Kinds of failure (classify) and how the check reports them.
INVALID, EXPIRED, DENIED, THROTTLED, UNAVAILABLE, UNREACHABLE, NO_CREDENTIALS, ERROR = (
    'invalid', 'expired', 'denied', 'throttled', 'unavailable', 'unreachable', 'no_credentials', 'error')
_FATAL = {INVALID: 'credentials.invalid', EXPIRED: 'credentials.expired', UNREACHABLE: 'endpoint.unreachable'}
_PART_UNKNOWN = {DENIED: ('permission.denied', 'permission_denied'), THROTTLED: ('api.throttled', 'error'),
                 UNAVAILABLE: ('api.unavailable', 'error'), ERROR: ('api.error', 'error'),
                 NO_CREDENTIALS: ('credentials.missing', 'error')}

_REPORT_MARGIN = 0.5  # seconds kept back from the deadline to report
_BACKOFF_BASE = 0.5
_BACKOFF_MAX = 4.0


_INNER_CODE = re.compile(r'<Code>([^<]+)</Code>|"(?:__type|code|Code)"\s*:\s*"(?:[^"#]*#)?([^"]+)"')
_INNER_MESSAGE = re.compile(r'<Message>([^<]*)</Message>|"(?:message|Message)"\s*:\s*"([^"]*)"')


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
        if code in UNAVAILABLE_CODES or status == 404:
            return UNAVAILABLE, code, text
        return ERROR, code, text
    if isinstance(exc, ResponseParserError):
        # An endpoint that does not implement the API answers with a page the protocol cannot parse.
        return UNAVAILABLE, 'ResponseParserError', 'the endpoint gave an answer this API does not define'
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
        remaining = max(0.1, self.deadline.remaining() - _REPORT_MARGIN)
        config = Config(connect_timeout=remaining, read_timeout=remaining,
                        retries={'total_max_attempts': 1, 'mode': 'standard'},
                        user_agent_extra='tank.monitoring-ses_check')
        return self.session.client(service, region_name=self.region, endpoint_url=self.endpoints.get(service),
                                   config=config)

    def call(self, service, operation, action, **kwargs):
        attempt = 0
        while True:
            if self.deadline.remaining(floor=0) <= _REPORT_MARGIN:
                raise ApiFailure(THROTTLED if attempt else UNREACHABLE, 'Deadline',
                                 'no time left for %s' % action, action)
            try:
                return getattr(self._client(service), operation)(**kwargs)
            except Exception as exc:  # pylint: disable=broad-except
                kind, code, text = classify(exc)
                text = scrub(text, self.secrets)
                if kind == THROTTLED and attempt < self.max_retries:
                    delay = random.uniform(0, min(_BACKOFF_MAX, _BACKOFF_BASE * (2 ** attempt)))
                    if delay + _REPORT_MARGIN < self.deadline.remaining(floor=0) - 1.0:
                        attempt += 1
                        time.sleep(delay)
                        continue
                if kind == THROTTLED:
                    text = '%s (%s)' % (text.rstrip('.'), ('still throttled after %d retries' % attempt) if attempt
                                        else 'no retry left')
                    # Hammering a throttled account helps nobody: the remaining calls try once.
                    self.max_retries = 0
                raise ApiFailure(kind, code, text, action)


def run(params, result, deadline):
    if boto3 is None:
        raise MissingLibrary('boto3')
    for name in ('forecast_window_minutes', 'reputation_window_hours'):
        if (params.get(name) or 0) <= 0:
            raise CheckInputError('%s must be a positive number' % name)
    if (params.get('min_sends') or 0) < 0 or (params.get('max_retries') or 0) < 0:
        raise CheckInputError('min_sends and max_retries must not be negative')
    if params.get('worker_send_rate') is not None and params['worker_send_rate'] <= 0:
        raise CheckInputError('worker_send_rate must be a positive number of mails per second')

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
        _reputation(api, context, params, statistics)
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
        share = round(100.0 * worker / rate, 1)
        result.metric('worker_send_rate', worker)
        result.metric('send_rate_percent', share)
        result.judge('rate.worker', 'send_rate_percent', share,
                     'The worker sends up to {worker}/s against an SES maximum of {rate}/s: {value}% of the '
                     'maximum send rate (limit {limit}%).', subject=context.region, worker=format_number(worker), rate=format_number(rate))
    return {'max': maximum, 'sent': sent}


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


def _reputation(api, context, params, statistics):
    hours = params.get('reputation_window_hours', 24)
    end = datetime.datetime.now(datetime.timezone.utc)
    start = end - datetime.timedelta(hours=hours)
    queries = [
        _metric_query('bounce', 'Reputation.BounceRate', 'Average', 300),
        _metric_query('complaint', 'Reputation.ComplaintRate', 'Average', 300),
        _metric_query('send', 'Send', 'Sum', hours * 3600),
        _metric_query('reject', 'Reject', 'Sum', hours * 3600),
    ]
    cloudwatch = {}
    try:
        answer = api.call('cloudwatch', 'get_metric_data', 'cloudwatch:GetMetricData', MetricDataQueries=queries,
                          StartTime=start, EndTime=end + datetime.timedelta(minutes=5), ScanBy='TimestampDescending')
        for series in answer.get('MetricDataResults') or []:
            values = series.get('Values') or []
            if values:
                cloudwatch[series['Id']] = values
    except ApiFailure as failure:
        context.failed(failure, 'the CloudWatch reputation metrics (the send statistics are used instead)')

    min_sends = params.get('min_sends', 20)
    stats = statistics or {}
    attempts = stats.get('DeliveryAttempts', 0)
    window = '%dh' % hours

    def from_stats(key, denominator):
        if statistics is None or denominator < max(1, min_sends):
            return None, None
        return round(100.0 * stats[key] / denominator, 2), 'send statistics, %s, %d sends' % (window, denominator)

    # Bounce and complaint: the reputation metrics (latest value, a fraction) where CloudWatch has them.
    for name, key in (('bounce', 'Bounces'), ('complaint', 'Complaints')):
        if name in cloudwatch:
            value, source = round(100.0 * cloudwatch[name][0], 2), 'CloudWatch AWS/SES Reputation'
        else:
            value, source = from_stats(key, attempts)
        _judge_rate(context, name, value, source)
    # Reject: the share of send requests SES refused.
    sends = sum(cloudwatch.get('send', []))
    if sends >= max(1, min_sends):
        value = round(100.0 * sum(cloudwatch.get('reject', [])) / sends, 2)
        source = 'CloudWatch AWS/SES Send/Reject, %s, %d sends' % (window, sends)
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
