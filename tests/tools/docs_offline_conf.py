#!/usr/bin/env python
"""Make the docsite made by `antsibull-docs sphinx-init` build offline (make docs).

Its conf.py maps intersphinx inventories on docs.python.org, jinja and docs.ansible.com, fetched
at build time. Without network they cannot be fetched, and the plugin pages' links to the Ansible
docs (``common_return_values``, ``ansible_configuration_settings``) would be undefined labels:
errors with ``-W``. This writes a small local inventory of the Ansible docs' labels that the
generated pages use, pointing at their real pages on docs.ansible.com, and makes conf.py read it
instead of fetching anything. A label not listed here fails the build as an undefined label: add
it to ANSIBLE_LABELS.

Usage: docs_offline_conf.py DOCSITE_DIR
"""

from __future__ import annotations

import pathlib
import sys
import zlib

ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/devel/'
# label -> (page within the Ansible docs, anchor, title)
ANSIBLE_LABELS = {
    'common_return_values': ('reference_appendices/common_return_values.html', 'common-return-values',
                             'Return Values'),
    'ansible_configuration_settings': ('reference_appendices/config.html', 'ansible-configuration-settings',
                                       'Ansible Configuration Settings'),
}
MARKER = '# make docs (tests/tools/docs_offline_conf.py)'


def write_inventory(path: pathlib.Path) -> None:
    lines = ''.join(f'{label} std:label -1 {page}#{anchor} {title}\n'
                    for label, (page, anchor, title) in sorted(ANSIBLE_LABELS.items()))
    header = ('# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
              '# The remainder of this file is compressed using zlib.\n')
    path.write_bytes(header.encode() + zlib.compress(lines.encode()))


def main(argv: list[str]) -> int:
    site = pathlib.Path(argv[1]).resolve()
    inventory = site / 'ansible_devel.inv'
    write_inventory(inventory)
    conf = site / 'conf.py'
    text = conf.read_text(encoding='utf-8')
    if MARKER not in text:
        text += (f'\n{MARKER}: offline, no inventory is fetched; the Ansible docs labels\n'
                 f'# come from a local inventory of their real pages.\n'
                 f'intersphinx_mapping = {{\n'
                 f'    "ansible_devel": ({ANSIBLE_DOCS!r}, {str(inventory)!r}),\n'
                 f'}}\n')
        conf.write_text(text, encoding='utf-8')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
