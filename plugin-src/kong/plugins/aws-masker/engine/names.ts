// Names by context: bucket, function, database, cluster, table, queue, role and user names have no fixed shape, so
// they are recognised by what surrounds them — a key (`"BucketName": "x"`, `DBInstanceIdentifier: x`,
// `bucket = "x"`, `function_name = "x"`, `key=value`), a CLI flag (`--function-name x`) or the JSON member the value
// belongs to (keyCtx). Once found, a name is learned for the request (session.ts) and every other occurrence of it,
// with word boundaries, gets the same pseudonym (learnedIn below).
// Keys are compared normalised: lower case, without "_" and "-" ("DBInstanceIdentifier", "db-instance-identifier"
// and "db_instance_identifier" are one key). The scanner only looks a key up when the word is followed by a
// separator (quote, ':', '=' or, after "--", a blank), through a numeric hash computed without building a string.
// Pure: the same code runs compiled to Lua and as JavaScript.

import * as ch from "./chars";
import { sub, isKeyUnit } from "./chars";
import { Kind } from "./catalogue";
import { HASH_LEN, hashCharsIn, pseudonymEndAt } from "./pseudonym";

const byteAt = ch.byteAt;
const cls = ch.cls;
const lowerCode = ch.lowerCode;
const suffixIn = ch.suffixIn;
const matchesAt = ch.matchesAt;
const C_ALNUM = ch.C_ALNUM;
const C_LOWER = ch.C_LOWER;
const C_DIGIT = ch.C_DIGIT;

/** Longest key looked up, in units without "_" and "-". */
const KEY_UNITS_MAX = 40;

/** Values never taken as names (common words, defaults, placeholders). Compared lower-cased. */
export const STOPLIST: Record<string, boolean> = {
  // AWS services' names, which also name users and plugins (DMS's examples' "Username": "dms", Fluent Bit's `Name
  // opensearch`): a service's name identifies nothing, and learned it would stand in for the service in every ARN
  athena: true,
  cloudwatch: true,
  docdb: true,
  dms: true,
  dynamodb: true,
  elasticache: true,
  elasticsearch: true,
  emr: true,
  // (and the ordinary words services are named by: the Network Firewall docs' "firewall_name": "firewall")
  firewall: true,
  firehose: true,
  glue: true,
  kafka: true,
  kinesis: true,
  memorydb: true,
  neptune: true,
  opensearch: true,
  redshift: true,
  rds: true,
  sagemaker: true,
  grafana: true,
  default: true,
  true: true,
  false: true,
  none: true,
  null: true,
  nil: true,
  main: true,
  test: true,
  tests: true,
  name: true,
  names: true,
  example: true,
  value: true,
  string: true,
  undefined: true,
  yes: true,
  off: true,
  enabled: true,
  disabled: true,
  admin: true,
  root: true,
  user: true,
  users: true,
  ubuntu: true,
  "ec2-user": true,
  postgres: true,
  mysql: true,
  master: true,
  primary: true,
  prod: true,
  production: true,
  staging: true,
  dev: true,
  string2: true,
  todo: true,
  my: true,
  the: true,
  and: true,
  for: true,
  your: true,
  this: true,
  that: true,
  all: true,
  any: true,
  bucket: true,
  // EKS's own names: the namespace of its add-ons, the ConfigMap that maps IAM to Kubernetes, Karpenter's AMI families;
  // and a service's name as a provider's (External Secrets' service: SecretsManager)
  "kube-system": true,
  "aws-auth": true,
  al2: true,
  al2023: true,
  bottlerocket: true,
  secretsmanager: true,
  parameterstore: true,
  // EBS volume types, also the usual StorageClass names (type: gp3, storageClassName: gp3)
  gp2: true,
  gp3: true,
  io1: true,
  io2: true,
  st1: true,
  sc1: true,
  // ingress classes (an Ingress's className: alb of the AWS Load Balancer Controller, nginx): learned, they would
  // replace the word in every annotation key (alb.ingress.kubernetes.io/scheme)
  alb: true,
  nlb: true,
  nginx: true,
  // a chat message's role (Bedrock's Converse and its invocation logs: "role": "assistant"), and AWS's own values
  // that name keys take (a SageMaker endpoint's InService and default variant, Bedrock's commitment and test alias)
  assistant: true,
  inservice: true,
  alltraffic: true,
  onemonth: true,
  sixmonths: true,
  agenttestalias: true,
  // API Gateway's service name for SigV4 (awscurl --service execute-api)
  "execute-api": true,
  // Fluent Bit's and Fluentd's plugins, the Name of an [INPUT] or [OUTPUT] section (@type cloudwatch_logs)
  cloudwatch_logs: true,
  kinesis_streams: true,
  kinesis_firehose: true,
  tail: true,
  forward: true,
  systemd: true,
  // (fifty-third pass) and the log shippers themselves, which also name their users and roles ("the fluent-bit user
  // password was not rotated"): learned, the tool's name was replaced in every command and path of the request
  "fluent-bit": true,
  fluentbit: true,
  fluentd: true,
  "td-agent": true,
  filebeat: true,
  logstash: true,
  "kinesis-agent": true,
  // Kubernetes add-ons on EKS under their own names (a namespace, a service account, a role session): learned, they
  // replaced karpenter.sh, external-dns.alpha.kubernetes.io and the like in every key of the text
  karpenter: true,
  "external-dns": true,
  "cluster-autoscaler": true,
  // (fifty-first pass) Route 53 Resolver's auto-defined rule's name
  "internet resolver": true,
  "aws-load-balancer-controller": true,
  "aws-node": true,
  coredns: true,
  "kube-proxy": true,
  // a CloudFormation resource's type word as a logical id (AWS::ElasticLoadBalancingV2::LoadBalancer), EMR's default
  // user (/user/hadoop), Lake Formation's built-in principal
  loadbalancer: true,
  hadoop: true,
  iam_allowed_principals: true,
  // Athena's default data catalog (Catalog=AwsDataCatalog)
  awsdatacatalog: true,
  // a container log's stream (Docker's json-file log: "stream":"stdout")
  stdout: true,
  stderr: true,
  // EKS envelope encryption's resource type ("resources": ["secrets"])
  secrets: true,
  table: true,
  queue: true,
  role: true,
  cluster: true,
  function: true,
  lambda: true,
  database: true,
  db: true,
  required: true,
  optional: true,
  unknown: true,
  empty: true,
  auto: true,
  // log levels (the OpenTelemetry Collector's and many agents' tab-separated lines: <time>\tinfo\t<message>)
  trace: true,
  debug: true,
  info: true,
  notice: true,
  warn: true,
  warning: true,
  error: true,
  fatal: true,
  critical: true,
  // states, types and other values of name-like keys in AWS outputs that are not resource names
  running: true,
  stopped: true,
  pending: true,
  terminated: true,
  stopping: true,
  available: true,
  active: true,
  inactive: true,
  creating: true,
  deleting: true,
  deleted: true,
  failed: true,
  succeeded: true,
  // statuses and enums of CLI output that a cell reader would otherwise take for names (ssm describe-instance-information's
  // PingStatus and ResourceType, a command's Status, an Auto Scaling activity's StatusCode, a target's health, a
  // parameter's DataType, a key pair's KeyType)
  success: true,
  successful: true,
  online: true,
  offline: true,
  healthy: true,
  unhealthy: true,
  ec2instance: true,
  managedinstance: true,
  connectionlost: true,
  text: true,
  rsa: true,
  ed25519: true,
  completed: true,
  ok: true,
  alarm: true,
  insufficient_data: true,
  standard: true,
  stringlist: true,
  securestring: true,
  number: true,
  boolean: true,
  binary: true,
  internal: true,
  "internet-facing": true,
  application: true,
  network: true,
  gateway: true,
  fargate: true,
  ec2: true,
  replica: true,
  serverless: true,
  provisioned: true,
  ondemand: true,
  pay_per_request: true,
  enabled_: true,
  resource: true,
  stack: true,
  service: true,
  tag: true,
  tags: true,
  key: true,
  id: true,
  arn: true,
  type: true,
  region: true,
  app: true,
  web: true,
  api: true,
  worker: true,
  http: true,
  https: true,
  tcp: true,
  udp: true,
  json: true,
  yaml: true,
  latest: true,
  stable: true,
  local: true,
  // (pre-commit's own hooks: repos: - repo: meta, beside repo: local)
  meta: true,
  global: true,
  public: true,
  private: true,
  managed: true,
  custom: true,
  aws: true,
  amazon: true,
  linux: true,
  windows: true,
  key_name: true,
  // a git remote (git remote -v), AWS Glue's job types, the AWS-managed SCP
  origin: true,
  upstream: true,
  glueetl: true,
  pythonshell: true,
  gluestreaming: true,
  "p-fullawsaccess": true,
  // (fifty-second pass) HTTP's methods, a span's name (the OpenTelemetry Collector's debug exporter: Name : POST);
  // OpenTelemetry's own name, its traces' pipeline ("pipeline": "traces"; not metrics or logs, a node group's or a
  // cluster's names as often) and an exception's event
  get: true,
  post: true,
  put: true,
  patch: true,
  head: true,
  opentelemetry: true,
  traces: true,
  exception: true,
  // IAM's effects, CloudFormation's change actions and Amplify's provider (cdk diff and amplify status tables)
  allow: true,
  deny: true,
  create: true,
  update: true,
  delete: true,
  awscloudformation: true,
  // EC2's resource types (describe-tags --output text prints them in a cell of their own)
  instance: true,
  volume: true,
  image: true,
  snapshot: true,
  subnet: true,
  vpc: true,
  "security-group": true,
  "network-interface": true,
  "internet-gateway": true,
  "route-table": true,
  natgateway: true,
  "launch-template": true,
  "elastic-ip": true,
  "network-acl": true,
  "vpc-endpoint": true,
  "key-pair": true,
  "dhcp-options": true,
  "transit-gateway": true,
  "spot-instances-request": true,
  // (forty-eighth pass) Spot's request types, product descriptions, interruption behaviours, status codes and fleet
  // history events (describe-spot-instance-requests and describe-spot-fleet-request-history --output text print them in
  // cells of their own; learned, "terminate" replaced IMDS's {"action": "terminate"} and "fulfilled" the prose), an
  // Outposts local gateway route table's modes, Lightsail's default login (Bitnami's images)
  "one-time": true,
  persistent: true,
  "linux/unix": true,
  terminate: true,
  hibernate: true,
  "marked-for-termination": true,
  "marked-for-stop": true,
  "marked-for-hibernation": true,
  "pending-evaluation": true,
  "pending-fulfillment": true,
  "capacity-not-available": true,
  "price-too-low": true,
  "instance-terminated-by-price": true,
  "instance-terminated-by-user": true,
  "instance-terminated-no-capacity": true,
  "instance-terminated-by-service": true,
  "request-canceled-and-instance-running": true,
  "schedule-expired": true,
  fulfilled: true,
  instancechange: true,
  fleetrequestchange: true,
  launchspecunusable: true,
  launchspectemporarilyblacklisted: true,
  "direct-vpc-routing": true,
  coip: true,
  bitnami: true,
  // Slurm's job steps (sacct's JobName column: <job>.batch, <job>.extern)
  batch: true,
  extern: true,
  // EC2's architectures and hypervisors, and a Savings Plan's type (describe-instances and describe-savings-plans
  // --output text print them in cells of their own)
  x86_64: true,
  arm64: true,
  i386: true,
  xen: true,
  nitro: true,
  hvm: true,
  paravirtual: true,
  compute: true,
  // types and placeholders of code
  str: true,
  int: true,
  dict: true,
  list: true,
  float: true,
  bytes: true,
  tuple: true,
  object: true,
  bool: true,
  too: true,
  self: true,
  cls: true,
  args: true,
  kwargs: true,
  options: true,
  opts: true,
  params: true,
  config: true,
  data: true,
  // words an error wraps or a runner's log says after a noun's colon (Go's "head bucket: operation error S3: ...", ECS's
  // "registry auth: execution resource retrieval failed", "registry auth: pull command failed"), an exception AWS
  // names errors by ("name": "AccessDenied"), CodePipeline's default stage names, a CLI enum (--require-approval never)
  operation: true,
  execution: true,
  pull: true,
  accessdenied: true,
  source: true,
  build: true,
  never: true,
  // code hosts (CodeConnections' ProviderType, a Terragrunt source's git::), Flux's namespace, a TOML table of
  // GitLab's runner and of the CloudWatch agent ([session_server], [credentials], [proxy]) and the agent's user
  git: true,
  github: true,
  githubenterpriseserver: true,
  gitlab: true,
  gitlabselfmanaged: true,
  bitbucket: true,
  "flux-system": true,
  session_server: true,
  credentials: true,
  proxy: true,
  cwagent: true,
  // KMS's and SQS's default policy ids, a Linux host's network interfaces and vfat option, hostnamectl's icon name
  "key-consolepolicy-3": true,
  "key-default-1": true,
  sqsdefaultpolicy: true,
  eth0: true,
  eth1: true,
  ens5: true,
  ens6: true,
  winnt: true,
  "computer-vm": true,
  // public OIDC issuers an IAM OIDC provider trusts (arn:aws:iam::<account>:oidc-provider/token.actions.
  // githubusercontent.com, its condition keys token.actions.githubusercontent.com:sub)
  "token.actions.githubusercontent.com": true,
  "accounts.google.com": true,
  "app.terraform.io": true,
  // the OpenTelemetry Collector's AWS components (its log's "name": "awsemf"), Firehose's default log stream
  awsemf: true,
  awsxray: true,
  awscloudwatchlogs: true,
  resourcedetection: true,
  prometheusremotewrite: true,
  sigv4auth: true,
  destinationdelivery: true,
  // services' ids as the SDKs print them in an error ("(Service: Sqs, Status Code: 400", v1's "(Service: AmazonSQS;")
  // and as SigV4 signs for them (service: aps)
  sqs: true,
  sns: true,
  sts: true,
  kms: true,
  iam: true,
  ecs: true,
  ecr: true,
  eks: true,
  ssm: true,
  ses: true,
  aps: true,
  amazonsqs: true,
  amazonsns: true,
  amazonec2: true,
  amazons3: true,
  awslambda: true,
  awskms: true,
  awssecuritytokenservice: true,
  // a file's field names (.pgpass's "# hostname:port:database:username:password"), the database engines' own users,
  // schemas and process states (RDS's rdsadmin, SHOW PROCESSLIST's event_scheduler ... Sleep, Query: learned, "Query
  // OK" became a pseudonym), Neptune's SigV4 service, Control Tower's default account names (Security, Audit: a name
  // learned is replaced in every sentence)
  password: true,
  passwd: true,
  username: true,
  hostname: true,
  rdsadmin: true,
  rdsrepladmin: true,
  rdstopmgr: true,
  localhost: true,
  information_schema: true,
  performance_schema: true,
  event_scheduler: true,
  sleep: true,
  daemon: true,
  query: true,
  "neptune-db": true,
  security: true,
  audit: true,
  // (the word itself after a key that ends like one: "CodePipeline: pipeline <name> ...")
  pipeline: true,
  // security services by the names their findings give them ("serviceName": "guardduty": learned, it was replaced in
  // every arn:aws:guardduty:...)
  guardduty: true,
  securityhub: true,
  inspector: true,
  inspector2: true,
  macie: true,
  macie2: true,
  detective: true,
  cloudtrail: true,
  // languages, kernels and the applications an EMR cluster runs (--applications Name=Spark Name=Hive; a notebook's
  // kernelspec "name": "python3"), data formats (a Glue table's classification), database engines (DMS's EngineName,
  // MigrationType), address families, transit gateway attachments' resource types, IoT's and Greengrass's own names,
  // Amplify's categories (not auth, storage, hosting, analytics: a service's or a database's one-word name): learned, each was replaced in every sentence that names the product
  python: true,
  python3: true,
  ipython3: true,
  spark: true,
  hive: true,
  presto: true,
  trino: true,
  livy: true,
  hue: true,
  jupyterhub: true,
  zeppelin: true,
  tez: true,
  pig: true,
  flink: true,
  hbase: true,
  oozie: true,
  sqoop: true,
  zookeeper: true,
  ganglia: true,
  phoenix: true,
  iceberg: true,
  hudi: true,
  csv: true,
  tsv: true,
  parquet: true,
  orc: true,
  avro: true,
  gzip: true,
  snappy: true,
  xml: true,
  oracle: true,
  aurora: true,
  "aurora-postgresql": true,
  "aurora-mysql": true,
  sqlserver: true,
  "sqlserver-se": true,
  "sqlserver-ee": true,
  "sqlserver-ex": true,
  "sqlserver-web": true,
  "oracle-ee": true,
  "oracle-se2": true,
  "oracle-ee-cdb": true,
  "oracle-se2-cdb": true,
  "custom-oracle-ee": true,
  "custom-sqlserver-ee": true,
  "db2-se": true,
  "db2-ae": true,
  db2: true,
  sybase: true,
  mariadb: true,
  "full-load": true,
  cdc: true,
  "full-load-and-cdc": true,
  ipv4: true,
  ipv6: true,
  dualstack: true,
  vpn: true,
  "direct-connect-gateway": true,
  peering: true,
  fleetstatusservice: true,
  ggc_user: true,
  ggc_group: true,
  aws_things: true,
  aws_thinggroups: true,
  notifications: true,
  interactions: true,
  predictions: true,
  geo: true,
  contactflowevent: true,
  // Cognito's attribute and identity provider names (list-users' Name/Value rows: sub, identities; "Google"), the IAM
  // credential report's fixed values (N/A, not_supported)
  sub: true,
  identities: true,
  google: true,
  facebook: true,
  signinwithapple: true,
  loginwithamazon: true,
  "n/a": true,
  not_supported: true,
  no_information: true,
  // mail headers' names (an SES notification's mail.headers, {"name": "From", "value": ...}) and SNS's protocols (the
  // Protocol column of list-subscriptions: email, sms)
  from: true,
  subject: true,
  "reply-to": true,
  "return-path": true,
  "content-type": true,
  "content-transfer-encoding": true,
  "mime-version": true,
  "message-id": true,
  "dkim-signature": true,
  "feedback-id": true,
  "list-unsubscribe": true,
  "x-ses-configuration-set": true,
  email: true,
  "email-json": true,
  sms: true,
  // Kubernetes' and monitoring stacks' own namespaces (Alertmanager's "namespace": "monitoring"), Opsgenie's and
  // Windows' "System" user, Grafana's variables named after a service (ebs, asg)
  system: true,
  monitoring: true,
  logging: true,
  observability: true,
  ebs: true,
  asg: true,
  // a pull request's checks (gh pr checks: a check's state, the linters)
  pass: true,
  fail: true,
  tflint: true,
  checkov: true,
  tfsec: true,
  // weekdays (Last login: Mon Mar  4 16:02:11 2024: "login" is a name key)
  mon: true,
  tue: true,
  wed: true,
  thu: true,
  fri: true,
  sat: true,
  sun: true,
  // PostgreSQL's logical decoding plugins (Debezium's plugin.name)
  pgoutput: true,
  decoderbufs: true,
  wal2json: true,
  // MongoDB's and DocumentDB's built-in roles (mongosh's roles: [ { db: 'x', role: 'readWrite' } ])
  readwrite: true,
  dbadmin: true,
  dbowner: true,
  useradmin: true,
  clusteradmin: true,
  clustermanager: true,
  clustermonitor: true,
  hostmanager: true,
  readanydatabase: true,
  readwriteanydatabase: true,
  useradminanydatabase: true,
  dbadminanydatabase: true,
  // Airflow's default connections (aws_conn_id="aws_default"), the SSM agent's and other AWS agents' own names, EC2's
  // default instance profile in IMDS (default-hvm), Windows' built-in administrator and AD's first site
  aws_default: true,
  redshift_default: true,
  postgres_default: true,
  snowflake_default: true,
  mysql_default: true,
  emr_default: true,
  http_default: true,
  "amazon-ssm-agent": true,
  "amazon-cloudwatch-agent": true,
  "ec2-instance-connect": true,
  "aws-iot-device-client": true,
  "default-hvm": true,
  "default-paravirtual": true,
  administrator: true,
  "default-first-site-name": true,
  // AWS's endpoint prefixes as an API client names the signing service (Bruno's service: events), Amplify's services
  // and fixed resource names (amplify-meta.json's "service": "AppSync", S3AndCloudFront hosting, userPoolGroups), IIS's
  // default application pool, EMR's step runner and Spark's submit command, browsers' DevTools (a HAR's creator)
  events: true,
  states: true,
  appsync: true,
  cognito: true,
  s3andcloudfront: true,
  userpoolgroups: true,
  defaultapppool: true,
  "command-runner.jar": true,
  "spark-submit": true,
  webinspector: true,
  // FSx for Windows' remote PowerShell endpoint (-ConfigurationName FSxRemoteAdmin)
  fsxremoteadmin: true,
  // (forty-fifth pass) get-metric-data's StatusCode, a reserved instance's or a Savings Plan's states, GuardDuty's
  // resource roles, Connect's system agent status, ACM's key algorithms, keytool's signature algorithms, X-Ray's
  // subsegment namespaces
  complete: true,
  partialdata: true,
  retired: true,
  "payment-pending": true,
  "payment-failed": true,
  "queued-deleted": true,
  target: true,
  actor: true,
  aftercontactwork: true,
  ec_prime256v1: true,
  ec_secp384r1: true,
  ec_secp521r1: true,
  sha256withrsa: true,
  sha384withrsa: true,
  sha256withecdsa: true,
  remote: true,
  // AWS Budgets' budget types (the alert mail's "Budget Type<tab>Cost": learned, every "Cost" of the mail went)
  cost: true,
  usage: true,
  "ri utilization": true,
  "ri coverage": true,
  "savings plans utilization": true,
  "savings plans coverage": true,
  // Security Hub's products of AWS's own (ASFF's ProductName; learned, it replaced the service's name in prose)
  "security hub": true,
  "access analyzer": true,
  "iam access analyzer": true,
  "firewall manager": true,
  "systems manager": true,
  "systems manager patch manager": true,
  "audit manager": true,
  "trusted advisor": true,
  // AWS's public suffix (a Resolver auto-defined rule's domain: learned, it replaced every endpoint's) and CodeCommit's
  // endpoint label (~/.ssh/config's Host git-codecommit.*.amazonaws.com)
  "amazonaws.com": true,
  "amazonaws.com.cn": true,
  "git-codecommit": true,
  "final-state": true,
  // (fiftieth pass) tools' own default names: Consul's built-in check (serfHealth), MediaConvert's default output
  // groups (learned, "File Group" replaced the words in the user's question)
  "serf health status": true,
  serfhealth: true,
  "apple hls": true,
  "file group": true,
  "dash iso": true,
  "ms smooth": true,
  cmaf: true,
  // (fiftieth pass) slurmdbd's default database (StorageLoc=slurm_acct_db), FSx for Windows' default administrators
  // groups (FileSystemAdministratorsGroup: Domain Admins, or AWS Managed AD's delegated group)
  slurm_acct_db: true,
  "domain admins": true,
  "aws delegated fsx administrators": true,
};

/**
 * Normalised-key lookup: the keys' units read backwards (a suffix trie, chars.ts), so a word is looked up from its end
 * with no string built, and most words leave at their last or second-to-last unit.
 */
export interface KeyTable {
  trie: ch.SuffixSet;
  /** trie node -> the kind of the key ending there */
  kinds: Record<number, Kind>;
}

export function newKeyTable(): KeyTable {
  return { trie: ch.newSuffixSet([]), kinds: {} };
}

/** key: lower case, without "_" and "-" (as keys are compared). */
export function addKey(t: KeyTable, key: string, kind: Kind): void {
  const node = ch.suffixNode(t.trie, key);
  t.kinds[node] = kind;
  // (a key ends here: what mayEndIn asks of a set's words)
  t.trie.word[node] = 0;
}

/** Units a key token's words are joined with, compared without (kindOfKeyEndingAt). */
const KEY_JOINERS = ch.unitSet([95, 45]);

/** Where a key token starts, and its leading dashes (CLI flags): filled by the key readers for their caller. */
export interface KeyToken {
  start: number;
  dashes: number;
}

/** A span [s, e) of a text: filled by the value readers for their caller. */
export interface Span {
  s: number;
  e: number;
}

/**
 * The kind whose key is the token ending at j (exclusive) in s, or undefined. Sets key.start to the token start and
 * key.dashes to the count of leading dashes (CLI flags).
 */
export function kindOfKeyEndingAt(t: KeyTable, s: string, j: number, key: KeyToken): Kind | undefined {
  // (most words end like no key: answered without the loop, see ch.mayEndIn)
  if (!ch.mayEndIn(t.trie, s, 0, j, KEY_JOINERS)) return undefined;
  // the first twelve units written out, as credentials.ts credentialKeyEndingAt's walk (a loop reached from a trace's
  // start aborts it); longer keys go on in the loop
  walkKey(t, s, j, 0);
  let node = TRIE_WALK.node;
  let k = TRIE_WALK.k;
  if ((node < 0 || t.kinds[node] === undefined) && k >= 0) {
    // (fifty-first pass) a literal escape's letter opening the token ("\ncluster x", "\tbucket: x"): the key starts
    // after it (the walk failed at that letter, or stopped at its backslash)
    const e = byteAt(s, k) === 92 ? k + 1 : k;
    if (e < j - 1 && ch.escapeLetterAt(s, e, j)) {
      walkKey(t, s, j, e + 1);
      node = TRIE_WALK.node;
      k = TRIE_WALK.k;
    }
  }
  if (node < 0) return undefined;
  const kind = t.kinds[node];
  if (kind === undefined) return undefined;
  let a = k + 1;
  let dashes = 0;
  while (a < j && byteAt(s, a) === 45) {
    a++;
    dashes++;
  }
  key.start = a;
  key.dashes = dashes;
  return kind;
}

/** kindOfKeyEndingAt's walk back from j - 1 down the key table's trie, not below stop (TRIE_WALK). */
function walkKey(t: KeyTable, s: string, j: number, stop: number): void {
  TRIE_WALK.k = j - 1;
  TRIE_WALK.node = 0;
  TRIE_WALK.units = 0;
  TRIE_WALK.done = false;
  TRIE_WALK.stop = stop;
  fourTrieSteps(t.trie.next, s);
  fourTrieSteps(t.trie.next, s);
  fourTrieSteps(t.trie.next, s);
  while (!TRIE_WALK.done) trieStep(t.trie.next, s);
}

/**
 * kindOfKeyEndingAt's walk back from k over a key's units (the joiners "_" "-" skipped) down the key table's trie: node
 * is -1 once the key ends like no key (or is longer than KEY_UNITS_MAX units); done when the walk stopped.
 */
const TRIE_WALK = { k: 0, node: 0, units: 0, done: false, stop: 0 };

function trieStep(next: Record<number, number>, s: string): void {
  if (TRIE_WALK.done) return;
  const k = TRIE_WALK.k;
  const c = k >= TRIE_WALK.stop ? byteAt(s, k) : -1;
  if (c < 0 || !isKeyUnit(c)) {
    TRIE_WALK.done = true;
    return;
  }
  if (c !== 95 && c !== 45) {
    const child = next[TRIE_WALK.node * 128 + lowerCode(c)];
    TRIE_WALK.units++;
    if (child === undefined || TRIE_WALK.units > KEY_UNITS_MAX) {
      TRIE_WALK.node = -1;
      TRIE_WALK.done = true;
      return;
    }
    TRIE_WALK.node = child;
  }
  TRIE_WALK.k = k - 1;
}

/** trieStep four times, written out. */
function fourTrieSteps(next: Record<number, number>, s: string): void {
  trieStep(next, s);
  trieStep(next, s);
  trieStep(next, s);
  trieStep(next, s);
}

/** kindOfKey's own token record (read right after the call that fills it). */
const WHOLE_KEY: KeyToken = { start: 0, dashes: 0 };

/** Kind of a whole key string (a JSON member name), or undefined. */
export function kindOfKey(t: KeyTable, key: string): Kind | undefined {
  const n = key.length;
  // (three units: Cognito's "sub", the one key that short)
  if (n < 3 || n > 48) return undefined;
  const kind = kindOfKeyEndingAt(t, key, n, WHOLE_KEY);
  return kind !== undefined && WHOLE_KEY.start === 0 ? kind : undefined;
}

// Normalised key endings that say "a resource name" whatever the service (KeyName, GroupName, TableNames,
// AutoScalingGroupName, --stack-name, key_name, PhysicalResourceId, identifier ...): fail closed, the value is a name
// (the generic kind "resource-name") unless a kind of its own claims the key.
const GENERIC_ENDINGS = [
  "name",
  // an IAM Identity Center session of ~/.aws/config (sso_session = <name>, aws sso login --sso-session <name>)
  "ssosession",
  "names",
  "identifier",
  "physicalresourceid",
  "resourceid",
  "externalid",
  "instanceprofile",
  "bucket",
  "buckets",
  "table",
  "tables",
  "cluster",
  "clusters",
  "function",
  "functions",
  "repository",
  "repositories",
  // (forty-eighth pass) a Makefile's or a script's REPO, IMAGE_REPO, REPOS: an ECR repository, with its namespace
  "repo",
  "repos",
  "vault",
  "topic",
  "topics",
  "queue",
  "queues",
  "user",
  "namespace",
  "nodegroup",
  "profile",
  "service",
  "services",
  "stack",
  "stacks",
  "alias",
  "aliases",
  // an Athena workgroup (--work-group, WorkGroup)
  "workgroup",
  // an Auto Scaling group (Datadog's and CloudWatch's autoscaling_group tag and dimension, AutoScalingGroup)
  "autoscalinggroup",
  // an account's root email (organizations list-accounts, describe-organization), an Identity Center user's
  "email",
  "emailaddress",
  "role",
  "roles",
  "users",
  "domain",
  "family",
  "secretid",
  // an app client's id (Cognito user pool clients: COGNITO_CLIENT_ID, UserPoolClientId)
  "clientid",
  // a security group's name (the ALB controller's security-groups annotation, --group-name is "name")
  "securitygroup",
  "securitygroups",
  // Karpenter's discovery tag (karpenter.sh/discovery: <cluster>)
  "discovery",
  // an event's resources (EventBridge, AWS Health: names and ids side by side), a Health event's affected entity
  "resources",
  "entityvalue",
  "nodegroupname",
  "alarmname",
  // a Glue job's or crawler's connections ("Connections": {"Connections": ["ledger-aurora-conn"]})
  "connections",
  // the identity a role session carries (sts assume-role --source-identity, CloudTrail's sourceIdentity)
  "sourceidentity",
  // an ACM certificate's domain names (SubjectAlternativeNameSummaries: ["*.internal.example.io"])
  "namesummaries",
  // an AWS Batch compute environment (describe-jobs' computeEnvironment, --compute-environments)
  "computeenvironment",
  "computeenvironments",
  // Karpenter's node pools and node claims (karpenter.sh/nodepool=<name> labels, its controller's JSON log)
  "nodepool",
  // an Airflow connection (aws_conn_id=, redshift_conn_id=, conn_id:), the Airflow secrets backends' prefixes (a
  // secret's or a parameter's path), an AD account (dsquery -samid)
  // (forty-fourth pass)
  "connid",
  "connectionsprefix",
  "variablesprefix",
  "configprefix",
  "samid",
  "nodeclaim",
  // Karpenter's node class (karpenter.k8s.aws/ec2nodeclass=<name>), Fluent Bit's log stream prefix (logStreamPrefix,
  // log_stream_prefix), AFT's and Control Tower's organizational unit (ManagedOrganizationalUnit) (forty-seventh pass)
  "ec2nodeclass",
  "logstreamprefix",
  "organizationalunit",
  // a CDK bootstrap's qualifier (cdk bootstrap --qualifier x, @aws-cdk/core:bootstrapQualifier); a tenant (an
  // EventBridge target's X-Tenant header parameter, an X-Ray annotation), an API Gateway authorizer's principalId
  "qualifier",
  "tenant",
  "principalid",
  // an IAM Identity Center permission set (admin_permission_set, aws_ssoadmin_permission_set's name) (forty-eighth pass)
  "permissionset",
  // a container's name in a task or pod (X-Ray's aws.ecs.container, ecs execute-command --container), and the pod's
  // (kube-state-metrics' pod label, an Alertmanager alert's labels.pod)
  "container",
  "pod",
  // the IAM identity an SES message was sent by and its configuration set (an SES event's ses:caller-identity and
  // ses:configuration-set tags)
  "calleridentity",
  "configurationset",
  // an ElastiCache RBAC user group (UserGroupIds: ["ledger-app-users"], --user-group-id)
  "usergroupid",
  "usergroupids",
  // an EKS managed node group's key pair (remoteAccess.ec2SshKey, Terraform's remote_access { ec2_ssh_key })
  "ec2sshkey",
  // an AWS Batch compute environment's key pair and placement group (ec2KeyPair, placementGroup), a Glue job's
  // security configuration (SecurityConfiguration)
  "keypair",
  "placementgroup",
  "securityconfiguration",
  // a CloudWatch Evidently project and launch (--project, --launch, "project": in its events)
  "project",
  "launch",
  // a login's user (Airflow's connection login, --conn-login; a database's), Spring Cloud AWS's @SqsListener("<queue>")
  "login",
  "sqslistener",
  // a Kinesis or Firehose stream, an EventBridge bus and rule, a Step Functions state machine as a key of their own
  // (KINESIS_STREAM=, EVENT_BUS=, --rule, STATE_MACHINE=, Serverless's eventBus:)
  "stream",
  "bus",
  "rule",
  "statemachine",
  // a DMS task's log group and target schema (CloudWatchLogGroup, TargetSchema), an Athena query's data catalog
  // (--query-execution-context Catalog=<name>)
  "loggroup",
  "targetschema",
  "catalog",
  // a JDBC URL's schema (?currentSchema=), a CodeConnections source's repository (FullRepositoryId: org/repo), an ECS
  // secret's SSM parameter or secret by name ("valueFrom": "/prod/api/key"), Grafana's customMetricsNamespaces
  "currentschema",
  // get-account-authorization-details' GroupList (a user's IAM groups)
  "grouplist",
  "fullrepositoryid",
  "valuefrom",
  "namespaces",
  // a CodePipeline event's pipeline (EventBridge's "detail": {"pipeline": x}), an RDS Proxy log's [proxyEndpoint=x]
  "pipeline",
  "proxyendpoint",
  // an SES configuration set by an app's setting (SES_CONFIG_SET), an ECS task definition's family[:revision]
  "configset",
  "taskdefinition",
  // an API management layer's developer app (Apigee's message log: developer_app=x)
  "developerapp",
  // a Snowflake warehouse (dbt's and Airflow's Snowflake profiles), a Debezium connector's topic prefix
  "warehouse",
  "topicprefix",
  // OpenSearch's index names in an application's config (indexPrefix, index_name)
  "indexprefix",
  "indexname",
  // (forty-eighth pass) a Chime SDK attendee's and meeting's own ids (CreateAttendee's ExternalUserId: the app's user,
  // often a login or an e-mail), AWS End User Messaging's sender ID (SenderId, --sender-id; an SMS event's
  // originationPhoneNumber holds it when no number sent the message)
  "externaluserid",
  "externalmeetingid",
  "senderid",
  "originationphonenumber",
  // (forty-eighth pass) an Elastic Beanstalk application version (VersionLabel: the EB CLI's
  // app-<commit>-<yymmdd_hhmmss>), pcluster export-cluster-logs' --bucket-prefix (a support case's)
  "versionlabel",
  "bucketprefix",
  // (fiftieth pass) go-discover's cloud auto-join (provider=aws tag_key=x tag_value=<value>: Consul's, Nomad's and
  // Vault's retry_join), slurmdbd's accounting database (StorageLoc=), an FSx for Windows file system's administrators
  // group (SelfManagedActiveDirectoryConfiguration.FileSystemAdministratorsGroup)
  "tagvalue",
  "storageloc",
  "administratorsgroup",
  // (fifty-first pass) a GitHub OIDC token's actor and triggering_actor claims (a person's login, as its
  // repository_owner is the organization's)
  "actor",
  // a name's prefix as a parameter (Orca's ScanBucketNamePrefix, CloudFormation's ResourceNamePrefix, Terraform's
  // name_prefix)
  "nameprefix",
];

// Tag keys that name the company's people and structure (AWS's tagging best practices' own examples: Team, Owner,
// CostCenter, Application, Customer; a cost allocation tag's user:Team column): generic keys whose value is masked
// when it is more than one plain word (payments-core, jane.doe, CC-4410); "Owner: Platform" in a note stays.
const TAG_ENDINGS = [
  "team",
  "owner",
  "costcenter",
  "costcentre",
  // (fifty-second pass) a cost center's code as a parameter's or a variable's name (CostCenterCode, cost_center_code)
  "costcentercode",
  "application",
  "customer",
  "contact",
  "businessunit",
  "department",
  "createdby",
  // (forty-fourth pass) Packer's and provisioning tools' tags, a Systems Manager patch group (not "app": a CSV header
  // cell ending in it, constructor(scope: cdk.App, made code's lines rows)
  "builtby",
  "launchedby",
  "requestedby",
  "patchgroup",
  // a cloud-init user's full name (gecos: Dana Okafor); a Cognito token's groups (cognito:groups, as API Gateway's
  // authorizer passes the claims on: a string), read as a tag's value: one plain word (groups: docker, sudo) stays
  "gecos",
  "groups",
  // (forty-fifth pass) an app's own routing header in a capture (x-nwp-backend: the service behind; not "upstream", a
  // git remote's branch), and AWS's tagging guide's other ownership tags (ManagedBy, Maintainer, Squad)
  "backend",
  "managedby",
  "maintainer",
  "squad",
  // (forty-ninth pass) an inventory's on-call person or rota (oncall: m.haddad, on_call:) and its host's name (host:
  // nwp-edge-proxy-1, DB_HOST=; a dotted value is a DNS name the host rules read: Host: api.example.com stays theirs)
  "oncall",
  // (fifty-second pass) an organisation's slug on a SaaS (sentry-cli's .sentryclirc org=, SENTRY_ORG, --org; Terraform
  // Cloud's organization =; a GitHub organization): one plain word (org: acme) stays, as a tag's
  "org",
  "organization",
  "host",
];
const TAG = ch.newSuffixSet(TAG_ENDINGS);
const HOST_ENDING = TAG_ENDINGS.indexOf("host");

