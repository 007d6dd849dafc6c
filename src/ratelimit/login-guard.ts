import type { RedisClient } from "../cache/redis";
import type { Config } from "../config/load";
import { AppError, tooManyRequests } from "../errors";
import { ACCOUNT_ERRORS } from "../errors/account";
import { ADMIN_ERRORS } from "../errors/admin";
import { AUTH_ERRORS } from "../errors/auth";
import { MFA_ERRORS } from "../errors/mfa";
import { HTTP_ERRORS } from "../errors/http";
import type { Logger } from "../lib/log";
import { callLimiter, createLimiter, runLimiter, type OnRefused } from "./limiters";

interface LoginGuardSettings {
  maxConsecutiveFailures: number;
  blockSeconds: number;
  blockMaxSeconds: number;
  maxFailuresPerIpPerDay: number;
}

export const loginGuardSettingsFrom = (config: Config): LoginGuardSettings => ({
  maxConsecutiveFailures: config.LOGIN_MAX_CONSECUTIVE_FAILURES,
  blockSeconds: config.LOGIN_BLOCK_SECONDS,
  blockMaxSeconds: config.LOGIN_BLOCK_MAX_SECONDS,
  maxFailuresPerIpPerDay: config.LOGIN_MAX_FAILURES_PER_IP_PER_DAY,
});

const DAY_SECONDS = 86_400;
// Blocks counted in a day; far above any real count, it only has to never refuse.
const STRIKES_CEILING = 1_000_000;

// How a login attempt ended, read from the error it threw. Everything else (an OAuth-only account, a
// dependency down, a bug) says nothing about the password, so the attempt is not counted.
const WRONG_PASSWORD = new Set<string>([ACCOUNT_ERRORS.badCredentials.code, ADMIN_ERRORS.badCredentials.code]);
const RIGHT_PASSWORD = new Set<string>([
  AUTH_ERRORS.notVerified.code,
  ACCOUNT_ERRORS.accountDisabled.code,
  AUTH_ERRORS.recheckRequired.code,
  MFA_ERRORS.required.code,
]);

export type LoginGuard = ReturnType<typeof createLoginGuard>;

/**
 * Slows password guessing down without letting anyone lock a person out (rate-limiter-flexible's
 * "login endpoint protection" pattern):
 * - per address + client IP, `maxConsecutiveFailures` wrong passwords in a row block that pair for
 *   `blockSeconds`, doubling with each further block in a day up to `blockMaxSeconds`; a right password
 *   resets the pair. Failures from another IP never block the person's own IP.
 * - per client IP, `maxFailuresPerIpPerDay` wrong passwords over all addresses (credential stuffing)
 *   refuse that IP's logins until the day's window ends.
 * Attempts are counted before the password is checked, so parallel guesses cannot slip past a limit.
 * Unknown addresses count exactly like known ones: a refusal says nothing about whether an account exists.
 * `name` keeps the counters of one guarded door (`login`, `admin`) apart from another's.
 */
export function createLoginGuard({
  redis,
  settings,
  log,
  onRefused,
  name = "login",
}: {
  redis: RedisClient | null;
  settings: LoginGuardSettings;
  log: Logger;
  onRefused?: OnRefused;
  name?: string;
}) {
  const pairs = createLimiter(redis, { name: `${name}-fail-pair`, points: settings.maxConsecutiveFailures, durationSeconds: DAY_SECONDS });
  const strikes = createLimiter(redis, { name: `${name}-blocks`, points: STRIKES_CEILING, durationSeconds: DAY_SECONDS });
  const clients = createLimiter(redis, { name: `${name}-fail-ip`, points: settings.maxFailuresPerIpPerDay, durationSeconds: DAY_SECONDS });

  const blockSecondsFor = (strike: number) => Math.min(settings.blockMaxSeconds, settings.blockSeconds * 2 ** Math.min(strike - 1, 30));

  function refuse(limiter: string, retryAfterMs: number): never {
    onRefused?.(limiter);
    throw tooManyRequests(HTTP_ERRORS.loginBlocked, retryAfterMs);
  }

  // Bookkeeping after the attempt is best effort: if Redis is gone, the next attempt's count fails closed.
  const settle = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      log.warn("login limiter bookkeeping failed", { step: what, error: error as Error });
    }
  };

  return {
    /** Runs one password login for `email` from `client` (a client key), counting it against both limits. */
    async protect<T>(email: string, client: string, attempt: () => Promise<T>): Promise<T> {
      const pair = `${client}|${email}`;
      const byClient = await runLimiter(() => clients.consume(client));
      if (!byClient.allowed) refuse(`${name}-ip`, byClient.res.msBeforeNext);
      const byPair = await runLimiter(() => pairs.consume(pair)).catch(async (error) => {
        await settle("refund ip", () => clients.reward(client));
        throw error;
      });
      if (!byPair.allowed) {
        await settle("refund ip", () => clients.reward(client));
        refuse(`${name}-pair`, byPair.res.msBeforeNext);
      }

      const passwordWasRight = () => settle("reset", () => Promise.all([pairs.delete(pair), strikes.delete(pair), clients.reward(client)]));
      try {
        const result = await attempt();
        await passwordWasRight();
        return result;
      } catch (error) {
        const code = error instanceof AppError ? error.code : "";
        if (WRONG_PASSWORD.has(code)) {
          if (byPair.res.consumedPoints >= settings.maxConsecutiveFailures) {
            await settle("block", async () => {
              const strike = await callLimiter(() => strikes.penalty(pair));
              await callLimiter(() => pairs.block(pair, blockSecondsFor(strike.consumedPoints)));
            });
          }
        } else if (RIGHT_PASSWORD.has(code)) {
          await passwordWasRight();
        } else {
          await settle("refund", () => Promise.all([pairs.reward(pair), clients.reward(client)]));
        }
        throw error;
      }
    },
  };
}
