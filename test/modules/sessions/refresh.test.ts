import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";

// Each describe below runs once per backend (PostgreSQL + Redis + SMTP, and the embedded defaults).
let h: Harness;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const refresh = (refresh_token: string) => h.call("POST", "/auth/refresh", { refresh_token });
const me = (token: string) => h.callAs(token, "GET", "/auth/me");

describe.each(CORE_BACKENDS)("POST /auth/refresh (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("login and verify-otp return a refresh token and expires_in beside the access token", async () => {
    const email = uniqueEmail();
    const signedUp = await h.signUp(email);
    expect(signedUp).toMatchObject({ token_type: "bearer", expires_in: 30 * 60 });
    expect(signedUp.refresh_token).toMatch(/^[\w-]{40,}$/);
    const loggedIn = await h.logIn(email);
    expect(loggedIn.refresh_token).not.toBe(signedUp.refresh_token);
    expect(loggedIn.expires_in).toBe(30 * 60);
  });

  test("a refresh token is exchanged for a new access token and a new refresh token", async () => {
    const email = uniqueEmail();
    const first = await h.signUp(email);
    h.clock.advance(5 * MINUTE);
    const res = await refresh(first.refresh_token);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["access_token", "expires_in", "refresh_token", "token_type"]);
    expect(res.body.refresh_token).not.toBe(first.refresh_token);
    expect(res.body.access_token).not.toBe(first.access_token);
    const claims = JSON.parse(Buffer.from(res.body.access_token.split(".")[1], "base64url").toString());
    expect(claims.exp).toBe(Math.floor(h.clock.now() / 1000) + 30 * 60);
    expect((await me(res.body.access_token)).body.email).toBe(email);
    // The session goes on: the next refresh token works too.
    expect((await refresh(res.body.refresh_token)).status).toBe(200);
  });

  test("reusing a rotated refresh token ends the whole session, access tokens included", async () => {
    const first = await h.signUp(uniqueEmail());
    const second = (await refresh(first.refresh_token)).body;
    const third = (await refresh(second.refresh_token)).body;
    expect((await me(third.access_token)).status).toBe(200);

    const reuse = await refresh(first.refresh_token);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe("refresh_token_reused");
    expect(reuse.body.detail).not.toContain(first.refresh_token);
    // Every token of that family is dead now, the newest ones included.
    expect((await refresh(third.refresh_token)).status).toBe(401);
    expect((await me(third.access_token)).status).toBe(401);
    expect((await me(second.access_token)).status).toBe(401);
  });

  test("another session of the same person survives a reuse in one session", async () => {
    const email = uniqueEmail();
    const laptop = await h.signUp(email);
    const phone = await h.logIn(email);
    await refresh(laptop.refresh_token);
    expect((await refresh(laptop.refresh_token)).status).toBe(401);
    expect((await me(phone.access_token)).status).toBe(200);
    expect((await refresh(phone.refresh_token)).status).toBe(200);
  });

  test("of parallel refreshes with one token exactly one succeeds", async () => {
    const tokens = await h.signUp(uniqueEmail());
    const results = await Promise.all(Array.from({ length: 12 }, () => refresh(tokens.refresh_token)));
    expect(results.filter((res) => res.status === 200)).toHaveLength(1);
    expect(results.filter((res) => res.status === 401)).toHaveLength(11);
  });

  test("unknown, malformed and missing refresh tokens are refused without echoing them", async () => {
    const unknown = await refresh("x".repeat(43));
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ detail: "Invalid or expired refresh token. Please log in again.", code: "invalid_refresh_token" });
    const short = await h.call("POST", "/auth/refresh", { refresh_token: "short-secret" });
    expect(short.status).toBe(422);
    expect(JSON.stringify(short.body)).not.toContain("short-secret");
    expect((await h.call("POST", "/auth/refresh", {})).status).toBe(422);
  });

  test("past OTP_RECHECK_MINUTES since the last code, a refresh mails a code, ends the session and asks for the code", async () => {
    const email = uniqueEmail();
    const tokens = await h.signUp(email);
    const kept = (await refresh(tokens.refresh_token)).body;
    h.clock.advance(31 * MINUTE);
    const mailsBefore = h.inbox.mailTo(email).length;
    const res = await refresh(kept.refresh_token);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      detail: "Session expired. A new verification code has been sent.",
      code: "otp_required",
      otp_token: expect.stringMatching(/^[\w-]{32}$/),
    });
    expect(h.inbox.mailTo(email).length).toBe(mailsBefore + 1);
    expect((await refresh(kept.refresh_token)).status).toBe(401);

    const verified = await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email) });
    expect(verified.status).toBe(200);
    expect((await refresh(verified.body.refresh_token)).status).toBe(200);
  });

  test("a code verified in another session extends the re-check window of every session", async () => {
    const email = uniqueEmail();
    const laptop = await h.signUp(email);
    h.clock.advance(31 * MINUTE);
    expect((await h.call("POST", "/auth/login", { email, password: "correct horse battery" })).body.code).toBe("otp_required");
    expect((await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email) })).status).toBe(200);
    expect((await refresh(laptop.refresh_token)).status).toBe(200);
  });

  test("refresh tokens exist only as keyed hashes in the database", async () => {
    const tokens = await h.signUp(uniqueEmail());
    const next = (await refresh(tokens.refresh_token)).body;
    const stored =
      JSON.stringify(await h.rows(sql`select * from sessions`)) + JSON.stringify(await h.rows(sql`select * from rotated_refresh_tokens`));
    expect(stored).not.toContain(tokens.refresh_token);
    expect(stored).not.toContain(next.refresh_token);
    const [row] = await h.rows<{ n: number }>(sql`select count(*)::int as n from rotated_refresh_tokens`);
    expect(row!.n).toBeGreaterThan(0);
  });

  test("the session keeps the user agent and address it was used from", async () => {
    const email = uniqueEmail();
    const tokens = await h.signUp(email);
    await h.call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token }, { "user-agent": "TestPhone/2.0" });
    const list = await h.callAs(tokens.access_token, "GET", "/auth/sessions");
    expect(list.body.sessions).toHaveLength(1);
    expect(list.body.sessions[0].user_agent).toBe("TestPhone/2.0");
  });
});

describe.each(CORE_BACKENDS)("refresh token lifetime (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend, env: { REFRESH_TOKEN_EXPIRE_DAYS: "2", OTP_RECHECK_MINUTES: "100000" } });
  });
  afterAll(() => h.close());

  test("a refresh token unused for REFRESH_TOKEN_EXPIRE_DAYS has expired; each use starts the period again", async () => {
    const tokens = await h.signUp(uniqueEmail());
    h.clock.advance(2 * DAY - MINUTE);
    const kept = await refresh(tokens.refresh_token);
    expect(kept.status).toBe(200);
    h.clock.advance(2 * DAY - MINUTE);
    const again = await refresh(kept.body.refresh_token);
    expect(again.status).toBe(200);
    h.clock.advance(2 * DAY + MINUTE);
    const late = await refresh(again.body.refresh_token);
    expect(late.status).toBe(401);
    expect(late.body.code).toBe("invalid_refresh_token");
  });

  test("OTP_RECHECK_MINUTES, not the access token lifetime, bounds refreshes without a code", async () => {
    const tokens = await h.signUp(uniqueEmail());
    h.clock.advance(DAY);
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });
});
