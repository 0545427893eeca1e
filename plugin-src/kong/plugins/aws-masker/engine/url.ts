// The forms of a request URL an identifier may hide in: as received, each layer of percent-decoding (Kong and the
// upstream decode once; a client or a proxy may have encoded twice), and the decoded path with dot segments and
// repeated slashes removed (as Kong normalises it). Pure and linear: each layer is one pass.

import { byteAt, sub } from "./chars";

const SLASH = 47; // /
const DOT = 46; // .

/** Layers of percent-encoding decoded at most; a URL still encoded deeper is not checked but refused. */
export const MAX_URL_LAYERS = 4;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** s with every %XY replaced by its byte; other "%" kept. */
export function percentDecode(s: string): string {
  let p = s.indexOf("%");
  if (p < 0) return s;
  const parts: string[] = [];
  let at = 0;
  const n = s.length;
  while (p >= 0) {
    if (p + 2 < n) {
      const hi = hexValue(byteAt(s, p + 1));
      const lo = hexValue(byteAt(s, p + 2));
      if (hi >= 0 && lo >= 0) {
        parts.push(sub(s, at, p));
        parts.push(String.fromCharCode(hi * 16 + lo));
        at = p + 3;
        p = s.indexOf("%", at);
        continue;
      }
    }
    p = s.indexOf("%", p + 1);
  }
  parts.push(sub(s, at, n));
  return parts.join("");
}

/** The path with "." and ".." segments resolved and empty segments dropped (RFC 3986 5.2.4, Kong's normalisation). */
export function removeDotSegments(path: string): string {
  const kept: string[] = [];
  const n = path.length;
  let a = 0;
  while (a <= n) {
    let b = path.indexOf("/", a);
    if (b < 0) b = n;
    const len = b - a;
    if (len === 0 || (len === 1 && byteAt(path, a) === DOT)) {
      // empty or "."
    } else if (len === 2 && byteAt(path, a) === DOT && byteAt(path, a + 1) === DOT) {
      if (kept.length > 0) kept.length = kept.length - 1;
    } else {
      kept.push(sub(path, a, b));
    }
    a = b + 1;
  }
  const trailing = n > 0 && byteAt(path, n - 1) === SLASH;
  return "/" + kept.join("/") + (trailing && kept.length > 0 ? "/" : "");
}

/**
 * The forms of requestUri (path and query as received) to check for identifiers: the raw form, each decoded layer
 * and the normalised decoded path. undefined when it is encoded more than MAX_URL_LAYERS deep.
 */
export function urlForms(requestUri: string): string[] | undefined {
  const forms: string[] = [requestUri];
  let cur = requestUri;
  for (let layer = 0; ; layer++) {
    const next = percentDecode(cur);
    if (next === cur) break;
    if (layer >= MAX_URL_LAYERS) return undefined;
    forms.push(next);
    cur = next;
  }
  // the path of the fully decoded form, normalised (a decoded "?" is part of the path, so cut the raw form's query)
  const q = requestUri.indexOf("?");
  let path = q >= 0 ? sub(requestUri, 0, q) : requestUri;
  for (let layer = 0; layer < MAX_URL_LAYERS; layer++) {
    const next = percentDecode(path);
    if (next === path) break;
    path = next;
  }
  if (path.length > 0 && byteAt(path, 0) === SLASH) {
    const normal = removeDotSegments(path);
    if (normal !== path) forms.push(normal);
  }
  return forms;
}
