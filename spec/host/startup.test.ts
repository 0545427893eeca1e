// Startup fails loudly, and the launcher owns what it starts: a taken port, an unusable or unresolved secret, a closed
// stdout, an unreachable upstream, --config relative to the current directory, --keep-run-dir.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startGateway, freePort, REPO_ROOT } from "../../host/gateway.ts";
import { EGRESS_ERROR_PAGES } from "../../host/nginx.ts";
import { alive, processTree, waitFor } from "./helpers.ts";

const SECRET = "startup-test-secret-0123456789abcdef";
const TSX = path.join(REPO_ROOT, "node_modules/tsx/dist/esm/index.mjs");
const LAUNCHER = path.join(REPO_ROOT, "host/gateway.ts");
const started: ChildProcess[] = [];
const tmpDirs: string[] = [];

afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

/** The gateway CLI as a user runs it, from cwd, without npm's INIT_CWD. */
function launch(args: string[], cwd = REPO_ROOT, env: Record<string, string> = {}) {
  const e: Record<string, string | undefined> = { ...process.env, AWS_MASKER_SECRET: SECRET, ...env };
  delete e.INIT_CWD;
  const child = spawn(process.execPath, ["--import", TSX, LAUNCHER, ...args], {
    cwd,
    env: e,
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    const onData = () => {
      const nl = stdout.indexOf("\n");
      if (nl >= 0) resolve(stdout.slice(0, nl));
    };
    child.stdout!.on("data", onData);
    exited.then((code) => reject(new Error(`launcher exited ${code} before printing: ${stderr}`)));
  });
  firstLine.catch(() => {}); // awaited only by the tests that expect a start
  return { child, exited, firstLine, out: () => stdout, err: () => stderr };
}

async function waitForAsync(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const messages = JSON.stringify({
  model: "claude-sonnet-5",
  max_tokens: 16,
  messages: [{ role: "user", content: "hi i-0a1b2c3d4e5f67890" }],
});
const post = (url: string) =>
  fetch(url + "/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-a" },
    body: messages,
  });

describe("startup failures stop the start with a message", () => {
  it("a port already taken by another program: the gateway fails, the CLI never prints 'listening'", async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(
        startGateway({ port, redis: "none", log: () => {}, env: { AWS_MASKER_SECRET: SECRET } }),
      ).rejects.toThrow(`the gateway cannot listen on 127.0.0.1:${port}: the port is already in use`);
      const cli = launch(["--port", String(port), "--redis", "none", "--no-build"]);
      expect(await cli.exited).toBe(1);
      expect(cli.out()).toBe("");
      expect(cli.err().trim()).toBe(
        `aws-masker gateway: the gateway cannot listen on 127.0.0.1:${port}: the port is already in use`,
      );
    } finally {
      blocker.close();
    }
  });

  it("a secret shorter than 16 characters (from the env vault) names config.secret", async () => {
    const e = await startGateway({ redis: "none", log: () => {}, env: { AWS_MASKER_SECRET: "short" } }).catch((x) => x);
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toMatch(
      /plugin 'aws-masker' \(service 'claude-api'\): config\.secret: length must be at least 16/,
    );
    expect(e.message).not.toContain("short"); // the value itself is never printed
  });

  it("an unresolved vault reference names config.secret and the variable", async () => {
    const e = await startGateway({
      redis: "none",
      log: () => {},
      pluginConfigOverrides: { "aws-masker": { secret: "{vault://env/AWS_MASKER_STARTUP_MISSING}" } },
    }).catch((x) => x);
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toMatch(
      /config\.secret: vault reference \{vault:\/\/env\/AWS_MASKER_STARTUP_MISSING\} could not be resolved/,
    );
    expect(e.message).toContain("AWS_MASKER_STARTUP_MISSING");
  });
});

