import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";

// Each describe below runs once per backend (PostgreSQL + Redis + SMTP, and the embedded defaults).
let h: Harness;
const ADMIN = { ADMIN_EMAIL: "admin@otp-auth.test", ADMIN_PASSWORD: "admin password long enough" };
const GOOD = `Basic ${Buffer.from(`${ADMIN.ADMIN_EMAIL}:${ADMIN.ADMIN_PASSWORD}`).toString("base64")}`;
const PASSWORD = "audit-probe-password";

interface AuditRow {
  event: string;
  outcome: string;
  user_id: number | null;
  email: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: string | null;
}

const auditOf = async (query: string): Promise<{ events: AuditRow[]; next_cursor: string | null }> => {
  const res = await h.call("GET", `/auth/admin/audit?${query}`, undefined, { authorization: GOOD });
  expect(res.status).toBe(200);
  return res.body;
};

describe.each(CORE_BACKENDS)("audit log (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend, env: ADMIN });
  });
  afterAll(() => h.close());

  test("records a person's way through the service, newest first, with outcomes and reasons", async () => {
    const email = uniqueEmail("audited");
    const ua = { "user-agent": "AuditBrowser/1.0" };
    const { otp_token } = (await h.call("POST", "/auth/register", { email, password: PASSWORD }, ua)).body;
    const code = h.inbox.latestCode(email);
    await h.call("POST", "/auth/verify-otp", { email, code: code === "000000" ? "111111" : "000000" }, ua);
    const verified = await h.call("POST", "/auth/verify-otp", { email, code, otp_token }, ua);
    await h.call("POST", "/auth/login", { email, password: "wrong password" }, ua);
    const login = await h.call("POST", "/auth/login", { email, password: PASSWORD }, ua);
    await h.callAs(login.body.access_token, "POST", "/auth/password/change", {
      current_password: PASSWORD,
      new_password: "a new audit password",
    });
    await h.callAs(login.body.access_token, "POST", "/auth/logout");
    const userId = (await h.callAs(verified.body.access_token, "GET", "/auth/me")).body.id ?? null;

    // The password notice leaves after the answer; its entry follows when the mail server accepted it.
    await h.inbox.waitForMail(email, 2);
    let { events } = await auditOf(`email=${encodeURIComponent(email)}`);
    for (let tries = 0; events.length < 8 && tries < 100; tries++) {
      await Bun.sleep(20);
      ({ events } = await auditOf(`email=${encodeURIComponent(email)}`));
    }
    const trail = events.map((e) => `${e.event}:${e.outcome}${e.detail ? `:${e.detail}` : ""}`).reverse();
    expect(trail).toEqual([
      "code_sent:success:register",
      "register:success",
      "verify_otp:failure:register: otp_invalid",
      "verify_otp:success:register",
      "login:failure:invalid_credentials",
      "login:success",
      "password_change:success",
      "code_sent:success:password_changed",
    ]);
    expect(events.find((e) => e.event === "register")).toMatchObject({ user_agent: "AuditBrowser/1.0", email });
    expect(events.filter((e) => e.event !== "code_sent").every((e) => e.user_id !== null)).toBe(true);
    expect(userId).toBeNull(); // The access token from verify-otp was ended by the password change.

    // Session ends carry no email; they are found by user id.
    const id = events.find((e) => e.event === "login" && e.outcome === "success")!.user_id!;
    const byUser = await auditOf(`user_id=${id}&event=session_revoked`);
    expect(byUser.events.map((e) => e.detail)).toEqual(["logout", "password_change: 1"]);
  });

  test("records the re-check, refresh token reuse, resets and admin actions", async () => {
    const email = uniqueEmail("audited");
    const tokens = await h.signUp(email, PASSWORD);
    const rotated = (await h.call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token })).body;
    await h.call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token });
    h.clock.advance(31 * 60_000);
    await h.call("POST", "/auth/login", { email, password: PASSWORD });
    const id = (await auditOf(`email=${encodeURIComponent(email)}&event=register`)).events[0]!.user_id!;
    await h.call("PUT", `/auth/admin/users/${id}`, { is_active: false }, { authorization: GOOD });
    await h.call("GET", "/auth/admin/users", undefined, {
      authorization: `Basic ${Buffer.from("admin@otp-auth.test:guess").toString("base64")}`,
    });

    const mine = (await auditOf(`user_id=${id}`)).events.map((e) => `${e.event}:${e.outcome}:${e.detail}`);
    expect(mine).toContain("refresh_token_reused:failure:session ended");
    expect(mine).toContain("session_revoked:success:refresh_token_reused");
    expect(mine).toContain("recheck_required:success:null");
    expect(mine).toContain("admin_user_update:success:is_active=false by=basic");
    expect(rotated.refresh_token).toBeString();
    const refused = (await auditOf("event=admin_auth")).events;
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ outcome: "failure", email: null });
  });

  test("pages go from newest to oldest without overlap", async () => {
    for (let i = 0; i < 3; i++) await h.call("POST", "/auth/login", { email: uniqueEmail("paging"), password: PASSWORD });
    const first = await auditOf("event=login&limit=2");
    expect(first.events).toHaveLength(2);
    const second = await auditOf(`event=login&limit=2&cursor=${first.next_cursor}`);
    expect(second.events.length).toBeGreaterThan(0);
    const ids = [...first.events, ...second.events].map((e) => (e as unknown as { id: number }).id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    expect((await h.call("GET", "/auth/admin/audit?event=nonsense", undefined, { authorization: GOOD })).status).toBe(422);
    expect((await h.call("GET", "/auth/admin/audit")).status).toBe(401);
  });

  test("holds no password, code or token", async () => {
    const email = uniqueEmail("secrets");
    const tokens = await h.signUp(email, PASSWORD);
    const code = h.inbox.latestCode(email);
    const next = (await h.call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token })).body;
    await h.deps.audit.flush();
    const dump = JSON.stringify(await h.rows(sql`select * from audit_events`));
    for (const secret of [
      PASSWORD,
      code,
      tokens.access_token,
      tokens.refresh_token,
      next.refresh_token,
      next.access_token,
      h.config.SECRET_KEY,
    ]) {
      expect(dump).not.toContain(secret);
    }
  });
});
