// The identifier catalogue: every kind aws-masker finds, in one table.
// Adding a kind is one entry here. `family` names the matcher that finds it (scanner.ts, names.ts); the other fields
// are that matcher's parameters. `tag` is the visible part of the pseudonym (docs/pseudonyms.md): upper-case, so a
// pseudonym can never be mistaken for a real (lower-case hex) AWS id, and telling the model what kind of thing it
// stands for. docs/identifiers.md is generated from this table (scripts/gen-identifiers-doc.ts).

export interface Kind {
  /** Stable name used in config (`disabled_kinds`) and reports. */
  id: string;
  /** Pseudonym tag: [A-Z][A-Z0-9_]*, shown to the model. */
  tag: string;
  family:
    | "prefixed-hex" // <prefix>-<lower hex of an allowed length>; multi-segment prefixes ("tgw-attach") allowed
    | "hex-tail" // <lower head of one to three segments>-<17 lower hex>: an AWS id of no prefixed-hex kind
    | "prefixed-upper" // <prefix>-<upper alnum of an allowed length, with a digit after a lower-case prefix> (EMR j-,
    //                    RDS db-/cluster- resource ids, Storage Gateway sgw-, EC2AMAZ- Windows computer names)
    | "cognito-pool" // <region>_<9 alnum> user pools, <region>:<uuid> identity pools
    | "canonical-id" // 64 lower hex S3 canonical user id, as the value of an ...ID / Owner member
    | "org-id" // short-prefix lower alnum ids (with a digit): Organizations o-<10-32>, ou-<4-32>-<8-32>, r-<4-32>,
    //            p-<8-128>; an Elastic Beanstalk environment e-<10>, a WorkSpace ws-<8-63>, Direct Connect
    //            dxcon-/dxvif-/dxlag-<8>, Service Catalog prod-/port-/pp-/pa-/rec-<13>,
    //            CloudHSM cluster-/hsm-/backup-<11>
    | "iam-id" // <4-letter prefix><16 or 17 upper alnum>
    | "arn-account" // the account component of an ARN, and 12 digits where the context says account/owner
    | "arn-resource" // the resource component of an ARN (when no more specific kind claims it)
    | "secret-key" // 40 base64 chars where the context says secret
    | "session-token" // STS session tokens, by context or by their fixed prefix
    | "ipv4-private"
    | "ipv4-public"
    | "ipv6" // full and ::-compressed forms, exact boundaries
    | "mac" // six octets joined by ":" or "-", locally administered and unicast (an EC2 network interface's)
    | "system-uuid" // a UUID opening with "ec2" (either case): an EC2 instance's SMBIOS / hypervisor UUID
    | "dashed-ip-host" // ip-10-0-1-5 / ec2-54-1-2-3 host labels
    | "aws-host" // resource labels in front of an AWS service domain
    | "s3-bucket" // s3://bucket, bucket.s3.amazonaws.com, s3.amazonaws.com/bucket, arn:aws:s3:::bucket, by context
    | "kms-key" // key UUID where the context says key id, or key/<uuid> in a KMS ARN
    | "kms-alias" // alias/<name> (not alias/aws/...)
    | "ctx-id" // fixed-shape id only recognisable by context (hosted zone, distribution, REST API id)
    | "name" // free-form resource names by context (keys, CLI flags, ARNs); learned per request
    | "contact" // a company's own DNS names, people's e-mail addresses and phone numbers (contacts.ts); no AWS signal
    | "custom"; // a configured custom pattern
  /** prefixed-hex / iam-id / org-id: the literal prefix (without the dash). dashed-ip-host: the label head. */
  prefix?: string;
  /** prefixed-hex: allowed hex lengths. */
  lengths?: number[];
  /** aws-host: DNS labels (lower case) that identify the service after the resource labels. */
  services?: string[];
  /** ctx-id: required first character, length bounds (whole id), character set, and context words (lower case). */
  first?: string;
  minLen?: number;
  maxLen?: number;
  charset?: "upper" | "lower";
  ctx?: string[];
  /** name / s3-bucket / kms-*: keys (lower case, without "_" and "-") whose value is a name of this kind. */
  keys?: string[];
  /** name and others: "service:resource-type" pairs of ARNs whose resource name is of this kind. */
  arn?: string[];
  /** Names of this kind are learned: every other occurrence in the request gets the same pseudonym. */
  learn?: boolean;
  /** Off unless config enables it. */
  optIn?: boolean;
  title: string;
  example: string;
}

const EC2 = [8, 17];
const HEX17 = [17];

function hex(id: string, tag: string, prefix: string, title: string, example: string, lengths?: number[]): Kind {
  return { id, tag, family: "prefixed-hex", prefix, lengths: lengths !== undefined ? lengths : EC2, title, example };
}

function iam(id: string, tag: string, prefix: string, title: string, example: string): Kind {
  return { id, tag, family: "iam-id", prefix, title, example };
}

function name(id: string, tag: string, keys: string[], arn: string[], title: string, example: string): Kind {
  return { id, tag, family: "name", keys, arn, learn: true, title, example };
}