/**
 * The index in TAG_ENDINGS of the ending of the key s[a, b), or -1. "host" only as the key's last word: the whole key,
 * or after "_", "-", "." or a blank, or a capital after a lower-case letter (db_host, DB_HOST, dbHost; not ghost,
 * vhost).
 */
function tagEnding(s: string, a: number, b: number): number {
  const w = suffixIn(TAG, s, a, b, GENERIC_SKIP);
  return w !== HOST_ENDING || hostWord(s, a, b) ? w : -1;
}

/** Whether the key s[a, b), which ends like "host", has it as its last word (see tagEnding). */
function hostWord(s: string, a: number, b: number): boolean {
  if (b - a === 4) return true;
  if (b - a < 5 || !ch.matchesLowerAt(s, b - 4, b, "host")) return false;
  const c = byteAt(s, b - 5);
  if (c === 95 || c === 45 || c === 46 || c === 32) return true;
  return byteAt(s, b - 4) === 72 && (cls(c) & C_LOWER) !== 0;
}

// the host keywords of Docker (extra_hosts' host-gateway) and of /etc/hosts (ip6-localhost, ip6-loopback): no name
const HOST_KEYWORDS = ch.wordSet("host-gateway ip6-localhost ip6-loopback ip6-allnodes ip6-allrouters");

/**
 * True when the key s[a, b) ends in "host" and its value s[c, d) holds a dot (a DNS name or an address, not a name:
 * the host rules read it) or is a host keyword of HOST_KEYWORDS (host: host-gateway); or in "org" or "organization" and
 * the value holds a dot before a letter or a digit.
 */
export function dottedHostValue(s: string, a: number, b: number, c: number, d: number): boolean {
  // (fifty-second pass) and an organisation's key with a DNS name: aws-okta's --organization <tenant>.okta.com (not a
  // company's name ending its sentence, "Acme Inc.")
  if (
    (b - a >= 3 && ch.matchesLowerAt(s, b - 3, b, "org")) ||
    (b - a >= 12 && ch.matchesLowerAt(s, b - 12, b, "organization"))
  ) {
    for (let k = c; k + 1 < d && k - c < 256; k++)
      if (byteAt(s, k) === 46 && (cls(byteAt(s, k + 1)) & C_ALNUM) !== 0) return true;
    return false;
  }
  if (b - a < 4 || ch.lowerCode(byteAt(s, b - 1)) !== 116 || !ch.matchesLowerAt(s, b - 4, b, "host")) return false;
  for (let k = c; k < d && k - c < 256; k++) if (byteAt(s, k) === 46) return true;
  return d - c >= 12 && d - c <= 14 && HOST_KEYWORDS[sub(s, c, d).toLowerCase()] === true;
}

/** True when the key token ending at j (A-Za-z0-9_-, at most 64 units) ends like a resource-name key; sets key. */
export function genericKeyEndingAt(s: string, j: number, key: KeyToken): boolean {
  // most words end like no generic key: the ending is looked up before the token is walked (a walk from further back
  // finds every ending the token's own walk finds)
  const w = suffixIn(GENERIC, s, j > 64 ? j - 64 : 0, j, GENERIC_SKIP);
  if (w < 0) return false;
  let k = j;
  while (k > 0 && j - k < 64) {
    const c = byteAt(s, k - 1);
    if (isKeyUnit(c)) k--;
    else break;
  }
  let a = k;
  let dashes = 0;
  while (a < j && byteAt(s, a) === 45) {
    a++;
    dashes++;
  }
  if (j - a < 2 || j - k >= 64) return false;
  // an IAM action (timestream:DescribeEndpoints, kafka-cluster:Connect, servicecatalog:ProvisionProduct): the service's
  // prefix ends like a key, but the action right after its colon is the service's API, no resource
  if (
    byteAt(s, j) === 58 &&
    j + 2 < s.length &&
    (cls(byteAt(s, j + 1)) & ch.C_UPPER) !== 0 &&
    (cls(byteAt(s, j + 2)) & C_LOWER) !== 0 &&
    (cls(byteAt(s, a)) & C_LOWER) !== 0
  )
    return false;
  if (w === GROUP_AT ? dashes < 2 || j - a !== 5 : !genericKey(s, a, j)) return false;
  key.start = a;
  key.dashes = dashes;
  return true;
}

/**
 * True when the "i" at i, after a "-", opens an instance id of 17 hex digits inside a longer name (a CI agent's,
 * <stack>-i-<17 hex>-<n>): the 17 hex end at a unit that continues no hex run, and the part before the "-" is a word
 * (not "export" or "import": EC2's task ids, export-i-<id>).
 */
export function instanceInName(s: string, i: number, n: number): boolean {
  if (i < 2 || i + 19 > n || byteAt(s, i + 1) !== 45 || ch.hexRunEnd(s, i + 2) !== i + 19) return false;
  if ((cls(byteAt(s, i - 2)) & ch.C_ALNUM) === 0) return false;
  return !(i >= 7 && (ch.matchesAt(s, i - 7, i - 1, "export") || ch.matchesAt(s, i - 7, i - 1, "import")));
}

/**
 * Where the name before " in " and an account id at i starts ("instead of buildkite-fleetpulse-deploy in
 * 446019273850", "can't read farecalc/stg/db-credentials-Qm7xKp in 270946183357": a role, a secret, a bucket named
 * with the account that holds it), or -1: a token of name units and "/" (at most 255) standing alone after a blank, "("
 * or a quote, opening and ending with a letter or digit, with a letter, and two "-" or "_" or more, or a "/" (so that a
 * compound adjective, "read-only in ...", is none); not a region. A "/" without a "-" or "_" needs a second one (a pair
 * of words is none: "CI/CD in", "read/write in"), and a phrase of short words (end-to-end) or a pair of regions is none.
 */
export function nameBeforeIn(s: string, i: number): number {
  if (
    i < 9 ||
    byteAt(s, i - 1) !== 32 ||
    byteAt(s, i - 2) !== 110 ||
    byteAt(s, i - 3) !== 105 ||
    byteAt(s, i - 4) !== 32
  )
    return -1;
  const e = i - 4;
  let a = e;
  let joins = 0;
  let slashes = 0;
  let letter = false;
  while (a > 0 && e - a < 255) {
    const c = byteAt(s, a - 1);
    if (c === 45 || c === 95) joins++;
    else if (c === 47) slashes++;
    else if ((cls(c) & (C_LOWER | ch.C_UPPER)) !== 0) letter = true;
    else if ((cls(c) & ch.C_DIGIT) === 0 && c !== 46) break;
    a--;
  }
  if (e - a < 4 || e - a >= 255 || !letter || (joins < 2 && slashes === 0)) return -1;
  const p = a > 0 ? byteAt(s, a - 1) : 32;
  if (p !== 32 && p !== 9 && p !== 10 && p !== 40 && p !== 34 && p !== 39 && p !== 96) return -1;
  if ((cls(byteAt(s, a)) & ch.C_ALNUM) === 0 || (cls(byteAt(s, e - 1)) & ch.C_ALNUM) === 0) return -1;
  // (review of the fifty-second pass: one "/" between words is a pair of words, "CI/CD in", "read/write in",
  // "S3/DynamoDB in"; a phrase of short words and a connector, "end-to-end in", "pay-as-you-go in")
  if (joins === 0 && slashes < 2) return -1;
  return regionName(s, a, e) || (slashes > 0 && regionPart(s, a, e)) || wordPhrase(s, a, e) ? -1 : a;
}

/** True when each "/"-separated part of s[a, e), a token with a "/", is a region (us-east-1/us-west-2). */
function regionPart(s: string, a: number, e: number): boolean {
  let part = a;
  for (let k = a; k <= e; k++) {
    if (k < e && byteAt(s, k) !== 47) continue;
    if (k === part || !regionName(s, part, k)) return false;
    part = k + 1;
  }
  return true;
}

/** Connector words inside a phrase written with "-" (end-to-end, pay-as-you-go, step-by-step, state-of-the-art). */
const PHRASE_WORDS = " to of in and or the as by a for per on at ";

/**
 * True when the kebab token s[a, e) is a phrase, not a name: lower-case letters only, a connector word (to, of, as,
 * by...) among its inner parts, and every other part a short word of 5 letters or less (up-to-date, day-to-day,
 * out-of-the-box, first-in-first-out, point-in-time).
 */
function wordPhrase(s: string, a: number, e: number): boolean {
  let part = a;
  let connector = false;
  for (let k = a; k <= e; k++) {
    const c = k < e ? byteAt(s, k) : 45;
    if (c !== 45) {
      if ((cls(c) & C_LOWER) === 0) return false;
      continue;
    }
    if (k === part) return false;
    const inner = part > a && k < e;
    if (inner && PHRASE_WORDS.indexOf(" " + sub(s, part, k) + " ") >= 0) connector = true;
    else if (k - part > 5) return false;
    part = k + 1;
  }
  return connector;
}

/**
 * True when the "@" at k ends a URL's userinfo (https://user:password@host/, pip's extra-index-url): the host after it
 * is the URL's, not an e-mail address's domain. Walks back at most 256 units, over no blank and no "/".
 */
export function urlUserinfoEndsAt(s: string, k: number): boolean {
  let a = k;
  while (a > 0 && k - a < 256) {
    const c = byteAt(s, a - 1);
    if (c <= 32 || c === 47) break;
    a--;
  }
  return a >= 3 && a < k && byteAt(s, a - 1) === 47 && byteAt(s, a - 2) === 47 && byteAt(s, a - 3) === 58;
}

/**
 * True when the key token ending at j names an id (`DetectorId`, `fleet_id`, `--query-execution-id`, `FindingIds`,
 * `ID`); sets key. Case decides: "said", "valid", "android" end in "id" and are words. The value of such a key, when
 * an opaque token (opaqueToken), is the id of a resource no kind lists: fail closed.
 */
export function idKeyEndingAt(s: string, j: number, key: KeyToken): boolean {
  // (plural: FindingIds, IDs, _ids)
  const e = j >= 3 && byteAt(s, j - 1) === 115 ? j - 1 : j;
  if (e < 2) return false;
  const i = byteAt(s, e - 2);
  const d = byteAt(s, e - 1);
  if (!((i === 73 && (d === 100 || d === 68)) || (i === 105 && d === 100))) return false;
  let k = e - 2;
  while (k > 0 && j - k < 64 && isKeyUnit(byteAt(s, k - 1))) k--;
  let a = k;
  let dashes = 0;
  while (a < e - 2 && byteAt(s, a) === 45) {
    a++;
    dashes++;
  }
  if (j - k >= 64) return false;
  // a Maven or Gradle coordinate (<artifactId>, <groupId>) names a library, not a resource
  if (e - a === 10 && ch.matchesLowerAt(s, a, e, "artifactid")) return false;
  if (e - a === 7 && ch.matchesLowerAt(s, a, e, "groupid")) return false;
  // Lightsail's public catalogue (bundleId: medium_3_0, blueprintId: wordpress): AWS's values, the same in every account
  if (e - a === 8 && ch.matchesLowerAt(s, a, e, "bundleid")) return false;
  if (e - a === 11 && ch.matchesLowerAt(s, a, e, "blueprintid")) return false;
  // (and Trusted Advisor's checks, checkId: HCP4007jGY)
  if (e - a === 7 && ch.matchesLowerAt(s, a, e, "checkid")) return false;
  // (and a secret scanner's rule, gitleaks' report's RuleID: aws-access-token, private-key; a WAF log's ruleId names
  // the company's rule)
  if (e - a === 6 && ch.matchesAt(s, a, e, "RuleID")) return false;
  if (a < e - 2) {
    // the unit before: a word's end for "Id" / "ID" (DetectorId, DetectorID), a separator for any (fleet_id, run-id);
    // and a UUID's key (DRS's vmWareUuid, a UUID column)
    const c = byteAt(s, e - 3);
    // (a UUID's key alone too, before its separator and a blank: a Batch compute environment's uuid: <uuid>)
    const u = byteAt(s, e - 4);
    const uuid =
      e - a >= 4 &&
      (u === 85 ||
        (u === 117 &&
          e - a === 4 &&
          (j >= s.length ||
            (j + 1 < s.length && (byteAt(s, j + 1) === 32 || (byteAt(s, j) === 34 && byteAt(s, j + 1) === 58)))))) &&
      (c === 117 || c === 85);
    // (and a GUID's: Active Directory's ObjectGUID, objectGUID)
    const guid = e - a >= 4 && lowerCode(byteAt(s, e - 4)) === 103 && (c === 117 || c === 85);
    if (c !== 95 && c !== 45 && !uuid && !guid && !(i === 73 && (cls(c) & (C_LOWER | C_DIGIT)) !== 0)) return false;
  }
  key.start = a;
  key.dashes = dashes;
  return true;
}

/**
 * Where the name of a value starting at a begins: after its "*." when it is a wildcard DNS name (an ACM certificate's
 * *.internal.example.io: a dot follows in the name), else at a. A file glob (*.tmp, *.log) is no DNS name.
 */
export function wildcardNameStart(s: string, a: number, n: number): number {
  if (a + 2 >= n || byteAt(s, a) !== 42 || byteAt(s, a + 1) !== 46) return a;
  for (let k = a + 2; k < n && k - a < 256; k++) {
    const c = byteAt(s, k);
    if (c === 46) return k > a + 2 ? a + 2 : a;
    if (!isNameUnit(c)) return a;
  }
  return a;
}

/** An id key's value (scanner.ts matchKeyValue): an opaque token of 6-128 units that may be a name. */
export function idValue(s: string, a: number, b: number, kind: Kind): boolean {
  return (
    b - a >= 6 &&
    b - a <= 128 &&
    opaqueToken(s, a, b) &&
    plausibleName(s, a, b, kind) &&
    // (a hosted zone AWS publishes under hosted_zone_id, an alias record's)
    !(byteAt(s, a) === 90 && b - a <= 21 && PUBLIC_ZONE_IDS[sub(s, a, b)] === true)
  );
}

/**
 * The number after an id key s[a, e) that names another system's account, owner or repository (its separator, blanks
 * and a quote read as matchKeyValue's test does): 6-11 digits, quoted or a JSON number (12 are an AWS account's, found
 * by their own matcher): New Relic's account id (`NEW_RELIC_ACCOUNT_ID`, NerdGraph's `accountId` / `nrAccountId`, also
 * the external id of its AWS role), GitHub's OIDC claims `repository_id` and `repository_owner_id`. Sets value to its
 * span; false for a bare `id` or any other key's number.
 */
export function numericAccountId(s: string, a: number, e: number, n: number, value: Span): boolean {
  if (e - a < 7) return false;
  // (cheap first: the key's last unit is a "d" or "D")
  const d = byteAt(s, e - 1);
  if (d !== 100 && d !== 68) return false;
  let v = e;
  let c = v < n ? byteAt(s, v) : 0;
  let sep = false;
  while (v - e < 8 && (c === 34 || c === 39 || c === 58 || c === 61 || c === 32 || c === 9)) {
    if (c === 58 || c === 61) sep = true;
    v++;
    c = v < n ? byteAt(s, v) : 0;
  }
  const q = v > e ? byteAt(s, v - 1) : 0;
  let k = v;
  while (k < n && k - v < 12 && (cls(byteAt(s, k)) & C_DIGIT) !== 0) k++;
  if (!sep || k - v < 6 || k - v > 11) return false;
  if (q === 34 || q === 39 ? k >= n || byteAt(s, k) !== q : k < n && (isKeyUnit(byteAt(s, k)) || byteAt(s, k) === 46))
    return false;
  // the key's last letters, its "_" and "-" left out (account_id, ACCOUNT-ID, accountId)
  let t = "";
  for (let p = e - 1; p >= a && e - p < 16 && t.length < 12; p--) {
    const u = byteAt(s, p);
    if (u !== 95 && u !== 45) t = sub(s, p, p + 1) + t;
  }
  t = t.toLowerCase();
  const m = t.length;
  if (!(
    (m >= 9 && sub(t, m - 9, m) === "accountid") ||
    (m >= 7 && sub(t, m - 7, m) === "ownerid") ||
    (m >= 12 && sub(t, m - 12, m) === "repositoryid")
  ))
    return false;
  value.s = v;
  value.e = k;
  return true;
}

/**
 * True when s[a, b) is a snake_case or UPPER_SNAKE name in one case throughout, a "_" and a letter in it
 * (S3_BC_LEDGER_INT, nwp_s3_landing; not Ledger_Core, nor a word).
 */
export function oneCaseSnake(s: string, a: number, b: number): boolean {
  let lower = 0;
  let upper = 0;
  let joins = 0;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    const f = cls(c);
    if ((f & C_LOWER) !== 0) lower++;
    else if ((f & ch.C_UPPER) !== 0) upper++;
    else if (c === 95) joins++;
    else if ((f & C_DIGIT) === 0) return false;
  }
  return joins > 0 && (lower === 0) !== (upper === 0) && byteAt(s, a) !== 95 && byteAt(s, b - 1) !== 95;
}

/**
 * HCP Terraform's (Terraform Enterprise's) ids: a prefix and 16 letters and digits (its API's and run logs' run-,
 * workspace ws-, project prj-, agent pool apool-, state version sv-), found by tfcIdEnd.
 */
export const TFC_ID_PREFIXES = ["run-", "ws-", "prj-", "apool-", "sv-"];

/**
 * The end of the 16 letters and digits at a of an HCP Terraform id whose prefix starts at p (TFC_ID_PREFIXES), or -1:
 * a digit, an upper- and a lower-case letter among them (run-Q8vNzJ4p3KcT2mXa; not run-database-migrations), nothing
 * of a word or id glued on either side.
 */
export function tfcIdEnd(s: string, p: number, a: number, n: number): number {
  if (a + 16 > n || (p > 0 && isKeyUnit(byteAt(s, p - 1))) || (a + 16 < n && isKeyUnit(byteAt(s, a + 16)))) return -1;
  let f = 0;
  for (let k = a; k < a + 16; k++) {
    const c = cls(byteAt(s, k));
    if ((c & ch.C_ALNUM) === 0) return -1;
    f |= c;
  }
  return (f & ch.C_ALNUM) === ch.C_ALNUM ? a + 16 : -1;
}

/**
 * True when s[a, e), after the prose noun "role", is a role's name that does not read as lower-case prose: PascalCase
 * of three humps or more (BrindlecoveDatadogIntegration), or mixed case with a "-" and a part of inner capitals or a
 * digit (WizAccess-Role-bcprod; not Cross-Account, Single-Sign-On); not AWS's own (awsReservedName:
 * OrganizationAccountAccessRole, AWSServiceRoleFor...), a managed policy's ...Access, an API's operation
 * (publicPascalName), nor IAM's own vocabulary: a "Role" hump before another (AssumeRolePolicyDocument, RoleLastUsed,
 * AssumeRoleWithWebIdentity, Kubernetes' ClusterRoleBinding) or a field's or a policy's last hump (ROLE_FIELD_ENDS:
 * MaxSessionDuration, LocalManagedPolicy, CloudWatchAgentServerPolicy). Learned, any of these replaced the API's own
 * field ("MaxSessionDuration": 3600) all over the request.
 */
export function pascalRoleName(s: string, a: number, e: number): boolean {
  if (e - a < 10 || e - a > 64) return false;
  let humps = 0;
  let dashes = 0;
  let lower = 0;
  let inner = 0;
  let digits = 0;
  let last = a;
  for (let k = a; k < e; k++) {
    const c = byteAt(s, k);
    const f = cls(c);
    if (c === 45) dashes++;
    else if ((f & C_LOWER) !== 0) lower++;
    else if ((f & ch.C_UPPER) !== 0) {
      if (k > a && (cls(byteAt(s, k - 1)) & C_LOWER) !== 0) inner++;
      if (k + 1 < e && (cls(byteAt(s, k + 1)) & C_LOWER) !== 0) {
        humps++;
        last = k;
        // ("Role" and another hump right after it)
        if (c === 82 && k + 4 < e && (cls(byteAt(s, k + 4)) & ch.C_UPPER) !== 0 && ch.matchesAt(s, k, e, "Role"))
          return false;
      }
    } else if ((f & C_DIGIT) !== 0) digits++;
    else if (c !== 95) return false;
  }
  if (lower === 0 || byteAt(s, e - 1) === 45 || (dashes === 0 && humps < 3) || (dashes > 0 && inner + digits === 0))
    return false;
  if (ROLE_FIELD_ENDS[sub(s, last, e)] === true) return false;
  return !(ch.matchesAt(s, e - 6, e, "Access") || awsReservedName(s, a, e) || publicPascalName(s, a, e));
}

/** Last humps of IAM's role fields and of AWS's managed policies' names (pascalRoleName). */
const ROLE_FIELD_ENDS: Record<string, boolean> = {
  Policy: true,
  Policies: true,
  Document: true,
  Duration: true,
  Boundary: true,
  Binding: true,
  Identity: true,
  Used: true,
  Arn: true,
  Arns: true,
  Name: true,
  List: true,
  Date: true,
};

/**
 * True when s[a, e) is a name distinctive enough to be learned (replaced all over the request) where a group's or a
 * list's part stands (Okta's aws#<alias>#<role>#<account>): a digit, "-", "_" or "." in it (bc-prod), or PascalCase of
 * three humps or more not ending in "Access" (LedgerReadOnly); not a plain word (Developer, Finance) nor AWS's job
 * functions and permission sets (AdministratorAccess, SecurityAudit, ReadOnlyAccess).
 */
export function distinctivePart(s: string, a: number, e: number): boolean {
  let humps = 0;
  for (let k = a; k < e; k++) {
    const c = byteAt(s, k);
    const f = cls(c);
    if ((f & C_DIGIT) !== 0 || c === 45 || c === 95 || c === 46) return true;
    if ((f & ch.C_UPPER) !== 0 && k + 1 < e && (cls(byteAt(s, k + 1)) & C_LOWER) !== 0) humps++;
  }
  return humps >= 3 && !(e - a > 6 && ch.matchesAt(s, e - 6, e, "Access"));
}

/** A single token of letters, digits, "-" and "_", with a letter and a digit or a dash: an opaque id. */
export function opaqueToken(s: string, a: number, b: number): boolean {
  let letters = 0;
  let others = 0;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    const f = cls(c);
    if ((f & (ch.C_LOWER | ch.C_UPPER)) !== 0) letters++;
    else if ((f & C_DIGIT) !== 0 || c === 45 || c === 95) others++;
    else return false;
  }
  return letters > 0 && others > 0;
}

// Endings of keys that end like a name key but name what is no resource: a CloudWatch metric's name (MetricName,
// --metric-name CPUUtilization), an API call's (CloudTrail's eventName: DeleteBucket, an SDK log's operationName) or
// an AWS Health event type's (eventTypeName): AWS's vocabulary or the application's; a command (sts
// get-caller-identity: ...)
const NOT_GENERIC_ENDINGS = [
  // (an address's autonomous system's organisation, an ISP's: Okta's securityContext.asOrg, ipinfo's as_org)
  "asorg",
  // (words that end in "actor" and name no person: a scaling factor, a log extractor)
  "factor",
  "extractor",
  "reactor",
  "compactor",
  // (and a code's or a tool's: a use case's interactor, a log redactor)
  "interactor",
  "redactor",
  "metricname",
  "eventname",
  "eventtypename",
  "operationname",
  "getcalleridentity",
  // a TLS certificate's subject alternative name as curl -v prints it (subjectAltName: host "x" matched ...): learned,
  // "host" would replace the word everywhere
  "subjectaltname",
  // an IAM action's service prefix (Access Analyzer's unused permissions: "serviceNamespace": "kms"): learned, it
  // would replace the word in every action (kms:Decrypt)
  "servicenamespace",
  // a class's name (Get-CimInstance -ClassName Win32_ComputerSystemProduct, a logger's className): code's vocabulary
  "classname",
  // a JVM thread's name (Flink's threadName: "Source: Kinesis source")
  "threadname",
  // Graphviz's font attribute (node [fontname="Helvetica"]): a typeface
  "fontname",
  // (fifty-third pass) CSS's font-family (an HTML e-mail's style="font-family: Arial"): typefaces, learned they
  // replaced the word everywhere
  "fontfamily",
  // the DOM's element names (getElementsByTagName('script')), SageMaker's training channels (ChannelName: train,
  // validation: the algorithm's words, learned they replaced every such word of every S3 key)
  "tagname",
  "channelname",
  "inputname",
  "outputname",
  // Lightsail's blueprints (blueprintName: WordPress, "LAMP (PHP 8)"): AWS's public catalogue
  "blueprintname",
  // yum's and dnf's package repositories (--enablerepo=epel, Ansible's enablerepo:): a distribution's, not an ECR
  // repository
  "enablerepo",
  "disablerepo",
  // (fifty-first pass) Service Quotas' quota names (QuotaName: Concurrent executions): AWS's public catalogue
  "quotaname",
];

/**
 * Heads of AWS End User Messaging's (pinpoint-sms-voice-v2's) ids, each then "-" and 32 lower hex (phone-<32 hex> a
 * phone number's, pool-, registration-, an opt-out list's, a keyword's, a verified destination's, a registration's
 * attachment): scanner.ts matchPrefixedHex.
 */
export const EUM_ID_HEADS = ch.wordSet("phone pool registration optout keyword senderid attachment");

/**
 * True when the digit at k (4 or 6) ends an IP version's word in an API member's name (CidrIpv4, Ipv6CidrBlock,
 * IPv6): "Ipv" or "IPv" before it, the next unit no digit (none at the text's end: read with clsAt, as Lua's byte
 * past the end is nil and cls(nil) an error).
 */
export function ipVersionAt(s: string, k: number): boolean {
  return (
    k >= 3 &&
    byteAt(s, k - 1) === 118 &&
    (byteAt(s, k - 2) === 112 || byteAt(s, k - 2) === 80) &&
    byteAt(s, k - 3) === 73 &&
    (ch.clsAt(s, k + 1, s.length) & C_DIGIT) === 0
  );
}

/**
 * True when s[a, b) is a person's or a user's first.last (marta.okonkwo, svc.jenkins): two runs of lower-case letters
 * around one dot, no digit (not a domain's label and TLD nor a file's name of two words: the caller's context says).
 */
export function dottedPerson(s: string, a: number, b: number): boolean {
  const first = ch.runOf(s, a, b, C_LOWER);
  return (
    first >= 2 &&
    a + first < b &&
    byteAt(s, a + first) === 46 &&
    ch.runOf(s, a + first + 1, b, C_LOWER) === b - a - first - 1 &&
    b - a - first - 1 >= 3
  );
}

/**
 * A VPC flow log's custom-format fields after "ecs-" that name or identify the account's ECS resources (the VPC User
 * Guide's "Available fields"): scanner.ts reads their columns under the S3 file's header line.
 */
export const ECS_FLOW_FIELDS = ch.wordSet(
  "cluster-name service-name task-id container-id second-container-id container-instance-id",
);

/** A zone file's record types after an owner name, a TTL and a class (RFC 1035's master file, Route 53's import). */
export const ZONE_RECORD_TYPES = ch.wordSet("A AAAA CNAME TXT MX SRV PTR NS CAA SPF NAPTR DS");

/** For the specs. */
export const GENERIC_KEY_ENDINGS: readonly string[] = GENERIC_ENDINGS;
export const NOT_GENERIC_KEY_ENDINGS: readonly string[] = NOT_GENERIC_ENDINGS;
// (the exceptions first: suffixIn answers the lowest index of the words a key ends with)
// (a command's --group flag alone, Kafka's consumer group: not every key ending in "group", apiGroup, ResourceGroup)
const GENERIC = ch.newSuffixSet([...NOT_GENERIC_ENDINGS, ...GENERIC_ENDINGS, ...TAG_ENDINGS, "group"]);
const GROUP_AT = NOT_GENERIC_ENDINGS.length + GENERIC_ENDINGS.length + TAG_ENDINGS.length;
const GENERIC_HOST_AT = NOT_GENERIC_ENDINGS.length + GENERIC_ENDINGS.length + HOST_ENDING;
// Units a generic key is compared without ("stack_name", "--stack-name", "Stack name" in a CSV header).
const GENERIC_SKIP = ch.unitSet([95, 45, 32]);

/**
 * Where the IAM condition key starts whose tag key starts at k (aws:ResourceTag/<key>, aws:RequestTag/,
 * aws:PrincipalTag/, ec2:ResourceTag/, S3's s3:ExistingObjectTag/ and s3:RequestObjectTag/: its value is that tag's
 * value), or -1.
 */
export function tagConditionStart(s: string, k: number): number {
  if (k < 12 || byteAt(s, k - 1) !== 47 || byteAt(s, k - 2) !== 103 || byteAt(s, k - 4) !== 84) return -1;
  let w = ch.matchesAt(s, k - 12, k, "ResourceTag/")
    ? k - 12
    : ch.matchesAt(s, k - 11, k, "RequestTag/")
      ? k - 11
      : k >= 13 && ch.matchesAt(s, k - 13, k, "PrincipalTag/")
        ? k - 13
        : k >= 18 && ch.matchesAt(s, k - 18, k, "ExistingObjectTag/")
          ? k - 18
          : k >= 17 && ch.matchesAt(s, k - 17, k, "RequestObjectTag/")
            ? k - 17
            : -1;
  if (w < 2 || byteAt(s, w - 1) !== 58) return -1;
  // (the service's prefix: aws, ec2, s3)
  w--;
  while (w > 0 && k - w < 48 && (cls(byteAt(s, w - 1)) & (C_LOWER | C_DIGIT)) !== 0) w--;
  return byteAt(s, w) === 58 ? -1 : w;
}

/** True when s[a, b) (a key) ends like a resource-name key (compared in place, no string built). */
export function genericKey(s: string, a: number, b: number): boolean {
  const w = suffixIn(GENERIC, s, a, b, GENERIC_SKIP);
  // (the Name tag as exporters write it, tag_Name, __meta_ec2_tag_Name: no DOM's tagName)
  if (w === TAG_NAME_AT)
    return b - a >= 8 && byteAt(s, b - 4) === 78 && (byteAt(s, b - 5) === 95 || byteAt(s, b - 5) === 45);
  if (w === GENERIC_HOST_AT) return hostWord(s, a, b);
  return w >= NOT_GENERIC_ENDINGS.length && w !== GROUP_AT;
}
const TAG_NAME_AT = NOT_GENERIC_ENDINGS.indexOf("tagname");

// psql's column titles over a database's, a role's, a schema's or a table's names (\l, \du, \dt, pg_stat_activity,
// pg_replication_slots, Redshift's stl_ and stv_ tables, pgbouncer's SHOW POOLS and SHOW DATABASES)
const PSQL_NAME_TITLES = ch.wordSet(
  "name,owner,role name,schema,usename,user_name,username,user,datname,db_name,dbname,database,db,slot_name," +
    "force_user,nspname,rolname,relname,schemaname,tablename,table_name,table_schema,table_catalog,indexname," +
    "index_name,database_name,grantee,grantor,application_name",
  ",",
);
// PostgreSQL's, RDS's, Redshift's and pgbouncer's own databases, roles and schemas: kept
const PSQL_BUILT_IN = ch.wordSet(
  "postgres template0 template1 rdsadmin rdsdb rds_superuser rdsrepladmin rds_replication rds_iam rds_password " +
    "rds_ad public pg_catalog information_schema pg_toast pgbouncer dev padb_harvest mysql sys performance_schema",
);

/**
 * True when the prose noun s[a, a + len) is host, server or container: after a compound of one dash and no digit they
 * are a config's keyword as often as a name's noun (Cisco's tacacs-server host, docker's dev-container host), and such
 * a compound is not taken (no loop: called from the word loop's interpreted code).
 */
export function plainNoun(s: string, a: number, len: number): boolean {
  const c = ch.lowerCode(ch.byteAt(s, a));
  const d = ch.byteAt(s, a + 1);
  return (
    (len === 4 && c === 104 && d === 111) ||
    (len === 6 && c === 115 && d === 101 && ch.byteAt(s, a + 2) === 114) ||
    (len === 9 && c === 99 && d === 111 && ch.byteAt(s, a + 3) === 116)
  );
}

// folders AWS's services write objects under (DataSync's task reports, S3's and Firehose's own prefixes): kept
const KEY_SEGMENTS_KEPT = ch.wordSet(
  "summary-reports detailed-reports aws-programmatic-access-test-object awslogs _temporary cost-and-usage " +
    "processing-failed elasticsearch-failed splunk-failed http-endpoint-failed format-conversion-failed",
);

/** True when an object key's segment s[a, b) is AWS's own folder (KEY_SEGMENTS_KEPT). */
export function keptKeySegment(s: string, a: number, b: number): boolean {
  return b - a <= 40 && KEY_SEGMENTS_KEPT[sub(s, a, b).toLowerCase()] === true;
}

// lower-case keys the AWS APIs print as a row's key in --output table (| status | ACTIVE |)
const API_ROW_KEYS = ch.wordSet("status version name arn id type state description endpoint region enabled created");

// .pem files whose names are public: a CA bundle's, Let's Encrypt's (certbot's live/<domain>/ files), OpenSSH's
// defaults, a TLS server's or client's generic ones, AWS's guides' placeholders (my-key-pair.pem): no key pair's name
const PUBLIC_PEMS = ch.wordSet(
  "ca-bundle ca-certificates cacert ca cert certificate chain fullchain privkey cert-key server client tls ssl key " +
    "id_rsa id_ecdsa id_ed25519 id_dsa my-key-pair mykeypair my-key mykey keypair key-pair",
);

/** True when s[a, p), a .pem file's name, is a public one (PUBLIC_PEMS, compared in lower case). */
export function publicPemName(s: string, a: number, p: number): boolean {
  return p - a <= 16 && PUBLIC_PEMS[sub(s, a, p).toLowerCase()] === true;
}

/**
 * True when the key ending at k (its separator after it) is Ansible's private_key_file (ansible.cfg's), as it stands
 * or as ansible_private_key_file / ansible_ssh_private_key_file (an inventory's): not ssl_private_key_file,
 * tls_private_key_file (a TLS server's key, no key pair).
 */
export function keyPairFileKey(s: string, k: number): boolean {
  if (!ch.matchesLowerAt(s, k - 16, k, "private_key_file")) return false;
  const c = k - 17 >= 0 ? byteAt(s, k - 17) : 32;
  return (
    !isKeyUnit(c) ||
    ch.matchesLowerAt(s, k - 24, k, "ansible_private_key_file") ||
    ch.matchesLowerAt(s, k - 28, k, "ansible_ssh_private_key_file")
  );
}

/**
 * True when s[a, e), an RTMP URL's last segment, is no stream key: a file played (index.m3u8, a "." in it), or a
 * placeholder in capitals (STREAM_NAME, YOUR_STREAM_KEY: capitals and "_", no digit, no lower case).
 */
export function streamPlaceholder(s: string, a: number, e: number): boolean {
  let unders = 0;
  let caps = true;
  for (let k = a; k < e; k++) {
    const c = byteAt(s, k);
    if (c === 46) return true;
    if (c === 95) unders++;
    else if (c < 65 || c > 90) caps = false;
  }
  return caps && unders > 0;
}

/**
 * True when s[a, b), the first of a `| key | value |` row's two cells in --output table, is the camelCase key of a
 * service whose API writes them so (platformVersion, appId: EKS, ECS, IoT, Amplify) or one of the APIs' lower-case
 * keys (API_ROW_KEYS: status, version, arn).
 */
export function camelRowKey(s: string, a: number, b: number): boolean {
  if (b - a < 2 || (cls(byteAt(s, a)) & C_LOWER) === 0) return false;
  let upper = false;
  for (let k = a; k < b; k++) {
    const f = cls(byteAt(s, k));
    if ((f & (C_LOWER | ch.C_UPPER)) === 0) return false;
    if ((f & ch.C_UPPER) !== 0) upper = true;
  }
  return upper
    ? suffixIn(ROW_KEY_ENDS, s, a, b, GENERIC_SKIP) >= 0
    : b - a <= 11 && API_ROW_KEYS[sub(s, a, b)] === true;
}

// the last words of the APIs' camelCase keys (platformVersion, appId, roleArn, createdAt): a camelCase cell that ends
// otherwise is a name (a Lambda function's, brindleOrdersHandler)
const ROW_KEY_ENDS = ch.newSuffixSet([
  "version",
  "id",
  "arn",
  "name",
  "status",
  "type",
  "count",
  "time",
  "date",
  "at",
  "enabled",
  "size",
  "state",
  "endpoint",
  "url",
  "mode",
  "config",
  "family",
  "region",
]);

