// Every byte that leaves, beyond the JSON text fields: headers (forwarding, client address, free text), the URL in
// every decoded form, attached documents and media, ambiguous JSON (duplicate keys), and stop_sequence in answers.
// Each test reads what the mock Claude received (headers included) and what the client got.
//
// One gateway, two services: "claude-api" (kong/kong.yml's shape: through the egress proxy, unscannable_content at
// its default, refuse) and "direct" (/direct/..., straight to the mock without the egress proxy, so the mock sees
// exactly what the gateway itself sends, as Kong would; unscannable_content: forward).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import { readFileSync } from "node:fs";
import { startGateway, type Gateway } from "../../host/gateway";
import { CLIENT_ADDRESS_HEADERS } from "../../host/nginx";
import { startMockClaude, type MockClaude } from "../harness/mock-claude";
import { parseSSE } from "../harness/sse";
import { SECRET, messagesBody, errorLines, PROMPT, assertNoOriginals, IDS } from "./support";

let mock: MockClaude;
let gw: Gateway;

const maskerConfig = { secret: "{vault://env/AWS_MASKER_SECRET}" };

beforeAll(async () => {
  mock = await startMockClaude({ port: 0 });
  gw = await startGateway({
    upstream: mock.url,
    redis: "none",
    log: () => {},
    env: { AWS_MASKER_SECRET: SECRET },
    configObject: {
      _format_version: "3.0",
      services: [
        {
          name: "claude-api",
          url: "http://claude-proxy:8080",
          routes: [{ name: "messages", paths: ["/v1/"], strip_path: false }],
          plugins: [{ name: "aws-masker", config: maskerConfig }],
        },
        {
          name: "direct",
          url: mock.url,
          routes: [{ name: "direct", paths: ["/direct/"], strip_path: true }],
          plugins: [{ name: "aws-masker", config: { ...maskerConfig, unscannable_content: "forward" } }],
        },
      ],
    },
  });
}, 60000);

