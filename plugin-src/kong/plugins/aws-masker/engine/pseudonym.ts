// Pseudonyms: TAG_xxxxxxxxxx — an upper-case kind tag, "_", and 10 characters of lower-case Crockford base32 taken
// from HMAC-SHA1(secret, scope \x1f original). Deterministic for the same secret, tenant scope and original (every
// worker and node agrees with no coordination), 50 bits of hash, ASCII letters/digits/_ only (nothing to escape in
// JSON), and upper-case tags can never be real AWS ids (those are lower-case hex or upper-case base32 without "_").
// The tag is not hashed: one original has one hash part whatever it was found as, and a session gives it the tag of
// its first appearance (session.ts pseudonymOf).
// See docs/pseudonyms.md.

import * as ch from "./chars";

// Module-local copies: an imported binding is a table field (Lua) or a getter (some JS module loaders) on every use.
const byteAt = ch.byteAt;
const cls = ch.cls;
const sub = ch.sub;
const hasHighUnit = ch.hasHighUnit;
const C_LOWER = ch.C_LOWER;
const C_DIGIT = ch.C_DIGIT;
const C_UPPER = ch.C_UPPER;

export const HASH_LEN = 10;
export const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** Keyed hash supplied by the runtime: raw HMAC-SHA1 bytes (a string of 20 units 0..255). */
export type Hmac = (this: void, key: string, message: string) => string;

const IS_HASH_CHAR: boolean[] = [];
for (let c = 0; c < 256; c++) IS_HASH_CHAR.push(false);
for (let k = 0; k < ALPHABET.length; k++) IS_HASH_CHAR[byteAt(ALPHABET, k)] = true;

export function isHashChar(c: number): boolean {
  return c < 256 && IS_HASH_CHAR[c];
}

/** Above every hash key (32^10): what hashKeyAt answers when a unit is no hash character. */
export const HASH_KEY_NONE = 1125899906842624;
/** The base-32 value of each hash character; HASH_KEY_NONE for any other unit. */
const HASH_VALUE: number[] = [];
for (let c = 0; c < 256; c++) HASH_VALUE.push(HASH_KEY_NONE);
for (let k = 0; k < ALPHABET.length; k++) HASH_VALUE[byteAt(ALPHABET, k)] = k;

function hashValue(c: number): number {
  return c < 256 ? HASH_VALUE[c] : HASH_KEY_NONE;
}

/**
 * The hash part s[a, a + HASH_LEN) as a number (its 50 bits), at least HASH_KEY_NONE when a unit there is no hash
 * character (the callers bound a + HASH_LEN by the length). A table key that needs no string: cutting the hash part out
 * of an answer is a lookup in LuaJIT's string table, which misses the CPU caches in a busy gateway worker (restoring 20
 * pseudonyms: ~1.2 µs more, issue 12). Unrolled, as hashCharsIn is.
 */
export function hashKeyAt(s: string, a: number): number {
  // five pairs of 10 bits
  const p0 = hashValue(byteAt(s, a)) * 32 + hashValue(byteAt(s, a + 1));
  const p1 = hashValue(byteAt(s, a + 2)) * 32 + hashValue(byteAt(s, a + 3));
  const p2 = hashValue(byteAt(s, a + 4)) * 32 + hashValue(byteAt(s, a + 5));
  const p3 = hashValue(byteAt(s, a + 6)) * 32 + hashValue(byteAt(s, a + 7));
  const p4 = hashValue(byteAt(s, a + 8)) * 32 + hashValue(byteAt(s, a + 9));
  return (((p0 * 1024 + p1) * 1024 + p2) * 1024 + p3) * 1024 + p4;
}

/**
 * True when every unit of s[a, b) is a hash character (the callers bound b by the length). Unrolled for spans up to
 * HASH_LEN, the only ones the callers check: a loop here would be an inner loop of the callers' loops (restoreLevel,
 * the stream's hold-back), which LuaJIT aborts and then blacklists.
 */
export function hashCharsIn(s: string, a: number, b: number): boolean {
  const n = b - a;
  if (n > HASH_LEN) {
    for (let k = a; k < b; k++) if (!isHashChar(byteAt(s, k))) return false;
    return true;
  }
  return (
    (n < 1 || isHashChar(byteAt(s, a))) &&
    (n < 2 || isHashChar(byteAt(s, a + 1))) &&
    (n < 3 || isHashChar(byteAt(s, a + 2))) &&
    (n < 4 || isHashChar(byteAt(s, a + 3))) &&
    (n < 5 || isHashChar(byteAt(s, a + 4))) &&
    (n < 6 || isHashChar(byteAt(s, a + 5))) &&
    (n < 7 || isHashChar(byteAt(s, a + 6))) &&
    (n < 8 || isHashChar(byteAt(s, a + 7))) &&
    (n < 9 || isHashChar(byteAt(s, a + 8))) &&
    (n < 10 || isHashChar(byteAt(s, a + 9)))
  );
}

// The hash part is the first 50 bits of the MAC in 5-bit groups, one alphabet character each, taken as five 10-bit
// chunks (two characters each, from a table): bits 0-9, 10-19, 20-29, 30-39 and 40-49 of the MAC's bytes 0-6, read once.
const PAIR: string[] = [];
for (let v = 0; v < 1024; v++) PAIR[v] = sub(ALPHABET, v >> 5, (v >> 5) + 1) + sub(ALPHABET, v & 31, (v & 31) + 1);

/** Longest original asciiOnly checks unit by unit; a longer one is searched (chars.ts hasHighUnit, a C search). */
const ASCII_CHECKED_MAX = 64;

