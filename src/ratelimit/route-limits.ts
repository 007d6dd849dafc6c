import type { RedisClient } from "../cache/redis";
import type { Config } from "../config/load";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { tooManyRequests } from "../errors";
import { HTTP_ERRORS } from "../errors/http";
import { createLimiter, runLimiter, type OnRefused } from "./limiters";

/**
 * What a route does that is worth a budget per client IP:
 * - `mail`: sends mail (register, resend-otp, password forgot, code send, and a change of email's code to the
 *   new address), per hour;
 * - `password`: checks a password (login, password change), per minute;
 * - `code`: checks a code or token (verify-otp, password reset, code sign-in), per minute;
 * - `oauth`: the OAuth start and callback (each stores or spends a sign-in state), per minute;
 * - `passkey`: the passkey ceremonies (each stores or spends a challenge), per minute.
 */
export type RouteLimitKind = "mail" | "password" | "code" | "oauth" | "passkey";

interface RouteLimitSettings {
  mailPerHour: number;
  passwordPerMinute: number;
  codePerMinute: number;
  oauthPerMinute: number;
  passkeyPerMinute: number;
}

export const routeLimitSettingsFrom = (config: Config): RouteLimitSettings => ({
  mailPerHour: config.RATE_LIMIT_MAIL_PER_HOUR,
  passwordPerMinute: config.RATE_LIMIT_PASSWORD_PER_MINUTE,
  codePerMinute: config.RATE_LIMIT_CODE_PER_MINUTE,
  oauthPerMinute: config.RATE_LIMIT_OAUTH_PER_MINUTE,
  passkeyPerMinute: config.RATE_LIMIT_PASSKEY_PER_MINUTE,
});

/** Where one client stands in one budget after a request was counted. */
interface Quota {
  limit: number;
  remaining: number;
  windowSeconds: number;
  resetMs: number;
}

/** The RateLimit-* headers (IETF draft 6 names) that describe a quota to the client. */
export function quotaHeaders({ limit, remaining, windowSeconds, resetMs }: Quota): Record<string, string> {
  return {
    "RateLimit-Limit": String(limit),
    "RateLimit-Remaining": String(remaining),
    "RateLimit-Reset": String(Math.max(0, Math.ceil(resetMs / 1000))),
    "RateLimit-Policy": `${limit};w=${windowSeconds}`,
  };
}

export type RouteLimits = ReturnType<typeof createRouteLimits>;

export function createRouteLimits({
  redis,
  settings,
  onRefused,
}: {
  redis: RedisClient | null;
  settings: RouteLimitSettings;
  onRefused?: OnRefused;
}) {
  const windows: Record<RouteLimitKind, { points: number; durationSeconds: number }> = {
    mail: { points: settings.mailPerHour, durationSeconds: 3600 },
    password: { points: settings.passwordPerMinute, durationSeconds: 60 },
    code: { points: settings.codePerMinute, durationSeconds: 60 },
    oauth: { points: settings.oauthPerMinute, durationSeconds: 60 },
    passkey: { points: settings.passkeyPerMinute, durationSeconds: 60 },
  };
  const limiters = Object.fromEntries(
    Object.entries(windows).map(([name, window]) => [name, createLimiter(redis, { name, ...window, shieldInMemory: true })]),
  ) as Record<RouteLimitKind, RateLimiterAbstract>;

  return {
    /** Counts one request of `kind` from `client`; throws 429 once the budget is spent, 503 when Redis is down. */
    async consume(kind: RouteLimitKind, client: string): Promise<Quota> {
      const { points, durationSeconds } = windows[kind];
      const { allowed, res } = await runLimiter(() => limiters[kind].consume(client));
      const quota = { limit: points, remaining: res.remainingPoints, windowSeconds: durationSeconds, resetMs: res.msBeforeNext };
      if (allowed) return quota;
      onRefused?.(kind);
      throw tooManyRequests(HTTP_ERRORS.rateLimited, res.msBeforeNext, quotaHeaders({ ...quota, remaining: 0 }));
    },
  };
}
