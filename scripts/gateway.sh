#!/usr/bin/env bash
# The main job: build the plugin and run the gateway on 127.0.0.1:8000 in front of the Claude API (Redis, egress
# proxy and all), in the foreground. Ctrl-C stops everything. Options are those of `npm run gateway` (--mock,
# --port P, --upstream URL, --redis HOST:PORT|none, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent build
exec node --import tsx host/gateway.ts "$@"
