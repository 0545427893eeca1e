// aws-masker CLI: see exactly what the gateway would send to Claude, with the same engine the gateway runs.
//   aws-masker mask   [FILE|-] [--json] [--path /v1/messages] [--map MAP.json] [--secret S] [--scope T]
//   aws-masker unmask [FILE|-] --map MAP.json [--json]
//   aws-masker unmask [FILE|-] --redis HOST:PORT --secret-env VAR (--scope SCOPE | --api-key-env VAR) [--json]
//   aws-masker scan   [FILE|-] [--json]
import { readFileSync, writeFileSync } from "node:fs";
import {
  createNodeMasker, newSession, maskText, maskJson, restoreText, restoreJson, policyFor, answerPolicyFor, findIn, adoptEntry,
  type Entry, type Session,
} from "../lib/engine";

const USAGE = `usage: aws-masker mask|unmask|scan [FILE|-] [options]
  mask     print the input with every AWS identifier replaced by its pseudonym
  unmask   print the input with the pseudonyms of --map restored (or through the gateway's Redis: unmask --redis --help)
  scan     list the identifiers found, by kind
options:
  --json          the input is a Claude API request body (JSON): mask it as the gateway does (field rules, byte-preserving)
  --path P        the API path the JSON body is for (default /v1/messages)
  --map FILE      mask: write the pseudonym -> original map here; unmask: read it
  --secret S      pseudonym secret (default: $AWS_MASKER_SECRET, else a fixed demo secret)
  --scope T       tenant scope (default "cli")
`;

function fail(msg: string): never {
  process.stderr.write(`aws-masker: ${msg}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const cmd = args.shift();
// restoring through the gateway's Redis: its own options and code path (cli/unmask-redis.ts)
if (cmd === "unmask" && args.includes("--redis")) {
  await (await import("./unmask-redis")).unmaskThroughRedis(args);
  process.exit(0);
}
if (cmd === undefined || cmd === "-h" || cmd === "--help") {
  process.stdout.write(USAGE);
  process.exit(cmd === undefined ? 2 : 0);
}
const opts: Record<string, string | boolean> = {};
let file = "-";
while (args.length > 0) {
  const a = args.shift() as string;
  if (a === "--json") opts.json = true;
  else if (a === "--path" || a === "--map" || a === "--secret" || a === "--scope") {
    const v = args.shift();
    if (v === undefined) fail(`${a} needs a value`);
    opts[a.slice(2)] = v;
  } else if (a.startsWith("--")) fail(`unknown option ${a}\n${USAGE}`);
  else file = a;
}

let input: string;
try {
  input = readFileSync(file === "-" ? 0 : file, "utf8");
} catch (e) {
  fail(`cannot read ${file}: ${(e as Error).message}`);
}

let secret = (opts.secret as string | undefined) ?? process.env.AWS_MASKER_SECRET;
if (secret === undefined || secret === "") {
  secret = "aws-masker-cli-demo-secret";
  if (cmd === "mask") process.stderr.write("aws-masker: no --secret or AWS_MASKER_SECRET: using the demo secret (pseudonyms differ from your gateway's)\n");
}
const session: Session = newSession(createNodeMasker({ secret }), (opts.scope as string | undefined) ?? "cli");
const path = (opts.path as string | undefined) ?? "/v1/messages";

if (cmd === "mask") {
  let out: string;
  if (opts.json === true) {
    const r = maskJson(session, input, policyFor(path));
    if (r.text === undefined) fail(`input is not valid JSON: ${r.error} at byte ${r.offset}`);
    out = r.text;
  } else {
    out = maskText(session, input, "");
  }
  process.stdout.write(out);
  if (typeof opts.map === "string") writeFileSync(opts.map, JSON.stringify({ scope: session.scope, entries: session.entries }, null, 2) + "\n");
} else if (cmd === "unmask") {
  if (typeof opts.map !== "string") fail("unmask needs --map FILE (written by mask --map)");
  const map = JSON.parse(readFileSync(opts.map, "utf8")) as { entries: Entry[] };
  for (const e of map.entries) adoptEntry(session, e);
  if (opts.json === true) {
    const r = restoreJson(session, input, answerPolicyFor(path));
    if (r.text === undefined) fail(`input is not valid JSON: ${r.error} at byte ${r.offset}`);
    process.stdout.write(r.text);
  } else {
    process.stdout.write(restoreText(session, input, false));
  }
} else if (cmd === "scan") {
  const byKind = new Map<string, string[]>();
  for (const m of findIn(session, input, "")) {
    const list = byKind.get(m.kind.id) ?? [];
    list.push(input.substring(m.s, m.e));
    byKind.set(m.kind.id, list);
  }
  if (opts.json === true) {
    process.stdout.write(JSON.stringify(Object.fromEntries(byKind), null, 2) + "\n");
  } else {
    let total = 0;
    for (const [kind, values] of [...byKind.entries()].sort()) {
      process.stdout.write(`${kind} (${values.length})\n`);
      for (const v of values) process.stdout.write(`  ${v}\n`);
      total += values.length;
    }
    process.stdout.write(`${total} identifier(s) found\n`);
  }
} else {
  fail(`unknown command ${cmd}\n${USAGE}`);
}
