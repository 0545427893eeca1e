// Detection scorer: runs the labelled corpus (spec/fixtures/corpus) through the engine in Node and in LuaJIT and
// prints recall per format family and per category, leaks, and false positives on the negative set.
//   npx tsx scripts/score-detection.ts [--no-lua] [--verbose] [--family NAME] [--dump DIR]
// --dump DIR writes each document's masked output and entries (Node) under DIR: diff two dumps to see what a change
// to the engine changed.
// Documents: spec/fixtures/corpus/{positive,negative}/[<family>/]<doc>; files directly under positive/ or negative/
// form the family "regression" (the hand-written set the detector was built with). A document's format is its file
// name up to the first dot. Labels: <doc>.labels.json = [[value, kind], ...] where kind is a catalogue kind id
// (docs/identifiers.md) or a category: secret | account-id | ip | name | id. An unknown kind id counts as `id` (warned).
// .claude.json documents go through maskJson with the /v1/messages policy, other .json through maskJson, the rest
// through maskText.
// A label is found when a session entry of the label's category (for a kind label: the category of that kind; `id`:
// any kind) covers the value (its original contains the value). It leaks when the value — raw, URL-encoded or
// JSON-escaped — is still in the masked output. On the negative set every output token carrying a pseudonym is a
// false positive; the share is taken over the set's whitespace-separated tokens.
// FAILED (exit 1): any leak, name recall < 95 %, negative false positives >= 0.5 % of tokens, a Node/Lua difference,
// or a failed build (the Lua side is always scored on a fresh `npm run build`).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, basename } from "node:path";
import { createNodeMasker, newSession, maskText, maskJson, policyFor, KINDS } from "../lib/engine";

const ROOT = join(import.meta.dirname, "..");
const CORPUS = join(ROOT, "spec/fixtures/corpus");
const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const withLua = !args.includes("--no-lua");
const familyArg = args.includes("--family") ? args[args.indexOf("--family") + 1] : undefined;
const dumpDir = args.includes("--dump") ? args[args.indexOf("--dump") + 1] : undefined;

const NAME_RECALL_TARGET = 95;
const NEGATIVE_FP_LIMIT = 0.5; // percent of tokens

type Category = "secret" | "account-id" | "ip" | "name" | "id";
const CATEGORIES: Category[] = ["secret", "account-id", "ip", "name", "id"];

// Catalogue kind -> category. Explicit ids first, then the kind's matcher family, then words in a new kind's id.
const KIND_CATEGORY: Record<string, Category> = {
  "secret-access-key": "secret",
  "session-token": "secret",
  "access-key-id": "secret",
  "temporary-access-key-id": "secret",
  "account-id": "account-id",
  "private-ipv4": "ip",
  "public-ipv4": "ip",
  ipv6: "ip",
  "ec2-private-dns": "ip",
  "ec2-public-dns": "ip",
  "s3-bucket": "name",
  "sqs-queue": "name",
  "ecr-repository": "name",
  "kms-alias": "name",
  "arn-resource": "name",
  "role-session-name": "name",
  // (an account's root address, a person's: named, as a name key's value is)
  "email-address": "name",
  // (a person's login in a home directory's path, a person's name)
  "os-login": "name",
  "person-name": "name",
};
const FAMILY_CATEGORY: Record<string, Category> = {
  "secret-key": "secret",
  "session-token": "secret",
  secret: "secret",
  credential: "secret",
  "arn-account": "account-id",
  "ipv4-private": "ip",
  "ipv4-public": "ip",
  ipv6: "ip",
  "dashed-ip-host": "ip",
  name: "name",
  "s3-bucket": "name",
};
const kindFamily = new Map(KINDS.map((k) => [k.id, (k as { family?: string }).family ?? ""]));

function categoryOfKind(kind: string): Category {
  const explicit = KIND_CATEGORY[kind];
  if (explicit) return explicit;
  const fam = kindFamily.get(kind) ?? "";
  if (FAMILY_CATEGORY[fam]) return FAMILY_CATEGORY[fam];
  if (/password|secret|credential-value|private-key|auth-token/.test(kind)) return "secret";
  if (/(^|-)name$|-name-/.test(kind) || fam.includes("name")) return "name";
  return "id";
}

interface Label {
  value: string;
  kind: string;
  category: Category;
  exactKind?: string;
}
interface Doc {
  path: string;
  name: string;
  family: string;
  format: string;
  negative: boolean;
  mode: "text" | "json" | "claude";
  labels: Label[];
}

