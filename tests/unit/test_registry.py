# -*- coding: utf-8 -*-
"""The registry is the one list of checks: everything else that names checks agrees with it."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys

import yaml

from ansible_collections.tank.monitoring.plugins.filter import audit as audit_filter
from ansible_collections.tank.monitoring.plugins.module_utils import _registry, _runner, _thresholds
from ansible_collections.tank.monitoring.plugins.module_utils._check import HOST, SITE

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NAMES = list(_registry.CHECKS)


def _yaml(*parts):
    with open(os.path.join(REPO, *parts)) as handle:
        return yaml.safe_load(handle)


def _text(*parts):
    with open(os.path.join(REPO, *parts), encoding='utf-8') as handle:
        return handle.read()


def test_nine_checks_in_report_order():
    assert NAMES == ['resources', 'pm2', 'logs', 'health', 'nginx', 'oracle', 'logsdb', 'storage', 'ses']
    assert all(spec.name == name for name, spec in _registry.CHECKS.items())


def test_action_group_is_every_check_module_and_the_audit_module():
    group = _yaml('meta', 'runtime.yml')['action_groups']['all']
    assert sorted(group) == sorted([spec.module for spec in _registry.CHECKS.values()] + ['audit'])


def test_every_check_module_is_a_thin_wrapper_of_its_spec():
    for spec in _registry.CHECKS.values():
        source = _text('plugins', 'modules', spec.module + '.py')
        logic = spec.logic.__module__.rsplit('.', 1)[-1]
        assert 'CheckModule(%s.SPEC).run()' % logic in source, spec.module


def test_threshold_table_has_exactly_the_registry_checks():
    assert sorted(_thresholds.DEFAULTS) == sorted(NAMES)


def test_report_filter_and_role_know_the_registry_checks():
    assert list(audit_filter.CHECK_KEYS) == NAMES
    assert audit_filter.HOST_CHECK_KEYS == _registry.HOST_CHECKS
    assert audit_filter.SITE_CHECK_KEYS == _registry.SITE_CHECKS
    by_group = _yaml('roles', 'audit', 'defaults', 'main.yml')['audit_checks_by_group']
    assert sorted(set(name for names in by_group.values() for name in names)) == sorted(NAMES)
    spec_default = _yaml('roles', 'audit', 'meta', 'argument_specs.yml')['argument_specs']['main']['options']
    assert spec_default['audit_checks_by_group']['default'] == by_group
    # The site group carries exactly the site checks.
    assert by_group['tank_site'] == list(_registry.SITE_CHECKS)


def test_scopes():
    assert _registry.SITE_CHECKS == ('oracle', 'logsdb', 'ses')
    assert all(spec.scope in (HOST, SITE) for spec in _registry.CHECKS.values())
    # The registry declares each scope beside the loader (planning loads no check): it is the spec's own.
    assert _registry.HOST_CHECKS == tuple(n for n, spec in _registry.CHECKS.items() if spec.scope == HOST)
    assert _registry.SITE_CHECKS == tuple(n for n, spec in _registry.CHECKS.items() if spec.scope == SITE)


def test_a_check_is_loaded_only_when_its_spec_is_asked_for():
    """The audit module compiles only the checks it runs (module_utils are compiled from the zip each run)."""
    code = (
        'import sys\n'
        'from ansible_collections.tank.monitoring.plugins.module_utils import _registry\n'
        'prefix = "ansible_collections.tank.monitoring.plugins.module_utils."\n'
        'loaded = lambda: sorted(m[len(prefix):] for m in sys.modules if m.startswith(prefix + "_") and m[len(prefix):] in '
        '("_" + n for n in _registry.CHECKS))\n'
        'assert "resources" in _registry.CHECKS and "pm3" not in _registry.CHECKS and [] not in _registry.CHECKS\n'
        'before = loaded()\n'
        'spec = _registry.CHECKS["storage"]\n'
        'print(before, loaded(), spec.name)\n'
    )
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))).stdout.split(' ')
    assert ''.join(out).strip() == "[]['_storage']storage"


def test_audit_module_documents_every_check_name():
    doc = ast.literal_eval(re.search(r"DOCUMENTATION = (r'''.*?''')", _text('plugins', 'modules', 'audit.py'), re.S).group(1))
    for name in NAMES:
        assert 'V(%s)' % name in doc, name


def test_docs_name_every_check_module():
    readme = _text('README.md')
    architecture = _text('docs', 'architecture.md')
    for spec in _registry.CHECKS.values():
        assert 'tank.monitoring.%s' % spec.module in readme, spec.module
    assert '_registry.py' in architecture


def test_common_doc_fragment_documents_the_common_options():
    fragment = _text('plugins', 'doc_fragments', 'common.py')
    doc = yaml.safe_load(re.search(r"DOCUMENTATION = r'''(.*?)'''", fragment, re.S).group(1))
    assert sorted(doc['options']) == sorted(_runner.common_argument_spec())


def test_every_catalogue_entry_has_a_remedy_and_every_check_a_timeout():
    for spec in _registry.CHECKS.values():
        assert 0 < spec.default_timeout <= _runner.MAX_TIMEOUT, spec.name
        for finding_id, entry in spec.catalogue.items():
            assert entry.remedy and entry.remedy.strip(), (spec.name, finding_id)


def test_secret_options_are_no_log_in_the_spec():
    for spec in _registry.CHECKS.values():
        for name in spec.secret_options:
            assert spec.argument_spec[name].get('no_log') is True, (spec.name, name)
