import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { freePort } from "../../support/free-port";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";
import { loginGuard } from "../../support/limits";
import { nextIp } from "../../ratelimit/support";

/**
 * Issue 15: admin Basic auth could be guessed at full speed (200 wrong passwords in 88 ms, all 401). Replayed
 * over real HTTP against a listening app; clients are told apart by X-Forwarded-For behind one proxy.
 */
const ADMIN = { ADMIN_EMAIL: "admin@otp-auth.test", ADMIN_PASSWORD: "admin password long enough" };
const FAILURES = 5;
const PER_IP_PER_DAY = 20;
// The login guard's own settings, which the harness otherwise sets out of reach.
const LIMITS = {
  TRUST_PROXY: "1",
  ...loginGuard({ failures: FAILURES, blockSeconds: 60, blockMaxSeconds: 3600, failuresPerIpPerDay: PER_IP_PER_DAY }),
};
const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;
const RIGHT = basic(ADMIN.ADMIN_EMAIL, ADMIN.ADMIN_PASSWORD);

describe.each(CORE_BACKENDS)("admin Basic auth guessing over real HTTP (%s)", (backend) => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness({ backend, env: { ...ADMIN, ...LIMITS } });
    const port = freePort();
    h.app.listen({ port, hostname: "127.0.0.1" });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await h?.app.stop(true);
    await h?.close();
  });

  const listUsers = (authorization: string, ip: string) =>
    fetch(`${base}/auth/admin/users?limit=1`, { headers: { authorization, "x-forwarded-for": ip } });

  async function expectBlocked(res: Response, maxRetryAfterSeconds: number) {
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ detail: expect.any(String), code: "login_blocked" });
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(maxRetryAfterSeconds);
  }

  test("200 wrong passwords from one client: a few 401s, then 429 with Retry-After, the right password included", async () => {
    const attacker = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await listUsers(basic(ADMIN.ADMIN_EMAIL, `guess number ${i} of the attacker`), attacker);
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.slice(0, FAILURES)).toEqual(Array(FAILURES).fill(401));
    expect(statuses.slice(FAILURES).filter((status) => status !== 429)).toEqual([]);
    // Refused while blocked even when right, so a guess can never be confirmed.
    await expectBlocked(await listUsers(RIGHT, attacker), 60);
    // The admin, from anywhere else, is not locked out.
    const admin = await listUsers(RIGHT, nextIp());
    expect(admin.status).toBe(200);
    expect(((await admin.json()) as { users: unknown }).users).toBeArray();
  });

  test("rotating user names from one client runs into that client's daily cap of failures", async () => {
    const attacker = nextIp();
    for (let i = 0; i < PER_IP_PER_DAY; i++) {
      const res = await listUsers(basic(`guess-${i}@otp-auth.test`, "some password guess"), attacker);
      expect(res.status).toBe(401);
      await res.arrayBuffer();
    }
    // Until the day's window ends.
    await expectBlocked(await listUsers(basic(ADMIN.ADMIN_EMAIL, "one more password guess"), attacker), 86_400);
    await expectBlocked(await listUsers(RIGHT, attacker), 86_400);
    expect((await listUsers(RIGHT, nextIp())).status).toBe(200);
  });

  test("the admin's own requests are never counted: many right answers in a row, and no credentials at all, stay 200 and 401", async () => {
    const admin = nextIp();
    for (let i = 0; i < PER_IP_PER_DAY + FAILURES; i++) {
      const res = await listUsers(RIGHT, admin);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    // A client's first request before it is challenged carries no credentials: it guesses nothing.
    for (let i = 0; i < FAILURES * 2; i++) {
      const res = await fetch(`${base}/auth/admin/users`, { headers: { "x-forwarded-for": admin } });
      expect(res.status).toBe(401);
      await res.arrayBuffer();
    }
    expect((await listUsers(RIGHT, admin)).status).toBe(200);
  });
});
