#!/usr/bin/env bash
# CPU per POST /predict of two builds loaded AT THE SAME TIME, as a ratio that host noise barely
# moves: both servers on core 1, one `wrk -t1 -c50` each on core 0, both runs at once, the servers'
# CPU time read from /proc. On a shared host the absolute µs per request move by tens of per cent
# between runs; the ratio of two builds measured in the same seconds moves by a few (two copies of
# one build read 0.975-1.006). Each side pays for sharing the core, so the ratio is a CPU ratio,
# not a throughput share; `npm run bench -- http` gives both for ours against the floor.
#
# Usage: bench/at-once.sh DIST_A DIST_B [ROUNDS=5] [SECONDS=4]
#   DIST_A, DIST_B: a build's dist directory (sitting beside its package.json and node_modules), or
#   "floor" for the bare Fastify route of bench/http.ts. Prints µs per request of each side per
#   round and the median of B/A.
# Environment: MODEL (default ../shared/peers/model/model.json), BODY (its sample_request.json),
#   PORT_BASE (default 19200: ports PORT_BASE+1 and +2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
a=${1:?usage: bench/at-once.sh DIST_A DIST_B [ROUNDS] [SECONDS]}
b=${2:?usage: bench/at-once.sh DIST_A DIST_B [ROUNDS] [SECONDS]}
rounds=${3:-5}
secs=${4:-4}
model=${MODEL:-$root/../shared/peers/model/model.json}
body=${BODY:-$(dirname "$model")/sample_request.json}
base=${PORT_BASE:-19200}
work=$(mktemp -d)
pids=()
cleanup() {
  kill "${pids[@]}" 2> /dev/null || true
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/post.lua" << EOF
wrk.method = "POST"
local f = assert(io.open("$body", "rb"))
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
EOF

start() { # dist port
  if [ "$1" = floor ]; then
    taskset -c 1 node "$root/dist/bench/http.js" --floor-server "$2" > /dev/null 2>&1 &
  else
    LOG_LEVEL=warn taskset -c 1 node "$1/src/cli/entry.js" serve --model "$model" --host 127.0.0.1 --port "$2" > "$work/server-$2.log" 2>&1 &
  fi
  pids+=($!)
}
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ready() {
  for _ in $(seq 120); do
    curl -sf -o /dev/null -H 'content-type: application/json' --data-binary "@$body" "http://127.0.0.1:$1/predict" && return 0
    sleep 0.25
  done
  echo "at-once: the server on port $1 did not answer" >&2
  exit 1
}

pa=$((base + 1))
pb=$((base + 2))
start "$a" "$pa"
start "$b" "$pb"
ready "$pa"
ready "$pb"
hz=$(getconf CLK_TCK)
# Round 0 warms both up and is not reported.
for r in $(seq 0 "$rounds"); do
  a0=$(cpu "${pids[0]}")
  b0=$(cpu "${pids[1]}")
  taskset -c 0 wrk -t1 -c50 -d"${secs}s" -s "$work/post.lua" "http://127.0.0.1:$pa/predict" > "$work/a.txt" &
  wa=$!
  taskset -c 0 wrk -t1 -c50 -d"${secs}s" -s "$work/post.lua" "http://127.0.0.1:$pb/predict" > "$work/b.txt" &
  wait $wa $!
  a1=$(cpu "${pids[0]}")
  b1=$(cpu "${pids[1]}")
  [ "$r" -eq 0 ] && continue
  na=$(awk '/requests in/ {print $1}' "$work/a.txt")
  nb=$(awk '/requests in/ {print $1}' "$work/b.txt")
  awk -v ta=$((a1 - a0)) -v tb=$((b1 - b0)) -v na="$na" -v nb="$nb" -v hz="$hz" 'BEGIN {
    ca = ta / hz / na * 1e6; cb = tb / hz / nb * 1e6
    printf "round: A %.1f µs/request (%d requests)  B %.1f µs/request (%d requests)  B/A %.3f\n", ca, na, cb, nb, cb / ca
  }' | tee -a "$work/rounds.txt"
done
awk '{print $NF}' "$work/rounds.txt" | sort -n | awk '{v[NR] = $1} END {print "median B/A: " v[int((NR + 1) / 2)]}'
