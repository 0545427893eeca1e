// The shared store in Redis (docs/redis.md): per tenant, pseudonym -> original mappings, the names the tenant's
// requests taught the gateway, and the mappings of each Message Batch created through it. Everything is sealed
// (sealed.ts); credential kinds are never written.
// Writes leave the request path: requests queue them per worker, and one timer at a time (never one per request)
// sends the whole queue in one pipeline (RPUSH of mapping records, SET ... EX for batches, EVALSHA of one script per
// tenant for names). Reads happen in access only where a request cannot go on without them (a batch's results; the
// first request of a tenant in a worker), and in a background refresh (learned.ts). While Redis is unreachable the
// gateway keeps masking; it retries at most once a second and recovers by itself. Originals are never logged.
import { PluginConf, text } from "./conf";
import { SealKeys, sealKeysFor, keyName, seal, unseal, hex } from "./sealed";
import { count } from "./stats";

const redisLib = require("resty.redis") as RestyRedisModule;

const PREFIX = "aws-masker:v2:";
const RETRY_SECONDS = 1;
const RECENT_MAX = 20000;
/** Bound of the queue: the mappings (and other writes) waiting for the next flush; past it writes are dropped, counted. */
const QUEUE_MAX = 20000;

// Adds a tenant's new names to its hash while it holds fewer than max, keeps the hash and its version key alive for
// the TTL, and bumps the version when something was added (other workers then pull the names). Answers the number of
// names added and the version after it: a worker that finds its own bump there does not pull its own names again.
const NAMES_SCRIPT = `
local max = tonumber(ARGV[1])
local added = 0
for i = 3, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 and redis.call('HLEN', KEYS[1]) < max then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    added = added + 1
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
local version
if added > 0 then version = redis.call('INCR', KEYS[2]) else version = tonumber(redis.call('GET', KEYS[2]) or '0') end
redis.call('EXPIRE', KEYS[2], ARGV[2])
return { added, version }
`;
/** The arguments of a names command before its field/value pairs: evalsha, sha, 2, hash, version, max, ttl. */
const NAMES_ARGS = 7;

/** script source -> its SHA1 (hex), and back: EVALSHA, then EVAL with the source when Redis has not cached it. */
const shaBySource: Record<string, string> = {};
const sourceBySha: Record<string, string> = {};
function scriptSha(source: string): string {
  let sha = shaBySource[source];
  if (sha === undefined) {
    sha = hex(ngx.sha1_bin(source));
    shaBySource[source] = sha;
    sourceBySha[sha] = source;
  }
  return sha;
}

type Command = (string | number)[];
type Reply = LuaMultiReturn<[unknown, string | undefined]>;

/** Sends one command (any Redis command is a method of a resty.redis client). */
function send(red: RestyRedis, c: Command): Reply {
  const method = (
    red as unknown as Record<string, (this: void, self: RestyRedis, ...args: (string | number)[]) => Reply>
  )[c[0] as string];
  // Lua's unpack from the second element (1-based): the arguments without a copy of the command
  return method(red, ...unpack(c, 2));
}

/** A tenant's Redis keys in this worker. */
interface ScopeKeys {
  /** the slot of its current mapping records (its start), that list's key and when the key expires */
  slot: number;
  recordKey: string;
  expireAt: number;
  names?: NameKeys;
}
/** Bound of the tenants whose keys a worker keeps (past it they start over). */
const SCOPES_MAX = 1024;

interface StoreState {
  keys: SealKeys;
  queue: Command[];
  /** what the queue's commands write: the mappings of each record, 1 for any other command (bound and counters) */
  queued: number;
  /** scope -> its keys: each a keyed hash, computed once per tenant (and slot) */
  scopes: Record<string, ScopeKeys>;
  scopeCount: number;
  /**
   * version key of a tenant's names -> the versions this worker's own writes moved it through, from..to (a
   * contiguous run of its bumps): a refresh that finds the version moved only by them does not reload the names
   */
  ownVersions: Record<string, { from: number; to: number }>;
  /** recordSlotSeconds(mapping_ttl_seconds) */
  slotSeconds: number;
  /** a flush timer is pending or running: requests only append to the queue */
  flushing: boolean;
  down: boolean;
  nextTry: number;
  /** scope -> pseudonym -> time after which it is written again (TTL refresh); recentCount pseudonyms in all */
  recent: Record<string, Record<string, number>>;
  recentCount: number;
  /**
   * A session's lent entries (Session.lent, weak keys) -> the time after which one of them is written
   * again. A conversation resent turn after turn lends the same entries every time: until then they are not looked
   * at one by one.
   */
  lentUntil: LuaTable<{ count: number }, number>;
}

