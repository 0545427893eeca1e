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
