// The JSON walker (engine/json.ts) and the per-worker scan cache (engine/session.ts): the iterative walk refuses
// invalid JSON exactly as the recursive one did, and a request masked on a warm worker (every string's scan cached,
// learned names' occurrences kept with it, the second walk replayed) comes out as on a fresh worker, in Node and LuaJIT.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import {
  createNodeMasker,
  newSession,
  maskJson,
  policyFor,
  Masker,
  adoptEntry,
  restoreJson,
  newMemory,
  remember,
  kindById,
  forgetHistories,
  type TenantMemory,
} from "../../lib/engine";
import { buildPlugin, luajitPath, maskInLua, type LuaCase } from "./luajit";

const SECRET = "walk-secret-0123456789";
const MESSAGES = policyFor("/v1/messages");

/** Invalid requests with the error and offset the recursive walker gave (members read ahead by "type" included). */
const INVALID: [string, string, number][] = [
  [
    '{"messages":[{"role":"user","content":[{"a":{"x":[1,{"y":2,"y":3}]},"type":"text","text":"hi"}]}]}',
    "duplicate object key",
    59,
  ],
  ['{"messages":[{"role":"user","content":[{"a":[1,,2],"type":"text","text":"hi"}]}]}', "invalid number", 47],
  ['{"messages":[{"role":"user","content":[{"a":{"q":1 "r":2},"type":"text"}]}]}', "expected ',' or '}' in object", 51],
  ['{"messages":[{"role":"user","content":[{"a":"x\\qy","type":"text"}]}]}', "invalid escape in string", 46],
  ['{"messages":[{"role":"user","content":[{"a":"x\\u12G4","type":"text"}]}]}', "invalid \\u escape in string", 46],
  ['{"messages":[{"role":"user","content":[{"a":tru,"type":"text"}]}]}', "invalid literal", 44],
  ['{"messages":[{"role":"user","content":[{"a":-,"type":"text"}]}]}', "invalid number", 44],
  ['{"messages":[{"role":"user","content":[{"a":1.e5,"type":"text"}]}]}', "invalid number", 44],
  ['{"messages":[{"role":"user","content":[{"a":{1:2},"type":"text"}]}]}', "expected a string key", 45],
  ['{"messages":[{"role":"user","content":[{"a":{"b" 2},"type":"text"}]}]}', "expected ':' after key", 49],
  ['{"messages":[{"role":"user","content":[{"a":[1 2],"type":"text"}]}]}', "expected ',' or ']' in array", 47],
  ['{"messages":[{"role":"user","content":[{"a":[1,2', "unterminated array", 48],
  ['{"messages":[{"role":"user","content":[{"a":{"b":1', "unterminated object", 50],
  ['{"messages":[{"role":"user","content":[{"a":"unterminated', "unterminated string", 57],
  ['{"messages":[{"role":"user","content":[{"type":"text","text":"a","type":"text"}]}]}', "duplicate object key", 65],
  ['{"messages":[{"role":"user","content":"x"}],"model":"m"} x', "unexpected data after the JSON value", 57],
  ['{"messages":[{"role":"user","content":"x"}],"model":"m",}', "expected a string key", 56],
  ['{"messages":[{"role":"user","content":"x\\"}]}', "unterminated string", 45],
  [
    '{"messages":[{"role":"user","content":[{"type":"image","source":{"data":"!!!","media_type":"text/plain","type":"base64"}}]}]}',
    "base64 data of a text document is not valid base64",
    73,
  ],
  [
    '{"messages":[{"role":"user","content":[{"type":"image","source":{"data":"aGk=","media_type":"text/plain","type":"base64","x":[1,]}}]}]}',
    "invalid number",
    128,
  ],
  ["", "unexpected end of input", 0],
  ["   ", "unexpected end of input", 3],
  ["[1,2,]", "invalid number", 5],
  ['{"a":1,"a":2}', "duplicate object key", 7],
  ['{"\\u0061":1,"a":2}', "duplicate object key", 12],
];