// one state per plugin configuration (weak: a replaced config's state goes with it)
const states = setmetatable(new LuaTable<PluginConf, StoreState>(), { __mode: "k" });

export function stateFor(conf: PluginConf): StoreState {
  let st = states.get(conf);
  if (st === undefined) {
    st = {
      keys: sealKeysFor(conf.secret),
      queue: [],
      queued: 0,
      scopes: {},
      scopeCount: 0,
      ownVersions: {},
      slotSeconds: recordSlotSeconds(conf.mapping_ttl_seconds),
      flushing: false,
      down: false,
      nextTry: 0,
      recent: {},
      recentCount: 0,
      lentUntil: setmetatable(new LuaTable<{ count: number }, number>(), { __mode: "k" }),
    };
    states.set(conf, st);
  }
  return st;
}

export function hasRedis(conf: PluginConf): boolean {
  return text(conf.redis_host) !== "";
}

/** True while this worker knows Redis to be unreachable. */
export function storeDegraded(conf: PluginConf): boolean {
  const st = states.get(conf); // not created here: header_filter also runs for refusals (no usable secret)
  return st !== undefined && st.down && hasRedis(conf);
}

/** Schedules fn(premature, ...args) now; false (logged) when nginx or Kong's timer library refuses. */
export function schedule(
  delay: number,
  fn: (this: void, premature: boolean, ...args: any[]) => void,
  ...args: any[]
): boolean {
  // ngx.timer.at answers nil, err on failure; Kong 3.x's timer library (lua-resty-timer-ng) false, err
  const [ok, err] = ngx.timer.at(delay, fn, ...args);
  if (ok === undefined || ok === false) {
    kong.log.err("could not schedule a timer: ", err);
    return false;
  }
  return true;
}

function markDown(st: StoreState, failure: string): void {
  count("redis_failures");
  if (!st.down) kong.log.err("Redis unavailable, masking goes on with this worker's memory only: ", failure);
  st.down = true;
  st.nextTry = ngx.now() + RETRY_SECONDS;
}

function markUp(st: StoreState): void {
  if (st.down) kong.log.notice("Redis reachable again");
  st.down = false;
}

/** A connected client, or undefined (Redis marked down) — cosockets: access phase and timers only. */
export function connect(conf: PluginConf): RestyRedis | undefined {
  const st = stateFor(conf);
  const [red, nerr] = redisLib.new();
  if (red === undefined) {
    markDown(st, "new: " + nerr);
    return undefined;
  }
  // set_timeouts (connect, send, read) exists in lua-resty-redis 0.28+ (Kong); Debian's 0.27 would send it to Redis
  // as a command, so it is looked up on the module itself; set_timeout exists in both
  if ((rawget as (this: void, t: unknown, k: string) => unknown)(redisLib, "set_timeouts") !== undefined) {
    red.set_timeouts(conf.redis_timeout_ms, conf.redis_timeout_ms, conf.redis_timeout_ms);
  } else {
    red.set_timeout(conf.redis_timeout_ms);
  }
  const host = conf.redis_host as string;
  const [ok, err] = red.connect(host, conf.redis_port, {
    pool: host + ":" + conf.redis_port + ":" + conf.redis_database,
    pool_size: conf.redis_pool_size,
  });
  let failure: string | undefined = ok === undefined ? "connect: " + err : undefined;
  if (failure === undefined) {
    const [reused] = red.get_reused_times();
    if (reused === 0) {
      const password = text(conf.redis_password);
      if (password !== "") {
        const [authed, aerr] = red.auth(password);
        if (authed === undefined) failure = "auth: " + aerr;
      }
      if (failure === undefined && conf.redis_database !== 0) {
        const [sel, serr] = red.select(conf.redis_database);
        if (sel === undefined) failure = "select: " + serr;
      }
    }
  }
  if (failure !== undefined) {
    red.close();
    markDown(st, failure);
    return undefined;
  }
  return red;
}

/** Returns the connection to the pool after a successful exchange. */
export function release(conf: PluginConf, red: RestyRedis): void {
  markUp(stateFor(conf));
  red.set_keepalive(60000, conf.redis_pool_size);
}

