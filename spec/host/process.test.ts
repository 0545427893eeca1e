// Process lifecycle: egress proxy, two gateways side by side, SIGTERM on the CLI, no leftovers.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, startPlainProxy, REPO_ROOT } from "../../host/gateway.ts";
import {
  alive,
  processTree,
  startUpstream,
  TEST_PLUGINS,
  unexpectedErrors,
  waitFor,
  type Upstream,
} from "./helpers.ts";

let up: Upstream;
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up?.close();
});

const claudeDoc = () => ({
  _format_version: "3.0",
  services: [
    {
      name: "claude-api",
      url: "http://claude-proxy:8080", // replaced by the host's egress proxy
      routes: [
        { name: "claude-messages", paths: ["/v1/"], strip_path: false, response_buffering: false },
        { name: "catch-all", paths: ["/"], strip_path: false },
      ],
      plugins: [{ name: "host-test" }],
    },
  ],
});

describe("egress and side-by-side gateways", () => {
  it("routes claude-api through the egress proxy to the upstream, with a private redis", async () => {
    const a = await startGateway({
      configObject: claudeDoc(),
      upstream: up.url,
      pluginPaths: [TEST_PLUGINS],
      log: () => {},
    });
    const b = await startGateway({
      configObject: claudeDoc(),
      upstream: up.url,
      pluginPaths: [TEST_PLUGINS],
      log: () => {},
      redis: "none",
    });
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.egressUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(a.redisPort).toBeGreaterThan(0);
      expect(b.redisPort).toBeUndefined();
      for (const g of [a, b]) {
        const res = await fetch(g.url + "/v1/messages?beta=true", { method: "POST", body: '{"x":1}' });
        const seen = await res.json();
        expect(seen.url).toBe("/v1/messages?beta=true");
        expect(seen.headers.host).toBe(`127.0.0.1:${up.port}`);
        expect(seen.body).toBe('{"x":1}');
        const head = await fetch(g.url + "/", { method: "HEAD" });
        expect(head.status).toBe(200);
      }
      // streams pass through both proxies unbuffered
      const t0 = Date.now();
      const res = await fetch(a.url + "/v1/stream");
      const reader = res.body!.getReader();
      await reader.read();
      const tFirst = Date.now() - t0;
      while (!(await reader.read()).done);
      expect(tFirst).toBeLessThan(Date.now() - t0 - 200);
      // redis restart helpers
      await a.restartRedis!();
      expect(unexpectedErrors(a.errorLog())).toEqual([]);
      expect(unexpectedErrors(b.errorLog())).toEqual([]);
    } finally {
      const pids = [...a.pids(), ...b.pids()];
      expect(pids.length).toBeGreaterThanOrEqual(2 * 4);
      await a.stop();
      await b.stop();
      expect(await waitFor(() => pids.every((p) => !alive(p)))).toBe(true);
    }
  });

  it("startPlainProxy runs a Lua-free nginx in front of an upstream", async () => {
    const p = await startPlainProxy({ upstream: up.url, workers: 1 });
    const res = await fetch(p.url + "/plain?q=1");
    expect((await res.json()).url).toBe("/plain?q=1");
    const pid = p.pid()!;
    await p.stop();
    expect(await waitFor(() => !alive(pid))).toBe(true);
  });
});

describe("CLI", () => {
  it("prints the ready lines, serves, and stops every child on SIGTERM with exit code 0", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "host-cli-"));
    const cfg = path.join(dir, "kong.yml");
    writeFileSync(
      cfg,
      `_format_version: "3.0"
services:
  - name: claude-api
    url: http://claude-proxy:8080
    routes:
      - name: all
        paths: ["/"]
    plugins:
      - name: host-test
`,
    );
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(REPO_ROOT, "host/gateway.ts"),
        "--port",
        "0",
        "--config",
        cfg,
        "--plugin-path",
        TEST_PLUGINS,
        "--upstream",
        up.url,
        "--workers",
        "2",
      ],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, AWS_MASKER_SECRET: "" } },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    try {
      expect(await waitFor(() => /export ANTHROPIC_BASE_URL=/.test(out), 20000)).toBe(true);
      const lines = out.trim().split("\n");
      expect(lines[0]).toMatch(/^aws-masker gateway listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = lines[0].split(" ").pop()!;
      expect(lines[1]).toBe(`export ANTHROPIC_BASE_URL=${url}`);
      expect(err).toMatch(/WARNING: AWS_MASKER_SECRET is not set/);
      const res = await fetch(url + "/hello");
      expect(res.status).toBe(200);
      const tree = processTree(child.pid!);
      // node + gateway master + 2 workers + egress master + worker + redis
      expect(tree.length).toBeGreaterThanOrEqual(7);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(await waitFor(() => tree.every((p) => !alive(p)))).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30000);

  it("exits 1 with a clear message on an invalid plugin config", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "host-cli-"));
    const cfg = path.join(dir, "kong.yml");
    writeFileSync(
      cfg,
      `_format_version: "3.0"
services:
  - name: s
    url: ${up.url}
    routes: [{ name: r, paths: ["/"] }]
plugins:
  - name: schema-test
    config: { secret: "0123456789abcdef", ttl: -1 }
`,
    );
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(REPO_ROOT, "host/gateway.ts"),
        "--port",
        "0",
        "--config",
        cfg,
        "--plugin-path",
        TEST_PLUGINS,
        "--redis",
        "none",
      ],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(err).toMatch(
      /invalid configuration for plugin 'schema-test' \(global\): config\.ttl: value must be greater than 0/,
    );
  }, 30000);
});
