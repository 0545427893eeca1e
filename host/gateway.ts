// aws-masker gateway launcher: a Kong-compatible host on Debian's nginx + lua-nginx-module.
//
//   npm run gateway -- [--port 8000] [--upstream https://api.anthropic.com] [--redis HOST:PORT|none]
//                      [--mock] [--config kong/kong.yml] [--workers 2] [--plugin-path DIR]...
//
// Also a library: startGateway() / startPlainProxy() for tests and benchmarks.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lookup } from "node:dns/promises";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadDeclarative, normalizeConfig, vaultEnvNames, ConfigError } from "./config.ts";
import { renderGatewayConf, renderPlainProxyConf, CLIENT_HEADER_BUFFER_SIZE } from "./nginx.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, "..");
export const HOST_LUA_DIR = path.join(HERE, "lua");
export const BUILD_DIR = path.join(REPO_ROOT, "build");
export const DEFAULT_UPSTREAM = "https://api.anthropic.com";
/** the service whose url the host replaces by its egress proxy */
export const CLAUDE_SERVICE = "claude-api";

export interface GatewayOptions {
  /** listen port on 127.0.0.1; 0 picks a free port (default 0 for the library, 8000 for the CLI) */
  port?: number;
  /** kong.yml path (default kong/kong.yml) */
  config?: string;
  /** a declarative config object instead of a file */
  configObject?: unknown;
  /** where the egress proxy sends claude-api traffic (default https://api.anthropic.com) */
  upstream?: string;
  /** "none" (redis_host = ""), "HOST:PORT" (external), or undefined: start a private redis-server */
  redis?: string;
  /** start spec/harness/mock-claude.ts and use it as upstream */
  mock?: boolean;
  workers?: number;
  /** extra Lua roots holding kong/plugins/<name>/ (searched before build/) */
  pluginPaths?: string[];
  /** extra environment for nginx (vault env references are read from here, then process.env) */
  env?: Record<string, string>;
  clientBodyBufferSize?: string;
  logLevel?: "debug" | "info" | "notice" | "warn" | "error";
  /** extra lua_shared_dicts; kong_aws_masker 10m is always declared */
  sharedDicts?: Record<string, string>;
  /** run `npm run build` when build/kong/plugins/aws-masker/handler.lua is missing (default true) */
  build?: boolean;
  /** plugin name -> config keys merged over the declarative config (host-only overrides) */
  pluginConfigOverrides?: Record<string, Record<string, unknown>>;
  /** keep the run dir after stop (default: removed unless the run failed) */
  keepRunDir?: boolean;
  accessLog?: boolean;
  /** Admin API port on 127.0.0.1 (the plugins' api.lua endpoints, e.g. GET /aws-masker/metrics); 0 or unset: a free port */
  adminPort?: number;
  /** CA bundle the egress proxy uses to verify an https upstream (default: system bundle) */
  egressTrustedCertificate?: string;
  /** print the WARNING about a generated secret etc. (default true) */
  log?: (line: string) => void;
}

export interface Gateway {
  url: string;
  port: number;
  /** the Admin API (127.0.0.1) */
  adminUrl: string;
  egressUrl?: string;
  redisPort?: number;
  redisHost?: string;
  mockUrl?: string;
  runDir: string;
  /** the pids of every process this gateway started (masters + workers + redis) */
  pids(): number[];
  /**
   * the nginx master pids of the gateway and of its egress proxy (their workers are the children), and the pid of the
   * gateway's own redis-server (bench/load.ts)
   */
  masterPids(): { gateway?: number; egress?: number; redis?: number };
  errorLog(): string;
  stop(): Promise<void>;
  /** only when the gateway started its own redis */
  stopRedis?(): Promise<void>;
  startRedis?(): Promise<void>;
  restartRedis?(): Promise<void>;
}

// ------------------------------------------------------------------ helpers
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
}

function startProc(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): Proc {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env });
  let err = "";
  child.stderr!.on("data", (d) => (err += d.toString()));
  child.stdout!.on("data", (d) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.once("error", (e) => (err += String(e)));
  return { name, child, exited, stderr: () => err };
}

