// Finds AWS identifiers in a string with exact boundaries: a match never stops inside a longer identifier and never
// starts inside a word. One forward pass over "words" (alphanumeric runs) dispatches on the word's first character,
// length and the character after it; a few literal anchors found with indexOf (".amazonaws.com", "secret", "token",
// STS token prefixes) add the identifiers that are only recognisable by what surrounds them.
// Pure: no ngx/kong; the same code runs compiled to Lua and as JavaScript.

import * as ch from "./chars";
import * as b64 from "./base64";
import * as creds from "./credentials";
import * as nm from "./names";
import * as ct from "./contacts";
import { Kind, KINDS } from "./catalogue";
import * as pseudo from "./pseudonym";
import { KeyTable, KeyToken, kindOfKeyEndingAt, plausibleName, Span, valueAfter } from "./names";
import {
  CRED_NONE,
  CredentialKey,
  credentialKeyEndingAt,
  credentialValueAfter,
  mayEndCredentialKey,
} from "./credentials";

// What the key and value readers (names.ts, credentials.ts) fill for the matcher that calls them, read right after the
// call: passed explicitly, owned here (no allocation per candidate).
const KEY_TOKEN: KeyToken = { start: 0, dashes: 0 };
const VALUE_SPAN: Span = { s: 0, e: 0 };
const CRED_KEY: KeyToken = { start: 0, dashes: 0 };
const CRED_SPAN: Span = { s: 0, e: 0 };
/** creds.anchoredCredentials' spans, [start, end) pairs. */
const CRED_SPANS: number[] = [];

// Module-local copies: an imported binding is a table field (Lua) or a getter (some JS module loaders) on every use.
// (The compiled module's main chunk is at Lua's limit of 200 locals: a new import or top-level function needs one of
// these, used once in cold code, written out where it is used.)
const byteAt = ch.byteAt;
const sub = ch.sub;
const cls = ch.cls;
const runOf = ch.runOf;
const matchesLowerAt = ch.matchesLowerAt;
const unitAt = ch.unitAt;
const firstOf = ch.firstOf;
const lowerCode = ch.lowerCode;
const C_ALNUM = ch.C_ALNUM;
const C_DIGIT = ch.C_DIGIT;
const C_HEX = ch.C_HEX;
const C_LOWER = ch.C_LOWER;
const C_UPPER = ch.C_UPPER;

/** Injected regular-expression finder for custom patterns: [start, end) of the first match at or after from. */
export type RegexFind = (this: void, pattern: string, subject: string, from: number) => [number, number] | undefined;

export interface CustomPattern {
  name: string;
  pattern: string;
  /** An existing kind id whose tag the matches get; default: a kind of its own tagged CUSTOM_<NAME>. */
  kind?: string;
}

export interface Match {
  s: number; // start (inclusive)
  e: number; // end (exclusive)
  kind: Kind;
  /** Masked where it stands only, not learned (a `column -t` row's plain word: learned, it went in every sentence). */
  local?: boolean;
  /** A free-standing 12-digit number in a string without an AWS signal: an account id only if the request has one. */
  weak?: boolean;
}

/** Compiled per config (cached per worker): which kinds are on, values never masked. */
export interface ScanConfig {
  on: Record<string, boolean>; // kind id -> enabled
  allow: Record<string, boolean>; // exact values never masked
  allowAny: boolean; // allow has entries (skips building the match's text for the common empty allowlist)
  hexKinds: Record<string, Kind>; // "i" -> kind, "ami" -> kind, ...
  hexHeads: Record<string, boolean>; // heads of multi-segment prefixes ("eni" for "eni-attach")
  upperKinds: Record<string, Kind>; // "j" -> EMR cluster, "db" -> RDS resource id
  iamKinds: Record<string, Kind>; // "AKIA" -> kind
  orgKinds: Record<string, Kind>; // "o" / "ou" / "r" -> kind
  dashedHostKinds: Record<string, Kind>; // "ip" -> kind
  hostKinds: Record<string, Kind>; // service label -> kind
  arnKinds: Record<string, Kind>; // "lambda:function" -> kind
  keys: KeyTable; // normalised key -> kind of the value (names by context)
  byFamily: Record<string, Kind>; // family -> first kind of that family
  byId: Record<string, Kind>;
  hostFallback: Kind | undefined; // aws-host kind for hostnames of services without a kind of their own
  zoneKind: Kind | undefined;
  distributionKind: Kind | undefined;
  apiIdKind: Kind | undefined;
  hex32Kind: Kind | undefined;
  /** The values of id keys found by the current scan (idValues), merged where the main pass found nothing. */
  idValues: Match[];
  /**
   * Names the current top-level scan found before its first AWS match (valueOfKey's tag pairs, matchProseName's names,
   * the values of the keys read again from signalKeys), merged when the text has one.
   */
  signalValues: Match[];
  /** The keys matchKeyValue kept aside before the text's first AWS signal (its end * 4 + flagOnly + aligned * 2). */
  signalKeys: number[];
  custom: CustomPattern[];
  customKinds: Kind[];
  regexFind: RegexFind | undefined;
  /** JSON member name -> what it says about its values (keyInfoOf): keys repeat in every request, classified once. */
  keyInfo: Record<string, KeyInfo>;
  keyInfoCount: number;
  /**
   * A word of text that stands as a whole key token ("InstanceId" in `"InstanceId": "i-..."`) -> true when it names no
   * key of any kind (credential, name, generic name): wordMatch then skips the key matchers. Keys repeat in every
   * request; bounded like keyInfo.
   */
  keylessWords: Record<string, boolean>;
  keylessCount: number;
}

/** What a JSON member name says about the values under it (scanWords). */
interface KeyInfo {
  key: string;
  /** the credential its name says (credentials.ts), CRED_NONE for most */
  cred: CredentialKey;
  /** the kind of name its values are (a name key, or a generic one such as ...Name), or undefined */
  name: Kind | undefined;
}

/**
 * max: the bound of ScanConfig.keyInfo (member names of one API are a few hundred); past it the table starts over.
 * none: what a word that is no key is told (one table, not a local each: the module's main chunk is at Lua's limit).
 */
const KEY_INFO: { max: number; none: KeyInfo } = { max: 4096, none: { key: "", cred: CRED_NONE, name: undefined } };

function keyInfoOf(cfg: ScanConfig, key: string): KeyInfo {
  const kl = key.length;
  if (kl === 0) return KEY_INFO.none;
  const known = cfg.keyInfo[key];
  // (key check: in JS a plain object answers "constructor" and friends itself)
  if (known !== undefined && known.key === key) return known;
  let name = nm.kindOfKey(cfg.keys, key);
  if (name === undefined && kl <= 64 && nm.genericKey(key, 0, kl)) name = cfg.byId["resource-name"];
  const info: KeyInfo = {
    key,
    cred: kl >= 3 && mayEndCredentialKey(byteAt(key, kl - 1)) ? creds.credentialKeyCode(key, 0, kl) : CRED_NONE,
    name,
  };
  if (key !== "__proto__") {
    if (cfg.keyInfoCount >= KEY_INFO.max) {
      cfg.keyInfo = {};
      cfg.keyInfoCount = 0;
    }
    cfg.keyInfo[key] = info;
    cfg.keyInfoCount++;
  }
  return info;
}

function nounKinds(): void {
  const generic = KINDS.filter((k) => k.id === "resource-name")[0];
  const byId: Record<string, Kind> = {};
  for (const k of KINDS) byId[k.id] = k;
  const nouns: [string, string][] = [
    ["cluster", "cluster-name"],
    ["bucket", "s3-bucket"],
    ["table", "dynamodb-table"],
    ["function", "lambda-function"],
    ["role", "iam-role-name"],
    ["queue", "sqs-queue"],
    ["topic", "resource-name"],
    ["stack", "resource-name"],
    ["alarm", "resource-name"],
    ["group", "resource-name"],
    ["nodegroup", "resource-name"],
    ["database", "db-instance"],
    ["repository", "resource-name"],
    ["repo", "resource-name"],
    ["service", "resource-name"],
    ["user", "iam-user-name"],
    ["instance", "db-instance"],
    ["secret", "resource-name"],
    ["parameter", "resource-name"],
    ["vault", "resource-name"],
    ["lambda", "lambda-function"],
    ["crawler", "resource-name"],
    ["workgroup", "resource-name"],
    ["pipeline", "resource-name"],
    ["stream", "resource-name"],
    ["project", "resource-name"],
    ["alias", "resource-name"],
    // a CloudWatch Synthetics canary, an RDS proxy, a Step Functions workflow (twenty-ninth pass)
    ["canary", "resource-name"],
    ["proxy", "resource-name"],
    ["workflow", "resource-name"],
    // an EventBridge bus and schedule, a Firehose stream, a CloudWatch dashboard, an Amazon MQ broker (thirty-third;
    // not "rule": lint, firewall and WAF rules are named in the same words)
    ["bus", "resource-name"],
    ["schedule", "resource-name"],
    ["firehose", "resource-name"],
    ["dashboard", "resource-name"],
    ["broker", "resource-name"],
    // a Cost Anomaly Detection or other monitor, a resiliency or other policy (thirty-fourth; a name needs dashes, so
    // "monitor the cluster" and AWS's managed policies, in PascalCase, stay)
    ["monitor", "resource-name"],
    ["policy", "resource-name"],
    // a DMS replication task ("Replication task orders-cdc started"; not "node": Node.js versions, node 18-alpine)
    ["task", "resource-name"],
    // an AWS Budgets budget; an observability tool's entity (New Relic's "entity orders-api-lambda") (thirty-fourth)
    ["budget", "resource-name"],
    ["entity", "resource-name"],
    // an EventBridge rule and bus, a Step Functions state machine (thirty-sixth; "rule" and "machine" only after their
    // service's word: names.ts qualifiedNoun)
    ["rule", "resource-name"],
    ["eventbus", "resource-name"],
    ["machine", "resource-name"],
    // a Glue, Batch or Macie job, a Network Firewall, an EC2 key pair ("pair" only after "key")
    ["job", "resource-name"],
    ["firewall", "resource-name"],
    ["pair", "resource-name"],
    // an Amplify or other app, an OpenSearch domain, an IoT thing
    ["app", "resource-name"],
    ["domain", "resource-name"],
    ["thing", "resource-name"],
    // Bedrock's agents, guardrails and knowledge bases ("base" only after "knowledge"), an OpenSearch Serverless
    // collection, a vector index, a SageMaker endpoint
    ["agent", "resource-name"],
    ["guardrail", "resource-name"],
    ["base", "resource-name"],
    // (forty-seventh pass) a Bedrock knowledge base's shorthand, data source, provisioned or custom model, inference
    // profile and prompt flow ("source" only after "data", "model" after "provisioned", "custom" or "imported", "flow"
    // after "prompt"), an AWS Config aggregator, an SCP
    ["kb", "resource-name"],
    ["source", "resource-name"],
    ["model", "resource-name"],
    ["flow", "resource-name"],
    ["aggregator", "resource-name"],
    ["scp", "resource-name"],
    ["collection", "resource-name"],
    ["index", "resource-name"],
    ["endpoint", "resource-name"],
    // a bastion host, a Global Accelerator, an App Runner service ("runner" only after "app")
    ["bastion", "resource-name"],
    ["accelerator", "resource-name"],
    ["runner", "resource-name"],
    // an API Gateway API ("HTTP API h4k9p2x7qa", "the API orders-api-v2"; its id has its own kind where a key or a
    // host says it)
    ["api", "resource-name"],
    // an EC2 instance profile, a CLI profile ("profile" only after "instance", "from", "using" or "AWS"); a queue or a
    // topic by its service's name alone (Lambda's "on-failure destination (SQS orders-failures)")
    ["profile", "resource-name"],
    ["sqs", "sqs-queue"],
    ["sns", "resource-name"],
    // an EFS or FSx file system, an S3 access point ("system" only after "file", "point" after "access"), an FSx for
    // ONTAP storage virtual machine (not "share": LuaJIT aborted every trace of the suffix walk with it, "register
    // coalescing too complex")
    ["system", "resource-name"],
    ["point", "resource-name"],
    ["svm", "resource-name"],
    // an AWS Backup plan ("plan" only after "backup"; not "replica": a name stands before it as often, "the
    // global-table replica")
    ["plan", "resource-name"],
    // (forty-fifth pass) AWS Backup's restore testing selections, an FSx for ONTAP volume (Volume eng_builds_vol on SVM x)
    ["selection", "resource-name"],
    ["volume", "resource-name"],
    // a Kafka Connect (Debezium's) connector, an Airflow DAG (forty-second pass)
    ["connector", "resource-name"],
    ["dag", "resource-name"],
    // a container (ECS's, docker's), a host or a server by its kebab name (forty-third pass: "container payouts-cron",
    // "the ledger-worker-2 host")
    ["container", "resource-name"],
    ["host", "resource-name"],
    ["server", "resource-name"],
    // a security group by its chat shorthand ("the sg ledger-aurora-clients"; its id, sg-0a1b..., has its own kind), a
    // subnet by its Name tag, an EC2 launch template, an ECS capacity provider ("template" only after "launch",
    // "provider" after "capacity"), a Redshift Serverless or Kubernetes namespace, a Pinpoint campaign (forty-fourth
    // pass; not "pool": a Cognito user pool's id after it has its own kind)
    ["sg", "resource-name"],
    ["subnet", "resource-name"],
    ["template", "resource-name"],
    ["provider", "resource-name"],
    ["namespace", "resource-name"],
    ["campaign", "resource-name"],
    // a Cloud9 or other environment, a network device (forty-sixth pass: "the Cloud9 env ledger-onboarding-x", "the
    // backup router bcv-ld5-mx01", "gateway bcv-fra-vpngw01")
    ["environment", "resource-name"],
    ["env", "resource-name"],
    ["router", "resource-name"],
    ["gateway", "resource-name"],
    // (forty-eighth pass) an Auto Scaling group by its shorthand, a WAF web ACL ("acl" only after "web"), an Identity
    // Center permission set ("set" after "permission"), a Lambda layer (not an ECS task "definition": the prose
    // automaton would pass 255 states with a ten-letter noun in d)
    ["asg", "resource-name"],
    ["acl", "resource-name"],
    ["set", "resource-name"],
    ["layer", "resource-name"],
    // an Auto Scaling scheduled action (forty-eighth pass: an activity's Cause, "the scheduled action x executed";
    // "action" only after "scheduled")
    ["action", "resource-name"],
    // an account by its name (fifty-first pass: "AWS account brindlecove-prod-data", "for account
    // northwind-payments-sub-04"; the account's id has its own kind)
    ["account", "resource-name"],
  ];
  for (const [w, id] of nouns) {
    nm.addKey(PROSE_NOUNS, w, byId[id] !== undefined ? byId[id] : generic);
    NOUN_ENDS[byteAt(w, 0) * 128 + byteAt(w, w.length - 1)] |= 1 << w.length;
  }
}

const PARTITIONS: Record<string, boolean> = {
  aws: true,
  "aws-cn": true,
  "aws-us-gov": true,
  "aws-iso": true,
  "aws-iso-b": true,
  "aws-iso-e": true,
  "aws-iso-f": true,
  "aws-eusc": true,
};

// Labels that name a service (not a resource) in hostnames under amazonaws.com.
const SERVICE_LABELS: Record<string, boolean> = {
  rds: true,
  elb: true,
  "execute-api": true,
  dkr: true,
  ecr: true,
  sqs: true,
  queue: true,
  compute: true,
  "compute-1": true,
  cache: true,
  redshift: true,
  "redshift-serverless": true,
  es: true,
  aos: true,
  eks: true,
  elasticbeanstalk: true,
  s3: true,
  "s3-website": true,
  kafka: true,
  mq: true,
  docdb: true,
  neptune: true,
  cloudfront: true,
  "lambda-url": true,
  vpce: true,
  "appsync-api": true,
  amplifyapp: true,
  dynamodb: true,
};

// First labels of public service endpoints (ec2.us-east-1.amazonaws.com): nothing to mask there.
const PUBLIC_ENDPOINTS: Record<string, boolean> = {
  // IAM Identity Center's SCIM endpoint (scim.<region>.amazonaws.com/<tenant id>/scim/v2/: the tenant's id masked)
  scim: true,
  // (and the VPC CNI's extended resource vpc.amazonaws.com/pod-eni, a pod's annotation key)
  vpc: true,
  // service principals of two labels (delivery.logs.amazonaws.com: vended logs; pods.eks.amazonaws.com: EKS Pod
  // Identity)
  delivery: true,
  pods: true,
  // Amazon Keyspaces' endpoint (cqlsh cassandra.<region>.amazonaws.com 9142), SES's SMTP endpoint
  cassandra: true,
  "email-smtp": true,
  // (and SES's receiving endpoint, an MX record's target: inbound-smtp.<region>.amazonaws.com)
  "inbound-smtp": true,
  ec2: true,
  sts: true,
  iam: true,
  s3: true,
  sqs: true,
  sns: true,
  lambda: true,
  logs: true,
  monitoring: true,
  dynamodb: true,
  kms: true,
  secretsmanager: true,
  ssm: true,
  ecr: true,
  api: true,
  ecs: true,
  eks: true,
  rds: true,
  elasticloadbalancing: true,
  cloudformation: true,
  autoscaling: true,
  route53: true,
  events: true,
  states: true,
  kinesis: true,
  firehose: true,
  athena: true,
  glue: true,
  elasticache: true,
  es: true,
  apigateway: true,
  "cognito-idp": true,
  bedrock: true,
  "bedrock-runtime": true,
  organizations: true,
  sso: true,
  portal: true,
  signin: true,
  health: true,
  ce: true,
  xray: true,
  codebuild: true,
  // CodeCommit's API host as CodeBuild's source locations print it (codecommit.<region>.amazonaws.com/v1/repos/<repo>)
  codecommit: true,
  // CodeCommit's Git endpoint (https://git-codecommit.<region>.amazonaws.com/v1/repos/<repository>)
  "git-codecommit": true,
  codepipeline: true,
  codedeploy: true,
  ebs: true,
  elasticfilesystem: true,
  backup: true,
  acm: true,
  wafv2: true,
  guardduty: true,
  securityhub: true,
  config: true,
  cloudtrail: true,
  email: true,
  sagemaker: true,
  runtime: true,
  "s3-control": true,
  ssmmessages: true,
  ec2messages: true,
  servicequotas: true,
  pricing: true,
  support: true,
  ram: true,
  sdb: true,
  cloudfront: true,
  "api.ecr": true,
  tagging: true,
  account: true,
  identitystore: true,
  oidc: true,
  // IAM Identity Center's device authorization (device.sso.<region>), Amazon Managed Service for Prometheus
  device: true,
  "aps-workspaces": true,
  datasync: true,
  // CloudWatch RUM's web client and data plane (client.rum.<region>, dataplane.rum.<region>)
  rum: true,
  dataplane: true,
  client: true,
  storagegateway: true,
  transfer: true,
  dms: true,
  drs: true,
  snowball: true,
  // machine learning and generative AI APIs (bedrock-agent-runtime.<region>, featurestore-runtime.sagemaker.<region>)
  "bedrock-agent": true,
  "bedrock-agent-runtime": true,
  "bedrock-data-automation": true,
  "bedrock-data-automation-runtime": true,
  qbusiness: true,
  qapps: true,
  q: true,
  codewhisperer: true,
  kendra: true,
  "kendra-ranking": true,
  aoss: true,
  comprehend: true,
  comprehendmedical: true,
  textract: true,
  transcribe: true,
  transcribestreaming: true,
  translate: true,
  polly: true,
  rekognition: true,
  personalize: true,
  "personalize-runtime": true,
  "runtime-v2-lex": true,
  "models-v2-lex": true,
  qconnect: true,
  wisdom: true,
  "featurestore-runtime": true,
  "a2i-runtime": true,
  // EventBridge Scheduler and Pipes
  scheduler: true,
  pipes: true,
  // the VPC CNI's API group (apiVersion: crd.k8s.amazonaws.com/v1alpha1, kind: ENIConfig)
  crd: true,
  k8s: true,
};

const SLASH = ch.SLASH;
const QUOTE = ch.QUOTE;
const DASH = ch.DASH;
const DOT = ch.DOT;
const UNDERSCORE = ch.UNDERSCORE;
const COLON = ch.COLON;
const SPACE = ch.SPACE;
const LF = ch.LF;

function customTag(name: string): string {
  const parts: string[] = ["CUSTOM_"];
  for (let k = 0; k < name.length; k++) {
    const c = byteAt(name, k);
    if ((cls(c) & (C_UPPER | C_DIGIT)) !== 0) parts.push(sub(name, k, k + 1));
    else if ((cls(c) & C_LOWER) !== 0) parts.push(String.fromCharCode(c - 32));
    else parts.push("_");
  }
  return parts.join("");
}

export function compileScanConfig(
  disabled: string[],
  allow: string[],
  custom?: CustomPattern[],
  regexFind?: RegexFind,
): ScanConfig {
  const off: Record<string, boolean> = {};
  for (const id of disabled) off[id] = true;
  const cfg: ScanConfig = {
    on: {},
    allow: {},
    allowAny: allow.length > 0,
    hexKinds: {},
    hexHeads: {},
    upperKinds: {},
    iamKinds: {},
    orgKinds: {},
    dashedHostKinds: {},
    hostKinds: {},
    arnKinds: {},
    keys: nm.newKeyTable(),
    byFamily: {},
    byId: {},
    hostFallback: undefined,
    zoneKind: undefined,
    distributionKind: undefined,
    apiIdKind: undefined,
    hex32Kind: undefined,
    idValues: [],
    signalValues: [],
    signalKeys: [],
    custom: [],
    customKinds: [],
    regexFind,
    keyInfo: {},
    keyInfoCount: 0,
    keylessWords: {},
    keylessCount: 0,
  };
  for (const v of allow) cfg.allow[v] = true;
  for (const k of KINDS) {
    cfg.on[k.id] = off[k.id] !== true;
    cfg.byId[k.id] = k;
    if (cfg.byFamily[k.family] === undefined) cfg.byFamily[k.family] = k;
    if (k.keys !== undefined) for (const key of k.keys) nm.addKey(cfg.keys, key, k);
    if (k.arn !== undefined) for (const a of k.arn) cfg.arnKinds[a] = k;
    if (k.family === "prefixed-hex" && k.prefix !== undefined) {
      cfg.hexKinds[k.prefix] = k;
      // "eni-attach" registers the head "eni", so the scanner extends "eni" with the next segment
      let dash = k.prefix.indexOf("-");
      while (dash > 0) {
        cfg.hexHeads[sub(k.prefix, 0, dash)] = true;
        dash = k.prefix.indexOf("-", dash + 1);
      }
    } else if (k.family === "prefixed-upper" && k.prefix !== undefined) {
      cfg.upperKinds[k.prefix] = k;
    } else if (k.family === "iam-id" && k.prefix !== undefined) {
      cfg.iamKinds[k.prefix] = k;
    } else if (k.family === "org-id" && k.prefix !== undefined) {
      cfg.orgKinds[k.prefix] = k;
    } else if (k.family === "dashed-ip-host" && k.prefix !== undefined) {
      cfg.dashedHostKinds[k.prefix] = k;
    } else if (k.family === "aws-host" && k.services !== undefined) {
      for (const svc of k.services) cfg.hostKinds[svc] = k;
      if (k.services.length === 0) cfg.hostFallback = k;
    } else if (k.family === "ctx-id") {
      if (k.first === "Z") cfg.zoneKind = k;
      else if (k.first === "E") cfg.distributionKind = k;
      else if (k.minLen === 32) cfg.hex32Kind = k;
      else cfg.apiIdKind = k;
    }
  }
  if (custom !== undefined && regexFind !== undefined) {
    for (const p of custom) {
      const base = p.kind !== undefined ? cfg.byId[p.kind] : undefined;
      const id = "custom-" + p.name;
      const kind: Kind =
        base !== undefined
          ? base
          : { id, tag: customTag(p.name), family: "custom", title: "Custom pattern " + p.name, example: p.pattern };
      if (base === undefined) cfg.on[id] = off[id] !== true && off[p.name] !== true;
      cfg.custom.push(p);
      cfg.customKinds.push(kind);
    }
  }
  return cfg;
}

function kindOn(cfg: ScanConfig, kind: Kind | undefined): boolean {
  return kind !== undefined && cfg.on[kind.id] === true;
}

function push(
  cfg: ScanConfig,
  s: string,
  out: Match[],
  a: number,
  b: number,
  kind: Kind | undefined,
  local = false,
): void {
  if (kind === undefined || cfg.on[kind.id] !== true || b <= a) return;
  if (cfg.allowAny && cfg.allow[sub(s, a, b)] === true) return;
  // a pseudonym is never masked again
  if (pseudo.pseudonymEndAt(s, a, b) === b) return;
  // (local: masked where it stands only, not learned)
  if (local) out.push({ s: a, e: b, kind, local: true });
  else out.push({ s: a, e: b, kind });
}

/** Index of the first unit c in s[from, from + limit), or -1: a bounded search (an unbounded one per anchor is quadratic). */
function unitWithin(s: string, c: number, from: number, n: number, limit: number): number {
  const end = from + limit < n ? from + limit : n;
  for (let k = from; k < end; k++) if (byteAt(s, k) === c) return k;
  return -1;
}

/** True when an identifier may end at e: the next unit does not continue a word. */
function endsAt(s: string, e: number, n: number): boolean {
  if (e >= n) return true;
  return (cls(byteAt(s, e)) & C_ALNUM) === 0;
}

function isDigits(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) if ((cls(byteAt(s, k)) & C_DIGIT) === 0) return false;
  return true;
}

/**
 * Case-insensitive search for a lowercase literal in s[a, b). Built from string primitives (C functions in Lua), not
 * a loop of per-character calls: context checks run on rare paths that LuaJIT does not compile well.
 */
function windowHas(s: string, a: number, b: number, lit: string): boolean {
  const from = a < 0 ? 0 : a;
  if (b - from < lit.length) return false;
  return sub(s, from, b).toLowerCase().indexOf(lit) >= 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Word matchers: each gets the word [i, j) and returns the end of what it consumed (> i) or 0.

function hasLength(kind: Kind, len: number): boolean {
  const lengths = kind.lengths as number[];
  // every list of the catalogue holds one or two lengths: answered without a loop (a loop in this small function, called
  // for every id, made LuaJIT abort the traces it started at its entry, "inner loop in root trace")
  const m = lengths.length;
  if (m <= 2) return m > 0 && (lengths[0] === len || (m === 2 && lengths[1] === len));
  for (const l of lengths) if (l === len) return true;
  return false;
}

// First letters and max length of multi-segment heads ("eni" of "eni-attach", "import" of "import-ami" ...).
const HEAD_FIRST: boolean[] = [];
for (let c = 0; c < 256; c++) HEAD_FIRST.push(false);
let HEAD_MAX = 0;
for (const k of KINDS) {
  if (k.family === "prefixed-hex" && k.prefix !== undefined && k.prefix.indexOf("-") > 0) {
    HEAD_FIRST[byteAt(k.prefix, 0)] = true;
    const d = k.prefix.indexOf("-");
    if (d > HEAD_MAX) HEAD_MAX = d;
  }
}

function matchPrefixedHex(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  if (j - i > 12) return 0;
  // cheap reject before any substring: the hex run after the dash must have an id's length, or the word be a head
  const hl = runOf(s, j + 1, n, C_HEX);
  const cut = cutBy(s, j + 1 + hl, n);
  if (cut > 0) {
    // an odd unit (zero-width space ...) inside the id: the whole token is the id, never a head with a leaking tail
    const h2 = runOf(s, j + 1 + hl + cut, n, C_HEX);
    const whole = hl + h2;
    const kind = cfg.hexKinds[sub(s, i, j)];
    const e = j + 1 + hl + cut + h2;
    if (h2 > 0 && kind !== undefined && hasLength(kind, whole) && endsAt(s, e, n)) {
      push(cfg, s, out, i, e, kind);
      return e;
    }
  }
  const idLen =
    (hl === 8 || hl === 10 || hl === 12 || hl === 16 || hl === 17 || hl === 32 || hl === 40) &&
    endsAt(s, j + 1 + hl, n);
  if (idLen || (HEAD_FIRST[byteAt(s, i)] && j - i <= HEAD_MAX)) {
    // at most three head segments, written out instead of a loop: LuaJIT blacklisted that loop in some processes (its
    // body calls runOf, whose own loop is compiled first, so every trace starting at it aborted)
    let r = prefixedHexAt(cfg, s, i, j, n, hl, out);
    if (r < 0) r = prefixedHexAt(cfg, s, i, -r, n, -1, out);
    if (r < 0) r = prefixedHexAt(cfg, s, i, -r, n, -1, out);
    if (r > 0) return r;
  }
  // no catalogue kind: one to five lower segments and a last one of 17 lower hex with a digit (or 33: an IPAM pool
  // allocation's) is an AWS id all the same (kind aws-resource-id: Route 53 Resolver's rslvr-in-..., SSM's mi-...,
  // FSx's fsvol-..., IPAM's ipam-res-disco-assoc-..., ipam-ext-res-ver-token-...). Not after a dot: the tail of a
  // user's SSM session id (grace.liu-<17 hex>, matchHexTailToken)
  if (i > 0 && byteAt(s, i - 1) === DOT) return 0;
  let seg = j + 1; // the current segment's start
  let dashes = 1;
  let hex = true; // the current segment is lower hex so far
  let digit = false;
  let k = seg;
  while (k < n && k - i < 64) {
    const c = byteAt(s, k);
    const f = cls(c);
    if (c === DASH) {
      if (k === seg || dashes === 5) return 0;
      dashes++;
      seg = k + 1;
      hex = true;
      digit = false;
    } else if ((f & (C_LOWER | C_DIGIT)) === 0) {
      break;
    } else {
      if ((f & C_HEX) === 0) hex = false;
      if ((f & C_DIGIT) !== 0) digit = true;
    }
    k++;
  }
  // (and AWS End User Messaging's phone-, pool-, registration- ... + 32 hex, as their keys' values: PhoneNumberId)
  if (dashes === 1 && k - seg === 32 && hex && endsAt(s, k, n) && nm.EUM_ID_HEADS[sub(s, i, j)] === true) {
    push(cfg, s, out, i, k, cfg.byId["resource-name"]);
    return k;
  }
  if (
    (k - seg !== 17 && (k - seg !== 33 || !ch.matchesAt(s, seg - 6, n, "alloc-"))) ||
    !hex ||
    !digit ||
    !endsAt(s, k, n) ||
    (k < n && byteAt(s, k) === UNDERSCORE)
  )
    return 0;
  push(cfg, s, out, i, k, cfg.byId["aws-resource-id"]);
  return k;
}

/**
 * One head segment of matchPrefixedHex: the head is s[i, pos) (s[pos] is a dash), hexLen the hex run after it when
 * known (-1: read it). The id's end when one is pushed; 0 when no id and no longer head can follow; else -(the end of
 * the next, longer head).
 */
function prefixedHexAt(
  cfg: ScanConfig,
  s: string,
  i: number,
  pos: number,
  n: number,
  hexLen: number,
  out: Match[],
): number {
  const prefix = sub(s, i, pos);
  const kind = cfg.hexKinds[prefix];
  if (kind !== undefined) {
    const hl = hexLen >= 0 ? hexLen : runOf(s, pos + 1, n, C_HEX);
    const e = pos + 1 + hl;
    if (hl > 0 && endsAt(s, e, n) && hasLength(kind, hl)) {
      push(cfg, s, out, i, e, kind);
      return e;
    }
  }
  if (cfg.hexHeads[prefix] !== true) return 0;
  const w = runOf(s, pos + 1, n, C_LOWER | C_DIGIT);
  if (w === 0 || pos + 1 + w >= n || byteAt(s, pos + 1 + w) !== DASH) return 0;
  return -(pos + 1 + w);
}

/**
 * <prefix>-<upper alnum of an allowed length> (EMR j-, RDS db- / cluster- resource ids, CodeDeploy d-, Storage Gateway
 * sgw- / share- / vol-, EC2AMAZ- Windows computer names). After a lower-case prefix the id carries a digit (else it is a
 * word: vol-README); EC2AMAZ- is signal enough.
 */
function matchPrefixedUpper(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  const r = runOf(s, j + 1, n, C_UPPER | C_DIGIT);
  if (r < 7) return 0;
  const kind = cfg.upperKinds[sub(s, i, j)];
  if (kind === undefined || !hasLength(kind, r) || !endsAt(s, j + 1 + r, n)) return 0;
  if ((cls(byteAt(s, i)) & C_LOWER) !== 0 && runOf(s, j + 1, j + 1 + r, C_UPPER) === r) return 0;
  const e = j + 1 + r;
  if (e < n && (byteAt(s, e) === DASH || byteAt(s, e) === UNDERSCORE)) return 0;
  push(cfg, s, out, i, e, kind);
  return e;
}

/** Cognito pools: <region>_<9 alnum> (user pool), <region>:<uuid> (identity pool), the region starting at i. */
function matchCognitoPool(cfg: ScanConfig, s: string, i: number, n: number, out: Match[]): number {
  let r = i;
  while (r < n && r - i < 24 && ((cls(byteAt(s, r)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, r) === DASH)) r++;
  if (r >= n || !isRegionLabel(s, i, r)) return 0;
  const c = byteAt(s, r);
  if (c === UNDERSCORE) {
    const a = runOf(s, r + 1, n, C_ALNUM);
    if (a !== 9 || !endsAt(s, r + 10, n)) return 0;
    push(cfg, s, out, i, r + 10, cfg.byId["cognito-user-pool"]);
    return r + 10;
  }
  if (c === COLON && r + 1 < n) {
    const e = ch.uuidEnd(s, r + 1, n, false);
    if (e < 0) return 0;
    push(cfg, s, out, i, e, cfg.byId["cognito-identity-pool"]);
    return e;
  }
  return 0;
}

/** `aws s3 ls`: "2023-01-05 07:29:58 bucket-name" to the end of the line (no size column: buckets, not objects). */
function matchS3Listing(cfg: ScanConfig, s: string, i: number, n: number, out: Match[]): number {
  // dddd-dd-dd dd:dd:dd
  const shape = "dddd-dd-dd dd:dd:dd";
  if (i + shape.length + 4 > n) return 0;
  for (let k = 0; k < shape.length; k++) {
    const c = byteAt(s, i + k);
    const want = byteAt(shape, k);
    if (want === 100 ? (cls(c) & C_DIGIT) === 0 : c !== want) return 0;
  }
  let a = i + shape.length;
  if (byteAt(s, a) !== 32) return 0;
  while (a < n && byteAt(s, a) === 32) a++;
  const e = bucketEnd(s, a, n);
  if (e - a < 3 || e - a > 63 || (e < n && byteAt(s, e) !== 10 && byteAt(s, e) !== 13)) return 0;
  push(cfg, s, out, a, e, cfg.byFamily["s3-bucket"]);
  return e;
}

/** Length of a run of 1-3 non-ASCII units at k followed by a hex digit (an invisible character cutting an id), or 0. */
function cutBy(s: string, k: number, n: number): number {
  let q = k;
  while (q < n && q - k < 3 && (cls(byteAt(s, q)) & ch.C_HIGH) !== 0) q++;
  if (q === k || q >= n || (cls(byteAt(s, q)) & C_HEX) === 0) return 0;
  return q - k;
}

/** Lower alnum run at a with at least one letter and one digit; returns its length or 0. */
function mixedAlnum(s: string, a: number, n: number): number {
  let k = a;
  let letters = 0;
  let digits = 0;
  while (k < n) {
    const f = cls(byteAt(s, k));
    if ((f & C_DIGIT) !== 0) digits++;
    else if ((f & C_LOWER) !== 0) letters++;
    else break;
    k++;
  }
  return letters > 0 && digits > 0 ? k - a : 0;
}

/**
 * o-xxxxxxxxxx (10-32), ou-xxxx-xxxxxxxx (4-32, 8-32), r-xxxx (4-32), p-xxxxxxxx (8-128), e-xxxxxxxxxx (10),
 * ws-xxxxxxxx (8-63), dxcon-/dxvif-/dxlag-xxxxxxxx (8), prod-/port-/pp-/pa-/rec-xxxxxxxxxxxxx (13), cluster-/hsm-/
 * backup-xxxxxxxxxxx (11); lower alnum with a letter and a digit.
 */
function matchOrg(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  const len = j - i;
  const c0 = byteAt(s, i);
  let kind: Kind | undefined = undefined;
  let e = -1;
  if (len === 1 && c0 === 111) {
    const r = mixedAlnum(s, j + 1, n);
    if (r >= 10 && r <= 32) e = j + 1 + r;
    kind = cfg.orgKinds["o"];
  } else if (len === 1 && c0 === 114) {
    // all-hex of 7 or more is reservation-shaped (r- + 8/17 hex, or a typo of one): never a root
    const r = mixedAlnum(s, j + 1, n);
    if (r >= 4 && r <= 32 && (r <= 6 || runOf(s, j + 1, n, C_HEX) < r)) e = j + 1 + r;
    kind = cfg.orgKinds["r"];
  } else if (len === 1 && c0 === 101) {
    if (mixedAlnum(s, j + 1, n) === 10) e = j + 11;
    kind = cfg.orgKinds["e"];
  } else if (len === 1 && c0 === 112) {
    const r = mixedAlnum(s, j + 1, n);
    if (r >= 8 && r <= 128) e = j + 1 + r;
    kind = cfg.orgKinds["p"];
  } else if (len === 1 && (c0 === 98 || c0 === 99)) {
    // an Amazon MQ broker (b- + a UUID; its instances' -1, -2 after it stay: ActiveMQ's network connector logs, the
    // endpoints' first label) and configuration (c- + a UUID), as BrokerId's value
    e = ch.uuidEnd(s, j + 1, n, false);
    kind = cfg.byId["resource-name"];
    const u = e < 0 && j + 37 <= n ? ch.uuidEnd(s, j + 1, j + 37, false) : -1;
    if (u > 0 && u + 1 < n && byteAt(s, u) === 45 && (cls(byteAt(s, u + 1)) & C_DIGIT) !== 0 && endsAt(s, u + 2, n)) {
      push(cfg, s, out, i, u, kind);
      return u + 2;
    }
  } else if (len === 2 && c0 === 119 && byteAt(s, i + 1) === 115) {
    // an Amazon Managed Service for Prometheus workspace (ws- + a UUID), else a WorkSpace (ws- + lower alnum)
    e = ch.uuidEnd(s, j + 1, n, false);
    const r = e < 0 ? mixedAlnum(s, j + 1, n) : 0;
    if (r >= 8 && r <= 63) e = j + 1 + r;
    kind = cfg.orgKinds["ws"];
  } else if (len === 3 && c0 === 119 && byteAt(s, i + 1) === 115 && byteAt(s, i + 2) === 98) {
    // a WorkSpaces bundle (wsb- + 8-63 lower alnum)
    const r = mixedAlnum(s, j + 1, n);
    if (r >= 8 && r <= 63) e = j + 1 + r;
    kind = cfg.orgKinds["wsb"];
  } else if (len === 2 && c0 === 111 && byteAt(s, i + 1) === 117) {
    const r1 = runOf(s, j + 1, n, C_LOWER | C_DIGIT);
    const m = j + 1 + r1;
    if (r1 >= 4 && r1 <= 32 && m < n && byteAt(s, m) === 45) {
      const r2 = runOf(s, m + 1, n, C_LOWER | C_DIGIT);
      if (r2 >= 8 && r2 <= 32) e = m + 1 + r2;
    }
    kind = cfg.orgKinds["ou"];
  } else if (len === 5 && c0 === 100 && byteAt(s, i + 1) === 120) {
    // Direct Connect: dxcon-, dxvif-, dxlag- and 8 lower alnum
    kind = cfg.orgKinds[sub(s, i, j)];
    if (kind !== undefined && mixedAlnum(s, j + 1, n) === 8) e = j + 9;
  } else if (len === 3 && c0 === 115 && byteAt(s, i + 2) === 114) {
    const c1 = byteAt(s, i + 1);
    if (c1 === 105) {
      // a Spot instance request of 8 lower alnum (sir-3x2q7a1j; all-hex ones are prefixed-hex)
      kind = cfg.byId["spot-request"];
      if (mixedAlnum(s, j + 1, n) === 8) e = j + 9;
    } else if (c1 === 102) {
      kind = cfg.orgKinds["sfr"];
      e = ch.uuidEnd(s, j + 1, n, false);
    }
  } else if (len === 5 && c0 === 102 && ch.matchesAt(s, i, j, "fleet")) {
    kind = cfg.orgKinds["fleet"];
    e = ch.uuidEnd(s, j + 1, n, false);
  } else if (
    ((len === 2 || len === 4) && c0 === 112) ||
    (len === 3 && c0 === 114 && byteAt(s, i + 1) === 101 && byteAt(s, i + 2) === 99)
  ) {
    // Service Catalog: prod-, port-, pp-, pa-, rec- and 13 lower alnum
    kind = cfg.orgKinds[sub(s, i, j)];
    if (kind !== undefined && mixedAlnum(s, j + 1, n) === 13) e = j + 14;
  } else if (
    (len === 7 && c0 === 99) ||
    (len === 6 && c0 === 98) ||
    (len === 3 && c0 === 104 && byteAt(s, i + 1) === 115)
  ) {
    // (fifty-first pass) CloudHSM: cluster-, hsm-, backup- and 11 lower alnum (describe-clusters' ClusterId, HsmId)
    kind = cfg.orgKinds[sub(s, i, j)];
    if (kind !== undefined && mixedAlnum(s, j + 1, n) === 11) e = j + 12;
  } else if (len === 6 && c0 === 105 && j + 2 < n && byteAt(s, j + 1) === 105 && byteAt(s, j + 2) === 45) {
    // a VM import's conversion task: import-i-fh95npoc
    if (ch.matchesAt(s, i, j, "import") && mixedAlnum(s, j + 3, n) === 8) e = j + 11;
    kind = cfg.orgKinds["import-i"];
  }
  if (e < 0) return 0;
  // (fifty-second pass) an organization trail's log stream, <org id>_<account>_CloudTrail_<region>: the id before its
  // account's 12 digits
  const stream =
    len === 1 &&
    c0 === 111 &&
    e + 14 < n &&
    byteAt(s, e) === 95 &&
    runOf(s, e + 1, e + 13, C_DIGIT) === 12 &&
    byteAt(s, e + 13) === 95;
  if (!stream && (!endsAt(s, e, n) || (e < n && (byteAt(s, e) === 45 || byteAt(s, e) === 95)))) return 0;
  push(cfg, s, out, i, e, kind);
  return e;
}

/** Normalised-key check of a JSON member name or of the text before i: does the context say "key id"? */
function saysKeyId(s: string, i: number, keyCtx: string): boolean {
  if (
    windowHas(s, i - 40, i, "keyid") ||
    windowHas(s, i - 40, i, "key-id") ||
    windowHas(s, i - 40, i, "key_id") ||
    windowHas(s, i - 40, i, "key id") ||
    windowHas(s, i - 40, i, "kms")
  )
    return true;
  if (keyCtx !== "") {
    const n = keyCtx.length;
    return (
      windowHas(keyCtx, 0, n, "keyid") ||
      windowHas(keyCtx, 0, n, "key-id") ||
      windowHas(keyCtx, 0, n, "key_id") ||
      windowHas(keyCtx, 0, n, "kms")
    );
  }
  return false;
}

function matchKmsUuid(cfg: ScanConfig, s: string, i: number, n: number, keyCtx: string, out: Match[]): number {
  const e = ch.uuidEnd(s, i, n, false);
  if (e < 0) return 0;
  if (!saysKeyId(s, i, keyCtx)) {
    // outside a key context a UUID is consumed, not masked, unless it opens with ec2 after "uuid": an EC2 instance's
    // system UUID (cat /sys/hypervisor/uuid, kubelet's System UUID; upper case in wordMatch). One random UUID in 4,096
    // opens with ec2: the word says which
    // (or "serial": a CMDB's Serial number, dmidecode -s system-serial-number)
    if (
      byteAt(s, i) === 101 &&
      byteAt(s, i + 1) === 99 &&
      byteAt(s, i + 2) === 50 &&
      (windowHas(s, i - 48, i, "uuid") || windowHas(s, i - 48, i, "serial"))
    )
      push(cfg, s, out, i, e, cfg.byFamily["system-uuid"]);
    // a Systems Manager command's id (the agent's message id aws.ssm.<command id>.<instance id>, "command <id>" in its
    // log and in prose), an execution's ("execution <id>": a pipeline's, a state machine's) and a job's (AWS Batch)
    else if (
      i > 8 &&
      (byteAt(s, i - 1) === SPACE || byteAt(s, i - 1) === DOT) &&
      (windowHas(s, i - 8, i, "aws.ssm.") ||
        windowHas(s, i - 8, i, "command ") ||
        windowHas(s, i - 10, i, "execution ") ||
        windowHas(s, i - 4, i, "job ") ||
        // (fifty-third pass: a Route 53 health check's, "the health check <id>")
        windowHas(s, i - 13, i, "health check ") ||
        // (an Amazon Connect instance's, as its console and its people write it: "which instance? <id>")
        windowHas(s, i - 9, i, "instance ") ||
        windowHas(s, i - 10, i, "instance? "))
    )
      push(cfg, s, out, i, e, cfg.byId["resource-name"]);
    // (fifty-third pass) Bitbucket's and Atlassian's: a workspace's, a repository's or a user's UUID in braces after its
    // word ("the repo's UUID `{<uuid>}`", "uuid": "{<uuid>}"), the id of an Atlassian resource identifier
    // (ari:cloud:bitbucket::workspace/<uuid>, an OIDC audience), an Atlassian account id (<digits>:<uuid>) under its key
    else if (
      (byteAt(s, i - 1) === ch.LBRACE && windowHas(s, i - 10, i, "uuid")) ||
      (byteAt(s, i - 1) === SLASH && windowHas(s, i - 48, i, "ari:cloud:"))
    )
      push(cfg, s, out, i, e, cfg.byId["resource-name"]);
    else if (byteAt(s, i - 1) === COLON && i > 2 && (cls(byteAt(s, i - 2)) & C_DIGIT) !== 0) {
      let d = i - 2;
      while (d > 0 && i - d < 12 && (cls(byteAt(s, d - 1)) & C_DIGIT) !== 0) d--;
      if (
        (cls(byteAt(s, d - 1)) & C_ALNUM) === 0 &&
        windowHas(s, d - 16, d, "account") &&
        (out.length === 0 || out[out.length - 1].e <= d)
      )
        push(cfg, s, out, d, e, cfg.byId["resource-name"]);
    }
    return e;
  }
  push(cfg, s, out, i, e, cfg.byFamily["kms-key"]);
  return e;
}

/** Hex run (either case) at p, at most 5. */
function hexGroup(s: string, p: number, n: number): number {
  let k = p;
  while (k < n && k - p < 5) {
    const c = byteAt(s, k);
    if (ch.isHexDigit(c)) k++;
    else break;
  }
  return k - p;
}

/**
 * An IPv6 address starting at a (a hex group or "::"): 8 groups, or fewer with exactly one "::", optionally ending
 * in a dotted quad. Returns the end or -1. Never matches times (10:30:45), MAC addresses (6 groups), "::" alone, or
 * short code tokens (A::B: fewer than 4 hex digits in all).
 */
function ipv6End(s: string, a: number, n: number): number {
  if (a > 0) {
    const c = byteAt(s, a - 1);
    if ((cls(c) & C_ALNUM) !== 0 || c === 58 || c === 46 || c === 95 || c === 45) return -1;
  }
  let p = a;
  let groups = 0;
  let digits = 0;
  let dbl = false;
  let nonzero = false;
  let last = 0;
  if (byteAt(s, p) === 58) {
    if (p + 1 >= n || byteAt(s, p + 1) !== 58) return -1;
    dbl = true;
    p += 2;
  }
  while (p < n) {
    const h = hexGroup(s, p, n);
    if (h === 0) break;
    if (p + h < n && byteAt(s, p + h) === 46 && groups <= 6 && (dbl || groups === 6)) {
      const o: number[] = [0, 0, 0, 0];
      const e4 = dottedQuadEnd(s, p, n, 46, o);
      if (e4 < 0) return -1;
      groups += 2;
      digits += 4;
      nonzero = true;
      p = e4;
      break;
    }
    if (h > 4 || groups >= 8) return -1;
    groups++;
    digits += h;
    last = 0;
    for (let k = p; k < p + h; k++) {
      if (byteAt(s, k) !== 48) nonzero = true;
      last = last * 16 + (byteAt(s, k) <= 57 ? byteAt(s, k) - 48 : 1);
    }
    p += h;
    if (p < n && byteAt(s, p) === 58) {
      if (p + 1 < n && byteAt(s, p + 1) === 58) {
        if (dbl) return -1;
        dbl = true;
        p += 2;
        continue;
      }
      if (p + 1 < n && hexGroup(s, p + 1, n) > 0) {
        p++;
        continue;
      }
    }
    break;
  }
  if (dbl ? groups < 1 || groups > 7 : groups !== 8) return -1;
  if (digits < 4) return -1;
  if (!nonzero) return -1;
  // "fe80::", "2001::" — one group and a trailing "::" — is a prefix, not an address
  if (dbl && groups === 1 && p >= 2 && byteAt(s, p - 1) === 58 && byteAt(s, p - 2) === 58) return -1;
  // ::1 (loopback) stays
  if (dbl && groups === 1 && byteAt(s, a) === 58 && last === 1) return -1;
  if (p < n) {
    const c = byteAt(s, p);
    if ((cls(c) & C_ALNUM) !== 0 || c === 95) return -1;
    if (c === 58 && byteAt(s, p - 1) !== 58) return -1;
    if (c === 46 && p + 1 < n && (cls(byteAt(s, p + 1)) & C_ALNUM) !== 0) return -1;
  }
  return p;
}

/**
 * An IPv6 address or a MAC address at a: a word of at most four units followed by ":" (or "::" at a). Most such words
 * are neither ("Name: x", "arn:aws", a time 10:30:45): they are answered before ipv6End's loops, without one (a loop
 * reached from a trace's start aborts it, and LuaJIT blacklists the function after a few such aborts; see ch.mayEndIn).
 */
function matchIpv6(cfg: ScanConfig, s: string, a: number, n: number, out: Match[]): number {
  if (byteAt(s, a) !== 58) {
    // the word's colon (within four units: the callers' words are that short and a colon follows them)
    const colon =
      byteAt(s, a + 1) === 58 ? a + 1 : byteAt(s, a + 2) === 58 ? a + 2 : byteAt(s, a + 3) === 58 ? a + 3 : a + 4;
    // a group is hex, and a hex digit or a second colon follows its colon
    if (!ch.isHexDigit(byteAt(s, a)) || (colon > a + 1 && !ch.isHexDigit(byteAt(s, a + 1)))) return 0;
    if ((colon > a + 2 && !ch.isHexDigit(byteAt(s, a + 2))) || (colon > a + 3 && !ch.isHexDigit(byteAt(s, a + 3))))
      return 0;
    const next = colon + 1 < n ? byteAt(s, colon + 1) : -1;
    if (next !== 58 && !ch.isHexDigit(next)) return 0;
    // a time (10:30, 10:30:45, 10:30:45.120): two or three groups of two digits, without "::"
    if (colon === a + 2 && a + 5 <= n && ch.isDigitPair(s, a) && ch.isDigitPair(s, a + 3)) {
      const u5 = a + 5 < n ? byteAt(s, a + 5) : -1;
      if (u5 !== 58 && !ch.isHexDigit(u5)) return 0;
      if (u5 === 58 && a + 8 <= n && ch.isDigitPair(s, a + 6)) {
        const u8 = a + 8 < n ? byteAt(s, a + 8) : -1;
        if (u8 !== 58 && !ch.isHexDigit(u8)) return 0;
      }
    }
  }
  const e = ipv6End(s, a, n);
  if (e >= 0) {
    push(cfg, s, out, a, e, cfg.byFamily["ipv6"]);
    return e;
  }
  // else a MAC address (ch.macEnd)
  const m = ch.macEnd(s, a, n, 58);
  if (m < 0) return 0;
  push(cfg, s, out, a, m, cfg.byFamily["mac"]);
  return m;
}

/** Context words for fixed-shape ids (hosted zone, distribution, API id) before i or in the JSON key. */
function saysCtx(s: string, i: number, keyCtx: string, kind: Kind): boolean {
  // the whole value of a JSON member named ...Id ("Id": "E2ABCDEF12345X", "id": "a1b2c3d4e5")
  const kl = keyCtx.length;
  if (i === 0 && kl >= 2 && lowerCode(byteAt(keyCtx, kl - 2)) === 105 && lowerCode(byteAt(keyCtx, kl - 1)) === 100)
    return true;
  for (const w of kind.ctx as string[]) {
    if (windowHas(s, i - 40, i, w)) return true;
    if (keyCtx !== "" && windowHas(keyCtx, 0, keyCtx.length, w)) return true;
  }
  // (fifty-third pass) a hosted zone's or a distribution's id in parentheses after its DNS name, as people write them:
  // "Route 53: example.com (Z0734...)", "app.example.com (E2QH...)"
  // (a company's: not a file's name, README.md (E...), nor a public domain's, github.com (E...))
  return (kind.first === "Z" || kind.first === "E") && ct.companyHost(s, nm.dnsNameBefore(s, i), i - 2);
}

function matchCtxId(
  cfg: ScanConfig,
  s: string,
  i: number,
  j: number,
  n: number,
  keyCtx: string,
  kind: Kind | undefined,
  out: Match[],
): number {
  if (kind === undefined || cfg.on[kind.id] !== true) return 0;
  const len = j - i;
  if (len < (kind.minLen as number) || len > (kind.maxLen as number)) return 0;
  const set = kind.charset === "upper" ? C_UPPER | C_DIGIT : C_LOWER | C_DIGIT;
  if (runOf(s, i, j, set) !== len) return 0;
  // (a hosted zone AWS publishes, an ELB's or CloudFront's in an alias record: AWS's, not the account's)
  if (kind === cfg.zoneKind && len <= 21 && nm.PUBLIC_ZONE_IDS[sub(s, i, j)] === true) return j;
  // a Lambda function's log stream, YYYY/MM/DD/[<version>]<execution environment id>: the environment's 32 hex; an
  // Application Load Balancer's connection trace id (TID_<32 hex>, its access and connection logs)
  if (len === 32 && i > 3 && byteAt(s, i - 1) === ch.RBRACKET) {
    let o = i - 2;
    while (o > 1 && i - o < 12 && byteAt(s, o) !== ch.LBRACKET) o--;
    if (byteAt(s, o) === ch.LBRACKET && byteAt(s, o - 1) === SLASH) {
      push(cfg, s, out, i, j, kind);
      return j;
    }
  } else if (len === 32 && i > 3 && byteAt(s, i - 1) === SLASH && endsAt(s, j, n) && (j >= n || byteAt(s, j) !== DOT)) {
    // an ECS task's log stream under the team's own prefix (<prefix>/<container>/<task id>: aws logs tail, the
    // awslogs driver's streams), in text with an AWS signal: the container's name and the task's id (not a file's
    // name, <dir>/<dir>/<md5>.jpg; a container's one plain word, web, app, or a cache's pack, is not learned)
    const m = nm.taskStreamContainer(s, i);
    if (m >= 0 && runOf(s, i, j, C_HEX) === 32 && hasSignal(s, out)) {
      if (plausibleName(s, m, i - 1, cfg.byId["resource-name"]) && !ch.plainWord(s, m, i - 1))
        push(cfg, s, out, m, i - 1, cfg.byId["resource-name"]);
      push(cfg, s, out, i, j, kind);
      return j;
    }
  } else if (
    len === 32 &&
    i > 3 &&
    byteAt(s, i - 1) === UNDERSCORE &&
    (ch.matchesAt(s, i - 4, n, "TID_") || (j < n && byteAt(s, j) === DOT && (cls(byteAt(s, i - 2)) & C_ALNUM) === 0))
  ) {
    // (and an ACM DNS validation record's label, _<32 hex>.<domain>: the certificate's token)
    push(cfg, s, out, i, j, kind);
    return j;
  }
  // the next item of a list whose item before was taken as this kind (a pretty-printed JSON list: its key is more than
  // 40 units back): between them only the item's end (an API's "/<stage>" in stageKeys), a quote, a comma, blanks; it
  // may hold no digit (the key said what the list holds)
  const last = out.length > 0 ? out[out.length - 1] : undefined;
  let k = last !== undefined && last.kind === kind && i - last.e < 64 ? last.e : -1;
  if (k >= 0 && byteAt(s, k) === SLASH) k = k + 1 + runOf(s, k + 1, i, C_ALNUM);
  if (k >= 0 && byteAt(s, k) === QUOTE) k++;
  while (k >= 0 && k < i && (byteAt(s, k) === SPACE || byteAt(s, k) === LF || byteAt(s, k) === 13)) k++;
  if (k >= 0 && k < i && byteAt(s, k) === ch.COMMA) {
    k++;
    while (k < i - 1 && (byteAt(s, k) === SPACE || byteAt(s, k) === LF || byteAt(s, k) === 13)) k++;
  } else k = -1;
  const listed = k >= 0 && k === i - 1 && byteAt(s, k) === QUOTE;
  let digits = 0;
  for (let d = i; d < j; d++) if ((cls(byteAt(s, d)) & C_DIGIT) !== 0) digits++;
  if (digits === len || (digits === 0 && !listed)) return 0;
  if (
    j < n &&
    (byteAt(s, j) === 45 ||
      byteAt(s, j) === 95 ||
      (byteAt(s, j) === 46 && j + 1 < n && (cls(byteAt(s, j + 1)) & C_ALNUM) !== 0))
  )
    return 0;
  if (!listed && !saysCtx(s, i, keyCtx, kind)) return 0;
  push(cfg, s, out, i, j, kind);
  // (fifty-third pass) a distribution's alternate domain name in parentheses after its id, "E2QH7Y4KXW9TLM
  // (invoices.example.app)": the company's host the distribution serves
  // (a company's host: not a file's name, (index.html), nor a public domain, (github.com): ct.companyHost)
  const alias = kind.first === "E" ? nm.dnsNameInParens(s, j, n) : -1;
  if (alias > 0 && cfg.on["domain-name"] === true && ct.companyHost(s, j + 2, alias)) {
    push(cfg, s, out, j + 2, alias, cfg.byId["domain-name"]);
    return alias;
  }
  return j;
}

// (a CloudFormation parameter's, a stack output's and a drifted property's first: "key" ends "ParameterKey")
const PAIR_KEYS = [
  "parameterkey:",
  'parameterkey":',
  "outputkey:",
  'outputkey":',
  "propertypath:",
  'propertypath":',
  "key:",
  'key":',
  "name:",
  'name":',
  // (JSON in a JSON string: AWS Config's query results, {\"key\":\"Owner\",\"value\":\"x\"})
  'key\\":',
  'name\\":',
  // (a Python dict: botocore's and boto3's logged params, {'Key': 'Name', 'Value': 'x'}, {'ParameterKey': ...})
  "parameterkey':",
  "outputkey':",
  "key':",
  "name':",
];
const PAIR_WINDOW = 96;

/**
 * `value:` whose pair name stands on the line before (`- Key: Name` / `Value: web-1`, `- name: UPLOADS_BUCKET` /
 * `value: x`, the same in JSON text): the pair name is the key that says what the value is.
 */
function matchPairedValue(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  // (value followed by blanks: a flag's, --value x, or before "=" within 32 units)
  let eq = j;
  while (eq < n && eq - j < 32 && byteAt(s, eq) === SPACE) eq++;
  if (eq > j && byteAt(s, eq) !== ch.EQUALS && byteAt(s, i - 1) !== DASH) return 0;
  // (windows of PAIR_WINDOW units: a run of "value:" stays linear with a small factor)
  let ls = i;
  while (ls > 0 && i - ls < PAIR_WINDOW && byteAt(s, ls - 1) !== 10) ls--;
  let k = -1;
  // (the pair's name a Key's: a tag's, {"Key": "dlm-group", "Value": x})
  let tagPair = false;
  let keyAt = 0;
  // the line before holds the pair name only when the value opens its line (a `"Name": x,` line above
  // `"Tags": [{"Key": "Name", "Value": y}]` is another member)
  let opens = true;
  for (let p = ls; p < i && opens; p++) {
    const c = byteAt(s, p);
    opens = c === 32 || c === 9 || c === DASH || c === QUOTE || c === 39 || c === 123 || c === 44;
  }
  if (opens && ls > 0 && byteAt(s, ls - 1) === 10) {
    let ps = ls - 1;
    while (ps > 0 && ls - ps < PAIR_WINDOW && byteAt(s, ps - 1) !== 10) ps--;
    const prev = sub(s, ps, ls - 1).toLowerCase();
    for (const w of PAIR_KEYS) {
      const at = prev.indexOf(w);
      if (at >= 0) {
        k = ps + at + w.length;
        tagPair = w === "key:" || w === 'key":';
        keyAt = k - w.length;
        break;
      }
    }
    if (k < 0 && eq > j) {
      // Terraform's tag block (aws_autoscaling_group): `key = "Team"` opening the line above `value = "x"`
      const at = prev.indexOf("key ");
      let e = at + 4;
      while (at >= 0 && e < prev.length && e - at < 36 && byteAt(prev, e) === SPACE) e++;
      if (at >= 0 && byteAt(prev, e) === ch.EQUALS && (at === 0 || byteAt(prev, at - 1) === SPACE)) k = ps + e + 1;
    }
  }
  // (where the value's key starts: a flattened member's name, for valueAfter's quote check)
  let member = i;
  if (k < 0 && i > 2 && byteAt(s, i - 1) === DOT) {
    // a Query API's flattened pair (EC2's CreateTags body, Tag.1.Key=Name&Tag.1.Value=x; botocore's params dict,
    // 'Tag.1.Key': 'Name', 'Tag.1.Value': 'x'): the same member's Key, before the value on its line (first: a dict's
    // own 'Name': x before it is another member)
    let mp = i - 1;
    while (mp > 0 && i - mp < 64 && ((cls(byteAt(s, mp - 1)) & C_ALNUM) !== 0 || byteAt(s, mp - 1) === DOT)) mp--;
    const back = i - PAIR_WINDOW > ls ? i - PAIR_WINDOW : ls;
    // (the member's Key for a Value, its ParameterKey for a ParameterValue, its OutputKey for an OutputValue)
    const lit = sub(s, mp, j - 5) + "Key";
    const at = back < mp ? sub(s, back, mp).indexOf(lit) : -1;
    if (at >= 0) {
      k = back + at + lit.length;
      if (byteAt(s, k) === ch.EQUALS) k++;
      else if (byteAt(s, k) === 39 && byteAt(s, k + 1) === COLON) k += 2;
      else k = -1;
      ls = i;
      member = mp;
      tagPair = j - i === 5;
    }
  }
  if (k < 0) {
    // {"name": "DBInstanceIdentifier", "value": "x"} on one line: the pair name before the value, in the same object
    // (further back for a CloudFormation drift's ActualValue: its PropertyPath two pretty-printed lines up)
    const back = j - i === 5 ? PAIR_WINDOW : 2 * PAIR_WINDOW;
    let open = i - 1;
    while (open > 0 && i - open < back && byteAt(s, open) !== 123) open--;
    const braced = byteAt(s, open) === 123;
    // (an object whose brace is further back, a log line's: {"service": ..., "name": "/prod/db-password", "value": x})
    const from = braced ? open : i > back ? i - back : 0;
    const before = sub(s, from, i).toLowerCase();
    for (const w of PAIR_KEYS) {
      const at = before.indexOf(w);
      if (at > 0 && (byteAt(before, at - 1) === QUOTE || byteAt(before, at - 1) === 39)) {
        k = from + at + w.length;
        ls = i;
        tagPair = w === 'key":' || w === "key':";
        keyAt = k - w.length;
        break;
      }
    }
    if (k < 0 && !braced && byteAt(s, j) === ch.EQUALS && byteAt(s, i - 1) === SPACE) {
      // a log line's pair, key=costcenter value=cc-70231 (a tag checker's, a logger's): key= before it on its line
      const back = i > PAIR_WINDOW ? i - PAIR_WINDOW : 0;
      const line = sub(s, back, i);
      let at = -1;
      for (let q = line.indexOf(" key="); q >= 0; q = line.indexOf(" key=", q + 1)) at = q;
      if (at >= 0 && line.indexOf("\n", at) < 0) {
        k = back + at + 5;
        ls = i;
      }
    }
    if (k < 0 && braced && byteAt(s, eq) === ch.EQUALS) {
      // a PowerShell hashtable's pair, New-EC2Tag -Tag @{Key="Team";Value="payments-core"}, @{ Key = "Name"; ... }
      const spaced = eq > j;
      const at = before.indexOf(spaced ? "key =" : "key=");
      const c = at > 0 ? byteAt(before, at - 1) : 0;
      if (c === 123 || c === 59 || c === SPACE) {
        k = from + at + (spaced ? 5 : 4);
        ls = i;
      }
    }
    if (k < 0 && braced) {
      // a message attribute's value under the attribute's name (SNS's "replyTopic": {"Type": "String", "Value": x},
      // SQS's "targetBucket": {"StringValue": x}): the member's key before the brace
      let q = open - 1;
      while (q > 0 && byteAt(s, q) === SPACE) q--;
      if (q > 2 && byteAt(s, q) === COLON) {
        q--;
        while (q > 0 && byteAt(s, q) === SPACE) q--;
        let kb = q;
        if (byteAt(s, q) === QUOTE) while (kb > 0 && q - kb < 64 && ch.isKeyUnit(byteAt(s, kb - 1))) kb--;
        if (q - kb >= 3 && byteAt(s, kb - 1) === QUOTE) {
          k = kb;
          ls = q;
        }
      }
    }
  }
  if (k < 0 && i > 1 && ((byteAt(s, i - 1) === QUOTE && byteAt(s, j) === ch.EQUALS) || byteAt(s, i - 1) === DASH)) {
    // a form's fields, curl --form "key=DB_PASSWORD" --form "value=x" (GitLab's CI/CD variables API), and a command's
    // flags, aws ssm put-parameter --name /prod/db/password --value x: the pair name before the value, on its line
    const form = byteAt(s, i - 1) === QUOTE;
    const lit = form ? '"key=' : "--name ";
    const back = i - PAIR_WINDOW > ls ? i - PAIR_WINDOW : ls;
    const at = sub(s, back, i).indexOf(lit);
    if (at >= 0) {
      k = back + at + lit.length;
      // (a parameter's path: its last segment names it)
      for (let t = k; t < i && byteAt(s, t) !== SPACE && byteAt(s, t) !== QUOTE; t++)
        if (byteAt(s, t) === SLASH) k = t + 1;
      ls = i;
    }
  }
  if (k < 0 && byteAt(s, j) === ch.EQUALS) {
    // XML: <property name="db.password" value="x"/>, the pair name an attribute before the value, in the same tag
    let open = i - 1;
    while (open > 0 && i - open < PAIR_WINDOW && byteAt(s, open) !== 60 && byteAt(s, open) !== 62) open--;
    const at = byteAt(s, open) === 60 ? sub(s, open, i).indexOf(' name="') : -1;
    if (at < 0) return 0;
    k = open + at + 7;
    ls = i;
  }
  if (k < 0) {
    // {"value": "x", "name": "DBInstanceIdentifier"}: the pair name after the value, in the same object
    let close = unitWithin(s, 125, j, n, PAIR_WINDOW);
    if (close < 0) close = j + PAIR_WINDOW < n ? j + PAIR_WINDOW : n;
    const next = sub(s, j, close).toLowerCase();
    for (const w of PAIR_KEYS) {
      const at = next.indexOf(w);
      if (at > 0 && byteAt(next, at - 1) === QUOTE) {
        k = j + at + w.length;
        break;
      }
    }
    if (k < 0) return 0;
    ls = close;
  }
  while (k < ls && (byteAt(s, k) === 32 || byteAt(s, k) === QUOTE || byteAt(s, k) === 39 || byteAt(s, k) === 92)) k++;
  let e = k;
  let tagsPath = false;
  while (
    e < ls &&
    ((cls(byteAt(s, e)) & C_ALNUM) !== 0 ||
      byteAt(s, e) === UNDERSCORE ||
      byteAt(s, e) === DASH ||
      byteAt(s, e) === DOT ||
      byteAt(s, e) === COLON ||
      byteAt(s, e) === SLASH)
  ) {
    // (a property's path, /Properties/RoleName: its last segment names it; a drift's /Tags/0/Value, a tag's value)
    if (byteAt(s, e) === SLASH) {
      if (e - k === 4 && byteAt(s, k) === 84 && matchesLowerAt(s, k, e, "tags")) tagsPath = true;
      k = e + 1;
    }
    e++;
  }
  if (e - k < 2) return 0;
  if (tagsPath && e - k === 5 && matchesLowerAt(s, k, e, "value")) tagPair = true;
  // (a lower-case pair named as an HTTP header is a request's, not a tag's: Postman's {"key": "Accept", "value": x})
  if (tagPair && byteAt(s, keyAt) === 107 && nm.httpPairName(s, k, e)) tagPair = false;
  // a HAR file's cookie ({"name": "session", "value": x, "path": "/", "domain": d, "httpOnly": true}): its value is a
  // session's credential whatever its name
  const close = unitWithin(s, 125, j, n, 2 * PAIR_WINDOW);
  const rest = close > j && byteAt(s, j) === QUOTE && byteAt(s, j + 1) === COLON ? sub(s, j, close) : "";
  const cookie = rest.indexOf('"httpOnly"') > 0 || (rest.indexOf('"path"') > 0 && rest.indexOf('"domain"') > 0);
  return valueOfKey(cfg, s, k, e, member, j, n, out, cookie, tagPair);
}

/**
 * The value after j (its separator) read by a key s[k, e) that stands elsewhere (a pair's name, a template parameter):
 * a credential, or a name of the key's kind (a generic key's only with an AWS signal); not an id of its own shape or a
 * region. keyStart: the start of the word before j (valueAfter's quote check). The value's end, or 0.
 */
function valueOfKey(
  cfg: ScanConfig,
  s: string,
  k: number,
  e: number,
  keyStart: number,
  j: number,
  n: number,
  out: Match[],
  cookie = false,
  tagPair = false,
): number {
  // (a request's cookies by their header's name, a WAF log's or a HAR file's {"name": "Cookie", "value": x}: session ids)
  const code =
    cookie || (e - k === 6 && matchesLowerAt(s, k, e, "cookie")) ? creds.CRED_OTHER : creds.credentialKeyCode(s, k, e);
  // (an environment list's {"name": "SHOTGRID_SCRIPT_KEY", "value": x}: a *_KEY or *_SALT name's secret-shaped value)
  const last = byteAt(s, e - 1);
  if (
    code === CRED_NONE &&
    (last === 89 || last === 84) &&
    credentialValueAfter(s, j, n, false, CRED_SPAN) &&
    creds.secretConstant(s, k, e, s, CRED_SPAN.s, CRED_SPAN.e)
  ) {
    push(cfg, s, out, CRED_SPAN.s, CRED_SPAN.e, cfg.byId["credential"]);
    return CRED_SPAN.e;
  }
  if (code !== CRED_NONE) {
    // (the value of a command's flag: --value x)
    const flag = keyStart >= 2 && byteAt(s, keyStart - 1) === DASH && byteAt(s, keyStart - 2) === DASH;
    if (!credentialValueAfter(s, j, n, flag, CRED_SPAN)) return 0;
    push(cfg, s, out, CRED_SPAN.s, CRED_SPAN.e, credentialKind(cfg, code, s, CRED_SPAN.s, CRED_SPAN.e));
    return CRED_SPAN.e;
  }
  let kind = nm.kindOfKey(cfg.keys, sub(s, k, e));
  // (a tag's key of no word of the lists, a Key/Value pair's or a condition's aws:ResourceTag/<key>: its value is a name
  // but one plain word, as a tag key's)
  const otherTag = kind === undefined && !nm.genericKey(s, k, e) && (tagPair || nm.tagConditionStart(s, k) >= 0);
  const named = kind === undefined && (otherTag || nm.genericKey(s, k, e));
  // (a tag pair before the text's first AWS match is kept aside, masked when the text has one: cfg.signalValues; by
  // top-level scans only, so that scanWords needs no mark of its own in the list)
  const aside = named && (otherTag || tagPair) && ENCODED.depth === 0 && !hasSignal(s, out);
  const generic = named && (aside || hasSignal(s, out));
  if (generic) kind = cfg.byId["resource-name"];
  // (review of the fifty-second pass: a cost center's code of digits by the pair's Key, {"Key": "CostCenter", "Value":
  // "70231"}, Key=cost-center,Value=4410)
  if (
    kind === undefined ||
    cfg.on[kind.id] !== true ||
    !valueAfter(s, j, n, keyStart, false, kind, VALUE_SPAN, generic ? k : -1, e)
  )
    return 0;
  const a = VALUE_SPAN.s;
  const b = VALUE_SPAN.e;
  if (idShaped(cfg, s, a, b) || isRegionLabel(s, a, b)) return 0;
  // (a token under such a key is a credential's reader's: Postman's {"key": "merchant_jwt", "value": "eyJ..."})
  if (otherTag && byteAt(s, a) === 101 && byteAt(s, a + 1) === 121 && byteAt(s, a + 2) === 74) return 0;
  // (a tag's value in words: Value: Treasury Ops under Key: BusinessUnit)
  const t = generic && nm.tagKey(s, k, e) ? nm.spacedValueEnd(s, b, n) : b;
  if (t === b && generic && (nm.plainTagValue(s, k, e, s, a, b) || (otherTag && ch.plainWord(s, a, b)))) return b;
  push(cfg, s, aside ? cfg.signalValues : out, a, t, generic ? genericKind(cfg, s, e, a, b) : kind);
  return aside ? 0 : t;
}

/** How findLineAnchors reads the secret after each of CONFIG_SECRETS' words (see there). */
const enum After {
  /** the value right after the word */
  Plain,
  /** Apache's SetEnv: a credential's key, a blank, then the value */
  SetEnv,
  /** "code", then ":" or "=", blanks and "is": a value holding a digit */
  Registration,
  /** an optional opening quote */
  QuotedKey,
  /** IOS' neighbor: the address or peer group, " password ", and an optional 0 or 7 */
  Neighbor,
  /** a credential's word before "is": the value must look random (creds.proseSecret) */
  Sentence,
  /** " should be ": the credential's word is the one before it */
  ShouldBe,
  /** right after the credential's word: "obtained the password Winter2025!bc from" */
  Word,
  /** a vendor's external id, an integration's or a routing key: a value with a digit, "_" or "=" */
  ExternalId,
  /** an encoded authorization message: read up to 16,384 units */
  EncodedMessage,
}

// anchors of findLineAnchors' secrets after a word, each with how its value is read: a mail's one-time secrets, then
// configuration files' (see there)
const CONFIG_SECRETS: [string, After][] = [
  ["temporary password is ", After.Plain],
  ["verification code is ", After.Plain],
  ["confirmation code is ", After.Plain],
  ["insecure-password ", After.Plain],
  ["requirepass ", After.Plain],
  ['"--requirepass", "', After.Plain],
  ["SetEnv ", After.SetEnv],
  // a WorkSpaces directory's registration code in the client's log or in prose (Registration code: x, ... code is x)
  ["egistration ", After.Registration],
  // a BGP peer's MD5 key in a router's configuration (the Direct Connect console's downloads): Junos'
  // authentication-key "x", IOS' neighbor <address> password [0|7] x
  ["authentication-key ", After.QuotedKey],
  ["neighbor ", After.Neighbor],
  // (forty-ninth pass) a secret given in a sentence after a credential's word: "the new PSK is x", "the password is
  // now x", "tunnel2 key should be x" (the value must look random: creds.proseSecret; after "is" a blank or ":")
  ["PSK is", After.Sentence],
  ["assword is", After.Sentence],
  [" key is", After.Sentence],
  ["oken is", After.Sentence],
  ["ecret is", After.Sentence],
  [" should be ", After.ShouldBe],
  ["psk is", After.Sentence],
  ["assphrase is", After.Sentence],
  // (fifty-first pass) and right after the word: a pentest report's "obtained the password Winter2025!bc from ..."
  ["assword ", After.Word],
  ["assphrase ", After.Word],
  // (fifty-third pass) and a key of a credential's name: "the old shared key x in its forward output" (Fluentd's),
  // "access key x was for the old collector" (an HTTP endpoint's; an AWS key id keeps its own kind: lower case needed)
  [" key ", After.Word],
  // (fifty-first pass) a vendor's external id, an integration's or a routing key in prose, no separator needed:
  // "with external id 5c8e2a71-...", "the external ID is 4dafc3ea...", "integration key 226e7d..." (Datadog, Wiz, Orca,
  // Lacework, Snowflake and New Relic call it "External ID"; PagerDuty's Events API keys); the value must hold a
  // digit, "_" or "=" (creds.externalIdValue); then a blank, or a label's ":" or "=" ("External ID: x"; not "external
  // identity", "integration keys")
  ["xternal id", After.ExternalId],
  ["xternal ID", After.ExternalId],
  ["xternal Id", After.ExternalId],
  ["ntegration key", After.ExternalId],
  ["ntegration Key", After.ExternalId],
  ["outing key", After.ExternalId],
  ["outing Key", After.ExternalId],
  // (fifty-second pass) and IAM's condition key, in prose: "an sts:ExternalId condition (`x`)", "ExternalId x"
  ["xternalId", After.ExternalId],
  // EC2's "Encoded authorization failure message: <blob>": decoded (sts decode-authorization-message), the principal,
  // the action, the resources and their tags
  ["authorization failure message: ", After.EncodedMessage],
];

// Nouns after which prose names a resource ("cluster payments-prod", "alarm orders-5xx fired", "node group x").
const PROSE_NOUNS = nm.newKeyTable();
/**
 * first unit * 128 + last unit (lower case) of each prose noun -> a bit per length of the nouns with these ends (bit len):
 * a word of letters is looked up only when it may be one ("customer" and "time" are not: "cluster" and "table" differ in
 * length)
 */
const NOUN_ENDS: number[] = [];
for (let k = 0; k < 128 * 128; k++) NOUN_ENDS.push(0);

/**
 * The CLI's shorthand pairs `Name=<key>,Value(s)=<v>[,<v>]` and `Key=<key>,Values=<v>` (`--dimensions`, `--filters`,
 * `--targets`): the pair's name stays (it is the values' key, `DBInstanceIdentifier`, `tag:Name`) and each value is read
 * by it. i, j: the "Name" or "Key" word. Returns the end of what it read (the name when no value is taken), or 0.
 */
function matchShorthandPair(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  // (CloudFormation's --parameters ParameterKey=<key>,ParameterValue=<v>)
  const parameter = j - i === 12 ? 9 : 0;
  if (parameter > 0 && !matchesLowerAt(s, i, i + 9, "parameter")) return 0;
  if (!matchesLowerAt(s, i + parameter, j, j - i - parameter === 4 ? "name" : "key")) return 0;
  const ps = j + 1;
  let pe = ps;
  while (pe < n && pe - ps < 128) {
    const c = byteAt(s, pe);
    if ((cls(c) & C_ALNUM) !== 0 || c === COLON || c === DASH || c === UNDERSCORE || c === DOT || c === SLASH) pe++;
    else break;
  }
  if (pe === ps || pe + 7 + parameter >= n || byteAt(s, pe) !== ch.COMMA) return 0;
  if (parameter > 0 && !matchesLowerAt(s, pe + 1, pe + 10, "parameter")) return 0;
  if (!matchesLowerAt(s, pe + 1 + parameter, n, "value")) return 0;
  let k = pe + 6 + parameter;
  if (byteAt(s, k) === 115 || byteAt(s, k) === 83) k++;
  if (k >= n || byteAt(s, k) !== ch.EQUALS) return 0;
  k++;
  // what the values are, by the pair's name: a tag's (not one plain word but the Name tag's: tag:Service=payments stays)
  let kind: Kind | undefined;
  let ks = ps;
  if (pe - ps > 4 && matchesLowerAt(s, ps, pe, "tag:")) ks = ps + 4;
  const code = ks > ps ? CRED_NONE : creds.credentialKeyCode(s, ps, pe);
  const otherTag = ks > ps && !(pe - ks === 4 && matchesLowerAt(s, ks, pe, "name"));
  if (code !== CRED_NONE) kind = credentialKind(cfg, code, s, k, k);
  else if (ks > ps) kind = cfg.byId["resource-name"];
  else {
    kind = nm.kindOfKey(cfg.keys, sub(s, ps, pe));
    if (kind === undefined && nm.genericKey(s, ps, pe) && hasSignal(s, out)) kind = cfg.byId["resource-name"];
  }
  if (kind === undefined || cfg.on[kind.id] !== true) return pe;
  let last = pe;
  // the values, up to the token's end: each one a name (or a credential) unless it has an id's shape
  for (let items = 0; items < 256; items++) {
    const a = k;
    while (k < n && (nm.isNameUnit(byteAt(s, k)) || byteAt(s, k) === SLASH || byteAt(s, k) === COLON)) k++;
    let b = k;
    while (b > a && byteAt(s, b - 1) === DOT) b--;
    if (b === a || idShaped(cfg, s, a, b) || isRegionLabel(s, a, b)) break;
    // (review of the fifty-second pass: a cost center's code of digits, Key=CostCenter,Value=4410)
    if (
      kind.family === "name"
        ? !plausibleName(s, a, b, kind) && !(kind.id === "resource-name" && nm.costCenterCode(s, ks, pe, s, a, b))
        : b - a < 4
    )
      break;
    if (!otherTag || !ch.plainWord(s, a, b)) push(cfg, s, out, a, b, kind);
    last = b;
    if (k >= n || byteAt(s, k) !== ch.COMMA) break;
    k++;
  }
  return last;
}

/** `<noun> <kebab-name>` in text with an AWS signal: the name (at least two dashes, or a dash and a digit). */
function matchProseName(cfg: ScanConfig, s: string, j: number, n: number, out: Match[]): number {
  const kind = kindOfKeyEndingAt(PROSE_NOUNS, s, j, KEY_TOKEN);
  if (kind === undefined || KEY_TOKEN.dashes > 0 || cfg.on[kind.id] !== true) return 0;
  const ks = KEY_TOKEN.start;
  if (!nm.qualifiedNoun(s, ks, j)) return 0;
  if (kind.family === "s3-bucket" && ks >= 4 && byteAt(s, ks - 1) === SPACE) {
    // a dotted bucket name before the noun ("the logs.acme.prod bucket"): the walk passed it as prose
    let a = ks - 1;
    let dots = 0;
    while (a > 0 && ks - 1 - a < 64) {
      const c = byteAt(s, a - 1);
      if (c === DOT) dots++;
      else if ((cls(c) & (C_LOWER | C_DIGIT)) === 0 && c !== DASH) break;
      a--;
    }
    if (
      dots > 0 &&
      byteAt(s, ks - 2) !== DOT &&
      (out.length === 0 || out[out.length - 1].e <= a) &&
      plausibleName(s, a, ks - 1, kind) &&
      hasSignal(s, out)
    )
      push(cfg, s, out, a, ks - 1, kind);
  } else if (
    ks >= 4 &&
    byteAt(s, ks - 1) === SPACE &&
    byteAt(s, ks) > 96 &&
    (kind.id === "dynamodb-table" || (kind.id === "db-instance" && byteAt(s, ks) === 100))
  ) {
    // (fiftieth pass) a snake_case table or database before the noun, in lower case ("the recon_results table", "the
    // ledger_core.recon_results table", "the ledger_core database": PostgreSQL's and MySQL's identifiers); the walk
    // passed it as prose
    let a = ks - 1;
    let snake = 0;
    let dots = 0;
    while (a > 0 && ks - 1 - a < 64) {
      const c = byteAt(s, a - 1);
      if (c === UNDERSCORE) snake++;
      else if (c === DOT) dots++;
      else if ((cls(c) & (C_LOWER | C_DIGIT)) === 0) break;
      a--;
    }
    const c = a > 0 ? byteAt(s, a - 1) : SPACE;
    if (
      snake > 0 &&
      dots <= 1 &&
      (cls(byteAt(s, a)) & C_LOWER) !== 0 &&
      byteAt(s, ks - 2) !== UNDERSCORE &&
      byteAt(s, ks - 2) !== DOT &&
      c !== DASH &&
      c !== SLASH &&
      c !== DOT &&
      (out.length === 0 || out[out.length - 1].e <= a) &&
      !nm.builtInTable(s, a, ks - 1) &&
      plausibleName(s, a, ks - 1, kind)
    )
      proseName(cfg, s, out, a, ks - 1, kind);
  }
  // "<noun> named <name>", "called"; "is" and "was" too, more strictly (see below: adjectives follow them as often)
  // (the connector's units compared without a loop first: a helper with a loop, called here from interpreted code
  // for every noun, is blacklisted by LuaJIT)
  let v = j + 1;
  let copula = false;
  let named = false;
  // an ECS task definition's family ("Create ECS task definition bc-recon-job"; "definition" is no noun of its own: the
  // prose automaton would pass 255 states with it), after the noun "task" only; "Task definition: x", "task definition
  // family x"; snake_case too (taskDef)
  let taskDef = false;
  if (
    j - ks === 4 &&
    v + 12 < n &&
    lowerCode(byteAt(s, v)) === 100 &&
    (byteAt(s, v + 10) === SPACE || (byteAt(s, v + 10) === COLON && byteAt(s, v + 11) === SPACE)) &&
    lowerCode(byteAt(s, ks)) === 116 &&
    matchesLowerAt(s, v, n, "definition")
  ) {
    v += byteAt(s, v + 10) === SPACE ? 11 : 12;
    if (v + 7 < n && lowerCode(byteAt(s, v)) === 102 && matchesLowerAt(s, v, n, "family ")) v += 7;
    taskDef = true;
  }
  const c0 = v + 3 < n ? lowerCode(byteAt(s, v)) : 0;
  const c1 = c0 !== 0 ? lowerCode(byteAt(s, v + 1)) : 0;
  if (c0 === 105 && c1 === 115 && byteAt(s, v + 2) === SPACE) {
    v += 3; // is
    copula = true;
  } else if (c0 === 119 && c1 === 97 && lowerCode(byteAt(s, v + 2)) === 115 && byteAt(s, v + 3) === SPACE) {
    v += 4; // was
    copula = true;
  } else if (c0 === 110 && c1 === 97 && matchesLowerAt(s, v, n, "named ")) {
    v += 6;
    named = true;
  } else if (c0 === 110 && c1 === 97 && matchesLowerAt(s, v, n, "name ")) {
    // "<noun> name <x>", "<noun> name is <x>" (a credentials provider's "role name is x", the CDK's "The queue name
    // 'x' is hardcoded"): after "is", as strictly as after "is" alone ("the function name is case-sensitive")
    v += 5;
    if (matchesLowerAt(s, v, n, "is ")) {
      v += 3;
      copula = true;
    }
  } else if (c0 === 99 && c1 === 97 && matchesLowerAt(s, v, n, "called ")) {
    v += 7;
    named = true;
  }
  // a name in PascalCase said to be one ("The stack named HeronLedgerStack-staging failed to deploy", CDK's): the
  // lower-case walk below stops at its first unit
  // (and a CDK stack's name after "stack" without the word: cdk diff's "Stack HarborLedgerDataStack", "stack
  // OrdersApiStack failed")
  const stack = j - ks === 5 && lowerCode(byteAt(s, ks)) === 115 && matchesLowerAt(s, ks, j, "stack");
  // (and one in a code span: "the partner role `PartnerExportReader`")
  const ticked = v + 1 < n && byteAt(s, v) === 96 && (cls(byteAt(s, v + 1)) & ch.C_UPPER) !== 0;
  if (ticked) v++;
  // (fifty-first pass: a role's PascalCase or mixed-case name without the word, "role BrindlecoveDatadogIntegration",
  // "points at WizAccess-Role-bcprod": nm.pascalRoleName)
  const role = j - ks === 4 && lowerCode(byteAt(s, ks)) === 114 && matchesLowerAt(s, ks, j, "role");
  if ((named || stack || ticked || role) && v < n && (cls(byteAt(s, v)) & ch.C_UPPER) !== 0) {
    let e = v;
    while (e < n && e - v < 128 && nm.isNameUnit(byteAt(s, e))) e++;
    while (e > v && byteAt(s, e - 1) === DOT) e--;
    // (a PascalCase word or two closing the span; not AWS's managed policies' and permission sets' ...Access)
    if (
      ticked &&
      (e >= n ||
        byteAt(s, e) !== 96 ||
        (runOf(s, v, e, C_LOWER | ch.C_UPPER) === e - v && e - v < 8) ||
        (e - v > 6 && ch.matchesAt(s, e - 6, e, "Access")) ||
        nm.publicPascalName(s, v, e))
    )
      return 0;
    if (role && !named && !ticked && !stack) {
      if (!nm.pascalRoleName(s, v, e)) return 0;
    } else if (!named && !ticked && (e - v < 8 || !ch.matchesAt(s, e - 5, e, "Stack"))) return 0;
    if (e - v < 3 || !plausibleName(s, v, e, kind)) return 0;
    return proseName(cfg, s, out, v, e, kind);
  }
  // a cell after the noun's (AWS Chatbot's "CloudWatch Alarm | orders-5xx-high | us-east-1 | Account: ...")
  else if (c0 === ch.PIPE && c1 === SPACE) v += 2;
  // an id said to be one ("prompt flow id 8SLN3Q5VXJ", "knowledge base ID: K9W2E7R4T1")
  else if (c0 === 105 && c1 === 100 && byteAt(s, v + 2) === SPACE) v += 3;
  else if (c0 === 105 && c1 === 100 && byteAt(s, v + 2) === COLON && byteAt(s, v + 3) === SPACE) v += 4;
  // Lambda's event source mapping conflict: 'and function (" ledger-consumer ") already exists'
  const spaced = c0 === ch.LPAREN && c1 === QUOTE && byteAt(s, v + 2) === SPACE;
  if (spaced) v += 3;
  // a CLI command's service, not a noun (aws lambda update-function-configuration); "our AWS canary named x" is one
  if (v === j + 1 && ks >= 4 && matchesLowerAt(s, ks - 4, ks, "aws ")) return 0;
  // (quoted, or a code span in Markdown: bucket `acme-logs`)
  if (spaced) {
    // (the name as Lambda prints it, whatever its units, up to ' ")'; an ARN there is found as one)
    const q = unitWithin(s, QUOTE, v, n, 142);
    if (q < v + 2 || byteAt(s, q - 1) !== SPACE || byteAt(s, q + 1) !== ch.RPAREN || matchesLowerAt(s, v, n, "arn:"))
      return 0;
    if (!plausibleName(s, v, q - 1, kind)) return 0;
    return proseName(cfg, s, out, v, q - 1, kind);
  }
  // an opaque id of letters and digits (Bedrock's agent QW7RT2ZP4K, knowledge base 7DFG2HJ9KL, job 3fj9d2k1l0pq); a
  // UUID after "job" (AWS Backup's backup, restore and copy jobs: 7AABA76D-D6F6-401A-80D3-FB53BA76FF98)
  // (in a code span too: knowledge base `K9W2E7R4T1`)
  const tick = v + 1 < n && byteAt(s, v) === 96 ? 1 : 0;
  let opaque = nm.opaqueIdEnd(s, v + tick, n);
  if (tick === 1 && opaque > 0 && byteAt(s, opaque) !== 96) opaque = -1;
  if (opaque < 0 && j - ks === 3 && lowerCode(byteAt(s, ks)) === 106 && v + 36 <= n && byteAt(s, v + 8) === DASH)
    opaque = ch.uuidEnd(s, v, n, true);
  // (a host, a server or a container is named by its kebab name; an id there, Transfer's server s-<hex>, or a DNS
  // name, host "db.corp.internal", is its own kind's)
  const plainNoun = nm.plainNoun(s, ks, j - ks);
  if (opaque > 0) {
    const ov = v + tick;
    if (!plausibleName(s, ov, opaque, kind) || (plainNoun && idShaped(cfg, s, ov, opaque))) return 0;
    return proseName(cfg, s, out, ov, opaque, kind);
  }
  // (in bold: Markdown's **x**, Jira's *x*; the closing "*" is checked as a quote's)
  if (v + 1 < n && byteAt(s, v) === 42 && byteAt(s, v + 1) === 42) v++;
  // (a code span in parentheses: "Maria's role (`maria-breakglass`)", read as the code span)
  if (v + 1 < n && byteAt(s, v) === ch.LPAREN && byteAt(s, v + 1) === 96) v++;
  // (in Jira's and Confluence's monospace: the secret {{prod/x/db}}, VPC {{orders-prod-vpc}})
  const braces = v + 1 < n && byteAt(s, v) === 123 && byteAt(s, v + 1) === 123;
  if (braces) v++;
  // (fifty-first pass: HTML's and Confluence's <code>x</code>, read as the code span, "cluster <code>nwp-pci-ecs</code>")
  const tag = !braces && v + 6 < n && byteAt(s, v) === 60 && ch.matchesAt(s, v, n, "<code>");
  if (tag) v += 5;
  // (or in parentheses, a kebab name: "RDS MySQL (orders-replica-2)", "same cluster (checkout-aurora-prod)")
  const open = v < n ? byteAt(s, v) : 0;
  const quoted = open === QUOTE || open === 39 || open === 96 || open === 42 || open === ch.LPAREN || braces || tag;
  const a = quoted ? v + 1 : v;
  let e = a;
  let dashes = 0;
  let digits = 0;
  // (a secret's or a parameter's name may be a path: the secret prod/orders/db, the parameter /prod/app/db-url; the
  // noun's first units compared inline, as the connector's)
  const nounLen = j - ks;
  const n0 = lowerCode(byteAt(s, ks));
  const paths =
    (nounLen === 6 && n0 === 115 && lowerCode(byteAt(s, ks + 1)) === 101 && matchesLowerAt(s, ks, j, "secret")) ||
    (nounLen === 9 && n0 === 112 && lowerCode(byteAt(s, ks + 1)) === 97 && matchesLowerAt(s, ks, j, "parameter"));
  // an ECR repository's name may have a namespace (the repo payments/api); a table's or database's may be snake_case
  // or qualified by its database (table clickstream_db.events)
  const repo =
    n0 === 114 &&
    ((nounLen === 4 && matchesLowerAt(s, ks, j, "repo")) || (nounLen === 10 && matchesLowerAt(s, ks, j, "repository")));
  // (in lower case: SQL's "TABLE db.t" is read by the Athena forms, name by name); and AWS Backup's plans, vaults and
  // restore testing selections, Glue's jobs, ONTAP's volumes (restore testing names allow A-Za-z0-9_ only)
  const snake =
    (byteAt(s, ks) === 116 && nounLen === 5 && matchesLowerAt(s, ks, j, "table")) ||
    (byteAt(s, ks) === 100 && nounLen === 8 && matchesLowerAt(s, ks, j, "database")) ||
    (nounLen === 4 && n0 === 112 && matchesLowerAt(s, ks, j, "plan")) ||
    (nounLen === 5 && n0 === 118 && matchesLowerAt(s, ks, j, "vault")) ||
    (nounLen === 6 && n0 === 118 && matchesLowerAt(s, ks, j, "volume")) ||
    (nounLen === 3 && n0 === 106 && matchesLowerAt(s, ks, j, "job")) ||
    (nounLen === 9 && n0 === 115 && matchesLowerAt(s, ks, j, "selection"));
  // SQL's user (CREATE USER bi_reader, alter user etl): a database user's name, whatever its shape
  const sqlUser =
    nounLen === 4 &&
    n0 === 117 &&
    matchesLowerAt(s, ks, j, "user") &&
    ((ks >= 7 && matchesLowerAt(s, ks - 7, ks, "create ")) ||
      (ks >= 6 && matchesLowerAt(s, ks - 6, ks, "alter ")) ||
      (ks >= 5 && matchesLowerAt(s, ks - 5, ks, "drop ")));
  // an IAM user's name of dotted words (IAM user ops.contractor.dana): "." as an IAM user name may hold it; a database
  // user's snake_case login ("the DB user recon_svc", "database user etl_loader": PostgreSQL's and MySQL's identifiers)
  // (a database's: not dotted, mysql.sys; not the engine's own, rds_superuser, pg_monitor; a resource's name, no IAM user's)
  const userNoun = nounLen === 4 && n0 === 117 && ks >= 3 && matchesLowerAt(s, ks, j, "user");
  const iamUser = userNoun && ks >= 4 && matchesLowerAt(s, ks - 4, ks, "iam ");
  const dbUser =
    userNoun &&
    (((ks === 3 || (cls(byteAt(s, ks - 4)) & C_ALNUM) === 0) && matchesLowerAt(s, ks - 3, ks, "db ")) ||
      (ks >= 9 && matchesLowerAt(s, ks - 9, ks, "database ")));
  let slashes = 0;
  let inner = 0; // "_" and "." between letters or digits
  // (a name is read whole, up to 255 units: cut at 64, an ELB's host "internal-<name>-<hex>.elb.<region>.amazonaws.com"
  // after "ALIAS" was masked up to "amazon", its "aws.com" left behind)
  while (e < n && e - a < 255) {
    const c = byteAt(s, e);
    const f = cls(c);
    if (c === DASH) dashes++;
    else if ((f & C_DIGIT) !== 0) digits++;
    else if (c === SLASH && (paths || repo)) slashes++;
    // (upper case after two dashes: the Serverless Framework's <service>-<stage>-<function> (processOrder), Amplify's
    // and CloudFormation's generated suffixes (-resizeImage-Ab1Cd2Ef3Gh4))
    else if ((f & C_UPPER) !== 0 && dashes >= 2) {
      // (a part of the name)
    } else if ((f & C_LOWER) === 0 && c !== DOT && c !== UNDERSCORE) break;
    else if ((f & C_LOWER) === 0 && e > a && e + 1 < n && (cls(byteAt(s, e + 1)) & (C_LOWER | C_DIGIT)) !== 0) inner++;
    e++;
  }
  while (e > a && byteAt(s, e - 1) === DOT) e--;
  if (e < n && (cls(byteAt(s, e)) & (C_UPPER | ch.C_HIGH)) !== 0) return 0;
  // (a layer's version before the closing "}}" or "`" stays: the layer {{brindle-ortools-layer:14}})
  if (
    quoted &&
    (e >= n ||
      byteAt(s, open === 123 || open === 96 ? nm.versionAfter(s, e, n) : e) !==
        (open === ch.LPAREN ? ch.RPAREN : open === 123 ? 125 : tag ? 60 : open))
  )
    return 0;
  if (open === ch.LPAREN && dashes === 0 && digits === 0) return 0;
  // (an EC2 host's private DNS name, "the host ip-10-8-0-12", is its own kind's)
  if (byteAt(s, a) === 105 && byteAt(s, a + 1) === 112 && byteAt(s, a + 2) === DASH && digits > 0) return 0;
  // (and a resource id, <prefix>-<8 or 17 hex>: Transfer's server s-07b2d4e6f8a1c3e59)
  const dot = plainNoun ? unitWithin(s, DOT, a, n, e - a) : -1;
  const idDash = plainNoun && dashes === 1 ? s.indexOf("-", a) : -1;
  const hexId =
    idDash > a && (e - idDash === 9 || e - idDash === 18) && runOf(s, idDash + 1, e, ch.C_HEX) === e - idDash - 1;
  if (plainNoun && (hexId || idShaped(cfg, s, a, e) || (dot >= 0 && dot < e))) return 0;
  if (slashes > 0) {
    // a path of two slashes or more ("and/or" is none); not AWS's public parameters (/aws/service/...); a repository's
    // namespace and name, each of three units or more
    const slash = unitWithin(s, SLASH, a, n, e - a);
    const namespaced = repo && slashes === 1 && slash - a >= 3 && e - slash > 3 && byteAt(s, e - 1) !== SLASH;
    if ((slashes < 2 && !namespaced) || matchesLowerAt(s, a, e, "/aws/") || !plausibleName(s, a, e, kind)) return 0;
    return proseName(cfg, s, out, a, e, kind);
  }
  if (
    dbUser &&
    inner > 0 &&
    dashes === 0 &&
    !copula &&
    unitWithin(s, DOT, a, n, e - a) < 0 &&
    !nm.builtInDatabaseUser(s, a, e) &&
    plausibleName(s, a, e, kind)
  )
    return proseName(cfg, s, out, a, e, cfg.byId["resource-name"]);
  if (
    ((snake && inner > 0 && !((n0 === 106 || n0 === 118) && nm.fieldWord(s, a, e))) ||
      sqlUser ||
      (iamUser && inner > 0) ||
      (taskDef && inner > 0 && unitWithin(s, DOT, a, n, e - a) < 0)) &&
    dashes === 0 &&
    !copula &&
    plausibleName(s, a, e, kind)
  )
    return proseName(cfg, s, out, a, e, kind);
  // (unquoted: not a compound adjective phrase, "the proxy up-to-date", "the cluster is end-to-end"; after "is", one
  // dash only with a digit, in parts that read as a name's: not "self-managed", "base64-encoded")
  // (a search bounded by the name: an unbounded one per noun is quadratic on a run of nouns without a dash)
  const dash = unitWithin(s, DASH, a, n, e - a);
  if (!quoted && dashes >= 2 && nm.adjectivePhrase(s, a, e)) return 0;
  if (copula && !quoted && dashes < 2 && (dashes === 0 || digits === 0 || !nm.nameParts(s, a, dash, e))) return 0;
  // "instance i-0abc...", "volume vol-0abc...": an id of a known shape is left to its own matcher (its own kind)
  if (dash > a && dash < e && cfg.hexKinds[sub(s, a, dash)] !== undefined) return 0;
  // (and one of a prefix of one or two segments: "task import-i-fh95npoc", "workspace ws-..."; a name that only starts
  // like one, a word after the dash, is a name: thing fleet-truck-0042)
  if (
    dash > a &&
    dash < e &&
    cfg.orgKinds[sub(s, a, dash)] !== undefined &&
    runOf(s, dash + 1, e, C_LOWER) < runOf(s, dash + 1, e, C_LOWER | C_DIGIT)
  )
    return 0;
  const dash2 = dash > a && dash < e ? unitWithin(s, DASH, dash + 1, e, e - dash - 1) : -1;
  if (dash2 > 0 && cfg.orgKinds[sub(s, a, dash2)] !== undefined) return 0;
  // (a name of one dash, not a compound adjective's: quoted, even one ending like a verb (workgroup `harbor-pricing`,
  // not role `cross-account`); unquoted, not one ending in -ed / -ing or a CLI operation's either (cluster
  // tango-scheduler, not cluster auto-scaling))
  const oneDash =
    dashes === 1 &&
    digits === 0 &&
    dash > a &&
    (quoted
      ? !nm.adjectiveParts(s, a, dash, e)
      : (nm.nameParts(s, a, dash, e) &&
          !nm.notNameHead(s, a, dash) &&
          // (after the nouns the fifty-first pass made readable, no phrasal compound: "for account sign-in", "the
          // environment clean-up"; review of the fifty-first pass)
          !(
            (nounLen === 11 || (nounLen === 7 && n0 === 97 && matchesLowerAt(s, ks, j, "account"))) &&
            nm.phrasalCompound(s, a, dash, e)
          )) ||
        // Kinesis's error: "Stream clickstream-enriched under account <id> not found."
        matchesLowerAt(s, e, n, " under account "));
  // (not a public model's id after "inference profile" or "custom model": us.anthropic.claude-..., amazon.titan-...)
  if (
    !(dashes >= 2 || (dashes === 1 && digits > 0) || oneDash) ||
    !plausibleName(s, a, e, kind) ||
    (inner > 0 && nm.publicModelId(s, a, e))
  )
    return 0;
  return proseName(cfg, s, out, a, e, kind);
}

/**
 * A name matchProseName found: masked when the text carries an AWS signal; before its first one, kept aside
 * (cfg.signalValues) and masked when the text has one after all ("prompt flow id 8SLN3Q5VXJ in account <id>"), so that
 * a second pass over the output finds nothing more. The name's end, or 0 when it is kept aside.
 */
function proseName(cfg: ScanConfig, s: string, out: Match[], a: number, e: number, kind: Kind): number {
  if (hasSignal(s, out)) {
    push(cfg, s, out, a, e, kind);
    return e;
  }
  if (ENCODED.depth === 0) push(cfg, s, cfg.signalValues, a, e, kind);
  return 0;
}

/**
 * `<kebab-name> <noun>` ("the payments-prod-eks cluster lost two nodes") in text with an AWS signal: matchProseName's
 * name in English order, the token starting at i. Not a region (`the us-east-1 cluster`).
 */
function matchNameBeforeNoun(cfg: ScanConfig, s: string, i: number, n: number, out: Match[]): number {
  let e = i;
  let dashes = 0;
  let digits = 0;
  let dash = -1;
  let dots = 0; // a dotted name is a bucket's only
  while (e < n && e - i < 64) {
    const c = byteAt(s, e);
    const f = cls(c);
    if (c === DASH) {
      dashes++;
      dash = e;
    } else if (c === DOT) dots++;
    else if ((f & C_DIGIT) !== 0) digits++;
    else if ((f & C_LOWER) === 0 && c !== UNDERSCORE) break;
    e++;
  }
  // (a token after a dot is the tail of a dotted one, which matchProseName takes at its noun)
  if (i > 0 && byteAt(s, i - 1) === DOT) return 0;
  if (e < n && dashes > 0 && byteAt(s, e - 1) === DASH && (cls(byteAt(s, e)) & ch.C_UPPER) !== 0) {
    // a name CloudFormation generated under a stack named in lower case (sam-app-HelloWorldFunction-1QWERTY5ZXCV)
    const g = nm.generatedNameEnd(s, i, n);
    if (g > 0 && kindOn(cfg, cfg.byId["resource-name"])) {
      push(cfg, s, out, i, g, cfg.byId["resource-name"]);
      return g;
    }
  }
  const last = e > i ? byteAt(s, e - 1) : DASH;
  // (a code span in Markdown: `ledger-close` Lambda)
  const span = i > 0 && byteAt(s, i - 1) === 96 && e < n && byteAt(s, e) === 96 ? 1 : 0;
  if (dashes === 0 || e + span + 5 >= n || byteAt(s, e + span) !== SPACE || last === DASH || last === DOT) return 0;
  // one dash and no digit: a compound adjective unless both parts look like a name's ("cross-account role",
  // "service-linked role", "auto-scaling group" stay; "settlements-ledger table" is a name)
  const compound = dashes === 1 && digits === 0;
  // (in a code span, a part of two letters too: "the `ci-deployer` role", as after the noun; not an English word's,
  // "the `on-demand` instance", "the `no-op` function", nor a participle's, "the `so-called` bucket": learned)
  if (compound && (span === 0 ? dash - i < 3 || e - dash - 1 < 3 : !nm.spanCompoundParts(s, i, dash, e))) return 0;
  // the noun, right after the name or after one qualifier ("x RDS instance", "x replication group")
  let a = e + span + 1;
  for (let w = 0; w < 2; w++) {
    let b = a;
    while (b < n && b - a <= 12 && (cls(byteAt(s, b)) & C_ALNUM) !== 0) b++;
    const len = b - a;
    // (the noun ends its token: not "cluster" of cluster-autoscaler)
    const c = b < n ? byteAt(s, b) : SPACE;
    if (len >= 3 && len <= Run.LongestNoun && (cls(c) & C_ALNUM) === 0 && c !== DASH && c !== UNDERSCORE) {
      // (a service's name as the noun is capitalised: the x Lambda)
      // (in capitals after a name that is no compound: the x-y-z ASG; "the rds-data API" stays)
      const last = compound ? byteAt(s, b - 1) : lowerCode(byteAt(s, b - 1));
      if ((NOUN_ENDS[lowerCode(byteAt(s, a)) * 128 + last] & (1 << len)) !== 0) {
        const kind = kindOfKeyEndingAt(PROSE_NOUNS, s, b, KEY_TOKEN);
        if (kind !== undefined && KEY_TOKEN.start === a && cfg.on[kind.id] === true && nm.qualifiedNoun(s, a, b)) {
          // (after a service's name, a compound's -ed / -ing word may end a name: "the ember-shipping Kinesis stream";
          // "the long-running ECS task" stays by its first part)
          const parts = w > 0 || span > 0 ? !nm.adjectiveParts(s, i, dash, e) : nm.nameParts(s, i, dash, e);
          if ((compound && (!parts || nm.plainNoun(s, a, len))) || (dots > 0 && kind.family !== "s3-bucket")) return 0;
          if (isRegionLabel(s, i, e) || !plausibleName(s, i, e, kind)) return 0;
          return proseName(cfg, s, out, i, e, kind);
        }
      }
    }
    // (a compound's qualifier only a service's name, capitalised: "the orders-events SQS queue")
    // (a at the text's end: "link-type EN10MB " ends on the blank after the word; byteAt(s, n) is nil in Lua)
    if (
      a >= n ||
      (compound && (cls(byteAt(s, a)) & ch.C_UPPER) === 0) ||
      b === a ||
      b >= n ||
      byteAt(s, b) !== SPACE ||
      nm.functionWord(s, a, b)
    )
      return 0;
    a = b + 1;
  }
  return 0;
}

/**
 * A CloudWatch Logs group of an AWS service, `/aws/<service>/<name>...` (`/aws/lambda/x`, `/aws/rds/instance/x/postgresql`,
 * `/aws/eks/x/cluster`), wherever it stands: masked whole, as `--log-group-name` masks it. Not SSM's public parameters
 * (`/aws/service/...`). i: the "aws" word after the leading "/".
 */
function matchLogGroupPath(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  const kind = cfg.byId["resource-name"];
  const a = i - 1;
  if (!kindOn(cfg, kind) || (out.length > 0 && out[out.length - 1].e > a)) return 0;
  if (a > 0) {
    const c = byteAt(s, a - 1);
    if ((cls(c) & C_ALNUM) !== 0 || c === DOT || c === DASH || c === UNDERSCORE || c === SLASH || c === 126) return 0;
  }
  let k = j + 1;
  while (k < n && k - j < 32 && (cls(byteAt(s, k)) & (C_LOWER | C_DIGIT)) !== 0) k++;
  if (k === j + 1 || k + 1 >= n || byteAt(s, k) !== SLASH) return 0;
  if (k - j - 1 === 7 && matchesLowerAt(s, j + 1, k, "service")) return 0;
  const ns = k + 1;
  let e = ns;
  while (e < n && e - ns < 512) {
    const c = byteAt(s, e);
    if ((cls(c) & C_ALNUM) !== 0 || c === DASH || c === UNDERSCORE || c === DOT || c === SLASH || c === 35) e++;
    else break;
  }
  while (e > ns && (byteAt(s, e - 1) === DOT || byteAt(s, e - 1) === SLASH)) e--;
  // (a SageMaker job type's own group, /aws/sagemaker/TrainingJobs, and Batch's default one, /aws/batch/job, are AWS's)
  if (e === ns || ((byteAt(s, a + 5) === 115 || byteAt(s, a + 5) === 98) && nm.awsPublicName(s, a, e))) return 0;
  // (a function's own group, /aws/lambda/<function>: the function's name, learned, so that it is masked where the
  // text names it alone; as the log group's ARN, log-group:/aws/lambda/<function>)
  const fn = cfg.byId["lambda-function"];
  if (
    k - j - 1 === 6 &&
    byteAt(s, j + 1) === 108 &&
    matchesLowerAt(s, j + 1, k, "lambda") &&
    kindOn(cfg, fn) &&
    unitWithin(s, SLASH, ns, n, e - ns) < 0 &&
    // (not a plain word, handler, index, processor: learned, it would stand for the word everywhere)
    !ch.plainWord(s, ns, e) &&
    plausibleName(s, ns, e, fn)
  ) {
    push(cfg, s, out, ns, e, fn);
    return e;
  }
  push(cfg, s, out, a, e, kind);
  return e;
}

/**
 * A kebab token in prose that a part marks as a name (names.ts markedNameEnd), in text with an AWS signal, standing
 * alone between blanks or punctuation: "bump ledger-worker-asg to 6", "from acme-settlement-exports-prod". i: its
 * first word.
 */
function matchMarkedName(cfg: ScanConfig, s: string, i: number, n: number, out: Match[]): number {
  const e = nm.markedNameEnd(s, i, n);
  const kind = cfg.byId["resource-name"];
  if (e < 0 || !kindOn(cfg, kind) || isRegionLabel(s, i, e) || !plausibleName(s, i, e, kind)) return 0;
  return proseName(cfg, s, out, i, e, kind);
}

/** A chat or log line "[10:02] bob.kowalski: ..." / "09:20 alice.nguyen-admin ...": the handle (with a dot) is a user. */
function matchChatHandle(cfg: ScanConfig, s: string, i: number, n: number, out: Match[]): number {
  if (i > 1 && byteAt(s, i - 1) === 91) {
    if (byteAt(s, i - 2) !== 10) return 0;
  } else if (i > 0 && byteAt(s, i - 1) !== 10) return 0;
  if (i + 6 >= n || runOf(s, i + 3, n, C_DIGIT) !== 2) return 0;
  let k = i + 5;
  if (byteAt(s, k) === 93) k++;
  if (k >= n || byteAt(s, k) !== 32) return 0;
  k++;
  const a = k;
  let dots = 0;
  while (
    k < n &&
    k - a < 64 &&
    ((cls(byteAt(s, k)) & (C_LOWER | C_DIGIT)) !== 0 ||
      byteAt(s, k) === DOT ||
      byteAt(s, k) === DASH ||
      byteAt(s, k) === UNDERSCORE)
  ) {
    if (byteAt(s, k) === DOT) dots++;
    k++;
  }
  const kind = cfg.arnKinds["iam:user"];
  if (
    dots === 0 ||
    k >= n ||
    (byteAt(s, k) !== COLON && byteAt(s, k) !== 32) ||
    kind === undefined ||
    !plausibleName(s, a, k, kind) ||
    !hasSignal(s, out)
  )
    return 0;
  push(cfg, s, out, a, k, kind);
  return k;
}

/** <name>-<17 hex> (SSM session ids: grace.liu-99d750412c6bbbdf6): the whole token, fail closed. */
function matchHexTailToken(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  if (!endsAt(s, j, n) || (j < n && (byteAt(s, j) === DASH || byteAt(s, j) === UNDERSCORE))) return 0;
  let a = i - 1;
  while (a > 0 && i - a < 64) {
    const c = byteAt(s, a - 1);
    // (an IAM user named by an e-mail address: jdoe@example.com-<17 hex>)
    if ((cls(c) & C_ALNUM) !== 0 || c === DOT || c === DASH || c === UNDERSCORE || c === 64) a--;
    else break;
  }
  if (a >= i - 1 || (out.length > 0 && out[out.length - 1].e > a)) return 0;
  // the head is a user name (first.last): a word glued to an id prefix (xami-<17 hex>) is not a session id
  let dot = false;
  for (let k = a; k < i - 1; k++) if (byteAt(s, k) === DOT) dot = true;
  if (!dot) return 0;
  push(cfg, s, out, a, j, cfg.byId["resource-name"]);
  return j;
}

/** Whether s[a, b) is <prefix>-<hex> of a catalogue id: left to its own matcher, for its kind and one pseudonym. */
function idShaped(cfg: ScanConfig, s: string, a: number, b: number): boolean {
  // an instance's private DNS name (ip-10-0-1-5.<region>.compute.internal, i-0abc....ec2.internal): the main pass's
  // kind and pseudonym of its ip-/i- label, wherever it stands; only a label of that shape (ip- digits and dashes,
  // i- hex), so that no other first label is left unmasked
  if (
    b - a > 18 &&
    byteAt(s, a) === 105 &&
    (byteAt(s, a + 1) === DASH || (byteAt(s, a + 1) === 112 && byteAt(s, a + 2) === DASH)) &&
    (ch.matchesAt(s, b - 17, b, ".compute.internal") || ch.matchesAt(s, b - 13, b, ".ec2.internal"))
  ) {
    const ip = byteAt(s, a + 1) === 112;
    const start = a + (ip ? 3 : 2);
    const l = ip ? ch.digitDashRunEnd(s, start) : ch.hexRunEnd(s, start);
    if (l - start >= 7 && l < b && byteAt(s, l) === DOT) return true;
  }
  // without a Lua loop (this runs per name: LuaJIT blacklisted this function's entry in about one fresh process in
  // 30-100 while it walked the hex back): the id's hex part, 8, 16 or 17 units after a dash, reaches b
  let d = -1;
  if (b - 9 > a && byteAt(s, b - 9) === DASH) d = b - 9;
  else if (b - 17 > a && byteAt(s, b - 17) === DASH) d = b - 17;
  else if (b - 18 > a && byteAt(s, b - 18) === DASH) d = b - 18;
  if (d < 0 || d - a > 12 || ch.hexRunEnd(s, d + 1) < b) return false;
  const kind = cfg.hexKinds[sub(s, a, d)];
  return kind !== undefined && hasLength(kind, b - d - 1);
}

/** Whether the dot at d is inside an annotation or label key (a "/" before it in the same token: x.io/group.name). */
function annotationKey(s: string, d: number): boolean {
  let k = d;
  while (k > 0 && d - k < 64) {
    const c = byteAt(s, k - 1);
    if (c === 47) return true;
    if ((cls(c) & C_ALNUM) === 0 && c !== DOT && c !== DASH && c !== UNDERSCORE) return false;
    k--;
  }
  return false;
}

/**
 * The kind of the value s[a, b) of a generic name key ending at j: an S3 bucket when the key ends in "bucket(s)"
 * (make_bucket:, logBucket =, EXPORT_BUCKET) and the value can be one, so that the bucket keeps the pseudonym of its
 * s3:// URIs; else resource-name.
 */
function genericKind(cfg: ScanConfig, s: string, j: number, a: number, b: number): Kind {
  const bucket = cfg.byId["s3-bucket"];
  // (the last unit first: matchesLowerAt holds a loop, and a call per key would start traces there that abort)
  const last = j > 0 ? ch.lowerCode(byteAt(s, j - 1)) : 0;
  // (bucket, buckets, and a bucket's name: OutputS3BucketName, LogBucketName)
  const bucketKey =
    (last === 116 && matchesLowerAt(s, j - 6, j, "bucket")) ||
    (last === 115 && matchesLowerAt(s, j - 7, j, "buckets")) ||
    (last === 101 && matchesLowerAt(s, j - 10, j, "bucketname"));
  return bucketKey && cfg.on["s3-bucket"] === true && plausibleName(s, a, b, bucket)
    ? bucket
    : cfg.byId["resource-name"];
}

/**
 * Whether the "name" key at keyStart, its value ending at b, is a pair's name: a "value" member follows in the same
 * object (`", "value"`) or stands before it (`{"value": "x", "name": "AutoScalingGroupName"}`).
 */
function pairNameAt(s: string, keyStart: number, b: number, n: number): boolean {
  let open = keyStart - 1;
  while (open > 0 && keyStart - open < PAIR_WINDOW && byteAt(s, open) !== 123 && byteAt(s, open) !== 125) open--;
  // (escaped too, inside a JSON string: an SNS alarm notification's Message, {\"value\":\"x\",\"name\":\"QueueName\"})
  if (byteAt(s, open) === 123 && (windowHas(s, open, keyStart, '"value"') || windowHas(s, open, keyStart, '"value\\"')))
    return true;
  let k = b < n && byteAt(s, b) === QUOTE ? b + 1 : b;
  while (k < n && k - b < 8 && (byteAt(s, k) === SPACE || byteAt(s, k) === ch.TAB)) k++;
  // XML's <property name="db.password" value="x"/> (Spring, ActiveMQ, Hadoop-style configuration)
  if (k + 6 < n && byteAt(s, k) === 118 && byteAt(s, k + 5) === ch.EQUALS && matchesLowerAt(s, k, n, "value"))
    return true;
  // YAML's list of pairs, a Kubernetes container's env (`- name: AWS_REGION` / `  value: us-east-1`, `valueFrom:`)
  if (k < n && byteAt(s, k) === LF) {
    k++;
    while (k < n && k - b < 40 && byteAt(s, k) === SPACE) k++;
    return k + 6 < n && lowerCode(byteAt(s, k)) === 118 && matchesLowerAt(s, k, n, "value");
  }
  if (k >= n || byteAt(s, k) !== ch.COMMA) return false;
  // (fifty-third pass) a secret scanner's match names its field so, GitGuardian's {"name": "client_secret", "indice_start":
  // 459, ..., "match": "x"}: a "match" member further on in the same object (the object's "}" within 256 units), a
  // string (an Envoy route's {"name": "x", "match": {"prefix": "/"}} names the route)
  const close = byteAt(s, open) === 123 ? unitWithin(s, 125, k, n, 256) : -1;
  if (close > k && (windowHas(s, k, close, '"match": "') || windowHas(s, k, close, '"match":"'))) return true;
  k++;
  while (k < n && k - b < 40 && (byteAt(s, k) === SPACE || byteAt(s, k) === ch.TAB || byteAt(s, k) === LF)) k++;
  return k + 7 < n && byteAt(s, k) === QUOTE && matchesLowerAt(s, k + 1, n, "value") && byteAt(s, k + 6) === QUOTE;
}

/**
 * A template parameter's `Default:` (CloudFormation, SAM): the parameter's name is the value's key (`ArtifactBucket:`
 * / `Type: String` / `Default: acme-artifacts`; JSON `"DbPassword": {"Type": "String", "Default": "x"}`). i, j: the
 * word "Default". The parameter is the mapping key above it: the nearest line less indented (YAML, at most 1,024 units
 * back), or the key before the object's "{" (JSON).
 */
function matchParameterDefault(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  // a Terraform variable's default (variable "<name>" { default = "x" }): read by the variable's name
  // (its list, default = ["a", "b"], as the variable's key's list; Terraform JSON's "default" below)
  if (byteAt(s, i) === 100 && (i === 0 || byteAt(s, i - 1) !== QUOTE)) {
    if (!nm.hclVariableName(s, i, VALUE_SPAN)) return 0;
    const vs = VALUE_SPAN.s;
    const ve = VALUE_SPAN.e;
    const r = valueOfKey(cfg, s, vs, ve, i, j, n, out);
    if (r > 0) return r;
    let kind = kindOfKeyEndingAt(cfg.keys, s, ve, KEY_TOKEN);
    if (kind === undefined && nm.genericKey(s, vs, ve) && hasSignal(s, out)) kind = cfg.byId["resource-name"];
    return kind !== undefined ? matchNameList(cfg, s, j, n, kind, out, false) : 0;
  }
  let ke = -1; // the parameter's name ends here
  // (a walk that reaches the last Default's place in the same string ends as that one did: linear on a run of them)
  const memo = PARAM_MEMO;
  const again = memo.s === s && memo.at < i;
  if (i > 0 && byteAt(s, i - 1) === QUOTE) {
    let open = i - 2;
    while (open > 0 && i - open < 1024 && byteAt(s, open) !== 123 && byteAt(s, open) !== 125) {
      if (again && memo.json && open === memo.at) break;
      open--;
    }
    if (again && memo.json && open === memo.at) ke = memo.ke;
    else if (byteAt(s, open) === 123) {
      let k = open - 1;
      while (k > 0 && open - k < 64 && (byteAt(s, k) === SPACE || byteAt(s, k) === ch.TAB || byteAt(s, k) === LF)) k--;
      if (k >= 2 && byteAt(s, k) === COLON) {
        k--;
        while (k > 0 && (byteAt(s, k) === SPACE || byteAt(s, k) === ch.TAB)) k--;
        if (byteAt(s, k) === QUOTE) ke = k;
      }
    }
    memo.json = true;
  } else {
    // the line's indent: blanks only from the line's start
    let ls = i;
    while (ls > 0 && i - ls < 128 && byteAt(s, ls - 1) === SPACE) ls--;
    const indent = i - ls;
    if (indent === 0 || (ls > 0 && byteAt(s, ls - 1) !== LF)) return 0;
    // up, line by line, to the first line indented less
    let le = ls - 1;
    while (le > 0 && i - le < 1024) {
      if (again && !memo.json && memo.indent === indent && le < memo.at) {
        ke = memo.ke;
        break;
      }
      let ps = le;
      while (ps > 0 && i - ps < 1024 && byteAt(s, ps - 1) !== LF) ps--;
      let d = 0;
      while (ps + d < le && byteAt(s, ps + d) === SPACE) d++;
      if (d < indent && ps + d < le) {
        let e = le;
        if (byteAt(s, e - 1) === 13) e--;
        while (e > ps && byteAt(s, e - 1) === SPACE) e--;
        if (byteAt(s, e - 1) === COLON) ke = e - 1;
        break;
      }
      le = ps - 1;
    }
    memo.json = false;
    memo.indent = indent;
  }
  memo.s = s;
  memo.at = i;
  memo.ke = ke;
  if (ke < 0) return 0;
  let ks = ke;
  while (ks > 0 && ke - ks < 128 && (cls(byteAt(s, ks - 1)) & C_ALNUM) !== 0) ks--;
  // (Terraform JSON's, CDKTF's cdk.tf.json: {"variable": {"<name>": {"default": "x"}}}; its names are snake_case)
  if (byteAt(s, i) === 100)
    while (ks > 0 && ke - ks < 128 && ((cls(byteAt(s, ks - 1)) & C_ALNUM) !== 0 || byteAt(s, ks - 1) === UNDERSCORE))
      ks--;
  if (byteAt(s, i) === 100 && !nm.terraformJsonVariable(s, ks)) return 0;
  return ks === ke ? 0 : valueOfKey(cfg, s, ks, ke, i, j, n, out);
}

/** The last Default matchParameterDefault read: its string, place, parameter name's end (-1: none), form, indent. */
const PARAM_MEMO = { s: "", at: -1, ke: -1, json: false, indent: 0 };

/** A key token ending at j followed by a separator and a name value (names by context). */
function matchKeyValue(
  cfg: ScanConfig,
  s: string,
  j: number,
  n: number,
  flagOnly: boolean,
  out: Match[],
  aligned = false,
): number {
  let kind = kindOfKeyEndingAt(cfg.keys, s, j, KEY_TOKEN);
  // (fiftieth pass: systemd's switch, systemctl --user start x: no user's name after it)
  if (
    j >= 16 &&
    byteAt(s, j - 5) === DASH &&
    byteAt(s, j - 4) === 117 &&
    (ch.matchesAt(s, j - 16, j, "systemctl --user") || (j >= 17 && ch.matchesAt(s, j - 17, j, "journalctl --user")))
  )
    return 0;
  // a Transfer Family user's HomeDirectoryMappings, {"Entry": "/", "Target": "/<bucket>/<prefix>"}: the bucket
  if (
    kind === undefined &&
    j > 6 &&
    byteAt(s, j - 6) === 84 &&
    (cls(byteAt(s, j - 7)) & C_ALNUM) === 0 &&
    matchesLowerAt(s, j - 6, j, "target") &&
    windowHas(s, j, j + 6, "/") &&
    windowHas(s, j - 54, j - 6, "entry")
  ) {
    kind = cfg.byId["s3-bucket"];
    KEY_TOKEN.start = j - 6;
    KEY_TOKEN.dashes = 0;
  }
  // a generic name key (name:, key_name =, --stack-name) only in a text with an AWS signal: k8s, other clouds' IaC and
  // code use the same keys for their own names
  let generic = false;
  // an id key (DetectorId, --query-execution-id): its value when opaque, the id of a resource no kind lists
  let idKey = false;
  // a database's constant (SOURCE_DB = "x", glue_db: 'y'): gated as a generic key, its value a database's name
  let dbKey = false;
  if (kind === undefined) {
    if (nm.genericKeyEndingAt(s, j, KEY_TOKEN) || nm.serviceKeyEndingAt(s, j, KEY_TOKEN)) generic = true;
    else if (nm.dbKeyEndingAt(s, j, n, KEY_TOKEN)) dbKey = true;
    else if (nm.idKeyEndingAt(s, j, KEY_TOKEN)) {
      // (cheap first: past the separator, blanks and quotes the value opens with a letter or digit, or a plural key's
      // list with "[" or a line feed)
      let v = j;
      let c = v < n ? byteAt(s, v) : 0;
      // (" ' : = blank tab \; PowerShell's Format-List aligns its keys with blanks)
      while (v - j < 48 && (c === 34 || c === 39 || c === 58 || c === 61 || c === 32 || c === 9 || c === 92)) {
        v++;
        c = v < n ? byteAt(s, v) : 0;
      }
      // (a list under a singular key too: Grafana's CloudWatch dimensions, "CacheClusterId": ["a", "b"]; a DynamoDB
      // attribute value, an item's "tenant_id": {"S": "x"})
      idKey =
        (cls(c) & C_ALNUM) !== 0 || c === ch.LBRACKET || c === ch.LBRACE || (c === LF && byteAt(s, j - 1) === 115);
    }
    // (a key word in prose, "the on-call engineer", is no key: left before the text's signal is searched, a pass over
    // the text per signal word in a text that has none)
    if ((generic || idKey || dbKey) && KEY_TOKEN.dashes === 0 && !aligned && !nm.keySeparatorFollows(s, j, n)) return 0;
    if (dbKey && hasSignal(s, out)) kind = cfg.byId["database-name"];
    else if ((generic || idKey) && hasSignal(s, out)) {
      kind = cfg.byId["resource-name"];
      generic = true;
    } else if ((generic || idKey || dbKey) && ENCODED.depth === 0) {
      // (before the text's first AWS signal the key is kept aside and read again when the text has one after all:
      // create-account-status's "Id" and "AccountName" above its "AccountId"; scanWords, cfg.signalKeys. Read now,
      // its value's reading would run in every text without a signal, from interpreted code, and LuaJIT blacklisted
      // valueAfter's and plausibleName's entries)
      cfg.signalKeys.push(j * 4 + (flagOnly ? 1 : 0) + (aligned ? 2 : 0));
      return 0;
    }
  }
  if (kind === undefined || cfg.on[kind.id] !== true) return 0;
  const keyStart = KEY_TOKEN.start;
  // (a PowerShell parameter, -BucketName x, -SecretId y: one dash after a blank, PascalCase; AWS Tools for PowerShell)
  const flag =
    KEY_TOKEN.dashes >= 2 ||
    (KEY_TOKEN.dashes === 1 &&
      keyStart > 1 &&
      byteAt(s, keyStart - 2) === SPACE &&
      (cls(byteAt(s, keyStart)) & ch.C_UPPER) !== 0 &&
      (cls(byteAt(s, keyStart + 1)) & C_LOWER) !== 0);
  if (flagOnly && !flag) return 0;
  if (aligned) {
    // the key opens its line and is no upper-case column header (NAME  STATUS); the value ends the line
    let k = keyStart;
    while (k > 0 && keyStart - k < 40 && (byteAt(s, k - 1) === SPACE || byteAt(s, k - 1) === ch.TAB)) k--;
    let lower = false;
    for (let c = keyStart; c < j && !lower; c++) lower = (cls(byteAt(s, c)) & C_LOWER) !== 0;
    if (flag || !lower || (k > 0 && byteAt(s, k - 1) !== LF)) return 0;
    if (!valueAfter(s, j, n, keyStart, true, kind, VALUE_SPAN)) return 0;
    k = VALUE_SPAN.e;
    // (a quoted value after one blank: Fluentd prints its configuration so at startup, `s3_bucket "x"`; Chef's
    // client.rb aligns its quoted values, read by the prose nouns: node_name   "x")
    if (
      k < n &&
      VALUE_SPAN.s === j + 2 &&
      byteAt(s, k) === byteAt(s, VALUE_SPAN.s - 1) &&
      (byteAt(s, k) === QUOTE || byteAt(s, k) === 39)
    )
      k++;
    while (k < n && (byteAt(s, k) === SPACE || byteAt(s, k) === ch.TAB)) k++;
    if (k < n && byteAt(s, k) !== LF && byteAt(s, k) !== 13) return 0;
  }
  if (keyStart > 0 && KEY_TOKEN.dashes === 0) {
    const c = byteAt(s, keyStart - 1);
    // botocore's debug log names the API operation so (OperationModel(name=GetObject)): AWS's name, not the account's
    if (c === ch.LPAREN && keyStart >= 15 && matchesLowerAt(s, keyStart - 15, keyStart, "operationmodel(")) return 0;
    // obj.bucket, path/bucket: not a key; but an annotation or label key naming a name is (eks.amazonaws.com/nodegroup:
    // x, alpha.eksctl.io/cluster-name=x)
    // (also a dotted key inside one: alb.ingress.kubernetes.io/group.name: x)
    const annotation =
      (c === 47 || (c === DOT && annotationKey(s, keyStart - 1))) &&
      kind.family === "name" &&
      j < n &&
      (byteAt(s, j) === COLON || byteAt(s, j) === 61);
    // spring.datasource.username=x, Stack.TableName = Orders (a stack output); an OpenTelemetry resource attribute in
    // the Collector's debug output (aws.ecs.task.family: Str(x), k8s.cluster.name: Str(y))
    const property =
      c === 46 &&
      j < n &&
      (byteAt(s, j) === 61 ||
        byteAt(s, j) === 40 ||
        (byteAt(s, j) === 32 && j + 1 < n && byteAt(s, j + 1) === 61) ||
        (byteAt(s, j) === COLON && j + 2 < n && byteAt(s, j + 2) === 83 && matchesLowerAt(s, j + 1, n, " str(")) ||
        // a JSON path's last key, the path an argument ('$.requestParameters.bucketName') = 'x'
        ((byteAt(s, j) === 39 || byteAt(s, j) === QUOTE) && j + 1 < n && byteAt(s, j + 1) === ch.RPAREN) ||
        // a quoted dotted key (Kafka Connect's "s3.bucket.name": x; valueAfter checks its opening quote)
        (byteAt(s, j) === QUOTE && j + 1 < n && byteAt(s, j + 1) === COLON));
    if ((c === 46 || c === 47) && !annotation && !property) return 0;
  }
  // (another system's account or repository as a number: NEW_RELIC_ACCOUNT_ID, repository_owner_id)
  if (idKey && !flag && nm.numericAccountId(s, keyStart, j, n, VALUE_SPAN)) {
    push(cfg, s, cfg.idValues, VALUE_SPAN.s, VALUE_SPAN.e, kind);
    return VALUE_SPAN.e;
  }
  if (!aligned && !valueAfter(s, j, n, keyStart, flag, kind, VALUE_SPAN))
    return flag ? 0 : matchNameList(cfg, s, j, n, kind, out, idKey);
  const a = VALUE_SPAN.s;
  const b = VALUE_SPAN.e;
  // (a <WORD>_DB key's product or file: VECTOR_DB = "pgvector", SQLITE_DB = "db.sqlite3")
  if (dbKey && nm.dbProductValue(s, a, b)) return b;
  // a namespaced tag key, <tool>cluster:<word> (ParallelCluster's parallelcluster:version): one token, no key and value;
  // learned, "version" replaced every JSON member so named
  if (
    generic &&
    a === j + 1 &&
    byteAt(s, j) === COLON &&
    ((j - keyStart > 7 &&
      ch.matchesAt(s, j - 7, j, "cluster") &&
      runOf(s, keyStart, j, C_LOWER) === j - keyStart &&
      runOf(s, a, b, C_LOWER) === b - a) ||
      // (and a task's word after any key: pnpm test:services:start, npm run db:migrate; not service:nwpledger)
      nm.scriptWord(s, a, b))
  )
    return b;
  // the SDK for JavaScript's logger names its classes so ({ clientName: 'SSMClient', commandName: 'GetObjectCommand' })
  if (
    generic &&
    (j - keyStart === 10 || j - keyStart === 11) &&
    byteAt(s, keyStart) === 99 &&
    (cls(byteAt(s, a)) & ch.C_UPPER) !== 0 &&
    runOf(s, a, b, C_ALNUM) === b - a &&
    ((j - keyStart === 10 &&
      b - a > 6 &&
      ch.matchesAt(s, keyStart, j, "clientName") &&
      ch.matchesAt(s, b - 6, b, "Client")) ||
      (j - keyStart === 11 &&
        b - a > 7 &&
        ch.matchesAt(s, keyStart, j, "commandName") &&
        ch.matchesAt(s, b - 7, b, "Command")))
  )
    return b;
  // an id of a known shape under a name key (AWS Config's "resourceId": "vpc-0abc...") is left to its own matcher: one
  // kind and one pseudonym, wherever the id stands
  // (a region under a name key, region_name="us-west-2", names no resource)
  if (idShaped(cfg, s, a, b) || isRegionLabel(s, a, b)) return 0;
  // a GitHub Actions step's id and name (`- name: Notify` / `  id: login-ecr` / `  uses: ...`): labels of the workflow
  if (
    (j - keyStart === 2 || j - keyStart === 4) &&
    byteAt(s, j) === COLON &&
    nm.workflowStepKey(s, keyStart, j, a, b, n)
  )
    return b;
  // (and a DynamoDB key schema's attribute, AttributeName=cartId,AttributeType=S: a field's name)
  if (generic && byteAt(s, j) === ch.EQUALS && nm.keySchemaAttribute(s, keyStart, j, b, n)) return b;
  if (idKey) {
    // an id key's value (DetectorId, --finding-ids a b c: a list flag's values after one blank each, AWS CLI commands
    // take no positional arguments): each an opaque token is kept aside (cfg.idValues) and masked as a resource name
    // where the main pass, which scans them on, finds nothing of its own kind (e-..., fleet-<uuid>, 32 hex)
    let e = b;
    let v = a;
    for (let items = 0; items < 256; items++) {
      if (!nm.idValue(s, v, e, kind)) break;
      push(cfg, s, cfg.idValues, v, e, kind);
      if (!flag || byteAt(s, j - 1) !== 115 || e + 1 >= n || byteAt(s, e) !== SPACE) break;
      v = e + 1;
      if ((cls(byteAt(s, v)) & C_ALNUM) === 0) break;
      e = v;
      while (e < n && e - v <= 128 && nm.isNameUnit(byteAt(s, e))) e++;
    }
    return 0;
  }
  // nor does its default DNS domain (resolv.conf's `search ca-central-1.compute.internal`, ec2.internal)
  if (b - a === 12 && ch.matchesAt(s, a, b, "ec2.internal")) return 0;
  if (b - a >= 26 && ch.matchesAt(s, b - 17, b, ".compute.internal") && isRegionLabel(s, a, b - 17)) return 0;
  // a key id's key (Key-Pair-Id) holds a CloudFront id (upper case and digits); EC2's KeyPairId (key-0abc) is an id of
  // its own shape
  if (kind.family === "iam-id" && (b - a < 8 || b - a > 32 || runOf(s, a, b, C_UPPER | C_DIGIT) !== b - a)) return 0;
  // the name of a name/value pair ({"name": "subnetId", "value": "subnet-0abc"}) is its value's key, not a resource
  if (generic && j - keyStart === 4 && (nm.keyLike(s, a, b) || nm.headerName(s, a, b)) && pairNameAt(s, keyStart, b, n))
    return b;
  // (a header's name under HeaderName, a CloudFront origin's custom header: X-Origin-Verify; its value is HeaderValue's)
  if (
    generic &&
    j - keyStart >= 10 &&
    byteAt(s, j - 1) === 101 &&
    lowerCode(byteAt(s, j - 10)) === 104 &&
    matchesLowerAt(s, j - 10, j, "headername") &&
    nm.headerName(s, a, b)
  )
    return b;
  // an XML element's name attribute before its text (<Data Name='TargetUserName'>x</Data>, <string name="k">x</string>):
  // the text's key, not a resource's name (findXmlElements reads the text by it)
  if (
    generic &&
    j - keyStart === 4 &&
    byteAt(s, j) === ch.EQUALS &&
    b < n &&
    keyStart > 1 &&
    byteAt(s, keyStart - 1) === SPACE
  ) {
    let t = b + 1;
    while (t < n && t - b < 128 && byteAt(s, t) !== 62 && byteAt(s, t) !== 60 && byteAt(s, t) !== LF) t++;
    // (the element holds text and closes on its line: <string name="k">x</string>; a project's, a logger's or a
    // queue's name="x" over child elements is the resource's own)
    let c = t + 1;
    while (c < n && c - t < 512 && byteAt(s, c) !== 60 && byteAt(s, c) !== LF) c++;
    if (
      t + 1 < n &&
      byteAt(s, t) === 62 &&
      byteAt(s, t - 1) !== SLASH &&
      c > t + 1 &&
      c + 1 < n &&
      byteAt(s, c) === 60 &&
      byteAt(s, c + 1) === SLASH
    )
      return b;
  }
  // (before the title rule below: an account's name in words, create-account-status' AccountName: Brindle Payments;
  // its words capitalised or numbers, up to the next key's, "Status:", or an account's id; not Control Tower's own
  // shared accounts, Log Archive and Security Tooling)
  if (
    generic &&
    j - keyStart >= 11 &&
    b + 1 < n &&
    byteAt(s, b) === SPACE &&
    lowerCode(byteAt(s, j - 11)) === 97 &&
    matchesLowerAt(s, j - 11, j, "accountname")
  ) {
    let t = b;
    for (let words = 0; words < 4 && t + 1 < n && byteAt(s, t) === SPACE; words++) {
      const w0 = t + 1;
      let w = w0;
      while (
        w < n &&
        w - w0 < 24 &&
        ((cls(byteAt(s, w)) & C_ALNUM) !== 0 || byteAt(s, w) === DASH || byteAt(s, w) === 38)
      )
        w++;
      if (w === w0 || (cls(byteAt(s, w0)) & ch.C_UPPER) === 0 || (w < n && byteAt(s, w) === COLON)) break;
      t = w;
    }
    const shared = t - a === 11 ? sub(s, a, t) === "Log Archive" : t - a === 16 && sub(s, a, t) === "Security Tooling";
    if (t > b && !shared) {
      push(cfg, s, out, a, t, cfg.byId["resource-name"]);
      return t;
    }
  }
  // (fifty-first pass, before the title rule too: a Well-Architected workload's or milestone's name, blanks allowed,
  // WorkloadName: Brindlecove Ledger Platform (prod): up to the line's end or a quote, at most 100 characters, counted
  // as columnWidth counts them: the same bound in Node and Lua for a name with accents)
  if (
    generic &&
    j - keyStart >= 12 &&
    b + 1 < n &&
    byteAt(s, b) === SPACE &&
    byteAt(s, j - 4) === 78 &&
    (matchesLowerAt(s, j - 12, j, "workloadname") ||
      (j - keyStart >= 13 && matchesLowerAt(s, j - 13, j, "milestonename")))
  ) {
    let t = b;
    let w = b - a;
    while (
      t < n &&
      w < 100 &&
      byteAt(s, t) !== LF &&
      byteAt(s, t) !== 13 &&
      byteAt(s, t) !== QUOTE &&
      byteAt(s, t) !== 9
    ) {
      w += ch.columnWidth(byteAt(s, t));
      t++;
    }
    while (t > b && (byteAt(s, t - 1) === SPACE || byteAt(s, t - 1) === ch.COMMA)) {
      t--;
      w--;
    }
    if (t > b && w < 100) {
      push(cfg, s, out, a, t, cfg.byId["resource-name"]);
      return t;
    }
  }
  // (before the title rule below: a tag's value in words opening its line is a person or a team, Owner: Adaeze Okafor)
  if (generic && nm.tagKey(s, keyStart, j)) {
    if (nm.dottedHostValue(s, keyStart, j, a, b)) return 0;
    // a tag's value in words (Owner: Adaeze Okafor) is masked whole; one plain word (Owner: Platform) stays
    const t = nm.spacedValueEnd(s, b, n);
    if (t > b) {
      push(cfg, s, out, a, t, cfg.byId["resource-name"]);
      return t;
    }
    if (nm.plainTagValue(s, keyStart, j, s, a, b)) return b;
  }
  // (a URL's query parameter repo=, a code host's public repository: securityscorecards.dev/?repo=fast-check)
  if (
    generic &&
    j - keyStart === 4 &&
    keyStart > 0 &&
    (byteAt(s, keyStart - 1) === 38 || byteAt(s, keyStart - 1) === 63) &&
    matchesLowerAt(s, keyStart, j, "repo")
  )
    return 0;
  // (IAM Identity Center's predefined permission sets: permission_set: PowerUserAccess)
  if (generic && nm.predefinedPermissionSet(s, a, b)) return b;
  // (an SDK exception's service, AWS's own name: "(Service: CloudFront, Status Code: 409, Request ID: x)"; letters and
  // digits, after "(")
  if (
    generic &&
    byteAt(s, b) === 44 &&
    byteAt(s, b + 2) === 83 &&
    keyStart > 0 &&
    byteAt(s, keyStart - 1) === ch.LPAREN &&
    runOf(s, a, b, C_ALNUM) === b - a &&
    ch.matchesAt(s, b, n, ", Status Code")
  )
    return b;
  if (
    generic &&
    byteAt(s, j) === COLON &&
    a > 0 &&
    (byteAt(s, a - 1) === SPACE || byteAt(s, a - 1) === ch.TAB) &&
    b + 1 < n &&
    byteAt(s, b) === SPACE
  ) {
    // a title, not a name: a YAML key opening its line whose plain value goes on in words (a GitHub Actions step's
    // `- name: Configure AWS credentials`, a workflow's `name: Build and deploy`; a ticket's field, Jira's
    // Project:<tab>Platform Operations)
    let t = keyStart;
    while (t > 0 && keyStart - t < 40 && (byteAt(s, t - 1) === SPACE || byteAt(s, t - 1) === DASH)) t--;
    if ((t === 0 || byteAt(s, t - 1) === LF) && (cls(byteAt(s, b + 1)) & C_ALNUM) !== 0) return b;
  }
  if (generic) kind = genericKind(cfg, s, j, a, b);
  else if (kind.id === "ecs-task" && ch.runOf(s, a, b, C_HEX | C_DIGIT) !== b - a && ch.uuidEnd(s, a, b, false) !== b) {
    // an ECS task is an id (32 hex digits, a UUID); under a task key another value is a job's or a workflow's task:
    // letters alone (EC2Launch v2's task types, setHostName, startSsm) stay, a name gets the generic kind (Airflow's
    // task_id="load_orders")
    const nameKind = cfg.byId["resource-name"];
    if (ch.runOf(s, a, b, C_LOWER | ch.C_UPPER) === b - a || !kindOn(cfg, nameKind)) return b;
    kind = nameKind as Kind;
  }
  if (keyStart > 1 && byteAt(s, keyStart - 1) === DOT) {
    // a stack output line `<stack>.<Key> = value`: the stack name too
    let t = keyStart - 1;
    while (
      t > 0 &&
      keyStart - t < 128 &&
      ((cls(byteAt(s, t - 1)) & C_ALNUM) !== 0 || byteAt(s, t - 1) === DASH || byteAt(s, t - 1) === UNDERSCORE)
    )
      t--;
    const generic = cfg.byId["resource-name"];
    // (a Trino or Presto catalog's connector.name=hive names a connector, not a resource)
    if (keyStart - 1 - t === 9 && matchesLowerAt(s, t, n, "connector.")) return b;
    if (
      (t === 0 || byteAt(s, t - 1) === 10) &&
      t < keyStart - 1 &&
      // (CDK prints a stack's outputs as `Stack.Key = value`; `a.b=value` is a properties file's key)
      byteAt(s, j) === SPACE &&
      generic !== undefined &&
      (out.length === 0 || out[out.length - 1].e <= t) &&
      plausibleName(s, t, keyStart - 1, generic)
    )
      push(cfg, s, out, t, keyStart - 1, generic);
  }
  // a shell's list in one string under a plural key (REPOS="nwp/ledger-api nwp/fraud-scorer"): each item a name
  if (
    generic &&
    lowerCode(byteAt(s, j - 1)) === 115 &&
    a > 0 &&
    (byteAt(s, a - 1) === QUOTE || byteAt(s, a - 1) === 39) &&
    b < n &&
    byteAt(s, b) === byteAt(s, a - 1) &&
    nm.blankList(s, a, b)
  ) {
    for (let k = a; k < b; k++) {
      const e = unitWithin(s, SPACE, k, b, 256);
      const w = e < 0 ? b : e;
      if (plausibleName(s, k, w, kind) && !idShaped(cfg, s, k, w)) push(cfg, s, out, k, w, kind);
      k = w;
    }
    return b;
  }
  push(cfg, s, out, a, b, kind, generic && nm.unlearnedWord(s, keyStart, j, a, b));
  // an unquoted list of names: buckets: a, b, c
  if (b < n && byteAt(s, b) === ch.COMMA && (a === 0 || (byteAt(s, a - 1) !== QUOTE && byteAt(s, a - 1) !== 39)))
    return commaItems(cfg, s, b, n, kind, out);
  // a search expression's alternatives after the first: ("a" OR "b" OR "c")
  // (the "o" compared inline first: matchesLowerAt, a loop, for every quoted value followed by a blank)
  if (b + 5 < n && byteAt(s, b) === QUOTE && byteAt(s, b + 1) === SPACE && lowerCode(byteAt(s, b + 2)) === 111) {
    let last = b;
    let k = b + 1;
    for (let items = 0; items < 256 && matchesLowerAt(s, k, n, ' or "'); items++) {
      const e = unitWithin(s, QUOTE, k + 5, n, 256);
      if (e < 0 || !plausibleName(s, k + 5, e, kind) || idShaped(cfg, s, k + 5, e)) break;
      push(cfg, s, out, k + 5, e, kind);
      last = e;
      k = e + 1;
    }
    return last;
  }
  // terraform plan: ~ name = "old" -> "new"; pulumi preview: ~ name: "old" => "new"
  let k = b < n && (byteAt(s, b) === QUOTE || byteAt(s, b) === 39) ? b + 1 : b;
  if (
    k + 3 < n &&
    byteAt(s, k) === 32 &&
    (byteAt(s, k + 1) === DASH || byteAt(s, k + 1) === ch.EQUALS) &&
    byteAt(s, k + 2) === 62 &&
    byteAt(s, k + 3) === 32
  ) {
    k += 4;
    const q = k < n ? byteAt(s, k) : -1;
    if (q === QUOTE || q === 39) {
      let e = k + 1;
      while (e < n && e - k < 256 && byteAt(s, e) !== q && byteAt(s, e) !== 10) e++;
      if (e < n && byteAt(s, e) === q && plausibleName(s, k + 1, e, kind)) {
        push(cfg, s, out, k + 1, e, kind);
        return e;
      }
    }
  }
  return b;
}

/**
 * The other items of an unquoted comma list whose first item, a name of kind, ends at b (`buckets: a, b, c`,
 * `LEDGER_BUCKETS=a,b`): each a name of the same kind, when the list of name tokens runs to the line's end (a final "."
 * allowed) and holds nothing else. The end of the last item taken, or b.
 */
function commaItems(cfg: ScanConfig, s: string, b: number, n: number, kind: Kind, out: Match[]): number {
  let k = b;
  let items = 0;
  while (k < n && items < 256 && byteAt(s, k) === ch.COMMA) {
    k++;
    while (k < n && byteAt(s, k) === SPACE) k++;
    const a = k;
    while (k < n && nm.isNameUnit(byteAt(s, k))) k++;
    if (k === a) return b;
    items++;
  }
  const end = k;
  while (k > b && byteAt(s, k - 1) === DOT) k--;
  if (items === 0 || (end < n && byteAt(s, end) !== LF && byteAt(s, end) !== 13)) return b;
  const stop = k;
  let last = b;
  k = b;
  while (k < stop) {
    k++;
    while (k < stop && byteAt(s, k) === SPACE) k++;
    const a = k;
    while (k < stop && byteAt(s, k) !== ch.COMMA) k++;
    if (!plausibleName(s, a, k, kind) || idShaped(cfg, s, a, k) || isRegionLabel(s, a, k)) break;
    push(cfg, s, out, a, k, kind);
    last = k;
  }
  return last;
}

/**
 * A list of names after a name key ending at j: JSON or Python (`"TableNames": ["a", "b"]`, `'clusters': ['a']`) or
 * YAML (`TableNames:` then `- a` lines: the CLI's --output yaml). Each item a plausible name is one (list-tables,
 * eks list-clusters, iam list-account-aliases). Returns the end of the last item taken, or 0.
 */
function matchNameList(
  cfg: ScanConfig,
  s: string,
  j: number,
  n: number,
  kind: Kind,
  out: Match[],
  ids: boolean,
): number {
  let k = j;
  // (JSON inside a string, its quotes escaped: an EventBridge rule's EventPattern, {\"name\":[\"a\"]})
  const esc = k < n && byteAt(s, k) === 92 ? nm.escapedQuote(s, k, n) : 0;
  if (esc > 0) k += esc + 1;
  else if (k < n && (byteAt(s, k) === QUOTE || byteAt(s, k) === 39)) k++;
  while (k < n && (byteAt(s, k) === SPACE || byteAt(s, k) === 9)) k++;
  if (k >= n || (byteAt(s, k) !== COLON && byteAt(s, k) !== 61)) return 0;
  k++;
  while (k < n && (byteAt(s, k) === SPACE || byteAt(s, k) === 9)) k++;
  const yaml = k < n && (byteAt(s, k) === LF || byteAt(s, k) === 13);
  // a YAML flow sequence's items may be plain (unquoted): `DBInstanceIdentifier: [orders-db]`, `Subnets: [a, b]`; only
  // after an unquoted key and a colon (code's lists, `x = [a, b]`, hold variables)
  const flow = !yaml && esc === 0 && byteAt(s, j) === COLON;
  // (a DynamoDB string set: "Buckets": {"SS": ["a", "b"]})
  if (!yaml && k < n && byteAt(s, k) === 123) {
    k = nm.dynamoValue(s, k, n, true, 0);
    if (k < 0) return 0;
  }
  if (!yaml && (k >= n || byteAt(s, k) !== ch.LBRACKET)) return 0;
  if (!yaml) k++;
  let last = 0;
  // at most 4,096 items taken (a longer list is scanned on as text)
  for (let items = 0; items < 4096; items++) {
    // to the item: blanks and line ends; a YAML item's "- " after them
    while (k < n && (byteAt(s, k) === SPACE || byteAt(s, k) === 9 || byteAt(s, k) === LF || byteAt(s, k) === 13)) k++;
    if (yaml) {
      if (k + 1 >= n || byteAt(s, k) !== DASH || byteAt(s, k + 1) !== SPACE) break;
      k += 2;
    }
    // (an escaped item's quote: esc backslashes and a quote, closed alike; q is then the backslash)
    const q = esc > 0 ? (nm.escapedQuote(s, k, n) === esc ? 92 : -1) : k < n ? byteAt(s, k) : -1;
    const quoted = q === QUOTE || q === 39 || q === 92;
    if (!quoted && !yaml && !flow) break;
    const a = nm.wildcardNameStart(s, quoted ? k + 1 + esc : k, n);
    let b = a;
    while (
      b < n &&
      b - a < 256 &&
      byteAt(s, b) !== LF &&
      byteAt(s, b) !== 13 &&
      (quoted ? byteAt(s, b) !== q : !yaml ? byteAt(s, b) !== ch.COMMA && byteAt(s, b) !== ch.RBRACKET : true)
    )
      b++;
    const e = quoted ? b + 1 + esc : b;
    if (quoted && (b >= n || byteAt(s, b) !== q || (esc > 0 && nm.escapedQuote(s, b, n) !== esc))) break;
    // (a plain flow item ends at its comma or the list's close)
    if (!quoted && !yaml && (b >= n || (byteAt(s, b) !== ch.COMMA && byteAt(s, b) !== ch.RBRACKET))) break;
    if (!quoted) while (b > a && (byteAt(s, b - 1) === SPACE || byteAt(s, b - 1) === 9)) b--;
    if (ids) {
      // (an id list's items are scanned on by the main pass: an opaque one is kept aside, idValues)
      if (nm.idValue(s, a, b, kind)) push(cfg, s, cfg.idValues, a, b, kind);
    } else if (
      // (an ARN or an id of its own kind, as in an EventBridge event's "resources", ends the list: the main pass takes it)
      (byteAt(s, a) === 97 && matchesLowerAt(s, a, b, "arn:")) ||
      idShaped(cfg, s, a, b) ||
      !plausibleName(s, a, b, kind)
    ) {
      break;
    } else if (
      b - a > 12 &&
      byteAt(s, a) === SLASH &&
      matchesLowerAt(s, a, a + 12, "/aws/lambda/") &&
      unitWithin(s, SLASH, a + 12, b, b - a - 12) < 0
    ) {
      // (fiftieth pass: a function's log group, /aws/lambda/<function>, as matchLogGroupPath takes it: the function,
      // learned; an MCP CloudWatch tool's log_group_names)
      const fn = cfg.byId["lambda-function"];
      if (kindOn(cfg, fn) && !ch.plainWord(s, a + 12, b) && plausibleName(s, a + 12, b, fn))
        push(cfg, s, out, a + 12, b, fn);
      else push(cfg, s, out, a, b, kind);
    } else {
      push(cfg, s, out, a, b, kind);
    }
    last = b;
    k = e;
    if (yaml) continue;
    while (k < n && (byteAt(s, k) === SPACE || byteAt(s, k) === 9 || byteAt(s, k) === LF || byteAt(s, k) === 13)) k++;
    if (k >= n || byteAt(s, k) !== ch.COMMA) break;
    k++;
  }
  return ids ? 0 : last;
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
  return (
    a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
  );
}

function isReserved(a: number, b: number): boolean {
  // this network, loopback, link-local (incl. the 169.254.169.254 metadata service), multicast and above
  return a === 0 || a === 127 || (a === 169 && b === 254) || a >= 224;
}

/**
 * Resource layouts of ARNs whose resource holds names, by "service:type" (AWS's ARN formats): per "/" segment, "c" a
 * cluster name, "n" another name, "t" an ECS task id, "i" an id, "v" a word that stays visible (the load balancer's
 * type).
 */
const ARN_LAYOUTS: Record<string, string> = {
  "cloudformation:stack": "ni",
  "elasticloadbalancing:targetgroup": "ni",
  "elasticloadbalancing:loadbalancer": "vni",
  "elasticloadbalancing:listener": "vnii",
  "elasticloadbalancing:listener-rule": "vniii",
  "ecs:service": "cn",
  "ecs:task": "ct",
  "ecs:container-instance": "ci",
  "ecs:task-set": "cni",
  "eks:nodegroup": "cni",
  "eks:fargateprofile": "cni",
  // (fifty-third pass) WAF's web ACLs, IP sets, rule groups and regex pattern sets: <scope>/<type>/<name>/<id>
  "wafv2:regional": "vni",
  "wafv2:global": "vni",
};

/** "version 1.2.3.4", "ver 1.2.3.4", and the next dotted number of such a phrase ("version 2.7.0.4 (was 2.6.9.1)"). */
function versionContext(s: string, i: number): boolean {
  if (windowHas(s, i - 24, i, "version") || windowHas(s, i - 4, i, "ver")) return true;
  let k = i - 1;
  while (k >= 0 && k > i - 16 && (cls(byteAt(s, k)) & C_DIGIT) === 0) k--;
  if (k < 0 || k <= i - 16) return false;
  let dots = 0;
  while (k > 0 && ((cls(byteAt(s, k - 1)) & C_DIGIT) !== 0 || byteAt(s, k - 1) === 46)) {
    if (byteAt(s, k - 1) === 46) dots++;
    k--;
  }
  return dots >= 2 && windowHas(s, k - 24, k, "version");
}

function matchIpv4(cfg: ScanConfig, s: string, i: number, n: number, out: Match[]): number {
  if (i > 0) {
    const p = byteAt(s, i - 1);
    // inside a longer dotted number (1.10.0.0.1) or a word; not after an ellipsis (strongSwan's left...right)
    // (a literal escape's letter is a separator: "\n10.0.0.1")
    if (p === 46 ? i < 2 || byteAt(s, i - 2) !== 46 : (cls(p) & C_ALNUM) !== 0 && !ch.escapeEndsBefore(s, i, n))
      return 0;
  }
  const o: number[] = [0, 0, 0, 0];
  const e = dottedQuadEnd(s, i, n, 46, o);
  if (e < 0) return 0;
  if (e < n) {
    const c = byteAt(s, e);
    if ((cls(c) & C_ALNUM) !== 0) return 0;
    // (1.2.3.4.5 is no address, but tcpdump -n's address.port is: IP 10.0.0.5.50916 > 34.226.81.17.443:)
    if (c === 46 && e + 1 < n && (cls(byteAt(s, e + 1)) & C_DIGIT) !== 0) {
      const t = e + 1 + runOf(s, e + 1, n, C_DIGIT);
      const before = i >= 2 && byteAt(s, i - 1) === SPACE ? byteAt(s, i - 2) : 0;
      if (
        t - e > 6 ||
        (before !== 80 && before !== 62) ||
        t >= n ||
        (byteAt(s, t) !== COLON && !(byteAt(s, t) === SPACE && t + 1 < n && byteAt(s, t + 1) === 62))
      )
        return 0;
    }
  }
  if (isReserved(o[0], o[1])) return e;
  // (a product's version in a User-Agent, Chrome/124.0.0.0, Edg/124.0.0.0: a letter, "/", a version ending in .0.0)
  if (i > 1 && byteAt(s, i - 1) === SLASH && (cls(byteAt(s, i - 2)) & C_LOWER) !== 0 && o[2] === 0 && o[3] === 0)
    return e;
  // a private address is always masked (a false positive there costs nothing); a public one after "version" / "ver"
  // is taken for a version number ("v1.2.3.4" never starts at a word boundary)
  if (isPrivate(o[0], o[1])) {
    // a host's name before its address in parentheses ("pgb-use1-01 (10.88.30.11)", an incident's notes): a kebab
    // name with a digit
    // (the address alone in its parentheses, no CIDR's; the name in lower case: not RFC-1918, TLS-1, Windows-2019)
    // (or the two in one pair of parentheses, "the old primary (pg-orders-01, 10.30.4.11)", "(metabase01, 10.30.7.40)":
    // a dash or a digit is enough there)
    const pair = i >= 6 && byteAt(s, i - 1) === SPACE && byteAt(s, i - 2) === ch.COMMA;
    // (fiftieth pass: a list's item "edge-haproxy-1 — i-0a1b..., 10.50.1.11", the host before a dash and its
    // instance's id; the host in a code span or Jira's monospace, "{{tableau-gw01}} (10.40.12.19)"; a host without a
    // digit after "on", "cron on jenkins-old (10.4.7.21)")
    const item = pair ? nm.hostBeforeInstance(s, i - 2) : -1;
    // (fifty-third pass: or the pair in a sentence, "run from the bastion bastion-obs-01, 10.42.3.9; creds from ...",
    // the address ending a clause: a numbered host's name then, below)
    const after = e < n ? byteAt(s, e) : LF;
    const closed = after === ch.RPAREN;
    if (
      i >= 6 &&
      (item > 0 ||
        (pair
          ? closed || after === ch.SEMI || after === ch.COMMA || after === LF || after === 13
          : byteAt(s, i - 1) === ch.LPAREN && byteAt(s, i - 2) === SPACE && closed))
    ) {
      const he = item > 0 ? item : nm.spanClose(s, i - 2);
      let h = he;
      let dash = false;
      let digit = false;
      while (h > 0 && he - h < 63) {
        const c = byteAt(s, h - 1);
        if (c === DASH) dash = true;
        else if ((cls(c) & C_DIGIT) !== 0) digit = true;
        else if ((cls(c) & C_LOWER) === 0) break;
        h--;
      }
      const name = cfg.byId["resource-name"];
      const spanned = he < i - 2 && nm.spanOpens(s, h, he);
      if (
        (item > 0
          ? dash && nm.listItemStart(s, h)
          : pair
            ? (closed && (dash || digit) && h > 0 && byteAt(s, h - 1) === ch.LPAREN && !nm.interfaceName(s, h, he)) ||
              (nm.numberedHost(s, h, he) &&
                (h === 0 || byteAt(s, h - 1) === SPACE || byteAt(s, h - 1) === LF) &&
                !nm.interfaceName(s, h, he))
            : // (in a span with a digit as outside one: `kube-dns` (10.96.0.10) is Kubernetes'; after "on" without one,
              // a name's parts: not "on wi-fi (x)", "on built-in (x)")
              dash && (digit || (!spanned && nm.hostAfterOn(s, h, he)))) &&
        (item > 0 || he === i - 2 || spanned) &&
        he - h >= 4 &&
        (h === 0 || spanned || !nm.isNameUnit(byteAt(s, h - 1))) &&
        (cls(byteAt(s, h)) & C_LOWER) !== 0 &&
        (h === 0 || (cls(byteAt(s, h - 1)) & ch.C_UPPER) === 0) &&
        (item > 0 || out.length === 0 || out[out.length - 1].e <= h) &&
        !idShaped(cfg, s, h, he) &&
        name !== undefined &&
        plausibleName(s, h, he, name)
      )
        // (the item's host before its instance's id, already found: merged in order with the names kept aside)
        push(cfg, s, item > 0 ? cfg.signalValues : out, h, he, name);
    }
    push(cfg, s, out, i, e, cfg.byFamily["ipv4-private"]);
    return e;
  }
  if (versionContext(s, i)) return e;
  push(cfg, s, out, i, e, cfg.byFamily["ipv4-public"]);
  return e;
}

function matchDashedIpHost(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  const kind = cfg.dashedHostKinds[sub(s, i, j)];
  if (kind === undefined) return 0;
  const o: number[] = [0, 0, 0, 0];
  const e = dottedQuadEnd(s, j + 1, n, 45, o);
  if (e < 0 || !endsAt(s, e, n)) return 0;
  if (e < n && byteAt(s, e) === 45) return 0;
  push(cfg, s, out, i, e, kind);
  return e;
}

function matchIamId(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  if (runOf(s, i, j, C_UPPER | C_DIGIT) !== j - i) return 0;
  const kind = cfg.iamKinds[sub(s, i, i + 4)];
  if (kind === undefined) return 0;
  push(cfg, s, out, i, j, kind);
  // <access key id>:<secret> (s3fs's passwd file; Postfix's sasl_passwd for Amazon SES: the SMTP password)
  if (j + 1 < n && byteAt(s, j) === 58 && (kind.prefix === "AKIA" || kind.prefix === "ASIA")) {
    const e = creds.base64RunEnd(s, j + 1, n, 16);
    if (e > 0 && creds.randomToken(s, j + 1, e)) {
      push(cfg, s, out, j + 1, e, e - j - 1 === 40 ? cfg.byFamily["secret-key"] : cfg.byId["credential"]);
      return e;
    }
  }
  // AROA...:<role session name> (CloudTrail principalId)
  if (j + 1 < n && byteAt(s, j) === 58 && kind.prefix === "AROA") {
    const sess = cfg.arnKinds["sts:assumed-role"];
    let e = j + 1;
    while (e < n) {
      const c = byteAt(s, e);
      if ((cls(c) & C_ALNUM) !== 0 || c === 95 || c === 45 || c === 46 || c === 64 || c === 43 || c === 61 || c === 44)
        e++;
      else break;
    }
    if (sess !== undefined && e - j - 1 >= 2 && endsAt(s, e, n) && plausibleName(s, j + 1, e, sess)) {
      push(cfg, s, out, j + 1, e, sess);
      return e;
    }
  }
  return j;
}

function matchAccountByContext(
  cfg: ScanConfig,
  s: string,
  i: number,
  j: number,
  n: number,
  keyCtx: string,
  out: Match[],
): number {
  // twelve digits (or the console's 1234-5678-9012): a docker image or container id, a short commit hash (4c01db0b339c)
  // is no account
  if (runOf(s, i, j, C_DIGIT) !== j - i && j - i !== 14) return 0;
  if (i > 0 && byteAt(s, i - 1) === 46) return 0;
  if (j < n && byteAt(s, j) === 46 && j + 1 < n && (cls(byteAt(s, j + 1)) & C_DIGIT) !== 0) return 0;
  // (the key right before decides over an account word further back: "OwnerId": "x", "Size": 348913500123)
  if (nm.countNotAccount(s, i)) return 0;
  // the context says account: account, owner, an ECR registry's id (registryId, --registry-id)
  const w = sub(s, i > 48 ? i - 48 : 0, i).toLowerCase();
  let said =
    w.indexOf("account") >= 0 ||
    w.indexOf("owner") >= 0 ||
    w.indexOf("registryid") >= 0 ||
    w.indexOf("registry-id") >= 0 ||
    w.indexOf("registry with id") >= 0 ||
    // (chat's shorthand: "acct 613497684716", "prod acct: x")
    w.indexOf("acct") >= 0;
  if (!said && i < 4 && keyCtx !== "") {
    // (and a Cost Explorer group's "Keys", grouped by LINKED_ACCOUNT: the member account's id)
    said =
      windowHas(keyCtx, 0, keyCtx.length, "account") ||
      windowHas(keyCtx, 0, keyCtx.length, "owner") ||
      keyCtx === "Keys";
  }
  if (!said) {
    // a free-standing 12-digit number: an account id when the text carries an AWS signal (docs/detection.md), else
    // a weak candidate that the session keeps only if the request carries one elsewhere
    const p = i > 0 ? byteAt(s, i - 1) : 32;
    if (
      p === 43 ||
      p === 36 ||
      p === 35 ||
      (j < n && byteAt(s, j) === 46 && j + 1 < n && (cls(byteAt(s, j + 1)) & C_DIGIT) !== 0) ||
      // a file name's time, YYYYMMDDhhmm (pcluster export-cluster-logs' <cluster>-logs-202412041021.tar.gz)
      ((p === DASH || p === UNDERSCORE) &&
        j + 1 < n &&
        byteAt(s, j) === 46 &&
        (cls(byteAt(s, j + 1)) & C_LOWER) !== 0 &&
        nm.timestampDigits(s, i))
    )
      return 0;
    const kind = cfg.byFamily["arn-account"];
    if (!kindOn(cfg, kind)) return 0;
    if (hasSignal(s, out)) {
      // (a resource named with the account that holds it, "<name> in <account>": names.ts nameBeforeIn)
      const a = nm.nameBeforeIn(s, i);
      if (
        a >= 0 &&
        (out.length === 0 || out[out.length - 1].e <= a) &&
        plausibleName(s, a, i - 4, cfg.byId["resource-name"]) &&
        !idShaped(cfg, s, a, i - 4)
      )
        push(cfg, s, out, a, i - 4, cfg.byId["resource-name"]);
      push(cfg, s, out, i, j, kind);
      // an account map's key: the account's alias ({"payments-staging": "<id>"}; merged at the scan's end, in order)
      if (ENCODED.depth === 0 && nm.accountMapKey(s, i, VALUE_SPAN))
        push(cfg, s, cfg.signalValues, VALUE_SPAN.s, VALUE_SPAN.e, cfg.byId["resource-name"]);
    } else {
      const before = out.length;
      push(cfg, s, out, i, j, kind);
      if (out.length > before) out[before].weak = true;
    }
    return j;
  }
  push(cfg, s, out, i, j, cfg.byFamily["arn-account"]);
  if (ENCODED.depth === 0 && nm.accountMapKey(s, i, VALUE_SPAN))
    push(cfg, s, cfg.signalValues, VALUE_SPAN.s, VALUE_SPAN.e, cfg.byId["resource-name"]);
  // the console's account menu and the switch-role history: "<account id> (<alias or name>)"
  if (j + 3 < n && byteAt(s, j) === SPACE && byteAt(s, j + 1) === ch.LPAREN) {
    const e = unitWithin(s, ch.RPAREN, j + 2, n, 64);
    const kind = cfg.byId["resource-name"];
    if (
      e > j + 2 &&
      kind !== undefined &&
      plausibleName(s, j + 2, e, kind) &&
      !idShaped(cfg, s, j + 2, e) &&
      !isRegionLabel(s, j + 2, e)
    ) {
      push(cfg, s, out, j + 2, e, kind);
      return e;
    }
  }
  return j;
}

const ARN_RESOURCE_STOP: boolean[] = [];
for (let c = 0; c < 256; c++) {
  // what can appear in an ARN resource: letters, digits and - _ / : . + = @ * $ ! ~ % #
  const ok =
    (c >= 48 && c <= 58) ||
    (c >= 64 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 45 ||
    c === 95 ||
    c === 47 ||
    c === 46 ||
    c === 43 ||
    c === 61 ||
    c === 42 ||
    c === 36 ||
    c === 33 ||
    c === 126 ||
    c === 37 ||
    c === 35;
  ARN_RESOURCE_STOP.push(!ok);
}

function arnFieldEnd(s: string, a: number, n: number): number {
  // a template's placeholder for the field (CloudFormation's ${AWS::AccountId}, Terraform's ${var.account_id})
  // (and Python's f-string or str.format placeholder: f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:x", "arn:aws:sqs:{}:{}:x")
  if (a + 1 < n && ((byteAt(s, a) === ch.DOLLAR && byteAt(s, a + 1) === ch.LBRACE) || byteAt(s, a) === ch.LBRACE)) {
    const e = unitWithin(s, ch.RBRACE, a + 1, n, 96);
    return e > 0 && e + 1 < n && byteAt(s, e + 1) === 58 ? e + 1 : -1;
  }
  // letters, digits, "-", "_" and a policy's wildcards (arn:aws:iam::*:role/x, arn:aws:sqs:*:<account>:q), up to the
  // field's ":" (one search: a loop here, run for every field of every ARN, got this function blacklisted)
  const e = ch.arnFieldRunEnd(s, a);
  return e < n && byteAt(s, e) === 58 ? e : -1;
}

function matchArn(cfg: ScanConfig, s: string, i: number, n: number, out: Match[]): number {
  // arn:partition:service:region:account:resource
  const pEnd = arnFieldEnd(s, i + 4, n);
  if (pEnd < 0 || (PARTITIONS[sub(s, i + 4, pEnd)] !== true && byteAt(s, i + 4) !== ch.DOLLAR)) return 0;
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
  // a template's placeholder ends the resource: log-group:/aws/lambda/${AWS::StackName}-worker
  let templated = false;
  if (resEnd < n && byteAt(s, resEnd) === ch.LBRACE && byteAt(s, resEnd - 1) === ch.DOLLAR) {
    resEnd--;
    // (the name itself is the placeholder: function:${FunctionName})
    templated = byteAt(s, resEnd - 1) === 58 || byteAt(s, resEnd - 1) === 47;
  } else if (
    resEnd > resStart &&
    resEnd < n &&
    byteAt(s, resEnd) === ch.LBRACE &&
    (byteAt(s, resEnd - 1) === 58 || byteAt(s, resEnd - 1) === 47)
  ) {
    // (and a Python f-string's or str.format's, function:{fn_name}: the name is the placeholder, the type no name)
    templated = true;
  } else if (
    resEnd < n &&
    byteAt(s, resEnd) === ch.AMP &&
    ch.charRefEnd(s, resEnd, n) > 0 &&
    (ch.CHAR_REF.code === 47 || ch.CHAR_REF.code === 58)
  ) {
    // (fifty-third pass) a "/" or ":" written as a character reference (role&#x2F;<name>, mustache.js's escape): the
    // resource is read where findEncoded decodes the references, not cut at the "&"
    templated = true;
  }
  // a sentence may end right after an ARN
  while (resEnd > resStart) {
    const c = byteAt(s, resEnd - 1);
    if (c === 46 || c === 58) resEnd--;
    else break;
  }
  const accStart = regEnd + 1;
  // (and CloudFront's: an origin access identity's principal, arn:aws:iam::cloudfront:user/CloudFront Origin Access
  // Identity <id>, names AWS's user; the id after the blanks is read as text)
  const awsOwned =
    (accEnd - accStart === 3 && sub(s, accStart, accEnd) === "aws") ||
    (accEnd - accStart === 10 && sub(s, accStart, accEnd) === "cloudfront");
  if (accEnd - accStart === 12 && isDigits(s, accStart, accEnd)) {
    push(cfg, s, out, accStart, accEnd, cfg.byFamily["arn-account"]);
  }
  // (an account's root principal, arn:aws:iam::<account>:root, names no resource of the account's)
  const root = resEnd - resStart === 4 && byteAt(s, resStart) === 114 && ch.matchesAt(s, resStart, resEnd, "root");
  // (and AWS's own resources that no account holds: Security Hub's products and standards, Private CA's templates,
  // arn:aws:securityhub:::standards/..., arn:aws:acm-pca:::template/EndEntityCertificate/V1)
  const c0 = byteAt(s, resStart);
  const shared =
    accEnd === accStart &&
    (c0 === 112 || c0 === 115 || c0 === 116) &&
    svcEnd - pEnd > 3 &&
    (ch.matchesAt(s, resStart, resEnd, "product/") ||
      ch.matchesAt(s, resStart, resEnd, "standards/") ||
      ch.matchesAt(s, resStart, resEnd, "template/"));
  if (awsOwned || resEnd <= resStart || templated || root || shared) return resEnd > resStart ? resEnd : accEnd;
  const service = sub(s, pEnd + 1, svcEnd);
  if (service === "s3" && accEnd > accStart) {
    // an S3 resource of an account's, <type>/<name>[/...] (accesspoint/<name>, storage-lens/<dashboard>,
    // storage-lens-group/<group>, job/<id>): the name, not the type; a bucket's ARN has no account
    let a = resStart;
    while (a < resEnd && byteAt(s, a) !== 47) a++;
    let b = a + 1;
    while (b < resEnd && byteAt(s, b) !== 47) b++;
    if (b > a + 1 && byteAt(s, a + 1) !== ch.STAR) push(cfg, s, out, a + 1, b, cfg.byId["resource-name"]);
    return resEnd;
  }
  if (service === "s3") {
    let b = resStart;
    while (b < resEnd && byteAt(s, b) !== 47) b++;
    // (not "*", nor a template's placeholder: ${BucketName})
    if (b > resStart && byteAt(s, resStart) !== 42 && byteAt(s, resStart) !== ch.DOLLAR)
      push(cfg, s, out, resStart, b, cfg.byFamily["s3-bucket"]);
    // the object key is read as text: the ids a bucket policy's path holds (AWSLogs/<account>/*, AWSLogs/o-.../*)
    return b;
  }
  // resource-type prefix ("role/", "function:", "instance/", camelCase "stateMachine:") stays visible; the name after
  // it is masked
  let nameStart = resStart;
  let t = resStart;
  // (a digit and an upper-case letter in it: an id, no type; Neptune's cluster-<resource id>/*)
  let digitUpper = 0;
  while (t < resEnd && ((cls(byteAt(s, t)) & (C_LOWER | C_DIGIT | C_UPPER)) !== 0 || byteAt(s, t) === 45)) {
    digitUpper |= cls(byteAt(s, t)) & (C_DIGIT | C_UPPER);
    t++;
  }
  // SNS and SQS resources have no type: topic[:subscription], queue (a queue policy's Id: <queue ARN>/SQSDefaultPolicy)
  if (
    digitUpper !== (C_DIGIT | C_UPPER) &&
    service !== "sns" &&
    service !== "sqs" &&
    t > resStart &&
    t < resEnd &&
    (byteAt(s, t) === 47 || byteAt(s, t) === 58) &&
    (cls(byteAt(s, resStart)) & C_LOWER) !== 0
  ) {
    nameStart = t + 1;
  }
  // a template's placeholder names nothing (function:${FunctionName})
  if (nameStart < resEnd && byteAt(s, nameStart) === ch.DOLLAR) return resEnd;
  // a resource type with a kind of its own (lambda function, IAM role, DynamoDB table, KMS key ...): the name gets
  // that kind (and is learned), so it has the same pseudonym wherever it appears
  const rtype = nameStart > resStart ? sub(s, resStart, nameStart - 1) : "";
  // no account: a resource AWS owns and publishes (a Bedrock foundation model, an AWS-RunShellScript document, an
  // Elastic Beanstalk platform, a public parameter, a Step Functions integration); an AMI's ARN has none either
  if (
    accEnd === accStart &&
    (service === "states" ||
      (service === "bedrock" && rtype === "foundation-model") ||
      (service === "ssm" && (rtype === "document" || matchesLowerAt(s, resStart, resEnd, "parameter/aws/"))) ||
      (service === "elasticbeanstalk" && (rtype === "platform" || rtype === "solutionstack")))
  )
    return resEnd;
  // (fifty-first pass) an AWS Health event's service and event type code are AWS's (event/EC2/<CODE>/<CODE>_<id>): the
  // id after the last "/" only; a Service Quotas quota's service and quota code (<service>/L-B99A9384) are AWS's too
  if (service === "health" && rtype === "event") {
    let last = resEnd;
    while (last > nameStart && byteAt(s, last - 1) !== 47) last--;
    if (last > nameStart && last < resEnd) push(cfg, s, out, last, resEnd, cfg.byFamily["arn-resource"]);
    return resEnd;
  }
  if (service === "servicequotas") return resEnd;
  // (any account, a policy's: only AWS's public parameters and documents, arn:aws:ssm:*:*:document/AWS-RunShellScript)
  if (
    accEnd === accStart + 1 &&
    byteAt(s, accStart) === ch.STAR &&
    service === "ssm" &&
    (matchesLowerAt(s, resStart, resEnd, "parameter/aws/") || ch.matchesAt(s, resStart, resEnd, "document/AWS-"))
  )
    return resEnd;
  // execute-api:<api id>/<stage>/<method>/<path>: the API id, not a type
  const apiId = cfg.byId["api-gateway-id"];
  if (service === "execute-api" && nameStart - 1 - resStart === 10 && apiId !== undefined && cfg.on[apiId.id] === true)
    push(cfg, s, out, resStart, nameStart - 1, apiId);
  const typed = cfg.arnKinds[service + ":" + rtype];
  if (typed !== undefined && service === "sts" && rtype === "assumed-role") {
    // assumed-role/<role>/<session>
    let slash = nameStart;
    while (slash < resEnd && byteAt(s, slash) !== 47) slash++;
    const role = cfg.arnKinds["iam:role"];
    if (slash > nameStart && role !== undefined && plausibleName(s, nameStart, slash, role)) {
      push(cfg, s, out, nameStart, slash, role);
      if (slash + 1 < resEnd && plausibleName(s, slash + 1, resEnd, typed)) push(cfg, s, out, slash + 1, resEnd, typed);
      return resEnd;
    }
  }
  if (typed !== undefined && nameStart < resEnd && (cls(byteAt(s, nameStart)) & C_LOWER) !== 0) {
    // key/mrk-..., instance/i-...: a known id keeps its own kind
    const w = nameStart + runOf(s, nameStart, resEnd, C_ALNUM);
    const inner: Match[] = [];
    if (
      w < resEnd &&
      byteAt(s, w) === 45 &&
      (matchPrefixedHex(cfg, s, nameStart, w, resEnd, inner) > 0 ||
        (w - nameStart <= 7 && matchPrefixedUpper(cfg, s, nameStart, w, resEnd, inner) > 0)) &&
      inner.length === 1
    ) {
      out.push(inner[0]);
      return resEnd;
    }
  }
  if (typed !== undefined) {
    let a = nameStart;
    let b = nameStart;
    if (service === "iam") {
      // role/path/name: the last segment
      for (let k = nameStart; k < resEnd; k++) if (byteAt(s, k) === 47) a = k + 1;
      b = resEnd;
    } else {
      while (b < resEnd && byteAt(s, b) !== 47 && byteAt(s, b) !== 58) b++;
    }
    // (a role AWS names, under its path: role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS, stays)
    if (service === "iam" && b - a > 6 && nm.awsReservedName(s, a, b)) {
      // (but a service-linked role's suffix, one per resource: AWSServiceRoleForAmazonConnect_<suffix>)
      const u = unitWithin(s, UNDERSCORE, a, n, b - a);
      if (u > a + 17 && b - u > 6 && byteAt(s, a + 3) === 83 && ch.matchesAt(s, a, b, "AWSServiceRoleFor"))
        push(cfg, s, out, u + 1, b, cfg.byId["resource-name"]);
      return resEnd;
    }
    if (b > a && byteAt(s, b - 1) !== 42 && (typed.family !== "name" || plausibleName(s, a, b, typed))) {
      push(cfg, s, out, a, b, typed);
      // the segment after the name, where it names or identifies more: a Lambda function's alias (function:<name>:
      // <alias>; a version number or $LATEST stays), a DynamoDB index (table/<name>/index/<index>), a UUID (an MSK
      // cluster's: cluster/<name>/<uuid>-<n>)
      const q = b + 1;
      let qe = q;
      while (qe < resEnd && byteAt(s, qe) !== 47 && byteAt(s, qe) !== 58) qe++;
      const resource = cfg.byFamily["arn-resource"];
      if (qe > q && service === "lambda" && byteAt(s, b) === 58) {
        if (byteAt(s, q) !== 36 && byteAt(s, q) !== 42 && runOf(s, q, qe, C_DIGIT) < qe - q)
          push(cfg, s, out, q, qe, resource);
      } else if (service === "dynamodb" && qe - q === 5 && ch.matchesAt(s, q, qe, "index") && qe + 1 < resEnd) {
        let ie = qe + 1;
        while (ie < resEnd && byteAt(s, ie) !== 47 && byteAt(s, ie) !== 58) ie++;
        if (ie > qe + 1 && byteAt(s, qe + 1) !== 42) push(cfg, s, out, qe + 1, ie, resource);
      } else if (qe - q >= 36 && ch.uuidEnd(s, q, q + 36, false) > 0) {
        push(cfg, s, out, q, qe, resource);
      }
      return resEnd;
    }
  }
  let nameEnd = resEnd;
  // a trailing wildcard (/*, :*) stays visible
  while (
    nameEnd > nameStart &&
    (byteAt(s, nameEnd - 1) === 42 || byteAt(s, nameEnd - 1) === 47 || byteAt(s, nameEnd - 1) === 58)
  )
    nameEnd--;
  if (nameEnd <= nameStart) return resEnd;
  // a name that is itself a known id (instance/i-0abc..., gateway/sgw-12A3456B) gets that id's pseudonym, as it does
  // elsewhere
  const inner: Match[] = [];
  if ((cls(byteAt(s, nameStart)) & C_LOWER) !== 0) {
    const w = nameStart + runOf(s, nameStart, nameEnd, C_ALNUM);
    if (
      w < nameEnd &&
      byteAt(s, w) === 45 &&
      (matchPrefixedHex(cfg, s, nameStart, w, nameEnd, inner) === nameEnd ||
        (w - nameStart <= 7 &&
          inner.length === 0 &&
          matchPrefixedUpper(cfg, s, nameStart, w, nameEnd, inner) === nameEnd)) &&
      inner.length === 1
    ) {
      out.push(inner[0]);
      return resEnd;
    }
  }
  // an SNS topic (topic[:subscription id]) and a Lambda function's log group (log-group:/aws/lambda/<function>): the
  // name gets its kind and is learned, as in ARN_LAYOUTS below
  let named = -1;
  let namedKind: Kind | undefined = undefined;
  // (and a Step Functions execution's state machine, execution:<state machine>:<execution>: its log streams and
  // console pages name it alone)
  if (service === "sns" || (service === "states" && (rtype === "execution" || rtype === "express"))) {
    named = nameStart;
    namedKind = cfg.byId["resource-name"];
  } else if (
    service === "logs" &&
    rtype === "log-group" &&
    nameEnd - nameStart > 12 &&
    sub(s, nameStart, nameStart + 12) === "/aws/lambda/"
  ) {
    named = nameStart + 12;
    namedKind = cfg.arnKinds["lambda:function"];
  }
  if (named >= 0 && namedKind !== undefined && cfg.on[namedKind.id] === true) {
    let b = named;
    while (b < nameEnd && byteAt(s, b) !== 58) b++;
    if (b > named && plausibleName(s, named, b, namedKind)) {
      push(cfg, s, out, named, b, namedKind);
      if (b + 1 < nameEnd) push(cfg, s, out, b + 1, nameEnd, cfg.byFamily["arn-resource"]);
      return resEnd;
    }
  }
  // one name after its type (stream/<name>, project/<name>, stateMachine:<name>): a name, learned, so that it is masked
  // where it stands alone too
  const generic = cfg.byId["resource-name"];
  // (fifty-second pass) an SSM parameter's path (parameter/prod/app/db-url, no wildcard): a name, learned, so that the
  // parameter written with its leading "/" is masked too (`# /prod/app/db-url (SSM parameter)`, "SSM at /prod/...")
  // (not AWS's public parameters, parameter/aws/service/..., the same in every account)
  if (
    service === "ssm" &&
    rtype === "parameter" &&
    nameEnd === resEnd &&
    nameEnd - nameStart >= 3 &&
    !ch.matchesAt(s, nameStart, nameEnd, "aws/service/") &&
    generic !== undefined &&
    cfg.on[generic.id] === true
  ) {
    let b = nameStart;
    let slashes = 0;
    // (not a path holding a tool's default, the CDK's /cdk-bootstrap/hnb659fds/version: the same in every account)
    let preset = false;
    let seg = nameStart;
    while (b < nameEnd && (nm.isNameUnit(byteAt(s, b)) || (byteAt(s, b) === 47 && byteAt(s, b - 1) !== 47))) {
      if (byteAt(s, b) === 47) {
        slashes++;
        if (b - seg <= 32 && nm.ENUM_WORDS[sub(s, seg, b).toLowerCase()] === true) preset = true;
        seg = b + 1;
      }
      b++;
    }
    if (b - seg <= 32 && nm.ENUM_WORDS[sub(s, seg, b).toLowerCase()] === true) preset = true;
    if (b === nameEnd && slashes > 0 && !preset && (cls(byteAt(s, nameStart)) & C_ALNUM) !== 0) {
      push(cfg, s, out, nameStart, nameEnd, generic);
      return resEnd;
    }
  }
  if (nameStart > resStart && service !== "execute-api" && generic !== undefined && cfg.on[generic.id] === true) {
    let b = nameStart;
    while (b < nameEnd && byteAt(s, b) !== 47 && byteAt(s, b) !== 58) b++;
    if (b === nameEnd && plausibleName(s, nameStart, nameEnd, generic)) {
      push(cfg, s, out, nameStart, nameEnd, generic);
      return resEnd;
    }
  }
  // a public word or host after its type (oidc-provider/token.actions.githubusercontent.com) names nothing of the
  // account's
  if (nameStart > resStart && nameEnd - nameStart <= 40 && nm.stopWord(s, nameStart, nameEnd)) return resEnd;
  // a resource of a known layout (ARN_LAYOUTS): each name gets its kind and is learned, so that it is masked where it
  // stands alone too ("targetgroup/orders-tg/73e2d6bc24d8a067", then "orders-tg is unhealthy")
  const layout = ARN_LAYOUTS[service + ":" + rtype];
  if (layout !== undefined) {
    let slashes = 0;
    for (let k = nameStart; k < nameEnd; k++) if (byteAt(s, k) === 47) slashes++;
    if (slashes + 1 === layout.length) {
      const id = cfg.byFamily["arn-resource"];
      let a = nameStart;
      for (let seg = 0; seg < layout.length; seg++) {
        let b = a;
        while (b < nameEnd && byteAt(s, b) !== 47) b++;
        const role = byteAt(layout, seg);
        let kind =
          role === 99
            ? cfg.byId["cluster-name"]
            : role === 110
              ? cfg.byId["resource-name"]
              : role === 116
                ? cfg.byId["ecs-task"]
                : undefined;
        // an id, or a name that is off or does not look like one: masked as the resource (fail closed)
        if (role === 105 || (kind !== undefined && (cfg.on[kind.id] !== true || !plausibleName(s, a, b, kind))))
          kind = id;
        if (kind !== undefined && b > a) push(cfg, s, out, a, b, kind);
        a = b + 1;
      }
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

function matchS3Uri(cfg: ScanConfig, s: string, i: number, j: number, n: number, out: Match[]): number {
  // s3://bucket[/key] (also s3a://, s3n://)
  const a = j + 3;
  const e = bucketEnd(s, a, n);
  if (e - a < 3 || e - a > 63) return 0;
  if (e < n && (cls(byteAt(s, e)) & C_UPPER) !== 0) return 0;
  // an endpoint in the bucket's place (duplicity's s3://s3.amazonaws.com/<bucket>/): the host's matcher reads it and
  // the bucket in its path; it is no bucket (learned as one, it was replaced in every s3.amazonaws.com of the text)
  if (e - a >= 14 && matchesLowerAt(s, e - 14, e, ".amazonaws.com")) return 0;
  push(cfg, s, out, a, e, cfg.byFamily["s3-bucket"]);
  return e;
}

// ---------------------------------------------------------------------------------------------------------------
// Anchored matchers: found by indexOf, added to `extra` in any order, sorted before the main pass merges them.

function isRegionLabel(s: string, a: number, b: number): boolean {
  // xx-name-N, xx-gov-name-N, xx-iso-name-N ...
  if (b - a < 9) return false;
  if ((cls(byteAt(s, a)) & C_LOWER) === 0 || (cls(byteAt(s, a + 1)) & C_LOWER) === 0 || byteAt(s, a + 2) !== 45)
    return false;
  if ((cls(byteAt(s, b - 1)) & C_DIGIT) === 0 || byteAt(s, b - 2) !== 45) return false;
  let w = a + 3;
  for (let k = a + 3; k < b - 2; k++) {
    const c = byteAt(s, k);
    if ((cls(c) & C_LOWER) === 0 && c !== 45) return false;
    if (c === 45) w = k + 1;
  }
  // (its last word a direction: us-east-1, ap-southeast-4, il-central-1; a company's wf-harvester-3 is a name)
  const d = b - 2 - w;
  return d >= 4 && d <= 9 && nm.regionDirection(sub(s, w, b - 2));
}

function findHosts(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const anchor = ".amazonaws.com";
  let p = firstOf(s, anchor);
  let floor = 0; // a host never reaches back past the previous anchor: linear time on anchor runs
  while (p >= 0) {
    let after = p + anchor.length;
    if (after + 3 <= n && sub(s, after, after + 3) === ".cn") after += 3;
    if (after >= n || ((cls(byteAt(s, after)) & C_ALNUM) === 0 && byteAt(s, after) !== 45)) {
      hostAt(cfg, s, n, p, after, floor, extra);
    }
    floor = p + anchor.length;
    p = s.indexOf(anchor, p + 1);
  }
}

function hostAt(cfg: ScanConfig, s: string, n: number, p: number, after: number, floor: number, extra: Match[]): void {
  // walk back over the host name
  let h = p;
  const low = p - 253 > floor ? p - 253 : floor; // (a DNS name has at most 253 units)
  while (h > low) {
    const c = byteAt(s, h - 1);
    if ((cls(c) & C_ALNUM) !== 0 || c === 45 || c === 46 || c === 95) h--;
    else break;
  }
  while (h < p && (cls(byteAt(s, h)) & C_ALNUM) === 0) h++;
  // (a percent-encoded URL's escape is none of it: https%3A%2F%2Fsqs.<region>.amazonaws.com)
  h = ch.afterEscape(s, h, p);
  if (h >= p) {
    // a templated host (f"https://sqs.{region}.amazonaws.com/<account>/<queue>"): an SQS path all the same
    const c = p > 0 ? byteAt(s, p - 1) : -1;
    if ((c === 125 || c === 62) && after < n && byteAt(s, after) === 47) sqsPath(cfg, s, n, after, extra);
    return;
  }
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
    const label = sub(s, starts[t], ends[t]);
    if (SERVICE_LABELS[label] === true || sub(label, 0, 3) === "s3-" || isRegionLabel(s, starts[t], ends[t])) {
      service = label;
      break;
    }
    t++;
  }
  // one label, no service's: a service principal (ecs-tasks.amazonaws.com, edgelambda, cognito-identity, datasync);
  // every resource's host names its service or region
  if (count === 1 && t === 1) return;
  // the service label may follow the region (x.us-east-1.rds): take the first known one after t
  let kind: Kind | undefined = undefined;
  for (let k = t; k < count; k++) {
    const label = sub(s, starts[k], ends[k]);
    if (cfg.hostKinds[label] !== undefined) {
      kind = cfg.hostKinds[label];
      service = label;
      break;
    }
    if (label === "s3" || sub(label, 0, 3) === "s3-" || label === "dkr") {
      service = label;
      break;
    }
  }
  const isS3 = service === "s3" || sub(service, 0, 3) === "s3-";
  if (t === 0) {
    // no resource labels: a service endpoint; path-style S3 and SQS URLs carry names in the path
    if (after < n && byteAt(s, after) === 47) {
      if (isS3) {
        pathStyleBucket(cfg, s, n, after, extra);
      } else if (service === "sqs" || service === "queue" || (count > 0 && sub(s, starts[0], ends[0]) === "sqs")) {
        sqsPath(cfg, s, n, after, extra);
      }
    }
    return;
  }
  if (sub(s, starts[0], ends[0]) === "sqs" || (t < count && sub(s, starts[t], ends[t]) === "queue")) {
    if (after < n && byteAt(s, after) === 47) sqsPath(cfg, s, n, after, extra);
    return;
  }
  const resEnd = ends[t - 1];
  if (t === 1 && resEnd - h === 4 && sub(s, h, resEnd) === "oidc" && matchesLowerAt(s, after, n, "/id/")) {
    // EKS OIDC issuer: oidc.eks.<region>.amazonaws.com/id/<cluster id>
    const r = runOf(s, after + 4, n, C_ALNUM);
    if (r >= 16) push(cfg, s, extra, after + 4, after + 4 + r, cfg.hostKinds["eks"]);
    return;
  }
  let first = sub(s, h, resEnd);
  if (resEnd - h > 5 && sub(first, first.length - 5, first.length) === "-fips") first = sub(first, 0, first.length - 5);
  // (two public labels: portal.sso, runtime.sagemaker)
  if (
    (t === 1 && PUBLIC_ENDPOINTS[first] === true) ||
    (t === 2 && PUBLIC_ENDPOINTS[sub(s, h, ends[0])] === true && PUBLIC_ENDPOINTS[sub(s, starts[1], resEnd)] === true)
  ) {
    if ((first === "git-codecommit" || first === "codecommit") && matchesLowerAt(s, after, n, "/v1/repos/")) {
      const e = ch.segmentEnd(s, after + 10, n, 100);
      if (e - after - 10 >= 1) push(cfg, s, extra, after + 10, e, cfg.byId["resource-name"]);
    }
    if (first === "scim" && after + 9 < n && byteAt(s, after) === SLASH) {
      const e = ch.segmentEnd(s, after + 1, n, 100);
      if (e - after - 1 >= 8 && !ch.matchesAt(s, after + 1, e, "scim"))
        push(cfg, s, extra, after + 1, e, cfg.byId["resource-name"]);
    }
    // a SageMaker endpoint invoked by name (runtime.sagemaker.<region>.amazonaws.com/endpoints/<name>/invocations)
    if (first === "runtime.sagemaker" && matchesLowerAt(s, after, n, "/endpoints/")) {
      const e = ch.segmentEnd(s, after + 11, n, 100);
      if (e - after - 11 >= 1) push(cfg, s, extra, after + 11, e, cfg.byId["resource-name"]);
    }
    if (after < n && byteAt(s, after) === 47 && isS3) pathStyleBucket(cfg, s, n, after, extra);
    return;
  }
  // ip-a-b-c-d / ec2-a-b-c-d labels are the main pass's
  if (t === 1) {
    const dash = unitWithin(s, DASH, h, resEnd, resEnd - h);
    if (dash > h && dash < resEnd && cfg.dashedHostKinds[sub(s, h, dash)] !== undefined) {
      const o: number[] = [0, 0, 0, 0];
      if (dottedQuadEnd(s, dash + 1, resEnd, 45, o) === resEnd) return;
    }
  }
  if (isS3) {
    // (a bucket's name has 3-63 units: s3cmd's template %(bucket)s.s3.amazonaws.com names none)
    if (resEnd - h >= 3) push(cfg, s, extra, h, resEnd, cfg.byFamily["s3-bucket"]);
  } else if (service === "dkr" && t === 1 && resEnd - h === 12 && isDigits(s, h, resEnd)) {
    push(cfg, s, extra, h, resEnd, cfg.byFamily["arn-account"]);
    // /repository[/more][:tag|@digest]
    if (after < n && byteAt(s, after) === 47) {
      let e = after + 1;
      while (e < n && e - after < 1024) {
        const c = byteAt(s, e);
        if ((cls(c) & (C_LOWER | C_DIGIT)) !== 0 || c === 45 || c === 95 || c === 46 || c === 47) e++;
        else break;
      }
      while (e > after + 1 && (byteAt(s, e - 1) === 46 || byteAt(s, e - 1) === 47)) e--;
      if (e > after + 1) push(cfg, s, extra, after + 1, e, cfg.hostKinds["dkr"]);
    }
  } else {
    push(cfg, s, extra, h, resEnd, kind !== undefined ? kind : cfg.hostFallback);
    // (fifty-second pass) a database named with its endpoint, <database>@<host>: an X-Ray SQL subsegment's name as the
    // SDKs write it (not a URL's user after "//" or a password: findUserinfo's), walked back within the anchor's floor
    const db = cfg.byId["database-name"];
    if (service === "rds" && h > floor + 1 && byteAt(s, h - 1) === 64 && db !== undefined) {
      let d = h - 1;
      while (d > floor && h - 1 - d < 64 && ((cls(byteAt(s, d - 1)) & C_ALNUM) !== 0 || byteAt(s, d - 1) === 95)) d--;
      const c = d > 0 ? byteAt(s, d - 1) : SPACE;
      if (
        d < h - 1 &&
        c !== SLASH &&
        c !== COLON &&
        c !== DASH &&
        c !== DOT &&
        (cls(byteAt(s, d)) & (C_LOWER | C_UPPER)) !== 0 &&
        plausibleName(s, d, h - 1, db)
      )
        push(cfg, s, extra, d, h - 1, db);
    }
    // a CodeArtifact repository endpoint: /<format>/<repository>/ (pip's index-url, npm's registry, Maven's url)
    if (t >= 2 && sub(s, starts[t - 1], ends[t - 1]) === "codeartifact" && after < n && byteAt(s, after) === 47) {
      const f = runOf(s, after + 1, n, C_LOWER);
      const r = after + 2 + f;
      if (f >= 3 && f <= 8 && r < n && byteAt(s, r - 1) === 47) {
        const e = ch.segmentEnd(s, r, n, 100);
        if (e - r >= 2) push(cfg, s, extra, r, e, cfg.byId["resource-name"]);
      }
    }
  }
}

function sqsPath(cfg: ScanConfig, s: string, n: number, slash: number, extra: Match[]): void {
  // /123456789012/queue-name (or a template's account: /{ACCOUNT_ID}/queue-name, /${AWS::AccountId}/queue-name)
  const a = slash + 1;
  let q: number;
  if (a + 1 < n && (byteAt(s, a) === ch.LBRACE || (byteAt(s, a) === ch.DOLLAR && byteAt(s, a + 1) === ch.LBRACE))) {
    const e = unitWithin(s, ch.RBRACE, a + 1, n, 96);
    if (e < 0 || e + 1 >= n || byteAt(s, e + 1) !== 47) return;
    q = e + 2;
  } else {
    const d = runOf(s, a, n, C_DIGIT);
    if (d !== 12 || a + d >= n || byteAt(s, a + d) !== 47) return;
    push(cfg, s, extra, a, a + 12, cfg.byFamily["arn-account"]);
    q = a + 13;
  }
  const e = ch.segmentEnd(s, q, n, 1024);
  if (e > q) push(cfg, s, extra, q, e, cfg.hostKinds["sqs"]);
}

/** The kind of a credential value s[a, b) under a key that says code (credentials.ts). */
function credentialKind(cfg: ScanConfig, code: CredentialKey, s: string, a: number, b: number): Kind | undefined {
  if (code === creds.CRED_SECRET_KEY) return cfg.byFamily["secret-key"];
  if (code === creds.CRED_SESSION_TOKEN) return cfg.byFamily["session-token"];
  if (code === creds.CRED_GOSSIP) return creds.gossipKey(s, a, b) ? cfg.byId["credential"] : undefined;
  if (b - a === 40 && creds.secretShapeEnd(s, a, b) === b) return cfg.byFamily["secret-key"];
  // an AWS key id under a credential key (access_key = AKIA...): its own kind and pseudonym, as elsewhere in the text
  if (b - a === 20 && runOf(s, a, b, C_UPPER | C_DIGIT) === 20) {
    const keyId = cfg.iamKinds[sub(s, a, a + 4)];
    if (keyId !== undefined) return keyId;
  }
  if (b - a >= 100) {
    for (const lit of creds.TOKEN_PREFIXES) if (sub(s, a, a + lit.length) === lit) return cfg.byFamily["session-token"];
  }
  return cfg.byId["credential"];
}

/**
 * A credential key ending at j followed by its value (credentials.ts); the value's end or 0. dottedFlag: the key ends
 * a flag whose name holds dots ("--spring.datasource.password"; its key token starts after the last dot).
 */
function matchCredential(
  cfg: ScanConfig,
  s: string,
  j: number,
  n: number,
  out: Match[],
  dottedFlag: boolean,
  blank = false,
): number {
  let code = credentialKeyEndingAt(s, j, false, CRED_KEY);
  // a key of two words, the last "key", as prose and consoles write them ("API key: x", "Integration key: x"): the
  // words before it are read too (alone, "key: x" is a YAML tag's or a table's)
  if (
    code === CRED_NONE &&
    CRED_KEY.start === j - 3 &&
    j > 5 &&
    byteAt(s, j - 4) === SPACE &&
    (cls(byteAt(s, j - 5)) & C_ALNUM) !== 0 &&
    matchesLowerAt(s, j - 3, j, "key")
  )
    code = credentialKeyEndingAt(s, j, true, CRED_KEY);
  if (code === CRED_NONE) {
    // an app's own key by its value's shape (IMGPROXY_KEY: 64 hex digits; creds.keyedSecret), or an environment's
    // SHOTGRID_SCRIPT_KEY=<secret-shaped value> as PHP's define (creds.secretConstant; KEY or SALT)
    const ka = CRED_KEY.start;
    const c = byteAt(s, j - 1);
    const constant = (c === 89 || c === 84) && j + 12 < n && byteAt(s, j) === ch.EQUALS;
    // (CrowdStrike Falcon's cid and aid: creds.falconId; its key first, no value read for any other key's; a flag's
    // value after a blank too, falconctl -s --cid <CID>)
    if (
      lowerCode(c) === 100 &&
      j - ka >= 3 &&
      j - ka < 32 &&
      creds.falconKey(s, ka, j) &&
      credentialValueAfter(s, j, n, byteAt(s, ka) === DASH, CRED_SPAN) &&
      creds.falconId(s, ka, j, s, CRED_SPAN.s, CRED_SPAN.e) &&
      (out.length === 0 || out[out.length - 1].e <= CRED_SPAN.s)
    ) {
      push(cfg, s, out, CRED_SPAN.s, CRED_SPAN.e, cfg.byId["credential"]);
      return CRED_SPAN.e;
    }
    // a bare "key" as a flag's name (--key <x>: Artillery Cloud's API key) or a URL query's parameter (?key=<x>, &key=:
    // a search service's API key): its value up to the query's next unit when it is a random token of 20 units or
    // more (an S3 object's key, --key reports/q3.pdf, is a path; review of the fifty-third pass)
    const flagKey = j - ka === 5 && byteAt(s, ka) === DASH && byteAt(s, ka + 1) === DASH;
    const queryKey = j - ka === 3 && ka > 0 && (byteAt(s, ka - 1) === 63 || byteAt(s, ka - 1) === ch.AMP);
    if (
      (flagKey || queryKey) &&
      matchesLowerAt(s, j - 3, j, "key") &&
      credentialValueAfter(s, j, n, flagKey, CRED_SPAN) &&
      (out.length === 0 || out[out.length - 1].e <= CRED_SPAN.s)
    ) {
      const a = CRED_SPAN.s;
      let e = a;
      while (e < CRED_SPAN.e && (nm.isNameUnit(byteAt(s, e)) || byteAt(s, e) === 126 || byteAt(s, e) === 37)) e++;
      if (e - a >= 20 && creds.randomToken(s, a, e)) {
        push(cfg, s, out, a, e, cfg.byId["credential"]);
        return e;
      }
    }
    if (
      (lowerCode(c) !== 121 && !constant) ||
      ka > j - 5 ||
      j - ka > 64 ||
      !credentialValueAfter(s, j, n, false, CRED_SPAN) ||
      !(
        (lowerCode(c) === 121 && creds.keyedSecret(s, ka, j, s, CRED_SPAN.s, CRED_SPAN.e)) ||
        (constant && creds.secretConstant(s, ka, j, s, CRED_SPAN.s, CRED_SPAN.e))
      ) ||
      (out.length > 0 && out[out.length - 1].e > CRED_SPAN.s)
    )
      return 0;
    push(cfg, s, out, CRED_SPAN.s, CRED_SPAN.e, cfg.byId["credential"]);
    return CRED_SPAN.e;
  }
  const ks = CRED_KEY.start;
  // a placeholder's variable (${DB_PASSWORD:-x}, ${db.password:x}): its default, not what follows its ":", is a value
  if (ks >= 2 && byteAt(s, ks - 1) === ch.LBRACE && byteAt(s, ks - 2) === ch.DOLLAR) {
    const close = unitWithin(s, ch.RBRACE, j, n, 256);
    const d = close > j ? creds.placeholderDefault(s, ks - 2, close + 1) : -1;
    if (d < 0 || !creds.plausibleCredential(s, d, close, true, COLON) || (out.length > 0 && out[out.length - 1].e > d))
      return 0;
    push(cfg, s, out, d, close, credentialKind(cfg, code, s, d, close));
    return close + 1;
  }
  // (a flag may open the text: "--db-password x" as a whole string)
  // a value after blanks alone: a flag's, an aligned `key   value` line's (SQL's `PASSWORD 'x'` is an anchor's)
  // (and a single dash's password flag: keytool's -storepass, -srckeypass, PowerShell's -Password)
  const flag =
    dottedFlag ||
    (j - ks > 2 && byteAt(s, ks) === DASH && byteAt(s, ks + 1) === DASH) ||
    (j - ks > 5 &&
      byteAt(s, ks) === DASH &&
      (ks === 0 || byteAt(s, ks - 1) === SPACE) &&
      (matchesLowerAt(s, j - 4, j, "pass") || matchesLowerAt(s, j - 4, j, "word"))) ||
    creds.alignedValue(s, ks, j, n);
  // (a log line's word and one blank before a random token of 20 units or more: "AuthToken a8Vq3Kz7...")
  if (blank) {
    let e = j + 1;
    while (e < n && e - j <= 257 && byteAt(s, e) > SPACE) e++;
    // (a sentence's mark after it is not the token's: "AuthToken x, user=y", "(token x)")
    if (
      byteAt(s, e - 1) === 44 ||
      byteAt(s, e - 1) === 59 ||
      byteAt(s, e - 1) === ch.RPAREN ||
      byteAt(s, e - 1) === DOT
    )
      e--;
    if (e - j - 1 < 20 || !creds.randomToken(s, j + 1, e) || (out.length > 0 && out[out.length - 1].e > j)) return 0;
    push(cfg, s, out, j + 1, e, credentialKind(cfg, code, s, j + 1, e));
    return e;
  }
  if (!credentialValueAfter(s, j, n, flag, CRED_SPAN)) return 0;
  const a = CRED_SPAN.s;
  const b = CRED_SPAN.e;
  // (a signature in words is an IDS rule's message, Suricata's "signature": "ET POLICY ...": no credential)
  if (
    j - ks >= 9 &&
    lowerCode(byteAt(s, j - 1)) === 101 &&
    matchesLowerAt(s, j - 9, j, "signature") &&
    unitWithin(s, SPACE, a, n, b - a) >= 0
  )
    return 0;
  // (a dotted flag's goes to the anchors' matches, not in order: overlaps are resolved when they are merged)
  if (!dottedFlag && out.length > 0 && out[out.length - 1].e > a) return 0;
  push(cfg, s, out, a, b, credentialKind(cfg, code, s, a, b));
  return b;
}

/**
 * Credentials found by their anchors: after an HTTP authentication scheme ("Bearer eyJhbGci...", "Basic YWRtaW46...")
 * and in the short flags of commands that take a password (credentials.ts creds.CREDENTIAL_ANCHORS), and STS session tokens by their fixed prefixes (also URL-encoded, presigned URLs; only in a text of 100 units or more).
 */
function findCredentials(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const cred = cfg.byId["credential"];
  if (kindOn(cfg, cred)) {
    for (let w = 0; w < creds.CREDENTIAL_ANCHORS.length; w++) {
      const lit = creds.CREDENTIAL_ANCHORS[w];
      let p = firstOf(s, lit);
      while (p >= 0) {
        const count = creds.anchoredCredentials(s, p, w, n, CRED_SPANS, CRED_SPAN);
        for (let k = 0; k < count; k++) {
          const a = CRED_SPANS[2 * k];
          const b = CRED_SPANS[2 * k + 1];
          if (creds.SPAN_IS_NAME[k] !== true || !creds.namesUsers(w)) push(cfg, s, extra, a, b, cred);
          else if (plausibleName(s, a, b, cfg.byId["resource-name"]))
            push(cfg, s, extra, a, b, cfg.byId["resource-name"]);
        }
        p = s.indexOf(lit, CRED_SPAN.e);
      }
    }
  }
  const kind = cfg.byFamily["session-token"];
  if (n < 100 || !kindOn(cfg, kind)) return;
  for (const lit of creds.TOKEN_PREFIXES) {
    let p = firstOf(s, lit);
    while (p >= 0) {
      const e = creds.base64RunEnd(s, p, n, creds.TOKEN_MIN);
      if (e > 0) {
        push(cfg, s, extra, p, e, kind);
        p = s.indexOf(lit, e);
      } else {
        p = s.indexOf(lit, p + 1);
      }
    }
  }
}

/** The identifiers found by anchors other than .amazonaws.com, STS token prefixes and URL escapes. */
function findOtherAnchors(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  // one small function per anchor, called in this order (the order of pushes decides ties): a root trace at the
  // entry of one long function of many loops aborts ("inner loop in root trace") until LuaJIT blacklists it
  findCloudFrontDomains(cfg, s, n, extra);
  findLambdaUrls(cfg, s, n, extra);
  findKmsAliases(cfg, s, n, extra);
  findUserinfo(cfg, s, n, extra);
  findConsolePaths(cfg, s, n, extra);
  findLoadBalancerIds(cfg, s, n, extra);
  findMetricRows(cfg, s, n, extra);
  findAdvisorMetadata(cfg, s, n, extra);
  findGeneratedNames(cfg, s, n, extra);
  findJoinedNames(cfg, s, n, extra);
  findDataLakeNames(cfg, s, n, extra);
  findPublicEcrImages(cfg, s, n, extra);
  findLogFields(cfg, s, n, extra);
  findLineAnchors(cfg, s, n, extra);
  findErrorNames(cfg, s, n, extra);
  findCodeSpanNames(cfg, s, n, extra);
  findCallArguments(cfg, s, n, extra);
  findAppDomains(cfg, s, n, extra);
  findSigninAccounts(cfg, s, n, extra);
  findImdsRoles(cfg, s, n, extra);
  findServiceAccounts(cfg, s, n, extra);
  findCdkImports(cfg, s, n, extra);
  findConsoleBuckets(cfg, s, n, extra);
  findDottedCredentialFlags(cfg, s, n, extra);
  findXmlElements(cfg, s, n, extra);
  findCdkDiffValues(cfg, s, n, extra);
  findDashedTables(cfg, s, n, extra);
  // a company's own DNS names, people's e-mail addresses and phone numbers, Windows accounts (contacts.ts): last, any
  // other kind wins a tie
  const hosts = ct.customHosts(s, n);
  for (let k = 0; k < hosts; k++) {
    const kind = ct.HOST_SPANS[3 * k + 2];
    const id =
      kind === ct.HOST_EMAIL
        ? "email-address"
        : kind === ct.HOST_ACCOUNT || kind === ct.HOST_WORD
          ? "resource-name"
          : kind === ct.HOST_PHONE
            ? "phone-number"
            : kind === ct.HOST_LOGIN
              ? "os-login"
              : kind === ct.HOST_PERSON
                ? "person-name"
                : "domain-name";
    push(cfg, s, extra, ct.HOST_SPANS[3 * k], ct.HOST_SPANS[3 * k + 1], cfg.byId[id], kind === ct.HOST_WORD);
  }
}

/**
 * PowerShell's Format-Table (sqlcmd's result sets too): a header of titles over a line of dash runs, one run per
 * column. The cells under a title that is a name key (Name, GroupName, UserName, FunctionName ...) are names, under a
 * credential's title credentials, each found at its column's start; rows run to a blank line.
 */
function findDashedTables(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  let p = firstOf(s, "--- ");
  while (p >= 0) {
    let ls = p;
    while (ls > 0 && p - ls < 1024 && byteAt(s, ls - 1) !== LF) ls--;
    let le = s.indexOf("\n", p);
    if (le < 0) le = n;
    let next = le;
    // (dashes and blanks only, two runs or more, a header line above)
    let runs = 0;
    let k = ls;
    while (k < le && (byteAt(s, k) === DASH || byteAt(s, k) === SPACE || byteAt(s, k) === 13)) {
      if (byteAt(s, k) === DASH && (k === ls || byteAt(s, k - 1) === SPACE)) runs++;
      k++;
    }
    if (k === le && runs >= 2 && ls >= 2 && byteAt(s, ls - 1) === LF) {
      let hs = ls - 1;
      while (hs > 0 && ls - hs < 1024 && byteAt(s, hs - 1) !== LF) hs--;
      // the columns: [start, next run's start) offsets from the line's start, and the kind of each (or none)
      const starts: number[] = [];
      // (false, not undefined, for a column of no name: a nil pushed to a Lua table is no element)
      const kinds: (Kind | false)[] = [];
      const codes: CredentialKey[] = [];
      const rights: boolean[] = [];
      // (a title naming a login: User, UserName's generic twins)
      const logins: boolean[] = [];
      for (let c = ls; c < le; c++) {
        if (byteAt(s, c) !== DASH || (c > ls && byteAt(s, c - 1) !== SPACE)) continue;
        let te = hs + (c - ls);
        // (a title aligned right over its dashes, as sacct prints them: JobName over "------")
        let re = c;
        while (re < le && byteAt(s, re) === DASH) re++;
        while (te < ls - 1 && te < hs + (re - ls) - 1 && byteAt(s, te) === SPACE) te++;
        rights.push(te > hs + (c - ls));
        const ts = te;
        while (te < ls - 1 && (cls(byteAt(s, te)) & C_ALNUM) !== 0) te++;
        const info = keyInfoOf(cfg, te > ts && te - ts <= 64 ? sub(s, ts, te) : "");
        starts.push(c - ls);
        logins.push(te > ts && nm.loginKeyHead(s, ts, te) >= 0);
        // (and Slurm's sacct: a job's Account, the cluster's accounting group, a project's)
        const account = te - ts === 7 && info.name === undefined && ch.matchesAt(s, ts, te, "Account");
        kinds.push(info.name !== undefined ? info.name : account ? cfg.byId["resource-name"] || false : false);
        codes.push(info.cred);
      }
      let r = le + 1;
      while (r < n) {
        let re = s.indexOf("\n", r);
        if (re < 0) re = n;
        const end = re > r && byteAt(s, re - 1) === 13 ? re - 1 : re;
        if (end === r || byteAt(s, r) === LF) break;
        // (the units at the columns' starts: a character beyond ASCII, PowerShell's "…", is one column)
        let u = r;
        let col = 0;
        for (let q = 0; q < starts.length; q++) {
          for (; u < end && col < starts[q]; u++) col += ch.columnWidth(byteAt(s, u));
          while (u < end && ch.columnWidth(byteAt(s, u)) === 0) u++;
          const kind = kinds[q];
          if (kind === false && codes[q] === CRED_NONE) continue;
          let a = u;
          // (a row shorter than the column's start: nothing under it, and no unit to read past the row's end)
          if (a >= end) continue;
          let b = end;
          if (q + 1 < starts.length) {
            let bc = col;
            for (b = a; b < end && bc < starts[q + 1]; b++) bc += ch.columnWidth(byteAt(s, b));
            while (b < end && ch.columnWidth(byteAt(s, b)) === 0) b++;
          }
          // (under a title aligned right, not a token the column's bounds cut: a pseudonym's on a second pass)
          if (rights[q] && ((a > r && byteAt(s, a - 1) > SPACE) || (b < end && byteAt(s, b) > SPACE))) continue;
          // (a left column's token runs on past the next column's start, as a pseudonym longer than the original does
          // on a second pass: read whole, and the next column's cell, which starts inside it, skipped)
          if (a > r && byteAt(s, a - 1) > SPACE && byteAt(s, a) > SPACE) continue;
          if (b < end && byteAt(s, b) > SPACE && byteAt(s, b - 1) > SPACE) {
            while (b < end && b - a < 256 && byteAt(s, b) > SPACE) b++;
          }
          while (a < b && byteAt(s, a) === SPACE) a++;
          while (b > a && byteAt(s, b - 1) === SPACE) b--;
          if (b <= a || unitWithin(s, SPACE, a, b, b - a) >= 0) continue;
          if (codes[q] !== CRED_NONE) {
            if (creds.plausibleCredential(s, a, b, false, SPACE))
              push(cfg, s, extra, a, b, credentialKind(cfg, codes[q], s, a, b));
          } else if (
            kind !== false &&
            !idShaped(cfg, s, a, b) &&
            plausibleName(s, a, b, kind) &&
            // (sacct's right-aligned cells: a job run in a shell, interpreter or script file names nothing)
            !(rights[q] && (nm.stopWord(s, a, b) || nm.jobShellName(s, a, b)))
          ) {
            // (a cell's one plain word, FSx's default share "share", is masked where it stands, not learned; under a
            // title of its own kind, UserName's IAM users, or a login's, User, it is learned)
            push(cfg, s, extra, a, b, kind, ch.plainWord(s, a, b) && kind.id === "resource-name" && !logins[q]);
          }
        }
        next = re;
        r = re + 1;
      }
    }
    p = s.indexOf("--- ", next > p + 4 ? next : p + 4);
  }
}

/**
 * `cdk diff`'s changed properties: `[~] .BUCKET_NAME:`, then on the tree lines below it `[-] <old>` and `[+] <new>`,
 * each value ending its line: the values are read by the property's name as a key (callArgument). And `cdk ls`'s
 * stacks, one a line below the command (HarborLedgerDataStack, Prod/OrdersStack), up to a blank line or a prompt; the
 * stack of an annotation's construct path ([Warning at /OrdersStack/Queue] ..., [Error at /...]).
 */
function findCdkDiffValues(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const stack = cfg.byId["resource-name"];
  for (let w = 0; w < 2 && stack !== undefined; w++) {
    const lit = w === 0 ? "[Warning at /" : "[Error at /";
    let p = firstOf(s, lit);
    while (p >= 0) {
      const a = p + lit.length;
      let e = a;
      while (e < n && e - a < 128 && nm.isNameUnit(byteAt(s, e))) e++;
      if (e - a >= 3 && e < n && byteAt(s, e) === SLASH && plausibleName(s, a, e, stack))
        push(cfg, s, extra, a, e, stack);
      p = s.indexOf(lit, e);
    }
  }
  let q = stack !== undefined ? firstOf(s, "cdk l") : -1;
  while (q >= 0) {
    // (cdk ls, cdk list: a command, "cdk" a word of its own, whatever the prompt, flags and patterns)
    let k = ch.matchesAt(s, q + 5, n, "s") ? q + 6 : ch.matchesAt(s, q + 5, n, "ist") ? q + 8 : n;
    const command = (q === 0 || !nm.isNameUnit(byteAt(s, q - 1))) && (k >= n || byteAt(s, k) <= SPACE);
    while (k < n && k - q < 256 && byteAt(s, k) !== LF) k++;
    for (let line = 0; line < 256 && command && k < n && byteAt(s, k) === LF; line++) {
      const a = k + 1;
      let e = a;
      // (a stack's name: two capitals, or a "/", "-", "_" or digit; not a word, "Output")
      let caps = 0;
      let marks = 0;
      while (e < n && e - a < 255 && (nm.isNameUnit(byteAt(s, e)) || byteAt(s, e) === SLASH)) {
        if ((cls(byteAt(s, e)) & ch.C_UPPER) !== 0) caps++;
        else if ((cls(byteAt(s, e)) & (C_LOWER | ch.C_HIGH)) === 0) marks++;
        e++;
      }
      const stackShaped = caps >= 2 || marks > 0;
      k = e;
      while (k < n && (byteAt(s, k) === 13 || byteAt(s, k) === SPACE)) k++;
      if (e - a < 3 || !stackShaped || (k < n && byteAt(s, k) !== LF) || !plausibleName(s, a, e, stack as Kind)) break;
      push(cfg, s, extra, a, e, stack);
    }
    q = s.indexOf("cdk l", k > q + 5 && k < n ? k : q + 5);
  }
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? "[-] " : "[+] ";
    let p = firstOf(s, lit);
    while (p >= 0) {
      const a = p + 4;
      let e = a;
      while (e < n && e - a < 256 && nm.isNameUnit(byteAt(s, e))) e++;
      if (e - a >= 3 && (e >= n || byteAt(s, e) === LF || byteAt(s, e) === 13)) {
        // the property's line: the one above (above the [-] line too, for a [+]), ending "] .<Key>:" or, at the top
        // level, "] <Key>"
        let ls = p;
        while (ls > 0 && p - ls < 256 && byteAt(s, ls - 1) !== LF) ls--;
        let ps = ls;
        for (let up = 0; up < 2 && ls > 0; up++) {
          ps = ls - 1;
          while (ps > 0 && ls - ps < 256 && byteAt(s, ps - 1) !== LF) ps--;
          if (w === 0 || up > 0 || ch.indexFrom(sub(s, ps, ls), "[-] ", 0) < 0) break;
          ls = ps;
        }
        let c = ls - 1;
        while (c > ps && (byteAt(s, c - 1) === 13 || byteAt(s, c - 1) === SPACE)) c--;
        const keyEnd = c > ps && byteAt(s, c - 1) === COLON ? c - 1 : c;
        let k = keyEnd;
        while (
          k > ps &&
          keyEnd - k < 64 &&
          ((cls(byteAt(s, k - 1)) & C_ALNUM) !== 0 || byteAt(s, k - 1) === UNDERSCORE)
        )
          k--;
        const dot = k - 1 > ps && byteAt(s, k - 1) === DOT ? 1 : 0;
        if (
          ls > 0 &&
          k < keyEnd &&
          k - dot - 2 >= ps &&
          byteAt(s, k - dot - 1) === SPACE &&
          byteAt(s, k - dot - 2) === 93
        )
          callArgument(cfg, s, a, e, k, keyEnd, extra);
      }
      p = s.indexOf(lit, a);
    }
  }
}

/**
 * XML elements `<Name>text</Name>` (the Query APIs' and S3's responses, as curl, an SDK's wire log or the CLI's --debug
 * prints them): the element's name is its text's key, and `<value>` after `<key>Name</key>` is read by the key's text
 * (EC2 tag sets, IAM and S3 tags; the two may stand on one line or on lines escaped as \n). Found from each "</",
 * walking back at most to the previous one's end (linear; XML-free text costs one search).
 */
function findXmlElements(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  let p = firstOf(s, "</");
  let floor = 0;
  // the last JMeter <stringProp name="<X>.name">: its closing tag's ">", its text, its "<X>" (and its length)
  let pairEnd = -1;
  let pairKey = 0;
  let pairKeyEnd = 0;
  let pairPrefix = 0;
  let pairDot = 0;
  while (p >= 0) {
    let e = p + 2;
    // (element names of letters, digits, "_" and "-": the VPN configuration's <pre_shared_key>)
    while (
      e < n &&
      e - p < 66 &&
      ((cls(byteAt(s, e)) & C_ALNUM) !== 0 || byteAt(s, e) === UNDERSCORE || byteAt(s, e) === DASH)
    )
      e++;
    const len = e - p - 2;
    // the text: back to the opening tag's ">" (no markup, no line break in it; at most 4,096 units)
    let v = p;
    while (v > floor && p - v < 4096 && byteAt(s, v - 1) !== 62 && byteAt(s, v - 1) !== 60 && byteAt(s, v - 1) !== LF)
      v--;
    const ks = v - 1 - len;
    // (a namespace's prefix before the element's name: </saml2:AttributeValue>)
    let ne = e;
    if (ne < n && byteAt(s, ne) === COLON && len >= 2 && len <= 8) {
      ne++;
      while (ne < n && ne - e < 32 && (cls(byteAt(s, ne)) & C_ALNUM) !== 0) ne++;
    }
    if (
      len >= 2 &&
      ne < n &&
      byteAt(s, ne) === 62 &&
      v < p &&
      v - 1 > floor &&
      byteAt(s, v - 1) === 62 &&
      (ks < 1 || byteAt(s, ks - 1) !== 60)
    ) {
      // the text of an element named by its name attribute (a Windows event's <Data Name='TargetUserName'>x</Data>, an
      // Android string resource's <string name="k">x</string>), and SAML's <AttributeValue> read by the Name of the
      // <Attribute> around it (the name's last segment: .../SAML/Attributes/SourceIdentity): read by that name
      let t = v - 2;
      while (t > floor && v - t < 256 && byteAt(s, t) !== 60 && byteAt(s, t) !== 62) t--;
      let te = v - 1;
      if (
        t >= floor &&
        byteAt(s, t) === 60 &&
        v - 1 - t >= 15 &&
        byteAt(s, v - 2) === 101 &&
        ch.matchesAt(s, v - 15, v - 1, "AttributeValue")
      ) {
        let q = t;
        while (
          q > floor &&
          t - q < 64 &&
          (byteAt(s, q - 1) === SPACE || byteAt(s, q - 1) === LF || byteAt(s, q - 1) === 13)
        )
          q--;
        te = q - 1;
        t = q - 2;
        while (t > floor && te - t < 512 && byteAt(s, t) !== 60 && byteAt(s, t) !== 62) t--;
        if (byteAt(s, te) !== 62) t = floor;
      }
      if (t >= floor && byteAt(s, t) === 60) {
        const tag = sub(s, t, te);
        let at = tag.indexOf("ame=");
        if (at < 0 || (byteAt(tag, at - 1) !== 110 && byteAt(tag, at - 1) !== 78) || byteAt(tag, at - 2) !== SPACE)
          at = -1;
        const quote = at > 0 ? byteAt(tag, at + 4) : -1;
        const close = quote === QUOTE || quote === ch.APOS ? tag.indexOf(quote === QUOTE ? '"' : "'", at + 5) : -1;
        let ka = t + at + 5;
        const kb = t + close;
        for (let c = kb - 1; close > 0 && c > ka; c--) {
          if (byteAt(s, c) === SLASH) {
            ka = c + 1;
            break;
          }
        }
        // JMeter's name/value properties (a test plan's Arguments, a header manager's Headers): <stringProp
        // name="Argument.name">K</stringProp> names the next <stringProp name="Argument.value">, or the <elementProp
        // name="K"> around it (an HTTP sampler's arguments write the value first); the name is a variable's, no
        // resource's (review of the fifty-third pass)
        const prop =
          close > at + 6 &&
          kb - ka > 5 &&
          ch.matchesAt(s, t, n, "<stringProp ") &&
          (cls(byteAt(s, ka)) & ch.C_UPPER) !== 0;
        const named = prop && byteAt(s, kb - 5) === DOT && ch.matchesAt(s, kb - 4, kb, "name");
        const valued = prop && kb - ka > 6 && byteAt(s, kb - 6) === DOT && ch.matchesAt(s, kb - 5, kb, "value");
        let pk = -1;
        let pke = -1;
        if (valued) {
          let q = t;
          while (q > pairEnd && q > 0 && t - q < 128 && byteAt(s, q - 1) <= SPACE) q--;
          if (q === pairEnd && pairDot === kb - 6 - ka) {
            let same = true;
            for (let k = 0; k < pairDot && same; k++) same = byteAt(s, pairPrefix + k) === byteAt(s, ka + k);
            if (same) {
              pk = pairKey;
              pke = pairKeyEnd;
            }
          }
          // (the <elementProp> opened last within 512 units, none closed since)
          for (let o = t - 1; pk < 0 && o >= 0 && t - o < 512; o--) {
            if (byteAt(s, o) !== 60) continue;
            if (ch.matchesAt(s, o, n, "</elementProp>")) break;
            if (!ch.matchesAt(s, o, n, '<elementProp name="')) continue;
            const qe = unitWithin(s, QUOTE, o + 19, t, 128);
            if (qe > o + 19) {
              pk = o + 19;
              pke = qe;
            }
            break;
          }
        }
        pairEnd = -1;
        if (named && v < p) {
          pairEnd = ne + 1;
          pairKey = v;
          pairKeyEnd = p;
          pairPrefix = ka;
          pairDot = kb - 5 - ka;
        } else if (
          pk >= 0 &&
          pke - pk >= 2 &&
          (creds.credentialKeyCode(s, pk, pke) !== CRED_NONE ||
            creds.keyedSecret(s, pk, pke, s, v, p) ||
            (pke - pk === 6 && matchesLowerAt(s, pk, pke, "cookie")))
        ) {
          if (creds.credentialText(s, v, p, CRED_SPAN))
            push(cfg, s, extra, CRED_SPAN.s, CRED_SPAN.e, cfg.byId["credential"]);
        } else if (close > at + 6 && kb - ka >= 2) {
          const code = creds.credentialKeyCode(s, ka, kb);
          if (pk >= 0 && pke - pk >= 2) {
            // (a value under a name that is no credential's is no credential by its property's name: a header
            // manager's <stringProp name="Header.value"> under Content-Type is no CloudFront origin's HeaderValue; a
            // random token of 20 units or more is a secret whatever its name, X-Perf-Bypass's; review of the
            // fifty-third pass)
            if (p - v >= 20 && creds.randomToken(s, v, p)) push(cfg, s, extra, v, p, cfg.byId["credential"]);
            else if (code === CRED_NONE) valueOfKey(cfg, s, ka, kb, t + 1, v - 1, n, extra);
          } else if (code !== CRED_NONE) {
            if (creds.credentialText(s, v, p, CRED_SPAN))
              push(cfg, s, extra, CRED_SPAN.s, CRED_SPAN.e, credentialKind(cfg, code, s, CRED_SPAN.s, CRED_SPAN.e));
          } else valueOfKey(cfg, s, ka, kb, t + 1, v - 1, n, extra);
        }
      }
    }
    // a credential's element under a namespace's prefix (XML-DSig's <ds:SignatureValue>: a captured SAML assertion's)
    // (fifty-third pass) also with attributes (WS-Security's <wsse:Password Type="...#PasswordText">), and another
    // key's element (<wsse:Username>) read by its name as an unprefixed one is
    const full = ne - p - 2;
    if (ne > e && ne < n && byteAt(s, ne) === 62 && v < p && v - 1 > floor && byteAt(s, v - 1) === 62) {
      let t = v - 2;
      while (t > floor && v - t < 512 && byteAt(s, t) !== 60 && byteAt(s, t) !== 62) t--;
      const lb = t + 1 + full;
      const after = lb < v ? byteAt(s, lb) : 0;
      let same = byteAt(s, t) === 60 && (lb === v - 1 || after === SPACE || after === ch.TAB || after === LF);
      for (let k = 0; k < full && same; k++) same = byteAt(s, t + 1 + k) === byteAt(s, p + 2 + k);
      if (same && creds.credentialKeyCode(s, lb - full + len + 1, lb) !== CRED_NONE)
        push(cfg, s, extra, v, p, cfg.byId["credential"]);
      else if (same && lb === v - 1) valueOfKey(cfg, s, lb - full + len + 1, lb, t + 1, v - 1, n, extra);
    }
    if (
      len >= 2 &&
      e < n &&
      byteAt(s, e) === 62 &&
      v < p &&
      ks > floor &&
      byteAt(s, v - 1) === 62 &&
      byteAt(s, ks - 1) === 60
    ) {
      let same = true;
      for (let k = 0; k < len && same; k++) same = byteAt(s, ks + k) === byteAt(s, p + 2 + k);
      // (and a property list's <key>AppClientSecret</key> before <string>: the AWS Mobile SDK's Info.plist)
      const pair =
        same && ((len === 5 && matchesLowerAt(s, ks, n, "value")) || (len === 6 && ch.matchesAt(s, ks, n, "string")));
      if (same && !pair && !keylessWord(cfg, s, ks, v - 1)) {
        const code = creds.credentialKeyCode(s, ks, v - 1);
        if (code !== CRED_NONE) push(cfg, s, extra, v, p, credentialKind(cfg, code, s, v, p));
        else matchKeyValue(cfg, s, v - 1, n, false, extra);
      } else if (pair) {
        // <key>Name</key> before <value>: blanks, line feeds and escaped ones between
        let q = ks - 1;
        // (the window reaches back over the key element, which the anchor before this one ended in)
        while (q > 0 && ks - q < PAIR_WINDOW) {
          const c = byteAt(s, q - 1);
          if (c === SPACE || c === ch.TAB || c === LF || c === 13) q--;
          else if (c === 110 && q >= 2 && byteAt(s, q - 2) === ch.BACKSLASH) q -= 2;
          else break;
        }
        let k = q - 6;
        while (k > 0 && q - 6 - k < 64 && byteAt(s, k - 1) !== 62) k--;
        if (q - 6 - k >= 2 && matchesLowerAt(s, q - 6, q, "</key>") && k >= 5 && matchesLowerAt(s, k - 5, k, "<key>")) {
          const code = creds.credentialKeyCode(s, k, q - 6);
          if (code !== CRED_NONE) push(cfg, s, extra, v, p, credentialKind(cfg, code, s, v, p));
          else valueOfKey(cfg, s, k, q - 6, ks, v - 1, n, extra);
        }
      }
    }
    floor = e;
    p = s.indexOf("</", e);
  }
}

/**
 * A credential after a dotted CLI flag and a blank (`--spring.datasource.password s3cr3t`): the prose automaton does
 * not stop at a word glued after ".", and the word's key token starts after the dot, so the flag is found by its "--".
 */
function findDottedCredentialFlags(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  let p = firstOf(s, "--");
  while (p >= 0) {
    let e = p + 2;
    let dotted = false;
    while (e < n) {
      const c = byteAt(s, e);
      if (c === DOT) dotted = true;
      else if (c >= 256 || ((cls(c) & C_ALNUM) === 0 && c !== DASH && c !== UNDERSCORE)) break;
      e++;
    }
    const blank = e < n ? byteAt(s, e) : -1;
    if (dotted && (blank === SPACE || blank === ch.TAB) && mayEndCredentialKey(byteAt(s, e - 1)))
      matchCredential(cfg, s, e, n, extra, true);
    // a run of dashes and the flag's own units are passed: each unit is looked at once
    p = s.indexOf("--", e);
  }
}

/** CloudFront distribution domains: dxxxxxxxxxxxxx.cloudfront.net. */
function findCloudFrontDomains(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const cf = ".cloudfront.net";
  let p = firstOf(s, cf);
  let floor = 0;
  let rowFloor = 0;
  while (p >= 0) {
    if (ch.hostEndsAt(s, p + cf.length, n)) {
      const h = ch.hostStart(s, p, floor);
      // the distribution label is the last label before the domain
      let a = p;
      while (a > h && byteAt(s, a - 1) !== 46) a--;
      const len = p - a;
      // (a pseudonym's hash, CLOUDFRONT_DOMAIN_<hash>.cloudfront.net, is masked already)
      if (len >= 8 && len <= 20 && runOf(s, a, p, C_LOWER | C_DIGIT) === len && pseudo.pseudonymStartBefore(s, a) < 0) {
        push(cfg, s, extra, a, p, cfg.hostKinds["cloudfront.net"]);
        // the distribution's id on the domain's row (list-distributions --output text or table: Id, DomainName, the
        // origin): E and 12-14 upper-case letters and digits, a digit among them; each row's units read once
        let t = h > rowFloor ? h : rowFloor;
        while (t > rowFloor && h - t < 512 && byteAt(s, t - 1) !== LF) t--;
        let le = p + cf.length > rowFloor ? p + cf.length : rowFloor;
        const from = le;
        while (le < n && le - from < 512 && byteAt(s, le) !== LF) le++;
        rowFloor = le;
        while (t < le) {
          const run =
            byteAt(s, t) === 69 && (t === 0 || (cls(byteAt(s, t - 1)) & C_ALNUM) === 0)
              ? runOf(s, t, le, C_UPPER | C_DIGIT)
              : 0;
          const next = t + run < n ? byteAt(s, t + run) : SPACE;
          if (
            run >= 13 &&
            run <= 15 &&
            next !== DASH &&
            next !== DOT &&
            next !== UNDERSCORE &&
            (cls(next) & C_ALNUM) === 0
          ) {
            // (a digit among them: the run of upper-case letters stops before the run's end)
            if (runOf(s, t, t + run, C_UPPER) < run)
              push(cfg, s, extra, t, t + run, cfg.byId["cloudfront-distribution"]);
          }
          t += run > 0 ? run : 1;
        }
      }
    }
    floor = p + cf.length;
    p = s.indexOf(cf, p + 1);
  }
}

/** Lambda function URLs: <url-id>.lambda-url.<region>.on.aws. */
function findLambdaUrls(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const lu = ".lambda-url.";
  let p = firstOf(s, lu);
  while (p >= 0) {
    let a = p;
    while (a > 0 && (cls(byteAt(s, a - 1)) & (C_LOWER | C_DIGIT)) !== 0) a--;
    const r = p + lu.length;
    const re = r + runOf(s, r, n, C_LOWER | C_DIGIT | ch.C_HOST);
    if (
      p - a >= 16 &&
      (a === 0 || ((cls(byteAt(s, a - 1)) & C_ALNUM) === 0 && byteAt(s, a - 1) !== 46)) &&
      matchesLowerAt(s, re, n, ".on.aws")
    ) {
      push(cfg, s, extra, a, p, cfg.hostKinds["lambda-url"]);
    }
    p = s.indexOf(lu, p + 1);
  }
  // the other services' hosts under on.aws, <labels>.<service>.<region>.on.aws (Timestream for InfluxDB, Aurora DSQL,
  // OpenSearch Serverless): the labels before the service's (walks back never pass the last anchor's end: linear)
  const host = cfg.byId["aws-resource-host"];
  p = host !== undefined ? firstOf(s, ".on.aws") : -1;
  let floor = 0;
  while (p >= 0) {
    const e = p + 7;
    let r = p;
    while (
      r > floor &&
      p - r < 24 &&
      ((cls(byteAt(s, r - 1)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, r - 1) === DASH)
    )
      r--;
    let v = r - 1; // the service's label starts at v
    if (r - 1 > floor && byteAt(s, r - 1) === DOT && isRegionLabel(s, r, p) && ch.hostEndsAt(s, e, n)) {
      while (
        v > floor &&
        r - 1 - v < 40 &&
        ((cls(byteAt(s, v - 1)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, v - 1) === DASH)
      )
        v--;
    }
    if (v < r - 1 && v - 1 > floor && byteAt(s, v - 1) === DOT && !matchesLowerAt(s, v, n, "lambda-url.")) {
      let a = v - 1;
      while (
        a > floor &&
        v - 1 - a < 200 &&
        ((cls(byteAt(s, a - 1)) & C_ALNUM) !== 0 || byteAt(s, a - 1) === DASH || byteAt(s, a - 1) === DOT)
      )
        a--;
      if (v - 1 - a >= 4 && plausibleName(s, a, v - 1, host as Kind)) push(cfg, s, extra, a, v - 1, host as Kind);
    }
    floor = e;
    p = s.indexOf(".on.aws", e);
  }
}

/** KMS aliases: alias/<name> (not alias/aws/...). */
function findKmsAliases(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  let p = firstOf(s, "alias/");
  while (p >= 0) {
    const a = p + 6;
    let next = p + 1;
    if (
      (p === 0 || ((cls(byteAt(s, p - 1)) & C_ALNUM) === 0 && byteAt(s, p - 1) !== 45 && byteAt(s, p - 1) !== 95)) &&
      !matchesLowerAt(s, a, n, "aws/")
    ) {
      let e = a;
      while (e < n) {
        const c = byteAt(s, e);
        if ((cls(c) & C_ALNUM) !== 0 || c === 45 || c === 95 || c === 47) e++;
        else break;
      }
      while (e > a && byteAt(s, e - 1) === 47) e--;
      if (e - a >= 1 && endsAt(s, e, n)) push(cfg, s, extra, p, e, cfg.byFamily["kms-alias"]);
      // the next alias starts after this one ("alias/alias/..." is one walk, not one per repetition)
      if (e > next) next = e;
    }
    p = s.indexOf("alias/", next);
  }
}

/** Elastic Beanstalk / Amplify / App Runner / IAM Identity Center / Cognito hosted UI / IVS domains. */
function findAppDomains(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  for (const d of APP_DOMAINS) {
    let p = firstOf(s, d);
    let floor = 0;
    while (p >= 0) {
      // Elastic Beanstalk / Amplify / App Runner: every label before the region (or the domain) is the resource
      if (ch.hostEndsAt(s, p + d.length, n)) {
        const h = ch.hostStart(s, p, floor);
        let e = p;
        let k = h;
        while (k < p) {
          let le = k;
          while (le < p && byteAt(s, le) !== DOT) le++;
          if (isRegionLabel(s, k, le)) {
            e = k - 1;
            break;
          }
          k = le + 1;
        }
        // a directory id (d-<10>.awsapps.com) is left to its own kind; a pseudonym's hash (AWS_HOST_<hash>.awsapps.com)
        // is masked already
        if (
          e > h &&
          !(e - h === 12 && byteAt(s, h) === 100 && byteAt(s, h + 1) === DASH) &&
          pseudo.pseudonymStartBefore(s, h) < 0
        )
          push(cfg, s, extra, h, e, cfg.hostFallback);
      }
      floor = p + d.length;
      p = s.indexOf(d, p + 1);
    }
  }
  // an IVS playback URL's path names the account and the channel: /api/video/v1/<region>.<account>.channel.<id>.m3u8
  let p = firstOf(s, ".channel.");
  while (p >= 0) {
    if (p > 12 && byteAt(s, p - 13) === DOT && isDigits(s, p - 12, p)) {
      push(cfg, s, extra, p - 12, p, cfg.byFamily["arn-account"]);
      const a = p + 9;
      const e = a + runOf(s, a, n, C_ALNUM);
      if (e - a >= 8 && e < n && byteAt(s, e) === DOT) push(cfg, s, extra, a, e, cfg.byId["resource-name"]);
    }
    p = s.indexOf(".channel.", p + 9);
  }
  // Amazon Connect's storage layout, <bucket>/connect/<instance alias>/CallRecordings/... (a contact record's
  // Recording.Location, without s3://; ChatTranscripts too): the alias as in its access URL, and the bucket
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? "/CallRecordings/" : "/ChatTranscripts/";
    p = firstOf(s, lit);
    while (p >= 0) {
      let a = p;
      while (a > 0 && p - a < 64 && (nm.isNameUnit(byteAt(s, a - 1)) || byteAt(s, a - 1) === DOT)) a--;
      if (a > 8 && a < p && byteAt(s, a - 1) === SLASH && ch.matchesAt(s, a - 9, n, "/connect/")) {
        push(cfg, s, extra, a, p, cfg.hostFallback);
        let b = a - 9;
        while (b > 0 && a - 9 - b < 63 && (nm.isNameUnit(byteAt(s, b - 1)) || byteAt(s, b - 1) === DOT)) b--;
        const c = b > 0 ? byteAt(s, b - 1) : 32;
        if (a - 9 - b >= 3 && (c === QUOTE || c === 32 || c === SLASH || c === 39 || c === 61))
          push(cfg, s, extra, b, a - 9, cfg.byFamily["s3-bucket"]);
      }
      p = s.indexOf(lit, p + lit.length);
    }
  }
}

/** Accounts and their aliases in IAM's sign-in URLs (https://<account>.signin.aws.amazon.com); OAuth's authorization codes. */
function findSigninAccounts(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const si = ".signin.aws.amazon.com";
  let p = firstOf(s, si);
  while (p >= 0) {
    // https://<account>.signin.aws.amazon.com/console
    if (p >= 12 && isDigits(s, p - 12, p) && (p === 12 || (cls(byteAt(s, p - 13)) & C_ALNUM) === 0)) {
      push(cfg, s, extra, p - 12, p, cfg.byFamily["arn-account"]);
    } else {
      // https://<account alias>.signin.aws.amazon.com/console (IAM's sign-in page for an account with an alias)
      let a = p;
      while (a > 0 && p - a < 63 && ((cls(byteAt(s, a - 1)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, a - 1) === DASH))
        a--;
      // (after "//", a blank or a quote; a region's is AWS's regional sign-in endpoint, us-east-1.signin...)
      const before = a > 0 ? byteAt(s, a - 1) : SPACE;
      if (
        p - a >= 3 &&
        (before === SLASH || before === SPACE || before === QUOTE || before === ch.APOS || before === LF) &&
        !isRegionLabel(s, a, p)
      )
        push(cfg, s, extra, a, p, cfg.byId["resource-name"]);
    }
    p = s.indexOf(si, p + 1);
  }
  // an OAuth authorization code in a redirect or a token request (RFC 6749: ?code=<code>&state=...,
  // grant_type=authorization_code&code=...; Cognito's hosted UI): with the PKCE verifier it buys the user's tokens
  p = firstOf(s, "code=");
  while (p >= 0) {
    const a = p + 5;
    const before = p > 0 ? byteAt(s, p - 1) : SPACE;
    // (RFC 6749's characters: a Google-style 4/0AY0e-... too, up to "&", "#", a blank or a quote)
    let e = a;
    while (
      e < n &&
      e - a < 512 &&
      ((cls(byteAt(s, e)) & C_ALNUM) !== 0 ||
        byteAt(s, e) === DASH ||
        byteAt(s, e) === UNDERSCORE ||
        byteAt(s, e) === SLASH ||
        byteAt(s, e) === DOT ||
        byteAt(s, e) === 126)
    )
      e++;
    if (
      (before === 63 || before === 38) &&
      e - a >= 8 &&
      (windowHas(s, p - 256, e + 256, "state=") ||
        windowHas(s, p - 256, e + 256, "grant_type=") ||
        windowHas(s, p - 256, e + 256, "redirect_uri=") ||
        // (QuickSight's embed URL's one-time code: ...?code=<code>&identityprovider=quicksight&isauthcode=true)
        windowHas(s, e, e + 64, "isauthcode="))
    )
      push(cfg, s, extra, a, e, cfg.byId["credential"]);
    p = s.indexOf("code=", e > p + 5 ? e : p + 5);
  }
}

/**
 * IMDS role names: .../iam/security-credentials/<role>; the roles of Vault's AWS secrets engine: aws/creds/<role>,
 * aws/sts/<role>, aws/roles/<role> (vault read, its lease ids aws/creds/<role>/<uuid>); the task and Docker ids in
 * the ECS task metadata endpoint's paths (169.254.170.2/v3/, /v4/, /api/).
 */
function findImdsRoles(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  // (fiftieth pass: and at a mount of its own, vault secrets enable -path=aws-ledger aws: <aws-x or aws_x>/creds/<role>)
  for (let w = 0; w < 8; w++) {
    const sc =
      w === 0
        ? "security-credentials/"
        : w === 1
          ? "aws/creds/"
          : w === 2
            ? "aws/sts/"
            : w === 3
              ? "aws/roles/"
              : w === 4
                ? "169.254.170.2/"
                : w === 5
                  ? "/creds/"
                  : w === 6
                    ? "/sts/"
                    : "/roles/";
    const kind = w === 0 ? cfg.arnKinds["iam:role"] : cfg.byId["resource-name"];
    let p = firstOf(s, sc);
    if (w === 4) {
      while (p >= 0) {
        // ECS task metadata (ECS_CONTAINER_METADATA_URI, _V4) and the agent's API (ECS_AGENT_URI):
        // /v3/<task id>-<n>, /v4/<task id>-<n>, /api/<task id>-<n> on Fargate, /v3/ and /v4/<Docker id> on EC2; the
        // task id gets the kind it has after --task, the Docker id the one of a 64-hex id
        let a = p + sc.length;
        a += ch.matchesAt(s, a, n, "v3/") || ch.matchesAt(s, a, n, "v4/") ? 3 : ch.matchesAt(s, a, n, "api/") ? 4 : 0;
        let e = a;
        if (a > p + sc.length) while (e < n && e - a < 65 && (cls(byteAt(s, e)) & C_HEX) !== 0) e++;
        if ((e - a === 32 || e - a === 64) && (e >= n || (cls(byteAt(s, e)) & C_ALNUM) === 0))
          push(cfg, s, extra, a, e, cfg.byId[e - a === 32 ? "ecs-task" : "canonical-user-id"]);
        p = s.indexOf(sc, p + 1);
      }
      continue;
    }
    while (p >= 0) {
      // IMDS: .../iam/security-credentials/<role>, or the role alone on the next line of the listing
      let a = p + sc.length;
      if (w === 0 && a < n && (byteAt(s, a) === 10 || byteAt(s, a) === 13)) {
        while (a < n && (byteAt(s, a) === 10 || byteAt(s, a) === 13)) a++;
      }
      let e = a;
      while (e < n && e - a < 128) {
        const c = byteAt(s, e);
        if (
          (cls(c) & C_ALNUM) !== 0 ||
          c === DASH ||
          c === UNDERSCORE ||
          c === ch.PLUS ||
          c === 61 ||
          c === 44 ||
          c === DOT ||
          c === 64
        )
          e++;
        else break;
      }
      // (a Vault path starts its token or a path segment: not ~/.aws/..., my-aws/..., s3://b/saws/creds/)
      let m = p;
      if (w > 4) {
        while (
          m > 0 &&
          p - m < 64 &&
          ((cls(byteAt(s, m - 1)) & C_ALNUM) !== 0 || byteAt(s, m - 1) === DASH || byteAt(s, m - 1) === UNDERSCORE)
        )
          m--;
        // (the mount starts its token or Vault's API path, /v1/<mount>: not a repository's or a project's directory,
        // github.com/aws-samples/..., aws-infra/roles/common/tasks/; the role ends the path, or a lease id follows it)
        if (
          p - m < 5 ||
          !matchesLowerAt(s, m, m + 3, "aws") ||
          (byteAt(s, m + 3) !== DASH && byteAt(s, m + 3) !== UNDERSCORE) ||
          (m > 0 && byteAt(s, m - 1) === SLASH && !ch.matchesAt(s, m - 4, m, "/v1/")) ||
          (e < n && byteAt(s, e) === SLASH && ch.runOf(s, e + 1, e + 65 < n ? e + 65 : n, C_ALNUM) < 20)
        ) {
          p = s.indexOf(sc, p + 1);
          continue;
        }
      }
      const q = m > 0 ? byteAt(s, m - 1) : SPACE;
      const starts = w === 0 || ((cls(q) & C_ALNUM) === 0 && q !== DOT && q !== DASH && q !== UNDERSCORE);
      if (kind !== undefined && starts && e > a && plausibleName(s, a, e, kind)) push(cfg, s, extra, a, e, kind);
      p = s.indexOf(sc, p + 1);
    }
  }
}

/** EKS IRSA service accounts: system:serviceaccount:<namespace>:<name>. */
function findServiceAccounts(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const sa = "system:serviceaccount:";
  let p = firstOf(s, sa);
  while (p >= 0) {
    // EKS IRSA trust policies: system:serviceaccount:<namespace>:<service account>
    const name = cfg.byId["resource-name"];
    let a = p + sa.length;
    for (let part = 0; part < 2 && name !== undefined; part++) {
      let e = a;
      while (
        e < n &&
        e - a < 253 &&
        ((cls(byteAt(s, e)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, e) === DASH || byteAt(s, e) === DOT)
      )
        e++;
      if (e > a && plausibleName(s, a, e, name)) push(cfg, s, extra, a, e, name);
      if (e >= n || byteAt(s, e) !== COLON) break;
      a = e + 1;
    }
    p = s.indexOf(sa, p + 1);
  }
}

/** CDK imports: Bucket.fromBucketName(this, 'Id', 'name') ... */
function findCdkImports(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  let p: number;
  // (and the secrets' and parameters' by name: Secret.fromSecretNameV2(this, 'Id', 'prod/x'),
  // StringParameter.valueForStringParameter(this, '/x/y'), valueFromLookup(this, '/x/y'); nm.CDK_CALLS)
  for (let f = 0; f < nm.CDK_CALLS.length; f += 2) {
    const fn = nm.CDK_CALLS[f];
    const head = nm.CDK_CALLS[f + 1];
    p = firstOf(s, fn);
    while (p >= 0) {
      // CDK imports: Bucket.fromBucketName(this, 'Id', 'name'), Function.fromFunctionName(...), Table.fromTableName(...)
      let k = p + fn.length;
      let lastA = -1;
      let lastE = -1;
      // (over line feeds: a call wrapped one argument a line, as Prettier and Black wrap it)
      while (k < n && k - p < 256 && byteAt(s, k) !== 41) {
        const q = byteAt(s, k);
        if (q === QUOTE || q === 39 || q === 96) {
          const e = unitWithin(s, q, k + 1, n, 256);
          if (e < 0 || e - k > 256) break;
          lastA = k + 1;
          lastE = e;
          k = e + 1;
        } else k++;
      }
      const bucket = matchesLowerAt(s, p - 6, n, "bucket");
      const kind = bucket ? cfg.byFamily["s3-bucket"] : cfg.byId["resource-name"];
      // (the method a CDK import's, from<Type>Name: not the DOM's getElementsByTagName('script'))
      let t = p;
      // (snake_case: from_bucket_name)
      const snake = byteAt(fn, 0) === UNDERSCORE;
      while (
        t > 0 &&
        p - t < 48 &&
        ((cls(byteAt(s, t - 1)) & (C_LOWER | C_UPPER)) !== 0 || (snake && byteAt(s, t - 1) === UNDERSCORE))
      )
        t--;
      // (the quoted argument is the last: not the construct id of fromSecretNameV2(this, 'Id', props.name))
      let l = lastE + 1;
      while (l < k && (byteAt(s, l) <= SPACE || byteAt(s, l) === ch.COMMA)) l++;
      if (
        lastA >= 0 &&
        k < n &&
        byteAt(s, k) === 41 &&
        l === k &&
        kind !== undefined &&
        ch.matchesAt(s, t, p, head) &&
        (head === "from" || head === "from_" || p - t === head.length) &&
        plausibleName(s, lastA, lastE, kind)
      )
        push(cfg, s, extra, lastA, lastE, kind);
      p = s.indexOf(fn, p + 1);
    }
  }
  // CDK's context keys (cdk.context.json, forty-seventh pass): a lookup's names after the account,
  // vpc-provider:account=<id>:filter.tag:Name=<name>:region=..., ssm:account=<id>:parameterName=<name>:region=...,
  // security-group:account=<id>:region=...:securityGroupName=<name>:vpcId=...
  const ctx = ":account=";
  const name = cfg.byId["resource-name"];
  p = name !== undefined ? firstOf(s, ctx) : -1;
  while (p >= 0) {
    let k = p + ctx.length;
    while (k < n && k - p < 32 && byteAt(s, k) !== COLON && byteAt(s, k) > 32) k++;
    for (let part = 0; part < 16 && k < n && byteAt(s, k) === COLON; part++) {
      const ks = ++k;
      while (k < n && k - ks < 64 && byteAt(s, k) !== ch.EQUALS && byteAt(s, k) > 32 && byteAt(s, k) !== QUOTE) k++;
      if (k >= n || byteAt(s, k) !== ch.EQUALS) break;
      const a = ++k;
      while (k < n && k - a < 255 && byteAt(s, k) !== COLON && byteAt(s, k) > 32 && byteAt(s, k) !== QUOTE) k++;
      // (a lookup's name, not AWS's: /aws/service/... parameters, alias/aws/... keys, a domain's, read as a domain; a
      // VPC lookup's tag filters, filter.tag:<key>=<value>, but one plain word)
      const named =
        a - ks > 5 && ch.matchesAt(s, a - 5, a, "Name=") && !(a - ks === 11 && ch.matchesAt(s, ks, a, "domainName="));
      const tag = !named && a - ks > 12 && ch.matchesAt(s, ks, ks + 11, "filter.tag:") && !ch.plainWord(s, a, k);
      if (
        (named || tag) &&
        k > a &&
        !matchesLowerAt(s, a, k, "/aws/") &&
        !matchesLowerAt(s, a, k, "alias/aws/") &&
        plausibleName(s, a, k, name as Kind)
      )
        push(cfg, s, extra, a, k, name);
    }
    p = s.indexOf(ctx, k > p + 1 ? k : p + 1);
  }
}

/** The bucket of a path-style S3 URL whose path starts at the "/" at p; S3's XML namespace (/doc/2006-03-01/) is none. */
function pathStyleBucket(cfg: ScanConfig, s: string, n: number, p: number, extra: Match[]): void {
  const e = bucketEnd(s, p + 1, n);
  if (e - p - 1 >= 3 && !(matchesLowerAt(s, p, n, "/doc/2") && byteAt(s, p + 15) === SLASH))
    push(cfg, s, extra, p + 1, e, cfg.byFamily["s3-bucket"]);
}

/** S3 console paths: /s3/buckets/<bucket>. */
function findConsoleBuckets(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const cb = "/s3/buckets/";
  let p = firstOf(s, cb);
  while (p >= 0) {
    const a = p + cb.length;
    const e = bucketEnd(s, a, n);
    if (e - a >= 3 && e - a <= 63 && ch.hostEndsAt(s, e, n)) push(cfg, s, extra, a, e, cfg.byFamily["s3-bucket"]);
    p = s.indexOf(cb, p + 1);
  }
}

// and the organisation's alias of IAM Identity Center / WorkMail (<alias>.awsapps.com), a Cognito hosted UI's domain
// prefix (<prefix>.auth.<region>.amazoncognito.com)
const APP_DOMAINS = [
  ".elasticbeanstalk.com",
  ".amplifyapp.com",
  ".awsapprunner.com",
  ".awsapps.com",
  ".amazoncognito.com",
  // a Global Accelerator's DNS name (a1234567890abcdef.awsglobalaccelerator.com, also .dualstack.)
  ".awsglobalaccelerator.com",
  // an ACM DNS validation record's value (_<hash>.<label>.acm-validations.aws.): one certificate's
  ".acm-validations.aws",
  // a SageMaker notebook instance (<name>.notebook.<region>.sagemaker.aws) or Studio domain's (<domain id>.studio.)
  ".sagemaker.aws",
  // an IVS channel's ingest and playback servers (<id>.global-contribute.live-video.net, <id>.<region>.playback.)
  ".live-video.net",
  // a Lightsail container service's URL (<service>.<random id>.<region>.cs.amazonlightsail.com)
  ".amazonlightsail.com",
  // an Amazon Connect instance's access URL (https://<alias>.my.connect.aws/, InstanceAccessUrl)
  ".my.connect.aws",
];

/** scheme://user:password@host: the password is a credential, the user a name (connection strings). */
function findUserinfo(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  let p = firstOf(s, "://");
  while (p >= 0) {
    const a = p + 3;
    let k = a;
    let colon = -1;
    let at = -1;
    // (the "@" after a database URL's password that holds a "/", read ahead once)
    let ahead = -1;
    while (k < n && k - a < 512) {
      const c = byteAt(s, k);
      if (c === 64)
        at = k; // the last "@" of the authority
      else if (c === COLON && colon < 0 && at < 0) colon = k;
      else if (c === SLASH && colon >= 0 && at < 0 && ahead !== -2 && k > colon + 1 && creds.isDatabaseScheme(s, p)) {
        // (fifty-third pass) a database URL's password with a "/" as people write it (postgres://app:r0=2024/05@host,
        // unescaped): the authority runs on to its "@" when one comes before the URL's end; not a port (host:5432/db)
        if (ahead < 0) {
          let t = k + 1;
          while (t < n && t - k < 128 && byteAt(s, t) > 32 && byteAt(s, t) !== 64 && byteAt(s, t) !== QUOTE) t++;
          ahead = t < n && byteAt(s, t) === 64 && ch.runOf(s, colon + 1, k, C_DIGIT) !== k - colon - 1 ? t : -2;
        }
        if (ahead < 0) break;
      } else if (
        c === SLASH ||
        c === 32 ||
        c === 9 ||
        c === 10 ||
        c === 13 ||
        c === QUOTE ||
        c === 39 ||
        c === 63 ||
        c === 35 ||
        c === 96 ||
        c === 62 ||
        c === 60
      )
        break;
      k++;
    }
    if (k < n && byteAt(s, k) === SLASH && creds.isDatabaseScheme(s, p)) {
      // postgres://host:5432/<database>
      let e = k + 1;
      while (
        e < n &&
        e - k < 128 &&
        ((cls(byteAt(s, e)) & C_ALNUM) !== 0 || byteAt(s, e) === UNDERSCORE || byteAt(s, e) === DASH)
      )
        e++;
      const db = cfg.byId["database-name"];
      if (db !== undefined && e - k - 1 >= 3 && plausibleName(s, k + 1, e, db)) push(cfg, s, extra, k + 1, e, db);
    }
    // git-remote-codecommit: codecommit::<region>://[<profile>@]<repository> (the scheme: lower-case letters, digits,
    // "-" and ":" back from p)
    let sc = p;
    while (
      sc > 0 &&
      p - sc < 32 &&
      ((cls(byteAt(s, sc - 1)) & (C_LOWER | C_DIGIT)) !== 0 ||
        byteAt(s, sc - 1) === DASH ||
        byteAt(s, sc - 1) === COLON)
    )
      sc--;
    // an RTMP push URL's stream key (rtmp://<host>/<application>/<key>: MediaLive's push inputs, YouTube's, Twitch's):
    // whoever holds it streams to the input
    if (k < n && byteAt(s, k) === SLASH && (p - sc === 4 || p - sc === 5) && matchesLowerAt(s, sc, sc + 4, "rtmp")) {
      const app = ch.segmentEnd(s, k + 1, n, 100);
      const e = app < n && byteAt(s, app) === SLASH ? ch.segmentEnd(s, app + 1, n, 256) : -1;
      // (an IVS stream key's sk_ prefix stays: its anchor's; a file played, index.m3u8, and a placeholder in capitals,
      // STREAM_NAME, are no key)
      if (e - app - 1 >= 4 && !ch.matchesAt(s, app + 1, app + 4, "sk_") && !nm.streamPlaceholder(s, app + 1, e))
        push(cfg, s, extra, app + 1, e, cfg.byId["credential"]);
    }
    if (p - sc >= 10 && matchesLowerAt(s, sc, p, "codecommit") && (p - sc === 10 || byteAt(s, sc + 10) === COLON)) {
      const r = at > a ? at + 1 : a;
      const e = ch.segmentEnd(s, r, n, 100);
      if (e > r) push(cfg, s, extra, r, e, cfg.byId["resource-name"]);
    }
    if (at > a) {
      const userEnd = colon >= 0 && colon < at ? colon : at;
      const user = cfg.byId["resource-name"];
      // (an IAM id as the user, an access key's, is the main pass's: ACCESS_KEY_ID, as everywhere else in the text)
      const keyId =
        userEnd - a === 20 &&
        cfg.iamKinds[sub(s, a, a + 4)] !== undefined &&
        runOf(s, a, userEnd, C_UPPER | C_DIGIT) === 20;
      // (and Spark's driver endpoint, spark://CoarseGrainedScheduler@<host>:<port>, is Spark's own RPC name)
      const spark = p - sc === 5 && userEnd - a === 22 && matchesLowerAt(s, sc, p, "spark");
      if (userEnd - a >= 3 && user !== undefined && !keyId && !spark && plausibleName(s, a, userEnd, user))
        push(cfg, s, extra, a, userEnd, user);
      if (colon >= 0 && at > colon + 1) push(cfg, s, extra, colon + 1, at, cfg.byId["credential"]);
      // Hadoop's s3a://<key>:<secret>@<bucket>/ (also s3n://, s3://): the host is the bucket
      const last = p >= 1 ? byteAt(s, p - 1) : 0;
      if (
        (p >= 2 && byteAt(s, p - 2) === 115 && last === 51) ||
        (p >= 3 && byteAt(s, p - 3) === 115 && byteAt(s, p - 2) === 51 && (last === 97 || last === 110))
      ) {
        const e = bucketEnd(s, at + 1, n);
        if (e - at - 1 >= 3 && e - at - 1 <= 63) push(cfg, s, extra, at + 1, e, cfg.byFamily["s3-bucket"]);
      }
    }
    p = s.indexOf("://", k > a ? k : a);
  }
}

/** Nesting of findEncoded (a decoded run is scanned once, never decoded again). */
const ENCODED = { depth: 0, signal: false };

/**
 * True for a unit of an encoded run of findEncoded's mode: 0, a URL-encoded run (no "&", "?", "#": those separate
 * query parameters); 1, text with character references, up to a blank, a quote or an angle bracket (an element's text
 * or an attribute's value); 2, a Logs Insights query's run (a URL's units and "*", not the "~" between its values).
 */
function urlUnit(c: number, mode: number): boolean {
  if (mode === 1) return c > SPACE && c < 128 && c !== QUOTE && c !== ch.APOS && c !== ch.LT && c !== ch.GT;
  if (mode === 2 && (c === 42 || c === 126)) return c === 42;
  return (
    c < 256 &&
    ((cls(c) & C_ALNUM) !== 0 ||
      c === 37 ||
      c === 36 ||
      c === DOT ||
      c === UNDERSCORE ||
      c === 126 ||
      c === DASH ||
      c === SLASH ||
      c === ch.PLUS ||
      c === COLON ||
      c === 61)
  );
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = lowerCode(c);
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

// (fifty-third pass) and the last two: a character reference (&#x2F; &#47;, HTML and XML text: mustache.js escapes "/"
// and "=" so, a mailto: link is written in decimal references), and a Logs Insights query's escapes in the console's
// URL (~'*2faws*2fecs*2f<service>: "*" in place of "%")
// (review of the fifty-third pass) "*2F" too: a link built with encodeURIComponent and "%" replaced, as blog posts do
const ENCODED_ANCHORS = ["%3A", "%3a", "%2F", "%2f", "$253A", "$252F", "%253A", "%252F", "&#", "*2f", "*2F"];

/**
 * URL-encoded text (console URLs: arn%3Aaws%3A..., CloudWatch's $252F): the run around an escape is decoded (%XX, and
 * $25XX or %25XX for a doubly encoded %XX), scanned, and what is found there masks the raw span it came from. Text with
 * character references the same way: the run between blanks, quotes and angle brackets, its references decoded
 * (chars.ts charRefEnd); a Logs Insights query's run with its *XX escapes.
 */
function findEncoded(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  let first = true;
  // which anchors the string may hold, read before the decoded runs are scanned (that marks their units)
  let gates = 0;
  for (let k = 0; k < ENCODED_ANCHORS.length; k++) if (ch.mayHold(ENCODED_ANCHORS[k])) gates |= 1 << k;
  for (let k = 0; k < ENCODED_ANCHORS.length; k++) {
    const lit = ENCODED_ANCHORS[k];
    let floor = 0;
    let p = (gates & (1 << k)) !== 0 ? s.indexOf(lit) : -1;
    if (p >= 0 && first) {
      // the decoded runs carry the signal of the text they stand in
      ENCODED.signal = hasSignal(s, extra);
      first = false;
    }
    while (p >= 0) {
      if (p < floor) {
        p = s.indexOf(lit, floor);
        continue;
      }
      // (mode: 0 URL escapes, 1 character references, 2 the *XX escapes)
      const mode = k < 8 ? 0 : k === 8 ? 1 : 2;
      let a = p;
      while (a > floor && p - a < 2048 && urlUnit(byteAt(s, a - 1), mode)) a--;
      let b = p;
      while (b < n && b - p < 4096 && urlUnit(byteAt(s, b), mode)) b++;
      decodeAndScan(cfg, s, a, b, extra, mode);
      floor = b;
      p = s.indexOf(lit, b);
    }
  }
}

/** The matches in text decoded from the string being scanned (one level deep: never decoded again). */
function scanDecoded(cfg: ScanConfig, text: string): Match[] {
  const found: Match[] = [];
  ENCODED.depth++;
  scanWords(cfg, text, "", found);
  ENCODED.depth--;
  // the nested scan used the per-string slots: the outer string's are recomputed
  SIGNAL.known = false;
  creds.newCredentialScan();
  return found;
}

function decodeAndScan(cfg: ScanConfig, s: string, a: number, b: number, extra: Match[], mode: number): void {
  const parts: string[] = [];
  const raw: number[] = []; // raw index of each decoded unit
  let k = a;
  while (k < b) {
    const c = byteAt(s, k);
    let w = 1;
    let code = c;
    const ref = mode === 1 && c === ch.AMP ? ch.charRefEnd(s, k, b) : -1;
    if (ref > 0) {
      // (a name other than XML's five, &aelig; &ndash;, is one opaque unit too)
      code = ch.CHAR_REF.code > 0 ? ch.CHAR_REF.code : 128;
      w = ref - k;
    } else if (
      mode === 2 &&
      c === 42 &&
      k + 2 < b &&
      hexValue(byteAt(s, k + 1)) >= 0 &&
      hexValue(byteAt(s, k + 2)) >= 0
    ) {
      code = hexValue(byteAt(s, k + 1)) * 16 + hexValue(byteAt(s, k + 2));
      w = 3;
    } else if (mode === 1) {
      // (references only: a "%" in HTML text is itself)
    } else if (
      (c === 37 || c === 36) &&
      k + 4 < b &&
      byteAt(s, k + 1) === 50 &&
      byteAt(s, k + 2) === 53 &&
      hexValue(byteAt(s, k + 3)) >= 0 &&
      hexValue(byteAt(s, k + 4)) >= 0
    ) {
      // a doubly encoded %XX: CloudWatch's $252F, an IAM Identity Center shortcut's destination or the SQS console's
      // queue links (%252F)
      code = hexValue(byteAt(s, k + 3)) * 16 + hexValue(byteAt(s, k + 4));
      w = 5;
    } else if (c === 37 && k + 2 < b + 0 && hexValue(byteAt(s, k + 1)) >= 0 && hexValue(byteAt(s, k + 2)) >= 0) {
      code = hexValue(byteAt(s, k + 1)) * 16 + hexValue(byteAt(s, k + 2));
      w = 3;
    }
    // a non-ASCII escape decodes to one opaque unit (never part of an identifier)
    parts.push(w === 1 ? sub(s, k, k + 1) : String.fromCharCode(code < 128 ? code : 128));
    raw.push(k);
    k += w;
  }
  raw.push(b);
  const found = scanDecoded(cfg, parts.join(""));
  for (const m of found) {
    push(cfg, s, extra, raw[m.s], raw[m.e], m.kind);
  }
}

/**
 * Words whose base64 forms are looked for (base64.ts base64Anchors): AWS hostnames, ARNs and S3 URIs, credential
 * names, key blocks. A Kubernetes Secret's data, a Docker config.json's auths, an instance's user data, a kubeconfig's
 * keys; an AWS service's log group after an account (a Logs Insights `@ptr`). And the start of JSON, `{"`: a Kinesis
 * or Firehose record's data, an encoded message body. (At most 31 forms: a bit per form in findBase64's gates.)
 */
const BASE64_ANCHORS = b64.base64Anchors([
  "amazonaws.com",
  "arn:aws:",
  "s3://",
  "aws_secret",
  "AWS_SECRET",
  "AWS_ACCESS",
  "password",
  "PASSWORD",
  "PRIVATE KEY",
  ":/aws/",
]);
BASE64_ANCHORS.push("eyJ");

/**
 * Base64 text that encodes an identifier or a credential: the run of base64 units around a form of an anchor word
 * (and its "=" padding) is decoded and scanned; when anything is found there, the run is masked whole as a credential
 * (its parts cannot be masked inside the encoding). Each run is decoded once. Most strings hold none of the forms'
 * rare units (ch.mayHold): nothing is searched.
 */
function findBase64(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const cred = cfg.byId["credential"];
  if (n < 16 || !kindOn(cfg, cred)) return;
  // read before a nested scan marks the decoded text's units
  let gates = 0;
  for (let k = 0; k < BASE64_ANCHORS.length; k++) if (ch.mayHold(BASE64_ANCHORS[k])) gates |= 1 << k;
  let nested = false;
  // (fifty-third pass) base64 its format declares: a MIME part's body under `Content-Transfer-Encoding: base64` (an
  // attachment in an e-mail's source: decoded, scanned, masked whole when anything is found there), and a Kubernetes
  // Secret's data values (creds.secretDataValues: the secret, masked whole whatever they decode to)
  const mime = ch.firstOf(s, "Transfer-Encoding: base64");
  const secret = ch.mayHold("data:") && creds.namesSecretKind(s, n);
  for (let w = mime >= 0 ? 0 : 1; w < (secret ? 4 : 1); w++) {
    const lit = w === 0 ? "Transfer-Encoding: base64" : w === 1 ? "data:\n" : w === 2 ? '"data":' : '\\"data\\":';
    let p = w === 0 ? mime : ch.indexFrom(s, lit, 0);
    const span: Span = { s: 0, e: 0 };
    const spans: number[] = [];
    while (p >= 0) {
      let next = p + lit.length;
      if (w === 0 && creds.mimeBase64Body(s, next, n, span)) {
        const a = span.s;
        const b = span.e;
        const text = b64.base64Decode(sub(s, a, b));
        nested = true;
        if (text !== undefined && scanDecoded(cfg, text).length > 0) push(cfg, s, extra, a, b, cred);
        next = b;
      } else if (w === 0) {
        if (span.e > next) next = span.e;
      } else {
        const count = creds.secretDataValues(s, p, n, spans, span);
        for (let k = 0; k < count; k++) push(cfg, s, extra, spans[2 * k], spans[2 * k + 1], cred);
        if (span.e > next) next = span.e;
      }
      p = ch.indexFrom(s, lit, next);
    }
  }
  if (gates === 0) {
    if (nested) ch.markUnits(s, n);
    return;
  }
  // the starts of the runs decoded: a run is decoded once, whichever anchor finds it
  const tried: Record<number, boolean> = {};
  for (let w = 0; w < BASE64_ANCHORS.length; w++) {
    const lit = BASE64_ANCHORS[w];
    let p = (gates & (1 << w)) !== 0 ? ch.indexFrom(s, lit, 0) : -1;
    while (p >= 0) {
      let a = p;
      let b = p + lit.length;
      let escapes = false;
      // (a form post or a URL carries base64 with %2B, %2F and %3D: a SAMLResponse)
      for (;;) {
        if (a >= 3 && b64.escapedUnit(s, a - 3) > 0) {
          a -= 3;
          escapes = true;
        } else if (a > 0 && (cls(byteAt(s, a - 1)) & ch.C_B64) !== 0) a--;
        else break;
      }
      for (;;) {
        if (b + 2 < n && b64.escapedUnit(s, b) > 0) {
          b += 3;
          escapes = true;
        } else if (b < n && (cls(byteAt(s, b)) & ch.C_B64) !== 0) b++;
        else break;
      }
      const e = b;
      while (b < n && b - e < 2 && byteAt(s, b) === 61) b++;
      const text = tried[a] === true ? undefined : b64.base64Decode(escapes ? b64.unescaped(s, a, b) : sub(s, a, b));
      tried[a] = true;
      if (text !== undefined) {
        ENCODED.signal = true;
        nested = true;
        if (scanDecoded(cfg, text).length > 0) push(cfg, s, extra, a, b, cred);
      }
      p = ch.indexFrom(s, lit, b);
    }
  }
  // the string's own unit marks again, for the finders after this one
  if (nested) ch.markUnits(s, n);
}

// Console URL paths whose next segment is a resource name (console.aws.amazon.com/...).
const CONSOLE_PATHS = [
  "/functions/",
  "/clusters/",
  "/roles/details/",
  "/users/details/",
  "/groups/details/",
  "/buckets/",
  "/tables/",
  "/queues/",
  "/topics/",
  "/repositories/",
  "/repositories/private/",
  "/services/",
  "/stacks/",
  "database:id=",
  "/instances/",
  "/alarms/",
  "/secrets/",
  "/parameters/",
  "/state-machines/",
  // (after "/" or the #logsV2: page name)
  "log-groups/log-group/",
  "/aws/lambda/",
  "/pipelines/",
  // CodeBuild: #/projects/<project>/view, #/builds/<project>:<uuid>/view/new
  "/projects/",
  "/builds/",
  // the S3 console's object view (s3/object/<bucket>?prefix=...), ElastiCache's #/redis/<cluster>, EKS's node groups,
  // API Gateway's apis/<api id>/resources
  "/object/",
  "/redis/",
  "/nodegroups/",
  "/apis/",
  // a Logs Insights query's log group in the console's own escapes (source~(~'*2faws*2flambda*2f<function>))
  "*2flambda*2f",
  // Kinesis's #/streams/details/<stream>, a CodeBuild build's /build/<project>%3A<uuid>
  "/streams/",
  "/build/",
  // EventBridge's #/eventbus/<bus>/rules/<rule>, EventBridge Scheduler's #schedules/<group>/<schedule>, a Systems
  // Manager command's run-command/<command id>, Firehose's #/details/<stream>/monitoring, an Amplify app's
  // amplify/apps/<app id>/ (a CodePipeline execution's pipelines/<pipeline>/executions/<execution id> after /pipelines/)
  "/eventbus/",
  "#schedules/",
  "/run-command/",
  "#/details/",
  "/amplify/apps/",
  // CloudWatch's #alarmsV2:alarm/<alarm>, Glue's jobs/view/<job>, EventBridge Pipes' #/pipes/<pipe>, OpenSearch's
  // domains/<domain>, AWS Backup's backupvaults/details/<vault>, WAF's web-acl/<web ACL>/<id>, Bedrock's
  // knowledge-base/<name>, an Athena query's query-editor/history/<query execution id> (thirty-fourth pass)
  ":alarm/",
  "/jobs/",
  "#/pipes/",
  "/domains/",
  "/backupvaults/",
  "/web-acl/",
  "/knowledge-base/",
  "/query-editor/history/",
  // CodeDeploy's #/applications/<application>/deployment-groups/<group>
  "/applications/",
  "/deployment-groups/",
];

/**
 * The names in console URLs' paths (CONSOLE_PATHS, in text that holds a console URL or a Lambda function's log group)
 * and Bedrock's ids in its REST paths, as botocore's debug log, a SigV4 canonical request or a request line print them
 * (/agents/<id>/agentAliases/<id>/sessions/..., /knowledgebases/<id>/datasources/<id>/ingestionjobs/<id>, /flows/<id>):
 * each of ten letters and digits with a digit (the API's [0-9a-zA-Z]{10}; the test alias TSTALIASID and DRAFT stay),
 * not any path's next segment (src/agents/planner.py, /var/lib/php/sessions/x).
 */
function findConsolePaths(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const kind = cfg.byId["resource-name"];
  if (kind === undefined) return;
  // (one search for the "s/" all six paths' words end with, the word before it looked at: not six passes per string)
  let q = firstOf(s, "s/");
  while (q >= 0) {
    let w0 = q;
    while (w0 > 0 && q - w0 < 14 && (cls(byteAt(s, w0 - 1)) & (C_LOWER | ch.C_UPPER)) !== 0) w0--;
    const len = q + 1 - w0;
    const f0 = w0 > 0 && byteAt(s, w0 - 1) === SLASH ? byteAt(s, w0) : 0;
    const aliases = len === 12 && f0 === 97 && ch.matchesAt(s, w0, q + 1, "agentAliases");
    const bedrock =
      aliases ||
      (len === 6 && f0 === 97 && ch.matchesAt(s, w0, q + 1, "agents")) ||
      (len === 14 && f0 === 107 && ch.matchesAt(s, w0, q + 1, "knowledgebases")) ||
      (len === 11 && f0 === 100 && ch.matchesAt(s, w0, q + 1, "datasources")) ||
      (len === 13 && f0 === 105 && ch.matchesAt(s, w0, q + 1, "ingestionjobs")) ||
      (len === 5 && f0 === 102 && ch.matchesAt(s, w0, q + 1, "flows"));
    const a = q + 2;
    const e = a + 10;
    if (bedrock && e <= n && (e === n || (cls(byteAt(s, e)) & C_ALNUM) === 0)) {
      if (nm.opaqueIdEnd(s, a, e) === e) push(cfg, s, extra, a, e, kind);
      // (and the session an agent's alias serves, whatever its shape and the alias's, TSTALIASID's too:
      // /agentAliases/<alias>/sessions/<session>/text)
      if (aliases && runOf(s, a, e, C_ALNUM) === 10 && ch.matchesAt(s, e, n, "/sessions/")) {
        const f = ch.segmentEnd(s, e + 10, n, 100);
        if (f - e - 10 >= 2 && plausibleName(s, e + 10, f, kind)) push(cfg, s, extra, e + 10, f, kind);
      }
    }
    q = s.indexOf("s/", a);
  }
  if (firstOf(s, "console.aws.amazon.com") < 0 && firstOf(s, "/aws/lambda/") < 0) return;
  for (const lit of CONSOLE_PATHS) {
    let p = firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      // the console's own words before the name (Glue's tables/view/<table>, Kinesis's streams/details/<stream>)
      if (ch.matchesAt(s, a, n, "view/")) a += 5;
      else if (ch.matchesAt(s, a, n, "details/")) a += 8;
      let e = a;
      // (a parameter's path with its slashes escaped, once or twice: parameters/%252Fprod%252Fapp%252Fdb-url)
      let escaped = false;
      while (e < n && e - a < 255) {
        const c = byteAt(s, e);
        if ((cls(c) & C_ALNUM) !== 0 || c === DASH || c === UNDERSCORE || c === DOT) e++;
        else if (c === ch.PERCENT && (ch.matchesAt(s, e, n, "%2F") || ch.matchesAt(s, e, n, "%252F"))) {
          escaped = true;
          e += byteAt(s, e + 1) === 50 && byteAt(s, e + 2) === 70 ? 3 : 5;
        } else if (c === 36 && ch.matchesAt(s, e, n, "$252F") && (e > a || !ch.matchesAt(s, a, n, "$252Faws$252F"))) {
          // (CloudWatch's log group pages escape "/" as $252F: log-group/$252Fecs$252Fcheckout; AWS's own groups,
          // $252Faws$252Flambda$252F<function>, are left to the log group reader, which masks the function as one)
          escaped = true;
          e += 5;
        } else break;
      }
      // (the console's own API path, /lambda/services/ajax?operation=..., names no service)
      const ajax = e - a === 4 && ch.matchesAt(s, a, e, "ajax");
      if (escaped && e - a > 6) push(cfg, s, extra, a, e, kind);
      else if (e - a >= 3 && !ajax && plausibleName(s, a, e, kind) && !isRegionLabel(s, a, e)) {
        const fn = lit === "/aws/lambda/" || lit === "*2flambda*2f";
        push(cfg, s, extra, a, e, fn ? cfg.arnKinds["lambda:function"] : kind);
        // a CodeBuild build id: <project>%3A<uuid> (the id's ":" escaped)
        if (ch.matchesAt(s, e, n, "%3A") && ch.uuidEnd(s, e + 3, n, false) === e + 39)
          push(cfg, s, extra, e + 3, e + 39, cfg.byFamily["arn-resource"]);
      }
      // the resource the next segment names (also after a bus that is no name: eventbus/default/rules/<rule>): a
      // bus's rule, a pipeline's execution, a schedule group's schedule
      // (no list of the words: the module's main chunk is at Lua's limit of locals)
      let next = (lit === "#schedules/" || lit === "/web-acl/") && byteAt(s, e) === SLASH ? 1 : 0;
      if (next === 0 && ch.matchesAt(s, e, n, "/rules/")) next = 7;
      else if (next === 0 && ch.matchesAt(s, e, n, "/executions/")) next = 12;
      if (next > 0) {
        const b = e + next;
        let f = b;
        while (
          f < n &&
          f - b < 128 &&
          ((cls(byteAt(s, f)) & C_ALNUM) !== 0 ||
            byteAt(s, f) === DASH ||
            byteAt(s, f) === UNDERSCORE ||
            byteAt(s, f) === DOT)
        )
          f++;
        if (f - b >= 3 && (ch.uuidEnd(s, b, f, false) === f || plausibleName(s, b, f, kind))) {
          push(cfg, s, extra, b, f, kind);
          e = f;
        }
      }
      p = s.indexOf(lit, e > p + 1 ? e : p + 1);
    }
  }
}

/**
 * ELB ids in CloudWatch dimensions and ENI descriptions (app/<name>/<16 hex>, net/..., targetgroup/...) and in the name
 * of an access or connection log file (names.ts ELB_ANCHORS).
 */
function findLoadBalancerIds(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const kind = cfg.byId["elb-hostname"];
  for (const lit of nm.ELB_ANCHORS) {
    let p = firstOf(s, lit);
    while (p >= 0) {
      // (after "loadbalancer/" too: the ARN's resource names the same id; after "<account>-" in WAF's httpSourceId)
      const file = byteAt(lit, 0) === UNDERSCORE;
      if (
        file ||
        p === 0 ||
        ((cls(byteAt(s, p - 1)) & C_ALNUM) === 0 &&
          (byteAt(s, p - 1) !== DASH || (p >= 13 && isDigits(s, p - 13, p - 1))))
      ) {
        const a = p + lit.length;
        let b = a;
        while (b < n && b - a < 64 && ((cls(byteAt(s, b)) & C_ALNUM) !== 0 || byteAt(s, b) === DASH)) b++;
        if (
          b > a &&
          b < n &&
          byteAt(s, b) === (file ? DOT : SLASH) &&
          runOf(s, b + 1, n, C_HEX) === 16 &&
          (file ? byteAt(s, b + 17) === UNDERSCORE : endsAt(s, b + 17, n))
        ) {
          push(cfg, s, extra, file ? p + 1 : p, b + 17, kind);
          // NLB TLS access logs: the next field is the listener id (16 hex)
          const l = b + 18;
          if (
            byteAt(s, b + 17) === SPACE &&
            runOf(s, l, n, C_HEX) === 16 &&
            (l + 16 >= n || byteAt(s, l + 16) === SPACE)
          ) {
            push(cfg, s, extra, l, l + 16, kind);
          }
        }
      }
      p = s.indexOf(lit, p + 1);
    }
  }
}

/**
 * CloudWatch metric rows, as a dashboard's metric widget or a metric math alarm writes them: `"metrics": [["AWS/RDS",
 * "CPUUtilization", "DBInstanceIdentifier", "orders-1"], [".", "ReadIOPS", ".", "orders-2"], ["...", "orders-3"]]`.
 * After the namespace and the metric, dimension names and values alternate, and each value is read by its dimension's
 * name as a key (callArgument). "." repeats the previous row's item at its place, "..." the previous row's items before
 * the ones that follow it. Rows are read from the first "metrics" or "AWS/" on, each "[" once (linear); items are quoted
 * alike (", ' or an escaped \" in a dashboard body printed as a JSON string).
 */
function findMetricRows(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  let from = firstOf(s, "metrics");
  const ns = firstOf(s, "AWS/");
  if (from < 0 || (ns >= 0 && ns < from)) from = ns;
  if (from < 0) return;
  // the items of the row being read and of the previous one, "." and "..." resolved: [start, end) pairs
  let row: number[] = [];
  let prev: number[] = [];
  let p = s.indexOf("[", from > 64 ? from - 64 : 0);
  while (p >= 0) {
    // a row is an item of the list of rows: "[" or "," before it
    let o = p;
    while (o > 0 && p - o < 64 && (byteAt(s, o - 1) === SPACE || byteAt(s, o - 1) === LF || byteAt(s, o - 1) === 9))
      o--;
    const nested = o > 0 && (byteAt(s, o - 1) === ch.LBRACKET || byteAt(s, o - 1) === ch.COMMA);
    let k = p + 1;
    let count = 0;
    let esc = -1;
    let ellipsis = -1;
    let resolved = 0;
    for (let items = 0; items < 64; items++) {
      while (k < n && (byteAt(s, k) === SPACE || byteAt(s, k) === LF || byteAt(s, k) === 13 || byteAt(s, k) === 9)) k++;
      let e0 = 0;
      while (k + e0 < n && e0 < 4 && byteAt(s, k + e0) === 92) e0++;
      const q = k + e0 < n ? byteAt(s, k + e0) : -1;
      if ((q !== QUOTE && q !== 39) || (esc >= 0 && e0 !== esc)) break;
      esc = e0;
      const a = k + e0 + 1;
      const e = unitWithin(s, q, a, n, 256);
      if (e < 0 || e - esc < a) break;
      const b = e - esc;
      k = e + 1;
      if (b - a === 3 && count === 0 && matchesLowerAt(s, a, b, "...")) {
        // the previous row's items up to the ones after this: known once the row is read
        ellipsis = 0;
      } else if (b - a === 1 && byteAt(s, a) === DOT && 2 * resolved + 1 < prev.length) {
        row[2 * resolved] = prev[2 * resolved];
        row[2 * resolved + 1] = prev[2 * resolved + 1];
        resolved++;
      } else {
        row[2 * resolved] = a;
        row[2 * resolved + 1] = b;
        resolved++;
      }
      count++;
      while (k < n && (byteAt(s, k) === SPACE || byteAt(s, k) === LF || byteAt(s, k) === 13 || byteAt(s, k) === 9)) k++;
      if (k >= n || byteAt(s, k) !== ch.COMMA) break;
      k++;
    }
    const first = row[0];
    if (ellipsis === 0 && resolved > 0 && prev.length >= 2 * resolved) {
      // ["...", v]: the items after "..." take the previous row's last places
      const keep = prev.length / 2 - resolved;
      for (let t = resolved - 1; t >= 0; t--) {
        row[2 * (keep + t)] = row[2 * t];
        row[2 * (keep + t) + 1] = row[2 * t + 1];
      }
      for (let t = 0; t < keep; t++) {
        row[2 * t] = prev[2 * t];
        row[2 * t + 1] = prev[2 * t + 1];
      }
      ellipsis = keep;
      resolved += keep;
    } else if (
      ellipsis === 0 ||
      !nested ||
      count < 2 ||
      (count < 4 && prev.length === 0) ||
      !(matchesLowerAt(s, first, row[1], "aws/") || prev.length > 0 || from !== ns)
    ) {
      resolved = 0;
    }
    // the values: the odd places from the fourth on, each read where it stands in this row
    for (let t = 3; t < resolved; t += 2) {
      const a = row[2 * t];
      if (a >= p && a < k && (ellipsis < 0 || t >= ellipsis))
        callArgument(cfg, s, a, row[2 * t + 1], row[2 * t - 2], row[2 * t - 1], extra);
    }
    if (resolved >= 2) {
      const t = prev;
      prev = row;
      row = t;
      prev.length = 2 * resolved;
    }
    p = s.indexOf("[", k > p ? k : p + 1);
  }
}

/**
 * Trusted Advisor's flagged resources: `"metadata": ["us-east-1", "launch-wizard-7", "sg-0abc (vpc-0def)", "tcp",
 * "Yellow", "22"]`, a check's columns by position, without keys. An item with a letter and a "-" or "_" (a resource's
 * name) is masked, in text with an AWS signal; a region or an Availability Zone, a number, a status word, an instance
 * type stay, and ids keep their own kinds. Each list is read once (linear).
 */
function findAdvisorMetadata(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const kind = cfg.byId["resource-name"];
  let p = kind !== undefined ? firstOf(s, '"metadata"') : -1;
  let signal = -1;
  while (p >= 0) {
    let k = p + 10;
    let pa = -1;
    let pe = -1;
    let pushed = false;
    // (the previous item is words with a letter: a group's name with blanks)
    let pw = false;
    while (k < n && (byteAt(s, k) === SPACE || byteAt(s, k) === COLON)) k++;
    if (k < n && byteAt(s, k) === ch.LBRACKET) {
      k++;
      for (let items = 0; items < 256; items++) {
        while (k < n && (byteAt(s, k) === SPACE || byteAt(s, k) === LF || byteAt(s, k) === 13)) k++;
        if (k >= n || byteAt(s, k) !== QUOTE) break;
        const a = k + 1;
        const e = unitWithin(s, QUOTE, a, n, 256);
        if (e < 0) break;
        k = e + 1;
        let joined = false;
        let letter = false;
        let blank = false;
        for (let t = a; t < e; t++) {
          const c = byteAt(s, t);
          if (c === DASH || c === UNDERSCORE) joined = true;
          else if (c === SPACE) blank = true;
          else if ((cls(c) & (C_LOWER | C_UPPER)) !== 0) letter = true;
        }
        // (fifty-first pass) the item before an access key id (IAM Access Key Rotation's IAM User) or before a security
        // group's "sg-... (vpc-...)" (a group's name, blanks too) whatever its joints, and a person's first.last; one
        // word only when it may be a name (a region, a zone, a status or a protocol before the id stays)
        const idItem =
          pa >= 0 &&
          e - a >= 16 &&
          ((byteAt(s, a) === 65 &&
            byteAt(s, a + 2) === 73 &&
            byteAt(s, a + 3) === 65 &&
            runOf(s, a, e, C_UPPER | C_DIGIT) === 20) ||
            (byteAt(s, a) === 115 && byteAt(s, a + 1) === 103 && byteAt(s, a + 2) === DASH));
        if (idItem && signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
        if (
          idItem &&
          !pushed &&
          pe - pa >= 2 &&
          signal === 1 &&
          (pw ||
            (plausibleName(s, pa, pe, kind as Kind) &&
              !isRegionLabel(s, pa, pe) &&
              !isRegionLabel(s, pa, pe - 1) &&
              !idShaped(cfg, s, pa, pe)))
        )
          push(cfg, s, extra, pa, pe, kind);
        pushed = false;
        if (
          ((joined && letter) || nm.dottedPerson(s, a, e)) &&
          plausibleName(s, a, e, kind as Kind) &&
          !isRegionLabel(s, a, e) &&
          !isRegionLabel(s, a, e - 1) &&
          !idShaped(cfg, s, a, e)
        ) {
          if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
          if (signal === 1) push(cfg, s, extra, a, e, kind);
          pushed = signal === 1;
        }
        pa = a;
        pe = e;
        pw = blank && letter;
        while (k < n && (byteAt(s, k) === SPACE || byteAt(s, k) === LF || byteAt(s, k) === 13)) k++;
        if (k >= n || byteAt(s, k) !== ch.COMMA) break;
        k++;
      }
    }
    p = s.indexOf('"metadata"', k);
  }
  if (kind === undefined) return;
  // (fifty-first pass) an AWS Support case's number (CaseDetails.displayId: "displayId": "<n>", --display-id <n>, the
  // console's #/case/?displayId=<n>), after "Case ID" (the console's row, a label, an export's column: the cells under
  // it) and "[Case <n>]" / "case <n>" / "case number <n>" in text with an AWS signal: 10 to 16 digits (not "in case
  // <n>", an idiom, nor "case <n>:", a code's label: switch's case 2147483647:)
  for (let w = 0; w < 3; w++) {
    const lit = w === 0 ? "isplayId" : w === 1 ? "display-id" : "ase ";
    p = firstOf(s, lit);
    // (the tabs since the last line's end before cur, a cursor that only moves forward: a column title's index in its
    // line, linear, however many anchors the line holds)
    let cur = 0;
    let tabs = 0;
    // (the first line end at or after the last title looked for one; n: none)
    let lf = -1;
    while (p >= 0) {
      let k = p + lit.length;
      let label = w < 2;
      let column = -1;
      if (w === 2) {
        const c = p > 0 ? byteAt(s, p - 1) : 0;
        label = false;
        if ((c === 67 || c === 99) && (p < 2 || (cls(byteAt(s, p - 2)) & C_ALNUM) === 0)) {
          if (k + 1 < n && byteAt(s, k) === 73 && byteAt(s, k + 1) === 68) {
            label = true;
            k += 2;
            if (k < n && byteAt(s, k) === 9) {
              // (a tab-separated column title: its column's index in the line)
              for (; cur < p; cur++) {
                if (byteAt(s, cur) === LF) tabs = 0;
                else if (byteAt(s, cur) === 9) tabs++;
              }
              column = tabs;
            }
          } else if (
            p >= 4 &&
            byteAt(s, p - 2) === SPACE &&
            matchesLowerAt(s, p - 4, p - 2, "in") &&
            (p === 4 || (cls(byteAt(s, p - 5)) & C_ALNUM) === 0)
          )
            k = -1;
          else {
            if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
            if (matchesLowerAt(s, k, n, "number") && (ch.clsAt(s, k + 6, n) & C_ALNUM) === 0) k += 6;
          }
        } else k = -1;
      }
      if (k >= 0 && column < 0) {
        const from = k;
        while (k < n && k - from < 40) {
          const c = byteAt(s, k);
          if (
            c === SPACE ||
            c === 9 ||
            c === LF ||
            c === 13 ||
            c === COLON ||
            c === QUOTE ||
            c === ch.EQUALS ||
            c === ch.PIPE
          )
            k++;
          else break;
        }
        if (k < n && byteAt(s, k) === ch.HASH) k++;
        const e = k + runOf(s, k, n, C_DIGIT);
        if (
          e - k >= 10 &&
          e - k <= 16 &&
          (label || (signal === 1 && byteAt(s, e) !== COLON)) &&
          (e >= n || (cls(byteAt(s, e)) & C_ALNUM) === 0) &&
          (k === 0 || (cls(byteAt(s, k - 1)) & C_ALNUM) === 0)
        )
          push(cfg, s, extra, k, e, kind);
        k = e > k ? e : k;
      } else if (column >= 0) {
        // the rows under the title, while they hold tabs (its line's end looked for once per line, not per title: a
        // line of titles without an end is read once)
        if (lf < k) {
          lf = s.indexOf("\n", k);
          if (lf < 0) lf = n;
        }
        let ls = lf < n && lf - k < 4096 ? lf + 1 : 0;
        for (let rows = 0; ls > 0 && rows < 4096; rows++) {
          let le = unitWithin(s, LF, ls, n, 8192);
          if (le < 0) le = n;
          let a = ls;
          for (let t = 0; t < column && a < le; t++) {
            const tab = unitWithin(s, 9, a, n, le - a);
            a = tab < 0 ? le : tab + 1;
          }
          if (a >= le || unitWithin(s, 9, ls, n, le - ls) < 0) break;
          const e = a + runOf(s, a, le, C_DIGIT);
          if (e - a >= 10 && e - a <= 16 && (e >= le || byteAt(s, e) === 9 || byteAt(s, e) === 13))
            push(cfg, s, extra, a, e, kind);
          k = le;
          ls = le + 1;
          if (ls >= n) break;
        }
      }
      p = s.indexOf(lit, k > p + lit.length ? k : p + lit.length);
    }
  }
  // a tag's {"key", "value"} pair in a quoted CSV cell, its quotes doubled (Compute Optimizer's export, column tags:
  // "[{""key"":""team"",""value"":""receipts-squad""}]"): the value read by its key, as a JSON pair's is; and the
  // members' names as the APIs' Tags lists spell them (""Key"", ""Value"": an EC2 or RDS listing's Tags column)
  for (let cap = 0; cap < 2; cap++) {
    const keyLit = cap === 0 ? '""key"":""' : '""Key"":""';
    p = firstOf(s, keyLit);
    while (p >= 0) {
      const ka = p + 10;
      const kb = unitWithin(s, QUOTE, ka, n, 128);
      let next = ka;
      if (kb > ka && ch.matchesAt(s, kb, kb + 15, cap === 0 ? '"",""value"":""' : '"",""Value"":""')) {
        const a = kb + 15;
        const b = unitWithin(s, QUOTE, a, n, 256);
        if (b > a && b + 1 < n && byteAt(s, b + 1) === QUOTE && tagValueCell(cfg, s, ka, kb, a, b))
          push(cfg, s, extra, a, b, kind);
        next = b > a ? b : a;
      }
      p = s.indexOf(keyLit, next);
    }
  }
  // a Support case's id (CaseDetails.caseId, Service Quotas' CaseId): case-<account>-<4 letters>-<year>-<16 hex>; the
  // account is masked as one, the random tail here
  p = firstOf(s, "case-");
  while (p >= 0) {
    const d = runOf(s, p + 5, n, C_DIGIT);
    let k = p + 5 + d;
    let e = -1;
    if (
      (d === 11 || d === 12) &&
      byteAt(s, k) === DASH &&
      runOf(s, k + 1, n, C_LOWER) === 4 &&
      byteAt(s, k + 5) === DASH &&
      runOf(s, k + 6, n, C_DIGIT) === 4 &&
      byteAt(s, k + 10) === DASH
    ) {
      k += 11;
      e = k + runOf(s, k, n, C_HEX);
      if (e - k === 16 && (e >= n || (cls(byteAt(s, e)) & C_ALNUM) === 0)) push(cfg, s, extra, k, e, kind);
    }
    p = s.indexOf("case-", e > k ? e : p + 5);
  }
  // an ACM certificate's console page (an AWS Health entity's entityUrl: acm/home?region=<r>#/certificates/<uuid>):
  // the certificate's id, as its ARN's certificate/<uuid> reads it
  p = firstOf(s, "#/certificates/");
  while (p >= 0) {
    const a = p + 15;
    const e = ch.uuidEnd(s, a, n, false);
    if (e > a) push(cfg, s, extra, a, e, kind);
    p = s.indexOf("#/certificates/", e > a ? e : a);
  }
}

/**
 * Names that AWS's agents and controllers generate around the account's own, each read once over name units (linear):
 * - the ECS agent's Docker containers, `ecs-<family>-<revision>-<container>-<random hex>` (`docker ps` on a container
 *   instance): the task definition's family, its revision and the container's name, masked as one name (a learned
 *   family is masked at a token's start or end only, and this one stands inside);
 * - the AWS Load Balancer Controller's load balancers, target groups and TargetGroupBindings,
 *   `k8s-<namespace>-<name>-<10 hex>`, and EKS managed node groups' Auto Scaling groups and remote access security
 *   groups, `eks-<node group>-<uuid>`: the whole token (forty-seventh pass);
 * - the cluster's name in the tag keys EKS, its load balancers and the Cluster Autoscaler read,
 *   `kubernetes.io/cluster/<cluster>` and `k8s.io/cluster-autoscaler/<cluster>` (not the autoscaler's own `enabled` and
 *   `node-template/...`);
 * - an EventBridge event's or pattern's source of the account's own, a reverse domain name (AWS's are aws.<service>).
 */
function findGeneratedNames(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const kind = cfg.byId["resource-name"];
  if (kind === undefined) return;
  for (let prefix = 0; prefix < 6; prefix++) {
    const lit =
      prefix === 0
        ? "ecs-"
        : prefix === 1
          ? "k8s-"
          : prefix === 2
            ? "eks-"
            : prefix === 3
              ? "kubernetes.io/cluster/"
              : prefix === 4
                ? "k8s.io/cluster-autoscaler/"
                : "source";
    let p = firstOf(s, lit);
    while (p >= 0 && prefix === 5) {
      // an EventBridge event's or pattern's source of the account's own, a reverse domain name ("source":
      // "com.brindlecove.storefront", source: ["com.x.orders", "com.x.ledger"]; AWS's are aws.<service>)
      let v = p + 6;
      let c = byteAt(s, v);
      // (and a YAML list's first item, source:\n  - com.x.orders; Terraform's source = [...], CDK's source: ['...'])
      while (
        v < n &&
        v - p < 24 &&
        (c === QUOTE ||
          c === 39 ||
          c === COLON ||
          c === ch.EQUALS ||
          c === SPACE ||
          c === ch.LBRACKET ||
          c === LF ||
          c === DASH)
      )
        c = byteAt(s, ++v);
      for (let items = 0; items < 16 && v > p + 6 && (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0); items++) {
        if (!(matchesLowerAt(s, v, n, "com.") || matchesLowerAt(s, v, n, "org.") || matchesLowerAt(s, v, n, "net.")))
          break;
        let e = v + 4;
        while (e < n && e - v < 128 && nm.isNameUnit(byteAt(s, e))) e++;
        while (e > v && byteAt(s, e - 1) === DOT) e--;
        if (unitWithin(s, DOT, v + 4, e, e - v - 4) < 0 || !plausibleName(s, v, e, kind)) break;
        push(cfg, s, extra, v, e, kind);
        // (the list's next item: ", " and a quote, or a YAML item's line: "\n    - ")
        v = e;
        if (byteAt(s, v) === QUOTE || byteAt(s, v) === 39) v++;
        if (byteAt(s, v) === ch.COMMA) v++;
        else if (byteAt(s, v) === LF) {
          v++;
          while (v < n && v - e < 64 && byteAt(s, v) === SPACE) v++;
          if (byteAt(s, v) !== DASH || byteAt(s, v + 1) !== SPACE) break;
          v++;
        } else break;
        while (v < n && v - e < 72 && (byteAt(s, v) === SPACE || byteAt(s, v) === QUOTE || byteAt(s, v) === 39)) v++;
      }
      p = s.indexOf(lit, v > p + 6 ? v : p + 6);
    }
    while (p >= 0 && (prefix === 3 || prefix === 4)) {
      const a = p + lit.length;
      let e = a;
      while (e < n && e - a < 100 && nm.isNameUnit(byteAt(s, e))) e++;
      while (e > a && byteAt(s, e - 1) === DOT) e--;
      const own =
        prefix === 4 &&
        ((e - a === 7 && ch.matchesAt(s, a, e, "enabled")) || (e - a === 13 && ch.matchesAt(s, a, e, "node-template")));
      if (e - a >= 2 && !own && plausibleName(s, a, e, kind))
        push(cfg, s, extra, a, e, cfg.arnKinds["eks:cluster"] ?? kind);
      p = s.indexOf(lit, e > a ? e : a);
    }
    while (p >= 0) {
      let e = p + 4;
      let dash = -1;
      let revision = false;
      if (p === 0 || !nm.isNameUnit(byteAt(s, p - 1))) {
        while (e < n && e - p < 255 && nm.isNameUnit(byteAt(s, e))) {
          if (byteAt(s, e) === DASH) {
            // a revision: digits alone between two dashes, after the family
            if (dash > p + 4 && e - dash > 1 && runOf(s, dash + 1, e, C_DIGIT) === e - dash - 1) revision = true;
            dash = e;
          }
          e++;
        }
      }
      while (e > p + 4 && byteAt(s, e - 1) === DOT) e--;
      const hex = dash > 0 && dash < e ? runOf(s, dash + 1, e, C_HEX) : 0;
      if (prefix === 0) {
        if (revision && hex >= 16 && hex <= 24 && dash + 1 + hex === e && plausibleName(s, p + 4, dash, kind))
          push(cfg, s, extra, p + 4, dash, kind);
      } else if (prefix === 1) {
        if (hex === 10 && dash + 11 === e && dash > p + 5 && runOf(s, dash + 1, e, C_DIGIT) < 10)
          push(cfg, s, extra, p, e, kind);
      } else if (e - p > 41 && byteAt(s, e - 37) === DASH && ch.uuidEnd(s, e - 36, e, false) === e) {
        push(cfg, s, extra, p, e, kind);
      }
      p = s.indexOf(lit, e > p + 4 ? e : p + 4);
    }
  }
}

/**
 * Names joined to something else in one token. A CodeBuild build's id, `<project>:<uuid>` (`list-builds-for-project`,
 * `batch-get-builds --ids`, a pipeline action's externalExecutionId, the build's log stream): the project's name before
 * the colon, when it holds a "-" or "_" (a name, not a word such as urn:uuid:...). Cost Explorer's groups by a tag,
 * `"Keys": ["Project$orders-checkout"]`: the tag's value after the "$", when it holds a "-" or "_", in a quoted item
 * (or a JSON string) that opens with the tag's key. Each ":" and "$" is asked with two compares first (linear).
 */
function findJoinedNames(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const kind = cfg.byId["resource-name"];
  let p = kind !== undefined ? firstOf(s, ":") : -1;
  while (p >= 0) {
    if (
      p + 37 <= n &&
      byteAt(s, p + 9) === DASH &&
      (cls(byteAt(s, p + 1)) & C_HEX) !== 0 &&
      ch.uuidEnd(s, p + 1, n, false) > 0
    ) {
      let a = p;
      let joined = false;
      while (a > 0 && p - a < 128) {
        const c = byteAt(s, a - 1);
        if (c === DASH || c === UNDERSCORE) joined = true;
        else if ((cls(c) & C_ALNUM) === 0) break;
        a--;
      }
      if (
        joined &&
        (a === 0 || !nm.isNameUnit(byteAt(s, a - 1))) &&
        plausibleName(s, a, p, kind as Kind) &&
        !isRegionLabel(s, a, p)
      )
        push(cfg, s, extra, a, p, kind);
    }
    p = s.indexOf(":", p + 1);
  }
  p = kind !== undefined ? firstOf(s, "$") : -1;
  while (p >= 0) {
    let e = p + 1;
    if (p > 0 && (cls(byteAt(s, p - 1)) & C_ALNUM) !== 0 && e < n && (cls(byteAt(s, e)) & C_ALNUM) !== 0) {
      let a = p - 1;
      while (a > 0 && p - a < 128 && ((cls(byteAt(s, a - 1)) & C_ALNUM) !== 0 || byteAt(s, a - 1) === COLON)) a--;
      let joined = false;
      while (e < n && e - p < 256 && nm.isNameUnit(byteAt(s, e))) {
        if (byteAt(s, e) === DASH || byteAt(s, e) === UNDERSCORE) joined = true;
        e++;
      }
      // (and a YAML list's item of a cost allocation tag, Budgets' TagKeyValue: - user:Team$payments-core)
      const listed =
        a >= 2 && byteAt(s, a - 1) === SPACE && byteAt(s, a - 2) === DASH && ch.matchesAt(s, a, p, "user:");
      // (a tag key's value whatever its shape: Customer$Acme Retail GmbH, Team$RiskAnalytics; one plain word stays)
      const tag = (a === 0 || byteAt(s, a - 1) === QUOTE || listed) && nm.tagKey(s, a, p);
      if (tag && e < n && byteAt(s, e) === SPACE) e = nm.spacedValueEnd(s, e, n);
      if (tag && !nm.plainTagValue(s, a, p, s, p + 1, e)) joined = true;
      // (in quotes, or a JSON string's whole content, or the list item's line)
      if (
        joined &&
        (a === 0 || byteAt(s, a - 1) === QUOTE || listed) &&
        (e >= n || byteAt(s, e) === QUOTE || (listed && (byteAt(s, e) === LF || byteAt(s, e) === 13))) &&
        (plausibleName(s, p + 1, e, kind as Kind) || (tag && nm.spacedName(s, p + 1, e)))
      )
        push(cfg, s, extra, p + 1, e, kind);
    }
    p = s.indexOf("$", e);
  }
  // an SQS FIFO queue's (or an SNS FIFO topic's) name, <name>.fifo, wherever it stands: its suffix says what it is
  // (a walk back never passes the last anchor's end: linear on runs of ".fifo")
  const queue = cfg.byId["sqs-queue"];
  p = queue !== undefined ? firstOf(s, ".fifo") : -1;
  let floor = 0;
  while (p >= 0) {
    const e = p + 5;
    let a = p;
    while (a > floor && p - a < 80 && nm.isNameUnit(byteAt(s, a - 1)) && byteAt(s, a - 1) !== DOT) a--;
    const c = a > 0 ? byteAt(s, a - 1) : SPACE;
    if (
      p - a >= 3 &&
      ch.hostEndsAt(s, e, n) &&
      (cls(c) & C_ALNUM) === 0 &&
      c !== DOT &&
      plausibleName(s, a, e, queue as Kind)
    )
      push(cfg, s, extra, a, e, queue as Kind);
    floor = e;
    p = s.indexOf(".fifo", e);
  }
  // (and the function in a Lambda Hyperplane ENI's description, "AWS Lambda VPC ENI-<function>-<uuid>": learned, the
  // ENI's UUID stays)
  const fn = cfg.byId["lambda-function"];
  p = fn !== undefined && kindOn(cfg, fn) ? firstOf(s, "Lambda VPC ENI-") : -1;
  while (p >= 0) {
    const a = p + 15;
    let e = a;
    while (e < n && e - a < 140 && nm.isNameUnit(byteAt(s, e)) && byteAt(s, e) !== DOT) e++;
    // (the UUID closes it: its 36 units after the name's last dash)
    const u = e - 36;
    if (
      u - 1 > a &&
      byteAt(s, u - 1) === DASH &&
      ch.uuidEnd(s, u, n, false) === e &&
      !ch.plainWord(s, a, u - 1) &&
      plausibleName(s, a, u - 1, fn)
    )
      push(cfg, s, extra, a, u - 1, fn);
    p = s.indexOf("Lambda VPC ENI-", e > a ? e : a);
  }
  // (fifty-first pass) an ElastiCache node in its requester-managed ENI's description, "ElastiCache <cluster>-<0001>-
  // <002>": a node's id, a cluster's name (a letter first) and "-" and its node's 3 or 4 digits last, no version's
  // ".<digit>" after (not prose's compounds after the service's name: ElastiCache cluster-mode-enabled, Redis-7,
  // 2023-10-01 release notes, memcached-1.6.22)
  p = kind !== undefined ? firstOf(s, "ElastiCache ") : -1;
  while (p >= 0) {
    const a = p + 12;
    let e = a;
    // (the digits since the last unit other than a digit)
    let run = 0;
    while (e < n && e - a < 128 && nm.isNameUnit(byteAt(s, e)) && byteAt(s, e) !== DOT) {
      if ((cls(byteAt(s, e)) & C_DIGIT) !== 0) run++;
      else run = 0;
      e++;
    }
    if (
      run >= 3 &&
      run <= 4 &&
      byteAt(s, e - run - 1) === DASH &&
      (cls(byteAt(s, a)) & (C_LOWER | C_UPPER)) !== 0 &&
      (e >= n ||
        ((cls(byteAt(s, e)) & C_ALNUM) === 0 && !(byteAt(s, e) === DOT && (ch.clsAt(s, e + 1, n) & C_ALNUM) !== 0))) &&
      plausibleName(s, a, e, kind as Kind)
    )
      push(cfg, s, extra, a, e, kind as Kind);
    p = s.indexOf("ElastiCache ", e > a ? e : a);
  }
  // a VPC flow log's S3 object, <account>_vpcflowlogs_<region>_<flow log id>_<time>_<hash>.log.gz (the VPC User Guide's
  // "Flow log files"): the flow log id between "_"s, where an id never starts elsewhere
  const flowLog = cfg.hexKinds["fl"];
  p = flowLog !== undefined && kindOn(cfg, flowLog) ? firstOf(s, "_vpcflowlogs_") : -1;
  while (p >= 0) {
    let a = p + 13;
    while (a < n && a - p < 40 && byteAt(s, a) !== UNDERSCORE && nm.isNameUnit(byteAt(s, a))) a++;
    const e = a + 21;
    if (
      e <= n &&
      byteAt(s, a) === UNDERSCORE &&
      byteAt(s, a + 1) === 102 &&
      byteAt(s, a + 2) === 108 &&
      byteAt(s, a + 3) === DASH &&
      runOf(s, a + 4, e, C_HEX) === 17 &&
      (e >= n || (cls(byteAt(s, e)) & C_ALNUM) === 0)
    )
      push(cfg, s, extra, a + 1, e, flowLog as Kind);
    p = s.indexOf("_vpcflowlogs_", a > p + 13 ? a : p + 13);
  }
  // a VPC flow log's custom-format records under their header line (the S3 file's first line: version vpc-id ...
  // ecs-cluster-name ecs-service-name ecs-task-id ...; the VPC User Guide's "Available fields"): the ECS fields' values
  // by column ("-" where a record has none)
  p = kind !== undefined ? firstOf(s, " ecs-") : -1;
  // (a walk back never passes the last anchor's end: linear on a line of repeated anchors)
  floor = 0;
  while (p >= 0) {
    let ls = p;
    while (ls > floor && p - ls < 2048 && byteAt(s, ls - 1) !== LF) ls--;
    let next = p + 5;
    if ((ls === 0 || byteAt(s, ls - 1) === LF) && ch.matchesAt(s, ls, ls + 8, "version ")) {
      let le = unitWithin(s, LF, ls, n, 4096);
      if (le < 0) le = n;
      // (the header's columns of those fields, in order)
      const cols: number[] = [];
      let col = 0;
      let a = ls;
      while (a < le && col < 128) {
        let e = a;
        while (e < le && byteAt(s, e) !== SPACE && byteAt(s, e) !== 13) e++;
        if (
          e - a > 4 &&
          byteAt(s, a) === 101 &&
          ch.matchesAt(s, a, a + 4, "ecs-") &&
          nm.ECS_FLOW_FIELDS[sub(s, a + 4, e)] === true
        )
          cols.push(col);
        col++;
        a = e;
        while (a < le && (byteAt(s, a) === SPACE || byteAt(s, a) === 13)) a++;
      }
      let rs = le + 1;
      next = le;
      for (let rows = 0; rows < 65536 && rs < n && cols.length > 0; rows++) {
        if ((cls(byteAt(s, rs)) & C_DIGIT) === 0) break;
        let re = unitWithin(s, LF, rs, n, 8192);
        if (re < 0) re = n;
        col = 0;
        let at = 0;
        a = rs;
        while (a < re && at < cols.length) {
          let e = a;
          while (e < re && byteAt(s, e) !== SPACE && byteAt(s, e) !== 13) e++;
          if (col === cols[at]) {
            // (a plain word, a service payments, masked where it stands, not learned; ECS's default cluster stays)
            if (e - a >= 2 && plausibleName(s, a, e, kind as Kind))
              push(cfg, s, extra, a, e, kind, ch.plainWord(s, a, e));
            at++;
          }
          col++;
          a = e;
          while (a < re && (byteAt(s, a) === SPACE || byteAt(s, a) === 13)) a++;
        }
        next = re;
        rs = re + 1;
      }
    }
    floor = p + 5;
    p = s.indexOf(" ecs-", next);
  }
  // a zone file's records under its $ORIGIN (Route 53's zone import, cli53 export; RFC 1035's master file): the owner
  // name of a line "<label> [ttl] [IN] <type> ..." relative to the origin, a host's label (not "@"); masked where it
  // stands when a plain word (pgbouncer), as a column row's word is
  p = kind !== undefined ? firstOf(s, "$ORIGIN ") : -1;
  while (p >= 0) {
    let ls = unitWithin(s, LF, p, n, 1024) + 1;
    // (no line's end within 1024 units: none of the anchors up to there opens records)
    let next = ls > 0 ? ls : p + 1024;
    const signal = ls > 0 && hasSignal(s, extra);
    for (let rows = 0; signal && rows < 65536 && ls < n; rows++) {
      let le = unitWithin(s, LF, ls, n, 8192);
      if (le < 0) le = n;
      next = le;
      const c = byteAt(s, ls);
      // (a blank line ends them, as the next $ORIGIN does; $TTL and other directives go on)
      if (le === ls || c === 13 || (c === ch.DOLLAR && ch.matchesAt(s, ls, le, "$ORIGIN"))) break;
      let e = ls;
      while (e < le && nm.isNameUnit(byteAt(s, e))) e++;
      if (
        e > ls &&
        c !== ch.AT &&
        c !== ch.STAR &&
        byteAt(s, e - 1) !== DOT &&
        (byteAt(s, e) === SPACE || byteAt(s, e) === 9)
      ) {
        let k = e;
        while (k < le && (byteAt(s, k) === SPACE || byteAt(s, k) === 9)) k++;
        // (a record has its TTL or its class, or both: "Add A record for it?" after the records is prose)
        let ttlOrClass = runOf(s, k, le, C_DIGIT) > 0;
        k += runOf(s, k, le, C_DIGIT);
        while (k < le && (byteAt(s, k) === SPACE || byteAt(s, k) === 9)) k++;
        if (
          k + 2 < le &&
          byteAt(s, k) === 73 &&
          byteAt(s, k + 1) === 78 &&
          (byteAt(s, k + 2) === SPACE || byteAt(s, k + 2) === 9)
        ) {
          k += 2;
          ttlOrClass = true;
          while (k < le && (byteAt(s, k) === SPACE || byteAt(s, k) === 9)) k++;
        }
        const t = runOf(s, k, le, C_UPPER);
        if (
          ttlOrClass &&
          t > 0 &&
          t <= 5 &&
          nm.ZONE_RECORD_TYPES[sub(s, k, k + t)] === true &&
          plausibleName(s, ls, e, kind as Kind)
        )
          push(cfg, s, extra, ls, e, kind, ch.plainWord(s, ls, e));
      }
      ls = le + 1;
    }
    p = s.indexOf("$ORIGIN ", next > p + 8 ? next : p + 8);
  }
  // PrivateLink's domain ownership verification (describe-vpc-endpoint-service-configurations'
  // PrivateDnsNameConfiguration): the TXT record's value, vpce:<token>, and its name, _<random label>, within 400 units
  const credential = cfg.byId["credential"];
  p = credential !== undefined ? firstOf(s, "vpce:") : -1;
  while (p >= 0) {
    const a = p + 5;
    const e = a + runOf(s, a, n, C_ALNUM);
    if (
      e - a >= 16 &&
      e - a <= 64 &&
      (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0) &&
      (e >= n || (byteAt(s, e) !== DOT && byteAt(s, e) !== DASH)) &&
      runOf(s, a, e, C_DIGIT) < e - a
    )
      push(cfg, s, extra, a, e, credential as Kind);
    p = s.indexOf("vpce:", e > a ? e : a);
  }
  p = kind !== undefined ? firstOf(s, "PrivateDnsNameConfiguration") : -1;
  while (p >= 0) {
    let k = p + 27;
    const end = k + 400 < n ? k + 400 : n;
    // (the record's name: the first "Name" member or key after it, whose value is "_" and 10 or more alnum)
    while (k < end && !(byteAt(s, k) === 78 && ch.matchesAt(s, k, k + 4, "Name"))) k++;
    k += 4;
    while (k < end && (byteAt(s, k) === QUOTE || byteAt(s, k) === COLON || byteAt(s, k) === SPACE)) k++;
    if (k < end && byteAt(s, k) === UNDERSCORE) {
      const e = k + 1 + runOf(s, k + 1, n, C_ALNUM);
      if (e - k > 10 && (e >= n || !nm.isNameUnit(byteAt(s, e)))) push(cfg, s, extra, k, e, kind as Kind);
    }
    p = s.indexOf("PrivateDnsNameConfiguration", k > p + 27 ? k : p + 27);
  }
}

/**
 * ECR Public images, `public.ecr.aws/<registry alias>/<repository>[:tag]`. A registry without an alias of its own is
 * named by a random default alias (8 lower-case letters and digits): it and the repository are the customer's and are
 * masked. A chosen alias (`public.ecr.aws/lambda/python`, `.../bitnami/...`) is a publisher's public name and stays.
 * Each anchor is read once (linear).
 */
function findPublicEcrImages(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const kind = cfg.byId["resource-name"];
  let p = kind !== undefined ? firstOf(s, "public.ecr.aws/") : -1;
  while (p >= 0) {
    const a = p + 15;
    let e = a;
    // (the alias alone: a registry's URI, public.ecr.aws/a1b2c3d4)
    const alias = mixedAlnum(s, a, n) === 8 && (a + 8 >= n || !nm.isNameUnit(byteAt(s, a + 8)));
    if (alias) push(cfg, s, extra, a, a + 8, kind as Kind);
    if (alias && a + 8 < n && byteAt(s, a + 8) === SLASH) {
      const r = a + 9;
      e = r;
      while (e < n && e - r < 256) {
        const c = byteAt(s, e);
        if ((cls(c) & (C_LOWER | C_DIGIT)) === 0 && c !== DASH && c !== UNDERSCORE && c !== DOT && c !== SLASH) break;
        e++;
      }
      while (e > r && (byteAt(s, e - 1) === DOT || byteAt(s, e - 1) === SLASH)) e--;
      if (e > r && plausibleName(s, r, e, kind as Kind)) push(cfg, s, extra, r, e, kind as Kind);
    }
    p = s.indexOf("public.ecr.aws/", e > a ? e : a);
  }
  // an image's repository after a registry's variable, in text with an AWS signal: $REGISTRY/<repository>,
  // ${ECR_REGISTRY}/..., $(REGISTRY)/... (the starter workflow's $ECR_REGISTRY/$ECR_REPOSITORY:$IMAGE_TAG, a
  // Makefile's, GitLab CI's), ${{ steps.login-ecr.outputs.registry }}/...: up to its tag, as after
  // <account>.dkr.ecr.<region>.amazonaws.com/ (nm.registryPathStart)
  const repo = cfg.hostKinds["dkr"];
  let signal = -1;
  // (and <$account>.dkr.ecr.<$region>.amazonaws.com/, a host of variables)
  for (let f = 0; f < 3 && repo !== undefined; f++) {
    const lit = f === 0 ? "REGISTRY" : f === 1 ? "registry }}/" : ".dkr.ecr.";
    p = firstOf(s, lit);
    while (p >= 0) {
      const r = nm.registryPathStart(s, p, n, f);
      let e = r;
      while (e > 0 && e < n && e - r < 256) {
        const c = byteAt(s, e);
        if ((cls(c) & (C_LOWER | C_DIGIT)) === 0 && c !== DASH && c !== UNDERSCORE && c !== DOT && c !== SLASH) break;
        e++;
      }
      while (e > r && (byteAt(s, e - 1) === DOT || byteAt(s, e - 1) === SLASH)) e--;
      if (e > r && (e >= n || !nm.isNameUnit(byteAt(s, e)) || byteAt(s, e) === 64)) {
        if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
        // (a name as any other: the resource names' rule, which takes a path)
        if (signal > 0 && kind !== undefined && plausibleName(s, r, e, kind) && !nm.publicImage(s, r, e))
          push(cfg, s, extra, r, e, repo);
      }
      p = s.indexOf(lit, e > p ? e : p + 1);
    }
  }
}

// Athena's, Redshift's and the Glue Data Catalog's table references: the default catalog's name before
// <database>.<table> (first), the DDL statements that name a table or a schema (Athena's CREATE EXTERNAL TABLE, MSCK
// REPAIR TABLE, Redshift Spectrum's CREATE EXTERNAL SCHEMA), a query's FROM and JOIN, Redshift's COPY and INSERT INTO
// (the last eight; findDataLakeNames tells the three groups apart by their place in this list)
const GLUE_ANCHORS = [
  "awsdatacatalog",
  "EXTERNAL TABLE ",
  "external table ",
  "REPAIR TABLE ",
  "repair table ",
  "EXTERNAL SCHEMA ",
  "external schema ",
  // Snowflake's storage integrations (its guide to S3: CREATE STORAGE INTEGRATION <name>, DESC INTEGRATION <name>,
  // CREATE STAGE ... STORAGE_INTEGRATION = <name>, its examples also with "=" alone; in lower case, "storage
  // integration" takes a name with "_" only, as prose); in prose, after "integration" and "warehouse", a name with "_"
  // in one case (S3_BC_LEDGER_INT, NWP_LOADING_WH) in text that names Snowflake
  "STORAGE INTEGRATION ",
  "DESC INTEGRATION ",
  "DESCRIBE INTEGRATION ",
  "STORAGE_INTEGRATION = ",
  "STORAGE_INTEGRATION=",
  "storage_integration = ",
  "storage_integration=",
  "storage integration ",
  "integration ",
  "Integration ",
  "warehouse ",
  "FROM ",
  "from ",
  "JOIN ",
  "join ",
  "COPY ",
  "copy ",
  "INSERT INTO ",
  "insert into ",
];

/**
 * Data lake names. An S3 Inventory report's keys, `<prefix>/<source bucket>/<configuration id>/data/<uuid>.csv.gz`: the
 * configuration's id, the segment before "/data/", when it holds a "-" or "_" (the source bucket is masked as a bucket,
 * learned from the manifest's sourceBucket or by its own kind). Athena's tables: `awsdatacatalog.<database>.<table>`
 * (each part quoted or not), `CREATE EXTERNAL TABLE [IF NOT EXISTS] [<database>.]<table>`, `MSCK REPAIR TABLE ...`,
 * and in text that names Athena `FROM` / `JOIN <database>.<table>`: the database and the table; CloudTrail Lake's
 * `FROM <event data store id>`. Each anchor is read once, over at most 128 units a part (linear).
 */
function findDataLakeNames(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const kind = cfg.byId["resource-name"];
  if (kind === undefined) return;
  let p = firstOf(s, "/data/");
  while (p >= 0) {
    if (p + 43 <= n && byteAt(s, p + 14) === DASH && byteAt(s, p + 42) === DOT && ch.uuidEnd(s, p + 6, n, false) > 0) {
      let a = p;
      let joined = false;
      while (a > 0 && p - a < 128 && nm.isNameUnit(byteAt(s, a - 1))) {
        if (byteAt(s, a - 1) === DASH || byteAt(s, a - 1) === UNDERSCORE) joined = true;
        a--;
      }
      if (joined && a > 0 && byteAt(s, a - 1) === SLASH && plausibleName(s, a, p, kind))
        push(cfg, s, extra, a, p, kind);
    }
    p = s.indexOf("/data/", p + 6);
  }
  // CloudTrail Lake's queries read FROM <event data store id>, a UUID (also on the next line, indented, as the
  // console's editor formats a query: FROM\n    <id>)
  p = firstOf(s, "FROM");
  while (p >= 0) {
    let a = p + 4;
    while (
      a < n &&
      a - p < 40 &&
      (byteAt(s, a) === SPACE || byteAt(s, a) === LF || byteAt(s, a) === ch.TAB || byteAt(s, a) === 13)
    )
      a++;
    const e = a > p + 4 ? ch.uuidEnd(s, a, n, false) : -1;
    if (e > 0) push(cfg, s, extra, a, e, kind);
    p = s.indexOf("FROM", a > p + 4 ? a : p + 4);
  }
  // (a query's FROM / JOIN / COPY / INSERT INTO only in text that names Athena or Redshift, and only
  // <database>.<table> or <schema>.<table>: "FROM events" stays; in text that names RDS, Aurora or PostgreSQL, a
  // statement in capitals, its parts neither PostgreSQL's own nor one plain word: FROM gl_posting.journal_lines)
  let athena = -1;
  let rds = -1;
  let snowflake = -1;
  // (the three prose anchors, "integration " to "warehouse ", stand right before the query's eight)
  const proseFirst = GLUE_ANCHORS.length - 11;
  for (let g = 0; g < GLUE_ANCHORS.length; g++) {
    const lit = GLUE_ANCHORS[g];
    const query = g >= GLUE_ANCHORS.length - 8;
    const prose = !query && g >= proseFirst;
    // (the prose anchors only where Snowflake is named: API Gateway's integration types AWS_PROXY, VPC_LINK,
    // WHEN_NO_MATCH are no names, and learned they replaced the API's own values)
    if (prose && snowflake < 0) snowflake = firstOf(s, "nowflake") >= 0 || firstOf(s, "NOWFLAKE") >= 0 ? 1 : 0;
    const snake = prose || lit === "storage integration ";
    if (query && athena < 0)
      athena = firstOf(s, "thena") >= 0 || firstOf(s, "awsdatacatalog") >= 0 || firstOf(s, "edshift") >= 0 ? 1 : 0;
    if (query && athena === 0 && rds < 0)
      rds = firstOf(s, "RDS") >= 0 || firstOf(s, "urora") >= 0 || firstOf(s, "ostgre") >= 0 ? 1 : 0;
    const capitals = byteAt(lit, 0) <= 90;
    p = (query && athena === 0 && (rds === 0 || !capitals)) || (prose && snowflake === 0) ? -1 : firstOf(s, lit);
    while (p >= 0) {
      let k = p + lit.length;
      if (g === 0) {
        // (the catalog's closing quote, then the dot before the database)
        if (k < n && byteAt(s, k) === ch.BACKSLASH) k++;
        if (k < n && (byteAt(s, k) === QUOTE || byteAt(s, k) === ch.BACKTICK)) k++;
        k = k < n && byteAt(s, k) === DOT ? k + 1 : n;
      } else if (!query && matchesLowerAt(s, k, n, "if not exists ")) k += 14;
      // the parts: [a1, b1) and, after a dot, [a2, b2)
      let a1 = -1;
      let b1 = -1;
      let a2 = -1;
      let b2 = -1;
      for (let parts = 0; parts < 2 && k < n; parts++) {
        if (byteAt(s, k) === ch.BACKSLASH) k++;
        const c = k < n ? byteAt(s, k) : 0;
        const quoted = c === QUOTE || c === ch.BACKTICK;
        if (quoted) k++;
        const a = k;
        while (
          k < n &&
          k - a < 128 &&
          ((cls(byteAt(s, k)) & C_ALNUM) !== 0 || byteAt(s, k) === UNDERSCORE || byteAt(s, k) === DASH)
        )
          k++;
        if (k === a) break;
        if (parts === 0) {
          a1 = a;
          b1 = k;
        } else {
          a2 = a;
          b2 = k;
        }
        if (k < n && byteAt(s, k) === ch.BACKSLASH) k++;
        if (quoted && k < n && byteAt(s, k) === c) k++;
        if (k >= n || byteAt(s, k) !== DOT) break;
        k++;
      }
      // (FROM "awsdatacatalog"."db"."table": the catalog's anchor reads the rest)
      if (query && a1 >= 0 && b1 - a1 === 14 && ch.matchesAt(s, a1, b1, "awsdatacatalog")) a1 = -1;
      // (Python's "from botocore.exceptions import ClientError" is no query)
      if (query && a1 >= 0 && byteAt(s, p) === 102) {
        let q = k;
        while (q < n && q - k < 128 && nm.isNameUnit(byteAt(s, q))) q++;
        if (matchesLowerAt(s, q, n, " import ")) a1 = -1;
      }
      const own = query && athena === 0;
      // (a name in prose: "_" in it, one case throughout, glued to no word before the noun, in text with an AWS signal;
      // not Snowflake's default warehouse)
      if (
        snake &&
        a1 >= 0 &&
        (a2 >= 0 ||
          !nm.oneCaseSnake(s, a1, b1) ||
          (p > 0 && (cls(byteAt(s, p - 1)) & C_ALNUM) !== 0) ||
          (b1 - a1 === 10 && ch.matchesAt(s, a1, b1, "COMPUTE_WH")) ||
          (prose && !hasSignal(s, extra)))
      )
        a1 = -1;
      if (a1 >= 0 && (!query || a2 >= 0) && plausibleName(s, a1, b1, kind) && (!own || nm.psqlCell(s, a1, b1)))
        push(cfg, s, extra, a1, b1, kind);
      if (a1 >= 0 && a2 >= 0 && plausibleName(s, a2, b2, kind) && (!own || nm.psqlCell(s, a2, b2)))
        push(cfg, s, extra, a2, b2, kind);
      p = s.indexOf(lit, k > p + lit.length ? k : p + lit.length);
    }
  }
}

// the anchors of findLogFields (one table, not a local each: the module's main chunk is at Lua's limit): API Gateway's
// integration requests carry User-Agent: AmazonAPIGateway_<api id>; CloudFront's invalidation URL:
// .../distribution/<id>/invalidation/<invalidation id>; "Z " ends a Classic Load Balancer log line's timestamp. An
// ISO-8601 UTC timestamp: "T" between date and time, "Z" (UTC), 2024-01-12T00:10:28 and at most 9 digits after it; a
// Classic Load Balancer's longest name.
const LOG_FIELDS = {
  apigwUserAgent: "AmazonAPIGateway_",
  apiIdLen: 10,
  invalidationPath: "/invalidation/",
  clbStampEnd: "Z ",
  T: 84,
  Z: 90,
  secondsLen: 19,
  fractionMax: 9,
  clbNameMax: 32,
};

/** The end of an ISO-8601 UTC timestamp starting at a (2024-01-12T00:10:28.423958Z), or -1. */
function isoStampEnd(s: string, a: number, n: number): number {
  if (
    a + 20 > n ||
    byteAt(s, a + 4) !== DASH ||
    byteAt(s, a + 10) !== LOG_FIELDS.T ||
    runOf(s, a, n, C_DIGIT) !== 4 ||
    byteAt(s, a + 13) !== COLON ||
    byteAt(s, a + 16) !== COLON
  )
    return -1;
  let e = a + 19;
  if (byteAt(s, e) === DOT) e += 1 + runOf(s, e + 1, n, C_DIGIT);
  return e < n && byteAt(s, e) === LOG_FIELDS.Z ? e + 1 : -1;
}

/**
 * Service log lines whose fields are ids by position: API Gateway's user agent, CloudFront invalidation URLs, and the
 * Classic Load Balancer access log (`<time> <elb name> <client ip:port> ...`).
 */
function findLogFields(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const idLen = LOG_FIELDS.apiIdLen;
  let p = firstOf(s, LOG_FIELDS.apigwUserAgent);
  while (p >= 0) {
    const a = p + LOG_FIELDS.apigwUserAgent.length;
    if (runOf(s, a, n, C_LOWER | C_DIGIT) === idLen && endsAt(s, a + idLen, n))
      push(cfg, s, extra, a, a + idLen, cfg.byId["api-gateway-id"]);
    p = s.indexOf(LOG_FIELDS.apigwUserAgent, a);
  }
  p = firstOf(s, LOG_FIELDS.invalidationPath);
  while (p >= 0) {
    const a = p + LOG_FIELDS.invalidationPath.length;
    const len = runOf(s, a, n, C_UPPER | C_DIGIT);
    if (len >= 12 && len <= 16 && endsAt(s, a + len, n)) push(cfg, s, extra, a, a + len, cfg.byId["resource-name"]);
    p = s.indexOf(LOG_FIELDS.invalidationPath, a);
  }
  const name = cfg.byId["resource-name"];
  // each "Z " (the end of a UTC timestamp) is checked once: back over the fraction to a timestamp at a line start
  p = firstOf(s, LOG_FIELDS.clbStampEnd);
  while (p >= 0) {
    let ls = p;
    while (ls > 0 && p - ls < LOG_FIELDS.fractionMax && (cls(byteAt(s, ls - 1)) & C_DIGIT) !== 0) ls--;
    ls = (ls < p && ls > 0 && byteAt(s, ls - 1) === DOT ? ls - 1 : p) - LOG_FIELDS.secondsLen;
    const t = ls >= 0 && (ls === 0 || byteAt(s, ls - 1) === LF) ? isoStampEnd(s, ls, n) : -1;
    if (t === p + 1) {
      const a = t + 1;
      const e = a + runOf(s, a, n, C_ALNUM | ch.C_HOST);
      // the name is followed by the client's ip:port
      const q =
        e > a && e - a <= LOG_FIELDS.clbNameMax && byteAt(s, e) === SPACE ? dottedQuadEnd(s, e + 1, n, DOT, []) : -1;
      if (q > 0 && byteAt(s, q) === COLON && name !== undefined) push(cfg, s, extra, a, e, name);
    }
    p = s.indexOf(LOG_FIELDS.clbStampEnd, p + 2);
  }
  // (fifty-second pass) New Relic's NerdGraph names the account by its number, { actor { account(id: 3812207) { nrql(
  // ...) } } }, as NEW_RELIC_ACCOUNT_ID holds it
  p = name !== undefined ? firstOf(s, "account(id:") : -1;
  while (p >= 0) {
    const a = p + 11 < n && byteAt(s, p + 11) === SPACE ? p + 12 : p + 11;
    const len = runOf(s, a, n, C_DIGIT);
    if (len >= 4 && len <= 12 && a + len < n && byteAt(s, a + len) === ch.RPAREN) push(cfg, s, extra, a, a + len, name);
    p = s.indexOf("account(id:", a);
  }
  // (fifty-second pass) AWS Config's item of an S3 bucket names its notification configurations by their ids, the
  // members of "configurations": {"<id>": {"queueARN": ..., "events": [...]}, ...}: each member whose object holds an
  // ARN's member (queueARN, topicARN, functionARN), its object walked once (4,096 units at most; after the anchor's
  // members the search goes on from where the walk ended)
  p = name !== undefined ? firstOf(s, '"configurations": {') : -1;
  while (p >= 0) {
    let k = p + 19;
    for (let members = 0; members < 16; members++) {
      const w = k;
      while (k < n && k - w < 256 && (byteAt(s, k) === SPACE || byteAt(s, k) === LF || byteAt(s, k) === 13)) k++;
      if (k >= n || byteAt(s, k) !== QUOTE) break;
      const e = unitWithin(s, QUOTE, k + 1, n, 256);
      if (e < 0 || !ch.matchesAt(s, e + 1, n, ": {")) break;
      let depth = 0;
      let arn = false;
      let q = e + 3;
      while (q < n && q - e < 4096) {
        const c = byteAt(s, q);
        if (c === ch.LBRACE) depth++;
        else if (c === ch.RBRACE) depth--;
        else if (c === QUOTE && !arn && byteAt(s, q - 1) === 78 && ch.matchesAt(s, q - 3, q, "ARN")) arn = true;
        if (depth === 0) break;
        q++;
      }
      // (an object not closed within the walk: the search goes on from where it stopped, never walking it again)
      if (q >= n || depth !== 0) {
        k = q;
        break;
      }
      // (not one plain word, learned it would be masked all over the request: "thumbnails")
      if (arn && !ch.plainWord(s, k + 1, e) && plausibleName(s, k + 1, e, name as Kind))
        push(cfg, s, extra, k + 1, e, name);
      k = q + 1;
      if (k < n && byteAt(s, k) === ch.COMMA) k++;
    }
    p = s.indexOf('"configurations": {', k);
  }
}

/**
 * Line-shaped contexts: INI section names ([profile x], [x]) in text with an AWS signal, terraform apply's [id=x], the
 * resource of an AccessDenied message, and the output line after `--query SecretString --output text` (the secret
 * alone).
 */
function findLineAnchors(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const name = cfg.byId["resource-name"];
  let p = firstOf(s, "[id=");
  while (p >= 0) {
    const a = p + 4;
    // (over the units a name may hold only: a search for "]" over 256 units made each "[id=" cost 256)
    let e = a;
    let colon = -1;
    while (e < n && e - a < 256 && (nm.isNameUnit(byteAt(s, e)) || byteAt(s, e) === SLASH || byteAt(s, e) === COLON)) {
      if (colon < 0 && byteAt(s, e) === COLON) colon = e;
      e++;
    }
    // (an id of its own shape, [id=i-0d3f7a91c2b4e6f08], is its kind's: the same id gets the same pseudonym as in
    // `id = "i-..."`; an ARN or a URL is its matcher's)
    if (name === undefined || e <= a || e >= n || byteAt(s, e) !== 93 || idShaped(cfg, s, a, e)) {
      // (not one)
    } else if (colon < 0) {
      if (plausibleName(s, a, e, name)) push(cfg, s, extra, a, e, name);
    } else if (!ch.matchesAt(s, a, n, "arn:") && byteAt(s, colon + 1) !== SLASH) {
      // a composite id, <cluster>:<node group> (aws_eks_node_group): each part a name
      let q = a;
      while (q < e) {
        const c = unitWithin(s, COLON, q, e, 256);
        const r = c < 0 ? e : c;
        if (r > q && !idShaped(cfg, s, q, r) && plausibleName(s, q, r, name)) push(cfg, s, extra, q, r, name);
        q = r + 1;
      }
    }
    p = s.indexOf("[id=", e > p + 1 ? e : p + 1);
  }
  // an instance's Name beside its id, in parentheses either way ("kestrel-kafka-broker-3 (i-0e5b...)", "i-0e5b...
  // (kestrel-kafka-broker-3, 10.42.72.15)": an incident's notes, AWS's notices): a name with a dash
  // (and a security group's, a VPC's or a subnet's: "sg-0a1b... (bcv-managed-ad-clients)"; the four searches merged in
  // one loop, the earliest hit first: a loop around the search loop was blacklisted in a gateway worker)
  let pi = name !== undefined ? firstOf(s, "i-0") : -1;
  let ps = name !== undefined ? firstOf(s, "sg-") : -1;
  let pv = name !== undefined ? firstOf(s, "vpc-") : -1;
  let pn = name !== undefined ? firstOf(s, "subnet-") : -1;
  while (pi >= 0 || ps >= 0 || pv >= 0 || pn >= 0) {
    p = n;
    let w = 0;
    if (pi >= 0) p = pi;
    if (ps >= 0 && ps < p) {
      p = ps;
      w = 1;
    }
    if (pv >= 0 && pv < p) {
      p = pv;
      w = 2;
    }
    if (pn >= 0 && pn < p) {
      p = pn;
      w = 3;
    }
    const lit = w === 0 ? "i-0" : w === 1 ? "sg-" : w === 2 ? "vpc-" : "subnet-";
    // (one string.find: runOf's loop, called here from interpreted code once per instance id, was blacklisted at its
    // entry in a gateway worker)
    const h = w === 0 ? p + 2 : p + lit.length;
    const e = ch.hexRunEnd(s, h);
    if (e - h === 17 && (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0) && endsAt(s, e, n)) {
      let a = -1;
      let b = -1;
      if (p >= 3 && byteAt(s, p - 1) === ch.LPAREN && byteAt(s, p - 2) === SPACE) {
        b = p - 2;
        a = b;
        while (a > 0 && b - a < 128 && nm.isNameUnit(byteAt(s, a - 1))) a--;
      } else if (e + 2 < n && byteAt(s, e) === SPACE && byteAt(s, e + 1) === ch.LPAREN) {
        a = e + 2;
        b = a;
        while (b < n && b - a < 128 && nm.isNameUnit(byteAt(s, b))) b++;
        if (b >= n || (byteAt(s, b) !== ch.RPAREN && byteAt(s, b) !== ch.COMMA)) b = -1;
      }
      while (b > a && a >= 0 && byteAt(s, b - 1) === DOT) b--;
      if (
        b > a + 2 &&
        a >= 0 &&
        unitWithin(s, DASH, a + 1, b - 1, b - a - 2) > 0 &&
        !idShaped(cfg, s, a, b) &&
        plausibleName(s, a, b, name as Kind)
      )
        push(cfg, s, extra, a, b, name);
    }
    const next = s.indexOf(lit, e > p + lit.length ? e : p + lit.length);
    if (w === 0) pi = next;
    else if (w === 1) ps = next;
    else if (w === 2) pv = next;
    else pn = next;
  }
  // Cost Explorer's groups by tag: "Keys": ["Name$<the Name tag's value>"] (get-cost-and-usage --group-by
  // Type=TAG,Key=Name; its text output's GROUPS row too), blanks and all; IAM Identity Center's role of a permission
  // set, AWSReservedSSO_<permission set>_<16 hex> (the hex is the account's assignment's), wherever it stands; an API
  // Gateway stage's execution log group's API id; a service-linked role's suffix, one per resource
  // (AWSServiceRoleForAmazonConnect_<suffix>: the service's prefix stays)
  for (let q = 0; q < 4 && name !== undefined; q++) {
    const lit =
      q === 0 ? "Name$" : q === 1 ? "AWSReservedSSO_" : q === 2 ? "API-Gateway-Execution-Logs_" : "AWSServiceRoleFor";
    p = firstOf(s, lit);
    while (p >= 0) {
      const a = p + lit.length;
      let e = a;
      if (q === 0) {
        while (e < n && e - a < 128 && byteAt(s, e) !== QUOTE && byteAt(s, e) !== 9 && byteAt(s, e) !== LF) e++;
        while (e > a && (byteAt(s, e - 1) === SPACE || byteAt(s, e - 1) === 13)) e--;
        if (
          (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0) &&
          (nm.spacedName(s, a, e) || plausibleName(s, a, e, name))
        )
          push(cfg, s, extra, a, e, name);
      } else if (q === 2) {
        // an API Gateway stage's execution log group: API-Gateway-Execution-Logs_<api id>/<stage>
        e = a + runOf(s, a, n, C_LOWER | C_DIGIT);
        if (e - a === 10 && cfg.apiIdKind !== undefined) push(cfg, s, extra, a, e, cfg.apiIdKind);
      } else if (q === 3) {
        const u = a + runOf(s, a, n, ch.C_ALNUM);
        e = u < n && byteAt(s, u) === UNDERSCORE ? u + 1 + runOf(s, u + 1, n, ch.C_ALNUM) : u;
        // (not a pseudonym's part: RESOURCE_NAME_x, masked before)
        if (e - u > 6 && (e >= n || byteAt(s, e) !== UNDERSCORE)) push(cfg, s, extra, u + 1, e, name);
      } else {
        while (e < n && e - a < 128 && nm.isNameUnit(byteAt(s, e))) e++;
        while (e > a && byteAt(s, e - 1) === DOT) e--;
        const role = cfg.arnKinds["iam:role"];
        if (e - a >= 18 && byteAt(s, e - 17) === UNDERSCORE && runOf(s, e - 16, e, C_HEX) === 16 && role !== undefined)
          push(cfg, s, extra, p, e, role);
      }
      p = s.indexOf(lit, e > p + 1 ? e : p + 1);
    }
  }
  // Cost Explorer's linked accounts: "Attributes": {"description": "<the account's name>"} (get-dimension-values,
  // LINKED_ACCOUNT): a name with blanks, as an account's Name is
  p = name !== undefined ? firstOf(s, '"Attributes": {') : -1;
  while (p >= 0) {
    let a = p + 15;
    while (a < n && a - p < 64 && (byteAt(s, a) === SPACE || byteAt(s, a) === LF || byteAt(s, a) === 13)) a++;
    if (ch.matchesAt(s, a, n, '"description": "')) {
      a += 16;
      const e = unitWithin(s, QUOTE, a, n, 128);
      if (e > a && (nm.spacedName(s, a, e) || plausibleName(s, a, e, name as Kind))) push(cfg, s, extra, a, e, name);
    }
    p = s.indexOf('"Attributes": {', p + 15);
  }
  // a secret's or a parameter's name (a path) beside where it is kept, in prose: "rotated prod/app/db in Secrets
  // Manager", "move it to /nwp/settle/consul/acl-token in Parameter Store", "in Secrets Manager bcv/workmail/x",
  // "GetSecretValue on prod/ledger/pg-primary"
  // (and a parameter hierarchy's path: aws ssm get-parameters-by-path --path /brindlecove/prod/ledgerd)
  for (let q = 0; q < 5 && name !== undefined; q++) {
    const lit =
      q === 0
        ? " in Secrets Manager"
        : q === 1
          ? " in Parameter Store"
          : q === 2
            ? "Secrets Manager "
            : q === 3
              ? "SecretValue on "
              : "-by-path --path ";
    p = firstOf(s, lit);
    while (p >= 0) {
      let a = q < 2 ? p : p + lit.length;
      let e = a;
      let slashes = 0;
      let joins = 0;
      if (q < 2) {
        while (a > 0 && p - a < 256 && (nm.isNameUnit(byteAt(s, a - 1)) || byteAt(s, a - 1) === SLASH)) {
          if (byteAt(s, a - 1) === SLASH) slashes++;
          else if (byteAt(s, a - 1) === DASH || byteAt(s, a - 1) === UNDERSCORE) joins++;
          a--;
        }
      } else {
        while (e < n && e - a < 256 && (nm.isNameUnit(byteAt(s, e)) || byteAt(s, e) === SLASH)) {
          if (byteAt(s, e) === SLASH) slashes++;
          else if (byteAt(s, e) === DASH || byteAt(s, e) === UNDERSCORE) joins++;
          e++;
        }
        while (e > a && byteAt(s, e - 1) === DOT) e--;
        // (a hierarchy's path ends with "/" as often as not: --path /brindlecove/payouts/prod/; its top alone is one,
        // --path /brindlecove/)
        if (e > a + 1 && byteAt(s, e - 1) === SLASH) {
          e--;
          slashes--;
          // (the top's name without its slash: a name of one path's segment)
          if (q === 4 && slashes === 1 && byteAt(s, a) === SLASH) {
            a++;
            slashes = 2;
          }
        }
      }
      if (q < 2) e = p;
      // (a path: two slashes, or one and a "-" or "_"; not and/or, console/API, auto-rotation; not AWS's public
      // parameters, /aws/service/...)
      if (
        (slashes >= 2 || (slashes === 1 && joins > 0)) &&
        !matchesLowerAt(s, a, e, "/aws/") &&
        !idShaped(cfg, s, a, e) &&
        plausibleName(s, a, e, name)
      )
        push(cfg, s, extra, a, e, name);
      p = s.indexOf(lit, e > p + lit.length ? e : p + lit.length);
    }
  }
  // (fifty-second pass) and past the words another language puts between: "Secrets Manager unter prod/x/db",
  // "Secrets Manager, secreto `prod/x/db`", "Secrets Manager\uff08x/y/z\uff09", Korean's "\ud30c\ub77c\ubbf8\ud130 \uc2a4\ud1a0\uc5b4 /kr/x/key"
  for (let q = 0; q < nm.SECRET_STORES.length && name !== undefined; q++) {
    const lit = nm.SECRET_STORES[q];
    p = firstOf(s, lit);
    while (p >= 0) {
      if (
        nm.pathAfterStore(s, p, q, n, VALUE_SPAN) &&
        !matchesLowerAt(s, VALUE_SPAN.s, VALUE_SPAN.e, "/aws/") &&
        !idShaped(cfg, s, VALUE_SPAN.s, VALUE_SPAN.e) &&
        plausibleName(s, VALUE_SPAN.s, VALUE_SPAN.e, name)
      )
        push(cfg, s, extra, VALUE_SPAN.s, VALUE_SPAN.e, name);
      p = s.indexOf(lit, VALUE_SPAN.e > p + lit.length ? VALUE_SPAN.e : p + lit.length);
    }
  }
  // PagerDuty's references (a V3 webhook's or the REST API's {"id": ..., "summary": x, "type": "service_reference"}):
  // the summary names the service, the escalation policy, the team or the person, in words
  // (each object read once: the next search starts past its closing brace)
  p = name !== undefined ? firstOf(s, '_reference"') : -1;
  while (p >= 0) {
    let open = p;
    while (open > 0 && p - open < 256 && byteAt(s, open) !== ch.LBRACE && byteAt(s, open) !== ch.RBRACE) open--;
    const close = unitWithin(s, ch.RBRACE, p, n, 256);
    if (byteAt(s, open) === ch.LBRACE && close > p) {
      const at = sub(s, open, close).indexOf('"summary":');
      let a = at >= 0 ? open + at + 10 : -1;
      if (a >= 0 && byteAt(s, a) === SPACE) a++;
      const b = a >= 0 && byteAt(s, a) === QUOTE ? unitWithin(s, QUOTE, a + 1, n, 128) : -1;
      if (b > a + 1 && (nm.spacedName(s, a + 1, b) || plausibleName(s, a + 1, b, name)))
        push(cfg, s, extra, a + 1, b, name);
    }
    p = s.indexOf('_reference"', close > p ? close : p + 11);
  }
  // a syslog line's host, between its time and the program's tag (RFC 3164 as rsyslog and journalctl write it: "Mar 11
  // 10:31:07 mx-relay-02 postfix/smtp[22817]: ..."), in text with an AWS signal: a name with "-" or a digit (ip-10-...
  // keeps its own kind)
  p = name !== undefined ? firstOf(s, "]: ") : -1;
  while (p >= 0) {
    let d = p;
    while (d > 0 && p - d < 12 && (cls(byteAt(s, d - 1)) & C_DIGIT) !== 0) d--;
    let t = d - 1;
    if (d < p && t > 0 && byteAt(s, t) === ch.LBRACKET) {
      while (t > 0 && d - t < 64 && (nm.isNameUnit(byteAt(s, t - 1)) || byteAt(s, t - 1) === SLASH)) t--;
      const e = t - 1;
      let a = e;
      if (e > 9 && e < d - 1 && byteAt(s, e) === SPACE) {
        while (a > 0 && e - a < 64 && nm.isNameUnit(byteAt(s, a - 1))) a--;
        // (the time before it, hh:mm:ss in a token of 40 units at most: 10:31:07, 2024-06-22T10:14:05.123+00:00)
        let time = false;
        let marked = false;
        for (let k = a - 9; k > 0 && a - k < 40 && !time && byteAt(s, k + 7) !== SPACE; k--)
          time = byteAt(s, k + 2) === COLON && byteAt(s, k + 5) === COLON && (cls(byteAt(s, k)) & C_DIGIT) !== 0;
        for (let k = a; k < e && !marked; k++) marked = byteAt(s, k) === DASH || (cls(byteAt(s, k)) & C_DIGIT) !== 0;
        if (
          time &&
          marked &&
          byteAt(s, a - 1) === SPACE &&
          !(byteAt(s, a) === 105 && byteAt(s, a + 1) === 112 && byteAt(s, a + 2) === DASH) &&
          !idShaped(cfg, s, a, e) &&
          plausibleName(s, a, e, name) &&
          hasSignal(s, extra)
        )
          push(cfg, s, extra, a, e, name);
      }
    }
    p = s.indexOf("]: ", p + 3);
  }
  // (fifty-third pass) and a Kinesis Agent log line's host, between its time and the thread (the agent's log4j layout:
  // "2024-06-11 12:08:31.355+0000 pos-gw-07 (main) com.amazon.kinesis.streaming.agent.Agent [INFO] ...")
  p = name !== undefined ? firstOf(s, nm.KINESIS_AGENT_LOGGER) : -1;
  let agentLine = 0;
  while (p >= 0) {
    if (
      nm.kinesisAgentHost(s, p, agentLine, VALUE_SPAN) &&
      !ch.matchesAt(s, VALUE_SPAN.s, VALUE_SPAN.e, "ip-") &&
      !idShaped(cfg, s, VALUE_SPAN.s, VALUE_SPAN.e) &&
      plausibleName(s, VALUE_SPAN.s, VALUE_SPAN.e, name as Kind)
    )
      push(cfg, s, extra, VALUE_SPAN.s, VALUE_SPAN.e, name as Kind);
    agentLine = p;
    p = s.indexOf(nm.KINESIS_AGENT_LOGGER, p + nm.KINESIS_AGENT_LOGGER.length);
  }
  // S3's user-defined object metadata, the company's own words: PutObject's and HeadObject's x-amz-meta-<key> headers
  // (curl -v, a HAR's or a log's header dump), s3 cp's --metadata k=v,k=v and head-object's "Metadata": {"k": "v"};
  // each value masked unless one plain word or an id of its own shape
  p = name !== undefined ? firstOf(s, "x-amz-meta-") : -1;
  while (p >= 0) {
    let e = p + 11;
    while (e < n && e - p < 128 && nm.isNameUnit(byteAt(s, e))) e++;
    if (e < n && byteAt(s, e) === QUOTE) e++;
    if (e < n && (byteAt(s, e) === COLON || byteAt(s, e) === ch.EQUALS)) {
      let a = e + 1;
      while (a < n && a - e < 4 && (byteAt(s, a) === SPACE || byteAt(s, a) === QUOTE)) a++;
      let b = a;
      while (b < n && b - a < 256 && byteAt(s, b) !== LF && byteAt(s, b) !== 13 && byteAt(s, b) !== QUOTE) b++;
      while (b > a && byteAt(s, b - 1) === SPACE) b--;
      if (nm.metadataValue(s, a, b, name as Kind) && !idShaped(cfg, s, a, b)) push(cfg, s, extra, a, b, name);
      e = b;
    }
    p = s.indexOf("x-amz-meta-", e);
  }
  // (and a KMS encryption context's values, the company's words that bind a ciphertext: CloudTrail's
  // "encryptionContext": {"tenant": "x"}, a grant's EncryptionContextEquals={tenant=x}, --encryption-context k=v)
  for (let q = 0; q < 4 && name !== undefined; q++) {
    const lit =
      q === 0
        ? "--metadata "
        : q === 1
          ? "--encryption-context "
          : q === 2
            ? "ncryptionContextEquals={"
            : "ncryptionContextSubset={";
    p = firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      if (a < n && (byteAt(s, a) === QUOTE || byteAt(s, a) === ch.APOS)) a++;
      // k=v pairs to the first blank, quote or brace
      for (let pairs = 0; pairs < 16 && a < n; pairs++) {
        let k = a;
        while (k < n && k - a < 128 && nm.isNameUnit(byteAt(s, k))) k++;
        if (k === a || k >= n || byteAt(s, k) !== ch.EQUALS) break;
        let b = k + 1;
        while (b < n && b - k < 256 && nm.isNameUnit(byteAt(s, b))) b++;
        if (nm.metadataValue(s, k + 1, b, name) && !idShaped(cfg, s, k + 1, b)) push(cfg, s, extra, k + 1, b, name);
        a = b + 1;
        if (b >= n || byteAt(s, b) !== ch.COMMA) break;
      }
      p = s.indexOf(lit, a > p + lit.length ? a : p + lit.length);
    }
  }
  // (and the maps of the company's words other APIs return: tags as a map ("Tags": {"team": "x"}: Lambda, EKS, API
  // Gateway), an IoT thing's attributes, a tracked device's PositionProperties, a Pinpoint endpoint's Attributes
  // (lists: {"k": ["v"]}; an SQS queue's or an SNS topic's "Attributes" hold settings, not read))
  // (and an SES event's mail.tags in an SNS notification's escaped Message, \"tags\":{\"k\":[\"v\"]}: q 7, esc 1;
  // escaped twice in an SQS message's Body, \\\"tags\\\": q 8, esc 3)
  for (let q = 0; q < 9 && name !== undefined; q++) {
    const esc = q === 7 ? 1 : q === 8 ? 3 : 0;
    const lit =
      q === 7
        ? 'tags\\":'
        : q === 8
          ? 'tags\\\\\\":'
          : q === 0
            ? '"Metadata": {'
            : q === 1
              ? 'ncryptionContext":'
              : q === 2
                ? '"Tags":'
                : q === 3
                  ? '"tags":'
                  : q === 4
                    ? '"attributes":'
                    : q === 5
                      ? '"PositionProperties":'
                      : '"Attributes":';
    p = firstOf(s, lit);
    // (lower-case tags and attributes also name a trace's and a REST API's: Zipkin's, OpenTelemetry's, JSON:API's;
    // read in a text with an AWS signal only)
    // (the words only: the anchors' own matches are no signal to the main pass, which asks after them)
    if ((q === 3 || q === 4 || q >= 7) && p >= 0 && !hasSignal(s, [])) p = -1;
    while (p >= 0) {
      let a = p + lit.length;
      // (escaped: the key's opening \")
      if (
        esc > 0 &&
        (p < esc + 1 ||
          byteAt(s, p - 1) !== QUOTE ||
          byteAt(s, p - 2) !== ch.BACKSLASH ||
          byteAt(s, p - 1 - esc) !== ch.BACKSLASH)
      ) {
        p = s.indexOf(lit, a);
        continue;
      }
      while (a < n && a - p < lit.length + 16 && (byteAt(s, a) === SPACE || byteAt(s, a) === LF)) a++;
      // (the map's brace: compact JSON too, "Tags":{...}; a list, "Tags": [...], is another reader's)
      if (q >= 2 && byteAt(s, a) !== ch.LBRACE) {
        p = s.indexOf(lit, p + lit.length);
        continue;
      }
      if (q >= 1 && a < n && byteAt(s, a) === ch.LBRACE) a++;
      // "k": "v" members to the closing brace (a nested object or a number ends the read)
      for (let members = 0; members < 32 && a < n; members++) {
        while (a < n && a - p < 4096 && (byteAt(s, a) === SPACE || byteAt(s, a) === LF || byteAt(s, a) === 13)) a++;
        if (
          a + esc >= n ||
          byteAt(s, a + esc) !== QUOTE ||
          (esc > 0 && (byteAt(s, a) !== ch.BACKSLASH || byteAt(s, a + esc - 1) !== ch.BACKSLASH))
        )
          break;
        // (ka the key's first unit, kq its closing quote, ke the end of its text)
        const ka = a + 1 + esc;
        const kq = unitWithin(s, QUOTE, ka, n, 128);
        const ke = kq - esc;
        if (kq < 0 || kq + 3 >= n || byteAt(s, kq + 1) !== COLON) break;
        let v0 = byteAt(s, kq + 2) === SPACE ? kq + 3 : kq + 2;
        // (a list's first string: Pinpoint's; only lists under "Attributes")
        const list = byteAt(s, v0) === ch.LBRACKET && byteAt(s, v0 + 1 + esc) === QUOTE;
        if (list) v0++;
        const vs = v0 + 1 + esc;
        if (byteAt(s, vs - 1) !== QUOTE || (esc > 0 && byteAt(s, v0) !== ch.BACKSLASH) || (q === 6 && !list)) break;
        const vq = unitWithin(s, QUOTE, vs, n, 256);
        const b = vq - esc;
        if (vq < 0 || (esc > 0 && byteAt(s, b) !== ch.BACKSLASH)) break;
        // (AWS's own context keys keep their readers: aws:s3:arn, aws:rds:db-id; a dotted key is a semantic
        // convention's, http.method, host.arch)
        const own =
          (byteAt(s, ka) === 97 && byteAt(s, ka + 1) === 119 && byteAt(s, ka + 3) === COLON) ||
          ((q === 3 || q === 4) && unitWithin(s, DOT, ka, ke, ke - ka) >= 0) ||
          // (and a service's own tags: SES's "ses:operation", "ses:configuration-set")
          ((q === 3 || q >= 7) && unitWithin(s, COLON, ka, ke, ke - ka) >= 0) ||
          // (Pinpoint's enums in upper case: delivery_type APNS)
          (q === 6 && b - vs <= 16 && runOf(s, vs, b, ch.C_UPPER) === b - vs);
        if (!own && nm.metadataValue(s, vs, b, name) && !idShaped(cfg, s, vs, b)) push(cfg, s, extra, vs, b, name);
        a = vq + 1;
        if (list && a < n && byteAt(s, a) === ch.RBRACKET) a++;
        if (a >= n || byteAt(s, a) !== ch.COMMA) break;
        a++;
      }
      p = s.indexOf(lit, a > p + lit.length ? a : p + lit.length);
    }
  }
  // the same tag maps in YAML (a Batch compute environment's, job queue's or job definition's `tags:`; a list of
  // Key/Value pairs is another reader's), in a text with an AWS signal: each `<key>: <value>` line indented under it;
  // and the CLI's YAML output of other maps of the company's words: head-object's `Metadata:`, a Lambda function's
  // `Environment:` / `Variables:` (a variable's value there only when no URL, ARN, path, e-mail or upper-case enum:
  // their own readers, or settings: LOG_LEVEL: INFO)
  for (let q = 0; q < 4 && name !== undefined; q++) {
    const lit = q === 0 ? "tags:" : q === 1 ? "Tags:" : q === 2 ? "Metadata:" : "Variables:";
    p = firstOf(s, lit);
    if (p >= 0 && !hasSignal(s, [])) p = -1;
    while (p >= 0) {
      let ls = p;
      while (ls > 0 && p - ls < 64 && byteAt(s, ls - 1) === SPACE) ls--;
      // (blanks, a comment or a CR may end the `tags:` line)
      let r = p + lit.length;
      while (r < n && r - p < 256 && (byteAt(s, r) === SPACE || byteAt(s, r) === ch.TAB)) r++;
      if (r < n && byteAt(s, r) === 35 && r > p + lit.length) while (r < n && r - p < 256 && byteAt(s, r) !== LF) r++;
      if (r < n && byteAt(s, r) === 13) r++;
      r = r < n && byteAt(s, r) === LF ? r + 1 : n;
      // (the members' indent: deeper lines, a nested map's or a list's, are skipped, as are quoted keys and comments)
      let indent = -1;
      // (head-object's Metadata: at its line's start, the CLI's top level; not a CloudFormation resource's)
      for (
        let lines = 0;
        lines < 256 && r < n && (ls === 0 || byteAt(s, ls - 1) === LF) && !(q === 2 && ls < p);
        lines++
      ) {
        let k = r;
        while (k < n && k - r < 64 && byteAt(s, k) === SPACE) k++;
        if (k - r <= p - ls || k >= n) break;
        if (indent < 0) indent = k - r;
        let le = s.indexOf("\n", k);
        if (le < 0) le = n;
        if (k - r < indent) break;
        const ks = k;
        while (k < n && k - ks < 128 && nm.isNameUnit(byteAt(s, k))) k++;
        if (ks - r > indent || k === ks || k + 1 >= n || byteAt(s, k) !== COLON || byteAt(s, k + 1) !== SPACE) {
          r = le + 1;
          continue;
        }
        let a = k + 2;
        let b = le;
        while (b > a && (byteAt(s, b - 1) === 13 || byteAt(s, b - 1) === SPACE)) b--;
        if (b - a >= 2 && (byteAt(s, a) === QUOTE || byteAt(s, a) === 39) && byteAt(s, b - 1) === byteAt(s, a)) {
          a++;
          b--;
        }
        if (
          a < b &&
          !(q === 3 && nm.settingValue(s, a, b)) &&
          !(q === 2 && unitWithin(s, 64, a, b, b - a) >= 0) &&
          nm.metadataValue(s, a, b, name) &&
          !idShaped(cfg, s, a, b)
        )
          push(cfg, s, extra, a, b, name, q === 3); // (a variable's value masked where it stands: not learned)
        r = le + 1;
      }
      p = s.indexOf(lit, r > p + lit.length ? r : p + lit.length);
    }
  }
  // an IoT rule's topic filter (SELECT ... FROM 'brindlecove/reefers/+/telemetry'), in text that names IoT: masked
  // whole (its words one by one would be learned and replaced in prose); not AWS's own ($aws/things/...)
  for (let q = 0; q < 2 && name !== undefined; q++) {
    const lit = q === 0 ? "FROM '" : "from '";
    p = firstOf(s, lit);
    if (
      p >= 0 &&
      firstOf(s, "aws iot") < 0 &&
      firstOf(s, "AWS IoT") < 0 &&
      firstOf(s, "TopicRule") < 0 &&
      firstOf(s, "topic-rule") < 0 &&
      firstOf(s, "iot:") < 0
    )
      p = -1;
    while (p >= 0) {
      const a = p + 6;
      let e = a;
      let slashes = 0;
      while (e < n && e - a < 256 && byteAt(s, e) > 32 && byteAt(s, e) !== 39) {
        if (byteAt(s, e) === SLASH) slashes++;
        e++;
      }
      if (slashes > 0 && e < n && byteAt(s, e) === 39 && byteAt(s, a) !== 36 && name !== undefined)
        push(cfg, s, extra, a, e, name);
      p = s.indexOf(lit, e > p + 6 ? e : p + 6);
    }
  }
  // a tag's values as filters and targets list them in JSON ({"Name": "tag:Role", "Values": ["x"]}, Systems Manager's
  // {"Key": "tag:Service", "Values": [...]}) and Lake Formation's LF-tags ({"TagKey": "domain", "TagValues": [...]}):
  // each masked unless one plain word (a Name tag's in any case)
  for (let q = 0; q < 2 && name !== undefined; q++) {
    const lit = q === 0 ? '"tag:' : '"TagValues":';
    p = firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      let tagName = false;
      if (q === 0) {
        const ke = unitWithin(s, QUOTE, a, n, 128);
        tagName = ke - a === 4 && matchesLowerAt(s, a, ke, "name");
        const at = ke < 0 ? -1 : sub(s, ke, ke + 48 < n ? ke + 48 : n).indexOf('"Values":');
        // (no list after it: the search goes on past the key)
        a = at < 0 ? (ke < 0 ? a : ke + 1) : ke + at + 9;
        if (at < 0) {
          p = s.indexOf(lit, a);
          continue;
        }
      }
      while (a < n && a - p < 64 && byteAt(s, a) === SPACE) a++;
      if (a < n && byteAt(s, a) === ch.LBRACKET) a++;
      else a = n;
      for (let items = 0; items < 64 && a < n; items++) {
        while (a < n && a - p < 4096 && (byteAt(s, a) === SPACE || byteAt(s, a) === LF || byteAt(s, a) === ch.COMMA))
          a++;
        if (a >= n || byteAt(s, a) !== QUOTE) break;
        const b = unitWithin(s, QUOTE, a + 1, n, 256);
        if (b < 0) break;
        if (
          (tagName ? plausibleName(s, a + 1, b, name) : nm.metadataValue(s, a + 1, b, name)) &&
          !idShaped(cfg, s, a + 1, b)
        )
          push(cfg, s, extra, a + 1, b, name);
        a = b + 1;
      }
      p = s.indexOf(lit, a > p + lit.length ? a : p + lit.length);
    }
  }
  // a CloudFormation export's name, as a stack imports it (!ImportValue <name>, Fn::ImportValue: <name>, JSON's
  // "Fn::ImportValue": "<name>"): export names carry the exporting stack's (network-prod-VpcId, network-prod:Subnets);
  // a value built in place (!Sub ..., {"Fn::Sub": ...}) is not read here
  p = name !== undefined ? firstOf(s, "ImportValue") : -1;
  while (p >= 0) {
    let a = p + 11;
    while (a < n && a - p < 16 && (byteAt(s, a) === QUOTE || byteAt(s, a) === COLON || byteAt(s, a) === SPACE)) a++;
    let e = a;
    while (
      e < n &&
      e - a < 255 &&
      ((cls(byteAt(s, e)) & C_ALNUM) !== 0 || byteAt(s, e) === DASH || byteAt(s, e) === COLON)
    )
      e++;
    const tag =
      p > 0 && (byteAt(s, p - 1) === ch.BANG || (p > 1 && byteAt(s, p - 1) === COLON && byteAt(s, p - 2) === COLON));
    if (tag && e - a >= 3 && a - p > 11 && (cls(byteAt(s, a)) & C_ALNUM) !== 0 && runOf(s, a, e, C_DIGIT) < e - a)
      push(cfg, s, extra, a, e, name);
    p = s.indexOf("ImportValue", e > p + 11 ? e : p + 11);
  }
  // EC2's InvalidParameterValue: "Value (<x>) for parameter iamInstanceProfile.name is invalid": the value of a
  // parameter that names (its last part a name key; not instanceType's t3.nano)
  p = name !== undefined ? firstOf(s, ") for parameter ") : -1;
  while (p >= 0) {
    let a = p;
    while (a > 0 && p - a < 256 && nm.isNameUnit(byteAt(s, a - 1))) a--;
    let q = p + 16;
    while (q < n && q - p < 80 && (nm.isNameUnit(byteAt(s, q)) || byteAt(s, q) === SLASH)) q++;
    while (q > p + 16 && byteAt(s, q - 1) === DOT) q--;
    if (
      a >= 7 &&
      matchesLowerAt(s, a - 7, a, "value (") &&
      nm.genericKeyEndingAt(s, q, KEY_TOKEN) &&
      plausibleName(s, a, p, name as Kind)
    )
      push(cfg, s, extra, a, p, name);
    p = s.indexOf(") for parameter ", p + 16);
  }
  // a decoded authorization message's conditions (sts decode-authorization-message): {"key":"aws:username","values":
  // {"items":[{"value":"<user>"}]}}, and a Name tag's value ("ec2:ResourceTag/Name", "aws:PrincipalTag/Name")
  for (let q = 0; q < 2 && name !== undefined; q++) {
    const lit = q === 0 ? 'aws:username"' : 'Tag/Name"';
    const kind = q === 0 && cfg.byId["iam-user-name"] !== undefined ? cfg.byId["iam-user-name"] : name;
    p = firstOf(s, lit);
    while (p >= 0) {
      // (its "value" within the next 64 units: ,"values":{"items":[{"value":"x"}]})
      let at = p + lit.length;
      while (at < n && at - p < 64 && !(byteAt(s, at) === QUOTE && ch.matchesAt(s, at, n, '"value"'))) at++;
      let a = at < n && at - p < 64 ? at + 7 : n;
      while (a < n && a - at < 16 && (byteAt(s, a) === SPACE || byteAt(s, a) === COLON || byteAt(s, a) === QUOTE)) a++;
      let e = a;
      while (e < n && e - a < 256 && nm.isNameUnit(byteAt(s, e))) e++;
      if (e < n && byteAt(s, e) === QUOTE && plausibleName(s, a, e, kind)) push(cfg, s, extra, a, e, kind);
      p = s.indexOf(lit, p + lit.length);
    }
  }
  // a GitHub Actions OIDC subject in a trust policy ("token.actions.githubusercontent.com:sub": "repo:<org>/<repo>:ref:
  // refs/heads/main", "repo:<org>/*"): the organization and the repository
  p = name !== undefined ? firstOf(s, '"repo:') : -1;
  while (p >= 0) {
    const a = p + 6;
    let e = a;
    while (e < n && e - a < 200 && nm.isNameUnit(byteAt(s, e))) e++;
    if (e < n && byteAt(s, e) === SLASH && plausibleName(s, a, e, name as Kind)) {
      push(cfg, s, extra, a, e, name);
      let r = e + 1;
      while (r < n && r - e < 200 && nm.isNameUnit(byteAt(s, r))) r++;
      if (plausibleName(s, e + 1, r, name as Kind)) push(cfg, s, extra, e + 1, r, name);
    }
    p = s.indexOf('"repo:', e);
  }
  // HCP Terraform's workload identity subject (a trust policy's "app.terraform.io:sub": "organization:<org>:project:
  // <project>:workspace:<workspace>:run_phase:<phase>"): the organization, the project (blanks allowed: "Ledger Core")
  // and the workspace; and the organization in its API's paths (app.terraform.io/api/v2/organizations/<org>/...)
  p = name !== undefined ? firstOf(s, "organization:") : -1;
  while (p >= 0) {
    let e = p + 13;
    // (the part's word, then its value: 0 the organization, 1 the project, 2 the workspace)
    for (let part = 0; part < 3 && (p === 0 || !ch.isKeyUnit(byteAt(s, p - 1))); part++) {
      const a = e;
      while (e < n && e - a < 128 && (nm.isNameUnit(byteAt(s, e)) || (part === 1 && byteAt(s, e) === SPACE))) e++;
      if (e >= n || byteAt(s, e) !== COLON || e === a) break;
      const w = e + 1;
      const next = matchesLowerAt(s, w, n, "project:") ? 8 : matchesLowerAt(s, w, n, "workspace:") ? 10 : 0;
      const spaced = part === 1 && unitWithin(s, SPACE, a, n, e - a) > 0;
      // (not HCP Terraform's own project, "Default Project", in every organization)
      if (
        (part > 0 || next > 0) &&
        (spaced
          ? nm.spacedName(s, a, e) && !(e - a === 15 && ch.matchesAt(s, a, e, "Default Project"))
          : plausibleName(s, a, e, name as Kind))
      )
        push(cfg, s, extra, a, e, name);
      if (next === 0 || (part === 1 && next !== 10)) break;
      part = next === 8 ? 0 : 1;
      e = w + next;
    }
    p = s.indexOf("organization:", e > p + 13 ? e : p + 13);
  }
  for (let t = 0; t < nm.TFC_ID_PREFIXES.length && name !== undefined; t++) {
    const lit = nm.TFC_ID_PREFIXES[t];
    p = firstOf(s, lit);
    while (p >= 0) {
      const e = nm.tfcIdEnd(s, p, p + lit.length, n);
      if (e > 0) push(cfg, s, extra, p, e, name);
      p = s.indexOf(lit, e > 0 ? e : p + lit.length);
    }
  }
  // Okta's AWS groups (its guide to several AWS accounts by groups: aws#<account alias>#<role>#<account id>, the group
  // filter's other form aws_<account id>_<role>): the alias and the role (the account is found by its own matcher)
  p = name !== undefined ? firstOf(s, "aws#") : -1;
  while (p >= 0) {
    const a = p + 4;
    let e = a;
    while (e < n && e - a < 64 && nm.isNameUnit(byteAt(s, e))) e++;
    let r = e + 1;
    while (r < n && r - e < 65 && nm.isNameUnit(byteAt(s, r))) r++;
    if (
      (p === 0 || !ch.isKeyUnit(byteAt(s, p - 1))) &&
      e > a &&
      r > e + 1 &&
      r + 12 < n &&
      byteAt(s, e) === ch.HASH &&
      byteAt(s, r) === ch.HASH &&
      runOf(s, r + 1, n, C_DIGIT) === 12
    ) {
      // (learned only when distinctive: a plain word, Developer, or AWS's job function, AdministratorAccess, is
      // masked where it stands: learned, it replaced the word and AWS's managed policy all over the request)
      if (plausibleName(s, a, e, name)) push(cfg, s, extra, a, e, name, !nm.distinctivePart(s, a, e));
      const role = cfg.byId["iam-role-name"] !== undefined ? cfg.byId["iam-role-name"] : name;
      if (plausibleName(s, e + 1, r, role)) push(cfg, s, extra, e + 1, r, role, !nm.distinctivePart(s, e + 1, r));
    }
    p = s.indexOf("aws#", e);
  }
  p = name !== undefined ? firstOf(s, "aws_") : -1;
  while (p >= 0) {
    const a = p + 17;
    // (the "_" and the account's digits first: the walk runs for a matching group only)
    if (
      a < n &&
      byteAt(s, p + 16) === UNDERSCORE &&
      (p === 0 || !ch.isKeyUnit(byteAt(s, p - 1))) &&
      runOf(s, p + 4, n, C_DIGIT) === 12
    ) {
      let e = a;
      while (e < n && e - a < 64 && nm.isNameUnit(byteAt(s, e))) e++;
      const role = cfg.byId["iam-role-name"] !== undefined ? cfg.byId["iam-role-name"] : name;
      if (e > a && plausibleName(s, a, e, role)) push(cfg, s, extra, a, e, role, !nm.distinctivePart(s, a, e));
    }
    p = s.indexOf("aws_", p + 4);
  }
  p = name !== undefined ? firstOf(s, "/api/v2/organizations/") : -1;
  while (p >= 0) {
    const a = p + 22;
    let e = a;
    while (e < n && e - a < 128 && nm.isNameUnit(byteAt(s, e))) e++;
    if (e > a && (e >= n || !nm.isNameUnit(byteAt(s, e))) && plausibleName(s, a, e, name as Kind))
      push(cfg, s, extra, a, e, name);
    p = s.indexOf("/api/v2/organizations/", e);
  }
  // an FSx for Lustre file system's mount name (mount -t lustre fs-0abc.fsx.<region>.amazonaws.com@tcp:/<mount name>)
  p = name !== undefined ? firstOf(s, "@tcp:/") : -1;
  while (p >= 0) {
    const a = p + 6;
    let e = a;
    while (e < n && e - a < 64 && (cls(byteAt(s, e)) & C_ALNUM) !== 0) e++;
    if (e - a >= 3 && plausibleName(s, a, e, name as Kind)) push(cfg, s, extra, a, e, name);
    p = s.indexOf("@tcp:/", e);
  }
  // the CloudWatch agent's configuration in an SSM parameter (amazon-cloudwatch-agent-ctl -a fetch-config -c ssm:<name>)
  p = name !== undefined ? firstOf(s, "-c ssm:") : -1;
  while (p >= 0) {
    const a = p + 7;
    let e = a;
    while (e < n && e - a < 256 && (nm.isNameUnit(byteAt(s, e)) || byteAt(s, e) === SLASH)) e++;
    if (plausibleName(s, a, e, name as Kind)) push(cfg, s, extra, a, e, name);
    p = s.indexOf("-c ssm:", e);
  }
  // the CDK CLI's progress lines open with the stack's name ("HeronLedgerStack-staging: start: Building <asset>",
  // ": success: Published", ": deploying... [1/2]"): the line's first token, in text with an AWS signal; and its
  // failure, "❌ Deployment failed: Error: <stack>: SSM parameter ...": the token after it, before its ":"
  for (let q = 0; q < 4 && name !== undefined; q++) {
    const lit =
      q === 0 ? ": start: Buil" : q === 1 ? ": success: " : q === 2 ? ": deploying... " : "Deployment failed: Error: ";
    p = firstOf(s, lit);
    while (p >= 0) {
      let a = p;
      let e = p;
      if (q === 3) {
        a = p + lit.length;
        e = a;
        while (e < n && e - a < 128 && nm.isNameUnit(byteAt(s, e))) e++;
      } else while (a > 0 && p - a < 128 && nm.isNameUnit(byteAt(s, a - 1))) a--;
      if (
        (q === 3 ? e < n && byteAt(s, e) === COLON : a === 0 || byteAt(s, a - 1) === LF) &&
        e - a >= 3 &&
        plausibleName(s, a, e, name) &&
        hasSignal(s, extra)
      )
        push(cfg, s, extra, a, e, name);
      p = s.indexOf(lit, p + lit.length);
    }
  }
  let atStart = byteAt(s, 0) === 91; // "[section]" on the first line
  p = atStart ? -1 : firstOf(s, "\n[");
  let signal = -1;
  while (atStart || p >= 0) {
    atStart = false;
    let a = p + 2;
    if (matchesLowerAt(s, a, n, "profile ")) a += 8;
    else if (matchesLowerAt(s, a, n, "sso-session ")) a += 12;
    let e = a;
    while (e < n && e - a < 128 && byteAt(s, e) !== 93 && byteAt(s, e) !== 10) e++;
    // a section header stands alone on its line ("[Container] 2024/01/01 ..." is a CodeBuild log line)
    let t = e + 1;
    while (t < n && (byteAt(s, t) === SPACE || byteAt(s, t) === 9)) t++;
    const alone = t >= n || byteAt(s, t) === LF || byteAt(s, t) === 13;
    if (
      e < n &&
      byteAt(s, e) === 93 &&
      alone &&
      name !== undefined &&
      plausibleName(s, a, e, name) &&
      (a > p + 2 || !nm.configSection(s, a, e, t))
    ) {
      if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
      if (signal === 1) push(cfg, s, extra, a, e, name);
    }
    p = s.indexOf("\n[", p + 2);
  }
  // Column tables (kubectl get, eksctl get, helm list): under a header of upper-case column names that starts with NAME,
  // NAMESPACE or CLUSTER, the cells of each column whose name is a name key (NAME, NAMESPACE, CLUSTER, NODEGROUP, ASG
  // NAME ...), found by the column's position. kafka-consumer-groups --describe starts its header with GROUP: there the
  // group, CONSUMER-ID, CLIENT-ID and ASSIGNMENT columns are names too, and a cell ends before "(" (topic(0,1)).
  // OpenSearch's _cat/indices?v and _cat/aliases?v head theirs in lower case (health status index ..., alias index
  // ...): their index and alias columns, but a system index (.kibana_1, .opendistro-job-scheduler-lock).
  for (let q = 0; q < 5 && name !== undefined; q++) {
    const lit =
      q === 0 ? "NAME" : q === 1 ? "CLUSTER" : q === 2 ? "GROUP " : q === 3 ? "health status index " : "alias ";
    let h = sub(s, 0, lit.length) === lit ? 0 : firstOf(s, "\n" + lit);
    while (h >= 0) {
      const hs = byteAt(s, h) === 10 ? h + 1 : h;
      let he = hs;
      let header = true;
      while (he < n && he - hs < 1024 && byteAt(s, he) !== 10) {
        if (q < 3 && (cls(byteAt(s, he)) & C_LOWER) !== 0) header = false;
        he++;
      }
      // (a line longer than any header is none: its rows would start inside it)
      if (he < n && byteAt(s, he) !== 10) header = false;
      // the columns: a name starts the line or stands after two blanks, and runs to the next two blanks (to the next
      // blank in _cat's, whose titles are single words one blank apart where the cells are narrow)
      const starts: number[] = [];
      const kinds: Kind[] = [];
      // (_cat's headers hold an index column; kafka's, a TOPIC or a CONSUMER-ID column: not SQL's GROUP BY x, a
      // shell's alias x; read within the header's line)
      const titles = header && q >= 2 ? sub(s, hs, he) : "";
      if (q >= 3 && titles.indexOf(" index") < 0) header = false;
      if (q === 2 && titles.indexOf(" TOPIC ") < 0 && titles.indexOf(" CONSUMER-ID ") < 0) header = false;
      let c = hs;
      // (a column's start is a count of characters, not units: ch.columnWidth)
      let hu = hs;
      let hcol = 0;
      while (header && c < he) {
        const a = c;
        while (c < he && !(byteAt(s, c) === SPACE && (q >= 3 || c + 1 >= he || byteAt(s, c + 1) === SPACE))) c++;
        const kind = q < 3 ? kindOfKeyEndingAt(cfg.keys, s, c, KEY_TOKEN) : undefined;
        for (; hu < a; hu++) hcol += ch.columnWidth(byteAt(s, hu));
        if (kind !== undefined && cfg.on[kind.id] === true) {
          starts.push(hcol);
          kinds.push(kind);
        } else if (q >= 3 && c - a === 5 && (ch.matchesAt(s, a, c, "index") || ch.matchesAt(s, a, c, "alias"))) {
          starts.push(hcol);
          kinds.push(name);
        } else if (
          (q < 3 && nm.genericKey(s, a, c)) ||
          (q === 2 &&
            (a === hs ||
              (c - a === 11 && ch.matchesAt(s, a, c, "CONSUMER-ID")) ||
              (c - a === 9 && ch.matchesAt(s, a, c, "CLIENT-ID")) ||
              (c - a === 10 && ch.matchesAt(s, a, c, "ASSIGNMENT"))))
        ) {
          starts.push(hcol);
          kinds.push(name);
        }
        while (c < he && byteAt(s, c) === SPACE) c++;
      }
      let ls = he;
      for (let rows = 0; starts.length > 0 && rows < 4096 && ls + 1 < n; rows++) {
        const rs = ls + 1;
        if (byteAt(s, rs) === 10 || byteAt(s, rs) === 36) break;
        let le = rs;
        while (le < n && le - rs < 4096 && byteAt(s, le) !== 10) le++;
        // (the unit at each column's start: a character beyond ASCII before it, docker ps's "…", is one column)
        let a = rs;
        let col = 0;
        for (let k = 0; k < starts.length; k++) {
          for (; a < le && col < starts[k]; a++) col += ch.columnWidth(byteAt(s, a));
          while (a < le && ch.columnWidth(byteAt(s, a)) === 0) a++;
          if (a >= le || byteAt(s, a) === SPACE || (a > rs && byteAt(s, a - 1) !== SPACE)) continue;
          let e = a;
          while (e < le && byteAt(s, e) !== SPACE && byteAt(s, e) !== 13 && (q !== 2 || byteAt(s, e) !== ch.LPAREN))
            e++;
          if (e - a >= 3 && byteAt(s, a) !== DOT && plausibleName(s, a, e, kinds[k]) && !idShaped(cfg, s, a, e)) {
            if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
            if (signal === 1) push(cfg, s, extra, a, e, kinds[k]);
          }
        }
        ls = le;
      }
      h = s.indexOf("\n" + lit, ls > he ? ls : he);
    }
  }
  // psql's aligned tables (\l, \du, \dt, SELECT ... FROM pg_stat_activity, Redshift's stl_ and stv_ tables, pgbouncer's
  // SHOW): a header of titles split by "|" over a rule of "-" and "+" from its line's start (not a framed "+---+"); the
  // cells under a database's, role's, schema's or table's title (nm.psqlNameTitle), split by "|", to a line without one;
  // and its expanded display's records (\x)
  p = firstOf(s, "-+-");
  while (p >= 0 && name !== undefined) {
    let rs = p;
    while (rs > 0 && p - rs < 1024 && byteAt(s, rs - 1) !== LF) rs--;
    let re = p;
    while (re < n && re - p < 1024 && (byteAt(s, re) === DASH || byteAt(s, re) === 43)) re++;
    let next = re;
    let rule = rs >= 2 && byteAt(s, rs) === DASH && (re >= n || byteAt(s, re) === LF || byteAt(s, re) === 13);
    for (let k = rs; rule && k < p; k++) if (byteAt(s, k) !== DASH && byteAt(s, k) !== 43) rule = false;
    if (rule) {
      let hs = rs - 1;
      while (hs > 0 && rs - 1 - hs < 1024 && byteAt(s, hs - 1) !== LF) hs--;
      const cols: boolean[] = [];
      let any = false;
      let c = hs;
      while (c < rs - 1 && cols.length < 64) {
        let ce = c;
        while (ce < rs - 1 && byteAt(s, ce) !== ch.PIPE) ce++;
        let a = c;
        let b = ce;
        while (a < b && byteAt(s, a) <= SPACE) a++;
        while (b > a && byteAt(s, b - 1) <= SPACE) b--;
        const title = b > a && nm.psqlNameTitle(s, a, b);
        cols.push(title);
        if (title) any = true;
        c = ce + 1;
      }
      let ls = re < n ? re + 1 : n;
      for (let rows = 0; any && rows < 4096 && ls < n; rows++) {
        let le = ls;
        let pipes = 0;
        while (le < n && le - ls < 4096 && byteAt(s, le) !== LF) {
          if (byteAt(s, le) === ch.PIPE) pipes++;
          le++;
        }
        // (a row holds a "|" where the header does: "(3 rows)", a blank line or the next prompt ends the table)
        if (pipes === 0 && cols.length > 1) break;
        let k = 0;
        c = ls;
        while (c < le && k < cols.length) {
          let ce = c;
          while (ce < le && byteAt(s, ce) !== ch.PIPE) ce++;
          if (cols[k]) {
            let a = c;
            let b = ce;
            while (a < b && byteAt(s, a) <= SPACE) a++;
            // (a wrapped cell ends in " +")
            while (b > a && (byteAt(s, b - 1) <= SPACE || byteAt(s, b - 1) === 43)) b--;
            if (b - a >= 3 && nm.psqlCell(s, a, b) && plausibleName(s, a, b, name) && !idShaped(cfg, s, a, b)) {
              if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
              if (signal === 1) push(cfg, s, extra, a, b, name);
            }
          }
          k++;
          c = ce + 1;
        }
        next = le;
        ls = le + 1;
      }
    } else if (ch.matchesAt(s, rs, p, "-[ RECORD ")) {
      // psql's expanded display (\x): "-[ RECORD 1 ]--+---" over "<title> | <value>" lines, to the next record's
      // line (found by the next search) or a line without "|"
      let ls = re < n ? re + 1 : n;
      for (let rows = 0; rows < 4096 && ls < n && byteAt(s, ls) !== DASH; rows++) {
        let le = ls;
        let bar = -1;
        while (le < n && le - ls < 4096 && byteAt(s, le) !== LF) {
          if (bar < 0 && byteAt(s, le) === ch.PIPE) bar = le;
          le++;
        }
        if (bar < 0) break;
        let t = bar;
        while (t > ls && byteAt(s, t - 1) <= SPACE) t--;
        let a = bar + 1;
        let b = le;
        while (a < b && byteAt(s, a) <= SPACE) a++;
        while (b > a && (byteAt(s, b - 1) <= SPACE || byteAt(s, b - 1) === 43)) b--;
        if (
          nm.psqlNameTitle(s, ls, t) &&
          b - a >= 3 &&
          nm.psqlCell(s, a, b) &&
          plausibleName(s, a, b, name) &&
          !idShaped(cfg, s, a, b)
        ) {
          if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
          if (signal === 1) push(cfg, s, extra, a, b, name);
        }
        next = le;
        ls = le + 1;
      }
    }
    p = s.indexOf("-+-", next > p + 3 ? next : p + 3);
  }
  // S3 object keys and the paths data movement logs (s3://<bucket>/<key>, a "key"/"Key" member, Transfer Family's
  // "path", DataSync's "... file /<path>", an S3 Inventory row's "<bucket>","<key>" and its bucket): each segment, or
  // a file's stem (its extensions cut), that holds a name, two words of letters joined by "-", "_" or "."
  // (clients/halvorsen-marine/, Priya_Raman_offer.pdf): customers and people. Dates, numbers, one word, ids, regions,
  // machine-made names (six digits in a row) and AWS's own folders stay (names.ts keptKeySegment). At most 1,024 units
  // of a path; each read once. (And aws s3 ls's lines: a common prefix's `PRE <prefix>/`, the keys of the lines under
  // `s3 ls --recursive`.)
  for (let q = 0; q < 7 && name !== undefined; q++) {
    const lit =
      q === 0
        ? "s3://"
        : q === 1
          ? 'ey": "'
          : q === 2
            ? '"path":"'
            : q === 3
              ? " file /"
              : q === 4
                ? '","'
                : q === 5
                  ? " PRE "
                  : "--recursive";
    p = firstOf(s, lit);
    // (the next line of s3 ls --recursive's listing, read after the line before it)
    let listing = -1;
    while (p >= 0) {
      let a = p + lit.length;
      // (an anchor without a path skips to the next one; a path's leading "/" is no segment)
      let skip = false;
      if (q === 0) {
        const b = bucketEnd(s, a, n);
        skip = b - a < 3 || b >= n || byteAt(s, b) !== SLASH;
        a = b + 1;
      } else if (q === 1) {
        // ("key" or "Key", its value a path)
        // (the value's units read only after a "key" member, and only up to its closing quote: linear in a text of
        // many members)
        const k = p > 1 ? byteAt(s, p - 1) : 0;
        const close = (k === 107 || k === 75) && byteAt(s, p - 2) === QUOTE ? unitWithin(s, QUOTE, a, n, 1024) : -1;
        const slash = close > a ? unitWithin(s, SLASH, a, n, close - a < 256 ? close - a : 256) : -1;
        skip = !(slash > 0 && slash < close);
      } else if (q === 3) {
        // (DataSync's transfer log: "Request to transfer file", "Transferred file", "Verified file", "Failed to read
        // metadata for file"; not "Edit the file /etc/ssh/sshd_config")
        skip = !(
          matchesLowerAt(s, p - 8, p, "transfer") ||
          matchesLowerAt(s, p - 11, p, "transferred") ||
          matchesLowerAt(s, p - 8, p, "verified") ||
          matchesLowerAt(s, p - 12, p, "metadata for")
        );
      } else if (q === 4) {
        // an S3 Inventory report's row, every field quoted: "<bucket>","<key>",...: the bucket opens its line, the key
        // holds a "/", a third field follows, and the text names AWS
        let b = p;
        while (
          b > 0 &&
          p - b < 64 &&
          ((cls(byteAt(s, b - 1)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, b - 1) === DASH || byteAt(s, b - 1) === DOT)
        )
          b--;
        // (the key's units read only at a row's start, and only up to its closing quote: a JSON text has a "," per
        // member, and reading 1,024 units at each cost 30 % of such a text's scan)
        const row = p - b >= 3 && b > 0 && byteAt(s, b - 1) === QUOTE && (b === 1 || byteAt(s, b - 2) === LF);
        const close = row ? unitWithin(s, QUOTE, a, n, 1024) : -1;
        const slash = close > a ? unitWithin(s, SLASH, a, n, close - a) : -1;
        if (!(
          row &&
          slash > 0 &&
          slash < close &&
          close + 2 < n &&
          byteAt(s, close + 1) === ch.COMMA &&
          byteAt(s, close + 2) === QUOTE
        ))
          skip = true;
        else {
          if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
          if (signal === 1) push(cfg, s, extra, b, p, cfg.byFamily["s3-bucket"]);
          else skip = true;
        }
      } else if (q === 5) {
        // (blanks, PRE and the prefix alone on its line)
        let b = p;
        while (b > 0 && p - b < 64 && byteAt(s, b - 1) === SPACE) b--;
        let e = a;
        while (e < n && e - a < 255 && nm.isNameUnit(byteAt(s, e))) e++;
        skip = !(
          (b === 0 || byteAt(s, b - 1) === LF) &&
          e > a &&
          e < n &&
          byteAt(s, e) === SLASH &&
          (e + 1 >= n || byteAt(s, e + 1) === LF || byteAt(s, e + 1) === 13)
        );
      } else if (q === 6) {
        // (the command's line, then <date> <time> <size> <key> lines: names.ts s3ListingKey)
        const le = listing >= 0 ? listing - 1 : unitWithin(s, LF, a, n, 1024);
        const key = le >= 0 ? nm.s3ListingKey(s, le + 1, n) : -1;
        skip = key < 0;
        if (!skip) a = key;
        listing = -1;
      }
      if (a < n && byteAt(s, a) === SLASH) a++;
      let k = a;
      while (!skip && k < n && k - a < 1024) {
        let e = k;
        // (words: parts between "-", "_" and "." of two letters or more, or three and digits after them, marsh1; a
        // hash's app.f72cc32a has one)
        let runs = 0;
        let letters = 0;
        let word = true;
        let digits = 0;
        let longDigits = false;
        let dots = 0;
        while (e < n && e - a < 1024 && nm.isNameUnit(byteAt(s, e))) {
          const c = byteAt(s, e);
          const f = cls(c);
          if ((f & (C_LOWER | C_UPPER)) !== 0) {
            if (digits > 0) word = false;
            letters++;
          } else if (c === DASH || c === UNDERSCORE || c === DOT) {
            if (word && letters >= (digits > 0 ? 3 : 2)) runs++;
            letters = 0;
            word = true;
            digits = 0;
            if (c === DOT) dots++;
          } else if ((f & C_DIGIT) !== 0) {
            if (++digits >= 6) longDigits = true;
          } else word = false;
          e++;
        }
        if (word && letters >= (digits > 0 ? 3 : 2)) runs++;
        // the stem: a file's extensions cut (.pdf, .csv.gz), the segment's end being the path's
        let stem = e;
        const last = e >= n || byteAt(s, e) !== SLASH;
        for (let x = 0; x < 2 && last && dots > 0; x++) {
          let d = stem - 1;
          while (d > k && stem - d <= 8 && byteAt(s, d) !== DOT) d--;
          if (d > k && byteAt(s, d) === DOT && stem - d >= 2) {
            stem = d;
            runs--;
          }
        }
        if (
          runs >= 2 &&
          !longDigits &&
          stem - k >= 4 &&
          !nm.keptKeySegment(s, k, stem) &&
          !isRegionLabel(s, k, stem) &&
          !idShaped(cfg, s, k, stem) &&
          plausibleName(s, k, stem, name)
        )
          push(cfg, s, extra, k, stem, name);
        if (last || e === k) {
          k = e;
          break;
        }
        k = e + 1;
      }
      if (q === 6 && !skip) {
        const le = unitWithin(s, LF, k, n, 1024);
        if (le >= 0 && nm.s3ListingKey(s, le + 1, n) >= 0) listing = le + 1;
      }
      if (listing >= 0) p = k;
      else p = s.indexOf(lit, !skip && k > p + lit.length ? k : p + lit.length);
    }
  }
  p = firstOf(s, "eksctl-");
  while (p >= 0) {
    // eksctl's CloudFormation stacks: eksctl-<cluster>-cluster, eksctl-<cluster>-nodegroup-<group>
    const a = p + 7;
    let e = a;
    while (e < n && e - a < 128 && ((cls(byteAt(s, e)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, e) === DASH)) e++;
    // (a word of prose after it is none: "the eksctl-generated node role")
    const word = e - a <= 12 && runOf(s, a, e, C_LOWER) === e - a;
    if (name !== undefined && e - a >= 3 && !word && (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0))
      push(cfg, s, extra, a, e, name);
    p = s.indexOf("eksctl-", e > p ? e : p + 1);
  }
  // Terraform's AWS provider: "Error: creating S3 Bucket (<name>): ...", "waiting for RDS DB Instance (<name>) create":
  // the name in parentheses, of the kind the type's last word names as a prose noun (bucket, role, cluster ...)
  p = firstOf(s, "Error: ");
  while (p >= 0 && name !== undefined) {
    const k = p + 7;
    let t = k;
    while (t < n && t - k < 96 && ((cls(byteAt(s, t)) & C_ALNUM) !== 0 || byteAt(s, t) === SPACE)) t++;
    let e = -1;
    // (a verb first, "creating", "waiting for"; the type's last word capitalised before the parenthesis)
    let v = k;
    while (v < t && (cls(byteAt(s, v)) & C_LOWER) !== 0) v++;
    let w = t - 1;
    while (w > k && byteAt(s, w - 1) !== SPACE) w--;
    if (
      t + 1 < n &&
      byteAt(s, t) === ch.LPAREN &&
      byteAt(s, t - 1) === SPACE &&
      v - k > 4 &&
      matchesLowerAt(s, v - 3, v, "ing") &&
      w > v &&
      (cls(byteAt(s, w)) & C_UPPER) !== 0
    ) {
      const a = t + 1;
      let b = a;
      while (b < n && b - a < 256 && byteAt(s, b) !== ch.RPAREN && byteAt(s, b) !== LF) b++;
      if (b < n && byteAt(s, b) === ch.RPAREN) {
        const noun = kindOfKeyEndingAt(PROSE_NOUNS, s, t - 1, KEY_TOKEN);
        const kind = noun !== undefined && cfg.on[noun.id] === true ? noun : name;
        if (
          !idShaped(cfg, s, a, b) &&
          !(byteAt(s, a) === 97 && matchesLowerAt(s, a, b, "arn:")) &&
          plausibleName(s, a, b, kind) &&
          hasSignal(s, extra)
        )
          push(cfg, s, extra, a, b, kind);
        e = b;
      }
    }
    p = s.indexOf("Error: ", e > p ? e : k);
  }
  // AccessDenied messages: "... is not authorized to perform: <action> on resource: <resource>", an ARN (found as one)
  // or a name (a secret's, a parameter's)
  p = firstOf(s, "on resource: ");
  while (p >= 0) {
    const e = name !== undefined ? nameAt(cfg, s, p + 13, n, name, extra) : n;
    p = s.indexOf("on resource: ", e > p ? e : p + 1);
  }
  // an EC2 key pair's private key file: `ssh -i ~/.ssh/<key pair>.pem`, `IdentityFile <path>/<key pair>.pem`, and
  // `chmod 400 <key pair>.pem` (what the EC2 guide has a new key pair's file get)
  p = firstOf(s, ".pem");
  let floor = 0; // walks back stop at the last anchor's end: linear on runs of ".pem"
  while (p >= 0) {
    let a = p;
    while (a > floor && p - a < 128) {
      const c = byteAt(s, a - 1);
      if ((cls(c) & C_ALNUM) === 0 && c !== DASH && c !== UNDERSCORE && c !== DOT) break;
      a--;
    }
    let ps = a; // the path's start
    while (ps > floor && a - ps < 256) {
      const c = byteAt(s, ps - 1);
      if ((cls(c) & C_ALNUM) === 0 && c !== DASH && c !== UNDERSCORE && c !== DOT && c !== SLASH && c !== 126) break;
      ps--;
    }
    let k = ps;
    while (
      k > floor &&
      ps - k < 8 &&
      (byteAt(s, k - 1) === SPACE ||
        byteAt(s, k - 1) === 61 ||
        byteAt(s, k - 1) === COLON ||
        byteAt(s, k - 1) === QUOTE)
    )
      k--;
    // (and Ansible's ansible_ssh_private_key_file: / private_key_file =, knife's and ssh's --identity-file)
    const keyFile =
      k < ps &&
      ((k >= 3 && byteAt(s, k - 1) === 105 && byteAt(s, k - 2) === DASH && byteAt(s, k - 3) === SPACE) ||
        matchesLowerAt(s, k - 12, n, "identityfile") ||
        matchesLowerAt(s, k - 13, n, "identity-file") ||
        nm.keyPairFileKey(s, k) ||
        matchesLowerAt(s, k - 9, n, "chmod 400") ||
        matchesLowerAt(s, k - 10, n, "chmod 0400"));
    if (
      name !== undefined &&
      keyFile &&
      endsAt(s, p + 4, n) &&
      !nm.publicPemName(s, a, p) &&
      plausibleName(s, a, p, name)
    ) {
      if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
      if (signal === 1) push(cfg, s, extra, a, p, name);
    }
    // AWS IoT's certificate files: <the certificate id's first hex digits>-certificate.pem.crt, -private.pem.key,
    // -public.pem.key (as the console names them for download)
    const part = ch.matchesAt(s, p - 12, p, "-certificate")
      ? 12
      : ch.matchesAt(s, p - 8, p, "-private")
        ? 8
        : ch.matchesAt(s, p - 7, p, "-public")
          ? 7
          : 0;
    if (part > 0) {
      // (8 to 64 hex digits, of both kinds: not "deadbeef", not a date)
      let h = p - part;
      let digits = 0;
      while (h > a && p - part - h < 64 && (cls(byteAt(s, h - 1)) & C_HEX) !== 0) {
        h--;
        if ((cls(byteAt(s, h)) & C_DIGIT) !== 0) digits++;
      }
      if (h === a && p - part - h >= 8 && digits > 0 && digits < p - part - h)
        push(cfg, s, extra, h, p - part, cfg.byId["canonical-user-id"]);
    }
    floor = p + 4;
    p = s.indexOf(".pem", floor);
  }
  // a bucket mounted as a file system: `s3fs <bucket> <mount point>`, Mountpoint's `mount-s3 [options] <bucket>
  // <directory>`, `goofys <bucket>[:prefix] <mount point>`: the word before the first path on the line that is no
  // option (a path after an option is the option's value: --cache /tmp/c)
  const bucket = cfg.byId["s3-bucket"];
  for (let q = 0; q < 3 && bucket !== undefined; q++) {
    const lit = q === 0 ? "s3fs " : q === 1 ? "mount-s3 " : "goofys ";
    p = firstOf(s, lit);
    while (p >= 0) {
      let k = p + lit.length;
      const limit = k + 512 < n ? k + 512 : n;
      let wa = -1; // the word before, [wa, we)
      let we = -1;
      const command = p === 0 || !nm.isNameUnit(byteAt(s, p - 1));
      while (command && k < limit) {
        while (k < limit && byteAt(s, k) === SPACE) k++;
        const a = k;
        while (k < limit && byteAt(s, k) !== SPACE && byteAt(s, k) !== LF) k++;
        if (k === a) break;
        const c = byteAt(s, a);
        if ((c === SLASH || c === 126 || c === 36) && wa >= 0 && byteAt(s, wa) !== DASH) {
          // (goofys' <bucket>:<prefix>: the bucket before the colon)
          let e = wa;
          while (e < we && byteAt(s, e) !== COLON) e++;
          if (plausibleName(s, wa, e, bucket)) push(cfg, s, extra, wa, e, bucket);
          break;
        }
        wa = a;
        we = k;
        if (k < limit && byteAt(s, k) === LF) break;
      }
      p = s.indexOf(lit, k > p + lit.length ? k : p + lit.length);
    }
  }
  // `aws cloudformation deploy` / `sam deploy`: "Successfully created/updated stack - <name>", the guided prompt's
  // "Stack Name [<default>]: <answer>"
  p = firstOf(s, "updated stack - ");
  while (p >= 0) {
    const e = name !== undefined ? nameAt(cfg, s, p + 16, n, name, extra) : n;
    p = s.indexOf("updated stack - ", e > p + 16 ? e : p + 16);
  }
  // eb status / eb health: "Environment details for: <environment>", and its "Deployed Version: <version label>" (the
  // EB CLI's app-<commit>-<yymmdd_hhmmss>)
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? "Environment details for: " : "Deployed Version: ";
    p = firstOf(s, lit);
    while (p >= 0) {
      if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
      const a = p + lit.length;
      // (a version label is one token that ends its line: not the sample's "Sample Application"; trailing blanks pass)
      let t = a;
      while (w === 1 && t < n && t - a < 256 && byteAt(s, t) > SPACE) t++;
      while (w === 1 && t < n && t - a < 512 && (byteAt(s, t) === SPACE || byteAt(s, t) === ch.TAB)) t++;
      const one = w === 0 || t >= n || byteAt(s, t) === LF || byteAt(s, t) === 13;
      const e = name !== undefined && signal === 1 && one ? nameAt(cfg, s, a, n, name, extra) : a;
      p = s.indexOf(lit, e > a ? e : a);
    }
  }
  p = firstOf(s, "Stack Name [");
  while (p >= 0) {
    const d = unitWithin(s, 93, p + 12, n, 256);
    let e = p + 12;
    if (name !== undefined && d > p + 12 && d + 2 < n && byteAt(s, d + 1) === COLON && byteAt(s, d + 2) === SPACE) {
      nameAt(cfg, s, p + 12, d, name, extra);
      e = nameAt(cfg, s, d + 3, n, name, extra);
    }
    p = s.indexOf("Stack Name [", e);
  }
  // a secret's or a parameter's name after its store's in prose: "in Secrets Manager under prod/ledger/db", "Parameter
  // Store as /prod/app/db-url" (also at, named, called); (fifty-second pass) a parameter's path after "SSM", "lives in
  // SSM at /prod/app/ingest-key" (a path only: "SSM at 10:00" stays)
  for (let q = 0; q < 3 && name !== undefined; q++) {
    const lit = q === 0 ? "Secrets Manager " : q === 1 ? "Parameter Store " : "SSM ";
    p = firstOf(s, lit);
    while (p >= 0) {
      const v = p + lit.length;
      const c0 = v + 3 < n ? byteAt(s, v) : 0;
      let w = v; // the connector's end
      if (c0 === 117 && matchesLowerAt(s, v, n, "under")) w = v + 5;
      else if (c0 === 97 && (byteAt(s, v + 1) === 115 || byteAt(s, v + 1) === 116))
        w = v + 2; // as, at
      else if (c0 === 110 && matchesLowerAt(s, v, n, "named")) w = v + 5;
      else if (c0 === 99 && matchesLowerAt(s, v, n, "called")) w = v + 6;
      // (a name's shape: a "/", "-", "_" or digit in it; "as well", "at rest", "under load" stay; the name may stand in
      // backticks or quotes, "SSM at `/prod/app/key`"; after "SSM" a path, not one of AWS's public parameters,
      // /aws/service/ami-amazon-linux-latest/...)
      let f = w + 1;
      if (f + 1 < n && (byteAt(s, f) === ch.BACKTICK || byteAt(s, f) === QUOTE || byteAt(s, f) === ch.APOS)) f++;
      const spaced =
        w > v &&
        f < n &&
        byteAt(s, w) === SPACE &&
        (q < 2 || (byteAt(s, f) === SLASH && !ch.matchesAt(s, f, n, "/aws/service/")));
      let k = f;
      let marks = 0;
      while (spaced && k < n && k - w < 256 && (nm.isNameUnit(byteAt(s, k)) || byteAt(s, k) === SLASH)) {
        const c = byteAt(s, k);
        if (c === SLASH || c === DASH || c === UNDERSCORE || (cls(c) & C_DIGIT) !== 0) marks++;
        k++;
      }
      // (a name in a code span ends at its backtick)
      const e = marks > 0 ? nameAt(cfg, s, f, f > w + 1 && byteAt(s, w + 1) === ch.BACKTICK ? k : n, name, extra) : v;
      p = s.indexOf(lit, e > v ? e : v);
    }
  }
  // Spring Cloud AWS's config imports: spring.config.import=aws-secretsmanager:<secret>;<secret>,
  // aws-parameterstore:<path>/ (several joined by ";"; "optional:" may stand before the store's prefix)
  for (let q = 0; q < 2 && name !== undefined; q++) {
    const lit = q === 0 ? "aws-secretsmanager:" : "aws-parameterstore:";
    p = firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      for (let items = 0; items < 64; items++) {
        let e = a;
        while (e < n && e - a < 512 && (nm.isNameUnit(byteAt(s, e)) || byteAt(s, e) === SLASH)) e++;
        // (the next import's prefix: optional:, aws-parameterstore:)
        if (e < n && byteAt(s, e) === COLON) break;
        let b = e;
        while (b > a + 1 && byteAt(s, b - 1) === SLASH) b--;
        if (b - a >= 3 && !idShaped(cfg, s, a, b) && plausibleName(s, a, b, name)) push(cfg, s, extra, a, b, name);
        if (e >= n || byteAt(s, e) !== 59) break;
        a = e + 1;
      }
      p = s.indexOf(lit, p + lit.length);
    }
  }
  // an API Gateway WebSocket connection's id: the management API's path .../@connections/<id> (also URL-encoded,
  // %40connections/<id>%3D; in JSON, @connections\/<id>) and the id a route's integration receives
  // ("connectionId":"Lq2xYcKpIAMCJzg=")
  for (let q = 0; q < 3 && name !== undefined; q++) {
    const lit = q === 0 ? "connections/" : q === 1 ? 'connectionId":"' : "connections\\/";
    p = firstOf(s, lit);
    while (p >= 0) {
      const a = p + lit.length;
      const at =
        q === 1 || (p > 0 && byteAt(s, p - 1) === 64) || (q === 0 && p > 2 && matchesLowerAt(s, p - 3, p, "%40"));
      let e = a;
      while (at && e < n && e - a < 128) {
        const c = byteAt(s, e);
        if ((cls(c) & C_ALNUM) !== 0 || c === 61 || c === DASH || c === UNDERSCORE || c === ch.PLUS) e++;
        else if (c === 37 && e + 2 < n && (cls(byteAt(s, e + 1)) & C_DIGIT) !== 0)
          e += 3; // %3D
        else break;
      }
      if (e - a >= 8 && e - a <= 96) push(cfg, s, extra, a, e, name);
      p = s.indexOf(lit, a);
    }
  }
  // psql's prompt, the database it is connected to at its line's start (finchdw=> \dt, finchdw=# select ...), and its
  // continuation prompt (finchdw-> FROM ..., finchdw-# WHERE ...), in text with an AWS signal (an RDS or Redshift
  // endpoint, a cluster's ARN)
  const database = cfg.byId["database-name"];
  for (let q = 0; q < 4 && database !== undefined; q++) {
    const lit = q === 0 ? "=> " : q === 1 ? "=# " : q === 2 ? "-> " : "-# ";
    p = firstOf(s, lit);
    let signal = -1;
    while (p >= 0) {
      let a = p;
      while (a > 0 && p - a < 64 && ((cls(byteAt(s, a - 1)) & C_ALNUM) !== 0 || byteAt(s, a - 1) === UNDERSCORE)) a--;
      if (p - a >= 3 && (a === 0 || byteAt(s, a - 1) === LF) && plausibleName(s, a, p, database)) {
        if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
        if (signal === 1) push(cfg, s, extra, a, p, database);
      }
      p = s.indexOf(lit, p + 3);
    }
  }
  // the bucket of a remote path: rclone's <remote>:<bucket>/<path> (rclone sync /srv s3remote:backups/nightly, and a
  // crypt remote's "remote = s3remote:backups/enc" in rclone.conf), the MinIO client's <alias>/<bucket>/<prefix> (mc cp
  // ./x awsprod/exports/drop/); a command starts its line (or follows "$ ", a backtick, a quote)
  const remoteBucket = cfg.byFamily["s3-bucket"];
  for (let q = 0; q < 3; q++) {
    const lit = q === 0 ? "rclone " : q === 1 ? "remote = " : "mc ";
    p = firstOf(s, lit);
    let read = 0; // the end of the last command read: one inside it is its argument (linear on a run of them)
    while (p >= 0) {
      const prev = p > 0 ? byteAt(s, p - 1) : LF;
      const start =
        p >= read &&
        (prev === LF ||
          (q !== 1 &&
            (prev === 96 || prev === QUOTE || prev === 39 || (prev === SPACE && p > 1 && byteAt(s, p - 2) === 36))));
      let k = p + lit.length;
      let le = k;
      while (start && le < n && le - k < 1024 && byteAt(s, le) !== LF && byteAt(s, le) !== 96) le++;
      if (start) read = le;
      // each blank-separated argument (after the command's first word, its verb)
      for (let args = 0; start && k < le && args < 64; args++) {
        while (k < le && byteAt(s, k) === SPACE) k++;
        const a = k;
        let sep = -1;
        while (k < le && byteAt(s, k) !== SPACE && byteAt(s, k) !== QUOTE && byteAt(s, k) !== 39) {
          if (sep < 0 && (byteAt(s, k) === COLON || (q === 2 && byteAt(s, k) === SLASH))) sep = k;
          k++;
        }
        if (k < le) k++;
        const c0 = a < le ? byteAt(s, a) : 0;
        // (not a flag, a local path, a URL, a one-letter drive)
        if (
          sep - a < 2 ||
          c0 === DASH ||
          c0 === DOT ||
          c0 === SLASH ||
          c0 === 126 ||
          byteAt(s, sep) !== (q === 2 ? SLASH : COLON)
        )
          continue;
        if (byteAt(s, sep + 1) === SLASH) continue;
        const e = bucketEnd(s, sep + 1, le);
        const after = e < le ? byteAt(s, e) : SPACE;
        if (
          e - sep - 1 >= 3 &&
          e - sep - 1 <= 63 &&
          (after === SLASH || after === SPACE || after === QUOTE || after === 39 || after === 13)
        )
          push(cfg, s, extra, sep + 1, e, remoteBucket);
      }
      p = s.indexOf(lit, p + lit.length);
    }
  }
  // an assumed role without its ARN's head ("Federated user: assumed-role/<role>/<session>", a log's principal): the
  // role and the session (after "arn:...:" the ARN matcher reads them)
  p = firstOf(s, "assumed-role/");
  while (p >= 0) {
    const a = p + 13;
    let slash = a;
    while (slash < n && slash - a < 64 && nm.isNameUnit(byteAt(s, slash))) slash++;
    let e = slash;
    const role = cfg.arnKinds["iam:role"];
    const session = cfg.arnKinds["sts:assumed-role"];
    if ((p === 0 || byteAt(s, p - 1) !== COLON) && slash < n && byteAt(s, slash) === SLASH && role !== undefined) {
      e = slash + 1;
      while (e < n && e - slash < 128 && (nm.isNameUnit(byteAt(s, e)) || byteAt(s, e) === 61 || byteAt(s, e) === 44))
        e++;
      while (e > slash + 1 && (byteAt(s, e - 1) === DOT || byteAt(s, e - 1) === 44)) e--;
      if (plausibleName(s, a, slash, role)) push(cfg, s, extra, a, slash, role);
      if (session !== undefined && e - slash > 2 && plausibleName(s, slash + 1, e, session))
        push(cfg, s, extra, slash + 1, e, session);
    }
    p = s.indexOf("assumed-role/", e > a ? e : a);
  }
  // the console's account menu: "<Role>/<session> @ <account>": the session (the account is found by its own rules)
  p = firstOf(s, " @ ");
  while (p >= 0) {
    let a = p;
    while (a > 0 && p - a < 128 && (nm.isNameUnit(byteAt(s, a - 1)) || byteAt(s, a - 1) === SLASH)) a--;
    let slash = p - 1;
    while (slash > a && byteAt(s, slash) !== SLASH) slash--;
    const session = cfg.arnKinds["sts:assumed-role"];
    // (the role's name as the console shows it, capitalized: AdministratorAccess; not a git ref, origin/main @ ...)
    if (
      slash > a &&
      p - slash > 3 &&
      (cls(byteAt(s, a)) & C_UPPER) !== 0 &&
      session !== undefined &&
      plausibleName(s, slash + 1, p, session)
    )
      push(cfg, s, extra, slash + 1, p, session);
    p = s.indexOf(" @ ", p + 3);
  }
  // Pulumi's URNs: urn:pulumi:<stack>::<project>::<type>::<name> (its type may chain parent types with "$"): the
  // stack, the project and the resource's name, which is often its physical name's start (ledger-artifacts-7f3c2e1)
  p = firstOf(s, "urn:pulumi:");
  while (p >= 0 && name !== undefined) {
    let k = p + 11;
    for (let part = 0; part < 4 && k < n; part++) {
      let e = k;
      while (e < n && e - k < 512 && !(byteAt(s, e) === COLON && e + 1 < n && byteAt(s, e + 1) === COLON)) {
        const c = byteAt(s, e);
        if (c === SPACE || c === LF || c === 13 || c === 9 || c === QUOTE || c === ch.APOS || c === 96) break;
        e++;
      }
      // (part 2 is the type: aws:s3/bucket:Bucket, pulumi:pulumi:Stack)
      if (part !== 2 && e > k && plausibleName(s, k, e, name)) push(cfg, s, extra, k, e, name);
      if (e + 1 >= n || byteAt(s, e) !== COLON || part === 3) {
        k = e;
        break;
      }
      k = e + 2;
    }
    p = s.indexOf("urn:pulumi:", k > p + 11 ? k : p + 11);
  }
  // an ECS task's log stream (awslogs: <prefix>/<container>/<task id>, the prefix "ecs" in ECS's and Copilot's
  // examples): the container's name and the task's 32 hex id; the console's log group /ecs/<task family>: a name
  // (and Copilot's: its streams copilot/<service>/<task id>, its log groups /copilot/<app>-<env>-<service>)
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? "ecs/" : "copilot/";
    p = firstOf(s, lit);
    while (p >= 0 && name !== undefined) {
      const a = p + lit.length;
      let slash = a;
      while (slash < n && slash - a < 255 && nm.isNameUnit(byteAt(s, slash))) slash++;
      const e = slash + 33;
      if (
        (p === 0 || !nm.isNameUnit(byteAt(s, p - 1))) &&
        slash > a &&
        e <= n &&
        byteAt(s, slash) === SLASH &&
        runOf(s, slash + 1, e, C_HEX) === 32 &&
        endsAt(s, e, n) &&
        cfg.hex32Kind !== undefined
      ) {
        if (plausibleName(s, a, slash, name)) push(cfg, s, extra, a, slash, name);
        push(cfg, s, extra, slash + 1, e, cfg.hex32Kind);
      } else if (
        p > 0 &&
        byteAt(s, p - 1) === SLASH &&
        (p === 1 || (!nm.isNameUnit(byteAt(s, p - 2)) && byteAt(s, p - 2) !== SLASH && byteAt(s, p - 2) !== COLON)) &&
        slash > a + 2 &&
        (slash >= n || byteAt(s, slash) !== SLASH) &&
        endsAt(s, slash, n) &&
        plausibleName(s, p - 1, slash, name)
      ) {
        push(cfg, s, extra, p - 1, slash, name);
      }
      p = s.indexOf(lit, slash > a ? slash : a);
    }
  }
  // RDS for PostgreSQL's log lines (log_line_prefix %t:%r:%u@%d:[%p]:): the user and the database before ":[<pid>]"
  // (only in a text with an "@": ":[" opens every JSON list of compact JSON)
  p = s.indexOf("@") >= 0 ? firstOf(s, ":[") : -1;
  while (p >= 0 && name !== undefined) {
    let d = p;
    while (d > 0 && p - d < 64 && byteAt(s, d - 1) !== 64 && nm.isNameUnit(byteAt(s, d - 1))) d--;
    let u = d - 1;
    while (u > 0 && d - u < 64 && byteAt(s, u - 1) !== 64 && nm.isNameUnit(byteAt(s, u - 1))) u--;
    let k = p + 2;
    while (k < n && k - p < 12 && (cls(byteAt(s, k)) & C_DIGIT) !== 0) k++;
    if (
      d > 1 &&
      byteAt(s, d - 1) === 64 &&
      u > 0 &&
      u < d - 1 &&
      d < p &&
      byteAt(s, u - 1) === COLON &&
      k > p + 2 &&
      k + 1 < n &&
      byteAt(s, k) === 93 &&
      byteAt(s, k + 1) === COLON
    ) {
      const db = cfg.byId["database-name"];
      if (plausibleName(s, u, d - 1, name)) push(cfg, s, extra, u, d - 1, name);
      if (db !== undefined && plausibleName(s, d, p, db)) push(cfg, s, extra, d, p, db);
    }
    p = s.indexOf(":[", p + 2);
  }
  // Amazon Redshift's audit logs: the user activity log's "[ db=<database> user=<user> pid=...", the connection log's
  // pipe-separated lines (<event> |<time> |<remote host> |<port> |<pid> |<database> |<user> |...)
  p = firstOf(s, "[ db=");
  while (p >= 0 && name !== undefined) {
    let e = nameAt(cfg, s, p + 5, n, cfg.byId["database-name"] ?? name, extra);
    if (matchesLowerAt(s, e, n, " user=")) e = nameAt(cfg, s, e + 6, n, name, extra);
    p = s.indexOf("[ db=", e);
  }
  for (let q = 0; q < 2 && name !== undefined; q++) {
    const lit = q === 0 ? "authenticated" : " session";
    p = firstOf(s, lit);
    while (p >= 0) {
      let ls = p;
      while (ls > 0 && p - ls < 16 && (cls(byteAt(s, ls - 1)) & C_LOWER) !== 0) ls--;
      let k = p + lit.length;
      while (k < n && k - p < 48 && byteAt(s, k) === SPACE) k++;
      if ((ls === 0 || byteAt(s, ls - 1) === LF) && k < n && byteAt(s, k) === ch.PIPE) {
        // (the event's pipe ends field 0; fields 5 and 6 are the database and the user)
        let fs = k + 1;
        for (let field = 1; field < 7 && k < n && k - p < 512 && byteAt(s, k) !== LF;) {
          k++;
          if (k < n && byteAt(s, k) === ch.PIPE) {
            if (field >= 5) nameAt(cfg, s, fs, k, field === 5 ? (cfg.byId["database-name"] ?? name) : name, extra);
            field++;
            fs = k + 1;
          }
        }
      }
      p = s.indexOf(lit, k > p + lit.length ? k : p + lit.length);
    }
  }
  // Aurora MySQL's and RDS for MariaDB's audit log lines (<timestamp>,<server host>,<user>,<host>,<connection id>,
  // <query id>,<operation>,<database>,<object>,<return code>): the user and the database, found by the operation
  // (CONNECT, DISCONNECT, FAILED_CONNECT, QUERY)
  for (let q = 0; q < 2 && name !== undefined; q++) {
    const lit = q === 0 ? "CONNECT," : "QUERY,";
    p = firstOf(s, lit);
    while (p >= 0) {
      let k = p + lit.length;
      // back from the operation (an upper-case word) over six commas on its line: the operation's, the query id's,
      // the connection id's, the client's, the user's and the timestamp's, within 512 units
      let c = p;
      let commas = 0;
      let u = -1;
      let ue = -1;
      while (c > 0 && p - c < 512 && commas < 6) {
        const x = byteAt(s, c - 1);
        if (x === LF || (commas === 0 && x !== ch.COMMA && x !== UNDERSCORE && (cls(x) & C_UPPER) === 0)) break;
        if (x === ch.COMMA) {
          commas++;
          if (commas === 4) ue = c - 1;
          else if (commas === 5) u = c;
        }
        c--;
      }
      // (c is at the timestamp's comma: ten digits or more open the line before it)
      let t = c;
      while (t > 0 && c - t < 24 && (cls(byteAt(s, t - 1)) & C_DIGIT) !== 0) t--;
      if (commas === 6 && c - t >= 10 && (t === 0 || byteAt(s, t - 1) === LF)) {
        if (ue > u) nameAt(cfg, s, u, ue, name, extra);
        let de = k;
        while (de < n && de - k < 128 && byteAt(s, de) !== ch.COMMA && byteAt(s, de) !== LF) de++;
        if (de > k) nameAt(cfg, s, k, de, cfg.byId["database-name"] ?? name, extra);
        k = de;
      }
      p = s.indexOf(lit, k);
    }
  }
  // MySQL's slow query log ("# User@Host: <user>[<user>] @ <host> [<ip>]", then "use <database>;" before the query)
  // and general log ("<time> <id> Connect <user>@<host> on <database> using TCP/IP"), as RDS and Aurora write them
  p = name !== undefined ? firstOf(s, "# User@Host: ") : -1;
  while (p >= 0) {
    const a = p + 13;
    const br = unitWithin(s, 91, a, n, 128);
    let e = a;
    if (br > a) {
      nameAt(cfg, s, a, br, name, extra);
      const close = unitWithin(s, 93, br + 1, n, 128);
      if (close > br + 1) nameAt(cfg, s, br + 1, close, name, extra);
      // "use <database>;" opens a line among the next few
      let o = unitWithin(s, LF, a, n, 512);
      for (let lines = 0; lines < 4 && o >= 0; lines++) {
        o++;
        if (matchesLowerAt(s, o, n, "use ")) {
          const se = unitWithin(s, 59, o + 4, n, 128);
          if (se > o + 4) nameAt(cfg, s, o + 4, se, cfg.byId["database-name"] ?? name, extra);
          break;
        }
        o = unitWithin(s, LF, o, n, 4096);
      }
      e = close > br ? close : br;
    }
    p = s.indexOf("# User@Host: ", e > p ? e : p + 13);
  }
  p = name !== undefined ? firstOf(s, " Connect\t") : -1;
  while (p >= 0) {
    const a = p + 9;
    let at = a;
    while (at < n && at - a < 128 && nm.isNameUnit(byteAt(s, at)) && byteAt(s, at) !== 64) at++;
    let e = a;
    if (at > a && at < n && byteAt(s, at) === 64) {
      nameAt(cfg, s, a, at, name, extra);
      e = at + 1;
      while (e < n && e - at < 256 && byteAt(s, e) !== SPACE && byteAt(s, e) !== LF) e++;
      if (matchesLowerAt(s, e, n, " on ")) e = nameAt(cfg, s, e + 4, n, cfg.byId["database-name"] ?? name, extra);
    }
    p = s.indexOf(" Connect\t", e > p + 9 ? e : p + 9);
  }
  // a database's login error: MySQL's "Access denied for user '<user>'@'<host>'", PostgreSQL's "password
  // authentication failed for user \"<user>\""
  p = name !== undefined ? firstOf(s, "for user ") : -1;
  while (p >= 0) {
    const q = byteAt(s, p + 9);
    let e = p + 9;
    if (q === 39 || q === QUOTE) {
      const close = unitWithin(s, q, p + 10, n, 128);
      if (close > p + 10) {
        nameAt(cfg, s, p + 10, close, name, extra);
        e = close;
      }
    }
    p = s.indexOf("for user ", e);
  }
  // (fifty-second pass) the same error in PostgreSQL's translations (psql run with LANG=de_DE.UTF-8, fr_FR, es_ES,
  // pt_BR, ko_KR ...): "f\u00fcr Benutzer \u00bbx\u00ab", "pour l'utilisateur \u00ab x \u00bb", "para o usu\u00e1rio "x"", "\uc0ac\uc6a9\uc790 "x"\uc758"
  for (let q = 0; q < nm.LOCALIZED_USER_WORDS.length && name !== undefined; q++) {
    const lit = nm.LOCALIZED_USER_WORDS[q];
    p = firstOf(s, lit);
    while (p >= 0) {
      if (nm.localizedQuotedUser(s, p, q, n, VALUE_SPAN)) nameAt(cfg, s, VALUE_SPAN.s, VALUE_SPAN.e, name, extra);
      p = s.indexOf(lit, VALUE_SPAN.e);
    }
  }
  // the names a database's errors quote: PostgreSQL's `database "<db>" does not exist`, `role "<role>" does not
  // exist`, pg_hba's `no pg_hba.conf entry for host "<ip>", user "<user>", database "<db>"`, MySQL's `Unknown database
  // '<db>'`, `... to database '<db>'` (the user of "for user" above is taken there)
  for (let q = 0; q < 4 && name !== undefined; q++) {
    const lit = q === 0 ? 'database "' : q === 1 ? "database '" : q === 2 ? 'role "' : 'user "';
    const kind = q < 2 ? (cfg.byId["database-name"] ?? name) : name;
    p = firstOf(s, lit);
    while (p >= 0) {
      const a = p + lit.length;
      const close = unitWithin(s, byteAt(s, a - 1), a, n, 128);
      if (close > a && !(q === 3 && matchesLowerAt(s, p - 4, n, "for "))) nameAt(cfg, s, a, close, kind, extra);
      p = s.indexOf(lit, close > a ? close : a);
    }
  }
  // CodeDeploy's agent: /opt/codedeploy-agent/deployment-root/<deployment group id>/<deployment id>/
  p = firstOf(s, "deployment-root/");
  while (p >= 0 && name !== undefined) {
    const a = p + 16;
    const e = ch.uuidEnd(s, a, n, false);
    if (e > 0) push(cfg, s, extra, a, e, name);
    p = s.indexOf("deployment-root/", e > a ? e : a);
  }
  // aws configure sso's prompts: "SSO session name (Recommended): <answer>", "CLI profile name [<default>]: <answer>"
  // (the default and the answer are names)
  for (let q = 0; q < 2 && name !== undefined; q++) {
    const lit = q === 0 ? "SSO session name" : "CLI profile name";
    p = firstOf(s, lit);
    while (p >= 0) {
      let k = p + 16;
      while (k < n && k - p < 96 && byteAt(s, k) !== COLON && byteAt(s, k) !== LF) {
        if (byteAt(s, k) === 91) k = nameAt(cfg, s, k + 1, unitWithin(s, 93, k + 1, n, 128), name, extra);
        else k++;
      }
      if (k + 1 < n && byteAt(s, k) === COLON && byteAt(s, k + 1) === SPACE) k = nameAt(cfg, s, k + 2, n, name, extra);
      p = s.indexOf(lit, k > p + 16 ? k : p + 16);
    }
  }
  // aws logs tail <group>: its one positional argument is a log group's name
  p = firstOf(s, "logs tail ");
  while (p >= 0) {
    const e =
      name !== undefined && p + 10 < n && byteAt(s, p + 10) !== DASH ? nameAt(cfg, s, p + 10, n, name, extra) : 0;
    p = s.indexOf("logs tail ", e > p + 10 ? e : p + 10);
  }
  // cdk diff / deploy / destroy / synth <stack> ...: every word that is no flag is a stack's name (a flag's value too,
  // --profile's: fail closed)
  p = firstOf(s, "cdk ");
  while (p >= 0 && name !== undefined) {
    let e = p + 4;
    if (
      (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0) &&
      (matchesLowerAt(s, e, n, "diff ") ||
        matchesLowerAt(s, e, n, "deploy ") ||
        matchesLowerAt(s, e, n, "destroy ") ||
        matchesLowerAt(s, e, n, "synth "))
    ) {
      while (byteAt(s, e) !== SPACE) e++;
      // (up to the line's end, a shell operator or the next cdk command; 16 words at most)
      for (let words = 0; words < 16 && e < n && byteAt(s, e) !== LF && byteAt(s, e) !== 13;) {
        if (byteAt(s, e) === SPACE || byteAt(s, e) === 9) e++;
        else if (matchesLowerAt(s, e, n, "cdk ")) break;
        else if (byteAt(s, e) === DASH || byteAt(s, e) === 124 || byteAt(s, e) === 38 || byteAt(s, e) === 59) {
          // a flag; a pipe or another command ends the arguments
          if (byteAt(s, e) !== DASH) break;
          while (e < n && byteAt(s, e) !== SPACE && byteAt(s, e) !== LF) e++;
          words++;
        } else {
          e = nameAt(cfg, s, e, n, name, extra);
          words++;
        }
      }
    }
    p = s.indexOf("cdk ", e);
  }
  // aws-nuke's lines: "<region> - <ResourceType> - <id or name> - [<properties>] - would remove": the third field
  // (only in a text with one of its statuses: " - " is common in prose, and a search per string costs the cold scan)
  p = firstOf(s, "remove") >= 0 || firstOf(s, "filtered") >= 0 ? firstOf(s, " - ") : -1;
  while (p >= 0 && name !== undefined) {
    let ls = p;
    while (ls > 0 && p - ls < 24 && byteAt(s, ls - 1) !== LF) ls--;
    let e = p + 3;
    if ((ls === 0 || byteAt(s, ls - 1) === LF) && (isRegionLabel(s, ls, p) || matchesLowerAt(s, ls, p, "global"))) {
      let t = e;
      while (t < n && t - e < 64 && (cls(byteAt(s, t)) & C_ALNUM) !== 0) t++;
      if (t > e && (cls(byteAt(s, e)) & C_UPPER) !== 0 && matchesLowerAt(s, t, n, " - ")) {
        e = nameAt(cfg, s, t + 3, n, name, extra);
      }
    }
    p = s.indexOf(" - ", e);
  }
  // ansible's aws_ec2 inventory: a keyed group of the Name tag (tag_Name_<value>, non-word units as "_")
  p = firstOf(s, "tag_Name_");
  while (p >= 0 && name !== undefined) {
    const a = p + 9;
    let e = a;
    while (e < n && e - a < 256 && ((cls(byteAt(s, e)) & C_ALNUM) !== 0 || byteAt(s, e) === UNDERSCORE)) e++;
    if ((p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0) && e - a >= 2 && plausibleName(s, a, e, name))
      push(cfg, s, extra, a, e, name);
    p = s.indexOf("tag_Name_", e);
  }
  // External Secrets Operator: the secret's name is the "key:" under remoteRef / extract
  p = firstOf(s, "remoteRef:");
  while (p >= 0) {
    let k = unitWithin(s, LF, p, n, 256);
    // the block's next lines (at most four), up to its key
    for (let l = 0; l < 4 && k > 0; l++) {
      let a = k + 1;
      while (a < n && (byteAt(s, a) === SPACE || byteAt(s, a) === 9)) a++;
      if (name !== undefined && matchesLowerAt(s, a, n, "key: ")) {
        k = nameAt(cfg, s, a + 5, n, name, extra);
        break;
      }
      k = unitWithin(s, LF, a, n, 256);
    }
    p = s.indexOf("remoteRef:", k > p ? k : p + 10);
  }
  // terraform import <address> <id>, and its "Importing from ID" line: the id (a bucket's name for aws_s3_bucket)
  p = firstOf(s, "terraform import ");
  while (p >= 0) {
    // its words: options (-var=...), the address, the id
    let a = p + 17;
    let e = a;
    for (let w = 0; w < 8; w++) {
      e = a;
      while (e < n && e - a < 256 && byteAt(s, e) !== SPACE && byteAt(s, e) !== LF) e++;
      if (byteAt(s, a) !== DASH || e >= n || byteAt(s, e) !== SPACE) break;
      a = e + 1;
    }
    if (e > a && e < n && byteAt(s, e) === SPACE && byteAt(s, a) !== DASH)
      e = nameAt(
        cfg,
        s,
        e + 1,
        n,
        cfg.byId[matchesLowerAt(s, a, n, "aws_s3_bucket.") ? "s3-bucket" : "resource-name"],
        extra,
      );
    p = s.indexOf("terraform import ", e);
  }
  p = firstOf(s, 'Importing from ID "');
  while (p >= 0) {
    // "<address>: Importing from ID": the address starts the line
    let ls = p;
    while (ls > 0 && p - ls < 256 && byteAt(s, ls - 1) !== LF) ls--;
    const e = nameAt(
      cfg,
      s,
      p + 19,
      n,
      cfg.byId[matchesLowerAt(s, ls, n, "aws_s3_bucket.") ? "s3-bucket" : "resource-name"],
      extra,
    );
    p = s.indexOf('Importing from ID "', e > p ? e : p + 1);
  }
  // a CloudWatch alarm notification's subject, as SNS mails it and paging tools repeat it: `ALARM: "<alarm name>" in
  // US East (N. Virginia)` (and OK:, INSUFFICIENT_DATA:); the name is the alarm's, whatever its words, up to the quote
  // followed by " in " and a region's display name (capitalised, a parenthesis on the line)
  for (let state = 0; state < 3; state++) {
    const lit = state === 0 ? 'ALARM: "' : state === 1 ? 'OK: "' : 'INSUFFICIENT_DATA: "';
    p = firstOf(s, lit);
    while (p >= 0) {
      const a = p + lit.length;
      const q = unitWithin(s, QUOTE, a, n, 256);
      let e = a + 1;
      if (q > a && unitWithin(s, LF, a, q, q - a) < 0 && ch.matchesAt(s, q, n, '" in ') && q + 5 < n) {
        const open = unitWithin(s, ch.LPAREN, q + 5, n, 40);
        if ((cls(byteAt(s, q + 5)) & C_UPPER) !== 0 && open > 0 && unitWithin(s, LF, q + 5, open, open - q - 5) < 0) {
          push(cfg, s, extra, a, q, cfg.byId["resource-name"]);
          e = q + 1;
        }
      }
      p = s.indexOf(lit, e);
    }
  }
  // AWS AppConfig's configuration locations (LocationUri): ssm-parameter://<parameter>, ssm-document://<document>,
  // secretsmanager://<secret>, codepipeline://<pipeline>: the name after the scheme, up to a quote, blank or comma; and
  // a log group named after "CloudWatch Logs " or "log group " in prose (a path of two slashes or more: "CloudWatch
  // Logs /fis/gameday", "the log group /brindlecove/windows/security"; fifty-first pass: "CloudWatch /bc/r53/logs")
  for (let scheme = 0; scheme < 7; scheme++) {
    const lit =
      scheme === 0
        ? "ssm-parameter://"
        : scheme === 1
          ? "ssm-document://"
          : scheme === 2
            ? "secretsmanager://"
            : scheme === 3
              ? "codepipeline://"
              : scheme === 4
                ? "CloudWatch Logs /"
                : scheme === 5
                  ? "CloudWatch /"
                  : "group /";
    p = firstOf(s, lit);
    while (p >= 0) {
      // (the log group starts at the literal's last unit, its "/"; "group /" after "log " or "logs ")
      const a = scheme >= 4 ? p + lit.length - 1 : p + lit.length;
      // ("CloudWatch /" leaves AWS's prefixes to the rules that read them: /aws/lambda/<function> its function,
      // /aws-glue/jobs/error AWS's own)
      const logGroup =
        scheme < 5 ||
        (scheme === 5 &&
          !(ch.matchesAt(s, a, a + 4, "/aws") && (byteAt(s, a + 4) === SLASH || byteAt(s, a + 4) === DASH))) ||
        (scheme === 6 &&
          p >= 5 &&
          byteAt(s, p - 1) === SPACE &&
          (matchesLowerAt(s, p - 4, p - 1, "log") || matchesLowerAt(s, p - 5, p - 1, "logs")));
      let e = a;
      let slashes = 0;
      while (e < n && e - a < 512) {
        const c = byteAt(s, e);
        if (c <= SPACE || c === QUOTE || c === ch.APOS || c === ch.COMMA || c === 96 || c === ch.RPAREN) break;
        if (c === SLASH) slashes++;
        e++;
      }
      // (a sentence's end is no part of it)
      while (e > a && (byteAt(s, e - 1) === DOT || byteAt(s, e - 1) === COLON)) e--;
      if (
        e > a &&
        logGroup &&
        (scheme < 4 || (slashes >= 2 && byteAt(s, e - 1) !== SLASH && !(e - a > 15 && nm.awsPublicName(s, a, e))))
      )
        push(cfg, s, extra, a, e, cfg.byId["resource-name"]);
      p = s.indexOf(lit, e > a ? e : a + 1);
    }
  }
  // every query but the first holds "--query ": without it in s, one search instead of six
  const queries = firstOf(s, "--query ") >= 0;
  for (const q of creds.SECRET_QUERIES) {
    if (!queries && q !== creds.SECRET_QUERIES[0] && !creds.gossipQuery(q)) break;
    p = firstOf(s, q);
    while (p >= 0) {
      // the command line ends; the next line is the secret (up to the next prompt or blank line)
      const a = unitWithin(s, 10, p, n, 4096);
      if (a < 0) break;
      const e = creds.secretLine(s, a + 1, n, false, CRED_SPAN);
      // (a gossip key's command prints the key alone: its next line in another shape is prose, the next command)
      if (
        CRED_SPAN.e > CRED_SPAN.s &&
        byteAt(s, CRED_SPAN.s) !== 36 &&
        creds.printsSecret(s, p, a, n) &&
        (!creds.gossipQuery(q) || creds.gossipKey(s, CRED_SPAN.s, CRED_SPAN.e))
      )
        push(cfg, s, extra, CRED_SPAN.s, CRED_SPAN.e, cfg.byId["credential"]);
      p = s.indexOf(q, e > p ? e : p + 1);
    }
  }
  // a sensitive output as Terraform prints it on request (terraform output [-raw|-json|-no-color ...] db_password: the
  // next line), when the output's name is a credential's; and a setting as `aws configure get <key>` prints it (the
  // next line: a credential's, or a name's, sso_role_name, sso_session, source_profile; region and output stay)
  for (let q = 0; q < 2; q++) {
    const lit = q === 0 ? "output " : "configure get ";
    p = firstOf(s, lit);
    while (p >= 0) {
      let k = p + lit.length;
      const tf =
        q === 1
          ? p >= 4 && ch.matchesAt(s, p - 4, p, "aws ")
          : (p >= 10 && ch.matchesAt(s, p - 10, p, "terraform ")) ||
            (p >= 5 && ch.matchesAt(s, p - 5, p, "tofu ")) ||
            (p >= 11 && ch.matchesAt(s, p - 11, p, "terragrunt "));
      // (its flags first)
      while (tf && k < n && k - p < 128 && byteAt(s, k) === DASH) {
        while (k < n && k - p < 128 && byteAt(s, k) > SPACE) k++;
        while (k < n && byteAt(s, k) === SPACE) k++;
      }
      const quoted = k < n && byteAt(s, k) === QUOTE ? 1 : 0;
      let ke = k + quoted;
      while (ke < n && ke - k < 128 && ch.isKeyUnit(byteAt(s, ke))) ke++;
      let ne = ke + quoted;
      // (configure get's options after its key: --profile x)
      if (q === 1) ne = unitWithin(s, LF, ne, n, 256) < 0 ? ne : unitWithin(s, LF, ne, n, 256);
      const a = ne < n && byteAt(s, ne) === LF ? ne : ne + 1 < n && byteAt(s, ne) === 13 ? ne + 1 : -1;
      let e = ne;
      const secret = ke > k + quoted && creds.credentialKeyCode(s, k + quoted, ke) !== CRED_NONE;
      if (
        tf &&
        a >= 0 &&
        ke > k + quoted &&
        (secret || (q === 1 && nm.profileSettingKey(s, k, ke))) &&
        creds.printsSecret(s, p, a, n)
      ) {
        e = creds.secretLine(s, a + 1, n, true, CRED_SPAN);
        const kind = secret ? cfg.byId["credential"] : cfg.byId["resource-name"];
        if (
          CRED_SPAN.e > CRED_SPAN.s &&
          (secret ||
            (creds.loneToken(s, CRED_SPAN.s, CRED_SPAN.e) &&
              !idShaped(cfg, s, CRED_SPAN.s, CRED_SPAN.e) &&
              // (AWS's own: a predefined permission set, AdministratorAccess; the CLI's default profile; botocore's
              // default session name)
              !nm.predefinedPermissionSet(s, CRED_SPAN.s, CRED_SPAN.e) &&
              !ch.plainWord(s, CRED_SPAN.s, CRED_SPAN.e) &&
              !ch.matchesAt(s, CRED_SPAN.s, CRED_SPAN.e, "botocore-session-")))
        )
          push(cfg, s, extra, CRED_SPAN.s, CRED_SPAN.e, kind);
      }
      p = s.indexOf(lit, e > p + lit.length ? e : p + lit.length);
    }
  }
  // a file that holds a secret alone, as cat prints it on the next line: a path whose last segment names a credential
  // (Lightsail's WordPress guide: cat $HOME/bitnami_application_password; /run/secrets/db_password, a .token file;
  // not /etc/passwd)
  // (the path may be quoted, and followed by "; echo", ";echo" or "&& echo": a file without a final line feed)
  p = firstOf(s, "cat ");
  while (p >= 0) {
    const c0 = p > 0 ? byteAt(s, p - 1) : LF;
    const quote = p + 4 < n && (byteAt(s, p + 4) === QUOTE || byteAt(s, p + 4) === 39) ? byteAt(s, p + 4) : 0;
    const ps = quote > 0 ? p + 5 : p + 4;
    let e = ps;
    while (
      e < n &&
      e - p < 260 &&
      byteAt(s, e) > SPACE &&
      byteAt(s, e) !== QUOTE &&
      byteAt(s, e) !== 39 &&
      byteAt(s, e) !== 59
    )
      e++;
    let a = quote > 0 && e < n && byteAt(s, e) === quote ? e + 1 : e;
    if (a > e || quote === 0) {
      a = creds.echoAfter(s, a, n);
      if (a < n && byteAt(s, a) === 13) a++;
    }
    if (
      (c0 === SPACE || c0 === LF || c0 === 9 || c0 === 59 || c0 === ch.PIPE) &&
      e > ps &&
      a < n &&
      byteAt(s, a) === LF
    ) {
      let ss = e;
      while (ss > ps && byteAt(s, ss - 1) !== SLASH) ss--;
      let se = e;
      // (without a short extension: db_password.txt)
      for (let d = e - 1; d > ss && e - d <= 5; d--) if (byteAt(s, d) === DOT) se = d;
      if (
        se - ss >= 5 &&
        !(se - ss === 6 && ch.matchesAt(s, ss, se, "passwd")) &&
        creds.credentialKeyCode(s, ss, se) !== CRED_NONE &&
        creds.printsSecret(s, p, a, n)
      ) {
        // (the secret alone: one token, not the next command of a script or an INI section's [default]; or, in a
        // credentials note, the quoted password after "password is")
        creds.secretLine(s, a + 1, n, false, CRED_SPAN);
        if (
          (creds.loneToken(s, CRED_SPAN.s, CRED_SPAN.e) && byteAt(s, CRED_SPAN.s) !== 36) ||
          creds.promptedPhrase(s, p, CRED_SPAN.s, CRED_SPAN.e) ||
          creds.notedPassword(s, a + 1, n, CRED_SPAN)
        )
          push(cfg, s, extra, CRED_SPAN.s, CRED_SPAN.e, cfg.byId["credential"]);
      }
    }
    p = s.indexOf("cat ", e > p + 4 ? e : p + 4);
  }
  // a hybrid activation's code as the SSM Agent registers with it (amazon-ssm-agent -register -code "<code>" -id ...)
  p = firstOf(s, "-register -code ");
  while (p >= 0) {
    let a = p + 16;
    if (a < n && (byteAt(s, a) === QUOTE || byteAt(s, a) === 39)) a++;
    let e = a;
    while (e < n && e - a < 256 && byteAt(s, e) > SPACE && byteAt(s, e) !== QUOTE && byteAt(s, e) !== 39) e++;
    if (e > a) push(cfg, s, extra, a, e, cfg.byId["credential"]);
    p = s.indexOf("-register -code ", e);
  }
  // an aws command's --query projection printed as JSON (the default) or YAML: the values of the key the projection
  // ends with ('Functions[].FunctionName', 'logGroups[*].logGroupName'), each a name of that key's kind when it is a
  // name key; --output text and table are read as cells
  p = queries && name !== undefined ? firstOf(s, "--query ") : -1;
  // (the line's start, the next "aws ", "--output" and line feed are each found once for all the hits they serve:
  // a search per hit on a long line of many --query would cost the line's length each time)
  let ls = 0;
  let seen = 0;
  let awsAt = -1;
  let outAt = -1;
  let lf = -1;
  while (p >= 0) {
    let a = p + 8;
    const open = byteAt(s, a);
    const close = open === 39 || open === QUOTE ? open : SPACE;
    if (close !== SPACE) a++;
    let e = a;
    while (e < n && e - a < 256 && byteAt(s, e) !== close && byteAt(s, e) !== LF) e++;
    // (a list key's own values: 'TableNames[]', TableNames[*], TableNames)
    let ke = e;
    if (ke - a > 2 && byteAt(s, ke - 1) === 93 && byteAt(s, ke - 2) === 91) ke -= 2;
    else if (ke - a > 3 && byteAt(s, ke - 1) === 93 && byteAt(s, ke - 2) === 42 && byteAt(s, ke - 3) === 91) ke -= 3;
    let k = ke;
    while (k > a && (cls(byteAt(s, k - 1)) & C_ALNUM) !== 0) k--;
    for (let c = seen; c < p; c++) if (byteAt(s, c) === LF) ls = c + 1;
    seen = p;
    if (awsAt < ls) {
      awsAt = s.indexOf("aws ", ls);
      if (awsAt < 0) awsAt = n;
    }
    if (lf < e) {
      lf = s.indexOf("\n", e);
      if (lf < 0) lf = n;
    }
    const le = lf < n && lf - e < 4096 ? lf : -1;
    let kind: Kind | undefined = undefined;
    const projected = k < ke && (k === a || byteAt(s, k - 1) === DOT) && le > 0 && awsAt + 4 <= p;
    const code = projected ? creds.credentialKeyCode(s, k, ke) : CRED_NONE;
    if (code !== CRED_NONE) {
      // a credential's projection ('UserPoolClient.ClientSecret', AccessKey.SecretAccessKey): the next line is the
      // secret, quoted (JSON) or not (text); not a prompt, an object or a list
      creds.secretLine(s, le + 1, n, true, CRED_SPAN);
      const a2 = CRED_SPAN.s;
      const b2 = CRED_SPAN.e;
      if (a2 < b2 && byteAt(s, a2) !== 36 && byteAt(s, a2) !== 123 && byteAt(s, a2) !== 91)
        push(cfg, s, extra, a2, b2, credentialKind(cfg, code, s, a2, b2));
    } else if (projected) {
      kind = kindOfKeyEndingAt(cfg.keys, s, ke, KEY_TOKEN);
      if (kind === undefined && nm.genericKeyEndingAt(s, ke, KEY_TOKEN)) kind = name;
      if (kind !== undefined && (KEY_TOKEN.start !== k || cfg.on[kind.id] !== true)) kind = undefined;
      if (kind !== undefined) {
        if (outAt < e) {
          outAt = s.indexOf("--output", e);
          if (outAt < 0) outAt = n;
        }
        // (--output text / table on the command's line: its cells are read as cells)
        const c = outAt + 9 < le ? byteAt(s, outAt + 9) : 0;
        if ((c === 116 || c === 84) && (byteAt(s, outAt + 8) === SPACE || byteAt(s, outAt + 8) === 61))
          kind = undefined;
      }
    }
    let o = le + 1;
    if (kind !== undefined && o < n) {
      const list = byteAt(s, o) === 91;
      if (list) o++;
      // (JSON: quoted values after "[" to its "]"; YAML: "- value" lines)
      for (let items = 0; items < 4096 && o < n; items++) {
        while (
          list &&
          o < n &&
          (byteAt(s, o) === SPACE || byteAt(s, o) === LF || byteAt(s, o) === 13 || byteAt(s, o) === ch.COMMA)
        )
          o++;
        if (o < n && byteAt(s, o) === QUOTE) {
          const ve = unitWithin(s, QUOTE, o + 1, n, 1024);
          if (ve < 0) break;
          nameAt(cfg, s, o + 1, ve, kind, extra);
          o = ve + 1;
          if (!list) break;
        } else if (!list && o + 1 < n && byteAt(s, o) === DASH && byteAt(s, o + 1) === SPACE) {
          o = nameAt(cfg, s, o + 2, n, kind, extra);
          if (o < n && byteAt(s, o) === 13) o++;
          if (o < n && byteAt(s, o) === LF) o++;
        } else {
          break;
        }
      }
    }
    p = s.indexOf("--query ", o > p + 8 ? o : p + 8);
  }
  // aws configure list-profiles prints one profile's name a line, to a blank line or the next prompt; aws configure
  // list's "profile <name> <type> <location>" row
  p = name !== undefined ? firstOf(s, "configure list") : -1;
  while (p >= 0) {
    // (the output starts on the next line; the search goes on after what was read: each unit is looked at once)
    const nl = s.indexOf("\n", p);
    if (nl < 0) break;
    let o = nl + 1;
    if (matchesLowerAt(s, p + 14, n, "-profiles")) {
      for (let lines = 0; lines < 4096 && o < n && byteAt(s, o) !== LF && byteAt(s, o) !== 13; lines++) {
        const c = byteAt(s, o);
        if (c === 36 || c === SPACE || c === ch.TAB) break;
        const e = nameAt(cfg, s, o, n, name, extra);
        if (e < n && byteAt(s, e) !== LF && byteAt(s, e) !== 13) break;
        o = e < n && byteAt(s, e) === 13 ? e + 2 : e + 1;
      }
    } else {
      for (let lines = 0; lines < 8 && o < n; lines++) {
        let t = o;
        while (t < n && t - o < 16 && byteAt(s, t) === SPACE) t++;
        const le = unitWithin(s, LF, o, n, 512);
        if (matchesLowerAt(s, t, n, "profile ")) {
          t += 8;
          while (t < n && byteAt(s, t) === SPACE) t++;
          if (byteAt(s, t) !== 60) nameAt(cfg, s, t, n, name, extra);
        }
        if (le < 0) break;
        o = le + 1;
      }
    }
    p = s.indexOf("configure list", o > p + 14 ? o : p + 14);
  }
  // S3 Batch Operations' manifests and completion reports, CSV without a header (bucket,key[,version id,...]): a line
  // that opens with a bucket's name (a "-" or "." in it) and a comma, then an object key with a "/" and no blank (nor
  // ":": an ARN or a URL is no key; the IAM credential report's lines open with a user and the user's ARN). The
  // bucket is masked when the text has an AWS signal or the next such line names it too (a manifest lists many keys
  // of one bucket). Each line start is read once, over at most 63 + 1024 units.
  let prevA = -1;
  let prevE = -1;
  let prevMasked = false;
  p = name !== undefined ? 0 : -1;
  while (p >= 0 && p < n) {
    let e = p;
    let joined = false;
    while (e < n && e - p < 64) {
      const c = byteAt(s, e);
      if (c === DASH || c === DOT) joined = true;
      else if ((cls(c) & (C_LOWER | C_DIGIT)) === 0) break;
      e++;
    }
    let k = e + 1;
    let slash = false;
    if (joined && e - p >= 3 && e < n && byteAt(s, e) === ch.COMMA) {
      while (k < n && k - e < 1024) {
        const c = byteAt(s, k);
        if (c === SLASH) slash = true;
        else if (c === ch.COMMA || c === LF || c === 13 || c === SPACE || c === QUOTE || c === COLON) break;
        k++;
      }
    }
    if (
      slash &&
      k > e + 2 &&
      (k >= n || byteAt(s, k) !== SPACE) &&
      plausibleName(s, p, e, name as Kind) &&
      !isRegionLabel(s, p, e)
    ) {
      if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
      // (compared only without a signal; the previous line pushed once, not again on each repeat)
      const again = signal === 0 && prevE - prevA === e - p && sub(s, prevA, prevE) === sub(s, p, e);
      if (again && !prevMasked) push(cfg, s, extra, prevA, prevE, cfg.byFamily["s3-bucket"]);
      prevMasked = signal === 1 || again;
      if (prevMasked) push(cfg, s, extra, p, e, cfg.byFamily["s3-bucket"]);
      prevA = p;
      prevE = e;
    }
    const nl = s.indexOf("\n", k > p ? k : p);
    p = nl >= 0 ? nl + 1 : -1;
  }
  // Ansible's task results and play recap (ok: [host], changed: [host -> localhost], fatal: [host]: FAILED!, a recap
  // line's "host : ok=3") and Packer's builds (==> amazon-ebs.<build>: ..., Build 'amazon-ebs.<build>' finished)
  for (let w = 0; w < 3 && name !== undefined; w++) {
    const lit = w === 0 ? ": [" : w === 1 ? " : ok=" : "amazon-ebs.";
    p = firstOf(s, lit);
    while (p >= 0) {
      let a = w === 0 ? p + 3 : w === 2 ? p + 11 : p;
      let e = a;
      let at = false;
      if (w === 1) {
        while (a > 0 && p - a < 64 && byteAt(s, a - 1) === SPACE) a--;
        e = a;
        while (a > 0 && e - a < 128 && nm.isNameUnit(byteAt(s, a - 1))) a--;
        at = a === 0 || byteAt(s, a - 1) === LF;
      } else {
        while (e < n && e - a < 128 && nm.isNameUnit(byteAt(s, e))) e++;
        const c = e < n ? byteAt(s, e) : SPACE;
        if (w === 2) at = c === COLON || c === ch.APOS || c === SPACE;
        else if (c === 93 || c === SPACE) {
          // (after an Ansible status: ok, changed, fatal, failed, skipping, unreachable)
          let k = p;
          while (k > 0 && p - k < 12 && (cls(byteAt(s, k - 1)) & C_LOWER) !== 0) k--;
          const st = sub(s, k, p);
          at =
            (k === 0 || (cls(byteAt(s, k - 1)) & C_ALNUM) === 0) &&
            (st === "ok" ||
              st === "changed" ||
              st === "fatal" ||
              st === "failed" ||
              st === "skipping" ||
              st === "unreachable");
        }
      }
      if (at && e - a >= 3 && !idShaped(cfg, s, a, e) && plausibleName(s, a, e, name)) push(cfg, s, extra, a, e, name);
      p = s.indexOf(lit, e > p + lit.length ? e : p + lit.length);
    }
  }
  // a one-time secret in a mail's text (Cognito's invitation and verification messages): "temporary password is x",
  // "verification code is 804417", "confirmation code is ..." (not a status code: the noun before "code" decides)
  // a JSON Web Token whatever stands before it (a Postman variable, a cookie, a query): header, payload and signature,
  // base64url each, masked whole (the base64 reader decodes and masks one segment: the signature would stay)
  p = firstOf(s, "eyJ");
  while (p >= 0) {
    let e = p;
    let dots = 0;
    for (let part = 0; part < 3; part++) {
      const a = e;
      while (
        e < n &&
        e - a < 4096 &&
        ((cls(byteAt(s, e)) & C_ALNUM) !== 0 || byteAt(s, e) === DASH || byteAt(s, e) === UNDERSCORE)
      )
        e++;
      if (e - a < 10 || part === 2 || e >= n || byteAt(s, e) !== DOT) break;
      e++;
      dots++;
    }
    // (and a JWE's five parts, a Cognito refresh token's: header, key, IV, ciphertext and tag)
    let f = e;
    for (let part = 3; dots === 2 && part < 5 && f + 1 < n && byteAt(s, f) === DOT; part++) {
      const a = f + 1;
      let g = a;
      while (
        g < n &&
        g - a < 4096 &&
        ((cls(byteAt(s, g)) & C_ALNUM) !== 0 || byteAt(s, g) === DASH || byteAt(s, g) === UNDERSCORE)
      )
        g++;
      if (g - a < 8) break;
      f = g;
      if (part === 4) e = f;
    }
    if (dots === 2 && (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0))
      push(cfg, s, extra, p, e, cfg.byId["credential"]);
    p = s.indexOf("eyJ", e > p + 3 ? e : p + 3);
  }
  // a CloudFront standard log file's name, <distribution id>.<YYYY-MM-DD-HH>.<8 hex>.gz (aws s3 ls of the log bucket)
  p = firstOf(s, ".gz");
  while (p >= 0) {
    if (p >= 37 && byteAt(s, p - 9) === DOT && byteAt(s, p - 23) === DOT && runOf(s, p - 8, p, C_HEX) === 8) {
      const d = p - 23;
      let a = d;
      while (a > 0 && d - a < 14 && (cls(byteAt(s, a - 1)) & (C_UPPER | C_DIGIT)) !== 0) a--;
      if (d - a >= 12 && byteAt(s, a) === 69 && byteAt(s, p - 18) === DASH && byteAt(s, p - 12) === DASH)
        push(cfg, s, extra, a, d, cfg.byId["cloudfront-distribution"]);
    }
    p = s.indexOf(".gz", p + 3);
  }
  // and a secret after its configuration's word and a blank: HAProxy's userlist (user x insecure-password y), Redis's
  // requirepass and masterauth (redis.conf's line; ["--requirepass", "x"] in a compose file's command list), Apache's
  // SetEnv <credential key> <value>; a WorkSpaces registration code
  for (const [lit, after] of CONFIG_SECRETS) {
    // (a credential's word before or right before the value)
    const sentence = after === After.Sentence || after === After.ShouldBe || after === After.Word;
    p = firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      // (SetEnv's key: a credential's, DB_PASSWORD, API_TOKEN; another's value is no secret, SetEnv APP_ENV prod)
      let secret = true;
      if (after === After.SetEnv) {
        const k = a;
        while (a < n && a - k < 64 && ch.isKeyUnit(byteAt(s, a))) a++;
        secret = a > k && a < n && byteAt(s, a) === SPACE && creds.credentialKeyCode(s, k, a) !== CRED_NONE;
        if (secret) a++;
      } else if (after === After.QuotedKey) {
        if (byteAt(s, a) === QUOTE) a++;
      } else if (after === After.Neighbor) {
        // (its password right after the neighbor's address or peer group: IOS, NX-OS, FRR)
        let le = a;
        while (le < n && le - a < 64 && byteAt(s, le) > 32) le++;
        if (le === a || !ch.matchesAt(s, le, n, " password ")) {
          p = s.indexOf(lit, le > a ? le : a);
          continue;
        }
        a = le + 10;
        if ((byteAt(s, a) === 48 || byteAt(s, a) === 55) && byteAt(s, a + 1) === SPACE) a += 2;
      } else if (sentence) {
        // (a credential's word before the verb: password, the PSK, tunnel2 key, API key, client secret; then "now", a
        // ":" and blanks: "the password is: x", "the api key is now: x"; an opening quote, parenthesis, "<" or "*")
        const v = after === After.ShouldBe ? p : after === After.Word ? p + lit.length - 1 : p + lit.length - 3;
        secret = creds.credentialKeyEndingAt(s, v, true, KEY_TOKEN) !== CRED_NONE;
        for (let r = 0; r < 2 && a < n; r++) {
          if (byteAt(s, a) === COLON) a++;
          const from = a;
          while (a < n && a - from < 2 && byteAt(s, a) === SPACE) a++;
          if (a === from && r === 0 && after === After.Sentence) secret = false;
          if (r === 0 && byteAt(s, a) === 110 && ch.matchesAt(s, a, n, "now") && a + 3 < n) {
            if (byteAt(s, a + 3) === SPACE || byteAt(s, a + 3) === COLON) a += 3;
            else r++;
          } else r++;
        }
        if (
          a < n &&
          (byteAt(s, a) === QUOTE || byteAt(s, a) === ch.LPAREN || byteAt(s, a) === 60 || byteAt(s, a) === 42)
        )
          a++;
      } else if (after === After.ExternalId) {
        // (the words whole, "external" / "integration" / "routing"; then a blank, ":" or "="; "is", "of" and ":"
        // after blanks; an opening quote, backtick or parenthesis)
        secret = (p < 2 || (cls(byteAt(s, p - 2)) & C_ALNUM) === 0) && a < n;
        if (a < n && (byteAt(s, a) === COLON || byteAt(s, a) === ch.EQUALS)) a++;
        else if (a < n && byteAt(s, a) !== SPACE && byteAt(s, a) !== ch.TAB) secret = false;
        while (a < n && a - p < lit.length + 6 && (byteAt(s, a) === SPACE || byteAt(s, a) === ch.TAB)) a++;
        if (a + 3 < n && (ch.matchesAt(s, a, a + 3, "is ") || ch.matchesAt(s, a, a + 3, "of "))) a += 3;
        // (the condition key's: "sts:ExternalId condition (`x`)")
        else if (a + 10 < n && byteAt(s, a) === 99 && ch.matchesAt(s, a, a + 10, "condition ")) a += 10;
        if (a + 1 < n && (byteAt(s, a) === COLON || byteAt(s, a) === ch.EQUALS) && byteAt(s, a + 1) === SPACE) a += 2;
        // (a parenthesis, then a quote or a backtick: "(`x`)")
        if (a + 1 < n && byteAt(s, a) === ch.LPAREN && (byteAt(s, a + 1) === ch.BACKTICK || byteAt(s, a + 1) === QUOTE))
          a++;
        if (
          a < n &&
          (byteAt(s, a) === QUOTE ||
            byteAt(s, a) === ch.APOS ||
            byteAt(s, a) === ch.BACKTICK ||
            byteAt(s, a) === ch.LPAREN)
        )
          a++;
      } else if (after === After.Registration) {
        if (!matchesLowerAt(s, a, n, "code")) {
          p = s.indexOf(lit, a);
          continue;
        }
        a += 4;
        if (a < n && (byteAt(s, a) === COLON || byteAt(s, a) === ch.EQUALS)) a++;
        while (a < n && a - p < 40 && byteAt(s, a) === SPACE) a++;
        if (ch.matchesAt(s, a, a + 3, "is ")) a += 3;
      }
      let e = a;
      // (read whole: an encoded authorization message runs to a thousand units and more; the others' at most 128)
      const most = after === After.EncodedMessage ? 16384 : 128;
      while (
        e < n &&
        e - a < most &&
        byteAt(s, e) > 32 &&
        byteAt(s, e) !== QUOTE &&
        byteAt(s, e) !== 60 &&
        !(sentence && (byteAt(s, e) === 62 || byteAt(s, e) === 42))
      )
        e++;
      // (a sentence's full stop is no part of it)
      while (e > a + 1 && (byteAt(s, e - 1) === DOT || byteAt(s, e - 1) === ch.COMMA)) e--;
      // (a registration code holds a digit: "enter the registration code here" names none)
      if (after === After.Registration) {
        secret = false;
        for (let q = a; q < e && !secret; q++) secret = (cls(byteAt(s, q)) & C_DIGIT) !== 0;
      } else if (sentence) {
        while (e > a + 1 && (byteAt(s, e - 1) === ch.RPAREN || byteAt(s, e - 1) === ch.SEMI)) e--;
        if (secret && after !== After.Word && !creds.proseSecret(s, a, e)) {
          // (fifty-first pass) the value after a ": " further on in the sentence: "the BGP auth key is still the one we
          // set in October: Nwp-BGP-md5-7731" (within 64 units, not past a full stop or the line's end)
          let q = e;
          while (q < n && q - a < 64 && byteAt(s, q) !== COLON && byteAt(s, q) !== DOT && byteAt(s, q) >= 32) q++;
          if (q + 2 < n && byteAt(s, q) === COLON && byteAt(s, q + 1) === SPACE && byteAt(s, q + 2) > 32) {
            a = q + 2;
            e = a;
            while (e < n && e - a < 128 && byteAt(s, e) > 32 && byteAt(s, e) !== QUOTE && byteAt(s, e) !== 60) e++;
            while (
              e > a + 1 &&
              (byteAt(s, e - 1) === DOT || byteAt(s, e - 1) === ch.COMMA || byteAt(s, e - 1) === ch.RPAREN)
            )
              e--;
            // (not an id of its own kind there, "bound to the instance: i-0123...": learned as a secret, the instance
            // was one in the whole request; review of the fifty-first pass)
            if (idShaped(cfg, s, a, e)) secret = false;
          }
        }
        // (no digest's name, "the password PBKDF2-HMAC-SHA256 hash"; nothing masked before, "d=DOMAIN_<hash>;": a
        // second pass masked it again; review of the fifty-first pass)
        secret = secret && creds.proseSecret(s, a, e) && !creds.digestName(s, a, e) && !nm.pseudonymWithin(s, a, e);
        // (after " key ": a lower-case letter, and not a secret access key's shape: AKIA... and the key's secret keep
        // their kinds and pseudonyms; nor a vendor's prefixed token, sk_..., glpat-...: its own anchor reads it)
        if (secret && lit === " key ") {
          let lower = false;
          for (let q = a; q < e && !lower; q++) lower = (cls(byteAt(s, q)) & C_LOWER) !== 0;
          const w = a + runOf(s, a, e < a + 7 ? e : a + 7, C_LOWER);
          const prefixed = w > a + 1 && w < e && (byteAt(s, w) === UNDERSCORE || byteAt(s, w) === DASH);
          secret = lower && !prefixed && !(e - a === 40 && creds.secretShaped(s, a, e));
        }
      } else if (after === After.ExternalId) {
        while (
          e > a + 1 &&
          (byteAt(s, e - 1) === ch.RPAREN ||
            byteAt(s, e - 1) === ch.SEMI ||
            byteAt(s, e - 1) === ch.APOS ||
            byteAt(s, e - 1) === ch.BACKTICK)
        )
          e--;
        secret = secret && creds.externalIdValue(s, a, e);
      }
      if (secret && e - a >= 4 && creds.plausibleCredential(s, a, e, false, SPACE))
        push(cfg, s, extra, a, e, cfg.byId["credential"]);
      p = s.indexOf(lit, e > p + lit.length ? e : p + lit.length);
    }
  }
  // Terraform Cloud's organization, workspace and run (app.terraform.io/app/<org>/workspaces/<workspace>/runs/run-<id>,
  // a pull request's check "Terraform Cloud/<org>/<workspace>"); Pulumi Cloud's organization, project and stack
  // (app.pulumi.com/<org>/<project>/<stack>/updates/<n>, pulumi up's "View in Browser" link) and `pulumi up`'s header,
  // "Updating (<org>/<stack>)" ("Previewing update (<org>/<stack>)", destroy's "Destroying (", refresh's "Refreshing (";
  // a stack alone, "Updating (dev)", stays), in a text that names Pulumi (git's "Updating (feature/x)" is no stack's)
  for (let w = 0; w < 7 && name !== undefined; w++) {
    if (w === 3 && firstOf(s, "ulumi") < 0) break;
    const lit =
      w === 0
        ? "terraform.io/app/"
        : w === 1
          ? "Terraform Cloud/"
          : w === 2
            ? "app.pulumi.com/"
            : w === 3
              ? "Updating ("
              : w === 4
                ? "Previewing update ("
                : w === 5
                  ? "Destroying ("
                  : "Refreshing (";
    p = firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      let e = a;
      // (the organization, then its workspace: after "/workspaces/" in a URL, after "/" in a check's name; a run id)
      for (let seg = 0; seg < 3 && a < n; seg++) {
        e = a;
        while (e < n && e - a < 90 && nm.isNameUnit(byteAt(s, e))) e++;
        if (
          e - a >= 3 &&
          !(seg === 2 && w < 2 && !ch.matchesAt(s, a, a + 4, "run-")) &&
          !(w > 2 && (e >= n || byteAt(s, e) !== (seg === 0 ? SLASH : ch.RPAREN))) &&
          // (Pulumi's names are no kind's: a plain word would be learned, "lakehouse")
          !(w > 1 && ch.plainWord(s, a, e)) &&
          plausibleName(s, a, e, name)
        )
          push(cfg, s, extra, a, e, name);
        if (e >= n || byteAt(s, e) !== SLASH) break;
        a = e + 1;
        if (w === 0 && seg === 0) a = ch.matchesAt(s, a, a + 11, "workspaces/") ? a + 11 : n;
        else if (w === 0 && seg === 1) a = ch.matchesAt(s, a, a + 5, "runs/") ? a + 5 : n;
        else if ((w === 1 || w > 2) && seg === 1) a = n;
      }
      p = s.indexOf(lit, e > p + lit.length ? e : p + lit.length);
    }
  }
  // names after a service's fixed text: a WAF label's namespace (awswaf:<account>:rulegroup:<rule group>: and
  // :webacl:<web ACL>:, every WAF log's labels), a Redshift cluster in the JDBC driver's IAM URL
  // (jdbc:redshift:iam://<cluster>:<region>/<db>), an RDS automated snapshot's DB (rds:<db>-<yyyy-mm-dd-hh-mm>)
  // and Redshift's database users by IAM (GetClusterCredentials' IAM:<user>, IAMR:<role> in its system views)
  for (let w = 0; w < 5 && name !== undefined; w++) {
    const lit = w === 0 ? "awswaf:" : w === 1 ? "jdbc:redshift:iam://" : w === 2 ? "rds:" : w === 3 ? "IAM:" : "IAMR:";
    p = firstOf(s, lit);
    // (IAM: in a text that names Redshift or its system views; IAMR: is Redshift's alone)
    if (
      w === 3 &&
      p >= 0 &&
      firstOf(s, "edshift") < 0 &&
      firstOf(s, "stv_") < 0 &&
      firstOf(s, "stl_") < 0 &&
      firstOf(s, "svl_") < 0 &&
      firstOf(s, "sys_") < 0
    )
      p = -1;
    while (p >= 0) {
      let a = p + lit.length;
      if (w === 0 && a + 13 < n && runOf(s, a, a + 12, C_DIGIT) === 12 && byteAt(s, a + 12) === COLON) {
        push(cfg, s, extra, a, a + 12, cfg.byFamily["arn-account"]);
        a += 13;
        a = ch.matchesAt(s, a, n, "rulegroup:") ? a + 10 : ch.matchesAt(s, a, n, "webacl:") ? a + 7 : -1;
      } else if (w === 0) a = -1;
      // (AWS's managed labels, awswaf:managed:...: the search goes on)
      if (a < 0) {
        p = s.indexOf(lit, p + lit.length);
        continue;
      }
      let e = a;
      while (
        e < n &&
        e - a < 128 &&
        (nm.isNameUnit(byteAt(s, e)) || byteAt(s, e) === UNDERSCORE) &&
        byteAt(s, e) !== 64
      )
        e++;
      // (the snapshot's date: 16 units, -2024-10-02-04-10)
      const d = e - 16;
      if (
        w === 2 &&
        !(
          d - a > 1 &&
          byteAt(s, d - 1) === DASH &&
          runOf(s, d, d + 4, C_DIGIT) === 4 &&
          byteAt(s, d + 4) === DASH &&
          ch.isDigitPair(s, d + 5) &&
          byteAt(s, d + 7) === DASH &&
          ch.isDigitPair(s, d + 8) &&
          byteAt(s, d + 10) === DASH &&
          ch.isDigitPair(s, d + 11) &&
          byteAt(s, d + 13) === DASH &&
          ch.isDigitPair(s, d + 14)
        )
      )
        e = a;
      else if (w === 2) e = d - 1;
      const cut = w === 0 || w === 2 || (e < n && byteAt(s, e) === COLON);
      // (a database user's login: one word too, lkrishnan; standing alone, not IAM:PassRole)
      const login =
        w >= 3 &&
        e - a >= 2 &&
        (cls(byteAt(s, a)) & C_LOWER) !== 0 &&
        (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0) &&
        (e >= n ||
          byteAt(s, e) <= 32 ||
          byteAt(s, e) === ch.PIPE ||
          byteAt(s, e) === QUOTE ||
          byteAt(s, e) === ch.COMMA);
      if ((cut || login) && e - a >= 3 && !idShaped(cfg, s, a, e) && (login || plausibleName(s, a, e, name)))
        push(cfg, s, extra, a, e, name);
      p = s.indexOf(lit, e > p + lit.length ? e : p + lit.length);
    }
  }
  // a host of the company's own DNS (Active Directory's corp.example.local, a private zone's x.internal): its labels
  // are masked, the suffix stays (dc-lyn01.corp.thornbury.local -> RESOURCE_NAME_x.local); not AWS's (ec2.internal,
  // compute.internal), Kubernetes' (svc.cluster.local), localhost's (localhost.localdomain: no such suffix)
  for (let q = 0; q < 3 && name !== undefined; q++) {
    const lit = q === 0 ? ".local" : q === 1 ? ".internal" : ".corp";
    p = firstOf(s, lit);
    while (p >= 0) {
      const e = p + lit.length;
      const c = e < n ? byteAt(s, e) : SPACE;
      if (ch.hostEndsAt(s, e, n) && !(c === DOT && e + 1 < n && (cls(byteAt(s, e + 1)) & C_ALNUM) !== 0)) {
        const h = ch.hostStart(s, p, 0);
        let l = p;
        while (l > h && p - l < 16 && byteAt(s, l - 1) !== DOT) l--;
        const label = sub(s, l, p);
        // (one label alone names a zone when it is no short word: brindlecove.internal, not cache.internal)
        if (
          p - h >= 3 &&
          (l > h || p - h >= 8 || runOf(s, h, p, C_LOWER) !== p - h) &&
          (h === 0 || (byteAt(s, h - 1) !== 64 && byteAt(s, h - 1) !== DOT) || nm.urlUserinfoEndsAt(s, h - 1)) &&
          label !== "ec2" &&
          label !== "compute" &&
          label !== "cluster" &&
          label !== "localhost" &&
          // (Docker's own names: host.docker.internal, gateway.docker.internal, docker run's --add-host
          // host.docker.internal:host-gateway; not a company's host in a docker. zone, build01.docker.corp)
          !(q === 1 && label === "docker" && nm.dockerDesktopHost(s, h, p)) &&
          // (a pseudonym's hash, the output's: RESOURCE_NAME_<hash>.internal stays as it is)
          !(h > 0 && byteAt(s, h - 1) === UNDERSCORE && pseudo.pseudonymStartBefore(s, h) >= 0) &&
          plausibleName(s, h, p, name)
        )
          push(cfg, s, extra, h, p, name);
      }
      p = s.indexOf(lit, e);
    }
  }
  // (fiftieth pass) a Kinesis stream after its service's word alone (names.ts kinesisNameEnd)
  p = name !== undefined ? firstOf(s, "Kinesis ") : -1;
  while (p >= 0) {
    const e = nm.kinesisNameEnd(s, p + 8, n);
    if (e > 0 && plausibleName(s, p + 8, e, name)) push(cfg, s, extra, p + 8, e, name);
    p = s.indexOf("Kinesis ", e > 0 ? e : p + 8);
  }
}

// Calls whose quoted arguments are names or secrets: an environment variable's default (os.getenv("EXPORT_BUCKET",
// "acme-exports"): by the variable's name, as a key), and boto3's transfer methods' bucket argument, by position
// (upload_file(path, "bucket", key)); PHP's constants (wp-config.php's define( 'DB_PASSWORD', 'x' ): by the constant's
// name, WordPress's AUTH_KEY and *_SALT too). [anchor, the argument's index; -1: a default by key, -2: a PHP constant]
const CALL_ARGUMENTS: [string, number][] = [
  ["getenv(", -1],
  ["define(", -2],
  // (PHP's function names are case-insensitive, and a blank may stand before the parenthesis)
  ["define (", -2],
  ["DEFINE(", -2],
  ["DEFINE (", -2],
  ["environ.get(", -1],
  ["upload_file(", 1],
  ["upload_fileobj(", 1],
  ["download_file(", 0],
  ["download_fileobj(", 0],
  [".Object(", 0],
];

function findCallArguments(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  // (the transfer methods all hold "load_file": one search for four)
  const transfer = firstOf(s, "load_file") >= 0;
  for (const [lit, index] of CALL_ARGUMENTS) {
    if (!transfer && lit.indexOf("load_file") >= 0) continue;
    let p = firstOf(s, lit);
    while (p >= 0) {
      let k = p + lit.length;
      // to the argument: index arguments (a quoted string or a word each) and their commas
      let key = -1;
      let keyEnd = -1;
      const target = index < 0 ? 1 : index;
      for (let arg = 0; arg < target && k < n; arg++) {
        while (k < n && byteAt(s, k) === SPACE) k++;
        const q = byteAt(s, k);
        const a = k;
        if (q === QUOTE || q === 39) {
          const e = unitWithin(s, q, k + 1, n, 256);
          if (e < 0) break;
          if (arg === 0) {
            key = a + 1;
            keyEnd = e;
          }
          k = e + 1;
        } else {
          while (k < n && k - a < 256 && byteAt(s, k) !== ch.COMMA && byteAt(s, k) !== ch.RPAREN && byteAt(s, k) !== LF)
            k++;
        }
        while (k < n && byteAt(s, k) === SPACE) k++;
        if (k >= n || byteAt(s, k) !== ch.COMMA) {
          k = -1;
          break;
        }
        k++;
      }
      if (k >= 0 && k < n) {
        while (k < n && byteAt(s, k) === SPACE) k++;
        const q = k < n ? byteAt(s, k) : -1;
        const e = q === QUOTE || q === 39 ? unitWithin(s, q, k + 1, n, 256) : -1;
        if (e > k + 1) callArgument(cfg, s, k + 1, e, index < 0 ? key : -1, keyEnd, extra, index === -2);
        if (e > 0) k = e;
      }
      p = s.indexOf(lit, k > p ? k : p + lit.length);
    }
  }
}

/**
 * A call's quoted argument s[a, b): a bucket (key < 0), or the default of the variable named s[key, keyEnd) (php: the
 * value of a PHP constant, whose WordPress keys and salts, AUTH_KEY, NONCE_SALT, are secrets).
 */
function callArgument(
  cfg: ScanConfig,
  s: string,
  a: number,
  b: number,
  key: number,
  keyEnd: number,
  extra: Match[],
  php = false,
) {
  if (idShaped(cfg, s, a, b) || matchesLowerAt(s, a, b, "arn:") || matchesLowerAt(s, a, b, "s3://")) return;
  let kind: Kind | undefined = cfg.byId["s3-bucket"];
  if (key >= 0) {
    if (keyEnd <= key) return;
    if (php && creds.phpSecretConstant(s, key, keyEnd, a, b)) {
      push(cfg, s, extra, a, b, cfg.byId["credential"]);
      return;
    }
    const code = creds.credentialKeyCode(s, key, keyEnd);
    if (code !== CRED_NONE) {
      push(cfg, s, extra, a, b, credentialKind(cfg, code, s, a, b));
      return;
    }
    kind = nm.kindOfKey(cfg.keys, sub(s, key, keyEnd));
    if (kind === undefined && nm.genericKey(s, key, keyEnd) && hasSignal(s, extra))
      kind = genericKind(cfg, s, keyEnd, a, b);
    else if (kind === undefined && nm.idKeyEndingAt(s, keyEnd, KEY_TOKEN) && KEY_TOKEN.start === key) {
      // an id key's opaque value (a CloudWatch dimension CacheClusterId): kept aside as matchKeyValue keeps it
      kind = cfg.byId["resource-name"];
      if (kind !== undefined && nm.idValue(s, a, b, kind) && hasSignal(s, extra))
        push(cfg, s, cfg.idValues, a, b, kind);
      return;
    }
  }
  if (kind !== undefined && plausibleName(s, a, b, kind)) push(cfg, s, extra, a, b, kind);
}

// AWS error messages name the resource after or before these (boto3's "An error occurred (...)", the SDKs', Terraform's):
// "The role with name x cannot be found", "Stack with id x does not exist", "Table already exists: x",
// "DBInstance x not found", "The key pair 'x' does not exist"
// (one table, not a local each: the module's main chunk is at Lua's limit of 200 locals)
const ERROR_NAMES = {
  after: ["with name ", "with id ", "cluster name ", "already exists: ", "not found: "],
  before: [" not found", " does not exist", " cannot be found", " already exists"],
};

/**
 * A name in a Markdown code span, alone (chat and tickets quote a resource so: "the alarm that paged was
 * `ledger-p99-high`", "queues `fulfilment-orders-q`, `loyalty-points-q`", "the `kittiwake_staging_events` table"):
 * lower case, kebab of three parts or more with a part of one letter or of letters and digits, or kebab or snake with
 * an environment's, a type's or a region's part (prod, dlq, euw1), or a bucket after S3; not a package's, an
 * encoding's or a version's (`eslint-plugin-jest`, `utf-8`, `node-18`, `list_objects_v2`), a flag, a region, an id of
 * its own shape. Kept aside (masked when the text carries an AWS signal, a weak candidate in a request otherwise:
 * scanWords).
 */
function findCodeSpanNames(cfg: ScanConfig, s: string, n: number, _extra: Match[]): void {
  const kind = cfg.byId["resource-name"];
  // (a Markdown code span, then Jira's and Confluence's monospace {{x}}: fiftieth pass; HTML's and Confluence's
  // storage format's <code>x</code>: fifty-first pass)
  for (let q = 0; q < 3; q++) {
    const mark = q === 0 ? "`" : q === 1 ? "{{" : "<code>";
    let p = kind !== undefined && ENCODED.depth === 0 ? firstOf(s, mark) : -1;
    while (p >= 0) {
      const a = p + mark.length;
      let e = a;
      let dashes = 0;
      let snakes = 0;
      let digits = 0;
      let dots = 0; // a schema's and a table's name (fiftieth pass)
      let letter = false; // a part of one letter (-q, -a)
      while (e < n && e - a < 64) {
        const c = byteAt(s, e);
        if (c === DASH || c === UNDERSCORE) {
          if (e >= a + 2 && (byteAt(s, e - 2) === DASH || byteAt(s, e - 2) === UNDERSCORE)) letter = true;
          if (c === DASH) dashes++;
          else snakes++;
        } else if ((cls(c) & C_DIGIT) !== 0) digits++;
        else if (c === DOT) dots++;
        else if ((cls(c) & C_LOWER) === 0) break;
        e++;
      }
      if (e >= a + 2 && e < n && (byteAt(s, e - 2) === DASH || byteAt(s, e - 2) === UNDERSCORE)) letter = true;
      if (
        e + (q === 0 ? 0 : 1) < n &&
        byteAt(s, e) === (q === 0 ? 96 : q === 1 ? 125 : 60) &&
        (q === 0 || byteAt(s, e + 1) === (q === 1 ? 125 : SLASH)) &&
        (dots === 0
          ? (dashes >= 2 && snakes === 0 && (letter || (digits > 0 && nm.mixedPart(s, a, e)))) ||
            (dashes + snakes > 0 && nm.markedParts(s, a, e)) ||
            // (after S3, a bucket: S3 `x-y`)
            (dashes > 0 && snakes === 0 && p > 2 && byteAt(s, p - 1) === SPACE && nm.serviceWordBefore(s, p - 1)) ||
            // (fiftieth pass: after a noun the prose automaton has no room for, "the registry `x-y`", "the Looker
            // connection {{x-y-ro}}"; an IAM role's kebab name, `glue-etl-role`)
            (dashes > 0 && snakes === 0 && nm.spanNounBefore(s, p, dashes >= 2 || digits > 0)) ||
            (dashes >= 2 && snakes === 0 && nm.roleSpan(s, a, e))
          : dashes === 0 && nm.snakeTable(s, a, e, mark.length, n)) &&
        (cls(byteAt(s, a)) & C_LOWER) !== 0 &&
        (cls(byteAt(s, e - 1)) & (C_LOWER | C_DIGIT)) !== 0 &&
        (p === 0 || byteAt(s, p - 1) !== (q === 0 ? 96 : 123)) &&
        // (AWS's own packages and agents: aws-sdk-js-v3, amazon-vpc-cni-k8s)
        !(byteAt(s, a) === 97 && (ch.matchesAt(s, a, e, "aws-") || ch.matchesAt(s, a, e, "amazon-"))) &&
        !isRegionLabel(s, a, e) &&
        !idShaped(cfg, s, a, e) &&
        plausibleName(s, a, e, kind as Kind)
      )
        push(cfg, s, cfg.signalValues, a, e, kind);
      else if (q === 0 && e === a && a < n && (cls(byteAt(s, a)) & ch.C_UPPER) !== 0 && nm.stepFunctionsBefore(s, p)) {
        // (fiftieth pass) a state machine after "Step Functions ", PascalCase (Step Functions `ReconNightly`)
        e = a + runOf(s, a, a + 65 < n ? a + 65 : n, C_ALNUM);
        if (
          e < n &&
          byteAt(s, e) === 96 &&
          nm.pascalCompound(s, a, e) &&
          !nm.publicPascalName(s, a, e) &&
          !nm.stepFunctionsVocabulary(s, a, e) &&
          plausibleName(s, a, e, kind as Kind)
        )
          push(cfg, s, cfg.signalValues, a, e, kind);
      }
      p = s.indexOf(mark, e > a ? e + 1 : a);
    }
  }
}

/**
 * The resource names of AWS error messages (ERROR_NAMES), in text with an AWS signal: a quoted name, or
 * an unquoted one with a "-", "_", ".", "/" or a digit (not "Cluster not found"); never an ARN, an id of its own kind
 * or a number. Walks back stop at the previous anchor's end (linear).
 */
function findErrorNames(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const kind = cfg.byId["resource-name"];
  // every such message says the resource was not found, does not exist or already exists: two searches, not nine
  if (kind === undefined || (firstOf(s, "found") < 0 && firstOf(s, "exist") < 0)) return;
  let signal = -1;
  const before = ERROR_NAMES.before;
  const afterLits = ERROR_NAMES.after;
  for (let w = 0; w < afterLits.length + before.length; w++) {
    const after = w < afterLits.length;
    const lit = after ? afterLits[w] : before[w - afterLits.length];
    let p = firstOf(s, lit);
    let floor = 0;
    while (p >= 0) {
      let a = after ? p + lit.length : p;
      let e = a;
      let quote = -1;
      let marked = 0; // units that make an unquoted word a name: - _ . / digits
      if (after) {
        if (a < n && (byteAt(s, a) === 39 || byteAt(s, a) === QUOTE)) quote = byteAt(s, a++);
        e = a;
        while (e < n && e - a < 256) {
          const c = byteAt(s, e);
          const f = cls(c);
          if ((f & C_DIGIT) !== 0 || c === DASH || c === UNDERSCORE || c === DOT || c === SLASH) marked++;
          else if ((f & C_ALNUM) === 0 && c !== 64 && c !== ch.PLUS) break;
          e++;
        }
      } else {
        if (e > floor && (byteAt(s, e - 1) === 39 || byteAt(s, e - 1) === QUOTE)) quote = byteAt(s, --e);
        a = e;
        while (a > floor && e - a < 256) {
          const c = byteAt(s, a - 1);
          const f = cls(c);
          if ((f & C_DIGIT) !== 0 || c === DASH || c === UNDERSCORE || c === DOT || c === SLASH) marked++;
          else if ((f & C_ALNUM) === 0 && c !== 64 && c !== ch.PLUS) break;
          a--;
        }
      }
      let b = e;
      while (quote < 0 && b > a && byteAt(s, b - 1) === DOT) b--; // a sentence ends after it
      const closed = quote < 0 || (after ? e < n && byteAt(s, e) === quote : a > 0 && byteAt(s, a - 1) === quote);
      if (
        b - a >= 3 &&
        closed &&
        (quote >= 0 || marked > 0) &&
        (cls(byteAt(s, a)) & C_DIGIT) === 0 &&
        !(byteAt(s, a) === 97 && matchesLowerAt(s, a, n, "arn")) &&
        !idShaped(cfg, s, a, b) &&
        plausibleName(s, a, b, kind)
      ) {
        if (signal < 0) signal = hasSignal(s, extra) ? 1 : 0;
        if (signal === 1) push(cfg, s, extra, a, b, kind);
      }
      floor = p + lit.length;
      p = s.indexOf(lit, floor);
    }
  }
}

/**
 * The name standing at a (after an opening quote), up to a blank, quote or line end, or b, without a sentence's final
 * "." or ",": pushed as kind unless an ARN or an id of its own kind. Returns where the walk ended.
 */
function nameAt(cfg: ScanConfig, s: string, a: number, b: number, kind: Kind, extra: Match[]): number {
  if (a < b && (byteAt(s, a) === QUOTE || byteAt(s, a) === 39)) a++;
  let e = a;
  while (e < b && e - a < 512) {
    const c = byteAt(s, e);
    if (c === SPACE || c === LF || c === 13 || c === 9 || c === QUOTE || c === 39) break;
    e++;
  }
  const end = e;
  while (e > a && (byteAt(s, e - 1) === DOT || byteAt(s, e - 1) === ch.COMMA)) e--;
  if (e > a && !matchesLowerAt(s, a, b, "arn:") && !idShaped(cfg, s, a, e) && plausibleName(s, a, e, kind))
    push(cfg, s, extra, a, e, kind);
  return end;
}

function findCustom(cfg: ScanConfig, s: string, n: number, extra: Match[]): void {
  const find = cfg.regexFind as RegexFind;
  for (let k = 0; k < cfg.custom.length; k++) {
    const kind = cfg.customKinds[k];
    if (cfg.on[kind.id] !== true) continue;
    const pat = cfg.custom[k].pattern;
    let from = 0;
    while (from <= n) {
      const r = find(pat, s, from);
      if (r === undefined) break;
      const a = r[0];
      const b = r[1];
      if (b > a) push(cfg, s, extra, a, b, kind);
      from = b > a ? b : a + 1;
    }
  }
}

// Units that may follow a key: quote, '=', blank (then '=' / ':' / a flag's value). ':' is handled per branch.
// (a backslash: the key's escaped quote, JSON inside a string)
const KEY_NEXT: boolean[] = [];
for (let c = 0; c < 256; c++) {
  KEY_NEXT.push(c === 34 || c === 39 || c === 61 || c === 32 || c === 9 || c === 40 || c === 92);
}

// Units that may follow a credential key: quote, ':', '=', '|', blank, backslash (an escaped quote).
const CRED_NEXT: boolean[] = [];
for (let c = 0; c < 256; c++) {
  CRED_NEXT.push(
    c === QUOTE || c === 39 || c === 61 || c === 32 || c === 9 || c === COLON || c === ch.PIPE || c === 92,
  );
}

/**
 * Whether the string being scanned carries an AWS signal: an AWS word (aws, amazon, arn:, eksctl, CloudFormation) or
 * an AWS identifier found so far. Words are looked up once per string; matches incrementally (the signal only turns on).
 */
const SIGNAL = { known: false, words: false, value: false, list: undefined as Match[] | undefined, checked: 0 };

// boto3 / botocore: the Python SDK (its reprs: {'TableNames': [...]})
const SIGNAL_WORDS = [
  "aws",
  "AWS",
  "Aws",
  "amazon",
  "Amazon",
  "arn:",
  "ARN",
  "eksctl",
  "CloudFormation",
  "CodePipeline",
  "EventBridge",
  "boto3",
  "botocore",
  // ~/.aws/config's IAM Identity Center keys (a profile of sso_* keys alone names no region nor ARN), the CDK's context
  // keys (vpc-provider:account=<account>:filter.tag:Name=<name>)
  "sso_account_id",
  "sso_role_name",
  ":account=",
  // the AWS CLI's and boto3's error line: "An error occurred (<code>) when calling the <op> operation: <message>"
  "when calling the ",
  // Cost Explorer's dimension of member accounts (get-cost-and-usage grouped by it: "Keys": ["<account>"])
  "LINKED_ACCOUNT",
  // services named in prose (an incident note that never says "AWS")
  "EC2",
  "S3",
  "IAM",
  "RDS",
  "EKS",
  "ECS",
  "DynamoDB",
  "CloudWatch",
  "CloudTrail",
  "ElastiCache",
  "Fargate",
  "Route 53",
  "Beanstalk",
  "Lambda",
  "SQS",
  "SNS",
  "Kinesis",
  "Redshift",
  "SageMaker",
  "MSK",
  "MWAA",
  "Glue",
  "EMR",
  "Athena",
  "CodeBuild",
  "CodeDeploy",
  "CodePipeline",
  "SSM",
  "CloudFront",
  "Cognito",
  "OpenSearch",
  "QuickSight",
  "Greengrass",
  // (Bedrock's and Kendra's words only with a noun or a service's name: "Kendra" is a given name, "Bedrock" a game's
  // edition)
  "Bedrock agent",
  "Bedrock Agent",
  "Bedrock knowledge",
  "bedrock-",
  "Kendra index",
  // Redshift's system tables and views (select ... from stv_sessions: a psql session pasted alone)
  "stv_",
  "stl_",
  "svl_",
  "svv_",
  // an AWS region's name (eb status's "Region: us-east-1"); other clouds write us-east1, eastus
  "us-east-",
  "us-west-",
  "eu-west-",
  "eu-central-",
  "eu-north-",
  "ap-south",
  "ap-northeast-",
  "ca-central-",
  "sa-east-",
  // AWS controllers' Kubernetes annotations and labels
  "alb.ingress",
  "karpenter",
  // a Cost and Usage Report's columns (CUR 2.0's line_item_usage_account_id, the legacy lineItem/UsageAccountId) and
  // Migration Hub's import template's (VMware.VMName): an export pasted without a word of AWS
  "line_item_",
  "lineItem/",
  "VMware.VMName",
];

/**
 * Whether s names AWS in words (SIGNAL_WORDS, each a whole word: not WARNING's "ARN" nor flaws' "aws"): a JSON
 * request's string that does carries the request's signal for the weak names of its other strings (session.ts
 * keepScan, withSignal). Each search resumes past the last occurrence: linear for each word.
 */
export function signalIn(s: string): boolean {
  const n = s.length;
  for (const w of SIGNAL_WORDS) {
    let p = ch.indexFrom(s, w, 0);
    while (p >= 0) {
      const e = p + w.length;
      if ((p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0) && (e >= n || (cls(byteAt(s, e)) & C_ALNUM) === 0))
        return true;
      p = ch.indexFrom(s, w, p + 1);
    }
  }
  return false;
}

function hasSignal(s: string, out: Match[]): boolean {
  if (ENCODED.depth > 0 && ENCODED.signal) return true;
  if (!SIGNAL.known) {
    SIGNAL.known = true;
    SIGNAL.list = undefined;
    SIGNAL.checked = 0;
    let v = false;
    // searched from each word's rarest unit: a plain search for "aws" or "eksctl" stops at every "a" or "e" of the text
    for (const w of SIGNAL_WORDS) {
      if (ch.indexFrom(s, w, 0) >= 0) {
        v = true;
        break;
      }
    }
    SIGNAL.words = v;
    SIGNAL.value = v;
  }
  if (SIGNAL.value) return true;
  let k = SIGNAL.list === out ? SIGNAL.checked : 0;
  while (k < out.length) {
    const m = out[k];
    const f = m.kind.family;
    k++;
    if (
      f !== "ipv4-private" &&
      f !== "ipv4-public" &&
      f !== "ipv6" &&
      f !== "mac" &&
      f !== "custom" &&
      f !== "contact" &&
      m.kind.id !== "credential" &&
      m.weak !== true
    ) {
      SIGNAL.value = true;
      break;
    }
  }
  SIGNAL.list = out;
  SIGNAL.checked = k;
  return SIGNAL.value;
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Appends the identifiers of s to out, in order, non-overlapping. keyCtx is the JSON key whose value s is ("" when
 * none): it supplies context ("OwnerId", "BucketName") that the string itself does not carry.
 */
export function scan(cfg: ScanConfig, s: string, keyCtx: string, out: Match[]): void {
  const base = out.length;
  scanWords(cfg, s, keyCtx, out);
  const n = s.length;
  const kl = keyCtx.length;
  if (
    out.length === base &&
    kl >= 2 &&
    n >= 6 &&
    n <= 64 &&
    lowerCode(byteAt(keyCtx, kl - 1)) === 100 &&
    lowerCode(byteAt(keyCtx, kl - 2)) === 105 &&
    nm.opaqueToken(s, 0, n)
  ) {
    // the whole value of an ...Id member that no kind claimed (app client ids, CloudHSM clusters ...): fail closed
    push(cfg, s, out, 0, n, cfg.byId["resource-name"]);
    return;
  }
  // CLI output (--output text / table): a cell no matcher claimed is a name, when the text carries an AWS signal
  if (
    n >= 8 &&
    kindOn(cfg, cfg.byId["resource-name"]) &&
    (s.indexOf("\t") >= 0 || s.indexOf("|") >= 0 || ch.mayHoldBoxRule(s)) &&
    hasSignal(s, out)
  ) {
    fillCells(cfg, s, n, out, base);
  }
  // CSV with a header row: the columns the header names (Password, User name, lineItem/ResourceId ...)
  // (and with semicolons: Prowler's CSV, a spreadsheet's export in many locales)
  if (n >= 16 && s.indexOf("\n") >= 0) {
    if (s.indexOf(",") >= 0 && hasSignal(s, out)) fillCsv(cfg, s, n, out, base, ",");
    if (s.indexOf(";") >= 0 && hasSignal(s, out)) fillCsv(cfg, s, n, out, base, ";");
  }
  if (out.length - base >= 2) {
    nm.unifyNameKinds(s, out, base);
    const family = kindOn(cfg, cfg.byId["resource-name"])
      ? nm.familyNames(s, out, base, cfg.byId["resource-name"])
      : undefined;
    // (then one kind per name again: a family's word the rules named elsewhere in s keeps their kind)
    if (family !== undefined) {
      mergeCells(cfg, s, out, base, family);
      nm.unifyNameKinds(s, out, base);
    }
  }
}

/** Cells [a, b) of the line [ls, le) split at sep (44 or 59; surrounding blanks and quotes trimmed) into CSV_A / CSV_B. */
const CSV_A: number[] = [];
const CSV_B: number[] = [];

function csvCells(s: string, ls: number, le: number, sep: number): number {
  let count = 0;
  let c = ls;
  while (c <= le) {
    let ce = c;
    if (ce < le && byteAt(s, ce) === QUOTE) {
      // a quoted cell may hold commas ("2024-07-09, 01:43:13") and doubled quotes (CUR 2.0's resource_tags,
      // "{""user_name"":""x"",""user_team"":""y""}": the cell goes on after each pair)
      ce++;
      while (ce < le && (byteAt(s, ce) !== QUOTE || byteAt(s, ce + 1) === QUOTE)) ce += byteAt(s, ce) === QUOTE ? 2 : 1;
    }
    while (ce < le && byteAt(s, ce) !== sep) ce++;
    let a = c;
    let b = ce;
    while (a < b && (byteAt(s, a) === 32 || byteAt(s, a) === QUOTE)) a++;
    while (b > a && (byteAt(s, b - 1) === 32 || byteAt(s, b - 1) === QUOTE || byteAt(s, b - 1) === 13)) b--;
    CSV_A[count] = a;
    CSV_B[count] = b;
    count++;
    c = ce + 1;
  }
  return count;
}

function fillCsv(cfg: ScanConfig, s: string, n: number, out: Match[], base: number, sep: string): void {
  const sepUnit = byteAt(sep, 0);
  const cells: Match[] = [];
  let cols: (Kind | undefined)[] = [];
  // each column's header a tag key (Tag: Owner, resourceTags/user:Team): its value masked with blanks, not one plain word
  const tagCols: boolean[] = [];
  // each column's header's start and end (2k, 2k + 1)
  const heads: number[] = [];
  // the columns (bit k) whose header names people (Owner, assigned_to): a person's name in them
  let people = 0;
  // the columns of CUR 2.0's resource_tags and cost_category, or -1
  let tags = -1;
  let costCategory = -1;
  let width = 0;
  let ls = 0;
  while (ls < n) {
    // a line with fewer than two commas is neither a header nor a row (it ends a table): found by searching commas
    const c1 = s.indexOf(sep, ls);
    if (c1 < 0) break;
    let le = s.indexOf("\n", ls);
    if (le < 0) le = n;
    if (c1 > le) {
      width = 0;
      ls = c1;
      while (byteAt(s, ls - 1) !== LF) ls--;
      continue;
    }
    const c2 = s.indexOf(sep, c1 + 1);
    if (c2 < 0 || c2 > le) {
      width = 0;
      ls = le + 1;
      continue;
    }
    const count = le - ls > 4096 ? 0 : csvCells(s, ls, le, sepUnit);
    if (width > 0 && count === width) {
      for (let k = 0; k < count; k++) {
        const kind = cols[k];
        const a = CSV_A[k];
        const b = CSV_B[k];
        if (k === tags || k === costCategory) {
          // CUR 2.0's resource_tags and cost_category, JSON maps in the cell ({""user_team"":""payments-core""}): the
          // values of the user-defined tags (user_<tag>) and of every cost category, blanks and all; not one plain
          // word but the Name tag's (user_name)
          // (searched within the cell: a search of the text from it, per row, is quadratic in rows without the tag)
          const cell = sub(s, a, b);
          const lit = k === tags ? '""user_' : '""';
          let at = cell.indexOf(lit);
          for (let members = 0; at >= 0 && members < 64; members++) {
            const ke = cell.indexOf('"":""', at + 2);
            if (ke < 0 || ke - at > 130) break;
            const ve = cell.indexOf('""', ke + 5);
            if (ve < 0) break;
            const vs = ke + 5;
            if (
              ve - vs <= 128 &&
              ((k === tags && ke - at === 11 && ch.matchesAt(cell, at + 7, ke, "name")) ||
                !ch.plainWord(cell, vs, ve)) &&
              (nm.spacedName(cell, vs, ve) || plausibleName(cell, vs, ve, cfg.byId["resource-name"]))
            )
              cells.push({ s: a + vs, e: a + ve, kind: cfg.byId["resource-name"] });
            at = cell.indexOf(lit, ve + 2);
          }
          continue;
        }
        if (k < 31 && (people & (1 << k)) !== 0 && ct.personCell(s, a, b)) {
          cells.push({ s: a, e: b, kind: cfg.byId["person-name"] });
          continue;
        }
        if (
          kind !== undefined &&
          b > a &&
          (kind.id === "credential"
            ? creds.plausibleCredential(s, a, b, true, sepUnit)
            : kind.family === "canonical-id"
              ? b - a === 64 && runOf(s, a, b, C_HEX) === 64
              : tagCols[k]
                ? ((plausibleName(s, a, b, kind) || nm.spacedName(s, a, b)) &&
                    !nm.plainTagValue(s, heads[2 * k], heads[2 * k + 1], s, a, b)) ||
                  nm.costCenterCode(s, heads[2 * k], heads[2 * k + 1], s, a, b)
                : plausibleName(s, a, b, kind) ||
                  // (a quoted name with blanks: an account's, a Name tag's, "Halvorsen Prod Workloads")
                  (a > 0 && byteAt(s, a - 1) === QUOTE && nm.spacedName(s, a, b)))
        ) {
          cells.push({ s: a, e: b, kind });
        }
      }
    } else if (count >= 3) {
      // a header: every cell a short label; some name a credential or a resource
      width = 0;
      cols = [];
      tags = -1;
      costCategory = -1;
      people = 0;
      let any = false;
      // (the labels are checked first: a line with a long or empty cell is no header, its cells are not classified; a
      // label of one token may be long, CUR 2.0's reservation_amortized_upfront_fee_for_billing_period)
      let labels = true;
      for (let k = 0; k < count && labels; k++) {
        const w = CSV_B[k] - CSV_A[k];
        if (w === 0 || w > 96 || (w > 48 && unitWithin(s, SPACE, CSV_A[k], n, w) >= 0)) labels = false;
      }
      for (let k = 0; labels && k < count; k++) {
        const a = CSV_A[k];
        const b = CSV_B[k];
        let kind: Kind | undefined = undefined;
        const code = creds.credentialKeyCode(s, a, b);
        // (a title with a note in parentheses is read by its words: Trusted Advisor's "User Name (IAM or Root)")
        let t = b;
        if (b - a > 4 && byteAt(s, b - 1) === ch.RPAREN) {
          const o = unitWithin(s, ch.LPAREN, a + 1, n, b - a - 1);
          if (o > a + 1 && byteAt(s, o - 1) === SPACE) t = o - 1;
        }
        if (code !== CRED_NONE)
          kind = code === creds.CRED_SECRET_KEY ? cfg.byFamily["secret-key"] : cfg.byId["credential"];
        else if (nm.genericKey(s, a, t)) kind = cfg.byId["resource-name"];
        else if (b - a === 13 && matchesLowerAt(s, a, b, "resource_tags")) tags = k;
        // (fifty-second pass) Athena's table of S3 server access logs: the requester and the bucket owner by their
        // canonical ids (the requester's cell an ARN otherwise, read as text)
        else if (
          (b - a === 9 && matchesLowerAt(s, a, b, "requester")) ||
          (b - a === 11 && matchesLowerAt(s, a, b, "bucketowner"))
        )
          kind = cfg.byId["canonical-user-id"];
        else if (b - a === 13 && matchesLowerAt(s, a, b, "cost_category")) costCategory = k;
        // (a title of words ending in " Id": AWS Backup's report columns, Backup Job Id, Recovery Point Id)
        else if (
          b - a >= 5 &&
          byteAt(s, b - 3) === SPACE &&
          lowerCode(byteAt(s, b - 2)) === 105 &&
          lowerCode(byteAt(s, b - 1)) === 100
        )
          kind = cfg.byId["resource-name"];
        if (k < 31 && ct.personColumn(s, a, b)) {
          people = people | (1 << k);
          any = true;
        }
        if (kind !== undefined) any = true;
        cols[k] = kind;
        // (and an account's name, CUR 2.0's line_item_usage_account_name, FOCUS's SubAccountName: words, unquoted)
        tagCols[k] =
          kind !== undefined &&
          kind.id === "resource-name" &&
          (nm.tagKey(s, a, b) ||
            nm.tagColumn(s, a, b) ||
            (b - a >= 11 &&
              (matchesLowerAt(s, b - 11, b, "accountname") ||
                (b - a >= 12 &&
                  (matchesLowerAt(s, b - 12, b, "account_name") || matchesLowerAt(s, b - 12, b, "account name"))))));
        heads[2 * k] = a;
        heads[2 * k + 1] = b;
      }
      if (labels && (any || tags >= 0 || costCategory >= 0)) width = count;
    } else {
      width = 0;
    }
    ls = le + 1;
  }
  mergeCells(cfg, s, out, base, cells);
}

/**
 * Merges cells (sorted, from a table or text layout) into out[base..]: a cell that overlaps a match already found, a
 * disabled kind, an allowlisted value or a pseudonym is dropped.
 */
function mergeCells(cfg: ScanConfig, s: string, out: Match[], base: number, cells: Match[]): void {
  if (cells.length === 0) return;
  const merged: Match[] = [];
  let p = base;
  for (const m of cells) {
    while (p < out.length && out[p].e <= m.s) merged.push(out[p++]);
    if (p < out.length && out[p].s < m.e) continue;
    if (merged.length > 0 && merged[merged.length - 1].e > m.s) continue;
    if (cfg.on[m.kind.id] !== true || (cfg.allowAny && cfg.allow[sub(s, m.s, m.e)] === true)) continue;
    if (pseudo.pseudonymEndAt(s, m.s, m.e) === m.e) continue;
    merged.push(m);
  }
  while (p < out.length) merged.push(out[p++]);
  for (let q = 0; q < merged.length; q++) out[base + q] = merged[q];
}

function scanWords(cfg: ScanConfig, s: string, keyCtx: string, out: Match[]): void {
  const n = s.length;
  SIGNAL.known = false;
  creds.newCredentialScan();
  // any value of a credential-named member ("Password", "SecretAccessKey", "Token") is a credential as a whole
  const kl = keyCtx.length;
  const key = keyInfoOf(cfg, keyCtx);
  if (
    n >= 1 &&
    key.cred !== CRED_NONE &&
    !(kl >= 9 && matchesLowerAt(keyCtx, kl - 9, kl, "signature") && s.indexOf(" ") >= 0)
  ) {
    const code = key.cred;
    if (creds.plausibleCredential(s, 0, n, true, QUOTE)) {
      push(cfg, s, out, 0, n, credentialKind(cfg, code, s, 0, n));
      if (out.length > 0 && out[out.length - 1].s === 0 && out[out.length - 1].e === n) return;
    }
  }
  // S3 canonical user id: 64 hex as the value of an ...ID / Owner member
  if (
    n === 64 &&
    kl >= 2 &&
    runOf(s, 0, n, C_HEX) === 64 &&
    (lowerCode(byteAt(keyCtx, kl - 1)) === 100 ||
      windowHas(keyCtx, 0, kl, "owner") ||
      windowHas(keyCtx, 0, kl, "canonical"))
  ) {
    push(cfg, s, out, 0, n, cfg.byId["canonical-user-id"]);
    return;
  }
  // `aws sts get-caller-identity --query Account --output text` prints the account alone
  if (kl === 0 && n >= 12 && n <= 14 && runOf(s, 0, n, C_DIGIT) === 12) {
    let e = 12;
    while (e < n && (byteAt(s, e) === 10 || byteAt(s, e) === 13)) e++;
    if (e === n) {
      push(cfg, s, out, 0, 12, cfg.byFamily["arn-account"]);
      return;
    }
  }
  // CloudWatch LoadBalancer / TargetGroup dimension values: app/<name>/<16 hex>, net/..., targetgroup/...
  if (
    kl === 5 &&
    (keyCtx === "Value" || keyCtx === "value") &&
    n > 20 &&
    (sub(s, 0, 4) === "app/" || sub(s, 0, 4) === "net/" || sub(s, 0, 12) === "targetgroup/") &&
    runOf(s, n - 16, n, C_HEX) === 16 &&
    byteAt(s, n - 17) === SLASH
  ) {
    push(cfg, s, out, 0, n, cfg.byId["elb-hostname"]);
    return;
  }
  // a generated secret stored as a plain value ({"Type": "SecureString", "Value": "q22m5RGq..."}), an app's own key by
  // its value's shape ("IMGPROXY_KEY": "<64 hex>")
  if (
    (kl === 5 && n >= 12 && (keyCtx === "Value" || keyCtx === "value") && creds.randomToken(s, 0, n)) ||
    (kl >= 5 && n >= 24 && creds.keyedSecret(keyCtx, 0, kl, s, 0, n))
  ) {
    push(cfg, s, out, 0, n, cfg.byId["credential"]);
    return;
  }
  // (an environment list's {"name": "SHOTGRID_SCRIPT_KEY", "value": x}: a *_KEY or *_SALT name's secret-shaped value)
  if (kl >= 5 && n >= 12 && byteAt(keyCtx, kl - 1) <= 89 && creds.secretConstant(keyCtx, 0, kl, s, 0, n)) {
    push(cfg, s, out, 0, n, cfg.byId["credential"]);
    return;
  }
  // a JSON value under a name key ("FunctionName": "orders-ingest") is a name as a whole
  if (keyCtx !== "" && n >= 3) {
    const kind = key.name;
    const a = nm.wildcardNameStart(s, 0, n);
    if (
      kind !== undefined &&
      cfg.on[kind.id] === true &&
      (plausibleName(s, a, n, kind) || (kind.id === "resource-name" && nm.spacedName(s, a, n))) &&
      !nm.plainTagValue(keyCtx, 0, kl, s, a, n)
    ) {
      // (fiftieth pass: a function's log group, /aws/lambda/<function>, masks and learns the function as in text: an
      // MCP CloudWatch tool's log_group_names, a logGroupName)
      const fn = cfg.byId["lambda-function"];
      if (
        n - a > 12 &&
        byteAt(s, a) === SLASH &&
        matchesLowerAt(s, a, a + 12, "/aws/lambda/") &&
        unitWithin(s, SLASH, a + 12, n, n - a - 12) < 0 &&
        kindOn(cfg, fn) &&
        !ch.plainWord(s, a + 12, n) &&
        plausibleName(s, a + 12, n, fn)
      )
        push(cfg, s, out, a + 12, n, fn);
      else push(cfg, s, out, a, n, kind);
      return;
    }
  }
  const base = out.length;
  // (values a scan cut short by an error left behind are dropped by the next top-level scan)
  if (ENCODED.depth === 0 && cfg.idValues.length > 0) cfg.idValues = [];
  if (ENCODED.depth === 0 && cfg.signalValues.length > 0) cfg.signalValues = [];
  if (ENCODED.depth === 0 && cfg.signalKeys.length > 0) cfg.signalKeys = [];
  const pending = cfg.idValues.length;
  let extra: Match[] | undefined = undefined;
  if (n >= 16 || cfg.custom.length > 0) {
    const found: Match[] = [];
    if (n >= 16) {
      ch.markUnits(s, n);
      findHosts(cfg, s, n, found);
      findOtherAnchors(cfg, s, n, found);
      findCredentials(cfg, s, n, found);
      if (ENCODED.depth === 0) {
        findBase64(cfg, s, n, found);
        findEncoded(cfg, s, n, found);
      }
    }
    if (cfg.custom.length > 0) findCustom(cfg, s, n, found);
    if (found.length > 0) {
      nm.sortSpans(found);
      extra = found;
    }
  }
  let x = 0;
  const nx = extra !== undefined ? extra.length : 0;
  let nextExtra = nx > 0 ? (extra as Match[])[0].s : n + 1;
  // Words (runs of alphanumerics) are handed to wordMatch() at their end, with the unit that ends them. A tight inner
  // loop over a word's units stops at the next anchored match: a flat loop with a branch per unit costs LuaJIT a trace
  // exit at every word boundary (3x slower on prose).
  let i = 0;
  const runTable = PLAIN_RUN.table;
  const runBase = PLAIN_RUN.base;
  const runUnit = PLAIN_RUN.unit;
  // plain words the loop below passed in a row: the automaton (PLAIN_RUN) runs again after two, and at the start
  // (run at every word, it costs more than it saves in text of ids, keys and numbers)
  let plainInRow = 2;
  const runOn = PLAIN_RUN.on;
  // (an anchored match left behind by a word matcher's jump is still merged at the end)
  while (i < n || (x < nx && i >= nextExtra)) {
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
    if (runOn && plainInRow >= 2) {
      // plain prose first: the words plainWord passes and the separators between them, skipped by one table step
      // per unit (PLAIN_RUN); a word that needs a look stops it, and the loop below takes over at its start
      const lim = nextExtra < n ? nextExtra : n;
      let st = PLAIN_RUN.separator;
      if (i > 0) {
        const before = runUnit[unitAt(s, i - 1)];
        if (before === Run.Colon || before === Run.Dash || before === Run.Underscore) st = PLAIN_RUN.glued;
      }
      let k = i;
      while (k < lim) {
        // (| not +: st < 256, and LuaJIT keeps the bit operation on integers where + would convert st to a double)
        const next = byteAt(runTable, runBase[unitAt(s, k)] | st);
        if (next === Run.Stop) break;
        st = next;
        k++;
      }
      // the rest of the string is plain: its last word is not handed to the loop below
      if (k === n && PLAIN_RUN.ends[st]) {
        i = n;
        continue;
      }
      // a word start at or before k: back over a blank, "(" or quote (it may have ended the word that stopped the run),
      // then over the word's units
      let h = k;
      const last = h > i ? byteAt(s, h - 1) : -1;
      if (last === SPACE || last === ch.LPAREN || last === QUOTE || last === ch.APOS) h--;
      while (h > i && (WORD_UNIT[unitAt(s, h - 1)] & C_ALNUM) !== 0) h--;
      plainInRow = 0;
      if (h > i) {
        i = h;
        continue;
      }
    }
    // a separator is skipped by this loop itself, not by an inner loop: this loop's own trace then compiles on its
    // common path. With an inner loop first, every trace LuaJIT started here aborted ("inner loop in root trace") and
    // it blacklisted this loop after ~11 aborts, when this function was called from interpreted code.
    if ((WORD_UNIT[unitAt(s, i)] & C_ALNUM) === 0) {
      i++;
      continue;
    }
    // (fifty-first pass: a literal escape's letter, "pg-03\n10.112.20.45", is a separator: the word starts after it)
    // (and a \uXXXX escape's hex: "\u003c10.0.0.1\u003e", review of the fifty-first pass)
    if (i > 0 && byteAt(s, i - 1) === 92 && ch.escapeEndAt(s, i, n) > i) {
      i = ch.escapeEndAt(s, i, n);
      continue;
    }
    const lim = nextExtra < n ? nextExtra : n;
    const ws = i;
    let tail = 0; // classes of the word's units after its first
    i++;
    while (i < lim) {
      const f = WORD_UNIT[unitAt(s, i)];
      if ((f & C_ALNUM) === 0) break;
      tail |= f;
      i++;
    }
    // a word cut by an anchored match is not a word (the match is merged at the top)
    if (i >= nextExtra) continue;
    const c = i < n ? byteAt(s, i) : -1;
    // a word of prose: no matcher can start there (the common case skips the dispatch)
    if ((tail & (C_UPPER | C_DIGIT)) === 0 && plainWord(s, ws, i, n, c)) {
      plainInRow++;
      i++;
      continue;
    }
    plainInRow = 0;
    const before = out.length;
    const consumed = wordMatch(cfg, s, ws, i, n, c, keyCtx, out);
    if (consumed > i) {
      // drop anchored matches the word matcher consumed
      if (out.length > before) {
        while (x < nx && (extra as Match[])[x].s < consumed) x++;
        nextExtra = x < nx ? (extra as Match[])[x].s : n + 1;
      }
      i = consumed;
    } else {
      // a word that started nothing, between blanks and before a word of letters: prose goes on, the automaton runs
      // again at once (not after two plain words: that wait is for text of ids, keys and numbers); not after a prose
      // noun or a dashed word ("cluster a-b-c"), whose next word is often one the automaton would stop at again
      const wl = i - ws;
      if (
        c === SPACE &&
        (ws === 0 || byteAt(s, ws - 1) === SPACE) &&
        i + 1 < n &&
        (WORD_UNIT[unitAt(s, i + 1)] & C_LOWER) !== 0 &&
        (wl < 4 ||
          wl > Run.LongestNoun ||
          (NOUN_ENDS[lowerCode(byteAt(s, ws)) * 128 + unitAt(s, i - 1)] & (1 << wl)) === 0)
      )
        plainInRow = 2;
      i++;
    }
  }
  const keys = cfg.signalKeys;
  if (ENCODED.depth === 0 && keys.length > 0) {
    // the keys matchKeyValue kept aside before the text's first AWS signal, read when the text has one after all
    // (their values join those kept aside below)
    cfg.signalKeys = [];
    if (hasSignal(s, out))
      for (const k of keys) matchKeyValue(cfg, s, k >> 2, n, (k & 1) !== 0, cfg.signalValues, (k & 2) !== 0);
  }
  const ids = cfg.idValues;
  if (ids.length > pending) {
    // the id keys' values this scan kept aside, where the main pass found nothing (matchKeyValue)
    const cells: Match[] = [];
    for (let k = pending; k < ids.length; k++) cells.push(ids[k]);
    for (let k = ids.length; k > pending; k--) ids.pop();
    // (in order: the keys read again above kept theirs after the later ones')
    nm.sortSpans(cells);
    mergeCells(cfg, s, out, base, cells);
  }
  const aside = cfg.signalValues;
  if (ENCODED.depth === 0 && aside.length > 0) {
    // the names this top-level scan kept aside before its first AWS match (cfg.signalValues), when the text has one
    // after all; in order (the anchors' readers kept theirs before the words')
    // (one local fewer than the id values' mark: with it, LuaJIT failed to compile the side trace at the anchors'
    // branch above when the JSON walker's trace had scanWords inlined, "register coalescing too complex", hundreds of
    // times in a process)
    cfg.signalValues = [];
    // (else weak: a JSON request keeps them when another of its strings carries a signal, session.ts withSignal)
    if (!hasSignal(s, out)) for (const m of aside) m.weak = true;
    nm.sortSpans(aside);
    mergeCells(cfg, s, out, base, aside);
  }
}

// Units after which a word of letters starts nothing: not "-" ":" "/" "+" (ids, ARNs, IPv6, secrets), nor what may
// follow a key (CRED_NEXT, KEY_NEXT). A blank is looked at apart (plainWord).
const PLAIN_NEXT: boolean[] = [];
for (let c = 0; c < 256; c++) {
  PLAIN_NEXT.push(!(c === DASH || c === COLON || c === SLASH || c === ch.PLUS || CRED_NEXT[c] || KEY_NEXT[c]));
}

/**
 * Plain prose, skipped by scanWords with one table step per unit: an automaton over unit classes that follows words
 * and separators while every word it passes is one plainWord passes (letters, capitalised at most, not after ":"
 * "-" "_", no noun that plainWord would look up, followed by what plainWord lets through) and stops at any other word
 * (Run.Stop). Which words it stops at is a choice of speed only: scanWords looks at each of them as before.
 * States: a separator (Run.Separator, or Run.Glued after ":" "-" "_"), a word's blank, "(" or closing quote awaiting the
 * next unit (Run.AfterBlank, Run.AfterParen, Run.AfterQuote), and words: Run.Word + ((len - 1) * 26 + first letter) * 2 + (1 when first and last
 * letter are those of a prose noun) up to Run.LongestNoun letters, then one state per length up to 64 and one beyond.
 * Past Run.FirstLetterKept letters a word forgets its first letter (the states would pass 255) and counts as a
 * possible noun by its last letter and length alone: a few more stops, each looked at by plainWord.
 */
const enum Run {
  Stop = 0,
  Separator = 1,
  Glued = 2,
  AfterBlank = 3,
  AfterParen = 4,
  AfterQuote = 5,
  Word = 6,
  LongWord = 6 + 12 * 26 * 2, // 13 letters; + (len - 13) up to 64
  Longest = LongWord + 52, // more than 64 letters
  LongestNoun = 12, // (LongWord's letters less one) the longest prose noun ("environment", "accelerator")
  FirstLetterKept = 8, // the longest word whose first letter the automaton keeps
  States = Longest + 1,
  // unit classes: 0-25 lower-case letters, 26-51 upper-case letters
  Upper = 26,
  Digit = 52,
  Blank = 53,
  Tab = 54,
  Colon = 55,
  Equals = 56,
  Pipe = 57,
  Dash = 58,
  Underscore = 59,
  Paren = 60,
  Quote = 61, // " and '
  PlainNext = 62, // any other unit plainWord lets a word end with (PLAIN_NEXT)
  OtherNext = 63,
  // "]": PlainNext, but after a closing quote a subscript's key (h["password"] = x; review of the fifty-third pass)
  Bracket = 64,
  Classes = 65, // (each a block of 256 units of PLAIN_RUN.table)
}
/**
 * The automaton as LuaJIT runs it fastest: states renumbered 1..255 (0: stopped), and the state after unit class u in
 * state st is the unit at u * 256 + st of one string (table). A step is then one byte load whose result is the next
 * index, with no conversion or table pointer on the chain from one unit to the next. Word states that can no longer
 * become a prose noun (nor "value") forget their first letter, which brings the 581 states of Run down to 168.
 * base: unit -> its class * 256; unit: unit -> its class; separator / glued: the start states.
 */
const PLAIN_RUN = {
  table: "",
  base: [] as number[],
  unit: [] as number[],
  separator: 0,
  glued: 0,
  /** state -> true when, at the end of the string, nothing it passed is left to look at (see buildPlainRun) */
  ends: [] as boolean[],
  on: true,
};

/** Fills PLAIN_RUN (after nounKinds: prose nouns are stopped at). */
function buildPlainRun(): void {
  const unit = PLAIN_RUN.unit;
  const named: Record<number, number> = {};
  named[SPACE] = Run.Blank;
  named[ch.TAB] = Run.Tab;
  named[COLON] = Run.Colon;
  named[ch.EQUALS] = Run.Equals;
  named[ch.PIPE] = Run.Pipe;
  named[DASH] = Run.Dash;
  named[UNDERSCORE] = Run.Underscore;
  named[ch.LPAREN] = Run.Paren;
  named[QUOTE] = Run.Quote;
  named[ch.APOS] = Run.Quote;
  // (a backslash stops the run as a digit does: the letter of its escape, "\ncluster x", is no part of the next word)
  named[92] = Run.Digit;
  named[93] = Run.Bracket;
  for (let c = 0; c < 256; c++) {
    const f = cls(c);
    if ((f & C_LOWER) !== 0) unit.push(c - 97);
    else if ((f & C_UPPER) !== 0) unit.push(Run.Upper + c - 65);
    else if ((f & C_DIGIT) !== 0) unit.push(Run.Digit);
    else if (named[c] !== undefined) unit.push(named[c]);
    else unit.push(PLAIN_NEXT[c] ? Run.PlainNext : Run.OtherNext);
  }
  /** A separator's state: the next word stands after it. */
  function runAfterSeparator(u: number): number {
    return u === Run.Colon || u === Run.Dash || u === Run.Underscore ? Run.Glued : Run.Separator;
  }

  // the longest prose noun of each first letter up to FirstLetterKept (a word state of that letter and a length from
  // it on forgets it), and per last letter the lengths of the nouns past FirstLetterKept
  const nounMax: number[] = [];
  const nounLastLetters: number[] = [];
  for (let l = 0; l < 26; l++) nounLastLetters.push(0);
  for (let f = 0; f < 26; f++) {
    nounMax.push(0);
    for (let len = 1; len <= Run.LongestNoun; len++) {
      for (let l = 0; l < 26; l++) {
        if ((NOUN_ENDS[(97 + f) * 128 + 97 + l] & (1 << len)) === 0) continue;
        if (len <= Run.FirstLetterKept) nounMax[f] = len;
        else nounLastLetters[l] |= 1 << len;
      }
    }
  }
  const FORGOTTEN = 23; // "x": no noun starts with it
  /** The state after unit class u in state st. */
  function runStep(st: number, u: number): number {
    const letter = u < Run.Digit;
    if (st === Run.Stop) return Run.Stop;
    if (u === Run.Bracket) {
      if (st === Run.AfterQuote) return Run.Stop;
      u = Run.PlainNext;
    }
    if (st === Run.AfterBlank || st === Run.AfterParen || st === Run.AfterQuote) {
      // plainWord looks at the unit after the blank / "(" / quote too
      if (
        st !== Run.AfterParen &&
        (u === Run.Blank || u === Run.Tab || u === Run.Colon || u === Run.Equals || u === Run.Pipe)
      )
        return Run.Stop;
      if (st === Run.AfterParen && u === Run.Quote) return Run.Stop;
      st = Run.Separator;
    }
    if (st === Run.Separator || st === Run.Glued) {
      if (!letter) return u === Run.Digit ? Run.Stop : runAfterSeparator(u);
      if (st === Run.Glued) return Run.Stop;
      return Run.Word + (u % 26) * 2;
    }
    // in a word of len letters
    let len: number;
    let first = 0;
    let noun = false;
    if (st < Run.LongWord) {
      const w = st - Run.Word;
      noun = w % 2 === 1;
      first = Math.floor(w / 2) % 26;
      len = Math.floor(w / 2 / 26) + 1;
    } else {
      len = st - Run.LongWord + Run.LongestNoun + 1;
    }
    if (u < Run.Upper) {
      const grown = len + 1;
      if (grown <= Run.FirstLetterKept) {
        const isNoun = (NOUN_ENDS[(97 + first) * 128 + 97 + u] & (1 << grown)) !== 0;
        return Run.Word + ((grown - 1) * 26 + first) * 2 + (isNoun ? 1 : 0);
      }
      if (grown <= Run.LongestNoun) {
        const isNoun = (nounLastLetters[u] & (1 << grown)) !== 0;
        return Run.Word + ((grown - 1) * 26 + FORGOTTEN) * 2 + (isNoun ? 1 : 0);
      }
      return grown <= 64 ? Run.LongWord + grown - Run.LongestNoun - 1 : Run.Longest;
    }
    // a unit after the first that is upper case or a digit: wordMatch looks at the word
    if (u < Run.Blank) return Run.Stop;
    if (len === 17 || len === 40 || len === 64) return Run.Stop;
    if (u === Run.PlainNext) return Run.Separator;
    if (u === Run.Underscore) return Run.Glued;
    if (u === Run.Blank) return len >= 2 && len <= Run.LongestNoun && noun ? Run.Stop : Run.AfterBlank;
    if (u === Run.Paren) return Run.AfterParen;
    // a closing quote: "value" (matchPairedValue) is looked at
    if (u === Run.Quote) return len === 5 && first === ch.LOWER_V - 97 ? Run.Stop : Run.AfterQuote;
    return Run.Stop;
  }

  /** st with the first letter forgotten when it can no longer matter. */
  function canonical(st: number): number {
    if (st < Run.Word || st >= Run.LongWord) return st;
    const w = st - Run.Word;
    const first = Math.floor(w / 2) % 26;
    const len = Math.floor(w / 2 / 26) + 1;
    if (len < nounMax[first] || (first === ch.LOWER_V - 97 && len <= 5)) return st;
    return Run.Word + ((len - 1) * 26 + FORGOTTEN) * 2 + (w % 2);
  }
  if (nounMax[FORGOTTEN] !== 0) throw "aws-masker: scanner: a prose noun starts with x";
  // the merged states must step alike (then the automaton stops at the same units): checked here, once per worker
  for (let st = Run.Word; st < Run.LongWord; st++) {
    const c = canonical(st);
    for (let u = 0; c !== st && u < Run.Classes; u++) {
      if (canonical(runStep(st, u)) !== canonical(runStep(c, u)))
        throw "aws-masker: scanner: automaton states merged wrongly";
    }
  }
  // number the states reachable from the two start states
  const number: number[] = [];
  for (let st = 0; st < Run.States; st++) number.push(-1);
  number[Run.Stop] = 0;
  const order: number[] = [Run.Separator, Run.Glued];
  number[Run.Separator] = 1;
  number[Run.Glued] = 2;
  for (let q = 0; q < order.length; q++) {
    for (let u = 0; u < Run.Classes; u++) {
      const next = canonical(runStep(order[q], u));
      if (number[next] < 0) {
        number[next] = order.length + 1;
        order.push(next);
      }
    }
  }
  if (order.length > 255) throw "aws-masker: scanner: the automaton has more than 255 states";
  const units: string[] = [];
  for (let u = 0; u < Run.Classes; u++) {
    units.push(String.fromCharCode(0));
    for (let q = 0; q < 255; q++)
      units.push(String.fromCharCode(q < order.length ? number[canonical(runStep(order[q], u))] : 0));
  }
  PLAIN_RUN.table = units.join("");
  // the end of the string after a separator, or after a word that plainWord passes before the end (nxt -1: as before a
  // PlainNext unit); not after a blank, "(" or quote, where plainWord looks at the unit after them
  PLAIN_RUN.ends.push(false);
  for (const st of order) {
    PLAIN_RUN.ends.push(
      st === Run.Separator || st === Run.Glued || (st >= Run.Word && runStep(st, Run.PlainNext) !== Run.Stop),
    );
  }
  for (let c = 0; c < 256; c++) PLAIN_RUN.base.push(unit[c] * 256);
  PLAIN_RUN.separator = 1;
  PLAIN_RUN.glued = 2;
}

/**
 * True when wordMatch cannot find anything at the word [i, j) ended by nxt: a capitalised or lower-case word of letters
 * (the caller checked the units after the first), of no length an id of letters may have (17 hex, 40 secret, 64 hex),
 * not after ":" "-" "_", and followed by a unit that starts nothing; or by a blank or a closing quote and then no key
 * separator (":" "=" "|": every key matcher needs one), and (blank) not by a noun that names a resource ("cluster x",
 * matchProseName), (quote) not "value" (matchPairedValue); or by "(" and no quote (a call, not `Table("orders")`).
 * Must agree with wordMatch: every branch there needs more than such a word.
 */
function plainWord(s: string, i: number, j: number, n: number, nxt: number): boolean {
  const len = j - i;
  if (len === 17 || len === 40 || len === 64 || (cls(byteAt(s, i)) & (C_LOWER | C_UPPER)) === 0) return false;
  const prev = i > 0 ? byteAt(s, i - 1) : SPACE;
  if (prev === COLON || prev === DASH || prev === UNDERSCORE) return false;
  if (nxt < 0 || nxt >= 256 || PLAIN_NEXT[nxt]) return true;
  if (j + 1 >= n) return false;
  const after = byteAt(s, j + 1);
  if (nxt === ch.LPAREN) return after !== QUOTE && after !== ch.APOS;
  if (nxt !== SPACE && nxt !== ch.TAB && nxt !== QUOTE && nxt !== ch.APOS) return false;
  if (after === SPACE || after === ch.TAB || after === COLON || after === ch.EQUALS || after === ch.PIPE) return false;
  // (a credential's key as a subscript: payload["password"] = x, matchCredential; review of the fifty-third pass)
  if (after === 93 && nxt !== SPACE && nxt !== ch.TAB && creds.credentialKeyCode(s, i, j) !== CRED_NONE) return false;
  // (a Remote Desktop file's `password 51:b:<hex>`: matchCredential)
  if (after === 53 && j + 3 < n && byteAt(s, j + 2) === 49 && byteAt(s, j + 3) === COLON) return false;
  // (a credential's word before its value after a tab, "secret\tValue0a1b", starts a match in wordMatch: not plain;
  // tabs are rare in prose, so every word before one is asked)
  if (nxt === ch.TAB && creds.credentialKeyCode(s, i, j) !== CRED_NONE) return false;
  if (nxt === SPACE) {
    // (a credential's word before its value, "password 0a1b2c3dValue", starts a match in wordMatch: not plain; in
    // prose the automaton still passes it, and CONFIG_SECRETS' "assword " anchor reads the value)
    if ((len === 8 || len === 10) && lowerCode(byteAt(s, i)) === 112 && creds.credentialKeyCode(s, i, j) !== CRED_NONE)
      return false;
    return (
      len < 2 ||
      len > Run.LongestNoun ||
      (NOUN_ENDS[lowerCode(byteAt(s, i)) * 128 + byteAt(s, j - 1)] & (1 << len)) === 0 ||
      kindOfKeyEndingAt(PROSE_NOUNS, s, j, KEY_TOKEN) === undefined
    );
  }
  return len !== 5 || lowerCode(byteAt(s, i)) !== ch.LOWER_V;
}

/** True for a line of a table's frame (+----+, -----; a nested table's |+----+|). */
function borderLine(s: string, a: number, b: number): boolean {
  let k = a;
  while (k < b && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) k++;
  if (ch.boxAt(s, k, b, false) > 0) {
    // a box-drawn frame: box characters and blanks only, a corner, junction or horizontal among them
    let frame = false;
    while (k < b) {
      const w = ch.boxAt(s, k, b, false);
      if (w > 0) {
        if (ch.boxAt(s, k, b, true) === 0) frame = true;
        k += w;
      } else if (byteAt(s, k) === 32) k++;
      else return false;
    }
    return frame;
  }
  while (k < b && k - a < 16 && byteAt(s, k) === ch.PIPE) k++;
  if (k >= b) return false;
  const c = byteAt(s, k);
  return c === ch.PLUS || c === DASH;
}

/**
 * A TAGS row's value s[a, b) under its key s[ka, kb): a name when the key is a name's or a tag key (Name, Team, Owner,
 * CostCenter ...), or the value is a compound opening with a letter (pgbouncer-from-kestrel under purpose: a tag's key
 * is the company's own word; not a date), and the value is no id of its own shape, no region and not one plain word
 * under a tag key.
 */
function tagValueCell(cfg: ScanConfig, s: string, ka: number, kb: number, a: number, b: number): boolean {
  // (a value of words, whatever the key: Ledger Platform under Team, a person's name under Owner, a Purpose's phrase)
  if (unitWithin(s, SPACE, a, b, b - a) >= 0) return nm.wordsValue(s, a, b);
  // (a cost center's number: CostCenter<tab>70231)
  if (nm.costCenterCode(s, ka, kb, s, a, b)) return true;
  return (
    (nm.genericKey(s, ka, kb) ||
      ((cls(byteAt(s, a)) & (C_LOWER | C_UPPER)) !== 0 &&
        (unitWithin(s, DASH, a, b, b - a) >= 0 || unitWithin(s, UNDERSCORE, a, b, b - a) >= 0))) &&
    !nm.plainTagValue(s, ka, kb, s, a, b) &&
    !idShaped(cfg, s, a, b) &&
    !isRegionLabel(s, a, b) &&
    plausibleName(s, a, b, cfg.byId["resource-name"])
  );
}

/**
 * A cell's token [a, b) that may be a name: no blank inside, a letter, not a region; not all upper case (row keys,
 * statuses) unless two letters follow a dash and a digit stands in it (a Windows computer name: WIN-ORDERSDB01; not
 * RSA-2048, IN_PROGRESS, nor a CloudFront edge location: FRA56-P3).
 */
function cellName(cfg: ScanConfig, s: string, a: number, b: number): boolean {
  let letters = 0;
  let lower = 0;
  let digits = 0;
  let dashLetter = false;
  for (let k = a; k < b; k++) {
    const f = cls(byteAt(s, k));
    if ((f & C_LOWER) !== 0) lower++;
    if ((f & (C_LOWER | C_UPPER)) !== 0) {
      letters++;
      if (k > a + 1 && byteAt(s, k - 2) === DASH && (cls(byteAt(s, k - 1)) & C_UPPER) !== 0) dashLetter = true;
    } else if ((f & C_DIGIT) !== 0) digits++;
  }
  // (Bedrock's ids, ten capitals and digits: list-agents --output text's QW4ZP8TL2N; a status or an enum has no digit)
  if (lower === 0 && digits >= 2 && b - a === 10 && letters + digits === 10) return nm.opaqueIdEnd(s, a, b) === b;
  if (letters === 0 || (lower === 0 && (!dashLetter || digits === 0))) return false;
  if (isRegionLabel(s, a, b) || (b - a > 9 && isRegionLabel(s, a, b - 1))) return false;
  if (digits === 0 && nm.stepFunctionsWord(s, a, b)) return false;
  return plausibleName(s, a, b, cfg.byId["resource-name"]);
}

/**
 * CamelCase words without digits or punctuation: a column header or a row key of `--output table` (blanks between
 * words: `Resource name` of amplify status); with lower, a first letter in lower case too (executionArn, status).
 */
function headerWord(s: string, a: number, b: number, lower: boolean): boolean {
  if (!lower && (cls(byteAt(s, a)) & C_UPPER) === 0) return false;
  for (let k = a; k < b; k++)
    if (
      (cls(byteAt(s, k)) & (C_LOWER | C_UPPER)) === 0 &&
      byteAt(s, k) !== 32 &&
      // (an API member's name with an IP version, --output table's column titles: CidrIpv4, Ipv6CidrBlock)
      !(!lower && k > a + 1 && (byteAt(s, k) === 52 || byteAt(s, k) === 54) && nm.ipVersionAt(s, k))
    )
      return false;
  return true;
}

/**
 * Cells of CLI output that no matcher claimed: tab-separated fields (--output text) and `| cell |` of --output table,
 * skipping header and title rows (CamelCase between two frame lines) and the key cell of `| Key | value |` rows.
 * Added to out (sorted) where they overlap nothing.
 */
function fillCells(cfg: ScanConfig, s: string, n: number, out: Match[], base: number): void {
  const kind = cfg.byId["resource-name"];
  const cells: Match[] = [];
  let ls = 0;
  let prevBorder = false;
  // the rows under a Markdown table's header
  let markdown = false;
  let prevTab = false;
  let prevCount = 0;
  // a W3C extended log's rows (CloudFront's standard logs: #Fields: date time x-edge-location ...) are log records, not
  // --output text rows: their cells are Hit, TLSv1.3, text/html, read by the other rules; from the #Fields: line to
  // the first line without a tab
  let logRows = false;
  // a block of --output table's | key | value | rows (one object's members) after a row whose key is an API's: its
  // other camelCase keys are keys too (defaultDomain, repository), up to the next border
  let keyRows = false;
  // the columns (bit k: the k-th cell) whose header names people (Owner, Assignee, Lead): a person's name in them; and
  // those whose header is a tag's key (Cost center, Team): a value no plain word in them
  let people = 0;
  let tagCols = 0;
  // the rows of --output table's Tags (TagSet, TagList) sub-table, under its | Key | Value | header: read as TAGS rows;
  // the column of the value, 2, or 4 under describe-tags' | Key | ResourceId | ResourceType | Value | (fifty-second
  // pass); 0 for none
  let tagTable = 0;
  // the rows of Logs Insights' get-query-results --output table (under | field | value | and the statistics title): a
  // row's first cell is a field's or a statistic's name
  let fieldRows = false;
  // the lines under `aws ... --output text | column -t` (its tabs turned into aligned blanks), up to a blank line, the
  // next prompt or the first line of another shape (nm.columnRowCells: prose, a code fence, a prompt, other cells than
  // the first row's): every blank-separated token a cell (column -t splits at whitespace); colAt, the next "column -t";
  // colCells, the first row's cells; colFrom, the end of the last command's line
  let colAt = s.indexOf("column -t");
  // (fifty-first pass) the rows of --output table's nested tags table (a title row "tags", describe-affected-entities'
  // tags map, a Tags list's Key | Value rows): the first cell is the tag's key, AWS's or the company's vocabulary, kept
  // as --output text's TAGS row keeps it
  let tagRows = false;
  let columnRows = false;
  let colCells = 0;
  let colFrom = 0;
  while (ls < n) {
    let lineCells = 0;
    let le = s.indexOf("\n", ls);
    if (le < 0) le = n;
    let e = le;
    if (e > ls && byteAt(s, e - 1) === 13) e--;
    let k = ls;
    while (k < e && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) k++;
    const isBorder = borderLine(s, ls, e);
    if (isBorder) keyRows = false;
    // a row of | cells |, or of │ cells │ in a box-drawn frame
    const pipeRow = k < e && (byteAt(s, k) === ch.PIPE || ch.boxAt(s, k, e, true) > 0);
    // (a top-level table's frame lines open with "+", a nested one's with "|": the Tags table's rows run to a line of
    // another shape)
    if (!pipeRow && !isBorder) tagTable = 0;
    let hasTab = false;
    if (!pipeRow) {
      for (let q = ls; q < e; q++) {
        if (byteAt(s, q) === 9) {
          hasTab = true;
          break;
        }
      }
    }
    if (!hasTab) logRows = false;
    if (byteAt(s, ls) === ch.HASH && ch.matchesAt(s, ls, ls + 9, "#Fields: ")) logRows = true;
    if (k >= e || byteAt(s, k) === 36) columnRows = false;
    let columnRow = false;
    if (colAt >= 0 && colAt < ls) colAt = s.indexOf("column -t", ls);
    if (colAt >= ls && colAt < e) {
      columnRows = !pipeRow && nm.textOutputBefore(s, colFrom, ls, colAt);
      colCells = 0;
      colFrom = le;
    } else if (columnRows && !pipeRow && !hasTab) {
      const rowCells = nm.columnRowCells(s, k, e);
      if (colCells === 0) colCells = rowCells;
      columnRow = rowCells > 0 && rowCells * 2 >= colCells && rowCells <= colCells * 2;
      columnRows = columnRow;
    }
    if (pipeRow || (hasTab && !logRows) || columnRow) {
      const sep = columnRow ? SPACE : !pipeRow ? 9 : byteAt(s, k) === ch.PIPE ? ch.PIPE : 0;
      let nextBorder = false;
      // Markdown's delimiter row under a header row: | --- | :---: |
      let nextDelimiter = false;
      // a row after the border under this one (a SQL client's header has its rows under it)
      let rowsUnder = false;
      if (pipeRow && le < n) {
        let ne = s.indexOf("\n", le + 1);
        if (ne < 0) ne = n;
        nextBorder = borderLine(s, le + 1, ne);
        if (nextBorder && ne + 1 < n) {
          let r = ne + 1;
          while (r < n && (byteAt(s, r) === 32 || byteAt(s, r) === 9)) r++;
          rowsUnder = r < n && byteAt(s, r) === ch.PIPE;
        }
        let d = le + 1;
        while (d < ne && (byteAt(s, d) === 32 || byteAt(s, d) === 9)) d++;
        if (d < ne && byteAt(s, d) === ch.PIPE) {
          d++;
          while (d < ne && (byteAt(s, d) === 32 || byteAt(s, d) === COLON)) d++;
          nextDelimiter = d < ne && byteAt(s, d) === DASH;
        }
      }
      const first = cells.length;
      let allHeaders = true;
      // (letters-only words in any case, one of them centered: three blanks or more before it; the CLI centers titles
      // and column titles, and starts a row's cell two blanks after its bar, awscli/table.py)
      let allWords = true;
      let centered = false;
      // (every cell one blank after its bar: a SQL client's frame, mysql's and psql's; the CLI starts a row's cell two
      // blanks after it)
      let oneBlank = true;
      let count = 0;
      let c = pipeRow ? k : ls;
      let open = false; // a cell after the last rule: no box-drawn row (a tree's branch: │   ├─ x)
      let label = false; // the cell before ends with ":" (a ticket's Type:<tab>Incident)
      let caps = false; // a cell of four capitals or more (--output text's RESERVATIONS, TAGS)
      let advisory = false; // a cell that opens with CVE- or GHSA- (a scanner's vulnerability row: trivy, grype)
      let allSnake = true; // every cell a lower-case snake_case label (a SQL client's column titles: account_id)
      let tagsRow = false; // --output text's TAGS<tab>key<tab>value: the tag's key is AWS's or the company's vocabulary
      let tagKey = 0;
      let tagKeyEnd = 0;
      // (the column of a text row's Description or Comment: nm.textCommentColumn)
      let commentAt = 0;
      // an Organizations row: --output text's ACCOUNTS / ORGANIZATIONALUNITS row, or a table's cell after an account id
      // (list-accounts --output table: | <id> | <name> | <email> |); an account's or OU's name of several words in it
      let orgRow = false;
      let accountBefore = false;
      // (and a cell after an account id's and an e-mail's, list-accounts' own table: | Arn | Email | Id | ... | Name |)
      let accountSeen = false;
      let mailTo = -1;
      let mailSeen = false;
      // a column row's cells read up to two blanks (a name of words) or to one: up to wideEnd, looked at
      let wideEnd = 0;
      let firstCellStart = -1;
      let lastCellStart = 0;
      let lastCellEnd = 0;
      // (Confluence's wiki markup opens a header row with "||": ||Service||Owner||)
      const wikiHead =
        pipeRow &&
        byteAt(s, k) === ch.PIPE &&
        k + 3 < e &&
        byteAt(s, k + 1) === ch.PIPE &&
        ((cls(byteAt(s, k + 2)) & (C_LOWER | ch.C_UPPER)) !== 0 ||
          (byteAt(s, k + 2) === SPACE && (cls(byteAt(s, k + 3)) & (C_LOWER | ch.C_UPPER)) !== 0));
      // (a Markdown or a wiki header, or a spreadsheet's first row: its people's columns)
      const headRow = (pipeRow && (nextDelimiter || wikiHead)) || (!pipeRow && !prevTab);
      let rowPeople = 0;
      let rowTags = 0;
      while (c < e) {
        // (a unit's compare for | and tabs, as before box rules: this loop runs per unit of every table)
        if (sep !== 0) {
          while (c < e && byteAt(s, c) === sep) c++;
        } else {
          let w = ch.boxAt(s, c, e, true);
          while (w > 0) {
            c += w;
            w = ch.boxAt(s, c, e, true);
          }
        }
        let ce = c;
        if (sep !== 0) while (ce < e && byteAt(s, ce) !== sep) ce++;
        else while (ce < e && ch.boxAt(s, ce, e, true) === 0) ce++;
        // (column -t -s $'\t' keeps a name of words whole, Shared Services: a cell up to two blanks when it is one)
        if (columnRow && c >= wideEnd && ce + 1 < e && byteAt(s, ce + 1) !== SPACE) {
          let w = ce;
          while (w < e && !(byteAt(s, w) === SPACE && (w + 1 >= e || byteAt(s, w + 1) === SPACE))) w++;
          wideEnd = w;
          if (nm.spacedName(s, c, w)) ce = w;
        }
        let a = c;
        let b = ce;
        while (a < b && (byteAt(s, a) === 32 || byteAt(s, a) === 9)) a++;
        while (b > a && (byteAt(s, b - 1) === 32 || byteAt(s, b - 1) === 9)) b--;
        // (a Markdown table's cell in bold or code: **x**, `x`)
        while (
          markdown &&
          b - a > 2 &&
          byteAt(s, a) === byteAt(s, b - 1) &&
          (byteAt(s, a) === 42 || byteAt(s, a) === 96)
        ) {
          a++;
          b--;
        }
        // (a DNS name's root dot is no part of it: dig's answers, Route 53 record sets)
        const name = b - a > 3 && byteAt(s, b - 1) === DOT ? b - 1 : b;
        if (b > a) {
          count++;
          // (and servicecatalog's RECORDTAGS, PROVISIONEDPRODUCTTAGS ...: a row title in capitals ending in TAGS)
          // (and S3's TAGSET: get-object-tagging, get-bucket-tagging)
          if (count === 1 && sep === 9 && byteAt(s, b - 1) === 83 && (b - a === 8 || b - a === 19))
            orgRow = ch.matchesAt(s, a, b, "ACCOUNTS") || ch.matchesAt(s, a, b, "ORGANIZATIONALUNITS");
          // (fifty-first pass: and a Well-Architected workload's, list-workloads' and list-milestones' WORKLOADSUMMARY)
          else if (count === 1 && sep === 9 && b - a === 15 && byteAt(s, a) === 87)
            orgRow = ch.matchesAt(s, a, b, "WORKLOADSUMMARY");
          if (count === 1 && sep === 9) commentAt = nm.textCommentColumn(s, a, b);
          if (count === 1 && tagTable > 0) {
            tagsRow = true;
            tagKey = a;
            tagKeyEnd = b;
          } else if (count === 1)
            tagsRow =
              ((b - a >= 4 &&
                byteAt(s, b - 1) === 83 &&
                byteAt(s, b - 4) === 84 &&
                ch.matchesAt(s, b - 4, b, "TAGS")) ||
                (b - a === 6 && ch.matchesAt(s, a, b, "TAGSET")) ||
                // (and RDS's TAGLIST: describe-db-instances, list-tags-for-resource)
                (b - a === 7 && ch.matchesAt(s, a, b, "TAGLIST"))) &&
              runOf(s, a, b, C_UPPER) === b - a;
          // (the tag's value: read by its key, as a Key/Value pair's is)
          else if (tagsRow && count === 2 && tagTable === 0) {
            tagKey = a;
            tagKeyEnd = b;
          } else if (
            tagsRow &&
            // (describe-tags --output text: TAGS<tab>key<tab>resource id<tab>resource type<tab>value)
            (count === (tagTable > 0 ? tagTable : 3) || (count === 5 && tagTable === 0)) &&
            b - a >= 2 &&
            tagValueCell(cfg, s, tagKey, tagKeyEnd, a, b)
          )
            // (words are learned when they are a name's, as the YAML and JSON tags' readers take them; a phrase is
            // masked where it stands)
            cells.push({
              s: a,
              e: b,
              kind: cfg.byId["resource-name"],
              local: unitWithin(s, SPACE, a, b, b - a) >= 0 && !nm.spacedName(s, a, b),
            });
          // (fifty-second pass: get-tag-values --output text, TAGVALUES<tab>value: a tag's value of any key, read as a
          // Key/Value pair's of no word of the lists)
          else if (
            count === 2 &&
            sep === 9 &&
            lastCellEnd - lastCellStart === 9 &&
            ch.matchesAt(s, lastCellStart, lastCellEnd, "TAGVALUES") &&
            tagValueCell(cfg, s, lastCellStart, lastCellEnd, a, b)
          )
            cells.push({ s: a, e: b, kind: cfg.byId["resource-name"] });
          if (count < 31 && headRow && nm.tagKey(s, a, b)) rowTags = rowTags | (1 << count);
          if (count < 31 && headRow && ct.personColumn(s, a, b)) rowPeople = rowPeople | (1 << count);
          else if (count < 31 && (people & (1 << count)) !== 0 && ct.personCell(s, a, b))
            cells.push({ s: a, e: b, kind: cfg.byId["person-name"] });
          let blank = false;
          for (let q = a; q < b; q++) {
            if (byteAt(s, q) === 32) {
              blank = true;
              break;
            }
          }
          // (and a spreadsheet's title with its unit: Oct 2024 (USD))
          if (!headerWord(s, a, b, false) && !(sep === 9 && nm.unitTitle(s, a, b))) allHeaders = false;
          // (an e-mail's "@" in the row before a name of words after an account id: looked for once per unit)
          if (blank && accountSeen && !mailSeen && sep === ch.PIPE) {
            const from = mailTo < k ? k : mailTo;
            mailSeen = unitWithin(s, 64, from, n, a - from) >= 0;
            mailTo = a;
          }
          if (
            b - a >= 9 &&
            (byteAt(s, a) === 67 || byteAt(s, a) === 71) &&
            (ch.matchesAt(s, a, b, "CVE-") || ch.matchesAt(s, a, b, "GHSA-"))
          )
            advisory = true;
          for (let q = a; q < b && allSnake; q++) {
            const u = byteAt(s, q);
            if ((u < 97 || u > 122) && u !== UNDERSCORE) allSnake = false;
          }
          if (!headerWord(s, a, b, true)) allWords = false;
          else if (b - a >= 4 && runOf(s, a, b, C_UPPER) === b - a) caps = true;
          if (a - c >= 3) centered = true;
          if (a - c !== 1) oneBlank = false;
          // (in a Markdown table, written by a person, a word of letters alone is one: an owner, a tool, a rating;
          // and one that opens with a digit, a version's or a size's: 4.x, 16GB)
          // (a labelled field's one word is its value, a state or a rating: Priority:<tab>High)
          // (a security group's description: allow pg from ledger workers; masked where it stands, free text)
          if (blank && (count === commentAt || (commentAt < 0 && count > 1)) && nm.wordsValue(s, a, b))
            cells.push({ s: a, e: b, kind, local: true });
          if (
            !blank &&
            !(tagsRow && count === (tagTable > 0 ? 1 : 2)) &&
            !(tagTable > 0 && count === tagTable && ch.plainWord(s, a, name)) &&
            !(markdown && (headerWord(s, a, b, true) || (cls(byteAt(s, a)) & C_DIGIT) !== 0)) &&
            !(label && headerWord(s, a, b, true)) &&
            // (a token that holds a pseudonym is output masked before: bucket-AWS_ACCOUNT_<hash>-logs)
            !(name - a > 12 && nm.pseudonymWithin(s, a, name)) &&
            cellName(cfg, s, a, name)
          ) {
            // (a column row's one plain word is masked where it stands, not learned: not in every sentence; and one
            // under a tag key's column, Ledger under Team, as a tag's plain value is kept elsewhere)
            if ((columnRow || (count < 31 && (tagCols & (1 << count)) !== 0)) && ch.plainWord(s, a, name))
              cells.push({ s: a, e: name, kind, local: true });
            else cells.push({ s: a, e: name, kind });
          } else if (!blank && creds.passwordCell(s, a, b)) cells.push({ s: a, e: b, kind: cfg.byId["credential"] });
          else if (
            blank &&
            (orgRow ||
              (accountBefore && (columnRow || ((sep === ch.PIPE || sep === 9) && nm.emailCellNext(s, ce, e)))) ||
              (accountSeen && mailSeen)) &&
            nm.spacedName(s, a, b) &&
            !nm.controlTowerAccount(s, a, b)
          )
            cells.push({ s: a, e: b, kind }); // (an account's or OU's name: Shared Services, Payments Workloads)
          else if (
            tagCols !== 0 &&
            count < 31 &&
            (tagCols & (1 << count)) !== 0 &&
            // (or words, as the CSV reader takes them under a tag's column: HR Tech under Team)
            (blank ? nm.spacedName(s, a, b) : true) &&
            // (a code's shape, CC-3104, team_7: a digit, "-" or "_"; not a product's one word, SonarCloud)
            (blank ||
              unitWithin(s, DASH, a, n, b - a) >= 0 ||
              unitWithin(s, UNDERSCORE, a, n, b - a) >= 0 ||
              runOf(s, a, b, C_DIGIT | C_LOWER | ch.C_UPPER) !== runOf(s, a, b, C_LOWER | ch.C_UPPER) ||
              nm.pascalCompound(s, a, b)) &&
            !ch.plainWord(s, a, b) &&
            !idShaped(cfg, s, a, b) &&
            (blank || plausibleName(s, a, b, kind))
          )
            cells.push({ s: a, e: b, kind }); // (a tag's value under its key's column: CC-3104 under Cost center)
        }
        open = b > a;
        if (b > a) accountBefore = b - a === 12 && runOf(s, a, b, C_DIGIT) === 12;
        if (accountBefore) accountSeen = true;
        if (b > a) {
          if (count === 1) firstCellStart = a;
          lastCellStart = a;
          lastCellEnd = b;
        }
        label = sep === 9 && b > a && byteAt(s, b - 1) === COLON;
        c = ce;
      }
      lineCells = count;
      if (pipeRow && !isBorder && count === 1)
        tagRows = lastCellEnd - lastCellStart === 4 && matchesLowerAt(s, lastCellStart, lastCellEnd, "tags");
      // (or a console's result header: Athena's, its row number's column "#" first, #<tab>srcaddr<tab>flows)
      const hashHead =
        !pipeRow &&
        firstCellStart === ls &&
        lastCellEnd > ls + 1 &&
        byteAt(s, ls) === ch.HASH &&
        byteAt(s, ls + 1) === 9;
      if (!pipeRow && (!prevTab || count !== prevCount) && (allHeaders || hashHead) && !caps && count >= 3 && le < n) {
        // a spreadsheet's header row (Account<tab>Region<tab>InstanceId<tab>Owner), rows with tabs under it: the
        // first of its block, or one of another width than the row above (a second table pasted under the first)
        const ne = s.indexOf("\n", le + 1);
        if (unitWithin(s, 9, le + 1, n, (ne < 0 ? n : ne) - le - 1) >= 0) {
          cells.length = first;
          people = rowPeople;
          tagCols = rowTags;
        }
      }
      // (a vulnerability's row names public packages, their versions and the fix's state: libexpat1, fixed, 2.5.0-1)
      if (advisory) cells.length = first;
      if (pipeRow) {
        // (amplify status: │ Category │ Resource name │ Operation │ Provider plugin │, the category is Amplify's word)
        if (
          count === 4 &&
          lastCellEnd - lastCellStart === 17 &&
          ch.matchesAt(s, lastCellStart, lastCellEnd, "awscloudformation") &&
          cells.length > first &&
          cells[first].s === firstCellStart &&
          headerWord(s, cells[first].s, cells[first].e, false)
        ) {
          for (let q = first; q + 1 < cells.length; q++) cells[q] = cells[q + 1];
          cells.length = cells.length - 1;
        }
        if (sep === 0 && open) {
          cells.length = first;
        } else if (wikiHead) {
          cells.length = first; // a wiki table's header row
          people = rowPeople;
          tagCols = rowTags;
        } else if (
          (allHeaders || ((allWords || allSnake) && (centered || (oneBlank && sep === ch.PIPE && rowsUnder)))) &&
          prevBorder &&
          nextBorder
        ) {
          cells.length = first; // a header or title row
          tagTable =
            (count === 2 || (count === 4 && windowHas(s, firstCellStart, lastCellStart, "| resourceid"))) &&
            lastCellEnd - lastCellStart === 5 &&
            ch.matchesAt(s, lastCellStart, lastCellEnd, "Value") &&
            ch.matchesAt(s, firstCellStart, lastCellStart, "Key ")
              ? count
              : 0;
          fieldRows =
            (count === 2 &&
              lastCellEnd - lastCellStart === 5 &&
              ch.matchesAt(s, lastCellStart, lastCellEnd, "value") &&
              ch.matchesAt(s, firstCellStart, lastCellStart, "field ")) ||
            (count === 1 && lastCellEnd - lastCellStart === 10 && ch.matchesAt(s, firstCellStart, n, "statistics"));
        } else if (sep === ch.PIPE && !prevBorder && nextDelimiter) {
          cells.length = first; // a Markdown table's header row (its words are no names, whatever they are)
          markdown = true;
          people = rowPeople;
          tagCols = rowTags;
        } else if ((fieldRows || tagRows) && count === 2 && cells.length > first && cells[first].s === firstCellStart) {
          // (a Logs Insights field's or statistic's name: | tenant | x |, | bytesScanned | 1183342.0 |; a nested tags
          // table's key)
          for (let q = first; q + 1 < cells.length; q++) cells[q] = cells[q + 1];
          cells.length = cells.length - 1;
        } else if (
          count === 2 &&
          cells.length > first &&
          tagTable === 0 &&
          // (a people's column's name is a value, not a key: | checkout | Dana Okafor |)
          cells[first].kind.id !== "person-name" &&
          (headerWord(s, cells[first].s, cells[first].e, false) ||
            nm.camelRowKey(s, cells[first].s, cells[first].e) ||
            (keyRows && cells[first].s === firstCellStart && headerWord(s, firstCellStart, cells[first].e, true)))
        ) {
          // | Key | value |: the key stays (and a version's value: | platformVersion | eks.8 |)
          const a = cells[first].s;
          const b = cells[first].e;
          // (an API's lower-case key opens the block; a capitalised one may be a name: | BrindleOrders | ACTIVE |)
          if (!keyRows) keyRows = nm.camelRowKey(s, a, b);
          const version = b - a >= 7 && matchesLowerAt(s, b - 7, b, "version");
          for (let q = first; q + 1 < cells.length; q++) cells[q] = cells[q + 1];
          cells.length = cells.length - 1;
          if (version && cells.length > first && cells[first].s > b) cells.length = first;
        }
      }
    }
    if (!pipeRow) {
      markdown = false;
      keyRows = false;
      if (!isBorder) tagTable = 0;
      fieldRows = false;
      tagRows = false;
    }
    if (!pipeRow && !hasTab) {
      people = 0;
      tagCols = 0;
    }
    prevTab = hasTab || columnRow;
    prevCount = lineCells;
    prevBorder = isBorder;
    ls = le + 1;
  }
  mergeCells(cfg, s, out, base, cells);
}

/**
 * S3 server access logs: `[<time>] <remote ip> <requester>`: the word at i follows the bracketed time and an address
 * (the owner's canonical id starts the line; the requester's is this field).
 */
function s3RequesterAt(s: string, i: number): boolean {
  if (i < 4 || byteAt(s, i - 1) !== SPACE) return false;
  let k = i - 2;
  while (k >= 0 && i - k < 48 && ((cls(byteAt(s, k)) & C_HEX) !== 0 || byteAt(s, k) === DOT || byteAt(s, k) === COLON))
    k--;
  return k >= 1 && k < i - 2 && byteAt(s, k) === SPACE && byteAt(s, k - 1) === 93; // "] "
}

/** Class table for the main loop (the same as cls()). */
const WORD_UNIT: number[] = [];
for (let c = 0; c < 256; c++) WORD_UNIT.push(cls(c));

/**
 * The word [i, j) ended at unit nxt (-1 at the end of s): the identifier it starts, if any. Returns the end of what
 * was consumed, or 0. Dispatches on the word's first unit, length and the unit after it; the common case (a word of
 * prose) returns after a few comparisons.
 */
function wordMatch(
  cfg: ScanConfig,
  s: string,
  i: number,
  j: number,
  n: number,
  nxt: number,
  keyCtx: string,
  out: Match[],
): number {
  const c = byteAt(s, i);
  const f = cls(c);
  // (a literal escape's letter before the word, \n10.0.0.1, stands for the line break it escapes)
  const prev = i > 0 ? (ch.escapeEndsBefore(s, i, n) ? LF : byteAt(s, i - 1)) : 32;
  // the hash part of a pseudonym (TAG_0123456789): "DB_PASSWORD" is a key, not one; nor is a word of capitals, which
  // no hash opens with (ECR_REPOSITORY: a workflow's variable, not the tag of a pseudonym)
  if (
    prev === UNDERSCORE &&
    j - i === pseudo.HASH_LEN &&
    (f & ch.C_UPPER) === 0 &&
    pseudo.pseudonymStartBefore(s, i) >= 0
  )
    return 0;
  if (j - i === 2 && nxt === DASH) {
    // a MAC address written with dashes (Windows' ipconfig /all: Physical Address . . . : 0A-8C-44-1E-7B-F3)
    const m = ch.macEnd(s, i, n, DASH);
    if (m > 0) {
      push(cfg, s, out, i, m, cfg.byFamily["mac"]);
      return m;
    }
  }
  if (j - i === 5 && nxt === DASH && prev !== DASH && prev !== UNDERSCORE) {
    // five groups of five (a Snowball unlock code, a gateway's activation key: credentials.ts)
    const e = creds.groupedCodeEnd(s, i, n);
    if (e > 0 && kindOn(cfg, cfg.byId["credential"])) {
      push(cfg, s, out, i, e, cfg.byId["credential"]);
      return e;
    }
  }
  const before = out.length;
  const len = j - i;
  let consumed = 0;
  // a word followed by a key separator that stands as a whole key token (nothing glued before it) and names no key of
  // any kind ("InstanceId" in JSON text): the key matchers are skipped. The three key readers read the token alone, so
  // what they say of it holds wherever it stands; asked once per worker (cfg.keylessWords).
  let keyless = false;
  if (
    (nxt === COLON || nxt === QUOTE || nxt === ch.APOS || nxt === ch.EQUALS) &&
    len <= 64 && // (no key reader takes a longer token: the longest words are not kept)
    (cls(prev) & C_ALNUM) === 0 &&
    prev !== UNDERSCORE &&
    prev !== DASH &&
    // ("key" after a word and a blank may end a credential key of two words: "API key: x", matchCredential; as a URL
    // query's parameter, &key=, it may hold an API key)
    !(len === 3 && (prev === SPACE || prev === ch.AMP || prev === 63) && (c === 107 || c === 75))
  ) {
    keyless = keylessWord(cfg, s, i, j);
    // a tag condition's key ("aws:RequestTag/Project": x, ec2:ResourceTag/CostCenter=y): its value is the tag's
    // (a key with a namespace goes on after its colon: aws:RequestTag/bc:owner-team)
    const condition =
      prev === SLASH && !(nxt === COLON && j + 1 < n && (cls(byteAt(s, j + 1)) & C_ALNUM) !== 0)
        ? nm.tagConditionStart(s, i)
        : -1;
    if (condition >= 0) {
      consumed = valueOfKey(cfg, s, i, j, condition, j, n, out, false, true);
      if (consumed > 0) return consumed;
    }
  }
  if (len === 17 && prev === DASH && runOf(s, i, j, C_HEX) === 17) {
    consumed = matchHexTailToken(cfg, s, i, j, n, out);
    if (consumed > 0) return consumed;
  }
  if (
    len === 10 &&
    nxt === DASH &&
    prev !== DASH &&
    runOf(s, i, j, C_HEX) === 10 &&
    ch.uuidEnd(s, j + 1, n, true) === j + 37 &&
    (before === 0 || out[before - 1].e <= i)
  ) {
    // an IAM Identity Center identity store's user or group id (<10 hex>-<UUID>: a SCIM member's value, a group's
    // GroupId, a /Groups/<id> path), wherever it stands: no other format glues ten hex units before a UUID
    push(cfg, s, out, i, j + 37, cfg.byId["resource-name"]);
    return j + 37;
  }
  if (
    len === 64 &&
    prev === UNDERSCORE &&
    i >= 3 &&
    (ch.matchesAt(s, i - 3, n, "jr_") || ch.matchesAt(s, i - 3, n, "wr_")) &&
    (i === 3 || (cls(byteAt(s, i - 4)) & C_ALNUM) === 0) &&
    runOf(s, i, j, C_HEX) === 64 &&
    (before === 0 || out[before - 1].e <= i - 3)
  ) {
    // a Glue job run's and workflow run's id (jr_<64 hex>, wr_<64 hex>), wherever it stands: its shape is its own
    push(cfg, s, out, i - 3, j, cfg.byId["resource-name"]);
    return j;
  }
  if (
    len === 64 &&
    runOf(s, i, j, C_HEX) === 64 &&
    (((prev === LF || i === 0) && nxt === SPACE) ||
      s3RequesterAt(s, i) ||
      windowHas(s, i - 16, i, 'id"') ||
      windowHas(s, i - 16, i, "id:") ||
      windowHas(s, i - 24, i, "owner") ||
      windowHas(s, i - 24, i, "canonical") ||
      // (s3cmd setacl --acl-grant=read:<id>)
      windowHas(s, i - 24, i, "grant") ||
      // (an IoT certificate's id in a log or prose: "Attaching policy x to certificate <id>", as certificateId holds it;
      // right after the word, so that both runtimes read the same units)
      (i >= 12 && matchesLowerAt(s, i - 12, i, "certificate ")) ||
      (i >= 13 && matchesLowerAt(s, i - 13, i, "certificate: ")) ||
      (i >= 15 && matchesLowerAt(s, i - 15, i, "certificate id ")))
  ) {
    // an S3 canonical user id ("ID": "<64 hex>" under Owner / Grantee)
    push(cfg, s, out, i, j, cfg.byId["canonical-user-id"]);
    return j;
  }
  if (
    len === 40 ||
    nxt === SLASH ||
    nxt === ch.PLUS ||
    (len >= 38 && len < 40 && (prev === SLASH || prev === ch.PLUS))
  ) {
    // a secret access key by its shape, wherever it stands (it may start with "/" or "+": +EIjPPt6v... is a word of 39)
    let a = i;
    while (a > 0 && i - a < 2 && (byteAt(s, a - 1) === SLASH || byteAt(s, a - 1) === ch.PLUS)) a--;
    if ((before === 0 || out[before - 1].e <= a) && kindOn(cfg, cfg.byFamily["secret-key"])) {
      const e = creds.secretShapeEnd(s, a, n);
      if (e > 0) {
        push(cfg, s, out, a, e, cfg.byFamily["secret-key"]);
        return e;
      }
    }
  }
  if (prev === 58 && i >= 2 && byteAt(s, i - 2) === 58 && (before === 0 || out[before - 1].e <= i - 2)) {
    // ::ffff:10.0.0.1, ::a:b
    consumed = matchIpv6(cfg, s, i - 2, n, out);
    if (consumed > 0) return consumed;
  }
  if ((f & C_LOWER) !== 0) {
    if (nxt === 45) {
      // a word after "-" or "_" is the tail of a longer token (export-i-..., tgw-rtb-...): never an id's start, but
      // after "--" (no id holds two dashes in a row) an id or host may start: ansible-inventory --graph's |--ec2-...
      const dashes = prev === 45 && i >= 2 && byteAt(s, i - 2) === 45;
      // (AWS's configuration for a VPN connection names its parts after it: keyring-vpn-<id>-0, ike-pol-vpn-<id>-1)
      const vpn = prev === 45 && len === 3 && c === 118 && byteAt(s, i + 1) === 112 && byteAt(s, i + 2) === 110;
      // (and after a region's name: Prowler's finding ids, ...-<account>-us-east-2-sg-0a4e7f21c98b3d605)
      // (and an instance's ip- label inside a longer name: a Fargate node's fargate-ip-10-42-140-22.<region>.compute.
      // internal, a log stream named after its host, app-ip-10-40-12-77: the private address)
      const ipLabel = len === 2 && c === 105 && byteAt(s, i + 1) === 112;
      // (and an instance's id of 17 hex inside a name made of it: the Elastic CI Stack's Buildkite agents,
      // <stack>-i-0af6b28d206206fae-1; not an export or import task's export-i-/import-i-)
      const instance = len === 1 && c === 105 && prev === 45 && nm.instanceInName(s, i, n);
      if (
        (prev !== 45 && prev !== 95) ||
        dashes ||
        vpn ||
        ipLabel ||
        instance ||
        (prev === 45 && len <= 8 && nm.regionEndsAt(s, i - 1))
      ) {
        consumed = matchPrefixedHex(cfg, s, i, j, n, out);
        if (
          consumed === 0 &&
          (len <= 3 ||
            (len === 4 && c === 112) ||
            (len === 5 && (c === 100 || c === 102)) ||
            (len === 6 && (c === 105 || c === 98)) ||
            (len === 7 && c === 99))
        ) {
          consumed = matchOrg(cfg, s, i, j, n, out);
          if (consumed === 0) consumed = matchDashedIpHost(cfg, s, i, j, n, out);
        }
      }
      if (prev !== 45 && prev !== 95) {
        if (consumed === 0 && len === 8) consumed = matchKmsUuid(cfg, s, i, n, keyCtx, out);
        if (consumed === 0 && len <= 7) consumed = matchPrefixedUpper(cfg, s, i, j, n, out);
        if (consumed === 0 && len === 2) consumed = matchCognitoPool(cfg, s, i, n, out);
        if (consumed === 0) consumed = matchNameBeforeNoun(cfg, s, i, n, out);
        if (consumed === 0) consumed = matchMarkedName(cfg, s, i, n, out);
      }
    } else if (nxt === 58) {
      if (len === 3 && c === 97 && byteAt(s, i + 1) === 114 && byteAt(s, i + 2) === 110) {
        consumed = matchArn(cfg, s, i, n, out);
      } else if (
        c === 115 &&
        byteAt(s, i + 1) === 51 &&
        (len === 2 || (len === 3 && (byteAt(s, i + 2) === 97 || byteAt(s, i + 2) === 110))) &&
        j + 2 < n &&
        byteAt(s, j + 1) === 47 &&
        byteAt(s, j + 2) === 47
      ) {
        consumed = matchS3Uri(cfg, s, i, j, n, out);
      }
      if (consumed === 0 && len <= 4) consumed = matchIpv6(cfg, s, i, n, out);
      // WAF's httpSourceId for a stage: <account>:<api id>:<stage>
      if (consumed === 0 && len === 10 && cfg.apiIdKind !== undefined)
        consumed = matchCtxId(cfg, s, i, j, n, keyCtx, cfg.apiIdKind, out);
      if (consumed === 0 && !keyless) consumed = matchKeyValue(cfg, s, j, n, false, out);
    } else if (len === 15 && c === 97 && byteAt(s, i + 4) === 102 && ch.matchesAt(s, i, j, "amznfsx")) {
      // an FSx for Windows file system's computer name (amznfsxq7k2m9wd.corp.example.com, its DNSName's first label)
      push(cfg, s, out, i, j, cfg.byId["resource-name"]);
      consumed = j;
    } else if (
      len === 20 &&
      c === 118 &&
      byteAt(s, i + 1) === 111 &&
      byteAt(s, i + 2) === 108 &&
      byteAt(s, i + 3) === 48 &&
      ch.hexRunEnd(s, i + 3) === j &&
      cfg.hexKinds["vol"] !== undefined
    ) {
      // an EBS volume's id as an NVMe device's serial gives it, without its dash (nvme list, lsblk -o +SERIAL,
      // /dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol0abc...)
      push(cfg, s, out, i, j, cfg.hexKinds["vol"]);
      consumed = j;
    } else if (len === 10 && cfg.apiIdKind !== undefined) {
      consumed = matchCtxId(cfg, s, i, j, n, keyCtx, cfg.apiIdKind, out);
    } else if (len === 32) {
      consumed = matchCtxId(cfg, s, i, j, n, keyCtx, cfg.hex32Kind, out);
    } else if (len === 3 && nxt === SLASH && prev === SLASH && c === 97 && byteAt(s, i + 1) === 119) {
      if (byteAt(s, i + 2) === 115) consumed = matchLogGroupPath(cfg, s, i, j, n, out);
    }
  } else if ((f & C_UPPER) !== 0) {
    if (len === 20 || len === 21) consumed = matchIamId(cfg, s, i, j, n, out);
    if (consumed > 0) {
      // an IAM id
    } else if (len === 34 && (c === 65 || c === 83) && creds.twilioSid(s, i, j)) {
      // a Twilio account's or API key's SID (AC / SK + 32 hex), wherever it stands: the prefix stays, as other
      // services' prefixed secrets'
      if (kindOn(cfg, cfg.byId["credential"])) push(cfg, s, out, i + 2, j, cfg.byId["credential"]);
      consumed = j;
    } else if (c === 90 && len >= 11) consumed = matchCtxId(cfg, s, i, j, n, keyCtx, cfg.zoneKind, out);
    else if (
      c === 69 &&
      len >= 14 &&
      len <= 22 &&
      byteAt(s, i + 1) === 88 &&
      (byteAt(s, i + 2) === 84 || byteAt(s, i + 2) === 80) &&
      ch.mixedCaseToken(s, i + 3, j)
    ) {
      // a Fault Injection Service experiment template's or experiment's id (EXT / EXP + mixed-case letters and
      // digits), wherever it stands; a CloudFront distribution's (E + upper case) is read below
      push(cfg, s, out, i, j, cfg.byId["resource-name"]);
      consumed = j;
    } else if (c === 69 && len >= 13) consumed = matchCtxId(cfg, s, i, j, n, keyCtx, cfg.distributionKind, out);
    else if (
      c === 70 &&
      len === 22 &&
      byteAt(s, i + 3) === 73 &&
      ch.matchesAt(s, i, j, "FsxId") &&
      ch.hexRunEnd(s, i + 5) === j &&
      cfg.hexKinds["fs"] !== undefined
    ) {
      // an FSx for ONTAP file system's id in its CLI prompt (FsxId0c3d4e5f6a7b8c9d0::>): fs-<the same hex>
      push(cfg, s, out, i, j, cfg.hexKinds["fs"]);
      consumed = j;
    } else if (
      (c === 69 && len === 7 && nxt === 45 && byteAt(s, i + 1) === 67 && byteAt(s, i + 2) === 50) ||
      (c === 87 && len === 6 && nxt === 45 && byteAt(s, i + 1) === 83 && byteAt(s, i + 2) === 65)
    ) {
      consumed = matchPrefixedUpper(cfg, s, i, j, n, out); // EC2AMAZ-4R1T5VK, WSAMZN-4JQ8R2KT
    } else if (c === 69 && len === 8 && nxt === 45 && byteAt(s, i + 1) === 67 && byteAt(s, i + 2) === 50) {
      // an EC2 instance's system UUID as SMBIOS gives it (product_uuid, dmidecode): EC2E1916-9099-7CAF-...
      const e = windowHas(s, i - 48, i, "uuid") || windowHas(s, i - 48, i, "serial") ? ch.uuidEnd(s, i, n, true) : -1;
      if (e > 0) {
        push(cfg, s, out, i, e, cfg.byFamily["system-uuid"]);
        consumed = e;
      }
    }
    if (consumed === 0 && nxt === 58) {
      if (len <= 4) consumed = matchIpv6(cfg, s, i, n, out);
      if (consumed === 0 && !keyless) consumed = matchKeyValue(cfg, s, j, n, false, out);
    }
    if (consumed === 0 && nxt === DASH && (cls(prev) & C_ALNUM) === 0 && prev !== DASH && prev !== UNDERSCORE) {
      // a name CloudFormation generated (LedgerStack-ProcessOrderFunction-a1B2c3D4e5F6), wherever it stands
      const e = nm.generatedNameEnd(s, i, n);
      if (e > 0 && kindOn(cfg, cfg.byId["resource-name"])) {
        push(cfg, s, out, i, e, cfg.byId["resource-name"]);
        consumed = e;
      }
    }
    if (
      consumed === 0 &&
      len >= 2 &&
      (cls(byteAt(s, i + 1)) & C_UPPER) !== 0 &&
      (nxt === DASH || (len >= 6 && len <= 15 && (cls(byteAt(s, j - 1)) & C_DIGIT) !== 0)) &&
      (prev === SPACE || prev === ch.TAB || prev === LF || prev === QUOTE || prev === ch.APOS || prev === ch.LPAREN)
    ) {
      // a Windows computer's NetBIOS name in capitals ending in its number (BCVSQLPRD01, BCV-IIS-WEB03: a fleet's
      // naming scheme), in text with an AWS signal, standing as a word (not a query's code=ABCDEFGH12); its second unit
      // and last digit compared first (netbiosNameEnd's loop is not called for every capitalised word of prose)
      const e = nm.netbiosNameEnd(s, i, n);
      if (e > 0 && hasSignal(s, out) && kindOn(cfg, cfg.byId["resource-name"])) {
        push(cfg, s, out, i, e, cfg.byId["resource-name"]);
        consumed = e;
      }
    }
  } else if (nxt === 46) {
    if (len <= 3) consumed = matchIpv4(cfg, s, i, n, out);
    else if (len === 12)
      consumed = matchAccountByContext(cfg, s, i, j, n, keyCtx, out); // "account 123456789012."
    // (a task's id before a sentence's end, an ACM validation record's label: _<32 hex>.<domain>)
    else if (len === 32) consumed = matchCtxId(cfg, s, i, j, n, keyCtx, cfg.hex32Kind, out);
  } else if (nxt === 58) {
    if (len <= 4) consumed = matchIpv6(cfg, s, i, n, out);
    if (consumed === 0 && len === 2) consumed = matchChatHandle(cfg, s, i, n, out);
    // CloudWatch Logs Insights' @log, <account>:<log group> (123456789012:/aws/lambda/x)
    if (len === 12 && j + 1 < n && byteAt(s, j + 1) === SLASH && runOf(s, i, j, C_DIGIT) === 12) {
      push(cfg, s, out, i, j, cfg.byFamily["arn-account"]);
      consumed = j;
    }
    // OpenSearch's cluster name, <account>:<domain> (_cluster/health's cluster_name, _cat/health's cluster column):
    // both, where "cluster" stands within 64 units before (build 202405011230:done is none)
    if (
      consumed === 0 &&
      len === 12 &&
      j + 3 < n &&
      (cls(byteAt(s, j + 1)) & C_LOWER) !== 0 &&
      runOf(s, i, j, C_DIGIT) === 12 &&
      windowHas(s, i - 64, i, "cluster")
    ) {
      let e = j + 1;
      while (e < n && e - j <= 28 && ((cls(byteAt(s, e)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, e) === DASH)) e++;
      const c = e < n ? byteAt(s, e) : SPACE;
      if (e - j >= 4 && (c === QUOTE || c === SPACE || c === ch.COMMA || c === LF || c === 13 || c === 39)) {
        push(cfg, s, out, i, j, cfg.byFamily["arn-account"]);
        push(cfg, s, out, j + 1, e, cfg.byId["resource-name"]);
        consumed = e;
      }
    }
    // an account before a sentence's colon ("Sandbox account 452870193648: it can ..."), as before any blank
    // (and a CDK context key's account=<id>:, ssm:account=123456789012:parameterName=...)
    if (
      consumed === 0 &&
      len === 12 &&
      (j + 1 >= n || byteAt(s, j + 1) <= SPACE || (prev === 61 && matchesLowerAt(s, i - 8, i - 1, "account")))
    )
      consumed = matchAccountByContext(cfg, s, i, j, n, keyCtx, out);
    // WAF's httpSourceId for a stage, <account>:<api id>:<stage>, when the API id opens with a digit
    if (consumed === 0 && len === 10 && cfg.apiIdKind !== undefined)
      consumed = matchCtxId(cfg, s, i, j, n, keyCtx, cfg.apiIdKind, out);
  } else if (len === 12) {
    const before = out.length;
    consumed = matchAccountByContext(cfg, s, i, j, n, keyCtx, out);
    // (its name before it, "Brindlecove Sandbox Ledger (552908174431)": masked before the account, in order)
    const a = consumed > 0 && out.length === before + 1 && prev === ch.LPAREN ? nm.accountNameStart(s, i - 1) : -1;
    const kind = cfg.byId["resource-name"];
    if (a >= 0 && kind !== undefined && (before === 0 || out[before - 1].e <= a)) {
      const account = out[before];
      out.length = before;
      push(cfg, s, out, a, i - 2, kind);
      out.push(account);
    }
  } else if (len === 4 && nxt === DASH) {
    // an account id as the console shows it (Account ID: 1234-5678-9012), never a longer run of groups
    if (
      prev !== DASH &&
      runOf(s, j + 1, n, C_DIGIT) === 4 &&
      byteAt(s, j + 5) === DASH &&
      runOf(s, j + 6, n, C_DIGIT) === 4 &&
      (j + 10 >= n || (byteAt(s, j + 10) !== DASH && endsAt(s, j + 10, n)))
    )
      consumed = matchAccountByContext(cfg, s, i, j + 10, n, keyCtx, out);
    else if (prev === DASH && i > 4 && ch.dashedTimeAt(s, i, n) && ch.uuidEnd(s, i + 20, n, false) > 0) {
      // a Firehose delivery's S3 object, <stream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>: the stream's name
      let d = i - 1;
      while (d > 0 && i - d < 10 && (cls(byteAt(s, d - 1)) & C_DIGIT) !== 0) d--;
      const e = d - 1;
      let a = e;
      while (
        a > 0 &&
        e - a < 64 &&
        ((cls(byteAt(s, a - 1)) & C_ALNUM) !== 0 ||
          byteAt(s, a - 1) === DASH ||
          byteAt(s, a - 1) === UNDERSCORE ||
          byteAt(s, a - 1) === DOT)
      )
        a--;
      if (d < i - 1 && e > 0 && byteAt(s, e) === DASH && e - a >= 3 && (before === 0 || out[before - 1].e <= a)) {
        push(cfg, s, out, a, e, cfg.byId["resource-name"]);
        consumed = i + 56;
      }
    }
    if (consumed === 0) consumed = matchS3Listing(cfg, s, i, n, out);
  } else if (len === 10 && cfg.apiIdKind !== undefined) {
    consumed = matchCtxId(cfg, s, i, j, n, keyCtx, cfg.apiIdKind, out);
  } else if (len === 32) {
    consumed = matchCtxId(cfg, s, i, j, n, keyCtx, cfg.hex32Kind, out);
  } else if (len === 8 && nxt === 45) {
    consumed = matchKmsUuid(cfg, s, i, n, keyCtx, out);
  } else if (len === 1 && c === 49 && nxt === 45 && prev !== DASH && (cls(prev) & C_ALNUM) === 0) {
    // an X-Ray trace id, 1-<epoch, 8 hex>-<24 hex> (X-Amzn-Trace-Id's Root= and Self=, Lambda's and the ALB's logs):
    // masked wherever it stands, its shape is its own
    if (runOf(s, i + 2, n, C_HEX) === 8 && byteAt(s, i + 10) === DASH && runOf(s, i + 11, n, C_HEX) === 24) {
      if (endsAt(s, i + 35, n)) {
        push(cfg, s, out, i, i + 35, cfg.byId["resource-name"]);
        consumed = i + 35;
      }
    }
  }
  if (
    consumed === 0 &&
    len === 7 &&
    ((c === 68 && (nxt === COLON || nxt === QUOTE)) ||
      // (and HCL's: variable "<name>" { default = "x" })
      (c === 100 && (nxt === SPACE || nxt === ch.EQUALS) && afterBlanks(s, j, n) === ch.EQUALS) ||
      (c === 100 && nxt === QUOTE && i > 0 && byteAt(s, i - 1) === QUOTE)) &&
    matchesLowerAt(s, i, j, "default")
  ) {
    consumed = matchParameterDefault(cfg, s, i, j, n, out);
    if (consumed > 0) return consumed;
  }
  if (
    consumed === 0 &&
    ((len === 5 &&
      (nxt === COLON ||
        nxt === QUOTE ||
        (nxt === ch.EQUALS && j + 1 < n && (byteAt(s, j + 1) === QUOTE || prev === QUOTE)) ||
        (nxt === SPACE && prev === DASH && i >= 2 && byteAt(s, i - 2) === DASH) ||
        // (HCL's tag block and a PowerShell hashtable: value = "x", aligned value    = "x"; matchPairedValue checks)
        (nxt === SPACE && j + 3 < n && (byteAt(s, j + 1) === ch.EQUALS || byteAt(s, j + 1) === SPACE)) ||
        // (escaped JSON, \"value\": x; a log line's key=k value=v; a Query API's Tag.1.Value=x, 'Tag.1.Value': 'x')
        (nxt === 92 && j + 1 < n && byteAt(s, j + 1) === QUOTE) ||
        (nxt === ch.EQUALS && prev === SPACE) ||
        (nxt === 39 && (prev === 39 || prev === DOT)) ||
        (prev === DOT && nxt === ch.EQUALS)) &&
      (c === 86 || c === 118) &&
      matchesLowerAt(s, i, n, "value")) ||
      // a CloudFormation parameter's and stack output's value (its ParameterKey or OutputKey says what it is), a drifted
      // property's expected and actual values (its PropertyPath's last segment does), an SQS message attribute's (its
      // name does)
      ((nxt === COLON || nxt === QUOTE || nxt === 39 || (prev === DOT && nxt === ch.EQUALS)) &&
        ((len === 14 && c === 80 && matchesLowerAt(s, i, n, "parametervalue")) ||
          (len === 11 && c === 79 && matchesLowerAt(s, i, n, "outputvalue")) ||
          (len === 11 && c === 83 && matchesLowerAt(s, i, n, "stringvalue")) ||
          (len === 13 && c === 69 && matchesLowerAt(s, i, n, "expectedvalue")) ||
          (len === 11 && c === 65 && matchesLowerAt(s, i, n, "actualvalue")))))
  ) {
    consumed = matchPairedValue(cfg, s, i, j, n, out);
    if (consumed > 0) return consumed;
  }
  if (
    consumed === 0 &&
    nxt === ch.EQUALS &&
    (len === 3 || len === 4 || (len === 12 && (c === 80 || c === 112))) &&
    (cls(prev) & C_ALNUM) === 0
  ) {
    consumed = matchShorthandPair(cfg, s, i, j, n, out);
    if (consumed > 0) return consumed;
  }
  if (consumed === 0 && !keyless && nxt >= 9 && nxt < 256 && CRED_NEXT[nxt] && mayEndCredentialKey(byteAt(s, j - 1))) {
    // after one blank a credential key needs a separator (":" "=" "|", credentialValueAfter) unless it is a flag's
    // ("--db_password x", a token that reaches back over "-" or "_"): a word followed by a blank and a word is none
    const after = j + 1 < n ? byteAt(s, j + 1) : -1;
    const noSeparator =
      (nxt === SPACE || nxt === ch.TAB) &&
      prev !== DASH &&
      prev !== UNDERSCORE &&
      after !== SPACE &&
      after !== ch.TAB &&
      after !== COLON &&
      after !== ch.EQUALS &&
      after !== ch.PIPE &&
      // (a Remote Desktop file's `password 51:b:<hex>`)
      !(after === 53 && j + 3 < n && byteAt(s, j + 2) === 49 && byteAt(s, j + 3) === COLON);
    // (but a word and one blank before a token of 20 units or more: a log line's "AuthToken a8Vq3Kz7...")
    let e = j + 1;
    if (noSeparator && j + 21 < n) while (e < j + 22 && byteAt(s, e) > SPACE) e++;
    consumed = !noSeparator
      ? matchCredential(cfg, s, j, n, out, false)
      : e === j + 22
        ? matchCredential(cfg, s, j, n, out, false, true)
        : 0;
    if (consumed > 0) return consumed;
  }
  if (
    consumed === 0 &&
    !keyless &&
    nxt >= 9 &&
    nxt < 256 &&
    ((nxt >= 32 && KEY_NEXT[nxt]) || ((nxt === 63 || nxt === ch.PLUS || nxt === 9) && nm.makeAssignmentAt(s, j, n)))
  ) {
    // (a Makefile's `KEY?=x`, `KEY+=x`, `KEY\t?= x` too)
    if (nxt === 63 || nxt === ch.PLUS) consumed = matchKeyValue(cfg, s, j, n, false, out);
    else if (nxt === 32 || nxt === 9) {
      // `bucket = "x"`, `Key : x`, or a CLI flag `--bucket x`; blanks beyond the first are rare: looked at apart
      let sep = j + 1 < n ? byteAt(s, j + 1) : -1;
      if (sep === 32 || sep === 9) sep = afterBlanks(s, j + 1, n);
      // (and a query's `key != 'x'`, `key <> 'x'`)
      // (and a Makefile's `KEY ?= x`, `KEY += x`)
      if (
        sep === 61 ||
        sep === 58 ||
        sep === 33 ||
        // (not an HTML code element after a prose noun: "cluster <code>x</code>", read by matchProseName)
        (sep === 60 && !(byteAt(s, j + 2) === 99 && ch.matchesAt(s, j + 1, n, "<code>"))) ||
        ((sep === 63 || sep === 43) && nm.makeAssignmentAt(s, j, n))
      )
        consumed = matchKeyValue(cfg, s, j, n, false, out);
      else if (prev === 45) consumed = matchKeyValue(cfg, s, j, n, true, out);
      else {
        // `key   value` alone on its line, aligned by two or more blanks or a tab (Fluent Bit's classic config,
        // copilot svc show), or by one after a snake_case key (Fluentd's `s3_bucket x`, `log_group_name y`): the key's
        // value
        if ((nxt === 9 || byteAt(s, j + 1) === 32 || prev === UNDERSCORE) && sep > 32)
          consumed = matchKeyValue(cfg, s, j, n, false, out, true);
        if (
          consumed === 0 &&
          len >= 2 &&
          len <= Run.LongestNoun &&
          nxt === 32 &&
          byteAt(s, i) < 128 &&
          byteAt(s, j - 1) < 128 &&
          (NOUN_ENDS[lowerCode(byteAt(s, i)) * 128 + lowerCode(byteAt(s, j - 1))] & (1 << len)) !== 0
        )
          consumed = matchProseName(cfg, s, j, n, out);
      }
    } else {
      consumed = matchKeyValue(cfg, s, j, n, false, out);
    }
  } else if (consumed === 0 && !keyless && (nxt === 10 || nxt === 13) && prev === DASH) {
    // a flag ending its line: its value may be the next item of a YAML list (`- --bucket` / `- x`)
    consumed = matchKeyValue(cfg, s, j, n, true, out);
  }
  return consumed;
}

/**
 * The whole key token s[i, j) (nothing glued before it) names no key of any kind: the key matchers are skipped. The
 * three key readers read the token alone, so what they say of it holds wherever it stands; asked once per worker.
 */
function keylessWord(cfg: ScanConfig, s: string, i: number, j: number): boolean {
  const word = sub(s, i, j);
  const known = cfg.keylessWords[word];
  if (known === true || known === false) return known;
  const keyless =
    credentialKeyEndingAt(s, j, false, CRED_KEY) === CRED_NONE &&
    kindOfKeyEndingAt(cfg.keys, s, j, KEY_TOKEN) === undefined &&
    !nm.genericKeyEndingAt(s, j, KEY_TOKEN) &&
    !nm.idKeyEndingAt(s, j, KEY_TOKEN) &&
    !nm.serviceKeyEndingAt(s, j, KEY_TOKEN) &&
    // (an app's own key by its value's shape, webhookKey: matchCredential)
    !creds.keyedSecretKey(s, i, j) &&
    // (CrowdStrike Falcon's cid and aid: matchCredential)
    !creds.falconKey(s, i, j) &&
    // (a Transfer Family home directory mapping's Target: see matchKeyValue)
    word !== "Target";
  // an IAM action's service (table:Table, s3:GetObject) is no key where it stands, and only there (genericKeyEndingAt
  // reads the unit after it): not kept, or "table" would be keyless in every later text of the worker's, any tenant's
  if (j + 1 < s.length && byteAt(s, j) === COLON && (cls(byteAt(s, j + 1)) & ch.C_UPPER) !== 0) return keyless;
  if (cfg.keylessCount >= KEY_INFO.max) {
    cfg.keylessWords = {};
    cfg.keylessCount = 0;
  }
  cfg.keylessWords[word] = keyless;
  cfg.keylessCount++;
  return keyless;
}

/** The first unit after the blanks starting at k (at most 40 units), or -1. */
function afterBlanks(s: string, k: number, n: number): number {
  const start = k;
  while (k < n && k - start < 40 && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) k++;
  return k < n ? byteAt(s, k) : -1;
}

nounKinds();
buildPlainRun();

/**
 * For the specs only (spec/engine/scanner-paths.test.ts): the word fast exit checked against the dispatch it skips, and
 * the plain-prose automaton (plainRun.on = false: scanWords without it).
 */
export const WORD_PATHS = { plainWord, wordMatch, plainRun: PLAIN_RUN };
