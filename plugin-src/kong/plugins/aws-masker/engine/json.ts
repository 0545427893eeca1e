// Byte-preserving JSON rewrite. Walks the raw text once, validating it, and replaces only the spans of string tokens
// that hold identifiers. Numbers, key order, whitespace, escapes and every other byte stay as they were; the output
// is valid JSON whenever the input is (pseudonyms need no escaping). Which strings are scanned is decided by a
// policy tree (policy.ts): deny by default, structural fields kept.
// Pure: no ngx/kong.

import {
  byteAt,
  callProtected,
  newBuilder,
  putUnits,
  sameUnits,
  take,
  Builder,
  isHexDigit,
  sub,
  BACKSLASH,
  COLON,
  COMMA,
  CR,
  LBRACE,
  LBRACKET,
  LF,
  QUOTE,
  RBRACE,
  RBRACKET,
  SLASH,
  SPACE,
  TAB,
} from "./chars";
import {
  Entry,
  Masker,
  Scanned,
  Session,
  adoptKept,
  lentOf,
  LentEntries,
  restartSession,
  resumeSession,
  untouched,
  notePoint,
  SessionPoint,
  cachedScan,
  derivedPseudonym,
  entryOfKind,
  keepMasking,
  pseudonymOf,
  findIn,
  identifiersOf,
  learnedLaterMayStandIn,
  learnedKept,
  namesAws,
  keepScan,
  maskText,
  pseudonymFor,
  pseudonymsIn,
  rawIndex,
} from "./session";
import { nextSearchRound, nextEarlierPlace, anchorOf, STANDS, Learned } from "./names";
import type { TenantMemory } from "./memory";
import { base64Decode, base64Encode } from "./base64";
import type { EntryCall } from "./warmup";
import type { Match } from "./scanner";

/** What a policy node does with the value it meets. */
export type NodeKind = "keep" | "scan" | "object" | "array" | "alt" | "media";
const KEEP: NodeKind = "keep"; // copy verbatim (validated)
const SCAN: NodeKind = "scan"; // scan every string inside, keys included (free-form data)
const OBJ: NodeKind = "object"; // object with known fields
const ARR: NodeKind = "array"; // array of `item`
const ALT: NodeKind = "alt"; // by JSON type: str / arr / obj
const MEDIA: NodeKind = "media"; // base64 data of its object's media_type: text/* decoded, masked, re-encoded; else unscannable
// exported as a list: the walk's loops read the locals (in Lua upvalues, not lookups in the module's table)
export { KEEP, SCAN, OBJ, ARR, ALT, MEDIA };

export interface PolicyNode {
  k: NodeKind;
  /** OBJ: known members. */
  fields?: Record<string, PolicyNode>;
  /** OBJ: members not in fields. */
  other?: PolicyNode;
  /** OBJ: when present, the object's "type" member picks the node (a case missing → `other` for all members). */
  cases?: Record<string, PolicyNode>;
  /** OBJ: content the gateway cannot scan goes with this object (a URL or a file the API reads itself): counted. */
  unscannable?: boolean;
  /** OBJ: its MEDIA members are read by its "media_type" member. */
  peekMedia?: boolean;
  /** ARR. */
  item?: PolicyNode;
  /** ALT. */
  str?: PolicyNode;
  arr?: PolicyNode;
  obj?: PolicyNode;
}

const MAX_DEPTH = 256;
const LOWER_B = 98;
const LOWER_F = 102;
const LOWER_N = 110;
const LOWER_R = 114;
const LOWER_T = 116;
const LOWER_U = 117;
const HIGH = String.fromCharCode(128);

/**
 * The state of one maskJson / restoreJson. One is kept per worker and reused by the next call (startWalk / endWalk):
 * its arrays and tables are filled again instead of allocated per request. Nothing in it outlives a call's meaning:
 * every field a walk reads is set by startWalk or written before it is read, and the record arrays are read up to
 * `count` only.
 */
interface Walk {
  s: string;
  n: number;
  pos: number;
  at: number; // output copied up to here
  /**
   * The output: empty while `at` is 0 (a change ends past 0, as content starts after a quote); emptied again when the
   * walk ends.
   */
  out: Builder;
  /** The output's length minus at: the output holds the masked text of [0, at) (see replaced). */
  shift: number;
  sess: Session;
  restore: boolean; // restore pseudonyms instead of masking identifiers
  nextEscape: number; // index of the next backslash at or after the last search (n when none)
  escaped: boolean; // the string token stringEnd() read last holds escapes
  depth: number;
  scanNode: PolicyNode;
  /**
   * Duplicate keys: per nesting depth, key -> serial of the object that last used it (one table per depth, not per
   * object, kept from walk to walk: serials only grow, so an entry of an earlier object or request never matches).
   */
  keysAt: Record<string, number>[];
  /** Keys held by keysAt (a walk that collected many is not kept). */
  keysHeld: number;
  /** Objects opened so far, by every walk of this state: each object's serial. */
  serial: number;
  /** Content seen that could not be scanned (kept as it is; the caller decides to refuse or forward). */
  unscannable: number;
  /** The open containers, by nesting depth (reused for every container at that depth: the walk has no recursion). */
  frames: Frame[];
  /**
   * Masking: every piece of content the walk masked, in order (what, where, its scan or text), so that a second walk
   * (maskJson) replays them without parsing the JSON again. The first `count` entries are this walk's.
   */
  count: number;
  /** Records of decoded text or digits among them (doneTexts then holds text). */
  textCount: number;
  done: number[];
  doneAt: number[];
  /** Decoded text and digits only: their end and text (left unwritten for string content). */
  doneEnd: number[];
  doneTexts: string[];
  /** String content only: its scan, and the identifiers the walk masked in it. */
  doneScans: Scanned[];
  doneFound: Match[][];
  /**
   * Restoring: the session's pseudonyms in the text, in order (start, end, original JSON-escaped), found before the walk;
   * occNext: the first one not yet passed by the walk.
   */
  occCount: number;
  occNext: number;
  occStart: number[];
  occEnd: number[];
  occEscaped: string[];
  /**
   * Masking: the points a later request may resume from (see History): the last two ends of an item of the root's
   * "messages" array, marks[markCount % 2] written next. marking: false once the walk can leave none (restoring, weak
   * candidates left alone, a collision, a second walk).
   */
  marking: boolean;
  marks: Mark[];
  markCount: number;
  /** The root object's and the "messages" array's frames at the first mark (copies), and the root's keys before it. */
  markRoot: Frame;
  markItems: Frame;
  markRootKeys: number;
  /** Keys of the root object read so far (as checkDuplicate keeps them): a resumed walk registers them again. */
  rootKeys: string[];
  rootKeyCount: number;
  /** The point the walk resumed from, its history and that history's slot (-1: walked from the start). */
  resumed: ResumePoint | undefined;
  resumedSlot: number;
  /** The tenant memory's version when the walk started (a history is resumed under the same version only). */
  memoryVersion: number;
  /** Names namedEarlier found nowhere before where they were learned, and those places (the points' absent) */
  absentNames: string[];
  absentAt: number[];
  absentCount: number;
}

/** What a recorded piece of content is (Walk.done). */
const STRING_CONTENT = 0; // string content (or a scanned key): doneScans
const MEDIA_TEXT = 1; // decoded text of base64 data: doneTexts
const ACCOUNT_NUMBER = 2; // a 12-digit number token: doneTexts

/** An open object or array of the walk. */
interface Frame {
  obj: boolean;
  /** object: known members, the node of the others, the media type its MEDIA members are read by */
  fields: Record<string, PolicyNode> | undefined;
  other: PolicyNode;
  media: string;
  /** object: its keys are scanned (free-form data) */
  scanKeys: boolean;
  /** object: its serial (duplicate keys) */
  serial: number;
  /** object: the name of a {"Key": name, "Value": ...} pair read so far ("" if none) */
  pair: string;
  /** object: the key of the member being read, and where its value starts */
  key: string;
  valueStart: number;
  /** array: the node of its items and their context (the array's member name) */
  item: PolicyNode;
  ctx: string;
}

interface JsonError {
  jsonError: string;
  offset: number;
}

function fail(w: Walk, what: string): never {
  const e: JsonError = { jsonError: what, offset: w.pos };
  throw e;
}

function ws(w: Walk): void {
  const s = w.s;
  const n = w.n;
  let p = w.pos;
  // compact JSON has no blank between tokens: answer without entering the loop
  if (p >= n || byteAt(s, p) > SPACE) return;
  while (p < n) {
    const c = byteAt(s, p);
    if (c === SPACE || c === LF || c === CR || c === TAB) p++;
    else break;
  }
  w.pos = p;
}

/**
 * At an opening quote: validates the string token and moves past it. Returns the content end (exclusive, before the
 * closing quote); w.escaped says whether the content holds escapes. A string without escapes (most) costs two plain
 * searches and no loop, so the walker's trace runs straight through it.
 */
