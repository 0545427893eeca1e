// aws-masker CLI: see exactly what the gateway would send to Claude, with the same engine the gateway runs.
//   aws-masker mask   [FILE|-] [--json] [--path P] [--map MAP.json] [--config kong.yml] [--secret S] [scope options]
//   aws-masker unmask [FILE|-] --map MAP.json [--json] [--path P]
//   aws-masker unmask [FILE|-] --redis HOST:PORT --secret-env VAR (--scope SCOPE | --api-key-env VAR) [--json]
//   aws-masker scan   [FILE|-] [--json] [--config kong.yml]
// Exit status: 0 done, 1 unexpected failure, 2 usage error or unusable input (one line on stderr, no stack trace).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  createNodeMasker,
  newSession,
  maskText,
  maskJson,
  restoreText,
  restoreJson,
  policyFor,
  answerPolicyFor,
  findIn,
  adoptEntry,
  tenantScope,
  maskerConfigOf,
  type Entry,
  type Session,
  type MaskingFields,
} from "../lib/engine";
import { VERSION } from "../plugin-src/kong/plugins/aws-masker/version";
import { loadDeclarative, resolveEnvReference } from "../host/config";

type Command = "mask" | "unmask" | "scan";
const COMMANDS: Command[] = ["mask", "unmask", "scan"];

/** One command-line option. New ones (e.g. unmask --redis) are one more row here. */
interface OptionSpec {
  flag: string;
  /** takes a value (the next argument) */
  value: boolean;
  commands: Command[];
  help: string;
}

const OPTIONS: OptionSpec[] = [
  {
    flag: "--json",
    value: false,
    commands: ["mask", "unmask", "scan"],
    help: "the input is a Claude API body (JSON): masked/restored as the gateway does (field rules); scan prints JSON",
  },
  {
    flag: "--path",
    value: true,
    commands: ["mask", "unmask"],
    help: "the API path the JSON body is for (default /v1/messages)",
  },
  {
    flag: "--map",
    value: true,
    commands: ["mask", "unmask"],
    help: "mask: write the pseudonym map here; unmask: read it (required)",
  },
  {
    flag: "--config",
    value: true,
    commands: ["mask", "scan"],
    help: "apply the aws-masker plugin config of a declarative kong.yml (secret, allowlist, custom_patterns, disabled_kinds, mask_public_ips, tenant_scope)",
  },
  {
    flag: "--secret",
    value: true,
    commands: ["mask"],
    help: "pseudonym secret (default: config.secret of --config, else $AWS_MASKER_SECRET)",
  },
  {
    flag: "--tenant-scope",
    value: true,
    commands: ["mask"],
    help: "consumer|credential|global (default: tenant_scope of --config, else consumer)",
  },
  {
    flag: "--api-key",
    value: true,
    commands: ["mask"],
    help: "the client's API key (x-api-key, or the token of Authorization: Bearer)",
  },
  { flag: "--consumer", value: true, commands: ["mask"], help: "the Kong consumer id the gateway authenticated" },
  {
    flag: "--credential",
    value: true,
    commands: ["mask"],
    help: "the Kong credential id the gateway authenticated (e.g. key-auth's)",
  },
  {
    flag: "--scope",
    value: true,
    commands: ["mask"],
    help: "the tenant scope itself, as the gateway computed it (overrides the above)",
  },
  {
    flag: "--progress",
    value: false,
    commands: ["mask", "unmask", "scan"],
    help: "report progress on stderr (default: when stderr is a terminal)",
  },
];

const USAGE = `usage: aws-masker mask|unmask|scan [FILE|-] [options]
       aws-masker --version
  mask     print the input with every AWS identifier replaced by its pseudonym
  unmask   print the input with the pseudonyms of --map restored (or through the gateway's Redis: unmask --redis --help)
  scan     list the identifiers found, by kind
options:
${OPTIONS.map((o) => `  ${(o.flag + (o.value ? " V" : "")).padEnd(16)} ${o.help} [${o.commands.join(", ")}]`).join("\n")}
Without --scope/--api-key/--consumer/--credential, pseudonyms are those of a request without credentials.
FILE - reads stdin; with no FILE, stdin must not be a terminal.
`;

