// Byte-level text primitives shared by every engine module.
// The engine runs compiled to Lua (strings are bytes) and as JavaScript (strings are UTF-16 units). Identifiers are
// ASCII, so the engine only ever compares ASCII; every unit >= 0x80 is treated alike ("high") in both runtimes.

const G = globalThis as unknown as {
  string?: {
    byte: (this: void, s: string, i: number) => number;
    sub: (this: void, s: string, i: number, j: number) => string;
    find: (this: void, s: string, pattern: string, init?: number) => LuaMultiReturn<[number, number]>;
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
const luaFind = G.string !== undefined ? G.string.find : undefined;
/** Lua pattern of one byte >= 0x80 (built from codes: a literal would be written to the Lua source as UTF-8) */
const HIGH_BYTE = "[" + String.fromCharCode(128) + "-" + String.fromCharCode(255) + "]";

// the one place the portable primitives are written with JavaScript's own (the tstl plugin lowers calls to them)
/* eslint-disable no-restricted-properties */
/** s[a, b) for 0 <= a <= b <= length (callers keep to that: no clamping or swapping, unlike substring). */
export const sub: (this: void, s: string, a: number, b: number) => string =
  luaSub !== undefined ? (s, a, b) => luaSub(s, a + 1, b) : (s, a, b) => (b > a ? s.substring(a, b) : "");

/** Code of the unit at 0-based index i. Callers bound i by the string's length. */
export const byteAt: (this: void, s: string, i: number) => number =
  luaByte !== undefined ? (s, i) => luaByte(s, i + 1) : (s, i) => s.charCodeAt(i);

/**
 * Units of a Latin letter beyond ASCII (U+00C0-U+027F: "É", "ñ", "Ł") ending before k: its one UTF-16 unit in Node,
 * its two UTF-8 bytes (a lead C3-C9 and a continuation) in Lua; 0 for none. Names' walks take them as letters (José
 * Núñez, Zürich Prod).
 */
export const latinLetterBefore: (this: void, s: string, k: number) => number =
  luaByte !== undefined
    ? (s, k) => {
        // (k past the end: a forward walk asks one unit ahead)
        if (k < 2 || k > s.length) return 0;
        const c = luaByte(s, k);
        const l = luaByte(s, k - 1);
        // (not × and ÷: C3 97, C3 B7)
        return c >= 0x80 && c <= 0xbf && l >= 0xc3 && l <= 0xc9 && !(l === 0xc3 && (c === 0x97 || c === 0xb7)) ? 2 : 0;
      }
    : (s, k) => {
        const c = k > 0 ? s.charCodeAt(k - 1) : 0;
        return c >= 0xc0 && c <= 0x27f && c !== 0xd7 && c !== 0xf7 ? 1 : 0;
      };

/** Units of a Latin letter beyond ASCII starting at k (latinLetterBefore read forward: 1 in Node, 2 in Lua), or 0. */
export function latinLetterAt(s: string, k: number): number {
  return latinLetterBefore(s, k + 2) === 2 ? 2 : latinLetterBefore(s, k + 1);
}

/**
 * Columns the unit c takes in a line of aligned text: 0 for a UTF-8 continuation byte in Lua and a UTF-16 low surrogate
 * in Node, 1 otherwise, so that a character beyond ASCII takes one column in both runtimes (docker ps's "…", a name's
 * "é"): tables aligned by their header's columns are read at the same cells in Node and Lua.
 */
export const columnWidth: (this: void, c: number) => number =
  luaByte !== undefined ? (c) => (c >= 0x80 && c <= 0xbf ? 0 : 1) : (c) => (c >= 0xdc00 && c <= 0xdfff ? 0 : 1);

/**
 * Units of a blank at k: a blank or a tab (1), or a no-break space (U+00A0, and U+202F, which French typography puts
 * before ":" and inside « »): one UTF-16 unit in Node, two or three bytes in Lua; 0 for any other unit.
 */
export const blankUnitsAt: (this: void, s: string, k: number) => number =
  luaByte !== undefined
    ? (s, k) => {
        const c = luaByte(s, k + 1);
        if (c === 32 || c === 9) return 1;
        if (c === 0xc2) return luaByte(s, k + 2) === 0xa0 ? 2 : 0;
        return c === 0xe2 && luaByte(s, k + 2) === 0x80 && luaByte(s, k + 3) === 0xaf ? 3 : 0;
      }
    : (s, k) => {
        const c = s.charCodeAt(k);
        return c === 32 || c === 9 || c === 0xa0 || c === 0x202f ? 1 : 0;
      };

/**
 * Units of the full-width form of the ASCII unit c at k (U+FF01-U+FF5E, as CJK text writes "：", "＝", "（"): one
 * UTF-16 unit in Node, three bytes in Lua; 0 for anything else.
 */
export const fullWidthAt: (this: void, s: string, k: number, c: number) => number =
  luaByte !== undefined
    ? (s, k, c) => {
        const cp = c + 0xfee0;
        return luaByte(s, k + 1) === 0xef &&
          luaByte(s, k + 2) === 0x80 + (Math.floor(cp / 64) % 64) &&
          luaByte(s, k + 3) === 0x80 + (cp % 64)
          ? 3
          : 0;
      }
    : (s, k, c) => (s.charCodeAt(k) === c + 0xfee0 ? 1 : 0);

/**
 * Units of the character U+cp (0x80-0xFFFF) at k: one UTF-16 unit in Node, its two or three UTF-8 bytes in Lua; 0
 * when another character stands there (guillemets, curly quotes, CJK brackets).
 */
export const charUnitsAt: (this: void, s: string, k: number, cp: number) => number =
  luaByte !== undefined
    ? (s, k, cp) => {
        if (cp < 0x800)
          return luaByte(s, k + 1) === 0xc0 + Math.floor(cp / 64) && luaByte(s, k + 2) === 0x80 + (cp % 64) ? 2 : 0;
        return luaByte(s, k + 1) === 0xe0 + Math.floor(cp / 4096) &&
          luaByte(s, k + 2) === 0x80 + (Math.floor(cp / 64) % 64) &&
          luaByte(s, k + 3) === 0x80 + (cp % 64)
          ? 3
          : 0;
      }
    : (s, k, cp) => (s.charCodeAt(k) === cp ? 1 : 0);

/**
 * Units of a CJK letter at k: a kana (U+3040-U+30FF), an ideograph (U+4000-U+9FFF) or a Hangul syllable
 * (U+AC00-U+D7FF): one UTF-16 unit in Node, three bytes in Lua; 0 for anything else (people's names in Japanese,
 * Chinese and Korean text).
 */
export const cjkLetterAt: (this: void, s: string, k: number) => number =
  luaByte !== undefined
    ? (s, k) => {
        const c = luaByte(s, k + 1);
        if (c === undefined || c < 0xe3 || c > 0xed) return 0;
        const d = luaByte(s, k + 2);
        const e = luaByte(s, k + 3);
        if (d === undefined || e === undefined || d < 0x80 || d > 0xbf || e < 0x80 || e > 0xbf) return 0;
        if (c === 0xe3) return d >= 0x81 && d <= 0x83 ? 3 : 0;
        if (c <= 0xe9) return 3;
        if (c === 0xea) return d >= 0xb0 ? 3 : 0;
        return c < 0xed || d <= 0x9f ? 3 : 0;
      }
    : (s, k) => {
        const c = s.charCodeAt(k);
        return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x4000 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7ff) ? 1 : 0;
      };

/**
 * Units of a CJK character at k: a CJK letter (cjkLetterAt), CJK punctuation (U+3000-U+303F: "\u3001", "\u3002", "\u300c")
 * or a full-width form (U+FF00-U+FFEF: "\uff08", "\uff1a"): one UTF-16 unit in Node, three bytes in Lua; else 0. Such text
 * puts no blank around a name.
 */
export const cjkCharAt: (this: void, s: string, k: number) => number =
  luaByte !== undefined
    ? (s, k) => {
        const c = luaByte(s, k + 1);
        if (c === 0xe3) {
          const d = luaByte(s, k + 2);
          const e = luaByte(s, k + 3);
          return d !== undefined && e !== undefined && d >= 0x80 && d <= 0x83 && e >= 0x80 && e <= 0xbf ? 3 : 0;
        }
        if (c === 0xef) {
          const d = luaByte(s, k + 2);
          const e = luaByte(s, k + 3);
          return d !== undefined && e !== undefined && d >= 0xbc && d <= 0xbf && e >= 0x80 && e <= 0xbf ? 3 : 0;
        }
        return cjkLetterAt(s, k);
      }
    : (s, k) => {
        const c = s.charCodeAt(k);
        return (c >= 0x3000 && c <= 0x30ff) || (c >= 0xff00 && c <= 0xffef) ? 1 : cjkLetterAt(s, k);
      };

/** Characters in s[a, b), the same count in Node and Lua (columnWidth): units less UTF-8 continuation bytes in Lua. */
export function charCount(s: string, a: number, b: number): number {
  let count = 0;
  for (let k = a; k < b; k++) count += columnWidth(byteAt(s, k));
  return count;
}

/**
 * True when s holds a unit >= 0x80. In Lua one C search (string.find): a Lua loop in a short hot function makes LuaJIT
 * abort the traces that start at the function ("inner loop in root trace") until it blacklists it (pseudonym.ts).
 */
export const hasHighUnit: (this: void, s: string) => boolean =
  luaFind !== undefined
    ? (s) => luaFind(s, HIGH_BYTE)[0] !== undefined
    : (s) => {
        for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) >= 128) return true;
        return false;
      };