describe("the launcher owns what it starts", () => {
  it("survives a stdout closed before it prints 'listening', keeps serving, and SIGTERM leaves no process behind", async () => {
    const port = await freePort();
    const cli = launch(["--port", String(port), "--mock", "--no-build"]);
    cli.child.stdout!.destroy(); // nobody reads: the 'listening' line meets EPIPE
    const url = `http://127.0.0.1:${port}`;
    expect(await waitForAsync(async () => (await post(url).catch(() => undefined))?.status === 200, 30000)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(cli.child.exitCode).toBeNull();
    const tree = processTree(cli.child.pid!);
    // launcher + gateway nginx (master + 2 workers) + egress nginx (master + worker) + redis-server
    expect(tree.length).toBeGreaterThanOrEqual(7);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(await waitFor(() => tree.every((p) => !alive(p)))).toBe(true);
  });

  it("`scripts/gateway.sh | head -1` prints the listening line; stopping the launcher leaves no process behind", async () => {
    const port = await freePort();
    const env: Record<string, string | undefined> = { ...process.env, AWS_MASKER_SECRET: SECRET };
    delete env.INIT_CWD;
    const sh = spawn("bash", ["-c", `"${REPO_ROOT}/scripts/gateway.sh" --port ${port} --mock --redis none | head -1`], {
      env,
      stdio: ["ignore", "pipe", "ignore"],
    });
    started.push(sh);
    let out = "";
    sh.stdout!.on("data", (d) => (out += d));
    expect(await waitFor(() => out.includes("\n"), 120000)).toBe(true);
    expect(out).toBe(`aws-masker gateway listening on http://127.0.0.1:${port}\n`);
    expect((await post(`http://127.0.0.1:${port}`)).status).toBe(200);
    const tree = processTree(sh.pid!);
    const launcher = tree.find((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("host/gateway.ts"));
    expect(launcher).toBeDefined();
    expect(tree.length).toBeGreaterThanOrEqual(5); // bash, launcher, gateway nginx master + workers, egress nginx
    process.kill(launcher!, "SIGTERM");
    expect(await waitFor(() => tree.every((p) => !alive(p)), 10000)).toBe(true);
  }, 150000);

  it("--config is relative to the current directory; --keep-run-dir keeps the logs and says where", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "aws-masker-cfg-"));
    tmpDirs.push(dir);
    const up = await freePort(); // nothing listens there
    writeFileSync(
      path.join(dir, "my-kong.yml"),
      readFileSync(path.join(REPO_ROOT, "kong/kong.yml"), "utf8").replace(
        "mapping_ttl_seconds: 86400",
        "mapping_ttl_seconds: 600",
      ),
    );
    const cli = launch(
      [
        "--config",
        "my-kong.yml",
        "--port",
        "0",
        "--redis",
        "none",
        "--no-build",
        "--keep-run-dir",
        "--upstream",
        `http://127.0.0.1:${up}`,
      ],
      dir,
    );
    const line = await cli.firstLine;
    const url = line.slice(line.indexOf("http"));
    // the upstream is down: the client gets the Claude API's error shape, not nginx's HTML
    const res = await post(url);
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      type: "error",
      error: { type: "api_error", message: "aws-masker egress: the Claude API could not be reached" },
    });
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    const kept = /run directory kept: (\S+) \(logs in (\S+)\)/.exec(cli.err());
    expect(kept).not.toBeNull();
    tmpDirs.push(kept![1]);
    expect(existsSync(path.join(kept![2], "error.log"))).toBe(true);
    expect(readFileSync(path.join(kept![1], "config.json"), "utf8")).toContain('"mapping_ttl_seconds": 600');
  });

  it("a missing --config file is one clear line naming the path resolved from the current directory", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "aws-masker-cfg-"));
    tmpDirs.push(dir);
    const cli = launch(["--config", "nope.yml", "--no-build"], dir);
    expect(await cli.exited).toBe(1);
    expect(cli.err().trim()).toBe(`aws-masker gateway: cannot read ${path.join(dir, "nope.yml")}: no such file`);
  });
});

describe("upstream failures are Claude-API-shaped JSON", () => {
  it("the egress of docker-compose (kong/claude-proxy.conf) has the host egress's error pages", () => {
    const conf = readFileSync(path.join(REPO_ROOT, "kong/claude-proxy.conf"), "utf8");
    for (const line of EGRESS_ERROR_PAGES.split("\n")
      .map((l) => l.trim())
      .filter(Boolean))
      expect(conf).toContain(line);
  });
});

describe("the host's bench switches", () => {
  it("KONG_HOST_GARBAGE=<n> logs each phase's bytes allocated per request, the median of every n requests", async () => {
    const gw = await startGateway({
      redis: "none",
      mock: true,
      workers: 1,
      log: () => {},
      env: { AWS_MASKER_SECRET: SECRET, KONG_HOST_GARBAGE: "3" },
    });
    try {
      const line =
        /kong_host: garbage per request, median of 3 requests: access (-?\d+) B, header_filter (-?\d+) B, body_filter (-?\d+) B, log (-?\d+) B/;
      for (let k = 0; k < 3; k++) expect((await post(gw.url)).status).toBe(200);
      expect(await waitFor(() => line.test(gw.errorLog()))).toBe(true);
      const [, access, , , log] = line.exec(gw.errorLog())!.map(Number);
      // the access phase makes the request's session, state and masked body: never nothing
      expect(access).toBeGreaterThan(1000);
      expect(log).toBeGreaterThan(0);
    } finally {
      await gw.stop();
    }
  });
});
