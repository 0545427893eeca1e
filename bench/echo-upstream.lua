-- bench/echo-upstream.lua: a minimal, fast stand-in for Claude's /v1/messages, used by bench/latency.ts.
-- content_by_lua_file in a plain nginx (no Node on the hot path): it answers a Claude-shaped non-streaming message
-- whose text is the LAST user message's text (string content, or its text blocks joined by "\n"), like the mock's
-- echo, so the client can check that the gateway restored every original. X-Bench-Body-Md5 is the md5 of the body it
-- received: equal to the client's body through a plain proxy, different through the gateway (the body was masked).
local cjson = require "cjson.safe"

ngx.req.read_body()
local body = ngx.req.get_body_data()
if body == nil then
  local file = ngx.req.get_body_file()
  if file ~= nil then
    local f = io.open(file, "rb")
    if f ~= nil then
      body = f:read("*a")
      f:close()
    end
  end
end
body = body or ""

local doc = cjson.decode(body)
if type(doc) ~= "table" then
  ngx.status = 400
  ngx.header["Content-Type"] = "application/json"
  ngx.print('{"type":"error","error":{"type":"invalid_request_error","message":"echo-upstream: body is not JSON"}}')
  return
end

local text = ""
local messages = doc.messages
if type(messages) == "table" then
  for i = #messages, 1, -1 do
    local m = messages[i]
    if type(m) == "table" and m.role == "user" then
      local c = m.content
      if type(c) == "string" then
        text = c
      elseif type(c) == "table" then
        local parts = {}
        for _, b in ipairs(c) do
          if type(b) == "table" and b.type == "text" and type(b.text) == "string" then parts[#parts + 1] = b.text end
        end
        text = table.concat(parts, "\n")
      end
      break
    end
  end
end

local model = type(doc.model) == "string" and doc.model or "claude-sonnet-5"
local out = '{"id":"msg_01BenchEchoUpstream000000","type":"message","role":"assistant","model":' .. cjson.encode(model)
  .. ',"content":[{"type":"text","text":' .. cjson.encode(text) .. '}],"stop_reason":"end_turn","stop_sequence":null'
  .. ',"usage":{"input_tokens":' .. math.floor(#body / 4) .. ',"output_tokens":' .. math.floor(#text / 4) .. '}}'

ngx.header["Content-Type"] = "application/json"
ngx.header["Content-Length"] = #out
ngx.header["X-Bench-Body-Md5"] = ngx.md5(body)
ngx.print(out)
