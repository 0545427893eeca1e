/**
 * mock-claude: a faithful stand-in for the Anthropic Messages API (the real API is unreachable from test machines).
 *
 * Library:  const mock = await startMockClaude({ port: 0 }); ... mock.url ... await mock.close();
 * CLI:      npx tsx spec/harness/mock-claude.ts --port 0 [--host 127.0.0.1] [--seed N] [--thinking-secret S]
 *           prints "mock-claude listening on http://127.0.0.1:PORT" and runs until SIGTERM/SIGINT.
 *
 * See docs/mock-claude.md for the full behaviour (scenarios, echo, streaming, thinking signatures).
 */
import http from "node:http";
import zlib from "node:zlib";
import crypto from "node:crypto";
import { pathToFileURL } from "node:url";

// ---------------------------------------------------------------------------------------------------------------------
// Public contract
// ---------------------------------------------------------------------------------------------------------------------

export interface RecordedRequest {
  method: string;
  /** request target exactly as received: path plus query string, e.g. "/v1/messages?beta=true" */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** raw bytes as utf8 string exactly as received, after gunzip if content-encoding gzip */
  body: string;
  time: number;
}

export interface MockClaude {
  url: string /* http://127.0.0.1:PORT */;
  port: number;
  received: RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

export interface MockClaudeOptions {
  /** 0 (default) = a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** HMAC key for thinking signatures and redacted_thinking data; default DEFAULT_THINKING_SECRET */
  thinkingSecret?: string;
  /** mixed into every per-request PRNG (delta sizes, chunk sizes, ids); default 1 */
  seed?: number;
  /**
   * Serve RECEIVED_PATH: GET gives `received` as JSON, DELETE empties it (not recorded themselves). For tests that reach
   * the mock over the network only (docker-compose). Default false: the mock then answers it like any unknown path.
   */
  exposeReceived?: boolean;
}

/** The recording endpoint (exposeReceived / --expose-received). */
export const RECEIVED_PATH = "/__mock/received";

export const DEFAULT_THINKING_SECRET = "mock-claude-thinking-secret";

/** The signature the mock issues (and requires) for a thinking block's exact `thinking` text. */
export function signThinking(thinking: string, secret: string = DEFAULT_THINKING_SECRET): string {
  return crypto.createHmac("sha256", secret).update(thinking, "utf8").digest("base64");
}

/** The text the mock echoes for a /v1/messages body: all text of the LAST user message, joined by "\n". */
export function echoTextOf(body: unknown): string {
  const messages = (body as { messages?: unknown })?.messages;
  if (!Array.isArray(messages)) return "";
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown };
    if (m && typeof m === "object" && m.role === "user") return textsOfContent(m.content).join("\n");
  }
  return "";
}

