import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port";

/** The newest installed PostgreSQL's programs (Debian: /usr/lib/postgresql/<version>/bin). */
function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error(`no PostgreSQL under ${root}: install the postgresql package`);
  return join(root, versions[0], "bin");
}

/**
 * A real PostgreSQL cluster of our own (initdb + pg_ctl) in a temporary folder, on a spare loopback port,
 * with trust authentication. PostgreSQL refuses to run as root, so as root its programs run as the
 * `postgres` user, which owns the folder. fsync is off: the tests stop the server, never the machine.
 * It is stopped when the test process exits, whatever happened.
 */
export async function startPostgresServer() {
  const bin = postgresBin();
  const port = freePort();
  const dir = mkdtempSync(join(tmpdir(), "otp-auth-pg-"));
  const data = join(dir, "data");
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const [uid, gid] = await Promise.all(["-u", "-g"].map(async (flag) => Number((await Bun.$`id ${flag} postgres`.text()).trim())));
    chownSync(dir, uid!, gid!);
  }
  const command = (program: string, ...args: string[]) => [
    ...(asRoot ? ["runuser", "-u", "postgres", "--"] : []),
    join(bin, program),
    ...args,
  ];

  async function run(program: string, ...args: string[]) {
    const proc = Bun.spawn(command(program, ...args), { stdout: "pipe", stderr: "pipe", cwd: dir });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0) throw new Error(`${program} ${args.join(" ")} failed (${code}): ${err || out}`);
  }

  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off`;
  const start = () => run("pg_ctl", "-D", data, "-l", join(dir, "log"), "-o", options, "-w", "-t", "30", "start");
  const stopNow = () => {
    Bun.spawnSync(command("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"), { stdout: "ignore", stderr: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  };

  await run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions");
  process.once("exit", stopNow);
  await start();

  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    /** `fast` rolls back and disconnects every session; `immediate` drops them at once, as a crash would. */
    stop: (mode: "fast" | "immediate" = "fast") => run("pg_ctl", "-D", data, "-m", mode, "-w", "stop"),
    /** Starts it again on the same port, with its data. */
    start,
    async close() {
      process.off("exit", stopNow);
      stopNow();
    },
  };
}

export type PostgresServer = Awaited<ReturnType<typeof startPostgresServer>>;
