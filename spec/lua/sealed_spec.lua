-- plugin/sealed.lua under plain LuaJIT (libcrypto through ffi): the worker-wide sealing context keeps its key between
-- seals, so sealing under several secrets in turn must still give values that open with their own key only.
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local sealed = require "kong.plugins.aws-masker.plugin.sealed"

local function hex_reference(raw, n)
  local out = {}
  for k = 1, n or #raw do out[k] = string.format("%02x", raw:byte(k)) end
  return table.concat(out)
end

-- OpenSSL's one-shot HMAC(), which ngx.hmac_sha1 calls: the reference the keyed-state HMAC must equal byte for byte
local ffi = require "ffi"
pcall(ffi.cdef, "typedef struct evp_md_st EVP_MD;")
pcall(ffi.cdef, "const EVP_MD *EVP_sha1(void);")
pcall(ffi.cdef, "const EVP_MD *EVP_sha256(void);")
pcall(ffi.cdef, [[unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *d,
  size_t n, unsigned char *md, unsigned int *md_len);]])
local crypto = ffi.load("crypto")
local function hmac_reference(md, len, key, msg)
  local out, outlen = ffi.new("unsigned char[32]"), ffi.new("unsigned int[1]")
  crypto.HMAC(md, key, #key, msg, #msg, out, outlen)
  return ffi.string(out, len)
end
local function hmac_sha1_reference(key, msg) return hmac_reference(crypto.EVP_sha1(), 20, key, msg) end
local function hmac_sha256_reference(key, msg) return hmac_reference(crypto.EVP_sha256(), 32, key, msg) end

describe("sealed", function()
  it("hmacSha1 equals OpenSSL's one-shot HMAC-SHA1 for keys shorter, as long as and longer than a block, in turn", function()
    math.randomseed(12)
    local keys = { "", "k", string.rep("s", 63), string.rep("b", 64), string.rep("l", 65), string.rep("\255", 200) }
    for round = 1, 3 do
      for _, key in ipairs(keys) do
        for i = 1, 40 do
          local bytes = {}
          for k = 1, (i * 7 + round) % 150 do bytes[k] = string.char(math.random(0, 255)) end
          local msg = table.concat(bytes)
          assert.are.equal(hmac_sha1_reference(key, msg), sealed.hmacSha1(key, msg))
        end
      end
    end
  end)

  it("hmacSha256 equals OpenSSL's one-shot HMAC-SHA256 for keys shorter, as long as and longer than a block", function()
    math.randomseed(13)
    local keys = { "", "k", string.rep("s", 63), string.rep("b", 64), string.rep("l", 65), string.rep("\255", 200) }
    for _, key in ipairs(keys) do
      for i = 1, 40 do
        local bytes = {}
        for k = 1, (i * 11) % 150 do bytes[k] = string.char(math.random(0, 255)) end
        local msg = table.concat(bytes)
        assert.are.equal(hmac_sha256_reference(key, msg), sealed.hmacSha256(key, msg))
        -- the two digests keep their key states apart: the same key under SHA-1 right after
        assert.are.equal(hmac_sha1_reference(key, msg), sealed.hmacSha1(key, msg))
      end
    end
  end)

  it("keyed hashes copy plain SHA states (SHA1_Init ... exported by this libcrypto), not EVP digest contexts", function()
    -- the EVP path (EVP_MD_CTX_copy_ex frees and allocates a provider context per copy in OpenSSL 3) is only the
    -- fallback for a libcrypto without sha.h's functions; the digests above are compared on the path taken here
    assert.are.equal("sha", sealed.hmacPath())
  end)

  it("a sealed value is version, nonce, ciphertext and tag (one buffer), and opens for its Redis key only, before and after its buffer grew", function()
    local keys = sealed.sealKeysFor("buffer-secret-0123456789")
    for _, size in ipairs({ 0, 1, 100, 511, 600, 5000, 20 }) do
      local plain = string.rep("\0x:", size):sub(1, size)
      local value = sealed.seal(keys, "aad-" .. size, plain)
      assert.are.equal(1 + 12 + size + 16, #value)
      assert.are.equal("\1", value:sub(1, 1))
      assert.are.equal(plain, sealed.unseal(keys, "aad-" .. size, value))
      assert.is_nil(sealed.unseal(keys, "another key", value))
    end
    -- two seals of one plain text differ (a new nonce each)
    assert.are_not.equal(sealed.seal(keys, "k", "same"), sealed.seal(keys, "k", "same"))
  end)

  it("hmacSha1 keeps its per-key states bounded: more keys than it keeps still give the right digests", function()
    for k = 1, 40 do
      local key = "secret-" .. k
      assert.are.equal(hmac_sha1_reference(key, "m" .. k), sealed.hmacSha1(key, "m" .. k))
    end
    assert.are.equal(hmac_sha1_reference("secret-1", "again"), sealed.hmacSha1("secret-1", "again"))
  end)

  it("hex gives two lower-case digits per byte, for every byte value and the lengths key names use", function()
    local all = {}
    for b = 0, 255 do all[#all + 1] = string.char(b) end
    local raw = table.concat(all)
    assert.are.equal(hex_reference(raw), sealed.hex(raw))
    assert.are.equal(hex_reference(raw, 16), sealed.hex(raw, 16))
    assert.are.equal("", sealed.hex(""))
    assert.are.equal(32, #sealed.keyName(sealed.sealKeysFor("k0123456789abcdef"), "", "x"))
  end)

  it("values sealed under secrets in turn open with their own key and Redis key only", function()
    local a = sealed.sealKeysFor("secret-a-0123456789abcdef")
    local b = sealed.sealKeysFor("secret-b-0123456789abcdef")
    local values = {}
    for i = 1, 30 do
      local keys = (i % 3 == 0) and b or a
      local plain = "ec2-instance\31i-0a1b2c3d4e5f" .. string.rep("x", i * 7)
      values[i] = { keys = keys, aad = "aad" .. i, plain = plain, sealed = sealed.seal(keys, "aad" .. i, plain) }
    end
    for i, v in ipairs(values) do
      assert.are.equal(v.plain, sealed.unseal(v.keys, v.aad, v.sealed))
      assert.is_nil(sealed.unseal(v.keys == a and b or a, v.aad, v.sealed))
      assert.is_nil(sealed.unseal(v.keys, v.aad .. "x", v.sealed))
      if i > 1 then assert.are_not.equal(values[i - 1].sealed:sub(2, 13), v.sealed:sub(2, 13)) end -- fresh nonce
    end
  end)

  it("never repeats a nonce over several refills of the nonce block", function()
    local keys = sealed.sealKeysFor("secret-n-0123456789abcdef")
    local seen, n = {}, 0
    for i = 1, 2000 do -- the block holds 256 nonces: about eight refills
      local nonce = sealed.seal(keys, "aad", "v" .. i):sub(2, 13)
      assert.are.equal(12, #nonce)
      assert.is_nil(seen[nonce])
      seen[nonce] = true
      n = n + 1
    end
    assert.are.equal(2000, n)
  end)
end)
