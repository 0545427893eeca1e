// Streaming restorer benchmark (Node). Run: npx tsx bench/stream.ts   (env: BENCH_MB=10, BENCH_CHUNK=16384, BENCH_RUNS=5)
// Scenarios, from the shared SSE fixtures (spec/fixtures/sse):
//   dense  — Claude-like text deltas of ~6 bytes, an AWS identifier every ~40 bytes, pseudonyms split across deltas;
//   prose  — the same framing with text that holds no pseudonym (the fast path);
//   tools  — the mixed fixture (thinking, citations, tool_use partial_json) repeated.
// Prints MB/s (median of runs), bytes held back per stream (max), and the per-event latency of streamFeed
// (median, p99) when the network delivers one event per chunk: the time a chunk spends in the restorer.
// Exits 1 when the output is not the expected restoration or the median per-event latency is above 1 ms.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createNodeMasker, maskText, newSession, restoreText } from "../lib/engine";
import { newStream, streamFeed, streamFinish, streamHeld, streamHeldText } from "../plugin-src/kong/plugins/aws-masker/engine/stream";

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
const dense = build(read("big-unit.sse"));
const prose = build(read("big-unit.sse").replace(/[A-Z0-9_]+_[0-9a-z]{1,10}|[A-Z_]+"/g, (m) => m.toLowerCase().replace(/_/g, "-")));
const toolsBody = read("tools.sse");
const tools = toolsBody.repeat(Math.ceil((MB * 1048576) / toolsBody.length));

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
  // correctness: the restored output holds no pseudonym of the session and the text equals the restored input text
  if (name !== "tools") {
    // (tools carries pseudonyms inside signed thinking blocks, which are never restored)
    const left = sess.entries.some((e) => out.includes(e.pseudonym));
    check(`${name}: pseudonym left in output`, !left);
  }
  console.log(`${name.padEnd(6)} ${(input.length / 1048576).toFixed(1)} MB in ${CHUNK} B chunks: ${(input.length / 1048576 / (med / 1000)).toFixed(1)} MB/s (median of ${RUNS}), held max ${maxText} B text / ${maxHeld} B incl. partial event`);
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
  console.log(`${name.padEnd(6)} per-event streamFeed: median ${med.toFixed(2)} µs, p99 ${p99.toFixed(2)} µs (${lat.length} events)`);
  check(`${name}: median per-event latency ${med} µs > 1 ms`, med <= 1000);
}

// sanity: the dense scenario restores to the original text
{
  const st = newStream(sess);
  const unit = read("big-unit.sse");
  const out = streamFeed(st, read("big-head.sse") + unit) + streamFinish(st);
  const text = out.split("\n").filter((l) => l.startsWith("data: ") && l.includes('"text_delta"'))
    .map((l) => JSON.parse(Buffer.from(l.substring(6), "latin1").toString("utf8")).delta.text).join("");
  check("dense unit restores exactly", text === META.big.unitText && restoreText(sess, text, false) === text);
}
throughput("dense", dense);
throughput("prose", prose);
throughput("tools", tools);
latency("dense", dense);
latency("tools", tools);
if (failed) process.exit(1);
