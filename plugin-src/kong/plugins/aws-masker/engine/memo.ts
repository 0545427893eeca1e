// A per-worker table of what was worked out from a string, bounded by its number of entries: past `max` it starts over.
// The keys repeat (header names, content types, request URLs, the originals answers restore), so a rare flood of new
// ones costs some recomputing, never unbounded memory. Readers look up `entries` themselves (in JavaScript a plain
// object also answers Object.prototype names: a reader whose keys may be such names checks what it got).
// Pure and portable.

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
 * LuaJIT (OpenResty's branch, which Kong and the host run) hashes a string of LONG_KEY bytes or more from a few of its
 * bytes, so strings of one length that differ in few bytes share a chain of the VM's string table, and making any new
 * string of that length walks every live one (measured: a 600-byte content resent with a changed counter costs 10x
 * when the scan cache keeps thousands of them). A cache keyed by such strings keeps at most SAME_LENGTH_MAX of each
 * length: past it a string is worked out again each time instead of being kept.
 */
const LONG_KEY = 128;
const SAME_LENGTH_MAX = 16;

/** Whether a cache whose keys by length are counted in `lengths` may keep a key of length len (and counts it if so). */
export function admitsLength(lengths: Record<number, number>, len: number): boolean {
  if (len < LONG_KEY) return true;
  const n = lengths[len];
  if (n === undefined) {
    lengths[len] = 1;
    return true;
  }
  if (n >= SAME_LENGTH_MAX) return false;
  lengths[len] = n + 1;
  return true;
}
