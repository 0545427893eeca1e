-- A stand-in for Kong's log plugins (file-log, http-log): runs after aws-masker (priority like file-log's) and
-- appends kong.log.serialize() as one JSON line to conf.path. In access it also sets values with each mode of
-- kong.log.set_serialize_value, to check the host applies them like Kong.
local cjson = require "cjson.safe"

local H = { PRIORITY = 9, VERSION = "1.0.0" }

function H:access(conf)
  kong.log.set_serialize_value("capture.set", 1)
  kong.log.set_serialize_value("capture.set", 2, { mode = "add" })        -- present: unchanged
  kong.log.set_serialize_value("capture.added", 3, { mode = "add" })
  kong.log.set_serialize_value("capture.absent", 4, { mode = "replace" }) -- absent: not set
  kong.log.set_serialize_value("capture.dotted\\.key", 5)
  kong.log.set_serialize_value("capture.gone", 6)
  kong.log.set_serialize_value("capture.gone", nil)
end

function H:log(conf)
  local f = assert(io.open(conf.path, "a"))
  f:write(cjson.encode(kong.log.serialize()), "\n")
  f:close()
end

return H
