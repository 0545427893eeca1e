// Incremental restorer for Claude's streamed answers (Server-Sent Events). Pure (no ngx/kong) and portable: the same
// source runs compiled to Lua in the gateway's body_filter and as JavaScript in Node. See docs/streaming.md.
//
// Chunks may be cut anywhere. Only the unfinished tail of the current event is carried to the next call, and per
// content block only the tail of its text that could still become one of this session's pseudonyms (at most
// sess.maxLen - 1 bytes). Everything else goes out at once.
//
// Restoration works on the raw, still JSON-escaped content of the string fields: pseudonyms are made of
// [A-Za-z0-9_], which no JSON encoder escapes, so they read the same escaped or not, and the bytes around them stay
// exactly as Claude sent them (no decode/re-encode, nothing to get wrong with \u escapes, surrogates or UTF-8 cut in
// the middle: held tails start at an ASCII letter outside any escape, so they never split one).
//
// Strings: in Lua they are bytes; in Node pass "binary" strings (latin1, one unit per byte) for byte-exact results —
// UTF-16 strings work as well, since only ASCII is ever interpreted.

import { byteAt, cls, clsAt, runOf, isHexDigit, sub, C_DIGIT, C_WORD, LF, CR, BACKSLASH, UNDERSCORE } from "./chars";
import { HASH_LEN, hashCharsIn } from "./pseudonym";
import { Session, restoreLevel, RestoreMark } from "./session";
import type { EntryCall } from "./warmup";

/** Default cap of the carried partial event (bytes); beyond it the event is passed through restored-as-possible. */
export const MAX_EVENT_BYTES = 1048576;

interface Block {
  /** Raw (JSON-escaped) masked text not released yet. */
  held: string;
  /** Delta type that produced it: text_delta or input_json_delta. */
  dtype: string;
  /** Its string field: text or partial_json. */
  field: string;
  /** JSON escaping levels of originals in that field: 1 for text, 2 for partial_json (JSON text inside a string). */
  level: number;
}

/** "undecided" until the first chunk; then "pass" (nothing to restore) or "restore". */
export type StreamMode = "undecided" | "pass" | "restore";

export interface StreamState {
  sess: Session;
  /** Cap of the carried partial event. */
  maxEvent: number;
  /** Decided at the first chunk: "pass" when the session has no pseudonym (chunks go through as they are). */
  mode: StreamMode;
  /** Unfinished event carried over: parts and total length, and its last two units (to spot a terminator split). */
  pend: string[];
  pendLen: number;
  last2: string;
  /** Inside an event larger than maxEvent: its bytes stream through restored, ovTail held like a block's text. */
  overflow: boolean;
  ovTail: string;
  /** Per content block index (the raw JSON number text), and the indexes holding text in arrival order. */
  blocks: Record<string, Block>;
  order: string[];
  /** Total length of the blocks' held text (kept as it changes: streamHeld runs after every chunk). */
  heldText: number;
  /** Line end of the latest event, used for synthesized events. */
  eol: string;
  /** Scratch: the tail held back by the last restoreSpan call. */
  rest: string;
  /** Scratch: where restoreSpan's restoring ended (restoreLevel fills it). */
  mark: RestoreMark;
  /** High-water mark of streamHeld (metrics). */
  maxHeld: number;
  /** Counters (metrics/tests): events seen, events rewritten, delta events synthesized, overflowed events. */
  events: number;
  rewritten: number;
  synthesized: number;
  overflows: number;
}

export function newStream(sess: Session, maxEvent?: number): StreamState {
  return {
    sess,
    maxEvent: maxEvent !== undefined && maxEvent > 0 ? maxEvent : MAX_EVENT_BYTES,
    mode: "undecided",
    pend: [],
    pendLen: 0,
    last2: "",
    overflow: false,
    ovTail: "",
    blocks: {},
    order: [],
    heldText: 0,
    eol: "\n",
    rest: "",
    mark: { end: 0 },
    maxHeld: 0,
    events: 0,
    rewritten: 0,
    synthesized: 0,
    overflows: 0,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Restoring a span of raw JSON string content

/** True when s[p] (an A-F) is one of the four hex digits of a \u escape. */
function inUEscape(s: string, p: number): boolean {
  for (let k = 1; k <= 4; k++) {
    const q = p - k; // candidate position of the "u"
    if (q < 1) return false;
    const c = byteAt(s, q);
    if (c === 117) {
      if (byteAt(s, q - 1) !== 92) return false;
      let b = q - 1;
      while (b >= 0 && byteAt(s, b) === 92) b--;
      return (q - 1 - b) % 2 === 1; // odd run of backslashes: a real escape
    }
    if (!isHexDigit(c)) return false;
  }
  return false;
}

/** True when s[p, n) (s[p] upper-case) could still grow into a pseudonym: [A-Z][A-Z0-9_]* then at most "_" + hash. */
function shapePrefix(s: string, p: number, n: number): boolean {
  let j = p + 1;
  let lastU = -1;
  while (j < n) {
    const c = byteAt(s, j);
    if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57)) j++;
    else if (c === 95) {
      lastU = j;
      j++;
    } else break;
  }
  if (j === n) return true;
  return lastU >= 0 && n - lastU - 1 <= HASH_LEN && hashCharsIn(s, lastU + 1, n);
}

