// Credentials, fail closed: a secret access key is recognised by its shape wherever it stands (40 units of the base64
// alphabet with the mixed classes of random data: never a git SHA, plain hex or a word), and ANY value of a field whose
// name says credential (secret, password, passwd, token, credential, private key, api key ...) is masked whatever its
// length: in JSON (the member name), `key: value` (also on the next line, YAML), `key = value` (aligned blanks, INI,
// ~/.aws/credentials), `export KEY=value`, `--flag value`, `| Key | value |` table rows. STS session tokens are also
// found by their fixed prefixes, URL-encoded too (presigned URLs).
// Every function here looks at a bounded window (keys <= 64 units, values <= MAX_VALUE): linear time overall.
// Pure: the same code runs compiled to Lua and as JavaScript.

import * as b64 from "./base64";
import * as ch from "./chars";
import { hostTld } from "./contacts";
import { pseudonymEndAt } from "./pseudonym";
import { sub, isKeyUnit } from "./chars";
import type { KeyToken, Span } from "./names";

const byteAt = ch.byteAt;
const cls = ch.cls;
const lowerCode = ch.lowerCode;
const suffixIn = ch.suffixIn;
const containsSkipping = ch.containsSkipping;
const C_B64 = ch.C_B64;
const C_UPPER = ch.C_UPPER;
const C_LOWER = ch.C_LOWER;
const C_DIGIT = ch.C_DIGIT;
const C_ALNUM = ch.C_ALNUM;
const C_HIGH = ch.C_HIGH;
const TAB = ch.TAB;
const LF = ch.LF;
const CR = ch.CR;
const SPACE = ch.SPACE;
const QUOTE = ch.QUOTE;
const APOS = ch.APOS;
const DASH = ch.DASH;
const UNDERSCORE = ch.UNDERSCORE;
const EQUALS = ch.EQUALS;
const COLON = ch.COLON;
const SLASH = ch.SLASH;
const PLUS = ch.PLUS;
const PIPE = ch.PIPE;
const GT = ch.GT;
const BACKSLASH = ch.BACKSLASH;
const DOT = ch.DOT;
const PERCENT = ch.PERCENT;
const AMP = ch.AMP;
const COMMA = ch.COMMA;
const SEMI = ch.SEMI;
const DOLLAR = ch.DOLLAR;
const LT = ch.LT;
const LBRACE = ch.LBRACE;
const RBRACE = ch.RBRACE;
const LPAREN = ch.LPAREN;
const RPAREN = ch.RPAREN;
const STAR = ch.STAR;
const BACKTICK = ch.BACKTICK;
const LBRACKET = ch.LBRACKET;
const RBRACKET = ch.RBRACKET;
const LOWER_W = 119;
const LOWER_V = 118;
const UPPER_W = 87;

/** Longest credential value taken (a PEM private key fits; past it the value is cut there, masked up to it). */
const MAX_VALUE = 8192;
/** Longest key looked at. */
const MAX_KEY = 64;

/** What a key names: no credential, an AWS secret access key, an STS session token, or another credential. */
export type CredentialKey = "none" | "secret-key" | "session-token" | "other" | "gossip";
export const CRED_NONE: CredentialKey = "none";
export const CRED_SECRET_KEY: CredentialKey = "secret-key";
export const CRED_SESSION_TOKEN: CredentialKey = "session-token";
export const CRED_OTHER: CredentialKey = "other";
/** A key whose value is a credential only in a gossip encryption key's shape (gossipKey): Consul's and Nomad's encrypt. */
export const CRED_GOSSIP: CredentialKey = "gossip";

// Normalised (lower case, no "_", "-", blank) key endings that name a credential, and what it is.
const KEY_ENDINGS: [string, CredentialKey][] = [
  ["amzcredential", CRED_NONE], // X-Amz-Credential (presigned URLs): access key id, date, region; scanned as text
  ["secretaccesskey", CRED_SECRET_KEY],
  ["secretkey", CRED_SECRET_KEY],
  ["awssecret", CRED_SECRET_KEY],
  ["sessiontoken", CRED_SESSION_TOKEN],
  ["securitytoken", CRED_SESSION_TOKEN],
  ["stsToken".toLowerCase(), CRED_SESSION_TOKEN],
  // the steps of Secrets Manager's rotation functions, as their logs write them (createSecret: Successfully put ...;
  // not setSecret and testSecret: TEST_SECRET, RESET_SECRET end so)
  ["createsecret", CRED_NONE],
  ["finishsecret", CRED_NONE],
  ["secret", CRED_OTHER],
  ["secretstring", CRED_OTHER],
  ["secretbinary", CRED_OTHER],
  ["secretvalue", CRED_OTHER],
  // aws ecr get-login-password (| docker login ...): a command, not a key
  ["getloginpassword", CRED_NONE],
  ["password", CRED_OTHER],
  // sudoers' NOPASSWD: tag (a rule's option, a command follows)
  ["nopasswd", CRED_NONE],
  ["passwd", CRED_OTHER],
  // Redis's requirepass and masterauth, Rails' secret_key_base and Active Record encryption's keys, LaunchDarkly's and
  // other feature-flag services' SDK keys (FEATURE_FLAGS_SDK_KEY, LAUNCHDARKLY_SDK_KEY)
  // a Schema Registry client's basic.auth.user.info (user:password: Kafka's Avro converters)
  ["userinfo", CRED_OTHER],
  ["requirepass", CRED_OTHER],
  ["masterauth", CRED_OTHER],
  ["secretkeybase", CRED_OTHER],
  ["deterministickey", CRED_OTHER],
  ["keyderivationsalt", CRED_OTHER],
  ["sdkkey", CRED_OTHER],
  ["passphrase", CRED_OTHER],
  ["pwd", CRED_OTHER],
  // DB_PASS, SMTP_PASS, ansible_become_pass; not bypass, compass
  ["bypass", CRED_NONE],
  ["compass", CRED_NONE],
  ["pass", CRED_OTHER],
  ["token", CRED_OTHER],
  ["credential", CRED_OTHER],
  ["credentials", CRED_OTHER],
  ["privatekey", CRED_OTHER],
  // a VPN tunnel's pre-shared key (Terraform's tunnel1_preshared_key, the API's PreSharedKey, shared_key)
  ["sharedkey", CRED_OTHER],
  // (and its variables: tunnel2_psk, VPN_PSK; a site-to-site VPN's tunnels' keys in words: "tunnel2 key should be x")
  ["psk", CRED_OTHER],
  ["tunnel1key", CRED_OTHER],
  ["tunnel2key", CRED_OTHER],
  ["apikey", CRED_OTHER],
  // an access key that is no AWS key id (Firehose's HTTP endpoint's AccessKey: the partner's API key; Sumo Logic's
  // SumoAccessKey); an AWS key id under it keeps its own kind (scanner.ts credentialKind)
  ["accesskey", CRED_OTHER],
  // Datadog's application key (DD-APPLICATION-KEY, DD_APP_KEY, app_key): with the API key it reads the account's data
  ["applicationkey", CRED_OTHER],
  ["appkey", CRED_OTHER],
  // PagerDuty's integration key (Events API v1) and routing key (v2): whoever holds one raises incidents
  ["integrationkey", CRED_OTHER],
  ["routingkey", CRED_OTHER],
  // a Direct Connect virtual interface's BGP MD5 key (authKey, bgpAuthKey, --auth-key)
  ["authkey", CRED_OTHER],
  ["accesstoken", CRED_OTHER],
  ["authtoken", CRED_OTHER],
  ["clientsecret", CRED_OTHER],
  ["connectionstring", CRED_OTHER],
  ["externalid", CRED_OTHER],
  // X-Amz-Signature, a SigV2 or CloudFront signed URL's Signature: the URL grants access while it is valid
  ["signature", CRED_OTHER],
  // (an XML signature's value: a captured SAML assertion's; a CloudFront origin's custom header, X-Origin-Verify's
  // shared secret)
  ["signaturevalue", CRED_OTHER],
  ["headervalue", CRED_OTHER],
  ["auth", CRED_OTHER],
  // secrets some AWS commands print under keys of their own: kms decrypt's and generate-data-key's Plaintext (a data
  // key) and CiphertextBlob (opaque: it names the key it was encrypted under), ec2 get-password-data's PasswordData
  // (decrypted with --priv-launch-key), a virtual MFA device's TOTP seed (Base32StringSeed) and its QR code (QRCodePNG)
  ["plaintext", CRED_OTHER],
  ["ciphertextblob", CRED_OTHER],
  // a Pulumi secret in a stack's export ("ciphertext": "v1:..."), the passphrase provider's salt (encryptionsalt: v1:...)
  // and an image proxy's signing salt (IMGPROXY_SALT): with the ciphertext, the salt lets a passphrase be guessed offline
  ["ciphertext", CRED_OTHER],
  // an authorization failure's encoded message (sts decode-authorization-message --encoded-message, EncodedMessage)
  ["encodedmessage", CRED_OTHER],
  // an EventBridge connection's API key (--auth-parameters ApiKeyAuthParameters={ApiKeyName=x,ApiKeyValue=y})
  ["apikeyvalue", CRED_OTHER],
  ["salt", CRED_OTHER],
  ["passworddata", CRED_OTHER],
  ["stringseed", CRED_OTHER],
  ["qrcodepng", CRED_OTHER],
  // an SQS message's receipt handle: whoever holds it deletes the message or changes its visibility
  ["receipthandle", CRED_OTHER],
  // a Snowball job's unlock code, a Storage Gateway's activation key, an SSM hybrid activation's code: each lets its
  // holder unlock a device or register a gateway or a machine into the account
  ["unlockcode", CRED_OTHER],
  ["activationkey", CRED_OTHER],
  ["activationcode", CRED_OTHER],
  // a Windows or application license key in the registry (LicenseKey REG_SZ ...), an OAuth PKCE code verifier (RFC 7636:
  // with the authorization code it buys the tokens)
  ["licensekey", CRED_OTHER],
  ["productkey", CRED_OTHER],
  ["codeverifier", CRED_OTHER],
  // an app's own keys (sops -d output, a secrets file: jwt_signing_key, pan_encryption_key, hmac_key), a TLS session's
  // master key (openssl s_client's Master-Key)
  ["signingkey", CRED_OTHER],
  ["encryptionkey", CRED_OTHER],
  ["hmackey", CRED_OTHER],
  ["masterkey", CRED_OTHER],
  // (forty-fifth pass) a Storage Gateway iSCSI target's CHAP secrets (SecretToAuthenticateInitiator, ...Target), a
  // WorkSpaces directory's registration code (what its users type into the client to reach the directory)
  ["authenticateinitiator", CRED_OTHER],
  ["authenticatetarget", CRED_OTHER],
  ["registrationcode", CRED_OTHER],
  // (fiftieth pass) a Vault token's accessor (token_accessor: looks the token up and revokes it), MediaPackage's CDN
  // authorization header (X-MediaPackage-CDNIdentifier: the shared secret a CDN sends), a live stream's push key
  // (OBS's Stream Key, stream_key)
  ["tokenaccessor", CRED_OTHER],
  ["cdnidentifier", CRED_OTHER],
  ["streamkey", CRED_OTHER],
  // Consul's and Nomad's gossip encryption key (encrypt = "<base64>", "encrypt":, -encrypt=): only in its shape
  // (Terraform's S3 backend's encrypt = true, SQL Server's Encrypt=Mandatory name no key)
  ["encrypt", CRED_GOSSIP],
];

// the words before a "key" that names data or a public half, not a secret (PublicKey, S3_OBJECT_KEY, CacheKey; in
// headers x-sort-key, x-cache-key, x-idempotency-key)
const DATA_KEYS = ch.newSuffixSet([
  "public",
  "pub",
  "sort",
  "cache",
  "partition",
  "range",
  "hash",
  "primary",
  "idempotency",
  "routing",
  "object",
  "cursor",
  "dedup",
  "dedupe",
  "s3",
  "file",
  "foreign",
  "composite",
  "lookup",
  // (a digest or a content address: CommitKey, ETAG_KEY, checksum_key, a CDK asset's or an image's hash)
  "checksum",
  "digest",
  "etag",
  "sha",
  "sha1",
  "sha256",
  "sha512",
  "md5",
  "commit",
  "asset",
  "blob",
  "layer",
  "image",
  "thumbnail",
  "attachment",
  "upload",
  "restore",
  // (a public half: a site's, a publishable one, a signing key's fingerprint: GPG_KEY, NGINX_GPGKEY, RSA key)
  "publishable",
  "site",
  "gpg",
  "pgp",
  "rsa",
  "dsa",
  "ecdsa",
  "ed25519",
  // (a KMS key's id or alias, KMS_KEY: the KMS key's readers mask it by its kind)
  "kms",
  // (a UI string's: i18nKey, translationKey, labelKey)
  "i18n",
  "l10n",
  "translation",
  "label",
  "locale",
  "message",
]);

/** For the specs: the endings and what they name, most specific first. */
export const CREDENTIAL_KEY_ENDINGS: readonly [string, CredentialKey][] = KEY_ENDINGS;

const NOT_PASSWORD_ENDINGS = [
  "lastused",
  "policy",
  "length",
  "required",
  "enabled",
  "reset",
  "age",
  "date",
  "changed",
  "expired",
  "expires",
  "set",
  "file",
  "path",
  "arn",
  "id",
  "name",
  "version",
  "count",
  "prompt",
  "field",
  "type",
  "label",
  // docker login --password-stdin: the password comes from the pipe, the next word is the registry
  "stdin",
  // Active Directory's LastBadPasswordAttempt, badPasswordTime: a date
  "attempt",
  "time",
];

/** For the specs: endings of keys that hold "password" but name no password (PasswordLastUsed). */
export const NOT_PASSWORD_KEY_ENDINGS: readonly string[] = NOT_PASSWORD_ENDINGS;

/** Last units (lower case) of every key ending: a cheap reject before a key is normalised. */
const LAST_UNIT: boolean[] = [];
for (let c = 0; c < 256; c++) LAST_UNIT.push(false);
for (const e of KEY_ENDINGS) {
  const last = byteAt(e[0], e[0].length - 1);
  LAST_UNIT[last] = true;
  LAST_UNIT[last - 32] = true;
}
// password_v4, db_password_2
for (let c = 48; c <= 57; c++) LAST_UNIT[c] = true;

/** Values that are placeholders or types, not credentials (compared lower-cased). */
// commands a shell pipeline goes on with
const PIPED_COMMANDS = ch.wordSet("tail head grep egrep sort uniq jq yq less more wc awk sed cut xargs tee base64 tr");

const NOT_A_VALUE: Record<string, boolean> = {
  // a setting's state (EC2Config's plugins: Ec2SetPassword: Enabled)
  enabled: true,
  disabled: true,
  // Rails' credentials commands (bin/rails credentials:show, credentials:edit)
  show: true,
  edit: true,
  string: true,
  str: true,
  none: true,
  null: true,
  nil: true,
  true: true,
  false: true,
  undefined: true,
  required: true,
  optional: true,
  bool: true,
  boolean: true,
  number: true,
  int: true,
  integer: true,
  bytes: true,
  any: true,
  object: true,
  text: true,
  secret: true,
  password: true,
  token: true,
  "": true,
  redacted: true,
  masked: true,
  hidden: true,
  omitted: true,
  "n/a": true,
  na: true,
  empty: true,
  changeme: false,
  sensitive: true,
  "(sensitive)": true,
  "(sensitive value)": true,
  "known after apply": true,
  "(known": true,
  value: true,
  type: true,
  yes: true,
  no: true,
  // the sentence an error message goes on with after its class (STS: "ExpiredToken: The security token included in
  // the request is expired")
  the: true,
  this: true,
  your: true,
  // GitHub Actions permissions (id-token: write)
  read: true,
  write: true,
  // the word an error goes on with after "secret:" or "auth:" (Go's "get secret: operation error ...", ECS's "registry
  // auth: execution resource retrieval failed", "registry auth: pull command failed")
  operation: true,
  execution: true,
  pull: true,
  // strongSwan's authentication methods (leftauth=psk, auth = pubkey): an auth key's value names the method
  psk: true,
  pubkey: true,
  xauth: true,
  eap: true,
  // JavaScript's `const secret = await sm.send(...)`
  await: true,
  // Cognito's TokenValidityUnits ("AccessToken": "minutes"), the IAM credential report's not_supported
  seconds: true,
  minutes: true,
  hours: true,
  days: true,
  not_supported: true,
  // an API client's auth modes (Bruno's auth: awsv4, Postman's "type": "awsv4"), fetch()'s credentials mode
  awsv4: true,
  bearer: true,
  basic: true,
  oauth2: true,
  inherit: true,
  noauth: true,
  include: true,
  omit: true,
  "same-origin": true,
  // SASL mechanisms (swaks --auth LOGIN, Postfix's smtp_sasl_mechanism_filter), a DKIM-Signature's version tag (v=1)
  login: true,
  plain: true,
  "cram-md5": true,
  "digest-md5": true,
  xoauth2: true,
  "v=1": true,
  // rabbitmqadmin's column titles (| name | password_hash | tags |)
  tags: true,
};
// Postfix's lookup table types (smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd): the file holds the secret
const POSTFIX_TABLES = ch.wordSet("hash btree lmdb cdb dbm texthash regexp pcre");

/** True when the unit at j-1 may end a credential key (cheap reject for every other word). */
export function mayEndCredentialKey(c: number): boolean {
  return c < 256 && LAST_UNIT[c];
}

/**
 * What the key ending at j (exclusive) names: CRED_* (CRED_NONE for anything else). Keys may hold blanks ("Secret
 * access key" in a CSV or table header) when allowBlanks. Sets key.start to the start of the key token (walking back
 * at most MAX_KEY units over A-Za-z0-9_- and single blanks).
 */
export function credentialKeyEndingAt(s: string, j: number, allowBlanks: boolean, key: KeyToken): CredentialKey {
  // the first twelve units written out (most keys are shorter: 81 % of the corpus's are 16 units or fewer): a loop
  // reached from a trace's start aborts it, and LuaJIT blacklists a function after a few such aborts (chars.ts mayEndIn)
  STEP.w = false;
  let k = fourKeySteps(s, fourKeySteps(s, fourKeySteps(s, j, allowBlanks), allowBlanks), allowBlanks);
  if (k === j - 12) {
    while (k > 0 && j - k < MAX_KEY) {
      const next = keyStep(s, k, allowBlanks);
      if (next === k) break;
      k = next;
    }
    if (j - k >= MAX_KEY) return CRED_NONE;
  }
  // (a dotted key's last two words: Schema Registry's basic.auth.user.info, user:password)
  // (units compared before the loop helper: this runs for every word a key may end)
  if (
    j - k === 4 &&
    k >= 5 &&
    byteAt(s, k - 1) === 46 &&
    byteAt(s, k) === 105 &&
    ch.matchesLowerAt(s, k - 5, j, "user.info")
  ) {
    key.start = k - 5;
    return CRED_OTHER;
  }
  key.start = k;
  return keyCode(s, k, j, STEP.w);
}

/** keyStep's note: whether a unit it stepped over was a "w" ("password" and "passwd" have one, most words not). */
const STEP = { w: false };

/** keyStep four times, written out. */
function fourKeySteps(s: string, k: number, allowBlanks: boolean): number {
  const k1 = keyStep(s, k, allowBlanks);
  const k2 = keyStep(s, k1, allowBlanks);
  const k3 = keyStep(s, k2, allowBlanks);
  return keyStep(s, k3, allowBlanks);
}

/** k - 1 when the unit before k belongs to a key token (A-Za-z0-9_-, a single blank when allowBlanks), else k. */
function keyStep(s: string, k: number, allowBlanks: boolean): number {
  if (k <= 0) return k;
  const c = byteAt(s, k - 1);
  if (isKeyUnit(c) || (allowBlanks && c === SPACE && k - 1 > 0 && isKeyUnit(byteAt(s, k - 2)))) {
    if (c === LOWER_W || c === UPPER_W) STEP.w = true;
    return k - 1;
  }
  return k;
}

// Units a key is compared without ("secret_access-key", "Secret access key", "db.password").
const KEY_SKIP = ch.unitSet([UNDERSCORE, DASH, SPACE, DOT]);
const ENDINGS = ch.newSuffixSet(KEY_ENDINGS.map((e) => e[0]));
const NOT_PASSWORD = ch.newSuffixSet(NOT_PASSWORD_ENDINGS);
const TOKEN_ENDING = ch.newSuffixSet(["token"]);

/** What the key s[a, b) names (CRED_*): compared in place, lower-cased and without "_", "-", blanks and dots. */
export function credentialKeyCode(s: string, a: number, b: number): CredentialKey {
  return keyCode(s, a, b, true);
}

/** credentialKeyCode; mayHaveW false when s[a, b) is known to hold no "w" (then it cannot hold "password"). */
function keyCode(s: string, a: number, b: number, mayHaveW: boolean): CredentialKey {
  if (b - a < 3 || b - a > MAX_KEY) return CRED_NONE;
  // the most specific ending wins (secretaccesskey over secret ...): the list puts them first
  const w = suffixIn(ENDINGS, s, a, b, KEY_SKIP);
  let code = w >= 0 ? KEY_ENDINGS[w][1] : CRED_NONE;
  // a vendor's or an app's own key header (x-bc-partner-key, x-amz-server-side-encryption-customer-key); a sort, cache,
  // partition or idempotency key's names data, not a secret
  if (
    w < 0 &&
    b - a >= 7 &&
    lowerCode(byteAt(s, a)) === 120 &&
    byteAt(s, a + 1) === DASH &&
    byteAt(s, b - 4) === DASH &&
    ch.matchesLowerAt(s, b - 3, b, "key") &&
    suffixIn(DATA_KEYS, s, a, b - 4, KEY_SKIP) < 0
  )
    code = CRED_OTHER;
  // (an ending that names no credential, get-login-password, is not asked again)
  if (
    w < 0 &&
    mayHaveW &&
    (containsSkipping(s, a, b, "password", KEY_SKIP) || containsSkipping(s, a, b, "passwd", KEY_SKIP))
  ) {
    // password_v4, db_password_2: a password; PasswordLastUsed, PasswordPolicy: not
    code = suffixIn(NOT_PASSWORD, s, a, b, KEY_SKIP) >= 0 ? CRED_NONE : CRED_OTHER;
  }
  if (
    code === CRED_OTHER &&
    suffixIn(TOKEN_ENDING, s, a, b, KEY_SKIP) >= 0 &&
    (containsSkipping(s, a, b, "session", KEY_SKIP) || containsSkipping(s, a, b, "security", KEY_SKIP))
  )
    code = CRED_SESSION_TOKEN;
  // a flag about one (EventBridge's IsValueSecret, isSecret, is_secret): a boolean
  if (
    code !== CRED_NONE &&
    lowerCode(byteAt(s, a)) === 105 &&
    byteAt(s, a + 1) === 115 &&
    ((cls(byteAt(s, a + 2)) & C_UPPER) !== 0 || byteAt(s, a + 2) === UNDERSCORE)
  )
    code = CRED_NONE;
  return code;
}

/** The last unquoted value walk of this scan: a later walk starting inside it ends at the same place. */
const WALK = { from: -1, to: -1, pipe: false };

/** Forgets the last value walk: called when a new string is scanned. */
export function newCredentialScan(): void {
  WALK.from = -1;
  WALK.to = -1;
  FOOTER.from = -1;
  VALUE_KEY.from = -1;
  ACL_FLOOR.at = -1;
  ACL_FLOOR.found = false;
  AB_LINE.at = -1;
  AB_LINE.found = false;
}

/**
 * The last search for a key block's footer in this scan: from where, and the place found (-1: none to the end). A later
 * header after from reuses it while the place is still ahead: headers without a footer search the text once, not once
 * each.
 */
const FOOTER = { from: -1, at: -1 };
/** The same for the search for a SecureString's "Value" key (anchors without a value search the text once). */
const VALUE_KEY = { from: -1, at: -1 };

/** s.indexOf(lit, from) through a scan's memo of its last search (FOOTER, VALUE_KEY): reused while still ahead. */
function indexAhead(memo: { from: number; at: number }, s: string, lit: string, from: number): number {
  if (memo.from < 0 || memo.from > from || (memo.at >= 0 && memo.at < from)) {
    memo.from = from;
    memo.at = s.indexOf(lit, from);
  }
  return memo.at;
}

/** b B r R u U: the units of a Python string prefix. */
const PY_PREFIX = ch.unitSet([98, 66, 114, 82, 117, 85]);

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/**
 * A `key   value` line (Fluent Bit's classic config `HTTP_Passwd   x`, aligned settings): the key [ks, j) opens its
 * line, two or more blanks or a tab follow it, then one word to the line's end; or one blank after a snake_case key
 * (Fluentd's `shared_key x`, `aws_sec_key y`: its parameters are `name value`). Linear: only a key that opens its line
 * walks on to the line's end.
 */
export function alignedValue(s: string, ks: number, j: number, n: number): boolean {
  let p = ks;
  while (p > 0 && isBlank(byteAt(s, p - 1))) p--;
  if (p > 0 && byteAt(s, p - 1) !== LF) return false;
  let k = j;
  while (k < n && isBlank(byteAt(s, k))) k++;
  if (k - j < 2 && byteAt(s, j) !== TAB) {
    let snake = false;
    for (let u = ks; u < j && !snake; u++) snake = byteAt(s, u) === UNDERSCORE;
    // (not a file's path: Chef's encrypted_data_bag_secret "/etc/chef/x" names the file that holds the secret)
    const v = byteAt(s, k) === QUOTE || byteAt(s, k) === APOS ? k + 1 : k;
    if (k - j !== 1 || !snake || byteAt(s, v) === SLASH || byteAt(s, v) === 126) return false;
    // (nor an nginx directive's, proxy_pass http://x; fastcgi_pass unix:/run/php.sock;: a URL, a statement's ";")
    let w = k;
    while (w < n && w - k < 256 && !isBlank(byteAt(s, w)) && byteAt(s, w) !== LF && byteAt(s, w) !== CR) {
      if (byteAt(s, w) === COLON && w + 1 < n && byteAt(s, w + 1) === SLASH) return false;
      w++;
    }
    if (byteAt(s, w - 1) === SEMI) return false;
  }
  while (k < n && !isBlank(byteAt(s, k)) && byteAt(s, k) !== LF && byteAt(s, k) !== CR) k++;
  while (k < n && isBlank(byteAt(s, k))) k++;
  return k >= n || byteAt(s, k) === LF || byteAt(s, k) === CR;
}

/**
 * After a credential key ending at j: the separator and the value. Separators: ':' '=' ':=' '=>' '|' (table cell),
 * or blanks after a CLI flag (flag). A value may stand quoted (an escaped quote \" too: JSON inside a string), on the
 * next, indented line after ':' (YAML), or after a block indicator (`key: |`). Returns true and sets value to its span.
 */
