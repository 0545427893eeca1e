-- Custom-pattern finder for plain LuaJIT (busted, scorer), with the contract of the engine's RegexFind:
-- find(pattern, subject, from) -> { start, end } (0-based, end exclusive) or nil.
-- Inside nginx the plugin uses ngx.re.find(subject, pattern, "jo", ctx) instead; this stands in for it (PCRE2 via
-- lua-rex-pcre2, Debian package lua-rex-pcre2).
-- Missing, it fails loudly: custom patterns must not be skipped silently (scripts/setup.sh installs it).
local ok, rex = pcall(require, "rex_pcre2")
if not ok then error("lua-rex-pcre2 is not installed (run scripts/setup.sh): " .. tostring(rex)) end

local cache = {}

return function(pattern, subject, from)
  local re = cache[pattern]
  if re == nil then
    re = rex.new(pattern)
    cache[pattern] = re
  end
  local s, e = re:find(subject, from + 1)
  if s == nil then return nil end
  return { s - 1, e }
end
