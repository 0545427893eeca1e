// bin/aws-masker as a user runs it: one-line errors with exit 2 (never a stack trace, never waiting on stdin),
// --version, --config kong.yml, progress, and tenant-scope options that reproduce the real gateway's pseudonyms.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../host/gateway.ts";
import { VERSION } from "../../plugin-src/kong/plugins/aws-masker/version.ts";
import { startStack, post, messagesBody, PROMPT, ORIGINALS, SECRET, type Stack } from "../gateway/support.ts";

const BIN = path.join(REPO_ROOT, "bin/aws-masker");
const dir = mkdtempSync(path.join(tmpdir(), "aws-masker-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("AWS_MASKER")) env[k] = v;
  return { ...env, ...extra };
}

/** Runs the CLI with input on stdin (or stdin left open and silent when input is undefined: a hang shows as a timeout). */
function cli(args: string[], input?: string, env: Record<string, string> = {}, timeoutMs = 20000) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const child = spawn(BIN, args, { cwd: dir, env: cleanEnv(env), stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const t = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`aws-masker ${args.join(" ")} still running after ${timeoutMs} ms (waiting on stdin?)`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

const oneLine = (err: string) => err.trim().split("\n");
const noStack = (err: string) => expect(err).not.toMatch(/\n\s+at |Error:|node:internal/);

describe("errors: one line (plus usage for usage mistakes), exit 2, no stack, no waiting on stdin", () => {
  it("no command and unknown commands print the usage and exit 2 without reading stdin", async () => {
    for (const args of [[], ["frobnicate"], ["mask", "--frob"], ["scan", "--secret", "x"]]) {
      const r = await cli(args); // stdin stays open: a CLI that reads it would time out
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        /^aws-masker: (no command given|unknown command frobnicate|unknown option --frob|--secret does not apply to scan)\nusage: aws-masker mask\|unmask\|scan/,
      );
      expect(r.out).toBe("");
      noStack(r.err);
    }
  });

  it("unmask without --map is a usage error, not a read of stdin", async () => {
    const r = await cli(["unmask"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.err)[0]).toBe("aws-masker: unmask needs --map FILE (written by mask --map)");
  });

  it("a bad --map (missing, not JSON, wrong shape) is one line and exit 2", async () => {
    writeFileSync(path.join(dir, "notjson.json"), "{entries: nope");
    writeFileSync(path.join(dir, "shape.json"), JSON.stringify({ entries: [{ pseudonym: 1 }] }));
    const cases: [string, RegExp][] = [
      ["missing.json", /^aws-masker: --map missing\.json: cannot read it: no such file$/],
      ["notjson.json", /^aws-masker: --map notjson\.json: not valid JSON \(.+\)$/],
      ["shape.json", /^aws-masker: --map shape\.json: not a map written by `aws-masker mask --map`/],
    ];
    for (const [map, want] of cases) {
      const r = await cli(["unmask", "--map", map], "EC2_INSTANCE_28the79wbv");
      expect(r.code).toBe(2);
      expect(oneLine(r.err)).toHaveLength(1);
      expect(r.err.trim()).toMatch(want);
      noStack(r.err);
    }
  });

  it("a missing input file and invalid JSON input are one line and exit 2", async () => {
    const a = await cli(["scan", "nope.txt"]);
    expect([a.code, a.err.trim()]).toEqual([2, "aws-masker: cannot read nope.txt: no such file"]);
    const b = await cli(["mask", "--json", "--secret", "0123456789abcdef0"], "{not json");
    expect(b.code).toBe(2);
    expect(b.err.trim()).toMatch(/^aws-masker: input is not valid JSON: .* at byte \d+$/);
  });

  it("stdin on a terminal and no FILE: says so instead of waiting", () => {
    // `script` gives the CLI a pseudo-terminal as stdin
    const r = spawnSync("script", ["-qec", `${BIN} scan`, "/dev/null"], {
      cwd: dir,
      env: cleanEnv(),
      encoding: "utf8",
      timeout: 20000,
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("aws-masker: no input: give a FILE or pipe the text in");
  });

  it("--version prints the plugin's VERSION (one source: version.ts, also the handler's)", async () => {
    const r = await cli(["--version"]);
    expect([r.code, r.out]).toEqual([0, `aws-masker ${VERSION}\n`]);
    expect(readFileSync(path.join(REPO_ROOT, "build/kong/plugins/aws-masker/version.lua"), "utf8")).toContain(
      `"${VERSION}"`,
    );
    expect(readFileSync(path.join(REPO_ROOT, "build/kong/plugins/aws-masker/handler.lua"), "utf8")).toMatch(
      /VERSION = VERSION/,
    );
  });
});

describe("mask --map and unmask --map", () => {
  it("the map holds the scope and each mapping's pseudonym, original and kind only, and unmask restores from it", async () => {
    const map = path.join(dir, "roundtrip-map.json");
    const text = "i-0a1b2c3d4e5f67890 in vpc-0fedcba9876543210\n";
    const m = await cli(["mask", "--secret", "0123456789abcdef0", "--map", map], text);
    expect(m.code).toBe(0);
    const written = JSON.parse(readFileSync(map, "utf8")) as { scope: string; entries: Record<string, string>[] };
    expect(Object.keys(written).sort()).toEqual(["entries", "scope"]);
    expect(written.entries.map((e) => Object.keys(e).sort())).toEqual([
      ["kind", "original", "pseudonym"],
      ["kind", "original", "pseudonym"],
    ]);
    expect(written.entries.map((e) => e.original)).toEqual(["i-0a1b2c3d4e5f67890", "vpc-0fedcba9876543210"]);
    const u = await cli(["unmask", "--map", map], m.out);
    expect([u.code, u.out]).toEqual([0, text]);
  });
});

describe("--config kong.yml", () => {
  const yml = (secret: string) => `_format_version: "3.0"
services:
  - name: claude-api
    url: http://claude-proxy:8080
    routes: [{ name: r, paths: ["/v1/"], strip_path: false }]
    plugins:
      - name: aws-masker
        config:
          secret: "${secret}"
          tenant_scope: global
          allowlist: ["111122223333"]
          disabled_kinds: ["vpc"]
          mask_public_ips: false
          custom_patterns:
            - { name: ticket, pattern: "TICKET-[0-9]{4}" }
`;
  const text =
    "account 111122223333 and account 123456789012, vpc-0fedcba9876543210, host 8.8.8.8, TICKET-1234, i-0a1b2c3d4e5f67890\n";

  it("applies allowlist, disabled_kinds, mask_public_ips, custom_patterns, tenant_scope and the env-vault secret", async () => {
    writeFileSync(path.join(dir, "kong.yml"), yml("{vault://env/CLI_TEST_SECRET}"));
    const secret = "cli-config-secret-0123456789abcdef";
    const r = await cli(["mask", "--config", "kong.yml"], text, { CLI_TEST_SECRET: secret });
    expect(r.code).toBe(0);
    expect(r.out).toContain("111122223333"); // allowlist
    expect(r.out).not.toContain("123456789012");
    expect(r.out).toContain("vpc-0fedcba9876543210"); // disabled kind
    expect(r.out).toContain("8.8.8.8"); // mask_public_ips false
    expect(r.out).toMatch(/CUSTOM_TICKET_[a-z0-9]{10}/);
    expect(r.out).not.toContain("TICKET-1234");
    // the secret and scope are the config's: the same instance pseudonym as with them given by hand
    const byHand = await cli(["mask", "--secret", secret, "--scope", "global"], "i-0a1b2c3d4e5f67890\n");
    expect(r.out).toContain(byHand.out.trim());
    const otherSecret = await cli(["mask", "--secret", secret + "x", "--scope", "global"], "i-0a1b2c3d4e5f67890\n");
    expect(r.out).not.toContain(otherSecret.out.trim());
  });

  it("an unresolved or too-short secret in the config is one line naming config.secret, exit 2", async () => {
    writeFileSync(path.join(dir, "kong.yml"), yml("{vault://env/CLI_TEST_MISSING}"));
    const a = await cli(["mask", "--config", "kong.yml"], text);
    expect(a.code).toBe(2);
    expect(a.err.trim()).toBe(
      `aws-masker: --config ${path.join(dir, "kong.yml")}: config.secret: vault reference {vault://env/CLI_TEST_MISSING} could not be resolved (environment variable CLI_TEST_MISSING is not set)`,
    );
    writeFileSync(path.join(dir, "kong.yml"), yml("{vault://env/CLI_TEST_SECRET}"));
    const b = await cli(["mask", "--config", "kong.yml"], text, { CLI_TEST_SECRET: "short" });
    expect(b.code).toBe(2);
    expect(b.err.trim()).toMatch(/config\.secret: length must be at least 16$/);
  });
});

describe("progress on stderr", () => {
  it("--progress reports every step, and masking by pieces gives exactly the one-piece output", async () => {
    const corpusDir = path.join(REPO_ROOT, "spec/fixtures/corpus/positive");
    // the documents at the top of the corpus (its subfolders hold more of the same families)
    const corpus = readdirSync(corpusDir, { withFileTypes: true })
      .filter((d) => d.isFile() && !d.name.endsWith(".labels.json"))
      .map((d) => readFileSync(path.join(corpusDir, d.name), "utf8"))
      .join("\n");
    const input = corpus.repeat(4);
    const env = { AWS_MASKER_SECRET: "progress-secret-0123456789abcdef", AWS_MASKER_PROGRESS_BYTES: "32768" };
    const quiet = await cli(["mask"], input, env, 60000);
    const loud = await cli(["mask", "--progress"], input, env, 60000);
    expect(quiet.err).toBe("");
    const lines = loud.err.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(Math.floor(input.length / 32768));
    expect(lines.at(-1)).toMatch(/^aws-masker: mask: ([\d.]+) of \1 MB$/);
    expect(loud.out).toBe(quiet.out);
    expect(loud.out).not.toBe(input);
  }, 120000);
});

describe("tenant scope options reproduce the real gateway's pseudonyms", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ redis: "none" });
  }, 60000);
  afterAll(async () => {
    await stack?.stop();
  });

  const body = messagesBody(PROMPT);
  async function upstreamBody(headers: Record<string, string>): Promise<string> {
    const res = await post(stack.gw.url, "/v1/messages", body, headers);
    expect(res.status).toBe(200);
    return stack.mock.received.at(-1)!.body;
  }

  it("--api-key K: the gateway's body for x-api-key K and for Authorization: Bearer K", async () => {
    const viaKey = await upstreamBody({ "x-api-key": "sk-cli-tenant-1" });
    const viaBearer = await upstreamBody({ "x-api-key": "", authorization: "Bearer sk-cli-tenant-1" });
    const other = await upstreamBody({ "x-api-key": "sk-cli-tenant-2" });
    for (const o of ORIGINALS) expect(viaKey).not.toContain(o);
    expect(viaBearer).toBe(viaKey);
    expect(other).not.toBe(viaKey);
    const r = await cli(["mask", "--json", "--secret", SECRET, "--api-key", "sk-cli-tenant-1"], body);
    expect(r.code).toBe(0);
    expect(r.out).toBe(viaKey);
    // --config kong/kong.yml with the gateway's secret in the environment: the same
    const c = await cli(
      ["mask", "--json", "--config", path.join(REPO_ROOT, "kong/kong.yml"), "--api-key", "sk-cli-tenant-1"],
      body,
      { AWS_MASKER_SECRET: SECRET },
    );
    expect(c.out).toBe(viaKey);
  });

  it("no credentials: the default scope is the gateway's for a request without a key", async () => {
    // the mock answers 401 without a key, after recording what it received
    await post(stack.gw.url, "/v1/messages", body, { "x-api-key": "" });
    const anon = stack.mock.received.at(-1)!.body;
    const r = await cli(["mask", "--json", "--secret", SECRET], body);
    expect(r.out).toBe(anon);
  });
});
