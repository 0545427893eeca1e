// The official @anthropic-ai/sdk pointed at the real gateway (baseURL), in front of the mock Claude: a real client, its
// own SSE parser and message accumulator, not our harness. The client must see the originals everywhere (text and tool
// input); the mock must never see one.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import Anthropic from "@anthropic-ai/sdk";
import { startStack, errorLines, PROMPT, assertNoOriginals, IDS, type Stack } from "./support";

let stack: Stack;
let client: Anthropic;
let tools: Anthropic;

beforeAll(async () => {
  stack = await startStack();
  client = new Anthropic({ apiKey: "sk-test-sdk-tenant", baseURL: stack.gw.url, maxRetries: 0 });
  tools = new Anthropic({
    apiKey: "sk-test-sdk-tenant",
    baseURL: stack.gw.url,
    maxRetries: 0,
    defaultHeaders: { "x-mock-scenario": "tool_use" },
  });
}, 60000);

afterAll(async () => {
  const errors = stack ? errorLines(stack.gw) : [];
  await stack?.stop();
  expect(errors).toEqual([]);
});

const params = {
  model: "claude-sonnet-5",
  max_tokens: 1024,
  system: `You operate account ${IDS.account}.`,
  messages: [{ role: "user" as const, content: PROMPT }],
};
const TOOL = {
  name: "describe",
  description: "Describe AWS resources",
  input_schema: { type: "object" as const, properties: { echo: { type: "string" } } },
};
const expectedTool = { echo: PROMPT, words: PROMPT.split(/\s+/), n: 1 };

function mockSawNoOriginals(): void {
  expect(stack.mock.received.length).toBeGreaterThan(0);
  for (const r of stack.mock.received) expect(assertNoOriginals(r.body), r.path).toBeUndefined();
}

describe("@anthropic-ai/sdk through the gateway", () => {
  it("messages.create (non-stream): text restored", async () => {
    stack.mock.reset();
    const m = await client.messages.create(params);
    expect(m.content).toEqual([{ type: "text", text: `Echo: ${PROMPT}` }]);
    expect(m.stop_reason).toBe("end_turn");
    mockSawNoOriginals();
  });

  it("messages.create (non-stream) with tool use: input restored", async () => {
    stack.mock.reset();
    const m = await tools.messages.create({ ...params, tools: [TOOL] });
    expect(m.stop_reason).toBe("tool_use");
    expect(m.content[0]).toEqual({ type: "text", text: `Echo: ${PROMPT}` });
    expect(m.content[1]).toMatchObject({ type: "tool_use", name: "describe", input: expectedTool });
    mockSawNoOriginals();
  });

  it("messages.stream: text events and finalMessage() restored", async () => {
    stack.mock.reset();
    const stream = client.messages.stream(params, { headers: { "x-mock-chunking": "random" } });
    let fromTextEvents = "";
    const types = new Set<string>();
    stream.on("text", (delta) => {
      fromTextEvents += delta;
    });
    stream.on("streamEvent", (e) => types.add(e.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: "text", text: `Echo: ${PROMPT}` }]);
    expect(fromTextEvents).toBe(`Echo: ${PROMPT}`);
    expect(await stream.finalText()).toBe(`Echo: ${PROMPT}`);
    expect([...types]).toEqual(
      expect.arrayContaining([
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
      ]),
    );
    expect(final.stop_reason).toBe("end_turn");
    expect(JSON.parse(stack.mock.received[0].body).stream).toBe(true);
    mockSawNoOriginals();
  });

  it("messages.stream with tool use (defaultHeaders): finalMessage() text and input restored", async () => {
    stack.mock.reset();
    const stream = tools.messages.stream({ ...params, tools: [TOOL] });
    let json = "";
    stream.on("inputJson", (partial) => {
      json += partial;
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content[0]).toEqual({ type: "text", text: `Echo: ${PROMPT}` });
    expect(final.content[1]).toMatchObject({ type: "tool_use", name: "describe", input: expectedTool });
    expect(JSON.parse(json)).toEqual(expectedTool);
    mockSawNoOriginals();
  });

  it("messages.stream with tool use (per-request headers, random chunking, CRLF)", async () => {
    const final = await client.messages
      .stream(
        { ...params, tools: [TOOL] },
        { headers: { "x-mock-scenario": "tool_use", "x-mock-chunking": "random", "x-mock-sse-crlf": "1" } },
      )
      .finalMessage();
    expect(final.content[1]).toMatchObject({ type: "tool_use", input: expectedTool });
  });

  it("messages.create({stream: true}): raw events, restored when concatenated", async () => {
    stack.mock.reset();
    const stream = await tools.messages.create(
      { ...params, tools: [TOOL], stream: true },
      { headers: { "x-mock-chunking": "random" } },
    );
    let text = "";
    let json = "";
    const seen: string[] = [];
    for await (const ev of stream) {
      seen.push(ev.type);
      if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") text += ev.delta.text;
      if (ev.type === "content_block_delta" && ev.delta.type === "input_json_delta") json += ev.delta.partial_json;
    }
    expect(seen[0]).toBe("message_start");
    expect(seen.at(-1)).toBe("message_stop");
    expect(text).toBe(`Echo: ${PROMPT}`);
    expect(JSON.parse(json)).toEqual(expectedTool);
    mockSawNoOriginals();
  });

  it("beta.messages.stream with thinking, two turns: the thinking block goes back intact", async () => {
    stack.mock.reset();
    const p = {
      ...params,
      max_tokens: 4096,
      thinking: { type: "enabled" as const, budget_tokens: 1024 },
      tools: [TOOL],
    };
    const first = await tools.beta.messages.stream(p).finalMessage();
    expect(first.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use"]);
    const tu = first.content[2] as Anthropic.Beta.BetaToolUseBlock;
    expect(tu.input).toEqual(expectedTool);
    const result = `Instance ${IDS.instance} is in ${IDS.vpc}`;
    const second = await tools.beta.messages
      .stream({
        ...p,
        messages: [
          ...p.messages,
          { role: "assistant", content: first.content as any },
          { role: "user", content: [{ type: "tool_result", tool_use_id: tu.id, content: result }] },
        ],
      })
      .finalMessage();
    expect(second.content[1]).toMatchObject({ type: "text", text: `Echo: ${result}` });
    expect(stack.mock.received.length).toBe(2);
    mockSawNoOriginals();
  });

  it("a mid-stream error event rejects the SDK stream with the upstream's error", async () => {
    const err: any = await client.messages
      .stream(params, { headers: { "x-mock-scenario": "stream-error" } })
      .finalMessage()
      .catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.message ?? err)).toMatch(/overloaded/i);
  });
});
