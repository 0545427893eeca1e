// Finds AWS identifiers in a string with exact boundaries: a match never stops inside a longer identifier and never
// starts inside a word. One forward pass over "words" (alphanumeric runs) dispatches on the word's first character,
// length and the character after it; a few literal anchors found with indexOf (".amazonaws.com", "secret", "token",
// STS token prefixes) add the identifiers that are only recognisable by what surrounds them.
// Pure: no ngx/kong; the same code runs compiled to Lua and as JavaScript.

import {
  byteAt, cls, runOf, matchesLowerAt, C_ALNUM, C_B32, C_B64, C_DIGIT, C_HEX, C_HIGH, C_LOWER, C_UPPER, C_WORD,
} from "./chars";
import { Kind, KINDS } from "./catalogue";
import { pseudonymEndAt, pseudonymStartBefore } from "./pseudonym";

export interface Match {
  s: number; // start (inclusive)
  e: number; // end (exclusive)
  kind: Kind;
}

/** Compiled per config (cached per worker): which kinds are on, values never masked. */
export interface ScanConfig {
  on: Record<string, boolean>; // kind id -> enabled
  allow: Record<string, boolean>; // exact values never masked
  hexKinds: Record<string, Kind>; // "i" -> kind, "ami" -> kind, ...
  hexHeads: Record<string, boolean>; // heads of multi-segment prefixes ("eni" for "eni-attach")
  iamKinds: Record<string, Kind>; // "AKIA" -> kind
  dashedHostKinds: Record<string, Kind>; // "ip" -> kind
  hostKinds: Record<string, Kind>; // service label -> kind
  byFamily: Record<string, Kind>; // family -> first kind of that family
  hostFallback: Kind | undefined; // aws-host kind for hostnames of services without a kind of their own
}

const PARTITIONS: Record<string, boolean> = {
  aws: true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true, "aws-iso-e": true,
  "aws-iso-f": true, "aws-eusc": true,
};

// Labels that name a service (not a resource) in hostnames under amazonaws.com.
const SERVICE_LABELS: Record<string, boolean> = {
  rds: true, elb: true, "execute-api": true, dkr: true, ecr: true, sqs: true, queue: true, compute: true,
  "compute-1": true, cache: true, redshift: true, "redshift-serverless": true, es: true, aos: true, eks: true,
  elasticbeanstalk: true, s3: true, "s3-website": true, kafka: true, mq: true, docdb: true, neptune: true,
  "cloudfront": true, "lambda-url": true, "vpce": true, "appsync-api": true, "amplifyapp": true, "dynamodb": true,
};

// First labels of public service endpoints (ec2.us-east-1.amazonaws.com): nothing to mask there.
const PUBLIC_ENDPOINTS: Record<string, boolean> = {
  ec2: true, sts: true, iam: true, s3: true, sqs: true, sns: true, lambda: true, logs: true, monitoring: true,
  dynamodb: true, kms: true, secretsmanager: true, ssm: true, ecr: true, api: true, ecs: true, eks: true, rds: true,
  elasticloadbalancing: true, cloudformation: true, autoscaling: true, route53: true, events: true, states: true,
  kinesis: true, firehose: true, athena: true, glue: true, elasticache: true, es: true, apigateway: true,
  "cognito-idp": true, bedrock: true, "bedrock-runtime": true, organizations: true, sso: true, portal: true,
  signin: true, health: true, ce: true, xray: true, codebuild: true, codecommit: true, codepipeline: true,
  codedeploy: true, ebs: true, elasticfilesystem: true, backup: true, acm: true, wafv2: true, guardduty: true,
  securityhub: true, config: true, cloudtrail: true, email: true, sagemaker: true, runtime: true, "s3-control": true,
  ssmmessages: true, ec2messages: true, servicequotas: true, pricing: true, support: true, ram: true, sdb: true,
  cloudfront: true, "api.ecr": true, tagging: true, account: true, identitystore: true, oidc: true,
};

const TOKEN_PREFIXES = ["IQoJb3JpZ2lu", "FwoGZXIvYXdz", "AQoDYXdzE"];

