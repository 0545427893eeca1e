// Plugin configuration as Kong hands it over (validated, vault references resolved), and what is derived from it
// once per worker: the compiled masker. conf is shared by all requests: never mutated, cached by identity.
import { createMasker } from "../engine/index";
import { Masker } from "../engine/session";

export interface PluginConf {
  secret: string;
  tenant_scope: string;
  mapping_ttl_seconds: number;
  max_body_size: number;
  redis_host?: string;
  redis_port: number;
  redis_password?: string;
  redis_database: number;
  redis_timeout_ms: number;
  redis_pool_size: number;
  disabled_kinds: string[];
  allowlist: string[];
}

const hmac = (key: string, message: string): string => ngx.hmac_sha1(key, message);

// weak keys: a replaced config's masker goes with it
const maskers = setmetatable(new LuaTable<PluginConf, Masker>(), { __mode: "k" });

/** The compiled masker for conf, or undefined when conf has no usable secret (the plugin then refuses). */
export function maskerFor(this: void, conf: PluginConf): Masker | undefined {
  let m = maskers.get(conf);
  if (m === undefined) {
    if (conf.secret === undefined || conf.secret.length < 16) return undefined;
    m = createMasker({ secret: conf.secret, disabledKinds: conf.disabled_kinds, allowlist: conf.allowlist }, hmac);
    maskers.set(conf, m);
  }
  return m;
}
