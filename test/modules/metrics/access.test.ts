import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { networkInterfaces } from "node:os";
import { freePort } from "../../support/free-port";
import { startHarness, type Harness } from "../../support/harness";

/**
 * Issue 15: without METRICS_TOKEN, /metrics was open to anyone. Now it is served only to a direct loopback peer
 * (a scraper on the same machine); everything else is told to set METRICS_TOKEN. Replayed over real HTTP.
 */
const TOKEN = "metrics-token-0123456789-abcdef";

// An address of this machine that is not loopback: connecting to it makes the peer that address, not 127.0.0.1.
const outward = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && !address.internal && address.family === "IPv4")?.address;

async function serveOn(h: Harness, hostname: string) {
  const port = freePort();
  h.app.listen({ port, hostname });
  return port;
}

const FORBIDDEN = { detail: expect.stringContaining("METRICS_TOKEN"), code: "metrics_forbidden" };

describe("GET /metrics without METRICS_TOKEN", () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness();
    port = await serveOn(h, "0.0.0.0");
  });
  afterAll(async () => {
    await h?.app.stop(true);
    await h?.close();
  });

  test("a direct loopback peer is served", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
    expect(await res.text()).toContain("otp_auth_http_requests_total");
  });

  test("a loopback peer carrying X-Forwarded-For, Forwarded or X-Real-IP (a proxy on this host) is refused with JSON 403", async () => {
    const proxied: Record<string, string>[] = [
      { "x-forwarded-for": "203.0.113.7" },
      { forwarded: "for=203.0.113.7" },
      { "x-real-ip": "203.0.113.7" },
      { "x-forwarded-for": "127.0.0.1" },
    ];
    for (const headers of proxied) {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers });
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toStartWith("application/json");
      expect(await res.json()).toEqual(FORBIDDEN);
    }
  });

  test("a peer that is not loopback is refused with JSON 403", async () => {
    expect(outward).toBeString();
    const res = await fetch(`http://${outward}:${port}/metrics`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual(FORBIDDEN);
  });

  test("a request with no connection at all (in-process app.handle) is refused", async () => {
    const res = await h.call("GET", "/metrics");
    expect(res.status).toBe(403);
    expect(res.body).toEqual(FORBIDDEN);
  });
});

describe("GET /metrics with METRICS_TOKEN", () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({ env: { METRICS_TOKEN: TOKEN } });
    port = await serveOn(h, "0.0.0.0");
  });
  afterAll(async () => {
    await h?.app.stop(true);
    await h?.close();
  });

  test("the token is required from everywhere, loopback included, and enough from anywhere", async () => {
    for (const host of ["127.0.0.1", outward]) {
      const refused = await fetch(`http://${host}:${port}/metrics`);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { code: string }).code).toBe("metrics_unauthorized");
      const served = await fetch(`http://${host}:${port}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}`, "x-forwarded-for": "203.0.113.7" },
      });
      expect(served.status).toBe(200);
      await served.arrayBuffer();
    }
  });
});
