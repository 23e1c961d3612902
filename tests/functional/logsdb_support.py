# -*- coding: utf-8 -*-
"""Real SQLite Logs DBs for the logsdb_check tests, built by the collection's seeding script."""

from __future__ import annotations

import hashlib
import importlib.util
import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED_SCRIPT = os.path.join(REPO, 'extras', 'logsdb', 'seed_sqlite.py')


def _load_seed_module():
    spec = importlib.util.spec_from_file_location('tank_logsdb_seed', SEED_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


seed = _load_seed_module()


def build_logsdb(path, faults=(), days=3):
    """A Logs DB with ``days`` of healthy history ending now, plus the given faults."""
    seed.build(str(path), days=days, faults=faults)
    return str(path)


def file_digest(path):
    with open(path, 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()
