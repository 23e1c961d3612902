# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import importlib
import time

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils import _secrets
from ansible_collections.tank.monitoring.plugins.module_utils._contract import COMMON_FINDINGS
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import (
    MASK,
    dsn_password,
    is_sensitive_header,
    is_sensitive_name,
    no_log_values,
    scrub,
    scrub_url,
    url_password,
)

CHECKS = ('health', 'logs', 'logsdb', 'nginx', 'oracle', 'pm2', 'resources', 'ses', 'storage')


# -- the issue's samples ----------------------------------------------------------------------

@pytest.mark.parametrize('line, secret, kept', [
    ('2026-01-05 10:00:00 ERROR login failed {"user":"mon","password":"hunter2json"} retrying',
     'hunter2json', ['2026-01-05 10:00:00 ERROR login failed {"user":"mon","password":"', '"} retrying']),
    ('2026-01-05 10:00:00 ERROR ORA-01017 connecting mon/orapw99@db (pool main)',
     'orapw99', ['ORA-01017 connecting mon/', '@db (pool main)']),
    ('2026-01-05 10:00:00 ERROR upstream 401 with Authorization: Bearer eyJTOKEN99 for /api/mail',
     'eyJTOKEN99', ['upstream 401 with Authorization: Bearer ', ' for /api/mail']),
    ('2026-01-05 10:00:00 ERROR call failed: Bearer eyJTOKEN99 rejected', 'eyJTOKEN99',
     ['call failed: Bearer ', ' rejected']),
])
def test_issue_samples_are_masked_and_the_rest_kept(line, secret, kept):
    scrubbed = scrub(line)
    assert secret not in scrubbed
    assert MASK in scrubbed
    for part in kept:
        assert part in scrubbed
    assert scrubbed.startswith('2026-01-05 10:00:00 ERROR')


# -- key=value and JSON keys ------------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('password=hunter2 user=mon', 'password=******** user=mon'),
    ('password = hunter2, user=mon', 'password = ********, user=mon'),
    ('passwd: hunter2', 'passwd: ********'),
    ('pwd=hunter2&user=mon', 'pwd=********&user=mon'),
    ('db_password=hunter2', 'db_password=********'),
    ('secret: s3cr3t', 'secret: ********'),
    ('client_secret=s3cr3t', 'client_secret=********'),
    ('token=abc123 next', 'token=******** next'),
    ('session_token=abc123', 'session_token=********'),
    ('key=abc123', 'key=********'),
    ('api_key=abc123', 'api_key=********'),
    ('apiKey: abc123', 'apiKey: ********'),
    ('X-Api-Key: abc123', 'X-Api-Key: ********'),
    ('access_key=abc123', 'access_key=********'),
    ('secret_key=abc123', 'secret_key=********'),
    ('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = ********'),
    ('secretAccessKey=abc123', 'secretAccessKey=********'),
    ('authorization: xyz123', 'authorization: ********'),
    ('Authorization: Basic dXNlcjpwYXNz rest', 'Authorization: Basic ******** rest'),
    ('Authorization: token ghp_abc123 rest', 'Authorization: token ******** rest'),
    ('cookie=sid=abc123', 'cookie=********'),
    ('{"password":"hunter2json"}', '{"password":"********"}'),
    ('{"password": "hunter2json", "user": "mon"}', '{"password": "********", "user": "mon"}'),
    ('{"Password" : "a \\" b", "n": 1}', '{"Password" : "********", "n": 1}'),
    ("{'token': 'abc123'}", "{'token': '********'}"),
    ('{"token":12345,"user":"x"}', '{"token":********,"user":"x"}'),
    ('msg={\\"password\\":\\"hunter2\\",\\"user\\":\\"mon\\"}', 'msg={\\"password\\":\\"********\\",\\"user\\":\\"mon\\"}'),
    ('{"msg":"login failed password=abc123","user":"mon"}', '{"msg":"login failed password=********","user":"mon"}'),
    ('https://h/x?api_key=abc123&page=2', 'https://h/x?api_key=********&page=2'),
    ("pwd: 'x y' z", "pwd: '********' z"),
    ('password="unterminated value', 'password=********'),
])
def test_key_values_are_masked(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize('text', [
    'password_expiry_days: 41.5',
    'aws_access_key_id=AKIAIOSFODNN7EXAMPLE',
    'AccessKeyId: AKIAIOSFODNN7EXAMPLE',
    'monkey=banana keyboard=us tokens=5 author=ann',
    'user=mon host=db port=1521',
    'time 12:30:45 level=error',
    'password: ',
    'GET http://127.0.0.1:8080/api/health answered HTTP 503',
    'The health API at https://api.example.com:8443/health?x=1 is slow',
    'Installed @nestjs/terminus@12.1.0 in node_modules',
    'Basic checks passed; Bearer tokens expire',
    'e-mail to ops@example.com failed',
    '',
])
def test_non_secrets_are_left_alone(text):
    assert scrub(text) == text


def test_dict_items_under_sensitive_names_are_masked_whole():
    data = {'password': 'hunter2', 'X-Auth-Token': 'abc', 'user': 'mon', 'password_expiry_days': 41.5,
            'findings': [{'message': 'token=abc123 failed', 'subject': 'mon'}], 'count': 3, 'ok': True}
    assert scrub(data) == {'password': MASK, 'X-Auth-Token': MASK, 'user': 'mon', 'password_expiry_days': 41.5,
                           'findings': [{'message': 'token=%s failed' % MASK, 'subject': 'mon'}], 'count': 3,
                           'ok': True}


# -- Bearer / Basic ---------------------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('Bearer eyJTOKEN99', 'Bearer ********'),
    ('sent bearer abc.def-ghi to x', 'sent bearer ******** to x'),
    ('Basic dXNlcjpwYXNz', 'Basic ********'),
    ('header was "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc" ok',
     'header was "Bearer ********" ok'),
])
def test_bearer_and_basic_credentials_are_masked(text, expected):
    assert scrub(text) == expected


