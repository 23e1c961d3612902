# -*- coding: utf-8 -*-
"""Findings in Korean (lang: ko) from real module runs: a real tmpfs filled over its threshold."""

from __future__ import annotations

import re

from conftest import fill

MODULE = 'tank.monitoring.resources_check'
GUIDE_WORDS = 'Disk 80% 이상 → 배치 파일 저장 실패 위험'
HANGUL = re.compile('[\uac00-\ud7a3]')


def finding_for(result, finding_id, subject):
    (finding,) = [f for f in result['findings'] if f['id'] == finding_id and f['subject'] == subject]
    return finding


def test_resources_check_in_korean_keeps_id_and_measured_values(run_module, tmpfs):
    full = tmpfs('ko')
    fill(full, 85)
    english, _run = run_module(MODULE, {'cpu_sample_seconds': 0})
    korean, _run = run_module(MODULE, {'cpu_sample_seconds': 0, 'lang': 'ko'})
    assert korean['changed'] is False and not korean.get('failed')
    en = finding_for(english, 'resources.filesystem.used', str(full))
    ko = finding_for(korean, 'resources.filesystem.used', str(full))
    assert ko['status'] == en['status'] == 'warning'
    assert ko['guide_section'] == en['guide_section'] == '§7, §9'
    assert ko['threshold'] == en['threshold'] and 84 <= ko['value'] < 90
    assert 'tmpfs' in en['message'] and en['remedy'].startswith('Disk usage at 80%')
    value = ('%.2f' % ko['value']).rstrip('0').rstrip('.')
    assert ko['message'] == '파일시스템 %s 사용률 %s%% (기준 80%%).' % (full, value)
    assert GUIDE_WORDS in ko['remedy']


def test_invalid_lang_is_refused_naming_the_option(run_module):
    result, _run = run_module(MODULE, {'cpu_sample_seconds': 0, 'lang': 'fr'})
    assert result.get('failed')
    assert 'lang' in result['msg'] and 'fr' in result['msg']
    assert 'Traceback' not in result['msg']


def test_audit_module_in_korean(run_module, tmpfs):
    full = tmpfs('audit-ko')
    fill(full, 85)
    result, _run = run_module('tank.monitoring.audit', {'checks': {'resources': {'cpu_sample_seconds': 0}}, 'lang': 'ko'})
    assert result['changed'] is False and not result.get('failed')
    ko = finding_for(result['checks']['resources'], 'resources.filesystem.used', str(full))
    assert ko['message'].startswith('파일시스템 %s 사용률 ' % full)
    assert GUIDE_WORDS in ko['remedy']


def test_audit_module_honours_a_checks_own_lang(run_module, tmpfs, tmp_path):
    """``checks: {resources: {lang: ko}}`` in the audit module: that check's findings in Korean, the
    others in the audit's language; and the other way round."""
    full = tmpfs('audit-mixed')
    fill(full, 85)
    gone = str(tmp_path / 'gone')
    for audit_lang, resources_lang, storage_lang in (('en', 'ko', None), ('ko', None, 'en')):
        resources = {'cpu_sample_seconds': 0}
        storage = {'paths': [{'path': gone}]}
        if resources_lang:
            resources['lang'] = resources_lang
        if storage_lang:
            storage['lang'] = storage_lang
        result, _run = run_module('tank.monitoring.audit', {'checks': {'resources': resources, 'storage': storage},
                                                            'lang': audit_lang})
        assert result['changed'] is False and not result.get('failed'), result
        used = finding_for(result['checks']['resources'], 'resources.filesystem.used', str(full))
        (missing,) = [f for f in result['checks']['storage']['findings'] if f['id'] == 'storage.path.missing']
        # resources in Korean both times (its own lang, then the audit's); storage in English both times.
        assert used['message'].startswith('파일시스템 %s 사용률 ' % full) and GUIDE_WORDS in used['remedy'], audit_lang
        assert missing['message'].startswith('Storage path %s does not exist' % gone), audit_lang
        assert not HANGUL.search(missing['message'] + missing['remedy']), audit_lang


def test_audit_module_refuses_an_invalid_checks_lang_naming_it(run_module):
    result, _run = run_module('tank.monitoring.audit', {'checks': {'resources': {'cpu_sample_seconds': 0, 'lang': 'fr'}},
                                                        'lang': 'ko'})
    assert result.get('failed') and result.get('invalid_options')
    assert 'checks.resources' in result['msg'] and 'lang' in result['msg'] and 'fr' in result['msg']
    assert 'Traceback' not in result['msg']
