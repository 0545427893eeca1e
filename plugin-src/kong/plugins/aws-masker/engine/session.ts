// A masking session: the pseudonyms one request produced, and the two operations on them.
// mask: identifiers -> pseudonyms (deterministic per secret + tenant scope; collisions inside a request are resolved,
// never shared). restore: pseudonyms -> originals, for pseudonyms THIS session produced only (no unmask oracle).
// Pure: the keyed hash is injected.

import {
  byteAt,
  charCount,
  columnWidth,
  hasHighUnit,
  holdsAt,
  needsJsonEscape,
  newBuilder,
  sub,
  take,
  uuidEnd,
} from "./chars";
import { Match, scan, ScanConfig, signalIn } from "./scanner";
import {
  Learned,
  learnedIn,
  learnedNamed,
  mayStandIn,
  noteLearned,
  Occurrence,
  SEARCH_MAX,
  STOPLIST,
  ENUM_WORDS,
  withOccurrences,
} from "./names";
import { Kind } from "./catalogue";
import {
  hashPart,
  hashOfMessage,
  hashInput,
  messagePrefix,
  Hmac,
  HASH_LEN,
  HASH_KEY_NONE,
  hashKeyAt,
} from "./pseudonym";
import { admitsKey, newMemo, memoSet } from "./memo";
import { TenantMemory, withRemembered } from "./memory";
import type { History } from "./json";

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
  /**
   * Derived pseudonyms, scope -> tag -> original -> hash part and pseudonym: conversations resend the same ids. An
   * original is kept from its second derivation on (see derivedPseudonym); hashCount counts both kinds of entry.
   */
  hashes: Record<string, Record<string, TagHashes>>;
  hashCount: number;
  /**
   * First-pass scans, "\x1f" (text, or JSON content without escapes) or "\x1e" (JSON content with escapes) + JSON key
   * -> content -> scan. Every turn of a conversation resends the system prompt, the tool definitions and the earlier
   * turns: those strings are scanned (and their escapes decoded) once per worker. A scan holds positions, kinds and
   * the matched text, never pseudonyms (which depend on the tenant); bounded by SCAN_CACHE_BYTES.
   */
  scans: Record<string, Record<string, Scanned>>;
  scanBytes: number;
  /** class (admitsKey) -> scans kept of contents of that class */
  scanClasses: Record<string, number>;
  /**
   * learn's steps of Session.learnedKey: key before -> name -> the kind it was learned as and the key after. A warm
   * worker learns the same names in the same order request after request; a step found here builds no string.
   * keyStepCount: steps kept (bounded by KEY_STEPS_MAX; past it they start over).
   */
  keySteps: Record<string, Record<string, KeyStep>>;
  keyStepCount: number;
  /**
   * Masked bodies kept to resume a later body that resends them (json.ts History): at most HISTORIES_MAX, in a ring
   * (historyNext: the slot written next), holding historyBytes units together.
   */
  histories: History[];
  historyNext: number;
  historyBytes: number;
}

/** One step of a learnedKey (Masker.keySteps). */
export interface KeyStep {
  kind: Kind;
  next: string;
}

/**
 * An original's unsalted pseudonym and its hash part (Masker.hashes): the entry of the kind it was first derived for,
 * with the hash part (one table per new identifier, not two). Entries are never changed, so every session of the scope
 * that masks the original under that kind shares it.
 */
export interface Derived extends Entry {
  hash: string;
}

/** The derived pseudonyms of one scope and tag (Masker.hashes). */
export interface TagHashes {
  /** What the keyed hash reads before an original (messagePrefix), and what a pseudonym starts with (tag "_"). */
  message: string;
  prefix: string;
  /** original -> its derivation, kept from its second derivation on (see derivedPseudonym) */
  byOriginal: Record<string, Derived>;
}

/** The first pass over one string, cached per worker and shared by every request (only its occ lists grow). */
export interface Scanned {
  /** What was scanned: the content with its JSON escapes decoded (the content itself when it has none). */
  text: string;
  /** The scanner's matches in text (never mutated). */
  found: Match[];
  /** The text of each match. */
  originals: string[];
  /** JSON content with escapes: decoded -> raw offsets (see rawIndex), and each match's raw bounds in the content. */
  shifts: number[] | undefined;
  rawStart: number[];
  rawEnd: number[];
  /**
   * Some match is an AWS signal (isSignal); the text names AWS in words (scanner.ts signalIn: 0 not asked yet, 1 no,
   * 2 yes; asked only for a request whose weak names would be dropped, json.ts); some match is weak (withSignal); the
   * indexes of the matches learned (learnable).
   */
  signal: boolean;
  words: number;
  weak: boolean;
  learns: number[];
  /**
   * Per entry of learns, the session record (Learned) of its name as last learned, shared by every session that learns
   * it from this string at the same place (see learnedRecord); undefined before the first.
   */
  learnedRecs: Learned[] | undefined;
  /** By a session's learnedKey (a few kept): the occurrences of its learned names in text, and what they add. */
  occ: Record<string, LearnedInScan> | undefined;
  occCount: number;
  /**
   * The last tenant-memory answer for this scan (see remembered): the memory's version it was found with, the matches
   * it was merged into, and the result. A string resent turn after turn to the same tenant costs two comparisons.
   */
  memVersion: number;
  memBase: Match[];
  memOut: Match[];
  /** The last masking of the content (see KeptMasking), undefined before the first. */
  kept: KeptMasking | undefined;
  /**
   * The scan is in the per-worker cache. A string is cached from its second sighting on (see keepScan): the first
   * one's scan serves its request only, and neither it nor its masking is kept.
   */
  cached: boolean;
}

/**
 * How a scanned string was masked last, kept with its scan (json.ts maskScanned): for one tenant scope and one list of
 * identifiers (identifiersOf's result, never mutated), the masked content is the same every time, unless a collision
 * inside a request salts a pseudonym (such a masking is not kept, and a kept one is not used then).
 */
export interface KeptMasking {
  scope: string;
  found: Match[];
  /** The raw content from its start to the end of its last identifier, masked; and that end (raw, from the start). */
  masked: string;
  end: number;
  /** Per identifier: its hash part, and the entry a session registers for it (see entryOfKind). */
  hashes: string[];
  entries: Entry[];
  /** The entries once each in order, and lent (a session with no entries yet takes them as they are). */
  lent: LentEntries;
  unique: Entry[];
  maxLen: number;
}

