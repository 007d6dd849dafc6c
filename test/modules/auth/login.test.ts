import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { uniqueEmail } from "../../support/env";
import { BACKENDS, startHarness, type Harness } from "../../support/harness";

// Each describe below runs once per backend (PostgreSQL + SMTP with Redis, the same with a 3-master Redis
// Cluster, and the embedded defaults), with its own harness in `h`.
let h: Harness;

const PASSWORD = "correct horse battery";
const MINUTE = 60_000;

const login = (email: string, password = PASSWORD) => h.call("POST", "/auth/login", { email, password });

describe.each(BACKENDS)("POST /auth/login (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("a verified user with the right password gets a bearer token for /auth/me", async () => {
    const email = uniqueEmail();
    await h.createVerifiedUser(email, PASSWORD);
    const res = await login(email.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe("bearer");
    expect(Object.keys(res.body).sort()).toEqual(["access_token", "expires_in", "refresh_token", "token_type"]);
    expect(res.body.expires_in).toBe(30 * 60);
    const me = await h.call("GET", "/auth/me", undefined, { authorization: `Bearer ${res.body.access_token}` });
    expect(me.body.email).toBe(email);
  });

  test("a wrong password and an unknown address get the same 401", async () => {
    const email = uniqueEmail();
    await h.createVerifiedUser(email, PASSWORD);
    const wrong = await login(email, "wrong password");
    const unknown = await login(uniqueEmail("nobody"), PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.detail).toBe("Incorrect email or password.");
  });

  test("an unknown address costs a password verification, like a wrong password does", async () => {
    const email = uniqueEmail();
    await h.createVerifiedUser(email, PASSWORD);
    await login(uniqueEmail("warmup"), PASSWORD);
    const time = async (run: () => Promise<unknown>) => {
      const start = performance.now();
      await run();
      return performance.now() - start;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      wrong.push(await time(() => login(email, "wrong password")));
      unknown.push(await time(() => login(uniqueEmail("nobody"), "wrong password")));
    }
    // Without the decoy verification an unknown address answers in about 1 ms, against ~40 ms for argon2id.
    expect(Math.min(...unknown)).toBeGreaterThan(Math.min(...wrong) * 0.5);
  });

  test("an unverified account with the right password is told to finish the OTP flow", async () => {
    const email = uniqueEmail();
    await h.call("POST", "/auth/register", { email, password: PASSWORD });
    const res = await login(email);
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe("Email not verified. Please complete the OTP flow.");
    expect((await login(email, "wrong password")).status).toBe(401);
  });

  test("past ACCESS_TOKEN_EXPIRE_MINUTES since the last code, login mails a re-check code instead of a token", async () => {
    const email = uniqueEmail();
    await h.createVerifiedUser(email, PASSWORD);
    h.clock.advance(30 * MINUTE);
    expect((await login(email)).status).toBe(200);

    h.clock.advance(1 * MINUTE);
    const res = await login(email);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      detail: "Session expired. A new verification code has been sent.",
      code: "otp_required",
      otp_token: expect.stringMatching(/^[\w-]{32}$/),
    });
    expect(res.body.access_token).toBeUndefined();
    expect(h.inbox.mailTo(email).length).toBe(2);

    // The code alone completes the login: no second password round.
    const verified = await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email) });
    expect(verified.status).toBe(200);
    expect(verified.body.access_token).toBeString();
    expect((await login(email)).status).toBe(200);
  });

  test("the re-check needs the password: a wrong one sends nothing", async () => {
    const email = uniqueEmail();
    await h.createVerifiedUser(email, PASSWORD);
    h.clock.advance(31 * MINUTE);
    expect((await login(email, "wrong password")).status).toBe(401);
    expect(h.inbox.mailTo(email).length).toBe(1);
  });

  test("a re-check code can be resent; the registration purpose cannot be used for it", async () => {
    const email = uniqueEmail();
    await h.createVerifiedUser(email, PASSWORD);
    h.clock.advance(31 * MINUTE);
    expect((await login(email)).body.code).toBe("otp_required");
    const first = h.inbox.latestCode(email);
    h.clock.advance(MINUTE);
    expect((await h.call("POST", "/auth/resend-otp", { email })).status).toBe(200);
    const second = h.inbox.latestCode(email);
    if (first !== second) expect((await h.call("POST", "/auth/verify-otp", { email, code: first })).status).toBe(400);
    expect((await h.call("POST", "/auth/verify-otp", { email, code: second })).status).toBe(200);
  });

  test("logging in again during the cooldown is 429 and the mailed code still works", async () => {
    const email = uniqueEmail();
    await h.createVerifiedUser(email, PASSWORD);
    h.clock.advance(61 * MINUTE);
    expect((await login(email)).body.code).toBe("otp_required");
    const code = h.inbox.latestCode(email);
    const again = await login(email);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("retry-after"))).toBe(60);
    expect((await h.call("POST", "/auth/verify-otp", { email, code })).status).toBe(200);
  });

  // Needs a mail server that refuses, or Redis itself: the embedded defaults have neither.
  if (backend !== "embedded") {
    test("a re-check whose mail fails is 503 and issues no token", async () => {
      const email = uniqueEmail();
      await h.createVerifiedUser(email, PASSWORD);
      h.clock.advance(31 * MINUTE);
      h.inbox.refuseMail(true);
      const res = await login(email).finally(() => h.inbox.refuseMail(false));
      expect(res.status).toBe(503);
      expect(res.body.access_token).toBeUndefined();
      expect((await login(email)).body.code).toBe("otp_required");
    });
  }

  test("invalid bodies are 422 and never echo the password", async () => {
    const res = await h.call("POST", "/auth/login", { email: "nope", password: "hunter2-secret-value" });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).not.toContain("hunter2-secret-value");
    expect(JSON.stringify(res.body)).not.toContain("nope");
  });
});
