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
  mask_public_ips: boolean;
  custom_patterns: { name: string; pattern: string; kind?: string }[];
  unscannable_content: "refuse" | "forward";
}

const hmac = (key: string, message: string): string => ngx.hmac_sha1(key, message);

// custom patterns through PCRE ("jo": JIT-compiled and cached per worker); 0-based [start, end) like the engine wants
const reCtx: { pos?: number } = {};
const regexFind = (pattern: string, subject: string, from: number): [number, number] | undefined => {
  reCtx.pos = from + 1;
  const [a, b] = ngx.re.find(subject, pattern, "jo", reCtx);
  if (a === undefined || b === undefined) return undefined;
  return [a - 1, b];
};

// weak keys: a replaced config's masker goes with it
const maskers = setmetatable(new LuaTable<PluginConf, Masker>(), { __mode: "k" });

/** A string config value, or "" for unset: Kong hands unset optional fields over as nil or as ngx.null. */
export function text(this: void, v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** The compiled masker for conf, or undefined when conf has no usable secret (the plugin then refuses). */
export function maskerFor(this: void, conf: PluginConf): Masker | undefined {
  let m = maskers.get(conf);
  if (m === undefined) {
    if (text(conf.secret).length < 16) return undefined;
    const disabled: string[] = [];
    for (const k of conf.disabled_kinds) disabled[disabled.length] = k;
    if (conf.mask_public_ips === false) disabled[disabled.length] = "public-ipv4";
    const custom: { name: string; pattern: string; kind?: string }[] = [];
    for (const c of conf.custom_patterns) {
      custom[custom.length] = { name: c.name, pattern: c.pattern, kind: text(c.kind) !== "" ? c.kind : undefined };
    }
    m = createMasker({ secret: conf.secret, disabledKinds: disabled, allowlist: conf.allowlist, customPatterns: custom }, hmac, regexFind);
    maskers.set(conf, m);
  }
  return m;
}
