// The masking engine's public surface. Pure and portable: the keyed hash comes from the runtime (ngx.hmac_sha1 in the
// gateway, node:crypto in Node). Build a Masker once per configuration, a Session per request.

import { compileScanConfig, CustomPattern, RegexFind } from "./scanner";
import { Hmac } from "./pseudonym";
import { Masker } from "./session";

export type { Kind } from "./catalogue";
export type { Match, CustomPattern, RegexFind } from "./scanner";
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
  /**
   * Kind ids not to mask (catalogue.ts, docs/identifiers.md). Public IPv4 masking is on by default; turn it off with
   * "public-ipv4" here. A custom pattern is disabled by its name or "custom-<name>".
   */
  disabledKinds?: string[];
  /** Exact values never masked. */
  allowlist?: string[];
  /**
   * Extra patterns (PCRE / JavaScript RegExp common subset), found by the runtime's regex engine (createMasker's
   * regexFind). Matches get the tag CUSTOM_<NAME upper>, or the tag of the existing kind id in `kind`.
   */
  customPatterns?: CustomPattern[];
}

/**
 * regexFind is the runtime's regular-expression engine (RegExp in Node, ngx.re.find in the gateway); without it,
 * customPatterns are ignored.
 */
export function createMasker(this: void, cfg: MaskerConfig, hmac: Hmac, regexFind?: RegexFind): Masker {
  return {
    secret: cfg.secret,
    hmac,
    scan: compileScanConfig(
      cfg.disabledKinds !== undefined ? cfg.disabledKinds : [],
      cfg.allowlist !== undefined ? cfg.allowlist : [],
      cfg.customPatterns,
      regexFind,
    ),
    hashes: {},
    hashCount: 0,
    scans: {},
    scanBytes: 0,
  };
}
