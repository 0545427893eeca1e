// Streamed answers (SSE) through the real gateway (Kong-compatible host + aws-masker + egress nginx + Redis) in front
// of the mock Claude: restoration under every chunking, tool input, mid-stream errors and cuts, client disconnects,
// a 10 MB stream with the workers' memory watched, real streaming (no buffering), and multi-turn conversations with
// signed thinking blocks and tool use. Every "no original upstream" assertion reads what the mock actually received.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync } from "node:fs";
import {
  startStack,
  post,
  messagesBody,
  errorLines,
  PROMPT,
  ORIGINALS,
  assertNoOriginals,
  IDS,
  SECRET,
  type Stack,
} from "./support";
import { parseSSE, assembleMessage } from "../harness/sse";
import { createNodeMasker, newSession, maskJson, policyFor, tenantScope, restoreText } from "../../lib/engine";

let stack: Stack;

beforeAll(async () => {
  // expectedFailedText re-masks with a Node session, which has no tenant memory of names learned by earlier tests
  stack = await startStack({ pluginConfigOverrides: { "aws-masker": { learn_names: false } } });
}, 60000);

afterAll(async () => {
  const errors = stack ? errorLines(stack.gw) : [];
  const log = stack ? stack.gw.errorLog() : "";
  await stack?.stop();
  // no Lua error at any point; the only error lines allowed are nginx's own for the upstream cuts of the stream-cut tests
  expect(luaErrors(errors)).toEqual([]);
  expect(errors.filter((l) => !/upstream prematurely closed connection while reading upstream/.test(l))).toEqual([]);
  expect(assertNoOriginals(log)).toBeUndefined();
});

/** error-level lines that come from Lua (the plugin, the host's PDK, a traceback), not from nginx's proxy module */
function luaErrors(lines: string[]): string[] {
  return lines.filter((l) => /lua|\[kong\]|aws-masker|traceback|attempt to/i.test(l));
}

/** A pseudonym: TAG (upper-case words joined by _) + "_" + 10 hash characters. */
const PSEUDONYM = /[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_[0-9a-z]{10}/;

const streamBody = (content: unknown, extra: Record<string, unknown> = {}) =>
  messagesBody(content, { stream: true, ...extra });

/** The text of every text block of an assembled message, joined. */
function textOf(msg: any): string {
  return msg.content
    .filter((b: any) => b.type === "text")
    .map((b: any) => b.text)
    .join("");
}

/** Text reassembled from text_delta events only (works on a stream that ends with an error or is cut). */
function deltaText(events: ReturnType<typeof parseSSE>): string {
  return events
    .filter((e) => e.data?.type === "content_block_delta" && e.data.delta?.type === "text_delta")
    .map((e) => e.data.delta.text)
    .join("");
}

/** Read a body to its end or its failure (an incomplete chunked body is a network error for fetch). */
async function readAll(res: Response): Promise<{ raw: string; failed: boolean }> {
  const reader = res.body!.getReader();
  const parts: Uint8Array[] = [];
  let failed = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
  } catch {
    failed = true;
  }
  return { raw: Buffer.concat(parts).toString("utf8"), failed };
}

const API_KEY = "sk-test-tenant-a"; // what post() sends

/**
 * What the client must see of a failed stream: replay the exact masked body the gateway forwarded straight to the
 * mock (its answers are deterministic per body), take the text of the complete text_delta events it sends, and
 * restore it with a Node session holding the same pseudonyms (same secret, same tenant scope). Only complete
 * pseudonyms are restored; a pseudonym cut by the error or the cut stays as its masked prefix.
 */
async function expectedFailedText(sent: string, forwarded: string, headers: Record<string, string>): Promise<string> {
  const masker = createNodeMasker({ secret: SECRET });
  const sess = newSession(masker, tenantScope(masker, "consumer", { apiKey: API_KEY }));
  expect(maskJson(sess, sent, policyFor("/v1/messages")).text).toBe(forwarded); // same pseudonyms as the gateway's
  const res = await post(stack.mock.url, "/v1/messages", forwarded, headers);
  const { raw } = await readAll(res);
  const masked = deltaText(parseSSE(raw).filter((e) => e.event !== "error"));
  return restoreText(sess, masked, false);
}

/**
 * text is a prefix of full, restored; only the start of a pseudonym cut by the failure may end it (it cannot be
 * restored: the rest of it never came).
 */
function isRestoredPrefix(text: string, full: string): boolean {
  return full.startsWith(text) || full.startsWith(text.replace(/[A-Z][A-Z0-9_]*(?:_[0-9a-z]{0,9})?$/, ""));
}

