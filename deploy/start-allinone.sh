#!/usr/bin/env bash
# Entry point of the all-in-one image: Redis and the fraudlens API in one container.
#
#   start-allinone.sh [API command...]      (default: node /app/bin/fraudlens.js serve)
#
# 1. starts redis-server on 127.0.0.1 (append-only file in REDIS_DATA_DIR) and waits until it
#    answers PING, at most REDIS_WAIT_SECONDS;
# 2. starts the API with LOGGING_HANDLER=redis and REDIS_URL pointing at that Redis (unless set)
#    and waits until GET /health answers 200, at most API_WAIT_SECONDS;
# 3. stays in the foreground: SIGTERM or SIGINT stops the API first (it finishes in-flight
#    requests and flushes its log to Redis), then Redis (which syncs its append-only file);
#    when either child exits on its own, the other is stopped and the script exits non-zero, so
#    the container's restart policy can act.
#
# Environment (besides the API's own settings):
#   REDIS_PORT (6379), REDIS_DATA_DIR (/data), REDIS_MAXMEMORY (256mb), REDIS_SERVER (redis-server)
#   REDIS_WAIT_SECONDS (10), API_WAIT_SECONDS (30), STOP_WAIT_SECONDS (API shutdown timeout + 5)
set -euo pipefail

REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_DATA_DIR="${REDIS_DATA_DIR:-/data}"
REDIS_MAXMEMORY="${REDIS_MAXMEMORY:-256mb}"
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
REDIS_WAIT_SECONDS="${REDIS_WAIT_SECONDS:-10}"
API_WAIT_SECONDS="${API_WAIT_SECONDS:-30}"
API_PORT="${API_PORT:-8000}"
shutdown_ms="${FRAUDLENS_SHUTDOWN_TIMEOUT_MS:-10000}"
STOP_WAIT_SECONDS="${STOP_WAIT_SECONDS:-$((shutdown_ms / 1000 + 5))}"

export REDIS_PORT API_PORT
export LOGGING_HANDLER="${LOGGING_HANDLER:-redis}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${REDIS_PORT}/0}"

if [ "$#" -eq 0 ]; then set -- node /app/bin/fraudlens.js serve; fi

t0="${EPOCHREALTIME/./}"
log() { printf 'start-allinone: %s\n' "$*" >&2; }
elapsed_ms() { echo $(((${EPOCHREALTIME/./} - t0) / 1000)); }

for n in REDIS_PORT API_PORT REDIS_WAIT_SECONDS API_WAIT_SECONDS STOP_WAIT_SECONDS; do
  [[ "${!n}" =~ ^[0-9]+$ ]] || { log "$n must be a whole number, got '${!n}'"; exit 2; }
done
[ "$API_PORT" != 0 ] || { log "API_PORT=0 is not supported here: the health check needs a known port"; exit 2; }
command -v "$REDIS_SERVER" >/dev/null || { log "$REDIS_SERVER not found"; exit 2; }
mkdir -p "$REDIS_DATA_DIR"

# The address the health check uses: the API's own unless it listens on every interface.
case "${API_HOST:-0.0.0.0}" in
  0.0.0.0 | "") api_addr=127.0.0.1 ;;
  :: | "[::]") api_addr=::1 ;;
  *) api_addr="${API_HOST#[}"; api_addr="${api_addr%]}" ;;
esac

redis_pid=""
api_pid=""

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# One PING over bash's /dev/tcp (no redis-cli needed); the read is bounded.
redis_answers() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || exit 1
    [[ "$reply" == +PONG* ]]
  ) 2>/dev/null
}

# GET /health over /dev/tcp; true on a 200 status line.
api_healthy() {
  (
    exec 3<>"/dev/tcp/$api_addr/$API_PORT" || exit 1
    printf 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
    IFS= read -r -t 2 status <&3 || exit 1
    [[ "$status" =~ ^HTTP/1\.[01]\ 200 ]]
  ) 2>/dev/null
}

# Sends SIGTERM and waits up to $3 seconds, then SIGKILL. Prints nothing; returns the exit status.
stop_child() { # pid name seconds
  local pid=$1 name=$2 limit=$3 i status=0
  alive "$pid" || { wait "$pid" 2>/dev/null || status=$?; return "$status"; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < limit * 10; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "$name did not stop within ${limit} s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || status=$?
  return "$status"
}

stop_all() {
  local api_status=0
  if [ -n "$api_pid" ]; then stop_child "$api_pid" API "$STOP_WAIT_SECONDS" || api_status=$?; fi
  if [ -n "$redis_pid" ]; then stop_child "$redis_pid" Redis 10 || true; fi
  return "$api_status"
}

on_signal() {
  trap '' TERM INT
  log "$1 received: stopping the API, then Redis"
  local status=0
  stop_all || status=$?
  log "stopped (API exit status $status)"
  exit "$status"
}
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGINT' INT

# --- Redis -------------------------------------------------------------------------------------
"$REDIS_SERVER" \
  --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
  --dir "$REDIS_DATA_DIR" --appendonly yes --appendfsync everysec --save "" \
  --maxmemory "$REDIS_MAXMEMORY" --maxmemory-policy allkeys-lru \
  --daemonize no --logfile "" --loglevel warning &
redis_pid=$!

for ((i = 0; ; i++)); do
  redis_answers && break
  if ! alive "$redis_pid"; then
    status=0
    wait "$redis_pid" || status=$?
    log "Redis exited during start-up (status $status)"
    exit 1
  fi
  if ((i >= REDIS_WAIT_SECONDS * 10)); then
    log "Redis did not answer PING on 127.0.0.1:$REDIS_PORT within ${REDIS_WAIT_SECONDS} s"
    stop_all || true
    exit 1
  fi
  sleep 0.1
done
log "Redis ready on 127.0.0.1:$REDIS_PORT after $(elapsed_ms) ms"

# --- API ---------------------------------------------------------------------------------------
"$@" &
api_pid=$!

for ((i = 0; ; i++)); do
  api_healthy && break
  if ! alive "$api_pid"; then
    status=0
    wait "$api_pid" || status=$?
    log "the API exited during start-up (status $status)"
    api_pid=""
    stop_all || true
    exit 1
  fi
  if ((i >= API_WAIT_SECONDS * 10)); then
    log "the API did not answer GET /health with 200 within ${API_WAIT_SECONDS} s"
    stop_all || true
    exit 1
  fi
  sleep 0.1
done
log "healthy after $(elapsed_ms) ms: API on port $API_PORT, Redis on 127.0.0.1:$REDIS_PORT"

# --- Supervise ---------------------------------------------------------------------------------
# `wait -n` returns when either child exits; a signal interrupts it and runs on_signal instead.
status=0
wait -n "$redis_pid" "$api_pid" || status=$?
if alive "$api_pid"; then
  log "Redis exited unexpectedly (status $status); stopping the API"
  redis_pid=""
  stop_all || true
else
  log "the API exited unexpectedly (status $status); stopping Redis"
  api_pid=""
  stop_all || true
fi
exit $((status == 0 ? 1 : status))
