// Counters: in the shared dict kong_aws_masker when the nginx config declares one (all workers), else per worker.
const local: Record<string, number> = {};

export function count(this: void, name: string, by?: number): void {
  const n = by !== undefined ? by : 1;
  const dict = ngx.shared.kong_aws_masker;
  if (dict !== undefined) {
    dict.incr(name, n, 0);
    return;
  }
  local[name] = (local[name] !== undefined ? local[name] : 0) + n;
}

export function counter(this: void, name: string): number {
  const dict = ngx.shared.kong_aws_masker;
  if (dict !== undefined) {
    const v = dict.get(name);
    return typeof v === "number" ? v : 0;
  }
  return local[name] !== undefined ? local[name] : 0;
}
