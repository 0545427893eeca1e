// nginx.conf rendering: the Lua gateway (Kong-like) and plain proxies (egress / benchmark baseline).
import type { HostConfig } from "./config.ts";

export const NGINX_MODULES = [
  "/usr/lib/nginx/modules/ndk_http_module.so",
  "/usr/lib/nginx/modules/ngx_http_lua_module.so",
];
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/**
 * client_header_buffer_size of every nginx rendered here (the gateway, its egress, the plain baseline proxies). A body
 * that arrives with its headers within it stays in that one buffer, and lua-nginx-module's ngx.req.get_body_data
 * pushes it as it is; with nginx's default 1k the body is split over two buffers and each read copies it into a Lua
 * userdata of its size first (garbage of the body's size per request). Kong: nginx_http_client_header_buffer_size.
 */
export const CLIENT_HEADER_BUFFER_SIZE = "8k";

export interface GatewayRender {
  runDir: string;
  port: number;
  workers: number;
  logLevel: string;
  clientBodyBufferSize: string;
  configJsonPath: string;
  luaPaths: string[]; // directories holding kong/plugins/<name>/... and kong_host
  envNames: string[];
  sharedDicts: Record<string, string>;
  config: HostConfig;
  accessLog: boolean;
  /** Admin API listener (127.0.0.1): the plugins' api.lua endpoints */
  adminPort: number;
}

/**
 * nginx error_log level for a Kong log_level. Debian's nginx is built --with-debug: at "debug" it would log every
 * request header (x-api-key) and request line (query). Kong's OpenResty is not, so Kong's debug level carries Lua debug
 * lines only. "debug_stream" sets only the stream module's debug bit (no stream module here): Lua's debug lines pass,
 * nginx's http debug lines do not.
 */
export function errorLogLevel(level: string): string {
  return level === "debug" ? "debug_stream" : level;
}

/**
 * The access log: no query string, no headers; the path only when the answer is not a 400, the status of a request
 * refused for what its URL holds (an identifier in the path or the query).
 */
const ACCESS_LOG_FORMAT = `  map $status $kong_logged_path {
    400 "-";
    default $uri;
  }
  log_format kong_safe '$remote_addr [$time_local] "$request_method $kong_logged_path" $status $body_bytes_sent '
                       '$request_time $upstream_response_time';`;

const q = (s: string) => `'${s.replace(/'/g, "\\'")}'`;

function tempPaths(runDir: string): string {
  return [
    `client_body_temp_path ${runDir}/tmp/client_body;`,
    `proxy_temp_path ${runDir}/tmp/proxy;`,
    `fastcgi_temp_path ${runDir}/tmp/fastcgi;`,
    `uwsgi_temp_path ${runDir}/tmp/uwsgi;`,
    `scgi_temp_path ${runDir}/tmp/scgi;`,
  ].join("\n  ");
}

// Forwarding headers as Kong 3.9's proxy template sends them: from variables the runloop fills before the plugins'
// access phase (a plugin may empty them), X-Real-IP from $remote_addr.
const PROXY_COMMON = `
    proxy_http_version 1.1;
    proxy_set_header Host $upstream_host;
    proxy_set_header Connection "";
    proxy_set_header Via $upstream_via;
    proxy_set_header X-Forwarded-For $upstream_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $upstream_x_forwarded_proto;
    proxy_set_header X-Forwarded-Host $upstream_x_forwarded_host;
    proxy_set_header X-Forwarded-Port $upstream_x_forwarded_port;
    proxy_set_header X-Forwarded-Path $upstream_x_forwarded_path;
    proxy_set_header X-Forwarded-Prefix $upstream_x_forwarded_prefix;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_pass_header Server;
    proxy_pass_header Date;
    proxy_ssl_server_name on;
    proxy_ssl_name $upstream_host;
    proxy_ssl_verify on;
    proxy_ssl_trusted_certificate ${CA_BUNDLE};
    proxy_ssl_verify_depth 4;
    header_filter_by_lua_block { KONG_HOST.header_filter() }
    body_filter_by_lua_block { KONG_HOST.body_filter() }
    log_by_lua_block { KONG_HOST.log() }
    proxy_pass $upstream_scheme://$upstream_name$upstream_uri;`;

