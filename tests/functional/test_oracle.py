# -*- coding: utf-8 -*-
"""oracle_check through a real ansible-playbook run, against real loopback sockets.

No Oracle database server can run on this machine (see the issue): the servers here are real
sockets standing in for the network situations, and ``listener_refusing`` is a STAND-IN FOR AN
ORACLE LISTENER that answers with a real TNS REFUSE packet (tests/functional/oracle_support.py).
The login errors (ORA-01017, 28000, 28001 ...) are unit-tested with real python-oracledb
exception objects in tests/unit/plugins/module_utils/test_oracle.py.
"""

from __future__ import annotations

import pytest

from oracle_support import closed_port, closing_handler, listener_refusing, loopback_server, silent_handler

from ansible_collections.tank.monitoring.plugins.module_utils import _oracle

MODULE = 'tank.monitoring.oracle_check'
PASSWORD = 'Tank-Secret-pw-7781'
WALLET_PASSWORD = 'Wallet-Secret-pw-4410'


def args(port, **extra):
    values = dict(host='127.0.0.1', port=port, service_name='TANKPDB', user='tank_monitor', password=PASSWORD,
                  connect_timeout=3)
    values.update(extra)
    return values


def only_finding(result, finding_id, status='critical'):
    assert result['status'] == status, result
    assert [f['id'] for f in result['findings']] == [finding_id], result['findings']
    finding = result['findings'][0]
    assert finding['remedy'] == _oracle.CATALOGUE[finding_id.split('.', 1)[1]].remedy
    assert result['changed'] is False
    return finding


@pytest.mark.finding('oracle.connect.refused')
def test_closed_port_is_refused(run_module):
    port = closed_port()
    result, _run = run_module(MODULE, args(port))
    finding = only_finding(result, 'oracle.connect.refused')
    assert finding['subject'] == '127.0.0.1:%d/TANKPDB' % port
    assert result['metrics']['available'] == 0


@pytest.mark.finding('oracle.connect.timeout')
def test_silent_server_times_out_within_the_connect_timeout(run_module):
    with loopback_server(silent_handler) as server:
        result, _run = run_module(MODULE, args(server.port, connect_timeout=2))
    finding = only_finding(result, 'oracle.connect.timeout')
    assert 'no answer within 2 s' in finding['message']
    assert result['duration_seconds'] <= 2 + 1


def test_silent_server_is_bounded_by_the_check_timeout(run_module):
    with loopback_server(silent_handler) as server:
        result, _run = run_module(MODULE, args(server.port, connect_timeout=30, timeout=3))
    only_finding(result, 'oracle.connect.timeout')
    assert result['duration_seconds'] <= 3 + 1


@pytest.mark.finding('oracle.connect.reset')
def test_server_closing_at_once_is_a_reset(run_module):
    with loopback_server(closing_handler) as server:
        result, _run = run_module(MODULE, args(server.port))
    finding = only_finding(result, 'oracle.connect.reset')
    assert finding['value'] == 'DPY-4011'


@pytest.mark.finding('oracle.listener.service_unknown')
def test_unknown_service_is_ora_12514(run_module):
    # Stand-in for an Oracle listener: answers TNS REFUSE (ERR=12514).
    with loopback_server(listener_refusing(12514)) as server:
        result, _run = run_module(MODULE, args(server.port))
    finding = only_finding(result, 'oracle.listener.service_unknown')
    assert finding['value'] == 'ORA-12514'
    assert 'TANKPDB' in finding['message']
    assert 'check the DB port and the listener' in finding['remedy']


@pytest.mark.finding('oracle.listener.sid_unknown')
def test_unknown_sid_is_ora_12505(run_module):
    # Stand-in for an Oracle listener: answers TNS REFUSE (ERR=12505).
    with loopback_server(listener_refusing(12505)) as server:
        result, _run = run_module(MODULE, args(server.port, service_name=None, sid='TANK'))
    finding = only_finding(result, 'oracle.listener.sid_unknown')
    assert finding['value'] == 'ORA-12505'
    assert finding['subject'] == '127.0.0.1:%d (SID TANK)' % server.port


