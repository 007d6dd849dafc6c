import { describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { ADMIN_ENV, basicAuth } from "../support/admin";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS, type Harness } from "../support/harness";
import { bearer } from "../support/http-client";
import { servedForSuite, type Listening } from "../support/listening";
import { waitFor } from "../support/redis-servers";

/**
 * No session outlives a password reset or change if it was opened with a password check from before it: the
 * check and the session's insert agree on a password version in one statement. Over real HTTP.
 */

const OLD_PASSWORD = "the old password";
const NEW_PASSWORD = "the new password";

type Served = { h: Harness; server: Listening };

/** A session is live if its access token reads /auth/me or its refresh token renews. */
async function isLive(suite: Served, tokens: { access_token: string; refresh_token: string }) {
  const me = await suite.server.http("GET", "/auth/me", undefined, bearer(tokens.access_token));
  const renewed = await suite.server.http("POST", "/auth/refresh", { refresh_token: tokens.refresh_token });
  return me.status === 200 || renewed.status === 200;
}

async function resetCode(suite: Served, email: string) {
  suite.h.clock.advance(61_000); // past the cooldown of the registration's code
  const before = suite.h.inbox.mailTo(email).length;
  expect((await suite.server.http("POST", "/auth/password/forgot", { email })).status).toBe(200);
  await suite.h.inbox.waitForMail(email, before + 1);
  return suite.h.inbox.latestCode(email);
}

describe.each(CORE_BACKENDS)("sign-ins racing a password change (%s)", (backend) => {
  const suite = servedForSuite({ backend });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => suite.server.http("POST", path, body, headers);

  test("logins with the old password sent around a reset get no session that outlives it", async () => {
    const email = uniqueEmail("raced");
    await suite.h.signUp(email, OLD_PASSWORD);
    const code = await resetCode(suite, email);
    // Logins spread over the reset's own argon2id hashing, before and after its update and its revocations.
    const logins: Promise<{ status: number; body: any }>[] = [];
    const reset = post("/auth/password/reset", { email, code, new_password: NEW_PASSWORD });
    for (let i = 0; i < 16; i++) {
      logins.push(post("/auth/login", { email, password: OLD_PASSWORD }));
      await Bun.sleep(5);
    }
    expect((await reset).status).toBe(200);
    const answers = await Promise.all(logins);
    const sessions = answers.filter((answer) => answer.status === 200).map((answer) => answer.body);
    const live = (await Promise.all(sessions.map((tokens) => isLive(suite, tokens)))).filter(Boolean).length;
    expect({ opened: sessions.length, live }).toEqual({ opened: sessions.length, live: 0 });
  });

  test("a re-check started with the old password cannot be completed after a reset", async () => {
    const email = uniqueEmail("rechecked");
    await suite.h.signUp(email, OLD_PASSWORD);
    suite.h.clock.advance(31 * 60_000);
    const login = await post("/auth/login", { email, password: OLD_PASSWORD });
    expect(login.body.code).toBe("otp_required");
    const recheckCode = suite.h.inbox.latestCode(email);
    expect((await post("/auth/password/reset", { email, code: await resetCode(suite, email), new_password: NEW_PASSWORD })).status).toBe(
      200,
    );

    const late = await post("/auth/verify-otp", { email, code: recheckCode, otp_token: login.body.otp_token });
    expect(late.status).toBe(400);
    expect(late.body.code).toBe("otp_invalid");
  });

  test("a change of password ends the sessions of logins that checked the old one, and keeps the changer's", async () => {
    const email = uniqueEmail("changed");
    const own = await suite.h.signUp(email, OLD_PASSWORD);
    const logins: Promise<{ status: number; body: any }>[] = [];
    const change = post("/auth/password/change", { current_password: OLD_PASSWORD, new_password: NEW_PASSWORD }, bearer(own.access_token));
    for (let i = 0; i < 16; i++) {
      logins.push(post("/auth/login", { email, password: OLD_PASSWORD }));
      await Bun.sleep(5);
    }
    expect((await change).status).toBe(200);
    const sessions = (await Promise.all(logins)).filter((answer) => answer.status === 200).map((answer) => answer.body);
    const live = (await Promise.all(sessions.map((tokens) => isLive(suite, tokens)))).filter(Boolean).length;
    expect({ opened: sessions.length, live }).toEqual({ opened: sessions.length, live: 0 });
    expect((await suite.server.http("GET", "/auth/me", undefined, bearer(own.access_token))).status).toBe(200);
  });
});

