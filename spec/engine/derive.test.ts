// Deriving a pseudonym (engine/pseudonym.ts, engine/session.ts): the keyed hash's input and the 10 characters taken
// from its MAC are computed without loops or pattern searches, and the raw bounds of matches in JSON content with
// escapes in one walk; each must give exactly what its plain definition gives (the Lua side: spec/lua/pseudonym_spec.lua).
import { describe, it, expect } from "vitest";
import { createNodeMasker, newSession, maskJson, maskText, policyFor, learnedIn, kindById } from "../../lib/engine";
import {
  ALPHABET,
  HASH_KEY_NONE,
  hashInput,
  hashKeyAt,
  hashOfMessage,
} from "../../plugin-src/kong/plugins/aws-masker/engine/pseudonym";
import { nextEarlierPlace, STANDS, type Learned } from "../../plugin-src/kong/plugins/aws-masker/engine/names";
import { rng, randomText } from "./corpus";

/** The definition: each run of units >= 0x80 becomes one DEL. */
function referenceInput(s: string): string {
  return s.replace(/[\u0080-\uffff]+/g, "\x7f");
}

/** The definition: bits 5k .. 5k+4 of the MAC (a string of byte-valued units), one alphabet character each. */
function referenceHash(mac: string): string {
  let out = "";
  for (let bit = 0; bit < 50; bit += 5) {
    let v = 0;
    for (let b = bit; b < bit + 5; b++) v = v * 2 + ((mac.charCodeAt(b >> 3) >> (7 - (b & 7))) & 1);
    out += ALPHABET[v];
  }
  return out;
}

describe("deriving a pseudonym", () => {
  it("hashKeyAt keys a hash part by its 50 bits, and any other unit there past every key", () => {
    const random = rng(5501);
    const seen = new Map<number, string>();
    for (let k = 0; k < 20000; k++) {
      let hash = "";
      for (let i = 0; i < 10; i++) hash += ALPHABET[Math.floor(random() * 32)];
      const key = hashKeyAt(`x_${hash}y`, 2);
      // the definition: the hash part read as a base-32 number
      expect(key).toBe([...hash].reduce((v, c) => v * 32 + ALPHABET.indexOf(c), 0));
      expect(seen.get(key) ?? hash).toBe(hash);
      seen.set(key, hash);
    }
    expect(hashKeyAt("zzzzzzzzzz", 0)).toBe(HASH_KEY_NONE - 1);
    for (const bad of ["i", "l", "o", "u", "A", "_", "-", "\u00e9", "\u4e2d"]) {
      for (let at = 0; at < 10; at++) {
        const text = "0123456789".slice(0, at) + bad + "0123456789".slice(at + 1);
        expect(hashKeyAt(text, 0)).toBeGreaterThanOrEqual(HASH_KEY_NONE);
      }
    }
  });

  it("hashInput equals its definition at every length up to 80, with high units (one, a run, a pair) anywhere", () => {
    for (let n = 0; n <= 80; n++) {
      const ascii = "a1-".repeat(27).slice(0, n);
      expect(hashInput(ascii)).toBe(ascii);
      for (let p = 0; p < n; p++) {
        for (const high of ["\x80", "\xff", "\u200b", "\ud83d\ude00", "\xe9\xe9"]) {
          const s = ascii.slice(0, p) + high + ascii.slice(p + 1);
          expect(hashInput(s), `length ${n} at ${p}`).toBe(referenceInput(s));
        }
      }
    }
  });

  it("hashOfMessage takes its 10 characters from the MAC's first 50 bits", () => {
    const r = rng(5);
    for (let k = 0; k < 2000; k++) {
      let mac = "";
      for (let b = 0; b < 20; b++) mac += String.fromCharCode(Math.floor(r() * 256));
      expect(hashOfMessage(() => mac, "k", "m")).toBe(referenceHash(mac));
    }
    expect(hashOfMessage(() => "\xff".repeat(20), "k", "m")).toBe("z".repeat(10));
    expect(hashOfMessage(() => "\0".repeat(20), "k", "m")).toBe("0".repeat(10));
  });

  it("JSON content with escapes before, between and inside identifiers masks as its decoded text, cold and cached", () => {
    const masker = createNodeMasker({ secret: "derive-secret-0123456789" });
    const policy = policyFor("/v1/messages");
    const r = rng(31);
    const escapes = ["\\n", '\\"', "\\\\", "\\u0041", "\\/", "\\t", "\\u00e9", "\\ud83d\\ude00"];
    for (let k = 0; k < 300; k++) {
      const { text } = randomText(r, 40 + Math.floor(r() * 400));
      // the text as JSON content, with extra escapes spliced in between its units
      let content = "";
      for (const unit of text) {
        if (r() < 0.05) content += escapes[Math.floor(r() * escapes.length)];
        content += JSON.stringify(unit).slice(1, -1);
      }
      const decoded = JSON.parse('"' + content + '"') as string;
      const body = `{"messages":[{"role":"user","content":[{"type":"text","text":"${content}"}]}]}`;
      const expected = maskText(newSession(masker, "t"), decoded, "text");
      // three times: seen once, cached from the second sighting, its masking kept from the third
      for (let round = 0; round < 3; round++) {
        const out = maskJson(newSession(masker, "t"), body, policy).text as string;
        expect(JSON.parse(out).messages[0].content[0].text, `round ${round}: ${content}`).toBe(expected);
      }
    }
  });
});

