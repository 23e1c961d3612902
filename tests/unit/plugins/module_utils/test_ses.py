# -*- coding: utf-8 -*-
from __future__ import annotations

import json

import botocore.exceptions
import pytest
from botocore.parsers import ResponseParserError

from ansible.module_utils.testing import patch_module_args

from ansible_collections.tank.monitoring.plugins.module_utils import _ses
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError


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
    (ResponseParserError('invalid XML received'), _ses.UNAVAILABLE),
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
    ({'min_sends': -1}, 'must not be negative'),
])
def test_invalid_options(params, message):
    base = {'forecast_window_minutes': 60, 'reputation_window_hours': 24, 'min_sends': 20, 'max_retries': 5}
    base.update(params)
    with pytest.raises(CheckInputError, match=message):
        _ses.run(base, None, None)


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