function stringEnd(w: Walk): number {
  const p = w.pos + 1;
  const q = w.s.indexOf('"', p);
  // the next backslash is remembered across strings, so the body is searched for backslashes once in all
  if (w.nextEscape < p) {
    const bs = w.s.indexOf("\\", p);
    w.nextEscape = bs >= 0 ? bs : w.n;
  }
  if (q >= 0 && w.nextEscape > q) {
    w.pos = q + 1;
    w.escaped = false;
    return q;
  }
  return escapedStringEnd(w, p, q);
}

/**
 * The string holding escapes whose content starts at p, its first quote at q0 (an escape stands before it), if its
 * content was scanned before under keyCtx: its cached scan, and w.pos moved past it; else undefined and w.pos
 * unchanged. Its end is the first quote after an even run of backslashes, found without reading each escape: content
 * that is in the cache was validated when it was scanned, and a string token's validity depends on its content alone.
 */
function knownEscapedString(w: Walk, p: number, q0: number, keyCtx: string): Scanned | undefined {
  const s = w.s;
  let q = q0;
  while (q >= 0) {
    let k = q;
    while (k > p && byteAt(s, k - 1) === BACKSLASH) k--;
    if ((q - k) % 2 === 0) break;
    q = s.indexOf('"', q + 1);
  }
  if (q < 0) return undefined;
  const sc = cachedScan(w.sess.masker, sub(s, p, q), true, keyCtx);
  if (sc === undefined) return undefined;
  w.pos = q + 1;
  w.escaped = true;
  return sc;
}

/**
 * At the opening quote of a string the policy scans: masks (or restores) its content and moves past it. Its closing
 * quote is searched for once: a string without escapes goes straight to its scan, one with escapes is looked up in
 * the cache before its escapes are read.
 */
function scannedString(w: Walk, ctx: string): void {
  const s = w.s;
  const a = w.pos + 1;
  const q = s.indexOf('"', a);
  if (w.nextEscape < a) {
    const bs = s.indexOf("\\", a);
    w.nextEscape = bs >= 0 ? bs : w.n;
  }
  if (q >= 0 && w.nextEscape > q) {
    w.pos = q + 1;
    w.escaped = false;
    maskContent(w, a, q, false, ctx);
    return;
  }
  const known = q >= 0 && !w.restore ? knownEscapedString(w, a, q, ctx) : undefined;
  if (known !== undefined) {
    w.doneFound[recordString(w, a, known)] = maskScanned(w, a, known);
    return;
  }
  const b = escapedStringEnd(w, a, q);
  maskContent(w, a, b, true, ctx);
}

/** stringEnd of a string holding escapes (or unterminated): q is the first quote at or after the content start p. */
function escapedStringEnd(w: Walk, from: number, firstQuote: number): number {
  const s = w.s;
  const n = w.n;
  let p = from;
  let q = firstQuote;
  let escaped = false;
  while (q >= 0) {
    if (w.nextEscape < p) {
      w.nextEscape = s.indexOf("\\", p);
      if (w.nextEscape < 0) w.nextEscape = n;
    }
    const bs = w.nextEscape;
    if (bs > q) {
      w.pos = q + 1;
      w.escaped = escaped;
      return q;
    }
    escaped = true;
    if (bs + 1 >= n) break;
    const e = byteAt(s, bs + 1);
    if (e === LOWER_U) {
      if (
        bs + 5 >= n ||
        !isHexDigit(byteAt(s, bs + 2)) ||
        !isHexDigit(byteAt(s, bs + 3)) ||
        !isHexDigit(byteAt(s, bs + 4)) ||
        !isHexDigit(byteAt(s, bs + 5))
      ) {
        w.pos = bs;
        fail(w, "invalid \\u escape in string");
      }
      p = bs + 6;
    } else if (
      e === QUOTE ||
      e === BACKSLASH ||
      e === SLASH ||
      e === LOWER_B ||
      e === LOWER_F ||
      e === LOWER_N ||
      e === LOWER_R ||
      e === LOWER_T
    ) {
      p = bs + 2;
    } else {
      w.pos = bs;
      fail(w, "invalid escape in string");
    }
    if (q < p) q = s.indexOf('"', p);
  }
  w.pos = n;
  return fail(w, "unterminated string");
}

/**
 * Decodes the escaped content [a, b) for scanning: ASCII escapes decoded, any other \u escape one HIGH unit.
 * Runs without escapes are copied whole. `shifts` records, per escape, [decoded index after it, raw - decoded offset
 * from there on], so rawIndex() can map match bounds back to the raw text.
 */
function decodeForScan(s: string, a: number, b: number, shifts: number[]): string {
  const out = decoded;
  let recorded = shifts.length;
  let p = a; // start of the run not copied yet (its units decode to themselves)
  let d = 0; // decoded length of s[a, p)
  let q = s.indexOf("\\", a);
  while (q >= 0 && q < b) {
    if (q > p) out.put(sub(s, p, q));
    d += q - p;
    const e = byteAt(s, q + 1);
    let width = 2;
    if (e === QUOTE || e === BACKSLASH || e === SLASH) {
      // the escaped unit stands for itself: it opens the next run (one piece fewer per escape)
      p = q + 1;
    } else {
      if (e === LOWER_U) {
        const code = parseInt(sub(s, q + 2, q + 6), 16);
        out.put(code < 128 ? String.fromCharCode(code) : HIGH);
        width = 6;
      } else if (e === LOWER_N) out.put("\n");
      else if (e === LOWER_T) out.put("\t");
      else if (e === LOWER_R) out.put("\r");
      else if (e === LOWER_B) out.put("\b");
      else out.put("\f");
      p = q + width;
      d += 1;
    }
    // after the escape: decoded length (before the next run) and the raw - decoded offset from there on
    const after = p === q + 1 ? d + 1 : d;
    shifts[recorded++] = after;
    shifts[recorded++] = q + width - a - after;
    q = s.indexOf("\\", q + width);
  }
  if (b > p) out.put(sub(s, p, b));
  return take(out);
}

/** decodeForScan's output (nothing stays in it between calls: each call takes what it put). */
const decoded = newBuilder();

/** Decoded value of a key token's content (keys are looked up by their JSON value). */
function decodeKey(s: string, a: number, b: number): string {
  const shifts: number[] = [];
  return decodeForScan(s, a, b, shifts);
}

/**
 * The first pass over the string content [a, b) (escaped when esc), from the per-worker cache by the raw content:
 * a string seen before costs a lookup, not a decoding and a scan.
 */
function scannedContent(w: Walk, a: number, b: number, esc: boolean, keyCtx: string): Scanned {
  const masker = w.sess.masker;
  const raw = sub(w.s, a, b);
  const hit = cachedScan(masker, raw, esc, keyCtx);
  if (hit !== undefined) return hit;
  if (!esc) return keepScan(masker, raw, false, keyCtx, raw, undefined);
  const shifts: number[] = [];
  const text = decodeForScan(w.s, a, b, shifts);
  return keepScan(masker, raw, true, keyCtx, text, shifts);
}

/** Masks the string content [a, b) (escaped when esc) in place in the output. */
function maskContent(w: Walk, a: number, b: number, esc: boolean, keyCtx: string): void {
  if (b === a) return;
  if (w.restore) {
    restoreContent(w, a, b);
    return;
  }
  const sc = scannedContent(w, a, b, esc, keyCtx);
  w.doneFound[recordString(w, a, sc)] = maskScanned(w, a, sc);
}

/**
 * Restores the pseudonyms found in the string content [a, b) (see Walk.occStart): the ones before it stand in strings
 * the policy keeps and are passed. Pseudonyms hold no escapes and no quote: each stands whole inside one string
 * token's raw content, and is found there exactly as restoreText would find it in that content alone.
 */
function restoreContent(w: Walk, a: number, b: number): void {
  let k = w.occNext;
  const count = w.occCount;
  while (k < count && w.occStart[k] < a) k++;
  while (k < count && w.occEnd[k] <= b) {
    // originals JSON-escaped (pseudonymsIn)
    replaced(w, w.occStart[k], w.occEnd[k], w.occEscaped[k]);
    k++;
  }
  w.occNext = k;
}

/**
 * Records string content the walk masks (see Walk.done): its index. What replay and maskedOtherwise read of it only
 * (its end and text are read for the other records alone).
 */
function recordString(w: Walk, a: number, sc: Scanned): number {
  const k = w.count;
  w.done[k] = STRING_CONTENT;
  w.doneAt[k] = a;
  w.doneScans[k] = sc;
  w.count = k + 1;
  return k;
}

/** Records decoded text or digits the walk masks [a, b) (see Walk.done). */
function recordText(w: Walk, what: number, a: number, b: number, text: string): void {
  const k = w.count;
  w.done[k] = what;
  w.doneAt[k] = a;
  w.doneEnd[k] = b;
  w.doneTexts[k] = text;
  w.count = k + 1;
  w.textCount++;
}

