// Resent history (engine/json.ts History): a body that starts with an earlier body's bytes up to the end of one of its
// last "messages" items is walked from there. The only claim is that this changes nothing: every such body masks as a
// fresh walk of the whole body would (its text, error, unscannable count, the session's entries, learned names and
// flags), for conversations built from the held-out probes and the corpus, with and without a tenant memory (LuaJIT's
// are compared with Node's in cross-runtime.test.ts). The cases below each pin one thing the resumed walk must carry
// over or give up on.
import { describe, it, expect } from "vitest";
import {
  createNodeMasker,
  newSession,
  newMemory,
  remember,
  isCredential,
  maskJson,
  policyFor,
  HISTORY_STATS,
  forgetHistories,
  kindById,
  Masker,
  Kind,
  TenantMemory,
} from "../../lib/engine";
import { conversations } from "./conversations";

const SECRET = "history-secret-0123456789";
const MESSAGES = policyFor("/v1/messages");

/** Everything a masking decides, as one comparable string. */
function outcome(masker: Masker, scope: string, body: string, memory?: TenantMemory): string {
  const s = newSession(masker, scope);
  s.memory = memory;
  const r = maskJson(s, body, MESSAGES);
  if (memory !== undefined) for (const l of s.learned) if (!isCredential(l.kind)) remember(memory, l.name, l.kind);
  return JSON.stringify([
    r.text,
    r.error,
    r.offset,
    r.unscannable,
    s.entries.map((e) => [e.pseudonym, e.original, e.kind]),
    s.learned.map((l) => [l.name, l.kind.id, l.at]),
    s.awsSignal,
    s.weakDropped,
    s.maxLen,
  ]);
}

/** A masker that keeps no history: its histories forgotten before each request. */
function forgetting(masker: Masker): Masker {
  forgetHistories(masker);
  return masker;
}

function request(messages: string[], extra = ""): string {
  const items = messages.map((m, k) => JSON.stringify({ role: k % 2 === 0 ? "user" : "assistant", content: m }));
  return `{"model":"claude-sonnet-5","max_tokens":64,"messages":[${items.join(",")}]${extra}}`;
}

