import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_REDIS_URL, uniqueId } from "../support/env";
import { freePort } from "../support/free-port";
import { DEV_ENTRY, runToEnd, startProcess, waitForHealth } from "../support/process";
import { smtpEnv, startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";

/**
 * The hop-count TRUST_PROXY believes X-Forwarded-For from whoever connects: doctor and the start-up log warn
 * when it is used while the server listens beyond loopback.
 */
let database: TestDatabase;
let inbox: SmtpInbox;
let folder: string;
beforeAll(async () => {
  [database, inbox, folder] = await Promise.all([
    createTestDatabase({ migrate: false }),
    startSmtpInbox(),
    mkdtemp(join(tmpdir(), "otp-auth-proxy-warning-")),
  ]);
});
afterAll(async () => {
  await inbox?.close();
  await database?.drop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const env = (extra: Record<string, string>): Record<string, string> => ({
  PATH: process.env.PATH ?? "",
  DATABASE_URL: database.url,
  REDIS_URL: TEST_REDIS_URL,
  REDIS_KEY_PREFIX: `otp-auth-test:${uniqueId()}:`,
  SECRET_KEY: "proxy-warning-secret-0123456789-0123456789",
  ...smtpEnv(inbox),
  ...extra,
});

const warnLines = (stdout: string) => stdout.split("\n").filter((line) => line.startsWith("WARN"));

describe("otp-auth doctor", () => {
  test("warns about a hop-count TRUST_PROXY while the server listens beyond loopback, and still passes", async () => {
    const result = await runToEnd([...DEV_ENTRY, "doctor"], env({ TRUST_PROXY: "1", HOST: "0.0.0.0" }), folder);
    expect(result.exitCode).toBe(0);
    const [warning, ...others] = warnLines(result.stdout);
    expect(others).toEqual([]);
    expect(warning).toMatch(/^WARN proxy +TRUST_PROXY=1 believes X-Forwarded-For from any peer/);
    expect(result.stdout).toContain("fix: set TRUST_PROXY to your proxies' addresses");
    expect(result.stdout).toContain("All checks passed.");
  });

  test("no warning with a list of proxies, with TRUST_PROXY off, or on loopback (HOST, or the mail catcher)", async () => {
    const cases: Record<string, string>[] = [
      env({ TRUST_PROXY: "loopback,10.0.0.0/8", HOST: "0.0.0.0" }),
      env({ TRUST_PROXY: "false", HOST: "0.0.0.0" }),
      env({ TRUST_PROXY: "2", HOST: "127.0.0.1" }),
      { PATH: process.env.PATH ?? "", DATA_DIR: join(folder, "data"), TRUST_PROXY: "true", HOST: "0.0.0.0" },
    ];
    for (const extra of cases) {
      const result = await runToEnd([...DEV_ENTRY, "doctor"], extra, folder);
      expect({ exitCode: result.exitCode, warnings: warnLines(result.stdout) }).toEqual({ exitCode: 0, warnings: [] });
    }
  });
});

describe("otp-auth serve", () => {
  async function startupLog(extra: Record<string, string>) {
    const port = freePort();
    const proc = startProcess([...DEV_ENTRY, "serve"], env({ PORT: String(port), LOG_FORMAT: "json", ...extra }), folder);
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, proc);
    } finally {
      proc.kill("SIGTERM");
    }
    expect(await proc.exited).toBe(0);
    return (await new Response(proc.stdout).text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  test("logs a warning at start-up for a hop-count TRUST_PROXY on 0.0.0.0, none for a list of proxies", async () => {
    const hops = await startupLog({ TRUST_PROXY: "true", HOST: "0.0.0.0" });
    const warning = hops.find((entry) => entry.level === "warn" && String(entry.message).includes("TRUST_PROXY"));
    expect(warning).toMatchObject({ message: expect.stringContaining("believes X-Forwarded-For from any peer"), fix: expect.any(String) });

    const listed = await startupLog({ TRUST_PROXY: "loopback", HOST: "0.0.0.0" });
    expect(listed.some((entry) => entry.message === "otp-auth listening")).toBe(true);
    expect(listed.filter((entry) => entry.level === "warn")).toEqual([]);
  });
});
