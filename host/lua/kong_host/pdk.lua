-- The `kong` PDK table for the host, reproducing Kong 3.8+/3.9 semantics for
-- the functions a body-rewriting plugin uses.  Everything is stateless apart
-- from ngx.ctx, so the same table serves every request.
local cjson = require "cjson.safe"
local errlog = require "ngx.errlog"
local vault = require "kong_host.vault"

local ngx = ngx
local type, tostring, tonumber, pairs, ipairs, select, error, setmetatable =
  type, tostring, tonumber, pairs, ipairs, select, error, setmetatable
local concat, fmt, lower, sub, find = table.concat, string.format, string.lower, string.sub, string.find
local get_phase = ngx.get_phase
local raw_log = errlog.raw_log
local req = ngx.req

local _M = {}

local function phases(...)
  local t = {}
  for i = 1, select("#", ...) do t[select(i, ...)] = true end
  return t
end

local PH = {
  request = phases("rewrite", "access", "content", "header_filter", "body_filter", "log", "balancer"),
  before_content = phases("rewrite", "access", "balancer"),
  rewrite_access = phases("rewrite", "access"),
  rewrite_access_balancer = phases("rewrite", "access", "balancer"),
  response_read = phases("header_filter", "content", "body_filter", "log"),
  response_write = phases("rewrite", "access", "header_filter", "content"),
  exit = phases("rewrite", "access", "header_filter", "content"),
  body_filter = phases("body_filter"),
  access_on = phases("access", "header_filter", "content", "body_filter", "log"),
  access_only = phases("access"),
}

local function phase_name()
  local p = get_phase()
  if p == "content" then return "error" end
  return p
end

local function check_phase(allowed)
  local p = get_phase()
  if not allowed[p] then
    error("function cannot be called in " .. phase_name() .. " phase", 3)
  end
end

local function in_request()
  local p = get_phase()
  return p ~= "init" and p ~= "init_worker" and p ~= "timer"
end

-- ---------------------------------------------------------------- kong.log
local LEVELS = {
  debug = ngx.DEBUG, info = ngx.INFO, notice = ngx.NOTICE, warn = ngx.WARN,
  err = ngx.ERR, crit = ngx.CRIT, alert = ngx.ALERT, emerg = ngx.EMERG,
}

-- kong.log.set_serialize_value / serialize, with Kong's semantics (kong/pdk/log.lua): values are queued in ngx.ctx
-- and applied when serialize() runs; dots in the key walk (and create) sub-tables, "\." is a literal dot; mode
-- "set" (default), "add" (only when absent), "replace" (only when present).
local DOT_BYTE, ESCAPE_BYTE = string.byte("."), string.byte("\\")
local byte, gsub = string.byte, string.gsub
local PH_SERIALIZE = phases("rewrite", "access", "header_filter", "body_filter", "log")

