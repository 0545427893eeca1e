// What the cross-runtime specs need before they compare Node with LuaJIT: a fresh build of the plugin (never a stale
// one left by an earlier checkout) and the luajit binary, whose absence fails the spec instead of skipping it
// (scripts/setup.sh installs it; CI always has it).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let built = false;

/**
 * Compiles plugin-src into build/ (npm run build), once per spec file (its worker): a spec file whose cases each built
 * it again held its worker ~30 s a time under load, long enough for vitest's calls to the worker to time out.
 */
export function buildPlugin(): void {
  if (built) return;
  execFileSync("npm", ["run", "--silent", "build"], { stdio: "ignore" });
  built = true;
}

/** The luajit binary; throws when it is not installed. */
export function luajitPath(): string {
  const found = ["/usr/bin/luajit", "/usr/local/bin/luajit"].find((p) => existsSync(p));
  if (found === undefined)
    throw new Error("luajit is not installed (run scripts/setup.sh): the Node/LuaJIT comparison cannot run");
  return found;
}

/** A request for spec/lua/support/mask_batch.lua: masked as JSON (the /v1/messages policy) or as text. */
export interface LuaCase {
  scope: string;
  input: string;
  json: boolean;
  /** A JSON answer restored by the case's session after the masking (the /v1/messages answer policy). */
  answer?: string;
}

/** What mask_batch.lua answers per case (null where it does not apply). */
export interface LuaResult {
  text: string | null;
  error: string | null;
  restored: string | null;
  /** With an answer: restoreJson's text, or its error and offset. */
  answer?: string | null;
  answerError?: string | null;
  answerOffset?: number | null;
  /** Walks resumed from a kept history so far (engine/json.ts HISTORY_STATS). */
  resumed: number;
}

/** Masks the cases in order with one LuaJIT masker (a warm worker: later cases see the caches of earlier ones). */
export function maskInLua(luajit: string, secret: string, cases: LuaCase[]): LuaResult[] {
  const dir = mkdtempSync(join(tmpdir(), "awsm-"));
  writeFileSync(join(dir, "in.json"), JSON.stringify({ secret, cases }));
  execFileSync(luajit, ["spec/lua/support/mask_batch.lua", join(dir, "in.json"), join(dir, "out.json")]);
  return JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as LuaResult[];
}
