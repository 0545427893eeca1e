-- Runs the detection corpus through the compiled Lua engine (scripts/score-detection.ts spawns this and compares
-- every output with Node's byte for byte).
-- usage: luajit spec/lua/support/score.lua <manifest> <outdir>
-- manifest lines: <mode>\t<path>\t<index>   (mode: text | json | claude)
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local hmac = require "hmac"
local regex = require "regex"
local E = require "kong.plugins.aws-masker.engine.index"

local manifest, outdir = arg[1], arg[2]
local nocustom = arg[3] == "nocustom"
local cfg = {
  secret = "corpus-demo-secret",
  customPatterns = (not nocustom) and { { name = "ticket", pattern = "TICKET-[0-9]{4,}" } } or nil,
}
local m = E.createMasker(cfg, hmac, regex)
local policy = E.policyFor("/v1/other")
local claude = E.policyFor("/v1/messages")

local slurp = require "fixture"

local function spit(p, s)
  local f = assert(io.open(p, "wb"))
  f:write(s)
  f:close()
end

for line in io.lines(manifest) do
  local mode, path, idx = line:match("^(%a+)\t([^\t]+)\t(%d+)$")
  local text = slurp(path)
  local sess = E.newSession(m, "corpus")
  local out
  if mode ~= "text" then
    local r = E.maskJson(sess, text, mode == "claude" and claude or policy)
    out = r.text or ("JSON ERROR " .. tostring(r.error))
  else
    out = E.maskText(sess, text, "")
  end
  spit(outdir .. "/" .. idx .. ".out", out)
  local lines = {}
  for _, e in ipairs(sess.entries) do lines[#lines + 1] = e.kind .. "\31" .. e.original .. "\31" .. e.pseudonym end
  spit(outdir .. "/" .. idx .. ".entries", table.concat(lines, "\30"))
end
print(regex and "lua custom patterns: rex_pcre2" or "lua custom patterns: unavailable")
