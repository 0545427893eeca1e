// Nothing plain at rest: what the plugin keeps in Redis is sealed with AES-256-GCM, and Redis key names are keyed
// hashes that reveal neither the tenant, the kind nor the value (docs/redis.md).
// OpenSSL's libcrypto through LuaJIT's ffi: Debian's nginx links libcrypto.so.3 and Kong's nginx links Kong's own
// OpenSSL (resty.openssl and resty.aes read the same symbols through ffi.C), so ffi.C finds them in both. LuaJIT
// accepts the same declaration twice (those modules make some of these too); each cdef is tried on its own so that a
// conflicting one cannot stop the plugin from loading. The same format in Node: lib/sealed.ts.
//   key names:  HMAC-SHA256(HMAC-SHA256(secret, "aws-masker/redis/keys/v1"), parts joined by \x1f), hex, 32 chars
//   values:     0x01 | nonce (12 random bytes) | AES-256-GCM ciphertext | tag (16); the Redis key is the AAD, so a
//               value copied under another key (another tenant) does not open
const ffi = require("ffi") as Ffi;

interface Ffi {
  cdef(this: void, decl: string): void;
  new: (this: void, ct: string, n?: number) => CData;
  sizeof: (this: void, ct: string) => number;
  string: (this: void, p: CData, len?: number) => string;
  gc: (this: void, p: CData, finalizer: unknown) => CData;
  copy: (this: void, dst: CData, src: string | CData, len: number) => void;
  load: (this: void, name: string) => LibCrypto;
  C: LibCrypto;
}
type CData = { readonly __cdata: unique symbol } & Record<number, number>;
interface LibCrypto {
  EVP_aes_256_gcm(this: void): CData;
  EVP_sha256(this: void): CData;
  EVP_CIPHER_CTX_new(this: void): CData;
  EVP_CIPHER_CTX_free: unknown;
  EVP_EncryptInit_ex(
    this: void,
    ctx: CData,
    c: CData | undefined,
    e: undefined,
    key: string | undefined,
    iv: string | CData | undefined,
  ): number;
  EVP_EncryptUpdate(
    this: void,
    ctx: CData,
    out: CData | undefined,
    outl: CData,
    data: string | CData,
    len: number,
  ): number;
  EVP_EncryptFinal_ex(this: void, ctx: CData, out: CData, outl: CData): number;
  EVP_DecryptInit_ex(
    this: void,
    ctx: CData,
    c: CData | undefined,
    e: undefined,
    key: string | undefined,
    iv: string | undefined,
  ): number;
  EVP_DecryptUpdate(this: void, ctx: CData, out: CData | undefined, outl: CData, data: string, len: number): number;
  EVP_DecryptFinal_ex(this: void, ctx: CData, out: CData, outl: CData): number;
  EVP_CIPHER_CTX_ctrl(this: void, ctx: CData, type: number, arg: number, ptr: CData): number;
  RAND_bytes(this: void, buf: CData, n: number): number;
  EVP_sha1(this: void): CData;
  EVP_MD_CTX_new(this: void): CData;
  EVP_MD_CTX_free: unknown;
  EVP_DigestInit_ex(this: void, ctx: CData, md: CData, e: undefined): number;
  EVP_DigestUpdate(this: void, ctx: CData, data: string | CData, n: number): number;
  EVP_DigestFinal_ex(this: void, ctx: CData, out: CData, outLen: CData): number;
  EVP_MD_CTX_copy_ex(this: void, out: CData, from: CData): number;
  SHA1_Init(this: void, c: CData): number;
  SHA1_Update(this: void, c: CData, data: string | CData, n: number): number;
  SHA1_Final(this: void, md: CData, c: CData): number;
  SHA256_Init(this: void, c: CData): number;
  SHA256_Update(this: void, c: CData, data: string | CData, n: number): number;
  SHA256_Final(this: void, md: CData, c: CData): number;
}

