# -*- coding: utf-8 -*-
"""Helpers for the SES tests: moto's server on 127.0.0.1 over real HTTP, and endpoints that
refuse, never answer or always throttle. Nothing here ever reaches AWS: every client gets
``endpoint_url`` and fake credentials.

moto 5.2.5 does not offer the account APIs: sesv2 ``GetAccount`` has no route (HTTP 404 page) and
ses ``GetAccountSendingEnabled`` raises NotImplementedError (a generic HTTP 500 page, which no
client can tell from a failing server). moto itself is not modified: ``MotoSes`` puts a real HTTP
front (``AccountFront``) on 127.0.0.1 before it that forwards every request to moto unchanged,
except those two operations, which it answers the way AWS does:

* ``absent``: as an endpoint that does not offer them (sesv2: HTTP 404 ``UnknownOperationException``;
  ses Query API: HTTP 400 ``InvalidAction``);
* ``denied`` / ``error``: AWS's ``AccessDenied(Exception)`` (403) / ``InternalFailure`` (500);
* ``state``: AWS's documented answer built from ``account`` -- a STAND-IN for the account state
  (sandbox, PROBATION, SHUTDOWN, sending disabled) that no emulator can put an account into.
"""

from __future__ import annotations

import datetime
import http.client
import http.server
import json
import socket
import threading
import urllib.parse
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
ACCOUNT_OPERATIONS = ('GetAccount', 'GetAccountSendingEnabled')
_HOP_BY_HOP = frozenset(('connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer',
                         'upgrade', 'content-length'))
_SES_XMLNS = 'http://ses.amazonaws.com/doc/2010-12-01/'
_REQUEST_ID = '00000000-0000-0000-0000-000000000000'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _query_error(status, code, message, kind='Sender'):
    body = ('<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>'
            '<RequestId>%s</RequestId></ErrorResponse>' % (_SES_XMLNS, kind, code, message, _REQUEST_ID))
    return status, {'Content-Type': 'text/xml'}, body.encode()


def _json_error(status, code, message):
    return status, {'Content-Type': 'application/json', 'x-amzn-ErrorType': code,
                    'x-amzn-RequestId': _REQUEST_ID}, json.dumps({'message': message}).encode()


