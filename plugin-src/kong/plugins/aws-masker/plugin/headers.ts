// Request headers toward the upstream (docs/field-rules.md, "Headers"): what says where the client is or which hops
// the request took is not sent; the Claude API's credentials and the transport headers nginx rebuilds go as they
// are; every other header is scanned and its identifiers masked in place.
import {
  Masker,
  Session,
  TenantMemory,
  maskText,
  learnedIn,
  rememberedIn,
  Match,
  Memo,
  newMemo,
  memoSet,
} from "../engine/index";
import { refuse } from "./errors";
import { count } from "./stats";

/** Client-address and hop headers (proxies, load balancers, CDNs): never sent upstream. */
const CLIENT_ADDRESS: Record<string, boolean> = {
  forwarded: true,
  via: true,
  "x-real-ip": true,
  "true-client-ip": true,
  "x-client-ip": true,
  "client-ip": true,
  "x-cluster-client-ip": true,
  "cf-connecting-ip": true,
  "fastly-client-ip": true,
  "x-original-forwarded-for": true,
  "x-originating-ip": true,
  "x-envoy-external-address": true,
  "x-amzn-trace-id": true,
};
const FORWARDED_PREFIX = "x-forwarded-";

/** Sent as received, never scanned: the API's credentials, and transport headers nginx rebuilds or access checks. */
const UNSCANNED: Record<string, boolean> = {
  "x-api-key": true,
  authorization: true,
  host: true,
  "content-length": true,
  "transfer-encoding": true,
  "content-encoding": true,
  "accept-encoding": true,
  connection: true,
  "keep-alive": true,
  te: true,
  upgrade: true,
  expect: true,
};

/** Kong's limit for kong.request.get_headers(); a request with more is refused rather than partly scanned. */
const MAX_HEADERS = 1000;

/** ngx.var (a reserved word in TypeScript), read per call: it is bound to the current request. */
export function nginxVars(): Record<string, string | undefined> {
  return (ngx as unknown as { var: Record<string, string | undefined> }).var;
}

/** What maskHeaders does with a header, by its (lower-case) name. */
const DROP = 1;
const PASS = 2;
const SCAN = 3;
/** Per worker: header name -> DROP, PASS or SCAN (clients send the same few names on every request); bounded. */
const headerActions = newMemo<number>(1024);

function headerAction(name: string): number {
  const action = headerActions.entries[name];
  if (action !== undefined) return action;
  if (CLIENT_ADDRESS[name] === true || string.sub(name, 1, FORWARDED_PREFIX.length) === FORWARDED_PREFIX)
    return memoSet(headerActions, name, DROP);
  return memoSet(headerActions, name, UNSCANNED[name] === true ? PASS : SCAN);
}

/**
 * Forwarding variables known to exist in this nginx (for the ngx.var table they were seen in): nginx defines its
 * variables at startup, so one that was there is there for the worker's life and is set without reading it first. One
 * not seen yet is read every time (Kong 3.4's template has no $upstream_via; setting a variable nginx lacks raises).
 */
let knownVars: { vars: unknown; present: Record<string, boolean> } = { vars: undefined, present: {} };

/** Empties one variable, unless the template lacks it. */
function emptyVar(vars: Record<string, string | undefined>, present: Record<string, boolean>, name: string): void {
  if (present[name] === true) {
    vars[name] = "";
  } else if (vars[name] !== undefined) {
    present[name] = true;
    vars[name] = "";
  }
}

/**
 * Empties the variables Kong's proxy template sends X-Forwarded-* (and Via, 3.9) from, which its runloop fills before
 * the plugins' access phase; an empty variable makes nginx send no header. X-Real-IP comes from $remote_addr, which no
 * plugin can change: the egress proxy removes it (kong/claude-proxy.conf). One call per variable, not a loop over a
 * list: the loop's trace aborted in LuaJIT (a root trace entering an inner loop) and cost twice as much (issue 12).
 */
export function dropForwarding(): void {
  const vars = nginxVars();
  if (knownVars.vars !== vars) knownVars = { vars, present: {} };
  const present = knownVars.present;
  emptyVar(vars, present, "upstream_x_forwarded_for");
  emptyVar(vars, present, "upstream_x_forwarded_proto");
  emptyVar(vars, present, "upstream_x_forwarded_host");
  emptyVar(vars, present, "upstream_x_forwarded_port");
  emptyVar(vars, present, "upstream_x_forwarded_path");
  emptyVar(vars, present, "upstream_x_forwarded_prefix");
  emptyVar(vars, present, "upstream_via");
}

/**
 * A header name or value the masker found no identifier in, and the names last looked for in it: this request's learned
 * names by their learnedKey, and each tenant memory (weak keys) at its version then (TenantMemory.version).
 */
interface CleanValue {
  learnedKey: string | undefined;
  checked: LuaTable<TenantMemory, number> | undefined;
}

/**
 * Per masker (weak keys), header names and values it found nothing in: clients resend the same user-agent, beta and
 * SDK headers on every request, so those are scanned once per worker; learned and remembered names are looked for
 * again when they differ from those last looked for (another request's learned names, a grown memory). Bounded by
 * CLEAN_MAX; past it the cache starts over.
 */
const cleanValues = setmetatable(new LuaTable<Masker, Memo<CleanValue>>(), { __mode: "k" });
const CLEAN_MAX = 4096;

