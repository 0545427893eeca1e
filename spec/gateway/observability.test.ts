// What operators see, through the real gateway (host + aws-masker + egress nginx + Redis + the mock Claude): one
// line per request (decision, counts by kind; no value, key or query; at info by default, refusals at notice), the same figures in kong.log.serialize()
// for Kong's log plugins, the counters in Prometheus text on the Admin API, and nothing secret at debug level.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadDeclarative } from "../../host/config";
import { REPO_ROOT } from "../../host/gateway";
import { TEST_PLUGINS } from "../host/helpers";
import { VERSION } from "../../plugin-src/kong/plugins/aws-masker/version";
import { FLUSH_SECONDS } from "../../plugin-src/kong/plugins/aws-masker/plugin/stats";
import {
  startStack,
  post,
  messagesBody,
  errorLines,
  PROMPT,
  IDS,
  ORIGINALS,
  assertNoOriginals,
  type Stack,
} from "./support";

const PLANTED_KEY = "sk-ant-planted-key-7f3a9c0e1d2b";
const PLANTED_BEARER = "planted-bearer-token-5e8d1c";
const REFUSED_URL = `/v1/messages?instance=${IDS.instance}&account=${IDS.account}`;
const URL_REASON = "the request URL contains an AWS identifier (possibly percent-encoded)";
const JSON_REASON = "request body is not valid JSON";

let stack: Stack;
let tmp: string;
let capturePath: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), "aws-masker-observe-"));
  chmodSync(tmp, 0o777); // nginx workers run as nobody
  capturePath = path.join(tmp, "serialized.jsonl");
  // kong/kong.yml plus a stand-in for Kong's log plugins, after aws-masker
  const doc = loadDeclarative(path.join(REPO_ROOT, "kong/kong.yml"));
  doc.services[0].plugins.push({ name: "serialize-capture", config: { path: capturePath } });
  // priority 1000, answers 403 in access when asked (like an auth plugin); also writes "host-test:init_worker" into
  // the kong_aws_masker dict, a key the metrics must turn into a valid name
  doc.services[0].plugins.push({ name: "host-test" });
  // Kong's log_level info: the routine lines (request_log_level's default, info) are written too
  stack = await startStack({ configObject: doc, pluginPaths: [TEST_PLUGINS], logLevel: "info" });
}, 60000);

afterAll(async () => {
  const errors = stack ? errorLines(stack.gw) : [];
  await stack?.stop();
  rmSync(tmp, { recursive: true, force: true });
  expect(errors).toEqual([]);
});

async function until<T>(what: string, get: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const decisionLines = (log: string) => log.split("\n").filter((l) => l.includes("aws-masker: decision="));
const captured = (): any[] =>
  existsSync(capturePath)
    ? readFileSync(capturePath, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

/** One request of each decision; the planted key goes with every request. */
async function oneOfEach(base: string): Promise<void> {
  const auth = { "x-api-key": PLANTED_KEY };
  expect((await post(base, "/v1/messages", messagesBody(PROMPT), auth)).status).toBe(200);
  expect((await post(base, "/v1/messages", messagesBody("nothing to hide here"), auth)).status).toBe(200);
  expect((await post(base, REFUSED_URL, messagesBody("hi"), auth)).status).toBe(400);
  expect((await post(base, "/v1/messages", `{"messages": [${IDS.instance}`, auth)).status).toBe(400);
}

describe("one log line per request", () => {
  it("the decision and counts by kind (masked, passthrough at info, refusals at notice); no value, no key, no query; a refused URL's line has no request line", async () => {
    const before = decisionLines(stack.gw.errorLog()).length;
    await oneOfEach(stack.gw.url);
    const lines = (
      await until(
        "4 lines",
        () => decisionLines(stack.gw.errorLog()),
        (l) => l.length >= before + 4,
      )
    ).slice(before);
    expect(lines.length).toBe(4);
    for (const l of lines) expect(l).toMatch(l.includes("decision=refused") ? /\[notice\]/ : /\[info\]/);
    const masked = lines.filter((l) => l.includes("decision=masked"));
    expect(masked.length).toBe(1);
    expect(masked[0]).toMatch(/decision=masked identifiers=6 kinds=\S*ec2-instance:1/);
    for (const kind of ["account-id:1", "vpc:1", "private-ipv4:1"]) expect(masked[0]).toContain(kind);
    expect(
      lines.filter((l) => / decision=passthrough identifiers=0( |$)/.test(l.replace(/^.*aws-masker:/, " "))).length,
    ).toBe(1);
    const refused = lines.filter((l) => l.includes("decision=refused"));
    expect(refused.map((l) => /reason="([^"]*)" status=(\d+)/.exec(l)?.slice(1)).sort()).toEqual([
      [JSON_REASON, "400"],
      [URL_REASON, "400"],
    ]);
    const urlLine = refused.find((l) => l.includes(URL_REASON))!;
    expect(urlLine).not.toContain("request:");
    expect(urlLine).not.toContain("?");
    // host-test logs a line in every request: nginx appends the request line (the refused URL) to it, as it would to
    // any other plugin's line; aws-masker's own lines and everything else must hold nothing
    const log = stack.gw
      .errorLog()
      .split("\n")
      .filter((l) => !l.includes("[host-test]"))
      .join("\n");
    expect(log.split("\n").filter((l) => assertNoOriginals(l) !== undefined)).toEqual([]);
    expect(log).not.toContain(PLANTED_KEY);
    expect(log).not.toContain("instance=");
  });
});

