#!/usr/bin/env bash
# spec/gateway/portable.test.ts the way docker-compose runs it (GATEWAY_URL + MOCK_URL; every part its own process):
# the mock Claude from its CLI with --expose-received, the host gateway from its CLI in front of it. The plugin must
# be built (npm run build). Stops what it started, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

# the first http://127.0.0.1:PORT in a file, once it is there (30 s)
url_in() {
  for _ in $(seq 1 300); do
    if grep -qo 'http://127\.0\.0\.1:[0-9]*' "$1"; then grep -o 'http://127\.0\.0\.1:[0-9]*' "$1" | head -1; return 0; fi
    sleep 0.1
  done
  echo "portable-remote: no URL in $1:" >&2
  cat "$1" "$1.err" >&2 2>/dev/null || true
  return 1
}

node --import tsx spec/harness/mock-claude.ts --port 0 --expose-received >"$dir/mock" 2>"$dir/mock.err" &
pids+=($!)
mock=$(url_in "$dir/mock")
AWS_MASKER_SECRET=portable-remote-secret-0123456789abcdef \
  node --import tsx host/gateway.ts --port 0 --upstream "$mock" --redis none --no-build >"$dir/gateway" 2>"$dir/gateway.err" &
pids+=($!)
gateway=$(url_in "$dir/gateway")
GATEWAY_URL=$gateway MOCK_URL=$mock npx vitest run spec/gateway/portable.test.ts
