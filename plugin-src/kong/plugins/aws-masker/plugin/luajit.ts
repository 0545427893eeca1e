// LuaJIT's trace cache, sized for the engine (README, "LuaJIT's trace cache"). When requests differ from one another
// the engine's rules make ~20,000-30,000 traces (the detection corpus's documents in turn: bench/mixed-traffic.ts);
// Kong's LuaJIT (OpenResty's branch) holds 8,000 traces and 40 MB of machine code, and flushes every trace when either
// is full, so on such traffic the worker compiles all the time. Only the cache's size is changed: a worker that never
// fills Kong's cache runs the same code. (hotexit=40, fewer side traces, was measured: no faster on mixed traffic, a
// little slower on the warm path, ~37 MB less per worker: performance-history.md, fiftieth pass.)

/** The parameters the plugin applies at worker start (jit.opt.start's syntax, blank-separated). */
export const ENGINE_JIT_PARAMS = "maxtrace=30000 maxmcode=131072";
/** The environment variable that overrides them ("keep": leave Kong's own). */
export const JIT_ENV = "AWS_MASKER_LUAJIT";
// (read when Kong loads the plugin, in its master process: a worker sees only the variables nginx's `env` names)
const SETTING = os.getenv(JIT_ENV);

/**
 * Applies the engine's LuaJIT parameters, or those AWS_MASKER_LUAJIT names; logs what it did (once per worker). A
 * parameter LuaJIT refuses is logged as an error (those before it in the list are applied).
 */
export function tuneJit(): void {
  if (SETTING === "keep") {
    kong.log.notice(JIT_ENV, "=keep: LuaJIT's parameters left as Kong set them");
    return;
  }
  const params = SETTING !== undefined && SETTING !== "" ? SETTING : ENGINE_JIT_PARAMS;
  const [ok, err] = pcall(() => jit.opt.start(...params.split(" ").filter((p) => p !== "")));
  if (ok) kong.log.notice("LuaJIT parameters for the masking engine: ", params, " (", JIT_ENV, "=keep: Kong's own)");
  else kong.log.err("LuaJIT refused the parameters '", params, "' (", JIT_ENV, "): ", err);
}