/** The input [a, b) replaced by piece in the output (what is between the last change and a copied as it is). */
function replaced(w: Walk, a: number, b: number, piece: string): void {
  w.out.put(sub(w.s, w.at, a));
  w.out.put(piece);
  w.shift += piece.length - (b - a);
  w.at = b;
}

/** Masks string content that starts at a and was scanned as sc: the identifiers it masked. */
function maskScanned(w: Walk, a: number, sc: Scanned): Match[] {
  const sess = w.sess;
  const found = identifiersOf(sess, sc, a, w.s);
  if (found.length === 0) return found;
  // a string resent to the same tenant (every turn of a conversation): its masking kept with its scan
  const kept = sc.kept;
  if (kept !== undefined && kept.found === found && kept.scope === sess.scope && adoptKept(sess, kept)) {
    replaced(w, a, a + kept.end, kept.masked);
    return found;
  }
  maskFound(w, a, sc, found);
  return found;
}

/** maskFound's lists when its masking is not kept (never written). */
const NOT_KEPT: never[] = [];

/**
 * maskScanned without a kept masking: each identifier masked in turn; the masking is kept with a cached scan unless a
 * pseudonym was salted or named by an earlier string's appearance as another kind (both depend on the rest of the
 * request; an appearance earlier in the string itself does not); a scan that is not cached is a string seen once:
 * nothing of its masking is built to keep.
 */
function maskFound(w: Walk, a: number, sc: Scanned, found: Match[]): void {
  const sess = w.sess;
  const first = sc.found;
  const shifts = sc.shifts;
  const keep = sc.cached;
  const masked: string[] = keep ? [] : NOT_KEPT;
  const hashes: string[] = keep ? [] : NOT_KEPT;
  const entries: Entry[] = keep ? [] : NOT_KEPT;
  let salted = false;
  // hash part -> its first index in hashes, built at the first identifier named by an earlier appearance (a search of
  // hashes per such identifier would be quadratic in a string of many)
  let firstAt: Record<string, number> | undefined = undefined;
  let end = a;
  // the first pass's matches come with their text and raw bounds; others (learned and remembered names) are mapped
  let k = 0;
  for (const m of found) {
    while (k < first.length && first[k].s < m.s) k++;
    const cached = k < first.length && first[k] === m;
    const original = cached ? sc.originals[k] : sub(sc.text, m.s, m.e);
    let rs = a + m.s;
    let re = a + m.e;
    if (shifts !== undefined) {
      rs = cached ? a + sc.rawStart[k] : rawIndex(a, shifts, m.s);
      re = cached ? a + sc.rawEnd[k] : rawIndex(a, shifts, m.e);
    }
    const derived = derivedPseudonym(sess, m.kind.tag, m.kind.id, original);
    const pseudonym = pseudonymOf(sess, derived, m.kind.tag, m.kind.id, original);
    // another pseudonym than its own: salted, or named by an earlier appearance as another kind; when that appearance
    // is in this string (the same original, unsalted), the string alone masks it so too: the masking is still kept
    let same = -1;
    if (pseudonym !== derived.pseudonym) {
      if (keep && !salted && firstAt === undefined) {
        firstAt = {};
        for (let q = hashes.length - 1; q >= 0; q--) firstAt[hashes[q]] = q;
      }
      // (typeof: in JS a plain object answers "constructor" and friends with functions)
      const q = keep && !salted && firstAt !== undefined ? firstAt[derived.hash] : undefined;
      if (typeof q === "number") same = q;
      if (same < 0 || entries[same].original !== original || entries[same].pseudonym !== pseudonym) salted = true;
    }
    replaced(w, rs, re, pseudonym);
    if (keep) {
      masked.push(sub(w.s, end, rs));
      masked.push(pseudonym);
      hashes.push(derived.hash);
      entries.push(same >= 0 ? entries[same] : entryOfKind(derived, m.kind.id));
      if (firstAt !== undefined && typeof firstAt[derived.hash] !== "number") firstAt[derived.hash] = hashes.length - 1;
    }
    end = re;
  }
  if (keep && !salted) keepMasking(sess, sc, found, masked.join(""), end - a, hashes, entries);
}

function literal(w: Walk, lit: string): void {
  if (sub(w.s, w.pos, w.pos + lit.length) !== lit) fail(w, "invalid literal");
  w.pos += lit.length;
}

function number(w: Walk): void {
  const s = w.s;
  const n = w.n;
  let p = w.pos;
  if (p < n && byteAt(s, p) === 45) p++;
  if (p >= n) fail(w, "invalid number");
  let c = byteAt(s, p);
  if (c === 48) {
    p++;
  } else if (c >= 49 && c <= 57) {
    while (p < n && (c = byteAt(s, p)) >= 48 && c <= 57) p++;
  } else {
    fail(w, "invalid number");
  }
  if (p < n && byteAt(s, p) === 46) {
    p++;
    const d = p;
    while (p < n && (c = byteAt(s, p)) >= 48 && c <= 57) p++;
    if (p === d) fail(w, "invalid number");
  }
  if (p < n && ((c = byteAt(s, p)) === 101 || c === 69)) {
    p++;
    if (p < n && ((c = byteAt(s, p)) === 43 || c === 45)) p++;
    const d = p;
    while (p < n && (c = byteAt(s, p)) >= 48 && c <= 57) p++;
    if (p === d) fail(w, "invalid number");
  }
  w.pos = p;
}

/** The frame of depth d, created on first use. */
function frameAt(w: Walk, d: number): Frame {
  let f = w.frames[d];
  if (f === undefined) {
    f = newFrame();
    w.frames[d] = f;
  }
  return f;
}

function newFrame(): Frame {
  return {
    obj: false,
    fields: undefined,
    other: KEEP_NODE,
    media: "",
    scanKeys: false,
    serial: 0,
    pair: "",
    key: "",
    valueStart: 0,
    item: KEEP_NODE,
    ctx: "",
  };
}

/** Frame from's fields written into to. */
function copyFrame(from: Frame, to: Frame): void {
  to.obj = from.obj;
  to.fields = from.fields;
  to.other = from.other;
  to.media = from.media;
  to.scanKeys = from.scanKeys;
  to.serial = from.serial;
  to.pair = from.pair;
  to.key = from.key;
  to.valueStart = from.valueStart;
  to.item = from.item;
  to.ctx = from.ctx;
}

/** The string value of member `name` of the object starting at w.pos ("" if none), without moving w.pos. */
function peekMember(w: Walk, name: string): string {
  const save = w.pos;
  const saveEscape = w.nextEscape;
  let found = "";
  w.pos++;
  ws(w);
  if (w.pos < w.n && byteAt(w.s, w.pos) !== RBRACE) {
    while (w.pos < w.n) {
      ws(w);
      if (w.pos >= w.n || byteAt(w.s, w.pos) !== QUOTE) break;
      const ka = w.pos + 1;
      const ke = stringEnd(w);
      // keys compare by their JSON value, as the walk and the API read them ("\u0074ype" is "type")
      const isName = !w.escaped
        ? ke === ka + name.length && sub(w.s, ka, ke) === name
        : decodeKey(w.s, ka, ke) === name;
      ws(w);
      if (w.pos >= w.n || byteAt(w.s, w.pos) !== COLON) break;
      w.pos++;
      ws(w);
      if (isName && w.pos < w.n && byteAt(w.s, w.pos) === QUOTE) {
        const va = w.pos + 1;
        const ve = stringEnd(w);
        found = !w.escaped ? sub(w.s, va, ve) : decodeKey(w.s, va, ve);
        break;
      }
      skipValue(w, w.depth, VALUE);
      ws(w);
      if (w.pos < w.n && byteAt(w.s, w.pos) === COMMA) w.pos++;
      else break;
    }
  }
  w.pos = save;
  w.nextEscape = saveEscape;
  return found;
}

/**
 * The context of the value of member f.key ("Value", "value", "S" or "SS") of object f: a pair's name, read before the
 * value or after it ({"value": "x", "name": "AutoScalingGroupName"}); a DynamoDB attribute value's attribute name
 * ("TableName": {"S": "orders"}); else the key. base: the walk's base depth.
 */
function memberContext(w: Walk, f: Frame, base: number): string {
  const key = f.key;
  if (key === "S" || key === "SS") {
    if (w.depth - 1 <= base) return key;
    const p = w.frames[w.depth - 1];
    return p.obj ? p.key : p.ctx;
  }
  if (f.pair !== "") return f.pair;
  const later = peekPairName(w);
  return later !== "" ? later : key;
}

/**
 * The name of a pair whose value comes first ({"value": "x", "name": "AutoScalingGroupName"}, a CloudWatch alarm
 * notification's dimensions): the string of a later "name" / "Key" member, read from the string value at w.pos over
 * string members only, at most 512 units on ("" if none). w.pos is kept.
 */
