import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { from, nextIp } from "../ratelimit/support";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS, startHarness, type CallResult, type Harness } from "../support/harness";
import type { Answer } from "../support/http-client";
import { listen } from "../support/listening";

/**
 * Mail bombing through "forgot password" and a change of email (register and resend-otp are in
 * test/ratelimit/brute-force.test.ts): the mails counted at the SMTP server never exceed the per-address
 * cooldown and hourly cap, nor the per-IP mail budget, which forgot and a change of email share with register
 * and resend-otp. Forgot mails leave after the answer, so
 * every count waits for the mails first, then a little longer for any that should not come.
 */

const COOLDOWN_SECONDS = 60;
const SENDS_PER_HOUR = 3;
const MAILS_PER_IP = 5;
const PASSWORD = "correct horse battery";
const SETTLE_MS = 300;

describe.each(CORE_BACKENDS)("mail bombing (%s)", (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      backend,
      env: {
        TRUST_PROXY: "1",
        OTP_RESEND_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS),
        OTP_MAX_SENDS_PER_HOUR: String(SENDS_PER_HOUR),
        RATE_LIMIT_MAIL_PER_HOUR: String(MAILS_PER_IP),
      },
    });
  }, 30_000);
  afterAll(() => h?.close());

  /** An account made by the admin service, without a password (it sets one through forgot): no mail, no request, no hashing. */
  async function account(): Promise<string> {
    const email = uniqueEmail("bombed");
    await h.deps.admin.createUser({ email, is_active: true, is_verified: true }, { ip: null, userAgent: null });
    return email;
  }

  const forgot = (email: string, ip = nextIp()) => h.call("POST", "/auth/password/forgot", { email }, from(ip));

  /** Waits for `count` mails to `emails` in all, then makes sure no more arrive; returns the count. */
  async function mailsTo(emails: string[], count: number): Promise<number> {
    const total = () => emails.reduce((sum, email) => sum + h.inbox.mailTo(email).length, 0);
    const deadline = Date.now() + 5000;
    while (total() < count && Date.now() < deadline) await Bun.sleep(10);
    await Bun.sleep(SETTLE_MS);
    return total();
  }

  const codes = (results: { status: number; body: any }[]) => results.map((res) => (res.status < 300 ? "ok" : (res.body.code as string)));
  const count = (list: string[], what: string) => list.filter((item) => item === what).length;

  test("one address, from a new IP each time: one mail per cooldown, at most OTP_MAX_SENDS_PER_HOUR an hour", async () => {
    const victim = await account();
    const stranger = uniqueEmail("no-account");
    const burst = (email: string, n: number) => Promise.all(Array.from({ length: n }, () => forgot(email)));

    // 30 at once: the cooldown lets exactly one through, for an address with an account or without.
    for (const email of [victim, stranger]) {
      const first = codes(await burst(email, 30));
      expect(count(first, "ok")).toBe(1);
      expect(count(first, "otp_cooldown")).toBe(29);
    }
    expect(await mailsTo([victim], 1)).toBe(1);

    // Past each cooldown one more, until the hourly cap.
    const later: string[] = [];
    for (let round = 0; round < 5; round++) {
      h.clock.advance((COOLDOWN_SECONDS + 1) * 1000);
      later.push(...codes(await burst(victim, 10)));
    }
    expect(count(later, "ok")).toBe(SENDS_PER_HOUR - 1);
    expect(count(later, "otp_hourly_cap")).toBeGreaterThan(0);
    expect(later.every((code) => ["ok", "otp_cooldown", "otp_hourly_cap"].includes(code))).toBe(true);
    expect(await mailsTo([victim], SENDS_PER_HOUR)).toBe(SENDS_PER_HOUR);

    // An hour after the first, the next one goes out; an address without an account never gets one.
    h.clock.advance(3600 * 1000);
    expect((await forgot(victim)).status).toBe(200);
    expect(await mailsTo([victim], SENDS_PER_HOUR + 1)).toBe(SENDS_PER_HOUR + 1);
    expect(h.inbox.mailTo(stranger)).toHaveLength(0);
    // Each mail holds a reset code, and only the newest one works.
    const reset = await h.call(
      "POST",
      "/auth/password/reset",
      { email: victim, code: h.inbox.latestCode(victim), new_password: "a new password" },
      from(nextIp()),
    );
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
  }, 60_000);

  test("many addresses from one IP: at most RATE_LIMIT_MAIL_PER_HOUR mails, then 429 rate_limited", async () => {
    const victims = await Promise.all(Array.from({ length: 30 }, () => account()));
    const bomber = nextIp();
    const results: CallResult[] = [];
    for (const email of victims) results.push(await forgot(email, bomber));

    const answers = codes(results);
    expect(answers.slice(0, MAILS_PER_IP)).toEqual(Array(MAILS_PER_IP).fill("ok"));
    expect(answers.slice(MAILS_PER_IP)).toEqual(Array(30 - MAILS_PER_IP).fill("rate_limited"));
    expect(await mailsTo(victims, MAILS_PER_IP)).toBe(MAILS_PER_IP);
  }, 60_000);

  test("changes of email to many addresses from one IP: at most RATE_LIMIT_MAIL_PER_HOUR codes mailed, then 429 rate_limited", async () => {
    // A signed-in account could otherwise mail a code to any address it names, as often as it may check its password.
    const token = await h.createVerifiedUser(uniqueEmail("bomber"), PASSWORD);
    const bomber = nextIp();
    const victims = Array.from({ length: 30 }, () => uniqueEmail("changed-to"));
    // Over a real socket: the proxy's X-Forwarded-For names the client, as in production behind one proxy.
    const server = listen(h);
    const results: Answer[] = [];
    try {
      for (const email of victims) {
        const body = { new_email: email, password: PASSWORD };
        results.push(await server.http("POST", "/auth/email/change", body, { ...from(bomber), authorization: `Bearer ${token}` }));
      }
    } finally {
      await server.stop();
    }
    const answers = codes(results);
    expect(answers.slice(0, MAILS_PER_IP)).toEqual(Array(MAILS_PER_IP).fill("ok"));
    expect(answers.slice(MAILS_PER_IP)).toEqual(Array(30 - MAILS_PER_IP).fill("rate_limited"));
    expect(await mailsTo(victims, MAILS_PER_IP)).toBe(MAILS_PER_IP);
  }, 60_000);

  test("forgot, register and resend-otp share one IP's mail budget", async () => {
    const bomber = nextIp();
    const [a, b] = [await account(), await account()];
    const [n1, n2] = [uniqueEmail("new"), uniqueEmail("new")];
    const register = (email: string) => h.call("POST", "/auth/register", { email, password: PASSWORD }, from(bomber));
    const resend = (email: string) => h.call("POST", "/auth/resend-otp", { email }, from(bomber));
    const allowed = [() => forgot(a, bomber), () => register(n1), () => resend(n1), () => forgot(b, bomber), () => register(n2)];
    for (const step of allowed) {
      // Past the per-address cooldown each time: only the per-IP budget is in play.
      h.clock.advance((COOLDOWN_SECONDS + 1) * 1000);
      const res = await step();
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    }
    const late = [uniqueEmail("late"), uniqueEmail("late")];
    const refused = [
      await forgot(a, bomber),
      await register(late[0]!),
      await resend(n2),
      await forgot(b, bomber),
      await register(late[1]!),
    ];
    expect(codes(refused)).toEqual(Array(5).fill("rate_limited"));
    expect(await mailsTo([a, b, n1, n2, ...late], MAILS_PER_IP)).toBe(MAILS_PER_IP);
    expect(h.inbox.mailTo(n1)).toHaveLength(2);
  }, 60_000);
});
