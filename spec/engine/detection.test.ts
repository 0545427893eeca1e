// Detection: boundaries and precision per kind, names by context, learned names, custom patterns, configuration.
// The corpus scorer (scripts/score-detection.ts) covers recall on realistic documents and Node/Lua agreement.
import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createNodeMasker, newSession, maskText, maskJson, findIn, policyFor, KINDS } from "../../lib/engine";
import type { Masker } from "../../lib/engine";

const masker = createNodeMasker({ secret: "detection-test" });

function found(text: string, m: Masker = masker, keyCtx = ""): [string, string][] {
  return findIn(newSession(m, "t"), text, keyCtx).map((x) => [x.kind.id, text.substring(x.s, x.e)]);
}
function mask(text: string, m: Masker = masker): string {
  return maskText(newSession(m, "t"), text, "");
}

const HEX17 = "0a1b2c3d4e5f60718";
const HEX8 = "1a2b3c4d";

describe("prefixed hex ids", () => {
  const hexKinds = KINDS.filter((k) => k.family === "prefixed-hex");
  it("has the EC2/VPC prefixes the issue lists", () => {
    const prefixes = new Set(hexKinds.map((k) => k.prefix));
    for (const p of ["i", "ami", "aki", "ari", "vol", "snap", "eni", "eni-attach", "igw", "eigw", "nat", "vgw", "cgw", "lgw", "tgw",
      "tgw-attach", "tgw-rtb", "vpce", "vpce-svc", "pcx", "rtb", "acl", "eipalloc", "eipassoc", "dopt", "pl", "lt", "r", "sir", "h",
      "cr", "fs", "fsap", "fsmt", "import-ami", "import-snap", "export-i", "sg", "subnet", "vpc"]) {
      expect(prefixes.has(p), p).toBe(true);
    }
  });
  for (const k of hexKinds) {
    const lengths = k.lengths as number[];
    it(`${k.prefix}-: exact boundaries`, () => {
      for (const len of lengths) {
        const hex = (HEX17 + HEX17).substring(0, len);
        const id = `${k.prefix}-${hex}`;
        expect(found(`x ${id} y`)).toEqual([[k.id, id]]);
        expect(found(`(${id}).`)).toEqual([[k.id, id]]);
        // one hex too many or too few: nothing, and never a cut-off piece
        expect(found(`x ${id}f y`)).toEqual([]);
        expect(found(`x ${id.substring(0, id.length - 1)} y`)).toEqual([]);
        // glued to a word
        expect(found(`x${id} y`)).toEqual([]);
        // (r-<hex>g is a well-formed organization root id, r-[0-9a-z]{4,32}: never a reservation, never a piece)
        expect(found(`x ${id}g y`).filter((f) => f[0] === k.id || f[1] !== `${id}g`)).toEqual([]);
      }
    });
  }
  it("ami-<17 hex> never becomes am<MASK>; a 17-hex id never leaks a tail", () => {
    const out = mask(`ami-${HEX17} i-${HEX17} vol-${HEX17}`);
    expect(out).toMatch(/^AMI_[0-9a-z]{10} EC2_INSTANCE_[0-9a-z]{10} EBS_VOLUME_[0-9a-z]{10}$/);
    expect(mask(`xami-${HEX17}`)).toBe(`xami-${HEX17}`);
  });
  it("legacy 8-hex and 17-hex side by side", () => {
    expect(found(`i-${HEX8} i-${HEX17}`).map((f) => f[0])).toEqual(["ec2-instance", "ec2-instance"]);
  });
  it("r- reservations (8/17 hex) vs organization roots", () => {
    expect(found(`r-${HEX8} r-${HEX17} r-ab12 r-x7k2m9`)).toEqual([
      ["reservation", `r-${HEX8}`], ["reservation", `r-${HEX17}`], ["org-root", "r-ab12"], ["org-root", "r-x7k2m9"],
    ]);
    expect(found("the r-squared value, r-ab, r-2024x-y")).toEqual([]);
  });
});

