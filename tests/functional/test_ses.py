# -*- coding: utf-8 -*-
"""ses_check against moto's server over real HTTP on 127.0.0.1 (never AWS: every call has an
endpoint_url and fake or moto-issued credentials), plus endpoints that refuse, never answer or
always throttle. Quota use is produced by really sending through moto; reputation and the send
rate by CloudWatch data points in AWS/SES; auth failures by moto's IAM enforcement. moto does
not offer the account APIs: a real HTTP front answers them (see ses_support), as an endpoint
without them, with AWS's errors, or with a stand-in account state."""

from __future__ import annotations

import pytest

from ses_support import FAKE_KEY, FAKE_SECRET, ErrorEndpoint, MotoSes, SilentEndpoint, free_port

from ansible_collections.tank.monitoring.plugins.module_utils import _ses

MODULE = 'tank.monitoring.ses_check'
REGION = 'eu-west-1'
# Keep botocore away from anything but the arguments: no instance metadata, no shared files, no proxy.
AWS_ENV = {'AWS_EC2_METADATA_DISABLED': 'true', 'AWS_CONFIG_FILE': '/dev/null',
           'AWS_SHARED_CREDENTIALS_FILE': '/dev/null', 'NO_PROXY': '127.0.0.1,localhost', 'no_proxy': '127.0.0.1'}


@pytest.fixture(scope='module')
def moto_server():
    server = MotoSes()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def moto(moto_server):
    moto_server.reset()
    try:
        yield moto_server
    finally:
        moto_server.reset()


@pytest.fixture
def check(run_module, moto):
    def _check(verbosity=0, **args):
        options = {'endpoint_url': moto.url, 'region': REGION, 'access_key': FAKE_KEY, 'secret_key': FAKE_SECRET}
        options.update(args)
        options = dict((k, v) for k, v in options.items() if v is not None)
        result, run = run_module(MODULE, options, env=AWS_ENV, verbosity=verbosity)
        assert 'Traceback' not in run.stdout, run.stdout[-3000:]
        return result, run
    return _check


def ids(result):
    return sorted(f['id'] for f in result['findings'])


def only(result, finding_id):
    found = [f for f in result['findings'] if f['id'] == finding_id]
    assert len(found) == 1, 'expected one %s in %r' % (finding_id, result['findings'])
    return found[0]


def not_checked(result):
    return sorted(note['action'] for note in result.get('not_checked', []))


def assert_remedy(finding):
    spec = _ses.CATALOGUE[finding['id'][len('ses.'):]]
    assert finding['remedy'] == spec.remedy
    assert finding['guide_section'] == spec.section


def test_healthy_account_gives_no_finding(check, moto):
    moto.send(5)
    result, _run = check()
    assert result['status'] == 'ok', result['findings']
    assert result['findings'] == []
    assert result['changed'] is False
    assert result['metrics']['quota_sent_24h'] == 5
    assert result['metrics']['quota_max_24h'] == 200
    assert result['metrics']['sending_enabled'] == 1 and result['metrics']['production_access'] == 1
    assert 'not_checked' not in result  # every part was checked


@pytest.mark.parametrize('sends, status, percent', [(170, 'warning', 85.0), (194, 'critical', 97.0)])
@pytest.mark.finding('ses.quota.used')
def test_quota_used(check, moto, sends, status, percent):
    moto.send(sends)
    result, _run = check()
    finding = only(result, 'ses.quota.used')
    assert finding['status'] == status and finding['value'] == percent
    assert finding['threshold']['warning'] == 80 and finding['threshold']['critical'] == 95
    assert_remedy(finding)
    # At the pace just measured (all sends in the last hour) the rest of the quota lasts minutes.
    assert only(result, 'ses.quota.forecast')['status'] == 'critical'


@pytest.mark.finding('ses.quota.forecast')
def test_quota_forecast_warns_before_the_quota_is_used(check, moto):
    moto.send(90)  # 45% used; 110 left at 90 mails/hour -> about 1.2 hours
    result, _run = check()
    assert ids(result) == ['ses.quota.forecast']
    finding = only(result, 'ses.quota.forecast')
    assert finding['status'] == 'warning' and 1 < finding['value'] < 4
    assert result['metrics']['send_pace_per_hour'] == 90
    assert_remedy(finding)