local function set_serialize_value(key, value, options)
  check_phase(PH_SERIALIZE)
  if type(key) ~= "string" then error("key must be a string", 2) end
  local mode = options and options.mode or "set"
  if mode ~= "set" and mode ~= "add" and mode ~= "replace" then
    error("mode must be 'set', 'add' or 'replace'", 2)
  end
  local ctx = ngx.ctx
  local values = ctx.serialize_values
  if not values then
    values = {}
    ctx.serialize_values = values
  end
  values[#values + 1] = { key = key, value = value, mode = mode }
end

local function is_valid_value(v, visited)
  local t = type(v)
  if v == nil or v == ngx.null or t == "number" or t == "string" or t == "boolean" then return true end
  if t ~= "table" then return false end
  visited = visited or {}
  if visited[v] then return false end
  visited[v] = true
  for k, val in pairs(v) do
    local kt = type(k)
    if (kt ~= "string" and kt ~= "number" and kt ~= "boolean") or not is_valid_value(val, visited) then
      return false
    end
  end
  return true
end

local function edit_serialized(root, values)
  for _, item in ipairs(values) do
    if not is_valid_value(item.value) then
      error("value must be nil, a number, string, boolean or a non-self-referencial table containing numbers, string and booleans", 3)
    end
    local key, mode = item.key, item.mode
    local set_or_add = mode == "set" or mode == "add"
    local node, start = root, 1
    for i = 2, #key do
      if byte(key, i) == DOT_BYTE and byte(key, i - 1) ~= ESCAPE_BYTE then
        local subkey = gsub(sub(key, start, i - 1), "\\%.", ".")
        start = i + 1
        if node[subkey] == nil then
          if not set_or_add then node = nil break end
          node[subkey] = {}
        elseif type(node[subkey]) ~= "table" then
          error("The key '" .. key .. "' could not be used as a serialize value. Subkey '" .. subkey
            .. "' is not a table. It's " .. tostring(node[subkey]))
        end
        node = node[subkey]
      end
    end
    if type(node) == "table" then
      local last = gsub(sub(key, start), "\\%.", ".")
      local existing = node[last]
      if mode == "set" or (mode == "add" and existing == nil) or (mode == "replace" and existing ~= nil) then
        node[last] = item.value
      end
    end
  end
  return root
end

-- short_src -> its file name (the part after the last "/"): sources are few, and matching a path on every log line
-- costs more than the rest of the line
local basenames = {}
local function basename(src)
  local b = basenames[src]
  if b == nil then
    b = src:match("([^/]*)$") or "?"
    basenames[src] = b
  end
  return b
end

local get_sys_filter_level = errlog.get_sys_filter_level

local function new_logger(namespace)
  local ns = namespace and ("[" .. namespace .. "] ") or ""
  local log = {}
  for name, lvl in pairs(LEVELS) do
    log[name] = function(...)
      -- like Kong (pdk/log.lua): a level the error_log filters out costs nothing more
      if lvl > get_sys_filter_level() then return end
      local info = debug.getinfo(2, "Sl")
      local file = info and info.short_src and basename(info.short_src) or "?"
      local line = info and info.currentline or 0
      local n = select("#", ...)
      local msg
      if n == 1 then
        msg = tostring((...))
      elseif n == 2 then
        local a, b = ...
        msg = tostring(a) .. tostring(b)
      else
        local buf = {}
        for i = 1, n do buf[i] = tostring((select(i, ...))) end
        msg = concat(buf)
      end
      raw_log(lvl, "[kong] " .. file .. ":" .. line .. " " .. ns .. msg)
    end
  end
  log.inspect = setmetatable({}, { __call = function(_, ...)
    local buf = {}
    for i = 1, select("#", ...) do
      local v = select(i, ...)
      buf[i] = type(v) == "table" and (cjson.encode(v) or tostring(v)) or tostring(v)
    end
    raw_log(ngx.NOTICE, "[kong] " .. ns .. concat(buf, " "))
  end })
  log.deprecation = function(...) return log.warn(...) end
  log.set_serialize_value = set_serialize_value
  log.serialize = function()
    local ctx = ngx.ctx
    local var = ngx.var
    local headers = req.get_headers()
    -- like Kong: these two are redacted, every other header is logged as received
    if headers["authorization"] ~= nil then headers["authorization"] = "REDACTED" end
    if headers["proxy-authorization"] ~= nil then headers["proxy-authorization"] = "REDACTED" end
    local root = {
      request = {
        method = req.get_method(), uri = var.request_uri, size = tonumber(var.request_length),
        url = var.scheme .. "://" .. var.host .. ":" .. var.server_port .. var.request_uri,
        querystring = req.get_uri_args(), headers = headers,
      },
      upstream_uri = var.upstream_uri,
      response = { status = ngx.status, size = tonumber(var.bytes_sent), headers = ngx.resp.get_headers() },
      route = ctx.route and { id = ctx.route.id, name = ctx.route.name } or nil,
      service = ctx.service and { id = ctx.service.id, name = ctx.service.name } or nil,
      client_ip = var.remote_addr,
      started_at = ngx.req.start_time() * 1000,
      source = ctx.KONG_EXITED and "exit" or (ctx.KONG_PROXIED and "service" or "error"),
    }
    if ctx.serialize_values then root = edit_serialized(root, ctx.serialize_values) end
    return root
  end
  return setmetatable(log, { __call = function(_, ...) return log.notice(...) end })
end
_M.new_logger = new_logger

-- -------------------------------------------------------------- exit / send
local function send(status, body, headers, ctx)
  ctx = ctx or ngx.ctx
  ngx.status = status
  local has_ctype, has_clen
  if headers then
    for k, v in pairs(headers) do
      ngx.header[k] = v
      local lk = lower(k)
      if lk == "content-type" or lk == "content_type" then has_ctype = true
      elseif lk == "content-length" or lk == "content_length" then has_clen = true end
    end
  end
  if type(body) == "table" then
    local json, err = cjson.encode(body)
    if not json then error("body encoding failed while flushing response: " .. tostring(err), 2) end
    body = json
    if not has_ctype then ngx.header["Content-Type"] = "application/json; charset=utf-8" end
  end
  ctx.KONG_EXITED = true
  if not has_clen then ngx.header["Content-Length"] = body and #body or 0 end
  local in_header_filter = get_phase() == "header_filter"
  if in_header_filter then
    -- the host's body_filter replaces the upstream body by this one
    ctx.KONG_EXIT_BODY = body or ""
    return ngx.exit(ngx.OK)
  end
  if body ~= nil then
    ngx.print(body)
  else
    ngx.send_headers()
  end
  return ngx.exit(status)
end
_M.send = send

local function validate_exit(status, body, headers)
  if type(status) ~= "number" or status % 1 ~= 0 then
    error("code must be a number", 3)
  elseif status < 100 or status > 599 then
    error("code must be a number between 100 and 599", 3)
  end
  if body ~= nil and type(body) ~= "string" and type(body) ~= "table" then
    error("body must be a nil, string or table", 3)
  end
  if headers ~= nil and type(headers) ~= "table" then
    error("headers must be a nil or table", 3)
  end
end

local function validate_header(name, value)
  if type(name) ~= "string" then error("header name must be a string", 3) end
  local tv = type(value)
  if tv == "table" then
    for _, v in ipairs(value) do
      if type(v) ~= "string" and type(v) ~= "number" and type(v) ~= "boolean" then
        error(fmt("invalid header value in array %q: got %s, expected string", name, type(v)), 3)
      end
    end
    return value
  end
  if tv ~= "string" and tv ~= "number" and tv ~= "boolean" then
    error(fmt("invalid header value for %q: got %s, expected array of string, string, number or boolean", name, tv), 3)
  end
  return tostring(value)
end

-- ----------------------------------------------------------- path normalisation
-- A copy of Kong's kong.tools.uri.normalize (identical in 3.4.0 and 3.9.3), which kong.request.get_path() applies:
-- percent-encoded triplets are decoded in one pass except reserved characters (RFC 3986: "%2F" stays, upper-cased),
-- invalid escapes ("%zz") stay as they are, dot segments are removed ("/%2e%2e/" counts as "/../") and, with
-- merge_slashes, "//" becomes "/".
local RESERVED_CHARS = "!*'();:@&=+$,/?%#[]"
local chars_to_decode = {}
for i = 1, #RESERVED_CHARS do chars_to_decode[string.byte(RESERVED_CHARS, i)] = true end
local DOT, SLASH = string.byte("."), string.byte("/")
local TMP_OUTPUT = {}

local function normalize_decode(m)
  local num = tonumber(m[1], 16)
  if not chars_to_decode[num] then return string.char(num) end
  return string.upper(m[0])
end

local function normalize_path(uri, merge_slashes)
  if uri == "" or uri == "/" then return uri end
  if find(uri, "%", 1, true) then
    uri = ngx.re.gsub(uri, "%([\\dA-F]{2})", normalize_decode, "joi")
  end
  if find(uri, ".", 1, true) == nil then
    if not merge_slashes then return uri end
    if find(uri, "//", 1, true) == nil then return uri end
  end
  local output_n = 0
  while #uri > 0 do
    local FIRST = string.byte(uri, 1)
    local SECOND = FIRST and string.byte(uri, 2) or nil
    local THIRD = SECOND and string.byte(uri, 3) or nil
    local FOURTH = THIRD and string.byte(uri, 4) or nil
    if uri == "/." then
      uri = "/"
    elseif uri == "/.." then
      uri = "/"
      if output_n > 0 then output_n = output_n - 1 end
    elseif uri == "." or uri == ".." then
      uri = ""
    elseif FIRST == DOT and SECOND == DOT and THIRD == SLASH then
      uri = sub(uri, 4)
    elseif FIRST == DOT and SECOND == SLASH then
      uri = sub(uri, 3)
    elseif FIRST == SLASH and SECOND == DOT and THIRD == SLASH then
      uri = sub(uri, 3)
    elseif FIRST == SLASH and SECOND == DOT and THIRD == DOT and FOURTH == SLASH then
      uri = sub(uri, 4)
      if output_n > 0 then output_n = output_n - 1 end
    elseif merge_slashes and FIRST == SLASH and SECOND == SLASH then
      uri = sub(uri, 2)
    else
      local i = find(uri, "/", 2, true)
      output_n = output_n + 1
      if i then
        TMP_OUTPUT[output_n] = sub(uri, 1, i - 1)
        uri = sub(uri, i)
      else
        TMP_OUTPUT[output_n] = uri
        uri = ""
      end
    end
  end
  if output_n == 0 then return "" end
  if output_n == 1 then return TMP_OUTPUT[1] end
  return concat(TMP_OUTPUT, nil, 1, output_n)
end
_M.normalize_path = normalize_path

-- Kong's kong.tools.uri.escape (3.9.3), applied by the runloop to the upstream URI: bytes outside the reserved and
-- unreserved sets (a normalised path may hold decoded ones) are percent-encoded again.
local ESCAPE_PATTERN = "[^!#$&'()*+,/:;=?@[\\]A-Z\\d\\-_.~%]"
local function percent_escape(m) return fmt("%%%02X", string.byte(m[0])) end
function _M.escape_path(uri)
  if ngx.re.find(uri, ESCAPE_PATTERN, "joi") then
    return (ngx.re.gsub(uri, ESCAPE_PATTERN, percent_escape, "joi"))
  end
  return uri
end

-- ---------------------------------------------------------------- builder
function _M.new(state)
  local kong = {}
  kong.version = "3.9.0-host"
  kong.version_num = 3009000
  kong.configuration = setmetatable({}, {
    __index = state.configuration,
    __newindex = function() error("cannot write to kong.configuration", 2) end,
  })

  -- kong.log: namespaced per plugin through ngx.ctx, like Kong's set_namespaced_log
  local default_log = new_logger(nil)
  kong.log = setmetatable({}, {
    __index = function(_, k)
      if in_request() then
        local p = ngx.ctx.KONG_CURRENT_PLUGIN
        if p then return p.log[k] end
      elseif state.worker_plugin then
        return state.worker_plugin.log[k]
      end
      return default_log[k]
    end,
    __call = function(_, ...)
      local l = default_log
      if in_request() and ngx.ctx.KONG_CURRENT_PLUGIN then l = ngx.ctx.KONG_CURRENT_PLUGIN.log end
      return l.notice(...)
    end,
  })

  -- kong.ctx
  kong.ctx = setmetatable({}, {
    __index = function(_, k)
      local ctx = ngx.ctx
      if k == "shared" then
        local s = ctx.KONG_SHARED
        if not s then s = {} ctx.KONG_SHARED = s end
        return s
      elseif k == "plugin" then
        local p = ctx.KONG_CURRENT_PLUGIN
        if not p then return nil end
        local all = ctx.KONG_PLUGIN_CTX
        if not all then all = {} ctx.KONG_PLUGIN_CTX = all end
        local t = all[p.name]
        if not t then t = {} all[p.name] = t end
        return t
      elseif k == "core" then
        return ctx
      end
    end,
  })

  -- kong.node
  kong.node = {
    get_id = function() return state.node_id end,
    get_hostname = function() return state.hostname end,
    get_memory_stats = function() return { workers_lua_vms = {}, lua_shared_dicts = {} } end,
  }

  kong.nginx = {
    get_subsystem = function() return "http" end,
    get_ctx = function(k) return ngx.ctx[k] end,
    set_ctx = function(k, v) ngx.ctx[k] = v end,
    get_statistics = function() return {} end,
  }

  kong.table = {
    new = require("table.new"),
    clear = require("table.clear"),
    merge = function(a, b)
      local t = {}
      for k, v in pairs(a or {}) do t[k] = v end
      for k, v in pairs(b or {}) do t[k] = v end
      return t
    end,
  }

  kong.ip = { is_trusted = function() return false end }

  kong.vault = {
    is_reference = vault.is_reference,
    get = function(ref) return vault.resolve(ref) end,
    update = function(t) return t end,
  }

  kong.router = {
    get_route = function() check_phase(PH.access_on) return ngx.ctx.route end,
    get_service = function() check_phase(PH.access_on) return ngx.ctx.service end,
  }

  -- ------------------------------------------------------------ kong.request
  local request = {}
  kong.request = request

  function request.get_scheme() check_phase(PH.request) return ngx.var.scheme end
  function request.get_host() check_phase(PH.request) return ngx.var.host end
  function request.get_port() check_phase(PH.request) return tonumber(ngx.var.server_port) end
  function request.get_forwarded_scheme() check_phase(PH.request) return ngx.var.scheme end
  function request.get_forwarded_host() check_phase(PH.request) return ngx.var.host end
  function request.get_forwarded_port() check_phase(PH.request) return tonumber(ngx.var.server_port) end
  function request.get_forwarded_path() check_phase(PH.request) return request.get_path() end
  function request.get_forwarded_prefix() check_phase(PH.request) return nil end
  function request.get_http_version() check_phase(PH.request) return req.http_version() end
  function request.get_method() check_phase(PH.request) return req.get_method() end
  -- like Kong 3.4-3.9: the raw path is request_uri up to "?"; get_path is its normalised form
  function request.get_raw_path()
    check_phase(PH.request)
    local uri = ngx.var.request_uri or ""
    local q = find(uri, "?", 2, true)
    return q and sub(uri, 1, q - 1) or uri
  end
  function request.get_path()
    check_phase(PH.request)
    -- the normalised path the router matched (the runloop keeps it in ctx), else normalised now (rewrite phase)
    local path = ngx.ctx.KONG_PATH
    if path then return path end
    return normalize_path(request.get_raw_path(), true)
  end
  function request.get_path_with_query()
    check_phase(PH.request)
    return ngx.var.request_uri
  end
  function request.get_raw_query() check_phase(PH.request) return ngx.var.args or "" end
  function request.get_query(max_args)
    check_phase(PH.request)
    return req.get_uri_args(max_args or 100)
  end
  function request.get_query_arg(name)
    check_phase(PH.request)
    local v = req.get_uri_args()[name]
    if type(v) == "table" then return v[1] end
    return v
  end
  function request.get_start_time() check_phase(PH.request) return req.start_time() * 1000 end
  function request.get_headers(max_headers)
    check_phase(PH.request)
    if max_headers ~= nil then
      if type(max_headers) ~= "number" then error("max_headers must be a number", 2) end
      if max_headers < 1 then error("max_headers must be >= 1", 2) end
      if max_headers > 1000 then error("max_headers must be <= 1000", 2) end
    end
    return req.get_headers(max_headers or 100)
  end
  -- like Kong 3.x (kong.tools.http get_header): an nginx variable lookup, not a table of every header
  local header_var = setmetatable({}, { __index = function(t, name)
    local v = "http_" .. name:lower():gsub("-", "_")
    t[name] = v
    return v
  end })
  function request.get_header(name)
    check_phase(PH.request)
    if type(name) ~= "string" then error("header name must be a string", 2) end
    return ngx.var[header_var[name]]
  end
  function request.get_raw_body(max_allowed_file_size)
    check_phase(PH.before_content)
    req.read_body()
    local body = req.get_body_data()
    if not body then
      local file_path = req.get_body_file()
      if not file_path then return "" end
      if not max_allowed_file_size or max_allowed_file_size < 0 then
        return nil, "request body did not fit into client body buffer, consider raising 'client_body_buffer_size'"
      end
      local f, err = io.open(file_path, "rb")
      if not f then return nil, "failed to open cached request body '" .. file_path .. "': " .. tostring(err) end
      local size = f:seek("end") or 0
      if max_allowed_file_size > 0 and size > max_allowed_file_size then
        f:close()
        return nil, ("request body file too big: %d > %d"):format(size, max_allowed_file_size)
      end
      f:seek("set")
      local data = f:read("*a")
      f:close()
      return data
    end
    return body
  end
  function request.get_body()
    check_phase(PH.before_content)
    local ct = request.get_header("Content-Type") or ""
    local raw, err = request.get_raw_body()
    if not raw then return nil, err end
    if find(lower(ct), "application/json", 1, true) then
      local obj, derr = cjson.decode(raw)
      if derr then return nil, "invalid json body", "application/json" end
      return obj, nil, "application/json"
    end
    return nil, "unsupported content type '" .. ct .. "'", ct
  end

  -- ------------------------------------------------------------ kong.client
  kong.client = {
    get_ip = function() check_phase(PH.request) return ngx.var.realip_remote_addr or ngx.var.remote_addr end,
    get_forwarded_ip = function() check_phase(PH.request) return ngx.var.remote_addr end,
    get_port = function() check_phase(PH.request) return tonumber(ngx.var.realip_remote_port or ngx.var.remote_port) end,
    get_forwarded_port = function() check_phase(PH.request) return tonumber(ngx.var.remote_port) end,
    get_protocol = function() check_phase(PH.access_on) return ngx.var.scheme end,
    get_consumer = function() check_phase(PH.access_on) return ngx.ctx.authenticated_consumer end,
    get_credential = function() check_phase(PH.access_on) return ngx.ctx.authenticated_credential end,
    load_consumer = function() return nil, "consumers are not supported by this host" end,
    authenticate = function(consumer, credential)
      check_phase(PH.access_only)
      if not consumer and not credential then
        error("either credential or consumer must be provided", 2)
      end
      local ctx = ngx.ctx
      ctx.authenticated_consumer = consumer
      ctx.authenticated_credential = credential
    end,
  }

  -- ------------------------------------------------------------ kong.service
  local srequest = {}
  kong.service = {
    request = srequest,
    set_target = function(host, port)
      check_phase(PH.rewrite_access)
      if type(host) ~= "string" then error("host must be a string", 2) end
      ngx.var.upstream_host = host
      ngx.ctx.KONG_TARGET = { host = host, port = port }
    end,
    set_upstream = function() error("upstream entities are not supported by this host", 2) end,
    response = {
      get_status = function() check_phase(PH.response_read) return tonumber(ngx.var.upstream_status) end,
      get_headers = function(max)
        check_phase(PH.response_read)
        return ngx.resp.get_headers(max or 100)
      end,
      get_header = function(name)
        check_phase(PH.response_read)
        local v = ngx.resp.get_headers()[name]
        if type(v) == "table" then return v[1] end
        return v
      end,
      get_raw_body = function() return nil end,
    },
  }
  function srequest.set_raw_body(body)
    check_phase(PH.rewrite_access_balancer)
    if type(body) ~= "string" then error("body must be a string", 2) end
    req.read_body()
    req.set_body_data(body)
  end
  function srequest.set_body(t)
    check_phase(PH.rewrite_access)
    if type(t) ~= "table" then error("args must be a table", 2) end
    local json = cjson.encode(t)
    req.set_header("Content-Type", "application/json")
    return srequest.set_raw_body(json)
  end
  function srequest.set_header(name, value)
    check_phase(PH.rewrite_access_balancer)
    value = validate_header(name, value)
    if lower(name) == "host" then ngx.var.upstream_host = value end
    req.set_header(name, value)
  end
  function srequest.add_header(name, value)
    check_phase(PH.rewrite_access)
    value = validate_header(name, value)
    if lower(name) == "host" then ngx.var.upstream_host = value end
    local cur = req.get_headers()[name]
    if cur == nil then req.set_header(name, value) return end
    if type(cur) ~= "table" then cur = { cur } end
    cur[#cur + 1] = value
    req.set_header(name, cur)
  end
  function srequest.clear_header(name)
    check_phase(PH.rewrite_access)
    if type(name) ~= "string" then error("header name must be a string", 2) end
    req.clear_header(name)
  end
  function srequest.set_headers(headers)
    check_phase(PH.rewrite_access)
    if type(headers) ~= "table" then error("headers must be a table", 2) end
    for k, v in pairs(headers) do srequest.set_header(k, v) end
  end
  function srequest.set_path(path)
    check_phase(PH.rewrite_access)
    if type(path) ~= "string" then error("path must be a string", 2) end
    if sub(path, 1, 1) ~= "/" then error("path must start with /", 2) end
    ngx.var.upstream_uri = path
  end
  function srequest.set_raw_query(q)
    check_phase(PH.rewrite_access)
    if type(q) ~= "string" then error("query must be a string", 2) end
    req.set_uri_args(q)
  end
  function srequest.set_query(args)
    check_phase(PH.rewrite_access)
    if type(args) ~= "table" then error("args must be a table", 2) end
    req.set_uri_args(args)
  end
  function srequest.set_method(m)
    check_phase(PH.rewrite_access)
    if type(m) ~= "string" then error("method must be a string", 2) end
    local c = ngx["HTTP_" .. m:upper()]
    if not c then error("invalid method: " .. m, 2) end
    req.set_method(c)
  end
  function srequest.set_scheme(s)
    check_phase(PH.rewrite_access)
    if s ~= "http" and s ~= "https" then error("invalid scheme: " .. tostring(s), 2) end
    ngx.var.upstream_scheme = s
  end
  function srequest.enable_buffering()
    error("buffered proxying (kong.service.request.enable_buffering) is not supported by this host", 2)
  end

  -- ------------------------------------------------------------ kong.response
  local response = {}
  kong.response = response

  function response.get_status()
    check_phase(PH.response_read)
    return ngx.status
  end
  function response.get_headers(max_headers)
    check_phase(PH.response_read)
    return ngx.resp.get_headers(max_headers or 100)
  end
  function response.get_header(name)
    check_phase(PH.response_read)
    if type(name) ~= "string" then error("header name must be a string", 2) end
    local v = ngx.resp.get_headers()[name]
    if type(v) == "table" then return v[1] end
    return v
  end
  function response.get_source()
    check_phase(PH.response_read)
    local ctx = ngx.ctx
    if ctx.KONG_UNEXPECTED then return "error" end
    if ctx.KONG_EXITED then return "exit" end
    if ctx.KONG_PROXIED then return "service" end
    return "error"
  end
  local function check_headers_not_sent()
    if ngx.headers_sent then error("headers have already been sent", 3) end
  end
  function response.set_status(status)
    check_phase(PH.response_write)
    check_headers_not_sent()
    if type(status) ~= "number" then error("code must be a number", 2) end
    if status < 100 or status > 599 then error("code must be a number between 100 and 599", 2) end
    ngx.status = status
  end
  function response.set_header(name, value)
    check_phase(PH.response_write)
    check_headers_not_sent()
    value = validate_header(name, value)
    ngx.header[name] = value
  end
  function response.add_header(name, value)
    check_phase(PH.response_write)
    check_headers_not_sent()
    value = validate_header(name, value)
    local cur = ngx.header[name]
    if cur == nil then ngx.header[name] = value return end
    if type(cur) ~= "table" then cur = { cur } end
    cur[#cur + 1] = value
    ngx.header[name] = cur
  end
  function response.clear_header(name)
    check_phase(PH.response_write)
    check_headers_not_sent()
    if type(name) ~= "string" then error("header name must be a string", 2) end
    ngx.header[name] = nil
  end
  function response.set_headers(headers)
    check_phase(PH.response_write)
    check_headers_not_sent()
    if type(headers) ~= "table" then error("headers must be a table", 2) end
    for k, v in pairs(headers) do ngx.header[k] = validate_header(k, v) end
  end

  -- Kong: buffers chunks in ctx and returns nil (arg[1] = nil) until eof.
  function response.get_raw_body()
    check_phase(PH.body_filter)
    local ctx = ngx.ctx
    local arg = ngx.arg
    local chunk, eof = arg[1], arg[2]
    local buffer
    if eof then
      buffer = ctx.KONG_BODY_BUFFER
      if not buffer then return chunk end
    end
    if type(chunk) == "string" and chunk ~= "" then
      if not eof then buffer = ctx.KONG_BODY_BUFFER end
      if buffer then
        local n = buffer.n + 1
        buffer.n = n
        buffer[n] = chunk
      else
        buffer = { chunk, n = 1 }
        ctx.KONG_BODY_BUFFER = buffer
      end
    end
    if eof then
      local body = buffer and concat(buffer, "", 1, buffer.n) or ""
      arg[1] = body
      return body
    end
    arg[1] = nil
    return nil
  end
  function response.set_raw_body(body)
    check_phase(PH.body_filter)
    if type(body) ~= "string" then error("body must be a string", 2) end
    if body == "" then body = "\n" end -- needed by nginx (as in Kong)
    ngx.arg[1] = body
    ngx.arg[2] = true
    ngx.ctx.KONG_BODY_BUFFER = nil
  end

  function response.exit(status, body, headers)
    check_phase(PH.exit)
    if ngx.headers_sent then error("headers have already been sent", 2) end
    validate_exit(status, body, headers)
    if headers then for k, v in pairs(headers) do validate_header(k, v) end end
    local ctx = ngx.ctx
    ctx.KONG_EXITED = true
    if ctx.delay_response and not ctx.delayed_response then
      ctx.delayed_response = { status_code = status, content = body, headers = headers }
      -- like Kong: yields out of the plugin's access handler and never returns
      return coroutine.yield()
    end
    return send(status, body, headers, ctx)
  end

  local ERROR_MESSAGES = {
    [400] = "Bad request", [401] = "Unauthorized", [403] = "Forbidden", [404] = "Not found",
    [405] = "Method not allowed", [408] = "Request timeout", [411] = "Length required",
    [412] = "Precondition failed", [413] = "Payload too large", [414] = "URI too long",
    [417] = "Expectation failed", [494] = "Request header or cookie too large",
    [500] = "An unexpected error occurred",
    [502] = "An invalid response was received from the upstream server",
    [503] = "The upstream server is currently unavailable",
    [504] = "The upstream server is timing out",
  }
  _M.ERROR_MESSAGES = ERROR_MESSAGES
  function response.error(status, message, headers)
    check_phase(PH.exit)
    if type(status) ~= "number" or status < 400 or status > 599 then
      error("code must be a number between 400 and 599", 2)
    end
    return response.exit(status, { message = message or ERROR_MESSAGES[status] or "An error occurred" }, headers)
  end

  return kong
end

return _M
