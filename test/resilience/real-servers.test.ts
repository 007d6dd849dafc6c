import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { startAppProcess, type AppProcess } from "../support/app-process";
import { uniqueEmail } from "../support/env";
import { GENEROUS_LIMITS } from "../support/harness";
import { bearer, send, type Answer } from "../support/http-client";
import { codeIn, createMailWaiter, type MailWaiter } from "../support/mail-waiter";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";
import { startRedisServer, type RedisServer } from "../support/redis-server";
import { holdsSecret, looksLikeStackTrace } from "../support/response-checks";
import { smtpEnv, startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";

/**
 * `otp-auth serve` as a real process, on a real PostgreSQL and a real Redis of the test's own, on spare
 * ports. While a few clients keep registering, verifying, logging in and refreshing, Redis is stopped
 * (losing its data: it runs without persistence) and started again, then PostgreSQL is stopped as by a
 * crash (`pg_ctl stop -m immediate`) and started again. Every answer in between is a success, a client
 * error or a 503 naming the dependency within 2 s; the process keeps answering /health; it recovers by
 * itself; no user and no session made before or during the run is lost. Codes pending in Redis are lost
 * with it: that is expected, and a resend gives a new one.
 */

const PASSWORD = "fault-secret-Pa55word!";
const SECRET_KEY = "fault-test-secret-key-0123456789-abcdefghij";
const FAST_MS = 2000;
const RECOVERY_MS = 15_000;
const WORKERS = 4;

let pg: PostgresServer;
let redis: RedisServer;
let inbox: SmtpInbox;
let app: AppProcess;
let mail: MailWaiter;

beforeAll(async () => {
  [pg, redis, inbox] = await Promise.all([startPostgresServer(), startRedisServer(), startSmtpInbox()]);
  mail = createMailWaiter(inbox.messages);
  app = await startAppProcess({
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    SECRET_KEY,
    ...smtpEnv(inbox),
    ...GENEROUS_LIMITS,
    // Cheap hashes: this is about outages, not password cost, and the machine has 2 cores.
    PASSWORD_MEMORY_KIB: "4096",
    PASSWORD_TIME_COST: "1",
  });
}, 60_000);

afterAll(async () => {
  running = false;
  await Promise.allSettled(workers);
  await app?.stop();
  mail?.stop();
  await Promise.allSettled([redis?.close(), pg?.close(), inbox?.close()]);
}, 30_000);

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  send(app.base, method, path, body, headers, 8000);
const codes = new Set<string>();
const tokens = new Set<string>();

function keep(answer: Answer): Answer {
  for (const key of ["access_token", "refresh_token"]) if (typeof answer.body?.[key] === "string") tokens.add(answer.body[key]);
  return answer;
}

async function nextCode(email: string, count: number): Promise<string> {
  const code = codeIn(await mail.waitFor(email, count, 5000));
  codes.add(code);
  return code;
}

/** Registers and verifies an address; returns the session's tokens. */
async function signUp(email: string) {
  const registered = await call("POST", "/auth/register", { email, password: PASSWORD });
  expect(registered.status).toBe(201);
  const verified = keep(
    await call("POST", "/auth/verify-otp", { email, code: await nextCode(email, 1), otp_token: registered.body.otp_token }),
  );
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return { email, access: verified.body.access_token as string, refresh: verified.body.refresh_token as string };
}

// The mixed run: clients that go through the whole flow over and over, through the outages.
let running = false;
let workers: Promise<void>[] = [];
const answers: Answer[] = [];
const registered = new Set<string>();
const verified = new Set<string>();

async function flow() {
  const email = uniqueEmail("mixed");
  const step = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const answer = keep(await call(method, path, body, headers));
    answers.push(answer);
    if (answer.status >= 500 || answer.status === 0) await Bun.sleep(50);
    return answer;
  };
  const registration = await step("POST", "/auth/register", { email, password: PASSWORD });
  if (registration.status !== 201) return;
  registered.add(email);
  const code = await nextCode(email, 1).catch(() => null);
  if (!code) return;
  for (let i = 0; i < 20 && running; i++) {
    const answer = await step("POST", "/auth/verify-otp", { email, code, otp_token: registration.body.otp_token });
    if (answer.status === 200) verified.add(email);
    if (answer.status !== 503) break;
  }
  if (!verified.has(email)) return;
  const login = await step("POST", "/auth/login", { email, password: PASSWORD });
  if (login.status !== 200) return;
  await step("GET", "/auth/me", undefined, bearer(login.body.access_token));
  await step("POST", "/auth/refresh", { refresh_token: login.body.refresh_token });
}

