# -*- coding: utf-8 -*-
"""Every role documents exactly its defaults in meta/argument_specs.yml, with the same values."""

from __future__ import annotations

import glob
import os

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ROLES = sorted(os.path.basename(os.path.dirname(os.path.dirname(p)))
               for p in glob.glob(os.path.join(REPO, 'roles', '*', 'meta', 'argument_specs.yml')))


def _load(role, *parts):
    with open(os.path.join(REPO, 'roles', role, *parts)) as handle:
        return yaml.safe_load(handle) or {}


def test_every_role_has_argument_specs():
    roles = sorted(os.path.basename(p) for p in glob.glob(os.path.join(REPO, 'roles', '*')) if os.path.isdir(p))
    assert roles and roles == ROLES


@pytest.mark.parametrize('role', ROLES)
def test_argument_specs_match_defaults(role):
    defaults = _load(role, 'defaults', 'main.yml')
    options = _load(role, 'meta', 'argument_specs.yml')['argument_specs']['main']['options']
    assert sorted(set(defaults) - set(options)) == [], 'defaults without argument spec'
    missing = sorted(name for name, spec in options.items() if name not in defaults and not spec.get('required'))
    assert missing == [], 'argument specs without a default'
    for name, spec in options.items():
        assert spec.get('description'), name
        assert spec.get('type'), name
        if name in defaults:
            assert spec.get('default') == defaults[name], name
