// Gateway latency benchmark: what aws-masker (Lua host + plugin + Redis) adds over plain nginx proxies, for a 4 KB
// Claude request holding ~20 AWS identifiers, measured in ONE run on ONE machine. A benchmark, not a test: it prints
// figures and a verdict; it prints FAILED (exit 1) when any request failed, any restoration was wrong, or the gateway's
// added median latency over the two-hop plain path exceeds ADDED_MEDIAN_BOUND_MS.
//
//   npx tsx bench/latency.ts
//   env: BENCH_REQUESTS (2000 per path), BENCH_WARMUP (200), BENCH_ROUND (20), BENCH_DURATION (wrk seconds, 10),
//        BENCH_CONNECTIONS ("16,32"), BENCH_WORKERS ("1,2": gateway / first-hop worker counts to run wrk with)
//
// Paths (all end at the same upstream, bench/echo-upstream.lua in its own nginx):
//   (a) plain    client -> plain nginx proxy -> upstream                                  (one hop, no Lua)
//   (b) gateway  client -> gateway nginx (aws-masker, Redis on) -> egress nginx -> upstream (two hops)
//   (c) plain2   client -> plain nginx proxy -> plain nginx proxy -> upstream             (two hops, no Lua)
// (b) - (c) is the plugin's (and Lua host's) cost; (c) - (a) is the cost of the extra hop.
//
// Upstream choice: the mock Claude is Node (single thread, ~45-50k RPS ceiling and ~100+ us per request), which would
// dominate and blur a sub-millisecond difference. The echo upstream is nginx + a few lines of Lua (cjson decode of the
// body, one encode of the echoed text); it costs the same on every path, and unlike a static `return 200` it lets the
// client check that the gateway restored the originals (the upstream only ever sees pseudonyms on path (b)).
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startGateway, startPlainProxy, freePort, type Gateway } from "../host/gateway";
import { NGINX_MODULES } from "../host/nginx";
import { createNodeMasker, newSession, maskJson, policyFor } from "../lib/engine";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ADDED_MEDIAN_BOUND_MS = 2;
const N = Number(process.env.BENCH_REQUESTS ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const ROUND = Number(process.env.BENCH_ROUND ?? 20);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "16,32").split(",").map(Number);
const WORKER_SETS = (process.env.BENCH_WORKERS ?? "1,2").split(",").map(Number);
const SECRET = "bench-secret-0123456789abcdef0123";
const API_KEY = "sk-bench-tenant-0001";

