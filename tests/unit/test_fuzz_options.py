# -*- coding: utf-8 -*-
"""Property-based fuzzing of every check's options (issue 13, item 2).

For every check of the registry, generated options go through ``_runner.prepare`` (what both the
single-check modules and the ``audit`` module do first): options of the right type with any value
(huge, negative, NaN, infinite, unicode, paths with spaces and shell metacharacters), options of the
wrong type, nested garbage, unknown names, non-string keys. Whatever comes in, the answer is a
prepared job or a ``CheckInputError`` whose message names an option - never another exception.
The checks that finish validating at run time (log patterns and files, Logs DB tables and numbers)
get the same treatment for those parts.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ansible_collections.tank.monitoring.plugins.module_utils import _logs, _logsdb, _ses
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
from ansible_collections.tank.monitoring.plugins.module_utils._registry import CHECKS
from ansible_collections.tank.monitoring.plugins.module_utils._runner import Job, full_argument_spec, prepare

SHELL = ' ;|&$`\'"\\<>(){}[]*?!#~\n\t'
any_text = st.text(st.characters(exclude_categories=('Cs',)), max_size=30)
paths = st.lists(st.text(string.ascii_letters + string.digits + SHELL + '.-_\u00e9\u3042', min_size=1, max_size=10),
                 min_size=1, max_size=3).map(lambda parts: '/tmp/' + '/'.join(parts))
numbers = (st.integers() | st.floats() | st.sampled_from([0, -1, 2 ** 64, float('nan'), float('inf'), -0.0, 1e-300])
           | st.sampled_from(['1', '1.5', '-3', 'nan', 'inf', '1e999', '0x10', '', ' 7 ']))
# Options reach a check as JSON (module arguments): keys are strings, values JSON (NaN and Infinity included).
garbage = st.recursive(st.none() | st.booleans() | numbers | any_text | paths,
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
                       max_leaves=8)


def value_for(option):
    """A strategy for one option: usually its own type with any value, sometimes anything at all."""
    kind = option.get('type', 'str')
    if option.get('choices'):
        own = st.sampled_from(list(option['choices'])) | any_text
    elif kind in ('int', 'float'):
        own = numbers
    elif kind == 'bool':
        own = st.booleans() | st.sampled_from(['yes', 'no', 'on', 'maybe', 1, 0, 2])
    elif kind == 'path':
        own = paths
    elif kind == 'list':
        if option.get('options'):
            own = st.lists(options_for(option['options']) | garbage, max_size=3)
        else:
            element = value_for({'type': option.get('elements', 'str')})
            own = st.lists(element, max_size=3) | any_text
    elif kind == 'dict':
        if option.get('options'):
            own = options_for(option['options'])
        else:
            own = st.dictionaries(any_text | st.sampled_from(
                ['warning', 'critical', 'scheduler', 'error', 'worker', 'region', 'Authorization']), garbage,
                max_size=3)
    else:
        own = any_text | paths
    return st.one_of(own, own, garbage)


def options_for(argument_spec):
    """A dict of some of ``argument_spec``'s options (aliases included), now and then an unknown one."""
    names = {}
    for name, option in argument_spec.items():
        names[name] = option
        for alias in option.get('aliases', ()):
            names[alias] = option
    known = st.fixed_dictionaries({}, optional=dict((name, st.deferred(lambda o=option: value_for(o)))
                                                    for name, option in names.items()))
    unknown = st.dictionaries(any_text, garbage, max_size=1)
    return st.builds(lambda a, b: dict(b, **a), known, st.one_of(st.just({}), st.just({}), unknown))


def option_names(argument_spec):
    """Every option, alias and sub-option name of a spec (a message must name one of them)."""
    names = set()
    for name, option in argument_spec.items():
        names.add(name)
        names.update(option.get('aliases', ()))
        if option.get('options'):
            names |= option_names(option['options'])
    return names


def assert_names_an_option(message, spec, params):
    names = option_names(full_argument_spec(spec)) | set(str(k) for k in params or {}) | {'threshold'}
    assert message and any(re.search(r'(?<![\w])%s(?![\w])' % re.escape(name), message) for name in names if name), \
        'no option named in %r' % message


