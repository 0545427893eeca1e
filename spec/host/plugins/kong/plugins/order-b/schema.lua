local typedefs = require "kong.db.schema.typedefs"
return { name = "order-b", fields = {
  { consumer = typedefs.no_consumer }, { protocols = typedefs.protocols_http },
  { config = { type = "record", fields = {} } } } }