describe("learned names looked for in the request body first", () => {
  const kind = kindById("lambda-function");
  const NAMES = ["deploy-bot", "orders-db", "bot", "a.b-c", "x9", "zz-top", "deploy-bot-2", "db"];
  const WORDS = [" ", "-", ".", "deploy", "-bot", "orders", "-db", "bot", "zz-top", "x9", "a.b-c", "\n", "q", "2"];

  it("finds in each piece of a body exactly what searching the piece alone finds, in any order of pieces", () => {
    const r = rng(77);
    for (let k = 0; k < 400; k++) {
      let body = "";
      for (let w = 0; w < 20 + Math.floor(r() * 200); w++) body += WORDS[Math.floor(r() * WORDS.length)];
      // cut into pieces (strings of a request); every order: body order, backwards, shuffled, and again
      const cuts = [0];
      while (cuts[cuts.length - 1] < body.length) cuts.push(cuts[cuts.length - 1] + 1 + Math.floor(r() * 40));
      cuts[cuts.length - 1] = body.length;
      const pieces: [number, number][] = [];
      for (let c = 1; c < cuts.length; c++) pieces.push([cuts[c - 1], cuts[c]]);
      const shuffled = [...pieces].sort(() => r() - 0.5);
      const orders = [pieces, [...pieces].reverse(), shuffled, pieces];
      const learned = NAMES.slice(0, 1 + Math.floor(r() * NAMES.length)).map((name) => ({ name, kind, at: 0 }));
      for (const order of orders) {
        for (const [a, b] of order) {
          const piece = body.slice(a, b);
          expect(learnedIn(learned, piece, body, a), `${JSON.stringify(body)} [${a}, ${b})`).toEqual(
            learnedIn(learned, piece),
          );
        }
      }
      // the same names in another body: nothing of the first body's search is used
      const other = body.split("").reverse().join("");
      expect(learnedIn(learned, other, other, 0)).toEqual(learnedIn(learned, other));
    }
  });

  it("nextEarlierPlace, stepped over names and places as maskedOtherwise does, answers as a plain search for each whole name before where it was learned", () => {
    // the loop of maskedOtherwise (json.ts) over the names learned[from..] and their tails' places
    const learnedStandsBefore = (learned: Learned[], from: number, body: string): boolean => {
      let n = from;
      let p = -1;
      while (n < learned.length) {
        p = nextEarlierPlace(learned[n], body, p);
        if (p === STANDS) return true;
        if (p < 0) n++;
      }
      return false;
    };
    const r = rng(91);
    const stands = (l: { name: string; at: number }, body: string): boolean => {
      const first = body.indexOf(l.name);
      return first >= 0 && first < l.at;
    };
    for (let k = 0; k < 400; k++) {
      let body = "";
      for (let w = 0; w < 5 + Math.floor(r() * 120); w++) body += WORDS[Math.floor(r() * WORDS.length)];
      // one record per name, reused across places: its anchor and tail are computed once
      const learned = NAMES.map((name) => ({ name, kind, at: 0 }));
      for (let c = 0; c < 8; c++) {
        for (const l of learned) {
          l.at = Math.floor(r() * (body.length + 2));
          expect(learnedStandsBefore([l], 0, body), `${l.name} before ${l.at} in ${JSON.stringify(body)}`).toBe(
            stands(l, body),
          );
        }
        const from = Math.floor(r() * (learned.length + 1));
        expect(learnedStandsBefore(learned, from, body), `names from ${from} in ${JSON.stringify(body)}`).toBe(
          learned.slice(from).some((l) => stands(l, body)),
        );
      }
    }
  });

  it("masks the names a request learns first wherever they stand in its later strings, as without the body", () => {
    const masker = createNodeMasker({ secret: "derive-secret-0123456789" });
    const policy = policyFor("/v1/messages");
    const first = 'aws lambda invoke --function-name fn-a out.json; "BucketName": "bkt-b"; --table-name tbl-c';
    const later = [
      "fn-a",
      "fn-a failed",
      "then bkt-b",
      "bkt-b tbl-c fn-a",
      "xfn-a and fn-a2 are other names; tbl-c.",
      "(fn-a)",
      "nothing here",
      "tbl-c",
      "fn-a bkt-b",
      "b",
    ];
    const blocks = [first, ...later, ...later].map((text) => JSON.stringify({ type: "text", text }));
    const body = `{"messages":[{"role":"user","content":[${blocks.join(",")}]}]}`;
    const s = newSession(masker, "t");
    const out = JSON.parse(maskJson(s, body, policy).text as string);
    expect(s.learned.map((l) => l.name)).toEqual(["fn-a", "bkt-b", "tbl-c"]);
    // the oracle: each later string masked as text by a session that knows the names
    later.forEach((text, k) => {
      const expected = maskText(s, text, "text");
      expect(out.messages[0].content[1 + k].text).toBe(expected);
      expect(out.messages[0].content[1 + later.length + k].text).toBe(expected);
    });
    expect(out.messages[0].content[1].text).toMatch(/^LAMBDA_FUNCTION_\w+$/);
    expect(out.messages[0].content[5].text).toContain("xfn-a and fn-a2");
  });
  it("masks a name learned in a later string in the earlier ones that hold it, escaped or not (the second walk)", () => {
    const masker = createNodeMasker({ secret: "derive-secret-0123456789" });
    const policy = policyFor("/v1/messages");
    const texts = [
      "nothing to see",
      "late-fn timed out",
      'quoted "late-fn"\nand a tab\tlate-fn',
      "xlate-fn is another",
      "still nothing",
      "aws lambda invoke --function-name late-fn out.json",
      "late-fn again",
    ];
    const unescaped = texts.filter((text) => !text.includes("\n"));
    const first = ["aws lambda invoke --function-name first-fn out.json"];
    for (const [prefix, rest] of [
      [[], texts],
      [first, texts],
      [[], unescaped],
      [first, unescaped],
    ]) {
      const all = [...prefix, ...rest];
      const blocks = all.map((text) => JSON.stringify({ type: "text", text }));
      const body = `{"messages":[{"role":"user","content":[${blocks.join(",")}]}]}`;
      const s = newSession(masker, "t");
      const out = JSON.parse(maskJson(s, body, policy).text as string);
      expect(s.learned.map((l) => l.name)).toContain("late-fn");
      all.forEach((text, k) => expect(out.messages[0].content[k].text).toBe(maskText(s, text, "text")));
      expect(out.messages[0].content[prefix.length + 1].text).toMatch(/^LAMBDA_FUNCTION_\w+ timed out$/);
    }
  });
});
