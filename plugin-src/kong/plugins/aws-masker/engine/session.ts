// A masking session: the pseudonyms one request produced, and the two operations on them.
// mask: identifiers -> pseudonyms (deterministic per secret + tenant scope; collisions inside a request are resolved,
// never shared). restore: pseudonyms -> originals, for pseudonyms THIS session produced only (no unmask oracle).
// Pure: the keyed hash is injected.

import { byteAt, sub } from "./chars";
import { Match, scan, ScanConfig } from "./scanner";
import { Learned, learnedIn, STOPLIST } from "./names";
import { hashPart, Hmac, HASH_LEN, hashCharsIn } from "./pseudonym";
import { TenantMemory, withRemembered } from "./memory";

export interface Entry {
  pseudonym: string;
  original: string;
  kind: string; // kind id
}

/** Per-config, cached per worker. */
export interface Masker {
  secret: string;
  hmac: Hmac;
  scan: ScanConfig;
  /** Derived hash parts, scope \x1f tag \x1f original -> hash: conversations resend the same ids every turn. */
  hashes: Record<string, string>;
  hashCount: number;
  /**
   * First-pass scan results of long strings, JSON key -> text -> matches. Every turn of a conversation resends the
   * system prompt, the tool definitions and the earlier turns: those strings are scanned once per worker. Matches
   * hold positions and kinds only (no pseudonyms, which depend on the tenant); bounded by SCAN_CACHE_BYTES.
   */
  scans: Record<string, Record<string, Match[]>>; // \x1f + JSON key -> text -> matches
  scanBytes: number;
}

/** Strings shorter than this are scanned every time (cheap, and too many to be worth keeping). */
const SCAN_CACHE_MIN = 256;
/** Bound of the text held by Masker.scans; past it the cache starts over. */
const SCAN_CACHE_BYTES = 8388608;

/** Salts tried before giving up: with a working HMAC a second one is already astronomically rare. */
const MAX_SALT = 64;

/** Bound of Masker.hashes; past it the cache starts over (cheap, and bounded memory per worker). */
const HASH_CACHE_MAX = 50000;

/** Per request. */
export interface Session {
  masker: Masker;
  scope: string;
  byHash: Record<string, Entry>; // hash part -> entry
  byOriginal: Record<string, Record<string, string>>; // tag -> original -> pseudonym (no key concatenation per hit)
  entries: Entry[]; // in order of first appearance
  /** Longest pseudonym produced so far (bounds what a stream must hold back). */
  maxLen: number;
  /** Count of hash collisions resolved inside this request. */
  collisions: number;
  /** Names learned from their context (names.ts): every other occurrence in the request is masked too. */
  learned: Learned[];
  learnedSet: Record<string, boolean>;
  /** The tenant's names learned in earlier requests (memory.ts), masked wherever they stand; set by the caller. */
  memory?: TenantMemory;
  /** The request carries an AWS signal (an AWS id, ARN or hostname was found): bare 12-digit numbers are accounts. */
  awsSignal: boolean;
  /** Bare 12-digit numbers were left alone before the signal was seen (the JSON walker then walks again). */
  weakDropped: boolean;
}

export function newSession(masker: Masker, scope: string): Session {
  return {
    masker,
    scope,
    byHash: {},
    byOriginal: {},
    entries: [],
    maxLen: 0,
    collisions: 0,
    learned: [],
    learnedSet: {},
    awsSignal: false,
    weakDropped: false,
  };
}

/** The pseudonym for original (of a kind with this tag), creating it if new. */
export function pseudonymFor(sess: Session, tag: string, kindId: string, original: string): string {
  let ofTag = sess.byOriginal[tag];
  if (ofTag === undefined) {
    ofTag = {};
    sess.byOriginal[tag] = ofTag;
  }
  const known = ofTag[original];
  // typeof: in JS a plain object answers "constructor" and friends with functions
  if (typeof known === "string") return known;
  const m = sess.masker;
  const cacheKey = sess.scope + "\x1f" + tag + "\x1f" + original;
  let hash = m.hashes[cacheKey];
  if (hash === undefined) {
    hash = hashPart(m.hmac, m.secret, sess.scope, tag, original, 0);
    if (m.hashCount >= HASH_CACHE_MAX) {
      m.hashes = {};
      m.hashCount = 0;
    }
    m.hashes[cacheKey] = hash;
    m.hashCount++;
  }
  // two originals never share a pseudonym within a request: re-derive with a salt until free
  let salt = 0;
  while (sess.byHash[hash] !== undefined) {
    salt++;
    sess.collisions++;
    if (salt > MAX_SALT) throw "aws-masker: no free pseudonym (is the keyed hash broken?)";
    hash = hashPart(m.hmac, m.secret, sess.scope, tag, original, salt);
  }
  const pseudonym = tag + "_" + hash;
  const entry: Entry = { pseudonym, original, kind: kindId };
  sess.byHash[hash] = entry;
  ofTag[original] = pseudonym;
  sess.entries.push(entry);
  if (pseudonym.length > sess.maxLen) sess.maxLen = pseudonym.length;
  return pseudonym;
}

