// A tenant's memory of learned names: names found by their context in earlier requests (names.ts, session.ts) are
// masked in the tenant's later requests wherever they stand, even without that context. Pseudonyms are derived, not
// stored, so a remembered name gets the same pseudonym it had when it was learned.
//
// Matching is one pass over the text, linear whatever the number of names: a name can only start at a word start
// (an alphanumeric unit not glued to what precedes it, the same boundary rule as learnedIn in names.ts) and is
// read forward over name units with a rolling hash; at each length some remembered name has, a boundary check and
// a numeric table lookup decide, and only a hash hit builds a string (to confirm). Work per start is bounded by the
// longest remembered name (at most MAX_NAME_LEN), never by how many names there are.
// Pure and portable (no RegExp, no closures per call): Node and LuaJIT find the same occurrences.

import { byteAt, cls, C_ALNUM, sub } from "./chars";
import { Kind, KINDS } from "./catalogue";
import { Match } from "./scanner";
import { admitsKey } from "./memo";
import { allNameUnits, COMPOUND_MIN, isCompound, isNameUnit, withOccurrences } from "./names";

const HASH_MOD = 16777213;
const HASH_MUL = 31;
/** Longest name remembered (names.ts accepts up to 255; longer ones are rare and would raise the work per start). */
export const MAX_NAME_LEN = 128;
export const MIN_NAME_LEN = 3;
const UNDERSCORE = 95;
const DASH = 45;
const DOT = 46;

export interface TenantMemory {
  /** "\x1f" + name -> kind ("\x1f": never an Object.prototype name in JS). */
  names: Record<string, Kind>;
  /** rolling hash of a name -> how many names share it */
  hashes: Record<number, number>;
  /** rolling hash of the first MIN_NAME_LEN units of each name: a start whose prefix is not here is dropped early */
  prefixes: Record<number, boolean>;
  /** lengths[len] is true when some name has that length */
  lengths: boolean[];
  maxLen: number;
  count: number;
  /**
   * A number no other state of any memory had (per worker): new when the memory is made and whenever a name is added.
   * What was matched in a string with this version stands until it changes (session.ts keeps it with cached scans).
   */
  version: number;
  /** bound of count: past it new names are not remembered */
  max: number;
  /**
   * Occurrences per string, text -> matches and the count of names they were matched with: conversations resend the
   * system prompt, tools and earlier turns every turn (as session.ts caches the scanner's first pass), and clients the
   * same short values (roles, types, models). A name added since is looked for in the text (one plain search each,
   * see recentNames) before the matches are used again; bounded by CACHE_BYTES.
   */
  cache: Record<string, CachedOccurrences>;
  /** The same for strings shorter than SHORT, keyed "\x1f" + text (never an Object.prototype name in JS). */
  short: Record<string, CachedOccurrences>;
  /**
   * The last RECENT_NAMES names added, the k-th (1-based, count order) at index k % RECENT_NAMES: while a tenant's
   * memory fills (a few new names per request), its cached matches stay valid unless a new name stands in the text.
   */
  recentNames: string[];
  cacheBytes: number;
  /** class (admitsKey) -> cache entries of texts of that class */
  cacheClasses: Record<string, number>;
}

/** Matches of a text, valid for the memory's first `count` names. */
export interface CachedOccurrences {
  occ: Match[];
  count: number;
}

/** How many of the latest names a cached text is checked for before it is matched again in full. */
const RECENT_NAMES = 16;

/** Bound of the text Memory.cache refers to (the strings themselves are shared with the request), with ENTRY_BYTES
 * charged per entry so that many short strings are bounded too. */
const CACHE_BYTES = 4194304;
const ENTRY_BYTES = 64;
/** The matches of every string that holds no remembered name (never added to: withRemembered only reads them). */
const NONE: Match[] = [];
/** Strings shorter than this are cached under a prefixed key (JavaScript's prototype names are short). */
const SHORT = 64;

/** The last version handed out (see TenantMemory.version). */
let lastVersion = 0;

function nextVersion(): number {
  lastVersion++;
  return lastVersion;
}