function startMixedRun() {
  running = true;
  workers = Array.from({ length: WORKERS }, async () => {
    while (running) await flow();
  });
}

/** Polls /ready until it answers 200; returns how long that took. */
async function waitUntilReady(): Promise<number> {
  const started = performance.now();
  let last: Answer | undefined;
  while (performance.now() - started < RECOVERY_MS) {
    last = await call("GET", "/ready");
    if (last.status === 200) return performance.now() - started;
    await Bun.sleep(100);
  }
  throw new Error(`/ready did not come back within ${RECOVERY_MS} ms: ${last?.status} ${JSON.stringify(last?.body)}`);
}

/** A 503 naming the dependency, within FAST_MS, in the one error shape, with no stack trace or password. */
function expectFast503(answer: Answer, dependency: "Redis" | "PostgreSQL") {
  const what = `${answer.method} ${answer.path}: ${answer.status} ${JSON.stringify(answer.body)} in ${Math.round(answer.ms)} ms`;
  expect(answer.status, what).toBe(503);
  expect(answer.body, what).toEqual({
    detail: `${dependency} is unavailable. Please try again shortly.`,
    code: `${dependency.toLowerCase()}_unavailable`,
  });
  expect(answer.ms, what).toBeLessThan(FAST_MS);
}

async function expectStillAlive() {
  expect(app.alive()).toBe(true);
  expect((await call("GET", "/health")).status).toBe(200);
}

const before: { email: string; access: string; refresh: string }[] = [];
const pending = { email: "", code: "" };

