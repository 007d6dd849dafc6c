import { describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS } from "../support/harness";
import { servedForSuite } from "../support/listening";
import { runSeed, seededRandom } from "../support/seeded-random";

/**
 * Two people on one unverified address X: V holds X's mailbox, A does not. Whatever they do, a password A
 * chose never signs in, and V ends with a verified account that signs in with a password of V's own.
 * Everything goes over real HTTP; the clock is the harness's, moved past the resend cooldown between steps.
 */

const COOLDOWN_MS = 61_000;
const VICTIM_PASSWORD = "the victim's own password";
const ATTACKER_PASSWORD = "the attacker's password";

describe.each(CORE_BACKENDS)("sign-up takeover (%s)", (backend) => {
  const suite = servedForSuite({ backend });

  const post = (path: string, body: unknown) => suite.server.http("POST", path, body);
  const waitFor = (email: string, count: number) => suite.h.inbox.waitForMail(email, count);
  const mails = (email: string) => suite.h.inbox.mailTo(email).length;
  /** The code of the newest mail that has one, as V would read it; null before any. */
  const newestCode = (email: string) =>
    suite.h.inbox
      .mailTo(email)
      .map((mail) => /verification code is: (\d+)/.exec(mail.text)?.[1])
      .filter(Boolean)
      .at(-1) ?? null;

  /** What a login with this password gives: 200 means tokens went to whoever typed it. */
  const loginStatus = async (email: string, password: string) => (await post("/auth/login", { email, password })).status;

  test("a later registration by someone else does not decide the password: the code V enters with V's token gives V's", async () => {
    const email = uniqueEmail("replaced");
    const victim = await post("/auth/register", { email, password: VICTIM_PASSWORD });
    expect(victim.status).toBe(201);
    suite.h.clock.advance(COOLDOWN_MS);
    const attacker = await post("/auth/register", { email, password: ATTACKER_PASSWORD });
    expect(attacker.status).toBe(201);
    await waitFor(email, 2);
    // The newest code in X's mailbox came from A's registration; V enters it on V's page.
    const verified = await post("/auth/verify-otp", { email, code: suite.h.inbox.latestCode(email), otp_token: victim.body.otp_token });
    expect(verified.status).toBe(200);

    expect(await loginStatus(email, ATTACKER_PASSWORD)).toBe(401);
    expect(await loginStatus(email, VICTIM_PASSWORD)).toBe(200);
  });

  test("verified without a token (an old client), the last registration's password never signs in without a code", async () => {
    const email = uniqueEmail("untokened");
    await post("/auth/register", { email, password: VICTIM_PASSWORD });
    suite.h.clock.advance(COOLDOWN_MS);
    await post("/auth/register", { email, password: ATTACKER_PASSWORD });
    await waitFor(email, 2);
    expect((await post("/auth/verify-otp", { email, code: suite.h.inbox.latestCode(email) })).status).toBe(200);

    // A's password is the account's for now, but it only ever mails a code to X, so A gets nothing.
    const attempt = await post("/auth/login", { email, password: ATTACKER_PASSWORD });
    expect(attempt.status).toBe(400);
    expect(attempt.body.code).toBe("otp_required");
    // Nor does anything A tries with that login's token and guessed codes.
    const guess = suite.h.inbox.latestCode(email) === "000000" ? "111111" : "000000";
    expect((await post("/auth/verify-otp", { email, code: guess, otp_token: attempt.body.otp_token })).status).toBe(400);
    expect(await loginStatus(email, ATTACKER_PASSWORD)).not.toBe(200);
  });

  test("squatting: A registers first; V registers after the cooldown and verifies, and only V's password signs in", async () => {
    const email = uniqueEmail("squatted");
    expect((await post("/auth/register", { email, password: ATTACKER_PASSWORD })).status).toBe(201);
    // During A's cooldown the page tells V to wait (Retry-After), then registers again.
    const early = await post("/auth/register", { email, password: VICTIM_PASSWORD });
    expect(early.status).toBe(429);
    suite.h.clock.advance(COOLDOWN_MS);
    const victim = await post("/auth/register", { email, password: VICTIM_PASSWORD });
    expect(victim.status).toBe(201);
    await waitFor(email, 2);
    expect(
      (await post("/auth/verify-otp", { email, code: suite.h.inbox.latestCode(email), otp_token: victim.body.otp_token })).status,
    ).toBe(200);
    expect(await loginStatus(email, ATTACKER_PASSWORD)).toBe(401);
    expect(await loginStatus(email, VICTIM_PASSWORD)).toBe(200);
  });

  test("logins with the password of an unverified account, repeated, keep one binding of it, not one per login", async () => {
    const email = uniqueEmail("bound-often");
    await post("/auth/register", { email, password: ATTACKER_PASSWORD });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await post("/auth/login", { email, password: ATTACKER_PASSWORD }));
    expect(answers.map((answer) => answer.body.code)).toEqual(Array(5).fill("email_not_verified"));
    const [row] = await suite.h.rows<{ n: number }>(
      sql`select count(*)::int as n from registrations r join users u on u.id = r.user_id where u.email = ${email}`,
    );
    expect(row!.n).toBe(1);
  });

  test("squatting, resend variant: V presses resend and verifies A's registration; A's password still gets no session", async () => {
    const email = uniqueEmail("resent");
    await post("/auth/register", { email, password: ATTACKER_PASSWORD });
    suite.h.clock.advance(COOLDOWN_MS);
    expect((await post("/auth/resend-otp", { email })).status).toBe(200);
    await waitFor(email, 2);
    expect((await post("/auth/verify-otp", { email, code: suite.h.inbox.latestCode(email) })).status).toBe(200);
    expect((await post("/auth/login", { email, password: ATTACKER_PASSWORD })).body.code).toBe("otp_required");
    // V, who holds the mailbox, sets a password of V's own through a reset and signs in with it.
    suite.h.clock.advance(COOLDOWN_MS);
    const before = mails(email);
    expect((await post("/auth/password/forgot", { email })).status).toBe(200);
    await waitFor(email, before + 1);
    const reset = await post("/auth/password/reset", { email, code: suite.h.inbox.latestCode(email), new_password: VICTIM_PASSWORD });
    expect(reset.status).toBe(200);
    expect(await loginStatus(email, VICTIM_PASSWORD)).toBe(200);
    expect(await loginStatus(email, ATTACKER_PASSWORD)).toBe(401);
  });

  test("any interleaving of register, resend, verify, forgot and reset by both: A's passwords never sign in, V always recovers", async () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    const email = uniqueEmail(`interleaved-${seed}`);
    const attackerPasswords: string[] = [];
    let victimToken: string | undefined;
    let victimPassword: string | undefined;
    let attackerToken: string | undefined;

    const steps: Record<string, () => Promise<unknown>> = {
      async attackerRegisters() {
        const password = `attacker password ${attackerPasswords.length}`;
        attackerPasswords.push(password);
        const res = await post("/auth/register", { email, password });
        if (res.status === 201) attackerToken = res.body.otp_token;
      },
      attackerResends: () => post("/auth/resend-otp", { email }),
      attackerForgets: () => post("/auth/password/forgot", { email }),
      attackerGuesses: () => post("/auth/verify-otp", { email, code: random.chars(6, "0123456789"), otp_token: attackerToken }),
      attackerGuessesReset: () =>
        post("/auth/password/reset", { email, code: random.chars(6, "0123456789"), new_password: `attacker reset ${random.int(1000)}` }),
      async victimRegisters() {
        const password = `victim password ${random.int(1000)}`;
        const res = await post("/auth/register", { email, password });
        if (res.status === 201) [victimToken, victimPassword] = [res.body.otp_token, password];
      },
      victimResends: () => post("/auth/resend-otp", { email }),
      async victimEntersNewestCode() {
        const code = newestCode(email);
        if (code) await post("/auth/verify-otp", { email, code, otp_token: random.chance(0.7) ? victimToken : undefined });
      },
      victimForgets: () => post("/auth/password/forgot", { email }),
      async victimResets() {
        const code = newestCode(email);
        if (!code) return;
        const password = `victim reset ${random.int(1000)}`;
        const res = await post("/auth/password/reset", { email, code, new_password: password });
        if (res.status === 200) victimPassword = password;
      },
    };

    const trail: string[] = [];
    for (let step = 0; step < 24; step++) {
      // Someone registers first: without an account no step has anything to act on (and the final forgot
      // would mail nothing), which about one seed in two hundred drew.
      const name = step === 0 ? random.pick(["attackerRegisters", "victimRegisters"]) : random.pick(Object.keys(steps));
      trail.push(name);
      await steps[name]!();
      await Bun.sleep(5); // mails after the answer (forgot) reach the inbox
      if (random.chance(0.6)) suite.h.clock.advance(COOLDOWN_MS);
      for (const password of attackerPasswords) {
        const status = await loginStatus(email, password);
        if (status === 200) throw new Error(`seed ${seed}: the attacker's "${password}" signed in after ${trail.join(", ")}`);
      }
    }

    // V always gets there: a reset with a code from V's mailbox gives a password of V's own that signs in.
    suite.h.clock.advance(25 * 3_600_000);
    // Mails that leave after their answer (forgot's codes, notices) are let arrive first, so the count below
    // waits for this forgot's own code.
    await Bun.sleep(300);
    const before = mails(email);
    expect((await post("/auth/password/forgot", { email })).status).toBe(200);
    await waitFor(email, before + 1);
    victimPassword = "the victim's final password";
    expect((await post("/auth/password/reset", { email, code: newestCode(email), new_password: victimPassword })).status).toBe(200);
    const signedIn = await post("/auth/login", { email, password: victimPassword });
    expect({ seed, trail, status: signedIn.status, body: signedIn.body }).toMatchObject({ status: 200 });
    for (const password of attackerPasswords) expect(await loginStatus(email, password)).not.toBe(200);
  });
});