/** The learned names of one learnedKey in one cached scan. */
interface LearnedInScan {
  occ: Occurrence[];
  /** identifiersOf's last result (undefined before the first), and the matches it merged occ into (never mutated). */
  merged: Match[] | undefined;
  base: Match[];
}

/** Bound of the text held by Masker.scans (with a fixed charge per scan and match); past it the cache starts over. */
const SCAN_CACHE_BYTES = 8388608;
/** What a cached scan costs besides its text (tables, match records), in the SCAN_CACHE_BYTES budget. */
const SCAN_ENTRY_BYTES = 160;
const MATCH_BYTES = 96;
/** Learned-name lists kept per cached scan (a request sees a string with a few lists: before and after learning). */
const OCC_LISTS_MAX = 4;
/** A session's learnedKey is kept while it names at most this many learned names in this many bytes. */
const LEARNED_KEY_NAMES = 32;
const LEARNED_KEY_BYTES = 4096;

/** Salts tried before giving up: with a working HMAC a second one is already astronomically rare. */
const MAX_SALT = 64;

/** Bound of Masker.hashes; past it the cache starts over (cheap, and bounded memory per worker). */
const HASH_CACHE_MAX = 50000;

/** Per request. */
export interface Session {
  masker: Masker;
  scope: string;
  /**
   * hash part -> entry (with lent: see entryOf); made with the session's first entry of its own (a resumed warm
   * request's are all lent: one table less to make and collect per request)
   */
  byHash: Record<string, Entry> | undefined;
  /**
   * The session's first entries, lent by the history it was walked on from (resumeSession) or by the first kept masking
   * it adopted with no entries of its own yet (adoptKept): shared, never written; byHash holds the entries added after
   * them. Every session lent the same object has the same first entries, so a caller may keep what it derived from
   * them by the object (plugin/store.ts, observe.ts).
   */
  lent: LentEntries | undefined;
  /** Collisions only: original -> salted pseudonym (created on the first; an unsalted one is found by its hash). */
  salted: Record<string, string> | undefined;
  /**
   * Restore only (adoptEntry): hash part -> the other pseudonyms of its entry's original, adopted from mappings of
   * several requests (one original named as two kinds by two requests has one hash part under two tags).
   */
  aliases: Record<string, Entry[]> | undefined;
  entries: Entry[]; // in order of first appearance
  /** Longest pseudonym produced so far (bounds what a stream must hold back). */
  maxLen: number;
  /** Count of hash collisions resolved inside this request. */
  collisions: number;
  /** Names learned from their context (names.ts): every other occurrence in the request is masked too. */
  learned: Learned[];
  /**
   * The learned names and kinds as one string (undefined past LEARNED_KEY_NAMES / LEARNED_KEY_BYTES): cached scans
   * keep the learned-name occurrences found in them by this key. learnedKeyCount: how many names it covers.
   */
  learnedKey: string | undefined;
  learnedKeyCount: number;
  /** The tenant's names learned in earlier requests (memory.ts), masked wherever they stand; set by the caller. */
  memory?: TenantMemory;
  /** The request carries an AWS signal (an AWS id, ARN or hostname was found): bare 12-digit numbers are accounts. */
  awsSignal: boolean;
  /** A string of the request names AWS in words (whole words, scanner.ts signalIn): weak candidates are kept. */
  awsWords: boolean;
  /** Weak candidates were left alone before the signal was seen (the JSON walker then walks again). */
  weakDropped: boolean;
}

export function newSession(masker: Masker, scope: string): Session {
  return {
    masker,
    scope,
    byHash: undefined,
    lent: undefined,
    salted: undefined,
    aliases: undefined,
    entries: [],
    maxLen: 0,
    collisions: 0,
    learned: [],
    learnedKey: "",
    learnedKeyCount: 0,
    awsSignal: false,
    awsWords: false,
    weakDropped: false,
  };
}

/** True when nothing was masked or learned in sess yet (the state a resumed walk starts from: json.ts History). */
export function untouched(sess: Session): boolean {
  return (
    sess.entries.length === 0 &&
    sess.learned.length === 0 &&
    sess.lent === undefined &&
    sess.collisions === 0 &&
    !sess.awsSignal &&
    !sess.weakDropped
  );
}

/** Empties sess again, as newSession made it (its masker, scope and memory stay). */
export function restartSession(sess: Session): void {
  sess.byHash = undefined;
  sess.lent = undefined;
  sess.salted = undefined;
  sess.aliases = undefined;
  sess.entries = [];
  sess.maxLen = 0;
  sess.collisions = 0;
  sess.learned = [];
  sess.learnedKey = "";
  sess.learnedKeyCount = 0;
  sess.awsSignal = false;
  sess.awsWords = false;
  sess.weakDropped = false;
}

/** What a session held at a point of a request (json.ts History): its first entries and learned names, and flags. */
export interface SessionPoint {
  entries: number;
  learned: number;
  learnedKey: string | undefined;
  learnedKeyCount: number;
  awsSignal: boolean;
  weakDropped: boolean;
  maxLen: number;
}

/** Notes in p what sess holds now. */
export function notePoint(sess: Session, p: SessionPoint): void {
  p.entries = sess.entries.length;
  p.learned = sess.learned.length;
  p.learnedKey = sess.learnedKey;
  p.learnedKeyCount = sess.learnedKeyCount;
  p.awsSignal = sess.awsSignal;
  p.weakDropped = sess.weakDropped;
  p.maxLen = sess.maxLen;
}

/**
 * Sets an untouched sess to what a session held at point p, whose entries and learned names were the first of these;
 * lent: the hash parts of those entries (lentOf), lent as adoptKept lends a kept masking's.
 */
export function resumeSession(
  sess: Session,
  entries: Entry[],
  learned: Learned[],
  p: SessionPoint,
  lent: LentEntries | undefined,
): void {
  // (an untouched session's lists are empty: filled by index, without a length read per item)
  const into = sess.entries;
  for (let k = 0; k < p.entries; k++) into[k] = entries[k];
  sess.lent = lent;
  sess.maxLen = p.maxLen;
  const names = sess.learned;
  for (let k = 0; k < p.learned; k++) names[k] = learned[k];
  sess.learnedKey = p.learnedKey;
  sess.learnedKeyCount = p.learnedKeyCount;
  sess.awsSignal = p.awsSignal;
  sess.weakDropped = p.weakDropped;
}

