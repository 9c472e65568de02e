#!/usr/bin/env bash
# The `docker compose` CLI plugin, installed by scripts/install-tools.sh (mirror, release or Go build, cached per
# version). Prints `export DOCKER_CONFIG=...`: a private Docker CLI config whose cli-plugins/ holds it, so neither
# ~/.docker nor a system-wide plugin is touched or used.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS_DIR="${CRAFTISTA_TOOLS_DIR:-$HOME/.cache/craftista/tools}"
config="${CRAFTISTA_DOCKER_CONFIG:-$HOME/.cache/craftista/docker-config}"
version=$(sed -n 's/.*\[docker-compose\]=\(v[0-9.]*\).*/\1/p' "$repo/scripts/install-tools.sh" | head -n 1)
[ -n "$version" ] || { echo "compose-plugin: scripts/install-tools.sh pins no docker-compose version" >&2; exit 1; }

# Its progress lines go to stderr: this script's output is for eval.
"$repo/scripts/install-tools.sh" docker-compose >&2
mkdir -p "$config/cli-plugins"
ln -sfn "$TOOLS_DIR/docker-compose-$version/docker-compose" "$config/cli-plugins/docker-compose"
echo "export DOCKER_CONFIG=$config"
