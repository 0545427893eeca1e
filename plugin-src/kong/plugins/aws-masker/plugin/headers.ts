// Request headers toward the upstream (docs/field-rules.md, "Headers"): what says where the client is or which hops
// the request took is not sent; the Claude API's credentials and the transport headers nginx rebuilds go as they
// are; every other header is scanned and its identifiers masked in place.
import { Masker, Session, maskText, learnedIn, rememberedIn, Match } from "../engine/index";
import { refuse } from "./errors";
import { count } from "./stats";

/** Client-address and hop headers (proxies, load balancers, CDNs): never sent upstream. */
const CLIENT_ADDRESS: Record<string, boolean> = {
  forwarded: true,
  via: true,
  "x-real-ip": true,
  "true-client-ip": true,
  "x-client-ip": true,
  "client-ip": true,
  "x-cluster-client-ip": true,
  "cf-connecting-ip": true,
  "fastly-client-ip": true,
  "x-original-forwarded-for": true,
  "x-originating-ip": true,
  "x-envoy-external-address": true,
  "x-amzn-trace-id": true,
};
const FORWARDED_PREFIX = "x-forwarded-";

/**
 * Kong's proxy template sends X-Forwarded-* (and Via, 3.9) from these variables, which its runloop fills before the
 * plugins' access phase; an empty variable makes nginx send no header. X-Real-IP comes from $remote_addr, which no
 * plugin can change: the egress proxy removes it (kong/claude-proxy.conf).
 */
const FORWARDING_VARS = [
  "upstream_x_forwarded_for",
  "upstream_x_forwarded_proto",
  "upstream_x_forwarded_host",
  "upstream_x_forwarded_port",
  "upstream_x_forwarded_path",
  "upstream_x_forwarded_prefix",
  "upstream_via",
];

/** Sent as received, never scanned: the API's credentials, and transport headers nginx rebuilds or access checks. */
const UNSCANNED: Record<string, boolean> = {
  "x-api-key": true,
  authorization: true,
  host: true,
  "content-length": true,
  "transfer-encoding": true,
  "content-encoding": true,
  "accept-encoding": true,
  connection: true,
  "keep-alive": true,
  te: true,
  upgrade: true,
  expect: true,
};

/** Kong's limit for kong.request.get_headers(); a request with more is refused rather than partly scanned. */
const MAX_HEADERS = 1000;

/** ngx.var (a reserved word in TypeScript), read per call: it is bound to the current request. */
export function nginxVars(): Record<string, string | undefined> {
  return (ngx as unknown as { var: Record<string, string | undefined> }).var;
}

function isClientAddress(name: string): boolean {
  return CLIENT_ADDRESS[name] === true || string.sub(name, 1, FORWARDED_PREFIX.length) === FORWARDED_PREFIX;
}

/** Empties the variables Kong's template builds forwarding headers from (a variable the template lacks is skipped). */
export function dropForwarding(): void {
  const vars = nginxVars();
  for (const name of FORWARDING_VARS) {
    if (vars[name] !== undefined) vars[name] = "";
  }
}

/**
 * Per masker (weak keys), header names and values it found nothing in: clients resend the same user-agent, beta and
 * SDK headers on every request, so those are scanned once per worker (this request's learned names and the tenant's
 * remembered names are looked for again: either may have grown since). Bounded by CLEAN_MAX; past it the cache starts
 * over.
 */
const cleanValues = setmetatable(new LuaTable<Masker, { values: Record<string, boolean>; size: number }>(), {
  __mode: "k",
});
const CLEAN_MAX = 4096;

/** True when the tenant's memory holds a name that stands in value. */
function remembersIn(sess: Session, value: string): boolean {
  if (sess.memory === undefined) return false;
  const occ: Match[] = [];
  rememberedIn(sess.memory, value, occ);
  return occ.length > 0;
}

/** value with its identifiers masked (value itself when there are none): a header name or value. */
function maskValue(sess: Session, value: string): string {
  let clean = cleanValues.get(sess.masker);
  if (clean === undefined) {
    clean = { values: {}, size: 0 };
    cleanValues.set(sess.masker, clean);
  }
  if (
    clean.values[value] === true &&
    (sess.learned.length === 0 || learnedIn(sess.learned, value).length === 0) &&
    !remembersIn(sess, value)
  )
    return value;
  const out = maskText(sess, value, "");
  if (out === value) {
    if (clean.size >= CLEAN_MAX) {
      clean.values = {};
      clean.size = 0;
    }
    clean.values[value] = true;
    clean.size++;
  }
  return out;
}

/** Removes client-address headers and masks identifiers in every scanned header, with the request's session. */
export function maskHeaders(sess: Session): void {
  const [headers, err] = kong.request.get_headers(MAX_HEADERS);
  if (err === "truncated") {
    return refuse(
      400,
      "invalid_request_error",
      "more than " + MAX_HEADERS + " request headers; they were not forwarded",
    );
  }
  let masked = 0;
  for (const [name, value] of headers) {
    if (isClientAddress(name)) {
      kong.service.request.clear_header(name);
      continue;
    }
    if (UNSCANNED[name] === true) continue;
    // a name cannot be masked without changing what the header means
    if (maskValue(sess, name) !== name) {
      return refuse(
        400,
        "invalid_request_error",
        "a request header name contains an AWS identifier; it was not forwarded",
      );
    }
    if (typeof value === "string") {
      const out = maskValue(sess, value);
      if (out !== value) {
        kong.service.request.set_header(name, out);
        masked++;
      }
      continue;
    }
    // a repeated header: each value masked, the repetition kept
    const outs: string[] = [];
    let changed = false;
    for (const v of value) {
      const out = maskValue(sess, v);
      outs.push(out);
      if (out !== v) changed = true;
    }
    if (changed) {
      kong.service.request.set_header(name, outs[0]);
      for (let k = 1; k < outs.length; k++) kong.service.request.add_header(name, outs[k]);
      masked++;
    }
  }
  if (masked > 0) count("headers_masked", masked);
}
