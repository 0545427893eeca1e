-- Kong-compatible plugin schema validation for the aws-masker host.
-- Pure Lua (no ngx needed): regex validators use ngx.re when present, else
-- an injectable `re_find` (busted specs).  Error messages follow Kong's
-- wording ("expected an integer", "required field missing", ...).
local vault = require "kong_host.vault"

local _M = {}

local type, pairs, ipairs, tostring, tonumber = type, pairs, ipairs, tostring, tonumber
local fmt, concat = string.format, table.concat
local floor, huge = math.floor, math.huge

-- Kong's `null` (ngx.null / cjson.null) is a lightuserdata sentinel.
local function is_null(v)
  return v ~= nil and type(v) == "userdata"
end

local function re_find(s, re)
  if _M.re_find then return _M.re_find(s, re) end
  if ngx and ngx.re then
    local from, _, err = ngx.re.find(s, re, "jo")
    if err then return nil, err end
    return from ~= nil
  end
  return nil, "no regex engine available"
end

local function field_name(f)
  local k = next(f)
  return k, f[k]
end
_M.field_name = field_name

local function deepcopy(v)
  if type(v) ~= "table" then return v end
  local t = {}
  for k, x in pairs(v) do t[k] = deepcopy(x) end
  return setmetatable(t, getmetatable(v))
end
_M.deepcopy = deepcopy

local function is_array(t)
  if type(t) ~= "table" then return false end
  local mt = getmetatable(t)
  if mt and mt.__jsontype == "object" then return false end
  local n = 0
  for k in pairs(t) do
    if type(k) ~= "number" or k < 1 or floor(k) ~= k then return false end
    n = n + 1
  end
  for i = 1, n do if t[i] == nil then return false end end
  return true
end
_M.is_array = is_array

local function is_map(t)
  if type(t) ~= "table" then return false end
  for k in pairs(t) do if type(k) ~= "string" then return false end end
  return true
end