// the ends of Step Functions' history event types (TaskFailed, ExecutionSucceeded, LambdaFunctionTimedOut)
const EVENT_ENDS = ch.newSuffixSet(["failed", "succeeded", "started", "scheduled", "submitted", "timedout", "aborted"]);

/**
 * True when the cell s[a, b) is Step Functions' vocabulary in get-execution-history's text output: an event's type
 * (PascalCase ending in Failed, Succeeded, Started ...) or an error of the States. namespace (States.TaskFailed).
 */
export function stepFunctionsWord(s: string, a: number, b: number): boolean {
  if (b - a > 7 && byteAt(s, a + 6) === 46 && byteAt(s, a) === 83 && ch.matchesAt(s, a, b, "States.")) return true;
  return (
    b - a <= 40 &&
    (cls(byteAt(s, a)) & ch.C_UPPER) !== 0 &&
    ch.runOf(s, a, b, C_LOWER | ch.C_UPPER) === b - a &&
    suffixIn(EVENT_ENDS, s, a, b, GENERIC_SKIP) >= 0
  );
}

/**
 * True when s[a, b) is a psql column title over names (PSQL_NAME_TITLES), or a name's key (a CloudQuery or Steampipe
 * table's key_name, master_username, db_cluster_identifier).
 */
export function psqlNameTitle(s: string, a: number, b: number): boolean {
  return b - a <= 48 && (PSQL_NAME_TITLES[sub(s, a, b).toLowerCase()] === true || genericKey(s, a, b));
}

/**
 * True when a psql cell s[a, b) under a name's title is the company's: not the engine's own (PSQL_BUILT_IN, pg_*), and
 * not one plain word of letters (a table's accounts, a database's payouts: learned, it would be masked in prose too).
 */
export function psqlCell(s: string, a: number, b: number): boolean {
  if (ch.plainWord(s, a, b)) return false;
  const v = sub(s, a, b).toLowerCase();
  return PSQL_BUILT_IN[v] !== true && v.indexOf("pg_") !== 0;
}

/**
 * True when the key s[a, b) is a tag key of TAG_ENDINGS and the value v[c, d) one plain word: lower-case letters,
 * the first may be a capital (Platform, payments; not RiskAnalytics, a compound).
 */
export function plainTagValue(s: string, a: number, b: number, v: string, c: number, d: number): boolean {
  return ch.plainWord(v, c, d) && tagEnding(s, a, b) >= 0;
}

// (builtInTable) the first parts of engines' own tables and schemas (PostgreSQL's pg_, RDS's rds_, DMS's awsdms_,
// Redshift's system tables and views, MySQL's sys schema, WordPress's wp_) and frameworks' bookkeeping tables
const BUILT_IN_HEADS = " pg rds awsdms stl stv svl svv sys wp ";
const FRAMEWORK_TABLES = ch.wordSet(
  "django_migrations django_session django_content_type django_admin_log auth_user auth_group auth_permission " +
    "schema_migrations ar_internal_metadata alembic_version flyway_schema_history knex_migrations " +
    "knex_migrations_lock goose_db_version template_postgis " +
    // (Snowflake's shared database's schema: snowflake.account_usage.query_history)
    "account_usage",
);

/**
 * True when the lower-case snake_case name s[a, b) before "table" or "database" (a schema's "." in it) is an engine's
 * or a framework's own (pg_catalog, pg_stat_activity, performance_schema.events, stl_load_errors, awsdms_status,
 * django_migrations): the same in every account, and learned it would rewrite every SQL statement of the request.
 */
export function builtInTable(s: string, a: number, b: number): boolean {
  let p = a;
  for (let parts = 0; parts < 4 && p < b; parts++) {
    let q = p;
    while (q < b && byteAt(s, q) !== 46) q++;
    const v = sub(s, p, q);
    if (PSQL_BUILT_IN[v] === true || FRAMEWORK_TABLES[v] === true) return true;
    let u = p;
    while (u < q && u - p < 8 && byteAt(s, u) !== 95) u++;
    if (u < q && u > p && BUILT_IN_HEADS.indexOf(" " + sub(s, p, u) + " ") >= 0) return true;
    p = q + 1;
  }
  return false;
}

/**
 * True when the cell s[a, b) is a spreadsheet's column title with its unit in parentheses (Oct 2024 (USD), Cost
 * (USD), Size (GB)): a capital, words of letters and digits, then a unit of letters, "$" or "%" in parentheses.
 */
export function unitTitle(s: string, a: number, b: number): boolean {
  if (b - a < 6 || b - a > 48 || byteAt(s, b - 1) !== 41 || (cls(byteAt(s, a)) & ch.C_UPPER) === 0) return false;
  let k = b - 2;
  while (k > a && b - k < 12 && ((cls(byteAt(s, k)) & ch.C_UPPER) !== 0 || byteAt(s, k) === 36 || byteAt(s, k) === 37))
    k--;
  if (k === b - 2 || byteAt(s, k) !== 40 || byteAt(s, k - 1) !== 32) return false;
  for (let q = a; q < k - 1; q++) if ((cls(byteAt(s, q)) & C_ALNUM) === 0 && byteAt(s, q) !== 32) return false;
  return true;
}

const COST_CENTER_AT = TAG_ENDINGS.indexOf("costcenter");
const COST_CENTER_CODE_AT = TAG_ENDINGS.indexOf("costcentercode");

/**
 * True when the key s[a, b) names a cost center (CostCenter, cost_center, Cost Centre, CostCenterCode) and v[c, d) is
 * its code of digits, 3 to 12 (fifty-second pass: a finance system's cost center is often a number, 70231, 4410):
 * a name, where a number under any other key stays one.
 */
export function costCenterCode(s: string, a: number, b: number, v: string, c: number, d: number): boolean {
  if (d - c < 3 || d - c > 12 || ch.runOf(v, c, d, C_DIGIT) !== d - c) return false;
  // (not a year: a cost center's 2024 budget)
  if (
    d - c === 4 &&
    (byteAt(v, c) === 49 || byteAt(v, c) === 50) &&
    (byteAt(v, c + 1) === 57 || byteAt(v, c + 1) === 48)
  )
    return false;
  const w = tagEnding(s, a, b);
  return w >= COST_CENTER_AT && w <= COST_CENTER_CODE_AT;
}

/**
 * True when a spreadsheet's column title s[a, b) names a tag whatever its key (fifty-second pass): Tag Editor's export
 * ("Tag: Project") and the Cost and Usage Report's cost allocation tags (resourceTags/user:Project): its cells are
 * the tag's values, words included.
 */
export function tagColumn(s: string, a: number, b: number): boolean {
  if (b - a > 5 && byteAt(s, a + 3) === 58 && byteAt(s, a + 4) === 32 && ch.matchesAt(s, a, a + 3, "Tag")) return true;
  return b - a > 18 && byteAt(s, a + 12) === 47 && ch.matchesAt(s, a, a + 18, "resourceTags/user:");
}

/** True when the key s[a, b) ends like a tag key of TAG_ENDINGS (Team, Owner, CostCenter, BusinessUnit ...). */
export function tagKey(s: string, a: number, b: number): boolean {
  return tagEnding(s, a, b) >= 0;
}

// (fifty-first pass) --output text rows whose free-text field (a Description or a Comment) stands at a known column,
// the fields being printed in their names' order: a security group's (Description, GroupId ...), a group pair's, an
// IP range's (CidrIp, Description), a Route 53 change's (Comment, Id ...) and hosted zone's Config (Comment,
// PrivateZone)
const TEXT_COMMENT_ROWS: Record<string, number> = {
  SECURITYGROUPS: 2,
  USERIDGROUPPAIRS: 2,
  PREFIXLISTIDS: 2,
  IPRANGES: 3,
  IPV6RANGES: 3,
  CHANGEINFO: 2,
  CONFIG: 2,
  // (describe-security-group-rules: its Description after CidrIpv4 or CidrIpv6, or second for a prefix list's rule;
  // -1: the row's one cell with blanks)
  SECURITYGROUPRULES: -1,
};

/**
 * The column of the free-text field of an --output text row whose key (its first cell) is s[a, b) (TEXT_COMMENT_ROWS),
 * -1 for any column after the key, or 0.
 */
export function textCommentColumn(s: string, a: number, b: number): number {
  if (b - a < 6 || b - a > 18 || byteAt(s, a) < 65 || byteAt(s, a) > 90) return 0;
  const c = TEXT_COMMENT_ROWS[sub(s, a, b)];
  return c === undefined ? 0 : c;
}

/**
 * True when the words s[a, b) of a tag's value or a text row's comment name someone or something of the company's:
 * letters in them, 256 characters at most (counted as characters: the same bound in Node and Lua), not a tool's
 * default comment (Terraform's "Managed by Terraform"), not AWS's own (a default security group's "default VPC
 * security group", the consoles' "Created by RDS management console" and "launch-wizard-1 created <time>", a public
 * name opening with Amazon or AWS: Amazon Linux 2).
 */
export function wordsValue(s: string, a: number, b: number): boolean {
  if (b - a > 1024 || (b - a > 256 && ch.charCount(s, a, b) > 256)) return false;
  let k = a;
  while (k < b && (ch.cls(byteAt(s, k)) & (ch.C_LOWER | ch.C_UPPER)) === 0) k++;
  return (
    k < b &&
    !(b - a === 20 && ch.matchesLowerAt(s, a, b, "managed by terraform")) &&
    !(b - a === 26 && ch.matchesAt(s, a, b, "default VPC security group")) &&
    !(b - a === 33 && ch.matchesAt(s, a, b, "Created by RDS management console")) &&
    !ch.matchesAt(s, a, b, "launch-wizard-") &&
    !ch.matchesAt(s, a, b, "Amazon ") &&
    !ch.matchesAt(s, a, b, "AWS ")
  );
}

/**
 * The end of a tag's value that goes on in words after s[.., b) (Owner: Adaeze Okafor, BusinessUnit: Treasury Ops):
 * at most four more words of letters, digits, ".", "&", "-", the value ending its line, quote or cell; b otherwise.
 */
export function spacedValueEnd(s: string, b: number, n: number): number {
  let e = b;
  for (let words = 0; words < 4 && e + 1 < n && byteAt(s, e) === 32; words++) {
    let w = e + 1;
    while (
      w < n &&
      w - e <= 24 &&
      ((cls(byteAt(s, w)) & ch.C_ALNUM) !== 0 || byteAt(s, w) === 46 || byteAt(s, w) === 38 || byteAt(s, w) === 45)
    )
      w++;
    if (w === e + 1) break;
    e = w;
  }
  const c = e < n ? byteAt(s, e) : 10;
  return e > b && (c === 10 || c === 13 || c === 34 || c === 39 || c === 44) ? e : b;
}

/**
 * True when s[a, b), a value of S3's user-defined object metadata (x-amz-meta-<key>), is masked: a name, or words
 * with blanks (a person's), but not one plain word (true, pdf, approved).
 */
export function metadataValue(s: string, a: number, b: number, kind: Kind): boolean {
  // (nor a date, a time or a number: 2024-01-02, 10:30)
  let digits = a;
  while (
    digits < b &&
    ((cls(byteAt(s, digits)) & ch.C_DIGIT) !== 0 || byteAt(s, digits) === 45 || byteAt(s, digits) === 58)
  )
    digits++;
  if (digits === b) return false;
  return b - a >= 2 && !ch.plainWord(s, a, b) && (plausibleName(s, a, b, kind) || spacedName(s, a, b));
}

/**
 * (fifty-first pass) True when s[a, b), an environment variable's value, is left to other readers or is a setting: a
 * URL, an ARN, a path or an e-mail (":", "/", "@"), words, a host, a version or a model's id (a "."), a number or a
 * hash (a digit first), capitals, digits, "_" and "-" alone (INFO, PAY_PER_REQUEST, UTF-8, YYYY-MM-DD), a code of three
 * letters or fewer and digits (utf-8, sha-256, iso-8859-1) or a locale (en-US, pt_BR). Each line's value is read once.
 */
export function settingValue(s: string, a: number, b: number): boolean {
  if (a >= b || (cls(byteAt(s, a)) & ch.C_DIGIT) !== 0) return true;
  let upper = true;
  // (the letters before the first "-" or "_", and whether a letter follows it)
  let head = -1;
  let tailLetters = 0;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    if (c === 58 || c === 47 || c === 64 || c === 32 || c === 46) return true;
    const f = cls(c);
    if ((f & (ch.C_UPPER | ch.C_DIGIT)) === 0 && c !== 95 && c !== 45) upper = false;
    if (head < 0 && (c === 45 || c === 95)) head = k - a;
    else if (head >= 0 && (f & (ch.C_LOWER | ch.C_UPPER)) !== 0) tailLetters++;
  }
  const locale =
    b - a === 5 &&
    head === 2 &&
    (cls(byteAt(s, a + 3)) & ch.C_UPPER) !== 0 &&
    (cls(byteAt(s, a + 4)) & ch.C_UPPER) !== 0;
  return upper || locale || (head > 0 && head <= 3 && tailLetters === 0);
}

/**
 * (fifty-first pass) True when s[a, b), a key of ~/.aws/config read by `aws configure get`, names the company's
 * resource: a name key (sso_role_name), a profile's or an SSO session's (source_profile, sso_session).
 */
export function profileSettingKey(s: string, a: number, b: number): boolean {
  return (
    genericKey(s, a, b) ||
    (b - a >= 7 && ch.matchesLowerAt(s, b - 7, b, "profile")) ||
    (b - a >= 7 && ch.matchesLowerAt(s, b - 7, b, "session"))
  );
}

/**
 * The word for "user" in PostgreSQL's translated login errors (its message catalogues: de "Passwort-Authentifizierung
 * f\u00fcr Benutzer \u00bbx\u00ab fehlgeschlagen", fr "... pour l'utilisateur \u00ab x \u00bb", es "... para el usuario \u00abx\u00bb",
 * pt_BR "... para o usu\u00e1rio "x"", it, sv, pl, ko "\uc0ac\uc6a9\uc790 "x"\uc758 password \uc778\uc99d\uc744 \uc2e4\ud328\ud588\uc2b5\ub2c8\ub2e4", ja, zh_CN, ru):
 * the quoted user after it is a name (localizedQuotedUser), as "for user "x"" is in English.
 */
export const LOCALIZED_USER_WORDS = [
  "Benutzer",
  "utilisateur",
  "usuario",
  "usu\u00e1rio",
  "utente",
  "anv\u00e4ndare",
  "u\u017cytkownika",
  "\uc0ac\uc6a9\uc790",
  "\u30e6\u30fc\u30b6\u30fc",
  "\u7528\u6237",
  "\u043f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u0442\u0435\u043b\u044c",
];
/** Units of an opening or closing quote at k: " ' \u00ab \u00bb \u201c \u201d \u300c \u300d (ASCII 1; beyond, as chars.ts charUnitsAt). */
function quoteUnitsAt(s: string, k: number, n: number): number {
  if (k >= n) return 0;
  const c = byteAt(s, k);
  if (c === 34 || c === 39) return 1;
  if (c < 128) return 0;
  return (
    ch.charUnitsAt(s, k, 0xab) +
    ch.charUnitsAt(s, k, 0xbb) +
    ch.charUnitsAt(s, k, 0x201c) +
    ch.charUnitsAt(s, k, 0x201d) +
    ch.charUnitsAt(s, k, 0x300c) +
    ch.charUnitsAt(s, k, 0x300d)
  );
}
/**
 * The user quoted after LOCALIZED_USER_WORDS[w] found at p: the word opens a word (no ASCII letter before it), then
 * at most two blanks (no-break ones too), a quote, at most one blank, 1-64 name units, at most one blank and a quote.
 * Sets span.s and span.e to the user and returns true; span.e past the word otherwise.
 */
export function localizedQuotedUser(s: string, p: number, w: number, n: number, span: Span): boolean {
  let a = p + LOCALIZED_USER_WORDS[w].length;
  span.e = a;
  if (p > 0 && (cls(byteAt(s, p - 1)) & (C_LOWER | ch.C_UPPER)) !== 0) return false;
  for (let k = 0; k < 2 && a < n; k++) a += ch.blankUnitsAt(s, a);
  const q = quoteUnitsAt(s, a, n);
  if (q === 0) return false;
  a += q;
  a += ch.blankUnitsAt(s, a);
  let e = a;
  while (e < n && e - a < 64 && isNameUnit(byteAt(s, e))) e++;
  if (e === a) return false;
  const close = e + ch.blankUnitsAt(s, e);
  if (quoteUnitsAt(s, close, n) === 0) return false;
  span.s = a;
  span.e = e;
  return true;
}

/**
 * Where secrets and parameters are kept, as prose in any language names the service (Korean's and Japanese's
 * transliterations of Parameter Store): a path after it names a secret or a parameter (pathAfterStore).
 */
export const SECRET_STORES = [
  "Secrets Manager",
  "Parameter Store",
  "\ud30c\ub77c\ubbf8\ud130 \uc2a4\ud1a0\uc5b4",
  "\u30d1\u30e9\u30e1\u30fc\u30bf\u30b9\u30c8\u30a2",
  // (fifty-third pass) the service as its CLI and API name it, written so in prose ("new token in secretsmanager
  // qm/app/slack-bot"): a word of its own, a blank after it (aws secretsmanager get-secret-value: a verb, no path)
  "secretsmanager",
  // (fifty-third pass) HashiCorp Vault's KV paths in prose: "in the vault path secret/edge/x", "in Vault at secret/y/z"
  // (the word "vault" alone, not aws-vault's or ansible-vault's, and only "path", "at", "under" or "in" between)
  "Vault",
  "vault",
];
const CLI_STORE = SECRET_STORES.indexOf("secretsmanager");
const FIRST_VAULT = SECRET_STORES.indexOf("Vault");
const VAULT_WORDS = ch.wordSet("path at under in");
/**
 * The path after SECRET_STORES[w] found at p, past what a sentence in another language puts between ("Secrets Manager
 * unter prod/x/db", "Secrets Manager, secreto `prod/x/db`", "Secrets Manager\uff08kvt/x/db\uff09", "\ud30c\ub77c\ubbf8\ud130
 * \uc2a4\ud1a0\uc5b4 /kr/x/key"): blanks, a comma or a colon, an opening parenthesis (also full-width), at most one word of
 * 2-12 letters (ASCII or Latin), a quote or backtick, within 32 units; then a path of two slashes or more (name units
 * and "/", at most 256) that ends at no name unit. Not a path one blank after "Secrets Manager" (read where a path follows
 * "Secrets Manager " at once). Sets span to the path and returns true.
 */
export function pathAfterStore(s: string, p: number, w: number, n: number, span: Span): boolean {
  const from = p + SECRET_STORES[w].length;
  let a = from;
  span.e = a;
  if (w === CLI_STORE && (ch.blankUnitsAt(s, from) === 0 || (p > 0 && isKeyUnit(byteAt(s, p - 1))))) return false;
  const vault = w >= FIRST_VAULT;
  if (vault && p > 0 && (isNameUnit(byteAt(s, p - 1)) || byteAt(s, p - 1) === 47)) return false;
  let words = 0;
  while (a < n && a - from < 32) {
    const c = byteAt(s, a);
    const u = ch.blankUnitsAt(s, a) + ch.fullWidthAt(s, a, 40);
    if (u > 0) a += u;
    // (a sentence wrapped after the store's name: "in the vault\npath secret/x/y")
    else if (c === 44 || c === 58 || c === 40 || c === 96 || c === 34 || c === 39 || (vault && c === 10)) a++;
    else if (words === 0 && ((cls(c) & (C_LOWER | ch.C_UPPER)) !== 0 || ch.latinLetterBefore(s, a + 1) > 0)) {
      let e = a;
      let letters = 0;
      while (e < n && letters < 13) {
        const l = (cls(byteAt(s, e)) & (C_LOWER | ch.C_UPPER)) !== 0 ? 1 : ch.latinLetterAt(s, e);
        if (l === 0) break;
        e += l;
        letters++;
      }
      // (the path's first segment: read as the path)
      if (ch.blankUnitsAt(s, e) === 0) break;
      if (letters < 2 || letters > 12) return false;
      if (vault && VAULT_WORDS[sub(s, a, e).toLowerCase()] !== true) return false;
      words++;
      a = e;
    } else break;
  }
  if (w === 0 && a === from + 1 && byteAt(s, from) === 32) return false;
  // (a Vault KV path opens with its mount's name: not Kong's vault reference, {vault://env/NAME})
  if (vault && (a >= n || (cls(byteAt(s, a)) & C_ALNUM) === 0)) return false;
  let e = a;
  let slashes = 0;
  while (e < n && e - a < 256 && (isNameUnit(byteAt(s, e)) || byteAt(s, e) === 47)) {
    if (byteAt(s, e) === 47) slashes++;
    e++;
  }
  // (a sentence's full stop after the path is no part of it)
  const end = e;
  while (e > a && byteAt(s, e - 1) === 46) e--;
  span.e = e > a ? e : a;
  if (slashes < 2 || byteAt(s, e - 1) === 47 || (end < n && isNameUnit(byteAt(s, end)))) return false;
  span.s = a;
  return true;
}

/**
 * The end of the DNS name s[a, b) when it is one: labels of letters, digits and "-" joined by dots (two labels or
 * more), the last of two letters or more (a TLD: no version number, 1.2, nor "e.g."); else -1.
 */
function dnsNameEnd(s: string, a: number, b: number): number {
  if (b - a < 4 || b - a > 253 || (cls(byteAt(s, a)) & C_ALNUM) === 0) return -1;
  let dot = -1;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    if (c === 46) {
      if (k === dot + 1 || k === a) return -1;
      dot = k;
    } else if (c !== 45 && (cls(c) & C_ALNUM) === 0) return -1;
  }
  if (dot < 0 || b - dot < 3) return -1;
  for (let k = dot + 1; k < b; k++) if ((cls(byteAt(s, k)) & (C_LOWER | ch.C_UPPER)) === 0) return -1;
  return b;
}

/**
 * The start of the DNS name the id at i stands in parentheses right after (`example.com (Z0734...)`, `cdn.example.com
 * (E2QH...)`; the name ends at i - 2): the name read back from its blank, at most 253 units; else -1.
 */
export function dnsNameBefore(s: string, i: number): number {
  if (i < 6 || byteAt(s, i - 1) !== 40 || byteAt(s, i - 2) !== 32) return -1;
  const b = i - 2;
  let a = b;
  while (
    a > 0 &&
    b - a < 254 &&
    (byteAt(s, a - 1) === 46 || byteAt(s, a - 1) === 45 || (cls(byteAt(s, a - 1)) & C_ALNUM) !== 0)
  )
    a--;
  if (a > 0 && isNameUnit(byteAt(s, a - 1))) return -1;
  return dnsNameEnd(s, a, b) === b ? a : -1;
}

/**
 * The end of a DNS name in parentheses one blank after j (`E2QH7Y4KXW9TLM (invoices.example.app)`: a distribution's
 * alternate domain name) at its ")", at most 253 units; -1 when there is none, or it is CloudFront's own domain (found
 * by its anchor, with its own kind).
 */
export function dnsNameInParens(s: string, j: number, n: number): number {
  if (j + 6 >= n || byteAt(s, j) !== 32 || byteAt(s, j + 1) !== 40) return -1;
  const a = j + 2;
  let e = a;
  while (e < n && e - a < 254 && (byteAt(s, e) === 46 || byteAt(s, e) === 45 || (cls(byteAt(s, e)) & C_ALNUM) !== 0))
    e++;
  if (e >= n || byteAt(s, e) !== 41 || dnsNameEnd(s, a, e) < 0) return -1;
  if (e - a > 15 && ch.matchesAt(s, e - 15, e, ".cloudfront.net")) return -1;
  return e;
}

/** Units of a name value: A-Z a-z 0-9 . _ - @ + */
export function isNameUnit(c: number): boolean {
  return c < 256 && ((cls(c) & C_ALNUM) !== 0 || c === 46 || c === 95 || c === 45 || c === 64 || c === 43);
}

/**
 * Whether a template's placeholder follows the name s[a, b) at end: "{{" or "{<letter>" after its "-", or ":{{".
 */
function placeholderAfter(s: string, a: number, b: number, end: number, n: number): boolean {
  if (end + 2 >= n || b - a < 4) return false;
  const c = byteAt(s, end);
  if (c === 58) return byteAt(s, end + 1) === 123 && byteAt(s, end + 2) === 123;
  const d = byteAt(s, end + 1);
  return c === 123 && byteAt(s, b - 1) === 45 && (d === 123 || (cls(d) & (C_LOWER | ch.C_UPPER)) !== 0);
}

/** Units that may end an unquoted value. */
function endsUnquoted(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 44 ||
    c === 59 ||
    c === 125 ||
    c === 93 ||
    c === 41 ||
    c === 34 ||
    c === 39 ||
    c === 96 ||
    c === 38 ||
    c === 35
  ); // & # end a URL query value
}

const TF_REFS = [
  "aws_",
  "var.",
  "local.",
  "data.",
  "module.",
  "each.",
  "self.",
  "count.",
  "process.",
  "os.",
  "this.",
  "env.",
  "config.",
  "settings.",
  "args.",
  "props.",
  "params.",
  "options.",
  "ctx.",
  "context.",
  "event.",
  "request.",
  "req.",
  // (the aws_ec2 inventory's hostvars in compose: and groups: expressions, ansible_host: tags.Name)
  "tags.",
];

/**
 * True when s[a, b) (digits and dots of them counted) is a Lambda runtime's id: its language, a digit, then digits,
 * dots and at most three letters (nodejs20.x, java8.al2, provided.al2023). No loop: called per candidate name.
 */
function lambdaRuntime(s: string, a: number, b: number, digits: number, dots: number): boolean {
  const c = byteAt(s, a);
  let e = -1;
  if (c === 112) e = sub(s, a, a + 6) === "python" ? a + 6 : sub(s, a, a + 9) === "provided." ? a + 9 : -1;
  else if (c === 110 || c === 100) e = sub(s, a, a + 6) === "nodejs" || sub(s, a, a + 6) === "dotnet" ? a + 6 : -1;
  else if (c === 106 || c === 114) e = sub(s, a, a + 4) === "java" || sub(s, a, a + 4) === "ruby" ? a + 4 : -1;
  else if (c === 103) e = byteAt(s, a + 1) === 111 ? a + 2 : -1;
  if (e < 0 || e >= b || (byteAt(s, e - 1) !== 46 && (cls(byteAt(s, e)) & C_DIGIT) === 0)) return false;
  const last = byteAt(s, b - 1);
  const rest = b - e - digits - (byteAt(s, e - 1) === 46 ? dots - 1 : dots);
  return rest <= 3 && ((cls(last) & C_DIGIT) !== 0 || last === 120);
}

/** True when s[a, b) is acceptable as a name of kind (length, charset, stoplist, references). */
export function plausibleName(s: string, a: number, b: number, kind: Kind): boolean {
  const len = b - a;
  if (len < 3 || len > 255) return false;
  let digits = 0;
  let lower = 0;
  // other resource names may be paths (SSM parameters, secrets, log groups: /prod/app/db-url)
  const slash = kind.id === "resource-name";
  let slashes = 0;
  let dots = 0;
  let units = 0; // of a duration's: s, m, h
  let unders = 0;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    if (c === 47 && slash) {
      slashes++;
      continue;
    }
    if (!isNameUnit(c)) return false;
    const f = cls(c);
    if ((f & C_DIGIT) !== 0) digits++;
    if ((f & C_LOWER) !== 0 || c === 46 || c === 45) lower++;
    else if (c === 95) unders++;
    if (c === 46) dots++;
    else if (c === 115 || c === 109 || c === 104) units++;
  }
  // (a duration: 14s, 1m12s, 2h)
  if (digits + units === len && (cls(byteAt(s, a)) & C_DIGIT) !== 0) return false;
  // (an AMI family's alias, Karpenter's al2023@latest, bottlerocket@latest: AWS's public images)
  // (its "@" tested first: matchesAt holds a loop, and this runs per value from interpreted code)
  if (len > 7 && byteAt(s, b - 7) === 64 && ch.matchesAt(s, b - 7, b, "@latest")) return false;
  // (a version: an image's tag 3.4, 1.29.0; a Lambda runtime: python3.12, nodejs20.x, java21, provided.al2023)
  if (digits === len || digits + dots === len || (digits > 0 && len <= 16 && lambdaRuntime(s, a, b, digits, dots)))
    return false;
  // a --query projection's key:value of one word (Domain:Domain in '{Id:Id,Domain:Domain}') names a field
  if (
    a > len &&
    byteAt(s, a - 1) === 58 &&
    byteAt(s, a - 2) === byteAt(s, b - 1) &&
    sub(s, a - 1 - len, a - 1) === sub(s, a, b)
  )
    return false;
  if (kind.family === "s3-bucket" && (len > 63 || lower + digits !== len)) return false;
  const first = byteAt(s, a);
  if ((cls(first) & C_ALNUM) === 0 && !(first === 47 && slashes > 1)) return false;
  // a Java class (org.mariadb.jdbc.Driver, org.apache.iceberg.spark.SparkCatalog): the code's, not the account's
  if (
    dots >= 2 &&
    (first === 106 || first === 111 || first === 83 || first === 77 || first === 65 || first === 97) &&
    javaClass(s, a, b)
  )
    return false;
  // Amazon's public images (al2023-ami-2023.4..., amzn2-ami-hvm-..., Windows_Server-2022-English-Full-Base) and the
  // fixed log groups of SageMaker's jobs (/aws/sagemaker/TrainingJobs): AWS's names
  if ((first === 97 || first === 87 || first === 47) && awsPublicName(s, a, b)) return false;
  // Glue's own log groups (/aws-glue/jobs/output, /aws-glue/crawlers)
  if (first === 47 && len > 10 && matchesAt(s, a, a + 10, "/aws-glue/")) return false;
  // a block device (DeviceName: /dev/xvda, /dev/sdf, /dev/nvme1n1) names no resource; /dev/app/db-url may be a parameter
  if (first === 47 && slashes === 2 && len >= 8 && len <= 14 && ch.matchesAt(s, a, b, "/dev/")) {
    const r = len - 5;
    const dev =
      (ch.matchesAt(s, a + 5, b, "xvd") && r <= 6) ||
      ((ch.matchesAt(s, a + 5, b, "sd") || ch.matchesAt(s, a + 5, b, "hd") || ch.matchesAt(s, a + 5, b, "vd")) &&
        r <= 5) ||
      (ch.matchesAt(s, a + 5, b, "nvme") && r >= 6 && (cls(byteAt(s, a + 9)) & C_DIGIT) !== 0);
    if (dev && ch.runOf(s, a + 5, b, C_LOWER | C_DIGIT) === r) return false;
  }
  // an AWS-owned namespace (AWS/ApplicationELB, a CloudWatch metric namespace) names no resource of the account
  if (first === 65 && slashes > 0 && byteAt(s, a + 1) === 87 && byteAt(s, a + 2) === 83 && byteAt(s, a + 3) === 47)
    return false;
  // a value holding a pseudonym (EC2_PRIVATE_DNS_x.eu-west-1.compute.internal) was masked already
  if ((cls(first) & ch.C_UPPER) !== 0) {
    const pe = pseudonymEndAt(s, a, b);
    if (pe > 0 && pe < b) return false;
  }
  if (slashes > 0 && (byteAt(s, b - 1) === 47 || slashes * 2 >= len)) return false;
  // a service principal (sns.amazonaws.com) names a service, not a resource; a host under on.aws is read by its
  // anchor (its labels masked, its service and region kept)
  // (also with a DNS name's root dot: the private hosted zone of an interface endpoint, OwningService
  // vpce.amazonaws.com, is named eu-west-1.secretsmanager.amazonaws.com.)
  if (len > 14 && matchesAt(s, b - 14, b, ".amazonaws.com")) return false;
  if (len > 15 && byteAt(s, b - 1) === 46 && matchesAt(s, b - 15, b, ".amazonaws.com.")) return false;
  // Route 53's name servers (ns-1536.awsdns-00.co.uk: a zone file's NS and SOA records)
  if (first === 110 && len > 16 && byteAt(s, a + 2) === 45 && byteAt(s, a + 1) === 115) {
    const d = a + 3 + ch.runOf(s, a + 3, b, C_DIGIT);
    if (d > a + 3 && matchesAt(s, d, b, ".awsdns-")) return false;
  }
  // (its dots and last unit compared first: matchesAt holds a loop, and this runs for every candidate name)
  if (len > 7 && byteAt(s, b - 4) === 46 && byteAt(s, b - 1) === 115 && matchesAt(s, b - 7, b, ".on.aws")) return false;
  // a region's name (eu-west-1) is AWS's: read after a noun ("Endpoint group eu-west-1") and learned, it was replaced
  // in every ARN of the text; and an Availability Zone's (us-east-1a: "AvailabilityZoneName" is a name key's)
  if (digits === 1 && len >= 9 && len <= 17 && byteAt(s, a + 2) === 45) {
    if (byteAt(s, b - 2) === 45 && regionName(s, a, b)) return false;
    if (byteAt(s, b - 3) === 45 && (cls(byteAt(s, b - 1)) & C_LOWER) !== 0 && regionName(s, a, b - 1)) return false;
  }
  // CodeDeploy's predefined deployment configurations (CodeDeployDefault.OneAtATime): the prefix is reserved
  if (len > 18 && first === 67 && matchesAt(s, a, a + 18, "CodeDeployDefault.")) return false;
  // an instance type (m6i.large, db.r6g.2xlarge, cache.t3.micro, r6g.large.search) is AWS's, not the account's
  if (digits > 0 && dots > 0 && instanceType(s, a, b)) return false;
  if (
    (first === 65 ||
      first === 69 ||
      first === 76 ||
      first === 79 ||
      first === 84 ||
      first === 119 ||
      first === 97 ||
      first === 99 ||
      first === 114) &&
    len > 5 &&
    awsReservedName(s, a, b)
  )
    return false;
  // an Availability Zone's id (use1-az4, apne1-az1) is AWS's
  if (
    len <= 9 &&
    len >= 8 &&
    byteAt(s, b - 4) === 45 &&
    byteAt(s, b - 3) === 97 &&
    byteAt(s, b - 2) === 122 &&
    digits >= 2
  )
    return false;
  // a Service Quotas quota code (L-1216C47A: L- and 8 upper-case hex) is AWS's
  if (len === 10 && first === 76 && byteAt(s, a + 1) === 45 && ch.runOf(s, a + 2, b, ch.C_UPPER | C_DIGIT) === 8)
    return false;
  // a Kinesis shard's id (shardId-000000000014) numbers the stream's shards: AWS's
  if (len === 20 && first === 115 && digits === 12 && matchesAt(s, a, a + 8, "shardId-")) return false;
  // a public vulnerability id (CVE-2023-44487, an image scan's finding) names no resource
  if (len >= 13 && first === 67 && digits >= 8 && matchesAt(s, a, a + 4, "CVE-")) return false;
  // an NVMe block device (lsblk's NAME column: nvme1n1, nvme0n1p1), as /dev/ names it above
  if (
    first === 110 &&
    len >= 7 &&
    len <= 12 &&
    digits >= 2 &&
    matchesAt(s, a, a + 4, "nvme") &&
    (cls(byteAt(s, a + 4)) & C_DIGIT) !== 0
  )
    return false;
  // an API filter's or attribute's name (EC2's --filters Name=vpc-id, Name=instance-state-name; Prometheus's
  // ec2_sd_configs filters: - name: vpc-id): lower-case words ending in -id, -name or -arn, no digit
  if (
    digits === 0 &&
    slash &&
    len >= 5 &&
    len <= 40 &&
    ((byteAt(s, b - 3) === 45 && byteAt(s, b - 2) === 105 && byteAt(s, b - 1) === 100) ||
      (byteAt(s, b - 5) === 45 && byteAt(s, b - 1) === 101 && matchesAt(s, b - 4, b, "name")) ||
      (byteAt(s, b - 4) === 45 && byteAt(s, b - 1) === 110 && matchesAt(s, b - 3, b, "arn"))) &&
    lower === len
  )
    return false;
  // and a describe-instances field in snake_case (the aws_ec2 inventory's hostvars: compose: ansible_host:
  // private_ip_address, ec2_account_id: owner_id): those fields by name, not any x_y_id (`brindle_invoice_id`, a
  // table, is a name)
  if (digits === 0 && slash && unders > 0 && len <= 32 && lower + unders === len && EC2_HOSTVARS[sub(s, a, b)] === true)
    return false;
  // an exception's class (an SDK error's "name": "AccessDeniedException", "__type", a Lambda's "errorType") is the
  // service's: learned, it was replaced in every message of the text that names it
  if (len > 9 && byteAt(s, b - 1) === 110 && byteAt(s, b - 9) === 69 && matchesAt(s, b - 9, b, "Exception"))
    return false;
  // a reference only when the first two units start one (a loop per reference inside this loop would be a nested
  // loop LuaJIT blacklists)
  if (REF_HEADS[byteAt(s, a) * 128 + byteAt(s, a + 1)] === true) {
    for (const r of TF_REFS) if (r.length <= len && sub(s, a, a + r.length) === r) return false;
  }
  return (
    len > STOP_MAX || (!stopWord(s, a, b) && !(slash && len <= 32 && ENUM_WORDS[sub(s, a, b).toLowerCase()] === true))
  );
}