/** True for [A-Za-z0-9_], the units a pseudonym is made of. */
function isPseudonymUnit(c: number): boolean {
  return c === UNDERSCORE || (cls(c) & C_WORD) !== 0;
}

/** Start of the tail of s[from, n) to hold back (n when none): the longest suffix shorter than maxLen that is a pseudonym prefix. */
function holdStart(s: string, from: number, n: number, maxLen: number): number {
  if (maxLen <= 1) return n;
  let lo = n - (maxLen - 1);
  if (lo < from) lo = from;
  // a pseudonym prefix is made of [A-Za-z0-9_] only: candidates lie in the run of those that ends s (most texts end
  // with a space or punctuation: no candidate, no scan)
  let p = n;
  while (p > lo && isPseudonymUnit(byteAt(s, p - 1))) p--;
  for (; p < n; p++) {
    const c = byteAt(s, p);
    if (c < 65 || c > 90) continue;
    if (c <= 70 && inUEscape(s, p)) continue;
    if (shapePrefix(s, p, n)) return p;
  }
  return n;
}

/**
 * s with this session's complete pseudonyms restored (originals escaped `level` times). When hold is true, the tail
 * that could still become a pseudonym is cut off and left in st.rest (else st.rest is "").
 */
function restoreSpan(st: StreamState, s: string, level: number, hold: boolean): string {
  const n = s.length;
  const out = restoreLevel(st.sess, s, level, st.mark);
  // the held tail lies after the last restored pseudonym, so it ends `out` unchanged
  const h = hold ? holdStart(s, st.mark.end, n, st.sess.maxLen) : n;
  st.rest = h < n ? sub(s, h, n) : "";
  return h < n ? sub(out, 0, out.length - (n - h)) : out;
}

// ---------------------------------------------------------------------------------------------------------------
// Minimal raw JSON scanning (values are located, never decoded)

// skipString and terminatorEnd run per event and hold a loop: the usual case is answered before the loop. A small
// function whose loop LuaJIT compiles on its own gets its entry blacklisted when interpreted code calls it often, and
// then every trace that reaches it aborts (seen in bench/stream.lua: per-event cost 0.8 -> 1.6 µs in such processes).

/** p at an opening quote: the index after the closing quote, or -1. */
function skipString(s: string, p: number, n: number): number {
  const first = s.indexOf('"', p + 1);
  if (first < 0 || first >= n) return -1;
  if (first - 1 <= p || byteAt(s, first - 1) !== BACKSLASH) return first + 1; // the usual case: no escape before it
  let q = p + 1;
  while (true) {
    const k = s.indexOf('"', q);
    if (k < 0 || k >= n) return -1;
    let b = k - 1;
    while (b > p && byteAt(s, b) === 92) b--;
    if ((k - 1 - b) % 2 === 0) return k + 1;
    q = k + 1;
  }
}

function skipWs(s: string, p: number, n: number): number {
  // compact JSON has no blank between tokens: answer without entering the loop (as json.ts ws does), so that a round
  // of members' loop enters no other loop
  if (p >= n || byteAt(s, p) > 32) return p;
  while (p < n) {
    const c = byteAt(s, p);
    if (c === 32 || c === 9 || c === 10 || c === 13) p++;
    else break;
  }
  return p;
}

