// The counters (stats.ts) in Prometheus text format 0.0.4, for the Admin API endpoint (api.ts).
// Pure apart from reading the counters: every figure is a count; no value, key, path or query is ever a label.
import { VERSION } from "../version";
import { allCounters, LABEL_SEP } from "./stats";
import { DECISIONS } from "./observe";

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

interface Family {
  metric: string;
  help: string;
  labels: string[];
  /** label values always shown (at 0 until counted) */
  always?: string[];
}

/** Labelled counters: stats family -> metric. */
const FAMILIES: Record<string, Family> = {
  requests_total: {
    metric: "aws_masker_requests_total",
    help: "Requests seen by the plugin, by decision (masked, passthrough, refused, error, skipped).",
    labels: ["decision"],
    always: DECISIONS as unknown as string[],
  },
  refusals_total: {
    metric: "aws_masker_refusals_total",
    help: "Requests refused (never forwarded), by status and reason.",
    labels: ["status", "reason"],
  },
  identifiers_total: {
    metric: "aws_masker_identifiers_by_kind_total",
    help: "Identifiers replaced by pseudonyms, by kind.",
    labels: ["kind"],
  },
};

/** Plain counters: stats name -> help; names not listed here are exported as aws_masker_<name>_total too. */
const PLAIN_HELP: Record<string, string> = {
  requests_masked: "Request bodies that went through the masker (with or without identifiers).",
  identifiers_masked: "Identifiers replaced by pseudonyms, all kinds.",
  bodies_resumed: "Request bodies masked on from the kept history of an earlier one (a conversation's resent turns).",
  invalid_json: "Request bodies refused as invalid JSON.",
  mapping_collisions: "Pseudonym mappings that clashed with a different original in Redis.",
  redis_writes: "Pseudonym mappings written to Redis.",
  redis_failures: "Redis operations that failed (masking goes on; answers are flagged degraded).",
  redis_skipped_writes: "Mapping writes skipped while Redis was marked unavailable.",
  degraded_responses: "Answers flagged X-AWS-Masker-Degraded.",
  log_lines_dropped: "Per-request log lines not written (no timer to write them outside the request).",
};

const BACKSLASH = "\\";
const UNDERSCORE = "_";
const QUOTE = '"';

function escapeLabel(v: string): string {
  let out = "";
  for (let i = 0; i < v.length; i++) {
    const c = string.sub(v, i + 1, i + 1);
    out = out + (c === BACKSLASH ? "\\\\" : c === QUOTE ? '\\"' : c === "\n" ? "\\n" : c);
  }
  return out;
}

/** A counter name as a metric name: anything but [a-zA-Z0-9_:] becomes "_" (the dict may hold others' keys). */
function metricName(name: string): string {
  let out = "";
  for (let i = 0; i < name.length; i++) {
    const c = string.sub(name, i + 1, i + 1);
    const ok =
      (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c === UNDERSCORE || c === ":";
    out = out + (ok ? c : UNDERSCORE);
  }
  return out;
}

function header(lines: string[], metric: string, help: string, type: string): void {
  lines.push("# HELP " + metric + " " + help);
  lines.push("# TYPE " + metric + " " + type);
}

function sorted(keys: string[]): string[] {
  table.sort(keys);
  return keys;
}

export function metricsText(): string {
  const counters = allCounters();
  const lines: string[] = [];
  header(lines, "aws_masker_info", "The aws-masker plugin's version.", "gauge");
  lines.push('aws_masker_info{version="' + escapeLabel(VERSION) + '"} 1');

  // split the counters into families (name\x1flabel values) and plain counters
  const byFamily: Record<string, Record<string, number>> = {};
  const plain: string[] = [];
  for (const name in counters) {
    const sep = name.indexOf(LABEL_SEP);
    if (sep < 0) {
      plain.push(name);
    } else {
      const fam = string.sub(name, 1, sep);
      if (byFamily[fam] === undefined) byFamily[fam] = {};
      byFamily[fam][string.sub(name, sep + 2)] = counters[name];
    }
  }
  for (const fam of sorted(Object.keys(FAMILIES))) {
    const f = FAMILIES[fam];
    const values = byFamily[fam] !== undefined ? byFamily[fam] : {};
    if (f.always !== undefined) for (const v of f.always) if (values[v] === undefined) values[v] = 0;
    header(lines, f.metric, f.help, "counter");
    for (const key of sorted(Object.keys(values))) {
      const parts = key.split(LABEL_SEP);
      const labels: string[] = [];
      for (let i = 0; i < f.labels.length; i++) {
        labels.push(f.labels[i] + '="' + escapeLabel(parts[i] !== undefined ? parts[i] : "") + '"');
      }
      lines.push(f.metric + "{" + labels.join(",") + "} " + values[key]);
    }
  }
  const emitted: Record<string, boolean> = {};
  for (const fam in FAMILIES) emitted[FAMILIES[fam].metric] = true;
  for (const name of sorted(plain)) {
    const metric = "aws_masker_" + metricName(name) + "_total";
    // a name that sanitizes to a metric already written is left out: a metric appears once
    if (emitted[metric] === true) continue;
    emitted[metric] = true;
    const help = PLAIN_HELP[name];
    header(lines, metric, help !== undefined ? help : "aws-masker counter " + name + ".", "counter");
    lines.push(metric + " " + counters[name]);
  }
  return lines.join("\n") + "\n";
}