export function credentialValueAfter(s: string, j: number, n: number, flag: boolean, value: Span): boolean {
  let k = j;
  // the key's closing quote (possibly escaped)
  if (k < n && byteAt(s, k) === BACKSLASH && k + 1 < n && byteAt(s, k + 1) === QUOTE) {
    k += 2;
    // (and a subscript's, JSON-escaped: wrk.headers[\"x-api-key\"] = \"x\")
    if (k + 1 < n && byteAt(s, k) === RBRACKET) k++;
  } else if (k < n && (byteAt(s, k) === QUOTE || byteAt(s, k) === APOS)) {
    k++;
    // (a subscript's key, assigned: wrk's wrk.headers["x-api-key"] = "x", Python's headers['X-Api-Key'] = x; review of
    // the fifty-third pass)
    if (k + 1 < n && byteAt(s, k) === RBRACKET) k++;
  }
  while (k < n && k - j < 48 && isBlank(byteAt(s, k))) k++;
  let sep = -1;
  if (k < n) {
    const c = byteAt(s, k);
    if (c === COLON || c === EQUALS || c === PIPE) {
      sep = c;
      k++;
      if (k < n && (byteAt(s, k) === EQUALS || (c === EQUALS && byteAt(s, k) === GT))) k++;
      if (c !== PIPE && k < n && (byteAt(s, k) === c || byteAt(s, k) === SLASH)) return false; // ::, ==, ://
    }
  }
  // a Remote Desktop file's saved password (`password 51:b:<hex>`: name, type, value)
  if (sep < 0 && k === j + 1 && k + 5 < n && byteAt(s, k) === 53 && ch.matchesAt(s, k, k + 5, "51:b:")) {
    sep = COLON;
    k += 5;
  }
  // a registry value as `reg query` prints it (`LicenseKey    REG_SZ    HVP-7Q2M-...`)
  const registry =
    sep < 0 &&
    k > j &&
    k + 7 < n &&
    byteAt(s, k) === 82 &&
    ch.matchesAt(s, k, n, "REG_SZ") &&
    isBlank(byteAt(s, k + 6));
  if (registry) k += 6;
  if (sep < 0 && !(flag && k > j) && !registry) return false;
  while (k < n && k - j < 96 && isBlank(byteAt(s, k))) k++;
  // a YAML anchor before the value (`hmac-secret: &hmac <secret>`: the value is the secret, the anchor its label)
  if (sep === COLON && k + 2 < n && byteAt(s, k) === AMP) {
    let t = k + 1;
    while (
      t < n &&
      t - k < 64 &&
      ((cls(byteAt(s, t)) & C_ALNUM) !== 0 || byteAt(s, t) === DASH || byteAt(s, t) === UNDERSCORE)
    )
      t++;
    if (t > k + 1 && t < n && isBlank(byteAt(s, t))) {
      k = t;
      while (k < n && k - t < 96 && isBlank(byteAt(s, k))) k++;
    }
  }
  // a YAML tag before a block scalar is no value (`key: !vault |`, `!unsafe >`, `!!binary |`)
  let tag = -1;
  if (sep === COLON && k + 1 < n && byteAt(s, k) === 33) {
    let t = k + 1;
    if (byteAt(s, t) === 33) t++;
    while (t < n && t - k < 24 && (cls(byteAt(s, t)) & C_ALNUM) !== 0) t++;
    let v = t;
    while (v < n && isBlank(byteAt(s, v))) v++;
    if (t > k + 1 && v > t && v < n && (byteAt(s, v) === PIPE || byteAt(s, v) === GT)) {
      tag = k;
      k = v;
    }
  }
  if (sep === COLON && k < n && (byteAt(s, k) === PIPE || byteAt(s, k) === GT)) {
    // YAML block scalar: `key: |` / `key: >-`, the value on the next lines
    k++;
    while (k < n && (byteAt(s, k) === DASH || byteAt(s, k) === PLUS)) k++;
    while (k < n && isBlank(byteAt(s, k))) k++;
    if (k < n && byteAt(s, k) !== LF && byteAt(s, k) !== CR) return false;
  }
  const nextLine = sep === COLON && k < n && (byteAt(s, k) === LF || byteAt(s, k) === CR);
  if (nextLine) {
    // YAML: the value on the next line, indented
    if (byteAt(s, k) === CR) k++;
    if (k < n && byteAt(s, k) === LF) k++;
    const lineStart = k;
    while (k < n && k - lineStart < 96 && isBlank(byteAt(s, k))) k++;
    if (k === lineStart) return false;
    // Ansible Vault's inline value (`!vault |`, then `$ANSIBLE_VAULT;1.1;AES256[;<id>]` and lines of hex): the
    // ciphertext's lines are the value, the tag and the header stay
    if (tag >= 0 && byteAt(s, k) === 36 && k + 15 < n && ch.matchesAt(s, k, k + 15, "$ANSIBLE_VAULT;")) {
      let h = k + 15;
      while (h < n && h - k < 96 && byteAt(s, h) !== LF) h++;
      let a = h + 1;
      while (a < n && a - h < 96 && isBlank(byteAt(s, a))) a++;
      // (line by line: blanks, a run of hex, the line's end; the next key, db_user:, is no hex line)
      let e = a;
      let last = a;
      while (e < n && e - a < MAX_VALUE) {
        while (e < n && isBlank(byteAt(s, e))) e++;
        const r = e + ch.runOf(s, e, n, ch.C_HEX);
        if (r === e || (r < n && byteAt(s, r) !== LF && byteAt(s, r) !== CR)) break;
        last = r;
        e = r < n && byteAt(s, r) === CR ? r + 1 : r;
        if (e < n) e++;
      }
      if (last === a) return false;
      value.s = a;
      value.e = last;
      return true;
    }
    // EC2Launch v2's setAdminAccount: `password:` then `type: static` and `data: <the password>` on the next line
    if (k + 12 < n && byteAt(s, k) === 116 && ch.matchesAt(s, k, k + 12, "type: static")) {
      let d = k + 12;
      while (d < n && isBlank(byteAt(s, d))) d++;
      if (d < n && byteAt(s, d) === CR) d++;
      if (d >= n || byteAt(s, d) !== LF) return false;
      d++;
      const nextStart = d;
      while (d < n && d - nextStart < 96 && isBlank(byteAt(s, d))) d++;
      if (d + 5 >= n || !ch.matchesAt(s, d, d + 5, "data:")) return false;
      k = d + 5;
      while (k < n && isBlank(byteAt(s, k))) k++;
      if (k >= n || byteAt(s, k) === LF || byteAt(s, k) === CR) return false;
    }
  }
  if (k >= n) return false;
  // a Python string prefix before the quote (botocore's debug log prints headers as bytes: 'X-Amz-Security-Token':
  // b'IQoJ...'; r'...', u'...', rb'...')
  let q = k;
  while (q < n && q - k < 2 && byteAt(s, q) < 256 && PY_PREFIX[byteAt(s, q)]) q++;
  if (q > k && q < n && (byteAt(s, q) === APOS || byteAt(s, q) === QUOTE)) k = q;
  // (fifty-second pass) the OpenTelemetry Collector's debug exporter wraps an attribute's value, a string in Str(...)
  // and a captured header's values in Slice([...]): `-> http.request.header.x_api_key: Slice(["<key>"])`
  if (sep === COLON && byteAt(s, k) === 83) {
    if (ch.matchesAt(s, k, n, "Str(")) k += 4;
    else if (ch.matchesAt(s, k, n, 'Slice(["')) k += 7;
  }
  // a Windows instance's console output (EC2Config, EC2Launch): `Password: <Password>`, the encrypted administrator
  // password on the next lines, `</Password>`
  if (sep === COLON && byteAt(s, k) === LT && ch.matchesAt(s, k, n, "<Password>")) {
    let a = k + 10;
    if (a < n && byteAt(s, a) === CR) a++;
    if (a >= n || byteAt(s, a) !== LF) return false;
    a++;
    const close = sub(s, a, a + 1024 < n ? a + 1024 : n).indexOf("</Password>");
    let e = a + close;
    while (e > a && (byteAt(s, e - 1) === LF || byteAt(s, e - 1) === CR)) e--;
    if (close < 0 || e - a < 16) return false;
    value.s = a;
    value.e = e;
    return true;
  }
  let quote = -1;
  const c0 = byteAt(s, k);
  if (c0 === BACKSLASH && k + 1 < n && byteAt(s, k + 1) === QUOTE) {
    quote = QUOTE;
    k += 2;
  } else if (c0 === QUOTE || c0 === APOS || c0 === BACKTICK) {
    quote = c0;
    k++;
  } else if (c0 === AMP && ch.quoteRefEnd(s, k, n) > 0) {
    // (fifty-third pass) a quote escaped as a character reference (HTML or XML text: PGPASSWORD=&quot;x&quot; in a
    // Confluence export's code block): the value ends at the same quote's reference; `&amp;` in it is the value's
    quote = ch.CHAR_REF.code;
    k = ch.quoteRefEnd(s, k, n);
  }
  const a = k;
  let b = k;
  if (quote >= 0) {
    // a value opened by \" ends at the next \"; a plainly quoted one at its quote (not an escaped one)
    const escapedQuote = c0 === BACKSLASH;
    const refQuote = c0 === AMP;
    while (b < n && b - a < MAX_VALUE) {
      const c = byteAt(s, b);
      if (c === LF) break;
      if (refQuote) {
        if (c === AMP && ch.quoteRefEnd(s, b, n) > 0 && ch.CHAR_REF.code === quote) break;
      } else if (escapedQuote) {
        if (c === BACKSLASH && b + 1 < n && byteAt(s, b + 1) === QUOTE) break;
      } else if (c === quote && (b === a || byteAt(s, b - 1) !== BACKSLASH)) {
        break;
      }
      b++;
    }
  } else if (a > WALK.from && a < WALK.to && WALK.pipe === (sep === PIPE)) {
    // inside the last unquoted value walked (and rejected): it ends where that one did (linear time on key runs)
    b = WALK.to;
  } else {
    while (b < n && b - a < MAX_VALUE) {
      const c = byteAt(s, b);
      if (
        c === SPACE ||
        c === TAB ||
        c === LF ||
        c === CR ||
        c === QUOTE ||
        c === APOS ||
        c === AMP ||
        c === BACKTICK ||
        (c === BACKSLASH && b + 1 < n && byteAt(s, b + 1) === QUOTE)
      )
        break;
      if (sep === PIPE && c === PIPE) break;
      b++;
    }
    // a connection string's `Password=Tide&Anchor2291;`: its fields end at ";", so an "&" with no "=" after it before
    // the ";" is the value's (in a query string, `&key=` ends it); so is one before the line's end (a properties
    // file's ssl.keystore.password=Tr0ub4dor&3-msk)
    if (sep === EQUALS && b < n && byteAt(s, b) === AMP && !(ch.charRefEnd(s, b, n) > 0 && ch.CHAR_REF.code > 0)) {
      let e = b + 1;
      while (e < n && e - a < 256) {
        const c = byteAt(s, e);
        if (c === SEMI || c === EQUALS || c <= SPACE || c === QUOTE || c === APOS) break;
        e++;
      }
      if (e >= n || byteAt(s, e) === SEMI || byteAt(s, e) === LF || byteAt(s, e) === CR) b = e;
    }
    // (review of the fifty-third pass) in HTML or XML text a character reference in the value is the value's
    // (Password=Tide&amp;Anchor2291;, DB_PASSWORD=ab&lt;cd9 in a Confluence export): not a quote's, a blank's or a
    // closing tag's (&lt;/), nor `&amp;key=` (a query's separator escaped in an attribute)
    // (the end of the last reference read: its ";" is no separator after the value)
    let refEnd = -1;
    for (let r = 0; r < 32 && b < n && byteAt(s, b) === AMP && b - a < MAX_VALUE; r++) {
      const e = ch.charRefEnd(s, b, n);
      const code = ch.CHAR_REF.code;
      if (e < 0 || code <= SPACE || code === QUOTE || code === APOS || code === BACKTICK) break;
      // (C1 controls, no-break and other Unicode spaces end it; a letter &#233; is the value's)
      if ((code >= 127 && code <= 160) || (code >= 8192 && code <= 8239) || code === 12288 || code === 65279) break;
      if (code === LT && e < n && byteAt(s, e) === SLASH) break;
      let t = e;
      while (t < n && t - e < 256 && ch.isKeyUnit(byteAt(s, t))) t++;
      if (code === AMP && t > e && t < n && byteAt(s, t) === EQUALS) break;
      t = e;
      while (t < n && t - a < MAX_VALUE) {
        const c = byteAt(s, t);
        if (c <= SPACE || c === QUOTE || c === APOS || c === AMP || c === BACKTICK || c === SEMI) break;
        if (c === LT || c === 62 || (sep === PIPE && c === PIPE)) break;
        if (c === BACKSLASH && t + 1 < n && byteAt(s, t + 1) === QUOTE) break;
        t++;
      }
      b = t;
      refEnd = t === e ? t : -1;
    }
    WALK.from = a;
    WALK.to = b;
    WALK.pipe = sep === PIPE;
    // a separator after the value, not part of it
    while (b > a) {
      const c = byteAt(s, b - 1);
      if (c === COMMA || (c === SEMI && b !== refEnd) || (c === RBRACE && b - 1 === a + 0)) b--;
      else break;
    }
    // closers the value does not open close what opened before it: `{"x":{"password":null}}` reads `null`, not
    // `null}` (which looks like a secret, and masking it took a brace out of the JSON)
    if (b > a && (byteAt(s, b - 1) === RBRACE || byteAt(s, b - 1) === RBRACKET || byteAt(s, b - 1) === RPAREN)) {
      let braces = 0;
      let brackets = 0;
      let parens = 0;
      for (let k = a; k < b; k++) {
        const c = byteAt(s, k);
        if (c === LBRACE) braces++;
        else if (c === RBRACE) braces--;
        else if (c === LBRACKET) brackets++;
        else if (c === RBRACKET) brackets--;
        else if (c === LPAREN) parens++;
        else if (c === RPAREN) parens--;
      }
      while (b > a) {
        const c = byteAt(s, b - 1);
        if (c === RBRACE && braces < 0) braces++;
        else if (c === RBRACKET && brackets < 0) brackets++;
        else if (c === RPAREN && parens < 0) parens++;
        else break;
        b--;
      }
    }
  }
  if (b <= a) return false;
  // a reference with a fallback (a k6 script's `__ENV.CLIENT_SECRET || 'x'`, `process.env.X ?? "x"`): the fallback
  // literal is the value the script runs with, the reference none (review of the fifty-third pass)
  if (quote < 0 && (sep === EQUALS || sep === COLON)) {
    const f = fallbackLiteral(s, a, b, n);
    if (f > 0) {
      if (!plausibleCredential(s, f, FALLBACK_END.e, true, sep)) return false;
      value.s = f;
      value.e = FALLBACK_END.e;
      return true;
    }
  }
  // another key and its value after a log message's noun (Vault's `rotating root credential: access_key_id=AKIA...`):
  // read by that key (the key id keeps its own pseudonym), not as this key's value
  if (quote < 0 && sep === COLON && !nextLine && (cls(byteAt(s, a)) & C_LOWER) !== 0) {
    let t = a;
    let under = false;
    while (t < b && t - a < 40 && ((cls(byteAt(s, t)) & C_LOWER) !== 0 || byteAt(s, t) === 95)) {
      if (byteAt(s, t) === 95) under = true;
      t++;
    }
    // (only a key whose own rule reads its value: a credential's key, or an access key id's, AKIA/ASIA and 16 more,
    // or its pseudonym on a second pass; `password: temp_pw=Hunter2` is the password)
    const v = t + 1;
    if (
      under &&
      v < b &&
      byteAt(s, t) === EQUALS &&
      byteAt(s, v) !== EQUALS &&
      (credentialKeyCode(s, a, t) !== CRED_NONE ||
        (b - v >= 20 &&
          byteAt(s, v) === 65 &&
          (byteAt(s, v + 1) === 75 || byteAt(s, v + 1) === 83) &&
          byteAt(s, v + 2) === 73 &&
          byteAt(s, v + 3) === 65 &&
          ch.runOf(s, v, v + 20, C_UPPER | C_DIGIT) === 20) ||
        pseudonymEndAt(s, v, b) === b)
    )
      return false;
  }
  // a nested mapping's first key (credentials:\n  access-key: ...), not a value
  if (nextLine && quote < 0 && byteAt(s, b - 1) === COLON) return false;
  // (fifty-second pass) a Markdown table's header row, its delimiter row under it (| access_key | sourceIPAddress |
  // then |---|---|): two column titles, no key and value
  if (sep === PIPE && delimiterRowAfter(s, b, n)) return false;
  // a placeholder with a default (Spring's ${DB_PASSWORD:<default>}, written ${DB_PASSWORD\:x} by Properties.store;
  // the shell's and Compose's ${DB_PASSWORD:-<default>}): the default is the value
  const d = placeholderDefault(s, a, b);
  if (d > a) {
    if (!plausibleCredential(s, d, b - 1, true, sep)) return false;
    value.s = d;
    value.e = b - 1;
    return true;
  }
  // (JMeter's ${__P(db.password,<default>)}: the default is the value, review of the fifty-third pass)
  const jd = byteAt(s, a) === DOLLAR ? jmeterPropertyDefault(s, a, b) : -1;
  if (jd > a) {
    if (!plausibleCredential(s, jd, b - 2, true, sep)) return false;
    value.s = jd;
    value.e = b - 2;
    return true;
  }
  if (!plausibleCredential(s, a, b, quote >= 0, sep)) return false;
  value.s = a;
  value.e = b;
  return true;
}

/** fallbackLiteral's literal's end. */
const FALLBACK_END: Span = { s: 0, e: 0 };

/**
 * Where the fallback literal after the reference at a starts (`__ENV.CLIENT_SECRET || 'x'`, `process.env.X ?? "x"`,
 * Ruby's `ENV['X'] || 'x'`: an identifier chain, its links maybe subscripts by a quoted name, "||" or "??", blanks or
 * a line break around it or none, a quoted literal on the line, its quotes maybe JSON-escaped), its end in
 * FALLBACK_END.e; -1 for none. The value read at a, s[a, b), ends in the reference or its operator.
 */
function fallbackLiteral(s: string, a: number, b: number, n: number): number {
  if (b - a > 128) return -1;
  let k = a;
  while (k < n && k - a < 128) {
    const c = byteAt(s, k);
    if (c < 256 && ((cls(c) & C_ALNUM) !== 0 || c === UNDERSCORE || c === DOT || c === DOLLAR)) k++;
    else if (c === LBRACKET && k > a && k + 1 < n && (byteAt(s, k + 1) === QUOTE || byteAt(s, k + 1) === APOS)) {
      // (a subscript by a quoted name: __ENV['DB_PASSWORD'], process.env["API_KEY"])
      const q = byteAt(s, k + 1);
      let e = k + 2;
      while (e < n && e - k < 64 && isKeyUnit(byteAt(s, e))) e++;
      if (e === k + 2 || e + 1 >= n || byteAt(s, e) !== q || byteAt(s, e + 1) !== RBRACKET) return -1;
      k = e + 2;
    } else break;
  }
  if (k === a) return -1;
  // (the value read ends in the reference, or runs on over the operator: __ENV.X||'x')
  for (let t = k; t < b; t++) {
    const c = byteAt(s, t);
    if (!isBlank(c) && c !== PIPE && c !== 63) return -1;
  }
  const from = k;
  while (k < n && k - from < 16 && (isBlank(byteAt(s, k)) || byteAt(s, k) === LF || byteAt(s, k) === CR)) k++;
  const o = k + 1 < n ? byteAt(s, k) : -1;
  if (!((o === PIPE || o === 63) && byteAt(s, k + 1) === o)) return -1; // || ??
  k += 2;
  const blank = k;
  while (k < n && k - blank < 16 && (isBlank(byteAt(s, k)) || byteAt(s, k) === LF || byteAt(s, k) === CR)) k++;
  // (a JSON string's escaped quote: "const PASSWORD = __ENV.PASSWORD || \\"x\\";")
  const escaped = k + 1 < n && byteAt(s, k) === BACKSLASH && byteAt(s, k + 1) === QUOTE;
  if (escaped) k++;
  const q = k < n ? byteAt(s, k) : -1;
  if (q !== QUOTE && q !== APOS && q !== BACKTICK) return -1;
  const la = k + 1;
  let e = la;
  while (
    e < n &&
    e - la < MAX_VALUE &&
    byteAt(s, e) !== q &&
    byteAt(s, e) !== LF &&
    !(escaped && byteAt(s, e) === BACKSLASH && e + 1 < n && byteAt(s, e + 1) === QUOTE)
  )
    e++;
  if (e >= n || e === la || (escaped ? byteAt(s, e) !== BACKSLASH : byteAt(s, e) !== q)) return -1;
  FALLBACK_END.e = e;
  return la;
}

/**
 * True when the line holding b (up to 512 units on) is followed by a Markdown table's delimiter row: only "-", ":",
 * "|" and blanks to the line's end, a "-" and a "|" among them (| --- | :---: |, or ---|--- without the outer pipes;
 * not a body row whose first cell opens with "-" or ":", | - | n/a |, | :x: | token |; not a rule, ---).
 */
function delimiterRowAfter(s: string, b: number, n: number): boolean {
  let k = b;
  while (k < n && k - b < 512 && byteAt(s, k) !== LF) k++;
  if (k >= n || byteAt(s, k) !== LF) return false;
  k++;
  const w = k;
  let dashes = 0;
  let pipes = 0;
  for (; k < n && k - w < 512; k++) {
    const c = byteAt(s, k);
    if (c === LF || c === CR) break;
    if (c === DASH) dashes++;
    else if (c === PIPE) pipes++;
    else if (c !== COLON && !isBlank(c)) return false;
  }
  return dashes > 0 && pipes > 0 && (k >= n || byteAt(s, k) === LF || byteAt(s, k) === CR);
}

/**
 * A secret given in a sentence, s[a, b): 8-128 ASCII units (the same length in Node and Lua) with a digit, a
 * lower-case letter and a symbol other than "-" (Qw7f_LmX2vR9pZ3k), or letters and digits that alternate three times
 * (x7Kp2mQ9) or twice in 12 units or more (Hunter2Secret, abc12345XYZq); or 16 or more with 4 digits and 4 letters (a hex key, a generated password). No
 * "/", ":", "." or "@" (a path, an ARN, a host, an address, a version: another reader's), and no compound adjective's
 * lower-case last part ("PBKDF2-hashed", "Base64-encoded"), so no word of prose ("rotated", "AES256", "Base64URL",
 * "HmacSHA256", "stored in ...") is one.
 */
export function proseSecret(s: string, a: number, b: number): boolean {
  if (b - a < 8 || b - a > 128) return false;
  let digits = 0;
  let letters = 0;
  let lower = false;
  let symbol = false;
  let turns = 0;
  let prev = 0;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    const f = cls(c);
    if (c >= 128 || c === SLASH || c === COLON || c === DOT || c === 64) return false;
    const kind = (f & C_DIGIT) !== 0 ? 1 : (f & (C_LOWER | C_UPPER)) !== 0 ? 2 : 0;
    if (kind === 1) digits++;
    else if (kind === 2) letters++;
    else if (c !== DASH) symbol = true;
    if ((f & C_LOWER) !== 0) lower = true;
    if (kind !== 0 && prev !== 0 && kind !== prev) turns++;
    prev = kind;
  }
  let t = b;
  while (t > a && (cls(byteAt(s, t - 1)) & C_LOWER) !== 0) t--;
  if (b - t >= 3 && t > a && byteAt(s, t - 1) === DASH) return false;
  if (b - a >= 16 && digits >= 4 && letters >= 4) return true;
  return digits > 0 && lower && (symbol || turns >= 3 || (turns >= 2 && b - a >= 12));
}

/**
 * Whether s[a, b) names a digest or a MAC, in any case: "sha" then a digit or "-" and a digit, "hmac", "pbkdf"
 * (PBKDF2-HMAC-SHA256, PBKDF2WithHmacSHA256, SHA-512): an algorithm after "password" in prose, no secret (review of
 * the fifty-first pass).
 */
export function digestName(s: string, a: number, b: number): boolean {
  for (let k = a; k + 3 < b; k++) {
    const c = ch.lowerCode(byteAt(s, k));
    if (c === 115 && ch.matchesLowerAt(s, k, b, "sha")) {
      const d = byteAt(s, k + 3) === 45 && k + 4 < b ? byteAt(s, k + 4) : byteAt(s, k + 3);
      if ((cls(d) & C_DIGIT) !== 0) return true;
    } else if (c === 104 && ch.matchesLowerAt(s, k, b, "hmac")) return true;
    else if (c === 112 && ch.matchesLowerAt(s, k, b, "pbkdf")) return true;
  }
  return false;
}

/**
 * True when s[a, b), after "external id" or "integration key" in prose, is such a value: 6-128 units of letters, digits,
 * "-", "_", "=" and "+", a digit, "_" or "=" among them (a UUID, hex, Fivetran's luminous_harbinger, Snowflake's
 * NW41822_SFCRole=2_...; not "the", "for", "field"). One marked by "_" alone is Fivetran's two words, lower case, of 4
 * letters or more each: not a variable's or a field's name (EXTERNAL_ID, PD_INTEGRATION_KEY, routing_key, service_a),
 * which, learned, replaced the name in the code all over the request.
 */
export function externalIdValue(s: string, a: number, b: number): boolean {
  if (b - a < 6 || b - a > 128) return false;
  let marked = false;
  let joins = 0;
  let join = -1;
  let plain = true;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    const f = cls(c);
    if ((f & C_DIGIT) !== 0 || c === EQUALS) marked = true;
    else if (c === UNDERSCORE) {
      joins++;
      join = k;
    } else if ((f & (C_LOWER | C_UPPER)) === 0 && c !== DASH && c !== PLUS) return false;
    else if ((f & C_LOWER) === 0) plain = false;
  }
  if (!marked && (joins !== 1 || !plain || join - a < 4 || b - join - 1 < 4)) return false;
  return (cls(byteAt(s, a)) & (C_LOWER | C_UPPER | C_DIGIT)) !== 0;
}

// the Serverless Framework's variable sources (${ssm:/path}, ${env:NAME}): a source and an address, no default
const SERVERLESS_SOURCES = ch.wordSet("ssm env self opt cf s3 sls param aws file git sm");

/**
 * Where the default of the placeholder s[a, b) starts: `${NAME:default}` (Spring; `\:` as java.util.Properties
 * writes it) or `${NAME:-default}` (the shell, Compose), the placeholder all of s[a, b); -1 for anything else.
 */
