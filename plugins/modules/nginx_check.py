#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: nginx_check
short_description: Check the Tank frontend - nginx process, configuration, stub_status and the React build it serves
version_added: 0.1.0
description:
  - Implements section 10 of the Tank operations guide (C(systemctl status nginx); on trouble
    C(nginx -t) then C(nginx -s reload); front page not loading - corrupted React build, permissions,
    port conflict).
  - Checks that the nginx master process of this configuration runs - the process named by O(pid_file),
    else by the C(pid) directive of the configuration, else a master started with C(-c) O(config)
    (or without C(-c), when O(config) is the compiled-in path), else any master - and, where systemd is
    the init system, that the O(service_name) unit is active.
  - Runs C(nginx -t) (read-only; the check never reloads or signals nginx) and reports the C([emerg])
    lines when the configuration is invalid. When it passes, C(nginx -T) gives the listen ports, the
    web roots and the worker user, unless O(listen_ports), O(web_root) and O(worker_user) are set.
  - Port conflict - every listen port must be held by nginx; when another process holds it, the finding
    names that process and its pid.
  - With O(status_url), reads the stub_status counters into metrics. A body that is not stub_status
    output is reported as V(unknown) with the reason, never as empty values.
  - With O(front_page_url), the index page must answer 200 HTML, and every same-origin script and
    stylesheet it references must answer 200, non-empty, with a script or CSS content type. A missing
    hashed asset answered by the SPA fallback (C(try_files ... /index.html), 200 C(text/html)) counts
    as a corrupted or incomplete build; the finding says whether the file exists under the web root.
  - The worker user must be able to read every file of the web root (and traverse every directory up
    to it); mode bits are evaluated for that user and its groups (ACLs are not read).
author:
  - Tank Monitoring Team (@tank-monitoring)
requirements:
  - psutil (on the managed host)
  - the nginx binary (for C(nginx -t))
extends_documentation_fragment:
  - tank.monitoring.common
options:
  binary:
    description:
      - The nginx program, a name looked up on C(PATH) and in the usual sbin directories, or a path.
    type: str
    default: nginx
  config:
    description:
      - Main configuration file, passed to C(nginx -t -c). Default is nginx's compiled-in path.
      - When set and no pid file is known, only a master started with this file (or without C(-c)) counts
        as running.
    type: path
  prefix:
    description:
      - Prefix path passed to C(nginx -p); also the base of relative C(root) directives.
    type: path
  pid_file:
    description:
      - PID file of the nginx master; default is the C(pid) directive of the configuration.
    type: path
  service_name:
    description:
      - systemd unit checked with C(systemctl is-active) on hosts where systemd is the init system.
    type: str
    default: nginx
  status_url:
    description:
      - URL of a C(location) with C(stub_status;), e.g. C(http://127.0.0.1/nginx_status). Not read when unset.
    type: str
  front_page_url:
    description:
      - URL of the React front page, e.g. C(http://127.0.0.1/). The page and its assets are not checked
        when unset.
    type: str
  listen_ports:
    description:
      - Ports nginx must hold. Default is every C(listen) port of the configuration (from C(nginx -T)).
    type: list
    elements: int
    default: []
  web_root:
    description:
      - Directories of the React build. Default is every C(root) directive of the configuration
        without variables.
      - A given path that does not exist or is not a directory is an error naming this option.
    type: list
    elements: path
    default: []
  worker_user:
    description:
      - User the nginx workers run as. Default is the C(user) directive, else C(nobody) (nginx's default).
    type: str
  request_timeout:
    description:
      - Time limit of each HTTP request (status page, front page, each asset), in seconds, so that one
        URL that accepts and never answers cannot use up the whole O(timeout).
    type: float
    default: 10.0
  max_assets:
    description:
      - Largest number of scripts and stylesheets of the front page that are fetched.
    type: int
    default: 50
  max_files:
    description:
      - Largest number of files and directories of the web root whose permissions are checked.
    type: int
    default: 10000
  validate_certs:
    description:
      - Verify the server certificate of C(https://) URLs.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA(s) that sign the server certificate.
      - A file that does not exist or cannot be read is an error naming this option.
    type: path
  use_proxy:
    description:
      - Honour the C(http_proxy), C(https_proxy) and C(no_proxy) environment variables. Local URLs should
        normally bypass proxies.
    type: bool
    default: true
  timeout:
    description:
      - Hard wall-clock limit for the whole check, in seconds.
    type: float
    default: 30.0
seealso:
  - module: tank.monitoring.health_check
'''

EXAMPLES = r'''
- name: Check nginx and the React build it serves
  tank.monitoring.nginx_check:
    front_page_url: http://127.0.0.1/
    status_url: http://127.0.0.1/nginx_status
  register: nginx

- name: An nginx with its own configuration and web root, strict front page latency
  tank.monitoring.nginx_check:
    config: /opt/tank/nginx/nginx.conf
    web_root: [/opt/tank/frontend/build]
    worker_user: www-data
    front_page_url: https://tank.example.com/
    ca_path: /etc/pki/tank-ca.pem
    thresholds:
      front_page_latency_seconds: {warning: 1, critical: 5}
    fail_on: critical
'''

RETURN = r'''
extends_documentation_fragment:
  - tank.monitoring.common
findings:
  description: One entry per problem found; empty when nginx and the front page are healthy.
metrics:
  description:
    - C(master_pid), C(worker_processes); the stub_status counters (C(connections_active), C(accepts),
      C(handled), C(requests), C(connections_reading), C(connections_writing), C(connections_waiting),
      C(dropped)); C(front_page_status), C(front_page_latency_seconds), C(front_page_assets);
      C(web_root_files_checked) per web root.
  returned: always
  type: dict
  sample: {master_pid: 1234, worker_processes: 2, connections_active: 1, requests: 42, front_page_assets: 2}
'''

from ansible_collections.tank.monitoring.plugins.module_utils import _nginx
from ansible_collections.tank.monitoring.plugins.module_utils._module import CheckModule


def main():
    CheckModule(_nginx.SPEC).run()


if __name__ == '__main__':
    main()
