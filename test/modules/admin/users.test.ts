import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail, uniqueId } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";

// Each describe below runs once per backend (PostgreSQL + Redis + SMTP, and the embedded defaults).
let h: Harness;
const ADMIN = { ADMIN_EMAIL: "admin@otp-auth.test", ADMIN_PASSWORD: "admin password long enough" };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const GOOD = basic(ADMIN.ADMIN_EMAIL, ADMIN.ADMIN_PASSWORD);

const admin = <T = any>(method: string, path: string, body?: unknown, authorization = GOOD) =>
  h.call<T>(method, `/auth/admin${path}`, body, { authorization });

describe.each(CORE_BACKENDS)("admin API (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend, env: ADMIN });
  });
  afterAll(() => h.close());

  test("wrong or missing credentials are 401 with a Basic challenge, on every route", async () => {
    const wrong = [
      undefined,
      basic(ADMIN.ADMIN_EMAIL, "admin password long enougH"),
      basic("someone@otp-auth.test", ADMIN.ADMIN_PASSWORD),
      basic(ADMIN.ADMIN_EMAIL, ""),
      "Basic not-base64!",
    ];
    const routes: [string, string, unknown?][] = [
      ["GET", "/users"],
      ["POST", "/users", { email: uniqueEmail() }],
      ["PUT", "/users/1", { is_active: false }],
      ["DELETE", "/users/1"],
    ];
    for (const [method, path, body] of routes) {
      for (const authorization of wrong) {
        const res = await h.call(`${method}`, `/auth/admin${path}`, body, authorization ? { authorization } : {});
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ detail: "Invalid admin credentials.", code: "invalid_admin_credentials" });
        expect(res.headers.get("www-authenticate")).toStartWith("Basic realm=");
      }
    }
  });

  test("creates a user in the original's shape; a taken email is 409", async () => {
    const email = uniqueEmail("Created").toUpperCase();
    const res = await admin("POST", "/users", { email, password: "their first password" });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(["auth_provider", "created_at", "email", "id", "is_active", "is_verified", "role"]);
    expect(res.body).toMatchObject({ email: email.toLowerCase(), is_active: true, is_verified: true, auth_provider: "local" });
    const again = await admin("POST", "/users", { email });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("email_taken");
    // Verified by the admin, but the address was never proven with a code: the first login asks for one.
    const login = await h.call("POST", "/auth/login", { email, password: "their first password" });
    expect(login.body.code).toBe("otp_required");
    const code = h.inbox.latestCode(email.toLowerCase());
    expect((await h.call("POST", "/auth/verify-otp", { email, code })).status).toBe(200);
  });

  test("a user created without a password is told to set one with Forgot password", async () => {
    const email = uniqueEmail();
    expect((await admin("POST", "/users", { email, is_active: true, is_verified: false })).body.is_verified).toBe(false);
    const login = await h.call("POST", "/auth/login", { email, password: "anything at all" });
    expect(login.status).toBe(400);
    expect(login.body.code).toBe("password_not_set");
  });

  test("lists users a page at a time with a cursor, and searches by email", async () => {
    const tag = `page${uniqueId()}`;
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await admin("POST", "/users", { email: `${tag}-${i}@Example.com` })).body);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await admin("GET", `/users?limit=2&q=${tag.toUpperCase()}${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.users.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.users.map((u: { id: number }) => u.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(created.map((u) => u.id));
    expect(pages).toBe(3);
    // A search is literal text: `%` and `_` match only themselves.
    expect((await admin("GET", `/users?q=${encodeURIComponent("%")}`)).body.users).toEqual([]);
    expect((await admin("GET", "/users?limit=0")).status).toBe(422);
    expect((await admin("GET", "/users?cursor=abc")).status).toBe(422);
    // Beyond any user id, or a NUL that PostgreSQL text cannot hold: 422, never a failed query.
    for (const query of ["cursor=2147483648", "cursor=999999999999999999", "q=a%00b"]) {
      const res = await admin("GET", `/users?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.code).toBe("validation_failed");
    }
    expect((await admin("GET", "/users?cursor=2147483647")).body).toEqual({ users: [], next_cursor: null });
  });

  test("updates email, password and flags; unknown ids are 404 and taken emails 409", async () => {
    const user = (await admin("POST", "/users", { email: uniqueEmail() })).body;
    const other = (await admin("POST", "/users", { email: uniqueEmail() })).body;
    const newEmail = uniqueEmail("renamed");
    const res = await admin("PUT", `/users/${user.id}`, { email: newEmail, is_verified: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, email: newEmail, is_verified: false, is_active: true });
    expect((await admin("PUT", `/users/${user.id}`, { email: other.email })).status).toBe(409);
    expect((await admin("PUT", "/users/999999", { is_active: false })).status).toBe(404);
    expect((await admin("PUT", `/users/${user.id}`, {})).status).toBe(422);
    expect((await admin("PUT", "/users/abc", { is_active: false })).status).toBe(422);
    const short = await admin("PUT", `/users/${user.id}`, { password: "short" });
    expect(short.status).toBe(422);
    expect(JSON.stringify(short.body)).not.toContain('short"');
  });

  test("disabling a user makes their tokens fail at once and refuses login", async () => {
    const email = uniqueEmail();
    const tokens = await h.signUp(email);
    const id = (await h.callAs(tokens.access_token, "GET", "/auth/me")).body.id;
    expect((await admin("PUT", `/users/${id}`, { is_active: false })).body.is_active).toBe(false);
    expect((await h.callAs(tokens.access_token, "GET", "/auth/me")).status).toBe(401);
    expect((await h.call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token })).status).toBe(401);
    const login = await h.call("POST", "/auth/login", { email, password: "correct horse battery" });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe("account_disabled");
    // Enabled again, the person signs in anew; the old session stays ended.
    await admin("PUT", `/users/${id}`, { is_active: true });
    expect((await h.call("POST", "/auth/login", { email, password: "correct horse battery" })).status).toBe(200);
    expect((await h.call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token })).status).toBe(401);
  });

  test("a password set by the admin ends the user's sessions", async () => {
    const email = uniqueEmail();
    const tokens = await h.signUp(email);
    const id = (await h.callAs(tokens.access_token, "GET", "/auth/me")).body.id;
    await admin("PUT", `/users/${id}`, { password: "set by the admin" });
    expect((await h.callAs(tokens.access_token, "GET", "/auth/me")).status).toBe(401);
    expect((await h.call("POST", "/auth/login", { email, password: "set by the admin" })).status).toBe(200);
  });

  test("deleting a user removes their sessions and OAuth links and ends their tokens", async () => {
    const email = uniqueEmail();
    const tokens = await h.signUp(email);
    const id = (await h.callAs(tokens.access_token, "GET", "/auth/me")).body.id;
    await h.rows(
      sql`insert into oauth_accounts (provider, provider_user_id, user_id, email) values ('github', ${`gh-${id}`}, ${id}, ${email})`,
    );
    const res = await admin("DELETE", `/users/${id}`);
    expect(res.status).toBe(200);
    expect((await h.callAs(tokens.access_token, "GET", "/auth/me")).status).toBe(401);
    expect((await h.call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token })).status).toBe(401);
    const [left] = await h.rows<{ sessions: number; links: number }>(sql`select
      (select count(*)::int from sessions where user_id = ${id}) as sessions,
      (select count(*)::int from oauth_accounts where user_id = ${id}) as links`);
    expect(left).toEqual({ sessions: 0, links: 0 });
    expect((await admin("DELETE", `/users/${id}`)).status).toBe(404);
  });
});

describe("admin API without credentials configured", () => {
  beforeAll(async () => {
    h = await startHarness({ backend: "services" });
  });
  afterAll(() => h.close());

  test("every admin route is 503 naming the missing configuration", async () => {
    for (const [method, path] of [
      ["GET", "/users"],
      ["POST", "/users"],
      ["PUT", "/users/1"],
      ["DELETE", "/users/1"],
    ] as const) {
      const res = await admin(method, path, method === "GET" || method === "DELETE" ? undefined : { email: uniqueEmail() });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ detail: "Admin credentials are not configured.", code: "admin_not_configured" });
    }
  });
});
