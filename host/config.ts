// Declarative config (kong.yml, _format_version "3.0") -> the normalized JSON
// the Lua host reads in init_by_lua.  Plugin configs are NOT validated here:
// the Lua side applies the plugin's own schema (the same one Kong would use).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";

export interface HostService {
  id: string;
  name: string;
  protocol: "http" | "https";
  host: string;
  port: number;
  path: string;
  host_header: string;
  upstream_name: string;
  connect_timeout: number;
  read_timeout: number;
  write_timeout: number;
}

export interface HostRoute {
  id: string;
  name: string;
  service_id: string;
  paths?: string[];
  methods?: string[];
  hosts?: string[];
  strip_path: boolean;
  preserve_host: boolean;
  request_buffering: boolean;
  response_buffering: boolean;
  regex_priority: number;
}

export interface HostPlugin {
  id: string;
  name: string;
  config: Record<string, unknown>;
  service_id?: string;
  route_id?: string;
  consumer?: unknown;
  protocols?: string[];
  enabled: boolean;
}

export interface HostConfig {
  services: HostService[];
  routes: HostRoute[];
  plugins: HostPlugin[];
  node_id: string;
  hostname: string;
  configuration: Record<string, unknown>;
}

export interface NormalizeOptions {
  /** service name -> URL that replaces the service's url (e.g. claude-api -> egress proxy) */
  serviceOverrides?: Record<string, string>;
  /** plugin name -> config keys merged over every instance's config */
  pluginConfigOverrides?: Record<string, Record<string, unknown>>;
}

