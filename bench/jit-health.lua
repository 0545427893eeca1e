-- JIT health of the compiled engine in ONE fresh LuaJIT process (bench/jit-health.ts runs several and judges).
-- Runs the engine benchmark's work (bench/fixtures/request-8k.json: mask with warm caches, mask with cold caches,
-- restore, masking with 1,000 learned names) while recording every trace event (jit.attach, the hook jit.v uses), then asks the bytecode itself which
-- trace starts LuaJIT gave up on: a blacklisted loop or function has its header patched to the interpreted-only opcode
-- (ILOOP, IFORL, IITERL, IFUNCF, IFUNCV), so every later trace reaching it aborts and the code stays interpreted.
-- Prints one JSON line: traces, aborts grouped by start location and reason, blacklisted starts, throughput.
--   luajit bench/jit-health.lua      env: JIT_HEALTH_ITERATIONS (3000), JIT_HEALTH_BUILD (build), JIT_HEALTH_LOG (a jit.v file)
local build = os.getenv("JIT_HEALTH_BUILD") or "build"
package.path = build .. "/?.lua;spec/lua/support/?.lua;" .. package.path
local jutil = require "jit.util"
local vmdef = require "jit.vmdef"

local iterations = tonumber(os.getenv("JIT_HEALTH_ITERATIONS") or "3000")
if os.getenv("JIT_HEALTH_LOG") then require("jit.v").start(os.getenv("JIT_HEALTH_LOG")) end

local BLACKLISTED = { ILOOP = true, IFORL = true, IITERL = true, IFUNCF = true, IFUNCV = true }

local function opname(func, pc)
  local ins = jutil.funcbc(func, pc)
  if ins == nil then return "?" end
  local op = ins % 256
  return (vmdef.bcnames:sub(op * 6 + 1, op * 6 + 6):gsub(" +$", ""))
end

local function location(func, pc)
  local fi = jutil.funcinfo(func, pc)
  if fi.loc then return fi.loc, fi.source or "" end
  if fi.ffid then return vmdef.ffnames[fi.ffid] or "builtin", "" end
  return "?", ""
end

local function reason(otr, oex)
  local e = vmdef.traceerr[otr]
  if e == nil then return tostring(otr) end
  if oex ~= nil and e:find("%%d") then return e:format(oex) end
  if type(oex) == "function" then return e:format(location(oex, 0)) end
  if type(oex) == "number" and e:find("%%s") then return e:format(vmdef.ffnames[oex] or tostring(oex)) end
  return e
end

local starts = {} -- trace number -> { func, pc }
local aborts = {} -- "start loc|reason" -> count
local startsSeen = {} -- "start loc" -> { func, pc }
local traces, abortCount = 0, 0
local function record(what, tr, func, pc, otr, oex)
  if what == "start" then
    starts[tr] = { func = func, pc = pc }
  elseif what == "stop" then
    traces = traces + 1
  elseif what == "abort" then
    abortCount = abortCount + 1
    local st = starts[tr] or { func = func, pc = pc }
    local loc = location(st.func, st.pc)
    startsSeen[loc] = st
    local at = location(func, pc)
    local key = loc .. "|" .. reason(otr, oex) .. (at ~= loc and (" at " .. at) or "")
    aborts[key] = (aborts[key] or 0) + 1
  end
end
jit.attach(record, "trace")

local E = require "kong.plugins.aws-masker.engine.index"
local hmac = require "hmac"
local body = require "fixture"("bench/fixtures/request-8k.json")
local masker = E.createMasker({ secret = "bench-secret-0123456789" }, hmac)
local policy = E.policyFor("/v1/messages")
local answerPolicy = E.answerPolicyFor("/v1/messages")

local function rate(fn)
  local t0 = os.clock()
  for _ = 1, iterations do fn() end
  return #body * iterations / (os.clock() - t0) / 1e6
end

local warm = rate(function()
  E.forgetHistories(masker)
  E.maskJson(E.newSession(masker, "bench"), body, policy)
end)
-- the same body resumed from its history (json.ts History)
local resent = rate(function() E.maskJson(E.newSession(masker, "bench"), body, policy) end)
local cold = rate(function()
  masker.hashes = {}
  masker.hashCount = 0
  masker.scans = {}
  masker.scanBytes = 0
  E.forgetHistories(masker)
  E.maskJson(E.newSession(masker, "bench"), body, policy)
end)
local s = E.newSession(masker, "bench")
local masked = E.maskJson(s, body, policy).text
local restore = rate(function() E.restoreJson(s, masked, answerPolicy) end)
-- the tenant memory (engine/memory.ts): 1,000 learned names looked for in every request, its text cache emptied
local mem = E.newMemory(1010)
for k = 1, 1000 do E.remember(mem, string.format("team%d-checkout-worker-%d", k % 37, k), E.kindById("lambda-function")) end
local learned = rate(function()
  E.clearMemoryCache(mem)
  E.forgetHistories(masker)
  local s2 = E.newSession(masker, "bench")
  s2.memory = mem
  E.maskJson(s2, body, policy)
end)
jit.attach(record) -- detached (LuaJIT detaches the function given)

local function jsonString(v)
  return '"' .. tostring(v):gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end
local out = {}
for key, n in pairs(aborts) do
  local loc, why = key:match("^(.-)|(.*)$")
  out[#out + 1] = string.format('{"start":%s,"reason":%s,"count":%d}', jsonString(loc), jsonString(why), n)
end
local black = {}
for loc, st in pairs(startsSeen) do
  local op = opname(st.func, st.pc)
  if BLACKLISTED[op] then
    local _, source = location(st.func, st.pc)
    black[#black + 1] = string.format('{"start":%s,"op":"%s","source":%s}', jsonString(loc), op, jsonString(source))
  end
end
print(string.format('{"traces":%d,"aborts":%d,"abortsByStart":[%s],"blacklisted":[%s],"mask_mbps":%.1f,"mask_resent_mbps":%.1f,"mask_cold_mbps":%.1f,"restore_mbps":%.1f,"learned_mbps":%.1f}',
  traces, abortCount, table.concat(out, ","), table.concat(black, ","), warm, resent, cold, restore, learned))
