// Tenant scope: whose pseudonyms are shared. Kong's own identity first (consumer, credential: they survive key-auth's
// hide_credentials, which removes the key header before this plugin runs), else the client's API key from its headers.
// The formula is the engine's tenantScope, which the CLI uses too.
import { Masker, tenantScope, apiKeyOf } from "../engine/index";
import { PluginConf } from "./conf";
import { RequestHeaders, headerOf } from "./headers";

/** An entity's id, or undefined: Kong hands over tables (consumer, credential) or nil. */
function idOf(entity: { id?: unknown } | undefined): string | undefined {
  return entity !== undefined && typeof entity.id === "string" ? entity.id : undefined;
}

/** Bound of a masker's scope cache; past it the cache starts over (bounded memory per worker). */
const SCOPE_CACHE_MAX = 10000;
/** Per worker, per masker (secret): API key -> its scope. The keyed hash of a key is the same on every request. */
const scopeCaches = setmetatable(new LuaTable<Masker, { scopes: Record<string, string>; count: number }>(), {
  __mode: "k",
});

/** The scope of an API key, its HMAC computed once per worker (and masker). */
function keyScope(masker: Masker, mode: string, apiKey: string): string {
  let cache = scopeCaches.get(masker);
  if (cache === undefined) {
    cache = { scopes: {}, count: 0 };
    scopeCaches.set(masker, cache);
  }
  let scope = cache.scopes[apiKey];
  if (scope === undefined) {
    scope = tenantScope(masker, mode, { apiKey });
    if (cache.count >= SCOPE_CACHE_MAX) {
      cache.scopes = {};
      cache.count = 0;
    }
    cache.scopes[apiKey] = scope;
    cache.count++;
  }
  return scope;
}

export function scopeFor(conf: PluginConf, masker: Masker, rh: RequestHeaders): string {
  if (conf.tenant_scope === "global") return "global";
  const consumerId = idOf(kong.client.get_consumer());
  const credentialId = idOf(kong.client.get_credential());
  const apiKey = apiKeyOf(headerOf(rh, "x-api-key"), headerOf(rh, "authorization"));
  // Kong's identity needs no hash; only the API key's scope is a keyed hash, cached
  if (consumerId === undefined && credentialId === undefined && apiKey !== undefined && apiKey !== "") {
    return keyScope(masker, conf.tenant_scope, apiKey);
  }
  return tenantScope(masker, conf.tenant_scope, { consumerId, credentialId, apiKey });
}