/** A usage mistake or an input the CLI cannot use: one line, exit 2. */
class CliError extends Error {
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
  }
}

// a progress line every 8 MB (AWS_MASKER_PROGRESS_BYTES: a smaller step, for the tests)
const PROGRESS_STEP =
  Number(process.env.AWS_MASKER_PROGRESS_BYTES) > 0 ? Number(process.env.AWS_MASKER_PROGRESS_BYTES) : 8 * 1024 * 1024;
const DEMO_SECRET = "aws-masker-cli-demo-secret";
const MIN_SECRET = 16;

interface Parsed {
  cmd: Command;
  file?: string;
  opts: Map<string, string | true>;
}

function parseArgs(argv: string[]): Parsed | "help" | "version" {
  if (argv.length === 0) throw new CliError("no command given", true);
  const first = argv[0];
  if (first === "-h" || first === "--help") return "help";
  if (first === "--version" || first === "-V") return "version";
  if (!COMMANDS.includes(first as Command)) throw new CliError(`unknown command ${first}`, true);
  const cmd = first as Command;
  const opts = new Map<string, string | true>();
  let file: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") return "help";
    if (a === "--version") return "version";
    if (a.startsWith("--")) {
      const spec = OPTIONS.find((o) => o.flag === a);
      if (spec === undefined) throw new CliError(`unknown option ${a}`, true);
      if (!spec.commands.includes(cmd)) throw new CliError(`${a} does not apply to ${cmd}`, true);
      if (spec.value) {
        const v = argv[++i];
        if (v === undefined) throw new CliError(`${a} needs a value`, true);
        opts.set(a, v);
      } else {
        opts.set(a, true);
      }
    } else if (file === undefined) {
      file = a;
    } else {
      throw new CliError(`one input at a time (got ${file} and ${a})`, true);
    }
  }
  if (cmd === "unmask" && !opts.has("--map"))
    throw new CliError("unmask needs --map FILE (written by mask --map)", true);
  const ts = opts.get("--tenant-scope");
  if (ts !== undefined && ts !== "consumer" && ts !== "credential" && ts !== "global") {
    throw new CliError("--tenant-scope must be consumer, credential or global", true);
  }
  return { cmd, file, opts };
}

const str = (opts: Map<string, string | true>, flag: string): string | undefined => {
  const v = opts.get(flag);
  return typeof v === "string" ? v : undefined;
};

/** The aws-masker plugin config of a declarative file (the first instance), with its vault references resolved. */
function pluginConfigFrom(file: string): MaskingFields & { tenant_scope?: string } {
  let doc: unknown;
  try {
    doc = loadDeclarative(file);
  } catch (e) {
    throw new CliError(`--config: ${(e as Error).message}`);
  }
  const found: Record<string, unknown>[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.name === "aws-masker" && (o.config === undefined || typeof o.config === "object"))
        found.push((o.config ?? {}) as Record<string, unknown>);
      else Object.values(o).forEach(walk);
    }
  };
  walk(doc);
  if (found.length === 0) throw new CliError(`--config ${file}: no aws-masker plugin in it`);
  if (found.length > 1)
    process.stderr.write(`aws-masker: ${file} has ${found.length} aws-masker plugins: using the first\n`);
  const c = found[0];
  const out: MaskingFields & { tenant_scope?: string } = {
    secret: "",
    disabled_kinds: c.disabled_kinds as string[] | undefined,
    allowlist: c.allowlist as string[] | undefined,
    mask_public_ips: c.mask_public_ips as boolean | undefined,
    custom_patterns: c.custom_patterns as MaskingFields["custom_patterns"],
    tenant_scope: c.tenant_scope as string | undefined,
  };
  if (typeof c.secret === "string") {
    const r = resolveEnvReference(c.secret);
    if ("error" in r) throw new CliError(`--config ${file}: config.secret: ${r.error}`);
    if (r.value.length < MIN_SECRET)
      throw new CliError(`--config ${file}: config.secret: length must be at least ${MIN_SECRET}`);
    out.secret = r.value;
  }
  return out;
}

