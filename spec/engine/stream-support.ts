// Helpers shared by the stream spec and the fixture generator; mirrored in spec/lua/stream_spec.lua (keep in step).

/** Park-Miller minimal standard generator: exact in doubles, so Lua and JS replay the same sequence. */
export function chunkSizes(seed: number, max: number, total: number): number[] {
  const out: number[] = [];
  let x = seed;
  let at = 0;
  while (at < total) {
    x = (x * 48271) % 2147483647;
    const n = Math.min(1 + (x % max), total - at);
    out.push(n);
    at += n;
  }
  return out;
}

/** [length, polynomial hash mod 2^31-1] of a byte string (latin1 units). */
export function digest(s: string): [number, number] {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 2147483647;
  return [s.length, h];
}
