# -*- coding: utf-8 -*-
"""The finding catalogue in English and Korean: complete, consistent, in the guide's words, and
rendered from the fields of real findings."""
from __future__ import annotations

import copy
import os
import re
import sqlite3

import pytest
import yaml

from ansible_collections.tank.monitoring.plugins.doc_fragments.common import ModuleDocFragment
from ansible_collections.tank.monitoring.plugins.module_utils import _i18n as i18n
from ansible_collections.tank.monitoring.plugins.module_utils import _diagnosis, _logsdb, _pm2, _registry, _resources, _storage
from ansible_collections.tank.monitoring.plugins.module_utils._audit import check_languages, input_error_result, plan_jobs
from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, CheckInputError, declare
from ansible_collections.tank.monitoring.plugins.module_utils._contract import COMMON_FINDINGS, FindingSpec
from ansible_collections.tank.monitoring.plugins.module_utils._runner import common_argument_spec, run_check

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))

# The sections of the operations guide (its 14 chapters and the 7 lines of the §13 checklist), copied
# here so the collection's tests stand alone; test_section_list_is_the_guides compares it with the
# guide whenever the guide is beside the checkout.
GUIDE_SECTIONS = frozenset(['§%d' % n for n in range(1, 15)] + ['§13.%d' % n for n in range(1, 8)])

# Where the Korean remedy quotes the Korean guide: finding id -> the guide's own words.
GUIDE_WORDS = {
    'pm2.app.stopped': 'pm2 start 재실행',
    'pm2.app.errored': '로그 확인 후 재시작',
    'pm2.app.restart_loop': '.env 또는 코드 오류 가능',
    'pm2.startup.missing': '자동 재시작 설정(필수)',
    'health.request.refused': '응답 없음 → Backend 다운 또는 네트워크 오류 가능',
    'logs.scheduler.silent': 'pm2 logs worker | grep "Scheduler"',
    'logs.worker.idle': '"Processing job" 로그 반복 → 정상',
    'logs.errors.other': 'Error 로그 반복 → DB/파일/SES 문제',
    'logs.errors.ora12514': 'DB 포트/Listener 확인',
    'oracle.listener.service_unknown': 'DB 포트/Listener 확인',
    'oracle.login.insufficient_privileges': 'DB 계정 권한 수정',
    'oracle.connect.timeout': '방화벽 검증',
    'oracle.connect.failed': 'Oracle Listener / 네트워크 점검',
    'storage.write.read_only': '서버에서 권한 제거(Read Only 불가)',
    'storage.mount.missing': '네트워크 드라이브 분리됨',
    'storage.path.not_directory': 'NAS 경로/권한 점검',
    'resources.filesystem.used': 'Disk 80% 이상 → 배치 파일 저장 실패 위험',
    'resources.memory.available': '메모리가 부족하면 Worker가 중단될 수 있음',
    'resources.cpu.busy': '80% 이상 지속 → Worker 병렬 처리 조정 필요',
    'resources.load.per_core': '병렬 처리 수 감소',
    'ses.credentials.expired': 'SES 권한 키 만료',
    'ses.reputation.bounce': '이메일 주소 품질 문제',
    'ses.rate.worker': 'Rate Limit 초과',
    'logsdb.email_send.fail_spike': '갑자기 FAIL 증가 → Worker/SES/DB 문제 가능',
    'logsdb.attachment.not_found': 'NOT_FOUND 증가 → NAS 문제',
    'logsdb.attachment.invalid': 'INVALID 증가 → 파일 손상 또는 배치 오류',
    'logsdb.system_error.other': '특정 MODULE에서 반복되면 해당 영역 장애',
    'logsdb.template.errors': 'TEMPLATE_LOG 확인',
    'logsdb.auto_run.stuck': 'pm2 restart worker',
    'nginx.front_page.unavailable': 'React build 파일 손상',
    'nginx.config.invalid': 'nginx -s reload',
}

KOREAN = re.compile('[\uac00-\ud7a3]')


