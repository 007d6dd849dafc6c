import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../support/harness";
import { startOAuthProvider, type OAuthProvider } from "../support/oauth-provider";
import { me, signIn, uniqueIdentity } from "../modules/oauth/support";
import { servedForSuite } from "../support/listening";
import { about, hang, startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";

/**
 * Webhooks end to end over real HTTP: the service served on a loopback port, and a receiver in this test that
 * checks every signature with the `standardwebhooks` package. Attempts time out after 1 s and are retried after
 * 1 s, 2 s, ... so that failures and recoveries happen within a test.
 */

const PASSWORD = "correct horse battery";
const ADMIN = { ADMIN_EMAIL: "admin@otp-auth.test", ADMIN_PASSWORD: "admin password long enough" };
const ADMIN_AUTH = { authorization: `Basic ${Buffer.from(`${ADMIN.ADMIN_EMAIL}:${ADMIN.ADMIN_PASSWORD}`).toString("base64")}` };

describe.each(CORE_BACKENDS)("webhooks (%s)", (backend) => {
  const receiver: WebhookReceiver = startWebhookReceiver();
  const suite = servedForSuite({
    backend,
    env: {
      ...ADMIN,
      WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET: receiver.secret,
      WEBHOOK_TIMEOUT_SECONDS: "1",
      WEBHOOK_RETRY_BASE_SECONDS: "1",
      // The reset code follows the registration's at once.
      OTP_RESEND_COOLDOWN_SECONDS: "0",
    },
  });
  afterAll(() => receiver.stop());

  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    suite.server.http(method, path, body, headers);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** Registers and verifies over HTTP; the tokens of the session that opens. */
  async function signUp(email: string) {
    const registered = await api("POST", "/auth/register", { email, password: PASSWORD });
    expect(registered.status).toBe(201);
    await suite.h.inbox.waitForMail(email, 1);
    const verified = await api("POST", "/auth/verify-otp", {
      email,
      code: suite.h.inbox.latestCode(email),
      otp_token: registered.body.otp_token,
    });
    expect(verified.status).toBe(200);
    return verified.body as { access_token: string; refresh_token: string };
  }

  const sessionIdOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sid as string;

  /** The delivery's row once the worker has recorded it delivered (it writes that after the receiver answered). */
  async function deliveredRow(messageId: string) {
    for (const deadline = Date.now() + 10_000; ; await Bun.sleep(20)) {
      const [row] = await suite.h.rows<{ status: string; attempts: number; last_status: number | null; last_error: string | null }>(
        sql`select status, attempts, last_status, last_error from webhook_deliveries where message_id = ${messageId}`,
      );
      if (row?.status === "delivered" || Date.now() > deadline) return row;
    }
  }

  test("every event arrives signed, once, as {type, timestamp, data} with the user and the session", async () => {
    receiver.respondWith();
    const email = uniqueEmail("events");
    const first = await signUp(email);
    const { id } = (await api("GET", "/auth/me", undefined, bearer(first.access_token))).body;
    const user = { id, email };

    const [created] = await receiver.waitFor(about(email, "user.created"));
    expect(created!.event.data).toEqual(user);
    expect((await receiver.waitFor(about(email, "user.verified")))[0]!.event.data).toEqual(user);
    const [signedIn] = await receiver.waitFor(about(email, "user.signed_in"));
    expect(signedIn!.event.data).toEqual({ ...user, session_id: sessionIdOf(first.access_token) });

    const second = (await api("POST", "/auth/login", { email, password: PASSWORD })).body;
    const signIns = await receiver.waitFor(about(email, "user.signed_in"), 2);
    expect(signIns.map((attempt) => attempt.event.data.session_id)).toContain(sessionIdOf(second.access_token));

    // Changing the password ends the other session; logging out ends this one.
    const changed = await api(
      "POST",
      "/auth/password/change",
      { current_password: PASSWORD, new_password: `${PASSWORD} 2` },
      bearer(second.access_token),
    );
    expect(changed.status).toBe(200);
    expect((await receiver.waitFor(about(email, "user.password_changed")))[0]!.event.data).toEqual(user);
    expect((await api("POST", "/auth/logout", undefined, bearer(second.access_token))).status).toBe(200);
    const revoked = await receiver.waitFor(about(email, "session.revoked"), 2);
    expect(revoked.map((attempt) => attempt.event.data.session_id).sort()).toEqual(
      [sessionIdOf(first.access_token), sessionIdOf(second.access_token)].sort(),
    );

    // A reset with the mailed code changes the password too (after the change's notice, mailed after its answer).
    await suite.h.inbox.waitForMail(email, 2);
    expect((await api("POST", "/auth/password/forgot", { email })).status).toBe(200);
    await suite.h.inbox.waitForMail(email, 3);
    const reset = await api("POST", "/auth/password/reset", {
      email,
      code: suite.h.inbox.latestCode(email),
      new_password: `${PASSWORD} 3`,
    });
    expect(reset.status).toBe(200);
    await receiver.waitFor(about(email, "user.password_changed"), 2);

    const third = (await api("POST", "/auth/login", { email, password: `${PASSWORD} 3` })).body;
    expect((await api("PUT", `/auth/admin/users/${id}`, { is_active: false }, ADMIN_AUTH)).status).toBe(200);
    expect((await receiver.waitFor(about(email, "user.disabled")))[0]!.event.data).toEqual(user);
    const ended = await receiver.waitFor(about(email, "session.revoked"), 3);
    expect(ended.map((attempt) => attempt.event.data.session_id)).toContain(sessionIdOf(third.access_token));
    expect((await api("DELETE", `/auth/admin/users/${id}`, undefined, ADMIN_AUTH)).status).toBe(200);
    expect((await receiver.waitFor(about(email, "user.deleted")))[0]!.event.data).toEqual(user);

    const mine = receiver.delivered().filter((attempt) => attempt.event.data.email === email);
    expect(mine.map((attempt) => attempt.event.type).sort()).toEqual(
      [
        "user.created",
        "user.verified",
        "user.signed_in",
        "user.signed_in",
        "user.password_changed",
        "session.revoked",
        "session.revoked",
        "user.password_changed",
        "user.signed_in",
        "user.disabled",
        "session.revoked",
        "user.deleted",
      ].sort(),
    );
    for (const attempt of mine) {
      expect(Object.keys(JSON.parse(attempt.body))).toEqual(["type", "timestamp", "data"]);
      expect(attempt.id).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(Math.abs(Date.parse(attempt.event.timestamp) - Date.now())).toBeLessThan(60_000);
      expect(Math.abs(attempt.timestamp * 1000 - Date.now())).toBeLessThan(60_000);
    }
    // Each event once: a fresh webhook-id per event, and no second attempt of a delivered one.
    expect(new Set(mine.map((attempt) => attempt.id)).size).toBe(mine.length);
    expect(receiver.attempts.filter((attempt) => attempt.event.data.email === email)).toHaveLength(mine.length);
    expect(receiver.rejected()).toBe(0);
  });

  test("a receiver that answers 500 for a while gets every event once it recovers", async () => {
    let failing = true;
    receiver.respondWith(() => new Response("down", { status: failing ? 500 : 200 }));
    const emails = [uniqueEmail("outage"), uniqueEmail("outage"), uniqueEmail("outage")];
    for (const email of emails) expect((await api("POST", "/auth/register", { email, password: PASSWORD })).status).toBe(201);
    // Two refused attempts of each, retried after a back-off.
    const refused = (email: string) => receiver.attempts.filter((attempt) => attempt.event.data.email === email && attempt.status === 500);
    await waitUntil(() => emails.every((email) => refused(email).length >= 2));
    failing = false;
    const arrived = await Promise.all(emails.map((email) => receiver.waitFor(about(email, "user.created"))));
    for (const [attempt] of arrived) {
      const row = await deliveredRow(attempt!.id);
      expect(row).toMatchObject({ status: "delivered", last_status: 200, last_error: null });
      expect(row!.attempts).toBeGreaterThanOrEqual(3);
      // Every attempt carried the same webhook-id and body, for the receiver to deduplicate by.
      const all = receiver.attempts.filter((other) => other.id === attempt!.id);
      expect(all.length).toBe(row!.attempts);
      expect(new Set(all.map((other) => other.body)).size).toBe(1);
    }
  });

  test("a receiver that hangs: the attempt times out and is retried, and the request that caused it is not slowed", async () => {
    receiver.respondWith();
    const email = uniqueEmail("hang");
    await signUp(email);
    const login = () => api("POST", "/auth/login", { email, password: PASSWORD });
    const baseline: number[] = [];
    for (let i = 0; i < 3; i++) baseline.push((await login()).ms);
    await receiver.waitFor(about(email, "user.signed_in"), 4);

    // First attempts hang until the sender gives up; later ones are answered.
    receiver.respondWith((attempt, request) =>
      receiver.attempts.filter((other) => other.id === attempt.id).length === 1
        ? hang(attempt, request)
        : new Response(null, { status: 204 }),
    );
    const slow = await login();
    const answeredAt = performance.now();
    expect(slow.status).toBe(200);
    const [delivered] = (await receiver.waitFor(about(email, "user.signed_in"), 5)).filter(
      (attempt) => attempt.event.data.session_id === sessionIdOf(slow.body.access_token),
    );
    const [hung] = receiver.attempts.filter((attempt) => attempt.id === delivered!.id);
    // The hung attempt was given up after WEBHOOK_TIMEOUT_SECONDS, long after the login had its answer.
    expect(hung!.status).toBe(0);
    expect(hung!.answeredAt! - hung!.arrivedAt).toBeGreaterThanOrEqual(900);
    expect(answeredAt).toBeLessThan(hung!.answeredAt!);
    expect(slow.ms).toBeLessThan(Math.max(...baseline) + 500);
    const row = await deliveredRow(delivered!.id);
    expect(row).toMatchObject({ status: "delivered", attempts: 2 });
  });
});

describe.each(CORE_BACKENDS)("webhooks of an OAuth sign-in (%s)", (backend) => {
  const receiver = startWebhookReceiver();
  let idp: OAuthProvider;
  let h: Harness;
  beforeAll(async () => {
    idp = await startOAuthProvider();
    h = await startHarness({ backend, env: { ...idp.env(), WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: receiver.secret } });
  });
  afterAll(async () => {
    await h?.close();
    await idp?.stop();
    receiver.stop();
  });

  test("a first sign-in creates the user and signs in; a later one signs in again", async () => {
    const who = uniqueIdentity("webhook");
    idp.users.github = { id: who.id, email: who.email, verified: true };
    const first = await signIn(h, idp, "github");
    expect(first.status).toBe(200);
    const { id } = (await me(h, first.body.access_token)).body;
    expect((await receiver.waitFor(about(who.email, "user.created")))[0]!.event.data).toEqual({ id, email: who.email });
    expect((await signIn(h, idp, "github")).status).toBe(200);
    const signIns = await receiver.waitFor(about(who.email, "user.signed_in"), 2);
    expect(signIns.every((attempt) => attempt.event.data.id === id && typeof attempt.event.data.session_id === "string")).toBe(true);
  });
});

describe.each(CORE_BACKENDS)("without a subscriber (%s)", (backend) => {
  describe("no endpoint at all", () => {
    const suite = servedForSuite({ backend });
    test("nothing is written to the outbox", async () => {
      const email = uniqueEmail("quiet");
      await suite.h.signUp(email);
      await suite.h.logIn(email);
      const [count] = await suite.h.rows<{ n: number }>(sql`select count(*)::int as n from webhook_deliveries`);
      expect(count!.n).toBe(0);
    });
  });

  describe("WEBHOOK_EVENTS=user.created", () => {
    const receiver = startWebhookReceiver();
    const suite = servedForSuite({
      backend,
      env: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: receiver.secret, WEBHOOK_EVENTS: "user.created" },
    });
    afterAll(() => receiver.stop());
    test("only the subscribed events are written and sent", async () => {
      const email = uniqueEmail("filtered");
      await suite.h.signUp(email);
      await suite.h.logIn(email);
      await receiver.waitFor(about(email, "user.created"));
      const types = await suite.h.rows<{ event_type: string }>(sql`select event_type from webhook_deliveries`);
      expect(types.map((row) => row.event_type)).toEqual(["user.created"]);
    });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}