/** The end of the JSON value starting at p, or -1. */
function skipValue(s: string, p: number, n: number): number {
  if (p >= n) return -1;
  const c0 = byteAt(s, p);
  if (c0 === 34) return skipString(s, p, n);
  if (c0 === 123 || c0 === 91) {
    let depth = 0;
    let q = p;
    while (q < n) {
      const c = byteAt(s, q);
      if (c === 34) {
        q = skipString(s, q, n);
        if (q < 0) return -1;
        continue;
      }
      if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        depth--;
        if (depth === 0) return q + 1;
      }
      q++;
    }
    return -1;
  }
  let q = p;
  while (q < n) {
    const c = byteAt(s, q);
    if (c === 44 || c === 125 || c === 93 || c === 32 || c === 9 || c === 10 || c === 13) break;
    q++;
  }
  return q > p ? q : -1;
}

/**
 * Members of the object s[a, b): for each key in keys found, spans[2i] / spans[2i+1] = its value's start / end.
 * Missing keys keep -1. Returns false when the text is not an object this scanner understands.
 */
export function members(s: string, a: number, b: number, keys: string[], spans: number[]): boolean {
  for (let i = 0; i < keys.length * 2; i++) spans[i] = -1;
  let p = skipWs(s, a, b);
  if (p >= b || byteAt(s, p) !== 123) return false;
  p = skipWs(s, p + 1, b);
  if (p < b && byteAt(s, p) === 125) return true;
  while (p < b) {
    if (byteAt(s, p) !== 34) return false;
    const ke = skipString(s, p, b);
    if (ke < 0) return false;
    const klen = ke - p - 2;
    let which = -1;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i].length === klen && sub(s, p + 1, ke - 1) === keys[i]) {
        which = i;
        break;
      }
    }
    p = skipWs(s, ke, b);
    if (p >= b || byteAt(s, p) !== 58) return false;
    p = skipWs(s, p + 1, b);
    const ve = skipValue(s, p, b);
    if (ve < 0) return false;
    if (which >= 0) {
      spans[which * 2] = p;
      spans[which * 2 + 1] = ve;
    }
    p = skipWs(s, ve, b);
    if (p >= b) return false;
    const c = byteAt(s, p);
    if (c === 125) return true;
    if (c !== 44) return false;
    p = skipWs(s, p + 1, b);
  }
  return false;
}

/** Content of the string token at [a, b) (quotes stripped), or undefined when it is not a string. */
function stringContent(s: string, a: number, b: number): string | undefined {
  if (a < 0 || b - a < 2 || byteAt(s, a) !== 34) return undefined;
  return sub(s, a + 1, b - 1);
}

const TOP_KEYS = ["type", "index", "delta", "content_block"];
const TYPE_KEY = ["type"];
const DELTA_KEYS = ["type", "text", "partial_json"];
const TYPE_PREFIX = '{"type":"';

// ---------------------------------------------------------------------------------------------------------------
// Events

/** The last two units of s (s itself when shorter): enough to spot an event terminator split across chunks. */
function lastTwo(s: string): string {
  return s.length > 2 ? sub(s, s.length - 2, s.length) : s;
}

/** End (exclusive) of the event starting at `from` in s — after its blank line — or -1 when it is not complete yet. */
function eventEnd(s: string, from: number): number {
  const n = s.length;
  if (from < n) {
    // a blank line right at the start: an empty event of its own
    const c = byteAt(s, from);
    if (c === 10) return from + 1;
    if (c === 13 && from + 1 < n && byteAt(s, from + 1) === 10) return from + 2;
  }
  return terminatorEnd(s, from);
}

/** End of the first "\n\n" or "\n\r\n" at or after from, or -1. */
function terminatorEnd(s: string, from: number): number {
  const n = s.length;
  let i = s.indexOf("\n", from);
  // the usual event ("event: …\ndata: …\n\n") is decided by its first two line ends
  if (i < 0) return -1;
  if (i + 1 < n && byteAt(s, i + 1) === LF) return i + 2;
  if (i + 1 < n && byteAt(s, i + 1) !== CR) {
    i = s.indexOf("\n", i + 1);
    if (i < 0) return -1;
    if (i + 1 < n && byteAt(s, i + 1) === LF) return i + 2;
  }
  while (i >= 0) {
    if (i + 1 >= n) return -1;
    const c = byteAt(s, i + 1);
    if (c === 10) return i + 2;
    if (c === 13) {
      if (i + 2 >= n) return -1;
      if (byteAt(s, i + 2) === 10) return i + 3;
    }
    i = s.indexOf("\n", i + 1);
  }
  return -1;
}