@pytest.mark.finding('ses.rate.worker')
def test_worker_rate_above_max_send_rate(check, moto):
    result, _run = check(worker_send_rate=14)  # moto's maximum send rate is 1/s
    finding = only(result, 'ses.rate.worker')
    assert finding['status'] == 'critical' and finding['value'] == 1400.0
    assert_remedy(finding)
    assert result['metrics']['worker_send_rate_percent'] == 1400.0
    within, _run = check(worker_send_rate=0.5)
    assert within['findings'] == []
    measured_only, _run = check(worker_send_rate=0)  # 0: only the measured rate is judged
    assert measured_only['findings'] == [] and 'worker_send_rate' not in measured_only['metrics']


@pytest.mark.parametrize('minute_sums, status, percent', [
    ((30, 57), 'warning', 95.0),   # peak minute 57 mails = 0.95/s against moto's 1/s
    ((30, 66), 'critical', 110.0),  # 1.1/s
])
@pytest.mark.finding('ses.rate.measured')
def test_send_rate_measured_from_cloudwatch(check, moto, minute_sums, status, percent):
    moto.put_ses_metric('Send', minute_sums[0], minutes_ago=10)
    moto.put_ses_metric('Send', minute_sums[1], minutes_ago=3)
    result, _run = check()
    finding = only(result, 'ses.rate.measured')
    assert finding['status'] == status and finding['value'] == percent
    assert finding['threshold']['warning'] == 90 and finding['threshold']['critical'] == 100
    assert result['metrics']['send_rate_peak_per_second'] == round(minute_sums[1] / 60.0, 2)
    assert 'CloudWatch' in finding['message']
    assert_remedy(finding)


def test_send_rate_peak_outside_the_window_is_not_judged(check, moto):
    moto.put_ses_metric('Send', 90, minutes_ago=50)  # 1.5/s, but 50 minutes ago
    moto.put_ses_metric('Send', 20, minutes_ago=2)
    result, _run = check(send_rate_window_minutes=30)
    assert result['findings'] == [], result['findings']
    assert result['metrics']['send_rate_peak_per_second'] == 0.33


@pytest.mark.parametrize('metric, value, finding_id, status', [
    ('Reputation.BounceRate', 0.06, 'ses.reputation.bounce', 'warning'),
    ('Reputation.BounceRate', 0.12, 'ses.reputation.bounce', 'critical'),
    ('Reputation.ComplaintRate', 0.002, 'ses.reputation.complaint', 'warning'),
    ('Reputation.ComplaintRate', 0.015, 'ses.reputation.complaint', 'critical'),
])
@pytest.mark.finding('ses.reputation.bounce', 'ses.reputation.complaint')
def test_reputation_from_cloudwatch(check, moto, metric, value, finding_id, status):
    moto.put_ses_metric(metric, value)
    result, _run = check()
    assert ids(result) == [finding_id]
    finding = only(result, finding_id)
    assert finding['status'] == status
    assert finding['value'] == round(value * 100, 2)
    assert finding['subject'] == 'cloudwatch' and 'CloudWatch' in finding['message']
    assert_remedy(finding)


@pytest.mark.parametrize('metric, older, newer, finding_id, status, percent', [
    # The bounce rate jumped from 1.2% to 6%: judged on the newest datapoint (warning: 5% to 10%).
    ('Reputation.BounceRate', 0.012, 0.06, 'ses.reputation.bounce', 'warning', 6.0),
    # The complaint rate rose to 1.2%: critical (1% or more), reported as 1.2, not an average.
    ('Reputation.ComplaintRate', 0.002, 0.012, 'ses.reputation.complaint', 'critical', 1.2),
])
def test_reputation_judged_on_the_newest_datapoint(check, moto, metric, older, newer, finding_id, status, percent):
    moto.put_ses_metric(metric, older, minutes_ago=4)
    moto.put_ses_metric(metric, newer, minutes_ago=1)
    result, _run = check()
    assert ids(result) == [finding_id]
    finding = only(result, finding_id)
    assert finding['status'] == status and finding['value'] == percent
    assert 'newest datapoint' in finding['message']
    assert_remedy(finding)


