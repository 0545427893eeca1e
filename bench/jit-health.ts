// JIT health check of the compiled engine: runs bench/jit-health.lua (the engine benchmark's work on the 8 KB request,
// under LuaJIT's trace event hook) in several FRESH processes — trace selection differs from process to process — and
// reports trace aborts and blacklisted trace starts, each named by its Lua function. A benchmark, not a test: it prints
// FAILED (exit 1) when any process blacklisted a loop or function of an engine module (build/.../engine/*.lua), i.e.
// LuaJIT stopped compiling it and every trace reaching it aborts (issue 12), and the spread of MB/s between processes.
//   npx tsx bench/jit-health.ts        env: JIT_HEALTH_PROCESSES (4), JIT_HEALTH_ITERATIONS (3000), JIT_HEALTH_BUILD (build)
//   npx tsx bench/jit-health.ts --json  (the aggregate as JSON on the last line, for bench/load.ts)
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const PROCESSES = Number(process.env.JIT_HEALTH_PROCESSES ?? 4);
const BUILD = process.env.JIT_HEALTH_BUILD ?? "build";
const ENGINE_SOURCE = "/aws-masker/engine/";

interface Run {
  traces: number;
  aborts: number;
  abortsByStart: { start: string; reason: string; count: number }[];
  blacklisted: { start: string; op: string; source: string }[];
  mask_mbps: number;
  mask_cold_mbps: number;
  restore_mbps: number;
  learned_mbps: number;
}

export interface JitHealth {
  processes: number;
  /** "file:line (function)" -> in how many processes it was blacklisted */
  blacklisted: Record<string, number>;
  engineBlacklisted: string[];
  topAborts: { start: string; reason: string; count: number }[];
  mbps: { mask: number[]; cold: number[]; restore: number[]; learned: number[] };
}

const sources = new Map<string, string[]>();
/** The lines of an engine or plugin module of the build (read once), none when there is no such module. */
function sourceLines(file: string): string[] {
  let lines = sources.get(file);
  if (!lines) {
    const dir = ["engine", "plugin"].map((d) => path.join(BUILD, "kong/plugins/aws-masker", d, file)).find(existsSync);
    lines = dir ? readFileSync(dir, "utf8").split("\n") : [];
    sources.set(file, lines);
  }
  return lines;
}

/** Line `line` (from 1) of an engine or plugin module of the build, "" when there is none. */
export function sourceLine(file: string, line: number): string {
  return sourceLines(file)[line - 1] ?? "";
}

/** The Lua function enclosing file:line in the build, by the nearest `function` header above it. */
export function functionAt(loc: string): string {
  const m = /^(.*):(\d+)$/.exec(loc);
  if (!m) return loc;
  const lines = sourceLines(m[1].split("/").pop() as string);
  for (let i = Number(m[2]) - 1; i >= 0 && i < lines.length; i--) {
    const h = /(?:local\s+)?function\s+([\w.:]+)\s*\(|([\w.]+)\s*=\s*function\s*\(/.exec(lines[i] ?? "");
    if (h) return `${loc} ${h[1] ?? h[2]}()`;
    if (/function\s*\(/.test(lines[i] ?? "")) return `${loc} (anonymous function)`;
  }
  return loc;
}

export function jitHealth(
  processes = PROCESSES,
  log: (s: string) => void = (s) => process.stdout.write(s + "\n"),
): JitHealth {
  // the default build is always made fresh; a build directory of one's own (JIT_HEALTH_BUILD) is taken as it is
  if (BUILD === "build") execFileSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
  else if (!existsSync(path.join(BUILD, "kong/plugins/aws-masker/engine/index.lua")))
    throw new Error(`no build in ${BUILD}`);
  const runs: Run[] = [];
  for (let p = 0; p < processes; p++) {
    const out = execFileSync("luajit", ["bench/jit-health.lua"], {
      encoding: "utf8",
      env: { ...process.env, JIT_HEALTH_BUILD: BUILD },
    });
    runs.push(JSON.parse(out.trim().split("\n").pop() as string) as Run);
  }
  const blacklisted: Record<string, number> = {};
  const engineBlacklisted = new Set<string>();
  const aborts = new Map<string, { start: string; reason: string; count: number }>();
  for (const r of runs) {
    for (const b of r.blacklisted) {
      const name = `${functionAt(b.start)} [${b.op}]`;
      blacklisted[name] = (blacklisted[name] ?? 0) + 1;
      if (b.source.includes(ENGINE_SOURCE)) engineBlacklisted.add(name);
    }
    for (const a of r.abortsByStart) {
      const key = `${a.start}|${a.reason}`;
      const e = aborts.get(key) ?? { start: functionAt(a.start), reason: a.reason, count: 0 };
      e.count += a.count;
      aborts.set(key, e);
    }
  }
  const topAborts = [...aborts.values()].sort((x, y) => y.count - x.count).slice(0, 15);
  const mbps = {
    mask: runs.map((r) => r.mask_mbps),
    cold: runs.map((r) => r.mask_cold_mbps),
    restore: runs.map((r) => r.restore_mbps),
    learned: runs.map((r) => r.learned_mbps),
  };
  const spread = (v: number[]) =>
    `${Math.min(...v).toFixed(0)}-${Math.max(...v).toFixed(0)} MB/s (spread ${(Math.max(...v) / Math.min(...v)).toFixed(2)}x)`;
  log(`JIT health: ${processes} fresh LuaJIT processes, engine on bench/fixtures/request-8k.json (build: ${BUILD})`);
  log(`  traces ${runs.map((r) => r.traces).join("/")}, aborts ${runs.map((r) => r.aborts).join("/")}`);
  log(
    `  mask warm ${spread(mbps.mask)}, cold ${spread(mbps.cold)}, restore ${spread(mbps.restore)}, with 1,000 learned names ${spread(mbps.learned)}`,
  );
  log(`  blacklisted trace starts (in how many of ${processes} processes):`);
  for (const [k, n] of Object.entries(blacklisted).sort((x, y) => y[1] - x[1])) log(`    ${n}/${processes}  ${k}`);
  if (Object.keys(blacklisted).length === 0) log("    none");
  log("  most frequent aborts (start location, function, reason; summed over processes):");
  for (const a of topAborts) log(`    ${String(a.count).padStart(4)}  ${a.start}: ${a.reason}`);
  return { processes, blacklisted, engineBlacklisted: [...engineBlacklisted], topAborts, mbps };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? "")) {
  const h = jitHealth();
  const ok = h.engineBlacklisted.length === 0;
  console.log(
    ok
      ? "PASSED: no blacklisted trace start in engine modules"
      : `FAILED: blacklisted in engine modules: ${h.engineBlacklisted.join("; ")}`,
  );
  if (process.argv.includes("--json")) console.log(JSON.stringify(h));
  process.exitCode = ok ? 0 : 1;
}
