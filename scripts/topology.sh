#!/usr/bin/env bash
# The production topology on one machine: the dev stack's infrastructure
# (derma infra) and N `derma api` plus M `derma worker` processes configured
# only by environment variables, as in production.
#
#   scripts/topology.sh [N=2] [M=2]      (make topology N=2 M=2)
#
# API i listens on 127.0.0.1:808(i-1), its metrics on 909(i-1); worker j's
# metrics on 919j. With SMOKE=1 it checks the topology and exits: every API
# ready, a consultation created through the first API read back through the
# last one, then everything stopped.
set -euo pipefail
N=${1:-2}
M=${2:-2}
BIN=${BIN:-bin/derma}
STATE=.derma
LOGS=$STATE/topology
mkdir -p "$LOGS"
rm -f "$STATE/infra.env"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$BIN" infra >"$LOGS/infra.out" 2>"$LOGS/infra.log" &
pids+=($!)
for _ in $(seq 1 240); do
  [ -s "$STATE/infra.env" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$LOGS/infra.log" >&2; exit 1; }
  sleep 0.5
done
[ -s "$STATE/infra.env" ] || { echo "infrastructure not up after 2 minutes" >&2; exit 1; }
cat "$LOGS/infra.out"

mapfile -t shared < <(grep -v '^#' "$STATE/infra.env")
run() { # name, extra variables…, command
  local name=$1; shift
  env "${shared[@]}" "$@" >"$LOGS/$name.log" 2>&1 &
  pids+=($!)
}
for i in $(seq 1 "$N"); do
  run "api$i" LISTEN_ADDR=127.0.0.1:$((8079 + i)) METRICS_ADDR=127.0.0.1:$((9089 + i)) \
    SEARCH_DIR="$STATE/search-api$i" VIDEO_UDP_ADDR=127.0.0.1:$((7872 + 10 * i)) VIDEO_TCP_ADDR=127.0.0.1:$((7871 + 10 * i)) \
    "$BIN" api
done
for j in $(seq 1 "$M"); do
  run "worker$j" METRICS_ADDR=127.0.0.1:$((9189 + j)) "$BIN" worker
done

for i in $(seq 1 "$N"); do
  url=http://127.0.0.1:$((8079 + i))
  for _ in $(seq 1 120); do
    curl -fs "$url/readyz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "$url/readyz" >/dev/null || { echo "api$i not ready; $LOGS/api$i.log:" >&2; tail -20 "$LOGS/api$i.log" >&2; exit 1; }
  echo "api$i       $url (metrics http://127.0.0.1:$((9089 + i))/metrics)"
done
for j in $(seq 1 "$M"); do
  url=http://127.0.0.1:$((9189 + j))
  for _ in $(seq 1 60); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs "$url/healthz" >/dev/null || { echo "worker$j not healthy; $LOGS/worker$j.log:" >&2; tail -20 "$LOGS/worker$j.log" >&2; exit 1; }
  echo "worker$j    metrics $url/metrics"
done

if [ "${SMOKE:-}" = 1 ]; then
  first=http://127.0.0.1:8080 last=http://127.0.0.1:$((8079 + N))
  doctor=$(curl -fs "$first/v1/doctors?limit=1&type=email_advice" | sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p' | head -1)
  created=$(curl -fs -XPOST "$first/v1/consultations" -H 'content-type: application/json' \
    -d "{\"type\":\"email_advice\",\"doctor_id\":\"$doctor\",\"form\":\"short\",\"guest_email\":\"topology@derma2go.test\",\"language\":\"en\"}")
  id=$(echo "$created" | sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p' | head -1)
  access=$(echo "$created" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  status=$(curl -fs "$last/v1/consultations/$id?access=$access" | sed -n 's/.*"status":"\([a-z_]*\)".*/\1/p' | head -1)
  [ "$status" = awaiting_payment ] || { echo "consultation $id through api$N: status '$status'" >&2; exit 1; }
  echo "smoke: consultation $id created through api1, read through api$N ($status)"
  exit 0
fi
echo "Logs in $LOGS/. Ctrl-C stops everything."
wait "${pids[0]}"
