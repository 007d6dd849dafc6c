import { describe, expect, test } from "bun:test";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS } from "../support/harness";
import { servedForSuite } from "../support/listening";
import { DEFAULT_CODE_RULES, EVALUATED, FAILURES_PER_WINDOW, freshClients, PASSWORD } from "../support/attackers";

/**
 * Code sign-in attacked over real HTTP, with the default code settings and per-IP budgets. Every request comes
 * from another /64 of one IPv6 /48 (TRUST_PROXY=1 believes X-Forwarded-For), so per-IP budgets never stop the
 * attacker: only the per-address rules do.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const anotherClient = freshClients(2);

describe.each(CORE_BACKENDS)("attacking code sign-in (%s)", (backend) => {
  const suite = servedForSuite({
    backend,
    env: DEFAULT_CODE_RULES,
  });
  const post = (path: string, body: unknown, headers = anotherClient()) => suite.server.http("POST", path, body, headers);
  const mails = (email: string) => suite.h.inbox.mailTo(email).length;
  const wrongCodeFor = (email: string) => (suite.h.inbox.latestCode(email) === "000000" ? "111111" : "000000");

  test("the happy path over HTTP: the code from the SMTP inbox signs in", async () => {
    const email = uniqueEmail("http");
    await suite.h.signUp(email, PASSWORD);
    suite.h.clock.advance(61_000);
    const client = anotherClient();
    expect((await post("/auth/code/send", { email }, client)).status).toBe(200);
    const signedIn = await post("/auth/code/sign-in", { email, code: suite.h.inbox.latestCode(email) }, client);
    expect(signedIn.status).toBe(200);
    const me = await suite.server.http("GET", "/auth/me", undefined, { authorization: `Bearer ${signedIn.body.access_token}` });
    expect(me.body.email).toBe(email);
  });

  test("guessing across resends: at most OTP_MAX_FAILURES_PER_WINDOW wrong guesses reach a code; the owner's password sign-in goes on", async () => {
    const email = uniqueEmail("signin-target");
    await suite.h.signUp(email, PASSWORD);
    let evaluated = 0;
    let sent = 0;
    // Three hours of a new code just after each cooldown while the hourly cap allows, five tries on each.
    for (let elapsed = 0; elapsed < 3 * HOUR; elapsed += 61_000) {
      suite.h.clock.advance(61_000);
      const before = mails(email);
      if ((await post("/auth/code/send", { email })).status !== 200) continue;
      sent += 1;
      await suite.h.inbox.waitForMail(email, before + 1);
      const wrong = wrongCodeFor(email);
      for (let attempt = 0; attempt < 5; attempt++) {
        if (EVALUATED.has((await post("/auth/code/sign-in", { email, code: wrong })).body.code)) evaluated += 1;
      }
    }
    expect(sent).toBe(29); // the hourly cap, 10 an hour of the open budget, which the registration's code shares
    expect(evaluated).toBe(FAILURES_PER_WINDOW);
    // Locked: the right code of a fresh send is refused too, until the window ends.
    suite.h.clock.advance(HOUR);
    expect((await post("/auth/code/send", { email })).status).toBe(200);
    await suite.h.inbox.waitForMail(email, mails(email));
    const locked = await post("/auth/code/sign-in", { email, code: suite.h.inbox.latestCode(email) });
    expect(locked.body.code).toBe("otp_locked");

    // The stranger's sends and guesses touched neither the gated re-check budget nor its failure window.
    const login = await post("/auth/login", { email, password: PASSWORD });
    expect(login.body.code).toBe("otp_required");
    const verified = await post("/auth/verify-otp", { email, code: suite.h.inbox.latestCode(email), otp_token: login.body.otp_token });
    expect(verified.status).toBe(200);
  }, 60_000);

  test("a flood of sign-in code requests up to the hourly cap does not stop the owner's password login", async () => {
    const email = uniqueEmail("flooded");
    await suite.h.signUp(email, PASSWORD);
    suite.h.clock.advance(31 * MINUTE);
    let capped = false;
    for (let i = 0; i < 15 && !capped; i++) {
      const sent = await post("/auth/code/send", { email });
      capped = sent.body.code === "otp_hourly_cap";
      suite.h.clock.advance(61_000);
    }
    expect(capped).toBe(true);
    const login = await post("/auth/login", { email, password: PASSWORD });
    expect(login.body.code).toBe("otp_required");
    await suite.h.inbox.waitForMail(email, mails(email));
    const verified = await post("/auth/verify-otp", { email, code: suite.h.inbox.latestCode(email), otp_token: login.body.otp_token });
    expect(verified.status).toBe(200);
  }, 60_000);
});
