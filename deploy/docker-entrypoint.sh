#!/bin/sh
# Entry point of the fraudlens image.
#
# - Secrets from files: for each NAME in the list below, NAME_FILE=/path sets NAME to the file's
#   content (Docker and Kubernetes secrets are files; the server reads its settings from the
#   environment). Setting both NAME and NAME_FILE is refused as ambiguous.
# - Arguments: a fraudlens command (`serve`, `predict …`, `info …`) runs the fraudlens CLI;
#   anything that is a program on PATH (`node`, `sh`) runs as given.
set -eu

for name in API_KEY REDIS_URL DATABASE_URL; do
  file_var="${name}_FILE"
  eval "file=\${$file_var:-}"
  eval "direct=\${$name:-}"
  if [ -n "$file" ]; then
    if [ -n "$direct" ]; then
      echo "fraudlens-entrypoint: both $name and $file_var are set; set only one" >&2
      exit 2
    fi
    if [ ! -r "$file" ]; then
      echo "fraudlens-entrypoint: $file_var=$file is not a readable file" >&2
      exit 2
    fi
    # Trailing newlines (as left by `echo key > file`) are not part of the secret.
    value="$(cat "$file")"
    export "$name=$value"
  fi
  unset "$file_var"
done

if [ "$#" -gt 0 ] && command -v "$1" >/dev/null 2>&1; then
  exec "$@"
fi
exec node /app/bin/fraudlens.js "$@"
