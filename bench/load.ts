// Runs Debian's wrk (C, one epoll loop per thread, Lua for per-request bodies) against one URL and reads the
// JSON line its script prints. wrk is the load generator because it is not our code, costs the least CPU
// per request of the candidates (this machine has 2 cores for wrk, the service, PostgreSQL and Redis), and
// its Lua hooks send each single-use code or refresh token exactly once.
import { join } from "node:path";

export interface LoadSpec {
  url: string;
  method?: "GET" | "POST";
  connections: number;
  seconds: number;
  /** A file with one JSON body per line; each is sent once. */
  bodiesFile?: string;
  /** Send the bodies in turn, again and again, instead of each once (for inputs that are not single use). */
  repeatBodies?: boolean;
  /** A file with one bearer token per line, used in turn. */
  tokensFile?: string;
  /** A pause before each request of a connection, for a probe that measures rather than floods. */
  delayMs?: number;
  /** Count answers by status (costs wrk a little; for debugging a scenario). */
  countStatuses?: boolean;
}

export interface LoadResult {
  seconds: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Non-2xx/3xx answers plus socket errors (connect, read, write, timeout). */
  errors: number;
  /** Requests sent after the prepared bodies ran out (a sizing bug of the run, counted as errors too). */
  exhausted: number;
  statuses: Record<string, number>;
  /** CPU milliseconds per request spent by the service process and by its PostgreSQL backends. */
  cpuMs?: { service: number; postgres: number };
}

const SCRIPT = join(import.meta.dir, "wrk", "requests.lua");
// One wrk thread: it drives 64 connections with a fraction of a core, leaving the rest to what is measured.
const THREADS = 1;

export function ensureWrk(): void {
  if (Bun.which("wrk")) return;
  throw new Error("wrk is not installed: `apt-get install -y wrk` (Debian's package) and run again.");
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  const proc = Bun.spawn(
    [
      "wrk",
      "-t",
      String(THREADS),
      "-c",
      String(spec.connections),
      "-d",
      `${spec.seconds}s`,
      "--timeout",
      "10s",
      "-s",
      SCRIPT,
      `${url.origin}${url.pathname}`,
    ],
    {
      env: {
        ...process.env,
        BENCH_METHOD: spec.method ?? "GET",
        BENCH_PATH: url.pathname,
        BENCH_BODIES: spec.bodiesFile ?? "",
        BENCH_REPEAT: spec.repeatBodies ? "1" : "0",
        BENCH_TOKENS: spec.tokensFile ?? "",
        BENCH_DELAY_MS: String(spec.delayMs ?? 0),
        BENCH_THREADS: String(THREADS),
        BENCH_STATUSES: spec.countStatuses ? "1" : "0",
      },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const line = out.split("\n").find((l) => l.startsWith('{"duration_us"'));
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}): ${err || out}`);
  const r = JSON.parse(line);
  const seconds = r.duration_us / 1e6;
  return {
    seconds,
    requests: r.requests,
    rps: r.requests / seconds,
    p50Ms: r.p50_us / 1000,
    p90Ms: r.p90_us / 1000,
    p99Ms: r.p99_us / 1000,
    maxMs: r.max_us / 1000,
    errors: r.status + r.connect + r.read + r.write + r.timeout + r.exhausted,
    exhausted: r.exhausted,
    statuses: r.statuses,
  };
}