/**
 * Kong's proxy modes of a route (the @unbuffered* locations of its nginx template), from request_buffering and
 * response_buffering. "buffered" is Kong's `location /`.
 */
export type ProxyMode = "buffered" | "unbuffered" | "unbuffered_request" | "unbuffered_response";
export function proxyModeOf(route: { request_buffering: boolean; response_buffering: boolean }): ProxyMode {
  if (route.request_buffering !== false) return route.response_buffering !== false ? "buffered" : "unbuffered_response";
  return route.response_buffering !== false ? "unbuffered_request" : "unbuffered";
}
const MODE_DIRECTIVES: Record<ProxyMode, string> = {
  buffered: "proxy_request_buffering on;\n      proxy_buffering on;",
  unbuffered: "proxy_request_buffering off;\n      proxy_buffering off;",
  unbuffered_request: "proxy_request_buffering off;\n      proxy_buffering on;",
  unbuffered_response: "proxy_request_buffering on;\n      proxy_buffering off;",
};

/** $kong_proxy_mode as Kong's template sets it: "http" in `location /`, "unbuffered" in the @unbuffered* locations */
const KONG_PROXY_MODE: Record<ProxyMode, string> = {
  buffered: "http",
  unbuffered: "unbuffered",
  unbuffered_request: "unbuffered",
  unbuffered_response: "unbuffered",
};

/** route path characters that need no quoting in an nginx location (others keep the `location /` guess) */
const PLAIN_PREFIX = /^\/[A-Za-z0-9._~\-/]*$/;

/**
 * Where a request starts: one prefix location per plain route path whose route has another proxy mode than
 * `location /`, so that nginx already picks the route's buffering and the access phase needs no internal redirect
 * (ngx.exec, as Kong's runloop does) for it. The location is only a guess: the Lua router decides, and access()
 * redirects to the route's named location (@<mode>) when the guess was wrong (hosts, methods, regex paths, or a path
 * nginx normalises differently from Kong). A trailing slash is dropped from the location: nginx answers a request for
 * "/v1" with a 301 to "/v1/" when a proxying location is named "/v1/", which Kong's router does not do.
 */
export function entryLocations(config: HostConfig): { prefix: string; mode: ProxyMode }[] {
  const modes = new Map<string, ProxyMode | null>();
  for (const r of config.routes) {
    const mode = proxyModeOf(r);
    for (const p of r.paths ?? []) {
      if (!PLAIN_PREFIX.test(p)) continue;
      const prefix = p.length > 1 ? p.replace(/\/+$/, "") || "/" : p;
      const seen = modes.get(prefix);
      modes.set(prefix, seen === undefined || seen === mode ? mode : null); // two modes: no guess
    }
  }
  const root = modes.get("/") ?? "buffered";
  const out = [{ prefix: "/", mode: root }];
  for (const [prefix, mode] of modes) if (prefix !== "/" && mode && mode !== root) out.push({ prefix, mode });
  return out;
}

/**
 * The service every request goes to when the config has exactly one: the entry locations start with its upstream and
 * Host, and access() writes them only for a route that needs others (preserve_host). The same rule is in
 * host/lua/kong_host/init.lua (location_service).
 */
export function locationService(config: HostConfig): HostConfig["services"][number] | undefined {
  return config.services.length === 1 ? config.services[0] : undefined;
}

/**
 * Kong's Via (runloop access.before): the client's Via, then "<HTTP version> kong/host", the version as Lua prints
 * ngx.req.http_version() (1.0 prints "1"). Computed by nginx when the entry location starts, as X-Forwarded-For is.
 */
