// PDK semantics of the Kong-compatible host, against a real nginx + a Node upstream.
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../host/gateway.ts";
import { startUpstream, TEST_PLUGINS, unexpectedErrors, type Upstream, waitFor } from "./helpers.ts";

let up: Upstream;
let gw: Gateway;
// error lines this file provokes on purpose
const EXPECTED_ERRORS = [/\[host-test\] .*boom from host-test/, /\[host-test\] an err line 42 true/];

beforeAll(async () => {
  up = await startUpstream();
  gw = await startGateway({
    redis: "none",
    pluginPaths: [TEST_PLUGINS],
    log: () => {},
    configObject: {
      _format_version: "3.0",
      services: [
        {
          name: "echo",
          url: up.url,
          routes: [
            { name: "main", paths: ["/"] },
            { name: "streams", paths: ["/s/"], strip_path: false, response_buffering: false },
            { name: "buffered-streams", paths: ["/b/"], strip_path: false },
            // nginx starts every /p request in an unbuffered-response location; only POST matches this route
            { name: "post-streams", paths: ["/p/"], methods: ["POST"], strip_path: false, response_buffering: false },
            { name: "preserve", paths: ["/keep-host"], preserve_host: true },
          ],
          plugins: [{ name: "host-test" }, { name: "order-a" }, { name: "order-b" }],
        },
      ],
    },
  });
});

afterAll(async () => {
  const log = gw?.errorLog() ?? "";
  await gw?.stop();
  await up?.close();
  expect(unexpectedErrors(log, EXPECTED_ERRORS)).toEqual([]);
});

async function call(
  path: string,
  action: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const res = await fetch(gw.url + path, {
    method: init.method ?? (init.body !== undefined ? "POST" : "GET"),
    body: init.body,
    headers: { "x-test-action": action, ...(init.headers ?? {}) },
  });
  return { res, text: await res.text() };
}

describe("kong.request.get_raw_body", () => {
  const small = "x".repeat(1000);
  const big = "a" + "y".repeat(20000 - 2) + "z"; // > client_body_buffer_size 8k: spilled to a temp file

  it("returns an in-memory body whatever the argument", async () => {
    for (const arg of [undefined, "-1", "0", "10"]) {
      const { text } = await call("/", "raw-body", { body: small, headers: arg ? { "x-raw-arg": arg } : {} });
      expect(JSON.parse(text)).toMatchObject({ len: 1000, err: null });
    }
  });

  it('returns "" for an empty body', async () => {
    const { text } = await call("/", "raw-body", { method: "POST", body: "" });
    expect(JSON.parse(text)).toMatchObject({ len: 0, err: null });
  });

  it("spilled body: nil + Kong's message when the argument is nil or negative", async () => {
    for (const arg of [undefined, "-1"]) {
      const { text } = await call("/", "raw-body", { body: big, headers: arg ? { "x-raw-arg": arg } : {} });
      expect(JSON.parse(text)).toEqual({
        len: null,
        head: null,
        tail: null,
        err: "request body did not fit into client body buffer, consider raising 'client_body_buffer_size'",
      });
    }
  });

  it("spilled body: 0 reads the whole file, n > size reads it, n < size fails", async () => {
    let r = JSON.parse((await call("/", "raw-body", { body: big, headers: { "x-raw-arg": "0" } })).text);
    expect(r).toMatchObject({ len: 20000, err: null });
    expect(r.head.startsWith("ay")).toBe(true);
    expect(r.tail.endsWith("yz")).toBe(true);
    r = JSON.parse((await call("/", "raw-body", { body: big, headers: { "x-raw-arg": "50000" } })).text);
    expect(r).toMatchObject({ len: 20000, err: null });
    r = JSON.parse((await call("/", "raw-body", { body: big, headers: { "x-raw-arg": "1000" } })).text);
    expect(r.len).toBeNull();
    expect(r.err).toMatch(/^request body file too big/);
  });
});

