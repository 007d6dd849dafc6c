// The machine and versions every figure was measured on, printed above the table.
import { cpus, loadavg, totalmem } from "node:os";
import postgres from "postgres";
import { Redis } from "ioredis";

export async function describeMachine(): Promise<string> {
  const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const [row] = await sql<{ server_version: string }[]>`show server_version`;
  await sql.end();
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0");
  const version = /redis_version:(\S+)/.exec(await redis.info("server"))?.[1];
  redis.disconnect();
  const wrk = Bun.spawnSync(["wrk", "--version"]).stdout.toString().split("\n")[0]?.split(" [")[0];
  const model = (await Bun.file("/proc/cpuinfo").text()).match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model;
  return [
    `machine: ${cpus().length} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${process.platform}-${process.arch}`,
    `software: Bun ${Bun.version}, PostgreSQL ${row?.server_version}, Redis ${version}, ${wrk}`,
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  ].join("\n");
}