def emittable_ids():
    """Every finding id a check can emit: its catalogue, plus the runner's common ids."""
    ids = []
    for name, spec in _registry.CHECKS.items():
        ids.extend('%s.%s' % (name, local_id) for local_id in spec.catalogue)
        ids.extend('%s.%s' % (name, local_id) for local_id in COMMON_FINDINGS)
    return ids


def sections_named(text):
    return re.findall(r'§\d+(?:\.\d+)?', text or '')


def find_guide(name):
    """The guide file ``name`` as kept in the repository (docs/guide/, tests/unit/test_guide_copy.py)."""
    return os.path.join(REPO, 'docs', 'guide', GUIDE_FILES[name])


GUIDE_FILES = {'000_bbd34a9fafa1d750.txt': 'monitoring-guide.ko.txt', 'monitoring-guide.en.md': 'monitoring-guide.en.md'}


# -- the catalogue is complete and consistent ---------------------------------------------------

@pytest.mark.parametrize('lang', i18n.LANGUAGES)
def test_every_finding_id_a_check_can_emit_has_an_entry(lang):
    missing = [finding_id for finding_id in emittable_ids() if i18n.lookup(finding_id, lang) is None]
    assert missing == []
    for finding_id in emittable_ids():
        entry = i18n.lookup(finding_id, lang)
        assert entry['message'] and entry['remedy'], finding_id


def test_every_korean_entry_is_in_korean():
    for finding_id in emittable_ids():
        entry = i18n.lookup(finding_id, 'ko')
        assert KOREAN.search(entry['message']) and KOREAN.search(entry['remedy']), finding_id


def test_the_catalogue_has_no_entry_for_an_id_no_check_emits():
    assert sorted(set(i18n.FINDINGS) - set(emittable_ids())) == []
    assert sorted(set(i18n.COMMON) - set(COMMON_FINDINGS)) == []


def test_english_remedy_and_section_are_the_checks_own():
    for name, spec in _registry.CHECKS.items():
        for local_id, finding in list(spec.catalogue.items()) + list(COMMON_FINDINGS.items()):
            for lang in i18n.LANGUAGES:
                entry = i18n.lookup('%s.%s' % (name, local_id), lang)
                assert entry['section'] == finding.section
            assert i18n.lookup('%s.%s' % (name, local_id), 'en')['remedy'] == finding.remedy


def all_entries():
    entries = [('finding', key, data) for key, data in i18n.FINDINGS.items()]
    entries += [('common', key, data) for key, data in i18n.COMMON.items()]
    entries += [('rule', key, data) for key, data in i18n.RULES.items()]
    return entries


@pytest.mark.parametrize('kind, key, data', all_entries(), ids=lambda v: v if isinstance(v, str) else '')
def test_placeholders_agree_between_languages_and_name_measured_fields(kind, key, data):
    names = dict((lang, i18n.placeholders(data[lang])) for lang in i18n.LANGUAGES)
    assert names['ko'] == names['en'], '%s %s: placeholders differ between languages' % (kind, key)
    assert set(names['en']) <= set(i18n.PLACEHOLDERS), key
    for lang in i18n.LANGUAGES:
        # No measured number baked in (ORA- codes and the names pm2 / PM2_HOME are names, not values).
        text = re.sub(r'ORA-\d+|pm2|PM2', '', data[lang])
        assert not re.search(r'\d', text), '%s %s (%s) has a number baked in: %s' % (kind, key, lang, data[lang])


def test_rules_have_the_shape_of_findings():
    assert i18n.RULES
    for key, data in i18n.RULES.items():
        assert set(data) == set(i18n.FINDINGS['pm2.app.stopped']), key
        assert i18n.lookup(key, 'ko')['remedy'] == data['ko_remedy']