/** Entries a session is lent (Session.lent): never written once made. */
export interface LentEntries {
  /** hash part -> entry (a pseudonym ends with its hash part), what masking looks up */
  byHash: Record<string, Entry>;
  /**
   * The same by hash key (hashKeyAt), what restoring looks up: the index in entries, prefixes and escaped. No string
   * cut out of the answer, and no entry read: a busy worker's restore misses the CPU caches at each object it reads per
   * pseudonym (issue 12), and these lists are read together.
   */
  byKey: Record<number, number>;
  /** the entries, in their order (the first count of the list lent) */
  entries: Entry[];
  /** each one's pseudonym less its hash part: its tag and "_", one string per tag */
  prefixes: string[];
  /** each one's original JSON-escaped (jsonEscape) */
  escaped: string[];
  /** how many: the session's first entries */
  count: number;
  /**
   * How many of the session's first learned names came with them: a resumed history point's (resumeSession), 0 for a
   * kept masking (adoptKept). plugin/learned.ts skips offering them again once one request lent this object offered all.
   */
  learned: number;
}

/** The first count of entries (distinct hash parts), to lend, with the first learned names that come with them. */
export function lentOf(entries: Entry[], count: number, learned: number): LentEntries {
  const byHash: Record<string, Entry> = {};
  const byKey: Record<number, number> = {};
  const prefixes: string[] = [];
  const escaped: string[] = [];
  for (let k = 0; k < count; k++) {
    const pseudonym = entries[k].pseudonym;
    const h = pseudonym.length - HASH_LEN;
    byHash[sub(pseudonym, h, pseudonym.length)] = entries[k];
    byKey[hashKeyAt(pseudonym, h)] = k;
    prefixes[k] = sub(pseudonym, 0, h);
    escaped[k] = jsonEscape(entries[k].original);
  }
  return { byHash, byKey, entries, prefixes, escaped, count, learned };
}

/**
 * The pseudonym for original (of a kind with this tag), creating it if new. The session's pseudonym of an original
 * is the one its hash part names, unless another original took that hash part first (a collision: then a salted one).
 * The hash part is the original's whatever its kind, so an original found as two kinds (a fleet id under FleetId and
 * as a tag's value) keeps the pseudonym of its first appearance: the model sees one thing, not two.
 */
export function pseudonymFor(sess: Session, tag: string, kindId: string, original: string): string {
  return pseudonymOf(sess, derivedPseudonym(sess, tag, kindId, original), tag, kindId, original);
}

/** pseudonymFor with the original's derived pseudonym (derivedPseudonym) already looked up. */
export function pseudonymOf(sess: Session, derived: Derived, tag: string, kindId: string, original: string): string {
  const have = entryOf(sess, derived.hash);
  if (have === undefined) {
    addEntry(sess, derived.hash, entryOfKind(derived, kindId));
    return derived.pseudonym;
  }
  if (have.original === original) return have.pseudonym;
  return saltedPseudonym(sess, tag, kindId, original);
}

/** The entry a session registers for a derived pseudonym first met as kindId: the first appearance decides the kind. */
export function entryOfKind(derived: Derived, kindId: string): Entry {
  return derived.kind === kindId ? derived : { pseudonym: derived.pseudonym, original: derived.original, kind: kindId };
}

/** The session's entry whose hash part is hash, if any. */
function entryOf(sess: Session, hash: string): Entry | undefined {
  // the lent entries first: on a warm worker they are most of a request's entries
  if (sess.lent !== undefined) {
    const lent = sess.lent.byHash[hash];
    if (lent !== undefined) return lent;
  }
  return sess.byHash !== undefined ? sess.byHash[hash] : undefined;
}

/** Registers a new entry of the session under its hash part (no entry of the session has it). */
function addEntry(sess: Session, hash: string, entry: Entry): void {
  let byHash = sess.byHash;
  if (byHash === undefined) {
    byHash = {};
    sess.byHash = byHash;
  }
  byHash[hash] = entry;
  sess.entries.push(entry);
  if (entry.pseudonym.length > sess.maxLen) sess.maxLen = entry.pseudonym.length;
}

/** The pseudonym of original whose hash part another original of the session has (see saltedHash). */
function saltedPseudonym(sess: Session, tag: string, kindId: string, original: string): string {
  let salted = sess.salted;
  if (salted === undefined) {
    salted = {};
    sess.salted = salted;
  }
  // typeof: in JS a plain object answers "constructor" and friends with functions
  const known = salted[original];
  if (typeof known === "string") return known;
  const hash = saltedHash(sess, original);
  const pseudonym = tag + "_" + hash;
  addEntry(sess, hash, { pseudonym, original, kind: kindId });
  salted[original] = pseudonym;
  return pseudonym;
}

/**
 * The keyed-hash messages (scope and original) derived once and not kept (see derivedPseudonym), per worker: a mark
 * is per tenant scope, so what one tenant sent never changes how another's identifiers are cached. Bounded by few
 * entries: marks hold their messages, and a table
 * of tens of thousands of short strings is itself what the GC walks and sweeps (measured: 50,000 marks cost a cold
 * request of 20 new ids ~20 % of its time). An identifier that comes back after this many new ones is derived and
 * marked afresh; it is kept once it comes back within the bound.
 */
const derivedOnce = newMemo<boolean>(4096);

/** The derivations of a scope and tag (created if new). */
function tagHashes(m: Masker, scope: string, tag: string): TagHashes {
  // nested tables, no key concatenation; typeof: in JS a plain object answers "constructor" and friends
  let ofScope = m.hashes[scope];
  if (typeof ofScope !== "object") {
    ofScope = {};
    m.hashes[scope] = ofScope;
  }
  let ofTag = ofScope[tag];
  if (typeof ofTag !== "object" || ofTag.byOriginal === undefined) {
    ofTag = { message: messagePrefix(scope), prefix: tag + "_", byOriginal: {} };
    ofScope[tag] = ofTag;
  }
  return ofTag;
}

/**
 * The unsalted hash part and pseudonym of original (a tag's) in the session's scope, cached per worker from its second
 * derivation on: an identifier a request sends once (most of a cold request's) leaves a mark, not a record that every
 * GC cycle walks again.
 */
