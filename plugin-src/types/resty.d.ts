// lua-resty-redis as Kong ships it (require "resty.redis"; the host maps it to Debian's nginx.redis).
// Connection methods are called with ":".
interface RestyRedis {
  /** lua-resty-redis 0.28+ only (Kong); Debian's 0.27 has set_timeout alone */
  set_timeouts(connect_ms: number, send_ms: number, read_ms: number): void;
  set_timeout(ms: number): void;
  connect(
    host: string,
    port: number,
    opts?: { pool?: string; pool_size?: number; backlog?: number },
  ): LuaMultiReturn<[number | undefined, string | undefined]>;
  get_reused_times(): LuaMultiReturn<[number | undefined, string | undefined]>;
  auth(password: string): LuaMultiReturn<[unknown, string | undefined]>;
  select(db: number): LuaMultiReturn<[unknown, string | undefined]>;
  init_pipeline(n?: number): void;
  commit_pipeline(): LuaMultiReturn<[unknown[] | undefined, string | undefined]>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): LuaMultiReturn<[unknown, string | undefined]>;
  set(key: string, value: string, ...args: (string | number)[]): LuaMultiReturn<[unknown, string | undefined]>;
  set_keepalive(max_idle_ms: number, pool_size: number): LuaMultiReturn<[number | undefined, string | undefined]>;
  close(): void;
}

interface RestyRedisModule {
  new: (this: void) => LuaMultiReturn<[RestyRedis | undefined, string | undefined]>;
}

// ngx.semaphore (lua-resty-core, which Kong and OpenResty ship): light threads of one worker wait for one another.
// Methods are called with ":".
interface NgxSemaphore {
  wait(timeoutSeconds: number): LuaMultiReturn<[boolean | undefined, string | undefined]>;
  post(n?: number): void;
  /** resources left; negative: how many threads wait */
  count(): number;
}

interface NgxSemaphoreModule {
  new: (this: void, n?: number) => LuaMultiReturn<[NgxSemaphore | undefined, string | undefined]>;
}
