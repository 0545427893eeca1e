-- plugin/luajit.ts, run first by the plugin's init_worker: LuaJIT's trace cache sized for the engine, or as
-- AWS_MASKER_LUAJIT says. Each case runs in a fresh LuaJIT process (the parameters are the whole VM's).

-- runs `body` after loading the module with AWS_MASKER_LUAJIT set to `setting` (nil: unset); returns its output, the
-- plugin's log lines included
local function run(setting, body)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write([[
package.path = "build/?.lua;" .. package.path
kong = { log = {
  notice = function(...) io.write("notice: ", table.concat({ ... }), "\n") end,
  err = function(...) io.write("err: ", table.concat({ ... }), "\n") end,
} }
local luajit = require "kong.plugins.aws-masker.plugin.luajit"
]] .. body)
  f:close()
  local env = setting ~= nil and ("AWS_MASKER_LUAJIT='" .. setting .. "' ") or "env -u AWS_MASKER_LUAJIT "
  local p = assert(io.popen(env .. "luajit " .. path .. " 2>&1"))
  local out = p:read("*a")
  p:close()
  os.remove(path)
  return out
end

-- 9,000 functions kept alive, each with a hot loop of its own (one trace each); prints the cache flushes seen
local NINE_THOUSAND_TRACES = [[
local flushes = 0
jit.attach(function(what) if what == "flush" then flushes = flushes + 1 end end, "trace")
local keep = {}
for k = 1, 9000 do
  keep[k] = loadstring("local s = 0 for i = 1, 200 do s = s + i * " .. k .. " end return s")
  keep[k]()
end
print("flushes " .. flushes)
]]

describe("tuneJit (LuaJIT parameters, a fresh process each)", function()
  it("applies the engine's parameters: 9,000 traces fit (the runtime's own cache flushes at 8,000)", function()
    local tuned = run(nil, "luajit.tuneJit()\n" .. NINE_THOUSAND_TRACES)
    assert.is_truthy(tuned:find("notice: LuaJIT parameters for the masking engine: maxtrace=30000 maxmcode=131072", 1, true), tuned)
    assert.is_truthy(tuned:find("flushes 0\n", 1, true), tuned)
    local untuned = run(nil, NINE_THOUSAND_TRACES)
    assert.is_falsy(untuned:find("flushes 0\n", 1, true), untuned)
  end)

  it("AWS_MASKER_LUAJIT=keep leaves the runtime's parameters and says so", function()
    local out = run("keep", "luajit.tuneJit()\n" .. NINE_THOUSAND_TRACES)
    assert.is_truthy(out:find("notice: AWS_MASKER_LUAJIT=keep: LuaJIT's parameters left as Kong set them", 1, true), out)
    assert.is_falsy(out:find("flushes 0\n", 1, true), out)
  end)

  it("AWS_MASKER_LUAJIT's own parameters are applied instead of the engine's", function()
    local out = run("maxtrace=12000  maxmcode=65536", "luajit.tuneJit()\n" .. NINE_THOUSAND_TRACES)
    assert.is_truthy(out:find("notice: LuaJIT parameters for the masking engine: maxtrace=12000  maxmcode=65536", 1, true), out)
    assert.is_truthy(out:find("flushes 0\n", 1, true), out)
  end)

  it("a parameter LuaJIT refuses is logged as an error, and the worker starts", function()
    local out = run("maxtrace=lots", "luajit.tuneJit()\nprint('started')")
    assert.is_truthy(out:find("err: LuaJIT refused the parameters 'maxtrace=lots' (AWS_MASKER_LUAJIT): ", 1, true), out)
    assert.is_truthy(out:find("started\n", 1, true), out)
  end)
end)