export function derivedPseudonym(sess: Session, tag: string, kindId: string, original: string): Derived {
  const m = sess.masker;
  let ofTag = tagHashes(m, sess.scope, tag);
  const known = ofTag.byOriginal[original];
  if (typeof known === "object") return known;
  const message = ofTag.message + hashInput(original);
  const hash = hashOfMessage(m.hmac, m.secret, message);
  const pseudonym = ofTag.prefix + hash;
  const derived: Derived = { pseudonym, original, kind: kindId, hash };
  // "=== true": in JS a plain object answers "constructor" and friends with functions
  if (derivedOnce.entries[message] !== true) {
    memoSet(derivedOnce, message, true);
    return derived;
  }
  // derived before: kept
  if (m.hashCount >= HASH_CACHE_MAX) {
    m.hashes = {};
    m.hashCount = 0;
    ofTag = tagHashes(m, sess.scope, tag);
  }
  ofTag.byOriginal[original] = derived;
  m.hashCount++;
  return derived;
}

/** The first salted hash part of original that no other original of the session has (a collision, astronomically rare). */
function saltedHash(sess: Session, original: string): string {
  const m = sess.masker;
  for (let salt = 1; salt <= MAX_SALT; salt++) {
    sess.collisions++;
    const hash = hashPart(m.hmac, m.secret, sess.scope, original, salt);
    if (entryOf(sess, hash) === undefined) return hash;
  }
  throw "aws-masker: no free pseudonym (is the keyed hash broken?)";
}

/**
 * Registers an entry learned elsewhere (e.g. from Redis for a later restore); false when another original holds its
 * hash part. Mappings of several requests may name one original under two tags with one hash part (the kind is not
 * hashed): the other pseudonym is kept as an alias, restored to the same original.
 */
export function adoptEntry(sess: Session, entry: Entry): boolean {
  const hash = sub(entry.pseudonym, entry.pseudonym.length - HASH_LEN, entry.pseudonym.length);
  if (adoptEntryAt(sess, hash, entry)) return true;
  const have = entryOf(sess, hash) as Entry;
  if (have.original !== entry.original) return false;
  let aliases = sess.aliases;
  if (aliases === undefined) {
    aliases = {};
    sess.aliases = aliases;
  }
  let list = aliases[hash];
  // typeof: in JS a plain object answers "constructor" and friends with functions
  if (typeof list !== "object") {
    list = [];
    aliases[hash] = list;
  }
  for (const e of list) if (e.pseudonym === entry.pseudonym) return true;
  list.push(entry);
  sess.entries.push(entry);
  if (entry.pseudonym.length > sess.maxLen) sess.maxLen = entry.pseudonym.length;
  return true;
}

/** adoptEntry of an entry whose hash part is known. */
export function adoptEntryAt(sess: Session, hash: string, entry: Entry): boolean {
  const have = entryOf(sess, hash);
  if (have !== undefined) return have.original === entry.original && have.pseudonym === entry.pseudonym;
  addEntry(sess, hash, entry);
  return true;
}

/**
 * Keeps how a scanned string was masked (see KeptMasking) with its scan, if the scan is cached. Charged to the scan
 * cache's budget once per scan: a later masking replaces the kept one (another tenant's, or other identifiers).
 */
export function keepMasking(
  sess: Session,
  sc: Scanned,
  found: Match[],
  masked: string,
  end: number,
  hashes: string[],
  entries: Entry[],
): void {
  if (!sc.cached) return;
  if (sc.kept === undefined) sess.masker.scanBytes += masked.length + found.length * MATCH_BYTES;
  const seen: Record<string, boolean> = {};
  const unique: Entry[] = [];
  let maxLen = 0;
  for (let k = 0; k < hashes.length; k++) {
    if (seen[hashes[k]] === true) continue;
    seen[hashes[k]] = true;
    unique.push(entries[k]);
    if (entries[k].pseudonym.length > maxLen) maxLen = entries[k].pseudonym.length;
  }
  sc.kept = {
    scope: sess.scope,
    found,
    masked,
    end,
    hashes,
    entries,
    lent: lentOf(unique, unique.length, 0),
    unique,
    maxLen,
  };
}

/**
 * Registers the entries of a kept masking in the session, as masking its identifiers one by one would (the first
 * appearance decides the kind): false at the first whose hash part another original holds here (a collision: the
 * caller masks one by one, and salts).
 */
export function adoptKept(sess: Session, kept: KeptMasking): boolean {
  // the session's first identifiers: nothing to collide with; the kept ones are lent instead of copied one by one
  if (sess.entries.length === 0 && sess.lent === undefined) {
    sess.lent = kept.lent;
    for (const e of kept.unique) sess.entries.push(e);
    sess.maxLen = kept.maxLen;
    return true;
  }
  const hashes = kept.hashes;
  const entries = kept.entries;
  for (let k = 0; k < hashes.length; k++) if (!adoptEntryAt(sess, hashes[k], entries[k])) return false;
  return true;
}

const NO_MATCHES: Match[] = [];
const NO_STRINGS: string[] = [];
const NO_OFFSETS: number[] = [];

/** A scan of text with no matches (yet), not cached. */
function newScan(text: string, shifts: number[] | undefined): Scanned {
  return {
    text,
    found: NO_MATCHES,
    originals: NO_STRINGS,
    shifts,
    rawStart: NO_OFFSETS,
    rawEnd: NO_OFFSETS,
    signal: false,
    words: 0,
    weak: false,
    learns: NO_OFFSETS,
    learnedRecs: undefined,
    occ: undefined,
    occCount: 0,
    memVersion: 0,
    memBase: NO_MATCHES,
    memOut: NO_MATCHES,
    kept: undefined,
    cached: false,
  };
}

/** A scan of nothing (a placeholder where a scan is expected). */
export const NO_SCAN: Scanned = newScan("", undefined);

/**
 * Masker.scans' mark of a string seen once: its scan was not kept. Most strings of a cold request never come back,
 * and a kept scan (its match records, originals and masking) is live data that every GC cycle walks again: measured,
 * that made each new identifier cost several times its own work. The second sighting keeps the scan.
 */
const SEEN_ONCE: Scanned = newScan("", undefined);