/** Closes a connection whose exchange failed and marks Redis down. */
export function fail(conf: PluginConf, red: RestyRedis, failure: string): void {
  red.close();
  markDown(stateFor(conf), failure);
}

/** True when a request may try Redis now (up, or the retry interval has passed). */
export function mayTry(conf: PluginConf): boolean {
  const st = stateFor(conf);
  return !st.down || ngx.now() >= st.nextTry;
}

/**
 * The queue as sent: the records of one key (a tenant's slot) in one RPUSH with one EXPIREAT (the same time for every
 * record of the slot), the names of one tenant in one names command, the other commands as they are.
 */
function batched(queue: Command[]): Command[] {
  const out: Command[] = [];
  const folded: Record<string, Command> = {};
  const namesSha = scriptSha(NAMES_SCRIPT);
  for (const c of queue) {
    const names = c[0] === "evalsha" && c[1] === namesSha;
    if (c[0] !== "rpush" && !names) {
      out.push(c);
      continue;
    }
    // a list's key or a names hash's key
    const key = (names ? c[3] : c[1]) as string;
    const into = folded[key];
    if (into === undefined) {
      // the RPUSH sent holds values only: the EXPIREAT time rides along as the queued command's fourth element
      const first: Command = names ? c : ["rpush", key, c[2]];
      folded[key] = first;
      out.push(first);
      if (!names) out.push(["expireat", key, c[3]]);
    } else if (names) {
      for (let k = NAMES_ARGS; k < c.length; k++) into.push(c[k]);
    } else {
      into.push(c[2]);
    }
  }
  return out;
}

/** Answers of a pipeline: the versions the names commands moved to, and the commands to send again with EVAL. */
function answered(st: StoreState, commands: Command[], results: unknown[]): Command[] | undefined {
  const namesSha = scriptSha(NAMES_SCRIPT);
  let retry: Command[] | undefined = undefined;
  for (let k = 0; k < commands.length; k++) {
    const r = results[k];
    const c = commands[k];
    if (type(r) === "table" && (r as unknown[])[0] === false) {
      const msg = tostring((r as unknown[])[1]);
      const [noScript] = string.find(msg, "NOSCRIPT", 1, true);
      const source = c[0] === "evalsha" ? sourceBySha[c[1] as string] : undefined;
      if (source !== undefined && noScript !== undefined) {
        // a script not yet in this Redis' cache: once more with its source (EVAL also caches it)
        if (retry === undefined) retry = [];
        retry.push(["eval", source, ...c.slice(2)]);
      } else {
        kong.log.err("Redis refused a write: ", msg);
      }
    } else if ((c[0] === "evalsha" && c[1] === namesSha) || (c[0] === "eval" && c[1] === NAMES_SCRIPT)) {
      namesWritten(st, c[4] as string, r);
    }
  }
  return retry;
}

function flush(premature: boolean, conf: PluginConf): void {
  const st = stateFor(conf);
  if (premature) {
    st.flushing = false;
    return;
  }
  const queued = st.queued;
  const commands = batched(st.queue);
  st.queue = [];
  st.queued = 0;
  const red = connect(conf);
  if (red !== undefined) {
    red.init_pipeline(commands.length);
    for (const c of commands) send(red, c);
    const [results, err] = red.commit_pipeline();
    if (results === undefined) {
      fail(conf, red, "write: " + err);
    } else {
      const retry = answered(st, commands, results as unknown[]);
      if (retry !== undefined) {
        red.init_pipeline(retry.length);
        for (const c of retry) send(red, c);
        const [again, rerr] = red.commit_pipeline();
        if (again === undefined) kong.log.err("Redis refused a write: ", rerr);
        else answered(st, retry, again as unknown[]);
      }
      count("redis_writes", queued);
      release(conf, red);
    }
  } else {
    count("redis_skipped_writes", queued);
  }
  // what requests queued meanwhile goes in the next flush
  if (st.queue.length > 0 && schedule(st.down ? RETRY_SECONDS : 0, flush, conf)) return;
  st.flushing = false;
}

/** Queues a command that writes `weight` mappings (1 for names and batches). */
function enqueue(conf: PluginConf, st: StoreState, command: Command, weight: number): void {
  if (st.queued + weight > QUEUE_MAX) {
    count("redis_skipped_writes", weight);
    return;
  }
  st.queue.push(command);
  st.queued += weight;
  if (!st.flushing) st.flushing = schedule(st.down ? RETRY_SECONDS : 0, flush, conf);
}