const DECLARATIONS = [
  "typedef struct evp_cipher_st EVP_CIPHER;",
  "typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;",
  "typedef struct evp_md_st EVP_MD;",
  "typedef struct engine_st ENGINE;",
  "const EVP_CIPHER *EVP_aes_256_gcm(void);",
  "const EVP_MD *EVP_sha256(void);",
  "EVP_CIPHER_CTX *EVP_CIPHER_CTX_new(void);",
  "void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX *ctx);",
  "int EVP_EncryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, ENGINE *impl, const unsigned char *key, const unsigned char *iv);",
  "int EVP_EncryptUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl, const unsigned char *in, int inl);",
  "int EVP_EncryptFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl);",
  "int EVP_DecryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, ENGINE *impl, const unsigned char *key, const unsigned char *iv);",
  "int EVP_DecryptUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl, const unsigned char *in, int inl);",
  "int EVP_DecryptFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *outm, int *outl);",
  "int EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX *ctx, int type, int arg, void *ptr);",
  "int RAND_bytes(unsigned char *buf, int num);",
  "typedef struct evp_md_ctx_st EVP_MD_CTX;",
  "const EVP_MD *EVP_sha1(void);",
  "EVP_MD_CTX *EVP_MD_CTX_new(void);",
  "void EVP_MD_CTX_free(EVP_MD_CTX *ctx);",
  "int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);",
  "int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt);",
  "int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s);",
  "int EVP_MD_CTX_copy_ex(EVP_MD_CTX *out, const EVP_MD_CTX *in);",
  // sha.h's digest states (SHA_LONG is an unsigned int on every platform OpenSSL builds for except 16-bit ones)
  "typedef struct SHAstate_st { unsigned int h0, h1, h2, h3, h4; unsigned int Nl, Nh; unsigned int data[16]; unsigned int num; } SHA_CTX;",
  "typedef struct SHA256state_st { unsigned int h[8]; unsigned int Nl, Nh; unsigned int data[16]; unsigned int num, md_len; } SHA256_CTX;",
  "int SHA1_Init(SHA_CTX *c);",
  "int SHA1_Update(SHA_CTX *c, const void *data, size_t len);",
  "int SHA1_Final(unsigned char *md, SHA_CTX *c);",
  "int SHA256_Init(SHA256_CTX *c);",
  "int SHA256_Update(SHA256_CTX *c, const void *data, size_t len);",
  "int SHA256_Final(unsigned char *md, SHA256_CTX *c);",
];
for (const d of DECLARATIONS) pcall(ffi.cdef, d);

// nginx (Debian's and Kong's) has libcrypto loaded already; a bare LuaJIT (the Lua specs) loads it by name
function hasSymbols(lib: LibCrypto): void {
  if (lib.EVP_CIPHER_CTX_new === undefined) throw "missing";
}
function libcrypto(): LibCrypto {
  if (pcall(hasSymbols, ffi.C)[0]) return ffi.C;
  for (const name of ["crypto", "libcrypto.so.3"]) {
    const [ok, lib] = pcall(ffi.load, name);
    if (ok && pcall(hasSymbols, lib as LibCrypto)[0]) return lib as LibCrypto;
  }
  throw "aws-masker: OpenSSL's libcrypto is not available to LuaJIT's ffi";
}
const C = libcrypto();
const VERSION = "\x01";
const NONCE_LEN = 12;
const TAG_LEN = 16;
const EVP_CTRL_GCM_GET_TAG = 0x10;
const EVP_CTRL_GCM_SET_TAG = 0x11;

// one context per direction and small buffers per worker (requests in a worker never run crypto concurrently: no
// yields inside). The sealing context keeps its key between calls (each seal sets only the nonce): the key schedule
// is computed once per worker and secret, not per mapping.
const ctx = ffi.gc(C.EVP_CIPHER_CTX_new(), C.EVP_CIPHER_CTX_free);
const sealCtx = ffi.gc(C.EVP_CIPHER_CTX_new(), C.EVP_CIPHER_CTX_free);
let sealCtxKey: string | undefined = undefined;
// the sealed value is built in one buffer (VERSION | nonce | plain, encrypted in place | tag) and made a string once
let sealOut = ffi.new("unsigned char[?]", 512);
let sealOutSize = 512;
const outLen = ffi.new("int[1]");
const mdLen = ffi.new("unsigned int[1]");
const tagBuf = ffi.new("unsigned char[16]");