function synthDelta(st: StreamState, key: string, b: Block): string {
  const text = restoreSpan(st, b.held, b.level, false);
  st.heldText -= b.held.length;
  b.held = "";
  st.synthesized++;
  const eol = st.eol;
  return (
    "event: content_block_delta" +
    eol +
    'data: {"type":"content_block_delta","index":' +
    key +
    ',"delta":{"type":"' +
    b.dtype +
    '","' +
    b.field +
    '":"' +
    text +
    '"}}' +
    eol +
    eol
  );
}

/** Releases the held text of one block (a synthesized delta, or ""). */
function flushBlock(st: StreamState, key: string): string {
  const b = st.blocks[key];
  if (b === undefined || b.held === "") return "";
  dropHolder(st, key);
  return synthDelta(st, key, b);
}

/**
 * Removes key from st.order (the block no longer holds text). Usually the one holding block, checked without a loop:
 * a generic splice here, per event, is a function of loops LuaJIT aborts traces on.
 */
function dropHolder(st: StreamState, key: string): void {
  const order = st.order;
  const last = order.length - 1;
  if (last >= 0 && order[last] === key) {
    order.pop();
    return;
  }
  for (let i = 0; i < last; i++) {
    if (order[i] === key) {
      for (let j = i; j < last; j++) order[j] = order[j + 1];
      order.pop();
      return;
    }
  }
}

/** Releases the held text of every block, in the order they started holding. */
function flushAll(st: StreamState): string {
  if (st.order.length === 0) return "";
  const out: string[] = [];
  for (const key of st.order) {
    const b = st.blocks[key];
    if (b !== undefined && b.held !== "") out.push(synthDelta(st, key, b));
  }
  st.order = [];
  return out.join("");
}

function isTagChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** text_delta / input_json_delta: the string field [fa, fb) of the event [a, e) restored, its tail held. */
function textDelta(
  st: StreamState,
  s: string,
  a: number,
  e: number,
  key: string,
  dtype: string,
  field: string,
  level: number,
  fa: number,
  fb: number,
): string | undefined {
  let b: Block | undefined = st.blocks[key];
  let prefix = "";
  if (b !== undefined && b.dtype !== dtype) {
    prefix = flushBlock(st, key);
    b = undefined;
  }
  const held = b !== undefined ? b.held : "";
  if (held === "") {
    // fast path: no "_" and no tag character at the end: nothing to restore, nothing to hold
    if (fb === fa) return prefix === "" ? undefined : prefix + sub(s, a, e);
    const i = s.indexOf("_", fa);
    if ((i < 0 || i >= fb) && !isTagChar(byteAt(s, fb - 1))) return prefix === "" ? undefined : prefix + sub(s, a, e);
  }
  const raw = sub(s, fa, fb);
  const c = held === "" ? raw : held + raw;
  const out = restoreSpan(st, c, level, true);
  const rest = st.rest;
  if (b === undefined) {
    b = { held: "", dtype, field, level };
    st.blocks[key] = b;
  }
  if (rest !== "" && b.held === "") st.order.push(key);
  else if (rest === "" && b.held !== "") dropHolder(st, key);
  st.heldText += rest.length - b.held.length;
  b.held = rest;
  if (held === "" && rest === "" && out === raw && prefix === "") return undefined;
  if (prefix !== "") {
    openEvent(s, a);
    fedPut(prefix);
    fedTo = a;
  }
  // the input before the text goes in one part with what went before it unchanged (an earlier event's end, the events
  // between), and the event's end with what follows it (see closeFed): two parts per rewritten event, not four
  fedPut(sub(s, fedTo, fa));
  fedPut(out);
  fedTo = fb;
  return WRITTEN;
}

const INDEX_SEP = '","index":';
const DELTA_SEP = ',"delta":{"type":"';
const TEXT_DELTA_HEAD = DELTA_SEP + 'text_delta","text":"';
const JSON_DELTA_HEAD = DELTA_SEP + 'input_json_delta","partial_json":"';

/**
 * Fast path for a content_block_delta in the exact layout Claude sends
 * ({"type":"content_block_delta","index":N,"delta":{"type":"T","text"|"partial_json":"..."}}); p is just after
 * the type's value. Returns false when the layout differs (the generic scanner then handles the event).
 */
