import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAppProcess, type AppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { seedEmbeddedDatabase } from "../support/embedded-template";
import { TEST_REDIS_URL, uniqueId } from "../support/env";
import { smtpEnv, startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";

/**
 * WORKERS: `serve` as a supervisor of that many server processes on one port, read from /proc: its children,
 * and which processes hold a listening socket on the port.
 */

const children = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);

/** The pids among `pids` that hold a listening TCP socket on `port`. */
function listenersOn(port: number, pids: number[]): number[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A") inodes.add(fields[9]!);
    }
  }
  return pids.filter((pid) =>
    readdirSync(`/proc/${pid}/fd`).some((fd) => {
      const target = (() => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return "";
        }
      })();
      return inodes.has(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? "");
    }),
  );
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

const healthy = (base: string) =>
  fetch(`${base}/health`, { headers: { connection: "close" } }).then(
    (res) => res.ok,
    () => false,
  );

describe("WORKERS=2 with PostgreSQL, Redis and SMTP", () => {
  let database: TestDatabase;
  let inbox: SmtpInbox;
  let server: AppProcess;
  beforeAll(async () => {
    [database, inbox] = await Promise.all([createTestDatabase({ migrate: false }), startSmtpInbox()]);
    server = await startAppProcess({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `otp-auth-test:${uniqueId()}:`,
      SECRET_KEY: "workers-test-secret-0123456789abcdefghijkl",
      ...smtpEnv(inbox),
      WORKERS: "2",
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await inbox?.close();
    await database?.drop();
  });

  test("two workers listen on the port; one killed is restarted while the other answers; SIGTERM stops them all", async () => {
    const supervisor = server.proc.pid;
    const first = await waitFor("two workers listening", () => {
      const pids = children(supervisor);
      return pids.length === 2 && listenersOn(server.port, pids).length === 2 ? pids : undefined;
    });
    expect(listenersOn(server.port, [supervisor])).toEqual([]);

    // Each original worker in turn: killed, the other answers alone until the supervisor starts a new one.
    let current = first;
    for (const victim of first) {
      process.kill(victim, "SIGKILL");
      await waitFor("the killed worker gone", () => (children(supervisor).includes(victim) ? undefined : true));
      expect(children(supervisor)).toHaveLength(1);
      for (let i = 0; i < 10; i++) expect(await healthy(server.base)).toBe(true);
      current = await waitFor("a new worker listening", () => {
        const pids = children(supervisor);
        return pids.length === 2 && listenersOn(server.port, pids).length === 2 ? pids : undefined;
      });
      expect(current).not.toContain(victim);
    }
    expect(current.filter((pid) => first.includes(pid))).toEqual([]);
    expect(server.output()).toContain("worker exited; restarting it");

    await server.stop();
    expect(server.proc.exitCode).toBe(0);
    for (const pid of current) expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(server.output()).toContain("supervisor stopped");
  }, 60_000);
});

describe("WORKERS=2 on the embedded defaults", () => {
  let dataDir: string;
  let server: AppProcess;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "otp-auth-workers-"));
    await seedEmbeddedDatabase(dataDir);
    server = await startAppProcess({ DATA_DIR: dataDir, WORKERS: "2" });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test("stays one process, and says why", async () => {
    expect(listenersOn(server.port, [server.proc.pid])).toEqual([server.proc.pid]);
    expect(children(server.proc.pid)).toEqual([]);
    expect(server.output()).toContain("WORKERS=2 ignored: the embedded defaults run in one process");
  });
});
