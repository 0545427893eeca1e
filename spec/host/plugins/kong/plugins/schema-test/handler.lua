local cjson = require "cjson.safe"
local H = { PRIORITY = 100, VERSION = "1.0.0" }
local first_conf
function H:access(conf)
  first_conf = first_conf or conf
  local copy = {}
  for k, v in pairs(conf) do copy[k] = v end
  kong.response.exit(200, { conf = copy, same_table = (first_conf == conf) })
end
return H
