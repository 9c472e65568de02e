#!/bin/sh
# A short load run against the frontend: WORKERS parallel loops of REQUESTS_PER_WORKER page loads each.
# Prints the totals and exits 1 if any request failed.
set -eu
: "${TARGET_URL:?}" "${WORKERS:=8}" "${REQUESTS_PER_WORKER:=250}"
dir="$(mktemp -d)"
worker() {
  ok=0; failed=0; i=0
  while [ "$i" -lt "$REQUESTS_PER_WORKER" ]; do
    if wget -q -O /dev/null "$TARGET_URL/"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
    i=$((i + 1))
  done
  echo "$ok $failed" > "$dir/$1"
}
start="$(date +%s)"
w=0
while [ "$w" -lt "$WORKERS" ]; do worker "$w" & w=$((w + 1)); done
wait
ok=0; failed=0
for f in "$dir"/*; do read -r o e < "$f"; ok=$((ok + o)); failed=$((failed + e)); done
secs=$(( $(date +%s) - start )); [ "$secs" -gt 0 ] || secs=1
echo "load: ${ok} ok, ${failed} failed in ${secs}s (~$((ok / secs)) req/s) against ${TARGET_URL}"
[ "$failed" -eq 0 ]
