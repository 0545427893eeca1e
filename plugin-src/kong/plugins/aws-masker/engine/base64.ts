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

/** The bytes s encodes, or undefined when s is not base64 (an invalid character, or padding in the middle). */
export function base64Decode(this: void, s: string): string | undefined {
  const n = s.length;
  const parts: string[] = [];
  let bytes: number[] = [];
  let quad = 0;
  let filled = 0; // sextets in quad
  let pads = 0;
  for (let i = 0; i < n; i++) {
    const c = byteAt(s, i);
    const v = c < 256 ? values[c] : INVALID;
    if (v === SKIP) continue;
    if (c === PAD) {
      pads++;
      continue;
    }
    if (v === INVALID || pads > 0) return undefined;
    quad = quad * 64 + v;
    filled++;
    if (filled === 4) {
      bytes.push(Math.floor(quad / 65536), Math.floor(quad / 256) % 256, quad % 256);
      quad = 0;
      filled = 0;
      if (bytes.length >= PART) {
        parts.push(String.fromCharCode(...bytes));
        bytes = [];
      }
    }
  }
  // a final group of 2 or 3 sextets holds 1 or 2 bytes; padding, when present, completes it to 4
  if (filled === 1 || (pads > 0 && (filled < 2 || filled + pads !== 4))) return undefined;
  if (filled === 2) bytes.push(Math.floor(quad / 16));
  else if (filled === 3) bytes.push(Math.floor(quad / 1024), Math.floor(quad / 4) % 256);
  if (bytes.length > 0) parts.push(String.fromCharCode(...bytes));
  return parts.join("");
}

/** s (bytes; units 0-255 in JavaScript) in base64 with padding. */
export function base64Encode(this: void, s: string): string {
  const n = s.length;
  const parts: string[] = [];
  let chars: string[] = [];
  let i = 0;
  while (i + 2 < n) {
    const v = byteAt(s, i) * 65536 + byteAt(s, i + 1) * 256 + byteAt(s, i + 2);
    chars.push(sub(ALPHABET, Math.floor(v / 262144), Math.floor(v / 262144) + 1));
    chars.push(sub(ALPHABET, Math.floor(v / 4096) % 64, Math.floor(v / 4096) % 64 + 1));
    chars.push(sub(ALPHABET, Math.floor(v / 64) % 64, Math.floor(v / 64) % 64 + 1));
    chars.push(sub(ALPHABET, v % 64, v % 64 + 1));
    i += 3;
    if (chars.length >= PART) {
      parts.push(chars.join(""));
      chars = [];
    }
  }
  const rest = n - i;
  if (rest === 1) {
    const v = byteAt(s, i) * 16;
    chars.push(sub(ALPHABET, Math.floor(v / 64), Math.floor(v / 64) + 1), sub(ALPHABET, v % 64, v % 64 + 1), "==");
  } else if (rest === 2) {
    const v = (byteAt(s, i) * 256 + byteAt(s, i + 1)) * 4;
    chars.push(sub(ALPHABET, Math.floor(v / 4096), Math.floor(v / 4096) + 1), sub(ALPHABET, Math.floor(v / 64) % 64, Math.floor(v / 64) % 64 + 1),
      sub(ALPHABET, v % 64, v % 64 + 1), "=");
  }
  parts.push(chars.join(""));
  return parts.join("");
}
