// The masking engine's public surface. Pure and portable: the keyed hash comes from the runtime (ngx.hmac_sha1 in the
// gateway, node:crypto in Node). Build a Masker once per configuration, a Session per request.

import { compileScanConfig } from "./scanner";
import { Hmac } from "./pseudonym";
import { Masker } from "./session";

export type { Kind } from "./catalogue";
export type { Match } from "./scanner";
export type { Hmac } from "./pseudonym";
export type { Masker, Session, Entry } from "./session";
export type { JsonResult, PolicyNode } from "./json";
export { KINDS } from "./catalogue";
export { HASH_LEN } from "./pseudonym";
export { newSession, maskText, restoreText, findIn, adoptEntry, jsonEscape, entryEndingAt } from "./session";
export { maskJson, restoreJson } from "./json";
export { policyFor, answerPolicyFor, MESSAGES } from "./policy";

export interface MaskerConfig {
  secret: string;
  /** Kind ids not to mask. */
  disabledKinds?: string[];
  /** Exact values never masked. */
  allowlist?: string[];
}

export function createMasker(this: void, cfg: MaskerConfig, hmac: Hmac): Masker {
  return {
    secret: cfg.secret,
    hmac,
    scan: compileScanConfig(cfg.disabledKinds !== undefined ? cfg.disabledKinds : [], cfg.allowlist !== undefined ? cfg.allowlist : []),
  };
}