// Roles AWS creates under fixed names: Organizations' role in a member account, EMR's default roles (aws emr
// create-default-roles)
const RESERVED_ROLES: Record<string, boolean> = {
  OrganizationAccountAccessRole: true,
  // AWS Backup's and WorkSpaces' default service roles
  AWSBackupDefaultServiceRole: true,
  workspaces_DefaultRole: true,
  EMR_DefaultRole: true,
  EMR_DefaultRole_V2: true,
  EMR_EC2_DefaultRole: true,
  EMR_AutoScaling_DefaultRole: true,
  EMR_Notebooks_DefaultRole: true,
};

/**
 * Prefixes of public Java packages (org.apache..., java.sql...), packed " prefix " for one search; not com. or io.: a
 * company's own packages (com.<company>.<app>.Main) name it, and stay masked.
 */
// (and .NET's: System.Data.SqlClient, Microsoft.Extensions..., AWS Tools for PowerShell's Amazon.EC2.Model.<Type>; and
// Airflow's providers' classes, a secrets backend's: airflow.providers.amazon.aws.secrets...SecretsManagerBackend)
const JAVA_PACKAGES = " org java javax System Microsoft Amazon airflow ";

/** Whether s[a, b), a dotted name, is a Java class: a package's prefix (JAVA_PACKAGES), its last part capitalised. */
function javaClass(s: string, a: number, b: number): boolean {
  let last = b;
  while (last > a && byteAt(s, last - 1) !== 46) last--;
  if (last >= b || (cls(byteAt(s, last)) & ch.C_UPPER) === 0) return false;
  const dot = s.indexOf(".", a);
  return dot > a && dot - a <= 9 && JAVA_PACKAGES.indexOf(" " + sub(s, a, dot) + " ") >= 0;
}

/**
 * Whether s[a, b) is one of Amazon's public AMI names, a SageMaker job type's own log group or AWS Batch's default one,
 * /aws/batch/job (plausibleName).
 */
export function awsPublicName(s: string, a: number, b: number): boolean {
  // (units compared before matchesAt, a loop: this runs per candidate name, from interpreted code)
  const c = byteAt(s, a);
  if (b - a === 14 && c === 47) return matchesAt(s, a, b, "/aws/batch/job");
  const d = b - a > 15 ? byteAt(s, a + 1) : 0;
  if (c === 97) {
    if (d === 108) return byteAt(s, a + 6) === 45 && matchesAt(s, a, b, "al2023-ami-");
    return (
      d === 109 && byteAt(s, a + 3) === 110 && (matchesAt(s, a, b, "amzn2-ami-") || matchesAt(s, a, b, "amzn-ami-"))
    );
  }
  if (c === 87) return d === 105 && byteAt(s, a + 7) === 95 && matchesAt(s, a, b, "Windows_Server-");
  if (d !== 97 || byteAt(s, a + 5) !== 115 || !matchesAt(s, a, b, "/aws/sagemaker/")) return false;
  for (let k = a + 15; k < b; k++) if ((cls(byteAt(s, k)) & (C_LOWER | ch.C_UPPER)) === 0) return false;
  return b > a + 15 && (cls(byteAt(s, a + 15)) & ch.C_UPPER) !== 0;
}

/**
 * The aliases AWS's services go by as an interface's requester or owner (describe-network-interfaces' RequesterId,
 * Attachment.InstanceOwnerId: amazon-elb, amazon-rds): only these, amazon-<word> otherwise may be the company's name
 * (a function amazon-orders, a queue amazon-feed).
 */
export const AMAZON_PRINCIPALS = ch.wordSet("aws elb rds redshift elasticache");

/**
 * A name AWS reserves, the same in every account: SSM's own documents and runbooks (AWS-RunShellScript,
 * AWSSupport-TroubleshootSSH: no customer's name may start AWS-), service-linked roles (AWSServiceRoleForECS), the
 * roles of RESERVED_ROLES, a service's name in the Java SDK's errors (Service: AmazonCognitoIdentity; AmazonS3,
 * AmazonDynamoDBv2), the security policies of Transfer Family and Elastic Load Balancing
 * (TransferSecurityPolicy-2024-01, ELBSecurityPolicy-TLS13-1-2-2021-06). It names nothing of the account's; learned,
 * it would stand in for AWS's name everywhere.
 */
export function awsReservedName(s: string, a: number, b: number): boolean {
  const len = b - a;
  const first = byteAt(s, a);
  if (first === 65 && byteAt(s, a + 1) === 87 && byteAt(s, a + 2) === 83) {
    const c3 = byteAt(s, a + 3);
    if (c3 === 45) return len > 5 && (cls(byteAt(s, a + 4)) & ch.C_UPPER) !== 0;
    // (AWSIot, AWSCognitoIdentityProvider: the Java SDK's service names)
    if (c3 !== 83) return RESERVED_ROLES[sub(s, a, b)] === true || (len <= 40 && ch.runOf(s, a, b, C_ALNUM) === len);
    return (
      (len > 17 && matchesAt(s, a, a + 17, "AWSServiceRoleFor")) || (len > 11 && matchesAt(s, a, a + 11, "AWSSupport-"))
    );
  }
  if (first === 65)
    return (
      len > 7 &&
      len <= 40 &&
      matchesAt(s, a, a + 6, "Amazon") &&
      (cls(byteAt(s, a + 6)) & ch.C_UPPER) !== 0 &&
      ch.runOf(s, a, b, C_ALNUM) === len
    );
  if (first === 84) return len > 23 && matchesAt(s, a, a + 23, "TransferSecurityPolicy-");
  // (fifty-first pass) AWS's own principals as an owner or requester (an ENI's RequesterId / InstanceOwnerId:
  // amazon-elb, amazon-aws, amazon-rds), an AWS service's or its managed prefix list's name
  // (com.amazonaws.eu-west-1.s3; not an endpoint service of an account's: com.amazonaws.vpce.<region>.vpce-svc-...),
  // Route 53 Resolver's auto-defined rules (rslvr-autodefined-rr-internet-resolver)
  if (first === 97)
    return len > 7 && len <= 24 && matchesAt(s, a, a + 7, "amazon-") && AMAZON_PRINCIPALS[sub(s, a + 7, b)] === true;
  if (first === 99)
    return len > 14 && matchesAt(s, a, a + 14, "com.amazonaws.") && sub(s, a + 14, b).indexOf("vpce") < 0;
  if (first === 114) return len > 18 && matchesAt(s, a, a + 18, "rslvr-autodefined-");
  // (Lightsail's default key pair of a region, LightsailDefaultKey-eu-west-2: its key file is what users pass to ssh -i)
  if (first === 76) return len >= 19 && matchesAt(s, a, a + 19, "LightsailDefaultKey");
  if (first === 69 && len > 18 && matchesAt(s, a, a + 18, "ELBSecurityPolicy-")) return true;
  return len >= 15 && len <= 29 && RESERVED_ROLES[sub(s, a, b)] === true;
}

/**
 * Where the instance size word that ends s[a, e) starts (large, micro, nano, small, metal, medium, xlplus,
 * metal-<n>xl), or -1. The last unit and two others are compared first, with no loop: plausibleName asks it of every
 * value with a digit and a dot, and LuaJIT blacklists a function whose common path runs a loop when it is called per
 * value (a first version looped over the words: blacklisted in 24 of 30 fresh processes).
 */
function sizeStart(s: string, a: number, e: number): number {
  const last = byteAt(s, e - 1);
  const c2 = byteAt(s, e - 2);
  let w = "";
  if (last === 101 && c2 === 103 && byteAt(s, e - 5) === 108) w = "large";
  else if (last === 111 && c2 === 114 && byteAt(s, e - 5) === 109) w = "micro";
  else if (last === 111 && c2 === 110 && byteAt(s, e - 4) === 110) w = "nano";
  else if (last === 108 && c2 === 108 && byteAt(s, e - 5) === 115) w = "small";
  else if (last === 108 && c2 === 97 && byteAt(s, e - 5) === 109) w = "metal";
  else if (last === 109 && c2 === 117 && byteAt(s, e - 6) === 109) w = "medium";
  else if (last === 115 && c2 === 117 && byteAt(s, e - 6) === 120) w = "xlplus";
  else if (last === 108 && c2 === 120 && (cls(byteAt(s, e - 3)) & C_DIGIT) !== 0) {
    // metal-24xl
    let k = e - 3;
    while (k > a && (cls(byteAt(s, k - 1)) & C_DIGIT) !== 0) k--;
    return matchesAt(s, k - 6, e, "metal-") ? k - 6 : -1;
  }
  return w !== "" && e - a > w.length && matchesAt(s, e - w.length, e, w) ? e - w.length : -1;
}

/**
 * True when s[a, b) is an instance type: [<letters>.]<family>.<size>[.search | .elasticsearch], the family a lower-case
 * letter, then letters, digits and dashes with a digit among them (m6i, r6gd, u-6tb1, hsm1), the size sizeStart's.
 */
function instanceType(s: string, a: number, b: number): boolean {
  let e = b;
  // (OpenSearch's: r6g.large.search, m5.large.elasticsearch)
  if (byteAt(s, e - 1) === 104 && e - a > 7 && byteAt(s, e - 7) === 46) {
    if (matchesAt(s, e - 7, e, ".search")) e -= 7;
    else if (e - a > 14 && matchesAt(s, e - 14, e, ".elasticsearch")) e -= 14;
  }
  const sizeAt = sizeStart(s, a, e);
  if (sizeAt < 0 || e - a > 40) return false;
  // (xlarge, and a size's count: 2xlarge, 24xlarge)
  let k = sizeAt;
  if (k > a && byteAt(s, k - 1) === 120) k--;
  while (k > a && (cls(byteAt(s, k - 1)) & C_DIGIT) !== 0) k--;
  if (k === a || byteAt(s, k - 1) !== 46) return false;
  // the family, back to a dot or the start
  const fe = k - 1;
  let f = fe;
  let digit = false;
  while (f > a && byteAt(s, f - 1) !== 46) {
    const c = byteAt(s, f - 1);
    if ((cls(c) & C_DIGIT) !== 0) digit = true;
    else if ((cls(c) & C_LOWER) === 0 && c !== 45) return false;
    f--;
  }
  if (!digit || fe - f < 2 || fe - f > 12 || (cls(byteAt(s, f)) & C_LOWER) === 0) return false;
  if (f === a) return true;
  // a service's prefix (db., cache., ml., kafka., mq.): letters only
  return f - 1 > a && f - 1 - a <= 6 && ch.runOf(s, a, f - 1, C_LOWER) === f - 1 - a;
}

/**
 * The hosted zones AWS publishes for alias records (fiftieth pass): Elastic Load Balancing's per region (ALB/CLB, then
 * NLB; the ELB endpoints table of the AWS General Reference; the newer regions' after), S3's website endpoints' (the
 * General Reference's S3 table), CloudFront's and Global Accelerator's. Every account's alias record names them; they
 * identify no account.
 */
export const PUBLIC_ZONE_IDS = ch.wordSet(
  "Z268VQBMOI5EKX Z3DQVH9N71FHZ0 Z14GRHDCWA56QT ZWKZPGTI48KDX Z5LXEXXYW11ES ZP97RAFLXTNZK Z1LMS91P8CMLE5 " +
    "Z1GM3OXH4ZPM65 Z08888821HLRG5A9ZRTER ZQSVJUPU6J1EY Z1GDH35T77C1KE ZM7IZAIOVVDZF Z215JYRZR1TBD5 Z23TAZ6LKFMNIO " +
    "Z3ULH7SSC9OV64 Z32O12XQLNTSW2 ZHURV8PSTC4K8 Z3Q77PNBQS71R4 ZS929ML54UICD Z2P70J7HTTTPLU Z35SXDOTRQ7X7K " +
    "Z3AADJGX6KTTL2 Z166TLBEWOO7G0 Z33AYJ8TM3BH4J Z368ELLRRE2KJ0 Z1H1FL5HABSF5 " +
    "Z203XCE67M25HM Z12Y7K3UBGUAD1 Z31USIVHYNEOWT ZIBE1TIR4HY56 Z1GWIQ4HH19I5X ZVDDRBQ08TROA ZKVM4W9LS7TM " +
    "ZCT6FZBF4DROD Z01971771FYVNCOVWJU1G Z2EPGBW3API2WT Z3QFB96KMJ7ED6 ZQEIKTCZ8352D Z3F0SRJ5LGBH90 Z1UDT6IFJ4EJM " +
    "Z23146JA1KNAFP Z2IFOLAFXWLO4F ZD4D7Y8KGAS4G Z1CMS0P5QUZ6D5 Z3QSRYVP46NYYV ZTK26PT1VY4CU Z26RNL4JYFTOTI " +
    "ZLMOA37VPKANP Z1ZSMQQ6Q24QQ8 ZMG1MZ2THAWF1 Z24FKFUX50B4VW Z18D5FSROUN65G " +
    "Z0173938T07WNTVAEPZN Z09517862IB2WZLPXG76F Z06010284QMVVW7WO5J Z0390008CMBRTHFGWBCB Z06473681N0SF6OS049SD " +
    "Z06391101F2ZOEP8P5EB3 Z0956581394HF5D5LXGAP Z09170902867EHPV2DABU Z08230872XQRWHG2XF6I Z023552324OKD1BB28BH5 " +
    "Z0711778386UTO08407HT Z01156963G8MIIL7X90IV Z02754302KBB00W2LKWZ9 Z02239872DOALSIDCX66S Z1011216NVTVYADP1SSV " +
    "Z0313266YDI6ZRHTGQY4 Z00282643NTTLPANJJG2P " +
    // (S3's website endpoints per region: `terraform state show aws_s3_bucket` prints one as every bucket's
    // hosted_zone_id, and a static site's alias record names it)
    "Z83WF9RJE8B12 ZNB98KWMFR0R6 Z2M4EHUR26P7ZW Z3W03O7B5YMIYP Z2YQB5RD63NC85 Z11RGJOFQNVJUP Z02976202B4EZMXIPMXF7 " +
    "Z3O0J2DXBE1FTB Z1WCIGYICN2BYD Z01846753K324LI26A3VV Z0312387243XT5FE14WFO Z08660063OXLMA7F1FJHU Z1QDHH18159H29 " +
    "Z03565811Z33SLEZTHOUL Z5CN8UMXT92WN Z282HJ1KT0DH03 Z21DNDUVLTQW6Q Z030506016YDQGETNASS Z3BAZG2TWCNX0D " +
    "Z30OZKI7KPW7MI Z0081959F7139GRJC19J Z1BKCTXD74EZPE Z3GKZC51ZF0DB4 Z3R1K369G5AVDG Z09640613K4A3MN55U7GU " +
    "Z06143092I8HRXZRUZROF Z1MPMWCPA7YB62 Z7KQH4QJS55SO Z3AQBSTGFYJSTF Z2O1EMRO9K5GLX Z2NIFVYYW2VKV1 Z31GFT0UA1I2HV " +
    "Z2F56UZL2M1ACD Z3BJ6K6RIION7M " +
    "Z2FDTNDATAQYW2 Z2BJ6XQ5FK7U4H",
);

// the describe-instances fields in snake_case the aws_ec2 inventory's hostvars hold (compose:, groups:, hostnames:)
const EC2_HOSTVARS = ch.wordSet(
  "private_ip_address public_ip_address ipv6_address mac_address carrier_ip_address private_dns_name " +
    "public_dns_name key_name root_device_name device_name group_name image_id instance_id kernel_id ramdisk_id " +
    "subnet_id vpc_id owner_id requester_id reservation_id capacity_reservation_id spot_instance_request_id " +
    "network_interface_id attachment_id allocation_id association_id group_id volume_id availability_zone_id " +
    "host_id outpost_arn",
);

/**
 * Where the head of a login key s[ks, j) ends (user, users, username, user_name, MasterUsername, login, login_name:
 * its word before "user" or "login"), or -1 for another key.
 */
export function loginKeyHead(s: string, ks: number, j: number): number {
  let e = j;
  if (e - ks >= 5 && lowerCode(byteAt(s, e - 1)) === 115) e--;
  if (e - ks >= 8 && lowerCode(byteAt(s, e - 1)) === 101 && ch.matchesLowerAt(s, e - 4, e, "name")) {
    e -= 4;
    if (byteAt(s, e - 1) === 95 || byteAt(s, e - 1) === 45) e--;
  }
  if (e - ks >= 4 && lowerCode(byteAt(s, e - 1)) === 114 && ch.matchesLowerAt(s, e - 4, e, "user")) return e - 4;
  if (e - ks >= 5 && lowerCode(byteAt(s, e - 1)) === 110 && ch.matchesLowerAt(s, e - 5, e, "login")) return e - 5;
  return -1;
}

/**
 * True when a generic name key's value s[a, b) (its key s[ks, j)) is masked where it stands and not learned: one word
 * of lower-case letters (Consul's serf tag role=consul, role=node; a knife summary's Roles: base), a tool's word as
 * often as a name; learned, every `consul` command of the request became a pseudonym. Under a login key (user,
 * users, SlurmUser, db_username, login_name: loginKeyHead) only the tool's own user, the key's head repeated
 * (SlurmUser=slurm): a login is a person's. (fifty-first pass) Also such a word and one "-" or "_" after it, a name
 * prefix's (name_prefix = "web-", "tf-"): learned, every "tf-" of the request became a pseudonym.
 */
export function unlearnedWord(s: string, ks: number, j: number, a: number, b: number): boolean {
  const t = byteAt(s, b - 1);
  const w = b - a >= 3 && (t === 45 || t === 95) ? b - 1 : b;
  if (b - a < 3 || ch.runOf(s, a, w, C_LOWER) !== w - a) return false;
  const h = loginKeyHead(s, ks, j);
  if (h < 0) return true;
  return h - ks === b - a && ch.matchesLowerAt(s, ks, h, sub(s, a, b));
}

/** The stoplist's words read backwards (a suffix trie, chars.ts): stopWord compares in place, no string built. */
const STOP_WORDS = stopWords();

function stopWords(): ch.SuffixSet {
  const words: string[] = [];
  for (const w in STOPLIST) words.push(w);
  return ch.newSuffixSet(words);
}

/**
 * Enum values AWS prints where a generic name key or a text cell stands (forty-sixth pass): Transit Gateway route and
 * attachment types, Direct Connect's states, Systems Manager's compliance and notification types and reboot options,
 * Incident Manager's timeline event type, the policy simulator's decisions, Cognito's OAuth flows and scopes, Cloud9's
 * permissions, Redshift's node roles, QuickSight's user roles, IoT fleet provisioning's overrides, Greengrass nucleus
 * services, ELB attribute values, YARN's titles. Not names of the generic kind, nor learned; under a specific key
 * (--table-name state, --function-name connect) they are the resource's name (plausibleName).
 */
export const ENUM_WORDS: Record<string, boolean> = {
  // (forty-eighth pass) ELB's target health reason codes (describe-target-health's TARGETHEALTH row)
  "target.failedhealthchecks": true,
  "target.responsecodemismatch": true,
  "target.timeout": true,
  "target.notregistered": true,
  "target.notinuse": true,
  "target.deregistrationinprogress": true,
  "target.invalidstate": true,
  "target.ipunusable": true,
  "target.healthcheckdisabled": true,
  "elb.registrationinprogress": true,
  "elb.initialhealthchecking": true,
  "elb.internalerror": true,
  propagated: true,
  static: true,
  blackhole: true,
  connect: true,
  "tgw-peering": true,
  down: true,
  confirming: true,
  verifying: true,
  rejected: true,
  patch: true,
  command: true,
  executionsummary: true,
  important: true,
  noreboot: true,
  rebootifneeded: true,
  note: true,
  implicitdeny: true,
  explicitdeny: true,
  code: true,
  implicit: true,
  client_credentials: true,
  openid: true,
  "aws.cognito.signin.user.admin": true,
  owner: true,
  "read-write": true,
  "read-only": true,
  leader: true,
  reader: true,
  author: true,
  admin_pro: true,
  author_pro: true,
  reader_pro: true,
  restricted_author: true,
  restricted_reader: true,
  do_nothing: true,
  replace: true,
  merge: true,
  deploymentservice: true,
  telemetryagent: true,
  append: true,
  state: true,
  // (forty-seventh pass) the VPC CNI's plugin, a Kubernetes scheduler plugin, the SDKs' signing schemes and credential
  // providers and stores, Bedrock's test alias, CloudTrail's placeholder for hidden values, Organizations' default
  // SCP, OpenSearch's error type
  "aws-cni": true,
  noderesourcesfit: true,
  sigv4: true,
  sigv4a: true,
  profilefile: true,
  sharedcredentialsfile: true,
  netsdkcredentialsfile: true,
  tstaliasid: true,
  hidden_due_to_security_reasons: true,
  fullawsaccess: true,
  security_exception: true,
  // the CDK's default bootstrap qualifier (cdk-hnb659fds-* roles and buckets, /cdk-bootstrap/hnb659fds/version)
  hnb659fds: true,
  // (forty-eighth pass) End User Messaging's message statuses (record_status, messageStatus), Kinesis' iterator
  // types (initialPositionInStream, a KCL lease's checkpoint), SNS's pending subscription, OBS's custom service,
  // rabbitmqadmin's column titles
  delivered: true,
  successful: true,
  undeliverable: true,
  trim_horizon: true,
  latest: true,
  at_timestamp: true,
  shard_end: true,
  at_sequence_number: true,
  after_sequence_number: true,
  pendingconfirmation: true,
  custom: true,
  password_hash: true,
  tags: true,
  // (fiftieth pass) EBS volume and attachment states (describe-volumes' text and table output), Storage Gateway's
  // predefined tape pools, a killed process's word in a log event (Batch, get-log-events --output text)
  "in-use": true,
  attaching: true,
  attached: true,
  detaching: true,
  detached: true,
  deep_archive: true,
  glacier: true,
  killed: true,
  // (fifty-first pass) ELBv2 rule conditions' fields, an ENI's InterfaceType, an S3 ACL grantee's type, ECS tasks'
  // stopCode, RDS's own CA certificates (CACertificateIdentifier), create-react-app's build manifest
  "host-header": true,
  "path-pattern": true,
  "http-header": true,
  "http-request-method": true,
  "query-string": true,
  "source-ip": true,
  interface: true,
  efa: true,
  branch: true,
  trunk: true,
  canonicaluser: true,
  group: true,
  amazoncustomerbyemail: true,
  serviceschedulerinitiated: true,
  taskfailedtostart: true,
  essentialcontainerexited: true,
  userinitiated: true,
  spotinterruption: true,
  "rds-ca-2019": true,
  "rds-ca-rsa2048-g1": true,
  "rds-ca-ecc384-g1": true,
  "rds-ca-rsa4096-g1": true,
  "asset-manifest": true,
  // (fifty-first pass) EC2's route origins, network interface types and route table association states, IPAM's
  // compliance and overlap statuses, the fixed descriptions of RDS's and DMS's interfaces; AWS Health's event status
  // and category codes; Trusted Advisor's statuses, fraud type and report column titles
  associated: true,
  associating: true,
  disassociating: true,
  disassociated: true,
  createroutetable: true,
  createroute: true,
  enablevgwroutepropagation: true,
  nat_gateway: true,
  transit_gateway: true,
  gateway_load_balancer: true,
  gateway_load_balancer_endpoint: true,
  vpc_endpoint: true,
  lambda: true,
  network_load_balancer: true,
  compliant: true,
  noncompliant: true,
  ignored: true,
  unmanaged: true,
  overlapping: true,
  nonoverlapping: true,
  rdsnetworkinterface: true,
  dmsnetworkinterface: true,
  open: true,
  upcoming: true,
  closed: true,
  issue: true,
  scheduledchange: true,
  accountnotification: true,
  investigation: true,
  // (not green: a surname as often, LastName: Green)
  yellow: true,
  red: true,
  exposed: true,
  suspected: true,
  location: true,
  deadline: true,
  "region/az": true,
  // Compute Optimizer's utilization metric names (utilizationMetrics[].name, beside its statistic)
  cpu: true,
  memory: true,
  ebs_read_ops_per_second: true,
  ebs_write_ops_per_second: true,
  ebs_read_bytes_per_second: true,
  ebs_write_bytes_per_second: true,
  disk_read_ops_per_second: true,
  disk_write_ops_per_second: true,
  disk_read_bytes_per_second: true,
  disk_write_bytes_per_second: true,
  network_in_bytes_per_second: true,
  network_out_bytes_per_second: true,
  network_packets_in_per_second: true,
  network_packets_out_per_second: true,
  gpu: true,
  gpu_memory: true,
};

/** length * 16384 + first unit * 128 + last unit (lower-cased) of each word of STOPLIST: stopWord's loop-free test. */
const STOP_SHAPES: Record<number, boolean> = {};
for (const w in STOPLIST) {
  STOP_SHAPES[w.length * 16384 + lowerCode(byteAt(w, 0)) * 128 + lowerCode(byteAt(w, w.length - 1))] = true;
}

/**
 * True when s[a, b) lower-cased (ASCII) is a word of STOPLIST. Most values have no stop word's length, first and last
 * unit, and leave before the loop: a function called per word from interpreted code, whose common path holds a loop,
 * has LuaJIT abort the traces it starts at its entry until it blacklists it. The rest is read from its end; a value
 * found by its context is cut out of the text once, not also for this check.
 */
export function stopWord(s: string, a: number, b: number): boolean {
  if (b <= a) return false;
  const first = byteAt(s, a);
  const last = byteAt(s, b - 1);
  if (first >= 128 || last >= 128 || STOP_SHAPES[(b - a) * 16384 + lowerCode(first) * 128 + lowerCode(last)] !== true)
    return false;
  const next = STOP_WORDS.next;
  let node = 0;
  for (let k = b - 1; k >= a; k--) {
    const c = byteAt(s, k);
    const child = c < 128 ? next[node * 128 + lowerCode(c)] : undefined;
    if (child === undefined) return false;
    node = child;
  }
  return STOP_WORDS.word[node] !== undefined;
}

/** first unit * 128 + second unit of each reference prefix (plausibleName) */
const REF_HEADS: Record<number, boolean> = {};
for (const r of TF_REFS) REF_HEADS[byteAt(r, 0) * 128 + byteAt(r, 1)] = true;

/** Longest word of the stoplist: a longer value is never in it (no lower-cased copy built). */
const STOP_MAX = longestKey(STOPLIST);

function longestKey(t: Record<string, boolean>): number {
  let m = 0;
  for (const k in t) if (k.length > m) m = k.length;
  return m;
}

function kebab(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) if (byteAt(s, k) === 45) return true;
  return false;
}

/**
 * Whether a key ending at j is followed by a unit valueAfter and matchNameList can take for its separator (a test
 * before a text's signal is searched for a key): past closing quotes (escaped or not), a subscript's or a call's close
 * and blanks, one of ":", "=", "(", ">", "?", "+", "!", "<". A flag's value needs none (the caller's test).
 */
export function keySeparatorFollows(s: string, j: number, n: number): boolean {
  let k = j;
  while (k < n && k - j < 8) {
    const c = byteAt(s, k);
    if (c !== 34 && c !== 39 && c !== 92 && c !== 93 && c !== 41) break;
    k++;
  }
  while (k < n && k - j < 48 && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) k++;
  if (k >= n) return false;
  const c = byteAt(s, k);
  return c === 58 || c === 61 || c === 40 || c === 62 || c === 63 || c === 43 || c === 33 || c === 60;
}

/**
 * Whether s[p, p + 2) is Confluence storage format's macro namespace, ac, as an attribute's (after a blank or "<"):
 * ac:name's value is a macro parameter's name. Not ri: a resource identifier's attributes hold the page's data
 * (ri:username, ri:filename, ri:account-id: review of the fifty-first pass).
 */
function confluenceAttribute(s: string, p: number): boolean {
  return (
    byteAt(s, p) === 97 && byteAt(s, p + 1) === 99 && (p === 0 || byteAt(s, p - 1) === 32 || byteAt(s, p - 1) === 60)
  );
}

/**
 * After a key token ending at j: the separator and the value. `flag` allows a blank as the separator (CLI flags).
 * Returns true and sets value to its span when a complete, plausible value follows. tagKey: the start of the key that
 * names the value when it stands elsewhere (a Key/Value pair's Key, which ends at tagKeyEnd), -1 for the key before j.
 */
export function valueAfter(
  s: string,
  j: number,
  n: number,
  keyStart: number,
  flag: boolean,
  kind: Kind,
  value: Span,
  tagKey = -1,
  tagKeyEnd = -1,
): boolean {
  // (fifty-first pass) Confluence storage format's macro attributes (<ac:parameter ac:name="language">): the schema's
  // vocabulary, not a name key
  if (keyStart >= 3 && byteAt(s, keyStart - 1) === 58 && confluenceAttribute(s, keyStart - 3)) return false;
  let k = j;
  const q0 = k < n ? byteAt(s, k) : -1;
  // JSON inside a string (a Step Functions input, a CloudWatch message): \"key\": \"value\"; one level deeper
  // (an SNS message in an SQS message's body): \\\"key\\\": \\\"value\\\". esc backslashes before each quote.
  const esc = q0 === 92 ? escapedQuote(s, k, n) : 0;
  const escaped = esc > 0;
  if (escaped) {
    if (keyStart < esc + 1 || byteAt(s, keyStart - 1) !== 34 || escapedQuote(s, keyStart - 1 - esc, n) !== esc)
      return false;
    k += esc + 1;
  } else if (q0 === 34 || q0 === 39) {
    // quoted key: "Key": / 'key' => — the key must open with the same quote (a flag's before its dashes), or be a
    // JSON path's last key ('$.requestParameters.bucketName': Athena's json_extract_scalar over CloudTrail)
    let ks = keyStart;
    if (flag) while (ks > 0 && keyStart - ks < 2 && byteAt(s, ks - 1) === 45) ks--;
    if (ks > 1 && byteAt(s, ks - 1) === 58 && byteAt(s, ks - 2) !== q0) {
      // a namespaced key: a Cognito token's or user's attribute ("cognito:username", "custom:bucket"), an AWS tag's
      // ("aws:autoscaling:groupName", "aws:cloudformation:stack-name")
      let p = ks - 1;
      while (p > 0 && ks - p < 33 && ((cls(byteAt(s, p - 1)) & C_LOWER) !== 0 || byteAt(s, p - 1) === 58)) p--;
      if (p < ks - 1 && p > 0 && byteAt(s, p - 1) === q0) ks = p;
    } else if (ks > 1 && byteAt(s, ks - 1) === 46 && byteAt(s, ks - 2) !== q0) {
      // a dotted key: Kafka Connect's and Aiven's connector configs ("s3.bucket.name", "aws.sts.role.session.name")
      let p = ks - 1;
      while (p > 0 && ks - p < 49 && ((cls(byteAt(s, p - 1)) & (C_LOWER | C_DIGIT)) !== 0 || byteAt(s, p - 1) === 46))
        p--;
      if (p < ks - 1 && p > 0 && byteAt(s, p - 1) === q0) ks = p;
    }
    if (ks === 0 || byteAt(s, ks - 1) !== q0) {
      if (ks === 0 || byteAt(s, ks - 1) !== 46) return false;
      let p = ks - 1;
      while (p > 0 && keyStart - p < 128 && (isKeyUnit(byteAt(s, p - 1)) || byteAt(s, p - 1) === 46)) p--;
      if (p < 2 || byteAt(s, p - 1) !== 36 || byteAt(s, p - 2) !== q0) return false;
    }
    k++;
    // a subscript's or a call's close after the key: ['bucketName'] = 'x' (CloudTrail Lake), ('$.bucketName') = 'x'
    if (k < n && (byteAt(s, k) === 93 || byteAt(s, k) === 41) && k + 1 < n && byteAt(s, k + 1) === 32) k++;
  }
  while (k < n && k - j < 40 && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) k++;
  let sep = false;
  let spacedAssign = false;
  let goShort = false;
  // an XML element: <KeyName>x</KeyName> (the Query APIs' responses, S3's errors, the CLI's --debug bodies)
  const xml = q0 === 62 && keyStart > 0 && byteAt(s, keyStart - 1) === 60;
  if (xml) {
    sep = true;
    k++;
  } else if (k === j && k + 1 < n && byteAt(s, k) === 40 && (byteAt(s, k + 1) === 34 || byteAt(s, k + 1) === 39)) {
    // a call with the name as its argument: Table("orders"), .bucket("b"), fromBucketName(...)
    sep = true;
    k++;
  } else if (k < n && (byteAt(s, k) === 58 || byteAt(s, k) === 61)) {
    const c = byteAt(s, k);
    // `x = y` with an unquoted y is code or an HCL reference, not a name
    spacedAssign = c === 61 && k > j && k + 1 < n && (byteAt(s, k + 1) === 32 || byteAt(s, k + 1) === 9);
    if (k + 1 < n && (byteAt(s, k + 1) === c || byteAt(s, k + 1) === 47)) return false; // ::, ==, ://
    sep = true;
    k++;
    // (a Makefile's simply expanded variable, REPO := x; Go's short declaration, bucket := cfg.Bucket, is code unless
    // its value is quoted, as after a spaced "=")
    // (REPO:=x with no blanks too, an UPPER_SNAKE key's: a Makefile's)
    if (
      c === 58 &&
      k < n &&
      byteAt(s, k) === 61 &&
      (k - j > 1 || ((cls(byteAt(s, keyStart)) & ch.C_UPPER) !== 0 && (cls(byteAt(s, j - 1)) & C_LOWER) === 0))
    ) {
      k++;
      goShort = (cls(byteAt(s, keyStart)) & ch.C_UPPER) === 0 || (cls(byteAt(s, keyStart + 1)) & C_LOWER) !== 0;
    }
    // a hash's arrow: PHP's 'TableName' => 'x' (the AWS SDK for PHP), Ruby's :stream_name => "x", Logstash's queue => x
    if (c === 61 && k < n && byteAt(s, k) === 62) k++;
  } else if (
    k + 2 < n &&
    (byteAt(s, k) === 63 || byteAt(s, k) === 43) &&
    byteAt(s, k + 1) === 61 &&
    byteAt(s, k + 2) !== 61 &&
    (cls(byteAt(s, keyStart)) & ch.C_UPPER) !== 0 &&
    (cls(byteAt(s, j - 1)) & C_LOWER) === 0
  ) {
    // a Makefile's conditional or appending assignment of an UPPER_SNAKE variable: IMAGE_REPO ?= x, REPOS += y (blanks
    // or none on either side, IMAGE_REPO?=x)
    sep = true;
    k += 2;
  } else if (
    k + 2 < n &&
    ((byteAt(s, k) === 33 && byteAt(s, k + 1) === 61) || (byteAt(s, k) === 60 && byteAt(s, k + 1) === 62)) &&
    byteAt(s, k + 2) !== 61
  ) {
    // a query's negation, quoted value only: WHERE FunctionName != 'x' (CloudWatch Metrics Insights, SQL), <> 'x'
    k += 2;
    while (k < n && k - j < 40 && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) k++;
    if (k >= n || (byteAt(s, k) !== 34 && byteAt(s, k) !== 39)) return false;
    sep = true;
  } else if (flag && (q0 === 34 || q0 === 39) && k === j + 1 && k < n && byteAt(s, k) === 44) {
    // a flag and its value as items of an argument list: "command": ["--bucket", "x"], CMD ['--table', 'y']
    sep = true;
    k++;
  } else if (flag && k < n && (byteAt(s, k) === 10 || byteAt(s, k) === 13)) {
    // the same in a YAML list: `- --bucket` / `- x` (a container's args)
    let t = k + 1;
    if (byteAt(s, k) === 13 && t < n && byteAt(s, t) === 10) t++;
    const start = t;
    while (t < n && t - start < 40 && (byteAt(s, t) === 32 || byteAt(s, t) === 9)) t++;
    if (t + 1 >= n || byteAt(s, t) !== 45 || (byteAt(s, t + 1) !== 32 && byteAt(s, t + 1) !== 9)) return false;
    sep = true;
    k = t + 2;
  } else if (flag && k > j) {
    sep = true;
  }
  // (a separator added above goes into keySeparatorFollows too: matchKeyValue asks it before a key's signal search)
  if (!sep) return false;
  // one blank read inline, the loop entered after two only: a root trace at a loop that most calls leave after one
  // round aborts ("leaving loop in root trace") until LuaJIT blacklists the loop
  if (k < n && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) {
    k++;
    if (k < n && (byteAt(s, k) === 32 || byteAt(s, k) === 9))
      while (k < n && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) k++;
  }
  // a CloudWatch search expression's alternatives: DBInstanceIdentifier=("a" OR "b") (the others: the caller's)
  if (k + 1 < n && byteAt(s, k) === 40 && byteAt(s, k + 1) === 34) k++;
  // a DynamoDB attribute value: "BucketName": {"S": "x"} (scan, query, get-item output)
  if (k < n && byteAt(s, k) === 123) {
    const d = dynamoValue(s, k, n, false, escaped ? esc : 0);
    if (d < 0) return false;
    k = d;
  }
  // a wrapped literal: TableName: aws.String("orders"), Bucket=str("b"); the OpenTelemetry Collector's debug exporter
  // prints an attribute's string value unquoted in Str(...): aws.ecs.task.family: Str(ledger-intake)
  let w = k;
  while (w < n && w - k < 32 && ((cls(byteAt(s, w)) & C_ALNUM) !== 0 || byteAt(s, w) === 46 || byteAt(s, w) === 95))
    w++;
  if (
    w > k &&
    w + 1 < n &&
    byteAt(s, w) === 40 &&
    (((byteAt(s, w + 1) === 34 || byteAt(s, w + 1) === 39) && !notWrapper(s, k, w)) ||
      (w - k === 3 && byteAt(s, k) === 83 && byteAt(s, k + 1) === 116 && byteAt(s, k + 2) === 114))
  ) {
    k = w + 1;
    spacedAssign = false;
  }
  let quote = -1;
  if (escaped && escapedQuote(s, k, n) === esc) {
    quote = 92; // closed by the same escaped quote
    k += esc + 1;
  } else if (k < n && (byteAt(s, k) === 34 || byteAt(s, k) === 39)) {
    quote = byteAt(s, k);
    k++;
  }
  k = wildcardNameStart(s, k, n);
  // a bucket as a path's first segment: a Transfer Family user's HomeDirectory /<bucket>/<prefix> (the bucket alone)
  const pathHead = kind.family === "s3-bucket" && k + 1 < n && byteAt(s, k) === 47 && byteAt(s, k + 1) !== 47;
  if (pathHead) k++;
  const a = k;
  const slash = kind.id === "resource-name";
  while (k < n) {
    const c = byteAt(s, k);
    if (c >= 256 || !(isNameUnit(c) || (slash && c === 47))) break;
    k++;
  }
  let b = k;
  // a quoted name of several words ("Name": "Ledger Finance Prod": an account's, a Name tag's)
  // (or a word with a letter beyond ASCII: "Équipe Paiements", "Zahlungsverkehr Süd", as spacedName takes them)
  const latin = quote >= 0 && b < n && byteAt(s, b) >= 128 && ch.latinLetterAt(s, b) > 0;
  const spaced =
    slash &&
    quote >= 0 &&
    (b > a || latin) &&
    b < n &&
    byteAt(s, b) !== quote &&
    (byteAt(s, b) === 32 || spacedUnit(byteAt(s, b)) || latin) &&
    // (not a revision: family:7, below)
    !(byteAt(s, b) === 58 && b + 1 < n && (cls(byteAt(s, b + 1)) & C_DIGIT) !== 0);
  if (spaced) b = spacedNameEnd(s, a, b, n, quote);
  // a Lambda function's name qualified by a version or an alias (orders-charge:live, orders-charge:$LATEST): the name
  let end = b;
  if (kind.id === "lambda-function" && b > a && b + 2 < n && byteAt(s, b) === 58) {
    end = byteAt(s, b + 1) === 36 ? b + 2 : b + 1;
    while (
      end < n &&
      end - b < 129 &&
      ((cls(byteAt(s, end)) & C_ALNUM) !== 0 || byteAt(s, end) === 45 || byteAt(s, end) === 95)
    )
      end++;
    if (end === b + 1) end = b;
  } else if (b > a && b + 1 < n && byteAt(s, b) === 58 && (cls(byteAt(s, b + 1)) & C_DIGIT) !== 0) {
    // a revision after the name: an ECS task definition's family:revision ("TaskDefinition": "orders-report:7"); not
    // a URL's user:password@host:port
    end = b + 1;
    while (end < n && end - b < 8 && (cls(byteAt(s, end)) & C_DIGIT) !== 0) end++;
    for (let q = a; q < b; q++) if (byteAt(s, q) === 64) end = b;
  }
  if (xml) {
    // the element closes right after its text
    if (b + 1 >= n || byteAt(s, b) !== 60 || byteAt(s, b + 1) !== 47) return false;
  } else if (pathHead && end < n && byteAt(s, end) === 47) {
    // (the rest of the path is no name)
  } else if (placeholderAfter(s, a, b, end, n)) {
    // a name before a template's placeholder: Packer's ami_name = "base-al2023-{{timestamp}}" (the AMIs it makes are
    // named base-al2023-1717171717), Ansible's "orders-{{ env }}", aws-auth's username: "ledger-sso:{{SessionName}}",
    // the CloudWatch agent's log_stream_name: "app-{hostname}", the EMF exporter's "orders-emf-{TaskId}"
    if (byteAt(s, end) !== 58) b--; // (the "-" before the braces)
  } else if (quote >= 0) {
    if (end >= n || byteAt(s, end) !== quote || (quote === 92 && escapedQuote(s, end, n) !== esc)) return false;
  } else {
    if (goShort) return false;
    // `x = y` unquoted is code (a reference), unless y is kebab-case to the end of the line (INI: role_session_name = a-b)
    // (also a stack output or an alarm dimension: `Stack.TableName = Orders`, `[DBInstanceIdentifier = db-1]`)
    if (
      spacedAssign &&
      !(
        k >= n ||
        byteAt(s, k) === 10 ||
        byteAt(s, k) === 13 ||
        byteAt(s, k) === 93 ||
        (kebab(s, a, k) && byteAt(s, k) !== 59)
      )
    )
      return false;
    if (end < n && !endsUnquoted(byteAt(s, end))) return false;
    while (end === b && b > a && byteAt(s, b - 1) === 46) b--; // a sentence ends after the value
    if (codeReference(s, a, b, j, keyStart, n)) return false;
  }
  if (
    spaced
      ? !spacedName(s, a, b)
      : !plausibleName(s, a, b, kind) &&
        !(
          slash &&
          b - a <= 12 &&
          costCenterCode(s, tagKey >= 0 ? tagKey : keyStart, tagKey >= 0 ? tagKeyEnd : j, s, a, b)
        )
  )
    return false;
  value.s = a;
  value.e = b;
  return true;
}

