// The ngx (lua-nginx-module) API that aws-masker uses; all of it exists in Kong's OpenResty and in Debian's nginx.
/** @noSelfInFile */

declare namespace ngx {
  /** body_filter: arg.get(1) is the chunk, arg.get(2) the eof flag; arg.set(1, ...) also takes a list of strings. */
  const arg: LuaTable<number, string | string[] | boolean | undefined>;
  /** The answer's headers (header_filter); a repeated header reads as an array. Read one by one: no table of all. */
  const header: LuaTable<string, string | string[] | undefined>;
  function hmac_sha1(key: string, message: string): string;
  function sha1_bin(s: string): string;
  namespace re {
    /** 1-based inclusive from/to, or nil (+ err on a bad pattern). */
    function find(
      subject: string,
      regex: string,
      options?: string,
      ctx?: { pos?: number },
    ): LuaMultiReturn<[number | undefined, number | undefined, string | undefined]>;
  }
  function now(): number;
  function update_time(): void;
  const ERR: number;
  const WARN: number;
  const NOTICE: number;
  function log(level: number, ...args: unknown[]): void;
  namespace req {
    function get_body_file(): string | undefined;
    function read_body(): void;
  }
  namespace timer {
    function at(
      delay: number,
      callback: (this: void, premature: boolean, ...args: any[]) => void,
      ...args: any[]
    ): LuaMultiReturn<[boolean | undefined, string | undefined]>;
  }
  namespace worker {
    function id(): number | undefined;
    function pid(): number;
  }
  namespace shared {
    const kong_aws_masker: SharedDict | undefined;
  }
  interface SharedDict {
    incr(
      this: SharedDict,
      key: string,
      value: number,
      init?: number,
    ): LuaMultiReturn<[number | undefined, string | undefined]>;
    get(this: SharedDict, key: string): unknown;
    /** max_count 0: every key */
    get_keys(this: SharedDict, max_count?: number): string[];
  }
}
