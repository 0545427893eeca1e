// The JSON walk's per-worker state (engine/json.ts startWalk / endWalk) and the restore that finds the session's
// pseudonyms first: a walk reused after an error, or entered again while another walks, sees nothing of the earlier
// one; an answer without pseudonyms comes back as it is but is still validated; an answer with pseudonyms is restored
// in the strings the answer policy restores only, and validated to its end past the last one. In Node and LuaJIT.
import { describe, it, expect, beforeAll } from "vitest";
import {
  createMasker,
  createNodeMasker,
  newSession,
  maskJson,
  restoreJson,
  policyFor,
  answerPolicyFor,
  nodeHmac,
  nodeRegexFind,
  forgetHistories,
  Masker,
  Session,
} from "../../lib/engine";
import { buildPlugin, luajitPath, maskInLua, type LuaCase } from "./luajit";

const SECRET = "reuse-secret-0123456789";
const MESSAGES = policyFor("/v1/messages");
const ANSWER = answerPolicyFor("/v1/messages");
const ID = "i-0a1b2c3d4e5f67890";
const VPC = "vpc-0fedcba9876543210";

function request(text: string): string {
  return JSON.stringify({ model: "m", messages: [{ role: "user", content: text }] });
}

/** A request masked by a fresh session of masker: its text, error, offset and entries, as one comparable string. */
function masked(masker: Masker, input: string): string {
  const s = newSession(masker, "t");
  const r = maskJson(s, input, MESSAGES);
  return JSON.stringify([r.text, r.error, r.offset, r.unscannable, s.entries.map((e) => [e.pseudonym, e.original])]);
}

/** A session that masked both ids, and their pseudonyms. */
function sessionOf(masker: Masker): { s: Session; id: string; vpc: string } {
  const s = newSession(masker, "t");
  const out = JSON.parse(maskJson(s, request(`${ID} in ${VPC}`), MESSAGES).text as string);
  const [id, , vpc] = (out.messages[0].content as string).split(" ");
  return { s, id, vpc };
}

/** Requests whose walk stops at an error after output was produced (an id masked before the error). */
const BROKEN = [
  `{"messages":[{"role":"user","content":"${ID} x"}],"a":[1,]}`,
  `{"messages":[{"role":"user","content":"${ID}"},{"role":"user","content":"${VPC}"}],"x":1,"x":2}`,
  `{"messages":[{"role":"user","content":[{"type":"text","text":"${ID}"},{"type":"text","text":"\\q"}]}]}`,
  `{"messages":[{"role":"user","content":"${ID}"}]`,
];
const VALID = [
  request(`${ID} and ${VPC}`),
  `{"messages":[{"role":"user","content":[{"type":"text","text":"${VPC}"}]}],"metadata":{"x":{"x":{"x":1}}}}`,
  request("nothing to mask here"),
  `{"a":{"k":1},"b":{"k":1},"c":[{"k":1},{"k":1}]}`,
];

describe("reused walk state", () => {
  it("a walk ended by invalid JSON leaves nothing behind: every request masks as on a fresh worker", () => {
    const warm = createNodeMasker({ secret: SECRET });
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < BROKEN.length; k++) {
        for (const input of [VALID[k], BROKEN[k], VALID[(k + 1) % VALID.length]]) {
          expect(masked(warm, input), input).toBe(masked(createNodeMasker({ secret: SECRET }), input));
        }
      }
    }
  });

  it("keys of earlier objects and earlier requests are no duplicates; a duplicate is still refused after them", () => {
    const masker = createNodeMasker({ secret: SECRET });
    const same = '{"a":{"k":1,"j":2},"b":{"k":1,"j":2}}';
    for (let k = 0; k < 3; k++) expect(maskJson(newSession(masker, "t"), same, MESSAGES).text).toBe(same);
    const r = maskJson(newSession(masker, "t"), '{"a":{"k":1},"b":{"k":1,"j":2,"k":3}}', MESSAGES);
    expect([r.error, r.offset]).toEqual(["duplicate object key", 30]);
    expect(maskJson(newSession(masker, "t"), same, MESSAGES).text).toBe(same);
  });

  it("a mask or restore entered while another walks (from a custom pattern's finder) gets a walk of its own", () => {
    const inner = createNodeMasker({ secret: SECRET });
    const { s: innerSession, id } = sessionOf(inner);
    const innerAnswer = JSON.stringify({ content: [{ type: "text", text: `ran on ${id}` }] });
    const nested: string[] = [];
    const finder = (pattern: string, subject: string, from: number): [number, number] | undefined => {
      // in the middle of the outer walk: a whole mask and restore of other requests
      nested.push(masked(inner, request(`${VPC} then ${ID}`)));
      nested.push(restoreJson(innerSession, innerAnswer, ANSWER).text as string);
      return nodeRegexFind(pattern, subject, from);
    };
    const custom = { secret: SECRET, customPatterns: [{ name: "ticket", pattern: "TCK-[0-9]+" }] };
    const outer = createMasker(custom, nodeHmac, finder);
    const alone = createMasker(custom, nodeHmac, nodeRegexFind);
    const body = `{"messages":[{"role":"user","content":"${ID} TCK-1234"},{"role":"user","content":"${VPC} TCK-99"}]}`;
    expect(masked(outer, body)).toBe(masked(alone, body));
    expect(nested.length).toBeGreaterThan(0);
    for (let k = 0; k < nested.length; k += 2) {
      expect(nested[k]).toBe(masked(createNodeMasker({ secret: SECRET }), request(`${VPC} then ${ID}`)));
      expect(JSON.parse(nested[k + 1]).content[0].text).toBe(`ran on ${ID}`);
    }
  });
});

