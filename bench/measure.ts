// Measurements around a load: CPU per request of the service and its PostgreSQL backends, and the hashing
// ceiling (argon2id alone, in a process of its own).
import { join } from "node:path";
import type postgres from "postgres";
import { PASSWORD_MEMORY_KIB, PASSWORD_TIME_COST } from "./environment";
import { runLoad, type LoadResult, type LoadSpec } from "./load";
import { cpuSeconds, type Running, withDescendants } from "./processes";

export async function hashCeiling(seconds: number, concurrency: number): Promise<LoadResult> {
  const proc = Bun.spawn(["bun", join(import.meta.dir, "hash-ceiling.ts")], {
    env: {
      ...process.env,
      CONCURRENCY: String(concurrency),
      SECONDS: String(seconds),
      PASSWORD_MEMORY_KIB: String(PASSWORD_MEMORY_KIB),
      PASSWORD_TIME_COST: String(PASSWORD_TIME_COST),
    },
    stdout: "pipe",
  });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error(`hash ceiling failed: ${out}`);
  const r = JSON.parse(out.trim().split("\n").at(-1)!);
  return {
    seconds: r.seconds,
    requests: r.verifies,
    rps: r.rps,
    p50Ms: r.p50Ms,
    p90Ms: r.p90Ms,
    p99Ms: r.p99Ms,
    maxMs: r.maxMs,
    errors: 0,
    exhausted: 0,
    statuses: {},
    cpuMs: { service: r.cpuMsPerVerify, postgres: 0 },
  };
}

/**
 * The service's PostgreSQL backends: client connections to the run's database, but not the bench's own (named
 * otp-auth-bench) nor autovacuum workers, which would bill their work to whichever scenario they overlap.
 */
async function clientBackends(sql: postgres.Sql): Promise<number[]> {
  const rows = await sql<{ pid: number }[]>`
    select pid from pg_stat_activity
    where datname = current_database() and backend_type = 'client backend' and application_name <> 'otp-auth-bench'`;
  return rows.map((r) => r.pid);
}

/**
 * Runs one load and adds the CPU time the service and its PostgreSQL backends (without `sql`: none) spent per
 * request.
 */
export async function measured(service: Running, sql: postgres.Sql | null, spec: LoadSpec): Promise<LoadResult> {
  const backendPids = (db: postgres.Sql | null) => (db ? clientBackends(db) : Promise.resolve([]));
  // The service's own processes: one, or a supervisor and its workers (WORKERS).
  const servicePids = await withDescendants(service.pid);
  const pids = [...(await backendPids(sql))];
  const before = [await cpuSeconds(servicePids), await cpuSeconds(pids)];
  const result = await runLoad(spec);
  const morePids = (await backendPids(sql)).filter((pid) => !pids.includes(pid));
  const after = [await cpuSeconds(servicePids), await cpuSeconds([...pids, ...morePids])];
  const perRequest = (i: number) => (1000 * (after[i]! - before[i]!)) / Math.max(1, result.requests);
  return { ...result, cpuMs: { service: perRequest(0), postgres: perRequest(1) } };
}
