// What happened to each request, for operators: one log line at notice, the same figures in Kong's serialized log
// (kong.log.set_serialize_value, carried by http-log, file-log, ...) and the counters behind the metrics endpoint.
// Counts and kinds only: never a value, a key, a path or a query.
import { RequestState } from "./request";
import { count, countLabelled, LABEL_SEP } from "./stats";

/** kong.ctx.plugin.refusal, set by refuse() (errors.ts). */
export interface Refusal {
  status: number;
  type: string;
  /** the refusal message up to its first ": " or "; " (what follows is detail, not needed to tell refusals apart) */
  reason: string;
}

/** The access phase's progress in kong.ctx.plugin.access. */
const ACCESS_STARTED = "started";
const ACCESS_DONE = "done";

export const DECISIONS = ["masked", "passthrough", "refused", "error", "skipped"] as const;
export type Decision = (typeof DECISIONS)[number];

/** What Kong's log plugins get under this key of kong.log.serialize(). */
export const SERIALIZE_KEY = "aws_masker";

const REDACTED = "REDACTED";
const REPLACE = { mode: "replace" as const };
const UNCHECKED_URL_FIELDS = ["request.uri", "request.url", "upstream_uri"];

export interface RequestFigures {
  decision: Decision;
  /** refused only */
  reason?: string;
  status?: number;
  identifiers: number;
  /** kind id -> identifiers of that kind */
  kinds: Record<string, number>;
}

/** pctx: kong.ctx.plugin, read once by the phase (each read goes through ngx.ctx). */
export function accessStarted(pctx: Record<string, unknown>): void {
  pctx.access = ACCESS_STARTED;
}

export function accessDone(pctx: Record<string, unknown>): void {
  pctx.access = ACCESS_DONE;
}

export function figuresOf(ctx: Record<string, unknown>): RequestFigures {
  const refusal = ctx.refusal as Refusal | undefined;
  if (refusal !== undefined) {
    return { decision: "refused", reason: refusal.reason, status: refusal.status, identifiers: 0, kinds: {} };
  }
  const kinds: Record<string, number> = {};
  const st = ctx.state as RequestState | undefined;
  if (st !== undefined) {
    for (const e of st.session.entries) kinds[e.kind] = (kinds[e.kind] !== undefined ? kinds[e.kind] : 0) + 1;
    return { decision: "masked", identifiers: st.session.entries.length, kinds };
  }
  // no refusal and no state: passed on unchanged; access that did not finish failed (Kong answers 500); access
  // that never started was cut short by a plugin that ran before this one (auth, rate limiting)
  const progress = ctx.access;
  const decision: Decision =
    progress === ACCESS_DONE ? "passthrough" : progress === ACCESS_STARTED ? "error" : "skipped";
  return { decision, identifiers: 0, kinds };
}

/** "aws-account-id:1,ec2-instance:2", sorted so equal requests give equal lines. */
function kindList(kinds: Record<string, number>): string {
  const names: string[] = [];
  for (const k in kinds) names.push(k);
  table.sort(names);
  const parts: string[] = [];
  for (const k of names) parts.push(k + ":" + kinds[k]);
  return parts.join(",");
}

export function logLine(f: RequestFigures): string {
  let line = "decision=" + f.decision;
  if (f.reason !== undefined) line = line + ' reason="' + f.reason + '" status=' + f.status;
  line = line + " identifiers=" + f.identifiers;
  if (f.identifiers > 0) line = line + " kinds=" + kindList(f.kinds);
  return line;
}

function logNotice(premature: boolean, line: string): void {
  if (!premature) kong.log.notice("aws-masker: ", line);
}

/** log phase: one line, the serialized figures, the counters. */
export function observe(): void {
  const f = figuresOf(kong.ctx.plugin);
  const line = logLine(f);
  // only a masked or passed-through request had its URL checked: no identifier in it
  const urlChecked = f.decision === "masked" || f.decision === "passthrough";
  if (!urlChecked) {
    // nginx appends the request line (with its query) to every line logged in a request; a refused URL may hold
    // the identifier it was refused for, an unchecked one anything: log outside the request
    const [ok] = ngx.timer.at(0, logNotice, line);
    // no timer (too many pending): a line in the request would carry the URL, so the line is dropped, and counted
    if (!ok) count("log_lines_dropped");
  } else {
    logNotice(false, line);
  }
  kong.log.set_serialize_value(SERIALIZE_KEY, f);
  // what Kong's log plugins would otherwise carry: Anthropic's API key (Kong itself redacts only authorization), and
  // a URL not known to be clean (a refused one may be why it was refused)
  kong.log.set_serialize_value("request.headers.x-api-key", REDACTED, REPLACE);
  if (!urlChecked) {
    for (const key of UNCHECKED_URL_FIELDS) kong.log.set_serialize_value(key, REDACTED, REPLACE);
    kong.log.set_serialize_value("request.querystring", {}, REPLACE);
  }
  countLabelled("requests_total", f.decision);
  if (f.decision === "refused") countLabelled("refusals_total", f.status + LABEL_SEP + f.reason);
  for (const k in f.kinds) countLabelled("identifiers_total", k, f.kinds[k]);
}
