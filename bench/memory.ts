// The tenant's memory of learned names: masking throughput with 0, 1,000 and 10,000 learned names for the tenant
// (warm caches, bench/fixtures/request-8k.json), in LuaJIT and Node; the matcher alone on an adversarial 1 MB input
// ("a@a@a@...", the densest word starts, with the longest remembered name shape); and Redis bytes per mapping
// measured in a private redis-server. A benchmark, not a test: prints figures, and FAILED when a target is missed.
//   npx tsx bench/memory.ts            (BENCH_ITERATIONS, BENCH_RUNS to change the effort)
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { execFileSync, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import Redis from "ioredis";
import {
  createNodeMasker,
  newSession,
  maskJson,
  forgetHistories,
  policyFor,
  newMemory,
  remember,
  rememberedIn,
  kindById,
  clearMemoryCache,
  type TenantMemory,
  type Match,
} from "../lib/engine";
import { sealKeysFor, seal } from "../lib/sealed";
import { nameKeys, packEntries, PREFIX, recordKey } from "../lib/store";
import { keyName } from "../lib/sealed";

/** With 10,000 names masking keeps at least this share of its speed without names (both runtimes). */
const MIN_SHARE_10K = 0.5;
/** The adversarial input is matched at least this fast (MB/s) with 10,000 names, in LuaJIT. */
const MIN_ADVERSARIAL_MBPS = 5;
const COUNTS = [0, 1000, 10000];

const body = readFileSync("bench/fixtures/request-8k.json", "utf8");
const iterations = Number(process.env.BENCH_ITERATIONS ?? 5000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const masker = createNodeMasker({ secret: "bench-secret-0123456789" });
const policy = policyFor("/v1/messages");
const FN = kindById("lambda-function")!;

// realistic names (service-env-suffix), a few of them present in the request, plus the longest adversarial shape
let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const words = ["orders", "billing", "ledger", "payments", "ingest", "export", "audit", "search", "users", "events"];
const envs = ["prod", "staging", "dev", "eu", "us"];
const names: string[] = ["a@".repeat(63) + "a"];
while (names.length < 10000)
  names.push(
    `${words[Math.floor(rand() * 10)]}-${envs[Math.floor(rand() * 5)]}-${Math.floor(rand() * 1e8).toString(36)}`,
  );
const inBody = body.match(/\b[a-z]+(?:-[a-z0-9]+){1,3}\b/g) ?? [];
for (let k = 0; k < Math.min(5, inBody.length); k++) names[1 + k] = inBody[k];
const adversarial = "a@".repeat(512 * 1024);

function measure(bytes: number, n: number, fn: () => void): number {
  for (let k = 0; k < Math.min(n, 500); k++) fn();
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < n; k++) fn();
    rates.push((bytes * n) / (Number(process.hrtime.bigint() - t0) / 1e9) / 1e6);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor((rates.length - 1) / 2)];
}

const node = {
  mask_mbps: {} as Record<string, number>,
  mask_cold_mbps: {} as Record<string, number>,
  adversarial_mbps: {} as Record<string, number>,
};
for (const count of COUNTS) {
  const mem: TenantMemory = newMemory(count + 10);
  for (let k = 0; k < count; k++) remember(mem, names[k], FN);
  node.mask_mbps[count] = measure(Buffer.byteLength(body), iterations, () => {
    forgetHistories(masker);
    const s = newSession(masker, "bench");
    s.memory = mem;
    maskJson(s, body, policy);
  });
  // cold: the memory's cache of matches emptied before every request (every string matched)
  node.mask_cold_mbps[count] = measure(Buffer.byteLength(body), iterations, () => {
    clearMemoryCache(mem);
    forgetHistories(masker);
    const s = newSession(masker, "bench");
    s.memory = mem;
    maskJson(s, body, policy);
  });
  const occ: Match[] = [];
  node.adversarial_mbps[count] = measure(adversarial.length, 3, () => {
    occ.length = 0;
    rememberedIn(mem, adversarial, occ);
  });
}

execFileSync("npm", ["run", "--silent", "build"], { stdio: "inherit" }); // always fresh: never measure a stale build
const dir = mkdtempSync(join(tmpdir(), "awsm-bench-"));
writeFileSync(join(dir, "in.json"), JSON.stringify({ counts: COUNTS, names, adversarial }));
const luaOut = execFileSync("luajit", ["bench/memory.lua", join(dir, "in.json")], {
  encoding: "utf8",
  env: { ...process.env, BENCH_ITERATIONS: String(iterations), BENCH_RUNS: String(runs) },
});
const lua = JSON.parse(luaOut.trim().split("\n").pop() as string) as typeof node;

