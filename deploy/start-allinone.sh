#!/usr/bin/env bash
# Entry point of the all-in-one image: PostgreSQL (the decision store), Redis and the fraudlens API
# in one container.
#
#   start-allinone.sh [API command...]      (default: node /app/bin/fraudlens.js serve)
#
# 1. PostgreSQL (LOGGING_HANDLER=postgres), unless ALLINONE_POSTGRES=off or DATABASE_URL names a
#    server of your own (then LOGGING_HANDLER as given, redis by default): on the
#    first start initdb makes a cluster in POSTGRES_DATA_DIR (built beside it and renamed into
#    place, so a start cut short never leaves half a cluster) with a database and user
#    `fraudlens`; the server listens on a Unix socket only (POSTGRES_SOCKET_DIR, mode 0700), so
#    nothing outside the container reaches it and no password is needed. The script waits until
#    pg_isready answers, at most POSTGRES_WAIT_SECONDS, and gives the API DATABASE_URL.
#    As root (a native run), the PostgreSQL programs run as POSTGRES_OS_USER: postgres refuses root.
# 2. redis-server on 127.0.0.1 (append-only file in REDIS_DATA_DIR), waited for with PING, at
#    most REDIS_WAIT_SECONDS. With PostgreSQL it holds the drift window and rate-limit counts;
#    without, the prediction log too (LOGGING_HANDLER=redis).
# 3. the API, waited for until GET /health answers 200, at most API_WAIT_SECONDS;
# 4. stays in the foreground: SIGTERM or SIGINT stops the API first (it finishes in-flight
#    requests and flushes its decisions), then Redis (which syncs its append-only file) and
#    PostgreSQL (fast shutdown: a checkpoint, then exit); when any child exits on its own, the
#    others are stopped and the script exits non-zero, so the container's restart policy can act.
#
# Environment (besides the API's own settings):
#   ALLINONE_POSTGRES (on; off, or DATABASE_URL set, starts no PostgreSQL)
#   POSTGRES_DATA_DIR (/data/postgres), POSTGRES_PORT (5432, the socket's name), POSTGRES_SOCKET_DIR
#   (${TMPDIR:-/tmp}/fraudlens-postgresql), POSTGRES_BIN_DIR (newest /usr/lib/postgresql/N/bin),
#   POSTGRES_OS_USER (postgres, used as root only), POSTGRES_WAIT_SECONDS (30)
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
ALLINONE_POSTGRES="${ALLINONE_POSTGRES:-on}"
POSTGRES_DATA_DIR="${POSTGRES_DATA_DIR:-/data/postgres}"
POSTGRES_PORT="${POSTGRES_PORT:-5432}"
POSTGRES_SOCKET_DIR="${POSTGRES_SOCKET_DIR:-${TMPDIR:-/tmp}/fraudlens-postgresql}"
POSTGRES_OS_USER="${POSTGRES_OS_USER:-postgres}"
POSTGRES_WAIT_SECONDS="${POSTGRES_WAIT_SECONDS:-30}"

t0="${EPOCHREALTIME/./}"
log() { printf 'start-allinone: %s\n' "$*" >&2; }
elapsed_ms() { echo $(((${EPOCHREALTIME/./} - t0) / 1000)); }

for n in REDIS_PORT API_PORT POSTGRES_PORT REDIS_WAIT_SECONDS API_WAIT_SECONDS POSTGRES_WAIT_SECONDS STOP_WAIT_SECONDS; do
  [[ "${!n}" =~ ^[0-9]+$ ]] || { log "$n must be a whole number, got '${!n}'"; exit 2; }
done
[ "$API_PORT" != 0 ] || { log "API_PORT=0 is not supported here: the health check needs a known port"; exit 2; }
command -v "$REDIS_SERVER" >/dev/null || { log "$REDIS_SERVER not found"; exit 2; }
mkdir -p "$REDIS_DATA_DIR"

case "$ALLINONE_POSTGRES" in
  on) with_postgres=1 ;;
  off) with_postgres=0 ;;
  *) log "ALLINONE_POSTGRES must be on or off, got '$ALLINONE_POSTGRES'"; exit 2 ;;
esac
# A server of the user's own: the decisions go there and none starts here.
if [ -n "${DATABASE_URL:-}" ]; then with_postgres=0; fi

