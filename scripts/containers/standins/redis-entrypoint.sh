#!/bin/sh
# Entrypoint of the local Redis stand-in image: like redis:7's, a server started without a config file is not in
# protected mode, so other containers on the network can reach it.
set -eu
if [ "${1:-}" = redis-server ] && ! printf '%s\n' "$@" | grep -q -- '--protected-mode'; then
  set -- "$@" --protected-mode no
fi
exec "$@"