const unknownKinds = new Map<string, number>();
const isCategory = (k: string): k is Category => (CATEGORIES as string[]).includes(k);
// the engine reads bytes (latin1 strings); labels are Unicode: compare in the same representation
const bytes = (s: string) => Buffer.from(s, "utf8").toString("latin1");

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (!f.endsWith(".labels.json") && !f.endsWith(".md5") && f !== "README.md") out.push(p);
  }
  return out;
}

function docsIn(top: "positive" | "negative"): Doc[] {
  const base = join(CORPUS, top);
  return walk(base).map((path) => {
    const rel = path.slice(base.length + 1);
    const parts = rel.split("/");
    const family = parts.length > 1 ? parts[0] : "regression";
    const file = basename(path);
    const lp = path + ".labels.json";
    const raw: [string, string][] = existsSync(lp) ? JSON.parse(readFileSync(lp, "utf8")) : [];
    const labels: Label[] = raw.map(([value, kind]) => {
      if (isCategory(kind)) return { value: bytes(value), kind, category: kind };
      if (kindFamily.has(kind) || kind.startsWith("custom-")) {
        return {
          value: bytes(value),
          kind,
          category: kind.startsWith("custom-") ? "id" : categoryOfKind(kind),
          exactKind: kind,
        };
      }
      unknownKinds.set(kind, (unknownKinds.get(kind) ?? 0) + 1);
      return { value: bytes(value), kind, category: "id" };
    });
    return {
      path,
      name: `${top}/${rel}`,
      family,
      format: file.split(".")[0],
      negative: top === "negative",
      mode: file.endsWith(".claude.json") ? "claude" : file.endsWith(".json") ? "json" : "text",
      labels,
    };
  });
}

let docs = [...docsIn("positive"), ...docsIn("negative")];
if (familyArg) docs = docs.filter((d) => d.family === familyArg);
if (docs.length === 0) {
  console.log(`no documents${familyArg ? ` in family ${familyArg}` : ""}\nFAILED`);
  process.exit(1);
}

// Lua needs lua-rex-pcre2 for custom patterns; without it both sides run without them
const luaRegex = withLua && spawnSync("luajit", ["-e", 'require "rex_pcre2"']).status === 0;
const custom = !withLua || luaRegex;
const masker = createNodeMasker({
  secret: "corpus-demo-secret",
  customPatterns: custom ? [{ name: "ticket", pattern: "TICKET-[0-9]{4,}" }] : undefined,
});
const policy = policyFor("/v1/other");
const claudePolicy = policyFor("/v1/messages");

