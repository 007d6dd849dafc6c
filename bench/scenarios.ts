// The main table: the service's scenarios against inputs prepared ahead (seeded users and sessions, tokens,
// codes obtained through the API), each beside its ceiling: a bare Elysia app, or argon2id alone.
import { join } from "node:path";
import { BENCH_PASSWORD, openEnvironment, passwordHash } from "./environment";
import { runLoad } from "./load";
import { hashCeiling, measured } from "./measure";
import { requestCodes, writeLines } from "./prepare";
import { startBareServer, startService, withDescendants } from "./processes";
import { emailOf, seedSessions, seedUsers, userIds } from "./seed";
import { formatTable, type Row } from "./table";
import { signAccessTokens } from "./tokens";

export const CONNECTIONS = 64;
/** Enough logins in flight to keep every hashing thread busy, so login is saturated. */
export const LOGIN_CONNECTIONS = 16;
/** The /health probe while login is saturated: a few connections, each pausing between requests. */
const PROBE = { connections: 4, delayMs: 10 };
// Prepared single-use inputs per second of scenario, above the highest rate seen on this machine (if they run
// out, each request past the end is counted as an error). Codes cost a mail each, refresh tokens nothing.
// verify-otp has answered up to 3,800/s here with its hooks switched off: 5,000 leaves room above the target.
const CODES_PER_SECOND = Number(process.env.BENCH_CODES_PER_SECOND ?? 5000);
const REFRESHES_PER_SECOND = Number(process.env.BENCH_REFRESHES_PER_SECOND ?? 8000);
const ACTIVE_USERS = 1000;

const pause = () => Bun.sleep(1500);
// For working on the service: BENCH_ONLY=me,verify runs only those scenarios; BENCH_PROFILE=<dir> starts the
// service under Bun's CPU profiler, which writes a Markdown profile there when it stops.
const only = process.env.BENCH_ONLY?.split(",");
export const wanted = (name: string) => !only || only.includes(name);
/** Whether BENCH_ONLY leaves any scenario of the main table. */
export const wantsMainTable = () => !only || only.some((name) => name !== "hooks");
const profileFlags = process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

