// The shared mapping store: pseudonym -> original in Redis, keyed by tenant scope, with a TTL.
// Writes leave the request path: they run in a zero-delay timer, one pipelined script per request, on pooled
// connections with bounded timeouts. While Redis is unreachable the gateway keeps masking (pseudonyms are
// deterministic) and restoring (from the request's own mappings); it retries at most once a second and recovers by
// itself. Originals are never logged.
import { Entry } from "../engine/session";
import { PluginConf, text } from "./conf";
import { count } from "./stats";

const redisLib = require("resty.redis") as RestyRedisModule;

// Sets each key unless it holds another value (a cross-request collision, counted, never overwritten).
const SET_SCRIPT = `
local ttl = ARGV[1]
local clash = 0
for i, key in ipairs(KEYS) do
  local cur = redis.call('GET', key)
  if cur and cur ~= ARGV[i + 1] then
    clash = clash + 1
  else
    redis.call('SET', key, ARGV[i + 1], 'EX', ttl)
  end
end
return clash
`;

const RETRY_SECONDS = 1;
const RECENT_MAX = 20000;

interface WorkerState {
  down: boolean;
  nextTry: number;
  recent: Record<string, number>; // key -> time after which it is written again (TTL refresh)
  recentCount: number;
}

const state: WorkerState = { down: false, nextTry: 0, recent: {}, recentCount: 0 };

export function keyFor(this: void, scope: string, pseudonym: string): string {
  return "aws-masker:v1:" + scope + ":" + pseudonym;
}

/** True while this worker knows Redis to be unreachable. */
export function storeDegraded(this: void, conf: PluginConf): boolean {
  return state.down && text(conf.redis_host) !== "";
}

function flush(this: void, premature: boolean, conf: PluginConf, keys: string[], values: string[]): void {
  if (premature) return;
  const now = ngx.now();
  const [red] = redisLib.new();
  if (red === undefined) return;
  red.set_timeouts(conf.redis_timeout_ms, conf.redis_timeout_ms, conf.redis_timeout_ms);
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
  if (failure === undefined) {
    const [clash, eerr] = red.eval(SET_SCRIPT, keys.length, ...keys, conf.mapping_ttl_seconds, ...values);
    if (clash === undefined) {
      failure = "write: " + eerr;
    } else {
      red.set_keepalive(60000, conf.redis_pool_size);
      if (typeof clash === "number" && clash > 0) {
        count("mapping_collisions", clash);
        kong.log.warn("pseudonym collision across requests in Redis (", clash, " keys kept their first value)");
      }
      count("redis_writes", keys.length);
      const until = now + conf.mapping_ttl_seconds / 10;
      if (state.recentCount > RECENT_MAX) {
        state.recent = {};
        state.recentCount = 0;
      }
      for (const k of keys) {
        if (state.recent[k] === undefined) state.recentCount++;
        state.recent[k] = until;
      }
      if (state.down) kong.log.notice("Redis reachable again; mappings are stored again");
      state.down = false;
      return;
    }
  }
  red.close();
  count("redis_failures");
  if (!state.down) kong.log.err("Redis unavailable, continuing with per-request mappings only: ", failure);
  state.down = true;
  state.nextTry = now + RETRY_SECONDS;
}

/** Schedules the request's new mappings for Redis (no-op without Redis). */
export function storeEntries(this: void, conf: PluginConf, scope: string, entries: Entry[]): void {
  if (text(conf.redis_host) === "" || entries.length === 0) return;
  const now = ngx.now();
  if (state.down && now < state.nextTry) {
    count("redis_skipped_writes");
    return;
  }
  const keys: string[] = [];
  const values: string[] = [];
  for (const e of entries) {
    const k = keyFor(scope, e.pseudonym);
    const fresh = state.recent[k];
    if (fresh === undefined || fresh < now) {
      keys.push(k);
      values.push(e.original);
    }
  }
  if (keys.length === 0) return;
  if (state.down) state.nextTry = now + RETRY_SECONDS; // one probe at a time while down
  const [ok, err] = ngx.timer.at(0, flush, conf, keys, values);
  if (ok === undefined) kong.log.err("could not schedule the Redis write: ", err);
}
