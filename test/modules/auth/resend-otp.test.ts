import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { uniqueEmail } from "../../support/env";
import { BACKENDS, startHarness, type Harness } from "../../support/harness";

// Each describe below runs once per backend (PostgreSQL + SMTP with Redis, the same with a 3-master Redis
// Cluster, and the embedded defaults), with its own harness in `h`.
let h: Harness;

const PASSWORD = "correct horse battery";

describe.each(BACKENDS)("POST /auth/resend-otp (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("after the cooldown, mails a new code and the earlier one stops working", async () => {
    const email = uniqueEmail();
    await h.call("POST", "/auth/register", { email, password: PASSWORD });
    const first = h.inbox.latestCode(email);
    h.clock.advance(60_000);
    const res = await h.call("POST", "/auth/resend-otp", { email });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: "A new verification code has been sent." });
    expect(h.inbox.mailTo(email).length).toBe(2);
    const second = h.inbox.latestCode(email);
    if (second !== first) expect((await h.call("POST", "/auth/verify-otp", { email, code: first })).status).toBe(400);
    expect((await h.call("POST", "/auth/verify-otp", { email, code: second })).status).toBe(200);
  });

  test("during the cooldown it is 429 with the remaining seconds in Retry-After", async () => {
    const email = uniqueEmail();
    await h.call("POST", "/auth/register", { email, password: PASSWORD });
    h.clock.advance(45_500);
    const res = await h.call("POST", "/auth/resend-otp", { email });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("15");
    expect(res.body.detail).toContain("sent recently");
    expect(h.inbox.mailTo(email).length).toBe(1);
  });

  test("the hourly cap stops sends after OTP_MAX_SENDS_PER_HOUR and lifts when the hour is over", async () => {
    const email = uniqueEmail();
    await h.call("POST", "/auth/register", { email, password: PASSWORD });
    for (let i = 2; i <= 10; i++) {
      h.clock.advance(60_000);
      expect((await h.call("POST", "/auth/resend-otp", { email })).status).toBe(200);
    }
    expect(h.inbox.mailTo(email).length).toBe(10);
    h.clock.advance(60_000);
    const capped = await h.call("POST", "/auth/resend-otp", { email });
    expect(capped.status).toBe(429);
    expect(capped.body.detail).toContain("Too many verification codes");
    // 10 sends spread over 9 minutes, now at 10 minutes: the window ends 50 minutes from now.
    expect(Number(capped.headers.get("retry-after"))).toBe(50 * 60);
    h.clock.advance(50 * 60_000);
    expect((await h.call("POST", "/auth/resend-otp", { email })).status).toBe(200);
    expect(h.inbox.mailTo(email).length).toBe(11);
  });

  test("an unknown address is 404", async () => {
    const res = await h.call("POST", "/auth/resend-otp", { email: uniqueEmail("nobody") });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe("User not found.");
  });

  test("a verified account without a pending re-check gets no code", async () => {
    const email = uniqueEmail();
    await h.createVerifiedUser(email, PASSWORD);
    h.clock.advance(60_000);
    const res = await h.call("POST", "/auth/resend-otp", { email });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("already_verified");
    expect(h.inbox.mailTo(email).length).toBe(1);
  });

  // Needs a mail server that refuses, or Redis itself: the embedded defaults have neither.
  if (backend !== "embedded") {
    test("an SMTP failure is 503 and leaves no working code behind", async () => {
      const email = uniqueEmail();
      await h.call("POST", "/auth/register", { email, password: PASSWORD });
      const first = h.inbox.latestCode(email);
      h.clock.advance(60_000);
      h.inbox.refuseMail(true);
      const res = await h.call("POST", "/auth/resend-otp", { email }).finally(() => h.inbox.refuseMail(false));
      expect(res.status).toBe(503);
      // The failed resend replaced the first code before the mail failed, so neither works now.
      expect((await h.call("POST", "/auth/verify-otp", { email, code: first })).status).toBe(400);
      // The cooldown started by the failed send was lifted: the person can ask again at once.
      expect((await h.call("POST", "/auth/resend-otp", { email })).status).toBe(200);
      expect((await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email) })).status).toBe(200);
    });
  }
});
