// The plugin in the real gateway: request masking, JSON restore, Redis mappings, tenants, refusals, Redis outage,
// two nodes. Every assertion on "no original upstream" reads what the mock Claude actually received.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { gzipSync } from "node:zlib";
import Redis from "ioredis";
import {
  startStack,
  post,
  messagesBody,
  errorLines,
  PROMPT,
  assertNoOriginals,
  IDS,
  SECRET,
  type Stack,
} from "./support";
import { sealKeysFor, unseal } from "../../lib/sealed";
import { credentialScope, loadMappings, recordKey } from "../../lib/store";

const SEAL_KEYS = sealKeysFor(SECRET);

let stack: Stack;
let redis: Redis;

beforeAll(async () => {
  stack = await startStack();
  redis = new Redis({
    host: "127.0.0.1",
    port: stack.gw.redisPort as number,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  await redis.connect();
}, 60000);

afterAll(async () => {
  redis?.disconnect();
  const errors = stack ? errorLines(stack.gw) : [];
  await stack?.stop();
  expect(errors.filter((l) => !l.includes("Redis unavailable"))).toEqual([]);
});

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("timed out");
}

describe("round trip", () => {
  it("masks everything upstream and restores the answer", async () => {
    stack.mock.reset();
    const res = await post(
      stack.gw.url,
      "/v1/messages?beta=true",
      messagesBody(PROMPT, { system: `account ${IDS.account}` }),
    );
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer.content[0].text).toBe(`Echo: ${PROMPT}`);
    const seen = stack.mock.received.at(-1)!;
    expect(seen.path).toBe("/v1/messages?beta=true");
    expect(assertNoOriginals(seen.body)).toBeUndefined();
    expect(seen.body).toMatch(/EC2_INSTANCE_[0-9a-z]{10}/);
    expect(seen.headers["accept-encoding"]).toBeUndefined();
    expect(JSON.parse(seen.body).model).toBe("claude-sonnet-5");
  });

  it("restores tool_use input and keeps the answer valid JSON with the right length", async () => {
    const res = await post(stack.gw.url, "/v1/messages", messagesBody(PROMPT), { "x-mock-scenario": "tool_use" });
    const text = await res.text();
    expect(
      res.headers.get("content-length") === null ||
        Number(res.headers.get("content-length")) === Buffer.byteLength(text),
    ).toBe(true);
    const answer = JSON.parse(text);
    expect(answer.content[1].input.echo).toBe(PROMPT);
    expect(answer.content[1].input.words).toContain(IDS.instance);
  });

  it("masks count_tokens, every path on the service, and answers HEAD /", async () => {
    stack.mock.reset();
    expect((await post(stack.gw.url, "/v1/messages/count_tokens", messagesBody(PROMPT))).status).toBe(200);
    await post(stack.gw.url, "/v1/other/endpoint", JSON.stringify({ note: PROMPT }));
    await post(stack.gw.url, "/anything", JSON.stringify({ note: PROMPT }));
    for (const r of stack.mock.received) expect(assertNoOriginals(r.body), r.path).toBeUndefined();
    expect(stack.mock.received.length).toBe(3);
    expect((await fetch(stack.gw.url + "/", { method: "HEAD" })).status).toBe(200);
  });

  it("strips Accept-Encoding so a gzip-capable client still gets a restored answer", async () => {
    stack.mock.reset();
    const res = await post(stack.gw.url, "/v1/messages", messagesBody(PROMPT), {
      "accept-encoding": "gzip, deflate, br, zstd",
    });
    expect((await res.json()).content[0].text).toBe(`Echo: ${PROMPT}`);
    expect(stack.mock.received[0].headers["accept-encoding"]).toBeUndefined();
  });

  it("passes error answers through", async () => {
    const res = await post(stack.gw.url, "/v1/messages", messagesBody(PROMPT), { "x-mock-scenario": "error-529" });
    expect(res.status).toBe(529);
    expect((await res.json()).error.type).toBe("overloaded_error");
  });
});