function peekPairName(w: Walk): string {
  const save = w.pos;
  const saveEscape = w.nextEscape;
  const saveEscaped = w.escaped;
  let found = "";
  ws(w);
  if (w.pos < w.n && byteAt(w.s, w.pos) === QUOTE) {
    stringEnd(w);
    while (w.pos - save < 512) {
      ws(w);
      if (w.pos >= w.n || byteAt(w.s, w.pos) !== COMMA) break;
      w.pos++;
      ws(w);
      if (w.pos >= w.n || byteAt(w.s, w.pos) !== QUOTE) break;
      const ka = w.pos + 1;
      const ke = stringEnd(w);
      const key = w.escaped ? "" : sub(w.s, ka, ke);
      ws(w);
      if (w.pos >= w.n || byteAt(w.s, w.pos) !== COLON) break;
      w.pos++;
      ws(w);
      if (w.pos >= w.n || byteAt(w.s, w.pos) !== QUOTE) break;
      const va = w.pos;
      stringEnd(w);
      if (key === "name" || key === "Name" || key === "Key" || key === "key") {
        found = stringAt(w, va);
        break;
      }
    }
  }
  w.pos = save;
  w.nextEscape = saveEscape;
  w.escaped = saveEscaped;
  return found;
}

const KEEP_NODE: PolicyNode = { k: KEEP };

/** JsonResult.error of a request refused for a duplicate key. */
export const DUPLICATE_KEY = "duplicate object key";

// a record without inherited members: in JS "__proto__" or "constructor" are keys like any other
const jsObject = (globalThis as unknown as { Object?: { create: (this: void, p: null) => Record<string, number> } })
  .Object;
const newKeySerials: (this: void) => Record<string, number> =
  jsObject !== undefined ? () => jsObject.create(null) : () => ({});

/**
 * Refuses a key the current object already has (masking, not restoring): parsers disagree on which duplicate wins,
 * so a request whose meaning depends on that is never guessed at. Keys compare by their JSON value; a key with a
 * non-ASCII escape compares by its raw text (no rule depends on such keys).
 */
function checkDuplicate(w: Walk, serial: number, key: string, ka: number, kb: number, escaped: boolean): void {
  let seen = w.keysAt[w.depth];
  if (seen === undefined) {
    seen = newKeySerials();
    w.keysAt[w.depth] = seen;
  }
  const k = escaped && key.indexOf(HIGH) >= 0 ? "\x00" + sub(w.s, ka, kb) : key;
  const last = seen[k];
  if (last === serial) {
    w.pos = ka - 1;
    fail(w, DUPLICATE_KEY);
  }
  if (last === undefined) w.keysHeld++;
  seen[k] = serial;
  if (w.depth === 1) {
    w.rootKeys[w.rootKeyCount] = k;
    w.rootKeyCount++;
  }
}

const NUL = "\0";

/** Text documents are masked like text; every other media type (PDF, images, audio ...) cannot be scanned. */
function isTextMedia(mediaType: string): boolean {
  return sub(mediaType, 0, 5).toLowerCase() === "text/";
}

/**
 * At the opening quote of the base64 data of a source whose media type is `media`: text is decoded, masked and
 * re-encoded (the whole value replaced only when an identifier was found); anything else is kept and counted as
 * unscannable, as is text that is not a byte-oriented encoding (a NUL byte: UTF-16, UTF-32, binary), where
 * identifiers would not be found.
 */
function mediaString(w: Walk, media: string): void {
  const a = w.pos + 1;
  const b = stringEnd(w);
  const escaped = w.escaped;
  if (w.restore) return;
  if (!isTextMedia(media)) {
    w.unscannable++;
    return;
  }
  const shifts: number[] = [];
  const encoded = !escaped ? sub(w.s, a, b) : decodeForScan(w.s, a, b, shifts);
  const text = base64Decode(encoded);
  if (text === undefined) {
    w.pos = a;
    fail(w, "base64 data of a text document is not valid base64");
  }
  if (text.indexOf(NUL) >= 0) {
    w.unscannable++;
    return;
  }
  recordText(w, MEDIA_TEXT, a, b, text);
  maskMediaText(w, a, b, text);
}

/** Masks the decoded text of base64 data [a, b): the data is replaced when an identifier was found. */
function maskMediaText(w: Walk, a: number, b: number, text: string): void {
  const masked = maskText(w.sess, text, "", a);
  if (masked === text) return;
  replaced(w, a, b, base64Encode(masked));
}

/**
 * At the "{" of an object under node (depth already counted): picks its shape (by its "type" member when the node
 * has cases), then moves past "{". True when the object is empty (and read whole); else its frame is set up.
 */
function openObject(w: Walk, node: PolicyNode): boolean {
  let fields = node.k === OBJ ? node.fields : undefined;
  let other = node.k === OBJ ? (node.other !== undefined ? node.other : w.scanNode) : node;
  let shape = node;
  if (node.k === OBJ && node.cases !== undefined) {
    const chosen = node.cases[peekMember(w, "type")];
    if (typeof chosen === "object") {
      fields = chosen.k === OBJ ? chosen.fields : undefined;
      other = chosen.k === OBJ ? (chosen.other !== undefined ? chosen.other : w.scanNode) : chosen;
      shape = chosen;
    }
  }
  if (shape.unscannable === true && !w.restore) w.unscannable++;
  const media = shape.peekMedia === true ? peekMember(w, "media_type") : "";
  w.serial++;
  w.pos++;
  ws(w);
  if (w.pos < w.n && byteAt(w.s, w.pos) === RBRACE) {
    w.pos++;
    return true;
  }
  const f = frameAt(w, w.depth);
  f.obj = true;
  f.fields = fields;
  f.other = other;
  f.media = media;
  f.scanKeys = node.k === SCAN;
  f.serial = w.serial;
  // {"Key": "Name", "Value": "web-1"}, {"name": "UPLOADS_BUCKET", "value": "x"}: the pair's name is the value's context
  f.pair = "";
  return false;
}

/** At the "[" of an array under node whose items get the context ctx: as openObject. */
function openArray(w: Walk, node: PolicyNode, ctx: string): boolean {
  w.pos++;
  ws(w);
  if (w.pos < w.n && byteAt(w.s, w.pos) === RBRACKET) {
    w.pos++;
    return true;
  }
  const f = frameAt(w, w.depth);
  f.obj = false;
  f.item = node.k === ARR ? (node.item as PolicyNode) : node;
  // items keep the array's member name as context ("TableNames": ["orders", ...])
  f.ctx = ctx;
  return false;
}

/** Reads the key of the next member of object f up to its value: the value's policy node (its context in f.key). */
function memberKey(w: Walk, f: Frame): PolicyNode {
  ws(w);
  if (w.pos >= w.n || byteAt(w.s, w.pos) !== QUOTE) fail(w, "expected a string key");
  const ka = w.pos + 1;
  const kb = stringEnd(w);
  const keyEscaped = w.escaped;
  const key = !keyEscaped ? sub(w.s, ka, kb) : decodeKey(w.s, ka, kb);
  if (!w.restore) checkDuplicate(w, f.serial, key, ka, kb, keyEscaped);
  if (f.scanKeys) maskContent(w, ka, kb, keyEscaped, "");
  ws(w);
  if (w.pos >= w.n || byteAt(w.s, w.pos) !== COLON) fail(w, "expected ':' after key");
  w.pos++;
  // typeof: in JS a plain object answers "constructor" and friends with functions (a member that must be scanned)
  const known: PolicyNode | undefined = f.fields !== undefined ? f.fields[key] : undefined;
  const child = typeof known === "object" ? known : f.other;
  f.key = key;
  f.valueStart = w.pos;
  return child;
}

/** The content of the string token between from and w.pos (after ws), or "" when the value there is no plain string. */
function stringAt(w: Walk, from: number): string {
  // only a string ends with a quote; blanks alone stand before its opening quote
  if (byteAt(w.s, w.pos - 1) !== QUOTE) return "";
  let a = from;
  while (a < w.pos && byteAt(w.s, a) !== QUOTE) a++;
  if (a >= w.pos || w.pos - a > 66) return "";
  const inner = sub(w.s, a + 1, w.pos - 1);
  return inner.indexOf("\\") >= 0 ? "" : inner;
}

/** What the walk does next (one step per turn of its loop). */
const VALUE = 0; // read a value under `node`
const AFTER = 1; // after a value: "," or the end of the innermost container
const NEXT = 2; // the next member or item of the innermost container

/**
 * Walks the JSON value at w.pos under node, masking (or restoring) the strings the policy scans. One loop with an
 * explicit stack of frames, no recursion: LuaJIT compiles it as one trace with side traces (a recursive walker
 * aborted on down-recursion and was blacklisted).
 */