describe("kong.service.request", () => {
  it("set_raw_body replaces the body and Content-Length upstream (small and spilled bodies)", async () => {
    for (const body of ["hello", "q".repeat(30000)]) {
      const { res } = await call("/up", "set-body", { body });
      expect(res.status).toBe(200);
      const seen = up.last();
      expect(seen.body.toString()).toBe(`<${body}>`);
      expect(seen.headers["content-length"]).toBe(String(body.length + 2));
      expect(seen.headers["transfer-encoding"]).toBeUndefined();
    }
  });

  it("set_raw_body survives the switch to the unbuffered-response location (the /v1/ route case)", async () => {
    for (const body of ["hello", "q".repeat(30000)]) {
      const { res } = await call("/s/up", "set-body", { body });
      expect(res.status).toBe(200);
      const seen = up.last();
      expect(seen.url).toBe("/s/up");
      expect(seen.body.toString()).toBe(`<${body}>`);
      expect(seen.headers["content-length"]).toBe(String(body.length + 2));
    }
  });

  it("set_raw_body rejects non-strings", async () => {
    const { text } = await call("/", "set-body-bad", { body: "x" });
    expect(JSON.parse(text)).toMatchObject({ ok: false });
    expect(JSON.parse(text).err).toMatch(/body must be a string/);
  });

  it("clear_header(Accept-Encoding) reaches the upstream cleared", async () => {
    await call("/ae", "none", { headers: { "accept-encoding": "gzip" } });
    expect(up.last().headers["accept-encoding"]).toBe("gzip");
    await call("/ae", "clear-ae", { headers: { "accept-encoding": "gzip" } });
    expect(up.last().headers["accept-encoding"]).toBeUndefined();
  });

  it("passes Kong's proxy headers, the query string and the upstream Host", async () => {
    const { text } = await call("/p/q?beta=true&x=1", "none");
    const seen = JSON.parse(text);
    expect(seen.url).toBe("/p/q?beta=true&x=1"); // "/" route, strip_path true: nothing left to strip
    expect(seen.headers.host).toBe(`127.0.0.1:${up.port}`);
    expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
    expect(seen.headers["x-forwarded-port"]).toBe(String(gw.port));
    expect(seen.headers["x-forwarded-path"]).toBe("/p/q");
    expect(seen.headers["x-real-ip"]).toBe("127.0.0.1");
  });

  it("appends the client to X-Forwarded-For and kong/host to Via, as Kong's runloop does (none given, one given)", async () => {
    await call("/fw", "none");
    expect(up.last().headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(up.last().headers.via).toBe("1.1 kong/host");
    await call("/fw", "none", { headers: { "x-forwarded-for": "10.9.8.7", via: "1.1 proxy-a" } });
    expect(up.last().headers["x-forwarded-for"]).toBe("10.9.8.7, 127.0.0.1");
    expect(up.last().headers.via).toBe("1.1 proxy-a, 1.1 kong/host");
  });

  it("X-Forwarded-Path is the raw request path without its query (no query, an empty one, one)", async () => {
    for (const [url, path] of [
      ["/fp/a%2Fb//c", "/fp/a%2Fb//c"], // the raw path, not the normalised one
      ["/fp/x?", "/fp/x"],
      ["/fp/y?z=1?2", "/fp/y"],
    ]) {
      await call(url, "none");
      expect(up.last().headers["x-forwarded-path"]).toBe(path);
    }
  });

  it('Via carries the HTTP version as Lua prints ngx.req.http_version() (HTTP/1.0: "1")', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(gw.port, "127.0.0.1", () =>
        sock.write("GET /v10 HTTP/1.0\r\nHost: 127.0.0.1\r\nX-Test-Action: none\r\n\r\n"),
      );
      let data = "";
      sock.on("data", (d) => (data += d.toString()));
      sock.on("end", () => resolve(data));
      sock.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(up.last().url).toBe("/v10");
    expect(up.last().headers.via).toBe("1 kong/host");
  });

  it("plugins see the upstream and forwarding variables filled before their access phase", async () => {
    const { text } = await call("/vars/x?q=1", "upstream-vars", { headers: { "x-forwarded-for": "10.0.0.1" } });
    expect(JSON.parse(text)).toEqual({
      upstream_host: `127.0.0.1:${up.port}`,
      upstream_uri: "/vars/x",
      upstream_via: "1.1 kong/host",
      upstream_x_forwarded_for: "10.0.0.1, 127.0.0.1",
      upstream_x_forwarded_proto: "http",
      upstream_x_forwarded_path: "/vars/x",
      upstream_x_forwarded_prefix: "",
    });
  });

  it("preserve_host sends the client's Host upstream; the other routes of the service send the service's", async () => {
    const hostOf = (path: string, host: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port: gw.port, path, headers: { host, "x-test-action": "none" } },
          (res) => {
            res.resume();
            res.on("end", () => resolve(up.last().headers.host as string | undefined));
          },
        );
        req.on("error", reject);
        req.end();
      });
    expect(await hostOf("/keep-host/a", "client.example:8443")).toBe("client.example:8443");
    expect(up.last().url).toBe("/a");
    expect(await hostOf("/other", "client.example:8443")).toBe(`127.0.0.1:${up.port}`);
  });
});

