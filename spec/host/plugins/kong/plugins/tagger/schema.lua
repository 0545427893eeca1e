local typedefs = require "kong.db.schema.typedefs"
return { name = "tagger", fields = {
  { consumer = typedefs.no_consumer }, { protocols = typedefs.protocols_http },
  { config = { type = "record", fields = { { tag = { type = "string", required = true } } } } } } }
