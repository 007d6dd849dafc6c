import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../../support/env";
import { BACKENDS, startHarness, type Harness } from "../../support/harness";

// Each describe below runs once per backend (PostgreSQL + SMTP with Redis, the same with a 3-master Redis
// Cluster, and the embedded defaults), with its own harness in `h`.
let h: Harness;

const PASSWORD = "correct horse battery";

async function register(email: string) {
  const res = await h.call("POST", "/auth/register", { email, password: PASSWORD });
  expect(res.status).toBe(201);
  return h.inbox.latestCode(email);
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe.each(BACKENDS)("POST /auth/verify-otp (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("the mailed code verifies and activates the account and returns a working token", async () => {
    const email = uniqueEmail();
    const code = await register(email);
    const res = await h.call("POST", "/auth/verify-otp", { email, code });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe("Account verified successfully.");
    expect(res.body.token_type).toBe("bearer");

    const [row] = await h.rows<{ is_active: boolean; is_verified: boolean; last_otp_verified_at: Date }>(
      sql`select is_active, is_verified, last_otp_verified_at from users where email = ${email}`,
    );
    expect(row!.is_active).toBe(true);
    expect(row!.is_verified).toBe(true);
    expect(new Date(row!.last_otp_verified_at).getTime()).toBe(h.clock.now());

    const me = await h.call("GET", "/auth/me", undefined, { authorization: `Bearer ${res.body.access_token}` });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(email);
  });

  test("an unknown address is 404", async () => {
    const res = await h.call("POST", "/auth/verify-otp", { email: uniqueEmail("nobody"), code: "123456" });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe("User not found.");
  });

  test("a code works once", async () => {
    const email = uniqueEmail();
    const code = await register(email);
    expect((await h.call("POST", "/auth/verify-otp", { email, code })).status).toBe(200);
    const again = await h.call("POST", "/auth/verify-otp", { email, code });
    expect(again.status).toBe(400);
    expect(again.body.detail).toBe("Invalid or expired verification code.");
  });

  test("50 parallel verifications with the right code give exactly one 200", async () => {
    const email = uniqueEmail();
    const code = await register(email);
    const results = await Promise.all(Array.from({ length: 50 }, () => h.call("POST", "/auth/verify-otp", { email, code })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBe(1);
    expect(statuses.filter((s) => s === 400).length).toBe(49);
  });

  test("a code expires after OTP_EXPIRE_SECONDS", async () => {
    const email = uniqueEmail();
    const code = await register(email);
    h.clock.advance(120_000);
    const res = await h.call("POST", "/auth/verify-otp", { email, code });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe("Invalid or expired verification code.");
  });

  test("a code is still good one second before it expires", async () => {
    const email = uniqueEmail();
    const code = await register(email);
    h.clock.advance(119_000);
    expect((await h.call("POST", "/auth/verify-otp", { email, code })).status).toBe(200);
  });

  test("wrong tries are 400 until OTP_MAX_ATTEMPTS, then 429 and the code is dead", async () => {
    const email = uniqueEmail();
    const code = await register(email);
    const bad = wrongCode(code);
    for (let i = 1; i <= 4; i++) {
      const res = await h.call("POST", "/auth/verify-otp", { email, code: bad });
      expect(res.status).toBe(400);
    }
    const fifth = await h.call("POST", "/auth/verify-otp", { email, code: bad });
    expect(fifth.status).toBe(429);
    expect(fifth.body.detail).toBe("Too many incorrect attempts. Request a new verification code.");
    const right = await h.call("POST", "/auth/verify-otp", { email, code });
    expect(right.status).toBe(429);

    // A resend gives a fresh code with fresh attempts.
    h.clock.advance(60_000);
    expect((await h.call("POST", "/auth/resend-otp", { email })).status).toBe(200);
    expect((await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email) })).status).toBe(200);
  });

  test("the right code still works after fewer wrong tries than the limit", async () => {
    const email = uniqueEmail();
    const code = await register(email);
    for (let i = 0; i < 4; i++) await h.call("POST", "/auth/verify-otp", { email, code: wrongCode(code) });
    expect((await h.call("POST", "/auth/verify-otp", { email, code })).status).toBe(200);
  });

  test("parallel wrong guesses cannot exceed the attempt limit", async () => {
    const email = uniqueEmail();
    const code = await register(email);
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => h.call("POST", "/auth/verify-otp", { email, code: wrongCode(String(Number(code) + i)) })),
    );
    expect(guesses.filter((g) => g.status === 400).length).toBe(4);
    expect((await h.call("POST", "/auth/verify-otp", { email, code })).status).toBe(429);
  });

  test("malformed codes are 422 without echoing them", async () => {
    const email = uniqueEmail();
    for (const code of ["12ab56", "", "12345678901", 123456]) {
      const res = await h.call("POST", "/auth/verify-otp", { email, code });
      expect(res.status).toBe(422);
      expect(res.body.detail).toContain("code:");
      if (String(code)) expect(JSON.stringify(res.body)).not.toContain(String(code));
    }
  });

  // Needs a mail server that refuses, or Redis itself: the embedded defaults have neither.
  if (backend !== "embedded") {
    test("Redis never holds a code in plain text: only its keyed hash", async () => {
      const email = uniqueEmail();
      const code = await register(email);
      const prefix = h.config.REDIS_KEY_PREFIX;
      const keys = (await h.redisKeys()).map((key) => `${prefix}${key}`);
      const raw = h.rawRedis();
      try {
        const codeKeys = keys.filter((k) => k.includes(email) && k.includes(":code:"));
        expect(codeKeys.length).toBe(1);
        for (const key of keys) {
          expect(key).not.toContain(code);
          const type = await raw.type(key);
          const values = type === "hash" ? Object.values(await raw.hgetall(key)) : [String(await raw.get(key))];
          for (const value of values) expect(value).not.toContain(code);
        }
        const stored = await raw.hgetall(codeKeys[0]!);
        expect(stored.h).toMatch(/^[0-9a-f]{64}$/);
        expect(Number(await raw.pttl(codeKeys[0]!))).toBeGreaterThan(0);
      } finally {
        raw.disconnect();
      }
    });
  }
});
