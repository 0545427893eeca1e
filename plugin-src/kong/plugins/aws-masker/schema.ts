// Kong plugin schema: declarative, every field with a description and a default; secrets referenceable (vault).
import { KINDS } from "./engine/catalogue";

const typedefs = require("kong.db.schema.typedefs") as { no_consumer: unknown; protocols_http: unknown };

const kindIds: string[] = [];
for (const k of KINDS) kindIds.push(k.id);

// A custom pattern must compile as a PCRE for ngx.re (checked when the config is saved, not per request).
function validPattern(pattern: string): LuaMultiReturn<[boolean | undefined, string | undefined]> {
  const [, , err] = ngx.re.find("", pattern, "jo");
  if (err !== undefined) return $multi(undefined, "invalid pattern: " + err);
  return $multi(true, undefined);
}

const schema = {
  name: "aws-masker",
  fields: [
    { consumer: typedefs.no_consumer },
    { protocols: typedefs.protocols_http },
    {
      config: {
        type: "record",
        fields: [
          {
            secret: {
              type: "string",
              required: true,
              referenceable: true,
              encrypted: true,
              len_min: 16,
              description:
                "Key of the HMAC that derives pseudonyms. Same secret on every node = same pseudonyms. Use a vault reference, e.g. {vault://env/AWS_MASKER_SECRET}.",
            },
          },
          {
            tenant_scope: {
              type: "string",
              required: true,
              default: "consumer",
              one_of: ["consumer", "credential", "global"],
              description:
                "Whose pseudonyms are shared: the Kong consumer (else the Kong credential, else a hash of the client's API key from x-api-key or Authorization: Bearer), the Kong credential (else the consumer, else the API key), or one scope for all.",
            },
          },
          {
            mapping_ttl_seconds: {
              type: "integer",
              required: true,
              default: 86400,
              between: [60, 2592000],
              description: "How long Redis keeps a pseudonym -> original mapping.",
            },
          },
          {
            max_body_size: {
              type: "integer",
              required: true,
              default: 33554432,
              between: [1024, 268435456],
              description: "Largest request body masked (bytes); larger bodies are refused with 413, never forwarded.",
            },
          },
          {
            redis_host: {
              type: "string",
              required: false,
              referenceable: true,
              description:
                "Redis host for the shared mapping store; empty for none (masking and restoring still work).",
            },
          },
          {
            redis_port: {
              type: "integer",
              required: true,
              default: 6379,
              between: [1, 65535],
              description: "Redis port.",
            },
          },
          {
            redis_password: {
              type: "string",
              required: false,
              referenceable: true,
              encrypted: true,
              description: "Redis AUTH password.",
            },
          },
          {
            redis_database: {
              type: "integer",
              required: true,
              default: 0,
              between: [0, 15],
              description: "Redis database number.",
            },
          },
          {
            redis_timeout_ms: {
              type: "integer",
              required: true,
              default: 250,
              between: [10, 10000],
              description: "Connect, send and read timeout for Redis (ms).",
            },
          },
          {
            redis_pool_size: {
              type: "integer",
              required: true,
              default: 32,
              between: [1, 1000],
              description: "Redis keepalive pool size per worker.",
            },
          },
          {
            disabled_kinds: {
              type: "array",
              required: true,
              default: [],
              elements: { type: "string", one_of: kindIds },
              description: "Identifier kinds not to mask (see docs/identifiers.md).",
            },
          },
          {
            allowlist: {
              type: "array",
              required: true,
              default: [],
              elements: { type: "string", len_min: 1 },
              description: "Exact values never masked (e.g. a public demo account id).",
            },
          },
          {
            mask_public_ips: {
              type: "boolean",
              required: true,
              default: true,
              description:
                'Deprecated: false is the same as "public-ipv4" in disabled_kinds (use that). Kept so existing configs keep their meaning; a warning is logged at startup.',
            },
          },
          {
            unscannable_content: {
              type: "string",
              required: true,
              default: "refuse",
              one_of: ["refuse", "forward"],
              description:
                "Content the gateway cannot scan for identifiers (images, PDFs and other media, URL and file sources): refuse the request (400), or forward it unscanned. Counted either way.",
            },
          },
          {
            custom_patterns: {
              type: "array",
              required: true,
              default: [],
              description:
                "Extra identifiers to mask, as PCRE patterns; matches get the pseudonym tag CUSTOM_<NAME> (or the tag of `kind`).",
              elements: {
                type: "record",
                fields: [
                  {
                    name: {
                      type: "string",
                      required: true,
                      match: "^[A-Za-z][A-Za-z0-9_]*$",
                      len_max: 32,
                      description: "Name; the pseudonym tag is CUSTOM_<NAME>.",
                    },
                  },
                  {
                    pattern: {
                      type: "string",
                      required: true,
                      len_max: 1024,
                      custom_validator: validPattern,
                      description: "PCRE pattern (ngx.re syntax).",
                    },
                  },
                  {
                    kind: {
                      type: "string",
                      required: false,
                      one_of: kindIds,
                      description: "Treat matches as this catalogue kind (its tag).",
                    },
                  },
                ],
              },
            },
          },
          {
            learn_names: {
              type: "boolean",
              required: true,
              default: true,
              description:
                "Remember names found by their context (bucket, function, table, role names...) per tenant, and mask them in the tenant's later requests wherever they stand.",
            },
          },
          {
            learned_names_max: {
              type: "integer",
              required: true,
              default: 10000,
              between: [0, 100000],
              description:
                "Most names remembered per tenant (in each worker and in Redis); past it new names are masked only where their context shows.",
            },
          },
          {
            learned_names_ttl_seconds: {
              type: "integer",
              required: true,
              default: 604800,
              between: [60, 31536000],
              description: "How long Redis keeps a tenant's learned names after the last new one.",
            },
          },
          {
            request_log_level: {
              type: "string",
              required: true,
              default: "info",
              one_of: ["debug", "info", "notice"],
              description:
                "Level of the error-log line of each masked, passed-through or skipped request (refusals and errors are always logged at notice). Kong's default log_level (notice) leaves info out: the same figures reach Kong's log plugins (kong.log.set_serialize_value) and the metrics without an error-log write per request.",
            },
          },
        ],
      },
    },
  ],
} as const; // literal types: plugin/conf.ts derives PluginConf from this declaration

export = schema;