// ------------------------------------------------------------------------------------------------------- the body
// A realistic Claude Code style request, built once: system prompt, an earlier turn with a tool round trip, and a last
// user message (text blocks) holding most identifiers, which the upstream echoes.
const IDS = [
  "i-0a1b2c3d4e5f67890", "i-1b2c3d4e5f6a78901", "vpc-0fedcba9876543210", "subnet-0a1b2c3d", "sg-0123456789abcdef0",
  "vol-049df61146c4d7901", "ami-0abcdef1234567890", "eni-0e3f1a2b3c4d5e6f7", "nat-0a9b8c7d6e5f40312",
  "arn:aws:iam::123456789012:role/deploy-bot", "arn:aws:lambda:eu-west-1:123456789012:function:checkout-worker",
  "10.0.12.34", "10.0.13.7", "54.239.28.85", "123456789012", "snap-0b5e4f1d9c3a2e8f7", "rtb-0123abcd4567ef890",
  "AKIAIOSFODNN7EXAMPL2", "orders-db.c9akciq32.eu-west-1.rds.amazonaws.com", "ip-10-0-12-34.eu-west-1.compute.internal",
];
function buildBody(): { body: string; echo: string } {
  const lastText =
    `The checkout API still returns 502s. Instance ${IDS[0]} (${IDS[6]}, private IP ${IDS[11]}, DNS ${IDS[19]}) and ` +
    `${IDS[1]} (${IDS[12]}) sit in ${IDS[2]}, subnet ${IDS[3]}, security group ${IDS[4]}. The root volume ${IDS[5]} ` +
    `was restored from ${IDS[15]} yesterday; ENI ${IDS[7]} routes through ${IDS[8]} via ${IDS[16]}. ` +
    `The deploy ran as ${IDS[9]} and invoked ${IDS[10]} in account ${IDS[14]}; the database is ${IDS[18]}. ` +
    `Health checks come from ${IDS[13]}. Someone committed the key ${IDS[17]} last week.\n` +
    `What should I check first, and which commands can I run read-only?`;
  const body: any = {
    model: "claude-sonnet-5",
    max_tokens: 4096,
    system: [{ type: "text", text: "", cache_control: { type: "ephemeral" } }],
    tools: [{ name: "describe_instances", description: "Describe EC2 instances by id",
      input_schema: { type: "object", properties: { ids: { type: "array", items: { type: "string" } } }, required: ["ids"] } }],
    messages: [
      { role: "user", content: `Checkout behind the ALB fails since the 10:30 UTC deploy; instance ${IDS[0]} first.` },
      { role: "assistant", content: [
        { type: "text", text: "Let me look at the instances in the target group." },
        { type: "tool_use", id: "toolu_01XFDUDYJgAACzvnptvVoYEL", name: "describe_instances", input: { ids: [IDS[0], IDS[1]] } }] },
      { role: "user", content: [
        { type: "tool_result", tool_use_id: "toolu_01XFDUDYJgAACzvnptvVoYEL",
          content: JSON.stringify({ Instances: [{ InstanceId: IDS[0], VpcId: IDS[2], State: "running" }, { InstanceId: IDS[1], VpcId: IDS[2], State: "running" }] }) },
        { type: "text", text: lastText }] },
    ],
    metadata: { user_id: "user_bench_session_7f3a" },
    stream: false,
  };
  const sentence = "You are an SRE assistant for the platform team. Answer precisely, cite the resources you reason about, " +
    "and propose commands the on-call engineer can run; prefer read-only commands and explain any change first. ";
  let sys = "";
  // pad the system prompt (no identifiers) to a 4096-byte body
  while (Buffer.byteLength(JSON.stringify({ ...body, system: [{ ...body.system[0], text: sys + sentence }] })) <= 4096) sys += sentence;
  const missing = 4096 - Buffer.byteLength(JSON.stringify({ ...body, system: [{ ...body.system[0], text: sys }] }));
  sys += "x".repeat(Math.max(0, missing - 1)) + ".";
  body.system[0].text = sys;
  return { body: JSON.stringify(body), echo: lastText };
}
const { body: BODY, echo: ECHO } = buildBody();
const BODY_MD5 = createHash("md5").update(BODY).digest("hex");
const MASKED_COUNT = (() => {
  const sess = newSession(createNodeMasker({ secret: SECRET }), "bench");
  const r = maskJson(sess, BODY, policyFor("/v1/messages"));
  return r.text === undefined ? -1 : sess.entries.length;
})();
const REQUEST = Buffer.from(
  `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-api-key: ${API_KEY}\r\n` +
    `anthropic-version: 2023-06-01\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`,
);

// ----------------------------------------------------------------------------------------------- echo upstream
interface Proc { child: ChildProcess; stop(): Promise<void>; url: string; errorLog(): string }

