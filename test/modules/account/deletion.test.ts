import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { CaughtMail } from "../../../src/mail/catcher";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";
import { about, startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver";

let h: Harness;
const PASSWORD = "correct horse battery";
const DAY_MS = 86_400_000;

const cancelTokenIn = (mail: CaughtMail) => /([A-Za-z0-9_-]{32})\s*$/m.exec(mail.text.split("\n\n")[1] ?? "")?.[1];

/** A verified account with two sessions; returns its address, id and both sessions' tokens. */
async function accountWithTwoSessions(extra: Record<string, unknown> = {}) {
  const email = uniqueEmail("delete");
  const first = await h.signUp(email);
  if (extra.locale) await h.call("POST", "/auth/login", { email, password: PASSWORD, ...extra });
  const second = await h.logIn(email);
  const [row] = await h.rows<{ id: number }>(sql`select id from users where email = ${email}`);
  return { email, id: row!.id, first, second };
}

const requestDeletion = (token: string, body: Record<string, unknown>) => h.callAs(token, "POST", "/auth/account/delete", body);

describe.each(CORE_BACKENDS)("deleting one's own account (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend, env: { CODE_SIGN_IN_CREATES_ACCOUNTS: "true" } });
  });
  afterAll(() => h.close());

  test("with the password: 202 with the date, every session ends at once, and a notice with a cancel code is mailed", async () => {
    const { email, first, second } = await accountWithTwoSessions();
    const mailsBefore = h.inbox.mailTo(email).length;
    const res = await requestDeletion(first.access_token, { password: PASSWORD });
    expect(res.status).toBe(202);
    expect(Date.parse(res.body.delete_after)).toBe(h.clock.now() + 7 * DAY_MS);
    for (const tokens of [first, second]) {
      expect((await h.callAs(tokens.access_token, "GET", "/auth/me")).status).toBe(401);
      expect((await h.call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token })).status).toBe(401);
    }
    const notice = await h.inbox.waitForMail(email, mailsBefore + 1);
    expect(notice.subject).toStartWith("Your account will be deleted on ");
    expect(cancelTokenIn(notice)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(notice.html).toContain(cancelTokenIn(notice)!);
    expect(JSON.stringify(res.body)).not.toContain(cancelTokenIn(notice)!);
  });

  test("a wrong password, or no proof at all, is refused and schedules nothing", async () => {
    const { first } = await accountWithTwoSessions();
    const wrong = await requestDeletion(first.access_token, { password: "not the password" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("invalid_current_password");
    const none = await requestDeletion(first.access_token, {});
    expect(none.status).toBe(400);
    expect(none.body.code).toBe("reauthentication_required");
    expect((await h.callAs(first.access_token, "GET", "/auth/account/deletion")).body).toEqual({ delete_after: null });
    expect((await h.call("POST", "/auth/account/delete", { password: PASSWORD })).status).toBe(401);
  });

  test("a password-less account proves itself with a deletion code; no other purpose's code stands in, and it works nowhere else", async () => {
    const email = uniqueEmail("nopassword");
    expect((await h.call("POST", "/auth/code/send", { email })).status).toBe(200);
    const session = await h.call("POST", "/auth/code/sign-in", { email, code: h.inbox.latestCode(email) });
    expect(session.status).toBe(200);
    const token = session.body.access_token;
    expect((await requestDeletion(token, { password: "anything at all" })).body.code).toBe("password_not_set");

    // A sign-in code is no deletion code.
    h.clock.advance(61_000);
    expect((await h.call("POST", "/auth/code/send", { email })).status).toBe(200);
    const signInCode = h.inbox.latestCode(email);
    expect((await requestDeletion(token, { code: signInCode })).body.code).toBe("otp_invalid");

    expect((await h.callAs(token, "POST", "/auth/account/delete/code")).status).toBe(200);
    const mail = h.inbox.mailTo(email).at(-1)!;
    expect(mail.text).toContain("Enter it to confirm that your account should be deleted.");
    const deletionCode = h.inbox.latestCode(email);
    // ...and a deletion code signs nobody in, nor verifies anything.
    expect((await h.call("POST", "/auth/code/sign-in", { email, code: deletionCode })).body.code).toBe("otp_invalid");
    expect((await h.call("POST", "/auth/verify-otp", { email, code: deletionCode })).body.code).toBe("otp_invalid");
    expect((await h.call("POST", "/auth/password/reset", { email, code: deletionCode, new_password: "a new password" })).status).toBe(400);

    const deleted = await requestDeletion(token, { code: deletionCode });
    expect(deleted.status).toBe(202);
    // Single use: the session is gone anyway, and the code with it.
    expect((await requestDeletion(token, { code: deletionCode })).status).toBe(401);
  });

  test("someone else's session cannot ask for a deletion code of this account, or spend its budget", async () => {
    const victim = await accountWithTwoSessions();
    const attacker = await accountWithTwoSessions();
    const victimMails = h.inbox.mailTo(victim.email).length;
    for (let i = 0; i < 3; i++) await h.callAs(attacker.first.access_token, "POST", "/auth/account/delete/code");
    expect(h.inbox.mailTo(victim.email).length).toBe(victimMails);
    expect((await h.callAs(victim.first.access_token, "POST", "/auth/account/delete/code")).status).toBe(200);
  });

  test("signing in during the grace period says when the deletion happens; cancelling keeps the account", async () => {
    const { email, first } = await accountWithTwoSessions();
    const scheduled = await requestDeletion(first.access_token, { password: PASSWORD });
    const login = await h.call("POST", "/auth/login", { email, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.account_deletion_due_at).toBe(scheduled.body.delete_after);
    const token = login.body.access_token;
    expect((await h.callAs(token, "GET", "/auth/account/deletion")).body).toEqual({ delete_after: scheduled.body.delete_after });
    expect((await h.callAs(token, "DELETE", "/auth/account/deletion")).status).toBe(200);
    const again = await h.callAs(token, "DELETE", "/auth/account/deletion");
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("deletion_not_scheduled");
    const later = await h.call("POST", "/auth/login", { email, password: PASSWORD });
    expect(later.body).not.toHaveProperty("account_deletion_due_at");
    h.clock.advance(8 * DAY_MS);
    await h.deps.accountDeletionJob.runOnce();
    expect(await h.rows(sql`select 1 from users where email = ${email}`)).toHaveLength(1);
  });

  test("the notice's code cancels once, without signing in; a made-up one does nothing", async () => {
    const { email, first } = await accountWithTwoSessions();
    const before = h.inbox.mailTo(email).length;
    await requestDeletion(first.access_token, { password: PASSWORD });
    const token = cancelTokenIn(await h.inbox.waitForMail(email, before + 1))!;
    expect((await h.call("POST", "/auth/account/delete/cancel", { token: "A".repeat(32) })).body.code).toBe("invalid_cancel_token");
    const [first1, second1] = await Promise.all([
      h.call("POST", "/auth/account/delete/cancel", { token }),
      h.call("POST", "/auth/account/delete/cancel", { token }),
    ]);
    expect([first1.status, second1.status].sort()).toEqual([200, 400]);
    const [row] = await h.rows<{ deletion_due_at: Date | null }>(sql`select deletion_due_at from users where email = ${email}`);
    expect(row!.deletion_due_at).toBeNull();
  });

  test("asking twice at once schedules once and mails one notice", async () => {
    const { email, first } = await accountWithTwoSessions();
    const before = h.inbox.mailTo(email).length;
    const answers = await Promise.all([
      requestDeletion(first.access_token, { password: PASSWORD }),
      requestDeletion(first.access_token, { password: PASSWORD }),
    ]);
    const accepted = answers.filter((answer) => answer.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    for (const answer of answers) expect([202, 401]).toContain(answer.status);
    expect(new Set(accepted.map((answer) => answer.body.delete_after)).size).toBe(1);
    await h.inbox.waitForMail(email, before + 1);
    await Bun.sleep(300);
    expect(h.inbox.mailTo(email).length).toBe(before + 1);
  });

  test("after the grace period the job deletes the account and everything keyed to it; audit rows keep the id, lose the email", async () => {
    const { email, id, first } = await accountWithTwoSessions();
    const before = h.inbox.mailTo(email).length;
    await requestDeletion(first.access_token, { password: PASSWORD });
    const token = cancelTokenIn(await h.inbox.waitForMail(email, before + 1))!;
    await h.rows(
      sql`insert into oauth_accounts (provider, provider_user_id, user_id, email) values ('github', ${`gh-${id}`}, ${id}, ${email})`,
    );
    const login = await h.logIn(email);

    h.clock.advance(7 * DAY_MS - 1000);
    expect(await h.deps.accountDeletionJob.runOnce()).toBe(0);
    h.clock.advance(2000);
    expect(await h.deps.accountDeletionJob.runOnce()).toBeGreaterThanOrEqual(1);

    expect(await h.rows(sql`select 1 from users where id = ${id}`)).toHaveLength(0);
    for (const table of ["sessions", "oauth_accounts", "registrations", "passkeys", "user_mfa"])
      expect(await h.rows(sql`select 1 from ${sql.raw(table)} where user_id = ${id}`)).toHaveLength(0);
    // A session opened during the grace period ends with the account.
    expect((await h.callAs(login.access_token, "GET", "/auth/sessions")).status).toBe(401);
    await h.deps.audit.flush();
    const audit = await h.rows<{ email: string | null; event: string }>(sql`select email, event from audit_events where user_id = ${id}`);
    expect(audit.length).toBeGreaterThan(3);
    expect(audit.every((row) => row.email === null)).toBe(true);
    expect(audit.map((row) => row.event)).toContain("account_deleted");
    expect(await h.rows(sql`select 1 from audit_events where email = ${email}`)).toHaveLength(0);

    expect((await h.call("POST", "/auth/account/delete/cancel", { token })).status).toBe(400);
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD })).status).toBe(401);
    expect(await h.deps.accountDeletionJob.runOnce()).toBe(0);
  });

  test("the notice is in the account's language", async () => {
    const { email, first } = await accountWithTwoSessions({ locale: "de" });
    const before = h.inbox.mailTo(email).length;
    await requestDeletion(first.access_token, { password: PASSWORD });
    const notice = await h.inbox.waitForMail(email, before + 1);
    expect(notice.subject).toMatch(/^Ihr Konto wird am \d\d\.\d\d\.\d{4} gelöscht$/);
    expect(notice.text).toContain("Uhr (UTC)");
  });
});

