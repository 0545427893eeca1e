// Streaming restoration (issue #4): the SSE fixtures of spec/fixtures/sse fed in thousands of seeded chunkings.
// spec/lua/stream_spec.lua runs the same fixtures, chunkings and expected digests under LuaJIT.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createNodeMasker,
  maskText,
  newSession,
  Session,
  newStream,
  streamFeed,
  streamFeedParts,
  streamFinish,
  streamHeld,
  streamHeldText,
  StreamState,
} from "../../lib/engine";
import { chunkSizes, digest } from "./stream-support";

const DIR = join(__dirname, "..", "fixtures", "sse");
const META = JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8"));

interface Ev {
  raw: string;
  name: string;
  data: any;
}

/** Complete events of a latin1 (byte) string; a trailing incomplete event is ignored, as SSE clients do. */
function events(s: string): Ev[] {
  const out: Ev[] = [];
  const re = /\r?\n\r?\n/g;
  let at = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const raw = s.substring(at, m.index + m[0].length);
    at = m.index + m[0].length;
    const lines = raw.split(/\r?\n/);
    let name = "message";
    let data: any;
    for (const l of lines) {
      if (l.startsWith("event:")) name = l.substring(6).trim();
      else if (l.startsWith("data:"))
        data = JSON.parse(Buffer.from(l.substring(5).trimStart(), "latin1").toString("utf8"));
    }
    out.push({ raw, name, data });
  }
  return out;
}

const RESTORED = new Set(["text_delta", "input_json_delta", "citations_delta"]);
const isRestored = (e: Ev) =>
  (e.data?.type === "content_block_delta" && RESTORED.has(e.data.delta?.type)) || e.data?.type === "message_delta";

interface Block {
  text: string;
  json: string;
  thinking: string;
  signature: string;
  citations: string[];
}

function reassemble(evs: Ev[]): Record<string, Block> {
  const blocks: Record<string, Block> = {};
  const stopped = new Set<number>();
  let errored = false;
  for (const e of evs) {
    const d = e.data;
    if (d === undefined) continue;
    if (d.type === "error") errored = true;
    if (d.type === "content_block_start")
      blocks[d.index] = { text: "", json: "", thinking: "", signature: "", citations: [] };
    if (d.type === "content_block_stop") stopped.add(d.index);
    if (d.type !== "content_block_delta") continue;
    expect(stopped.has(d.index), `delta for block ${d.index} after its stop`).toBe(false);
    expect(errored, "delta after the error event").toBe(false);
    const b = blocks[d.index];
    const t = d.delta.type;
    if (t === "text_delta") b.text += d.delta.text;
    else if (t === "input_json_delta") b.json += d.delta.partial_json;
    else if (t === "thinking_delta") b.thinking += d.delta.thinking;
    else if (t === "signature_delta") b.signature += d.delta.signature;
    else if (t === "citations_delta") b.citations.push(d.delta.citation.cited_text);
  }
  return blocks;
}

function session(inputs: string[]): Session {
  const s = newSession(createNodeMasker({ secret: META.secret }), META.scope);
  for (const t of inputs) maskText(s, t, "");
  return s;
}

function run(st: StreamState, input: string, sizes: number[], bound?: (st: StreamState) => void): string {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(streamFeed(st, input.substring(at, at + n)));
    at += n;
    if (bound) bound(st);
  }
  out.push(streamFinish(st));
  return out.join("");
}