/**
 * True when s holds no unit >= 0x80. Every original derived goes through here: a C pattern search costs a LuaJIT trace
 * a stitch (~0.4 µs), so up to ASCII_CHECKED_MAX units are read in overlapping windows of 4 or 16 (no loop, and no
 * branch on the exact length, see hashCharsIn).
 */
function asciiOnly(s: string): boolean {
  const n = s.length;
  if (n >= 16) {
    if (n > ASCII_CHECKED_MAX) return !hasHighUnit(s);
    return ascii16(s, 0) && ascii16(s, n - 16) && (n <= 32 || (ascii16(s, 16) && (n <= 48 || ascii16(s, 32))));
  }
  if (n >= 4) return ascii4(s, 0) && ascii4(s, n - 4) && (n <= 8 || (ascii4(s, 4) && (n <= 12 || ascii4(s, 8))));
  return n === 0 || (byteAt(s, 0) < 128 && byteAt(s, n - 1) < 128 && byteAt(s, n >> 1) < 128);
}

/** True when s[a, a + 4) holds no unit >= 0x80 (a + 4 <= length). */
function ascii4(s: string, a: number): boolean {
  return byteAt(s, a) < 128 && byteAt(s, a + 1) < 128 && byteAt(s, a + 2) < 128 && byteAt(s, a + 3) < 128;
}

/** True when s[a, a + 16) holds no unit >= 0x80 (a + 16 <= length). */
function ascii16(s: string, a: number): boolean {
  return ascii4(s, a) && ascii4(s, a + 4) && ascii4(s, a + 8) && ascii4(s, a + 12);
}

/**
 * The original as the keyed hash sees it: each run of non-ASCII units becomes one DEL. A zero-width space is 3 bytes in
 * Lua and 1 or 3 units in JavaScript (UTF-16 or bytes read as latin1): the same pseudonym in every runtime. Originals
 * differing only there share the derivation; a request never shares a pseudonym (collisions get a salt).
 */
export function hashInput(original: string): string {
  if (asciiOnly(original)) return original;
  const n = original.length;
  const parts: string[] = [];
  let k = 0;
  while (k < n) {
    if (byteAt(original, k) >= 128) {
      parts.push("\x7f");
      while (k < n && byteAt(original, k) >= 128) k++;
    } else {
      parts.push(sub(original, k, k + 1));
      k++;
    }
  }
  return parts.join("");
}

/** What the keyed hash reads before the original: scope \x1f (derivedPseudonym keeps it per scope). */
export function messagePrefix(scope: string): string {
  return scope + "\x1f";
}

/** The 10-character hash part of the keyed hash of message (messagePrefix + hashInput(original) [+ \x1f salt]). */
export function hashOfMessage(hmac: Hmac, secret: string, message: string): string {
  const mac = hmac(secret, message);
  const b1 = byteAt(mac, 1);
  const b2 = byteAt(mac, 2);
  const b3 = byteAt(mac, 3);
  // grouped to the right: Lua joins a right-nested concatenation in one step (left-nested, it built three
  // intermediate strings per new identifier)
  return (
    PAIR[byteAt(mac, 0) * 4 + Math.floor(b1 / 64)] +
    (PAIR[(b1 % 64) * 16 + Math.floor(b2 / 16)] +
      (PAIR[(b2 % 16) * 64 + Math.floor(b3 / 4)] +
        (PAIR[(b3 % 4) * 256 + byteAt(mac, 4)] + PAIR[byteAt(mac, 5) * 4 + Math.floor(byteAt(mac, 6) / 64)])))
  );
}

/** The 10-character hash part of a pseudonym for (scope, original); salt > 0 only to resolve a collision. */
export function hashPart(hmac: Hmac, secret: string, scope: string, original: string, salt: number): string {
  const msg = messagePrefix(scope) + hashInput(original);
  return hashOfMessage(hmac, secret, salt > 0 ? msg + "\x1f" + salt : msg);
}

/**
 * If s[i..] starts a hash part (10 hash chars) that closes a pseudonym whose tag ends at i-1 (s[i-1] == "_"),
 * returns the tag start index; otherwise -1. Used to leave pseudonyms alone when masking.
 */
export function pseudonymStartBefore(s: string, i: number): number {
  if (i < 2 || byteAt(s, i - 1) !== 95) return -1;
  let t = i - 2;
  // tags are short: never walk back further (linear time on long upper-case runs)
  while (t >= 0 && i - t < 64) {
    const c = byteAt(s, t);
    if ((cls(c) & (C_UPPER | C_DIGIT)) !== 0 || c === 95) t--;
    else break;
  }
  const start = t + 1;
  if (start > i - 2 || (cls(byteAt(s, start)) & C_UPPER) === 0) return -1;
  return start;
}

/** End index (exclusive) when a pseudonym-shaped token TAG_hash starts at i and ends at a boundary, else -1. */
export function pseudonymEndAt(s: string, i: number, n: number): number {
  if (i >= n || (cls(byteAt(s, i)) & C_UPPER) === 0) return -1;
  let j = i + 1;
  while (j < n) {
    const c = byteAt(s, j);
    if ((cls(c) & (C_UPPER | C_DIGIT)) !== 0 || c === 95) j++;
    else break;
  }
  // the hash may begin with digits, which the run took in: the hash starts after the run's last "_"
  let u = j - 1;
  while (u > i && byteAt(s, u) !== 95) u--;
  const e = u + 1 + HASH_LEN;
  if (u <= i || e > n || !hashCharsIn(s, u + 1, e)) return -1;
  if (e < n && (cls(byteAt(s, e)) & (C_LOWER | C_DIGIT | C_UPPER)) !== 0) return -1;
  return e;
}
