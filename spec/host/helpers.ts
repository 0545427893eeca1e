// Shared helpers for the host's vitest specs: a tiny Node upstream and error-log checks.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const TEST_PLUGINS = path.join(path.dirname(fileURLToPath(import.meta.url)), "plugins");

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Upstream {
  url: string;
  port: number;
  seen: SeenRequest[];
  last(): SeenRequest;
  close(): Promise<void>;
}

/** Echo upstream. /stream sends 3 chunks 150 ms apart; /big?n=N sends N bytes of "a". */
export async function startUpstream(): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d) => chunks.push(d));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const u = new URL(req.url!, "http://x");
      if (u.pathname.endsWith("/stream")) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (let i = 0; i < 3; i++) {
          res.write(`data: chunk${i}\n\n`);
          await new Promise((r) => setTimeout(r, 150));
        }
        res.end();
        return;
      }
      if (u.pathname.endsWith("/big")) {
        const n = Number(u.searchParams.get("n") ?? "100000");
        res.writeHead(200, { "content-type": "text/plain", "content-length": String(n) });
        res.end("a".repeat(n));
        return;
      }
      const out = JSON.stringify({
        method: req.method,
        url: req.url,
        headers: req.headers,
        len: body.length,
        body: body.toString("utf8").slice(0, 200),
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(out)) });
      res.end(out);
    });
  });
  server.keepAliveTimeout = 60000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    last: () => seen[seen.length - 1],
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** error-level lines of an nginx error log that no `expected` pattern accounts for */
export function unexpectedErrors(log: string, expected: RegExp[] = []): string[] {
  return log
    .split("\n")
    .filter((l) => /\[(error|crit|alert|emerg)\]/.test(l))
    .filter((l) => !expected.some((re) => re.test(l)));
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** pid and all descendants */
export function processTree(pid: number): number[] {
  const out = [pid];
  const r = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" });
  for (const s of r.stdout.split("\n")) {
    const n = Number(s.trim());
    if (n > 0) out.push(...processTree(n));
  }
  return out;
}

export async function waitFor(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}
