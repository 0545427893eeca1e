// Deny-by-default field rules for Claude request bodies (docs/field-rules.md).
// Every string is scanned and masked unless it is structural (model, role, type, tool ids and names, media types,
// cache_control, base64 image/document data) or inside a thinking / redacted_thinking block, which must go back to
// the API byte-identical because its signature covers it. Unknown fields are scanned, keys included.

import { PolicyNode, KEEP, SCAN, OBJ, ARR, ALT } from "./json";

const keep: PolicyNode = { k: KEEP };
const scan: PolicyNode = { k: SCAN };

// A base64 source carries opaque bytes: keep; text and url sources are user data: scan.
const source: PolicyNode = {
  k: OBJ,
  other: scan,
  fields: { type: keep, media_type: keep },
  cases: { base64: { k: OBJ, other: scan, fields: { type: keep, media_type: keep, data: keep } } },
};

const blockCommon: Record<string, PolicyNode> = {
  type: keep,
  id: keep,
  tool_use_id: keep,
  name: keep,
  cache_control: keep,
  is_error: keep,
  source,
};

// Blocks: thinking and redacted_thinking are kept whole; tool_result content nests blocks.
const block: PolicyNode = { k: OBJ, other: scan, fields: blockCommon, cases: {} };
const blocks: PolicyNode = { k: ARR, item: block };
const content: PolicyNode = { k: ALT, str: scan, arr: blocks };
(block.cases as Record<string, PolicyNode>)["thinking"] = keep;
(block.cases as Record<string, PolicyNode>)["redacted_thinking"] = keep;
(block.cases as Record<string, PolicyNode>)["tool_result"] = {
  k: OBJ,
  other: scan,
  fields: { type: keep, tool_use_id: keep, cache_control: keep, is_error: keep, content },
};

const message: PolicyNode = { k: OBJ, other: scan, fields: { role: keep, content } };

const tool: PolicyNode = {
  k: OBJ,
  other: scan,
  // description and input_schema are scanned; name and type are structural (they must match tool_use blocks)
  fields: { name: keep, type: keep, cache_control: keep },
};

/** POST /v1/messages and /v1/messages/count_tokens. */
export const MESSAGES: PolicyNode = {
  k: OBJ,
  other: scan,
  fields: {
    model: keep,
    messages: { k: ARR, item: message },
    system: content,
    tools: { k: ARR, item: tool },
    tool_choice: keep,
    thinking: keep,
    stream: keep,
    max_tokens: keep,
    temperature: keep,
    top_p: keep,
    top_k: keep,
    service_tier: keep,
  },
};

/** POST /v1/messages/batches: each request's params is a messages body. */
export const BATCHES: PolicyNode = {
  k: OBJ,
  other: scan,
  fields: { requests: { k: ARR, item: { k: OBJ, other: scan, fields: { params: MESSAGES } } } },
};

/** POST /v1/complete (legacy). */
export const COMPLETE: PolicyNode = { k: OBJ, other: scan, fields: { model: keep, max_tokens_to_sample: keep, stream: keep } };

/** Any other JSON body: every string scanned. */
export const ANY: PolicyNode = scan;

/** A /v1/messages answer: every string restored except thinking and redacted_thinking blocks (kept as signed). */
export const MESSAGE_ANSWER: PolicyNode = { k: OBJ, other: scan, fields: { content: blocks } };

/** One line of Message Batch results (JSONL): a succeeded result carries a message answer. */
export const BATCH_RESULT: PolicyNode = {
  k: OBJ,
  other: scan,
  fields: { result: { k: OBJ, other: scan, fields: { message: MESSAGE_ANSWER } } },
};

/** The policy for an answer to a request path. */
export function answerPolicyFor(this: void, path: string): PolicyNode {
  if (path === "/v1/messages") return MESSAGE_ANSWER;
  return ANY;
}

/** The policy for a request path (query string removed). */
export function policyFor(this: void, path: string): PolicyNode {
  if (path === "/v1/messages" || path === "/v1/messages/count_tokens") return MESSAGES;
  if (path === "/v1/messages/batches") return BATCHES;
  if (path === "/v1/complete") return COMPLETE;
  return ANY;
}
