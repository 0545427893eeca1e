// A per-worker table of what was worked out from a string, bounded by its number of entries: past `max` it starts over.
// The keys repeat (header names, content types, request URLs, the originals answers restore), so a rare flood of new
// ones costs some recomputing, never unbounded memory. Readers look up `entries` themselves (in JavaScript a plain
// object also answers Object.prototype names: a reader whose keys may be such names checks what it got).
// Pure and portable.

import { sub } from "./chars";

export interface Memo<V> {
  entries: Record<string, V>;
  count: number;
  readonly max: number;
}

export function newMemo<V>(max: number): Memo<V> {
  return { entries: {}, count: 0, max };
}

/** Keeps value under key (starting over first when the memo is full) and returns it. */
export function memoSet<V>(memo: Memo<V>, key: string, value: V): V {
  if (memo.count >= memo.max) {
    memo.entries = {};
    memo.count = 0;
  }
  memo.entries[key] = value;
  memo.count++;
  return value;
}

/**
 * LuaJIT (OpenResty's branch, which Kong and the host run) hashes a string of LONG_KEY bytes or more from its length
 * and three of its bytes, and past 32 collisions in a chain from its first and last 8 bytes and 16 windows at random
 * offsets. Strings of one length that share their first and last 8 bytes and differ elsewhere (a template resent with
 * new values in the middle) can thus share one chain of the VM's string table, and making any new string of that
 * class walks every live one: measured, a 600-byte content resent with a changed counter cost 6-7x when the scan
 * cache kept thousands of them. A cache keyed by such strings keeps at most SAME_CLASS_MAX of one class (length, first
 * and last 8 bytes); past it a string of that class is worked out again each time instead of being kept. Conversations
 * rarely hold that many strings of one class (turns of one length differ in their first bytes: "Turn 101. ...").
 */
const LONG_KEY = 128;
const SAME_CLASS_MAX = 256;
const EDGE = 8;

/** Whether a cache that counts its long keys by class in `classes` may keep key s (and counts it if so). */
export function admitsKey(classes: Record<string, number>, s: string): boolean {
  const len = s.length;
  if (len < LONG_KEY) return true;
  // starts with the length's digits: never an Object.prototype name in JavaScript
  const cls = len + ":" + sub(s, 0, EDGE) + sub(s, len - EDGE, len);
  const n = classes[cls];
  if (n === undefined) {
    classes[cls] = 1;
    return true;
  }
  if (n >= SAME_CLASS_MAX) return false;
  classes[cls] = n + 1;
  return true;
}
