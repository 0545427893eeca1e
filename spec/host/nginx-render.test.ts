// The gateway's nginx.conf as host/nginx.ts renders it from a normalized config (no nginx started).
import { describe, expect, it } from "vitest";
import { loadDeclarative, normalizeConfig } from "../../host/config.ts";
import { entryLocations, proxyModeOf, renderGatewayConf } from "../../host/nginx.ts";
import { REPO_ROOT } from "../../host/gateway.ts";

const route = (paths: string[], extra: Record<string, unknown> = {}) => ({ paths, strip_path: false, ...extra });

function normalize(routes: Record<string, unknown>[], plugins: Record<string, unknown>[] = []) {
  return normalizeConfig({
    _format_version: "3.0",
    services: [
      { name: "svc", url: "http://127.0.0.1:9", routes: routes.map((r, i) => ({ name: `r${i}`, ...r })), plugins },
    ],
  });
}

function render(config: ReturnType<typeof normalize>): string {
  return renderGatewayConf({
    runDir: "/tmp/x",
    port: 8000,
    workers: 1,
    logLevel: "notice",
    clientBodyBufferSize: "8k",
    configJsonPath: "/tmp/x/config.json",
    luaPaths: [],
    envNames: [],
    sharedDicts: {},
    config,
    accessLog: false,
    adminPort: 8001,
  });
}

/** the body of `location <name> { ... }` in a rendered conf */
function locationBody(conf: string, name: string): string | undefined {
  const start = conf.indexOf(`    location ${name} {\n`);
  if (start < 0) return undefined;
  return conf.slice(start, conf.indexOf("\n    }\n", start));
}

describe("proxy modes and entry locations", () => {
  it("maps request_buffering/response_buffering to Kong's four proxy locations", () => {
    const mode = (request_buffering: boolean, response_buffering: boolean) =>
      proxyModeOf({ request_buffering, response_buffering });
    expect([mode(true, true), mode(true, false), mode(false, true), mode(false, false)]).toEqual([
      "buffered",
      "unbuffered_response",
      "unbuffered_request",
      "unbuffered",
    ]);
  });

  it("kong/kong.yml: /v1 starts in an unbuffered-response location, everything else in the buffered `location /`", () => {
    const config = normalizeConfig(loadDeclarative(`${REPO_ROOT}/kong/kong.yml`));
    expect(entryLocations(config)).toEqual([
      { prefix: "/", mode: "buffered" },
      { prefix: "/v1", mode: "unbuffered_response" },
    ]);
    const conf = render(config);
    const v1 = locationBody(conf, "/v1")!;
    expect(v1).toContain('access_by_lua_block { KONG_HOST.access("unbuffered_response") }');
    expect(v1).toContain("proxy_request_buffering on;\n      proxy_buffering off;");
    expect(v1).toContain("set $kong_proxy_mode 'unbuffered';");
    expect(locationBody(conf, "/")).toContain("proxy_buffering on;");
    expect(locationBody(conf, "/v1/")).toBeUndefined(); // nginx would answer "/v1" with a 301 to "/v1/"
  });

  it("the redirect targets for a wrong guess: one named location per proxy mode, @buffered included", () => {
    const conf = render(normalize([route(["/"])]));
    for (const [name, rq, rs, kongMode] of [
      ["@buffered", "on", "on", "http"],
      ["@unbuffered", "off", "off", "unbuffered"],
      ["@unbuffered_request", "off", "on", "unbuffered"],
      ["@unbuffered_response", "on", "off", "unbuffered"],
    ]) {
      const body = locationBody(conf, name)!;
      expect(body).toContain(`proxy_request_buffering ${rq};\n      proxy_buffering ${rs};`);
      expect(body).toContain(`set $kong_proxy_mode '${kongMode}';`);
      expect(body).not.toContain("access_by_lua"); // the access phase ran before the redirect
    }
  });

  it("no entry location for regex paths, unquotable paths, or a prefix two routes want in different modes", () => {
    const config = normalize([
      route(["~/re/\\d+"], { response_buffering: false }),
      route(["/a b/", "/{x}"], { response_buffering: false }),
      route(["/both"], { response_buffering: false }),
      route(["/both/"], { request_buffering: false }),
      route(["/same/"], { request_buffering: false, response_buffering: false }),
      route(["/same"], { request_buffering: false, response_buffering: false }),
    ]);
    expect(entryLocations(config)).toEqual([
      { prefix: "/", mode: "buffered" },
      { prefix: "/same", mode: "unbuffered" },
    ]);
  });

  it("a route on / with unbuffered answers makes `location /` unbuffered, and buffered routes then start there too", () => {
    const config = normalize([route(["/"], { response_buffering: false }), route(["/plain"])]);
    expect(entryLocations(config)).toEqual([
      { prefix: "/", mode: "unbuffered_response" },
      { prefix: "/plain", mode: "buffered" },
    ]);
  });

  it("X-Forwarded-Proto/Host/Port start as $scheme/$host/$server_port (plugins may still change them in access)", () => {
    const body = locationBody(render(normalize([route(["/"])])), "/")!;
    expect(body).toContain("set $upstream_x_forwarded_proto $scheme;");
    expect(body).toContain("set $upstream_x_forwarded_host $host;");
    expect(body).toContain("set $upstream_x_forwarded_port $server_port;");
  });

  it("X-Forwarded-For and Via start as Kong's values, computed by nginx ($proxy_add_x_forwarded_for, the Via map)", () => {
    const conf = render(normalize([route(["/"])]));
    const body = locationBody(conf, "/")!;
    expect(body).toContain("set $upstream_x_forwarded_for $proxy_add_x_forwarded_for;");
    expect(body).toContain("set $upstream_via $kong_upstream_via;");
    expect(conf).toContain('"HTTP/1.0" "1 kong/host";');
    expect(conf).toContain('default "$http_via, $kong_inbound_via";');
  });

  it("one service: the entry locations start with its upstream and Host; several: empty, written by access", () => {
    const one = locationBody(render(normalize([route(["/"])])), "/")!;
    expect(one).toContain("set $upstream_name 'kong_upstream_1';");
    expect(one).toContain("set $upstream_host '127.0.0.1:9';");
    const two = normalizeConfig({
      _format_version: "3.0",
      services: [
        { name: "a", url: "http://127.0.0.1:9", routes: [{ name: "ra", paths: ["/a"] }] },
        { name: "b", url: "http://127.0.0.1:10", routes: [{ name: "rb", paths: ["/b"] }] },
      ],
    });
    const body = locationBody(render(two), "/")!;
    expect(body).toContain("set $upstream_name '';");
    expect(body).toContain("set $upstream_host '';");
  });

  it("rewrite_by_lua only when a global plugin exists (Kong's rewrite phase runs global plugins only)", () => {
    const scoped = render(normalize([route(["/"])], [{ name: "host-test" }]));
    expect(scoped).not.toContain("rewrite_by_lua");
    const global = render(
      normalizeConfig({
        _format_version: "3.0",
        services: [{ name: "svc", url: "http://127.0.0.1:9", routes: [{ name: "r", paths: ["/"] }] }],
        plugins: [{ name: "host-test" }],
      }),
    );
    expect(locationBody(global, "/")).toContain("rewrite_by_lua_block { KONG_HOST.rewrite() }");
  });
});
