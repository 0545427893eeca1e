-- shared body of the order-a / order-b test plugins
return function(name, priority)
  local H = { PRIORITY = priority, VERSION = "0.1.0" }
  function H:access(conf)
    local cur = kong.request.get_header("X-Order") or ""
    kong.service.request.set_header("X-Order", cur .. name .. ",")
    kong.ctx.plugin.seen = name
    kong.ctx.shared.order = (kong.ctx.shared.order or "") .. name .. ","
    if kong.request.get_header("X-Exit-" .. name) then
      kong.response.exit(418, { message = "exit from " .. name })
      error("unreachable: exit must not return")
    end
  end
  function H:header_filter(conf)
    local cur = kong.response.get_header("X-Resp-Order") or ""
    kong.response.set_header("X-Resp-Order", cur .. name .. "(" .. tostring(kong.ctx.plugin.seen) .. "),")
  end
  function H:log(conf)
    kong.log.notice("log ", name, " source=", kong.response.get_source(), " ctx=", tostring(kong.ctx.plugin.seen))
  end
  return H
end
