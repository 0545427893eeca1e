// End-to-end streaming benchmark: the aws-masker gateway vs a plain nginx proxy, same mock Claude, same answer.
// Run: npx tsx bench/stream-gateway.ts
// Env: BENCH_N=200 (requests per path, unpaced run), BENCH_SLOW_N=20 (requests per path, slow-20 run),
//      BENCH_WARMUP=20, BENCH_SLOW_DELTA_MAX=200 (text_delta size of the paced run, to keep it short).
//
// Started in one run: the mock Claude, the gateway (Kong-compatible host + aws-masker + egress nginx + its own Redis)
// and a plain nginx proxy to the mock (no Lua: the baseline). For information a chain of two plain proxies is also
// measured: the gateway reaches the mock through its egress nginx, so "gateway - plain x2" is the cost of the plugin
// and the Lua host, without the extra hop.
// Requests are interleaved (gateway, plain, plain x2, gateway, ...) so drift hits every path alike. Each answer is
// checked: status 200, complete stream (message_stop), reassembled text == "Echo: " + PROMPT, no pseudonym left.
//
// Bytes held back per stream: the plugin does not expose them, so the same upstream bytes (the mock's answer to the
// exact masked body the gateway forwarded, which is deterministic per body) are run through the Node build of the
// same engine (engine/stream.ts) with the same session pseudonyms (same secret, same tenant scope): st.maxHeld and
// the max of streamHeldText. The Node output is also compared byte for byte with what the gateway delivered.
//
// The mock splits its answer from a hash of the request body, and the gateway forwards pseudonyms (longer than most
// originals): its answers have a different number of text_deltas than the plain paths'. With slow-20 pacing each
// extra event costs 20 ms of TTLB; the "events" column shows the counts so that difference is not taken for gateway cost.
//
// Prints a table and a final line: PASSED, or FAILED: <reasons> (exit 1): added median TTFB (gateway - plain) > 1 ms
// in either run, any failed request or wrong body, a gateway stream differing from the Node engine's output, or an
// error line in the gateway's log. Timings are sensitive to other load on the machine: run it on a quiet one.
import http from "node:http";
import { startGateway, startPlainProxy } from "../host/gateway";
import { startMockClaude } from "../spec/harness/mock-claude";
import { parseSSE, assembleMessage } from "../spec/harness/sse";
import {
  createNodeMasker,
  newSession,
  maskJson,
  policyFor,
  tenantScope,
  newStream,
  streamFeed,
  streamFinish,
  streamHeld,
  streamHeldText,
} from "../lib/engine";