/** Inodes of the sockets listening on 127.0.0.1:port (/proc/net/tcp: local address in hex, state 0A = LISTEN). */
function listeningInodes(port: number): Set<string> {
  const out = new Set<string>();
  const want = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  try {
    for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1] === want && f[3] === "0A") out.add(f[9]);
    }
  } catch {}
  return out;
}

/** Whether process pid itself holds a socket listening on 127.0.0.1:port (not some other program on that port). */
export function listensOn(pid: number, port: number): boolean {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return false;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return true;
      } catch {}
    }
  } catch {}
  return false;
}

/** Fails fast, with a clear message, when something already listens on 127.0.0.1:port. */
async function ensurePortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = net.createServer();
    s.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `${what} cannot listen on 127.0.0.1:${port}: ${e.code === "EADDRINUSE" ? "the port is already in use" : e.message}`,
        ),
      ),
    );
    s.listen(port, "127.0.0.1", () => s.close(() => resolve()));
  });
}

/** Ready when port accepts connections AND p's own nginx holds the listening socket (not another program). */
async function waitReady(p: Proc, port: number, what: string, logFile?: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  p.exited.then(() => (dead = true));
  while (Date.now() < deadline) {
    if (dead) break;
    if ((await canConnect(port)) && p.child.pid !== undefined && listensOn(p.child.pid, port)) return;
    await sleep(25);
  }
  const log = logFile && existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
  const detail = extractStartupError(p.stderr() + "\n" + log);
  throw new Error(`${what} failed to start${dead ? "" : " (timeout)"}: ${detail}`);
}

/** The most useful lines of an nginx startup failure (our init errors, emerg lines). */
export function extractStartupError(text: string): string {
  const m = /aws-masker host: [\s\S]*?(?=\n\S|\nnginx:|$)/.exec(text);
  if (m) return m[0].trim();
  const lines = text.split("\n").filter((l) => /\[(emerg|alert|crit|error)\]|error|failed/i.test(l));
  return (lines.length ? lines.slice(-5) : text.split("\n").slice(-5)).join("\n").trim();
}

async function stopProc(p: Proc, signal: NodeJS.Signals = "SIGTERM", timeoutMs = 8000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  const t = setTimeout(() => p.child.kill("SIGKILL"), timeoutMs);
  await p.exited;
  clearTimeout(t);
}

function childPids(pid: number): number[] {
  const r = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" });
  return r.stdout
    .split("\n")
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

function newRunDir(): string {
  const base = path.join(REPO_ROOT, ".run");
  mkdirSync(base, { recursive: true });
  const dir = path.join(base, `${process.pid}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`);
  mkdirSync(path.join(dir, "logs"), { recursive: true });
  mkdirSync(path.join(dir, "tmp"), { recursive: true });
  return dir;
}

async function resolvable(host: string): Promise<boolean> {
  if (net.isIP(host) || host === "localhost") return true;
  try {
    await lookup(host);
    return true;
  } catch {
    return false;
  }
}

function systemResolver(): string {
  try {
    const m = /^nameserver\s+(\S+)/m.exec(readFileSync("/etc/resolv.conf", "utf8"));
    if (m) return m[1].includes(":") ? `[${m[1]}]` : m[1];
  } catch {}
  return "127.0.0.1";
}

// ----------------------------------------------------------- plain proxies
export interface PlainProxy {
  url: string;
  port: number;
  pid(): number | undefined;
  stop(): Promise<void>;
}

/** A plain nginx reverse proxy (no Lua) in front of `upstream`: the egress proxy and the benchmark baseline. */
export async function startPlainProxy(opts: {
  upstream: string;
  port?: number;
  workers?: number;
  buffering?: boolean;
  runDir?: string;
  name?: string;
  readTimeoutSec?: number;
  /** CA bundle used to verify an https upstream (default /etc/ssl/certs/ca-certificates.crt) */
  trustedCertificate?: string;
}): Promise<PlainProxy & { runDir: string; errorLog(): string }> {
  const ownDir = !opts.runDir;
  const runDir = opts.runDir ?? newRunDir();
  const name = opts.name ?? "plain";
  const port = opts.port || (await freePort());
  const u = new URL(opts.upstream);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const dns = await resolvable(host);
  mkdirSync(path.join(runDir, name, "tmp"), { recursive: true });
  mkdirSync(path.join(runDir, "logs"), { recursive: true });
  const conf = renderPlainProxyConf({
    runDir,
    name,
    port,
    workers: opts.workers ?? 1,
    upstreamUrl: opts.upstream,
    resolver: dns ? undefined : systemResolver(),
    buffering: opts.buffering ?? false,
    readTimeoutSec: opts.readTimeoutSec ?? 600,
    trustedCertificate: opts.trustedCertificate,
  });
  const confPath = path.join(runDir, `${name}.nginx.conf`);
  writeFileSync(confPath, conf);
  const logFile = path.join(runDir, "logs", `${name}.error.log`);
  await ensurePortFree(port, `the ${name} nginx`);
  const p = startProc(name, "nginx", ["-p", runDir, "-c", confPath, "-e", logFile]);
  await waitReady(p, port, `${name} nginx`, logFile).catch(async (e) => {
    await stopProc(p, "SIGKILL");
    throw e;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    runDir,
    pid: () => p.child.pid,
    errorLog: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
    stop: async () => {
      await stopProc(p);
      if (ownDir) rmSync(runDir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------- redis
async function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1" });
    let buf = "";
    s.once("connect", () => s.write("PING\r\n"));
    s.on("data", (d) => {
      buf += d.toString();
      if (buf.includes("\r\n")) {
        s.destroy();
        resolve(buf.startsWith("+PONG"));
      }
    });
    s.once("error", () => resolve(false));
  });
}

async function startRedisServer(runDir: string, port: number): Promise<Proc> {
  const dir = path.join(runDir, "redis");
  mkdirSync(dir, { recursive: true });
  const p = startProc("redis", "redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--daemonize",
    "no",
    "--loglevel",
    "warning",
  ]);
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null) break;
    if (await redisPing(port)) return p;
    await sleep(25);
  }
  await stopProc(p, "SIGKILL");
  throw new Error(`redis-server failed to start on port ${port}: ${p.stderr().trim()}`);
}

