import type { RuntimeConfig } from "../config/load";
import { appError, tooManyRequests } from "../errors";
import { OTP_ERRORS } from "../errors/otp";
import type { Clock } from "../lib/clock";
import { deriveKey, hmacHex, randomDigits, randomToken } from "../lib/crypto";
import type { OtpPurpose, OtpStore, SendClass, VerifyResult } from "./store";

export interface OtpSettings {
  secret: string;
  length: number;
  ttlSeconds: number;
  maxAttempts: number;
  resendCooldownSeconds: number;
  maxSendsPerHour: number;
  /** Wrong tries per address and purpose within `failureWindowSeconds`, over every code (each kind of try apart). */
  maxFailuresPerWindow: number;
  failureWindowSeconds: number;
}

export const otpSettingsFrom = (config: RuntimeConfig): OtpSettings => ({
  secret: deriveKey(config.SECRET_KEY, "otp-code-hash"),
  length: config.OTP_LENGTH,
  ttlSeconds: config.OTP_EXPIRE_SECONDS,
  maxAttempts: config.OTP_MAX_ATTEMPTS,
  resendCooldownSeconds: config.OTP_RESEND_COOLDOWN_SECONDS,
  maxSendsPerHour: config.OTP_MAX_SENDS_PER_HOUR,
  maxFailuresPerWindow: config.OTP_MAX_FAILURES_PER_WINDOW,
  failureWindowSeconds: config.OTP_FAILURE_WINDOW_HOURS * 3600,
});

/** How a code is issued: whose budget it uses, and the step it belongs to. */
export interface IssueOptions {
  sendClass?: SendClass;
  /** The otp_token handed to whoever started this step (see OtpService.newOtpToken). */
  token?: string;
  passwordVersion?: number;
  /** A resend: keep the token binding and password version of the code being replaced. */
  keepBinding?: boolean;
}

/** A code accepted: whether the request carried its step's token, and the password version it was issued under. */
interface AcceptedCode {
  bound: boolean;
  passwordVersion: number;
}

export type OtpService = ReturnType<typeof createOtpService>;

interface OtpServiceDeps {
  store: OtpStore;
  clock: Clock;
  settings: OtpSettings;
  /** Told the outcome of every code check (for metrics). */
  onVerify?: (outcome: VerifyResult["status"]) => void;
}

export function createOtpService({ store, clock, settings, onVerify }: OtpServiceDeps) {
  // Keyed by the secret and bound to address and purpose: a leaked Redis dump reveals no usable code.
  const hashCode = (email: string, purpose: OtpPurpose, code: string) => hmacHex(settings.secret, `${purpose}:${email}:${code}`);
  const hashOtpToken = (token: string | undefined) => (token ? hmacHex(settings.secret, `otp-token:${token}`) : "");

  return {
    /** A fresh otp_token: handed to the client that starts a code step, stored only as hashOtpToken. */
    newOtpToken: () => randomToken(24),

    /** The keyed hash under which an otp_token is stored ('' for none). */
    hashOtpToken,

    /** Creates and stores a fresh code (replacing any earlier one) and returns it for mailing; 429 when limits say no. */
    async issueOtp(email: string, purpose: OtpPurpose, options: IssueOptions = {}): Promise<string> {
      const code = randomDigits(settings.length);
      const result = await store.issue({
        email,
        purpose,
        codeHash: hashCode(email, purpose, code),
        now: clock.now(),
        ttlMs: settings.ttlSeconds * 1000,
        cooldownMs: settings.resendCooldownSeconds * 1000,
        maxSendsPerHour: settings.maxSendsPerHour,
        sendClass: options.sendClass ?? "open",
        bindingHash: hashOtpToken(options.token),
        passwordVersion: options.passwordVersion ?? -1,
        keepBinding: options.keepBinding ?? false,
      });
      if (result.ok) return code;
      throw tooManyRequests(result.reason === "cooldown" ? OTP_ERRORS.cooldown : OTP_ERRORS.hourlyCap, result.retryAfterMs);
    },

    /** Takes back a code whose mail could not be sent, so no valid code exists that nobody received. */
    withdrawOtp: (email: string, purpose: OtpPurpose, code: string, sendClass: SendClass = "open") =>
      store.withdraw(email, purpose, hashCode(email, purpose, code), sendClass),

    /**
     * Succeeds once per code; throws 400 for a wrong, expired or used code, and 429 once its tries, or the
     * address's wrong tries for this purpose over the failure window, are used up.
     */
    async verifyAndConsumeOtp(email: string, purpose: OtpPurpose, code: string, token?: string): Promise<AcceptedCode> {
      const result = await store.verifyAndConsume({
        email,
        purpose,
        codeHash: hashCode(email, purpose, code),
        now: clock.now(),
        maxAttempts: settings.maxAttempts,
        bindingHash: hashOtpToken(token),
        failureWindowMs: settings.failureWindowSeconds * 1000,
        maxFailuresPerWindow: settings.maxFailuresPerWindow,
      });
      onVerify?.(result.status);
      switch (result.status) {
        case "ok":
          return { bound: result.bound, passwordVersion: result.passwordVersion };
        case "locked":
          throw tooManyRequests(OTP_ERRORS.locked, result.retryAfterMs);
        case "exhausted":
          throw appError(OTP_ERRORS.exhausted);
        default:
          throw appError(OTP_ERRORS.invalid);
      }
    },

    hasPendingOtp: (email: string, purpose: OtpPurpose) => store.hasCode(email, purpose, clock.now()),
  };
}
