// Counters: in the shared dict kong_aws_masker when the nginx config declares one (all workers), else per worker.
// A counter is a name, or a family and one label value joined by LABEL_SEP ("requests_total\x1fmasked").
// A request only adds to this worker's pending counts (a Lua table); a timer adds them to the shared dict at most
// FLUSH_SECONDS later, one incr per counter instead of one per counter per request (Kong's prometheus plugin does the
// same with resty.counter). Reading the counters flushes this worker's pending counts first; other workers' show
// within FLUSH_SECONDS. A worker that exits flushes what it holds (its timer runs premature).
const local: Record<string, number> = {};

export const LABEL_SEP = "\x1f";

/** How long a count may wait in its worker before it reaches the shared dict. */
export const FLUSH_SECONDS = 1;

/** This worker's counts not yet in the shared dict (or in local). */
let pending: Record<string, number> = {};
/** A flush timer is scheduled: counts only go into pending. */
let flushScheduled = false;

/**
 * Counters a request adds to together, by the same amounts (the identifiers of each kind of a masked request's shape,
 * observe.ts): a request counts the group once, and the flush adds each counter's amount times the group's count.
 */
export interface CounterGroup {
  names: string[];
  amounts: number[];
  /** counted since the last flush (pendingGroups holds the group while this is above 0) */
  times: number;
}

/** The groups counted since the last flush. */
let pendingGroups: CounterGroup[] = [];

/** Adds the pending counts to the shared dict (or to local when there is none). */
function flushPending(): void {
  const counts = pending;
  pending = {};
  const groups = pendingGroups;
  pendingGroups = [];
  for (const g of groups) {
    for (let i = 0; i < g.names.length; i++) {
      counts[g.names[i]] = (counts[g.names[i]] !== undefined ? counts[g.names[i]] : 0) + g.amounts[i] * g.times;
    }
    g.times = 0;
  }
  const dict = ngx.shared.kong_aws_masker;
  for (const [name, n] of pairs(counts)) {
    if (dict !== undefined) dict.incr(name as string, n as number, 0);
    else local[name as string] = (local[name as string] !== undefined ? local[name as string] : 0) + (n as number);
  }
}

function onFlushTimer(_premature: boolean): void {
  // premature (the worker exits): flushed all the same, so that no count is lost
  flushScheduled = false;
  flushPending();
}

export function count(name: string, by?: number): void {
  const n = by !== undefined ? by : 1;
  pending[name] = (pending[name] !== undefined ? pending[name] : 0) + n;
  scheduleFlush();
}

/** Counts each counter of g by its amount (see CounterGroup). */
export function countGroup(g: CounterGroup): void {
  if (g.times === 0) pendingGroups.push(g);
  g.times++;
  scheduleFlush();
}

/** Makes sure a flush timer is pending (or flushes now when no timer can be had). */
function scheduleFlush(): void {
  if (flushScheduled) return;
  const [ok] = ngx.timer.at(FLUSH_SECONDS, onFlushTimer);
  // ngx.timer.at answers nil, err on failure, Kong 3.x's timer library false, err: no timer (too many pending, the
  // worker exiting), so this request writes the counts itself
  if (ok === undefined || ok === false) flushPending();
  else flushScheduled = true;
}

/**
 * Per worker: family -> label -> the counter's name (the same few names on every request, built once). Bounded per
 * family (a refusal's label may carry a byte offset): past LABELS_MAX names are built each time.
 */
const labelledNames: Record<string, { names: Record<string, string>; size: number }> = {};
const LABELS_MAX = 256;

/** The counter name of a labelled family's label value. */
export function labelledName(family: string, label: string): string {
  let cache = labelledNames[family];
  if (cache === undefined) {
    cache = { names: {}, size: 0 };
    labelledNames[family] = cache;
  }
  let name = cache.names[label];
  if (name === undefined) {
    name = family + LABEL_SEP + label;
    if (cache.size < LABELS_MAX) {
      cache.names[label] = name;
      cache.size++;
    }
  }
  return name;
}

/** A counter of a labelled family. */
export function countLabelled(family: string, label: string, by?: number): void {
  count(labelledName(family, label), by);
}

export function counter(name: string): number {
  flushPending();
  const dict = ngx.shared.kong_aws_masker;
  if (dict !== undefined) {
    const v = dict.get(name);
    return typeof v === "number" ? v : 0;
  }
  return local[name] !== undefined ? local[name] : 0;
}

/** Every counter: name -> value (from the shared dict: all workers; else this worker's). */
export function allCounters(): Record<string, number> {
  flushPending();
  const out: Record<string, number> = {};
  const dict = ngx.shared.kong_aws_masker;
  if (dict === undefined) {
    for (const [k, v] of pairs(local)) out[k as string] = v as number;
    return out;
  }
  // 0: all keys; the dict holds only counters, a few hundred at most (families x kinds)
  for (const k of dict.get_keys(0)) {
    const v = dict.get(k);
    if (typeof v === "number") out[k] = v;
  }
  return out;
}