// HMAC (RFC 2104) with each key's inner and outer digest states computed once per worker: a keyed hash costs two
// copies of a digest context and two short digests (~0.3 µs in LuaJIT) instead of OpenSSL's one-shot HMAC(), which
// sets the key up again on every call (~1.7 µs; it is what ngx.hmac_sha1 calls). Same bytes as HMAC() and
// ngx.hmac_sha1 (spec/lua/sealed_spec.lua compares them).
const HMAC_BLOCK = 64; // SHA-1 and SHA-256 both
const IPAD = 0x36;
const OPAD = 0x5c;
/** Keys kept per digest before the table starts over (a few per plugin instance; rotation adds some). */
const HMAC_KEYS_MAX = 16;

interface KeyedDigest {
  inner: CData;
  outer: CData;
}

/**
 * sha.h's plain digest functions (SHA1_Init ...; exported by libcrypto 1.1 and 3.x, deprecated in 3.0 but kept): a
 * state is a plain struct, so a keyed hash copies the key's states as bytes. EVP_MD_CTX_copy_ex frees and allocates the
 * provider's context on every copy in OpenSSL 3: the plain path costs about half (0.13 vs 0.22-0.33 µs per HMAC-SHA1
 * in a hot loop, more in a worker whose caches the rest of the request has filled). Undefined when the library does
 * not export them (the EVP path is taken then).
 */
interface PlainDigest {
  ctype: string;
  size: number;
  init: (this: void, c: CData) => number;
  update: (this: void, c: CData, data: string | CData, n: number) => number;
  final: (this: void, md: CData, c: CData) => number;
  work: CData;
}

interface Digest {
  md: (this: void) => CData;
  len: number;
  keyed: Record<string, KeyedDigest>;
  count: number;
  plain: PlainDigest | undefined;
}

function hasPlainDigests(lib: LibCrypto): void {
  if (lib.SHA1_Init === undefined || lib.SHA256_Final === undefined) throw "missing";
}

function plainDigest(ctype: string, sha1: boolean): PlainDigest | undefined {
  if (!pcall(hasPlainDigests, C)[0]) return undefined;
  return {
    ctype,
    size: ffi.sizeof(ctype),
    init: sha1 ? C.SHA1_Init : C.SHA256_Init,
    update: sha1 ? C.SHA1_Update : C.SHA256_Update,
    final: sha1 ? C.SHA1_Final : C.SHA256_Final,
    work: ffi.new(ctype),
  };
}

const SHA1: Digest = { md: C.EVP_sha1, len: 20, keyed: {}, count: 0, plain: plainDigest("SHA_CTX", true) };
const SHA256: Digest = { md: C.EVP_sha256, len: 32, keyed: {}, count: 0, plain: plainDigest("SHA256_CTX", false) };
const digestWork = ffi.gc(C.EVP_MD_CTX_new(), C.EVP_MD_CTX_free);
const digestOut = ffi.new("unsigned char[32]");

/** "sha" when keyed hashes use the plain digest states, "evp" otherwise (for the specs). */
export function hmacPath(): string {
  return SHA1.plain !== undefined && SHA256.plain !== undefined ? "sha" : "evp";
}

/** A digest context that has absorbed one block: the key padded to 64 bytes, each byte XOR pad. */
function padDigest(d: Digest, key: string, pad: number): CData {
  const block: string[] = [];
  for (let k = 0; k < HMAC_BLOCK; k++) block.push(string.char((k < key.length ? string.byte(key, k + 1) : 0) ^ pad));
  const plain = d.plain;
  if (plain !== undefined) {
    const c = ffi.new(plain.ctype);
    plain.init(c);
    plain.update(c, block.join(""), HMAC_BLOCK);
    return c;
  }
  const state = ffi.gc(C.EVP_MD_CTX_new(), C.EVP_MD_CTX_free);
  C.EVP_DigestInit_ex(state, d.md(), undefined);
  C.EVP_DigestUpdate(state, block.join(""), HMAC_BLOCK);
  return state;
}

