# -*- coding: utf-8 -*-
"""docs/guide/ holds the operations guide the tests check the catalogue against; it is the
specification's text, unchanged: where the specification is beside the checkout (``shared/seed``
in a parent directory, on the development machines), the copies must be identical to it."""

from __future__ import annotations

import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COPIES = {'monitoring-guide.ko.txt': '000_bbd34a9fafa1d750.txt', 'monitoring-guide.en.md': 'monitoring-guide.en.md'}


def _specification(name):
    here = os.path.realpath(REPO)
    for _level in range(4):
        candidate = os.path.join(here, '..', 'shared', 'seed', name)
        if os.path.exists(candidate):
            return candidate
        here = os.path.dirname(here)
    return None


def _read(path):
    with open(path, 'rb') as handle:
        return handle.read()


def test_the_guide_is_in_the_repository_in_both_languages():
    korean = _read(os.path.join(REPO, 'docs', 'guide', 'monitoring-guide.ko.txt')).decode('utf-8')
    english = _read(os.path.join(REPO, 'docs', 'guide', 'monitoring-guide.en.md')).decode('utf-8')
    assert 'pm2 start 재실행' in korean and '# 13.' in korean
    assert '## 13.' in english and 'PM2' in english


def test_the_copies_are_the_specification_unchanged():
    for copy, original in COPIES.items():
        source = _specification(original)
        if source is not None:
            assert _read(os.path.join(REPO, 'docs', 'guide', copy)) == _read(source), copy