/** The cache's table of one kind of content (JSON content with escapes or not) under one JSON key. */
function scansOf(masker: Masker, escaped: boolean, keyCtx: string): Record<string, Scanned> | undefined {
  // the prefix: never an Object.prototype name in JS; typeof for the same reason
  const byContent = masker.scans[(escaped ? "\x1e" : "\x1f") + keyCtx];
  return typeof byContent === "object" ? byContent : undefined;
}

/** The cached first pass over content (raw JSON string content when escaped) under JSON key keyCtx, if any. */
export function cachedScan(masker: Masker, content: string, escaped: boolean, keyCtx: string): Scanned | undefined {
  const byContent = scansOf(masker, escaped, keyCtx);
  if (byContent === undefined) return undefined;
  const hit = byContent[content];
  // in JavaScript a content named like an Object.prototype member, or "__proto__" (which, once assigned, makes a
  // cached scan the table's prototype and its fields look like entries), reads something that is no scan
  return typeof hit === "object" && hit.learns !== undefined && hit !== SEEN_ONCE ? hit : undefined;
}

/**
 * Scans text, the content with its escapes decoded (shifts: as decodeForScan records them; undefined when content has
 * no escapes and is the text), and keeps the scan in the per-worker cache if content was seen before (see SEEN_ONCE).
 */
export function keepScan(
  masker: Masker,
  content: string,
  escaped: boolean,
  keyCtx: string,
  text: string,
  shifts: number[] | undefined,
): Scanned {
  const found: Match[] = [];
  scan(masker.scan, text, keyCtx, found);
  const sc = newScan(text, shifts);
  if (found.length > 0) {
    sc.found = found;
    sc.originals = [];
    for (let k = 0; k < found.length; k++) {
      const m = found[k];
      sc.originals.push(sub(text, m.s, m.e));
      if (m.weak === true) sc.weak = true;
      else if (isSignal(m)) sc.signal = true;
      if (
        m.kind.learn === true &&
        m.local !== true &&
        learnable(sc.originals[k]) &&
        (m.kind.family !== "secret-key" || secretLike(sc.originals[k])) &&
        (m.kind.family !== "contact" || dotOrAt(sc.originals[k]) || m.kind.id === "person-name") &&
        (m.kind.family !== "kms-key" || uuidEnd(sc.originals[k], 0, sc.originals[k].length, false) === 36)
      ) {
        if (sc.learns === NO_OFFSETS) sc.learns = [];
        sc.learns.push(k);
      }
    }
    if (shifts !== undefined) {
      sc.rawStart = rawOffsetsOf(found, shifts, false);
      sc.rawEnd = rawOffsetsOf(found, shifts, true);
    }
  }
  let byContent = scansOf(masker, escaped, keyCtx);
  const seen = byContent !== undefined && byContent[content] === SEEN_ONCE;
  // a mark holds the content; a scan adds its decoded text and its matches
  const cost = seen ? (escaped ? text.length : 0) + found.length * MATCH_BYTES : content.length + SCAN_ENTRY_BYTES;
  if (masker.scanBytes + cost > SCAN_CACHE_BYTES) {
    masker.scans = {};
    masker.scanBytes = 0;
    masker.scanClasses = {};
    byContent = undefined;
  }
  if (seen && byContent !== undefined) {
    byContent[content] = sc;
    sc.cached = true;
    masker.scanBytes += cost;
    return sc;
  }
  // seen for the first time (or again after the cache started over)
  if (!admitsKey(masker.scanClasses, content)) return sc;
  if (byContent === undefined) {
    byContent = {};
    masker.scans[(escaped ? "\x1e" : "\x1f") + keyCtx] = byContent;
  }
  byContent[content] = SEEN_ONCE;
  masker.scanBytes += content.length + SCAN_ENTRY_BYTES;
  return sc;
}

/**
 * rawIndex(0, shifts, d) of each match's start (or end when ends) in found, in one walk over the escapes: the matches
 * are in order, so each bound's escape is found from the one before (a bound before it, as overlapping matches could
 * give, is searched for).
 */
function rawOffsetsOf(found: Match[], shifts: number[], ends: boolean): number[] {
  const out: number[] = [];
  const escapes = shifts.length / 2;
  // the escapes passed (decoded end <= the last bound), and the shift after them
  let j = 0;
  let shift = 0;
  for (let k = 0; k < found.length; k++) {
    const d = ends ? found[k].e : found[k].s;
    if (j > 0 && shifts[j * 2 - 2] > d) {
      out.push(rawIndex(0, shifts, d));
      continue;
    }
    while (j < escapes && shifts[j * 2] <= d) {
      shift = shifts[j * 2 + 1];
      j++;
    }
    out.push(d + shift);
  }
  return out;
}

/** The first pass over text s (cached). */
function scannedText(masker: Masker, s: string, keyCtx: string): Scanned {
  const hit = cachedScan(masker, s, false, keyCtx);
  return hit !== undefined ? hit : keepScan(masker, s, false, keyCtx, s, undefined);
}

/**
 * Raw offset of decoded offset d of content starting at raw offset a, whose escapes decodeForScan (json.ts) recorded
 * in shifts: per escape, [decoded offset after it, raw - decoded offset from there on].
 */