def rule_problems():
    """What is wrong with the Korean (every non-English language's) entries of the diagnosis rules:
    a rule of ``_diagnosis.RULES`` without an entry, an entry without a rule, a section or a section
    named in a remedy that the guide does not have, placeholders that differ between languages."""
    problems = []
    rule_ids = [spec['id'] for spec in _diagnosis.RULES]
    for rule_id in rule_ids:
        for lang in i18n.LANGUAGES:
            entry = i18n.lookup(rule_id, lang)
            if entry is None or not entry['message'] or not entry['remedy']:
                problems.append('%s: no %s entry' % (rule_id, lang))
                continue
            if lang != 'en' and not KOREAN.search(entry['message'] + entry['remedy']):
                problems.append('%s: the %s entry is not in %s' % (rule_id, lang, lang))
            for section in [entry['section']] + sections_named(entry['remedy']):
                if section not in GUIDE_SECTIONS:
                    problems.append('%s (%s): section %s is not in the guide' % (rule_id, lang, section))
        data = i18n.entry(rule_id)
        if data is not None and len(set(tuple(i18n.placeholders(data[lang])) for lang in i18n.LANGUAGES)) > 1:
            problems.append('%s: placeholders differ between languages' % rule_id)
    problems.extend('%s: no diagnosis rule has this id' % key for key in sorted(set(i18n.RULES) - set(rule_ids)))
    return problems


def test_every_diagnosis_rule_has_a_korean_entry_with_the_guides_sections():
    assert rule_problems() == []
    for spec in _diagnosis.RULES:
        english = i18n.lookup(spec['id'], 'en')
        # Not copied: the English remedy and the section are the rule's own.
        assert (english['remedy'], english['section']) == (spec['remedy'], spec['section'])
        assert i18n.lookup(spec['id'], 'ko')['section'] == spec['section']


def test_the_rule_completeness_check_catches_what_it_should(monkeypatch):
    rules = dict(i18n.RULES)
    del rules['nginx-down']
    rules['no-such-rule'] = i18n.RULES['pm2-app-down']
    rules['pm2-app-down'] = dict(i18n.RULES['pm2-app-down'], ko='PM2 앱 {subject} 중단.')
    monkeypatch.setattr(i18n, 'RULES', rules)
    monkeypatch.setattr(_diagnosis, 'RULES', tuple(dict(spec, section='§15') if spec['id'] == 'cpu-saturated' else spec
                                                   for spec in _diagnosis.RULES))
    problems = rule_problems()
    assert 'nginx-down: no en entry' in problems and 'nginx-down: no ko entry' in problems
    assert 'no-such-rule: no diagnosis rule has this id' in problems
    assert 'pm2-app-down: placeholders differ between languages' in problems
    assert 'cpu-saturated (ko): section §15 is not in the guide' in problems


# Where the Korean remedy of a diagnosis rule quotes the Korean guide: rule id -> the guide's words.
RULE_GUIDE_WORDS = {
    'memory-exhausted': ['메모리가 부족하면 Worker가 중단될 수 있음', 'Backend 응답 없음 → pm2 status 확인'],
    'disk-exhausted': ['Disk 80% 이상 → 배치 파일 저장 실패 위험', 'Backend 응답 없음 → pm2 status 확인'],
    'pm2-daemon-down': ['Tank 시스템의 핵심 프로세스는 PM2로 관리됩니다', '자동 재시작 설정(필수)'],
    'pm2-app-down': ['pm2 start 재실행', '로그 확인 후 재시작', '.env 또는 코드 오류 가능'],
    'template-errors': ['TEMPLATE_LOG 확인', '특정 MODULE에서 반복되면 해당 영역 장애'],
    'nas-unavailable': ['NAS 경로 변경', '서버에서 권한 제거(Read Only 불가)', '네트워크 드라이브 분리됨', 'NAS 경로/권한 점검'],
    'ses-unusable': ['SES 권한 키 만료', '이메일 주소 품질 문제', 'Rate Limit 초과', 'SES 콘솔에서 Metric 확인'],
    'oracle-unreachable': ['DB 포트/Listener 확인', 'DB 계정 권한 수정', '방화벽 검증', 'Oracle Listener / 네트워크 점검'],
    'cpu-saturated': ['80% 이상 지속 → Worker 병렬 처리 조정 필요', 'CPU 100% → 병렬 처리 수 감소'],
    'nginx-down': ['React build 파일 손상', '포트 충돌', 'Nginx 재시작 여부 확인', 'nginx -s reload'],
}


