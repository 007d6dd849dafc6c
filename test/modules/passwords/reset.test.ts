import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";

// Each describe below runs once per backend (PostgreSQL + Redis + SMTP, and the embedded defaults).
let h: Harness;
const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "a brand new passphrase";
const FORGOT_ANSWER = { message: "If an account exists for this address, a code to reset its password has been sent." };

const forgot = (email: string) => h.call("POST", "/auth/password/forgot", { email });
const reset = (email: string, code: string, new_password = NEW_PASSWORD) =>
  h.call("POST", "/auth/password/reset", { email, code, new_password });
// Signing up mails a code, and the resend cooldown holds for every code mailed to an address.
const afterCooldown = () => h.clock.advance(61_000);
const login = (email: string, password: string) => h.call("POST", "/auth/login", { email, password });

/** The reset code mailed to `email` as its `n`th mail. */
async function resetCode(email: string, n: number): Promise<string> {
  const mail = await h.inbox.waitForMail(email, n);
  expect(mail.subject).toMatch(/is your verification code$/);
  expect(mail.text).toContain("choose a new password");
  return h.inbox.latestCode(email);
}

describe.each(CORE_BACKENDS)("forgotten password (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("forgot mails a reset code; reset sets the password, ends every session and mails a notice", async () => {
    const email = uniqueEmail();
    const laptop = await h.signUp(email, PASSWORD);
    const phone = await h.logIn(email, PASSWORD);
    afterCooldown();
    const res = await forgot(email);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(FORGOT_ANSWER);
    const code = await resetCode(email, 2);

    const done = await reset(email, code);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ message: "Your password has been reset. Log in with your new password." });
    for (const tokens of [laptop, phone]) {
      expect((await h.callAs(tokens.access_token, "GET", "/auth/me")).status).toBe(401);
      expect((await h.call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token })).status).toBe(401);
    }
    const notice = await h.inbox.waitForMail(email, 3);
    expect(notice.subject).toBe("Your password was changed");
    expect(notice.text).not.toContain(NEW_PASSWORD);

    expect((await login(email, PASSWORD)).status).toBe(401);
    // The reset code proved the address just now, so no re-check code is needed to log in.
    const fresh = await login(email, NEW_PASSWORD);
    expect(fresh.status).toBe(200);
    expect(fresh.body.refresh_token).toBeString();
  });

  test("an unknown address gets the same answer and no mail", async () => {
    const known = uniqueEmail("known");
    await h.signUp(known, PASSWORD);
    afterCooldown();
    const unknown = uniqueEmail("nobody");
    const [a, b] = [await forgot(known), await forgot(unknown)];
    expect(b.status).toBe(a.status);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get("retry-after")).toBe(a.headers.get("retry-after"));
    await h.inbox.waitForMail(known, 2);
    expect(h.inbox.mailTo(unknown)).toHaveLength(0);
    // The send limits apply to every address alike, so they do not tell either.
    const [again, againUnknown] = [await forgot(known), await forgot(unknown)];
    expect(again.status).toBe(429);
    expect(againUnknown.status).toBe(429);
    expect(againUnknown.body).toEqual(again.body);
  });

  test("a reset of an unknown address fails like a wrong code", async () => {
    const known = uniqueEmail();
    await h.signUp(known, PASSWORD);
    afterCooldown();
    await forgot(known);
    await resetCode(known, 2);
    const wrong = await reset(known, "000000");
    const unknown = await reset(uniqueEmail("nobody"), "000000");
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(wrong.body);
  });

  test("a reset code works once and dies after OTP_MAX_ATTEMPTS wrong tries", async () => {
    const email = uniqueEmail();
    await h.signUp(email, PASSWORD);
    afterCooldown();
    await forgot(email);
    const code = await resetCode(email, 2);
    const wrong = code === "111111" ? "222222" : "111111";
    for (let i = 1; i < 5; i++) expect((await reset(email, wrong)).status).toBe(400);
    expect((await reset(email, wrong)).status).toBe(429);
    expect((await reset(email, code)).status).toBe(429);
    expect((await login(email, PASSWORD)).status).toBe(200);

    afterCooldown();
    await forgot(email);
    const second = await resetCode(email, 3);
    expect((await reset(email, second)).status).toBe(200);
    expect((await reset(email, second, "yet another passphrase")).status).toBe(400);
  });

  test("a reset code is no registration or re-check code, and the other way round", async () => {
    const email = uniqueEmail();
    await h.call("POST", "/auth/register", { email, password: PASSWORD });
    const registrationCode = h.inbox.latestCode(email);
    expect((await reset(email, registrationCode)).status).toBe(400);
    afterCooldown();
    await forgot(email);
    const code = await resetCode(email, 2);
    expect((await h.call("POST", "/auth/verify-otp", { email, code })).status).toBe(400);
  });

  test("a reset verifies an address that was never verified", async () => {
    const email = uniqueEmail();
    await h.call("POST", "/auth/register", { email, password: PASSWORD });
    expect((await login(email, PASSWORD)).body.code).toBe("email_not_verified");
    afterCooldown();
    await forgot(email);
    expect((await reset(email, await resetCode(email, 2))).status).toBe(200);
    const me = await h.callAs((await h.logIn(email, NEW_PASSWORD)).access_token, "GET", "/auth/me");
    expect(me.body).toMatchObject({ is_verified: true, is_active: true });
  });

  test("bad bodies are 422 and never echo the new password or the code", async () => {
    const res = await h.call("POST", "/auth/password/reset", { email: uniqueEmail(), code: "12ab", new_password: "short7!" });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).not.toContain("short7!");
    expect(JSON.stringify(res.body)).not.toContain("12ab");
    expect((await h.call("POST", "/auth/password/forgot", { email: "not-an-address" })).status).toBe(422);
  });
});

