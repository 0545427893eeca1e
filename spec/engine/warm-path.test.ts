// The warm path's per-worker memos (engine/session.ts keyAfter: the learned-name key after each name learned;
// learnedRecord: a name's record kept with
// the cached scan it was learned from, at its place): a worker that masked other requests before masks each request
// byte for byte as a fresh worker does, when the body changes (the same length, a learned name earlier or not, the
// string it is learned from at another place) and when the same name is learned as another kind; no kept record holds
// a body after its walk. In Node and LuaJIT.
import { describe, it, expect, beforeAll } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  createNodeMasker,
  newSession,
  maskJson,
  maskText,
  restoreJson,
  policyFor,
  answerPolicyFor,
  Masker,
} from "../../lib/engine";
import { buildPlugin, luajitPath, maskInLua, type LuaCase } from "./luajit";

const SECRET = "warm-path-secret-0123456789";
const MESSAGES = policyFor("/v1/messages");
const ANSWER = answerPolicyFor("/v1/messages");
const ROLE_ARN = "arn:aws:iam::123456789012:role/deploy-bot";
const FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:deploy-bot";

function request(...texts: string[]): string {
  return JSON.stringify({ model: "m", messages: texts.map((content) => ({ role: "user", content })) });
}

// deploy-bot is learned from the ARN of the second message; EARLIER names it in the first one too (the walk must mask
// it again there), LATER (the same length) does not
const EARLIER = request("deploy-bot restarted", ROLE_ARN, "deploy-bot failed");
const LATER = request("nothing restarted!", ROLE_ARN, "deploy-bot failed");
// the same name learned first as a role, or as a Lambda function: its later occurrence takes that kind's tag
const AS_ROLE = request("why?", ROLE_ARN, "deploy-bot failed again");
const AS_FUNCTION = request("why?", FUNCTION_ARN, "deploy-bot failed again");
// the ARN string at another place: the name learned from it is learned there (SHIFTED names it after where NEAR
// learned it, before where SHIFTED does: the walk masks it again only if the name's place is SHIFTED's own)
const NEAR = request("x", ROLE_ARN, "deploy-bot failed");
const SHIFTED = request("a".repeat(100) + " deploy-bot restarted", ROLE_ARN, "deploy-bot failed");
const SEQUENCE = [
  LATER,
  LATER,
  EARLIER,
  EARLIER,
  LATER,
  EARLIER,
  AS_ROLE,
  AS_ROLE,
  AS_FUNCTION,
  AS_FUNCTION,
  AS_ROLE,
  NEAR,
  NEAR,
  SHIFTED,
  SHIFTED,
  NEAR,
];

/** A request masked by a fresh session of masker, and the echo of its last message restored: one comparable string. */
function masked(masker: Masker, input: string): string {
  const s = newSession(masker, "t");
  const r = maskJson(s, input, MESSAGES);
  const msgs = JSON.parse(r.text as string).messages;
  const answer = JSON.stringify({ content: [{ type: "text", text: msgs[msgs.length - 1].content }] });
  const back = restoreJson(s, answer, ANSWER);
  return JSON.stringify([r.text, back.text, s.entries.map((e) => [e.pseudonym, e.original, e.kind])]);
}

