-- engine/warmup.ts, run by the plugin's init_worker: each loop whose rounds mostly run other loops (or leave at once)
-- gets a root trace of its own that closes on itself, so LuaJIT can no longer blacklist it. Checked in a fresh LuaJIT
-- process: in this one, earlier specs have already compiled (or blacklisted) these loops.
local BUILD = "build/kong/plugins/aws-masker/"

-- each loop: its module, the function that holds it, and the loop's line as compiled (the first such line after it)
local LOOPS = {
  { file = "engine/scanner.lua", after = "function scanWords(", loop = "while i < n or x < nx and i >= nextExtra do" },
  { file = "engine/names.lua", after = "function ____exports.learnedIn(", loop = "while k < n do" },
  { file = "engine/stream.lua", after = "function processData(", loop = "while true do" },
  { file = "engine/session.lua", after = "function ____exports.restoreLevel(", loop = "while u >= 0 do" },
  { file = "engine/session.lua", after = "function ____exports.pseudonymsIn(", loop = "while u >= 0 do" },
  { file = "engine/json.lua", after = "function restoreContent(", loop = "while k < count and w.occEnd[k + 1] <= b do" },
  { file = "engine/stream.lua", after = "function ____exports.members(", loop = "while p < b do" },
}

-- "module.lua:line" as jit.v names a trace start: the line of spec.loop after spec.after, or of spec.after itself
local function lineOf(spec)
  local n, inside = 0, false
  for line in io.lines(BUILD .. spec.file) do
    n = n + 1
    if line:find(spec.after, 1, true) then inside = true end
    if inside and (spec.loop == nil or line:match("^%s*(.-)%s*$") == spec.loop) then
      return spec.file:match("[^/]+$") .. ":" .. n
    end
  end
  error("not found in " .. spec.file .. ": " .. (spec.loop or spec.after))
end

-- prints "file:line linktype" for every root trace compiled while `body` runs, in a fresh LuaJIT
local DRIVER = [[
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local E = require "kong.plugins.aws-masker.engine.index"
local masker = E.createMasker({ secret = "warm-up spec, not a secret" }, require "hmac")
local util = require "jit.util"
local starts = {}
jit.attach(function(what, tr, func, pc, parent)
  if what == "start" then
    -- a root trace has no parent; its start as jit.v writes it: the module's file name and the line
    local info = util.funcinfo(func, pc)
    starts[tr] = parent == nil and (info.source:match("[^/]+$") .. ":" .. info.currentline) or nil
  elseif what == "stop" and starts[tr] ~= nil then
    io.write(starts[tr], " ", util.traceinfo(tr).linktype, "\n")
  end
end, "trace")
%s
]]

local function rootTraces(body)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write(DRIVER:format(body))
  f:close()
  local p = assert(io.popen("luajit " .. path .. " 2>&1"))
  local out = p:read("*a")
  p:close()
  os.remove(path)
  return out
end

describe("warmUp (LuaJIT, a fresh process)", function()
  it("compiles the loops of scanWords, learnedIn, processData, members, restoreLevel, pseudonymsIn, restoreContent", function()
    local out = rootTraces("E.warmUp(masker)")
    for _, spec in ipairs(LOOPS) do
      local at = lineOf(spec)
      assert.is_truthy(out:find(at .. " loop\n", 1, true), at .. " has no root trace of its own in:\n" .. out)
    end
  end)
end)

-- plugin/warmup.ts, run by the plugin's init_worker: each function of WORKER_ENTRY_CALLS (the engine's functions that
-- hold a loop and run once per string, event or request, and bodyFilter) gets a trace at its entry, recorded on the
-- early return of its call, so LuaJIT can no longer blacklist its entry. Without it, such an entry was blacklisted in
-- some gateway workers, and a side trace that reached it later stopped there (the gateway's JIT check counted that).
describe("the plugin's init_worker (LuaJIT, a fresh process)", function()
  local PLUGIN_WORKER = [[
require "no_services"
ngx = { shared = {}, timer = { at = function() return true end }, header = {}, arg = {}, var = {}, req = {},
  hmac_sha1 = require "hmac", now = os.time }
kong = { log = setmetatable({}, { __index = function() return function() end end }) }
local calls = require("kong.plugins.aws-masker.plugin.warmup").WORKER_ENTRY_CALLS
%s
-- where each function's trace would start, as the root traces above are named
for _, call in ipairs(calls) do
  local info = util.funcinfo(call.fn)
  io.write("entry ", info.source:match("[^/]+$"), ":", info.linedefined, "\n")
end
]]

  -- the entries the driver names, and whether each has a root trace that returns
  local function entries(out)
    local found = {}
    for at in out:gmatch("entry (%S+)\n") do
      found[at] = ("\n" .. out):find("\n" .. at .. " return\n", 1, true) ~= nil
    end
    return found
  end

  it("gives each function of WORKER_ENTRY_CALLS a trace at its entry that returns; warmUp alone none", function()
    local found = entries(rootTraces(PLUGIN_WORKER:format('require("kong.plugins.aws-masker.handler").init_worker()')))
    -- the engine's per-string and per-event functions and bodyFilter, at least
    local n = 0
    for at, returns in pairs(found) do
      n = n + 1
      assert.is_true(returns, at .. " has no root trace that returns")
    end
    assert.is_true(n >= 5, "only " .. n .. " entries named")
    assert.is_not_nil(found[lineOf({ file = "plugin/response.lua", after = "function ____exports.bodyFilter(" })])
    found = entries(rootTraces(PLUGIN_WORKER:format("E.warmUp(masker)")))
    for at, returns in pairs(found) do
      assert.is_false(returns, "warmUp alone compiled " .. at)
    end
  end)
end)
