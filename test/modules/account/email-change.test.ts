import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CaughtMail } from "../../../src/mail/catcher";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";

let h: Harness;
const PASSWORD = "correct horse battery";

const cancelTokenIn = (mail: CaughtMail) => /: ([A-Za-z0-9_-]{32})\./.exec(mail.text)?.[1];

/** A verified account with two sessions. */
async function account() {
  const email = uniqueEmail("change");
  const first = await h.signUp(email);
  const second = await h.logIn(email);
  return { email, first, second };
}

const change = (token: string, body: Record<string, unknown>) => h.callAs(token, "POST", "/auth/email/change", body);
const confirm = (token: string, code: string) => h.callAs(token, "POST", "/auth/email/change/confirm", { code });

/** Asks for a change to `to` and returns the answer and the notice mailed to the old address. */
async function requestChange(from: string, token: string, to: string) {
  const before = h.inbox.mailTo(from).length;
  const res = await change(token, { new_email: to, password: PASSWORD });
  expect(res.status).toBe(202);
  const notice = await h.inbox.waitForMail(from, before + 1);
  return { res, notice };
}

describe.each(CORE_BACKENDS)("changing one's email address (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend, env: { CODE_SIGN_IN_CREATES_ACCOUNTS: "true" } });
  });
  afterAll(() => h.close());

  test("a code to the new address switches it; the old one is told and other sessions end", async () => {
    const { email, first, second } = await account();
    const to = uniqueEmail("new");
    const { notice } = await requestChange(email, first.access_token, to);
    expect(notice.subject).toBe("Your account's email address is being changed");
    expect(notice.text).toContain(to);
    expect(cancelTokenIn(notice)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const codeMail = await h.inbox.waitForMail(to, 1);
    expect(codeMail.text).toContain("Enter it to confirm this address as your account's new email address.");

    const confirmed = await confirm(first.access_token, h.inbox.latestCode(to));
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.email).toBe(to);
    expect((await h.callAs(second.access_token, "GET", "/auth/me")).status).toBe(401);
    expect((await h.callAs(first.access_token, "GET", "/auth/me")).body.email).toBe(to);
    expect((await h.call("POST", "/auth/login", { email: to, password: PASSWORD })).status).toBe(200);
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD })).status).toBe(401);
  });

  test("an address another account has gets the same answer and no mail: a stranger learns nothing", async () => {
    const { email, first } = await account();
    const other = uniqueEmail("taken");
    await h.signUp(other);
    const otherMails = h.inbox.mailTo(other).length;
    // Past the cooldown its registration's code started, as for any address.
    h.clock.advance(61_000);
    const taken = await requestChange(email, first.access_token, other);
    const freeAddress = uniqueEmail("free");
    const free = await requestChange(email, first.access_token, freeAddress);
    expect(taken.res.body).toEqual(free.res.body);
    expect(taken.notice.subject).toBe(free.notice.subject);
    await Bun.sleep(300);
    expect(h.inbox.mailTo(other).length).toBe(otherMails);
    // Asked again, the taken address answers like any address within its cooldown.
    const again = await change(first.access_token, { new_email: other, password: PASSWORD });
    const freeAgain = await change(first.access_token, { new_email: freeAddress, password: PASSWORD });
    expect([again.status, again.body.code]).toEqual([429, "otp_cooldown"]);
    expect([freeAgain.status, freeAgain.body.code]).toEqual([429, "otp_cooldown"]);
    // A guess at the code fails as a wrong code does.
    expect((await confirm(first.access_token, "000000")).body.code).toBe("otp_invalid");
  });

  test("codes of other purposes do not stand in, and the change code works nowhere else", async () => {
    const { email, first } = await account();
    // A sign-in code of the account is no proof for a change.
    h.clock.advance(61_000);
    expect((await h.call("POST", "/auth/code/send", { email })).status).toBe(200);
    const signInCode = h.inbox.latestCode(email);
    const withSignInCode = await change(first.access_token, { new_email: uniqueEmail(), code: signInCode });
    expect(withSignInCode.body.code).toBe("otp_invalid");

    const to = uniqueEmail("new");
    h.clock.advance(61_000);
    await requestChange(email, first.access_token, to);
    const changeCode = h.inbox.latestCode(to);
    expect((await h.call("POST", "/auth/verify-otp", { email: to, code: changeCode })).status).not.toBe(200);
    const signIn = await h.call("POST", "/auth/code/sign-in", { email: to, code: changeCode });
    expect(signIn.body.code).toBe("otp_invalid");
    expect((await h.callAs(first.access_token, "POST", "/auth/account/delete", { code: changeCode })).body.code).toBe("otp_invalid");
    expect((await h.call("POST", "/auth/password/reset", { email: to, code: changeCode, new_password: "a new password" })).status).toBe(
      400,
    );
    // Still good for what it is for.
    expect((await confirm(first.access_token, changeCode)).status).toBe(200);
  });

  test("asking for changes to someone's address does not use up the budget of their own sign-in codes", async () => {
    const victim = uniqueEmail("victim");
    await h.signUp(victim);
    const attacker = await account();
    h.clock.advance(61_000);
    await change(attacker.first.access_token, { new_email: victim, password: PASSWORD });
    for (let i = 0; i < 3; i++) await change(attacker.first.access_token, { new_email: victim, password: PASSWORD });
    // Past the re-check window the victim's login needs a code, which comes out of the gated budget.
    h.clock.advance(31 * 60_000);
    const before = h.inbox.mailTo(victim).length;
    const login = await h.call("POST", "/auth/login", { email: victim, password: PASSWORD });
    expect([login.status, login.body.code]).toEqual([400, "otp_required"]);
    await h.inbox.waitForMail(victim, before + 1);
  });

  test("two confirmations with one code switch once", async () => {
    const { email, first } = await account();
    const to = uniqueEmail("race");
    await requestChange(email, first.access_token, to);
    const code = h.inbox.latestCode(to);
    const answers = await Promise.all([confirm(first.access_token, code), confirm(first.access_token, code)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
  });

  test("the old address cancels a pending change with its notice's code: the new address's code then does nothing", async () => {
    const { email, first } = await account();
    const to = uniqueEmail("new");
    const { notice } = await requestChange(email, first.access_token, to);
    const cancelled = await h.call("POST", "/auth/email/change/cancel", { token: cancelTokenIn(notice) });
    expect(cancelled.status).toBe(200);
    expect((await confirm(first.access_token, h.inbox.latestCode(to))).body.code).toBe("otp_invalid");
    expect((await h.callAs(first.access_token, "GET", "/auth/me")).body.email).toBe(email);
    expect((await h.call("POST", "/auth/email/change/cancel", { token: cancelTokenIn(notice) })).body.code).toBe("invalid_cancel_token");
  });

  test("after the switch, the old address puts itself back within the window and every session ends; not after it", async () => {
    const { email, first } = await account();
    const to = uniqueEmail("hijack");
    const { notice } = await requestChange(email, first.access_token, to);
    expect((await confirm(first.access_token, h.inbox.latestCode(to))).status).toBe(200);
    const token = cancelTokenIn(notice)!;
    const undone = await h.call("POST", "/auth/email/change/cancel", { token });
    expect(undone.status).toBe(200);
    expect((await h.callAs(first.access_token, "GET", "/auth/me")).status).toBe(401);
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD })).status).toBe(200);
    expect((await h.call("POST", "/auth/email/change/cancel", { token })).status).toBe(400);

    // Past EMAIL_CHANGE_CANCEL_HOURS the notice's code no longer works.
    const session = await h.logIn(email);
    h.clock.advance(61_000);
    const later = await requestChange(email, session.access_token, uniqueEmail("later"));
    h.clock.advance(73 * 3_600_000);
    expect((await h.call("POST", "/auth/email/change/cancel", { token: cancelTokenIn(later.notice) })).body.code).toBe(
      "invalid_cancel_token",
    );
  });

  test("a password-less account proves itself with a code; no proof, or its own address, is refused", async () => {
    const email = uniqueEmail("nopassword");
    expect((await h.call("POST", "/auth/code/send", { email })).status).toBe(200);
    const token = (await h.call("POST", "/auth/code/sign-in", { email, code: h.inbox.latestCode(email) })).body.access_token;
    expect((await change(token, { new_email: uniqueEmail() })).body.code).toBe("reauthentication_required");
    expect((await change(token, { new_email: uniqueEmail(), password: "whatever it is" })).body.code).toBe("password_not_set");
    expect((await h.callAs(token, "POST", "/auth/email/change/code")).status).toBe(200);
    const proof = h.inbox.latestCode(email);
    expect(h.inbox.mailTo(email).at(-1)!.text).toContain("Enter it to confirm that you want to change your account's email address.");
    // The proof code is no sign-in code.
    expect((await h.call("POST", "/auth/code/sign-in", { email, code: proof })).body.code).toBe("otp_invalid");
    expect((await change(token, { new_email: email, code: proof })).body.code).toBe("email_unchanged");
    h.clock.advance(61_000);
    expect((await h.callAs(token, "POST", "/auth/email/change/code")).status).toBe(200);
    expect((await change(token, { new_email: uniqueEmail("moved"), code: h.inbox.latestCode(email) })).status).toBe(202);
  });
});