/** Lua pattern of one byte JSON escapes in a string: a control code, '"' or '\\' (%z is the zero byte). */
const JSON_ESCAPED_BYTE = "[%z" + String.fromCharCode(1) + "-" + String.fromCharCode(31) + '"\\]';

/** True when s holds a unit JSON escapes in a string. One C search in Lua, for the reason hasHighUnit gives. */
export const needsJsonEscape: (this: void, s: string) => boolean =
  luaFind !== undefined
    ? (s) => luaFind(s, JSON_ESCAPED_BYTE)[0] !== undefined
    : (s) => {
        for (let k = 0; k < s.length; k++) {
          const c = s.charCodeAt(k);
          if (c < 32 || c === 34 || c === 92) return true;
        }
        return false;
      };

/* eslint-enable no-restricted-properties */

/** A Lua module (require), or undefined in JavaScript and when this Lua does not have it. */
function luaModule(name: string): unknown {
  const lua = globalThis as unknown as { require?: (this: void, name: string) => unknown };
  if (luaPcall === undefined || lua.require === undefined) return undefined;
  const [ok, mod] = luaPcall(lua.require as (this: void, a: unknown, b: unknown) => void, name, undefined);
  return ok ? mod : undefined;
}

/** LuaJIT's FFI with libc's memcmp declared (Kong's and the host's LuaJIT have it), or undefined. */
const luaFfi:
  | {
      cast: (this: void, ct: unknown, v: unknown) => number;
      charp: unknown;
      memcmp: (this: void, a: unknown, b: unknown, n: number) => number;
    }
  | undefined = (() => {
  const mod = luaModule("ffi");
  if (mod === undefined || luaPcall === undefined) return undefined;
  const ffi = mod as {
    cdef: (this: void, decl: string) => void;
    typeof: (this: void, ct: string) => unknown;
    cast: (this: void, ct: unknown, v: unknown) => number;
    C: { memcmp: (this: void, a: unknown, b: unknown, n: number) => number };
  };
  // declared already by another module (Kong, lua-resty-*): a second cdef of it is an error, and the first stands
  luaPcall((f) => (f as typeof ffi).cdef("int memcmp(const void *, const void *, size_t);"), ffi, undefined);
  return { cast: ffi.cast, charp: ffi.typeof("const char *"), memcmp: ffi.C.memcmp };
})();

const luaMemcmp: ((this: void, s: string, at: number, lit: string) => boolean) | undefined =
  luaFfi !== undefined
    ? (s, at, lit) => luaFfi.memcmp(luaFfi.cast(luaFfi.charp, s) + at, lit, lit.length) === 0
    : undefined;

/** s[at, at + lit.length) === lit for an offset in bounds, without cutting it out. */
const compareAt: (this: void, s: string, at: number, lit: string) => boolean =
  luaMemcmp !== undefined ? luaMemcmp : (s, at, lit) => s.startsWith(lit, at);

/**
 * True when s holds lit at 0-based offset at (before the start or past the end: false, in both runtimes). Compared in
 * place: in LuaJIT with memcmp through the FFI, where comparing a substring cut out of s would make that string only to
 * compare it, a lookup in the VM's string table that misses the CPU caches in a busy worker (the restore's check of
 * each pseudonym: issue 12).
 */
