-- HMAC-SHA1 for plain LuaJIT (busted, benchmarks): the plugin's own (plugin/sealed.lua: keyed digest states through
-- libcrypto's ffi), which the gateway uses too, with the signature and result of ngx.hmac_sha1: raw 20 bytes.
-- spec/lua/sealed_spec.lua checks it against OpenSSL's one-shot HMAC(), which ngx.hmac_sha1 calls.
return require("kong.plugins.aws-masker.plugin.sealed").hmacSha1