@pytest.mark.finding('oracle.listener.refused')
def test_other_listener_refusal(run_module):
    # Stand-in for an Oracle listener: ORA-12520, no handler available.
    with loopback_server(listener_refusing(12520)) as server:
        result, _run = run_module(MODULE, args(server.port))
    assert only_finding(result, 'oracle.listener.refused')['value'] == 'ORA-12520'


@pytest.mark.parametrize('code', [12535, 12170])
def test_listener_timeouts_are_timeouts_like_in_the_logs(run_module, code):
    # Stand-in for an Oracle listener answering REFUSE with a timeout code: guide §6, verify the firewall.
    from ansible_collections.tank.monitoring.plugins.module_utils import _logs

    with loopback_server(listener_refusing(code)) as server:
        result, _run = run_module(MODULE, args(server.port))
    finding = only_finding(result, 'oracle.connect.timeout')
    assert finding['value'] == 'ORA-%d' % code
    assert 'ORA-%d' % code in finding['message']
    assert 'verify the firewall' in finding['remedy']
    assert finding['remedy'] == _logs.CATALOGUE['errors.oracle_timeout'].remedy


def test_no_warning_about_no_log_for_password_expiry(run_module):
    result, run = run_module(MODULE, args(closed_port(), password_expiry=True))
    assert result['status'] == 'critical'
    assert 'no_log' not in run.stdout + run.stderr


def test_listener_mode_needs_no_credentials_and_names_the_failure(run_module):
    with loopback_server(listener_refusing(12514)) as server:
        result, _run = run_module(MODULE, {'dsn': '127.0.0.1:%d/TANKPDB' % server.port, 'mode': 'listener'})
    only_finding(result, 'oracle.listener.service_unknown')


@pytest.mark.finding('oracle.connect.name_resolution')
def test_unresolvable_host(run_module):
    result, _run = run_module(MODULE, args(1521, host='no-such-host.invalid'))
    only_finding(result, 'oracle.connect.name_resolution')


def test_missing_credentials_fail_the_task_clearly(run_module):
    result, _run = run_module(MODULE, {'host': '127.0.0.1', 'service_name': 'TANKPDB'})
    assert result['failed'] is True
    assert 'user and password are required' in result['msg']
    assert 'Traceback' not in str(result)


def test_fail_on_critical_fails_the_task(run_module):
    result, _run = run_module(MODULE, args(closed_port(), fail_on='critical'))
    assert result['failed'] is True
    assert result['findings'][0]['id'] == 'oracle.connect.refused'


@pytest.mark.parametrize('handler', [listener_refusing(12514), closing_handler, silent_handler])
def test_passwords_never_appear_in_output_even_at_vvvv(run_module, handler):
    with loopback_server(handler) as server:
        result, run = run_module(MODULE, args(server.port, connect_timeout=1, protocol='tcp',
                                              wallet_password=WALLET_PASSWORD), verbosity=4)
    assert result['status'] == 'critical'
    output = run.stdout + run.stderr
    assert 'ESTABLISH LOCAL CONNECTION' in output  # the run really was at connection-debug verbosity
    assert PASSWORD not in output
    assert WALLET_PASSWORD not in output


def test_password_is_hidden_in_input_errors_at_vvvv(run_module):
    result, run = run_module(MODULE, {'host': '127.0.0.1', 'service_name': 'X', 'sid': 'Y', 'user': 'tank',
                                      'password': PASSWORD}, verbosity=4)
    assert result['failed'] is True
    assert PASSWORD not in run.stdout + run.stderr


def test_check_mode_runs_unchanged(run_module):
    result, _run = run_module(MODULE, args(closed_port()), check=True)
    only_finding(result, 'oracle.connect.refused')
