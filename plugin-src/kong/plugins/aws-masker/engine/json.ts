// Byte-preserving JSON rewrite. Walks the raw text once, validating it, and replaces only the spans of string tokens
// that hold identifiers. Numbers, key order, whitespace, escapes and every other byte stay as they were; the output
// is valid JSON whenever the input is (pseudonyms need no escaping). Which strings are scanned is decided by a
// policy tree (policy.ts): deny by default, structural fields kept.
// Pure: no ngx/kong.

import { byteAt, callProtected, isHexDigit, sub } from "./chars";
import { Match } from "./scanner";
import { Session, findIn, maskText, pseudonymFor, restoreText } from "./session";
import { base64Decode, base64Encode } from "./base64";

/** What a policy node does with the value it meets. */
export type NodeKind = "keep" | "scan" | "object" | "array" | "alt" | "media";
export const KEEP: NodeKind = "keep"; // copy verbatim (validated)
export const SCAN: NodeKind = "scan"; // scan every string inside, keys included (free-form data)
export const OBJ: NodeKind = "object"; // object with known fields
export const ARR: NodeKind = "array"; // array of `item`
export const ALT: NodeKind = "alt"; // by JSON type: str / arr / obj
export const MEDIA: NodeKind = "media"; // base64 data of its object's media_type: text/* decoded, masked, re-encoded; else unscannable

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
const HIGH = String.fromCharCode(128);

interface Walk {
  s: string;
  n: number;
  pos: number;
  at: number; // output copied up to here
  parts: string[];
  sess: Session;
  restore: boolean; // restore pseudonyms instead of masking identifiers
  nextEscape: number; // index of the next backslash at or after the last search (n when none)
  escaped: boolean; // the string token stringEnd() read last holds escapes
  depth: number;
  scanNode: PolicyNode;
  /** Duplicate keys: per nesting depth, key -> serial of the object that last used it (one table per depth, not per object). */
  keysAt: Record<string, number>[];
  /** Objects opened so far: each object's serial. */
  serial: number;
  /** Content seen that could not be scanned (kept as it is; the caller decides to refuse or forward). */
  unscannable: number;
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
  while (p < n) {
    const c = byteAt(s, p);
    if (c === 32 || c === 10 || c === 13 || c === 9) p++;
    else break;
  }
  w.pos = p;
}

/**
 * At an opening quote: validates the string token and moves past it. Returns the content end (exclusive, before the
 * closing quote); w.escaped says whether the content holds escapes.
 */
function stringEnd(w: Walk): number {
  const s = w.s;
  const n = w.n;
  let p = w.pos + 1;
  let escaped = false;
  // plain searches (memchr in Lua) for the closing quote and for escapes; the next backslash is remembered across
  // strings so the body is searched for backslashes once in all
  let q = s.indexOf('"', p);
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
    if (e === 117) {
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
    } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
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
  const out: string[] = [];
  let p = a;
  let d = 0; // decoded length so far
  while (p < b) {
    let q = s.indexOf("\\", p);
    if (q < 0 || q >= b) q = b;
    if (q > p) {
      out.push(sub(s, p, q));
      d += q - p;
      p = q;
    }
    if (p >= b) break;
    const e = byteAt(s, p + 1);
    let width = 2;
    if (e === 117) {
      const code = parseInt(sub(s, p + 2, p + 6), 16);
      out.push(code < 128 ? String.fromCharCode(code) : HIGH);
      width = 6;
    } else if (e === 110) out.push("\n");
    else if (e === 116) out.push("\t");
    else if (e === 114) out.push("\r");
    else if (e === 98) out.push("\b");
    else if (e === 102) out.push("\f");
    else out.push(sub(s, p + 1, p + 2)); // " \ /
    p += width;
    d += 1;
    shifts.push(d);
    shifts.push(p - a - d);
  }
  return out.join("");
}

