// Mixed traffic under LuaJIT (bench/mixed-traffic.lua): the detection corpus's documents masked in turn, in fresh
// processes alternating between the runtime's own LuaJIT parameters (Kong's: OpenResty's LuaJIT keeps 8,000 traces and
// 40 MB of machine code, as this machine's does) and the plugin's (plugin/luajit.ts, applied by init_worker). A
// benchmark, not a test: prints figures, and FAILED when the plugin's parameters still flush the trace cache once the
// rounds are past their first half, or do not make the traffic faster than the runtime's own.
//   npx tsx bench/mixed-traffic.ts     (MIXED_PROCESSES fresh processes per mode, 3; MIXED_ROUNDS rounds each, 12)
import { execFileSync } from "node:child_process";

interface Run {
  mode: string;
  documents: number;
  bytes: number;
  rounds: number;
  mbps: number;
  flushes: number;
  traces: number;
  rssKb: number;
}

const processes = Number(process.env.MIXED_PROCESSES ?? 3);
execFileSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });

const runs: Record<string, Run[]> = { runtime: [], plugin: [] };
for (let k = 0; k < processes; k++) {
  for (const mode of ["runtime", "plugin"]) {
    const out = execFileSync("luajit", ["bench/mixed-traffic.lua", mode], { encoding: "utf8" }).trim().split("\n");
    runs[mode].push(JSON.parse(out[out.length - 1]) as Run);
  }
}

const range = (xs: number[], digits: number) =>
  Math.min(...xs).toFixed(digits) + (xs.length > 1 ? "-" + Math.max(...xs).toFixed(digits) : "");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const first = runs.plugin[0];
console.log(
  `mixed traffic: ${first.documents} corpus documents (${(first.bytes / 1e6).toFixed(2)} MB) masked in turn, cold; ` +
    `figures of the last ${first.rounds} rounds of each process; ${processes} fresh processes per mode`,
);
console.log("| LuaJIT parameters | MB/s | trace cache flushes | traces compiled | resident memory (MB) |");
console.log("| --- | --- | --- | --- | --- |");
for (const [mode, label] of [
  ["runtime", "the runtime's own (Kong's)"],
  ["plugin", "the plugin's (plugin/luajit.ts)"],
]) {
  const rs = runs[mode];
  console.log(
    `| ${label} | ${range(
      rs.map((r) => r.mbps),
      2,
    )} | ${range(
      rs.map((r) => r.flushes),
      0,
    )} | ${range(
      rs.map((r) => r.traces),
      0,
    )} | ${range(
      rs.map((r) => r.rssKb / 1024),
      0,
    )} |`,
  );
}
const gain = median(runs.plugin.map((r) => r.mbps)) / median(runs.runtime.map((r) => r.mbps));
const flushing = runs.plugin.some((r) => r.flushes > 0);
console.log(`the plugin's parameters: ${gain.toFixed(2)}x the runtime's own (medians)`);
if (flushing || gain <= 1) {
  console.log(
    "FAILED: " +
      [flushing ? "the plugin's parameters still flush the trace cache" : "", gain <= 1 ? "no faster" : ""]
        .filter((s) => s !== "")
        .join("; "),
  );
  process.exit(1);
}
console.log("PASSED: no flush with the plugin's parameters, and faster than the runtime's own");
