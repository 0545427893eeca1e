local H = { PRIORITY = 500, VERSION = "1.0.0" }
function H:access(conf)
  kong.service.request.set_header("X-Tag", conf.tag)
  kong.service.request.set_header("X-Tag-Scope", (conf.route_id and "route" or conf.service_id and "service" or "global"))
end
return H