/** The last default hclVariableName read: its string, place, and the variable's name (s < 0: none). */
const HCL_MEMO = { s: "", at: -1, ks: -1, ke: -1 };

/**
 * The name of the Terraform variable whose block holds the `default` at i (`variable "artifact_bucket" {` / `type =
 * string` / `default = "x"`): the block's "{" is looked for at most 1,024 units back, over nested blocks (validation,
 * object types); a walk that reaches the previous default of the same string with no brace between ends as that one
 * did, or gives up (linear on a run of them). Sets key to the name's span (inside its quotes).
 */
export function hclVariableName(s: string, i: number, key: Span): boolean {
  const memo = HCL_MEMO;
  const again = memo.s === s && memo.at < i;
  let depth = 0;
  let k = i - 1;
  let ks = -1;
  let ke = -1;
  for (; k >= 0 && i - k <= 1024; k--) {
    if (again && k === memo.at) {
      if (depth === 0) {
        ks = memo.ks;
        ke = memo.ke;
      }
      k = -2;
      break;
    }
    const c = byteAt(s, k);
    if (c === 125) depth++;
    else if (c === 123) {
      if (depth === 0) break;
      depth--;
    }
  }
  if (k >= 0 && byteAt(s, k) === 123) {
    // variable "<name>" {
    let q = k - 1;
    while (q > 0 && k - q < 16 && (byteAt(s, q) === 32 || byteAt(s, q) === 9)) q--;
    if (q > 10 && byteAt(s, q) === 34) {
      const e = q;
      q--;
      while (q > 0 && e - q < 128 && (isKeyUnit(byteAt(s, q)) || byteAt(s, q) === 46)) q--;
      if (q >= 9 && byteAt(s, q) === 34 && q < e - 1 && matchesAt(s, q - 9, q, "variable ")) {
        const l = q - 10;
        if (l < 0 || byteAt(s, l) === 10 || byteAt(s, l) === 32 || byteAt(s, l) === 9) {
          ks = q + 1;
          ke = e;
        }
      }
    }
  }
  memo.s = s;
  memo.at = i;
  memo.ks = ks;
  memo.ke = ke;
  if (ks < 0) return false;
  key.s = ks;
  key.e = ke;
  return true;
}

/**
 * True when s[a, b) is a shell's list in one string, `nwp/ledger-api nwp/fraud-scorer`: two words or more, one blank
 * between each, every word a token of names (a "/", "-", "_" or digit in it: not words of prose).
 */
export function blankList(s: string, a: number, b: number): boolean {
  let words = 0;
  let marked = false;
  for (let k = a; k <= b; k++) {
    const c = k < b ? byteAt(s, k) : 32;
    if (c === 32) {
      if (!marked || k === a || byteAt(s, k - 1) === 32) return false;
      words++;
      marked = false;
    } else if (c === 47 || c === 45 || c === 95 || (cls(c) & C_DIGIT) !== 0) marked = true;
    else if (!isNameUnit(c)) return false;
  }
  return words >= 2;
}

/**
 * Where an image's repository starts after a registry's variable at p (the anchor "REGISTRY", or "registry }}/" when
 * expr): `$REGISTRY/`, `$ECR_REGISTRY/`, `${ECR_REGISTRY}/`, `$(REGISTRY)/`, or GitHub Actions'
 * `${{ steps.login-ecr.outputs.registry }}/`; -1 when the anchor is none of them or no repository's unit follows.
 */
export function registryPathStart(s: string, p: number, n: number, mode: number): number {
  let r = p + 8;
  if (mode === 2) {
    // <$account or ${account}>.dkr.ecr.<$region, ${region} or a region>.amazonaws.com/ (p at ".dkr.ecr.")
    // (or an expression: ${{ secrets.AWS_ACCOUNT_ID }}, $(aws sts get-caller-identity ...), Terraform's
    // ${data.aws_caller_identity.current.account_id}, an f-string's {account_id}: back to its opening "{" or "$(")
    let k = p;
    const close = k > 0 ? byteAt(s, k - 1) : 0;
    if (close === 125 || close === 41) {
      const open = close === 125 ? 123 : 40;
      k--;
      while (k > 0 && p - k < 128 && byteAt(s, k - 1) !== open && byteAt(s, k - 1) !== 10) k--;
      if (k < 2 || byteAt(s, k - 1) !== open || (open === 40 && byteAt(s, k - 2) !== 36)) return -1;
    } else {
      while (k > 0 && p - k < 64 && ((cls(byteAt(s, k - 1)) & (ch.C_UPPER | C_DIGIT)) !== 0 || byteAt(s, k - 1) === 95))
        k--;
      if (k === p || k < 1 || byteAt(s, k - 1) !== 36) return -1;
    }
    r = p + 9;
    // (the region's field: a region, $REGION, ${region}, ${var.region}, ${{ env.AWS_REGION }})
    let depth = 0;
    while (r < n && r - p < 80) {
      const c = byteAt(s, r);
      if (c === 123) depth++;
      else if (c === 125) depth--;
      else if (!isKeyUnit(c) && c !== 36 && !(depth > 0 && (c === 32 || c === 46))) break;
      r++;
    }
    if (!matchesAt(s, r, n, ".amazonaws.com/")) return -1;
    r += 15;
  } else if (mode === 1 || matchesAt(s, p + 8, n, " }}/")) {
    // (${{ steps.login-ecr.outputs.registry }}/, ${{ env.ECR_REGISTRY }}/)
    r = p + 12;
    let k = p;
    while (k > 0 && p - k < 64 && byteAt(s, k - 1) !== 123 && byteAt(s, k - 1) !== 10) k--;
    if (k < 3 || byteAt(s, k - 1) !== 123 || byteAt(s, k - 2) !== 123 || byteAt(s, k - 3) !== 36) return -1;
  } else {
    // the variable: $, ${ or $( before a name of capitals ending in REGISTRY, closed by what opened it
    let k = p;
    while (k > 0 && p - k < 32 && ((cls(byteAt(s, k - 1)) & (ch.C_UPPER | C_DIGIT)) !== 0 || byteAt(s, k - 1) === 95))
      k--;
    if (k < 1) return -1;
    let o = byteAt(s, k - 1);
    if (o === 123 || o === 40) {
      const close = o === 123 ? 125 : 41;
      if (k < 2 || byteAt(s, k - 2) !== 36 || r >= n || byteAt(s, r) !== close) return -1;
      r++;
      o = 36;
    }
    if (o !== 36 || r >= n || byteAt(s, r) !== 47) return -1;
    r++;
  }
  return r < n && (cls(byteAt(s, r)) & (C_LOWER | C_DIGIT)) !== 0 ? r : -1;
}

// the last words of keys that say what a number is (accountMapKey)
const NUMBER_FIELDS = ch.wordSet(
  "id ids no num number count size phone ts time date code key value total amount seq " +
    // (a quantity's or a protocol's field: cache_ttl, retry-after, total-rows, bytes_in, shard-iterator, event_version)
    "ttl after before bytes rows iterator version offset limit ms sec secs seconds millis timeout interval port in " +
    "out max min retries attempts index idx nonce serial sequence timestamp epoch duration checksum hash",
);

// the first parts of keys that say what a number is (accountMapKey: total-rows, max_accounts)
const QUANTITY_HEADS = ch.wordSet("max min total bytes");

/**
 * The key of a map member whose value is the account id starting at i, when it is an account's alias: a lower-case
 * kebab or snake token (`"payments-staging": "561207448390"`, `shared_services = "..."`, YAML `log-archive: ...`), not
 * a key of its own (`account_id`, `owner-id`, `build_number`). Sets key to its span; false when there is none.
 */
export function accountMapKey(s: string, i: number, key: Span): boolean {
  let k = i - 1;
  const q = k >= 0 ? byteAt(s, k) : -1;
  if (q === 34 || q === 39) k--;
  while (k >= 0 && i - k < 8 && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) k--;
  if (k < 2 || (byteAt(s, k) !== 58 && byteAt(s, k) !== 61)) return false;
  k--;
  while (k >= 0 && i - k < 40 && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) k--;
  const kq = k >= 0 ? byteAt(s, k) : -1;
  if (kq === 34 || kq === 39) k--;
  const e = k + 1;
  let joined = false;
  while (k >= 0 && e - k <= 64) {
    const c = byteAt(s, k);
    if (c === 45 || c === 95) joined = true;
    else if ((cls(c) & (C_LOWER | C_DIGIT)) === 0) break;
    k--;
  }
  const a = k + 1;
  // (the key opens the member: after a quote of the same kind, a brace, a comma or a line's blanks)
  if (!joined || e - a < 4 || e - a > 64 || (cls(byteAt(s, a)) & C_LOWER) === 0) return false;
  const open = k >= 0 ? byteAt(s, k) : 10;
  if (kq === 34 || kq === 39 ? open !== kq : open !== 32 && open !== 9 && open !== 10 && open !== 123 && open !== 44)
    return false;
  // (not a key that says what the number is: account_id, owner-id, order_number, phone-no)
  const w = sub(s, a, e);
  if (w.indexOf("account") >= 0 || w.indexOf("owner") >= 0) return false;
  // (its last part: bytes_in, cache_ttl; or a quantity first, total-rows, max_accounts: not nwp-port-ops, nwp-index)
  let v = e;
  while (v > a && byteAt(s, v - 1) !== 45 && byteAt(s, v - 1) !== 95) v--;
  if (NUMBER_FIELDS[sub(s, v, e)] === true) return false;
  let f = a;
  while (f < e && f - a <= 5 && byteAt(s, f) !== 45 && byteAt(s, f) !== 95) f++;
  if (f < e && QUANTITY_HEADS[sub(s, a, f)] === true) return false;
  key.s = a;
  key.e = e;
  return true;
}

// A deployment tool's variable: an AWS service's word, then what of it the value names (CODEDEPLOY_APP,
// CODEDEPLOY_GROUP, CODEARTIFACT_REPO, EB_ENVIRONMENT: the inputs of aws-actions' deploy actions, fed from env:, and
// a Dockerfile's build args for CodeArtifact). Lower case; the head joined to the tail by "_", "-" or camelCase.
const SERVICE_KEY_HEADS = ["codedeploy", "codeartifact", "ecs", "ecr", "eb", "beanstalk", "amplify", "appconfig"];
const SERVICE_KEY_TAILS = ch.wordSet(
  "app application group deploymentgroup deployment_group deployment-group repo domain environment",
);

/**
 * True when the key token ending at j (at most 40 units) is a deployment tool's variable naming a resource of an AWS
 * service (SERVICE_KEY_HEADS, then SERVICE_KEY_TAILS: CODEDEPLOY_APP, codeartifact-repo, codedeployGroup); sets key.
 */
export function serviceKeyEndingAt(s: string, j: number, key: KeyToken): boolean {
  // (cheap first: the key's last unit ends one of the tails: p, n, o, t)
  const last = j > 0 ? lowerCode(byteAt(s, j - 1)) : 0;
  if (last !== 112 && last !== 110 && last !== 111 && last !== 116) return false;
  let k = j;
  while (k > 0 && j - k < 40 && isKeyUnit(byteAt(s, k - 1))) k--;
  if (j - k < 5 || (k > 0 && isKeyUnit(byteAt(s, k - 1)))) return false;
  for (const head of SERVICE_KEY_HEADS) {
    let t = k + head.length;
    if (t + 3 > j || !ch.matchesLowerAt(s, k, j, head)) continue;
    const c = byteAt(s, t);
    if (c === 95 || c === 45) t++;
    else if ((cls(c) & ch.C_UPPER) === 0 || (cls(byteAt(s, t - 1)) & C_LOWER) === 0) continue;
    if (SERVICE_KEY_TAILS[sub(s, t, j).toLowerCase()] === true) {
      key.start = k;
      key.dashes = 0;
      return true;
    }
  }
  return false;
}

/**
 * True when the key token ending at j is a database's constant or setting, `<word>_DB` or `<word>_db` (also "-"),
 * upper or lower case throughout (SOURCE_DB, glue_db, athena-db), and its value quoted (`GLUE_DB = "raw"`, `glue_db:
 * 'raw'`): the database's name (Glue's and Athena's examples name them so). Alone, "db" names no key. Sets key.
 */
export function dbKeyEndingAt(s: string, j: number, n: number, key: KeyToken): boolean {
  if (j < 5 || j >= n) return false;
  const d = byteAt(s, j - 2);
  const upper = d === 68;
  if (!(upper ? byteAt(s, j - 1) === 66 : d === 100 && byteAt(s, j - 1) === 98)) return false;
  const joiner = byteAt(s, j - 3);
  if (joiner !== 95 && joiner !== 45) return false;
  let k = j - 3;
  const word = upper ? ch.C_UPPER | C_DIGIT : C_LOWER | C_DIGIT;
  while (k > 0 && j - k < 64) {
    const c = byteAt(s, k - 1);
    if ((cls(c) & word) !== 0 || c === 95 || c === 45) k--;
    else break;
  }
  // (a letter opens the key; nothing but a blank, a quote or a line's start before it)
  if (j - 3 - k < 2 || (cls(byteAt(s, k)) & (ch.C_UPPER | C_LOWER)) === 0) return false;
  if (k > 0 && (cls(byteAt(s, k - 1)) & C_ALNUM) !== 0) return false;
  // the separator, then a quote
  let v = j;
  if (v < n && (byteAt(s, v) === 34 || byteAt(s, v) === 39)) v++;
  while (v < n && v - j < 16 && (byteAt(s, v) === 32 || byteAt(s, v) === 9)) v++;
  if (v >= n || (byteAt(s, v) !== 61 && byteAt(s, v) !== 58)) return false;
  v++;
  while (v < n && v - j < 48 && (byteAt(s, v) === 32 || byteAt(s, v) === 9)) v++;
  if (v >= n || (byteAt(s, v) !== 34 && byteAt(s, v) !== 39)) return false;
  key.start = k;
  key.dashes = 0;
  return true;
}

/**
 * True when the key s[k, j) is a DynamoDB key schema's `AttributeName` in the CLI's shorthand, its value s[?, b) followed
 * by `,AttributeType=` or `,KeyType=` (`--attribute-definitions AttributeName=cartId,AttributeType=S`): a field's name.
 */
export function keySchemaAttribute(s: string, k: number, j: number, b: number, n: number): boolean {
  return (
    j - k === 13 &&
    b + 9 < n &&
    byteAt(s, b) === 44 &&
    matchesAt(s, k, j, "AttributeName") &&
    (matchesAt(s, b + 1, n, "AttributeType=") || matchesAt(s, b + 1, n, "KeyType="))
  );
}

/**
 * True when the key s[k, j) (`id` or `name`, a ":" after it) is a GitHub Actions step's label: a key of a list item
 * whose item also holds `uses:` or `run:` (`- name: Notify` / `  id: login-ecr` / `  uses: ...`): the step's id is
 * what `steps.<id>.outputs` reads, its name a title. The item's lines are read up and down, at most 512 units each way.
 */
export function workflowStepKey(s: string, k: number, j: number, a: number, b: number, n: number): boolean {
  if (!(j - k === 2 ? matchesAt(s, k, j, "id") : j - k === 4 && matchesAt(s, k, j, "name"))) return false;
  if (!stepLabel(s, j - k === 2, a, b, n)) return false;
  // the key's line: blanks, or blanks and "- ", before it
  let ls = k;
  while (ls > 0 && k - ls < 64 && byteAt(s, ls - 1) === 32) ls--;
  let item = false;
  if (ls > 1 && byteAt(s, ls - 1) === 45 && byteAt(s, ls - 2) === 32) {
    item = true;
    ls -= 2;
    while (ls > 0 && k - ls < 64 && byteAt(s, ls - 1) === 32) ls--;
  }
  if (ls > 0 && byteAt(s, ls - 1) !== 10) return false;
  const col = k - ls;
  // down the item's lines (each opens at col, past a "- " only on the item's own line), then up to its "- " line
  for (let dir = 1; dir >= -1; dir -= 2) {
    if (dir < 0 && item) break;
    let p = ls;
    for (let lines = 0; lines < 32; lines++) {
      if (dir > 0) {
        while (p < n && p - ls < 512 && byteAt(s, p) !== 10) p++;
        if (p >= n || p - ls >= 512) break;
        p++;
      } else {
        if (p < 2 || ls - p >= 512) break;
        p--;
        while (p > 0 && ls - p < 512 && byteAt(s, p - 1) !== 10) p--;
      }
      let d = 0;
      while (p + d < n && d <= col && byteAt(s, p + d) === 32) d++;
      const c = p + d < n ? byteAt(s, p + d) : -1;
      // (a blank line, a comment, or a line of a key's nested value: env's members, run's script)
      if (c === 10 || c === 13 || c === 35 || d > col) continue;
      let at = p + d;
      const dash = d === col - 2 && c === 45 && p + d + 1 < n && byteAt(s, p + d + 1) === 32;
      if (dash && dir > 0) break; // (the next item)
      if (dash) at = p + col;
      else if (d !== col) break; // (the item ends)
      if (matchesAt(s, at, n, "uses:") || matchesAt(s, at, n, "run:")) return true;
      if (dash) break; // (the item's first line)
    }
  }
  return false;
}

/** The step ids the last string stepLabel read references as `steps.<id>.` (its outputs, outcome, conclusion). */
const STEP_REFS: { s: string; ids: Record<string, boolean> } = { s: "", ids: {} };

/**
 * True when the value s[a, b) of a workflow step's id or name is the workflow's own label, not a resource's name: a
 * plain word (Build, checkout), a step's verb first (build-image, deploy-app), a title of words (`name: Login to
 * Amazon ECR`), or an id the text references as `steps.<id>.`; a single token such as nwp-payments-migrate is a name.
 */
function stepLabel(s: string, id: boolean, a: number, b: number, n: number): boolean {
  if (ch.plainWord(s, a, b)) return true;
  let dash = a;
  while (dash < b && byteAt(s, dash) !== 45) dash++;
  if (dash < b && notNameHead(s, a, dash) && stepObject(s, dash + 1, b)) return true;
  if (!id) return b + 1 < n && byteAt(s, b) === 32 && (cls(byteAt(s, b + 1)) & (C_LOWER | ch.C_UPPER)) !== 0;
  const memo = STEP_REFS;
  if (memo.s !== s) {
    // (every `steps.<id>.` of the string, read once)
    const ids: Record<string, boolean> = {};
    let p = s.indexOf("steps.");
    while (p >= 0) {
      let e = p + 6;
      while (e < n && e - p < 70 && isKeyUnit(byteAt(s, e))) e++;
      if (e < n && e > p + 6 && byteAt(s, e) === 46) ids[sub(s, p + 6, e)] = true;
      p = s.indexOf("steps.", e > p + 6 ? e : p + 6);
    }
    memo.s = s;
    memo.ids = ids;
  }
  return b - a <= 64 && memo.ids[sub(s, a, b)] === true;
}

// what a workflow step's verb acts on, past one part (stepObject: push-image-to-ecr, configure-aws-credentials)
const STEP_OBJECTS = ch.wordSet(
  "image images app ecr ecs eks lambda stack stacks infra prod production staging dev test tests docker container " +
    "to and aws cdk terraform tf sam helm chart site docs cache deps dependencies credentials unit integration e2e " +
    "push build node python go java frontend backend web",
);

/**
 * True when s[a, b), the rest of a workflow step's label after its verb, is what the step acts on: one part
 * (build-image, deploy-app), or parts all of STEP_OBJECTS (push-image-to-ecr); not a service's name
 * (deploy-nwp-ledger-api).
 */
function stepObject(s: string, a: number, b: number): boolean {
  let d = a;
  while (d < b && byteAt(s, d) !== 45) d++;
  if (d >= b) return true;
  for (let p = a; p < b;) {
    let e = p;
    while (e < b && byteAt(s, e) !== 45) e++;
    if (e - p > 16 || STEP_OBJECTS[sub(s, p, e)] !== true) return false;
    p = e + 1;
  }
  return true;
}

/**
 * True when s[at] stands inside a call's argument list: an unclosed "identifier(" before it, on its line or on lines
 * before that end in "(" or "," (a call wrapped one argument a line, maybe with a trailing comment); a log line's
 * table_name=X, outside any call, is not. Reads back at most 256 ASCII units.
 */
function insideCall(s: string, at: number): boolean {
  let depth = 0;
  // (256 ASCII units: a letter beyond ASCII, one unit in Node and two bytes or more in Lua, is not counted, so both
  // decide alike short of 4,096 units in all)
  let steps = 0;
  for (let k = at - 1; k > 0 && steps < 256 && at - k < 4096; k--) {
    const c = byteAt(s, k);
    if (c < 128) steps++;
    if (c === 41) depth++;
    else if (c === 40) {
      if (depth === 0) return isKeyUnit(byteAt(s, k - 1));
      depth--;
    } else if (c === 10) {
      // (the line before, without a trailing comment: `connect(  # creds from env`, `f(a, // b`)
      let ls = k;
      let q = 0;
      while (ls > 0 && q < 256 && k - ls < 4096 && byteAt(s, ls - 1) !== 10) {
        if (byteAt(s, ls - 1) < 128) q++;
        ls--;
      }
      let e = k - 1;
      if (ls === 0 || byteAt(s, ls - 1) === 10) {
        for (let m = ls; m < k; m++) {
          const u = byteAt(s, m);
          if (
            (u === 35 || (u === 47 && m + 1 < k && byteAt(s, m + 1) === 47)) &&
            m > ls &&
            (byteAt(s, m - 1) === 32 || byteAt(s, m - 1) === 9)
          ) {
            e = m - 1;
            break;
          }
        }
      }
      while (e > ls && (byteAt(s, e) === 32 || byteAt(s, e) === 9 || byteAt(s, e) === 13)) e--;
      if (byteAt(s, e) !== 44 && byteAt(s, e) !== 40) return false;
    }
  }
  return false;
}

/**
 * True when the unquoted value s[a, b) of the key s[keyStart, j) is clearly code, a reference rather than a name: a
 * member access whose last part is lowerCamel (TableName: CONFIG.cartTable, REPORT_BUCKET: reports.bucketName), or an
 * UPPER_SNAKE constant passed to a keyword argument (from_catalog(database=SOURCE_DB, table_name=SOURCE_TABLE)).
 */
function codeReference(s: string, a: number, b: number, j: number, keyStart: number, n: number): boolean {
  const after = b < n ? byteAt(s, b) : -1;
  // a keyword argument: a lower-case key, "=" right after it, the constant, then "," or ")"
  if (
    byteAt(s, j) === 61 &&
    a === j + 1 &&
    (after === 44 || after === 41) &&
    (cls(byteAt(s, keyStart)) & C_LOWER) !== 0 &&
    (keyStart === 0 || byteAt(s, keyStart - 1) !== 45) &&
    (cls(byteAt(s, a)) & ch.C_UPPER) !== 0 &&
    insideCall(s, keyStart)
  ) {
    let under = false;
    let k = a;
    for (; k < b; k++) {
      const c = byteAt(s, k);
      if (c === 95) under = true;
      else if ((cls(c) & (ch.C_UPPER | C_DIGIT)) === 0) break;
    }
    if (k === b && under) return true;
  }
  // a member access: identifier.lowerCamel (the last part opens lower case and holds a capital; no "-")
  let dot = -1;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    if (c === 46) dot = k;
    else if (c === 45 || c === 64 || c === 43) return false;
  }
  if (dot <= a || dot + 2 >= b || (cls(byteAt(s, dot + 1)) & C_LOWER) === 0) return false;
  for (let k = dot + 2; k < b; k++) if ((cls(byteAt(s, k)) & ch.C_UPPER) !== 0) return true;
  return false;
}

/**
 * Units of a word of a name of several words after its first (spacedName): printable ASCII but quotes, backslashes,
 * brackets and the openers of references and placeholders ($ < >): an account's name may hold any printable unit
 * ("Ledger (Prod)", "Dana's Sandbox").
 */
function spacedUnit(c: number): boolean {
  return (
    c > 32 &&
    c < 127 &&
    c !== 34 &&
    c !== 92 &&
    c !== 123 &&
    c !== 125 &&
    c !== 91 &&
    c !== 93 &&
    c !== 36 &&
    c !== 60 &&
    c !== 62
  );
}

/**
 * Where the name of several words whose first word's name units end at b ends: that word's other units, then words
 * after one blank each, 8 words at most, none holding the quote.
 */
function spacedNameEnd(s: string, a: number, b: number, n: number, quote: number): number {
  let k = b;
  for (let words = 1; words <= 8; words++) {
    // (a letter beyond ASCII as spacedName takes it, Node and Lua alike: "Zahlungsverkehr Süd", review of the fiftieth
    // pass)
    while (k < n && k - a <= 128) {
      const c = byteAt(s, k);
      const l = c >= 128 ? ch.latinLetterAt(s, k) : 0;
      if (l > 0) k += l;
      else if (spacedUnit(c) && c !== quote) k++;
      else break;
    }
    if (
      words === 8 ||
      k + 1 >= n ||
      byteAt(s, k) !== 32 ||
      !(spacedUnit(byteAt(s, k + 1)) || (byteAt(s, k + 1) >= 128 && ch.latinLetterAt(s, k + 1) > 0))
    )
      break;
    k++;
  }
  return k;
}

/**
 * A name of several words s[a, b) (under a name key, quoted or a JSON member's whole value: an account's "Ledger Finance
 * Prod", a Name tag's "Web Server 1"): 2-8 words, one blank between each, the first opening with a name unit, the
 * others of spacedUnit, 128 units at most, a letter.
 */
export function spacedName(s: string, a: number, b: number): boolean {
  // (a letter beyond ASCII as its ASCII twin, Node and Lua alike: Équipe Paiements, Zahlungsverkehr Süd)
  if (
    b - a > 128 ||
    b - a < 3 ||
    !(isNameUnit(byteAt(s, a)) || ch.latinLetterAt(s, a) > 0) ||
    !(spacedUnit(byteAt(s, b - 1)) || ch.latinLetterBefore(s, b) > 0)
  )
    return false;
  // AWS Config's relationships ("Is contained in Vpc", "Contains NetworkInterface") name no resource, nor a service's
  // name (access advisor's "ServiceName": "Amazon S3", "AWS Key Management Service")
  if (
    ch.matchesAt(s, a, b, "Is ") ||
    ch.matchesAt(s, a, b, "Contains ") ||
    ch.matchesAt(s, a, b, "Amazon ") ||
    ch.matchesAt(s, a, b, "AWS ")
  )
    return false;
  let blanks = 0;
  let letters = 0;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    if (c === 32) {
      if (byteAt(s, k - 1) === 32) return false;
      blanks++;
    } else if (!spacedUnit(c)) {
      const l = c >= 128 ? ch.latinLetterAt(s, k) : 0;
      if (l === 0) return false;
      letters++;
      k += l - 1;
    } else if ((cls(c) & (C_LOWER | ch.C_UPPER)) !== 0) letters++;
  }
  // (nor one of the stop list's, a service's product name: ASFF's "ProductName": "Security Hub")
  return blanks > 0 && blanks < 8 && letters > 0 && (blanks > 3 || STOPLIST[sub(s, a, b).toLowerCase()] !== true);
}

// Bedrock's model providers and its cross-region inference profiles' geographies (public ids:
// us.anthropic.claude-3-5-sonnet-20240620-v1:0, amazon.titan-text-express-v1)
const MODEL_PROVIDERS = ch.wordSet(
  "anthropic amazon meta mistral cohere ai21 stability deepseek writer luma twelvelabs qwen openai",
);
const MODEL_GEOGRAPHIES = ch.wordSet("us eu apac global us-gov jp au ca");

/** Whether s[a, e) is a public Bedrock model's or system-defined inference profile's id ([<geography>.]<provider>.<model>). */
export function publicModelId(s: string, a: number, e: number): boolean {
  let d = a;
  while (d < e && d - a < 12 && byteAt(s, d) !== 46) d++;
  if (d >= e || byteAt(s, d) !== 46) return false;
  if (MODEL_GEOGRAPHIES[sub(s, a, d)] === true) {
    const p = d + 1;
    d = p;
    while (d < e && d - p < 12 && byteAt(s, d) !== 46) d++;
    return d < e && byteAt(s, d) === 46 && MODEL_PROVIDERS[sub(s, p, d)] === true;
  }
  return MODEL_PROVIDERS[sub(s, a, d)] === true;
}

// AWS's acronyms, which stand before an account's id in prose ("the account's ECR (<id>)") as a name would
const AWS_ACRONYMS: Record<string, boolean> = ch.wordSet(
  "ECR EC2 ECS EKS S3 IAM KMS SSO STS SSM RDS SQS SNS SES VPC EBS EFS EMR MSK WAF ACM CDK ELB ALB NLB AMI API DMS DNS ARN CLI",
);

/**
 * Where an account's name written before its id in parentheses starts ("Brindlecove Sandbox Ledger (552908174431)",
 * "Account: brindlecove-management (309617284455)": the billing console, Cost Anomaly Detection's mails), the "("
 * at k; or -1. Up to six words back, each capitalised or holding "-", "_" or a digit, to a line's start, a ":" or a
 * lower-case word; two capitalised words at least, or one with "-", "_", a digit or a capital inside. Not AWS's
 * words (AWS Account, Management Account ID).
 */
export function accountNameStart(s: string, k: number): number {
  if (k < 3 || byteAt(s, k - 1) !== 32) return -1;
  let a = k - 1;
  let words = 0;
  let marked = false;
  while (words < 6) {
    let w = a;
    let mark = false;
    let upper = false;
    // (a letter beyond ASCII is one of the name's, a first one a capital: Café-Prod, Zürich Prod Ledger, Élan)
    let latin = false;
    let letters = 0;
    // (a second capital: CamelCase, BrindleProd, or capitals alone, ACME, BCPROD; not AWS's acronyms, digits or not:
    // "the account's ECR (<id>)", "EC2 (<id>)")
    let capitals = false;
    while (w > 0 && letters < 64) {
      const c = byteAt(s, w - 1);
      const l = isNameUnit(c) ? 0 : ch.latinLetterBefore(s, w);
      if (l === 0 && !isNameUnit(c)) break;
      if (c === 45 || c === 95 || (cls(c) & ch.C_DIGIT) !== 0) mark = true;
      else if ((cls(c) & ch.C_UPPER) !== 0) {
        if (upper) capitals = true;
        upper = true;
      }
      w -= l > 0 ? l : 1;
      latin = l > 0;
      letters++;
    }
    if (letters <= 4 && upper && AWS_ACRONYMS[sub(s, w, a)] === true) mark = false;
    else if (capitals) mark = true;
    if (w === a) break;
    const c0 = byteAt(s, w);
    if ((cls(c0) & ch.C_UPPER) === 0 && !latin && !mark) break;
    const len = a - w;
    if (
      (len === 3 && matchesAt(s, w, a, "AWS")) ||
      (len === 7 && ch.matchesLowerAt(s, w, a, "account")) ||
      (len === 2 && ch.matchesLowerAt(s, w, a, "id")) ||
      (len === 6 && matchesAt(s, w, a, "Amazon"))
    ) {
      // (AWS's own words end it: "Amazon Web Services (<id>)" names AWS; "Account ID (<id>)" is a label)
      if (len === 3 || len === 6) return -1;
      break;
    }
    words++;
    if (mark) marked = true;
    a = w;
    if (w < 2 || byteAt(s, w - 1) !== 32 || byteAt(s, w - 2) === 32) break;
    a = w - 1;
  }
  if (words === 0) return -1;
  while (byteAt(s, a) === 32) a++;
  // (Control Tower's own account, Log Archive: learned, it replaced the words in prose)
  if (k - 1 - a === 11 && ch.matchesLowerAt(s, a, k - 1, "log archive")) return -1;
  return words >= 2 || marked ? a : -1;
}

