-- The log phase (plugin/observe.lua, plugin/stats.lua) with a fake PDK: counts wait in the worker and reach the shared
-- dict whole (flush timer, premature at worker exit, a read in this worker, no timer at all); the line, the serialized
-- figures and the per-kind counters follow each request's own kinds, also when they are built once per request shape;
-- the line's level (request_log_level for routine requests, notice for refusals).
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local cjson = require "cjson.safe"
local hmac = require "hmac"

local SEP = "\031"

require "no_services"

-- a stand-in for lua_shared_dict: incr with init, get, get_keys; incr_calls counts the writes
local function shared_dict()
  local values = {}
  local dict = { values = values, incr_calls = 0 }
  function dict:incr(k, n, init)
    self.incr_calls = self.incr_calls + 1
    values[k] = (values[k] or init) + n
    return values[k]
  end
  function dict:get(k) return values[k] end
  function dict:get_keys()
    local keys = {}
    for k in pairs(values) do keys[#keys + 1] = k end
    return keys
  end
  return dict
end

-- fresh plugin modules (their per-worker state: pending counts, cached summaries) and a fake PDK around them
local env
local function fresh_worker()
  for name in pairs(package.loaded) do
    if name:find("^kong%.plugins%.aws%-masker") then package.loaded[name] = nil end
  end
  env = { timers = {}, timer_ok = true, notices = {}, infos = {}, debugs = {}, dict = shared_dict(), confs = {} }
  _G.ngx = {
    hmac_sha1 = hmac,
    now = os.time,
    arg = {},
    shared = { kong_aws_masker = env.dict },
    req = { get_body_file = function() return nil end },
    var = { request_uri = "/v1/messages" },
    timer = { at = function(delay, fn, ...)
      if not env.timer_ok then return nil, "too many pending timers" end
      table.insert(env.timers, { delay = delay, fn = fn, args = { ... } })
      return true
    end },
    header = {},
  }
  return require "kong.plugins.aws-masker.handler"
end

-- one request through access and log; returns the value serialized under aws_masker. body: the raw body (else a
-- message with text); level: request_log_level (else the schema's default, info)
local function request(handler, text, level, body)
  body = body or cjson.encode({ model = "m", messages = { { role = "user", content = text } } })
  local headers = { ["content-type"] = "application/json", ["content-length"] = tostring(#body), ["x-api-key"] = "k" }
  local serialized = {}
  _G.kong = {
    request = {
      get_raw_body = function() return body end,
      get_header = function(name) return headers[name] end,
      get_headers = function() return headers end,
      get_path = function() return "/v1/messages" end,
      get_method = function() return "POST" end,
    },
    service = { request = {
      set_raw_body = function() end, clear_header = function() end, set_header = function() end, add_header = function() end,
    } },
    response = { exit = function(status) error({ exited = status }) end },
    client = { get_consumer = function() end, get_credential = function() end },
    log = {
      notice = function(...) table.insert(env.notices, table.concat({ ... })) end,
      info = function(...) table.insert(env.infos, table.concat({ ... })) end,
      debug = function(...) table.insert(env.debugs, table.concat({ ... })) end,
      err = function() end, warn = function() end,
      set_serialize_value = function(key, value) serialized[key] = value end,
    },
    ctx = { plugin = {} },
  }
  -- one configuration per level in a worker, as Kong keeps it: the engine's per-configuration state (its caches, the
  -- conversations it walks on from) lasts from request to request
  local conf = env.confs[level or "info"] or {
    secret = "unit-test-secret-0123456789", tenant_scope = "global", mapping_ttl_seconds = 86400,
    max_body_size = 1048576, redis_port = 6379, redis_database = 0, redis_timeout_ms = 250, redis_pool_size = 32,
    disabled_kinds = {}, allowlist = {}, mask_public_ips = true, custom_patterns = {},
    learn_names = false, learned_names_max = 0, learned_names_ttl_seconds = 604800,
    request_log_level = level or "info",
  }
  env.confs[level or "info"] = conf
  local ok, err = pcall(handler.access, handler, conf)
  if not ok and not (type(err) == "table" and err.exited) then error(err, 0) end
  handler:log(conf)
  return serialized.aws_masker
end

local function stats() return require "kong.plugins.aws-masker.plugin.stats" end

describe("counters", function()
  it("wait in the worker (one flush timer for many requests) and reach the shared dict whole when it runs", function()
    local handler = fresh_worker()
    request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    assert.are.equal(0, env.dict.incr_calls)
    assert.are.equal(1, #env.timers)
    assert.are.equal(stats().FLUSH_SECONDS, env.timers[1].delay)
    env.timers[1].fn(false)
    assert.are.equal(2, env.dict.values["requests_total" .. SEP .. "masked"])
    assert.are.equal(2, env.dict.values["identifiers_total" .. SEP .. "ec2-instance"])
    assert.are.equal(2, env.dict.values.requests_masked)
    -- the next count schedules the next flush
    request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    assert.are.equal(2, #env.timers)
  end)

  it("are flushed when the worker exits (the timer runs premature): none is lost", function()
    local handler = fresh_worker()
    request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    env.timers[1].fn(true)
    assert.are.equal(1, env.dict.values["requests_total" .. SEP .. "masked"])
    assert.are.equal(1, env.dict.values["identifiers_total" .. SEP .. "ec2-instance"])
  end)

  it("read in this worker (counter, the metrics text) include its pending counts, without waiting for the timer", function()
    local handler = fresh_worker()
    request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    assert.are.equal(1, stats().counter("requests_total" .. SEP .. "masked"))
    request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    local text = require("kong.plugins.aws-masker.plugin.metrics").metricsText()
    assert.truthy(text:find('aws_masker_requests_total{decision="masked"} 2\n', 1, true))
    assert.truthy(text:find('aws_masker_identifiers_by_kind_total{kind="ec2-instance"} 2\n', 1, true))
    -- the pending timer then finds nothing more to add
    env.timers[1].fn(false)
    assert.are.equal(2, env.dict.values["requests_total" .. SEP .. "masked"])
  end)

  it("are written by the request itself when no timer can be scheduled", function()
    local handler = fresh_worker()
    env.timer_ok = false
    request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    assert.are.equal(1, env.dict.values["requests_total" .. SEP .. "masked"])
    assert.are.equal(1, env.dict.values["identifiers_total" .. SEP .. "ec2-instance"])
  end)
end)

describe("the log phase of masked requests", function()
  it("gives each request the line, figures and per-kind counts of its own kinds, also at the same identifier count", function()
    local handler = fresh_worker()
    local a = request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    local b = request(handler, "why is 10.1.2.3 slow")
    local c = request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    assert.are.same({ decision = "masked", identifiers = 1, kinds = { ["ec2-instance"] = 1 } }, a)
    assert.are.same({ decision = "masked", identifiers = 1, kinds = { ["private-ipv4"] = 1 } }, b)
    assert.are.same(a, c)
    assert.are.same({
      "aws-masker: decision=masked identifiers=1 kinds=ec2-instance:1",
      "aws-masker: decision=masked identifiers=1 kinds=private-ipv4:1",
      "aws-masker: decision=masked identifiers=1 kinds=ec2-instance:1",
    }, env.infos)
    assert.are.equal(2, stats().counter("identifiers_total" .. SEP .. "ec2-instance"))
    assert.are.equal(1, stats().counter("identifiers_total" .. SEP .. "private-ipv4"))
    assert.are.equal(3, stats().counter("requests_total" .. SEP .. "masked"))
  end)

  it("sorts the kinds in the line and counts each kind once per identifier", function()
    local handler = fresh_worker()
    local f = request(handler, "10.1.2.3 runs i-0a1b2c3d4e5f67890 and i-0a1b2c3d4e5f67891 next to 10.1.2.4")
    assert.are.same({ decision = "masked", identifiers = 4, kinds = { ["ec2-instance"] = 2, ["private-ipv4"] = 2 } }, f)
    assert.are.equal("aws-masker: decision=masked identifiers=4 kinds=ec2-instance:2,private-ipv4:2", env.infos[1])
    assert.are.equal(2, stats().counter("identifiers_total" .. SEP .. "private-ipv4"))
  end)

  it("gives a resent conversation's requests the kinds of what each added after the resent part", function()
    local handler = fresh_worker()
    local messages = '{"model":"m","messages":[{"role":"user","content":"why is i-0a1b2c3d4e5f67890 slow on 10.1.2.3"}],'
    local x = messages .. '"metadata":{"user_id":"i-0a1b2c3d4e5f67891"}}'
    local y = messages .. '"metadata":{"user_id":"10.1.2.44"}}'
    request(handler, nil, nil, x)
    -- walked on from the first request's history: the two resent entries are lent, the one in metadata added
    local a = request(handler, nil, nil, x)
    local b = request(handler, nil, nil, y)
    local c = request(handler, nil, nil, x)
    assert.are.equal(3, stats().counter("bodies_resumed"))
    assert.are.same({ decision = "masked", identifiers = 3, kinds = { ["ec2-instance"] = 2, ["private-ipv4"] = 1 } }, a)
    assert.are.same({ decision = "masked", identifiers = 3, kinds = { ["ec2-instance"] = 1, ["private-ipv4"] = 2 } }, b)
    assert.are.same(a, c)
    assert.are.equal("aws-masker: decision=masked identifiers=3 kinds=ec2-instance:1,private-ipv4:2", env.infos[3])
    assert.are.equal(7, stats().counter("identifiers_total" .. SEP .. "ec2-instance"))
    assert.are.equal(5, stats().counter("identifiers_total" .. SEP .. "private-ipv4"))
  end)

  it("hands each request its own figures: a log plugin changing one request's leaves the next one's alone", function()
    local handler = fresh_worker()
    local first = request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    first.kinds["ec2-instance"] = 99
    first.kinds.added = 1
    local second = request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    assert.are_not.equal(first, second)
    assert.are.same({ ["ec2-instance"] = 1 }, second.kinds)
  end)
end)

describe("the log phase under LuaJIT", function()
  -- a loop in the log phase (the per-kind work over a request's entries) made every trace started at the phase's entry
  -- abort ("inner loop in root trace"); after a few aborts LuaJIT stops trying and the phase runs interpreted. Access
  -- makes the report (plugin/observe.lua reportMasked), so the log phase has no loop left.
  it("compiles: no trace started at the log phase's entry aborts on a loop, over 3,000 masked requests", function()
    local handler = fresh_worker()
    local log_phase = { [handler.log] = true, [require("kong.plugins.aws-masker.plugin.observe").observe] = true }
    local ids = {}
    for k = 1, 20 do ids[k] = string.format("i-0a1b2c3d4e5f6%04d", k) end
    local text = "check " .. table.concat(ids, ", ")
    local starts, aborts = {}, {}
    local function record(what, tr, func, _, otr)
      if what == "start" then
        starts[tr] = log_phase[func] == true
      elseif what == "abort" and starts[tr] then
        local reason = require("jit.vmdef").traceerr[otr] or tostring(otr)
        if reason:find("loop") then aborts[#aborts + 1] = reason end
      end
    end
    jit.attach(record, "trace")
    for _ = 1, 3000 do request(handler, text) end
    jit.attach(record) -- detached (LuaJIT detaches the function given)
    assert.are.same({}, aborts)
    assert.are.equal(20, request(handler, text).identifiers)
  end)
end)

describe("the line's level", function()
  it("is request_log_level for masked and passed-through requests (info by default), notice for a refusal", function()
    local handler = fresh_worker()
    request(handler, "why is i-0a1b2c3d4e5f67890 slow")
    request(handler, "nothing to hide")
    assert.are.same({
      "aws-masker: decision=masked identifiers=1 kinds=ec2-instance:1",
      "aws-masker: decision=passthrough identifiers=0",
    }, env.infos)
    assert.are.same({}, env.notices)
    request(handler, "why is i-0a1b2c3d4e5f67890 slow", "notice")
    request(handler, "why is i-0a1b2c3d4e5f67890 slow", "debug")
    assert.are.same({ "aws-masker: decision=masked identifiers=1 kinds=ec2-instance:1" }, env.notices)
    assert.are.same({ "aws-masker: decision=masked identifiers=1 kinds=ec2-instance:1" }, env.debugs)
    -- a refusal: written outside the request (timer), at notice whatever the level
    local refused = request(handler, nil, "debug", '{"messages": [')
    assert.are.equal("refused", refused.decision)
    local timer = env.timers[#env.timers]
    timer.fn(false, unpack(timer.args))
    assert.are.equal(2, #env.notices)
    assert.truthy(env.notices[2]:find('^aws%-masker: decision=refused reason="request body is not valid JSON" status=400'))
    assert.are.equal(1, #env.debugs)
  end)
end)
