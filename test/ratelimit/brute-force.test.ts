import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS, startHarness, type CallResult, type Harness } from "../support/harness";
import { from, nextIp } from "./support";

const PASSWORD = "correct horse battery";
const CODES_PER_MINUTE = 20;
const MAILS_PER_HOUR = 5;

/** Every code from 000000 upwards except the right one, with the right one put in at `rightAt`. */
function guesses(count: number, right: string, rightAt: number): string[] {
  const wrong = Array.from({ length: count + 1 }, (_, i) => String(i).padStart(6, "0")).filter((code) => code !== right);
  return [...wrong.slice(0, rightAt), right, ...wrong.slice(rightAt, count - 1)];
}

/** Fires the guesses like a script would, 50 at a time; guess i goes to `emails[i % emails.length]`. */
async function fire(h: Harness, emails: string[], codes: string[], headers: Record<string, string>): Promise<CallResult[]> {
  const results: CallResult[] = [];
  for (let i = 0; i < codes.length; i += 50) {
    results.push(
      ...(await Promise.all(
        codes
          .slice(i, i + 50)
          .map((code, j) => h.call("POST", "/auth/verify-otp", { email: emails[(i + j) % emails.length], code }, headers)),
      )),
    );
  }
  return results;
}

const isVerified = async (h: Harness, email: string) =>
  (await h.rows<{ is_verified: boolean }>(sql`select is_verified from users where email = ${email}`))[0]!.is_verified;

describe.each(CORE_BACKENDS)("brute force and mail bombing (%s)", (backend) => {
  let h: Harness;
  beforeAll(async () => {
    // No per-address cooldown or hourly cap to hide behind: only the per-IP mail limit can stop a mail loop.
    h = await startHarness({
      backend,
      env: {
        TRUST_PROXY: "1",
        RATE_LIMIT_CODE_PER_MINUTE: String(CODES_PER_MINUTE),
        RATE_LIMIT_MAIL_PER_HOUR: String(MAILS_PER_HOUR),
        OTP_RESEND_COOLDOWN_SECONDS: "0",
        OTP_MAX_SENDS_PER_HOUR: "1000",
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function register(email: string, ip = nextIp()): Promise<string> {
    const res = await h.call("POST", "/auth/register", { email, password: PASSWORD }, from(ip));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return h.inbox.latestCode(email);
  }

  test("1,000 guessed codes from one IP get only 400 and 429, never a 200, even with the right code among them", async () => {
    const email = uniqueEmail("victim");
    const right = await register(email);
    const attacker = nextIp();

    const results = await fire(h, [email], guesses(1000, right, 600), from(attacker));

    expect(results).toHaveLength(1000);
    expect(results.filter((res) => res.status === 200)).toEqual([]);
    expect(new Set(results.map((res) => res.status))).toEqual(new Set([400, 429]));
    const codes = results.map((res) => res.body.code as string);
    // The code's attempt limit bites first (OTP_MAX_ATTEMPTS = 5), the per-IP limit after 20 requests.
    expect(codes.filter((code) => code === "otp_invalid")).toHaveLength(4);
    expect(codes.filter((code) => code !== "rate_limited")).toHaveLength(CODES_PER_MINUTE);
    expect(codes.filter((code) => code === "rate_limited")).toHaveLength(1000 - CODES_PER_MINUTE);
    expect(results[600]!.body.code).toBe("rate_limited");

    // The right code is refused from the attacker's IP, and dead for everyone else too.
    expect((await h.call("POST", "/auth/verify-otp", { email, code: right }, from(attacker))).body.code).toBe("rate_limited");
    expect((await h.call("POST", "/auth/verify-otp", { email, code: right }, from(nextIp()))).body.code).toBe("otp_attempts_exhausted");
    expect(await isVerified(h, email)).toBe(false);
  }, 60_000);

  test("the per-IP limit alone stops guesses spread over many codes: the right one is refused after it bites", async () => {
    // Two guesses per code in the first 20 requests: no code's own attempt limit is reached.
    const victims = Array.from({ length: 10 }, () => uniqueEmail("victim"));
    const rights = await Promise.all(victims.map((email) => register(email)));
    const attacker = nextIp();
    // Guess 503 goes to victims[3] (503 % 10) and is its right code.
    const codes = Array.from({ length: 1000 }, (_, i) => (i === 503 ? rights[3]! : String(999_999 - i)));

    const results = await fire(h, victims, codes, from(attacker));

    expect(results.filter((res) => res.status === 200)).toEqual([]);
    const answers = results.map((res) => res.body.code as string);
    expect(answers.slice(0, CODES_PER_MINUTE).every((code) => code === "otp_invalid")).toBe(true);
    expect(answers.slice(CODES_PER_MINUTE).every((code) => code === "rate_limited")).toBe(true);
    expect(answers[503]).toBe("rate_limited");
    expect((await h.call("POST", "/auth/verify-otp", { email: victims[3], code: rights[3] }, from(attacker))).status).toBe(429);
    expect(await isVerified(h, victims[3]!)).toBe(false);

    // The code itself is still good: its owner, from their own IP, verifies with it.
    const owner = await h.call("POST", "/auth/verify-otp", { email: victims[3], code: rights[3] }, from(nextIp()));
    expect(owner.status).toBe(200);
  }, 60_000);

  test("registering in a loop sends at most RATE_LIMIT_MAIL_PER_HOUR mails, counted at the SMTP server", async () => {
    const bomber = nextIp();
    const victim = uniqueEmail("victim");
    const before = h.inbox.messages.length;

    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const email = i % 2 === 0 ? victim : uniqueEmail("other");
      statuses.push((await h.call("POST", "/auth/register", { email, password: PASSWORD }, from(bomber))).status);
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(MAILS_PER_HOUR);
    expect(statuses.slice(MAILS_PER_HOUR).every((status) => status === 429)).toBe(true);
    expect(h.inbox.messages.length - before).toBe(MAILS_PER_HOUR);
  }, 60_000);

  test("resending in a loop sends at most RATE_LIMIT_MAIL_PER_HOUR mails, counted at the SMTP server", async () => {
    const victim = uniqueEmail("victim");
    await register(victim);
    const bomber = nextIp();
    const before = h.inbox.messages.length;

    const results = await Promise.all(
      Array.from({ length: 40 }, () => h.call("POST", "/auth/resend-otp", { email: victim }, from(bomber))),
    );
    expect(results.filter((res) => res.status === 200)).toHaveLength(MAILS_PER_HOUR);
    expect(results.filter((res) => res.status === 429).every((res) => res.body.code === "rate_limited")).toBe(true);
    expect(h.inbox.messages.length - before).toBe(MAILS_PER_HOUR);
    expect(h.inbox.mailTo(victim)).toHaveLength(1 + MAILS_PER_HOUR);
  }, 60_000);
});