// Control Tower's shared accounts' default names (Log Archive, Security Tooling, Audit), AFT's, and the generic terms
// AWS's guides and consoles use for an organization's accounts (Management Account, Root User, Not Applicable):
// AWS's words, the same everywhere; learned, "the Management Account" was replaced in prose
const GENERIC_ACCOUNTS = ch.wordSet(
  "log archive,security tooling,audit,audit account,management,management account,aft management," +
    "aft management account,log archive account,security account,root user,not applicable",
  ",",
);

/** Whether s[a, b) is one of GENERIC_ACCOUNTS: an account's name no company chose. */
export function controlTowerAccount(s: string, a: number, b: number): boolean {
  return b - a >= 5 && b - a <= 22 && GENERIC_ACCOUNTS[sub(s, a, b).toLowerCase()] === true;
}

/**
 * Whether the cell after the separator at p (a table's "|" or --output text's tab; up to the next one or the row's end
 * e) holds an e-mail's "@".
 */
export function emailCellNext(s: string, p: number, e: number): boolean {
  for (let k = p + 1; k < e && k - p < 256; k++) {
    const c = byteAt(s, k);
    if (c === 64) return true;
    if (c === 124 || c === 9) return false;
  }
  return false;
}

/**
 * The shape of a line under `--output text | column -t`, from its first unit k to its end e: its cells (the runs
 * between two blanks or more: column's separator), or -1 when it is no row of a listing: a code fence, a prompt (`$ `,
 * `# `, `% `, `> ` before a word: ubuntu@ip-10-0-0-5:~$ cat x), a sentence's punctuation (`?` or `!` before a blank
 * or the end, `.` `,` `;` before a blank and a letter), or one cell of words (a sentence).
 */
export function columnRowCells(s: string, k: number, e: number): number {
  if (e - k >= 3 && (byteAt(s, k) === 96 || byteAt(s, k) === 126) && byteAt(s, k + 1) === byteAt(s, k)) return -1;
  let cells = 1;
  let blank = false;
  for (let q = k; q < e; q++) {
    const c = byteAt(s, q);
    if (c === 32) {
      if (q + 1 < e && byteAt(s, q + 1) === 32) {
        while (q + 1 < e && byteAt(s, q + 1) === 32) q++;
        if (q + 1 < e) cells++;
      } else blank = true;
      continue;
    }
    const next = q + 1 < e ? byteAt(s, q + 1) : 32;
    if ((c === 63 || c === 33) && next === 32) return -1;
    if (next !== 32 || q + 2 >= e) continue;
    const after = byteAt(s, q + 2);
    if ((c === 36 || c === 35 || c === 37 || c === 62) && after !== 32) return -1;
    if ((c === 46 || c === 44 || c === 59) && (cls(after) & (C_LOWER | ch.C_UPPER)) !== 0) return -1;
  }
  return cells === 1 && blank ? -1 : cells;
}

/**
 * Whether a pseudonym (TAG_<hash>, see pseudonymEndAt) starts inside s[a, b): a cell of text masked before
 * (bucket-AWS_ACCOUNT_<hash>-logs), not masked again.
 */
export function pseudonymWithin(s: string, a: number, b: number): boolean {
  let run = -1; // the start of the run of capitals, digits and "_" that opens with a capital
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    const f = cls(c);
    if (c === 95) {
      // (the hash after this "_": HASH_LEN units of its alphabet, then no letter or digit)
      const h = k + 1 + HASH_LEN;
      if (run >= 0 && k > run && h <= b && hashCharsIn(s, k + 1, h) && (h === b || (cls(byteAt(s, h)) & C_ALNUM) === 0))
        return true;
    } else if ((f & ch.C_UPPER) !== 0) {
      if (run < 0) run = k;
    } else if ((f & C_DIGIT) === 0) run = -1;
  }
  return false;
}

/**
 * Whether the login s[a, b) after "DB user" / "database user" is a database engine's own (RDS's rds_superuser, rds_iam,
 * rdsadmin; PostgreSQL's pg_monitor, postgres; root): the same in every account, granted in SQL all over a text.
 */
export function builtInDatabaseUser(s: string, a: number, b: number): boolean {
  if (b - a > 40) return false;
  const v = sub(s, a, b).toLowerCase();
  return PSQL_BUILT_IN[v] === true || v === "root" || v.indexOf("pg_") === 0 || v.indexOf("rds_") === 0;
}

/**
 * Whether the command that pipes to `column -t` at p (its line starting at ls) asks for text output: `--output text`,
 * `--output=text` or `AWS_DEFAULT_OUTPUT=text` on that line or on the lines it continues (each ending in "\"; at most
 * 8 lines back, and not before from: the end of the last such command's line, so that each unit is read once).
 */
export function textOutputBefore(s: string, from: number, ls: number, p: number): boolean {
  let a = ls;
  for (let lines = 0; lines < 8 && a - 2 >= from; lines++) {
    let q = a - 2;
    if (byteAt(s, q) === 13) q--;
    if (q < from || byteAt(s, q) !== 92) break;
    let r = q;
    while (r > from && byteAt(s, r - 1) !== 10) r--;
    a = r;
  }
  const w = sub(s, a, p).toLowerCase();
  return (
    w.indexOf("--output text") >= 0 || w.indexOf("--output=text") >= 0 || w.indexOf("aws_default_output=text") >= 0
  );
}

/** The backslashes (an odd number, at most 15) before a quote at k, or 0. */
export function escapedQuote(s: string, k: number, n: number): number {
  let e = k;
  while (e < n && e - k < 16 && byteAt(s, e) === 92) e++;
  return e < n && byteAt(s, e) === 34 && (e - k) % 2 === 1 ? e - k : 0;
}

/**
 * Where the value of a DynamoDB attribute opening at k (`{`) starts: after `{"S": ` (or `{"SS": `, a list of
 * strings, when list is set), or -1. Attribute values are how DynamoDB's scan, query and get-item print every item.
 * Also an OTLP attribute's string value (`{"stringValue": `: OpenTelemetry's JSON, {"key": "faas.name", "value": ...}).
 */
export function dynamoValue(s: string, k: number, n: number, list: boolean, esc: number): number {
  let d = k + 1;
  // (blanks and a line break: the CLI prints each attribute value on its own lines)
  while (
    d < n &&
    d - k < 64 &&
    (byteAt(s, d) === 32 || byteAt(s, d) === 9 || byteAt(s, d) === 10 || byteAt(s, d) === 13)
  )
    d++;
  // (its quotes escaped as the key's, esc backslashes each: JSON in a string, Step Functions' "input": "{\"S\": ...}")
  if (esc > 0) {
    if (escapedQuote(s, d, n) !== esc) return -1;
    d += esc;
  }
  // u: the type's closing quote (or its escape); SQS's StringValue, OTLP's stringValue
  let u = list ? d + 3 : d + 2;
  if (
    !list &&
    d + 13 < n &&
    (byteAt(s, d + 1) === 115 || byteAt(s, d + 1) === 83) &&
    ch.matchesLowerAt(s, d, n, '"stringvalue')
  )
    u = d + 12;
  else if (u >= n || byteAt(s, d) !== 34 || byteAt(s, d + 1) !== 83 || (list && byteAt(s, d + 2) !== 83)) return -1;
  let t = u + 1;
  if (esc > 0) {
    if (escapedQuote(s, u, n) !== esc) return -1;
    t = u + esc + 1;
  } else if (u >= n || byteAt(s, u) !== 34) return -1;
  d = t;
  while (d < n && d - t < 8 && (byteAt(s, d) === 32 || byteAt(s, d) === 9)) d++;
  if (d >= n || byteAt(s, d) !== 58) return -1;
  d++;
  while (d < n && d - t < 16 && (byteAt(s, d) === 32 || byteAt(s, d) === 9)) d++;
  return d;
}

// Calls whose first argument is no wrapped name: boto3's client / resource take a service's name, an environment
// lookup a variable's (table = boto3.resource("dynamodb"), BUCKET = os.environ.get("EXPORT_BUCKET"))
const NOT_WRAPPERS = " client resource get getenv env ";

/** Whether the call s[k, w) (its last dotted part) is one of NOT_WRAPPERS. */
function notWrapper(s: string, k: number, w: number): boolean {
  let d = w;
  while (d > k && byteAt(s, d - 1) !== 46) d--;
  return w - d <= 8 && NOT_WRAPPERS.indexOf(" " + sub(s, d, w).toLowerCase() + " ") >= 0;
}

/** Units around a learned name that glue it into a longer word. */
function glues(c: number): boolean {
  return c < 256 && ((cls(c) & C_ALNUM) !== 0 || c === 95 || c === 45);
}

/**
 * Shortest compound name: a learned name of this many units or more that holds a "-", "_" or "." is also masked where
 * a "-" or "_" joins it to a longer token (orders-service-prod in orders-service-prod-createOrder, a Serverless
 * function; acme-logs in acme-logs-archive): no common word is that long and compound, and the longer token would
 * otherwise send the name. Shorter or one-word names glued to others stay (prod in production, web in web-server).
 */
export const COMPOUND_MIN = 8;

/** True when name is compound (see COMPOUND_MIN). */
export function isCompound(name: string): boolean {
  if (name.length < COMPOUND_MIN) return false;
  for (let k = 1; k < name.length - 1; k++) {
    const c = byteAt(name, k);
    if (c === 45 || c === 95 || c === 46) return true;
  }
  return false;
}

/** True when the learned name is compound (kept with it). */
function compoundOf(l: Learned): boolean {
  let c = l.compound;
  if (c === undefined) {
    c = isCompound(l.name);
    l.compound = c;
  }
  return c;
}

export interface Learned {
  name: string;
  kind: Kind;
  /** Start of the string it was learned in, within the request (0 outside JSON). */
  at: number;
  /** Offset in name of its rarest unit and name from there (learnedIn searches that tail; set at its first search). */
  anchor?: number;
  tail?: string;
  /** the name is compound (see COMPOUND_MIN; set at its first search) */
  compound?: boolean;
  /** the name before its anchor (see anchorOf) */
  head?: string;
  /**
   * learnedIn with the request body (see mayStandIn): the search round (one per body, see nextSearchRound) its tail was
   * last searched in, where that search started, and the first start of the name whose tail it found (-1: none to the
   * end of the body). A round, not the body itself: a record may be kept past its request, and keeps no body.
   */
  round?: number;
  from?: number;
  next?: number;
}

/** The current search round of mayStandIn: what it kept with a learned name holds for this round's body only. */
let searchRound = 0;

/**
 * Starts a new search round: maskJson calls it when it starts and before it returns, so that a name's kept place is
 * never taken for another body's (a later request's, or the body of a walk around a nested one).
 */
export function nextSearchRound(): void {
  searchRound++;
}

/** learnedIn's spans when the caller gives none. */
const NO_SPANS: Span[] = [];

export interface Occurrence {
  s: number;
  e: number;
  kind: Kind;
}

/**
 * found (the scanner's matches, in order, not overlapping) with the occurrences occ of learned or remembered names (in
 * order): an occurrence that holds matches whole and is longer than each replaces them (a bucket name with an account
 * id in it is one name: masking only the account id would send the rest of the name); one that a match runs past, or
 * that is exactly a match, is dropped (the scanner's kind wins; but a domain-name match that is o takes o's kind). found
 * itself when nothing changes.
 */
export function withOccurrences<M extends Occurrence>(found: M[], occ: M[]): M[] {
  if (occ.length === 0) return found;
  let add: M[] | undefined = undefined;
  // [from, to) pairs of indices of found that an added occurrence replaces
  let held: number[] | undefined = undefined;
  let lastEnd = 0;
  // found[from, q): the matches inside occ[k] so far
  let from = 0;
  let q = 0;
  let k = 0;
  // one loop, not a loop per occurrence: LuaJIT blacklists nested loops of a round or two (issue 12)
  while (k < occ.length) {
    const o = occ[k];
    if (q < found.length && found[q].s < o.e) {
      const m = found[q];
      if (m.e <= o.s) {
        if (m.e > lastEnd) lastEnd = m.e;
        q++;
        from = q;
      } else if (m.s >= o.s && m.e <= o.e && (m.s > o.s || m.e < o.e || m.kind.id === "domain-name")) {
        // (a match inside o, or a company's domain that is o: the learned name keeps the kind its context said and one
        // pseudonym; a domain that runs past o stays whole, its other labels are the company's too)
        q++;
      } else {
        // a match runs past o, or is o: o dropped, the matches looked at again for the next occurrence
        k++;
        q = from;
      }
      continue;
    }
    if (o.s >= lastEnd) {
      if (add === undefined) add = [];
      add.push(o);
      if (q > from) {
        if (held === undefined) held = [];
        held.push(from);
        held.push(q);
      }
      lastEnd = o.e;
      from = q;
    } else q = from;
    k++;
  }
  if (add === undefined) return found;
  const merged: M[] = [];
  let p = 0;
  let a = 0;
  let h = 0;
  while (p < found.length || a < add.length) {
    if (held !== undefined && h < held.length && p === held[h]) {
      p = held[h + 1];
      h += 2;
    } else if (p < found.length && (a >= add.length || found[p].s < add[a].s)) merged.push(found[p++]);
    else merged.push(add[a++]);
  }
  return merged;
}

/** Above this many learned names, occurrences are found by one pass over the tokens of s instead of a search per name. */
/**
 * CDK's calls whose last quoted argument is a resource's name (scanner.ts findCdkImports): [anchor, the method's head]
 * pairs. Imports by name (Bucket.fromBucketName(this, 'Id', 'x'), Secret.fromSecretNameV2(this, 'Id', 'prod/x')) and
 * SSM parameters read by name (StringParameter.valueForStringParameter(this, '/x/y'), valueFromLookup(this, '/x/y')),
 * in TypeScript's and Python's spelling.
 */
export const CDK_CALLS = [
  "Name(",
  "from",
  "NameV2(",
  "from",
  "StringParameter(",
  "valueFor",
  "FromLookup(",
  "value",
  // (CDK in Python: Bucket.from_bucket_name(self, "Id", "x"), Secret.from_secret_name_v2(...),
  // StringParameter.value_for_string_parameter(self, "/x/y"), value_from_lookup(self, "/x/y"))
  "_name(",
  "from_",
  "_name_v2(",
  "from_",
  "_string_parameter(",
  "value_for",
  "_from_lookup(",
  "value",
];

export const SEARCH_MAX = 8;

/** INDEX.odd while it is empty (never added to). */
const NO_ODD: Learned[] = [];

/**
 * Index of a session's learned names by name (extended as the list grows; rebuilt for another list): learnedNamed
 * and learnedIn with many names.
 */
const INDEX: {
  list: Learned[] | undefined;
  /** names of list indexed in byName (or proto) */
  count: number;
  /** name -> its record: keyed by the name itself (no prefixed copy per name and per lookup), read through indexed */
  byName: Record<string, Learned>;
  /** the name "__proto__" (in JavaScript it would set byName's prototype) */
  proto: Learned | undefined;
  /**
   * shapeOf each indexed name: learnedIn makes a token a string (to look it up) only when a name has its shape. Most
   * tokens of a text have none, and making each a string cost a lookup in LuaJIT's string table (a 32 KB request with
   * 22 learned names: ~4,000 tokens per pass)
   */
  shapes: Record<number, boolean>;
  /** names of list checked for units that are not name units (see odd) */
  oddCount: number;
  /** the names holding a unit that is not a name unit ("/prod/app/db-url"): never one run, searched one by one */
  odd: Learned[];
} = {
  list: undefined,
  count: 0,
  byName: {},
  proto: undefined,
  shapes: {},
  oddCount: 0,
  odd: NO_ODD,
};

/** A name's length and first unit, as one number (INDEX.shapes). */
function shapeOf(len: number, first: number): number {
  return len * 256 + first;
}

/** False when no indexed name has the length and first unit of s[a, b) (then none is s[a, b)). */
function mayBeIndexed(s: string, a: number, b: number): boolean {
  return INDEX.shapes[shapeOf(b - a, byteAt(s, a))] === true;
}

/** Above this many names holding other units, the one-pass matcher finds only the others (docs/detection.md). */
const ODD_SEARCH_MAX = 16;

const PROTO = "__proto__";

/**
 * Up to this many indexed names, another list's index empties the tables and keeps them (every request's session has
 * a list of its own: two tables and their parts per request less to make and collect); above it, new tables (an
 * emptied table keeps its room, and one that held thousands of names would be emptied again each time).
 */
const INDEX_KEPT_MAX = 64;

/** Brings INDEX's byName up to the list learned. */
function indexOf(learned: Learned[]): void {
  if (INDEX.list !== learned || INDEX.count > learned.length) {
    if (!(INDEX.count <= INDEX_KEPT_MAX && ch.emptied(INDEX.byName) && ch.emptied(INDEX.shapes))) {
      INDEX.byName = {};
      INDEX.shapes = {};
    }
    INDEX.list = learned;
    INDEX.count = 0;
    INDEX.proto = undefined;
    INDEX.oddCount = 0;
    // made when the first such name is found: a request's few names make one table here (byName), as few as before
    INDEX.odd = NO_ODD;
  }
  const n = learned.length;
  for (let k = INDEX.count; k < n; k++) addIndexed(learned[k]);
  INDEX.count = n;
}

/** Indexes l unless its name is indexed already (the first record of a name stands). */
function addIndexed(l: Learned): void {
  if (indexed(l.name) !== undefined) return;
  if (l.name === PROTO) INDEX.proto = l;
  else INDEX.byName[l.name] = l;
  if (l.name.length > 0) INDEX.shapes[shapeOf(l.name.length, byteAt(l.name, 0))] = true;
}

/** Brings INDEX's odd list up to its byName (learnedIn with many names). */
function oddOf(learned: Learned[]): Learned[] {
  for (let k = INDEX.oddCount; k < INDEX.count; k++) {
    const l = learned[k];
    if (!allNameUnits(l.name) && indexed(l.name) === l) {
      if (INDEX.odd === NO_ODD) INDEX.odd = [];
      INDEX.odd.push(l);
    }
  }
  INDEX.oddCount = INDEX.count;
  return INDEX.odd;
}

/**
 * The record of name in learned (a session's names), if any: the session asks before it learns one. No loop when the
 * index is up to the list (see noteLearned): the session's learn loop stays one trace.
 */
export function learnedNamed(learned: Learned[], name: string): Learned | undefined {
  if (INDEX.list !== learned || INDEX.count !== learned.length) indexOf(learned);
  return indexed(name);
}

/** Indexes l, just appended to learned: the name is at hand now (a later pass over thousands would fetch each again). */
export function noteLearned(learned: Learned[], l: Learned): void {
  if (INDEX.list === learned && INDEX.count === learned.length - 1) {
    addIndexed(l);
    INDEX.count = learned.length;
  }
}

/** The record of name in INDEX, if any. */
function indexed(name: string): Learned | undefined {
  if (name === PROTO) return INDEX.proto;
  const l = INDEX.byName[name];
  // in JavaScript a plain object answers "constructor" and friends with what is no record of that name
  return typeof l === "object" && l.name === name ? l : undefined;
}

/** True when every unit of name is a name unit: learnedIn's one-pass matcher can see it as a run (memory.ts needs it). */
export function allNameUnits(name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    const c = byteAt(name, k);
    if (!isNameUnit(c)) return false;
  }
  return true;
}

/**
 * True when s[p, e) stands with word boundaries (see learnedIn). A dot after the name continues it only when the
 * name has dots itself: "orders-stack.ApiEndpoint" (a stack output) holds the name, "my.bucket.v2" does not hold "my.bucket".
 * A dot before a name with dots is a subdomain's: "www.api.example.io" and an ACM validation record's
 * "_3f2a....api.example.io" hold "api.example.io"; "x.orders" does not hold "orders".
 */
function bounded(s: string, n: number, p: number, e: number, compound: boolean): boolean {
  // (a literal escape's letter before it glues nothing: "\npay-logs-prod-1", fifty-first pass)
  if (p > 0 && !ch.escapeEndsBefore(s, p, n)) {
    const c = byteAt(s, p - 1);
    if (
      (glues(c) && !(compound && (c === 45 || c === 95))) ||
      (c === 46 && p > 1 && glues(byteAt(s, p - 2)) && !hasDot(s, p, e))
    )
      return false;
  }
  if (e < n) {
    const c = byteAt(s, e);
    if (
      (glues(c) && !(compound && (c === 45 || c === 95))) ||
      (c === 46 && e + 1 < n && glues(byteAt(s, e + 1)) && hasDot(s, p, e))
    )
      return false;
    // an instance family learned as a name (ParallelCluster's ComputeResources `- Name: p4d`) is AWS's before its
    // size: p4d.24xlarge is never cut
    if (c === 46 && e - p <= 12 && e + 1 < n && (cls(byteAt(s, e + 1)) & C_ALNUM) !== 0) {
      let t = e + 1;
      while (t < n && t - e < 24 && (cls(byteAt(s, t)) & C_ALNUM) !== 0) t++;
      if (instanceType(s, p, t)) return false;
    }
  }
  return true;
}

function hasDot(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) if (byteAt(s, k) === 46) return true;
  return false;
}

/**
 * Every occurrence of a learned name in s, with word boundaries, sorted by start (longest first on ties). A few names:
 * one search per name; many: one pass over the runs of name units of s, each run (and its pieces between "@" and "+")
 * looked up — linear in s whatever the number of names — and a search for each of the first ODD_SEARCH_MAX names that
 * hold other units (a "/" or ":" never stands in a run). body: s is body[rawAt, rawAt + s.length) (a JSON string's
 * content without escapes): a name is only searched in s when its next place in the body is in s (see mayStandIn).
 * covered: spans of s sorted by start (the caller's matches, which win over learned names): with many names, a run
 * inside one of them is not looked up (whatever stands in it overlaps that span): a name is mostly learned where it
 * stands, and every new name of a text would otherwise be looked up and recorded twice.
 */
export function learnedIn(learned: Learned[], s: string, body?: string, rawAt = 0, covered?: Span[]): Occurrence[] {
  const n = s.length;
  const occ: Occurrence[] = [];
  if (learned.length > SEARCH_MAX) {
    indexOf(learned);
    const spans = covered !== undefined ? covered : NO_SPANS;
    const spanCount = spans.length;
    // the spans starting at or before the run passed, and the furthest end among them
    let span = 0;
    let coveredTo = 0;
    let k = 0;
    while (k < n) {
      const c = byteAt(s, k);
      if (c >= 256 || !isNameUnit(c)) {
        k++;
        continue;
      }
      let b = k;
      while (b < n && byteAt(s, b) < 256 && isNameUnit(byteAt(s, b))) b++;
      // the run [k, b): trimmed of leading non-alnum and trailing dots, then its pieces between "@" / "+"
      let a = k;
      while (a < b && (cls(byteAt(s, a)) & C_ALNUM) === 0) a++;
      let e = b;
      while (e > a && byteAt(s, e - 1) === 46) e--;
      // (a literal escape's letter opening the run, "\npay-logs-prod-1", or a \uXXXX escape's hex, when the run is no
      // name with it)
      if (
        a > 0 &&
        byteAt(s, a - 1) === 92 &&
        ch.escapeEndAt(s, a, e) > a &&
        !(mayBeIndexed(s, a, e) && indexed(sub(s, a, e)) !== undefined)
      )
        a = ch.escapeEndAt(s, a, e);
      while (span < spanCount && spans[span].s <= a) {
        if (spans[span].e > coveredTo) coveredTo = spans[span].e;
        span++;
      }
      if (e > a && coveredTo < e) {
        const whole = mayBeIndexed(s, a, e) ? indexed(sub(s, a, e)) : undefined;
        let dot = a;
        while (dot < e && byteAt(s, dot) !== 46) dot++;
        const head = dot < e && dot > a && mayBeIndexed(s, a, dot) ? indexed(sub(s, a, dot)) : undefined;
        if (whole !== undefined && bounded(s, n, a, e, false)) {
          occ.push({ s: a, e, kind: whole.kind });
        } else if (head !== undefined && bounded(s, n, a, dot, false)) {
          // name.Suffix (a stack output key after the stack name)
          occ.push({ s: a, e: dot, kind: head.kind });
        } else {
          // its pieces between "@" and "+"; a compound name joined by "-" or "_" at the run's start (the longest) or
          // end (see COMPOUND_MIN)
          let p = a;
          let prefix: Learned | undefined = undefined;
          let prefixEnd = a;
          let suffix: Learned | undefined = undefined;
          let suffixStart = e;
          let suffixEnd = e;
          for (let q = a; q <= e; q++) {
            const c = q < e ? byteAt(s, q) : 0;
            if (q === e || c === 64 || c === 43) {
              if (q > p && !(p === a && q === e) && mayBeIndexed(s, p, q)) {
                const l = indexed(sub(s, p, q));
                if (l !== undefined && bounded(s, n, p, q, false)) occ.push({ s: p, e: q, kind: l.kind });
              }
              p = q + 1;
            } else if ((c === 45 || c === 95) && e - a > COMPOUND_MIN) {
              if (q - a >= COMPOUND_MIN && mayBeIndexed(s, a, q)) {
                const l = indexed(sub(s, a, q));
                if (l !== undefined && compoundOf(l)) {
                  prefix = l;
                  prefixEnd = q;
                }
              }
              if (suffix === undefined && e - q - 1 >= COMPOUND_MIN && mayBeIndexed(s, q + 1, e)) {
                const l = indexed(sub(s, q + 1, e));
                if (l !== undefined && compoundOf(l)) {
                  suffix = l;
                  suffixStart = q + 1;
                }
              }
              // (or up to the run's first dot: a file named after it, ssm_<parameter>.tmp, s3_<bucket>.tmp, as the
              // search of each name finds it while there are few)
              if (suffix === undefined && q < dot && dot - q - 1 >= COMPOUND_MIN && mayBeIndexed(s, q + 1, dot)) {
                const l = indexed(sub(s, q + 1, dot));
                if (l !== undefined && compoundOf(l)) {
                  suffix = l;
                  suffixStart = q + 1;
                  suffixEnd = dot;
                }
              }
            }
          }
          if (prefix !== undefined && bounded(s, n, a, prefixEnd, true))
            occ.push({ s: a, e: randomTailEnd(s, n, prefixEnd), kind: prefix.kind });
          if (suffix !== undefined && suffixStart > prefixEnd && bounded(s, n, suffixStart, suffixEnd, true))
            occ.push({ s: suffixStart, e: suffixEnd, kind: suffix.kind });
        }
      }
      k = b;
    }
    // names holding other units are never one run: a few are searched one by one (linear: at most ODD_SEARCH_MAX)
    const odd = oddOf(learned);
    if (odd.length === 0) return occ;
    for (let j = 0; j < odd.length && j < ODD_SEARCH_MAX; j++) searchName(odd[j], s, n, occ);
    sortSpans(occ);
    return occ;
  }
  if (body === undefined) {
    for (const l of learned) searchName(l, s, n, occ);
  } else {
    for (const l of learned) if (mayStandIn(l, body, rawAt, rawAt + n)) searchName(l, s, n, occ);
  }
  sortSpans(occ);
  return occ;
}

/** Sets the learned name's anchor, tail and head (see Learned) if not yet set; returns the anchor. */
export function anchorOf(l: Learned): number {
  const at = l.anchor;
  if (at !== undefined && l.tail !== undefined) return at;
  const anchor = ch.rarestUnit(l.name);
  l.anchor = anchor;
  l.tail = anchor > 0 ? sub(l.name, anchor, l.name.length) : l.name;
  l.head = sub(l.name, 0, anchor);
  return anchor;
}

/**
 * False when the learned name l cannot stand in body[a, b): no place of its tail in the body from a leaves the name
 * inside [a, b). The first such place is kept with l and serves every later string before it: a cold request's strings
 * come in body order, so each name costs about one plain search of the body instead of one per string.
 */
export function mayStandIn(l: Learned, body: string, a: number, b: number): boolean {
  const anchor = anchorOf(l);
  let next = l.next;
  // stale when searched in another round's body, from further on, or when its place was passed
  if (l.round !== searchRound || l.from === undefined || next === undefined || l.from > a || (next >= 0 && next < a)) {
    const r = body.indexOf(l.tail as string, a + anchor);
    next = r < 0 ? -1 : r - anchor;
    l.round = searchRound;
    l.from = a;
    l.next = next;
  }
  return next >= 0 && next + l.name.length <= b;
}

/** nextEarlierPlace's answer when the whole name stands at the next place. */
export const STANDS = -2;

/**
 * One step of looking for the learned name l in s (any occurrence, word boundaries or not) before where it was learned
 * (Learned.at), as s.indexOf(l.name) in [0, l.at), but from the name's rarest unit, so that the plain search does not
 * stop at every unit like the name's first ("deploy-bot" from its "b", not at every "d" of the prose before it): after
 * the place r of its tail (r < 0: from the start), STANDS when the whole name stands at the next place, that place when
 * only the tail does, -1 when there is none before l.at. No loop: the caller's loop over names and places is the only
 * one (a function holding a loop that runs once per request has its entry blacklisted by LuaJIT, and a side trace
 * that calls it stops there: issue 12).
 */
export function nextEarlierPlace(l: Learned, s: string, r: number): number {
  const at = anchorOf(l);
  const p = s.indexOf(l.tail as string, r < 0 ? at : r + 1);
  if (p < 0 || p - at >= l.at) return -1;
  // the head's first unit first: most places of a common tail are not the name's, and make no substring
  return at === 0 || (byteAt(s, p - at) === byteAt(l.name, 0) && sub(s, p - at, p) === l.head) ? STANDS : p;
}

/** Appends the occurrences of the learned name l in s (with word boundaries) to occ, in order. */
/** True when the 12 digits at i read as a time of this century, YYYYMMDDhhmm (20YY, a month, a day, an hour, a minute). */
export function timestampDigits(s: string, i: number): boolean {
  const month = digitPair(s, i + 4);
  const day = digitPair(s, i + 6);
  return (
    digitPair(s, i) === 20 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    digitPair(s, i + 8) <= 23 &&
    digitPair(s, i + 10) <= 59
  );
}

function digitPair(s: string, k: number): number {
  return (byteAt(s, k) - 48) * 10 + byteAt(s, k + 1) - 48;
}

/**
 * Where a learned name's random tail ends when one follows it at e: "-" and 8 to 32 lower-case letters and digits, a
 * digit and a letter past "f" among them (an ECS agent's container hash, all hex, stays), ending the token or before a "/" (ParallelCluster's config path,
 * clusters/<cluster>-k2p9xq1vz7m4rtb3/configs: the name masked, the id it appends left visible would leak). e when none.
 */
export function randomTailEnd(s: string, n: number, e: number): number {
  if (e + 9 > n || byteAt(s, e) !== 45) return e;
  let k = e + 1;
  let digits = 0;
  let letters = 0;
  while (k < n && k - e <= 33) {
    const f = cls(byteAt(s, k));
    if ((f & C_DIGIT) !== 0) digits++;
    else if ((f & C_LOWER) !== 0 && (f & ch.C_HEX) === 0) letters++;
    else if ((f & C_LOWER) === 0) break;
    k++;
  }
  const c = k < n ? byteAt(s, k) : 32;
  if (k - e - 1 < 8 || k - e - 1 > 32 || digits === 0 || letters === 0) return e;
  return c === 47 || (!glues(c) && c !== 46) ? k : e;
}

function searchName(l: Learned, s: string, n: number, occ: Occurrence[]): void {
  const name = l.name;
  const m = name.length;
  if (m > n) return;
  const at = anchorOf(l);
  const tail = l.tail as string;
  const compound = compoundOf(l);
  // the name's tail from its rarest unit is searched (a plain search stops at every unit like the tail's first:
  // "deploy-bot" from "-", not at every "d" of prose); every occurrence of the name holds one at p + at
  let r = s.indexOf(tail, at);
  while (r >= 0) {
    const p = r - at;
    let k = 0;
    while (k < at && byteAt(s, p + k) === byteAt(name, k)) k++;
    const e = p + m;
    if (k === at && bounded(s, n, p, e, compound))
      occ.push({ s: p, e: compound && e < n && byteAt(s, e) === 45 ? randomTailEnd(s, n, e) : e, kind: l.kind });
    r = s.indexOf(tail, r + 1);
  }
}

/**
 * Sorts spans by start, the longer first on equal starts; stable. Bottom-up merge sort: the inputs are a few sorted
 * runs, but there may be many spans (an adversarial input has hundreds of thousands): never quadratic.
 */
export function sortSpans(a: Occurrence[]): void {
  const n = a.length;
  let sorted = true;
  for (let k = 1; k < n; k++) {
    if (before(a[k], a[k - 1])) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  let src: Occurrence[] = a;
  let dst: Occurrence[] = [];
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = lo + width < n ? lo + width : n;
      const hi = lo + 2 * width < n ? lo + 2 * width : n;
      let i = lo;
      let j = mid;
      for (let k = lo; k < hi; k++) {
        if (i < mid && (j >= hi || !before(src[j], src[i]))) dst[k] = src[i++];
        else dst[k] = src[j++];
      }
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== a) for (let k = 0; k < n; k++) a[k] = src[k];
}

function before(x: Occurrence, y: Occurrence): boolean {
  return x.s < y.s || (x.s === y.s && x.e > y.e);
}

// Parts of compound adjectives before a resource noun ("cross-account role", "read-only user", "multi-az instance"),
// first parts (a set), and last parts besides those ending in -ed / -ing (packed " word " for one search each)
const ADJECTIVE_HEADS = ch.wordSet(
  " cross read write multi single service built third well long short non pre post auto self semi high low real full fine cloud user customer open time event data end opt per all any one two three zero same new old default custom break on ",
);
const ADJECTIVE_TAILS =
  " only based wide level side like free safe aware native facing specific time scale term az region account ";

/** Whether s[i, dash) and s[dash + 1, e) read as a name's parts, not a compound adjective's. */
export function nameParts(s: string, i: number, dash: number, e: number): boolean {
  // (-eed is no participle's ending: orders-feed, ingest-speed)
  if (
    (ch.matchesLowerAt(s, e - 2, e, "ed") && !ch.matchesLowerAt(s, e - 3, e, "eed")) ||
    (e - dash - 1 > 4 && ch.matchesLowerAt(s, e - 3, e, "ing"))
  )
    return false;
  return !adjectiveParts(s, i, dash, e);
}

/**
 * Whether s[i, e) (one "-" at dash) reads as an English compound noun of a phrasal verb or a prefix, not a name: a
 * particle as last part (sign-in, follow-ups, roll-out, hand-off, take-over, tear-down, bill-to), a one-letter first
 * part (e-mail, x-ray) or re-, de-, co-, un- (re-verification, co-owner). After "account", "environment" and
 * "accelerator" (review of the fifty-first pass: "for account sign-in issues" masked and learned "sign-in").
 */
export function phrasalCompound(s: string, i: number, dash: number, e: number): boolean {
  if (dash - i === 1 || (dash - i === 2 && " re de co un ".indexOf(" " + sub(s, i, dash) + " ") >= 0)) return true;
  // (and their plurals: follow-ups, sign-ins)
  const t = e - dash - 1 >= 3 && byteAt(s, e - 1) === 115 ? e - 1 : e;
  return (
    t - dash - 1 <= 4 && " in up out off over down on back by away to ".indexOf(" " + sub(s, dash + 1, t) + " ") >= 0
  );
}

/** Whether s[i, dash) or s[dash + 1, e) is a compound adjective's usual part (cross-, read-, -only, -wide). */
export function adjectiveParts(s: string, i: number, dash: number, e: number): boolean {
  return ADJECTIVE_HEADS[sub(s, i, dash)] === true || ADJECTIVE_TAILS.indexOf(" " + sub(s, dash + 1, e) + " ") >= 0;
}

// Parts that mark a kebab token in prose as a resource's name, as its last part: an environment or an AWS resource's
// abbreviation (ledger-worker-asg, acme-exports-prod, settlements-dlq); an environment also inside a name of two dashes
// or more (payments-prod-eks). As first part they mark no name (dev-server, sqs-consumer, db-migrations). Packed
// " part " for one search each.
/**
 * A region's short code as naming conventions write it in a name's part (use1, usw2, euw1, euc1, apse2, apne1, cac1):
 * a region's two letters, one to two of a direction, a digit.
 */
function regionCode(s: string, a: number, b: number): boolean {
  const len = b - a;
  if (len < 4 || len > 5 || (cls(byteAt(s, b - 1)) & ch.C_DIGIT) === 0) return false;
  if (REGION_HEADS.indexOf(" " + sub(s, a, a + 2) + " ") < 0) return false;
  const d = sub(s, a + 2, b - 1);
  return (
    d === "e" ||
    d === "w" ||
    d === "n" ||
    d === "s" ||
    d === "c" ||
    d === "ne" ||
    d === "se" ||
    d === "nw" ||
    d === "sw"
  );
}
const REGION_HEADS = " us eu ap sa ca me af il mx ";
/**
 * True when the word ending at e (before a blank) is a service's name that a table or a chat puts before its
 * resource's name in a code span (S3 `x`, Aurora MySQL `x`, Step Functions `X`).
 */
