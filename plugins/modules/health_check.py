#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: health_check
short_description: 'Check the Tank backend health API (GET /api/health answers {"status": "ok"})'
version_added: 0.1.0
description:
  - Implements sections 4 and 13.1 of the Tank operations guide.
  - Sends one C(GET) to O(url) through Ansible's own URL helpers, bounded by O(timeout) as a whole
    (a backend that accepts the connection and never answers is reported when the time is up).
  - The backend is healthy only when the HTTP status is one of O(expected_status) AND the body is a
    JSON object with C(status) equal to C(ok).
  - Understands the NestJS Terminus shape (C(status), C(info), C(error), C(details), each indicator
    with its own C(status) V(up), V(degraded) or V(down)) and reports every failing indicator
    (database, disk, ...) by name; when Terminus answers HTTP 503 naming them, the indicators are the
    findings, without a second one for the HTTP status.
  - An indicator in Terminus's V(degraded) state (overall C(status) V(degraded), HTTP 200, which
    Terminus does not count as a failed check) is a warning, not a critical finding.
  - Every failure says why in words an operator acts on - connection refused (the backend is down,
    check C(pm2 status)), timeout, DNS, TLS, unexpected HTTP status, a body that is not JSON (such as
    an HTML error page from a proxy), or a status that is not C(ok).
  - Optional O(assertions) evaluate JMESPath expressions on the JSON body.
  - The answer time is compared with the C(latency_seconds) threshold (warning 1 s, critical 5 s).
  - To call the health URL every minute as the guide asks, install the probe of the
    C(tank.monitoring.health_probe) role.
author:
  - Tank Monitoring Team (@tank-monitoring)
requirements:
  - jmespath (on the managed host, only when O(assertions) is used)
extends_documentation_fragment:
  - tank.monitoring.common
options:
  url:
    description:
      - The health URL, C(http://) or C(https://).
      - Credentials written in the URL (C(user:password@host)) are used when O(url_username) is not set; the
        password is masked everywhere (C(user:********@host)), the rest of the URL is shown. Prefer
        O(url_password) or O(token), which are never logged.
    type: str
    default: http://127.0.0.1:3000/api/health
  expected_status:
    description:
      - HTTP status codes that count as an answer of a healthy backend.
    type: list
    elements: int
    default: [200]
  headers:
    description:
      - Extra request headers.
      - The values of sensitive headers are secrets, masked everywhere in the output - C(Authorization),
        C(Proxy-Authorization), C(Cookie), C(Set-Cookie) and any header whose name contains C(token), C(key),
        C(secret), C(password), C(passwd), C(auth), C(session) or C(credential). Other header values
        (C(X-Api-Version)) are not secrets and are shown.
    type: dict
    default: {}
  token:
    description:
      - Bearer token, sent in the C(Authorization) header as C(Bearer <token>). Never shown in output.
    type: str
  url_username:
    description:
      - User name for HTTP basic authentication (sent with the first request).
    type: str
  url_password:
    description:
      - Password for HTTP basic authentication. Never shown in output.
    type: str
  validate_certs:
    description:
      - Verify the server certificate of an C(https://) URL. Only set V(false) for a test system.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA(s) that sign the server certificate, when it is not in the system trust store.
      - A file that does not exist or cannot be read is an error naming this option.
    type: path
  client_cert:
    description:
      - PEM client certificate for servers that require one (mutual TLS). May also hold the key.
      - A file that does not exist or cannot be read is an error naming this option.
    type: path
  client_key:
    description:
      - PEM private key of O(client_cert) when it is a separate file.
      - A file that does not exist or cannot be read is an error naming this option.
    type: path
  use_proxy:
    description:
      - Honour the C(http_proxy), C(https_proxy) and C(no_proxy) environment variables of the managed host.
      - Set V(false) to connect directly; a health URL on the backend host itself should normally bypass
        proxies (put it in C(no_proxy) or set this to V(false)), otherwise a proxy error page is what is
        checked.
    type: bool
    default: true
  assertions:
    description:
      - JMESPath expressions evaluated on the JSON body; each must give a true value (in JMESPath terms,
        not null, false, or an empty string, list or object). For example
        C(details.database.status == 'up').
      - An invalid expression fails the task with the parser's message.
    type: list
    elements: str
    default: []
  timeout:
    description:
      - Hard wall-clock limit for the whole check, in seconds, including connecting, TLS and reading
        the body.
    type: float
    default: 10.0
seealso:
  - module: tank.monitoring.nginx_check
'''

EXAMPLES = r'''
- name: Check the backend health API
  tank.monitoring.health_check:
    url: http://127.0.0.1:3000/api/health
  register: health

- name: Through HTTPS with a private CA, require the database indicator, fail the play when critical
  tank.monitoring.health_check:
    url: https://tank.example.com/api/health
    ca_path: /etc/pki/tank-ca.pem
    token: "{{ tank_health_token }}"
    assertions:
      - "details.database.status == 'up'"
    thresholds:
      latency_seconds: {warning: 0.5, critical: 3}
    fail_on: critical

- name: Show why the backend is unhealthy
  ansible.builtin.debug:
    msg: "{{ item.message }} -> {{ item.remedy }}"
  loop: "{{ health.findings }}"
'''

RETURN = r'''
extends_documentation_fragment:
  - tank.monitoring.common
findings:
  description:
    - One entry per problem found; empty when the backend is healthy.
    - "Ids: C(health.request.refused), C(health.request.timeout), C(health.request.dns), C(health.request.tls),
      C(health.request.connection), C(health.response.status_code), C(health.response.not_json),
      C(health.response.status_not_ok), C(health.indicator.down), C(health.indicator.degraded),
      C(health.assertion.failed), C(health.response.latency)."
    - A NestJS Terminus indicator that is down is C(health.indicator.down) (critical, subject the indicator);
      when Terminus answers 503 naming it, that is the only finding (no C(health.response.status_code)).
      An indicator in Terminus's C(degraded) state is C(health.indicator.degraded) (warning).
metrics:
  description:
    - C(up) (1 healthy, 0 not), C(latency_seconds) and C(http_status) when an HTTP answer came back.
  returned: always
  type: dict
  sample: {up: 1, latency_seconds: 0.012, http_status: 200}
'''

from ansible_collections.tank.monitoring.plugins.module_utils import _health
from ansible_collections.tank.monitoring.plugins.module_utils._module import CheckModule


def main():
    CheckModule(_health.SPEC).run()


if __name__ == '__main__':
    main()
