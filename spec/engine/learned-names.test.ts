// Learned names past the few that are searched one by one (names.ts SEARCH_MAX): the one-pass matcher, its index of the
// session's names, and the runs it skips inside the first pass's matches. Every occurrence is masked, in Node and in
// LuaJIT alike.
import { describe, it, expect, beforeAll } from "vitest";
import { createNodeMasker, newSession, maskText, maskJson, findIn, policyFor } from "../../lib/engine";
import { buildPlugin, luajitPath, maskInLua, type LuaCase } from "./luajit";

const SECRET = "learned-names-0123456789";
const masker = createNodeMasker({ secret: SECRET });

const PSEUDONYM = /[A-Z][A-Z0-9_]*_[0-9a-z]{10}/g;

/** `--bucket <name> ` for each name: every name is learned where it stands (the adversarial "many learned names"). */
function flags(names: string[]): string {
  return names.map((n) => `--bucket ${n} `).join("");
}

const NAMES = Array.from({ length: 40 }, (_, k) => `b${k.toString(36)}-logs`);
/** Names learned late standing earlier, names standing again later, and glued into longer words (never masked). */
const TEXT =
  `early: ${NAMES[39]} and ${NAMES[0]}.\n` +
  flags(NAMES) +
  `\nlate: ${NAMES[0]}, ${NAMES[20]}. x-${NAMES[7]} ${NAMES[7]}-old ${NAMES[12]}.suffix (${NAMES[33]})`;

/** The pseudonym each name got where it was learned (its --bucket occurrence). */
function learnedPseudonyms(out: string): Map<string, string> {
  const byName = new Map<string, string>();
  const flagged = out.split("\n")[1].split("--bucket ").slice(1);
  NAMES.forEach((n, k) => byName.set(n, flagged[k].trim()));
  return byName;
}

describe("many learned names in one text", () => {
  it("every occurrence of every name is masked, earlier and later than where it was learned, with its pseudonym", () => {
    const out = maskText(newSession(masker, "t"), TEXT, "");
    const p = learnedPseudonyms(out);
    for (const n of NAMES) expect(p.get(n)).toMatch(/^S3_BUCKET_[0-9a-z]{10}$/);
    expect(new Set(p.values()).size).toBe(NAMES.length);
    const [early, , late] = out.split("\n");
    expect(early).toBe(`early: ${p.get(NAMES[39])} and ${p.get(NAMES[0])}.`);
    // glued into a longer word: not the name (word boundaries); a stack-output style suffix after a dot is
    expect(late).toBe(
      `late: ${p.get(NAMES[0])}, ${p.get(NAMES[20])}. x-${NAMES[7]} ${NAMES[7]}-old ${p.get(NAMES[12])}.suffix (${p.get(NAMES[33])})`,
    );
  });

  it("a name standing inside another identifier is that identifier's: one match there, never a second over it", () => {
    const cases: [string, string[]][] = [
      [`arn:aws:lambda:us-east-1:123456789012:function:${NAMES[5]}`, ["123456789012", NAMES[5], NAMES[5]]],
      [`${NAMES[5]}.cluster-abc123def.us-east-1.rds.amazonaws.com`, [`${NAMES[5]}.cluster-abc123def`, NAMES[5]]],
      [`s3://${NAMES[5]}/key`, [NAMES[5], NAMES[5]]],
    ];
    for (const [container, expected] of cases) {
      const text = `${flags(NAMES)}\n${container} and ${NAMES[5]}`;
      const found = findIn(newSession(masker, "t"), text, "");
      for (let k = 1; k < found.length; k++) expect(found[k].s).toBeGreaterThanOrEqual(found[k - 1].e);
      const at = text.indexOf("\n");
      expect(found.filter((m) => m.s > at).map((m) => text.substring(m.s, m.e))).toEqual(expected);
    }
  });

  it("names that are JavaScript object members (constructor, toString, __proto__) are learned and found like others", () => {
    for (const count of [2, 20]) {
      const others = NAMES.slice(0, count);
      const text =
        `see constructor, tostring and hasOwnProperty, valueOf, __proto__\n` +
        `--function-name constructor --function-name tostring ${flags(others)}\n` +
        `again constructor and tostring; hasOwnProperty valueOf __proto__ stay`;
      const out = maskText(newSession(masker, "t"), text, "");
      expect(out).not.toMatch(/\bconstructor\b|\btostring\b/);
      expect(out).toContain("hasOwnProperty, valueOf, __proto__\n");
      expect(out.split("\n")[2]).toMatch(
        /^again LAMBDA_FUNCTION_[0-9a-z]{10} and LAMBDA_FUNCTION_[0-9a-z]{10}; hasOwnProperty valueOf __proto__ stay$/,
      );
      expect((out.match(PSEUDONYM) as string[]).length).toBe(6 + count);
    }
  });

  describe("LuaJIT", () => {
    let luajit = "";
    beforeAll(() => {
      luajit = luajitPath();
      buildPlugin();
    }, 120000);

    it("masks these texts byte for byte as Node does", () => {
      const texts = [
        TEXT,
        `${flags(NAMES)}\n${NAMES[5]}.cluster-abc123def.us-east-1.rds.amazonaws.com and ${NAMES[5]}`,
        `--function-name constructor --function-name tostring ${flags(NAMES.slice(0, 20))} constructor tostring __proto__ valueOf`,
        // the adversarial input's shape, long enough for the index to grow several times
        flags(Array.from({ length: 3000 }, (_, k) => `b${k.toString(36)}-logs`)) +
          Array.from({ length: 3000 }, (_, k) => `b${(2999 - k).toString(36)}-logs`).join(" "),
      ];
      const cases: LuaCase[] = texts.map((input) => ({ scope: "t", input, json: false }));
      const lua = maskInLua(luajit, SECRET, cases);
      texts.forEach((input, k) => {
        const node = maskText(newSession(masker, "t"), input, "");
        expect(lua[k].text).toBe(node);
        if (k > 0) expect(node).not.toMatch(/\bb[0-9a-z]+-logs\b/);
      });
    });
  });
});

