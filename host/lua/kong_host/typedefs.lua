-- Minimal kong.db.schema.typedefs for plugin schemas run on the host.
-- Each typedef is a table; calling it with overrides returns a copy
-- (Kong's typedefs are callable the same way: typedefs.port { default = 6379 }).
local null = (ngx and ngx.null) or setmetatable({}, { __tostring = function() return "null" end })

local function deepcopy(v)
  if type(v) ~= "table" then return v end
  local t = {}
  for k, x in pairs(v) do t[k] = deepcopy(x) end
  return t
end

local mt = {
  __call = function(self, overrides)
    local t = deepcopy(self)
    for k, v in pairs(overrides or {}) do t[k] = v end
    return setmetatable(t, getmetatable(self))
  end,
}

local function def(t) return setmetatable(t, mt) end

local T = {}
local http_protocols = { "http", "https" }
local all_protocols = { "http", "https", "tcp", "tls", "udp", "grpc", "grpcs", "ws", "wss", "tls_passthrough" }

T.no_consumer = def { type = "foreign", reference = "consumers", eq = null, eq_null = true }
T.no_route = def { type = "foreign", reference = "routes", eq = null, eq_null = true }
T.no_service = def { type = "foreign", reference = "services", eq = null, eq_null = true }
T.no_consumer_group = def { type = "foreign", reference = "consumer_groups", eq = null, eq_null = true }
T.protocols_http = def {
  type = "set", required = true, default = { "grpc", "grpcs", "http", "https" },
  elements = { type = "string", one_of = { "grpc", "grpcs", "http", "https" } },
}
T.protocols = def {
  type = "set", required = true, default = { "grpc", "grpcs", "http", "https" },
  elements = { type = "string", one_of = all_protocols },
}
T.http_method = def { type = "string", match = "^%u+$" }
T.protocol = def { type = "string", one_of = all_protocols }
T.port = def { type = "integer", between = { 0, 65535 } }
T.host = def { type = "string", len_min = 1 }
T.host_with_optional_port = def { type = "string", len_min = 1 }
T.ip = def { type = "string" }
T.path = def { type = "string", match = "^/" }
T.url = def { type = "string", match = "^https?://" }
T.timeout = def { type = "integer", between = { 0, 2147483646 } }
T.uuid = def { type = "string", uuid = true }
T.name = def { type = "string", len_min = 1 }
T.tag = def { type = "string" }
T.tags = def { type = "set", elements = { type = "string" } }
T.header_name = def { type = "string", match = "^[%w%-_]+$" }
T.lua_code = def { type = "map", keys = { type = "string" }, values = { type = "string" } }
T.semantic_version = def { type = "string", match = "^%d+%.%d+%.%d+" }
T.auto_timestamp_s = def { type = "integer" }
T.auto_timestamp_ms = def { type = "number" }
T.sni = def { type = "string" }
T.certificate = def { type = "string" }
T.key = def { type = "string" }
T.redis_host = T.host

return T