/** A request whose tool result nests depth arrays in a block. */
function nested(depth: number): string {
  const head =
    '{"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"x","z":';
  return head + "[".repeat(depth) + "]".repeat(depth) + "}]}]}]}";
}

const LEARNED_AFTER_DOCUMENT = JSON.stringify({
  messages: [
    {
      role: "user",
      content: [
        {
          type: "document",
          source: {
            type: "base64",
            media_type: "text/plain",
            data: Buffer.from("deploy-bot failed").toString("base64"),
          },
        },
      ],
    },
    { role: "user", content: "arn:aws:iam::123456789012:role/deploy-bot" },
  ],
});
const TWO_KINDS_IN_ONE_STRING = JSON.stringify({
  messages: [
    {
      role: "user",
      content: "session arn:aws:sts::123456789012:assumed-role/ssm-role/i-0d91f4a27c6b3e581 on i-0d91f4a27c6b3e581",
    },
  ],
});

/** The masking kept with the cached scan of content (any key), if any. */
function keptMasking(masker: Masker, content: string): unknown {
  for (const byContent of Object.values(masker.scans)) {
    const sc = byContent[content];
    if (sc !== undefined && sc.cached) return sc.kept;
  }
  return undefined;
}

/** Requests that take every path of the walker and the cache: escapes, learned names, weak accounts, media, pairs. */
function requests(): string[] {
  const body = readFileSync("bench/fixtures/request-8k.json", "utf8");
  const vectors = JSON.parse(readFileSync("spec/fixtures/vectors/json.json", "utf8")) as {
    cases: { input: string; expected: string | null }[];
  };
  const text = Buffer.from("host i-0a1b2c3d4e5f67890 in arn:aws:iam::123456789012:role/deploy").toString("base64");
  return [
    body,
    // a text document naming a name that a later string teaches (the second walk masks it in the decoded text)
    LEARNED_AFTER_DOCUMENT,
    // one original found twice in one string, as a role session's name and as an instance id (its masking is kept)
    TWO_KINDS_IN_ONE_STRING,
    ...vectors.cases.filter((c) => c.expected !== null).map((c) => c.input),
    // a name learned in a later string (tool input) stands in an earlier one; a bare account before the first signal
    '{"messages":[{"role":"user","content":"account 123456789012, orders-db and acme-logs"},' +
      '{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"n","input":' +
      '{"acct":123456789012,"DBInstanceIdentifier":"orders-db","BucketName":"acme-logs"}}]},' +
      '{"role":"user","content":"arn:aws:iam::123456789012:role/x \\/dev\\/xvda \\"i-0a1b2c3d4e5f67890\\\\"}]}',
    // escaped quotes and backslashes right before the closing quote; a Key/Value pair inside a tool result
    '{"messages":[{"role":"user","content":[{"type":"text","text":"see web-1 \\u0069-0a1b2c3d4e5f67890 \\\\"},' +
      '{"type":"tool_result","tool_use_id":"t","content":"{\\"Tags\\":[{\\"Key\\":\\"Name\\",\\"Value\\":\\"web-1\\"}]}"},' +
      `{"type":"document","source":{"type":"base64","media_type":"text/plain","data":"${text}"}}]}]}`,
  ];
}

function masked(masker: Masker, input: string): string {
  const s = newSession(masker, "t");
  const r = maskJson(s, input, MESSAGES);
  return JSON.stringify([r.text, r.error, r.offset, s.entries.map((e) => [e.pseudonym, e.original, e.kind])]);
}