export function compileScanConfig(this: void, disabled: string[], allow: string[]): ScanConfig {
  const off: Record<string, boolean> = {};
  for (const id of disabled) off[id] = true;
  const cfg: ScanConfig = {
    on: {}, allow: {}, hexKinds: {}, hexHeads: {}, iamKinds: {}, dashedHostKinds: {}, hostKinds: {}, byFamily: {},
    hostFallback: undefined,
  };
  for (const v of allow) cfg.allow[v] = true;
  for (const k of KINDS) {
    cfg.on[k.id] = off[k.id] !== true;
    if (cfg.byFamily[k.family] === undefined) cfg.byFamily[k.family] = k;
    if (k.family === "prefixed-hex" && k.prefix !== undefined) {
      cfg.hexKinds[k.prefix] = k;
      // "eni-attach" registers the head "eni", so the scanner extends "eni" with the next segment
      let dash = k.prefix.indexOf("-");
      while (dash > 0) {
        cfg.hexHeads[k.prefix.substring(0, dash)] = true;
        dash = k.prefix.indexOf("-", dash + 1);
      }
    } else if (k.family === "iam-id" && k.prefix !== undefined) {
      cfg.iamKinds[k.prefix] = k;
    } else if (k.family === "dashed-ip-host" && k.prefix !== undefined) {
      cfg.dashedHostKinds[k.prefix] = k;
    } else if (k.family === "aws-host" && k.services !== undefined) {
      for (const svc of k.services) cfg.hostKinds[svc] = k;
      if (k.services.length === 0) cfg.hostFallback = k;
    }
  }
  return cfg;
}

function kindOn(cfg: ScanConfig, kind: Kind | undefined): boolean {
  return kind !== undefined && cfg.on[kind.id] === true;
}

function push(cfg: ScanConfig, s: string, out: Match[], a: number, b: number, kind: Kind | undefined): void {
  if (kind === undefined || cfg.on[kind.id] !== true || b <= a) return;
  if (cfg.allow[s.substring(a, b)] === true) return;
  // a pseudonym is never masked again
  if (pseudonymEndAt(s, a, b) === b) return;
  out.push({ s: a, e: b, kind });
}

/** True when an identifier may end at e: the next unit does not continue a word. */
function endsAt(s: string, e: number, n: number): boolean {
  if (e >= n) return true;
  return (cls(byteAt(s, e)) & C_WORD) === 0;
}

function isDigits(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) if ((cls(byteAt(s, k)) & C_DIGIT) === 0) return false;
  return true;
}