def test_reputation_recovered_gives_no_finding(check, moto):
    moto.put_ses_metric('Reputation.BounceRate', 0.12, minutes_ago=5)  # was danger
    moto.put_ses_metric('Reputation.BounceRate', 0.02, minutes_ago=1)  # is normal now
    result, _run = check()
    assert result['findings'] == [], result['findings']
    assert result['metrics']['bounce_rate_percent'] == {'cloudwatch': 2.0}


@pytest.mark.finding('ses.reputation.reject')
def test_reject_rate_from_send_statistics(check, moto):
    moto.send(18, rejected=2)  # moto rejects sends from an unverified address and counts them
    result, _run = check()
    finding = only(result, 'ses.reputation.reject')
    assert finding['status'] == 'critical' and finding['value'] == 10.0
    assert finding['subject'] == 'send_statistics' and 'send statistics' in finding['message']
    assert result['metrics']['reject_rate_percent'] == {'send_statistics': 10.0}
    assert_remedy(finding)


def test_reject_rate_from_cloudwatch(check, moto):
    moto.put_ses_metric('Send', 100)
    moto.put_ses_metric('Reject', 3)
    result, _run = check()
    finding = only(result, 'ses.reputation.reject')
    assert finding['status'] == 'warning' and finding['value'] == 3.0
    assert finding['subject'] == 'cloudwatch'


def test_rates_below_min_sends_are_not_judged(check, moto):
    moto.send(3, rejected=1)  # 25% of 4 sends: noise, not a verdict
    result, _run = check()
    assert result['findings'] == []


@pytest.mark.parametrize('account, finding_id, status', [
    ({'ProductionAccessEnabled': False}, 'ses.account.sandbox', 'critical'),
    ({'EnforcementStatus': 'PROBATION'}, 'ses.account.enforcement', 'warning'),
    ({'EnforcementStatus': 'SHUTDOWN'}, 'ses.account.enforcement', 'critical'),
    ({'SendingEnabled': False}, 'ses.account.sending_disabled', 'critical'),
])
@pytest.mark.finding('ses.account.sandbox', 'ses.account.enforcement', 'ses.account.sending_disabled')
def test_account_state(check, moto, account, finding_id, status):
    moto.account.update(account)
    result, _run = check()
    assert ids(result) == [finding_id]
    finding = only(result, finding_id)
    assert finding['status'] == status
    assert_remedy(finding)


def test_healthy_site_without_account_apis_is_ok(check, moto):
    moto.without_account_apis()  # sesv2 UnknownOperationException, ses InvalidAction, as AWS answers
    moto.send(5)
    result, _run = check()
    assert result['status'] == 'ok' and result['findings'] == [], result['findings']
    assert not_checked(result) == ['ses:GetAccount', 'ses:GetAccountSendingEnabled']
    reasons = dict((note['action'], note['reason']) for note in result['not_checked'])
    assert 'UnknownOperationException' in reasons['ses:GetAccount']
    assert 'InvalidAction' in reasons['ses:GetAccountSendingEnabled']
    assert all('not offered' in reason for reason in reasons.values())
    assert all(note['part'] for note in result['not_checked'])
    assert moto.front.requests == {'GetAccount': 1, 'GetAccountSendingEnabled': 1}  # asked once, not retried
    assert result['metrics']['quota_sent_24h'] == 5  # the other parts ran


def test_without_get_account_sending_state_comes_from_the_v1_api(check, moto):
    moto.front.answers['GetAccount'] = 'absent'
    moto.account['SendingEnabled'] = False
    result, _run = check()
    assert ids(result) == ['ses.account.sending_disabled']
    assert not_checked(result) == ['ses:GetAccount']


