#!/usr/bin/env bash
# Checks that a new user's checkout under /root works: clones the repository
# into /root/derma-try, runs `make run` there, waits for /readyz, checks the
# README's "Try it" request and the relocated PostgreSQL data, stops the
# stack with Ctrl-C (SIGINT) and cleans up (make clean, rm -rf).
# Usage (as root, ports 8080/8233/8025/8090 free): scripts/try-root-clone.sh [repo]
set -euo pipefail
repo=${1:-/work/main}
dir=/root/derma-try
api=http://127.0.0.1:8080
for port in 8080 8233 8025 8090; do
	if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
		echo "port $port is in use: stop what listens there first" >&2
		exit 1
	fi
done
rm -rf "$dir"
git clone -q "$repo" "$dir"
cd "$dir"
log=$(mktemp)
setsid make run >"$log" 2>&1 &
pid=$!
cleanup() {
	kill -INT -- -"$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	make -s clean >/dev/null 2>&1 || true
	cd / && rm -rf "$dir"
}
trap cleanup EXIT
ready=""
for _ in $(seq 1 600); do
	if curl -sf "$api/readyz" >/dev/null 2>&1; then ready=yes; break; fi
	if ! kill -0 "$pid" 2>/dev/null; then break; fi
	sleep 1
done
if [ -z "$ready" ]; then
	echo "FAIL: /readyz never answered 200; make run said:" >&2
	tail -20 "$log" >&2
	exit 1
fi
curl -s "$api/readyz"; echo
n=$(curl -s "$api/v1/doctors?limit=2" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
[ "$n" = 2 ] || { echo "FAIL: /v1/doctors?limit=2 answered $n doctors" >&2; exit 1; }
target=$(readlink .derma/pg || true)
echo "PostgreSQL data: ${target:-.derma/pg (not relocated)}"
kill -INT -- -"$pid"
wait "$pid" || true
grep -q "Stopped." "$log" || { echo "FAIL: no clean stop:" >&2; tail -20 "$log" >&2; exit 1; }
echo "OK: make run in $dir became ready, answered ?limit=2 with 2 doctors and stopped cleanly"
