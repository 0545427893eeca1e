// The identifier catalogue: every kind aws-masker finds, in one table.
// Adding a kind is one entry here. `family` names the matcher that finds it (scanner.ts); the other fields are that
// matcher's parameters. `tag` is the visible part of the pseudonym (docs/pseudonyms.md): upper-case, so a pseudonym
// can never be mistaken for a real (lower-case hex) AWS id, and telling the model what kind of thing it stands for.

export interface Kind {
  /** Stable name used in config (`disabled_kinds`) and reports. */
  id: string;
  /** Pseudonym tag: [A-Z][A-Z0-9_]*, shown to the model. */
  tag: string;
  family:
    | "prefixed-hex" // <prefix>-<8|17 lower hex>
    | "iam-id" // <4-letter prefix><16 base32>
    | "arn-account" // the account component of an ARN, and 12 digits where the context says account/owner
    | "arn-resource" // the resource component of an ARN
    | "secret-key" // 40 base64 chars where the context says secret
    | "session-token" // STS session tokens, by context or by their fixed prefix
    | "ipv4-private"
    | "ipv4-public"
    | "dashed-ip-host" // ip-10-0-1-5 / ec2-54-1-2-3 host labels
    | "aws-host" // resource labels in front of an AWS service domain
    | "s3-bucket"; // s3://bucket, bucket.s3.amazonaws.com, s3.amazonaws.com/bucket, arn:aws:s3:::bucket
  /** prefixed-hex / iam-id: the literal prefix (without the dash). dashed-ip-host: the label head. */
  prefix?: string;
  /** prefixed-hex: allowed hex lengths. */
  lengths?: number[];
  /** aws-host: DNS labels (lower case) that identify the service after the resource labels. */
  services?: string[];
  /** Off unless config enables it. */
  optIn?: boolean;
  title: string;
  example: string;
}

const EC2 = [8, 17];