@pytest.mark.parametrize('mode, finding_id, reason', [
    ('denied', 'ses.permission.denied', 'permission_denied'),
    ('error', 'ses.api.error', 'error'),
])
@pytest.mark.finding('ses.permission.denied', 'ses.api.error')
def test_failing_account_apis_stay_unknown(check, moto, mode, finding_id, reason):
    moto.front.answers = {'GetAccount': mode, 'GetAccountSendingEnabled': mode}
    result, _run = check()
    assert result['status'] == 'unknown'
    failed = [f for f in result['findings'] if f['id'] == finding_id]
    assert sorted(f['subject'] for f in failed) == ['ses:GetAccount', 'ses:GetAccountSendingEnabled']
    for finding in failed:
        assert finding['status'] == 'unknown' and finding['reason'] == reason
        assert_remedy(finding)
    assert 'not_checked' not in result  # a failure is not an API the endpoint lacks


def test_moto_as_shipped(check, moto):
    # moto itself, no front: GetAccount has no route (a 404 page: not offered), GetAccountSendingEnabled
    # crashes (a generic 500 page, indistinguishable from a failing server: unknown).
    moto.send(170)
    result, _run = check(endpoint_url=moto.moto_url)
    assert not_checked(result) == ['ses:GetAccount']
    finding = only(result, 'ses.api.error')
    assert finding['subject'] == 'ses:GetAccountSendingEnabled' and finding['status'] == 'unknown'
    assert '500' in finding['message']
    assert only(result, 'ses.quota.used')['status'] == 'warning'  # the quota part still ran


@pytest.mark.finding('ses.credentials.invalid')
def test_unknown_key(check, moto):
    moto.enforce_auth()
    result, run = check(verbosity=3)
    assert result['status'] == 'critical'
    assert ids(result) == ['ses.credentials.invalid']
    finding = only(result, 'ses.credentials.invalid')
    assert finding['value'] == 'InvalidClientTokenId'
    assert_remedy(finding)
    assert FAKE_SECRET not in run.stdout + run.stderr
    assert FAKE_KEY not in run.stdout + run.stderr


def test_wrong_secret(check, moto):
    key, _secret = moto.iam_user('tank-audit', _ses.REQUIRED_ACTIONS)
    moto.enforce_auth()
    result, run = check(access_key=key, secret_key='not-the-secret-of-this-key')
    finding = only(result, 'ses.credentials.invalid')
    assert finding['status'] == 'critical' and finding['value'] == 'SignatureDoesNotMatch'
    assert 'not-the-secret-of-this-key' not in run.stdout + run.stderr


def test_full_policy_passes(check, moto):
    key, secret = moto.iam_user('tank-audit', _ses.REQUIRED_ACTIONS)
    moto.enforce_auth()
    result, _run = check(access_key=key, secret_key=secret)
    assert result['findings'] == [], result['findings']


def test_missing_permission_names_the_actions(check, moto):
    key, secret = moto.iam_user('tank-audit', ['ses:GetSendQuota', 'ses:GetSendStatistics'])
    moto.enforce_auth()
    # moto's IAM denies cloudwatch:GetMetricData; the front stands in for AWS on the account APIs, which
    # deny a user without ses:GetAccount / ses:GetAccountSendingEnabled the same way.
    moto.front.answers = {'GetAccount': 'denied', 'GetAccountSendingEnabled': 'denied'}
    result, _run = check(access_key=key, secret_key=secret)
    denied = [f for f in result['findings'] if f['id'] == 'ses.permission.denied']
    assert sorted(f['subject'] for f in denied) == ['cloudwatch:GetMetricData', 'ses:GetAccount',
                                                    'ses:GetAccountSendingEnabled']
    for finding in denied:
        assert finding['status'] == 'unknown' and finding['reason'] == 'permission_denied'
        assert_remedy(finding)
        for action in _ses.REQUIRED_ACTIONS:
            assert action in finding['remedy']
    assert result['metrics']['quota_max_24h'] == 200  # the permitted parts ran


