import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { uniqueEmail } from "../support/env";
import { BACKENDS, startHarness, type Harness } from "../support/harness";
import { clientBudgets } from "../support/limits";
import { expectAllowed, expectRateLimited, from, nextIp } from "./support";

const LIMIT = 3;
const LIMITS = clientBudgets(LIMIT);
const PASSWORD = "correct horse battery";

// One request of each limited route; a fresh address each time, so only the per-client limit can refuse.
const ROUTES = [
  {
    name: "POST /auth/register",
    kind: "mail",
    window: 3600,
    send: (h: Harness, headers: Record<string, string>) =>
      h.call("POST", "/auth/register", { email: uniqueEmail("rl"), password: PASSWORD }, headers),
  },
  {
    name: "POST /auth/resend-otp",
    kind: "mail",
    window: 3600,
    send: (h: Harness, headers: Record<string, string>) => h.call("POST", "/auth/resend-otp", { email: uniqueEmail("rl") }, headers),
  },
  {
    name: "POST /auth/verify-otp",
    kind: "code",
    window: 60,
    send: (h: Harness, headers: Record<string, string>) =>
      h.call("POST", "/auth/verify-otp", { email: uniqueEmail("rl"), code: "123456" }, headers),
  },
  {
    name: "POST /auth/login",
    kind: "password",
    window: 60,
    send: (h: Harness, headers: Record<string, string>) =>
      h.call("POST", "/auth/login", { email: uniqueEmail("rl"), password: PASSWORD }, headers),
  },
  {
    name: "GET /auth/oauth/:provider/start",
    kind: "oauth",
    window: 60,
    send: (h: Harness, headers: Record<string, string>) => h.call("GET", "/auth/oauth/github/start", undefined, headers),
  },
  {
    name: "POST /auth/oauth/:provider/callback",
    kind: "oauth",
    window: 60,
    send: (h: Harness, headers: Record<string, string>) =>
      h.call("POST", "/auth/oauth/google/callback", { code: "c", state: "s" }, headers),
  },
] as const;

const codeCheck = (h: Harness, headers: Record<string, string>) =>
  h.call("POST", "/auth/verify-otp", { email: uniqueEmail("rl"), code: "123456" }, headers);

