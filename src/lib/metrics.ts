import { Counter, Gauge, Registry } from "prom-client";
import { createRequestMetrics } from "./request-metrics";

export type MailOutcome = "sent" | "failed";
/** Mirrors the OTP store's VerifyResult: `missing` is never issued, expired or already used. */
type OtpVerifyOutcome = "ok" | "invalid" | "missing" | "exhausted" | "locked";

interface RequestObservation {
  method: string;
  /** The matched route pattern (`/auth/oauth/:provider/start`), never the raw path. */
  route: string;
  status: number;
  seconds: number;
}

interface DatabaseStats {
  poolSize: number;
  connectionsOpen: number;
}

const PREFIX = "otp_auth_";
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The service's Prometheus metrics, in a registry of their own: two apps in one process (tests) never
 * share counters, and nothing lands in prom-client's global registry.
 */
export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  const requests = createRequestMetrics({
    registry,
    countName: `${PREFIX}http_requests_total`,
    countHelp: "HTTP requests answered, by method, route pattern and status.",
    durationName: `${PREFIX}http_request_duration_seconds`,
    durationHelp: "Time from receiving a request to handing over its response, by method, route pattern and status.",
    buckets: SECONDS_BUCKETS,
  });
  const mails = new Counter({
    name: `${PREFIX}mails_total`,
    help: "Mails handed to the SMTP server (outcome=sent) or refused or not delivered to it (outcome=failed).",
    labelNames: ["outcome"] as const,
    registers,
  });
  const otpVerifications = new Counter({
    name: `${PREFIX}otp_verifications_total`,
    help: "Code checks by outcome: ok, invalid (wrong code), missing (none, expired or used), exhausted (too many wrong tries).",
    labelNames: ["outcome"] as const,
    registers,
  });
  const rateLimits = new Counter({
    name: `${PREFIX}rate_limited_total`,
    help: "Requests refused by a rate limiter, by limiter name.",
    labelNames: ["limiter"] as const,
    registers,
  });
  // Every known outcome is shown from the start (at 0), so rate() and alerts work before the first event.
  for (const outcome of ["sent", "failed"] satisfies MailOutcome[]) mails.inc({ outcome }, 0);
  for (const outcome of ["ok", "invalid", "missing", "exhausted", "locked"] satisfies OtpVerifyOutcome[])
    otpVerifications.inc({ outcome }, 0);
  registerProcessMetrics(registry);

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),

    observeRequest({ method, route, status, seconds }: RequestObservation): void {
      requests.observe(method, route, status, seconds);
    },
    mailed: (outcome: MailOutcome) => mails.inc({ outcome }),
    otpVerified: (outcome: OtpVerifyOutcome) => otpVerifications.inc({ outcome }),
    /** For the rate limiters: call once per refused request, with the limiter's name (`"login"`). */
    rateLimited: (limiter: string) => rateLimits.inc({ limiter }),

    /** Reports the database pool on every scrape. */
    watchDatabase(stats: () => DatabaseStats): void {
      new Gauge({
        name: `${PREFIX}db_pool_size`,
        help: "PostgreSQL connections the pool may open (DATABASE_POOL_SIZE; 1 for the embedded PGlite).",
        registers,
        collect() {
          this.set(stats().poolSize);
        },
      });
      new Gauge({
        name: `${PREFIX}db_connections_open`,
        help: "PostgreSQL connections open now (the embedded PGlite counts as one while open).",
        registers,
        collect() {
          this.set(stats().connectionsOpen);
        },
      });
    },

    /** Reports whether the Redis client is connected, on every scrape; only registered when Redis is used. */
    watchRedis(isConnected: () => boolean): void {
      new Gauge({
        name: `${PREFIX}redis_connected`,
        help: "1 while the Redis client is connected and ready, else 0.",
        registers,
        collect() {
          this.set(isConnected() ? 1 : 0);
        },
      });
    },
  };
}

/**
 * A few process metrics with their standard names. prom-client's collectDefaultMetrics is not used: on
 * Bun its event-loop lag, heap-space and handle metrics read as NaN, absurd values or zeros.
 */
function registerProcessMetrics(registry: Registry) {
  const registers = [registry];
  const startSeconds = Math.round((Date.now() - process.uptime() * 1000) / 1000);
  new Counter({
    name: "process_cpu_seconds_total",
    help: "User and system CPU time spent, in seconds.",
    registers,
    collect() {
      const { user, system } = process.cpuUsage();
      this.reset();
      this.inc((user + system) / 1e6);
    },
  });
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: "process_start_time_seconds",
    help: "Start time of the process since the Unix epoch, in seconds.",
    registers,
    collect() {
      this.set(startSeconds);
    },
  });
}
