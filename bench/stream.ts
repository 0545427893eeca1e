// Streaming restorer benchmark (Node). Run: npx tsx bench/stream.ts   (env: BENCH_MB=10, BENCH_CHUNK=16384, BENCH_RUNS=5)
// Scenarios, from the shared SSE fixtures (spec/fixtures/sse):
//   dense  — Claude-like text deltas of ~6 bytes, an AWS identifier every ~40 bytes, pseudonyms split across deltas;
//   prose  — the same framing (~6-byte text deltas, a ping every 7) with plain prose that holds nothing
//            pseudonym-shaped (the fast path);
//   tools  — the mixed fixture (thinking, citations, tool_use partial_json) repeated.
// Prints MB/s (median of runs), bytes held back per stream (max), and the per-event latency of streamFeed
// (median, p99) when the network delivers one event per chunk: the time a chunk spends in the restorer.
// Exits 1 when an output is not the expected restoration (dense: the reassembled text is the unmasked text, repeated;
// prose: the reassembled text is the prose, repeated; tools: every block of every copy is the fixture's expected content)
// or the median per-event latency is above 1 ms.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createNodeMasker,
  maskText,
  newSession,
  restoreText,
  newStream,
  streamFeed,
  streamFinish,
  streamHeld,
  streamHeldText,
} from "../lib/engine";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "spec", "fixtures", "sse");
const META = JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8"));
const MB = Number(process.env.BENCH_MB ?? 10);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 16384);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const read = (f: string) => readFileSync(join(DIR, f)).toString("latin1");

const sess = newSession(createNodeMasker({ secret: META.secret }), META.scope);
for (const t of META.big.maskInputs) maskText(sess, t, "");

function build(unit: string): string {
  const head = read("big-head.sse");
  const tail = read("big-tail.sse");
  return head + unit.repeat(Math.ceil((MB * 1048576) / unit.length)) + tail;
}

interface Block {
  text: string;
  json: string;
  thinking: string;
  signature: string;
  citations: string[];
}

/** Per content block index, the concatenated deltas of a (latin1) stream, as a client reassembles them. */
function reassemble(stream: string): Record<string, Block>[] {
  const messages: Record<string, Block>[] = [];
  let blocks: Record<string, Block> = {};
  for (const line of stream.split(/\r?\n/)) {
    if (!line.startsWith("data: ")) continue;
    const d = JSON.parse(Buffer.from(line.substring(6), "latin1").toString("utf8"));
    if (d.type === "message_start") messages.push((blocks = {}));
    else if (d.type === "content_block_start")
      blocks[d.index] = { text: "", json: "", thinking: "", signature: "", citations: [] };
    else if (d.type === "content_block_delta") {
      const b = blocks[d.index];
      const t = d.delta.type;
      if (t === "text_delta") b.text += d.delta.text;
      else if (t === "input_json_delta") b.json += d.delta.partial_json;
      else if (t === "thinking_delta") b.thinking += d.delta.thinking;
      else if (t === "signature_delta") b.signature += d.delta.signature;
      else if (t === "citations_delta") b.citations.push(d.delta.citation.cited_text);
    }
  }
  return messages;
}

const unitCount = Math.ceil((MB * 1048576) / read("big-unit.sse").length);
const dense = build(read("big-unit.sse"));
const PROSE = "the deploy went out at noon; the queue drained, the workers caught up and the dashboards stayed calm. ";
const proseUnit = (() => {
  let sse = "";
  for (let at = 0, n = 0; at < PROSE.length; n++) {
    const piece = PROSE.substring(at, at + 1 + ((n * 5) % 11)); // 1..11 bytes, ~6 on average
    at += piece.length;
    sse += `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(piece)}}}\n\n`;
    if (n % 7 === 6) sse += 'event: ping\ndata: {"type": "ping"}\n\n';
  }
  return sse;
})();
const proseCount = Math.ceil((MB * 1048576) / proseUnit.length);
const prose = build(proseUnit);
const toolsBody = read("tools.sse");
const toolsCount = Math.ceil((MB * 1048576) / toolsBody.length);
const tools = toolsBody.repeat(toolsCount);
const TOOLS_EXPECT = META.cases.find((c: { name: string }) => c.name === "tools").expect as Record<
  string,
  Partial<Block>
