import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../../support/env";
import { createSessionRepository } from "../../../src/modules/sessions/repository";
import { createWebhookOutbox } from "../../../src/webhooks/outbox";
import { createMemoryRevocationStore, createRedisRevocationStore } from "../../../src/modules/sessions/revocations";
import { BACKENDS, CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";

// Each describe below runs once per backend (PostgreSQL + Redis + SMTP, and the embedded defaults).
let h: Harness;

const me = (token: string) => h.callAs(token, "GET", "/auth/me");
const refresh = (refresh_token: string) => h.call("POST", "/auth/refresh", { refresh_token });

describe.each(BACKENDS)("logout and sessions (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("logout makes the access token and the refresh token useless at once", async () => {
    const tokens = await h.signUp(uniqueEmail());
    expect((await me(tokens.access_token)).status).toBe(200);
    const out = await h.callAs(tokens.access_token, "POST", "/auth/logout");
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ message: "Logged out." });
    const after = await me(tokens.access_token);
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toBe("Bearer");
    expect((await refresh(tokens.refresh_token)).status).toBe(401);
    expect((await h.callAs(tokens.access_token, "POST", "/auth/logout")).status).toBe(401);
  });

  test("logout ends only the current session", async () => {
    const email = uniqueEmail();
    const laptop = await h.signUp(email);
    const phone = await h.logIn(email);
    await h.callAs(laptop.access_token, "POST", "/auth/logout");
    expect((await me(phone.access_token)).status).toBe(200);
    expect((await refresh(phone.refresh_token)).status).toBe(200);
  });

  test("logout needs a token", async () => {
    const res = await h.call("POST", "/auth/logout");
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("invalid_token");
  });

  test("GET /auth/sessions lists the live sessions, marking the current one", async () => {
    const email = uniqueEmail();
    const laptop = await h.signUp(email);
    h.clock.advance(1000);
    const phone = (await h.call("POST", "/auth/login", { email, password: "correct horse battery" }, { "user-agent": "Phone/1" })).body;
    const ended = await h.logIn(email);
    await h.callAs(ended.access_token, "POST", "/auth/logout");

    const res = await h.callAs(laptop.access_token, "GET", "/auth/sessions");
    expect(res.status).toBe(200);
    expect(res.body.sessions).toHaveLength(2);
    const [newest, oldest] = res.body.sessions;
    expect(Object.keys(newest).sort()).toEqual(["created_at", "current", "expires_at", "id", "ip", "last_used_at", "user_agent"]);
    expect(newest).toMatchObject({ user_agent: "Phone/1", current: false });
    expect(oldest.current).toBe(true);
    expect(Date.parse(oldest.expires_at) - Date.parse(oldest.created_at)).toBe(30 * 24 * 3600 * 1000);
    const fromPhone = await h.callAs(phone.access_token, "GET", "/auth/sessions");
    expect(fromPhone.body.sessions.find((s: { current: boolean }) => s.current).user_agent).toBe("Phone/1");
    expect(JSON.stringify(res.body)).not.toContain(laptop.refresh_token);
  });

  test("another person's sessions are neither listed nor revocable", async () => {
    const ann = await h.signUp(uniqueEmail("ann"));
    const bob = await h.signUp(uniqueEmail("bob"));
    const bobSessions = (await h.callAs(bob.access_token, "GET", "/auth/sessions")).body.sessions;
    const annSessions = (await h.callAs(ann.access_token, "GET", "/auth/sessions")).body.sessions;
    expect(annSessions.map((s: { id: string }) => s.id)).not.toContain(bobSessions[0].id);
    const res = await h.callAs(ann.access_token, "DELETE", `/auth/sessions/${bobSessions[0].id}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("session_not_found");
    expect((await me(bob.access_token)).status).toBe(200);
  });

  test("DELETE /auth/sessions/{id} ends that session: its tokens stop working at once", async () => {
    const email = uniqueEmail();
    const laptop = await h.signUp(email);
    const phone = await h.logIn(email);
    const sessions = (await h.callAs(laptop.access_token, "GET", "/auth/sessions")).body.sessions;
    const phoneSession = sessions.find((s: { current: boolean }) => !s.current);
    const res = await h.callAs(laptop.access_token, "DELETE", `/auth/sessions/${phoneSession.id}`);
    expect(res.status).toBe(200);
    expect((await me(phone.access_token)).status).toBe(401);
    expect((await refresh(phone.refresh_token)).status).toBe(401);
    expect((await me(laptop.access_token)).status).toBe(200);
    expect((await h.callAs(laptop.access_token, "DELETE", `/auth/sessions/${phoneSession.id}`)).status).toBe(404);
  });

  test("a session id that is not a UUID is 422", async () => {
    const tokens = await h.signUp(uniqueEmail());
    const res = await h.callAs(tokens.access_token, "DELETE", "/auth/sessions/1%20or%201=1");
    expect(res.status).toBe(422);
  });

  test("a token without a session id is refused", async () => {
    const { SignJWT } = await import("jose");
    const tokens = await h.signUp(uniqueEmail());
    const claims = JSON.parse(Buffer.from(tokens.access_token.split(".")[1]!, "base64url").toString());
    delete claims.sid;
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(h.config.SECRET_KEY!));
    expect((await me(forged)).status).toBe(401);
  });
});

describe.each(BACKENDS)("the revocation set after it lost its contents (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("an ended session stays ended: the set is filled again from the sessions table before it answers", async () => {
    const email = uniqueEmail();
    const ended = await h.signUp(email);
    const live = await h.logIn(email);
    await h.callAs(ended.access_token, "POST", "/auth/logout");
    // What a Redis restart without persistence, or a new process under the embedded defaults, starts with.
    const ttlMs = 31 * 60_000;
    const repository = createSessionRepository(h.deps.database.db, createWebhookOutbox({ configured: [] }));
    const recentlyRevoked = () => repository.listRevokedSince(new Date(h.clock.now() - ttlMs));
    let store;
    if (h.deps.redis) {
      const raw = h.rawRedis();
      try {
        const keys = (await h.redisKeys()).filter((key) => key.startsWith("revoked-session:"));
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) await raw.del(`${h.config.REDIS_KEY_PREFIX}${key}`);
      } finally {
        raw.disconnect();
      }
      store = createRedisRevocationStore(h.deps.redis, ttlMs, recentlyRevoked);
      expect((await h.callAs(ended.access_token, "GET", "/auth/me")).status).toBe(401);
    } else {
      store = createMemoryRevocationStore(h.clock, ttlMs, recentlyRevoked);
    }
    const sid = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sid;
    expect(await store.isRevoked(sid(ended.access_token))).toBe(true);
    expect(await store.isRevoked(sid(live.access_token))).toBe(false);
    expect((await h.callAs(live.access_token, "GET", "/auth/me")).status).toBe(200);
  });
});

const HOUR = 3_600_000;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());

describe.each(CORE_BACKENDS)("ended sessions are deleted (%s)", (backend) => {
  beforeAll(async () => {
    // A re-check window of about 3.5 days, so that password logins a day apart need no code.
    h = await startHarness({ backend, env: { OTP_RECHECK_MINUTES: "5000" } });
  });
  afterAll(() => h.close());

  test("at the next sign-in, sessions ended over two days ago and expired ones go; the others stay", async () => {
    const email = uniqueEmail();
    const first = await h.signUp(email);
    const second = await h.logIn(email);
    const userId = Number(claimsOf(first.access_token).sub);
    const sid = (tokens: { access_token: string }) => claimsOf(tokens.access_token).sid as string;
    const stored = async () =>
      (await h.rows<{ id: string }>(sql`select id from sessions where user_id = ${userId}`)).map((row) => row.id).sort();
    await h.callAs(first.access_token, "POST", "/auth/logout");
    await h.callAs(second.access_token, "POST", "/auth/logout");

    h.clock.advance(47 * HOUR);
    const third = await h.logIn(email);
    expect(await stored()).toEqual([sid(first), sid(second), sid(third)].sort());

    h.clock.advance(2 * HOUR);
    const fourth = await h.logIn(email);
    expect(await stored()).toEqual([sid(third), sid(fourth)].sort());

    // Past REFRESH_TOKEN_EXPIRE_DAYS and the re-check window: the sign-in through a re-check code prunes too.
    h.clock.advance(31 * 24 * HOUR);
    expect((await h.call("POST", "/auth/login", { email, password: "correct horse battery" })).body.code).toBe("otp_required");
    const fifth = await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email) });
    expect(fifth.status).toBe(200);
    expect(await stored()).toEqual([sid(fifth.body)]);
  });
});

describe("the revocation set lives in Redis", () => {
  beforeAll(async () => {
    h = await startHarness({ backend: "services" });
  });
  afterAll(() => h.close());

  test("a revoked session is one Redis key that expires after the access token lifetime", async () => {
    const tokens = await h.signUp(uniqueEmail());
    const sid = JSON.parse(Buffer.from(tokens.access_token.split(".")[1]!, "base64url").toString()).sid;
    await h.callAs(tokens.access_token, "POST", "/auth/logout");
    expect(await h.redisKeys()).toContain(`revoked-session:{revoked}:${sid}`);
    const ttl = await h.deps.redis!.pttl(`revoked-session:{revoked}:${sid}`);
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(ttl).toBeLessThanOrEqual(31 * 60_000);
  });
});
