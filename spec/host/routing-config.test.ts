// Routing, plugin scopes, schema validation and vault resolution on a real host.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../host/gateway.ts";
import { startUpstream, TEST_PLUGINS, unexpectedErrors, type Upstream } from "./helpers.ts";

let up: Upstream;
let gw: Gateway;

beforeAll(async () => {
  up = await startUpstream();
  gw = await startGateway({
    redis: "none",
    pluginPaths: [TEST_PLUGINS],
    workers: 1,
    log: () => {},
    env: { HOST_TEST_SECRET: "0123456789abcdef-from-env" },
    configObject: {
      _format_version: "3.0",
      services: [
        {
          name: "svc-a",
          url: `${up.url}/base`,
          routes: [
            { name: "strip-default", paths: ["/strip"] },
            { name: "keep", paths: ["/keep/"], strip_path: false },
            {
              name: "route-tagged",
              paths: ["/v1/"],
              strip_path: false,
              plugins: [{ name: "tagger", config: { tag: "route" } }],
            },
            { name: "v1-prefix", paths: ["/v1"], strip_path: false },
            { name: "post-only", paths: ["/m"], methods: ["POST"], strip_path: false },
            { name: "regex", paths: ["~/items/\\d+$"], strip_path: false },
          ],
          plugins: [{ name: "tagger", config: { tag: "service" } }],
        },
        {
          name: "svc-b",
          url: up.url,
          routes: [
            { name: "global-only", paths: ["/g"], strip_path: false },
            { name: "host-only", paths: ["/h"], hosts: ["a.example"], strip_path: false },
            { name: "conf", paths: ["/conf"] },
          ],
        },
      ],
      routes: [],
      plugins: [
        { name: "tagger", config: { tag: "global" } },
        {
          name: "schema-test",
          route: "conf",
          config: {
            secret: "{vault://env/host-test-secret}",
            redis_host: "{vault://env/HOST_TEST_UNSET}",
            kinds: ["s3"],
          },
        },
      ],
    },
  });
});

afterAll(async () => {
  const log = gw?.errorLog() ?? "";
  await gw?.stop();
  await up?.close();
  expect(unexpectedErrors(log)).toEqual([]);
});

const get = async (path: string, method = "GET") => {
  const res = await fetch(gw.url + path, { method });
  const text = await res.text();
  return { res, text, seen: res.status === 200 && text.startsWith("{") ? JSON.parse(text) : undefined };
};

describe("router", () => {
  it("strip_path defaults to true and joins the service path", async () => {
    const { seen } = await get("/strip/messages?x=1");
    expect(seen.url).toBe("/base/messages?x=1");
    expect((await get("/strip")).seen.url).toBe("/base");
  });

  it("strip_path false keeps the request path after the service path", async () => {
    expect((await get("/keep/a/b")).seen.url).toBe("/base/keep/a/b");
  });

  it("paths are prefixes: /v1 matches /v1beta, the longest prefix wins", async () => {
    const a = await get("/v1/messages");
    expect(a.seen.headers["x-tag"]).toBe("route");
    const b = await get("/v1beta");
    expect(b.seen.url).toBe("/base/v1beta");
    expect(b.seen.headers["x-tag"]).toBe("service");
  });

  it("methods filter routes", async () => {
    expect((await get("/m", "POST")).res.status).toBe(200);
    const r = await get("/m", "GET");
    expect(r.res.status).toBe(404);
  });

  it("~ paths are regexes", async () => {
    expect((await get("/items/12")).res.status).toBe(200);
    expect((await get("/items/ab")).res.status).toBe(404);
  });

  // the router's answers are cached per worker by (method, raw path, Host): repeats must not leak across those
  it("repeated requests keep their route per Host and method (the per-worker route cache)", async () => {
    const status = (path: string, host: string, method = "GET") =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port: gw.port, path, method, headers: { host } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode!));
        });
        req.on("error", reject);
        req.end();
      });
    for (let i = 0; i < 3; i++) {
      expect(await status("/h/x", "a.example")).toBe(200);
      expect(await status("/h/x", "b.example")).toBe(404);
      expect(await status("/h/x", "A.EXAMPLE:8000")).toBe(200);
      expect(await status("/m", "a.example", "POST")).toBe(200);
      expect(await status("/m", "a.example", "GET")).toBe(404);
    }
  });

  it("routes stay right after more distinct paths than the route cache holds, and for paths too long to cache", async () => {
    for (let i = 0; i < 1100; i++) expect((await get(`/keep/${i}`)).seen.url).toBe(`/base/keep/${i}`);
    const long = "/keep/" + "x".repeat(600);
    for (let i = 0; i < 2; i++) expect((await get(long)).seen.url).toBe("/base" + long);
    expect((await get("/v1/messages")).seen.headers["x-tag"]).toBe("route");
    expect((await get("/m", "GET")).res.status).toBe(404);
  });

  it("unmatched requests get Kong's 404", async () => {
    const { res, text } = await get("/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(JSON.parse(text)).toEqual({ message: "no Route matched with those values" });
  });
});