describe("resent history", () => {
  it("masks every turn of 24 conversations from the probes and the corpus as a fresh walk does, and resumes most", () => {
    const turns = conversations(53, 24);
    const kept = createNodeMasker({ secret: SECRET });
    const fresh = createNodeMasker({ secret: SECRET });
    const before = HISTORY_STATS.resumed;
    for (const t of turns) expect(outcome(kept, t.scope, t.body)).toBe(outcome(forgetting(fresh), t.scope, t.body));
    // every turn after a conversation's first, and every resend, starts with an earlier body's history
    expect(HISTORY_STATS.resumed - before).toBeGreaterThan(turns.length / 2);
  });

  it("masks them as a fresh walk does with a tenant memory the turns teach names to", () => {
    const turns = conversations(5301, 20);
    const kept = createNodeMasker({ secret: SECRET });
    const fresh = createNodeMasker({ secret: SECRET });
    const memories: Record<string, [TenantMemory, TenantMemory]> = {};
    for (const t of turns) {
      memories[t.scope] ??= [newMemory(10000), newMemory(10000)];
      const [a, b] = memories[t.scope];
      expect(outcome(kept, t.scope, t.body, a)).toBe(outcome(forgetting(fresh), t.scope, t.body, b));
    }
  });

  it("resumes an identical resend at its last item, and a Claude Code turn at the item before the moved cache mark", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const first = request(["web i-0a1b2c3d4e5f67890 is down", "check its security group", "sg-0123456789abcdef0"]);
    outcome(masker, "t", first);
    const resumed = HISTORY_STATS.resumed;
    outcome(masker, "t", first);
    expect(HISTORY_STATS.resumed).toBe(resumed + 1);
    expect(masker.histories[0].points.map((p) => p.pos)).toEqual([
      first.lastIndexOf(',{"role":"user"'),
      first.lastIndexOf("]}"),
    ]);
    // the last item's bytes changed (a cache mark moved away) and two items follow
    const next = first.replace('"sg-0123456789abcdef0"', '"sg-0123456789abcdef0 "');
    const grown =
      next.slice(0, next.lastIndexOf("]}")) +
      ',{"role":"assistant","content":"ok"},{"role":"user","content":"and vpc-0fedcba9876543210?"}]}';
    const fresh = forgetting(createNodeMasker({ secret: SECRET }));
    expect(outcome(masker, "t", grown)).toBe(outcome(fresh, "t", grown));
    expect(HISTORY_STATS.resumed).toBe(resumed + 2);
  });

  it("never resumes another tenant's history", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const body = request(["i-0a1b2c3d4e5f67890 and vpc-0fedcba9876543210", "ok"]);
    outcome(masker, "tenant-a", body);
    const resumed = HISTORY_STATS.resumed;
    outcome(masker, "tenant-a", body);
    expect(HISTORY_STATS.resumed).toBe(resumed + 1);
    const other = outcome(masker, "tenant-b", body);
    expect(HISTORY_STATS.resumed).toBe(resumed + 1);
    expect(other).toBe(outcome(forgetting(createNodeMasker({ secret: SECRET })), "tenant-b", body));
  });

  it("never resumes a history made under another version of the tenant memory", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const body = request(["bucket acme-prod-ledger-exports holds i-0a1b2c3d4e5f67890"]);
    const memory = newMemory(100);
    // (the first request teaches the memory the bucket's name: the second keeps a history under its new version)
    outcome(masker, "tenant-a", body, memory);
    outcome(masker, "tenant-a", body, memory);
    const resumed = HISTORY_STATS.resumed;
    outcome(masker, "tenant-a", body, memory);
    expect(HISTORY_STATS.resumed).toBe(resumed + 1);
    remember(memory, "acme-other-name", kindById("lambda-function") as Kind);
    outcome(masker, "tenant-a", body, memory);
    expect(HISTORY_STATS.resumed).toBe(resumed + 1);
  });

  it("masks a name learned in the new turn where it stands in the history too (the walk made again)", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const first = request(["the orders-ledger-writer job failed again", "which one?"]);
    outcome(masker, "t", first);
    const second =
      first.slice(0, -2) +
      ',{"role":"user","content":"aws lambda invoke --function-name orders-ledger-writer out.json"}]}';
    const restarted = HISTORY_STATS.restarted;
    const got = outcome(masker, "t", second);
    expect(got).toBe(outcome(forgetting(createNodeMasker({ secret: SECRET })), "t", second));
    expect(HISTORY_STATS.restarted).toBe(restarted + 1);
    expect(JSON.parse(got)[0]).not.toContain("orders-ledger-writer");
  });

  it("masks a bare account number of the history once the new turn brings an AWS signal (weak candidates)", () => {
    const fresh = () => forgetting(createNodeMasker({ secret: SECRET }));
    for (const signal of ["arn:aws:iam::123456789012:role/deploy", "i-0a1b2c3d4e5f67890 is slow"]) {
      const masker = createNodeMasker({ secret: SECRET });
      const first = request(["our number is 123456789012", "noted"]);
      outcome(masker, "t", first);
      const second = first.slice(0, -2) + `,{"role":"user","content":"${signal}"}]}`;
      const got = outcome(masker, "t", second);
      expect(got).toBe(outcome(fresh(), "t", second));
      expect(JSON.parse(got)[0]).not.toContain("123456789012");
    }
  });

  it("masks a name learned in the new turn where it stands in a text document of the history", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const doc = Buffer.from("runbook: restart ledgerwriter first").toString("base64");
    const document = `{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"text/plain","data":"${doc}"}}]}`;
    const first = `{"model":"m","max_tokens":8,"messages":[${document},{"role":"assistant","content":"read it"}]}`;
    outcome(masker, "t", first);
    const second = first.slice(0, -2) + ',{"role":"user","content":"FunctionName: ledgerwriter"}]}';
    const got = outcome(masker, "t", second);
    expect(got).toBe(outcome(forgetting(createNodeMasker({ secret: SECRET })), "t", second));
    expect(JSON.parse(got)[0]).not.toContain(doc);
  });

  it("still refuses a root key the history already has, and reports an error after the point where a fresh walk does", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const body = request(["i-0a1b2c3d4e5f67890", "ok"]);
    outcome(masker, "t", body);
    const fresh = () => forgetting(createNodeMasker({ secret: SECRET }));
    for (const bad of [
      body.slice(0, -1) + ',"model":"other"}',
      body.slice(0, -1) + ',"max_tokens":1,"max_tokens":2}',
      body.slice(0, -2) + ',{"role":"user","content":"x"},]}',
      body.slice(0, -2),
    ]) {
      const got = JSON.parse(outcome(masker, "t", bad));
      expect(got[1]).toBeTruthy();
      expect(JSON.stringify(got)).toBe(outcome(fresh(), "t", bad));
    }
  });

  it("looks for a name every resend learns again (metadata.user_id) only past the prefix known not to hold it", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const fresh = () => forgetting(createNodeMasker({ secret: SECRET }));
    const meta = ',"metadata":{"user_id":"user_bench_session_7f3a"}';
    const first = request(["web i-0a1b2c3d4e5f67890 is down", "check it"], meta);
    expect(JSON.parse(outcome(masker, "t", first))[5].map((l: string[]) => l[0])).toContain("user_bench_session_7f3a");
    // the resends: the name is looked for in the whole body once, then only from the end of the prefix
    outcome(masker, "t", first);
    const shortened = HISTORY_STATS.searchesShortened;
    for (let k = 0; k < 3; k++) expect(outcome(masker, "t", first)).toBe(outcome(fresh(), "t", first));
    expect(HISTORY_STATS.searchesShortened).toBe(shortened + 3);
    // a new turn names it before the place it is learned at: found there, and the walk made again
    const second = request(["web i-0a1b2c3d4e5f67890 is down", "check it", "is user_bench_session_7f3a mine?"], meta);
    const restarted = HISTORY_STATS.restarted;
    const got = outcome(masker, "t", second);
    expect(got).toBe(outcome(fresh(), "t", second));
    expect(HISTORY_STATS.restarted).toBe(restarted + 1);
    expect(JSON.parse(got)[0]).not.toContain("user_bench_session_7f3a");
  });

  it("counts the history's unscannable content in a resumed body", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const image =
      '{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}';
    const body = `{"model":"m","max_tokens":8,"messages":[${image},{"role":"assistant","content":"a picture"}]}`;
    outcome(masker, "t", body);
    const resumed = HISTORY_STATS.resumed;
    const grown = body.slice(0, -2) + ',{"role":"user","content":"and i-0a1b2c3d4e5f67890?"}]}';
    const got = JSON.parse(outcome(masker, "t", grown));
    expect(HISTORY_STATS.resumed).toBe(resumed + 1);
    expect(got[3]).toBe(1);
  });
});
