// `bun run bench -- --scale`: how cost grows. verify-otp and login with 10 thousand and then 1 million users
// in the table (grown in place with generate_series), the plan of the sign-in lookup at each size (it must
// stay one index probe), and the memory a pending code takes in the in-process store and in Redis.
import { join } from "node:path";
import { Redis } from "ioredis";
import { BENCH_PASSWORD, openEnvironment, passwordHash } from "./environment";
import { requestCodes, writeLines } from "./prepare";
import { startService } from "./processes";
import { measured } from "./measure";
import { LOGIN_CONNECTIONS } from "./scenarios";
import { emailOf, seedUsers } from "./seed";
import { markdown } from "./table";

const SIZES = (process.env.BENCH_SCALE_SIZES ?? "10000,1000000").split(",").map(Number);
// Codes are single use and each costs a mail to prepare: a short run at a moderate load is enough to see
// whether latency moves with the table's size.
const VERIFY = { connections: 16, seconds: 3, codes: 6_000 };
const LOGIN_SECONDS = 5;
const LOGIN_USERS = 1_000;

export async function runScale({ work }: { work: string }): Promise<string> {
  const lines: string[][] = [];
  const plans: string[] = [];
  const env = await openEnvironment("scale");
  const service = await startService(env.serviceEnv);
  let redisBytes = "";
  try {
    const { sql } = env;
    const hash = await passwordHash();
    let users = 0;
    for (const [round, size] of SIZES.entries()) {
      // Per round: fresh unverified users for codes, verified ones for logins, the rest filler.
      const codeGroup = `code${round}`;
      const loginGroup = `login${round}`;
      await seedUsers(sql, codeGroup, 0, VERIFY.codes, { verified: false, passwordHash: hash });
      await seedUsers(sql, loginGroup, 0, LOGIN_USERS, { verified: true, passwordHash: hash });
      users += VERIFY.codes + LOGIN_USERS;
      const started = performance.now();
      await seedUsers(sql, `filler${round}`, 0, size - users, { verified: true, passwordHash: hash });
      users = size;
      await sql`vacuum analyze users`;
      const [row] = await sql<{ count: number }[]>`select count(*)::int as count from users`;
      const count = row!.count;
      console.log(`scale: ${count} users (filled in ${((performance.now() - started) / 1000).toFixed(1)} s)`);

      const codes = await requestCodes(
        service.url,
        Array.from({ length: VERIFY.codes }, (_, i) => emailOf(codeGroup, i)),
        env.sink,
      );
      const codesFile = await writeLines(
        join(work, `scale-codes-${round}.txt`),
        codes.map((c) => JSON.stringify(c)),
      );
      const loginFile = await writeLines(
        join(work, `scale-login-${round}.txt`),
        Array.from({ length: LOGIN_USERS }, (_, i) => JSON.stringify({ email: emailOf(loginGroup, i), password: BENCH_PASSWORD })),
      );
      if (round === 0) redisBytes = await redisBytesPerCode(env.serviceEnv.REDIS_KEY_PREFIX!, emailOf(codeGroup, VERIFY.codes - 1));
      await Bun.sleep(1000);
      const verify = await measured(service, sql, {
        url: `${service.url}/auth/verify-otp`,
        method: "POST",
        connections: VERIFY.connections,
        seconds: VERIFY.seconds,
        bodiesFile: codesFile,
      });
      await Bun.sleep(1000);
      const login = await measured(service, sql, {
        url: `${service.url}/auth/login`,
        method: "POST",
        connections: LOGIN_CONNECTIONS,
        seconds: LOGIN_SECONDS,
        bodiesFile: loginFile,
      });
      const plan = await lookupPlan(sql, emailOf(loginGroup, 7));
      plans.push(`users = ${count}:\n${plan.text}`);
      for (const [name, conns, r] of [
        ["POST /auth/verify-otp", VERIFY.connections, verify],
        ["POST /auth/login", LOGIN_CONNECTIONS, login],
      ] as const) {
        lines.push([
          String(count),
          name,
          String(conns),
          r.rps.toFixed(0),
          r.p50Ms.toFixed(2),
          r.p99Ms.toFixed(2),
          String(r.errors),
          plan.ms,
        ]);
      }
    }
  } finally {
    await service.stop();
    await env.cleanup();
  }
  const memory = await inProcessBytesPerCode();
  return [
    markdown(["users", "scenario", "conns", "req/s", "p50 ms", "p99 ms", "errors", "lookup by email (EXPLAIN ANALYZE)"], lines),
    "",
    "The sign-in lookup (users by email, as the service prepares it):",
    ...plans,
    "",
    `Memory per pending code: in-process store ${memory.toFixed(0)} bytes of heap (code and send-limit entries, 100,000 addresses); Redis ${redisBytes}.`,
  ].join("\n");
}

/**
 * EXPLAIN ANALYZE of the lookup every sign-in starts with: its plan, the pages it read, and the fastest of
 * five executions (one alone is at the mercy of whatever else the machine does).
 */
async function lookupPlan(sql: import("postgres").Sql, email: string): Promise<{ text: string; ms: string }> {
  const explain = () =>
    sql.unsafe(
      `explain (analyze, buffers) select "id", "email", "password_hash", "auth_provider", "is_active", "is_verified",
       "last_otp_verified_at", "created_at", "updated_at" from "users" where "users"."email" = $1 limit $2`,
      [email, 1],
    );
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push((await explain()).map((row) => `  ${row["QUERY PLAN"]}`).join("\n"));
  const time = (text: string) => Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1]);
  const text = runs.sort((a, b) => time(a) - time(b))[0]!;
  if (!/Index Scan using users_email_key/.test(text)) throw new Error(`the lookup is not an index scan:\n${text}`);
  const pages = /Index Scan[\s\S]*?Buffers: shared hit=(\d+)/.exec(text)?.[1];
  return { text, ms: `index scan, ${pages} pages, ${time(text).toFixed(3)} ms` };
}

async function inProcessBytesPerCode(): Promise<number> {
  const proc = Bun.spawn(["bun", join(import.meta.dir, "memory-store.ts")], { stdout: "pipe" });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error(`memory-store failed: ${out}`);
  return JSON.parse(out.trim()).bytesPerCode;
}

/** What Redis reports for one pending code's keys (the code and the address's send limits). */
async function redisBytesPerCode(prefix: string, email: string): Promise<string> {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0");
  try {
    const code = await redis.memory("USAGE", `${prefix}otp:{${email}}:code:register`);
    const sends = await redis.memory("USAGE", `${prefix}otp:{${email}}:sends`);
    return `${Number(code) + Number(sends)} bytes (MEMORY USAGE: code ${code}, send limits ${sends})`;
  } finally {
    redis.disconnect();
  }
}
