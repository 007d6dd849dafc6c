import { describe, expect, test } from "bun:test";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS } from "../support/harness";
import { servedForSuite } from "../support/listening";

/** An administrator's disable sticks: registering again, verifying or resetting never switches the account back on. */

const ADMIN = { ADMIN_EMAIL: "admin@otp-auth.test", ADMIN_PASSWORD: "admin password long enough" };
const AS_ADMIN = { authorization: `Basic ${Buffer.from(`${ADMIN.ADMIN_EMAIL}:${ADMIN.ADMIN_PASSWORD}`).toString("base64")}` };
const PASSWORD = "correct horse battery";

describe.each(CORE_BACKENDS)("an admin's disable (%s)", (backend) => {
  const suite = servedForSuite({ backend, env: ADMIN });

  const post = (path: string, body: unknown) => suite.server.http("POST", path, body);

  async function disable(email: string) {
    const { body } = await suite.server.http("GET", `/auth/admin/users?q=${encodeURIComponent(email)}`, undefined, AS_ADMIN);
    const id = body.users[0].id;
    expect(body.users.map((user: { email: string }) => user.email)).toEqual([email]);
    expect((await suite.server.http("PUT", `/auth/admin/users/${id}`, { is_active: false }, AS_ADMIN)).status).toBe(200);
    return id as number;
  }

  async function mailedCode(email: string, request: () => Promise<{ status: number }>) {
    suite.h.clock.advance(61_000);
    const before = suite.h.inbox.mailTo(email).length;
    const answer = await request();
    if (answer.status >= 300) return { answer, code: null };
    await Bun.sleep(50); // forgot mails after the answer, if at all
    return { answer, code: suite.h.inbox.mailTo(email).length > before ? suite.h.inbox.latestCode(email) : null };
  }

  test("a disabled unverified account stays disabled through registering again and verifying", async () => {
    const email = uniqueEmail("disabled-unverified");
    await post("/auth/register", { email, password: PASSWORD });
    await disable(email);
    const again = await mailedCode(email, () => post("/auth/register", { email, password: PASSWORD }));
    expect(again.answer.status).toBe(201);
    const registration = (again.answer as { body?: any }).body;
    const verified = await post("/auth/verify-otp", { email, code: again.code, otp_token: registration.otp_token });
    expect(verified.status).toBe(403);
    expect(verified.body.code).toBe("account_disabled");
    expect((await post("/auth/login", { email, password: PASSWORD })).body.code).toBe("account_disabled");
  });

  test("a disabled account gets no reset code, and no reset switches it on", async () => {
    for (const verified of [false, true]) {
      const email = uniqueEmail(verified ? "disabled-verified" : "disabled-pending");
      if (verified) await suite.h.signUp(email, PASSWORD);
      else await post("/auth/register", { email, password: PASSWORD });
      await disable(email);
      const forgot = await mailedCode(email, () => post("/auth/password/forgot", { email }));
      expect(forgot.answer.status).toBe(200);
      expect(forgot.code).toBeNull();
      const guess = await post("/auth/password/reset", { email, code: "123456", new_password: "a new password" });
      expect(guess.status).toBe(400);
      expect((await post("/auth/login", { email, password: PASSWORD })).status).not.toBe(200);
    }
  });

  test("an admin's enable switches it back on", async () => {
    const email = uniqueEmail("re-enabled");
    await suite.h.signUp(email, PASSWORD);
    const id = await disable(email);
    expect((await post("/auth/login", { email, password: PASSWORD })).body.code).toBe("account_disabled");
    expect((await suite.server.http("PUT", `/auth/admin/users/${id}`, { is_active: true }, AS_ADMIN)).status).toBe(200);
    expect((await post("/auth/login", { email, password: PASSWORD })).status).toBe(200);
  });
});