const VIA_MAPS = `  map $server_protocol $kong_inbound_via {
    "HTTP/1.1" "1.1 kong/host";
    "HTTP/1.0" "1 kong/host";
    "HTTP/2.0" "2 kong/host";
    "HTTP/0.9" "0.9 kong/host";
    default "kong/host";
  }
  map $http_via $kong_upstream_via {
    "" $kong_inbound_via;
    default "$http_via, $kong_inbound_via";
  }`;

function proxyLocations(config: HostConfig): string {
  // Kong's rewrite phase runs global plugins only: without one, rewrite_by_lua would have nothing to run
  const hasGlobal = config.plugins.some((p) => p.enabled !== false && !p.route_id && !p.service_id);
  const rewrite = hasGlobal ? "\n      rewrite_by_lua_block { KONG_HOST.rewrite() }" : "";
  const svc = locationService(config);
  const entry = entryLocations(config).map(
    ({ prefix, mode }) => `    location ${prefix} {
      set $upstream_scheme 'http';
      set $upstream_name ${q(svc?.upstream_name ?? "")};
      set $upstream_host ${q(svc?.host_header ?? "")};
      set $upstream_uri '';
      set $upstream_via $kong_upstream_via;
      set $upstream_x_forwarded_for $proxy_add_x_forwarded_for;
      set $upstream_x_forwarded_proto $scheme;
      set $upstream_x_forwarded_host $host;
      set $upstream_x_forwarded_port $server_port;
      set $upstream_x_forwarded_path $request_uri;
      set $upstream_x_forwarded_prefix '';
      set $kong_ctx_ref '';
      set $kong_proxy_mode '${KONG_PROXY_MODE[mode]}';${rewrite}
      access_by_lua_block { KONG_HOST.access("${mode}") }
      ${MODE_DIRECTIVES[mode]}${PROXY_COMMON}
    }
`,
  );
  const named = (Object.keys(MODE_DIRECTIVES) as ProxyMode[]).map(
    (mode) => `    location @${mode} {
      internal;
      set $kong_proxy_mode '${KONG_PROXY_MODE[mode]}';
      ${MODE_DIRECTIVES[mode]}${PROXY_COMMON}
    }
`,
  );
  return [...entry, ...named].join("\n");
}