export function placeholderDefault(s: string, a: number, b: number): number {
  if (b - a < 6 || byteAt(s, a) !== DOLLAR || byteAt(s, a + 1) !== LBRACE || byteAt(s, b - 1) !== RBRACE) return -1;
  let t = a + 2;
  while (
    t < b &&
    t - a < 66 &&
    ((cls(byteAt(s, t)) & C_ALNUM) !== 0 ||
      byteAt(s, t) === UNDERSCORE ||
      byteAt(s, t) === DOT ||
      byteAt(s, t) === DASH)
  )
    t++;
  // (not the Serverless Framework's variables, ${ssm:/path}, ${env:NAME}, ${self:custom.x}: a source and an address)
  if (t === a + 2 || (t - a <= 8 && SERVERLESS_SOURCES[sub(s, a + 2, t)] === true)) return -1;
  if (t < b && byteAt(s, t) === BACKSLASH) t++;
  if (t >= b || byteAt(s, t) !== COLON) return -1;
  t++;
  // (the shell's ${X:=y} assigns its default too; ${X:?message} fails with a message and ${X:+y} gives y only when X
  // is set: no default, review of the fifty-second pass)
  if (t < b && (byteAt(s, t) === 63 || byteAt(s, t) === PLUS)) return -1; // ? +
  if (t < b && (byteAt(s, t) === DASH || byteAt(s, t) === EQUALS)) t++;
  // (no other placeholder or brace inside: ${A:${B}} defaults to a reference)
  for (let k = t; k < b - 1; k++) if (byteAt(s, k) === LBRACE || byteAt(s, k) === RBRACE) return -1;
  return t < b - 1 ? t : -1;
}

/**
 * Where the default of JMeter's property function s[a, b) starts: `${__P(name,default)}`,
 * `${__property(name,variable,default)}` (the value a test plan runs with when no -J/-G property is given), the
 * function all of s[a, b) and its default ending at b - 2; -1 for anything else (`${__P(name)}`, another function).
 */
export function jmeterPropertyDefault(s: string, a: number, b: number): number {
  if (b - a < 10 || byteAt(s, a) !== DOLLAR || byteAt(s, a + 1) !== LBRACE || byteAt(s, a + 2) !== UNDERSCORE)
    return -1;
  if (byteAt(s, b - 1) !== RBRACE || byteAt(s, b - 2) !== RPAREN) return -1;
  let t = ch.matchesAt(s, a + 2, b, "__P(") ? a + 6 : ch.matchesAt(s, a + 2, b, "__property(") ? a + 13 : -1;
  if (t < 0) return -1;
  // (the property's name, then for __property the variable's, which may be empty)
  const commas = byteAt(s, a + 5) === LPAREN ? 1 : 2;
  for (let c = 0; c < commas; c++) {
    const from = t;
    while (
      t < b - 2 &&
      t - from < 128 &&
      ((cls(byteAt(s, t)) & C_ALNUM) !== 0 ||
        byteAt(s, t) === UNDERSCORE ||
        byteAt(s, t) === DOT ||
        byteAt(s, t) === DASH)
    )
      t++;
    if ((c === 0 && t === from) || t >= b - 2 || byteAt(s, t) !== COMMA) return -1;
    t++;
  }
  // (no other function or brace inside: a default of ${__P(x,${y})} is a reference)
  for (let k = t; k < b - 2; k++) if (byteAt(s, k) === LBRACE || byteAt(s, k) === RBRACE) return -1;
  return t < b - 2 ? t : -1;
}

/**
 * The credential in the text s[a, b) of a credential's element or cell (JMeter's <stringProp name="password">, an
 * Argument.value under a credential's Argument.name): the default of a placeholder (`${DB_PASSWORD:x}`,
 * `${__P(db.password,x)}`), or the text itself when it is no placeholder, reference or type (plausibleCredential), in
 * span; false when there is none.
 */
export function credentialText(s: string, a: number, b: number, span: Span): boolean {
  let d = placeholderDefault(s, a, b);
  let e = b - 1;
  if (d < 0) {
    d = jmeterPropertyDefault(s, a, b);
    e = b - 2;
  }
  if (d < 0) {
    d = a;
    e = b;
  }
  if (e <= d || !plausibleCredential(s, d, e, true, EQUALS)) return false;
  span.s = d;
  span.e = e;
  return true;
}

/**
 * True when s[a, b), opening with "%", is a placeholder: a short one (%s), Python's %(pw)s, Ruby's %{pw} and %<pw>s,
 * cmd's %DB_PASS%; a printf conversion alone (%-16s, %1$s, %.*s, %08x, %2$-10s; escapes after it, "%s\n"); or a
 * URL-encoded placeholder (%7B%7Bpassword%7D%7D, %24%7BPW%7D, %3Credacted%3E, %2A%2A%2A%2A: decoded, it opens as
 * plausibleCredential's placeholders do). A password that opens with "%" is none (review of the fifty-second
 * pass: the conversions and the encoded placeholders were masked).
 */
function percentPlaceholder(s: string, a: number, b: number): boolean {
  const len = b - a;
  const c1 = len > 1 ? byteAt(s, a + 1) : -1;
  if (len <= 3 || c1 === LPAREN || c1 === LBRACE || c1 === LT || byteAt(s, b - 1) === PERCENT) return true;
  // (a percent-encoded first byte: $, <, "{{" or a "*" run's; not an encoded object, %7B%22keybase%22..., whose
  // members no reader sees: a console's aws-userInfo cookie, masked whole)
  if (ch.isHexPair(s, a + 1)) {
    const d = hexNibble(c1) * 16 + hexNibble(byteAt(s, a + 2));
    if (d === DOLLAR || d === LT) return true;
    if (d === LBRACE && len >= 6 && ch.matchesLowerAt(s, a, a + 6, "%7b%7b")) return true;
    if (d === STAR && len >= 6 && ch.matchesLowerAt(s, b - 3, b, "%2a")) return true;
  }
  // (a printf conversion: argument's index, flags, width, precision, length, the conversion's letter)
  let k = a + 1;
  let q = k;
  while (q < b && q - k < 3 && (cls(byteAt(s, q)) & C_DIGIT) !== 0) q++;
  if (q > k && q < b && byteAt(s, q) === DOLLAR) k = q + 1;
  while (k < b && k - a < 12 && byteAt(s, k) < 256 && FORMAT_FLAGS[byteAt(s, k)]) k++;
  if (k < b && byteAt(s, k) === STAR) k++;
  else while (k < b && k - a < 12 && (cls(byteAt(s, k)) & C_DIGIT) !== 0) k++;
  if (k < b && byteAt(s, k) === DOT) {
    k++;
    if (k < b && byteAt(s, k) === STAR) k++;
    else while (k < b && k - a < 16 && (cls(byteAt(s, k)) & C_DIGIT) !== 0) k++;
  }
  while (k < b && k - a < 20 && byteAt(s, k) < 256 && FORMAT_LENGTHS[byteAt(s, k)]) k++;
  if (k >= b || (cls(byteAt(s, k)) & (C_LOWER | C_UPPER)) === 0) return false;
  k++;
  while (k + 1 < b && byteAt(s, k) === BACKSLASH) k += 2;
  return k === b;
}
const FORMAT_FLAGS = ch.unitSet([DASH, PLUS, SPACE, 35, 48, APOS]); // - + blank # 0 '
const FORMAT_LENGTHS = ch.unitSet([104, 108, 76, 113, 106, 122, 116]); // h l L q j z t

/** The value of the hex digit c (0-9, a-f, A-F). */
function hexNibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

/** False for placeholders, references, types and code (`os.getenv("X")`, `${VAR}`, `<secret>`, `string`). */
export function plausibleCredential(s: string, a: number, b: number, quoted: boolean, sep: number): boolean {
  const len = b - a;
  const c0 = byteAt(s, a);
  if (c0 === DOLLAR || c0 === LT || (c0 === LBRACE && len > 1 && byteAt(s, a + 1) === LBRACE)) return false;
  // a format's or a shell's placeholder (%s, %(password)s, %{VAR}, %DB_PASS%), not a password that opens with "%"
  if (c0 === PERCENT && percentPlaceholder(s, a, b)) return false;
  if (c0 === LBRACE || c0 === 91 || c0 === LPAREN) return false; // an object, list or tuple: its members are scanned
  if (c0 === STAR && byteAt(s, b - 1) === STAR) return false; // ****
  // (fifty-third pass) a mask of one letter repeated: Fluentd prints its secret parameters as xxxxxx at startup
  if (len >= 3 && (c0 === 120 || c0 === 88)) {
    let k = a + 1;
    while (k < b && byteAt(s, k) === c0) k++;
    if (k === b) return false;
  }
  if (len <= 24 && NOT_A_VALUE[sub(s, a, b).toLowerCase()] === true) return false;
  // (one character identifies nothing: a Redshift connection log's "| password | 0 |" is an auth method and a
  // duration; a placeholder's "…", 3 bytes in Lua)
  if (len === 1 || (len <= 4 && ch.charCount(s, a, b) === 1)) return false;
  // an error's class after a message's "credentials:" (EKS Pod Identity's agent: "Error fetching credentials:
  // AccessDeniedException: ..."), not a secret
  const e = byteAt(s, b - 1) === COLON ? b - 1 : b;
  if (e - a > 9 && byteAt(s, e - 1) === 110 && byteAt(s, e - 9) === 69 && ch.matchesAt(s, e - 9, e, "Exception"))
    return false;
  // a CLI file reference (--ciphertext-blob fileb://key.enc, --secret-string file://creds.json): the file holds it
  if (c0 === 102 && (ch.matchesLowerAt(s, a, b, "file://") || ch.matchesLowerAt(s, a, b, "fileb://"))) return false;
  if (len > 6 && (cls(c0) & C_LOWER) !== 0) {
    let k = a + 1;
    while (k < b && k - a < 9 && (cls(byteAt(s, k)) & C_LOWER) !== 0) k++;
    if (k + 1 < b && byteAt(s, k) === COLON && byteAt(s, k + 1) === SLASH && POSTFIX_TABLES[sub(s, a, k)] === true)
      return false;
  }
  if (len > 2 && c0 === 60) return false;
  // a DNS name (Vault's iam_server_id_header_value vault.example.com: the server's name the header must carry) is a
  // host, masked as one by its own reader, no secret: lower-case labels, two dots or more, a last label of letters
  if (len > 6 && len <= 253 && (cls(c0) & C_LOWER) !== 0 && (cls(byteAt(s, b - 1)) & C_LOWER) !== 0) {
    let dots = 0;
    let last = a;
    let k = a;
    while (
      k < b &&
      ((cls(byteAt(s, k)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, k) === DASH || byteAt(s, k) === DOT)
    ) {
      if (byteAt(s, k) === DOT) {
        if (k === last) break;
        dots++;
        last = k + 1;
      }
      k++;
    }
    if (k === b && dots >= 2 && b - last >= 2 && b - last <= 6 && hostTld(s, last, b)) return false;
  }
  // a reference to a key or a secret (an AWS ARN, a KMS alias: EncryptionKey, KmsMasterKeyId), not one: the ARN's and
  // the alias's matchers read it
  if (c0 === 97 && len > 8 && (ch.matchesAt(s, a, a + 8, "arn:aws:") || ch.matchesAt(s, a, a + 6, "alias/")))
    return false;
  // a PowerShell pipeline, not a table's cell: `password | ConvertTo-Json` (Verb-Noun)
  if (sep === PIPE && (cls(c0) & C_UPPER) !== 0 && len <= 32 && cmdletAt(s, a, b)) return false;
  // a shell pipeline's next command (getent passwd | tail -4, cat password.txt | base64)
  if (sep === PIPE && len <= 6 && PIPED_COMMANDS[sub(s, a, b)] === true) return false;
  // a pseudonym is never masked again
  if (!quoted && sep !== PIPE) {
    // code: an identifier chain with a call, member access or a statement end (`os.environ["X"]`, `args.token;`)
    let k = a;
    let dots = 0;
    let call = false;
    while (k < b) {
      const c = byteAt(s, k);
      if ((cls(c) & C_ALNUM) !== 0 || c === UNDERSCORE) k++;
      else if (c === DOT && k > a && k + 1 < b && (cls(byteAt(s, k + 1)) & (C_LOWER | C_UPPER)) !== 0) {
        dots++;
        k++;
      } else break;
    }
    if (k < b) {
      const c = byteAt(s, k);
      if (c === LPAREN || c === 91 || c === SEMI) call = true;
    }
    // (an identifier may open with "_": k6's __ENV.API_TOKEN, review of the fifty-third pass)
    if (
      ((cls(c0) & (C_LOWER | C_UPPER)) !== 0 || c0 === UNDERSCORE) &&
      (call || (dots > 0 && k === b && dots < 4 && !hasDigitOrUpperMix(s, a, b)))
    )
      return false;
  }
  return true;
}

/** True when s[a, b) is a PowerShell cmdlet's name: Verb-Noun, letters only, each part capitalised. */
function cmdletAt(s: string, a: number, b: number): boolean {
  const d = a + ch.runOf(s, a, b, C_LOWER | C_UPPER);
  if (d === a || d + 2 > b || byteAt(s, d) !== DASH || (cls(byteAt(s, d + 1)) & C_UPPER) === 0) return false;
  return d + 1 + ch.runOf(s, d + 1, b, C_LOWER | C_UPPER) === b;
}

function hasDigitOrUpperMix(s: string, a: number, b: number): boolean {
  let up = 0;
  let dig = 0;
  for (let k = a; k < b; k++) {
    const f = cls(byteAt(s, k));
    if ((f & C_UPPER) !== 0) up++;
    if ((f & C_DIGIT) !== 0) dig++;
  }
  return up > 0 && dig > 0;
}

/**
 * A secret access key by shape: s[a, a+40) is 40 units of A-Za-z0-9+/ standing alone (no base64 unit, "=" padding,
 * "-" or "_" on either side) with the classes of random data: upper and lower case, a digit or "+"/"/", at least 20
 * distinct units and 14 class changes (a word, a path, camelCase or hex has far fewer). Returns a + 40 or -1.
 */
export function secretShapeEnd(s: string, a: number, n: number): number {
  const e = a + 40;
  if (e > n) return -1;
  if (a > 0) {
    const p = byteAt(s, a - 1);
    if (p < 256 && ((cls(p) & C_B64) !== 0 || p === UNDERSCORE || p === DASH)) return -1;
  }
  if (e < n) {
    const c = byteAt(s, e);
    if (c < 256 && ((cls(c) & C_B64) !== 0 || c === EQUALS || c === UNDERSCORE || c === DASH)) return -1;
    if (c === PERCENT) return -1;
  }
  return secretShaped(s, a, e) ? e : -1;
}

/**
 * A code of five groups of five letters or digits joined by "-", a digit among them, standing alone: a Snowball job's
 * unlock code (get-job-unlock-code), a Storage Gateway's activation key (what its activation URL answers), a product
 * key. Whoever holds one unlocks the device or activates a gateway into the account: masked wherever it stands.
 * s[a, a+5) is a word of five alphanumerics followed by "-" (the caller's check). Returns a + 29 or -1.
 */
export function groupedCodeEnd(s: string, a: number, n: number): number {
  const e = a + 29;
  if (e > n || (e < n && ((cls(byteAt(s, e)) & C_ALNUM) !== 0 || byteAt(s, e) === DASH || byteAt(s, e) === UNDERSCORE)))
    return -1;
  let digits = 0;
  for (let k = a; k < e; k++) {
    const f = cls(byteAt(s, k));
    if ((k - a) % 6 === 5) {
      if (byteAt(s, k) !== DASH) return -1;
    } else if ((f & C_ALNUM) === 0) return -1;
    else if ((f & C_DIGIT) !== 0) digits++;
  }
  return digits > 0 ? e : -1;
}

/**
 * The line that starts at a, where a command that prints a secret alone prints it (`--query SecretString`, a
 * credential's projection): span is set to it, to the next line feed (at most 65,536 units on), without a trailing CR
 * or blanks, and without its quotes when unquote and it is one quoted string. Returns where the line ends (its line
 * feed, or the bound), to search on from.
 */
export function secretLine(s: string, a: number, n: number, unquote: boolean, span: Span): number {
  const lim = a + 65536 < n ? a + 65536 : n;
  let e = a;
  while (e < lim && byteAt(s, e) !== LF) e++;
  let x = a;
  let b = e;
  while (b > x && (byteAt(s, b - 1) === CR || byteAt(s, b - 1) === SPACE)) b--;
  if (unquote && b - x >= 2 && byteAt(s, x) === QUOTE && byteAt(s, b - 1) === QUOTE) {
    x++;
    b--;
  }
  span.s = x;
  span.e = b;
  return e;
}

/**
 * Whether the line after a command that prints a secret (the command at p, its line ending at the line feed at a) is
 * what it printed. Not when the output goes elsewhere: piped into docker login (the ECR login one-liner), captured by
 * $(...) or backticks (a script's DB_PASSWORD=$(aws ssm get-parameter ...)); nor when that line is another command: a
 * shell's xtrace ("+ docker login ..."), a prompt's "$ ", a comment, an export.
 */
export function printsSecret(s: string, p: number, a: number, n: number): boolean {
  let ls = p;
  while (ls > 0 && p - ls < 4096 && byteAt(s, ls - 1) !== LF) ls--;
  const line = sub(s, ls, a);
  if (line.indexOf("| docker") >= 0 || line.indexOf("$(") >= 0 || line.indexOf("`") >= 0) return false;
  // (nor a command whose output goes to a file: ... --output text > /etc/x.pw)
  if (sub(s, p, a).indexOf(")") >= 0 || sub(s, p, a).indexOf(" >") >= 0) return false;
  let k = a + 1;
  while (k < n && k - a < 256 && (byteAt(s, k) === SPACE || byteAt(s, k) === TAB)) k++;
  const c = k < n ? byteAt(s, k) : 0;
  const d = k + 1 < n ? byteAt(s, k + 1) : 0;
  // (a secret may start with "+", "#" or "$": xtrace, a comment and a prompt are followed by a blank, xtrace by "+")
  // (nor a YAML list's next item: cloud-config's runcmd)
  if ((c === PLUS && (d === SPACE || d === PLUS)) || ((c === DOLLAR || c === 35 || c === DASH) && d === SPACE))
    return false;
  return !(c === 101 && ch.matchesAt(s, k, n, "export "));
}

/**
 * True when s[a, b), a line cat printed, is one token: no blank inside, not an INI section's [name] (a script's next
 * command, `[default]` of ~/.aws/credentials, are no secret printed alone).
 */
export function loneToken(s: string, a: number, b: number): boolean {
  if (b <= a || (byteAt(s, a) === 91 && byteAt(s, b - 1) === 93)) return false;
  for (let k = a; k < b; k++) if (byteAt(s, k) === SPACE || byteAt(s, k) === TAB) return false;
  return true;
}

/**
 * After a cat's path at a: past "; echo", ";echo" or "&& echo" (a file without a final line feed), else a.
 */
export function echoAfter(s: string, a: number, n: number): number {
  let k = a;
  while (k < n && k - a < 16 && (byteAt(s, k) === SPACE || byteAt(s, k) === TAB)) k++;
  let m = k;
  if (m < n && byteAt(s, m) === SEMI) m++;
  else if (m + 1 < n && byteAt(s, m) === AMP && byteAt(s, m + 1) === AMP) m += 2;
  else return a;
  while (m < n && m - k < 16 && (byteAt(s, m) === SPACE || byteAt(s, m) === TAB)) m++;
  return ch.matchesAt(s, m, n, "echo") ? m + 4 : a;
}

/**
 * True when s[x, b), the line a cat at p typed at a prompt ("$ ", "# ") printed, is a passphrase with blanks ("Correct
 * Horse Battery Staple", "P@ss word!"): at most 64 units, its first word not a command's name (lower-case letters,
 * digits, ".", "/", "-", "_"), no "=" in it, not "[" or "$" first.
 */
export function promptedPhrase(s: string, p: number, x: number, b: number): boolean {
  if (b <= x || b - x > 64) return false;
  let ls = p;
  while (ls > 0 && p - ls < 256 && byteAt(s, ls - 1) !== LF) ls--;
  while (ls < p && (byteAt(s, ls) === SPACE || byteAt(s, ls) === TAB)) ls++;
  const c = byteAt(s, ls);
  if (!(ls + 1 < p && (c === DOLLAR || c === 35) && byteAt(s, ls + 1) === SPACE)) return false;
  const f = byteAt(s, x);
  if (f === 91 || f === DOLLAR) return false;
  let command = true;
  let k = x;
  for (; k < b && byteAt(s, k) !== SPACE && byteAt(s, k) !== TAB; k++) {
    const u = byteAt(s, k);
    if (u === EQUALS) return false;
    if ((cls(u) & (C_LOWER | C_DIGIT)) === 0 && u !== DOT && u !== SLASH && u !== DASH && u !== UNDERSCORE)
      command = false;
  }
  if (command) return false;
  // (not a sentence: a banner's "Welcome to the Bitnami WordPress Stack" has function words)
  while (k < b) {
    while (k < b && (byteAt(s, k) === SPACE || byteAt(s, k) === TAB)) k++;
    const w = k;
    while (k < b && byteAt(s, k) !== SPACE && byteAt(s, k) !== TAB) k++;
    if (k - w <= 4 && SENTENCE_WORDS[sub(s, w, k).toLowerCase()] === true) return false;
  }
  return true;
}
/** Words of a sentence, not of a passphrase (promptedPhrase). */
const SENTENCE_WORDS = ch.wordSet("to of the and or in on at by for a an is are was with from this your you it not");

/**
 * In the lines cat printed from a, a credentials note's password (Bitnami's ~/bitnami_credentials: "The default
 * username and password is 'user' and '<password>'."): the last quoted token of the line that says "password is",
 * into span. Reads up to 8 lines and 2,048 units, over up to 3 blank lines and rules of "*", "-" or "=" (the file's
 * own layout: a blank line and a row of "*" before the note), not counted.
 */
export function notedPassword(s: string, a: number, n: number, span: Span): boolean {
  let r = a;
  let blanks = 0;
  for (let lines = 0; lines < 8 && r < n; lines++) {
    let le = r;
    let rule = true;
    while (le < n && le - a < 2048 && byteAt(s, le) !== LF) {
      const c = byteAt(s, le);
      if (c !== STAR && c !== DASH && c !== EQUALS && c !== CR && c !== SPACE) rule = false;
      le++;
    }
    if (le - a >= 2048) return false;
    if (rule) {
      if (++blanks > 3) return false;
      lines--;
      r = le + 1;
      continue;
    }
    const k = sub(s, r, le).indexOf("password is ");
    if (k >= 0) {
      let q2 = le - 1;
      while (q2 > r + k && byteAt(s, q2) !== 39 && byteAt(s, q2) !== QUOTE) q2--;
      let q1 = q2 - 1;
      while (q1 > r + k && byteAt(s, q1) !== byteAt(s, q2)) q1--;
      if (q1 <= r + k || q2 - q1 < 2) return false;
      span.s = q1 + 1;
      span.e = q2;
      return true;
    }
    r = le + 1;
  }
  return false;
}

const SEEN: boolean[] = [];
for (let c = 0; c < 256; c++) SEEN.push(false);

/**
 * True when s[a, b) is a gossip encryption key as `consul keygen` and `nomad operator gossip keyring generate` print
 * it: 16, 24 or 32 random bytes in padded base64 (24 units ending "==", 32, or 44 ending "="), upper and lower case.
 */
export function gossipKey(s: string, a: number, b: number): boolean {
  const len = b - a;
  if (len !== 24 && len !== 32 && len !== 44) return false;
  const pad = len === 24 ? 2 : len === 44 ? 1 : 0;
  let classes = 0;
  for (let k = a; k < b - pad; k++) {
    const c = byteAt(s, k);
    if (c >= 256 || (cls(c) & C_B64) === 0 || c === EQUALS) return false;
    classes |= cls(c) & C_ALNUM;
  }
  for (let k = b - pad; k < b; k++) if (byteAt(s, k) !== EQUALS) return false;
  return classes === C_ALNUM || (len === 44 && (classes & C_UPPER) !== 0 && (classes & C_LOWER) !== 0);
}

/** The class mix of random base64 in s[a, e) (all units already checked or checked here). */
export function secretShaped(s: string, a: number, e: number): boolean {
  let upper = 0;
  let lower = 0;
  let other = 0;
  let changes = 0;
  let distinct = 0;
  let slashes = 0;
  let last = 0;
  const seen = SEEN;
  let ok = true;
  for (let k = a; k < e; k++) {
    const c = byteAt(s, k);
    if (c >= 256 || (cls(c) & C_B64) === 0) {
      ok = false;
      break;
    }
    const f = cls(c);
    const kind = (f & C_UPPER) !== 0 ? 1 : (f & C_LOWER) !== 0 ? 2 : (f & C_DIGIT) !== 0 ? 3 : 4;
    if (kind === 1) upper++;
    else if (kind === 2) lower++;
    else other++;
    if (kind === 4) slashes++;
    if (k > a && kind !== last) changes++;
    last = kind;
    if (!seen[c]) {
      seen[c] = true;
      distinct++;
    }
  }
  for (let k = a; k < e; k++) {
    const c = byteAt(s, k);
    if (c < 256) seen[c] = false;
  }
  if (!ok) return false;
  if (upper < 2 || lower < 2 || other < 1 || distinct < 20) return false;
  return slashes >= 3 ? changes >= 20 : changes >= 14;
}

/**
 * A random-looking token s[a, b): 12-256 units of A-Za-z0-9 + / = . _ -, upper and lower case and a digit, and a class
 * change at least every third unit (words, versions, paths and kebab-case names have far fewer). Generated passwords
 * and keys stored as plain values (SSM SecureString "Value").
 */
export function randomToken(s: string, a: number, b: number): boolean {
  const len = b - a;
  if (len < 12 || len > 256) return false;
  let upper = 0;
  let lower = 0;
  let digit = 0;
  let changes = 0;
  let last = 0;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    if (c >= 256) return false;
    const f = cls(c);
    let kind = 4;
    if ((f & C_UPPER) !== 0) {
      kind = 1;
      upper++;
    } else if ((f & C_LOWER) !== 0) {
      kind = 2;
      lower++;
    } else if ((f & C_DIGIT) !== 0) {
      kind = 3;
      digit++;
    } else if (c !== PLUS && c !== SLASH && c !== EQUALS && c !== DOT && c !== UNDERSCORE && c !== DASH) {
      return false;
    }
    if (k > a && kind !== last) changes++;
    last = kind;
  }
  return upper > 0 && lower > 0 && digit > 0 && changes * 3 >= len;
}

