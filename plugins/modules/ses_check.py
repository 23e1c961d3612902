#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: ses_check
short_description: Check Tank's AWS SES account - quota, send rate, account state, reputation, credentials
version_added: 0.1.0
description:
  - Implements sections 8 and 13.4 of the Tank operations guide. SES describes a site, not a host - run it
    once per site or AWS account (the audit role runs it on the hosts of group C(tank_site)).
  - Quota - the share of the 24-hour sending quota already used, and a forecast of when the quota runs out
    at the pace of the last O(forecast_window_minutes) (from the send statistics). The worker's configured
    send rate, when O(worker_send_rate) is given, against the SES maximum send rate.
  - Account - whether sending is enabled, sandbox or production access, and the enforcement status
    (HEALTHY, PROBATION, SHUTDOWN) from the SESv2 C(GetAccount) API; when that API is missing or denied,
    whether sending is enabled comes from C(GetAccountSendingEnabled). A part whose API is missing or
    denied is V(unknown) with the reason; the rest of the check goes on.
  - Reputation - bounce and complaint rates from CloudWatch's C(AWS/SES) C(Reputation.BounceRate) and
    C(Reputation.ComplaintRate), the reject rate from the C(Send) and C(Reject) sums; where CloudWatch has
    no data (or is denied), from the SES send statistics of the last O(reputation_window_hours). Each
    finding and metric says which source was used. Rates computed from fewer than O(min_sends) sends are
    not judged.
  - Errors are classified with the remedy - wrong or revoked keys, expired keys or clock skew, missing IAM
    permission (naming the actions), throttling (retried with jittered backoff, then reported), an
    unreachable endpoint. Every call is bounded by the time left of O(timeout).
  - Credentials come from the options, else from the backend's C(.env) file (O(env_file)) so the audit
    tests the keys that actually send, else from the standard AWS chain (environment, shared files,
    instance role). The secret values never appear in the result.
author:
  - Tank Monitoring Team (@tank-monitoring)
requirements:
  - boto3 and botocore (on the host that runs the check)
extends_documentation_fragment:
  - tank.monitoring.common
options:
  access_key:
    description: AWS access key ID. Takes precedence over O(env_file) and the AWS credential chain.
    type: str
    aliases: [aws_access_key_id]
  secret_key:
    description: AWS secret access key, with O(access_key).
    type: str
    aliases: [aws_secret_access_key]
  session_token:
    description: AWS session token, for temporary credentials.
    type: str
    aliases: [aws_session_token]
  profile:
    description: Named profile of the AWS shared configuration files.
    type: str
    aliases: [aws_profile]
  region:
    description:
      - AWS region of the SES account (V(ap-northeast-2), ...). Falls back to the region variable of
        O(env_file), then to C(AWS_REGION) / C(AWS_DEFAULT_REGION) and the AWS configuration on the host.
    type: str
    aliases: [aws_region]
  endpoint_url:
    description: Endpoint URL for SES (a VPC endpoint, or an emulator in tests); also used for CloudWatch
      unless O(cloudwatch_endpoint_url) is set. A password in the URL (C(user:password@host)) is masked
      everywhere in the output.
    type: str
    aliases: [aws_endpoint_url]
  cloudwatch_endpoint_url:
    description: Endpoint URL for CloudWatch, when it differs from O(endpoint_url). A password in the URL is
      masked everywhere in the output.
    type: str
  env_file:
    description:
      - The backend's C(.env) file; the credentials and region are read from the variables named in
        O(env_file_variables), so the audit tests the keys the backend really sends with.
      - Options given explicitly take precedence over the file.
    type: path
  env_file_variables:
    description:
      - Names of the variables of O(env_file) that hold each setting, overriding the defaults
        C(access_key=AWS_ACCESS_KEY_ID), C(secret_key=AWS_SECRET_ACCESS_KEY),
        C(session_token=AWS_SESSION_TOKEN), C(region=AWS_REGION).
    type: dict
    default: {}
  worker_send_rate:
    description: The worker's configured sending rate in mails per second, compared with the SES maximum send rate.
    type: float
  forecast_window_minutes:
    description: The recent sending pace for the quota forecast is measured over this many minutes.
    type: int
    default: 60
  reputation_window_hours:
    description: Window of the CloudWatch sums and of the send statistics used for the rates.
    type: int
    default: 24
  min_sends:
    description: Rates computed from fewer sends than this are reported as metrics but not judged.
    type: int
    default: 20
  max_retries:
    description: Retries of one throttled AWS call (jittered exponential backoff), always within O(timeout).
    type: int
    default: 5
  timeout:
    description:
      - Hard wall-clock limit for the whole check, in seconds; every AWS call's connect and read
        timeouts are bounded by the time left.
    type: float
    default: 30.0
notes:
  - The IAM policy the check needs (read-only) - C(ses:GetSendQuota), C(ses:GetSendStatistics),
    C(ses:GetAccount), C(ses:GetAccountSendingEnabled), C(cloudwatch:GetMetricData). See the collection's
    C(docs/ses.md).
  - A denied C(cloudwatch:GetMetricData) with the backend's own keys is normal (a sending key rarely reads
    CloudWatch); the rates then come from the send statistics.
seealso:
  - name: Amazon SES sending quotas
    description: How the daily quota and the maximum send rate work.
    link: https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html
'''

EXAMPLES = r'''
- name: Check SES with the keys the backend sends with
  tank.monitoring.ses_check:
    env_file: /opt/tank/backend/.env
    env_file_variables:
      access_key: SES_ACCESS_KEY_ID
      secret_key: SES_SECRET_ACCESS_KEY
      region: SES_REGION
    worker_send_rate: 10
  become: true
  register: ses

- name: Check SES with a read-only monitoring key through a VPC endpoint
  tank.monitoring.ses_check:
    access_key: "{{ vault_ses_audit_key_id }}"
    secret_key: "{{ vault_ses_audit_secret }}"
    region: ap-northeast-2
    endpoint_url: https://vpce-0123456789abcdef0-abcdefgh.email.ap-northeast-2.vpce.amazonaws.com
    thresholds:
      quota_used_percent: {warning: 70, critical: 90}
'''

RETURN = r'''
extends_documentation_fragment:
  - tank.monitoring.common
findings:
  description: One entry per problem found; empty when the account is healthy.
metrics:
  description:
    - Measured numbers. Rates map their source (V(cloudwatch) or V(send_statistics)) to the percentage.
  returned: always
  type: dict
  sample:
    quota_max_24h: 50000.0
    quota_sent_24h: 1200.0
    quota_used_percent: 2.4
    max_send_rate: 14.0
    send_pace_per_hour: 300.0
    quota_exhausted_in_hours: 162.67
    sending_enabled: 1
    production_access: 1
    bounce_rate_percent: {cloudwatch: 0.8}
    complaint_rate_percent: {cloudwatch: 0.01}
    reject_rate_percent: {send_statistics: 0.0}
'''

from ansible_collections.tank.monitoring.plugins.module_utils import _ses
from ansible_collections.tank.monitoring.plugins.module_utils._runner import CheckModule
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import no_log_values


def main():
    checker = CheckModule(_ses.CHECK, _ses.run, _ses.CATALOGUE, _ses.ARGUMENT_SPEC,
                          default_timeout=_ses.DEFAULT_TIMEOUT, secret_options=_ses.SECRET_OPTIONS)
    # Passwords inside URLs/DSNs and sensitive header values: masked by Ansible too (invocation included).
    checker.module.no_log_values.update(no_log_values(_ses.secret_values(checker.module.params)))
    checker.run()


if __name__ == '__main__':
    main()
