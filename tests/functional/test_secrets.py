# -*- coding: utf-8 -*-
"""No secret leaves a module (issue 11, item 5) and bad file options are answered clearly (item 6).

Real components only: log files on disk read by log_check, a real HTTP server for health_check,
moto's SES server for ses_check, and for oracle_check the STAND-IN FOR AN ORACLE LISTENER of
tests/functional/oracle_support.py (a real socket answering TNS REFUSE: no Oracle server can run
here). Every run is a real ansible-playbook run at -vvvv, and each secret is looked for in stdout
(the json callback's results, ``invocation`` included: ANSIBLE_INJECT_INVOCATION is on), stderr and the result.
"""

from __future__ import annotations

import json

import pytest

from health_support import Backend, free_port
from oracle_support import listener_refusing, loopback_server
from pm2_support import busy_worker, write_log
from ses_support import FAKE_KEY, FAKE_SECRET, MotoSes

MASK = '********'
# The strictest setting: the task result carries the module's arguments (``invocation``), off by default
# in ansible-core 2.21; an operator who turns it on must not see a secret in it either.
HIDDEN = (MASK, 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER')
INVOCATION = {'ANSIBLE_INJECT_INVOCATION': 'true'}
AWS_ENV = {'ANSIBLE_INJECT_INVOCATION': 'true', 'AWS_EC2_METADATA_DISABLED': 'true', 'AWS_CONFIG_FILE': '/dev/null',
           'AWS_SHARED_CREDENTIALS_FILE': '/dev/null', 'NO_PROXY': '127.0.0.1,localhost', 'no_proxy': '127.0.0.1'}


def assert_absent(secret, result, run):
    """``secret`` appears nowhere: not in the result, stdout (-vvvv) nor stderr."""
    assert secret not in json.dumps(result), 'in the result'
    assert secret not in run.stdout, 'in stdout'
    assert secret not in run.stderr, 'in stderr'


def finding(result, finding_id):
    found = [f for f in result['findings'] if f['id'] == finding_id]
    assert found, 'no %s finding in %s' % (finding_id, json.dumps(result['findings'], indent=1))
    return found[0]


# -- log_check: secrets inside app log lines ---------------------------------------------------------

LOG_LINES = {
    'logs.errors.other': ('TypeError: login failed for {"user":"mon","password":"hunter2json"} at /api/login',
                          'hunter2json',
                          'TypeError: login failed for {"user":"mon","password":"%s"} at /api/login' % MASK),
    'logs.errors.oracle': ('Error: ORA-01017: invalid credential connecting mon/orapw99@db (pool main)',
                           'orapw99',
                           'Error: ORA-01017: invalid credential connecting mon/%s@db (pool main)' % MASK),
    'logs.errors.ses': ('Error: SES send failed with Bearer eyJTOKEN99 for mail 42',
                        'eyJTOKEN99',
                        'Error: SES send failed with Bearer %s for mail 42' % MASK),
}


def test_log_check_masks_secrets_in_app_log_lines_and_keeps_the_rest(tmp_path, run_module):
    entries = []
    for ago in range(600, 0, -20):
        entries += [(ago, line) for line, _secret, _shown in LOG_LINES.values()]
    backend = write_log(tmp_path / 'backend-error.log', entries)
    worker = write_log(tmp_path / 'worker-out.log', busy_worker())
    args = {'log_files': {'backend': [backend], 'worker': [worker]}, 'pm2_home': str(tmp_path / 'no-pm2')}
    result, run = run_module('tank.monitoring.log_check', args, verbosity=4, env=INVOCATION)
    for finding_id, (_line, secret, shown) in LOG_LINES.items():
        found = finding(result, finding_id)
        assert found['message'].endswith('latest: ' + shown), found['message']
        assert_absent(secret, result, run)


# -- health_check: only sensitive headers are secrets -----------------------------------------------

@pytest.fixture
def backend():
    started = []

    def _start(mode='ok'):
        server = Backend(mode).start()
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()


def test_health_check_masks_sensitive_headers_only(run_module, backend):
    server = backend('error500')
    headers = {'Authorization': 'Bearer eyJTOKEN99', 'X-Auth-Token': 'tok-abc-321', 'X-Api-Version': '1',
               'Accept-Language': 'en'}
    result, run = run_module('tank.monitoring.health_check', {'url': server.url(), 'headers': headers},
                             verbosity=4, env=INVOCATION)
    sent = server.requests[0]['headers']
    assert sent['Authorization'] == 'Bearer eyJTOKEN99' and sent['X-Api-Version'] == '1'
    for secret in ('eyJTOKEN99', 'tok-abc-321'):
        assert_absent(secret, result, run)
    # The URL is intact everywhere: no "1" of "127.0.0.1" masked because of X-Api-Version: "1".
    status = finding(result, 'health.response.status_code')
    assert status['subject'] == server.url()
    assert ('GET %s answered HTTP 500' % server.url()) in status['message']
    assert '127.0.0.1:%d' % server.port in run.stdout
    assert '2' + MASK not in run.stdout and MASK + '27.0.0' not in run.stdout
    # The non-sensitive headers are shown as given, the sensitive ones masked.
    shown = result['invocation']['module_args']['headers']
    assert shown['X-Api-Version'] == '1' and shown['Accept-Language'] == 'en'
    # Ansible's own masking: a value that is wholly a secret becomes VALUE_SPECIFIED_IN_NO_LOG_PARAMETER.
    assert shown['Authorization'] in HIDDEN and shown['X-Auth-Token'] in HIDDEN


def test_health_check_url_password_is_masked_and_the_rest_of_the_url_kept(run_module, backend):
    server = backend('error500')
    url = server.url().replace('http://', 'http://ops:url-pw-5150@')
    result, run = run_module('tank.monitoring.health_check', {'url': url}, verbosity=4, env=INVOCATION)
    assert server.requests[0]['headers']['Authorization'].startswith('Basic ')
    assert_absent('url-pw-5150', result, run)
    assert result['invocation']['module_args']['url'] == url.replace('url-pw-5150', MASK)


@pytest.mark.parametrize('option', ['ca_path', 'client_cert', 'client_key'])
def test_health_check_missing_tls_file_names_the_option(run_module, tmp_path, option):
    args = {'url': 'https://127.0.0.1:%d/api/health' % free_port(), option: str(tmp_path / 'missing.pem')}
    if option == 'client_key':
        cert = tmp_path / 'client.pem'
        cert.write_text('not used')
        args['client_cert'] = str(cert)
    result, run = run_module('tank.monitoring.health_check', args)
    assert result.get('failed') is True
    assert result['msg'] == '%s %s does not exist' % (option, tmp_path / 'missing.pem')
    assert 'Traceback' not in run.stdout and 'FileNotFoundError' not in run.stdout


# -- nginx_check: bad web_root / ca_path ---------------------------------------------------------------

def test_nginx_check_rejects_a_missing_or_file_web_root_and_a_missing_ca_path(run_module, tmp_path):
    missing = tmp_path / 'build'
    result, _run = run_module('tank.monitoring.nginx_check', {'web_root': [str(missing)]})
    assert result.get('failed') is True
    assert result['msg'] == 'web_root %s does not exist' % missing
    index = tmp_path / 'index.html'
    index.write_text('<html></html>')
    result, _run = run_module('tank.monitoring.nginx_check', {'web_root': [str(index)]})
    assert result.get('failed') is True
    assert result['msg'] == 'web_root %s is not a directory' % index
    result, run = run_module('tank.monitoring.nginx_check', {'web_root': [str(tmp_path)],
                                                             'ca_path': str(tmp_path / 'ca.pem')})
    assert result.get('failed') is True
    assert result['msg'] == 'ca_path %s does not exist' % (tmp_path / 'ca.pem')
    assert 'Traceback' not in run.stdout


# -- ses_check: credentials in the endpoint URL ---------------------------------------------------------

@pytest.fixture(scope='module')
def moto_server():
    server = MotoSes()
    try:
        yield server
    finally:
        server.stop()


def test_ses_check_endpoint_url_password_never_shown(run_module, moto_server):
    moto_server.reset()
    url = moto_server.url.replace('http://', 'http://sesuser:sespw-8080x@')
    options = {'endpoint_url': url, 'region': 'eu-west-1', 'access_key': FAKE_KEY, 'secret_key': FAKE_SECRET}
    result, run = run_module('tank.monitoring.ses_check', options, env=AWS_ENV, verbosity=4)
    assert 'Traceback' not in run.stdout
    assert result.get('failed') is not True, result
    assert_absent('sespw-8080x', result, run)
    assert_absent(FAKE_SECRET, result, run)
    assert result['invocation']['module_args']['endpoint_url'] == url.replace('sespw-8080x', MASK)


def test_ses_check_unreachable_endpoint_with_a_password_names_the_url_without_it(run_module):
    url = 'http://sesuser:sespw-9090y@127.0.0.1:%d' % free_port()
    options = {'endpoint_url': url, 'region': 'eu-west-1', 'access_key': FAKE_KEY, 'secret_key': FAKE_SECRET,
               'timeout': 10}
    result, run = run_module('tank.monitoring.ses_check', options, env=AWS_ENV, verbosity=4)
    unreachable = finding(result, 'ses.endpoint.unreachable')
    assert 'sesuser:%s@127.0.0.1' % MASK in unreachable['message']
    assert_absent('sespw-9090y', result, run)


# -- oracle_check: credentials in the dsn ---------------------------------------------------------------

@pytest.mark.parametrize('dsn_format, secret', [
    ('mon/orapw99@127.0.0.1:%d/TANKPDB', 'orapw99'),
    ('mon:SECRETora77@127.0.0.1:%d/TANKPDB', 'SECRETora77'),
])
def test_oracle_check_dsn_with_a_password_is_refused_and_never_echoed(run_module, dsn_format, secret):
    # Stand-in for an Oracle listener: it would answer TNS REFUSE; the dsn must not even get there.
    with loopback_server(listener_refusing(12514)) as server:
        dsn = dsn_format % server.port
        result, run = run_module('tank.monitoring.oracle_check',
                                 {'dsn': dsn, 'user': 'mon', 'password': 'opt-pw-3141', 'connect_timeout': 3},
                                 verbosity=4, env=INVOCATION)
        assert server.connections == []
    assert result.get('failed') is True
    assert result['msg'] == 'dsn must not contain credentials: give them in user and password'
    assert_absent(secret, result, run)
    assert_absent('opt-pw-3141', result, run)
    assert result['invocation']['module_args']['dsn'] == dsn.replace(secret, MASK)
    # password_expiry is explicitly not a secret: no "did not set no_log" warning on any run.
    assert 'did not set no_log' not in run.stdout + run.stderr


def test_oracle_check_listener_answer_shows_the_dsn_not_the_password(run_module):
    with loopback_server(listener_refusing(12514)) as server:
        dsn = '127.0.0.1:%d/TANKPDB' % server.port
        result, run = run_module('tank.monitoring.oracle_check',
                                 {'dsn': dsn, 'user': 'mon', 'password': 'opt-pw-2718', 'connect_timeout': 3},
                                 verbosity=4, env=INVOCATION)
    found = finding(result, 'oracle.listener.service_unknown')
    assert found['subject'] == dsn
    assert_absent('opt-pw-2718', result, run)
    assert 'did not set no_log' not in run.stdout + run.stderr


# -- logsdb_check: credentials in the database URL --------------------------------------------------------

def test_logsdb_check_database_url_password_never_shown(run_module):
    database = 'oracle://mon:dbpw-6060z@127.0.0.1:1521/TANKPDB'
    result, run = run_module('tank.monitoring.logsdb_check', {'database': database}, verbosity=4, env=INVOCATION)
    assert result.get('failed') is True
    assert 'oracle://mon:%s@127.0.0.1:1521/TANKPDB' % MASK in result['msg']
    assert result['msg'].startswith('database must be "oracle"')
    assert_absent('dbpw-6060z', result, run)