// the words before a blank and "key" that make it prose, not a key's name ("Cache restored from key: x", "the key")
const PROSE_KEY_WORDS = ch.wordSet("from with the this that for by of on in using input restore primary a an any each");

/** True when key[ka, kb) may hold an app's own key by its value's shape (keyedSecret): "<name>_KEY", "<name>Key". */
export function keyedSecretKey(key: string, ka: number, kb: number): boolean {
  if (kb - ka < 5 || lowerCode(byteAt(key, kb - 1)) !== 121) return false;
  if (!ch.matchesLowerAt(key, kb - 3, kb, "key") || suffixIn(DATA_KEYS, key, ka, kb - 3, KEY_SKIP) >= 0) return false;
  // (a word of its own: IMGPROXY_KEY, signing-key, webhookKey; not monkey, turkey, HOCKEY)
  const p = byteAt(key, kb - 4);
  if (p === SPACE) {
    // (two words, "Signing key": not after a word of prose, "restored from key", "The key")
    let w = kb - 4;
    while (w > ka && kb - 4 - w < 16 && (cls(byteAt(key, w - 1)) & C_ALNUM) !== 0) w--;
    return PROSE_KEY_WORDS[sub(key, w, kb - 4).toLowerCase()] !== true;
  }
  return (
    (byteAt(key, kb - 3) === 75 && (cls(p) & (C_LOWER | C_DIGIT)) !== 0) || p === UNDERSCORE || p === DASH || p === DOT
  );
}

/**
 * A generated key under a key named "<x>key" (IMGPROXY_KEY, webhookKey: an app's signing or encryption key in a
 * Lambda function's environment, a config file) that no ending of KEY_ENDINGS names: key[ka, kb) ends in the word
 * "key" (after "_", "-", "." or a blank, or as "Key") after a longer name (not a data key's or a public key's,
 * DATA_KEYS), and s[a, b) is 32 or more hex digits of one case
 * with 4 digits and 4 letters (imgproxy's IMGPROXY_KEY, a 256-bit key in hex) or 24-512 units of random base64
 * (randomToken). A path, a name or a word under such a key (S3_KEY: uploads/x.csv, PartitionKey: userId) is no key.
 */
export function keyedSecret(key: string, ka: number, kb: number, s: string, a: number, b: number): boolean {
  if (b - a < 24 || b - a > 512 || !(keyedSecretKey(key, ka, kb) || encryptionPrimaryKey(key, ka, kb))) return false;
  if (b - a >= 32) {
    let digits = 0;
    let lower = 0;
    let upper = 0;
    let k = a;
    for (; k < b; k++) {
      const c = byteAt(s, k);
      if (!ch.isHexDigit(c)) break;
      if (c <= 57) digits++;
      else if (c >= 97) lower++;
      else upper++;
    }
    if (k === b) return digits >= 4 && (lower === 0 || upper === 0) && lower + upper >= 4;
  }
  // (base64 holds no ".": a dotted value is an identifier, Checkout.Step2.PaymentTitle under an i18nKey)
  for (let k = a; k < b; k++) if (byteAt(s, k) === DOT) return false;
  return randomToken(s, a, b);
}

/**
 * True when key[ka, kb) is Active Record encryption's primary key (`primary_key:` under `active_record_encryption:` in
 * Rails' credentials, config.active_record.encryption.primary_key, ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY): a data key's
 * word ("primary") that names a key only so, alone or after "encryption" (keyedSecret still asks for a generated value:
 * a table's `primary_key: id` stays).
 */
function encryptionPrimaryKey(key: string, ka: number, kb: number): boolean {
  if (kb - ka < 10 || lowerCode(byteAt(key, kb - 1)) !== 121) return false;
  let k = kb;
  let m = PRIMARY_KEY.length;
  while (k > ka && m > 0) {
    const c = lowerCode(byteAt(key, k - 1));
    if (c < 256 && KEY_SKIP[c]) k--;
    else if (c === byteAt(PRIMARY_KEY, m - 1)) {
      k--;
      m--;
    } else break;
  }
  // (the whole key, or "primary key" after "encryption"; separators before it)
  while (k > ka && byteAt(key, k - 1) < 256 && KEY_SKIP[byteAt(key, k - 1)]) k--;
  return m === 0 || (m === PRIMARY_KEY.length - 10 && k === ka);
}
const PRIMARY_KEY = "encryptionprimarykey";

/**
 * True when s[a, b) is a Twilio String Identifier of the account (AC) or of an API key (SK): the two letters and 32
 * hex digits of one case (Twilio's SIDs: a two-letter prefix, then 32 hex), with a digit and a letter among them. The
 * API key's SID with its secret, or the account's with its auth token, calls Twilio as the company.
 */
export function twilioSid(s: string, a: number, b: number): boolean {
  if (b - a !== 34) return false;
  const p = byteAt(s, a);
  const q = byteAt(s, a + 1);
  if (!((p === 65 && q === 67) || (p === 83 && q === 75))) return false;
  let digits = 0;
  let lower = 0;
  let upper = 0;
  for (let k = a + 2; k < b; k++) {
    const c = byteAt(s, k);
    if (!ch.isHexDigit(c)) return false;
    if (c <= 57) digits++;
    else if (c >= 97) lower++;
    else upper++;
  }
  return digits > 0 && (lower === 0 || upper === 0) && lower + upper > 0;
}

/** True when key[ka, kb) ends in the word `cid` or `aid` (alone or after "_", "-", "."): falconId's key. */
export function falconKey(key: string, ka: number, kb: number): boolean {
  if (kb - ka < 3 || lowerCode(byteAt(key, kb - 1)) !== 100 || lowerCode(byteAt(key, kb - 2)) !== 105) return false;
  const c = lowerCode(byteAt(key, kb - 3));
  if (c !== 99 && c !== 97) return false;
  const p = kb - ka > 3 ? byteAt(key, kb - 4) : UNDERSCORE;
  return p === UNDERSCORE || p === DASH || p === DOT;
}

/**
 * CrowdStrike Falcon's customer id and agent id (the sensor's deployment guide: `falconctl -s --cid=<CID>`,
 * `falconctl -g --aid --cid` printing `aid="..."`, `cid="..."`; `FALCON_CID=`, the CSPM API's `"cid"`): key[ka, kb)
 * is the word `cid` or `aid` (alone or after "_", "-", "."), and s[a, b) 32 hex digits of one case, then the CID's
 * checksum "-" and 2 hex digits or nothing. The tenant's id registers a sensor to it: a credential.
 */
export function falconId(key: string, ka: number, kb: number, s: string, a: number, b: number): boolean {
  if ((b - a !== 32 && b - a !== 35) || !falconKey(key, ka, kb)) return false;
  let lower = 0;
  let upper = 0;
  for (let k = a; k < a + 32; k++) {
    const u = byteAt(s, k);
    if (!ch.isHexDigit(u)) return false;
    if (u >= 97) lower++;
    else if (u >= 65) upper++;
  }
  if (lower > 0 && upper > 0) return false;
  return (
    b - a === 32 || (byteAt(s, a + 32) === DASH && ch.isHexDigit(byteAt(s, a + 33)) && ch.isHexDigit(byteAt(s, a + 34)))
  );
}

/**
 * Where a credential stands after a fixed text (see anchoredCredentials): HTTP authentication schemes (RFC 9110
 * 11.6.2: `Authorization: Bearer <token>`) in header dumps, curl commands, logs and configs (the gateway's own
 * Authorization header is never scanned: plugin/headers.ts), then commands whose short flags carry a password.
 */
export const CREDENTIAL_ANCHORS = [
  "Bearer ",
  "Basic ",
  "bearer ",
  // (fifty-third pass) the "Token" scheme of Django REST framework's TokenAuthentication and of the APIs that follow it
  // (GitGuardian's, NetBox's; GitHub's own docs write "token"): only as the Authorization header's, a word alone
  // ("Token expiredAt...") is prose
  "Authorization: Token ",
  "Authorization: token ",
  "authorization: token ",
  // (and the header as a JSON or a Python dict's member, a client's headers: {"Authorization": "Token x"})
  'Authorization": "Token ',
  "Authorization': 'Token ",
  // vendors' schemes, whose keys are UUIDs: Splunk's HTTP Event Collector (`Authorization: Splunk <HEC token>`, every
  // example of its guide) and Opsgenie's Alert API (`Authorization: GenieKey <API key>`)
  "Splunk ",
  "GenieKey ",
  // SMTP AUTH (RFC 4954; the SES guide's openssl s_client test): AUTH PLAIN's and AUTH LOGIN's initial response, and
  // the lines a client answers to the server's base64 "Username:" and "Password:" challenges (an SMTP user's key id
  // and its SES SMTP password, in base64)
  "AUTH PLAIN ",
  "AUTH LOGIN ",
  // (SMTP's verbs are case-insensitive: typed into openssl s_client or telnet)
  "auth plain ",
  "auth login ",
  "334 VXNlcm5hbWU6",
  "334 UGFzc3dvcmQ6",
  // credential files: a .netrc entry (machine <host> login <user> password <secret>), a .pgpass line
  // (host:port:database:user:password) found by its port field: PostgreSQL's, a second cluster's, pgbouncer's, any
  "machine ",
  ":5432:",
  ":5433:",
  ":6432:",
  ":*:",
  "mysql",
  "mariadb",
  "redis-cli",
  "docker login",
  "curl",
  "mosquitto_",
  "psql",
  // Amazon Keyspaces' cqlsh -u <service user> -p <password>; redis-cli's AUTH [user] <password> at its prompt
  "cqlsh",
  "> AUTH",
  // RDS for MySQL's replication from an external source: CALL mysql.rds_set_external_source('<host>', <port>,
  // '<user>', '<password>', ...) (rds_set_external_master, *_with_auto_position, *_with_delay, *_for_channel)
  "rds_set_external_",
  // Redis ACL rules (ElastiCache's and MemoryDB's RBAC users, Redis 6+): `ACL SETUSER <user> on >password ~* +@all`,
  // and a line of `ACL LIST` or of an ACL file (`user <user> on #<sha256> ~* +@all`): the user, its passwords (>, <)
  // and password hashes (#, !)
  "SETUSER",
  "setuser",
  "user ",
  // RabbitMQ's CLIs (Amazon MQ for RabbitMQ): rabbitmqadmin's -u/-p, rabbitmqctl's add_user <user> <password>
  "rabbitmq",
  // (fifty-third pass) the user and password of an HTTP client's basic or digest authentication as a call's two string
  // arguments: Gatling's .basicAuth("user", "pw") / .digestAuth(...), Python requests' HTTPBasicAuth('user', 'pw')
  "asicAuth(",
  "igestAuth(",
  // Cookie and Set-Cookie headers (request dumps, HAR files, curl -H): a session cookie is a bearer credential
  "Cookie: ",
  "cookie: ",
  // and curl's own cookie option, as DevTools' "Copy as cURL" writes it (-b 'name=value; ...', --cookie)
  " -b '",
  ' -b "',
  " --cookie '",
  ' --cookie "',
  // (fifty-third pass) a header's name and value as a call's arguments (Gatling's and OkHttp's .header("Cookie", "..."),
  // HttpURLConnection's setRequestProperty) or an object's member (k6's and Locust's headers {"Cookie": "..."}, a
  // Node request's {"cookie": "..."}), a quoted value after them; and ab's cookie option (-C 'name=value', on ab's
  // command line only: pip's -C "key=value" is a build setting)
  'Cookie",',
  "Cookie',",
  'cookie",',
  "cookie',",
  'Cookie":',
  "Cookie':",
  'cookie":',
  "cookie':",
  " -C ",
  // a PEM private key's body (RSA, EC, OPENSSH, ENCRYPTED ...): "-----BEGIN <type> PRIVATE KEY-----"
  "PRIVATE KEY-----",
  // settings whose value is a secret whatever its shape: a VPN connection's pre-shared key in the configuration AWS
  // generates for the customer gateway (Cisco `pre-shared-key address <ip> key <psk>`, Juniper `pre-shared-key
  // ascii-text "<psk>"`, the generic file's `Pre-Shared Key : <psk>`), strongSwan's ipsec.secrets (`<ip> <ip> : PSK
  // "<psk>"`), FortiGate's `set psksecret <psk>`; an SSM SecureString parameter's value (--with-decryption: the Value
  // after its Type, in JSON, YAML, HCL, a command line or an --output text row)
  // (each searched from a rare unit: "re-shared" would be searched from "ed", found all over English text)
  "pre-shared",
  "Pre-shared",
  "Pre-Shared",
  ": PSK",
  "psksecret",
  // network devices' keys in their running configs (Cisco IOS, NX-OS, Arista): an ISAKMP pre-shared key (crypto isakmp
  // key <psk> address <ip>), a BGP neighbor's MD5 password in clear (0) or type 7, a type 7 key (TACACS+, key chains),
  // the SNMP community
  "isakmp key",
  " password 0",
  " password 7",
  " key 7",
  "snmp-server community",
  // SQL's `create user x with password 'y'` (PostgreSQL, Redshift) and `identified by 'y'` (MySQL, Aurora MySQL,
  // Oracle), each read from its opening quote (SQL_FIRST to SQL_LAST): the word matchers take a key's value after a
  // blank only from a separator, as the prose fast path (plainWord) expects
  " password '",
  " Password '",
  " PASSWORD '",
  "identified by '",
  "IDENTIFIED BY '",
  "SecureString",
  // other services' secrets by their documented prefixes (GitHub, Slack, Stripe secret and restricted keys, GitLab,
  // Google API keys, npm, Anthropic, OpenAI, Hugging Face): the prefix stays, the token after it is masked
  "ghp_",
  "gho_",
  "ghu_",
  "ghs_",
  "ghr_",
  "github_pat_",
  "xoxb-",
  "xoxp-",
  "xoxa-",
  "xoxe-",
  "sk_live_",
  "sk_test_",
  "rk_live_",
  // (and a Stripe webhook endpoint's signing secret)
  "whsec_",
  // an IVS channel's stream key (sk_<region>_<key>: whoever holds it can stream to the channel); not Stripe's above
  "sk_",
  "glpat-",
  // (fifty-third pass) GitLab's other prefixed tokens (its docs' "Token prefixes"): a runner's authentication token
  // (glrt-, and glrtr- with routing), a deploy token, a pipeline trigger token, a CI/CD job token, a feed token, an
  // incoming mail token, an agent for Kubernetes token, a SCIM token, an OAuth application secret
  "glrt-",
  "glrtr-",
  "gldt-",
  "glptt-",
  "glcbt-",
  "glft-",
  "glimt-",
  "glagent-",
  "glsoat-",
  "gloas-",
  // (fifty-third pass) a Stripe account's id (acct_ and 16 letters and digits: a Connect account, the STRIPE_ACCOUNT of
  // an app's environment); only a token of letters and digits of both cases (stripeAccount)
  "acct_",
  // Grafana's service account tokens and Grafana Cloud's access policy tokens
  "glsa_",
  "glc_",
  "AIza",
  "npm_",
  "sk-ant-",
  "sk-proj-",
  "hf_",
  // an Amazon Location API key (v1.public.<token>: a map's, a place index's or a route calculator's key)
  "v1.public.",
  // a Pulumi stack configuration's secret (Pulumi.<stack>.yaml's secure: v1:<ciphertext> with a passphrase, secure:
  // AAAB<base64> with Pulumi Cloud's or a KMS provider; pulumi config --json, compact or not)
  "secure: v1:",
  '"secure": "v1:',
  '"secure":"v1:',
  "secure: AAAB",
  '"secure": "AAAB',
  '"secure":"AAAB',
  // (fiftieth pass) hiera-eyaml's ciphertext (ENC[PKCS7,<base64>], ENC[GPG,<base64>]: Puppet's encrypted hiera values)
  "ENC[PKCS7,",
  "ENC[GPG,",
  // an AppSync API key (da2-<26>: the x-api-key of a GraphQL API)
  "da2-",
  // a Firebase Cloud Messaging registration token (an SNS platform endpoint's or a Pinpoint endpoint's Address for
  // GCM/FCM: <instance id>:APA91b<token>; whoever holds it pushes to the device)
  "APA91b",
  // HashiCorp Vault's service, batch and recovery tokens (hvs., hvb., hvr.: vault login, vault token lookup's id)
  "hvs.",
  "hvb.",
  "hvr.",
  // New Relic's user and insert keys (a Firehose or CloudWatch metric stream's link to New Relic)
  "NRAK-",
  "NRII-",
  // webhook URLs: the path after them is the secret (Slack incoming webhooks, Discord, a Sumo Logic HTTP source)
  "hooks.slack.com/services/",
  "discord.com/api/webhooks/",
  "sumologic.com/receiver/v1/http/",
  // (fifty-third pass: and a Sumo Logic source for Firehose, the URL of a Firehose HTTP endpoint destination)
  "sumologic.com/receiver/v1/kinesis/log/",
  "sumologic.com/receiver/v1/kinesis/metric/",
  // (PagerDuty's Events API endpoint for an SNS subscription or a CloudWatch integration: the integration key)
  "pagerduty.com/integration/",
  // (fifty-third pass) GitHub push protection's link to allow a blocked secret (remote: .../security/secret-scanning/
  // unblock-secret/<id>: whoever opens it may push the secret), a GitGuardian incident's public share link
  // (share_url: https://dashboard.gitguardian.com/share/incidents/<token>: whoever holds it reads the incident)
  "unblock-secret/",
  "share/incidents/",
  // (and a Microsoft Teams incoming webhook's: <group>@<tenant>/IncomingWebhook/<id>/<owner>, Grafana's and
  // Alertmanager's msteams receivers)
  "webhook.office.com/webhookb2/",
  // a container's credentials endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/<id>): the id fetches
  // the task role's credentials
  "/v2/credentials/",
  // (forty-ninth pass) domain verification tokens in DNS TXT records (a zone export, dig's answers): Google's and
  // others' <x>-site-verification= / <x>-domain-verification= / <x>-verification= (Docker's, Stripe's), the HTML meta
  // form sites commit (<meta name="google-site-verification" content="<token>">), Microsoft 365's MS=ms<digits>, SES's
  // (the _amazonses record's value, WorkMail's amazonses:<token>): each proves the domain to its service's account
  "-verification=",
  '-verification" content="',
  "MS=ms",
  "amazonses:",
  "_amazonses",
  // (fiftieth pass) the sender's hash SES puts in each message's Feedback-ID header (Feedback-ID: 1.<region>.<hash>=
  // :AmazonSES): one per sending account, it ties every mail to the account
  "Feedback-ID:",
  // (and its hash read back from its end, wherever the header stands: a mail API's {"name": "Feedback-ID", "value":
  // "..."}, a lower-case feedback-id:)
  "=:AmazonSES",
  // compressed data in base64 (gzip, zip: a CloudWatch Logs subscription's awslogs.data, Firehose records, a Lambda
  // package) cannot be scanned: masked whole, fail closed
  "H4sI",
  "UEsDB",
  // (forty-eighth pass) an instance's user data, always base64 where EC2 prints it (a launch template's UserData,
  // describe-instance-attribute --attribute userData, --user-data): a script (#!/), cloud-config, a PowerShell block
  // or a MIME multipart document, whose secrets (echo "DB_PASS=...") would leave unread
  // (#cloud-config and #cloud-boothook; "#! /bin/bash"; a MIME document that opens with MIME-Version, as EKS's
  // launch templates do; EC2Launch v2's "version: 1.0" YAML; a <script> block)
  "IyEv",
  "IyEg",
  "I2Nsb3Vk",
  "PHBvd2Vyc2hlbGw+",
  "PHNjcmlwdD4",
  "Q29udGVudC1UeXBlOiBt",
  "TUlNRS1WZXJzaW9u",
  "dmVyc2lvbjog",
  // an SQS message's receipt handle (AQEB...: whoever holds it deletes or hides the message), in --output text too
  "AQEB",
  // a KMS ciphertext (its header: version 1, then the key's reference; a CiphertextBlob anywhere, sops' kms[].enc)
  "AQIBAH",
  "AQICAH",
  "AQIDAH",
  // a PAN-OS secret as the firewall's configuration keeps it (<pre-shared-key><key>-AQ==<hash>=<ciphertext>: a VPN
  // tunnel's key, a local user's password; reversible with the device's master key)
  "-AQ==",
  // password hashes a database keeps or a pooler's auth file holds (pgbouncer's userlist.txt, pg_authid's rolpassword,
  // ALTER ROLE ... PASSWORD 'md5...'): a SCRAM verifier (salt, StoredKey, ServerKey: whoever holds them logs in to
  // a pooler that passes SCRAM through) and PostgreSQL's md5 hash ("md5" and 32 hex units, salted by the user name)
  "SCRAM-SHA-256$",
  "md5",
  // crypt(3) hashes (/etc/shadow, cloud-init's passwd, Junos' encrypted-password: MD5, bcrypt, SHA-256/512, yescrypt)
  // and network devices' secrets (Cisco's type 8 and 9, Junos' $9$: a pre-shared key or BGP key as `show
  // configuration` prints it, reversible)
  "$1$",
  "$2a$",
  "$2b$",
  "$2y$",
  "$5$",
  "$6$",
  "$8$",
  "$9$",
  "$y$",
  "$apr1$",
  // (fiftieth pass) a gossip encryption key as `consul keyring -list` prints it (<key> [<nodes>/<total>])
  "= [",
  // an iSCSI initiator's CHAP secret set with iscsiadm (--op update -n node.session.auth.password -v <secret>: Storage
  // Gateway's guide; also password_in, discovery.sendtargets.auth.password)
  ".auth.password",
  // an Ansible task's result (ok: [host] => {..., "value": "<secret>"}: an SSM parameter's lookup, shown with -v or debug)
  "] => {",
  // (and a loop's: ok: [host] => (item=x) => {...})
  ") => {",
  // a Consul agent's ACL tokens (acl { tokens { agent = "<uuid>" ... } }, "tokens": {"agent": ...}, HCL's
  // acl = { tokens = { ... } })
  "tokens {",
  '"tokens": {',
  '"tokens":{',
  "tokens = {",
  // a gossip encryption key given to a command (consul agent -encrypt <key>, consul keyring -install=<key>, -use=,
  // -remove=; nomad operator gossip keyring install <key>, use, remove): only in a gossip key's shape (gossipKey)
  "-encrypt ",
  "-install=",
  "-use=",
  "-remove=",
  "keyring install ",
  "keyring use ",
  "keyring remove ",
  // (fifty-second pass) a Jenkins pipeline's password parameter (parameters { password(name: 'X', defaultValue: 'y') }):
  // its default is the password the build runs with
  "password(",
  // (fifty-third pass) a quoted subscript's key before an assignment (Django's DATABASES["default"]["PASSWORD"] = "x",
  // Ruby's ENV["DB_PASSWORD"] = "x", PHP's $cfg['password'] = 'x'), read back from its closing bracket: subscriptSecret
  '"] = ',
  '"]=',
  "'] = ",
  "']=",
  // (fifty-third pass) a JWT library's call with its signing or verifying key as a string literal, the second argument
  // (PyJWT's jwt.encode(payload, key, algorithm=...) and jwt.decode(token, key, ...), jsonwebtoken's jwt.sign(payload,
  // secret) and jwt.verify(token, secret), ruby-jwt's JWT.encode / JWT.decode): jwtKeyArgument
  "jwt.encode(",
  "jwt.decode(",
  "jwt.sign(",
  "jwt.verify(",
  "JWT.encode(",
  "JWT.decode(",
  // (fifty-third pass) a secret scanner's match under its field's name, GitGuardian's incidents API ("matches":
  // [{"name": "password", "match": "x"}, ...]): matchedSecret
  '"match": "',
  '"match":"',
  // (fifty-second pass) a password's or an API key's label in the language of the text around it (German, French,
  // Spanish, Portuguese, Korean, Japanese, Chinese: "Passwort: x", "mot de passe : x", "Contrase\u00f1a: `x`", "senha do
  // certificado: x", Jira's "Kennwort {{x}}", "\ube44\ubc00\ubc88\ud638: x", "\u30d1\u30b9\u30ef\u30fc\u30c9\uff1ax"), and the
  // full-width ":" and "=" of CJK text after a credential's key in ASCII (REDIS_AUTH\uff1dx): localizedSecret
  "Passwort",
  "passwort",
  "Kennwort",
  "kennwort",
  "mot de passe",
  "Mot de passe",
  "Contrase\u00f1a",
  "contrase\u00f1a",
  "Senha",
  "senha",
  "API-Schl\u00fcssel",
  "\ube44\ubc00\ubc88\ud638",
  "\u30d1\u30b9\u30ef\u30fc\u30c9",
  "\u5bc6\u7801",
  "\u5bc6\u78bc",
  "\uff1a",
  "\uff1d",
];
// Where each group of CREDENTIAL_ANCHORS starts (anchoredCredentials dispatches on the index)
export const NETRC = CREDENTIAL_ANCHORS.indexOf("machine ");
const FIRST_PGPASS = NETRC + 1;
const FIRST_COMMAND = CREDENTIAL_ANCHORS.indexOf("mysql");
const FIRST_COOKIE = CREDENTIAL_ANCHORS.indexOf("Cookie: ");
const AB_COOKIE = CREDENTIAL_ANCHORS.indexOf(" -C ");

/** True when the spans of CREDENTIAL_ANCHORS[which] may be names (SPAN_IS_NAME): a .netrc entry's, a .pgpass line's, a command's. */
export function namesUsers(which: number): boolean {
  return which >= NETRC && which < FIRST_COOKIE;
}
const KEY_BLOCK = CREDENTIAL_ANCHORS.indexOf("PRIVATE KEY-----");
const FIRST_SETTING = CREDENTIAL_ANCHORS.indexOf("pre-shared");
const PSK_LINE = CREDENTIAL_ANCHORS.indexOf(": PSK");
const SQL_FIRST = CREDENTIAL_ANCHORS.indexOf(" password '");
const SQL_LAST = CREDENTIAL_ANCHORS.indexOf("IDENTIFIED BY '");
const SECURE_STRING = CREDENTIAL_ANCHORS.indexOf("SecureString");
const FIRST_PREFIX = CREDENTIAL_ANCHORS.indexOf("ghp_");
const STREAM_KEY = CREDENTIAL_ANCHORS.indexOf("sk_");
const FIRST_VERIFICATION = CREDENTIAL_ANCHORS.indexOf("-verification=");
const MS_VERIFICATION = CREDENTIAL_ANCHORS.indexOf("MS=ms");
const SES_VERIFICATION = CREDENTIAL_ANCHORS.indexOf("amazonses:");
const SES_FEEDBACK = CREDENTIAL_ANCHORS.indexOf("Feedback-ID:");
const FIRST_COMPRESSED = CREDENTIAL_ANCHORS.indexOf("H4sI");
const PANOS_SECRET = CREDENTIAL_ANCHORS.indexOf("-AQ==");
const SCRAM_VERIFIER = CREDENTIAL_ANCHORS.indexOf("SCRAM-SHA-256$");
const MD5_HASH = SCRAM_VERIFIER + 1;
const GOSSIP_LIST = CREDENTIAL_ANCHORS.indexOf("= [");
const ISCSI_PASSWORD = CREDENTIAL_ANCHORS.indexOf(".auth.password");
const ANSIBLE_RESULT = CREDENTIAL_ANCHORS.indexOf("] => {");
const GOSSIP_ARGUMENT = CREDENTIAL_ANCHORS.indexOf("-encrypt ");
const PASSWORD_PARAMETER = CREDENTIAL_ANCHORS.indexOf("password(");
const SUBSCRIPT_KEY = CREDENTIAL_ANCHORS.indexOf('"] = ');
const JWT_CALL = CREDENTIAL_ANCHORS.indexOf("jwt.encode(");
const MATCH_MEMBER = CREDENTIAL_ANCHORS.indexOf('"match": "');
/** The value a subscript's key names (subscriptSecret). */
const SUBSCRIPT_VALUE: Span = { s: 0, e: 0 };

