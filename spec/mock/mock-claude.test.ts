import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import http from "node:http";
import zlib from "node:zlib";
import { spawn } from "node:child_process";
import path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import {
  startMockClaude,
  signThinking,
  echoTextOf,
  DEFAULT_THINKING_SECRET,
  type MockClaude,
} from "../harness/mock-claude";
import { parseSSE, assembleMessage, type SSEEvent } from "../harness/sse";

let mock: MockClaude;
let client: Anthropic;

beforeAll(async () => {
  mock = await startMockClaude({ port: 0 });
  client = new Anthropic({ apiKey: "test", baseURL: mock.url, maxRetries: 0 });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

interface RawResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  chunks: Buffer[];
  body: Buffer;
  complete: boolean;
  error?: Error;
}

/** Raw HTTP so tests see bytes, chunking and connection aborts exactly. */
function raw(
  method: string,
  p: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${mock.url}${p}`,
      { method, headers: { "x-api-key": "test", "content-type": "application/json", ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        let error: Error | undefined;
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (e) => (error = e));
        res.on("close", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            chunks,
            body: Buffer.concat(chunks),
            complete: res.complete,
            error,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const msgBody = (text: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "claude-sonnet-5-5",
    max_tokens: 100,
    messages: [{ role: "user", content: text }],
    ...extra,
  });

/** Drop the per-request random parts (message id, tool_use ids) so two answers can be compared. */
function normalizeEvents(evs: SSEEvent[]) {
  return evs.map((e) => {
    const d = structuredClone(e.data);
    if (d.type === "message_start") d.message.id = "X";
    if (d.type === "content_block_start" && d.content_block.type === "tool_use") d.content_block.id = "X";
    return { event: e.event, data: d };
  });
}
const stripIds = (content: any[]) => content.map((b) => (b.type === "tool_use" ? { ...b, id: "X" } : b));

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("mock-claude: plain JSON", () => {
  it("echoes the last user message text and records the request exactly", async () => {
    const body = JSON.stringify({
      model: "claude-sonnet-5-5",
      max_tokens: 50,
      messages: [
        { role: "user", content: "first turn i-0aaaaaaaaaaaaaaaa" },
        { role: "assistant", content: [{ type: "text", text: "ok" }] },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "result vpc-12345678" },
            { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "text", text: "nested sg-0123abcd" }] },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
            { type: "text", text: "look at i-0123456789abcdef0 please" },
          ],
        },
      ],
    });
    const r = await raw("POST", "/v1/messages?beta=true", body);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["request-id"]).toMatch(/^req_/);
    expect(r.headers["anthropic-organization-id"]).toBeTruthy();
    expect(Number(r.headers["content-length"])).toBe(r.body.length);
    const j = JSON.parse(r.body.toString());
    expect(j).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-sonnet-5-5",
      stop_reason: "end_turn",
      stop_sequence: null,
      content: [
        { type: "text", text: "Echo: result vpc-12345678\nnested sg-0123abcd\nlook at i-0123456789abcdef0 please" },
      ],
    });
    expect(j.id).toMatch(/^msg_[0-9a-f]+$/);
    expect(j.usage).toEqual({
      input_tokens: Math.ceil(Buffer.byteLength(body) / 4),
      output_tokens: expect.any(Number),
    });
    expect(mock.received).toHaveLength(1);
    expect(mock.received[0]).toMatchObject({ method: "POST", path: "/v1/messages?beta=true", body });
    expect(mock.received[0].headers["x-api-key"]).toBe("test");
    expect(echoTextOf(JSON.parse(body))).toBe(j.content[0].text.slice("Echo: ".length));
  });

  it("records gzip request bodies decompressed", async () => {
    const body = msgBody("gzipped bucket my-bucket-1");
    const r = await raw("POST", "/v1/messages", zlib.gzipSync(body), { "content-encoding": "gzip" });
    expect(r.status).toBe(200);
    expect(mock.received[0].body).toBe(body);
    expect(JSON.parse(r.body.toString()).content[0].text).toBe("Echo: gzipped bucket my-bucket-1");
  });

  it("gzips JSON answers when the client accepts gzip (like the real API), unless nogzip", async () => {
    const r = await raw("POST", "/v1/messages", msgBody("zip me"), { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(Number(r.headers["content-length"])).toBe(r.body.length);
    expect(JSON.parse(zlib.gunzipSync(r.body).toString()).content[0].text).toBe("Echo: zip me");
    const r2 = await raw("POST", "/v1/messages", msgBody("zip me"), {
      "accept-encoding": "gzip",
      "x-mock-scenario": "nogzip",
    });
    expect(r2.headers["content-encoding"]).toBeUndefined();
    const r3 = await raw("POST", "/v1/messages", msgBody("zip me"), { "accept-encoding": "gzip;q=0, identity" });
    expect(r3.headers["content-encoding"]).toBeUndefined();
  });

  it("answers HEAD /, GET /, GET /v1/models and 404s anything else with the error shape", async () => {
    expect((await raw("HEAD", "/")).status).toBe(200);
    expect((await raw("GET", "/")).status).toBe(200);
    const models = await raw("GET", "/v1/models");
    expect(models.status).toBe(200);
    const m = JSON.parse(models.body.toString());
    expect(m.data.length).toBeGreaterThan(0);
    expect(m.data[0]).toMatchObject({ type: "model", id: expect.any(String) });
    const nf = await raw("POST", "/v1/complete", "{}");
    expect(nf.status).toBe(404);
    expect(JSON.parse(nf.body.toString())).toEqual({
      type: "error",
      error: { type: "not_found_error", message: expect.any(String) },
    });
    expect(nf.headers["request-id"]).toMatch(/^req_/);
    expect(mock.received.map((r) => `${r.method} ${r.path}`)).toEqual([
      "HEAD /",
      "GET /",
      "GET /v1/models",
      "POST /v1/complete",
    ]);
  });

  it("count_tokens returns ceil(bytes/4) and needs no max_tokens", async () => {
    const params = { model: "claude-sonnet-5-5", messages: [{ role: "user" as const, content: "count me 😀" }] };
    const res = await client.messages.countTokens(params);
    expect(res.input_tokens).toBe(Math.ceil(Buffer.byteLength(mock.received[0].body) / 4));
    expect(mock.received[0].path).toBe("/v1/messages/count_tokens");
  });
});

describe("mock-claude: errors", () => {
  const cases: [number, string][] = [
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [413, "request_too_large"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [529, "overloaded_error"],
  ];
  it.each(cases)("error-%i has the Anthropic error shape", async (status, type) => {
    const r = await raw("POST", "/v1/messages", msgBody("x"), { "x-mock-scenario": `error-${status}` });
    expect(r.status).toBe(status);
    expect(r.headers["request-id"]).toMatch(/^req_/);
    expect(r.headers["content-type"]).toBe("application/json");
    const j = JSON.parse(r.body.toString());
    expect(j).toEqual({ type: "error", error: { type, message: expect.any(String) } });
    if (status === 429) expect(r.headers["retry-after"]).toBeTruthy();
    expect(mock.received).toHaveLength(1);
  });

  it("the SDK surfaces forced errors as APIError with status and type", async () => {
    const err: any = await client.messages
      .create(
        { model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] },
        { headers: { "x-mock-scenario": "error-529" } },
      )
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.status).toBe(529);
    expect(err.error).toEqual({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    expect(err.requestID).toMatch(/^req_/);
  });

  it("401 without credentials, accepts Authorization: Bearer", async () => {
    const r = await raw("POST", "/v1/messages", msgBody("x"), { "x-api-key": "" });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body.toString()).error.type).toBe("authentication_error");
    const b = await raw("POST", "/v1/messages", msgBody("x"), { "x-api-key": "", authorization: "Bearer abc" });
    expect(b.status).toBe(200);
  });

  it("400 on invalid JSON and on missing model/messages/max_tokens", async () => {
    const bad = async (body: string, p = "/v1/messages") => {
      const r = await raw("POST", p, body);
      expect(r.status).toBe(400);
      const j = JSON.parse(r.body.toString());
      expect(j.type).toBe("error");
      expect(j.error.type).toBe("invalid_request_error");
      return j.error.message as string;
    };
    await bad('{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"\\q"}]}');
    await bad('{"model":"m","max_tokens":1,"messages":[');
    expect(await bad('{"max_tokens":1,"messages":[]}')).toContain("model");
    expect(await bad('{"model":"m","max_tokens":1}')).toContain("messages");
    expect(await bad('{"model":"m","messages":[]}')).toContain("max_tokens");
    expect(await bad('{"messages":[]}', "/v1/messages/count_tokens")).toContain("model");
    expect(await bad('{"model":"m","x":1}', "/v1/messages/count_tokens")).toContain("messages");
  });

  it("rejects unknown scenarios loudly", async () => {
    const r = await raw("POST", "/v1/messages", msgBody("x"), { "x-mock-scenario": "tool-usee" });
    expect(r.status).toBe(400);
    expect(r.body.toString()).toContain("unknown x-mock-scenario");
  });
});

describe("mock-claude: official SDK", () => {
  const params = {
    model: "claude-sonnet-5-5",
    max_tokens: 100,
    messages: [
      { role: "user" as const, content: "Describe i-0123456789abcdef0 in vpc-0a1b2c3d4e5f67890, naïve 😀 ok" },
    ],
  };

  it("messages.create", async () => {
    const m = await client.messages.create(params);
    expect(m.content).toEqual([{ type: "text", text: `Echo: ${params.messages[0].content}` }]);
    expect(m.stop_reason).toBe("end_turn");
  });

  it("messages.stream().finalMessage() equals the non-stream content (text)", async () => {
    const m = await client.messages.create(params);
    const s = await client.messages.stream(params).finalMessage();
    expect(s.content).toEqual(m.content);
    expect(s.stop_reason).toBe("end_turn");
    expect(s.usage.output_tokens).toBe(m.usage.output_tokens);
    const req = mock.received[1];
    expect(JSON.parse(req.body).stream).toBe(true);
  });

  it("tool_use via defaultHeaders: stream and non-stream agree", async () => {
    const tc = new Anthropic({
      apiKey: "test",
      baseURL: mock.url,
      maxRetries: 0,
      defaultHeaders: { "x-mock-scenario": "tool_use" },
    });
    const m = await tc.messages.create(params);
    const s = await tc.messages.stream(params).finalMessage();
    const echo = params.messages[0].content;
    expect(m.stop_reason).toBe("tool_use");
    expect(m.content).toEqual([
      { type: "text", text: `Echo: ${echo}` },
      {
        type: "tool_use",
        id: expect.stringMatching(/^toolu_[0-9a-f]+$/),
        name: "describe",
        input: { echo, words: echo.split(/\s+/), n: 1 },
      },
    ]);
    expect(stripIds(s.content)).toEqual(stripIds(m.content));
    expect(s.stop_reason).toBe("tool_use");
  });

  it("tool_use via per-request headers", async () => {
    const s = await client.messages.stream(params, { headers: { "x-mock-scenario": "tool_use" } }).finalMessage();
    expect(s.content[1]).toMatchObject({ type: "tool_use", name: "describe" });
  });

  it("stream-error: the SDK stream rejects with the overloaded error", async () => {
    const err: any = await client.messages
      .stream(params, { headers: { "x-mock-scenario": "stream-error" } })
      .finalMessage()
      .catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.message ?? err)).toMatch(/overloaded|Overloaded/);
  });
});

describe("mock-claude: streaming wire format", () => {
  const text = 'Restore i-0123456789abcdef0 and arn:aws:iam::123456789012:role/x — ünïcödé 😀😀 𝕏 \\u0041 "q"\n';
  const body = msgBody(text, { stream: true });

  it("exact event sequence and shapes", async () => {
    const r = await raw("POST", "/v1/messages?beta=true", body);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(r.headers["content-length"]).toBeUndefined();
    expect(r.headers["request-id"]).toMatch(/^req_/);
    expect(r.complete).toBe(true);
    const s = r.body.toString("utf8");
    expect(s).not.toContain("\r");
    expect(s.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    const evs = parseSSE(s);
    const names = evs.map((e) => e.event);
    expect(names.slice(0, 3)).toEqual(["message_start", "content_block_start", "ping"]);
    expect(names.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    for (const e of evs) expect(e.data.type).toBe(e.event);
    const deltas = evs.filter((e) => e.event === "content_block_delta");
    expect(deltas.length).toBeGreaterThan(5);
    for (const d of deltas) {
      expect(d.data.delta.type).toBe("text_delta");
      expect(d.data.delta.text.length).toBeGreaterThanOrEqual(1);
      expect(d.data.delta.text.length).toBeLessThanOrEqual(13);
      expect(LONE_SURROGATE.test(d.data.delta.text)).toBe(false);
    }
    expect(evs[0].data.message).toMatchObject({ type: "message", role: "assistant", content: [], stop_reason: null });
    const final = assembleMessage(evs);
    expect(final.content).toEqual([{ type: "text", text: "Echo: " + text }]);
    expect(final.stop_reason).toBe("end_turn");
    // deterministic per request
    const again = await raw("POST", "/v1/messages?beta=true", body);
    expect(normalizeEvents(parseSSE(again.body.toString()))).toEqual(normalizeEvents(evs));
  });

  it("CRLF line ends and random 1..64-byte chunking reassemble to the same events", async () => {
    const base = normalizeEvents(parseSSE((await raw("POST", "/v1/messages", body)).body.toString()));
    const crlf = await raw("POST", "/v1/messages", body, { "x-mock-sse-crlf": "1" });
    expect(crlf.body.toString()).toContain("event: message_start\r\ndata: ");
    expect(crlf.body.toString().replace(/\r\n/g, "")).not.toMatch(/[\r]/);
    expect(normalizeEvents(parseSSE(crlf.body.toString()))).toEqual(base);

    const rc = await raw("POST", "/v1/messages", body, { "x-mock-chunking": "random", "x-mock-scenario": "tool_use" });
    const plainTool = await raw("POST", "/v1/messages", body, { "x-mock-scenario": "tool_use" });
    expect(rc.complete).toBe(true);
    expect(rc.chunks.length).toBeGreaterThan(20);
    // on the wire the chunks are tiny; node may coalesce a few, but never should a split UTF-8 char break reassembly
    expect(normalizeEvents(parseSSE(rc.body.toString("utf8")))).toEqual(
      normalizeEvents(parseSSE(plainTool.body.toString("utf8"))),
    );
    const fin = assembleMessage(parseSSE(rc.body.toString("utf8")));
    expect(fin.content[1].input.echo).toBe(text);
    // tool input arrives as 1..9-char fragments that cut inside strings/escapes
    const frags = parseSSE(rc.body.toString("utf8"))
      .filter((e) => e.data.delta?.type === "input_json_delta")
      .map((e) => e.data.delta.partial_json as string);
    expect(frags.length).toBeGreaterThan(5);
    for (const f of frags) expect(f.length).toBeLessThanOrEqual(10);
    expect(frags.join("")).toBe(JSON.stringify(fin.content[1].input));
  });

  it("random chunking can split a multi-byte UTF-8 character between writes", async () => {
    const t = "😀".repeat(400);
    const r = await raw("POST", "/v1/messages", msgBody(t, { stream: true }), { "x-mock-chunking": "random" });
    const invalidChunk = r.chunks.some((c) => c.toString("utf8").includes("\uFFFD"));
    expect(invalidChunk).toBe(true);
    expect(assembleMessage(parseSSE(r.body.toString("utf8"))).content[0].text).toBe("Echo: " + t);
  });

  it("stream-error: deltas then an error event, response ends cleanly", async () => {
    const r = await raw("POST", "/v1/messages", body, { "x-mock-scenario": "stream-error" });
    expect(r.status).toBe(200);
    expect(r.complete).toBe(true);
    const evs = parseSSE(r.body.toString());
    expect(evs.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "error",
    ]);
    expect(evs.at(-1)!.data).toEqual({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    expect(r.body.toString().endsWith("\n\n")).toBe(true);
  });

  it("stream-cut: the connection dies inside an event without the terminating chunk", async () => {
    for (const chunking of ["", "random"]) {
      const full = parseSSE((await raw("POST", "/v1/messages", body)).body.toString());
      const r = await raw("POST", "/v1/messages", body, {
        "x-mock-scenario": "stream-cut",
        ...(chunking ? { "x-mock-chunking": chunking } : {}),
      });
      expect(r.status).toBe(200);
      expect(r.complete).toBe(false);
      const s = r.body.toString();
      expect(s.length).toBeGreaterThan(0);
      expect(s.endsWith("\n\n")).toBe(false);
      const evs = parseSSE(s);
      expect(evs.length).toBe(Math.floor(full.length / 2));
      expect(s).not.toContain("message_stop");
    }
  });

  it("stream-cut on a non-streaming request: half the JSON body, then the connection dies", async () => {
    const r = await raw("POST", "/v1/messages", msgBody("cut me please, this is a long enough message"), {
      "x-mock-scenario": "stream-cut",
    });
    expect(r.complete).toBe(false);
    expect(r.body.length).toBeLessThan(Number(r.headers["content-length"]));
  });

  it("gzip scenario compresses the stream when accepted; plain streams are never gzipped by default", async () => {
    const plain = await raw("POST", "/v1/messages", body, { "accept-encoding": "gzip" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const gz = await raw("POST", "/v1/messages", body, { "accept-encoding": "gzip", "x-mock-scenario": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    const un = zlib.gunzipSync(gz.body).toString("utf8");
    expect(normalizeEvents(parseSSE(un))).toEqual(normalizeEvents(parseSSE(plain.body.toString())));
  });

  it("slow-<ms> delays the answer and spaces the events", async () => {
    const t0 = Date.now();
    const r = await raw("POST", "/v1/messages", msgBody("slow", { stream: false }), { "x-mock-scenario": "slow-150" });
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    const t1 = Date.now();
    const s = await raw("POST", "/v1/messages", msgBody("ab", { stream: true }), { "x-mock-scenario": "slow-20" });
    const n = parseSSE(s.body.toString()).length;
    expect(Date.now() - t1).toBeGreaterThanOrEqual(20 * n - 20);
  });

  it("big-<bytes> streams a large answer that equals the non-stream one", async () => {
    const unit = "bucket my-data-bucket-01 on i-0123456789abcdef0";
    const t0 = Date.now();
    const s = await raw("POST", "/v1/messages", msgBody(unit, { stream: true }), { "x-mock-scenario": "big-2mb" });
    const j = await raw("POST", "/v1/messages", msgBody(unit), { "x-mock-scenario": "big-2mb" });
    const fin = assembleMessage(parseSSE(s.body.toString()));
    const text = fin.content[0].text as string;
    expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(text.startsWith("Echo: " + unit + "\n" + unit + "\n")).toBe(true);
    expect(JSON.parse(j.body.toString()).content[0].text).toBe(text);
    const sizes = parseSSE(s.body.toString())
      .filter((e) => e.data.delta?.type === "text_delta")
      .map((e) => e.data.delta.text.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1025);
    expect(Math.max(...sizes)).toBeGreaterThan(100);
    expect(Date.now() - t0).toBeLessThan(10000);
  });

  it("x-mock-delta-max overrides the text_delta size", async () => {
    const r = await raw("POST", "/v1/messages", msgBody("abcdefghijklmnopqrstuvwxyz".repeat(4), { stream: true }), {
      "x-mock-delta-max": "1",
    });
    const sizes = parseSSE(r.body.toString())
      .filter((e) => e.data.delta?.type === "text_delta")
      .map((e) => e.data.delta.text.length);
    expect(new Set(sizes)).toEqual(new Set([1]));
  });

  it("survives a client that disconnects mid-stream", async () => {
    await new Promise<void>((resolve) => {
      const req = http.request(
        `${mock.url}/v1/messages`,
        { method: "POST", headers: { "x-api-key": "k", "x-mock-scenario": "slow-30" } },
        (res) => {
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on("error", () => {});
      req.end(msgBody("bye", { stream: true }));
    });
    await new Promise((r) => setTimeout(r, 100));
    const ok = await raw("POST", "/v1/messages", msgBody("still alive"));
    expect(JSON.parse(ok.body.toString()).content[0].text).toBe("Echo: still alive");
  });
});

describe("mock-claude: thinking signatures", () => {
  const q = "What runs on i-0123456789abcdef0 in account 123456789012?";

  it("issues a signed thinking block (JSON and stream) and accepts it back unaltered, rejects one altered byte", async () => {
    const params = {
      model: "claude-sonnet-5-5",
      max_tokens: 2000,
      thinking: { type: "enabled" as const, budget_tokens: 1024 },
      messages: [{ role: "user" as const, content: q }],
    };
    const m = await client.messages.create(params);
    expect(m.content[0]).toEqual({
      type: "thinking",
      thinking: `Let me think about ${q.slice(0, 40)}...`,
      signature: signThinking(`Let me think about ${q.slice(0, 40)}...`, DEFAULT_THINKING_SECRET),
    });
    expect(m.content[1]).toEqual({ type: "text", text: "Echo: " + q });
    const s = await client.messages.stream(params).finalMessage();
    expect(s.content).toEqual(m.content);

    const next = (assistant: any[]) => ({
      ...params,
      messages: [
        ...params.messages,
        { role: "assistant" as const, content: assistant },
        { role: "user" as const, content: "and then?" },
      ],
    });
    const ok = await client.messages.create(next(m.content));
    expect(ok.content[1]).toEqual({ type: "text", text: "Echo: and then?" });

    const th = m.content[0] as { thinking: string };
    const altered = [{ ...m.content[0], thinking: th.thinking.replace("i-0", "i-1") }, m.content[1]];
    const err: any = await client.messages.create(next(altered)).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.error.error.type).toBe("invalid_request_error");
    expect(err.error.error.message).toContain("signature");
    // count_tokens checks too
    const r = await raw(
      "POST",
      "/v1/messages/count_tokens",
      JSON.stringify({ model: "m", messages: next(altered).messages }),
    );
    expect(r.status).toBe(400);
  });

  it("adaptive thinking + redacted_thinking: issued data accepted, altered data rejected", async () => {
    const params = {
      model: "claude-sonnet-5-5",
      max_tokens: 2000,
      thinking: { type: "adaptive" },
      messages: [{ role: "user", content: q }],
    } as any;
    const s = await client.messages
      .stream(params, { headers: { "x-mock-scenario": "redacted_thinking" } })
      .finalMessage();
    expect(s.content.map((b) => b.type)).toEqual(["thinking", "redacted_thinking", "text"]);
    const data = (s.content[1] as { data: string }).data;
    const follow = (content: any[]) =>
      raw(
        "POST",
        "/v1/messages",
        JSON.stringify({
          ...params,
          messages: [...params.messages, { role: "assistant", content }, { role: "user", content: "next" }],
        }),
      );
    expect((await follow(s.content)).status).toBe(200);
    const flipped = data[0] === "A" ? "B" + data.slice(1) : "A" + data.slice(1);
    const bad = await follow([s.content[0], { type: "redacted_thinking", data: flipped }, s.content[2]]);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString()).error.message).toContain("signature");
  });
});

describe("mock-claude: CLI", () => {
  it("prints the listening line, serves, and exits on SIGTERM", async () => {
    const root = path.resolve(__dirname, "../..");
    const child = spawn(
      process.execPath,
      [path.join(root, "node_modules/tsx/dist/cli.mjs"), "spec/harness/mock-claude.ts", "--port", "0"],
      { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
    );
    const line: string = await new Promise((resolve, reject) => {
      let buf = "";
      child.stdout.on("data", (d) => {
        buf += d;
        if (buf.includes("\n")) resolve(buf.split("\n")[0]);
      });
      child.on("exit", () => reject(new Error("exited early: " + buf)));
    });
    expect(line).toMatch(/^mock-claude listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.replace("mock-claude listening on ", "");
    const res = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "k", "content-type": "application/json" },
      body: msgBody("cli"),
    });
    expect((await res.json()).content[0].text).toBe("Echo: cli");
    const code = await new Promise((resolve) => {
      child.on("exit", (c, sig) => resolve(c ?? sig));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
  }, 15000);
});
