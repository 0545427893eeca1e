-- The compiled plugin tree loads under plain LuaJIT (as Kong would require it), and its access / filter phases behave
-- with a hand-built fake PDK: the PDK-calling modules are tested without nginx here, and in the real gateway by the
-- vitest integration specs.
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local cjson = require "cjson.safe"
local hmac = require "hmac"

package.preload["kong.db.schema.typedefs"] = function()
  return { no_consumer = { type = "foreign", eq = ngx and ngx.null }, protocols_http = { type = "set" } }
end
require "no_services"

local function fake_env(req)
  local sent = { headers_cleared = {}, headers_set = {}, logs = {} }
  _G.ngx = {
    hmac_sha1 = hmac,
    now = os.time,
    arg = {},
    shared = {},
    req = { get_body_file = function() return req.body_file end },
    var = { request_uri = (req.path or "/v1/messages") .. (req.query and ("?" .. req.query) or "") },
    timer = { at = function() return true end },
    -- the answer's headers as nginx's ngx.header reads them (case and "_" / "-" insensitive)
    header = setmetatable({}, { __index = function(_, k)
      return (req.response_headers or {})[k:lower():gsub("_", "-")]
    end }),
  }
  local exit = function(status, body)
    sent.status, sent.body = status, body
    error({ exited = true })
  end
  _G.kong = {
    request = {
      get_raw_body = function() return req.body end,
      get_header = function(name) return req.headers[name] end,
      get_headers = function() return req.headers, req.headers_err end,
      get_path = function() return req.path or "/v1/messages" end,
      get_raw_query = function() return req.query or "" end,
      get_method = function() return req.method or "POST" end,
    },
    service = { request = {
      set_raw_body = function(b) sent.body_upstream = b end,
      clear_header = function(n) sent.headers_cleared[n] = true end,
      set_header = function(n, v) sent.headers_set[n] = v end,
      add_header = function(n, v) sent.headers_set[n] = v end,
    } },
    response = {
      exit = exit,
      get_status = function() return req.status or 200 end,
      get_header = function(n) return (req.response_headers or {})[n] end,
      set_header = function(n, v) sent.headers_set[n] = v end,
      clear_header = function(n) sent.headers_cleared[n] = true end,
      get_source = function() return "service" end,
    },
    client = { get_consumer = function() return req.consumer end, get_credential = function() return req.credential end },
    log = setmetatable({}, { __index = function() return function(...) table.insert(sent.logs, table.concat({ ... }, "")) end end }),
    ctx = { plugin = {} },
  }
  return sent
end

local function conf(over)
  local c = {
    secret = "unit-test-secret-0123456789", tenant_scope = "consumer", mapping_ttl_seconds = 86400,
    max_body_size = 1048576, redis_port = 6379, redis_database = 0, redis_timeout_ms = 250, redis_pool_size = 32,
    disabled_kinds = {}, allowlist = {}, mask_public_ips = true, custom_patterns = {},
    learn_names = true, learned_names_max = 10000, learned_names_ttl_seconds = 604800,
  }
  for k, v in pairs(over or {}) do c[k] = v end
  return c
end

local function run(fn)
  local ok, err = pcall(fn)
  if not ok and not (type(err) == "table" and err.exited) then error(err) end
end

describe("plugin tree", function()
  it("handler and schema load, with PRIORITY, VERSION and a config record", function()
    fake_env({ headers = {} })
    local handler = require "kong.plugins.aws-masker.handler"
    local schema = require "kong.plugins.aws-masker.schema"
    assert.is_number(handler.PRIORITY)
    assert.matches("^%d+%.%d+%.%d+$", handler.VERSION)
    assert.is_function(handler.access)
    assert.is_function(handler.header_filter)
    assert.is_function(handler.body_filter)
    assert.are.equal("aws-masker", schema.name)
    local config
    for _, f in ipairs(schema.fields) do if f.config then config = f.config end end
    assert.are.equal("record", config.type)
    local names = {}
    for _, f in ipairs(config.fields) do for k, v in pairs(f) do names[k] = v end end
    assert.is_true(names.secret.referenceable)
    assert.are.equal(86400, names.mapping_ttl_seconds.default)
  end)
end)

