// Standard base64 (RFC 4648, with padding), to mask text documents sent base64-encoded. Pure and portable: decoded
// data is a byte string (Lua) or a "binary" string of units 0-255 (JavaScript), so both runtimes scan and re-encode
// the same bytes. Linear: four characters in, three bytes out, parts joined once.

import { byteAt, sub } from "./chars";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PAD = 61; // =
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const INVALID = -1;
const SKIP = -2; // line breaks and spaces some encoders insert

const values: number[] = [];
for (let c = 0; c < 256; c++) values.push(INVALID);
for (let k = 0; k < 64; k++) values[byteAt(ALPHABET, k)] = k;
values[SPACE] = SKIP;
values[TAB] = SKIP;
values[LF] = SKIP;
values[CR] = SKIP;

/** Bytes per decoded part (keeps the parts list short without building one huge string per step). */
const PART = 3 * 1024;

/** Every 12-bit value as its two base64 characters: three bytes encode with two lookups. */
const PAIRS: string[] = [];
for (let v = 0; v < 4096; v++) PAIRS.push(sub(ALPHABET, v >> 6, (v >> 6) + 1) + sub(ALPHABET, v & 63, (v & 63) + 1));

/** The bytes s encodes, or undefined when s is not base64 (an invalid character, or padding in the middle). */
export function base64Decode(s: string): string | undefined {
  const n = s.length;
  const parts: string[] = [];
  const bytes: number[] = [];
  let nb = 0; // bytes in the current part
  let quad = 0;
  let filled = 0; // sextets in quad
  let pads = 0;
  for (let i = 0; i < n; i++) {
    const c = byteAt(s, i);
    const v = c < 256 ? values[c] : INVALID;
    if (v >= 0 && pads === 0) {
      quad = quad * 64 + v;
      filled++;
      if (filled === 4) {
        bytes[nb] = quad >> 16;
        bytes[nb + 1] = (quad >> 8) & 255;
        bytes[nb + 2] = quad & 255;
        nb += 3;
        quad = 0;
        filled = 0;
        if (nb === PART) {
          parts.push(String.fromCharCode(...bytes));
          nb = 0;
        }
      }
    } else if (c === PAD) {
      pads++;
    } else if (v !== SKIP) {
      return undefined; // not base64, or data after the padding
    }
  }
  // a final group of 2 or 3 sextets holds 1 or 2 bytes; padding, when present, completes it to 4
  if (filled === 1 || (pads > 0 && (filled < 2 || filled + pads !== 4))) return undefined;
  if (filled === 2) bytes[nb++] = quad >> 4;
  else if (filled === 3) {
    bytes[nb] = quad >> 10;
    bytes[nb + 1] = (quad >> 2) & 255;
    nb += 2;
  }
  if (nb > 0) {
    // the part's array still holds PART entries from earlier parts: only its first nb count
    bytes.length = nb;
    parts.push(String.fromCharCode(...bytes));
  }
  return parts.join("");
}

/** s (bytes; units 0-255 in JavaScript) in base64 with padding. */
export function base64Encode(s: string): string {
  const n = s.length;
  const parts: string[] = [];
  const chars: string[] = [];
  let nc = 0;
  let i = 0;
  while (i + 2 < n) {
    const v = (byteAt(s, i) << 16) | (byteAt(s, i + 1) << 8) | byteAt(s, i + 2);
    chars[nc] = PAIRS[v >> 12];
    chars[nc + 1] = PAIRS[v & 4095];
    nc += 2;
    i += 3;
    if (nc === PART) {
      parts.push(chars.join(""));
      nc = 0;
    }
  }
  chars.length = nc;
  const rest = n - i;
  if (rest === 1) {
    const v = byteAt(s, i) << 4;
    chars[nc] = PAIRS[v] + "==";
  } else if (rest === 2) {
    const v = (byteAt(s, i) << 8) | byteAt(s, i + 1);
    chars[nc] = PAIRS[v >> 4] + sub(ALPHABET, (v & 15) << 2, ((v & 15) << 2) + 1) + "=";
  }
  parts.push(chars.join(""));
  return parts.join("");
}

/**
 * What a base64 text holds wherever one of words stands in the bytes it encodes: per word, one form per alignment (0,
 * 1 or 2 bytes of a 3-byte group before the word), without the characters that the bytes around the word also decide.
 * A base64 run holding none of them encodes none of the words.
 */
export function base64Anchors(words: string[]): string[] {
  const out: string[] = [];
  for (const word of words) {
    let pad = "";
    for (let shift = 0; shift < 3; shift++) {
      const enc = base64Encode(pad + word);
      out.push(sub(enc, Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + word.length)) / 6)));
      pad += "\0";
    }
  }
  return out;
}

/** The base64 unit that s[k, k + 3) escapes (%2B, %2F, %3D in either case: base64 in a URL or a form post), or 0. */
export function escapedUnit(s: string, k: number): number {
  if (byteAt(s, k) !== 37) return 0;
  const hi = byteAt(s, k + 1);
  const lo = byteAt(s, k + 2) | 32;
  if (hi === 50 && lo === 98) return 43;
  if (hi === 50 && lo === 102) return 47;
  if (hi === 51 && lo === 100) return PAD;
  return 0;
}

/** s[a, b) with its escaped base64 units (escapedUnit) unescaped. */
export function unescaped(s: string, a: number, b: number): string {
  const parts: string[] = [];
  let from = a;
  let k = a;
  while (k < b) {
    const u = k + 2 < b ? escapedUnit(s, k) : 0;
    if (u > 0) {
      parts.push(sub(s, from, k));
      parts.push(String.fromCharCode(u));
      k += 3;
      from = k;
    } else k++;
  }
  parts.push(sub(s, from, b));
  return parts.join("");
}