describe("organizations, IAM, credentials", () => {
  it("org ids", () => {
    expect(found("o-a1b2c3d4e5 ou-ab12-cd34ef56 o-short o-abcdefghijkl ou-ab-cd")).toEqual([["org-id", "o-a1b2c3d4e5"], ["org-unit", "ou-ab12-cd34ef56"]]);
  });
  it("every IAM unique-id prefix", () => {
    for (const p of ["AIDA", "AROA", "ANPA", "AGPA", "AIPA", "ANVA", "ASCA", "APKA", "ABIA", "ACCA", "AKIA", "ASIA"]) {
      const id = `${p}JQABLZS4A3QDU576`;
      expect(found(`id ${id}.`).length, p).toBe(1);
      // unique ids of 21 units (4 + 17) exist too; 22 or 19 are nothing, never a cut-off piece
      expect(found(`id ${id}X`).map((f) => f[1]), p).toEqual([`${id}X`]);
      expect(found(`id ${id}XY`), p).toEqual([]);
      expect(found(`id ${p}JQABLZS4A3QDU57`), p).toEqual([]);
    }
  });
  it("secret keys by context; a bare git SHA is no secret, but any value of a secret field is one", () => {
    expect(found("aws_secret_access_key = 7sGq/Nx2Lr9KpT4vWb8Zc1Yd6Hf0Jm3QeRtUiOpA")[0][0]).toBe("secret-access-key");
    expect(found("commit da39a3ee5e6b4b0d3255bfef95601890afd80709")).toEqual([]);
    expect(found("secret: da39a3ee5e6b4b0d3255bfef95601890afd80709")).toEqual([["credential", "da39a3ee5e6b4b0d3255bfef95601890afd80709"]]);
  });
});

describe("numbers: accounts, epochs, IPv4", () => {
  it("13-digit epoch ms is never cut to 12 digits", () => {
    expect(found("account epoch 1700000000123 and 1700000000")).toEqual([]);
    expect(found("account 123456789012")).toEqual([["account-id", "123456789012"]]);
  });
  it("public IPv4 vs versions", () => {
    expect(found("host 54.239.28.85, private 10.0.12.34")).toEqual([["public-ipv4", "54.239.28.85"], ["private-ipv4", "10.0.12.34"]]);
    expect(found("version 1.2.3.4, v1.2.3.4, version 8.4.2.1, 1.2.3, 1.2.3.4.5, 127.0.0.1, 169.254.169.254")).toEqual([]);
  });
  it("public IPv4 can be turned off with disabledKinds", () => {
    const m = createNodeMasker({ secret: "x", disabledKinds: ["public-ipv4"] });
    expect(found("54.239.28.85 10.0.0.1", m)).toEqual([["private-ipv4", "10.0.0.1"]]);
  });
});

describe("IPv6", () => {
  it("full and compressed forms with exact boundaries", () => {
    for (const a of ["2600:1f18:4a3:6902:5e3c:9f1a:44b2:c0de", "2600:1f18:4a3:6902::1e", "fe80::1ff:fe23:4567:890a", "::ffff:10.0.0.1", "2001:DB8::8:800:200C:417A"]) {
      expect(found(`addr ${a} ok`), a).toEqual([["ipv6", a]]);
      expect(found(`[${a}]:443`), a).toEqual([["ipv6", a]]);
    }
    expect(found("2600:1f18:abcd::/56")).toEqual([["ipv6", "2600:1f18:abcd::"]]);
  });
  it("not times, MACs, ARNs, :: alone, code", () => {
    const neg = "10:30:45 23:59:59.999 00:1a:2b:3c:4d:5e :: ::1 std::vector A::B a[::2] fe80:: 1:2:3:4:5:6:7:8:9 x::y";
    expect(found(neg)).toEqual([]);
    expect(found("arn:aws:iam::123456789012:role/x").map((f) => f[0])).not.toContain("ipv6");
  });
});