/**
 * Whether s[a, b) is a credential the word matchers find by its shape with a kind of its own (a secret access key's 40
 * units, an IAM key id or unique id, A??A and 16 upper-case letters and digits; a PEM key by its header): an anchor
 * that reads it as a key's value leaves it to them.
 */
function shapedCredential(s: string, a: number, b: number): boolean {
  if (b - a === 40) return secretShapeEnd(s, a, b) === b;
  if (b - a === 20 && byteAt(s, a) === 65 && byteAt(s, a + 3) === 65)
    return ch.runOf(s, a, b, C_UPPER | C_DIGIT) === 20;
  return b - a > 10 && byteAt(s, a) === DASH && ch.matchesAt(s, a, a + 10, "-----BEGIN");
}

/**
 * The value assigned to a quoted subscript's key that names a credential (as anchoredCredentials: the anchor at p is
 * the key's closing quote, "]", and "=", `DATABASES["default"]["PASSWORD"] = "x"`; in JSON text the quotes escaped,
 * cfg[\"password\"] = \"x\"): the key is read back from its closing quote to its opening quote and "[" (at most 64
 * units), the value as a key's value after its "=" (credentialValueAfter: placeholders and code are none).
 */
function subscriptSecret(s: string, p: number, which: number, n: number, spans: number[], end: Span): number {
  end.e = p + CREDENTIAL_ANCHORS[which].length;
  const ke = p > 0 && byteAt(s, p - 1) === BACKSLASH ? p - 1 : p;
  let ks = ke;
  while (ks > 0 && ke - ks < 64 && isKeyUnit(byteAt(s, ks - 1))) ks--;
  let o = ks - 1;
  if (ks === ke || o < 1 || byteAt(s, o) !== byteAt(s, p)) return 0;
  if (byteAt(s, o - 1) === BACKSLASH && ke < p) o--;
  if (o < 1 || byteAt(s, o - 1) !== LBRACKET || credentialKeyCode(s, ks, ke) === CRED_NONE) return 0;
  if (!credentialValueAfter(s, p + 2, n, false, SUBSCRIPT_VALUE)) return 0;
  end.e = SUBSCRIPT_VALUE.e;
  if (shapedCredential(s, SUBSCRIPT_VALUE.s, SUBSCRIPT_VALUE.e)) return 0;
  spans[0] = SUBSCRIPT_VALUE.s;
  spans[1] = SUBSCRIPT_VALUE.e;
  return 1;
}

/**
 * Whether s[a, b) holds a "name" or a "type" member whose string names a credential's field ("name": "password", the
 * incidents API's; "type": "client_secret", the scan API's and ggshield's): the first of each.
 */
function namesCredentialField(s: string, a: number, b: number): boolean {
  const w = sub(s, a, b);
  for (let f = 0; f < 2; f++) {
    const at = w.indexOf(f === 0 ? '"name":' : '"type":');
    if (at < 0) continue;
    let k = a + at + 7;
    while (k < b && isBlank(byteAt(s, k))) k++;
    if (k >= b || byteAt(s, k) !== QUOTE) continue;
    let e = k + 1;
    while (e < b && isKeyUnit(byteAt(s, e))) e++;
    if (e > k + 1 && e < b && byteAt(s, e) === QUOTE && credentialKeyCode(s, k + 1, e) !== CRED_NONE) return true;
  }
  return false;
}

/**
 * The value of a "match" member at p (as anchoredCredentials) whose object names a credential's field, before it or
 * after it ({"name": "password", "match": "x"}: GitGuardian's incidents; {"match": "x", "type": "password"}: its scan
 * API's and ggshield's), the object's "{" at most 256 units back, its "}" at most 256 units on: the value as a key's
 * (credentialValueAfter).
 */
function matchedSecret(s: string, p: number, n: number, spans: number[], end: Span): number {
  end.e = p + 8;
  let open = p - 1;
  while (open > 0 && p - open < 256 && byteAt(s, open) !== LBRACE && byteAt(s, open) !== RBRACE) open--;
  if (open < 0 || byteAt(s, open) !== LBRACE) return 0;
  if (!credentialValueAfter(s, p + 6, n, false, SUBSCRIPT_VALUE)) return 0;
  const va = SUBSCRIPT_VALUE.s;
  const vb = SUBSCRIPT_VALUE.e;
  let close = vb;
  while (close < n && close - vb < 256 && byteAt(s, close) !== RBRACE && byteAt(s, close) !== LBRACE) close++;
  if (!namesCredentialField(s, open, p) && !(close < n && namesCredentialField(s, vb, close))) return 0;
  end.e = vb;
  // (the PEM's header stays)
  if (shapedCredential(s, va, vb)) return 0;
  spans[0] = va;
  spans[1] = vb;
  return 1;
}

/**
 * The key of a JWT library's call at p (as anchoredCredentials: "jwt.encode(" ...): its second argument when a string
 * literal, after the first (a name, a call, a literal: quotes passed whole, brackets counted) and its comma, within 512
 * units; not a method of a longer name (myjwt.encode), nor a key passed by name (a variable, an environment lookup).
 */
function jwtKeyArgument(s: string, p: number, which: number, n: number, spans: number[], end: Span): number {
  const a = p + CREDENTIAL_ANCHORS[which].length;
  end.e = a;
  if (p > 0 && isKeyUnit(byteAt(s, p - 1))) return 0;
  const limit = a + 512 < n ? a + 512 : n;
  let k = a;
  let depth = 0;
  while (k < limit) {
    const c = byteAt(s, k);
    if (c === QUOTE || c === APOS) {
      let q = k + 1;
      while (q < limit && byteAt(s, q) !== c && byteAt(s, q) !== LF) q++;
      if (q >= limit || byteAt(s, q) !== c) {
        end.e = q;
        return 0;
      }
      k = q + 1;
      continue;
    }
    if (c === LPAREN || c === LBRACKET || c === LBRACE) depth++;
    else if (c === RPAREN || c === RBRACKET || c === RBRACE) {
      if (depth === 0) break;
      depth--;
    } else if (c === COMMA && depth === 0) break;
    k++;
  }
  end.e = k;
  if (k >= limit || byteAt(s, k) !== COMMA || k === a) return 0;
  k++;
  while (k < limit && (isBlank(byteAt(s, k)) || byteAt(s, k) === LF || byteAt(s, k) === CR)) k++;
  const q0 = k < limit ? byteAt(s, k) : -1;
  if (q0 !== QUOTE && q0 !== APOS) return 0;
  let e = k + 1;
  while (e < n && e - k < MAX_VALUE && byteAt(s, e) !== q0 && byteAt(s, e) !== LF) e++;
  end.e = e;
  if (e >= n || byteAt(s, e) !== q0 || e === k + 1 || !plausibleCredential(s, k + 1, e, true, COLON)) return 0;
  spans[0] = k + 1;
  spans[1] = e;
  return 1;
}

/**
 * A Jenkins pipeline's password parameter at p ("password(", as anchoredCredentials): the quoted value of its
 * defaultValue argument, up to the call's ")" (its arguments may stand on lines of their own; quoted arguments passed
 * whole: a description may hold a parenthesis), at most 512 units on. Not a method's call (hash_password(x),
 * user.password()).
 */
function passwordParameter(s: string, p: number, n: number, spans: number[], end: Span): number {
  const a = p + 9;
  end.e = a;
  if (p > 0 && ((cls(byteAt(s, p - 1)) & C_ALNUM) !== 0 || byteAt(s, p - 1) === UNDERSCORE || byteAt(s, p - 1) === DOT))
    return 0;
  const limit = a + 512 < n ? a + 512 : n;
  let k = a;
  while (k < limit) {
    const c = byteAt(s, k);
    // (its arguments on lines of their own, as Jenkinsfiles often write them: the call's ")" ends it)
    if (c === RPAREN) break;
    if (c === APOS || c === QUOTE) {
      let q = k + 1;
      while (q < limit && byteAt(s, q) !== c && byteAt(s, q) !== LF) q++;
      if (q >= limit || byteAt(s, q) !== c) {
        // (an unclosed quote: what it walked is not read again by the next anchor)
        k = q;
        break;
      }
      k = q + 1;
      continue;
    }
    if (c === 100 && k + 12 <= limit && ch.matchesAt(s, k, k + 12, "defaultValue") && byteAt(s, k - 1) !== 46) {
      let v = k + 12;
      while (v < limit && isBlank(byteAt(s, v))) v++;
      if (v >= limit || (byteAt(s, v) !== COLON && byteAt(s, v) !== EQUALS)) break;
      v++;
      while (v < limit && isBlank(byteAt(s, v))) v++;
      const q0 = v < limit ? byteAt(s, v) : -1;
      if (q0 !== APOS && q0 !== QUOTE) break;
      let e = v + 1;
      while (e < limit && byteAt(s, e) !== q0 && byteAt(s, e) !== LF) e++;
      if (e >= limit || byteAt(s, e) !== q0) break;
      end.e = e;
      if (e === v + 1 || !plausibleCredential(s, v + 1, e, true, COLON)) return 0;
      spans[0] = v + 1;
      spans[1] = e;
      return 1;
    }
    k++;
  }
  end.e = k > a ? k : a;
  return 0;
}
const LOCALIZED_LABEL = CREDENTIAL_ANCHORS.indexOf("Passwort");
const FULL_WIDTH_COLON = CREDENTIAL_ANCHORS.indexOf("\uff1a");

/**
 * The secret after a password's or an API key's label in another language at p (CREDENTIAL_ANCHORS[which], as
 * anchoredCredentials): the label opens a word (no letter before it, ASCII or Latin), up to three words may qualify it
 * before a separator ("senha do certificado: x"), then blanks (no-break ones too: French writes "mot de passe : x"), ":"
 * or "=" (also full-width), blanks, and the value, bare or in Jira's {{...}}, backticks or quotes (without a separator
 * only so wrapped: "Kennwort {{x}}"). After a full-width ":" or "=", the key before it must name a credential
 * (REDIS_AUTH\uff1dx). The value is one token of 6-128 ASCII units with a letter and a digit or a symbol: prose after a
 * label ("Passwort: siehe Vault", "senha: a mesma de ontem") stays. Bounded: the qualifier by 48 units, the value by 128.
 */
const KEY_BEFORE: KeyToken = { start: 0, dashes: 0 };
function localizedSecret(s: string, p: number, which: number, n: number, spans: number[], end: Span): number {
  const lit = CREDENTIAL_ANCHORS[which];
  let k = p + lit.length;
  end.e = k;
  if (which >= FULL_WIDTH_COLON) {
    if (p === 0 || credentialKeyEndingAt(s, p, false, KEY_BEFORE) === CRED_NONE) return 0;
  } else {
    const before = p > 0 ? byteAt(s, p - 1) : SPACE;
    if ((cls(before) & C_ALNUM) !== 0 || ch.latinLetterBefore(s, p) > 0) return 0;
    // (a qualifier of up to three words before the separator: "senha do certificado:", "Passwort f\u00fcr root:")
    let q = k;
    let words = 0;
    while (words < 3 && q < n && q - k < 48 && byteAt(s, q) === SPACE) {
      let w = q + 1;
      while (
        w < n &&
        w - q < 24 &&
        ((cls(byteAt(s, w)) & (C_LOWER | C_UPPER)) !== 0 || ch.latinLetterBefore(s, w + 1) > 0)
      )
        w++;
      if (w === q + 1) break;
      words++;
      q = w;
      if (q < n && (byteAt(s, q) === COLON || ch.fullWidthAt(s, q, COLON) > 0)) {
        k = q;
        break;
      }
    }
    // (the label glued to a longer word: Passwortrichtlinie, Passwort-Authentifizierung)
    if (
      k < n &&
      ((cls(byteAt(s, k)) & (C_ALNUM | C_HIGH)) !== 0 || byteAt(s, k) === DASH) &&
      ch.blankUnitsAt(s, k) + ch.fullWidthAt(s, k, COLON) + ch.fullWidthAt(s, k, EQUALS) === 0
    )
      return 0;
  }
  let a = k;
  for (let blanks = 0; blanks < 3 && a < n; blanks++) {
    const u = ch.blankUnitsAt(s, a);
    if (u === 0) break;
    a += u;
  }
  let sep = 0;
  if (which >= FULL_WIDTH_COLON) sep = 1;
  else if (a < n && (byteAt(s, a) === COLON || byteAt(s, a) === EQUALS)) {
    sep = 1;
    a++;
  } else {
    const f = ch.fullWidthAt(s, a, COLON) + ch.fullWidthAt(s, a, EQUALS);
    if (f > 0) {
      sep = 1;
      a += f;
    }
  }
  for (let blanks = 0; blanks < 3 && a < n; blanks++) {
    const u = ch.blankUnitsAt(s, a);
    if (u === 0) break;
    a += u;
  }
  end.e = a > end.e ? a : end.e;
  // the value's wrapper: Jira's {{...}}, a code span, quotes
  let close = 0;
  if (a + 1 < n && byteAt(s, a) === LBRACE && byteAt(s, a + 1) === LBRACE) {
    close = RBRACE;
    a += 2;
  } else if (a < n && (byteAt(s, a) === BACKTICK || byteAt(s, a) === QUOTE || byteAt(s, a) === APOS)) {
    close = byteAt(s, a);
    a++;
  }
  if (sep === 0 && close === 0) return 0;
  let e = a;
  while (e < n && e - a < 128) {
    const c = byteAt(s, e);
    if (c <= SPACE || c >= 127 || c === close) break;
    e++;
  }
  if (close !== 0 && (e >= n || byteAt(s, e) !== close)) return 0;
  // (a sentence's punctuation after a bare value)
  if (close === 0)
    while (e > a && (byteAt(s, e - 1) === DOT || byteAt(s, e - 1) === COMMA || byteAt(s, e - 1) === SEMI)) e--;
  end.e = e > end.e ? e : end.e;
  if (e - a < 6 || e - a >= 128 || byteAt(s, a) === DOLLAR || byteAt(s, a) === LT || byteAt(s, a) === STAR) return 0;
  let letters = 0;
  let others = 0;
  for (let k2 = a; k2 < e; k2++) {
    if ((cls(byteAt(s, k2)) & (C_LOWER | C_UPPER)) !== 0) letters++;
    else others++;
  }
  if (letters === 0 || others === 0) return 0;
  SPAN_IS_NAME[0] = false;
  spans[0] = a;
  spans[1] = e;
  return 1;
}
/**
 * The gossip key given after the command's argument at p (as anchoredCredentials: CREDENTIAL_ANCHORS[which]), blanks
 * and a quote allowed before it: a token in a gossip key's shape (gossipKey) that ends there.
 */
function gossipArgument(s: string, p: number, which: number, n: number, spans: number[], end: Span): number {
  let a = p + CREDENTIAL_ANCHORS[which].length;
  while (a < n && a - p < 32 && byteAt(s, a) === SPACE) a++;
  if (a < n && (byteAt(s, a) === QUOTE || byteAt(s, a) === APOS)) a++;
  let b = a;
  while (b < n && b - a < 45 && (byteAt(s, b) === EQUALS || (cls(byteAt(s, b)) & C_B64) !== 0)) b++;
  end.e = b > p + 1 ? b : p + 1;
  if (!gossipKey(s, a, b) || (b < n && (cls(byteAt(s, b)) & C_B64) !== 0)) return 0;
  spans[0] = a;
  spans[1] = b;
  return 1;
}

/**
 * True when s[a, b) is built of words (OrdersTable2024Q1, AmazonLinux2, CustomerRegionSortKey2, Messages.Title2): half
 * of its units or more in runs of three lower-case letters or more with a vowel (a capital before them counted), as
 * names and identifiers are and generated secrets are not (about 3 % of random 16-unit base62 tokens are).
 */
export function wordBuilt(s: string, a: number, b: number): boolean {
  let covered = 0;
  let k = a;
  while (k < b) {
    const w = (cls(byteAt(s, k)) & C_UPPER) !== 0 ? k + 1 : k;
    let e = w;
    let vowel = false;
    while (e < b && (cls(byteAt(s, e)) & C_LOWER) !== 0) {
      const c = byteAt(s, e);
      if (c === 97 || c === 101 || c === 105 || c === 111 || c === 117 || c === 121) vowel = true;
      e++;
    }
    if (e - w >= 3 && vowel) covered += e - k;
    k = e > k ? e : k + 1;
  }
  return covered * 2 >= b - a;
}

/**
 * The "value" members of an Ansible task's result opening at p (as anchoredCredentials; up to the result's closing
 * brace, at most 4,096 units on): a value of one token of 8-128 units, upper and lower case and a digit or a
 * punctuation mark, no ":", "/" or "." (a generated password an SSM lookup returned; not a path, an ARN, a host, a
 * word, an id), and not built of words unless it holds a punctuation mark (AmazonLinux2, WebServer1: wordBuilt).
 */
function ansibleValues(s: string, p: number, n: number, spans: number[], end: Span): number {
  let k = p + 6;
  let count = 0;
  let depth = 1;
  while (k < n && k - p < 4096 && count < 8) {
    const c = byteAt(s, k);
    if (c === LBRACE) depth++;
    else if (c === RBRACE && --depth === 0) {
      k++;
      break;
    }
    if (c !== QUOTE || !ch.matchesAt(s, k, k + 8, '"value":')) {
      k++;
      continue;
    }
    k += 8;
    while (k < n && byteAt(s, k) === SPACE) k++;
    if (k >= n || byteAt(s, k) !== QUOTE) continue;
    const a = k + 1;
    let b = a;
    let classes = 0;
    while (b < n && b - a <= 128) {
      const c = byteAt(s, b);
      if (c === QUOTE || c <= SPACE || c >= 128 || c === COLON || c === SLASH || c === BACKSLASH || c === DOT) break;
      const f = cls(c) & C_ALNUM;
      classes |= f !== 0 ? f : c !== DASH && c !== DOT && c !== UNDERSCORE ? 8 : 0;
      b++;
    }
    k = b;
    if (b >= n || byteAt(s, b) !== QUOTE || b - a < 8 || b - a > 128) continue;
    if ((classes & C_UPPER) === 0 || (classes & C_LOWER) === 0 || (classes & (C_DIGIT | 8)) === 0) continue;
    if ((classes & 8) === 0 && wordBuilt(s, a, b)) continue;
    spans[2 * count] = a;
    spans[2 * count + 1] = b;
    SPAN_IS_NAME[count] = false;
    count++;
  }
  end.e = k;
  return count;
}

/**
 * The value iscsiadm sets for a CHAP password named at p (as anchoredCredentials): after the name (and "_in"), blanks,
 * then "-v" or "--value" and a blank or "=", the next token. A config line's `node.session.auth.password = x` is the
 * credential key's.
 */
function iscsiSecret(s: string, p: number, n: number, spans: number[], end: Span): number {
  let k = p + 14;
  if (k + 3 <= n && ch.matchesAt(s, k, k + 3, "_in")) k += 3;
  end.e = k;
  if (k >= n || (byteAt(s, k) !== SPACE && byteAt(s, k) !== TAB)) return 0;
  while (k < n && k - p < 32 && (byteAt(s, k) === SPACE || byteAt(s, k) === TAB)) k++;
  if (k + 3 < n && byteAt(s, k) === DASH && byteAt(s, k + 1) === LOWER_V && byteAt(s, k + 2) === SPACE) k += 3;
  else if (
    k + 8 < n &&
    ch.matchesAt(s, k, k + 7, "--value") &&
    (byteAt(s, k + 7) === SPACE || byteAt(s, k + 7) === EQUALS)
  )
    k += 8;
  else return 0;
  while (k < n && byteAt(s, k) === SPACE) k++;
  let q = 0;
  if (k < n && (byteAt(s, k) === QUOTE || byteAt(s, k) === APOS)) q = byteAt(s, k++);
  let b = k;
  while (b < n && b - k < 256 && (q !== 0 ? byteAt(s, b) !== q && byteAt(s, b) !== LF : byteAt(s, b) > SPACE)) b++;
  end.e = b;
  // (ASCII only, so that its length is the same in Node and Lua: a CHAP secret is 12-16 ASCII units)
  for (let x = k; x < b; x++) if (byteAt(s, x) >= 128) return 0;
  if (b - k < 2 || !plausibleCredential(s, k, b, q !== 0, -1)) return 0;
  spans[0] = k;
  spans[1] = b;
  return 1;
}
const ACL_TOKENS = CREDENTIAL_ANCHORS.indexOf("tokens {");
// the tokens a Consul agent's acl.tokens block names (Consul's agent configuration reference)
const CONSUL_TOKENS = ch.wordSet(
  "agent default initial_management agent_recovery replication config_file_service_registration dns master agent_master",
);

/**
 * The values of a Consul agent's acl.tokens block opening at p (as anchoredCredentials): each member named as Consul
 * names its tokens (CONSUL_TOKENS), `agent = "<token>"` (HCL) or `"agent": "<token>"` (JSON), up to the block's "}"
 * (at most 1,024 units on); the block an `acl` block's (aclBefore), else a value in a token's shape (a UUID): design
 * tokens' `"tokens": {"default": ...}` stay. ASCII values only (the same length in Node and Lua).
 */
function aclTokens(s: string, p: number, which: number, n: number, spans: number[], end: Span): number {
  let k = p + CREDENTIAL_ANCHORS[which].length;
  let count = 0;
  const acl = aclBefore(s, p);
  while (k < n && k - p < 1024 && byteAt(s, k) !== RBRACE && count < 8) {
    const c = byteAt(s, k);
    if (c !== EQUALS && c !== COLON) {
      k++;
      continue;
    }
    // the member's name before the separator (its quote, then blanks)
    let e = k;
    while (e > p && (byteAt(s, e - 1) === SPACE || byteAt(s, e - 1) === QUOTE)) e--;
    let a = e;
    while (a > p && e - a < 40 && ((cls(byteAt(s, a - 1)) & C_LOWER) !== 0 || byteAt(s, a - 1) === UNDERSCORE)) a--;
    let v = k + 1;
    while (v < n && byteAt(s, v) === SPACE) v++;
    k = v;
    if (v >= n || byteAt(s, v) !== QUOTE || CONSUL_TOKENS[sub(s, a, e)] !== true) continue;
    let b = v + 1;
    while (b < n && b - v < 256 && byteAt(s, b) !== QUOTE && byteAt(s, b) !== LF && byteAt(s, b) < 128) b++;
    if (
      b < n &&
      byteAt(s, b) === QUOTE &&
      b - v - 1 >= 8 &&
      (acl || (b - v - 1 === 36 && ch.uuidEnd(s, v + 1, b, true) === b)) &&
      plausibleCredential(s, v + 1, b, true, QUOTE)
    ) {
      spans[2 * count] = v + 1;
      spans[2 * count + 1] = b;
      SPAN_IS_NAME[count] = false;
      count++;
    }
    k = b;
  }
  end.e = k > p + 1 ? k : p + 1;
  return count;
}

/** Where the last walk of aclBefore started, in this scan: a walk never goes back past it (linear on runs of blocks). */
const ACL_FLOOR = { at: -1, found: false };

/**
 * True when the block opening at p is inside an `acl` block: the word acl (acl {, acl = {, "acl": {) within the 512
 * units before it, not past the previous walk's start.
 */
function aclBefore(s: string, p: number): boolean {
  // (a walk that reaches the previous one's start takes its answer: the blocks of one acl block)
  const near = ACL_FLOOR.at >= 0 && ACL_FLOOR.at < p && p - ACL_FLOOR.at < 512;
  const floor = near ? ACL_FLOOR.at : p - 512;
  let found = false;
  for (let k = p - 3; k >= 0 && k >= floor && !found; k--)
    found =
      lowerCode(byteAt(s, k)) === 97 &&
      ch.matchesLowerAt(s, k, k + 3, "acl") &&
      (k === 0 || (cls(byteAt(s, k - 1)) & C_ALNUM) === 0) &&
      (cls(byteAt(s, k + 3)) & C_ALNUM) === 0 &&
      byteAt(s, k + 3) !== UNDERSCORE &&
      byteAt(s, k + 3) !== DASH;
  found = found || (near && ACL_FLOOR.found);
  ACL_FLOOR.at = p;
  ACL_FLOOR.found = found;
  return found;
}
/** Fewest base64 units of compressed data (a gzip member's header and trailer alone take 24). */
const COMPRESSED_MIN = 24;
/** Fewest units after a token prefix (the shortest documented token is GitLab's 20). */
const PREFIXED_MIN = 16;
const TILDE = 126;

/**
 * The credentials after CREDENTIAL_ANCHORS[which], found at p: their spans as [start, end) pairs in spans, their
 * number returned; where the look ended in end.e, from which the caller searches on (every unit is looked at once
 * per anchor).
 */
