// access phase: the whole request is masked before a byte goes upstream: the URL is checked in every decoded form,
// the body masked, the headers masked (headers.ts; forwarding headers dropped). Whatever cannot be masked (too large,
// not JSON, ambiguous, compressed, unreadable, unscannable media unless allowed) is refused with an Anthropic-shaped
// error; nothing is ever forwarded unmasked.
import {
  newSession,
  findIn,
  Session,
  Masker,
  TenantMemory,
  maskJson,
  DUPLICATE_KEY,
  urlForms,
  policyFor,
  Memo,
  newMemo,
  memoSet,
  JsonResult,
} from "../engine/index";
import { dropForwarding, maskHeaders, nginxVars, requestHeaders, headerOf, namesIn, RequestHeaders } from "./headers";
import { PluginConf, maskerFor } from "./conf";
import { refuse } from "./errors";
import { scopeFor } from "./tenant";
import { memoryFor, rememberSession, storableEntries } from "./learned";
import { batchResultsAccess, BATCHES_PATH, BatchState } from "./batches";
import { count } from "./stats";
import { RequestFigures, reportMasked } from "./observe";

/** What access leaves for the response phases in kong.ctx.plugin. */
export interface RequestState {
  session: Session;
  path: string;
  /** what the log phase reports (observe.ts reportMasked): its line, and the figures Kong's log plugins serialize */
  reportLine?: string;
  figures?: RequestFigures;
}

/** What a Content-Type value says, once per value and worker (clients and the API send the same few). */
interface MediaType {
  json: boolean;
  eventStream: boolean;
}
const mediaTypes = newMemo<MediaType>(256);

function mediaTypeOf(ct: string): MediaType {
  const m = mediaTypes.entries[ct];
  if (m !== undefined) return m;
  const t = ct.toLowerCase();
  return memoSet(mediaTypes, ct, {
    json: t.indexOf("application/json") >= 0 || t.indexOf("+json") >= 0,
    eventStream: t.indexOf("text/event-stream") >= 0,
  });
}

export function isJsonType(ct: string | undefined): boolean {
  return ct !== undefined && mediaTypeOf(ct).json;
}

export function isEventStream(ct: string | undefined): boolean {
  return ct !== undefined && mediaTypeOf(ct).eventStream;
}

/** The raw body; nginx may have spilled it to a temp file (Kong 3.4-3.7 then return nil). */
function readBody(conf: PluginConf): string {
  const [body, err] = kong.request.get_raw_body(0);
  if (body !== undefined) {
    if (body.length > conf.max_body_size) refuse(413, "request_too_large", "request body exceeds max_body_size");
    return body;
  }
  const file = ngx.req.get_body_file();
  if (file === undefined) {
    kong.log.err("request body unreadable: ", err);
    return refuse(500, "api_error", "request body could not be read; it was not forwarded");
  }
  const [fh] = io.open(file, "rb");
  if (fh === undefined) {
    kong.log.err("request body temp file unreadable");
    return refuse(500, "api_error", "request body could not be read; it was not forwarded");
  }
  const [size] = fh.seek("end");
  if (size === undefined) {
    fh.close();
    kong.log.err("request body temp file unreadable");
    return refuse(500, "api_error", "request body could not be read; it was not forwarded");
  }
  if (size > conf.max_body_size) {
    fh.close();
    return refuse(413, "request_too_large", "request body exceeds max_body_size");
  }
  fh.seek("set");
  const data = fh.read("*a") as string;
  fh.close();
  return data;
}

/** A request URI the masker found no identifier in. */
interface CleanUrl {
  forms: string[];
  /** tenant memory (weak keys) -> its version (TenantMemory.version) when none of its names was in the forms */
  checked: LuaTable<TenantMemory, number>;
}

/**
 * Per masker (weak keys): the forms (urlForms) of request URIs the masker found no identifier in. Clients call the same
 * few URLs, so their forms are decoded and scanned once per worker; the tenant's remembered names are looked for
 * again when its memory has changed since (or is another one). Bounded by URLS_MAX; past it the cache starts over.
 */
const cleanUrls = setmetatable(new LuaTable<Masker, Memo<CleanUrl>>(), { __mode: "k" });
const URLS_MAX = 1024;

/** True when an identifier is in the URL in any form the gateway, Kong or the upstream may read it in. */
function urlHoldsIdentifier(session: Session, path: string): boolean {
  const uri = nginxVars().request_uri;
  const raw = uri !== undefined ? uri : path;
  let cache = cleanUrls.get(session.masker);
  if (cache === undefined) {
    cache = newMemo<CleanUrl>(URLS_MAX);
    cleanUrls.set(session.masker, cache);
  }
  const mem = session.memory;
  const known = cache.entries[raw];
  if (known !== undefined) {
    // checked before the body: nothing learned in this request yet, so only the tenant's names can be new in it
    if (session.learned.length === 0 && (mem === undefined || known.checked.get(mem) === mem.version)) return false;
    for (const form of known.forms) if (namesIn(session, form)) return true;
    if (mem !== undefined) known.checked.set(mem, mem.version);
    return false;
  }
  const forms = urlForms(raw);
  if (forms === undefined) return true; // encoded deeper than anyone decodes: not checked, so refused
  // findIn looks for the tenant's remembered names too
  for (const form of forms) {
    if (findIn(session, form, "").length > 0) return true;
  }
  const clean: CleanUrl = { forms, checked: setmetatable(new LuaTable<TenantMemory, number>(), { __mode: "k" }) };
  if (mem !== undefined) clean.checked.set(mem, mem.version);
  memoSet(cache, raw, clean);
  return false;
}

