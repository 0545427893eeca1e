-- Kong-style vault references, env vault only ({vault://env/NAME[/key]}).
-- Like Kong's env vault: NAME is upper-cased and "-" becomes "_";
-- "{vault://env/NAME/key}" reads NAME as JSON and returns its `key`.
local _M = {}

function _M.is_reference(v)
  return type(v) == "string" and v:sub(1, 9) == "{vault://" and v:sub(-1) == "}"
end

-- Parses "{vault://env/name/key?opts}" -> { vault = "env", resource = "name", key = "key" }
function _M.parse(ref)
  if not _M.is_reference(ref) then return nil, "not a reference" end
  local body = ref:sub(10, -2)
  body = body:gsub("%?.*$", "")
  local vname, rest = body:match("^([^/]+)/(.+)$")
  if not vname then return nil, "reference must have a vault and a resource: " .. ref end
  local resource, key = rest:match("^([^/]+)/(.+)$")
  if not resource then resource = rest end
  if resource == "" then return nil, "empty resource in reference " .. ref end
  return { vault = vname, resource = resource, key = key }
end

function _M.env_name(resource)
  return (resource:upper():gsub("-", "_"))
end

-- Returns the env variable names referenced by a list of refs.
function _M.env_names(refs)
  local out = {}
  for _, ref in ipairs(refs) do
    local p = _M.parse(ref)
    if p and p.vault == "env" then out[#out + 1] = _M.env_name(p.resource) end
  end
  return out
end

-- getenv is injectable for tests.
function _M.resolve(ref, getenv)
  getenv = getenv or os.getenv
  local p, err = _M.parse(ref)
  if not p then return nil, err end
  if p.vault ~= "env" then
    return nil, "vault not found (" .. p.vault .. "): only the env vault is supported by this host"
  end
  local name = _M.env_name(p.resource)
  local value = getenv(name)
  if value == nil then
    return nil, "could not get value from external vault (no value found (environment variable " .. name .. "))"
  end
  if p.key then
    local ok, cjson = pcall(require, "cjson.safe")
    local obj = ok and cjson.decode(value)
    if type(obj) ~= "table" then return nil, "could not decode JSON in " .. name end
    local v = obj[p.key]
    if v == nil then return nil, "key " .. p.key .. " not found in " .. name end
    return tostring(v)
  end
  return value
end

return _M
