// Where a home-made host could part from Kong 3.4-3.9, checked on the host with the real plugin:
// - tenant_scope credential uses Kong's authenticated credential (key-auth with hide_credentials removes the key
//   header before aws-masker runs: every client must not fall into one scope), and the CLI reproduces it;
// - lua_regex_match_limit 100000 as in Kong's template: a custom pattern that hits it refuses the request (fail
//   closed) instead of reading as "no match".
// (get_path normalisation: pdk.test.ts; vault rotation: spec/lua/plugin_spec.lua; startup: startup.test.ts.)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../host/gateway.ts";
import { loadDeclarative } from "../../host/config.ts";
import { startStack, post, messagesBody, PROMPT, ORIGINALS, SECRET, type Stack } from "./support.ts";
import { TEST_PLUGINS, unexpectedErrors } from "../host/helpers.ts";
import { startMockClaude, type MockClaude } from "../harness/mock-claude.ts";

// aws-masker logs the PCRE failure (no request content in it)
const EXPECTED_ERRORS = [/\[aws-masker\] custom_patterns 'runaway' failed: pcre_exec\(\) failed: -8/];
const RUNAWAY = "(a+)+b"; // catastrophic backtracking on a run of "a" without "b"

let stack: Stack;
let ownMock: MockClaude | undefined;
const dir = mkdtempSync(path.join(tmpdir(), "aws-masker-kd-"));
const ymlPath = path.join(dir, "kong.yml");

beforeAll(async () => {
  const doc = loadDeclarative(path.join(REPO_ROOT, "kong/kong.yml"));
  const svc = doc.services[0];
  svc.plugins.unshift({ name: "fake-key-auth" });
  const masker = svc.plugins.find((p: { name: string }) => p.name === "aws-masker");
  masker.config.tenant_scope = "credential";
  masker.config.custom_patterns = [{ name: "runaway", pattern: RUNAWAY }];
  writeFileSync(ymlPath, stringify(doc)); // the same config for the CLI
  // a second service, straight to the mock: key-auth with a consumer, aws-masker in its default consumer scope
  const mock = await startMockClaude({ port: 0 });
  doc.services.push({
    name: "claude-consumers",
    url: mock.url,
    routes: [{ name: "consumers", paths: ["/consumer"] }],
    plugins: [
      { name: "fake-key-auth", config: { with_consumer: true } },
      { name: "aws-masker", config: { secret: "{vault://env/AWS_MASKER_SECRET}" } },
    ],
  });
  stack = await startStack({ configObject: doc, redis: "none", pluginPaths: [TEST_PLUGINS], build: false }, mock);
  ownMock = mock;
}, 60000);

afterAll(async () => {
  const log = stack?.gw.errorLog() ?? "";
  await stack?.stop();
  await ownMock?.close();
  rmSync(dir, { recursive: true, force: true });
  expect(unexpectedErrors(log, EXPECTED_ERRORS)).toEqual([]);
});

const body = messagesBody(PROMPT);
async function sent(key: string): Promise<{ status: number; upstream: string; headers: Record<string, unknown> }> {
  const before = stack.mock.received.length;
  const res = await post(stack.gw.url, "/v1/messages", body, { "x-api-key": key });
  await res.text();
  const got = stack.mock.received.length > before ? stack.mock.received.at(-1)! : undefined;
  return { status: res.status, upstream: got?.body ?? "", headers: got?.headers ?? {} };
}

describe("tenant_scope credential behind key-auth with hide_credentials", () => {
  it("each client keeps its own scope although the key header is gone; the CLI's --credential reproduces it", async () => {
    const a1 = await sent("sk-client-a");
    const a2 = await sent("sk-client-a");
    const b = await sent("sk-client-b");
    expect(a1.headers["x-api-key"]).toBeUndefined(); // hidden before aws-masker (and the upstream) saw it
    for (const o of ORIGINALS) expect(a1.upstream).not.toContain(o);
    expect(a2.upstream).toBe(a1.upstream); // stable per client
    expect(b.upstream).not.toBe(a1.upstream); // not one scope for everyone
    const cli = spawnSync(
      path.join(REPO_ROOT, "bin/aws-masker"),
      ["mask", "--json", "--config", ymlPath, "--credential", "credential-sk-client-a"],
      { input: body, encoding: "utf8", env: { ...process.env, AWS_MASKER_SECRET: SECRET } },
    );
    expect(cli.stderr).toBe("");
    expect(cli.stdout).toBe(a1.upstream);
  });
});

describe("tenant_scope consumer behind key-auth", () => {
  it("the consumer names the scope; the CLI's --consumer reproduces it", async () => {
    // (the mock answers 401 to the key-less request, after recording what it received)
    const before = stack.mock.received.length;
    await (await post(stack.gw.url, "/consumer/v1/messages", body, { "x-api-key": "sk-client-c" })).text();
    expect(stack.mock.received.length).toBe(before + 1);
    const upstream = stack.mock.received.at(-1)!;
    expect(upstream.path).toBe("/v1/messages");
    expect(upstream.headers["x-api-key"]).toBeUndefined();
    const cli = spawnSync(
      path.join(REPO_ROOT, "bin/aws-masker"),
      ["mask", "--json", "--secret", SECRET, "--consumer", "consumer-sk-client-c"],
      { input: body, encoding: "utf8" },
    );
    expect(cli.stdout).toBe(upstream.body);
    const asKey = spawnSync(
      path.join(REPO_ROOT, "bin/aws-masker"),
      ["mask", "--json", "--secret", SECRET, "--api-key", "sk-client-c"],
      { input: body, encoding: "utf8" },
    );
    expect(asKey.stdout).not.toBe(upstream.body);
  });
});

describe("lua_regex_match_limit", () => {
  it("the host's nginx sets Kong's limit", () => {
    expect(readFileSync(path.join(stack.gw.runDir, "nginx.conf"), "utf8")).toMatch(
      /^\s*lua_regex_match_limit 100000;$/m,
    );
  });

  it("a custom pattern that hits the limit refuses the request (500 naming custom_patterns); nothing goes upstream", async () => {
    const before = stack.mock.received.length;
    const pathological = "a".repeat(40) + "! i-0a1b2c3d4e5f67890";
    const res = await post(stack.gw.url, "/v1/messages", messagesBody(pathological), { "x-api-key": "sk-client-a" });
    expect(res.status).toBe(500);
    const err = await res.json();
    expect(err.type).toBe("error");
    expect(err.error.type).toBe("api_error");
    expect(err.error.message).toMatch(/^aws-masker: custom_patterns 'runaway' could not be evaluated/);
    expect(err.error.message).not.toContain("aaaa");
    expect(stack.mock.received.length).toBe(before);
    expect(stack.gw.errorLog()).not.toContain("i-0a1b2c3d4e5f67890");
  });
});
