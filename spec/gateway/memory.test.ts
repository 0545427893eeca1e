// The tenant's memory: a name learned from its context in one request is masked in the tenant's later requests
// without that context — on another gateway process sharing the Redis too — and nothing in Redis is readable.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import Redis from "ioredis";
import { execFileSync } from "node:child_process";
import { startStack, post, messagesBody, errorLines, SECRET, type Stack } from "./support";
import { seal, sealKeysFor, unseal } from "../../lib/sealed";
import { credentialScope, loadMappings, mappingKey, recordKey } from "../../lib/store";

const FUNCTION = "billing-reconciler";
const TABLE = "LedgerEntriesV2";
const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const DB_PASSWORD = "Pr0d-Hunter2x";
const TENANT_A = "sk-memory-tenant-a";
const TENANT_B = "sk-memory-tenant-b";

let a: Stack;
let b: Stack;
let redis: Redis;

beforeAll(async () => {
  a = await startStack({ workers: 2 });
  b = await startStack({ workers: 1, redis: `127.0.0.1:${a.gw.redisPort}` }, a.mock);
  redis = new Redis({ host: "127.0.0.1", port: a.gw.redisPort as number, maxRetriesPerRequest: 1 });
  redis.on("error", () => {}); // the last test stops Redis
}, 60000);

afterAll(async () => {
  redis?.disconnect();
  const errors = [...(a ? errorLines(a.gw) : []), ...(b ? errorLines(b.gw) : [])];
  await b?.stop();
  await a?.stop();
  // the last test stops Redis: the plugin logs "Redis unavailable", and nginx itself may log the reset of a connection a
  // worker's flush timer was reading from (lua_socket_log_errors off does not silence nginx's recv() failure there)
  const redisReset = (l: string) => l.includes("(104: Connection reset by peer), context: ngx.timer");
  expect(errors.filter((l) => !l.includes("Redis unavailable") && !redisReset(l))).toEqual([]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ask(
  stack: Stack,
  text: string,
  apiKey: string,
): Promise<{ sent: string; answer: string; degraded: string | null }> {
  stack.mock.reset();
  const res = await post(stack.gw.url, "/v1/messages", messagesBody(text), { "x-api-key": apiKey });
  expect(res.status).toBe(200);
  const answer = (await res.json()).content[0].text as string;
  return { sent: stack.mock.received.at(-1)!.body, answer, degraded: res.headers.get("x-aws-masker-degraded") };
}

async function waitForKeys(pattern: string, ms = 5000): Promise<string[]> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const keys = await redis.keys(pattern);
    if (keys.length > 0) return keys;
    await sleep(50);
  }
  throw new Error(`no Redis key ${pattern}`);
}

describe("learned names persist per tenant", () => {
  let pseudonym = "";

  it("a name learned from a CLI flag in request 1 is masked in request 2 without its context, on another gateway", async () => {
    const first = await ask(
      a,
      `aws lambda invoke --function-name ${FUNCTION} out.json, then "TableName": "${TABLE}"`,
      TENANT_A,
    );
    expect(first.sent).not.toContain(FUNCTION);
    expect(first.sent).not.toContain(TABLE);
    pseudonym = first.sent.match(/LAMBDA_FUNCTION_[0-9a-z]{10}/)![0];
    await waitForKeys("aws-masker:v2:n:*");

    // gateway B: the tenant's first request there loads its names; no flag, no key around the name
    const second = await ask(b, `why does ${FUNCTION} time out when it writes ${TABLE}?`, TENANT_A);
    expect(second.sent).not.toContain(FUNCTION);
    expect(second.sent).not.toContain(TABLE);
    expect(second.sent).toContain(pseudonym);
    expect(second.answer).toBe(`Echo: why does ${FUNCTION} time out when it writes ${TABLE}?`);
  }, 30000);

  it("another tenant is unaffected: the name goes upstream as it is", async () => {
    const other = await ask(b, `why does ${FUNCTION} time out?`, TENANT_B);
    expect(other.sent).toContain(FUNCTION);
  });

  it("a gateway that already knows the tenant picks up names learned elsewhere within the refresh interval", async () => {
    await ask(a, "warm up the tenant on A", TENANT_A);
    await ask(b, `aws iam get-role --role-name payroll-exporter`, TENANT_A);
    let masked = false;
    for (let k = 0; k < 40 && !masked; k++) {
      // both workers of A must have it: ask several times
      let all = true;
      for (let w = 0; w < 4; w++)
        all =
          all && !(await ask(a, "is payroll-exporter allowed to read it?", TENANT_A)).sent.includes("payroll-exporter");
      masked = all;
      if (!masked) await sleep(250);
    }
    expect(masked).toBe(true);
  }, 30000);

  it("a tenant's first requests arriving together at a worker load its names from Redis once, and all are masked", async () => {
    const TENANT_C = "sk-memory-tenant-c";
    const NAME = "ledger-compactor";
    const before = (await redis.keys("aws-masker:v2:n:*")).length;
    await ask(a, `aws lambda invoke --function-name ${NAME} out.json`, TENANT_C);
    for (let k = 0; k < 100 && (await redis.keys("aws-masker:v2:n:*")).length === before; k++) await sleep(50);
    // gateway B (one worker) has never seen the tenant: a burst of its first requests there
    const monitor = await redis.monitor();
    const loads: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (String(args[0]).toLowerCase() === "hgetall") loads.push(String(args[1]));
    });
    b.mock.reset();
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, k) =>
        post(b.gw.url, "/v1/messages", messagesBody(`is ${NAME} done? (${k})`), { "x-api-key": TENANT_C }),
      ),
    );
    await sleep(100);
    monitor.disconnect();
    expect(burst.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(b.mock.received).toHaveLength(12);
    for (const r of b.mock.received) expect(r.body).not.toContain(NAME);
    expect(loads).toHaveLength(1);
  }, 30000);

  it("names are matched as whole words, and a compound name also where - or _ joins a longer token to it", async () => {
    const r = await ask(b, `x${FUNCTION} and ${FUNCTION}s stay, (${FUNCTION}) and ${FUNCTION}-v2 go`, TENANT_A);
    expect(r.sent).toContain(`x${FUNCTION} and ${FUNCTION}s stay`);
    expect(r.sent).toContain(`(${pseudonym}) and ${pseudonym}-v2 go`);
  });
});