describe("names by context", () => {
  it("JSON/YAML keys, CLI flags, key=value, Terraform attributes", () => {
    expect(found('"BucketName": "acme-data-1"')).toEqual([["s3-bucket", "acme-data-1"]]);
    expect(found("DBInstanceIdentifier: orders-prod")).toEqual([["db-instance", "orders-prod"]]);
    expect(found("aws lambda invoke --function-name orders-ingest out.json")).toEqual([["lambda-function", "orders-ingest"]]);
    expect(found("--db-instance-identifier=orders-prod")).toEqual([["db-instance", "orders-prod"]]);
    expect(found("table_name=Orders2024 queue_name=jobs-dlq")).toEqual([["dynamodb-table", "Orders2024"], ["sqs-queue", "jobs-dlq"]]);
    expect(found('bucket        = "tf-logs-bucket"\nfunction_name = "tf-fn"')).toEqual([["s3-bucket", "tf-logs-bucket"], ["lambda-function", "tf-fn"]]);
    expect(found("--role-name deploy-bot --user-name alice.ops --cluster payments")).toEqual([
      ["iam-role-name", "deploy-bot"], ["iam-user-name", "alice.ops"], ["cluster-name", "payments"],
    ]);
  });
  it("the JSON member name is the context of its value", () => {
    expect(found("orders-ingest", masker, "FunctionName")).toEqual([["lambda-function", "orders-ingest"]]);
    expect(found("orders ingest", masker, "FunctionName")).toEqual([]);
  });
  it("precision: stoplist, length, references, code", () => {
    expect(found('"Bucket": "default" --cluster test --function-name ab role_name = null bucket = var.bucket_name')).toEqual([]);
    expect(found("bucket = get_bucket(name)  const user_name = process.env.USER_NAME")).toEqual([]);
    expect(found("the bucket was full; the function returned; cluster: 3 nodes")).toEqual([]);
  });
  it("learned names: every earlier and later occurrence, word boundaries only", () => {
    const out = mask("orders-ingest failed. --function-name orders-ingest; later orders-ingest-v2 and orders-ingest.");
    const p = out.match(/LAMBDA_FUNCTION_[0-9a-z]{10}/g) as string[];
    expect(p.length).toBe(3);
    expect(new Set(p).size).toBe(1);
    expect(out).toContain("orders-ingest-v2");
  });
  it("learned names across JSON strings (earlier strings too)", () => {
    const body = JSON.stringify({ messages: [{ role: "user", content: "why is acme-orders-eu slow?" }, { role: "user", content: "aws s3 ls --bucket acme-orders-eu" }] });
    const s = newSession(masker, "t");
    const out = maskJson(s, body, policyFor("/v1/messages")).text as string;
    expect(out).not.toContain("acme-orders-eu");
    expect(JSON.parse(out).messages[0].content).toMatch(/^why is S3_BUCKET_[0-9a-z]{10} slow\?$/);
  });
  it("names from ARNs keep one pseudonym", () => {
    const out = mask("arn:aws:iam::123456789012:role/service-role/deploy-bot assumed by deploy-bot");
    const p = out.match(/IAM_ROLE_[0-9a-z]{10}/g) as string[];
    expect(p.length).toBe(2);
    expect(p[0]).toBe(p[1]);
    expect(out).toContain("role/service-role/IAM_ROLE_");
  });
});

describe("context ids", () => {
  it("KMS key ids only in key contexts", () => {
    const u = "1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(found(`"KeyId": "${u}"`)).toEqual([["kms-key-id", u]]);
    expect(found(`--kms-key-id ${u}`)).toEqual([["kms-key-id", u]]);
    expect(found(u, masker, "KmsKeyId")).toEqual([["kms-key-id", u]]);
    expect(found(`request ${u} done`)).toEqual([]);
    expect(found("alias/orders-key and alias/aws/s3")).toEqual([["kms-alias", "alias/orders-key"]]);
  });
  it("hosted zones, distributions, API ids by context", () => {
    expect(found("HostedZoneId: Z1D633PJN98FT9")).toEqual([["route53-zone", "Z1D633PJN98FT9"]]);
    expect(found("id Z1D633PJN98FT9")).toEqual([]);
    expect(found("--distribution-id E2ABCDEF12345X")).toEqual([["cloudfront-distribution", "E2ABCDEF12345X"]]);
    expect(found("--rest-api-id a1b2c3d4e5 and deployment")).toEqual([["api-gateway-id", "a1b2c3d4e5"]]);
  });
});

describe("custom patterns", () => {
  it("are found by the injected finder and tagged CUSTOM_<NAME>", () => {
    const m = createNodeMasker({ secret: "x", customPatterns: [{ name: "ticket", pattern: "TICKET-[0-9]{4,}" }, { name: "emp", pattern: "EMP[0-9]{6}", kind: "iam-user-name" }] });
    expect(mask("see TICKET-1234 and EMP123456 i-1a2b3c4d", m)).toMatch(/^see CUSTOM_TICKET_[0-9a-z]{10} and IAM_USER_[0-9a-z]{10} EC2_INSTANCE_[0-9a-z]{10}$/);
    const off = createNodeMasker({ secret: "x", disabledKinds: ["ticket"], customPatterns: [{ name: "ticket", pattern: "TICKET-[0-9]+" }] });
    expect(found("TICKET-1234", off)).toEqual([]);
  });
});

describe("catalogue", () => {
  it("has at least 60 kinds with unique ids and tags, each example detected as its kind", () => {
    expect(KINDS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(KINDS.map((k) => k.id)).size).toBe(KINDS.length);
    for (const k of KINDS) {
      expect(k.tag, k.id).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(found(k.example).map((f) => f[0]), `${k.id}: ${k.example}`).toContain(k.id);
    }
  });
});

describe("negative corpus", () => {
  const dir = join(import.meta.dirname, "../fixtures/corpus/negative");
  // the hand-written files; the generated family folders are scored by scripts/score-detection.ts (share of tokens)
  for (const f of readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile())) {
    // private IPv4 addresses are always masked, even after "version" (issue 9: a false positive there costs nothing)
    it(`${f}: nothing found but private IPv4 addresses`, () => {
      expect(found(readFileSync(join(dir, f), "utf8")).filter((x) => x[0] !== "private-ipv4")).toEqual([]);
    });
  }
});
