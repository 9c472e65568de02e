#!/usr/bin/env bash
# A private Docker engine for the container tier: its own data root (kept between runs, so base images and the
# build cache survive), exec root, socket and pidfile, no iptables and no default bridge, so it touches nothing of
# the host's own Docker, if any.
#   scripts/containers/engine.sh start   -> prints `export DOCKER_HOST=...` lines to eval
#   scripts/containers/engine.sh stop    -> stops it (containers it ran stop with it)
# Env: CRAFTISTA_DOCKER_DATA (data root, default ~/.cache/craftista/docker),
#      CRAFTISTA_DOCKER_RUN (sockets and pidfile, default /run/craftista-docker; kept short for socket paths),
#      CRAFTISTA_DOCKER_STORAGE (overlay2 or vfs; default: overlay2, vfs when overlay2 does not start).
set -euo pipefail

DATA="${CRAFTISTA_DOCKER_DATA:-$HOME/.cache/craftista/docker}"
RUN="${CRAFTISTA_DOCKER_RUN:-/run/craftista-docker}"
SOCK="$RUN/docker.sock"
PIDFILE="$RUN/dockerd.pid"
LOG="$DATA/dockerd.log"

say() { echo "engine: $*" >&2; }

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

answers() { DOCKER_HOST="unix://$SOCK" timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start_with() {
  local driver=$1
  mkdir -p "$DATA" "$RUN/exec"
  # setsid: its own session, so a Ctrl-C aimed at the tier's foreground job reaches dockerd only through `stop`.
  setsid dockerd \
    --data-root "$DATA" --exec-root "$RUN/exec" --host "unix://$SOCK" --pidfile "$PIDFILE" \
    --storage-driver "$driver" --iptables=false --ip-masq=false --bridge=none \
    --containerd-namespace craftista --containerd-plugins-namespace craftista-plugins \
    --log-level warn >>"$LOG" 2>&1 </dev/null &
  local pid=$! i
  for i in $(seq 1 120); do
    if answers; then
      say "dockerd $(dockerd --version | awk '{print $3}' | tr -d ,) up in $((i / 4)) s, storage $driver, data $DATA"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.25
  done
  kill "$pid" 2>/dev/null || true
  return 1
}

stop() {
  running || return 0
  local pid i
  pid=$(cat "$PIDFILE")
  kill "$pid"
  # dockerd stops its containers (10 s grace each, in parallel) and its containerd before exiting.
  for i in $(seq 1 240); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "dockerd $pid did not stop within 60 s; killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
  say "dockerd stopped"
}

case "${1:-}" in
  start)
    if running && answers; then
      say "dockerd already running (pid $(cat "$PIDFILE"))"
    else
      wanted="${CRAFTISTA_DOCKER_STORAGE:-}"
      # A data root keeps the driver it was made with: reuse it rather than trying the other one.
      [ -n "$wanted" ] || { [ -d "$DATA/vfs" ] && [ ! -d "$DATA/overlay2" ] && wanted=vfs; } || true
      if [ -n "$wanted" ]; then
        start_with "$wanted" || { say "dockerd did not start with $wanted; see $LOG"; tail -n 20 "$LOG" >&2; exit 1; }
      elif ! start_with overlay2; then
        say "overlay2 did not start (see $LOG); trying vfs"
        start_with vfs || { say "dockerd did not start with overlay2 or vfs; see $LOG"; tail -n 20 "$LOG" >&2; exit 1; }
      fi
    fi
    echo "export DOCKER_HOST=unix://$SOCK"
    ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