describe("plugin scopes", () => {
  it("route > service > global for the same plugin name", async () => {
    expect((await get("/v1/x")).seen.headers["x-tag-scope"]).toBe("route");
    expect((await get("/strip/x")).seen.headers["x-tag-scope"]).toBe("service");
    const g = (await get("/g")).seen;
    expect(g.headers["x-tag"]).toBe("global");
    expect(g.headers["x-tag-scope"]).toBe("global");
  });
});

describe("schema and vault", () => {
  it("applies defaults, resolves env vault references, passes ids and the same conf table", async () => {
    const a = JSON.parse((await get("/conf")).text);
    const b = JSON.parse((await get("/conf")).text);
    expect(a.conf).toMatchObject({
      secret: "0123456789abcdef-from-env",
      redis_host: "", // unresolvable reference -> "" + warning
      redis_port: 6379,
      mode: "mask",
      ttl: 60,
      prefix: "AWS_",
      kinds: ["s3"],
      limits: { max_body: 1048576 },
    });
    expect(a.conf.route_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.same_table).toBe(true);
    expect(gw.errorLog()).toMatch(
      /\[warn\].*\[schema-test\] unable to resolve reference \{vault:\/\/env\/HOST_TEST_UNSET\}/,
    );
  });
});

describe("invalid configuration", () => {
  const base = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    _format_version: "3.0",
    services: [{ name: "s", url: up.url, routes: [{ name: "r", paths: ["/"] }] }],
    plugins: [{ name: "schema-test", config, ...extra }],
  });
  const start = (doc: unknown) =>
    startGateway({ redis: "none", pluginPaths: [TEST_PLUGINS], log: () => {}, configObject: doc, workers: 1 });

  it("refuses to start and names the field", async () => {
    await expect(start(base({ secret: "0123456789abcdef", mode: "bad" }))).rejects.toThrow(
      /invalid configuration for plugin 'schema-test' \(global\): config\.mode: expected one of: mask, off/,
    );
    await expect(start(base({}))).rejects.toThrow(/config\.secret: required field missing/);
    await expect(start(base({ secret: "0123456789abcdef", ttl: "1" }))).rejects.toThrow(
      /config\.ttl: expected an integer/,
    );
    await expect(start(base({ secret: "0123456789abcdef", nope: 1 }))).rejects.toThrow(/config\.nope: unknown field/);
    await expect(start(base({ secret: "0123456789abcdef" }, { consumer: "bob" }))).rejects.toThrow(
      /consumer: value must be null/,
    );
  });

  it("refuses unknown plugins and bad routes", async () => {
    const doc: any = base({ secret: "0123456789abcdef" });
    doc.plugins[0].name = "no-such-plugin";
    await expect(start(doc)).rejects.toThrow(/plugin 'no-such-plugin' could not be loaded/);
    const doc2: any = base({ secret: "0123456789abcdef" });
    doc2.services[0].routes[0].paths = ["nope"];
    await expect(start(doc2)).rejects.toThrow(/paths must start with/);
  });
});
