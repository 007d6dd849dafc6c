import { describe, expect, test } from "bun:test";
import { ADMIN_ENV, adminSuite, basicAuth } from "../../support/admin";
import { CORE_BACKENDS } from "../../support/harness";
import { routesFromOpenApi } from "../../support/openapi-routes";

/** A request each admin route accepts from an admin, so a refusal can only come from the role check. */
const VALID: Record<string, { body?: unknown; query?: string }> = {
  "GET /auth/admin/users": { query: "?q=example" },
  "POST /auth/admin/users": { body: { email: "never-created@example.com" } },
  "GET /auth/admin/users/{id}": {},
  "PUT /auth/admin/users/{id}": { body: { is_active: false, role: "admin" } },
  "DELETE /auth/admin/users/{id}": {},
  "DELETE /auth/admin/users/{id}/mfa": {},
  "DELETE /auth/admin/users/{id}/sessions": {},
  "DELETE /auth/admin/users/{id}/sessions/{session_id}": {},
  "POST /auth/admin/users/{id}/verification": {},
  "POST /auth/admin/users/{id}/password-reset": {},
  "GET /auth/admin/audit": {},
  "GET /auth/admin/audit/events": {},
  "GET /auth/admin/audit/export": {},
  "GET /auth/admin/activity": {},
  "GET /auth/admin/health": {},
  "GET /auth/admin/webhooks/endpoints": {},
  "POST /auth/admin/webhooks/endpoints": { body: { url: "https://hooks.example.com/otp" } },
  "DELETE /auth/admin/webhooks/endpoints/{id}": {},
  "GET /auth/admin/webhooks/deliveries": {},
  "POST /auth/admin/webhooks/deliveries/{id}/retry": {},
};

