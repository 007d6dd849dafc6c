// `bun run bench`: drives the running service with wrk on loopback, against real PostgreSQL and Redis, and
// prints one table: every scenario's rate, p50/p99 latency and errors beside the raw limit measured in the
// same run (the bare Elysia handler, and Bun.password.verify with the same argon2id parameters).
// `bun run bench -- --scale` adds the cost-growth figures (10 thousand and 1 million users, memory per
// pending code in the in-process store). BENCH_SECONDS shortens every scenario (for trying the script).
// After the main table, what each global hook costs (bench/hooks.ts; at most 5 s a load, BENCH_ONLY=hooks alone).
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { describeMachine } from "./machine";
import { ensureWrk } from "./load";
import { runHookCosts } from "./hooks";
import { runMainScenarios, wanted, wantsMainTable } from "./scenarios";
import { runScale } from "./scale";

ensureWrk();
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const scale = process.argv.includes("--scale");
const work = await mkdtemp(join(tmpdir(), "otp-auth-bench-"));
try {
  console.log(await describeMachine());
  if (!process.argv.includes("--scale-only") && wantsMainTable()) console.log(`\n${await runMainScenarios({ seconds, work })}`);
  if (!process.argv.includes("--scale-only") && wanted("hooks"))
    console.log(`\n${await runHookCosts({ seconds: Math.min(seconds, 5), work })}`);
  if (scale || process.argv.includes("--scale-only")) console.log(`\n${await runScale({ work })}`);
  console.log(
    `\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
