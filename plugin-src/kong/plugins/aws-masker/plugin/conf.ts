// Plugin configuration as Kong hands it over (validated, vault references resolved), and what is derived from it
// once per worker: the compiled masker. conf is shared by all requests: never mutated, cached by identity (and
// rebuilt when Kong refreshes a rotated vault secret in the same table).
import { createMasker, maskerConfigOf, Masker } from "../engine/index";
import { refuse } from "./errors";
import { hmacSha1 } from "./sealed";

// PluginConf is derived from schema.ts, the one declaration of the config's shape: a field added, removed or changed
// there changes the type here (type-level only: nothing of the schema module is loaded at run time).
type Schema = typeof import("../schema");
type Fields = Schema["fields"][2]["config"]["fields"];
/** The value Kong hands over for a field declaration (after validation and defaults). */
type ValueOf<F> = F extends { type: "string"; one_of: readonly (infer U extends string)[] }
  ? U
  : F extends { type: "string" }
    ? string
    : F extends { type: "integer" | "number" }
      ? number
      : F extends { type: "boolean" }
        ? boolean
        : F extends { type: "array"; elements: infer E }
          ? ValueOf<E>[]
          : F extends { type: "record"; fields: infer R extends readonly object[] }
            ? RecordOf<R>
            : never;
type Entry<R extends readonly object[]> = R[number];
type KeyOf<E> = E extends object ? keyof E : never;
type DeclOf<R extends readonly object[], K> =
  Entry<R> extends infer E ? (E extends Record<K & PropertyKey, infer D> ? D : never) : never;
/** A record's fields: `required: true` ones always present (Kong fills defaults), the others optional. */
type RecordOf<R extends readonly object[]> = {
  -readonly [K in KeyOf<Entry<R>> as DeclOf<R, K> extends { required: true } ? K : never]: ValueOf<DeclOf<R, K>>;
} & {
  -readonly [K in KeyOf<Entry<R>> as DeclOf<R, K> extends { required: true } ? never : K]?: ValueOf<DeclOf<R, K>>;
};

export type PluginConf = RecordOf<Fields>;

// Kong's nginx sets lua_regex_match_limit (100000): a custom pattern that backtracks past it makes ngx.re.find return
// nil plus an error. Read as "no match", the identifier would go upstream, so the request is refused instead.
const reCtx: { pos?: number } = {};
function customFinder(names: Record<string, string>) {
  // PCRE through ngx.re ("jo": JIT-compiled and cached per worker); 0-based [start, end) like the engine wants
  return (pattern: string, subject: string, from: number): [number, number] | undefined => {
    reCtx.pos = from + 1;
    const [a, b, err] = ngx.re.find(subject, pattern, "jo", reCtx);
    if (err !== undefined) {
      kong.log.err("custom_patterns '", names[pattern], "' failed: ", err);
      return refuse(
        500,
        "api_error",
        "custom_patterns '" +
          names[pattern] +
          "' could not be evaluated (regex match limit or PCRE error); the request was not forwarded",
      );
    }
    if (a === undefined || b === undefined) return undefined;
    return [a - 1, b];
  };
}

interface Cached {
  masker: Masker;
  /** the secret it was built with: Kong refreshes vault references in conf in place (rotation) */
  secret: string;
}

// weak keys: a replaced config's masker goes with it
const maskers = setmetatable(new LuaTable<PluginConf, Cached>(), { __mode: "k" });

/** A string config value, or "" for unset: Kong hands unset optional fields over as nil or as ngx.null. */
export function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** Why conf's secret cannot be used, or undefined: an unresolved vault reference is nil (Kong 3.4) or "" (3.9). */
export function secretProblem(conf: PluginConf): string | undefined {
  const secret = text(conf.secret);
  if (secret === "") return "config.secret is empty (an unresolved vault reference?)";
  if (secret.length < 16) return "config.secret is shorter than 16 characters";
  return undefined;
}

/** Logs each config whose secret cannot be used: that plugin instance refuses every request with 500. */
export function reportUnusableSecrets(configs: PluginConf[] | undefined): void {
  if (configs === undefined) return;
  for (const conf of configs) {
    const problem = secretProblem(conf);
    if (problem !== undefined)
      kong.log.crit(problem, ": every request through this plugin instance is refused with 500");
  }
}

/**
 * Logs each config that still sets mask_public_ips to false: disabled_kinds ["public-ipv4"] is the one way to say it
 * (the engine's maskerConfigOf reads the old field as that, so existing configs keep their meaning).
 */
export function reportDeprecatedFields(configs: PluginConf[] | undefined): void {
  if (configs === undefined) return;
  for (const conf of configs) {
    if (conf.mask_public_ips === false) {
      kong.log.warn('config.mask_public_ips is deprecated: use disabled_kinds: ["public-ipv4"] (same effect)');
    }
  }
}

/** The compiled masker for conf, or undefined when conf has no usable secret (the plugin then refuses). */
export function maskerFor(conf: PluginConf): Masker | undefined {
  const hit = maskers.get(conf);
  // one string comparison per request: a rotated secret builds a new masker
  if (hit !== undefined && hit.secret === conf.secret) return hit.masker;
  if (secretProblem(conf) !== undefined) return undefined;
  // custom pattern -> its name, for the refusal message
  const names: Record<string, string> = {};
  for (const c of conf.custom_patterns) names[c.pattern] = c.name;
  const masker = createMasker(maskerConfigOf(conf), hmacSha1, customFinder(names));
  maskers.set(conf, { masker, secret: conf.secret });
  return masker;
}