def test_every_rule_quotes_the_guide():
    assert sorted(RULE_GUIDE_WORDS) == sorted(spec['id'] for spec in _diagnosis.RULES)


@pytest.mark.parametrize('rule_id, words', sorted(RULE_GUIDE_WORDS.items()))
def test_korean_rule_remedy_quotes_the_guide_verbatim(rule_id, words):
    remedy = i18n.lookup(rule_id, 'ko')['remedy']
    with open(find_guide('000_bbd34a9fafa1d750.txt'), encoding='utf-8') as handle:
        guide = handle.read()
    for phrase in words:
        assert phrase in remedy, (rule_id, phrase)
        assert phrase in guide, 'not the guide\'s words: %s' % phrase


def test_rule_remedy_in_each_language():
    assert i18n.rule_remedy('pm2-app-down', 'en') == _diagnosis.rule('pm2-app-down')['remedy']
    assert i18n.rule_remedy('pm2-app-down', 'ko').startswith('stopped → pm2 start 재실행')
    assert i18n.rule_remedy('no-such-rule', 'ko', 'fallback') == 'fallback'
    assert _diagnosis.remedy_of('oracle-unreachable', 'ko') == i18n.RULES['oracle-unreachable']['ko_remedy']
    assert _diagnosis.remedy_of('oracle-unreachable') == _diagnosis.rule('oracle-unreachable')['remedy']


def test_every_section_named_exists_in_the_guide():
    unknown = []
    for finding_id in emittable_ids():
        for lang in i18n.LANGUAGES:
            entry = i18n.lookup(finding_id, lang)
            named = sections_named(entry['section']) + sections_named(entry['remedy'])
            unknown.extend('%s (%s): %s' % (finding_id, lang, s) for s in named if s not in GUIDE_SECTIONS)
    for key in i18n.RULES:
        for lang in i18n.LANGUAGES:
            entry = i18n.lookup(key, lang)
            named = sections_named(entry['section']) + sections_named(entry['remedy'])
            unknown.extend('%s (%s): %s' % (key, lang, s) for s in named if s not in GUIDE_SECTIONS)
    assert unknown == []


def test_a_section_that_does_not_exist_is_caught():
    assert [s for s in sections_named('see guide §13.8 and §15, §7') if s not in GUIDE_SECTIONS] == ['§13.8', '§15']


def test_section_list_is_the_guides():
    english, korean = find_guide('monitoring-guide.en.md'), find_guide('000_bbd34a9fafa1d750.txt')
    with open(english, encoding='utf-8') as handle:
        text = handle.read()
    chapters = re.findall(r'^## (\d+)\. ', text, re.M)
    checklist = re.findall(r'^(\d+)\. ', text.split('## 13.')[1].split('## 14.')[0], re.M)
    found = set('§%s' % n for n in chapters) | set('§13.%s' % n for n in checklist)
    with open(korean, encoding='utf-8') as handle:
        original = handle.read()
    found_ko = set('§%s' % n for n in re.findall(r'^# (\d+)\. ', original, re.M))
    found_ko |= set('§13.%s' % n for n in re.findall(r'^(\d+)\) ', original.split('# 13.')[1], re.M))
    assert found == found_ko == GUIDE_SECTIONS


# -- the guide's own words -------------------------------------------------------------------

@pytest.mark.parametrize('finding_id, words', sorted(GUIDE_WORDS.items()))
def test_korean_remedy_quotes_the_guide_verbatim(finding_id, words):
    assert words in i18n.lookup(finding_id, 'ko')['remedy']
    with open(find_guide('000_bbd34a9fafa1d750.txt'), encoding='utf-8') as handle:
        assert words in handle.read(), 'not the guide\'s words: %s' % words


def test_the_issues_examples():
    assert 'pm2 start 재실행' in i18n.lookup('pm2.app.stopped', 'ko')['remedy']
    assert 'DB 포트/Listener 확인' in i18n.lookup('logs.errors.ora12514', 'ko')['remedy']
    assert 'SES 권한 키 만료' in i18n.lookup('ses.credentials.expired', 'ko')['remedy']


