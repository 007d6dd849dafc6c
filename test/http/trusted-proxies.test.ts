import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { uniqueEmail } from "../support/env";
import { freePort } from "../support/free-port";
import { CORE_BACKENDS, startHarness } from "../support/harness";
import { nextIp } from "../ratelimit/support";

/**
 * Issue 15: with TRUST_PROXY=1 a direct client sent a new X-Forwarded-For on each request and never ran out of
 * login tries. With TRUST_PROXY naming the proxies, the header is believed only from them. Replayed over real
 * HTTP: every request here comes from 127.0.0.1.
 */
const LIMIT = 3;

async function listening(backend: (typeof CORE_BACKENDS)[number], trustProxy: string) {
  const h = await startHarness({ backend, env: { RATE_LIMIT_PASSWORD_PER_MINUTE: String(LIMIT), TRUST_PROXY: trustProxy } });
  const port = freePort();
  h.app.listen({ port, hostname: "127.0.0.1" });
  return { h, base: `http://127.0.0.1:${port}` };
}

const login = (base: string, forwardedFor?: string) =>
  fetch(`${base}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
    body: JSON.stringify({ email: uniqueEmail("proxy"), password: "some password guess" }),
  });

async function statusesOf(responses: Promise<Response>[]) {
  const statuses: number[] = [];
  for (const pending of responses) {
    const res = await pending;
    statuses.push(res.status);
    await res.arrayBuffer();
  }
  return statuses;
}

describe.each(CORE_BACKENDS)("TRUST_PROXY as a list of proxies, over real HTTP (%s)", (backend) => {
  let elsewhere: Awaited<ReturnType<typeof listening>>;
  let loopback: Awaited<ReturnType<typeof listening>>;
  beforeAll(async () => {
    [elsewhere, loopback] = await Promise.all([listening(backend, "10.0.0.0/8"), listening(backend, "loopback")]);
  });
  afterAll(async () => {
    for (const server of [elsewhere, loopback]) {
      await server?.h.app.stop(true);
      await server?.h.close();
    }
  });

  test("a peer that is not a listed proxy: a new X-Forwarded-For on each request does not escape the per-IP login limit", async () => {
    const { base, h } = elsewhere;
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push(...(await statusesOf([login(base, nextIp())])));
    expect(statuses).toEqual([...Array(LIMIT).fill(401), ...Array(10 - LIMIT).fill(429)]);
    expect(await statusesOf([login(base), login(base, "10.0.0.9"), login(base, `${nextIp()}, 10.0.0.9`)])).toEqual([429, 429, 429]);
    if (backend === "services") {
      const keys = (await h.redisKeys()).filter((key) => key.startsWith("rl:password:"));
      expect(keys).toEqual(["rl:password:127.0.0.1"]);
    }
  });

  test("with loopback listed, the header is believed: the client is the rightmost entry that is not a listed proxy", async () => {
    const { base } = loopback;
    const client = nextIp();
    expect(await statusesOf(Array.from({ length: LIMIT }, () => login(base, client)))).toEqual(Array(LIMIT).fill(401));
    // Entries the client wrote itself (to the left) change nothing; a listed proxy's own entry is skipped.
    expect(await statusesOf([login(base, client), login(base, `${nextIp()}, ${client}`), login(base, `${client}, 127.0.0.1`)])).toEqual([
      429, 429, 429,
    ]);
    // Another client behind the same proxy has its own budget.
    const other = await login(base, nextIp());
    expect(other.status).toBe(401);
    expect(other.headers.get("ratelimit-remaining")).toBe(String(LIMIT - 1));
  });
});