export function renderGatewayConf(o: GatewayRender): string {
  const svcs = o.config.services;
  const maxMs = (k: "connect_timeout" | "read_timeout" | "write_timeout") => Math.max(1000, ...svcs.map((s) => s[k]));
  const upstreams = svcs
    .map(
      (s) =>
        `  upstream ${s.upstream_name} {\n    server ${s.host.includes(":") ? `[${s.host}]` : s.host}:${s.port};\n    keepalive 64;\n  }`,
    )
    .join("\n");
  const luaPath = [
    ...o.luaPaths.flatMap((d) => [`${d}/?.lua`, `${d}/?/init.lua`]),
    "/usr/share/lua/5.1/?.lua",
    "/usr/share/lua/5.1/?/init.lua",
  ].join(";");
  const dicts = Object.entries(o.sharedDicts)
    .map(([k, v]) => `  lua_shared_dict ${k} ${v};`)
    .join("\n");
  return `# generated by host/gateway.ts -- do not edit
${NGINX_MODULES.map((m) => `load_module ${m};`).join("\n")}
worker_processes ${o.workers};
daemon off;
master_process on;
pid ${o.runDir}/gateway.pid;
error_log ${o.runDir}/logs/error.log ${errorLogLevel(o.logLevel)};
${o.envNames.map((n) => `env ${n};`).join("\n")}

events {
  worker_connections 4096;
  multi_accept on;
}

http {
${ACCESS_LOG_FORMAT}
  ${o.accessLog ? `access_log ${o.runDir}/logs/access.log kong_safe;` : "access_log off;"}
  ${tempPaths(o.runDir)}
  default_type application/octet-stream;
  server_tokens off;
  keepalive_requests 10000;
  client_header_buffer_size ${CLIENT_HEADER_BUFFER_SIZE};
  client_body_buffer_size ${o.clientBodyBufferSize};
  client_max_body_size 0;
  proxy_request_buffering on;
  proxy_buffering on;
  proxy_connect_timeout ${maxMs("connect_timeout")}ms;
  proxy_send_timeout ${maxMs("write_timeout")}ms;
  proxy_read_timeout ${maxMs("read_timeout")}ms;
  lua_package_path ${q(luaPath + ";;")};
  # as Kong's nginx template sets it: cosocket failures are not logged by nginx itself, so plugins must check and log
  # every socket result (aws-masker does: "Redis unavailable ..." with the cause, timeouts included)
  lua_socket_log_errors off;
  # like Kong's template (nginx_http_lua_regex_*): a runaway pattern fails instead of holding the worker
  lua_regex_match_limit 100000;
  lua_regex_cache_max_entries 8192;
${dicts}
${VIA_MAPS}

  init_by_lua_block {
    KONG_HOST = require "kong_host"
    KONG_HOST.init(${JSON.stringify(o.configJsonPath)})
  }
  init_worker_by_lua_block { KONG_HOST.init_worker() }

${upstreams}

  server {
    listen 127.0.0.1:${o.port} backlog=4096;
    # a URI, like Kong's template: a named location cannot serve errors of an unparsable request line
    error_page 400 404 405 408 411 412 413 414 417 494 500 502 503 504 /kong_error_handler;

${proxyLocations(o.config)}
    location = /kong_error_handler {
      internal;
      default_type '';
      content_by_lua_block { KONG_HOST.handle_error() }
      header_filter_by_lua_block { KONG_HOST.header_filter() }
      body_filter_by_lua_block { KONG_HOST.body_filter() }
      log_by_lua_block { KONG_HOST.log() }
    }
  }

  server {
    listen 127.0.0.1:${o.adminPort};
    location / {
      default_type application/json;
      content_by_lua_block { KONG_HOST.admin() }
    }
  }
}
`;
}

/**
 * The egress proxy sends no header that says where the client is or which hops the request took (defence in depth
 * behind the plugin, and the only remover of Kong's X-Real-IP, which comes from $remote_addr). An empty value makes
 * nginx drop the header; the same lines are in kong/claude-proxy.conf.
 */
export const CLIENT_ADDRESS_HEADERS = [
  "Forwarded",
  "Via",
  "X-Real-IP",
  "X-Forwarded-For",
  "X-Forwarded-Proto",
  "X-Forwarded-Host",
  "X-Forwarded-Port",
  "X-Forwarded-Path",
  "X-Forwarded-Prefix",
  "X-Forwarded-Server",
  "X-Forwarded-Scheme",
  "X-Forwarded-Ssl",
  "X-Forwarded-Uri",
  "X-Forwarded-Client-Cert",
  "True-Client-IP",
  "X-Client-IP",
  "Client-IP",
  "X-Cluster-Client-IP",
  "CF-Connecting-IP",
  "Fastly-Client-IP",
  "X-Original-Forwarded-For",
  "X-Originating-IP",
  "X-Envoy-External-Address",
  "X-Amzn-Trace-Id",
];
const STRIP_CLIENT_ADDRESS = CLIENT_ADDRESS_HEADERS.map((h) => `\n      proxy_set_header ${h} "";`).join("");

export interface PlainProxyRender {
  runDir: string;
  name: string;
  port: number;
  workers: number;
  upstreamUrl: string;
  /** resolvable at startup: use an upstream block with keepalive; else resolve at request time */
  resolver?: string;
  buffering: boolean;
  readTimeoutSec: number;
  /** CA bundle for proxy_ssl_verify (default: the system bundle) */
  trustedCertificate?: string;
}