>;

/** Whether out is the exact restoration of the scenario's input. */
function restoredAsExpected(name: string, out: string): boolean {
  const messages = reassemble(out);
  if (name === "dense") return messages.length === 1 && messages[0]["0"].text === META.big.unitText.repeat(unitCount);
  if (name === "prose") return messages.length === 1 && messages[0]["0"].text === PROSE.repeat(proseCount);
  // tools: every copy's blocks hold the fixture's expected content (signed thinking untouched, text, citations, JSON)
  if (messages.length !== toolsCount) return false;
  return messages.every((m) =>
    Object.entries(TOOLS_EXPECT).every(([index, want]) =>
      Object.entries(want).every(
        ([field, value]) => JSON.stringify(m[index][field as keyof Block]) === JSON.stringify(value),
      ),
    ),
  );
}

let failed = false;
function check(name: string, ok: boolean): void {
  if (!ok) {
    console.error(`FAIL ${name}`);
    failed = true;
  }
}

function throughput(name: string, input: string): void {
  const times: number[] = [];
  let maxHeld = 0;
  let maxText = 0;
  let out = "";
  for (let r = 0; r < RUNS; r++) {
    const st = newStream(sess);
    const parts: string[] = [];
    const t0 = process.hrtime.bigint();
    for (let at = 0; at < input.length; at += CHUNK) {
      parts.push(streamFeed(st, input.substring(at, at + CHUNK)));
      const h = streamHeld(st);
      if (h > maxHeld) maxHeld = h;
      const t = streamHeldText(st);
      if (t > maxText) maxText = t;
    }
    parts.push(streamFinish(st));
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r === 0) out = parts.join("");
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  check(`${name}: output is not the expected restoration`, restoredAsExpected(name, out));
  if (name !== "tools") {
    // (tools carries pseudonyms inside signed thinking blocks, which are never restored)
    check(`${name}: pseudonym left in output`, !sess.entries.some((e) => out.includes(e.pseudonym)));
  }
  console.log(
    `${name.padEnd(6)} ${(input.length / 1048576).toFixed(1)} MB in ${CHUNK} B chunks: ${(input.length / 1048576 / (med / 1000)).toFixed(1)} MB/s (median of ${RUNS}), held max ${maxText} B text / ${maxHeld} B incl. partial event`,
  );
}

function latency(name: string, input: string): void {
  // one event per chunk, as a streaming upstream delivers them
  const evs = input.split(/(?<=\n\n)/).slice(0, 20000);
  const st = newStream(sess);
  const lat: number[] = [];
  for (const e of evs) {
    const t0 = process.hrtime.bigint();
    streamFeed(st, e);
    lat.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  streamFinish(st);
  lat.sort((a, b) => a - b);
  const med = lat[Math.floor(lat.length / 2)];
  const p99 = lat[Math.floor(lat.length * 0.99)];
  console.log(
    `${name.padEnd(6)} per-event streamFeed: median ${med.toFixed(2)} µs, p99 ${p99.toFixed(2)} µs (${lat.length} events)`,
  );
  check(`${name}: median per-event latency ${med} µs > 1 ms`, med <= 1000);
}

// sanity: the dense scenario restores to the original text
{
  const st = newStream(sess);
  const unit = read("big-unit.sse");
  const out = streamFeed(st, read("big-head.sse") + unit) + streamFinish(st);
  const text = out
    .split("\n")
    .filter((l) => l.startsWith("data: ") && l.includes('"text_delta"'))
    .map((l) => JSON.parse(Buffer.from(l.substring(6), "latin1").toString("utf8")).delta.text)
    .join("");
  check("dense unit restores exactly", text === META.big.unitText && restoreText(sess, text, false) === text);
}
throughput("dense", dense);
throughput("prose", prose);
throughput("tools", tools);
latency("dense", dense);
latency("tools", tools);
if (failed) process.exit(1);