/** Raw index of decoded index d (see decodeForScan). */
function rawIndex(a: number, shifts: number[], d: number): number {
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

/** Decoded value of a key token's content (keys are looked up by their JSON value). */
function decodeKey(s: string, a: number, b: number): string {
  const shifts: number[] = [];
  return decodeForScan(s, a, b, shifts);
}

/** Masks the string content [a, b) (escaped when esc) in place in the output. */
function maskContent(w: Walk, a: number, b: number, esc: boolean, keyCtx: string): void {
  if (b === a) return;
  const sess = w.sess;
  if (w.restore) {
    // pseudonyms hold no escapes: restore on the raw content, originals JSON-escaped
    const raw = sub(w.s, a, b);
    const restored = restoreText(sess, raw, true);
    if (restored !== raw) {
      w.parts.push(sub(w.s, w.at, a));
      w.parts.push(restored);
      w.at = b;
    }
    return;
  }
  if (!esc) {
    const text = sub(w.s, a, b);
    const found = findIn(sess, text, keyCtx, a);
    if (found.length === 0) return;
    for (const m of found) {
      w.parts.push(sub(w.s, w.at, a + m.s));
      w.parts.push(pseudonymFor(sess, m.kind.tag, m.kind.id, sub(text, m.s, m.e)));
      w.at = a + m.e;
    }
    return;
  }
  const shifts: number[] = [];
  const text = decodeForScan(w.s, a, b, shifts);
  const found: Match[] = findIn(sess, text, keyCtx, a);
  for (const m of found) {
    w.parts.push(sub(w.s, w.at, rawIndex(a, shifts, m.s)));
    w.parts.push(pseudonymFor(sess, m.kind.tag, m.kind.id, sub(text, m.s, m.e)));
    w.at = rawIndex(a, shifts, m.e);
  }
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

/** The string value of member `name` of the object starting at w.pos ("" if none), without moving w.pos. */
function peekMember(w: Walk, name: string): string {
  const save = w.pos;
  const saveEscape = w.nextEscape;
  let found = "";
  w.pos++;
  ws(w);
  if (w.pos < w.n && byteAt(w.s, w.pos) !== 125) {
    while (w.pos < w.n) {
      ws(w);
      if (w.pos >= w.n || byteAt(w.s, w.pos) !== 34) break;
      const ka = w.pos + 1;
      const ke = stringEnd(w);
      // keys compare by their JSON value, as the walk and the API read them ("\u0074ype" is "type")
      const isName = !w.escaped
        ? ke === ka + name.length && sub(w.s, ka, ke) === name
        : decodeKey(w.s, ka, ke) === name;
      ws(w);
      if (w.pos >= w.n || byteAt(w.s, w.pos) !== 58) break;
      w.pos++;
      ws(w);
      if (isName && w.pos < w.n && byteAt(w.s, w.pos) === 34) {
        const va = w.pos + 1;
        const ve = stringEnd(w);
        found = !w.escaped ? sub(w.s, va, ve) : decodeKey(w.s, va, ve);
        break;
      }
      value(w, KEEP_NODE, "");
      ws(w);
      if (w.pos < w.n && byteAt(w.s, w.pos) === 44) w.pos++;
      else break;
    }
  }
  w.pos = save;
  w.nextEscape = saveEscape;
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
  if (seen[k] === serial) {
    w.pos = ka - 1;
    fail(w, DUPLICATE_KEY);
  }
  seen[k] = serial;
}

const NUL = "\0";

/** Text documents are masked like text; every other media type (PDF, images, audio ...) cannot be scanned. */
function isTextMedia(mediaType: string): boolean {
  return sub(mediaType, 0, 5).toLowerCase() === "text/";
}

/**
 * The base64 data of a source whose media type is `media`: text is decoded, masked and re-encoded (the whole value
 * replaced only when an identifier was found); anything else is kept and counted as unscannable, as is text that is
 * not a byte-oriented encoding (a NUL byte: UTF-16, UTF-32, binary), where identifiers would not be found.
 */
function mediaValue(w: Walk, media: string): void {
  ws(w);
  if (w.pos >= w.n || byteAt(w.s, w.pos) !== 34) {
    value(w, w.scanNode, "");
    return;
  }
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
  const masked = maskText(w.sess, text, "", a);
  if (masked === text) return;
  w.parts.push(sub(w.s, w.at, a));
  w.parts.push(base64Encode(masked));
  w.at = b;
}

function objectValue(w: Walk, node: PolicyNode): void {
  let fields = node.k === OBJ ? node.fields : undefined;
  let other = node.k === OBJ ? (node.other !== undefined ? node.other : w.scanNode) : node;
  let shape = node;
  if (node.k === OBJ && node.cases !== undefined) {
    const chosen = node.cases[peekMember(w, "type")];
    if (chosen !== undefined) {
      fields = chosen.k === OBJ ? chosen.fields : undefined;
      other = chosen.k === OBJ ? (chosen.other !== undefined ? chosen.other : w.scanNode) : chosen;
      shape = chosen;
    }
  }
  if (shape.unscannable === true) w.unscannable++;
  const media = shape.peekMedia === true ? peekMember(w, "media_type") : "";
  const scanKeys = node.k === SCAN;
  const checkKeys = !w.restore;
  w.serial++;
  const serial = w.serial;
  // {"Key": "Name", "Value": "web-1"}, {"name": "UPLOADS_BUCKET", "value": "x"}: the pair's name is the value's context
  let pairName = "";
  w.pos++;
  ws(w);
  if (w.pos < w.n && byteAt(w.s, w.pos) === 125) {
    w.pos++;
    return;
  }
  while (true) {
    ws(w);
    if (w.pos >= w.n || byteAt(w.s, w.pos) !== 34) fail(w, "expected a string key");
    const ka = w.pos + 1;
    const kb = stringEnd(w);
    const keyEscaped = w.escaped;
    const key = !keyEscaped ? sub(w.s, ka, kb) : decodeKey(w.s, ka, kb);
    if (checkKeys) checkDuplicate(w, serial, key, ka, kb, keyEscaped);
    if (scanKeys) maskContent(w, ka, kb, keyEscaped, "");
    ws(w);
    if (w.pos >= w.n || byteAt(w.s, w.pos) !== 58) fail(w, "expected ':' after key");
    w.pos++;
    let child: PolicyNode | undefined = fields !== undefined ? fields[key] : undefined;
    if (child === undefined) child = other;
    const paired = pairName !== "" && (key === "Value" || key === "value");
    const vs = w.pos;
    if (child.k === MEDIA) mediaValue(w, media);
    else value(w, child, paired ? pairName : key);
    if (key === "Key" || key === "key" || key === "Name" || key === "name") pairName = stringAt(w, vs);
    ws(w);
    if (w.pos >= w.n) fail(w, "unterminated object");
    const c = byteAt(w.s, w.pos);
    w.pos++;
    if (c === 125) return;
    if (c !== 44) {
      w.pos--;
      fail(w, "expected ',' or '}' in object");
    }
  }
}

/** The content of the string token between from and w.pos (after ws), or "" when the value there is no plain string. */
function stringAt(w: Walk, from: number): string {
  let a = from;
  while (a < w.pos && byteAt(w.s, a) !== 34) a++;
  if (a >= w.pos || w.pos - a > 66 || byteAt(w.s, w.pos - 1) !== 34) return "";
  const inner = sub(w.s, a + 1, w.pos - 1);
  return inner.indexOf("\\") >= 0 ? "" : inner;
}

function arrayValue(w: Walk, node: PolicyNode, keyCtx: string): void {
  const item = node.k === ARR ? (node.item as PolicyNode) : node;
  w.pos++;
  ws(w);
  if (w.pos < w.n && byteAt(w.s, w.pos) === 93) {
    w.pos++;
    return;
  }
  while (true) {
    // items keep the array's member name as context ("TableNames": ["orders", ...])
    value(w, item, keyCtx);
    ws(w);
    if (w.pos >= w.n) fail(w, "unterminated array");
    const c = byteAt(w.s, w.pos);
    w.pos++;
    if (c === 93) return;
    if (c !== 44) {
      w.pos--;
      fail(w, "expected ',' or ']' in array");
    }
  }
}

function value(w: Walk, node: PolicyNode, keyCtx: string): void {
  ws(w);
  if (w.pos >= w.n) fail(w, "unexpected end of input");
  const c = byteAt(w.s, w.pos);
  let nd = node;
  if (nd.k === ALT) {
    const pick = c === 34 ? nd.str : c === 91 ? nd.arr : c === 123 ? nd.obj : undefined;
    nd = pick !== undefined ? pick : w.scanNode;
  }
  if (c === 34) {
    const a = w.pos + 1;
    const b = stringEnd(w);
    if (nd.k === SCAN || nd.k === OBJ || nd.k === ARR) {
      // a string where a container was expected is still user data: scan it
      maskContent(w, a, b, w.escaped, keyCtx);
    }
    return;
  }
  if (c === 123 || c === 91) {
    w.depth++;
    if (w.depth > MAX_DEPTH) fail(w, "nesting too deep");
    if (c === 123) objectValue(w, nd.k === ARR ? w.scanNode : nd);
    else arrayValue(w, nd.k === OBJ ? w.scanNode : nd, keyCtx);
    w.depth--;
    return;
  }
  if (c === 116) literal(w, "true");
  else if (c === 102) literal(w, "false");
  else if (c === 110) literal(w, "null");
  else {
    const a = w.pos;
    number(w);
    if (w.pos - a === 12 && !w.restore && (nd.k === SCAN || nd.k === OBJ || nd.k === ARR)) accountNumber(w, a);
  }
}

/**
 * A 12-digit JSON integer in scanned data is an account id, fail closed (no signal needed: {"prod": 123456789012} is
 * how account maps are written; other 12-digit integers are rare). A number cannot hold a pseudonym: the token becomes
 * a quoted pseudonym (the type changes, the original never leaves). docs/detection.md.
 */
function accountNumber(w: Walk, a: number): void {
  const digits = sub(w.s, a, w.pos);
  // scanned with an account context, so that it is learned (its occurrences in text are masked too)
  const found = findIn(w.sess, digits, "account", a);
  if (found.length !== 1 || found[0].s !== 0 || found[0].e !== 12) return;
  w.parts.push(sub(w.s, w.at, a));
  w.parts.push('"' + pseudonymFor(w.sess, found[0].kind.tag, found[0].kind.id, digits) + '"');
  w.at = w.pos;
}

const SCAN_NODE: PolicyNode = { k: SCAN };

export interface JsonResult {
  /** The masked text (the input itself when nothing changed); undefined when the input is not valid JSON. */
  text?: string;
  /** Pieces of content that could not be scanned and were kept as they are (images, PDFs, URL and file sources). */
  unscannable?: number;
  error?: string;
  offset?: number;
}

/** Masks the JSON text s under policy. */
export function maskJson(sess: Session, s: string, policy: PolicyNode): JsonResult {
  const learnedBefore = sess.learned.length;
  const r = rewrite(sess, s, policy, false);
  if (r.text === undefined) return r;
  // a name learned in a later string may also stand in an earlier one: walk again, with everything learned, only then
  // (many new names: walk again without searching for each, which would be quadratic)
  if (sess.learned.length - learnedBefore > 16) return rewrite(sess, s, policy, false);
  for (let k = learnedBefore; k < sess.learned.length; k++) {
    const first = s.indexOf(sess.learned[k].name);
    if (first >= 0 && first < sess.learned[k].at) return rewrite(sess, s, policy, false);
  }
  // bare 12-digit numbers left alone before the first AWS signal are account ids after all
  if (sess.weakDropped && sess.awsSignal) return rewrite(sess, s, policy, false);
  return r;
}

/** Restores this session's pseudonyms in the JSON text s, in the strings policy scans. */
export function restoreJson(sess: Session, s: string, policy: PolicyNode): JsonResult {
  return rewrite(sess, s, policy, true);
}

function walkDocument(w: Walk, policy: PolicyNode): void {
  value(w, policy, "");
  ws(w);
  if (w.pos < w.n) fail(w, "unexpected data after the JSON value");
}

function rewrite(sess: Session, s: string, policy: PolicyNode, restore: boolean): JsonResult {
  const w: Walk = {
    s,
    n: s.length,
    pos: 0,
    at: 0,
    parts: [],
    sess,
    restore,
    nextEscape: -1,
    escaped: false,
    depth: 0,
    scanNode: SCAN_NODE,
    keysAt: [],
    serial: 0,
    unscannable: 0,
  };
  const thrown = callProtected(walkDocument, w, policy);
  if (thrown !== undefined) {
    const je = thrown as JsonError;
    if (typeof thrown === "object" && je.jsonError !== undefined) return { error: je.jsonError, offset: je.offset };
    throw thrown;
  }
  if (w.parts.length === 0) return { text: s, unscannable: w.unscannable };
  w.parts.push(sub(s, w.at, s.length));
  return { text: w.parts.join(""), unscannable: w.unscannable };
}