describe("plugin ordering, exit and errors", () => {
  it("runs plugins by PRIORITY in access and header_filter", async () => {
    const { res } = await call("/o", "none");
    expect(up.last().headers["x-order"]).toBe("order-a,order-b,");
    expect(res.headers.get("x-resp-order")).toBe("order-a(order-a),order-b(order-b),");
    expect(res.headers.get("x-test-source")).toBe("service");
  });

  it("exit with a table body: JSON + content-type; later access skipped, header_filter/log still run", async () => {
    const before = up.seen.length;
    const { res, text } = await call("/e", "exit-table");
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("x-exit")).toBe("yes");
    expect(JSON.parse(text)).toEqual({ message: "blocked", n: 1 });
    expect(up.seen.length).toBe(before); // never proxied
    // order-a/order-b access skipped (no ctx), their header_filter ran
    expect(res.headers.get("x-resp-order")).toBe("order-a(nil),order-b(nil),");
    expect(res.headers.get("x-test-source")).toBe("exit");
    expect(res.headers.get("x-test-ctx")).toBe("yes");
    expect(await waitFor(() => /log order-b source=exit ctx=nil/.test(gw.errorLog()))).toBe(true);
  });

  it("exit from a later plugin stops only the plugins after it", async () => {
    const { res, text } = await call("/e2", "none", { headers: { "x-exit-order-a": "1" } });
    expect(res.status).toBe(418);
    expect(JSON.parse(text)).toEqual({ message: "exit from order-a" });
    expect(res.headers.get("x-resp-order")).toBe("order-a(order-a),order-b(nil),");
  });

  it("exit with a string body and with no body", async () => {
    let r = await call("/e3", "exit-string");
    expect(r.res.status).toBe(401);
    expect(r.res.headers.get("content-type")).toBe("text/plain");
    expect(r.text).toBe("plain text");
    r = await call("/e4", "exit-nobody");
    expect(r.res.status).toBe(204);
    expect(r.text).toBe("");
  });

  it("a Lua error in access becomes Kong's 500 and source 'error'", async () => {
    const { res, text } = await call("/err", "error");
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ message: "An unexpected error occurred" });
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("x-test-source")).toBe("error");
    expect(await waitFor(() => /\[error\].*\[kong\] .*\[host-test\] .*boom from host-test/.test(gw.errorLog()))).toBe(
      true,
    );
  });

  it("kong.response.exit raises in body_filter; ctx.plugin lives from access to log", async () => {
    const { res } = await call("/bf", "bf-exit");
    expect(res.status).toBe(200);
    expect(
      await waitFor(() =>
        /host-test log: action=bf-exit ctx=yes source=service bf_err=.*function cannot be called in body_filter phase/.test(
          gw.errorLog(),
        ),
      ),
    ).toBe(true);
  });
});

