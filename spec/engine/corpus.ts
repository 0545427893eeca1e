// Random inputs for property and cross-runtime tests: text and Claude request bodies with identifiers injected
// among characters chosen to sit next to them (separators, escapes, non-ASCII). Seeded: the same run every time.
export const SAMPLE_IDS = [
  "i-0a1b2c3d4e5f67890",
  "i-1a2b3c4d",
  "ami-0abcdef1234567890",
  "vol-049df61146c4d7901",
  "snap-0b5e4f1d9c3a2e8f7",
  "sg-0123456789abcdef0",
  "subnet-0a1b2c3d",
  "vpc-0fedcba9876543210",
  "eni-0e3f1a2b3c4d5e6f7",
  "igw-0c0ffee0c0ffee000",
  "nat-0a9b8c7d6e5f40312",
  "rtb-0123abcd4567ef890",
  "acl-0a1b2c3d",
  "eipalloc-0b1c2d3e4f5a6b7c8",
  "tgw-0262a0e521a0b1c2d",
  "vpce-0a1b2c3d4e5f60718",
  "pcx-1a2b3c4d",
  "fs-0123456789abcdef0",
  "lt-0abcd1234ef567890",
  "arn:aws:iam::123456789012:role/deploy-bot",
  "arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-0a1b2c3d4e5f67890",
  "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts",
  "AKIAIOSFODNN7EXAMPL2",
  "ASIAY34FZKBOKMUTVV7A",
  "10.0.12.34",
  "172.20.1.1",
  "192.168.0.10",
  "54.239.28.85",
  "ip-10-0-1-23.eu-west-1.compute.internal",
  "orders-db.c9akciq32.eu-west-1.rds.amazonaws.com",
  "internal-api-alb-1234567890.us-east-1.elb.amazonaws.com",
  "ec2-54-12-34-56.compute-1.amazonaws.com",
  "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
  "123456789012.dkr.ecr.us-east-1.amazonaws.com",
  "s3://acme-prod-invoices/x",
  "https://sqs.us-east-1.amazonaws.com/123456789012/q1",
];
const FILLER = [
  "a",
  "Z",
  "0",
  "9",
  "-",
  ".",
  ":",
  "/",
  "_",
  " ",
  " ",
  " ",
  "\n",
  "\t",
  '"',
  "\\",
  ",",
  "é",
  "日",
  "😀",
  "=",
  "x-",
  "ip",
  "arn",
  "s3",
];

export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/** Random text; returns the text and the identifiers injected with a separator on both sides. */
export function randomText(r: () => number, len: number): { text: string; ids: string[] } {
  const parts: string[] = [];
  const ids: string[] = [];
  while (parts.join("").length < len) {
    if (r() < 0.15) {
      const id = SAMPLE_IDS[Math.floor(r() * SAMPLE_IDS.length)];
      parts.push(" ", id, " ");
      ids.push(id);
    } else {
      parts.push(FILLER[Math.floor(r() * FILLER.length)]);
    }
  }
  return { text: parts.join(""), ids };
}

/** A random Claude request body with text in the places the field rules scan. */
export function randomBody(r: () => number): { json: string; ids: string[] } {
  const ids: string[] = [];
  const t = () => {
    const x = randomText(r, 10 + Math.floor(r() * 80));
    ids.push(...x.ids);
    return x.text;
  };
  const block = () =>
    r() < 0.5
      ? { type: "text", text: t() }
      : { type: "tool_result", tool_use_id: "toolu_01", content: [{ type: "text", text: t() }] };
  const body = {
    model: "claude-sonnet-5",
    max_tokens: Math.floor(r() * 4096),
    system: t(),
    messages: [
      { role: "user", content: t() },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "toolu_01", name: "run", input: { cmd: t(), n: [1, 2.5, -3e2] } }],
      },
      { role: "user", content: [block(), block()] },
    ],
  };
  const json = JSON.stringify(body, null, r() < 0.5 ? undefined : 2);
  return { json, ids };
}