// ------------------------------------------------------------------ build
function ensureBuild(log: (s: string) => void): void {
  const handler = path.join(BUILD_DIR, "kong/plugins/aws-masker/handler.lua");
  if (existsSync(handler)) return;
  log(`build/kong/plugins/aws-masker/handler.lua is missing: running npm run build`);
  const r = spawnSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "inherit" });
  if (r.status !== 0 || !existsSync(handler)) {
    throw new Error("npm run build failed: the aws-masker plugin could not be compiled (see output above)");
  }
}

function configUsesPlugin(doc: any, name: string): boolean {
  const walk = (v: any): boolean =>
    Array.isArray(v)
      ? v.some(walk)
      : v && typeof v === "object"
        ? (Array.isArray(v.plugins) && v.plugins.some((p: any) => p?.name === name)) || Object.values(v).some(walk)
        : false;
  return walk(doc);
}

function configHasKey(doc: any, plugin: string, key: string): boolean {
  const walk = (v: any): boolean =>
    Array.isArray(v)
      ? v.some(walk)
      : v && typeof v === "object"
        ? (v.name === plugin && v.config && typeof v.config === "object" && key in v.config) ||
          Object.values(v).some(walk)
        : false;
  return walk(doc);
}

// ---------------------------------------------------------------- gateway
export async function startGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const log = opts.log ?? ((s: string) => process.stderr.write(s + "\n"));
  // a given path is relative to the current directory (the CLI resolves it against the caller's); the default is ours
  const doc: any =
    opts.configObject ??
    loadDeclarative(opts.config !== undefined ? path.resolve(opts.config) : path.join(REPO_ROOT, "kong/kong.yml"));
  const runDir = newRunDir();
  const procs: Proc[] = [];
  let redisProc: Proc | undefined;
  let mock: { url: string; close(): Promise<void> | void } | undefined;
  let egress: Awaited<ReturnType<typeof startPlainProxy>> | undefined;
  let stopped = false;

  const cleanup = async () => {
    for (const p of [...procs].reverse()) await stopProc(p);
    if (egress) await egress.stop();
    if (redisProc) await stopProc(redisProc);
    if (mock) await mock.close();
  };

  try {
    if (opts.build !== false && !opts.configObject && configUsesPlugin(doc, "aws-masker")) ensureBuild(log);

    // upstream for the claude-api service: egress nginx -> upstream (or the mock)
    const hasClaude = (doc.services ?? []).some((s: any) => s?.name === CLAUDE_SERVICE);
    let upstream = opts.upstream ?? DEFAULT_UPSTREAM;
    if (opts.mock) {
      const modPath = path.join(REPO_ROOT, "spec/harness/mock-claude.ts");
      if (!existsSync(modPath)) throw new Error("--mock: spec/harness/mock-claude.ts is not there yet");
      const mod: any = await import(pathToFileURL(modPath).href);
      mock = await mod.startMockClaude({ port: 0 });
      upstream = mock!.url;
    }
    const serviceOverrides: Record<string, string> = {};
    if (hasClaude) {
      egress = await startPlainProxy({
        upstream,
        runDir,
        name: "egress",
        workers: 1,
        buffering: false,
        trustedCertificate: opts.egressTrustedCertificate,
      });
      serviceOverrides[CLAUDE_SERVICE] = egress.url;
    }

    // redis: private server, external, or none -> env for the vault references
    const env: Record<string, string> = {};
    let redisPort: number | undefined;
    let redisHost: string | undefined;
    if (opts.redis === "none") {
      env.AWS_MASKER_REDIS_HOST = "";
      env.AWS_MASKER_REDIS_PORT = "6379";
    } else if (opts.redis) {
      const m = /^(.*):(\d+)$/.exec(opts.redis);
      if (!m) throw new Error(`--redis must be HOST:PORT or none (got ${opts.redis})`);
      redisHost = m[1];
      redisPort = Number(m[2]);
    } else {
      redisHost = "127.0.0.1";
      redisPort = await freePort();
      redisProc = await startRedisServer(runDir, redisPort);
    }
    if (redisHost !== undefined) {
      env.AWS_MASKER_REDIS_HOST = redisHost;
      env.AWS_MASKER_REDIS_PORT = String(redisPort);
    }
    const baseEnv = { ...process.env, ...env, ...(opts.env ?? {}) } as Record<string, string>;
    if (!baseEnv.AWS_MASKER_SECRET) {
      baseEnv.AWS_MASKER_SECRET = randomBytes(32).toString("hex");
      log(
        "WARNING: AWS_MASKER_SECRET is not set: using a random secret for this run (pseudonyms change across restarts)",
      );
    }
    if (!("AWS_MASKER_REDIS_PASSWORD" in baseEnv)) baseEnv.AWS_MASKER_REDIS_PASSWORD = "";

    // redis_port is an integer field in the plugin schema (Kong vault references are
    // strings), so the host sets it directly when it chose the port.
    const pluginConfigOverrides = { ...(opts.pluginConfigOverrides ?? {}) };
    if (redisPort !== undefined && configHasKey(doc, "aws-masker", "redis_port")) {
      pluginConfigOverrides["aws-masker"] = { redis_port: redisPort, ...(pluginConfigOverrides["aws-masker"] ?? {}) };
    }

    const hostConfig = normalizeConfig(doc, { serviceOverrides, pluginConfigOverrides });
    for (const s of hostConfig.services) {
      if (!(await resolvable(s.host))) {
        throw new ConfigError(
          `service '${s.name}': host '${s.host}' does not resolve (the host resolves service hosts at startup)`,
        );
      }
    }
    hostConfig.node_id = (() => {
      const h = randomBytes(16).toString("hex");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    })();
    hostConfig.hostname = hostname();
    const clientBodyBufferSize = opts.clientBodyBufferSize ?? "8k";
    const logLevel = opts.logLevel ?? "notice";
    hostConfig.configuration = {
      log_level: logLevel,
      nginx_http_client_body_buffer_size: clientBodyBufferSize,
      nginx_http_client_header_buffer_size: CLIENT_HEADER_BUFFER_SIZE,
      nginx_worker_processes: opts.workers ?? 2,
      plugins: ["bundled", ...new Set(hostConfig.plugins.map((p) => p.name))],
      prefix: runDir,
      host: "aws-masker-host",
    };
    const configJsonPath = path.join(runDir, "config.json");
    writeFileSync(configJsonPath, JSON.stringify(hostConfig, null, 2));

    const envNames = new Set<string>([
      "AWS_MASKER_SECRET",
      "AWS_MASKER_REDIS_HOST",
      "AWS_MASKER_REDIS_PORT",
      "AWS_MASKER_REDIS_PASSWORD",
    ]);
    vaultEnvNames(
      hostConfig.plugins.map((p) => p.config),
      envNames,
    );
    for (const k of Object.keys(opts.env ?? {})) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) envNames.add(k);

    const port = opts.port || (await freePort());
    const adminPort = opts.adminPort || (await freePort());
    const conf = renderGatewayConf({
      runDir,
      port,
      workers: opts.workers ?? 2,
      logLevel: logLevel === "error" ? "error" : logLevel,
      clientBodyBufferSize,
      configJsonPath,
      luaPaths: [...(opts.pluginPaths ?? []).map((p) => path.resolve(p)), BUILD_DIR, HOST_LUA_DIR],
      envNames: [...envNames].sort(),
      sharedDicts: { kong_aws_masker: "10m", ...(opts.sharedDicts ?? {}) },
      config: hostConfig,
      accessLog: opts.accessLog ?? false,
      adminPort,
    });
    const confPath = path.join(runDir, "nginx.conf");
    writeFileSync(confPath, conf);
    const errorLogPath = path.join(runDir, "logs", "error.log");
    await ensurePortFree(port, "the gateway");
    const gw = startProc("gateway", "nginx", ["-p", runDir, "-c", confPath, "-e", errorLogPath], baseEnv);
    procs.push(gw);
    await waitReady(gw, port, "aws-masker gateway", errorLogPath);

    const gateway: Gateway = {
      url: `http://127.0.0.1:${port}`,
      port,
      adminUrl: `http://127.0.0.1:${adminPort}`,
      egressUrl: egress?.url,
      redisPort,
      redisHost,
      mockUrl: mock?.url,
      runDir,
      pids: () => {
        const out: number[] = [];
        for (const p of [...procs, ...(redisProc ? [redisProc] : [])]) {
          if (p.child.pid && p.child.exitCode === null) out.push(p.child.pid, ...childPids(p.child.pid));
        }
        const ep = egress?.pid();
        if (ep) out.push(ep, ...childPids(ep));
        return out;
      },
      masterPids: () => ({ gateway: gw.child.pid, egress: egress?.pid(), redis: redisProc?.child.pid }),
      errorLog: () => (existsSync(errorLogPath) ? readFileSync(errorLogPath, "utf8") : ""),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await cleanup();
        if (!opts.keepRunDir) rmSync(runDir, { recursive: true, force: true });
      },
    };
    if (redisProc) {
      gateway.stopRedis = async () => {
        if (redisProc) await stopProc(redisProc);
      };
      gateway.startRedis = async () => {
        if (redisProc && redisProc.child.exitCode === null && redisProc.child.signalCode === null) return;
        redisProc = await startRedisServer(runDir, redisPort!);
      };
      gateway.restartRedis = async () => {
        await gateway.stopRedis!();
        await gateway.startRedis!();
      };
    }
    return gateway;
  } catch (e) {
    await cleanup().catch(() => {});
    // keep the run dir of a failed start for inspection only when asked
    if (!opts.keepRunDir) rmSync(runDir, { recursive: true, force: true });
    else if (e instanceof Error) e.message += `\n(run directory kept: ${runDir}, logs in ${runDir}/logs)`;
    throw e;
  }
}

