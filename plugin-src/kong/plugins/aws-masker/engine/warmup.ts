// The engine's first traces, made at worker start on input chosen for them (see warmUp).
import { Masker, newSession, maskText, findIn, restoreLevel, pseudonymsIn } from "./session";
import { newStream, streamFeed, streamFinish, members, STREAM_ENTRY_CALLS } from "./stream";
import { Learned, learnedIn, SEARCH_MAX } from "./names";
import { kindById } from "./memory";
import { restoreJson, JSON_ENTRY_CALLS } from "./json";
import { answerPolicyFor } from "./policy";

/**
 * Rounds of each warmed loop: well above LuaJIT's hot count (56 rounds), with room for a counter another loop shares and
 * for attempts after an aborted one (LuaJIT then waits a growing, partly random number of rounds: with 240 rounds,
 * spec/lua/warmup_spec.lua found a loop or an entry without its trace in about one fresh process of five).
 */
const ROUNDS = 1000;

/** An event the stream passes through unchanged without looking into it (Claude's keep-alive). */
const PING = 'event: ping\ndata: {"type": "ping"}\n\n';

/**
 * Runs the engine's loops whose rounds mostly run other loops (or leave at once) on input whose rounds run none, so that
 * LuaJIT's first trace of each loop forms there; and the restore's loops that side traces run into, so that they are
 * compiled before the first answer.
 *
 * Why: LuaJIT compiles a loop from one of its rounds. It aborts the attempt when that round enters another loop
 * ("inner loop in root trace") or leaves the loop ("leaving loop in root trace"), and after about ten aborts it
 * blacklists the loop for the life of the process: every trace that reaches it stops there. Which round an attempt
 * lands on depends on a worker's first requests, so in the gateway some workers lost the scanner's word loop, the
 * stream's event loop or learnedIn's run loop, and others did not (docs/performance-history.md, "The gateway's JIT
 * check is a race"). A compiled loop is never blacklisted: run once at worker start, this decides the race the same
 * way in every worker. It masks only its own text, with the masker it is given (one of its own); nothing of it stays
 * but compiled code.
 */
export function warmUp(masker: Masker): void {
  const sess = newSession(masker, "warm-up");
  // a session with one pseudonym: the stream and the restore look for pseudonyms only then
  const pseudonym = maskText(sess, "i-0123456789abcdef0", "");

  // the scanner's word loop (scanWords): after a word that starts a look, separators are skipped one per round
  findIn(sess, "X1" + ",".repeat(ROUNDS), "");

  // learnedIn's run loop over many names: units no name holds are skipped one per round
  const kind = kindById("lambda-function");
  if (kind !== undefined) {
    const learned: Learned[] = [];
    for (let k = 0; k <= SEARCH_MAX; k++) learned.push({ name: "warm-up-name-" + k, kind, at: 0 });
    learnedIn(learned, " ".repeat(ROUNDS));
  }

  // the stream's event loop (processData): events passed through as they are
  const st = newStream(sess);
  streamFeed(st, PING.repeat(ROUNDS));
  streamFinish(st);

  // the loop over an event's JSON members (members): keys none of which is asked for, string values, no whitespace,
  // so that no round enters another loop
  const manyMembers = "{" + '"k":"v",'.repeat(ROUNDS) + '"k":"v"}';
  members(manyMembers, 0, manyMembers.length, [], []);

  // restoreLevel's loop: a "_" in every round, none a pseudonym's
  restoreLevel(sess, "_".repeat(ROUNDS), 1);

  // pseudonymsIn's loop (restoreJson's first): the same input. A JSON answer's path is a side trace (of bodyFilter's
  // entry trace, plugin/warmup.ts) that runs through restoreJson's start into this loop: compiled, the side trace
  // links to it; not yet compiled, the side trace unrolled it until it had too many snapshots, and LuaJIT gave that
  // path up
  pseudonymsIn(sess, "_".repeat(ROUNDS), [], [], []);

  // restoreContent's second loop (the pseudonyms of one string of a JSON answer): a side trace of the function's entry
  // trace (ENTRY_CALLS) runs into it; not yet compiled, the side trace unrolled it to LuaJIT's limit four times and
  // LuaJIT left that path to the interpreter
  const text = (pseudonym + " ").repeat(ROUNDS);
  restoreJson(sess, `{"content":[{"type":"text","text":"${text}"}]}`, answerPolicyFor("/v1/messages"));
}

/** A call of fn with args on which fn returns before its loops (see ENTRY_CALLS). */
export interface EntryCall {
  fn: (this: void, ...args: any[]) => unknown;
  args: unknown[];
}

/**
 * The engine's functions that hold a loop and run once per string, event or request, each with arguments on which it
 * returns before its loops. The plugin's init_worker calls each over LuaJIT's hot count of a function's entry from code
 * LuaJIT does not compile (plugin/warmup.ts), so that LuaJIT records a trace at each one's entry on that return.
 *
 * Why: LuaJIT never lets a trace that starts at a function's entry run into a loop. A function like these, called
 * from the interpreter often enough (before the loops around it are compiled, or from an exit not yet followed by a
 * side trace), is tried at its entry, aborts, and is blacklisted for the life of the process; a side trace that forms
 * later and reaches it stops there. That happened in some gateway workers and not others (docs/performance-history.md,
 * "Entry traces for the engine's per-string functions"). A function with a trace at its entry is never blacklisted:
 * a call that does not return early leaves that trace at its first test, the side trace that forms there runs on into
 * the function's loops, and a trace that reaches the function from outside records through it (LuaJIT continues
 * across a function whose entry trace ends at its return).
 */
export const ENTRY_CALLS: EntryCall[] = [...JSON_ENTRY_CALLS, ...STREAM_ENTRY_CALLS];