/** A bucket named with its account id (a common convention): the scanner finds the account id inside it too. */
const HOLDER = "acme-payroll-logs-318374561029";
/** The texts: the name learned from its S3 URL, standing whole before and after it, with 0 or 40 other names learned. */
function holderTexts(): string[] {
  return [0, NAMES.length].map(
    (count) =>
      `GET /${HOLDER}?versioning from ${HOLDER}\n${flags(NAMES.slice(0, count))}s3://${HOLDER}/2026/x.csv\n` +
      `again ${HOLDER}, and not ${HOLDER}-old`,
  );
}

const HOLDER_BODY = JSON.stringify({
  model: "claude-x",
  messages: [
    { role: "user", content: `the access log names ${HOLDER} in field two` },
    { role: "user", content: `aws s3 ls s3://${HOLDER}/` },
    { role: "user", content: `${HOLDER}` },
  ],
});

describe("a learned name that holds another identifier (a bucket name with the account id in it)", () => {
  it("is masked whole wherever it stands, not only the account id in it (the rest of the name would be sent)", () => {
    for (const text of holderTexts()) {
      const out = maskText(newSession(masker, "t"), text, "");
      const bucket = /s3:\/\/(S3_BUCKET_[0-9a-z]{10})\//.exec(out)![1];
      const lines = out.split("\n");
      expect(lines[0]).toBe(`GET /${bucket}?versioning from ${bucket}`);
      // joined by "-" to a longer token, the compound name is still masked (names.ts COMPOUND_MIN)
      expect(lines[lines.length - 1]).toBe(`again ${bucket}, and not ${bucket}-old`);
      expect(out).not.toContain("acme-payroll-logs-318374561029");
    }
  });

  it("is masked whole in every string of a JSON request, the strings before the one it was learned in too", () => {
    const r = maskJson(newSession(masker, "t"), HOLDER_BODY, policyFor("/v1/messages"));
    const contents = (JSON.parse(r.text!) as { messages: { content: string }[] }).messages.map((m) => m.content);
    const bucket = /s3:\/\/(S3_BUCKET_[0-9a-z]{10})\//.exec(contents[1])![1];
    expect(contents).toEqual([`the access log names ${bucket} in field two`, `aws s3 ls s3://${bucket}/`, bucket]);
  });

  it("an identifier that is exactly a learned name, or runs past one, keeps the scanner's match", () => {
    const text = `--function-name 318374561029 --bucket web-i-0a1b2c3d4e5f67890\n318374561029 and i-0a1b2c3d4e5f67890-web`;
    const out = maskText(newSession(masker, "t"), text, "").split("\n")[1];
    expect(out).toMatch(/^AWS_ACCOUNT_[0-9a-z]{10} and EC2_INSTANCE_[0-9a-z]{10}-web$/);
  });

  it("LuaJIT masks these texts and requests byte for byte as Node does", () => {
    const luajit = luajitPath();
    buildPlugin();
    const texts = holderTexts();
    const cases: LuaCase[] = texts.map((input) => ({ scope: "t", input, json: false }));
    cases.push({ scope: "t", input: HOLDER_BODY, json: true });
    const lua = maskInLua(luajit, SECRET, cases);
    texts.forEach((input, k) => expect(lua[k].text).toBe(maskText(newSession(masker, "t"), input, "")));
    const node = maskJson(newSession(masker, "t"), HOLDER_BODY, policyFor("/v1/messages")).text;
    expect(lua[texts.length].text).toBe(node);
    expect(node).not.toContain("acme-payroll-logs");
  }, 120000);
});

describe("a compound learned name joined by - or _ to a longer token (names.ts COMPOUND_MIN)", () => {
  // the Serverless Framework names each function <service>-<stage>-<function>; a bucket gets -old, -archive copies
  const STACKS = Array.from({ length: 12 }, (_, k) => `orders-svc-${k.toString(36)}-prod`);
  function text(count: number): string {
    const learned = STACKS.slice(0, count)
      .map((n) => `aws cloudformation deploy --stack-name ${n}`)
      .join("\n");
    const glued = STACKS.slice(0, count)
      .map((n) => `${n}-createOrder v2_${n} ${n}_x x${n} ${n}s`)
      .join("\n");
    return `${learned}\n${glued}\n`;
  }

  it("is masked at the start and at the end of the longer token, by few names and by the one-pass matcher of many", () => {
    for (const count of [3, 12]) {
      const out = maskText(newSession(masker, "t"), text(count), "");
      for (const n of STACKS.slice(0, count)) expect(out).not.toMatch(new RegExp(`(^|[ _-])${n}([ _-]|$)`, "m"));
      const lines = out.trim().split("\n").slice(count);
      for (const line of lines)
        expect(line).toMatch(
          /^(RESOURCE_NAME_[0-9a-z]{10})-createOrder v2_\1 \1_x xorders-svc-[0-9a-z]-prod orders-svc-[0-9a-z]-prods$/,
        );
    }
  });

  it("LuaJIT masks it byte for byte as Node does", () => {
    const luajit = luajitPath();
    buildPlugin();
    const inputs = [text(3), text(12)];
    const lua = maskInLua(
      luajit,
      SECRET,
      inputs.map((input) => ({ scope: "t", input, json: false })),
    );
    inputs.forEach((input, k) => expect(lua[k].text).toBe(maskText(newSession(masker, "t"), input, "")));
  }, 120000);
});