describe.each(BACKENDS)("limits per client IP (%s)", (backend) => {
  let h: Harness;
  let direct: Harness;

  beforeAll(async () => {
    [h, direct] = await Promise.all([
      startHarness({ backend, env: { ...LIMITS, TRUST_PROXY: "true" } }),
      startHarness({ backend, env: LIMITS }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([h?.close(), direct?.close()]);
  });

  for (const route of ROUTES) {
    test(`${route.name} (${route.kind}): answers 429 at exactly request ${LIMIT + 1}, with Retry-After and RateLimit-* headers`, async () => {
      const ip = nextIp();
      for (let i = 1; i <= LIMIT; i++) expectAllowed(await route.send(h, from(ip)), LIMIT, LIMIT - i, route.window);
      expectRateLimited(await route.send(h, from(ip)), LIMIT, route.window);
      expectRateLimited(await route.send(h, from(ip)), LIMIT, route.window);
    });
  }

  test("register and resend-otp share the one mail budget; the other kinds keep their own", async () => {
    const ip = nextIp();
    await ROUTES[0].send(h, from(ip));
    await ROUTES[1].send(h, from(ip));
    await ROUTES[0].send(h, from(ip));
    expectRateLimited(await ROUTES[1].send(h, from(ip)), LIMIT, 3600);
    expectAllowed(await codeCheck(h, from(ip)), LIMIT, LIMIT - 1, 60);
  });

  test("a change of email counts in the mail and the password budgets: either one spent refuses it; its headers show the tighter", async () => {
    // Signed up from an address of its own, so the budgets under test start full.
    const setup = nextIp();
    const email = uniqueEmail("rl-change");
    const registered = await h.call("POST", "/auth/register", { email, password: PASSWORD }, from(setup));
    await h.inbox.waitForMail(email, 1);
    const verify = { email, code: h.inbox.latestCode(email), otp_token: registered.body.otp_token };
    const token = (await h.call("POST", "/auth/verify-otp", verify, from(setup))).body.access_token as string;
    const change = (ip: string) =>
      h.call(
        "POST",
        "/auth/email/change",
        { new_email: uniqueEmail("rl-new"), password: PASSWORD },
        { ...from(ip), authorization: `Bearer ${token}` },
      );

    const mailSpent = nextIp();
    for (let i = 0; i < LIMIT - 1; i++) await ROUTES[0].send(h, from(mailSpent));
    const last = await change(mailSpent);
    expect(last.status).toBe(202);
    expectAllowed(last, LIMIT, 0, 3600);
    expectRateLimited(await change(mailSpent), LIMIT, 3600);

    const passwordSpent = nextIp();
    for (let i = 0; i < LIMIT; i++) await ROUTES[3].send(h, from(passwordSpent));
    expectRateLimited(await change(passwordSpent), LIMIT, 60);
    // The mail budget of that address was not what refused it.
    expectAllowed(await ROUTES[0].send(h, from(passwordSpent)), LIMIT, LIMIT - 1, 3600);
  });

  test("a refused request does nothing: no account, no mail", async () => {
    const ip = nextIp();
    for (let i = 0; i < LIMIT; i++) await ROUTES[0].send(h, from(ip));
    const email = uniqueEmail("refused");
    const before = h.inbox.messages.length;
    expectRateLimited(await h.call("POST", "/auth/register", { email, password: PASSWORD }, from(ip)), LIMIT, 3600);
    expect(h.inbox.messages.length).toBe(before);
    expect(h.inbox.mailTo(email)).toEqual([]);
    const resend = await h.call("POST", "/auth/resend-otp", { email }, from(nextIp()));
    expect(resend.status).toBe(404);
  });

  test("each client IP has its own budget", async () => {
    const [first, second] = [nextIp(), nextIp()];
    for (let i = 0; i < LIMIT; i++) await codeCheck(h, from(first));
    expectRateLimited(await codeCheck(h, from(first)), LIMIT, 60);
    const other = await codeCheck(h, from(second));
    expectAllowed(other, LIMIT, LIMIT - 1, 60);
    expect(other.status).toBe(404);
  });

  test("with one trusted proxy, addresses the client wrote left of the proxy's entry buy no new budget", async () => {
    const ip = nextIp();
    for (let i = 0; i < LIMIT; i++) await codeCheck(h, { "x-forwarded-for": `10.9.9.${i}, ${ip}` });
    expectRateLimited(await codeCheck(h, { "x-forwarded-for": `${nextIp()}, ${ip}` }), LIMIT, 60);
    expectRateLimited(await codeCheck(h, { "x-forwarded-for": `${nextIp()},${nextIp()}, ${ip}` }), LIMIT, 60);
  });

  test("an IPv6 client's budget covers its /64; an IPv4-mapped address is the IPv4 client", async () => {
    await codeCheck(h, from("2001:db8:77:1::1"));
    await codeCheck(h, from("2001:DB8:77:1:ffff::2"));
    await codeCheck(h, from("[2001:db8:77:1::3]:443"));
    expectRateLimited(await codeCheck(h, from("2001:db8:77:1:abcd::9")), LIMIT, 60);
    expectAllowed(await codeCheck(h, from("2001:db8:77:2::1")), LIMIT, LIMIT - 1, 60);

    const ip = nextIp();
    await codeCheck(h, from(ip));
    await codeCheck(h, from(`::ffff:${ip}`));
    await codeCheck(h, from(`${ip}:5678`));
    expectRateLimited(await codeCheck(h, from(ip)), LIMIT, 60);
  });

  test("garbage in X-Forwarded-For is never a key: all of it lands in the one budget of requests without an address", async () => {
    for (const garbage of ["not-an-ip", "x".repeat(5000), "999.1.1.1"]) await codeCheck(h, from(garbage));
    expectRateLimited(await codeCheck(h, from("<script>")), LIMIT, 60);
    expectRateLimited(await codeCheck(h, {}), LIMIT, 60);
    if (backend === "services") {
      const keys = (await h.redisKeys()).filter((key) => key.startsWith("rl:code:"));
      expect(keys).toContain("rl:code:unknown");
      expect(keys.every((key) => key.length < 80)).toBe(true);
      expect(keys.some((key) => /not-an-ip|script|999\.1/.test(key))).toBe(false);
    }
  });

  test("without TRUST_PROXY, a spoofed X-Forwarded-For buys no new budget: the socket's address counts", async () => {
    direct.app.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const base = `http://127.0.0.1:${direct.app.server!.port}`;
      const send = (forwardedFor?: string) =>
        fetch(`${base}/auth/verify-otp`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
          body: JSON.stringify({ email: uniqueEmail("spoof"), code: "123456" }),
        });
      const answers = [];
      for (let i = 0; i < LIMIT; i++) answers.push(await send(nextIp()));
      expect(answers.map((res) => res.status)).toEqual([404, 404, 404]);
      expect(answers.map((res) => res.headers.get("ratelimit-remaining"))).toEqual(["2", "1", "0"]);
      const spoofed = await send(nextIp());
      expect(spoofed.status).toBe(429);
      expect(await spoofed.json()).toEqual({ detail: "Too many requests. Please try again later.", code: "rate_limited" });
      expect(Number(spoofed.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await send()).status).toBe(429);
      expect((await send("127.0.0.2")).status).toBe(429);
      if (backend === "services") expect(await direct.redisKeys()).toContain("rl:code:127.0.0.1");
    } finally {
      await direct.app.stop(true);
    }
  });

  test("browsers may read the RateLimit-* headers (CORS exposes them)", async () => {
    const res = await codeCheck(h, { ...from(nextIp()), origin: "http://127.0.0.1:5500" });
    const exposed = (res.headers.get("access-control-expose-headers") ?? "").toLowerCase().split(/\s*,\s*/);
    for (const name of ["retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy"]) {
      expect(exposed).toContain(name);
    }
    expect(res.headers.get("ratelimit-limit")).toBe(String(LIMIT));
  });
});

describe("limits shared through Redis", () => {
  let first: Harness;
  let second: Harness;

  beforeAll(async () => {
    first = await startHarness({ env: { ...LIMITS, TRUST_PROXY: "1" } });
    second = await startHarness({
      database: first.database,
      inbox: first.inbox,
      env: { ...LIMITS, TRUST_PROXY: "1", REDIS_KEY_PREFIX: first.config.REDIS_KEY_PREFIX },
    });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  test("two instances on one Redis share one budget per client", async () => {
    const ip = nextIp();
    expectAllowed(await codeCheck(first, from(ip)), LIMIT, 2, 60);
    expectAllowed(await codeCheck(second, from(ip)), LIMIT, 1, 60);
    expectAllowed(await codeCheck(first, from(ip)), LIMIT, 0, 60);
    expectRateLimited(await codeCheck(second, from(ip)), LIMIT, 60);
    expectRateLimited(await codeCheck(first, from(ip)), LIMIT, 60);
  });

  test("mail budget: registrations spread over both instances send at most the limit", async () => {
    const ip = nextIp();
    const before = first.inbox.messages.length;
    const statuses = [];
    for (let i = 0; i < 10; i++) {
      const h = i % 2 === 0 ? first : second;
      statuses.push((await h.call("POST", "/auth/register", { email: uniqueEmail("shared"), password: PASSWORD }, from(ip))).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429, 429, 429, 429, 429]);
    expect(first.inbox.messages.length - before).toBe(LIMIT);
  });

  test("every budget is one Redis key under REDIS_KEY_PREFIX", async () => {
    const ip = nextIp();
    await codeCheck(first, from(ip));
    await first.call("POST", "/auth/login", { email: uniqueEmail("keys"), password: PASSWORD }, from(ip));
    const keys = await first.redisKeys();
    expect(keys).toContain(`rl:code:${ip}`);
    expect(keys).toContain(`rl:password:${ip}`);
  });
});
