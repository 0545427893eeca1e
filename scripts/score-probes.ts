// Held-out probes: pasted material of 58 format families (spec/fixtures/probes/<family>/), each written by a separate
// agent from the formats' own documentation, with the identifying values it planted (planted.tsv: file, value, note).
// The corpus (spec/fixtures/corpus) was written together with the detector; these were not: a family's figure when
// it was written is the detector's honest recall on that family. Later passes fixed much of what they found, so the
// figure now is a regression pin (spec/fixtures/probes/probes.json).
//   npx tsx scripts/score-probes.ts [--family NAME] [--leaks] [--pin] [--no-lua]
// Each file is masked once with a fresh session (a .json request body holding "messages" as a /v1/messages request,
// everything else as text); a planted value still in the output leaks. --leaks lists them; --pin writes the current
// counts into probes.json. The same files go through the compiled Lua engine under LuaJIT (build/, from
// `npm run build`; spec/lua/support/mask_batch.lua), whose outputs must be byte-identical. FAILED (exit 1): a family
// leaks more values than probes.json pins or has no pin, a file's output differs between Node and LuaJIT, or an
// original has two pseudonyms in one file's output (found as two kinds: the model would see two things).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodeMasker, maskerConfigOf, newSession, maskText, maskJson, policyFor } from "../lib/engine";

const PROBES = join(import.meta.dirname, "../spec/fixtures/probes");
const PINS = join(PROBES, "probes.json");
const args = process.argv.slice(2);
const only = args.includes("--family") ? args[args.indexOf("--family") + 1] : undefined;
const listLeaks = args.includes("--leaks");
const pin = args.includes("--pin");
const withLua = !args.includes("--no-lua");
const SECRET = "probe-secret-0123456789abcdef";

interface Pin {
  pass: number;
  covers: string;
  planted: number;
  leakedWhenWritten: number;
  leaked: number;
}
const pins = JSON.parse(readFileSync(PINS, "utf8")) as Record<string, Pin>;
const masker = createNodeMasker(maskerConfigOf({ secret: SECRET }));
// every file masked, for the comparison with LuaJIT
const cases: { name: string; input: string; json: boolean; output: string }[] = [];
/** file -> originals of its masking that got more than one pseudonym */
const doubled: string[] = [];
let originalsMasked = 0;

function masked(dir: string, family: string, file: string): string {
  const input = readFileSync(join(dir, file), "utf8");
  const session = newSession(masker, "probe");
  const json = file.endsWith(".json") && input.trimStart().startsWith("{") && input.includes('"messages"');
  const output = json ? (maskJson(session, input, policyFor("/v1/messages")).text ?? "") : maskText(session, input, "");
  cases.push({ name: family + "/" + file, input, json, output });
  const pseudonyms = new Map<string, number>();
  for (const e of session.entries) pseudonyms.set(e.original, (pseudonyms.get(e.original) ?? 0) + 1);
  originalsMasked += pseudonyms.size;
  for (const [original, count] of pseudonyms) if (count > 1) doubled.push(`${family}/${file}: ${original}`);
  return output;
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
      out = masked(dir, family, file);
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
console.log(`one pseudonym per original: ${doubled.length} of ${originalsMasked} masked originals have more`);
for (const d of doubled) failures.push(`${d}: two pseudonyms for one original`);
if (withLua) {
  const work = mkdtempSync(join(tmpdir(), "aws-masker-probes-"));
  const scope = "probe";
  writeFileSync(
    join(work, "in.json"),
    JSON.stringify({ secret: SECRET, cases: cases.map((c) => ({ scope, input: c.input, json: c.json })) }),
  );
  execFileSync("luajit", ["spec/lua/support/mask_batch.lua", join(work, "in.json"), join(work, "out.json")], {
    cwd: join(import.meta.dirname, ".."),
    maxBuffer: 1 << 30,
  });
  const lua = JSON.parse(readFileSync(join(work, "out.json"), "utf8")) as { text: string | null }[];
  const differ = cases.filter((c, k) => (lua[k].text ?? "") !== c.output).map((c) => c.name);
  for (const d of differ) failures.push(`${d}: LuaJIT's output differs from Node's`);
  console.log(`node/lua: ${cases.length - differ.length}/${cases.length} files byte-identical`);
}
if (pin) writeFileSync(PINS, JSON.stringify(pins, null, 2) + "\n");
for (const f of failures) console.log("FAILED: " + f);
if (failures.length > 0) process.exit(1);