export async function runMainScenarios({ seconds, work }: { seconds: number; work: string }): Promise<string> {
  const rows: Row[] = [];
  const file = (name: string) => join(work, name);

  const env = await openEnvironment("main");
  const service = await startService(env.serviceEnv, profileFlags);
  console.log(`service: ${(await withDescendants(service.pid)).length} process(es) (a supervisor and its workers when more than one)`);
  try {
    const { sql } = env;
    const hash = await passwordHash();
    const codeCount = wanted("verify") ? Math.ceil(seconds * CODES_PER_SECOND) : 0;
    await seedUsers(sql, "active", 0, ACTIVE_USERS, { verified: true, passwordHash: hash });
    await seedUsers(sql, "login", 0, ACTIVE_USERS, { verified: true, passwordHash: hash });
    await seedUsers(sql, "code", 0, codeCount, { verified: false, passwordHash: hash });
    await sql`vacuum analyze`;
    const active = await userIds(sql, "active", ACTIVE_USERS);
    const meSessions = await seedSessions(sql, active, env.refreshKey);
    const refreshOwners = Array.from(
      { length: wanted("refresh") ? Math.ceil(seconds * REFRESHES_PER_SECOND) : 0 },
      (_, i) => active[i % active.length]!,
    );
    const refreshSessions = await seedSessions(sql, refreshOwners, env.refreshKey);
    const tokens = await signAccessTokens(env.serviceEnv, meSessions);
    const codeEmails = Array.from({ length: codeCount }, (_, i) => emailOf("code", i));
    const prepStarted = performance.now();
    const codes = await requestCodes(service.url, codeEmails, env.sink);
    console.log(
      `prepared ${codes.length} codes through POST /auth/resend-otp in ${((performance.now() - prepStarted) / 1000).toFixed(1)} s`,
    );

    const tokensFile = await writeLines(file("tokens.txt"), tokens);
    const codesFile = await writeLines(
      file("codes.txt"),
      codes.map((c) => JSON.stringify(c)),
    );
    const refreshFile = await writeLines(
      file("refresh.txt"),
      refreshSessions.map((s) => JSON.stringify({ refresh_token: s.refreshToken })),
    );
    const loginFile = await writeLines(
      file("login.txt"),
      Array.from({ length: ACTIVE_USERS }, (_, i) => JSON.stringify({ email: emailOf("login", i), password: BENCH_PASSWORD })),
    );
    await sql`vacuum analyze`;

    // Each ceiling is measured just before the scenarios compared with it (the service idle meanwhile): this
    // virtual machine's speed drifts by a fifth or more over minutes, and a ratio of figures taken minutes
    // apart would measure the drift.
    await pause();
    const bareServer = await startBareServer();
    const bare = await measured(bareServer, null, {
      url: `${bareServer.url}/health`,
      connections: CONNECTIONS,
      seconds: wanted("bare") ? seconds : 1,
    });
    await bareServer.stop();
    rows.push({
      scenario: "ceiling: bare Elysia GET /health",
      connections: CONNECTIONS,
      result: bare,
      target: "zero errors",
      met: bare.errors === 0,
    });
    const frameworkCeiling = { name: "bare", rps: bare.rps };
    await pause();
    if (wanted("health")) {
      const health = await measured(service, sql, { url: `${service.url}/health`, connections: CONNECTIONS, seconds });
      rows.push({
        scenario: "GET /health",
        connections: CONNECTIONS,
        result: health,
        ceiling: frameworkCeiling,
        target: "zero errors",
        met: health.errors === 0,
      });
    }
    await pause();
    if (wanted("me")) {
      const me = await measured(service, sql, { url: `${service.url}/auth/me`, connections: CONNECTIONS, seconds, tokensFile });
      rows.push({
        scenario: "GET /auth/me",
        connections: CONNECTIONS,
        result: me,
        ceiling: frameworkCeiling,
        target: ">= 0.3 of bare",
        met: me.errors === 0 && me.rps >= 0.3 * bare.rps,
      });
    }
    await pause();
    if (wanted("verify")) {
      const verify = await measured(service, sql, {
        url: `${service.url}/auth/verify-otp`,
        method: "POST",
        connections: CONNECTIONS,
        seconds,
        bodiesFile: codesFile,
      });
      if (verify.exhausted > 0) {
        console.log(`verify-otp ran past its ${codes.length} prepared codes (${verify.exhausted} errors): raise BENCH_CODES_PER_SECOND`);
      }
      rows.push({
        scenario: "POST /auth/verify-otp",
        connections: CONNECTIONS,
        result: verify,
        ceiling: frameworkCeiling,
        target: ">= 3500/s, p99 < 50 ms",
        met: verify.errors === 0 && verify.rps >= 3500 && verify.p99Ms < 50,
      });
    }
    await pause();
    if (wanted("refresh")) {
      const refresh = await measured(service, sql, {
        url: `${service.url}/auth/refresh`,
        method: "POST",
        connections: CONNECTIONS,
        seconds,
        bodiesFile: refreshFile,
      });
      rows.push({
        scenario: "POST /auth/refresh",
        connections: CONNECTIONS,
        result: refresh,
        ceiling: frameworkCeiling,
        target: "zero errors",
        met: refresh.errors === 0,
      });
    }
    await pause();
    const hashing = await hashCeiling(wanted("hashing") ? seconds : 1, LOGIN_CONNECTIONS);
    rows.push({
      scenario: "ceiling: Bun.password.verify (argon2id)",
      connections: `${LOGIN_CONNECTIONS} at once`,
      result: hashing,
      target: "",
      met: true,
    });
    const hashCeilingRef = { name: "hashing", rps: hashing.rps };
    await pause();
    if (wanted("login")) {
      const login = await measured(service, sql, {
        url: `${service.url}/auth/login`,
        method: "POST",
        connections: LOGIN_CONNECTIONS,
        seconds,
        bodiesFile: loginFile,
      });
      rows.push({
        scenario: "POST /auth/login",
        connections: LOGIN_CONNECTIONS,
        result: login,
        ceiling: hashCeilingRef,
        target: ">= 0.9 of hashing",
        met: login.errors === 0 && login.rps >= 0.9 * hashing.rps,
      });
    }
    await pause();
    if (wanted("probe")) {
      const [loginUnderProbe, probe] = await Promise.all([
        measured(service, sql, {
          url: `${service.url}/auth/login`,
          method: "POST",
          connections: LOGIN_CONNECTIONS,
          seconds,
          bodiesFile: loginFile,
        }),
        Bun.sleep(500).then(() =>
          runLoad({ url: `${service.url}/health`, connections: PROBE.connections, seconds: seconds - 1, delayMs: PROBE.delayMs }),
        ),
      ]);
      rows.push({
        scenario: "GET /health while login is saturated",
        connections: `${PROBE.connections} (+${LOGIN_CONNECTIONS} login)`,
        result: probe,
        target: "p99 < 20 ms",
        met: probe.errors === 0 && probe.p99Ms < 20,
      });
      rows.push({
        scenario: "POST /auth/login beside that probe",
        connections: LOGIN_CONNECTIONS,
        result: loginUnderProbe,
        ceiling: hashCeilingRef,
        target: "zero errors",
        met: loginUnderProbe.errors === 0,
      });
    }
  } finally {
    await service.stop();
    await env.cleanup();
  }
  return formatTable(rows);
}
