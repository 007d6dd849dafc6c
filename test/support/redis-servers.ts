import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Real `redis-server` processes on loopback for the tests (Redis Cluster and Sentinel): each in its own
 * temporary folder, stopped and removed by their owner's stop(), which the tests call in afterAll (it runs
 * when tests fail too). A process left over from an aborted run dies with the test process: `bun test` kills
 * its children when it ends (it runs no "exit" handlers, measured with Bun 1.4.5); the handler below covers
 * plain `bun` scripts.
 */

export interface ServerAuth {
  password?: string;
  /** PEM files of a test CA and of a server certificate it signed (for 127.0.0.1). */
  tls?: { ca: string; cert: string; key: string };
}

const running = new Set<Bun.Subprocess>();
const folders = new Set<string>();
process.once("exit", () => {
  for (const proc of running) proc.kill("SIGKILL");
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

export async function makeFolder(label: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), `otp-auth-${label}-`));
  folders.add(folder);
  return folder;
}

export async function removeFolder(folder: string) {
  await rm(folder, { recursive: true, force: true });
  folders.delete(folder);
}

/** `redis-server` arguments for a port, with the password and TLS of `auth`. */
export function serverArgs(port: number, folder: string, auth: ServerAuth): string[] {
  const args = ["--bind", "127.0.0.1", "--dir", folder, "--save", "", "--appendonly", "no", "--logfile", join(folder, "redis.log")];
  if (auth.tls) {
    const { ca, cert, key } = auth.tls;
    args.push(
      "--port",
      "0",
      "--tls-port",
      String(port),
      "--tls-cert-file",
      cert,
      "--tls-key-file",
      key,
      "--tls-ca-cert-file",
      ca,
      "--tls-auth-clients",
      "no",
      "--tls-replication",
      "yes",
      "--tls-cluster",
      "yes",
    );
  } else {
    args.push("--port", String(port));
  }
  if (auth.password) args.push("--requirepass", auth.password, "--masterauth", auth.password);
  return args;
}

/** `redis-cli` for one server, authenticated as `auth` says. */
export function cliArgs(port: number, auth: ServerAuth): string[] {
  const args = ["redis-cli", "-h", "127.0.0.1", "-p", String(port)];
  if (auth.password) args.push("-a", auth.password, "--no-auth-warning");
  if (auth.tls) args.push("--tls", "--cacert", auth.tls.ca);
  return args;
}

export async function redisCli(port: number, auth: ServerAuth, ...command: string[]): Promise<{ exitCode: number; output: string }> {
  const proc = Bun.spawn([...cliArgs(port, auth), ...command], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { exitCode, output: stdout + stderr };
}

/** Starts `redis-server` with these arguments; resolves once it answers PING, or throws with its log. */
export async function startServer(port: number, folder: string, auth: ServerAuth, args: string[], timeoutMs = 10_000) {
  // Its log goes to redis.log in its folder; stderr only carries what it says before opening that (a bad option).
  const proc = Bun.spawn(["redis-server", ...args], { cwd: folder, stdout: "ignore", stderr: "pipe", stdin: "ignore" });
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) break;
    if ((await redisCli(port, auth, "PING")).output.includes("PONG")) return proc;
    await Bun.sleep(50);
  }
  proc.kill("SIGKILL");
  await proc.exited;
  const log = await Bun.file(join(folder, "redis.log"))
    .text()
    .catch(() => "");
  const stderr = await new Response(proc.stderr).text();
  throw new Error(`redis-server on port ${port} did not come up (exit ${proc.exitCode}):\n${stderr}${log.slice(-2000)}`);
}

export async function stopServer(proc: Bun.Subprocess, signal: "SIGTERM" | "SIGKILL" = "SIGTERM") {
  if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
  await proc.exited;
}

/** Polls `check` every 50 ms until it is true; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}
