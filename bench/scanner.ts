// Detector throughput per corpus family (spec/fixtures/corpus: CLI output, logs, IaC, prose ...), in Node and in LuaJIT:
// every document through findIn (detect: the scanner's first pass and learning, no pseudonyms) and maskText (mask:
// with the pseudonyms), caches emptied before every document (cold, as for content never seen before). A benchmark,
// not a test: it prints MB/s per family and the totals.
//   npx tsx bench/scanner.ts            (BENCH_BYTES: bytes per family and measure, default 4 MB; BENCH_FAMILY: only one)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodeMasker, newSession, findIn, maskText, resetCaches } from "../lib/engine";

const CORPUS = "spec/fixtures/corpus";
const target = Number(process.env.BENCH_BYTES ?? 4000000);
const only = process.env.BENCH_FAMILY;
const WARM_UP = 3;

/** family -> documents (positive/<family>/*, negative/<family>/* as neg-<family>; loose files: regression, negative) */
const families = new Map<string, string[]>();
for (const side of ["positive", "negative"]) {
  for (const entry of readdirSync(join(CORPUS, side)).sort()) {
    const path = join(CORPUS, side, entry);
    const isDir = statSync(path).isDirectory();
    const family = isDir
      ? (side === "negative" ? "neg-" : "") + entry
      : side === "positive"
        ? "regression"
        : "negative";
    const files = isDir ? readdirSync(path).map((f) => join(path, f)) : [path];
    for (const f of files.sort()) {
      if (f.endsWith(".labels.json")) continue;
      if (only !== undefined && family !== only) continue;
      if (!families.has(family)) families.set(family, []);
      (families.get(family) as string[]).push(f);
    }
  }
}

const masker = createNodeMasker({ secret: "bench-secret-0123456789" });

function rate(docs: string[], bytes: number, fn: (d: string) => void): number {
  const reps = Math.max(2, Math.ceil(target / bytes));
  for (let r = 0; r < WARM_UP; r++) for (const d of docs) fn(d); // (JIT)
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) for (const d of docs) fn(d);
  return (bytes * reps) / (Number(process.hrtime.bigint() - t0) / 1e9) / 1e6;
}

const detect = (d: string): void => {
  resetCaches(masker);
  findIn(newSession(masker, "bench"), d, "");
};
const mask = (d: string): void => {
  resetCaches(masker);
  maskText(newSession(masker, "bench"), d, "");
};

// Node reads the files as latin1 (one unit per byte, as Lua sees them)
const node = new Map<string, [number, number, number]>();
for (const [family, paths] of families) {
  const docs = paths.map((p) => readFileSync(p, "latin1"));
  const bytes = docs.reduce((a, d) => a + d.length, 0);
  node.set(family, [bytes, rate(docs, bytes, detect), rate(docs, bytes, mask)]);
}

execFileSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
const dir = mkdtempSync(join(tmpdir(), "scanner-bench-"));
const manifest = join(dir, "manifest.tsv");
const lines: string[] = [];
for (const [family, paths] of families) for (const p of paths) lines.push(`${family}\t${p}`);
writeFileSync(manifest, lines.join("\n") + "\n");
const out = execFileSync("luajit", ["bench/scanner.lua", manifest], {
  encoding: "utf8",
  env: { ...process.env, BENCH_BYTES: String(target) },
});
const lua = new Map<string, [number, number]>();
for (const line of out.trim().split("\n")) {
  const [family, , d, m] = line.split("\t");
  lua.set(family, [Number(d), Number(m)]);
}

const pad = (s: string, w: number): string => s.padStart(w);
console.log("detector throughput per corpus family, cold caches, MB/s (detect: findIn; mask: maskText)");
console.log(
  `${"family".padEnd(16)} ${pad("KB", 7)} ${pad("Lua det", 8)} ${pad("Lua mask", 9)} ${pad("Node det", 9)} ${pad("Node mask", 10)}`,
);
let total = 0;
const sum = [0, 0, 0, 0]; // seconds per MB, summed by bytes (a weighted harmonic mean)
for (const [family, [bytes, nd, nm]] of node) {
  const [ld, lm] = lua.get(family) ?? [NaN, NaN];
  total += bytes;
  [ld, lm, nd, nm].forEach((r, k) => (sum[k] += bytes / r));
  console.log(
    `${family.padEnd(16)} ${pad((bytes / 1024).toFixed(0), 7)} ${pad(ld.toFixed(1), 8)} ${pad(lm.toFixed(1), 9)} ${pad(nd.toFixed(1), 9)} ${pad(nm.toFixed(1), 10)}`,
  );
}
const all = sum.map((s) => (total / s).toFixed(1));
console.log(
  `${"all".padEnd(16)} ${pad((total / 1024).toFixed(0), 7)} ${pad(all[0], 8)} ${pad(all[1], 9)} ${pad(all[2], 9)} ${pad(all[3], 10)}`,
);