function assertMockSawNoOriginals(): void {
  for (const r of stack.mock.received) expect(assertNoOriginals(r.body), r.path).toBeUndefined();
}

describe("streamed text is restored exactly", () => {
  const variants: [string, Record<string, string>][] = [
    ["default chunking", {}],
    ["x-mock-chunking: random", { "x-mock-chunking": "random" }],
    ["x-mock-sse-crlf: 1", { "x-mock-sse-crlf": "1" }],
    ["random chunking + CRLF", { "x-mock-chunking": "random", "x-mock-sse-crlf": "1" }],
  ];
  for (const [name, headers] of variants) {
    it(name, async () => {
      stack.mock.reset();
      const res = await post(stack.gw.url, "/v1/messages", streamBody(PROMPT), headers);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const raw = await res.text();
      if (headers["x-mock-sse-crlf"]) expect(raw).toContain("\r\n\r\n");
      const events = parseSSE(raw);
      const msg = assembleMessage(events);
      expect(textOf(msg)).toBe(`Echo: ${PROMPT}`);
      expect(msg.stop_reason).toBe("end_turn");
      expect(events.at(-1)!.data.type).toBe("message_stop");
      expect(raw).not.toMatch(PSEUDONYM); // no pseudonym left anywhere
      expect(stack.mock.received.length).toBe(1);
      assertMockSawNoOriginals();
      expect(stack.mock.received[0].body).toMatch(/EC2_INSTANCE_[0-9a-z]{10}/);
    });
  }

  it("tool use: streamed input_json_delta restored (input.echo == PROMPT)", async () => {
    for (const headers of [{}, { "x-mock-chunking": "random" }] as Record<string, string>[]) {
      stack.mock.reset();
      const res = await post(stack.gw.url, "/v1/messages", streamBody(PROMPT), {
        "x-mock-scenario": "tool_use",
        ...headers,
      });
      expect(res.status).toBe(200);
      const msg = assembleMessage(parseSSE(await res.text()));
      expect(textOf(msg)).toBe(`Echo: ${PROMPT}`);
      const tool = msg.content.find((b: any) => b.type === "tool_use");
      expect(tool.input.echo).toBe(PROMPT);
      expect(tool.input.words).toEqual(PROMPT.split(/\s+/));
      expect(msg.stop_reason).toBe("tool_use");
      assertMockSawNoOriginals();
    }
  });
});

