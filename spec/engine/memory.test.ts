// The tenant's memory of learned names (engine/memory.ts): whole-word matches only, leftmost-longest, scanner
// matches win unless a name holds them whole, credentials never remembered, and Node and LuaJIT mask alike (cost:
// bench/memory.ts).
import { describe, it, expect, beforeAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createNodeMasker,
  newSession,
  maskText,
  restoreText,
  KINDS,
  newMemory,
  remember,
  rememberedIn,
  kindById,
  isCredential,
  MAX_NAME_LEN,
  type TenantMemory,
  type Match,
} from "../../lib/engine";
import { rng } from "./corpus";
import { buildPlugin, luajitPath } from "./luajit";

const SECRET = "memory-secret-0123456789";
const masker = createNodeMasker({ secret: SECRET });
const FN = kindById("lambda-function")!;
const TABLE = kindById("dynamodb-table")!;

function found(mem: TenantMemory, s: string): string[] {
  const occ: Match[] = [];
  rememberedIn(mem, s, occ);
  return occ.map((o) => s.slice(o.s, o.e));
}

describe("matching", () => {
  const mem = newMemory(100);
  remember(mem, "orders-api", FN);
  remember(mem, "orders-api.v2", FN);
  remember(mem, "alice@example.com", kindById("iam-user-name")!);
  remember(mem, "Ledger", TABLE);

  it("finds whole words only: glued by letters, digits, or a dot between word units is not the name; a compound name joined by - or _ to a longer token is", () => {
    expect(found(mem, "xorders-api orders-api.v3 orders-apis")).toEqual([]);
    // names.ts COMPOUND_MIN: orders-api (10 units, with a "-") at the start of a longer token
    expect(found(mem, "orders-api-2 orders-api_x")).toEqual(["orders-api", "orders-api"]);
    expect(found(mem, "(orders-api) orders-api. 'orders-api', orders-api")).toEqual([
      "orders-api",
      "orders-api",
      "orders-api",
      "orders-api",
    ]);
    expect(found(mem, "Ledger ledger LEDGER")).toEqual(["Ledger"]);
  });
  it("prefers the longest name at a start, and a name with @ is one name", () => {
    expect(found(mem, "deploy orders-api.v2 now")).toEqual(["orders-api.v2"]);
    expect(found(mem, "mail alice@example.com today")).toEqual(["alice@example.com"]);
  });
  it("masks remembered names with the pseudonym their kind gives, and restores them", () => {
    const s = newSession(masker, "t");
    s.memory = mem;
    const out = maskText(s, "call orders-api on Ledger", "");
    expect(out).toMatch(/^call LAMBDA_FUNCTION_[0-9a-z]{10} on DYNAMODB_TABLE_[0-9a-z]{10}$/);
    expect(restoreText(s, out, false)).toBe("call orders-api on Ledger");
    // the same pseudonym as when the name was learned from its context
    const learned = newSession(masker, "t");
    const first = maskText(learned, "aws lambda invoke --function-name orders-api x", "");
    expect(out).toContain(first.match(/LAMBDA_FUNCTION_[0-9a-z]{10}/)![0]);
  });
  it("scanner matches win over a remembered name that is one of them or that one runs past", () => {
    const m2 = newMemory(10);
    remember(m2, "i-0a1b2c3d4e5f67890", FN);
    remember(m2, "web-arn", FN);
    const s = newSession(masker, "t");
    s.memory = m2;
    expect(maskText(s, "i-0a1b2c3d4e5f67890", "")).toMatch(/^EC2_INSTANCE_[0-9a-z]{10}$/);
    expect(maskText(s, "arn:aws:lambda:us-east-1:318374561029:function:web-arn", "")).toMatch(
      /^arn:aws:lambda:us-east-1:AWS_ACCOUNT_[0-9a-z]{10}:function:LAMBDA_FUNCTION_[0-9a-z]{10}$/,
    );
  });

  it("a remembered name that holds a scanner match (a bucket named with its account id) is masked whole", () => {
    const m2 = newMemory(10);
    remember(m2, "acme-payroll-logs-318374561029", kindById("s3-bucket")!);
    const s = newSession(masker, "t");
    s.memory = m2;
    // the ARN is an AWS signal: a 12-digit number anywhere in the text is an account id
    const text = "arn:aws:iam::318374561029:root owns acme-payroll-logs-318374561029";
    const out = maskText(s, text, "");
    expect(out).toMatch(/^arn:aws:iam::AWS_ACCOUNT_[0-9a-z]{10}:root owns S3_BUCKET_[0-9a-z]{10}$/);
    expect(restoreText(s, out)).toBe(text);
  });
  it("is bounded: past max, and for names it could not match, nothing is remembered", () => {
    const small = newMemory(2);
    expect(remember(small, "one-name", FN)).toBe(true);
    expect(remember(small, "one-name", FN)).toBe(false);
    expect(remember(small, "-leading", FN)).toBe(false);
    expect(remember(small, "x".repeat(MAX_NAME_LEN + 1), FN)).toBe(false);
    expect(remember(small, "two-name", FN)).toBe(true);
    expect(remember(small, "three-name", FN)).toBe(false);
  });
  it("finds a name added after a string was matched without it, in short and long strings alike", () => {
    const m3 = newMemory(10);
    remember(m3, "billing-api", FN);
    const long = "restart payments-api now. " + "nothing else in here. ".repeat(20);
    for (const text of ["restart payments-api now", long]) {
      const before = newSession(masker, "t");
      before.memory = m3;
      expect(maskText(before, text, "")).toBe(text); // matched (and cached) while the name is unknown
      remember(m3, "payments-api", FN);
      const after = newSession(masker, "t");
      after.memory = m3;
      expect(maskText(after, text, "")).toMatch(/^restart LAMBDA_FUNCTION_[0-9a-z]{10} now/);
      m3.names = {};
      Object.assign(m3, newMemory(10));
      remember(m3, "billing-api", FN);
    }
  });
  it("keeps a text's cached matches when the names added since do not stand in it (a filling memory does not match every text again)", () => {
    const m5 = newMemory(100);
    remember(m5, "billing-api", FN);
    const long = "call billing-api now. " + "nothing else in here. ".repeat(20);
    const sess = newSession(masker, "t");
    sess.memory = m5;
    const first = maskText(sess, long, "");
    expect(first).toMatch(/^call LAMBDA_FUNCTION_[0-9a-z]{10} now/);
    const entry = m5.cache[long];
    expect(entry.count).toBe(1);
    remember(m5, "ledger-api", FN);
    remember(m5, "orders-api", FN);
    const again = newSession(masker, "t");
    again.memory = m5;
    expect(maskText(again, long, "")).toBe(first);
    // the same entry, now valid for all three names: checked, not matched again
    expect(m5.cache[long]).toBe(entry);
    expect(entry.count).toBe(3);
  });
  it("finds a name added after a text was cached, whether one, a few or more names than it checks one by one were added since", () => {
    for (const added of [1, 3, 16, 17, 40]) {
      for (const at of [0, added - 1]) {
        const m6 = newMemory(100);
        remember(m6, "billing-api", FN);
        const names = Array.from({ length: added }, (_, k) => `svc-${k}-api`);
        const text = `restart ${names[at]} now. ` + "nothing else in here. ".repeat(20);
        const before = newSession(masker, "t");
        before.memory = m6;
        expect(maskText(before, text, "")).toBe(text);
        for (const n of names) remember(m6, n, FN);
        const after = newSession(masker, "t");
        after.memory = m6;
        expect(maskText(after, text, "")).toMatch(/^restart LAMBDA_FUNCTION_[0-9a-z]{10} now/);
      }
    }
  });
  it("keeps at most 256 long texts of one class (length, first and last 8 bytes) in its per-string cache, and matches the others the same", () => {
    const mem = newMemory(10);
    remember(mem, "payments-api", FN);
    const text = (k: number) =>
      `${"nothing to see here. ".repeat(8)}${String(k).padStart(6, "0")} restart payments-api`;
    const masked: string[] = [];
    for (let k = 0; k < 300; k++) {
      const sess = newSession(masker, "t");
      sess.memory = mem;
      masked.push(maskText(sess, text(k), ""));
    }
    const t = text(0);
    expect(mem.cacheClasses[`${t.length}:${t.slice(0, 8)}${t.slice(-8)}`]).toBe(256);
    expect(Object.keys(mem.cache).length).toBe(256);
    for (const m of masked) expect(m).toMatch(/ restart LAMBDA_FUNCTION_[0-9a-z]{10}$/);
  });

  it("matches strings named like JavaScript prototype members or cached-scan fields as any other string", () => {
    const m4 = newMemory(10);
    remember(m4, "constructor", FN);
    const texts = [
      "__proto__",
      "toString",
      "found",
      "learns",
      "occ",
      "text",
      "constructor",
      "__proto__",
      "constructor",
    ];
    for (const text of texts) {
      const sess = newSession(masker, "t");
      sess.memory = m4;
      const out = maskText(sess, text, "");
      if (text === "constructor") expect(out).toMatch(/^LAMBDA_FUNCTION_[0-9a-z]{10}$/);
      else expect(out).toBe(text);
    }
  });
  it("credential kinds are recognised (never remembered nor stored)", () => {
    const creds = KINDS.filter((k) => isCredential(k)).map((k) => k.id);
    expect(creds).toContain("secret-access-key");
    expect(creds).toContain("session-token");
    expect(creds).not.toContain("lambda-function");
  });
});

