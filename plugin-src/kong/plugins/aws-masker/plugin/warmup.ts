// The worker's first traces, made in init_worker before any request (engine/warmup.ts says why each is needed).
import { createMasker, warmUp, ENTRY_CALLS, EntryCall } from "../engine/index";
import { hmacSha1 } from "./sealed";
import { bodyFilter } from "./response";

/** Key of the warm-up's own masker: it masks only the warm-up's text, which never leaves the worker (not a secret). */
const WARM_UP_KEY = "aws-masker warm-up: its own text only";

/** Calls of each entry call: well over LuaJIT's hot count of a function's entry (112 calls); see engine/warmup.ts ROUNDS. */
const ENTRY_ROUNDS = 1000;

/**
 * The functions given a trace at their entry, each with arguments on which it returns first: the engine's
 * (engine/warmup.ts ENTRY_CALLS), and bodyFilter without an answer. bodyFilter's trace makes each answer's path a side
 * trace of it that runs compiled through the buffering and restoreJson's start into the restore's first loop (compiled
 * by warmUp); without it, bodyFilter's entry and then restoreJson's were blacklisted, and a side trace of the buffering
 * that formed later stopped at restoreJson (docs/performance-history.md, "The answer's side trace and restoreJson").
 */
export const WORKER_ENTRY_CALLS: EntryCall[] = [...ENTRY_CALLS, { fn: bodyFilter, args: [{}] }];

/**
 * Makes the calls, ENTRY_ROUNDS times each. Never compiled itself: a trace of its loop would take the calls in, and the
 * functions' entries would count no call (and get no trace of their own).
 */
function callEach(calls: EntryCall[]): void {
  for (let round = 0; round < ENTRY_ROUNDS; round++) {
    for (const call of calls) call.fn(...call.args);
  }
}
jit.off(callEach);

/** Compiles the engine's hot loops and gives the functions of WORKER_ENTRY_CALLS their entry traces. */
export function warmUpWorker(): void {
  warmUp(createMasker({ secret: WARM_UP_KEY }, hmacSha1));
  callEach(WORKER_ENTRY_CALLS);
}
