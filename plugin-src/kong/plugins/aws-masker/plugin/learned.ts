// The tenant's memory in each worker (engine/memory.ts): names learned in the tenant's earlier requests, masked in
// its later ones. Shared through Redis (store.ts) with bounded staleness and no Redis round trip on the path of a
// request, except the first of a tenant in a worker (which loads the tenant's names once):
//   - a request's new names go into the worker's memory at once and are queued for Redis (written by the flush timer);
//   - one refresh timer per worker, every REFRESH_SECONDS, reads the version counter of each active tenant (one
//     pipeline) and reloads the names of those whose version moved;
//   - tenants idle for IDLE_SECONDS are forgotten by the worker (Redis still has them); at most TENANTS_MAX per worker.
// Credential kinds are never remembered (they have a fixed shape anyway) and never stored.
import { newMemory, remember, TenantMemory, kindById, isCredential, Kind, Session, LentEntries } from "../engine/index";
import { PluginConf } from "./conf";
import {
  hasRedis,
  mayTry,
  connect,
  release,
  nameKeys,
  nameVersions,
  ownNameVersions,
  loadNames,
  storeNames,
  storeEntries,
  schedule,
  StoredEntry,
} from "./store";
import { count } from "./stats";

const REFRESH_SECONDS = 1;
const IDLE_SECONDS = 3600;
const TENANTS_MAX = 256;
/** How long a name learned here survives a reload that does not show it yet (flush and refresh take ~1 s each). */
const RECENT_SECONDS = 10;

interface Tenant {
  scope: string;
  memory: TenantMemory;
  versionKey: string;
  /** the version counter the memory reflects ("" before the first load) */
  version: string;
  lastUse: number;
  /** names this worker learned and queued recently: kept over a reload until Redis surely has them */
  recent: Record<string, { kind: Kind; at: number }>;
  /** the first load of its names in this worker, while in flight: the tenant's other first requests wait on it */
  loading?: NgxSemaphore;
}

interface Memories {
  tenants: Record<string, Tenant>;
  count: number;
  refreshing: boolean;
}

const byConf = setmetatable(new LuaTable<PluginConf, Memories>(), { __mode: "k" });

function memoriesFor(conf: PluginConf): Memories {
  let ms = byConf.get(conf);
  if (ms === undefined) {
    ms = { tenants: {}, count: 0, refreshing: false };
    byConf.set(conf, ms);
  }
  return ms;
}

/** A fresh memory holding names ([kind id, name] pairs). */
function memoryOf(conf: PluginConf, names: string[][]): TenantMemory {
  const mem = newMemory(conf.learned_names_max);
  for (const [id, name] of names) {
    const kind = kindById(id);
    if (kind !== undefined && !isCredential(kind)) remember(mem, name, kind);
  }
  return mem;
}

/** Loads (or reloads) the tenants' names whose version moved; false when Redis failed. */
function pull(conf: PluginConf, tenants: Tenant[]): boolean {
  const red = connect(conf);
  if (red === undefined) return false;
  const keys: string[] = [];
  for (const t of tenants) keys.push(t.versionKey);
  const versions = nameVersions(conf, red, keys);
  if (versions === undefined) return false;
  for (let k = 0; k < tenants.length; k++) {
    const t = tenants[k];
    if (versions[k] === t.version) continue;
    const now = ngx.now();
    for (const [name, r] of pairs(t.recent)) if (r.at < now - RECENT_SECONDS) delete t.recent[name];
    // moved by this worker's own writes only: its memory holds those names already (a reload would rebuild it from
    // every name of the tenant, each opened, once a second while the tenant learns)
    if (ownNameVersions(conf, t.versionKey, t.version, versions[k])) {
      t.version = versions[k];
      continue;
    }
    const names = loadNames(conf, red, t.scope);
    if (names === undefined) return false;
    // rebuilt, not merged: names Redis let expire are forgotten here too (but not those just learned here)
    const mem = memoryOf(conf, names);
    for (const [name, r] of pairs(t.recent)) remember(mem, name, r.kind);
    t.memory = mem;
    t.version = versions[k];
    count("learned_names_reloads");
  }
  release(conf, red);
  return true;
}

function refresh(premature: boolean, conf: PluginConf): void {
  const ms = memoriesFor(conf);
  if (premature) {
    ms.refreshing = false;
    return;
  }
  const now = ngx.now();
  const active: Tenant[] = [];
  for (const [scope, t] of pairs(ms.tenants)) {
    if (t.lastUse < now - IDLE_SECONDS) {
      delete ms.tenants[scope];
      ms.count--;
    } else if (t.version !== "") {
      active.push(t);
    }
  }
  if (ms.count === 0) {
    ms.refreshing = false;
    return;
  }
  if (active.length > 0 && mayTry(conf)) pull(conf, active);
  ms.refreshing = schedule(REFRESH_SECONDS, refresh, conf);
}

function evictOldest(ms: Memories): void {
  let oldest: string | undefined = undefined;
  let at = 0;
  for (const [scope, t] of pairs(ms.tenants)) {
    if (oldest === undefined || t.lastUse < at) {
      oldest = scope;
      at = t.lastUse;
    }
  }
  if (oldest !== undefined) {
    delete ms.tenants[oldest];
    ms.count--;
  }
}

