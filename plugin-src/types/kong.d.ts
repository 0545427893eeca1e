// The parts of the Kong PDK (3.4-3.9) that aws-masker uses, typed for typescript-to-lua.
// PDK functions are plain functions (kong.request.get_raw_body(), not kong.request:get_raw_body()).
/** @noSelfInFile */

declare namespace kong {
  namespace request {
    /** 3.8+: max_allowed_file_size 0 reads a spilled body from its temp file; 3.4-3.7 ignore it and return nil + error. */
    function get_raw_body(max_allowed_file_size?: number): LuaMultiReturn<[string | undefined, string | undefined]>;
    function get_header(name: string): string | undefined;
    /** Lower-cased names; a repeated header is an array. Second value "truncated" past max_headers (1-1000). */
    function get_headers(
      max_headers?: number,
    ): LuaMultiReturn<[LuaTable<string, string | string[]>, string | undefined]>;
    function get_path(): string;
    function get_raw_query(): string;
    function get_method(): string;
  }
  namespace service.request {
    function set_raw_body(body: string): void;
    function set_header(name: string, value: string): void;
    function add_header(name: string, value: string): void;
    function clear_header(name: string): void;
  }
  namespace response {
    function exit(status: number, body?: string | object, headers?: Record<string, string>): never;
    function get_status(): number;
    function get_header(name: string): string | undefined;
    function set_header(name: string, value: string): void;
    function clear_header(name: string): void;
    function get_source(): string;
  }
  namespace client {
    function get_consumer(): { id: string; username?: string } | undefined;
    function get_credential(): { id: string } | undefined;
  }
  namespace log {
    function debug(...args: unknown[]): void;
    function info(...args: unknown[]): void;
    function notice(...args: unknown[]): void;
    function warn(...args: unknown[]): void;
    function err(...args: unknown[]): void;
    function crit(...args: unknown[]): void;
    /** Adds key (dots: nested tables) to what kong.log.serialize() returns to log plugins; mode "set" by default. */
    function set_serialize_value(key: string, value: unknown, options?: { mode?: "set" | "add" | "replace" }): void;
  }
  namespace ctx {
    /** Per plugin, per request; lives from access to log. */
    const plugin: Record<string, unknown>;
  }
}
