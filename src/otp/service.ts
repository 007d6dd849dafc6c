import { AppError, tooManyRequests } from "../errors";
import type { Clock } from "../lib/clock";
import { hmacHex, randomDigits } from "../lib/crypto";
import type { OtpPurpose, OtpStore, VerifyResult } from "./store";

export interface OtpSettings {
  secret: string;
  length: number;
  ttlSeconds: number;
  maxAttempts: number;
  resendCooldownSeconds: number;
  maxSendsPerHour: number;
}

export const OTP_ERRORS = {
  invalid: "Invalid or expired verification code.",
  exhausted: "Too many incorrect attempts. Request a new verification code.",
  cooldown: "A verification code was sent recently. Please wait before requesting another.",
  hourlyCap: "Too many verification codes requested for this address. Please try again later.",
} as const;

export type OtpService = ReturnType<typeof createOtpService>;

export interface OtpServiceDeps {
  store: OtpStore;
  clock: Clock;
  settings: OtpSettings;
  /** Told the outcome of every code check (for metrics). */
  onVerify?: (outcome: VerifyResult) => void;
}

export function createOtpService({ store, clock, settings, onVerify }: OtpServiceDeps) {
  // Keyed by the secret and bound to address and purpose: a leaked Redis dump reveals no usable code.
  const hashCode = (email: string, purpose: OtpPurpose, code: string) =>
    hmacHex(settings.secret, `${purpose}:${email}:${code}`);

  return {
    /** Creates and stores a fresh code (replacing any earlier one) and returns it for mailing; 429 when limits say no. */
    async issueOtp(email: string, purpose: OtpPurpose): Promise<string> {
      const code = randomDigits(settings.length);
      const result = await store.issue({
        email,
        purpose,
        codeHash: hashCode(email, purpose, code),
        now: clock.now(),
        ttlMs: settings.ttlSeconds * 1000,
        cooldownMs: settings.resendCooldownSeconds * 1000,
        maxSendsPerHour: settings.maxSendsPerHour,
      });
      if (result.ok) return code;
      if (result.reason === "cooldown") throw tooManyRequests(OTP_ERRORS.cooldown, "otp_cooldown", result.retryAfterMs);
      throw tooManyRequests(OTP_ERRORS.hourlyCap, "otp_hourly_cap", result.retryAfterMs);
    },

    /** Takes back a code whose mail could not be sent, so no valid code exists that nobody received. */
    withdrawOtp: (email: string, purpose: OtpPurpose, code: string) =>
      store.withdraw(email, purpose, hashCode(email, purpose, code)),

    /** Succeeds once per code; throws 400 for a wrong, expired or used code and 429 once its tries are used up. */
    async verifyAndConsumeOtp(email: string, purpose: OtpPurpose, code: string): Promise<void> {
      const result = await store.verifyAndConsume({
        email,
        purpose,
        codeHash: hashCode(email, purpose, code),
        now: clock.now(),
        maxAttempts: settings.maxAttempts,
      });
      onVerify?.(result);
      if (result === "ok") return;
      if (result === "exhausted") throw new AppError(429, OTP_ERRORS.exhausted, "otp_attempts_exhausted");
      throw new AppError(400, OTP_ERRORS.invalid, "otp_invalid");
    },

    hasPendingOtp: (email: string, purpose: OtpPurpose) => store.hasCode(email, purpose, clock.now()),
  };
}
