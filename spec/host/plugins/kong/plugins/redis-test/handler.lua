-- Uses resty.redis (Debian's nginx.redis behind the host's preload) from access,
-- i.e. cosockets inside the host's per-plugin coroutine.
local redis = require "resty.redis"
local H = { PRIORITY = 850, VERSION = "1.0.0" }
function H:access(conf)
  local red = redis:new()
  red:set_timeouts(conf.timeout_ms, conf.timeout_ms, conf.timeout_ms)
  local ok, err = red:connect(conf.host, tonumber(conf.port))
  if not ok then
    kong.log.warn("redis unavailable: ", err)
    return kong.response.exit(503, { message = "redis unavailable" })
  end
  local n = assert(red:incr("host-test-counter"))
  red:set_keepalive(10000, 10)
  kong.service.request.set_header("X-Count", n)
  kong.service.request.set_header("X-Env-Port", os.getenv("AWS_MASKER_REDIS_PORT") or "unset")
end
return H
