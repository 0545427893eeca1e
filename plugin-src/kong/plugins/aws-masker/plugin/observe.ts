// What happened to each request, for operators: one error-log line (refusals and errors at notice, the others at
// request_log_level, info by default), the same figures in Kong's serialized log (kong.log.set_serialize_value,
// carried by http-log, file-log, ...) and the counters behind the metrics endpoint.
// Counts and kinds only: never a value, a key, a path or a query.
import { RequestState } from "./request";
import { PluginConf } from "./conf";
import { Entry, Session, LentEntries } from "../engine/index";
import { count, countGroup, countLabelled, labelledName, CounterGroup, LABEL_SEP } from "./stats";

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

/**
 * What the log phase reports for a masked request whose identifiers have these kinds (in the order they were found),
 * built once: the same request shape (a conversation resent turn after turn) gives the same line and counters.
 * Never changed once built; each request gets its own copy of the figures.
 */
interface MaskedSummary {
  /** the kind of each entry, in entry order: what a request is compared with */
  entryKinds: string[];
  /** kind ids, sorted, and the identifiers of each */
  kinds: string[];
  counts: number[];
  /** the identifiers_total counter of each kind, by its count: one count per request */
  counters: CounterGroup;
  line: string;
}

/** Per worker: the summary of the last masked request (one: a new shape replaces it). */
let lastMasked: MaskedSummary | undefined = undefined;

const LINE_PREFIX = "aws-masker: ";

/** LuaJIT's table.new (Kong's LuaJIT and the host's have it): a table sized for its keys, no rehash as they go in. */
const newTable = require("table.new") as (this: void, narray: number, nhash: number) => object;

/** A summary by a session's lent entries (see lentSummaries): with the kinds of the entries the session added. */
interface LentSummary {
  summary: MaskedSummary;
  addedKinds: string[];
}

/**
 * Per worker, by a session's lent entries (Session.lent, weak keys): the summary of the last request lent them. A
 * conversation resent turn after turn lends the same entries every time, so its summary is found by comparing the
 * kinds of the few entries the request added, not of all its entries (hundreds in a long conversation).
 */
const lentSummaries = setmetatable(new LuaTable<LentEntries, LentSummary>(), { __mode: "k" });

/** True when the kinds of entries from `from` on are kinds. */
function kindsFrom(entries: Entry[], from: number, kinds: string[]): boolean {
  if (entries.length - from !== kinds.length) return false;
  for (let i = 0; i < kinds.length; i++) if (entries[from + i].kind !== kinds[i]) return false;
  return true;
}

function maskedSummary(sess: Session): MaskedSummary {
  const lent = sess.lent;
  if (lent === undefined) return summaryOf(sess.entries);
  const entries = sess.entries;
  const from = lent.count;
  const known = lentSummaries.get(lent);
  if (known !== undefined && kindsFrom(entries, from, known.addedKinds)) return known.summary;
  const summary = summaryOf(entries);
  const addedKinds: string[] = [];
  for (let i = from; i < entries.length; i++) addedKinds.push(entries[i].kind);
  lentSummaries.set(lent, { summary, addedKinds });
  return summary;
}

function summaryOf(entries: Entry[]): MaskedSummary {
  const last = lastMasked;
  if (last !== undefined && last.entryKinds.length === entries.length) {
    let same = true;
    for (let i = 0; i < entries.length; i++) {
      if (entries[i].kind !== last.entryKinds[i]) {
        same = false;
        break;
      }
    }
    if (same) return last;
  }
  const entryKinds: string[] = [];
  const byKind: Record<string, number> = {};
  for (const e of entries) {
    entryKinds.push(e.kind);
    byKind[e.kind] = (byKind[e.kind] !== undefined ? byKind[e.kind] : 0) + 1;
  }
  const kinds: string[] = [];
  for (const k in byKind) kinds.push(k);
  table.sort(kinds);
  const counts: number[] = [];
  const counters: string[] = [];
  for (const k of kinds) {
    counts.push(byKind[k]);
    counters.push(labelledName("identifiers_total", k));
  }
  const line = LINE_PREFIX + logLine({ decision: "masked", identifiers: entries.length, kinds: byKind });
  const summary = { entryKinds, kinds, counts, counters: { names: counters, amounts: counts, times: 0 }, line };
  lastMasked = summary;
  return summary;
}

/**
 * A masked request's identifiers counted by kind, and what its log phase reports, written into its state (reportLine,
 * figures; no object of their own: each table a request makes costs the worker its allocation and its collection):
 * made at the end of access. Not in the log phase: this loops over the entries and kinds, and with a loop in it LuaJIT
 * did not compile the log phase (each trace started at its entry aborted on the inner loop, and after a few aborts the
 * phase ran interpreted).
 */