export function anchoredCredentials(
  s: string,
  p: number,
  which: number,
  n: number,
  spans: number[],
  end: Span,
): number {
  if (which === PASSWORD_PARAMETER) return passwordParameter(s, p, n, spans, end);
  if (which >= MATCH_MEMBER && which < LOCALIZED_LABEL) return matchedSecret(s, p, n, spans, end);
  if (which >= SUBSCRIPT_KEY && which < LOCALIZED_LABEL)
    return which >= JWT_CALL ? jwtKeyArgument(s, p, which, n, spans, end) : subscriptSecret(s, p, which, n, spans, end);
  if (which >= LOCALIZED_LABEL) return localizedSecret(s, p, which, n, spans, end);
  if (which >= GOSSIP_ARGUMENT) return gossipArgument(s, p, which, n, spans, end);
  if (which >= ACL_TOKENS) return aclTokens(s, p, which, n, spans, end);
  if (which === ISCSI_PASSWORD) return iscsiSecret(s, p, n, spans, end);
  if (which === ANSIBLE_RESULT || which === ANSIBLE_RESULT + 1) return ansibleValues(s, p, n, spans, end);
  if (which === GOSSIP_LIST) {
    // (the key's units back from its padding, then "[<digits>/<digits>]")
    end.e = p + 3;
    let k = p + 3;
    while (k < n && k - p < 8 && (cls(byteAt(s, k)) & C_DIGIT) !== 0) k++;
    if (k === p + 3 || k >= n || byteAt(s, k) !== SLASH) return 0;
    const d = k + 1;
    k++;
    while (k < n && k - p < 16 && (cls(byteAt(s, k)) & C_DIGIT) !== 0) k++;
    if (k === d || k >= n || byteAt(s, k) !== RBRACKET) return 0;
    let a = p;
    while (a > 0 && p - a < 44 && (byteAt(s, a - 1) === EQUALS || (cls(byteAt(s, a - 1)) & C_B64) !== 0)) a--;
    if (!gossipKey(s, a, p + 1) || (a > 0 && byteAt(s, a - 1) > SPACE)) return 0;
    spans[0] = a;
    spans[1] = p + 1;
    return 1;
  }
  if (which >= SCRAM_VERIFIER) return passwordHash(s, p, which, n, spans, end);
  if (which >= FIRST_COMPRESSED) {
    // (PAN-OS': its hash's base64 and its padding, then the ciphertext's)
    let e = which === PANOS_SECRET ? base64RunEnd(s, p + 5, n, 20) : base64RunEnd(s, p, n, COMPRESSED_MIN);
    if (which === PANOS_SECRET && e > 0 && e < n && (cls(byteAt(s, e)) & C_B64) !== 0) e = base64RunEnd(s, e, n, 4);
    // (wrapped at 76 or 64 units, as base64(1) and PEM write it: the lines of the same width after, and a shorter last)
    else if (e > 0 && (e - p === 76 || e - p === 64)) e = wrappedBase64End(s, e, e - p, n);
    end.e = e > 0 ? e : p + 4;
    if (e < 0) return 0;
    spans[0] = p;
    spans[1] = e;
    return 1;
  }
  if (which === STREAM_KEY && (ch.matchesAt(s, p + 3, n, "live_") || ch.matchesAt(s, p + 3, n, "test_"))) {
    end.e = p + 3;
    return 0;
  }
  if (which >= FIRST_VERIFICATION) return verificationToken(s, p, which, n, spans, end);
  if (which >= FIRST_PREFIX) return prefixedToken(s, p, p + CREDENTIAL_ANCHORS[which].length, n, spans, end);
  if (which === SECURE_STRING) return secureStringValue(s, p, n, spans, end);
  if (which >= FIRST_SETTING) return presharedKey(s, p, which, n, spans, end);
  if (which === KEY_BLOCK) return keyBlockBody(s, p + CREDENTIAL_ANCHORS[which].length, n, spans, end);
  if (which >= FIRST_COOKIE) {
    const lit = CREDENTIAL_ANCHORS[which];
    let a = p + lit.length;
    end.e = a;
    if (which >= AB_COOKIE && !abCommandBefore(s, p)) return 0;
    // (a member's or an argument's value: its opening quote; review of the fifty-third pass)
    const last = byteAt(lit, lit.length - 1);
    if (last === COMMA || last === COLON || last === SPACE) {
      while (a < n && a - p < 32 && isBlank(byteAt(s, a))) a++;
      const q = a < n ? byteAt(s, a) : -1;
      if (q === QUOTE || q === APOS) a++;
      else if (last !== SPACE) return 0;
    }
    return cookieValues(s, a, n, spans, end);
  }
  if (which >= FIRST_COMMAND) return commandPasswords(s, p, which, n, spans, end);
  if (which === NETRC) return netrcSecrets(s, p, n, spans, end);
  if (which >= FIRST_PGPASS) return pgpassPassword(s, p, n, spans, end);
  let a = p + CREDENTIAL_ANCHORS[which].length;
  // (an SMTP challenge's answer: the next line)
  if (byteAt(s, p) === 51) {
    if (a < n && byteAt(s, a) === CR) a++;
    if (a >= n || byteAt(s, a) !== LF) {
      end.e = a;
      return 0;
    }
    a++;
    // (a transcript's mark of the client's line: swaks' " ~> ", curl -v's "> ", "C: ")
    while (a < n && a - p < 64 && isBlank(byteAt(s, a))) a++;
    if (a + 1 < n && byteAt(s, a) === TILDE && byteAt(s, a + 1) === 62) a += 2;
    else if (a < n && byteAt(s, a) === 62) a++;
    else if (a + 1 < n && byteAt(s, a) === 67 && byteAt(s, a + 1) === COLON) a += 2;
    while (a < n && a - p < 64 && isBlank(byteAt(s, a))) a++;
  }
  // (a vendor's scheme takes its UUID only, and the UUID alone: "Splunk Enterprise", "Splunk UniversalForwarder" are
  // prose, and a sentence's full stop or a path after the token is none of it)
  const v = byteAt(s, p);
  const u = v === 83 || v === 71 ? ch.uuidEnd(s, a, n, true) : 0;
  let e = u < 0 ? -1 : authCredentialEnd(s, p, a, n);
  if (u > 0 && e > 0) e = u;
  end.e = e > 0 ? e : a;
  if (e < 0) return 0;
  spans[0] = a;
  spans[1] = e;
  return 1;
}

/**
 * A password hash at p, after CREDENTIAL_ANCHORS[which] (as anchoredCredentials): a SCRAM verifier's
 * <iterations>:<salt>$<StoredKey>:<ServerKey> (base64 units, ":" and "$", 40 or more), the 32 hex units after "md5"
 * that end there (a checksum's "md5sum", "md5: <hex>" are no such token), a crypt hash's salt and hash (./0-9A-Za-z and rounds=,
 * "$" between them; a Junos $9$ secret also "-"; 10 or more with a letter: awk's "$1$2$3" is none); none when the anchor
 * is glued to a word before it.
 */
function passwordHash(s: string, p: number, which: number, n: number, spans: number[], end: Span): number {
  const a = p + CREDENTIAL_ANCHORS[which].length;
  end.e = a;
  if (p > 0 && (cls(byteAt(s, p - 1)) & C_ALNUM) !== 0) return 0;
  let e = a;
  if (which === MD5_HASH) {
    e = ch.hexRunEnd(s, a);
    if (e - a !== 32 || (e < n && (cls(byteAt(s, e)) & C_ALNUM) !== 0)) return 0;
  } else if (which === SCRAM_VERIFIER) {
    while (e < n && e - a < 512) {
      const c = byteAt(s, e);
      if (c < 256 && ((cls(c) & C_B64) !== 0 || c === COLON || c === DOLLAR || c === EQUALS)) e++;
      else break;
    }
    if (e - a < 40) return 0;
  } else {
    let letters = 0;
    while (e < n && e - a < 512) {
      const c = byteAt(s, e);
      if (c >= 256) break;
      const f = cls(c);
      if ((f & (C_UPPER | C_LOWER)) !== 0) letters++;
      else if ((f & C_DIGIT) === 0 && c !== DOT && c !== SLASH && c !== DOLLAR && c !== DASH && c !== EQUALS) break;
      e++;
    }
    if (e - a < 10 || letters === 0) return 0;
  }
  end.e = e;
  spans[0] = a;
  spans[1] = e;
  return 1;
}

/**
 * End of the credentials after an authentication scheme that starts at p and ends at a (token68: A-Za-z0-9 - . _ ~ + /,
 * then "=" padding); -1 when the scheme is glued to a word before it, or what follows is no credential: shorter than
 * 12 units, or without a digit or mixed case (prose and placeholders: "Bearer tokens", "Basic authentication",
 * "Bearer YOUR_API_KEY", "Bearer $TOKEN").
 */
function authCredentialEnd(s: string, p: number, a: number, n: number): number {
  if (p > 0 && (cls(byteAt(s, p - 1)) & C_ALNUM) !== 0) return -1;
  let upper = 0;
  let lower = 0;
  let digit = 0;
  let b = a;
  while (b < n && b - a < MAX_VALUE) {
    const c = byteAt(s, b);
    if (c >= 256) break;
    const f = cls(c);
    if ((f & C_UPPER) !== 0) upper++;
    else if ((f & C_LOWER) !== 0) lower++;
    else if ((f & C_DIGIT) !== 0) digit++;
    else if (c !== DASH && c !== DOT && c !== UNDERSCORE && c !== TILDE && c !== PLUS && c !== SLASH) break;
    b++;
  }
  while (b < n && b - a < MAX_VALUE && byteAt(s, b) === EQUALS) b++;
  if (b - a < 12 || (digit === 0 && (upper === 0 || lower === 0))) return -1;
  return b;
}

/**
 * Which spans of a .netrc entry, a .pgpass line or a command (anchoredCredentials at NETRC, FIRST_PGPASS or a
 * command's) are names rather than secrets (a .netrc login, a .pgpass line's database and user, `mysql -u <user>`, the
 * user of `curl -u <user>:<password>`).
 */
export const SPAN_IS_NAME: boolean[] = [];

/** Longest .netrc entry read after its "machine". */
const NETRC_MAX = 1024;

/**
 * The login, password and account of .netrc entries from the "machine" at p on (as anchoredCredentials; a login is
 * marked in SPAN_IS_NAME): tokens split at blanks and line ends, keyword-value pairs after the host (login, password,
 * account; "default" opens an entry without a host); anything else ends them, so prose ("the machine running it")
 * yields nothing.
 */
function netrcSecrets(s: string, p: number, n: number, spans: number[], end: Span): number {
  let k = p + 8;
  end.e = k;
  if (p > 0 && !isBlank(byteAt(s, p - 1)) && byteAt(s, p - 1) !== LF) return 0;
  const limit = p + NETRC_MAX < n ? p + NETRC_MAX : n;
  let count = 0;
  // 0 the host is next, 1 a keyword, 2 a login's value, 3 a secret's value
  let state = 0;
  // a host without a dot (machine learning) is taken when its keywords start the next lines
  let hostLike = false;
  while (k < limit) {
    const c = byteAt(s, k);
    if (isBlank(c) || c === LF || c === CR) {
      if (c === LF) hostLike = true;
      k++;
      continue;
    }
    const a = k;
    while (k < limit && !isBlank(byteAt(s, k)) && byteAt(s, k) !== LF && byteAt(s, k) !== CR) {
      if (state === 0 && byteAt(s, k) === DOT) hostLike = true;
      k++;
    }
    if (state === 1 && !hostLike) break;
    if (state === 1) {
      const w = sub(s, a, k);
      if (w === "login") state = 2;
      else if (w === "default") state = 1;
      else if (w === "password" || w === "account") state = 3;
      else {
        k = a; // (the next entry's "machine" is searched from here)
        break;
      }
      continue;
    }
    if (state >= 2 && plausibleCredential(s, a, k, true, -1)) {
      spans[2 * count] = a;
      spans[2 * count + 1] = k;
      SPAN_IS_NAME[count] = state === 2;
      count++;
    }
    state = 1;
  }
  end.e = k;
  return count;
}

/**
 * The password of a .pgpass line (host:port:database:user:password, PostgreSQL's libpq docs) whose port field starts
 * after the ":" at p (as anchoredCredentials): the last field, to the line's end (a ":" in it is escaped as \:). Every
 * field is one token; the host is no number (a time of day: 12:30:00:...), the user has a letter or is "*".
 */
function pgpassPassword(s: string, p: number, n: number, spans: number[], end: Span): number {
  let ls = p;
  while (ls > 0 && p - ls < 256 && byteAt(s, ls - 1) !== LF) ls--;
  let le = p + 1;
  while (le < n && le - p < 512 && byteAt(s, le) !== LF) le++;
  end.e = le;
  if (le - p >= 512 || p - ls >= 256) return 0;
  while (ls < p && isBlank(byteAt(s, ls))) ls++;
  let e = le;
  if (e > p && byteAt(s, e - 1) === CR) e--;
  // the fields after the host: port, database, user, password
  let host = false;
  for (let k = ls; k < p; k++) {
    const c = byteAt(s, k);
    if (isBlank(c) || c === COLON) return 0;
    if ((cls(c) & C_DIGIT) === 0) host = true;
  }
  if (!host) return 0;
  const cut: number[] = [p, 0, 0, 0];
  let f = 1;
  for (let k = p + 1; k < e && f < 4; k++) {
    const c = byteAt(s, k);
    if (isBlank(c)) return 0;
    if (c === BACKSLASH) k++;
    else if (c === COLON) cut[f++] = k;
  }
  if (f < 4) return 0;
  const a = cut[3] + 1;
  for (let k = cut[0] + 1; k < cut[1]; k++) if ((cls(byteAt(s, k)) & C_DIGIT) === 0 && byteAt(s, k) !== 42) return 0;
  let letter = byteAt(s, cut[2] + 1) === 42 && cut[3] === cut[2] + 2;
  for (let k = cut[2] + 1; k < cut[3] && !letter; k++) letter = (cls(byteAt(s, k)) & (C_LOWER | C_UPPER)) !== 0;
  if (!letter || cut[1] === cut[0] + 1 || cut[2] === cut[1] + 1 || a >= e || e - a > 256) return 0;
  for (let k = a; k < e; k++) if (isBlank(byteAt(s, k))) return 0;
  if (!plausibleCredential(s, a, e, true, -1)) return 0;
  // the database and the user too, names (SPAN_IS_NAME), unless "*" (any)
  let count = 0;
  for (let f2 = 1; f2 < 3; f2++) {
    const fa = cut[f2] + 1;
    const fb = cut[f2 + 1];
    if (fb > fa && !(fb === fa + 1 && byteAt(s, fa) === 42)) {
      spans[2 * count] = fa;
      spans[2 * count + 1] = fb;
      SPAN_IS_NAME[count] = true;
      count++;
    }
  }
  spans[2 * count] = a;
  spans[2 * count + 1] = e;
  SPAN_IS_NAME[count] = false;
  return count + 1;
}

/**
 * The token after a prefix found at p and ending at a (ghp_..., xoxb-..., sk_live_...), as anchoredCredentials: its
 * units A-Za-z0-9 _ - up to MAX_VALUE, at least PREFIXED_MIN of them with a digit; none when the prefix is glued to a
 * word before it (a longer identifier holding the prefix).
 */
function prefixedToken(s: string, p: number, a: number, n: number, spans: number[], end: Span): number {
  // a webhook's path (its prefix ends with "/") holds slashes; a Pulumi secret (its prefix opens with "secure") is
  // base64, its parts joined by ":"
  const path = byteAt(s, a - 1) === SLASH;
  // (so is hiera-eyaml's, its prefix ends with ","; base64 that may hold no digit)
  const eyaml = byteAt(s, a - 1) === COMMA;
  const pulumi = eyaml || (byteAt(s, p) === 115 ? ch.matchesAt(s, p, a, "secure") : ch.matchesAt(s, p, a, '"secure"'));
  let b = a;
  let digits = 0;
  while (b < n && b - a < MAX_VALUE) {
    const c = byteAt(s, b);
    if (c >= 256) break;
    const f = cls(c);
    if ((f & C_DIGIT) !== 0) digits++;
    else if (eyaml && (c === LF || c === CR || c === SPACE || c === TAB)) {
      // (eyaml's block form wraps the ciphertext on indented lines up to its "]": a next line of base64 alone)
      let k = b + 1;
      while (k < n && k - b < 64 && (byteAt(s, k) === LF || byteAt(s, k) === CR || isBlank(byteAt(s, k)))) k++;
      let r = k;
      while (r < n && r - b < MAX_VALUE && (byteAt(s, r) === 61 || (cls(byteAt(s, r)) & C_B64) !== 0)) r++;
      if (r === k || r >= n || (byteAt(s, r) !== RBRACKET && byteAt(s, r) !== LF && byteAt(s, r) !== CR)) break;
      b = k;
      continue;
    } else if (
      (f & C_ALNUM) === 0 &&
      c !== UNDERSCORE &&
      c !== DASH &&
      !(path && (c === SLASH || c === 64)) &&
      !(pulumi && (c === COLON || c === SLASH || c === 43 || c === 61))
    )
      break;
    b++;
  }
  end.e = b;
  if (p > 0) {
    const c = byteAt(s, p - 1);
    if (c < 256 && ((cls(c) & C_ALNUM) !== 0 || c === UNDERSCORE || c === DASH)) return 0;
  }
  // (an AppSync key is 26 units of a-z0-9 and may hold no digit)
  const appSyncKey = b - a === 26 && byteAt(s, p) === 100 && byteAt(s, p + 2) === 50 && byteAt(s, p + 3) === DASH;
  if (b - a < PREFIXED_MIN || (digits === 0 && !appSyncKey && !eyaml)) return 0;
  // (a Stripe account's id, after "acct_", the one prefix opening with "a" and "_" fifth: letters and digits of both
  // cases; acct_balance_total_2024 is a name)
  if (byteAt(s, p) === 97 && byteAt(s, p + 4) === UNDERSCORE && !ch.mixedCaseToken(s, a, b)) return 0;
  // (an FCM token's app instance id before its ":APA91b" names the device as well)
  let q = p - 1;
  if (q > 0 && byteAt(s, q) === COLON && byteAt(s, p) === 65 && byteAt(s, p + 3) === 57) {
    while (q > 0 && p - q <= 64) {
      const c = byteAt(s, q - 1);
      if (c >= 256 || ((cls(c) & C_ALNUM) === 0 && c !== UNDERSCORE && c !== DASH)) break;
      q--;
    }
    if (p - 1 - q >= 11) {
      spans[0] = q;
      spans[1] = p - 1;
      spans[2] = a;
      spans[3] = b;
      return 2;
    }
  }
  spans[0] = a;
  spans[1] = b;
  return 1;
}

/**
 * A domain verification token after CREDENTIAL_ANCHORS[which] at p, as anchoredCredentials: after
 * <x>-site-verification= or <x>-domain-verification= (a word before the anchor) 16 units or more of A-Za-z0-9 _ -
 * (base64url); after MS=ms 6-12 digits (MS= and ms stay); after amazonses: a base64 run of 40 units or more; the
 * quoted base64 value of an _amazonses record's TXT, on the same line within 128 units.
 */
function verificationToken(s: string, p: number, which: number, n: number, spans: number[], end: Span): number {
  const a = p + CREDENTIAL_ANCHORS[which].length;
  end.e = a;
  let b = a;
  if (which === MS_VERIFICATION) {
    if (p > 0 && (cls(byteAt(s, p - 1)) & C_ALNUM) !== 0) return 0;
    while (b < n && b - a < 13 && (cls(byteAt(s, b)) & C_DIGIT) !== 0) b++;
    if (b - a < 6 || b - a > 12 || (b < n && (cls(byteAt(s, b)) & C_ALNUM) !== 0)) return 0;
  } else if (which === SES_VERIFICATION) {
    b = base64RunEnd(s, a, n, 40);
    if (b < 0) return 0;
  } else if (which === SES_FEEDBACK) {
    // (after the blanks, its version's digits and the region's name, each before a "."; then the hash and :AmazonSES)
    let k = a;
    while (k < n && k - a < 8 && isBlank(byteAt(s, k))) k++;
    for (let part = 0; part < 2; part++) {
      const f = k;
      while (k < n && k - f < 24 && ((cls(byteAt(s, k)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, k) === DASH)) k++;
      if (k === f || k >= n || byteAt(s, k) !== DOT) return 0;
      k++;
    }
    b = base64RunEnd(s, k, n, 16);
    if (b < 0 || !ch.matchesAt(s, b, n, ":AmazonSES")) return 0;
    spans[0] = k;
    spans[1] = b;
    end.e = b;
    return 1;
  } else if (which === SES_FEEDBACK + 1) {
    // (the hash's base64 before its "=" at p, after <version>.<region>.)
    end.e = a;
    let h = p;
    while (h > 0 && p - h < 64 && (cls(byteAt(s, h - 1)) & C_B64) !== 0) h--;
    if (p - h < 16 || h < 4 || byteAt(s, h - 1) !== DOT) return 0;
    let k = h - 1;
    while (
      k > 0 &&
      h - 1 - k < 24 &&
      ((cls(byteAt(s, k - 1)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, k - 1) === DASH)
    )
      k--;
    if (k === h - 1 || k < 2 || byteAt(s, k - 1) !== DOT || (cls(byteAt(s, k - 2)) & C_DIGIT) === 0) return 0;
    spans[0] = h;
    spans[1] = p + 1;
    return 1;
  } else if (which > SES_VERIFICATION) {
    // (_amazonses[.<domain>.] <ttl> IN TXT "<token>": the record's name, then its first quote)
    if (a < n && (cls(byteAt(s, a)) & C_ALNUM) !== 0) return 0;
    let q = a;
    while (q < n && q - a < 128 && byteAt(s, q) !== 34 && byteAt(s, q) !== 10) q++;
    b = q < n && byteAt(s, q) === 34 ? base64RunEnd(s, q + 1, n, 40) : -1;
    // (or the record's value lines later: Route 53's JSON, "Value": "\"<token>\"", Terraform's records = ["<token>"])
    if (b < 0) q = sesRecordValue(s, a, n);
    if (q >= 0 && b < 0) b = base64RunEnd(s, q + 1, n, 40);
    if (q < 0 || b < 0 || b >= n || (byteAt(s, b) !== 34 && byteAt(s, b) !== 92)) return 0;
    spans[0] = q + 1;
    spans[1] = b;
    end.e = b;
    return 1;
  } else {
    if (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0) return 0;
    while (b < n && b - a < MAX_VALUE) {
      const c = byteAt(s, b);
      if (c >= 256 || ((cls(c) & C_ALNUM) === 0 && c !== UNDERSCORE && c !== DASH)) break;
      b++;
    }
    if (b - a < PREFIXED_MIN) return 0;
  }
  spans[0] = a;
  spans[1] = b;
  end.e = b;
  return 1;
}

/**
 * The quote before an _amazonses record's value after its name (at a): Route 53's JSON's `"Value": "\"` (the quote
 * after the backslash) or Terraform's `records = ["`, within 512 units and before the next record's "Name" or
 * _amazonses; or -1.
 */
function sesRecordValue(s: string, a: number, n: number): number {
  for (let k = a; k + 2 < n && k - a < 512; k++) {
    const c = byteAt(s, k);
    if (c === 78 && ch.matchesAt(s, k, n, 'Name"')) return -1;
    if (c === 95 && ch.matchesAt(s, k, n, "_amazonses")) return -1;
    if (c === 91 && byteAt(s, k + 1) === 34) return k + 1;
    if (c === 34 && byteAt(s, k + 1) === 92 && byteAt(s, k + 2) === 34) return k + 2;
  }
  return -1;
}

/** Units a password holds and a name, path, host, time or URL of a CLI cell does not. */
const PASSWORD_SYMBOL = ch.unitSet([33, 35, 36, 37, 38, 42, 63, 64, 94, 126]); // ! # $ % & * ? @ ^ ~

/**
 * A cell of CLI output that is a password rather than a name (an --output text row of a function's environment
 * variables: `Tr0ub4dor&3xyzzy`): 8-128 units without a blank, "/", ":" or ".", a letter, a digit and one of
 * ! # $ % & * ? @ ^ ~.
 */
export function passwordCell(s: string, a: number, b: number): boolean {
  if (b - a < 8 || b - a > 128) return false;
  let letter = false;
  let digit = false;
  let symbol = false;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    if (c >= 256 || isBlank(c) || c === SLASH || c === COLON || c === DOT) return false;
    const f = cls(c);
    if ((f & (C_LOWER | C_UPPER)) !== 0) letter = true;
    else if ((f & C_DIGIT) !== 0) digit = true;
    else if (PASSWORD_SYMBOL[c] === true) symbol = true;
  }
  return letter && digit && symbol;
}

/** Words between a pre-shared key's setting and its value (Cisco, Juniper, Palo Alto, FortiGate). */
const PSK_KEYWORDS: Record<string, boolean> = {
  address: true,
  key: true,
  "ascii-text": true,
  hexadecimal: true,
  ENC: true,
};
/** Longest stretch after a setting looked at for its value. */
const SETTING_MAX = 512;

/**
 * The pre-shared key after CREDENTIAL_ANCHORS[which] found at p (as anchoredCredentials): the first word on the line
 * that is no keyword or address. After a keyword, a ":" or "=" (or after `: PSK`, `psksecret`) any value is the key;
 * a word right after "pre-shared key" is one only with a digit, a symbol or mixed case (prose: "the pre-shared key
 * for tunnel 1").
 */
function presharedKey(s: string, p: number, which: number, n: number, spans: number[], end: Span): number {
  // (SQL's password: from its opening quote)
  const sql = which >= SQL_FIRST && which <= SQL_LAST;
  let k = p + CREDENTIAL_ANCHORS[which].length - (sql ? 1 : 0);
  end.e = k;
  let said = which >= PSK_LINE;
  if (!said) {
    // pre-shared-key, pre-shared key, Pre-Shared Key: the key word after the anchor
    if (k < n && (byteAt(s, k) === DASH || byteAt(s, k) === SPACE || byteAt(s, k) === UNDERSCORE)) k++;
    if (!ch.matchesLowerAt(s, k, n, "key")) return 0;
    k += 3;
    if (k < n && (cls(byteAt(s, k)) & C_ALNUM) !== 0) return 0;
  } else if (k < n && !isBlank(byteAt(s, k)) && !sql) {
    return 0;
  }
  const limit = k + SETTING_MAX < n ? k + SETTING_MAX : n;
  for (let words = 0; k < limit && words < 6; words++) {
    let c = byteAt(s, k);
    while (k < limit && (isBlank(c) || c === COLON || c === EQUALS)) {
      if (c !== SPACE && c !== TAB) said = true;
      k++;
      c = byteAt(s, k);
    }
    if (k >= limit || c === LF || c === CR) break;
    let a = k;
    const quote = c === QUOTE || c === APOS ? c : 0;
    if (quote !== 0) a++;
    // (the value itself up to MAX_VALUE, as every credential reader takes it: a long one is masked up to there)
    const vlimit = a + MAX_VALUE < n ? a + MAX_VALUE : n;
    let b = a;
    while (b < vlimit) {
      const u = byteAt(s, b);
      if (u === LF || u === CR || (quote === 0 ? isBlank(u) : u === quote)) break;
      b++;
    }
    k = quote !== 0 && b < vlimit && byteAt(s, b) === quote ? b + 1 : b;
    end.e = k;
    if (quote === 0 && b - a <= 12 && PSK_KEYWORDS[sub(s, a, b)] === true) {
      said = true;
      continue;
    }
    // an address or netmask before the key (pre-shared-key address 203.0.113.5 255.255.255.255 key ...)
    let dotted = quote === 0;
    for (let q = a; q < b && dotted; q++) dotted = (cls(byteAt(s, q)) & C_DIGIT) !== 0 || byteAt(s, q) === DOT;
    if (dotted) continue;
    if (b - a < 4 || !plausibleCredential(s, a, b, quote !== 0, -1)) return 0;
    if (!said && !mixedWord(s, a, b)) return 0;
    spans[0] = a;
    spans[1] = b;
    return 1;
  }
  return 0;
}

/** A digit, a symbol, or an upper-case unit after the first in s[a, b): no plain or capitalised word. */
function mixedWord(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) {
    const f = cls(byteAt(s, k));
    if ((f & C_LOWER) === 0 && (k > a || (f & C_UPPER) === 0)) return true;
  }
  return false;
}

