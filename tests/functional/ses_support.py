# -*- coding: utf-8 -*-
"""Helpers for the SES tests: moto's server on 127.0.0.1 over real HTTP, and endpoints that
refuse, never answer or always throttle. Nothing here ever reaches AWS: every client gets
``endpoint_url`` and fake credentials.

moto 5.2.5 does not implement the account APIs (sesv2 GetAccount answers 404, ses
GetAccountSendingEnabled 500). ``MotoSes`` adds both to the in-process server, answering from
``account`` (a dict the test sets); with ``account = None`` they behave as moto does, which is
how the "missing API" test runs. Everything else is moto's own behaviour.
"""

from __future__ import annotations

import datetime
import http.server
import json
import socket
import threading
import urllib.request

FAKE_KEY = 'AKIAFAKEFAKEFAKE1234'
FAKE_SECRET = 'fake-secret-never-sent-to-aws'
SENDER = 'sender@tank.example'

HEALTHY_ACCOUNT = {
    'SendingEnabled': True,
    'ProductionAccessEnabled': True,
    'EnforcementStatus': 'HEALTHY',
    'DedicatedIpAutoWarmupEnabled': False,
}


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class MotoSes(object):
    """moto's ThreadedMotoServer on 127.0.0.1 with the two account APIs added (see module doc)."""

    def __init__(self):
        import moto.sesv2.urls
        from moto.core.responses import ActionResult
        from moto.server import ThreadedMotoServer
        from moto.ses.responses import EmailResponse
        from moto.sesv2.responses import SESV2Response

        self.account = None
        server = self

        def get_account(response):
            if server.account is None:
                return 404, {'status': 404}, 'Not Found'  # what moto answers: no route
            return json.dumps(server.account)

        def get_account_sending_enabled(response):
            if server.account is None:
                raise NotImplementedError('The get_account_sending_enabled action has not been implemented')
            return ActionResult({'Enabled': server.account['SendingEnabled']})

        def authorize_without_signature(response, resource='*'):
            # moto 5.2.5 computes the signature of sesv2 GET requests differently from botocore and
            # answers SignatureDoesNotMatch to every valid key; the key and the IAM policy are still checked.
            from moto import settings
            from moto.core.authorization import ActionAuthenticatorMixin
            from moto.iam.access_control import IAMRequest
            if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
                ActionAuthenticatorMixin.request_count += 1
                return
            IAMRequest(account_id=response.current_account, method=response.method, path=response.raw_path,
                       data=response.data, body=response.raw_body, headers=response.headers,
                       action=response._get_action()).check_action_permitted(resource)

        # moto routes no URL to GetAccount; the route must exist before the server's first sesv2 request.
        moto.sesv2.urls.url_paths.setdefault('{0}/v2/email/account$', SESV2Response.dispatch)
        SESV2Response.get_account = get_account
        SESV2Response._authenticate_and_authorize_normal_action = authorize_without_signature
        EmailResponse.get_account_sending_enabled = get_account_sending_enabled
        self._server = ThreadedMotoServer(ip_address='127.0.0.1', port=free_port(), verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = 'http://%s:%d' % (host, port)

    def stop(self):
        self._server.stop()

    def reset(self):
        self.account = None
        self.enforce_auth(False)
        self._post('/moto-api/reset', b'')

    def enforce_auth(self, enforce=True):
        # moto checks signatures and IAM policies once its no-auth action count is used up.
        self._post('/moto-api/reset-auth', b'0' if enforce else b'inf')

    def _post(self, path, body):
        request = urllib.request.Request(self.url + path, data=body, method='POST',
                                         headers={'Content-Type': 'text/plain'})
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()

    # -- clients and scenarios, all through boto3 over HTTP ------------------------------------------
    def client(self, service, region='eu-west-1', key=FAKE_KEY, secret=FAKE_SECRET):
        import boto3
        return boto3.client(service, endpoint_url=self.url, region_name=region, aws_access_key_id=key,
                            aws_secret_access_key=secret)

    def send(self, count, region='eu-west-1', rejected=0):
        """Really send ``count`` mails through moto, plus ``rejected`` from an unverified sender."""
        ses = self.client('ses', region)
        ses.verify_email_identity(EmailAddress=SENDER)
        message = {'Subject': {'Data': 'Tank batch'}, 'Body': {'Text': {'Data': 'hello'}}}
        for number in range(count):
            ses.send_email(Source=SENDER, Destination={'ToAddresses': ['user%d@customer.example' % number]},
                           Message=message)
        for number in range(rejected):
            try:
                ses.send_email(Source='unverified@tank.example',
                               Destination={'ToAddresses': ['user%d@customer.example' % number]}, Message=message)
            except ses.exceptions.MessageRejected:
                pass
            else:
                raise AssertionError('moto accepted a send from an unverified address')

    def put_ses_metric(self, name, value, region='eu-west-1'):
        cloudwatch = self.client('cloudwatch', region)
        cloudwatch.put_metric_data(Namespace='AWS/SES', MetricData=[{
            'MetricName': name, 'Value': value, 'Timestamp': datetime.datetime.now(datetime.timezone.utc)}])

    def iam_user(self, name, actions, region='eu-west-1'):
        """An IAM user allowed ``actions`` (none: no policy at all); returns (key id, secret).

        moto names CloudWatch actions by the signing name (monitoring:*) where AWS says cloudwatch:*,
        so each cloudwatch action is granted under both names.
        """
        actions = list(actions) + [a.replace('cloudwatch:', 'monitoring:') for a in actions if a.startswith('cloudwatch:')]
        iam = self.client('iam', region)
        iam.create_user(UserName=name)
        if actions:
            iam.put_user_policy(UserName=name, PolicyName='tank-audit', PolicyDocument=json.dumps({
                'Version': '2012-10-17',
                'Statement': [{'Effect': 'Allow', 'Action': list(actions), 'Resource': '*'}]}))
        key = iam.create_access_key(UserName=name)['AccessKey']
        return key['AccessKeyId'], key['SecretAccessKey']


class SilentEndpoint(object):
    """Accepts TCP connections and never answers (a black-holed endpoint)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.url = 'http://127.0.0.1:%d' % self.sock.getsockname()[1]

    def close(self):
        self.sock.close()


class ErrorEndpoint(object):
    """Answers every request with one AWS Query-protocol error (default: Throttling); counts the requests."""

    def __init__(self, code='Throttling', message='Maximum sending rate exceeded.', status=400):
        endpoint = self
        self.requests = 0
        self._lock = threading.Lock()
        body = ('<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>'
                '<Code>%s</Code><Message>%s</Message></Error>'
                '<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>'
                % (code, message)).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get('Content-Length') or 0))
                with endpoint._lock:
                    endpoint.requests += 1
                self.send_response(status)
                self.send_header('Content-Type', 'text/xml')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