/** Registers an entry learned elsewhere (e.g. from Redis for a later restore); false when its hash is taken. */
export function adoptEntry(sess: Session, entry: Entry): boolean {
  const hash = sub(entry.pseudonym, entry.pseudonym.length - HASH_LEN, entry.pseudonym.length);
  const have = sess.byHash[hash];
  if (have !== undefined) return have.original === entry.original && have.pseudonym === entry.pseudonym;
  sess.byHash[hash] = entry;
  sess.entries.push(entry);
  if (entry.pseudonym.length > sess.maxLen) sess.maxLen = entry.pseudonym.length;
  return true;
}

/** The scanner's matches in s (never mutated by callers: they may be shared through the cache). */
function firstPass(masker: Masker, s: string, keyCtx: string): Match[] {
  if (s.length < SCAN_CACHE_MIN) {
    const fresh: Match[] = [];
    scan(masker.scan, s, keyCtx, fresh);
    return fresh;
  }
  const ctxKey = "\x1f" + keyCtx; // never an Object.prototype name in JS
  let byText = masker.scans[ctxKey];
  if (byText === undefined) {
    byText = {};
    masker.scans[ctxKey] = byText;
  }
  const hit = byText[s];
  if (hit !== undefined) return hit;
  const out: Match[] = [];
  scan(masker.scan, s, keyCtx, out);
  if (masker.scanBytes + s.length > SCAN_CACHE_BYTES) {
    masker.scans = {};
    masker.scanBytes = 0;
    byText = {};
    masker.scans[ctxKey] = byText;
  }
  byText[s] = out;
  masker.scanBytes += s.length;
  return out;
}

/** Kinds whose match is no AWS signal on its own (IPs, generic credentials, custom patterns). */
function isSignal(m: Match): boolean {
  const f = m.kind.family;
  return (
    m.weak !== true &&
    f !== "ipv4-private" &&
    f !== "ipv4-public" &&
    f !== "ipv6" &&
    f !== "custom" &&
    m.kind.id !== "credential"
  );
}

/** The first-pass matches with weak account candidates kept only when the request carries an AWS signal. */
function withSignal(sess: Session, found: Match[]): Match[] {
  let weak = false;
  for (const m of found) {
    if (m.weak === true) weak = true;
    else if (!sess.awsSignal && isSignal(m)) sess.awsSignal = true;
  }
  if (!weak || sess.awsSignal) return found;
  sess.weakDropped = true;
  const kept: Match[] = [];
  for (const m of found) if (m.weak !== true) kept.push(m);
  return kept;
}

/**
 * The identifiers in s (the first pass's, the tenant's remembered names, and this request's learned names); keyCtx is
 * the JSON key s is the value of ("" if none), rawAt where s starts in the request body (recorded with the names
 * learned from s: the JSON walker walks again when one also stands earlier).
 */
export function findIn(sess: Session, s: string, keyCtx: string, rawAt = 0): Match[] {
  let out = withSignal(sess, firstPass(sess.masker, s, keyCtx));
  // learn names found by their context, then mask their other occurrences (earlier and later in s)
  for (const m of out) {
    if (m.kind.learn === true) {
      const name = sub(s, m.s, m.e);
      if (sess.learnedSet[name] !== true && name.length >= 3 && STOPLIST[name.toLowerCase()] !== true) {
        sess.learnedSet[name] = true;
        sess.learned.push({ name, kind: m.kind, at: rawAt });
      }
    }
  }
  if (sess.memory !== undefined) out = withRemembered(sess.memory, s, out);
  if (sess.learned.length === 0) return out;
  const occ = learnedIn(sess.learned, s);
  if (occ.length === 0) return out;
  // first-pass matches win: keep the occurrences that overlap none (usually none survive: the name was found there)
  let add: Match[] | undefined = undefined;
  let a = 0;
  let lastEnd = 0;
  for (const o of occ) {
    while (a < out.length && out[a].s < o.e) {
      if (out[a].e > lastEnd) lastEnd = out[a].e;
      a++;
    }
    if (o.s >= lastEnd && (a >= out.length || out[a].s >= o.e)) {
      if (add === undefined) add = [];
      add.push({ s: o.s, e: o.e, kind: o.kind });
      lastEnd = o.e;
    }
  }
  if (add === undefined) return out;
  const merged: Match[] = [];
  let p = 0;
  for (const m of add) {
    while (p < out.length && out[p].s < m.s) merged.push(out[p++]);
    merged.push(m);
  }
  while (p < out.length) merged.push(out[p++]);
  return merged;
}

