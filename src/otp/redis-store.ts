import { callRedis as call, pingRedis } from "../cache/redis-calls";
import type { RedisClient } from "../cache/redis";
import { codeKey, failuresKey, sendsKey } from "./keys";
import { ISSUE_SCRIPT, VERIFY_SCRIPT, WITHDRAW_SCRIPT } from "./redis-scripts";
import type { IssueResult, OtpStore, VerifyResult, VerifyStatus } from "./store";

const HOUR_MS = 3_600_000;

interface OtpCommands {
  otpIssue(code: string, sends: string, ...args: (string | number)[]): Promise<[string, number]>;
  otpVerify(code: string, open: string, bound: string, ...args: (string | number)[]): Promise<[VerifyStatus, number, number, number]>;
  otpWithdraw(code: string, sends: string, codeHash: string): Promise<number>;
}

/**
 * Codes and send limits in Redis (one server or a Cluster). The keys of a script share the address's
 * hash tag, so on a Cluster they sit in one slot, as a multi-key script requires.
 */
export function createRedisOtpStore(redis: RedisClient): OtpStore {
  redis.defineCommand("otpIssue", { numberOfKeys: 2, lua: ISSUE_SCRIPT });
  redis.defineCommand("otpVerify", { numberOfKeys: 3, lua: VERIFY_SCRIPT });
  redis.defineCommand("otpWithdraw", { numberOfKeys: 2, lua: WITHDRAW_SCRIPT });
  const commands = redis as unknown as OtpCommands;

  return {
    async issue(input): Promise<IssueResult> {
      const { email, purpose, codeHash, now, ttlMs, cooldownMs, maxSendsPerHour, sendClass, bindingHash, passwordVersion, keepBinding } =
        input;
      const [status, retryAfterMs] = await call(() =>
        commands.otpIssue(
          codeKey(email, purpose),
          sendsKey(email, sendClass),
          now,
          codeHash,
          ttlMs,
          cooldownMs,
          maxSendsPerHour,
          HOUR_MS,
          bindingHash,
          passwordVersion,
          keepBinding ? 1 : 0,
        ),
      );
      if (status === "ok") return { ok: true };
      return { ok: false, reason: status === "cooldown" ? "cooldown" : "hourly_cap", retryAfterMs };
    },
    async verifyAndConsume({
      email,
      purpose,
      codeHash,
      now,
      maxAttempts,
      bindingHash,
      failureWindowMs,
      maxFailuresPerWindow,
    }): Promise<VerifyResult> {
      const [status, retryAfterMs, bound, passwordVersion] = await call(() =>
        commands.otpVerify(
          codeKey(email, purpose),
          failuresKey(email, purpose, false),
          failuresKey(email, purpose, true),
          now,
          codeHash,
          maxAttempts,
          bindingHash,
          failureWindowMs,
          maxFailuresPerWindow,
        ),
      );
      return { status, retryAfterMs, bound: bound === 1, passwordVersion };
    },
    async withdraw(email, purpose, codeHash, sendClass) {
      await call(() => commands.otpWithdraw(codeKey(email, purpose), sendsKey(email, sendClass), codeHash));
    },
    async hasCode(email, purpose, now) {
      const expiresAt = await call(() => redis.hget(codeKey(email, purpose), "exp"));
      return expiresAt !== null && now < Number(expiresAt);
    },
    async ping() {
      await call(() => pingRedis(redis));
    },
  };
}
