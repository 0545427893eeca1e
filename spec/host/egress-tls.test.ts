// The egress proxy verifies the upstream certificate against the CA bundle, sends SNI and
// the upstream Host.  A throw-away CA and a localhost certificate are made with openssl.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGateway, startPlainProxy } from "../../host/gateway.ts";
import { TEST_PLUGINS, unexpectedErrors } from "./helpers.ts";

let dir: string;
let server: https.Server;
let port: number;
let seen: { host?: string; servername?: string; url?: string } = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "host-tls-"));
  const o = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  o(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "2",
    "-subj",
    "/CN=host-test-ca",
  );
  o("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost");
  writeFileSync(path.join(dir, "ext.cnf"), "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n");
  o(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.crt",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
  );
  server = https.createServer(
    { key: readFileSync(path.join(dir, "leaf.key")), cert: readFileSync(path.join(dir, "leaf.crt")) },
    (req, res) => {
      seen = { host: req.headers.host, servername: (req.socket as any).servername, url: req.url };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true }));
    },
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

it("gateway -> egress -> https upstream with a verified certificate, SNI and Host", async () => {
  const gw = await startGateway({
    redis: "none",
    pluginPaths: [TEST_PLUGINS],
    log: () => {},
    upstream: `https://localhost:${port}`,
    egressTrustedCertificate: path.join(dir, "ca.crt"),
    configObject: {
      _format_version: "3.0",
      services: [
        {
          name: "claude-api",
          url: "http://claude-proxy:8080",
          routes: [{ name: "m", paths: ["/v1/"], strip_path: false }],
        },
      ],
      plugins: [{ name: "host-test" }],
    },
  });
  try {
    const res = await fetch(gw.url + "/v1/messages?beta=true", { method: "POST", body: "{}" });
    expect(res.status).toBe(200);
    expect(seen).toEqual({ host: `localhost:${port}`, servername: "localhost", url: "/v1/messages?beta=true" });
    expect(unexpectedErrors(gw.errorLog())).toEqual([]);
  } finally {
    await gw.stop();
  }
});

it("refuses an upstream whose certificate does not verify (system CA bundle)", async () => {
  const p = await startPlainProxy({ upstream: `https://localhost:${port}`, name: "egress" });
  try {
    const res = await fetch(p.url + "/v1/messages");
    expect(res.status).toBe(502);
    expect(p.errorLog()).toMatch(/upstream SSL certificate verify error/);
  } finally {
    await p.stop();
  }
});