describe("timers", function()
  local handler = require "kong.plugins.aws-masker.handler"
  local body = cjson.encode({ model = "m", messages = { { role = "user", content = "why is i-0a1b2c3d4e5f67890 slow" } } })

  it("a timer refused with false, err (Kong 3.x's timer library) is logged, and the next request schedules again", function()
    local sent = fake_env({ body = body, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body), ["x-api-key"] = "t1" } })
    local calls = 0
    ngx.timer.at = function() calls = calls + 1; return false, "too many pending timers" end
    local c = conf({ redis_host = "127.0.0.1" })
    run(function() handler:access(c) end)
    assert.is_nil(sent.status)
    local logged = false
    for _, l in ipairs(sent.logs) do if l:find("could not schedule a timer: too many pending timers", 1, true) then logged = true end end
    assert.is_true(logged)
    local refused = calls
    assert.is_true(refused > 0)
    -- nothing believes a flush is pending: the next request's writes schedule one
    sent = fake_env({ body = body:gsub("0a1b", "0b1b"), headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body), ["x-api-key"] = "t1" } })
    local scheduled = 0
    ngx.timer.at = function() scheduled = scheduled + 1; return true end
    run(function() handler:access(c) end)
    assert.is_true(scheduled > 0)
  end)
end)

describe("access with a fake PDK", function()
  local handler = require "kong.plugins.aws-masker.handler"
  local body = cjson.encode({ model = "m", messages = { { role = "user", content = "why is i-0a1b2c3d4e5f67890 slow" } } })

  it("masks the body, clears Accept-Encoding and keeps the session for the answer", function()
    local sent = fake_env({ body = body, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body), ["x-api-key"] = "k",
      ["accept-encoding"] = "gzip, br" } })
    run(function() handler:access(conf()) end)
    assert.is_nil(sent.status)
    assert.is_true(sent.headers_cleared["Accept-Encoding"])
    assert.is_nil(sent.body_upstream:find("i-0a1b2c3d4e5f67890", 1, true))
    assert.matches("EC2_INSTANCE_[0-9a-z]+", sent.body_upstream)
    assert.is_not_nil(kong.ctx.plugin.state)
  end)

  -- ngx.var as Kong's proxy location has it after access.before: 3.9 declares $upstream_via, 3.4 does not (writing an
  -- undeclared variable raises, as nginx does)
  local function kong_vars(with_via)
    local declared = {
      request_uri = "/v1/messages", upstream_x_forwarded_for = "10.0.12.34, 10.0.0.7", upstream_x_forwarded_proto = "https",
      upstream_x_forwarded_host = "internal-lb-1.us-east-1.elb.amazonaws.com", upstream_x_forwarded_port = "443",
      upstream_x_forwarded_path = "/v1/messages", upstream_x_forwarded_prefix = "",
      upstream_via = with_via and "1.1 kong/3.9.3" or nil,
    }
    return setmetatable({}, {
      __index = function(_, k) return declared[k] end,
      __newindex = function(_, k, v)
        if declared[k] == nil then error("variable \"" .. k .. "\" not found for writing") end
        declared[k] = v
      end,
    }), declared
  end

  for _, with_via in ipairs({ true, false }) do
    it("empties Kong's forwarding variables and drops client-address headers (" .. (with_via and "3.9" or "3.4: no $upstream_via") .. ")", function()
      local sent = fake_env({ body = body, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body),
        ["x-forwarded-host"] = "internal-lb-1.us-east-1.elb.amazonaws.com", via = "1.1 lb", ["x-ticket"] = "see i-0a1b2c3d4e5f67890" } })
      local vars, declared = kong_vars(with_via)
      ngx.var = vars
      run(function() handler:access(conf()) end)
      assert.is_nil(sent.status)
      for k, v in pairs(declared) do
        if k ~= "request_uri" then assert.are.equal("", v, k) end
      end
      assert.is_true(sent.headers_cleared["x-forwarded-host"])
      assert.is_true(sent.headers_cleared["via"])
      assert.matches("^see EC2_INSTANCE_[0-9a-z]+$", sent.headers_set["x-ticket"])
    end)
  end

  -- a refusal: the status, an Anthropic-shaped error whose message names the plugin, and nothing sent upstream
  local function assert_refused(sent, status)
    assert.are.equal(status, sent.status)
    assert.are.equal("error", sent.body.type)
    assert.matches("^aws%-masker: ", sent.body.error.message)
    assert.is_nil(sent.body_upstream)
  end

  it("checks a header value it found clean again for the request's learned names and the tenant's grown memory", function()
    local c = conf()
    local function send(text)
      local b = cjson.encode({ model = "m", messages = { { role = "user", content = text } } })
      local sent = fake_env({ body = b, headers = { ["content-type"] = "application/json",
        ["content-length"] = tostring(#b), ["x-api-key"] = "header-tenant", ["x-note"] = "ask ledger-compactor" } })
      run(function() handler:access(c) end)
      return sent
    end
    -- clean twice (the second time from the worker's cache): sent as it is
    assert.is_nil(send("hello").headers_set["x-note"])
    assert.is_nil(send("hello").headers_set["x-note"])
    -- learned from this request's body: masked in the header too
    assert.matches("^ask LAMBDA_FUNCTION_[0-9a-z]+$", send("aws lambda invoke --function-name ledger-compactor o.json").headers_set["x-note"])
    -- remembered by the tenant: masked without the context
    assert.matches("^ask LAMBDA_FUNCTION_[0-9a-z]+$", send("hello").headers_set["x-note"])
  end)

  it("checks a URL it found clean again for the tenant's names once the tenant's memory has grown", function()
    local c = conf()
    local function send(text, query)
      local b = cjson.encode({ model = "m", messages = { { role = "user", content = text } } })
      local sent = fake_env({ body = b, query = query, headers = { ["content-type"] = "application/json",
        ["content-length"] = tostring(#b), ["x-api-key"] = "url-tenant" } })
      run(function() handler:access(c) end)
      return sent
    end
    -- the same URL twice: clean (the second time from the worker's cache)
    assert.is_nil(send("hello", "tag=billing-reconciler").status)
    assert.is_nil(send("hello", "tag=billing-reconciler").status)
    -- the tenant's request teaches the name; the same URL now holds a name of the tenant's
    assert.is_nil(send("aws lambda invoke --function-name billing-reconciler out.json").status)
    assert_refused(send("hello", "tag=billing-reconciler"), 400)
  end)

  it("offers the names of a history kept by a refused request to the tenant memory when a later request resumes it", function()
    local c = conf()
    local history = require("kong.plugins.aws-masker.engine.json").HISTORY_STATS
    local first = '{"role":"user","content":"aws lambda invoke --function-name ledger-sweeper o.json"}'
    local function send(items, headers)
      local b = '{"model":"m","messages":[' .. table.concat(items, ",") .. ']}'
      local h = { ["content-type"] = "application/json", ["content-length"] = tostring(#b), ["x-api-key"] = "resume-tenant" }
      for k, v in pairs(headers or {}) do h[k] = v end
      local sent = fake_env({ body = b, headers = h })
      run(function() handler:access(c) end)
      return sent
    end
    -- masked (the name learned, the history kept), then refused for a header name: nothing offered to the memory
    assert.are.equal(400, send({ first }, { ["x-trace-i-0a1b2c3d4e5f67890"] = "1" }).status)
    assert.is_nil(send({ '"hello"' }, { ["x-note"] = "ask ledger-sweeper" }).headers_set["x-note"])
    -- the next turn resumes that history and offers the name it came with
    local resumed = history.resumed
    assert.is_nil(send({ first, '{"role":"assistant","content":"done"}', '{"role":"user","content":"thanks"}' }).status)
    assert.are.equal(resumed + 1, history.resumed)
    assert.matches("^ask LAMBDA_FUNCTION_[0-9a-z]+$", send({ '"hello"' }, { ["x-note"] = "ask ledger-sweeper" }).headers_set["x-note"])
  end)

  it("refuses invalid JSON with 400 and forwards nothing", function()
    local bad = '{"messages":[{"content":"i-0a1b2c3d4e5f67890"'
    local sent = fake_env({ body = bad, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#bad) } })
    run(function() handler:access(conf()) end)
    assert_refused(sent, 400)
    assert.are.equal("invalid_request_error", sent.body.error.type)
    assert.is_nil(sent.body.error.message:find("i-0a1b2c3d4e5f67890", 1, true))
  end)

  it("refuses with 400 a request with more headers than it reads (Kong's get_headers says truncated), before anything else", function()
    local sent = fake_env({ body = body, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body),
      ["x-ticket"] = "see i-0a1b2c3d4e5f67890" }, headers_err = "truncated" })
    run(function() handler:access(conf()) end)
    assert_refused(sent, 400)
    assert.matches("request headers", sent.body.error.message)
    assert.is_nil(next(sent.headers_set))
  end)

  it("refuses a non-JSON body with 415", function()
    local sent = fake_env({ body = "x", headers = { ["content-type"] = "text/plain", ["content-length"] = "1" } })
    run(function() handler:access(conf()) end)
    assert_refused(sent, 415)
  end)

  it("refuses with 413 a declared Content-Length above max_body_size", function()
    local sent = fake_env({ body = body, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body) } })
    run(function() handler:access(conf({ max_body_size = 16 })) end)
    assert_refused(sent, 413)
  end)

  it("refuses with 413 a chunked body (no declared length) above max_body_size, checked on the body read", function()
    local sent = fake_env({ body = body, headers = { ["content-type"] = "application/json", ["transfer-encoding"] = "chunked" } })
    run(function() handler:access(conf({ max_body_size = 16 })) end)
    assert_refused(sent, 413)
  end)

  it("refuses with 413 a chunked body above max_body_size that nginx spilled to a temp file", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "wb")); f:write(body); f:close()
    local sent = fake_env({ body = nil, body_file = path, headers = { ["content-type"] = "application/json", ["transfer-encoding"] = "chunked" } })
    run(function() handler:access(conf({ max_body_size = 16 })) end)
    os.remove(path)
    assert_refused(sent, 413)
  end)

  it("refuses with 500 when the secret is unusable (too short)", function()
    local sent = fake_env({ body = body, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body) } })
    run(function() handler:access(conf({ secret = "short" })) end)
    assert_refused(sent, 500)
  end)

  it("reads a body nginx spilled to a temp file (Kong 3.4-3.7 return nil for it)", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "wb")); f:write(body); f:close()
    local sent = fake_env({ body = nil, body_file = path, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body) } })
    run(function() handler:access(conf()) end)
    os.remove(path)
    assert.is_nil(sent.status)
    assert.matches("EC2_INSTANCE_", sent.body_upstream)
  end)

  it("hands nginx a streamed answer's rewritten event in parts (ngx.arg[1] a list of strings), restored", function()
    local sent = fake_env({ body = body, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body) },
      response_headers = { ["content-type"] = "text/event-stream" } })
    run(function() handler:access(conf()) end)
    local pseudonym = sent.body_upstream:match("EC2_INSTANCE_[0-9a-z]+")
    handler:header_filter(conf())
    local event = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"it is '
      .. pseudonym .. ' now"}}\n\n'
    ngx.arg[1], ngx.arg[2] = event, false
    handler:body_filter(conf())
    assert.are.equal("table", type(ngx.arg[1]))
    assert.are.equal(event:gsub(pseudonym, "i-0a1b2c3d4e5f67890"), table.concat(ngx.arg[1]))
    -- an event with nothing to restore goes out as it came
    local ping = 'event: ping\ndata: {"type": "ping"}\n\n'
    ngx.arg[1], ngx.arg[2] = ping, true
    handler:body_filter(conf())
    assert.are.equal(ping, ngx.arg[1])
  end)

  it("restores a JSON answer across chunks and clears Content-Length", function()
    local sent = fake_env({ body = body, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body) },
      response_headers = { ["content-type"] = "application/json" } })
    run(function() handler:access(conf()) end)
    local pseudonym = sent.body_upstream:match("EC2_INSTANCE_[0-9a-z]+")
    handler:header_filter(conf())
    assert.is_true(sent.headers_cleared["Content-Length"])
    local answer = '{"content":[{"type":"text","text":"it is ' .. pseudonym .. '"}]}'
    local out = {}
    local cut = 30
    for _, piece in ipairs({ answer:sub(1, cut), answer:sub(cut + 1) }) do
      ngx.arg[1], ngx.arg[2] = piece, piece == answer:sub(cut + 1)
      handler:body_filter(conf())
      table.insert(out, ngx.arg[1])
    end
    assert.are.equal('{"content":[{"type":"text","text":"it is i-0a1b2c3d4e5f67890"}]}', table.concat(out))
  end)