// Redis bytes per mapping, per learned name and per batch entry: the gateway's format, written to a private Redis
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
async function redisFigures(): Promise<{ mapping: number; name: number; valueBytes: number }> {
  const port = await freePort();
  const proc = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const r = new Redis({
    host: "127.0.0.1",
    port,
    maxRetriesPerRequest: 1,
    retryStrategy: (n) => (n > 50 ? null : 100),
  });
  r.on("error", () => {}); // refused until redis-server listens: retried
  try {
    const keys = sealKeysFor("bench-secret-0123456789");
    const used = async () => Number(/used_memory:(\d+)/.exec(await r.info("memory"))![1]);
    const N = 20000;
    const scope = "k:abcdefghjk";
    const before = await used();
    let valueBytes = 0;
    // as the gateway writes them: a record per request of 20 new mappings, pushed on the tenant's slot list
    const PER_RECORD = 20;
    const slot = Math.floor(Date.now() / 1000 / 3600) * 3600;
    const key = recordKey(keys, scope, 3600, slot);
    for (let k = 0; k < N; k += 1000) {
      const p = r.pipeline();
      for (let j = k; j < k + 1000; j += PER_RECORD) {
        const entries = [];
        for (let i = j; i < j + PER_RECORD; i++) {
          entries.push({
            kind: "ec2-instance",
            pseudonym: `EC2_INSTANCE_${(1e9 + i).toString(32).slice(-10).padStart(10, "0")}`,
            original: `i-${(0x1000000000000 + i).toString(16).padStart(17, "0")}`,
          });
        }
        const value = seal(keys, key, packEntries(entries));
        valueBytes += value.length;
        p.rpush(key, value);
      }
      p.expireat(key, slot + 3600 + 86400);
      await p.exec();
    }
    const mapping = ((await used()) - before) / N;
    const nk = nameKeys(keys, scope);
    const before2 = await used();
    for (let k = 0; k < N; k += 1000) {
      const p = r.pipeline();
      for (let j = k; j < k + 1000; j++) {
        const name = names[j % names.length] + j;
        const field = keyName(keys, "", `${scope}\x1flambda-function\x1f${name}`);
        p.hset(nk.hash, field, seal(keys, nk.hash + "\x1f" + field, Buffer.from(`lambda-function\x1f${name}`)));
      }
      await p.exec();
    }
    const name = ((await used()) - before2) / N;
    return { mapping, name, valueBytes: valueBytes / N };
  } finally {
    r.disconnect();
    proc.kill("SIGTERM");
  }
}
const redisBytes = await redisFigures();

const failed: string[] = [];
console.log(
  `masking ${Buffer.byteLength(body)} B requests with the tenant's learned names (median of ${runs} x ${iterations})`,
);
console.log(
  "  (warm: per-worker caches hold this request's strings, as on every turn after a conversation's first; cold memory:",
);
console.log("   the memory's match cache emptied before each request, every string matched against the names)");
for (const count of COUNTS) {
  console.log(
    `  ${String(count).padStart(6)} names   LuaJIT ${lua.mask_mbps[count].toFixed(1).padStart(6)} MB/s (cold memory ${lua.mask_cold_mbps[count].toFixed(1).padStart(5)})   Node ${node.mask_mbps[count].toFixed(1).padStart(6)} MB/s (cold memory ${node.mask_cold_mbps[count].toFixed(1).padStart(5)})`,
  );
}
console.log(`matcher alone on 1 MB of "a@a@..." (every second byte a word start; longest name ${names[0].length} B)`);
for (const count of COUNTS.slice(1)) {
  console.log(
    `  ${String(count).padStart(6)} names   LuaJIT ${lua.adversarial_mbps[count].toFixed(1).padStart(6)} MB/s   Node ${node.adversarial_mbps[count].toFixed(1).padStart(6)} MB/s`,
  );
}
console.log(`Redis (used_memory delta, ${PREFIX}* keys, sealed):`);
console.log(
  `  ${redisBytes.mapping.toFixed(0)} B per mapping (in records of 20: sealed record ${redisBytes.valueBytes.toFixed(0)} B per mapping, plus Redis overhead)`,
);
console.log(`  ${redisBytes.name.toFixed(0)} B per learned name (a field of the tenant's hash)`);
for (const [rt, fig] of [
  ["LuaJIT", lua],
  ["Node", node],
] as const) {
  const share = fig.mask_mbps[10000] / fig.mask_mbps[0];
  if (share < MIN_SHARE_10K)
    failed.push(
      `${rt}: 10,000 names keep ${(share * 100).toFixed(0)}% of the speed without names (< ${MIN_SHARE_10K * 100}%)`,
    );
}
if (lua.adversarial_mbps[10000] < MIN_ADVERSARIAL_MBPS)
  failed.push(`LuaJIT adversarial ${lua.adversarial_mbps[10000].toFixed(1)} MB/s < ${MIN_ADVERSARIAL_MBPS}`);
for (const f of failed) console.log(`FAILED: ${f}`);
if (failed.length > 0) process.exit(1);