export interface StoredEntry {
  pseudonym: string;
  original: string;
  kind: string;
}

/**
 * Mapping records. A request's new mappings go to Redis as one record: their length-prefixed fields (the batch
 * records' format), sealed once, pushed on a list per tenant and time slot. One keyed hash, one seal and one list
 * element per request instead of one of each per mapping: a Redis key per mapping cost Redis ~4 µs each and the worker
 * ~5 µs each (bench/load.ts, 4 KB / 20 ids / cold). `aws-masker unmask --redis` reads the slots' lists
 * (lib/store.ts). A slot is RECORD_SLOTS[k] seconds long, the longest that is at most a tenth of mapping_ttl_seconds
 * (60 s at least); its key expires at the slot's end plus the TTL: every record is kept at least the TTL and at most
 * one slot longer.
 */
const RECORD_SLOTS = [60, 600, 3600];

/** The slot length of a mapping TTL (also computed by `aws-masker unmask --redis`, for every TTL it may meet). */
export function recordSlotSeconds(ttl: number): number {
  let seconds = RECORD_SLOTS[0];
  for (const s of RECORD_SLOTS) if (s * 10 <= ttl) seconds = s;
  return seconds;
}

/** The Redis key of a tenant's mapping records of one slot (the slot's start / its length). */
export function recordKey(keys: SealKeys, scope: string, seconds: number, slot: number): string {
  return keyName(keys, PREFIX + "r:", scope + "\x1f" + seconds + "\x1f" + slot);
}

/**
 * Appends an entry's length-prefixed fields (the record format: originals may hold any byte) to parts from index n;
 * returns the next index. The lengths stay numbers: table.concat writes them into the record's buffer, no string each.
 */
function packEntry(parts: (string | number)[], n: number, e: StoredEntry): number {
  parts[n] = e.kind.length;
  parts[n + 1] = ":";
  parts[n + 2] = e.kind;
  parts[n + 3] = e.pseudonym.length;
  parts[n + 4] = ":";
  parts[n + 5] = e.pseudonym;
  parts[n + 6] = e.original.length;
  parts[n + 7] = ":";
  parts[n + 8] = e.original;
  return n + 9;
}

function packEntries(entries: StoredEntry[]): string {
  const parts: (string | number)[] = [];
  let n = 0;
  for (const e of entries) n = packEntry(parts, n, e);
  return table.concat(parts, "", 1, n);
}

/**
 * The fields of the record a request is writing, reused (a record is packed and sealed before the next starts); past
 * RECORD_PARTS_KEPT fields it is let go after the record (a worker does not keep a large request's originals).
 */
let recordParts: (string | number)[] = [];
const RECORD_PARTS_KEPT = 4096;

/** The tenant's keys in this worker (a slot of 0: none computed yet). */
function scopeKeys(st: StoreState, scope: string): ScopeKeys {
  let sk = st.scopes[scope];
  if (sk === undefined) {
    if (st.scopeCount >= SCOPES_MAX) {
      st.scopes = {};
      st.scopeCount = 0;
      st.ownVersions = {};
    }
    sk = { slot: 0, recordKey: "", expireAt: 0 };
    st.scopes[scope] = sk;
    st.scopeCount++;
  }
  return sk;
}

/**
 * Queues the request's mappings not written (or refreshed) lately, as one record; those of a kind credential() names
 * are never written. No-op without Redis. The first lent.count entries are the ones the session was lent (Session.lent).
 */
