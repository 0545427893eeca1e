// The gateway's Redis layout in Node (plugin/store.ts is the Lua side; docs/redis.md): key names and record formats,
// for `aws-masker unmask --redis` and the tests.
import { apiKeyOf, createNodeMasker, tenantScope } from "./engine";
import type Redis from "ioredis";
import { keyName, unseal, type SealKeys } from "./sealed";

export const PREFIX = "aws-masker:v2:";

/** The tenant scope the gateway derives from a client's API key (tenant_scope consumer without a consumer, or credential). */
export function credentialScope(secret: string, apiKey: string): string {
  return tenantScope(createNodeMasker({ secret }), "credential", { apiKey: apiKeyOf(apiKey, undefined) });
}

/** The key of one mapping as gateways before mapping records wrote it (read until such keys expire). */
export function mappingKey(keys: SealKeys, scope: string, pseudonym: string): string {
  return keyName(keys, PREFIX + "m:", scope + "\x1f" + pseudonym);
}

/** Slot lengths of mapping records and the longest mapping TTL each serves (plugin/store.ts recordSlotSeconds). */
const RECORD_SLOTS: [seconds: number, maxTtl: number][] = [
  [60, 5999],
  [600, 35999],
  [3600, 2592000],
];

export function recordKey(keys: SealKeys, scope: string, seconds: number, slot: number): string {
  return keyName(keys, PREFIX + "r:", `${scope}\x1f${seconds}\x1f${slot}`);
}

/**
 * The keys of every slot that may hold a live mapping record of the tenant at time `now` (seconds), whatever the
 * gateway's mapping_ttl_seconds: ~900 keys, most of them absent.
 */
export function recordKeys(keys: SealKeys, scope: string, now: number): string[] {
  const out: string[] = [];
  for (const [seconds, maxTtl] of RECORD_SLOTS) {
    // one slot ahead: a gateway's clock may run ahead of this one
    const last = Math.floor(now / seconds) * seconds + seconds;
    for (let slot = last; slot >= last - maxTtl - 2 * seconds; slot -= seconds)
      out.push(recordKey(keys, scope, seconds, slot));
  }
  return out;
}

/** A mapping record (or batch record) as the gateway packs it: length-prefixed (bytes) kind, pseudonym, original. */
export function packEntries(entries: { kind: string; pseudonym: string; original: string }[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    for (const f of [e.kind, e.pseudonym, e.original]) {
      const b = Buffer.from(f, "utf8");
      parts.push(Buffer.from(`${b.length}:`, "latin1"), b);
    }
  }
  return Buffer.concat(parts);
}

/** A mapping record (or batch record) opened: length-prefixed kind, pseudonym, original; undefined when malformed. */
export function unpackEntries(plain: Buffer): { kind: string; pseudonym: string; original: string }[] | undefined {
  const out: { kind: string; pseudonym: string; original: string }[] = [];
  const fields: string[] = [];
  let at = 0;
  while (at < plain.length) {
    const colon = plain.indexOf(0x3a, at);
    if (colon <= at) return undefined;
    const len = Number(plain.toString("latin1", at, colon));
    if (!Number.isInteger(len) || len < 0 || colon + 1 + len > plain.length) return undefined;
    fields.push(plain.toString("utf8", colon + 1, colon + 1 + len));
    at = colon + 1 + len;
    if (fields.length === 3) {
      out.push({ kind: fields[0], pseudonym: fields[1], original: fields[2] });
      fields.length = 0;
    }
  }
  return fields.length === 0 ? out : undefined;
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

/** A mapping read back from Redis, with the key it was found under. */
export interface FoundMapping {
  kind: string;
  original: string;
  key: string;
}

/**
 * The tenant's mappings of these pseudonyms (those Redis holds): its mapping records, read in pipelines of 1,000
 * slot keys, then one key per mapping as gateways before mapping records wrote them (until those keys expire).
 */
export async function loadMappings(
  redis: Redis,
  keys: SealKeys,
  scope: string,
  pseudonyms: string[],
  now = Math.floor(Date.now() / 1000),
): Promise<Map<string, FoundMapping>> {
  const wanted = new Set(pseudonyms);
  const found = new Map<string, FoundMapping>();
  const slots = recordKeys(keys, scope, now);
  for (let k = 0; k < slots.length; k += 1000) {
    const chunk = slots.slice(k, k + 1000);
    const p = redis.pipeline();
    for (const key of chunk) p.lrangeBuffer(key, 0, -1);
    const replies = (await p.exec()) ?? [];
    replies.forEach(([err, records], j) => {
      if (err) throw err;
      for (const record of records as Buffer[]) {
        const plain = unseal(keys, chunk[j], record);
        for (const e of (plain && unpackEntries(plain)) ?? []) {
          if (wanted.has(e.pseudonym) && !found.has(e.pseudonym))
            found.set(e.pseudonym, { kind: e.kind, original: e.original, key: chunk[j] });
        }
      }
    });
  }
  const rest = pseudonyms.filter((p) => !found.has(p));
  const names = rest.map((p) => mappingKey(keys, scope, p));
  for (let k = 0; k < names.length; k += 1000) {
    const values = await redis.mgetBuffer(...names.slice(k, k + 1000));
    values.forEach((v, j) => {
      const plain = v && unseal(keys, names[k + j], v);
      if (plain) found.set(rest[k + j], { ...splitMapping(plain), key: names[k + j] });
    });
  }
  return found;
}
