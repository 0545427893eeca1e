// The masking engine for Node (CLI, tests, harness): the same TypeScript the gateway runs compiled to Lua, with
// node:crypto's HMAC-SHA1 as the keyed hash and RegExp as the custom-pattern finder.
import { createHmac } from "node:crypto";
import * as engine from "../plugin-src/kong/plugins/aws-masker/engine/index";

export * from "../plugin-src/kong/plugins/aws-masker/engine/index";

/** Raw HMAC-SHA1 as a string of byte-valued units, like ngx.hmac_sha1. */
export function nodeHmac(key: string, message: string): string {
  return createHmac("sha1", Buffer.from(key, "utf8")).update(Buffer.from(message, "utf8")).digest("latin1");
}

const compiled = new Map<string, RegExp>();

/** Custom-pattern finder: [start, end) of the first match of pattern in subject at or after from (UTF-16 units). */
export function nodeRegexFind(pattern: string, subject: string, from: number): [number, number] | undefined {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = new RegExp(pattern, "g");
    compiled.set(pattern, re);
  }
  re.lastIndex = from;
  const m = re.exec(subject);
  if (m === null) return undefined;
  return [m.index, m.index + m[0].length];
}

export function createNodeMasker(cfg: engine.MaskerConfig): engine.Masker {
  return engine.createMasker(cfg, nodeHmac, nodeRegexFind);
}
