import type { SQL } from "drizzle-orm";
import { Cluster, Redis } from "ioredis";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app";
import { loadConfig, type Config } from "../../src/config/load";
import { queryRows } from "../../src/db/rows";
import { waitForRedis } from "../../src/cache/redis";
import { buildDeps, type Deps } from "../../src/deps";
import { createLogger } from "../../src/lib/log";
import type { MailCatcher } from "../../src/mail/catcher";
import type { SessionTokens } from "../../src/modules/sessions/model";
import type { RedisClient } from "../../src/cache/redis";
import { createFakeClock } from "./clock";
import { createTestDatabase, type TestDatabase } from "./database";
import { seedEmbeddedDatabase } from "./embedded-template";
import { TEST_REDIS_URL, uniqueId } from "./env";
import { jsonOrText } from "./http-client";
import { clientBudgets, loginGuard } from "./limits";
import { leaseSharedRedisCluster, type RedisCluster } from "./redis-cluster";
import { readMail, smtpEnv, startSmtpInbox, type SmtpInbox } from "./smtp-inbox";

export const TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789";

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * `services`: the real PostgreSQL, Redis and an SMTP inbox; `cluster`: the same with a real 3-master Redis
 * Cluster on loopback instead of the single Redis; `embedded`: PGlite, the in-process store and the mail catcher.
 */
export type Backend = "services" | "cluster" | "embedded";
export const BACKENDS: Backend[] = ["services", "cluster", "embedded"];
/**
 * For suites whose Redis use is single-key commands that other suites already run on the cluster (revocations
 * in sessions.test.ts, rate limits in client-limits.test.ts): the cluster would add minutes, not coverage.
 */
export const CORE_BACKENDS: Backend[] = ["services", "embedded"];

/**
 * Every test's requests come from one client (in-process requests have no socket, so they share the
 * `unknown` budget), so the per-client limits are set out of reach here; the rate-limit tests set their own.
 */
export const GENEROUS_LIMITS: Record<string, string> = {
  ...clientBudgets(1_000_000),
  ...loginGuard({ failures: 1_000_000, failuresPerIpPerDay: 1_000_000 }),
};

export interface HarnessOptions {
  backend?: Backend;
  env?: Record<string, string>;
  database?: TestDatabase;
  inbox?: SmtpInbox;
  /** For the `cluster` backend: this cluster instead of the test process's shared one. */
  redisCluster?: RedisCluster;
}

/**
 * One app with a clock the test moves, on any backend: real PostgreSQL (its own database), real Redis or a
 * real Redis Cluster (its own key prefix either way) and a real SMTP server; or the embedded defaults in a
 * temporary DATA_DIR.
 * Log lines are kept in `logs` so tests can read them.
 */
