#!/usr/bin/env bash
# Builds the pinned Go tools the tests run for real (FerretDB, trivy, kustomize, helm, actionlint)
# into a per-version cache, so a machine that already has them reuses them.
# Usage: scripts/install-tools.sh [tool ...]   (default: all)
set -euo pipefail

TOOLS_DIR="${CRAFTISTA_TOOLS_DIR:-$HOME/.cache/craftista/tools}"

declare -A MODULES=(
  [ferretdb]="github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2"
  [trivy]="github.com/aquasecurity/trivy/cmd/trivy@v0.74.0"
  [kustomize]="sigs.k8s.io/kustomize/kustomize/v5@v5.7.1"
  [helm]="helm.sh/helm/v3/cmd/helm@v3.22.0"
  [compose-config]="scripts/compose-config (compose-go v2.16.2)@v2.16.2"
  [actionlint]="github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
)

tools=("$@")
[ ${#tools[@]} -eq 0 ] && tools=(ferretdb compose-config actionlint kustomize helm trivy)

for tool in "${tools[@]}"; do
  module="${MODULES[$tool]:?unknown tool $tool}"
  dir="$TOOLS_DIR/$tool-${module##*@}"
  if [ -x "$dir/$tool" ]; then
    echo "tools: $tool ${module##*@} already built at $dir"
    continue
  fi
  echo "tools: building $module (once per machine)"
  start=$(date +%s)
  if [ -d "$(dirname "$0")/$tool" ]; then
    # Our own small main modules: scripts/ferretdb (FerretDB's cmd/ferretdb panics when installed from the
    # module proxy, because its generated version file is not in the module zip) and scripts/compose-config.
    (cd "$(dirname "$0")/$tool" && GOFLAGS=-buildvcs=false go build -o "$dir.tmp/$tool" .)
  else
    # trivy's encoding/json/v2 use needs the jsonv2 experiment on Go 1.25/1.26; harmless for the others.
    GOEXPERIMENT=jsonv2 GOFLAGS=-buildvcs=false GOBIN="$dir.tmp" go install "$module"
  fi
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  echo "tools: $tool built in $(( $(date +%s) - start ))s"
done
