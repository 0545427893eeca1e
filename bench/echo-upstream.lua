-- bench/echo-upstream.lua: a minimal, fast stand-in for Claude's /v1/messages, used by bench/load.ts.
-- content_by_lua_file in a plain nginx (no Node on the hot path): it answers a Claude-shaped non-streaming message
-- whose text is the LAST user message's text (string content, or its text blocks joined by "\n"), like the mock's
-- echo, so the client can check that the gateway restored every original. X-Bench-Body-Md5 is the md5 of the body it
-- received: equal to the client's body through a plain proxy, different through the gateway (the body was masked).
-- With "stream": true it answers the same text as Server-Sent Events, in text_delta events of DELTA_BYTES bytes (cut
-- anywhere, also inside an identifier's pseudonym, as Claude's deltas are).
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
local DELTA_BYTES = 40

if doc.stream == true then
  local events = {
    'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_01BenchEchoUpstream000000","type":"message",'
      .. '"role":"assistant","model":' .. cjson.encode(model) .. ',"content":[],"stop_reason":null,"stop_sequence":null,'
      .. '"usage":{"input_tokens":' .. math.floor(#body / 4) .. ',"output_tokens":1}}}\n\n',
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  }
  for at = 1, #text, DELTA_BYTES do
    events[#events + 1] = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":'
      .. cjson.encode(text:sub(at, at + DELTA_BYTES - 1)) .. '}}\n\n'
  end
  events[#events + 1] = 'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
  events[#events + 1] = 'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},'
    .. '"usage":{"output_tokens":' .. math.floor(#text / 4) .. '}}\n\n'
  events[#events + 1] = 'event: message_stop\ndata: {"type":"message_stop"}\n\n'
  ngx.header["Content-Type"] = "text/event-stream"
  ngx.header["X-Bench-Body-Md5"] = ngx.md5(body)
  ngx.header["X-Bench-Events"] = #events
  -- X-Bench-Pace: <ms>: the events written one at a time, each flushed, that many ms apart, as Claude sends them (the
  -- gateway then gets about one event per body_filter call); without it one write: a burst, like a fast model
  local pace = tonumber(ngx.var.http_x_bench_pace or "")
  if pace == nil then
    ngx.print(events)
    return
  end
  for _, ev in ipairs(events) do
    ngx.print(ev)
    ngx.flush(true)
    ngx.sleep(pace / 1000)
  end
  return
end

local out = '{"id":"msg_01BenchEchoUpstream000000","type":"message","role":"assistant","model":' .. cjson.encode(model)
  .. ',"content":[{"type":"text","text":' .. cjson.encode(text) .. '}],"stop_reason":"end_turn","stop_sequence":null'
  .. ',"usage":{"input_tokens":' .. math.floor(#body / 4) .. ',"output_tokens":' .. math.floor(#text / 4) .. '}}'

ngx.header["Content-Type"] = "application/json"
ngx.header["Content-Length"] = #out
ngx.header["X-Bench-Body-Md5"] = ngx.md5(body)
ngx.print(out)