function canonicalDelta(
  st: StreamState,
  s: string,
  a: number,
  e: number,
  p: number,
  ve: number,
): string | undefined | false {
  if (sub(s, p, p + INDEX_SEP.length) !== INDEX_SEP) return false;
  return deltaAfterIndex(st, s, a, e, p + INDEX_SEP.length, ve);
}

/**
 * End of the run of digits at s[p, n). A block index has one or two digits: those are checked without a loop, which
 * would be an inner loop of every trace through the per-event path (LuaJIT then splits it there).
 */
function digitsEnd(s: string, p: number, n: number): number {
  if ((clsAt(s, p, n) & C_DIGIT) === 0) return p;
  if ((clsAt(s, p + 1, n) & C_DIGIT) === 0) return p + 1;
  return p + 2 + runOf(s, p + 2, n, C_DIGIT);
}

/** canonicalDelta from the index value on (ia): its digits, then the delta in Claude's layout. */
function deltaAfterIndex(
  st: StreamState,
  s: string,
  a: number,
  e: number,
  ia: number,
  ve: number,
): string | undefined | false {
  const q = digitsEnd(s, ia, ve);
  if (q === ia) return false;
  let field: string;
  let level: number;
  let fq: number; // the string value's opening quote
  // the delta's type and field in one comparison each (text first: most deltas are text)
  if (sub(s, q, q + TEXT_DELTA_HEAD.length) === TEXT_DELTA_HEAD) {
    field = "text";
    level = 1;
    fq = q + TEXT_DELTA_HEAD.length - 1;
  } else if (sub(s, q, q + JSON_DELTA_HEAD.length) === JSON_DELTA_HEAD) {
    field = "partial_json";
    level = 2;
    fq = q + JSON_DELTA_HEAD.length - 1;
  } else {
    if (sub(s, q, q + DELTA_SEP.length) !== DELTA_SEP) return false;
    const ta = q + DELTA_SEP.length;
    const tb = s.indexOf('"', ta);
    if (tb < 0 || tb >= ve) return false;
    const dtype = sub(s, ta, tb);
    if (dtype === "thinking_delta" || dtype === "signature_delta") return undefined; // signed: never touched
    return false;
  }
  const fe = skipString(s, fq, ve);
  if (fe < 0 || fe + 2 !== ve || byteAt(s, fe) !== 125 || byteAt(s, fe + 1) !== 125) return false;
  return textDelta(
    st,
    s,
    a,
    e,
    sub(s, ia, q),
    field === "text" ? "text_delta" : "input_json_delta",
    field,
    level,
    fq + 1,
    fe - 1,
  );
}

// Claude's own layout of its most frequent events, matched whole (one substring each) before the generic scan: a
// content_block_delta up to its index, and a ping (a ping is never rewritten, whatever it says).
const DELTA_EVENT_LINE = "event: content_block_delta";
const DELTA_EVENT_HEAD = DELTA_EVENT_LINE + '\ndata: {"type":"content_block_delta","index":';
const DELTA_EVENT_HEAD_CRLF = DELTA_EVENT_LINE + '\r\ndata: {"type":"content_block_delta","index":';
const PING_EVENT = 'event: ping\ndata: {"type": "ping"}\n\n';
const PING_EVENT_CRLF = 'event: ping\r\ndata: {"type": "ping"}\r\n\r\n';

/**
 * Fast path for the event [a, e) in Claude's exact layout of a content_block_delta (event line, one data line, blank
 * line): the delta restored (text, partial_json) or left alone (thinking, signature). false when the layout differs:
 * the generic scan then decides, with the same outcome for this layout.
 */
function claudeDelta(st: StreamState, s: string, a: number, e: number): string | undefined | false {
  // the unit after "event: content_block_delta" picks the line ending; any other event is turned away with no substring
  const c = byteAt(s, a + DELTA_EVENT_LINE.length);
  const want = c === 10 ? DELTA_EVENT_HEAD : c === 13 ? DELTA_EVENT_HEAD_CRLF : undefined;
  if (want === undefined) return false;
  const head = want.length;
  if (sub(s, a, a + head) !== want) return false;
  // the data line is the event's last line (nothing but the blank line after it)
  const ia = a + head;
  const le = s.indexOf("\n", ia);
  if (le < 0 || le >= e || e - le > 3) return false;
  st.eol = head === DELTA_EVENT_HEAD.length ? "\n" : "\r\n";
  const ve = byteAt(s, le - 1) === 13 ? le - 1 : le;
  return deltaAfterIndex(st, s, a, e, ia, ve);
}