function walkValue(w: Walk, root: PolicyNode, first: number): void {
  const s = w.s;
  const n = w.n;
  // (a resumed walk starts inside the root's "messages" array, after an item)
  const base = first === VALUE ? w.depth : 0;
  let node = root;
  let ctx = "";
  // the value is an object member whose node is MEDIA (base64 data read by the object's media type)
  let media = false;
  let step = first;
  while (true) {
    if (step === VALUE) {
      ws(w);
      if (w.pos >= n) fail(w, "unexpected end of input");
      const c = byteAt(s, w.pos);
      step = AFTER;
      if (media && c === QUOTE) {
        mediaString(w, w.frames[w.depth].media);
      } else {
        let nd = node;
        if (media) {
          // base64 data that is no string is scanned as any other data
          nd = w.scanNode;
          ctx = "";
        } else if (nd.k === ALT) {
          const pick = c === QUOTE ? nd.str : c === LBRACKET ? nd.arr : c === LBRACE ? nd.obj : undefined;
          nd = pick !== undefined ? pick : w.scanNode;
        }
        if (c === QUOTE) {
          // a string where a container was expected is still user data: scan it
          if (nd.k === SCAN || nd.k === OBJ || nd.k === ARR) scannedString(w, ctx);
          else stringEnd(w);
        } else if (c === LBRACE || c === LBRACKET) {
          w.depth++;
          if (w.depth > MAX_DEPTH) fail(w, "nesting too deep");
          const empty =
            c === LBRACE
              ? openObject(w, nd.k === ARR ? w.scanNode : nd)
              : openArray(w, nd.k === OBJ ? w.scanNode : nd, ctx);
          if (empty) w.depth--;
          else step = NEXT;
        } else if (c === LOWER_T) literal(w, "true");
        else if (c === LOWER_F) literal(w, "false");
        else if (c === LOWER_N) literal(w, "null");
        else {
          const a = w.pos;
          number(w);
          if (w.pos - a === 12 && !w.restore && (nd.k === SCAN || nd.k === OBJ || nd.k === ARR)) {
            const digits = sub(s, a, w.pos);
            recordText(w, ACCOUNT_NUMBER, a, w.pos, digits);
            accountNumber(w, a, w.pos, digits);
          }
        }
      }
    } else if (step === AFTER) {
      if (w.depth === base) return;
      if (w.restore && w.occNext >= w.occCount) {
        // every pseudonym restored: the rest is only validated
        skipValue(w, base, AFTER);
        return;
      }
      const f = w.frames[w.depth];
      if (f.obj) {
        const key = f.key;
        if (key === "Key" || key === "key" || key === "Name" || key === "name") f.pair = stringAt(w, f.valueStart);
      } else if (w.depth === 2 && w.marking) {
        markItem(w);
      }
      if (closesAfterItem(w, f)) w.depth--;
      else step = NEXT;
    } else {
      const f = w.frames[w.depth];
      if (f.obj) {
        node = memberKey(w, f);
        const key = f.key;
        // (a restore reads no context)
        ctx =
          !w.restore && (key === "Value" || key === "value" || key === "S" || key === "SS")
            ? memberContext(w, f, base)
            : key;
        media = node.k === MEDIA;
      } else {
        node = f.item;
        ctx = f.ctx;
        media = false;
      }
      step = VALUE;
    }
  }
}

/** After a member or item of frame f: true when f's object or array closes here, false after a comma; else an error. */
function closesAfterItem(w: Walk, f: Frame): boolean {
  ws(w);
  if (w.pos >= w.n) fail(w, f.obj ? "unterminated object" : "unterminated array");
  const c = byteAt(w.s, w.pos);
  w.pos++;
  if (c === (f.obj ? RBRACE : RBRACKET)) return true;
  if (c !== COMMA) {
    w.pos--;
    fail(w, f.obj ? "expected ',' or '}' in object" : "expected ',' or ']' in array");
  }
  return false;
}

/**
 * Validates JSON and moves past it, changing nothing: the walk's checks and errors, in a loop of its own without
 * policy. From step VALUE at depth base: the value at w.pos (a member read ahead of the walk by peekMember, or a whole
 * answer with nothing to restore). From step AFTER: the rest of the containers the walk has open above depth base
 * (an answer whose last pseudonym was restored).
 */
function skipValue(w: Walk, base: number, first: number): void {
  const s = w.s;
  const n = w.n;
  let step = first;
  while (true) {
    if (step === VALUE) {
      ws(w);
      if (w.pos >= n) fail(w, "unexpected end of input");
      const c = byteAt(s, w.pos);
      step = AFTER;
      if (c === QUOTE) stringEnd(w);
      else if (c === LBRACE || c === LBRACKET) {
        w.depth++;
        if (w.depth > MAX_DEPTH) fail(w, "nesting too deep");
        const obj = c === LBRACE;
        if (obj) w.serial++;
        w.pos++;
        ws(w);
        if (w.pos < n && byteAt(s, w.pos) === (obj ? RBRACE : RBRACKET)) {
          w.pos++;
          w.depth--;
        } else {
          const f = frameAt(w, w.depth);
          f.obj = obj;
          f.serial = w.serial;
          step = NEXT;
        }
      } else if (c === LOWER_T) literal(w, "true");
      else if (c === LOWER_F) literal(w, "false");
      else if (c === LOWER_N) literal(w, "null");
      else number(w);
    } else if (step === AFTER) {
      if (w.depth === base) return;
      const f = w.frames[w.depth];
      if (closesAfterItem(w, f)) w.depth--;
      else step = NEXT;
    } else {
      const f = w.frames[w.depth];
      if (f.obj) {
        ws(w);
        if (w.pos >= n || byteAt(s, w.pos) !== QUOTE) fail(w, "expected a string key");
        const ka = w.pos + 1;
        const kb = stringEnd(w);
        const keyEscaped = w.escaped;
        if (!w.restore)
          checkDuplicate(w, f.serial, !keyEscaped ? sub(s, ka, kb) : decodeKey(s, ka, kb), ka, kb, keyEscaped);
        ws(w);
        if (w.pos >= n || byteAt(s, w.pos) !== COLON) fail(w, "expected ':' after key");
        w.pos++;
      }
      step = VALUE;
    }
  }
}

/**
 * A 12-digit JSON integer in scanned data is an account id, fail closed (no signal needed: {"prod": 123456789012} is
 * how account maps are written; other 12-digit integers are rare). A number cannot hold a pseudonym: the token becomes
 * a quoted pseudonym (the type changes, the original never leaves). docs/detection.md.
 */
function accountNumber(w: Walk, a: number, b: number, digits: string): void {
  // scanned with an account context, so that it is learned (its occurrences in text are masked too)
  const found = findIn(w.sess, digits, "account", a);
  if (found.length !== 1 || found[0].s !== 0 || found[0].e !== 12) return;
  replaced(w, a, b, '"' + pseudonymFor(w.sess, found[0].kind.tag, found[0].kind.id, digits) + '"');
}

const SCAN_NODE: PolicyNode = { k: SCAN };

export interface JsonResult {
  /** The masked text (the input itself when nothing changed); undefined when the input is not valid JSON. */
  text?: string;
  /**
   * Masking: pieces of content that could not be scanned and were kept as they are (images, PDFs, URL and file
   * sources). Restoring counts none (0).
   */
  unscannable?: number;
  /** Masking: walked on from a kept history of an earlier body (History). */
  resumed?: boolean;
  error?: string;
  offset?: number;
}

/**
 * Masks the JSON text s under policy. A body that starts with the history of an earlier one (History) is walked from
 * where that history ends. The result is a new object, or into (a caller's, reused: see settled).
 */
export function maskJson(sess: Session, s: string, policy: PolicyNode, into?: JsonResult): JsonResult {
  const learnedBefore = sess.learned.length;
  nextSearchRound();
  const w = startWalk(sess, s, false);
  resumeHistory(w, policy);
  let error = walk(w, policy);
  const from = w.resumed;
  if (error === undefined && from !== undefined && walkAgain(w, from.learned, from)) {
    // walked again from the start, as if nothing were kept
    const slot = w.resumedSlot;
    HISTORY_STATS.restarted++;
    restartSession(sess);
    nextSearchRound();
    resetWalk(w, sess, s, false);
    w.resumedSlot = slot;
    error = walk(w, policy);
  }
  if (error === undefined && w.resumed === undefined && walkAgain(w, learnedBefore, undefined)) {
    replay(w);
    w.marking = false;
  }
  nextSearchRound();
  if (error !== undefined) return into !== undefined ? settled(into, undefined, undefined, undefined, error) : error;
  const unscannable = w.unscannable;
  const text = outputOf(w);
  // (a resumed walk marks its point first: kept again only with a later one)
  if (w.marking && w.markCount > (w.resumed !== undefined ? 1 : 0)) keepHistory(w, policy, text);
  else if (w.resumed !== undefined && w.absentCount > 0) absentIn(w, w.resumed);
  const resumed = w.resumed !== undefined;
  endWalk(w);
  return into !== undefined ? settled(into, text, unscannable, resumed, undefined) : { text, unscannable, resumed };
}

