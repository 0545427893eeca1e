// Byte-level text primitives shared by every engine module.
// The engine runs compiled to Lua (strings are bytes) and as JavaScript (strings are UTF-16 units). Identifiers are
// ASCII, so the engine only ever compares ASCII; every unit >= 0x80 is treated alike ("high") in both runtimes.

const G = globalThis as unknown as {
  string?: {
    byte: (this: void, s: string, i: number) => number;
    sub: (this: void, s: string, i: number, j: number) => string;
  };
  pcall?: (
    this: void,
    f: (this: void, a: unknown, b: unknown) => void,
    a: unknown,
    b: unknown,
  ) => LuaMultiReturn<[boolean, unknown]>;
};
const luaByte = G.string !== undefined ? G.string.byte : undefined;
const luaPcall = G.pcall;
const luaSub = G.string !== undefined ? G.string.sub : undefined;

// the one place the portable primitives are written with JavaScript's own (the tstl plugin lowers calls to them)
/* eslint-disable no-restricted-properties */
/** s[a, b) for 0 <= a <= b <= length (callers keep to that: no clamping or swapping, unlike substring). */
export const sub: (this: void, s: string, a: number, b: number) => string =
  luaSub !== undefined ? (s, a, b) => luaSub(s, a + 1, b) : (s, a, b) => (b > a ? s.substring(a, b) : "");

/** Code of the unit at 0-based index i. Callers bound i by the string's length. */
export const byteAt: (this: void, s: string, i: number) => number =
  luaByte !== undefined ? (s, i) => luaByte(s, i + 1) : (s, i) => s.charCodeAt(i);
/* eslint-enable no-restricted-properties */

/**
 * Calls f(a, b) and returns undefined, or what it threw. In Lua a plain pcall of a module-level function: a try/catch
 * would create a closure per call, which LuaJIT cannot compile (NYI FNEW) and so leaves the caller interpreted.
 */
export const callProtected: (this: void, f: (this: void, a: any, b: any) => void, a: unknown, b: unknown) => unknown =
  luaPcall !== undefined
    ? (f, a, b) => {
        const [ok, err] = (luaPcall as NonNullable<typeof luaPcall>)(f, a, b);
        return ok ? undefined : err;
      }
    : (f, a, b) => {
        try {
          f(a, b);
          return undefined;
        } catch (e) {
          return e;
        }
      };

export const C_LOWER = 1;
export const C_UPPER = 2;
export const C_DIGIT = 4;
export const C_HEX = 8; // lowercase hex digit, the only hex AWS ids use
export const C_B32 = 16; // A-Z2-7 (IAM ids)
export const C_B64 = 32; // A-Za-z0-9+/ (secret keys, tokens)
export const C_HIGH = 64; // any unit >= 0x80: never part of an identifier, and a separator next to one
export const C_HOST = 128; // a-z0-9- (DNS label of an AWS hostname)
export const C_ALNUM = C_LOWER | C_UPPER | C_DIGIT;
/**
 * Units that glue a word together: an identifier never starts or ends next to one of these. Non-ASCII text is a
 * separator, not a word character: CJK prose puts identifiers right next to its characters, with no space.
 */
export const C_WORD = C_ALNUM;

const table: number[] = [];
for (let c = 0; c < 256; c++) {
  let f = 0;
  if (c >= 97 && c <= 122) f |= C_LOWER | C_HOST | C_B64;
  if (c >= 65 && c <= 90) f |= C_UPPER | C_B32 | C_B64;
  if (c >= 48 && c <= 57) f |= C_DIGIT | C_HOST | C_B64;
  if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) f |= C_HEX;
  if (c >= 50 && c <= 55) f |= C_B32;
  if (c === 43 || c === 47) f |= C_B64;
  if (c === 45) f |= C_HOST;
  if (c >= 128) f |= C_HIGH;
  table.push(f);
}

/** Character class bits of a unit (JS units above 0xFF are "high" like Lua's bytes >= 0x80). */
export function cls(c: number): number {
  return c < 256 ? table[c] : C_HIGH;
}

/** Class of the unit at i, or 0 outside [0, n). */
export function clsAt(s: string, i: number, n: number): number {
  if (i < 0 || i >= n) return 0;
  const c = byteAt(s, i);
  return c < 256 ? table[c] : C_HIGH;
}

/** Count of units from i whose class has any bit of mask, stopping at n. */
export function runOf(s: string, i: number, n: number, mask: number): number {
  let j = i;
  while (j < n) {
    const c = byteAt(s, j);
    if (c >= 256 || (table[c] & mask) === 0) break;
    j++;
  }
  return j - i;
}

/** True for 0-9, a-f and A-F: the digits of a \u escape or a percent-encoding (AWS ids use lower case only: C_HEX). */
export function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** ASCII lower-casing of one code (A-Z only). */
export function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** True when s[i..i+lit.length) equals lit, comparing ASCII case-insensitively; lit must be lowercase. */
export function matchesLowerAt(s: string, i: number, n: number, lit: string): boolean {
  const m = lit.length;
  if (i < 0 || i + m > n) return false;
  for (let k = 0; k < m; k++) {
    if (lowerCode(byteAt(s, i + k)) !== byteAt(lit, k)) return false;
  }
  return true;
}

// Named units (ASCII codes) for the matchers.
export const TAB = 9;
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const BANG = 33;
export const QUOTE = 34;
export const HASH = 35;
export const DOLLAR = 36;
export const PERCENT = 37;
export const AMP = 38;
export const APOS = 39;
export const LPAREN = 40;
export const RPAREN = 41;
export const STAR = 42;
export const PLUS = 43;
export const COMMA = 44;
export const DASH = 45;
export const DOT = 46;
export const SLASH = 47;
export const COLON = 58;
export const SEMI = 59;
export const LT = 60;
export const EQUALS = 61;
export const GT = 62;
export const AT = 64;
export const LBRACKET = 91;
export const BACKSLASH = 92;
export const RBRACKET = 93;
export const UNDERSCORE = 95;
export const BACKTICK = 96;
export const LBRACE = 123;
export const PIPE = 124;
export const RBRACE = 125;