function keyStates(d: Digest, key: string): KeyedDigest {
  let k = key;
  if (k.length > HMAC_BLOCK) {
    // RFC 2104: a key longer than the block is hashed first
    C.EVP_DigestInit_ex(digestWork, d.md(), undefined);
    C.EVP_DigestUpdate(digestWork, k, k.length);
    C.EVP_DigestFinal_ex(digestWork, digestOut, mdLen);
    k = ffi.string(digestOut, d.len);
  }
  if (d.count >= HMAC_KEYS_MAX) {
    d.keyed = {};
    d.count = 0;
  }
  const states = { inner: padDigest(d, k, IPAD), outer: padDigest(d, k, OPAD) };
  d.keyed[key] = states;
  d.count++;
  return states;
}

function hmac(d: Digest, key: string, data: string): string {
  let states = d.keyed[key];
  if (states === undefined) states = keyStates(d, key);
  const plain = d.plain;
  if (plain !== undefined) {
    const w = plain.work;
    ffi.copy(w, states.inner, plain.size);
    plain.update(w, data, data.length);
    plain.final(digestOut, w);
    ffi.copy(w, states.outer, plain.size);
    plain.update(w, digestOut, d.len);
    plain.final(digestOut, w);
    return ffi.string(digestOut, d.len);
  }
  C.EVP_MD_CTX_copy_ex(digestWork, states.inner);
  C.EVP_DigestUpdate(digestWork, data, data.length);
  C.EVP_DigestFinal_ex(digestWork, digestOut, mdLen);
  C.EVP_MD_CTX_copy_ex(digestWork, states.outer);
  C.EVP_DigestUpdate(digestWork, digestOut, d.len);
  C.EVP_DigestFinal_ex(digestWork, digestOut, mdLen);
  return ffi.string(digestOut, d.len);
}

/** Raw HMAC-SHA1 (20 bytes), as ngx.hmac_sha1 returns it. */
export function hmacSha1(key: string, data: string): string {
  return hmac(SHA1, key, data);
}

/** Raw HMAC-SHA256 (32 bytes). */
export function hmacSha256(key: string, data: string): string {
  return hmac(SHA256, key, data);
}

// Nonces: 12 random bytes per sealed value, cut from a block filled by one RAND_bytes call per NONCES_PER_FILL values
// (RAND_bytes costs about as much for 12 bytes as for 3 KB). Each nonce is used once; the block is refilled in a
// process that did not fill it (an nginx worker forked after its master had used this module), so two workers never
// share one.
const NONCES_PER_FILL = 256;
const nonceBlock = ffi.new("unsigned char[?]", NONCE_LEN * NONCES_PER_FILL);
let noncesLeft = 0;
let nonceProcess = -1;

/** The process id in nginx (0 under plain LuaJIT and fake PDKs: the specs, the benchmarks). */
function processId(): number {
  return typeof ngx === "object" && ngx.worker !== undefined ? ngx.worker.pid() : 0;
}

/** The byte at offset `at` of a buffer (LuaJIT adds a number to an array cdata as C adds to a pointer). */
function at(buf: CData, offset: number): CData {
  return ((buf as unknown as number) + offset) as unknown as CData;
}

/** Copies the next unused nonce to dst. */
function nextNonce(dst: CData): void {
  const pid = processId();
  if (noncesLeft === 0 || pid !== nonceProcess) {
    if (C.RAND_bytes(nonceBlock, NONCE_LEN * NONCES_PER_FILL) !== 1) throw "aws-masker: RAND_bytes failed";
    noncesLeft = NONCES_PER_FILL;
    nonceProcess = pid;
  }
  noncesLeft--;
  ffi.copy(dst, at(nonceBlock, noncesLeft * NONCE_LEN), NONCE_LEN);
}

export interface SealKeys {
  aead: string;
  names: string;
}

/** The two keys derived from the plugin secret: one seals values, one names keys. */
export function sealKeysFor(secret: string): SealKeys {
  return {
    aead: hmacSha256(secret, "aws-masker/redis/aead/v1"),
    names: hmacSha256(secret, "aws-masker/redis/keys/v1"),
  };
}