/**
 * The result written into a caller's object (every field: what an earlier call left is gone), for callers that keep
 * one and reuse it, as the plugin does once per request: each table a request makes costs a gateway worker its
 * allocation and its collection (docs/performance-history.md, sixtieth pass).
 */
function settled(
  into: JsonResult,
  text: string | undefined,
  unscannable: number | undefined,
  resumed: boolean | undefined,
  error: JsonResult | undefined,
): JsonResult {
  into.text = text;
  into.unscannable = unscannable;
  into.resumed = resumed;
  into.error = error !== undefined ? error.error : undefined;
  into.offset = error !== undefined ? error.offset : undefined;
  return into;
}

/**
 * True when the masking must be done again, with what the first walk learned: bare 12-digit numbers left alone
 * before the first AWS signal are account ids after all, and a name learned in a later string may also stand in an
 * earlier one. A second walk that would mask every string as the first did is skipped: the strings before the last
 * name learned are looked at first (their learned names are cached with their scans on a warm worker). resumed: the
 * point a walk resumed from (History), whose records the walk does not hold: the history's strings name AWS in no
 * words (its walk would have been made again, and no history kept, if they had).
 */
function walkAgain(w: Walk, learnedBefore: number, resumed: ResumePoint | undefined): boolean {
  const sess = w.sess;
  if (sess.weakDropped && sess.awsSignal) return true;
  // (weak names left alone, and no AWS match anywhere: a string that names AWS in words keeps them; asked only here,
  // a request with a signal or without weak names never searches its strings for the words)
  if (sess.weakDropped && !sess.awsWords) {
    for (let k = 0; k < w.count; k++) {
      if (w.done[k] === STRING_CONTENT && namesAws(w.doneScans[k])) {
        sess.awsWords = true;
        return true;
      }
    }
  }
  if (sess.learned.length === learnedBefore) return false;
  // a walk resumed from a history holds no records of it: the body's searches alone (which cannot see into the
  // history's documents, counted as standing)
  if (resumed !== undefined) return resumed.texts > 0 || namedEarlier(w, learnedBefore, resumed);
  // the walk learns in the order of the body: its last name was learned last
  const last = sess.learned[sess.learned.length - 1].at;
  return maskedOtherwise(w, last, learnedBefore);
}

/**
 * True when a piece of content the walk recorded at or before last would be masked otherwise now (with every name the
 * session learned; always for decoded text and numbers, which are not compared) and a new name stands in the body
 * before where it was learned. The cheaper question first: strings whose scans keep the occurrences of the session's
 * names (a warm worker) are compared; at the first that needs the body, the body's plain searches for the new names.
 * Three loops one after the other, none calling a function that holds one: LuaJIT blacklists a loop whose rounds leave
 * it or enter another, and a function holding a loop that runs once per request, and a side trace out of a loop stops
 * at such a function (issue 12).
 */
function maskedOtherwise(w: Walk, last: number, learnedBefore: number): boolean {
  const sess = w.sess;
  if (w.count === 0 || w.doneAt[0] > last) return false;
  let k = 0;
  let changed = false;
  // the first string asked before the loop: on most requests its scan does not keep the names, and it is not entered
  if (w.done[0] === STRING_CONTENT && learnedKept(sess, w.doneScans[0])) {
    while (k < w.count && w.doneAt[k] <= last) {
      if (w.done[k] !== STRING_CONTENT) {
        changed = true;
        break;
      }
      // a scan without the names is compared once the body's searches say a name stands earlier
      if (!learnedKept(sess, w.doneScans[k])) break;
      if (maskedDifferently(w, k, learnedBefore)) {
        changed = true;
        break;
      }
      k++;
    }
    if (!changed && (k >= w.count || w.doneAt[k] > last)) return false;
  }
  if (!namedEarlier(w, learnedBefore, undefined)) return false;
  if (changed) return true;
  // the rest, each string compared
  while (k < w.count && w.doneAt[k] <= last) {
    if (w.done[k] !== STRING_CONTENT || maskedDifferently(w, k, learnedBefore)) return true;
    k++;
  }
  return false;
}

/**
 * True unless the body's plain searches show that no name learned since learnedBefore stands in it before where it was
 * learned (many names: true, without searching for each, which would be quadratic).
 */
function namedEarlier(w: Walk, learnedBefore: number, resumed: ResumePoint | undefined): boolean {
  const learned = w.sess.learned;
  if (learned.length - learnedBefore > 16) return true;
  let n = learnedBefore;
  let r = firstPlaceAfter(resumed, learned, n);
  while (n < learned.length) {
    r = nextEarlierPlace(learned[n], w.s, r);
    if (r === STANDS) return true;
    if (r < 0) {
      noteAbsent(w, learned[n]);
      n++;
      r = firstPlaceAfter(resumed, learned, n);
    }
  }
  // (a text document is base64 in the body: its decoded text is searched)
  return w.textCount > 0 && namedInText(w, learnedBefore);
}

/**
 * Where namedEarlier starts its search for learned[n] (see nextEarlierPlace): -1, from the start, unless the point
 * resumed from knows the name absent from its prefix: then past the places of its tail that leave the name inside it.
 */
function firstPlaceAfter(resumed: ResumePoint | undefined, learned: Learned[], n: number): number {
  if (resumed === undefined || resumed.absent === undefined || n >= learned.length) return -1;
  const l = learned[n];
  if (resumed.absent[l.name] !== true) return -1;
  HISTORY_STATS.searchesShortened++;
  // a place p of the tail puts the name at p - anchor: inside the prefix while p - anchor + length <= pos
  return resumed.pos - l.name.length + anchorOf(l);
}

/** Notes that the learned name l stands nowhere in the body before where it was learned (for the points: absentIn). */
function noteAbsent(w: Walk, l: Learned): void {
  const k = w.absentCount;
  if (k >= NAMES_ABSENT_MAX) return;
  w.absentNames[k] = l.name;
  w.absentAt[k] = l.at;
  w.absentCount = k + 1;
}

/** Gives point p the names the walk found nowhere before a place at or after p's end: none stands in p's prefix. */
function absentIn(w: Walk, p: ResumePoint): void {
  for (let k = 0; k < w.absentCount; k++) {
    if (w.absentAt[k] < p.pos || p.absentCount >= NAMES_ABSENT_MAX) continue;
    if (p.absent === undefined) p.absent = {};
    if (p.absent[w.absentNames[k]] === true) continue;
    p.absent[w.absentNames[k]] = true;
    p.absentCount++;
  }
}

/**
 * True when a name learned since learnedBefore stands in the decoded text of a document the walk masked before the
 * string it was learned from (the body holds that text in base64, where maskedOtherwise's search cannot see it). One
 * loop over (document, name) pairs, for the same reason as maskedOtherwise's.
 */
function namedInText(w: Walk, learnedBefore: number): boolean {
  const learned = w.sess.learned;
  let k = 0;
  let n = learnedBefore;
  while (k < w.count) {
    if (w.done[k] !== MEDIA_TEXT || n >= learned.length) {
      k++;
      n = learnedBefore;
    } else if (w.doneAt[k] < learned[n].at && w.doneTexts[k].indexOf(learned[n].name) >= 0) {
      return true;
    } else {
      n++;
    }
  }
  return false;
}

/** True when the string the walk recorded as its k-th piece would now be masked otherwise (its scan is compared). */
function maskedDifferently(w: Walk, k: number, learnedBefore: number): boolean {
  const sc = w.doneScans[k];
  // none of the names learned after it stands in it: the same matches
  if (!learnedLaterMayStandIn(w.sess, sc, w.doneAt[k], w.s, learnedBefore)) return false;
  return !sameMatches(identifiersOf(w.sess, sc, w.doneAt[k], w.s), w.doneFound[k]);
}

function sameMatches(x: Match[], y: Match[]): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let k = 0; k < x.length; k++) {
    const a = x[k];
    const b = y[k];
    if (a !== b && (a.s !== b.s || a.e !== b.e || a.kind !== b.kind)) return false;
  }
  return true;
}

/**
 * The second walk: the content the first one masked, masked again in the same order (the session now knows every
 * name), into a new output. The JSON itself is not parsed again: its structure, and so which content is masked
 * under which key, does not change.
 */
function replay(w: Walk): void {
  w.out.reset();
  w.at = 0;
  const count = w.count;
  for (let k = 0; k < count; k++) {
    const what = w.done[k];
    const a = w.doneAt[k];
    if (what === STRING_CONTENT) maskScanned(w, a, w.doneScans[k]);
    else if (what === MEDIA_TEXT) maskMediaText(w, a, w.doneEnd[k], w.doneTexts[k]);
    else accountNumber(w, a, w.doneEnd[k], w.doneTexts[k]);
  }
}

