#!/usr/bin/env bash
# Installs what aws-masker needs on a fresh Debian 12 + Node 20 machine (root, no Docker): Debian's nginx with
# lua-nginx-module, LuaJIT, busted, Redis, wrk; luarocks (+ Lua 5.1 headers), decK and docker-compose for the install
# checks (rockspec, kong.yml, docker-compose.yml); then the npm dependencies. Idempotent: skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(nginx libnginx-mod-http-lua lua-resty-core lua-resty-lrucache lua-nginx-redis lua-cjson lua-busted
  luajit2 lua-rex-pcre2 redis-server wrk ca-certificates
  luarocks liblua5.1-0-dev deck docker-compose)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
