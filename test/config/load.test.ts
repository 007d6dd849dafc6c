import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/load";
import { envSchema } from "../../src/config/schema";
import { MINIMAL_ENV as minimal, problemsOf } from "../support/config";

const TRUST_PROXY_PROBLEM =
  "TRUST_PROXY: must be true, false, a number of proxies (0-10), or a comma-separated list of proxy addresses and CIDRs (loopback, private)";

describe("loadConfig", () => {
  test("fills the original service's defaults", () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({
      HOST: "0.0.0.0",
      PORT: 8000,
      ACCESS_TOKEN_EXPIRE_MINUTES: 30,
      OTP_LENGTH: 6,
      OTP_EXPIRE_SECONDS: 120,
      OTP_MAX_ATTEMPTS: 5,
      OTP_RESEND_COOLDOWN_SECONDS: 60,
      OTP_MAX_SENDS_PER_HOUR: 10,
      SMTP_PORT: 587,
      PASSWORD_MEMORY_KIB: 19456,
      PASSWORD_TIME_COST: 2,
      smtpSecurity: "starttls",
    });
    expect(config.CORS_ORIGINS).toEqual(["http://127.0.0.1:5500", "http://localhost:5500"]);
  });

  test("accepts the original's postgresql+asyncpg:// URL", () => {
    const config = loadConfig({ ...minimal, DATABASE_URL: "postgresql+asyncpg://postgres:pw@db:5432/user_management" });
    expect(config.DATABASE_URL).toBe("postgres://postgres:pw@db:5432/user_management");
  });

  test("SMTP_SECURITY defaults to tls on 465 and can be set", () => {
    expect(loadConfig({ ...minimal, SMTP_PORT: "465" }).smtpSecurity).toBe("tls");
    expect(loadConfig({ ...minimal, SMTP_PORT: "25", SMTP_SECURITY: "none" }).smtpSecurity).toBe("none");
  });

  test("empty values count as unset", () => {
    const config = loadConfig({ ...minimal, SMTP_USERNAME: "", PORT: "" });
    expect(config.SMTP_USERNAME).toBeUndefined();
    expect(config.PORT).toBe(8000);
  });

  test("CORS_ORIGINS is a comma list", () => {
    expect(loadConfig({ ...minimal, CORS_ORIGINS: "https://a.example, https://b.example," }).CORS_ORIGINS).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
  });

  test("CORS_ORIGINS: the development origins only outside production; in production none unless listed", () => {
    const production = { ...minimal, NODE_ENV: "production", SECRET_KEY: "x".repeat(32) };
    expect(loadConfig(production).CORS_ORIGINS).toEqual([]);
    expect(loadConfig({ ...production, CORS_ORIGINS: "https://app.example" }).CORS_ORIGINS).toEqual(["https://app.example"]);
    expect(loadConfig({ ...minimal, CORS_ORIGINS: "https://app.example" }).CORS_ORIGINS).toEqual(["https://app.example"]);
  });

  test("PAGE_API_ORIGINS: empty by default; http(s) origins only, normalised as browsers write them", () => {
    expect(loadConfig(minimal).PAGE_API_ORIGINS).toEqual([]);
    expect(
      loadConfig({ ...minimal, PAGE_API_ORIGINS: "https://API.example.com:443/, http://127.0.0.1:9000,https://api.example.com" })
        .PAGE_API_ORIGINS,
    ).toEqual(["https://api.example.com", "http://127.0.0.1:9000"]);
    for (const bad of [
      "*",
      "api.example.com",
      "ftp://api.example.com",
      "https://api.example.com/v1",
      "https://api.example.com?x=1",
      "https://user@api.example.com",
      'https://a.example"><script>',
      "https://a.example, *",
    ]) {
      expect({ bad, problems: problemsOf({ ...minimal, PAGE_API_ORIGINS: bad }) }).toEqual({
        bad,
        problems: ["PAGE_API_ORIGINS: must be comma-separated http(s) origins (scheme://host[:port], no path)"],
      });
    }
  });

  test("every bad or missing variable is listed at once, never with its value", () => {
    const problems = problemsOf({
      NODE_ENV: "production",
      SECRET_KEY: "short-secret-value",
      PORT: "eighty",
      OTP_LENGTH: "12",
      DATABASE_URL: "mysql://root:topsecretpw@db/app",
      FROM_EMAIL: "not-an-address",
    });
    const names = problems.map((p) => p.split(":")[0]);
    expect(names.sort()).toEqual(["DATABASE_URL", "FROM_EMAIL", "OTP_LENGTH", "PORT", "SECRET_KEY", "SMTP_SERVER"]);
    const text = problems.join("\n");
    for (const value of ["short-secret-value", "topsecretpw", "eighty", "not-an-address"]) expect(text).not.toContain(value);
    expect(text).toContain("SMTP_SERVER: is required when NODE_ENV=production");
  });

  test("with nothing set, every part runs on its embedded default", () => {
    const config = loadConfig({});
    expect(config.backends).toEqual({ database: "pglite", store: "memory", mail: "catcher" });
    expect(config.DATA_DIR).toBe("./data");
    expect(config.SECRET_KEY).toBeUndefined();
  });

  test("each external service is chosen by its own variable", () => {
    expect(loadConfig(minimal).backends).toEqual({ database: "postgres", store: "redis", mail: "smtp" });
    const { REDIS_URL: _, ...withoutRedis } = minimal;
    expect(loadConfig(withoutRedis).backends).toEqual({ database: "postgres", store: "memory", mail: "smtp" });
    const { DATABASE_URL: __, SMTP_SERVER: ___, FROM_EMAIL: ____, ...redisOnly } = minimal;
    expect(loadConfig(redisOnly).backends).toEqual({ database: "pglite", store: "redis", mail: "catcher" });
  });

  test("REDIS_CLUSTER_NODES picks a Redis Cluster: host:port seed nodes, names, IPv4 and [IPv6]", () => {
    const { REDIS_URL: _, ...noRedis } = minimal;
    const config = loadConfig({ ...noRedis, REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-1.internal:7001,[::1]:7002," });
    expect(config.REDIS_CLUSTER_NODES).toEqual([
      { host: "10.0.0.1", port: 7000 },
      { host: "redis-1.internal", port: 7001 },
      { host: "::1", port: 7002 },
    ]);
    expect(config.backends.store).toBe("redis-cluster");
    expect(config.REDIS_TLS).toBe(false);
    expect(loadConfig({ ...noRedis, REDIS_CLUSTER_NODES: "a:1", REDIS_PASSWORD: "pw", REDIS_TLS: "true" })).toMatchObject({
      REDIS_PASSWORD: "pw",
      REDIS_TLS: true,
    });
  });

  test("malformed seed nodes are refused by name, without the value", () => {
    const { REDIS_URL: _, ...noRedis } = minimal;
    for (const value of [
      "127.0.0.1",
      "redis://node-a:7000",
      "node-a:0",
      "node-a:65536",
      "node-a:7000,node-b",
      "node a:7000",
      ",",
      "::1:7000",
    ]) {
      const problems = problemsOf({ ...noRedis, REDIS_CLUSTER_NODES: value });
      expect(problems).toEqual(["REDIS_CLUSTER_NODES: must be comma-separated host:port pairs (an IPv6 host in [brackets])"]);
    }
  });

  test("only one way to Redis at a time", () => {
    expect(problemsOf({ ...minimal, REDIS_CLUSTER_NODES: "a:7000" })).toEqual([
      "REDIS_CLUSTER_NODES: set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS (REDIS_URL and REDIS_CLUSTER_NODES are set)",
    ]);
    const { REDIS_URL: _, ...noRedis } = minimal;
    expect(problemsOf({ ...noRedis, REDIS_CLUSTER_NODES: "a:7000", REDIS_SENTINELS: "s:26379", REDIS_SENTINEL_NAME: "m" })).toEqual([
      "REDIS_SENTINELS: set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS (REDIS_CLUSTER_NODES and REDIS_SENTINELS are set)",
    ]);
  });

  test("REDIS_SENTINELS picks the master the Sentinels name, and needs that name", () => {
    const { REDIS_URL: _, ...noRedis } = minimal;
    const config = loadConfig({ ...noRedis, REDIS_SENTINELS: "s1:26379,s2:26379", REDIS_SENTINEL_NAME: "mymaster", REDIS_PASSWORD: "pw" });
    expect(config.backends.store).toBe("redis-sentinel");
    expect(config.REDIS_SENTINELS).toEqual([
      { host: "s1", port: 26379 },
      { host: "s2", port: 26379 },
    ]);
    expect(problemsOf({ ...noRedis, REDIS_SENTINELS: "s1:26379" })).toEqual(["REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS"]);
    expect(problemsOf({ ...minimal, REDIS_SENTINEL_NAME: "mymaster" })).toEqual(["REDIS_SENTINEL_NAME: only applies with REDIS_SENTINELS"]);
  });

  test("REDIS_PASSWORD and REDIS_TLS are refused where they would be ignored", () => {
    expect(problemsOf({ ...minimal, REDIS_PASSWORD: "hunter2-redis" })).toEqual([
      "REDIS_PASSWORD: only applies with REDIS_CLUSTER_NODES or REDIS_SENTINELS (put a single server's password in REDIS_URL: redis://:password@host:6379)",
    ]);
    expect(problemsOf({ ...minimal, REDIS_TLS: "true" })).toEqual([
      "REDIS_TLS: only applies with REDIS_CLUSTER_NODES (for a single server use a rediss:// REDIS_URL)",
    ]);
    const { REDIS_URL: _, ...noRedis } = minimal;
    expect(problemsOf({ ...noRedis, REDIS_SENTINELS: "s:26379", REDIS_SENTINEL_NAME: "m", REDIS_TLS: "yes" })[0]).toStartWith("REDIS_TLS:");
    expect(loadConfig({ ...minimal, REDIS_TLS: "false" }).REDIS_TLS).toBe(false);
  });

  test("on a cluster the key prefix may not carry a hash tag of its own", () => {
    const { REDIS_URL: _, ...noRedis } = minimal;
    expect(problemsOf({ ...noRedis, REDIS_CLUSTER_NODES: "a:7000", REDIS_KEY_PREFIX: "{otp-auth}:" })).toEqual([
      "REDIS_KEY_PREFIX: must not contain { or } with REDIS_CLUSTER_NODES (the keys carry their own hash tags)",
    ]);
    expect(loadConfig({ ...minimal, REDIS_KEY_PREFIX: "{otp-auth}:" }).REDIS_KEY_PREFIX).toBe("{otp-auth}:");
  });

  test("production refuses the development mail catcher, and needs a sender with SMTP", () => {
    const { SMTP_SERVER: _, FROM_EMAIL: __, ...noMail } = minimal;
    expect(problemsOf({ ...noMail, NODE_ENV: "production", SECRET_KEY: "x".repeat(32) })).toEqual([
      "SMTP_SERVER: is required when NODE_ENV=production (the development mail catcher is refused in production)",
    ]);
    expect(problemsOf({ ...noMail, SMTP_SERVER: "smtp.example.com" })).toEqual(["FROM_EMAIL: is required when SMTP_SERVER is set"]);
  });

  test("production may keep the embedded database and store (one instance), but not without a strong key", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      SECRET_KEY: "x".repeat(32),
      SMTP_SERVER: "smtp.example.com",
      FROM_EMAIL: "a@example.com",
    });
    expect(config.backends).toEqual({ database: "pglite", store: "memory", mail: "smtp" });
    expect(problemsOf({ NODE_ENV: "production", SMTP_SERVER: "smtp.example.com", FROM_EMAIL: "a@example.com" })).toEqual([
      "SECRET_KEY: must be at least 32 characters when NODE_ENV=production",
    ]);
  });

  test("production needs a SECRET_KEY of at least 32 characters", () => {
    expect(problemsOf({ ...minimal, NODE_ENV: "production" })).toEqual([
      "SECRET_KEY: must be at least 32 characters when NODE_ENV=production",
    ]);
    expect(loadConfig({ ...minimal, NODE_ENV: "production", SECRET_KEY: "x".repeat(32) }).NODE_ENV).toBe("production");
  });

  test("OTP_RECHECK_MINUTES follows ACCESS_TOKEN_EXPIRE_MINUTES unless set", () => {
    expect(loadConfig({ ...minimal, ACCESS_TOKEN_EXPIRE_MINUTES: "15" }).otpRecheckMinutes).toBe(15);
    expect(loadConfig({ ...minimal, ACCESS_TOKEN_EXPIRE_MINUTES: "15", OTP_RECHECK_MINUTES: "1440" }).otpRecheckMinutes).toBe(1440);
    expect(loadConfig(minimal).REFRESH_TOKEN_EXPIRE_DAYS).toBe(30);
  });

  test("the admin credentials come as a pair, and the password is long in production", () => {
    expect(problemsOf({ ...minimal, ADMIN_EMAIL: "admin@example.com" })).toEqual(["ADMIN_PASSWORD: is required when ADMIN_EMAIL is set"]);
    expect(problemsOf({ ...minimal, ADMIN_PASSWORD: "a-very-long-admin-password" })).toEqual([
      "ADMIN_EMAIL: is required when ADMIN_PASSWORD is set",
    ]);
    const production = { ...minimal, NODE_ENV: "production", SECRET_KEY: "x".repeat(32), ADMIN_EMAIL: "admin@example.com" };
    const problems = problemsOf({ ...production, ADMIN_PASSWORD: "short-admin-pw" });
    expect(problems).toEqual(["ADMIN_PASSWORD: must be at least 16 characters when NODE_ENV=production"]);
    expect(problems.join()).not.toContain("short-admin-pw");
    expect(loadConfig({ ...production, ADMIN_PASSWORD: "a-very-long-admin-password" }).ADMIN_EMAIL).toBe("admin@example.com");
  });

  test("a short ADMIN_PASSWORD is refused whenever the server listens beyond loopback, in any mode", () => {
    const admin = { ...minimal, ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "short-admin-pw" };
    const exposed = [
      "ADMIN_PASSWORD: must be at least 16 characters when the server listens beyond loopback (HOST not 127.0.0.1, ::1 or localhost)",
    ];
    // HOST defaults to 0.0.0.0.
    expect(problemsOf(admin)).toEqual(exposed);
    expect(problemsOf({ ...admin, HOST: "192.0.2.10" })).toEqual(exposed);
    expect(problemsOf({ ...admin, HOST: "::" })).toEqual(exposed);
    expect(problemsOf({ ...admin, HOST: "0.0.0.0" }).join()).not.toContain("short-admin-pw");
    for (const host of ["127.0.0.1", "::1", "localhost", "LOCALHOST"])
      expect(loadConfig({ ...admin, HOST: host }).ADMIN_PASSWORD).toBe("short-admin-pw");
    // The development mail catcher makes the server listen on 127.0.0.1 whatever HOST says.
    const { SMTP_SERVER: _server, FROM_EMAIL: _from, ...catcher } = admin;
    expect(loadConfig({ ...catcher, HOST: "0.0.0.0" }).ADMIN_PASSWORD).toBe("short-admin-pw");
    expect(loadConfig({ ...admin, ADMIN_PASSWORD: "x".repeat(16) }).ADMIN_PASSWORD).toBe("x".repeat(16));
  });

  test("LOG_FORMAT defaults to json in production and pretty elsewhere, and can be set", () => {
    expect(loadConfig(minimal).LOG_FORMAT).toBe("pretty");
    expect(loadConfig({ ...minimal, NODE_ENV: "production", SECRET_KEY: "x".repeat(32) }).LOG_FORMAT).toBe("json");
    expect(loadConfig({ ...minimal, LOG_FORMAT: "json" }).LOG_FORMAT).toBe("json");
    expect(loadConfig({ ...minimal, NODE_ENV: "production", SECRET_KEY: "x".repeat(32), LOG_FORMAT: "pretty" }).LOG_FORMAT).toBe("pretty");
    expect(problemsOf({ ...minimal, LOG_FORMAT: "yaml" })[0]).toStartWith("LOG_FORMAT:");
  });

  test("PUBLIC_URL must be an http(s) URL; METRICS_TOKEN must be long enough and is never echoed", () => {
    expect(loadConfig({ ...minimal, PUBLIC_URL: "https://auth.example.com/" }).PUBLIC_URL).toBe("https://auth.example.com");
    expect(loadConfig(minimal).PUBLIC_URL).toBeUndefined();
    for (const bad of ["auth.example.com", "ftp://auth.example.com", "javascript:alert(1)"]) {
      expect(problemsOf({ ...minimal, PUBLIC_URL: bad })[0]).toStartWith("PUBLIC_URL:");
    }
    expect(loadConfig({ ...minimal, METRICS_TOKEN: "m".repeat(16) }).METRICS_TOKEN).toBe("m".repeat(16));
    const problems = problemsOf({ ...minimal, METRICS_TOKEN: "short-tok" });
    expect(problems).toEqual(["METRICS_TOKEN: must be at least 16 characters"]);
    expect(problems.join()).not.toContain("short-tok");
  });

  test("TRUST_PROXY is off by default, and takes true, false or a number of proxies", () => {
    expect(loadConfig(minimal).TRUST_PROXY).toBe(0);
    expect(loadConfig({ ...minimal, TRUST_PROXY: "true" }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ ...minimal, TRUST_PROXY: "FALSE" }).TRUST_PROXY).toBe(0);
    expect(loadConfig({ ...minimal, TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    for (const bad of ["yes please", "11", "-1", "1.5"]) {
      expect(problemsOf({ ...minimal, TRUST_PROXY: bad })).toEqual([TRUST_PROXY_PROBLEM]);
    }
  });

  test("TRUST_PROXY also takes the proxies' own addresses and CIDRs, with loopback and private shorthands", () => {
    expect(loadConfig({ ...minimal, TRUST_PROXY: "loopback, 10.0.0.0/8" }).TRUST_PROXY).toEqual({
      proxies: ["127.0.0.0/8", "::1/128", "10.0.0.0/8"],
    });
    expect(loadConfig({ ...minimal, TRUST_PROXY: "Private" }).TRUST_PROXY).toEqual({
      proxies: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
    });
    // Bare addresses are one host; host bits of a CIDR are dropped; IPv4-mapped IPv6 is IPv4.
    expect(loadConfig({ ...minimal, TRUST_PROXY: "203.0.113.7,2001:DB8::1,10.1.2.3/8,::ffff:192.0.2.0/120," }).TRUST_PROXY).toEqual({
      proxies: ["203.0.113.7/32", "2001:db8::1/128", "10.0.0.0/8", "192.0.2.0/24"],
    });
    for (const bad of ["10.0.0.0/33", "loopback,nowhere", "127.1", "10.0.0.0/8/8", "0x7f.0.0.1", "fe80::1%eth0", "1,2"]) {
      expect(problemsOf({ ...minimal, TRUST_PROXY: bad })).toEqual([TRUST_PROXY_PROBLEM]);
    }
  });

  test("rate limits and the login protection have defaults and refuse zero", () => {
    expect(loadConfig(minimal)).toMatchObject({
      RATE_LIMIT_MAIL_PER_HOUR: 20,
      RATE_LIMIT_PASSWORD_PER_MINUTE: 20,
      RATE_LIMIT_CODE_PER_MINUTE: 20,
      RATE_LIMIT_OAUTH_PER_MINUTE: 30,
      RATE_LIMIT_PASSKEY_PER_MINUTE: 30,
      LOGIN_MAX_CONSECUTIVE_FAILURES: 5,
      LOGIN_BLOCK_SECONDS: 60,
      LOGIN_BLOCK_MAX_SECONDS: 3600,
      LOGIN_MAX_FAILURES_PER_IP_PER_DAY: 100,
    });
    expect(problemsOf({ ...minimal, RATE_LIMIT_CODE_PER_MINUTE: "0", LOGIN_BLOCK_SECONDS: "90000" }).map((p) => p.split(":")[0])).toEqual([
      "RATE_LIMIT_CODE_PER_MINUTE",
      "LOGIN_BLOCK_SECONDS",
    ]);
  });

  test("OTP_LENGTH must be 4-10", () => {
    expect(problemsOf({ ...minimal, OTP_LENGTH: "3" })[0]).toStartWith("OTP_LENGTH:");
    expect(loadConfig({ ...minimal, OTP_LENGTH: "10" }).OTP_LENGTH).toBe(10);
  });
});

describe("documentation of the configuration", () => {
  const variables = Object.keys(envSchema.shape).sort();

  test("docs/configuration.md's table lists exactly the variables of the schema", async () => {
    const page = await Bun.file(new URL("../../docs/configuration.md", import.meta.url)).text();
    // The table that starts with the Variable | Default | Description header, up to the first line that is no row.
    const table = page.split(/^\| Variable \| Default \| Description \|$/m)[1]!.split(/^(?!\|)/m)[0]!;
    const rows = [...table.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]!);
    expect(rows.sort()).toEqual(variables);
  });

  test(".env.example mentions every variable", async () => {
    const example = await Bun.file(new URL("../../.env.example", import.meta.url)).text();
    const named = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    expect([...named].sort()).toEqual(variables);
  });

  test("every variable in the schema is described", () => {
    for (const [name, schema] of Object.entries(envSchema.shape)) {
      expect({ name, description: (schema as { description?: string }).description ?? "" }.description.length).toBeGreaterThan(5);
    }
  });
});