end)

describe("JSON answer with a Content-Length (fake PDK)", function()
  local handler = require "kong.plugins.aws-masker.handler"
  local body = cjson.encode({ model = "m", messages = { { role = "user", content = "why is i-0a1b2c3d4e5f67890 slow" } } })
  local RESTORED = '{"content":[{"type":"text","text":"it is i-0a1b2c3d4e5f67890"}]}'

  -- a masked request, then the answer holding its pseudonym, with header_filter run over the given answer headers
  local function answering(response_headers)
    local sent = fake_env({ body = body, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body) },
      response_headers = response_headers })
    run(function() handler:access(conf()) end)
    local answer = '{"content":[{"type":"text","text":"it is ' .. sent.body_upstream:match("EC2_INSTANCE_[0-9a-z]+") .. '"}]}'
    if response_headers["content-length"] then response_headers["content-length"] = tostring(#answer) end
    handler:header_filter(conf())
    assert.is_true(sent.headers_cleared["Content-Length"])
    return answer
  end

  local function feed(chunk, eof)
    ngx.arg[1], ngx.arg[2] = chunk, eof
    handler:body_filter(conf())
    return ngx.arg[1], ngx.arg[2]
  end

  it("goes out restored and marked last as soon as the declared length is in, not at nginx's later empty buffer", function()
    local answer = answering({ ["content-type"] = "application/json", ["content-length"] = "?" })
    -- short of the length: held back (nothing out, not last)
    local out, last = feed(answer:sub(1, 20), false)
    assert.are.equal("", out)
    assert.is_false(last)
    -- the rest: the whole restored answer, marked last (nginx then skips the filter for its empty last buffer)
    out, last = feed(answer:sub(21), false)
    assert.are.equal(RESTORED, out)
    assert.is_true(last)
  end)

  it("the whole declared length in nginx's last buffer goes out restored and marked last, once", function()
    local answer = answering({ ["content-type"] = "application/json", ["content-length"] = "?" })
    local out, last = feed(answer, true)
    assert.are.equal(RESTORED, out)
    assert.is_true(last)
  end)

  it("more bytes than the declared length (a header changed on the way) wait for the last buffer", function()
    local headers = { ["content-type"] = "application/json", ["content-length"] = "?" }
    local answer = answering(headers)
    headers["content-length"] = tostring(#answer - 5) -- as if changed after the upstream
    handler:header_filter(conf())
    assert.are.equal("", (feed(answer, false)))
    assert.are.equal(RESTORED, (feed("", true)))
  end)

  it("without a Content-Length waits for the last buffer", function()
    local answer = answering({ ["content-type"] = "application/json" })
    assert.are.equal("", (feed(answer, false)))
    assert.are.equal(RESTORED, (feed("", true)))
  end)

  it("an answer that is not valid JSON goes out as it came, its pseudonym left in place, marked last", function()
    local answer = answering({ ["content-type"] = "application/json" })
    local broken = answer:sub(1, -2) .. ",}" -- a trailing comma: invalid
    assert.are.equal("", (feed(broken, false)))
    local out, last = feed("", true)
    assert.are.equal(broken, out)
    assert.is_true(last)
  end)

  -- bodyFilter's traces reach the restore's loops and abort, so after a few aborts it runs interpreted (slow ngx.arg
  -- reads); the buffering is a function of its own (jsonAnswer) that LuaJIT compiles apart
  -- earlier specs may have compiled it already (then no trace starts here): the spec flushes the trace cache first
  it("compiles the answer's buffering: traces started at it complete, none aborts, over 3,000 answers", function()
    local json_answer
    for i = 1, math.huge do
      local name, value = debug.getupvalue(require("kong.plugins.aws-masker.plugin.response").bodyFilter, i)
      if name == nil then break end
      if name == "jsonAnswer" then json_answer = value end
    end
    assert.is_function(json_answer)
    fake_env({ headers = {} })
    local starts, aborts, compiled = {}, {}, 0
    local function record(what, tr, func, _, otr)
      if what == "start" then
        starts[tr] = func == json_answer
      elseif what == "stop" and starts[tr] then
        compiled = compiled + 1
      elseif what == "abort" and starts[tr] then
        aborts[#aborts + 1] = require("jit.vmdef").traceerr[otr] or tostring(otr)
      end
    end
    jit.flush()
    -- jit.flush keeps LuaJIT's hot counters (64, shared by bytecode address). An earlier spec's aborted trace can leave
    -- jsonAnswer's at a penalty of up to 60,000 calls, and then no trace started at it here (about one run in 40);
    -- setting hotloop (to LuaJIT's default) starts every counter afresh
    jit.opt.start("hotloop=56")
    jit.attach(record, "trace")
    -- jsonAnswer alone, on an answer in one buffer, from a loop LuaJIT does not compile (a trace of the loop would take
    -- jsonAnswer in), with no other Lua function called on the way: a function of the filter phase that shares
    -- jsonAnswer's counter and keeps aborting (bodyFilter's entry, whose traces reach the restore's loops) resets it
    local arg, wrong = ngx.arg, 0
    local function drive()
      for _ = 1, 3000 do
        arg[1], arg[2] = RESTORED, false
        if json_answer({ mode = "json", expected = #RESTORED, received = 0 }) ~= RESTORED then wrong = wrong + 1 end
      end
    end
    jit.off(drive)
    drive()
    jit.attach(record) -- detached
    assert.are.equal(0, wrong)
    assert.are.same({}, aborts)
    assert.is_true(compiled > 0)
  end)

  it("held over three buffers (the last one not empty), goes out whole, restored, once", function()
    local answer = answering({ ["content-type"] = "application/json" })
    assert.are.equal("", (feed(answer:sub(1, 10), false)))
    assert.are.equal("", (feed(answer:sub(11, 40), false)))
    assert.are.equal(RESTORED, (feed(answer:sub(41), true)))
  end)
end)

describe("Kong behaviours the host cannot show (fake PDK)", function()
  local handler = require "kong.plugins.aws-masker.handler"
  local body = cjson.encode({ model = "m", messages = { { role = "user", content = "why is i-0a1b2c3d4e5f67890 slow" } } })
  local function masked(c, headers, extra)
    local req = { body = body, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body) } }
    for k, v in pairs(headers or {}) do req.headers[k] = v end
    for k, v in pairs(extra or {}) do req[k] = v end
    local sent = fake_env(req)
    run(function() handler:access(c) end)
    return sent.body_upstream, sent
  end

  it("a vault secret rotated in place (Kong refreshes conf from the vault) gives the new secret's pseudonyms", function()
    local c = conf()
    local first = masked(c, { ["x-api-key"] = "k" })
    assert.are.equal(first, masked(c, { ["x-api-key"] = "k" })) -- cached masker, same pseudonyms
    c.secret = "rotated-secret-0123456789abcdef" -- the same conf table, a new value
    local rotated = masked(c, { ["x-api-key"] = "k" })
    assert.are_not.equal(first, rotated)
    assert.are.equal(rotated, masked(conf({ secret = "rotated-secret-0123456789abcdef" }), { ["x-api-key"] = "k" }))
    c.secret = "" -- Kong 3.9: a reference that no longer resolves
    local _, sent = masked(c, { ["x-api-key"] = "k" })
    assert.are.equal(500, sent.status)
    assert.is_nil(sent.body_upstream)
  end)

  it("configure() logs an unusable secret at startup: empty (unresolved reference) or too short", function()
    local sent = fake_env({ headers = {} })
    kong.log = setmetatable({}, { __index = function(_, level)
      return function(...) table.insert(sent.logs, level .. ": " .. table.concat({ ... }, "")) end
    end })
    handler:configure({ conf(), conf({ secret = "" }), conf({ secret = "short" }) })
    handler:configure(nil) -- Kong passes nil when the plugin has no config
    assert.same({
      "crit: config.secret is empty (an unresolved vault reference?): every request through this plugin instance is refused with 500",
      "crit: config.secret is shorter than 16 characters: every request through this plugin instance is refused with 500",
    }, sent.logs)
  end)

  it("mask_public_ips = false (deprecated) masks like disabled_kinds = { \"public-ipv4\" } and is warned about once per config", function()
    local ip_body = cjson.encode({ model = "m", max_tokens = 1, messages = { { role = "user", content = "from 54.239.28.85 to i-0a1b2c3d4e5f67890" } } })
    local function upstream(c)
      local sent = fake_env({ body = ip_body, headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#ip_body) } })
      run(function() handler:access(c) end)
      return sent.body_upstream
    end
    local old_way = upstream(conf({ mask_public_ips = false }))
    assert.is_truthy(old_way:find("54.239.28.85", 1, true))
    assert.is_nil(old_way:find("i-0a1b2c3d4e5f67890", 1, true))
    assert.are.equal(old_way, upstream(conf({ disabled_kinds = { "public-ipv4" } })))
    assert.is_nil(upstream(conf()):find("54.239.28.85", 1, true))
    local sent = fake_env({ headers = {} })
    kong.log = setmetatable({}, { __index = function(_, level)
      return function(...) table.insert(sent.logs, level .. ": " .. table.concat({ ... }, "")) end
    end })
    handler:configure({ conf(), conf({ mask_public_ips = false }), conf({ disabled_kinds = { "public-ipv4" } }) })
    assert.same({ 'warn: config.mask_public_ips is deprecated: use disabled_kinds: ["public-ipv4"] (same effect)' }, sent.logs)
  end)

  it("tenant scope: x-api-key K and Authorization: Bearer K share a scope; Kong's credential comes first", function()
    local c = conf({ tenant_scope = "credential" })
    local viaKey = masked(c, { ["x-api-key"] = "sk-one" })
    assert.are.equal(viaKey, masked(c, { authorization = "Bearer sk-one" }))
    assert.are.equal(viaKey, masked(c, { authorization = "bearer   sk-one " }))
    assert.are_not.equal(viaKey, masked(c, { ["x-api-key"] = "sk-two" }))
    -- key-auth with hide_credentials: no header left, the credential names the scope
    local cred1 = masked(c, {}, { credential = { id = "cred-1" } })
    local cred2 = masked(c, {}, { credential = { id = "cred-2" } })
    local anonymous = masked(c, {})
    assert.are_not.equal(cred1, cred2)
    assert.are_not.equal(cred1, anonymous)
    assert.are.equal(cred1, masked(c, { ["x-api-key"] = "sk-one" }, { credential = { id = "cred-1" } }))
    -- consumer mode: the consumer first
    local cc = conf({ tenant_scope = "consumer" })
    assert.are.equal(masked(cc, {}, { consumer = { id = "u1" }, credential = { id = "cred-1" } }),
      masked(cc, {}, { consumer = { id = "u1" }, credential = { id = "cred-9" } }))
  end)
end)