afterAll(async () => {
  const errors = gw ? errorLines(gw) : [];
  const log = gw ? gw.errorLog() : "";
  await gw?.stop();
  await mock?.close();
  expect(errors).toEqual([]);
  expect(assertNoOriginals(log)).toBeUndefined();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request: the path goes on the wire exactly as given (fetch would normalise dot segments). */
function send(method: string, path: string, headers: http.OutgoingHttpHeaders, body?: string): Promise<Answer> {
  const u = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

const API = { "content-type": "application/json", "x-api-key": "sk-test-surfaces", "anthropic-version": "2023-06-01" };

function post(path: string, body: string, headers: http.OutgoingHttpHeaders = {}): Promise<Answer> {
  return send("POST", path, { ...API, ...headers }, body);
}

/** What the client sends from behind an internal load balancer (the ELB's own headers included). */
const BEHIND_LB = {
  "x-forwarded-for": `${IDS.ip}, 10.0.0.7`,
  "x-forwarded-host": "internal-api-lb-1234567890.us-east-1.elb.amazonaws.com",
  "x-forwarded-proto": "https",
  "x-forwarded-port": "443",
  "x-forwarded-server": "ip-10-0-12-34.ec2.internal",
  "x-real-ip": IDS.ip,
  forwarded: `for=${IDS.ip};proto=https`,
  via: "1.1 internal-api-lb-1234567890.us-east-1.elb.amazonaws.com",
  "true-client-ip": IDS.ip,
  "x-amzn-trace-id": "Root=1-67891233-abcdef012345678912345678",
};

const ERROR_SHAPE = /^aws-masker: /;

function refusal(a: Answer): { type: string; message: string } {
  const j = JSON.parse(a.body);
  expect(j.type).toBe("error");
  expect(j.error.message).toMatch(ERROR_SHAPE);
  return j.error;
}

describe("forwarding and client-address headers", () => {
  it("none reaches the upstream through the egress proxy; the client still gets its restored answer", async () => {
    mock.reset();
    const a = await post("/v1/messages", messagesBody(PROMPT), BEHIND_LB);
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body).content[0].text).toBe(`Echo: ${PROMPT}`);
    const seen = mock.received[0].headers;
    for (const name of Object.keys(seen))
      expect(name, name).not.toMatch(/^(x-forwarded-|x-real-ip$|forwarded$|via$|true-client-ip$|x-amzn-trace-id$)/);
    expect(assertNoOriginals(JSON.stringify(seen))).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain("elb.amazonaws.com");
  });

  it("the gateway itself sends none but X-Real-IP (Kong's $remote_addr, which no plugin can change: the egress proxy removes it)", async () => {
    mock.reset();
    const a = await post("/direct/v1/messages", messagesBody(PROMPT), BEHIND_LB);
    expect(a.status).toBe(200);
    const seen = mock.received[0].headers;
    const sent = Object.keys(seen).filter((n) =>
      /^(x-forwarded-|x-real-ip$|forwarded$|via$|true-client-ip$|x-amzn-trace-id$)/.test(n),
    );
    expect(sent).toEqual(["x-real-ip"]);
    expect(seen["x-real-ip"]).toBe("127.0.0.1"); // the TCP peer, never the client's own X-Real-IP header
  });

  it("kong/claude-proxy.conf strips the same headers as the host's egress proxy", () => {
    const conf = readFileSync("kong/claude-proxy.conf", "utf8");
    for (const h of CLIENT_ADDRESS_HEADERS) expect(conf, h).toContain(`proxy_set_header ${h} "";`);
  });
});

describe("other request headers", () => {
  it("free-text headers are masked in place (repeated ones value by value); credentials and protocol values go as sent", async () => {
    mock.reset();
    const a = await post("/v1/messages", messagesBody("hello"), {
      "x-ticket": `instance ${IDS.instance} in ${IDS.vpc}`,
      "x-note": [`role ${IDS.role}`, "plain"],
      "user-agent": "ops-bot/1.2 (account 123456789012)",
      "anthropic-beta": "prompt-caching-2024-07-31",
      cookie: `session=abc; last=${IDS.ip}`,
    });
    expect(a.status).toBe(200);
    const seen = mock.received[0].headers;
    expect(assertNoOriginals(JSON.stringify(seen))).toBeUndefined();
    expect(seen["x-ticket"]).toMatch(/^instance EC2_INSTANCE_[0-9a-z]{10} in VPC_[0-9a-z]{10}$/);
    expect(String(seen["x-note"])).toMatch(
      /role arn:aws:iam::AWS_ACCOUNT_[0-9a-z]{10}:role\/IAM_ROLE_[0-9a-z]{10}.*plain/,
    );
    expect(seen["user-agent"]).toMatch(/^ops-bot\/1\.2 \(account AWS_ACCOUNT_[0-9a-z]{10}\)$/);
    expect(seen.cookie).toMatch(/^session=abc; last=PRIVATE_IP_[0-9a-z]{10}$/);
    expect(seen["x-api-key"]).toBe("sk-test-surfaces");
    expect(seen["anthropic-version"]).toBe("2023-06-01");
    expect(seen["anthropic-beta"]).toBe("prompt-caching-2024-07-31");
  });

  it("a header value seen clean before is still masked when this request's body teaches a name in it", async () => {
    mock.reset();
    // a bucket name no earlier test taught this tenant (the tenant's memory would mask it from the start)
    const bucket = "surfaces-header-report-bucket";
    // the bare bucket name is no identifier on its own: the value is remembered as clean
    await post("/v1/messages", messagesBody("hello"), { "x-report": bucket });
    expect(mock.received[0].headers["x-report"]).toBe(bucket);
    // the body names it as a bucket (s3://...): the same header value now carries its pseudonym
    await post("/v1/messages", messagesBody(`logs in s3://${bucket}/x`), { "x-report": bucket });
    expect(mock.received[1].headers["x-report"]).toMatch(/^S3_BUCKET_[0-9a-z]{10}$/);
  });

  it("a header value seen clean before is masked once the tenant's memory holds the name (learned in an earlier request)", async () => {
    mock.reset();
    const bucket = "surfaces-remembered-bucket";
    const tenant = { "x-api-key": "sk-test-surfaces-memory" };
    await post("/v1/messages", messagesBody("hello"), { ...tenant, "x-report": bucket });
    expect(mock.received[0].headers["x-report"]).toBe(bucket);
    // the name is learned from its context and remembered for the tenant
    await post("/v1/messages", messagesBody(`logs in s3://${bucket}/x`), tenant);
    // no context in this request: only the tenant's memory knows the name, and the header was cached as clean
    await post("/v1/messages", messagesBody("hello again"), { ...tenant, "x-report": bucket });
    expect(mock.received[2].headers["x-report"]).toMatch(/^S3_BUCKET_[0-9a-z]{10}$/);
  });

  it("a header name holding an identifier is refused (a name cannot be masked)", async () => {
    mock.reset();
    const a = await post("/v1/messages", messagesBody("hello"), { [`x-owner-${IDS.account}`]: "1" });
    expect(a.status).toBe(400);
    expect(refusal(a).message).toContain("header name");
    expect(a.body).not.toContain(IDS.account);
    expect(mock.received.length).toBe(0);
  });

  it("a header's identifier uses the same pseudonym as the body's", async () => {
    mock.reset();
    await post("/v1/messages", messagesBody(`look at ${IDS.instance}`), { "x-ticket": IDS.instance });
    const r = mock.received[0];
    expect(r.body).toContain(String(r.headers["x-ticket"]));
  });

  it("a request without a body (GET /v1/models) has its headers masked too", async () => {
    mock.reset();
    await send("GET", "/v1/models", { ...API, "x-ticket": IDS.instance });
    expect(mock.received.length).toBe(1);
    expect(mock.received[0].headers["x-ticket"]).toMatch(/^EC2_INSTANCE_[0-9a-z]{10}$/);
  });
});

describe("the URL, in every decoded form", () => {
  const cases: [string, string][] = [
    ["a percent-encoded ARN in the query", "/v1/messages?ctx=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy-bot"],
    ["%2F inside a path segment", `/v1/messages/x%2F${IDS.instance}`],
    ["double encoding", "/v1/messages?q=i%252D0a1b2c3d4e5f67890"],
    [
      "an identifier removed by dot segments (Kong normalises it away, the raw form holds it)",
      `/v1/${IDS.instance}/../messages`,
    ],
    ["encoded letters", "/v1/messages?vpc=%76%70%63-0fedcba9876543210"],
  ];
  for (const [what, path] of cases) {
    it(`refused (400) with ${what}; nothing reaches the upstream`, async () => {
      mock.reset();
      const a = await post(path, messagesBody("hello"));
      expect(a.status).toBe(400);
      expect(refusal(a).type).toBe("invalid_request_error");
      expect(a.body).not.toContain(IDS.instance);
      expect(mock.received.length).toBe(0);
    });
  }

  it("encoded deeper than four layers: refused", async () => {
    mock.reset();
    const a = await post("/v1/messages?q=%2525252525252541", messagesBody("hello"));
    expect(a.status).toBe(400);
    expect(mock.received.length).toBe(0);
  });

  it("a clean query string (Claude Code's ?beta=true) passes unchanged", async () => {
    mock.reset();
    const a = await post("/v1/messages?beta=true", messagesBody("hello"));
    expect(a.status).toBe(200);
    expect(mock.received[0].path).toBe("/v1/messages?beta=true");
  });
});

const DOC_TEXT = `Inventory\n${IDS.instance} runs in ${IDS.vpc}, account ${IDS.account} — owner café`;
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const PDF = b64(`%PDF-1.4\n1 0 obj << /Length 40 >> stream\nBT (${IDS.instance}) Tj ET\nendstream endobj\n%%EOF`);
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

function sourceOf(body: string, block: number): { data: string } {
  return JSON.parse(body).messages[0].content[block].source;
}

describe("attached documents and media", () => {
  it("a base64 text/plain document is decoded, masked and re-encoded; the client gets its answer", async () => {
    mock.reset();
    const a = await post(
      "/v1/messages",
      messagesBody([
        { type: "document", source: { type: "base64", media_type: "text/plain", data: b64(DOC_TEXT) } },
        { type: "text", text: "summarise" },
      ]),
    );
    expect(a.status).toBe(200);
    const sent = Buffer.from(sourceOf(mock.received[0].body, 0).data, "base64").toString("utf8");
    expect(assertNoOriginals(sent)).toBeUndefined();
    expect(sent).toMatch(
      /^Inventory\nEC2_INSTANCE_[0-9a-z]{10} runs in VPC_[0-9a-z]{10}, account AWS_ACCOUNT_[0-9a-z]{10} — owner café$/,
    );
  });

  it("a text source is masked as text", async () => {
    mock.reset();
    const a = await post(
      "/v1/messages",
      messagesBody([
        {
          type: "document",
          title: `notes on ${IDS.vpc}`,
          source: { type: "text", media_type: "text/plain", data: DOC_TEXT },
        },
      ]),
    );
    expect(a.status).toBe(200);
    expect(assertNoOriginals(mock.received[0].body)).toBeUndefined();
    expect(sourceOf(mock.received[0].body, 0).data).toMatch(/EC2_INSTANCE_[0-9a-z]{10} runs in VPC_/);
  });

  const unscannable: [string, unknown][] = [
    ["a PDF", { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF } }],
    ["an image", { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }],
    ["an image URL", { type: "image", source: { type: "url", url: "https://example.com/diagram.png" } }],
    ["a file id", { type: "document", source: { type: "file", file_id: "file_011CNha8iCJcU1wXNR6q4V8w" } }],
    [
      "UTF-16 text",
      {
        type: "document",
        source: {
          type: "base64",
          media_type: "text/plain; charset=utf-16le",
          data: Buffer.from(DOC_TEXT, "utf16le").toString("base64"),
        },
      },
    ],
  ];
  for (const [what, block] of unscannable) {
    it(`${what}: refused by default (400 naming unscannable_content), nothing upstream`, async () => {
      mock.reset();
      const a = await post("/v1/messages", messagesBody([block, { type: "text", text: `about ${IDS.instance}` }]));
      expect(a.status).toBe(400);
      const e = refusal(a);
      expect(e.type).toBe("invalid_request_error");
      expect(e.message).toContain("unscannable_content: forward");
      expect(mock.received.length).toBe(0);
    });
  }

  it("with unscannable_content: forward, media go unchanged and the text around them is still masked", async () => {
    mock.reset();
    const a = await post(
      "/direct/v1/messages",
      messagesBody([
        { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF } },
        { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
        { type: "text", text: `about ${IDS.instance}` },
      ]),
    );
    expect(a.status).toBe(200);
    const body = mock.received[0].body;
    expect(sourceOf(body, 0).data).toBe(PDF); // forwarded as it was: the operator chose to
    expect(sourceOf(body, 1).data).toBe(PNG);
    expect(JSON.parse(body).messages[0].content[2].text).toMatch(/^about EC2_INSTANCE_[0-9a-z]{10}$/);
  });
});