let semaphores: NgxSemaphoreModule | undefined = undefined;

/**
 * The tenant's first load of its names in this worker (access phase). Its requests that arrive while the load is in
 * flight wait for it instead of each loading every name of the tenant again (a burst of first requests after a worker
 * starts made one load each). A waiter whose wait outlasts three Redis timeouts loads them itself; after a failed
 * load (Redis marked down) it goes on with the memory the worker has, as the first request does.
 */
function firstLoad(conf: PluginConf, t: Tenant): void {
  const inFlight = t.loading;
  if (inFlight !== undefined) {
    // a load is a connect and two round trips, each bounded by redis_timeout_ms
    inFlight.wait((3 * conf.redis_timeout_ms) / 1000);
    if (t.version !== "" || !mayTry(conf)) return;
  }
  if (semaphores === undefined) semaphores = require("ngx.semaphore") as NgxSemaphoreModule;
  const [done] = semaphores.new(0);
  t.loading = done;
  try {
    pull(conf, [t]);
  } finally {
    if (t.loading === done) t.loading = undefined;
    if (done !== undefined && done.count() < 0) done.post(-done.count());
  }
}

/** The tenant's memory for this request (access phase), or undefined when learn_names is off. */
export function memoryFor(conf: PluginConf, scope: string): TenantMemory | undefined {
  if (conf.learn_names === false || conf.learned_names_max === 0) return undefined;
  const ms = memoriesFor(conf);
  let t = ms.tenants[scope];
  if (t === undefined) {
    if (ms.count >= TENANTS_MAX) evictOldest(ms);
    t = { scope, memory: newMemory(conf.learned_names_max), versionKey: "", version: "", lastUse: 0, recent: {} };
    if (hasRedis(conf)) t.versionKey = nameKeys(conf, scope).version;
    ms.tenants[scope] = t;
    ms.count++;
  }
  t.lastUse = ngx.now();
  if (hasRedis(conf)) {
    // the tenant's first request in this worker waits for its names once (and again, at most once a second, while
    // Redis is down); afterwards the refresh timer keeps them current
    if (t.version === "" && mayTry(conf)) firstLoad(conf, t);
    if (!ms.refreshing) ms.refreshing = schedule(REFRESH_SECONDS, refresh, conf);
  }
  return t.memory;
}

/** Per worker: kind id -> whether it is a credential kind (ids are the catalogue's and the configs' custom kinds). */
const credentialIds: Record<string, boolean> = {};

function credentialId(id: string): boolean {
  let credential = credentialIds[id];
  if (credential === undefined) {
    const kind = kindById(id);
    credential = kind !== undefined && isCredential(kind);
    credentialIds[id] = credential;
  }
  return credential;
}

/** The mappings of the session that may be stored (credential kinds left out): what a batch record keeps. */
export function storableEntries(sess: Session): StoredEntry[] {
  const storable: StoredEntry[] = [];
  for (const e of sess.entries) if (!credentialId(e.kind)) storable.push(e);
  return storable;
}

/**
 * Per worker, by a session's lent entries (Session.lent, weak keys): the tenant memory that a request lent them offered
 * every learned name to, those that came with them (LentEntries.learned) included. A memory never forgets a name, so
 * the later requests lent the same object skip those. Recorded here only, after the offer: the request that kept the
 * history may have been refused after its body was masked, before it offered anything.
 */
const offeredTo = setmetatable(new LuaTable<LentEntries, TenantMemory>(), { __mode: "k" });

/**
 * After masking: the request's learned names go into the tenant's memory and to Redis, and its mappings to Redis.
 * Credential kinds go nowhere.
 */
export function rememberSession(conf: PluginConf, sess: Session): void {
  storeEntries(conf, sess.scope, sess.entries, credentialId, sess.lent);
  const mem = sess.memory;
  const learned = sess.learned;
  // a full memory stays full (it never forgets a name): nothing to offer it. A known name costs remember() one lookup;
  // no set of the names offered is kept (for cold requests it was ~20,000 strings more for every GC cycle to walk)
  if (mem === undefined || learned.length === 0 || mem.count >= mem.max) return;
  const lent = sess.lent;
  const from = lent !== undefined && offeredTo.get(lent) === mem ? lent.learned : 0;
  let fresh: string[][] | undefined = undefined;
  for (let k = from; k < learned.length; k++) {
    const l = learned[k];
    if (!credentialId(l.kind.id) && remember(mem, l.name, l.kind)) {
      if (fresh === undefined) fresh = [];
      fresh.push([l.kind.id, l.name]);
      const t = memoriesFor(conf).tenants[sess.scope];
      if (t !== undefined) t.recent[l.name] = { kind: l.kind, at: ngx.now() };
    }
  }
  if (lent !== undefined && lent.learned > 0 && from === 0) offeredTo.set(lent, mem);
  if (fresh !== undefined) {
    count("learned_names", fresh.length);
    storeNames(conf, sess.scope, fresh);
  }
}