// What a client gets when the egress cannot reach the Claude API: the API's own error shape (an SDK reports it like
// any API error), never nginx's HTML page. Only errors nginx generates itself: the API's own answers pass through.
// kong/claude-proxy.conf (the egress of docker-compose) carries the same block (spec/host/startup.test.ts checks).
export const EGRESS_ERROR_PAGES = `
    error_page 502 @claude_unreachable;
    error_page 503 @claude_unavailable;
    error_page 504 @claude_timeout;
    location @claude_unreachable {
      default_type application/json;
      return 502 '{"type":"error","error":{"type":"api_error","message":"aws-masker egress: the Claude API could not be reached"}}';
    }
    location @claude_unavailable {
      default_type application/json;
      return 503 '{"type":"error","error":{"type":"overloaded_error","message":"aws-masker egress: the Claude API is unavailable"}}';
    }
    location @claude_timeout {
      default_type application/json;
      return 504 '{"type":"error","error":{"type":"api_error","message":"aws-masker egress: the Claude API did not answer in time"}}';
    }`;

/** A plain nginx reverse proxy (no Lua): the egress "claude proxy" and the benchmark baseline. */
export function renderPlainProxyConf(o: PlainProxyRender): string {
  const u = new URL(o.upstreamUrl);
  const scheme = u.protocol.replace(":", "");
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const port = u.port ? Number(u.port) : scheme === "https" ? 443 : 80;
  const defaultPort = scheme === "https" ? 443 : 80;
  const hostHeader = port === defaultPort ? host : `${host}:${port}`;
  const basePath = u.pathname === "/" ? "" : u.pathname.replace(/\/$/, "");
  const tls =
    scheme === "https"
      ? `
      proxy_ssl_server_name on;
      proxy_ssl_name ${host};
      proxy_ssl_verify on;
      proxy_ssl_verify_depth 4;
      proxy_ssl_trusted_certificate ${o.trustedCertificate ?? CA_BUNDLE};
      proxy_ssl_session_reuse on;`
      : "";
  const upstreamBlock = o.resolver
    ? ""
    : `  upstream ${o.name}_upstream {\n    server ${host.includes(":") ? `[${host}]` : host}:${port};\n    keepalive 64;\n  }\n`;
  const pass = o.resolver
    ? `      resolver ${o.resolver} ipv6=off valid=60s;\n      set $egress_target ${scheme}://${hostHeader};\n      proxy_pass $egress_target${basePath}$request_uri;`
    : `      proxy_pass ${scheme}://${o.name}_upstream${basePath}$request_uri;`;
  return `# generated by host/gateway.ts -- do not edit
worker_processes ${o.workers};
daemon off;
master_process on;
pid ${o.runDir}/${o.name}.pid;
error_log ${o.runDir}/logs/${o.name}.error.log warn;

events {
  worker_connections 4096;
  multi_accept on;
}

http {
  access_log off;
  ${tempPaths(o.runDir + "/" + o.name)}
  server_tokens off;
  keepalive_requests 10000;
  client_header_buffer_size ${CLIENT_HEADER_BUFFER_SIZE};
  client_max_body_size 0;
  client_body_buffer_size 1m;
${upstreamBlock}
  server {
    listen 127.0.0.1:${o.port} backlog=4096;${EGRESS_ERROR_PAGES}
    location / {
      proxy_http_version 1.1;
      proxy_set_header Host ${hostHeader};
      proxy_set_header Connection "";${STRIP_CLIENT_ADDRESS}
      proxy_buffering ${o.buffering ? "on" : "off"};
      proxy_request_buffering on;
      proxy_connect_timeout 10s;
      proxy_send_timeout ${o.readTimeoutSec}s;
      proxy_read_timeout ${o.readTimeoutSec}s;
      proxy_pass_header Server;
      proxy_pass_header Date;${tls}
${pass}
    }
  }
}
`;
}