export const KINDS: Kind[] = [
  // EC2 / VPC style ids: 8 hex (legacy) or 17 hex
  { id: "ec2-instance", tag: "EC2_INSTANCE", family: "prefixed-hex", prefix: "i", lengths: EC2, title: "EC2 instance id", example: "i-0a1b2c3d4e5f67890" },
  { id: "ami", tag: "AMI", family: "prefixed-hex", prefix: "ami", lengths: EC2, title: "AMI id", example: "ami-0abcdef1234567890" },
  { id: "ebs-volume", tag: "EBS_VOLUME", family: "prefixed-hex", prefix: "vol", lengths: EC2, title: "EBS volume id", example: "vol-049df61146c4d7901" },
  { id: "ebs-snapshot", tag: "EBS_SNAPSHOT", family: "prefixed-hex", prefix: "snap", lengths: EC2, title: "EBS snapshot id", example: "snap-0b5e4f1d9c3a2e8f7" },
  { id: "security-group", tag: "SECURITY_GROUP", family: "prefixed-hex", prefix: "sg", lengths: EC2, title: "Security group id", example: "sg-0123456789abcdef0" },
  { id: "subnet", tag: "SUBNET", family: "prefixed-hex", prefix: "subnet", lengths: EC2, title: "Subnet id", example: "subnet-0a1b2c3d" },
  { id: "vpc", tag: "VPC", family: "prefixed-hex", prefix: "vpc", lengths: EC2, title: "VPC id", example: "vpc-0fedcba9876543210" },
  { id: "network-interface", tag: "ENI", family: "prefixed-hex", prefix: "eni", lengths: EC2, title: "Network interface id", example: "eni-0e3f1a2b3c4d5e6f7" },
  { id: "internet-gateway", tag: "INTERNET_GATEWAY", family: "prefixed-hex", prefix: "igw", lengths: EC2, title: "Internet gateway id", example: "igw-0c0ffee0c0ffee000" },
  { id: "nat-gateway", tag: "NAT_GATEWAY", family: "prefixed-hex", prefix: "nat", lengths: EC2, title: "NAT gateway id", example: "nat-0a9b8c7d6e5f40312" },
  { id: "route-table", tag: "ROUTE_TABLE", family: "prefixed-hex", prefix: "rtb", lengths: EC2, title: "Route table id", example: "rtb-0123abcd4567ef890" },
  { id: "network-acl", tag: "NETWORK_ACL", family: "prefixed-hex", prefix: "acl", lengths: EC2, title: "Network ACL id", example: "acl-0a1b2c3d" },
  { id: "elastic-ip-allocation", tag: "EIP_ALLOCATION", family: "prefixed-hex", prefix: "eipalloc", lengths: EC2, title: "Elastic IP allocation id", example: "eipalloc-0b1c2d3e4f5a6b7c8" },
  { id: "transit-gateway", tag: "TRANSIT_GATEWAY", family: "prefixed-hex", prefix: "tgw", lengths: EC2, title: "Transit gateway id", example: "tgw-0262a0e521a0b1c2d" },
  { id: "vpc-endpoint", tag: "VPC_ENDPOINT", family: "prefixed-hex", prefix: "vpce", lengths: EC2, title: "VPC endpoint id", example: "vpce-0a1b2c3d4e5f60718" },
  { id: "vpc-peering", tag: "VPC_PEERING", family: "prefixed-hex", prefix: "pcx", lengths: EC2, title: "VPC peering connection id", example: "pcx-1a2b3c4d" },
  { id: "efs-file-system", tag: "EFS", family: "prefixed-hex", prefix: "fs", lengths: EC2, title: "EFS file system id", example: "fs-0123456789abcdef0" },
  { id: "launch-template", tag: "LAUNCH_TEMPLATE", family: "prefixed-hex", prefix: "lt", lengths: EC2, title: "Launch template id", example: "lt-0abcd1234ef567890" },

  // IAM: access key ids and unique ids (4-letter prefix + 16 base32)
  { id: "access-key-id", tag: "ACCESS_KEY_ID", family: "iam-id", prefix: "AKIA", title: "Access key id (long-term)", example: "AKIAIOSFODNN7EXAMPL2" },
  { id: "temporary-access-key-id", tag: "TEMP_ACCESS_KEY_ID", family: "iam-id", prefix: "ASIA", title: "Access key id (temporary, STS)", example: "ASIAY34FZKBOKMUTVV7A" },
  { id: "iam-user-id", tag: "IAM_USER_ID", family: "iam-id", prefix: "AIDA", title: "IAM user unique id", example: "AIDAJQABLZS4A3QDU576" },
  { id: "iam-role-id", tag: "IAM_ROLE_ID", family: "iam-id", prefix: "AROA", title: "IAM role unique id", example: "AROADBQP57FF2AEXAMPL" },
  { id: "iam-group-id", tag: "IAM_GROUP_ID", family: "iam-id", prefix: "AGPA", title: "IAM group unique id", example: "AGPAI23HZ27SI6FQMGNQ" },
  { id: "iam-policy-id", tag: "IAM_POLICY_ID", family: "iam-id", prefix: "ANPA", title: "IAM managed policy unique id", example: "ANPAJ2UCCR6DPCEXAMPL" },
  { id: "iam-instance-profile-id", tag: "INSTANCE_PROFILE_ID", family: "iam-id", prefix: "AIPA", title: "Instance profile unique id", example: "AIPAJQABLZS4A3QDU576" },

  // ARNs (all partitions) and account ids
  { id: "account-id", tag: "AWS_ACCOUNT", family: "arn-account", title: "AWS account id (in ARNs, hostnames and where the context says account/owner)", example: "123456789012" },
  { id: "arn-resource", tag: "ARN_RESOURCE", family: "arn-resource", title: "ARN resource name (the part after the resource type)", example: "arn:aws:iam::123456789012:role/deploy-bot" },

  // Credentials by context
  { id: "secret-access-key", tag: "SECRET_ACCESS_KEY", family: "secret-key", title: "Secret access key (by context)", example: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
  { id: "session-token", tag: "SESSION_TOKEN", family: "session-token", title: "STS session token (by context or prefix)", example: "aws_session_token = IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==" },

  // Network
  { id: "private-ipv4", tag: "PRIVATE_IP", family: "ipv4-private", title: "Private IPv4 address (10/8, 172.16/12, 192.168/16, 100.64/10), also the address of a CIDR", example: "10.0.12.34" },
  { id: "public-ipv4", tag: "PUBLIC_IP", family: "ipv4-public", title: "Public IPv4 address", example: "54.239.28.85" },
  { id: "ec2-private-dns", tag: "EC2_PRIVATE_DNS", family: "dashed-ip-host", prefix: "ip", title: "EC2 private DNS name label (ip-a-b-c-d)", example: "ip-10-0-1-23.eu-west-1.compute.internal" },
  { id: "ec2-public-dns", tag: "EC2_PUBLIC_DNS", family: "dashed-ip-host", prefix: "ec2", title: "EC2 public DNS name label (ec2-a-b-c-d)", example: "ec2-54-12-34-56.compute-1.amazonaws.com" },

  // Resource hostnames under amazonaws.com: the resource labels are masked, the service domain stays
  { id: "rds-endpoint", tag: "RDS_ENDPOINT", family: "aws-host", services: ["rds"], title: "RDS / Aurora endpoint", example: "orders-db.c9akciq32.eu-west-1.rds.amazonaws.com" },
  { id: "elb-hostname", tag: "ELB_HOSTNAME", family: "aws-host", services: ["elb"], title: "ELB / ALB / NLB hostname", example: "internal-api-alb-1234567890.us-east-1.elb.amazonaws.com" },
  { id: "api-gateway-host", tag: "API_GATEWAY", family: "aws-host", services: ["execute-api"], title: "API Gateway execute-api hostname", example: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com" },
  { id: "sqs-queue", tag: "SQS_QUEUE", family: "aws-host", services: ["sqs", "queue"], title: "SQS queue name in a queue URL", example: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq" },
  { id: "aws-resource-host", tag: "AWS_HOST", family: "aws-host", services: [], title: "Other resource hostname under amazonaws.com", example: "my-cache.abc123.ng.0001.use1.cache.amazonaws.com" },

  // S3
  { id: "s3-bucket", tag: "S3_BUCKET", family: "s3-bucket", title: "S3 bucket name (s3:// URIs, S3 URLs, S3 ARNs)", example: "s3://acme-prod-invoices/2024/01/report.csv" },
];
