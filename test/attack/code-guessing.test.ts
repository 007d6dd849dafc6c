import { describe, expect, test } from "bun:test";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS } from "../support/harness";
import { servedForSuite } from "../support/listening";
import { DEFAULT_CODE_RULES, EVALUATED, FAILURES_PER_WINDOW, freshClients, PASSWORD } from "../support/attackers";

/**
 * Guessing a person's codes across resends, and locking them out by using up their budgets, over real HTTP
 * with the default code settings and per-IP budgets. Every request comes from another /64 of one IPv6 /48
 * (TRUST_PROXY=1 believes X-Forwarded-For), so per-IP budgets never stop the attacker: only the per-address
 * rules do.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MAX_ATTEMPTS = 5;

const anotherClient = freshClients(1);

describe.each(CORE_BACKENDS)("guessing codes across resends (%s)", (backend) => {
  const suite = servedForSuite({
    backend,
    env: DEFAULT_CODE_RULES,
  });

  const post = (path: string, body: unknown) => suite.server.http("POST", path, body, anotherClient());
  const mails = (email: string) => suite.h.inbox.mailTo(email).length;
  const wrongCodeFor = (email: string) => (suite.h.inbox.latestCode(email) === "000000" ? "111111" : "000000");

  /**
   * For three hours (the failure window is a day), asks for a new code just after each cooldown, while the
   * hourly cap allows, and spends every try on it: without the failure window that is 5 tries x 10 codes an
   * hour. Returns how many wrong guesses the service actually checked against a live code.
   */
  async function guessForHours(
    email: string,
    requestCode: () => Promise<{ status: number }>,
    guess: (code: string) => Promise<{ body: any }>,
  ) {
    let evaluated = 0;
    for (let elapsed = 0; elapsed < 3 * HOUR; elapsed += 61_000) {
      const before = mails(email);
      if ((await requestCode()).status < 300) {
        await suite.h.inbox.waitForMail(email, before + 1); // a reset code leaves after the answer
        const wrong = wrongCodeFor(email);
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
          if (EVALUATED.has((await guess(wrong)).body.code)) evaluated += 1;
        }
      }
      suite.h.clock.advance(61_000);
    }
    return evaluated;
  }

  test("reset codes: at most OTP_MAX_FAILURES_PER_WINDOW wrong guesses a day reach a code, however many IPs", async () => {
    const email = uniqueEmail("reset-target");
    await suite.h.signUp(email, PASSWORD);
    const evaluated = await guessForHours(
      email,
      () => post("/auth/password/forgot", { email }),
      (code) => post("/auth/password/reset", { email, code, new_password: "the attacker's password" }),
    );
    // 10 codes an hour with 5 tries each would be 150 in these three hours; the failure window holds it to 25 a day.
    expect(evaluated).toBe(FAILURES_PER_WINDOW);
    // Locked: even the right code of a fresh reset is refused until the window ends, and the answer says when.
    suite.h.clock.advance(HOUR);
    const before = mails(email);
    expect((await post("/auth/password/forgot", { email })).status).toBe(200);
    await suite.h.inbox.waitForMail(email, before + 1);
    const locked = await post("/auth/password/reset", {
      email,
      code: suite.h.inbox.latestCode(email),
      new_password: "the attacker's password",
    });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe("otp_locked");
  }, 60_000);

  test("change-of-email codes: a signed-in attacker naming someone's address reaches at most OTP_MAX_FAILURES_PER_WINDOW guesses", async () => {
    const attackerEmail = uniqueEmail("changer");
    let token = (await suite.h.signUp(attackerEmail, PASSWORD)).access_token as string;
    /** The attacker signs in again whenever the access token has expired on the fake clock (with the re-check code). */
    async function signInAgain() {
      const login = await post("/auth/login", { email: attackerEmail, password: PASSWORD });
      const tokens =
        login.body.code === "otp_required"
          ? (
              await post("/auth/verify-otp", {
                email: attackerEmail,
                code: suite.h.inbox.newestCode(attackerEmail),
                otp_token: login.body.otp_token,
              })
            ).body
          : login.body;
      token = tokens.access_token;
    }
    async function send(path: string, body: unknown) {
      const answer = await suite.server.http("POST", path, body, { ...anotherClient(), authorization: `Bearer ${token}` });
      if (answer.status !== 401) return answer;
      await signInAgain();
      return suite.server.http("POST", path, body, { ...anotherClient(), authorization: `Bearer ${token}` });
    }
    // An address with no account, so each code is really mailed to it: guessing it would give the attacker's account that address.
    const email = uniqueEmail("claimed");
    const evaluated = await guessForHours(
      email,
      () => send("/auth/email/change", { new_email: email, password: PASSWORD }),
      (code) => send("/auth/email/change/confirm", { code }),
    );
    expect(evaluated).toBe(FAILURES_PER_WINDOW);
    // Locked: even the code in the mail is refused now, and the address stays the attacker's to never have.
    suite.h.clock.advance(HOUR);
    const before = mails(email);
    expect((await send("/auth/email/change", { new_email: email, password: PASSWORD })).status).toBe(202);
    await suite.h.inbox.waitForMail(email, before + 1);
    const locked = await send("/auth/email/change/confirm", { code: suite.h.inbox.latestCode(email) });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe("otp_locked");
    const me = await suite.server.http("GET", "/auth/me", undefined, { authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(attackerEmail);
  }, 60_000);

  test("re-check codes: an attacker without the password resends and guesses; the owner, with the step's token, still gets in", async () => {
    const email = uniqueEmail("recheck-target");
    await suite.h.signUp(email, PASSWORD);
    suite.h.clock.advance(31 * MINUTE);
    const login = await post("/auth/login", { email, password: PASSWORD });
    expect(login.body.code).toBe("otp_required");

    const evaluated = await guessForHours(
      email,
      () => post("/auth/resend-otp", { email }),
      (code) => post("/auth/verify-otp", { email, code }),
    );
    expect(evaluated).toBe(FAILURES_PER_WINDOW);

    // The owner signs in again (a fresh step of their own): guesses without its token stay locked, and the owner,
    // entering the code with the token, is not locked out.
    const again = await post("/auth/login", { email, password: PASSWORD });
    expect(again.body.code).toBe("otp_required");
    expect((await post("/auth/verify-otp", { email, code: wrongCodeFor(email) })).body.code).toBe("otp_locked");
    const verified = await post("/auth/verify-otp", { email, code: suite.h.inbox.latestCode(email), otp_token: again.body.otp_token });
    expect(verified.status).toBe(200);
  }, 60_000);
});

