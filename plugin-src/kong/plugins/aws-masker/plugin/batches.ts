// The Message Batches API: answers arrive hours later, in another exchange.
//   POST /v1/messages/batches          masked like /v1/messages (engine/policy.ts BATCHES); when the answer names the
//                                      batch, its mappings are recorded in Redis under (tenant, batch id), sealed
//   GET  .../batches/{id}/results      JSON Lines: the record is loaded in access (the only phase with cosockets)
//                                      and each line is restored as it streams by, with this batch's mappings only
//   retrieve, list, cancel, delete     pass through (they carry no content)
// Results that need Redis while it is down get 503 with retry-after: pseudonyms are never passed off as the answer.
import { Session, adoptEntry, restoreJson, BATCH_RESULT } from "../engine/index";
import { PluginConf } from "./conf";
import { refuse } from "./errors";
import { loadBatch, storeBatch, StoredEntry, BATCH_UNAVAILABLE, BATCH_UNKNOWN, BATCH_NO_STORE } from "./store";
import { count } from "./stats";

export const BATCHES_PATH = "/v1/messages/batches";
const RESULTS_HEAD = "/v1/messages/batches/";
const RESULTS_TAIL = "/results";
const RETRY_AFTER_SECONDS = "5";
const NEWLINE = "\n";
const QUOTE = 34;

/** Units of a batch id (msgbatch_...). */
function isIdUnit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

function validId(id: string): boolean {
  if (id.length === 0 || id.length > 128) return false;
  for (let k = 1; k <= id.length; k++) if (!isIdUnit(string.byte(id, k))) return false;
  return true;
}

/** The batch id of a results path, or undefined. */
export function resultsBatchId(path: string): string | undefined {
  const h = RESULTS_HEAD.length;
  const t = RESULTS_TAIL.length;
  if (path.length <= h + t || string.sub(path, 1, h) !== RESULTS_HEAD || string.sub(path, -t) !== RESULTS_TAIL)
    return undefined;
  const id = string.sub(path, h + 1, path.length - t);
  return validId(id) ? id : undefined;
}

/** What the response phases need for a batch exchange (kept in kong.ctx.plugin.state with the request state). */
export interface BatchState {
  session: Session;
  path: string;
  /** a batch create: the answer's id gets the record */
  batchCreate?: StoredEntry[];
  /** results: restored line by line */
  batchResults?: boolean;
}

/**
 * Access, GET results: loads the batch's mappings into the session, or refuses. True when the request is a results
 * request (its state is set).
 */
export function batchResultsAccess(conf: PluginConf, session: Session, path: string): boolean {
  const id = resultsBatchId(path);
  if (id === undefined) return false;
  const found = loadBatch(conf, session.scope, id);
  if (found === BATCH_UNAVAILABLE) {
    count("batch_results_refused");
    return refuse(
      503,
      "api_error",
      "the mapping store (Redis) is unavailable, so these batch results cannot be restored; retry later",
      { "Retry-After": RETRY_AFTER_SECONDS },
    );
  }
  if (found === BATCH_NO_STORE) {
    count("batch_results_refused");
    return refuse(500, "api_error", "batch results can only be restored with a mapping store (redis_host) configured");
  }
  if (found === BATCH_UNKNOWN) {
    count("batch_results_refused");
    return refuse(
      404,
      "not_found_error",
      "no mappings are stored for this batch under your tenant (created elsewhere, or expired); its results cannot be restored",
    );
  }
  for (const e of found as StoredEntry[]) adoptEntry(session, e);
  const st: BatchState = { session, path, batchResults: true };
  kong.ctx.plugin.state = st;
  return true;
}

/** The value of the answer's top-level "id" when it is a batch id (the create answer is small JSON). */
function batchIdOf(body: string): string | undefined {
  const [, keyEnd] = string.find(body, '"id"%s*:%s*"');
  if (keyEnd === undefined) return undefined;
  let e = keyEnd + 1;
  while (e <= body.length && string.byte(body, e) !== QUOTE) e++;
  const id = string.sub(body, keyEnd + 1, e - 1);
  return validId(id) ? id : undefined;
}

/** body_filter, create answer complete: records the batch's mappings under its id. */
export function batchCreated(conf: PluginConf, st: BatchState, body: string): void {
  const id = batchIdOf(body);
  if (id === undefined) {
    kong.log.warn("batch create answer without a batch id; its results will not be restorable");
    return;
  }
  storeBatch(conf, st.session.scope, id, st.batchCreate as StoredEntry[]);
  count("batches_recorded");
}

/**
 * body_filter, results: complete lines are restored and passed on, a partial line is held for the next piece.
 * Returns what to send now.
 */
export function restoreResults(st: BatchState & { pending?: string }, chunk: string, eof: boolean): string {
  let text = st.pending !== undefined ? st.pending + chunk : chunk;
  st.pending = undefined;
  const parts: string[] = [];
  let at = 1;
  while (true) {
    const [nl] = string.find(text, NEWLINE, at, true);
    if (nl === undefined) break;
    parts.push(restoreLine(st.session, string.sub(text, at, nl - 1)));
    parts.push(NEWLINE);
    at = nl + 1;
  }
  const rest = string.sub(text, at);
  if (eof) {
    if (rest !== "") parts.push(restoreLine(st.session, rest));
  } else if (rest !== "") {
    st.pending = rest;
  }
  // eslint-disable-next-line no-useless-assignment -- drops the chunk's reference before the join allocates
  text = "";
  return parts.join("");
}

function restoreLine(session: Session, line: string): string {
  if (line === "" || line === "\r") return line;
  const r = restoreJson(session, line, BATCH_RESULT);
  // a line that is not JSON passes as it came (it holds pseudonyms, never originals)
  return r.text !== undefined ? r.text : line;
}