/** "%02x" repeated n times, per n (the hashes made hex are 16, 20 and 32 bytes long). */
const hexFormats: Record<number, string> = {};

/** Lower-case hex of the first `bytes` bytes of raw (all of it by default): one string.format, no table per call. */
export function hex(raw: string, bytes?: number): string {
  const n = bytes !== undefined ? bytes : raw.length;
  let format = hexFormats[n];
  if (format === undefined) {
    format = string.rep("%02x", n);
    hexFormats[n] = format;
  }
  return string.format(format, ...string.byte(raw, 1, n));
}

/** A Redis key name: prefix + 32 hex characters of a keyed hash of parts (nothing readable from it). */
export function keyName(keys: SealKeys, prefix: string, parts: string): string {
  return prefix + hex(hmacSha256(keys.names, parts), 16);
}

/** Where the plain text goes in the seal buffer: after the version byte and the nonce. */
const SEALED_HEAD = 1 + NONCE_LEN;
const VERSION_BYTE = string.byte(VERSION);

/** plain sealed for the Redis key `aad` (AES-256-GCM, random nonce). */
export function seal(keys: SealKeys, aad: string, plain: string): string {
  const len = plain.length;
  if (SEALED_HEAD + len + TAG_LEN > sealOutSize) {
    sealOutSize = SEALED_HEAD + len + TAG_LEN;
    sealOut = ffi.new("unsigned char[?]", sealOutSize);
  }
  const buf = sealOut;
  buf[0] = VERSION_BYTE;
  const nonce = at(buf, 1);
  nextNonce(nonce);
  // the same key as last time: only the nonce is set (OpenSSL keeps the key schedule of the context)
  const ok =
    sealCtxKey === keys.aead
      ? C.EVP_EncryptInit_ex(sealCtx, undefined, undefined, undefined, nonce)
      : C.EVP_EncryptInit_ex(sealCtx, C.EVP_aes_256_gcm(), undefined, keys.aead, nonce);
  if (ok !== 1) {
    sealCtxKey = undefined;
    throw "aws-masker: cipher init failed";
  }
  sealCtxKey = keys.aead;
  // encrypted in place: GCM writes as many bytes as it reads
  const body = at(buf, SEALED_HEAD);
  ffi.copy(body, plain, len);
  C.EVP_EncryptUpdate(sealCtx, undefined, outLen, aad, aad.length);
  C.EVP_EncryptUpdate(sealCtx, body, outLen, body, len);
  const n = outLen[0];
  C.EVP_EncryptFinal_ex(sealCtx, at(body, n), outLen);
  C.EVP_CIPHER_CTX_ctrl(sealCtx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, at(body, len));
  return ffi.string(buf, SEALED_HEAD + len + TAG_LEN);
}

/** The plain text of a sealed value, or undefined when it does not open (wrong key, wrong Redis key, altered). */
export function unseal(keys: SealKeys, aad: string, sealed: string): string | undefined {
  const n = sealed.length - 1 - NONCE_LEN - TAG_LEN;
  if (n < 0 || string.sub(sealed, 1, 1) !== VERSION) return undefined;
  const nonce = string.sub(sealed, 2, 1 + NONCE_LEN);
  const body = string.sub(sealed, 2 + NONCE_LEN, 1 + NONCE_LEN + n);
  const tag = string.sub(sealed, 2 + NONCE_LEN + n);
  const out = ffi.new("unsigned char[?]", n + 1);
  if (C.EVP_DecryptInit_ex(ctx, C.EVP_aes_256_gcm(), undefined, keys.aead, nonce) !== 1) return undefined;
  C.EVP_DecryptUpdate(ctx, undefined, outLen, aad, aad.length);
  C.EVP_DecryptUpdate(ctx, out, outLen, body, n);
  const got = outLen[0];
  ffi.copy(tagBuf, tag, TAG_LEN);
  C.EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tagBuf);
  if (C.EVP_DecryptFinal_ex(ctx, out, outLen) !== 1) return undefined;
  return ffi.string(out, got);
}