// ---------------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function textsOfContent(content: unknown): string[] {
  if (typeof content === "string") return [content];
  const out: string[] = [];
  if (!Array.isArray(content)) return out;
  for (const block of content) {
    if (!block || typeof block !== "object") continue;
    const b = block as { type?: unknown; text?: unknown; content?: unknown };
    if (b.type === "text" && typeof b.text === "string") out.push(b.text);
    else if (b.type === "tool_result") {
      if (typeof b.content === "string") out.push(b.content);
      else if (Array.isArray(b.content)) {
        for (const part of b.content) {
          if (typeof part === "string") out.push(part);
          else if (part && typeof part === "object" && part.type === "text" && typeof part.text === "string") {
            out.push(part.text);
          }
        }
      }
    }
  }
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function fnv1a(buf: Buffer, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < buf.length; i++) {
    h ^= buf[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Split a string into pieces of 1..max UTF-16 code units, never separating a surrogate pair. */
function* splitString(s: string, rng: () => number, max: number): Generator<string> {
  let pos = 0;
  while (pos < s.length) {
    let n = Math.min(randInt(rng, 1, max), s.length - pos);
    const last = s.charCodeAt(pos + n - 1);
    if (last >= 0xd800 && last <= 0xdbff && pos + n < s.length) n++;
    yield s.slice(pos, pos + n);
    pos += n;
  }
}

function acceptsGzip(header: string | string[] | undefined): boolean {
  const v = Array.isArray(header) ? header.join(",") : (header ?? "");
  for (const part of v.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name.trim() !== "gzip" && name.trim() !== "*") continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (q && Number(q.slice(2)) === 0) continue;
    return true;
  }
  return false;
}

const ERROR_TYPES: Record<number, [string, string]> = {
  400: ["invalid_request_error", "mock-claude: forced invalid request (scenario error-400)"],
  401: ["authentication_error", "invalid x-api-key"],
  403: ["permission_error", "Your API key does not have permission to use the specified resource."],
  404: ["not_found_error", "Not found"],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: ["rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"],
  500: ["api_error", "Internal server error"],
  529: ["overloaded_error", "Overloaded"],
};

function errorTypeFor(status: number): [string, string] {
  if (ERROR_TYPES[status]) return ERROR_TYPES[status];
  if (status >= 500) return ["api_error", "Internal server error"];
  return ["invalid_request_error", `mock-claude: forced error ${status}`];
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

const MODELS = [
  { id: "claude-opus-5-5", display_name: "Claude Opus 5.5", created_at: "2026-09-01T00:00:00Z" },
  { id: "claude-sonnet-5-5", display_name: "Claude Sonnet 5.5", created_at: "2026-09-01T00:00:00Z" },
  { id: "claude-haiku-5-5", display_name: "Claude Haiku 5.5", created_at: "2026-09-01T00:00:00Z" },
  { id: "claude-haiku-4-5-20251001", display_name: "Claude Haiku 4.5", created_at: "2025-10-15T00:00:00Z" },
];

interface Scenarios {
  toolUse: boolean;
  errorStatus?: number;
  slowMs: number;
  streamError: boolean;
  streamCut: boolean;
  bigBytes: number;
  gzip: boolean;
  noGzip: boolean;
  redacted: boolean;
  unknown: string[];
}

function parseScenarios(header: string | string[] | undefined): Scenarios {
  const s: Scenarios = {
    toolUse: false,
    slowMs: 0,
    streamError: false,
    streamCut: false,
    bigBytes: 0,
    gzip: false,
    noGzip: false,
    redacted: false,
    unknown: [],
  };
  const raw = Array.isArray(header) ? header.join(",") : (header ?? "");
  for (const tok of raw
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean)) {
    let m: RegExpMatchArray | null;
    if (tok === "tool_use" || tok === "tool-use") s.toolUse = true;
    else if ((m = tok.match(/^error-(\d{3})$/))) s.errorStatus = Number(m[1]);
    else if ((m = tok.match(/^slow-(\d+)$/))) s.slowMs = Number(m[1]);
    else if (tok === "stream-error") s.streamError = true;
    else if (tok === "stream-cut") s.streamCut = true;
    else if ((m = tok.match(/^big-(\d+)(k|kb|m|mb)?$/))) {
      const mult = m[2]?.startsWith("m") ? 1024 * 1024 : m[2]?.startsWith("k") ? 1024 : 1;
      s.bigBytes = Number(m[1]) * mult;
    } else if (tok === "gzip") s.gzip = true;
    else if (tok === "nogzip" || tok === "no-gzip") s.noGzip = true;
    else if (tok === "redacted_thinking" || tok === "redacted-thinking") s.redacted = true;
    else if (tok === "normal" || tok === "default") {
      /* the default answer */
    } else s.unknown.push(tok);
  }
  return s;
}

type Block =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Json };

