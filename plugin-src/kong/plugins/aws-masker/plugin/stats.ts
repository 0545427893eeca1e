// Counters: in the shared dict kong_aws_masker when the nginx config declares one (all workers), else per worker.
// A counter is a name, or a family and one label value joined by LABEL_SEP ("requests_total\x1fmasked").
const local: Record<string, number> = {};

export const LABEL_SEP = "\x1f";

export function count(name: string, by?: number): void {
  const n = by !== undefined ? by : 1;
  const dict = ngx.shared.kong_aws_masker;
  if (dict !== undefined) {
    dict.incr(name, n, 0);
    return;
  }
  local[name] = (local[name] !== undefined ? local[name] : 0) + n;
}

/**
 * Per worker: family -> label -> the counter's name (the same few names on every request, built once). Bounded per
 * family (a refusal's label may carry a byte offset): past LABELS_MAX names are built each time.
 */
const labelledNames: Record<string, { names: Record<string, string>; size: number }> = {};
const LABELS_MAX = 256;

/** A counter of a labelled family. */
export function countLabelled(family: string, label: string, by?: number): void {
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
  count(name, by);
}

export function counter(name: string): number {
  const dict = ngx.shared.kong_aws_masker;
  if (dict !== undefined) {
    const v = dict.get(name);
    return typeof v === "number" ? v : 0;
  }
  return local[name] !== undefined ? local[name] : 0;
}

/** Every counter: name -> value (from the shared dict: all workers; else this worker's). */
export function allCounters(): Record<string, number> {
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
