# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):
    # Options of module_utils/_oracle_connection.py oracle_connection_argument_spec().
    DOCUMENTATION = r'''
options:
  dsn:
    description:
      - The database as an EZConnect string (C(dbhost:1521/TANKPDB)), a full connect descriptor
        (C((DESCRIPTION=...))) or a C(tnsnames.ora) alias (with O(config_dir)).
      - Mutually exclusive with O(host); one of the two is required.
      - Must not contain credentials (C(user/password@...), C(user:password@...)); use O(user) and
        O(password). Such a dsn is refused with an error, and its password is masked everywhere in the output.
    type: str
  host:
    description:
      - Host name or address of the Oracle listener. Requires O(service_name) or O(sid).
    type: str
  port:
    description:
      - Listener port, with O(host). Defaults to V(1521).
    type: int
  service_name:
    description:
      - Database service name, with O(host). Mutually exclusive with O(sid).
    type: str
  sid:
    description:
      - Database SID (older setups), with O(host). Mutually exclusive with O(service_name).
    type: str
  user:
    description:
      - Database account to log in with. A read-only monitoring account with C(CREATE SESSION) is enough.
    type: str
  password:
    description:
      - Password of O(user). Never shown in output, errors or logs.
    type: str
  protocol:
    description:
      - V(tcps) connects with TLS (Oracle wallet or system CA certificates).
    type: str
    choices: [tcp, tcps]
    default: tcp
  wallet_location:
    description:
      - Directory holding the wallet (C(ewallet.pem)) for TLS connections.
    type: path
  wallet_password:
    description:
      - Password of the wallet in O(wallet_location). Never shown in output.
    type: str
  ssl_server_dn_match:
    description:
      - With V(tcps), check that the server certificate's distinguished name matches the host.
    type: bool
    default: true
  ssl_server_cert_dn:
    description:
      - With V(tcps), the distinguished name the server certificate must have.
    type: str
  config_dir:
    description:
      - Directory holding C(tnsnames.ora), to resolve an alias given in O(dsn).
    type: path
  connect_timeout:
    description:
      - Wall-clock limit for connecting and logging in, in seconds. It holds even against a server that
        accepts TCP connections and never answers; reaching it is reported as a connection timeout
        (guide section 6 "Timeout - network blocked - verify the firewall").
      - Bounded by the check's O(timeout).
    type: float
    default: 10.0
  query_timeout:
    description:
      - Wall-clock limit of each query, in seconds; also set as the driver's call timeout so the server
        stops the call.
    type: float
    default: 10.0
requirements:
  - python-oracledb (thin mode; no Oracle Client libraries are needed) on the host that runs the check
notes:
  - Connection failures are classified from the driver's chained cause (thin mode wraps each of them as
    C(DPY-6005)), so the finding names the real problem, for example ORA-12514 for an unknown service.
'''