describe("nothing plain at rest", () => {
  it("no key or value in Redis holds an original in any form; credentials are never stored", async () => {
    // (a password is learned for its request, masked wherever it stands there: learned, it is still never stored)
    await ask(
      a,
      `aws_secret_access_key = ${SECRET_KEY} for role arn:aws:iam::123456789012:role/deploy-bot on i-0a1b2c3d4e5f67890 ` +
        `DB_PASSWORD=${DB_PASSWORD}; echo ${DB_PASSWORD}`,
      TENANT_A,
    );
    await sleep(500);
    const originals = [
      FUNCTION,
      TABLE,
      "payroll-exporter",
      SECRET_KEY,
      DB_PASSWORD,
      "123456789012",
      "deploy-bot",
      "i-0a1b2c3d4e5f67890",
      TENANT_A,
    ];
    const forms = originals.flatMap((o) => [
      o,
      Buffer.from(o).toString("base64"),
      Buffer.from(o).toString("base64url"),
      Buffer.from(o).toString("hex"),
    ]);
    const keys = execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(a.gw.redisPort), "--scan"], {
      encoding: "utf8",
    })
      .split("\n")
      .filter((k) => k !== "");
    // mapping records, a names hash and its version: one key of each per tenant (and record slot)
    const types = new Set(keys.map((k) => k.split(":")[2]));
    for (const t of ["r", "n", "nv"]) expect(types.has(t), `a key of type ${t}`).toBe(true);
    const dump: Buffer[] = [];
    const opened: string[] = [];
    const sk = sealKeysFor(SECRET);
    for (const k of keys) {
      expect(k).toMatch(/^aws-masker:v2:(r|n|nv|b):[0-9a-f]{32}$/);
      dump.push(Buffer.from(k));
      const type = await redis.type(k);
      if (type === "string") {
        const v = (await redis.getBuffer(k))!;
        dump.push(v);
        if (!k.includes(":nv:")) opened.push(unseal(sk, k, v)!.toString("utf8"));
      } else if (type === "list") {
        for (const v of await redis.lrangeBuffer(k, 0, -1)) {
          dump.push(v);
          opened.push(unseal(sk, k, v)!.toString("utf8"));
        }
      } else {
        expect(type).toBe("hash");
        const h = await redis.hgetallBuffer(k);
        for (const [f, v] of Object.entries(h)) {
          dump.push(Buffer.from(f), v);
          opened.push(unseal(sk, k + "\x1f" + f, v)!.toString("utf8"));
        }
      }
    }
    const all = Buffer.concat(dump).toString("latin1");
    for (const f of forms) expect(all.includes(f), `Redis holds ${f}`).toBe(false);
    // with the secret everything opens, and still no credential is there
    expect(opened.some((o) => o.includes(FUNCTION))).toBe(true);
    expect(opened.some((o) => o.includes(SECRET_KEY))).toBe(false);
    expect(opened.some((o) => o.includes(DB_PASSWORD))).toBe(false);
    // the instance id's mapping is where `unmask --redis` looks for it
    const scope = credentialScope(SECRET, TENANT_A);
    const sent = a.mock.received.at(-1)!.body;
    const inst = sent.match(/EC2_INSTANCE_[0-9a-z]{10}/)![0];
    const found = (await loadMappings(redis, sk, scope, [inst])).get(inst);
    expect(found).toMatchObject({ kind: "ec2-instance", original: "i-0a1b2c3d4e5f67890" });
    // a record moved under another key (another tenant's) does not open
    const [record] = await redis.lrangeBuffer(found!.key, 0, 0);
    const slot = Math.floor(Date.now() / 1000 / 3600) * 3600;
    expect(unseal(sk, recordKey(sk, credentialScope(SECRET, TENANT_B), 3600, slot), record)).toBeUndefined();
  }, 30000);

  it("bin/aws-masker unmask --redis restores the tenant's pseudonyms from its mapping records and from one-key-per-mapping entries of earlier versions, and only for that tenant", async () => {
    const first = await ask(a, "host i-0fedcba9876543210 and --function-name " + FUNCTION, TENANT_A);
    const inst = first.sent.match(/EC2_INSTANCE_[0-9a-z]{10}/)![0];
    const fn = first.sent.match(/LAMBDA_FUNCTION_[0-9a-z]{10}/)![0];
    await sleep(300);
    // a mapping as gateways before mapping records stored it (one key per pseudonym) is still read until it expires
    const legacy = "EC2_INSTANCE_0123456789";
    const sk = sealKeysFor(SECRET);
    const legacyKey = mappingKey(sk, credentialScope(SECRET, TENANT_A), legacy);
    await redis.set(legacyKey, seal(sk, legacyKey, Buffer.from("ec2-instance\x1fi-0aaaabbbbccccdddd")), "EX", 60);
    const run = (apiKey: string) =>
      execFileSync(
        "bin/aws-masker",
        [
          "unmask",
          "--redis",
          `127.0.0.1:${a.gw.redisPort}`,
          "--secret-env",
          "GW_SECRET",
          "--api-key-env",
          "TENANT_KEY",
        ],
        {
          input: `answer about ${inst} and ${fn} and ${legacy}.`,
          env: { ...process.env, GW_SECRET: SECRET, TENANT_KEY: apiKey },
          encoding: "utf8",
          stdio: ["pipe", "pipe", "pipe"],
        },
      );
    expect(run(TENANT_A)).toBe(`answer about i-0fedcba9876543210 and ${FUNCTION} and i-0aaaabbbbccccdddd.`);
    expect(run(TENANT_B)).toBe(`answer about ${inst} and ${fn} and ${legacy}.`);
  }, 30000);
});

describe("Redis stopped", () => {
  it("learned names stay masked from the worker's memory, and answers are flagged degraded", async () => {
    await a.gw.stopRedis!();
    try {
      let flagged = false;
      for (let k = 0; k < 30 && !flagged; k++) {
        const r = await ask(b, `is ${FUNCTION} still failing?`, TENANT_A);
        expect(r.sent).not.toContain(FUNCTION);
        expect(r.answer).toBe(`Echo: is ${FUNCTION} still failing?`);
        flagged = r.degraded === "redis-unavailable";
        if (!flagged) await sleep(200);
      }
      expect(flagged).toBe(true);
    } finally {
      await a.gw.startRedis!();
    }
  }, 30000);
});