# -- rendering real findings -----------------------------------------------------------------

def fake_pm2(tmp_path):
    path = tmp_path / 'bin' / 'pm2'
    path.parent.mkdir()
    path.write_text('#!/bin/sh\nexit 0\n')
    path.chmod(0o755)
    return str(path)


def measured(finding):
    return dict((k, v) for k, v in finding.items() if k not in ('message', 'remedy'))


def test_threshold_finding_is_filled_from_its_fields():
    # Every real filesystem is over a warning level of 0%: real resources.filesystem.used findings.
    data = run_check(_resources.SPEC, {'cpu_sample_seconds': 0, 'timeout': 20,
                                       'thresholds': {'filesystem_used_percent': {'warning': 0, 'critical': None}}})
    used = [f for f in data['findings'] if f['id'] == 'resources.filesystem.used']
    assert used
    english = copy.deepcopy(data)
    i18n.localize(data, 'ko')
    for before, after in zip(english['findings'], data['findings']):
        assert measured(after) == measured(before)
    finding = [f for f in data['findings'] if f['id'] == 'resources.filesystem.used'][0]
    value = str(finding['value']).rstrip('0').rstrip('.') if isinstance(finding['value'], float) else str(finding['value'])
    assert finding['message'] == '파일시스템 %s 사용률 %s%% (기준 0%%).' % (finding['subject'], value)
    assert 'Disk 80% 이상 → 배치 파일 저장 실패 위험' in finding['remedy']
    assert data['metrics'] == english['metrics'] and data['status'] == english['status']


def test_critical_finding_takes_the_critical_limit():
    finding = {'id': 'pm2.app.memory', 'status': 'critical', 'message': 'The app w uses 3000 MB of memory (limit 2048 MB).',
               'remedy': 'x', 'guide_section': '§9', 'subject': 'w', 'value': 3000.5,
               'threshold': {'name': 'app_memory_mb', 'warning': 1024, 'critical': 2048, 'direction': 'above', 'unit': 'MB'}}
    assert i18n.translate(finding, 'ko')[0] == '앱 w 메모리 사용량 3000.5MB (기준 2048MB).'


def test_units_are_translated():
    finding = {'id': 'oracle.password.expiry', 'status': 'warning', 'message': 'm', 'subject': 'TANK', 'value': 9,
               'threshold': {'name': 'password_expiry_days', 'warning': 14, 'critical': 3, 'direction': 'below',
                             'unit': 'days'}}
    assert i18n.translate(finding, 'ko')[0] == 'DB 계정 TANK의 비밀번호가 9일 후 만료됩니다 (기준 14일).'


def test_finding_with_specifics_keeps_the_english_original_marked(tmp_path):
    params = {'apps': ['backend'], 'pm2_home': str(tmp_path), 'restart_sample_seconds': 0, 'check_startup': False,
              'pm2_executable': fake_pm2(tmp_path)}
    data = run_check(_pm2.SPEC, dict(params, timeout=10))
    (finding,) = data['findings']
    assert finding['id'] == 'pm2.daemon.not_running'
    english = finding['message']
    message, remedy = i18n.translate(finding, 'ko')
    assert message.startswith('PM2 데몬(PM2_HOME %s)이 실행 중이 아닙니다' % tmp_path)
    assert 'pm2 startup' in remedy and '자동 재시작 설정(필수)' in remedy
    storage = run_check(_storage.SPEC, {'paths': [{'path': str(tmp_path / 'gone')}], 'path_timeout': 5, 'timeout': 10})
    (missing,) = storage['findings']
    message, remedy = i18n.translate(missing, 'ko')
    # The particle fits the path: 'gone' is read 곤, which ends in a consonant.
    assert message == '스토리지 경로 %s이 없습니다. — 원문: %s' % (tmp_path / 'gone', missing['message'])
    assert 'NAS 경로/권한 점검 (가이드 §13.3)' in remedy
    assert english == finding['message']  # translate does not change the finding