describe.each(CORE_BACKENDS)("changing the password (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  const change = (token: string, current_password: string, new_password: string) =>
    h.callAs(token, "POST", "/auth/password/change", { current_password, new_password });

  test("ends the other sessions, keeps this one, and mails a notice", async () => {
    const email = uniqueEmail();
    const laptop = await h.signUp(email, PASSWORD);
    const phone = await h.logIn(email, PASSWORD);
    const res = await change(laptop.access_token, PASSWORD, NEW_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: "Your password has been changed. Your other sessions have been signed out." });
    expect((await h.callAs(phone.access_token, "GET", "/auth/me")).status).toBe(401);
    expect((await h.call("POST", "/auth/refresh", { refresh_token: phone.refresh_token })).status).toBe(401);
    expect((await h.callAs(laptop.access_token, "GET", "/auth/me")).status).toBe(200);
    expect((await h.call("POST", "/auth/refresh", { refresh_token: laptop.refresh_token })).status).toBe(200);
    expect((await h.inbox.waitForMail(email, 2)).subject).toBe("Your password was changed");
    expect((await login(email, PASSWORD)).status).toBe(401);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
  });

  test("a wrong current password changes nothing", async () => {
    const email = uniqueEmail();
    const tokens = await h.signUp(email, PASSWORD);
    const res = await change(tokens.access_token, "not the password", NEW_PASSWORD);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: "The current password is incorrect.", code: "invalid_current_password" });
    expect((await login(email, PASSWORD)).status).toBe(200);
  });

  test("the new password must differ and follow the rules; a token is required", async () => {
    const tokens = await h.signUp(uniqueEmail(), PASSWORD);
    expect((await change(tokens.access_token, PASSWORD, PASSWORD)).body.code).toBe("password_unchanged");
    const short = await change(tokens.access_token, PASSWORD, "tiny");
    expect(short.status).toBe(422);
    expect(JSON.stringify(short.body)).not.toContain("tiny");
    expect((await h.call("POST", "/auth/password/change", { current_password: PASSWORD, new_password: NEW_PASSWORD })).status).toBe(401);
  });
});