/** The rewritten event [a, e) with any release of held text before it, or undefined when it goes out unchanged. */
function processEvent(st: StreamState, s: string, a: number, e: number): string | undefined {
  st.events++;
  const fast = claudeDelta(st, s, a, e);
  if (fast !== false) return fast;
  const len = e - a;
  if ((len === PING_EVENT.length || len === PING_EVENT_CRLF.length) && sub(s, a, e) === PING_EVENT) return undefined;
  if (len === PING_EVENT_CRLF.length && sub(s, a, e) === PING_EVENT_CRLF) return undefined;
  const nl = s.indexOf("\n", a);
  if (nl < a || nl >= e) return undefined;
  st.eol = nl > a && byteAt(s, nl - 1) === 13 ? "\r\n" : "\n";
  // the data line (exactly one)
  let d: number;
  if (sub(s, a, a + 5) === "data:") d = a;
  else {
    d = s.indexOf("\ndata:", a);
    if (d < 0 || d >= e) return undefined;
    d++;
  }
  let vs = d + 5;
  if (vs < e && byteAt(s, vs) === 32) vs++;
  const le = s.indexOf("\n", vs);
  if (le < 0 || le >= e) return undefined;
  const ve = le > vs && byteAt(s, le - 1) === 13 ? le - 1 : le;
  const more = s.indexOf("\ndata:", le);
  if (more >= 0 && more < e) return undefined; // multi-line data: not Claude's format, passed through

  // event type: the data's "type" (Claude always writes it first)
  let type: string | undefined;
  if (sub(s, vs, vs + 9) === TYPE_PREFIX) {
    const q = s.indexOf('"', vs + 9);
    if (q < 0 || q >= ve) return undefined;
    type = sub(s, vs + 9, q);
  } else {
    const sp: number[] = [];
    if (!members(s, vs, ve, TYPE_KEY, sp)) return undefined;
    type = stringContent(s, sp[0], sp[1]);
  }
  if (type === undefined) return undefined;
  if (type === "message_stop" || type === "error") {
    if (st.order.length === 0) return undefined;
    return flushAll(st) + sub(s, a, e);
  }
  const isDelta = type === "content_block_delta";
  if (isDelta) {
    const r = canonicalDelta(st, s, a, e, vs + 9 + type.length, ve);
    if (r !== false) return r;
  }
  if (type === "message_delta") {
    // stop_sequence holds the pseudonym the model stopped on (stop_sequences are masked): restored like a JSON answer
    const raw = sub(s, vs, ve);
    const r = restoreSpan(st, raw, 1, false);
    return r === raw ? undefined : sub(s, a, vs) + r + sub(s, ve, e);
  }
  const isStart = type === "content_block_start";
  const isStop = type === "content_block_stop";
  if (!isDelta && !isStart && !isStop) return undefined;

  const top: number[] = [];
  if (!members(s, vs, ve, TOP_KEYS, top) || top[2] < 0) return undefined;
  const key = sub(s, top[2], top[3]);
  if (isStop) {
    const pre = flushBlock(st, key);
    delete st.blocks[key];
    return pre === "" ? undefined : pre + sub(s, a, e);
  }
  if (isStart) {
    const pre = flushBlock(st, key);
    delete st.blocks[key];
    const ca = top[6];
    const cb = top[7];
    let out: string | undefined = undefined;
    if (ca >= 0) {
      const tsp: number[] = [];
      const cbType = members(s, ca, cb, TYPE_KEY, tsp) ? stringContent(s, tsp[0], tsp[1]) : undefined;
      if (cbType !== "thinking" && cbType !== "redacted_thinking") {
        const raw = sub(s, ca, cb);
        const r = restoreSpan(st, raw, 1, false);
        if (r !== raw) out = sub(s, a, ca) + r + sub(s, cb, e);
      }
    }
    if (out === undefined) return pre === "" ? undefined : pre + sub(s, a, e);
    return pre + out;
  }
  // content_block_delta
  const da = top[4];
  const db = top[5];
  if (da < 0) return undefined;
  const dsp: number[] = [];
  if (!members(s, da, db, DELTA_KEYS, dsp)) return undefined;
  const dtype = stringContent(s, dsp[0], dsp[1]);
  if (dtype === "thinking_delta" || dtype === "signature_delta") return undefined; // signed: never touched
  if (dtype === "text_delta" && dsp[2] >= 0 && byteAt(s, dsp[2]) === 34) {
    return textDelta(st, s, a, e, key, "text_delta", "text", 1, dsp[2] + 1, dsp[3] - 1);
  }
  if (dtype === "input_json_delta" && dsp[4] >= 0 && byteAt(s, dsp[4]) === 34) {
    return textDelta(st, s, a, e, key, "input_json_delta", "partial_json", 2, dsp[4] + 1, dsp[5] - 1);
  }
  // citations_delta and any other delta: every string restored, nothing held (each delta is complete). The block's
  // held text stays held (it is released before content_block_stop): a citation may arrive between two text deltas.
  const raw = sub(s, da, db);
  const r = restoreSpan(st, raw, 1, false);
  if (r === raw) return undefined;
  return sub(s, a, da) + r + sub(s, db, e);
}

