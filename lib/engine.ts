// The masking engine for Node (CLI, tests, harness): the same TypeScript the gateway runs compiled to Lua, with
// node:crypto's HMAC-SHA1 as the keyed hash.
import { createHmac } from "node:crypto";
import * as engine from "../plugin-src/kong/plugins/aws-masker/engine/index";

export * from "../plugin-src/kong/plugins/aws-masker/engine/index";

/** Raw HMAC-SHA1 as a string of byte-valued units, like ngx.hmac_sha1. */
export function nodeHmac(key: string, message: string): string {
  return createHmac("sha1", Buffer.from(key, "utf8")).update(Buffer.from(message, "utf8")).digest("latin1");
}

export function createNodeMasker(cfg: engine.MaskerConfig): engine.Masker {
  return engine.createMasker(cfg, nodeHmac);
}