describe("JSON walker", () => {
  it("refuses invalid JSON with the recursive walker's error and offset", () => {
    const masker = createNodeMasker({ secret: SECRET });
    for (const [input, error, offset] of INVALID) {
      const r = maskJson(newSession(masker, "t"), input, MESSAGES);
      expect([r.text, r.error, r.offset], input).toEqual([undefined, error, offset]);
    }
  });

  it("walks 256 levels of nesting and refuses 257 where the 257th opens", () => {
    const masker = createNodeMasker({ secret: SECRET });
    expect(maskJson(newSession(masker, "t"), nested(240), MESSAGES).text).toBe(nested(240));
    const r = maskJson(newSession(masker, "t"), nested(260), MESSAGES);
    expect([r.error, r.offset]).toEqual(["nesting too deep", 369]);
  });

  it("scans a member or a block named like an Object.prototype property in Node as in LuaJIT", () => {
    const masker = createNodeMasker({ secret: SECRET });
    for (const body of [
      '{"messages":[{"role":"user","content":"x","constructor":"i-0a1b2c3d4e5f67890"}]}',
      '{"messages":[{"role":"user","content":[{"type":"constructor","text":"i-0a1b2c3d4e5f67890"}]}]}',
    ])
      expect(maskJson(newSession(masker, "t"), body, MESSAGES).text).not.toContain("i-0a1b2c3d4e5f67890");
  });

  it("masks a name learned in a later string where it stands earlier (the second walk)", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const out = maskJson(newSession(masker, "t"), requests().at(-2) as string, MESSAGES).text as string;
    for (const original of ["orders-db", "acme-logs", "123456789012", "i-0a1b2c3d4e5f67890"])
      expect(out.includes(original), original).toBe(false);
  });

  it("masks a name learned in a later string inside an earlier base64 text document (the second walk)", () => {
    const masker = createNodeMasker({ secret: SECRET });
    for (let round = 0; round < 3; round++) {
      const s = newSession(masker, "t");
      const out = JSON.parse(maskJson(s, LEARNED_AFTER_DOCUMENT, MESSAGES).text as string);
      const role = s.entries.find((e) => e.original === "deploy-bot")?.pseudonym as string;
      expect(role).toMatch(/^IAM_ROLE_/);
      expect(Buffer.from(out.messages[0].content[0].source.data, "base64").toString()).toBe(`${role} failed`);
    }
  });
});