/**
 * The value of the SSM SecureString parameter whose type was found at p (as anchoredCredentials): an --output text
 * row's next cell; else the next `Value` / `value` member of the same object (JSON, HCL `value = "..."`, YAML, the
 * command line's --value), looked for within SETTING_MAX units: quoted to its closing quote, else to the line's end
 * (YAML) or the next blank (a command), at most MAX_VALUE units. Not a URL (a connection string's password is found as
 * a URL's).
 */
function secureStringValue(s: string, p: number, n: number, spans: number[], end: Span): number {
  const k = p + 12;
  end.e = k;
  if ((p > 0 && (cls(byteAt(s, p - 1)) & C_ALNUM) !== 0) || (k < n && (cls(byteAt(s, k)) & C_ALNUM) !== 0)) return 0;
  const limit = k + SETTING_MAX < n ? k + SETTING_MAX : n;
  if (k < n && byteAt(s, k) === TAB) {
    // (the cell up to MAX_VALUE, to the text's end too: a row need not end with a line feed)
    const vlimit = k + 1 + MAX_VALUE < n ? k + 1 + MAX_VALUE : n;
    let b = k + 1;
    while (b < vlimit && byteAt(s, b) !== TAB && byteAt(s, b) !== LF && byteAt(s, b) !== CR) b++;
    end.e = b;
    if (b === k + 1 || !plausibleCredential(s, k + 1, b, true, -1)) return 0;
    spans[0] = k + 1;
    spans[1] = b;
    return 1;
  }
  const at = indexAhead(VALUE_KEY, s, "alue", k);
  if (at < k + 1 || at + 4 >= limit || lowerCode(byteAt(s, at - 1)) !== LOWER_V) return 0;
  // the same object: no "}" and no YAML list item ("\n- ") on the way
  for (let q = k; q < at; q++) {
    const c = byteAt(s, q);
    if (c === RBRACE || (c === LF && q + 2 < at && byteAt(s, q + 1) === DASH && byteAt(s, q + 2) === SPACE)) return 0;
  }
  let a = at + 4;
  if (byteAt(s, a) === QUOTE) a++;
  const bare = a;
  while (a < limit && (isBlank(byteAt(s, a)) || byteAt(s, a) === COLON || byteAt(s, a) === EQUALS)) a++;
  if (a === bare || a >= limit) return 0;
  const quote = byteAt(s, a) === QUOTE || byteAt(s, a) === APOS ? byteAt(s, a) : 0;
  // a command's --value ends at a blank; YAML's at the line's end
  const command = byteAt(s, at - 2) === DASH;
  if (quote !== 0) a++;
  const vlimit = a + MAX_VALUE < n ? a + MAX_VALUE : n;
  let b = a;
  while (b < vlimit) {
    const c = byteAt(s, b);
    if (c === LF || c === CR || (quote !== 0 && c === quote) || (quote === 0 && command && isBlank(c))) break;
    if (c === BACKSLASH && quote === QUOTE) b++;
    b++;
  }
  if (b > vlimit) b = vlimit;
  end.e = b;
  let e = b;
  while (quote === 0 && e > a && (isBlank(byteAt(s, e - 1)) || byteAt(s, e - 1) === COMMA)) e--;
  // (a URL's password is masked by its own reader, and its host and database stay readable as themselves)
  let url = false;
  for (let q = a; q + 2 < e && !url; q++)
    url = byteAt(s, q) === COLON && byteAt(s, q + 1) === SLASH && byteAt(s, q + 2) === SLASH;
  if (e <= a || url || !plausibleCredential(s, a, e, true, -1)) return 0;
  spans[0] = a;
  spans[1] = e;
  return 1;
}

const DB_SCHEMES = ["postgres", "mysql", "mariadb", "sqlserver", "mongodb", "oracle", "redshift", "aurora"];

/** The URL scheme ending at p ("://") names a database (postgres, postgresql, jdbc:mysql, mongodb+srv ...). */
export function isDatabaseScheme(s: string, p: number): boolean {
  const a = p - 16 > 0 ? p - 16 : 0;
  const scheme = sub(s, a, p).toLowerCase();
  for (const d of DB_SCHEMES) if (scheme.indexOf(d) >= 0) return true;
  return false;
}

/** Longest private key body looked at (an RSA 8192 key is ~6.3 KB of base64). */
const KEY_BLOCK_MAX = 16384;

/**
 * The body of a PEM private key whose "PRIVATE KEY-----" header line ends at a, as anchoredCredentials: from the next
 * line to the "-----END" line (the header and footer lines stay: they say what was there), or to the end of the
 * base64 lines when the block is cut. Lines may be indented (YAML block scalars) or escaped (\n in JSON text).
 */
function keyBlockBody(s: string, a: number, n: number, spans: number[], end: Span): number {
  end.e = a;
  // the header: "-----BEGIN [<type> ]PRIVATE KEY-----" (a footer, "-----END ...", ends with the anchor too)
  const h = a - 16;
  let k = h;
  while (k > 0 && h - k < 40 && ((cls(byteAt(s, k - 1)) & C_UPPER) !== 0 || byteAt(s, k - 1) === SPACE)) k--;
  if (k < 5 || sub(s, k - 5, k) !== "-----" || sub(s, k, k + 6) !== "BEGIN ") return 0;
  const limit = a + KEY_BLOCK_MAX < n ? a + KEY_BLOCK_MAX : n;
  // past the header line's end (a line feed, an escaped one, or a blank: a key on one line) and the indent
  let b = a;
  if (b + 1 < limit && byteAt(s, b) === BACKSLASH && byteAt(s, b + 1) === 110) b += 2;
  while (b < limit && (byteAt(s, b) === CR || byteAt(s, b) === LF || isBlank(byteAt(s, b)))) b++;
  const start = b;
  const footer = indexAhead(FOOTER, s, "-----END", start);
  let e = start;
  if (footer >= 0 && footer < limit) {
    e = footer;
    // the footer's indent and the line end before it stay
    while (e > start && (isBlank(byteAt(s, e - 1)) || byteAt(s, e - 1) === LF || byteAt(s, e - 1) === CR)) e--;
    if (e >= start + 2 && byteAt(s, e - 2) === BACKSLASH && byteAt(s, e - 1) === 110) e -= 2;
  } else {
    // cut: the lines of base64 that follow (each its own line, indented or not)
    let q = start;
    while (q < limit) {
      let r = q;
      while (r < limit && byteAt(s, r) < 256 && ((cls(byteAt(s, r)) & C_B64) !== 0 || byteAt(s, r) === EQUALS)) r++;
      // (a line cut with "..." where the paste or a scanner's report shortened it: the last line, its base64 masked)
      if (r - q >= 16 && r + 3 <= limit && byteAt(s, r) === DOT && ch.matchesAt(s, r, r + 3, "...")) {
        e = r;
        break;
      }
      if (r - q < 4 || (r < limit && byteAt(s, r) !== LF && byteAt(s, r) !== CR && byteAt(s, r) !== BACKSLASH)) break;
      e = r;
      q = r;
      if (q + 1 < limit && byteAt(s, q) === BACKSLASH && byteAt(s, q + 1) === 110) q += 2;
      while (q < limit && (byteAt(s, q) === CR || byteAt(s, q) === LF || isBlank(byteAt(s, q)))) q++;
    }
  }
  end.e = e > a ? e : a;
  if (e - start < 40) return 0;
  spans[0] = start;
  spans[1] = e;
  return 1;
}

/** Set-Cookie attributes: their values are no credentials. */
const COOKIE_ATTRIBUTES: Record<string, boolean> = {
  path: true,
  domain: true,
  expires: true,
  "max-age": true,
  samesite: true,
  secure: true,
  httponly: true,
  partitioned: true,
  priority: true,
  version: true,
  comment: true,
};

/** abCommandBefore's last answer: the anchor it was asked for, and whether ab stood before it. */
const AB_LINE = { at: -1, found: false };

/**
 * True when the ab (ApacheBench) command stands before p on its command line (its lines continued by a trailing "\\",
 * "`" or "^"; up to 2048 units back): the word ab, a path's last segment ab (/usr/bin/ab, an image jordi/ab) or ab.exe.
 * A walk that reaches the last anchor asked for on the same command line takes its answer (each unit is looked at once).
 */
function abCommandBefore(s: string, p: number): boolean {
  let found = false;
  let k = p;
  const floor = AB_LINE.at >= 0 && AB_LINE.at < p ? AB_LINE.at : -1;
  while (k > 0 && p - k < 2048 && !found) {
    if (k === floor) {
      found = AB_LINE.found;
      break;
    }
    const c = byteAt(s, k - 1);
    if (c === LF) {
      let e = k - 1;
      if (e > 0 && byteAt(s, e - 1) === CR) e--;
      const d = e > 0 ? byteAt(s, e - 1) : -1;
      if (d !== BACKSLASH && d !== BACKTICK && d !== 94) break;
    } else if (c === 98 && k >= 2 && byteAt(s, k - 2) === 97) {
      // "ab" ending at k: then a blank or ".exe", before it the line's start, a blank, a path's "/" or "\\"
      const next = byteAt(s, k);
      const before = k >= 3 ? byteAt(s, k - 3) : LF;
      found =
        (isBlank(next) || (next === DOT && ch.matchesAt(s, k, k + 5, ".exe") && isBlank(byteAt(s, k + 4)))) &&
        (isBlank(before) || before === LF || before === SLASH || before === BACKSLASH || before === BACKTICK);
    }
    k--;
  }
  AB_LINE.at = p;
  AB_LINE.found = found;
  return found;
}

/** Longest cookie header looked at. */
const COOKIE_LINE_MAX = 8192;

/**
 * The values of a Cookie or Set-Cookie header whose value starts at a, up to its line's end or a quote (`curl -H
 * 'Cookie: ...'`), as anchoredCredentials: each `name=value` pair's value of 8 units or more with a digit or mixed
 * case (a session id, a load balancer's stickiness cookie), not a Set-Cookie attribute's.
 */
function cookieValues(s: string, a: number, n: number, spans: number[], end: Span): number {
  const limit = a + COOKIE_LINE_MAX < n ? a + COOKIE_LINE_MAX : n;
  let count = 0;
  let k = a;
  while (k < limit) {
    const c = byteAt(s, k);
    if (c === LF || c === CR || c === QUOTE || c === APOS || c === BACKSLASH) break;
    if (c === SEMI || isBlank(c)) {
      k++;
      continue;
    }
    // a pair name=value; the value ends at ";", a blank, a comma (Expires) or the header's end
    const nameStart = k;
    while (k < limit && byteAt(s, k) !== EQUALS && byteAt(s, k) !== SEMI && !endsCookie(byteAt(s, k))) k++;
    if (k >= limit || byteAt(s, k) !== EQUALS) continue;
    const name = sub(s, nameStart, k).toLowerCase();
    const v = k + 1;
    let upper = 0;
    let lower = 0;
    let digit = 0;
    k = v;
    while (k < limit && byteAt(s, k) !== SEMI && byteAt(s, k) !== COMMA && !endsCookie(byteAt(s, k))) {
      const f = cls(byteAt(s, k));
      if ((f & C_UPPER) !== 0) upper++;
      else if ((f & C_LOWER) !== 0) lower++;
      else if ((f & C_DIGIT) !== 0) digit++;
      k++;
    }
    if (k - v >= 8 && (digit > 0 || (upper > 0 && lower > 0)) && COOKIE_ATTRIBUTES[name] !== true) {
      spans[2 * count] = v;
      spans[2 * count + 1] = k;
      count++;
    }
    // Expires=Wed, 21 Oct 2026 07:28:00 GMT: the date's comma and blanks are passed as separators
    if (k < limit && byteAt(s, k) === COMMA) k++;
  }
  end.e = k;
  return count;
}

/** True for the units that end a cookie header or a pair's value: blanks, a line end, quotes, a backslash. */
function endsCookie(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR || c === QUOTE || c === APOS || c === BACKSLASH;
}

/** True for the units that end a word of a command line: a blank, a line end, a shell operator. */
function endsCommandWord(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR || c === SEMI || c === PIPE || c === AMP;
}

/** Longest stretch of a command line looked at after the command. */
const COMMAND_LINE_MAX = 2048;

/** commandWord's answer: the word [s, e), its quotes off, and where reading goes on (or where the command ended). */
const WORD = { s: 0, e: 0, next: 0 };

/**
 * The next word of a command line from k, blanks skipped, in WORD; false at the line's end, at a shell operator
 * (; | &: an unquoted password holds none of them) or at limit (WORD.next: where it stopped). A quoted word ends at
 * its closing quote ("S3cret Pass") and loses its quotes.
 */
function commandWord(s: string, k: number, limit: number): boolean {
  // (blanks, and a line continued with "\": curl's flags one a line, as runbooks write them)
  for (;;) {
    if (k < limit && isBlank(byteAt(s, k))) k++;
    else if (k + 1 < limit && byteAt(s, k) === BACKSLASH && byteAt(s, k + 1) === LF) k += 2;
    else if (k + 2 < limit && byteAt(s, k) === BACKSLASH && byteAt(s, k + 1) === CR && byteAt(s, k + 2) === LF) k += 3;
    else break;
  }
  WORD.next = k;
  if (k >= limit) return false;
  const c = byteAt(s, k);
  if (c === LF || c === CR || c === SEMI || c === PIPE || c === AMP) return false;
  let a = k;
  if (c === QUOTE || c === APOS) {
    k++;
    while (k < limit && byteAt(s, k) !== c && byteAt(s, k) !== LF) k++;
    if (k < limit && byteAt(s, k) === c) k++;
  } else
    while (k < limit && !endsCommandWord(byteAt(s, k))) {
      // (a quote inside the word goes on to its closing quote, blanks and all, as a shell reads it: -p"S3cret Pw9";
      // with none on the line the word ends at its blank, o'reilly: a later quote of that kind has no closer either)
      const u = byteAt(s, k);
      k++;
      if (u === QUOTE || u === APOS) {
        const from = k;
        while (k < limit && byteAt(s, k) !== u && byteAt(s, k) !== LF) k++;
        if (k < limit && byteAt(s, k) === u) k++;
        else k = from;
      }
    }
  let b = k;
  if (b - a >= 2 && (c === QUOTE || c === APOS) && byteAt(s, b - 1) === c) {
    a++;
    b--;
  }
  WORD.s = a;
  WORD.e = b;
  WORD.next = k;
  return true;
}

/**
 * The passwords in the short flags of the command CREDENTIAL_ANCHORS[which] found at p, up to the line's end (as
 * anchoredCredentials): `mysql -pPASS` (glued; mysqldump, mysqladmin, mariadb too), `redis-cli -a PASS`, `docker login
 * -p PASS` (what `aws ecr get-login` printed), `curl -u USER:PASS` (shell history, runbooks, CI logs),
 * `mosquitto_pub -P PASS` (mosquitto_sub, mosquitto_rr; an MQTT broker's, Amazon MQ's). Their long
 * flags (`--password=...`) are credential keys like any other. None when the command is glued to a word before it.
 * The user names of their short flags are spans too, marked in SPAN_IS_NAME (`mysql -u USER`, `psql -U USER`,
 * `mosquitto_pub -u USER`, `docker login -u USER`, curl's `-u USER:PASS`).
 */
function commandPasswords(s: string, p: number, which: number, n: number, spans: number[], end: Span): number {
  const name = CREDENTIAL_ANCHORS[which];
  const command = which - FIRST_COMMAND;
  let k = p + name.length;
  end.e = k;
  if (command === 8) return redisAuth(s, p, k, n, spans, end);
  if (command === 9) return externalSourceUser(s, k, n, spans, end);
  if (command === 13) return rabbitmqCredentials(s, p, k, n, spans, end);
  if (command >= 14) return authArguments(s, p, k, n, spans, end);
  if (command >= 10) return redisAcl(s, p, k, command === 12, n, spans, end);
  if (p > 0 && (cls(byteAt(s, p - 1)) & C_ALNUM) !== 0) return 0;
  // mysqldump, mysqladmin: the name may go on; the others end at a blank
  while ((command === 0 || command === 5) && k < n && (cls(byteAt(s, k)) & C_LOWER) !== 0) k++;
  if (k < n && !isBlank(byteAt(s, k))) return 0;
  const limit = k + COMMAND_LINE_MAX < n ? k + COMMAND_LINE_MAX : n;
  let count = 0;
  // the flag whose value is the next word: 1 the password, 2 user:password
  let pending = 0;
  // (the command ends with its line or at a shell operator)
  while (commandWord(s, k, limit)) {
    let a = WORD.s;
    const b = WORD.e;
    k = WORD.next;
    if (pending === 2) {
      // the user before the ":", then the password after it
      let colon = a;
      while (colon < b && byteAt(s, colon) !== COLON) colon++;
      if (colon > a && colon < b) {
        spans[2 * count] = a;
        spans[2 * count + 1] = colon;
        SPAN_IS_NAME[count] = true;
        count++;
      }
      a = colon + 1;
    }
    if (pending !== 0) {
      const name = pending === 3;
      pending = 0;
      if (a < b && (name || plausibleCredential(s, a, b, true, -1))) {
        spans[2 * count] = a;
        spans[2 * count + 1] = b;
        SPAN_IS_NAME[count] = name;
        count++;
      }
      continue;
    }
    if (b - a < 2 || byteAt(s, a) !== DASH) continue;
    const f = byteAt(s, a + 1);
    if (command <= 1 && (f === 112 || f === 117) && b - a > 2 && byteAt(s, a + 2) !== DASH) {
      // mysql -pPASS, -uUSER: the value glued to the flag (-p alone prompts for the password), its quotes off
      // (-p"S3cret Pw9")
      let va = a + 2;
      let vb = b;
      const q = byteAt(s, va);
      if (vb - va >= 3 && (q === QUOTE || q === APOS) && byteAt(s, vb - 1) === q) {
        va++;
        vb--;
      }
      if (f === 117 || plausibleCredential(s, va, vb, true, -1)) {
        spans[2 * count] = va;
        spans[2 * count + 1] = vb;
        SPAN_IS_NAME[count] = f === 117;
        count++;
      }
    } else if (b - a === 2) {
      if ((command === 2 && f === 97) || ((command === 3 || command === 7) && f === 112) || (command === 5 && f === 80))
        pending = 1;
      else if (command === 4 && f === 117) pending = 2;
      else if ((f === 117 && command !== 2 && command !== 4) || (command === 6 && f === 85)) pending = 3;
    } else if (command === 4 && b - a === 6 && sub(s, a, b) === "--user") {
      pending = 2;
    }
  }
  end.e = WORD.next;
  return count;
}

/** rabbitmqctl's commands whose first argument is a user (a name) and whose second, when it has one, a password. */
const RABBITMQ_USER_COMMANDS = ch.wordSet(
  "add_user change_password authenticate_user delete_user set_permissions clear_permissions set_user_tags " +
    "set_topic_permissions clear_password list_user_permissions",
);
/** Those whose second argument is the password. */
const RABBITMQ_PASSWORD_COMMANDS = ch.wordSet("add_user change_password authenticate_user");

/**
 * RabbitMQ's command-line tools (rabbitmqadmin(1), rabbitmqctl(8)) at p, k after "rabbitmq" (as commandPasswords):
 * rabbitmqadmin's `-u <user>` and `-p <password>` (`-V <vhost>`), rabbitmqctl's `add_user <user> <password>`
 * (`change_password`, `authenticate_user`), the user of its other user commands (`set_permissions`, `delete_user`
 * ...) and its `-p <vhost>`. Users and vhosts are marked in SPAN_IS_NAME.
 */
function rabbitmqCredentials(s: string, p: number, k: number, n: number, spans: number[], end: Span): number {
  if (p > 0 && (cls(byteAt(s, p - 1)) & C_ALNUM) !== 0) return 0;
  const admin = ch.matchesAt(s, k, n, "admin");
  if (!admin && !ch.matchesAt(s, k, n, "ctl")) return 0;
  k += admin ? 5 : 3;
  end.e = k;
  if (k >= n || !isBlank(byteAt(s, k)) || !commandStart(s, p)) return 0;
  const limit = k + COMMAND_LINE_MAX < n ? k + COMMAND_LINE_MAX : n;
  let count = 0;
  // the flag whose value is the next word: 1 a password, 3 a name; args: rabbitmqctl's arguments after its command
  // (-1 before the command, 0 none wanted, 1 the user's, 2 the password's)
  let pending = 0;
  let args = admin ? 0 : -1;
  let password = false;
  while (commandWord(s, k, limit)) {
    const a = WORD.s;
    const b = WORD.e;
    k = WORD.next;
    const flag = b - a >= 2 && byteAt(s, a) === DASH;
    // (a global flag's value: -n rabbit@node1, --node x, -t 30, --timeout 30)
    if (pending === 4) {
      pending = 0;
      continue;
    }
    if (pending !== 0 || (args > 0 && !flag)) {
      const name = pending === 3 || (pending === 0 && args === 1);
      if (a < b && (name || plausibleCredential(s, a, b, true, -1))) {
        spans[2 * count] = a;
        spans[2 * count + 1] = b;
        SPAN_IS_NAME[count] = name;
        count++;
      }
      if (pending === 0) args = args === 1 && password ? 2 : 0;
      pending = 0;
      continue;
    }
    if (flag) {
      const f = byteAt(s, a + 1);
      if (b - a === 2 && admin) pending = f === 112 ? 1 : f === 117 || f === 86 ? 3 : 0;
      else if (b - a === 2 && f === 112) pending = 3;
      else if (b - a === 7 && sub(s, a, b) === "--vhost") pending = 3;
      else if (
        !admin &&
        ((b - a === 2 && (f === 110 || f === 116)) ||
          (b - a === 6 && sub(s, a, b) === "--node") ||
          (b - a === 9 && sub(s, a, b) === "--timeout"))
      )
        pending = 4;
      continue;
    }
    if (args === -1) {
      const w = sub(s, a, b);
      args = RABBITMQ_USER_COMMANDS[w] === true ? 1 : 0;
      password = RABBITMQ_PASSWORD_COMMANDS[w] === true;
    }
  }
  end.e = WORD.next;
  return count;
}

/**
 * The quoted string argument of a call at k (blanks or line breaks before it; a separating "," first when comma; its
 * quotes maybe JSON-escaped, \\"user\\"): its text's span in WORD (WORD.next after its closing quote); false when there is
 * none on the line within 512 units.
 */
function quotedArgument(s: string, k: number, n: number, comma: boolean): boolean {
  const from = k;
  while (k < n && k - from < 64 && (isBlank(byteAt(s, k)) || byteAt(s, k) === LF || byteAt(s, k) === CR)) k++;
  if (comma) {
    if (k >= n || byteAt(s, k) !== COMMA) return false;
    k++;
    while (k < n && k - from < 64 && (isBlank(byteAt(s, k)) || byteAt(s, k) === LF || byteAt(s, k) === CR)) k++;
  }
  const escaped = k + 1 < n && byteAt(s, k) === BACKSLASH && byteAt(s, k + 1) === QUOTE;
  if (escaped) k++;
  const q = k < n ? byteAt(s, k) : -1;
  if (q !== QUOTE && q !== APOS) return false;
  const a = k + 1;
  let b = a;
  while (b < n && b - a < 512 && byteAt(s, b) !== q && byteAt(s, b) !== LF && !(escaped && byteAt(s, b) === BACKSLASH))
    b++;
  if (b >= n || (escaped ? byteAt(s, b) !== BACKSLASH || b + 1 >= n || byteAt(s, b + 1) !== q : byteAt(s, b) !== q))
    return false;
  WORD.s = a;
  WORD.e = b;
  WORD.next = escaped ? b + 2 : b + 1;
  return true;
}

/**
 * A call's basic or digest authentication (CREDENTIAL_ANCHORS "asicAuth(", "igestAuth(" at p, its arguments from k):
 * Gatling's .basicAuth("user", "pw"), requests' HTTPBasicAuth('user', 'pw'), as anchoredCredentials; the user a name
 * (SPAN_IS_NAME), the password a credential; an expression or a variable in quotes ("#{user}", "${PW}") is neither.
 */
function authArguments(s: string, p: number, k: number, n: number, spans: number[], end: Span): number {
  if (p === 0 || lowerCode(byteAt(s, p - 1)) !== (byteAt(s, p) === 97 ? 98 : 100)) return 0; // b(asicAuth) d(igestAuth)
  if (!quotedArgument(s, k, n, false)) return 0;
  const ua = WORD.s;
  const ub = WORD.e;
  if (!quotedArgument(s, WORD.next, n, true)) return 0;
  end.e = WORD.next;
  let count = 0;
  const c = byteAt(s, ua);
  if (ub - ua >= 3 && c !== 35 && c !== DOLLAR && c !== LBRACE && c !== LT) {
    spans[0] = ua;
    spans[1] = ub;
    SPAN_IS_NAME[0] = true;
    count = 1;
  }
  const pc = byteAt(s, WORD.s);
  if (WORD.e > WORD.s && pc !== 35 && plausibleCredential(s, WORD.s, WORD.e, true, COMMA)) {
    spans[2 * count] = WORD.s;
    spans[2 * count + 1] = WORD.e;
    SPAN_IS_NAME[count] = false;
    count++;
  }
  return count;
}

/**
 * True when the command at p stands where a shell runs it, not named in prose ("Use rabbitmqctl delete_user when ..."):
 * first on its line (after blanks), after a prompt's "$ ", "# ", "> " or "% ", a backtick, "$(", "-- ", "; ", "&& ",
 * "| ", a chat line's ": ", or after a word that runs the next command (sudo, exec, RUN, then, do, env, time, xargs,
 * "!", a YAML list's "-"); the walk back passes over options (-it, --user=x), and over at most two other words before
 * an option or such a word (the container of `docker exec -it <container>`, the user of `sudo -u <user>`). At most 8
 * words of 128 units.
 */
