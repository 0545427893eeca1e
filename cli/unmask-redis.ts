// `aws-masker unmask --redis HOST:PORT --secret-env VAR (--scope SCOPE | --api-key-env VAR) [--json] [FILE|-]`:
// restores pseudonyms through the gateway's Redis (operator use; docs/redis.md). Only mappings stored under the
// given tenant scope open: keys are keyed hashes of (scope, pseudonym), values sealed with the secret.
import { readFileSync } from "node:fs";
import Redis from "ioredis";
import { createNodeMasker, newSession, restoreText, restoreJson, answerPolicyFor, adoptEntry } from "../lib/engine";
import { sealKeysFor } from "../lib/sealed";
import { credentialScope, loadMappings } from "../lib/store";

const USAGE = `usage: aws-masker unmask [FILE|-] --redis HOST:PORT --secret-env VAR (--scope SCOPE | --api-key-env VAR) [--json] [--path P]
  --redis HOST:PORT   the gateway's Redis (database 0; REDIS_PASSWORD in the environment if it needs AUTH)
  --secret-env VAR    the environment variable holding the gateway's secret (never on the command line)
  --scope SCOPE       the tenant scope: global, c:<consumer id>, or k:<hash> (as the gateway derives it)
  --api-key-env VAR   or: the environment variable holding the tenant's API key (scope derived like the gateway)
  --json              the input is an answer body (JSON): restored with the answer field rules
`;
const PSEUDONYM = /(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]*_[0-9a-hjkmnp-tv-z]{10}(?![A-Za-z0-9])/g;

function fail(msg: string): never {
  process.stderr.write(`aws-masker: ${msg}\n`);
  process.exit(2);
}

export async function unmaskThroughRedis(args: string[]): Promise<void> {
  const opts: Record<string, string | boolean> = {};
  let file = "-";
  while (args.length > 0) {
    const a = args.shift() as string;
    if (a === "-h" || a === "--help") {
      process.stdout.write(USAGE);
      process.exit(0);
    } else if (a === "--json") opts.json = true;
    else if (["--redis", "--secret-env", "--scope", "--api-key-env", "--path"].includes(a)) {
      const v = args.shift();
      if (v === undefined) fail(`${a} needs a value`);
      opts[a.slice(2)] = v;
    } else if (a.startsWith("--")) fail(`unknown option ${a}\n${USAGE}`);
    else file = a;
  }
  const m = /^(.+):(\d+)$/.exec(String(opts.redis));
  if (!m) fail(`--redis must be HOST:PORT\n${USAGE}`);
  const secretVar = typeof opts["secret-env"] === "string" ? opts["secret-env"] : "AWS_MASKER_SECRET";
  const secret = process.env[secretVar];
  if (secret === undefined || secret.length < 16)
    fail(`${secretVar} is not set to the gateway's secret (16+ characters)`);
  let scope = opts.scope as string | undefined;
  if (typeof opts["api-key-env"] === "string") {
    const key = process.env[opts["api-key-env"]];
    if (!key) fail(`${opts["api-key-env"]} is not set`);
    scope = credentialScope(secret, key);
  }
  if (scope === undefined) fail(`give the tenant: --scope SCOPE or --api-key-env VAR\n${USAGE}`);
  let input: string;
  try {
    input = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    fail(`cannot read ${file}: ${(e as Error).message}`);
  }
  const pseudonyms = [...new Set(input.match(PSEUDONYM) ?? [])];
  const keys = sealKeysFor(secret);
  const session = newSession(createNodeMasker({ secret }), scope);
  if (pseudonyms.length > 0) {
    const redis = new Redis({
      host: m[1],
      port: Number(m[2]),
      password: process.env.REDIS_PASSWORD,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    redis.on("error", () => {});
    try {
      await redis.connect();
    } catch (e) {
      fail(`cannot reach Redis at ${opts.redis}: ${(e as Error).message}`);
    }
    try {
      for (const [pseudonym, m] of await loadMappings(redis, keys, scope, pseudonyms))
        adoptEntry(session, { pseudonym, original: m.original, kind: m.kind });
    } finally {
      redis.disconnect();
    }
  }
  const restored = session.entries.length;
  if (opts.json === true) {
    const r = restoreJson(session, input, answerPolicyFor((opts.path as string | undefined) ?? "/v1/messages"));
    if (r.text === undefined) fail(`input is not valid JSON: ${r.error} at byte ${r.offset}`);
    process.stdout.write(r.text);
  } else {
    process.stdout.write(restoreText(session, input, false));
  }
  process.stderr.write(`aws-masker: ${restored} of ${pseudonyms.length} pseudonym(s) found in Redis for this tenant\n`);
}
