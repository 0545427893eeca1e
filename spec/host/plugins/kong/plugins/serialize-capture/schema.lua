local typedefs = require "kong.db.schema.typedefs"
return { name = "serialize-capture", fields = {
  { consumer = typedefs.no_consumer }, { protocols = typedefs.protocols_http },
  { config = { type = "record", fields = { { path = { type = "string", required = true } } } } } } }
