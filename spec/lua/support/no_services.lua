-- The services the plugin's modules reach in a worker, as the unit specs' fake ngx has them: no Redis (every connect
-- fails, as with Redis down), and semaphores that never wait (one request at a time here).
package.preload["resty.redis"] = function() return { new = function() return nil, "no redis in unit tests" end } end
package.preload["ngx.semaphore"] = function()
  return { new = function() return { wait = function() return true end, post = function() end, count = function() return 0 end } end }
end
