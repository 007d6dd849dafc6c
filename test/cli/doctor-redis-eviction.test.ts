import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEV_ENTRY, runToEnd } from "../support/process";
import { startRedisServer, type RedisServer } from "../support/redis-server";

/**
 * Issue 15: a Redis that evicts keys can bring ended sessions back (their revocations go) and reset the rate
 * limits. `otp-auth doctor` reads maxmemory-policy from real redis-servers and warns unless it is noeviction.
 */
let lru: RedisServer;
let noeviction: RedisServer;
let folder: string;
beforeAll(async () => {
  [lru, noeviction, folder] = await Promise.all([
    startRedisServer({ args: ["--maxmemory-policy", "allkeys-lru"] }),
    startRedisServer({ args: ["--maxmemory-policy", "noeviction"] }),
    mkdtemp(join(tmpdir(), "otp-auth-eviction-")),
  ]);
  // A user that may run everything but CONFIG, as managed Redis services hand out.
  const admin = new Redis(lru.url);
  await admin.call("ACL", "SETUSER", "app", "on", ">app-password-0123", "~*", "&*", "+@all", "-config");
  admin.disconnect();
});
afterAll(async () => {
  await Promise.all([lru?.close(), noeviction?.close()]);
  if (folder) await rm(folder, { recursive: true, force: true });
});

// The embedded database and the mail catcher: only the Redis lines differ between the runs.
async function doctor(redisUrl: string) {
  const result = await runToEnd(
    [...DEV_ENTRY, "doctor"],
    { PATH: process.env.PATH ?? "", DATA_DIR: join(folder, "data"), REDIS_URL: redisUrl },
    folder,
  );
  return { ...result, redisLines: result.stdout.split("\n").filter((line) => /^(ok|WARN|FAIL) +redis +/.test(line)) };
}

describe("otp-auth doctor and Redis eviction", () => {
  test("maxmemory-policy allkeys-lru: a warning naming the policy and the fix; doctor still passes", async () => {
    const result = await doctor(lru.url);
    expect(result.exitCode).toBe(0);
    expect(result.redisLines[0]).toStartWith("ok   redis");
    expect(result.redisLines[1]).toMatch(/^WARN redis +maxmemory-policy is allkeys-lru: /);
    expect(result.stdout).toContain("fix: set maxmemory-policy noeviction");
    expect(result.stdout).toContain("All checks passed.");
  });

  test("maxmemory-policy noeviction: one ok line and no warning", async () => {
    const result = await doctor(noeviction.url);
    expect(result.exitCode).toBe(0);
    expect(result.redisLines).toHaveLength(1);
    expect(result.redisLines[0]).toStartWith("ok   redis");
    expect(result.stdout).not.toContain("WARN");
  });

  test("CONFIG refused (as managed services do): a warning that the policy could not be read, not a failure", async () => {
    const url = lru.url.replace("redis://", "redis://app:app-password-0123@");
    const result = await doctor(url);
    expect(result.exitCode).toBe(0);
    expect(result.redisLines[0]).toStartWith("ok   redis");
    expect(result.redisLines[1]).toMatch(/^WARN redis +could not read maxmemory-policy \(.*NOPERM.*\)/);
    expect(result.stdout).not.toContain("app-password-0123");
  });
});