/** s with every identifier replaced by its pseudonym; s itself when there is none. */
export function maskText(sess: Session, s: string, keyCtx: string, rawAt = 0): string {
  const found = findIn(sess, s, keyCtx, rawAt);
  if (found.length === 0) return s;
  const parts: string[] = [];
  let at = 0;
  for (const m of found) {
    parts.push(sub(s, at, m.s));
    parts.push(pseudonymFor(sess, m.kind.tag, m.kind.id, sub(s, m.s, m.e)));
    at = m.e;
  }
  parts.push(sub(s, at, s.length));
  return parts.join("");
}

const HEX = "0123456789abcdef";

/** JSON string-content escaping for a restored original (only what JSON requires). */
export function jsonEscape(s: string): string {
  let plain = true;
  for (let k = 0; k < s.length; k++) {
    const c = byteAt(s, k);
    if (c < 32 || c === 34 || c === 92) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  const parts: string[] = [];
  for (let k = 0; k < s.length; k++) {
    const c = byteAt(s, k);
    if (c === 34) parts.push('\\"');
    else if (c === 92) parts.push("\\\\");
    else if (c === 10) parts.push("\\n");
    else if (c === 13) parts.push("\\r");
    else if (c === 9) parts.push("\\t");
    else if (c < 32) parts.push("\\u00" + sub(HEX, c >> 4, (c >> 4) + 1) + sub(HEX, c & 15, (c & 15) + 1));
    else parts.push(sub(s, k, k + 1));
  }
  return parts.join("");
}

/**
 * If a pseudonym of this session ends at e (exclusive) in s — its hash part is s[e-10, e) — returns its entry.
 * The tag is checked too, so only an exact pseudonym restores.
 */
export function entryEndingAt(sess: Session, s: string, e: number): Entry | undefined {
  const h = e - HASH_LEN;
  if (h < 2 || byteAt(s, h - 1) !== 95) return undefined;
  const entry = sess.byHash[sub(s, h, e)];
  if (entry === undefined) return undefined;
  const p = entry.pseudonym;
  const start = e - p.length;
  if (start < 0 || sub(s, start, e) !== p) return undefined;
  return entry;
}

/** original escaped for `level` layers of JSON strings (0: as is; 2: JSON text inside a JSON string). */
export function escapeLevel(original: string, level: number): string {
  if (level <= 0) return original;
  const once = jsonEscape(original);
  return level === 1 ? once : jsonEscape(once);
}

/** Filled by restoreLevel for a caller that needs it (the stream): where its last restored pseudonym ended. */
export interface RestoreMark {
  /** End (exclusive) of the last pseudonym restored in the input, 0 when none. */
  end: number;
}

/**
 * s with every pseudonym of this session replaced by its original, escaped `level` times (see escapeLevel).
 * Pseudonyms the session did not produce are left as they are; s itself is returned when nothing changed.
 * Pseudonyms are found anchored on "_" (a plain search), then the 10 hash units, then the exact pseudonym: pseudonyms
 * this session did not produce are never found.
 */
export function restoreLevel(sess: Session, s: string, level: number, mark?: RestoreMark): string {
  if (mark !== undefined) mark.end = 0;
  if (sess.entries.length === 0) return s;
  let parts: string[] | undefined = undefined;
  let at = 0;
  const n = s.length;
  let u = s.indexOf("_", 0);
  while (u >= 0) {
    const e = u + 1 + HASH_LEN;
    if (e > n) break;
    const entry = hashCharsIn(s, u + 1, e) ? entryEndingAt(sess, s, e) : undefined;
    if (entry !== undefined && e - entry.pseudonym.length >= at) {
      if (parts === undefined) parts = [];
      parts.push(sub(s, at, e - entry.pseudonym.length));
      parts.push(escapeLevel(entry.original, level));
      at = e;
      u = s.indexOf("_", e);
    } else {
      u = s.indexOf("_", u + 1);
    }
  }
  if (mark !== undefined) mark.end = at;
  if (parts === undefined) return s;
  parts.push(sub(s, at, s.length));
  return parts.join("");
}

/** s with this session's pseudonyms restored (originals JSON-escaped when escape is true). */
export function restoreText(sess: Session, s: string, escape: boolean): string {
  return restoreLevel(sess, s, escape ? 1 : 0);
}