def test_template_that_cannot_be_filled_falls_back_to_the_english_message_marked(tmp_path):
    # An empty Logs DB: auto_run.missed without a value ("no automation run at all").
    path = str(tmp_path / 'empty.db')
    connection = sqlite3.connect(path)
    with open(os.path.join(REPO, 'extras', 'logsdb', 'schema.sqlite.sql')) as handle:
        connection.executescript(handle.read())
    connection.close()
    data = run_check(_logsdb.SPEC, {'database': 'sqlite:///' + path, 'query_timeout': 5.0, 'timeout': 10.0})
    (finding,) = data['findings']
    assert finding['id'] == 'logsdb.auto_run.missed' and finding['value'] is None
    message, remedy = i18n.translate(finding, 'ko')
    assert message == '[원문] ' + finding['message']
    assert 'LogsDB의 AUTO_RUN_LOG를 조회' in remedy


def test_runner_findings_of_any_check_are_translated():
    def hang(params, result, deadline):
        import time
        time.sleep(30)

    spec = declare({'CHECK': 'demo', 'run': hang, 'CATALOGUE': {'thing.bad': FindingSpec('§1', 'Fix.')},
                    'ARGUMENT_SPEC': {}, 'DEFAULT_TIMEOUT': 5.0}, scope=HOST)
    data = run_check(spec, {'timeout': 0.3})
    (finding,) = data['findings']
    assert finding['id'] == 'demo.timeout'
    message, remedy = i18n.translate(finding, 'ko')
    assert message.startswith('demo 점검이 제한 시간 안에 끝나지 않았습니다. — 원문: The demo check did not finish')
    assert 'timeout' in remedy and KOREAN.search(remedy)
    invalid = i18n.localize(input_error_result('pm2', {'input_error': 'checks.pm2 - unsupported option apss'}), 'ko')
    assert invalid['findings'][0]['id'] == 'pm2.options.invalid'
    assert invalid['findings'][0]['message'].endswith('원문: checks.pm2 - unsupported option apss')


def test_english_is_the_finding_unchanged_and_unknown_ids_keep_their_text():
    finding = {'id': 'pm2.app.stopped', 'status': 'critical', 'message': 'The app w is stopped (pid 0, 1 restarts).',
               'remedy': 'own remedy', 'subject': 'w', 'value': 'stopped', 'threshold': None}
    assert i18n.translate(finding, 'en') == (finding['message'], 'own remedy')
    result = {'findings': [dict(finding)]}
    assert i18n.localize(result, 'en') == {'findings': [finding]}
    stranger = dict(finding, id='nocheck.thing')
    assert i18n.translate(stranger, 'ko') == (finding['message'], 'own remedy')


def test_a_checks_own_lang_wins_in_the_audit_module():
    checks = {'pm2': {'lang': 'ko'}, 'resources': {}, 'storage': None, 'nginx': {'lang': 'en'}}
    assert check_languages(checks, 'en') == {'pm2': 'ko', 'resources': 'en', 'storage': 'en', 'nginx': 'en'}
    assert check_languages(checks, 'ko') == {'pm2': 'ko', 'resources': 'ko', 'storage': 'ko', 'nginx': 'en'}
    with pytest.raises(CheckInputError, match=r'checks\.resources.*lang'):
        plan_jobs({'resources': {'lang': 'fr'}})


def test_lang_option_is_common_and_documented():
    assert common_argument_spec()['lang'] == {'type': 'str', 'default': 'en', 'choices': list(i18n.LANGUAGES)}
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']['lang']
    assert documented['choices'] == list(i18n.LANGUAGES) and documented['default'] == i18n.DEFAULT_LANG


# -- Korean particles (josa) ---------------------------------------------------------------------

