-- Kong-compatible runloop for the aws-masker host (nginx + lua-nginx-module).
-- init(path): reads the normalized config JSON written by host/gateway.ts,
-- loads kong.plugins.<name>.handler/.schema, validates plugin configs with the
-- plugin schemas, resolves env vault references and builds the router.
-- The phase functions are called from the rendered nginx.conf.
local cjson = require "cjson.safe"

local _M = {}

local ngx = ngx
local ipairs, pairs, type, tostring, error, pcall = ipairs, pairs, type, tostring, error, pcall
local co_create, co_resume, co_status = coroutine.create, coroutine.resume, coroutine.status
local fmt, concat, sub, find, byte = string.format, table.concat, string.sub, string.find, string.byte

local pdk, schema_lib, vault, router_lib -- loaded in init()

local state = {
  configuration = {},
  node_id = nil,
  hostname = nil,
}
local loaded = {}          -- plugin name -> { name, handler, schema, priority, log }
local loaded_list = {}
local services = {}        -- id -> service
local routes = {}          -- id -> route
local plugins_for_route = {} -- route id -> sorted plugin instances
local global_plugins = {}  -- sorted plugin instances
local configs_by_name = {} -- name -> list of conf (for handler:configure)
local router
local admin_routes = {}    -- Admin API: { pattern, methods, plugin } from kong.plugins.<name>.api
local route_modes = {}     -- route -> its proxy mode (host/nginx.ts proxyModeOf)
local location_service     -- the service whose upstream and Host the entry locations start with, if any
local NAMED_LOCATION = {
  buffered = "@buffered", unbuffered = "@unbuffered",
  unbuffered_request = "@unbuffered_request", unbuffered_response = "@unbuffered_response",
}

local function by_priority(a, b)
  if a.priority ~= b.priority then return a.priority > b.priority end
  return a.name < b.name
end