class AccountFront(object):
    """A real HTTP server in front of moto: answers the account operations per ``answers``, forwards the rest."""

    def __init__(self, upstream_port):
        front = self
        self.upstream_port = upstream_port
        self.account = dict(HEALTHY_ACCOUNT)
        self.answers = dict((operation, 'state') for operation in ACCOUNT_OPERATIONS)
        self.requests = dict((operation, 0) for operation in ACCOUNT_OPERATIONS)
        self._lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def _handle(self):
                body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
                operation = front.operation(self.command, self.path, body)
                if operation:
                    with front._lock:
                        front.requests[operation] += 1
                    status, headers, payload = front.answer(operation)
                else:
                    status, headers, payload = front.forward(self.command, self.path, self.headers, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header('Content-Length', str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self):
        with self._lock:
            self.account = dict(HEALTHY_ACCOUNT)
            self.answers = dict((operation, 'state') for operation in ACCOUNT_OPERATIONS)
            self.requests = dict((operation, 0) for operation in ACCOUNT_OPERATIONS)

    @staticmethod
    def operation(method, path, body):
        if method == 'GET' and urllib.parse.urlsplit(path).path.rstrip('/') == '/v2/email/account':
            return 'GetAccount'
        if method == 'POST' and b'Action=GetAccountSendingEnabled' in body:
            form = urllib.parse.parse_qs(body.decode('utf-8', 'replace'))
            if form.get('Action') == ['GetAccountSendingEnabled']:
                return 'GetAccountSendingEnabled'
        return None

    def answer(self, operation):
        mode = self.answers[operation]
        v2 = operation == 'GetAccount'
        if mode == 'absent':
            if v2:
                return _json_error(404, 'UnknownOperationException', None)
            return _query_error(400, 'InvalidAction', 'Could not find operation %s for version 2010-12-01'
                                % operation)
        if mode == 'denied':
            message = ('User: arn:aws:iam::123456789012:user/tank-audit is not authorized to perform: ses:%s'
                       % operation)
            return _json_error(403, 'AccessDeniedException', message) if v2 else _query_error(403, 'AccessDenied',
                                                                                              message)
        if mode == 'error':
            message = 'An internal error occurred.'
            return (_json_error(500, 'InternalFailure', message) if v2
                    else _query_error(500, 'InternalFailure', message, kind='Receiver'))
        if mode != 'state':
            raise AssertionError('unknown answer mode %r' % mode)
        if v2:
            return 200, {'Content-Type': 'application/json', 'x-amzn-RequestId': _REQUEST_ID}, \
                json.dumps(self.account).encode()
        enabled = 'true' if self.account.get('SendingEnabled', True) else 'false'
        body = ('<GetAccountSendingEnabledResponse xmlns="%s"><GetAccountSendingEnabledResult><Enabled>%s</Enabled>'
                '</GetAccountSendingEnabledResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>'
                '</GetAccountSendingEnabledResponse>' % (_SES_XMLNS, enabled, _REQUEST_ID))
        return 200, {'Content-Type': 'text/xml'}, body.encode()

    def forward(self, method, path, headers, body):
        """The request to moto as it came (same headers, so the signature still holds); moto's answer back."""
        connection = http.client.HTTPConnection('127.0.0.1', self.upstream_port, timeout=30)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers.items():
                if name.lower() not in _HOP_BY_HOP:
                    connection.putheader(name, value)
            connection.putheader('Content-Length', str(len(body)))
            connection.endheaders(body)
            answer = connection.getresponse()
            payload = answer.read()
            kept = dict((name, value) for name, value in answer.getheaders() if name.lower() not in _HOP_BY_HOP)
            return answer.status, kept, payload
        finally:
            connection.close()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class MotoSes(object):
    """moto's ThreadedMotoServer (unmodified) on 127.0.0.1, behind ``AccountFront`` (see module doc).

    ``url`` is the front, ``moto_url`` moto itself.
    """

    def __init__(self):
        from moto.server import ThreadedMotoServer
        self._server = ThreadedMotoServer(ip_address='127.0.0.1', port=free_port(), verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.moto_url = 'http://%s:%d' % (host, port)
        self.front = AccountFront(port)
        self.url = self.front.url

    @property
    def account(self):
        return self.front.account

    def stop(self):
        self.front.close()
        self._server.stop()

    def reset(self):
        self.front.reset()
        self.enforce_auth(False)
        self._post('/moto-api/reset', b'')

    def without_account_apis(self):
        """The front answers the account operations as an endpoint that does not offer them."""
        self.front.answers = dict((operation, 'absent') for operation in ACCOUNT_OPERATIONS)

    def enforce_auth(self, enforce=True):
        # moto checks signatures and IAM policies once its no-auth action count is used up.
        self._post('/moto-api/reset-auth', b'0' if enforce else b'inf')

    def _post(self, path, body):
        request = urllib.request.Request(self.moto_url + path, data=body, method='POST',
                                         headers={'Content-Type': 'text/plain'})
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()

    # -- clients and scenarios, all through boto3 over HTTP ------------------------------------------
    def client(self, service, region='eu-west-1', key=FAKE_KEY, secret=FAKE_SECRET):
        import boto3
        return boto3.client(service, endpoint_url=self.moto_url, region_name=region, aws_access_key_id=key,
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

    def put_ses_metric(self, name, value, region='eu-west-1', minutes_ago=0):
        """One AWS/SES datapoint in moto's CloudWatch, ``minutes_ago`` minutes before now."""
        cloudwatch = self.client('cloudwatch', region)
        stamp = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=minutes_ago)
        cloudwatch.put_metric_data(Namespace='AWS/SES', MetricData=[{
            'MetricName': name, 'Value': value, 'Timestamp': stamp}])

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
