"""Render docs/thresholds.md from the one threshold table (``--check`` fails when it is stale)."""

from __future__ import annotations

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, '.build', 'collections'))

from ansible_collections.tank.monitoring.plugins.module_utils._thresholds import DEFAULTS  # noqa: E402

PATH = os.path.join(REPO, 'docs', 'thresholds.md')


def render():
    lines = [
        '# Default thresholds',
        '',
        'Generated from `plugins/module_utils/_thresholds.py` (`make thresholds-doc`); do not edit by hand.',
        'Override any of them per host or group with the inventory variable `audit_thresholds`',
        '(`audit_thresholds: {<check>: {<name>: {warning: N, critical: N}}}`) or per task with a',
        "module's `thresholds` option. `above`: higher is worse; `below`: lower is worse; `off`: that level",
        'is not judged by default.',
    ]
    for check in sorted(DEFAULTS):
        lines += ['', '## %s' % check, '', '| name | warning | critical | direction | unit | source |',
                  '|---|---|---|---|---|---|']
        for name, entry in sorted(DEFAULTS[check].items()):
            lines.append('| `%s` | %s | %s | %s | %s | %s |' % (
                name, _level(entry['warning']), _level(entry['critical']), entry['direction'], entry['unit'] or '-', entry['source']))
    return '\n'.join(lines) + '\n'


def _level(value):
    return 'off' if value is None else value


def main():
    text = render()
    if '--check' in sys.argv:
        with open(PATH) as handle:
            if handle.read() != text:
                sys.exit('docs/thresholds.md is stale: run make thresholds-doc')
        return
    with open(PATH, 'w') as handle:
        handle.write(text)


if __name__ == '__main__':
    main()