-- A sorted plugin list gets, per phase, the list of its plugins whose handler implements that phase (like Kong's
-- plugins iterator, built once per config): the phase functions run that list without testing each handler.
local PHASES = { "rewrite", "access", "header_filter", "body_filter", "log" }
local function with_phase_lists(plugins)
  local lists = {}
  for _, phase in ipairs(PHASES) do
    local list = {}
    for _, p in ipairs(plugins) do
      if p.handler[phase] then list[#list + 1] = p end
    end
    lists[phase] = list
  end
  plugins.phases = lists
  return plugins
end

local function install_preloads()
  package.preload["kong.db.schema.typedefs"] = function() return require "kong_host.typedefs" end
  if not package.preload["resty.redis"] then
    package.preload["resty.redis"] = function() return require "nginx.redis" end
  end
end

local function read_file(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local s = f:read("*a")
  f:close()
  return s
end

local function load_plugin(name)
  if loaded[name] then return loaded[name] end
  local ok, handler = pcall(require, "kong.plugins." .. name .. ".handler")
  if not ok then
    return nil, fmt("plugin '%s' could not be loaded (kong.plugins.%s.handler): %s", name, name, tostring(handler))
  end
  if type(handler) ~= "table" then
    return nil, fmt("plugin '%s': handler module must return a table", name)
  end
  if type(handler.PRIORITY) ~= "number" or handler.PRIORITY % 1 ~= 0 then
    return nil, fmt("plugin '%s': handler PRIORITY must be an integer", name)
  end
  if type(handler.VERSION) ~= "string" or not handler.VERSION:match("^%d+%.%d+%.%d+") then
    return nil, fmt("plugin '%s': handler VERSION must be a \"x.y.z\" string", name)
  end
  if handler.response and (handler.header_filter or handler.body_filter) then
    return nil, fmt("plugin '%s': a handler may not implement `response` with header_filter/body_filter", name)
  end
  local ok2, schema = pcall(require, "kong.plugins." .. name .. ".schema")
  if not ok2 then
    return nil, fmt("plugin '%s' schema could not be loaded: %s", name, tostring(schema))
  end
  if type(schema) ~= "table" or type(schema.name) ~= "string" or type(schema.fields) ~= "table" then
    return nil, fmt("plugin '%s': schema must be a table with `name` and `fields`", name)
  end
  local p = {
    name = name, handler = handler, schema = schema, priority = handler.PRIORITY,
    log = pdk.new_logger(name),
  }
  loaded[name] = p
  loaded_list[#loaded_list + 1] = p
  return p
end


-- Admin API endpoints of a plugin, like Kong's kong/api/init.lua: kong.plugins.<name>.api returns
-- { ["/path/:param"] = { GET = function(self, db, helpers) ... end, ... } } (old-style routes, no schema).
local function load_api(p, errors)
  local modname = "kong.plugins." .. p.name .. ".api"
  if not package.searchpath(modname, package.path) then
    ngx.log(ngx.DEBUG, "No API endpoints loaded for plugin: ", p.name)
    return
  end
  local ok, api = pcall(require, modname)
  if not ok or type(api) ~= "table" then
    errors[#errors + 1] = fmt("plugin '%s': %s could not be loaded: %s", p.name, modname, tostring(api))
    return
  end
  ngx.log(ngx.DEBUG, "Loading API endpoints for plugin: ", p.name)
  for route_path, methods in pairs(api) do
    if type(route_path) == "string" and type(methods) == "table" then
      -- lapis-style ":name" segments capture one path segment
      local names = {}
      local pattern = "^" .. route_path:gsub("[%-%.%+%[%]%(%)%$%^%%%?%*]", "%%%0"):gsub(":([%w_]+)", function(n)
        names[#names + 1] = n
        return "([^/]+)"
      end) .. "$"
      admin_routes[#admin_routes + 1] = { path = route_path, pattern = pattern, names = names, methods = methods, plugin = p }
    end
  end
end

local function warn(msg)
  ngx.log(ngx.WARN, "[kong] ", msg)
end

-- ------------------------------------------------------------------ init
function _M.init(config_path)
  install_preloads()
  pdk = require "kong_host.pdk"
  schema_lib = require "kong_host.schema"
  vault = require "kong_host.vault"
  router_lib = require "kong_host.router"

  local raw, err = read_file(config_path)
  if not raw then error("aws-masker host: cannot read config " .. config_path .. ": " .. tostring(err), 0) end
  local conf = cjson.decode(raw)
  if type(conf) ~= "table" then error("aws-masker host: config is not valid JSON: " .. config_path, 0) end

  state.configuration = conf.configuration or {}
  state.node_id = conf.node_id
  state.hostname = conf.hostname
  _G.kong = pdk.new(state)

  for _, s in ipairs(conf.services or {}) do services[s.id] = s end
  for _, r in ipairs(conf.routes or {}) do routes[r.id] = r end

  local errors = {}
  local by_scope = { global = {}, service = {}, route = {} }
  for _, p in ipairs(conf.plugins or {}) do
    if p.enabled ~= false then
      local scope = p.route_id and ("route '" .. (routes[p.route_id] and routes[p.route_id].name or p.route_id) .. "'")
        or p.service_id and ("service '" .. (services[p.service_id] and services[p.service_id].name or p.service_id) .. "'")
        or "global"
      local lp, lerr = load_plugin(p.name)
      if not lp then
        errors[#errors + 1] = lerr
      else
        local cfg, refs_or_errs = schema_lib.validate_plugin(lp.schema, p)
        if not cfg then
          errors[#errors + 1] = fmt("invalid configuration for plugin '%s' (%s): %s",
            p.name, scope, concat(refs_or_errs, "; "))
        else
          local _, unresolved = schema_lib.resolve_references(cfg, refs_or_errs,
            function(ref) return vault.resolve(ref) end,
            function(msg) warn(fmt("[%s] %s", p.name, msg)) end)
          local bad = schema_lib.check_resolved(lp.schema, cfg, refs_or_errs, unresolved)
          if #bad > 0 then
            errors[#errors + 1] = fmt("invalid configuration for plugin '%s' (%s): %s", p.name, scope, concat(bad, "; "))
          end
          cfg.route_id = p.route_id
          cfg.service_id = p.service_id
          cfg.consumer_id = nil
          cfg.__plugin_id = p.id
          cfg.__key__ = fmt("plugins:%s:%s:%s::", p.name, p.route_id or "", p.service_id or "")
          cfg.__seq__ = #configs_by_name + 1
          local inst = {
            name = p.name, handler = lp.handler, priority = lp.priority, config = cfg, log = lp.log,
            id = p.id,
          }
          configs_by_name[p.name] = configs_by_name[p.name] or {}
          local list = configs_by_name[p.name]
          list[#list + 1] = cfg
          if p.route_id then
            by_scope.route[p.route_id] = by_scope.route[p.route_id] or {}
            by_scope.route[p.route_id][p.name] = inst
          elseif p.service_id then
            by_scope.service[p.service_id] = by_scope.service[p.service_id] or {}
            by_scope.service[p.service_id][p.name] = inst
          else
            by_scope.global[p.name] = inst
          end
        end
      end
    end
  end
  for _, lp in ipairs(loaded_list) do load_api(lp, errors) end
  if #errors > 0 then
    error("aws-masker host: invalid declarative configuration:\n  " .. concat(errors, "\n  "), 0)
  end

  for _, inst in pairs(by_scope.global) do global_plugins[#global_plugins + 1] = inst end
  table.sort(global_plugins, by_priority)
  with_phase_lists(global_plugins)
  -- precedence for the same plugin name: route > service > global
  for id, r in pairs(routes) do
    local chosen = {}
    for name, inst in pairs(by_scope.global) do chosen[name] = inst end
    for name, inst in pairs(by_scope.service[r.service_id] or {}) do chosen[name] = inst end
    for name, inst in pairs(by_scope.route[id] or {}) do chosen[name] = inst end
    local list = {}
    for _, inst in pairs(chosen) do list[#list + 1] = inst end
    table.sort(list, by_priority)
    plugins_for_route[id] = with_phase_lists(list)
  end

  local rlist = {}
  for _, r in ipairs(conf.routes or {}) do
    rlist[#rlist + 1] = r
    local rq, rs = r.request_buffering ~= false, r.response_buffering ~= false
    route_modes[r] = rq and (rs and "buffered" or "unbuffered_response") or (rs and "unbuffered_request" or "unbuffered")
  end
  -- the service the entry locations start with (host/nginx.ts locationService: the only one, if there is one)
  if #(conf.services or {}) == 1 then location_service = services[conf.services[1].id] end
  router = router_lib.new(rlist, {
    re_match = function(subject, re)
      local m = ngx.re.match(subject, re, "jo")
      return m
    end,
  })
end

-- ------------------------------------------------------------ init_worker
-- KONG_HOST_GARBAGE=<n>: the bytes each phase allocates per call (once per request; body_filter once per buffer), the
-- median over every n requests of the worker, logged at notice (a dev tool for bench/: BENCH_GARBAGE). Each KB a
-- request allocates costs the worker in making it and in collecting it (docs/performance.md, "Little garbage on the
-- warm path"). A collector step that freed memory inside a phase lowers that call's figure (below zero, even); the
-- median leaves those few out.
local GARBAGE_PHASES = { "access", "header_filter", "body_filter", "log" }

local function count_garbage(window)
  local count = collectgarbage
  local samples, taken = {}, {}
  for _, name in ipairs(GARBAGE_PHASES) do
    local phase = _M[name]
    samples[name], taken[name] = {}, 0
    _M[name] = function(...)
      local before = count("count")
      phase(...)
      local k = taken[name] + 1
      taken[name] = k
      samples[name][k] = (count("count") - before) * 1024
    end
  end
  local log_phase = _M.log
  _M.log = function(...)
    log_phase(...)
    if taken.log < window then return end
    local parts = {}
    for _, name in ipairs(GARBAGE_PHASES) do
      local list, k = samples[name], taken[name]
      table.sort(list)
      parts[#parts + 1] = string.format("%s %d B", name, k > 0 and list[math.floor((k + 1) / 2)] or 0)
      samples[name], taken[name] = {}, 0
    end
    ngx.log(ngx.NOTICE, "kong_host: garbage per request, median of ", window, " requests: ", table.concat(parts, ", "))
  end
end

function _M.init_worker()
  -- KONG_HOST_JIT_PROFILE=<file>: LuaJIT's sampling profiler (jit.p) over the worker's life, written to <file>.<pid>
  -- when the worker exits (a dev tool for bench/; Kong has no such switch)
  local profile = os.getenv("KONG_HOST_JIT_PROFILE")
  if profile and profile ~= "" then
    local jp = require "jit.p"
    jp.start(os.getenv("KONG_HOST_JIT_PROFILE_MODE") or "Fl,i1", profile .. "." .. ngx.worker.pid())
    ngx.timer.at(31536000, function() jp.stop() end)
  end
  local garbage = tonumber(os.getenv("KONG_HOST_GARBAGE") or "")
  if garbage and garbage > 0 then count_garbage(garbage) end
  -- KONG_HOST_JIT_V=<file>: LuaJIT's trace log (jit.v: traces, aborts, blacklisting) of the worker, to <file>.<pid>
  local jitv = os.getenv("KONG_HOST_JIT_V")
  if jitv and jitv ~= "" then require("jit.v").start(jitv .. "." .. ngx.worker.pid()) end
  -- KONG_HOST_PERF_MAP=1: each compiled trace's machine code named in /tmp/perf-<pid>.map, so that `perf report`
  -- names the traces ("trace 12 json.lua:661") instead of bare addresses (a dev tool for bench/). LuaJIT keeps one
  -- handler per event: this one replaces KONG_HOST_JIT_V's log
  if os.getenv("KONG_HOST_PERF_MAP") == "1" then
    local jutil = require "jit.util"
    local map = io.open("/tmp/perf-" .. ngx.worker.pid() .. ".map", "w")
    local starts = {}
    if map then
      jit.attach(function(what, tr, func, pc, otr, oex)
        if what == "start" then
          local fi = jutil.funcinfo(func, pc)
          starts[tr] = (fi.loc or "?") .. (otr and (" (" .. otr .. "/" .. tostring(oex) .. ")") or "")
        elseif what == "stop" then
          local mcode, addr = jutil.tracemc(tr)
          if mcode and addr then
            map:write(string.format("%x %x trace %d %s\n", addr, #mcode, tr, starts[tr] or "?"))
            map:flush()
          end
        end
      end, "trace")
    end
  end
  for _, p in ipairs(loaded_list) do
    if p.handler.init_worker then
      state.worker_plugin = p
      local ok, err = pcall(p.handler.init_worker, p.handler)
      state.worker_plugin = nil
      if not ok then ngx.log(ngx.ERR, "[kong] failed to run init_worker of plugin ", p.name, ": ", err) end
    end
  end
  for _, p in ipairs(loaded_list) do
    if p.handler.configure then
      state.worker_plugin = p
      local ok, err = pcall(p.handler.configure, p.handler, configs_by_name[p.name])
      state.worker_plugin = nil
      if not ok then ngx.log(ngx.ERR, "[kong] failed to run configure of plugin ", p.name, ": ", err) end
    end
  end
end

-- ---------------------------------------------------------- ctx handling
-- ngx.ctx kept across ngx.exec and error_page as Kong keeps it (kong/resty/ctx.lua stash_ref/apply_ref): nginx drops
-- the request's Lua context on an internal redirect, but lua-nginx-module keeps the ctx table referenced in its
-- registry (resty.core.ctx's ngx_lua_ctx_tables) until the request ends, so the reference number, kept in
-- $kong_ctx_ref (nginx keeps variables across the redirect), finds it again. Per request, not per worker: no table
-- of the host's own to fill and empty.
local get_request = require("resty.core.base").get_request
local resty_ctx = require "resty.core.ctx"
local ctx_tables = debug.getregistry().ngx_lua_ctx_tables
local get_ctx_ref = require("ffi").C.ngx_http_lua_ffi_get_ctx_ref
local new_tab = require "table.new"
-- fields the runloop and the PDK put in a request's ctx (route, service, plugins, plugin ctx, ...): made with room
-- for them, as Kong does (CTX_NREC), instead of growing twice
local CTX_NREC = 16

local function get_ctx()
  local ctx = ngx.ctx
  if ctx.KONG_PLUGINS == nil then
    local ref = tonumber(ngx.var.kong_ctx_ref)
    local stashed = ref and ctx_tables[ref]
    if stashed then
      ctx = stashed
      ngx.ctx = ctx
    end
  end
  return ctx
end

local function stash_ctx()
  ngx.var.kong_ctx_ref = get_ctx_ref(get_request(), nil, nil)
end

-- -------------------------------------------------------------- rewrite
function _M.rewrite()
  local ctx = ngx.ctx
  ctx.KONG_PLUGINS = global_plugins
  local list = global_plugins.phases.rewrite
  for i = 1, #list do
    local p = list[i]
    ctx.KONG_CURRENT_PLUGIN = p
    p.handler:rewrite(p.config)
    ctx.KONG_CURRENT_PLUGIN = nil
  end
end

local function flush_delayed(ctx)
  local d = ctx.delayed_response
  return pdk.send(d.status_code, d.content, d.headers, ctx)
end

local QUESTION_MARK = string.byte("?")

-- The router's answer per worker, like Kong's router cache (an LRU of 1,000s of matches): the route, service, the
-- matched prefix and the upstream path are functions of (method, raw path, Host), so a repeated request skips path
-- normalisation, matching and escaping. Bounded: emptied when full; paths longer than ROUTE_CACHE_PATH_MAX bytes
-- are matched every time (no cache growth from long attacker-chosen paths).
local ROUTE_CACHE_MAX = 1024
local ROUTE_CACHE_PATH_MAX = 512
local NO_ROUTE = {}
local route_cache, route_cache_n = {}, 0
local clear_table = require "table.clear"

local function route_for(method, path, http_host)
  local key = method .. "\0" .. (http_host or "") .. "\0" .. path
  local match = route_cache[key]
  if match then return match end
  -- like Kong's router (router/utils.lua strip_uri_args): routes match the normalised path, which also goes upstream
  local normalized = pdk.normalize_path(path, true)
  local route, matched = router:match(method, normalized, http_host)
  if route then
    local service = services[route.service_id]
    match = {
      route = route, service = service, matched = matched, path = normalized,
      upstream_path = pdk.escape_path(router_lib.upstream_path(route, service.path, normalized, matched)),
    }
  else
    match = NO_ROUTE
  end
  if #path <= ROUTE_CACHE_PATH_MAX then
    if route_cache_n >= ROUTE_CACHE_MAX then
      clear_table(route_cache)
      route_cache_n = 0
    end
    route_cache[key] = match
    route_cache_n = route_cache_n + 1
  end
  return match
end

-- --------------------------------------------------------------- access
-- One plugin's access handler, in a coroutine of its own as Kong runs it (kong.response.exit yields out of it); true
-- when the request is answered (a delayed response). A function of its own, called without a loop for a single plugin
-- (as run_filters below): a loop entered once per request aborts LuaJIT's root traces, and the access phase would run
-- interpreted.
local function access_plugin(ctx, p)
  local h = p.handler
  ctx.KONG_CURRENT_PLUGIN = p
  local co = co_create(h.access)
  local ok, err = co_resume(co, h, p.config)
  if not ok then
    p.log.err(debug.traceback(co, err))
    ctx.KONG_UNEXPECTED = true
    ctx.delayed_response = { status_code = 500, content = { message = "An unexpected error occurred" } }
  end
  if ctx.delayed_response then return true end
  if co_status(co) ~= "dead" then
    p.log.err("access handler yielded without kong.response.exit")
  end
  return false
end

-- location_mode: the proxy mode of the location nginx picked (host/nginx.ts entryLocations: a guess from the route
-- paths); when the matched route needs another one, the request moves to that named location (Kong's @unbuffered*).
function _M.access(location_mode)
  local ctx = resty_ctx.get_ctx_table(new_tab(0, CTX_NREC)) -- ngx.ctx (the rewrite phase's, if it ran)
  local var = ngx.var
  local request_uri = var.request_uri or "/"
  local q = find(request_uri, "?", 1, true)
  local path = q and sub(request_uri, 1, q - 1) or request_uri
  local http_host = var.http_host
  local match = route_for(ngx.req.get_method(), path, http_host)
  if match == NO_ROUTE then
    ctx.KONG_PLUGINS = global_plugins
    ctx.KONG_EXITED = true
    return pdk.send(404, { message = "no Route matched with those values" }, nil, ctx)
  end
  local route, service, matched = match.route, match.service, match.matched
  ctx.route = route
  ctx.service = service
  ctx.KONG_PATH = match.path -- kong.request.get_path()
  local plugins = plugins_for_route[route.id]
  ctx.KONG_PLUGINS = plugins

  -- the entry location starts with the 'http' scheme and, when the config has one service, with its upstream and
  -- Host (host/nginx.ts locationService): only what differs is written (each write looks the variable up by name)
  if service.protocol ~= "http" then var.upstream_scheme = service.protocol end
  if service ~= location_service then var.upstream_name = service.upstream_name end
  if route.preserve_host then
    var.upstream_host = http_host or service.host_header
  elseif service ~= location_service then
    var.upstream_host = service.host_header
  end
  var.upstream_uri = match.upstream_path
  -- forwarding headers, filled before the plugins run like Kong's access.before (3.9; a plugin may empty them);
  -- X-Forwarded-For ($proxy_add_x_forwarded_for: Kong's value, as no trusted proxy or realip is configured),
  -- -Proto/-Host/-Port ($scheme, $host, $server_port) and Via ($kong_upstream_via) are set by the location, and so is
  -- -Path ($request_uri), which is the path unless a query follows it
  if q then var.upstream_x_forwarded_path = path end
  if route.strip_path ~= false and matched and matched ~= "/" and matched ~= "" then
    var.upstream_x_forwarded_prefix = matched -- else the location's ''
  end

  ctx.delay_response = true
  local list = plugins.phases.access
  local n = #list
  if n == 1 then
    access_plugin(ctx, list[1])
  else
    for i = 1, n do
      if access_plugin(ctx, list[i]) then break end
    end
  end
  ctx.KONG_CURRENT_PLUGIN = nil
  ctx.delay_response = nil
  if ctx.delayed_response then
    return flush_delayed(ctx)
  end

  -- like Kong's access.after: the query string goes upstream as received (or as changed by plugins), and so does
  -- an empty one ("/foo?")
  if byte(request_uri, -1) == QUESTION_MARK or var.is_args == "?" then
    var.upstream_uri = var.upstream_uri .. "?" .. (var.args or "")
  end
  -- like Kong's access: "we intend to proxy, though balancer may fail on that" (an nginx error page clears it)
  ctx.KONG_PROXIED = true

  -- kept across ngx.exec and error_page (like Kong's ctx_ref, stashed in every request's rewrite)
  stash_ctx()
  local mode = route_modes[route]
  if mode ~= location_mode then
    return ngx.exec(NAMED_LOCATION[mode])
  end
end

-- ---------------------------------------------------------- error pages
function _M.handle_error()
  local ctx = get_ctx()
  local status = ngx.status
  if not status or status < 400 then status = 500 end
  if status == 500 then ctx.KONG_UNEXPECTED = true end
  ctx.KONG_ERROR_PAGE = true -- nginx-generated answer: get_source() is "error"
  ctx.KONG_PROXIED = nil
  ctx.KONG_PLUGINS = ctx.KONG_PLUGINS or global_plugins
  local msg = pdk.ERROR_MESSAGES[status] or "An unexpected error occurred"
  local body = cjson.encode({ message = msg })
  ngx.status = status
  ngx.header["Content-Type"] = "application/json; charset=utf-8"
  ngx.header["Content-Length"] = #body
  ngx.print(body)
  return ngx.exit(status)
end

-- -------------------------------------------------------- header_filter
-- Runs the plugins of a filter phase (no pcall, as in Kong). A single plugin is called without a loop, as in the log
-- phase: a loop entered and left in a root trace aborts LuaJIT's recording, and after a few aborts the phase function
-- would run interpreted on every request.
local function run_filters(ctx, list, phase)
  local n = #list
  if n == 1 then
    local p = list[1]
    local h = p.handler
    ctx.KONG_CURRENT_PLUGIN = p
    h[phase](h, p.config)
  else
    for i = 1, n do
      local p = list[i]
      local h = p.handler
      ctx.KONG_CURRENT_PLUGIN = p
      h[phase](h, p.config)
    end
  end
  ctx.KONG_CURRENT_PLUGIN = nil
end

function _M.header_filter()
  local ctx = get_ctx()
  run_filters(ctx, (ctx.KONG_PLUGINS or global_plugins).phases.header_filter, "header_filter")
end

-- ---------------------------------------------------------- body_filter
function _M.body_filter()
  local ctx = get_ctx()
  local exit_body = ctx.KONG_EXIT_BODY
  if exit_body then
    -- kong.response.exit() called in header_filter replaces the body
    if not ctx.KONG_EXIT_BODY_SENT then
      ctx.KONG_EXIT_BODY_SENT = true
      ngx.arg[1] = exit_body
      ngx.arg[2] = true
    else
      ngx.arg[1] = nil
      return
    end
  end
  run_filters(ctx, (ctx.KONG_PLUGINS or global_plugins).phases.body_filter, "body_filter")
end

-- ------------------------------------------------------------------ log
local function log_plugin(ctx, p)
  ctx.KONG_CURRENT_PLUGIN = p
  local h = p.handler
  local ok, err = pcall(h.log, h, p.config)
  if not ok then p.log.err(err) end
end

function _M.log()
  local ctx = get_ctx()
  local list = (ctx.KONG_PLUGINS or global_plugins).phases.log
  local n = #list
  if n == 1 then
    log_plugin(ctx, list[1])
  else
    for i = 1, n do log_plugin(ctx, list[i]) end
  end
  ctx.KONG_CURRENT_PLUGIN = nil
end


-- ------------------------------------------------------------ Admin API
-- The plugins' api.lua endpoints on the admin listener (127.0.0.1 only, like Kong's default admin_listen).
-- Handlers answer with kong.response.exit, as in Kong; a trailing slash is ignored (Kong's default_route).
function _M.admin()
  local path = ngx.var.uri
  if #path > 1 and sub(path, -1) == "/" then path = sub(path, 1, -2) end
  local method = ngx.req.get_method()
  for _, r in ipairs(admin_routes) do
    local caps = { path:match(r.pattern) }
    if caps[1] ~= nil or path == r.path then
      local handler = r.methods[method] or (method == "HEAD" and r.methods.GET)
      if type(handler) ~= "function" then
        return pdk.send(405, { message = "Method not allowed" })
      end
      local params = ngx.req.get_uri_args()
      for i, n in ipairs(r.names) do params[n] = caps[i] end
      local self = { params = params, req = { parsed_url = { path = path } } }
      ngx.ctx.KONG_CURRENT_PLUGIN = r.plugin
      local ok, err = pcall(handler, self, {}, {})
      if not ok then
        r.plugin.log.err(err)
        return pdk.send(500, { message = "An unexpected error occurred" })
      end
      return pdk.send(204)
    end
  end
  return pdk.send(404, { message = "Not found" })
end

-- exposed for the host's own specs
_M._internal = {
  plugins_for_route = function(id) return plugins_for_route[id] end,
  global_plugins = function() return global_plugins end,
  route_for = function(method, path, host) return route_for(method, path, host) end,
  route_cache_size = function() return route_cache_n end,
}

return _M
