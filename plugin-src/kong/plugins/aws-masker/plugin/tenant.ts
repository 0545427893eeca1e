// Tenant scope: whose pseudonyms are shared. Kong's own identity first (consumer, credential: they survive key-auth's
// hide_credentials, which removes the key header before this plugin runs), else the client's API key from its headers.
// The formula is the engine's tenantScope, which the CLI uses too.
import { Masker } from "../engine/session";
import { tenantScope, apiKeyOf } from "../engine/index";
import { PluginConf } from "./conf";

/** An entity's id, or undefined: Kong hands over tables (consumer, credential) or nil. */
function idOf(entity: { id?: unknown } | undefined): string | undefined {
  return entity !== undefined && typeof entity.id === "string" ? entity.id : undefined;
}

export function scopeFor(this: void, conf: PluginConf, masker: Masker): string {
  if (conf.tenant_scope === "global") return "global";
  return tenantScope(masker, conf.tenant_scope, {
    consumerId: idOf(kong.client.get_consumer()),
    credentialId: idOf(kong.client.get_credential()),
    apiKey: apiKeyOf(kong.request.get_header("x-api-key"), kong.request.get_header("authorization")),
  });
}
