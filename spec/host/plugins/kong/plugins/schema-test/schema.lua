local typedefs = require "kong.db.schema.typedefs"
return { name = "schema-test", fields = {
  { consumer = typedefs.no_consumer }, { protocols = typedefs.protocols_http },
  { config = { type = "record", fields = {
    { secret = { type = "string", required = true, referenceable = true, len_min = 16 } },
    { redis_host = { type = "string", referenceable = true } },
    { redis_port = typedefs.port { default = 6379 } },
    { mode = { type = "string", default = "mask", one_of = { "mask", "off" } } },
    { ttl = { type = "integer", default = 60, gt = 0 } },
    { prefix = { type = "string", default = "AWS_", match = "^[A-Z_]+$" } },
    { kinds = { type = "array", default = { "ec2", "s3" }, elements = { type = "string", one_of = { "ec2", "s3", "arn" } } } },
    { labels = { type = "map", keys = { type = "string" }, values = { type = "string" } } },
    { limits = { type = "record", fields = {
      { max_body = { type = "integer", default = 1048576, between = { 1, 104857600 } } },
    } } },
  } } } } }
