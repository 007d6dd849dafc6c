import { describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import packageJson from "../../../package.json";
import { AUDIT_EVENTS } from "../../../src/audit/events";
import { csvCell } from "../../../src/modules/admin/audit-export";
import { ADMIN_ENV, adminSuite, basicAuth } from "../../support/admin";
import { uniqueId } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Backend } from "../../support/harness";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(CORE_BACKENDS)("audit, activity and health for the console (%s)", (backend) => {
  const s = adminSuite(backend);

  /** Writes an audit row at `at` (ms) straight into the table, as the audit log would have. */
  const insertEvent = (
    at: number,
    event: string,
    outcome: "success" | "failure",
    extra: { detail?: string; email?: string; ip?: string; ua?: string } = {},
  ) =>
    s.h.rows(sql`insert into audit_events (created_at, event, outcome, email, ip, user_agent, detail)
      values (${new Date(at).toISOString()}, ${event}, ${outcome}, ${extra.email ?? null}, ${extra.ip ?? null}, ${extra.ua ?? null}, ${extra.detail ?? null})`);

  test("activity counts each series per day and per hour over the last 7 or 30 days, in SQL over the audit log", async () => {
    const admin = await s.newAdmin();
    const now = s.h.clock.now();
    const twoDaysAgo = now - 2 * DAY;
    await insertEvent(twoDaysAgo, "register", "success");
    await insertEvent(twoDaysAgo, "register", "success");
    await insertEvent(twoDaysAgo, "register", "failure", { detail: "otp_cooldown" });
    await insertEvent(twoDaysAgo, "login", "success");
    await insertEvent(twoDaysAgo, "oauth_sign_in", "success");
    await insertEvent(twoDaysAgo, "login", "failure", { detail: "invalid_credentials" });
    await insertEvent(twoDaysAgo, "login", "failure", { detail: "login_blocked" });
    await insertEvent(twoDaysAgo, "code_sent", "success", { detail: "register" });
    await insertEvent(twoDaysAgo, "verify_otp", "failure", { detail: "register: otp_attempts_exhausted" });
    await insertEvent(now - 8 * DAY, "register", "success");
    await insertEvent(now - 31 * DAY, "register", "success");

    const week = (await s.http("GET", "/auth/admin/activity?days=7&bucket=day", undefined, admin.token)).body;
    expect(week.buckets).toHaveLength(7);
    expect(week.buckets.at(-1)).toBe(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`);
    const at = week.buckets.indexOf(`${new Date(twoDaysAgo).toISOString().slice(0, 10)}T00:00:00Z`);
    expect(at).toBe(4);
    const day = Object.fromEntries(Object.entries(week.series).map(([name, counts]) => [name, (counts as number[])[at]]));
    expect(day).toEqual({ sign_ups: 2, sign_ins: 2, sign_in_failures: 2, codes_sent: 1, rate_limited: 3 });

    const month = (await s.http("GET", "/auth/admin/activity?days=30&bucket=day", undefined, admin.token)).body;
    expect(month.buckets).toHaveLength(30);
    expect(
      month.series.sign_ups.reduce((a: number, b: number) => a + b, 0) - week.series.sign_ups.reduce((a: number, b: number) => a + b, 0),
    ).toBe(1);

    const hours = (await s.http("GET", "/auth/admin/activity?days=7&bucket=hour", undefined, admin.token)).body;
    expect(hours.buckets).toHaveLength(7 * 24);
    const hour = hours.buckets.indexOf(new Date(Math.floor(twoDaysAgo / HOUR) * HOUR).toISOString().replace(".000Z", "Z"));
    expect(hours.series.sign_ups[hour]).toBe(2);
    expect((await s.http("GET", "/auth/admin/activity?days=30&bucket=hour", undefined, admin.token)).body.buckets).toHaveLength(720);
    expect((await s.http("GET", "/auth/admin/activity?days=9", undefined, admin.token)).status).toBe(422);
  });

  test("the audit log filters by outcome, IP and time range, a page at a time", async () => {
    const admin = await s.newAdmin();
    const ip = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
    const base = s.h.clock.now() - 10 * DAY;
    for (let i = 0; i < 5; i++)
      await insertEvent(base + i * HOUR, "login", i % 2 ? "success" : "failure", { ip, email: `f${i}@example.com` });
    const get = async (query: string) =>
      (await s.http("GET", `/auth/admin/audit?ip=${ip}&${query}`, undefined, admin.token)).body.events.map(
        (e: { email: string }) => e.email,
      );
    expect(await get("")).toEqual(["f4@example.com", "f3@example.com", "f2@example.com", "f1@example.com", "f0@example.com"]);
    expect(await get("outcome=success")).toEqual(["f3@example.com", "f1@example.com"]);
    const since = new Date(base + HOUR).toISOString();
    const until = new Date(base + 3 * HOUR).toISOString();
    expect(await get(`since=${since}&until=${until}`)).toEqual(["f2@example.com", "f1@example.com"]);
    const page = (await s.http("GET", `/auth/admin/audit?ip=${ip}&limit=2`, undefined, admin.token)).body;
    const next = (await s.http("GET", `/auth/admin/audit?ip=${ip}&limit=2&cursor=${page.next_cursor}`, undefined, admin.token)).body;
    expect(next.events.map((e: { email: string }) => e.email)).toEqual(["f2@example.com", "f1@example.com"]);
    for (const bad of ["since=yesterday", "ip=not%20an%20ip", "outcome=maybe"]) {
      expect((await s.http("GET", `/auth/admin/audit?${bad}`, undefined, admin.token)).status).toBe(422);
    }
  });

  test("names every event the audit log records, each one a value the event filter takes", async () => {
    const admin = await s.newAdmin();
    const res = await s.http("GET", "/auth/admin/audit/events", undefined, admin.token);
    expect(res.status).toBe(200);
    expect(res.body.events).toEqual([...AUDIT_EVENTS]);
    for (const event of res.body.events) {
      expect({ event, status: (await s.http("GET", `/auth/admin/audit?event=${event}&limit=1`, undefined, admin.token)).status }).toEqual({
        event,
        status: 200,
      });
    }
    expect((await s.http("GET", "/auth/admin/audit?event=no_such_event", undefined, admin.token)).status).toBe(422);
  });

  test("exports the filtered log as CSV, with cells a spreadsheet would run made inert", async () => {
    const admin = await s.newAdmin();
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const at = s.h.clock.now() - 3 * DAY;
    await insertEvent(at, "login", "failure", {
      ip,
      email: "=cmd|' /C calc'!A0@example.com",
      ua: 'Evil "UA", with\nnewline',
      detail: "invalid_credentials",
    });
    await insertEvent(at + 1000, "register", "success", { ip, email: `plain-${uniqueId()}@example.com` });
    const res = await fetch(`${s.base}/auth/admin/audit/export?ip=${ip}&event=login`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="audit.csv"');
    const text = await res.text();
    const [header, row, end] = text.split("\r\n");
    expect(header).toBe("id,created_at,event,outcome,user_id,email,ip,user_agent,detail");
    expect(row).toContain(`,login,failure,,"'=cmd|' /C calc'!A0@example.com",${ip},"Evil ""UA"", with\nnewline",invalid_credentials`);
    expect(text.split("\r\n")).toHaveLength(3);
    expect(end).toBe("");
    expect(csvCell("+1")).toBe(`"'+1"`);
    expect(csvCell("-2")).toBe(`"'-2"`);
    expect(csvCell("@SUM(A1)")).toBe(`"'@SUM(A1)"`);
    expect(csvCell(-2)).toBe("-2");
    expect(csvCell(null)).toBe("");
  });

  test("health shows the database, Redis, SMTP, warnings, version, uptime and this instance", async () => {
    const admin = await s.newAdmin();
    s.h.clock.advance(5000);
    const res = await s.http("GET", "/auth/admin/health", undefined, admin.token);
    expect(res.status).toBe(200);
    const health = res.body;
    expect(health.version).toBe(packageJson.version);
    expect(health.uptime_seconds).toBeGreaterThanOrEqual(5);
    expect(health.database.ok).toBe(true);
    expect(health.redis).toMatchObject(
      backend === "services" ? { ok: true, mode: "single", nodes: ["redis://127.0.0.1:6379/0"] } : { ok: true, mode: "memory", nodes: [] },
    );
    expect(health.smtp).toMatchObject({ ok: true, error: null });
    expect(health.smtp.description).toEqual(
      backend === "services" ? expect.stringMatching(/^SMTP 127\.0\.0\.1:\d+ \(none\)$/) : "development mail catcher",
    );
    expect(health.warnings).toEqual([]);
    expect(health.instances).toEqual([expect.objectContaining({ pid: process.pid, version: packageJson.version })]);
    expect(JSON.stringify(health)).not.toContain(s.h.config.SECRET_KEY);
  });
});

const auth = { authorization: basicAuth() };

/** Two instances on one database and one Redis key prefix, as two processes of one deployment are. */
async function twoInstances(backend: Backend) {
  const prefix = `otp-auth-test:${uniqueId()}:`;
  const env = { ...ADMIN_ENV, REDIS_KEY_PREFIX: prefix };
  const first = await startHarness({ backend, env });
  const second = await startHarness({ backend, database: first.database, env });
  return { prefix, first, second };
}

test("health lists every instance that shares the Redis; one that stops, or goes quiet for a minute, is dropped", async () => {
  const { prefix, first, second } = await twoInstances("services");
  try {
    const seen = (await first.call("GET", "/auth/admin/health", undefined, auth)).body.instances;
    expect(seen).toHaveLength(2);
    expect(new Set(seen.map((instance: { id: string }) => instance.id)).size).toBe(2);
    await second.close();
    expect((await first.call("GET", "/auth/admin/health", undefined, auth)).body.instances).toHaveLength(1);
    // An instance killed without a goodbye: its last beat is older than a minute.
    const raw = first.rawRedis();
    const quiet = { id: "gone", host: "h", pid: 1, version: "0", started_at: "2026-01-01T00:00:00Z" };
    await raw.hset(
      `${prefix}instances`,
      "gone",
      JSON.stringify({ ...quiet, last_seen_at: new Date(first.clock.now() - 61_000).toISOString() }),
    );
    expect((await first.call("GET", "/auth/admin/health", undefined, auth)).body.instances).toHaveLength(1);
    expect(await raw.hexists(`${prefix}instances`, "gone")).toBe(0);
    raw.disconnect();
  } finally {
    await first.close();
  }
});

test("on a Redis Cluster, health names the mode and every master, and sees every instance that shares it", async () => {
  const { first, second } = await twoInstances("cluster");
  try {
    const health = (await first.call("GET", "/auth/admin/health", undefined, auth)).body;
    expect(health.redis).toMatchObject({ ok: true, mode: "cluster" });
    const masters = first.redisCluster!.ports.map((port) => `127.0.0.1:${port} (master)`);
    expect([...health.redis.nodes].sort()).toEqual([...masters].sort());
    expect(new Set(health.instances.map((instance: { id: string }) => instance.id)).size).toBe(2);
  } finally {
    await second.close();
    await first.close();
  }
});
