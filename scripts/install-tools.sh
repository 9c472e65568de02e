#!/usr/bin/env bash
# Installs the pinned Go tools the tests run for real into a per-version cache, reused once there. Each tool comes
# from the fastest honest source, in this order:
#   1. a local mirror of prebuilt binaries: CRAFTISTA_TOOLS_MIRROR, else ../shared/tools beside the repository when it
#      exists (files <tool>-<version>.gz); the .gz must match the sum pinned in scripts/tools.sha256;
#   2. the tool's official release archive, checked against the checksum file published with it;
#   3. a Go source build (modules verified by go.sum and the Go checksum database).
# A checksum mismatch is refused: nothing is installed and the script exits 1.
# Usage: scripts/install-tools.sh [tool ...]   (default: the six npm test runs; act, buildx and docker-compose are
# asked for by the container and delivery tiers)
# Env for tests and mirrors: CRAFTISTA_TOOLS_DIR, CRAFTISTA_TOOLS_MIRROR (empty: no mirror), CRAFTISTA_TOOLS_SUMS,
# CRAFTISTA_TOOLS_RELEASES (base URL standing in for https://github.com and https://get.helm.sh; "off": skip releases).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
TOOLS_DIR="${CRAFTISTA_TOOLS_DIR:-$HOME/.cache/craftista/tools}"
SUMS="${CRAFTISTA_TOOLS_SUMS:-$here/tools.sha256}"
if [ -n "${CRAFTISTA_TOOLS_MIRROR+set}" ]; then
  MIRROR="$CRAFTISTA_TOOLS_MIRROR"
elif [ -d "$here/../../shared/tools" ]; then
  MIRROR="$(cd "$here/../../shared/tools" && pwd)"
else
  MIRROR=""
fi
RELEASES="${CRAFTISTA_TOOLS_RELEASES:-}"

# tool → version, Go source, minutes a source build takes on 2 cores (measured on a busy machine).
declare -A VERSION=(
  [ferretdb]=v1.24.2 [compose-config]=v2.16.2 [actionlint]=v1.7.12
  [kustomize]=v5.7.1 [helm]=v3.22.0 [trivy]=v0.74.0
  [act]=v0.2.89 [buildx]=v0.38.2 [docker-compose]=v5.6.0
)
declare -A MODULE=(
  [ferretdb]="scripts/ferretdb"
  [compose-config]="scripts/compose-config"
  [actionlint]="github.com/rhysd/actionlint/cmd/actionlint"
  [kustomize]="sigs.k8s.io/kustomize/kustomize/v5"
  [helm]="helm.sh/helm/v3/cmd/helm"
  [trivy]="github.com/aquasecurity/trivy/cmd/trivy"
  [act]="github.com/nektos/act"
  [buildx]="github.com/docker/buildx/cmd/buildx"
  [docker-compose]="github.com/docker/compose/v5"
)
# Version variables a source build must set: docker compose refuses a buildx plugin that reports v0.0.0+unknown.
declare -A VERSION_LDFLAGS=(
  [buildx]="-X github.com/docker/buildx/version.Version=${VERSION[buildx]}"
)
declare -A BUILD_MINUTES=(
  [ferretdb]=8 [compose-config]=1 [actionlint]=2 [kustomize]=4 [helm]=13 [trivy]=29
  [act]=2 [buildx]=8 [docker-compose]=4
)

# Official release archive and its published checksum file (no release for our own main modules).
release_urls() {
  local tool=$1 v=${VERSION[$1]} gh=${RELEASES:-https://github.com} helm=${RELEASES:-https://get.helm.sh}
  case $tool in
    trivy) echo "$gh/aquasecurity/trivy/releases/download/$v/trivy_${v#v}_Linux-64bit.tar.gz $gh/aquasecurity/trivy/releases/download/$v/trivy_${v#v}_checksums.txt" ;;
    helm) echo "$helm/helm-$v-linux-amd64.tar.gz $helm/helm-$v-linux-amd64.tar.gz.sha256sum" ;;
    kustomize) echo "$gh/kubernetes-sigs/kustomize/releases/download/kustomize%2F$v/kustomize_${v}_linux_amd64.tar.gz $gh/kubernetes-sigs/kustomize/releases/download/kustomize%2F$v/checksums.txt" ;;
    actionlint) echo "$gh/rhysd/actionlint/releases/download/$v/actionlint_${v#v}_linux_amd64.tar.gz $gh/rhysd/actionlint/releases/download/$v/actionlint_${v#v}_checksums.txt" ;;
    act) echo "$gh/nektos/act/releases/download/$v/act_Linux_x86_64.tar.gz $gh/nektos/act/releases/download/$v/checksums.txt" ;;
    # these two are published as bare binaries
    buildx) echo "$gh/docker/buildx/releases/download/$v/buildx-$v.linux-amd64 $gh/docker/buildx/releases/download/$v/checksums.txt" ;;
    docker-compose) echo "$gh/docker/compose/releases/download/$v/docker-compose-linux-x86_64 $gh/docker/compose/releases/download/$v/docker-compose-linux-x86_64.sha256" ;;
  esac
}

say() { echo "tools: $*"; }
refuse() {
  echo "tools: REFUSED $*" >&2
  exit 1
}