export function serviceWordBefore(s: string, e: number): boolean {
  let a = e;
  while (a > 0 && e - a < 12 && (cls(byteAt(s, a - 1)) & (ch.C_LOWER | ch.C_UPPER | ch.C_DIGIT)) !== 0) a--;
  if (e - a < 2 || (a > 0 && (cls(byteAt(s, a - 1)) & ch.C_ALNUM) !== 0)) return false;
  const w = " " + sub(s, a, e).toLowerCase() + " ";
  // (fiftieth pass: an Aurora cluster after its engine, Aurora MySQL `x`, Aurora PostgreSQL `x`; not the engine's own
  // ids in the span after the blank at e, aurora-postgresql16 a parameter group's family, aurora-iopt1 a storage type)
  if (AURORA_ENGINES.indexOf(w) >= 0)
    return a >= 7 && ch.matchesAt(s, a - 7, a, "Aurora ") && !ch.matchesAt(s, e + 2, e + 9, "aurora-");
  return CODE_SPAN_SERVICES.indexOf(w) >= 0;
}
// (S3 alone: after the others a code span as often holds a setting, Postgres `work_mem`, Glue `job-bookmark-enable`)
const CODE_SPAN_SERVICES = " s3 ";
const AURORA_ENGINES = " mysql postgresql ";

/**
 * True when "Step Functions " stands right before the code span's "`" at p (a wiki table's Step Functions
 * `ReconNightly`: a state machine, PascalCase as the console's examples name them).
 */
export function stepFunctionsBefore(s: string, p: number): boolean {
  return p >= 15 && byteAt(s, p - 1) === 32 && ch.matchesAt(s, p - 15, p, "Step Functions ");
}

// (stepFunctionsVocabulary) the Amazon States Language's fields and state types, the API's operations API_VERBS lacks
const ASL_WORDS = ch.wordSet(
  "StartAt TimeoutSeconds TimeoutSecondsPath HeartbeatSeconds HeartbeatSecondsPath InputPath OutputPath ResultPath " +
    "ResultSelector ItemsPath ItemSelector ItemReader ItemBatcher ItemProcessor ResultWriter ProcessorConfig " +
    "MaxConcurrency MaxConcurrencyPath ToleratedFailurePercentage ToleratedFailureCount ErrorEquals IntervalSeconds " +
    "MaxAttempts BackoffRate MaxDelaySeconds JitterStrategy SecondsPath TimestampPath ErrorPath CausePath " +
    "QueryLanguage DistributedMap InlineMap RedriveExecution TestState ValidateStateMachineDefinition TagResource " +
    "UntagResource PublishStateMachineVersion",
);

/**
 * True when the PascalCase s[a, e) in a code span after "Step Functions " is the service's own word, no state
 * machine's name: a field or state type of the States Language (ResultPath, DistributedMap), an execution's event
 * (ExecutionFailed, TaskStateEntered, MapStateExited) or an API operation (RedriveExecution, TestState).
 */
export function stepFunctionsVocabulary(s: string, a: number, e: number): boolean {
  if (ASL_WORDS[sub(s, a, e)] === true || stepFunctionsWord(s, a, e)) return true;
  return e - a > 7 && (ch.matchesAt(s, e - 7, e, "Entered") || ch.matchesAt(s, e - 6, e, "Exited"));
}

/** True when s[h, p), before ".internal", is Docker Desktop's own host (host.docker, gateway.docker, vm.docker). */
export function dockerDesktopHost(s: string, h: number, p: number): boolean {
  return p - h <= 17 && DOCKER_HOSTS.indexOf(" " + sub(s, h, p) + " ") >= 0;
}
const DOCKER_HOSTS = " host.docker gateway.docker kubernetes.docker vm.docker ";

/** True when a part of the kebab or snake token s[a, e) (between "-" or "_") holds letters and digits (p99, euc1). */
export function mixedPart(s: string, a: number, e: number): boolean {
  let letters = false;
  let digits = false;
  for (let k = a; k <= e; k++) {
    const c = k < e ? byteAt(s, k) : 45;
    if (c === 45 || c === 95) {
      if (letters && digits) return true;
      letters = false;
      digits = false;
    } else if ((cls(c) & ch.C_DIGIT) !== 0) digits = true;
    else letters = true;
  }
  return false;
}

/**
 * True when a part of the kebab or snake token s[a, e) after its first marks a name as markedNameEnd's do: an
 * environment's (prod, staging), a type's as the last part (dlq, asg), a region's short code (euw1).
 */
export function markedParts(s: string, a: number, e: number): boolean {
  let part = a;
  for (let k = a; k <= e; k++) {
    const c = k < e ? byteAt(s, k) : 45;
    if (c !== 45 && c !== 95) continue;
    if (part > a && k - part <= 10) {
      const w = " " + sub(s, part, k) + " ";
      if (ENV_MARKS.indexOf(w) >= 0 || (k === e && TYPE_MARKS.indexOf(w) >= 0) || regionCode(s, part, k)) return true;
    }
    part = k + 1;
  }
  return false;
}

/**
 * A public PascalCase name where a code span after a noun puts one (the stack `CDKToolkit`, the function `PutObject`:
 * CDK's bootstrap stack, an API's operation).
 */
export function publicPascalName(s: string, a: number, e: number): boolean {
  if (e - a === 10 && matchesAt(s, a, e, "CDKToolkit")) return true;
  for (const v of API_VERBS) {
    const l = v.length;
    if (
      e - a > l &&
      byteAt(s, a) === byteAt(v, 0) &&
      matchesAt(s, a, a + l, v) &&
      (cls(byteAt(s, a + l)) & ch.C_UPPER) !== 0
    )
      return true;
  }
  return false;
}
const API_VERBS = [
  "Get",
  "Put",
  "List",
  "Describe",
  "Create",
  "Delete",
  "Update",
  "Invoke",
  "Send",
  "Receive",
  "Start",
  "Stop",
];

/**
 * A list item's host before its instance's id and address ("- edge-haproxy-1 — i-0a1b2c3d4e5f60718, 10.50.1.11", a
 * design doc's inventory): c is the "," after the id; the host's end (the blank before the dash) or -1. The dash is
 * "-", "--", or one "–" or "—": one unit (U+2013, U+2014) in JS, its three UTF-8 bytes (E2 80 93 / 94) in Lua; not
 * any other non-ASCII unit (a run of them is one unit in JS and several bytes in Lua: the runtimes read it apart).
 */
export function hostBeforeInstance(s: string, c: number): number {
  let k = c;
  while (k > 0 && c - k < 17 && (cls(byteAt(s, k - 1)) & ch.C_HEX) !== 0) k--;
  if ((c - k !== 8 && c - k !== 17) || k < 6 || byteAt(s, k - 1) !== 45 || byteAt(s, k - 2) !== 105) return -1;
  k -= 2;
  if (byteAt(s, k - 1) !== 32) return -1;
  const u = byteAt(s, k - 2);
  let d = -1;
  if (u === 45) d = k >= 4 && byteAt(s, k - 3) === 45 ? k - 3 : k - 2;
  else if (u === 0x2013 || u === 0x2014) d = k - 2;
  else if ((u === 0x93 || u === 0x94) && k >= 5 && byteAt(s, k - 3) === 0x80 && byteAt(s, k - 4) === 0xe2) d = k - 4;
  return d > 1 && byteAt(s, d - 1) === 32 ? d - 1 : -1;
}

/** True when the host at h opens a Markdown list item ("- x", "* x", indented or not). */
export function listItemStart(s: string, h: number): boolean {
  if (h < 2 || byteAt(s, h - 1) !== 32 || (byteAt(s, h - 2) !== 45 && byteAt(s, h - 2) !== 42)) return false;
  let k = h - 2;
  while (k > 0 && h - k < 12 && byteAt(s, k - 1) === 32) k--;
  return k === 0 || byteAt(s, k - 1) === 10;
}

/** Where a name closing at e ends inside a code span or Jira's monospace ("`x`", "{{x}}"): e - 1, e - 2, or e. */
export function spanClose(s: string, e: number): number {
  if (e > 1 && byteAt(s, e - 1) === 96) return e - 1;
  if (e > 2 && byteAt(s, e - 1) === 125 && byteAt(s, e - 2) === 125) return e - 2;
  return e;
}

/** True when s[a, b) is opened as spanClose closed it (the "`" or "{{" before a, the "`" or "}}" at b). */
export function spanOpens(s: string, a: number, b: number): boolean {
  const c = byteAt(s, b);
  if (c === 96) return a > 0 && byteAt(s, a - 1) === 96;
  return c === 125 && a > 1 && byteAt(s, a - 1) === 123 && byteAt(s, a - 2) === 123;
}

/** The end of a version ":<digits>" at e (a Lambda layer's "x:14"), or e. */
export function versionAfter(s: string, e: number, n: number): number {
  if (e + 1 >= n || byteAt(s, e) !== 58) return e;
  let d = e + 1;
  while (d < n && d - e < 8 && (cls(byteAt(s, d)) & C_DIGIT) !== 0) d++;
  return d > e + 1 ? d : e;
}

/**
 * True when the code span or Jira monospace opening at p follows a noun that only names a resource before one (the
 * prose automaton has no room for them): "the registry `brindle-schemas`" (EventBridge's schema registry), "the
 * Looker connection {{looker-tidewater-ro}}" (a BI tool's or Glue's connection), "behind
 * NLB `cardvault-nlb-int`". strong: the name has two dashes or a digit (what "connection" and "NLB" / "ALB" need).
 */
export function spanNounBefore(s: string, p: number, strong: boolean): boolean {
  if (p < 9 || byteAt(s, p - 1) !== 32) return false;
  const c = byteAt(s, p - 2);
  // (the text's start is a boundary: byteAt(s, -1) is nil in Lua, and cls(nil) raises)
  if (c === 121)
    return ch.matchesLowerAt(s, p - 9, p - 1, "registry") && (p === 9 || (cls(byteAt(s, p - 10)) & C_ALNUM) === 0);
  // (after "connection", a name of two dashes or with a digit: not HTTP's Connection `keep-alive`, a word learned)
  if (c === 110 && p >= 11 && strong)
    return ch.matchesLowerAt(s, p - 11, p - 1, "connection") && (p === 11 || (cls(byteAt(s, p - 12)) & C_ALNUM) === 0);
  // (fifty-first pass: a load balancer by its type's shorthand, in capitals, "behind NLB `cardvault-nlb-int`", "the ALB
  // <code>x</code>")
  // (review: with the balancer's own part, cardvault-nlb-int, edge-alb-01; not ELB's settings, `http2-enabled`,
  // `preserve-client-ip`, `idle-timeout-60`, each learned)
  if (c === 66 && strong && byteAt(s, p - 3) === 76 && (byteAt(s, p - 4) === 78 || byteAt(s, p - 4) === 65))
    return (cls(byteAt(s, p - 5)) & C_ALNUM) === 0 && balancerPart(s, p);
  return false;
}

/**
 * True when the name in the code span opening at p (`, {{ or <code>) has a load balancer's part, nlb, alb, elb or lb
 * (a walk of 64 units at most).
 */
function balancerPart(s: string, p: number): boolean {
  const n = s.length;
  const a = byteAt(s, p) === 96 ? p + 1 : byteAt(s, p) === 123 ? p + 2 : p + 6;
  let part = a;
  for (let k = a; k <= n && k - a <= 64; k++) {
    const c = k < n ? byteAt(s, k) : 32;
    if (c === 45 || c === 95 || (cls(c) & (ch.C_LOWER | ch.C_DIGIT)) === 0) {
      if (k - part >= 2 && k - part <= 3 && BALANCER_PARTS.indexOf(" " + sub(s, part, k) + " ") >= 0) return true;
      if (c !== 45 && c !== 95) return false;
      part = k + 1;
    }
  }
  return false;
}
const BALANCER_PARTS = " nlb alb elb lb ";

/**
 * True when the code span's s[a, b) is a database's schema and table in snake_case (`fin_mart.gl_postings`,
 * `raw_loyalty.points_events`: both parts with a "_"), not an engine's own (builtInTable: `pg_catalog.pg_class`,
 * `information_schema.x`, MySQL's `performance_schema.x`, Snowflake's `account_usage.x`); read as a table
 * by the text around it (tableContext: a module's function, `dbt_utils.generate_surrogate_key`, an extension's setting,
 * `auto_explain.log_min_duration`, Ansible's fact, {{ansible_facts.os_family}}, are written so too, and the value is
 * learned). m: the mark's length.
 */
export function snakeTable(s: string, a: number, b: number, m: number, n: number): boolean {
  let dot = -1;
  let before = false;
  let after = false;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    if (c === 46) {
      if (dot >= 0) return false;
      dot = k;
    } else if (c === 95) {
      if (dot < 0) before = true;
      else after = true;
    }
  }
  return before && after && dot > a + 2 && !builtInTable(s, a, b) && tableContext(s, a - m, b + m, n);
}

// the words before a table's name (SQL's and prose's: "reads from `x`", "it reads `x`", "INSERT INTO {{x}}", "the table
// `x`")
const TABLE_VERBS = " from into join table update reads writes ";

/**
 * True when the span opening at p and closing before q names a table by its context: after a word of TABLE_VERBS, or
 * with "table", "tables" or "view" in the rest of its line (64 units at most: "unload the {{a_b.c_d}} and {{a_b.e_f}}
 * tables").
 */
function tableContext(s: string, p: number, q: number, n: number): boolean {
  if (p >= 2 && byteAt(s, p - 1) === 32) {
    let w = p - 1;
    while (w > 0 && p - 1 - w < 7 && (cls(byteAt(s, w - 1)) & (ch.C_LOWER | ch.C_UPPER)) !== 0) w--;
    if (p - 1 - w >= 4 && TABLE_VERBS.indexOf(" " + sub(s, w, p - 1).toLowerCase() + " ") >= 0) return true;
  }
  for (let k = q; k < n && k - q < 64; k++) {
    const c = byteAt(s, k);
    if (c === 10) return false;
    if (byteAt(s, k - 1) !== 32 || (c !== 116 && c !== 118)) continue;
    let f = c === 116 ? (ch.matchesAt(s, k, n, "table") ? k + 5 : -1) : ch.matchesAt(s, k, n, "view") ? k + 4 : -1;
    if (f > 0 && f < n && byteAt(s, f) === 115) f++;
    if (f > 0 && (f >= n || (cls(byteAt(s, f)) & (ch.C_LOWER | ch.C_UPPER)) === 0)) return true;
  }
  return false;
}

/** True when the kebab token s[a, b) of a code span ends in "-role" and opens with no verb (`glue-etl-role`). */
export function roleSpan(s: string, a: number, b: number): boolean {
  if (b - a < 8 || !ch.matchesAt(s, b - 5, b, "-role")) return false;
  let d = a;
  while (d < b && byteAt(s, d) !== 45) d++;
  // (not terraform-aws-modules' submodules, `iam-assumable-role`, `iam-github-oidc-role`: public, learned)
  return (
    d < b - 5 &&
    !notNameHead(s, a, d) &&
    ADJECTIVE_HEADS[sub(s, a, d)] !== true &&
    !(d - a === 3 && ch.matchesAt(s, a, d, "iam"))
  );
}

// Words and prefixes of two letters: a compound's part that reads as English ("on-demand", "no-op", "re-encrypt",
// "co-located", "my-app"), not a name's abbreviation (ci-deployer, db-migrator, qa-runner)
const SHORT_WORDS = " on in no re co de up so by ex un go do my at to of be is it as or an we me us ok ";

/**
 * True when the compound s[i, dash) "-" s[dash + 1, e) in a code span before its noun reads as a name's parts: a part
 * of two letters only if it is no English word or prefix (SHORT_WORDS), none of one letter (`x-ray`, `e-commerce`),
 * no compound adjective's part, no participle in -ed (`so-called`, `co-located`; -eed is none: orders-feed).
 */
export function spanCompoundParts(s: string, i: number, dash: number, e: number): boolean {
  const l = dash - i;
  const r = e - dash - 1;
  if (l < 2 || r < 2) return false;
  if (l === 2 && SHORT_WORDS.indexOf(" " + sub(s, i, dash) + " ") >= 0) return false;
  if (r === 2 && SHORT_WORDS.indexOf(" " + sub(s, dash + 1, e) + " ") >= 0) return false;
  if (ch.matchesLowerAt(s, e - 2, e, "ed") && !ch.matchesLowerAt(s, e - 3, e, "eed")) return false;
  return !adjectiveParts(s, i, dash, e);
}

/**
 * True when the host s[h, he) before a private address follows "on", a word of its own ("cron on jenkins-old
 * (10.4.7.21)"), and reads as a name: letters and dashes, parts of three letters or more, its first dash between a
 * name's parts (not "on wi-fi", "on built-in", "on read-replica": learned, the words would be masked everywhere).
 */
export function hostAfterOn(s: string, h: number, he: number): boolean {
  if (h < 3 || !ch.matchesLowerAt(s, h - 3, h, "on ") || (h > 3 && (cls(byteAt(s, h - 4)) & C_ALNUM) !== 0))
    return false;
  let part = h;
  let dash = -1;
  for (let k = h; k <= he; k++) {
    const c = k < he ? byteAt(s, k) : 45;
    if (c === 45) {
      if (k - part < 3) return false;
      if (dash < 0 && k < he) dash = k;
      part = k + 1;
    } else if ((cls(c) & ch.C_LOWER) === 0) return false;
  }
  return dash > h && nameParts(s, h, dash, he) && !notNameHead(s, h, dash);
}

/** True when s[a, b) is a network interface's name (docker0, wlan0, tun0, br-lan, virbr0, veth1a2b, cni0). */
export function interfaceName(s: string, a: number, b: number): boolean {
  for (const p of INTERFACE_HEADS) {
    if (b - a >= p.length && byteAt(s, a) === byteAt(p, 0) && matchesAt(s, a, a + p.length, p)) return true;
  }
  return false;
}
const INTERFACE_HEADS = [
  "eth",
  "ens",
  "enp",
  "eno",
  "wlan",
  "wlp",
  "tun",
  "tap",
  "docker",
  "br-",
  "virbr",
  "veth",
  "bond",
  "vlan",
  "lo",
  "cni",
  "flannel",
  "cali",
  "utun",
  "awdl",
  "vxlan",
];

/** A PascalCase compound of letters and digits (OrdersApi, PaymentsGateway): a capital after a lower-case letter. */
export function pascalCompound(s: string, a: number, b: number): boolean {
  if (b - a < 4 || (cls(byteAt(s, a)) & ch.C_UPPER) === 0 || ch.runOf(s, a, b, C_ALNUM) !== b - a) return false;
  for (let k = a + 2; k < b; k++) {
    if ((cls(byteAt(s, k)) & ch.C_UPPER) !== 0 && (cls(byteAt(s, k - 1)) & ch.C_LOWER) !== 0) return true;
  }
  return false;
}

/**
 * IAM Identity Center's predefined permission sets and AWS's job-function policies (a permission_set key's value,
 * PowerUserAccess): AWS's names.
 */
export function predefinedPermissionSet(s: string, a: number, b: number): boolean {
  const len = b - a;
  return len >= 7 && len <= 21 && (cls(byteAt(s, a)) & ch.C_UPPER) !== 0 && PREDEFINED_SETS[sub(s, a, b)] === true;
}
const PREDEFINED_SETS: Record<string, boolean> = {
  AdministratorAccess: true,
  PowerUserAccess: true,
  ReadOnlyAccess: true,
  ViewOnlyAccess: true,
  SecurityAudit: true,
  Billing: true,
  SupportUser: true,
  DatabaseAdministrator: true,
  DataScientist: true,
  NetworkAdministrator: true,
  SystemAdministrator: true,
};
const ENV_MARKS = " prod prd production staging stg dev qa uat sandbox preprod nonprod perf dr live ";
const TYPE_MARKS = " asg dlq svc cmk db rds sqs sns alb nlb sg tg vpc ";
// First parts of kebab tokens that name no resource: the CLI's operations (describe-db-instances), build and deploy
// steps (build-prod, deploy-staging), prefixes (pre-prod).
const NOT_NAME_HEADS = ch.wordSet(
  " describe list get put create delete update start stop modify attach detach associate disassociate enable disable register deregister run send receive tag untag add remove set reset test invoke publish import export batch copy restore reboot terminate authorize revoke allocate release apply cancel purge rotate wait upload download lookup search assume generate failover promote execute filter check show read write build deploy destroy bootstrap synth go non pre post multi cross fan configure setup install ",
);

// a package script's or a task's words after "<key>:" (pnpm test:services:start, npm run db:migrate): scriptWord
const SCRIPT_WORDS = ch.wordSet(
  "watch lint serve clean install format fix migrate seed up down unit e2e ci local all debug preview dist release " +
    "logs restart status compose integration coverage dry",
);

/**
 * True when s[a, b), the value of a compact `<key>:<word>`, is a task's plain word, not a name: lower-case letters, a
 * stop word (dev, test), a verb no name opens with (start, stop, build) or a script's word (SCRIPT_WORDS); a Datadog
 * tag's service:nwpledger is none.
 */
export function scriptWord(s: string, a: number, b: number): boolean {
  if (b - a < 2 || b - a > 12 || ch.runOf(s, a, b, C_LOWER) !== b - a) return false;
  return stopWord(s, a, b) || notNameHead(s, a, b) || SCRIPT_WORDS[sub(s, a, b)] === true;
}

/** Connector words of compound adjective phrases (up-to-date, out-of-date, end-to-end, day-to-day). */
const PHRASE_CONNECTORS = " to of in and or the ";

/** Whether the unquoted kebab token s[a, e) is a compound adjective phrase: a first part of 1-3 letters, a connector. */
export function adjectivePhrase(s: string, a: number, e: number): boolean {
  let d = a;
  while (d < e && d - a <= 3 && byteAt(s, d) !== 45) d++;
  if (d === a || d >= e || d - a > 3 || byteAt(s, d) !== 45) return false;
  let d2 = d + 1;
  while (d2 < e && d2 - d <= 4 && byteAt(s, d2) !== 45) d2++;
  return d2 < e && d2 > d + 1 && PHRASE_CONNECTORS.indexOf(" " + sub(s, d + 1, d2).toLowerCase() + " ") >= 0;
}

/**
 * The end of a stream's name after "Kinesis " at a (the service's word alone before its stream, as "SQS" before a
 * queue: "the agent event stream (Kinesis bc-connect-agent-events)"; no noun of the prose automaton, which holds 255
 * states): lower-case kebab of two dashes or more, or of one and a digit, whose parts are no compound's or CLI
 * operation's (Kinesis get-records, Kinesis on-demand stay); -1 for none.
 */
export function kinesisNameEnd(s: string, a: number, n: number): number {
  let e = a;
  let dashes = 0;
  let digit = false;
  let first = -1;
  while (e < n && e - a < 128) {
    const c = byteAt(s, e);
    if (c === 45) {
      if (first < 0) first = e;
      dashes++;
    } else if ((cls(c) & ch.C_DIGIT) !== 0) digit = true;
    else if ((cls(c) & ch.C_LOWER) === 0) break;
    e++;
  }
  if (e < n && ((cls(byteAt(s, e)) & C_ALNUM) !== 0 || byteAt(s, e) === 95 || byteAt(s, e) === 46)) return -1;
  if (first <= a || byteAt(s, e - 1) === 45 || !(dashes >= 2 || (dashes === 1 && digit))) return -1;
  return notNameHead(s, a, first) || adjectiveParts(s, a, first, e) || kinesisPublicParts(s, a, first, e) ? -1 : e;
}

/** Whether s[a, dash) is a first part that marks no name (NOT_NAME_HEADS: describe-, build-, pre- ...). */
export function notNameHead(s: string, a: number, dash: number): boolean {
  return dash - a <= 12 && NOT_NAME_HEADS[sub(s, a, dash)] === true;
}

// Words that join the parts of an English compound (sns-to-sqs, point-in-time, state-of-the-art) or stand between a
// name and its noun in no name's way ("the x and cluster-autoscaler pods").
const FUNCTION_WORDS = " to of the and or in on at by for as vs via with from into per than a an ";

/** Whether s[a, b) is a function word (FUNCTION_WORDS), compared as written (lower case). */
export function functionWord(s: string, a: number, b: number): boolean {
  return b - a <= 4 && FUNCTION_WORDS.indexOf(" " + sub(s, a, b) + " ") >= 0;
}

// (kinesisPublicParts: the words after kinesis- of AWS's tools; particles and tails of English compounds)
const KINESIS_TOOLS = " agent client producer consumer data video ";
const COMPOUND_PARTS = " out up down off once least only based wide level side like free safe aware native facing ";

/**
 * Whether the kebab token s[a, e) after "Kinesis " (first "-" at dash) is AWS's own software or an English compound,
 * not a stream (review of the fiftieth pass: learned, it went in every sentence): aws- and amazon- first
 * (aws-kinesis-agent, amazon-kinesis-client-python), kinesis- before a tool's word (kinesis-agent-config,
 * kinesis-data-generator), an SDK's part (java-sdk-v2), or a part that is a function word, a particle or a compound
 * adjective's tail (at-least-once, enhanced-fan-out, server-side-encryption, shard-level-metrics).
 */
function kinesisPublicParts(s: string, a: number, dash: number, e: number): boolean {
  const head = sub(s, a, dash);
  if (head === "aws" || head === "amazon") return true;
  let p = a;
  for (let parts = 0; parts < 64 && p < e; parts++) {
    let q = p;
    while (q < e && byteAt(s, q) !== 45) q++;
    const w = " " + sub(s, p, q) + " ";
    if (
      (parts === 1 && head === "kinesis" && KINESIS_TOOLS.indexOf(w) >= 0) ||
      w === " sdk " ||
      (q - p <= 4 && FUNCTION_WORDS.indexOf(w) >= 0) ||
      (parts > 0 && COMPOUND_PARTS.indexOf(w) >= 0)
    )
      return true;
    p = q + 1;
  }
  return false;
}
/** Whether the token at i (after a blank) is an AWS CLI operation: `aws <service> <operation>`. */
function cliOperationAt(s: string, i: number): boolean {
  let k = i - 1;
  while (k > 0 && i - k < 40 && byteAt(s, k - 1) !== 32) k--;
  // (the command in lower case: "the AWS account brindlecove-prod-data" is prose, its service word a noun)
  return k >= 4 && k < i - 1 && matchesAt(s, k - 4, k, "aws ") && (k === 4 || byteAt(s, k - 5) <= 32);
}

/**
 * True when a German noun is glued to a name by the dash at d (kvt-frames-prod-Bucket, x-euc1-Instanz): a capital, then
 * 2-23 lower-case letters (ASCII or Latin), then no letter or digit (not CloudFormation's export names, x-prod-VpcId).
 */
function gluedNoun(s: string, d: number, n: number): boolean {
  if (d + 3 >= n || (cls(byteAt(s, d + 1)) & ch.C_UPPER) === 0) return false;
  let k = d + 2;
  while (k < n && k - d < 24) {
    const l = (cls(byteAt(s, k)) & C_LOWER) !== 0 ? 1 : ch.latinLetterAt(s, k);
    if (l === 0) break;
    k += l;
  }
  return k - d >= 4 && (k >= n || (cls(byteAt(s, k)) & (C_ALNUM | ch.C_UPPER)) === 0);
}
// units of a CJK character: 1 in Node, 3 bytes in Lua
const CJK_UNITS = "\u4e00".length;
/**
 * The end of a kebab token at i (lower-case letters, digits, dashes) that stands alone between blanks or punctuation
 * and that a part marks as a name (ENV_MARKS, TYPE_MARKS); -1 when it is none: no mark, a part of one unit, a CLI operation or
 * prefix first (NOT_NAME_HEADS), or one dash and no digit between parts of a compound adjective (dev-only).
 */
export function markedNameEnd(s: string, i: number, n: number): number {
  const prev = i > 0 ? byteAt(s, i - 1) : 32;
  // blank, line end, "(", a quote, a backtick, ","
  if (!(
    prev === 32 ||
    prev === 10 ||
    prev === 9 ||
    prev === 40 ||
    prev === 34 ||
    prev === 39 ||
    prev === 96 ||
    prev === 44 ||
    // (Jira's and Confluence's monospace, {{x}})
    (prev === 123 && i > 1 && byteAt(s, i - 2) === 123) ||
    // (CJK text, which puts no blank around a name: \u30ea\u30dd\u30b8\u30c8\u30eakvt-x-prod\u30d0\u30b1\u30c3\u30c8)
    (prev >= 128 && i >= CJK_UNITS && ch.cjkCharAt(s, i - CJK_UNITS) === CJK_UNITS)
  ))
    return -1;
  // the token's shape first, without a string: parts of two units or more, the unit after it
  let e = i;
  let dashes = 0;
  let digits = 0;
  let dash = -1;
  let part = i;
  for (;;) {
    const c = e < n ? byteAt(s, e) : 32;
    // (German glues a noun to a name with a dash: kvt-frames-prod-Bucket, x-pg-prod-euc1-Instanz)
    const glued = c === 45 && gluedNoun(s, e, n);
    if (c === 45 || (cls(c) & (C_LOWER | C_DIGIT)) === 0) {
      if (e - part < 2) return -1;
      if (c !== 45 || glued) break;
      dashes++;
      dash = e;
      part = e + 1;
    } else if ((cls(c) & C_DIGIT) !== 0) digits++;
    e++;
    if (e - i > 64) return -1;
  }
  if (dashes === 0) return -1;
  const c = e < n ? byteAt(s, e) : 32;
  const after = e + 1 < n ? byteAt(s, e + 1) : 32;
  // blank, line end, ",", ")", a quote, a backtick, "!", "?", ";", or "." / ":" that end a sentence or a line
  const ends =
    c === 32 ||
    c === 10 ||
    c === 13 ||
    c === 9 ||
    (c === 125 && after === 125) ||
    c === 44 ||
    c === 41 ||
    c === 34 ||
    c === 39 ||
    c === 96 ||
    c === 33 ||
    c === 63 ||
    c === 59 ||
    ((c === 46 || c === 58) && (after === 32 || after === 10 || after === 13 || e + 1 >= n)) ||
    (c === 45 && gluedNoun(s, e, n)) ||
    (c >= 128 && ch.cjkCharAt(s, e) > 0);
  if (!ends) return -1;
  // then its words
  let marked = false;
  part = i;
  for (let k = i; k <= e; k++) {
    if (k < e && byteAt(s, k) !== 45) continue;
    if (functionWord(s, part, k)) return -1;
    if (part === i) {
      if (notNameHead(s, part, k)) return -1;
    } else if (k - part <= 10) {
      // (an environment after the first part, a resource type as the last)
      const w = " " + sub(s, part, k) + " ";
      if (ENV_MARKS.indexOf(w) >= 0 || (k === e && TYPE_MARKS.indexOf(w) >= 0) || regionCode(s, part, k)) marked = true;
    }
    part = k + 1;
  }
  if (!marked || (prev === 32 && cliOperationAt(s, i))) return -1;
  return dashes === 1 && digits === 0 && !nameParts(s, i, dash, e) ? -1 : e;
}

/**
 * One kind per name within a string: a name found by a generic rule (resource-name: "move ledger-close-prod to") takes
 * the kind a specific rule gave the same name elsewhere in the string ("the ledger-close-prod function"), so it gets
 * one pseudonym. Specific: a kind that is learned (names, buckets, queues). matches: the string's matches from base on
 * (the scanner's Match: s, e, kind).
 */
export function unifyNameKinds(s: string, matches: { s: number; e: number; kind: Kind }[], base: number): void {
  let generic = 0;
  let specific = 0;
  for (let k = base; k < matches.length; k++) {
    const m = matches[k];
    if (m.kind.id === "resource-name") generic++;
    else if (m.kind.learn === true && m.kind.family !== "kms-key") specific++;
  }
  if (generic === 0 || specific === 0) return;
  const kinds: Record<string, Kind> = {};
  for (let k = base; k < matches.length; k++) {
    const m = matches[k];
    // (not a KMS key's, learned as a UUID but found by a looser context too: "API Key ID" before a request's id)
    if (m.kind.id !== "resource-name" && m.kind.learn === true && m.kind.family !== "kms-key")
      kinds[sub(s, m.s, m.e)] = m.kind;
  }
  for (let k = base; k < matches.length; k++) {
    const m = matches[k];
    if (m.kind.id === "resource-name") {
      const kind = kinds[sub(s, m.s, m.e)];
      if (kind !== undefined) m.kind = kind;
    }
  }
}

// First words of kebab names that are no company's or project's prefix (beyond ADJECTIVE_HEADS and NOT_NAME_HEADS):
// AWS's and tools' words, environments, regions' and ids' heads, examples
const NO_FAMILY = ch.wordSet(
  " aws amazon amzn ec2 ecs eks ecr ebs efs elb alb nlb rds s3 sqs sns ssm sso sts iam kms acm waf cdk sam lambda glue emr msk kafka athena redshift dynamodb kinesis firehose sagemaker bedrock cognito cloudwatch cloudtrail cloudfront route53 codebuild codepipeline codedeploy amplify appsync redis valkey memcached postgres postgresql pg mysql mariadb aurora mongo mongodb cassandra elasticsearch opensearch terraform tf pulumi helm kubectl eksctl karpenter istio envoy nginx prometheus grafana datadog jenkins github gitlab airflow mwaa spark hadoop yarn dbt python java golang ruby linux ubuntu debian centos rhel windows bottlerocket api app apps web key keys log logs k8s kube docker node npm git http https tcp ssh tls ssl test tests example sample demo my the us eu ap sa ca me af il cn gov sg lt fs vpc subnet db x re sub co de un in on off up out over under end open maven gradle pypi nuget cargo player players device devices sensor sensors user users session sessions client clients customer worker workers job jobs build release releases snapshot snapshots ike ipsec vpn tunnel crypto bgp config backup guardduty securityhub inspector macie controltower org ",
);
/** Most prefixes a string's names are grouped by (the first found). */
const FAMILY_MAX = 4;
/** Most names kept per string as families' members (a word that opens with one is its compound, not a new name). */
const MEMBERS_MAX = 64;
const FAMILY_PREFIX: string[] = [];
const FAMILY_NAMES: number[] = [];
const MEMBER: string[] = [];
const MEMBER_OF: number[] = [];

/**
 * A text's names of one family: when two names the rules found in s (names, buckets, a host's resource labels) open
 * with the same word and a "-" or "_" (a
 * company's or a project's prefix: kestrel-orders-prod, kestrel_ledger), every other word of s that opens with that
 * prefix is a name too, where no rule named it ("and kestrel-invoice-mailer too", "ElastiCache kestrel-sessions-redis:
 * evictions normal", brindle_loyalty_raw, brindle.orders.created.v2, KestrelProdReadOnly, tamarackfieldapp). The prefix
 * is 2-16 lower-case letters and digits, no English, AWS or tool word (NO_FAMILY, ADJECTIVE_HEADS, NOT_NAME_HEADS).
 * matches: the string's from base on; returns the new names (kind), in order, or undefined. Two searches of s per
 * family of two names or more: linear.
 */
export function familyNames(
  s: string,
  matches: { s: number; e: number; kind: Kind }[],
  base: number,
  kind: Kind,
): { s: number; e: number; kind: Kind }[] | undefined {
  let families = 0;
  let members = 0;
  let grouped = false;
  for (let k = base; k < matches.length; k++) {
    const m = matches[k];
    const fam = m.kind.family;
    if ((fam !== "name" && fam !== "s3-bucket" && fam !== "aws-host") || m.e - m.s < 6) continue;
    const d = m.s + ch.runOf(s, m.s, m.e - 3 < m.s + 17 ? m.e - 3 : m.s + 17, C_LOWER | C_DIGIT);
    if (d - m.s < 2 || (byteAt(s, d) !== 45 && byteAt(s, d) !== 95) || (cls(byteAt(s, m.s)) & C_LOWER) === 0) continue;
    const prefix = sub(s, m.s, d);
    let f = 0;
    while (f < families && FAMILY_PREFIX[f] !== prefix) f++;
    if (f === families) {
      if (
        families === FAMILY_MAX ||
        NO_FAMILY[prefix] === true ||
        ADJECTIVE_HEADS[prefix] === true ||
        NOT_NAME_HEADS[prefix] === true
      )
        continue;
      FAMILY_PREFIX[families] = prefix;
      FAMILY_NAMES[families] = 0;
      families++;
    }
    const name = sub(s, m.s, m.e);
    let q = 0;
    while (q < members && !(MEMBER_OF[q] === f && MEMBER[q] === name)) q++;
    if (q < members || members === MEMBERS_MAX) continue;
    MEMBER[members] = name;
    MEMBER_OF[members] = f;
    members++;
    FAMILY_NAMES[f]++;
    if (FAMILY_NAMES[f] === 2) grouped = true;
  }
  if (!grouped) return undefined;
  const n = s.length;
  let found: { s: number; e: number; kind: Kind }[] = [];
  for (let f = 0; f < families * 2; f++) {
    if (FAMILY_NAMES[f >> 1] < 2) continue;
    // the prefix as the names have it, then capitalised (TamarackKilnOperators, Tamarack-Platform)
    const lower = FAMILY_PREFIX[f >> 1];
    const lit = (f & 1) === 0 ? lower : sub(lower, 0, 1).toUpperCase() + sub(lower, 1, lower.length);
    const len = lit.length;
    // (each search's names are in order; the searches' lists are merged)
    const run: { s: number; e: number; kind: Kind }[] = [];
    let p = s.indexOf(lit);
    while (p >= 0) {
      let e = p + len;
      while (e < n && e - p < 128 && isNameUnit(byteAt(s, e))) e++;
      const end = e;
      while (e > p && (byteAt(s, e - 1) === 46 || byteAt(s, e - 1) === 45 || byteAt(s, e - 1) === 95)) e--;
      // what follows the prefix: "-" or "_" and two units, "." and a letter (a Kafka topic's brindle.orders.v2), a
      // capital after the capitalised prefix; glued letters after a prefix of five units or more (tamarackfieldapp)
      // (read only when three units follow the prefix: past the text's end a unit is nil in Lua)
      let joined = false;
      if (e - p - len >= 3) {
        const c = byteAt(s, p + len);
        if (c === 45 || c === 95) joined = true;
        else if (c === 46) joined = (cls(byteAt(s, p + len + 1)) & C_LOWER) !== 0;
        else if ((f & 1) === 1) joined = (cls(c) & ch.C_UPPER) !== 0;
        else joined = len >= 5 && (cls(c) & C_LOWER) !== 0;
      }
      // (a member's compound, <member>-createOrder, <member>s, is the member's occurrence: the learned names' matcher's)
      let compound = false;
      for (let q = 0; q < members && joined && !compound; q++)
        compound = MEMBER_OF[q] === f >> 1 && e - p > MEMBER[q].length && ch.matchesAt(s, p, e, MEMBER[q]);
      if (joined && !compound && (p === 0 || !isNameUnit(byteAt(s, p - 1))) && plausibleName(s, p, e, kind))
        run.push({ s: p, e, kind });
      p = s.indexOf(lit, end);
    }
    found = mergedInOrder(found, run);
  }
  return found.length > 0 ? found : undefined;
}