export function rawIndex(a: number, shifts: number[], d: number): number {
  // binary search for the last escape whose decoded end is <= d
  let lo = 0;
  let hi = shifts.length / 2 - 1;
  let shift = 0;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (shifts[mid * 2] <= d) {
      shift = shifts[mid * 2 + 1];
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return a + d + shift;
}

/** Kinds whose match is no AWS signal on its own (IPs, MACs, generic credentials, custom patterns, contacts). */
function isSignal(m: Match): boolean {
  const f = m.kind.family;
  return (
    m.weak !== true &&
    f !== "ipv4-private" &&
    f !== "ipv4-public" &&
    f !== "ipv6" &&
    f !== "mac" &&
    f !== "custom" &&
    f !== "contact" &&
    m.kind.id !== "credential"
  );
}

/**
 * The first-pass matches of sc with its weak candidates kept only when the request carries an AWS signal: weak names
 * when a string names AWS in words too, weak 12-digit numbers only when one holds an AWS match.
 */
function withSignal(sess: Session, sc: Scanned): Match[] {
  if (sc.signal) sess.awsSignal = true;
  if (!sc.weak || sess.awsSignal) return sc.found;
  sess.weakDropped = true;
  const kept: Match[] = [];
  for (const m of sc.found) if (m.weak !== true || keptWeak(sess, m)) kept.push(m);
  return kept;
}

/**
 * True when the text of sc names AWS in words (signalIn, asked once per scan): a string that does keeps its request's
 * weak names (json.ts walkAgain, "the aws ASG is broken" in one turn, "rename x-prod to x-v2-prod" in the next).
 */
export function namesAws(sc: Scanned): boolean {
  if (sc.words === 0) sc.words = signalIn(sc.text) ? 2 : 1;
  return sc.words === 2;
}

/** A weak match kept without an AWS match in the request: when a string names AWS in words (fail closed). */
function keptWeak(sess: Session, m: Match): boolean {
  return sess.awsWords && m.weak === true;
}

/**
 * The identifiers in s (the first pass's, the tenant's remembered names, and this request's learned names); keyCtx is
 * the JSON key s is the value of ("" if none), rawAt where s starts in the request body (recorded with the names
 * learned from s: the JSON walker walks again when one also stands earlier).
 */
export function findIn(sess: Session, s: string, keyCtx: string, rawAt = 0): Match[] {
  return identifiersOf(sess, scannedText(sess.masker, s, keyCtx), rawAt);
}

/**
 * True when a name found by its context is learned (see learn): decided once per cached scan. The lower-cased name is
 * looked up, not names.ts's stopWord: that one's loop inside keepScan's loop made LuaJIT abort keepScan's trace.
 */
function learnable(name: string): boolean {
  return (
    name.length >= 3 &&
    // (3 characters, not units: a name beyond ASCII has more bytes in Lua than units in Node)
    (name.length >= 9 || !hasHighUnit(name) || charCount(name, 0, name.length) >= 3) &&
    STOPLIST[name.toLowerCase()] !== true &&
    ENUM_WORDS[name.toLowerCase()] !== true
  );
}

/** A domain's or an address's name holds a "." or an "@" (a tenant's label, a DC= component alone is no name to learn). */
function dotOrAt(v: string): boolean {
  return v.indexOf(".") >= 0 || v.indexOf("@") >= 0;
}

/**
 * A credential's value is learned (masked wherever else it stands in the request, never remembered) when it cannot be
 * a word of the text: 6 units or more, one of them a digit or an upper-case letter (a password reused on a command
 * line is; a column's `not_supported`, a log's `index` or code's `string):` taken for a password stays where it was).
 */
function secretLike(v: string): boolean {
  if (v.length < 6) return false;
  // (6 characters, not units: `v1:…` is 4 in Node and 6 bytes in Lua)
  let chars = 0;
  let strong = false;
  for (let k = 0; k < v.length; k++) {
    const c = byteAt(v, k);
    chars += columnWidth(c);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90)) strong = true;
  }
  return strong && chars >= 6;
}

/**
 * Learns the name of the match sc.learns[k] (learnable) for the rest of the request, learned from the string at rawAt:
 * every other occurrence is masked too.
 */
function learn(sess: Session, sc: Scanned, k: number, rawAt: number): void {
  const name = sc.originals[sc.learns[k]];
  if (learnedNamed(sess.learned, name) !== undefined) return;
  const l = learnedRecord(sess, sc, k, rawAt);
  sess.learned.push(l);
  noteLearned(sess.learned, l);
  const key = sess.learnedKey;
  if (
    key !== undefined &&
    sess.learnedKeyCount === sess.learned.length - 1 &&
    sess.learned.length <= LEARNED_KEY_NAMES &&
    key.length + name.length < LEARNED_KEY_BYTES
  ) {
    sess.learnedKey = keyAfter(sess.masker, key, name, l.kind);
    sess.learnedKeyCount = sess.learned.length;
  } else {
    sess.learnedKey = undefined;
  }
}

/**
 * The record of the name of sc.learns[k] learned at rawAt: the one kept with sc when it was learned there before (a
 * warm worker learns the same names from the same strings at the same places request after request), else a new one,
 * kept. Its fields are the same for every session (the name, its kind and rawAt); what names.ts keeps in it about a
 * body (Learned.round, from, next) holds for one search round only (see nextSearchRound).
 */
function learnedRecord(sess: Session, sc: Scanned, k: number, rawAt: number): Learned {
  let recs = sc.learnedRecs;
  if (recs !== undefined) {
    const known = recs[k];
    if (known !== undefined && known.at === rawAt) return known;
  }
  const l: Learned = { name: sc.originals[sc.learns[k]], kind: sc.found[sc.learns[k]].kind, at: rawAt };
  // a scan not cached serves its request only (a cold request's): nothing kept
  if (!sc.cached) return l;
  if (recs === undefined) {
    recs = [];
    sc.learnedRecs = recs;
  }
  if (recs[k] === undefined) sess.masker.scanBytes += MATCH_BYTES;
  recs[k] = l;
  return l;
}

/** Bound of Masker.keySteps. */
const KEY_STEPS_MAX = 4096;

/** The learnedKey after key once name is learned as kind (see Masker.keySteps). */
function keyAfter(m: Masker, key: string, name: string, kind: Kind): string {
  // "__proto__" would set an object's prototype in JavaScript: never kept (key, "" or holding "\x1f", never is one)
  const kept = name !== "__proto__";
  let steps: Record<string, KeyStep> | undefined = kept ? m.keySteps[key] : undefined;
  if (steps !== undefined) {
    // typeof: in JS a plain object answers "constructor" and friends with functions
    const step = steps[name];
    if (typeof step === "object" && step.kind === kind) return step.next;
  }
  const next = key + "\x1f" + kind.id + "\x1e" + kind.tag + "\x1e" + name;
  if (!kept) return next;
  if (m.keyStepCount >= KEY_STEPS_MAX) {
    m.keySteps = {};
    m.keyStepCount = 0;
    steps = undefined;
  }
  if (steps === undefined) {
    steps = {};
    m.keySteps[key] = steps;
  }
  steps[name] = { kind, next };
  m.keyStepCount++;
  return next;
}

/** The learned-name occurrences in sc.text for the session's learned names, kept with the cached scan (undefined: the
 * session's names have no key, see learnedKey). */
