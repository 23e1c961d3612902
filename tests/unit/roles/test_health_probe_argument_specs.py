# -*- coding: utf-8 -*-
"""The health_probe role's meta/argument_specs.yml documents exactly its defaults, with the same values."""

from __future__ import annotations

import os

import yaml

ROLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'roles', 'health_probe')


def test_argument_specs_match_defaults():
    with open(os.path.join(ROLE, 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle)
    with open(os.path.join(ROLE, 'meta', 'argument_specs.yml')) as handle:
        options = yaml.safe_load(handle)['argument_specs']['main']['options']
    assert sorted(defaults) == sorted(options)
    for name, value in defaults.items():
        assert options[name].get('default') == value, name
        assert options[name].get('description'), name
