#!/usr/bin/env bash
# Puts on this machine what `npm test` runs for real, each step once (a second run finds everything and takes ~1 s):
# PostgreSQL, Redis, Chromium and shellcheck from Debian's packages, then the pinned Go tools (scripts/install-tools.sh),
# and schemathesis from PyPI in a virtualenv under ~/.cache/craftista/venv.
# Fails with one sentence naming the missing piece when it cannot install it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

step() { echo "provision: $*"; }
fail() {
  echo "provision: $*" >&2
  exit 1
}

node_ok=$(node -e 'const [a, b] = process.versions.node.split(".").map(Number); console.log(a > 20 || (a === 20 && b >= 19))')
[ "$node_ok" = true ] || fail "Node $(node --version) is too old: Craftista needs Node 20.19 or newer."

# Debian package → a file it installs.
declare -A PROVIDES=(
  [postgresql]="/usr/lib/postgresql/*/bin/postgres"
  [redis-server]="/usr/bin/redis-server"
  [chromium]="/usr/bin/chromium"
  [shellcheck]="/usr/bin/shellcheck"
)
missing=()
for pkg in postgresql redis-server chromium shellcheck; do
  # shellcheck disable=SC2086 # the glob is meant to expand
  compgen -G ${PROVIDES[$pkg]} >/dev/null || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null ||
    fail "the tests need ${missing[*]} and this machine has no apt-get: install them with your package manager."
  [ "$(id -u)" = 0 ] ||
    fail "the tests need ${missing[*]}: install them with 'sudo apt-get install -y ${missing[*]}' (npm test installs them itself only as root)."
  step "installing ${missing[*]} from Debian's packages (~1-3 min)"
  start=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed: the tests need ${missing[*]} from Debian's packages."
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    fail "apt-get install ${missing[*]} failed."
  step "installed ${missing[*]} in $(($(date +%s) - start)) s"
else
  step "PostgreSQL, Redis, Chromium and shellcheck ready"
fi

"$here/install-tools.sh" | sed 's/^tools:/provision:/'

# schemathesis (PyPI) for test/schemathesis, in a virtualenv named after the pinned requirements' hash, so a
# change of pins gets a fresh one and an unchanged one is reused (.complete: written once pip has finished).
requirements="$here/../test/schemathesis/requirements.txt"
venv="${CRAFTISTA_VENV_DIR:-$HOME/.cache/craftista/venv}/schemathesis-$(sha256sum "$requirements" | cut -c1-12)"
if [ -f "$venv/.complete" ]; then
  step "schemathesis ready"
else
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
      fail "schemathesis needs Python 3 with venv: install python3 and python3-venv (Debian: apt-get install -y python3-venv)."
    fi
    step "installing python3-venv from Debian's packages (~30 s)"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null; } ||
      fail "apt-get install python3-venv failed: schemathesis needs Python 3 with venv."
  fi
  step "installing schemathesis from PyPI into $venv (~20-40 s)"
  start=$(date +%s)
  rm -rf "$venv"
  python3 -m venv "$venv" || fail "python3 -m venv $venv failed: schemathesis needs Python 3 with venv."
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps -r "$requirements" ||
    fail "pip install of test/schemathesis/requirements.txt from PyPI failed."
  touch "$venv/.complete"
  step "installed schemathesis in $(($(date +%s) - start)) s"
fi
