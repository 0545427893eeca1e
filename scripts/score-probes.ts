// Held-out probes: pasted material of 43 format families (spec/fixtures/probes/<family>/), each written by a separate
// agent from the formats' own documentation, with the identifying values it planted (planted.tsv: file, value, note).
// The corpus (spec/fixtures/corpus) was written together with the detector; these were not: a family's figure when
// it was written is the detector's honest recall on that family. Later passes fixed much of what they found, so the
// figure now is a regression pin (spec/fixtures/probes/probes.json).
//   npx tsx scripts/score-probes.ts [--family NAME] [--leaks] [--pin]
// Each file is masked once with a fresh session (a .json request body holding "messages" as a /v1/messages request,
// everything else as text); a planted value still in the output leaks. --leaks lists them; --pin writes the current
// counts into probes.json. FAILED (exit 1): a family leaks more values than probes.json pins, or has no pin.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createNodeMasker, maskerConfigOf, newSession, maskText, maskJson, policyFor } from "../lib/engine";

const PROBES = join(import.meta.dirname, "../spec/fixtures/probes");
const PINS = join(PROBES, "probes.json");
const args = process.argv.slice(2);
const only = args.includes("--family") ? args[args.indexOf("--family") + 1] : undefined;
const listLeaks = args.includes("--leaks");
const pin = args.includes("--pin");

interface Pin {
  pass: number;
  covers: string;
  planted: number;
  leakedWhenWritten: number;
  leaked: number;
}
const pins = JSON.parse(readFileSync(PINS, "utf8")) as Record<string, Pin>;
const masker = createNodeMasker(maskerConfigOf({ secret: "probe-secret-0123456789abcdef" }));

function masked(dir: string, file: string): string {
  const text = readFileSync(join(dir, file), "utf8");
  const session = newSession(masker, "probe");
  if (file.endsWith(".json") && text.trimStart().startsWith("{") && text.includes('"messages"')) {
    const r = maskJson(session, text, policyFor("/v1/messages"));
    return r.text ?? "";
  }
  return maskText(session, text, "");
}

const failures: string[] = [];
const rows: string[] = [];
let totalPlanted = 0;
let totalLeaked = 0;
let totalWritten = 0;
for (const family of readdirSync(PROBES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && (only === undefined || e.name === only))
  .map((e) => e.name)
  .sort()) {
  const dir = join(PROBES, family);
  const outputs = new Map<string, string>();
  let planted = 0;
  let leaked = 0;
  for (const line of readFileSync(join(dir, "planted.tsv"), "utf8").split("\n")) {
    const [file, value, note] = line.split("\t");
    if (line.startsWith("#") || !value) continue;
    let out = outputs.get(file);
    if (out === undefined) {
      out = masked(dir, file);
      outputs.set(file, out);
    }
    planted++;
    if (out.includes(value)) {
      leaked++;
      if (listLeaks) console.log(`LEAK\t${family}/${file}\t${value}${note ? "\t" + note : ""}`);
    }
  }
  const p = pins[family];
  if (pin && p !== undefined) Object.assign(p, { planted, leaked });
  if (p === undefined) failures.push(`${family}: no pin in probes.json`);
  else if (leaked > p.leaked) failures.push(`${family}: ${leaked} values leak, ${p.leaked} pinned`);
  totalPlanted += planted;
  totalLeaked += leaked;
  totalWritten += p?.leakedWhenWritten ?? 0;
  const recall = (x: number) => (((planted - x) / planted) * 100).toFixed(1) + " %";
  rows.push(
    `| ${family} | ${p?.pass ?? "?"} | ${p?.covers ?? ""} | ${planted} | ${p?.leakedWhenWritten ?? "?"} (${recall(
      p?.leakedWhenWritten ?? 0,
    )}) | ${leaked} (${recall(leaked)}) |`,
  );
}
console.log("| family | pass | material | planted | leaked when written (recall) | leaked now (recall) |");
console.log("| --- | ---: | --- | ---: | ---: | ---: |");
for (const r of rows) console.log(r);
const share = (x: number) => ((x / totalPlanted) * 100).toFixed(1) + " %";
console.log(
  `all: ${totalPlanted} planted values in ${rows.length} families; leaked when written ${totalWritten} ` +
    `(${share(totalWritten)}), now ${totalLeaked} (${share(totalLeaked)})`,
);
if (pin) writeFileSync(PINS, JSON.stringify(pins, null, 2) + "\n");
for (const f of failures) console.log("FAILED: " + f);
if (failures.length > 0) process.exit(1);
