import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { MFA_TOKEN_TTL_SECONDS } from "../../../src/modules/mfa/service";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";
import { PASSWORD, passwordStep, sessionCount, STEP_MS, totpAt, userWithTotp, verify, wrongTotp } from "./support";

const ADMIN = { ADMIN_EMAIL: "admin@otp-auth.test", ADMIN_PASSWORD: "admin password long enough" };
const ADMIN_AUTH = `Basic ${Buffer.from(`${ADMIN.ADMIN_EMAIL}:${ADMIN.ADMIN_PASSWORD}`).toString("base64")}`;
// Small enough to reach in a test: 5 wrong codes kill an mfa_token (OTP_MAX_ATTEMPTS), 8 lock the user.
const LIMITS = { OTP_MAX_ATTEMPTS: "5", OTP_MAX_FAILURES_PER_WINDOW: "8" };
let h: Harness;

const mailSubjects = (email: string) => h.inbox.mailTo(email).map((mail) => mail.subject);

describe.each(CORE_BACKENDS)("TOTP second factor (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend, env: { ...ADMIN, ...LIMITS, PUBLIC_URL: "https://auth.example.org" } });
  });
  afterAll(() => h.close());

  test("enroll → confirm → a password login stops at mfa_required → an app code gives the tokens", async () => {
    const email = uniqueEmail("totp");
    const access = await h.createVerifiedUser(email, PASSWORD);
    const enrolled = await h.callAs(access, "POST", "/auth/mfa/totp/enroll");
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(enrolled.body.otpauth_uri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("issuer")).toBe("auth.example.org");
    expect(uri.searchParams.get("secret")).toBe(enrolled.body.secret);
    expect(decodeURIComponent(uri.pathname)).toContain(email);
    // Not on until confirmed: a login still opens a session.
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD })).status).toBe(200);

    const confirmed = await h.callAs(access, "POST", "/auth/mfa/totp/confirm", { code: totpAt(h, enrolled.body.secret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recovery_codes).toHaveLength(10);
    expect(new Set(confirmed.body.recovery_codes).size).toBe(10);
    await h.inbox.waitForMail(email, 2);
    expect(mailSubjects(email)).toContain("Two-step sign-in is on");
    h.clock.advance(STEP_MS);

    const before = await sessionCount(h, email);
    const token = await passwordStep(h, email);
    expect(await sessionCount(h, email)).toBe(before);
    const done = await verify(h, token, totpAt(h, enrolled.body.secret));
    expect(done.status).toBe(200);
    expect(Object.keys(done.body).sort()).toEqual(["access_token", "expires_in", "refresh_token", "token_type"]);
    expect((await h.callAs(done.body.access_token, "GET", "/auth/me")).body.email).toBe(email);
    expect(await sessionCount(h, email)).toBe(before + 1);
    // The mfa_token works once.
    h.clock.advance(STEP_MS);
    const again = await verify(h, token, totpAt(h, enrolled.body.secret));
    expect(again.status).toBe(401);
    expect(again.body.code).toBe("invalid_mfa_token");
  });

  test("enrolling again replaces the pending secret; enrolling or confirming once on is refused", async () => {
    const email = uniqueEmail("reenroll");
    const access = await h.createVerifiedUser(email, PASSWORD);
    const first = (await h.callAs(access, "POST", "/auth/mfa/totp/enroll")).body.secret;
    const second = (await h.callAs(access, "POST", "/auth/mfa/totp/enroll")).body.secret;
    expect(second).not.toBe(first);
    const stale = await h.callAs(access, "POST", "/auth/mfa/totp/confirm", { code: totpAt(h, first) });
    expect(stale.status).toBe(400);
    expect(stale.body.code).toBe("invalid_mfa_code");
    expect((await h.callAs(access, "POST", "/auth/mfa/totp/confirm", { code: totpAt(h, second) })).status).toBe(200);
    const enrollOn = await h.callAs(access, "POST", "/auth/mfa/totp/enroll");
    expect(enrollOn.status).toBe(409);
    expect(enrollOn.body.code).toBe("mfa_already_enabled");
    h.clock.advance(STEP_MS);
    expect((await h.callAs(access, "POST", "/auth/mfa/totp/confirm", { code: totpAt(h, second) })).body.code).toBe("mfa_already_enabled");
    // Confirming with nothing enrolled.
    const other = await h.createVerifiedUser(uniqueEmail("none"), PASSWORD);
    expect((await h.callAs(other, "POST", "/auth/mfa/totp/confirm", { code: "123456" })).body.code).toBe("mfa_not_enrolled");
  });

  test("a code is refused a second time within its window; the next step's code works", async () => {
    const email = uniqueEmail("replay");
    const { secret } = await userWithTotp(h, email);
    const code = totpAt(h, secret);
    expect((await verify(h, await passwordStep(h, email), code)).status).toBe(200);
    const replay = await verify(h, await passwordStep(h, email), code);
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe("invalid_mfa_code");
    // The code of the step before is older than the used one: refused too.
    expect((await verify(h, await passwordStep(h, email), totpAt(h, secret, -1))).status).toBe(400);
    h.clock.advance(STEP_MS);
    expect((await verify(h, await passwordStep(h, email), totpAt(h, secret))).status).toBe(200);
  });

  test("two verifies at once with one code (two mfa_tokens): exactly one session opens", async () => {
    const email = uniqueEmail("race");
    const { secret } = await userWithTotp(h, email);
    const tokens = [await passwordStep(h, email), await passwordStep(h, email), await passwordStep(h, email)];
    const before = await sessionCount(h, email);
    const code = totpAt(h, secret);
    const answers = await Promise.all(tokens.map((token) => verify(h, token, code)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400]);
    expect(await sessionCount(h, email)).toBe(before + 1);
  });

  test("a recovery code works once, in any case and without its dash; two at once open one session", async () => {
    const email = uniqueEmail("recovery");
    const { recoveryCodes } = await userWithTotp(h, email);
    const [first, second] = recoveryCodes;
    const ok = await verify(h, await passwordStep(h, email), first!.toUpperCase().replace("-", ""));
    expect(ok.status).toBe(200);
    const twice = await verify(h, await passwordStep(h, email), first!);
    expect(twice.status).toBe(400);
    expect(twice.body.code).toBe("invalid_mfa_code");
    const before = await sessionCount(h, email);
    const tokens = [await passwordStep(h, email), await passwordStep(h, email)];
    const answers = await Promise.all(tokens.map((token) => verify(h, token, second!)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    expect(await sessionCount(h, email)).toBe(before + 1);
  });

  test("wrong codes: an mfa_token dies after OTP_MAX_ATTEMPTS, the user is locked after OTP_MAX_FAILURES_PER_WINDOW", async () => {
    const email = uniqueEmail("guess");
    const { secret } = await userWithTotp(h, email);
    const token = await passwordStep(h, email);
    for (let i = 0; i < 5; i++) expect((await verify(h, token, wrongTotp(h, secret))).body.code).toBe("invalid_mfa_code");
    expect((await verify(h, token, totpAt(h, secret))).body.code).toBe("invalid_mfa_token");
    const next = await passwordStep(h, email);
    for (let i = 0; i < 3; i++) expect((await verify(h, next, "abcde-fghij")).body.code).toBe("invalid_mfa_code");
    const locked = await verify(h, await passwordStep(h, email), totpAt(h, secret));
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe("mfa_locked");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another user is not affected.
    const other = uniqueEmail("bystander");
    const { secret: otherSecret } = await userWithTotp(h, other);
    expect((await verify(h, await passwordStep(h, other), totpAt(h, otherSecret))).status).toBe(200);
  });

  test("the session after the second factor needs what the first proved: a password changed in between refuses it", async () => {
    const email = uniqueEmail("changed");
    const { access, secret } = await userWithTotp(h, email);
    const token = await passwordStep(h, email);
    const changed = await h.callAs(access, "POST", "/auth/password/change", {
      current_password: PASSWORD,
      new_password: "another password 2",
    });
    expect(changed.status).toBe(200);
    const late = await verify(h, token, totpAt(h, secret));
    expect(late.status).toBe(401);
    expect(late.body.code).toBe("invalid_credentials");
  });

  test("an mfa_token expires", async () => {
    const email = uniqueEmail("expiry");
    const { secret } = await userWithTotp(h, email);
    const token = await passwordStep(h, email);
    h.clock.advance(MFA_TOKEN_TTL_SECONDS * 1000 + 1000);
    const late = await verify(h, token, totpAt(h, secret));
    expect(late.status).toBe(401);
    expect(late.body.code).toBe("invalid_mfa_token");
  });

  test("an email code sign-in and a re-check stop at the second factor too, and keep what they proved", async () => {
    const email = uniqueEmail("code-mfa");
    const { secret } = await userWithTotp(h, email);
    h.clock.advance(61_000); // past the resend cooldown of the registration code
    const before = h.inbox.mailTo(email).length;
    expect((await h.call("POST", "/auth/code/send", { email })).status).toBe(200);
    await h.inbox.waitForMail(email, before + 1);
    const signIn = await h.call("POST", "/auth/code/sign-in", { email, code: h.inbox.latestCode(email) });
    expect(signIn.status).toBe(401);
    expect(signIn.body.code).toBe("mfa_required");
    expect((await verify(h, signIn.body.mfa_token, totpAt(h, secret))).status).toBe(200);

    // Past OTP_RECHECK_MINUTES a login mails a code; the code leads to the second factor, then to tokens.
    h.clock.advance(31 * 60_000);
    const mails = h.inbox.mailTo(email).length;
    const login = await h.call("POST", "/auth/login", { email, password: PASSWORD });
    expect(login.body.code).toBe("otp_required");
    await h.inbox.waitForMail(email, mails + 1);
    const recheck = await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email), otp_token: login.body.otp_token });
    expect(recheck.status).toBe(401);
    expect(recheck.body.code).toBe("mfa_required");
    expect((await verify(h, recheck.body.mfa_token, totpAt(h, secret))).status).toBe(200);
    // The re-check was recorded by the session the second factor opened: the next login needs no mailed code.
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD })).body.code).toBe("mfa_required");
  });

  test("disable needs a current code (or a recovery code), mails a notice, and keeps the session", async () => {
    const email = uniqueEmail("disable");
    const { access, secret } = await userWithTotp(h, email);
    const wrong = await h.callAs(access, "POST", "/auth/mfa/totp/disable", { code: wrongTotp(h, secret) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("invalid_mfa_code");
    const mails = h.inbox.mailTo(email).length;
    expect((await h.callAs(access, "POST", "/auth/mfa/totp/disable", { code: totpAt(h, secret) })).status).toBe(200);
    await h.inbox.waitForMail(email, mails + 1);
    expect(mailSubjects(email)).toContain("Two-step sign-in was turned off");
    expect((await h.callAs(access, "GET", "/auth/me")).status).toBe(200);
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD })).status).toBe(200);
    expect((await h.callAs(access, "POST", "/auth/mfa/totp/disable", { code: totpAt(h, secret) })).body.code).toBe("mfa_not_enabled");

    const viaRecovery = uniqueEmail("disable-recovery");
    const enrolled = await userWithTotp(h, viaRecovery);
    expect((await h.callAs(enrolled.access, "POST", "/auth/mfa/totp/disable", { code: enrolled.recoveryCodes[3] })).status).toBe(200);
  });

  test("an administrator turns it off: audited, the user is mailed; a pending mfa_token stops working", async () => {
    const email = uniqueEmail("admin-off");
    const { access, secret } = await userWithTotp(h, email);
    const id = (await h.callAs(access, "GET", "/auth/me")).body.id;
    const pending = await passwordStep(h, email);
    const mails = h.inbox.mailTo(email).length;
    const off = await h.call("DELETE", `/auth/admin/users/${id}/mfa`, undefined, { authorization: ADMIN_AUTH });
    expect(off.status).toBe(200);
    await h.inbox.waitForMail(email, mails + 1);
    expect(h.inbox.mailTo(email).at(-1)!.text).toContain("An administrator removed the authenticator app");
    expect((await verify(h, pending, totpAt(h, secret))).body.code).toBe("invalid_mfa_token");
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD })).status).toBe(200);
    const again = await h.call("DELETE", `/auth/admin/users/${id}/mfa`, undefined, { authorization: ADMIN_AUTH });
    expect(again.status).toBe(409);
    expect((await h.call("DELETE", "/auth/admin/users/999999999/mfa", undefined, { authorization: ADMIN_AUTH })).status).toBe(404);
    expect((await h.call("DELETE", `/auth/admin/users/${id}/mfa`)).status).toBe(401);
    await h.deps.audit.flush();
    const audited = await h.rows<{ outcome: string }>(
      sql`select outcome from audit_events where event = 'admin_mfa_disable' and user_id = ${id}`,
    );
    expect(audited.map((row) => row.outcome).sort()).toEqual(["failure", "success"]);
  });

  test("the secret and the recovery codes are not readable in the database", async () => {
    const email = uniqueEmail("at-rest");
    const { secret, recoveryCodes } = await userWithTotp(h, email);
    const [row] = await h.rows<{ secret: string; user_id: number }>(
      sql`select m.secret, m.user_id from user_mfa m join users u on u.id = m.user_id where u.email = ${email}`,
    );
    expect(row!.secret.startsWith("v1.")).toBe(true);
    expect(row!.secret).not.toContain(secret);
    expect(row!.secret.toLowerCase()).not.toContain(secret.toLowerCase().slice(0, 8));
    const stored = await h.rows<{ code_hash: string }>(sql`select code_hash from mfa_recovery_codes where user_id = ${row!.user_id}`);
    expect(stored).toHaveLength(10);
    const dump = JSON.stringify(stored);
    for (const code of recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace("-", ""));
    }
  });
});
