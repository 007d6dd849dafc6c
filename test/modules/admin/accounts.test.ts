import { describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { adminSuite, basicAuth } from "../../support/admin";
import { uniqueId } from "../../support/env";
import { CORE_BACKENDS } from "../../support/harness";

describe.each(CORE_BACKENDS)("the console's user API (%s)", (backend) => {
  const s = adminSuite(backend);

  test("searches and filters users: unverified, disabled, provider; rows carry second factor and last sign-in", async () => {
    const tag = `filter${uniqueId()}`;
    const admin = await s.newAdmin();
    const verified = await s.newUser(`${tag}-on`);
    await s.http("POST", "/auth/register", { email: `${tag}-pending@example.com`, password: "correct horse battery" });
    const disabled = await s.newUser(`${tag}-off`);
    await s.http("PUT", `/auth/admin/users/${disabled.id}`, { is_active: false }, admin.token);
    await s.h.rows(sql`insert into user_mfa (user_id, secret, enabled_at) values (${verified.id}, 'sealed', now())`);

    const list = async (query: string) =>
      (await s.http("GET", `/auth/admin/users?q=${tag}${query}`, undefined, admin.token)).body.users.map((u: { email: string }) =>
        u.email.replace(`${tag}-`, "").replace(/[-@].*$/, ""),
      );
    expect(await list("")).toEqual(["on", "pending", "off"]);
    expect(await list("&status=unverified")).toEqual(["pending"]);
    expect(await list("&status=disabled")).toEqual(["off"]);
    expect(await list("&provider=github")).toEqual([]);
    expect(await list("&provider=local")).toHaveLength(3);

    const rows = (await s.http("GET", `/auth/admin/users?q=${tag}`, undefined, admin.token)).body.users;
    expect(rows[0]).toMatchObject({ id: verified.id, mfa_enabled: true, is_verified: true, auth_provider: "local", role: "user" });
    // Their sign-up opened a session at the fake clock's time.
    expect(Date.parse(rows[0].last_sign_in_at)).toBeLessThanOrEqual(s.h.clock.now());
    expect(Date.parse(rows[0].last_sign_in_at)).toBeGreaterThan(s.h.clock.now() - 3_600_000);
    expect(rows[1]).toMatchObject({ is_verified: false, mfa_enabled: false, last_sign_in_at: null });
    for (const bad of ["status=everyone", "provider=Git%20Hub", "limit=0"]) {
      expect((await s.http("GET", `/auth/admin/users?${bad}`, undefined, admin.token)).status).toBe(422);
    }
  });

  test("one user's detail: linked accounts and live sessions; ending one session, then all, stops their tokens at once", async () => {
    const admin = await s.newAdmin();
    const user = await s.newUser("sessions");
    const second = (await s.h.logIn(user.email)).access_token;
    await s.h.rows(
      sql`insert into oauth_accounts (provider, provider_user_id, user_id, email) values ('github', ${uniqueId()}, ${user.id}, ${user.email})`,
    );
    const detail = await s.http("GET", `/auth/admin/users/${user.id}`, undefined, admin.token);
    expect(detail.status).toBe(200);
    expect(detail.body.user).toMatchObject({ id: user.id, email: user.email, is_disabled: false });
    expect(detail.body.oauth_accounts).toEqual([{ provider: "github", email: user.email, created_at: expect.any(String) }]);
    expect(detail.body.sessions).toHaveLength(2);

    const first = detail.body.sessions.find((session: { id: string }) => session.id) as { id: string };
    const ended = await s.http("DELETE", `/auth/admin/users/${user.id}/sessions/${first.id}`, undefined, admin.token);
    expect(ended.status).toBe(200);
    expect((await s.http("DELETE", `/auth/admin/users/${user.id}/sessions/${first.id}`, undefined, admin.token)).status).toBe(404);
    // Someone else's session id under this user is not found either.
    const otherUser = await s.newUser("other");
    const otherSession = (await s.http("GET", `/auth/admin/users/${otherUser.id}`, undefined, admin.token)).body.sessions[0].id;
    expect((await s.http("DELETE", `/auth/admin/users/${user.id}/sessions/${otherSession}`, undefined, admin.token)).status).toBe(404);
    expect((await s.http("GET", "/auth/me", undefined, otherUser.token)).status).toBe(200);

    const all = await s.http("DELETE", `/auth/admin/users/${user.id}/sessions`, undefined, admin.token);
    expect(all.body).toEqual({ message: "Sessions ended.", ended: 1 });
    for (const token of [user.token, second]) expect((await s.http("GET", "/auth/me", undefined, token)).status).toBe(401);
    expect((await s.http("GET", `/auth/admin/users/${user.id}`, undefined, admin.token)).body.sessions).toEqual([]);
    expect((await s.http("GET", "/auth/admin/users/2147483647", undefined, admin.token)).status).toBe(404);

    const audit = (await s.http("GET", `/auth/admin/audit?user_id=${user.id}&event=admin_sessions_revoke`, undefined, admin.token)).body
      .events;
    expect(audit.map((e: { detail: string; outcome: string }) => `${e.outcome}:${e.detail}`)).toEqual([
      `success:all by=${admin.id}`,
      `failure:one by=${admin.id}: session_not_found`,
      `failure:one by=${admin.id}: session_not_found`,
      `success:one by=${admin.id}`,
    ]);
  });

  test("resends a verification code to an unverified user only, under the address's own cooldown", async () => {
    const admin = await s.newAdmin();
    const email = `resend-${uniqueId()}@example.com`;
    await s.http("POST", "/auth/register", { email, password: "correct horse battery" });
    await s.h.inbox.waitForMail(email, 1);
    const id = (await s.http("GET", `/auth/admin/users?q=${email}`, undefined, admin.token)).body.users[0].id;
    // The registration's mail just left: the cooldown counts for the admin too.
    const early = await s.http("POST", `/auth/admin/users/${id}/verification`, undefined, admin.token);
    expect(early.status).toBe(429);
    expect(early.body.code).toBe("otp_cooldown");
    s.h.clock.advance(61_000);
    const sent = await s.http("POST", `/auth/admin/users/${id}/verification`, undefined, admin.token);
    expect(sent.body).toEqual({ message: "Verification code sent." });
    await s.h.inbox.waitForMail(email, 2);
    expect((await s.http("POST", "/auth/verify-otp", { email, code: s.h.inbox.latestCode(email) })).status).toBe(200);
    const again = await s.http("POST", `/auth/admin/users/${id}/verification`, undefined, admin.token);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("already_verified");
  });

  test("starts a password reset by mail; refused for an account an admin disabled", async () => {
    const admin = await s.newAdmin();
    const user = await s.newUser("reset");
    const before = s.h.inbox.mailTo(user.email).length;
    s.h.clock.advance(61_000); // past the cooldown of the sign-up's code
    const started = await s.http("POST", `/auth/admin/users/${user.id}/password-reset`, undefined, admin.token);
    expect(started.body).toEqual({ message: "Password reset code sent." });
    await s.h.inbox.waitForMail(user.email, before + 1);
    const code = s.h.inbox.latestCode(user.email);
    const reset = await s.http("POST", "/auth/password/reset", { email: user.email, code, new_password: "a brand new password" });
    expect(reset.status).toBe(200);
    await s.http("PUT", `/auth/admin/users/${user.id}`, { is_active: false }, basicAuth());
    s.h.clock.advance(61_000);
    const refused = await s.http("POST", `/auth/admin/users/${user.id}/password-reset`, undefined, admin.token);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("account_disabled");
  });

  test("disable, enable and delete are audited with the admin's id; the disabled user's token stops at once", async () => {
    const admin = await s.newAdmin();
    const user = await s.newUser("disable");
    await s.http("PUT", `/auth/admin/users/${user.id}`, { is_active: false }, admin.token);
    expect((await s.http("GET", "/auth/me", undefined, user.token)).status).toBe(401);
    await s.http("PUT", `/auth/admin/users/${user.id}`, { is_active: true }, admin.token);
    await s.http("DELETE", `/auth/admin/users/${user.id}`, undefined, admin.token);
    const trail = (await s.http("GET", `/auth/admin/audit?user_id=${user.id}&event=admin_user_update`, undefined, admin.token)).body.events;
    expect(trail.map((e: { detail: string }) => e.detail)).toEqual([`is_active=true by=${admin.id}`, `is_active=false by=${admin.id}`]);
    const deleted = (await s.http("GET", `/auth/admin/audit?user_id=${user.id}&event=admin_user_delete`, undefined, admin.token)).body
      .events;
    expect(deleted[0]).toMatchObject({ outcome: "success", detail: `by=${admin.id}` });
  });
});
