// access phase: the whole request body is masked before a byte goes upstream. Whatever cannot be masked (too large,
// not JSON, compressed, unreadable) is refused with an Anthropic-shaped error; nothing is ever forwarded unmasked.
import { newSession, findIn, Session } from "../engine/session";
import { maskJson } from "../engine/json";
import { policyFor } from "../engine/policy";
import { PluginConf, maskerFor } from "./conf";
import { refuse } from "./errors";
import { scopeFor } from "./tenant";
import { memoryFor, rememberSession } from "./learned";
import { batchResultsAccess, BATCHES_PATH, BatchState } from "./batches";
import { count } from "./stats";

/** What access leaves for the response phases in kong.ctx.plugin. */
export interface RequestState {
  session: Session;
  path: string;
}

export function isJsonType(this: void, ct: string | undefined): boolean {
  if (ct === undefined) return false;
  const t = ct.toLowerCase();
  return t.indexOf("application/json") >= 0 || t.indexOf("+json") >= 0;
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

export function access(this: void, conf: PluginConf): void {
  // answers must come back uncompressed to be restored
  kong.service.request.clear_header("Accept-Encoding");
  const masker = maskerFor(conf);
  if (masker === undefined) {
    kong.log.err("no usable secret configured (at least 16 characters); refusing all requests");
    return refuse(500, "api_error", "gateway is not configured (secret missing)");
  }
  const path = kong.request.get_path();
  const query = kong.request.get_raw_query();
  const session = newSession(masker, scopeFor(conf, masker));
  // the URL goes upstream as it is: an identifier there cannot be masked without breaking the call, so refuse
  if (findIn(session, path, "").length > 0 || (query !== "" && findIn(session, query, "").length > 0)) {
    return refuse(400, "invalid_request_error", "the request URL contains an AWS identifier; it was not forwarded");
  }
  const encoding = kong.request.get_header("content-encoding");
  const ctype = kong.request.get_header("content-type");
  const method = kong.request.get_method();
  const declared = kong.request.get_header("content-length");
  const chunked = kong.request.get_header("transfer-encoding");
  const hasBody = (declared !== undefined && declared !== "0") || chunked !== undefined;
  if (method === "GET" && batchResultsAccess(conf, session, path)) return;
  if (!hasBody && (method === "GET" || method === "HEAD" || method === "DELETE" || method === "OPTIONS")) return;
  session.memory = memoryFor(conf, session.scope);

  if (encoding !== undefined && encoding.toLowerCase() !== "identity") {
    return refuse(415, "invalid_request_error", "compressed request bodies (content-encoding) cannot be masked; send them uncompressed");
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
  const result = maskJson(session, body, policyFor(path));
  if (result.text === undefined) {
    count("invalid_json");
    return refuse(400, "invalid_request_error", "request body is not valid JSON: " + result.error + " at byte " + result.offset);
  }
  if (result.text !== body) kong.service.request.set_raw_body(result.text);
  count("requests_masked");
  const stored = rememberSession(conf, session);
  if (session.entries.length > 0 || path === BATCHES_PATH) {
    count("identifiers_masked", session.entries.length);
    const st: BatchState = { session, path, batchCreate: path === BATCHES_PATH && method === "POST" ? stored : undefined };
    kong.ctx.plugin.state = st;
  }
}
