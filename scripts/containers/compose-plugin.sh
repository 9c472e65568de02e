#!/usr/bin/env bash
# The `docker compose` CLI plugin, built once from its Go module (github.com/docker/compose/v5) into the per-version
# tool cache and reused after. Prints `export DOCKER_CONFIG=...`: a private Docker CLI config whose cli-plugins/
# holds it, so neither ~/.docker nor a system-wide plugin is touched or used.
set -euo pipefail

VERSION=v5.6.0
TOOLS_DIR="${CRAFTISTA_TOOLS_DIR:-$HOME/.cache/craftista/tools}"
dir="$TOOLS_DIR/docker-compose-$VERSION"
config="${CRAFTISTA_DOCKER_CONFIG:-$HOME/.cache/craftista/docker-config}"

say() { echo "compose-plugin: $*" >&2; }

if [ -x "$dir/docker-compose" ]; then
  say "docker compose $VERSION ready ($dir)"
else
  command -v go >/dev/null || { say "no docker compose $VERSION in $dir and no Go to build it (install Go 1.24+)"; exit 1; }
  say "building docker compose $VERSION from its Go module (~2-4 min on 2 cores)"
  start=$(date +%s)
  # Built inside the module's own tree (as its main module), because `go install pkg@version` refuses a module
  # whose go.mod has exclude directives, as compose's has.
  src=$(go mod download -json "github.com/docker/compose/v5@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { say "go mod download gave no source directory for compose $VERSION"; exit 1; }
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  (cd "$src" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=readonly" go build -trimpath \
    -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$VERSION" -o "$dir.tmp/docker-compose" ./cmd)
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  say "docker compose $VERSION built in $(($(date +%s) - start)) s"
fi
mkdir -p "$config/cli-plugins"
ln -sfn "$dir/docker-compose" "$config/cli-plugins/docker-compose"
echo "export DOCKER_CONFIG=$config"
