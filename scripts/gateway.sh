#!/usr/bin/env bash
# The main job: build the plugin and run the gateway on 127.0.0.1:8000 in front of the Claude API (Redis, egress
# proxy and all), in the foreground. Ctrl-C stops everything. Options are those of `npm run gateway` (--mock,
# --port P, --upstream URL, --redis HOST:PORT|none, --config FILE relative to the current directory, ...).
# stdout carries only the two "listening" lines (setup and build talk on stderr), so `gateway.sh | head -1` works.
set -euo pipefail
caller_dir=$PWD
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bash scripts/setup.sh >&2
npm run --silent build >&2
cd "$caller_dir"
export INIT_CWD="$caller_dir"
exec node --import "$repo/node_modules/tsx/dist/esm/index.mjs" "$repo/host/gateway.ts" "$@"
