#!/usr/bin/env bash
# `npm run test:containers`: the container tier. Installs what it needs when missing (Debian's docker.io, Chromium,
# the `docker compose` plugin through scripts/install-tools.sh), starts a private dockerd, builds the local base
# images once, then runs test/containers/ with node's test runner and ends with one 'N passed, N failed' line. The
# engine is stopped at the end whatever happens; nothing is left running. Needs root (it runs dockerd) and the
# package registries only.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/containers
started=$(date +%s)
say() { echo "containers: $*"; }

if [ "$(id -u)" != 0 ]; then
  echo "containers: this tier must run as root, because it starts its own Docker engine (try: sudo npm run test:containers)." >&2
  exit 1
fi

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker >/dev/null || missing+=(docker.io)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  say "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Each helper prints `export ...` lines; taken through a variable so that a helper's failure stops the tier.
exports=$("$here/compose-plugin.sh") && eval "$exports"
trap '"$here/engine.sh" stop' EXIT
trap 'exit 130' INT TERM
exports=$("$here/engine.sh" start) && eval "$exports"
exports=$("$here/base-images.sh") && eval "$exports"
# The image builds' RUN steps (npm) reach the registries through the host's network: the private engine has no
# NAT for its bridges.
export BUILD_NETWORK=host
export DOCKER_HOST DOCKER_CONFIG NODE_IMAGE MONGO_IMAGE POSTGRES_IMAGE REDIS_IMAGE
say "prepared in $(($(date +%s) - started)) s"

tap=$(mktemp)
set +e
node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  test/containers/
code=$?
set -e
passed=$(awk '/^# pass /{print $3}' "$tap")
failed=$(awk '/^# fail /{print $3}' "$tap")
skipped=$(awk '/^# skipped /{print $3}' "$tap")
rm -f "$tap"
[ "$code" = 0 ] || [ "${failed:-0}" != 0 ] || failed=1 # a crashed runner counts as a failure
say "tier took $(($(date +%s) - started)) s"
[ "${skipped:-0}" = 0 ] && skipped=''
echo "${passed:-0} passed, ${failed:-0} failed${skipped:+, $skipped skipped}"
exit "$code"