/**
 * The output of the streamFeed call under way, in parts: the input, with each rewritten event in place of the
 * original. A rewritten event is not made a string of its own, nor is the output of a call of a few parts: the events
 * of all streams share their first, middle and last bytes and often their length, about all LuaJIT's string hash reads
 * of a string of 128 bytes or more (see memo.ts), so every new such string is compared byte by byte with the ones of
 * its length not yet collected (the cold streamed cell spent half of its worker's time so, in lj_str_new and memcmp,
 * when each event was a string). nginx's body filter takes the parts as they are (ngx.arg[1] accepts a list of strings:
 * streamFeedParts). One list for all streams: a call fills and hands it within itself: its first fedCount parts are
 * the call's, any after them an earlier call's.
 */
const FED: string[] = [];
let fedCount = 0;
/** How far the input of the call under way (data in processData, the chunk in streamFeed) is in FED. */
let fedTo = 0;
/** The input of the call under way when it goes out whole and unchanged, and nothing else with it (not copied). */
let fedWhole: string | undefined = undefined;

/** What a function that rewrites an event returns once it has put the event in FED itself (see openEvent). */
const WRITTEN = "\u0000written";

/** piece as the call's next part. */
function fedPut(piece: string): void {
  if (piece === "") return;
  FED[fedCount] = piece;
  fedCount++;
}

/**
 * Most parts a call hands over as they are; more are joined into one string. nginx copies a list part by part through
 * Lua's C API (~0.15 µs a part in the gateway worker), where a joined string costs one string made, which can be far
 * more for an event (see FED) but less for a chunk of many events, whose lengths vary from call to call. Claude flushes
 * every event: a call usually rewrites one, two parts, three with the event's end.
 */
const PARTS_MAX = 16;

/** The call's output: its parts (FED cut to them), joined when there are many, or "" when it has none. */
function fedParts(): string | string[] {
  if (fedCount === 0) return "";
  while (FED.length > fedCount) FED.pop();
  return fedCount > PARTS_MAX ? FED.join("") : FED;
}

/** Before a rewritten event [a, ...) of s is put in FED: the input not put yet up to a goes first. */
function openEvent(s: string, a: number): void {
  if (fedTo < a) fedPut(sub(s, fedTo, a));
}

/** The input of the call under way not put yet, up to e, put (after the last rewritten event of [0, e) of s). */
function closeFed(s: string, e: number): void {
  if (fedTo < e) fedPut(sub(s, fedTo, e));
  fedTo = e;
}

/** Complete events of data: rewritten ones put in FED in place of the originals; the unfinished tail carried. */
function processData(st: StreamState, data: string): void {
  let pos = 0;
  fedTo = 0;
  while (true) {
    const e = eventEnd(data, pos);
    if (e < 0) break;
    const rep = processEvent(st, data, pos, e);
    if (rep !== undefined) {
      st.rewritten++;
      if (rep !== WRITTEN) {
        openEvent(data, pos);
        fedPut(rep);
        fedTo = e;
      }
    }
    pos = e;
  }
  if (fedTo === 0 && pos === data.length && fedCount === 0) fedWhole = data;
  else closeFed(data, pos);
  if (pos < data.length) {
    const tail = pos === 0 ? data : sub(data, pos, data.length);
    st.pend = [tail];
    st.pendLen = tail.length;
    st.last2 = lastTwo(tail);
    if (st.pendLen > st.maxEvent) startOverflow(st);
  }
}

