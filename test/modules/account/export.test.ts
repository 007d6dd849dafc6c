import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";

let h: Harness;

describe.each(CORE_BACKENDS)("GET /auth/account/export (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("returns everything held about the signed-in person, and only theirs, without a secret", async () => {
    const email = uniqueEmail("export");
    const tokens = await h.signUp(email);
    await h.logIn(email);
    await h.signUp(uniqueEmail("someone-else"));
    const [user] = await h.rows<{ id: number; password_hash: string }>(sql`select id, password_hash from users where email = ${email}`);
    const id = user!.id;
    await h.rows(
      sql`insert into oauth_accounts (provider, provider_user_id, user_id, email) values ('github', ${`gh-${id}`}, ${id}, ${email})`,
    );
    await h.rows(
      sql`insert into passkeys (id, user_id, public_key, transports, device_type, backed_up, name)
          values (${`cred-${id}`}, ${id}, 'PUBLIC-KEY-MUST-NOT-LEAK', 'internal,hybrid', 'multiDevice', true, 'Laptop')`,
    );
    await h.rows(sql`insert into user_mfa (user_id, secret, enabled_at) values (${id}, 'SEALED-SECRET-MUST-NOT-LEAK', now())`);
    await h.rows(sql`insert into mfa_recovery_codes (code_hash, user_id) values (${`hash-a-${id}`}, ${id}), (${`hash-b-${id}`}, ${id})`);
    await h.rows(sql`update mfa_recovery_codes set used_at = now() where code_hash = ${`hash-a-${id}`}`);

    const res = await h.callAs(tokens.access_token, "GET", "/auth/account/export");
    expect(res.status).toBe(200);
    const data = res.body;
    expect(data.profile).toMatchObject({ id, email, is_verified: true, has_password: true, auth_provider: "local", deletion_due_at: null });
    expect(data.oauth_accounts).toEqual([{ provider: "github", provider_user_id: `gh-${id}`, email, created_at: expect.any(String) }]);
    expect(data.email_changes).toEqual([]);
    expect(data.sessions).toHaveLength(2);
    expect(data.sessions[0]).toMatchObject({ revoked_at: null });
    expect(data.second_factors.authenticator_app).toMatchObject({ enabled_at: expect.any(String) });
    expect(data.second_factors.recovery_codes).toEqual({ total: 2, unused: 1 });
    expect(data.second_factors.passkeys).toEqual([
      {
        id: `cred-${id}`,
        name: "Laptop",
        device_type: "multiDevice",
        backed_up: true,
        transports: ["internal", "hybrid"],
        created_at: expect.any(String),
        last_used_at: null,
      },
    ]);
    const events = data.audit_events.map((event: { event: string }) => event.event);
    for (const event of ["register", "verify_otp", "login"]) expect(events).toContain(event);

    const text = JSON.stringify(data);
    for (const secret of [
      "PUBLIC-KEY-MUST-NOT-LEAK",
      "SEALED-SECRET-MUST-NOT-LEAK",
      `hash-a-${id}`,
      user!.password_hash,
      tokens.refresh_token,
    ])
      expect(text).not.toContain(secret);
    expect(text).not.toContain("someone-else");
  });

  test("needs a signed-in session", async () => {
    expect((await h.call("GET", "/auth/account/export")).status).toBe(401);
  });
});
