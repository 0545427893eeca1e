-- Route matching with Kong's traditional semantics (pure Lua; regexes via an
-- injectable `re_match(subject, regex)` -> captures table or nil).
--  * a plain path is a PREFIX match ("/v1" matches "/v1beta"); longest wins;
--  * a path starting with "~" is a regex anchored at the start of the path;
--  * regex paths are tried before prefix paths, by regex_priority then order;
--  * routes that also match on methods/hosts beat routes that don't;
--  * strip_path (default true) removes the matched part before the service path.
local _M = {}
_M.__index = _M

local function upper_set(list)
  if not list then return nil end
  local s = {}
  for _, m in ipairs(list) do s[m:upper()] = true end
  return s
end

local function host_matches(hosts, host)
  if not hosts then return true end
  host = (host or ""):lower():gsub(":%d+$", "")
  for _, h in ipairs(hosts) do
    h = h:lower()
    if h == host then return true end
    if h:sub(1, 2) == "*." and host:sub(-(#h - 1)) == h:sub(2) then return true end
    if h:sub(-2) == ".*" and host:sub(1, #h - 1) == h:sub(1, -2) then return true end
  end
  return false
end

function _M.new(routes, opts)
  opts = opts or {}
  local self = setmetatable({ entries = {}, re_match = opts.re_match }, _M)
  for idx, r in ipairs(routes) do
    local methods = upper_set(r.methods)
    local specificity = (methods and 1 or 0) + (r.hosts and 1 or 0) + (r.headers and 1 or 0)
    local paths = r.paths
    if not paths or #paths == 0 then paths = { false } end
    for _, p in ipairs(paths) do
      local e = {
        route = r, methods = methods, hosts = r.hosts, specificity = specificity,
        regex_priority = r.regex_priority or 0, order = idx,
      }
      if p == false then
        e.kind, e.len = "none", 0
      elseif p:sub(1, 1) == "~" then
        e.kind, e.regex = "regex", "^(?:" .. p:sub(2) .. ")"
        e.len = 0
      else
        e.kind, e.prefix, e.len = "prefix", p, #p
      end
      self.entries[#self.entries + 1] = e
    end
  end
  table.sort(self.entries, function(a, b)
    if a.specificity ~= b.specificity then return a.specificity > b.specificity end
    local ka = a.kind == "regex" and 2 or (a.kind == "prefix" and 1 or 0)
    local kb = b.kind == "regex" and 2 or (b.kind == "prefix" and 1 or 0)
    if ka ~= kb then return ka > kb end
    if a.kind == "regex" and a.regex_priority ~= b.regex_priority then
      return a.regex_priority > b.regex_priority
    end
    if a.len ~= b.len then return a.len > b.len end
    return a.order < b.order
  end)
  return self
end

-- Returns route, matched_path_prefix (the part stripped by strip_path), captures
function _M:match(method, path, host)
  method = method and method:upper()
  for _, e in ipairs(self.entries) do
    if (not e.methods or e.methods[method]) and host_matches(e.hosts, host) then
      if e.kind == "prefix" then
        if path:sub(1, e.len) == e.prefix then return e.route, e.prefix end
      elseif e.kind == "regex" then
        local m = self.re_match and self.re_match(path, e.regex)
        if m then return e.route, m[0] or "", m end
      else
        return e.route, ""
      end
    end
  end
  return nil
end

-- Kong's path_handling "v0" join of the service path and the request path
-- after stripping.
function _M.upstream_path(route, service_path, request_path, matched)
  local postfix = request_path
  if route.strip_path ~= false and matched and matched ~= "" then
    postfix = request_path:sub(#matched + 1)
  end
  local base = service_path or "/"
  if base == "" then base = "/" end
  local sub = postfix:sub(1, 1) == "/" and postfix or ("/" .. postfix)
  if base == "/" then
    return sub
  end
  if postfix == "" then
    return base
  end
  if base:sub(-1) == "/" then
    return base .. sub:sub(2)
  end
  return base .. sub
end

return _M
