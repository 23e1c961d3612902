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
    at the pace of the last O(forecast_window_minutes) (from the send statistics).
  - Send rate - the actual peak send rate, measured from CloudWatch's C(AWS/SES) C(Send) metric (the
    busiest minute of the last O(send_rate_window_minutes), per second), against the SES maximum send rate
    (C(MaxSendRate)). The worker's configured rate, when O(worker_send_rate) is above 0, is judged too.
  - Account - whether sending is enabled, sandbox or production access, and the enforcement status
    (HEALTHY, PROBATION, SHUTDOWN) from the SESv2 C(GetAccount) API; when that API is not offered or
    fails, whether sending is enabled comes from C(GetAccountSendingEnabled).
  - A part whose API the endpoint does not offer (an unknown operation, HTTP 404 or 501 - some regions'
    VPC endpoints, emulators) is listed in RV(not_checked) with the reason and does not change the status,
    so a healthy site stays V(ok). A part whose API fails (denied, a server error, throttled after the
    retries) is a V(unknown) finding with the reason. Either way the rest of the check goes on.
  - Reputation - bounce and complaint rates from the newest datapoint of CloudWatch's C(AWS/SES)
    C(Reputation.BounceRate) and C(Reputation.ComplaintRate) (running rates that SES keeps for the account,
    so the newest value is the account's state, never averaged with older ones), the reject rate from the
    C(Send) and C(Reject) sums; where CloudWatch has no data (or is not offered or denied), from the SES
    send statistics of the last O(reputation_window_hours). Each finding and metric says which source was
    used. Rates computed from fewer than O(min_sends) sends are not judged.
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
    description:
      - The worker's configured sending rate in mails per second, judged against the SES maximum send rate
        in addition to the rate measured from CloudWatch.
      - V(0) or unset - only the measured rate is judged.
    type: float
  forecast_window_minutes:
    description: The recent sending pace for the quota forecast is measured over this many minutes (1 to 20160).
    type: int
    default: 60
  send_rate_window_minutes:
    description: The peak send rate is the busiest minute of this many last minutes (1 to 20160).
    type: int
    default: 60
  reputation_window_hours:
    description:
      - How far back the newest reputation datapoint is looked for, and the window of the C(Send)/C(Reject)
        sums and of the send statistics used for the rates (1 to 336).
    type: int
    default: 24
  min_sends:
    description: Rates computed from fewer sends than this are reported as metrics but not judged.
    type: int
    default: 20
  max_retries:
    description: Retries of one throttled AWS call (full-jitter exponential backoff), always within O(timeout) (0 to 20).
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
    send_rate_peak_per_second: 9.5
    send_rate_percent: 67.9
    send_pace_per_hour: 300.0
    quota_exhausted_in_hours: 162.67
    sending_enabled: 1
    production_access: 1
    bounce_rate_percent: {cloudwatch: 0.8}
    complaint_rate_percent: {cloudwatch: 0.01}
    reject_rate_percent: {send_statistics: 0.0}
not_checked:
  description:
    - The parts of the check that the SES endpoint does not offer (an unknown operation, HTTP 404 or 501),
      each with the reason. They do not change the status. Absent when every part was checked.
    - Parts that failed (denied, a server error, throttled) are V(unknown) findings instead.
  returned: when a part was not checked
  type: list
  elements: dict
  contains:
    part:
      description: What could not be checked.
      type: str
      sample: production access and enforcement status
    action:
      description: The API (IAM action) the endpoint does not offer.
      type: str
      sample: ses:GetAccount
    reason:
      description: Why, with the endpoint's error code.
      type: str
      sample: "ses:GetAccount is not offered by the endpoint (UnknownOperationException)"
'''

from ansible_collections.tank.monitoring.plugins.module_utils import _ses
from ansible_collections.tank.monitoring.plugins.module_utils._module import CheckModule


def main():
    CheckModule(_ses.SPEC).run()


if __name__ == '__main__':
    main()
