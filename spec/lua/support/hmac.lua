-- HMAC-SHA1 for plain LuaJIT (busted, benchmarks), with the signature and result of ngx.hmac_sha1: raw 20 bytes.
-- Inside nginx the plugin uses ngx.hmac_sha1 itself; this stands in for it where there is no nginx.
local ffi = require "ffi"

ffi.cdef [[
typedef struct evp_md_st EVP_MD;
const EVP_MD *EVP_sha1(void);
unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len,
                    const unsigned char *d, size_t n, unsigned char *md, unsigned int *md_len);
]]

local function load_crypto()
  for _, name in ipairs { "crypto", "libcrypto.so.3", "libcrypto.so.1.1" } do
    local ok, lib = pcall(ffi.load, name)
    if ok then return lib end
  end
  error("libcrypto not found")
end

local crypto = load_crypto()
local md = crypto.EVP_sha1()
local out = ffi.new("unsigned char[20]")
local out_len = ffi.new("unsigned int[1]")

return function(key, msg)
  crypto.HMAC(md, key, #key, msg, #msg, out, out_len)
  return ffi.string(out, 20)
end
