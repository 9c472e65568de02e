#!/usr/bin/env bash
# Puts on this machine what `npm test` runs for real, each step once (a second run finds everything and takes ~1 s):
# PostgreSQL, Redis, Chromium and shellcheck from Debian's packages, then the pinned Go tools (scripts/install-tools.sh).
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
