// What the cross-runtime specs need before they compare Node with LuaJIT: a fresh build of the plugin (never a stale
// one left by an earlier checkout) and the luajit binary, whose absence fails the spec instead of skipping it
// (scripts/setup.sh installs it; CI always has it).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Compiles plugin-src into build/ (npm run build), every time it is called. */
export function buildPlugin(): void {
  execFileSync("npm", ["run", "--silent", "build"], { stdio: "ignore" });
}

/** The luajit binary; throws when it is not installed. */
export function luajitPath(): string {
  const found = ["/usr/bin/luajit", "/usr/local/bin/luajit"].find((p) => existsSync(p));
  if (found === undefined)
    throw new Error("luajit is not installed (run scripts/setup.sh): the Node/LuaJIT comparison cannot run");
  return found;
}