/**
 * The same race made certain instead of likely: a side transaction locks an expired session of the account, so
 * a password sign-in's statement stalls after it has read the account (in its pruning of that session) while a
 * reset, change or disable runs over HTTP. Whatever order PostgreSQL then runs the two in, the stalled sign-in
 * must end with no live session. PostgreSQL only: the embedded database runs one statement at a time.
 */
describe("a sign-in stalled inside its statement (services)", () => {
  const suite = servedForSuite({ backend: "services", env: ADMIN_ENV });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => suite.server.http("POST", path, body, headers);

  /** Statements of this test's database waiting for a lock. */
  async function waiting(side: postgres.Sql): Promise<number> {
    const [row] =
      await side`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
    return row!.n;
  }

  /**
   * Signs in with the old password while `change` runs: the sign-in is held inside its statement until `change`
   * has answered or is itself waiting. Returns the sign-in's answer and whether its session is live afterwards.
   */
  async function stalledSignIn(email: string, change: () => Promise<{ status: number }>) {
    const [user] = await suite.h.rows<{ id: number }>(sql`select id from users where email = ${email}`);
    const expired = crypto.randomUUID();
    await suite.h.rows(sql`insert into sessions (id, user_id, refresh_token_hash, created_at, last_used_at, expires_at, verified_at)
      values (${expired}::uuid, ${user!.id}, ${`stall-${expired}`}, '2000-01-01', '2000-01-01', '2000-01-02', '2000-01-01')`);
    const side = postgres(suite.h.database!.url, { max: 2, onnotice: () => {} });
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const lock = side.begin(async (tx) => {
        await tx`select id from sessions where id = ${expired}::uuid for update`;
        locked();
        await held;
      });
      await isLocked;
      const login = post("/auth/login", { email, password: OLD_PASSWORD });
      // Up to 10 s: the sign-in and the change each hash with argon2id first, slow on a loaded machine.
      await waitFor("the sign-in to stall", async () => (await waiting(side)) === 1, 10_000);
      let changed: { status: number } | undefined;
      const changing = change().then((answer) => (changed = answer));
      await waitFor("the change to answer or wait", async () => changed !== undefined || (await waiting(side)) === 2, 10_000);
      release();
      await lock;
      const [signedIn, answer] = await Promise.all([login, changing]);
      expect(answer.status).toBe(200);
      return { status: signedIn.status, live: signedIn.status === 200 && (await isLive(suite, signedIn.body)) };
    } finally {
      await side.end();
    }
  }

  test("across a reset", async () => {
    const email = uniqueEmail("stalled-reset");
    await suite.h.signUp(email, OLD_PASSWORD);
    const code = await resetCode(suite, email);
    const outcome = await stalledSignIn(email, () => post("/auth/password/reset", { email, code, new_password: NEW_PASSWORD }));
    expect(outcome.live).toBe(false);
  });

  test("across a change", async () => {
    const email = uniqueEmail("stalled-change");
    const own = await suite.h.signUp(email, OLD_PASSWORD);
    const change = { current_password: OLD_PASSWORD, new_password: NEW_PASSWORD };
    const outcome = await stalledSignIn(email, () => post("/auth/password/change", change, bearer(own.access_token)));
    expect(outcome.live).toBe(false);
  });

  test("across an admin's disable", async () => {
    const email = uniqueEmail("stalled-disable");
    const own = await suite.h.signUp(email, OLD_PASSWORD);
    const me = await suite.server.http("GET", "/auth/me", undefined, bearer(own.access_token));
    const disable = () => suite.server.http("PUT", `/auth/admin/users/${me.body.id}`, { is_active: false }, { authorization: basicAuth() });
    const outcome = await stalledSignIn(email, disable);
    expect(outcome.live).toBe(false);
  });
});
