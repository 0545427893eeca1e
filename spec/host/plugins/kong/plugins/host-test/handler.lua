-- Test plugin driven by request headers (X-Test-Action) to exercise the host PDK.
local cjson = require "cjson.safe"
local H = { PRIORITY = 1000, VERSION = "1.0.0" }

local function action() return kong.request.get_header("X-Test-Action") or "" end

function H:access(conf)
  local a = action()
  kong.ctx.plugin.started = "yes"
  kong.ctx.plugin.action = a
  if a == "raw-body" then
    local arg = kong.request.get_header("X-Raw-Arg")
    local body, err
    if arg == nil then body, err = kong.request.get_raw_body()
    else body, err = kong.request.get_raw_body(tonumber(arg)) end
    return kong.response.exit(200, { len = body and #body or cjson.null, err = err or cjson.null,
      head = body and body:sub(1, 10) or cjson.null, tail = body and body:sub(-10) or cjson.null })
  elseif a == "set-body" then
    local body = kong.request.get_raw_body(0)
    kong.service.request.set_raw_body("<" .. body .. ">")
  elseif a == "set-body-bad" then
    local ok, err = pcall(kong.service.request.set_raw_body, { "not a string" })
    return kong.response.exit(200, { ok = ok, err = tostring(err) })
  elseif a == "clear-ae" then
    kong.service.request.clear_header("Accept-Encoding")
  elseif a == "exit-table" then
    return kong.response.exit(403, { message = "blocked", n = 1 }, { ["X-Exit"] = "yes" })
  elseif a == "exit-string" then
    return kong.response.exit(401, "plain text", { ["Content-Type"] = "text/plain" })
  elseif a == "exit-nobody" then
    return kong.response.exit(204)
  elseif a == "error" then
    error("boom from host-test")
  elseif a == "info" then
    return kong.response.exit(200, {
      method = kong.request.get_method(), path = kong.request.get_path(), query = kong.request.get_raw_query(),
      scheme = kong.request.get_scheme(), host = kong.request.get_host(), port = kong.request.get_port(),
      ip = kong.client.get_ip(), fip = kong.client.get_forwarded_ip(), consumer = kong.client.get_consumer() or cjson.null,
      node = kong.node.get_id(), version = kong.version, hdr = kong.request.get_header("x-multi"),
      nheaders = (function() local n = 0 for _ in pairs(kong.request.get_headers()) do n = n + 1 end return n end)(),
      route = kong.router.get_route().name, service = kong.router.get_service().name,
      dict = ngx.shared.kong_aws_masker ~= nil,
      init_workers = ngx.shared.kong_aws_masker:get("host-test:init_worker"),
    })
  elseif a == "log-levels" then
    kong.log.err("an err line ", 42, " ", true)
    kong.log.warn("a warn line")
    kong.log.notice("a notice line")
    kong.log.debug("a debug line (filtered at notice)")
  elseif a == "auth" then
    kong.client.authenticate({ id = "c1", username = "alice" }, { id = "cred1" })
    return kong.response.exit(200, { consumer = kong.client.get_consumer().username, cred = kong.client.get_credential().id })
  elseif a == "upstream-vars" then
    -- what Kong's runloop has filled before the plugins' access phase
    local out = {}
    for _, name in ipairs({ "upstream_host", "upstream_uri", "upstream_via", "upstream_x_forwarded_for",
      "upstream_x_forwarded_proto", "upstream_x_forwarded_path", "upstream_x_forwarded_prefix" }) do
      out[name] = ngx.var[name]
    end
    return kong.response.exit(200, out)
  end
end

function H:init_worker()
  ngx.shared.kong_aws_masker:incr("host-test:init_worker", 1, 0)
end

function H:header_filter(conf)
  local a = kong.ctx.plugin.action or ""
  if a == "hf-exit" then
    return kong.response.exit(451, { message = "from header_filter" }, { ["X-HF"] = "1" })
  end
  kong.response.set_header("X-Test-Source", kong.response.get_source())
  kong.response.set_header("X-Test-Ctx", tostring(kong.ctx.plugin.started))
  -- the location the answer is proxied from (Kong's $kong_proxy_mode: "http" buffered, "unbuffered" otherwise)
  kong.response.set_header("X-Test-Proxy-Mode", ngx.var.kong_proxy_mode)
  if a == "rewrite-resp" or a == "buffer-resp" then
    kong.response.clear_header("Content-Length")
  end
end

function H:body_filter(conf)
  local a = kong.ctx.plugin.action or ""
  if a == "bf-exit" then
    local ok, err = pcall(kong.response.exit, 500, "x")
    if not ok and not kong.ctx.plugin.bf_err then
      kong.ctx.plugin.bf_err = tostring(err)
    end
  elseif a == "buffer-resp" then
    local body = kong.response.get_raw_body()
    if body then kong.response.set_raw_body("[" .. #body .. "]" .. body:upper()) end
  elseif a == "rewrite-resp" then
    local chunk = ngx.arg[1]
    if chunk and chunk ~= "" then ngx.arg[1] = chunk:upper() end
  end
end

function H:log(conf)
  kong.log.notice("host-test log: action=", kong.ctx.plugin.action, " ctx=", tostring(kong.ctx.plugin.started),
    " source=", kong.response.get_source(), " bf_err=", tostring(kong.ctx.plugin.bf_err))
end

return H
