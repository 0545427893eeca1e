// The plugin's version: the one source for the handler's VERSION, the metrics (aws_masker_info), the rockspec and
// package.json (scripts/gen-rockspec.ts checks both), and the CLI.
export const VERSION = "0.1.0";