// -------------------------------------------------------------------- CLI
type CliOptions = GatewayOptions & { help?: boolean };

/** The directory the user ran the command from: npm runs scripts in the package root and says where in INIT_CWD. */
export function callerDir(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

function parseArgs(argv: string[], cwd = callerDir()): CliOptions {
  const o: CliOptions = { port: 8000 };
  const need = (i: number, flag: string) => {
    if (i >= argv.length) throw new Error(`${flag} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case "--port":
        o.port = Number(need(++i, a));
        break;
      case "--upstream":
        o.upstream = need(++i, a);
        break;
      case "--redis":
        o.redis = need(++i, a);
        break;
      case "--mock":
        o.mock = true;
        break;
      case "--config":
        o.config = path.resolve(cwd, need(++i, a));
        break;
      case "--workers":
        o.workers = Number(need(++i, a));
        break;
      case "--plugin-path":
        (o.pluginPaths ??= []).push(path.resolve(cwd, need(++i, a)));
        break;
      case "--client-body-buffer-size":
        o.clientBodyBufferSize = need(++i, a);
        break;
      case "--log-level":
        o.logLevel = need(++i, a) as GatewayOptions["logLevel"];
        break;
      case "--no-build":
        o.build = false;
        break;
      case "--access-log":
        o.accessLog = true;
        break;
      case "--admin-port":
        o.adminPort = Number(need(++i, a));
        break;
      case "--keep-run-dir":
        o.keepRunDir = true;
        break;
      case "-h":
      case "--help":
        o.help = true;
        break;
      default:
        throw new Error(`unknown option ${a}`);
    }
  }
  if (!Number.isInteger(o.port) || o.port! < 0 || o.port! > 65535) throw new Error("--port must be 0..65535");
  if (o.workers !== undefined && (!Number.isInteger(o.workers) || o.workers < 1))
    throw new Error("--workers must be >= 1");
  return o;
}

const USAGE = `usage: npm run gateway -- [--port 8000] [--upstream https://api.anthropic.com] [--redis HOST:PORT|none]
                          [--mock] [--config kong/kong.yml] [--workers 2] [--plugin-path DIR]
                          [--client-body-buffer-size 8k] [--log-level notice] [--no-build] [--access-log]
                          [--admin-port PORT] [--keep-run-dir]
  --config and --plugin-path are relative to the current directory.`;

/** stdout/stderr may be closed under us (\`gateway.sh | head -1\`): a failed write must not kill the launcher. */
function survivePipeErrors(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
    });
  }
}

const say = (stream: NodeJS.WriteStream, line: string) => {
  if (stream.writable) stream.write(line + "\n");
};

async function main(): Promise<void> {
  survivePipeErrors();
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    say(process.stderr, `${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (opts.help) {
    say(process.stdout, USAGE);
    return;
  }
  let runDir: string | undefined;
  let gw: Gateway | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await gw?.stop().catch(() => {});
    if (opts.keepRunDir && runDir)
      say(process.stderr, `aws-masker gateway: run directory kept: ${runDir} (logs in ${runDir}/logs)`);
    process.exit(code);
  };
  // whatever goes wrong in the launcher, everything it started goes with it (no orphan nginx or redis-server)
  process.on("uncaughtException", (e) => {
    say(process.stderr, `aws-masker gateway: ${e.message}`);
    void shutdown(1);
  });
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGHUP", () => void shutdown(0));
  try {
    gw = await startGateway({ ...opts, log: (line) => say(process.stderr, line) });
    runDir = gw.runDir;
  } catch (e) {
    say(process.stderr, `aws-masker gateway: ${(e as Error).message}`);
    process.exit(1);
  }
  if (stopping) return void (await gw.stop());
  say(process.stdout, `aws-masker gateway listening on ${gw.url}`);
  say(process.stdout, `export ANTHROPIC_BASE_URL=${gw.url}`);
  say(
    process.stderr,
    `  egress ${gw.egressUrl ?? "-"} -> ${opts.mock ? gw.mockUrl : (opts.upstream ?? DEFAULT_UPSTREAM)}; redis ${
      gw.redisPort ? `${gw.redisHost}:${gw.redisPort}` : "none"
    }; admin API ${gw.adminUrl}; logs ${gw.runDir}/logs`,
  );
  // `npm run gateway` puts npm, sh and tsx in front of this process and npm does not
  // forward SIGTERM: stop as well when any of those launchers goes away.
  const launchers = launcherAncestors();
  setInterval(() => {
    if (launchers.some((pid) => !pidAlive(pid))) void shutdown(0);
  }, 500).unref();
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** pids of the npm / sh -c / tsx processes that launched this one (nearest first) */
function launcherAncestors(): number[] {
  const out: number[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 4 && pid > 1; depth++) {
    let cmd: string;
    let ppid: number;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      break;
    }
    if (!/(^|\/)(npm|npx|tsx)\b|npm-cli|\/\.bin\/tsx|^(\/bin\/)?sh -c /.test(cmd)) break;
    out.push(pid);
    pid = ppid;
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main();
}