async function waitPort(port: number, child: ChildProcess, what: string, log: () => string): Promise<void> {
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    if (child.exitCode !== null) break;
    const ok = await new Promise<boolean>((res) => {
      const s = net.connect({ port, host: "127.0.0.1" }, () => { s.destroy(); res(true); });
      s.once("error", () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not start: ${log()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => { clearTimeout(t); resolve(); });
    child.kill("SIGTERM");
  });
}

async function startEchoUpstream(dir: string, workers: number): Promise<Proc> {
  const port = await freePort();
  mkdirSync(path.join(dir, "tmp"), { recursive: true });
  mkdirSync(path.join(dir, "logs"), { recursive: true });
  const conf = `${NGINX_MODULES.map((m) => `load_module ${m};`).join("\n")}
worker_processes ${workers};
daemon off;
master_process on;
pid ${dir}/echo.pid;
error_log ${dir}/logs/echo.error.log warn;
events { worker_connections 4096; multi_accept on; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/client_body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  server_tokens off;
  keepalive_requests 1000000;
  client_max_body_size 0;
  client_body_buffer_size 64k;
  lua_code_cache on;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / { default_type application/json; content_by_lua_file ${path.join(HERE, "echo-upstream.lua")}; }
  }
}
`;
  const confPath = path.join(dir, "echo.nginx.conf");
  writeFileSync(confPath, conf);
  const logFile = path.join(dir, "logs", "echo.error.log");
  const child = spawn("nginx", ["-p", dir, "-c", confPath, "-e", logFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const errorLog = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "") + stderr;
  await waitPort(port, child, "echo upstream nginx", errorLog);
  return { child, url: `http://127.0.0.1:${port}`, errorLog, stop: () => stopChild(child) };
}

// ------------------------------------------------------------------------------------- keep-alive raw HTTP client
// One connection, one request at a time, the same pre-built bytes each time: the least client overhead Node allows.
interface Answer { status: number; headers: Record<string, string>; body: Buffer }

class KeepAliveClient {
  private sock!: net.Socket;
  private buf = Buffer.alloc(0);
  private pending?: { resolve(a: Answer): void; reject(e: Error): void };
  constructor(private port: number) {}

  async connect(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.sock = net.connect({ port: this.port, host: "127.0.0.1", noDelay: true }, () => resolve());
      this.sock.once("error", reject);
    });
    this.buf = Buffer.alloc(0);
    this.sock.on("data", (d) => { this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d; this.tryParse(); });
    this.sock.on("error", (e) => this.fail(e));
    this.sock.on("close", () => this.fail(new Error("connection closed")));
  }

  private fail(e: Error): void {
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }

  private tryParse(): void {
    if (!this.pending) return;
    const he = this.buf.indexOf("\r\n\r\n");
    if (he < 0) return;
    const head = this.buf.subarray(0, he).toString("latin1").split("\r\n");
    const status = Number(head[0].split(" ")[1]);
    const headers: Record<string, string> = {};
    for (const l of head.slice(1)) {
      const i = l.indexOf(":");
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    let pos = he + 4;
    let body: Buffer;
    if (headers["content-length"] !== undefined) {
      const n = Number(headers["content-length"]);
      if (this.buf.length < pos + n) return;
      body = this.buf.subarray(pos, pos + n);
      pos += n;
    } else if ((headers["transfer-encoding"] ?? "").toLowerCase().includes("chunked")) {
      const parts: Buffer[] = [];
      for (;;) {
        const le = this.buf.indexOf("\r\n", pos);
        if (le < 0) return;
        const size = parseInt(this.buf.subarray(pos, le).toString("latin1"), 16);
        if (size === 0) {
          const te = this.buf.indexOf("\r\n", le + 2); // no trailers expected: the next CRLF ends the message
          if (te < 0) return;
          pos = te + 2;
          break;
        }
        if (this.buf.length < le + 2 + size + 2) return;
        parts.push(this.buf.subarray(le + 2, le + 2 + size));
        pos = le + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      this.fail(new Error(`answer without length (status ${status})`));
      return;
    }
    this.buf = this.buf.subarray(pos);
    const p = this.pending;
    this.pending = undefined;
    p.resolve({ status, headers, body: Buffer.from(body) });
  }

  request(bytes: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.sock.write(bytes);
    });
  }

  close(): void {
    this.sock.removeAllListeners("close");
    this.sock.destroy();
  }
}

