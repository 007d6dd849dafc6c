import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";

// HIDE_ACCOUNT_EXISTENCE=true; each describe runs once per backend.
let h: Harness;
const PASSWORD = "correct horse battery";
const afterCooldown = () => h.clock.advance(61_000);
// An otp_token is random in every answer, so only whether there is one is compared.
const withoutId = (res: { status: number; body: any }) => ({
  status: res.status,
  body: typeof res.body?.otp_token === "string" ? { ...res.body, otp_token: "<token>" } : res.body,
});

describe.each(CORE_BACKENDS)("HIDE_ACCOUNT_EXISTENCE (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend, env: { HIDE_ACCOUNT_EXISTENCE: "true" } });
  });
  afterAll(() => h.close());

  test("registering a verified address answers like a new one and mails the owner a notice, not a code", async () => {
    const owner = uniqueEmail("owner");
    await h.signUp(owner, PASSWORD);
    afterCooldown();
    const taken = await h.call("POST", "/auth/register", { email: owner, password: "an attacker's password" });
    const fresh = await h.call("POST", "/auth/register", { email: uniqueEmail("fresh"), password: PASSWORD });
    expect(withoutId(taken)).toEqual(withoutId(fresh));
    expect(taken.status).toBe(201);
    const notice = await h.inbox.waitForMail(owner, 2);
    expect(notice.subject).toBe("You already have an account");
    expect(notice.text).not.toMatch(/\d{6}/);
    // Nothing changed: the owner's password still works, the attacker's does not.
    expect((await h.call("POST", "/auth/login", { email: owner, password: PASSWORD })).status).toBe(200);
    expect((await h.call("POST", "/auth/login", { email: owner, password: "an attacker's password" })).status).toBe(401);
  });

  test("the notice obeys the send limits like a code", async () => {
    const owner = uniqueEmail("limited");
    await h.signUp(owner, PASSWORD);
    const early = await h.call("POST", "/auth/register", { email: owner, password: PASSWORD });
    const newcomer = uniqueEmail("newcomer");
    await h.call("POST", "/auth/register", { email: newcomer, password: PASSWORD });
    const earlyNew = await h.call("POST", "/auth/register", { email: newcomer, password: PASSWORD });
    expect(early.status).toBe(429);
    expect(withoutId(early)).toEqual(withoutId(earlyNew));
  });

  test("verify-otp for an unknown address answers like a wrong code", async () => {
    const known = uniqueEmail("known");
    await h.call("POST", "/auth/register", { email: known, password: PASSWORD });
    await h.inbox.waitForMail(known, 1);
    const wrong = await h.call("POST", "/auth/verify-otp", {
      email: known,
      code: h.inbox.latestCode(known) === "000000" ? "111111" : "000000",
    });
    const unknown = await h.call("POST", "/auth/verify-otp", { email: uniqueEmail("nobody"), code: "000000" });
    expect(unknown.status).toBe(400);
    expect(withoutId(unknown)).toEqual(withoutId(wrong));
  });

  test("resend-otp answers alike for unknown, verified and unverified addresses; only the unverified one gets mail", async () => {
    const unverified = uniqueEmail("unverified");
    await h.call("POST", "/auth/register", { email: unverified, password: PASSWORD });
    const verified = uniqueEmail("verified");
    await h.signUp(verified, PASSWORD);
    const unknown = uniqueEmail("unknown");
    afterCooldown();
    const answers = [
      await h.call("POST", "/auth/resend-otp", { email: unverified }),
      await h.call("POST", "/auth/resend-otp", { email: verified }),
      await h.call("POST", "/auth/resend-otp", { email: unknown }),
    ];
    for (const res of answers) expect(withoutId(res)).toEqual({ status: 200, body: { message: "A new verification code has been sent." } });
    await h.inbox.waitForMail(unverified, 2);
    expect(h.inbox.mailTo(verified)).toHaveLength(1);
    expect(h.inbox.mailTo(unknown)).toHaveLength(0);
    // The cooldown runs for each of them alike.
    const again = await Promise.all([unverified, verified, unknown].map((email) => h.call("POST", "/auth/resend-otp", { email })));
    expect(again.map((res) => res.status)).toEqual([429, 429, 429]);
    expect(new Set(again.map((res) => JSON.stringify(res.body))).size).toBe(1);
  });

  test("login answers alike for an unknown address, a wrong password and an account without a password", async () => {
    const known = uniqueEmail("known");
    await h.signUp(known, PASSWORD);
    const passwordless = uniqueEmail("oauth");
    await h.rows(
      sql`insert into users (email, password_hash, auth_provider, is_active, is_verified) values (${passwordless}, null, 'github', true, true)`,
    );
    const answers = [
      await h.call("POST", "/auth/login", { email: uniqueEmail("nobody"), password: PASSWORD }),
      await h.call("POST", "/auth/login", { email: known, password: "not the password" }),
      await h.call("POST", "/auth/login", { email: passwordless, password: PASSWORD }),
    ];
    for (const res of answers) {
      expect(withoutId(res)).toEqual({ status: 401, body: { detail: "Incorrect email or password.", code: "invalid_credentials" } });
    }
  });
});

describe("HIDE_ACCOUNT_EXISTENCE: answers do not wait for the mail", () => {
  beforeAll(async () => {
    h = await startHarness({ env: { HIDE_ACCOUNT_EXISTENCE: "true" } });
  });
  afterAll(() => h.close());

  test("with a mail server taking 4 s per message, register and resend answer long before it accepts", async () => {
    const email = uniqueEmail("slow");
    h.inbox.delayMail(4000);
    try {
      let started = performance.now();
      expect((await h.call("POST", "/auth/register", { email, password: PASSWORD })).status).toBe(201);
      expect(performance.now() - started).toBeLessThan(3000);
      afterCooldown();
      started = performance.now();
      expect((await h.call("POST", "/auth/resend-otp", { email })).status).toBe(200);
      expect(performance.now() - started).toBeLessThan(3000);
      await h.inbox.waitForMail(email, 2, 15_000);
    } finally {
      h.inbox.delayMail(0);
    }
  });

  test("a mail that fails after the answer withdraws its code and is logged", async () => {
    const email = uniqueEmail("refused");
    h.inbox.refuseMail(true);
    try {
      expect((await h.call("POST", "/auth/register", { email, password: PASSWORD })).status).toBe(201);
      const deadline = Date.now() + 5000;
      while (!h.logs.some((line) => line.includes("mail failed")) && Date.now() < deadline) await Bun.sleep(20);
      expect(h.logs.some((line) => line.includes("mail failed"))).toBe(true);
    } finally {
      h.inbox.refuseMail(false);
    }
    // The cooldown was lifted with the code, so a resend works at once.
    expect((await h.call("POST", "/auth/resend-otp", { email })).status).toBe(200);
    await h.inbox.waitForMail(email, 1);
  });
});