# The sum listed for a file name in a sha256sum-style file ("<sum>  name" or "<sum> *name").
sum_for() { awk -v n="$2" '{ f = $2; sub(/^\*/, "", f) } f == n { print $1; exit }' "$1"; }

from_mirror() {
  local tool=$1 out=$2 name="$1-${VERSION[$1]}.gz" want got
  [ -n "$MIRROR" ] && [ -f "$MIRROR/$name" ] || return 1
  want=$(sum_for "$SUMS" "$name")
  [ -n "$want" ] || refuse "$MIRROR/$name: no sum pinned for it in $SUMS"
  got=$(sha256sum "$MIRROR/$name" | cut -d' ' -f1)
  [ "$got" = "$want" ] || refuse "$MIRROR/$name: sha256 $got, pinned $want — the mirror file is not the pinned build"
  gunzip -c "$MIRROR/$name" >"$out/$tool"
}

from_release() {
  local tool=$1 out=$2 urls archive sums name want got bin
  urls=$(release_urls "$tool")
  read -r archive sums <<<"$urls"
  name=$(basename "$archive")
  curl -fsSL --connect-timeout 5 --max-time 600 -o "$out/$name" "$archive" 2>/dev/null || return 1
  curl -fsSL --connect-timeout 5 --max-time 60 -o "$out/sums" "$sums" 2>/dev/null || return 1
  want=$(sum_for "$out/sums" "$name")
  # helm's .sha256sum may hold only the sum
  [ -n "$want" ] || want=$(awk 'NF == 1 { print $1; exit }' "$out/sums")
  [ -n "$want" ] || refuse "$sums lists no sum for $name"
  got=$(sha256sum "$out/$name" | cut -d' ' -f1)
  [ "$got" = "$want" ] || refuse "$archive: sha256 $got, published $want"
  if [[ $name == *.tar.gz ]]; then
    mkdir "$out/x" && tar -xzf "$out/$name" -C "$out/x"
    bin=$(find "$out/x" -type f -name "$tool" | head -n 1)
    [ -n "$bin" ] || refuse "$archive holds no $tool binary"
    mv "$bin" "$out/$tool"
  else
    mv "$out/$name" "$out/$tool"
  fi
  rm -rf "${out:?}/x" "${out:?}/$name" "${out:?}/sums"
}

from_source() {
  local tool=$1 out=$2 module=${MODULE[$1]}
  command -v go >/dev/null || refuse "$tool ${VERSION[$tool]}: no mirror, no release reachable, and no Go to build it (install Go 1.26 or set CRAFTISTA_TOOLS_MIRROR)"
  if [ -d "$here/$tool" ]; then
    # Our own small main modules: scripts/ferretdb (FerretDB's cmd/ferretdb panics when installed from the module
    # proxy, its generated version file is not in the module zip) and scripts/compose-config.
    (cd "$here/$tool" && GOFLAGS=-buildvcs=false go build -o "$out/$tool" .)
  elif [ "$tool" = docker-compose ]; then
    # Built inside its module's tree, as the main module: `go install pkg@version` refuses a module whose go.mod has
    # exclude directives, as compose's has.
    local src
    src=$(go mod download -json "$module@${VERSION[$tool]}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [ -d "$src" ] || refuse "go mod download gave no source directory for $module@${VERSION[$tool]}"
    (cd "$src" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=readonly" go build -trimpath \
      -ldflags "-s -w -X $module/internal.Version=${VERSION[$tool]}" -o "$out/$tool" ./cmd)
  else
    # trivy's encoding/json/v2 use needs the jsonv2 experiment on Go 1.25/1.26; harmless for the others.
    local flags=()
    [ -z "${VERSION_LDFLAGS[$tool]:-}" ] || flags=(-ldflags="${VERSION_LDFLAGS[$tool]}")
    GOEXPERIMENT=jsonv2 GOFLAGS=-buildvcs=false GOBIN="$out" go install "${flags[@]}" "$module@${VERSION[$tool]}"
  fi
}

tools=("$@")
[ ${#tools[@]} -eq 0 ] && tools=(ferretdb compose-config actionlint kustomize helm trivy)

for tool in "${tools[@]}"; do
  version="${VERSION[$tool]:?unknown tool $tool (known: ${!VERSION[*]})}"
  dir="$TOOLS_DIR/$tool-$version"
  if [ -x "$dir/$tool" ]; then
    # A build from before its version was stamped is built again.
    if [ -n "${VERSION_LDFLAGS[$tool]:-}" ] && ! "$dir/$tool" version 2>/dev/null | grep -qF " $version"; then
      say "$tool $version in $dir does not report its version: building it again"
    else
      say "$tool $version ready ($dir)"
      continue
    fi
  fi
  start=$(date +%s)
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  if from_mirror "$tool" "$dir.tmp"; then
    source="mirror $MIRROR"
  elif [ "$RELEASES" != off ] && [ -n "$(release_urls "$tool")" ] &&
    say "$tool $version: not in a mirror, trying its release download (~10 s)" && from_release "$tool" "$dir.tmp"; then
    source="release, checksum verified"
  else
    say "$tool $version: building from source with Go (~${BUILD_MINUTES[$tool]} min on 2 cores)"
    from_source "$tool" "$dir.tmp"
    source="Go source build"
  fi
  chmod +x "$dir.tmp/$tool"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  say "$tool $version installed from $source in $(($(date +%s) - start)) s"
done
