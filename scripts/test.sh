#!/usr/bin/env bash
# Every test: installs what it needs, builds the plugin, then type checks, lints (eslint) and checks the format (prettier), busted (compiled Lua under LuaJIT),
# vitest (engine in Node, host, gateway integration with real nginx + Redis + the mock Claude), and the detection
# corpus check (generated documents are current) and scorer (fails on any leak, name recall < 95 %, negative false
# positives >= 0.5 % of tokens, or a Node/Lua difference), and a check that docs/identifiers.md matches the catalogue.
# The install checks are vitest specs (spec/host/install.test.ts, after the build): the rockspec is current and
# `luarocks make --tree <tmp>` installs every module; `deck validate` accepts kong/kong.yml; `docker-compose config`
# accepts docker-compose.yml (Docker itself cannot run here).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== build"
npm run --silent build
echo "== typecheck"
npx tsc -p tsconfig.json
npx tsc -p host/tsconfig.json
echo "== lint (eslint + typescript-eslint: eslint.config.js; conventions in CONTRIBUTING.md) and format (prettier)"
npx eslint .
npx prettier --check . >/dev/null
echo "== busted (LuaJIT)"
busted --lua=luajit spec/lua spec/host
echo "== vitest"
npx vitest run
echo "== portable gateway suite against a URL (as docker-compose runs it)"
bash scripts/portable-remote.sh
echo "== detection corpus is current"
npx tsx spec/fixtures/corpus/generate.ts --check
echo "== detection scorer"
npx tsx scripts/score-detection.ts
echo "== held-out probes, per format family"
npx tsx scripts/score-probes.ts
echo "== generated docs are current"
npx tsx scripts/gen-identifiers-doc.ts --check