/** Case-insensitive search for a lowercase literal in s[a, b). */
function windowHas(s: string, a: number, b: number, lit: string): boolean {
  const last = b - lit.length;
  for (let k = a < 0 ? 0 : a; k <= last; k++) if (matchesLowerAt(s, k, b, lit)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Word matchers: each gets the word [i, j) and returns the end of what it consumed (> i) or 0.

function matchPrefixedHex(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  if (j - i > 12) return 0;
  let prefix = s.substring(i, j);
  let pos = j; // s[pos] == "-"
  for (let seg = 0; seg < 3; seg++) {
    const kind = cfg.hexKinds[prefix];
    if (kind !== undefined) {
      const hexLen = runOf(s, pos + 1, n, C_HEX);
      const e = pos + 1 + hexLen;
      if (hexLen > 0 && endsAt(s, e, n)) {
        const lengths = kind.lengths as number[];
        for (const len of lengths) {
          if (len === hexLen) {
            push(cfg, s, out, i, e, kind);
            return e;
          }
        }
      }
    }
    if (cfg.hexHeads[prefix] !== true) return 0;
    const w = runOf(s, pos + 1, n, C_LOWER | C_DIGIT);
    if (w === 0 || pos + 1 + w >= n || byteAt(s, pos + 1 + w) !== 45) return 0;
    prefix = prefix + "-" + s.substring(pos + 1, pos + 1 + w);
    pos = pos + 1 + w;
  }
  return 0;
}

/** Parses a dotted quad at i; returns its end or -1. Octets: 1-3 digits, <= 255, no leading zero. */
function dottedQuadEnd(s: string, i: number, n: number, sep: number, octets: number[]): number {
  let pos = i;
  for (let k = 0; k < 4; k++) {
    const d = runOf(s, pos, n, C_DIGIT);
    if (d === 0 || d > 3) return -1;
    if (d > 1 && byteAt(s, pos) === 48) return -1;
    let v = 0;
    for (let q = pos; q < pos + d; q++) v = v * 10 + (byteAt(s, q) - 48);
    if (v > 255) return -1;
    octets[k] = v;
    pos += d;
    if (k < 3) {
      if (pos >= n || byteAt(s, pos) !== sep) return -1;
      pos++;
    }
  }
  return pos;
}

function isPrivate(a: number, b: number): boolean {
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

function isReserved(a: number, b: number): boolean {
  // this network, loopback, link-local (incl. the 169.254.169.254 metadata service), multicast and above
  return a === 0 || a === 127 || (a === 169 && b === 254) || a >= 224;
}

function matchIpv4(cfg: ScanConfig, s: string, i: number, n: number, out: Match[]): number {
  if (i > 0) {
    const p = byteAt(s, i - 1);
    if (p === 46 || (cls(p) & C_WORD) !== 0) return 0; // inside a longer dotted number (1.10.0.0.1) or a word
  }
  const o: number[] = [0, 0, 0, 0];
  const e = dottedQuadEnd(s, i, n, 46, o);
  if (e < 0) return 0;
  if (e < n) {
    const c = byteAt(s, e);
    if ((cls(c) & C_WORD) !== 0) return 0;
    if (c === 46 && e + 1 < n && (cls(byteAt(s, e + 1)) & C_DIGIT) !== 0) return 0; // 1.2.3.4.5
  }
  if (isPrivate(o[0], o[1])) {
    push(cfg, s, out, i, e, cfg.byFamily["ipv4-private"]);
  } else if (!isReserved(o[0], o[1])) {
    // "version 1.2.3.4", "v1.2.3.4" are versions, not addresses
    if (!windowHas(s, i - 12, i, "version") && !windowHas(s, i - 4, i, "ver")) {
      push(cfg, s, out, i, e, cfg.byFamily["ipv4-public"]);
    }
  }
  return e;
}

function matchDashedIpHost(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  const kind = cfg.dashedHostKinds[s.substring(i, j)];
  if (kind === undefined) return 0;
  const o: number[] = [0, 0, 0, 0];
  const e = dottedQuadEnd(s, j + 1, n, 45, o);
  if (e < 0 || !endsAt(s, e, n)) return 0;
  if (e < n && byteAt(s, e) === 45) return 0;
  push(cfg, s, out, i, e, kind);
  return e;
}

function matchIamId(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  if (runOf(s, i, n, C_B32) < 20) return 0;
  const kind = cfg.iamKinds[s.substring(i, i + 4)];
  if (kind === undefined) return 0;
  push(cfg, s, out, i, j, kind);
  return j;
}

function matchAccountByContext(cfg: ScanConfig, s: string, i: number, j: number, n: number, keyCtx: string, out: Match[]): number {
  if (i > 0 && byteAt(s, i - 1) === 46) return 0;
  if (j < n && byteAt(s, j) === 46 && j + 1 < n && (cls(byteAt(s, j + 1)) & C_DIGIT) !== 0) return 0;
  let said = windowHas(s, i - 48, i, "account") || windowHas(s, i - 48, i, "owner");
  if (!said && i < 4 && keyCtx !== "") {
    said = windowHas(keyCtx, 0, keyCtx.length, "account") || windowHas(keyCtx, 0, keyCtx.length, "owner");
  }
  if (!said) return 0;
  push(cfg, s, out, i, j, cfg.byFamily["arn-account"]);
  return j;
}

const ARN_RESOURCE_STOP: boolean[] = [];
for (let c = 0; c < 256; c++) {
  // what can appear in an ARN resource: letters, digits and - _ / : . + = @ * $ ! ~ % #
  const ok = (c >= 48 && c <= 58) || (c >= 64 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95 ||
    c === 47 || c === 46 || c === 43 || c === 61 || c === 42 || c === 36 || c === 33 || c === 126 || c === 37 || c === 35;
  ARN_RESOURCE_STOP.push(!ok);
}

function arnFieldEnd(s: string, a: number, n: number): number {
  let k = a;
  while (k < n) {
    const c = byteAt(s, k);
    if (c === 58) return k;
    if ((cls(c) & (C_LOWER | C_DIGIT | C_UPPER)) === 0 && c !== 45 && c !== 95) return -1;
    k++;
  }
  return -1;
}

function matchArn(cfg: ScanConfig, s: string, i: number, n: number, out: Match[]): number {
  // arn:partition:service:region:account:resource
  const pEnd = arnFieldEnd(s, i + 4, n);
  if (pEnd < 0 || PARTITIONS[s.substring(i + 4, pEnd)] !== true) return 0;
  const svcEnd = arnFieldEnd(s, pEnd + 1, n);
  if (svcEnd <= pEnd + 1) return 0;
  const regEnd = arnFieldEnd(s, svcEnd + 1, n);
  if (regEnd < 0) return 0;
  const accEnd = arnFieldEnd(s, regEnd + 1, n);
  if (accEnd < 0) return 0;
  const resStart = accEnd + 1;
  let resEnd = resStart;
  while (resEnd < n) {
    const c = byteAt(s, resEnd);
    if (c >= 256 || ARN_RESOURCE_STOP[c]) break;
    resEnd++;
  }
  // a sentence may end right after an ARN
  while (resEnd > resStart) {
    const c = byteAt(s, resEnd - 1);
    if (c === 46 || c === 58) resEnd--;
    else break;
  }
  const accStart = regEnd + 1;
  const awsOwned = accEnd - accStart === 3 && s.substring(accStart, accEnd) === "aws";
  if (accEnd - accStart === 12 && isDigits(s, accStart, accEnd)) {
    push(cfg, s, out, accStart, accEnd, cfg.byFamily["arn-account"]);
  }
  if (awsOwned || resEnd <= resStart) return resEnd > resStart ? resEnd : accEnd;
  const service = s.substring(pEnd + 1, svcEnd);
  if (service === "s3") {
    let b = resStart;
    while (b < resEnd && byteAt(s, b) !== 47) b++;
    if (b > resStart && byteAt(s, resStart) !== 42) push(cfg, s, out, resStart, b, cfg.byFamily["s3-bucket"]);
    return resEnd;
  }
  // resource-type prefix ("role/", "function:", "instance/") stays visible; the name after it is masked
  let nameStart = resStart;
  let t = resStart;
  while (t < resEnd && ((cls(byteAt(s, t)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, t) === 45)) t++;
  if (t > resStart && t < resEnd && (byteAt(s, t) === 47 || byteAt(s, t) === 58) && (cls(byteAt(s, resStart)) & C_LOWER) !== 0) {
    nameStart = t + 1;
  }
  let nameEnd = resEnd;
  // a trailing wildcard (/*, :*) stays visible
  while (nameEnd > nameStart && (byteAt(s, nameEnd - 1) === 42 || byteAt(s, nameEnd - 1) === 47 || byteAt(s, nameEnd - 1) === 58)) nameEnd--;
  if (nameEnd <= nameStart) return resEnd;
  // a name that is itself a known id (instance/i-0abc...) gets that id's pseudonym, as it does elsewhere
  const inner: Match[] = [];
  if ((cls(byteAt(s, nameStart)) & C_LOWER) !== 0) {
    const w = nameStart + runOf(s, nameStart, nameEnd, C_ALNUM);
    if (w < nameEnd && byteAt(s, w) === 45 && matchPrefixedHex(cfg, s, nameStart, w, nameEnd, inner) === nameEnd && inner.length === 1) {
      out.push(inner[0]);
      return resEnd;
    }
  }
  push(cfg, s, out, nameStart, nameEnd, cfg.byFamily["arn-resource"]);
  return resEnd;
}

function bucketEnd(s: string, a: number, n: number): number {
  let k = a;
  while (k < n) {
    const c = byteAt(s, k);
    if ((cls(c) & (C_LOWER | C_DIGIT)) !== 0 || c === 45 || c === 46) k++;
    else break;
  }
  // a trailing dot ends the sentence, not the bucket
  while (k > a && byteAt(s, k - 1) === 46) k--;
  return k;
}

function matchS3Uri(cfg: ScanConfig, s: string, i: number, n: number, out: Match[]): number {
  // s3://bucket[/key]
  const a = i + 5;
  const e = bucketEnd(s, a, n);
  if (e - a < 3 || e - a > 63) return 0;
  if (e < n && (cls(byteAt(s, e)) & (C_UPPER | C_HIGH)) !== 0) return 0;
  push(cfg, s, out, a, e, cfg.byFamily["s3-bucket"]);
  return e;
}

// ---------------------------------------------------------------------------------------------------------------
// Anchored matchers: found by indexOf, added to `extra` in any order, sorted before the main pass merges them.

function isRegionLabel(s: string, a: number, b: number): boolean {
  // xx-name-N, xx-gov-name-N, xx-iso-name-N ...
  if (b - a < 9) return false;
  if ((cls(byteAt(s, a)) & C_LOWER) === 0 || (cls(byteAt(s, a + 1)) & C_LOWER) === 0 || byteAt(s, a + 2) !== 45) return false;
  if ((cls(byteAt(s, b - 1)) & C_DIGIT) === 0 || byteAt(s, b - 2) !== 45) return false;
  for (let k = a + 3; k < b - 2; k++) {
    const c = byteAt(s, k);
    if ((cls(c) & C_LOWER) === 0 && c !== 45) return false;
  }
  return true;
}

function findHosts(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const anchor = ".amazonaws.com";
  let p = s.indexOf(anchor);
  while (p >= 0) {
    let after = p + anchor.length;
    if (after + 3 <= n && s.substring(after, after + 3) === ".cn") after += 3;
    if (after >= n || (cls(byteAt(s, after)) & C_ALNUM) === 0 && byteAt(s, after) !== 45) {
      hostAt(cfg, s, n, p, after, extra);
    }
    p = s.indexOf(anchor, p + 1);
  }
}

function hostAt(cfg: ScanConfig, s: string, n: number, p: number, after: number, extra: Match[]): void {
  // walk back over the host name
  let h = p;
  while (h > 0) {
    const c = byteAt(s, h - 1);
    if ((cls(c) & C_ALNUM) !== 0 || c === 45 || c === 46 || c === 95) h--;
    else break;
  }
  while (h < p && (cls(byteAt(s, h)) & C_ALNUM) === 0) h++;
  if (h >= p) return;
  if (h > 0 && (cls(byteAt(s, h - 1)) & C_HIGH) !== 0) return;
  // labels [h, p): find the first service or region label
  const starts: number[] = [];
  const ends: number[] = [];
  let a = h;
  for (let k = h; k <= p; k++) {
    if (k === p || byteAt(s, k) === 46) {
      starts.push(a);
      ends.push(k);
      a = k + 1;
    }
  }
  const count = starts.length;
  let t = 0;
  let service = "";
  while (t < count) {
    const label = s.substring(starts[t], ends[t]);
    if (SERVICE_LABELS[label] === true || label.substring(0, 3) === "s3-" || isRegionLabel(s, starts[t], ends[t])) {
      service = label;
      break;
    }
    t++;
  }
  // the service label may follow the region (x.us-east-1.rds): take the first known one after t
  let kind: Kind | undefined = undefined;
  for (let k = t; k < count; k++) {
    const label = s.substring(starts[k], ends[k]);
    if (cfg.hostKinds[label] !== undefined) {
      kind = cfg.hostKinds[label];
      service = label;
      break;
    }
    if (label === "s3" || label.substring(0, 3) === "s3-" || label === "dkr") {
      service = label;
      break;
    }
  }
  const isS3 = service === "s3" || service.substring(0, 3) === "s3-";
  if (t === 0) {
    // no resource labels: a service endpoint; path-style S3 and SQS URLs carry names in the path
    if (after < n && byteAt(s, after) === 47) {
      if (isS3) {
        const e = bucketEnd(s, after + 1, n);
        if (e - after - 1 >= 3) push(cfg, s, extra, after + 1, e, cfg.byFamily["s3-bucket"]);
      } else if (service === "sqs" || service === "queue" || (count > 0 && s.substring(starts[0], ends[0]) === "sqs")) {
        sqsPath(cfg, s, n, after, extra);
      }
    }
    return;
  }
  if (s.substring(starts[0], ends[0]) === "sqs" || (t < count && s.substring(starts[t], ends[t]) === "queue")) {
    if (after < n && byteAt(s, after) === 47) sqsPath(cfg, s, n, after, extra);
    return;
  }
  const resEnd = ends[t - 1];
  if (t === 1 && PUBLIC_ENDPOINTS[s.substring(h, resEnd)] === true) {
    if (after < n && byteAt(s, after) === 47 && isS3) {
      const e = bucketEnd(s, after + 1, n);
      if (e - after - 1 >= 3) push(cfg, s, extra, after + 1, e, cfg.byFamily["s3-bucket"]);
    }
    return;
  }
  // ip-a-b-c-d / ec2-a-b-c-d labels are the main pass's
  if (t === 1) {
    const dash = s.indexOf("-", h);
    if (dash > h && dash < resEnd && cfg.dashedHostKinds[s.substring(h, dash)] !== undefined) {
      const o: number[] = [0, 0, 0, 0];
      if (dottedQuadEnd(s, dash + 1, resEnd, 45, o) === resEnd) return;
    }
  }
  if (isS3) {
    push(cfg, s, extra, h, resEnd, cfg.byFamily["s3-bucket"]);
  } else if (service === "dkr" && t === 1 && resEnd - h === 12 && isDigits(s, h, resEnd)) {
    push(cfg, s, extra, h, resEnd, cfg.byFamily["arn-account"]);
  } else {
    push(cfg, s, extra, h, resEnd, kind !== undefined ? kind : cfg.hostFallback);
  }
}

function sqsPath(cfg: ScanConfig, s: string, n: number, slash: number, extra: Match[]): void {
  // /123456789012/queue-name
  const a = slash + 1;
  const d = runOf(s, a, n, C_DIGIT);
  if (d !== 12 || a + d >= n || byteAt(s, a + d) !== 47) return;
  push(cfg, s, extra, a, a + 12, cfg.byFamily["arn-account"]);
  const q = a + 13;
  let e = q;
  while (e < n) {
    const c = byteAt(s, e);
    if ((cls(c) & C_ALNUM) !== 0 || c === 45 || c === 95 || c === 46) e++;
    else break;
  }
  while (e > q && byteAt(s, e - 1) === 46) e--;
  if (e > q) push(cfg, s, extra, q, e, cfg.hostKinds["sqs"]);
}

/** Key-ish token around p ([A-Za-z0-9_-]), returned as [start, end]. */
function keyAround(s: string, p: number, n: number): [number, number] {
  let a = p;
  while (a > 0) {
    const c = byteAt(s, a - 1);
    if ((cls(c) & C_ALNUM) !== 0 || c === 95 || c === 45) a--;
    else break;
  }
  let b = p;
  while (b < n) {
    const c = byteAt(s, b);
    if ((cls(c) & C_ALNUM) !== 0 || c === 95 || c === 45) b++;
    else break;
  }
  return [a, b];
}

/** After a key ending at b: skips a separator (quotes, ':', '=', blanks; at most 8 units); returns the value start or -1. */
function valueAfterKey(s: string, b: number, n: number): number {
  let k = b;
  let seen = false;
  while (k < n && k - b < 8) {
    const c = byteAt(s, k);
    if (c === 58 || c === 61) seen = true;
    else if (c !== 34 && c !== 39 && c !== 32 && c !== 9 && c !== 62) break;
    k++;
  }
  if (!seen && k === b) return -1;
  return k;
}

function credentialAfter(cfg: ScanConfig, s: string, n: number, p: number, secret: boolean, extra: Match[]): void {
  const [ka, kb] = keyAround(s, p, n);
  if (!secret) {
    // session tokens: the key must say session or security (aws_session_token, x-amz-security-token, SessionToken)
    if (!windowHas(s, ka, kb, "session") && !windowHas(s, ka, kb, "security")) return;
  }
  const v = valueAfterKey(s, kb, n);
  if (v < 0 || v >= n) return;
  if (secret) {
    const len = runOf(s, v, n, C_B64);
    if (len !== 40) return;
    const e = v + 40;
    if (e < n && byteAt(s, e) === 61) return;
    if (runOf(s, v, e, C_LOWER | C_DIGIT) === 40) return; // 40 lower-case hex/alnum: a git SHA, not a key
    push(cfg, s, extra, v, e, cfg.byFamily["secret-key"]);
  } else {
    let e = v + runOf(s, v, n, C_B64);
    while (e < n && byteAt(s, e) === 61) e++;
    if (e - v >= 32) push(cfg, s, extra, v, e, cfg.byFamily["session-token"]);
  }
}

function findCredentials(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  if (kindOn(cfg, cfg.byFamily["secret-key"])) {
    for (const lit of ["ecret", "ECRET"]) {
      let p = s.indexOf(lit);
      while (p >= 0) {
        credentialAfter(cfg, s, n, p, true, extra);
        p = s.indexOf(lit, p + 5);
      }
    }
  }
  if (kindOn(cfg, cfg.byFamily["session-token"])) {
    for (const lit of ["oken", "OKEN"]) {
      let p = s.indexOf(lit);
      while (p >= 0) {
        credentialAfter(cfg, s, n, p, false, extra);
        p = s.indexOf(lit, p + 4);
      }
    }
    for (const lit of TOKEN_PREFIXES) {
      let p = s.indexOf(lit);
      while (p >= 0) {
        if (p === 0 || (cls(byteAt(s, p - 1)) & C_B64) === 0) {
          let e = p + runOf(s, p, n, C_B64);
          while (e < n && byteAt(s, e) === 61) e++;
          if (e - p >= 100) push(cfg, s, extra, p, e, cfg.byFamily["session-token"]);
        }
        p = s.indexOf(lit, p + 1);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Appends the identifiers of s to out, in order, non-overlapping. keyCtx is the JSON key whose value s is ("" when
 * none): it supplies context ("OwnerId") that the string itself does not carry.
 */
export function scan(this: void, cfg: ScanConfig, s: string, keyCtx: string, out: Match[]): void {
  const n = s.length;
  let extra: Match[] | undefined = undefined;
  if (n >= 16) {
    const found: Match[] = [];
    findHosts(cfg, s, n, found);
    if (n >= 40) findCredentials(cfg, s, n, found);
    if (found.length > 0) {
      // insertion sort: a handful of items
      for (let a = 1; a < found.length; a++) {
        const m = found[a];
        let b = a - 1;
        while (b >= 0 && found[b].s > m.s) {
          found[b + 1] = found[b];
          b--;
        }
        found[b + 1] = m;
      }
      extra = found;
    }
  }
  let x = 0;
  const nx = extra !== undefined ? extra.length : 0;
  let nextExtra = nx > 0 ? (extra as Match[])[0].s : n + 1;
  let i = 0;
  while (i < n) {
    if (i >= nextExtra) {
      const m = (extra as Match[])[x];
      const last = out.length > 0 ? out[out.length - 1] : undefined;
      if (last === undefined || last.e <= m.s) {
        out.push(m);
        if (m.e > i) i = m.e;
      }
      x++;
      nextExtra = x < nx ? (extra as Match[])[x].s : n + 1;
      continue;
    }
    const c = byteAt(s, i);
    const f = cls(c);
    if ((f & C_ALNUM) === 0) {
      i++;
      continue;
    }
    const j = i + runOf(s, i, n, C_ALNUM);
    let consumed = 0;
    const prev = i > 0 ? byteAt(s, i - 1) : 32;
    if ((cls(prev) & C_HIGH) === 0 && !(prev === 95 && pseudonymStartBefore(s, i) >= 0)) {
      const before = out.length;
      const nxt = j < n ? byteAt(s, j) : -1;
      const len = j - i;
      if ((f & C_LOWER) !== 0) {
        if (nxt === 45) {
          consumed = matchPrefixedHex(cfg, s, i, j, n, out);
          if (consumed === 0 && len <= 3) consumed = matchDashedIpHost(cfg, s, i, j, n, out);
        } else if (nxt === 58 && len === 3 && byteAt(s, i) === 97 && byteAt(s, i + 1) === 114 && byteAt(s, i + 2) === 110) {
          consumed = matchArn(cfg, s, i, n, out);
        } else if (nxt === 58 && len === 2 && byteAt(s, i) === 115 && byteAt(s, i + 1) === 51 && j + 2 < n &&
          byteAt(s, j + 1) === 47 && byteAt(s, j + 2) === 47) {
          consumed = matchS3Uri(cfg, s, i, n, out);
        }
      } else if ((f & C_UPPER) !== 0) {
        if (len === 20) consumed = matchIamId(cfg, s, i, j, n, out);
      } else if (len <= 3 && nxt === 46) {
        consumed = matchIpv4(cfg, s, i, n, out);
      } else if (len === 12) {
        consumed = matchAccountByContext(cfg, s, i, j, n, keyCtx, out);
      }
      // drop anchored matches the word matcher consumed
      if (consumed > 0 && out.length > before) {
        while (x < nx && (extra as Match[])[x].s < consumed) x++;
        nextExtra = x < nx ? (extra as Match[])[x].s : n + 1;
      }
    }
    i = consumed > i ? consumed : j;
  }
}