describe("kong.log.set_serialize_value", () => {
  it("gives Kong's log plugins the same figures, redacts x-api-key, and a refused request's URL", async () => {
    const before = captured().length;
    await oneOfEach(stack.gw.url);
    const entries = (await until("4 entries", captured, (c) => c.length >= before + 4)).slice(before);
    const by = (d: string) => entries.filter((e) => e.aws_masker?.decision === d);
    const [masked] = by("masked");
    expect(masked.aws_masker.identifiers).toBe(6);
    expect(masked.aws_masker.kinds["ec2-instance"]).toBe(1);
    expect(Object.values(masked.aws_masker.kinds).reduce((a: number, b) => a + (b as number), 0)).toBe(6);
    expect(masked.request.headers["x-api-key"]).toBe("REDACTED");
    expect(by("passthrough")[0].aws_masker).toEqual({ decision: "passthrough", identifiers: 0, kinds: {} });
    const refusedUrl = by("refused").find((e) => e.aws_masker.reason === URL_REASON);
    expect(refusedUrl.aws_masker).toEqual({
      decision: "refused",
      reason: URL_REASON,
      status: 400,
      identifiers: 0,
      kinds: {},
    });
    expect(refusedUrl.request.uri).toBe("REDACTED");
    expect(refusedUrl.request.url).toBe("REDACTED");
    expect(refusedUrl.request.querystring).toEqual({});
    expect(by("refused").find((e) => e.aws_masker.reason === JSON_REASON)).toBeDefined();
    const all = JSON.stringify(entries);
    expect(all).not.toContain(PLANTED_KEY);
    expect(assertNoOriginals(all)).toBeUndefined();
  });

  it("applies modes and dotted keys like Kong (set, add, replace, nil deletes, \\. is a literal dot)", async () => {
    const before = captured().length;
    expect((await post(stack.gw.url, "/v1/messages", messagesBody("hello"))).status).toBe(200);
    const [entry] = (await until("1 entry", captured, (c) => c.length > before)).slice(before);
    expect(entry.capture).toEqual({ set: 1, added: 3, "dotted.key": 5 });
  });
});

// ---------------------------------------------------------------------------------------------- Prometheus text
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses Prometheus text format 0.0.4 strictly: every line is a HELP, a TYPE or a sample; each family has one HELP and
 * one TYPE before its samples; counters end in _total; no series twice. Throws on the first violation.
 */