if [ "$with_postgres" = 1 ]; then
  if [ -z "${POSTGRES_BIN_DIR:-}" ]; then
    # Debian keeps the server programs out of PATH, one directory per major version.
    newest="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -regex '.*/[0-9]+' -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)"
    [ -n "$newest" ] || { log "no PostgreSQL under /usr/lib/postgresql (Debian package postgresql); set POSTGRES_BIN_DIR or ALLINONE_POSTGRES=off"; exit 2; }
    POSTGRES_BIN_DIR="/usr/lib/postgresql/$newest/bin"
  fi
  for program in initdb postgres pg_isready; do
    [ -x "$POSTGRES_BIN_DIR/$program" ] || { log "$POSTGRES_BIN_DIR/$program not found"; exit 2; }
  done
  # The socket is the only way in; the URL names its directory (libpq's host=/dir form).
  export DATABASE_URL="postgres://fraudlens@localhost:${POSTGRES_PORT}/fraudlens?host=${POSTGRES_SOCKET_DIR}"
  # The image's LOGGING_HANDLER (redis) names the store without PostgreSQL; with it, this one.
  export LOGGING_HANDLER=postgres
  # The drift window and the rate-limit budget stay in Redis, as with the Redis log.
  export FRAUDLENS_DRIFT_BACKEND="${FRAUDLENS_DRIFT_BACKEND:-redis}"
  export FRAUDLENS_RATE_LIMIT_STORE="${FRAUDLENS_RATE_LIMIT_STORE:-redis}"
else
  export LOGGING_HANDLER="${LOGGING_HANDLER:-redis}"
fi

export REDIS_PORT API_PORT
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${REDIS_PORT}/0}"

if [ "$#" -eq 0 ]; then set -- node /app/bin/fraudlens.js serve; fi

# The address the health check uses: the API's own unless it listens on every interface.
case "${API_HOST:-0.0.0.0}" in
  0.0.0.0 | "") api_addr=127.0.0.1 ;;
  :: | "[::]") api_addr=::1 ;;
  *) api_addr="${API_HOST#[}"; api_addr="${api_addr%]}" ;;
esac

postgres_pid=""
redis_pid=""
api_pid=""

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# PostgreSQL's programs refuse to run as root; setpriv execs them as another user (no extra
# process in between, so signals reach the server itself).
as_postgres=()
if [ "$(id -u)" = 0 ]; then as_postgres=(setpriv --reuid="$POSTGRES_OS_USER" --regid="$POSTGRES_OS_USER" --init-groups --); fi

# A directory of PostgreSQL's, owned by the user its programs run as.
postgres_dir() {
  mkdir -p "$1"
  if [ "$(id -u)" = 0 ]; then chown "$POSTGRES_OS_USER:" "$1"; fi
  chmod 0700 "$1"
}

# One PING over bash's /dev/tcp (no redis-cli needed); the read is bounded.
redis_answers() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || exit 1
    [[ "$reply" == +PONG* ]]
  ) 2>/dev/null
}