// ------------------------------------------------------------------------------------------------------ validation
type PathKey = "a" | "b" | "c";
const PATH_LABEL: Record<PathKey, string> = {
  a: "(a) plain nginx -> upstream",
  b: "(b) gateway (aws-masker, Redis) -> egress nginx -> upstream",
  c: "(c) plain nginx -> plain nginx -> upstream",
};

/** undefined when the answer is right; else why not */
function check(key: PathKey, a: Answer): string | undefined {
  if (a.status !== 200) return `status ${a.status}: ${a.body.toString("utf8").slice(0, 200)}`;
  if (a.headers["x-aws-masker-degraded"]) return `gateway degraded: ${a.headers["x-aws-masker-degraded"]}`;
  let text: unknown;
  try {
    text = JSON.parse(a.body.toString("utf8"))?.content?.[0]?.text;
  } catch (e) {
    return `answer is not JSON: ${(e as Error).message}`;
  }
  if (text !== ECHO) return `echoed text differs from the original (restoration wrong): ${String(text).slice(0, 160)}...`;
  const md5 = a.headers["x-bench-body-md5"];
  if (key === "b" && md5 === BODY_MD5) return "the upstream received the original body (not masked)";
  if (key !== "b" && md5 !== BODY_MD5) return "the upstream received a different body through a plain proxy";
  return undefined;
}

// ----------------------------------------------------------------------------------------------------- statistics
function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const ms = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : "n/a");

// ------------------------------------------------------------------------------------------------------------ wrk
interface WrkResult { rps: number; p50: number; p90: number; p99: number; max: number; requests: number; errors: number; bad: number; checked: number }

function wrkScript(dir: string): string {
  const bodyFile = path.join(dir, "body.json");
  writeFileSync(bodyFile, BODY);
  const script = path.join(dir, "post.lua");
  writeFileSync(script, `-- generated by bench/latency.ts
local f = assert(io.open(${JSON.stringify(bodyFile)}, "rb"))
wrk.method = "POST"
wrk.path = "/v1/messages"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-api-key"] = ${JSON.stringify(API_KEY)}
wrk.headers["anthropic-version"] = "2023-06-01"

local threads = {}
function setup(thread) table.insert(threads, thread) end

bad = 0
checked = 0
local n = 0
-- a pseudonym: TAG_ + 10 lower-case base32 characters
local PSEUDO = "%u[%u%d_]*_[%l%d][%l%d][%l%d][%l%d][%l%d][%l%d][%l%d][%l%d][%l%d][%l%d]"
function response(status, headers, body)
  n = n + 1
  if status ~= 200 then bad = bad + 1 return end
  if n % 16 == 1 then -- a sample: the originals are back, no pseudonym is left
    checked = checked + 1
    if not body:find("i-0a1b2c3d4e5f67890", 1, true) or not body:find("sg-0123456789abcdef0", 1, true)
      or body:find(PSEUDO) then bad = bad + 1 end
  end
end

function done(summary, latency, requests)
  local b, c = 0, 0
  for _, t in ipairs(threads) do b = b + t:get("bad"); c = c + t:get("checked") end
  local e = summary.errors
  io.write(string.format("BENCHJSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"errors\\":%d,\\"bad\\":%d,\\"checked\\":%d," ..
    "\\"p50\\":%d,\\"p90\\":%d,\\"p99\\":%d,\\"max\\":%d}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout, b, c,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`);
  return script;
}

function runWrk(script: string, url: string, conns: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const p = spawn("wrk", ["-t1", `-c${conns}`, `-d${DURATION}s`, "--latency", "-s", script, url + "/v1/messages"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("exit", (code) => {
      const m = /BENCHJSON (\{.*\})/.exec(out);
      if (code !== 0 || !m) return reject(new Error(`wrk failed (exit ${code}): ${out}`));
      const j = JSON.parse(m[1]);
      resolve({
        rps: j.requests / (j.duration_us / 1e6), requests: j.requests, errors: j.errors, bad: j.bad, checked: j.checked,
        p50: j.p50 / 1000, p90: j.p90 / 1000, p99: j.p99 / 1000, max: j.max / 1000,
      });
    });
  });
}