interface Result {
  input: string;
  out: string;
  entries: string;
}
const nodeResults: Result[] = [];
for (const d of docs) {
  const text = readFileSync(d.path, "latin1");
  const sess = newSession(masker, "corpus");
  let out: string;
  if (d.mode !== "text") {
    const r = maskJson(sess, text, d.mode === "claude" ? claudePolicy : policy);
    out = r.text !== undefined ? r.text : `JSON ERROR ${r.error}`;
  } else {
    out = maskText(sess, text, "");
  }
  nodeResults.push({
    input: text,
    out,
    // records and fields apart by control units no original holds (a key block spans lines)
    entries: sess.entries.map((e) => `${e.kind}\x1f${e.original}\x1f${e.pseudonym}`).join("\x1e"),
  });
}
if (dumpDir !== undefined) {
  mkdirSync(dumpDir, { recursive: true });
  docs.forEach((d, k) => {
    const name = d.path.slice(CORPUS.length + 1).replace(/\//g, "__");
    writeFileSync(join(dumpDir, name + ".out"), nodeResults[k].out, "latin1");
    writeFileSync(join(dumpDir, name + ".entries"), nodeResults[k].entries, "latin1");
  });
}

// ---- scoring
// the forms a value can take in a masked output: raw, URL-encoded, JSON-escaped up to three levels (a JSON document
// inside a string inside a string), each also with "\/"-escaped slashes
function encodedForms(v: string): string[] {
  const forms = new Set<string>([v]);
  try {
    forms.add(encodeURIComponent(Buffer.from(v, "latin1").toString("utf8")));
  } catch {
    // not valid UTF-8 once decoded: the raw form is checked
  }
  let level = v;
  for (let k = 0; k < 3; k++) {
    level = JSON.stringify(level).slice(1, -1);
    forms.add(level);
    forms.add(level.replace(/\//g, "\\/"));
  }
  return [...forms].filter((f) => f.length > 0);
}

interface Tally {
  labels: number;
  found: number;
  masked: number;
  leaks: number;
}
const tally = (): Tally => ({ labels: 0, found: 0, masked: 0, leaks: 0 });
const byFamily = new Map<string, Tally & { docs: number; formats: Set<string>; bytes: number }>();
const byCategory = new Map<Category, Tally>(CATEGORIES.map((c) => [c, tally()]));
const byKind = new Map<string, Tally & { exact: number }>();
const missed: string[] = [];
const leaks: string[] = [];
const posUnlabelled: string[] = [];
const negFps: string[] = [];
let negTokens = 0;
let negFpTokens = 0;
let negBytes = 0;

docs.forEach((d, i) => {
  const r = nodeResults[i];
  const entries = r.entries === "" ? [] : r.entries.split("\x1e").map((l) => l.split("\x1f"));
  if (d.negative) {
    negBytes += Buffer.byteLength(r.input, "latin1");
    negTokens += r.input.split(/\s+/).filter(Boolean).length;
    const pseudonyms = entries.map(([, , p]) => p).filter(Boolean);
    if (pseudonyms.length) {
      for (const tok of r.out.split(/\s+/)) if (pseudonyms.some((p) => tok.includes(p))) negFpTokens++;
    }
    for (const [ek, eo] of entries) negFps.push(`${d.name}: ${ek} ${JSON.stringify(eo)}`);
    return;
  }
  let fam = byFamily.get(d.family);
  if (!fam) byFamily.set(d.family, (fam = { ...tally(), docs: 0, formats: new Set(), bytes: 0 }));
  fam.docs++;
  fam.formats.add(d.format);
  fam.bytes += Buffer.byteLength(r.input, "latin1");
  for (const l of d.labels) {
    const covering = entries.filter(([, eo]) => eo.includes(l.value));
    const ok = covering.some(([ek]) => l.category === "id" || categoryOfKind(ek) === l.category);
    const leaked = encodedForms(l.value).some((f) => r.out.includes(f));
    const cat = byCategory.get(l.category)!;
    fam.labels++;
    cat.labels++;
    if (ok) {
      fam.found++;
      cat.found++;
    }
    if (!leaked && covering.length) {
      fam.masked++;
      cat.masked++;
    }
    if (leaked) {
      fam.leaks++;
      cat.leaks++;
      leaks.push(`${d.name}: ${l.kind} ${JSON.stringify(l.value)}`);
    }
    let k = byKind.get(l.kind);
    if (!k) byKind.set(l.kind, (k = { ...tally(), exact: 0 }));
    k.labels++;
    if (ok) k.found++;
    if (leaked) k.leaks++;
    if (l.exactKind && entries.some(([ek, eo]) => ek === l.exactKind && eo.includes(l.value))) k.exact++;
    if (!ok) {
      const other = covering.map(([ek]) => ek);
      missed.push(
        `${d.name}: ${l.kind} ${JSON.stringify(l.value)}${other.length ? " masked as " + [...new Set(other)].join(",") : leaked ? " LEAKED" : " not found"}`,
      );
    }
  }
  const values = d.labels.map((l) => l.value);
  for (const [ek, eo] of entries) {
    if (!values.some((v) => eo.includes(v) || v.includes(eo)))
      posUnlabelled.push(`${d.name}: ${ek} ${JSON.stringify(eo)}`);
  }
});

// ---- Lua (always on a fresh build: a stale build would score old code)
const divergences: string[] = [];
let luaNote = "skipped (--no-lua)";
if (withLua) {
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) {
    console.log(`npm run build failed (exit ${build.status}):\n${build.stdout}${build.stderr}\nFAILED`);
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), "score-detection-"));
  const manifest = join(dir, "manifest.tsv");
  writeFileSync(manifest, docs.map((d, i) => `${d.mode}\t${d.path}\t${i}`).join("\n") + "\n");
  const lua = spawnSync("luajit", ["spec/lua/support/score.lua", manifest, dir, custom ? "" : "nocustom"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (lua.status !== 0) {
    divergences.push(`luajit failed: ${lua.stderr}`);
  } else {
    docs.forEach((d, i) => {
      const lo = readFileSync(join(dir, `${i}.out`)).toString("latin1");
      const le = readFileSync(join(dir, `${i}.entries`)).toString("latin1");
      if (lo !== nodeResults[i].out) divergences.push(`${d.name}: masked output differs`);
      if (le !== nodeResults[i].entries) divergences.push(`${d.name}: entries differ`);
    });
  }
  luaNote =
    `${docs.length - divergences.length}/${docs.length} documents byte-identical` +
    (custom ? "" : " (custom patterns off: lua-rex-pcre2 missing)");
}

// ---- report
const pct = (a: number, b: number) => (b > 0 ? ((100 * a) / b).toFixed(1) + "%" : "-");
const pos = docs.filter((d) => !d.negative);
const neg = docs.filter((d) => d.negative);
const formats = new Set(pos.map((d) => `${d.family}/${d.format}`));
const posBytes = [...byFamily.values()].reduce((a, f) => a + f.bytes, 0);
const labelled = pos.reduce((a, d) => a + d.labels.length, 0);
console.log(
  `corpus: ${pos.length} positive documents in ${byFamily.size} families, ${formats.size} formats, ${posBytes} bytes, ${labelled} labels; ` +
    `${neg.length} negative documents, ${negBytes} bytes, ${negTokens} tokens`,
);
console.log(`kinds in catalogue: ${KINDS.length}`);
if (unknownKinds.size) {
  console.log(
    `warning: label kinds not in the catalogue, scored as id: ${[...unknownKinds.entries()]
      .sort()
      .map(([k, n]) => `${k} (${n})`)
      .join(", ")}`,
  );
}
console.log("");
const row = (name: string, docsN: string, t: Tally) =>
  `${name.padEnd(22)} ${docsN.padStart(5)} ${String(t.labels).padStart(6)} ${String(t.found).padStart(6)} ${pct(t.found, t.labels).padStart(7)} ${String(t.masked).padStart(6)} ${String(t.leaks).padStart(6)}`;
const header = (first: string, docsCol: string) =>
  `${first.padEnd(22)} ${docsCol.padStart(5)} ${"labels".padStart(6)} ${"found".padStart(6)} ${"recall".padStart(7)} ${"masked".padStart(6)} ${"leaks".padStart(6)}`;
console.log(
  "found: masked under a kind of the label's category; masked: not in the output any more, whatever the kind",
);
console.log(header("family", "docs"));
for (const [name, f] of [...byFamily.entries()].sort())
  console.log(
    row(name, String(f.docs), f) +
      `  ${f.formats.size} formats` +
      (verbose ? `: ${[...f.formats].sort().join(" ")}` : ""),
  );
const all = [...byFamily.values()].reduce(
  (a, f) => ({
    labels: a.labels + f.labels,
    found: a.found + f.found,
    masked: a.masked + f.masked,
    leaks: a.leaks + f.leaks,
  }),
  tally(),
);
console.log(row("TOTAL", String(pos.length), all));
console.log("");
console.log(header("category", ""));
for (const c of CATEGORIES) console.log(row(c, "", byCategory.get(c)!));
if (verbose) {
  console.log("");
  console.log(`${"label kind".padEnd(34)} labels  found  exact  leaks`);
  for (const [k, t] of [...byKind.entries()].sort()) {
    console.log(
      `${k.padEnd(34)} ${String(t.labels).padStart(6)} ${String(t.found).padStart(6)} ${String(t.exact).padStart(6)} ${String(t.leaks).padStart(6)}`,
    );
  }
}
console.log("");
const nameT = byCategory.get("name")!;
const nameRecall = nameT.labels ? (100 * nameT.found) / nameT.labels : 100;
const negShare = negTokens ? (100 * negFpTokens) / negTokens : 0;
const listed = (title: string, items: string[], limit: number) => {
  if (!items.length) return;
  const shown = verbose ? items : items.slice(0, limit);
  console.log(
    `${title} (${items.length}):\n  ${shown.join("\n  ")}` +
      (shown.length < items.length ? `\n  ... ${items.length - shown.length} more (--verbose lists them)` : ""),
  );
};
listed("missed or masked under another category", missed, 40);
if (verbose) listed("unlabelled entries in positive documents", posUnlabelled, 0);
else if (posUnlabelled.length)
  console.log(`unlabelled entries in positive documents: ${posUnlabelled.length} (--verbose lists them)`);
console.log(`leaks: ${leaks.length}`);
listed("leaked labels", leaks, 60);
console.log(`recall of names (category name): ${nameRecall.toFixed(1)}% (target >= ${NAME_RECALL_TARGET}%)`);
console.log(
  `false positives on the negative set: ${negFpTokens} of ${negTokens} tokens = ${negShare.toFixed(3)}% (limit < ${NEGATIVE_FP_LIMIT}%), ${negFps.length} entries`,
);
listed("negative-set entries", negFps, 30);
console.log(`node/lua: ${luaNote}` + (divergences.length ? "\n  " + divergences.join("\n  ") : ""));
const failures: string[] = [];
if (leaks.length) failures.push(`${leaks.length} leaks`);
if (nameRecall < NAME_RECALL_TARGET) failures.push(`name recall ${nameRecall.toFixed(1)}% < ${NAME_RECALL_TARGET}%`);
if (negShare >= NEGATIVE_FP_LIMIT)
  failures.push(`negative false positives ${negShare.toFixed(3)}% >= ${NEGATIVE_FP_LIMIT}%`);
if (divergences.length) failures.push(`${divergences.length} Node/Lua differences`);
console.log(failures.length ? `FAILED: ${failures.join("; ")}` : "PASSED");
process.exit(failures.length ? 1 : 0);