describe.each(CORE_BACKENDS)("admin roles over HTTP (%s)", (backend) => {
  const s = adminSuite(backend, { ADMIN_SESSION_MINUTES: "5" });

  /** Every admin route of the OpenAPI document, with the request of VALID filled in for `victimId`. */
  async function adminRequests(victimId: number) {
    const document = (await s.http("GET", "/docs/json")).body;
    const routes = routesFromOpenApi(document).filter((route) => route.path.startsWith("/auth/admin"));
    return routes.map((route) => {
      const valid = VALID[route.name];
      if (!valid) throw new Error(`${route.name} has no request in VALID: add one, so its role check is tested`);
      expect(route.auth).toBe("admin");
      const path = route.path
        .replace("/users/{id}", `/users/${victimId}`)
        .replace("{session_id}", crypto.randomUUID())
        .replace("endpoints/{id}", `endpoints/${crypto.randomUUID()}`)
        .replace("deliveries/{id}", "deliveries/1");
      return { name: route.name, method: route.method, path: path + (valid.query ?? ""), body: valid.body };
    });
  }

  test("a signed-in user without the role gets 403 admin_required from every admin route, and changes nothing", async () => {
    const user = await s.newUser("plain");
    const victim = await s.newUser("victim");
    const requests = await adminRequests(victim.id);
    expect(requests.length).toBe(Object.keys(VALID).length);
    for (const { name, method, path, body } of requests) {
      const res = await s.http(method, path, body, user.token);
      expect({ name, status: res.status, body: res.body }).toEqual({
        name,
        status: 403,
        body: { detail: "This account is not an administrator.", code: "admin_required" },
      });
    }
    // The victim is untouched and still signed in; the caller did not become an admin.
    expect((await s.http("GET", "/auth/me", undefined, victim.token)).body).toMatchObject({ is_active: true, role: "user" });
    expect((await s.http("GET", "/auth/me", undefined, user.token)).body.role).toBe("user");
  });

  test("an admin's bearer token works on the admin API; Basic keeps working for scripts", async () => {
    const admin = await s.newAdmin();
    expect((await s.http("GET", "/auth/me", undefined, admin.token)).body.role).toBe("admin");
    const listed = await s.http("GET", `/auth/admin/users?q=${encodeURIComponent(admin.email)}`, undefined, admin.token);
    expect(listed.status).toBe(200);
    expect(listed.body.users).toEqual([expect.objectContaining({ id: admin.id, role: "admin", mfa_enabled: false })]);
    expect((await s.http("GET", "/auth/admin/users?limit=1", undefined, basicAuth())).status).toBe(200);
    const wrongBasic = await s.http("GET", "/auth/admin/users", undefined, basicAuth(ADMIN_ENV.ADMIN_EMAIL, "not it"));
    expect(wrongBasic.status).toBe(401);
    expect(wrongBasic.body.code).toBe("invalid_admin_credentials");
  });

  test("taking the role back refuses a token issued before, on its next request; granting it again restores it", async () => {
    const admin = await s.newAdmin("revoked-admin");
    expect((await s.http("GET", "/auth/admin/audit?limit=1", undefined, admin.token)).status).toBe(200);
    const taken = await s.http("PUT", `/auth/admin/users/${admin.id}`, { role: "user" }, basicAuth());
    expect(taken.body.role).toBe("user");
    const refused = await s.http("GET", "/auth/admin/audit?limit=1", undefined, admin.token);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("admin_required");
    // Still a valid token for everything else, and /auth/me says the new role at once (no stale cached profile).
    expect((await s.http("GET", "/auth/me", undefined, admin.token)).body.role).toBe("user");
    await s.http("PUT", `/auth/admin/users/${admin.id}`, { role: "admin" }, basicAuth());
    expect((await s.http("GET", "/auth/admin/audit?limit=1", undefined, admin.token)).status).toBe(200);
  });

  test("a disabled admin's token stops working at once; so does one of a deleted admin", async () => {
    const admin = await s.newAdmin("disabled-admin");
    const other = await s.newAdmin("deleted-admin");
    await s.http("PUT", `/auth/admin/users/${admin.id}`, { is_active: false }, basicAuth());
    const res = await s.http("GET", "/auth/admin/users?limit=1", undefined, admin.token);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("invalid_token");
    // Enabled again, the old session stays ended: a new sign-in is needed.
    await s.http("PUT", `/auth/admin/users/${admin.id}`, { is_active: true }, basicAuth());
    expect((await s.http("GET", "/auth/admin/users?limit=1", undefined, admin.token)).status).toBe(401);
    await s.http("DELETE", `/auth/admin/users/${other.id}`, undefined, basicAuth());
    expect((await s.http("GET", "/auth/admin/users?limit=1", undefined, other.token)).status).toBe(401);
  });

  test("a forged, garbled or ended token is 401 invalid_token, never Basic's challenge", async () => {
    const admin = await s.newAdmin("logged-out");
    await s.http("POST", "/auth/logout", undefined, admin.token);
    for (const auth of [admin.token, `${admin.token.slice(0, -2)}xx`, "Bearer not-a-token", `Bearer ${ADMIN_ENV.ADMIN_PASSWORD}`]) {
      const res = await s.http("GET", "/auth/admin/users", undefined, auth);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("invalid_token");
      expect(res.headers.get("www-authenticate")).toStartWith("Bearer");
    }
  });

  test("an admin session lasts ADMIN_SESSION_MINUTES from its sign-in on the admin API; the session itself goes on", async () => {
    const admin = await s.newAdmin("short");
    s.h.clock.advance(4 * 60_000);
    expect((await s.http("GET", "/auth/admin/health", undefined, admin.token)).status).toBe(200);
    s.h.clock.advance(2 * 60_000);
    const old = await s.http("GET", "/auth/admin/health", undefined, admin.token);
    expect(old.status).toBe(401);
    expect(old.body).toEqual({ detail: "The admin session has expired. Sign in again.", code: "admin_session_expired" });
    expect((await s.http("GET", "/auth/me", undefined, admin.token)).status).toBe(200);
    // A new sign-in is a new session, accepted again.
    const fresh = (await s.h.logIn(admin.email)).access_token;
    expect((await s.http("GET", "/auth/admin/health", undefined, fresh)).status).toBe(200);
  });

  test("the ADMIN_EMAIL account is an admin from its creation; its role cannot be taken back", async () => {
    const token = await s.h.createVerifiedUser(ADMIN_ENV.ADMIN_EMAIL);
    const me = (await s.http("GET", "/auth/me", undefined, token)).body;
    expect((await s.http("GET", "/auth/admin/users?limit=1", undefined, token)).status).toBe(200);
    expect((await s.http("GET", "/auth/me", undefined, token)).body.role).toBe("admin");
    const demote = await s.http("PUT", `/auth/admin/users/${me.id}`, { role: "user" }, basicAuth());
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe("admin_role_fixed");
    expect((await s.http("GET", "/auth/admin/users?limit=1", undefined, token)).status).toBe(200);
  });

  test("grants and take-backs are audited with the acting admin's id", async () => {
    const admin = await s.newAdmin("granter");
    const user = await s.newUser("granted");
    expect((await s.http("PUT", `/auth/admin/users/${user.id}`, { role: "admin" }, admin.token)).body.role).toBe("admin");
    expect((await s.http("PUT", `/auth/admin/users/${user.id}`, { role: "user" }, admin.token)).body.role).toBe("user");
    const events = (await s.http("GET", `/auth/admin/audit?user_id=${user.id}&event=admin_user_update`, undefined, admin.token)).body
      .events;
    expect(events.map((e: { detail: string }) => e.detail)).toEqual([`role=user by=${admin.id}`, `role=admin by=${admin.id}`]);
  });
});

test("the role is given to an existing ADMIN_EMAIL account at start-up", async () => {
  const { startHarness } = await import("../../support/harness");
  const first = await startHarness({ backend: "services" });
  try {
    await first.createVerifiedUser("boss@otp-auth.test");
    const second = await startHarness({
      backend: "services",
      database: first.database,
      env: { ADMIN_EMAIL: "Boss@otp-auth.test", ADMIN_PASSWORD: "another long admin password" },
    });
    try {
      const me = await second.callAs((await second.logIn("boss@otp-auth.test")).access_token, "GET", "/auth/me");
      expect(me.body.role).toBe("admin");
    } finally {
      await second.close();
    }
  } finally {
    await first.close();
  }
});
