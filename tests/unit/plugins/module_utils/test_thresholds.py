# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest

from ansible_collections.tank.monitoring.plugins.module_utils._thresholds import (
    DEFAULTS, Threshold, ThresholdError, resolve,
)


def test_every_default_is_consistent_and_sourced():
    for check, table in DEFAULTS.items():
        resolved = resolve(check)
        for name, entry in table.items():
            assert entry['direction'] in ('above', 'below'), (check, name)
            assert entry['source'], (check, name)
            assert isinstance(resolved[name], Threshold)


def test_guide_disk_thresholds_are_80_and_90():
    fs = resolve('resources')['filesystem_used_percent']
    assert (fs.warning, fs.critical) == (80, 90)
    assert fs.evaluate(79.9) == ('ok', None)
    assert fs.evaluate(80) == ('warning', 80)
    assert fs.evaluate(90) == ('critical', 90)


def test_below_direction():
    mem = Threshold(15, 5, 'below')
    assert mem.evaluate(50) == ('ok', None)
    assert mem.evaluate(15) == ('warning', 15)
    assert mem.evaluate(4) == ('critical', 5)


def test_override_one_level_keeps_the_other():
    fs = resolve('resources', {'filesystem_used_percent': {'warning': 70}})['filesystem_used_percent']
    assert (fs.warning, fs.critical) == (70, 90)


def test_override_null_disables_a_level():
    fs = resolve('resources', {'filesystem_used_percent': {'warning': None}})['filesystem_used_percent']
    assert fs.evaluate(85) == ('ok', None)
    assert fs.evaluate(95) == ('critical', 90)


def test_numeric_strings_from_inventory_are_accepted():
    fs = resolve('resources', {'filesystem_used_percent': {'warning': '75', 'critical': '92.5'}})
    assert (fs['filesystem_used_percent'].warning, fs['filesystem_used_percent'].critical) == (75, 92.5)


@pytest.mark.parametrize('overrides,words', [
    ({'nope': {'warning': 1}}, 'unknown threshold(s) for the resources check: nope'),
    ({'filesystem_used_percent': 85}, 'must be a mapping'),
    ({'filesystem_used_percent': {'warn': 85}}, 'accepts only warning and critical'),
    ({'filesystem_used_percent': {'warning': 'high'}}, 'must be a number'),
    ({'filesystem_used_percent': {'warning': True}}, 'must be a number'),
    ({'filesystem_used_percent': {'warning': 95, 'critical': 90}}, 'must not be above critical'),
    ({'memory_available_percent': {'warning': 5, 'critical': 10}}, 'must not be below critical'),
    (['x'], 'must be a mapping'),
])
def test_bad_overrides_are_rejected_with_clear_words(overrides, words):
    with pytest.raises(ThresholdError) as err:
        resolve('resources', overrides)
    assert words in str(err.value)


def test_thresholds_doc_matches_the_table():
    import os
    import subprocess
    import sys
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
    proc = subprocess.run([sys.executable, os.path.join(repo, 'tests', 'tools', 'thresholds_doc.py'), '--check'],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
