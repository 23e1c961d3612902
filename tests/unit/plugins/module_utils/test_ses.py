# -*- coding: utf-8 -*-
from __future__ import annotations

import json

import botocore.exceptions
import pytest
from botocore.parsers import ResponseParserError

from ansible.module_utils.testing import patch_module_args

from ansible_collections.tank.monitoring.plugins.module_utils import _ses
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, Deadline


def client_error(code, message='', status=400):
    return botocore.exceptions.ClientError(
        {'Error': {'Code': code, 'Message': message}, 'ResponseMetadata': {'HTTPStatusCode': status}}, 'GetSendQuota')


@pytest.mark.parametrize('exc, kind', [
    (client_error('InvalidClientTokenId', status=403), _ses.INVALID),
    (client_error('SignatureDoesNotMatch', 'The request signature we calculated does not match', 403), _ses.INVALID),
    (client_error('UnrecognizedClientException', status=400), _ses.INVALID),
    (client_error('ExpiredToken', status=403), _ses.EXPIRED),
    (client_error('ExpiredTokenException'), _ses.EXPIRED),
    (client_error('RequestExpired'), _ses.EXPIRED),
    (client_error('SignatureDoesNotMatch', 'Signature expired: 20260101T000000Z is now earlier than ...', 403),
     _ses.EXPIRED),
    (client_error('AccessDenied', status=403), _ses.DENIED),
    (client_error('AccessDeniedException', status=400), _ses.DENIED),
    (client_error('Throttling', 'Rate exceeded'), _ses.THROTTLED),
    (client_error('TooManyRequestsException', status=429), _ses.THROTTLED),
    (client_error('404', 'Not Found', 404), _ses.UNAVAILABLE),
    (client_error('InternalFailure', status=500), _ses.ERROR),
    # CloudWatch's CBOR protocol leaves the XML error body unparsed: the code is found inside it.
    (client_error('403', '<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>bad</Message></Error>'
                  '</ErrorResponse>', 403), _ses.INVALID),
    (client_error('403', '<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>', 403), _ses.DENIED),
    (client_error('403', '', 403), _ses.DENIED),
    (client_error('UnknownOperationException', status=404), _ses.UNAVAILABLE),
    (client_error('InvalidAction', 'Could not find operation GetAccountSendingEnabled', 400), _ses.UNAVAILABLE),
    (client_error('501', 'Not Implemented', 501), _ses.UNAVAILABLE),
    (client_error('ServiceUnavailable', status=503), _ses.ERROR),
    (client_error('502', '<html><title>502 Bad Gateway</title></html>', 502), _ses.ERROR),
    # A page the protocol cannot parse: only a 404/501 page means "not offered"; a 5xx page is a failure.
    (ResponseParserError('invalid XML received:\nb\'<!doctype html>\n<title>404 Not Found</title>\''),
     _ses.UNAVAILABLE),
    (ResponseParserError('invalid XML received:\nb\'<!doctype html>\n<title>500 Internal Server Error</title>\''),
     _ses.ERROR),
    (ResponseParserError('invalid XML received'), _ses.ERROR),
    (botocore.exceptions.EndpointConnectionError(endpoint_url='http://127.0.0.1:1'), _ses.UNREACHABLE),
    (botocore.exceptions.ReadTimeoutError(endpoint_url='http://127.0.0.1:1'), _ses.UNREACHABLE),
    (botocore.exceptions.NoCredentialsError(), _ses.NO_CREDENTIALS),
])
def test_classify(exc, kind):
    assert _ses.classify(exc)[0] == kind


def test_classify_unwraps_the_inner_message():
    kind, code, text = _ses.classify(client_error(
        '403', '<ErrorResponse><Error><Code>AccessDenied</Code><Message>not authorized</Message></Error>'
        '</ErrorResponse>', 403))
    assert (kind, code, text) == (_ses.DENIED, 'AccessDenied', 'AccessDenied: not authorized')


def test_env_file_parsing(tmp_path):
    path = tmp_path / '.env'
    path.write_text('# comment\nexport A=1\nB="two words"\nC=\'x#y\'\nD=plain # trailing comment\nbroken line\n'
                    'E=a=b\n')
    assert _ses.read_env_file(str(path)) == {'A': '1', 'B': 'two words', 'C': 'x#y', 'D': 'plain', 'E': 'a=b'}


def test_settings_precedence_and_secrets(tmp_path):
    path = tmp_path / '.env'
    path.write_text('SES_KEY=AKIAFROMFILE\nSES_SECRET=file-secret\nAWS_REGION=ap-northeast-2\n')
    secrets = []
    settings = _ses._settings({'env_file': str(path), 'env_file_variables': {'access_key': 'SES_KEY',
                                                                             'secret_key': 'SES_SECRET'}}, secrets)
    assert settings['access_key'] == 'AKIAFROMFILE' and settings['region'] == 'ap-northeast-2'
    assert settings['origin'] == str(path)
    assert 'file-secret' in secrets and 'AKIAFROMFILE' in secrets
    explicit = _ses._settings({'env_file': str(path), 'access_key': 'AKIAOPTION', 'secret_key': 's'}, [])
    assert explicit['access_key'] == 'AKIAOPTION' and explicit['origin'] == 'the module options'


