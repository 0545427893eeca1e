// The shared vectors, in Node. spec/lua/vectors_spec.lua checks the compiled Lua against the same files.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import {
  createNodeMasker,
  newSession,
  maskText,
  maskJson,
  restoreText,
  restoreJson,
  policyFor,
  answerPolicyFor,
  adoptEntry,
} from "../../lib/engine";
import { lentOf, resumeSession } from "../../plugin-src/kong/plugins/aws-masker/engine/session";

interface Vector {
  name: string;
  scope: string;
  input: string;
  path?: string;
  expected: string | null;
  error?: string | null;
  pseudonyms: [string, string, string][];
  /** identifiers masked inside base64 data: restoring strings does not give the input back */
  encoded?: boolean;
}
const load = (f: string) =>
  JSON.parse(readFileSync(`spec/fixtures/vectors/${f}.json`, "utf8")) as { secret: string; cases: Vector[] };

describe("text vectors", () => {
  const { secret, cases } = load("text");
  const masker = createNodeMasker({ secret });
  for (const v of cases) {
    it(v.name, () => {
      const s = newSession(masker, v.scope);
      const out = maskText(s, v.input, "");
      expect(out).toBe(v.expected);
      expect(s.entries.map((e) => [e.pseudonym, e.original, e.kind])).toEqual(v.pseudonyms);
      expect(restoreText(s, out, false)).toBe(v.input); // byte-exact round trip
      expect(maskText(s, out, "")).toBe(out); // pseudonyms are never masked again
    });
  }
});

