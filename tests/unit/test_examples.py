# -*- coding: utf-8 -*-
"""Every plugin's EXAMPLES run as written: each task of a tank.monitoring module validates against
the module's real argument spec, and every module, filter and role an example names exists.

- check modules (``_registry.CHECKS``): ``_runner.prepare()`` with the module's spec, i.e. ansible-core's
  ``ArgumentSpecValidator`` on ``_runner.full_argument_spec(spec)`` plus what the module checks after
  it (numbers, thresholds, the check's own ``validate`` hook);
- ``tank.monitoring.audit``: its own ``ARGUMENT_SPEC``, then each entry of ``checks`` against that
  check's spec through ``_runner.prepare`` (as the module does with ``plan_jobs``);
- a templated value (``{{ ... }}``) is only known at run time: it stays a string where the option
  takes one (``str``, ``path``, ``raw``), and elsewhere it is taken out of the check of its type
  (the option's name is still checked);
- a path an example names is the managed host's: taken to exist there (the controller running the
  test has none of them), every other option check of the check's ``validate`` hook still runs.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import os
import pathlib
import re

import ansible
import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.playbook.task import Task

from ansible_collections.tank.monitoring.plugins.module_utils import _registry, _runner
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError

REPO = pathlib.Path(__file__).resolve().parents[2]
PREFIX = 'tank.monitoring.'
MODULES = sorted(p.stem for p in (REPO / 'plugins' / 'modules').glob('*.py') if p.stem != '__init__')
CHECK_OF_MODULE = {spec.module: spec for spec in _registry.CHECKS.values()}
STRING_TYPES = ('str', 'path', 'raw')
# Task keywords (``when``, ``register``, ``loop``...) and ``with_<lookup>`` loops: the other key is the action.
KEYWORDS = set(Task.fattributes) | {'local_action'}
BLOCK_KEYS = ('block', 'rescue', 'always')


def _module_examples(name):
    module = importlib.import_module('ansible_collections.tank.monitoring.plugins.modules.' + name)
    return module.EXAMPLES


def _all_examples():
    """(where, EXAMPLES text) of every plugin: modules' EXAMPLES, filters' YAML docs or EXAMPLES."""
    found = [('plugins/modules/%s.py' % name, _module_examples(name)) for name in MODULES]
    for path in sorted((REPO / 'plugins' / 'filter').glob('*.yml')):
        found.append((str(path.relative_to(REPO)), yaml.safe_load(path.read_text(encoding='utf-8'))['EXAMPLES']))
    for path in sorted((REPO / 'plugins' / 'filter').glob('*.py')):
        module = importlib.import_module('ansible_collections.tank.monitoring.plugins.filter.' + path.stem)
        if getattr(module, 'EXAMPLES', None):
            found.append((str(path.relative_to(REPO)), module.EXAMPLES))
    return found


ALL_EXAMPLES = _all_examples()


def _tasks(items):
    for task in items or []:
        assert isinstance(task, dict), 'a task must be a mapping: %r' % (task,)
        if any(key in task for key in BLOCK_KEYS):
            for key in BLOCK_KEYS:
                yield from _tasks(task.get(key))
            continue
        yield task


def _action(task):
    actions = [key for key in task if key not in KEYWORDS and not key.startswith('with_')]
    assert len(actions) == 1, 'task %r: expected one action, found %s' % (task.get('name'), actions)
    return actions[0]


def _templated(value):
    return isinstance(value, str) and ('{{' in value or '{%' in value)


def _untemplated(argument_spec, params):
    """``params`` with each templated value kept where its option takes a string, else left unchecked."""
    if not isinstance(params, dict):
        return params
    result = {}
    for key, value in params.items():
        option = argument_spec.get(key)
        if option is None:
            result[key] = value  # unsupported: the validator names it
            continue
        kind = option.get('type', 'str')
        if _templated(value):
            if kind in STRING_TYPES and not option.get('choices'):
                result[key] = value
            continue
        suboptions = option.get('options')
        if suboptions and kind == 'dict':
            value = _untemplated(suboptions, value)
        elif suboptions and kind == 'list' and isinstance(value, list):
            value = [_untemplated(suboptions, item) for item in value]
        elif kind == 'list' and isinstance(value, list):
            value = [item for item in value if not _templated(item) or option.get('elements', 'str') in STRING_TYPES]
        elif kind == 'dict' and isinstance(value, dict) and key == 'thresholds':
            value = {k: v for k, v in value.items() if not _templated(v)}
        result[key] = value
    return result


def _validate(argument_spec, params):
    """Error messages of ansible-core's validator (what AnsibleModule does), [] when valid."""
    result = ArgumentSpecValidator(copy.deepcopy(argument_spec)).validate(_untemplated(argument_spec, params))
    return list(result.error_messages)


