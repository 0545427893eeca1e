local typedefs = require "kong.db.schema.typedefs"
return { name = "redis-test", fields = {
  { consumer = typedefs.no_consumer }, { protocols = typedefs.protocols_http },
  { config = { type = "record", fields = {
    { host = { type = "string", required = true, referenceable = true } },
    { port = { type = "string", required = true, referenceable = true } },
    { timeout_ms = typedefs.timeout { default = 500 } },
  } } } } }