describe("json vectors", () => {
  const { secret, cases } = load("json");
  const masker = createNodeMasker({ secret });
  for (const v of cases) {
    it(v.name, () => {
      const s = newSession(masker, v.scope);
      const r = maskJson(s, v.input, policyFor(v.path ?? "/v1/messages"));
      if (v.expected === null) {
        expect(r.text).toBeUndefined();
        expect(r.error).toBe(v.error);
        return;
      }
      expect(r.text).toBe(v.expected);
      if (!/[\u0000-\u001f]/.test(v.input.replace(/^[^"]*|"\s*[:,\]}]\s*"?/g, "")))
        expect(() => JSON.parse(r.text as string)).not.toThrow();
      if (s.entries.length === 0) expect(r.text).toBe(v.input);
      if (v.encoded) return;
      // restoring every string gives back the input byte for byte (no identifier here holds an escape)
      const back = restoreJson(s, r.text as string, { k: "scan" });
      if (!v.input.includes("\\/")) expect(back.text).toBe(v.input);
      else expect(JSON.parse(back.text as string)).toEqual(JSON.parse(v.input));
    });
  }
});

describe("restore", () => {
  const masker = createNodeMasker({ secret: "restore-secret-0123456789" });
  it("restores only pseudonyms this session produced (no unmask oracle)", () => {
    const a = newSession(masker, "t");
    const masked = maskText(a, "i-0a1b2c3d4e5f67890", "");
    const b = newSession(masker, "t");
    expect(restoreText(b, `model says ${masked}`, false)).toBe(`model says ${masked}`);
    expect(restoreText(a, `model says ${masked}`, false)).toBe("model says i-0a1b2c3d4e5f67890");
  });
  it("JSON-escapes originals restored into JSON", () => {
    const s = newSession(masker, "t");
    adoptEntry(s, { pseudonym: "ARN_RESOURCE_abcdefghjk", original: 'we"ird\\name\n', kind: "arn-resource" });
    const r = restoreJson(s, '{"text":"x ARN_RESOURCE_abcdefghjk y"}', answerPolicyFor("/v1/messages"));
    expect(JSON.parse(r.text as string).text).toBe('x we"ird\\name\n y');
  });
  it("restores the entries a session was lent as its own: JSON-escaped, each under its own tag only", () => {
    const entries = [
      { pseudonym: "ARN_RESOURCE_abcdefghjk", original: 'we"ird\\name\n', kind: "arn-resource" },
      { pseudonym: "EC2_INSTANCE_bcdefghjkm", original: "i-0a1b2c3d4e5f67890", kind: "ec2-instance" },
    ];
    const point = {
      entries: 2,
      learned: 0,
      learnedKey: "",
      learnedKeyCount: 0,
      awsSignal: false,
      weakDropped: false,
      maxLen: 23,
    };
    const s = newSession(masker, "t");
    resumeSession(s, entries, [], point, lentOf(entries, 2, 0));
    const answer =
      "see the host VPC_bcdefghjkm, ARN_RESOURCE_abcdefghjk and EC2_INSTANCE_bcdefghjkm EC2_INSTANCE_bcdefghjk";
    const r = restoreJson(s, JSON.stringify({ text: answer }), answerPolicyFor("/v1/messages"));
    // (another tag before a lent hash part is no pseudonym of the session; nor is a hash part cut short)
    const restored = 'see the host VPC_bcdefghjkm, we"ird\\name\n and i-0a1b2c3d4e5f67890 EC2_INSTANCE_bcdefghjk';
    expect(JSON.parse(r.text as string).text).toBe(restored);
    expect(restoreText(s, answer, false)).toBe(restored);
  });
  it("keeps thinking blocks of an answer as signed", () => {
    const s = newSession(masker, "t");
    const p = maskText(s, "vpc-0fedcba9876543210", "");
    const answer = JSON.stringify({
      content: [
        { type: "thinking", thinking: `about ${p}`, signature: "sig" },
        { type: "text", text: p },
      ],
    });
    const r = JSON.parse(restoreJson(s, answer, answerPolicyFor("/v1/messages")).text as string);
    expect(r.content[0].thinking).toBe(`about ${p}`);
    expect(r.content[1].text).toBe("vpc-0fedcba9876543210");
  });
  it("a pseudonym that is a prefix of another never restores wrongly", () => {
    const s = newSession(masker, "t");
    const out = maskText(s, "sg-12345678 sg-1234567890abcdef0 i-12345678", "");
    expect(restoreText(s, out + out, false)).toBe("sg-12345678 sg-1234567890abcdef0 i-12345678".repeat(2));
  });
  it("never gives two originals one pseudonym in a request (collisions re-derived)", () => {
    // a hash that always collides: every original gets the same first hash
    let calls = 0;
    const weak = {
      ...masker,
      hashes: {},
      hashCount: 0,
      hmac: (k: string, m: string) => {
        calls++;
        return m.endsWith("\x1f1") || m.endsWith("\x1f2") ? masker.hmac(k, m) : "\x00".repeat(20);
      },
    };
    const s = newSession(weak, "t");
    const out = maskText(s, "i-0a1b2c3d4e5f67890 i-1a1b2c3d4e5f67890 i-2a1b2c3d4e5f67890", "");
    const ps = out.split(" ");
    expect(new Set(ps).size).toBe(3);
    expect(s.collisions).toBeGreaterThan(0);
    expect(restoreText(s, out, false)).toBe("i-0a1b2c3d4e5f67890 i-1a1b2c3d4e5f67890 i-2a1b2c3d4e5f67890");
    expect(calls).toBeGreaterThan(3);
  });
  it("gives an original that collided its salted pseudonym again when it comes again in the request", () => {
    const weak = {
      ...masker,
      hashes: {},
      hashCount: 0,
      // every original's first hash is the same: all but the first are salted
      hmac: (k: string, m: string) =>
        m.endsWith("\x1f1") || m.endsWith("\x1f2") ? masker.hmac(k, m) : "\x00".repeat(20),
    };
    const s = newSession(weak, "t");
    const ids = "i-0a1b2c3d4e5f67890 i-1a1b2c3d4e5f67890 i-2a1b2c3d4e5f67890";
    const ps = maskText(s, `${ids} ${ids}`, "").split(" ");
    expect(new Set(ps).size).toBe(3);
    expect(ps.slice(3)).toEqual(ps.slice(0, 3));
    expect(s.collisions).toBeGreaterThan(0);
    expect(s.entries.map((e) => e.original)).toEqual(ids.split(" "));
    expect(restoreText(s, ps.join(" "), false)).toBe(`${ids} ${ids}`);
  });
  it("restores both pseudonyms of one original that two requests named as two kinds (mappings adopted from the store)", () => {
    const instance = "i-0d91f4a27c6b3e581";
    const a = newSession(masker, "t");
    const asInstance = maskText(a, `on ${instance}`, "");
    const b = newSession(masker, "t");
    const asSession = maskText(b, `session arn:aws:sts::123456789012:assumed-role/ssm-role/${instance}`, "");
    // one hash part (the kind is not hashed), two tags
    expect(a.entries[0].pseudonym.slice(-10)).toBe(b.entries[2].pseudonym.slice(-10));
    expect(a.entries[0].pseudonym).not.toBe(b.entries[2].pseudonym);
    const r = newSession(masker, "t");
    for (const e of [...a.entries, ...b.entries, ...a.entries]) expect(adoptEntry(r, { ...e }), e.pseudonym).toBe(true);
    expect(r.entries).toHaveLength(4);
    const both = `${asInstance} | ${asSession}`;
    expect(restoreText(r, both, false)).toBe(
      `on ${instance} | session arn:aws:sts::123456789012:assumed-role/ssm-role/${instance}`,
    );
    expect(JSON.parse(restoreJson(r, JSON.stringify({ text: both }), { k: "scan" }).text as string).text).toBe(
      restoreText(r, both, false),
    );
    // another original under that hash part is still refused; a tag that ends another restores the longer one
    expect(adoptEntry(r, { ...b.entries[2], original: "i-0000000000000000a" })).toBe(false);
    const hash = a.entries[0].pseudonym.slice(-10);
    const t = newSession(masker, "t");
    expect(adoptEntry(t, { pseudonym: `ROUTE_TABLE_${hash}`, original: "rtb-1", kind: "route-table" })).toBe(true);
    expect(adoptEntry(t, { pseudonym: `TGW_ROUTE_TABLE_${hash}`, original: "rtb-1", kind: "tgw-route-table" })).toBe(
      true,
    );
    expect(restoreText(t, `x TGW_ROUTE_TABLE_${hash} ROUTE_TABLE_${hash}`, false)).toBe("x rtb-1 rtb-1");
  });

  it("masks an original as the pseudonym an entry adopted from the store gives it, without a second entry", () => {
    const a = newSession(masker, "t");
    const out = maskText(a, "i-0a1b2c3d4e5f67890", "");
    const b = newSession(masker, "t");
    expect(adoptEntry(b, { ...a.entries[0] })).toBe(true);
    expect(maskText(b, "i-0a1b2c3d4e5f67890", "")).toBe(out);
    expect([b.entries.length, b.collisions]).toEqual([1, 0]);
  });
});

describe("per-worker caches", () => {
  it("give the same output as a fresh masker, whatever was masked before (learned names, other tenants, keys)", () => {
    const body = readFileSync("bench/fixtures/request-8k.json", "utf8");
    const fresh = (scope: string) =>
      maskJson(
        newSession(createNodeMasker({ secret: "cache-secret-0123456789" }), scope),
        body,
        policyFor("/v1/messages"),
      ).text;
    const shared = createNodeMasker({ secret: "cache-secret-0123456789" });
    const long = "x".repeat(300) + " deploy-bot and i-0a1b2c3d4e5f67890 " + "y".repeat(300);
    for (let round = 0; round < 3; round++) {
      for (const scope of ["a", "b"]) {
        expect(maskJson(newSession(shared, scope), body, policyFor("/v1/messages")).text).toBe(fresh(scope));
      }
      // the same long string, once with a name learned earlier in the request and once without
      const withName = newSession(shared, "a");
      maskText(withName, "RoleName: deploy-bot", "");
      expect(maskText(withName, long, "")).not.toContain("deploy-bot");
      const without = newSession(shared, "a");
      expect(maskText(without, long, "")).toContain("deploy-bot");
      expect(maskText(without, long, "")).not.toContain("i-0a1b2c3d4e5f67890");
    }
    expect(shared.scanBytes).toBeGreaterThan(0);
  });
});