describe("warm path memos", () => {
  it("a worker that masked other bodies before masks each as a fresh worker: a learned name earlier or not", () => {
    const warm = createNodeMasker({ secret: SECRET });
    for (const body of SEQUENCE)
      expect(masked(warm, body), body).toBe(masked(createNodeMasker({ secret: SECRET }), body));
    // the name that stands before the ARN is masked there as well, on the warm worker too
    const out = masked(warm, EARLIER);
    expect(out).not.toContain("deploy-bot restarted");
    expect(masked(warm, LATER)).toContain("nothing restarted!");
  });

  it("a name learned from a string seen before at another place is learned at the new place: masked before it too", () => {
    const warm = createNodeMasker({ secret: SECRET });
    for (const body of [NEAR, NEAR, NEAR]) masked(warm, body);
    const out = masked(warm, SHIFTED);
    expect(out).toBe(masked(createNodeMasker({ secret: SECRET }), SHIFTED));
    expect(out).not.toContain("deploy-bot restarted");
  });

  it("no learned name, kept with a cached scan for later requests, still holds the body it was searched in", () => {
    const warm = createNodeMasker({ secret: SECRET });
    for (const body of [EARLIER, EARLIER, EARLIER]) {
      const s = newSession(warm, "t");
      maskJson(s, body, MESSAGES);
      expect(s.learned.length).toBeGreaterThan(0);
      for (const l of s.learned) expect(Object.values(l)).not.toContain(body);
    }
  });

  it("the same name learned as a role, then as a Lambda function: each request's later occurrence gets its own tag", () => {
    const warm = createNodeMasker({ secret: SECRET });
    for (const body of [AS_ROLE, AS_ROLE, AS_FUNCTION, AS_FUNCTION]) masked(warm, body);
    const fn = JSON.parse(masked(warm, AS_FUNCTION))[0] as string;
    const role = JSON.parse(masked(warm, AS_ROLE))[0] as string;
    expect(fn).toMatch(/LAMBDA_FUNCTION_\w+ failed again/);
    expect(fn).not.toMatch(/IAM_ROLE_/);
    expect(role).toMatch(/IAM_ROLE_\w+ failed/);
  });
});

describe("a worker's memos hold across tenants and texts", () => {
  it("a worker that masked the whole corpus, each document for another tenant, masks each as a fresh worker", () => {
    // (the per-worker memo of words that name no key: one that is no key only where it stands, an IAM action's
    // service "table" in table:Table, was kept as keyless for every later text, and "table": "x" leaked after it)
    const root = join(__dirname, "..", "fixtures", "corpus");
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const f of readdirSync(d).sort()) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (!f.endsWith(".labels.json")) files.push(p);
      }
    };
    walk(join(root, "positive"));
    walk(join(root, "negative"));
    expect(files.length).toBeGreaterThan(800);
    const shared = createNodeMasker({ secret: SECRET });
    const differ: string[] = [];
    files.forEach((f, k) => {
      const text = readFileSync(f, "latin1");
      const warm = maskText(newSession(shared, "t" + k), text, "");
      if (warm !== maskText(newSession(createNodeMasker({ secret: SECRET }), "t" + k), text, "")) differ.push(f);
    });
    expect(differ).toEqual([]);
  });

  it("an IAM action's service word (table:Table) leaves the word a key in the next text, another tenant's", () => {
    const warm = createNodeMasker({ secret: SECRET });
    maskText(newSession(warm, "a"), "Allow dynamodb:GetItem on table:Table", "");
    expect(maskText(newSession(warm, "b"), '"table":"FeatureFlagsTango" in us-east-1', "")).not.toContain(
      "FeatureFlagsTango",
    );
  });
});

describe("Node and LuaJIT agree on the warm path", () => {
  beforeAll(() => {
    buildPlugin();
  }, 120000);

  it("byte-identical masks and restores of a sequence of bodies on one warm worker", () => {
    const luajit = luajitPath();
    const node = createNodeMasker({ secret: SECRET });
    const cases: LuaCase[] = [];
    const expected: string[] = [];
    for (const input of SEQUENCE) {
      const s = newSession(node, "t");
      const r = maskJson(s, input, MESSAGES);
      const msgs = JSON.parse(r.text as string).messages;
      const answer = JSON.stringify({ content: [{ type: "text", text: msgs[msgs.length - 1].content }] });
      cases.push({ scope: "t", input, json: true, answer });
      expected.push(JSON.stringify([r.text, restoreJson(s, answer, ANSWER).text]));
    }
    const lua = maskInLua(luajit, SECRET, cases);
    cases.forEach((c, k) => expect(JSON.stringify([lua[k].text, lua[k].answer]), c.input).toBe(expected[k]));
  });
});