describe("compression", () => {
  it("a gzip-capable client and a gzip-capable upstream: the stream is still restored (never compressed upstream)", async () => {
    stack.mock.reset();
    const res = await post(stack.gw.url, "/v1/messages", streamBody(PROMPT), {
      "x-mock-scenario": "gzip",
      "accept-encoding": "gzip, deflate, br, zstd",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(textOf(assembleMessage(parseSSE(await res.text())))).toBe(`Echo: ${PROMPT}`);
    expect(stack.mock.received[0].headers["accept-encoding"]).toBeUndefined();
  });
});

describe("stream failures", () => {
  it("an upstream error event mid-stream reaches the client after the restored text, nothing after it", async () => {
    // identifiers right at the start so that the two deltas before the error end inside or just after a pseudonym
    const content = `${IDS.instance} ${IDS.vpc} ${IDS.ip} ${IDS.account}`;
    let sawOriginal = false;
    for (const [max, chunking] of [
      ["8", ""],
      ["16", "random"],
      ["24", ""],
      ["32", "random"],
      ["48", ""],
      ["64", "random"],
    ]) {
      stack.mock.reset();
      const headers: Record<string, string> = { "x-mock-scenario": "stream-error", "x-mock-delta-max": max };
      if (chunking) headers["x-mock-chunking"] = chunking;
      const sent = streamBody(content);
      const res = await post(stack.gw.url, "/v1/messages", sent, headers);
      expect(res.status).toBe(200);
      const raw = await res.text();
      const events = parseSSE(raw);
      const at = events.findIndex((e) => e.event === "error");
      expect(at).toBeGreaterThan(0);
      expect(at).toBe(events.length - 1); // nothing after the error event
      expect(events[at].data).toEqual({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
      expect(raw.slice(raw.lastIndexOf(events[at].raw) + events[at].raw.length).trim()).toBe("");
      // the text before it: everything the upstream sent before the error, restored (held text released first)
      const text = deltaText(events.slice(0, at));
      expect(text, `delta-max ${max}`).toBe(await expectedFailedText(sent, stack.mock.received[0].body, headers));
      expect(isRestoredPrefix(text, `Echo: ${content}`), text).toBe(true);
      if (ORIGINALS.some((o) => text.includes(o))) sawOriginal = true;
      expect(() => assembleMessage(events)).toThrow(/stream error event/);
    }
    expect(sawOriginal).toBe(true); // at least one variant restored an identifier before the error
  });

  it("upstream cut mid-stream: the client gets the restored text so far; the gateway keeps serving", async () => {
    // a longer answer so that the cut falls well inside the text (several identifiers before it)
    const content = `${PROMPT}\n${PROMPT}`;
    for (const headers of [{}, { "x-mock-chunking": "random" }] as Record<string, string>[]) {
      stack.mock.reset();
      const sent = streamBody(content);
      const res = await post(stack.gw.url, "/v1/messages", sent, { "x-mock-scenario": "stream-cut", ...headers });
      expect(res.status).toBe(200);
      const { raw } = await readAll(res);
      const events = parseSSE(raw);
      expect(events[0].data.type).toBe("message_start");
      const text = deltaText(events);
      expect(text.length).toBeGreaterThan(20);
      // (the upstream's cut reaches body_filter as no end of the body: text held back then, the start of a possible
      // pseudonym, is not sent; docs/streaming.md)
      const expected = await expectedFailedText(sent, stack.mock.received[0].body, {
        "x-mock-scenario": "stream-cut",
        ...headers,
      });
      expect([expected, expected.replace(/[A-Z][A-Z0-9_]*(?:_[0-9a-z]{0,9})?$/, "")]).toContain(text);
      expect(isRestoredPrefix(text, `Echo: ${content}`), text).toBe(true);
      expect(text).not.toMatch(/_[0-9a-z]{10}/);
      expect(ORIGINALS.some((o) => text.includes(o))).toBe(true);
      expect(events.some((e) => e.data?.type === "message_stop")).toBe(false);
      assertMockSawNoOriginals();
      // the next request is fine
      const next = await post(stack.gw.url, "/v1/messages", streamBody(PROMPT), headers);
      expect(next.status).toBe(200);
      expect(textOf(assembleMessage(parseSSE(await next.text())))).toBe(`Echo: ${PROMPT}`);
    }
    expect(luaErrors(errorLines(stack.gw))).toEqual([]);
    expect(assertNoOriginals(stack.gw.errorLog())).toBeUndefined();
  });

  it("upstream cut, default chunking: what the client reads is restored, the cut is visible", async () => {
    const content = `${PROMPT}\n${PROMPT}`;
    const res = await post(stack.gw.url, "/v1/messages", streamBody(content), { "x-mock-scenario": "stream-cut" });
    const { raw, failed } = await readAll(res);
    const events = parseSSE(raw);
    const text = deltaText(events);
    expect(text.length).toBeGreaterThan(20);
    expect(isRestoredPrefix(text, `Echo: ${content}`), text).toBe(true);
    expect(events.some((e) => e.data?.type === "message_stop")).toBe(false);
    expect(assertNoOriginals(raw) !== undefined).toBe(true); // originals restored in what arrived
    expect(raw).not.toMatch(PSEUDONYM);
    // recorded, not asserted: whether the client saw the cut as an error (an incomplete chunked body) or a clean end
    console.log(
      `stream-cut: client read ${raw.length} bytes, ${events.length} events, ended with ${failed ? "a network error" : "a clean end"}`,
    );
  });

  it("client disconnect mid-stream: the gateway survives, the next request is fine, no Lua error", async () => {
    for (let i = 0; i < 2; i++) {
      const ac = new AbortController();
      const r = await fetch(stack.gw.url + "/v1/messages", {
        method: "POST",
        signal: ac.signal,
        headers: { "content-type": "application/json", "x-api-key": "sk-test-tenant-a", "x-mock-scenario": "slow-50" },
        body: streamBody(PROMPT),
      });
      expect(r.status).toBe(200);
      const reader = r.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      ac.abort();
      await reader.read().catch(() => undefined);
      await new Promise((ok) => setTimeout(ok, 150)); // the gateway notices on its next write (events 50 ms apart)
      const next = await post(stack.gw.url, "/v1/messages", streamBody(PROMPT), { "x-mock-chunking": "random" });
      expect(next.status).toBe(200);
      expect(textOf(assembleMessage(parseSSE(await next.text())))).toBe(`Echo: ${PROMPT}`);
    }
    expect(luaErrors(errorLines(stack.gw))).toEqual([]);
  }, 20000);
});

// ------------------------------------------------------------------------------------------------------------ memory
function status(pid: number): Record<string, string> {
  try {
    const out: Record<string, string> = {};
    for (const line of readFileSync(`/proc/${pid}/status`, "utf8").split("\n")) {
      const i = line.indexOf(":");
      if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
    }
    return out;
  } catch {
    return {};
  }
}
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
};
/** The gateway's nginx worker processes (children of the master whose -c is the gateway's nginx.conf, not egress). */
function gatewayWorkers(): number[] {
  const pids = stack.gw.pids();
  const master = pids.find((p) => /nginx/.test(cmdline(p)) && / -c \S*\/nginx\.conf/.test(cmdline(p)));
  expect(master, "gateway nginx master").toBeDefined();
  return pids.filter((p) => status(p).PPid === String(master) && /worker process/.test(cmdline(p)));
}
const rssKB = (pid: number) => Number((status(pid).VmRSS ?? "0").replace(/\s*kB$/, ""));

describe("a 10 MB stream", () => {
  it("is restored end to end while the workers' RSS stays bounded", async () => {
    const workers = gatewayWorkers();
    expect(workers.length).toBeGreaterThan(0);
    const before = new Map(workers.map((p) => [p, rssKB(p)]));
    const peak = new Map(before);
    const sample = () => {
      for (const p of workers) peak.set(p, Math.max(peak.get(p)!, rssKB(p)));
    };
    const timer = setInterval(sample, 10);
    stack.mock.reset();
    const t0 = Date.now();
    const res = await post(stack.gw.url, "/v1/messages", streamBody(PROMPT), { "x-mock-scenario": "big-10m" });
    expect(res.status).toBe(200);
    // read incrementally (no 13 MB string until the end: the client's memory is not what is measured)
    const reader = res.body!.getReader();
    const parts: Uint8Array[] = [];
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      bytes += value.length;
    }
    const ms = Date.now() - t0;
    clearInterval(timer);
    sample();
    const after = new Map(workers.map((p) => [p, rssKB(p)]));
    const raw = Buffer.concat(parts).toString("utf8");
    const msg = assembleMessage(parseSSE(raw));
    const text = textOf(msg);
    // the mock repeats the MASKED echo until its text reaches 10 MiB: count the repetitions on the masked length
    const masked: string = JSON.parse(stack.mock.received[0].body).messages[0].content;
    let expected = `Echo: ${PROMPT}`;
    for (let len = `Echo: ${masked}`.length; len < 10 * 1048576; len += 1 + masked.length) expected += `\n${PROMPT}`;
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
    expect(raw).not.toMatch(PSEUDONYM);
    assertMockSawNoOriginals();
    const growth = Math.max(...workers.map((p) => peak.get(p)! - before.get(p)!));
    const fmt = (m: Map<number, number>) => workers.map((p) => `${(m.get(p)! / 1024).toFixed(1)}`).join("/");
    console.log(
      `big-10m: ${(bytes / 1048576).toFixed(1)} MB SSE in ${ms} ms; gateway workers RSS MB before ${fmt(before)}, ` +
        `peak ${fmt(peak)}, after ${fmt(after)}; max growth ${(growth / 1024).toFixed(1)} MB`,
    );
    expect(growth).toBeLessThan(50 * 1024);
  }, 30000);
});

describe("really streamed", () => {
  it("with slow-100 the first event arrives long before the last", async () => {
    const content = `host ${IDS.ip} in ${IDS.vpc}`;
    const t0 = performance.now();
    const res = await post(stack.gw.url, "/v1/messages", streamBody(content), { "x-mock-scenario": "slow-100" });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const arrivals: number[] = [];
    const parts: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push(performance.now() - t0);
      parts.push(value);
    }
    const total = performance.now() - t0;
    const events = parseSSE(Buffer.concat(parts).toString("utf8"));
    expect(textOf(assembleMessage(events))).toBe(`Echo: ${content}`);
    const ttfb = arrivals[0];
    console.log(
      `slow-100: ${events.length} events, first bytes at ${ttfb.toFixed(0)} ms, last at ${total.toFixed(0)} ms, ${arrivals.length} reads`,
    );
    expect(events.length).toBeGreaterThan(8);
    // the mock waits 100 ms before answering and between events: the first event comes ~100 ms in, the last ~N*100 ms
    expect(ttfb).toBeLessThan(400);
    expect(total - ttfb).toBeGreaterThan((events.length - 3) * 100 * 0.8);
    expect(arrivals.length).toBeGreaterThan(events.length / 2); // delivered piecemeal, not in one burst
  }, 15000);
});

// ------------------------------------------------------------------------------------------- multi-turn + thinking
const TOOLS = [
  {
    name: "describe",
    description: "Describe AWS resources",
    input_schema: {
      type: "object",
      properties: { echo: { type: "string" }, words: { type: "array" }, n: { type: "number" } },
    },
  },
];
const TOOL_RESULTS = [
  `Instance ${IDS.instance} runs in ${IDS.vpc}, subnet subnet-0123456789abcdef0, account ${IDS.account}, private IP ${IDS.ip}.`,
  `Role ${IDS.role} may read ${IDS.bucket}; sg-0fedcba9876543210 allows 10.0.12.35 from ${IDS.vpc}.`,
];
const MORE_ORIGINALS = ["subnet-0123456789abcdef0", "sg-0fedcba9876543210", "10.0.12.35"];

async function conversation(stream: boolean): Promise<void> {
  stack.mock.reset();
  const messages: any[] = [{ role: "user", content: PROMPT }];
  const expectedEcho = [PROMPT, ...TOOL_RESULTS];
  let sawThinkingWithPseudonym = false;
  for (let turn = 0; turn < 3; turn++) {
    const body = JSON.stringify({
      model: "claude-sonnet-5",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 1024 },
      tools: TOOLS,
      system: `You operate account ${IDS.account}.`,
      messages,
      ...(stream ? { stream: true } : {}),
    });
    const res = await post(stack.gw.url, "/v1/messages", body, {
      "x-mock-scenario": "tool_use,redacted_thinking",
      ...(stream ? { "x-mock-chunking": "random" } : {}),
    });
    const raw = await res.text();
    expect(res.status, `turn ${turn + 1}: ${raw.slice(0, 300)}`).toBe(200);
    const msg = stream ? assembleMessage(parseSSE(raw)) : JSON.parse(raw);
    expect(msg.content.map((b: any) => b.type)).toEqual(["thinking", "redacted_thinking", "text", "tool_use"]);
    const [thinking, redacted, text, tool] = msg.content;
    expect(redacted.data.length).toBeGreaterThan(20);
    // text and tool input: originals; thinking: untouched (still pseudonyms, as signed)
    expect(text.text).toBe(`Echo: ${expectedEcho[turn]}`);
    expect(tool.input.echo).toBe(expectedEcho[turn]);
    expect(typeof thinking.signature).toBe("string");
    expect(thinking.signature.length).toBeGreaterThan(20);
    expect(assertNoOriginals(thinking.thinking)).toBeUndefined();
    if (/_[0-9a-z]{10}/.test(thinking.thinking)) sawThinkingWithPseudonym = true;
    // the next turn sends the assistant content back exactly as received, plus a tool_result with identifiers
    messages.push({ role: "assistant", content: msg.content });
    if (turn < 2) {
      messages.push({
        role: "user",
        content: [{ type: "tool_result", tool_use_id: tool.id, content: [{ type: "text", text: TOOL_RESULTS[turn] }] }],
      });
    }
  }
  expect(sawThinkingWithPseudonym).toBe(true);
  // each thinking block reached the mock byte-identical to what the client got (signature check passed on it)
  for (let turn = 1; turn < 3; turn++) {
    const sent = JSON.parse(stack.mock.received[turn].body).messages.filter((m: any) => m.role === "assistant");
    for (let a = 0; a < turn; a++) {
      expect(sent[a].content[0]).toEqual(messages[2 * a + 1].content[0]); // thinking
      expect(sent[a].content[1]).toEqual(messages[2 * a + 1].content[1]); // redacted_thinking
    }
  }
  expect(stack.mock.received.length).toBe(3);
  for (const r of stack.mock.received) {
    expect(assertNoOriginals(r.body)).toBeUndefined();
    for (const o of MORE_ORIGINALS) expect(r.body).not.toContain(o);
  }
  // the last turn carried both earlier thinking blocks and tool uses back (the mock verified both signatures)
  const last = JSON.parse(stack.mock.received[2].body);
  expect(last.messages.filter((m: any) => m.role === "assistant").length).toBe(2);
  // a tampered thinking block is refused by the mock (the check is live)
  const tampered = structuredClone(messages.slice(0, 3));
  tampered[1].content[0].thinking += " ";
  const bad = await post(
    stack.gw.url,
    "/v1/messages",
    JSON.stringify({
      model: "claude-sonnet-5",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: tampered,
    }),
  );
  expect(bad.status).toBe(400);
  expect(await bad.text()).toContain("signature");
}

describe("multi-turn conversation with thinking and tool use (three turns)", () => {
  it("streamed", async () => {
    await conversation(true);
  });
  it("non-streaming", async () => {
    await conversation(false);
  });
});