const uuidFrom = (s: string): string => {
  const h = createHash("sha1").update(s).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export class ConfigError extends Error {}

function parseServiceUrl(svc: any): { protocol: "http" | "https"; host: string; port: number; path: string } {
  let protocol = svc.protocol ?? "http";
  let host = svc.host;
  let port = svc.port;
  let path = svc.path ?? "/";
  if (svc.url) {
    const u = new URL(svc.url);
    protocol = u.protocol.replace(":", "");
    host = u.hostname.replace(/^\[|\]$/g, "");
    port = u.port ? Number(u.port) : undefined;
    path = u.pathname || "/";
  }
  if (protocol !== "http" && protocol !== "https") {
    throw new ConfigError(
      `service '${svc.name}': protocol '${protocol}' is not supported by the host (http/https only)`,
    );
  }
  if (!host) throw new ConfigError(`service '${svc.name ?? "?"}': needs url or host`);
  port = port ?? (protocol === "https" ? 443 : 80);
  return { protocol, host, port, path };
}

export function loadDeclarative(file: string): any {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  let doc: any;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${file}: invalid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (!doc || typeof doc !== "object") throw new ConfigError(`${file}: empty or invalid YAML`);
  return doc;
}

export function normalizeConfig(doc: any, opts: NormalizeOptions = {}): HostConfig {
  if (doc._format_version !== undefined && !String(doc._format_version).startsWith("3.")) {
    throw new ConfigError(`_format_version must be "3.0" (got ${doc._format_version})`);
  }
  const services: HostService[] = [];
  const routes: HostRoute[] = [];
  const plugins: HostPlugin[] = [];
  const svcByKey = new Map<string, HostService>();
  const routeByKey = new Map<string, HostRoute>();
  const pendingPlugins: Array<{ p: any; service?: string; route?: string; where: string }> = [];

  const addRoute = (r: any, serviceId: string | undefined, where: string) => {
    const sref = serviceId ?? (typeof r.service === "object" ? (r.service?.name ?? r.service?.id) : r.service);
    const svc = serviceId ? services.find((s) => s.id === serviceId) : svcByKey.get(String(sref));
    if (!svc) throw new ConfigError(`route '${r.name ?? where}': unknown service '${sref}'`);
    const name = r.name ?? `${svc.name}-route-${routes.length + 1}`;
    if (!r.paths && !r.methods && !r.hosts) {
      throw new ConfigError(`route '${name}': must set at least one of 'paths', 'methods', 'hosts'`);
    }
    for (const p of r.paths ?? []) {
      if (typeof p !== "string" || !(p.startsWith("/") || p.startsWith("~/"))) {
        throw new ConfigError(`route '${name}': paths must start with / or ~/ (got ${JSON.stringify(p)})`);
      }
    }
    const route: HostRoute = {
      id: r.id ?? uuidFrom(`route:${name}`),
      name,
      service_id: svc.id,
      paths: r.paths,
      methods: r.methods,
      hosts: r.hosts,
      strip_path: r.strip_path ?? true,
      preserve_host: r.preserve_host ?? false,
      request_buffering: r.request_buffering ?? true,
      response_buffering: r.response_buffering ?? true,
      regex_priority: r.regex_priority ?? 0,
    };
    if (routeByKey.has(route.name)) throw new ConfigError(`route '${route.name}' is defined twice`);
    routes.push(route);
    routeByKey.set(route.name, route);
    routeByKey.set(route.id, route);
    for (const p of r.plugins ?? []) pendingPlugins.push({ p, route: route.id, where: `route ${name}` });
  };

  (doc.services ?? []).forEach((s: any, i: number) => {
    const name = s.name ?? `service-${i + 1}`;
    const override = opts.serviceOverrides?.[name];
    const u = parseServiceUrl(override ? { ...s, url: override, name } : { ...s, name });
    const defaultPort = u.protocol === "https" ? 443 : 80;
    const svc: HostService = {
      id: s.id ?? uuidFrom(`service:${name}`),
      name,
      ...u,
      host_header: u.port === defaultPort ? u.host : `${u.host}:${u.port}`,
      upstream_name: `kong_upstream_${i + 1}`,
      connect_timeout: s.connect_timeout ?? 60000,
      read_timeout: s.read_timeout ?? 60000,
      write_timeout: s.write_timeout ?? 60000,
    };
    if (svcByKey.has(name)) throw new ConfigError(`service '${name}' is defined twice`);
    services.push(svc);
    svcByKey.set(name, svc);
    svcByKey.set(svc.id, svc);
    for (const p of s.plugins ?? []) pendingPlugins.push({ p, service: svc.id, where: `service ${name}` });
  });
  (doc.services ?? []).forEach((s: any, i: number) => {
    for (const r of s.routes ?? []) addRoute(r, services[i].id, `service ${services[i].name}`);
  });
  for (const r of doc.routes ?? []) addRoute(r, undefined, "routes");
  for (const p of doc.plugins ?? []) {
    const sref = typeof p.service === "object" ? (p.service?.name ?? p.service?.id) : p.service;
    const rref = typeof p.route === "object" ? (p.route?.name ?? p.route?.id) : p.route;
    const service = sref ? svcByKey.get(String(sref))?.id : undefined;
    const route = rref ? routeByKey.get(String(rref))?.id : undefined;
    if (sref && !service) throw new ConfigError(`plugin '${p.name}': unknown service '${sref}'`);
    if (rref && !route) throw new ConfigError(`plugin '${p.name}': unknown route '${rref}'`);
    pendingPlugins.push({ p, service, route, where: "plugins" });
  }
  const seen = new Set<string>();
  for (const { p, service, route, where } of pendingPlugins) {
    if (!p || typeof p.name !== "string") throw new ConfigError(`${where}: plugin without a name`);
    const scopeKey = `${p.name}|${route ?? ""}|${route ? "" : (service ?? "")}`;
    if (seen.has(scopeKey)) {
      throw new ConfigError(
        `plugin '${p.name}' is attached twice to the same ${route ? "route" : service ? "service" : "global scope"}`,
      );
    }
    seen.add(scopeKey);
    const override = opts.pluginConfigOverrides?.[p.name];
    const config = { ...(p.config ?? {}), ...(override ?? {}) };
    plugins.push({
      id: p.id ?? uuidFrom(`plugin:${scopeKey}`),
      name: p.name,
      config,
      service_id: route ? undefined : service,
      route_id: route,
      consumer: p.consumer,
      protocols: p.protocols,
      enabled: p.enabled ?? true,
    });
  }
  return { services, routes, plugins, node_id: "", hostname: "", configuration: {} };
}

/** Every env variable named by a {vault://env/NAME} reference, Kong-style (upper-case, - -> _). */
export function vaultEnvNames(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    const m = /^\{vault:\/\/env\/([^/}?]+)/.exec(value);
    if (m) out.add(m[1].toUpperCase().replace(/-/g, "_"));
  } else if (Array.isArray(value)) {
    for (const v of value) vaultEnvNames(v, out);
  } else if (value && typeof value === "object") {
    for (const v of Object.values(value)) vaultEnvNames(v, out);
  }
  return out;
}

/**
 * Resolves a value the way Kong's env vault does (`{vault://env/NAME}` -> env NAME upper-cased, `-` -> `_`;
 * `{vault://env/NAME/key}` -> `key` of NAME's JSON). Plain values come back as they are.
 */
export function resolveEnvReference(
  value: string,
  env: Record<string, string | undefined> = process.env,
): { value: string } | { error: string } {
  const m = /^\{vault:\/\/([^/}]+)\/([^/}?]+)(?:\/([^}?]+))?(?:\?[^}]*)?\}$/.exec(value);
  if (!m) return value.startsWith("{vault://") ? { error: `${value} is not a valid vault reference` } : { value };
  if (m[1] !== "env") return { error: `${value}: only the env vault can be resolved here` };
  const name = m[2].toUpperCase().replace(/-/g, "_");
  const raw = env[name];
  if (raw === undefined)
    return { error: `vault reference ${value} could not be resolved (environment variable ${name} is not set)` };
  if (m[3] === undefined) return { value: raw };
  try {
    const v = JSON.parse(raw)?.[m[3]];
    if (v !== undefined) return { value: String(v) };
  } catch {}
  return { error: `vault reference ${value} could not be resolved (no key ${m[3]} in the JSON of ${name})` };
}