export const holdsAt: (this: void, s: string, at: number, lit: string) => boolean = (s, at, lit) =>
  at >= 0 && at + lit.length <= s.length && compareAt(s, at, lit);

/**
 * True when a[from, to) === b[from, to) (both strings at least `to` long), compared in place: with memcmp through the
 * FFI in LuaJIT, where cutting both ranges out would make two strings (a kept history's prefix against a body's).
 */
export const sameUnits: (this: void, a: string, b: string, from: number, to: number) => boolean =
  luaFfi !== undefined
    ? (a, b, from, to) =>
        a === b ||
        luaFfi.memcmp(luaFfi.cast(luaFfi.charp, a) + from, luaFfi.cast(luaFfi.charp, b) + from, to - from) === 0
    : (a, b, from, to) => a === b || sub(a, from, to) === sub(b, from, to);

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

/**
 * Text built from pieces: `put` appends a piece (usually `sub(s, a, b)` of a longer text), `get` returns what was put
 * and empties the builder for the next text, `reset` empties it. In Lua it is LuaJIT's string.buffer, whose `put` of a
 * `string.sub` copies the bytes into the buffer without making (hashing, interning) the piece a string of its own: a
 * text assembled from ~240 pieces cost 2.3-3.5 µs against 10.3 µs with a table of substrings and table.concat. Without
 * string.buffer (a LuaJIT older than 2.1-2021) and in JavaScript, a list of pieces joined. A string.buffer keeps the
 * room its longest text took: `take` gives it back after a long one.
 */
export interface Builder {
  put(this: Builder, piece: string): unknown;
  get(this: Builder): string;
  /** empties it, dropping what was put */
  reset(this: Builder): unknown;
  /** empties it and gives back the room it holds */
  free(this: Builder): unknown;
}

class PieceList implements Builder {
  private pieces: string[] = [];
  put(piece: string): unknown {
    this.pieces.push(piece);
    return this;
  }
  get(): string {
    const text = this.pieces.join("");
    this.pieces = [];
    return text;
  }
  reset(): unknown {
    this.pieces = [];
    return this;
  }
  free(): unknown {
    return this.reset();
  }
}

/** LuaJIT's table.clear (Kong's and the host's LuaJIT have it), or undefined. */
const luaClear = luaModule("table.clear") as ((this: void, t: object) => void) | undefined;

/**
 * Empties t in place and keeps its room, true; false, t untouched, where there is no such call (JavaScript). A table
 * emptied and kept is one a request need not make: in a gateway worker each table made costs its allocation and its
 * collection, ~0.2 us (docs/performance-history.md, sixtieth pass).
 */
export function emptied(t: object): boolean {
  if (luaClear === undefined) return false;
  luaClear(t);
  return true;
}

/** LuaJIT's string.buffer module (Kong's and the host's LuaJIT have it), or undefined. */
const luaStringBuffer = luaModule("string.buffer") as { new: (this: void) => Builder } | undefined;

/**
 * Puts s[a, e) into b without making it a string of its own in LuaJIT (string.buffer's putcdata of the units in place;
 * a put of the piece cut out makes it a string unless a compiled trace sinks it, and a resumed walk's output before
 * its point is one put per request, made where no trace may run).
 */
export function putUnits(b: Builder, s: string, a: number, e: number): void {
  if (luaFfi !== undefined && luaStringBuffer !== undefined)
    (b as unknown as { putcdata(this: unknown, p: unknown, n: number): unknown }).putcdata(
      luaFfi.cast(luaFfi.charp, s) + a,
      e - a,
    );
  else b.put(sub(s, a, e));
}

/** A new, empty Builder (keep one per use and reuse it: get empties it). */
export function newBuilder(): Builder {
  return luaStringBuffer !== undefined ? luaStringBuffer.new() : new PieceList();
}

/**
 * Longest text whose room a builder keeps for the next one: 4 MB, about a 1M-token conversation. LuaJIT allocates
 * 128 KB and more with mmap, so a builder grown afresh for every large request faults in new pages each time: with
 * the room given back past 64 KB, the warm 1 MB mask ran at 150-220 MB/s instead of 870-1,300
 * (docs/performance-history.md, "A builder's room"). A worker keeps about this much per builder at most, twice it in
 * LuaJIT's compiled code (see take; three builders: the walk's output, escape decoding, restoreLevel); a larger text's
 * room is given back.
 */
const BUILT_KEPT_MAX = 4194304;

/**
 * The text b built (b is empty after it, and holds no room past BUILT_KEPT_MAX). In LuaJIT a compiled get leaves the
 * buffer's read and write positions where the text ended (the interpreter's moves them back to the start); the next
 * put moves them back when it needs the room, and LuaJIT may grow the buffer once on the way (to about twice the text).
 */
export function take(b: Builder): string {
  const text = b.get();
  if (text.length > BUILT_KEPT_MAX) b.free();
  return text;
}

/** A set of the words of a list (separated by sep, a blank by default): the engines' stoplists and public names. */
export function wordSet(words: string, sep = " "): Record<string, boolean> {
  const set: Record<string, boolean> = {};
  for (const w of words.split(sep)) if (w !== "") set[w] = true;
  return set;
}

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
  // (an empty run without the loop: see mayEndIn)
  if (i >= n || byteAt(s, i) >= 256 || (table[byteAt(s, i)] & mask) === 0) return 0;
  let j = i;
  while (j < n) {
    const c = byteAt(s, j);
    if (c >= 256 || (table[c] & mask) === 0) break;
    j++;
  }
  return j - i;
}

/**
 * True when s[a, b) is letters and digits only, in both cases, with a digit or three upper-case letters: a random
 * id's tail (EXT6J2TYrMSoJSn8X, EXTdHVwYMfhJxeQ), not a word in capitals (EXTERNAL2) nor in lower case. (Requiring a
 * digit missed about one random 14-unit tail in ten; this misses about one in 600.)
 */
export function mixedCaseToken(s: string, a: number, b: number): boolean {
  let lower = 0;
  let upper = 0;
  let digits = 0;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    const f = c < 256 ? table[c] : 0;
    if ((f & C_LOWER) !== 0) lower++;
    else if ((f & C_UPPER) !== 0) upper++;
    else if ((f & C_DIGIT) !== 0) digits++;
    else return false;
  }
  return lower > 0 && upper > 0 && (digits > 0 || upper >= 3);
}