describe("a caller's result object (into)", () => {
  it("maskJson and restoreJson write every field into it, keeping nothing of the call before: as a new result", () => {
    // two workers given the same calls in the same order (a body masked again resumes from its history)
    const [one, two] = [createNodeMasker({ secret: SECRET }), createNodeMasker({ secret: SECRET })];
    const [a, b] = [sessionOf(one), sessionOf(two)];
    const answer = JSON.stringify({ content: [{ type: "text", text: `see ${a.id}` }] });
    const into = {};
    const calls: [string, () => object, () => object][] = [];
    for (const input of [...VALID, ...BROKEN, VALID[0], VALID[0]]) {
      calls.push([
        input,
        () => maskJson(newSession(one, "u"), input, MESSAGES),
        () => maskJson(newSession(two, "u"), input, MESSAGES, into),
      ]);
      calls.push([answer, () => restoreJson(a.s, answer, ANSWER), () => restoreJson(b.s, answer, ANSWER, into)]);
      calls.push([input, () => restoreJson(a.s, input, ANSWER), () => restoreJson(b.s, input, ANSWER, into)]);
    }
    for (const [input, fresh, reused] of calls) {
      const expected = fresh();
      const got = reused();
      expect(got, input).toBe(into);
      // (a field a new result lacks is undefined in into)
      expect(JSON.parse(JSON.stringify(got)), input).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });
});

describe("restoreJson", () => {
  const masker = createNodeMasker({ secret: SECRET });

  it("gives an answer without the session's pseudonyms back as it is, and still refuses invalid JSON", () => {
    const { s } = sessionOf(masker);
    const other = sessionOf(createNodeMasker({ secret: "another-secret-0123456789" }));
    const answer = JSON.stringify({ content: [{ type: "text", text: `see ${other.id}` }], stop_reason: "end_turn" });
    expect(restoreJson(s, answer, ANSWER)).toEqual({ text: answer, unscannable: 0 });
    const r = restoreJson(s, '{"content":[{"type":"text","text":"x"}],"a":[1,]}', ANSWER);
    expect([r.text, r.error, r.offset]).toEqual([undefined, "invalid number", 47]);
    // a session without any pseudonym validates the same way
    expect(restoreJson(newSession(masker, "t"), '{"a":tru}', ANSWER)).toEqual({ error: "invalid literal", offset: 5 });
  });

  it("restores the strings the policy restores only: before and after a kept thinking block, and in keys", () => {
    const { s, id, vpc } = sessionOf(masker);
    const answer = JSON.stringify({
      content: [
        { type: "text", text: `first ${id}` },
        { type: "thinking", thinking: `about ${id} and ${vpc}`, signature: "sig" },
        { type: "tool_use", id: "t1", name: "describe", input: { [vpc]: [id, 1, true, null] } },
        { type: "text", text: `last ${vpc}` },
      ],
      stop_reason: "end_turn",
    });
    const out = JSON.parse(restoreJson(s, answer, ANSWER).text as string);
    expect(out.content[0].text).toBe(`first ${ID}`);
    expect(out.content[1].thinking).toBe(`about ${id} and ${vpc}`);
    expect(out.content[2].input).toEqual({ [VPC]: [ID, 1, true, null] });
    expect(out.content[3].text).toBe(`last ${VPC}`);
    expect(out.stop_reason).toBe("end_turn");
  });

  it("a warm worker restores the pseudonyms of a lent kept masking as a fresh one: whole, after their own tag", () => {
    const warm = createNodeMasker({ secret: SECRET });
    const body = request(`${ID} in ${VPC}`);
    for (let round = 0; round < 4; round++) {
      // (walked every time: the body's history forgotten)
      forgetHistories(warm);
      const s = newSession(warm, "t");
      const { id, vpc } = maskedIds(s, body);
      // a string is kept from its second sighting on; from the third request on, its kept masking is lent to the session
      expect(s.lent !== undefined, `round ${round}`).toBe(round > 1);
      const cold = newSession(createNodeMasker({ secret: SECRET }), "t");
      expect(maskedIds(cold, body)).toEqual({ id, vpc });
      const wrongTag = "VPC_" + id.slice(id.length - 10);
      const text = `${id} ${wrongTag} x${id}, ${vpc}_ ${id.slice(0, -1)} ${id}${vpc}`;
      const answer = JSON.stringify({ content: [{ type: "text", text }] });
      const restored = JSON.parse(restoreJson(s, answer, ANSWER).text as string).content[0].text;
      expect(restored).toBe(`${ID} ${wrongTag} x${ID}, ${VPC}_ ${id.slice(0, -1)} ${ID}${VPC}`);
      expect(restoreJson(cold, answer, ANSWER).text).toBe(restoreJson(s, answer, ANSWER).text);
    }

    // the pseudonyms of ID and VPC in the masked request
    function maskedIds(s: Session, input: string): { id: string; vpc: string } {
      const [id, , vpc] = (JSON.parse(maskJson(s, input, MESSAGES).text as string).messages[0].content as string).split(
        " ",
      );
      return { id, vpc };
    }
  });

  it("validates the answer to its end past the last pseudonym, with the walk's error and offset", () => {
    const { s, id } = sessionOf(masker);
    const head = `{"content":[{"type":"text","text":"${id}"}],`;
    for (const [tail, error, offset] of [
      ['"a":[1,2,]}', "invalid number", 9],
      ['"a":{"b" 1}}', "expected ':' after key", 9],
      ['"a":"x\\q"}', "invalid escape in string", 6],
      ['"a":1} x', "unexpected data after the JSON value", 7],
      ['"a":[[[1]]', "unterminated array", 10],
    ] as [string, string, number][]) {
      const r = restoreJson(s, head + tail, ANSWER);
      expect([r.error, r.offset], tail).toEqual([error, head.length + offset]);
    }
  });
});

describe("Node and LuaJIT agree on reused walks and restores", () => {
  let luajit = "";
  beforeAll(() => {
    luajit = luajitPath();
    buildPlugin();
  }, 120000);

  it("byte-identical masks, restores and errors, broken requests and answers between valid ones", () => {
    const { id, vpc } = sessionOf(masker());
    const answers = [
      JSON.stringify({ content: [{ type: "text", text: `${id} ${vpc}` }] }),
      `{"content":[{"type":"thinking","thinking":"${id}"},{"type":"text","text":"${vpc}"}],"a":[1,]}`,
      `{"content":[{"type":"text","text":"${vpc}"}]}`,
      '{"content":[{"type":"text","text":"none"}],"x":tru}',
    ];
    const cases: LuaCase[] = [];
    for (let k = 0; k < BROKEN.length; k++) {
      for (const input of [VALID[k], BROKEN[k]]) cases.push({ scope: "t", input, json: true, answer: answers[k] });
    }
    // the same request again: its masking kept, lent to the session, its pseudonyms restored from the lent entries; one
    // behind another tag or cut short stays
    const wrongTag = "VPC_" + id.slice(id.length - 10);
    const lentAnswer = JSON.stringify({
      content: [{ type: "text", text: `${id} ${wrongTag} ${id.slice(0, -1)} x${vpc}` }],
    });
    for (let k = 0; k < 2; k++) cases.push({ scope: "t", input: VALID[0], json: true, answer: lentAnswer });
    const lua = maskInLua(luajit, SECRET, cases);
    const node = masker();
    cases.forEach((c, k) => {
      const s = newSession(node, c.scope);
      const r = maskJson(s, c.input, MESSAGES);
      const back = restoreJson(s, c.answer as string, ANSWER);
      expect([lua[k].text, lua[k].error], c.input).toEqual([r.text ?? null, r.error ?? null]);
      expect([lua[k].answer, lua[k].answerError, lua[k].answerOffset], c.answer).toEqual([
        back.text ?? null,
        back.error ?? null,
        back.offset ?? null,
      ]);
    });
  });

  function masker(): Masker {
    return createNodeMasker({ secret: SECRET });
  }
});