// ----------------------------------------------------------------------------------------------------------- main
interface Stack { urls: Record<PathKey, string>; gw: Gateway; stop(): Promise<void> }

async function startPaths(upstream: string, workers: number): Promise<Stack> {
  const stops: (() => Promise<void>)[] = [];
  try {
    const a = await startPlainProxy({ upstream, workers, name: "plain-a" });
    stops.push(a.stop);
    const c2 = await startPlainProxy({ upstream, workers: 1, name: "plain-c2" }); // like the egress: 1 worker
    stops.push(c2.stop);
    const c1 = await startPlainProxy({ upstream: c2.url, workers, name: "plain-c1" });
    stops.push(c1.stop);
    const gw = await startGateway({ upstream, workers, env: { AWS_MASKER_SECRET: SECRET }, log: () => {} });
    stops.push(gw.stop);
    return {
      urls: { a: a.url, b: gw.url, c: c1.url },
      gw,
      stop: async () => { for (const s of stops.reverse()) await s().catch(() => {}); },
    };
  } catch (e) {
    for (const s of stops.reverse()) await s().catch(() => {});
    throw e;
  }
}

function gatewayErrors(gw: Gateway): string[] {
  return gw.errorLog().split("\n").filter((l) => /\[(error|crit|alert|emerg)\]/.test(l));
}

async function sequential(stack: Stack, failures: string[]): Promise<Record<PathKey, number[]>> {
  const keys: PathKey[] = ["a", "b", "c"];
  const clients = {} as Record<PathKey, KeepAliveClient>;
  for (const k of keys) {
    clients[k] = new KeepAliveClient(Number(new URL(stack.urls[k]).port));
    await clients[k].connect();
  }
  const samples: Record<PathKey, number[]> = { a: [], b: [], c: [] };
  const failCount: Record<PathKey, number> = { a: 0, b: 0, c: 0 };
  const total = WARMUP + N;
  let round = 0;
  for (let done = 0; done < total; done += ROUND, round++) {
    const n = Math.min(ROUND, total - done);
    // rotate the order of the paths every round so drift and cache effects hit all alike
    const order = keys.map((_, i) => keys[(i + round) % keys.length]);
    for (const k of order) {
      for (let i = 0; i < n; i++) {
        const t0 = process.hrtime.bigint();
        let ans: Answer;
        try {
          ans = await clients[k].request(REQUEST);
        } catch (e) {
          failCount[k]++;
          if (failCount[k] <= 3) failures.push(`sequential ${PATH_LABEL[k]}: ${(e as Error).message}`);
          clients[k] = new KeepAliveClient(Number(new URL(stack.urls[k]).port));
          await clients[k].connect();
          continue;
        }
        const dt = Number(process.hrtime.bigint() - t0) / 1e6;
        const why = check(k, ans); // every answer is checked, outside the timed region
        if (why) {
          failCount[k]++;
          if (failCount[k] <= 3) failures.push(`sequential ${PATH_LABEL[k]}: ${why}`);
        } else if (done + i >= WARMUP) samples[k].push(dt);
      }
    }
  }
  for (const k of keys) {
    clients[k].close();
    if (failCount[k] > 3) failures.push(`sequential ${PATH_LABEL[k]}: ${failCount[k]} failed answers in all`);
  }
  return samples;
}