# -- URLs and connect strings -----------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('http://user:pw@host', 'http://user:********@host'),
    ('GET http://user:pw@127.0.0.1:8080/api/health?x=1 failed', 'GET http://user:********@127.0.0.1:8080/api/health?x=1 failed'),
    ('https://ops:p@ss@h:8443/x', 'https://ops:********@h:8443/x'),
    ('oracle://mon:SECRET@dbhost:1521/TANKPDB', 'oracle://mon:********@dbhost:1521/TANKPDB'),
    ('redis://:onlypw@cache:6379/0', 'redis://:********@cache:6379/0'),
    ('http://user@host/path', 'http://user@host/path'),
    ('mon/orapw99@db', 'mon/********@db'),
    ('connect mon/orapw99@//dbhost:1521/TANKPDB failed', 'connect mon/********@//dbhost:1521/TANKPDB failed'),
    ('dsn mon:SECRET@host:1521/svc', 'dsn mon:********@host:1521/svc'),
    ('mon:SECRET@dbhost.example.com:1521', 'mon:********@dbhost.example.com:1521'),
])
def test_url_and_connect_string_credentials_are_masked(text, expected):
    assert scrub(text) == expected


def test_scrub_url_keeps_user_host_port_and_path():
    assert scrub_url('https://ops:secret@h:8443/api/health?x=1') == 'https://ops:********@h:8443/api/health?x=1'
    assert scrub_url('http://127.0.0.1:8080/') == 'http://127.0.0.1:8080/'
    assert scrub_url(None) is None


@pytest.mark.parametrize('value, password', [
    ('http://user:pw99@host:1/', 'pw99'),
    ('https://ops:p@ss@h/', 'p@ss'),
    ('http://host:8080/', None),
    ('http://user@host/', None),
    (None, None),
])
def test_url_password(value, password):
    assert url_password(value) == password