class HttpError extends Error {
  constructor(
    public status: number,
    public errType: string,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------------------------------

export async function startMockClaude(opts: MockClaudeOptions = {}): Promise<MockClaude> {
  const host = opts.host ?? "127.0.0.1";
  const secret = opts.thinkingSecret ?? DEFAULT_THINKING_SECRET;
  const seed = (opts.seed ?? 1) >>> 0;
  const received: RecordedRequest[] = [];
  const wakers = new Set<() => void>();
  let closed = false;
  let counter = 0;
  const orgId = crypto.createHash("sha256").update(`org:${seed}`).digest("hex");
  const organizationId = `${orgId.slice(0, 8)}-${orgId.slice(8, 12)}-4${orgId.slice(13, 16)}-8${orgId.slice(17, 20)}-${orgId.slice(20, 32)}`;

  const newId = (prefix: string, salt: number, len = 24) =>
    prefix +
    crypto
      .createHash("sha256")
      .update(`${seed}:${++counter}:${salt}:${prefix}:${Math.random()}`)
      .digest("hex")
      .slice(0, len);

  function issueRedacted(): string {
    const nonce = crypto.randomBytes(24);
    const mac = crypto.createHmac("sha256", secret).update("redacted:").update(nonce).digest();
    return Buffer.concat([nonce, mac]).toString("base64");
  }
  function validRedacted(data: unknown): boolean {
    if (typeof data !== "string") return false;
    const buf = Buffer.from(data, "base64");
    if (buf.length !== 56 || buf.toString("base64") !== data) return false;
    const mac = crypto.createHmac("sha256", secret).update("redacted:").update(buf.subarray(0, 24)).digest();
    return crypto.timingSafeEqual(mac, buf.subarray(24));
  }

  const sleep = (ms: number, res?: http.ServerResponse) =>
    new Promise<void>((resolve) => {
      if (closed || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(t);
        wakers.delete(done);
        res?.off("close", done);
        resolve();
      };
      const t = setTimeout(done, ms);
      wakers.add(done);
      res?.once("close", done);
    });

  function baseHeaders(): Record<string, string> {
    return {
      "request-id": `req_${crypto.randomBytes(12).toString("hex")}`,
      "anthropic-organization-id": organizationId,
      "x-robots-tag": "none",
    };
  }

  function sendJson(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    obj: unknown,
    sc: Scenarios | undefined,
    extra: Record<string, string> = {},
  ) {
    if (res.destroyed || res.headersSent) return;
    let body = Buffer.from(JSON.stringify(obj), "utf8");
    const headers: Record<string, string> = {
      ...baseHeaders(),
      "content-type": "application/json",
      ...extra,
    };
    if (req.method !== "HEAD" && acceptsGzip(req.headers["accept-encoding"]) && !sc?.noGzip) {
      body = zlib.gzipSync(body);
      headers["content-encoding"] = "gzip";
      headers["vary"] = "Accept-Encoding";
    }
    headers["content-length"] = String(body.length);
    try {
      res.writeHead(status, headers);
      if (req.method === "HEAD") {
        res.end();
      } else if (sc?.streamCut && status === 200) {
        // non-streaming stream-cut: half the body, then the TCP connection dies
        res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))), () => res.socket?.destroy());
      } else res.end(body);
    } catch {
      /* client went away */
    }
  }

  function sendError(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    errType: string,
    message: string,
    sc?: Scenarios,
  ) {
    const extra: Record<string, string> = {};
    if (status === 429) extra["retry-after"] = "1";
    if (status === 529 || status === 500) extra["x-should-retry"] = "true";
    sendJson(req, res, status, { type: "error", error: { type: errType, message } }, sc, extra);
  }

  function checkAuth(req: http.IncomingMessage) {
    const key = req.headers["x-api-key"];
    const auth = req.headers["authorization"];
    const hasKey = typeof key === "string" && key.trim() !== "";
    const hasBearer = typeof auth === "string" && /^bearer\s+\S+/i.test(auth.trim());
    if (!hasKey && !hasBearer) throw new HttpError(401, "authentication_error", "x-api-key header is required");
  }

  function validateThinking(messages: unknown[]) {
    messages.forEach((m, mi) => {
      const msg = m as { role?: unknown; content?: unknown };
      if (msg.role !== "assistant" || !Array.isArray(msg.content)) return;
      msg.content.forEach((b, bi) => {
        const block = b as { type?: unknown; thinking?: unknown; signature?: unknown; data?: unknown };
        if (block?.type === "thinking") {
          if (typeof block.thinking !== "string" || typeof block.signature !== "string") {
            throw new HttpError(
              400,
              "invalid_request_error",
              `messages.${mi}.content.${bi}.thinking: \`thinking\` and \`signature\` must be strings (signature check)`,
            );
          }
          const want = Buffer.from(signThinking(block.thinking, secret));
          const got = Buffer.from(block.signature);
          if (want.length !== got.length || !crypto.timingSafeEqual(want, got)) {
            throw new HttpError(
              400,
              "invalid_request_error",
              `messages.${mi}.content.${bi}: Invalid \`signature\` in \`thinking\` block`,
            );
          }
        } else if (block?.type === "redacted_thinking") {
          if (!validRedacted(block.data)) {
            throw new HttpError(
              400,
              "invalid_request_error",
              `messages.${mi}.content.${bi}: Invalid \`data\` in \`redacted_thinking\` block (signature check failed)`,
            );
          }
        }
      });
    });
  }

  function validateBody(body: Record<string, unknown>, endpoint: "messages" | "count_tokens") {
    const bad = (msg: string) => new HttpError(400, "invalid_request_error", msg);
    if (typeof body.model !== "string" || body.model === "") throw bad("model: Field required");
    if (!Array.isArray(body.messages)) throw bad("messages: Field required");
    if (endpoint === "messages" && typeof body.max_tokens !== "number") throw bad("max_tokens: Field required");
    body.messages.forEach((m, i) => {
      if (!m || typeof m !== "object" || Array.isArray(m)) throw bad(`messages.${i}: Input should be an object`);
      const msg = m as { role?: unknown; content?: unknown };
      if (typeof msg.role !== "string") throw bad(`messages.${i}.role: Field required`);
      if (typeof msg.content !== "string" && !Array.isArray(msg.content)) {
        throw bad(`messages.${i}.content: Input should be a valid string or list`);
      }
      if (Array.isArray(msg.content)) {
        msg.content.forEach((b, j) => {
          if (!b || typeof b !== "object" || typeof (b as { type?: unknown }).type !== "string") {
            throw bad(`messages.${i}.content.${j}.type: Field required`);
          }
          const blk = b as { type: string; text?: unknown };
          if (blk.type === "text" && typeof blk.text !== "string") {
            throw bad(`messages.${i}.content.${j}.text: Input should be a valid string`);
          }
        });
      }
    });
    validateThinking(body.messages);
  }

  // ---- building the answer ---------------------------------------------------------------------------------------

  function buildBlocks(body: Record<string, unknown>, sc: Scenarios, salt: number): Block[] {
    const echo = echoTextOf(body);
    const blocks: Block[] = [];
    const thinkingCfg = body.thinking as { type?: unknown } | undefined;
    if (thinkingCfg && (thinkingCfg.type === "enabled" || thinkingCfg.type === "adaptive")) {
      const thinking = `Let me think about ${Array.from(echo).slice(0, 40).join("")}...`;
      blocks.push({ type: "thinking", thinking, signature: signThinking(thinking, secret) });
    }
    if (sc.redacted) blocks.push({ type: "redacted_thinking", data: issueRedacted() });
    let text = "Echo: " + echo;
    if (sc.bigBytes > 0) {
      const piece = "\n" + (echo === "" ? "echo" : echo);
      const have = Buffer.byteLength(text);
      if (have < sc.bigBytes) text += piece.repeat(Math.ceil((sc.bigBytes - have) / Buffer.byteLength(piece)));
    }
    blocks.push({ type: "text", text });
    if (sc.toolUse) {
      blocks.push({
        type: "tool_use",
        id: newId("toolu_", salt),
        name: "describe",
        input: { echo, words: echo.split(/\s+/).filter(Boolean), n: 1 },
      });
    }
    return blocks;
  }

  function outputTokens(blocks: Block[]): number {
    let bytes = 0;
    for (const b of blocks) {
      if (b.type === "text") bytes += Buffer.byteLength(b.text);
      else if (b.type === "thinking") bytes += Buffer.byteLength(b.thinking);
      else if (b.type === "tool_use") bytes += Buffer.byteLength(JSON.stringify(b.input));
      else bytes += 16;
    }
    return Math.max(1, Math.ceil(bytes / 4));
  }

  function* streamEvents(
    msg: { id: string; model: string; inputTokens: number },
    blocks: Block[],
    stopReason: string,
    outTokens: number,
    rng: () => number,
    textMax: number,
  ): Generator<[string, unknown]> {
    yield [
      "message_start",
      {
        type: "message_start",
        message: {
          id: msg.id,
          type: "message",
          role: "assistant",
          model: msg.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: msg.inputTokens, output_tokens: 1 },
        },
      },
    ];
    for (let index = 0; index < blocks.length; index++) {
      const b = blocks[index];
      let start: unknown;
      if (b.type === "text") start = { type: "text", text: "" };
      else if (b.type === "thinking") start = { type: "thinking", thinking: "", signature: "" };
      else if (b.type === "tool_use") start = { type: "tool_use", id: b.id, name: b.name, input: {} };
      else start = { type: "redacted_thinking", data: b.data };
      yield ["content_block_start", { type: "content_block_start", index, content_block: start }];
      if (index === 0) yield ["ping", { type: "ping" }];
      if (b.type === "text") {
        for (const piece of splitString(b.text, rng, textMax)) {
          yield [
            "content_block_delta",
            { type: "content_block_delta", index, delta: { type: "text_delta", text: piece } },
          ];
        }
      } else if (b.type === "thinking") {
        for (const piece of splitString(b.thinking, rng, 12)) {
          yield [
            "content_block_delta",
            { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: piece } },
          ];
        }
        yield [
          "content_block_delta",
          { type: "content_block_delta", index, delta: { type: "signature_delta", signature: b.signature } },
        ];
      } else if (b.type === "tool_use") {
        for (const piece of splitString(JSON.stringify(b.input), rng, 9)) {
          yield [
            "content_block_delta",
            { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: piece } },
          ];
        }
      }
      yield ["content_block_stop", { type: "content_block_stop", index }];
    }
    yield [
      "message_delta",
      {
        type: "message_delta",
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { output_tokens: outTokens },
      },
    ];
    yield ["message_stop", { type: "message_stop" }];
  }

  /** Byte sink for a streaming answer: plain or gzip (flushed per write); waits for drain; never throws. */
  function makeSink(res: http.ServerResponse, gzip: boolean) {
    let gone = false;
    res.on("close", () => (gone = true));
    res.on("error", () => (gone = true));
    const waitOn = (em: NodeJS.EventEmitter, ev: string) =>
      new Promise<void>((resolve) => {
        const done = () => {
          em.off(ev, done);
          res.off("close", done);
          resolve();
        };
        em.on(ev, done);
        res.on("close", done);
      });
    let gz: zlib.Gzip | undefined;
    if (gzip) {
      gz = zlib.createGzip();
      gz.on("error", () => (gone = true));
      gz.pipe(res);
    }
    return {
      get gone() {
        return gone || closed || res.destroyed;
      },
      async write(buf: Buffer): Promise<void> {
        if (this.gone) return;
        try {
          if (gz) {
            const ok = gz.write(buf);
            await new Promise<void>((resolve) => {
              const done = () => {
                res.off("close", done);
                resolve();
              };
              res.on("close", done);
              gz!.flush(zlib.constants.Z_SYNC_FLUSH, done);
            });
            if (!ok && !this.gone) await waitOn(gz, "drain");
          } else if (!res.write(buf) && !this.gone) await waitOn(res, "drain");
        } catch {
          gone = true;
        }
      },
      async end(): Promise<void> {
        if (this.gone) return;
        try {
          if (gz) gz.end();
          else res.end();
        } catch {
          gone = true;
        }
      },
      /** flush what was written, then kill the TCP connection without the terminating chunk */
      async cut(): Promise<void> {
        if (this.gone) return;
        await new Promise<void>((resolve) => {
          try {
            if (gz) gz.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve());
            else res.write(Buffer.alloc(0), () => resolve());
          } catch {
            resolve();
          }
        });
        await sleep(15, res);
        res.socket?.destroy();
        gone = true;
      },
    };
  }

  async function sendStream(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    sc: Scenarios,
    events: Iterable<[string, unknown]>,
    rngChunks: () => number,
  ) {
    const crlf = String(req.headers["x-mock-sse-crlf"] ?? "").trim() === "1";
    const eol = crlf ? "\r\n" : "\n";
    const randomChunks =
      String(req.headers["x-mock-chunking"] ?? "")
        .trim()
        .toLowerCase() === "random";
    const gzip = sc.gzip && !sc.noGzip && acceptsGzip(req.headers["accept-encoding"]);
    const headers: Record<string, string> = {
      ...baseHeaders(),
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
    };
    if (gzip) {
      headers["content-encoding"] = "gzip";
      headers["vary"] = "Accept-Encoding";
    }
    if (res.destroyed) return;
    try {
      res.writeHead(200, headers);
      res.flushHeaders();
    } catch {
      return;
    }
    const sink = makeSink(res, gzip);
    const frame = ([name, data]: [string, unknown]) =>
      Buffer.from(`event: ${name}${eol}data: ${JSON.stringify(data)}${eol}${eol}`, "utf8");

    // stream-error: message_start, block start, ping, two deltas, then an error event, then a clean end
    let source: Iterable<[string, unknown]> = events;
    if (sc.streamError) {
      source = (function* () {
        let deltas = 0;
        for (const ev of events) {
          yield ev;
          if (ev[0] === "content_block_delta" && ++deltas >= 2) break;
        }
        yield ["error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }];
      })();
    }
    let frames: Iterable<Buffer> = (function* () {
      for (const ev of source) yield frame(ev);
    })();
    // stream-cut: whole events up to the middle, then half of the next event, then the connection dies
    let cutTail: Buffer | undefined;
    if (sc.streamCut) {
      const all = Array.from(frames);
      const k = Math.floor(all.length / 2);
      frames = all.slice(0, k);
      cutTail = all[k].subarray(0, Math.max(1, Math.floor(all[k].length / 2)));
    }

    let first = true;
    if (!randomChunks) {
      for (const buf of frames) {
        if (sink.gone) return;
        if (!first && sc.slowMs > 0) await sleep(sc.slowMs, res);
        first = false;
        await sink.write(buf);
      }
      if (cutTail) {
        await sink.write(cutTail);
        await sink.cut();
        return;
      }
      await sink.end();
      return;
    }

    // x-mock-chunking: random — the SSE byte stream re-cut into 1..64-byte chunks, setImmediate between writes
    let pending: Buffer = Buffer.alloc(0);
    const pump = async (all: boolean) => {
      while (pending.length >= 64 || (all && pending.length > 0)) {
        if (sink.gone) return;
        const n = Math.min(randInt(rngChunks, 1, 64), pending.length);
        const chunk = pending.subarray(0, n);
        pending = pending.subarray(n);
        await sink.write(chunk);
        await new Promise<void>((r) => setImmediate(r));
      }
    };
    for (const buf of frames) {
      if (sink.gone) return;
      if (!first && sc.slowMs > 0) {
        await pump(true);
        await sleep(sc.slowMs, res);
      }
      first = false;
      pending = pending.length ? Buffer.concat([pending, buf]) : buf;
      await pump(false);
    }
    if (cutTail) {
      pending = Buffer.concat([pending, cutTail]);
      await pump(true);
      await sink.cut();
      return;
    }
    await pump(true);
    await sink.end();
  }

  // ---- Message Batches ------------------------------------------------------------------------------------------
  // create -> in_progress; processing ends batchMs after creation (header x-mock-batch-ms on create, default 0), so
  // the next retrieve shows "ended" with a results_url; results are JSON Lines (content-type application/binary as
  // the API sends them), one line per request, answers built exactly like /v1/messages (echo of the last user text).
  // x-mock-chunking: random on the results request re-cuts the lines into 1..64-byte pieces.
  interface BatchRequest {
    custom_id: string;
    params: Record<string, unknown>;
  }
  interface Batch {
    id: string;
    createdAt: number;
    endsAt: number;
    cancelAt?: number;
    requests: BatchRequest[];
    results?: string[];
  }
  const batches = new Map<string, Batch>();
  const iso = (ms: number) => new Date(ms).toISOString();
  const BATCH_EXPIRY_MS = 24 * 3600 * 1000;
  const RESULTS_KEPT_MS = 29 * 24 * 3600 * 1000;

  function batchResults(b: Batch): string[] {
    if (b.results) return b.results;
    b.results = b.requests.map((r) => {
      if (b.cancelAt !== undefined && b.cancelAt < b.endsAt)
        return JSON.stringify({ custom_id: r.custom_id, result: { type: "canceled" } });
      const body = Buffer.from(JSON.stringify(r.params), "utf8");
      const bodyHash = fnv1a(body, seed);
      const blocks = buildBlocks(r.params, parseScenarios(undefined), bodyHash);
      const message = {
        id: newId("msg_", bodyHash),
        type: "message",
        role: "assistant",
        model: r.params.model,
        content: blocks,
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: Math.ceil(body.length / 4), output_tokens: outputTokens(blocks) },
      };
      return JSON.stringify({ custom_id: r.custom_id, result: { type: "succeeded", message } });
    });
    return b.results;
  }

  function batchObject(b: Batch, base: string): Record<string, unknown> {
    const now = Date.now();
    const ended = now >= b.endsAt || (b.cancelAt !== undefined && now >= b.cancelAt);
    const endedAt = Math.min(b.endsAt, b.cancelAt ?? Infinity);
    const n = b.requests.length;
    const canceled = ended && b.cancelAt !== undefined && b.cancelAt < b.endsAt;
    return {
      id: b.id,
      type: "message_batch",
      processing_status: ended ? "ended" : b.cancelAt !== undefined ? "canceling" : "in_progress",
      request_counts: {
        processing: ended ? 0 : n,
        succeeded: ended && !canceled ? n : 0,
        errored: 0,
        canceled: canceled ? n : 0,
        expired: 0,
      },
      ended_at: ended ? iso(endedAt) : null,
      created_at: iso(b.createdAt),
      expires_at: iso(b.createdAt + BATCH_EXPIRY_MS),
      archived_at: null,
      cancel_initiated_at: b.cancelAt !== undefined ? iso(b.cancelAt) : null,
      results_url: ended ? `${base}/v1/messages/batches/${b.id}/results` : null,
    };
  }

  /** true when the request was a batches request (answered). */
  async function handleBatches(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: string,
    pathname: string,
    body: Buffer,
    sc: Scenarios,
  ): Promise<boolean> {
    const m = /^\/v1\/messages\/batches(?:\/([^/]+)(?:\/(results|cancel))?)?$/.exec(pathname);
    if (!m) return false;
    const [, id, action] = m;
    const base = `http://${req.headers.host ?? "mock.invalid"}`;
    const find = (): Batch => {
      const b = batches.get(id);
      if (!b || Date.now() > b.createdAt + RESULTS_KEPT_MS)
        throw new HttpError(404, "not_found_error", `No message batch found with id ${id}`);
      return b;
    };
    if (id === undefined && method === "POST") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch (e) {
        throw new HttpError(
          400,
          "invalid_request_error",
          `There was an error parsing the body of your request: ${(e as Error).message}`,
        );
      }
      const requests = (parsed as { requests?: unknown })?.requests;
      if (!Array.isArray(requests) || requests.length === 0)
        throw new HttpError(400, "invalid_request_error", "requests: Field required");
      if (requests.length > 100000) throw new HttpError(400, "invalid_request_error", "requests: at most 100000 items");
      const seen = new Set<string>();
      requests.forEach((r, i) => {
        const cid = (r as { custom_id?: unknown })?.custom_id;
        const params = (r as { params?: unknown })?.params;
        if (typeof cid !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(cid))
          throw new HttpError(400, "invalid_request_error", `requests.${i}.custom_id: invalid`);
        if (seen.has(cid))
          throw new HttpError(400, "invalid_request_error", `requests.${i}.custom_id: must be unique within the batch`);
        seen.add(cid);
        if (!params || typeof params !== "object" || Array.isArray(params))
          throw new HttpError(400, "invalid_request_error", `requests.${i}.params: Field required`);
        if ((params as Record<string, unknown>).stream === true)
          throw new HttpError(
            400,
            "invalid_request_error",
            `requests.${i}.params.stream: streaming is not supported in batches`,
          );
        validateBody(params as Record<string, unknown>, "messages");
      });
      const now = Date.now();
      const ms = Number(req.headers["x-mock-batch-ms"] ?? 0);
      const b: Batch = {
        id: newId("msgbatch_", now),
        createdAt: now,
        endsAt: now + (Number.isFinite(ms) && ms > 0 ? ms : 0),
        requests: requests as BatchRequest[],
      };
      batches.set(b.id, b);
      const obj = batchObject(b, base);
      // the create answer always shows the batch as just started
      sendJson(
        req,
        res,
        200,
        {
          ...obj,
          processing_status: "in_progress",
          ended_at: null,
          results_url: null,
          request_counts: { processing: b.requests.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
        },
        sc,
      );
      return true;
    }
    if (id === undefined && method === "GET") {
      const url = new URL(req.url ?? "/", "http://mock.invalid");
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("limit") ?? 20) || 20));
      let all = [...batches.values()].sort((a, z) => z.createdAt - a.createdAt);
      const after = url.searchParams.get("after_id");
      const before = url.searchParams.get("before_id");
      if (after) all = all.slice(all.findIndex((b) => b.id === after) + 1);
      if (before)
        all = all.slice(
          0,
          Math.max(
            0,
            all.findIndex((b) => b.id === before),
          ),
        );
      const page = all.slice(0, limit);
      sendJson(
        req,
        res,
        200,
        {
          data: page.map((b) => batchObject(b, base)),
          has_more: all.length > limit,
          first_id: page[0]?.id ?? null,
          last_id: page[page.length - 1]?.id ?? null,
        },
        sc,
      );
      return true;
    }
    if (id !== undefined && action === undefined && method === "GET") {
      sendJson(req, res, 200, batchObject(find(), base), sc);
      return true;
    }
    if (id !== undefined && action === undefined && method === "DELETE") {
      const b = find();
      if (batchObject(b, base).processing_status !== "ended")
        throw new HttpError(
          400,
          "invalid_request_error",
          "Message batches cannot be deleted while processing; cancel it first",
        );
      batches.delete(id);
      sendJson(req, res, 200, { id, type: "message_batch_deleted" }, sc);
      return true;
    }
    if (action === "cancel" && method === "POST") {
      const b = find();
      if (b.cancelAt === undefined && Date.now() < b.endsAt) b.cancelAt = Date.now();
      sendJson(req, res, 200, batchObject(b, base), sc);
      return true;
    }
    if (action === "results" && method === "GET") {
      const b = find();
      if (batchObject(b, base).processing_status !== "ended")
        throw new HttpError(
          400,
          "invalid_request_error",
          `Message batch ${id} is still processing; results are available once it has ended`,
        );
      const data = Buffer.from(
        batchResults(b)
          .map((l) => l + "\n")
          .join(""),
        "utf8",
      );
      res.writeHead(200, { ...baseHeaders(), "content-type": "application/binary" });
      const random =
        String(req.headers["x-mock-chunking"] ?? "")
          .trim()
          .toLowerCase() === "random";
      const rng = mulberry32(fnv1a(data, seed));
      let at = 0;
      while (at < data.length && !res.destroyed) {
        const n = random ? randInt(rng, 1, 64) : data.length;
        const piece = data.subarray(at, at + n);
        at += piece.length;
        if (!res.write(piece))
          await new Promise<void>((r) => {
            res.once("drain", r);
            res.once("close", r);
          });
        if (random) await new Promise<void>((r) => setImmediate(r));
      }
      res.end();
      return true;
    }
    throw new HttpError(405, "invalid_request_error", `Method ${method} not allowed on ${pathname}`);
  }

  // ---- request handling ----------------------------------------------------------------------------------------

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer) {
    const method = req.method ?? "GET";
    const target = req.url ?? "/";
    const pathname = new URL(target, "http://mock.invalid").pathname;
    if (opts.exposeReceived && pathname === RECEIVED_PATH) {
      if (method === "DELETE") received.length = 0;
      const out = Buffer.from(JSON.stringify(method === "GET" ? received : []));
      res.writeHead(200, { "content-type": "application/json", "content-length": out.length });
      return void res.end(out);
    }

    // body as received (decompressed when the request says so)
    let body = raw;
    let decodeError: string | undefined;
    const ce = String(req.headers["content-encoding"] ?? "")
      .trim()
      .toLowerCase();
    try {
      if (ce === "gzip" || ce === "x-gzip") body = zlib.gunzipSync(raw);
      else if (ce === "deflate") body = zlib.inflateSync(raw);
      else if (ce === "br") body = zlib.brotliDecompressSync(raw);
    } catch (e) {
      decodeError = `could not decode request body with content-encoding ${ce}: ${(e as Error).message}`;
      body = raw;
    }
    received.push({ method, path: target, headers: { ...req.headers }, body: body.toString("utf8"), time: Date.now() });

    const sc = parseScenarios(req.headers["x-mock-scenario"]);
    res.on("error", () => {});

    if ((method === "GET" || method === "HEAD") && pathname === "/") {
      return sendJson(req, res, 200, { status: "ok", service: "mock-claude" }, undefined);
    }
    const isMessages = method === "POST" && pathname === "/v1/messages";
    const isCount = method === "POST" && pathname === "/v1/messages/count_tokens";
    const isModels = (method === "GET" || method === "HEAD") && pathname === "/v1/models";
    const isBatches = pathname.startsWith("/v1/messages/batches");
    if (!isMessages && !isCount && !isModels && !isBatches) {
      return sendError(req, res, 404, "not_found_error", `Not found: ${method} ${pathname}`, sc);
    }

    try {
      if (sc.unknown.length) {
        throw new HttpError(
          400,
          "invalid_request_error",
          `mock-claude: unknown x-mock-scenario ${sc.unknown.join(",")}`,
        );
      }
      if (sc.slowMs > 0) await sleep(sc.slowMs, res);
      if (res.destroyed || closed) return;
      if (sc.errorStatus) {
        const [t, m] = errorTypeFor(sc.errorStatus);
        throw new HttpError(sc.errorStatus, t, m);
      }
      if (decodeError) throw new HttpError(400, "invalid_request_error", decodeError);
      if (body.length > MAX_BODY_BYTES) {
        throw new HttpError(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
      }
      checkAuth(req);
      if (isBatches && (await handleBatches(req, res, method, pathname, body, sc))) return;
      if (isBatches) throw new HttpError(404, "not_found_error", `Not found: ${method} ${pathname}`);
      if (isModels) {
        return sendJson(
          req,
          res,
          200,
          {
            data: MODELS.map((m) => ({ type: "model", ...m })),
            has_more: false,
            first_id: MODELS[0].id,
            last_id: MODELS[MODELS.length - 1].id,
          },
          sc,
        );
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch (e) {
        throw new HttpError(
          400,
          "invalid_request_error",
          `There was an error parsing the body of your request: ${(e as Error).message}`,
        );
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new HttpError(400, "invalid_request_error", "The request body must be a JSON object");
      }
      const reqBody = parsed as Record<string, unknown>;
      validateBody(reqBody, isCount ? "count_tokens" : "messages");
      const inputTokens = Math.ceil(body.length / 4);
      if (isCount) return sendJson(req, res, 200, { input_tokens: inputTokens }, sc);

      const bodyHash = fnv1a(body, seed);
      const blocks = buildBlocks(reqBody, sc, bodyHash);
      const stopReason = sc.toolUse ? "tool_use" : "end_turn";
      const outTokens = outputTokens(blocks);
      const id = newId("msg_", bodyHash);
      const model = reqBody.model as string;
      if (reqBody.stream === true) {
        const rng = mulberry32(bodyHash);
        const rngChunks = mulberry32(fnv1a(body, seed ^ 0x5bd1e995));
        // text_delta sizes: 1..12 code units; big-* answers default to 1..1024 so a 10 MB answer is ~13 MB of SSE
        // (not ~200 MB); header x-mock-delta-max: N overrides either
        const dm = Number(req.headers["x-mock-delta-max"] ?? 0);
        const textMax = Number.isInteger(dm) && dm > 0 ? dm : sc.bigBytes > 0 ? 1024 : 12;
        const events = streamEvents({ id, model, inputTokens }, blocks, stopReason, outTokens, rng, textMax);
        return await sendStream(req, res, sc, events, rngChunks);
      }
      return sendJson(
        req,
        res,
        200,
        {
          id,
          type: "message",
          role: "assistant",
          model,
          content: blocks,
          stop_reason: stopReason,
          stop_sequence: null,
          usage: { input_tokens: inputTokens, output_tokens: outTokens },
        },
        sc,
      );
    } catch (e) {
      if (e instanceof HttpError) return sendError(req, res, e.status, e.errType, e.message, sc);
      return sendError(req, res, 500, "api_error", `mock-claude internal error: ${(e as Error).message}`, sc);
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", () => {});
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => {
        try {
          res.destroy();
        } catch {
          /* ignore */
        }
      });
    });
  });
  server.on("clientError", (_err, socket) => {
    try {
      socket.destroy();
    } catch {
      /* ignore */
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    received,
    reset() {
      received.length = 0;
    },
    close() {
      closed = true;
      for (const w of Array.from(wakers)) w();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------------------------------

function isMain(): boolean {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
  } catch {
    return false;
  }
}

async function cliMain(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const mock = await startMockClaude({
    port: Number(arg("--port") ?? 0),
    host: arg("--host") ?? "127.0.0.1",
    seed: arg("--seed") !== undefined ? Number(arg("--seed")) : undefined,
    thinkingSecret: arg("--thinking-secret"),
    exposeReceived: args.includes("--expose-received"),
  });
  process.stdout.write(`mock-claude listening on ${mock.url}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    mock.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (isMain()) {
  cliMain().catch((e) => {
    process.stderr.write(`mock-claude failed to start: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
