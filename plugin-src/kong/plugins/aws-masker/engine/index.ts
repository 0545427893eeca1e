// The masking engine's public surface. Pure and portable: the keyed hash comes from the runtime (ngx.hmac_sha1 in the
// gateway, node:crypto in Node). Build a Masker once per configuration, a Session per request.

import { compileScanConfig, CustomPattern, RegexFind } from "./scanner";
import { Hmac, hashPart } from "./pseudonym";
import { byteAt, sub } from "./chars";
import { Masker } from "./session";

export type { Kind } from "./catalogue";
export type { Match, CustomPattern, RegexFind } from "./scanner";
export type { Hmac } from "./pseudonym";
export type { Masker, Session, Entry, LentEntries } from "./session";
export type { JsonResult, PolicyNode } from "./json";
export { KINDS } from "./catalogue";
export { HASH_LEN } from "./pseudonym";
export { newSession, maskText, restoreText, findIn, adoptEntry, jsonEscape, entryEndingAt } from "./session";
export { maskJson, restoreJson, HISTORY_STATS } from "./json";
export { newMemo, memoSet, type Memo } from "./memo";
export { policyFor, answerPolicyFor, MESSAGES } from "./policy";
// the rest of the surface used by the plugin modules, the CLI, benches and specs: nothing imports engine files directly
export type { StreamState } from "./stream";
export {
  newStream,
  streamFeed,
  streamFeedParts,
  streamFinish,
  streamHeld,
  streamHeldText,
  MAX_EVENT_BYTES,
} from "./stream";
export { DUPLICATE_KEY } from "./json";
export { BATCH_RESULT } from "./policy";
export { urlForms } from "./url";
export { warmUp, ENTRY_CALLS, type EntryCall } from "./warmup";
export type { Learned, Occurrence } from "./names";
export { learnedIn } from "./names";
export type { TenantMemory } from "./memory";
export { newMemory, remember, rememberedIn, kindById, isCredential, MAX_NAME_LEN, clearMemoryCache } from "./memory";

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

/** The plugin config fields (schema.ts) that shape masking, as Kong hands them over or as kong.yml holds them. */
export interface MaskingFields {
  secret: string;
  disabled_kinds?: string[];
  allowlist?: string[];
  mask_public_ips?: boolean;
  custom_patterns?: { name: string; pattern: string; kind?: unknown }[];
}

/** The masker config of a plugin config: the gateway (plugin/conf.ts) and the CLI (--config kong.yml) both use it. */
export function maskerConfigOf(conf: MaskingFields): MaskerConfig {
  const disabled: string[] = [];
  if (conf.disabled_kinds !== undefined) for (const k of conf.disabled_kinds) disabled.push(k);
  if (conf.mask_public_ips === false) disabled.push("public-ipv4");
  const custom: CustomPattern[] = [];
  if (conf.custom_patterns !== undefined) {
    for (const c of conf.custom_patterns) {
      // an unset optional field is nil or ngx.null on Kong, absent in kong.yml
      const kind = typeof c.kind === "string" && c.kind !== "" ? c.kind : undefined;
      custom.push({ name: c.name, pattern: c.pattern, kind });
    }
  }
  const allow: string[] = [];
  if (conf.allowlist !== undefined) for (const a of conf.allowlist) allow.push(a);
  return { secret: conf.secret, disabledKinds: disabled, allowlist: allow, customPatterns: custom };
}

/**
 * regexFind is the runtime's regular-expression engine (RegExp in Node, ngx.re.find in the gateway); without it,
 * customPatterns are ignored.
 */
export function createMasker(cfg: MaskerConfig, hmac: Hmac, regexFind?: RegexFind): Masker {
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
    scanClasses: {},
    keySteps: {},
    keyStepCount: 0,
    histories: [],
    historyNext: 0,
    historyBytes: 0,
  };
}

/** Who sent a request, as far as the tenant scope cares (the gateway reads it from Kong; the CLI from its options). */
export interface TenantIdentity {
  /** Kong consumer id (kong.client.get_consumer().id) */
  consumerId?: string;
  /** Kong credential id (kong.client.get_credential().id), e.g. key-auth's: stable even with hide_credentials */
  credentialId?: string;
  /** the client's API key as sent (x-api-key, or the token of Authorization: Bearer; see apiKeyOf) */
  apiKey?: string;
}

const BEARER = "bearer ";
const SPACE = 32;
const TAB = 9;

/** s without leading and trailing blanks (HTTP's optional whitespace: space, tab; the same bytes in both runtimes). */
function stripBlanks(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (byteAt(s, a) === SPACE || byteAt(s, a) === TAB)) a++;
  while (b > a && (byteAt(s, b - 1) === SPACE || byteAt(s, b - 1) === TAB)) b--;
  return sub(s, a, b);
}

/** The client's API key from its headers: x-api-key K and Authorization: Bearer K name the same key. */
export function apiKeyOf(xApiKey: string | undefined, authorization: string | undefined): string | undefined {
  const key = xApiKey !== undefined ? stripBlanks(xApiKey) : "";
  if (key !== "") return key;
  if (authorization === undefined) return undefined;
  let auth = stripBlanks(authorization);
  if (auth.length > BEARER.length && sub(auth, 0, BEARER.length).toLowerCase() === BEARER) {
    auth = stripBlanks(sub(auth, BEARER.length, auth.length));
  }
  return auth !== "" ? auth : undefined;
}

/**
 * The tenant scope of a request: part of every pseudonym's hash and of every Redis key, so one tenant's pseudonyms
 * never reveal (or even equal) another's. mode is the plugin's tenant_scope: "global" (one scope), "consumer" (the
 * Kong consumer, else the credential, else the API key) or "credential" (the Kong credential, else the consumer, else
 * the API key). The API key itself never leaves the gateway: a keyed hash of it names the scope.
 */
export function tenantScope(masker: Masker, mode: string, who: TenantIdentity): string {
  if (mode === "global") return "global";
  const consumer = who.consumerId !== undefined && who.consumerId !== "" ? who.consumerId : undefined;
  const credential = who.credentialId !== undefined && who.credentialId !== "" ? who.credentialId : undefined;
  if (mode === "consumer" && consumer !== undefined) return "c:" + consumer;
  if (credential !== undefined) return "cr:" + credential;
  if (consumer !== undefined) return "c:" + consumer;
  if (who.apiKey === undefined || who.apiKey === "") return "anonymous";
  // (the message "tenant \x1f credential \x1f key": no pseudonym's, whose scopes are "global", "c:", "cr:", "k:" ...)
  return "k:" + hashPart(masker.hmac, masker.secret, "tenant\x1fcredential", who.apiKey, 0);
}

/**
 * Empties the masker's per-worker caches (pseudonyms already derived, scans of long strings): what a cold worker
 * starts with. For benchmarks that measure the cold path; the gateway never needs it.
 */
export function resetCaches(masker: Masker): void {
  masker.hashes = {};
  masker.hashCount = 0;
  masker.scans = {};
  masker.scanBytes = 0;
  masker.scanClasses = {};
  masker.keySteps = {};
  masker.keyStepCount = 0;
  forgetHistories(masker);
}

/**
 * Forgets the masked bodies the masker keeps to resume later ones (json.ts History): the next request of a
 * conversation is walked whole. For benchmarks that measure the walk of a warm request; the gateway never needs it.
 */
export function forgetHistories(masker: Masker): void {
  masker.histories = [];
  masker.historyNext = 0;
  masker.historyBytes = 0;
}
