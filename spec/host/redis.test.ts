// A plugin using resty.redis (cosockets inside the host's access coroutine), the private
// redis-server, env vault references seen by workers, and restartRedis().
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../host/gateway.ts";
import { startUpstream, TEST_PLUGINS, unexpectedErrors, type Upstream, waitFor } from "./helpers.ts";

let up: Upstream;
let gw: Gateway;
beforeAll(async () => {
  up = await startUpstream();
  gw = await startGateway({
    pluginPaths: [TEST_PLUGINS],
    log: () => {},
    configObject: {
      _format_version: "3.0",
      services: [
        { name: "s", url: up.url, routes: [{ name: "r", paths: ["/"] }] },
        { name: "dead", url: "http://127.0.0.1:1", routes: [{ name: "d", paths: ["/dead"] }] },
      ],
      plugins: [
        {
          name: "redis-test",
          service: "s",
          config: { host: "{vault://env/AWS_MASKER_REDIS_HOST}", port: "{vault://env/aws-masker-redis-port}" },
        },
        { name: "host-test" },
      ],
    },
  });
});
afterAll(async () => {
  const log = gw?.errorLog() ?? "";
  await gw?.stop();
  await up?.close();
  expect(
    unexpectedErrors(log, [
      /connect\(\) failed \(111: Connection refused\) while connecting to upstream.*127\.0\.0\.1:1\//,
    ]),
  ).toEqual([]);
});

it("talks to the private redis through resty.redis; workers see the vault env variables", async () => {
  const counts: number[] = [];
  for (let i = 0; i < 4; i++) {
    await fetch(gw.url + "/x");
    counts.push(Number(up.last().headers["x-count"]));
  }
  expect(counts).toEqual([1, 2, 3, 4]);
  expect(up.last().headers["x-env-port"]).toBe(String(gw.redisPort));
});

it("survives a redis outage and recovers after restartRedis (data is not persisted)", async () => {
  await gw.stopRedis!();
  const down = await fetch(gw.url + "/x");
  expect(down.status).toBe(503);
  await gw.startRedis!();
  await fetch(gw.url + "/x");
  expect(up.last().headers["x-count"]).toBe("1");
  expect(gw.errorLog()).toMatch(
    /\[warn\].*\[kong\] handler\.lua:\d+ \[redis-test\] redis unavailable: connection refused/,
  );
});

it("nginx-generated upstream errors get Kong's JSON body and source 'error', with the request's ctx from access", async () => {
  const res = await fetch(gw.url + "/dead", { headers: { "x-test-action": "dead-ctx" } });
  expect(res.status).toBe(502);
  expect(await res.json()).toEqual({ message: "An invalid response was received from the upstream server" });
  expect(res.headers.get("x-test-source")).toBe("error");
  // kong.ctx.plugin of the access phase, found again after nginx's internal redirect to the error page
  expect(res.headers.get("x-test-ctx")).toBe("yes");
  expect(await waitFor(() => /host-test log: action=dead-ctx ctx=yes source=error/.test(gw.errorLog()))).toBe(true);
});