@pytest.mark.parametrize('value, password', [
    ('mon/orapw99@db', 'orapw99'),
    ('mon/orapw99@//dbhost:1521/svc', 'orapw99'),
    ('mon:SECRET@host:1521/svc', 'SECRET'),
    ('mon:SECRET@tankdb', 'SECRET'),
    ('tcp://mon:SECRET@host/svc', 'SECRET'),
    ('dbhost:1521/TANKPDB', None),
    ('tcps://dbhost:2484/TANKPDB', None),
    ('(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=s)))', None),
    ('tankdb', None),
    (None, None),
])
def test_dsn_password(value, password):
    assert dsn_password(value) == password


# -- AWS --------------------------------------------------------------------------------------

def test_aws_secret_key_after_an_access_key_id_is_masked_and_the_id_shown():
    line = 'creds AKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY loaded'
    assert scrub(line) == 'creds AKIAIOSFODNN7EXAMPLE,%s loaded' % MASK
    assert scrub('key id AKIAIOSFODNN7EXAMPLE used') == 'key id AKIAIOSFODNN7EXAMPLE used'
    # A git commit id is 40 characters too, but not after an access key id.
    sha = 'commit 0123456789abcdef0123456789abcdef01234567'
    assert scrub(sha) == sha


# -- known secret values ----------------------------------------------------------------------

def test_known_secrets_are_masked_recursively():
    data = {'message': 'login as mon with hunter2 failed', 'list': ['hunter2', ('x hunter2 y',)], 'n': 1}
    assert scrub(data, ['hunter2']) == {'message': 'login as mon with %s failed' % MASK,
                                        'list': [MASK, ['x %s y' % MASK]], 'n': 1}


def test_known_secrets_longest_first_and_url_encoded():
    assert scrub('a p@ss:word b', ['p@ss', 'p@ss:word']) == 'a %s b' % MASK
    assert scrub('url http://h/?q=p%40ss%3Aword', ['p@ss:word']) == 'url http://h/?q=%s' % MASK


def test_short_or_empty_secrets_do_not_mask_random_characters():
    text = 'http://127.0.0.1:8080/ 1 a'
    assert scrub(text, ['1', 'a', '', None, True]) == text


def test_no_log_values_skips_short_values():
    assert no_log_values(['1', 'ab', 'abc', None, 'Bearer xyz']) == {'abc', 'Bearer xyz'}


# -- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize('name', ['password', 'DB_PASSWORD', 'passwd', 'pwd', 'secret', 'client_secret', 'token',
                                  'x-auth-token', 'api_key', 'apiKey', 'x-api-key', 'access_key', 'secret_key',
                                  'aws_secret_access_key', 'authorization', 'Proxy-Authorization', 'cookie',
                                  'private_key', 'passphrase'])
def test_sensitive_names(name):
    assert is_sensitive_name(name)


@pytest.mark.parametrize('name', ['password_expiry_days', 'aws_access_key_id', 'accessKeyId', 'user', 'host',
                                  'monkey', 'keyboard', 'tokens', 'author', 'message', 'url', ''])
def test_not_sensitive_names(name):
    assert not is_sensitive_name(name)


@pytest.mark.parametrize('name, sensitive', [
    ('Authorization', True), ('Proxy-Authorization', True), ('Cookie', True), ('Set-Cookie', True),
    ('X-Auth-Token', True), ('X-Api-Key', True), ('X-Client-Secret', True), ('X-Password', True),
    ('X-Auth-User', True), ('X-Api-Version', False), ('Accept', False), ('User-Agent', False),
    ('X-Request-Id', False),
])
def test_sensitive_headers(name, sensitive):
    assert is_sensitive_header(name) is sensitive


# -- nothing legitimate is touched ------------------------------------------------------------

def test_no_remedy_text_is_changed_by_the_scrubber():
    for check in CHECKS:
        module = importlib.import_module('ansible_collections.tank.monitoring.plugins.module_utils._%s' % check)
        for finding_id, spec in list(module.CATALOGUE.items()) + list(COMMON_FINDINGS.items()):
            assert scrub(spec.remedy) == spec.remedy, (check, finding_id)


