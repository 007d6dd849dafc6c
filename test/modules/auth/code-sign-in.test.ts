import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";
import { startWebhookReceiver } from "../../support/webhook-receiver";

const PASSWORD = "correct horse battery";
const MINUTE = 60_000;
const afterCooldown = () => h.clock.advance(61_000);
let h: Harness;

/** Asks for a sign-in code and reads it from the inbox (the mail may leave after the answer). */
async function mailedSignInCode(email: string): Promise<string> {
  const before = h.inbox.mailTo(email).length;
  const sent = await h.call("POST", "/auth/code/send", { email });
  expect(sent.status).toBe(200);
  await h.inbox.waitForMail(email, before + 1);
  return h.inbox.latestCode(email);
}

const wrongCode = (code: string) => (code === "000000" ? "111111" : "000000");
const signIn = (email: string, code: string) => h.call("POST", "/auth/code/sign-in", { email, code });
const disable = (email: string) => h.rows(sql`update users set is_disabled = true, is_active = false where email = ${email}`);
const userRow = async (email: string) =>
  (
    await h.rows<{ is_verified: boolean; is_active: boolean; password_proven: boolean; has_password: boolean }>(
      sql`select is_verified, is_active, password_proven, password_hash is not null as has_password from users where email = ${email}`,
    )
  )[0];