describe("stream: SSE fixtures in seeded chunkings", () => {
  for (const c of META.cases) {
    it(`${c.name}: ${c.chunkings.length} chunkings restore exactly, pass the rest through byte-identical`, () => {
      const input = readFileSync(join(DIR, c.file)).toString("latin1");
      const sess = session(c.maskInputs);
      const inEvents = events(input);
      const kept = inEvents.filter((e) => !isRestored(e)).map((e) => e.raw);
      let maxText = 0;
      let maxHeld = 0;
      let splits = 0;
      for (let k = 0; k < c.chunkings.length; k++) {
        const [seed, max] = c.chunkings[k];
        const sizes = chunkSizes(seed, max, input.length);
        splits += sizes.length - 1;
        const st = newStream(sess, c.maxEvent);
        const out = run(st, input, sizes, (s) => {
          maxText = Math.max(maxText, streamHeldText(s));
          maxHeld = Math.max(maxHeld, streamHeld(s));
        });
        expect(
          digest(out),
          `${c.name} chunking ${k} (seed ${seed}, max ${max}): output differs from the recorded one`,
        ).toEqual(c.digests[k]);
        if (k > 60 && k % 10 !== 0) continue; // full semantic checks on a subset; the digest pins the rest
        const outEvents = events(out);
        expect(outEvents.filter((e) => !isRestored(e)).map((e) => e.raw)).toEqual(kept);
        const blocks = reassemble(outEvents);
        for (const [idx, want] of Object.entries(c.expect as Record<string, any>)) {
          const b = blocks[idx];
          expect(b, `block ${idx}`).toBeDefined();
          if (want.text !== undefined) expect(b.text).toBe(want.text);
          if (want.json !== undefined) {
            expect(b.json).toBe(want.json);
            JSON.parse(b.json);
          }
          if (want.thinking !== undefined) expect(b.thinking).toBe(want.thinking);
          if (want.signature !== undefined) expect(b.signature).toBe(want.signature);
          if (want.citations !== undefined) expect(b.citations).toEqual(want.citations);
        }
        const stopped = outEvents.find((e) => e.data?.type === "message_delta");
        if (stopped !== undefined) expect(stopped.data.delta.stop_sequence).toBe(c.stopSequence ?? null);
        if (c.error) expect(outEvents[outEvents.length - 1].data.type).toBe("error");
        if (c.cut) expect(out.endsWith(input.substring(input.lastIndexOf("\n\n") + 2))).toBe(true);
      }
      // a held tail never exceeds the longest pseudonym minus one
      expect(maxText).toBeLessThanOrEqual(sess.maxLen - 1);
      expect(maxHeld).toBeLessThanOrEqual((c.maxEvent ?? 1048576) + 4096 + sess.maxLen);
      expect(splits).toBeGreaterThan(1000);
    });
  }

  it("tools: thinking, signature and redacted_thinking come out byte-identical", () => {
    const c = META.cases.find((x: any) => x.name === "tools");
    const input = readFileSync(join(DIR, c.file)).toString("latin1");
    const sess = session(c.maskInputs);
    const out = run(newStream(sess), input, chunkSizes(7, 13, input.length));
    const signed = (e: Ev) =>
      e.data?.delta?.type === "thinking_delta" ||
      e.data?.delta?.type === "signature_delta" ||
      e.data?.content_block?.type === "redacted_thinking";
    const want = events(input)
      .filter(signed)
      .map((e) => e.raw);
    expect(want.length).toBeGreaterThan(3);
    expect(
      events(out)
        .filter(signed)
        .map((e) => e.raw),
    ).toEqual(want);
    // they do carry pseudonyms of this session: untouched on purpose
    expect(want.join("")).toMatch(/SECURITY_GROUP_[0-9a-z]{10}/);
    expect(want.join("")).toMatch(/AMI_[0-9a-z]{10}/);
  });

  it("events in Claude's exact layout (matched whole) restore exactly as the generic scan restores the same events", () => {
    // the generic scan also reads "event:content_block_delta" (no space) and "data:{...}": the same events in that
    // layout miss the whole-event match, and must come out with the same content
    for (const name of ["text", "tools", "crlf"]) {
      const c = META.cases.find((x: any) => x.name === name);
      const input = readFileSync(join(DIR, c.file)).toString("latin1");
      const generic = input.replace(/event: /g, "event:").replace(/data: /g, "data:");
      expect(generic).not.toBe(input);
      for (let k = 1; k < 20; k++) {
        const sizes = chunkSizes(k, 1 + (k % 7) * 11, input.length);
        const fast = run(newStream(session(c.maskInputs)), input, sizes);
        const slow = run(newStream(session(c.maskInputs)), generic, chunkSizes(k, 1 + (k % 7) * 11, generic.length));
        expect(fast.replace(/event: /g, "event:").replace(/data: /g, "data:")).toBe(slow);
      }
    }
  });

  it("fed one whole event per chunk (the gateway's usual chunk, a path of its own) every case restores as fed whole", () => {
    for (const c of META.cases) {
      const input = readFileSync(join(DIR, c.file)).toString("latin1");
      const sizes: number[] = [];
      let at = 0;
      for (const m of input.matchAll(/\r?\n\r?\n/g)) {
        const end = (m.index as number) + m[0].length;
        sizes.push(end - at);
        at = end;
      }
      if (at < input.length) sizes.push(input.length - at);
      expect(sizes.length, c.name).toBeGreaterThan(3);
      const whole = run(newStream(session(c.maskInputs), c.maxEvent), input, [input.length]);
      const perEvent = run(newStream(session(c.maskInputs), c.maxEvent), input, sizes);
      expect(perEvent, c.name).toBe(whole);
    }
  });
  it("streamFeedParts gives streamFeed's output in parts (a list where it rewrote), one event per call and in 7-byte chunks", () => {
    let lists = 0;
    for (const c of META.cases) {
      const input = readFileSync(join(DIR, c.file)).toString("latin1");
      const cuts = [...input.matchAll(/\r?\n\r?\n/g)].map((m) => (m.index as number) + m[0].length);
      const perEvent = cuts.map((end, k) => end - (k > 0 ? cuts[k - 1] : 0));
      const sevens = Array.from({ length: Math.ceil(input.length / 7) }, () => 7);
      for (const sizes of [perEvent, sevens]) {
        const joined = newStream(session(c.maskInputs), c.maxEvent);
        const parted = newStream(session(c.maskInputs), c.maxEvent);
        let at = 0;
        for (const n of sizes) {
          const chunk = input.substring(at, at + n);
          at += n;
          const parts = streamFeedParts(parted, chunk);
          if (typeof parts !== "string") {
            lists++;
            expect(parts.length, c.name).toBeGreaterThan(0);
          }
          expect(typeof parts === "string" ? parts : parts.join(""), c.name).toBe(streamFeed(joined, chunk));
        }
        expect(streamFinish(parted), c.name).toBe(streamFinish(joined));
      }
    }
    expect(lists).toBeGreaterThan(0);
  });

  it("two tenants' streams fed turn by turn come out as each fed alone, and neither gets the other's originals", () => {
    // the feeding's output is built in one place for all streams (engine/stream.ts): nothing may carry from one call
    // to the next
    const a = META.cases.find((x: any) => x.name === "text");
    const b = META.cases.find((x: any) => x.name === "tools");
    const inA = readFileSync(join(DIR, a.file)).toString("latin1");
    const inB = readFileSync(join(DIR, b.file)).toString("latin1");
    const sessB = newSession(createNodeMasker({ secret: META.secret + "-other" }), "other-tenant");
    for (const t of b.maskInputs) maskText(sessB, t, "");
    for (let k = 1; k < 30; k++) {
      const sizesA = chunkSizes(k, 1 + (k % 7) * 40, inA.length);
      const sizesB = chunkSizes(k + 100, 1 + (k % 5) * 60, inB.length);
      const aloneA = run(newStream(session(a.maskInputs)), inA, sizesA);
      const aloneB = run(newStream(sessB), inB, sizesB);
      const stA = newStream(session(a.maskInputs));
      const stB = newStream(sessB);
      const outA: string[] = [];
      const outB: string[] = [];
      let atA = 0;
      let atB = 0;
      for (let i = 0; i < Math.max(sizesA.length, sizesB.length); i++) {
        if (i < sizesA.length) outA.push(streamFeed(stA, inA.substring(atA, (atA += sizesA[i]))));
        if (i < sizesB.length) outB.push(streamFeed(stB, inB.substring(atB, (atB += sizesB[i]))));
      }
      outA.push(streamFinish(stA));
      outB.push(streamFinish(stB));
      expect(outA.join("")).toBe(aloneA);
      expect(outB.join("")).toBe(aloneB);
      for (const t of a.maskInputs as string[]) expect(outB.join("")).not.toContain(t);
    }
  });
  it("works on UTF-16 strings as well (Node callers that do not use binary strings)", () => {
    for (const name of ["text", "tools", "crlf"]) {
      const c = META.cases.find((x: any) => x.name === name);
      const input = readFileSync(join(DIR, c.file)).toString("utf8");
      const sess = session(c.maskInputs);
      for (let k = 1; k < 40; k++) {
        const out = run(newStream(sess), input, chunkSizes(k, 1 + (k % 9) * 7, input.length));
        const blocks = reassemble(events(Buffer.from(out, "utf8").toString("latin1")));
        for (const [idx, want] of Object.entries(c.expect as Record<string, any>)) {
          if (want.text !== undefined) expect(blocks[idx].text).toBe(want.text);
          if (want.json !== undefined) expect(blocks[idx].json).toBe(want.json);
        }
      }
    }
  });

  it("a session without pseudonyms passes chunks through untouched; unchanged chunks are returned as is", () => {
    const empty = newSession(createNodeMasker({ secret: "x" }), "s");
    const st = newStream(empty);
    const chunk =
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"EC2_INS';
    expect(streamFeed(st, chunk)).toBe(chunk);
    expect(streamFinish(st)).toBe("");
    const sess = session(["i-0a1b2c3d4e5f67890"]);
    const st2 = newStream(sess);
    const plain =
      'event: ping\ndata: {"type": "ping"}\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hello world"}}\n\n';
    expect(streamFeed(st2, plain)).toBe(plain);
    expect(streamHeld(st2)).toBe(0);
  });

  it("pseudonyms this session did not produce stay masked (no oracle)", () => {
    const sess = session(["i-0a1b2c3d4e5f67890"]);
    const other = session(["i-0ffffffffffffff00"]); // same secret and scope, a different request
    const theirs = other.entries[0].pseudonym;
    const ours = sess.entries[0].pseudonym;
    const st = newStream(sess);
    const ev = (t: string) =>
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${t}"}}\n\n`;
    let out = streamFeed(
      st,
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
    );
    out += streamFeed(st, ev("a " + theirs.substring(0, 7)) + ev(theirs.substring(7) + " b " + ours.substring(0, 3)));
    out += streamFeed(
      st,
      ev(ours.substring(3) + " c") + 'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
    );
    out += streamFinish(st);
    const text = reassemble(events(out))[0].text;
    expect(text).toBe("a " + theirs + " b i-0a1b2c3d4e5f67890 c");
  });

  it("10 MB stream: exact, held bytes bounded", () => {
    const big = META.big;
    const head = readFileSync(join(DIR, big.head)).toString("latin1");
    const unit = readFileSync(join(DIR, big.unit)).toString("latin1");
    const tail = readFileSync(join(DIR, big.tail)).toString("latin1");
    const input = head + unit.repeat(big.repeat) + tail;
    expect(input.length).toBeGreaterThan(10 * 1024 * 1024);
    const sess = session(big.maskInputs);
    const st = newStream(sess);
    let maxText = 0;
    let maxHeld = 0;
    const t0 = performance.now();
    const out = run(st, input, chunkSizes(big.chunking[0], big.chunking[1], input.length), (s) => {
      maxText = Math.max(maxText, streamHeldText(s));
      maxHeld = Math.max(maxHeld, streamHeld(s));
    });
    const ms = performance.now() - t0;
    expect(digest(out)).toEqual(big.digest);
    const text = reassemble(events(out))[0].text;
    expect(text).toBe(big.unitText.repeat(big.repeat));
    expect(maxText).toBeLessThanOrEqual(sess.maxLen - 1);
    expect(maxHeld).toBeLessThan(65536 + 1024);
    console.log(
      `10 MB stream (node): ${(input.length / 1048576 / (ms / 1000)).toFixed(1)} MB/s, max held text ${maxText} B, max held incl. partial event ${maxHeld} B, synthesized ${st.synthesized}, events ${st.events}`,
    );
  });
});