# -- linear time ------------------------------------------------------------------------------

@pytest.mark.parametrize('text', [
    'a' * 200000,
    'password' * 30000,
    'password=' * 30000,
    'x:' * 100000,
    'a/' * 100000 + '@',
    'a:' * 100000 + '@',
    'http://' + 'u:' * 50000 + '@',
    'http://u:' + 'p' * 200000,
    'Bearer ' * 30000,
    '"password":"' + '\\' * 100000,
    '{"k":' * 40000,
    'AKIA' * 50000,
    ('k' * 60 + '=') * 3000,
    '@' * 200000,
])
def test_scrub_is_linear_on_hostile_input(text):
    started = time.monotonic()
    scrub(text, ['secretvalue'])
    # Generous: the point is "not catastrophic" (quadratic or exponential would take minutes).
    assert time.monotonic() - started < 5.0


def test_mask_constant_is_ansibles():
    assert _secrets.MASK == '********'


# -- the checks' secret_values() and input validation ------------------------------------------

def _logic(check):
    return importlib.import_module('ansible_collections.tank.monitoring.plugins.module_utils._%s' % check)


def test_health_secret_values_are_the_sensitive_headers_only():
    values = _logic('health').secret_values({
        'url': 'http://probe:pw99x@127.0.0.1:8080/api/health', 'token': 'tok-option', 'url_password': None,
        'headers': {'Authorization': 'Bearer eyJTOKEN99', 'X-Api-Version': '1', 'X-Auth-Token': 'tok123',
                    'Accept': 'application/json'}})
    assert set(values) == {'tok-option', 'pw99x', 'Bearer eyJTOKEN99', 'eyJTOKEN99', 'tok123'}


def test_health_headers_are_not_no_log():
    assert _logic('health').ARGUMENT_SPEC['headers'].get('no_log') is False


@pytest.mark.parametrize('option', ['ca_path', 'client_cert', 'client_key'])
def test_health_missing_tls_file_names_the_option(tmp_path, option):
    from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
    params = {'url': 'https://127.0.0.1:1/', 'expected_status': [200], 'client_cert': None, 'client_key': None,
              'ca_path': None}
    if option == 'client_key':
        cert = tmp_path / 'cert.pem'
        cert.write_text('x')
        params['client_cert'] = str(cert)
    params[option] = str(tmp_path / 'missing.pem')
    with pytest.raises(CheckInputError, match=r'^%s .*missing\.pem does not exist' % option):
        _logic('health').validate(params)
    params[option] = str(tmp_path)
    with pytest.raises(CheckInputError, match=r'^%s .* is not a file' % option):
        _logic('health').validate(params)


def _nginx_params(**extra):
    params = {'status_url': None, 'front_page_url': None, 'listen_ports': [], 'request_timeout': 10.0,
              'max_assets': 50, 'max_files': 10000, 'web_root': [], 'ca_path': None}
    params.update(extra)
    return params


def test_nginx_web_root_must_be_an_existing_directory(tmp_path):
    from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
    nginx = _logic('nginx')
    nginx.validate(_nginx_params(web_root=[str(tmp_path)]))
    with pytest.raises(CheckInputError, match=r'^web_root .*/absent does not exist'):
        nginx.validate(_nginx_params(web_root=[str(tmp_path), str(tmp_path / 'absent')]))
    index = tmp_path / 'index.html'
    index.write_text('<html></html>')
    with pytest.raises(CheckInputError, match=r'^web_root .*index\.html is not a directory'):
        nginx.validate(_nginx_params(web_root=[str(index)]))
    with pytest.raises(CheckInputError, match=r'^ca_path .* does not exist'):
        nginx.validate(_nginx_params(ca_path=str(tmp_path / 'ca.pem')))


def test_nginx_secret_values_are_url_passwords():
    assert _logic('nginx').secret_values({'status_url': 'http://s:pw1x@127.0.0.1/status',
                                          'front_page_url': 'https://example.com/'}) == ['pw1x']


