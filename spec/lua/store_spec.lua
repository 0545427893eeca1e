-- plugin/store.lua under plain LuaJIT with a fake PDK and a fake resty.redis that records what a flush sends: a
-- request's mappings go to Redis as one sealed record on the tenant's list of its time slot (docs/redis.md), the records
-- of one flush in one RPUSH per list, credential kinds never, a mapping not again before its refresh is due; a
-- tenant's names of one flush in one names command, and a version moved only by this worker's writes is known as its.
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path

local sent -- the commands of the flushes, in order: { name, args... }
local version = 41 -- the names version the fake Redis answers a names command with (bumped by each)
package.preload["resty.redis"] = function()
  local client = {}
  client.__index = function(_, name)
    return function(_, ...)
      if name == "commit_pipeline" then
        local results = {}
        for k = 1, #sent do
          if sent[k][1] == "evalsha" then version = version + 1; results[k] = { (#sent[k] - 7) / 2, version }
          else results[k] = 1 end
        end
        return results
      end
      if name == "connect" or name == "set_keepalive" or name == "set_timeout" or name == "close" then return 1 end
      if name == "get_reused_times" then return 1 end
      if name ~= "init_pipeline" then table.insert(sent, { name, ... }) end
      return 1
    end
  end
  return { new = function() return setmetatable({}, client) end }
end

local now = 1764590400.25 -- a slot start (a multiple of 3600) plus a quarter second
local timers
_G.ngx = {
  now = function() return now end,
  sha1_bin = function(s) return string.format("%020d", #s) end,
  shared = {},
  timer = { at = function(_, fn, ...) table.insert(timers, { fn = fn, args = { ... } }); return true end },
  worker = { pid = function() return 1 end },
}
_G.kong = { log = setmetatable({}, { __index = function() return function() end end }) }

local store = require "kong.plugins.aws-masker.plugin.store"
local sealed = require "kong.plugins.aws-masker.plugin.sealed"

local function conf(ttl)
  return { secret = "unit-test-secret-0123456789", redis_host = "127.0.0.1", redis_port = 6379, redis_database = 0,
    redis_timeout_ms = 250, redis_pool_size = 32, mapping_ttl_seconds = ttl or 86400 }
end
local function credential(kind) return kind == "aws-secret-access-key" end
local function entry(n, kind)
  return { pseudonym = "EC2_INSTANCE_" .. string.format("%010d", n), original = "i-0" .. string.format("%016x", n), kind = kind or "ec2-instance" }
end
-- runs the pending flush timers (a flush that schedules another runs it too)
local function flush()
  sent = {}
  while #timers > 0 do
    local t = table.remove(timers, 1)
    t.fn(false, unpack(t.args))
  end
  return sent
end
local function unpackRecord(plain)
  local out, at = {}, 1
  while at <= #plain do
    local fields = {}
    for k = 1, 3 do
      local colon = plain:find(":", at, true)
      local len = tonumber(plain:sub(at, colon - 1))
      fields[k] = plain:sub(colon + 1, colon + len)
      at = colon + len + 1
    end
    out[#out + 1] = fields[1] .. "|" .. fields[2] .. "|" .. fields[3]
  end
  return out
end

describe("mapping records", function()
  before_each(function() timers = {} end)

  it("a request's mappings are one sealed record on the tenant's slot list; credential kinds are left out", function()
    local c = conf()
    local keys = sealed.sealKeysFor(c.secret)
    store.storeEntries(c, "k:tenant-a", { entry(1), entry(2, "aws-secret-access-key"), entry(3) }, credential)
    local cmds = flush()
    assert.are.equal(2, #cmds)
    local push, expire = cmds[1], cmds[2]
    assert.are.equal("rpush", push[1])
    assert.matches("^aws%-masker:v2:r:" .. string.rep("%x", 32) .. "$", push[2])
    assert.are.equal(store.recordKey(keys, "k:tenant-a", 3600, 1764590400), push[2])
    assert.are.equal(3, #push) -- one record
    local plain = sealed.unseal(keys, push[2], push[3])
    assert.are.same({ "ec2-instance|" .. entry(1).pseudonym .. "|" .. entry(1).original,
      "ec2-instance|" .. entry(3).pseudonym .. "|" .. entry(3).original }, unpackRecord(plain))
    assert.is_nil(plain:find(entry(2).original, 1, true))
    -- the slot's key lives until the slot's end plus the TTL: each record at least the TTL, at most an hour more
    assert.are.same({ "expireat", push[2], 1764590400 + 3600 + 86400 }, expire)
    -- another tenant's key: the record does not open there
    assert.is_nil(sealed.unseal(keys, store.recordKey(keys, "k:tenant-b", 3600, 1764590400), push[3]))
  end)

  it("the records of one flush go in one RPUSH per list; mappings written lately are not written again", function()
    local c = conf()
    store.storeEntries(c, "k:tenant-c", { entry(11), entry(12) }, credential)
    store.storeEntries(c, "k:tenant-c", { entry(12), entry(13) }, credential) -- 12 is queued already
    store.storeEntries(c, "k:tenant-d", { entry(11) }, credential)
    local cmds = flush()
    assert.are.equal(4, #cmds)
    assert.are.equal("rpush", cmds[1][1])
    assert.are.equal(4, #cmds[1]) -- two records on tenant c's list
    assert.are.equal("expireat", cmds[2][1])
    assert.are.equal("rpush", cmds[3][1])
    assert.are.equal(3, #cmds[3])
    assert.are_not.equal(cmds[1][2], cmds[3][2])
    store.storeEntries(c, "k:tenant-c", { entry(11), entry(13) }, credential)
    assert.are.equal(0, #timers) -- nothing new: nothing queued
    -- once the refresh is due (a tenth of the TTL), they are written again, in the slot of that time
    now = now + 8640 + 1
    store.storeEntries(c, "k:tenant-c", { entry(11), entry(13) }, credential)
    cmds = flush()
    assert.are.equal(2, #cmds)
    assert.are.same({ "expireat", cmds[1][2], 1764590400 + 3 * 3600 + 86400 }, cmds[2])
    now = 1764590400.25
  end)

  it("a session's lent entries are looked at again only once one of them is due; the entries after them always", function()
    local c = conf()
    local keys = sealed.sealKeysFor(c.secret)
    local function written(cmds)
      local out = {}
      for _, cmd in ipairs(cmds) do
        if cmd[1] == "rpush" then
          for k = 3, #cmd do
            for _, m in ipairs(unpackRecord(sealed.unseal(keys, cmd[2], cmd[k]))) do out[#out + 1] = m:match("|(.-)|") end
          end
        end
      end
      return out
    end
    local lent = { count = 3 } -- Session.lent: the entries a session was lent (the first three)
    local lentEntries = { entry(31), entry(32, "aws-secret-access-key"), entry(33) }
    store.storeEntries(c, "k:tenant-e", lentEntries, credential, lent)
    assert.are.same({ entry(31).pseudonym, entry(33).pseudonym }, written(flush()))
    -- the worker forgets what it wrote lately (past RECENT_MAX pseudonyms it starts over)
    local many = {}
    for k = 1, 20002 do many[k] = entry(100000 + k) end
    store.storeEntries(c, "k:tenant-f", many, credential)
    flush()
    -- the same lent entries and one after them: only that one is written, the lent ones are not due yet
    local more = { entry(31), entry(32, "aws-secret-access-key"), entry(33), entry(34) }
    store.storeEntries(c, "k:tenant-e", more, credential, lent)
    assert.are.same({ entry(34).pseudonym }, written(flush()))
    -- once they are due (a tenth of the TTL), they are looked at and written again
    now = now + 8640 + 1
    store.storeEntries(c, "k:tenant-e", more, credential, lent)
    assert.are.same({ entry(31).pseudonym, entry(33).pseudonym, entry(34).pseudonym }, written(flush()))
    store.storeEntries(c, "k:tenant-e", more, credential, lent)
    assert.are.same({}, written(flush()))
    now = 1764590400.25
  end)

  it("a TTL under 6,000 s uses 60 s slots: a record is kept the TTL and at most a minute more", function()
    local c = conf(120)
    local keys = sealed.sealKeysFor(c.secret)
    store.storeEntries(c, "global", { entry(21) }, credential)
    local cmds = flush()
    assert.are.equal(store.recordKey(keys, "global", 60, 1764590400), cmds[1][2])
    assert.are.same({ "expireat", cmds[1][2], 1764590400 + 60 + 120 }, cmds[2])
    assert.are.equal(60, store.recordSlotSeconds(5999))
    assert.are.equal(600, store.recordSlotSeconds(6000))
    assert.are.equal(3600, store.recordSlotSeconds(36000))
  end)

  it("a tenant's names of one flush go in one names command; versions its own bumps made are known as its own", function()
    local c = conf()
    c.learned_names_max, c.learned_names_ttl_seconds = 10000, 604800
    local nk = store.nameKeys(c, "k:tenant-e")
    assert.are.equal(nk, store.nameKeys(c, "k:tenant-e")) -- computed once
    store.storeNames(c, "k:tenant-e", { { "lambda-function", "billing-reconciler" } })
    store.storeNames(c, "k:tenant-e", { { "dynamodb-table", "Ledger" }, { "s3-bucket", "acme-invoices" } })
    local cmds = flush()
    assert.are.equal(1, #cmds)
    assert.are.equal("evalsha", cmds[1][1])
    assert.are.equal(nk.hash, cmds[1][4])
    assert.are.equal(7 + 6, #cmds[1]) -- evalsha sha 2 hash version max ttl, 3 field/value pairs
    -- the fake Redis moved the version from 41 to 42: this worker's own bump
    assert.is_true(store.ownNameVersions(c, nk.version, "41", "42"))
    store.storeNames(c, "k:tenant-e", { { "lambda-function", "payroll-exporter" } })
    flush()
    assert.is_true(store.ownNameVersions(c, nk.version, "41", "43"))
    assert.is_true(store.ownNameVersions(c, nk.version, "42", "43"))
    assert.is_true(store.ownNameVersions(c, nk.version, "41", "42")) -- read before its second bump was answered
    assert.is_false(store.ownNameVersions(c, nk.version, "41", "44")) -- a bump it has no answer of
    -- a bump by another worker in between (41 -> 44 seen, its own went 44 -> 45): not its own alone
    version = version + 1
    store.storeNames(c, "k:tenant-e", { { "lambda-function", "cost-report" } })
    flush()
    assert.is_false(store.ownNameVersions(c, nk.version, "43", "45"))
    assert.is_true(store.ownNameVersions(c, nk.version, "44", "45"))
    assert.is_false(store.ownNameVersions(c, nk.version, "", "45")) -- never loaded: load
  end)
end)
