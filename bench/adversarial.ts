// Linear time on adversarial inputs: masking throughput (MB/s) of generated worst cases (anchor runs, long tokens,
// many identifiers, deep escapes; bench/adversarial-inputs.ts) against the typical case, in Node and in LuaJIT. A
// benchmark, not a test: it prints figures, and FAILED when any input masks slower than a tenth of the typical case.
//   npx tsx bench/adversarial.ts            (BENCH_SIZE bytes per input, default 1 MB; BENCH_RUNS, default 2)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodeMasker, newSession, maskText, maskJson, policyFor } from "../lib/engine";
import { adversarialInputs, typicalInput, Input } from "./adversarial-inputs";

const size = Number(process.env.BENCH_SIZE ?? 1048576);
const runs = Number(process.env.BENCH_RUNS ?? 2);
const masker = createNodeMasker({ secret: "bench-secret-0123456789" });
const policy = policyFor("/v1/other");
const inputs: Input[] = [typicalInput(size), ...adversarialInputs(size)];

function nodeRate(inp: Input): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    masker.hashes = {};
    masker.hashCount = 0;
    masker.scans = {};
    masker.scanBytes = 0;
    const s = newSession(masker, "bench");
    const t0 = process.hrtime.bigint();
    if (inp.mode === "json") maskJson(s, inp.text, policy);
    else maskText(s, inp.text, "");
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (dt < best) best = dt;
  }
  return Buffer.byteLength(inp.text, "latin1") / Math.max(best, 1e-6) / 1e6;
}

const node = inputs.map(nodeRate);

if (!existsSync("build/kong/plugins/aws-masker/engine/index.lua"))
  execFileSync("npm", ["run", "build"], { stdio: "inherit" });
const dir = mkdtempSync(join(tmpdir(), "adversarial-"));
const manifest = inputs.map((inp, k) => {
  const path = join(dir, `${k}.txt`);
  writeFileSync(path, Buffer.from(inp.text, "latin1"));
  return `${inp.mode}\t${path}`;
});
writeFileSync(join(dir, "manifest.tsv"), manifest.join("\n") + "\n");
const luaOut = execFileSync("luajit", ["bench/adversarial.lua", join(dir, "manifest.tsv")], {
  encoding: "utf8",
  env: { ...process.env, BENCH_RUNS: String(runs) },
  maxBuffer: 1 << 24,
});
const lua: number[] = [];
for (const line of luaOut.trim().split("\n")) {
  const [k, rate] = line.split("\t");
  lua[Number(k)] = Number(rate);
}

console.log(`masking throughput on ${inputs.length} inputs of ${size} B (best of ${runs}), MB/s`);
console.log(`${"input".padEnd(40)} ${"Node".padStart(9)} ${"LuaJIT".padStart(9)}`);
inputs.forEach((inp, k) =>
  console.log(`${inp.name.padEnd(40)} ${node[k].toFixed(1).padStart(9)} ${lua[k].toFixed(1).padStart(9)}`),
);
let failed = false;
for (const [rt, rates] of [
  ["Node", node],
  ["LuaJIT", lua],
] as [string, number[]][]) {
  const typical = rates[0];
  let worst = 1;
  for (let k = 2; k < rates.length; k++) if (rates[k] < rates[worst]) worst = k;
  const ok = rates[worst] >= typical / 10;
  if (!ok) failed = true;
  console.log(
    `${ok ? "PASSED" : "FAILED"}: ${rt} worst case "${inputs[worst].name}" ${rates[worst].toFixed(1)} MB/s vs typical ${typical.toFixed(1)} MB/s (target: worst >= typical / 10)`,
  );
}
process.exitCode = failed ? 1 : 0;