def outcome(spec, params):
    """``prepare`` the options; a Job, or the message of the CheckInputError naming an option."""
    try:
        return prepare(spec, params)
    except CheckInputError as exc:
        assert_names_an_option(str(exc), spec, params)
        return None


@pytest.mark.parametrize('name', sorted(CHECKS))
def test_prepare_accepts_or_names_the_option(name):
    spec = CHECKS[name]

    @settings(max_examples=40)
    @given(params=options_for(full_argument_spec(spec)))
    @example(params={'thresholds': {'': {'warning': 1}, 'a': {}}})
    @example(params={'thresholds': {'x': 1, 'load_per_core': 3}})
    @example(params={'timeout': float('nan')})
    @example(params={'timeout': '1e999'})
    @example(params={'fail_on': ['critical']})
    @example(params={'': 2})
    def check(params):
        job = outcome(spec, params)
        if job is not None:
            assert isinstance(job, Job)
            assert 0.1 <= job.timeout <= 3600

    check()


@pytest.mark.parametrize('name', sorted(CHECKS))
def test_no_options_at_all(name):
    assert outcome(CHECKS[name], None) is not None or name in ('storage', 'logsdb')  # these require one


@pytest.mark.parametrize('params', [[], 'text', 3, ['a', 'b']])
def test_options_that_are_no_mapping(params):
    for spec in CHECKS.values():
        with pytest.raises(CheckInputError, match='options of the %s check must be a mapping' % spec.name):
            prepare(spec, params)


# -- validation that happens when the check starts ----------------------------------------------------------

@settings(max_examples=60)
@given(patterns=st.dictionaries(st.sampled_from(sorted(_logs.DEFAULT_PATTERNS)) | any_text,
                                st.sampled_from(['(', '[a-', '(?P<x>a)(?P<x>b)', '\\', '', '*', '(a+)+$', 'ok'])
                                | garbage, max_size=3))
@example(patterns={'': 'x', 'a': 'y'})
def test_log_patterns_compile_or_name_the_pattern(patterns):
    try:
        compiled = _logs.compile_patterns(patterns)
    except CheckInputError as exc:
        assert re.search(r'\bpatterns?\b', str(exc)), str(exc)
        return
    assert set(compiled) == set(_logs.DEFAULT_PATTERNS)


@settings(max_examples=60)
@given(log_files=st.dictionaries(any_text, garbage | paths | st.lists(paths, max_size=2), max_size=3))
def test_log_files_are_paths_or_name_the_option(log_files, tmp_path_factory):
    home = str(tmp_path_factory.mktemp('pm2 home $(x)'))
    apps = [str(k) for k in log_files]
    try:
        sources = _logs.log_sources({'pm2_home': home, 'apps': apps}, apps, log_files, None)
    except CheckInputError as exc:
        assert 'log_files' in str(exc), str(exc)
        return
    for app in apps:
        assert all(stream in ('out', 'err') and isinstance(path, str) for stream, path in sources[app])


@settings(max_examples=40)
@given(params=options_for(full_argument_spec(_logsdb.SPEC)).map(lambda p: dict(p, database='sqlite:////nonexistent')))
def test_logsdb_tables_and_numbers_or_name_the_option(params):
    job = outcome(_logsdb.SPEC, params)
    if job is None:
        return
    try:
        _logsdb.table_settings(job.params)
        for name, default in (('window_minutes', 60.0), ('baseline_minutes', 1440.0), ('rise_factor', 2.0),
                              ('query_timeout', 10.0)):
            _logsdb._positive(job.params, name, default)
    except CheckInputError as exc:
        assert_names_an_option(str(exc), _logsdb.SPEC, params)


@settings(max_examples=40)
@given(params=options_for(full_argument_spec(_ses.SPEC)))
@example(params={'env_file_variables': {'': 'X', 'b': 'Y'}})
def test_ses_options_or_name_the_option(params):
    job = outcome(_ses.SPEC, params)
    if job is not None:
        _ses.validate(job.params)
