# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Findings in the operator's language: ONE catalogue keyed by finding id (docs/i18n.md).

Every finding id a check can emit has an entry here with, per language, a message template and
the remedy, and the guide section it comes from:

- the English remedy and the guide section are not copied: they are read from the check's own
  ``CATALOGUE`` (``FindingSpec``), so the two can never drift;
- the English message template documents what the check's message says, with the same
  placeholders as the Korean one (the English message itself is the finding's own, unchanged);
- the Korean remedy uses the words of the Korean original of the guide VERBATIM where the guide
  has words for it (``pm2 start 재실행``, ``DB 포트/Listener 확인``, ``SES 권한 키 만료`` ...).

Message templates take only the finding's measured fields, so no number is baked in:
``{subject}`` (the finding's subject), ``{value}`` (its value), ``{limit}`` (the breached level of
its threshold) and ``{unit}`` (the threshold's unit, translated). A finding whose English message
carries specifics no field holds (an error text, a path list) is marked ``detail``: its Korean
message is the template followed by the English original, marked ``원문``. A template that cannot
be filled (a field it names is empty) falls back to the English message, marked ``[원문]``.

Ids raised by the runner for any check (``<check>.timeout``...) are in ``COMMON``, keyed by their
local id. ``RULES`` (diagnosis rules, keyed by rule id) has the same shape.
"""

from __future__ import annotations

import re
import string

from ansible_collections.tank.monitoring.plugins.module_utils._labels import LANGUAGES

DEFAULT_LANG = 'en'
PLACEHOLDERS = ('subject', 'value', 'limit', 'unit')

# Marks for text that is not translated (the English original, kept because it carries specifics).
ORIGINAL_PREFIX = {'ko': '[원문] '}
DETAIL_SEPARATOR = {'ko': ' — 원문: '}

# Threshold units (``_thresholds.DEFAULTS``) per language.
UNITS = {
    'ko': {'%': '%', 's': '초', 'MB': 'MB', 'min': '분', 'jobs': '건', 'lines': '줄', 'days': '일',
           'intervals': '주기', 'runs': '회', 'errors': '건', 'h': '시간', '': ''},
}


def _e(en, ko, remedy, detail=False):
    return {'en': en, 'ko': ko, 'ko_remedy': remedy, 'detail': detail}


# Shared Korean remedies: the guide says the same thing for several findings.
_KO_ORA_SERVICE = ('SID/Service Name 오류 (가이드 §6, ORA-12514 / ORA-12505): DB 포트/Listener 확인. '
                   'DB 서버에서 lsnrctl status로 등록된 서비스를 보고, 접속 설정(애플리케이션 .env, 점검 옵션)의 '
                   'Service Name 또는 SID를 바로잡으세요.')
_KO_ORA_PRIVILEGES = '계정 권한 부족 (가이드 §6, ORA-28009): DB 계정 권한 수정.'
_KO_ORA_TIMEOUT = ('Timeout은 네트워크 차단 (가이드 §6): 방화벽 검증 (이 서버와 DB 사이 포트 개방, 무응답 차단 여부), '
                   '이어서 Oracle Listener 확인. Automation의 "Connect Test" 기능으로 테스트.')
_KO_DISK = ('Disk 80% 이상 → 배치 파일 저장 실패 위험 (가이드 §7, §9). 이 파일시스템의 공간을 비우거나 '
            '(오래된 로그, pm2 flush, 보관된 배치 파일) 용량을 늘리세요.')
_KO_INODES = ('파일시스템의 inode가 부족하여 새 파일을 만들 수 없습니다 (가이드 §7, §9): 작은 파일들(오래된 배치·임시 파일)을 '
              '지우거나 파일시스템을 늘리세요.')
_KO_FRONT = '프론트가 로드 안 될 경우 (가이드 §10): React build 파일 손상 / 권한 문제 / 포트 충돌. '
_KO_NGINX_APPLY = '`nginx -t`로 설정을 검사하고 `nginx -s reload`로 적용하세요 (가이드 §10).'
_KO_NAS = ('첨부파일 매칭 오류 발생 시 가장 흔한 원인 (가이드 §7): NAS 경로 변경 / 서버에서 권한 제거(Read Only 불가) / '
           '네트워크 드라이브 분리됨. 첨부파일 없음 → NAS 경로/권한 점검 (가이드 §13.3).')
_KO_SES_FAIL = '발송 실패 증가 시 점검 (가이드 §8): SES 권한 키 만료 / 이메일 주소 품질 문제 / Rate Limit 초과. '
_KO_CPU = ('80% 이상 지속 → Worker 병렬 처리 조정 필요 (가이드 §9). CPU 100% → 병렬 처리 수 감소 (가이드 §13.7). '
           '가장 바쁜 프로세스를 찾으세요 (top, pm2 monit).')
_KO_RATE = ('Rate Limit 초과 (가이드 §8): Worker 발송 속도나 병렬 처리를 Max Send Rate 아래로 낮추고 배치를 분산하거나, '
            'AWS에 발송 속도 상향을 요청하세요.')

FINDINGS = {
    # -- resources (guide §7, §9, §13.7) ------------------------------------------------------
    'resources.cpu.busy': _e(
        'CPU busy {value}{unit} sustained (limit {limit}{unit}).',
        'CPU 사용률 {value}{unit} 지속 (기준 {limit}{unit}).', _KO_CPU),
    'resources.cpu.pressure': _e(
        'Runnable tasks waited for a CPU {value}{unit} of the time (limit {limit}{unit}).',
        '작업이 CPU를 기다린 시간 비율 {value}{unit}: 모든 코어가 사용 중 (기준 {limit}{unit}).', _KO_CPU),
    'resources.memory.available': _e(
        'Only {value}{unit} of memory is available (limit {limit}{unit}).',
        '사용 가능한 메모리가 {value}{unit}뿐입니다 (기준 {limit}{unit}).',
        '메모리가 부족하면 Worker가 중단될 수 있음 (가이드 §9). 가장 큰 프로세스를 찾고 (pm2 monit, '
        'ps aux --sort=-rss), 누수가 있는 앱은 재시작하거나 (pm2 restart <app>) 메모리를 늘리세요.'),
    'resources.swap.used': _e(
        'Swap {value}{unit} used (limit {limit}{unit}).',
        '스왑 사용률 {value}{unit} (기준 {limit}{unit}).',
        '스왑을 쓰고 있습니다: 메모리가 부족하면 Worker가 중단될 수 있음 (가이드 §9). 가장 큰 프로세스를 찾아 '
        'Worker 병렬 처리를 줄이거나 메모리를 늘리세요.'),
    'resources.load.per_core': _e(
        'Load per core is {value} (limit {limit}).',
        '코어당 부하(load) {value} (기준 {limit}).',
        '실행 대기열이 CPU 코어 수를 넘습니다: CPU 100% → 병렬 처리 수 감소 (가이드 §13.7), 또는 부하를 다른 곳으로 옮기세요.'),
    'resources.filesystem.used': _e(
        'Filesystem {subject} is {value}{unit} full (limit {limit}{unit}).',
        '파일시스템 {subject} 사용률 {value}{unit} (기준 {limit}{unit}).', _KO_DISK),
    'resources.filesystem.inodes': _e(
        'Filesystem {subject} has {value}{unit} of its inodes used (limit {limit}{unit}).',
        '파일시스템 {subject}의 inode 사용률 {value}{unit} (기준 {limit}{unit}).', _KO_INODES),
    'resources.filesystem.unresponsive': _e(
        'Filesystem {subject} did not answer within {value} s.',
        '파일시스템 {subject}이(가) {value}초 안에 응답하지 않았습니다.',
        '파일시스템이 응답하지 않아 이를 건드리는 모든 프로세스가 멈춥니다 (멈춘 네트워크 드라이브 또는 FUSE 데몬, '
        '가이드 §7). 마운트 뒤의 서버와 네트워크를 확인하고 (dmesg, journalctl), 응답하면 다시 마운트하세요 '
        '(umount -l <마운트 지점>, mount <마운트 지점>).', detail=True),
    'resources.filesystem.error': _e(
        'Filesystem {subject} cannot be measured.',
        '파일시스템 {subject}을(를) 측정할 수 없습니다.',
        '파일시스템을 측정할 수 없습니다 (예: "Transport endpoint is not connected": FUSE 데몬 종료, 또는 I/O 오류). '
        '시스템 로그(dmesg, journalctl)를 보고 다시 마운트하세요 (가이드 §7).', detail=True),

    # -- pm2 (guide §3) ---------------------------------------------------------------------
    'pm2.not_installed': _e(
        'PM2 is not installed for {subject}.',
        '{subject} 사용자에 PM2가 설치되어 있지 않습니다.',
        'Tank 시스템의 핵심 프로세스는 PM2로 관리됩니다 (가이드 §3): PM2 사용자에 Node.js와 PM2를 설치하고 '
        '(npm install -g pm2), ecosystem 파일로 앱을 시작한 뒤 (pm2 start ecosystem.config.js) '
        '자동 재시작 설정(필수): pm2 startup, pm2 save. PM2가 다른 위치에 있으면 pm2_executable 옵션에 전체 경로를 지정하세요.',
        detail=True),
    'pm2.daemon.not_running': _e(
        'The PM2 daemon (PM2_HOME {subject}) is not running.',
        'PM2 데몬(PM2_HOME {subject})이 실행 중이 아닙니다: PM2 앱이 하나도 돌지 않습니다.',
        'PM2 데몬이 없어 Backend도 Worker도 돌지 않습니다: PM2 사용자로 앱을 다시 시작하고 (pm2 resurrect 또는 '
        'pm2 start <ecosystem 파일>) pm2 save. 자동 재시작 설정(필수): pm2 startup, pm2 save (가이드 §3). '
        'Backend 응답 없음 → pm2 status 확인 (가이드 §13.1).'),
    'pm2.executable.not_found': _e(
        'pm2 not found for {subject}; set pm2_executable.',
        '{subject} 사용자의 pm2 실행 파일을 찾지 못했습니다.',
        'pm2 실행 파일이 없습니다 (nvm으로 설치한 Node는 비대화형 셸의 PATH에 없음): pm2_executable 옵션에 pm2의 전체 경로를 지정하세요.'),
    'pm2.cli.failed': _e(
        'The pm2 command {subject} failed.',
        'pm2 명령({subject})이 실패했습니다.',
        'pm2 명령이 실패했거나 프로세스 목록을 주지 않았습니다: 같은 PM2_HOME으로 PM2 사용자가 pm2 jlist를 실행해 '
        '출력되는 오류를 고치세요.', detail=True),
    'pm2.app.unreadable': _e(
        'PM2 reports unreadable fields for the app {subject}.',
        'PM2가 보고한 앱 {subject}의 항목을 판단할 수 없습니다.',
        'PM2가 이 앱의 항목을 평소와 다르게 기록했습니다: pm2 describe <app>, pm2 jlist를 보세요. 손상된 프로세스 목록은 '
        '앱을 지우고 다시 시작하여 정리한 뒤 (pm2 delete <app>, pm2 start <ecosystem 파일> --only <app>) pm2 save.',
        detail=True),
    'pm2.app.missing': _e(
        'The app {subject} is not registered in PM2.',
        '앱 {subject}이(가) PM2에 등록되어 있지 않습니다.',
        '앱이 PM2에 없습니다: ecosystem 파일로 시작하고 (pm2 start ecosystem.config.js --only <app>), pm2 list로 '
        'online 상태인지 확인한 뒤 pm2 save (가이드 §3).', detail=True),
    'pm2.app.stopped': _e(
        'The app {subject} is {value}.',
        '앱 {subject} 상태: {value}.',
        'stopped → pm2 start 재실행 (가이드 §3). 이후 pm2 list에서 online인지 확인하세요.'),
    'pm2.app.errored': _e(
        'The app {subject} is {value}.',
        '앱 {subject} 상태: {value}.',
        'errored → 로그 확인 후 재시작 (가이드 §3): pm2 logs <app> --lines 100으로 원인을 고친 뒤 pm2 restart <app>.'),
    'pm2.app.restart_loop': _e(
        'The app {subject} restarted {value} time(s) while watched: a restart loop.',
        '앱 {subject}이(가) 관찰하는 동안 {value}회 재시작했습니다: 재시작 반복(restarting loop).',
        'restarting loop → .env 또는 코드 오류 가능 (가이드 §3): 오류 로그를 읽고 (pm2 logs <app> --err --lines 100) '
        '설정이나 코드를 고친 뒤 pm2 restart <app>.'),
    'pm2.app.recently_restarted': _e(
        'The app {subject} has been up only {value}{unit} (limit {limit}{unit}).',
        '앱 {subject}이(가) 재시작 후 {value}{unit}만 실행되었습니다 (기준 {limit}{unit}).',
        '앱이 방금 재시작했습니다: 재시작 횟수가 계속 늘면 restarting loop → .env 또는 코드 오류 가능 (가이드 §3). '
        'pm2 logs <app> --err를 읽고 1분 뒤 pm2 list와 비교하세요.'),
    'pm2.app.not_online': _e(
        'The app {subject} is in state {value}.',
        '앱 {subject} 상태: {value} (online 아님).',
        '앱이 online이 아닙니다: pm2 logs <app>를 읽고 pm2 restart <app>. online을 유지하지 못하면 '
        '.env 또는 코드 오류 가능 (가이드 §3).'),
    'pm2.app.memory': _e(
        'The app {subject} uses {value} {unit} of memory (limit {limit} {unit}).',
        '앱 {subject} 메모리 사용량 {value}{unit} (기준 {limit}{unit}).',
        '메모리가 부족하면 Worker가 중단될 수 있음 (가이드 §9): 누수를 찾고 (pm2 monit), 앱을 재시작하거나 '
        '(pm2 restart <app>) ecosystem 파일에 max_memory_restart를 설정하세요.'),
    'pm2.app.cpu': _e(
        'The app {subject} keeps {value}{unit} of a CPU busy (limit {limit}{unit}).',
        '앱 {subject} CPU 사용률 {value}{unit} 지속 (기준 {limit}{unit}).',
        '80% 이상 지속 → Worker 병렬 처리 조정 필요 (가이드 §9). CPU 100% → 병렬 처리 수 감소 (가이드 §13.7). pm2 monit으로 지켜보세요.'),
    'pm2.startup.missing': _e(
        'No PM2 startup unit {subject}: PM2 will not start on boot.',
        'PM2 시작 유닛 {subject}이(가) 없습니다: 부팅 시 PM2가 시작되지 않습니다.',
        '자동 재시작 설정(필수) (가이드 §3): PM2 사용자로 pm2 startup을 실행하고 출력된 명령을 실행한 뒤 '
        '(또는 tank.monitoring.pm2_startup 롤) pm2 save.', detail=True),
    'pm2.startup.disabled': _e(
        'The PM2 startup unit {subject} is not enabled.',
        'PM2 시작 유닛 {subject}이(가) 활성화되어 있지 않습니다.',
        '시작 유닛은 있으나 활성화되지 않아 부팅 시 PM2가 시작되지 않습니다. 자동 재시작 설정(필수) (가이드 §3): '
        'systemctl enable pm2-<user>.service (또는 tank.monitoring.pm2_startup 롤).'),
    'pm2.startup.home_mismatch': _e(
        'The startup unit {subject} resurrects PM2_HOME {value}.',
        '시작 유닛 {subject}이(가) 다른 PM2_HOME({value})을 되살립니다.',
        '재부팅 후 다른 앱이 올라옵니다: PM2 사용자로 pm2 startup을 다시 실행하고 (또는 올바른 PM2 home으로 '
        'tank.monitoring.pm2_startup 롤) pm2 save (가이드 §3).', detail=True),
    'pm2.dump.missing': _e(
        'No saved process list {subject}.',
        '저장된 프로세스 목록 {subject}이(가) 없습니다: 재부팅 후 PM2가 아무 앱도 시작하지 않습니다.',
        '모든 앱이 online일 때 PM2 사용자로 pm2 save를 한 번 실행하세요 (가이드 §3: pm2 startup, pm2 save).'),
    'pm2.dump.stale_app': _e(
        'The saved list holds the app {subject}, which PM2 no longer runs.',
        '저장된 목록(dump.pm2)에 PM2가 더 이상 실행하지 않는 앱 {subject}이(가) 있습니다.',
        '재부팅 후 이 앱이 다시 올라옵니다: 모든 앱이 online일 때 PM2 사용자로 pm2 save (가이드 §3).'),
    'pm2.dump.unsaved_app': _e(
        'The app {subject} is online but not in the saved list.',
        '앱 {subject}은(는) online이지만 저장된 목록(dump.pm2)에 없습니다.',
        '마지막 pm2 save 이후 시작된 앱이라 재부팅 후 돌아오지 않습니다: 모든 앱이 online일 때 PM2 사용자로 pm2 save (가이드 §3).'),

    # -- logs (guide §5, §6, §13) -------------------------------------------------------------
    'logs.scheduler.silent': _e(
        'No "Scheduler" line in the logs of {subject} for {value} {unit} (limit {limit} {unit}).',
        '{subject} 로그에 {value}{unit} 동안 "Scheduler" 로그가 없습니다 (기준 {limit}{unit}).',
        'Scheduler는 자동으로 Job을 생성하므로 다음 로그 확인 (가이드 §5): pm2 logs worker | grep "Scheduler". '
        'AUTO_RUN_LOG의 실행 패턴도 보세요. Worker 멈춤 → pm2 restart worker (가이드 §13.6).'),
    'logs.worker.idle': _e(
        'The worker ({subject}) wrote {value} "Processing job" line(s) in the window.',
        'Worker({subject})가 점검 구간에 "Processing job" 로그를 {value}건 남겼습니다.',
        '"Processing job" 로그 반복 → 정상 (가이드 §5)인데 반복되지 않습니다: Scheduler와 Worker 오류 로그 '
        '(pm2 logs worker --err)를 확인하세요. Worker 멈춤 → pm2 restart worker (가이드 §13.6).'),
    'logs.errors.ora12514': _e(
        '{value} ORA-12514 error {unit} in the {subject} logs (limit {limit} {unit}).',
        '{subject} 로그에 ORA-12514 오류 {value}{unit} (기준 {limit}{unit}).', _KO_ORA_SERVICE, detail=True),
    'logs.errors.ora28009': _e(
        '{value} ORA-28009 error {unit} in the {subject} logs (limit {limit} {unit}).',
        '{subject} 로그에 ORA-28009 오류 {value}{unit} (기준 {limit}{unit}).', _KO_ORA_PRIVILEGES, detail=True),
    'logs.errors.oracle_timeout': _e(
        '{value} Oracle connection timeout {unit} in the {subject} logs (limit {limit} {unit}).',
        '{subject} 로그에 Oracle Connection Timeout {value}{unit} (기준 {limit}{unit}).', _KO_ORA_TIMEOUT, detail=True),
    'logs.errors.oracle': _e(
        '{value} Oracle error {unit} in the {subject} logs (limit {limit} {unit}).',
        '{subject} 로그에 Oracle 오류 {value}{unit} (기준 {limit}{unit}).',
        'DB 연결 실패 → Oracle Listener / 네트워크 점검 (가이드 §13.5). Automation의 "Connect Test" 기능으로 테스트 (가이드 §6).',
        detail=True),
    'logs.errors.file': _e(
        '{value} file error {unit} in the {subject} logs (limit {limit} {unit}).',
        '{subject} 로그에 파일 오류 {value}{unit} (기준 {limit}{unit}).', _KO_NAS, detail=True),
    'logs.errors.ses': _e(
        '{value} SES error {unit} in the {subject} logs (limit {limit} {unit}).',
        '{subject} 로그에 SES 오류 {value}{unit} (기준 {limit}{unit}).',
        _KO_SES_FAIL + 'SES 발송 오류 → SES 콘솔에서 Metric 확인 (가이드 §13.4).', detail=True),
    'logs.errors.template': _e(
        '{value} template error {unit} in the {subject} logs (limit {limit} {unit}).',
        '{subject} 로그에 템플릿 오류 {value}{unit} (기준 {limit}{unit}).',
        'Template Error → TEMPLATE_LOG 확인 (가이드 §13.2): 실패한 템플릿을 찾아 고치세요.', detail=True),
    'logs.errors.other': _e(
        '{value} error {unit} in the {subject} logs (limit {limit} {unit}).',
        '{subject} 로그에 오류 {value}{unit} (기준 {limit}{unit}).',
        'Error 로그 반복 → DB/파일/SES 문제 (가이드 §5): pm2 logs <app> --err --lines 200에서 원인을 읽으세요.',
        detail=True),
    'logs.file.missing': _e(
        'No log file {subject}.',
        '로그 파일 {subject}을(를) 찾을 수 없습니다.',
        '앱의 로그 파일이 없습니다: 로그 경로를 확인하거나 (pm2 describe <app>) log_files를 지정하세요 (가이드 §3, §5).',
        detail=True),
    'logs.timestamps.missing': _e(
        'The logs of the app {subject} have no timestamps.',
        '앱 {subject}의 로그에 타임스탬프가 없어 구간 내 활동과 오류를 판단할 수 없습니다.',
        '앱을 타임스탬프와 함께 시작하고 (pm2 start ... --time, 또는 ecosystem 파일의 time: true) pm2 save.',
        detail=True),
    'logs.scan.limited': _e(
        'Reading the logs of {subject} stopped before the start of the window.',
        '{subject} 로그를 구간 시작까지 읽지 못해 집계가 부분적입니다.',
        'max_scan_bytes나 timeout을 늘리거나 window_minutes를 줄이세요. 로그를 순환(pm2-logrotate)하세요.',
        detail=True),

    # -- health (guide §4, §13.1) ----------------------------------------------------------
    'health.request.refused': _e(
        'GET {subject}: connection refused.',
        'GET {subject}: 응답 없음 (연결 거부).',
        '응답 없음 → Backend 다운 또는 네트워크 오류 가능 (가이드 §4). Backend 응답 없음 → pm2 status 확인 '
        '(가이드 §13.1) 후 Backend를 시작/재시작하세요 (pm2 start / pm2 restart backend). PM2에서 online이면 '
        '수신 포트와 방화벽을 확인하세요.', detail=True),
    'health.request.timeout': _e(
        'GET {subject}: no answer in time.',
        'GET {subject}: 제한 시간 안에 응답 없음.',
        '연결은 되었으나 응답이 없습니다: Backend가 멈췄거나 과부하, 또는 네트워크가 트래픽을 버립니다. '
        'Backend 응답 없음 → pm2 status 확인 (가이드 §13.1), pm2 logs backend를 보고 멈췄으면 재시작한 뒤 방화벽을 검증하세요.',
        detail=True),
    'health.request.dns': _e(
        'GET {subject}: the host name does not resolve.',
        'GET {subject}: 호스트 이름을 찾을 수 없습니다.',
        'URL을 고치거나 Backend 호스트의 DNS / /etc/hosts 항목을 고치세요 (가이드 §4).', detail=True),
    'health.request.tls': _e(
        'GET {subject}: the TLS handshake failed.',
        'GET {subject}: TLS 핸드셰이크 실패.',
        '서버 인증서를 갱신하거나 고치세요 (만료, 호스트 이름 불일치, 신뢰되지 않는 발급자). 또는 점검에 CA(ca_path)나 '
        '필요한 클라이언트 인증서를 지정하세요.', detail=True),
    'health.request.connection': _e(
        'GET {subject}: the connection failed.',
        'GET {subject}: 연결 실패.',
        '응답 없음 → Backend 다운 또는 네트워크 오류 가능 (가이드 §4): pm2 status 확인 (가이드 §13.1), 중간 프록시(use_proxy)와 '
        '네트워크 경로를 확인하세요.', detail=True),
    'health.response.status_code': _e(
        'GET {subject} answered HTTP {value}.',
        'GET {subject}이(가) HTTP {value}로 응답했습니다.',
        'pm2 logs backend에서 오류를 읽으세요. 프록시의 502/504는 뒤의 Backend 다운을 뜻합니다: pm2 status 확인 (가이드 §13.1).',
        detail=True),
    'health.response.not_json': _e(
        'GET {subject} did not answer JSON.',
        'GET {subject}이(가) JSON으로 응답하지 않았습니다.',
        '프록시 오류 페이지나 프론트엔드가 응답한 것입니다: URL이 Backend의 GET /api/health에 닿는지와 프록시 설정을 확인하고 '
        'pm2 status 확인 (가이드 §13.1).', detail=True),
    'health.response.status_not_ok': _e(
        'GET {subject} does not report status ok.',
        'GET {subject}의 응답이 정상 응답({{ "status": "ok" }})이 아닙니다.',
        'pm2 logs backend에서 실패한 의존 대상을 찾아 고치고, 원인이 사라지면 Backend를 재시작하세요 (가이드 §4).',
        detail=True),
    'health.indicator.down': _e(
        'Health indicator {subject} is {value}.',
        '헬스 지표 {subject} 상태: {value}.',
        'Backend의 의존 대상이 다운되었습니다: database는 Oracle Listener, 계정, 네트워크 (가이드 §6), disk/storage는 '
        'NAS 경로, 마운트, 여유 공간 (가이드 §7)을 확인하고 pm2 logs backend를 읽으세요.', detail=True),
    'health.indicator.degraded': _e(
        'Health indicator {subject} is {value}.',
        '헬스 지표 {subject} 상태: {value} (성능 저하).',
        '헬스체크는 통과하지만 의존 대상이 축소된 용량으로 동작하며 다음에 다운될 수 있습니다. 지표의 메시지와 '
        'pm2 logs backend를 읽고, database는 Oracle 세션·Listener·응답 시간 (가이드 §6), disk/storage는 NAS 마운트와 '
        '여유 공간 (가이드 §7)을 장애가 되기 전에 고치세요.', detail=True),
    'health.assertion.failed': _e(
        'Assertion {subject} on the health body failed.',
        '헬스 응답 본문이 조건 {subject}을(를) 만족하지 않습니다.',
        '응답 본문과 pm2 logs backend를 읽어 Backend의 어느 부분이 문제를 보고하는지 확인하세요 (가이드 §4).', detail=True),
    'health.response.latency': _e(
        'GET {subject} took {value} {unit} (limit {limit} {unit}).',
        'GET {subject} 응답 시간 {value}{unit} (기준 {limit}{unit}).',
        'Backend나 의존 대상(DB, 스토리지)이 과부하입니다: pm2 monit, CPU와 메모리 (가이드 §9), DB 응답 시간을 확인하세요.'),

    # -- nginx (guide §10) ----------------------------------------------------------------
    'nginx.process.not_running': _e(
        'No nginx master process is running ({subject}).',
        'nginx 마스터 프로세스가 실행 중이 아닙니다 ({subject}).',
        'Nginx 재시작 여부 확인 (가이드 §10): systemctl status nginx와 nginx 오류 로그에서 멈춘 이유를 보고 '
        '(흔히 설정 오류나 다른 프로세스가 잡은 포트) 고친 뒤 nginx -t로 확인하고 다시 시작하세요 (systemctl start nginx).'),
    'nginx.service.inactive': _e(
        'systemd reports the {subject} service {value}.',
        'systemd의 {subject} 서비스 상태: {value}.',
        'systemctl status nginx로 이유를 읽고 고친 뒤 nginx -t로 검사하고 systemctl start nginx (가이드 §10).'),
    'nginx.config.invalid': _e(
        '`nginx -t` failed for {subject}.',
        '`nginx -t` 검사 실패 ({subject}).',
        '오류에 나온 파일과 줄을 고친 뒤 문제 발생 시: nginx -t, nginx -s reload (가이드 §10).', detail=True),
    'nginx.config.untested': _e(
        'The nginx configuration could not be tested.',
        'nginx 설정을 검사할 수 없었습니다.',
        '점검이 nginx 실행 파일을 찾을 수 있게 하고 (binary 옵션), 설정을 읽을 권한으로 실행하세요 (become: true).',
        detail=True),
    'nginx.stub_status.unreachable': _e(
        'The stub_status URL {subject} does not answer.',
        'stub_status URL {subject}이(가) 응답하지 않습니다.',
        'status_url과 nginx 설정의 `stub_status;` location(이 호스트에서 허용)을 확인한 뒤 ' + _KO_NGINX_APPLY,
        detail=True),
    'nginx.stub_status.unparsable': _e(
        'GET {subject} did not answer stub_status text.',
        'GET {subject}이(가) stub_status 형식으로 응답하지 않았습니다.',
        'status_url을 `stub_status;`가 있는 location으로 지정한 뒤 (SPA나 다른 페이지 아님) ' + _KO_NGINX_APPLY,
        detail=True),
    'nginx.stub_status.dropped': _e(
        'Nginx dropped {value} accepted connections ({subject}).',
        'Nginx가 수락한 연결 중 {value}개를 처리하지 못했습니다 ({subject}).',
        'worker_connections 또는 열린 파일 한도에 도달했습니다: worker_connections / worker_rlimit_nofile을 늘린 뒤 '
        + _KO_NGINX_APPLY, detail=True),
    'nginx.front_page.unavailable': _e(
        'The front page {subject} does not load.',
        '웹 화면 {subject}이(가) 로드되지 않습니다.',
        _KO_FRONT + 'nginx 오류 로그를 읽으세요. 403은 worker 사용자가 웹 루트를 읽지 못함, 연결 거부는 nginx가 수신하지 않음 '
        '(미실행 또는 포트 충돌), 404나 500은 root / try_files 설정 또는 빌드 누락입니다.', detail=True),
    'nginx.front_page.not_html': _e(
        'The front page {subject} answered {value}, not HTML.',
        '웹 화면 {subject}이(가) HTML이 아닌 {value}로 응답했습니다.',
        _KO_FRONT + 'URL이 React build(nginx 설정의 root와 index)를 가리키는지 확인한 뒤 ' + _KO_NGINX_APPLY, detail=True),
    'nginx.front_page.asset_missing': _e(
        'The asset {subject} could not be fetched.',
        '빌드 파일 {subject}을(를) 가져올 수 없습니다.',
        _KO_FRONT + 'index.html이 참조하는 스크립트나 스타일시트가 없어 React build가 손상되었거나 일부만 배포되었습니다: '
        '전체 빌드를 다시 배포하세요 (같은 빌드의 index.html과 static/).', detail=True),
    'nginx.front_page.asset_empty': _e(
        'The asset {subject} is empty ({value} bytes).',
        '빌드 파일 {subject}이(가) 비어 있습니다 ({value}바이트).',
        _KO_FRONT + '빌드 파일이 비어 React build 파일 손상입니다 (복사 중단 또는 디스크 가득 참): 여유 공간을 확인하고 '
        '(가이드 §9) 전체 빌드를 다시 배포하세요.'),
    'nginx.front_page.asset_content_type': _e(
        'The asset {subject} is served as {value}.',
        '빌드 파일 {subject}이(가) {value} 형식으로 제공됩니다.',
        _KO_FRONT + '잘못된 content type은 브라우저가 거부합니다: nginx 설정의 http 블록에 mime.types를 포함한 뒤 '
        + _KO_NGINX_APPLY),
    'nginx.front_page.latency': _e(
        'GET {subject} took {value} {unit} (limit {limit} {unit}).',
        'GET {subject} 응답 시간 {value}{unit} (기준 {limit}{unit}).',
        '웹 화면이 느리게 로드됩니다: nginx 오류 로그, 호스트 자원 (가이드 §9), 웹 루트의 디스크를 확인하세요.'),
    'nginx.web_root.unreadable': _e(
        'Paths under {subject} cannot be read by the nginx worker user.',
        '{subject} 아래 경로를 nginx worker 사용자가 읽을 수 없습니다.',
        _KO_FRONT + '권한 문제: worker 사용자에게 파일 읽기 권한과 루트까지 모든 디렉토리의 실행 권한을 주세요 '
        '(예: chmod -R o+rX, 또는 worker 사용자 그룹으로 chown).', detail=True),
    'nginx.port.conflict': _e(
        'Port {subject} is held by another process.',
        '포트 {subject}을(를) 다른 프로세스가 잡고 있습니다 (포트 충돌).',
        _KO_FRONT + '포트 충돌: 그 프로세스를 멈추거나 옮기고 (또는 listen 포트 변경) nginx를 시작한 뒤 nginx -t로 확인하세요.',
        detail=True),
    'nginx.port.not_listening': _e(
        'Nginx does not listen on port {subject}.',
        'Nginx가 포트 {subject}에서 수신하지 않습니다.',
        '다른 설정으로 시작되었거나 포트 변경 후 reload되지 않았습니다. 문제 발생 시: nginx -t, nginx -s reload (가이드 §10).',
        detail=True),
    'nginx.port.unverified': _e(
        'The process holding a port could not be identified.',
        '포트를 잡고 있는 프로세스를 확인할 수 없습니다.',
        '모든 프로세스를 볼 수 있는 권한으로 점검을 실행하세요 (become: true).', detail=True),

    # -- oracle (guide §6, §13.5) --------------------------------------------------------------
    'oracle.connect.refused': _e(
        'Cannot connect to Oracle at {subject}: connection refused.',
        'Oracle({subject})에 연결할 수 없습니다: 연결 거부.',
        'DB 포트에서 연결을 받는 것이 없습니다. DB 연결 실패 → Oracle Listener / 네트워크 점검 (가이드 §13.5): '
        '이 호스트와 포트에서 Listener가 시작되었는지 (lsnrctl status), DB 호스트가 살아 있는지 확인하세요.', detail=True),
    'oracle.connect.timeout': _e(
        'Cannot connect to Oracle at {subject}: timeout.',
        'Oracle({subject}) 연결 Timeout.', _KO_ORA_TIMEOUT, detail=True),
    'oracle.connect.reset': _e(
        'Cannot connect to Oracle at {subject}: connection reset.',
        'Oracle({subject}) 연결이 끊겼습니다.',
        'DB나 네트워크가 연결을 닫았습니다. DB 연결 실패 → Oracle Listener / 네트워크 점검 (가이드 §13.5): 연결을 끊는 '
        '방화벽이나 프록시, 죽는 Listener, 포트와 맞지 않는 TCPS/TCP.', detail=True),
    'oracle.connect.name_resolution': _e(
        'Cannot connect to Oracle at {subject}: the host name does not resolve.',
        'Oracle({subject})의 호스트 이름을 찾을 수 없습니다.',
        '접속 설정의 호스트 이름이나 이 호스트의 DNS / /etc/hosts를 고치세요 (가이드 §6).', detail=True),
    'oracle.listener.service_unknown': _e(
        'Cannot connect to Oracle at {subject}: {value}.',
        'Oracle({subject}) 연결 실패: {value} (SID/Service Name 오류).', _KO_ORA_SERVICE, detail=True),
    'oracle.listener.sid_unknown': _e(
        'Cannot connect to Oracle at {subject}: {value}.',
        'Oracle({subject}) 연결 실패: {value} (SID/Service Name 오류).', _KO_ORA_SERVICE, detail=True),
    'oracle.listener.refused': _e(
        'The listener of {subject} refused the connection ({value}).',
        'Oracle({subject}) Listener가 연결을 거부했습니다 ({value}).',
        'DB 포트/Listener 확인 (가이드 §6): lsnrctl status, lsnrctl services와 DB 인스턴스 상태를 확인하세요.', detail=True),
    'oracle.database.unavailable': _e(
        'The database at {subject} is not open ({value}).',
        'Oracle({subject}) 인스턴스가 열려 있지 않습니다 ({value}).',
        'Listener는 응답하지만 DB 인스턴스가 열려 있지 않습니다 (시작 중, 종료 중, 다운): DBA에게 DB를 열도록 한 뒤 다시 테스트하세요.',
        detail=True),
    'oracle.login.invalid_credentials': _e(
        'Login to {subject} failed ({value}).',
        'Oracle({subject}) 로그인 실패 ({value}): 사용자 이름 또는 비밀번호 오류.',
        '점검과 애플리케이션 .env가 쓰는 계정 정보를 바로잡거나 계정 비밀번호를 재설정하세요 (ORA-01017).', detail=True),
    'oracle.login.account_locked': _e(
        'Login to {subject} failed ({value}).',
        'Oracle({subject}) 계정이 잠겼습니다 ({value}).',
        'DB 계정이 잠겼습니다 (ORA-28000, 보통 잘못된 비밀번호 반복): DB 계정 수정 (ALTER USER ... ACCOUNT UNLOCK) 후 '
        '잘못된 비밀번호를 쓰는 곳을 찾으세요.', detail=True),
    'oracle.login.password_expired': _e(
        'Login to {subject} failed ({value}).',
        'Oracle({subject}) 계정 비밀번호가 만료되었습니다 ({value}).',
        'DB 계정 비밀번호 만료 (ORA-28001): DB 계정 수정 (새 비밀번호 설정) 후 애플리케이션 설정을 갱신하세요.', detail=True),
    'oracle.login.password_grace': _e(
        'Login to {subject} warned ({value}).',
        'Oracle({subject}) 로그인 경고 ({value}): 비밀번호 만료 유예 기간.',
        '비밀번호가 곧 만료됩니다 (ORA-28002): 애플리케이션이 잠기기 전에 바꾸고 애플리케이션 설정을 갱신하세요.', detail=True),
    'oracle.login.insufficient_privileges': _e(
        'Login to {subject} failed ({value}).',
        'Oracle({subject}) 로그인 실패 ({value}): 계정 권한 부족.', _KO_ORA_PRIVILEGES, detail=True),
    'oracle.login.no_create_session': _e(
        'Login to {subject} failed ({value}).',
        'Oracle({subject}) 로그인 실패 ({value}): CREATE SESSION 권한 없음.',
        '계정 권한 부족 (가이드 §6; ORA-01045): DB 계정 권한 수정 (GRANT CREATE SESSION).', detail=True),
    'oracle.connect.failed': _e(
        'Cannot connect to Oracle at {subject}.',
        'Oracle({subject})에 연결할 수 없습니다.',
        'DB 연결 실패 → Oracle Listener / 네트워크 점검 (가이드 §13.5): 메시지의 오류를 참고하세요.', detail=True),
    'oracle.connect.time': _e(
        'Connecting to {subject} took {value} {unit} (limit {limit} {unit}).',
        'Oracle({subject}) 연결에 {value}{unit} 걸렸습니다 (기준 {limit}{unit}).',
        '이 호스트와 DB 사이 네트워크, Listener와 DB 부하를 확인하세요 (가이드 §6).'),
    'oracle.query.time': _e(
        'A trivial query on {subject} took {value} {unit} (limit {limit} {unit}).',
        'Oracle({subject})의 단순 쿼리에 {value}{unit} 걸렸습니다 (기준 {limit}{unit}).',
        'DB가 과부하이거나 대기 중입니다: DBA와 부하와 세션을 확인하세요 (가이드 §6).'),
    'oracle.query.timeout': _e(
        'A trivial query on {subject} did not complete in time.',
        'Oracle({subject})의 단순 쿼리가 제한 시간 안에 끝나지 않았습니다.',
        'DB가 멈췄거나 막혀 있거나, 로그인 후 네트워크가 패킷을 버립니다: 방화벽 검증 (가이드 §6).', detail=True),
    'oracle.query.failed': _e(
        'A trivial query on {subject} failed.',
        'Oracle({subject})의 단순 쿼리가 실패했습니다.',
        '메시지의 Oracle 오류를 읽고 DB 상태와 계정을 확인하세요 (가이드 §6).', detail=True),
    'oracle.password.expiry': _e(
        'The password of DB account {subject} expires in {value} {unit} (limit {limit} {unit}).',
        'DB 계정 {subject}의 비밀번호가 {value}{unit} 후 만료됩니다 (기준 {limit}{unit}).',
        '애플리케이션이 잠기기 전에 비밀번호(와 애플리케이션 설정)를 바꾸세요 (ORA-28001).'),

    # -- logsdb (guide §5, §11) --------------------------------------------------------------
    'logsdb.database.unavailable': _e(
        'The Logs DB {subject} cannot be read.',
        'Logs DB {subject}을(를) 읽을 수 없습니다.',
        '발송 이력을 판단할 수 없습니다: Oracle이면 tank.monitoring.oracle_check로 원인(Listener, 네트워크, 계정)을 보고, '
        'SQLite면 경로와 점검 사용자의 읽기 권한을 확인하세요.', detail=True),
    'logsdb.query.failed': _e(
        'The query on {subject} failed.',
        '{subject} 조회가 실패했습니다.',
        '점검에 설정한 테이블과 컬럼 이름이 있는지 (사이트마다 스키마가 다르면 점검 옵션에서 지정), 계정이 읽을 수 있는지 확인하세요.',
        detail=True),
    'logsdb.query.timeout': _e(
        'The query on {subject} did not finish in time.',
        '{subject} 조회가 제한 시간 안에 끝나지 않았습니다.',
        '테이블의 시간 컬럼에 권장 인덱스를 만들거나 (extras/logsdb/schema.*.sql) query_timeout을 늘리세요.', detail=True),
    'logsdb.auto_run.missed': _e(
        '{subject}: {value} {unit} without a run (limit {limit} {unit}).',
        '{subject}: 자동 실행이 {value}{unit} 동안 없었습니다 (기준 {limit}{unit}).',
        'LogsDB의 AUTO_RUN_LOG를 조회, 정상 패턴인지 주기적으로 점검 (가이드 §5). Scheduler 확인: '
        'pm2 logs worker | grep "Scheduler", Worker가 online인지 (pm2 list) 확인하세요.', detail=True),
    'logsdb.auto_run.failed': _e(
        '{subject}: {value} failed automation {unit} (limit {limit} {unit}).',
        '{subject}: 자동 실행 실패 {value}{unit} (기준 {limit}{unit}).',
        'AUTO_RUN_LOG의 실패 (가이드 §5): Worker 로그(pm2 logs worker)에서 오류를 읽으세요. '
        'Error 로그 반복 → DB/파일/SES 문제.', detail=True),
    'logsdb.auto_run.stuck': _e(
        '{subject}: {value} automation {unit} never ended.',
        '{subject}: 시작 후 끝나지 않은 자동 실행 {value}{unit}.',
        'Worker 멈춤 → pm2 restart worker (가이드 §13.6): 먼저 pm2 logs worker를 읽으세요.', detail=True),
    'logsdb.auto_run.irregular': _e(
        '{subject}: irregular run gap of {value} {unit} (limit {limit} {unit}).',
        '{subject}: 자동 실행 간격이 불규칙합니다 ({value}{unit}, 기준 {limit}{unit}).',
        'Automation 실행 간격 확인 (가이드 §5): 누락된 스케줄이나 두 번째 Scheduler(Worker 인스턴스 2개)를 pm2 list와 '
        'pm2 logs worker | grep "Scheduler"에서 찾으세요.', detail=True),
    'logsdb.email_send.fail_spike': _e(
        '{subject}: FAIL is {value}{unit} of the sends (limit {limit}{unit}).',
        '{subject}: 발송 FAIL 비율 {value}{unit} (기준 {limit}{unit}).',
        '갑자기 FAIL 증가 → Worker/SES/DB 문제 가능 (가이드 §11): pm2 logs worker, SES 지표와 권한 키 (가이드 §8), '
        'Oracle 연결 (가이드 §6)을 확인하세요.', detail=True),
    'logsdb.attachment.not_found': _e(
        '{subject}: NOT_FOUND is {value}{unit} of the attachments (limit {limit}{unit}).',
        '{subject}: 첨부파일 NOT_FOUND 비율 {value}{unit} (기준 {limit}{unit}).',
        'NOT_FOUND 증가 → NAS 문제 (가이드 §11). ' + _KO_NAS, detail=True),
    'logsdb.attachment.invalid': _e(
        '{subject}: INVALID is {value}{unit} of the attachments (limit {limit}{unit}).',
        '{subject}: 첨부파일 INVALID 비율 {value}{unit} (기준 {limit}{unit}).',
        'INVALID 증가 → 파일 손상 또는 배치 오류 (가이드 §11): 실패한 배치의 파일과 그 파일을 만든 배치 작업을 확인하세요.',
        detail=True),
    'logsdb.attachment.duplicated': _e(
        '{subject}: DUPLICATED is {value}{unit} of the attachments (limit {limit}{unit}).',
        '{subject}: 첨부파일 DUPLICATED 비율 {value}{unit} (기준 {limit}{unit}).',
        '같은 파일이 여러 번 매칭되었습니다 (가이드 §7 ATTACHMENT_LOG): 배치 입력의 중복 파일이나 두 번 실행된 배치를 확인하세요.',
        detail=True),
    'logsdb.system_error.dbio': _e(
        '{value} {unit} of MODULE {subject} (limit {limit} {unit}).',
        'MODULE {subject} 오류 {value}{unit} (기준 {limit}{unit}).',
        '특정 MODULE에서 반복되면 해당 영역 장애 (가이드 §11): DB 연결 실패 → Oracle Listener / 네트워크 점검 (가이드 §13.5), '
        '가이드 §6의 오류(ORA-12514, ORA-28009, Timeout)를 확인하세요.', detail=True),
    'logsdb.system_error.template': _e(
        '{value} {unit} of MODULE {subject} (limit {limit} {unit}).',
        'MODULE {subject} 오류 {value}{unit} (기준 {limit}{unit}).',
        '특정 MODULE에서 반복되면 해당 영역 장애 (가이드 §11): Template Error → TEMPLATE_LOG 확인 (가이드 §13.2), '
        '실패한 템플릿을 고치세요.', detail=True),
    'logsdb.system_error.ses': _e(
        '{value} {unit} of MODULE {subject} (limit {limit} {unit}).',
        'MODULE {subject} 오류 {value}{unit} (기준 {limit}{unit}).',
        '특정 MODULE에서 반복되면 해당 영역 장애 (가이드 §11): SES 발송 오류 → SES 콘솔에서 Metric 확인 (가이드 §13.4). '
        + _KO_SES_FAIL.strip(), detail=True),
    'logsdb.system_error.worker': _e(
        '{value} {unit} of MODULE {subject} (limit {limit} {unit}).',
        'MODULE {subject} 오류 {value}{unit} (기준 {limit}{unit}).',
        '특정 MODULE에서 반복되면 해당 영역 장애 (가이드 §11): pm2 logs worker를 읽고, Worker 멈춤 → pm2 restart worker '
        '(가이드 §13.6).', detail=True),
    'logsdb.system_error.other': _e(
        '{value} {unit} of MODULE {subject} (limit {limit} {unit}).',
        'MODULE {subject} 오류 {value}{unit} (기준 {limit}{unit}).',
        '특정 MODULE에서 반복되면 해당 영역 장애 (가이드 §11): 샘플 메시지와 Backend·Worker 로그(pm2 logs)를 읽으세요.',
        detail=True),
    'logsdb.template.errors': _e(
        '{value} template {unit} in {subject} (limit {limit} {unit}).',
        '{subject}에 템플릿 오류 {value}{unit} (기준 {limit}{unit}).',
        'Template Error → TEMPLATE_LOG 확인 (가이드 §13.2): TEMPLATE_LOG 항목을 읽고 해당 템플릿을 고치세요.', detail=True),

    # -- storage (guide §7, §13.3) -----------------------------------------------------------
    'storage.path.missing': _e(
        'Storage path {subject} does not exist.',
        '스토리지 경로 {subject}이(가) 없습니다.',
        '경로가 없어 첨부파일을 매칭할 수 없습니다: NAS 경로 변경 또는 네트워크 드라이브 분리됨 (가이드 §7). '
        'NAS 경로/권한 점검 (가이드 §13.3): 공유를 다시 마운트하거나 설정 경로를 바로잡으세요.', detail=True),
    'storage.path.not_directory': _e(
        'Storage path {subject} is not a directory.',
        '스토리지 경로 {subject}이(가) 디렉토리가 아닙니다.',
        'NAS 경로 변경 가능 (가이드 §7). NAS 경로/권한 점검 (가이드 §13.3): 설정이 첨부파일 디렉토리를 가리키게 하세요.'),
    'storage.path.denied': _e(
        'Storage path {subject} cannot be reached.',
        '스토리지 경로 {subject}에 접근할 수 없습니다.',
        '서버에서 권한 제거(Read Only 불가) (가이드 §7). NAS 경로/권한 점검 (가이드 §13.3): 경로의 모든 디렉토리에 '
        '그 사용자의 탐색(x) 권한을 되돌리세요.', detail=True),
    'storage.path.unresponsive': _e(
        'Storage path {subject} did not answer within {value} s.',
        '스토리지 경로 {subject}이(가) {value}초 안에 응답하지 않았습니다.',
        '네트워크 드라이브가 멈췄거나 분리됨 (가이드 §7): 이를 건드리는 모든 프로세스가 멈춥니다. NAS와 그 네트워크를 '
        '확인하고, NAS가 응답하면 공유를 다시 마운트하세요 (umount -l, mount).', detail=True),
    'storage.path.error': _e(
        'Storage path {subject} cannot be read.',
        '스토리지 경로 {subject}을(를) 읽을 수 없습니다.',
        'NAS 경로/권한 점검 (가이드 §13.3): 시스템 로그(dmesg, journalctl)에서 파일시스템이나 NAS 오류를 보세요.',
        detail=True),
    'storage.mount.missing': _e(
        'Storage path {subject} is not a mount point.',
        '스토리지 경로 {subject}이(가) 마운트 지점이 아닙니다: 네트워크 드라이브 분리됨.',
        '네트워크 드라이브 분리됨 (가이드 §7): 로컬 디렉토리가 NAS에 가지 않을 파일을 받고 있습니다. 공유를 다시 '
        '마운트하고 (mount <경로>, /etc/fstab 확인) 그동안 쓰인 파일을 NAS로 옮기세요.', detail=True),
    'storage.mount.mismatch': _e(
        'Storage path {subject} is mounted from {value}.',
        '스토리지 경로 {subject}이(가) 예상과 다른 곳({value})에서 마운트되었습니다.',
        'NAS 경로 변경 (가이드 §7): 마운트(/etc/fstab)나 예상 소스와 유형을 고치세요.', detail=True),
    'storage.write.read_only': _e(
        'Storage path {subject} is read-only.',
        '스토리지 경로 {subject}이(가) 읽기 전용입니다.',
        '서버에서 권한 제거(Read Only 불가) (가이드 §7): 스토리지는 쓰기 가능해야 합니다. 읽기 전용으로 마운트된 이유를 '
        '찾아 (dmesg, NAS export 옵션) 읽기-쓰기로 다시 마운트하세요.', detail=True),
    'storage.write.denied': _e(
        'Storage path {subject} is not writable.',
        '스토리지 경로 {subject}에 쓸 수 없습니다.',
        '서버에서 권한 제거(Read Only 불가) (가이드 §7). NAS 경로/권한 점검 (가이드 §13.3): 그 사용자에게 디렉토리 쓰기 '
        '권한을 주세요 (소유자, 그룹 또는 ACL; NAS export).', detail=True),
    'storage.write.no_space': _e(
        'Storage path {subject} has no room for a new file.',
        '스토리지 경로 {subject}에 새 파일을 만들 공간이 없습니다.',
        'NAS / 로컬 디렉토리 80% 이상 → 배치 파일 저장 문제 가능 (가이드 §9): 공간이나 inode가 없습니다. '
        '이 파일시스템을 비우거나 (오래된 배치, 보관 파일) 늘리세요.', detail=True),
    'storage.write.failed': _e(
        'The write test on storage path {subject} failed.',
        '스토리지 경로 {subject}의 쓰기 테스트가 실패했습니다.',
        'NAS 경로/권한 점검 (가이드 §13.3): 시스템 로그에서 파일시스템이나 NAS 오류를 보세요.', detail=True),
    'storage.probe.left_behind': _e(
        'The probe file under {subject} could not be deleted.',
        '{subject}의 점검 파일을 지울 수 없었습니다.',
        '점검 파일(.tank-monitoring-probe-*)을 직접 지우고, 스토리지의 파일이 지워지지 않는 이유를 확인하세요.', detail=True),
    'storage.probe.run_as': _e(
        'The write test cannot switch to user {subject}.',
        '쓰기 테스트를 사용자 {subject}(으)로 실행할 수 없습니다.',
        '점검을 root로 실행하여 (become: true) 애플리케이션 사용자로 전환할 수 있게 하세요.', detail=True),
    'storage.filesystem.used': _e(
        'Storage filesystem {subject} is {value}{unit} full (limit {limit}{unit}).',
        '스토리지 파일시스템 {subject} 사용률 {value}{unit} (기준 {limit}{unit}).',
        'NAS / 로컬 디렉토리 80% 이상 → 배치 파일 저장 문제 가능 (가이드 §7, §9): 이 파일시스템의 공간을 비우거나 '
        '(오래된 배치, 보관 파일, 더 필요 없는 첨부파일) 공유를 늘리세요.'),
    'storage.filesystem.inodes': _e(
        'Storage filesystem {subject} has {value}{unit} of its inodes used (limit {limit}{unit}).',
        '스토리지 파일시스템 {subject}의 inode 사용률 {value}{unit} (기준 {limit}{unit}).', _KO_INODES),

    # -- ses (guide §8, §13.4) ---------------------------------------------------------------
    'ses.quota.used': _e(
        '{value}{unit} of the daily sending quota in {subject} was used (limit {limit}{unit}).',
        '{subject}: 일일 발송 한도(Daily Sending Quota)의 {value}{unit} 사용 (기준 {limit}{unit}).',
        'SES 한도 초과 방지 (가이드 §1, §8): 배치를 늦추거나 하루에 분산하고, 한도가 소진되기 전에 AWS에 상향을 요청하세요 '
        '(SES 콘솔 → Account dashboard → Request a sending limit increase).', detail=True),
    'ses.quota.forecast': _e(
        'At the recent pace the daily quota in {subject} runs out in {value} {unit} (limit {limit} {unit}).',
        '{subject}: 최근 발송 속도로는 일일 발송 한도가 {value}{unit} 후 소진됩니다 (기준 {limit}{unit}).',
        'SES 한도 초과 방지 (가이드 §1, §8): 배치를 늦추거나 한도가 소진되기 전에 AWS에 상향을 요청하세요.', detail=True),
    'ses.rate.measured': _e(
        'The account in {subject} sends at {value}{unit} of the maximum send rate (limit {limit}{unit}).',
        '{subject}: 실제 발송 속도가 Max Send Rate의 {value}{unit} (기준 {limit}{unit}).', _KO_RATE, detail=True),
    'ses.rate.worker': _e(
        'The worker is configured to send at {value}{unit} of the maximum send rate in {subject} (limit {limit}{unit}).',
        '{subject}: Worker 설정 발송 속도가 Max Send Rate의 {value}{unit} (기준 {limit}{unit}).', _KO_RATE, detail=True),
    'ses.account.sending_disabled': _e(
        'Sending is disabled for the SES account in {subject}.',
        '{subject}의 SES 계정에서 발송이 비활성화되어 있습니다.',
        '모든 발송이 실패합니다: SES 콘솔(Account dashboard, Reputation)에서 원인을 읽고 고친 뒤 발송을 다시 활성화하세요. '
        'SES 발송 오류 → SES 콘솔에서 Metric 확인 (가이드 §13.4).'),
    'ses.account.sandbox': _e(
        'The SES account in {subject} is in the sandbox.',
        '{subject}의 SES 계정이 샌드박스 상태입니다 (프로덕션 접근 없음).',
        '검증된 주소로만 발송되고 한도가 매우 작습니다: SES 콘솔(Account dashboard)에서 프로덕션 접근을 요청하세요.'),
    'ses.account.enforcement': _e(
        'The SES account in {subject} has enforcement status {value}.',
        '{subject}의 SES 계정 제재 상태: {value}.',
        'AWS가 SES 계정을 검토(probation) 중이거나 발송을 중단했습니다 (보통 높은 Bounce/Complaint 비율): SES 콘솔(Reputation)의 '
        '사례를 읽고, 주소 목록을 정리하고, AWS가 발송을 멈추기 전에 원인을 고치세요 (가이드 §8).'),
    'ses.reputation.bounce': _e(
        'Bounce rate is {value}{unit} (limit {limit}{unit}; source {subject}).',
        'Bounce 비율 {value}{unit} (기준 {limit}{unit}, 출처 {subject}).',
        'Bounce: 5% 미만 기준, 10% 이상 위험 (가이드 §8). 이메일 주소 품질 문제: 잘못되었거나 반송되는 주소를 목록에서 '
        '지운 뒤 (suppression list, 주소 검증) 다시 발송하세요.', detail=True),
    'ses.reputation.complaint': _e(
        'Complaint rate is {value}{unit} (limit {limit}{unit}; source {subject}).',
        'Complaint 비율 {value}{unit} (기준 {limit}{unit}, 출처 {subject}).',
        'Complaint: 0.1% 미만 기준, 1% 이상 위험 (가이드 §8). 메일을 원한 수신자에게만 보내고, 수신 거부를 지키고, '
        '내용과 발송 빈도를 검토하세요.', detail=True),
    'ses.reputation.reject': _e(
        'Reject rate is {value}{unit} (limit {limit}{unit}; source {subject}).',
        'Rejected 비율 {value}{unit} (기준 {limit}{unit}, 출처 {subject}).',
        'Rejected: 거의 0% 기준, 5% 이상 문제 (가이드 §8). 발송 로그에서 SES가 거부한 이유(미검증 발신자, 내용, 첨부)를 '
        '보고 발신자 ID나 내용을 고치세요.', detail=True),
    'ses.credentials.invalid': _e(
        'AWS does not accept the SES credentials ({subject}).',
        'AWS가 SES 키를 받아들이지 않습니다 ({subject}).',
        _KO_SES_FAIL + '잘못되었거나 폐기된 키로는 모든 발송이 실패합니다: 활성 IAM 사용자의 유효한 액세스 키를 Backend .env에 '
        '넣고 Backend와 Worker를 재시작하세요 (pm2 restart backend worker).', detail=True),
    'ses.credentials.expired': _e(
        'The SES credentials have expired ({subject}).',
        'SES 권한 키 만료 ({subject}).',
        _KO_SES_FAIL + 'SES 권한 키 만료: 키를 갱신하고, 서버 시계를 확인하세요 (AWS는 5분 넘게 어긋난 서명을 거부; '
        'timedatectl, chrony).', detail=True),
    'ses.credentials.missing': _e(
        'No AWS credentials were found.',
        '점검에 쓸 AWS 키가 없습니다.',
        'Backend가 쓰는 키(env_file)나 점검 전용 읽기 키를 지정하세요 (가이드 §8).', detail=True),
    'ses.env_file.unreadable': _e(
        'Cannot read the env_file {subject}.',
        'env_file {subject}을(를) 읽을 수 없습니다.',
        'SES 키가 있는 Backend .env를 점검이 읽을 수 없습니다: env_file을 확인하고 읽을 수 있는 권한으로 실행하세요 (become: true).',
        detail=True),
    'ses.endpoint.unreachable': _e(
        'The SES endpoint cannot be reached ({subject}).',
        'SES 엔드포인트에 연결할 수 없습니다 ({subject}).',
        '발송이 실패합니다: 이 서버와 AWS 사이의 DNS, 방화벽, 프록시, VPC 엔드포인트를 확인하세요 (가이드 §8).', detail=True),
    'ses.permission.denied': _e(
        'The check lacks the permission {subject}.',
        '점검 계정에 {subject} 권한이 없습니다.',
        '이 부분은 점검하지 못했습니다: 컬렉션의 SES 정책에 있는 권한을 주세요 (ses:GetSendQuota, ses:GetSendStatistics, '
        'ses:GetAccount, ses:GetAccountSendingEnabled, cloudwatch:GetMetricData).', detail=True),
    'ses.api.throttled': _e(
        'AWS throttled the request {subject}.',
        'AWS가 요청 {subject}을(를) 제한했습니다.',
        '이 부분은 점검하지 못했습니다: 점검을 덜 자주, 또는 한가한 시간에 실행하세요.', detail=True),
    'ses.api.error': _e(
        'AWS answered the request {subject} with an error.',
        'AWS가 요청 {subject}에 오류로 응답했습니다.',
        '이 부분은 점검하지 못했습니다: 다시 시도하고, 계속되면 AWS Health 대시보드를 보세요.', detail=True),
}

# Raised by the runner for any check: ``<check>.<local id>``, looked up by the local id.
COMMON = {
    'timeout': _e(
        'The {subject} check did not finish within its time limit.',
        '{subject} 점검이 제한 시간 안에 끝나지 않았습니다.',
        '호스트의 멈춘 의존 대상(멈춘 마운트, 응답 없는 서비스)을 찾거나 점검 timeout을 늘리세요.', detail=True),
    'error': _e(
        'The check failed unexpectedly.',
        '점검이 예기치 않게 실패했습니다.',
        '-vvv로 다시 실행하고, 계속되면 메시지와 함께 보고하세요.', detail=True),
    'missing_library': _e(
        'The Python library {subject} is missing.',
        'Python 라이브러리 {subject}이(가) 없습니다.',
        '이 호스트에서 Ansible이 쓰는 Python 인터프리터에 해당 라이브러리를 설치하세요.', detail=True),
    'options.invalid': _e(
        'An option of this check is invalid.',
        '이 점검의 옵션이 잘못되었습니다.',
        '메시지에 나온 옵션(인벤토리 또는 태스크)을 고친 뒤 다시 점검하세요.', detail=True),
    'permission_denied': _e(
        'Permission denied.',
        '권한이 없습니다.',
        '자원을 읽을 수 있는 권한으로 점검을 실행하거나 (become: true) 읽기 권한을 주세요.', detail=True),
}

# Diagnosis rules (``_diagnosis.RULES``), keyed by rule id, same shape as FINDINGS: the message is
# the rule's name (what went wrong at the root), the Korean remedy the guide's words for the root
# cause. The English remedy and the guide section are the rule's own (``_diagnosis.RULES``).
RULES = {
    'memory-exhausted': _e(
        'Memory exhausted: PM2 apps went down.',
        '메모리 부족: PM2 앱이 중단됨.',
        '메모리가 부족하면 Worker가 중단될 수 있음 (가이드 §9): 메모리를 확보하거나 누수가 있는 앱을 재시작(pm2 restart)한 뒤 '
        'Backend 응답 없음 → pm2 status 확인 (가이드 §13.1).'),
    'disk-exhausted': _e(
        'Disk full: PM2 apps went down.',
        '디스크 부족: PM2 앱이 중단됨.',
        'Disk 80% 이상 → 배치 파일 저장 실패 위험 (가이드 §7, §9): 공간을 비우거나 파일시스템을 늘린 뒤 '
        'Backend 응답 없음 → pm2 status 확인 (가이드 §13.1).'),
    'pm2-daemon-down': _e(
        'The PM2 daemon is down: no app runs.',
        'PM2 데몬 중단: 앱이 하나도 돌지 않음.',
        'Tank 시스템의 핵심 프로세스는 PM2로 관리됩니다 (가이드 §3): pm2 list에서 backend와 worker가 online인지 '
        '확인하고, 앱을 다시 시작한 뒤 자동 재시작 설정(필수): pm2 startup, pm2 save.'),
    'pm2-app-down': _e(
        'A PM2 app is down.',
        'PM2 앱 중단.',
        'stopped → pm2 start 재실행, errored → 로그 확인 후 재시작, restarting loop → .env 또는 코드 오류 가능 '
        '(가이드 §3).'),
    'template-errors': _e(
        'Templates fail.',
        '템플릿 오류.',
        'Template Error → TEMPLATE_LOG 확인 (가이드 §13.2). 특정 MODULE에서 반복되면 해당 영역 장애 (가이드 §11).'),
    'nas-unavailable': _e(
        'The attachment storage (NAS) is unusable.',
        '첨부파일 스토리지(NAS) 사용 불가.',
        _KO_NAS),
    'ses-unusable': _e(
        'SES cannot send.',
        'SES 발송 불가.',
        _KO_SES_FAIL + 'SES 발송 오류 → SES 콘솔에서 Metric 확인 (가이드 §13.4).'),
    'oracle-unreachable': _e(
        'The Oracle database cannot be used.',
        'Oracle DB 연결 실패.',
        'ORA-12514: SID/Service Name 오류 → DB 포트/Listener 확인; ORA-28009: 계정 권한 부족 → DB 계정 권한 수정; '
        'Timeout: 네트워크 차단 → 방화벽 검증 (가이드 §6). DB 연결 실패 → Oracle Listener / 네트워크 점검 (가이드 §13.5).'),
    'cpu-saturated': _e(
        'The CPU is saturated.',
        'CPU 포화.',
        '80% 이상 지속 → Worker 병렬 처리 조정 필요 (가이드 §9). CPU 100% → 병렬 처리 수 감소 (가이드 §13.7).'),
    'nginx-down': _e(
        'Nginx does not serve the front end.',
        'Nginx가 프론트를 제공하지 못함.',
        _KO_FRONT + 'systemctl status nginx로 Nginx 재시작 여부 확인. 문제 발생 시: nginx -t, nginx -s reload (가이드 §10).'),
}


def _rule_spec(rule_id):
    """The diagnosis rule ``rule_id`` (``_diagnosis.RULES``), or None."""
    from ansible_collections.tank.monitoring.plugins.module_utils import _diagnosis  # imports this module
    try:
        return _diagnosis.rule(rule_id)
    except KeyError:
        return None


def _local_spec(finding_id):
    """The check's ``FindingSpec`` of ``finding_id`` (``<check>.<local id>``), or None."""
    from ansible_collections.tank.monitoring.plugins.module_utils import _registry  # every check: import lazily
    from ansible_collections.tank.monitoring.plugins.module_utils._contract import COMMON_FINDINGS
    check, dot, local_id = (finding_id or '').partition('.')
    spec = _registry.CHECKS.get(check) if dot else None
    if spec is None:
        return None
    return spec.catalogue.get(local_id) or COMMON_FINDINGS.get(local_id)


def entry(finding_id):
    """The catalogue entry of a finding id or rule id (raw data), or None when it has none."""
    if finding_id in FINDINGS:
        return FINDINGS[finding_id]
    if finding_id in RULES:
        return RULES[finding_id]
    check, dot, local_id = (finding_id or '').partition('.')
    if dot and local_id in COMMON:
        return COMMON[local_id]
    return None


def lookup(finding_id, lang):
    """``{'message': template, 'remedy': text, 'section': guide section}`` of ``finding_id`` in ``lang``.

    The English remedy and the section are the check's own (``CATALOGUE``). None when unknown.
    """
    data = entry(finding_id)
    if data is None:
        return None
    if finding_id in RULES:
        rule = _rule_spec(finding_id)
        section, en_remedy = (rule['section'], rule['remedy']) if rule is not None else (None, None)
    else:
        spec = _local_spec(finding_id)
        section = spec.section if spec is not None else data.get('section')
        en_remedy = spec.remedy if spec is not None else data.get('en_remedy')
    if lang == 'en':
        return {'message': data['en'], 'remedy': en_remedy, 'section': section}
    return {'message': data[lang], 'remedy': data[lang + '_remedy'], 'section': section}


def rule_remedy(rule_id, lang=DEFAULT_LANG, default=None):
    """The remedy of the diagnosis rule ``rule_id`` in ``lang``: the rule's own (``_diagnosis.RULES``)
    in English, the catalogue's in another language; ``default`` when there is none."""
    if rule_id not in RULES:
        return default
    found = lookup(rule_id, lang if lang in LANGUAGES else DEFAULT_LANG)
    return (found or {}).get('remedy') or default


def placeholders(template):
    """The names of the placeholders of a message template (``{{`` escapes excluded)."""
    return sorted(set(name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None))


def _format(value):
    from ansible_collections.tank.monitoring.plugins.module_utils._contract import format_number
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return format_number(value)
    return str(value)


# -- Korean particles (josa) --------------------------------------------------------------------
#
# A template cannot know whether the value it is filled with ends in a consonant: it writes the
# particle in both forms (``{subject}이(가)``) and ``attach_particles`` picks the one the filled
# value takes, from how its last character is read in Korean. A value whose reading is unknown keeps
# the two-form spelling, which is always correct Korean.

# Two-form spelling -> (after a final consonant (batchim), after none).
PARTICLES = {
    '이(가)': ('이', '가'), '가(이)': ('이', '가'),
    '을(를)': ('을', '를'), '를(을)': ('을', '를'),
    '은(는)': ('은', '는'), '는(은)': ('은', '는'),
    '과(와)': ('과', '와'), '와(과)': ('과', '와'),
    '아(야)': ('아', '야'),
    '(이)나': ('이나', '나'), '(이)라': ('이라', '라'),
    '(으)로': ('으로', '로'),  # a final ㄹ takes 로, like no final consonant
}
_PARTICLE_RE = re.compile('|'.join(re.escape(form) for form in sorted(PARTICLES, key=len, reverse=True)))

# Final consonant of a reading: None (none), 'ㄹ', or 'other' (any other).
_RIEUL, _OTHER = 'ㄹ', 'other'
# Digits as read in Sino-Korean: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGIT_FINAL = {'0': _OTHER, '1': _RIEUL, '2': None, '3': _OTHER, '4': None, '5': None, '6': _OTHER,
                '7': _RIEUL, '8': _RIEUL, '9': None}
# A number ending in zeros is read by its last unit: 십 (10), 백 (100), 천 (1000), 만 (10^4..10^7),
# 억 (10^8..).
_ZEROS_FINAL = {1: _OTHER, 2: _OTHER, 3: _OTHER}
# Letters read by their names (an acronym: DB 디비, URL 유알엘, PM 피엠).
_LETTER_NAME_FINAL = {'L': _RIEUL, 'R': _RIEUL, 'M': _OTHER, 'N': _OTHER}
# Closing marks that are not read: the word before them decides.
_SILENT_TAIL = ')]}>"\'`/\u2019\u201d'


def _hangul_final(char):
    code = ord(char) - 0xAC00
    if not 0 <= code <= 0xD7A3 - 0xAC00:
        return False, None
    final = code % 28
    return True, (None if final == 0 else _RIEUL if final == 8 else _OTHER)


def _number_final(digits):
    """Final consonant of an unsigned integer (or the last digit after a decimal point) as read."""
    stripped = digits.rstrip('0')
    zeros = len(digits) - len(stripped)
    if zeros == 0 or not stripped:
        return _DIGIT_FINAL[digits[-1]]
    if zeros in _ZEROS_FINAL:
        return _ZEROS_FINAL[zeros]
    return _OTHER  # 만 (ㄴ) or 억 (ㄱ): both a final consonant


def _word_final(word):
    """Final consonant of a Latin word as Korean reads it (``backend`` 백엔드: none; ``mail`` 메일: ㄹ;
    ``name`` 네임: other; an acronym by its letters' names: ``DB`` 디비: none, ``URL`` 유알엘: ㄹ)."""
    if len(word) <= 3 and word.isupper() or len(word) == 1:
        return _LETTER_NAME_FINAL.get(word[-1].upper())
    lower = word.lower()
    if lower.endswith('e') and len(lower) > 2 and lower[-2] in 'lmn':
        lower = lower[:-1]  # a silent e: file 파일, line 라인, name 네임, gone 곤
    if lower.endswith('ng') or lower[-1] in 'mn':
        return _OTHER
    if lower[-1] == 'l':
        return _RIEUL
    return None  # a vowel, r (server 서버) or a consonant read with ㅡ (backend 백엔드, host 호스트)


def final_consonant(text):
    """``(known, final)`` of how ``text`` ends when read in Korean: ``final`` is None (no final
    consonant), ``'ㄹ'`` or ``'other'``; ``known`` is False when the reading cannot be told."""
    text = str(text or '').rstrip().rstrip(_SILENT_TAIL)
    if not text:
        return False, None
    last = text[-1]
    is_hangul, final = _hangul_final(last)
    if is_hangul:
        return True, final
    if '0' <= last <= '9':
        match = re.search(r'(\d+)$', text)
        digits = match.group(1)
        if text[:match.start()].endswith('.'):
            return True, _DIGIT_FINAL[digits[-1]]  # read digit by digit after the point
        return True, _number_final(digits)
    if last in string.ascii_letters:
        return True, _word_final(re.search(r'([A-Za-z]+)$', text).group(1))
    if last == '%':
        return True, None  # 퍼센트
    return False, None


def josa(text, form):
    """The particle ``form`` (``'이(가)'``, ``'을(를)'``, ``'(으)로'``...) that follows ``text``; the
    two-form spelling itself when the reading of ``text`` is unknown."""
    if form not in PARTICLES:
        raise ValueError('unknown particle form %r (known: %s)' % (form, ', '.join(PARTICLES)))
    known, final = final_consonant(text)
    if not known:
        return form
    with_final, without = PARTICLES[form]
    if form == '(으)로' and final == _RIEUL:
        return without
    return with_final if final else without


def attach_particles(text):
    """``text`` with every two-form particle replaced by the form the word before it takes."""
    out, start = [], 0
    for match in _PARTICLE_RE.finditer(text):
        out.append(text[start:match.start()])
        out.append(josa(text[:match.start()], match.group(0)))
        start = match.end()
    out.append(text[start:])
    return ''.join(out)


def fill(template, values):
    """``template`` filled from ``values`` with its particles fitted to the values (KeyError when a
    placeholder has no value)."""
    return attach_particles(template.format(**values))


def fields(finding, lang):
    """The placeholder values of ``finding`` in ``lang``; an absent field is left out."""
    values = {}
    if finding.get('subject') is not None:
        values['subject'] = str(finding['subject'])
    if finding.get('value') is not None:
        values['value'] = _format(finding['value'])
    threshold = finding.get('threshold')
    if isinstance(threshold, dict):
        # The level the finding breached: its own status (a disabled level falls back to the other).
        limit = threshold.get(finding.get('status'))
        if limit is None:
            limit = threshold.get('critical') if threshold.get('warning') is None else threshold.get('warning')
        if limit is not None:
            values['limit'] = _format(limit)
        unit = threshold.get('unit') or ''
        values['unit'] = UNITS.get(lang, {}).get(unit, unit)
    elif 'value' in values:
        values['unit'] = ''
    return values


def translate(finding, lang=DEFAULT_LANG):
    """``(message, remedy)`` of a finding dict in ``lang``.

    English: the finding's own message and remedy, unchanged. Another language: the catalogue's
    template filled from the finding's fields and the catalogue's remedy; the English original is
    appended (marked) when the entry says the message carries specifics, and used alone (marked)
    when the template cannot be filled. An id the catalogue does not know keeps its English text.
    """
    message, remedy = finding.get('message'), finding.get('remedy')
    if lang == DEFAULT_LANG or lang not in LANGUAGES:
        return message, remedy
    data = entry(finding.get('id'))
    if data is None:
        return message, remedy
    remedy = data[lang + '_remedy']
    try:
        text = fill(data[lang], fields(finding, lang))
    except (KeyError, IndexError, ValueError):
        return (ORIGINAL_PREFIX[lang] + message) if message else message, remedy
    if data.get('detail') and message:
        text += DETAIL_SEPARATOR[lang] + message
    return text, remedy


def localize(result, lang=DEFAULT_LANG):
    """A check result dict (``findings``) with message and remedy of every finding in ``lang``.

    The finding's id, status, section and measured fields are untouched; the result is changed in
    place and returned. English leaves everything as it is.
    """
    if lang == DEFAULT_LANG or not isinstance(result, dict):
        return result
    for finding in result.get('findings') or ():
        if isinstance(finding, dict):
            finding['message'], finding['remedy'] = translate(finding, lang)
    return result