export function storeEntries(
  conf: PluginConf,
  scope: string,
  entries: StoredEntry[],
  credential: (this: void, kind: string) => boolean,
  lent?: { count: number },
): void {
  if (entries.length === 0 || !hasRedis(conf)) return;
  const st = stateFor(conf);
  const now = ngx.now();
  const until = now + conf.mapping_ttl_seconds / 10;
  // the lent entries: none due before lentUntil; else looked at, and when the next of them is due noted
  let from = 0;
  let lentDue = -1;
  const lentCount = lent !== undefined ? lent.count : 0;
  if (lent !== undefined && lentCount > 0) {
    const due = st.lentUntil.get(lent);
    if (due !== undefined && due > now) from = lentCount;
    else lentDue = math.huge;
  }
  // keyed by (scope, pseudonym) in the worker: a mapping is written again only when its refresh is due
  let recent: Record<string, number> | undefined = st.recent[scope];
  let n = 0;
  let fresh = 0;
  for (let k = from; k < entries.length; k++) {
    const e = entries[k];
    const at = recent !== undefined ? recent[e.pseudonym] : undefined;
    if (k < lentCount && lentDue >= 0 && at !== undefined && at >= now && at < lentDue) lentDue = at;
    if ((at === undefined || at < now) && !credential(e.kind)) {
      if (st.recentCount > RECENT_MAX) {
        st.recent = {};
        st.recentCount = 0;
        recent = undefined;
      }
      if (recent === undefined) {
        recent = {};
        st.recent[scope] = recent;
      }
      if (at === undefined) st.recentCount++;
      recent[e.pseudonym] = until;
      n = packEntry(recordParts, n, e);
      fresh++;
      if (k < lentCount && lentDue >= 0 && until < lentDue) lentDue = until;
    }
  }
  if (lentDue >= 0 && lent !== undefined) st.lentUntil.set(lent, lentDue);
  if (fresh === 0) return;
  const seconds = st.slotSeconds;
  const slot = math.floor(now / seconds) * seconds;
  const sk = scopeKeys(st, scope);
  if (sk.slot !== slot) {
    sk.slot = slot;
    sk.recordKey = recordKey(st.keys, scope, seconds, slot);
    sk.expireAt = slot + seconds + conf.mapping_ttl_seconds;
  }
  const record = seal(st.keys, sk.recordKey, table.concat(recordParts, "", 1, n));
  if (n > RECORD_PARTS_KEPT) recordParts = [];
  enqueue(conf, st, ["rpush", sk.recordKey, record, sk.expireAt], fresh);
}

// ---- a tenant's learned names ----------------------------------------------------------------------------------

export interface NameKeys {
  hash: string;
  version: string;
}

export function nameKeys(conf: PluginConf, scope: string): NameKeys {
  const st = stateFor(conf);
  const sk = scopeKeys(st, scope);
  if (sk.names === undefined) {
    sk.names = { hash: keyName(st.keys, PREFIX + "n:", scope), version: keyName(st.keys, PREFIX + "nv:", scope) };
  }
  return sk.names;
}

/**
 * True when the tenant's names version moved from `from` to `to` (as GET answers them) by this worker's own writes
 * alone (both in one run of its bumps; a flush may have bumped it again since the GET): it holds those names already.
 */
export function ownNameVersions(conf: PluginConf, versionKey: string, from: string, to: string): boolean {
  const own = stateFor(conf).ownVersions[versionKey];
  const a = tonumber(from);
  const b = tonumber(to);
  return own !== undefined && a !== undefined && b !== undefined && own.from <= a && a <= b && b <= own.to;
}

/** A names command's answer ({added, version}): the version this worker's bump moved it to. */
function namesWritten(st: StoreState, versionKey: string, reply: unknown): void {
  if (type(reply) !== "table") return;
  const [added, version] = reply as number[];
  if (typeof added !== "number" || typeof version !== "number" || added === 0) return;
  const own = st.ownVersions[versionKey];
  if (own !== undefined && own.to === version - 1) own.to = version;
  else st.ownVersions[versionKey] = { from: version - 1, to: version };
}

/** Queues names ([kind id, name] pairs) for the tenant's set in Redis. */
export function storeNames(conf: PluginConf, scope: string, names: string[][]): void {
  if (!hasRedis(conf) || names.length === 0) return;
  const st = stateFor(conf);
  const nk = nameKeys(conf, scope);
  const command: Command = [
    "evalsha",
    scriptSha(NAMES_SCRIPT),
    2,
    nk.hash,
    nk.version,
    conf.learned_names_max,
    conf.learned_names_ttl_seconds,
  ];
  for (const [kind, name] of names) {
    const field = keyName(st.keys, "", scope + "\x1f" + kind + "\x1f" + name);
    command.push(field);
    command.push(seal(st.keys, nk.hash + "\x1f" + field, kind + "\x1f" + name));
  }
  enqueue(conf, st, command, 1);
}

