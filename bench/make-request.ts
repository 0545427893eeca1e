// Writes bench/fixtures/request-8k.json: a realistic ~8 KB Claude request (system prompt, pasted CLI output, a tool
// round trip) holding 40 identifier occurrences. Run once; the file is committed so every runtime measures the same bytes.
import { writeFileSync } from "node:fs";
import { createNodeMasker, newSession, maskJson, policyFor } from "../lib/engine";

const describe = JSON.stringify(
  {
    Reservations: [
      {
        ReservationId: "r-0a1b2c3d4e5f60718",
        OwnerId: "123456789012",
        Instances: [
          {
            InstanceId: "i-0a1b2c3d4e5f67890",
            ImageId: "ami-0abcdef1234567890",
            InstanceType: "m5.large",
            PrivateIpAddress: "10.0.12.34",
            PrivateDnsName: "ip-10-0-12-34.eu-west-1.compute.internal",
            SubnetId: "subnet-0a1b2c3d",
            VpcId: "vpc-0fedcba9876543210",
            SecurityGroups: [{ GroupName: "web", GroupId: "sg-0123456789abcdef0" }],
            State: { Code: 16, Name: "running" },
            BlockDeviceMappings: [
              { DeviceName: "/dev/xvda", Ebs: { VolumeId: "vol-049df61146c4d7901", Status: "attached" } },
            ],
            NetworkInterfaces: [{ NetworkInterfaceId: "eni-0e3f1a2b3c4d5e6f7", PrivateIpAddress: "10.0.12.34" }],
            IamInstanceProfile: { Arn: "arn:aws:iam::123456789012:instance-profile/web-server" },
          },
          {
            InstanceId: "i-1b2c3d4e5f6a78901",
            ImageId: "ami-0abcdef1234567890",
            InstanceType: "m5.large",
            PrivateIpAddress: "10.0.13.7",
            SubnetId: "subnet-1b2c3d4e",
            VpcId: "vpc-0fedcba9876543210",
            State: { Code: 16, Name: "running" },
          },
        ],
      },
    ],
  },
  null,
  2,
);

const system =
  "You are an SRE assistant for the platform team. Answer precisely, cite the resources you reason about, and propose " +
  "commands the on-call engineer can run. Prefer read-only commands; explain any change before proposing it. ".repeat(
    6,
  );

const question = `Our checkout API behind internal-api-alb-1234567890.eu-west-1.elb.amazonaws.com returns 502s since the deploy at
10:30 UTC. The target group has two instances (output below). The database is orders-db.c9akciq32.eu-west-1.rds.amazonaws.com
and the deploy role is arn:aws:iam::123456789012:role/deploy-bot. Logs go to s3://acme-prod-alb-logs/AWSLogs/123456789012/.

$ aws ec2 describe-instances --filters Name=tag:app,Values=checkout
${describe}

The NAT gateway nat-0a9b8c7d6e5f40312 and route table rtb-0123abcd4567ef890 were not changed. What should I check first?`;

const toolOutput = `{"Events":[{"EventName":"ModifyInstanceAttribute","Username":"deploy-bot","AccessKeyId":"ASIAY34FZKBOKMUTVV7A",
"Resources":[{"ResourceType":"AWS::EC2::Instance","ResourceName":"i-0a1b2c3d4e5f67890"}],"SourceIPAddress":"10.0.1.15",
"CloudTrailEvent":"{\\"userIdentity\\":{\\"arn\\":\\"arn:aws:sts::123456789012:assumed-role/deploy-bot/ci\\",\\"accountId\\":\\"123456789012\\"}}"}]}`;

const body = {
  model: "claude-sonnet-5",
  max_tokens: 4096,
  system: [{ type: "text", text: system, cache_control: { type: "ephemeral" } }],
  tools: [
    {
      name: "cloudtrail_lookup",
      description: "Look up CloudTrail events for a resource",
      input_schema: { type: "object", properties: { resource: { type: "string" } }, required: ["resource"] },
    },
  ],
  messages: [
    { role: "user", content: question },
    {
      role: "assistant",
      content: [
        { type: "text", text: "Let me check CloudTrail for the instance first." },
        {
          type: "tool_use",
          id: "toolu_01XFDUDYJgAACzvnptvVoYEL",
          name: "cloudtrail_lookup",
          input: { resource: "i-0a1b2c3d4e5f67890" },
        },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_01XFDUDYJgAACzvnptvVoYEL", content: toolOutput },
        {
          type: "text",
          text: "Also: the security group sg-0123456789abcdef0 allows 10.0.0.0/16 only. Compare i-1b2c3d4e5f6a78901 with vol-049df61146c4d7901, snapshot snap-0b5e4f1d9c3a2e8f7, peering pcx-1a2b3c4d and key AKIAIOSFODNN7EXAMPL2.",
        },
      ],
    },
  ],
};
let json = JSON.stringify(body);
// pad the system prompt to ~8 KB without adding identifiers
while (json.length < 8000) {
  body.system[0].text += " Keep answers short.";
  json = JSON.stringify(body);
}
const s = newSession(createNodeMasker({ secret: "bench-secret-0123456789" }), "bench");
const masked = maskJson(s, json, policyFor("/v1/messages")).text as string;
const occurrences = (masked.match(/[A-Z][A-Z0-9_]*_[0-9a-hjkmnp-tv-z]{10}/g) ?? []).length;
writeFileSync("bench/fixtures/request-8k.json", json);
console.log(
  `request-8k.json: ${json.length} bytes, ${occurrences} identifier occurrences, ${s.entries.length} distinct`,
);