describe("ambiguous JSON", () => {
  it("a duplicate key (thinking first, text last) is refused, never guessed", async () => {
    mock.reset();
    const body =
      `{"model":"claude-sonnet-5","max_tokens":256,"messages":[{"role":"user","content":[` +
      `{"type":"thinking","thinking":"${PROMPT}","signature":"sig","type":"text","text":"${PROMPT}"}]}]}`;
    const a = await post("/v1/messages", body);
    expect(a.status).toBe(400);
    expect(refusal(a).message).toMatch(/duplicate object key at byte \d+/);
    expect(a.body).not.toContain(IDS.instance);
    expect(mock.received.length).toBe(0);
  });

  it("a duplicate key spelled with an escape, or deep in tool input, is refused too", async () => {
    mock.reset();
    const a = await post(
      "/v1/messages",
      `{"model":"claude-sonnet-5","max_tokens":256,"messages":[],"\\u006dodel":"x"}`,
    );
    expect(a.status).toBe(400);
    const b = await post(
      "/v1/messages",
      messagesBody([{ type: "tool_use", id: "toolu_1", name: "t", input: {} }]).replace(
        '"input":{}',
        '"input":{"a":{"k":1,"k":2}}',
      ),
    );
    expect(b.status).toBe(400);
    expect(mock.received.length).toBe(0);
  });
});