describe("warm worker", () => {
  it("masks every request as a fresh worker does, the first time and when it comes again", () => {
    const warm = createNodeMasker({ secret: SECRET });
    for (const input of requests()) {
      const fresh = masked(createNodeMasker({ secret: SECRET }), input);
      // seen once (marked), seen again (scan and masking kept), then from what was kept
      expect(masked(warm, input), input).toBe(fresh);
      expect(masked(warm, input), input).toBe(fresh);
      expect(masked(warm, input), input).toBe(fresh);
    }
  });

  it("masks every request with a tenant memory as a fresh worker does, seen once, kept, and from what was kept", () => {
    const memoryOf = (): TenantMemory => {
      const mem = newMemory(100);
      const kind = kindById("lambda-function");
      if (kind === undefined) throw new Error("no lambda-function kind");
      // names the scanner does not find by itself: masked as remembered names (the body: "checkout", "on-call")
      for (const name of ["checkout", "on-call", "web-1", "acme-logs"]) remember(mem, name, kind);
      return mem;
    };
    const withMemory = (masker: Masker, mem: TenantMemory, input: string): string => {
      const s = newSession(masker, "t");
      s.memory = mem;
      const r = maskJson(s, input, MESSAGES);
      return JSON.stringify([r.text, r.error, s.entries.map((e) => [e.pseudonym, e.original, e.kind])]);
    };
    const warm = createNodeMasker({ secret: SECRET });
    const mem = memoryOf();
    expect(withMemory(createNodeMasker({ secret: SECRET }), memoryOf(), requests()[0])).toContain("LAMBDA_FUNCTION_");
    for (const input of requests()) {
      const fresh = withMemory(createNodeMasker({ secret: SECRET }), memoryOf(), input);
      // seen once (the scan serves this request only), seen again (kept), then from what was kept
      for (let k = 0; k < 3; k++) expect(withMemory(warm, mem, input), input).toBe(fresh);
    }
  });

  it("still refuses a string whose valid twin is cached once one escape in it is broken", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const valid = '{"messages":[{"role":"user","content":"a\\n i-0a1b2c3d4e5f67890 \\\\"}]}';
    // twice: a string is cached from its second sighting on
    expect(maskJson(newSession(masker, "t"), valid, MESSAGES).error).toBeUndefined();
    expect(maskJson(newSession(masker, "t"), valid, MESSAGES).error).toBeUndefined();
    const broken = valid.replace("\\n", "\\q");
    expect(maskJson(newSession(masker, "t"), broken, MESSAGES).error).toBe("invalid escape in string");
    const unterminated = valid.replace('\\\\"}', '\\"}');
    expect(maskJson(newSession(masker, "t"), unterminated, MESSAGES).error).toBe("unterminated string");
  });

  it("masks a string kept for one tenant afresh for another, and again as before for the first", () => {
    const warm = createNodeMasker({ secret: SECRET });
    const maskedFor = (masker: Masker, scope: string, input: string) => {
      const s = newSession(masker, scope);
      const r = maskJson(s, input, MESSAGES);
      return JSON.stringify([r.text, s.entries.map((e) => [e.pseudonym, e.original, e.kind])]);
    };
    for (const input of requests()) {
      const fresh1 = maskedFor(createNodeMasker({ secret: SECRET }), "t1", input);
      const fresh2 = maskedFor(createNodeMasker({ secret: SECRET }), "t2", input);
      // each tenant twice in a row: the second masking is the kept one (a string is kept from its second sighting)
      for (let k = 0; k < 2; k++) {
        expect(maskedFor(warm, "t1", input), input).toBe(fresh1);
        expect(maskedFor(warm, "t1", input), input).toBe(fresh1);
        expect(maskedFor(warm, "t2", input), input).toBe(fresh2);
        expect(maskedFor(warm, "t2", input), input).toBe(fresh2);
      }
    }
  });

  it("salts a pseudonym of a kept string when another original of the request holds its hash part", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const input = '{"messages":[{"role":"user","content":"restart i-0a1b2c3d4e5f67890 and i-0fedcba9876543210"}]}';
    // seen once before: the next masking of the string is kept
    maskJson(newSession(masker, "t"), input, MESSAGES);
    const first = newSession(masker, "t");
    const plain = maskJson(first, input, MESSAGES).text as string;
    const taken = first.entries[1];
    // a request whose own (earlier) original took the second id's hash part: a collision, which the kept masking
    // of the string must not hide
    const second = newSession(masker, "t");
    expect(adoptEntry(second, { pseudonym: taken.pseudonym, original: "i-0000000000000000a", kind: taken.kind })).toBe(
      true,
    );
    const salted = maskJson(second, input, MESSAGES).text as string;
    expect(salted).toContain(first.entries[0].pseudonym);
    expect(salted).not.toContain(taken.pseudonym);
    expect(second.collisions).toBeGreaterThan(0);
    expect(restoreJson(second, salted, MESSAGES).text).toBe(input);
    // and the next request without the collision gets the kept masking again
    expect(maskJson(newSession(masker, "t"), input, MESSAGES).text).toBe(plain);
  });

  it("gives a kept string's original the pseudonym an earlier string of the request gave it as another kind", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const fleet = "fleet-0a1b2c3d-4e5f-6789-abcd-ef0123456789";
    const tagged = `Tags: [{\\"Key\\": \\"aws:ec2:fleet-id\\", \\"Value\\": \\"${fleet}\\"}]`;
    const alone = `{"messages":[{"role":"user","content":"${tagged}"}]}`;
    // the tag's string seen twice alone: its masking (the fleet id as a tag's value) is kept
    maskJson(newSession(masker, "t"), alone, MESSAGES);
    const keptOut = maskJson(newSession(masker, "t"), alone, MESSAGES).text as string;
    const both = `{"messages":[{"role":"user","content":"FleetId: ${fleet}"},{"role":"user","content":"${tagged}"}]}`;
    const s = newSession(masker, "t");
    const out = maskJson(s, both, MESSAGES).text as string;
    expect(s.entries.filter((e) => e.original === fleet)).toHaveLength(1);
    const pseudonym = s.entries.find((e) => e.original === fleet)?.pseudonym as string;
    expect(pseudonym).toMatch(/^EC2_FLEET_/);
    expect(out.split(pseudonym)).toHaveLength(3);
    expect(restoreJson(s, out, MESSAGES).text).toBe(both);
    // the string alone still gets its kept masking
    expect(maskJson(newSession(masker, "t"), alone, MESSAGES).text).toBe(keptOut);
  });

  it("keeps the masking of a string that holds one original as two kinds, named by its first appearance there", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const content = JSON.parse(TWO_KINDS_IN_ONE_STRING).messages[0].content as string;
    const fresh = maskJson(newSession(createNodeMasker({ secret: SECRET }), "t"), TWO_KINDS_IN_ONE_STRING, MESSAGES);
    for (let round = 0; round < 3; round++) {
      // (walked every time: the body's history forgotten)
      forgetHistories(masker);
      const s = newSession(masker, "t");
      const out = maskJson(s, TWO_KINDS_IN_ONE_STRING, MESSAGES).text as string;
      expect(out).toBe(fresh.text);
      const instance = s.entries.filter((e) => e.original === "i-0d91f4a27c6b3e581");
      expect(instance.map((e) => e.pseudonym.slice(0, 13))).toEqual(["ROLE_SESSION_"]);
      expect(out.split(instance[0].pseudonym)).toHaveLength(3);
      expect(restoreJson(s, out, MESSAGES).text).toBe(TWO_KINDS_IN_ONE_STRING);
      // kept from the second sighting on (a string seen once keeps nothing)
      if (round > 0) expect(keptMasking(masker, content), `round ${round}`).toBeDefined();
    }
    // after a string that names the instance as an instance, the kept masking is not used, nor replaced
    const before = `{"messages":[{"role":"user","content":"on i-0d91f4a27c6b3e581"},${TWO_KINDS_IN_ONE_STRING.slice(13)}`;
    const kept = keptMasking(masker, content);
    const s = newSession(masker, "t");
    const out = maskJson(s, before, MESSAGES).text as string;
    const instance = s.entries.filter((e) => e.original === "i-0d91f4a27c6b3e581");
    expect(instance.map((e) => e.pseudonym.slice(0, 13))).toEqual(["EC2_INSTANCE_"]);
    expect(out.split(instance[0].pseudonym)).toHaveLength(4);
    expect(restoreJson(s, out, MESSAGES).text).toBe(before);
    expect(keptMasking(masker, content)).toBe(kept);
  });

  it("lends a kept string's entries to a request's first identifiers, which then count as taken as any other", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const input = '{"messages":[{"role":"user","content":"restart i-0a1b2c3d4e5f67890 and i-0fedcba9876543210"}]}';
    // a string is kept (scan and masking) from its second sighting on
    maskJson(newSession(masker, "t"), input, MESSAGES);
    maskJson(newSession(masker, "t"), input, MESSAGES);
    const s = newSession(masker, "t");
    const out = maskJson(s, input, MESSAGES).text as string;
    expect(s.lent).toBeDefined();
    expect(s.entries.map((e) => e.original)).toEqual(["i-0a1b2c3d4e5f67890", "i-0fedcba9876543210"]);
    expect(s.maxLen).toBe(s.entries[0].pseudonym.length);
    expect(adoptEntry(s, { ...s.entries[1], original: "i-0000000000000000a" })).toBe(false);
    expect(adoptEntry(s, { ...s.entries[1] })).toBe(true);
    expect(s.entries.length).toBe(2);
    expect(restoreJson(s, out, MESSAGES).text).toBe(input);
  });

  it("keeps only a mark of a string and of its identifiers seen once; their scan, masking and pseudonyms from the second sighting on", () => {
    // a cold request's strings and identifiers rarely come back: kept records of them would be live data that every
    // GC cycle walks (the cold cost per new identifier, issue 12)
    // ids no other test derives (the marks of ids derived once are per worker, whatever the masker)
    const masker = createNodeMasker({ secret: SECRET });
    const id = "i-0c0ffee0c0ffee123";
    const content = `restart ${id} and i-0badc0de0badc0de1`;
    const input = JSON.stringify({ messages: [{ role: "user", content }] });
    const scanOf = () => masker.scans["\x1fcontent"]?.[content];
    const tags = () => Object.values(masker.hashes["t"] ?? {});
    const derivationOf = () =>
      tags()
        .map((t) => t.byOriginal[id])
        .find((d) => d !== undefined);
    // (walked every time: the body's history forgotten)
    const walked = () => {
      forgetHistories(masker);
      return masked(masker, input);
    };
    const first = walked();
    expect([scanOf()?.found.length, scanOf()?.kept, derivationOf()]).toEqual([0, undefined, undefined]);
    expect(walked()).toBe(first);
    expect([scanOf()?.found.length, scanOf()?.kept?.entries.length]).toEqual([2, 2]);
    expect(derivationOf()?.pseudonym).toMatch(/^EC2_INSTANCE_[0-9a-z]{10}$/);
    expect(first).toContain(derivationOf()?.pseudonym);
    expect(walked()).toBe(first);
    expect(masked(createNodeMasker({ secret: SECRET }), input)).toBe(first);
  });

  it("keeps the scan cache within its bound over 10 MB of distinct strings", () => {
    const masker = createNodeMasker({ secret: SECRET });
    // every content a length of its own (the cache keeps few of one length, see below)
    for (let k = 0; k < 2500; k++)
      maskJson(newSession(masker, "t"), `{"messages":[{"role":"user","content":"${"x".repeat(4000 + k)}"}]}`, MESSAGES);
    expect(masker.scanBytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(masker.scanBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
  });

  it("keeps at most 256 scans of long contents of one class (length, first and last 8 bytes), and masks the others the same", () => {
    // LuaJIT hashes long strings from a few bytes: thousands of kept contents that differ only in the middle would slow
    // every new one of their length
    const masker = createNodeMasker({ secret: SECRET });
    const content = (k: number) => `${"lorem ipsum ".repeat(20)} ${String(k).padStart(6, "0")} i-0a1b2c3d4e5f67890`;
    const body = (k: number) => `{"messages":[{"role":"user","content":"${content(k)}"}]}`;
    const first = maskJson(newSession(masker, "t"), body(0), MESSAGES).text;
    for (let k = 1; k < 300; k++) maskJson(newSession(masker, "t"), body(k), MESSAGES);
    const c = content(0);
    expect(masker.scanClasses[`${c.length}:${c.slice(0, 8)}${c.slice(-8)}`]).toBe(256);
    expect(Object.keys(masker.scans["\x1fcontent"] ?? {}).length).toBe(256);
    const late = maskJson(newSession(masker, "t"), body(299), MESSAGES).text;
    expect(late).toBe(maskJson(newSession(createNodeMasker({ secret: SECRET }), "t"), body(299), MESSAGES).text);
    expect(maskJson(newSession(masker, "t"), body(0), MESSAGES).text).toBe(first);
  });

  it("keeps long contents of one length that differ in their first bytes (turns numbered at their start)", () => {
    const masker = createNodeMasker({ secret: SECRET });
    for (let k = 100; k < 500; k++)
      maskJson(
        newSession(masker, "t"),
        `{"messages":[{"role":"user","content":"Turn ${k}. ${"lorem ipsum ".repeat(20)}"}]}`,
        MESSAGES,
      );
    expect(Object.keys(masker.scans["\x1fcontent"] ?? {}).length).toBe(400);
  });
});

describe("Node and LuaJIT agree on a warm worker", () => {
  let luajit = "";
  beforeAll(() => {
    luajit = luajitPath();
    buildPlugin();
  }, 120000);

  it("byte-identical masks and errors, each request masked three times by one masker (seen, kept, from the cache)", () => {
    const cases: LuaCase[] = [];
    for (const input of [...requests(), ...INVALID.map((c) => c[0])]) {
      cases.push({ scope: "t", input, json: true });
      cases.push({ scope: "t", input, json: true });
      cases.push({ scope: "t", input, json: true });
    }
    const lua = maskInLua(luajit, SECRET, cases);
    const masker = createNodeMasker({ secret: SECRET });
    cases.forEach((c, k) => {
      const r = maskJson(newSession(masker, c.scope), c.input, MESSAGES);
      expect([lua[k].text, lua[k].error], c.input).toEqual([r.text ?? null, r.error ?? null]);
    });
  });
});