# Ready when the server in the data directory is our child (not one left over from a killed run
# that still holds the socket) and accepts connections.
postgres_answers() {
  local owner=""
  { IFS= read -r owner <"$POSTGRES_DATA_DIR/postmaster.pid"; } 2>/dev/null || return 1
  [ "$owner" = "$postgres_pid" ] || return 1
  "$POSTGRES_BIN_DIR/pg_isready" -q -t 2 -h "$POSTGRES_SOCKET_DIR" -p "$POSTGRES_PORT" -U fraudlens -d fraudlens
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

# Sends the signal and waits up to the limit, then SIGKILL. Prints nothing; returns the exit status.
stop_child() { # pid name seconds [signal]
  local pid=$1 name=$2 limit=$3 signal=${4:-TERM} i status=0
  alive "$pid" || { wait "$pid" 2>/dev/null || status=$?; return "$status"; }
  kill -"$signal" "$pid" 2>/dev/null || true
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

# The API first (it still writes decisions while it drains), then the stores.
stop_all() {
  local api_status=0
  if [ -n "$api_pid" ]; then stop_child "$api_pid" API "$STOP_WAIT_SECONDS" || api_status=$?; fi
  if [ -n "$redis_pid" ]; then stop_child "$redis_pid" Redis 10 || true; fi
  # SIGINT is PostgreSQL's fast shutdown: clients cut, a checkpoint, a clean exit.
  if [ -n "$postgres_pid" ]; then stop_child "$postgres_pid" PostgreSQL 30 INT || true; fi
  return "$api_status"
}

on_signal() {
  trap '' TERM INT
  log "$1 received: stopping the API, then Redis$([ -n "$postgres_pid" ] && echo " and PostgreSQL")"
  local status=0
  stop_all || status=$?
  log "stopped (API exit status $status)"
  exit "$status"
}
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGINT' INT

# Waits until `check` succeeds; gives up when the child exits or after the limit.
await_child() { # name pid seconds check
  local name=$1 pid=$2 limit=$3 check=$4 i status
  for ((i = 0; ; i++)); do
    "$check" && return 0
    if ! alive "$pid"; then
      status=0
      wait "$pid" || status=$?
      log "$name exited during start-up (status $status)"
      return 1
    fi
    if ((i >= limit * 10)); then
      log "$name did not become ready within ${limit} s"
      return 1
    fi
    sleep 0.1
  done
}

# --- PostgreSQL --------------------------------------------------------------------------------
if [ "$with_postgres" = 1 ]; then
  postgres_dir "$POSTGRES_SOCKET_DIR"
  if [ ! -f "$POSTGRES_DATA_DIR/PG_VERSION" ]; then
    if [ -e "$POSTGRES_DATA_DIR" ] && [ -n "$(ls -A "$POSTGRES_DATA_DIR")" ]; then
      log "$POSTGRES_DATA_DIR is not empty but holds no PostgreSQL cluster; refusing to touch it"
      exit 1
    fi
    log "first start: creating the PostgreSQL cluster in $POSTGRES_DATA_DIR"
    staging="$POSTGRES_DATA_DIR.initdb"
    rm -rf "$staging"
    mkdir -p "$(dirname "$POSTGRES_DATA_DIR")"
    postgres_dir "$staging"
    # Trust is safe here: the socket directory is the server user's alone and there is no TCP.
    "${as_postgres[@]}" "$POSTGRES_BIN_DIR/initdb" -D "$staging" -U fraudlens --auth=trust -E UTF8 --no-locale >/dev/null
    printf 'CREATE DATABASE fraudlens;\n' | "${as_postgres[@]}" "$POSTGRES_BIN_DIR/postgres" --single -D "$staging" postgres >/dev/null
    rmdir "$POSTGRES_DATA_DIR" 2>/dev/null || true
    mv "$staging" "$POSTGRES_DATA_DIR"
  fi
  "${as_postgres[@]}" "$POSTGRES_BIN_DIR/postgres" -D "$POSTGRES_DATA_DIR" -p "$POSTGRES_PORT" \
    -c listen_addresses= -c unix_socket_directories="$POSTGRES_SOCKET_DIR" -c logging_collector=off &
  postgres_pid=$!
  if ! await_child PostgreSQL "$postgres_pid" "$POSTGRES_WAIT_SECONDS" postgres_answers; then
    stop_all || true
    exit 1
  fi
  log "PostgreSQL ready on $POSTGRES_SOCKET_DIR (port $POSTGRES_PORT, data in $POSTGRES_DATA_DIR) after $(elapsed_ms) ms"
fi

# --- Redis -------------------------------------------------------------------------------------
"$REDIS_SERVER" \
  --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
  --dir "$REDIS_DATA_DIR" --appendonly yes --appendfsync everysec --save "" \
  --maxmemory "$REDIS_MAXMEMORY" --maxmemory-policy allkeys-lru \
  --daemonize no --logfile "" --loglevel warning &
redis_pid=$!
if ! await_child Redis "$redis_pid" "$REDIS_WAIT_SECONDS" redis_answers; then
  redis_pid=""
  stop_all || true
  exit 1
fi
log "Redis ready on 127.0.0.1:$REDIS_PORT after $(elapsed_ms) ms"

# --- API ---------------------------------------------------------------------------------------
"$@" &
api_pid=$!
if ! await_child "the API" "$api_pid" "$API_WAIT_SECONDS" api_healthy; then
  alive "$api_pid" || api_pid=""
  stop_all || true
  exit 1
fi
store="redis"
if [ "$with_postgres" = 1 ]; then store="postgres (in this container)"; elif [ -n "${DATABASE_URL:-}" ]; then store="postgres (DATABASE_URL)"; fi
log "healthy after $(elapsed_ms) ms: API on port $API_PORT, Redis on 127.0.0.1:$REDIS_PORT, decisions in $store"

# --- Supervise ---------------------------------------------------------------------------------
# `wait -n` returns when any child exits; a signal interrupts it and runs on_signal instead.
status=0
wait -n $postgres_pid "$redis_pid" "$api_pid" || status=$?
if ! alive "$api_pid"; then
  log "the API exited unexpectedly (status $status); stopping the rest"
  api_pid=""
elif ! alive "$redis_pid"; then
  log "Redis exited unexpectedly (status $status); stopping the API"
  redis_pid=""
else
  log "PostgreSQL exited unexpectedly (status $status); stopping the API"
  postgres_pid=""
fi
stop_all || true
exit $((status == 0 ? 1 : status))