describe("stop_sequence comes back restored", () => {
  // an upstream that stops on the first of the request's stop_sequences (which it received masked)
  let up: http.Server;
  let gw2: Gateway;
  beforeAll(async () => {
    up = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        const stop = body.stop_sequences[0];
        const message = {
          id: "msg_1",
          type: "message",
          role: "assistant",
          model: body.model,
          content: [{ type: "text", text: "Look at " }],
          stop_reason: "stop_sequence",
          stop_sequence: stop,
          usage: { input_tokens: 5, output_tokens: 3 },
        };
        if (!body.stream) {
          res.writeHead(200, { "content-type": "application/json" });
          return res.end(JSON.stringify(message));
        }
        res.writeHead(200, { "content-type": "text/event-stream" });
        const ev = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
        res.end(
          ev("message_start", {
            type: "message_start",
            message: { ...message, content: [], stop_reason: null, stop_sequence: null },
          }) +
            ev("content_block_start", {
              type: "content_block_start",
              index: 0,
              content_block: { type: "text", text: "" },
            }) +
            ev("content_block_delta", {
              type: "content_block_delta",
              index: 0,
              delta: { type: "text_delta", text: "Look at " },
            }) +
            ev("content_block_stop", { type: "content_block_stop", index: 0 }) +
            ev("message_delta", {
              type: "message_delta",
              delta: { stop_reason: "stop_sequence", stop_sequence: stop },
              usage: { output_tokens: 3 },
            }) +
            ev("message_stop", { type: "message_stop" }),
        );
      });
    });
    await new Promise<void>((r) => up.listen(0, "127.0.0.1", () => r()));
    const port = (up.address() as { port: number }).port;
    gw2 = await startGateway({
      upstream: `http://127.0.0.1:${port}`,
      redis: "none",
      log: () => {},
      env: { AWS_MASKER_SECRET: SECRET },
    });
  }, 60000);
  afterAll(async () => {
    await gw2?.stop();
    await new Promise((r) => up?.close(r));
  });

  for (const stream of [false, true]) {
    it(stream ? "streamed: message_delta.delta.stop_sequence" : "JSON answer: stop_sequence", async () => {
      const res = await fetch(gw2.url + "/v1/messages", {
        method: "POST",
        headers: API,
        body: messagesBody(`Look at ${IDS.instance}`, { stop_sequences: [IDS.instance], stream }),
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      if (!stream) {
        expect(JSON.parse(text).stop_sequence).toBe(IDS.instance);
        return;
      }
      const delta = parseSSE(text).find((e) => e.event === "message_delta");
      expect(delta, text).toBeDefined();
      expect(delta!.data.delta.stop_sequence).toBe(IDS.instance);
    });
  }
});