/** Two lists of matches in order of their starts, merged in order (familyNames: no sort, no comparator's closure). */
function mergedInOrder<T extends { s: number }>(a: T[], b: T[]): T[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].s <= b[j].s)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

/**
 * Whether s[a, b) reads as a key, not a resource's name: a letter first, then letters, digits, "_" and ":" only
 * (subnetId, DB_PASSWORD, tag:Name). A JSON or YAML pair's name is left visible only when it is one: a name/value pair
 * whose name has a dash or a dot (`{"name": "ledger-prod", "value": 3}`) may name a resource, and is masked. (The CLI's
 * shorthand `Name=vpc-id,Values=...` is a key by the syntax: its names are kebab-case.)
 */
export function keyLike(s: string, a: number, b: number): boolean {
  if (a >= b || (cls(byteAt(s, a)) & (C_LOWER | ch.C_UPPER)) === 0) return false;
  for (let k = a + 1; k < b; k++) {
    const c = byteAt(s, k);
    if ((cls(c) & (C_LOWER | ch.C_UPPER | C_DIGIT)) === 0 && c !== 95 && c !== 58) return false;
  }
  return true;
}

// first words of HTTP header names written in lower case (HTTP/2's, a HAR file's: user-agent, x-amzn-requestid)
const HEADER_HEADS = ch.wordSet("x accept content user cache sec if access origin cf cloudfront upgrade referer set");

/**
 * An HTTP header's name s[a, b) ({"name": "User-Agent", "value": ...} in a WAF log's or a HAR file's header list):
 * words of letters joined by "-", each capitalised (Content-Type, X-Forwarded-For) or the first a header's own in
 * lower case (x-csrf-token, accept-encoding).
 */
export function headerName(s: string, a: number, b: number): boolean {
  if (b - a > 64) return false;
  let dash = -1;
  let capitalised = true;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    if (c === 45) {
      if (dash < 0) dash = k;
      continue;
    }
    if ((cls(c) & (C_LOWER | ch.C_UPPER)) === 0) return false;
    if ((k === a || byteAt(s, k - 1) === 45) && (cls(c) & ch.C_UPPER) === 0) capitalised = false;
  }
  return dash > a && dash < b - 1 && (capitalised || HEADER_HEADS[sub(s, a, dash).toLowerCase()] === true);
}

/** True when w is the direction word of an AWS region's name (us-east-1, ap-southeast-4, il-central-1). */
export function regionDirection(w: string): boolean {
  return DIRECTIONS[w] === true;
}
const DIRECTIONS = ch.wordSet("east west north south central northeast northwest southeast southwest");

/**
 * True when the snake_case word s[a, b) ends like a code's field or a mount's (run_id, job_name, kv_v2): after "job"
 * or "vault" in prose it names no job nor vault.
 */
export function fieldWord(s: string, a: number, b: number): boolean {
  let u = b - 1;
  while (u > a && byteAt(s, u) !== 95) u--;
  return u > a && b - u <= 7 && FIELD_ENDINGS[sub(s, u + 1, b).toLowerCase()] === true;
}
const FIELD_ENDINGS = ch.wordSet("id ids name arn type status state code count v1 v2 key url path size time date");

/**
 * The name s[a, b) of a lower-case key/value pair that is an HTTP header's or parameter's, not a tag's (a Postman
 * collection's "header": [{"key": "Content-Type", "value": "application/json"}]): a header name, or one word of
 * HTTP_WORDS.
 */
export function httpPairName(s: string, a: number, b: number): boolean {
  // (a custom header's value is the company's, x-nwp-merchant: mrc_...; an ECS tag may be named like a header,
  // App-Tier, Origin: only the standard request headers, AWS's and the forwarding ones)
  if (b - a > 2 && (byteAt(s, a) === 120 || byteAt(s, a) === 88) && byteAt(s, a + 1) === 45)
    return ch.matchesLowerAt(s, a, b, "x-amz-") || ch.matchesLowerAt(s, a, b, "x-forwarded-");
  let dash = a;
  while (dash < b && byteAt(s, dash) !== 45) dash++;
  const head = sub(s, a, dash).toLowerCase();
  return b - a <= 32 && (dash < b ? HTTP_HEADS[head] === true : HTTP_WORDS[head] === true);
}
const HTTP_WORDS = ch.wordSet("accept authorization cookie referer pragma");
const HTTP_HEADS = ch.wordSet("content accept user cache if");

// Sections of other configuration files that share the INI header: Fluent Bit's classic config, systemd units
const CONFIG_SECTIONS =
  " input output filter parser multiline_parser upstream plugins unit install timer socket mount ";

// The keys that open an AWS CLI profile's section (~/.aws/config and credentials), packed " key " for one search
const PROFILE_KEYS =
  " aws_access_key_id aws_secret_access_key aws_session_token region output role_arn source_profile " +
  "credential_source credential_process mfa_serial sso_session sso_start_url sso_region sso_account_id sso_role_name " +
  "external_id duration_seconds role_session_name web_identity_token_file ca_bundle cli_pager " +
  "s3 endpoint_url services retry_mode max_attempts ";

/**
 * Whether s[a, b), an INI section's name, is a section of another configuration file ([OUTPUT], [Unit]), no profile.
 * A name of letters alone ([client], [mysqld], [pgbouncer], [connection]: my.cnf's, pgbouncer.ini's, any INI file's)
 * names a profile only when the section's first key is an AWS CLI profile's; one with a "-", "_" or digit
 * ([acme-prod], [ops_admin]) whatever follows. e: the end of the header's line.
 */
export function configSection(s: string, a: number, b: number, e: number): boolean {
  if (b - a <= 16 && CONFIG_SECTIONS.indexOf(" " + sub(s, a, b).toLowerCase() + " ") >= 0) return true;
  if (ch.runOf(s, a, b, C_LOWER | ch.C_UPPER) < b - a) return false;
  // the first key: after the header's line, blank lines and indentation
  const n = s.length;
  let k = e;
  while (
    k < n &&
    k - e < 64 &&
    (byteAt(s, k) === 10 || byteAt(s, k) === 13 || byteAt(s, k) === 32 || byteAt(s, k) === 9)
  )
    k++;
  let ke = k;
  while (ke < n && ke - k < 32 && isKeyUnit(byteAt(s, ke))) ke++;
  return ke === k || PROFILE_KEYS.indexOf(" " + sub(s, k, ke).toLowerCase() + " ") < 0;
}

/**
 * True when the 12 digits at s[i, j) count something rather than name an account: a Kinesis shard's number
 * (shardId-000000000014) or a size under its key (Size, ContentLength, BytesScanned, size_bytes, "Total Size:"). An
 * object's size in `aws s3 ls` (after the listing's time) stays masked: an application's log puts an account id after
 * its time alike. Asked of free-standing 12-digit numbers only (rare), so the loops do not matter to the JIT.
 */
export function countNotAccount(s: string, i: number): boolean {
  if (i >= 8 && byteAt(s, i - 1) === 45 && ch.matchesLowerAt(s, i - 8, i, "shardid-")) return true;
  // back over the separator (quotes, escaped too, blanks, ":", "=", "|") to the key's last letter
  let k = i;
  while (k > 0 && i - k < 12) {
    const c = byteAt(s, k - 1);
    if (c !== 34 && c !== 39 && c !== 92 && c !== 32 && c !== 9 && c !== 58 && c !== 61 && c !== 124) break;
    k--;
  }
  if (k === i || k < 5) return false;
  // (the key's last two letters first, with no loop: most keys before 12 digits name an account)
  const last = lowerCode(byteAt(s, k - 1));
  const c2 = lowerCode(byteAt(s, k - 2));
  const lit =
    last === 101 && c2 === 122
      ? "size"
      : last === 115 && c2 === 101
        ? "bytes"
        : last === 104 && c2 === 116
          ? "length"
          : last === 100 && c2 === 101
            ? "scanned"
            : "";
  return lit !== "" && k >= lit.length && ch.matchesLowerAt(s, k - lit.length, k, lit);
}

/**
 * Whether the prose noun s[a, b) names a resource where it stands: "rule" only after EventBridge, Events, WAF,
 * lifecycle or replication (lint and firewall rules are named in the same words), "machine" only after "state" (a Step
 * Functions state machine), "pair" only after "key" (an EC2 key pair), "base" only after "knowledge" (a Bedrock
 * knowledge base), "runner" only after "app" (an App Runner service; not a CI runner), "profile" only after "instance",
 * "inference", "from", "using" or "AWS", "system" only after "file", "point" only after "access", "plan" only after
 * "backup", "usage" or "testing", "source" only after "data", "model" only after "provisioned", "custom" or
 * "imported", "flow" only after "prompt" (Bedrock's), "template" only after "launch" or "with", "provider" only after
 * "capacity", "action" only after "scheduled", "account" only after "AWS", "for", "member" or "payer" (not "the
 * shared-services account", "the account sign-in page"); every other noun anywhere. Loop-free but for those nouns.
 */
export function qualifiedNoun(s: string, a: number, b: number): boolean {
  // (each noun's first unit and length compared before its letters: the compare is a loop, and this function runs from
  // interpreted code for every prose noun; LuaJIT blacklisted matchesLowerAt for the traces it started there)
  const len = b - a;
  const f = ch.lowerCode(byteAt(s, a));
  const rule = len === 4 && f === 114 && ch.matchesLowerAt(s, a, b, "rule");
  const pair = len === 4 && f === 112 && ch.matchesLowerAt(s, a, b, "pair");
  const base = len === 4 && f === 98 && ch.matchesLowerAt(s, a, b, "base");
  const plan = len === 4 && f === 112 && !pair && ch.matchesLowerAt(s, a, b, "plan");
  const flow = len === 4 && f === 102 && ch.matchesLowerAt(s, a, b, "flow");
  const machine = len === 7 && f === 109 && ch.matchesLowerAt(s, a, b, "machine");
  const runner = len === 6 && f === 114 && ch.matchesLowerAt(s, a, b, "runner");
  const profile = len === 7 && f === 112 && ch.matchesLowerAt(s, a, b, "profile");
  const system = len === 6 && f === 115 && ch.matchesLowerAt(s, a, b, "system");
  const source = len === 6 && f === 115 && !system && ch.matchesLowerAt(s, a, b, "source");
  const point = len === 5 && f === 112 && ch.matchesLowerAt(s, a, b, "point");
  const model = len === 5 && f === 109 && ch.matchesLowerAt(s, a, b, "model");
  const template = len === 8 && f === 116 && ch.matchesLowerAt(s, a, b, "template");
  const provider = len === 8 && f === 112 && ch.matchesLowerAt(s, a, b, "provider");
  const acl = len === 3 && f === 97 && ch.matchesLowerAt(s, a, b, "acl");
  const set = len === 3 && f === 115 && ch.matchesLowerAt(s, a, b, "set");
  const layer = len === 5 && f === 108 && ch.matchesLowerAt(s, a, b, "layer");
  const action = len === 6 && f === 97 && ch.matchesLowerAt(s, a, b, "action");
  const account = len === 7 && f === 97 && ch.matchesLowerAt(s, a, b, "account");
  if (
    !account &&
    !acl &&
    !set &&
    !layer &&
    !action &&
    !rule &&
    !machine &&
    !pair &&
    !base &&
    !runner &&
    !profile &&
    !system &&
    !point &&
    !plan &&
    !template &&
    !provider &&
    !source &&
    !model &&
    !flow
  )
    return true;
  if (a < 2 || byteAt(s, a - 1) !== 32) return false;
  let k = a - 1;
  while (k > 0 && a - 1 - k < 12 && (cls(byteAt(s, k - 1)) & (ch.C_LOWER | ch.C_UPPER)) !== 0) k--;
  const w = a - 1 - k;
  if (machine) return w === 5 && ch.matchesLowerAt(s, k, a - 1, "state");
  // a WAF web ACL, an Identity Center permission set, a Lambda layer (not software's or a model's: the anti-corruption
  // layer, Keras' layer dense-1)
  if (acl) return w === 3 && ch.matchesLowerAt(s, k, a - 1, "web");
  // (or a layer in Jira's monospace with its version, "the layer {{x-layer:14}}": Lambda's layer:version)
  if (layer)
    return (
      (w === 6 && ch.matchesLowerAt(s, k, a - 1, "lambda")) ||
      (b + 2 < s.length && byteAt(s, b) === 32 && byteAt(s, b + 1) === 123 && byteAt(s, b + 2) === 123)
    );
  if (set) return w === 10 && ch.matchesLowerAt(s, k, a - 1, "permission");
  if (pair) return w === 3 && ch.matchesLowerAt(s, k, a - 1, "key");
  if (base) return w === 9 && ch.matchesLowerAt(s, k, a - 1, "knowledge");
  if (runner) return w === 3 && ch.matchesLowerAt(s, k, a - 1, "app");
  // an EC2 launch template, an ECS capacity provider
  // (and Auto Scaling's "The specified launch template, with template name x, does not ...")
  if (template)
    return (w === 6 && ch.matchesLowerAt(s, k, a - 1, "launch")) || (w === 4 && ch.matchesLowerAt(s, k, a - 1, "with"));
  // an Auto Scaling scheduled action
  if (action) return w === 9 && ch.matchesLowerAt(s, k, a - 1, "scheduled");
  if (account)
    return (
      (w === 3 && (ch.matchesLowerAt(s, k, a - 1, "aws") || ch.matchesLowerAt(s, k, a - 1, "for"))) ||
      (w === 6 && ch.matchesLowerAt(s, k, a - 1, "member")) ||
      (w === 5 && ch.matchesLowerAt(s, k, a - 1, "payer"))
    );
  if (provider) return w === 8 && ch.matchesLowerAt(s, k, a - 1, "capacity");
  // an EFS or FSx file system, an S3 access point
  if (system) return w === 4 && ch.matchesLowerAt(s, k, a - 1, "file");
  if (point) return w === 6 && ch.matchesLowerAt(s, k, a - 1, "access");
  // an AWS Backup plan and restore testing plan, an API Gateway usage plan
  if (plan)
    return (
      (w === 6 && ch.matchesLowerAt(s, k, a - 1, "backup")) ||
      (w === 5 && ch.matchesLowerAt(s, k, a - 1, "usage")) ||
      (w === 7 && ch.matchesLowerAt(s, k, a - 1, "testing"))
    );
  // a Bedrock data source, provisioned, custom or imported model, prompt flow
  if (source) return w === 4 && ch.matchesLowerAt(s, k, a - 1, "data");
  if (model)
    return (
      (w === 11 && ch.matchesLowerAt(s, k, a - 1, "provisioned")) ||
      (w === 6 && ch.matchesLowerAt(s, k, a - 1, "custom")) ||
      (w === 8 && ch.matchesLowerAt(s, k, a - 1, "imported"))
    );
  if (flow) return w === 6 && ch.matchesLowerAt(s, k, a - 1, "prompt");
  // an instance profile, a CLI's profile ("from profile x", "using profile x", "AWS profile x"), a Bedrock inference
  // profile
  if (profile)
    return (
      (w === 9 && ch.matchesLowerAt(s, k, a - 1, "inference")) ||
      (w === 8 && ch.matchesLowerAt(s, k, a - 1, "instance")) ||
      (w === 4 && ch.matchesLowerAt(s, k, a - 1, "from")) ||
      (w === 5 && ch.matchesLowerAt(s, k, a - 1, "using")) ||
      (w === 3 && ch.matchesLowerAt(s, k, a - 1, "aws"))
    );
  return (
    (w === 11 && ch.matchesLowerAt(s, k, a - 1, "eventbridge")) ||
    (w === 6 && ch.matchesLowerAt(s, k, a - 1, "events")) ||
    (w === 3 && ch.matchesLowerAt(s, k, a - 1, "waf")) ||
    // an S3 bucket's lifecycle or replication rule
    (w === 9 && ch.matchesLowerAt(s, k, a - 1, "lifecycle")) ||
    (w === 11 && ch.matchesLowerAt(s, k, a - 1, "replication"))
  );
}

/**
 * The end of a Windows computer's NetBIOS name in capitals starting at i (at most 15 units of A-Z, 0-9 and "-", the
 * first a letter): its last part letters then one digit or a number opening with 0 (WEB03, DC2), four letters at least in
 * all; without a "-", four letters or more then two digits (BCVSQLPRD01, HVRPT02). A standard's, a type's or a version's
 * name is none (UTF-16, US-EAST-1, SHA256, FLOAT64, ROUTE53). -1 otherwise.
 */
export function netbiosNameEnd(s: string, i: number, n: number): number {
  let e = i;
  let letters = 0;
  let dashes = 0;
  let partLetters = 0;
  let partDigits = 0;
  while (e < n && e - i <= 15) {
    const c = byteAt(s, e);
    const f = cls(c);
    if ((f & ch.C_UPPER) !== 0) {
      if (partDigits > 0) return -1;
      letters++;
      partLetters++;
    } else if ((f & C_DIGIT) !== 0) {
      partDigits++;
    } else if (c === 45 && e > i && byteAt(s, e - 1) !== 45) {
      dashes++;
      partLetters = 0;
      partDigits = 0;
    } else break;
    e++;
  }
  if (e - i > 15 || e - i < 5 || byteAt(s, e - 1) === 45) return -1;
  // (the name ends there: not a longer token's, a DNS name's or a path's part)
  if (e < n) {
    const c = byteAt(s, e);
    if ((cls(c) & C_ALNUM) !== 0 || c === 95 || c === 47 || c === 92 || c === 64) return -1;
    if (c === 46 && e + 1 < n && (cls(byteAt(s, e + 1)) & C_ALNUM) !== 0) return -1;
  }
  if (partLetters < 2 || partDigits < 1 || partDigits > 3 || letters < 4) return -1;
  if (dashes === 0 && partDigits !== 2) return -1;
  // (a fleet numbers its hosts from 01 or 1: a type's, a cipher's or a version's number is none, FLOAT64, SHA256,
  // ROUTE53, DEBIAN12)
  if (partDigits > 1 && byteAt(s, e - partDigits) !== 48) return -1;
  return e;
}

/**
 * The end of a name CloudFormation generated for a resource its template left unnamed, the token starting at i:
 * <stack>-<logical id>-<random> ("LedgerStack-ProcessOrderFunction-a1B2c3D4e5F6", "sam-app-HelloWorldFunction-
 * 1QWERTY5ZXCV"): three or more segments of letters and digits joined by "-", one in PascalCase (an upper-case letter
 * after a lower-case one), the last a random string's: 8-16 units with a digit that change between letters and digits
 * twice or more, or 12-13 letters with two upper-case ones in a row or six changes of case (not a word in PascalCase:
 * "TaskScheduler", "ProcessOrder"). -1 for any other token, and for one that goes on in a "." "/" "_" "@" or ":" (a
 * host's, a path's, an ARN's part: their matchers read them).
 */
export function generatedNameEnd(s: string, i: number, n: number): number {
  // (an HTTP header's name, X-MediaPackage-CDNIdentifier: no stack is named "X")
  if ((byteAt(s, i) === 88 || byteAt(s, i) === 120) && i + 1 < n && byteAt(s, i + 1) === 45) return -1;
  let k = i;
  let segs = 1;
  let seg = i;
  let pascal = false;
  let prev = 0;
  while (k < n && k - i < 160) {
    const c = byteAt(s, k);
    const f = cls(c);
    if (c === 45) {
      if (k === seg) return -1;
      segs++;
      seg = k + 1;
      prev = 0;
    } else if ((f & C_ALNUM) !== 0) {
      if ((f & ch.C_UPPER) !== 0 && (prev & C_LOWER) !== 0) pascal = true;
      prev = f;
    } else break;
    k++;
  }
  const len = k - seg;
  if (segs < 3 || !pascal || len < 8 || len > 16 || k - i >= 160) return -1;
  if (k + 1 < n && (cls(byteAt(s, k + 1)) & C_ALNUM) !== 0) {
    const c = byteAt(s, k);
    if (c === 46 || c === 47 || c === 95 || c === 64 || c === 58) return -1;
  }
  let digits = 0;
  let changes = 0; // between letters and digits
  let cases = 0; // between upper and lower case
  let uppers = 0; // two upper-case letters in a row
  let last = 0;
  for (let q = seg; q < k; q++) {
    const f = cls(byteAt(s, q));
    const d = (f & C_DIGIT) !== 0 ? 1 : (f & C_LOWER) !== 0 ? 2 : 3;
    if (d === 1) digits++;
    if (last !== 0 && (d === 1) !== (last === 1)) changes++;
    if (last > 1 && d > 1 && d !== last) cases++;
    if (last === 3 && d === 3) uppers++;
    last = d;
  }
  if (digits > 0) return changes >= 2 ? k : -1;
  return (len === 12 || len === 13) && (uppers > 0 || cases >= 6) ? k : -1;
}

// The direction words of regions' names (us-east-2, ap-southeast-1, ca-central-1), packed " word " for one search.
const REGION_DIRECTIONS = " east west north south central northeast northwest southeast southwest ";

/**
 * The start of a region's name that ends at e (us-east-2, ap-southeast-1, us-gov-west-1), or -1. Loop-free but for the
 * direction word's walk (at most 9 units).
 */
function regionStart(s: string, e: number): number {
  if (e < 9 || (cls(byteAt(s, e - 1)) & C_DIGIT) === 0 || byteAt(s, e - 2) !== 45) return -1;
  let k = e - 2;
  while (k > 0 && e - 2 - k < 9 && (cls(byteAt(s, k - 1)) & C_LOWER) !== 0) k--;
  if (e - 2 - k < 4 || k < 4 || byteAt(s, k - 1) !== 45) return -1;
  if (REGION_DIRECTIONS.indexOf(" " + sub(s, k, e - 2) + " ") < 0) return -1;
  let a = k - 1; // the "-" before the direction
  if (a >= 7 && byteAt(s, a - 4) === 45 && ch.matchesLowerAt(s, a - 3, a, "gov")) a -= 4;
  else if (a >= 7 && byteAt(s, a - 4) === 45 && ch.matchesLowerAt(s, a - 3, a, "iso")) a -= 4;
  if (a < 2 || (cls(byteAt(s, a - 1)) & C_LOWER) === 0 || (cls(byteAt(s, a - 2)) & C_LOWER) === 0) return -1;
  return a - 2;
}

/**
 * Whether a region's name ends at e, standing after the text's start, a "-" or a unit that is no letter or digit: an
 * id may start after its "-" (Prowler's finding ids, ...-<account>-us-east-2-sg-0a4e7f21c98b3d605).
 */
export function regionEndsAt(s: string, e: number): boolean {
  const a = regionStart(s, e);
  return a === 0 || (a > 0 && (byteAt(s, a - 1) === 45 || (cls(byteAt(s, a - 1)) & C_ALNUM) === 0));
}

/** Whether s[a, b) is a region's name, whole. */
export function regionName(s: string, a: number, b: number): boolean {
  return regionStart(s, b) === a;
}

/**
 * The end of an opaque id of 8-32 letters and digits starting at a (Bedrock's QW7RT2ZP4K, 3fj9d2k1l0pq), which ends
 * its token (a sentence's "." or "," may follow): a digit and a letter in it, and two changes between letters and
 * digits or more (not "v2", "ipv6", "utf8mb4"). -1 when the token at a is none. Loop-free when a's unit is no letter
 * or digit.
 */
export function opaqueIdEnd(s: string, a: number, n: number): number {
  if (a >= n || (cls(byteAt(s, a)) & C_ALNUM) === 0) return -1;
  let k = a;
  let changes = 0;
  let last = 0;
  while (k < n && k - a <= 32) {
    const f = cls(byteAt(s, k));
    if ((f & C_ALNUM) === 0) break;
    const d = (f & C_DIGIT) !== 0 ? 1 : 2;
    if (last !== 0 && d !== last) changes++;
    last = d;
    k++;
  }
  // (two changes: a letter and a digit in it)
  if (k - a < 8 || k - a > 32 || changes < 2) return -1;
  if (k < n) {
    const c = byteAt(s, k);
    const next = k + 1 < n ? byteAt(s, k + 1) : 32;
    if (c === 45 || c === 95 || c === 47 || c === 58 || c === 64) return -1;
    if (c === 46 && (cls(next) & C_ALNUM) !== 0) return -1;
  }
  return k;
}

// The anchors of ELB ids (scanner.ts findLoadBalancerIds): app/<name>/<16 hex>, net/..., targetgroup/... in CloudWatch
// dimensions and ENI descriptions; <account>_elasticloadbalancing_<region>_app.<name>.<16 hex>_<end time>_... in the
// name of an access or connection log file (here, not there: scanner.ts's main chunk is at Lua's limit of 200 locals)
export const ELB_ANCHORS = ["app/", "net/", "gwy/", "targetgroup/", "_app.", "_net.", "_gwy."];

/** Offset in s[a, b) of its last ".", from a (-1: none); b - a at most 64 (the callers' bound). */
function lastDot(s: string, a: number, b: number): number {
  for (let k = b - 1; k >= a; k--) if (byteAt(s, k) === 46) return k - a;
  return -1;
}

// a batch job's name that is its shell, interpreter or a session's default (sacct's JobName, squeue's NAME)
const JOB_SHELLS = ch.wordSet(
  "bash sh zsh ksh csh tcsh fish dash python python2 python3 perl ruby node java rscript julia srun sbatch salloc " +
    "interactive interact batch extern wrap mpirun",
);
const SCRIPT_EXTENSIONS = ch.wordSet("sh bash py r pl rb js slurm sbatch job zsh");

/**
 * True when s[a, b) is a batch job's name that names no estate: a shell or interpreter (bash, python3, interactive)
 * or a bare script's file name (job.sh, train.py).
 */
export function jobShellName(s: string, a: number, b: number): boolean {
  if (b - a > 64) return false;
  const w = sub(s, a, b).toLowerCase();
  if (JOB_SHELLS[w] === true) return true;
  const dot = lastDot(s, a, b);
  return dot > 0 && w.indexOf("/") < 0 && SCRIPT_EXTENSIONS[sub(w, dot + 1, b - a)] === true;
}

/** True when blanks (or none) after j lead to a Makefile's "?=" or "+=" (IMAGE_REPO ?= x, IMAGE_REPO?=x). */
export function makeAssignmentAt(s: string, j: number, n: number): boolean {
  let k = j;
  while (k < n && k - j < 40 && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) k++;
  // (after a tab, a blank after it too: `KEY\t?=<pseudonym>` is read as a cell's token on a second pass)
  return (
    k + 2 < n &&
    (byteAt(s, k) === 63 || byteAt(s, k) === 43) &&
    byteAt(s, k + 1) === 61 &&
    byteAt(s, k + 2) !== 61 &&
    (byteAt(s, k - 1) !== 9 || byteAt(s, k + 2) === 32 || byteAt(s, k + 2) === 9)
  );
}

// Docker Hub's official images (and Amazon Linux's): a pull-through cache's or a mirror's, not the account's repositories
const OFFICIAL_IMAGES = ch.wordSet(
  "alpine ubuntu debian busybox nginx redis node python golang postgres mysql mariadb mongo amazonlinux httpd " +
    "memcached rabbitmq openjdk eclipse-temurin amazoncorretto ruby php traefik haproxy centos fedora registry " +
    "elasticsearch opensearch kibana logstash jenkins sonarqube vault consul hello-world wordpress tomcat maven gradle " +
    "rust perl bash docker caddy influxdb cassandra zookeeper nats telegraf erlang elixir composer nextcloud ghost " +
    "drupal solr neo4j couchdb percona adminer oraclelinux rockylinux almalinux archlinux gcc openresty",
);

/**
 * True when the repository s[a, e) after a registry's variable is a public image: one of Docker Hub's official images
 * (alpine, redis, amazonlinux) or under its library/ namespace.
 */
export function publicImage(s: string, a: number, e: number): boolean {
  if (matchesAt(s, a, e, "library/")) return true;
  return e - a <= 16 && OFFICIAL_IMAGES[sub(s, a, e)] === true;
}

/** The first `"variable"` of the last string terraformJsonVariable read (found once per string). */
const TF_JSON = { s: "", first: -1 };

/** True when a Terraform JSON `"variable"` object opens before at (cdk.tf.json, *.tf.json): its members are variables. */
export function terraformJsonVariable(s: string, at: number): boolean {
  if (TF_JSON.s !== s) {
    TF_JSON.s = s;
    TF_JSON.first = s.indexOf('"variable"');
    // (and terraform show -json's plan and state: configuration.root_module.variables.<name>.default)
    const plural = s.indexOf('"variables"');
    if (plural >= 0 && (TF_JSON.first < 0 || plural < TF_JSON.first)) TF_JSON.first = plural;
  }
  return TF_JSON.first >= 0 && TF_JSON.first < at;
}

// database products and engines: a <WORD>_DB key's value that names software, not the account's database
const DB_PRODUCTS = ch.wordSet(
  "pgvector chroma chromadb qdrant sqlite sqlite3 duckdb lancedb faiss milvus weaviate pinecone redis postgres " +
    "postgresql mysql mariadb mongodb mongo neo4j cassandra clickhouse elasticsearch timescaledb influxdb oracle " +
    "mssql sqlserver memory in-memory inmemory lmdb leveldb rocksdb couchdb surrealdb vespa marqo",
);

// a database file's extensions, as written (lower case): not a schema's or a table's name after a database's
// (NWP_ANALYTICS.PUBLIC, nwp_lake.orders)
const DB_FILE_EXTENSIONS = ch.wordSet("db sqlite sqlite3 duckdb db3 mdb accdb ldb fdb sql dump");

/** True when s[a, b), a <WORD>_DB key's value (VECTOR_DB, SQLITE_DB), names a product or a file (db.sqlite3, app.db). */
export function dbProductValue(s: string, a: number, b: number): boolean {
  if (b - a > 64) return false;
  const w = sub(s, a, b).toLowerCase();
  if (DB_PRODUCTS[w] === true) return true;
  const dot = lastDot(s, a, b);
  return dot > 0 && dot < b - a - 1 && w.indexOf("/") < 0 && DB_FILE_EXTENSIONS[sub(s, a + dot + 1, b)] === true;
}

/** A log stream's segment unit (letters, digits, ".", "_", "-"). */
function streamUnit(c: number): boolean {
  return c < 128 && ((ch.cls(c) & ch.C_ALNUM) !== 0 || c === 46 || c === 95 || c === 45);
}

/**
 * (fifty-first pass) Where the container's name starts in an ECS task's log stream `<prefix>/<container>/<task id>`
 * whose task id (32 hex) starts at i: the awslogs driver's streams, the prefix the team's own (awslogs-stream-prefix),
 * the stream standing as a token (a blank, a tab, a quote or its line's start before it; `aws logs tail` prints it
 * after its timestamp). Each segment read back at most 64 units; -1 when s holds no such stream.
 */
export function taskStreamContainer(s: string, i: number): number {
  if (i < 4 || byteAt(s, i - 1) !== 47) return -1;
  let m = i - 1;
  while (m > 0 && i - m < 65 && streamUnit(byteAt(s, m - 1))) m--;
  if (m === i - 1 || m < 2 || byteAt(s, m - 1) !== 47) return -1;
  let p = m - 1;
  while (p > 0 && m - p < 65 && streamUnit(byteAt(s, p - 1))) p--;
  if (p === m - 1) return -1;
  const c = p > 0 ? byteAt(s, p - 1) : 10;
  return c === 32 || c === 9 || c === 10 || c === 34 || c === 39 ? m : -1;
}

/**
 * (fifty-first pass) Where the key starts on an `aws s3 ls --recursive` line at ls (`<date> <time> <size> <key>`, the
 * size in bytes or, with --human-readable, `14.2 MiB`), or -1.
 */
export function s3ListingKey(s: string, ls: number, n: number): number {
  const shape = "dddd-dd-dd dd:dd:dd ";
  if (ls + shape.length + 3 > n) return -1;
  for (let k = 0; k < shape.length; k++) {
    const c = byteAt(s, ls + k);
    const want = byteAt(shape, k);
    if (want === 100 ? (ch.cls(c) & ch.C_DIGIT) === 0 : c !== want) return -1;
  }
  let k = ls + shape.length;
  while (k < n && k - ls < 48 && byteAt(s, k) === 32) k++;
  const d = k;
  while (k < n && k - d < 24 && ((ch.cls(byteAt(s, k)) & ch.C_DIGIT) !== 0 || byteAt(s, k) === 46)) k++;
  if (k === d || k >= n || byteAt(s, k) !== 32) return -1;
  // (a unit after the size: KiB, MiB, GiB, TiB; under 1 KiB, Bytes or Byte)
  if (k + 1 < n && (ch.cls(byteAt(s, k + 1)) & ch.C_UPPER) !== 0) {
    const u = k + 1 + ch.runOf(s, k + 1, k + 6 < n ? k + 6 : n, ch.C_LOWER | ch.C_UPPER);
    if (u < n && byteAt(s, u) === 32 && u - k <= 6 && (byteAt(s, u - 1) === 66 || ch.matchesAt(s, k + 1, u, "Byte")))
      k = u;
  }
  while (k < n && k - d < 48 && byteAt(s, k) === 32) k++;
  return k < n && byteAt(s, k) !== 10 && byteAt(s, k) !== 13 ? k : -1;
}

/**
 * The host column of the Kinesis Agent's log line whose logger's name stands at p (KINESIS_AGENT_LOGGER, after the
 * thread's closing parenthesis): the agent's log4j layout is `%d{yyyy-MM-dd HH:mm:ss.SSSZ} %X{hostname} (%t) %c [%p]
 * %m`, so the line opens with the date, the time with its milliseconds and zone, then the host and " (". Read from the
 * line's start, found at most 512 units back and never before floor (the previous logger's name: linear). Sets host.
 */
export function kinesisAgentHost(s: string, p: number, floor: number, host: Span): boolean {
  let l = p;
  while (l > floor && p - l < 512 && byteAt(s, l - 1) !== 10) l--;
  if (l > 0 && byteAt(s, l - 1) !== 10) return false;
  // yyyy-MM-dd HH:mm:ss.SSS then the zone, +0000 or -0700: 28 units and a blank
  if (
    p - l < 32 ||
    byteAt(s, l + 4) !== 45 ||
    byteAt(s, l + 7) !== 45 ||
    byteAt(s, l + 10) !== 32 ||
    byteAt(s, l + 13) !== 58 ||
    byteAt(s, l + 16) !== 58 ||
    byteAt(s, l + 19) !== 46 ||
    (byteAt(s, l + 23) !== 43 && byteAt(s, l + 23) !== 45) ||
    byteAt(s, l + 28) !== 32 ||
    (cls(byteAt(s, l)) & C_DIGIT) === 0 ||
    (cls(byteAt(s, l + 27)) & C_DIGIT) === 0
  )
    return false;
  const a = l + 29;
  let e = a;
  while (e < p && e - a < 64 && isNameUnit(byteAt(s, e))) e++;
  if (e === a || e + 1 >= p || byteAt(s, e) !== 32 || byteAt(s, e + 1) !== 40) return false;
  host.s = a;
  host.e = e;
  return true;
}
export const KINESIS_AGENT_LOGGER = ") com.amazon.kinesis.streaming.agent.";

/**
 * Whether s[a, b) is a numbered host's name as fleets number them: lower-case words joined by "-", the last 1-3
 * digits, with two dashes or more (bastion-obs-01, store-pos-gw-7) or a zero-padded number (web-01); not utf-8,
 * sha-256, iso-8859-1.
 */
export function numberedHost(s: string, a: number, b: number): boolean {
  let d = b;
  while (d > a && b - d < 4 && (cls(byteAt(s, d - 1)) & C_DIGIT) !== 0) d--;
  if (d === b || d - a < 3 || byteAt(s, d - 1) !== 45 || (cls(byteAt(s, d)) & C_DIGIT) === 0) return false;
  if (b - d === 2 && byteAt(s, d) === 48) return true;
  let dashes = 0;
  for (let k = a; k < d; k++) if (byteAt(s, k) === 45) dashes++;
  return dashes >= 2 && (cls(byteAt(s, a)) & C_LOWER) !== 0;
}
