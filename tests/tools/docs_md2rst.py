#!/usr/bin/env python
"""Generate the docsite's extra docs (docs/docsite/rst/*.rst) from docs/*.md.

antsibull-docs takes extra docs only as reStructuredText in docs/docsite/rst/, each label
prefixed ``ansible_collections.tank.monitoring.docsite.``. docs/*.md stay the one source (read on
the forge and in the checkout); this converts them with pandoc (pypandoc-binary, pinned in
requirements/test.txt, no network) from GitHub-flavoured Markdown:

- each document gets the label ``<prefix><name>`` (name = file name without .md, ``-`` -> ``_``)
  and each heading ``<prefix><name>.<heading id>`` (GitHub's heading ids), so links between the
  documents (``thresholds.md``, ``storage.md#why-a-hung-nas-...``) become ``:ref:`` links;
- links to files of the repository outside docs/ (``../plugins/filter/audit_merge.yml``) have no
  page in the docsite: their text stays, followed by the path in literal text;
- the generated files are not committed (.gitignore); ``make docs-lint``, ``make docs`` and
  ``make build`` regenerate them, and stale ones (a removed .md) are deleted.

Usage: docs_md2rst.py [COLLECTION_ROOT]
"""

from __future__ import annotations

import json
import pathlib
import re
import sys

import pypandoc

PREFIX = 'ansible_collections.tank.monitoring.docsite.'
HEADER = '..\n  Generated from docs/{src} by tests/tools/docs_md2rst.py: edit the Markdown, not this file.\n\n'
_MD_LINK = re.compile(r'^(?:\./)?(?P<doc>[A-Za-z0-9_.-]+)\.md(?:#(?P<anchor>[^/]*))?$')


def doc_name(md_path: pathlib.Path) -> str:
    return md_path.stem.replace('-', '_')


def label(doc: str, anchor: str | None = None) -> str:
    return PREFIX + doc + ('.' + anchor if anchor else '')


def _stringify(inlines: list) -> str:
    out = []
    for node in inlines:
        kind, content = node['t'], node.get('c')
        if kind == 'Str':
            out.append(content)
        elif kind in ('Space', 'SoftBreak', 'LineBreak'):
            out.append(' ')
        elif kind == 'Code':
            out.append(content[1])
        elif kind in ('Emph', 'Strong', 'Strikeout', 'Underline', 'SmallCaps', 'Superscript', 'Subscript'):
            out.append(_stringify(content))
        elif kind in ('Quoted',):
            out.append('"' + _stringify(content[1]) + '"')
        elif kind in ('Link', 'Span'):
            out.append(_stringify(content[1]))
    return ''.join(out)


def _rst_ref_text(text: str) -> str:
    # Inside :ref:`text <label>`, a backtick or an angle bracket would end the role early.
    return text.replace('\\', '\\\\').replace('`', '\\`').replace('<', '\\<')


class _Converter:
    def __init__(self, doc: str, docs: set[str]):
        self.doc = doc
        self.docs = docs
        self.errors: list[str] = []

    def inline(self, node: dict) -> list[dict]:
        if node['t'] != 'Link':
            return [self.walk(node)]
        attr, content, (target, _title) = node['c']
        if re.match(r'^[a-z][a-z0-9+.-]*:', target, re.I):
            return [self.walk(node)]  # an absolute URL stays a link
        if target.startswith('#'):
            ref = label(self.doc, target[1:])
        else:
            match = _MD_LINK.match(target)
            if match is None:
                # A file of the repository outside docs/: no page in the docsite; its path is
                # told unless the link's text already is that path.
                kept = [self.walk(n) for n in content]
                text = _stringify(content).lstrip('./')
                if text and target.lstrip('./').endswith(text):
                    return kept
                return kept + [
                    {'t': 'Space'}, {'t': 'Str', 'c': '('}, {'t': 'Code', 'c': [['', [], []], target]},
                    {'t': 'Str', 'c': ')'}]
            doc = match.group('doc').replace('-', '_')
            if doc not in self.docs:
                self.errors.append(f'link to {target!r}: no docs/{match.group("doc")}.md')
                return [self.walk(n) for n in content]
            ref = label(doc, match.group('anchor'))
        text = _stringify(content) or target
        return [{'t': 'RawInline', 'c': ['rst', f':ref:`{_rst_ref_text(text)} <{ref}>`']}]

    def block(self, node: dict) -> list[dict]:
        if node['t'] == 'Header':
            level, (ident, classes, kv), content = node['c']
            raw = {'t': 'RawBlock', 'c': ['rst', f'.. _{label(self.doc, ident)}:']}
            return [raw, {'t': 'Header', 'c': [level, ['', classes, kv], self.inlines(content)]}]
        return [self.walk(node)]

    def inlines(self, nodes: list) -> list:
        return [out for n in nodes for out in self.inline(n)]

    def blocks(self, nodes: list) -> list:
        return [out for n in nodes for out in self.block(n)]

    def walk(self, value):
        """Rewrite every list of blocks or inlines below value."""
        if isinstance(value, list):
            if value and all(isinstance(v, dict) and 't' in v for v in value):
                if value[0]['t'] in _BLOCKS:
                    return self.blocks(value)
                return self.inlines(value)
            return [self.walk(v) for v in value]
        if isinstance(value, dict) and 't' in value:
            if 'c' in value:
                return {'t': value['t'], 'c': self.walk(value['c'])}
            return value
        return value


_BLOCKS = {'Plain', 'Para', 'LineBlock', 'CodeBlock', 'RawBlock', 'BlockQuote', 'OrderedList',
           'BulletList', 'DefinitionList', 'Header', 'HorizontalRule', 'Table', 'Figure', 'Div'}


def convert(md_path: pathlib.Path, docs: set[str]) -> str:
    ast = json.loads(pypandoc.convert_file(str(md_path), 'json', format='gfm'))
    converter = _Converter(doc_name(md_path), docs)
    ast['blocks'] = converter.blocks(ast['blocks'])
    if converter.errors:
        raise SystemExit(f'docs/{md_path.name}: ' + '; '.join(converter.errors))
    body = pypandoc.convert_text(json.dumps(ast), 'rst', format='json', extra_args=['--wrap=preserve'])
    # pandoc puts a raw label right above its heading: reST wants a blank line between them.
    body = re.sub(r'^(\.\. _[^\n]+:)\n(?=\S)', r'\1\n\n', body, flags=re.M)
    return (HEADER.format(src=md_path.name) + f'.. _{label(doc_name(md_path))}:\n\n' + body)


def main(argv: list[str]) -> int:
    root = pathlib.Path(argv[1] if len(argv) > 1 else '.').resolve()
    sources = sorted((root / 'docs').glob('*.md'))
    out_dir = root / 'docs' / 'docsite' / 'rst'
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = {doc_name(p) for p in sources}
    wanted = set()
    for src in sources:
        target = out_dir / (doc_name(src) + '.rst')
        wanted.add(target.name)
        text = convert(src, docs)
        if not target.exists() or target.read_text(encoding='utf-8') != text:
            target.write_text(text, encoding='utf-8')
    for stale in out_dir.glob('*.rst'):
        if stale.name not in wanted:
            stale.unlink()
    print(f'{len(sources)} extra docs in {out_dir.relative_to(root)}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