describe.each(CORE_BACKENDS)("using up another person's code budget (%s)", (backend) => {
  const suite = servedForSuite({ backend, env: { TRUST_PROXY: "1" } });

  const post = (path: string, body: unknown, headers = anotherClient()) => suite.server.http("POST", path, body, headers);

  test("a flood of forgot-password and resend requests does not stop the owner's login re-check", async () => {
    const email = uniqueEmail("flooded");
    await suite.h.signUp(email, PASSWORD);
    suite.h.clock.advance(31 * MINUTE);
    // Everything anyone may ask for this address, until the address's hourly cap refuses.
    let refused = 0;
    for (let i = 0; i < 30 && refused < 3; i++) {
      const forgot = await post("/auth/password/forgot", { email });
      const resend = await post("/auth/resend-otp", { email });
      if (forgot.status === 429 && forgot.body.code === "otp_hourly_cap") refused += 1;
      expect(resend.status).not.toBe(200); // nothing pending to resend: no code, no budget
      suite.h.clock.advance(61_000);
    }
    expect(refused).toBeGreaterThan(0);

    const login = await post("/auth/login", { email, password: PASSWORD });
    expect(login.status).toBe(400);
    expect(login.body.code).toBe("otp_required");
    const code = suite.h.inbox.latestCode(email);
    const verified = await post("/auth/verify-otp", { email, code, otp_token: login.body.otp_token });
    expect(verified.status).toBe(200);
  }, 60_000);
});