const N = Number(process.env.BENCH_N ?? 200);
const SLOW_N = Number(process.env.BENCH_SLOW_N ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const SLOW_DELTA_MAX = process.env.BENCH_SLOW_DELTA_MAX ?? "200";
const SECRET = "bench-secret-0123456789abcdef0123";
const API_KEY = "sk-bench-tenant";
const TTFB_BUDGET_MS = 1;

// A realistic incident prompt with 20 AWS identifiers (several kinds, some repeated)
const PROMPT = [
  "Incident INC-2291: latency on the checkout service since 09:40 UTC.",
  "EC2 instances i-0a1b2c3d4e5f67890 and i-0f9e8d7c6b5a43210 in vpc-0fedcba9876543210 (subnet-0123456789abcdef0,",
  "subnet-0abcdef1234567890) behind sg-0a1b2c3d4e5f6a7b8 show CPU steal. Private IPs 10.0.12.34, 10.0.13.7.",
  "The task role arn:aws:iam::123456789012:role/checkout-task cannot read s3://acme-prod-invoices/2026/11/ and the",
  "KMS key arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab denies Decrypt.",
  "RDS arn:aws:rds:us-east-1:123456789012:db:checkout-prod is at 95% connections; the NAT nat-0123456789abcdef0",
  "and the endpoint vpce-0a1b2c3d4e5f67890 look fine. AMI ami-0abcdef1234567890, volume vol-0123456789abcdef0,",
  "snapshot snap-0fedcba9876543210. Lambda arn:aws:lambda:us-east-1:123456789012:function:checkout-hook retries.",
  "Access key AKIAIOSFODNN7EXAMPLE was used from 203.0.113.25. What should we check first?",
].join("\n");

interface Sample {
  ttfb: number;
  ttlb: number;
  /** SSE events in the answer */
  events?: number;
  ok: boolean;
  why?: string;
  raw?: Buffer;
}

const agents = new Map<string, http.Agent>();
function agentFor(base: string): http.Agent {
  let a = agents.get(base);
  if (!a) agents.set(base, (a = new http.Agent({ keepAlive: true, maxSockets: 1 })));
  return a;
}

function streamBody(content: string): string {
  return JSON.stringify({
    model: "claude-sonnet-5",
    max_tokens: 4096,
    stream: true,
    messages: [{ role: "user", content }],
  });
}

/** One streamed request: time to the first body byte and to the last, the body checked. */
function once(
  base: string,
  body: string,
  headers: Record<string, string>,
  check: (raw: Buffer) => string | undefined,
  keep = false,
): Promise<Sample> {
  return new Promise((resolve) => {
    const url = new URL("/v1/messages", base);
    let ttfb = -1;
    const chunks: Buffer[] = [];
    const t0 = performance.now();
    const req = http.request(
      url,
      {
        method: "POST",
        agent: agentFor(base),
        headers: {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
          "x-api-key": API_KEY,
          "anthropic-version": "2023-06-01",
          ...headers,
        },
      },
      (res) => {
        res.on("data", (c: Buffer) => {
          if (ttfb < 0) ttfb = performance.now() - t0;
          chunks.push(c);
        });
        res.on("end", () => {
          const ttlb = performance.now() - t0;
          const raw = Buffer.concat(chunks);
          const why =
            res.statusCode !== 200 ? `status ${res.statusCode}: ${raw.toString("utf8").slice(0, 200)}` : check(raw);
          const events = (raw.toString("latin1").match(/\n\r?\n/g) ?? []).length;
          resolve({ ttfb, ttlb, events, ok: why === undefined, why, raw: keep ? raw : undefined });
        });
        res.on("error", (e) =>
          resolve({ ttfb, ttlb: performance.now() - t0, ok: false, why: `response error: ${e.message}` }),
        );
      },
    );
    req.on("error", (e) =>
      resolve({ ttfb, ttlb: performance.now() - t0, ok: false, why: `request error: ${e.message}` }),
    );
    req.end(body);
  });
}

const PSEUDONYM = /[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_[0-9a-z]{10}/;
function checkAnswer(raw: Buffer): string | undefined {
  const text = raw.toString("utf8");
  const events = parseSSE(text);
  if (events.at(-1)?.data?.type !== "message_stop") return "stream incomplete (no message_stop at the end)";
  let msg: any;
  try {
    msg = assembleMessage(events);
  } catch (e) {
    return `unparseable stream: ${(e as Error).message}`;
  }
  const got = msg.content
    .filter((b: any) => b.type === "text")
    .map((b: any) => b.text)
    .join("");
  if (got !== `Echo: ${PROMPT}`) return `wrong text: ${JSON.stringify(got.slice(0, 160))}...`;
  const left = text.match(PSEUDONYM);
  if (left) return `pseudonym left in the answer: ${left[0]}`;
  return undefined;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const median = (s: number[]) => pct(s, 50);
const sortN = (xs: number[]) => [...xs].sort((a, b) => a - b);

interface Path {
  name: string;
  base: string;
  samples: Sample[];
}

async function run(
  label: string,
  paths: Path[],
  n: number,
  headers: Record<string, string>,
  warmup: number,
): Promise<string[]> {
  const failures: string[] = [];
  const body = streamBody(PROMPT);
  for (let i = 0; i < warmup; i++) for (const p of paths) await once(p.base, body, headers, checkAnswer);
  for (const p of paths) p.samples = [];
  for (let i = 0; i < n; i++) {
    // rotate the order too, so no path always goes first after an idle gap
    for (let k = 0; k < paths.length; k++) {
      const p = paths[(i + k) % paths.length];
      const s = await once(p.base, body, headers, checkAnswer);
      p.samples.push(s);
      if (!s.ok && failures.length < 5) failures.push(`${label}/${p.name} request ${i}: ${s.why}`);
    }
  }
  return failures;
}

function table(label: string, paths: Path[]): { addedTtfb: number; addedPlugin?: number; rows: string[] } {
  const rows: string[] = [];
  rows.push(`${label}`);
  rows.push(
    `  ${"path".padEnd(12)} ${"n".padStart(4)} ${"fail".padStart(4)} ${"TTFB med".padStart(9)} ${"TTFB p99".padStart(9)} ${"TTLB med".padStart(9)} ${"TTLB p99".padStart(9)} ${"events".padStart(6)}   (ms)`,
  );
  const med: Record<string, number> = {};
  for (const p of paths) {
    const good = p.samples.filter((s) => s.ok);
    const f = sortN(good.map((s) => s.ttfb));
    const l = sortN(good.map((s) => s.ttlb));
    med[p.name] = median(f);
    rows.push(
      `  ${p.name.padEnd(12)} ${String(p.samples.length).padStart(4)} ${String(p.samples.length - good.length).padStart(4)} ` +
        `${median(f).toFixed(3).padStart(9)} ${pct(f, 99).toFixed(3).padStart(9)} ${median(l).toFixed(3).padStart(9)} ${pct(l, 99).toFixed(3).padStart(9)} ${String(median(sortN(good.map((s) => s.events ?? 0)))).padStart(6)}`,
    );
  }
  const addedTtfb = med["gateway"] - med["plain"];
  const addedPlugin = med["plain x2"] !== undefined ? med["gateway"] - med["plain x2"] : undefined;
  rows.push(
    `  added TTFB (median): gateway - plain = ${addedTtfb.toFixed(3)} ms` +
      (addedPlugin !== undefined ? `; gateway - plain x2 (plugin + Lua host) = ${addedPlugin.toFixed(3)} ms` : ""),
  );
  return { addedTtfb, addedPlugin, rows };
}

async function main(): Promise<void> {
  const mock = await startMockClaude({ port: 0 });
  const gw = await startGateway({ upstream: mock.url, env: { AWS_MASKER_SECRET: SECRET }, log: () => {} });
  const plain = await startPlainProxy({ upstream: mock.url, workers: 2 });
  const inner = await startPlainProxy({ upstream: mock.url, workers: 1, name: "inner" });
  const chain = await startPlainProxy({ upstream: inner.url, workers: 2, name: "outer" });
  const failures: string[] = [];
  try {
    const paths: Path[] = [
      { name: "gateway", base: gw.url, samples: [] },
      { name: "plain", base: plain.url, samples: [] },
      { name: "plain x2", base: chain.url, samples: [] },
    ];
    const answerInfo = await once(gw.url, streamBody(PROMPT), {}, checkAnswer, true);
    if (!answerInfo.ok) failures.push(`probe: ${answerInfo.why}`);
    const sseBytes = answerInfo.raw?.length ?? 0;
    const events = answerInfo.raw ? parseSSE(answerInfo.raw.toString("utf8")).length : 0;
    const ids = (mock.received.at(-1)?.body.match(new RegExp(PSEUDONYM.source, "g")) ?? []).length;

    console.log(
      `prompt: ${PROMPT.length} chars, ${ids} pseudonyms in the masked request; answer: ${sseBytes} B of SSE, ${events} events`,
    );
    console.log(
      `requests per path: ${N} unpaced, ${SLOW_N} with slow-20 (text_delta <= ${SLOW_DELTA_MAX}); warm-up ${WARMUP}; interleaved\n`,
    );

    mock.reset();
    failures.push(...(await run("unpaced", paths, N, {}, WARMUP)));
    const fast = table(`unpaced stream (${N} requests per path)`, paths);
    for (const p of paths) {
      const failed = p.samples.filter((s) => !s.ok).length;
      if (failed > 0)
        failures.push(`${p.name}: ${failed} of ${p.samples.length} unpaced requests failed or returned a wrong body`);
      if (p.samples.length !== N)
        failures.push(`${p.name}: ${p.samples.length} unpaced requests measured, ${N} planned`);
    }
    mock.reset();
    failures.push(
      ...(await run("slow-20", paths, SLOW_N, { "x-mock-scenario": "slow-20", "x-mock-delta-max": SLOW_DELTA_MAX }, 2)),
    );
    const slow = table(`slow-20 paced stream (${SLOW_N} requests per path)`, paths);
    for (const r of [...fast.rows, "", ...slow.rows]) console.log(r);

    // ---- bytes held back per stream: same upstream bytes, same session, Node build of the engine
    mock.reset();
    const body = streamBody(PROMPT);
    const viaGw = await once(gw.url, body, {}, checkAnswer, true);
    const forwarded = mock.received.at(-1)!.body;
    const masker = createNodeMasker({ secret: SECRET });
    const sess = newSession(masker, tenantScope(masker, "consumer", { apiKey: API_KEY }));
    const masked = maskJson(sess, body, policyFor("/v1/messages")).text;
    let heldNote = "";
    if (masked !== forwarded) {
      failures.push(
        "held-bytes replay: the Node session does not reproduce the gateway's masked body (different pseudonyms)",
      );
    } else {
      let maxHeld = 0;
      let maxText = 0;
      let identical = true;
      for (const mode of ["per event", "random 1..64 B"]) {
        const upstream = await once(
          mock.url,
          masked,
          mode === "per event" ? {} : { "x-mock-chunking": "random" },
          () => undefined,
          true,
        );
        // replay in the mock's own write sizes is not observable here; feed per event and in random small cuts
        const bytes = upstream.raw!.toString("latin1");
        const cuts: string[] = [];
        if (mode === "per event") cuts.push(...bytes.split(/(?<=\n\n)/));
        else {
          let seed = 12345;
          for (let at = 0; at < bytes.length;) {
            seed = (seed * 16807) % 2147483647;
            const len = 1 + (seed % 64);
            cuts.push(bytes.slice(at, at + len));
            at += len;
          }
        }
        const st = newStream(sess);
        let out = "";
        for (const c of cuts) {
          out += streamFeed(st, c);
          maxHeld = Math.max(maxHeld, streamHeld(st), st.maxHeld);
          maxText = Math.max(maxText, streamHeldText(st));
        }
        out += streamFinish(st);
        // message ids are unique per answer: compare everything else byte for byte
        const norm = (x: string) => x.replace(/msg_[0-9a-zA-Z]+/g, "msg_X");
        if (norm(out) !== norm(viaGw.raw!.toString("latin1"))) identical = false;
      }
      heldNote = `held back per stream (Node replay of the same upstream bytes and session): max ${maxText} B of text, max ${maxHeld} B incl. a partial event (maxLen ${sess.maxLen}); Node output ${identical ? "byte-identical to" : "DIFFERS from"} the gateway's`;
      if (!identical)
        failures.push("the gateway's restored stream differs from the Node engine's output on the same bytes");
    }
    console.log("\n" + heldNote);

    const errs = gw
      .errorLog()
      .split("\n")
      .filter((l) => /\[(error|crit|alert|emerg)\]/.test(l));
    if (errs.length) failures.push(`gateway error log: ${errs.length} error lines, first: ${errs[0]}`);
    if (!(fast.addedTtfb <= TTFB_BUDGET_MS))
      failures.push(`added median TTFB ${fast.addedTtfb.toFixed(3)} ms > ${TTFB_BUDGET_MS} ms (unpaced)`);
    if (!(slow.addedTtfb <= TTFB_BUDGET_MS))
      failures.push(`added median TTFB ${slow.addedTtfb.toFixed(3)} ms > ${TTFB_BUDGET_MS} ms (slow-20)`);
    for (const p of paths) {
      const failed = p.samples.filter((s) => !s.ok).length;
      if (failed > 0)
        failures.push(`${p.name}: ${failed} of ${p.samples.length} slow-20 requests failed or returned a wrong body`);
      if (p.samples.length !== SLOW_N)
        failures.push(`${p.name}: ${p.samples.length} slow-20 requests measured, ${SLOW_N} planned`);
    }
  } catch (e) {
    failures.push(`bench crashed: ${(e as Error).stack ?? e}`);
  } finally {
    for (const a of agents.values()) a.destroy();
    await chain.stop();
    await inner.stop();
    await plain.stop();
    await gw.stop();
    await mock.close();
  }
  const total = failures.length;
  console.log(total === 0 ? "PASSED" : `FAILED: ${failures.join("; ")}`);
  process.exit(total === 0 ? 0 : 1);
}

main();