describe("response body", () => {
  it("exit in header_filter replaces status, headers and body", async () => {
    const res = await fetch(gw.url + "/big?n=5000", { headers: { "x-test-action": "hf-exit" } });
    expect(res.status).toBe(451);
    expect(res.headers.get("x-hf")).toBe("1");
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({ message: "from header_filter" });
  });

  it("exit keeps a Content-Type given in its headers", async () => {
    const { res } = await call("/e5", "exit-string");
    expect(res.headers.get("content-type")).toBe("text/plain");
  });

  it("get_raw_body buffers until eof, set_raw_body replaces the body", async () => {
    const res = await fetch(gw.url + "/big?n=50000", { headers: { "x-test-action": "buffer-resp" } });
    const text = await res.text();
    expect(res.headers.get("content-length")).toBeNull();
    expect(text).toBe("[50000]" + "A".repeat(50000));
  });

  it("response_buffering false delivers chunks as they come", async () => {
    const t0 = Date.now();
    const res = await fetch(gw.url + "/s/stream", { headers: { "x-test-action": "none" } });
    const reader = res.body!.getReader();
    const first = await reader.read();
    const tFirst = Date.now() - t0;
    let rest = "";
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      rest += Buffer.from(r.value).toString();
    }
    const total = Date.now() - t0;
    expect(Buffer.from(first.value!).toString()).toContain("chunk0");
    expect(rest).toContain("chunk2");
    expect(tFirst).toBeLessThan(total - 200);
    expect(res.headers.get("x-test-source")).toBe("service"); // ctx kept from access to header_filter
    expect(res.headers.get("x-test-ctx")).toBe("yes");
  });

  // ms until the first chunk of /stream (3 chunks, 150 ms apart) and the whole answer, with the plugin's ctx marks
  async function streamTiming(path: string, method = "GET") {
    const t0 = Date.now();
    const res = await fetch(gw.url + path, { method, headers: { "x-test-action": "none" } });
    const reader = res.body!.getReader();
    let tFirst = -1;
    let text = "";
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      if (tFirst < 0) tFirst = Date.now() - t0;
      text += Buffer.from(r.value).toString();
    }
    return {
      tFirst,
      total: Date.now() - t0,
      text,
      mode: res.headers.get("x-test-proxy-mode"),
      source: res.headers.get("x-test-source"),
      ctx: res.headers.get("x-test-ctx"),
    };
  }

  it("a route's buffering holds where nginx's starting location guessed another one (ngx.exec to @buffered)", async () => {
    // GET /p/stream: nginx picks the unbuffered-response location of /p/, the router the buffered "main" route
    const get = await streamTiming("/p/stream");
    expect(get.text).toContain("chunk2");
    expect([get.mode, get.source, get.ctx]).toEqual(["http", "service", "yes"]); // @buffered; ctx survived ngx.exec
    // POST /p/stream: the route of the location, no internal redirect
    const post = await streamTiming("/p/stream", "POST");
    expect(post.tFirst).toBeLessThan(post.total - 200);
    expect([post.mode, post.source, post.ctx]).toEqual(["unbuffered", "service", "yes"]);
  });

  it("a route path with a trailing slash gets no nginx redirect for the path without it", async () => {
    // a proxying nginx location named "/s/" would answer "/s" with a 301; Kong routes it to "main" ("/")
    const res = await fetch(gw.url + "/s", { headers: { "x-test-action": "none" }, redirect: "manual" });
    expect(res.status).toBe(200);
    expect((await res.json()).url).toBe("/s");
  });

  it("body_filter sees every chunk of an unbuffered stream", async () => {
    const res = await fetch(gw.url + "/s/stream", { headers: { "x-test-action": "rewrite-resp" } });
    expect(await res.text()).toBe("DATA: CHUNK0\n\nDATA: CHUNK1\n\nDATA: CHUNK2\n\n");
  });
});