/** The version counter of each tenant's names, in one pipeline; undefined when Redis failed. */
export function nameVersions(conf: PluginConf, red: RestyRedis, versionKeys: string[]): string[] | undefined {
  red.init_pipeline(versionKeys.length);
  for (const k of versionKeys) send(red, ["get", k]);
  const [results, err] = red.commit_pipeline();
  if (results === undefined) {
    fail(conf, red, "read: " + err);
    return undefined;
  }
  const out: string[] = [];
  for (let k = 0; k < versionKeys.length; k++) {
    const v = results[k];
    out[k] = typeof v === "string" ? v : "0";
  }
  return out;
}

/** The tenant's names as [kind id, name] pairs; undefined when Redis failed (the connection is then closed). */
export function loadNames(conf: PluginConf, red: RestyRedis, scope: string): string[][] | undefined {
  const st = stateFor(conf);
  const nk = nameKeys(conf, scope);
  const [all, err] = send(red, ["hgetall", nk.hash]);
  if (all === undefined) {
    fail(conf, red, "read: " + err);
    return undefined;
  }
  const out: string[][] = [];
  const list = all as string[];
  for (let k = 0; k + 1 < list.length; k += 2) {
    const plain = unseal(st.keys, nk.hash + "\x1f" + list[k], list[k + 1]);
    if (plain === undefined) continue;
    const [sep] = string.find(plain, "\x1f", 1, true);
    if (sep === undefined) continue;
    out.push([string.sub(plain, 1, sep - 1), string.sub(plain, sep + 1)]);
  }
  return out;
}

// ---- Message Batches -------------------------------------------------------------------------------------------

/** Results of a batch stay available 29 days: its mappings are kept at least that long. */
const BATCH_TTL_MIN = 29 * 86400;

function batchKey(keys: SealKeys, scope: string, batchId: string): string {
  return keyName(keys, PREFIX + "b:", scope + "\x1f" + batchId);
}

function unpackEntries(s: string): StoredEntry[] | undefined {
  const out: StoredEntry[] = [];
  const fields: string[] = [];
  let at = 1;
  const n = s.length;
  while (at <= n) {
    const [colon] = string.find(s, ":", at, true);
    if (colon === undefined) return undefined;
    const len = tonumber(string.sub(s, at, colon - 1));
    if (len === undefined || colon + len > n) return undefined;
    fields.push(string.sub(s, colon + 1, colon + len));
    at = colon + len + 1;
    if (fields.length === 3) {
      out.push({ kind: fields[0], pseudonym: fields[1], original: fields[2] });
      fields.length = 0;
    }
  }
  return fields.length === 0 ? out : undefined;
}

/** Queues the record of a batch created through the gateway: its mappings, for restoring its results later. */
export function storeBatch(conf: PluginConf, scope: string, batchId: string, entries: StoredEntry[]): void {
  if (!hasRedis(conf)) return;
  const st = stateFor(conf);
  const k = batchKey(st.keys, scope, batchId);
  const ttl = conf.mapping_ttl_seconds > BATCH_TTL_MIN ? conf.mapping_ttl_seconds : BATCH_TTL_MIN;
  enqueue(conf, st, ["set", k, seal(st.keys, k, packEntries(entries)), "ex", ttl], 1);
}

/** What loadBatch found. */
export const BATCH_UNAVAILABLE = "unavailable";
export const BATCH_UNKNOWN = "unknown";
export const BATCH_NO_STORE = "no-store";

/** The batch's mappings (access phase), BATCH_UNKNOWN when none are stored, BATCH_UNAVAILABLE when Redis failed. */
export function loadBatch(conf: PluginConf, scope: string, batchId: string): StoredEntry[] | string {
  if (!hasRedis(conf)) return BATCH_NO_STORE;
  if (!mayTry(conf)) return BATCH_UNAVAILABLE;
  const red = connect(conf);
  if (red === undefined) return BATCH_UNAVAILABLE;
  const st = stateFor(conf);
  const k = batchKey(st.keys, scope, batchId);
  const [v, err] = send(red, ["get", k]);
  if (v === undefined) {
    fail(conf, red, "read: " + err);
    return BATCH_UNAVAILABLE;
  }
  release(conf, red);
  if (typeof v !== "string") return BATCH_UNKNOWN;
  const plain = unseal(st.keys, k, v);
  const entries = plain !== undefined ? unpackEntries(plain) : undefined;
  if (entries === undefined) {
    kong.log.err("a batch record in Redis does not open (secret changed?); its results cannot be restored");
    return BATCH_UNKNOWN;
  }
  return entries;
}