function commandStart(s: string, p: number): boolean {
  let k = p;
  // (words walked that are neither options nor runners, since the last option)
  let others = 0;
  for (let words = 0; words < 8; words++) {
    const e = k;
    while (k > 0 && e - k < 64 && isBlank(byteAt(s, k - 1))) k--;
    if (k === 0 || byteAt(s, k - 1) === LF) return others === 0;
    const c = byteAt(s, k - 1);
    if (c === 96 || c === SEMI || c === PIPE || c === AMP || c === LPAREN || c === COLON) return others === 0;
    if (k < e && (c === DOLLAR || c === 35 || c === 62 || c === 37)) return others === 0;
    let w = k;
    while (w > 0 && k - w < 128 && !isBlank(byteAt(s, w - 1)) && byteAt(s, w - 1) !== LF) w--;
    if (w === k || k - w >= 128) return false;
    if (k - w === 2 && byteAt(s, w) === DASH && byteAt(s, w + 1) === DASH) return others === 0;
    if (k - w <= 5 && COMMAND_RUNNERS[sub(s, w, k)] === true) return true;
    if (byteAt(s, w) === DASH && k - w >= 2) others = 0;
    else if (++others > 2) return false;
    k = w;
  }
  return false;
}
/** Words that run the command after them (commandStart). */
const COMMAND_RUNNERS = ch.wordSet("sudo exec RUN then do env time xargs nohup doas ! -");

/**
 * redis-cli's `AUTH [user] <password>` typed at its prompt (host:6379> AUTH ..., [db]> ...), ElastiCache's and
 * MemoryDB's RBAC users or AUTH token, as commandPasswords (k: after "> AUTH"): the line's last word is the password,
 * a word before it the user; none for more words than two (prose).
 */
function redisAuth(s: string, p: number, k: number, n: number, spans: number[], end: Span): number {
  if (p === 0 || k >= n || byteAt(s, k) !== SPACE) return 0;
  const before = byteAt(s, p - 1);
  if ((cls(before) & C_DIGIT) === 0 && before !== 93) return 0;
  let count = 0;
  while (k < n && k - p < 512) {
    while (k < n && isBlank(byteAt(s, k))) k++;
    if (k >= n || byteAt(s, k) === LF || byteAt(s, k) === CR) break;
    const a = k;
    while (k < n && !isBlank(byteAt(s, k)) && byteAt(s, k) !== LF && byteAt(s, k) !== CR) k++;
    if (count === 2) return 0;
    spans[2 * count] = a;
    spans[2 * count + 1] = k;
    count++;
  }
  end.e = k;
  SPAN_IS_NAME[0] = count === 2;
  SPAN_IS_NAME[1] = false;
  return count;
}

/** Units that end a Redis ACL rule: a blank, a line end, the quote around an `ACL LIST` line. */
function endsAclRule(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR || c === QUOTE;
}

/**
 * A Redis ACL user and its rules (redis.io's ACL docs) after "SETUSER" (k: after it), or after "user " opening a line
 * or a quoted `ACL LIST` entry (listed: the first rule must be on or off, and a key, channel, command or password rule
 * must follow: prose "user alice on the team" is none), as commandPasswords: the user a name (not "default"), a
 * password (`>pw`, `<pw`: added or removed) and a password hash (`#<64 hex>`, `!<64 hex>`) secrets, to the line's end.
 */
function redisAcl(s: string, p: number, k: number, listed: boolean, n: number, spans: number[], end: Span): number {
  const before = p > 0 ? byteAt(s, p - 1) : LF;
  if (listed ? before !== LF && before !== QUOTE : (cls(before) & C_ALNUM) !== 0) return 0;
  while (k < n && isBlank(byteAt(s, k))) k++;
  const ua = k;
  while (k < n && !endsAclRule(byteAt(s, k))) k++;
  if (k === ua || k - ua > 128) return 0;
  let count = 0;
  if (!(k - ua === 7 && sub(s, ua, k) === "default")) {
    spans[0] = ua;
    spans[1] = k;
    SPAN_IS_NAME[0] = true;
    count = 1;
  }
  const limit = k + COMMAND_LINE_MAX < n ? k + COMMAND_LINE_MAX : n;
  let rules = 0;
  let shaped = !listed;
  while (k < limit) {
    const c = byteAt(s, k);
    if (c === LF || c === CR || c === QUOTE) break;
    if (isBlank(c)) {
      k++;
      continue;
    }
    const a = k;
    while (k < limit && !endsAclRule(byteAt(s, k))) k++;
    if (listed && rules === 0 && !((k - a === 2 && sub(s, a, k) === "on") || (k - a === 3 && sub(s, a, k) === "off")))
      return 0;
    rules++;
    if (c === TILDE || c === PLUS || c === AMP || c === PERCENT || (c === DASH && byteAt(s, a + 1) === 64))
      shaped = true;
    // (a password after > or <, a hash of 64 hex units after # or !)
    if (((c === GT || c === LT) && k > a + 1) || ((c === 35 || c === 33) && k - a === 65)) {
      spans[2 * count] = a + 1;
      spans[2 * count + 1] = k;
      SPAN_IS_NAME[count] = false;
      count++;
      shaped = true;
    }
  }
  end.e = k;
  return shaped ? count : 0;
}

/**
 * The third and fourth arguments of RDS's mysql.rds_set_external_* procedures, the replication user and its password
 * (quoted), as commandPasswords (k: after "rds_set_external_"); none when the call has fewer.
 */
function externalSourceUser(s: string, k: number, n: number, spans: number[], end: Span): number {
  const open = k + 64 < n ? k + 64 : n;
  while (k < open && byteAt(s, k) !== 40 && byteAt(s, k) !== LF) k++;
  if (k >= open || byteAt(s, k) !== 40) return 0;
  let arg = 0;
  let count = 0;
  const limit = k + 1024 < n ? k + 1024 : n;
  k++;
  while (k < limit && arg < 4) {
    const c = byteAt(s, k);
    if (c === 41 || c === LF) break;
    if (c === APOS || c === QUOTE) {
      const a = k + 1;
      let b = a;
      while (b < limit && byteAt(s, b) !== c && byteAt(s, b) !== LF) b++;
      if (b >= limit || byteAt(s, b) !== c) break;
      if (arg >= 2 && b > a) {
        spans[2 * count] = a;
        spans[2 * count + 1] = b;
        SPAN_IS_NAME[count] = arg === 2;
        count++;
      }
      k = b + 1;
    } else if (c === COMMA) {
      arg++;
      k++;
    } else k++;
  }
  end.e = k;
  return count;
}

// STS session token prefixes (base64 of the token's first bytes: IQoJb3JpZ2lu..., FwoGZXIvYXdz..., AQoDYXdzE...); a
// token is hundreds of units long.
export const TOKEN_PREFIXES = ["IQoJ", "AgoJ", "FQoG", "FwoG", "AQoD"];
export const TOKEN_MIN = 100;

/**
 * End of base64 data starting at a (a session token, compressed data): base64 units, "=" padding, and the URL escapes
 * of "/", "+", "=" (%2F %2B %3D, presigned URLs). -1 when shorter than min units or glued to a longer word.
 */
export function base64RunEnd(s: string, a: number, n: number, min: number): number {
  if (a > 0) {
    const p = byteAt(s, a - 1);
    if (p < 256 && ((cls(p) & C_B64) !== 0 || p === UNDERSCORE || p === DASH)) return -1;
  }
  let e = a;
  while (e < n) {
    const c = byteAt(s, e);
    if (c < 256 && (cls(c) & C_B64) !== 0) e++;
    else if (c === PERCENT && e + 2 < n && b64.escapedUnit(s, e) > 0) e += 3;
    else break;
  }
  while (e < n && byteAt(s, e) === EQUALS) e++;
  while (e + 2 < n && byteAt(s, e) === PERCENT && byteAt(s, e + 1) === 51 && lowerCode(byteAt(s, e + 2)) === 100)
    e += 3;
  return e - a >= min ? e : -1;
}

/**
 * The end of base64 wrapped at w units whose first line ends at e: over each next line of w base64 units, then one
 * shorter (its padding "=" in it); stops at any other line. Each unit is read once.
 */
function wrappedBase64End(s: string, e: number, w: number, n: number): number {
  for (;;) {
    let a = e;
    if (a < n && byteAt(s, a) === CR) a++;
    if (a >= n || byteAt(s, a) !== LF) return e;
    a++;
    let f = a;
    while (f < n && f - a <= w && byteAt(s, f) < 256 && (cls(byteAt(s, f)) & C_B64) !== 0) f++;
    while (f < n && f - a <= w && byteAt(s, f) === EQUALS) f++;
    if (f === a || f - a > w || (f < n && byteAt(s, f) !== LF && byteAt(s, f) !== CR)) return e;
    e = f;
    if (f - a < w) return e;
  }
}

/** True for a unit that is never part of a credential-shaped token (used by callers' cheap checks). */
export function isHigh(c: number): boolean {
  return c >= 256 || (cls(c) & C_HIGH) !== 0;
}

// wp-config.php's keys and salts (and WP Cache's salt): no other *_KEY constant (OPENSSL_KEY, PRIMARY_KEY) holds a
// secret by its name alone
const WP_SECRETS = ch.wordSet(
  "AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT WP_CACHE_KEY_SALT",
);

/**
 * True when s[a, b), a PHP constant's name, is one of WordPress's keys or salts (wp-config.php's AUTH_KEY,
 * SECURE_AUTH_KEY, LOGGED_IN_SALT, NONCE_SALT ...; WP_SECRETS); or another UPPER_SNAKE *_KEY or *_SALT (JWT_KEY,
 * CRYPT_KEY, S3 Uploads' S3_UPLOADS_KEY) whose value s[va, vb) is secret-shaped: 12 units or more, no blank, upper and
 * lower case and digits (or two of them from 32 units: a hex key). Not a cipher's name or an id (aes-256-cbc).
 */
export function phpSecretConstant(s: string, a: number, b: number, va: number, vb: number): boolean {
  return secretConstant(s, a, b, s, va, vb);
}

/**
 * phpSecretConstant with the name in k[a, b) and the value in s[va, vb) (fiftieth pass: also an environment list's
 * {"name": "SHOTGRID_SCRIPT_KEY", "value": x}, as Batch and ECS print a container's environment).
 */
export function secretConstant(k: string, a: number, b: number, s: string, va: number, vb: number): boolean {
  if (b - a >= 8 && b - a <= 17 && WP_SECRETS[sub(k, a, b)] === true) return true;
  if (b - a < 5 || b - a > 40 || vb - va < 12 || vb - va > 256 || (cls(byteAt(k, a)) & C_UPPER) === 0) return false;
  if (!ch.matchesAt(k, b - 4, b, "_KEY") && !ch.matchesAt(k, b - 5, b, "_SALT")) return false;
  // (a data key's or a public key's value is no secret: CACHE_KEY, PARTITION_KEY, PUBLIC_KEY; keyedSecretKey)
  if (byteAt(k, b - 1) === 89 && suffixIn(DATA_KEYS, k, a, b - 3, KEY_SKIP) >= 0) return false;
  for (let x = a; x < b; x++)
    if ((cls(byteAt(k, x)) & (C_UPPER | C_DIGIT)) === 0 && byteAt(k, x) !== UNDERSCORE) return false;
  let classes = 0;
  for (let k = va; k < vb; k++) {
    const c = byteAt(s, k);
    if (c === SPACE || c === TAB) return false;
    classes |= cls(c) & C_ALNUM;
  }
  const three = classes === C_ALNUM;
  // (a name built of words is no secret: TABLE_KEY=OrdersTable2024Q1, I18N_KEY=Messages.Checkout.Title2)
  return (
    (three || (vb - va >= 32 && classes !== C_LOWER && classes !== C_UPPER)) &&
    !wordBuilt(s, va, vb) &&
    plausibleCredential(s, va, vb, true, -1)
  );
}

// Commands whose output line is a secret alone (scanner.ts findLineAnchors; the first ones are those without
// "--query ")
export const SECRET_QUERIES = [
  "get-login-password",
  // (fiftieth pass) a gossip encryption key, Consul's and Nomad's (consul keygen, nomad operator gossip keyring generate)
  "consul keygen",
  "gossip keyring generate",
  "operator keygen",
  "--query SecretString",
  "--query 'SecretString'",
  '--query "SecretString"',
  "--query Parameter.Value",
  "--query 'Parameter.Value'",
  '--query "Parameter.Value"',
  "--query SecretBinary",
  // kms decrypt's plaintext (base64, or decoded after "| base64 -d"), codeartifact's token
  "--query Plaintext",
  "--query 'Plaintext'",
  "--query authorizationToken",
];

/** True for SECRET_QUERIES' gossip key commands (their line is a secret only in a gossip key's shape, gossipKey). */
export function gossipQuery(q: string): boolean {
  return q === SECRET_QUERIES[1] || q === SECRET_QUERIES[2] || q === SECRET_QUERIES[3];
}

/** Longest MIME part body (base64) read after its Content-Transfer-Encoding header. */
const MIME_BODY_MAX = 1 << 20;

/**
 * (fifty-third pass) The base64 body of a MIME part whose headers hold `Content-Transfer-Encoding: base64` (p: the
 * header's end): after the part's blank line, the lines of base64 up to the first other line (the boundary). Its span
 * in span, false when there is none (no blank line within 4,096 units, or no base64 line; span.e: where the look
 * ended).
 */
export function mimeBase64Body(s: string, p: number, n: number, span: Span): boolean {
  let k = p;
  // (the part's other headers, up to its blank line)
  while (k < n && k - p < 4096) {
    if (byteAt(s, k) === LF) {
      let t = k + 1;
      if (t < n && byteAt(s, t) === CR) t++;
      if (t < n && byteAt(s, t) === LF) {
        k = t + 1;
        break;
      }
    }
    k++;
  }
  // (where the look ended, found or not: the caller searches on from there)
  span.e = k;
  if (k - p >= 4096 || k >= n || byteAt(s, k - 1) !== LF) return false;
  const a = k;
  let b = a;
  while (k < n && k - a < MIME_BODY_MAX) {
    let e = k;
    while (
      e < n &&
      e - k < 1024 &&
      byteAt(s, e) < 256 &&
      ((cls(byteAt(s, e)) & C_B64) !== 0 || byteAt(s, e) === EQUALS)
    )
      e++;
    if (e === k) break;
    let t = e;
    if (t < n && byteAt(s, t) === CR) t++;
    if (t < n && byteAt(s, t) !== LF) break;
    b = e;
    k = t + 1;
  }
  if (b - a < 16) return false;
  span.s = a;
  span.e = b;
  return true;
}

/** Whether s names a Kubernetes Secret's kind (`kind: Secret`, `"kind":"Secret"`, `"kind": "Secret"`, escaped too). */
export function namesSecretKind(s: string, n: number): boolean {
  let p = ch.firstOf(s, "Secret");
  for (let count = 0; p >= 0 && count < 64; count++) {
    let k = p;
    if (k > 0 && byteAt(s, k - 1) === QUOTE) k--;
    if (k > 0 && byteAt(s, k - 1) === BACKSLASH) k--;
    while (k > 0 && p - k < 8 && byteAt(s, k - 1) === SPACE) k--;
    if (k > 0 && byteAt(s, k - 1) === COLON) k--;
    if (k > 0 && byteAt(s, k - 1) === QUOTE) k--;
    if (k > 0 && byteAt(s, k - 1) === BACKSLASH) k--;
    const after = p + 6 < n ? byteAt(s, p + 6) : LF;
    if (
      k >= 4 &&
      k < p &&
      ch.matchesAt(s, k - 4, k, "kind") &&
      (after === LF || after === CR || after === QUOTE || after === BACKSLASH)
    )
      return true;
    p = ch.indexFrom(s, "Secret", p + 6);
  }
  return false;
}

/** Whether s[a, b) is padded base64 (a multiple of 4 units, "=" only at its end). */
function paddedBase64(s: string, a: number, b: number): boolean {
  if (b - a < 4 || (b - a) % 4 !== 0) return false;
  let e = b;
  while (e > a && b - e < 2 && byteAt(s, e - 1) === EQUALS) e--;
  return ch.runOf(s, a, e, C_B64) === e - a;
}

/** (review of the fifty-third pass) Lines and units a data block's object is looked through for its kind. */
const KIND_LINES = 48;
const KIND_UNITS = 16384;

/** At k, a kind's value (after `kind:` or `"kind":`, blanks and quote to come): 1 when it is Secret, 0 another. */
function secretKindValue(s: string, k: number, n: number): number {
  while (k < n && isBlank(byteAt(s, k))) k++;
  if (k < n && (byteAt(s, k) === QUOTE || byteAt(s, k) === APOS)) k++;
  else if (k + 1 < n && byteAt(s, k) === BACKSLASH && byteAt(s, k + 1) === QUOTE) k += 2;
  if (!ch.matchesAt(s, k, n, "Secret")) return 0;
  const c = k + 6 < n ? byteAt(s, k + 6) : LF;
  return c === LF || c === CR || isBlank(c) || c === QUOTE || c === APOS || c === BACKSLASH || c === COMMA ? 1 : 0;
}

/**
 * (review of the fifty-third pass) The kind named by the object of a YAML data block whose `data:` stands at column d:
 * its sibling lines read from the line at k forward (dir 1: k starts the line after the block) or backward (dir -1:
 * k starts the data line). 1 Secret, 0 another kind (a ConfigMap pasted with the Secret), -1 none seen before the
 * object's end, a document's `---`, another `data:` line or the bound.
 */
function yamlObjectKind(s: string, k: number, d: number, dir: number, n: number): number {
  const from = k;
  for (let lines = 0; lines < KIND_LINES; lines++) {
    let a = k;
    if (dir < 0) {
      if (k <= 0) return -1;
      a = k - 1;
      while (a > 0 && from - a < KIND_UNITS && byteAt(s, a - 1) !== LF) a--;
    }
    if (a >= n || (dir < 0 ? from - a : a - from) >= KIND_UNITS) return -1;
    let e = a;
    while (e < n && e - a < KIND_UNITS && byteAt(s, e) !== LF) e++;
    let c = a;
    while (c < e && byteAt(s, c) === SPACE) c++;
    const item = c + 1 < e && byteAt(s, c) === DASH && byteAt(s, c + 1) === SPACE;
    if (item) {
      c += 2;
      while (c < e && byteAt(s, c) === SPACE) c++;
    }
    const col = c - a;
    if (c < e && byteAt(s, c) !== CR && byteAt(s, c) !== 35) {
      if (col < d || ch.matchesAt(s, a, e, "---") || ch.matchesAt(s, c, e, "data:")) return -1;
      if (col === d) {
        // (an item's dash: forward, the next object's first line; backward, this one's)
        if (item && dir > 0) return -1;
        if (ch.matchesAt(s, c, e, "kind:")) return secretKindValue(s, c + 5, e);
        if (item) return -1;
      }
    }
    k = dir > 0 ? e + 1 : a;
  }
  return -1;
}

/**
 * (review of the fifty-third pass) The kind named by the object of a JSON data member (p: its `"data"`, o: the `{` of
 * its value): the members after the data object and before p at the same depth, up to the object's braces, another
 * data member or the bound. 1 Secret, 0 another kind, -1 none seen.
 */
function jsonObjectKind(s: string, p: number, o: number, esc: boolean, n: number): number {
  const key = esc ? '\\"kind\\"' : '"kind"';
  const data = esc ? '\\"data\\"' : '"data"';
  const open = esc ? BACKSLASH : QUOTE;
  for (let dir = 1; dir >= -1; dir -= 2) {
    let depth = 0;
    const from = dir > 0 ? o : p - 1;
    for (let t = from; t >= 0 && t < n && (dir > 0 ? t - from : from - t) < KIND_UNITS; t += dir) {
      const c = byteAt(s, t);
      if (c === LBRACE || c === LBRACKET || c === RBRACE || c === RBRACKET) {
        const opens = c === LBRACE || c === LBRACKET;
        depth += opens === dir > 0 ? 1 : -1;
        if (depth < 0) break;
      } else if (c === open && depth === 0 && ch.matchesAt(s, t, n, key)) {
        let k = t + key.length;
        while (k < n && k - t < 64 && isBlank(byteAt(s, k))) k++;
        if (k < n && byteAt(s, k) === COLON) return secretKindValue(s, k + 1, n);
      } else if (c === open && ch.matchesAt(s, t, n, data)) break;
    }
  }
  return -1;
}

/**
 * (fifty-third pass) The values of a Kubernetes Secret's data (p: at `data:` opening its line, or `"data":`): base64
 * of the secret's values, every one of them secret, whatever it decodes to (an access key's id, an error tracker's
 * DSN, a user name). YAML: the indented `key: <base64>` lines under it (a list's item's too, `kubectl get secrets -o
 * yaml`; a value quoted or followed by a comment); JSON: the members of its object, quoted or with escaped quotes
 * (kubectl's last-applied-configuration). Not when the block's own object names another kind (a ConfigMap's data
 * pasted with the Secret: `LOG_LEVEL: info` is padded base64 too). Spans into spans (at most 256), their count
 * returned; where the look ended in end.e.
 */
export function secretDataValues(s: string, p: number, n: number, spans: number[], end: Span): number {
  let count = 0;
  let k = p + 5;
  end.e = k;
  if (byteAt(s, p) !== QUOTE && byteAt(s, p) !== BACKSLASH) {
    // YAML: `data:` ending its line, its own or an item's of a list (`- ` before it), then lines of one indentation
    if (k >= n || (byteAt(s, k) !== LF && byteAt(s, k) !== CR)) return 0;
    let ls = p;
    while (ls > 0 && p - ls < 64 && byteAt(s, ls - 1) === SPACE) ls--;
    if (ls > 0 && byteAt(s, ls - 1) === DASH && p - ls < 62) {
      ls--;
      while (ls > 0 && p - ls < 64 && byteAt(s, ls - 1) === SPACE) ls--;
    }
    if (ls > 0 && byteAt(s, ls - 1) !== LF) return 0;
    const d = p - ls;
    k = byteAt(s, k) === CR ? k + 2 : k + 1;
    let indent = -1;
    while (k < n && count < 256) {
      let t = k;
      while (t < n && t - k < 96 && byteAt(s, t) === SPACE) t++;
      if (t - k <= d || (indent >= 0 && t - k !== indent)) break;
      indent = t - k;
      const ka = t;
      while (t < n && t - ka < 253 && (ch.isKeyUnit(byteAt(s, t)) || byteAt(s, t) === DOT)) t++;
      if (t === ka || t + 1 >= n || byteAt(s, t) !== COLON || !isBlank(byteAt(s, t + 1))) break;
      t++;
      while (t < n && t - ka < 300 && isBlank(byteAt(s, t))) t++;
      // (quoted, "..." or '...')
      const q = t < n && (byteAt(s, t) === QUOTE || byteAt(s, t) === APOS) ? byteAt(s, t) : -1;
      const a = q >= 0 ? t + 1 : t;
      let b = a;
      while (b < n && b - a < MAX_VALUE && byteAt(s, b) !== LF && byteAt(s, b) !== CR && !isBlank(byteAt(s, b))) {
        if (byteAt(s, b) === q) break;
        b++;
      }
      if (!paddedBase64(s, a, b) || (q >= 0 && (b >= n || byteAt(s, b) !== q))) break;
      // (the line's rest: blanks, a comment)
      let r = q >= 0 ? b + 1 : b;
      while (r < n && r - b < 64 && isBlank(byteAt(s, r))) r++;
      if (r < n && byteAt(s, r) === 35) while (r < n && byteAt(s, r) !== LF && byteAt(s, r) !== CR) r++;
      if (r < n && byteAt(s, r) !== LF && byteAt(s, r) !== CR) break;
      spans[count * 2] = a;
      spans[count * 2 + 1] = b;
      count += 1;
      k = r < n && byteAt(s, r) === CR ? r + 2 : r + 1;
    }
    end.e = k;
    if (count > 0) {
      let kind = yamlObjectKind(s, k, d, 1, n);
      if (kind < 0) kind = yamlObjectKind(s, ls, d, -1, n);
      if (kind === 0) return 0;
    }
    return count;
  }
  // JSON: "data": { "key": "value", ... } (or with \" for each quote)
  const esc = byteAt(s, p) === BACKSLASH;
  const q = esc ? 2 : 1;
  k = p + (esc ? 9 : 7);
  while (k < n && k - p < 64 && isBlank(byteAt(s, k))) k++;
  if (k >= n || byteAt(s, k) !== LBRACE) return 0;
  const o = k;
  k++;
  while (k < n && count < 256) {
    while (k < n && k - p < MAX_VALUE && (isBlank(byteAt(s, k)) || byteAt(s, k) === LF || byteAt(s, k) === CR)) k++;
    // (a member: its quoted name, ":", its quoted value)
    if (!(esc ? byteAt(s, k) === BACKSLASH && byteAt(s, k + 1) === QUOTE : byteAt(s, k) === QUOTE)) break;
    let t = k + q;
    while (t < n && t - k < 256 && (ch.isKeyUnit(byteAt(s, t)) || byteAt(s, t) === DOT)) t++;
    if (esc ? byteAt(s, t) !== BACKSLASH || byteAt(s, t + 1) !== QUOTE : byteAt(s, t) !== QUOTE) break;
    t += q;
    while (t < n && t - k < 300 && isBlank(byteAt(s, t))) t++;
    if (t >= n || byteAt(s, t) !== COLON) break;
    t++;
    while (t < n && t - k < 300 && isBlank(byteAt(s, t))) t++;
    if (esc ? byteAt(s, t) !== BACKSLASH || byteAt(s, t + 1) !== QUOTE : byteAt(s, t) !== QUOTE) break;
    const a = t + q;
    let b = a;
    while (
      b < n &&
      b - a < MAX_VALUE &&
      byteAt(s, b) < 256 &&
      ((cls(byteAt(s, b)) & C_B64) !== 0 || byteAt(s, b) === EQUALS)
    )
      b++;
    if (esc ? byteAt(s, b) !== BACKSLASH || byteAt(s, b + 1) !== QUOTE : byteAt(s, b) !== QUOTE) break;
    if (!paddedBase64(s, a, b)) break;
    spans[count * 2] = a;
    spans[count * 2 + 1] = b;
    count += 1;
    k = b + q;
    while (k < n && k - b < 64 && isBlank(byteAt(s, k))) k++;
    if (k < n && byteAt(s, k) === COMMA) k++;
    else break;
  }
  end.e = k;
  if (count > 0 && jsonObjectKind(s, p, o, esc, n) === 0) return 0;
  return count;
}