/** The carried event outgrew maxEvent: release held text, then stream the event's bytes through restored. */
function startOverflow(st: StreamState): void {
  st.overflows++;
  fedPut(flushAll(st));
  const raw = st.pend.length === 1 ? st.pend[0] : st.pend.join("");
  st.pend = [];
  st.pendLen = 0;
  st.overflow = true;
  st.last2 = lastTwo(raw);
  fedPut(restoreSpan(st, raw, 1, true));
  st.ovTail = st.rest;
}

/** Starts a streamFeed call's output. */
function startFeed(): void {
  // nothing an earlier call left (one that failed half-way) goes out with this one
  fedCount = 0;
  fedTo = 0;
  fedWhole = undefined;
}

/** The output of the streamFeed call under way. */
function result(st: StreamState): string | string[] {
  const h = streamHeld(st);
  if (h > st.maxHeld) st.maxHeld = h;
  const whole = fedWhole;
  if (whole !== undefined) {
    fedWhole = undefined;
    return whole;
  }
  return fedParts();
}

/** The restored output of chunk, one string (see streamFeedParts). */
export function streamFeed(st: StreamState, chunk: string): string {
  const out = streamFeedParts(st, chunk);
  return typeof out === "string" ? out : out.join("");
}

/**
 * The restored output of chunk: one string, or the parts to send in order (the stream module's list, valid until the
 * next call; see FED), for a caller that can send parts without joining them (nginx's body filter).
 */
export function streamFeedParts(st: StreamState, chunk: string): string | string[] {
  if (st.mode === "undecided") st.mode = st.sess.entries.length === 0 ? "pass" : "restore";
  if (st.mode === "pass" || chunk.length === 0) return chunk;
  startFeed();
  if (!st.overflow && st.pendLen === 0 && eventEnd(chunk, 0) === chunk.length) {
    // one whole event, the usual chunk of a streamed answer (Claude flushes every event): no parts to gather
    const rep = processEvent(st, chunk, 0, chunk.length);
    if (rep !== undefined) st.rewritten++;
    const h = streamHeld(st);
    if (h > st.maxHeld) st.maxHeld = h;
    if (rep !== WRITTEN) return rep === undefined ? chunk : rep;
    closeFed(chunk, chunk.length);
    return fedParts();
  }
  let data = chunk;
  if (st.overflow) {
    const look = st.last2 + chunk;
    const t = terminatorEnd(look, 0);
    if (t < 0) {
      fedPut(restoreSpan(st, st.ovTail + chunk, 1, true));
      st.ovTail = st.rest;
      st.last2 = lastTwo(look);
      return result(st);
    }
    const cut = t - st.last2.length; // the event ends at chunk[cut]
    fedPut(restoreSpan(st, st.ovTail + sub(chunk, 0, cut), 1, false));
    st.overflow = false;
    st.ovTail = "";
    st.last2 = "";
    data = sub(chunk, cut, chunk.length);
    if (data.length === 0) return result(st);
  } else if (st.pendLen > 0) {
    const look = st.last2 + chunk;
    if (terminatorEnd(look, 0) < 0) {
      st.pend.push(chunk);
      st.pendLen += chunk.length;
      st.last2 = lastTwo(look);
      if (st.pendLen > st.maxEvent) startOverflow(st);
      return result(st);
    }
    st.pend.push(chunk);
    data = st.pend.join("");
    st.pend = [];
    st.pendLen = 0;
    st.last2 = "";
  }
  processData(st, data);
  return result(st);
}

export function streamFinish(st: StreamState): string {
  const out: string[] = [];
  if (st.overflow) {
    out.push(restoreSpan(st, st.ovTail, 1, false));
    st.overflow = false;
    st.ovTail = "";
  }
  out.push(flushAll(st));
  if (st.pendLen > 0) {
    out.push(restoreSpan(st, st.pend.join(""), 1, false));
    st.pend = [];
    st.pendLen = 0;
  }
  st.last2 = "";
  st.blocks = {};
  st.heldText = 0;
  return out.join("");
}

export function streamHeld(st: StreamState): number {
  return st.pendLen + st.ovTail.length + st.heldText;
}

/** Bytes of text held back for restoration only (excluding the carried partial event). */
export function streamHeldText(st: StreamState): number {
  return st.ovTail.length + st.heldText;
}

/** The stream's per-event functions that hold a loop, on input where each returns first (engine/warmup.ts). */
export const STREAM_ENTRY_CALLS: EntryCall[] = [
  // nothing can be held: no pseudonym is one unit long
  { fn: holdStart, args: ["", 0, 0, 1] },
];