describe.each(CORE_BACKENDS)("code sign-in (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("a mailed code signs in with a new session, and the code works once", async () => {
    const email = uniqueEmail("code");
    await h.signUp(email, PASSWORD);
    afterCooldown();
    const code = await mailedSignInCode(email);
    expect(h.inbox.mailTo(email).at(-1)!.text).toContain("to sign in");
    const res = await signIn(email, code);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["access_token", "expires_in", "refresh_token", "token_type"]);
    expect((await h.callAs(res.body.access_token, "GET", "/auth/me")).body.email).toBe(email);
    const again = await signIn(email, code);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe("otp_invalid");
  });

  test("it is a fresh code check: a later password login and refresh ask for no code", async () => {
    const email = uniqueEmail("recheck");
    await h.signUp(email, PASSWORD);
    h.clock.advance(31 * MINUTE); // past OTP_RECHECK_MINUTES (30): a password login would now mail a re-check code
    const session = (await signIn(email, await mailedSignInCode(email))).body;
    h.clock.advance(20 * MINUTE);
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD })).status).toBe(200);
    expect((await h.call("POST", "/auth/refresh", { refresh_token: session.refresh_token })).status).toBe(200);
  });

  test("an address without an account gets 404 and no mail; a disabled account 403", async () => {
    const unknown = uniqueEmail("unknown");
    const send = await h.call("POST", "/auth/code/send", { email: unknown });
    expect(send.status).toBe(404);
    expect(send.body.code).toBe("user_not_found");
    expect((await signIn(unknown, "123456")).body.code).toBe("user_not_found");
    expect(await h.rows(sql`select id from users where email = ${unknown}`)).toEqual([]);
    expect(h.inbox.mailTo(unknown)).toEqual([]);

    const disabled = uniqueEmail("disabled");
    await h.signUp(disabled, PASSWORD);
    afterCooldown();
    const code = await mailedSignInCode(disabled);
    await disable(disabled);
    const refused = await signIn(disabled, code);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("account_disabled");
    afterCooldown();
    expect((await h.call("POST", "/auth/code/send", { email: disabled })).body.code).toBe("account_disabled");
  });

  test("a sign-in code is refused by verify-otp and reset, and stays good for signing in", async () => {
    const email = uniqueEmail("own-purpose");
    await h.signUp(email, PASSWORD);
    afterCooldown();
    const code = await mailedSignInCode(email);
    expect((await h.call("POST", "/auth/verify-otp", { email, code })).body.code).toBe("otp_invalid");
    const reset = await h.call("POST", "/auth/password/reset", { email, code, new_password: "another password" });
    expect(reset.body.code).toBe("otp_invalid");
    expect((await signIn(email, code)).status).toBe(200);
  });

  test("registration, re-check and reset codes are refused here, and stay good where they belong", async () => {
    const email = uniqueEmail("other-purposes");
    const registered = await h.call("POST", "/auth/register", { email, password: PASSWORD });
    const registration = h.inbox.latestCode(email);
    expect((await signIn(email, registration)).body.code).toBe("otp_invalid");
    const verified = await h.call("POST", "/auth/verify-otp", { email, code: registration, otp_token: registered.body.otp_token });
    expect(verified.status).toBe(200);

    h.clock.advance(31 * MINUTE);
    const login = await h.call("POST", "/auth/login", { email, password: PASSWORD });
    expect(login.body.code).toBe("otp_required");
    const recheck = h.inbox.latestCode(email);
    expect((await signIn(email, recheck)).body.code).toBe("otp_invalid");
    expect((await h.call("POST", "/auth/verify-otp", { email, code: recheck, otp_token: login.body.otp_token })).status).toBe(200);

    afterCooldown();
    expect((await h.call("POST", "/auth/password/forgot", { email })).status).toBe(200);
    await h.inbox.waitForMail(email, 3);
    const resetCode = h.inbox.latestCode(email);
    expect((await signIn(email, resetCode)).body.code).toBe("otp_invalid");
    const reset = await h.call("POST", "/auth/password/reset", { email, code: resetCode, new_password: "another password" });
    expect(reset.status).toBe(200);
  });

  test("an unverified account is verified by it, but a squatter's password still needs a code", async () => {
    const email = uniqueEmail("squatted");
    // Someone who does not hold the mailbox registers it first.
    await h.call("POST", "/auth/register", { email, password: "the squatter's password" });
    afterCooldown();
    const signedIn = await signIn(email, await mailedSignInCode(email));
    expect(signedIn.status).toBe(200);
    expect(await userRow(email)).toEqual({ is_verified: true, is_active: true, password_proven: false, has_password: true });
    // The squatter's password gets a code mailed to the owner, never a session.
    const squatter = await h.call("POST", "/auth/login", { email, password: "the squatter's password" });
    expect(squatter.status).toBe(400);
    expect(squatter.body.code).toBe("otp_required");
  });

  test("two concurrent sign-ins with one code open exactly one session", async () => {
    const email = uniqueEmail("race");
    await h.signUp(email, PASSWORD);
    afterCooldown();
    const code = await mailedSignInCode(email);
    const answers = await Promise.all(Array.from({ length: 6 }, () => signIn(email, code)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    const live = await h.rows(
      sql`select s.id from sessions s join users u on u.id = s.user_id where u.email = ${email} and s.revoked_at is null`,
    );
    expect(live).toHaveLength(2); // the sign-up's and the one code sign-in's
  });

  test("wrong sign-in codes count in their own failure window, which the password re-check does not share", async () => {
    const email = uniqueEmail("window");
    await h.signUp(email, PASSWORD);
    let locked = false;
    for (let round = 0; round < 6 && !locked; round++) {
      afterCooldown();
      const code = await mailedSignInCode(email);
      for (let attempt = 0; attempt < 5; attempt++) {
        if ((await signIn(email, wrongCode(code))).body.code === "otp_locked") locked = true;
      }
    }
    expect(locked).toBe(true); // 25 wrong tries (OTP_MAX_FAILURES_PER_WINDOW) over six codes
    afterCooldown();
    const refused = await signIn(email, await mailedSignInCode(email));
    expect(refused.body.code).toBe("otp_locked");
    // The owner's password sign-in, re-check code included, is untouched.
    h.clock.advance(31 * MINUTE);
    const login = await h.call("POST", "/auth/login", { email, password: PASSWORD });
    expect(login.body.code).toBe("otp_required");
    const verified = await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email), otp_token: login.body.otp_token });
    expect(verified.status).toBe(200);
  });
});