def _host_paths(value):
    """Absolute paths in an example's arguments: files and directories of the managed host."""
    if isinstance(value, dict):
        return set().union(*(_host_paths(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_host_paths(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) and value.startswith('/') and not _templated(value) else set()


@contextlib.contextmanager
def _managed_host(paths):
    """The paths an example names exist on its managed host, of the kind its option wants (a CA
    bundle a readable file, a web root a directory); the controller running this test has none of
    them. Every other path is answered by the real filesystem."""
    real = os.path.exists, os.path.isfile, os.path.isdir, os.access
    patched = [lambda p, *a, _f=f, **k: p in paths or _f(p, *a, **k) for f in real]
    for name, function in zip(('exists', 'isfile', 'isdir'), patched):
        setattr(os.path, name, function)
    os.access = patched[3]
    try:
        yield
    finally:
        os.path.exists, os.path.isfile, os.path.isdir, os.access = real


def _prepare(spec, params, where):
    try:
        with _managed_host(_host_paths(params)):
            _runner.prepare(spec, _untemplated(_runner.full_argument_spec(spec), params), where=where)
    except CheckInputError as exc:
        return [str(exc)]
    return []


def _module_tasks():
    for name in MODULES:
        text = _module_examples(name)
        for index, task in enumerate(_tasks(yaml.safe_load(text))):
            action = _action(task)
            if action == PREFIX + name:
                yield pytest.param(name, task, id='%s[%d]' % (name, index))


# Modules that are neither a check nor the audit: their examples are validated against their
# documented options (``remediate``; ``audit_console`` and ``audit_report_files`` are action plugins with a doc stub).
OTHER_MODULES = ('audit_console', 'audit_report_files', 'remediate')


def test_every_module_is_a_check_the_audit_or_a_known_other():
    assert set(MODULES) == set(CHECK_OF_MODULE) | {'audit'} | set(OTHER_MODULES)


def _documented_spec(name):
    """An argument spec built from the module's DOCUMENTATION options (type, choices, elements)."""
    doc = yaml.safe_load(importlib.import_module('ansible_collections.tank.monitoring.plugins.modules.' + name).DOCUMENTATION)

    def convert(options):
        spec = {}
        for option, entry in (options or {}).items():
            item = dict((key, entry[key]) for key in ('type', 'choices', 'elements', 'required', 'default') if key in entry)
            if 'suboptions' in entry:
                item['options'] = convert(entry['suboptions'])
            spec[option] = item
        return spec

    return convert(doc.get('options'))


@pytest.mark.parametrize('name', MODULES)
def test_every_module_has_an_example_calling_it(name):
    tasks = list(_tasks(yaml.safe_load(_module_examples(name))))
    assert any(_action(task) == PREFIX + name for task in tasks), 'no example task calls %s%s' % (PREFIX, name)


@pytest.mark.parametrize('name, task', list(_module_tasks()))
def test_example_validates_against_the_module_spec(name, task):
    params = task[PREFIX + name]
    params = {} if params is None else params
    assert isinstance(params, dict), 'the arguments of %r must be a mapping' % task.get('name')
    where = '%s example %r' % (name, task.get('name'))
    if name in OTHER_MODULES:
        spec = _documented_spec(name)
        for key, value in params.items():
            if key in spec and _templated(value):
                spec[key].pop('required', None)  # given, by a template: its value is known at run time
        assert _validate(spec, params) == [], where
        return
    if name == 'audit':
        audit = importlib.import_module('ansible_collections.tank.monitoring.plugins.modules.audit')
        assert _validate(audit.ARGUMENT_SPEC, params) == [], where
        checks = params['checks']
        if _templated(checks):
            return
        assert checks, where + ': no check'
        for check, options in checks.items():
            assert check in _registry.CHECKS, '%s: unknown check %r' % (where, check)
            assert _prepare(_registry.CHECKS[check], options, 'checks.' + check) == [], where
    else:
        spec = CHECK_OF_MODULE[name]
        assert _validate(_runner.full_argument_spec(spec), params) == [], where
        assert _prepare(spec, params, None) == [], where


def _names(kind):
    if kind == 'module':
        return set(MODULES)
    if kind == 'role':
        return {p.name for p in (REPO / 'roles').iterdir() if (p / 'tasks' / 'main.yml').is_file()}
    names = set()
    for path in (REPO / 'plugins' / 'filter').glob('*.py'):
        module = importlib.import_module('ansible_collections.tank.monitoring.plugins.filter.' + path.stem)
        if hasattr(module, 'FilterModule'):
            names.update(module.FilterModule().filters())
    return names


def _builtin_module_exists(name):
    short = name[len('ansible.builtin.'):]
    return (pathlib.Path(ansible.__file__).parent / 'modules' / (short + '.py')).is_file()


@pytest.mark.parametrize('where, text', ALL_EXAMPLES, ids=[entry[0] for entry in ALL_EXAMPLES])
def test_every_name_an_example_uses_exists(where, text):
    examples = yaml.safe_load(text)
    # Filter docs may show variables (a mapping, as ansible-core's own filter docs do) rather than tasks.
    tasks = [] if isinstance(examples, dict) else list(_tasks(examples))
    assert tasks or isinstance(examples, dict), where + ': EXAMPLES has no task'
    modules, filters, roles = _names('module'), _names('filter'), _names('role')
    for task in tasks:
        action = _action(task)
        assert action.count('.') >= 2, '%s: %r is not a FQCN' % (where, action)
        if action.startswith(PREFIX):
            assert action[len(PREFIX):] in modules, '%s: no module %s' % (where, action)
        elif action.startswith('ansible.builtin.'):
            assert _builtin_module_exists(action), '%s: no module %s' % (where, action)
        else:
            pytest.fail('%s: %s is not of this collection nor ansible.builtin (not a dependency)' % (where, action))
    # Every tank.monitoring name in the text (filters in templates, roles, modules).
    for name in set(re.findall(r'tank\.monitoring\.([A-Za-z_][A-Za-z0-9_]*)', text)):
        assert name in modules | filters | roles, '%s: tank.monitoring.%s is no module, filter or role' % (where, name)


def test_a_wrong_example_is_caught():
    """The checks above are not vacuous: a misspelled option, a bad type, an unknown check fail."""
    pm2 = CHECK_OF_MODULE['pm2_check']
    assert _validate(_runner.full_argument_spec(pm2), {'pm2_usr': 'tank'})
    assert _prepare(pm2, {'fail_on': 'sometimes'}, None)
    assert _prepare(pm2, {'thresholds': {'no_such_limit': {'warning': 1}}}, None)
    assert _prepare(pm2, {'timeout': 'soon'}, None)
    assert _prepare(pm2, {'timeout': '{{ t }}'}, None) == []  # a template in a float: known at run time
    assert _prepare(pm2, {'fail_on': '{{ level }}'}, None) == []
    nginx = CHECK_OF_MODULE['nginx_check']
    assert _prepare(nginx, {'web_root': ['/opt/tank/frontend/build']}, None) == []  # the managed host's
    assert _prepare(nginx, {'web_root': ['/opt/tank/frontend/build'], 'listen_ports': [70000]}, None)
    audit = importlib.import_module('ansible_collections.tank.monitoring.plugins.modules.audit')
    assert _validate(audit.ARGUMENT_SPEC, {'checks': {}, 'timeot': 5})
    assert _validate(audit.ARGUMENT_SPEC, {})
