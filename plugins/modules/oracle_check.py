#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: oracle_check
short_description: Check Oracle connectivity of a Tank site and name the cause of a failure
version_added: 0.1.0
description:
  - Implements sections 6 and 13.5 of the Tank operations guide, the automated version of the application's
    "Connect Test".
  - Connects with python-oracledb in thin mode, runs C(SELECT 1 FROM DUAL) and reports the connect and query
    times against the guide-derived thresholds (1 s warning, 5 s critical).
  - A connection failure is a finding named after its real cause, with the guide's remedy where it gives one -
    ORA-12514 (wrong service name or SID, check the DB port / listener), ORA-28009 (insufficient account
    privileges), timeout (network blocked, verify the firewall) - and also refused port, connection reset,
    unknown host, listener refusals, database not open, wrong credentials (ORA-01017), locked account
    (ORA-28000), expired password (ORA-28001), password grace period (ORA-28002, a warning) and missing
    C(CREATE SESSION) (ORA-01045).
  - The connect has a hard wall-clock limit (O(connect_timeout)) that holds even against a server that accepts
    the TCP connection and never answers.
  - With O(mode=listener) no credentials are needed - the check logs in as a user that does not exist, and the
    database answering "invalid credentials" proves that the listener and the service are up.
  - With O(password_expiry) it reads the days left before the account password expires (C(USER_USERS)).
  - The Oracle database describes a site, not a host; in the audit role it runs for the hosts of group
    C(tank_site).
author:
  - Tank Monitoring Team (@tank-monitoring)
extends_documentation_fragment:
  - tank.monitoring.common
  - tank.monitoring.oracle_connection
options:
  mode:
    description:
      - V(login) logs in with O(user) and O(password) and runs a trivial query.
      - V(listener) only proves that the listener and the service answer, without credentials.
    type: str
    choices: [login, listener]
    default: login
  password_expiry:
    description:
      - In O(mode=login), read the days left before the account's password expires and judge them against the
        C(password_expiry_days) threshold (14 days warning, 3 days critical). Accounts without a password
        lifetime give no finding.
    type: bool
    default: true
  timeout:
    description:
      - Hard wall-clock limit for the whole check, in seconds.
    type: float
    default: 30.0
seealso:
  - module: tank.monitoring.logsdb_check
notes:
  - The listener-only probe logs in as C(TANK_MONITORING_PROBE) with a random password, which the database
    records as one failed login.
'''

EXAMPLES = r'''
- name: Connect test with the monitoring account
  tank.monitoring.oracle_check:
    host: db.tank.example
    service_name: TANKPDB
    user: tank_monitor
    password: "{{ vault_tank_monitor_password }}"
  register: oracle

- name: Listener and service only, no credentials
  tank.monitoring.oracle_check:
    dsn: db.tank.example:1521/TANKPDB
    mode: listener

- name: TLS with a wallet, stricter connect time, fail the play on critical
  tank.monitoring.oracle_check:
    dsn: tcps://db.tank.example:2484/TANKPDB
    user: tank_monitor
    password: "{{ vault_tank_monitor_password }}"
    wallet_location: /etc/tank/wallet
    thresholds:
      connect_seconds: {warning: 0.5, critical: 2}
    fail_on: critical
'''

RETURN = r'''
extends_documentation_fragment:
  - tank.monitoring.common
findings:
  description: One entry per problem found; empty when the database is reachable and healthy.
metrics:
  description: Measured numbers.
  returned: always
  type: dict
  contains:
    available:
      description: V(1) when the database answered (in V(listener) mode, a refused probe login counts), else V(0).
      type: int
      returned: when a connection was attempted
    connect_seconds:
      description: Time to connect and log in.
      type: float
      returned: when the connection succeeded
    query_seconds:
      description: Time of C(SELECT 1 FROM DUAL).
      type: float
      returned: when the query succeeded
    password_expiry_days:
      description: Days until the account password expires.
      type: float
      returned: when O(password_expiry) is on and the account has a password lifetime
  sample:
    available: 1
    connect_seconds: 0.084
    query_seconds: 0.002
    password_expiry_days: 41.5
'''

from ansible_collections.tank.monitoring.plugins.module_utils import _oracle
from ansible_collections.tank.monitoring.plugins.module_utils._runner import CheckModule
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import no_log_values


def main():
    checker = CheckModule(_oracle.CHECK, _oracle.run, _oracle.CATALOGUE, _oracle.ARGUMENT_SPEC,
                          default_timeout=_oracle.DEFAULT_TIMEOUT, secret_options=_oracle.SECRET_OPTIONS)
    # Passwords inside URLs/DSNs and sensitive header values: masked by Ansible too (invocation included).
    checker.module.no_log_values.update(no_log_values(_oracle.secret_values(checker.module.params)))
    checker.run()


if __name__ == '__main__':
    main()