export const KINDS: Kind[] = [
  // EC2 / VPC style ids: 8 hex (legacy) or 17 hex
  hex("ec2-instance", "EC2_INSTANCE", "i", "EC2 instance id", "i-0a1b2c3d4e5f67890"),
  hex("ami", "AMI", "ami", "AMI id", "ami-0abcdef1234567890"),
  hex("aki", "AKI", "aki", "Kernel image id", "aki-88aa75e1"),
  hex("ari", "ARI", "ari", "RAM disk image id", "ari-a51cf9cc"),
  hex("ebs-volume", "EBS_VOLUME", "vol", "EBS volume id", "vol-049df61146c4d7901"),
  hex("ebs-snapshot", "EBS_SNAPSHOT", "snap", "EBS snapshot id", "snap-0b5e4f1d9c3a2e8f7"),
  hex("security-group", "SECURITY_GROUP", "sg", "Security group id", "sg-0123456789abcdef0"),
  hex("security-group-rule", "SG_RULE", "sgr", "Security group rule id", "sgr-0b1c2d3e4f5a6b7c8"),
  hex("subnet", "SUBNET", "subnet", "Subnet id", "subnet-0a1b2c3d"),
  hex("vpc", "VPC", "vpc", "VPC id", "vpc-0fedcba9876543210"),
  hex("network-interface", "ENI", "eni", "Network interface id", "eni-0e3f1a2b3c4d5e6f7"),
  hex(
    "eni-attachment",
    "ENI_ATTACHMENT",
    "eni-attach",
    "Network interface attachment id",
    "eni-attach-0a1b2c3d4e5f60718",
  ),
  hex("internet-gateway", "INTERNET_GATEWAY", "igw", "Internet gateway id", "igw-0c0ffee0c0ffee000"),
  hex("egress-only-igw", "EGRESS_ONLY_IGW", "eigw", "Egress-only internet gateway id", "eigw-015e0e244e24dfe8a"),
  hex("nat-gateway", "NAT_GATEWAY", "nat", "NAT gateway id", "nat-0a9b8c7d6e5f40312"),
  hex("vpn-gateway", "VPN_GATEWAY", "vgw", "Virtual private gateway id", "vgw-9a4cacf3"),
  hex("customer-gateway", "CUSTOMER_GATEWAY", "cgw", "Customer gateway id", "cgw-0e11f167"),
  hex("vpn-connection", "VPN_CONNECTION", "vpn", "Site-to-site VPN connection id", "vpn-40f41529"),
  hex("local-gateway", "LOCAL_GATEWAY", "lgw", "Outposts local gateway id", "lgw-09b493aa7c0a1b2c3"),
  hex("transit-gateway", "TRANSIT_GATEWAY", "tgw", "Transit gateway id", "tgw-0262a0e521a0b1c2d"),
  hex(
    "tgw-attachment",
    "TGW_ATTACHMENT",
    "tgw-attach",
    "Transit gateway attachment id",
    "tgw-attach-0a1b2c3d4e5f60718",
  ),
  hex("tgw-route-table", "TGW_ROUTE_TABLE", "tgw-rtb", "Transit gateway route table id", "tgw-rtb-0123abcd4567ef890"),
  hex("vpc-endpoint", "VPC_ENDPOINT", "vpce", "VPC endpoint id", "vpce-0a1b2c3d4e5f60718"),
  hex(
    "vpc-endpoint-service",
    "VPC_ENDPOINT_SERVICE",
    "vpce-svc",
    "VPC endpoint service id",
    "vpce-svc-03d5ebb7d9579a2b3",
  ),
  hex("vpc-peering", "VPC_PEERING", "pcx", "VPC peering connection id", "pcx-1a2b3c4d"),
  hex("route-table", "ROUTE_TABLE", "rtb", "Route table id", "rtb-0123abcd4567ef890"),
  hex("route-table-assoc", "ROUTE_TABLE_ASSOC", "rtbassoc", "Route table association id", "rtbassoc-0a1b2c3d4e5f60718"),
  hex("network-acl", "NETWORK_ACL", "acl", "Network ACL id", "acl-0a1b2c3d"),
  hex("network-acl-assoc", "NETWORK_ACL_ASSOC", "aclassoc", "Network ACL association id", "aclassoc-0a1b2c3d4e5f60718"),
  hex("elastic-ip-allocation", "EIP_ALLOCATION", "eipalloc", "Elastic IP allocation id", "eipalloc-0b1c2d3e4f5a6b7c8"),
  hex(
    "elastic-ip-association",
    "EIP_ASSOCIATION",
    "eipassoc",
    "Elastic IP association id",
    "eipassoc-0a1b2c3d4e5f60718",
  ),
  hex("flow-log", "FLOW_LOG", "fl", "VPC flow log id", "fl-0a1b2c3d4e5f60718"),
  hex("dhcp-options", "DHCP_OPTIONS", "dopt", "DHCP options set id", "dopt-7a8b9c2d"),
  hex("prefix-list", "PREFIX_LIST", "pl", "Managed prefix list id", "pl-02cd2c6b"),
  hex("launch-template", "LAUNCH_TEMPLATE", "lt", "Launch template id", "lt-0abcd1234ef567890"),
  hex("reservation", "RESERVATION", "r", "EC2 reservation id (r- + 8 or 17 hex)", "r-0a1b2c3d4e5f60718"),
  hex("spot-request", "SPOT_REQUEST", "sir", "Spot instance request id", "sir-08b93456"),
  hex("dedicated-host", "DEDICATED_HOST", "h", "Dedicated host id", "h-0a1b2c3d4e5f60718"),
  hex("capacity-reservation", "CAPACITY_RESERVATION", "cr", "Capacity reservation id", "cr-0a1b2c3d4e5f60718"),
  hex("efs-file-system", "EFS", "fs", "EFS file system id", "fs-0123456789abcdef0"),
  hex("efs-access-point", "EFS_ACCESS_POINT", "fsap", "EFS access point id", "fsap-0a1b2c3d4e5f60718"),
  hex("efs-mount-target", "EFS_MOUNT_TARGET", "fsmt", "EFS mount target id", "fsmt-0a1b2c3d"),
  hex(
    "import-image-task",
    "IMPORT_IMAGE_TASK",
    "import-ami",
    "VM import image task id",
    "import-ami-0a1b2c3d4e5f60718",
  ),
  hex(
    "import-snapshot-task",
    "IMPORT_SNAPSHOT_TASK",
    "import-snap",
    "Snapshot import task id",
    "import-snap-0a1b2c3d4e5f60718",
  ),
  hex("export-instance-task", "EXPORT_TASK", "export-i", "Instance export task id", "export-i-0a1b2c3d4e5f60718"),
  hex("export-image-task", "EXPORT_IMAGE_TASK", "export-ami", "Image export task id", "export-ami-0a1b2c3d4e5f60718"),
  hex(
    "client-vpn-endpoint",
    "CLIENT_VPN_ENDPOINT",
    "cvpn-endpoint",
    "Client VPN endpoint id",
    "cvpn-endpoint-0a1b2c3d4e5f60718",
    HEX17,
  ),
  hex(
    "kms-multi-region-key",
    "KMS_KEY",
    "mrk",
    "KMS multi-Region key id",
    "mrk-1234abcd12ab34cd56ef1234567890ab",
    [32],
  ),
  hex("kms-custom-key-store", "KMS_CUSTOM_KEY_STORE", "cks", "KMS custom key store id", "cks-05911fe35e7c81a4b", HEX17),
  hex(
    "directory-id",
    "DIRECTORY",
    "d",
    "Directory Service / IAM Identity Center directory id (d- + 10 hex)",
    "d-1d47e39a1b.awsapps.com",
    [10],
  ),
  hex("backup-job", "BACKUP_JOB", "backup-job", "AWS Backup job id", "backup-job-0a1b2c3d4e5f60718"),
  hex("ssm-ops-item", "OPS_ITEM", "oi", "Systems Manager OpsCenter OpsItem id (oi- + 12 hex)", "oi-1a2b3c4d5e6f", [12]),
  hex(
    "lightsail-resource",
    "LIGHTSAIL_RESOURCE",
    "ls",
    "Lightsail resource id (a database's, in its supportCode and endpoint)",
    "ls-0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e",
    [40],
  ),
  hex("sso-instance", "SSO_INSTANCE", "ssoins", "IAM Identity Center instance id", "ssoins-72230cf4d1e4a8b9", [16]),
  hex(
    "sso-permission-set",
    "SSO_PERMISSION_SET",
    "ps",
    "IAM Identity Center permission set id",
    "ps-0a1b2c3d4e5f6a7b",
    [16],
  ),
  {
    // 17 lower hex after a dash is the shape of current AWS resource ids and of nothing else in common use: the ids of
    // services this catalogue does not list (Route 53 Resolver, SSM managed instances, FSx volumes, VPC Lattice) fail
    // closed
    id: "aws-resource-id",
    tag: "AWS_RESOURCE_ID",
    family: "hex-tail",
    title: "Any other AWS resource id: <prefix>-<17 lower hex>, the prefix of one to three segments",
    example: "rslvr-in-0a1b2c3d4e5f60718",
  },
  {
    id: "emr-cluster",
    tag: "EMR_CLUSTER",
    family: "prefixed-upper",
    prefix: "j",
    lengths: [12, 13],
    title: "EMR cluster id (j- + 12-13 upper alnum)",
    example: "j-2X6JQV6K88TZZ",
  },
  {
    id: "emr-step",
    tag: "EMR_STEP",
    family: "prefixed-upper",
    prefix: "s",
    lengths: [12, 13],
    title: "EMR step id (s- + 12-13 upper alnum)",
    example: "s-1Z9ABCDEF2GHI",
  },
  {
    id: "codedeploy-deployment",
    tag: "CODEDEPLOY_DEPLOYMENT",
    family: "prefixed-upper",
    prefix: "d",
    lengths: [9],
    title: "CodeDeploy deployment id (d- + 9 upper alnum)",
    example: "/opt/codedeploy-agent/deployment-root/<group id>/d-7XK2QH9LB/logs/scripts.log",
  },
  {
    id: "rds-resource-id",
    tag: "RDS_RESOURCE_ID",
    family: "prefixed-upper",
    prefix: "db",
    lengths: [26],
    title: "RDS DB instance resource id (db- + 26 upper alnum)",
    example: "db-ABCDEFGHIJKLMNOPQRSTU12345",
  },
  {
    id: "rds-cluster-resource-id",
    tag: "RDS_CLUSTER_RESOURCE_ID",
    family: "prefixed-upper",
    prefix: "cluster",
    lengths: [26],
    title: "Aurora DB cluster resource id (cluster- + 26 upper alnum)",
    example: "cluster-ABCDEFGHIJKLMNOPQRSTU12345",
  },
  {
    id: "storage-gateway",
    tag: "STORAGE_GATEWAY",
    family: "prefixed-upper",
    prefix: "sgw",
    lengths: [8],
    title: "Storage Gateway gateway id (sgw- + 8 upper hex)",
    example: "sgw-12A3456B",
  },
  {
    id: "storage-gateway-share",
    tag: "STORAGE_GATEWAY_SHARE",
    family: "prefixed-upper",
    prefix: "share",
    lengths: [8],
    title: "Storage Gateway file share id (share- + 8 upper hex)",
    example: "share-987A654B",
  },
  {
    id: "storage-gateway-volume",
    tag: "STORAGE_GATEWAY_VOLUME",
    family: "prefixed-upper",
    prefix: "vol",
    lengths: [8],
    title: "Storage Gateway volume id (vol- + 8 upper hex; an EBS volume's hex is lower case)",
    example: "vol-1122AABB",
  },
  {
    // EC2Launch names a Windows instance EC2AMAZ-<7 random characters> unless told otherwise: its computer name, in
    // Systems Manager's inventory, RDP sessions and Windows event logs
    id: "ec2-windows-hostname",
    tag: "EC2_WINDOWS_HOST",
    family: "prefixed-upper",
    prefix: "EC2AMAZ",
    lengths: [7],
    title: "EC2 Windows instance's default computer name (EC2AMAZ- + 7 upper alnum)",
    example: "EC2AMAZ-4R1T5VK",
  },
  {
    // WorkSpaces names a WorkSpace's Windows computer WSAMZN-<8 random characters> (describe-workspaces' ComputerName,
    // the client's logs, the directory's computer objects)
    id: "workspaces-computer-name",
    tag: "WORKSPACE_HOST",
    family: "prefixed-upper",
    prefix: "WSAMZN",
    lengths: [8],
    title: "WorkSpace's computer name (WSAMZN- + 8 upper alnum)",
    example: "WSAMZN-4JQ8R2KT",
  },
  {
    id: "cognito-user-pool",
    tag: "COGNITO_USER_POOL",
    family: "cognito-pool",
    title: "Cognito user pool id (<region>_<9 alnum>)",
    example: "us-east-1_PAOGPucrO",
  },
  {
    id: "cognito-identity-pool",
    tag: "COGNITO_IDENTITY_POOL",
    family: "cognito-pool",
    title: "Cognito identity pool id (<region>:<uuid>)",
    example: "us-east-1:4afea258-8922-4476-8906-c713d677c403",
  },
  {
    id: "canonical-user-id",
    tag: "CANONICAL_USER",
    family: "canonical-id",
    title: "S3 canonical user id (64 hex, as the value of an ID / Owner / CanonicalUser member)",
    example: '"ID": "e50a589a6976f9acaf6d6c50c4081f6fafeb2594d50cd7a25d68434b5e4ee9a1"',
  },

  // AWS Organizations
  {
    id: "org-id",
    tag: "ORG",
    family: "org-id",
    prefix: "o",
    title: "Organization id (o- + 10-32 lower alnum)",
    example: "o-a1b2c3d4e5",
  },
  {
    id: "org-unit",
    tag: "ORG_UNIT",
    family: "org-id",
    prefix: "ou",
    title: "Organizational unit id",
    example: "ou-ab12-cd34ef56",
  },
  {
    id: "org-root",
    tag: "ORG_ROOT",
    family: "org-id",
    prefix: "r",
    title: "Organization root id (r- + 4-32 lower alnum, not an 8/17-hex reservation)",
    example: "r-ab12",
  },
  {
    id: "org-policy",
    tag: "ORG_POLICY",
    family: "org-id",
    prefix: "p",
    title: "Organizations policy id (p- + 8-128 lower alnum; AWS-managed p-FullAWSAccess stays)",
    example: "p-a1b2c3d4",
  },
  {
    id: "workspace-id",
    tag: "WORKSPACE",
    family: "org-id",
    prefix: "ws",
    title: "WorkSpaces id (ws- + 8-63 lower alnum), Amazon Managed Service for Prometheus workspace id (ws- + UUID)",
    example: "ws-f4h5j6k7l",
  },
  {
    id: "workspaces-bundle",
    tag: "WORKSPACE_BUNDLE",
    family: "org-id",
    prefix: "wsb",
    title: "WorkSpaces bundle id (wsb- + 8-63 lower alnum)",
    example: "wsb-3dxgkf7q1",
  },
  {
    id: "dx-connection",
    tag: "DX_CONNECTION",
    family: "org-id",
    prefix: "dxcon",
    title: "Direct Connect connection id (dxcon- + 8 lower alnum)",
    example: "dxcon-fg5678gh",
  },
  {
    id: "dx-virtual-interface",
    tag: "DX_VIRTUAL_INTERFACE",
    family: "org-id",
    prefix: "dxvif",
    title: "Direct Connect virtual interface id (dxvif- + 8 lower alnum)",
    example: "dxvif-fgq3dbkk",
  },
  {
    id: "dx-lag",
    tag: "DX_LAG",
    family: "org-id",
    prefix: "dxlag",
    title: "Direct Connect link aggregation group id (dxlag- + 8 lower alnum)",
    example: "dxlag-ffrz71kw",
  },
  {
    id: "eb-environment-id",
    tag: "EB_ENVIRONMENT",
    family: "org-id",
    prefix: "e",
    title: "Elastic Beanstalk environment id (e- + 10 lower alnum)",
    example: "e-x7bq9kmp2f",
  },
  {
    id: "servicecatalog-product",
    tag: "SERVICECATALOG_PRODUCT",
    family: "org-id",
    prefix: "prod",
    title: "Service Catalog product id (prod- + 13 lower alnum)",
    example: "prod-abcdzk7xy33qa",
  },
  {
    id: "servicecatalog-portfolio",
    tag: "SERVICECATALOG_PORTFOLIO",
    family: "org-id",
    prefix: "port",
    title: "Service Catalog portfolio id (port- + 13 lower alnum)",
    example: "port-2s6wuzyq5bfjq",
  },
  {
    id: "servicecatalog-provisioned-product",
    tag: "SERVICECATALOG_PROVISIONED",
    family: "org-id",
    prefix: "pp",
    title: "Service Catalog provisioned product id (pp- + 13 lower alnum)",
    example: "pp-abcd4y2gm4bsw",
  },
  {
    id: "servicecatalog-artifact",
    tag: "SERVICECATALOG_ARTIFACT",
    family: "org-id",
    prefix: "pa",
    title: "Service Catalog provisioning artifact (product version) id (pa- + 13 lower alnum)",
    example: "pa-4abcdjnxjj6ne",
  },
  {
    id: "servicecatalog-record",
    tag: "SERVICECATALOG_RECORD",
    family: "org-id",
    prefix: "rec",
    title: "Service Catalog record id (rec- + 13 lower alnum)",
    example: "rec-3tjmr8zx2ld5a",
  },
  {
    id: "cloudhsm-cluster",
    tag: "CLOUDHSM_CLUSTER",
    family: "org-id",
    prefix: "cluster",
    title: "CloudHSM cluster id (cluster- + 11 lower alnum)",
    example: "cluster-igklspoyj5v",
  },
  {
    id: "cloudhsm-hsm",
    tag: "CLOUDHSM_HSM",
    family: "org-id",
    prefix: "hsm",
    title: "CloudHSM HSM id (hsm- + 11 lower alnum)",
    example: "hsm-ted36yp5b2x",
  },
  {
    id: "cloudhsm-backup",
    tag: "CLOUDHSM_BACKUP",
    family: "org-id",
    prefix: "backup",
    title: "CloudHSM backup id (backup- + 11 lower alnum)",
    example: "backup-4bq2ypg3vhy",
  },
  {
    id: "ec2-fleet",
    tag: "EC2_FLEET",
    family: "org-id",
    prefix: "fleet",
    title: "EC2 Fleet id (fleet- + UUID)",
    example: "fleet-73fbd2ce-aa30-494c-8788-1cee4a3b2c1d",
  },
  {
    id: "spot-fleet-request",
    tag: "SPOT_FLEET_REQUEST",
    family: "org-id",
    prefix: "sfr",
    title: "Spot Fleet request id (sfr- + UUID)",
    example: "sfr-a1b2c3d4-5678-90ab-cdef-1234567890ab",
  },
  {
    id: "conversion-task",
    tag: "CONVERSION_TASK",
    family: "org-id",
    prefix: "import-i",
    title: "EC2 VM import conversion task id (import-i- + 8 lower alnum)",
    example: "import-i-fh95npoc",
  },

  // IAM: access key ids and unique ids (4-letter prefix + 16 base32)
  iam("access-key-id", "ACCESS_KEY_ID", "AKIA", "Access key id (long-term)", "AKIAIOSFODNN7EXAMPL2"),
  iam(
    "temporary-access-key-id",
    "TEMP_ACCESS_KEY_ID",
    "ASIA",
    "Access key id (temporary, STS)",
    "ASIAY34FZKBOKMUTVV7A",
  ),
  iam("iam-user-id", "IAM_USER_ID", "AIDA", "IAM user unique id", "AIDAJQABLZS4A3QDU576"),
  iam("iam-role-id", "IAM_ROLE_ID", "AROA", "IAM role unique id", "AROADBQP57FF2AEXAMPL"),
  iam("iam-group-id", "IAM_GROUP_ID", "AGPA", "IAM group unique id", "AGPAI23HZ27SI6FQMGNQ"),
  iam("iam-policy-id", "IAM_POLICY_ID", "ANPA", "IAM managed policy unique id", "ANPAJ2UCCR6DPCEXAMPL"),
  iam(
    "iam-policy-version-id",
    "IAM_POLICY_VERSION_ID",
    "ANVA",
    "IAM managed policy version unique id",
    "ANVAJ2UCCR6DPCEXAMP2",
  ),
  iam("iam-instance-profile-id", "INSTANCE_PROFILE_ID", "AIPA", "Instance profile unique id", "AIPAJQABLZS4A3QDU576"),
  iam("iam-server-cert-id", "SERVER_CERT_ID", "ASCA", "IAM server certificate unique id", "ASCACKCEVSQ6C2EXAMPL"),
  {
    ...iam("public-key-id", "PUBLIC_KEY_ID", "APKA", "SSH / CloudFront public key id", "APKAEIBAERJR2EXAMPL3"),
    // a CloudFront signed URL's or cookie's Key-Pair-Id: an APKA key pair or a public key's id (K + 13 units)
    keys: ["keypairid"],
  },
  iam("bearer-token-id", "BEARER_TOKEN_ID", "ABIA", "STS service bearer token id", "ABIAJQABLZS4A3QDU576"),
  iam(
    "context-credential-id",
    "CONTEXT_CREDENTIAL_ID",
    "ACCA",
    "Context-specific credential id",
    "ACCAJQABLZS4A3QDU576",
  ),

  // ARNs (all partitions) and account ids
  {
    id: "account-id",
    tag: "AWS_ACCOUNT",
    family: "arn-account",
    learn: true,
    title: "AWS account id (in ARNs, hostnames, URLs and where the context says account/owner; learned)",
    example: "OwnerId: 123456789012",
  },
  {
    id: "arn-resource",
    tag: "ARN_RESOURCE",
    family: "arn-resource",
    title: "ARN resource name (the part after the resource type)",
    example: "arn:aws:states:us-east-1:123456789012:execution:orders-flow:run-42",
  },

  // Credentials by context
  {
    id: "secret-access-key",
    tag: "SECRET_ACCESS_KEY",
    family: "secret-key",
    // (learned: a secret found by its key is masked wherever else the request holds it, also where its shape alone
    // would not tell: a random key with few digits, one starting with "/"; never remembered, as no credential is)
    learn: true,
    title:
      "Secret access key (40 base64 units with the class mix of random data, anywhere; any value of a secret-key field)",
    example: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  },
  {
    id: "session-token",
    tag: "SESSION_TOKEN",
    family: "session-token",
    learn: true,
    title:
      "STS session token (any value of a session/security token field; IQoJ/AgoJ/FQoG/FwoG/AQoD prefixes, also URL-encoded)",
    example: "aws_session_token = IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==",
  },
  {
    id: "credential",
    tag: "CREDENTIAL",
    family: "secret-key",
    learn: true,
    title:
      "Any value of a credential-named field (password, passwd, secret, token, credential, private key, api key ...), whatever its length",
    example: "DB_PASSWORD=hunter2-Prod",
  },

  // KMS
  {
    id: "kms-key-id",
    tag: "KMS_KEY",
    family: "kms-key",
    keys: ["keyid", "kmskeyid", "kmskey", "kmskeyarn", "ssekmskeyid", "targetkeyid"],
    arn: ["kms:key"],
    // (learned when a UUID, fifty-second pass: the key of an ARN named alone in a comment or a sentence)
    learn: true,
    title: "KMS key id (UUID where the context says key id; key/<uuid> in KMS ARNs; a UUID learned)",
    example: '"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"',
  },
  {
    id: "kms-alias",
    tag: "KMS_ALIAS",
    family: "kms-alias",
    arn: ["kms:alias"],
    title: "KMS alias name (alias/<name>; alias/aws/* stays)",
    example: "alias/orders-prod-key",
  },

  // Network
  {
    id: "private-ipv4",
    tag: "PRIVATE_IP",
    family: "ipv4-private",
    title: "Private IPv4 address (10/8, 172.16/12, 192.168/16, 100.64/10), also the address of a CIDR",
    example: "10.0.12.34",
  },
  {
    id: "public-ipv4",
    tag: "PUBLIC_IP",
    family: "ipv4-public",
    title: 'Public IPv4 address (disable with disabledKinds: ["public-ipv4"])',
    example: "54.239.28.85",
  },
  {
    id: "ipv6",
    tag: "IPV6",
    family: "ipv6",
    title: "IPv6 address (full or ::-compressed; not ::1, not ::)",
    example: "2600:1f18:4a3:6902::1e",
  },
  {
    id: "ec2-system-uuid",
    tag: "EC2_SYSTEM_UUID",
    family: "system-uuid",
    title:
      "EC2 instance's system UUID (SMBIOS product_uuid, /sys/hypervisor/uuid, kubelet's System UUID: a UUID opening with ec2, after the word uuid)",
    example: "System UUID: ec2e1916-9099-7caf-fd21-012345678901",
  },
  {
    id: "mac-address",
    tag: "MAC_ADDRESS",
    family: "mac",
    title: "MAC address of a network interface (locally administered, as EC2 gives every ENI; not a vendor's)",
    example: "0a:8c:44:1e:7b:f3",
  },
  {
    id: "ec2-private-dns",
    tag: "EC2_PRIVATE_DNS",
    family: "dashed-ip-host",
    prefix: "ip",
    title: "EC2 private DNS name label (ip-a-b-c-d)",
    example: "ip-10-0-1-23.eu-west-1.compute.internal",
  },
  {
    id: "ec2-public-dns",
    tag: "EC2_PUBLIC_DNS",
    family: "dashed-ip-host",
    prefix: "ec2",
    title: "EC2 public DNS name label (ec2-a-b-c-d)",
    example: "ec2-54-12-34-56.compute-1.amazonaws.com",
  },

  // Resource hostnames: the resource labels are masked, the service domain stays
  {
    id: "rds-endpoint",
    tag: "RDS_ENDPOINT",
    family: "aws-host",
    services: ["rds"],
    title: "RDS / Aurora endpoint",
    example: "orders-db.c9akciq32.eu-west-1.rds.amazonaws.com",
  },
  {
    id: "elasticache-endpoint",
    tag: "ELASTICACHE_ENDPOINT",
    family: "aws-host",
    services: ["cache"],
    title: "ElastiCache endpoint",
    example: "my-cache.abc123.ng.0001.use1.cache.amazonaws.com",
  },
  {
    id: "redshift-endpoint",
    tag: "REDSHIFT_ENDPOINT",
    family: "aws-host",
    services: ["redshift", "redshift-serverless"],
    title: "Redshift endpoint",
    example: "analytics.c2abcdef1234.us-east-1.redshift.amazonaws.com",
  },
  {
    id: "opensearch-endpoint",
    tag: "OPENSEARCH_ENDPOINT",
    family: "aws-host",
    services: ["es", "aos"],
    title: "OpenSearch domain endpoint",
    example: "search-logs-abc123def456.us-east-1.es.amazonaws.com",
  },
  {
    id: "elb-hostname",
    tag: "ELB_HOSTNAME",
    family: "aws-host",
    services: ["elb"],
    title: "ELB / ALB / NLB hostname",
    example: "internal-api-alb-1234567890.us-east-1.elb.amazonaws.com",
  },
  {
    id: "api-gateway-host",
    tag: "API_GATEWAY",
    family: "aws-host",
    services: ["execute-api"],
    title: "API Gateway execute-api hostname",
    example: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
    // (learned: the API's id named alone elsewhere, "REST API orders-api (a1b2c3d4e5)", review of the fifty-third pass)
    learn: true,
  },
  {
    id: "eks-endpoint",
    tag: "EKS_ENDPOINT",
    family: "aws-host",
    services: ["eks"],
    title: "EKS cluster API endpoint",
    example: "0123456789ABCDEF0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com",
  },
  {
    id: "lambda-url",
    tag: "LAMBDA_URL",
    family: "aws-host",
    services: ["lambda-url"],
    title: "Lambda function URL id (<id>.lambda-url.<region>.on.aws)",
    example: "abcdefghij1234567890klmnopqrstuv.lambda-url.us-east-1.on.aws",
  },
  {
    id: "cloudfront-domain",
    tag: "CLOUDFRONT_DOMAIN",
    family: "aws-host",
    services: ["cloudfront.net"],
    title: "CloudFront distribution domain (dxxxx.cloudfront.net)",
    example: "d111111abcdef8.cloudfront.net",
  },
  {
    id: "ecr-repository",
    tag: "ECR_REPOSITORY",
    family: "aws-host",
    services: ["dkr"],
    title: "ECR repository in an image URI (the registry's account is masked too)",
    example: "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api:1.4.2",
    // (learned: docker's "Pulling from <repository>", a manifest's image without its registry)
    learn: true,
  },
  {
    id: "sqs-queue",
    tag: "SQS_QUEUE",
    family: "aws-host",
    services: ["sqs", "queue"],
    keys: ["queuename"],
    arn: ["sqs:"],
    learn: true,
    title: "SQS queue name (queue URLs, ARNs, QueueName)",
    example: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq",
  },
  {
    id: "aws-resource-host",
    tag: "AWS_HOST",
    family: "aws-host",
    services: [],
    title: "Other resource hostname under amazonaws.com",
    example: "b-1a2b3c4d.mq.us-east-1.amazonaws.com",
  },

  // Fixed-shape ids only recognisable by context
  {
    id: "route53-zone",
    tag: "HOSTED_ZONE",
    family: "ctx-id",
    first: "Z",
    minLen: 11,
    maxLen: 33,
    charset: "upper",
    // "1.0 20": a Route 53 public DNS query log line opens with its format version and a timestamp, then the zone
    // (1.0 2017-12-13T08:16:02.130Z Z123412341234 example.com A NOERROR UDP FRA6 192.168.1.1 -); cli53 takes the zone
    // as its argument (cli53 export --full Z0487..., cli53 rrcreate Z0487... 'www A 10.0.0.1')
    ctx: ["zone", "1.0 20", "cli53 "],
    arn: ["route53:hostedzone"],
    title: "Route 53 hosted zone id (Z + 10-32 upper alnum, by context)",
    example: '"HostedZoneId": "Z1D633PJN98FT9"',
    // (an id its context said once is masked wherever else it stands: "Invalidation on <id> finished")
    learn: true,
  },
  {
    id: "cloudfront-distribution",
    tag: "CLOUDFRONT_DISTRIBUTION",
    family: "ctx-id",
    first: "E",
    minLen: 13,
    maxLen: 15,
    charset: "upper",
    // (and an invalidation's: "can't invalidate E2ABCDEF12345X", create-invalidation; fifty-third pass: an origin access
    // identity's and an origin access control's ids have the same shape and say the distribution they serve: "Origin
    // Access Identity E1V0ZC3M8RPD6A" as its principal's ARN ends, "the legacy OAI E1V0...", "OAC is E3A6...")
    ctx: ["distribution", "invalidat", "origin access", " oai", " oac"],
    arn: ["cloudfront:distribution"],
    title: "CloudFront distribution id (by context)",
    example: "--distribution-id E2ABCDEF12345X",
    // (an id its context said once is masked wherever else it stands: "Invalidation on <id> finished")
    learn: true,
  },
  {
    id: "api-gateway-id",
    tag: "API_GATEWAY_ID",
    family: "ctx-id",
    minLen: 10,
    maxLen: 10,
    charset: "lower",
    ctx: ["restapi", "rest-api", "apiid", "api-id", "api_id", "api stage:", "httpsourceid", "stagekeys"],
    title: "API Gateway REST/HTTP API id (10 lower alnum, by context)",
    example: "--rest-api-id a1b2c3d4e5",
  },

  {
    id: "hex32-id",
    tag: "AWS_HEX_ID",
    family: "ctx-id",
    minLen: 32,
    maxLen: 32,
    charset: "lower",
    ctx: ["detector", "finding", "task", "container-instance", "containerinstance"],
    title:
      "GuardDuty detector or finding id, ECS task or container instance id (32 lower alnum, hex in practice, by context: detector, finding, task, container instance)",
    example: "GuardDuty detector 12abc34d567e8fa901bc2d34e0a1b2c3",
  },

  // S3
  {
    id: "s3-bucket",
    tag: "S3_BUCKET",
    family: "s3-bucket",
    keys: [
      "bucket",
      "bucketname",
      "s3bucket",
      "s3bucketname",
      "sourcebucket",
      "destinationbucket",
      "targetbucket",
      "homedirectory",
    ],
    learn: true,
    title: "S3 bucket name (s3:// URIs, all S3 URL styles, S3 ARNs, Bucket keys and flags)",
    example: "s3://acme-prod-invoices/2024/01/report.csv",
  },

  // Names by context (keys, CLI flags, key=value, Terraform attributes, ARNs); learned per request
  name(
    "lambda-function",
    "LAMBDA_FUNCTION",
    // (and the hooks of a CodeDeploy AppSpec for Lambda and ECS: - BeforeAllowTraffic: "<function>")
    ["functionname", "lambdafunctionname", "beforeallowtraffic", "afterallowtraffic", "afterallowtesttraffic"],
    ["lambda:function"],
    "Lambda function name",
    "--function-name orders-ingest",
  ),
  name(
    "db-instance",
    "DB_INSTANCE",
    ["dbinstanceidentifier", "sourcedbinstanceidentifier", "targetdbinstanceidentifier", "dbinstanceid"],
    ["rds:db"],
    "RDS DB instance identifier",
    '"DBInstanceIdentifier": "orders-prod"',
  ),
  name(
    "db-cluster",
    "DB_CLUSTER",
    ["dbclusteridentifier", "clusteridentifier", "sourcedbclusteridentifier"],
    ["rds:cluster"],
    "RDS / Aurora / Redshift cluster identifier",
    "DBClusterIdentifier: aurora-orders",
  ),
  name(
    "database-name",
    "DATABASE_NAME",
    ["dbname", "databasename", "database", "initialcatalog", "defaultdatabase"],
    [],
    "Database name",
    'db_name = "ordersdb"',
  ),
  name(
    "cluster-name",
    "CLUSTER_NAME",
    ["cluster", "clustername", "eksclustername", "ecsclustername"],
    ["eks:cluster", "ecs:cluster", "elasticache:cluster", "kafka:cluster"],
    "ECS / EKS / other cluster name",
    "--cluster payments-prod",
  ),
  name(
    "ecs-task",
    "ECS_TASK",
    ["task", "tasks", "taskid"],
    [],
    "ECS task id where the context says task (--task, --tasks, taskId)",
    "aws ecs stop-task --cluster payments-prod --task 0a1b2c3d4e5f40718293a4b5c6d7e8f9",
  ),
  name(
    "dynamodb-table",
    "DYNAMODB_TABLE",
    ["tablename", "dynamodbtable", "dynamodbtablename"],
    ["dynamodb:table"],
    "DynamoDB (or Glue/Athena) table name",
    '"TableName": "Orders"',
  ),
  name(
    "iam-role-name",
    "IAM_ROLE",
    ["rolename", "iamrolename", "iamrole"],
    ["iam:role"],
    "IAM role name",
    "--role-name deploy-bot",
  ),
  name(
    "role-session-name",
    "ROLE_SESSION",
    ["rolesessionname"],
    ["sts:assumed-role"],
    "Role session name (assumed-role ARNs, after an AROA id, RoleSessionName)",
    "arn:aws:sts::123456789012:assumed-role/deploy-bot/ci-4711",
  ),
  {
    id: "domain-name",
    tag: "DOMAIN",
    family: "contact",
    // (a name with a dot or an "@", never an English word: a subdomain holds its pseudonym; session.ts dotOrAt)
    learn: true,
    title:
      "A company's own DNS name outside AWS (whole), a SaaS tenant's label (<tenant>.atlassian.net); not public domains (AWS's, code hosts', registries', other clouds')",
    example: "curl -sS https://portal.brindlecove.com/healthz",
  },
  {
    id: "email-address",
    tag: "EMAIL",
    family: "contact",
    // (a name with a dot or an "@", never an English word: a subdomain holds its pseudonym; session.ts dotOrAt)
    learn: true,
    title: "An e-mail address (not a public service's own, as AWS's senders, nor at a reserved example domain)",
    example: "Alarm notifications go to netops@brindlecove.com",
  },
  {
    id: "person-name",
    tag: "PERSON",
    family: "contact",
    // (learned: a name echoed in another turn or another line is masked too; two or three capitalised words, never
    // a role's or a tool's, so no plain word; no AWS signal; contacts.ts)
    learn: true,
    title:
      "A person's name where a mailbox's display name, a workflow's words or a chat's layout put it, or an address spells it (Author: Priya Raman <...>, requested by Lena Hofstaedter, [03:07] Dana Okafor: ack)",
    example: "disk check requested by Lena Hofstaedter",
  },
  {
    id: "phone-number",
    tag: "PHONE",
    family: "contact",
    title: "A phone number in E.164 form (+ and 10-15 digits: SMS events, SNS subscriptions, Cognito's phone_number)",
    example: '"destinationPhoneNumber": "+14155550198"',
  },
  {
    id: "os-login",
    tag: "LOGIN",
    family: "contact",
    // (not learned: a README's /home/webpack/ is no name to mask all over a request)
    title:
      "A person's login of letters alone in a home directory's path (/home/<login>, /Users/<login>, C:\\Users\\<login>); one with a digit, '.', '_' or '-' is a resource-name, as in sshd's lines",
    example: "PS C:\\Users\\adaeze> nslookup portal.brindlecove.com",
  },
  {
    id: "resource-name",
    tag: "RESOURCE_NAME",
    family: "name",
    learn: true,
    title:
      "Any other resource name by context: the value of a key ending like a name key (KeyName, GroupName, TableNames, --stack-name, key_name, PhysicalResourceId, identifier ...)",
    example: 'aws autoscaling ... "AutoScalingGroupName": "orders-asg"',
  },
  name(
    "iam-user-name",
    "IAM_USER",
    ["username", "iamusername", "iamuser", "sub"],
    ["iam:user"],
    "IAM user name",
    '"UserName": "alice.ops"',
  ),
];