describe("Node and LuaJIT agree", () => {
  let luajit = "";
  beforeAll(() => {
    luajit = luajitPath();
    buildPlugin();
  }, 120000);
  it("byte-identical masks with 2,000 remembered names on 1,000 random texts", () => {
    const r = rng(31);
    const parts = [
      "orders",
      "api",
      "prod",
      "ledger",
      "v2",
      "x",
      "alice",
      "example.com",
      "db",
      "eu-west-1",
      "@",
      ".",
      "-",
      "_",
    ];
    const word = () => {
      let w = parts[Math.floor(r() * 8)];
      const n = Math.floor(r() * 4);
      for (let k = 0; k < n; k++)
        w += ["-", "_", ".", "@", ""][Math.floor(r() * 5)] + parts[Math.floor(r() * parts.length)];
      return w;
    };
    const kinds = ["lambda-function", "dynamodb-table", "s3-bucket", "iam-role-name"];
    const names: [string, string][] = [];
    const mem = newMemory(3000);
    for (let k = 0; k < 2000; k++) {
      const n: [string, string] = [kinds[k % kinds.length], word() + (k % 3 === 0 ? String(k) : "")];
      if (remember(mem, n[1], kindById(n[0])!)) names.push(n);
    }
    const seps = [" ", " ", ". ", ", ", "\n", "(", ")", "-", ".", "@", "_", "'", '"', "é"];
    const texts: string[] = [];
    for (let k = 0; k < 1000; k++) {
      let t = "";
      const n = 5 + Math.floor(r() * 60);
      for (let j = 0; j < n; j++)
        t += (r() < 0.5 ? names[Math.floor(r() * names.length)][1] : word()) + seps[Math.floor(r() * seps.length)];
      texts.push(t);
    }
    const dir = mkdtempSync(join(tmpdir(), "awsm-mem-"));
    writeFileSync(join(dir, "in.json"), JSON.stringify({ secret: SECRET, names, texts }));
    execFileSync(luajit, ["spec/lua/support/memory_batch.lua", join(dir, "in.json"), join(dir, "out.json")]);
    const lua = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as string[];
    let diverged = 0;
    let masked = 0;
    texts.forEach((t, k) => {
      const s = newSession(masker, "t");
      s.memory = mem;
      const out = maskText(s, t, "");
      if (out !== t) masked++;
      if (lua[k] !== out && diverged++ < 3)
        console.error("divergence", JSON.stringify(t), "\nnode", JSON.stringify(out), "\nlua ", JSON.stringify(lua[k]));
    });
    expect(diverged).toBe(0);
    expect(masked).toBeGreaterThan(900);
  });
});
