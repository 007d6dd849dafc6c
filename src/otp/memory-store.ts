import { constantTimeEqual } from "../lib/crypto";
import { failuresKey, sendsKey } from "./keys";
import type { IssueResult, OtpStore, VerifyResult, VerifyStatus } from "./store";

const HOUR_MS = 3_600_000;
const SWEEP_EVERY_OPS = 256;

interface CodeEntry {
  hash: string;
  attempts: number;
  expiresAt: number;
  binding: string;
  passwordVersion: number;
}
/** A fixed window: send limits (with the cooldown) and failure windows alike. */
interface WindowEntry {
  nextAllowedAt: number;
  windowStart: number;
  count: number;
  windowMs: number;
}

const codeId = (email: string, purpose: string) => `${purpose}\n${email}`;

/**
 * The Redis store's rules for one process (no REDIS_URL). Every method runs synchronously to the end
 * before it returns its promise, so no other request interleaves inside a check-and-consume: the same
 * guarantee the Lua scripts give on Redis.
 */
export function createMemoryOtpStore(): OtpStore {
  const codes = new Map<string, CodeEntry>();
  const windows = new Map<string, WindowEntry>();
  let ops = 0;

  // Expired entries are dropped now and then, by the callers' clock, so memory stays bounded.
  function sweep(now: number) {
    if (++ops % SWEEP_EVERY_OPS !== 0) return;
    for (const [id, entry] of codes) if (now >= entry.expiresAt) codes.delete(id);
    for (const [id, entry] of windows) if (now - entry.windowStart >= entry.windowMs && now >= entry.nextAllowedAt) windows.delete(id);
  }

  /** The window under `id` as of `now`, started afresh once the last one ended. */
  function windowAt(id: string, now: number, windowMs: number): WindowEntry {
    const entry = windows.get(id) ?? { nextAllowedAt: 0, windowStart: 0, count: 0, windowMs };
    if (now - entry.windowStart >= windowMs) Object.assign(entry, { windowStart: now, count: 0 });
    return entry;
  }

  const result = (status: VerifyStatus, bound: boolean, extra: Partial<VerifyResult> = {}): VerifyResult => ({
    status,
    bound,
    retryAfterMs: 0,
    passwordVersion: -1,
    ...extra,
  });

  return {
    async issue({
      email,
      purpose,
      codeHash,
      now,
      ttlMs,
      cooldownMs,
      maxSendsPerHour,
      sendClass,
      bindingHash,
      passwordVersion,
      keepBinding,
    }): Promise<IssueResult> {
      sweep(now);
      const id = sendsKey(email, sendClass);
      const limits = windows.get(id) ?? { nextAllowedAt: 0, windowStart: 0, count: 0, windowMs: HOUR_MS };
      if (now < limits.nextAllowedAt) return { ok: false, reason: "cooldown", retryAfterMs: limits.nextAllowedAt - now };
      const current = windowAt(id, now, HOUR_MS);
      if (current.count >= maxSendsPerHour) {
        return { ok: false, reason: "hourly_cap", retryAfterMs: current.windowStart + HOUR_MS - now };
      }
      windows.set(id, { ...current, nextAllowedAt: now + cooldownMs, count: current.count + 1 });
      const old = keepBinding ? codes.get(codeId(email, purpose)) : undefined;
      codes.set(codeId(email, purpose), {
        hash: codeHash,
        attempts: 0,
        expiresAt: now + ttlMs,
        binding: old?.binding ?? bindingHash,
        passwordVersion: old?.passwordVersion ?? passwordVersion,
      });
      return { ok: true };
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
      sweep(now);
      const id = codeId(email, purpose);
      const entry = codes.get(id);
      if (!entry) return result("missing", false);
      if (now >= entry.expiresAt) {
        codes.delete(id);
        return result("missing", false);
      }
      const bound = entry.binding !== "" && constantTimeEqual(entry.binding, bindingHash);
      const failuresId = failuresKey(email, purpose, bound);
      const failures = windowAt(failuresId, now, failureWindowMs);
      if (failures.count >= maxFailuresPerWindow) {
        return result("locked", bound, { retryAfterMs: failures.windowStart + failureWindowMs - now });
      }
      // An exhausted code keeps an empty hash until it expires, as on Redis.
      if (entry.hash === "") return result("exhausted", bound);
      if (constantTimeEqual(entry.hash, codeHash)) {
        codes.delete(id);
        return result("ok", bound, { passwordVersion: entry.passwordVersion });
      }
      windows.set(failuresId, { ...failures, count: failures.count + 1 });
      entry.attempts += 1;
      if (entry.attempts >= maxAttempts) {
        entry.hash = "";
        return result("exhausted", bound);
      }
      return result("invalid", bound);
    },

    async withdraw(email, purpose, codeHash, sendClass) {
      const id = codeId(email, purpose);
      if (codes.get(id)?.hash === codeHash) codes.delete(id);
      const limits = windows.get(sendsKey(email, sendClass));
      if (limits) limits.nextAllowedAt = 0;
    },

    async hasCode(email, purpose, now) {
      const entry = codes.get(codeId(email, purpose));
      return entry !== undefined && now < entry.expiresAt;
    },

    async ping() {},
  };
}
