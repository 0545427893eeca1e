// Starting the real gateway (Kong-compatible host + aws-masker + egress nginx + Redis) in front of the mock Claude.
import { startGateway, type Gateway, type GatewayOptions } from "../../host/gateway";
import { startMockClaude, type MockClaude } from "../harness/mock-claude";

export const SECRET = "integration-secret-0123456789abcdef";

export interface Stack {
  gw: Gateway;
  mock: MockClaude;
  stop(): Promise<void>;
}

export async function startStack(opts: GatewayOptions = {}, mock?: MockClaude): Promise<Stack> {
  const m = mock ?? (await startMockClaude({ port: 0 }));
  const gw = await startGateway({
    upstream: m.url,
    log: () => {},
    ...opts,
    env: { AWS_MASKER_SECRET: SECRET, ...(opts.env ?? {}) },
  });
  return {
    gw,
    mock: m,
    async stop() {
      await gw.stop();
      if (mock === undefined) await m.close();
    },
  };
}

export function messagesBody(content: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: "claude-sonnet-5", max_tokens: 256, messages: [{ role: "user", content }], ...extra });
}

export async function post(
  base: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(base + path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": "sk-test-tenant-a",
      "anthropic-version": "2023-06-01",
      ...headers,
    },
    body,
  });
}

/** Error-level lines of the gateway's log (Kong-style tests fail on any). */
export function errorLines(gw: Gateway): string[] {
  return gw
    .errorLog()
    .split("\n")
    .filter((l) => /\[(error|crit|alert|emerg)\]/.test(l));
}

export const IDS = {
  instance: "i-0a1b2c3d4e5f67890",
  vpc: "vpc-0fedcba9876543210",
  account: "123456789012",
  role: "arn:aws:iam::123456789012:role/deploy-bot",
  ip: "10.0.12.34",
  bucket: "s3://acme-prod-invoices/x",
};
export const ORIGINALS = [
  "i-0a1b2c3d4e5f67890",
  "vpc-0fedcba9876543210",
  "123456789012",
  "deploy-bot",
  "10.0.12.34",
  "acme-prod-invoices",
];
export const PROMPT = `Why is ${IDS.instance} in ${IDS.vpc} slow? Role ${IDS.role}, host ${IDS.ip}, logs ${IDS.bucket}`;

export function assertNoOriginals(text: string): string | undefined {
  return ORIGINALS.find((o) => text.includes(o));
}
