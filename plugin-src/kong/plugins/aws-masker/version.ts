// The plugin's version: one source for the handler (Kong's VERSION), the CLI (--version) and the metrics.
export const VERSION = "0.1.0";