describe.each(CORE_BACKENDS)("code sign-in with CODE_SIGN_IN_CREATES_ACCOUNTS (%s)", (backend) => {
  const receiver = startWebhookReceiver();
  beforeAll(async () => {
    h = await startHarness({
      backend,
      env: { CODE_SIGN_IN_CREATES_ACCOUNTS: "true", WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: receiver.secret },
    });
  });
  afterAll(async () => {
    await h.close();
    receiver.stop();
  });

  test("an unknown address gets a verified account without a password, announced by webhooks", async () => {
    const email = uniqueEmail("new");
    const res = await signIn(email, await mailedSignInCode(email));
    expect(res.status).toBe(200);
    const me = (await h.callAs(res.body.access_token, "GET", "/auth/me")).body;
    expect(me).toMatchObject({ email, is_verified: true, is_active: true, auth_provider: "local" });
    expect(await userRow(email)).toMatchObject({ has_password: false });
    const events = await h.rows<{ event_type: string }>(
      sql`select distinct event_type from webhook_deliveries where payload::text like ${`%${email}%`} order by event_type`,
    );
    expect(events.map((row) => row.event_type)).toEqual(["user.created", "user.signed_in", "user.verified"]);
    // No password until one is set through forgot/reset, which then signs in like any other.
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD })).body.code).toBe("password_not_set");
    afterCooldown();
    await h.call("POST", "/auth/password/forgot", { email });
    await h.inbox.waitForMail(email, 2);
    const reset = await h.call("POST", "/auth/password/reset", { email, code: h.inbox.latestCode(email), new_password: PASSWORD });
    expect(reset.status).toBe(200);
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD })).status).toBe(200);
  });

  test("concurrent sign-ins of a new address with one code create one account and one session", async () => {
    const email = uniqueEmail("new-race");
    const code = await mailedSignInCode(email);
    const answers = await Promise.all(Array.from({ length: 4 }, () => signIn(email, code)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(await h.rows(sql`select id from users where email = ${email}`)).toHaveLength(1);
  });

  test("a disabled account is still refused", async () => {
    const email = uniqueEmail("new-disabled");
    await signIn(email, await mailedSignInCode(email));
    await disable(email);
    afterCooldown();
    expect((await h.call("POST", "/auth/code/send", { email })).status).toBe(403);
  });
});

describe.each(CORE_BACKENDS)("code sign-in with HIDE_ACCOUNT_EXISTENCE (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend, env: { HIDE_ACCOUNT_EXISTENCE: "true" } });
  });
  afterAll(() => h.close());

  test("known, unknown and disabled addresses get alike answers, limits included; only the known one gets mail", async () => {
    const known = uniqueEmail("known");
    const disabled = uniqueEmail("disabled");
    const unknown = uniqueEmail("unknown");
    await h.signUp(known, PASSWORD);
    await h.signUp(disabled, PASSWORD);
    await disable(disabled);
    afterCooldown();
    const addresses = [known, disabled, unknown];
    const sends = await Promise.all(addresses.map((email) => h.call("POST", "/auth/code/send", { email })));
    expect(new Set(sends.map((res) => JSON.stringify([res.status, res.body]))).size).toBe(1);
    expect(sends[0]!.status).toBe(200);
    const again = await Promise.all(addresses.map((email) => h.call("POST", "/auth/code/send", { email })));
    expect(again.map((res) => [res.status, res.body.code, res.headers.get("retry-after")])).toEqual(
      addresses.map(() => [429, "otp_cooldown", "60"]),
    );
    await h.inbox.waitForMail(known, 2); // mails leave after the answer
    const code = h.inbox.latestCode(known);
    const wrong = await Promise.all(addresses.map((email) => signIn(email, wrongCode(code))));
    expect(new Set(wrong.map((res) => JSON.stringify([res.status, res.body]))).size).toBe(1);
    expect(wrong[0]!.body.code).toBe("otp_invalid");
    await Bun.sleep(200); // time for any other mail to arrive
    expect(h.inbox.mailTo(known)).toHaveLength(2);
    expect(h.inbox.mailTo(disabled)).toHaveLength(1);
    expect(h.inbox.mailTo(unknown)).toHaveLength(0);
    expect((await signIn(known, code)).status).toBe(200);
    expect(await h.rows(sql`select id from users where email = ${unknown}`)).toEqual([]);
  });

  test("even the right code answers like a wrong one for an account disabled or deleted since, and creates none", async () => {
    const disabled = uniqueEmail("disabled-later");
    const deleted = uniqueEmail("deleted-later");
    await h.signUp(disabled, PASSWORD);
    await h.signUp(deleted, PASSWORD);
    afterCooldown();
    const codes = [await mailedSignInCode(disabled), await mailedSignInCode(deleted)];
    await disable(disabled);
    await h.rows(sql`delete from users where email = ${deleted}`);
    const answers = [await signIn(disabled, codes[0]!), await signIn(deleted, codes[1]!)];
    expect(answers.map((res) => [res.status, res.body.code])).toEqual([
      [400, "otp_invalid"],
      [400, "otp_invalid"],
    ]);
    expect(await h.rows(sql`select id from users where email = ${deleted}`)).toEqual([]);
  });
});
