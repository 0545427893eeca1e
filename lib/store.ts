// The gateway's Redis layout in Node (plugin/store.ts is the Lua side; docs/redis.md): key names and record formats,
// for `aws-masker unmask --redis` and the tests.
import { apiKeyOf, createNodeMasker, tenantScope } from "./engine";
import { keyName, type SealKeys } from "./sealed";

export const PREFIX = "aws-masker:v2:";

/** The tenant scope the gateway derives from a client's API key (tenant_scope consumer without a consumer, or credential). */
export function credentialScope(secret: string, apiKey: string): string {
  return tenantScope(createNodeMasker({ secret }), "credential", { apiKey: apiKeyOf(apiKey, undefined) });
}

export function mappingKey(keys: SealKeys, scope: string, pseudonym: string): string {
  return keyName(keys, PREFIX + "m:", scope + "\x1f" + pseudonym);
}

export function nameKeys(keys: SealKeys, scope: string): { hash: string; version: string } {
  return { hash: keyName(keys, PREFIX + "n:", scope), version: keyName(keys, PREFIX + "nv:", scope) };
}

export function batchKey(keys: SealKeys, scope: string, batchId: string): string {
  return keyName(keys, PREFIX + "b:", scope + "\x1f" + batchId);
}

/** A mapping value opened: "kind\x1foriginal". */
export function splitMapping(plain: Buffer): { kind: string; original: string } {
  const s = plain.toString("latin1");
  const sep = s.indexOf("\x1f");
  return { kind: s.slice(0, sep), original: Buffer.from(s.slice(sep + 1), "latin1").toString("utf8") };
}
