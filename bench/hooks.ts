// What each global hook costs: the hooks of src/app.ts one at a time in a bare Elysia app (bench/hook-server.ts),
// driven like the main table (wrk, 64 connections) on GET /health and on a verify-otp-shaped POST, with the
// CPU per request of the server process against the same app with no hook; then the hot functions inside
// them, timed in a loop (bench/hook-functions.ts).
import { join } from "node:path";
import { runLoad, type LoadResult } from "./load";
import { writeLines } from "./prepare";
import { cpuSeconds, startBun, type Running } from "./processes";
import { markdown } from "./table";

const CONNECTIONS = 64;
// One server per line: no hook, each hook of src/app.ts alone (metrics-only: the request-log plugin with its
// log line below the level, so its metrics and bookkeeping without the line), then all of them.
const VARIANTS = ["none", "request-log", "metrics-only", "security-headers", "error-handler", "request-guards", "cors", "all"];

async function cpuPerRequest(server: Running, spec: Parameters<typeof runLoad>[0]): Promise<LoadResult & { cpuUs: number }> {
  const before = await cpuSeconds([server.pid]);
  const result = await runLoad(spec);
  const cpuUs = (((await cpuSeconds([server.pid])) - before) * 1e6) / Math.max(1, result.requests);
  return { ...result, cpuUs };
}

export async function runHookCosts({ seconds, work }: { seconds: number; work: string }): Promise<string> {
  const bodies = await writeLines(
    join(work, "hook-bodies.txt"),
    Array.from({ length: 1000 }, (_, i) => JSON.stringify({ email: `hook-${i}@bench.test`, code: String(100000 + i) })),
  );
  const rows: { variant: string; get: LoadResult & { cpuUs: number }; post: LoadResult & { cpuUs: number } }[] = [];
  for (const variant of VARIANTS) {
    const server = await startBun("bench/hook-server.ts", [], { HOOKS: variant });
    try {
      const get = await cpuPerRequest(server, { url: `${server.url}/health`, connections: CONNECTIONS, seconds });
      await Bun.sleep(500);
      const post = await cpuPerRequest(server, {
        url: `${server.url}/auth/verify-otp`,
        method: "POST",
        connections: CONNECTIONS,
        seconds,
        bodiesFile: bodies,
        repeatBodies: true,
      });
      rows.push({ variant, get, post });
    } finally {
      await server.stop();
    }
    await Bun.sleep(500);
  }
  const base = rows[0]!;
  const added = (value: number, baseline: number) =>
    value === baseline ? "" : `${value - baseline >= 0 ? "+" : ""}${(value - baseline).toFixed(1)}`;
  const table = markdown(
    ["hooks", "GET /health req/s", "CPU µs/req", "added", "POST verify-otp req/s", "CPU µs/req", "added", "errors"],
    rows.map(({ variant, get, post }) => [
      variant,
      get.rps.toFixed(0),
      get.cpuUs.toFixed(1),
      added(get.cpuUs, base.get.cpuUs),
      post.rps.toFixed(0),
      post.cpuUs.toFixed(1),
      added(post.cpuUs, base.post.cpuUs),
      String(get.errors + post.errors),
    ]),
  );
  return `${table}\n\n${await hookFunctionCosts()}`;
}

async function hookFunctionCosts(): Promise<string> {
  const proc = Bun.spawn(["bun", join(import.meta.dir, "hook-functions.ts")], { stdout: "pipe" });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error(`hook functions failed: ${out}`);
  const costs = JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, number>;
  return markdown(
    ["inside the hooks", "ns per call"],
    Object.entries(costs).map(([name, ns]) => [name, ns.toFixed(0)]),
  );
}