function readInput(file: string | undefined): string {
  if (file === undefined && process.stdin.isTTY) {
    throw new CliError("no input: give a FILE or pipe the text in (FILE - reads the terminal)", true);
  }
  const source = file === undefined || file === "-" ? 0 : file;
  try {
    return readFileSync(source, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot read ${file ?? "stdin"}: ${code === "ENOENT" ? "no such file" : (code ?? (e as Error).message)}`,
    );
  }
}

function readMap(file: string): Entry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(
      `--map ${file}: cannot read it: ${code === "ENOENT" ? "no such file" : (code ?? (e as Error).message)}`,
    );
  }
  let map: unknown;
  try {
    map = JSON.parse(text);
  } catch (e) {
    throw new CliError(`--map ${file}: not valid JSON (${(e as Error).message})`);
  }
  const entries = (map as { entries?: unknown } | null)?.entries;
  const valid = (e: unknown) => {
    const x = e as Entry;
    return (
      x !== null &&
      typeof x === "object" &&
      typeof x.pseudonym === "string" &&
      typeof x.original === "string" &&
      typeof x.kind === "string"
    );
  };
  if (!Array.isArray(entries) || !entries.every(valid)) {
    throw new CliError(
      `--map ${file}: not a map written by \`aws-masker mask --map\` (needs "entries": [{pseudonym, original, kind}])`,
    );
  }
  return entries as Entry[];
}

/** Progress lines on stderr, one per PROGRESS_STEP bytes. */
function progressReporter(enabled: boolean, what: string, total: number) {
  let next = PROGRESS_STEP;
  const mb = (n: number) => (n / 1048576).toFixed(1);
  return (done: number) => {
    if (!enabled) return;
    if (done >= next || done === total) {
      process.stderr.write(`aws-masker: ${what}: ${mb(done)} of ${mb(total)} MB\n`);
      while (next <= done) next += PROGRESS_STEP;
    }
  };
}

/** [start, end) pieces of about PROGRESS_STEP units, each ending after a newline (identifiers never span one). */
function lineChunks(s: string): [number, number][] {
  const out: [number, number][] = [];
  let a = 0;
  while (a < s.length) {
    const nl = s.indexOf("\n", Math.min(a + PROGRESS_STEP, s.length) - 1);
    const b = nl < 0 ? s.length : nl + 1;
    out.push([a, b]);
    a = b;
  }
  return out;
}

