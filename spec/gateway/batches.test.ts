// The Message Batches API through the gateway: requests masked, results (JSON Lines, cut into small TCP pieces)
// restored later from the batch's record in Redis, for its tenant only; Redis down means 503 + retry-after.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createServer, type Socket } from "node:net";
import { startStack, messagesBody, errorLines, PROMPT, IDS, assertNoOriginals, type Stack } from "./support";

let a: Stack;
let b: Stack;

beforeAll(async () => {
  a = await startStack({ workers: 2 });
  b = await startStack({ workers: 1, redis: `127.0.0.1:${a.gw.redisPort}` }, a.mock);
}, 60000);

afterAll(async () => {
  const errors = [...(a ? errorLines(a.gw) : []), ...(b ? errorLines(b.gw) : [])];
  await b?.stop();
  await a?.stop();
  expect(errors.filter((l) => !l.includes("Redis unavailable"))).toEqual([]);
});

const HEADERS = {
  "content-type": "application/json",
  "x-api-key": "sk-batch-tenant",
  "anthropic-version": "2023-06-01",
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function batchBody(texts: string[]): string {
  return JSON.stringify({
    requests: texts.map((t, i) => ({ custom_id: `req-${i}`, params: JSON.parse(messagesBody(t)) })),
  });
}

async function createBatch(stack: Stack, texts: string[], headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(stack.gw.url + "/v1/messages/batches", {
    method: "POST",
    headers: { ...HEADERS, ...headers },
    body: batchBody(texts),
  });
  expect(res.status).toBe(200);
  const batch = await res.json();
  expect(batch.type).toBe("message_batch");
  return batch.id as string;
}

async function results(stack: Stack, id: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.gw.url}/v1/messages/batches/${id}/results`, {
    headers: { ...HEADERS, "x-mock-chunking": "random", ...headers },
  });
}

/** Results once the batch record is in Redis (written by the gateway's flush timer right after the create answer). */
async function resultsWhenRecorded(stack: Stack, id: string): Promise<Response> {
  for (let k = 0; k < 50; k++) {
    const res = await results(stack, id);
    if (res.status !== 404) return res;
    await res.text();
    await sleep(100);
  }
  throw new Error("batch never recorded");
}

const TEXTS = [
  PROMPT,
  `second: ${IDS.account} and aws lambda invoke --function-name ledger-batcher x`,
  "nothing to mask here",
];

describe("Message Batches", () => {
  let id = "";

  it("create masks every request's params; nothing original reaches the API", async () => {
    a.mock.reset();
    id = await createBatch(a, TEXTS);
    const sent = a.mock.received.at(-1)!;
    expect(sent.path).toBe("/v1/messages/batches");
    expect(assertNoOriginals(sent.body)).toBeUndefined();
    expect(sent.body).not.toContain("ledger-batcher");
    const body = JSON.parse(sent.body);
    expect(body.requests.map((r: { custom_id: string }) => r.custom_id)).toEqual(["req-0", "req-1", "req-2"]);
    expect(body.requests[0].params.model).toBe("claude-sonnet-5");
  });

  it("retrieve and list pass through", async () => {
    const one = await fetch(`${a.gw.url}/v1/messages/batches/${id}`, { headers: HEADERS });
    expect(one.status).toBe(200);
    expect((await one.json()).processing_status).toBe("ended");
    const list = await fetch(`${a.gw.url}/v1/messages/batches?limit=10`, { headers: HEADERS });
    expect((await list.json()).data.map((x: { id: string }) => x.id)).toContain(id);
  });

  it("results come back restored line by line, though cut into 1-64 byte pieces, on either gateway", async () => {
    for (const stack of [a, b]) {
      const res = await resultsWhenRecorded(stack, id);
      expect(res.status).toBe(200);
      const text = await res.text();
      const lines = text.split("\n").filter((l) => l !== "");
      expect(lines.length).toBe(3);
      const byId = Object.fromEntries(
        lines.map((l) => JSON.parse(l)).map((r) => [r.custom_id, r.result.message.content[0].text]),
      );
      expect(byId).toEqual({
        "req-0": `Echo: ${TEXTS[0]}`,
        "req-1": `Echo: ${TEXTS[1]}`,
        "req-2": `Echo: ${TEXTS[2]}`,
      });
      expect(text.endsWith("\n")).toBe(true);
    }
  }, 30000);

  it("another tenant gets no restore (no oracle): 404, never the originals", async () => {
    const res = await results(a, id, { "x-api-key": "sk-other-tenant" });
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("not_found_error");
    expect(JSON.stringify(body)).not.toContain(IDS.instance);
  });

  it("cancel passes through", async () => {
    const slow = await createBatch(a, ["cancel me"], { "x-mock-batch-ms": "60000" });
    const res = await fetch(`${a.gw.url}/v1/messages/batches/${slow}/cancel`, { method: "POST", headers: HEADERS });
    expect(res.status).toBe(200);
    expect((await res.json()).cancel_initiated_at).not.toBeNull();
  });

  it("with Redis down: masking goes on (flagged), results answer 503 with retry-after, never pseudonyms", async () => {
    await a.gw.stopRedis!();
    try {
      const res = await results(a, id);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      const body = await res.json();
      expect(body).toMatchObject({ type: "error", error: { type: "api_error" } });
      expect(body.error.message).toMatch(/^aws-masker: /);
      a.mock.reset();
      const m = await fetch(a.gw.url + "/v1/messages", {
        method: "POST",
        headers: HEADERS,
        body: messagesBody(`still ${IDS.instance}, and ledger-batcher`),
      });
      expect(m.status).toBe(200);
      expect(m.headers.get("x-aws-masker-degraded")).toBe("redis-unavailable");
      expect((await m.json()).content[0].text).toBe(`Echo: still ${IDS.instance}, and ledger-batcher`);
      const sent = a.mock.received.at(-1)!.body;
      expect(sent).not.toContain(IDS.instance);
    } finally {
      await a.gw.startRedis!();
    }
  }, 30000);
});

describe("redis_timeout_ms is applied on this host (lua-resty-redis 0.27 has set_timeout, not set_timeouts)", () => {
  it("a Redis that accepts and never answers costs one timeout: results 503 and masking 200, both fast", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((sock) => sockets.push(sock));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as { port: number }).port;
    const s = await startStack(
      { workers: 1, redis: `127.0.0.1:${port}`, pluginConfigOverrides: { "aws-masker": { redis_timeout_ms: 200 } } },
      a.mock,
    );
    try {
      let t0 = Date.now();
      const res = await fetch(`${s.gw.url}/v1/messages/batches/msgbatch_x/results`, { headers: HEADERS });
      expect(res.status).toBe(503);
      expect(Date.now() - t0).toBeLessThan(3000);
      t0 = Date.now();
      const m = await fetch(s.gw.url + "/v1/messages", {
        method: "POST",
        headers: { ...HEADERS, "x-api-key": "sk-timeout" },
        body: messagesBody(PROMPT),
      });
      expect(m.status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(m.headers.get("x-aws-masker-degraded")).toBe("redis-unavailable");
      expect(s.gw.errorLog()).toMatch(/Redis unavailable.*timeout/);
    } finally {
      await s.stop();
      for (const sock of sockets) sock.destroy();
      silent.close();
    }
  }, 30000);
});
