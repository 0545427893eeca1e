// tools/tstl-lower-primitives.cjs: the compiled Lua calls string.byte / string.sub directly instead of the chars.ts
// wrappers (a hot wrapper is what LuaJIT blacklists, issue 12). Node vs LuaJIT equality of the result is checked by
// cross-runtime.test.ts and the vectors; this checks that the lowering happens, how, and only where it should.
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import * as tstl from "typescript-to-lua";

const PLUGIN = path.resolve("tools/tstl-lower-primitives.cjs");

function compile(use: string): string {
  const files = {
    "engine/chars.ts": `export const byteAt: (this: void, s: string, i: number) => number = (s, i) => s.charCodeAt(i);
export const sub: (this: void, s: string, a: number, b: number) => string = (s, a, b) => s.substring(a, b);`,
    "engine/use.ts": use,
  };
  const r = tstl.transpileVirtualProject(files, {
    luaTarget: tstl.LuaTarget.LuaJIT,
    noImplicitSelf: true,
    noHeader: true,
    luaLibImport: tstl.LuaLibImportKind.Require,
    luaPlugins: [{ name: PLUGIN }],
  } as tstl.CompilerOptions);
  expect(r.diagnostics.map((d) => d.messageText)).toEqual([]);
  const out = r.transpiledFiles.find((f) => f.sourceFiles?.[0]?.fileName === "engine/use.ts");
  return out?.lua ?? "";
}

describe("tstl plugin lowering the byte primitives", () => {
  it("lowers byteAt and sub reached by a named import, a namespace and a const alias, folding constant offsets", () => {
    const lua = compile(`import * as ch from "./chars";
import { sub } from "./chars";
const byteAt = ch.byteAt;
export function f(this: void, s: string, p: number) {
  return [byteAt(s, p), ch.byteAt(s, p + 1), byteAt(s, 0), byteAt(s, p - 1), byteAt(s, p - 3), sub(s, p, p + 2)];
}`);
    expect(lua).toContain("string.byte(s, p + 1)");
    expect(lua).toContain("string.byte(s, p + 2)");
    expect(lua).toContain("string.byte(s, 1)");
    expect(lua).toContain("string.byte(s, p)");
    expect(lua).toContain("string.byte(s, p - 2)");
    expect(lua).toContain("string.sub(s, p + 1, p + 2)");
    expect(lua).not.toMatch(/[^.\w]byteAt\(|[^.\w]sub\(/);
  });

  it("leaves alone a function of another module that is also called sub or byteAt", () => {
    const lua = compile(`function sub(this: void, s: string, a: number, b: number) { return s; }
const byteAt = (s: string, i: number) => i;
export function f(this: void, s: string, p: number) { return [sub(s, p, 1), byteAt(s, p)]; }`);
    expect(lua).toContain("sub(s, p, 1)");
    expect(lua).toContain("byteAt(s, p)");
    expect(lua).not.toContain("string.");
  });

  it("the build of the engine and plugin holds no call of the wrappers (the plugin is in tsconfig.lua.json)", () => {
    const dirs = ["build/kong/plugins/aws-masker/engine", "build/kong/plugins/aws-masker/plugin"];
    const calls: string[] = [];
    for (const dir of dirs) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith(".lua"))) {
        // tstl's own inlined library functions have a local `sub` (string.sub) of their own
        const text = readFileSync(path.join(dir, f), "utf8").replace(
          /-- Lua Library inline imports[\s\S]*?-- End of Lua Library inline imports/g,
          "",
        );
        for (const m of text.matchAll(/(^|[^.\w])(byteAt|sub)\(/gm)) calls.push(`${f}: ${m[0]}`);
      }
    }
    expect(calls).toEqual([]);
  });
});

describe("holdsAt in JavaScript (LuaJIT: spec/lua/pseudonym_spec.lua)", () => {
  it("equals comparing the substring at every offset, and is false before the start and past the end", async () => {
    const { holdsAt } = await import("../../plugin-src/kong/plugins/aws-masker/engine/chars");
    const s = "ab\0cdEC2_x\0abcab";
    for (const lit of ["", "a", "ab", "b\0c", "cab", "abcab", "EC2_x\0", "abd", "abcabX", s, s + "a"]) {
      for (let at = -2; at <= s.length + 1; at++) {
        const expected = at >= 0 && at + lit.length <= s.length && s.slice(at, at + lit.length) === lit;
        expect(holdsAt(s, at, lit), `${JSON.stringify(lit)} at ${at}`).toBe(expected);
      }
    }
  });
});

describe("sameUnits and putUnits in JavaScript (LuaJIT: spec/lua/chars_spec.lua, builder_spec.lua)", () => {
  it("sameUnits equals comparing the two ranges cut out, for every range of two bodies that differ in a unit", async () => {
    const { sameUnits } = await import("../../plugin-src/kong/plugins/aws-masker/engine/chars");
    const a = "ab\0cdEC2_x\0abcab";
    for (const b of [a, a.slice(0, 5) + "Z" + a.slice(6), "X" + a.slice(1), a.slice(0, -1) + "Y", a + "tail"]) {
      for (let from = 0; from <= a.length; from++) {
        for (let to = from; to <= a.length; to++) {
          const expected = a.slice(from, to) === b.slice(from, to);
          expect(sameUnits(a, b, from, to), `${JSON.stringify(b)} [${from}, ${to})`).toBe(expected);
        }
      }
    }
  });
  it("putUnits puts exactly s[a, e) into a builder, between other pieces", async () => {
    const { newBuilder, putUnits, take } = await import("../../plugin-src/kong/plugins/aws-masker/engine/chars");
    const b = newBuilder();
    b.put("<");
    putUnits(b, "ab\0cdEC2", 1, 5);
    putUnits(b, "xyz", 0, 0);
    putUnits(b, "xyz", 0, 3);
    b.put(">");
    expect(take(b)).toBe("<b\0cdxyz>");
  });
});