/** Scratch list for remembersIn (replaced when it receives matches): no table per header on the clean path. */
let remembered: Match[] = [];

/** True when the tenant's memory holds a name that stands in value. */
function remembersIn(sess: Session, value: string): boolean {
  const mem = sess.memory;
  if (mem === undefined || mem.count === 0) return false;
  const occ = remembered;
  rememberedIn(mem, value, occ);
  if (occ.length === 0) return false;
  remembered = [];
  return true;
}

function cleanFor(masker: Masker): Memo<CleanValue> {
  let clean = cleanValues.get(masker);
  if (clean === undefined) {
    clean = newMemo<CleanValue>(CLEAN_MAX);
    cleanValues.set(masker, clean);
  }
  return clean;
}

/** True when one of this request's learned names or of the tenant's remembered names stands in value. */
export function namesIn(sess: Session, value: string): boolean {
  return (sess.learned.length > 0 && learnedIn(sess.learned, value).length > 0) || remembersIn(sess, value);
}

/** The session's learned names as one key, or undefined when they have none (too many; see Session.learnedKey). */
function learnedKeyOf(sess: Session): string | undefined {
  return sess.learnedKeyCount === sess.learned.length ? sess.learnedKey : undefined;
}

/** Records that no learned or remembered name of this request stands in a clean value. */
function noteNames(sess: Session, clean: CleanValue): void {
  clean.learnedKey = learnedKeyOf(sess);
  const mem = sess.memory;
  if (mem === undefined) return;
  if (clean.checked === undefined) clean.checked = setmetatable(new LuaTable<TenantMemory, number>(), { __mode: "k" });
  clean.checked.set(mem, mem.version);
}

/**
 * True when value is known to hold no identifier for this request: the masker found none in it before, and no
 * learned or remembered name stands in it now.
 */
function knownClean(sess: Session, value: string): boolean {
  const clean = cleanFor(sess.masker).entries[value];
  if (clean === undefined) return false;
  const key = learnedKeyOf(sess);
  const mem = sess.memory;
  // the same names as last time: nothing new can stand in it
  if (
    key !== undefined &&
    clean.learnedKey === key &&
    (mem === undefined || (clean.checked !== undefined && clean.checked.get(mem) === mem.version))
  ) {
    return true;
  }
  if (namesIn(sess, value)) return false;
  noteNames(sess, clean);
  return true;
}

/** Records that the masker (with this request's names) found no identifier in value (bounded: CLEAN_MAX). */
function noteClean(sess: Session, value: string): void {
  const entry: CleanValue = { learnedKey: undefined, checked: undefined };
  noteNames(sess, entry);
  memoSet(cleanFor(sess.masker), value, entry);
}

/** value with its identifiers masked (value itself when there are none): a header name or value. */
function maskValue(sess: Session, value: string): string {
  if (knownClean(sess, value)) return value;
  const out = maskText(sess, value, "");
  if (out === value) noteClean(sess, value);
  return out;
}

/**
 * The request's headers, read once in access (kong.request.get_headers builds the whole table on every call): that
 * table itself, not wrapped (each table a request makes costs the worker its allocation and its collection).
 */
export type RequestHeaders = LuaTable<string, string | string[]>;

/** The request's headers; a request with more than MAX_HEADERS is refused rather than partly read. */
export function requestHeaders(): RequestHeaders {
  const [headers, err] = kong.request.get_headers(MAX_HEADERS);
  if (err === "truncated") {
    return refuse(
      400,
      "invalid_request_error",
      "more than " + MAX_HEADERS + " request headers; they were not forwarded",
    );
  }
  return headers;
}

/**
 * One request header as kong.request.get_header gives it, from the table read once: a repeated header is asked
 * again (nginx gives its first value, or since 1.23 all of them joined).
 */
export function headerOf(rh: RequestHeaders, name: string): string | undefined {
  // name is lower-case, as the table's keys: rawget skips the table's case-folding __index (a tail call to rawget
  // that LuaJIT cannot compile, which blacklisted the trace of the caller; issue 12)
  const v = rawget(rh as unknown as Record<string, string | string[] | undefined>, name);
  if (v === undefined || typeof v === "string") return v;
  return kong.request.get_header(name);
}

/** Removes client-address headers and masks identifiers in every scanned header, with the request's session. */
export function maskHeaders(sess: Session, rh: RequestHeaders): void {
  let masked = 0;
  for (const [name, value] of rh) {
    const action = headerAction(name);
    if (action === DROP) {
      kong.service.request.clear_header(name);
      continue;
    }
    if (action === PASS) continue;
    // a name cannot be masked without changing what the header means
    if (maskValue(sess, name) !== name) {
      return refuse(
        400,
        "invalid_request_error",
        "a request header name contains an AWS identifier; it was not forwarded",
      );
    }
    if (typeof value === "string") {
      const out = maskValue(sess, value);
      if (out !== value) {
        kong.service.request.set_header(name, out);
        masked++;
      }
      continue;
    }
    // a repeated header: each value masked, the repetition kept
    const outs: string[] = [];
    let changed = false;
    for (const v of value) {
      const out = maskValue(sess, v);
      outs.push(out);
      if (out !== v) changed = true;
    }
    if (changed) {
      kong.service.request.set_header(name, outs[0]);
      for (let k = 1; k < outs.length; k++) kong.service.request.add_header(name, outs[k]);
      masked++;
    }
  }
  if (masked > 0) count("headers_masked", masked);
}