describe("Redis mappings", () => {
  it("stores pseudonym -> original in the tenant's sealed mapping record, kept the configured TTL", async () => {
    stack.mock.reset();
    await post(stack.gw.url, "/v1/messages", messagesBody(PROMPT));
    const pseudonym = stack.mock.received[0].body.match(/EC2_INSTANCE_[0-9a-z]{10}/)![0];
    // the record's key is a keyed hash of (tenant, time slot); the record sealed (docs/redis.md)
    const scope = credentialScope(SECRET, "sk-test-tenant-a");
    const found = await waitFor(async () => (await loadMappings(redis, SEAL_KEYS, scope, [pseudonym])).get(pseudonym));
    expect(found.key).toMatch(/^aws-masker:v2:r:[0-9a-f]{32}$/);
    expect(found).toMatchObject({ kind: "ec2-instance", original: IDS.instance });
    expect(await redis.type(found.key)).toBe("list");
    // kept at least the TTL, at most one slot (an hour at this TTL) longer
    const ttl = await redis.ttl(found.key);
    expect(ttl).toBeGreaterThan(86400 - 60);
    expect(ttl).toBeLessThanOrEqual(86400 + 3600);
    // under another tenant's key nothing opens, and that tenant finds nothing
    const other = credentialScope(SECRET, "sk-test-tenant-z");
    const [record] = await redis.lrangeBuffer(found.key, 0, 0);
    const slot = Math.floor(Date.now() / 1000 / 3600) * 3600;
    expect(unseal(SEAL_KEYS, recordKey(SEAL_KEYS, other, 3600, slot), record)).toBeUndefined();
    expect((await loadMappings(redis, SEAL_KEYS, other, [pseudonym])).size).toBe(0);
  });

  it("isolates tenants: other API key, other pseudonyms and keys; no unmask oracle", async () => {
    stack.mock.reset();
    await post(stack.gw.url, "/v1/messages", messagesBody(PROMPT), { "x-api-key": "sk-tenant-a" });
    await post(stack.gw.url, "/v1/messages", messagesBody(PROMPT), { "x-api-key": "sk-tenant-b" });
    const [a, b] = stack.mock.received.map((r) => r.body.match(/EC2_INSTANCE_[0-9a-z]{10}/)![0]);
    expect(a).not.toBe(b);
    // tenant b sends tenant a's pseudonym: it is echoed back unchanged, never restored
    const res = await post(stack.gw.url, "/v1/messages", messagesBody(`what is ${a}?`), { "x-api-key": "sk-tenant-b" });
    expect((await res.json()).content[0].text).toBe(`Echo: what is ${a}?`);
    // even the same tenant gets no restore of a pseudonym it did not earn in this request
    const res2 = await post(stack.gw.url, "/v1/messages", messagesBody(`what is ${a}?`), {
      "x-api-key": "sk-tenant-a",
    });
    expect((await res2.json()).content[0].text).toBe(`Echo: what is ${a}?`);
  });
});