function parsePrometheus(text: string): { samples: Sample[]; types: Record<string, string> } {
  const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
  const SAMPLE = new RegExp(
    `^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?\\})? ([-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))$`,
  );
  const types: Record<string, string> = {};
  const helps = new Set<string>();
  const series = new Set<string>();
  const samples: Sample[] = [];
  if (!text.endsWith("\n")) throw new Error("must end with a newline");
  text
    .slice(0, -1)
    .split("\n")
    .forEach((line, i) => {
      const where = `line ${i + 1}: ${line}`;
      let m: RegExpExecArray | null;
      if ((m = new RegExp(`^# HELP (${NAME}) (.+)$`).exec(line))) {
        if (helps.has(m[1])) throw new Error(`second HELP: ${where}`);
        helps.add(m[1]);
      } else if ((m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
        if (types[m[1]]) throw new Error(`second TYPE: ${where}`);
        if (!helps.has(m[1])) throw new Error(`TYPE before HELP: ${where}`);
        types[m[1]] = m[2];
      } else if ((m = SAMPLE.exec(line))) {
        const [, name, labelText, value] = m;
        if (!types[name]) throw new Error(`sample without TYPE: ${where}`);
        if (types[name] === "counter" && !name.endsWith("_total"))
          throw new Error(`counter not named _total: ${where}`);
        const labels: Record<string, string> = {};
        for (const l of (labelText ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
          labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
        }
        const key = name + JSON.stringify(Object.entries(labels).sort());
        if (series.has(key)) throw new Error(`series twice: ${where}`);
        series.add(key);
        const v = Number(value.replace("Inf", "Infinity"));
        if (Number.isNaN(v) && value !== "NaN") throw new Error(`bad value: ${where}`);
        samples.push({ name, labels, value: v });
      } else {
        throw new Error(`not Prometheus text: ${where}`);
      }
    });
  return { samples, types };
}

async function metrics(): Promise<{
  samples: Sample[];
  types: Record<string, string>;
  get(name: string, labels?: Record<string, string>): number;
}> {
  const res = await fetch(stack.gw.adminUrl + "/aws-masker/metrics");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const parsed = parsePrometheus(await res.text());
  const get = (name: string, labels: Record<string, string> = {}) =>
    parsed.samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((a, s) => a + s.value, 0);
  return { ...parsed, get };
}

/** Past the flush interval of every worker: counts a worker still held have reached the metrics. */
const PAST_FLUSH_MS = FLUSH_SECONDS * 1000 + 500;

/**
 * The metrics once the counts of earlier requests held by the other worker have arrived: read at once, a request of an
 * earlier test could be counted after `before` and show as this test's (the masked counter moved by 3 instead of 1).
 */
async function settledMetrics(): ReturnType<typeof metrics> {
  await new Promise((r) => setTimeout(r, PAST_FLUSH_MS));
  return metrics();
}

describe("metrics on the Admin API (GET /aws-masker/metrics)", () => {
  it("is valid Prometheus text with the version, and its counters move with the requests", async () => {
    expect(new URL(stack.gw.adminUrl).hostname).toBe("127.0.0.1");
    const before = await settledMetrics();
    expect(before.samples.find((s) => s.name === "aws_masker_info")).toEqual({
      name: "aws_masker_info",
      labels: { version: VERSION },
      value: 1,
    });
    expect(before.types.aws_masker_requests_total).toBe("counter");
    await oneOfEach(stack.gw.url);
    const expected: [string, Record<string, string>, number][] = [
      ["aws_masker_requests_total", { decision: "masked" }, 1],
      ["aws_masker_requests_total", { decision: "passthrough" }, 1],
      ["aws_masker_requests_total", { decision: "refused" }, 2],
      ["aws_masker_refusals_total", { status: "400", reason: URL_REASON }, 1],
      ["aws_masker_refusals_total", { status: "400", reason: JSON_REASON }, 1],
      ["aws_masker_identifiers_by_kind_total", { kind: "ec2-instance" }, 1],
      ["aws_masker_identifiers_by_kind_total", {}, 6],
      ["aws_masker_identifiers_masked_total", {}, 6],
    ];
    // counted in the log phase, which ends after the answer reached the client
    const after = await until("counters", metrics, (m) =>
      expected.every(([name, labels, d]) => m.get(name, labels) - before.get(name, labels) >= d),
    );
    for (const [name, labels, d] of expected)
      expect([name, labels, after.get(name, labels) - before.get(name, labels)]).toEqual([name, labels, d]);
    const text = JSON.stringify(after.samples);
    expect(assertNoOriginals(text)).toBeUndefined();
    expect(text).not.toContain(PLANTED_KEY);
  });

  it("counts a request another plugin answered before aws-masker ran as skipped, and logs it so", async () => {
    const before = await settledMetrics();
    const lines = decisionLines(stack.gw.errorLog()).length;
    const res = await post(stack.gw.url, "/v1/messages", messagesBody(PROMPT), { "x-test-action": "exit-table" });
    expect(res.status).toBe(403);
    const after = await until(
      "skipped",
      metrics,
      (m) =>
        m.get("aws_masker_requests_total", { decision: "skipped" }) >
        before.get("aws_masker_requests_total", { decision: "skipped" }),
    );
    expect(
      after.get("aws_masker_requests_total", { decision: "skipped" }) -
        before.get("aws_masker_requests_total", { decision: "skipped" }),
    ).toBe(1);
    expect(after.get("aws_masker_requests_total") - before.get("aws_masker_requests_total")).toBe(1);
    const [line] = await until(
      "the line",
      () => decisionLines(stack.gw.errorLog()).slice(lines),
      (l) => l.length > 0,
    );
    expect(/decision=\S+ identifiers=\d+/.exec(line)?.[0]).toBe("decision=skipped identifiers=0");
    expect(line).not.toContain("request:"); // its URL was never checked: logged outside the request
    // another plugin's key in the shared dict comes out as a valid metric name
    expect(after.samples.map((s) => s.name)).toContain("aws_masker_host_test:init_worker_total");
  });

  it("counts every request of every worker exactly once: counts kept in the workers reach the metrics within the flush interval", async () => {
    const n = 40;
    const before = await settledMetrics();
    const auth = { "x-api-key": PLANTED_KEY };
    // in parallel (the gateway runs two workers, each with its own pending counts)
    const statuses = await Promise.all(
      Array.from(
        { length: n },
        // a body no other test sends (its max_tokens, before "messages"): no worker holds its history yet
        async () => (await post(stack.gw.url, "/v1/messages", messagesBody(PROMPT, { max_tokens: 4321 }), auth)).status,
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const delta = (m: Awaited<ReturnType<typeof metrics>>, name: string, labels: Record<string, string> = {}) =>
      m.get(name, labels) - before.get(name, labels);
    await until("every count", metrics, (m) => delta(m, "aws_masker_requests_total", { decision: "masked" }) >= n);
    // nothing more arrives, nothing was counted twice
    const after = await settledMetrics();
    expect(delta(after, "aws_masker_requests_total", { decision: "masked" })).toBe(n);
    expect(delta(after, "aws_masker_requests_masked_total")).toBe(n);
    expect(delta(after, "aws_masker_identifiers_by_kind_total", { kind: "ec2-instance" })).toBe(n);
    expect(delta(after, "aws_masker_identifiers_masked_total")).toBe(6 * n);
    // the same body resent: walked on from its kept history in each worker, but for each worker's first
    expect(delta(after, "aws_masker_bodies_resumed_total")).toBeGreaterThanOrEqual(n / 2);
    expect(delta(after, "aws_masker_bodies_resumed_total")).toBeLessThan(n);
  });

  it("answers 404 in Kong's shape for a path no plugin serves, 405 for a method it does not", async () => {
    const nf = await fetch(stack.gw.adminUrl + "/nope");
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ message: "Not found" });
    expect((await fetch(stack.gw.adminUrl + "/aws-masker/metrics", { method: "POST" })).status).toBe(405);
    expect((await fetch(stack.gw.adminUrl + "/aws-masker/metrics/")).status).toBe(200);
  });
});

describe("nothing secret at any log level", () => {
  it("--log-level debug and --access-log: no API key, no bearer token, no identifier from the URL, no query", async () => {
    const dbg = await startStack({ logLevel: "debug", accessLog: true, redis: "none" });
    try {
      const auth = { "x-api-key": PLANTED_KEY, authorization: `Bearer ${PLANTED_BEARER}` };
      expect((await post(dbg.gw.url, "/v1/messages?beta=true", messagesBody(PROMPT), auth)).status).toBe(200);
      expect((await post(dbg.gw.url, REFUSED_URL, messagesBody("hi"), auth)).status).toBe(400);
      expect((await post(dbg.gw.url, `/v1/files/${IDS.vpc}`, messagesBody("hi"), auth)).status).toBe(400);
      const accessLog = path.join(dbg.gw.runDir, "logs/access.log");
      const access = await until(
        "3 access lines",
        () => (existsSync(accessLog) ? readFileSync(accessLog, "utf8") : ""),
        (t) => t.split("\n").filter(Boolean).length >= 3,
      );
      await until(
        "3 decision lines",
        () => decisionLines(dbg.gw.errorLog()),
        (l) => l.length >= 3,
      );
      const error = dbg.gw.errorLog();
      // debug is on: Lua debug lines are written (the host's, like Kong's "Loading API endpoints")
      expect(error).toMatch(/\[debug\].*Loading API endpoints for plugin: aws-masker/);
      for (const log of [error, access]) {
        for (const secret of [PLANTED_KEY, PLANTED_BEARER, ...ORIGINALS, IDS.account, "instance="]) {
          expect([secret, log.includes(secret)]).toEqual([secret, false]);
        }
      }
      // the access log has no query at all (the error log's request context holds the query of forwarded requests,
      // which the plugin checked: no identifier)
      expect(access).not.toContain("beta=true");
      expect(error).not.toMatch(/http header:|http request line:/);
      // (two workers: the lines stand in the order their log phases ran, not in the order of the requests)
      const lines = access.split("\n").filter(Boolean);
      expect(lines.filter((l) => /"POST \/v1\/messages" 200 /.test(l))).toHaveLength(1);
      expect(lines.filter((l) => /"POST -" 400 /.test(l))).toHaveLength(2);
    } finally {
      await dbg.stop();
    }
  });
});
