// `bun run bench:startup`: builds the binary, prints its size, and measures how long it takes from spawn to
// the first `GET /health` 200, with external PostgreSQL + Redis, and with the embedded defaults (PGlite:
// first start into an empty DATA_DIR, then restarts). Uses the local services of the README (DATABASE_URL
// or postgres://postgres@127.0.0.1:5432/test for the admin connection, REDIS_URL or redis://127.0.0.1:6379).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = join(import.meta.dir, "..");
const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";

function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}

/** Milliseconds from spawn to the first 200 from /health; then stops the process with SIGTERM. */
async function timeToHealthy(binary: string, env: Record<string, string>, cwd: string): Promise<number> {
  const port = freePort();
  const started = performance.now();
  const proc = Bun.spawn([binary], { env: { ...env, PORT: String(port) }, cwd, stdout: "ignore", stderr: "pipe" });
  try {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`exited ${proc.exitCode}: ${await new Response(proc.stderr).text()}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await Bun.sleep(5);
    }
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(0)} ms, min ${sorted[0]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms (${samples.length} runs)`;
};

const work = await mkdtemp(join(tmpdir(), "otp-auth-bench-"));
const binary = join(work, "otp-auth");
const build = Bun.spawnSync(["bun", join(root, "scripts/build.ts"), binary], { stdout: "ignore", stderr: "inherit" });
if (build.exitCode !== 0) process.exit(1);
console.log(
  `binary size: ${(Bun.file(binary).size / 1024 / 1024).toFixed(1)} MiB (${process.platform}-${process.arch}, Bun ${Bun.version})`,
);

const dbName = `otp_auth_bench_${Date.now()}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${dbName}"`);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${dbName}`;
try {
  const external = {
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redisUrl,
    SECRET_KEY: "bench-secret-bench-secret-bench-secret",
    SMTP_SERVER: "127.0.0.1",
    SMTP_PORT: "2525",
    FROM_EMAIL: "bench@otp-auth.test",
    LOG_LEVEL: "warn",
  };
  const first = await timeToHealthy(binary, external, work);
  const externalRuns = [];
  for (let i = 0; i < RUNS; i++) externalRuns.push(await timeToHealthy(binary, external, work));
  console.log(`start-up, external PostgreSQL + Redis: first (migrations) ${first.toFixed(0)} ms; then ${stats(externalRuns)}`);

  const fresh = [];
  const restarts = [];
  for (let i = 0; i < RUNS; i++) {
    const dataDir = join(work, `data-${i}`);
    fresh.push(await timeToHealthy(binary, { DATA_DIR: dataDir, LOG_LEVEL: "warn" }, work));
    restarts.push(await timeToHealthy(binary, { DATA_DIR: dataDir, LOG_LEVEL: "warn" }, work));
  }
  console.log(`start-up, embedded PGlite, first start (initdb + migrations): ${stats(fresh)}`);
  console.log(`start-up, embedded PGlite, restart: ${stats(restarts)}`);
} finally {
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
  await rm(work, { recursive: true, force: true });
}