describe("refusals (never forwarded unmasked)", () => {
  it("masks a body larger than the in-memory buffer (spilled to a temp file)", async () => {
    stack.mock.reset();
    const big = (PROMPT + "\n").repeat(5000); // ~600 KB
    const res = await post(stack.gw.url, "/v1/messages", messagesBody(big));
    expect(res.status).toBe(200);
    const seen = stack.mock.received[0].body;
    expect(seen.length).toBeGreaterThan(400000);
    expect(assertNoOriginals(seen)).toBeUndefined();
    expect((await res.json()).content[0].text).toBe(`Echo: ${big}`);
  });

  it("400 on invalid JSON, 415 on non-JSON and compressed bodies, with Anthropic-shaped errors", async () => {
    stack.mock.reset();
    const bad = await post(
      stack.gw.url,
      "/v1/messages",
      `{"model":"m","messages":[{"role":"user","content":"${IDS.instance}"`,
    );
    expect(bad.status).toBe(400);
    const err = await bad.json();
    expect(err).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(JSON.stringify(err)).not.toContain(IDS.instance);
    const text = await post(stack.gw.url, "/v1/messages", PROMPT, { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    const gz = await fetch(stack.gw.url + "/v1/messages", {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip", "x-api-key": "k" },
      body: gzipSync(messagesBody(PROMPT)),
    });
    expect(gz.status).toBe(415);
    expect(stack.mock.received.length).toBe(0);
  });

  it("400 when the URL carries an identifier (it cannot be masked)", async () => {
    stack.mock.reset();
    const q = await post(stack.gw.url, `/v1/messages?instance=${IDS.instance}`, messagesBody("hi"));
    expect(q.status).toBe(400);
    const p = await post(stack.gw.url, `/v1/files/${IDS.vpc}`, messagesBody("hi"));
    expect(p.status).toBe(400);
    expect(JSON.stringify(await p.json())).not.toContain(IDS.vpc);
    expect(stack.mock.received.length).toBe(0);
  });
});

describe("no original in the gateway's logs", () => {
  it("error log holds no original", () => {
    expect(assertNoOriginals(stack.gw.errorLog())).toBeUndefined();
  });
});

describe("413 above max_body_size", () => {
  it("refuses, forwards nothing", async () => {
    const small = await startStack({ redis: "none", pluginConfigOverrides: { "aws-masker": { max_body_size: 4096 } } });
    try {
      const res = await post(small.gw.url, "/v1/messages", messagesBody("x".repeat(20000) + IDS.instance));
      expect(res.status).toBe(413);
      expect((await res.json()).error.type).toBe("request_too_large");
      const res2 = await post(small.gw.url, "/v1/messages", messagesBody("y".repeat(2000000) + IDS.instance));
      expect(res2.status).toBe(413);
      expect(small.mock.received.length).toBe(0);
    } finally {
      await small.stop();
    }
  }, 60000);
});

describe("Redis outage", () => {
  // Restoring a plain answer never reads Redis (the request's own session holds its pseudonyms), so what an outage can
  // break is the request path around the failing writes: this checks that requests still pass (200, not a refusal or
  // a 500), are masked with the very pseudonyms of before the outage, are flagged, and that writes resume afterwards.
  it("Redis down: requests pass masked with the same pseudonyms as before and flagged degraded; writes resume after", async () => {
    const s = await startStack({ workers: 1 });
    try {
      const before = await post(s.gw.url, "/v1/messages", messagesBody(PROMPT));
      expect(before.headers.get("x-aws-masker-degraded")).toBeNull();
      const pseudonymsBefore = s.mock.received[0].body.match(/[A-Z][A-Z0-9_]*_[0-9a-z]{10}/g);
      expect(pseudonymsBefore!.length).toBeGreaterThan(3);
      s.mock.reset();
      await s.gw.stopRedis!();
      let flagged = false;
      for (let k = 0; k < 20 && !flagged; k++) {
        const res = await post(s.gw.url, "/v1/messages", messagesBody(PROMPT));
        expect(res.status).toBe(200);
        expect((await res.json()).content[0].text).toBe(`Echo: ${PROMPT}`);
        flagged = res.headers.get("x-aws-masker-degraded") === "redis-unavailable";
        if (!flagged) await new Promise((r) => setTimeout(r, 100));
      }
      expect(flagged).toBe(true);
      for (const r of s.mock.received) {
        expect(assertNoOriginals(r.body)).toBeUndefined();
        expect(r.body.match(/[A-Z][A-Z0-9_]*_[0-9a-z]{10}/g)).toEqual(pseudonymsBefore);
      }
      await s.gw.startRedis!();
      const r2 = new Redis({ host: "127.0.0.1", port: s.gw.redisPort as number, maxRetriesPerRequest: 1 });
      try {
        let recovered = false;
        for (let k = 0; k < 40 && !recovered; k++) {
          await new Promise((r) => setTimeout(r, 150));
          // a new instance id each time: the worker already wrote the mappings of PROMPT before the outage (the
          // restarted Redis lost them) and does not write them again before their refresh is due
          const text = `${PROMPT} and i-0${String(k).padStart(16, "0")}`;
          const res = await post(s.gw.url, "/v1/messages", messagesBody(text));
          expect((await res.json()).content[0].text).toBe(`Echo: ${text}`);
          recovered =
            res.headers.get("x-aws-masker-degraded") === null && (await r2.keys("aws-masker:v2:r:*")).length > 0;
        }
        expect(recovered).toBe(true);
      } finally {
        r2.disconnect();
      }
    } finally {
      await s.stop();
    }
  }, 60000);
});

describe("two gateway nodes", () => {
  // Pseudonyms are derived from the secret, the tenant scope and the original: nodes agree without sharing anything.
  // What a shared Redis adds (names learned on one node masked on the other) is checked in memory.test.ts.
  it("two nodes with the same secret and no Redis mask alike; a node with another secret masks differently", async () => {
    const first = await startStack({ workers: 1, redis: "none" });
    const second = await startStack({ workers: 1, redis: "none" }, first.mock);
    const other = await startStack(
      { workers: 1, redis: "none", env: { AWS_MASKER_SECRET: "another-secret-0123456789abcdef" } },
      first.mock,
    );
    try {
      first.mock.reset();
      await post(first.gw.url, "/v1/messages", messagesBody(PROMPT));
      await post(second.gw.url, "/v1/messages", messagesBody(PROMPT));
      await post(other.gw.url, "/v1/messages", messagesBody(PROMPT));
      const [a, b, c] = first.mock.received.map((r) => r.body);
      expect(assertNoOriginals(a)).toBeUndefined();
      expect(assertNoOriginals(c)).toBeUndefined();
      expect(a).toMatch(/EC2_INSTANCE_[0-9a-z]{10}/);
      expect(b).toBe(a);
      expect(c.match(/EC2_INSTANCE_[0-9a-z]{10}/)![0]).not.toBe(a.match(/EC2_INSTANCE_[0-9a-z]{10}/)![0]);
    } finally {
      await other.stop();
      await second.stop();
      await first.stop();
    }
  }, 60000);
});

describe("configuration is effective", () => {
  it("disabled_kinds (public-ipv4 among them), allowlist and custom_patterns change what is masked", async () => {
    const s = await startStack({
      redis: "none",
      pluginConfigOverrides: {
        "aws-masker": {
          disabled_kinds: ["vpc", "public-ipv4"],
          allowlist: ["10.0.12.34"],
          custom_patterns: [
            { name: "ticket", pattern: "OPS-[0-9]{4,6}" },
            { name: "host", pattern: "[a-z0-9]+\\.corp\\.example", kind: "aws-resource-host" },
          ],
        },
      },
    });
    try {
      const text = `${IDS.instance} ${IDS.vpc} 10.0.12.34 10.0.99.1 54.239.28.85 ticket OPS-12345 db1.corp.example`;
      const res = await post(s.gw.url, "/v1/messages", messagesBody(text));
      expect((await res.json()).content[0].text).toBe(`Echo: ${text}`);
      const seen = JSON.parse(s.mock.received[0].body).messages[0].content as string;
      expect(seen).not.toContain(IDS.instance);
      expect(seen).toContain(IDS.vpc); // disabled kind
      expect(seen).toContain("10.0.12.34"); // allowlisted
      expect(seen).not.toContain("10.0.99.1");
      expect(seen).toContain("54.239.28.85"); // public-ipv4 disabled
      expect(seen).toMatch(/CUSTOM_TICKET_[0-9a-z]{10}/);
      expect(seen).not.toContain("OPS-12345");
      expect(seen).toMatch(/AWS_HOST_[0-9a-z]{10}/);
    } finally {
      await s.stop();
    }
  }, 60000);

  it("tenant_scope global shares pseudonyms across API keys; mapping_ttl_seconds sets the Redis TTL", async () => {
    const s = await startStack({
      workers: 1,
      pluginConfigOverrides: { "aws-masker": { tenant_scope: "global", mapping_ttl_seconds: 120 } },
    });
    const r = new Redis({ host: "127.0.0.1", port: s.gw.redisPort as number, maxRetriesPerRequest: 1 });
    try {
      await post(s.gw.url, "/v1/messages", messagesBody(PROMPT), { "x-api-key": "sk-one" });
      await post(s.gw.url, "/v1/messages", messagesBody(PROMPT), { "x-api-key": "sk-two" });
      const [a, b] = s.mock.received.map((x) => x.body);
      expect(a).toBe(b);
      const pseudonym = a.match(/EC2_INSTANCE_[0-9a-z]{10}/)![0];
      const found = await waitFor(async () => (await loadMappings(r, SEAL_KEYS, "global", [pseudonym])).get(pseudonym));
      // a TTL under 6,000 s: slots of 60 s, so the record is kept 120 to 180 s
      const ttl = await r.ttl(found.key);
      expect(ttl).toBeGreaterThan(60);
      expect(ttl).toBeLessThanOrEqual(180);
    } finally {
      r.disconnect();
      await s.stop();
    }
  }, 60000);

  it("refuses to start with an invalid custom pattern or an unknown kind", async () => {
    await expect(
      startStack({
        redis: "none",
        pluginConfigOverrides: { "aws-masker": { custom_patterns: [{ name: "bad", pattern: "(unclosed" }] } },
      }),
    ).rejects.toThrow(/pattern/);
    await expect(
      startStack({ redis: "none", pluginConfigOverrides: { "aws-masker": { disabled_kinds: ["no-such-kind"] } } }),
    ).rejects.toThrow(/disabled_kinds|one of/);
  }, 60000);
});
