// header_filter / body_filter: put the originals back into Claude's answer, using only the pseudonyms this request
// produced. JSON answers are buffered (they are small and must be restored as a whole); SSE streams are restored as
// they flow. Error answers, compressed answers and other content types pass through untouched.
import {
  restoreJson,
  newStream,
  streamFeedParts,
  streamFinish,
  StreamState,
  answerPolicyFor,
  JsonResult,
} from "../engine/index";
import { PluginConf } from "./conf";
import { RequestState, isJsonType, isEventStream } from "./request";
import { storeDegraded } from "./store";
import { BatchState, batchCreated, restoreResults } from "./batches";
import { count } from "./stats";

interface ResponseState extends RequestState, BatchState {
  mode?: "json" | "sse" | "jsonl";
  pending?: string;
  /** JSON answer: its first buffer (usually the whole answer: no table, no join), and the later ones */
  first?: string;
  chunks?: string[];
  /** JSON answer: the upstream's Content-Length (when it gave one), and the bytes received so far */
  expected?: number;
  received?: number;
  stream?: StreamState;
}

/**
 * One answer header, read straight from nginx's header list: kong.response.get_header builds the table of every
 * header (ngx.resp.get_headers) on each call, twice per answer here (issue 12). The first value when repeated.
 */
function responseHeader(name: string): string | undefined {
  const v = ngx.header.get(name) as unknown;
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null) return (v as string[])[0];
  return undefined;
}

export function headerFilter(conf: PluginConf): void {
  if (storeDegraded(conf)) {
    kong.response.set_header("X-AWS-Masker-Degraded", "redis-unavailable");
    count("degraded_responses");
  }
  const st = kong.ctx.plugin.state as ResponseState | undefined;
  if (st === undefined || kong.response.get_source() !== "service") return;
  if (kong.response.get_status() >= 400) return;
  const enc = responseHeader("content-encoding");
  if (enc !== undefined && enc.toLowerCase() !== "identity") {
    kong.log.warn("answer is compressed (", enc, "); its pseudonyms are left in place");
    return;
  }
  const ctype = responseHeader("content-type");
  if (st.batchResults === true) {
    st.mode = "jsonl"; // whatever the content type (the API sends application/binary), restored line by line
  } else if (isEventStream(ctype)) {
    st.mode = "sse";
    st.stream = newStream(st.session);
  } else if (isJsonType(ctype)) {
    st.mode = "json";
    st.first = undefined;
    st.chunks = undefined;
    st.expected = tonumber(responseHeader("content-length"));
    st.received = 0;
  } else {
    return;
  }
  // the body changes length: the same condition body_filter restores under
  kong.response.clear_header("Content-Length");
}

/**
 * A JSON answer's buffer kept; the whole answer once it is all here, else undefined (nginx gets nothing yet). All of an
 * answer whose length the upstream gave is here before nginx's last (empty) buffer: restored and marked last then, it
 * goes out with the chunked encoding's end in one write (nginx skips this filter afterwards). Exactly that length only:
 * more bytes than declared (a header changed on the way) wait for the last buffer. A function of its own, the eof flag
 * read only when the answer is short: LuaJIT compiles it apart from bodyFilter, whose traces reach the restore's loops
 * and abort, so that bodyFilter runs in the interpreter, where each ngx.arg read is a slow FFI call (issue 12).
 */
function jsonAnswer(st: ResponseState): string | undefined {
  const chunk = ngx.arg.get(1) as string | undefined;
  if (chunk !== undefined && chunk !== "") {
    if (st.first === undefined) st.first = chunk;
    else if (st.chunks === undefined) st.chunks = [st.first, chunk];
    else st.chunks.push(chunk);
    st.received = (st.received as number) + chunk.length;
  }
  const complete = st.expected !== undefined && st.expected > 0 && st.received === st.expected;
  if (!complete && ngx.arg.get(2) !== true) {
    ngx.arg.set(1, "");
    return undefined;
  }
  const body = st.chunks !== undefined ? st.chunks.join("") : st.first !== undefined ? st.first : "";
  st.first = undefined;
  st.chunks = undefined;
  return body;
}

/**
 * A JSON answer's restore result, one per worker, read right after restoreJson (its text, the originals, let go of
 * then): a table less per answer.
 */
const RESTORED: JsonResult = {};

/** state: kong.ctx.plugin.state (read by the handler: plugin/warmup.ts calls this outside any request). */
export function bodyFilter(conf: PluginConf, state: unknown): void {
  const st = state as ResponseState | undefined;
  if (st === undefined || st.mode === undefined) return;
  if (st.mode === "json") {
    const body = jsonAnswer(st);
    if (body === undefined) return;
    if (st.batchCreate !== undefined) batchCreated(conf, st, body);
    const result = restoreJson(st.session, body, answerPolicyFor(st.path), RESTORED);
    // an answer that is not valid JSON is passed on as it came (it holds pseudonyms, never originals); marked last
    // (it may be last already: marking it again changes nothing)
    ngx.arg.set(1, result.text !== undefined ? result.text : body);
    // the worker's result object keeps no original past the answer
    result.text = undefined;
    ngx.arg.set(2, true);
    st.mode = undefined;
    return;
  }
  const chunk = ngx.arg.get(1) as string | undefined;
  const eof = ngx.arg.get(2) === true;
  if (st.mode === "jsonl") {
    ngx.arg.set(1, restoreResults(st, chunk !== undefined ? chunk : "", eof));
    return;
  }
  // SSE: restored as it flows; only a possible pseudonym prefix and a partial event are held back. The output goes to
  // nginx in parts (ngx.arg[1] takes a list of strings): a rewritten event is not made a string (engine/stream.ts FED)
  const stream = st.stream as StreamState;
  let out = streamFeedParts(stream, chunk !== undefined ? chunk : "");
  if (eof) {
    const rest = streamFinish(stream);
    if (rest !== "") out = typeof out === "string" ? out + rest : out.concat([rest]);
    st.stream = undefined;
  }
  ngx.arg.set(1, out);
}
