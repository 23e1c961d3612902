# -*- coding: utf-8 -*-
"""Audit reports written by hand for the HTML report tests: one with faults and a diagnosis (root
causes, explained symptoms, an unreachable host, a finding message with markup from a log), one of
a healthy fleet. Shapes follow docs/audit-report.md (schema 2) plus the diagnosis keys
``root_causes`` and ``explained_by``."""

from __future__ import annotations

import copy

SCRIPT_MESSAGE = 'ERROR 14:02:11 render failed: <script>alert("pwned")</script> & <b>bold</b>'


def _finding(fid, status, message, remedy='', section=None, subject=None, explained_by=None, **extra):
    finding = {'id': fid, 'status': status, 'message': message, 'remedy': remedy, 'guide_section': section,
               'subject': subject, 'value': extra.pop('value', None), 'threshold': extra.pop('threshold', None)}
    if explained_by:
        finding['explained_by'] = explained_by
    finding.update(extra)
    return finding


def _check(status, *findings):
    return {'status': status, 'findings': list(findings), 'metrics': {}, 'duration_seconds': 0.2}


def _ok():
    return _check('ok')


def faulty_report():
    app01 = {
        'site': 'customer-a', 'status': 'critical', 'duration_seconds': 2.4,
        'checks': {
            'resources': _ok(),
            'pm2': _check('critical', _finding(
                'pm2.daemon.not_running', 'critical', 'The PM2 daemon of user tank is not running (no God daemon)',
                'Start PM2 as the service user (pm2 resurrect) and check why it stopped.', '6', 'tank')),
            'logs': _check('unknown', *[_finding(
                'logs.file.missing', 'unknown', 'Log file %s not found' % path,
                'Check the app writes its log where PM2 says.', '8', path,
                explained_by='app01:pm2.daemon.not_running')
                for path in ('/home/tank/.pm2/logs/backend-out.log', '/home/tank/.pm2/logs/worker-out.log')]),
            'health': _check('critical', _finding(
                'health.request.refused', 'critical', 'GET http://127.0.0.1:3000/health: connection refused',
                'Start the backend.', '7', 'http://127.0.0.1:3000/health', explained_by='app01:pm2.daemon.not_running')),
            'nginx': _ok(),
        },
        'root_causes': [{'finding': 'pm2.daemon.not_running', 'check': 'pm2',
                         'checklist': '1. Backend not answering -> check `pm2 status`',
                         'remedy': 'Start PM2 as the service user (pm2 resurrect) and check why it stopped.',
                         'explains': ['logs.file.missing', 'health.request.refused']}],
    }
    worker02 = {
        'site': 'customer-a', 'status': 'warning', 'duration_seconds': 1.9,
        'checks': {
            'resources': _check('warning', _finding(
                'resources.disk.usage', 'warning', 'Filesystem / is 87% full', 'Free space or grow the disk.', '5',
                '/', value=87, threshold=85)),
            'pm2': _ok(),
            'logs': _check('critical',
                           _finding('logs.errors.ora12514', 'critical',
                                    '12 ORA-12514 lines in worker-error.log in the last 10 min', 'Check Oracle.', '8',
                                    'worker', explained_by='customer-a:oracle.listener.service_unknown'),
                           _finding('logs.errors.template', 'warning', SCRIPT_MESSAGE,
                                    'Fix the template named in the log.', '9', 'worker')),
            'health': _ok(),
        },
        'root_causes': [],
    }
    web01 = {'site': 'customer-a', 'status': 'unreachable', 'checks': {},
             'reason': 'Failed to connect to the host via ssh: ssh: connect to host web01 port 22: Connection refused',
             'root_causes': []}
    site_a = {
        'runner': 'worker02', 'status': 'critical',
        'checks': {
            'oracle': _check('critical', _finding(
                'oracle.listener.service_unknown', 'critical',
                'ORA-12514: TNS:listener does not currently know of service TANK requested in connect descriptor',
                'Check the service name and that the database registered with the listener (lsnrctl status).',
                '5', '127.0.0.1:1521/TANK')),
            'logsdb': _check('critical', _finding(
                'logsdb.database.unavailable', 'critical', 'Cannot connect to the Logs DB: ORA-12514',
                'See the oracle check.', '10', explained_by='customer-a:oracle.listener.service_unknown')),
            'ses': _ok(),
        },
        'root_causes': [{'finding': 'oracle.listener.service_unknown', 'check': 'oracle',
                         'checklist': '5. DB connection failure -> check Oracle listener / network',
                         'remedy': 'Check the service name and that the database registered with the listener '
                                   '(lsnrctl status).',
                         'explains': ['logsdb.database.unavailable', 'worker02:logs.errors.ora12514']}],
    }
    healthy_b = dict((h, {'site': 'customer-b', 'status': 'ok', 'duration_seconds': 1.1, 'root_causes': [],
                          'checks': {'resources': _ok(), 'pm2': _ok(), 'logs': _ok(), 'health': _ok(), 'nginx': _ok()}})
                     for h in ('b-app01', 'b-app02', 'b-web01'))
    site_b = {'runner': 'b-app01', 'status': 'ok', 'root_causes': [],
              'checks': {'oracle': _ok(), 'logsdb': _ok(), 'ses': _ok()}}
    hosts = {'app01': app01, 'worker02': worker02, 'web01': web01}
    hosts.update(healthy_b)
    return {
        'schema_version': 3, 'generated_at': '2026-12-01T09:37:56Z',
        'summary': {'hosts': 6, 'sites': 2, 'ok': 3, 'warning': 1, 'unknown': 0, 'critical': 1, 'unreachable': 1},
        'hosts': hosts, 'sites': {'customer-a': site_a, 'customer-b': site_b},
    }


def healthy_report():
    report = faulty_report()
    hosts = dict((h, e) for h, e in report['hosts'].items() if h.startswith('b-'))
    hosts['a-app01'] = copy.deepcopy(hosts['b-app01'])
    hosts['a-app01']['site'] = 'customer-a'
    sites = {'customer-b': report['sites']['customer-b'],
             'customer-a': dict(copy.deepcopy(report['sites']['customer-b']), runner='a-app01')}
    return {'schema_version': 3, 'generated_at': '2026-12-01T10:00:00Z',
            'summary': {'hosts': 4, 'sites': 2, 'ok': 4, 'warning': 0, 'unknown': 0, 'critical': 0, 'unreachable': 0},
            'hosts': hosts, 'sites': sites}


CHANGES = {
    'new': [{'where': 'app01', 'id': 'pm2.daemon.not_running', 'subject': 'tank', 'status': 'critical',
             'message': 'The PM2 daemon of user tank is not running (no God daemon)'}],
    'resolved': [{'where': 'customer-a', 'id': 'ses.account.sending_paused', 'subject': None, 'status': 'critical',
                  'message': 'SES sending is paused for the account'}],
    'persisting': [{'where': 'worker02', 'id': 'resources.disk.usage', 'subject': '/', 'status': 'warning',
                    'message': 'Filesystem / is 87% full'}],
}