function learnedInScan(sess: Session, sc: Scanned, body: string | undefined, rawAt: number): LearnedInScan | undefined {
  const key = sess.learnedKey;
  if (key === undefined || sess.learnedKeyCount !== sess.learned.length) return undefined;
  if (sc.occ !== undefined) {
    const hit = sc.occ[key];
    if (hit !== undefined) return hit;
  }
  const occ = learnedIn(sess.learned, sc.text, sc.shifts === undefined ? body : undefined, rawAt);
  const found: LearnedInScan = { occ, merged: undefined, base: NO_MATCHES };
  if (sc.occ === undefined || sc.occCount >= OCC_LISTS_MAX) {
    sc.occ = {};
    sc.occCount = 0;
  }
  sc.occ[key] = found;
  sc.occCount++;
  if (sc.cached) sess.masker.scanBytes += key.length + found.occ.length * MATCH_BYTES;
  return found;
}

/**
 * The identifiers in a scanned string, for this session: the first pass's (weak account candidates only with an AWS
 * signal), the tenant's remembered names, and this request's learned names (names learned here recorded with rawAt).
 * Offsets are in sc.text; the result may be shared with the cache (never mutated). body: the JSON text whose string
 * content starting at rawAt sc scanned (learned names are then looked for in the body first, see names.ts learnedIn).
 */
export function identifiersOf(sess: Session, sc: Scanned, rawAt: number, body?: string): Match[] {
  const found = sc.found;
  let out = withSignal(sess, sc);
  // learn names found by their context, then mask their other occurrences (earlier and later in s)
  const learns = sc.learns;
  for (let k = 0; k < learns.length; k++) {
    if (out === found || found[learns[k]].weak !== true || keptWeak(sess, found[learns[k]])) learn(sess, sc, k, rawAt);
  }
  if (sess.memory !== undefined) out = remembered(sess.memory, sc, out);
  if (sess.learned.length === 0) return out;
  const cached = learnedInScan(sess, sc, body, rawAt);
  // not kept: the occurrences inside out's matches are not looked for (withOccurrences would drop them)
  if (cached === undefined)
    return withOccurrences(
      out,
      learnedIn(sess.learned, sc.text, sc.shifts === undefined ? body : undefined, rawAt, out),
    );
  // the result depends on out and the learned names only: kept with them (out is the first pass, or the tenant
  // memory's result kept with the scan, on a warm worker the same array every request)
  if (cached.merged !== undefined && cached.base === out) return cached.merged;
  const merged = withOccurrences(out, cached.occ);
  cached.base = out;
  cached.merged = merged;
  return merged;
}

/** True when sc keeps the occurrences of the session's learned names: identifiersOf answers from them at once. */
export function learnedKept(sess: Session, sc: Scanned): boolean {
  const key = sess.learnedKey;
  return (
    key !== undefined &&
    sess.learnedKeyCount === sess.learned.length &&
    sc.occ !== undefined &&
    sc.occ[key] !== undefined
  );
}

/**
 * False when identifiersOf would find in sc what it found when the walk masked it at rawAt of body, as far as learned
 * names go: no name learned since index `since` of sess.learned at a later string (Learned.at > rawAt; the names of
 * sc's own string were learned before its search) may stand in it (see mayStandIn). True when one may, when sc has
 * escapes (its text is not the body's), past SEARCH_MAX names (another matcher than the first masking's), and for a
 * cached scan (identifiersOf answers from the occurrences kept with it).
 */
export function learnedLaterMayStandIn(
  sess: Session,
  sc: Scanned,
  rawAt: number,
  body: string,
  since: number,
): boolean {
  const learned = sess.learned;
  // a cached scan keeps its learned names' occurrences: identifiersOf answers from them at once
  if (sc.cached || sc.shifts !== undefined || learned.length > SEARCH_MAX) return true;
  const end = rawAt + sc.text.length;
  for (let k = since; k < learned.length; k++) {
    const l = learned[k];
    if (l.at > rawAt && mayStandIn(l, body, rawAt, end)) return true;
  }
  return false;
}

/** out with the tenant's remembered names in sc.text (see withRemembered), the last answer kept with the scan. */
function remembered(mem: TenantMemory, sc: Scanned, out: Match[]): Match[] {
  if (mem.count === 0) return out;
  if (sc.memVersion === mem.version && sc.memBase === out) return sc.memOut;
  const merged = withRemembered(mem, sc.text, out);
  sc.memVersion = mem.version;
  sc.memBase = out;
  sc.memOut = merged;
  return merged;
}

/** s with every identifier replaced by its pseudonym; s itself when there is none. */
export function maskText(sess: Session, s: string, keyCtx: string, rawAt = 0): string {
  const sc = scannedText(sess.masker, s, keyCtx);
  const found = identifiersOf(sess, sc, rawAt);
  if (found.length === 0) return s;
  const parts: string[] = [];
  let at = 0;
  // the first pass's matches as they are (the usual case) come with their text: not cut out again
  const originals = found === sc.found ? sc.originals : undefined;
  for (let k = 0; k < found.length; k++) {
    const m = found[k];
    const original = originals !== undefined ? originals[k] : sub(s, m.s, m.e);
    parts.push(sub(s, at, m.s));
    parts.push(pseudonymFor(sess, m.kind.tag, m.kind.id, original));
    at = m.e;
  }
  parts.push(sub(s, at, s.length));
  return parts.join("");
}

const HEX = "0123456789abcdef";

/**
 * JSON-escaped originals by original, per worker: answers restore the ids their requests masked, turn after turn.
 * Bounded: past 10,000 strings the cache starts over; strings longer than ESCAPED_LEN_MAX are not kept.
 */
const escapedCache = newMemo<string>(10000);
const ESCAPED_LEN_MAX = 256;

/** JSON string-content escaping for a restored original (only what JSON requires). */
export function jsonEscape(s: string): string {
  if (s.length > ESCAPED_LEN_MAX) return escapedOf(s);
  // typeof: in JS a plain object answers "constructor" and friends with functions
  const known = escapedCache.entries[s];
  if (typeof known === "string") return known;
  return memoSet(escapedCache, s, escapedOf(s));
}