describe("real PostgreSQL and Redis stopped and started under a mixed run", () => {
  test("before the faults: verified users with sessions, and one registration waiting for its code", async () => {
    for (let i = 0; i < 3; i++) before.push(await signUp(uniqueEmail("before")));
    pending.email = uniqueEmail("pending");
    expect((await call("POST", "/auth/register", { email: pending.email, password: PASSWORD })).status).toBe(201);
    pending.code = await nextCode(pending.email, 1);
    startMixedRun();
    await Bun.sleep(1500);
    expect(verified.size).toBeGreaterThan(0);
  }, 30_000);

  test("Redis stopped: 503 redis_unavailable within 2 s, /health up, back by itself once Redis returns", async () => {
    await redis.stop();
    const [user] = before;
    for (const answer of [
      await call("POST", "/auth/register", { email: uniqueEmail("during"), password: PASSWORD }),
      await call("POST", "/auth/verify-otp", { email: pending.email, code: pending.code }),
      await call("POST", "/auth/resend-otp", { email: pending.email }),
      await call("POST", "/auth/login", { email: user!.email, password: PASSWORD }),
      await call("POST", "/auth/password/forgot", { email: user!.email }),
      // The revocation check of every authenticated request is in Redis.
      await call("GET", "/auth/me", undefined, bearer(user!.access)),
    ])
      expectFast503(answer, "Redis");
    const ready = await call("GET", "/ready");
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ postgres: "ok", redis: "unavailable" });
    await expectStillAlive();
    await Bun.sleep(1000);

    await redis.start();
    await waitUntilReady();
    await expectStillAlive();
    // The pending code died with Redis's data (no persistence); a resend mails a new one that works.
    expect((await call("POST", "/auth/verify-otp", { email: pending.email, code: pending.code })).body.code).toBe("otp_invalid");
    expect((await call("POST", "/auth/resend-otp", { email: pending.email })).status).toBe(200);
    const resent = keep(await call("POST", "/auth/verify-otp", { email: pending.email, code: await nextCode(pending.email, 2) }));
    expect(resent.status).toBe(200);
    before.push({ email: pending.email, access: resent.body.access_token, refresh: resent.body.refresh_token });
    // Sessions live in PostgreSQL: tokens from before the outage still work.
    expect((await call("GET", "/auth/me", undefined, bearer(user!.access))).status).toBe(200);
  }, 60_000);

  test("PostgreSQL stopped as by a crash: 503 postgresql_unavailable within 2 s, back by itself once it returns", async () => {
    const verifiedBefore = verified.size;
    await pg.stop("immediate");
    const [user, second] = before;
    for (const answer of [
      await call("POST", "/auth/register", { email: uniqueEmail("during"), password: PASSWORD }),
      await call("POST", "/auth/verify-otp", { email: user!.email, code: "123456" }),
      await call("POST", "/auth/resend-otp", { email: user!.email }),
      await call("POST", "/auth/login", { email: user!.email, password: PASSWORD }),
      await call("POST", "/auth/refresh", { refresh_token: second!.refresh }),
      await call("POST", "/auth/password/forgot", { email: user!.email }),
      await call("GET", "/auth/sessions", undefined, bearer(user!.access)),
    ])
      expectFast503(answer, "PostgreSQL");
    // /auth/me answers from the pushed profile cache when it holds the user (nothing can change a profile while
    // PostgreSQL is down), else it needs the database like the rest.
    const me = await call("GET", "/auth/me", undefined, bearer(user!.access));
    if (me.status === 200) expect(me.body.email).toBe(user!.email);
    else expectFast503(me, "PostgreSQL");
    // More requests at once than the pool has connections: none may wait for a connection that never comes.
    const burst = () => Promise.all(Array.from({ length: 30 }, () => call("GET", "/auth/sessions", undefined, bearer(user!.access))));
    for (const answer of await burst()) expectFast503(answer, "PostgreSQL");
    const ready = await call("GET", "/ready");
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ postgres: "unavailable", redis: "ok" });
    await expectStillAlive();
    await Bun.sleep(1000);

    await pg.start();
    await waitUntilReady();
    await expectStillAlive();
    // Connections begun while PostgreSQL was starting may still be refused (57P03, a 503) for a moment.
    let statuses: number[] = [];
    for (const deadline = performance.now() + 5000; performance.now() < deadline; ) {
      statuses = (await burst()).map((answer) => answer.status);
      if (statuses.every((status) => status === 200)) break;
      await Bun.sleep(200);
    }
    expect(statuses).toEqual(Array(30).fill(200));
    // The refused refresh changed nothing: the same refresh token works now.
    const refreshed = keep(await call("POST", "/auth/refresh", { refresh_token: second!.refresh }));
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    second!.refresh = refreshed.body.refresh_token;
    // The mixed run goes on by itself: new users get verified again.
    const deadline = performance.now() + 10_000;
    while (verified.size <= verifiedBefore + WORKERS && performance.now() < deadline) await Bun.sleep(100);
    expect(verified.size).toBeGreaterThan(verifiedBefore + WORKERS);
  }, 60_000);

  test("afterwards: every answer was a success, a client error or a fast 503; no user or session is lost", async () => {
    running = false;
    await Promise.all(workers);
    const bad = answers.filter((a) => a.status === 0 || (a.status >= 500 && !(a.status === 503 && a.ms < FAST_MS)) || a.ms > 5000);
    expect(bad.map((a) => `${a.method} ${a.path} ${a.status} ${Math.round(a.ms)} ms ${JSON.stringify(a.body)}`)).toEqual([]);
    const unavailable = new Set(answers.filter((a) => a.status === 503).map((a) => a.body.code));
    expect([...unavailable].sort()).toEqual(["postgresql_unavailable", "redis_unavailable"]);
    for (const answer of answers.filter((a) => a.status >= 400)) {
      expect(Object.keys(answer.body).sort()).toEqual(["code", "detail"]);
      expect(looksLikeStackTrace(JSON.stringify(answer.body))).toBe(false);
    }

    // Every account answered 201 is there, every one verified is verified, and every session from before works.
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ email: string; is_verified: boolean }[]>`select email, is_verified from users`;
      const byEmail = new Map(rows.map((row) => [row.email, row.is_verified]));
      expect([...registered].filter((email) => !byEmail.has(email))).toEqual([]);
      expect([...verified].filter((email) => byEmail.get(email) !== true)).toEqual([]);
      expect(before.every((user) => byEmail.get(user.email) === true)).toBe(true);
    } finally {
      await sql.end();
    }
    console.log(
      `fault run: ${answers.length} answers, ${registered.size} registered, ${verified.size} verified, 503s ${answers.filter((a) => a.status === 503).length}`,
    );
    for (const user of before) {
      const refreshed = keep(await call("POST", "/auth/refresh", { refresh_token: user.refresh }));
      expect(refreshed.status, `${user.email}: ${JSON.stringify(refreshed.body)}`).toBe(200);
      expect((await call("GET", "/auth/me", undefined, bearer(refreshed.body.access_token))).status).toBe(200);
    }

    // Nothing secret reached the process's output through all of it.
    await expectStillAlive();
    const output = app.output();
    expect(output).toContain("redis connection lost");
    for (const secret of [PASSWORD, SECRET_KEY, ...codes, ...tokens])
      expect(holdsSecret(output, secret), `output holds ${secret.slice(0, 12)}…`).toBe(false);
  }, 60_000);
});
