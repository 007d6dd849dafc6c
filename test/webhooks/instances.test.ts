import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { startAppProcess, type AppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_REDIS_URL, uniqueEmail, uniqueId } from "../support/env";
import { GENEROUS_LIMITS } from "../support/harness";
import { send } from "../support/http-client";
import { smtpEnv, startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";
import { about, hang, startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";

/**
 * Webhook delivery by several real instances (`bun src/index.ts serve`) on one PostgreSQL and one Redis: one
 * killed in the middle of an attempt leaves the event to another, and two never send one event at once.
 * PostgreSQL only: the embedded database belongs to one process.
 */

const TIMEOUT_SECONDS = 2;
// The lease an attempt holds its delivery for: the attempt's timeout and the worker's margin (worker.ts).
const LEASE_MS = (TIMEOUT_SECONDS + 5) * 1000;

let database: TestDatabase;
let inbox: SmtpInbox;
let receiver: WebhookReceiver;
let env: Record<string, string>;
const running: AppProcess[] = [];

beforeAll(async () => {
  [database, inbox] = await Promise.all([createTestDatabase(), startSmtpInbox()]);
  receiver = startWebhookReceiver();
  env = {
    ...GENEROUS_LIMITS,
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `otp-auth-test:${uniqueId()}:`,
    SECRET_KEY: "webhook-instances-secret-0123456789abcdefgh",
    ...smtpEnv(inbox),
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET: receiver.secret,
    WEBHOOK_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
    WEBHOOK_RETRY_BASE_SECONDS: "1",
  };
});
afterAll(async () => {
  await Promise.all(running.map((instance) => instance.stop()));
  receiver?.stop();
  await inbox?.close();
  await database?.drop();
});

async function start() {
  const instance = await startAppProcess(env);
  running.push(instance);
  return instance;
}

const register = (on: AppProcess, email: string) => send(on.base, "POST", "/auth/register", { email, password: "correct horse battery" });

async function attemptsInDatabase(messageId: string): Promise<number> {
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select attempts from webhook_deliveries where message_id = ${messageId}`;
    return row!.attempts as number;
  } finally {
    await sql.end();
  }
}

describe("webhooks over several instances", () => {
  test("an instance killed in the middle of an attempt: another one delivers the event after the lease", async () => {
    receiver.respondWith(hang);
    const a = await start();
    const email = uniqueEmail("killed");
    expect((await register(a, email)).status).toBe(201);
    const deadline = Date.now() + 10_000;
    while (!receiver.attempts.some(about(email, "user.created"))) {
      if (Date.now() > deadline) throw new Error("A never sent the event");
      await Bun.sleep(10);
    }
    const hung = receiver.attempts.find(about(email, "user.created"))!;
    a.proc.kill("SIGKILL");
    await a.proc.exited;
    receiver.respondWith();

    // B was not running when A claimed the event: only the lease lets it take over.
    const b = await start();
    const [delivered] = await receiver.waitFor(about(email, "user.created"), 1, LEASE_MS + 15_000);
    expect(delivered!.id).toBe(hung.id);
    expect(delivered!.body).toBe(hung.body);
    expect(delivered!.arrivedAt - hung.arrivedAt).toBeGreaterThanOrEqual(LEASE_MS - 1000);
    expect(await attemptsInDatabase(hung.id)).toBe(2);
    await b.stop();
  }, 60_000);

  test("two instances share the work and never send one event twice at once", async () => {
    // Slow answers keep attempts in flight long enough for a second sender to collide with them.
    receiver.respondWith(async () => {
      await Bun.sleep(300);
      return new Response(null, { status: 204 });
    });
    const [a, b] = await Promise.all([start(), start()]);
    const emails = Array.from({ length: 30 }, () => uniqueEmail("shared"));
    const answers = await Promise.all(emails.map((email, i) => register(i % 2 === 0 ? a : b, email)));
    expect(answers.map((answer) => answer.status)).toEqual(emails.map(() => 201));
    await Promise.all(emails.map((email) => receiver.waitFor(about(email, "user.created"), 1, 30_000)));
    const mine = receiver.attempts.filter((attempt) => emails.includes(attempt.event.data.email));
    expect(receiver.overlapping).toEqual([]);
    // No failure happened, so at-least-once was exactly once.
    expect(mine).toHaveLength(emails.length);
    expect(new Set(mine.map((attempt) => attempt.id)).size).toBe(emails.length);
  }, 60_000);
});