describe("the deletion job across instances (services)", () => {
  let other: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend: "services" });
    other = await startHarness({ backend: "services", database: h.database, inbox: h.inbox });
  });
  afterAll(async () => {
    await other.close();
    await h.close();
  });

  test("a deletion scheduled on one instance is carried out by another (a restart loses nothing); two at once delete each account once", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { id, first } = await accountWithTwoSessions();
      expect((await requestDeletion(first.access_token, { password: PASSWORD })).status).toBe(202);
      ids.push(id);
    }
    other.clock.advance(7 * DAY_MS + 1000);
    h.clock.advance(7 * DAY_MS + 1000);
    const counts = await Promise.all([other.deps.accountDeletionJob.runOnce(), h.deps.accountDeletionJob.runOnce()]);
    expect(counts[0] + counts[1]).toBe(5);
    expect(await h.rows(sql`select id from users where id in ${ids}`)).toHaveLength(0);
  });
});

describe.each(CORE_BACKENDS)("the deletion job's webhook (%s)", (backend) => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = startWebhookReceiver();
    h = await startHarness({
      backend,
      env: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: receiver.secret, WEBHOOK_EVENTS: "user.deleted" },
    });
  });
  afterAll(async () => {
    await h.close();
    receiver.stop();
  });

  test("a deletion the job carries out sends user.deleted, as an administrator's does", async () => {
    const { email, id, first } = await accountWithTwoSessions();
    expect((await requestDeletion(first.access_token, { password: PASSWORD })).status).toBe(202);
    h.clock.advance(7 * DAY_MS + 1000);
    expect(await h.deps.accountDeletionJob.runOnce()).toBe(1);
    const [attempt] = await receiver.waitFor(about(email, "user.deleted"));
    expect(attempt!.event.data).toMatchObject({ id, email });
  });
});
