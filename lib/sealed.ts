// The gateway's Redis format in Node (plugin/sealed.ts is the Lua side; docs/redis.md): key names are keyed hashes,
// values AES-256-GCM with the Redis key as AAD. Used by `aws-masker unmask --redis` and the tests.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

export interface SealKeys {
  aead: Buffer;
  names: Buffer;
}

const VERSION = 1;
const NONCE_LEN = 12;
const TAG_LEN = 16;

const hmac = (key: Buffer | string, data: string | Buffer): Buffer =>
  createHmac("sha256", typeof key === "string" ? Buffer.from(key, "utf8") : key)
    .update(data)
    .digest();

export function sealKeysFor(secret: string): SealKeys {
  return { aead: hmac(secret, "aws-masker/redis/aead/v1"), names: hmac(secret, "aws-masker/redis/keys/v1") };
}

/** parts are byte strings as the gateway builds them (UTF-8 text joined by \x1f). */
export function keyName(keys: SealKeys, prefix: string, parts: string): string {
  return prefix + hmac(keys.names, Buffer.from(parts, "utf8")).subarray(0, 16).toString("hex");
}

export function seal(keys: SealKeys, aad: string, plain: Buffer): Buffer {
  const nonce = randomBytes(NONCE_LEN);
  const c = createCipheriv("aes-256-gcm", keys.aead, nonce);
  c.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, body, c.getAuthTag()]);
}

export function unseal(keys: SealKeys, aad: string, sealed: Buffer): Buffer | undefined {
  if (sealed.length < 1 + NONCE_LEN + TAG_LEN || sealed[0] !== VERSION) return undefined;
  try {
    const d = createDecipheriv("aes-256-gcm", keys.aead, sealed.subarray(1, 1 + NONCE_LEN));
    d.setAAD(Buffer.from(aad, "utf8"));
    d.setAuthTag(sealed.subarray(sealed.length - TAG_LEN));
    return Buffer.concat([d.update(sealed.subarray(1 + NONCE_LEN, sealed.length - TAG_LEN)), d.final()]);
  } catch {
    return undefined;
  }
}
