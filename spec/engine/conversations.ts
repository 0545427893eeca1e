// Conversations as clients send them, turn by turn, from the held-out probes' and the corpus's files: what the resent
// history specs (history.test.ts, cross-runtime.test.ts) mask turn after turn.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { rng } from "./corpus";

/** Text material: the probes' and the corpus's files (not their lists of planted values). */
function materialFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir).sort()) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (!f.endsWith(".tsv") && !f.endsWith(".json") && !f.endsWith(".md")) files.push(p);
    }
  };
  walk("spec/fixtures/probes");
  walk("spec/fixtures/corpus/positive");
  return files;
}

export interface Turn {
  scope: string;
  body: string;
}

/**
 * Conversations as clients send them, turn by turn: each body the previous one's messages plus an assistant answer and
 * a new user turn; half of them move a cache_control mark to the last block (as Claude Code does, so the previous last
 * item's bytes change), half end with a metadata member after messages. Two tenants, interleaved.
 */
export function conversations(seed: number, count: number): Turn[] {
  const files = materialFiles();
  const r = rng(seed);
  const pick = () => readFileSync(files[Math.floor(r() * files.length)], "utf8").slice(0, 3000);
  const turns: Turn[] = [];
  for (let c = 0; c < count; c++) {
    const scope = r() < 0.5 ? "tenant-a" : "tenant-b";
    const claudeCode = r() < 0.5;
    const metadata = r() < 0.5;
    const system = pick();
    const messages: { role: string; content: { type: string; text: string; cache_control?: unknown }[] }[] = [];
    const n = 2 + Math.floor(r() * 4);
    for (let t = 0; t < n; t++) {
      const text = pick();
      if (messages.length > 0) {
        messages.push({ role: "assistant", content: [{ type: "text", text: "Seen: " + text.slice(0, 120) }] });
      }
      messages.push({ role: "user", content: [{ type: "text", text }] });
      if (claudeCode) {
        for (const m of messages) for (const b of m.content) delete b.cache_control;
        messages[messages.length - 1].content[0].cache_control = { type: "ephemeral" };
      }
      const doc = {
        model: "claude-sonnet-5",
        max_tokens: 1024,
        system,
        messages,
        ...(metadata ? { metadata: { user_id: `u-${c}` } } : {}),
      };
      turns.push({ scope, body: JSON.stringify(doc) });
      // an identical resend (a retry) now and then
      if (r() < 0.2) turns.push({ scope, body: JSON.stringify(doc) });
    }
  }
  return turns;
}
