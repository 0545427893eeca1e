// Detection scorer: runs the labelled corpus (spec/fixtures/corpus) through the engine in Node and in LuaJIT and
// prints recall per kind, false positives per kind and leaks. Exits non-zero (FAILED) on any leak, any false positive
// in the negative corpus, or any difference between the Node and Lua outputs.
//   npx tsx scripts/score-detection.ts [--no-lua] [--verbose]
// Positive documents: spec/fixtures/corpus/positive/<doc> with labels in <doc>.labels.json: [[value, kind id], ...].
// .json documents go through maskJson (every string scanned, member names as context), .claude.json ones through
// maskJson with the /v1/messages policy; others through maskText.
// A label is found when the session holds an entry for that value with that kind; it leaks when the value is still
// in the masked output. Any entry whose original is not a labelled value is a false positive of its kind.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodeMasker, newSession, maskText, maskJson, policyFor, KINDS } from "../lib/engine";

const ROOT = join(import.meta.dirname, "..");
const CORPUS = join(ROOT, "spec/fixtures/corpus");
const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const withLua = !args.includes("--no-lua");

interface Doc {
  path: string;
  name: string;
  negative: boolean;
  mode: "text" | "json" | "claude";
  labels: [string, string][];
}

function docsIn(dir: string, negative: boolean): Doc[] {
  const out: Doc[] = [];
  for (const f of readdirSync(join(CORPUS, dir)).sort()) {
    if (f.endsWith(".labels.json")) continue;
    const path = join(CORPUS, dir, f);
    const lp = path + ".labels.json";
    const labels: [string, string][] = existsSync(lp) ? JSON.parse(readFileSync(lp, "utf8")) : [];
    out.push({ path, name: `${dir}/${f}`, negative, mode: f.endsWith(".claude.json") ? "claude" : f.endsWith(".json") ? "json" : "text", labels });
  }
  return out;
}

const docs = [...docsIn("positive", false), ...docsIn("negative", true)];
const kindIds = new Set(KINDS.map((k) => k.id));
for (const d of docs) for (const [, k] of d.labels) if (!kindIds.has(k) && !k.startsWith("custom-")) throw new Error(`${d.name}: unknown kind ${k}`);

// Lua needs lua-rex-pcre2 for custom patterns; without it both sides run without them
const luaRegex = withLua && spawnSync("luajit", ["-e", 'require "rex_pcre2"']).status === 0;
const custom = !withLua || luaRegex;
const masker = createNodeMasker({
  secret: "corpus-demo-secret",
  customPatterns: custom ? [{ name: "ticket", pattern: "TICKET-[0-9]{4,}" }] : undefined,
});
const policy = policyFor("/v1/other");
const claudePolicy = policyFor("/v1/messages");

interface Result { out: string; entries: string }
const nodeResults: Result[] = [];
for (const d of docs) {
  const text = readFileSync(d.path, "latin1");
  const sess = newSession(masker, "corpus");
  let out: string;
  if (d.mode !== "text") {
    const r = maskJson(sess, text, d.mode === "claude" ? claudePolicy : policy);
    out = r.text !== undefined ? r.text : `JSON ERROR ${r.error}`;
  } else {
    out = maskText(sess, text, "");
  }
  nodeResults.push({ out, entries: sess.entries.map((e) => `${e.kind}\t${e.original}\t${e.pseudonym}`).join("\n") });
}

// ---- scoring
const total: Record<string, number> = {};
const found: Record<string, number> = {};
const fp: Record<string, number> = {};
const confused: string[] = [];
const leaks: string[] = [];
const negFps: string[] = [];
const fpList: string[] = [];
let labelled = 0;
docs.forEach((d, i) => {
  const r = nodeResults[i];
  const entries = r.entries === "" ? [] : r.entries.split("\n").map((l) => l.split("\t"));
  const labelledValues = new Set(d.labels.map(([v]) => v));
  for (const [v, k] of d.labels) {
    labelled++;
    total[k] = (total[k] ?? 0) + 1;
    if (entries.some(([ek, eo]) => ek === k && eo === v)) found[k] = (found[k] ?? 0) + 1;
    else {
      const other = entries.filter(([, eo]) => eo === v).map(([ek]) => ek);
      confused.push(`${d.name}: ${k} ${JSON.stringify(v)}${other.length ? " found as " + other.join(",") : " not found"}`);
    }
    if (r.out.includes(v)) leaks.push(`${d.name}: ${k} ${JSON.stringify(v)}`);
  }
  for (const [ek, eo] of entries) {
    if (labelledValues.has(eo)) continue;
    fp[ek] = (fp[ek] ?? 0) + 1;
    (d.negative ? negFps : fpList).push(`${d.name}: ${ek} ${JSON.stringify(eo)}`);
  }
});