export function reportMasked(st: RequestState): void {
  const entries = st.session.entries;
  const summary = maskedSummary(st.session);
  const kinds = newTable(0, summary.kinds.length) as Record<string, number>;
  for (let i = 0; i < summary.kinds.length; i++) kinds[summary.kinds[i]] = summary.counts[i];
  countGroup(summary.counters);
  st.reportLine = summary.line;
  // the request's own figures: a log plugin may add to what it serializes
  st.figures = { decision: "masked", identifiers: entries.length, kinds };
}

function figuresOf(ctx: Record<string, unknown>): RequestFigures {
  const refusal = ctx.refusal as Refusal | undefined;
  if (refusal !== undefined) {
    return { decision: "refused", reason: refusal.reason, status: refusal.status, identifiers: 0, kinds: {} };
  }
  // no refusal and no state: passed on unchanged; access that did not finish failed (Kong answers 500); access
  // that never started was cut short by a plugin that ran before this one (auth, rate limiting)
  const progress = ctx.access;
  const decision: Decision =
    progress === ACCESS_DONE ? "passthrough" : progress === ACCESS_STARTED ? "error" : "skipped";
  return { decision, identifiers: 0, kinds: {} };
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

function logLine(f: RequestFigures): string {
  let line = "decision=" + f.decision;
  if (f.reason !== undefined) line = line + ' reason="' + f.reason + '" status=' + f.status;
  line = line + " identifiers=" + f.identifiers;
  if (f.identifiers > 0) line = line + " kinds=" + kindList(f.kinds);
  return line;
}

/** Per worker: the line of each decision without a reason or identifiers (passthrough, error, skipped). */
const plainLines: Record<string, string> = {};

/** kong.log's function of a level (kong.log.info, kong.log.notice, ...). */
type LogLevel = PluginConf["request_log_level"];
function logAt(level: LogLevel): (this: void, ...args: unknown[]) => void {
  return (kong.log as unknown as Record<LogLevel, (this: void, ...args: unknown[]) => void>)[level];
}

function writeLine(premature: boolean, level: LogLevel, line: string): void {
  if (!premature) logAt(level)(line);
}

const REQUESTS_MASKED = labelledName("requests_total", "masked");

/**
 * log phase: one line, the serialized figures, the counters. A routine request's line is written at request_log_level
 * (info by default: Kong's default log_level, notice, writes none, so there is no error-log write per request).
 */
export function observe(conf: PluginConf): void {
  const ctx = kong.ctx.plugin;
  // a function of the PDK read once: each read of kong.log goes through the request's context
  const setValue = kong.log.set_serialize_value;
  const st = ctx.state as RequestState | undefined;
  if (st !== undefined && ctx.refusal === undefined) {
    // masked: its URL was checked, so the line is written in the request; a batch results request's state comes
    // without a report (batches.ts): made here
    if (st.reportLine === undefined) reportMasked(st);
    logAt(conf.request_log_level)(st.reportLine);
    setValue(SERIALIZE_KEY, st.figures);
    setValue("request.headers.x-api-key", REDACTED, REPLACE);
    count(REQUESTS_MASKED);
    return;
  }
  const f = figuresOf(ctx);
  let line: string;
  if (f.decision === "refused") {
    line = LINE_PREFIX + logLine(f);
  } else {
    line = plainLines[f.decision];
    if (line === undefined) {
      line = LINE_PREFIX + logLine(f);
      plainLines[f.decision] = line;
    }
  }
  // only a masked or passed-through request had its URL checked: no identifier in it
  const urlChecked = f.decision === "passthrough";
  // refusals and errors are not routine: always at notice
  const level = f.decision === "passthrough" || f.decision === "skipped" ? conf.request_log_level : "notice";
  if (!urlChecked) {
    // nginx appends the request line (with its query) to every line logged in a request; a refused URL may hold
    // the identifier it was refused for, an unchecked one anything: log outside the request
    const [ok] = ngx.timer.at(0, writeLine, level, line);
    // no timer (too many pending): a line in the request would carry the URL, so the line is dropped, and counted
    if (!ok) count("log_lines_dropped");
  } else {
    writeLine(false, level, line);
  }
  setValue(SERIALIZE_KEY, f);
  // what Kong's log plugins would otherwise carry: Anthropic's API key (Kong itself redacts only authorization), and
  // a URL not known to be clean (a refused one may be why it was refused)
  setValue("request.headers.x-api-key", REDACTED, REPLACE);
  if (!urlChecked) {
    for (const key of UNCHECKED_URL_FIELDS) setValue(key, REDACTED, REPLACE);
    setValue("request.querystring", {}, REPLACE);
  }
  countLabelled("requests_total", f.decision);
  if (f.decision === "refused") countLabelled("refusals_total", f.status + LABEL_SEP + f.reason);
}