@pytest.mark.parametrize('dsn, password', [
    ('mon/orapw99@db', 'orapw99'),
    ('mon:SECRET99@dbhost:1521/TANKPDB', 'SECRET99'),
    ('mon:SECRET99@tankdb', 'SECRET99'),
])
def test_oracle_dsn_with_credentials_is_refused_without_echoing_it(dsn, password):
    from ansible_collections.tank.monitoring.plugins.module_utils import _oracle_connection as conn
    from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
    params = {'dsn': dsn, 'user': 'mon', 'password': 'optpw', 'connect_timeout': 5.0, 'query_timeout': 5.0}
    with pytest.raises(CheckInputError) as info:
        conn.connection_settings(params)
    assert 'dsn must not contain credentials' in str(info.value)
    assert password not in str(info.value)
    assert set(_logic('oracle').secret_values(params)) == {'optpw', password}


def test_oracle_password_expiry_is_explicitly_not_no_log():
    assert _logic('oracle').ARGUMENT_SPEC['password_expiry']['no_log'] is False


def test_logsdb_database_url_password_is_a_secret_and_not_echoed():
    from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, Deadline
    logsdb = _logic('logsdb')
    params = {'database': 'oracle://mon:dbpw77@dbhost:1521/TANKPDB', 'dsn': None, 'password': None,
              'wallet_password': None, 'query_timeout': 5.0}
    assert logsdb.secret_values(params) == ['dbpw77']
    with pytest.raises(CheckInputError) as info:
        logsdb._open(params, Deadline(5), None)
    assert 'dbpw77' not in str(info.value)
    assert 'oracle://mon:********@dbhost:1521/TANKPDB' in str(info.value)


def test_ses_secret_values_include_endpoint_passwords():
    values = _logic('ses').secret_values({'access_key': 'AKIAIOSFODNN7EXAMPLE', 'secret_key': 'sk', 'session_token': None,
                                          'endpoint_url': 'http://user:sespw1@127.0.0.1:5000',
                                          'cloudwatch_endpoint_url': None})
    assert set(values) == {'AKIAIOSFODNN7EXAMPLE', 'sk', 'sespw1'}


def test_log_sample_text_uses_the_scrubber():
    sample = _logic('logs').sample_text('2026-01-05 10:00:00 ERROR {"password":"hunter2json"} mon/orapw99@db '
                                        'Bearer eyJTOKEN99 end', limit=500)
    assert 'hunter2json' not in sample and 'orapw99' not in sample and 'eyJTOKEN99' not in sample
    assert sample.startswith('2026-01-05 10:00:00 ERROR {"password":"********"} mon/********@db Bearer ********')


def test_input_error_messages_naming_file_options_survive_the_scrubber(tmp_path):
    from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
    params = {'url': 'https://127.0.0.1:1/', 'expected_status': [200], 'ca_path': None, 'client_cert': str(tmp_path),
              'client_key': str(tmp_path / 'key.pem')}
    with pytest.raises(CheckInputError) as info:
        _logic('health').validate(params)
    assert scrub(str(info.value)) == str(info.value)
    from ansible_collections.tank.monitoring.plugins.module_utils import _oracle_connection as conn
    with pytest.raises(CheckInputError) as info:
        conn.connection_settings({'dsn': 'mon/pw123@db', 'user': 'mon', 'password': 'x', 'connect_timeout': 1.0,
                                  'query_timeout': 1.0})
    assert scrub(str(info.value)) == str(info.value)


@pytest.mark.parametrize('secret, text', [('x**', 'xx**'), ('a*b', 'aa*b*b'), ('**z', '**z*z')])
def test_a_secret_is_not_formed_anew_by_the_mask(secret, text):
    """Found by the fuzz suite: 'x' + MASK contains 'x**' again."""
    from ansible_collections.tank.monitoring.plugins.module_utils._secrets import scrub as scrub_text
    assert secret not in scrub_text(text, [secret])