// ---- Lua
const divergences: string[] = [];
let luaNote = "skipped (--no-lua)";
if (withLua) {
  const dir = mkdtempSync(join(tmpdir(), "score-detection-"));
  const manifest = join(dir, "manifest.tsv");
  writeFileSync(manifest, docs.map((d, i) => `${d.mode}\t${d.path}\t${i}`).join("\n") + "\n");
  try {
    execFileSync("npx", ["tstl", "-p", "tsconfig.lua.json"], { cwd: ROOT, stdio: "ignore" });
  } catch {
    // type errors elsewhere in the tree do not stop emission; the engine files are checked below
  }
  const lua = spawnSync("luajit", ["spec/lua/support/score.lua", manifest, dir, custom ? "" : "nocustom"], { cwd: ROOT, encoding: "utf8" });
  if (lua.status !== 0) {
    divergences.push(`luajit failed: ${lua.stderr}`);
  } else {
    docs.forEach((d, i) => {
      const lo = readFileSync(join(dir, `${i}.out`)).toString("latin1");
      const le = readFileSync(join(dir, `${i}.entries`)).toString("latin1");
      if (lo !== nodeResults[i].out) divergences.push(`${d.name}: masked output differs`);
      if (le !== nodeResults[i].entries) divergences.push(`${d.name}: entries differ`);
    });
  }
  luaNote = `${docs.length - divergences.length}/${docs.length} documents byte-identical` + (custom ? "" : " (custom patterns off: lua-rex-pcre2 missing)");
}

// ---- report
const pos = docs.filter((d) => !d.negative);
const neg = docs.filter((d) => d.negative);
const negBytes = neg.reduce((a, d) => a + readFileSync(d.path).length, 0);
console.log(`corpus: ${pos.length} positive documents, ${labelled} labelled identifiers; ${neg.length} negative documents (${negBytes} bytes)`);
console.log(`kinds in catalogue: ${KINDS.length}`);
console.log("");
console.log("kind                              labels  found  recall   FP");
const kinds = [...new Set([...Object.keys(total), ...Object.keys(fp)])].sort();
for (const k of kinds) {
  const t = total[k] ?? 0;
  const f = found[k] ?? 0;
  const rec = t > 0 ? ((100 * f) / t).toFixed(1) + "%" : "-";
  console.log(`${k.padEnd(33)} ${String(t).padStart(6)} ${String(f).padStart(6)} ${rec.padStart(7)} ${String(fp[k] ?? 0).padStart(4)}`);
}
const tf = Object.values(found).reduce((a, b) => a + b, 0);
console.log(`${"TOTAL".padEnd(33)} ${String(labelled).padStart(6)} ${String(tf).padStart(6)} ${((100 * tf) / labelled).toFixed(1).padStart(6)}% ${String(Object.values(fp).reduce((a, b) => a + b, 0)).padStart(4)}`);
const untested = KINDS.filter((k) => total[k.id] === undefined).map((k) => k.id);
if (untested.length) console.log(`kinds without labels in the corpus: ${untested.join(", ")}`);
console.log("");
if (confused.length) console.log(`missed or wrong kind (${confused.length}):\n  ` + confused.join("\n  "));
if (fpList.length && verbose) console.log(`unlabelled entries in positive documents (${fpList.length}):\n  ` + fpList.join("\n  "));
else if (fpList.length) console.log(`unlabelled entries in positive documents: ${fpList.length} (--verbose lists them)`);
console.log(`leaks: ${leaks.length}` + (leaks.length ? "\n  " + leaks.join("\n  ") : ""));
console.log(`false positives in the negative corpus: ${negFps.length}` + (negFps.length ? "\n  " + negFps.join("\n  ") : ""));
console.log(`node/lua: ${luaNote}` + (divergences.length ? "\n  " + divergences.join("\n  ") : ""));
const failed = leaks.length > 0 || negFps.length > 0 || divergences.length > 0;
console.log(failed ? "FAILED" : "PASSED");
process.exit(failed ? 1 : 0);
