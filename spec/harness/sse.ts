/**
 * Small Server-Sent-Events helpers for tests of the Claude streaming format.
 *
 *   parseSSE(text)          -> [{ event, data, raw }]  (accepts \n, \r\n or \r line ends; data parsed as JSON when it can)
 *   assembleMessage(events) -> the final Message object the events describe (like the SDK's finalMessage()),
 *                              text/thinking deltas concatenated, input_json_delta fragments joined and JSON.parsed.
 *   readSSE(response)       -> reads a fetch Response body fully and parses it.
 */

export interface SSEEvent {
  /** the `event:` field ("message" if absent) */
  event: string;
  /** the `data:` field(s) parsed as JSON, or the raw string if it is not JSON */
  data: any;
  /** the data field text exactly as received (multiple data lines joined by "\n") */
  raw: string;
}

/** Parse a complete SSE text. A trailing incomplete event (no blank line after it) is ignored. */
export function parseSSE(text: string): SSEEvent[] {
  const out: SSEEvent[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  // the last element is what follows the final line terminator: incomplete, drop it
  lines.pop();
  let event = "";
  let data: string[] = [];
  let sawField = false;
  for (const line of lines) {
    if (line === "") {
      if (sawField && data.length) {
        const raw = data.join("\n");
        let parsed: any = raw;
        try {
          parsed = JSON.parse(raw);
        } catch {
          /* keep the string */
        }
        out.push({ event: event || "message", data: parsed, raw });
      }
      event = "";
      data = [];
      sawField = false;
      continue;
    }
    if (line.startsWith(":")) continue;
    const i = line.indexOf(":");
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? "" : line.slice(i + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    sawField = true;
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return out;
}

/** Rebuild the final message from a stream's events (throws on an `error` event). */
export function assembleMessage(events: SSEEvent[]): any {
  let msg: any;
  const partial: Record<number, string> = {};
  for (const { event, data } of events) {
    const type = data?.type ?? event;
    switch (type) {
      case "message_start":
        msg = structuredClone(data.message);
        msg.content = [];
        break;
      case "content_block_start":
        msg.content[data.index] = structuredClone(data.content_block);
        if (data.content_block.type === "tool_use") partial[data.index] = "";
        break;
      case "content_block_delta": {
        const b = msg.content[data.index];
        const d = data.delta;
        if (d.type === "text_delta") b.text += d.text;
        else if (d.type === "thinking_delta") b.thinking += d.thinking;
        else if (d.type === "signature_delta") b.signature = d.signature;
        else if (d.type === "input_json_delta") partial[data.index] += d.partial_json;
        else if (d.type === "citations_delta") (b.citations ??= []).push(d.citation);
        break;
      }
      case "content_block_stop":
        if (data.index in partial) {
          msg.content[data.index].input = partial[data.index] === "" ? {} : JSON.parse(partial[data.index]);
          delete partial[data.index];
        }
        break;
      case "message_delta":
        Object.assign(msg, data.delta);
        msg.usage = { ...msg.usage, ...data.usage };
        break;
      case "error":
        throw Object.assign(new Error(`stream error event: ${JSON.stringify(data)}`), { event: data });
      default:
        break;
    }
  }
  return msg;
}

/** Read a fetch Response body completely (as UTF-8) and parse it as SSE. */
export async function readSSE(res: Response): Promise<SSEEvent[]> {
  return parseSSE(await res.text());
}