/** A unit of a key token: a letter, a digit, "_" or "-" (Secret_Access-Key, --stack-name, FindingIds). */
export function isKeyUnit(c: number): boolean {
  return c < 256 && ((table[c] & C_ALNUM) !== 0 || c === 95 || c === 45);
}

/** True for 0-9, a-f and A-F: the digits of a \u escape or a percent-encoding (AWS ids use lower case only: C_HEX). */
export function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * The end of a UUID (8-4-4-4-12 hex digits) starting at i, or -1: lower-case hex (AWS's UUIDs), or either case when
 * anyCase (SMBIOS prints upper case). What follows it must not continue a word or an id (a letter, digit, "-" or "_");
 * pass n = i + 36 to ask for the UUID alone, whatever follows.
 */
export function uuidEnd(s: string, i: number, n: number, anyCase: boolean): number {
  if (i < 0 || i + 36 > n) return -1;
  for (let k = 0; k < 36; k++) {
    const c = byteAt(s, i + k);
    if (k === 8 || k === 13 || k === 18 || k === 23) {
      if (c !== 45) return -1; // -
    } else if (anyCase ? !isHexDigit(c) : c >= 256 || (table[c] & C_HEX) === 0) return -1;
  }
  if (i + 36 < n && isKeyUnit(byteAt(s, i + 36))) return -1;
  return i + 36;
}

/**
 * The end of a MAC address at a (six octets of two hex digits, either case, joined by sep: ":" or "-"), or -1.
 * EC2 gives every network interface a locally administered one (0a:8c:44:1e:7b:f3: describe-network-interfaces'
 * MacAddress, instance metadata's .../interfaces/macs/<mac>/, cloud-init's and ip's output; 0A-8C-... in Windows'
 * ipconfig): only those are taken. A vendor's (universally administered: 00:1a:2b:...) or a multicast one
 * (ff:ff:...) names no resource, nor do six octets of a longer run (a key's fingerprint). Written out, without a loop
 * (its callers run for many short words; see mayEndIn).
 */
export function macEnd(s: string, a: number, n: number, sep: number): number {
  if (a + 17 > n || byteAt(s, a + 2) !== sep || byteAt(s, a + 5) !== sep || byteAt(s, a + 8) !== sep) return -1;
  if (byteAt(s, a + 11) !== sep || byteAt(s, a + 14) !== sep) return -1;
  if (!isHexPair(s, a) || !isHexPair(s, a + 3) || !isHexPair(s, a + 6) || !isHexPair(s, a + 9)) return -1;
  if (!isHexPair(s, a + 12) || !isHexPair(s, a + 15)) return -1;
  // the first octet's low bits: 1 0 (local, unicast): its second digit is 2, 6, a or e
  const d = lowerCode(byteAt(s, a + 1));
  if (d !== 50 && d !== 54 && d !== 97 && d !== 101) return -1;
  const before = a > 0 ? byteAt(s, a - 1) : 32;
  const after = a + 17 < n ? byteAt(s, a + 17) : 32;
  if (isKeyUnit(before) || before === 58 || before === 46 || isKeyUnit(after) || after === 58) return -1;
  return a + 17;
}

/** True when s[p] and s[p + 1] (both before the text's end) are hex digits, either case. */
export function isHexPair(s: string, p: number): boolean {
  return isHexDigit(byteAt(s, p)) && isHexDigit(byteAt(s, p + 1));
}

/** True when s[p] and s[p + 1] (both before the text's end) are decimal digits. */
export function isDigitPair(s: string, p: number): boolean {
  const c = byteAt(s, p);
  const d = byteAt(s, p + 1);
  return c >= 48 && c <= 57 && d >= 48 && d <= 57;
}

/** True when s[i, i + 20) is `YYYY-MM-DD-HH-MM-SS-` (a Firehose object's time, an S3 log file's). */
export function dashedTimeAt(s: string, i: number, n: number): boolean {
  if (i + 20 > n) return false;
  for (let k = 4; k < 20; k += 3) if (byteAt(s, i + k) !== 45) return false;
  return (
    isDigitPair(s, i) &&
    isDigitPair(s, i + 2) &&
    isDigitPair(s, i + 5) &&
    isDigitPair(s, i + 8) &&
    isDigitPair(s, i + 11) &&
    isDigitPair(s, i + 14) &&
    isDigitPair(s, i + 17)
  );
}

/** ASCII lower-casing of one code (A-Z only). */
export function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** True when s[i..i+lit.length) equals lit and ends by n (no substring built). */
export function matchesAt(s: string, i: number, n: number, lit: string): boolean {
  const m = lit.length;
  if (i < 0 || i + m > n) return false;
  for (let k = 0; k < m; k++) {
    if (byteAt(s, i + k) !== byteAt(lit, k)) return false;
  }
  return true;
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

/**
 * A set of words matched as suffixes of a key read backwards, with no string built: lower-case ASCII words, compared
 * against a span case-insensitively with the units of `skip` left out ("Secret_Access-Key" ends with "secretaccesskey").
 * Keys are classified per word and per string: a walk that fails at the first or second unit is the common case.
 */
export interface SuffixSet {
  /** node * 128 + unit -> child node (nodes are numbered from 1; the root is 0) */
  next: Record<number, number>;
  /** node -> index in the word list of the word ending there */
  word: Record<number, number>;
  size: number;
}

export function newSuffixSet(words: string[]): SuffixSet {
  const set: SuffixSet = { next: {}, word: {}, size: 0 };
  for (let w = 0; w < words.length; w++) {
    const node = suffixNode(set, words[w]);
    if (set.word[node] === undefined) set.word[node] = w;
  }
  return set;
}

/** The node lit (lower case) ends at when read backwards, created if new (for callers that keep their own values). */
export function suffixNode(set: SuffixSet, lit: string): number {
  let node = 0;
  for (let k = lit.length - 1; k >= 0; k--) {
    const key = node * 128 + byteAt(lit, k);
    let child = set.next[key];
    if (child === undefined) {
      set.size++;
      child = set.size;
      set.next[key] = child;
    }
    node = child;
  }
  return node;
}

/**
 * False when s[a, b) cannot end like a word of set (read backwards as suffixIn reads it), by its last units (up to
 * five, written out): a loop-free first test. Most strings end like no word of a set; answering them before a loop
 * keeps the common path of a per-word helper loop-free, so the trace LuaJIT starts at its entry when interpreted code
 * calls it compiles: one that reaches a loop aborts ("inner loop in root trace"), ~11 aborts blacklist the function,
 * and every trace through it aborts after. (Five: keys that end in "Id", InstanceId, SubnetId, share four units with
 * resourceid or secretid.)
 */
export function mayEndIn(set: SuffixSet, s: string, a: number, b: number, skip: boolean[]): boolean {
  const n1 = nextBack(set, 0, s, a, b - 1, skip);
  if (n1 <= 0) return n1 < 0;
  const n2 = nextBack(set, n1, s, a, b - 2, skip);
  if (n2 <= 0) return n2 < 0;
  const n3 = nextBack(set, n2, s, a, b - 3, skip);
  if (n3 <= 0) return n3 < 0;
  const n4 = nextBack(set, n3, s, a, b - 4, skip);
  if (n4 <= 0) return n4 < 0;
  return nextBack(set, n4, s, a, b - 5, skip) !== 0;
}

/**
 * mayEndIn's step: from node, the unit at k: the child node (> 0); 0 when no word of set continues with it; -1 when
 * the test cannot decide (k before a, a unit suffixIn skips, or a word ends at node).
 */
function nextBack(set: SuffixSet, node: number, s: string, a: number, k: number, skip: boolean[]): number {
  if (node > 0 && set.word[node] !== undefined) return -1;
  if (k < a) return node > 0 ? -1 : 0;
  const c = byteAt(s, k);
  if (c < 256 && skip[c]) return -1;
  const l = lowerCode(c);
  const child = l < 128 ? set.next[node * 128 + l] : undefined;
  return child === undefined ? 0 : child;
}

/**
 * The lowest index of a word of set that ends s[a, b) once lower-cased and stripped of the units marked in skip, or
 * -1 (the lowest index: callers list the most specific word first).
 */
export function suffixIn(set: SuffixSet, s: string, a: number, b: number, skip: boolean[]): number {
  if (!mayEndIn(set, s, a, b, skip)) return -1;
  let node = 0;
  let best = -1;
  let k = b - 1;
  while (k >= a) {
    const c = byteAt(s, k);
    k--;
    if (c < 256 && skip[c]) continue;
    const l = c >= 65 && c <= 90 ? c + 32 : c;
    if (l >= 128) break;
    const child = set.next[node * 128 + l];
    if (child === undefined) break;
    node = child;
    const w = set.word[node];
    if (w !== undefined && (best < 0 || w < best)) best = w;
  }
  return best;
}

/** True when lit (lower case) occurs in s[a, b) lower-cased and stripped of the units marked in skip. */
export function containsSkipping(s: string, a: number, b: number, lit: string, skip: boolean[]): boolean {
  const m = lit.length;
  const first = byteAt(lit, 0);
  for (let q = a; q < b; q++) {
    if (lowerCode(byteAt(s, q)) !== first) continue;
    let k = 1;
    let r = q + 1;
    while (k < m && r < b) {
      const c = byteAt(s, r);
      r++;
      if (c < 256 && skip[c]) continue;
      if (lowerCode(c) !== byteAt(lit, k)) break;
      k++;
    }
    if (k === m) return true;
  }
  return false;
}

/** A table of units (the skip argument of suffixIn / containsSkipping). */
export function unitSet(units: number[]): boolean[] {
  const t: boolean[] = [];
  for (let c = 0; c < 256; c++) t.push(false);
  for (const c of units) t[c] = true;
  return t;
}

/**
 * The end (exclusive) of a run of units from i: in Lua, of units in the Lua character class `set`, one anchored C
 * search (a Lua loop in a short function run per value gets it blacklisted, as hasHighUnit says); in JavaScript, `js`.
 */
function runEndFn(
  set: string,
  js: (this: void, s: string, i: number) => number,
): (this: void, s: string, i: number) => number {
  if (luaFind === undefined) return js;
  const pattern = "^[" + set + "]*";
  return (s, i) => luaFind(s, pattern, i + 1)[1];
}

/** End (exclusive) of the run from i of units whose class has a bit of mask or that are one of the units extra. */
function runEndWith(s: string, i: number, mask: number, extra: boolean[]): number {
  let k = i;
  while (k < s.length && ((cls(byteAt(s, k)) & mask) !== 0 || extra[byteAt(s, k)] === true)) k++;
  return k;
}

const DASH_UNIT = unitSet([45]);
const ARN_FIELD_UNITS = unitSet([45, 95, 42, 63]);

/** End (exclusive) of the run of lowercase hex digits from i. */
export const hexRunEnd = runEndFn("0-9a-f", (s, i) => i + runOf(s, i, s.length, C_HEX));

/** End (exclusive) of the run of digits and dashes from i (an ip-10-0-1-5 label's address). */
export const digitDashRunEnd = runEndFn("0-9%-", (s, i) => runEndWith(s, i, C_DIGIT, DASH_UNIT));

/** End (exclusive) of the run from i of units an ARN's field holds: ASCII letters, digits, "-", "_", "*", "?". */
export const arnFieldRunEnd = runEndFn("0-9A-Za-z_%-%*%?", (s, i) => runEndWith(s, i, C_ALNUM, ARN_FIELD_UNITS));

/** The unit at i (i < length) as an index of a 256-entry class table: JS units above 0xFF read as 0x80 (high). */
export function unitAt(s: string, i: number): number {
  const c = byteAt(s, i);
  return c < 256 ? c : HIGH_UNIT;
}
const HIGH_UNIT = 128;

/**
 * Units of text in order of frequency, the most frequent first (prose, JSON, CLI output); any other unit is rarer. (A
 * line feed is as common as a comma: "\n[" is searched from its "[", once per "[" rather than once per line.)
 */
const COMMON_UNITS = ' etaoinsr".-/:_,\n0123456789hldcumfpgwybvkxjqz';
const UNIT_RARITY: number[] = [];
for (let c = 0; c < 256; c++) UNIT_RARITY.push(COMMON_UNITS.length);
for (let k = 0; k < COMMON_UNITS.length; k++) UNIT_RARITY[byteAt(COMMON_UNITS, k)] = k;

/**
 * Which of the RARE units a string holds, and which trigrams (markUnits: one pass, one OR and one store per unit), for
 * the scanner's anchors: an anchor holding a rare unit or a trigram the string lacks is not searched for. About 570
 * anchors are asked about per long string: a plain search each would be a call and a pass over the string. The rare
 * units alone let every anchor of common letters through in a long string ("metrics", "found": an 8 KB request
 * searched ~470 anchors, 71 times its size); its trigrams let through ~1 in 50 (75 of 4,150 questions).
 */
// (30 at most: bit 29 is the highest a small integer holds in V8; "F" is left out, FQoG/FwoG also hold "Q" and "G")
const RARE = "/:%$[(_=\n.- 3ABDEGIJMNPQSVZkwz";
const RARE_BIT: number[] = [];
for (let c = 0; c < 256; c++) RARE_BIT.push(0);
/** a rare unit's index in RARE (its bit's), the group of the anchors it is the rarest unit of */
const RARE_INDEX: number[] = [];
for (let k = 0; k < RARE.length; k++) {
  RARE_BIT[byteAt(RARE, k)] = 2 ** k;
  RARE_INDEX[byteAt(RARE, k)] = k;
}
/** the last marked string's rare units, and the stamp its trigram slots hold */
const PRESENT = { bits: 0, stamp: 0 };
// Trigram slots (a Bloom filter with one hash: a slot shared by two trigrams lets an anchor through, never stops one).
// A slot holds the stamp of the last string that marked it, so a new string clears nothing. The last slot is marked by
// every string (the slot of an anchor shorter than three units).
const TRI_SLOTS = 8192; // (8191, the mask, is written as a number where it is used: see markUnits)
const TRI: number[] = [];
for (let k = 0; k <= TRI_SLOTS; k++) TRI.push(0);
/** The slot of the trigram at k of lit (TRI_SLOTS, marked by every string, when lit has no trigram). */
function trigramSlotAt(lit: string, k: number): number {
  if (lit.length < 3) return TRI_SLOTS;
  return (unitAt(lit, k) * 961 + unitAt(lit, k + 1) * 31 + unitAt(lit, k + 2)) & 8191;
}

/**
 * The anchors' filters, one entry per anchor in the arrays below (ANCHOR_ID, at its first use): the bits of its rare
 * units, and the slots of four of its trigrams (first, last, two between; the last slot below 3 units). markUnits
 * answers every anchor at once for the string it marks (MAY): a finder's question is then one load, where a filter
 * read per question (a table, then its slots) cost ~16 ns, ~12 % of a cold request.
 */
const ANCHOR_ID: Record<string, number> = {};
const NEED: number[] = [];
const SLOT_A: number[] = [];
const SLOT_B: number[] = [];
const SLOT_C: number[] = [];
const SLOT_D: number[] = [];
/** per anchor: the last marked string's stamp when that string may hold it, another number when it cannot */
const MAY: number[] = [];
/**
 * The anchors grouped by their rarest rare unit (RARE's order), and last those of none: markUnits answers the groups of
 * the rare units the string holds (an anchor it does not answer keeps an earlier string's stamp: cannot hold). About
 * half of the anchors of a long text, far fewer in a short one.
 */
const GROUPS: number[][] = [];
const GROUP_BIT: number[] = [];
for (let k = 0; k <= RARE.length; k++) {
  GROUPS.push([]);
  GROUP_BIT.push(k < RARE.length ? 2 ** k : 0);
}

/**
 * The answer of anchor k's filter for the last marked string: its stamp when all its trigram slots hold that stamp and
 * the string has all its rare units, a smaller number otherwise. Written without a branch (the least slot, less the
 * bits of the rare units missing): a branch per test costs a mispredicted jump per anchor and string.
 */
function mayOf(k: number, bits: number): number {
  const need = NEED[k];
  return Math.min(TRI[SLOT_A[k]], TRI[SLOT_B[k]], TRI[SLOT_C[k]], TRI[SLOT_D[k]]) - ((bits & need) ^ need);
}

/** Marks the rare units and trigrams of s[0, n), and answers every known anchor for s (mayHold and firstOf). */
export function markUnits(s: string, n: number): void {
  const stamp = PRESENT.stamp + 1;
  PRESENT.stamp = stamp;
  TRI[TRI_SLOTS] = stamp;
  let bits = 0;
  let a = 0;
  let b = 0;
  // (the first two units also mark trigrams that start before the string: slots marked for nothing, as a collision)
  for (let k = 0; k < n; k++) {
    const c = unitAt(s, k);
    bits |= RARE_BIT[c];
    // trigramSlotAt written out: a call, or the mask as TRI_SLOTS - 1, costs LuaJIT's trace ~3 ns per unit
    TRI[(a * 961 + b * 31 + c) & 8191] = stamp;
    a = b;
    b = c;
  }
  PRESENT.bits = bits;
  for (let g = 0; g < GROUPS.length; g++) {
    if ((bits & GROUP_BIT[g]) !== GROUP_BIT[g]) continue;
    const group = GROUPS[g];
    const size = group.length;
    for (let k = 0; k < size; k++) MAY[group[k]] = mayOf(group[k], bits);
  }
}

/** Registers an anchor's filter (at its first question) and answers it for the last marked string. */
function anchorId(lit: string): number {
  let need = 0;
  let group = RARE.length;
  let rank = -1;
  for (let k = 0; k < lit.length; k++) {
    const c = unitAt(lit, k);
    need |= RARE_BIT[c];
    if (RARE_BIT[c] !== 0 && UNIT_RARITY[c] > rank) {
      rank = UNIT_RARITY[c];
      group = RARE_INDEX[c];
    }
  }
  const m = lit.length - 3;
  const id = MAY.length;
  NEED.push(need);
  SLOT_A.push(trigramSlotAt(lit, 0));
  SLOT_B.push(trigramSlotAt(lit, Math.floor(m / 3)));
  SLOT_C.push(trigramSlotAt(lit, Math.floor((2 * m) / 3)));
  SLOT_D.push(trigramSlotAt(lit, m));
  MAY.push(mayOf(id, PRESENT.bits));
  GROUPS[group].push(id);
  ANCHOR_ID[lit] = id;
  return id;
}

/** False when lit holds a rare unit or a trigram the last marked string does not (then it is not in that string). */
export function mayHold(lit: string): boolean {
  let id = ANCHOR_ID[lit];
  if (id === undefined) id = anchorId(lit);
  return MAY[id] === PRESENT.stamp;
}

/** s.indexOf(lit) for the string last marked (markUnits), -1 at once when it cannot hold lit. */
export function firstOf(s: string, lit: string): number {
  return mayHold(lit) ? indexFrom(s, lit, 0) : -1;
}

/**
 * True when s[a, b) is one plain word: letters, the first may be a capital, the rest lower case (Platform, payouts;
 * not RiskAnalytics, ledger_core, CC-4471, v2). A name found by its context is learned and masked all over the request:
 * such a word would be masked in prose too (tag values, psql cells, tag policies' lists, database names keep it).
 */
export function plainWord(s: string, a: number, b: number): boolean {
  return b > a && (cls(byteAt(s, a)) & (C_LOWER | C_UPPER)) !== 0 && runOf(s, a + 1, b, C_LOWER) === b - a - 1;
}

/** Offset of the rarest unit of lit (the first of equally rare ones): where a plain search for lit had better start. */
export function rarestUnit(lit: string): number {
  let best = 0;
  let rank = -1;
  for (let k = 0; k < lit.length; k++) {
    const c = byteAt(lit, k);
    const r = c < 256 ? UNIT_RARITY[c] : COMMON_UNITS.length;
    if (r > rank) {
      rank = r;
      best = k;
      if (r === COMMON_UNITS.length) break;
    }
  }
  return best;
}

/** anchor -> offset of its rarest unit, and the anchor from there (computed at its first search; anchors are constants) */
const ANCHOR_AT: Record<string, number> = {};
const ANCHOR_TAIL: Record<string, string> = {};
const ANCHOR_HEAD: Record<string, string> = {};

/**
 * s.indexOf(lit, from) for a constant lit, searched from its rarest unit: a plain search stops at every unit like the
 * first of what it looks for (every "." of a text for ".amazonaws.com", searched as "zonaws.com" here).
 */
export function indexFrom(s: string, lit: string, from: number): number {
  let at = ANCHOR_AT[lit];
  if (typeof at !== "number") {
    at = rarestUnit(lit);
    // a tail of one unit ("/" of "net/") stops at every such unit and checks the head in Lua: one unit more, and C
    // compares it ("t/")
    if (at > 0 && at === lit.length - 1) at--;
    ANCHOR_AT[lit] = at;
    ANCHOR_TAIL[lit] = sub(lit, at, lit.length);
    ANCHOR_HEAD[lit] = sub(lit, 0, at);
  }
  if (at === 0) return s.indexOf(lit, from);
  const tail = ANCHOR_TAIL[lit];
  const head = ANCHOR_HEAD[lit];
  // the usual outcomes (no tail, or the first tail is the anchor's) are answered before the loop (see suffixIn)
  let r = s.indexOf(tail, from + at);
  while (r >= 0 && sub(s, r - at, r) !== head) r = s.indexOf(tail, r + 1);
  return r >= 0 ? r - at : -1;
}

// Named units (ASCII codes) for the matchers.
/**
 * Width of a box-drawing character at i (U+2500-U+257F, the frames of `cdk diff`, `amplify status` and trivy tables), 0
 * where there is none: one unit in JavaScript, three UTF-8 bytes (E2 94|95 xx) in Lua. rule: only a column's rule
 * (│ ┃ ║), not a corner, junction or horizontal line.
 */
export function boxAt(s: string, i: number, n: number, rule: boolean): number {
  if (i >= n) return 0;
  const c = byteAt(s, i);
  if (c >= 0x2500 && c <= 0x257f) return !rule || c === 0x2502 || c === 0x2503 || c === 0x2551 ? 1 : 0;
  if (c !== 0xe2 || i + 2 >= n) return 0;
  const c1 = byteAt(s, i + 1);
  const c2 = byteAt(s, i + 2);
  if ((c1 !== 0x94 && c1 !== 0x95) || c2 < 0x80 || c2 > 0xbf) return 0;
  return !rule || (c1 === 0x94 && (c2 === 0x82 || c2 === 0x83)) || (c1 === 0x95 && c2 === 0x91) ? 3 : 0;
}

// A box-drawing character's first two bytes (U+2500-U+257F in UTF-8: bytes in Lua, units of a text read as latin1 in
// JavaScript), and the column rules as JavaScript units (String.fromCharCode would refuse codes above 255 in Lua)
const BOX_E294 = String.fromCharCode(0xe2, 0x94);
const BOX_E295 = String.fromCharCode(0xe2, 0x95);
const BOX_RULES = luaFind === undefined ? String.fromCharCode(0x2502, 0x2503, 0x2551) : "";

/**
 * True when s may hold a box-drawn table's column rule (see boxAt). No loop: it runs once per scanned string, and a
 * loop in a function called that often costs LuaJIT aborted traces.
 */
export function mayHoldBoxRule(s: string): boolean {
  if (s.indexOf(BOX_E294) >= 0 || s.indexOf(BOX_E295) >= 0) return true;
  return (
    BOX_RULES.length > 0 &&
    (s.indexOf(BOX_RULES.charAt(0)) >= 0 || s.indexOf(BOX_RULES.charAt(1)) >= 0 || s.indexOf(BOX_RULES.charAt(2)) >= 0)
  );
}

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
export const LOWER_V = 118;

/** End of the path segment of letters, digits, "-", "_" and "." at a (at most max units), without trailing dots. */
export function segmentEnd(s: string, a: number, n: number, max: number): number {
  let e = a;
  while (e < n && e - a < max) {
    const c = byteAt(s, e);
    if ((cls(c) & C_ALNUM) !== 0 || c === 45 || c === 95 || c === 46) e++;
    else break;
  }
  while (e > a && byteAt(s, e - 1) === 46) e--;
  return e;
}

/** Labels of a host name ending at p (exclusive), walking back over [A-Za-z0-9-.]: its start. */
export function hostStart(s: string, p: number, floor: number): number {
  let h = p;
  const low = p - 253 > floor ? p - 253 : floor; // (a DNS name has at most 253 units)
  while (h > low) {
    const c = byteAt(s, h - 1);
    if ((cls(c) & C_ALNUM) !== 0 || c === 45 || c === 46) h--;
    else break;
  }
  while (h < p && (cls(byteAt(s, h)) & C_ALNUM) === 0) h++;
  return afterEscape(s, h, p);
}

/**
 * A host's start h past the escape it opens with: percent-encoded, once or twice (https%3A%2F%2Fsqs.<region>.
 * amazonaws.com, %252F%252Fsqs...), or a backslash's letter (\n, \t, \r): the escape is none of the host (p: the
 * host's end).
 */
export function afterEscape(s: string, h: number, p: number): number {
  // (and a JSON escape's letter pasted as text, "host\nfs-0a71...efs...": the "n" is the line feed's, not the host's)
  // (an odd run of backslashes: \\nas01 is a UNC path's host)
  if (h > 0 && h + 1 < p && byteAt(s, h - 1) === 92) {
    let b = h - 1;
    while (b > 0 && h - b < 8 && byteAt(s, b - 1) === 92) b--;
    const c = byteAt(s, h);
    if ((h - b) % 2 === 1 && (c === 110 || c === 116 || c === 114)) return h + 1;
  }
  if (h === 0 || h + 2 >= p || byteAt(s, h - 1) !== 37 || !isHexDigit(byteAt(s, h)) || !isHexDigit(byteAt(s, h + 1)))
    return h;
  if (
    h + 4 < p &&
    byteAt(s, h) === 50 &&
    byteAt(s, h + 1) === 53 &&
    isHexDigit(byteAt(s, h + 2)) &&
    isHexDigit(byteAt(s, h + 3))
  )
    return h + 4;
  return h + 2;
}

/**
 * True when s[k] is the letter of a literal escape (`\n`, `\t`, `\r`, `\l` after one or more backslashes: Graphviz's
 * escString, PlantUML labels, a JSON string's escapes pasted as text or escaped twice) and a word unit follows it: that
 * letter is no part of the word after it (fifty-first pass: `"pg-03\n10.112.20.45"` holds an address, not `n10`). The
 * word scanner's counterpart of afterEscape, which hosts use (there an even run of backslashes opens a UNC path).
 */
export function escapeLetterAt(s: string, k: number, n: number): boolean {
  if (k < 1 || k + 1 >= n || byteAt(s, k - 1) !== 92) return false;
  const c = byteAt(s, k);
  return (c === 110 || c === 116 || c === 114 || c === 108) && (cls(byteAt(s, k + 1)) & C_ALNUM) !== 0;
}

/**
 * The end of a literal escape's units after the backslash before k when a word unit follows them, else -1: k + 1 for
 * escapeLetterAt's letters, k + 5 for a `\uXXXX` escape (review of the fifty-first pass: Go's JSON encoder writes `<`
 * as `\u003c`, and `\u003c10.0.0.1\u003e` held the address glued to the escape's hex).
 */
export function escapeEndAt(s: string, k: number, n: number): number {
  if (escapeLetterAt(s, k, n)) return k + 1;
  if (
    k < 1 ||
    k + 5 >= n ||
    byteAt(s, k) !== 117 ||
    byteAt(s, k - 1) !== 92 ||
    !isHexDigit(byteAt(s, k + 1)) ||
    !isHexDigit(byteAt(s, k + 2)) ||
    !isHexDigit(byteAt(s, k + 3)) ||
    !isHexDigit(byteAt(s, k + 4))
  )
    return -1;
  return (cls(byteAt(s, k + 5)) & C_ALNUM) !== 0 ? k + 5 : -1;
}

/** Whether s[p - 1] is the last unit of a literal escape (escapeEndAt) and a word unit stands at p. */
export function escapeEndsBefore(s: string, p: number, n: number): boolean {
  return (
    (p > 1 && byteAt(s, p - 2) === 92 && escapeLetterAt(s, p - 1, n)) ||
    (p > 5 && byteAt(s, p - 6) === 92 && escapeEndAt(s, p - 5, n) === p)
  );
}

export function hostEndsAt(s: string, e: number, n: number): boolean {
  return e >= n || ((cls(byteAt(s, e)) & C_ALNUM) === 0 && byteAt(s, e) !== 45 && byteAt(s, e) !== 95);
}

/** The code of the character reference charRefEnd read last (0: a named one other than XML's five). */
export const CHAR_REF = { code: 0 };

/**
 * End of the character reference at k, -1 where none stands: XML's five named ones (`&quot;` `&amp;` `&lt;` `&gt;`
 * `&apos;`), HTML's other names (`&aelig;`, `&ndash;`: code 0), decimal `&#NN;` and hexadecimal `&#xHH;` ones (a
 * Confluence export, mustache.js's escapes, a SOAP payload escaped into an element). Its code in CHAR_REF.code.
 */
export function charRefEnd(s: string, k: number, n: number): number {
  if (k + 3 >= n || byteAt(s, k) !== 38) return -1;
  let t = k + 1;
  let code = 0;
  if (byteAt(s, t) === 35) {
    t++;
    const hex = t < n && (byteAt(s, t) | 32) === 120;
    if (hex) t++;
    const d = t;
    while (t < n && t - d < 7) {
      const c = byteAt(s, t);
      const v = c >= 48 && c <= 57 ? c - 48 : hex && (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1;
      if (v < 0) break;
      code = code * (hex ? 16 : 10) + v;
      t++;
    }
    if (t === d) return -1;
  } else {
    const d = t;
    while (t < n && t - d < 10 && (cls(byteAt(s, t)) & (C_LOWER | C_UPPER)) !== 0) t++;
    if (t - d < 2) return -1;
    const w = t - d;
    if (w === 4 && matchesAt(s, d, t, "quot")) code = 34;
    else if (w === 3 && matchesAt(s, d, t, "amp")) code = 38;
    else if (w === 2 && matchesAt(s, d, t, "lt")) code = 60;
    else if (w === 2 && matchesAt(s, d, t, "gt")) code = 62;
    else if (w === 4 && matchesAt(s, d, t, "apos")) code = 39;
  }
  if (t >= n || byteAt(s, t) !== 59) return -1;
  CHAR_REF.code = code;
  return t + 1;
}

/** End of a character reference at k that stands for a quote (`&quot;`, `&#34;`, `&#x22;`, `&apos;`, `&#39;`), or -1. */
export function quoteRefEnd(s: string, k: number, n: number): number {
  const e = charRefEnd(s, k, n);
  return e > 0 && (CHAR_REF.code === 34 || CHAR_REF.code === 39) ? e : -1;
}
