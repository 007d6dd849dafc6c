import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { freePort } from "../support/free-port";
import { DEV_ENTRY, runToEnd } from "../support/process";
import { leaseSharedRedisCluster, startRedisCluster, type RedisCluster } from "../support/redis-cluster";
import { makeFolder, removeFolder } from "../support/redis-servers";
import { startRedisSentinel, type RedisSentinelSetup } from "../support/redis-sentinel";
import { createTestCertificates, type TestCertificates } from "../support/tls-certificates";

/**
 * `otp-auth doctor` against a real Redis Cluster (plain, and with a password and TLS under a test CA), a real
 * Sentinel setup, and dead addresses: one line naming what answered, or why not and what to fix.
 */

const CLUSTER_PASSWORD = "doctor-cluster-password-42";
let lease: Awaited<ReturnType<typeof leaseSharedRedisCluster>>;
let secured: RedisCluster;
let certificates: TestCertificates;
let certificateFolder: string;
let sentinel: RedisSentinelSetup;

beforeAll(async () => {
  lease = await leaseSharedRedisCluster();
  certificateFolder = await makeFolder("tls");
  certificates = await createTestCertificates(certificateFolder);
  [secured, sentinel] = await Promise.all([
    startRedisCluster({ auth: { password: CLUSTER_PASSWORD, tls: certificates } }),
    startRedisSentinel(),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([lease?.release(), secured?.stop(), sentinel?.stop()]);
  if (certificateFolder) await removeFolder(certificateFolder);
}, 30_000);

// An empty working directory keeps the repository's .env out; DATA_DIR there is never written by doctor.
async function doctor(env: Record<string, string>) {
  const result = await runToEnd([...DEV_ENTRY, "doctor"], { PATH: process.env.PATH ?? "", ...env }, certificateFolder);
  return { ...result, redisLine: result.stdout.split("\n").find((line) => / redis +/.test(line)) ?? "" };
}

const seeds = (cluster: RedisCluster) => cluster.ports.map((port) => `127.0.0.1:${port}`).join(",");

describe("otp-auth doctor on a Redis Cluster or through Sentinel", () => {
  test("a cluster: the seeds, the number of masters and cluster_state:ok", async () => {
    const result = await doctor(lease.cluster.env());
    expect(result.exitCode).toBe(0);
    expect(result.redisLine).toStartWith("ok   redis");
    expect(result.redisLine).toContain(`Redis Cluster through ${seeds(lease.cluster)}; 3 masters, cluster_state:ok`);
  });

  test("a cluster with a password and TLS: reached when its CA is trusted, never showing the password", async () => {
    const result = await doctor({ ...secured.env(), NODE_EXTRA_CA_CERTS: certificates.ca });
    expect(result.exitCode).toBe(0);
    expect(result.redisLine).toContain(`Redis Cluster through ${seeds(secured)} (TLS); 3 masters, cluster_state:ok`);
    expect(result.stdout + result.stderr).not.toContain(CLUSTER_PASSWORD);
  });

  test("an untrusted certificate or a wrong password is named, with what to fix", async () => {
    const untrusted = await doctor(secured.env());
    expect(untrusted.exitCode).toBe(1);
    expect(untrusted.redisLine).toStartWith("FAIL redis");
    expect(untrusted.redisLine).toMatch(/certificate/);
    expect(untrusted.stdout).toContain("fix: start the cluster's nodes or correct REDIS_CLUSTER_NODES (and REDIS_PASSWORD, REDIS_TLS)");

    const wrong = await doctor({ ...secured.env(), REDIS_PASSWORD: "not-the-password", NODE_EXTRA_CA_CERTS: certificates.ca });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.redisLine).toContain("WRONGPASS");
    expect(wrong.stdout).not.toContain("not-the-password");
  });

  test("dead seed nodes: FAIL with the reason", async () => {
    const result = await doctor({ REDIS_CLUSTER_NODES: `127.0.0.1:${freePort()},127.0.0.1:${freePort()}` });
    expect(result.exitCode).toBe(1);
    expect(result.redisLine).toMatch(/^FAIL redis +cannot reach Redis Cluster through .*ECONNREFUSED/);
  });

  test("Sentinel: the master it names now; an unknown master name is FAIL", async () => {
    const result = await doctor(sentinel.env());
    expect(result.exitCode).toBe(0);
    expect(result.redisLine).toContain(`Redis master "${sentinel.masterName}" through the Sentinels at 127.0.0.1:${sentinel.sentinelPort}`);
    expect(result.redisLine).toContain(`master now at 127.0.0.1:${sentinel.ports[0]}`);

    const unknown = await doctor({ ...sentinel.env(), REDIS_SENTINEL_NAME: "no-such-master" });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.redisLine).toContain("No such master with that name");
    expect(unknown.stdout).toContain("fix: start the Sentinels or correct REDIS_SENTINELS, REDIS_SENTINEL_NAME (and REDIS_PASSWORD)");
  });
});
