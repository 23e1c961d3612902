#!/usr/bin/env bash
# Installs the real components the functional tests run against: Debian packages (without
# recommends: cron would pull a mail server) and, from npm into .build/node, PM2 and NestJS. Idempotent and
# quick when everything is present; a failure here fails the test run (no silent skips in CI).
set -euo pipefail
cd "$(dirname "$0")/../.."

# One package a line.
debian_packages=(
  nginx
  cron
  prometheus-node-exporter
  # audit.html is rendered in headless Chromium (tests/functional/test_html_report.py); Noto CJK
  # renders the Hangul of Korean reports.
  chromium
  fonts-noto-cjk
  # A Python other users can execute (the test venv's lives under root's home): the checks run by an
  # unprivileged user (tests/functional/unprivileged_support.py) use a throw-away venv made from it.
  python3
)
# PM2, and a real NestJS app with @nestjs/terminus for the health check (tests/functional/nest_app).
npm_packages=(
  pm2@7.0.4
  @nestjs/common@12.5.1
  @nestjs/core@12.5.1
  @nestjs/platform-express@12.5.1
  @nestjs/terminus@12.1.0
  reflect-metadata@0.2.2
  rxjs@7.8.2
)

missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  # The tests start nginx, cron and node_exporter themselves: keep package scripts from starting
  # system services (a policy-rc.d answering 101), and remove only a policy we added.
  policy=/usr/sbin/policy-rc.d
  added_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
  apt-get update -qq
  status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
  if [ -n "$added_policy" ]; then rm -f "$policy"; fi
  [ "$status" -eq 0 ] || exit "$status"
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "Node.js and npm are needed for the PM2 and health tests" >&2
  exit 1
fi
stamp=.build/node/.installed
want="${npm_packages[*]}"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  mkdir -p .build/node
  npm install --silent --no-audit --no-fund --prefix .build/node "${npm_packages[@]}" >/dev/null
  printf '%s' "$want" > "$stamp"
fi
