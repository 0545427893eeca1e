-- busted --lua=luajit spec/host
local root = debug.getinfo(1, "S").source:sub(2):match("^(.*)/spec/host/") or "."
package.path = root .. "/host/lua/?.lua;" .. root .. "/host/lua/?/init.lua;" .. package.path
package.preload["kong.db.schema.typedefs"] = function() return require "kong_host.typedefs" end

local schema = require "kong_host.schema"
local typedefs = require "kong.db.schema.typedefs"

local S = {
  name = "t",
  fields = {
    { consumer = typedefs.no_consumer },
    { protocols = typedefs.protocols_http },
    { config = { type = "record", fields = {
      { secret = { type = "string", required = true, referenceable = true, len_min = 16 } },
      { port = typedefs.port { default = 6379 } },
      { mode = { type = "string", default = "mask", one_of = { "mask", "off" } } },
      { ttl = { type = "integer", default = 60, gt = 0 } },
      { ratio = { type = "number", between = { 0, 1 } } },
      { prefix = { type = "string", default = "AWS_", match = "^[A-Z_]+$" } },
      { kinds = { type = "array", default = { "ec2" }, elements = { type = "string", one_of = { "ec2", "s3" } } } },
      { tags = { type = "set", elements = { type = "string" } } },
      { labels = { type = "map", keys = { type = "string" }, values = { type = "integer" } } },
      { flag = { type = "boolean", default = false } },
      { limits = { type = "record", fields = {
        { max_body = { type = "integer", default = 1024, between = { 1, 4096 } } },
      } } },
    } } },
  },
}

local function v(config, extra)
  local p = { name = "t", config = config }
  for k, x in pairs(extra or {}) do p[k] = x end
  return schema.validate_plugin(S, p)
end

describe("host schema validator", function()
  it("applies defaults, nested record defaults included", function()
    local conf = assert(v({ secret = "0123456789abcdef" }))
    assert.same(6379, conf.port)
    assert.same("mask", conf.mode)
    assert.same({ "ec2" }, conf.kinds)
    assert.same(false, conf.flag)
    assert.same({ max_body = 1024 }, conf.limits)
  end)

  it("reports missing required fields with the field path", function()
    local conf, errs = v({})
    assert.is_nil(conf)
    assert.same({ "config.secret: required field missing" }, errs)
  end)

  it("checks types like Kong", function()
    local _, errs = v({ secret = "0123456789abcdef", port = "80", ttl = 1.5, flag = "yes", ratio = "x" })
    assert.same({
      "config.flag: expected a boolean",
      "config.port: expected an integer",
      "config.ratio: expected a number",
      "config.ttl: expected an integer",
    }, errs)
  end)

  it("checks one_of, between, gt, len_min, match", function()
    local _, errs = v({ secret = "short", port = 70000, mode = "x", ttl = 0, prefix = "aws", ratio = 2 })
    assert.same({
      "config.mode: expected one of: mask, off",
      "config.port: value should be between 0 and 65535",
      "config.prefix: invalid value: aws",
      "config.ratio: value should be between 0 and 1",
      "config.secret: length must be at least 16",
      "config.ttl: value must be greater than 0",
    }, errs)
  end)

  it("validates array elements, sets (dedup), maps, nested records", function()
    local conf = assert(v({ secret = "0123456789abcdef", tags = { "a", "b", "a" }, labels = { x = 1 } }))
    assert.same({ "a", "b" }, conf.tags)
    local _, errs = v({ secret = "0123456789abcdef", kinds = { "ec2", "vpc" }, labels = { x = "one" },
      limits = { max_body = 0 } })
    assert.same({
      "config.kinds.2: expected one of: ec2, s3",
      "config.labels.x: expected an integer",
      "config.limits.max_body: value should be between 1 and 4096",
    }, errs)
  end)

  it("rejects unknown fields and empty strings", function()
    local _, errs = v({ secret = "0123456789abcdef", bogus = 1, prefix = "" })
    assert.same({ "config.bogus: unknown field", "config.prefix: length must be at least 1" }, errs)
  end)

  it("rejects a consumer on a no_consumer plugin", function()
    local _, errs = v({ secret = "0123456789abcdef" }, { consumer = { id = "x" } })
    assert.same({ "consumer: value must be null" }, errs)
  end)

  it("accepts vault references in referenceable fields without value checks, then resolves them", function()
    local conf, refs = v({ secret = "{vault://env/my-secret}" })
    assert.same({ "config.secret" }, refs)
    local vault = require "kong_host.vault"
    schema.resolve_references(conf, refs, function(ref)
      return vault.resolve(ref, function(n) return ({ MY_SECRET = "s3cr3t" })[n] end)
    end)
    assert.same("s3cr3t", conf.secret)
  end)

  it("unresolvable references become empty strings with a warning", function()
    local conf, refs = v({ secret = "{vault://env/NOPE}" })
    local warned
    schema.resolve_references(conf, refs, function(ref)
      return require("kong_host.vault").resolve(ref, function() return nil end)
    end, function(msg) warned = msg end)
    assert.same("", conf.secret)
    assert.truthy(warned:find("NOPE", 1, true))
  end)

  it("check_resolved (host startup): a required field's unresolved reference and a resolved value that fails its rules", function()
    local getenv = function(n) return ({ SHORT = "tiny", GOOD = "0123456789abcdef-ok" })[n] end
    local resolve = function(ref) return require("kong_host.vault").resolve(ref, getenv) end
    local problems = {}
    for _, ref in ipairs({ "{vault://env/NOPE}", "{vault://env/SHORT}", "{vault://env/GOOD}" }) do
      local conf, refs = v({ secret = ref })
      local _, unresolved = schema.resolve_references(conf, refs, resolve)
      problems[#problems + 1] = schema.check_resolved(S, conf, refs, unresolved)
    end
    assert.same(1, #problems[1])
    assert.matches("^config%.secret: vault reference {vault://env/NOPE} could not be resolved %(", problems[1][1])
    assert.same({ "config.secret: length must be at least 16 (value from a vault reference)" }, problems[2])
    assert.same({}, problems[3])
    assert.is_nil(problems[2][1]:find("tiny", 1, true)) -- never the value
  end)

  it("typedefs are callable with overrides without mutating the original", function()
    local p = typedefs.port { default = 1 }
    assert.same(1, p.default)
    assert.is_nil(typedefs.port.default)
  end)

  it("runs entity checks", function()
    local S2 = { name = "t2", fields = { { config = { type = "record", fields = {
      { a = { type = "string" } }, { b = { type = "string" } },
    }, entity_checks = { { at_least_one_of = { "a", "b" } } } } } } }
    local conf, errs = schema.validate_plugin(S2, { config = {} })
    assert.is_nil(conf)
    assert.same({ "config: at least one of these fields must be non-empty: a, b" }, errs)
    assert.truthy(schema.validate_plugin(S2, { config = { b = "x" } }))
  end)
end)