local function join_values(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = tostring(v) end
  return concat(out, ", ")
end

-- Validators shared by every scalar type (applied after the type check).
local function run_validators(f, v)
  if f.one_of then
    local ok = false
    for _, x in ipairs(f.one_of) do if x == v then ok = true break end end
    if not ok then return nil, "expected one of: " .. join_values(f.one_of) end
  end
  if f.not_one_of then
    for _, x in ipairs(f.not_one_of) do
      if x == v then return nil, "must not be one of: " .. join_values(f.not_one_of) end
    end
  end
  if f.between then
    if v < f.between[1] or v > f.between[2] then
      return nil, fmt("value should be between %s and %s", tostring(f.between[1]), tostring(f.between[2]))
    end
  end
  if f.gt ~= nil and not (v > f.gt) then
    return nil, "value must be greater than " .. tostring(f.gt)
  end
  if type(v) == "string" or type(v) == "table" then
    local len = #v
    if type(v) == "table" and not is_array(v) then
      len = 0
      for _ in pairs(v) do len = len + 1 end
    end
    if f.len_eq and len ~= f.len_eq then
      return nil, "length must be " .. f.len_eq
    end
    if f.len_min and len < f.len_min then
      return nil, "length must be at least " .. f.len_min
    end
    if f.len_max and len > f.len_max then
      return nil, "length must be at most " .. f.len_max
    end
  end
  if type(v) == "string" then
    -- Kong's match/not_match/match_* use Lua patterns (string.find).
    if f.match and not v:find(f.match) then
      return nil, "invalid value: " .. v
    end
    if f.not_match and v:find(f.not_match) then
      return nil, "invalid value: " .. v
    end
    if f.match_all then
      for _, m in ipairs(f.match_all) do
        if not v:find(m.pattern) then return nil, m.err end
      end
    end
    if f.match_none then
      for _, m in ipairs(f.match_none) do
        if v:find(m.pattern) then return nil, m.err end
      end
    end
    if f.match_any then
      local ok = false
      for _, p in ipairs(f.match_any.patterns) do
        if v:find(p) then ok = true break end
      end
      if not ok then return nil, f.match_any.err end
    end
    if f.starts_with and v:sub(1, #f.starts_with) ~= f.starts_with then
      return nil, "should start with: " .. f.starts_with
    end
    if f.is_regex then
      local _, err = re_find("", v)
      if err then return nil, "not a valid regex: " .. v end
    end
    -- Host extension (not in Kong): a PCRE the value must match, via ngx.re.
    if f.pattern then
      local ok, err = re_find(v, f.pattern)
      if err then return nil, "invalid pattern in schema: " .. err end
      if not ok then return nil, "invalid value: " .. v end
    end
    if f.uuid and not v:find("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$") then
      return nil, "expected a valid UUID"
    end
  end
  if f.custom_validator then
    local ok, err = f.custom_validator(v)
    if not ok then return nil, err or "invalid value" end
  end
  return true
end

local validate_field

-- Validates one record (table of fields) in place: applies defaults, checks
-- types, collects every error into `errors[path] = message`.
local function validate_record(fields, value, path, errors, ctx)
  if type(value) ~= "table" or is_array(value) and next(value) ~= nil then
    errors[path ~= "" and path or "@entity"] = "expected a record"
    return value
  end
  local known = {}
  for _, fdef in ipairs(fields) do
    local name, f = field_name(fdef)
    known[name] = true
    local p = path == "" and name or (path .. "." .. name)
    value[name] = validate_field(f, value[name], p, errors, ctx)
  end
  for k in pairs(value) do
    if not known[k] then
      errors[path == "" and tostring(k) or (path .. "." .. tostring(k))] = "unknown field"
    end
  end
  return value
end

validate_field = function(f, v, path, errors, ctx)
  if is_null(v) then v = nil end
  if v == nil then
    if f.default ~= nil then
      v = deepcopy(f.default)
      if is_null(v) then v = nil end
    elseif f.type == "record" and f.fields then
      -- Kong builds absent records from their sub-field defaults.
      v = {}
    end
  end
  if v == nil then
    if f.required then errors[path] = "required field missing" end
    return nil
  end
  local t = f.type
  if t == "string" then
    if type(v) ~= "string" then errors[path] = "expected a string" return v end
    if f.referenceable and vault.is_reference(v) then
      ctx.refs[#ctx.refs + 1] = path
      return v -- like Kong: references skip value validators
    end
    if f.len_min == nil and v == "" then
      -- Kong strings have an implicit len_min = 1
      errors[path] = "length must be at least 1"
      return v
    end
  elseif t == "integer" then
    if type(v) ~= "number" or floor(v) ~= v or v == huge or v == -huge then
      errors[path] = "expected an integer" return v
    end
  elseif t == "number" then
    if type(v) ~= "number" or v ~= v then errors[path] = "expected a number" return v end
  elseif t == "boolean" then
    if type(v) ~= "boolean" then errors[path] = "expected a boolean" return v end
  elseif t == "array" or t == "set" then
    if type(v) ~= "table" or not is_array(v) then
      errors[path] = t == "set" and "expected a set" or "expected an array"
      return v
    end
    local seen = {}
    local out = {}
    for i, e in ipairs(v) do
      local ev = validate_field(f.elements or { type = "string" }, e, path .. "." .. i, errors, ctx)
      if t == "set" then
        if ev ~= nil and not seen[ev] then seen[ev] = true out[#out + 1] = ev end
      else
        out[i] = ev
      end
    end
    v = out
  elseif t == "map" then
    if not is_map(v) then errors[path] = "expected a map" return v end
    for k, e in pairs(v) do
      if f.keys then
        local kerrs = {}
        validate_field(f.keys, k, path, kerrs, ctx)
        for _, m in pairs(kerrs) do errors[path .. "." .. tostring(k)] = "invalid key: " .. m end
      end
      v[k] = validate_field(f.values or { type = "string" }, e, path .. "." .. tostring(k), errors, ctx)
    end
  elseif t == "record" then
    v = validate_record(f.fields or {}, v, path, errors, ctx)
    if f.entity_checks then _M.run_entity_checks(f.entity_checks, v, path, errors) end
    return v
  elseif t == "foreign" or t == "function" then
    return v
  elseif t ~= nil then
    errors[path] = "unsupported field type in schema: " .. tostring(t)
    return v
  end
  local ok, err = run_validators(f, v)
  if not ok then errors[path] = err end
  return v
end

local function get_path(tbl, dotted)
  local cur = tbl
  for part in dotted:gmatch("[^%.]+") do
    if type(cur) ~= "table" then return nil end
    cur = cur[part]
  end
  if is_null(cur) then return nil end
  return cur
end

-- Kong entity checks on a record (paths relative to the record).
function _M.run_entity_checks(checks, rec, path, errors)
  local prefix = path == "" and "" or (path .. ".")
  for _, check in ipairs(checks) do
    local name, arg = next(check)
    if name == "at_least_one_of" then
      local found = false
      for _, fname in ipairs(arg) do if get_path(rec, fname) ~= nil then found = true end end
      if not found then
        errors[path ~= "" and path or "@entity"] = "at least one of these fields must be non-empty: " .. concat(arg, ", ")
      end
    elseif name == "only_one_of" then
      local n = 0
      for _, fname in ipairs(arg) do if get_path(rec, fname) ~= nil then n = n + 1 end end
      if n > 1 then
        errors[path ~= "" and path or "@entity"] = "only one of these fields must be non-empty: " .. concat(arg, ", ")
      end
    elseif name == "mutually_required" then
      local n = 0
      for _, fname in ipairs(arg) do if get_path(rec, fname) ~= nil then n = n + 1 end end
      if n > 0 and n < #arg then
        errors[path ~= "" and path or "@entity"] = "all or none of these fields must be set: " .. concat(arg, ", ")
      end
    elseif name == "conditional" then
      local iv = get_path(rec, arg.if_field)
      local ierrs = {}
      if iv ~= nil then validate_field(arg.if_match, iv, "x", ierrs, { refs = {} }) end
      if iv ~= nil and next(ierrs) == nil then
        local tv = get_path(rec, arg.then_field)
        local terrs = {}
        validate_field(arg.then_match, tv, "x", terrs, { refs = {} })
        if terrs.x then errors[prefix .. arg.then_field] = terrs.x end
      end
    elseif name == "custom_entity_check" then
      local values = {}
      for _, fname in ipairs(arg.field_sources or {}) do values[fname] = get_path(rec, fname) end
      local ok, err = arg.fn(values)
      if not ok then errors[path ~= "" and path or "@entity"] = err or "entity check failed" end
    end
  end
end

local function sorted_errors(errors)
  local keys = {}
  for k in pairs(errors) do keys[#keys + 1] = k end
  table.sort(keys)
  local out = {}
  for i, k in ipairs(keys) do out[i] = k .. ": " .. errors[k] end
  return out
end
_M.sorted_errors = sorted_errors

-- Validates a plugin entity { name, config, consumer?, ... } against a Kong
-- plugin schema.  Returns the validated config (defaults applied, references
-- still unresolved), the list of referenceable paths holding references, or
-- nil plus a list of "field: message" strings.
function _M.validate_plugin(schema, plugin)
  if type(schema) ~= "table" or type(schema.fields) ~= "table" then
    return nil, { "schema: a plugin schema needs `name` and `fields`" }
  end
  local errors = {}
  local ctx = { refs = {} }
  local config_field
  for _, fdef in ipairs(schema.fields) do
    local name, f = field_name(fdef)
    if name == "config" then
      config_field = f
    elseif name == "consumer" and f.eq == nil and f.type == "foreign" and f.eq_null then
      if plugin.consumer ~= nil and not is_null(plugin.consumer) then
        errors.consumer = "value must be null"
      end
    elseif name == "consumer" and f.eq ~= nil then
      -- typedefs.no_consumer uses `eq = null`
      if plugin.consumer ~= nil and not is_null(plugin.consumer) then
        errors.consumer = "value must be null"
      end
    elseif name == "protocols" and plugin.protocols ~= nil then
      validate_field(f, deepcopy(plugin.protocols), "protocols", errors, ctx)
    end
  end
  if not config_field then
    return nil, { "schema: plugin schema has no `config` field" }
  end
  local conf = deepcopy(plugin.config or {})
  conf = validate_field(config_field, conf, "config", errors, ctx)
  if schema.entity_checks then
    local entity = { config = conf }
    _M.run_entity_checks(schema.entity_checks, entity, "", errors)
  end
  if next(errors) ~= nil then return nil, sorted_errors(errors) end
  return conf, ctx.refs
end

-- Replaces every reference (found at `refs` paths like "config.secret")
-- by its resolved value.  `resolve(ref)` returns value or nil, err.
-- Like Kong, an unresolvable reference becomes "" with a warning; the second
-- return value maps each such path to the reason (for check_resolved).
function _M.resolve_references(conf, refs, resolve, warn)
  local unresolved = {}
  for _, path in ipairs(refs) do
    local parts = {}
    for part in path:gmatch("[^%.]+") do parts[#parts + 1] = part end
    local cur = { config = conf }
    for i = 1, #parts - 1 do
      local k = parts[i]
      cur = cur[k] or cur[tonumber(k)]
    end
    local last = parts[#parts]
    local key = cur[last] ~= nil and last or tonumber(last)
    local ref = cur[key]
    local value, err = resolve(ref)
    if value == nil then
      if warn then warn(fmt("unable to resolve reference %s (%s)", ref, tostring(err))) end
      unresolved[path] = fmt("vault reference %s could not be resolved (%s)", ref, tostring(err))
      value = ""
    end
    cur[key] = value
  end
  return conf, unresolved
end

-- The definition of the field at a dotted path ("config.secret") of a plugin schema (through records only).
local function field_at(schema, dotted)
  local fields, f = schema.fields, nil
  for part in dotted:gmatch("[^%.]+") do
    if not fields then return nil end
    f = nil
    for _, fdef in ipairs(fields) do
      local name, def = field_name(fdef)
      if name == part then f = def break end
    end
    if not f then return nil end
    fields = f.type == "record" and f.fields or nil
  end
  return f
end

-- Host-only, at startup: resolved references are checked like literal values (Kong checks neither, so a plugin
-- would start and then fail every request). A required field whose reference did not resolve (or resolved to "")
-- and a resolved value its validators reject are errors; an optional field left "" is accepted, as in Kong.
-- Returns a list of "path: message" strings (empty when all is well); values are never part of a message.
function _M.check_resolved(schema, conf, refs, unresolved)
  local out = {}
  for _, path in ipairs(refs) do
    local f = field_at(schema, path)
    local v = get_path({ config = conf }, path)
    if f then
      if v == nil or v == "" then
        if f.required then
          out[#out + 1] = path .. ": " .. (unresolved and unresolved[path] or "vault reference resolved to an empty value")
        end
      else
        local errors = {}
        validate_field(f, v, path, errors, { refs = {} })
        for _, m in ipairs(sorted_errors(errors)) do out[#out + 1] = m .. " (value from a vault reference)" end
      end
    end
  end
  return out
end

return _M