export async function startHarness({ backend = "services", env = {}, database, inbox, redisCluster }: HarnessOptions = {}) {
  const clock = createFakeClock();
  const logs: string[] = [];
  const log = createLogger("debug", (line) => void logs.push(line));
  const common = { SECRET_KEY: TEST_SECRET, LOG_LEVEL: "debug", ...GENEROUS_LIMITS };
  let db: TestDatabase | undefined;
  let smtp: SmtpInbox | undefined;
  let dataDir: string | undefined;
  let lease: Awaited<ReturnType<typeof leaseSharedRedisCluster>> | undefined;
  let cluster: RedisCluster | undefined;
  let config: Config;
  if (backend === "embedded") {
    dataDir = await mkdtemp(join(tmpdir(), "otp-auth-harness-"));
    await seedEmbeddedDatabase(dataDir);
    config = loadConfig({ ...common, DATA_DIR: dataDir, ...env });
  } else {
    db = database ?? (await createTestDatabase());
    smtp = inbox ?? (await startSmtpInbox());
    if (backend === "cluster" && !redisCluster) lease = await leaseSharedRedisCluster();
    cluster = backend === "cluster" ? (redisCluster ?? lease!.cluster) : undefined;
    config = loadConfig({
      ...common,
      DATABASE_URL: db.url,
      ...(cluster ? cluster.env() : { REDIS_URL: TEST_REDIS_URL }),
      REDIS_KEY_PREFIX: `otp-auth-test:${uniqueId()}:`,
      ...smtpEnv(smtp),
      SMTP_TIMEOUT_SECONDS: "5",
      ...env,
    });
  }
  const deps: Deps = await buildDeps(config, { clock, log });
  // buildDeps waits 3 s for Redis, then serves 503s until it comes; a test must start on a connected client,
  // and say why when it cannot.
  if (deps.redis && !(await waitForRedis(deps.redis, 10_000))) {
    await deps.close();
    throw new Error(`the harness's Redis client is ${deps.redis.status} after 13 s; last log lines:\n${logs.slice(-20).join("\n")}`);
  }
  const mail = smtp ?? catcherInbox(deps.mailCatcher!);
  const app = createApp(deps);

  async function call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<CallResult<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const response = await app.handle(new Request(`http://localhost${path}`, init));
    return { status: response.status, body: jsonOrText(await response.text()) as T, headers: response.headers };
  }

  /** Registers and verifies an address; returns the tokens of the session that opens. */
  async function signUp(email: string, password = "correct horse battery"): Promise<SessionTokens> {
    const mailsBefore = mail.mailTo(email).length;
    const registered = await call("POST", "/auth/register", { email, password });
    if (registered.status !== 201)
      throw new Error(
        `register failed: ${registered.status} ${JSON.stringify(registered.body)}; last log lines:\n${logs.slice(-8).join("\n")}`,
      );
    // With HIDE_ACCOUNT_EXISTENCE the mail leaves after the answer.
    await mail.waitForMail(email, mailsBefore + 1);
    // Handed back as the page does, so the registration's password is the account's and signs in without a second code.
    const verified = await call("POST", "/auth/verify-otp", { email, code: mail.latestCode(email), otp_token: registered.body.otp_token });
    if (verified.status !== 200) throw new Error(`verify failed: ${verified.status}`);
    return verified.body;
  }

  /** Registers and verifies an address; returns its access token. */
  const createVerifiedUser = async (email: string, password?: string) => (await signUp(email, password)).access_token;

  /** Logs in with the password; returns the new session's tokens. */
  async function logIn(email: string, password = "correct horse battery"): Promise<SessionTokens> {
    const res = await call("POST", "/auth/login", { email, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A call with `Authorization: Bearer <token>`. */
  const callAs = <T = any>(token: string, method: string, path: string, body?: unknown) =>
    call<T>(method, path, body, { authorization: `Bearer ${token}` });

  /** Rows of a raw SQL query, whichever driver runs it. */
  const rows = <T>(query: SQL): Promise<T[]> => queryRows<T>(deps.database.db, query);

  /**
   * A client of this app's Redis (the single server or the cluster) without the key prefix, for looking at what
   * the app stored; the caller disconnects it.
   */
  function rawRedis(): RedisClient {
    if (!cluster) return new Redis(TEST_REDIS_URL);
    return new Cluster(
      cluster.ports.map((port) => ({ host: "127.0.0.1", port })),
      { redisOptions: { password: cluster.auth.password } },
    );
  }

  /** Every Redis key this app wrote (its prefix stripped), from every master of a cluster: ioredis does not prefix patterns. */
  async function redisKeys(): Promise<string[]> {
    const pattern = `${config.REDIS_KEY_PREFIX}*`;
    const raw = rawRedis();
    try {
      const keys = raw instanceof Cluster ? await keysOfEveryMaster(raw, pattern) : await raw.keys(pattern);
      return keys.map((key) => key.slice(config.REDIS_KEY_PREFIX.length));
    } finally {
      raw.disconnect();
    }
  }

  return {
    app,
    deps,
    config,
    clock,
    logs,
    inbox: mail,
    database: db,
    backend,
    redisCluster: cluster,
    call,
    callAs,
    rows,
    signUp,
    createVerifiedUser,
    logIn,
    redisKeys,
    rawRedis,
    async close() {
      await deps.close();
      await lease?.release();
      if (smtp && !inbox) await smtp.close();
      if (db && !database) await db.drop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The keys matching `pattern` on every master of a cluster, once the client knows its masters. */
async function keysOfEveryMaster(cluster: Cluster, pattern: string): Promise<string[]> {
  await waitForClusterClient(cluster);
  return (await Promise.all(cluster.nodes("master").map((node) => node.keys(pattern)))).flat();
}

/** A new Cluster client knows its masters once it is ready. */
async function waitForClusterClient(cluster: Cluster) {
  if (cluster.status !== "ready") await new Promise((resolve) => cluster.once("ready", resolve));
}

/** The embedded mail catcher read like the test inbox; it cannot be told to refuse mail. */
function catcherInbox(catcher: MailCatcher): SmtpInbox {
  return {
    port: catcher.port,
    messages: catcher.messages,
    ...readMail(catcher.messages),
    refuseMail() {
      throw new Error("the development mail catcher cannot refuse mail; use the services backend");
    },
    delayMail() {
      throw new Error("the development mail catcher cannot delay mail; use the services backend");
    },
    close: async () => {},
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
