-- Test plugin standing in for Kong's key-auth with hide_credentials = true (PRIORITY 1250, before aws-masker):
-- authenticates the x-api-key header as consumer "consumer-<key>" with credential "credential-<key>" and removes the
-- header before later plugins run, as key-auth does.
local H = { PRIORITY = 1250, VERSION = "1.0.0" }

function H:access(conf)
  local key = kong.request.get_header("x-api-key")
  if not key or key == "" then
    return kong.response.exit(401, { message = "No API key found in request" })
  end
  local consumer = conf.with_consumer and { id = "consumer-" .. key, username = key } or nil
  kong.client.authenticate(consumer, { id = "credential-" .. key, key = key })
  kong.service.request.clear_header("x-api-key")
  -- later plugins read the request headers through ngx: key-auth's hide_credentials removes it there too
  ngx.req.clear_header("x-api-key")
end

return H
