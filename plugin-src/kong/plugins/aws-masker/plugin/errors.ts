// Refusals in the Anthropic error shape, so clients and SDKs report them like API errors. Messages never carry
// request content.
export function refuse(this: void, status: number, errorType: string, message: string, headers?: Record<string, string>): never {
  return kong.response.exit(status, { type: "error", error: { type: errorType, message: "aws-masker: " + message } }, headers);
}