export function newMemory(max: number): TenantMemory {
  const lengths: boolean[] = [];
  for (let k = 0; k <= MAX_NAME_LEN; k++) lengths[k] = false;
  return {
    names: {},
    hashes: {},
    prefixes: {},
    lengths,
    maxLen: 0,
    count: 0,
    version: nextVersion(),
    max,
    cache: {},
    short: {},
    cacheBytes: 0,
    cacheClasses: {},
    recentNames: [],
  };
}

/** Units that glue a name into a longer word (same rule as names.ts). */
function glues(c: number): boolean {
  return c < 256 && ((cls(c) & C_ALNUM) !== 0 || c === UNDERSCORE || c === DASH);
}

function hashOf(s: string, len: number): number {
  let h = 0;
  for (let k = 0; k < len; k++) h = (h * HASH_MUL + byteAt(s, k)) % HASH_MOD;
  return h;
}

/** True when a name could be remembered at all (length, first unit, every unit a name unit). */
export function rememberable(name: string): boolean {
  const n = name.length;
  if (n < MIN_NAME_LEN || n > MAX_NAME_LEN || (cls(byteAt(name, 0)) & C_ALNUM) === 0) return false;
  return allNameUnits(name);
}

/** Remembers name as kind; false when it is already known, not rememberable, or the memory is full. */
export function remember(mem: TenantMemory, name: string, kind: Kind): boolean {
  const key = "\x1f" + name;
  if (mem.names[key] !== undefined || mem.count >= mem.max || !rememberable(name)) return false;
  mem.names[key] = kind;
  const h = hashOf(name, name.length);
  mem.prefixes[hashOf(name, MIN_NAME_LEN)] = true;
  const have = mem.hashes[h];
  mem.hashes[h] = have !== undefined ? have + 1 : 1;
  mem.lengths[name.length] = true;
  if (name.length > mem.maxLen) mem.maxLen = name.length;
  mem.count++;
  mem.version = nextVersion();
  // the cached matches stay: a text is checked for the names added since before its matches are used again
  mem.recentNames[mem.count % RECENT_NAMES] = name;
  return true;
}

/** Empties the tenant's cache of per-string results: the bound was reached, or a benchmark measures the cold path. */
export function clearMemoryCache(mem: TenantMemory): void {
  mem.cache = {};
  mem.short = {};
  mem.cacheBytes = 0;
  mem.cacheClasses = {};
}

/** True when name is remembered. */
export function remembers(mem: TenantMemory, name: string): boolean {
  return mem.names["\x1f" + name] !== undefined;
}

const KIND_BY_ID: Record<string, Kind> = {};
for (const k of KINDS) KIND_BY_ID["\x1f" + k.id] = k;

/** The catalogue kind with this id (names come back from storage by kind id). */
export function kindById(id: string): Kind | undefined {
  return KIND_BY_ID["\x1f" + id];
}

/** True when a name may start at i: an alphanumeric unit not glued to the unit(s) before it. */
function startsAt(s: string, i: number): boolean {
  if ((cls(byteAt(s, i)) & C_ALNUM) === 0) return false;
  if (i === 0) return true;
  const c = byteAt(s, i - 1);
  if (glues(c)) return false;
  return !(c === DOT && i > 1 && glues(byteAt(s, i - 2)));
}

/** True when a name may end at e (exclusive). */
function endsAt(s: string, e: number, n: number): boolean {
  if (e >= n) return true;
  const c = byteAt(s, e);
  if (glues(c)) return false;
  return !(c === DOT && e + 1 < n && glues(byteAt(s, e + 1)));
}

/**
 * Occurrences of remembered names in s: leftmost first, the longest at each start, never overlapping each other.
 * Appended to occ (sorted by start).
 */
