#!/usr/bin/env bash
# One-off: role variables carry the role name as prefix (ansible-lint var-naming[no-role-prefix]).
set -euo pipefail
files=$(grep -rlE '_?tank_(audit|thresholds|resources|pm2|logs|health|nginx|oracle|logsdb|storage|ses)_?' roles playbooks inventories tests plugins docs 2>/dev/null | grep -v rename-audit-vars || true)
[ -n "$files" ] || exit 0
# shellcheck disable=SC2086
sed -i -E \
  -e 's/\b_tank_audit_/_audit_/g' \
  -e 's/\btank_audit_/audit_/g' \
  -e 's/\btank_thresholds\b/audit_thresholds/g' \
  -e 's/\btank_(resources|pm2|logs|health|nginx|oracle|logsdb|storage|ses)_/audit_\1_/g' \
  $files
