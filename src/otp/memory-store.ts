import { constantTimeEqual } from "../lib/crypto";
import type { IssueResult, OtpStore, VerifyResult } from "./store";

const HOUR_MS = 3_600_000;
const SWEEP_EVERY_OPS = 256;

interface CodeEntry { hash: string; attempts: number; expiresAt: number }
interface SendsEntry { nextAllowedAt: number; windowStart: number; sent: number }

const codeId = (email: string, purpose: string) => `${purpose}\n${email}`;

/**
 * The Redis store's rules for one process (no REDIS_URL). Every method runs synchronously to the end
 * before it returns its promise, so no other request interleaves inside a check-and-consume: the same
 * guarantee the Lua scripts give on Redis.
 */
export function createMemoryOtpStore(): OtpStore {
  const codes = new Map<string, CodeEntry>();
  const sends = new Map<string, SendsEntry>();
  let ops = 0;

  // Expired entries are dropped now and then, by the callers' clock, so memory stays bounded.
  function sweep(now: number) {
    if (++ops % SWEEP_EVERY_OPS !== 0) return;
    for (const [id, entry] of codes) if (now >= entry.expiresAt) codes.delete(id);
    for (const [email, entry] of sends) if (now - entry.windowStart >= HOUR_MS && now >= entry.nextAllowedAt) sends.delete(email);
  }

  return {
    async issue({ email, purpose, codeHash, now, ttlMs, cooldownMs, maxSendsPerHour }): Promise<IssueResult> {
      sweep(now);
      const limits = sends.get(email) ?? { nextAllowedAt: 0, windowStart: 0, sent: 0 };
      if (now < limits.nextAllowedAt) return { ok: false, reason: "cooldown", retryAfterMs: limits.nextAllowedAt - now };
      if (now - limits.windowStart >= HOUR_MS) Object.assign(limits, { windowStart: now, sent: 0 });
      if (limits.sent >= maxSendsPerHour) {
        return { ok: false, reason: "hourly_cap", retryAfterMs: limits.windowStart + HOUR_MS - now };
      }
      sends.set(email, { nextAllowedAt: now + cooldownMs, windowStart: limits.windowStart, sent: limits.sent + 1 });
      codes.set(codeId(email, purpose), { hash: codeHash, attempts: 0, expiresAt: now + ttlMs });
      return { ok: true };
    },

    async verifyAndConsume({ email, purpose, codeHash, now, maxAttempts }): Promise<VerifyResult> {
      sweep(now);
      const id = codeId(email, purpose);
      const entry = codes.get(id);
      if (!entry) return "missing";
      if (now >= entry.expiresAt) {
        codes.delete(id);
        return "missing";
      }
      // An exhausted code keeps an empty hash until it expires, as on Redis.
      if (entry.hash === "") return "exhausted";
      if (constantTimeEqual(entry.hash, codeHash)) {
        codes.delete(id);
        return "ok";
      }
      entry.attempts += 1;
      if (entry.attempts >= maxAttempts) {
        entry.hash = "";
        return "exhausted";
      }
      return "invalid";
    },

    async withdraw(email, purpose, codeHash) {
      const id = codeId(email, purpose);
      if (codes.get(id)?.hash === codeHash) codes.delete(id);
      const limits = sends.get(email);
      if (limits) limits.nextAllowedAt = 0;
    },

    async hasCode(email, purpose, now) {
      const entry = codes.get(codeId(email, purpose));
      return entry !== undefined && now < entry.expiresAt;
    },

    async ping() {},
  };
}
