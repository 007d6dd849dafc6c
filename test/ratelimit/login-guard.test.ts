import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS, startHarness, type CallResult, type Harness } from "../support/harness";
import { loginGuard } from "../support/limits";
import { from, nextIp } from "./support";

const PASSWORD = "correct horse battery";
const WRONG = "wrong password guess";
const FAILURES = 3;
const PER_IP_PER_DAY = 20;
const BLOCKED = { detail: "Too many failed sign-in attempts. Please try again later.", code: "login_blocked" };

/**
 * The blocks live in Redis key expiry (or the limiter library's own timers in memory), which only real
 * time moves, so these tests use blocks of 1-2 s and wait them out instead of moving the fake clock.
 */
const waitOut = (res: CallResult) => Bun.sleep(Number(res.headers.get("retry-after")) * 1000 + 150);

function expectBlocked(res: CallResult, retryAfterSeconds: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  expect(res.body).toEqual(BLOCKED);
  expect(res.headers.get("retry-after")).toBe(String(retryAfterSeconds));
}

describe.each(CORE_BACKENDS)("password guessing protection (%s)", (backend) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      backend,
      env: {
        TRUST_PROXY: "1",
        ...loginGuard({ failures: FAILURES, blockSeconds: 1, blockMaxSeconds: 2, failuresPerIpPerDay: PER_IP_PER_DAY }),
      },
    });
  });
  afterAll(() => h?.close());

  const login = (email: string, password: string, ip: string) => h.call("POST", "/auth/login", { email, password }, from(ip));

  async function failRepeatedly(email: string, ip: string) {
    for (let i = 0; i < FAILURES; i++) {
      const res = await login(email, WRONG, ip);
      expect(res.status, JSON.stringify(res.body)).toBe(401);
    }
  }

  test("wrong passwords in a row block the address from that IP; the right password is refused too, like for an unknown address", async () => {
    const email = uniqueEmail("victim");
    await h.createVerifiedUser(email, PASSWORD);
    const attacker = nextIp();
    await failRepeatedly(email, attacker);
    const blocked = await login(email, PASSWORD, attacker);
    expectBlocked(blocked, 1);

    // An address with no account is blocked the same way, with the same answer: no hint that one exists.
    const nobody = uniqueEmail("nobody");
    await failRepeatedly(nobody, attacker);
    const unknown = await login(nobody, WRONG, attacker);
    expectBlocked(unknown, 1);
    expect(unknown.body).toEqual(blocked.body);
    expect([...unknown.headers.keys()].sort()).toEqual([...blocked.headers.keys()].sort());
  });

  test("the real person still logs in from their own IP while the attacker's IP is blocked for their address", async () => {
    const email = uniqueEmail("victim");
    await h.createVerifiedUser(email, PASSWORD);
    const attacker = nextIp();
    await failRepeatedly(email, attacker);
    expectBlocked(await login(email, WRONG, attacker), 1);

    const owner = await login(email, PASSWORD, nextIp());
    expect(owner.status, JSON.stringify(owner.body)).toBe(200);
    expect(typeof owner.body.access_token).toBe("string");
    // The attacker's block on that address stands.
    expect((await login(email, PASSWORD, attacker)).status).toBe(429);
  });

  test("each further block doubles, up to LOGIN_BLOCK_MAX_SECONDS", async () => {
    const email = uniqueEmail("victim");
    await h.createVerifiedUser(email, PASSWORD);
    const attacker = nextIp();

    await failRepeatedly(email, attacker);
    const first = await login(email, WRONG, attacker);
    expectBlocked(first, 1);
    await waitOut(first);

    await failRepeatedly(email, attacker);
    const second = await login(email, WRONG, attacker);
    expectBlocked(second, 2);
    await waitOut(second);

    await failRepeatedly(email, attacker);
    expectBlocked(await login(email, WRONG, attacker), 2);
  }, 20_000);

  test("the right password resets the count and the growth", async () => {
    const email = uniqueEmail("forgetful");
    await h.createVerifiedUser(email, PASSWORD);
    const ip = nextIp();

    await failRepeatedly(email, ip);
    const blocked = await login(email, PASSWORD, ip);
    expectBlocked(blocked, 1);
    await waitOut(blocked);
    expect((await login(email, PASSWORD, ip)).status).toBe(200);

    // Fewer failures than the limit, then success: the count starts again from zero.
    for (let i = 0; i < FAILURES - 1; i++) expect((await login(email, WRONG, ip)).status).toBe(401);
    expect((await login(email, PASSWORD, ip)).status).toBe(200);
    for (let i = 0; i < FAILURES - 1; i++) expect((await login(email, WRONG, ip)).status).toBe(401);
    expect((await login(email, PASSWORD, ip)).status).toBe(200);

    // The next block is the first one again (1 s), not the doubled one (2 s).
    await failRepeatedly(email, ip);
    expectBlocked(await login(email, WRONG, ip), 1);
  }, 20_000);

  test("parallel guesses cannot slip past the limit", async () => {
    const email = uniqueEmail("victim");
    await h.createVerifiedUser(email, PASSWORD);
    const attacker = nextIp();
    const results = await Promise.all(Array.from({ length: 20 }, () => login(email, WRONG, attacker)));
    expect(results.filter((res) => res.status === 401)).toHaveLength(FAILURES);
    expect(results.filter((res) => res.status === 429)).toHaveLength(20 - FAILURES);
  });

  test("one IP's wrong passwords over many addresses are capped per day (credential stuffing); right ones do not count", async () => {
    const email = uniqueEmail("stuffed");
    await h.createVerifiedUser(email, PASSWORD);
    const stuffer = nextIp();
    for (let i = 0; i < PER_IP_PER_DAY; i++) {
      if (i % 3 === 0) expect((await login(email, PASSWORD, stuffer)).status).toBe(200);
      expect((await login(uniqueEmail("list"), WRONG, stuffer)).status).toBe(401);
    }
    const refused = await login(email, PASSWORD, stuffer);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(BLOCKED);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(86_000);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect((await login(uniqueEmail("list"), WRONG, stuffer)).status).toBe(429);

    // Other clients are unaffected.
    expect((await login(email, PASSWORD, nextIp())).status).toBe(200);
  });

  test("a right password on an unverified account counts as right: it resets the count", async () => {
    const email = uniqueEmail("pending");
    expect((await h.call("POST", "/auth/register", { email, password: PASSWORD }, from(nextIp()))).status).toBe(201);
    const ip = nextIp();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < FAILURES - 1; i++) expect((await login(email, WRONG, ip)).status).toBe(401);
      const right = await login(email, PASSWORD, ip);
      expect(right.status).toBe(400);
      expect(right.body.code).toBe("email_not_verified");
    }
  });
});