def test_settings_rejects_unknown_variable_names():
    with pytest.raises(CheckInputError, match='env_file_variables accepts only'):
        _ses._settings({'env_file_variables': {'password': 'X'}}, [])


@pytest.mark.parametrize('params, message', [
    ({'forecast_window_minutes': 0}, 'forecast_window_minutes'),
    ({'worker_send_rate': -1.0}, 'worker_send_rate'),
    ({'worker_send_rate': float('inf')}, 'worker_send_rate'),
    ({'min_sends': -1}, 'min_sends must not be negative'),
    ({'max_retries': 1000}, 'max_retries must be at most'),
    ({'send_rate_window_minutes': 0}, 'send_rate_window_minutes'),
    ({'reputation_window_hours': 10000}, 'reputation_window_hours must be between 1 and 336'),
    ({'env_file_variables': {'password': 'X'}}, 'env_file_variables accepts only'),
])
def test_invalid_options(params, message):
    base = {'forecast_window_minutes': 60, 'reputation_window_hours': 24, 'min_sends': 20, 'max_retries': 5}
    base.update(params)
    with pytest.raises(CheckInputError, match=message):
        _ses.run(base, None, None)


def test_validate_accepts_the_defaults_and_zero_worker_rate():
    _ses.validate({'forecast_window_minutes': 60, 'send_rate_window_minutes': 60, 'reputation_window_hours': 24,
                   'min_sends': 20, 'max_retries': 5, 'worker_send_rate': 0.0, 'env_file_variables': {}})


class _Deadline(Deadline):
    """A deadline whose clock the test moves (``left``)."""

    def __init__(self, seconds):
        super(_Deadline, self).__init__(seconds)
        self.left = seconds

    def remaining(self, floor=0.05):
        return max(floor, self.left)


class _ThrottledSession(object):
    def __init__(self):
        self.calls = 0

    def client(self, service, **kwargs):
        session = self

        class Client(object):
            def get_send_quota(self):
                session.calls += 1
                raise client_error('Throttling', 'Rate exceeded')
        return Client()


def test_throttled_calls_retry_with_full_jitter_within_the_deadline(monkeypatch):
    deadline = _Deadline(60.0)
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        deadline.left -= seconds
    monkeypatch.setattr(_ses.time, 'sleep', sleep)
    caps = []

    def uniform(low, high):
        caps.append((low, high))
        return high / 2.0
    monkeypatch.setattr(_ses.random, 'uniform', uniform)
    session = _ThrottledSession()
    api = _ses._Api(session, 'eu-west-1', {}, deadline, 5, [])
    with pytest.raises(_ses.ApiFailure) as failure:
        api.call('ses', 'get_send_quota', 'ses:GetSendQuota')
    assert failure.value.kind == _ses.THROTTLED and 'after 5 retries' in failure.value.text
    assert session.calls == 6
    # Full jitter: each delay drawn from [0, min(cap, base * 2 ** attempt)] for this call's own attempts.
    assert caps == [(0, 0.5), (0, 1.0), (0, 2.0), (0, 4.0), (0, 4.0)]
    assert slept == [0.25, 0.5, 1.0, 2.0, 2.0]


def test_throttled_retries_stop_at_the_deadline(monkeypatch):
    deadline = _Deadline(3.0)

    def sleep(seconds):
        deadline.left -= seconds
    monkeypatch.setattr(_ses.time, 'sleep', sleep)
    monkeypatch.setattr(_ses.random, 'uniform', lambda low, high: high)
    session = _ThrottledSession()
    api = _ses._Api(session, 'eu-west-1', {}, deadline, 20, [])
    with pytest.raises(_ses.ApiFailure):
        api.call('ses', 'get_send_quota', 'ses:GetSendQuota')
    assert deadline.left > 0.5  # never slept past the deadline (minus the time kept to report)
    assert session.calls < 21


def test_every_finding_id_has_a_remedy_naming_the_guide_or_a_fix():
    for finding_id, spec in _ses.CATALOGUE.items():
        assert spec.remedy and spec.section.startswith('§'), finding_id


def test_module_requires_no_option_but_rejects_unknown(capsys):
    from ansible_collections.tank.monitoring.plugins.modules import ses_check
    with patch_module_args({'bogus': 1}):
        with pytest.raises(SystemExit):
            ses_check.main()
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] and 'bogus' in result['msg']


def test_unknown_profile_is_an_input_error(monkeypatch):
    monkeypatch.setenv('AWS_CONFIG_FILE', '/dev/null')
    monkeypatch.setenv('AWS_SHARED_CREDENTIALS_FILE', '/dev/null')
    params = {'profile': 'no-such-profile', 'forecast_window_minutes': 60, 'reputation_window_hours': 24,
              'min_sends': 20, 'max_retries': 5}
    with pytest.raises(CheckInputError, match='no-such-profile'):
        _ses.run(params, None, None)
