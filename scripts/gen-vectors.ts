// Regenerates the shared test vectors (spec/fixtures/vectors/*.json) from the Node engine. The vectors are golden:
// vitest checks Node against them, busted checks the compiled Lua against them. Rerun only for an intended change,
// and review the diff.
import { writeFileSync, readFileSync } from "node:fs";
import { createNodeMasker, newSession, maskText, maskJson, policyFor } from "../lib/engine";

export const VECTOR_SECRET = "vector-secret-0123456789";

interface Case {
  name: string;
  scope: string;
  input: string;
  path?: string;
}

const inputs = JSON.parse(readFileSync("spec/fixtures/vectors/inputs.json", "utf8")) as { text: Case[]; json: Case[] };
const masker = createNodeMasker({ secret: VECTOR_SECRET });

const text = inputs.text.map((c) => {
  const s = newSession(masker, c.scope);
  return {
    ...c,
    expected: maskText(s, c.input, ""),
    pseudonyms: s.entries.map((e) => [e.pseudonym, e.original, e.kind]),
  };
});
const json = inputs.json.map((c) => {
  const s = newSession(masker, c.scope);
  const r = maskJson(s, c.input, policyFor(c.path ?? "/v1/messages"));
  return {
    ...c,
    expected: r.text ?? null,
    error: r.error ?? null,
    pseudonyms: s.entries.map((e) => [e.pseudonym, e.original, e.kind]),
  };
});
writeFileSync(
  "spec/fixtures/vectors/text.json",
  JSON.stringify({ secret: VECTOR_SECRET, cases: text }, null, 1) + "\n",
);
writeFileSync(
  "spec/fixtures/vectors/json.json",
  JSON.stringify({ secret: VECTOR_SECRET, cases: json }, null, 1) + "\n",
);
console.log(`wrote ${text.length} text and ${json.length} json vectors`);