/**
 * Resent history. Every turn of a conversation resends the earlier turns byte for byte, and walking them again is
 * most of what a warm request's masking costs (docs/performance.md). So a masked body is kept per worker (Masker
 * .histories) with points to resume from: the ends of the last two items of its root's "messages" array (a client
 * that marks its last turn for caching, as Claude Code does, changes that turn's bytes in the next request, not the
 * one before). At each point: the input before it, the output for that input, and what the walk and the session held
 * there. A later request of the same tenant scope, policy and tenant memory whose body starts with the same bytes up
 * to a point is walked from there: the same bytes, walked from the same state, mask the same. What the whole body
 * decides is asked after the walk, as for any walk (walkAgain): a name learned in the new part may stand in the
 * history, or weak candidates left alone may need a second walk; then the body is walked again from its start, as if
 * nothing were kept (no record of the history is kept to walk it again from).
 */
export interface History {
  scope: string;
  policy: PolicyNode;
  memory: TenantMemory | undefined;
  memoryVersion: number;
  /** the session's entries and learned names up to the last point (each point counts its own) */
  entries: Entry[];
  learned: Learned[];
  /** the root object's keys before "messages", and its frame and the array's at the points */
  rootKeys: string[];
  root: Frame;
  items: Frame;
  /** ascending */
  points: ResumePoint[];
  /** what it holds, in string units (Masker.historyBytes) */
  bytes: number;
}

/** Where the walk was after an item of "messages" (Walk.marks): what a ResumePoint keeps, written in place. */
interface Mark extends SessionPoint {
  pos: number;
  at: number;
  shift: number;
  unscannable: number;
  /** records of decoded text and digits before pos (Walk.textCount) */
  texts: number;
}

interface ResumePoint extends Mark {
  /**
   * The body the walk read: a body resumes from here when it holds the same units before pos (its last TAIL units
   * compared first). Kept whole, with the output, and compared in place: copies of what stood before each point made
   * every walk four strings of about the body's length, which LuaJIT hashes into a chain of the other bodies' copies
   * when the bodies have one length.
   */
  input: string;
  /** the walk's output, whose first pos + shift units are the output for the input before pos (undefined: the input
   * itself, nothing was masked before pos) */
  output: string | undefined;
  /** the first `entries` entries (lent to a resumed session; made at the first resume) */
  lent: LentEntries | undefined;
  /**
   * Names known to stand nowhere in prefix (a walk learned them at or after pos and found them nowhere before): a walk
   * resumed from here searches for them only from the prefix's end (namedEarlier). A body's last string (Claude Code's
   * metadata.user_id) is learned again on every turn, and its search would read the whole body each time. At most
   * NAMES_ABSENT_MAX.
   */
  absent: Record<string, boolean> | undefined;
  absentCount: number;
}

const NAMES_ABSENT_MAX = 16;

/**
 * Walks resumed from a history, resumed walks walked again from the start, and searches for a learned name that
 * started at the end of the prefix resumed from (ResumePoint.absent). Per worker; for tests and benchmarks.
 */
export const HISTORY_STATS = { resumed: 0, restarted: 0, searchesShortened: 0 };

/** Histories kept per masker, and the units they may hold together (past it they start over). */
const HISTORIES_MAX = 16;
const HISTORY_BYTES_MAX = 8388608;
/** Units of a point's tail (a body of another conversation rarely shares them at that offset). */
const TAIL = 32;

function newMark(): Mark {
  return {
    pos: 0,
    at: 0,
    shift: 0,
    unscannable: 0,
    texts: 0,
    entries: 0,
    learned: 0,
    learnedKey: undefined,
    learnedKeyCount: 0,
    awsSignal: false,
    weakDropped: false,
    maxLen: 0,
  };
}

/** After an item of an array at depth 2 (the walk's AFTER step): marks the end of an item of the root's "messages". */
function markItem(w: Walk): void {
  const root = w.frames[1];
  if (!root.obj || root.key !== "messages") return;
  const sess = w.sess;
  if (sess.collisions > 0) {
    w.marking = false;
    return;
  }
  if (w.markCount === 0) {
    copyFrame(root, w.markRoot);
    copyFrame(w.frames[2], w.markItems);
    w.markRootKeys = w.rootKeyCount;
  }
  const m = w.marks[w.markCount % 2];
  m.pos = w.pos;
  m.at = w.at;
  m.shift = w.shift;
  m.unscannable = w.unscannable;
  m.texts = w.textCount;
  notePoint(sess, m);
  w.markCount++;
}

/**
 * Before the walk: the latest point of a kept history that w's body starts with, if any, set up to walk from (the
 * session as it was there, the output for the input before it, the root's frames and keys). One loop over (history,
 * point) pairs, newest history first, each one's last point first.
 */
function resumeHistory(w: Walk, policy: PolicyNode): void {
  const sess = w.sess;
  const hs = sess.masker.histories;
  const count = hs.length;
  if (count === 0 || !untouched(sess)) return;
  const s = w.s;
  const n = w.n;
  const newest = sess.masker.historyNext - 1 + count;
  for (let k = 0; k < 2 * count; k++) {
    const slot = (newest - Math.floor(k / 2)) % count;
    const h = hs[slot];
    const j = h.points.length - 1 - (k % 2);
    if (j < 0 || h.scope !== sess.scope || h.policy !== policy || h.memory !== sess.memory) continue;
    if (h.memoryVersion !== w.memoryVersion) continue;
    const p = h.points[j];
    // (without a branch: one exit fewer in this loop; a side trace from one ran on into the walk, whose loop LuaJIT
    // then blacklisted, in one of five gateway workers of a harness run)
    const tail = Math.max(p.pos - TAIL, 0);
    if (p.pos > n || !sameUnits(s, p.input, tail, p.pos) || !sameUnits(s, p.input, 0, tail)) continue;
    resumeAt(w, h, p, slot);
    return;
  }
}

/** Sets w and its session up to walk on from point p of history h (kept in slot). */
function resumeAt(w: Walk, h: History, p: ResumePoint, slot: number): void {
  const sess = w.sess;
  if (p.entries > 0 && p.lent === undefined) p.lent = lentOf(h.entries, p.entries, p.learned);
  resumeSession(sess, h.entries, h.learned, p, p.lent);
  w.serial++;
  const root = frameAt(w, 1);
  copyFrame(h.root, root);
  root.serial = w.serial;
  copyFrame(h.items, frameAt(w, 2));
  registerRootKeys(w, h.rootKeys);
  w.depth = 2;
  w.pos = p.pos;
  if (p.output !== undefined) {
    putUnits(w.out, p.output, 0, p.pos + p.shift);
    w.at = p.pos;
    w.shift = p.shift;
  }
  w.unscannable = p.unscannable;
  // (the history's documents: walkAgain asks the point resumed from, a later point of this walk counts them too)
  w.textCount = p.texts;
  HISTORY_STATS.resumed++;
  w.resumed = p;
  w.resumedSlot = slot;
}

/** The root object's keys before the point resumed from, registered as checkDuplicate would have (and as read). */
function registerRootKeys(w: Walk, keys: string[]): void {
  let seen = w.keysAt[1];
  if (seen === undefined) {
    seen = newKeySerials();
    w.keysAt[1] = seen;
  }
  for (let k = 0; k < keys.length; k++) {
    if (seen[keys[k]] === undefined) w.keysHeld++;
    seen[keys[k]] = w.serial;
    w.rootKeys[k] = keys[k];
  }
  w.rootKeyCount = keys.length;
}

/**
 * After a walk that marked points (and made no second walk): its history kept, in the slot of the history it resumed
 * from (a conversation holds one slot), else in the next. text: the walk's output.
 */
function keepHistory(w: Walk, policy: PolicyNode, text: string): void {
  const sess = w.sess;
  const m = w.marks[(w.markCount - 1) % 2];
  // its points hold the body and, when they have masked text before them, the output (shared)
  const bytes = w.n + (m.at > 0 ? text.length : 0);
  if (sess.collisions > 0 || bytes > HISTORY_BYTES_MAX / 4) return;
  const last = pointOf(w, w.markCount - 1, text);
  const points = w.markCount > 1 ? [pointOf(w, w.markCount - 2, text), last] : [last];
  const root = newFrame();
  copyFrame(w.markRoot, root);
  const items = newFrame();
  copyFrame(w.markItems, items);
  const h: History = {
    scope: sess.scope,
    policy,
    memory: sess.memory,
    memoryVersion: w.memoryVersion,
    entries: firstOf(sess.entries, last.entries),
    learned: firstOf(sess.learned, last.learned),
    rootKeys: firstOf(w.rootKeys, w.markRootKeys),
    root,
    items,
    points,
    bytes,
  };
  keepIn(sess.masker, h, w.resumedSlot);
}

/** The k-th mark of w made a point (text: the walk's output); the walk marks in a new one after it. */
function pointOf(w: Walk, k: number, text: string): ResumePoint {
  const p = w.marks[k % 2] as ResumePoint;
  w.marks[k % 2] = newMark();
  p.input = w.s;
  // (the output holds the masked text of [0, at) and the input [at, pos) as it is)
  p.output = p.at > 0 ? text : undefined;
  p.lent = undefined;
  p.absent = undefined;
  p.absentCount = 0;
  absentIn(w, p);
  return p;
}

