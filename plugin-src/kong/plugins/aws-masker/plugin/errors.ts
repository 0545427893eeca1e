// Refusals in the Anthropic error shape, so clients and SDKs report them like API errors. Messages never carry
// request content.
import { Refusal } from "./observe";

export function refuse(status: number, errorType: string, message: string, headers?: Record<string, string>): never {
  // for the log phase (observe.ts): what was refused, without the details after the first ": " or "; "
  let cut = message.indexOf(": ");
  const semi = message.indexOf("; ");
  if (semi >= 0 && (cut < 0 || semi < cut)) cut = semi;
  const refusal: Refusal = { status, type: errorType, reason: cut >= 0 ? string.sub(message, 1, cut) : message };
  kong.ctx.plugin.refusal = refusal;
  return kong.response.exit(
    status,
    { type: "error", error: { type: errorType, message: "aws-masker: " + message } },
    headers,
  );
}