export function rememberedIn(mem: TenantMemory, s: string, occ: Match[]): void {
  const n = s.length;
  if (mem.count === 0) return;
  const lengths = mem.lengths;
  const hashes = mem.hashes;
  const prefixes = mem.prefixes;
  const maxLen = mem.maxLen;
  let i = 0;
  while (i < n) {
    const c0 = byteAt(s, i);
    // not a start: the next unit is tried; no unit right after a glued one is a start, so a word is skipped whole
    if (c0 >= 256 || (cls(c0) & C_ALNUM) === 0 || !startsAt(s, i)) {
      i++;
      if (glues(c0)) while (i < n && glues(byteAt(s, i))) i++;
      continue;
    }
    let h = 0;
    let j = i;
    const limit = i + maxLen < n ? i + maxLen : n;
    let bestEnd = -1;
    let bestKind: Kind | undefined = undefined;
    while (j < limit) {
      const c = byteAt(s, j);
      if (!isNameUnit(c)) break;
      h = (h * HASH_MUL + c) % HASH_MOD;
      j++;
      if (j - i === MIN_NAME_LEN && prefixes[h] !== true) break;
      if (lengths[j - i] && hashes[h] !== undefined) {
        // a compound name also where "-" or "_" joins a longer token to it (names.ts COMPOUND_MIN)
        const ends = endsAt(s, j, n);
        const joined = !ends && j - i >= COMPOUND_MIN && (byteAt(s, j) === DASH || byteAt(s, j) === UNDERSCORE);
        if (ends || joined) {
          const name = sub(s, i, j);
          const kind = mem.names["\x1f" + name];
          if (kind !== undefined && (ends || isCompound(name))) {
            bestEnd = j;
            bestKind = kind;
          }
        }
      }
    }
    if (bestKind !== undefined) {
      occ.push({ s: i, e: bestEnd, kind: bestKind });
      i = bestEnd;
    } else {
      i++;
      while (i < n && glues(byteAt(s, i))) i++;
    }
  }
}

/**
 * found (the scanner's matches, sorted, never mutated: they may be cached) with the occurrences of remembered names
 * merged in as withOccurrences merges them; found itself when nothing changes.
 */
export function withRemembered(mem: TenantMemory, s: string, found: Match[]): Match[] {
  if (mem.count === 0) return found;
  const short = s.length < SHORT;
  const key = short ? "\x1f" + s : s;
  const cached: CachedOccurrences | undefined = short ? mem.short[key] : mem.cache[key];
  let occ: Match[];
  if (cached !== undefined && (cached.count === mem.count || noneAddedIn(mem, cached, s))) {
    occ = cached.occ;
  } else {
    occ = [];
    rememberedIn(mem, s, occ);
    if (occ.length === 0) occ = NONE;
    if (cached !== undefined) {
      // matched again: its entry is updated in place (already counted against the bound)
      cached.occ = occ;
      cached.count = mem.count;
    } else {
      if (mem.cacheBytes + s.length + ENTRY_BYTES > CACHE_BYTES) clearMemoryCache(mem);
      // only what is kept counts against the bound
      if (short || admitsKey(mem.cacheClasses, s)) {
        const entry: CachedOccurrences = { occ, count: mem.count };
        if (short) mem.short[key] = entry;
        else mem.cache[key] = entry;
        mem.cacheBytes += s.length + ENTRY_BYTES;
      }
    }
  }
  return withOccurrences(found, occ);
}

/**
 * True when none of the names added after the cached matches of s were taken stands in s (then they are still its
 * matches, which now hold for every name: the entry's count moves up); false when one does or when more were added
 * than recentNames keeps.
 */
function noneAddedIn(mem: TenantMemory, cached: CachedOccurrences, s: string): boolean {
  if (mem.count - cached.count > RECENT_NAMES) return false;
  for (let k = cached.count + 1; k <= mem.count; k++) {
    if (s.indexOf(mem.recentNames[k % RECENT_NAMES]) >= 0) return false;
  }
  cached.count = mem.count;
  return true;
}

/** Kinds whose values are credentials: never stored anywhere (Redis included), only masked. */
export function isCredential(kind: Kind): boolean {
  if (kind.family === "secret-key" || kind.family === "session-token") return true;
  const t = kind.tag;
  return (
    t.indexOf("SECRET") >= 0 || t.indexOf("TOKEN") >= 0 || t.indexOf("PASSWORD") >= 0 || t.indexOf("CREDENTIAL") >= 0
  );
}
