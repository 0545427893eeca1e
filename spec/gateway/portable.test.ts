// The integration checks that hold on any gateway running aws-masker in front of the mock Claude: the host (default,
// started here) or real Kong in docker-compose (GATEWAY_URL + MOCK_URL, see README "Install on Kong"). Everything
// goes over HTTP: requests to the gateway, and what the mock received through its recording endpoint.
//   GATEWAY_URL=http://kong:8000 MOCK_URL=http://mock-claude:8080 npx vitest run spec/gateway/portable.test.ts
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startMockClaude, RECEIVED_PATH, type RecordedRequest } from "../harness/mock-claude";
import { parseSSE, assembleMessage } from "../harness/sse";
import { startStack, post, messagesBody, PROMPT, IDS, assertNoOriginals, type Stack } from "./support";

const remote = process.env.GATEWAY_URL;
let gatewayUrl: string;
let mockUrl: string;
let stack: Stack | undefined;

async function waitUntilUp(url: string, timeoutMs = 120000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { method: "HEAD" });
      return;
    } catch (e) {
      if (Date.now() > deadline)
        throw new Error(`${url} did not answer within ${timeoutMs} ms: ${(e as Error).message}`, { cause: e });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

beforeAll(async () => {
  if (remote !== undefined) {
    if (!process.env.MOCK_URL)
      throw new Error("GATEWAY_URL needs MOCK_URL: the mock Claude started with --expose-received");
    gatewayUrl = remote.replace(/\/$/, "");
    mockUrl = process.env.MOCK_URL.replace(/\/$/, "");
    await waitUntilUp(mockUrl);
    await waitUntilUp(gatewayUrl);
  } else {
    const mock = await startMockClaude({ port: 0, exposeReceived: true });
    stack = await startStack({}, mock);
    gatewayUrl = stack.gw.url;
    mockUrl = mock.url;
  }
}, 180000);

afterAll(async () => {
  if (stack) {
    await stack.stop();
    await stack.mock.close();
  }
});

async function received(): Promise<RecordedRequest[]> {
  const res = await fetch(mockUrl + RECEIVED_PATH);
  expect(res.status).toBe(200);
  return res.json();
}

async function resetReceived(): Promise<void> {
  expect((await fetch(mockUrl + RECEIVED_PATH, { method: "DELETE" })).status).toBe(200);
}

/** Everything an upstream request carried: target, header values, body. */
function everything(r: RecordedRequest): string {
  return [r.path, ...Object.values(r.headers).flat().map(String), r.body].join("\n");
}

describe(`gateway ${remote ?? "(host, started here)"}`, () => {
  it("round trip: the upstream gets pseudonyms only (body, target, headers); the answer gets the originals back", async () => {
    await resetReceived();
    const res = await post(
      gatewayUrl,
      "/v1/messages?beta=true",
      messagesBody(PROMPT, { system: `account ${IDS.account}` }),
    );
    expect(res.status).toBe(200);
    expect((await res.json()).content[0].text).toBe(`Echo: ${PROMPT}`);
    const seen = await received();
    expect(seen.length).toBe(1);
    expect(seen[0].path).toBe("/v1/messages?beta=true");
    expect(seen[0].body).toMatch(/EC2_INSTANCE_[0-9a-z]{10}/);
    expect(assertNoOriginals(everything(seen[0]))).toBeUndefined();
  });

  it("streaming: SSE events come back restored; the upstream got pseudonyms only", async () => {
    await resetReceived();
    const res = await post(gatewayUrl, "/v1/messages", messagesBody(PROMPT, { stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const msg = assembleMessage(parseSSE(await res.text()));
    expect(msg.content[0].text).toBe(`Echo: ${PROMPT}`);
    const seen = await received();
    expect(seen.length).toBe(1);
    expect(JSON.parse(seen[0].body).stream).toBe(true);
    expect(assertNoOriginals(everything(seen[0]))).toBeUndefined();
  });

  it("refusals: an identifier in the URL (400) and a body that cannot be masked (415) are answered Anthropic-style and never forwarded", async () => {
    await resetReceived();
    const url = await post(gatewayUrl, `/v1/messages?instance=${IDS.instance}`, messagesBody("hi"));
    expect(url.status).toBe(400);
    const body = await url.json();
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/^aws-masker: /);
    expect(JSON.stringify(body)).not.toContain(IDS.instance);
    const text = await post(gatewayUrl, "/v1/messages", `instance ${IDS.instance}`, { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    expect((await text.json()).error.message).toMatch(/^aws-masker: /);
    expect(await received()).toEqual([]);
  });
});