describe("other PDK functions", () => {
  it("request getters, router, node, version, shared dict", async () => {
    const res = await fetch(gw.url + "/info/x?a=1&b=2", { headers: { "x-test-action": "info", "x-multi": "one" } });
    const info = await res.json();
    expect(info).toMatchObject({
      method: "GET",
      path: "/info/x",
      query: "a=1&b=2",
      scheme: "http",
      host: "127.0.0.1",
      port: gw.port,
      ip: "127.0.0.1",
      fip: "127.0.0.1",
      consumer: null,
      version: "3.9.0-host",
      hdr: "one",
      route: "main",
      service: "echo",
      dict: true,
    });
    expect(info.node).toMatch(/^[0-9a-f-]{36}$/);
    expect(info.init_workers).toBeGreaterThanOrEqual(1); // handler:init_worker() ran in the workers
  });

  // Kong's kong.tools.uri.normalize (3.4.0 = 3.9.3); paths sent raw (fetch would remove dot segments itself)
  it("get_path is normalised like Kong: decoded except reserved characters, dot segments removed, // merged", async () => {
    const pathOf = (raw: string) =>
      new Promise<string>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port: gw.port, path: raw, headers: { "x-test-action": "info" } },
          (res) => {
            let body = "";
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve(res.statusCode === 200 ? JSON.parse(body).path : `${res.statusCode}`));
          },
        );
        req.on("error", reject);
        req.end();
      });
    const cases: [string, string][] = [
      ["/v1/./a/../messages?x=1", "/v1/messages"],
      ["/v1/%6Dessages", "/v1/messages"], // unreserved: decoded
      ["/v1/i%2D0123456789abcdef0", "/v1/i-0123456789abcdef0"],
      ["/a%2fb", "/a%2Fb"], // reserved: kept, upper-cased
      ["/a%3Ab%40c", "/a%3Ab%40c"],
      ["/a/%2e%2e/b", "/b"], // an encoded dot segment is a dot segment
      ["/a/%2E/b", "/a/b"],
      ["/%252e%252e/x", "/%252e%252e/x"], // one pass: %25 is reserved, never decoded twice
      ["/a%zz%4", "400"], // invalid escapes: nginx answers 400 before any Lua (Kong too, through its error handler)
      ["//v1//messages", "/v1/messages"],
      ["/../../etc", "400"], // above the root: nginx itself refuses (on Kong too)
      ["/a/b/..", "/a/"],
      ["/", "/"],
    ];
    for (const [raw, want] of cases) expect([raw, await pathOf(raw)]).toEqual([raw, want]);
  });

  it("routes match the normalised path and it goes upstream re-escaped, like Kong's router and runloop", async () => {
    const upstreamUrl = (raw: string) =>
      new Promise<string>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port: gw.port, path: raw }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve(JSON.parse(body).url));
        });
        req.on("error", reject);
        req.end();
      });
    expect(await upstreamUrl("/x/./y/../%7Bz%7D/%6D%2fn?q=%41")).toBe("/x/%7Bz%7D/m%2Fn?q=%41");
    expect(await upstreamUrl("/s/%2e%2e/b/%78")).toBe("/b/x"); // the /b/ route: /s/.. is gone
    // like Kong's access.after: an empty query string ("?") goes upstream too
    expect(await upstreamUrl("/x/y?")).toBe("/x/y?");
  });

  it("kong.client.authenticate sets consumer and credential", async () => {
    const { text } = await call("/auth", "auth");
    expect(JSON.parse(text)).toEqual({ consumer: "alice", cred: "cred1" });
  });

  it("kong.log lines carry Kong's prefix and honour the log level", async () => {
    await call("/log", "log-levels");
    expect(
      await waitFor(() =>
        /\[error\] .*\[kong\] handler\.lua:\d+ \[host-test\] an err line 42 true/.test(gw.errorLog()),
      ),
    ).toBe(true);
    const log = gw.errorLog();
    expect(log).toMatch(/\[warn\] .*\[kong\] handler\.lua:\d+ \[host-test\] a warn line/);
    expect(log).toMatch(/\[notice\] .*\[kong\] handler\.lua:\d+ \[host-test\] a notice line/);
    expect(log).not.toMatch(/a debug line/);
  });

  it("HEAD / reaches the catch-all route", async () => {
    const res = await fetch(gw.url + "/", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(up.last().method).toBe("HEAD");
  });
});
