// Generated adversarial inputs for the linear-time checks (spec/engine/linear-time.test.ts, bench/adversarial.ts):
// runs of every anchor and key word without separators, long tokens, many identifiers, deep escapes. Each is built by
// repeating a unit up to `size` bytes (ASCII only: Node and LuaJIT see the same units).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Input {
  name: string;
  /** "text": maskText; "json": maskJson with the generic policy. */
  mode: "text" | "json";
  text: string;
}

function repeat(unit: string, size: number): string {
  return unit.repeat(Math.max(1, Math.floor(size / unit.length)));
}

/** A text's UTF-8 bytes as latin1 units (inputs are written and measured as latin1). */
function utf8(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

function jsonString(content: string): string {
  return JSON.stringify({ content });
}

const ROOT = join(import.meta.dirname, "..");

/** The typical case: the realistic 8 KB request's text (prose, CLI output, ids) repeated to size, as one string. */
export function typicalInput(size: number): Input {
  const body = JSON.parse(readFileSync(join(ROOT, "bench/fixtures/request-8k.json"), "utf8")) as unknown;
  const texts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") texts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(body);
  return { name: "typical (request-8k text repeated)", mode: "text", text: repeat(texts.join("\n") + "\n", size) };
}

export function adversarialInputs(size: number): Input[] {
  const units: [string, string][] = [
    ["secret run", "secret"],
    ["SECRET run", "SECRET"],
    ["token run", "token"],
    ["password run", "password"],
    ["secret= run", "secret="],
    ["password: run", "password:"],
    ["token=$ run", "token=$"],
    ["Secret | run", "Secret |"],
    ["key: newline run", "password:\n "],
    ["alias/ run", "alias/"],
    ["alias/aws/ run", "alias/aws/"],
    [".amazonaws.com run", ".amazonaws.com"],
    ["x.amazonaws.com/ run", "x.s3.amazonaws.com/"],
    ["ecr host run", "123456789012.dkr.ecr.us-east-1.amazonaws.com/"],
    [".cloudfront.net run", "d111111abcdef8.cloudfront.net"],
    [".lambda-url. run", ".lambda-url."],
    ["/s3/buckets/ run", "/s3/buckets/"],
    ["arn:aws: run", "arn:aws:"],
    ["arn run", "arn:aws:iam::123456789012:role/x "],
    ["s3:// run", "s3://"],
    // (an S3 Inventory row's field separator: 199966f read up to 1,024 units after each for a "/")
    ['"," run', '","'],
    ["IQoJ run", "IQoJ"],
    ["IQoJ%2F run", "IQoJ%2F"],
    ["AROA:session run", "AROAJQABLZS4A3QDU576:"],
    ["i- run", "i-"],
    ["i-0a run", "i-0a"],
    ["--bucket run", "--bucket "],
    ["bucket= run", "bucket="],
    ["bucket: run", "bucket:"],
    ["ou- run", "ou-"],
    ["1:1: run", "1:"],
    ["1::1 run", "1::"],
    ["10. run", "10."],
    ["ip-10- run", "ip-10-"],
    ["digits", "1"],
    ["12-digit accounts", "123456789012 "],
    ["many learned names", ""],
    ["letters", "a"],
    ["A_ run", "AAAAAAAAAA_"],
    ["b64 token", "Ab3/"],
    ["b64 slash run", "a/"],
    ["dashes", "-"],
    ["underscores", "_"],
    ["dots", "a."],
    ["quotes", '"key": "'],
    ["escaped quotes", 'password: \\"x'],
    ["backslashes", "\\"],
    ["percent", "%2F"],
    ["zero-width", "i-0a1b2c3d\u00ad"],
    // the contexts added for issue 9
    ["://user:pass@ run", "a://u:p@"],
    [":// run", "://"],
    ["%3A run", "arn%3Aaws%3A"],
    ["$252F run", "$252F"],
    ["console path run", "console.aws.amazon.com/functions/"],
    ["[id= run", "[id="],
    ["\\n[ run", "\n["],
    ["app/ run", "app/"],
    ["Name( run", "fromBucketName(this, 'x', "],
    ["serviceaccount run", "system:serviceaccount:"],
    ["value: run", "- name: X_BUCKET\n  value: "],
    ["value: same line run", '{"name": "Bucket", "value": '],
    ["security-credentials/ run", "security-credentials/"],
    ["beanstalk run", "x.elasticbeanstalk.com"],
    ["SecretString run", "--query SecretString\n"],
    ["eksctl- run", "eksctl-"],
    ["tab cells", "aws\tname-1\t"],
    ["table cells", "| aws-x |\n"],
    ["csv rows", "aws,User name,Password\n"],
    ["s3 ls lines", "2023-01-05 07:29:58 b\n"],
    ["prose nouns", "cluster a-b-c "],
    ["chat handles", "\n10:02 a.b: "],
    ["hex tail", "a.b-0a1b2c3d4e5f60718 "],
    ["cognito", "us-east-1_"],
    ["paired", "value:"],
    ["Stack.Key =", "s.TableName = x\n"],
    ["kubectl rows", "\nNAME x\nabc-d "],
    ["csv quotes", 'aws,User name,"a,b'],
    // credentials after an anchor (HTTP authentication schemes, commands that take a password)
    ["Bearer run", "Bearer "],
    ["Bearer token run", "Bearer aB3"],
    ["mysql run", "mysql "],
    ["mysql -p run", "mysql -pX1 "],
    ["curl -u run", "curl -u a:b "],
    ["redis-cli -a run", "redis-cli -a "],
    // lists under a name key, signed-URL parameters, sign-in hosts
    ["name list run", 'aws "TableNames": ["t-1", '],
    ["one long name list", ""],
    ["yaml list run", "aws StreamNames:\n- s-1\n"],
    ["X-Amz-Signature= run", "&X-Amz-Signature="],
    ["awsapps.com run", "a.awsapps.com"],
    ["Cookie: run", "Cookie: "],
    ["Cookie pairs", "Cookie: a=Abcdefgh1; "],
    // base64 runs holding an anchor's form (decoded and scanned once each), private key headers without a footer
    ["base64 anchor run", "YW1hem9uYXdzLmNvbQ"],
    ["base64 anchors split", "YW1hem9uYXdzLmNvbQ== "],
    ["PRIVATE KEY headers", "-----BEGIN PRIVATE KEY-----\n"],
    ["PRIVATE KEY lines", "-----BEGIN PRIVATE KEY-----\nMIIEowIBAAKCAQEA1c7\n"],
    ["on resource: run", "on resource: "],
    ["ghp_ run", "ghp_"],
    ["sk_live_ tokens", "sk_live_a1b2c3d4e5f6g7h8i9 "],
    // escaped JSON keys, ids of no catalogue kind, URL-encoded base64, key files
    ['\\"bucket\\": run', 'aws {\\"bucket\\": \\"'],
    ["hex tail ids", "a-b-0a1b2c3d4e5f60718 "],
    ["%2B base64 run", "YXJuOmF3czo%2B"],
    [".pem run", ".pem"],
    ["ssh -i run", "ssh -i ~/.ssh/a-b.pem "],
    ["with name run", "aws with name a-1 "],
    [" not found run", "a-b not found"],
    ["quoted not found run", "aws 'a-b' does not exist 'x"],
    ["updated stack - run", "updated stack - a-b "],
    ["Stack Name [ run", "Stack Name [a-b]: c "],
    ["remoteRef: run", "remoteRef:\n"],
    ["name before noun run", "aws a-b-c cluster "],
    ["qualified noun run", "aws a-b-1 RDS x "],
    ["dotted bucket run", "aws a.b.c bucket "],
    ["getenv( run", 'getenv("X_BUCKET", "a-b") '],
    ["upload_file( run", "upload_file(a, b, "],
    ["credentials: nested run", "credentials:\n  a:"],
    ["annotation dotted key run", "aws x.io/a.name: b "],
    ["DynamoDB attribute run", 'aws "TableName": {"S": "a-b", '],
    ["DynamoDB set run", 'aws "Tables": {"SS": ["a-b", '],
    ["escaped-twice key run", 'aws \\\\\\"bucket\\\\\\":\\\\\\"a-b\\\\\\",'],
    ["unmatched escapes key run", 'aws \\\\\\"bucket\\\\\\\\\\"'],
    ["/aws/ log group run", " /aws/lambda/a-b"],
    ["/aws/ glued run", "/aws/x/"],
    ["base64 JSON run", "eyJ"],
    ["base64 JSON token run", "eyJidWNrZXQiOiAiYSJ9 "],
    ["shorthand pair run", "Name=DBInstanceIdentifier,Value=a-b,"],
    ["shorthand name run", " Name=tag:Name"],
    ["pair name run", '{"value": "a", "name": "b"}, '],
    ["pair value-before run", '{"value": "a", "name": "b", '],
    ["Default: YAML run", "    Default: a-b\n"],
    ["Default: one line run", "  Default: a Default: b "],
    ["Default JSON run", 'aws "DbName": {"Default": "a-b", '],
    ["marked name run", "aws a-b-prod "],
    ["code span noun run", "aws `a-b` Lambda "],
    ["comma list run", "aws buckets: a-b, "],
    ["column table run", "CLUSTER  NODEGROUP  ASG NAME\na-b  c-d  e-f\n"],
    ["column header run", "\nCLUSTER  NODEGROUP  "],
    ["Error: creating run", "Error: creating S3 Bucket (a-b"],
    ["Error: run", "Error: "],
    ["one long comma list", ""],
    ["noun code span run", "aws workgroup `a-b` "],
    ["marked name long run", "aws " + "ab-".repeat(30) + "prod "],
    ["argument list flag run", 'aws "--bucket", "a-b", '],
    ["YAML list flag run", "aws\n  - --bucket\n  - a-b\n"],
    ["YAML flag no item run", "--bucket\n"],
    ["Name line before Tags run", '    "Name": "a-b",\n    "Tags": [{"Key": "Name", "Value": "c-d"}]\n'],
    ["Key-Pair-Id run", "?Key-Pair-Id=K2JCJMDEHXQW5F&"],
    ["e- id run", "aws e-x7bq9kmp2f "],
    ["CodeArtifact path run", "https://d-123456789012.d.codeartifact.us-east-1.amazonaws.com/npm/a-b/ "],
    ["owned ARN run", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript "],
    ["region domain run", "aws domain: eu-west-1.compute.internal\n"],
    ["logs tail run", "aws logs tail /a/b-c "],
    ["registryId run", '"registryId": "123456789012", '],
    ["aligned key run", "aws\n  bucket    a-b\n"],
    ["aligned key mid-line run", "  bucket    a-b c "],
    ["config section run", "aws\n[OUTPUT]\n"],
    ["p- policy id run", "aws p-a1b2c3d4 "],
    ["ws- id run", "ws-f4h5j6k7l "],
    ["ps- id run", "ps-0a1b2c3d4e5f6a7b "],
    ["XML element run", "aws <keyName>a-b</keyName>"],
    ["XML unclosed element run", "aws <keyName>a-b "],
    ["XML tag pair run", "<key>Name</key>\\n  <value>a-b</value>"],
    ["XML value without key run", "<value>a-b</value>\n"],
    ["XML open tags run", "<a><b>"],
    ["XML close tags run", "</ab>"],
    ["XML mismatched element run", "<keyName>a-b</keyNamf>"],
    ["codecommit URL run", "codecommit::us-east-1://p@a-b "],
    ["CodeCommit endpoint run", "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/a-b "],
    ["AppSync key run", "da2-abcdefghijklmnopqrstuvwxyz "],
    ["accelerator DNS run", "a1234567890abcdef.awsglobalaccelerator.com "],
    ["cdk diff value run", " ├─ [-] a-b\n"],
    ["Direct Connect id run", "dxcon-fg5678gh "],
    ["learned DNS name in subdomains run", "--bucket api.a-b.io x.api.a-b.io "],
    ["ACM validation record run", "_4c.hk.acm-validations.aws. "],
    ["cdk diff property run", "] .BUCKET_NAME:\n  [-] a-b\n  [+] c-d\n"],
    // the twenty-fifth pass's id keys and ids
    ["id key run", 'aws "FooId": "a-1", '],
    ["id key without value run", "aws FooId: FooId: "],
    ["id list flag run", "aws --foo-ids a-1 b-2 c-3 "],
    ["id list run", 'aws "FooIds": ["a-1", "b-2"], '],
    ["fleet id run", "fleet-73fbd2ce-aa30-494c-8788-1cee4a3b2c1d "],
    ["Spot request run", "sir-3x2q7a1j "],
    ["conversion task run", "import-i-fh95npoc "],
    ["32-hex after task run", "task 9a1b2c3d4e5f60718293a4b5c6d7e8f9 "],
    ["many id values", ""],
    ["dashed account run", "account 1234-5678-9012 "],
    ["dashed digits run", "1234-5678-"],
    ["Vault role path run", "aws/creds/"],
    ["Vault lease run", "vault read aws/creds/a-b/0bce0782 "],
    // box-drawn table rows (UTF-8 bytes, as the gateway reads them), their frames, and a tree's open rows
    ["box row run", utf8("│ a-1 │ arn:aws:s3:::b │\n")],
    ["box frame run", utf8("├─────┼─────┤\n")],
    ["box open row run", utf8("│ a-1 │ b-2 ")],
    [".pgpass line run", "h.x:5432:db:u:pw-1\n"],
    [".pgpass anchor run", ":*:"],
    [".netrc entry run", "machine h.x login u password p-1 "],
    [".netrc keyword run", "machine h.x login login login "],
    ["aws-nuke line run", "us-east-1 - IAMRole - r-1 - would remove\n"],
    ["dash run", "us-east-1 - filtered - "],
    ["cdk arguments run", "cdk deploy a-1 b-2 --c d "],
    ["Name tag group run", "tag_Name_a_1 "],
    ["double dash run", "--i-0a1b2c3d4e5f67890 |--ip-10-0-0-1.ec2.internal "],
    ["account name run", 'aws "accountName": "Ledger Finance Prod", '],
    ["account name key run", "accountName:accountName:"],
    ["spaced name run", 'aws "Name": "a b c d e f g h i", '],
    ["sso prompt run", "SSO session name [a-1 [b-2 [c-3 "],
    ["container credentials run", "/v2/credentials/4f1c2a0e-8b3d-4e5f-9a6b-7c8d9e0f1a2b "],
    ["bare assumed role run", "assumed-role/R-1/s-1 "],
    ["console session run", "Admin/a.b @ "],
    ["PostgreSQL prefix run", "t:app_1@db_1:[12]:"],
    ["ECS stream run", "ecs/a-1/6a2f3e4d5c6b7a8998a7b6c5d4e3f2a1 "],
    ["ECS group run", " /ecs/a-1"],
    ["ecs/ run", "ecs/"],
    ["Pulumi URN run", "urn:pulumi:prod::p-1::aws:s3/bucket:Bucket::b-1 "],
    ["Pulumi URN head run", "urn:pulumi:"],
    ["Pulumi URN parts run", "urn:pulumi:a::b::c::d::e::f::"],
    ["PostgreSQL prefix name run", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb:["],
    ["Redshift activity run", "[ db=d_1 user=u_1 pid=1 ]"],
    ["Redshift db run", "[ db=[ db=[ db="],
    ["Redshift connection run", "authenticated |t |h |1 |2|db |u |password |0|\n"],
    ["Redshift pipe run", "authenticated |||||||||||||||||||||||||||||||||||||||||||| session |"],
    ["MySQL audit run", "1709287200000000,h-1,u_1,10.0.0.1,26,0,CONNECT,db_1,,0\n"],
    ["MySQL audit comma run", "1709287200000000,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,QUERY,CONNECT,"],
    ["MySQL audit digits run", "12345678901234567890123456789012345678901234567890QUERY,"],
    ["gzip data run", "H4sIAAAAAAAAAHWPwQqCMBYGX0Xs7E6lYQ8EMS9g "],
    ["gzip head run", "H4sI"],
    ["Python bytes run", "'password': b'x-1', "],
    ["CodeDeploy path run", "/opt/codedeploy-agent/deployment-root/7b9b5d2a-3c1e-4f6a-9d8e-2b1c0a9f8e7d/d-7XK2QH9LB/ "],
    ["CodeDeploy id run", "[d-7XK2QH9LB] "],
    ["query projection run", '$ aws x --query \'A[].FunctionName\'\n["a-1", "b-2", "c-3"]\n'],
    ["query projection head run", 'aws --query A.Name\n["a-1", "b-2"'],
    ["query line run", "aws x --query A.FunctionName "],
    ["query other key line run", "aws --query A.B "],
    ["audit operation line run", "QUERY,"],
    ["query yaml run", "aws --query A[].Name --output yaml\n- a-1\n- b-2\n"],
    ["configure list-profiles run", "aws configure list-profiles\na-1\nb-2\n"],
    ["configure list run", "aws configure list\n   profile a-1 manual\n"],
    ["OpenTelemetry Str run", "     -> aws.ecs.task.family: Str(a-1)\n"],
    ["OTLP attribute run", '{"key":"faas.name","value":{"stringValue":"a-1"}},'],
    ["MySQL slow log run", "# User@Host: u_1[u_1] @  [10.0.0.1]  Id: 2\nuse d_1;\n"],
    ["MySQL User@Host run", "# User@Host: # User@Host: [[[["],
    ["MySQL Connect run", "1 Connect\tu_1@h on d_1 using TCP/IP\n"],
    ["login error run", "Access denied for user 'u_1'@'h' "],
    ["for user run", "for user 'for user 'for user '"],
    ["MAC run", "0a:8c:44:1e:7b:f3 "],
    ["MAC colon run", "0a:0a:0a:0a:0a:0a:0a:0a:0a:0a:0a:0a:0a:"],
    ["MAC dash run", "0A-8C-44-1E-7B-F3 "],
    ["hex pair dash run", "0a-0a-0a-0a-0a-0a-0a-0a-0a-0a-0a-0a-0a-"],
    ["time run", "10:30:45.120 "],
    ["hex word colon run", "ab:cd:ef:12 "],
    ["IPv6 run", "2600:1f18:4a3:6902::1e "],
    ["container key run", '"container": "a-1", '],
    ["nodepool label run", "karpenter.sh/nodepool=a-1\n"],
    ["metric row run", '"metrics": [["AWS/RDS","CPUUtilization","DBInstanceIdentifier","db-1"],'],
    ["metric items run", '["AWS/SQS","M","QueueName","q-1","QueueName","q-2",'],
    ["metric ditto run", '[".",".",".","."],["...","q-1"],'],
    ["search OR list run", 'DBInstanceIdentifier=("a-1" OR "b-2" OR "c-3") '],
    ["query not-equal run", "WHERE FunctionName != 'a-1' "],
    ["id key list run", '"CacheClusterId":["a-1","b-2"],'],
    ["JSON path key run", "json_extract_scalar(p, '$.bucketName') = 'a-1' "],
    ["subscript key run", "requestParameters['bucketName'] = 'a-1' "],
    ["escaped list run", '{\\"name\\":[\\"a-1\\",\\"b-2\\"]}'],
    ["path dots run", "'$.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.bucketName' "],
    ["advisor metadata run", '"metadata": ["us-east-1", "a-1", "tcp", "b_2", "22"],'],
    ["ECS container name run", "ecs-a-1-b-cca48e8dcadd97805600 "],
    ["ecs- dash run", "ecs-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-"],
    ["noun is name run", "the cluster is a-b-c1 "],
    ["noun named run", "canary named "],
    ["noun is phrase run", "the proxy is up-to-date "],
    ["secret path run", "the secret a/b/c "],
    ["secret slash run", "secret /////////////////////////////// "],
    ["build id run", "a-b:1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"],
    ["build id colon run", "a-b:1f2e3d4c-:"],
    ["bucket CSV line run", "a-b,c/d\n"],
    [
      "bucket CSV long line run",
      "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefgh,c" + "/x".repeat(600) + "\n",
    ],
    ["Service Catalog id run", "pp-abcd4y2gm4bsw prod-abcdzk7xy33qa "],
    ["EC2AMAZ name run", "EC2AMAZ-4R1T5VK sgw-12A3456B "],
    ["upper cell run", "\tWIN-ORDERSDB01\tA-1"],
    ["tag group run", '"Project$a-b",'],
    ["dollar run", "a$a$a$a$a$a$a$a$"],
    ["templated ARN run", "arn:aws:iam::${AWS::AccountId}:role/a-b "],
    ["open placeholder run", "arn:aws:iam::${AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "],
    ["inventory data run", "/a-b/data/c9923756-548c-407c-b140-7b474017ab43.csv "],
    ["qualified function run", "--function-name a-b:live "],
    ["data catalog run", '"awsdatacatalog"."a_b"."c_d" '],
    ["athena FROM run", "athena FROM a_b.c_d JOIN "],
    ["external table run", "EXTERNAL TABLE IF NOT EXISTS "],
    ["ECR Public run", "public.ecr.aws/a1b2c3d4/x-y "],
    ["chmod key run", "chmod 400 a-b.pem "],
    ["log field account run", "123456789012:/aws/lambda/a-b "],
    ["pre-shared key run", "pre-shared-key address 203.0.113.5 "],
    ["pre-shared key value run", "Pre-Shared Key : Ab1.Cd2 : PSK psksecret "],
    ["SecureString type run", '"Type": "SecureString", '],
    ["SecureString value run", "SecureString Value: x "],
    ["access key secret run", "AKIAQ3EGUL7HWRNK2PTA:Xq7Lm2Pz9Rt4Vw8Ny3Kb6Jh1 "],
    ["mounted bucket run", "s3fs a-b mount-s3 "],
    ["mount options run", "mount-s3 --cache /tmp/c "],
    ["password cell run", "\ta1&b2c3d"],
    ["event data store run", "FROM 4f2a9c71-d3e8-4b50-9a62-c7e1d0b3f845 "],
    ["stream key run", "sk_us-west-2_ab sk_"],
    ["IVS playback run", "us-west-2.123456789012.channel.abcd1234EFGH.m3u8 "],
    ["xml element run", "<pre_shared_key>a</pre_shared_key></a_b-c>"],
    ["console deep link run", "console.aws.amazon.com/s3/object/a-b#/redis/c-d/nodegroups/e*2flambda*2ff "],
    ["session id of an e-mail user run", "a@b.c-0a1b2c3d4e5f67890@"],
    ["ECS metadata run", "169.254.170.2/v4/5f6e7d8c9b0a4f1e2d3c4b5a69788796-1 169.254.170.2/"],
    ["certificate file run", "4f1e2d3c4b4f1e2d3c4b4f1e2d3c4b-certificate.pem.crt "],
    ["hex list run", '"DetectorIds": ["12abc34d567e8fa901bc2d34e0a1b2c3", "9f8e7d6c5b4a39281706f5e4d3c2b1a0",\n'],
    ["namespaced repo run", "the repo ab/cde-f1 in us-east-1 and the table a_b.c "],
    [
      "console page run",
      "console.aws.amazon.com/parameters/%252Fa%252Fb/build/c-d%3A/streams/details/e-f/tables/view/",
    ],
    ["linked account name run", '"Attributes": {"description": "Acme Payments Prod"}, "Attributes": {'],
    ["import value run", "!ImportValue a-b-VpcId Fn::ImportValue: !ImportValue "],
    // thirty-third pass: a password learned and looked for everywhere, aligned keys, SQL and client passwords, users
    ["learned password run", "password: Wms#Consumer2024! echo Wms#Consumer2024! "],
    ["aligned passwd run", "\n    HTTP_Passwd     Flu3ntB1tPa55 HTTP_Passwd  "],
    ["sql password run", " password 'abcD1234' CREATE USER bi_x PASSWORD 'y' IDENTIFIED BY 'z' create user "],
    ["xml property run", '<property name="password" value="Fu1filment-Pr0d!"/><property name="'],
    ["client user run", "mysql -u app_a -pX1 psql -U b_b mosquitto_pub -u c-c -P d curl -u e:f "],
    ["console event page run", "#/eventbus/default/rules/a-b#schedules/c/d/run-command/#/details/e/amplify/apps/f/"],
    ["firehose object run", "s-1-2024-06-11-09-00-12-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/-2024-06-11-09-00-12-"],
    ["home directory run", '"HomeDirectory": "/a-b/c", {"Entry": "/", "Target": "/d-e/f"} Target: /'],
    ["elb log file run", "123456789012_elasticloadbalancing_us-east-2_app.a-b.7f3a9c2e1b4d6e80_x_app."],
    ["trace id run", "Root=1-67891233-abcdef012345678912345678;TID_3d4f8a1b2c3e4f5a6b7c8d9e0f1a2b3c 1-"],
    ["command id run", "command 5d2e8f1a-7c3b-4a9e-b1d6-0f4e2c8a9b73 aws.ssm.6d2e8f1a-7c3b-4a9e-b1d6-0f4e2c8a9b73."],
    ["log stream run", "2024/06/11/[$LATEST]8f3c2a1e9b7d4c6a8e5f1b2d3c4a5e6f [1]]]"],
    ["prose noun run", "rule a-b-c on bus d-e-f schedule g-h-i broker j-k-l bus "],
    [
      "glue run id run",
      "jr_7a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9 wr_ job 8c2d7e1f-3a4b-4c5d-8e6f-7a8b9c0d1e2f ",
    ],
    [
      "ipam id run",
      "ipam-ext-res-ver-token-0a1b2c3d4e5f60718 ipam-pool-alloc-018ecc28043b54ba38e2cd99943cebfbd a-b-c-d-e-f-",
    ],
    [
      "lightsail and copilot run",
      "a.b.us-west-2.cs.amazonlightsail.com/ls-0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e copilot/c/",
    ],
    ["alarm subject run", 'ALARM: "a-b" in US East (N. Virginia) OK: "c d" in EU ( INSUFFICIENT_DATA: "'],
    ["alarm cell run", "CloudWatch Alarm | a-b-c | us-east-1 | entity d-e-f budget g-h-i Alarm | "],
    ["two-word key run", "API key: a1b2c3 integration key: d4 routing key: the key: Key: "],
    ["ops id run", "EXT6J2TYrMSoJSn8X EXPq7Vb2Lk9Zp4Rt8x oi-7f20d83b91ae glsa_ab_c EXTERNAL "],
    [
      "appconfig location run",
      'ssm-parameter://a/b ssm-document://c secretsmanager://"codepipeline://d,ssm-parameter://',
    ],
    [
      "console service page run",
      "console.aws.amazon.com/:alarm/a-b/jobs/view/c#/pipes/d/web-acl/e/0f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b" +
        "log-groups/log-group/$252Fe$252F$252Faws$252F CloudWatch Logs /f/g/ ",
    ],
    ["instance type cell run", "\tm6i.large\tdb.r6g.2xlarge\tr6g.large.search\tu-6tb1.metal\tx86_64\tL-1216C47A"],
    ["flow list run", "TableName: [a-b, c-d, e-f, 1, "],
    ["open flow list run", "\nDBInstanceIdentifier: [a-b-c"],
    ["hash arrow run", "'TableName' => 'a-b', :stream_name => \"c\" queue => d => "],
    ["counted number run", '"Size": 348913500123, shardId-000000000014 ContentLength | 104857600000 '],
    ["dashed code run", "7f2c9-1e8d4-b03a6-5c71e-9d42b 7f2c9-1e8d4-b03a6-5c71e-9d42b-a1b2c-"],
    ["agent register run", 'amazon-ssm-agent -register -code "Q7ts0uJmTbXkGnq9Lw2E" -register -code '],
    ["credential projection run", 'aws x --query A.ClientSecret\n"s3cr3t"\n--query B.Password --output text\n'],
    ["namespaced key run", '"cognito:username": "a-b", "custom:bucket": "c", "abcdefghijklmnopqrs:sub": "'],
    ["service word run", "the ab-cd SQS queue the ef-gh ECS ECS the ij-kl Kinesis "],
    ["yaml title run", "aws\n- name: Configure AWS credentials now\n  - - name: a b\n"],
    ["zone id run", "zone-id=use1-az4 kube-system className: alb Stream a-ed under account x "],
    ["reserved name run", '"RoleName": "AWSServiceRoleForECS", AWS-RunShellScript role/EMR_DefaultRole AWS-X '],
    // (thirty-sixth pass: the nouns that need their service's word, the spaced quotes of Lambda's conflict message)
    [
      "qualified noun run",
      "aws EventBridge rule a-b-c state machine d-e-1 the rule x-y-z machine q-r-2 EventBus s-t-3 ",
    ],
    [
      "generated name run",
      "LedgerStack-OrdersTable-1QWERTY5ZXCV aB-cD-eF-gH-iJ-kL-mN-oP-qR-sT-uV-wX-yZ- sam-app-HelloWorld-",
    ],
    [
      "store name run",
      "aws Secrets Manager under a/b-1 Parameter Store at Secrets Manager as x-y-z-w-v Parameter Store ",
    ],
    ["region dash run", "x-123456789012-us-east-2-sg-0a4e7f21c98b3d605-us-gov-west-1-i-0abc-eu-north-1- "],
    ["dotted key run", '"s3.bucket.name": "a-b", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.name" "aws:a:b:c:d:groupName": '],
    ["fifo run", "orders-intake.fifo a.fifo.fifo -x.fifo key pair a-b-1 WAF rule c-d job e-f firewall g-h-2 "],
    [
      "on.aws host run",
      "a-b.aoss.eu-west-1.on.aws.x.dsql.us-east-1.on.aws-.on.aws a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.on.aws ",
    ],
    [
      "opaque id run",
      "aws agent QW7RT2ZP4K knowledge base 7DFG2HJ9KL job a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8 index a1 ",
    ],
    ["snake key line run", "aws\n  s3_bucket a-b\n  log_group_name /x/y\n s_name v w\n_name \n  Name  tail\n"],
    ["spaced quote run", 'aws function (" a-b ") function (" function (" ab" ) KINESIS_STREAM=c-d rule: x '],
    // (thirty-seventh pass: remote paths, one long line of commands; imports; connection ids; CloudFront rows; forms)
    ["remote path run", '"mc "rclone a:bkt/x "mc al/bkt2/y remote = r:b-c/ `rclone `mc x/yy '],
    ["config import run", "aws-secretsmanager:a/b;c-d;aws-parameterstore:/p/q/;optional:aws-secretsmanager:x;"],
    ["connection id run", '@connections/Lq2xYcKpIAMCJzg%3D connectionId":"abc connections\\/AAAAAAAAA= '],
    ["cloudfront row run", "E2QWRT7ZX9KLMB d1a2b3c4d5e6f7.cloudfront.net EAAAAAAAAAAAAA1 x.cloudfront.net\t"],
    ["form pair run", '--form "key=DB_PASSWORD" --form "value=x1" --name /a/password --value "y" "value="value='],
    ["semicolon csv run", "ACCOUNT_NAME;NAME;STATUS\na-b;c-d;OK\n;;\nx;y;z;w\n"],
    ["psql prompt run", "redshift\nfinchdw=> a=> =# dw_1=# x\n"],
    ["sql target run", "redshift COPY a.b FROM x INSERT INTO c.d EXTERNAL SCHEMA e copy insert into "],
    ["region noun run", "group eu-west-1 cluster us-gov-west-1 group ab-cdef-1 "],
    // (thirty-eighth pass: CDK progress lines, EC2's parameter errors, decoded conditions, placeholders, ip- labels)
    ["cdk progress run", "aws\nAbc-d: start: Building x\nAbc: success: : deploying... a: start: Buil"],
    ["parameter value run", "aws Value (a-b) for parameter x.name Value () for parameter ) for parameter Value (x"],
    [
      "decoded condition run",
      '{"key":"aws:username","values":{"items":[{"value":"a.b"}]}} Tag/Name" "value" aws:username"',
    ],
    ["ssm source run", "-c ssm:a-b -c ssm: -c ssm:/x/y -c ssm:"],
    ["placeholder run", '"name": "a-b-{x}" name: c-d-{{y}} "e-{" f-{1} g-h:{{ '],
    ["ip label run", "a-ip-10-1-2-3 b_ip-10-1-2-3-4 ip-ip-ip- -ip-1-2-3-4x "],
    ["named pascal run", "aws stack named AbcDef-1 function called Xyz named A named "],
    [
      "wildcard arn run",
      "arn:aws:iam::*:role/a-* arn:aws:sqs:*:123456789012:q arn:*:*:*:*:* arn:aws:s3:::b/AWSLogs/o-x/ ",
    ],
    ["policy subject run", '"repo:a/b:ref" "repo:/ "repo:x/ @tcp:/fsx1 @tcp:/ account 123456789012: '],
    ["device token run", "vol0123456789abcdef0 FsxId0123456789abcdef0 amznfsxabcdefgh vol0 FsxId nvme1n1 "],
    [
      "secret output run",
      "x=$(aws --query SecretString)\n+ y\n--query Parameter.Value `\n# z\nget-login-password\nexport ",
    ],
    [
      "paired value run",
      '"ParameterValue": "a-b", "ActualValue": "c" "StringValue": "d", "x": {"Value": "e"} "ExpectedValue": ',
    ],
    ["instance name run", "a-b (i-0123456789abcdef0) i-0123456789abcdef0 (c-d, i-0 (i-0123456789abcdef0 x"],
    ["terraform id run", "[id=a:b:c-d:i-0123456789abcdef0:e] [id=arn:aws:x] [id=::] [id=a-b] [id= "],
    ["markdown table run", "| A | B |\n|---|---|\n| **a-b** | `c-d` |\n| 4.x | Owner |\n|:--|\n"],
    ["database client run", "6379> AUTH a b\n1> AUTH\ncqlsh -p 'x' -u y rds_set_external_source('a', 1, 'b', 'c' "],
    ["tag group run", 'Name$a b Name$ Name$x-y" AWSReservedSSO_A_0123456789abcdef AWSReservedSSO_ AQEB AQEBx= '],
    ["one long tags table", ""],
    ["camel name run", "function a-b-cD function a-b-C-d-E-f-G function a-b- function API-Gateway-Execution-Logs_ x:1"],
    ["cur tags run", 'resource_tags,x,y\n"{""user_name"":""a-b"",""k"":""v""}",1,2\n"""""""",'],
    // (fifty-second pass: labels, errors, chat lines and names of other languages' prose)
    [
      "localized password run",
      utf8(
        "Passwort Kennwort: mot de passe\u00a0: Contrase\u00f1a: `x senha do certificado da: \ube44\ubc00\ubc88\ud638\uff1a \u30d1\u30b9\u30ef\u30fc\u30c9 API-Schl\u00fcssel: {{a ",
      ),
    ],
    ["full-width separator run", utf8("REDIS_AUTH\uff1dx a_password\uff1a \uff1d\uff1a token\uff1d")],
    [
      "localized user run",
      utf8('Benutzer \u00bba utilisateur \u00ab b usu\u00e1rio " \uc0ac\uc6a9\uc790 "c \u30e6\u30fc\u30b6\u30fc"'),
    ],
    [
      "secret store run",
      utf8(
        "Secrets Manager unter Secrets Manager, secreto `a/b Parameter Store \uff08x/ \ud30c\ub77c\ubbf8\ud130 \uc2a4\ud1a0\uc5b4 /a/b",
      ),
    ],
    ["chat line run", "Ab Cd  07:58\n04/06/2024 22:32 - Ab Cd\n[09:12] Ab, Cd x\nEf Gh  2024/06/05 10:41\n"],
    [
      "person label run",
      utf8(
        "Bearbeiter: Autor:  R\u00e9daction\u00a0: \u62c5\u5f53\u8005  \u5831\u544a\u8005 | Relecture : Ab Cd, Ef Gh, ",
      ),
    ],
    ["cjk glued name run", utf8("\u78ba\u8a8d\u3001a-prod-b-prod\u30d0\u30b1\u30c3\u30c8 x-prod-Bucket c-prod\u3002")],
    // (fortieth pass: a family's prefix all over the text, password hashes, Redis ACLs, database errors, internal hosts)
    ["family prefix run", "the lambda wren-a-b and the queue wren-c-d wren-x wren_y wren.z Wrenq wrenfield "],
    ["password hash run", "$6$a$b $9$ md5 md5d41d8cd98f00b204e9800998ecf8427e SCRAM-SHA-256$ $1$x$ $y$$ "],
    ["redis acl run", '\nuser a on >b ~* "user c on #d\nuser e off ACL SETUSER f on >g ACL SETUSER '],
    ["database error run", 'database "a" role "b" user "c", database \'d\' for user "e" database "'],
    ["internal host run", "a.b.local c.corp.local x.internal. .local .corp y-z.corp ip-1.ec2.internal "],
    ["device key run", " password 0 a key 7 0822 snmp-server community c isakmp key d address "],
    // (forty-first pass: domains and addresses, dots all over the text, Windows accounts, distinguished names)
    ["domain run", "a.b.co.uk x@y.com %2F%2Fa.io _x._domainkey.z.com t.atlassian.net .com a.co. m@n.fm git@h.io "],
    ["dotted run", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.co"],
    ["tsv header run", "aws Account\tRegion\tOwner\nType:\tIncident\tPriority:\tHigh\nA\tB\tC\tD\n+14155550198\t"],
    [
      "ansible and packer run",
      "ok: [a-b] changed: [c -> d] x-y : ok=1 ==> amazon-ebs.e-f: Build 'amazon-ebs.g' : [ : ok=",
    ],
    ["terraform cloud run", "Terraform Cloud/a-b/c-d terraform.io/app/e/workspaces/f/runs/run-g terraform.io/app/h/ "],
    ["dashed table run", "Name GroupName Password\n---- --------- --------\na-b c-d e1\nf g h\n--- "],
    [
      "one-time secret run",
      "temporary password is x. verification code is 804417 confirmation code is temporary password is ",
    ],
    ["windows account run", 'CORP\\a "X\\\\b" NT\\c DC=a,DC=b,DC=c,OU=x,dc=d,DC= \\\\ '],
    // (forty-second pass: tag pairs, terminal sessions, pipeline tools, JWTs, server secrets)
    ["tag pair run", 'key=a value=b Key="c";Value="d" key  = "e"\nvalue = "f" TAGS\tTeam\tx-y\nOwner: a b c\n'],
    ["prompt run", "a@b:~$ [c@d e]# f@g h % x@y.internal:/z u@v:"],
    ["login anchor run", "Accepted publickey for a from session opened for user b( of user c. 1 - d [2 e : TTY="],
    ["hosts line run", "10.0.0.1 a b c d\n10.0.0.2 e-f # g\n1.2.3.4 "],
    ["ssh host run", "Host a b\n  HostName c\nHost \nPermanently added 'd' "],
    ["kafka list run", 'kafka-topics --list\na.b\nc_d\n --list topic "e" with Topic f not present in metadata '],
    ["systemd unit run", "systemctl restart a-b journalctl -u c.service systemctl status "],
    ["jwt run", "eyJa.eyJb.c eyJhbGciOiJ.eyJzdWIiOi.sig eyJ.eyJ. "],
    ["directory part run", "CN=a b,OU=c,DC=d,DC=e S-1-5-21-1-2-3-4 cn=x, S-1-5-21- a.b.svc c.svc.cluster.local "],
    ["config secret run", 'insecure-password a requirepass b "--requirepass", "c SetEnv D_PASSWORD e SetEnv '],
    [
      "system file run",
      "a:x:1000:1000:B C:/home/a:/bin/sh\nd pts/0 e\n%f ALL=(ALL) \n  server g 1.2.3.4:80 Server h/i is :x:",
    ],
    ["api log run", "E1K7QZ4W2XDPA3.2024-03-03-09.9f2c1a7b.gz Starting authorizer: a for request usage plan b .gz "],
    ["cookie object run", '{"name": "a", "value": "b", "path": "/", "domain": "c", "httpOnly": true} "Team$x y" "$ '],
    ["spark table run", "The table or view `a`.`b`.`c` cannot be found. The table or view `"],
    // (forty-third pass: databases, sockets, home directories, certificates, tool output)
    ["psql table run", " usename | datname\n---------+--------\n a_b | c_d\n e-f |\n-+-\n|-+-|-+- "],
    [
      "consumer group table run",
      "GROUP  CONSUMER-ID  CLIENT-ID\na-b c(0) d\nhealth status index uuid\ng o e-1 u\nalias index\nx-y z\n",
    ],
    ["tag policy run", '"tag_value": { "@@assign": [ "CC-1", "a-b", \\"c_d\\", "x" ] } "tag_value": [ "'],
    ["socket run", ' LISTEN 12/a-b ESTABLISHED 3/c users:(("d-e",pid=1 COMMAND PID USER\nf 1 g-h x\n'],
    ["home path run", "/home/a.b/ /Users/c1/ C:\\Users\\d\\ x/home/e /home/ /Users/"],
    [
      "tool label run",
      "Host Name . . . : a-b HOST: c  Loss% a[1]: ESTABLISHED b{2}:  INSTALLED ecs-svc/1234567890123 ",
    ],
    ["tool list run", "eb list\n  a-b\n* c-d\ncopilot svc -a e -n f --app g --name h -a \nconn i\nset j {"],
    ["database name run", '"ns":"a_b.c_d" "$db":"e_f" db: \'g_h\' Replicate_Do_DB: i_j,k_l,m_n, _DB: '],
    ["certificate run", "subject=C = GB, O = A B, OU = C D, CN = x issuer: O=E;OU=F; s:O = G/ O = "],
    ["one long psql table", ""],
    ["object key run", 's3://a-b/c-d/e_f.g/h-i.j "key": "k-l/m_n" "path":"/o-p/q" file /r-s/t "u-v","w-x/y" s3://'],
    ["one long object key", ""],
    // (review: an unbounded search per alias line, and per host noun, was quadratic)
    ["alias line run", "alias ll\n\n"],
    ["psql record run", "-[ RECORD 1 ]-+-\nusename | a_b\ndatname | c_d\n-[ RECORD "],
    ["host noun run", "aws the host web-1a is down "],
    [
      "dms table run",
      "table 'a_b'.'c_d' table 'E_F.G_H' table ' connected as x_y (a-b-c) cluster (d-e-1) Backup Job Id,X Id,Y\n1,2,3\n",
    ],
    ["tcpdump run", "IP 10.0.0.1.123 > 10.0.0.2.456: IP 1.2.3.4.5 > 6.7.8.9.10: > 10.1.1.1.22 "],
    // (forty-fourth pass: Windows, bootstrap, data platforms, captures, app configs)
    ["unc path run", "\\\\a-1\\b$\\C-d \\\\IP-0A2A0076\\share\\E_f hostname to g-2 \\\\"],
    [
      "xml named text run",
      "<Data Name='TargetUserName'>a-b</Data><string name=\"c_secret\">d</string><key>AppClientSecret</key><string>e</string>" +
        '<s:Attribute Name="x/SourceIdentity"><s:AttributeValue>f</s:AttributeValue></s:Attribute><a name="g">',
    ],
    ["password block run", "Password: <Password>\nabc\nPassword: type: static\n password 51:b:0a LicenseKey REG_SZ x "],
    [
      "data platform run",
      "application_1715640011823_0042 container_e1_1715640011823_0042_01_000001 <TaskInstance: a.b r [x]> " +
        "<Task(PythonOperator): c> airflow tasks clear -t d e airflow connections add f --conn-type g model h.i " +
        "sql view model j.k model.l.m airflow ",
    ],
    [
      "capture run",
      "?code=abcdefgh12&state=x -b 'a=bcdefgh1; c' x-a-key: Ab1 eyJa.bbbbbbbbbb.cccccccccc.dddddddd.eeeeeeee %252Fa%252F " +
        "BCV-WEB01 ABCDEF12 (session a-1) Adding user b1 www.okta.com/exk1 ObjectGUID    : x ",
    ],
    [
      "id name run",
      "sg-0a1b2c3d4e5f60718 (a-b) vpc-0a1b2c3d4e5f60718 (c-d) subnet-0a1b2c3d4e5f60718 x.signin.aws.amazon.com ",
    ],
    // (forty-fifth pass: observability, findings, PKI, billing, end-user computing, recovery)
    [
      "syslog host run",
      "aws Mar 11 10:31:07 mx-relay-02 postfix/smtp[22817]: a 10:31:07 b-1 c[2]: ]: [1]: 0:0:0 x y[1]: ",
    ],
    [
      "metadata and context run",
      'x-amz-meta-a: b-1 --metadata a=b-1,c=d-2 "Metadata": {"a": "b-1", "c": "d-2"} ncryptionContext":{"t":"u-1"} ' +
        "--encryption-context a=b-1 EncryptionContextEquals={t=u-1} ",
    ],
    [
      "secret place run",
      "a/b-c in Secrets Manager Secrets Manager d/e-f GetSecretValue on g/h log group /i/j/k in Parameter Store ",
    ],
    [
      "account name before id run",
      "Brindle Sandbox Ledger (552908174431) a-b (309617284455) A B C D E F G (123456789012) ",
    ],
    ["common name run", 'subject=C = GB, O = A B, CN = C D G2 "subject": "CN=e-f,OU=G H,O=I J" Owner: CN=k-l, OU=M '],
    [
      "reference and display name run",
      '{"summary": "Dana Okafor", "type": "user_reference"} _reference" Priya Raman <p@brindlecove.com> "A B" <c@d.io> ',
    ],
    [
      "tag pair and flag run",
      '{"Key": "a-b", "Value": "c-d"} {"Key": "aws:ResourceTag/e", "Value": "f-g"} -storepass Ab1xyzw password=a&b\n' +
        "+353 1 555 0199 +1-2-3 registration code SL1+AB ",
    ],
    [
      "token prefix run",
      "hvs.CAESIJ7kq2ZxN9vL3cT8pR1m AQICAHgI7Zp2Lk9rB4nX0vQ3mT8fW5cY1jH6 x:APA91bH4kQ2mX9pT7vR3nW6yZ1cF8 " +
        "webhook.office.com/webhookb2/a@b/c _3f9a27c5d1e84b06a2c7e5f18b9d4c20.x ",
    ],
    // (forty-sixth pass: identity, edge networking, operations, IoT, developer tools, analytics)
    [
      "person name run",
      "requested by Ana Bell approved by Cy Dee owner: Eve Fox [03:07] Gil Ho: assigned to Ida Jo ed by ] Kim Lu: ",
    ],
    [
      "tag condition run",
      '"aws:RequestTag/a": "b-1" ec2:ResourceTag/c=d-2 {"Key": "tag:e", "Values": ["f-1", "g-2"]} "TagValues": ["h-3"] ' +
        '"attributes": {"i": "j-4"} "Attributes": {"k": ["l-5"]} "Tags": {"m": "n-6"} ',
    ],
    [
      "service prefix run",
      "awswaf:123456789012:rulegroup:a-b:c jdbc:redshift:iam://d-e:us-east-1/f rds:g-h-2024-10-02-04-10 IAM:ij IAMR:k " +
        'neighbor 10.0.0.1 password 7 Ab12Cd34 authentication-key "Ef56" Registration Code: SL1+AB -AQ==Ab12= ',
    ],
    [
      "derived name run",
      "jane.doe@brindle-cove.com Jane Doe Brindle Cove @jane.doe, web-01 (10.0.0.1) a-1 (10.0.0.2) FROM 'a/b' iot " +
        "www.okta.com/exkabc sts.windows.net/1-2/ with user a_b as user c_d ?code=Ab12Cd34&isauthcode=true ",
    ],
    [
      "identity id run",
      "7eb6c68800-f9495468-b4ba-41ad-bf24-3673792ddb03 scim.eu-west-2.amazonaws.com/d1a6f3b2c4-77e2-4b0c/scim " +
        "<ds:SignatureValue>Ab12</ds:SignatureValue> v1.public.eyJ0aGlzIjoxfQ1234567890ab ",
    ],
    // (forty-seventh pass: serverless, generative AI, governance, IaC output, EKS, SDK debug logs)
    [
      "controller name run",
      "k8s-a-bcdefgh-0a1b2c3d4e eks-ng-a-36c5e8a4-9b21-7f4d-0e3a-5d8c1b2f9e70 kubernetes.io/cluster/a-1 " +
        'k8s.io/cluster-autoscaler/enabled "source": ["com.a.b", "com.c.d"] source:\n - com.e.f ',
    ],
    [
      "pair and context key run",
      "Tag.1.Key=Name&Tag.1.Value=a-1 'Tag.2.Key': 'Name', 'Tag.2.Value': 'b-2' {'Key': 'c', 'Value': 'd-3'} " +
        '"OutputKey": "e", "OutputValue": "f-4" :account=123456789012:filter.tag:Name=g-5:region=x ' +
        "ParameterKey=h,ParameterValue=i-6 ",
    ],
    [
      "cdk and bedrock run",
      "cdk ls\nAStack\nB/CStack\n\n/knowledgebases/ABCD1234EF/ /agentAliases/x kb 4MXR8T2WQP id `K9W2E7R4T1` " +
        "Stack HarborStack authorization failure message: Ab12Cd34Ef ",
    ],
    // (forty-eighth pass: people, chats, tables, code spans; compute, code and messaging formats)
    [
      "people and chat run",
      "Reporter:\tAisling Mahony\tAssignee:\tKofi Mensah\nEscalation: Marta Kowalczyk, then Tomasz Wieczorek.\n" +
        "Maria Oyelaran  9:41 AM\nack\n[10:14 AM] Okafor, Dana\nSupported by:    Ines Carvalho (TAM: Rhea Lindqvist) ",
    ],
    [
      "code span and table run",
      "aws `ledger-p99-high` `a_b_c` S3 `x-y` {{p/q/r}} {{v-prod-1}} (pg-1, 10.0.0.1) role `PartnerReader` " +
        "bc-a-use1\n| Service | Owner | Cost center |\n|---|---|---|\n| a-1 | Dana Okafor | CC-1 |\n",
    ],
    [
      "compute and code run",
      "variable \"a_bucket\" {\n  default = \"b-c-1\"\n}\ndefine( 'DB_PASSWORD', 'x1y2z3' ); $REGISTRY/ns/repo " +
        'f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:t-1" tags:\n  team: t-2\nAWS Lambda VPC ENI-f-1-8d1e4c2a-77b0-4e5f-9a3d-1c6b8e2f0d47 ',
    ],
    [
      "messaging run",
      "AUTH LOGIN\n334 VXNlcm5hbWU6\nQUtJQQ==\nrabbitmqctl add_user u1 p1 b-8d1e4c2a-77b0-4e5f-9a3d-1c6b8e2f0d47 " +
        "phone +44 7700 900418 s=abcdefghijklmnopqrstuvwxyz012345 d=x.com ",
    ],
    // (fifty-second pass: application secrets and CI/CD logs)
    [
      "ci parameter and org run",
      "password(name: 'P', defaultValue: 'x1-y') password(description: 'a (b)' oidc.circleci.com/org/8d1e4c2a-77b0-" +
        "4e5f-9a3d-1c6b8e2f0d47:aud oidc.circleci.com/org/x a-b-c in 123456789012 s/t in 123456789012 ",
    ],
    ["unclosed parameter run", "password(defaultValue: 'a password('b "],
    [
      "config default and host run",
      "k: &a ${P:-x} p: ${Q\\:y} AC6edc34f400624289d039b99d77956850 s-i-0af6b28d206206fae-1 https://u:p@h.x.internal/ " +
        "u@h.y.internal:p@ Lock Info:\nci\tstep\t2024Z |   Who: a@b-c-1\n ",
    ],
    // (fifty-second pass: tagging and cost allocation)
    [
      "required tags run",
      '"tag1Value":"a-1,b-2" tag2Value = "c-3, d_4" \\"tag3Value\\":\\"e-5,\\" tag6Value: f-6,, tag4Value ',
    ],
    [
      "prose tag value run",
      'CostCenter CC-1 cost center 70231 Cost Centre AB-12. tag value "a b" cost category "x-1" tag value "',
    ],
    ["cost category rule run", '{"Value": "a-1", "Rule": {}}, "Value": "b c", "Rule" , "Rule" "x" "Rule"'],
    [
      "cur result run",
      "#  resource_tags_user_team  line_item_resource_id  cost\n1  a-b                      c-d                    1.0\n" +
        "resource_tags_user_a  resource_tags_user_b resource_tags_user_c\n",
    ],
    [
      "tag table run",
      "TAGVALUES\tCC-1\nTAGS\tOwner\ti-0123456789abcdef0\tinstance\tA B\n+--+\n| Key | ResourceId | ResourceType | Value |\n" +
        "+--+\n| CostCenter | i-0123456789abcdef0 | instance | 70231 |\n",
    ],
    // (fifty-second pass: tracing and error tracking, audit and access logs)
    [
      "trace and audit run",
      "FROM\n  FROM \t\n3a792393-60fb-44cf-b74d-df9aad0595a0 o-7h2kq9xw3d_123456789012_CloudTrail_x " +
        "db_1@x.cluster-ab.eu-west-2.rds.amazonaws.com @@a@x.rds.amazonaws.com account(id: 3812207) account(id:" +
        ' -> api_key: Slice(["Ab12Cd34Ef56"]) x_token: Str(Ab12Cd34) SSM at /a/b-c SSM under ' +
        "sts:ExternalId condition (`a-b-1Ab2`) https://k@o4505518.ingest.de.sentry.io/1 ui.honeycomb.io/t-1/board/ " +
        '| access_key | sourceIPAddress |\n|---|---|\n"configurations": { "a-b": { "queueARN": "x" }, "c": {',
    ],
    ["configurations object run", '"configurations": { "a-b": { "queueARN": {{{{ "x" '],
    ["FROM blanks run", "FROM \n\t "],
    ["rds database at run", "ab_c@d.e.rds.amazonaws.com"],
    // (fifty-second pass: review of application secrets and CI/CD logs)
    [
      "percent value and phrase run",
      'password: "%2$-10s\\n" secret=%2A%2A token: "%1$" end-to-end in 123456789012 CI/CD in 123456789012 ' +
        "us-east-1/us-west-2 in 123456789012 ${P:?m} ${Q:=y} password(\n name: 'X',\n ",
    ],
    // (fifty-third pass: load testing)
    [
      "load test run",
      '.basicAuth("ab", .digestAuth(\'cd\',  BasicAuth("x", "y" .header("Cookie", "a=Ab12Cd34; b= -C "c=Ab12Cd34 ' +
        '-C \'d= <stringProp name="Argument.name">PASSWORD</stringProp><stringProp name="Argument.value">' +
        '${__P(a.password,</stringProp> <stringProp name="Header.value">x</stringProp> SECRET = __ENV.S || \'' +
        ' h["x-api-key"] = &key=Ab12Cd34Ef56Gh78Ij90Kl --key ',
    ],
    [
      "jmeter value run",
      '<elementProp name="a_key" elementType="Argument"><stringProp name="Argument.value">x</stringProp>',
    ],
    ["basic auth run", 'basicAuth("'],
    // (fifty-third pass: encoded and escaped text)
    ["&#x2F; run", "&#x2F;"],
    ["&#47; run", "a&#47;"],
    ["&quot; value run", "password=&quot;"],
    ["&quot; open value run", "secret: &quot;a&amp;"],
    ["arn &#x2F; run", "arn:aws:iam::123456789012:role&#x2F;"],
    ["*2f run", "*2f"],
    ["base64 part run", "Content-Transfer-Encoding: base64\n"],
    ["base64 part body run", "Content-Transfer-Encoding: base64\n\nQUJD\n"],
    ["Secret data: run", "kind: Secret\ndata:\n  a: QUJD\n"],
    ['Secret "data": run', 'kind: Secret "data":{"a":"QUJD",'],
    ["prefixed element run", '<ns:Name a="b">x</ns:Name>'],
    ["prefixed close run", "</ns:Password>"],
    ["database url slash run", "postgres://a:b/"],
    ["continued command run", "curl \\\n"],
    // (fifty-third pass: secret scanning reports, version control and code review)
    [
      "scanner report run",
      "Authorization: Token a1B2c3 glrt-t1_Ab12 glptt-x acct_1Ab acct_ unblock-secret/2hR8 share/incidents/cb8c- " +
        'cfg["password"] = "x" a["b"]=\'c\'] = "] = ["password"] = os.x {"name": "password", "match": "x"} "match": "',
    ],
    ["quoted subscript assignment run", '["password"] = '],
    ["jwt call run", 'jwt.encode(a, jwt.sign((b, "c"), jwt.decode("d, jwt.verify(x'],
    ["unclosed jwt call run", "jwt.encode(["],
    ["match member run", '{"name": "client_secret", "match": "'],
    ["match name run", '{"name": "client_id", "n": 1, "match": 2} '],
    [
      "parenthesized id run",
      "aws Route 53: a.example.com (Z0734186JQ8V3MX1CP4K) E2QH7Y4KXW9TLM (b.example.app) secretsmanager a/b/c " +
        "health check 3f9c27d1-6b0e-4a58-9d42-7e1c05ab83f6 UUID `{b27e90c4-5a13-4f8d-9e61-0c3d7a2f84b5}` " +
        '"account_id": "557058:0d7c3a91-4e2b-48f6-b1a9-5c8e7f2d0a63" ari:cloud:bitbucket::workspace/8c4f2a1e-93d7-' +
        "4b60-a5e8-1f7d0c3b9e26 arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1V0ZC3M8RPD6A OAC ",
    ],
    ["dns name before id run", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z (Z0734186JQ8V3MX1CP4K"],
    // (fifty-third pass: log shipping)
    ["kinesis agent logger run", "2024-06-11 12:08:31.355+0000 a-b-01 (x) com.amazon.kinesis.streaming.agent. "],
    ["kinesis agent logger line run", ") com.amazon.kinesis.streaming.agent."],
    ["prose key and vault path run", " shared key a1B2c3D4e5F6g7H8 vault path a/b/c Vault at x/y "],
    ["vault newline run", "vault\n"],
    ["host, address run", "bastion-obs-01, 10.42.3.9; "],
    ["fluentd shared_key run", '\n shared_key a1B2c3D4e5\n s3_bucket "a-b"\n'],
    ["sumo kinesis receiver run", "sumologic.com/receiver/v1/kinesis/log/"],
    // (review of the fifty-third pass)
    ["Secret item data: run", "kind: Secret\n- data:\n    a: QUJD\n  b: c\n"],
    ["Secret data: nested run", "kind: Secret\ndata:\n  a: 'QUJD' # c\nx:\n  y: z\n"],
    ['Secret "data": kind run', '"kind":"Secret" {"data":{"a":"QUJD"},"x":{"y":1},'],
    ["&amp; value run", "PASSWORD=a&amp;b&lt;"],
    ["*2F run", "*2F"],
    // (review of the fifty-third pass: ab's -C without ab, with ab on a continued line; cookie members; fallbacks by
    // subscript; a subscript's one-word key)
    [
      "load test review run",
      ' -C "a=Ab12Cd34Ef56 ab \\\n -C x=Ab12Cd34Ef56 {"Cookie": "s=Ab12Cd34Ef56", cookie\', \'t=Ab12Cd34 ' +
        'P = ENV[\'P\']||\'Ab12-x\' Q = __ENV.Q\n ?? \\"Ab12\\" h["password"] = "Pw-9xq-88" .basicAuth(\\"u\\",\n "',
    ],
    ["ab cookie run", " -C "],
    // (review of the fifty-third pass: the Token scheme as a member, a match before its field's type, a company's host)
    ["token member run", '{"Authorization": "Token x", \'Authorization\': \'Token a1B2c3d4 '],
    ["match type run", '{"match": "Tq4!Zw8Lm2Rx", "type": "password", "match": "'],
    ["host in parens run", "E2QH7Y4KXW9TLM (a.example.co.uk) distribution b.co.uk (E2QH7Y4KXW9TLM) "],
  ];
  const out: Input[] = [];
  for (const [name, unit] of units) {
    if (name === "many learned names") {
      const parts: string[] = [];
      let len = 0;
      for (let k = 0; len < size; k++) {
        const p = `--bucket b${k.toString(36)}-logs `;
        parts.push(p);
        len += p.length;
      }
      out.push({ name, mode: "text", text: parts.join("") });
      continue;
    }
    if (name === "many id values") {
      // a new id key value every ~24 bytes: each kept aside, merged and given a new pseudonym
      const parts: string[] = ["aws\n"];
      let len = 4;
      for (let k = 0; len < size; k++) {
        const p = `"FooId": "v-${k.toString(36)}", `;
        parts.push(p);
        len += p.length;
      }
      out.push({ name, mode: "text", text: parts.join("") });
      continue;
    }
    if (name === "one long comma list") {
      // the first 256 items are taken as names, the rest scanned as text
      out.push({ name, mode: "text", text: ("aws\nbuckets: a-1" + repeat(",a-1", size)).slice(0, size) + "\n" });
      continue;
    }
    if (name === "one long tags table") {
      // CUR 2.0 rows under one header, no Name tag in any row's resource_tags: each cell searched within itself
      out.push({
        name,
        mode: "text",
        text: ("aws\nresource_tags,name,y\n" + repeat('"{}",1,2\n', size)).slice(0, size),
      });
      continue;
    }
    if (name === "one long object key") {
      // one path's first 1,024 units read by segments, the rest scanned as text
      out.push({ name, mode: "text", text: ("aws s3://a-b/" + repeat("cd-ef/", size)).slice(0, size) });
      continue;
    }
    if (name === "one long psql table") {
      // the first 4,096 rows of one table read by their columns, the rest scanned as text
      out.push({
        name,
        mode: "text",
        text: ("aws\n usename | datname\n---------+--------\n" + repeat(" a_b1 | c_d2\n", size)).slice(0, size),
      });
      continue;
    }
    if (name === "one long name list") {
      // the first 4,096 items are taken as names, the rest scanned as text
      out.push({ name, mode: "text", text: ('aws "TableNames": [' + repeat('"t-1", ', size)).slice(0, size) });
      continue;
    }
    out.push({ name, mode: "text", text: repeat(unit, size) });
  }
  // long tokens
  let b64 = "";
  for (let k = 0; b64.length < size; k++) b64 += "Ab9+/cD3eF"[k % 10];
  out.push({ name: "long base64 token", mode: "text", text: b64 });
  out.push({ name: "long hex token", mode: "text", text: "i-" + repeat("0a1b2c3d", size) });
  // JSON: deep escapes, escaped JSON inside JSON, many small strings
  out.push({ name: "json \\\\ escapes", mode: "json", text: jsonString(repeat("\\", size / 2)) });
  out.push({ name: "json \\u escapes", mode: "json", text: jsonString(repeat("\u0001", size / 6)) });
  out.push({
    name: "json embedded json",
    mode: "json",
    text: jsonString(repeat(JSON.stringify({ password: 'x"y' }), size / 2)),
  });
  out.push({ name: "json many strings", mode: "json", text: "[" + repeat('"password",', size).slice(0, -1) + "]" });
  out.push({
    name: "json 12-digit numbers",
    mode: "json",
    text: '["arn:aws:iam::123456789012:root"' + repeat(",123456789012", size) + "]",
  });
  // a name learned in the last string, the tail it is searched from (its rarest units) all over the strings before
  // it: the second walk's search for names that stand earlier tries every place
  const late = "e".repeat(40) + "qz";
  out.push({
    name: "json learned name's tail before it",
    mode: "json",
    text: '["' + repeat("qz ", size - 64) + '", "aws s3 ls s3://' + late + '"]',
  });
  return out;
}
