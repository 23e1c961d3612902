# -*- coding: utf-8 -*-
"""The docsite's extra docs: every docs/*.md is in extra-docs.yml, and the Markdown -> reST
conversion (tests/tools/docs_md2rst.py) turns links into docsite references."""

from __future__ import annotations

import importlib.util
import os
import pathlib

import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]


def _md2rst():
    spec = importlib.util.spec_from_file_location('docs_md2rst', REPO / 'tests' / 'tools' / 'docs_md2rst.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_markdown_doc_is_in_extra_docs_and_every_ref_has_one():
    md2rst = _md2rst()
    names = {md2rst.doc_name(p) for p in (REPO / 'docs').glob('*.md')}
    index = yaml.safe_load((REPO / 'docs' / 'docsite' / 'extra-docs.yml').read_text(encoding='utf-8'))
    refs = [entry['ref'] for section in index['sections'] for entry in section['toctree']]
    assert len(refs) == len(set(refs)), refs
    assert names, 'no docs/*.md found'
    assert set(refs) == names


def test_links_become_references_and_repository_paths_are_told(tmp_path):
    md2rst = _md2rst()
    (tmp_path / 'guide.md').write_text(
        '# A guide\n\n## Why a hung NAS waits\n\n'
        'See [the limits](limits.md), [a section](limits.md#secrets), [above](#why-a-hung-nas-waits), '
        '[the merge filter](../plugins/filter/audit_merge.yml), [`roles/audit`](../roles/audit) and '
        '[the site](https://example.invalid/x).\n\n| a | b |\n| --- | --- |\n| 1 | `x` |\n',
        encoding='utf-8')
    rst = md2rst.convert(tmp_path / 'guide.md', {'guide', 'limits'})
    prefix = 'ansible_collections.tank.monitoring.docsite.'
    assert f'.. _{prefix}guide:\n' in rst
    assert f'.. _{prefix}guide.why-a-hung-nas-waits:\n\n' in rst
    assert f':ref:`the limits <{prefix}limits>`' in rst
    assert f':ref:`a section <{prefix}limits.secrets>`' in rst
    assert f':ref:`above <{prefix}guide.why-a-hung-nas-waits>`' in rst
    assert 'the merge filter (``../plugins/filter/audit_merge.yml``)' in rst
    assert '``roles/audit``' in rst and '(``../roles/audit``)' not in rst
    assert 'https://example.invalid/x' in rst
    assert '.md' not in rst.replace('docs/guide.md', '')


def test_a_link_to_a_missing_doc_fails_naming_it(tmp_path):
    md2rst = _md2rst()
    (tmp_path / 'guide.md').write_text('# A guide\n\nSee [gone](gone.md).\n', encoding='utf-8')
    try:
        md2rst.convert(tmp_path / 'guide.md', {'guide'})
    except SystemExit as exc:
        assert 'gone.md' in str(exc)
    else:
        raise AssertionError('a link to a missing docs/gone.md was converted')


def test_generated_files_are_not_committed():
    ignored = (REPO / '.gitignore').read_text(encoding='utf-8').splitlines()
    assert '/docs/docsite/rst/' in ignored
    assert os.path.isfile(REPO / 'docs' / 'docsite' / 'links.yml')