function machineFacts(): string[] {
  const cpus = os.cpus();
  let kernel = "?";
  try {
    kernel = readFileSync("/proc/version", "utf8").split(" ").slice(0, 3).join(" ");
  } catch { /* not linux */ }
  return [
    `- nproc: ${os.availableParallelism?.() ?? cpus.length} (${cpus[0]?.model ?? "?"})`,
    `- load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
    `- memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(os.freemem() / 2 ** 30).toFixed(1)} GiB free`,
    `- kernel: ${kernel}; node ${process.version}`,
    ...(os.loadavg()[0] >= 0.5 * cpus.length
      ? [`- WARNING: load average ${os.loadavg()[0].toFixed(2)} at start: other processes compete for the cores, expect noisy figures`]
      : []),
    `- everything (client, wrk, nginx proxies, gateway, egress, Redis, echo upstream) shares these cores: read the ` +
      `figures relative to each other, not as absolute capacity`,
  ];
}

async function main(): Promise<number> {
  const started = Date.now();
  const failures: string[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), "aws-masker-latency-"));
  const facts = machineFacts();
  let upstream: Proc | undefined;
  let stack: Stack | undefined;
  const cleanup = async () => {
    await stack?.stop();
    stack = undefined;
    await upstream?.stop();
    upstream = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().then(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const out: string[] = [];
  const print = (s = "") => { out.push(s); process.stdout.write(s + "\n"); };
  let verdictAdded = NaN;
  try {
    upstream = await startEchoUpstream(dir, 1);
    const script = wrkScript(dir);

    print("# aws-masker gateway latency");
    print();
    print(`Date: ${new Date().toISOString()}`);
    print();
    print("## Machine");
    print();
    for (const f of facts) print(f);
    print();
    print("## Workload");
    print();
    print(`- request: POST /v1/messages, ${Buffer.byteLength(BODY)} bytes of JSON, ${MASKED_COUNT} identifier occurrences ` +
      `masked by the engine (${IDS.length} distinct ids: instances, VPC/subnet/SG, volume, ENI, NAT, ARNs, IPs, account, key)`);
    print(`- upstream: bench/echo-upstream.lua in nginx (1 worker): a Claude-shaped JSON message echoing the last user ` +
      `text (${Buffer.byteLength(ECHO)} bytes, ${IDS.length - 2}+ ids) — the gateway must restore all of them`);
    print(`- ${PATH_LABEL.a}`);
    print(`- ${PATH_LABEL.b}`);
    print(`- ${PATH_LABEL.c}`);
    print(`- egress and the second hop of (c) have 1 worker; the first hop's workers are given per section`);
    print();

    // ------------------------------------------------------------------ sequential latency (gateway: 1 worker)
    stack = await startPaths(upstream.url, 1);
    const seq = await sequential(stack, failures);
    const st: Record<PathKey, { p50: number; p90: number; p99: number; n: number }> = {} as any;
    for (const k of ["a", "b", "c"] as PathKey[]) {
      const s = seq[k].slice().sort((x, y) => x - y);
      st[k] = { p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), n: s.length };
    }
    print(`## Sequential latency (one request at a time, keep-alive, 1 worker, ${N} requests per path after ${WARMUP} ` +
      `warm-up, paths interleaved in rounds of ${ROUND})`);
    print();
    print("| path | n | median ms | p90 ms | p99 ms |");
    print("|---|---:|---:|---:|---:|");
    for (const k of ["a", "c", "b"] as PathKey[]) {
      print(`| ${PATH_LABEL[k]} | ${st[k].n} | ${ms(st[k].p50)} | ${ms(st[k].p90)} | ${ms(st[k].p99)} |`);
    }
    print();
    print("| added latency | median ms | p99 ms |");
    print("|---|---:|---:|");
    print(`| (b) gateway over (a) one-hop plain | ${ms(st.b.p50 - st.a.p50)} | ${ms(st.b.p99 - st.a.p99)} |`);
    print(`| (b) gateway over (c) two-hop plain = plugin + Lua host | ${ms(st.b.p50 - st.c.p50)} | ${ms(st.b.p99 - st.c.p99)} |`);
    print(`| (c) two-hop over (a) one-hop = the extra nginx hop | ${ms(st.c.p50 - st.a.p50)} | ${ms(st.c.p99 - st.a.p99)} |`);
    print();
    verdictAdded = st.b.p50 - st.c.p50;
    if (!(st.a.n === N && st.b.n === N && st.c.n === N)) failures.push(`sequential: only ${st.a.n}/${st.b.n}/${st.c.n} of ${N} good answers`);

    // ------------------------------------------------------------------------------------------ throughput
    print(`## Throughput (wrk -t1, ${DURATION} s per run, POST of the same body; every 16th answer checked for restored originals)`);
    print();
    print("| workers | conns | path | req/s | p50 ms | p90 ms | p99 ms | max ms | vs (a) | vs (c) | errors |");
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (let wi = 0; wi < WORKER_SETS.length; wi++) {
      const workers = WORKER_SETS[wi];
      if (wi > 0 || workers !== 1) {
        await stack.stop();
        stack = await startPaths(upstream.url, workers);
      }
      for (const conns of CONNECTIONS) {
        const r = {} as Record<PathKey, WrkResult>;
        for (const k of ["a", "c", "b"] as PathKey[]) {
          try {
            r[k] = await runWrk(script, stack.urls[k], conns);
          } catch (e) {
            failures.push(`wrk ${PATH_LABEL[k]} c=${conns} w=${workers}: ${(e as Error).message.slice(0, 400)}`);
            continue;
          }
          if (r[k].errors > 0 || r[k].bad > 0) {
            failures.push(`wrk ${PATH_LABEL[k]} c=${conns} w=${workers}: ${r[k].errors} errors, ${r[k].bad} bad answers ` +
              `(non-200 or sample without restored originals) of ${r[k].requests}`);
          }
          if (r[k].requests === 0 || r[k].checked === 0) failures.push(`wrk ${PATH_LABEL[k]} c=${conns} w=${workers}: no answers`);
        }
        for (const k of ["a", "c", "b"] as PathKey[]) {
          const x = r[k];
          if (!x) {
            print(`| ${workers} | ${conns} | ${k} | FAILED | | | | | | | |`);
            continue;
          }
          const ratio = (o: PathKey) => (r[o] ? (x.rps / r[o].rps).toFixed(2) : "n/a");
          print(`| ${workers} | ${conns} | ${PATH_LABEL[k].slice(0, 3)} ${k === "b" ? "gateway" : k === "a" ? "plain" : "plain x2"} | ` +
            `${x.rps.toFixed(0)} | ${ms(x.p50, 2)} | ${ms(x.p90, 2)} | ${ms(x.p99, 2)} | ${ms(x.max, 1)} | ${ratio("a")} | ` +
            `${ratio("c")} | ${x.errors + x.bad} / ${x.requests} |`);
        }
      }
    }
    print();
    const errs = gatewayErrors(stack.gw);
    if (errs.length) failures.push(`gateway error log: ${errs.length} error lines, first: ${errs[0]}`);
    const upErrs = upstream.errorLog().split("\n").filter((l) => /\[(error|crit|alert|emerg)\]/.test(l));
    if (upErrs.length) failures.push(`echo upstream error log: ${upErrs[0]}`);
  } catch (e) {
    failures.push(`benchmark aborted: ${(e as Error).stack ?? e}`);
  } finally {
    await cleanup();
  }

  print("## Verdict");
  print();
  print(`- load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; runtime ${((Date.now() - started) / 1000).toFixed(0)} s`);
  print(`- sanity bound: gateway (b) median added over two-hop plain (c) <= ${ADDED_MEDIAN_BOUND_MS} ms; measured ${ms(verdictAdded)} ms`);
  if (!(verdictAdded <= ADDED_MEDIAN_BOUND_MS)) {
    failures.push(`added median latency over the two-hop plain path ${ms(verdictAdded)} ms > ${ADDED_MEDIAN_BOUND_MS} ms (or not measured)`);
  }
  for (const f of failures) print(`- failure: ${f}`);
  print();
  print(failures.length === 0 ? "**Status: PASSED** (every answer 200 with its originals restored; added median within bound)"
    : `**Status: FAILED** (${failures.length} problem(s) above)`);
  return failures.length === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`bench/latency.ts: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
