import { Redis } from "ioredis";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config/load";
import { buildDeps, type Deps } from "../../src/deps";
import { createLogger } from "../../src/lib/log";
import { createFakeClock } from "./clock";
import { createTestDatabase, type TestDatabase } from "./database";
import { TEST_REDIS_URL, uniqueId } from "./env";
import { startSmtpInbox, type SmtpInbox } from "./smtp-inbox";

export const TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789";

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  database?: TestDatabase;
  inbox?: SmtpInbox;
}

/**
 * One app wired to real PostgreSQL (its own database), real Redis (its own key prefix) and a real SMTP
 * server, with a clock the test moves. Log lines are kept in `logs` so tests can read them.
 */
export async function startHarness({ env = {}, database, inbox }: HarnessOptions = {}) {
  const db = database ?? (await createTestDatabase());
  const smtp = inbox ?? (await startSmtpInbox());
  const clock = createFakeClock();
  const logs: string[] = [];
  const config = loadConfig({
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `otp-auth-test:${uniqueId()}:`,
    SECRET_KEY: TEST_SECRET,
    SMTP_SERVER: "127.0.0.1",
    SMTP_PORT: String(smtp.port),
    SMTP_SECURITY: "none",
    SMTP_TIMEOUT_SECONDS: "5",
    FROM_EMAIL: "no-reply@otp-auth.test",
    LOG_LEVEL: "debug",
    ...env,
  });
  const deps: Deps = await buildDeps(config, { clock, log: createLogger("debug", (line) => void logs.push(line)) });
  const app = createApp(deps);

  async function call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<CallResult<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const response = await app.handle(new Request(`http://localhost${path}`, init));
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** Registers and verifies an address; returns its access token. */
  async function createVerifiedUser(email: string, password = "correct horse battery") {
    const registered = await call("POST", "/auth/register", { email, password });
    if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
    const verified = await call("POST", "/auth/verify-otp", { email, code: smtp.latestCode(email) });
    if (verified.status !== 200) throw new Error(`verify failed: ${verified.status}`);
    return verified.body.access_token as string;
  }

  /** Every Redis key this app wrote (its prefix stripped), read with a raw client: ioredis does not prefix patterns. */
  async function redisKeys(): Promise<string[]> {
    const raw = new Redis(config.REDIS_URL);
    try {
      const keys = await raw.keys(`${config.REDIS_KEY_PREFIX}*`);
      return keys.map((key) => key.slice(config.REDIS_KEY_PREFIX.length));
    } finally {
      raw.disconnect();
    }
  }

  return {
    app, deps, config, clock, logs, inbox: smtp, database: db, call, createVerifiedUser, redisKeys,
    async close() {
      await deps.close();
      if (!inbox) await smtp.close();
      if (!database) await db.drop();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
