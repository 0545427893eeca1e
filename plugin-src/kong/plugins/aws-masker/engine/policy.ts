// Deny-by-default field rules for Claude request bodies (docs/field-rules.md).
// Every string is scanned and masked unless it is structural (model, role, type, tool ids and names, media types,
// cache_control), media the gateway cannot scan (counted: base64 images and PDFs, URL and file sources), Anthropic's
// encrypted server-tool members, or inside a thinking / redacted_thinking block, which must go back to the API
// byte-identical because its signature covers it. Unknown fields are scanned, keys included.

import { PolicyNode, KEEP, SCAN, OBJ, ARR, ALT, MEDIA } from "./json";

const keep: PolicyNode = { k: KEEP };
const scan: PolicyNode = { k: SCAN };

// Sources of images and documents (docs/field-rules.md). Base64 data: text/* is decoded, masked and re-encoded, any
// other media type cannot be scanned (counted). A text source's data and a URL are scanned; the content behind a URL
// or a file id is read by the API itself, unscanned (counted). A content source holds blocks.
const sourceCases: Record<string, PolicyNode> = {
  base64: { k: OBJ, other: scan, fields: { type: keep, media_type: keep, data: { k: MEDIA } }, peekMedia: true },
  text: { k: OBJ, other: scan, fields: { type: keep, media_type: keep } },
  url: { k: OBJ, other: scan, fields: { type: keep }, unscannable: true },
  file: { k: OBJ, other: scan, fields: { type: keep, file_id: keep }, unscannable: true },
};
const source: PolicyNode = { k: OBJ, other: scan, fields: { type: keep, media_type: keep }, cases: sourceCases };

// What server tools returned (search results, fetched pages, code output) and citations: scanned, except Anthropic's
// encrypted members, which must go back byte-identical.
const serverData: PolicyNode = { k: ALT, str: scan };
serverData.arr = { k: ARR, item: serverData };
serverData.obj = {
  k: OBJ,
  other: serverData,
  fields: { type: keep, encrypted_content: keep, encrypted_stdout: keep, encrypted_index: keep },
};

const blockCommon: Record<string, PolicyNode> = {
  type: keep,
  id: keep,
  tool_use_id: keep,
  name: keep,
  tool_name: keep,
  cache_control: keep,
  is_error: keep,
  citations: serverData,
  source,
};

// Blocks: thinking and redacted_thinking are kept whole; tool_result content nests blocks.
const block: PolicyNode = { k: OBJ, other: scan, fields: blockCommon, cases: {} };
const blocks: PolicyNode = { k: ARR, item: block };
const content: PolicyNode = { k: ALT, str: scan, arr: blocks };
const blockCases = block.cases as Record<string, PolicyNode>;
blockCases["thinking"] = keep;
blockCases["redacted_thinking"] = keep;
blockCases["tool_result"] = {
  k: OBJ,
  other: scan,
  fields: { type: keep, tool_use_id: keep, cache_control: keep, is_error: keep, content },
};
// a file uploaded into the code-execution container: its content never passed through the gateway
blockCases["container_upload"] = {
  k: OBJ,
  other: scan,
  fields: { type: keep, file_id: keep, cache_control: keep },
  unscannable: true,
};
for (const t of [
  "web_search_tool_result",
  "web_fetch_tool_result",
  "code_execution_tool_result",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
  "tool_search_tool_result",
]) {
  blockCases[t] = {
    k: OBJ,
    other: scan,
    fields: { type: keep, tool_use_id: keep, cache_control: keep, content: serverData },
  };
}
sourceCases["content"] = { k: OBJ, other: scan, fields: { type: keep, content } };

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
export const COMPLETE: PolicyNode = {
  k: OBJ,
  other: scan,
  fields: { model: keep, max_tokens_to_sample: keep, stream: keep },
};

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
export function answerPolicyFor(path: string): PolicyNode {
  if (path === "/v1/messages") return MESSAGE_ANSWER;
  return ANY;
}

/** The policy for a request path (query string removed). */
export function policyFor(path: string): PolicyNode {
  if (path === "/v1/messages" || path === "/v1/messages/count_tokens") return MESSAGES;
  if (path === "/v1/messages/batches") return BATCHES;
  if (path === "/v1/complete") return COMPLETE;
  return ANY;
}