def test_keys_from_the_backend_env_file(check, moto, tmp_path):
    key, secret = moto.iam_user('tank-backend', _ses.REQUIRED_ACTIONS)
    moto.enforce_auth()
    env_file = tmp_path / '.env'
    env_file.write_text('# Tank backend\nDB_USER=tank\nexport SES_KEY="%s"\nSES_SECRET=%s\nSES_REGION=%s\n'
                        % (key, secret, REGION))
    variables = {'access_key': 'SES_KEY', 'secret_key': 'SES_SECRET', 'region': 'SES_REGION'}
    result, _run = check(access_key=None, secret_key=None, region=None, env_file=str(env_file),
                         env_file_variables=variables)
    assert result['findings'] == [], result['findings']

    # A revoked key in the .env is what the backend sends with: critical, and no secret in the output.
    env_file.write_text('SES_KEY=%s\nSES_SECRET=revoked-%s\nSES_REGION=%s\n' % (key, secret, REGION))
    result, run = check(access_key=None, secret_key=None, region=None, env_file=str(env_file),
                        env_file_variables=variables, verbosity=3)
    finding = only(result, 'ses.credentials.invalid')
    assert str(env_file) in finding['message'] and key[-4:] in finding['message']
    assert secret not in run.stdout + run.stderr
    assert key not in str(result)


@pytest.mark.finding('ses.env_file.unreadable')
def test_unreadable_env_file(check, moto, tmp_path):
    result, _run = check(access_key=None, secret_key=None, env_file=str(tmp_path / 'missing.env'))
    finding = only(result, 'ses.env_file.unreadable')
    assert finding['status'] == 'unknown'


@pytest.mark.finding('ses.endpoint.unreachable')
def test_endpoint_refusing_connections(check):
    result, _run = check(endpoint_url='http://127.0.0.1:%d' % free_port())
    assert ids(result) == ['ses.endpoint.unreachable']
    finding = only(result, 'ses.endpoint.unreachable')
    assert finding['status'] == 'critical'
    assert_remedy(finding)


def test_endpoint_never_answering_is_bounded(check):
    silent = SilentEndpoint()
    try:
        timeout = 3.0
        result, _run = check(endpoint_url=silent.url, timeout=timeout)
    finally:
        silent.close()
    assert ids(result) == ['ses.endpoint.unreachable']
    assert 'timeout' in only(result, 'ses.endpoint.unreachable')['message'].lower()
    assert result['duration_seconds'] <= timeout + 1


@pytest.mark.finding('ses.api.throttled')
def test_throttling_is_retried_then_reported(check):
    throttling = ErrorEndpoint('Throttling', 'Maximum sending rate exceeded.')
    try:
        timeout = 6.0
        result, _run = check(endpoint_url=throttling.url, timeout=timeout)
    finally:
        throttling.close()
    finding = [f for f in result['findings'] if f['subject'] == 'ses:GetSendQuota'][0]
    assert finding['id'] == 'ses.api.throttled' and finding['status'] == 'unknown'
    assert 'still throttled after' in finding['message']
    assert throttling.requests > 2  # retried, with backoff, within the time limit
    assert result['duration_seconds'] <= timeout + 1
    assert_remedy(finding)


@pytest.mark.parametrize('code, message', [
    ('ExpiredToken', 'The security token included in the request is expired'),
    ('RequestExpired', 'Request has expired.'),
    ('SignatureDoesNotMatch', 'Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z'),
])
@pytest.mark.finding('ses.credentials.expired')
def test_expired_credentials_or_clock_skew(check, code, message):
    # moto does not expire tokens or check clocks: a local endpoint answers with AWS's own error.
    endpoint = ErrorEndpoint(code, message, status=403)
    try:
        result, _run = check(endpoint_url=endpoint.url)
    finally:
        endpoint.close()
    assert ids(result) == ['ses.credentials.expired']
    finding = only(result, 'ses.credentials.expired')
    assert finding['status'] == 'critical' and finding['value'] == code
    assert_remedy(finding)
    assert endpoint.requests == 1  # not retried, and the check stopped: every call would fail alike


def test_invalid_options_are_clear_errors(check, moto):
    result, _run = check(env_file_variables={'password': 'X'})
    assert result.get('failed') is True and 'env_file_variables accepts only' in result['msg']
    result, _run = check(thresholds={'quota_used_percent': {'warning': 99, 'critical': 90}})
    assert result.get('failed') is True and 'quota_used_percent' in result['msg']
