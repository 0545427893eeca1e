// Deriving a pseudonym (engine/pseudonym.ts, engine/session.ts): the keyed hash's input and the 10 characters taken
// from its MAC are computed without loops or pattern searches, and the raw bounds of matches in JSON content with
// escapes in one walk; each must give exactly what its plain definition gives (the Lua side: spec/lua/pseudonym_spec.lua).
import { describe, it, expect } from "vitest";
import { createNodeMasker, newSession, maskJson, maskText, policyFor } from "../../lib/engine";
import { ALPHABET, hashInput, hashOfMessage } from "../../plugin-src/kong/plugins/aws-masker/engine/pseudonym";
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
