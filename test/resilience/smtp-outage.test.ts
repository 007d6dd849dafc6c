import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../support/env";
import { startHarness, type CallResult, type Harness } from "../support/harness";
import { startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";
import { startTcpProxy } from "../support/tcp-proxy";

/**
 * The mail server refusing (550), hanging in the middle of a mail, silent from the first byte, or gone.
 * With SMTP_TIMEOUT_SECONDS=1, every route that mails a code before answering gives 503 `email_unavailable`
 * within 2 s (a hanging server answers after SMTP_TIMEOUT_SECONDS); the code nobody received is withdrawn;
 * no account is lost; and the service works normally as soon as mail flows. Forgot-password mails after
 * its answer (200 either way), and withdraws the code of a mail that failed.
 */

const PASSWORD = "smtp-outage-Pa55word!";
const FAST_MS = 2000;

let inbox: SmtpInbox;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let h: Harness;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  proxy = await startTcpProxy("127.0.0.1", inbox.port);
  // Cheap hashes: the test is about mail, and a hash costs more than a refused mail.
  h = await startHarness({
    inbox,
    env: { SMTP_PORT: String(proxy.port), SMTP_TIMEOUT_SECONDS: "1", PASSWORD_MEMORY_KIB: "4096", PASSWORD_TIME_COST: "1" },
  });
}, 30_000);
afterAll(async () => {
  await h?.close();
  proxy?.close();
  await inbox?.close();
});

async function timed(method: string, path: string, body?: unknown): Promise<CallResult & { ms: number }> {
  const started = performance.now();
  const result = await h.call(method, path, body);
  return { ...result, ms: performance.now() - started };
}

function expectMail503(what: string, res: CallResult & { ms: number }) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(503);
  expect(res.body).toEqual({ detail: "The verification email could not be sent. Please try again later.", code: "email_unavailable" });
  expect(res.ms, what).toBeLessThan(FAST_MS);
}

/** The codes waiting in Redis for an address: none may be left after a mail that failed. */
const pendingCodes = async (email: string) => (await h.redisKeys()).filter((key) => key.startsWith(`otp:{${email}}:code:`));

const FAULTS: [string, () => void][] = [
  ["refusing every recipient (550)", () => inbox.refuseMail(true)],
  ["hanging after the recipient is given", () => inbox.delayMail(5000)],
  ["silent from the first byte", () => proxy.stall()],
  ["gone (connections closed at once)", () => proxy.cut()],
];

const heal = () => {
  inbox.refuseMail(false);
  inbox.delayMail(0);
  proxy.restore();
};

describe.each(FAULTS)("the mail server %s", (_, breakMail) => {
  test("503 email_unavailable within 2 s, no code left valid, no account lost, and normal service once mail flows", async () => {
    const verified = uniqueEmail("smtp-verified");
    await h.createVerifiedUser(verified, PASSWORD);
    const fresh = uniqueEmail("smtp-new");
    h.clock.advance(31 * 60_000);
    const failedBefore = h.logs.filter((line) => line.includes("mail failed")).length;

    breakMail();
    try {
      expectMail503("register", await timed("POST", "/auth/register", { email: fresh, password: PASSWORD }));
      expectMail503("resend-otp", await timed("POST", "/auth/resend-otp", { email: fresh }));
      // A correct password past OTP_RECHECK_MINUTES mails a re-check code.
      expectMail503("login re-check", await timed("POST", "/auth/login", { email: verified, password: PASSWORD }));
      // Forgot answers before mailing, whatever happens to the mail.
      const forgot = await timed("POST", "/auth/password/forgot", { email: verified });
      expect(forgot.status).toBe(200);
      expect(forgot.ms).toBeLessThan(FAST_MS);
      const deadline = Date.now() + 5000;
      while (h.logs.filter((line) => line.includes("mail failed")).length < failedBefore + 4 && Date.now() < deadline) await Bun.sleep(20);
      expect(await pendingCodes(fresh)).toEqual([]);
      expect(await pendingCodes(verified)).toEqual([]);
      expect(await h.rows(sql`select email from users where email = ${fresh}`)).toHaveLength(1);
      expect((await h.call("GET", "/health")).status).toBe(200);
    } finally {
      heal();
    }

    // Mail flows again: each address gets a working code at once (a failed mail lifted its cooldown).
    expect((await h.call("POST", "/auth/resend-otp", { email: fresh })).status).toBe(200);
    expect((await h.call("POST", "/auth/verify-otp", { email: fresh, code: h.inbox.latestCode(fresh) })).status).toBe(200);
    const login = await h.call("POST", "/auth/login", { email: verified, password: PASSWORD });
    expect(login.body.code).toBe("otp_required");
    const recheck = await h.call("POST", "/auth/verify-otp", { email: verified, code: h.inbox.latestCode(verified) });
    expect(recheck.status).toBe(200);
    expect((await h.callAs(recheck.body.access_token, "GET", "/auth/me")).status).toBe(200);
  }, 30_000);
});
