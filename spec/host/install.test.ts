// Installing on real Kong, checked statically here (no Docker, no Kong on these machines): the rockspec lists every
// compiled module and `luarocks make` installs them where Kong looks; decK accepts kong/kong.yml; docker-compose
// accepts docker-compose.yml with its test profile; the compose test egress conf is valid nginx.
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROCKSPEC, modules } from "../../scripts/gen-rockspec.ts";
import { VERSION } from "../../plugin-src/kong/plugins/aws-masker/version.ts";
import { REPO_ROOT } from "../../host/gateway.ts";

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, ...env } });
  return { status: r.status, out: (r.stdout ?? "") + (r.stderr ?? "") };
}

describe("rockspec", () => {
  it("is current: lists every compiled module, version.ts's version, package.json agrees", () => {
    const r = run("npx", ["tsx", "scripts/gen-rockspec.ts", "--check"]);
    expect(r.out).toBe("");
    expect(r.status).toBe(0);
    expect(modules().map(([m]) => m)).toContain("kong.plugins.aws-masker.handler");
    expect(modules().map(([m]) => m)).toContain("kong.plugins.aws-masker.api");
  });

  it("luarocks make --tree T installs every module under share/lua/5.1 and the installed handler loads (PRIORITY, VERSION)", () => {
    const tree = mkdtempSync(path.join(tmpdir(), "aws-masker-rock-"));
    try {
      const r = run("luarocks", ["--lua-version", "5.1", "make", "--tree", tree, ROCKSPEC]);
      expect(r.status, r.out).toBe(0);
      const share = path.join(tree, "share/lua/5.1");
      expect(existsSync(path.join(share, "kong/plugins/aws-masker/handler.lua"))).toBe(true);
      const missing = modules().filter(([m]) => !existsSync(path.join(share, m.split(".").join("/") + ".lua")));
      expect(missing).toEqual([]);
      // the installed copy, not build/: only the tree is on the path; Kong's own libraries stood in for
      const typedefs = path.join(REPO_ROOT, "host/lua/kong_host/typedefs.lua");
      const lua = `package.path = ${JSON.stringify(share + "/?.lua")} .. ";/usr/share/lua/5.1/?.lua"
        package.preload["resty.redis"] = function() return {} end
        package.preload["kong.db.schema.typedefs"] = function() return dofile(${JSON.stringify(typedefs)}) end
        ngx = { shared = {} }
        local h = require "kong.plugins.aws-masker.handler"
        local s = require "kong.plugins.aws-masker.schema"
        local api = require "kong.plugins.aws-masker.api"
        io.write(h.PRIORITY, " ", h.VERSION, " ", s.name, " ", type(api["/aws-masker/metrics"].GET))`;
      const l = spawnSync("luajit", ["-e", lua], { encoding: "utf8" });
      expect(l.stderr).toBe("");
      expect(l.stdout).toBe(`880 ${VERSION} aws-masker function`);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});

describe("declarative config and compose", () => {
  it("decK validates kong/kong.yml", () => {
    const r = run("deck", ["validate", "-s", "kong/kong.yml"]);
    expect(r.status, r.out).toBe(0);
  });

  it("docker-compose config accepts docker-compose.yml, its test profile wires the suite to Kong and the mock", () => {
    const env = {
      AWS_MASKER_SECRET: "compose-config-check-0123456789abcdef",
      CLAUDE_PROXY_CONF: "claude-proxy-mock.conf",
    };
    const r = run("docker-compose", ["--profile", "test", "config"], env);
    expect(r.status, r.out).toBe(0);
    for (const service of ["kong:", "redis:", "claude-proxy:", "mock-claude:", "test:"])
      expect(r.out).toContain(`  ${service}\n`);
    expect(r.out).toContain("GATEWAY_URL: http://kong:8000");
    expect(r.out).toContain("MOCK_URL: http://mock-claude:8080");
    expect(r.out).toContain("--expose-received");
    expect(r.out).toContain("KONG_NGINX_HTTP_LUA_SHARED_DICT: kong_aws_masker 10m");
    expect(r.out).toContain("kong/claude-proxy-mock.conf:/etc/nginx/conf.d/default.conf");
    // without a secret compose refuses to start (never a built-in default secret)
    const none = run("docker-compose", ["config", "-q"], { AWS_MASKER_SECRET: "" });
    expect(none.status).not.toBe(0);
  });

  it("the compose test egress proxy (kong/claude-proxy-mock.conf) is valid nginx", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "aws-masker-egress-"));
    try {
      mkdirSync(path.join(dir, "conf.d"));
      copyFileSync(path.join(REPO_ROOT, "kong/claude-proxy-mock.conf"), path.join(dir, "conf.d/default.conf"));
      writeFileSync(
        path.join(dir, "nginx.conf"),
        `pid ${dir}/nginx.pid;\nevents {}\nhttp { include ${dir}/conf.d/*.conf; }\n`,
      );
      const r = spawnSync(
        "nginx",
        ["-t", "-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log")],
        { encoding: "utf8" },
      );
      expect(r.status, r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
