import { Cluster } from "ioredis";
import type { InstanceRegistry } from "../../cache/instances";
import { describeRedis, type RedisClient, type RedisTarget } from "../../cache/redis";
import type { Clock } from "../../lib/clock";
import { checkReadiness, type ReadinessCheck } from "../../lib/readiness";
import { redactUrl } from "../../lib/redact-url";
import { createSmtpTransport, type smtpSettingsFrom } from "../../mail/mailer";
import type { HealthReport } from "./health-model";

type SmtpSettings = ReturnType<typeof smtpSettingsFrom>;

export interface HealthSources {
  readiness: ReadinessCheck[];
  database: "postgres" | "pglite";
  redisTarget: RedisTarget | null;
  redis: RedisClient | null;
  /** Null: the development mail catcher. */
  smtp: SmtpSettings | null;
  warnings: { message: string; fix: string }[];
  version: string;
  startedAt: number;
  instances: Pick<InstanceRegistry, "list">;
  clock: Clock;
}

const SMTP_TIMEOUT_MS = 3000;
/** An SMTP check is a new connection (and a login): one per this long is plenty for a page that refreshes. */
const SMTP_CHECK_EVERY_MS = 30_000;

const reason = (error: unknown) => ((error instanceof Error ? error.message : String(error)) || "no answer").slice(0, 200);

function redisNodes(redis: RedisClient | null, target: RedisTarget | null): string[] {
  if (!redis || !target) return [];
  if (redis instanceof Cluster) return redis.nodes("master").map((node) => `${node.options.host}:${node.options.port} (master)`);
  if (target.kind === "sentinel") return target.sentinels.map(({ host, port }) => `${host}:${port} (sentinel)`);
  return target.kind === "single" ? [redactUrl(target.url)] : [];
}

export type HealthService = ReturnType<typeof createHealthService>;

/** What `otp-auth doctor` checks, live, from inside the running instance: the console's health view. */
export function createHealthService(sources: HealthSources) {
  let smtpResult: { at: number; ok: boolean; error: string | null } | null = null;

  async function checkSmtp(settings: SmtpSettings) {
    if (smtpResult && sources.clock.now() - smtpResult.at < SMTP_CHECK_EVERY_MS) return smtpResult;
    const transport = createSmtpTransport({ ...settings, timeoutSeconds: SMTP_TIMEOUT_MS / 1000 });
    try {
      await transport.verify();
      smtpResult = { at: sources.clock.now(), ok: true, error: null };
    } catch (error) {
      smtpResult = { at: sources.clock.now(), ok: false, error: reason(error) };
    } finally {
      transport.close();
    }
    return smtpResult;
  }

  return {
    async report(): Promise<HealthReport> {
      const { readiness, redisTarget, smtp, clock } = sources;
      const [ready, mail, instances] = await Promise.all([
        checkReadiness(readiness),
        smtp ? checkSmtp(smtp) : { ok: true, error: null },
        sources.instances.list().catch(() => []),
      ]);
      const redisCheck = readiness.find((check) => check.name !== "postgres")?.name;
      return {
        version: sources.version,
        started_at: new Date(sources.startedAt).toISOString(),
        uptime_seconds: Math.max(0, Math.floor((clock.now() - sources.startedAt) / 1000)),
        database: {
          ok: ready.report.postgres === "ok",
          description: sources.database === "postgres" ? "PostgreSQL" : "embedded PostgreSQL (PGlite)",
        },
        redis: {
          ok: redisCheck ? ready.report[redisCheck] === "ok" : true,
          mode: redisTarget?.kind ?? "memory",
          description: redisTarget ? describeRedis(redisTarget).description : "in-process store (one instance only)",
          nodes: redisNodes(sources.redis, redisTarget),
        },
        smtp: {
          ok: mail.ok,
          description: smtp ? `SMTP ${smtp.host}:${smtp.port} (${smtp.security})` : "development mail catcher",
          error: mail.error,
        },
        warnings: sources.warnings,
        instances,
      };
    },
  };
}