function run(p: Parsed): string {
  const { cmd, opts } = p;
  const progress = opts.has("--progress");
  const apiPath = str(opts, "--path") ?? "/v1/messages";
  const configFile = str(opts, "--config");
  const pluginConf = configFile !== undefined ? pluginConfigFrom(path.resolve(configFile)) : undefined;

  let secret = str(opts, "--secret") ?? (pluginConf?.secret || undefined) ?? process.env.AWS_MASKER_SECRET;
  if (secret === undefined || secret === "") {
    secret = DEMO_SECRET;
    if (cmd === "mask")
      process.stderr.write(
        "aws-masker: no --secret, --config or AWS_MASKER_SECRET: using the demo secret (pseudonyms differ from your gateway's)\n",
      );
  }
  const masker = createNodeMasker(maskerConfigOf({ ...(pluginConf ?? {}), secret }));
  const mode = str(opts, "--tenant-scope") ?? pluginConf?.tenant_scope ?? "consumer";
  const scope =
    str(opts, "--scope") ??
    tenantScope(masker, mode, {
      apiKey: str(opts, "--api-key"),
      consumerId: str(opts, "--consumer"),
      credentialId: str(opts, "--credential"),
    });
  const session: Session = newSession(masker, scope);
  const mapFile = str(opts, "--map");
  if (cmd === "unmask") for (const e of readMap(mapFile as string)) adoptEntry(session, e);

  const input = readInput(p.file);
  const showProgress = progress || (process.stderr.isTTY === true && input.length > PROGRESS_STEP);
  const report = progressReporter(showProgress, cmd, input.length);

  if (cmd === "mask") {
    let out: string;
    if (opts.has("--json")) {
      report(0);
      const r = maskJson(session, input, policyFor(apiPath));
      if (r.text === undefined) throw new CliError(`input is not valid JSON: ${r.error} at byte ${r.offset}`);
      out = r.text;
      report(input.length);
    } else if (showProgress && input.length > PROGRESS_STEP) {
      // by pieces, to report progress: a first pass learns every name found by its context, so that the second
      // masks all their occurrences, earlier pieces included (the same result as one maskText over the whole input)
      const chunks = lineChunks(input);
      const reportFind = progressReporter(true, "mask (finding identifiers)", input.length);
      for (const [a, b] of chunks) {
        findIn(session, input.substring(a, b), "");
        reportFind(b);
      }
      const parts: string[] = [];
      for (const [a, b] of chunks) {
        parts.push(maskText(session, input.substring(a, b), ""));
        report(b);
      }
      out = parts.join("");
    } else {
      out = maskText(session, input, "");
    }
    if (mapFile !== undefined)
      writeFileSync(
        mapFile,
        // the three fields of a mapping (the engine's entries may carry its own bookkeeping)
        JSON.stringify(
          {
            scope: session.scope,
            entries: session.entries.map((e) => ({ pseudonym: e.pseudonym, original: e.original, kind: e.kind })),
          },
          null,
          2,
        ) + "\n",
      );
    return out;
  }
  if (cmd === "unmask") {
    if (opts.has("--json")) {
      const r = restoreJson(session, input, answerPolicyFor(apiPath));
      if (r.text === undefined) throw new CliError(`input is not valid JSON: ${r.error} at byte ${r.offset}`);
      report(input.length);
      return r.text;
    }
    const parts: string[] = [];
    for (const [a, b] of lineChunks(input)) {
      parts.push(restoreText(session, input.substring(a, b), false));
      report(b);
    }
    return parts.join("");
  }
  // scan
  const byKind = new Map<string, string[]>();
  for (const m of findIn(session, input, "")) {
    const list = byKind.get(m.kind.id) ?? [];
    list.push(input.substring(m.s, m.e));
    byKind.set(m.kind.id, list);
  }
  report(input.length);
  if (opts.has("--json")) return JSON.stringify(Object.fromEntries(byKind), null, 2) + "\n";
  const lines: string[] = [];
  let total = 0;
  for (const [kind, values] of [...byKind.entries()].sort()) {
    lines.push(`${kind} (${values.length})`);
    for (const v of values) lines.push(`  ${v}`);
    total += values.length;
  }
  lines.push(`${total} identifier(s) found`);
  return lines.join("\n") + "\n";
}

function main(argv: string[]): number {
  // `aws-masker mask big.txt | head`: a closed stdout is the reader's choice, not a failure
  process.stdout.on("error", (e: NodeJS.ErrnoException) => process.exit(e.code === "EPIPE" ? 0 : 1));
  try {
    const p = parseArgs(argv);
    if (p === "help") {
      process.stdout.write(USAGE);
      return 0;
    }
    if (p === "version") {
      process.stdout.write(`aws-masker ${VERSION}\n`);
      return 0;
    }
    process.stdout.write(run(p));
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`aws-masker: ${e.message}\n${e.usage ? USAGE : ""}`);
      return 2;
    }
    process.stderr.write(`aws-masker: unexpected failure: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}

const argv = process.argv.slice(2);
if (argv[0] === "unmask" && argv.includes("--redis")) {
  // restoring through the gateway's Redis: its own options and code path (cli/unmask-redis.ts)
  await (await import("./unmask-redis")).unmaskThroughRedis(argv.slice(1));
} else {
  process.exitCode = main(argv);
}
