local typedefs = require "kong.db.schema.typedefs"
return { name = "fake-key-auth", fields = {
  { consumer = typedefs.no_consumer }, { protocols = typedefs.protocols_http },
  { config = { type = "record", fields = {
    { with_consumer = { type = "boolean", default = false, description = "also authenticate a consumer" } },
  } } } } }