/** Keeps h among m's histories (in slot, or the next one), within HISTORY_BYTES_MAX. */
function keepIn(m: Masker, h: History, slot: number): void {
  const hs = m.histories;
  let at = slot;
  if (at < 0) {
    at = m.historyNext;
    m.historyNext = (at + 1) % HISTORIES_MAX;
  }
  const old = at < hs.length ? hs[at] : undefined;
  if (old !== undefined) m.historyBytes -= old.bytes;
  if (m.historyBytes + h.bytes > HISTORY_BYTES_MAX) {
    // starts over (as the other per-worker caches do)
    m.histories = [h];
    m.historyNext = 1 % HISTORIES_MAX;
    m.historyBytes = h.bytes;
    return;
  }
  if (at < hs.length) hs[at] = h;
  else hs.push(h);
  m.historyBytes += h.bytes;
}

/** A new array of the first count items of list. */
function firstOf<T>(list: T[], count: number): T[] {
  const out: T[] = [];
  for (let k = 0; k < count; k++) out[k] = list[k];
  return out;
}

/**
 * Restores this session's pseudonyms in the JSON text s, in the strings policy scans. The pseudonyms are found first
 * (one search over the text): a text without any is only validated and comes back as it is; else the policy walk
 * restores the ones in scanned strings and, past the last one, only validates. The result is a new object, or into.
 */
export function restoreJson(sess: Session, s: string, policy: PolicyNode, into?: JsonResult): JsonResult {
  const w = startWalk(sess, s, true);
  const escaped = w.occEscaped;
  const count = pseudonymsIn(sess, s, w.occStart, w.occEnd, escaped);
  w.occCount = count;
  const error = walk(w, count > 0 ? policy : undefined);
  const result =
    error !== undefined
      ? into !== undefined
        ? settled(into, undefined, undefined, undefined, error)
        : error
      : resultOf(w, into);
  // the kept walk holds no original
  for (let k = 0; k < count; k++) escaped[k] = "";
  return result;
}

/** Walks the document under policy; with no policy, only validates it. */
function walkDocument(w: Walk, policy: PolicyNode | undefined): void {
  if (policy !== undefined) walkValue(w, policy, w.resumed !== undefined ? AFTER : VALUE);
  else skipValue(w, 0, VALUE);
  ws(w);
  if (w.pos < w.n) fail(w, "unexpected data after the JSON value");
}

/** The walk kept for the next call (see Walk); undefined while a call uses it (a nested call gets its own). */
let spareWalk: Walk | undefined = undefined;
/** A walk that recorded more than this (a large request) is not kept: its arrays go with it. */
const KEPT_RECORDS_MAX = 4096;
const KEPT_KEYS_MAX = 4096;

/** A walk over s for sess: the one kept from an earlier call, or a new one. */
function startWalk(sess: Session, s: string, restore: boolean): Walk {
  let w = spareWalk;
  spareWalk = undefined;
  if (w === undefined) {
    w = {
      s,
      n: 0,
      pos: 0,
      at: 0,
      out: newBuilder(),
      shift: 0,
      sess,
      restore,
      nextEscape: -1,
      escaped: false,
      depth: 0,
      scanNode: SCAN_NODE,
      keysAt: [],
      keysHeld: 0,
      serial: 0,
      unscannable: 0,
      frames: [],
      count: 0,
      textCount: 0,
      done: [],
      doneAt: [],
      doneEnd: [],
      doneScans: [],
      doneTexts: [],
      doneFound: [],
      occCount: 0,
      occNext: 0,
      occStart: [],
      occEnd: [],
      occEscaped: [],
      marking: false,
      marks: [newMark(), newMark()],
      markCount: 0,
      markRoot: newFrame(),
      markItems: newFrame(),
      markRootKeys: 0,
      rootKeys: [],
      rootKeyCount: 0,
      resumed: undefined,
      resumedSlot: -1,
      memoryVersion: 0,
      absentNames: [],
      absentAt: [],
      absentCount: 0,
    };
  }
  resetWalk(w, sess, s, restore);
  return w;
}

/** Sets w up to walk s from its start (startWalk; maskJson again when a resumed walk cannot stand). */
function resetWalk(w: Walk, sess: Session, s: string, restore: boolean): void {
  w.s = s;
  w.n = s.length;
  w.pos = 0;
  w.at = 0;
  w.shift = 0;
  w.sess = sess;
  w.restore = restore;
  w.nextEscape = -1;
  w.escaped = false;
  w.depth = 0;
  w.unscannable = 0;
  w.count = 0;
  w.textCount = 0;
  w.occCount = 0;
  w.occNext = 0;
  w.marking = !restore;
  w.markCount = 0;
  w.rootKeyCount = 0;
  w.resumed = undefined;
  w.resumedSlot = -1;
  w.absentCount = 0;
  const mem = sess.memory;
  w.memoryVersion = mem !== undefined ? mem.version : 0;
  // a walk an exception ended (see walk) may still hold output
  w.out.reset();
}

/** Ends a walk: it is kept for the next call unless it grew large; no body, original or decoded text stays in it. */
function endWalk(w: Walk): void {
  w.s = "";
  w.n = 0;
  w.out.reset();
  // no loop here: resultOf's trace runs through this, and a root trace that reaches a loop aborts until LuaJIT
  // blacklists it (docs/performance-history.md); restoreJson lets go of the originals
  w.occCount = 0;
  if (w.textCount > 0) w.doneTexts = [];
  if (w.count > KEPT_RECORDS_MAX || w.keysHeld > KEPT_KEYS_MAX || w.occStart.length > KEPT_RECORDS_MAX) return;
  spareWalk = w;
}

/** Walks the whole document: undefined, or the result of invalid JSON (the walk then ended). */
function walk(w: Walk, policy: PolicyNode | undefined): JsonResult | undefined {
  const thrown = callProtected(walkDocument, w, policy);
  if (thrown === undefined) return undefined;
  endWalk(w);
  const je = thrown as JsonError;
  if (typeof thrown === "object" && je.jsonError !== undefined) return { error: je.jsonError, offset: je.offset };
  // not kept: restoreJson, which lets go of a walk's originals after it, does not get there
  if (spareWalk === w) spareWalk = undefined;
  throw thrown;
}

/** The walk's output: the input itself when nothing changed. */
function outputOf(w: Walk): string {
  if (w.at === 0) return w.s;
  w.out.put(sub(w.s, w.at, w.n));
  return take(w.out);
}

/** The walk's output (into, when the caller gave one), and the walk ended. */
function resultOf(w: Walk, into: JsonResult | undefined): JsonResult {
  const unscannable = w.unscannable;
  const text = outputOf(w);
  endWalk(w);
  return into !== undefined ? settled(into, text, unscannable, undefined, undefined) : { text, unscannable };
}

/** Quotes of scannedString's entry call: two per call, for every call of the plugin's warm-up (1,000) and more. */
const ENTRY_QUOTES = 4096;

/** The walk's functions that hold a loop and run once per string or request, on input where each returns first. */
export const JSON_ENTRY_CALLS: EntryCall[] = [
  // an empty string
  { fn: maskContent, args: [{} as Walk, 0, 0, false, ""] },
  // the walker's string step on empty strings, the next one at each call ("" after "": it moves two units a call). A
  // resumed walk's only string is often its body's last, which teaches a name again every request (Claude Code's
  // metadata.user_id): each attempt to compile the step at its entry ran into the name's loops and aborted, and in
  // some gateway workers LuaJIT blacklisted it
  {
    fn: scannedString,
    args: [{ s: '"'.repeat(ENTRY_QUOTES), n: ENTRY_QUOTES, pos: 0, nextEscape: -1, escaped: false } as Walk, ""],
  },
  // no pseudonym left to restore: both loops' tests fail at once
  { fn: restoreContent, args: [{ occNext: 0, occCount: 0 } as Walk, 0, 0] },
  // nothing recorded
  { fn: maskedOtherwise, args: [{ count: 0 } as Walk, 0, 0] },
  { fn: namedInText, args: [{ count: 0, sess: { learned: [] } } as unknown as Walk, 0] },
  { fn: namedEarlier, args: [{ textCount: 0, sess: { learned: [] } } as unknown as Walk, 0] },
  // no history kept
  { fn: resumeHistory, args: [{ sess: { masker: { histories: [] } } } as unknown as Walk, KEEP_NODE] },
  // nothing to copy, register or lend
  { fn: registerRootKeys, args: [{ keysAt: [{}, {}], rootKeys: [] } as unknown as Walk, []] },
  { fn: firstOf, args: [[], 0] },
  { fn: lentOf, args: [[], 0, 0] },
  { fn: resumeSession, args: [{ entries: [], learned: [] }, [], [], { entries: 0, learned: 0 }, undefined] },
];