/** The common case, nothing to escape, has no Lua loop (the JIT check found this loop blacklisted in a worker). */
function escapedOf(s: string): string {
  if (!needsJsonEscape(s)) return s;
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
  if (h < 2 || e > s.length || byteAt(s, h - 1) !== 95) return undefined;
  // the lent entries by hash key, the session's own by hash part (a resumed session's are few)
  const lent = sess.lent;
  const i = lent !== undefined ? lent.byKey[hashKeyAt(s, h)] : undefined;
  const own = sess.byHash;
  const entry = i !== undefined ? (lent as LentEntries).entries[i] : own !== undefined ? own[sub(s, h, e)] : undefined;
  if (entry === undefined) return undefined;
  const p = entry.pseudonym;
  const start = e - p.length;
  const found = start >= 0 && holdsAt(s, start, p) ? entry : undefined;
  // a restore session with mappings of several requests: the original's other pseudonyms (see adoptEntry)
  if (sess.aliases !== undefined) return aliasEndingAt(sess, s, h, e, found);
  return found;
}

/**
 * The longest of found and the aliases (see Session.aliases) of the hash part s[h, e) that stands whole before e (a
 * tag may end another: ROUTE_TABLE_h inside TGW_ROUTE_TABLE_h).
 */
function aliasEndingAt(sess: Session, s: string, h: number, e: number, found: Entry | undefined): Entry | undefined {
  const list = (sess.aliases as Record<string, Entry[]>)[sub(s, h, e)];
  if (typeof list !== "object") return found;
  let best = found;
  for (const alias of list) {
    const p = alias.pseudonym;
    const start = e - p.length;
    if ((best === undefined || p.length > best.pseudonym.length) && start >= 0 && holdsAt(s, start, p)) best = alias;
  }
  return best;
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

/** Where pseudonymAt found a pseudonym: its start (-1: none), and its index in the lent lists (-1: entry holds it). */
const FOUND: { start: number; lent: number; entry: Entry | undefined } = { start: -1, lent: -1, entry: undefined };

/**
 * The session's pseudonym whose hash part follows the "_" at u (e = u + 1 + HASH_LEN, within s), into FOUND. A lent
 * one is found in the lent lists (LentEntries.byKey: its tag checked in place, no entry read), the others as
 * entryEndingAt finds them. lent: sess.lent, or undefined when the session has aliases (a longer alias may stand where
 * a lent pseudonym ends: entryEndingAt weighs them).
 */
function pseudonymAt(sess: Session, lent: LentEntries | undefined, s: string, u: number, e: number): void {
  FOUND.start = -1;
  FOUND.entry = undefined;
  const key = hashKeyAt(s, u + 1);
  if (key >= HASH_KEY_NONE) return;
  const i = lent !== undefined ? lent.byKey[key] : undefined;
  if (i !== undefined) {
    const prefix = (lent as LentEntries).prefixes[i];
    if (holdsAt(s, u + 1 - prefix.length, prefix)) {
      FOUND.start = u + 1 - prefix.length;
      FOUND.lent = i;
    }
    return;
  }
  const entry = entryEndingAt(sess, s, e);
  if (entry !== undefined) {
    FOUND.start = e - entry.pseudonym.length;
    FOUND.lent = -1;
    FOUND.entry = entry;
  }
}

/** The original of what pseudonymAt found, escaped `level` times (see escapeLevel); FOUND lets go of its entry. */
function foundOriginal(lent: LentEntries | undefined, level: number): string {
  const i = FOUND.lent;
  if (i >= 0) {
    const l = lent as LentEntries;
    return level === 1 ? l.escaped[i] : escapeLevel(l.entries[i].original, level);
  }
  const original = (FOUND.entry as Entry).original;
  FOUND.entry = undefined;
  return escapeLevel(original, level);
}

/**
 * Finds this session's pseudonyms in s, in order: their start, end (exclusive) and original JSON-escaped in starts,
 * ends and escaped from index 0 (entries past the returned count are left as they were). Pseudonyms the session did
 * not produce are never found: they are anchored on "_" (a plain search), then the 10 hash units, then the exact
 * pseudonym (pseudonymAt); one never starts inside the one before.
 */
export function pseudonymsIn(sess: Session, s: string, starts: number[], ends: number[], escaped: string[]): number {
  if (sess.entries.length === 0) return 0;
  const lent = sess.aliases === undefined ? sess.lent : undefined;
  let count = 0;
  let at = 0;
  const n = s.length;
  let u = s.indexOf("_", 0);
  while (u >= 0) {
    const e = u + 1 + HASH_LEN;
    if (e > n) break;
    pseudonymAt(sess, lent, s, u, e);
    if (FOUND.start >= at) {
      starts[count] = FOUND.start;
      ends[count] = e;
      escaped[count] = foundOriginal(lent, 1);
      count++;
      at = e;
      u = s.indexOf("_", e);
    } else {
      u = s.indexOf("_", u + 1);
    }
  }
  return count;
}

/**
 * s with every pseudonym of this session (found as pseudonymsIn finds them) replaced by its original, escaped `level`
 * times (see escapeLevel); s itself when nothing changed. One loop that builds the output as it finds: the stream
 * calls this for every event, and finding first into arrays, then building, cost it ~0.5 µs per event
 * (bench/stream.lua 0.9 -> 1.4 µs).
 */
export function restoreLevel(sess: Session, s: string, level: number, mark?: RestoreMark): string {
  if (mark !== undefined) mark.end = 0;
  if (sess.entries.length === 0) return s;
  const out = restored;
  const lent = sess.aliases === undefined ? sess.lent : undefined;
  let at = 0;
  const n = s.length;
  let u = s.indexOf("_", 0);
  while (u >= 0) {
    const e = u + 1 + HASH_LEN;
    if (e > n) break;
    pseudonymAt(sess, lent, s, u, e);
    if (FOUND.start >= at) {
      out.put(sub(s, at, FOUND.start));
      out.put(foundOriginal(lent, level));
      at = e;
      u = s.indexOf("_", e);
    } else {
      u = s.indexOf("_", u + 1);
    }
  }
  if (mark !== undefined) mark.end = at;
  if (at === 0) return s;
  out.put(sub(s, at, s.length));
  return take(out);
}

/** restoreLevel's output (nothing stays in it between calls: each call that put takes it). */
const restored = newBuilder();

/** s with this session's pseudonyms restored (originals JSON-escaped when escape is true). */
export function restoreText(sess: Session, s: string, escape: boolean): string {
  return restoreLevel(sess, s, escape ? 1 : 0);
}
