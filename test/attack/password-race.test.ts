import { describe, expect, test } from "bun:test";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS } from "../support/harness";
import { bearer } from "../support/http-client";
import { servedForSuite } from "../support/listening";

/**
 * No session outlives a password reset or change if it was opened with a password check from before it: the
 * check and the session's insert agree on a password version in one statement. Over real HTTP.
 */

const OLD_PASSWORD = "the old password";
const NEW_PASSWORD = "the new password";

describe.each(CORE_BACKENDS)("sign-ins racing a password change (%s)", (backend) => {
  const suite = servedForSuite({ backend });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => suite.server.http("POST", path, body, headers);

  /** A session is live if its access token reads /auth/me or its refresh token renews. */
  async function isLive(tokens: { access_token: string; refresh_token: string }) {
    const me = await suite.server.http("GET", "/auth/me", undefined, bearer(tokens.access_token));
    const renewed = await post("/auth/refresh", { refresh_token: tokens.refresh_token });
    return me.status === 200 || renewed.status === 200;
  }

  async function resetCode(email: string) {
    suite.h.clock.advance(61_000); // past the cooldown of the registration's code
    const before = suite.h.inbox.mailTo(email).length;
    expect((await post("/auth/password/forgot", { email })).status).toBe(200);
    await suite.h.inbox.waitForMail(email, before + 1);
    return suite.h.inbox.latestCode(email);
  }

  test("logins with the old password sent around a reset get no session that outlives it", async () => {
    const email = uniqueEmail("raced");
    await suite.h.signUp(email, OLD_PASSWORD);
    const code = await resetCode(email);
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
    const live = (await Promise.all(sessions.map(isLive))).filter(Boolean).length;
    expect({ opened: sessions.length, live }).toEqual({ opened: sessions.length, live: 0 });
  });

  test("a re-check started with the old password cannot be completed after a reset", async () => {
    const email = uniqueEmail("rechecked");
    await suite.h.signUp(email, OLD_PASSWORD);
    suite.h.clock.advance(31 * 60_000);
    const login = await post("/auth/login", { email, password: OLD_PASSWORD });
    expect(login.body.code).toBe("otp_required");
    const recheckCode = suite.h.inbox.latestCode(email);
    expect((await post("/auth/password/reset", { email, code: await resetCode(email), new_password: NEW_PASSWORD })).status).toBe(200);

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
    const live = (await Promise.all(sessions.map(isLive))).filter(Boolean).length;
    expect({ opened: sessions.length, live }).toEqual({ opened: sessions.length, live: 0 });
    expect((await suite.server.http("GET", "/auth/me", undefined, bearer(own.access_token))).status).toBe(200);
  });
});