@pytest.mark.parametrize('value, subject_particle, object_particle, direction', [
    ('사과', '가', '를', '로'),           # no final consonant
    ('책', '이', '을', '으로'),           # final ㄱ
    ('서울', '이', '을', '로'),           # final ㄹ: (으)로 -> 로
    ('1', '이', '을', '로'),              # 일
    ('2', '가', '를', '로'),              # 이
    ('3', '이', '을', '으로'),            # 삼
    ('10', '이', '을', '으로'),           # 십
    ('0', '이', '을', '으로'),            # 영
    ('2.5', '가', '를', '로'),            # 이 점 오
    ('backend', '가', '를', '로'),        # 백엔드
    ('worker', '가', '를', '로'),         # 워커
    ('nginx', '가', '를', '로'),          # 엔진엑스
    ('mail', '이', '을', '로'),           # 메일
    ('system', '이', '을', '으로'),       # 시스템
    ('gone', '이', '을', '으로'),         # 곤 (a silent e)
    ('file', '이', '을', '로'),           # 파일
    ('string', '이', '을', '으로'),       # 스트링
    ('DB', '가', '를', '로'),             # 디비
    ('URL', '이', '을', '로'),            # 유알엘
    ('/mnt/share/', '가', '를', '로'),    # a closing slash is not read
    ('"backend"', '가', '를', '로'),      # nor a closing quote
    ('95%', '가', '를', '로'),            # 퍼센트
])
def test_josa_picks_the_particle_from_how_the_value_ends(value, subject_particle, object_particle, direction):
    assert i18n.josa(value, '이(가)') == subject_particle
    assert i18n.josa(value, '을(를)') == object_particle
    assert i18n.josa(value, '(으)로') == direction
    assert i18n.josa(value, '은(는)') == ('은' if subject_particle == '이' else '는')


@pytest.mark.parametrize('value', ['', '漢', 'x\u2603', '.'])
def test_josa_keeps_both_forms_when_the_reading_is_unknown(value):
    assert i18n.josa(value, '이(가)') == '이(가)'
    assert i18n.josa(value, '(으)로') == '(으)로'


def test_josa_names_an_unknown_form():
    with pytest.raises(ValueError, match='unknown particle form'):
        i18n.josa('x', '의(에)')


def test_particles_are_fitted_when_a_template_is_filled():
    assert i18n.fill('앱 {subject}이(가) 없습니다.', {'subject': 'backend'}) == '앱 backend가 없습니다.'
    assert i18n.fill('앱 {subject}이(가) 없습니다.', {'subject': 'system'}) == '앱 system이 없습니다.'
    assert i18n.fill('{subject}(으)로 실행', {'subject': 'tank'}) == 'tank로 실행'
    assert i18n.fill('{subject}(으)로 실행', {'subject': '관리자'}) == '관리자로 실행'
    assert i18n.fill('{subject}(으)로 실행', {'subject': '운영팀'}) == '운영팀으로 실행'
    assert i18n.fill('{subject}을(를) {value}(으)로', {'subject': '漢', 'value': 7}) == '漢을(를) 7로'
    with pytest.raises(KeyError):
        i18n.fill('{subject}이(가)', {})


def test_translate_fits_the_particles_of_a_real_finding_template():
    finding = {'id': 'pm2.app.missing', 'status': 'critical', 'message': 'The app worker is not registered in PM2.',
               'remedy': 'x', 'subject': 'worker', 'value': None, 'threshold': None}
    assert i18n.translate(finding, 'ko')[0].startswith('앱 worker가 PM2에 등록되어 있지 않습니다.')
    finding = dict(finding, subject='api-main')
    assert i18n.translate(finding, 'ko')[0].startswith('앱 api-main이 PM2에 등록되어 있지 않습니다.')
    finding = {'id': 'storage.probe.run_as', 'status': 'unknown', 'message': 'm', 'subject': 'tank'}
    assert i18n.translate(finding, 'ko')[0].startswith('쓰기 테스트를 사용자 tank로 실행할 수 없습니다.')
    assert i18n.translate(dict(finding, subject='nobody'), 'ko')[0].startswith('쓰기 테스트를 사용자 nobody로')
    assert i18n.translate(dict(finding, subject='admin'), 'ko')[0].startswith('쓰기 테스트를 사용자 admin으로')
