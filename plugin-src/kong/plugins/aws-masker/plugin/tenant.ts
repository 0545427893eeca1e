// Tenant scope: whose pseudonyms are shared. Part of every pseudonym's hash and of every Redis key, so one tenant's
// pseudonyms never reveal (or even equal) another's.
import { Masker } from "../engine/session";
import { hashPart } from "../engine/pseudonym";
import { PluginConf } from "./conf";

function credential(): string | undefined {
  const key = kong.request.get_header("x-api-key");
  if (key !== undefined && key !== "") return key;
  const auth = kong.request.get_header("authorization");
  if (auth !== undefined && auth !== "") return auth;
  return undefined;
}

export function scopeFor(this: void, conf: PluginConf, masker: Masker): string {
  if (conf.tenant_scope === "global") return "global";
  if (conf.tenant_scope === "consumer") {
    const consumer = kong.client.get_consumer();
    if (consumer !== undefined) return "c:" + consumer.id;
  }
  const cred = credential();
  if (cred === undefined) return "anonymous";
  // the credential itself never leaves the gateway: a keyed hash of it names the scope
  return "k:" + hashPart(masker.hmac, masker.secret, "tenant", "credential", cred, 0);
}
