import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../../support/env";
import { BACKENDS, startHarness, type Harness } from "../../support/harness";

// Each describe below runs once per backend (PostgreSQL + SMTP with Redis, the same with a 3-master Redis
// Cluster, and the embedded defaults), with its own harness in `h`.
let h: Harness;

const PASSWORD = "correct horse battery";

async function userRow(email: string) {
  const rows = await h.rows<{ id: number; is_active: boolean; is_verified: boolean; password_hash: string }>(
    sql`select id, is_active, is_verified, password_hash from users where email = ${email}`,
  );
  return rows;
}

describe.each(BACKENDS)("POST /auth/register (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("stores an inactive, unverified user with an argon2id hash and mails a code", async () => {
    const email = uniqueEmail();
    const res = await h.call("POST", "/auth/register", { email, password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ message: "Verification code sent to your email.", otp_token: expect.stringMatching(/^[\w-]{32}$/) });

    const rows = await userRow(email);
    expect(rows.length).toBe(1);
    expect(rows[0]!.is_active).toBe(false);
    expect(rows[0]!.is_verified).toBe(false);
    expect(rows[0]!.password_hash.startsWith("$argon2id$v=19$m=19456,t=2")).toBe(true);
    expect(rows[0]!.password_hash).not.toContain(PASSWORD);

    const mails = h.inbox.mailTo(email);
    expect(mails.length).toBe(1);
    const code = h.inbox.latestCode(email);
    expect(code).toMatch(/^\d{6}$/);
    expect(mails[0]!.subject).toBe(`${code} is your verification code`);
    expect(mails[0]!.text).toContain("expires in 2 minutes");
    expect(mails[0]!.html).toContain(code);
  });

  test("trims and lower-cases the address, so case variants are one account", async () => {
    const email = uniqueEmail("Mixed");
    const res = await h.call("POST", "/auth/register", { email: `  ${email.toUpperCase()} `, password: PASSWORD });
    expect(res.status).toBe(201);
    expect((await userRow(email.toLowerCase())).length).toBe(1);
    expect(h.inbox.mailTo(email.toLowerCase()).length).toBe(1);
  });

  test("a verified address is refused with 400 and no mail", async () => {
    const email = uniqueEmail();
    await h.createVerifiedUser(email, PASSWORD);
    const mailsBefore = h.inbox.mailTo(email).length;
    h.clock.advance(61_000);
    const res = await h.call("POST", "/auth/register", { email: email.toUpperCase(), password: "another password" });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe("An account with this email already exists.");
    expect(h.inbox.mailTo(email).length).toBe(mailsBefore);
  });

  test("re-registering an unverified address replaces its password and sends a fresh code", async () => {
    const email = uniqueEmail();
    await h.call("POST", "/auth/register", { email, password: "first password" });
    const firstCode = h.inbox.latestCode(email);
    const firstHash = (await userRow(email))[0]!.password_hash;
    h.clock.advance(61_000);

    const again = await h.call("POST", "/auth/register", { email, password: "second password" });
    expect(again.status).toBe(201);
    expect(h.inbox.mailTo(email).length).toBe(2);
    const rows = await userRow(email);
    expect(rows.length).toBe(1);
    expect(rows[0]!.password_hash).not.toBe(firstHash);
    expect(await Bun.password.verify("second password", rows[0]!.password_hash)).toBe(true);

    const secondCode = h.inbox.latestCode(email);
    if (secondCode !== firstCode) {
      const stale = await h.call("POST", "/auth/verify-otp", { email, code: firstCode });
      expect(stale.status).toBe(400);
    }
    expect((await h.call("POST", "/auth/verify-otp", { email, code: secondCode })).status).toBe(200);
  });

  test("registering again during the resend cooldown is 429 with Retry-After and changes nothing", async () => {
    const email = uniqueEmail();
    await h.call("POST", "/auth/register", { email, password: "first password" });
    const hashBefore = (await userRow(email))[0]!.password_hash;
    h.clock.advance(10_000);
    const res = await h.call("POST", "/auth/register", { email, password: "second password" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("50");
    expect((await userRow(email))[0]!.password_hash).toBe(hashBefore);
    expect(h.inbox.mailTo(email).length).toBe(1);
  });

  test("parallel registrations of one address create exactly one user and one mail", async () => {
    const email = uniqueEmail();
    const results = await Promise.all(Array.from({ length: 20 }, () => h.call("POST", "/auth/register", { email, password: PASSWORD })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBe(1);
    expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
    expect((await userRow(email)).length).toBe(1);
    expect(h.inbox.mailTo(email).length).toBe(1);
  });

  test("parallel registrations with no cooldown still leave one row", async () => {
    const noCooldown = await startHarness({ backend, env: { OTP_RESEND_COOLDOWN_SECONDS: "0", OTP_MAX_SENDS_PER_HOUR: "100" } });
    try {
      const email = uniqueEmail();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => noCooldown.call("POST", "/auth/register", { email, password: `${PASSWORD} ${i}` })),
      );
      expect(results.every((r) => r.status === 201)).toBe(true);
      expect((await noCooldown.rows(sql`select id from users where email = ${email}`)).length).toBe(1);
    } finally {
      await noCooldown.close();
    }
  });

  test("invalid input is 422 naming the field, never echoing the values", async () => {
    const cases: [unknown, string][] = [
      [{ email: "not-an-email", password: "valid password" }, "email"],
      [{ email: uniqueEmail(), password: "short" }, "password"],
      [{ email: uniqueEmail(), password: "x".repeat(129) }, "password"],
      [{ email: `${"a".repeat(250)}@example.com`, password: "valid password" }, "email"],
      [{ password: "valid password" }, "email"],
      [{ email: uniqueEmail(), password: 12345678 }, "password"],
    ];
    for (const [body, field] of cases) {
      const res = await h.call("POST", "/auth/register", body);
      expect(res.status).toBe(422);
      expect(res.body.detail).toContain(`${field}:`);
      const text = JSON.stringify(res.body);
      if (typeof (body as any).password === "string") expect(text).not.toContain((body as any).password);
      if ((body as any).email) expect(text).not.toContain((body as any).email);
    }
  });

  // Needs a mail server that refuses, or Redis itself: the embedded defaults have neither.
  if (backend !== "embedded") {
    test("an SMTP refusal is 503, keeps the user, kills the code, and a resend works once mail flows", async () => {
      const email = uniqueEmail();
      h.inbox.refuseMail(true);
      let res;
      try {
        res = await h.call("POST", "/auth/register", { email, password: PASSWORD });
      } finally {
        h.inbox.refuseMail(false);
      }
      expect(res.status).toBe(503);
      expect(res.body.detail).toBe("The verification email could not be sent. Please try again later.");
      expect(JSON.stringify(res.body)).not.toMatch(/550|Mailbox unavailable/);
      expect((await userRow(email)).length).toBe(1);
      expect(h.inbox.mailTo(email).length).toBe(0);

      // No code survives in Redis for this address: nobody received it.
      const keys = (await h.redisKeys()).filter((k) => k.includes(email));
      expect(keys).toEqual([`otp:{${email}}:sends`]);

      const resend = await h.call("POST", "/auth/resend-otp", { email });
      expect(resend.status).toBe(200);
      expect((await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email) })).status).toBe(200);
    });
  }
});