/** pctx: kong.ctx.plugin (read once per phase: each read goes through ngx.ctx). */
export function access(conf: PluginConf, pctx: Record<string, unknown>): void {
  const rh = requestHeaders();
  // answers must come back uncompressed to be restored
  if (headerOf(rh, "accept-encoding") !== undefined) kong.service.request.clear_header("Accept-Encoding");
  dropForwarding();
  const masker = maskerFor(conf);
  if (masker === undefined) {
    kong.log.err("no usable secret configured (at least 16 characters); refusing all requests");
    return refuse(500, "api_error", "gateway is not configured (secret missing)");
  }
  const path = kong.request.get_path();
  const session = newSession(masker, scopeFor(conf, masker, rh));
  // the tenant's remembered names count everywhere: URL, body and headers
  session.memory = memoryFor(conf, session.scope);
  // the URL goes upstream as it is: an identifier there cannot be masked without breaking the call, so refuse
  if (urlHoldsIdentifier(session, path)) {
    return refuse(
      400,
      "invalid_request_error",
      "the request URL contains an AWS identifier (possibly percent-encoded); it was not forwarded",
    );
  }
  const method = kong.request.get_method();
  // batch results: the batch's mappings are loaded from Redis for the restore (or the request is refused)
  const batchResults = method === "GET" && batchResultsAccess(conf, session, path);
  if (!batchResults) maskBody(conf, session, path, method, rh);
  // after the body: names learned there are masked in the headers too
  maskHeaders(session, rh);
  count("requests_masked");
  if (batchResults) return;
  rememberSession(conf, session);
  if (session.entries.length > 0 || path === BATCHES_PATH) {
    count("identifiers_masked", session.entries.length);
    const st: BatchState & RequestState = {
      session,
      path,
      batchCreate: path === BATCHES_PATH && method === "POST" ? storableEntries(session) : undefined,
    };
    reportMasked(st);
    pctx.state = st;
  }
}

/**
 * The body's masking result, one per worker, written by each request's maskJson and read right after it (nothing
 * yields in between): a table less to make and collect per request.
 */
const MASKED: JsonResult = {};

/** Masks the JSON body in place (set_raw_body), or refuses; a request without a body passes. */
function maskBody(conf: PluginConf, session: Session, path: string, method: string, rh: RequestHeaders): void {
  const encoding = headerOf(rh, "content-encoding");
  const ctype = headerOf(rh, "content-type");
  const declared = headerOf(rh, "content-length");
  const chunked = headerOf(rh, "transfer-encoding");
  const hasBody = (declared !== undefined && declared !== "0") || chunked !== undefined;
  if (!hasBody && (method === "GET" || method === "HEAD" || method === "DELETE" || method === "OPTIONS")) return;

  if (encoding !== undefined && encoding.toLowerCase() !== "identity") {
    return refuse(
      415,
      "invalid_request_error",
      "compressed request bodies (content-encoding) cannot be masked; send them uncompressed",
    );
  }
  if (hasBody && !isJsonType(ctype)) {
    return refuse(415, "invalid_request_error", "only application/json request bodies can be masked");
  }
  // a declared length over the limit is refused before the body is read into memory
  if (declared !== undefined && Number(declared) > conf.max_body_size) {
    return refuse(413, "request_too_large", "request body exceeds max_body_size");
  }
  const body = readBody(conf);
  if (body === "") return;
  const result = maskJson(session, body, policyFor(path), MASKED);
  if (result.text === undefined) {
    if (result.error === DUPLICATE_KEY) {
      count("duplicate_keys");
      return refuse(
        400,
        "invalid_request_error",
        "request body has a duplicate object key at byte " +
          result.offset +
          " (parsers disagree on which one counts); it was not forwarded",
      );
    }
    count("invalid_json");
    return refuse(
      400,
      "invalid_request_error",
      "request body is not valid JSON: " + result.error + " at byte " + result.offset,
    );
  }
  const unscannable = result.unscannable !== undefined ? result.unscannable : 0;
  if (unscannable > 0) {
    if (conf.unscannable_content !== "forward") {
      count("unscannable_refused");
      return refuse(
        400,
        "invalid_request_error",
        "the request holds content that cannot be scanned for AWS identifiers " +
          "(an image, a PDF or other media, or a URL or file the API reads itself); it was not forwarded. " +
          "The gateway setting unscannable_content: forward lets such content through unscanned",
      );
    }
    count("unscannable_forwarded", unscannable);
  }
  if (result.resumed === true) count("bodies_resumed");
  if (result.text !== body) kong.service.request.set_raw_body(result.text);
  result.text = undefined;
}
