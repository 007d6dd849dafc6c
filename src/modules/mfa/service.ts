import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { AuditLog } from "../../audit/log";
import type { RuntimeConfig } from "../../config/load";
import { appError, tooManyRequests } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { MFA_ERRORS } from "../../errors/mfa";
import type { ClientInfo } from "../../lib/client-info";
import type { Clock } from "../../lib/clock";
import { deriveKey, randomToken } from "../../lib/crypto";
import { createSealedBox } from "../../lib/sealed-box";
import { secondFactorMail } from "../../mail/templates";
import { runLimiter } from "../../ratelimit/limiters";
import type { CodeDelivery } from "../auth/code-delivery";
import { signedInUser } from "../auth/signed-in";
import type { UserRepository } from "../auth/users";
import type { SessionService } from "../sessions/service";
import type { MfaRepository } from "./repository";
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from "./recovery-codes";
import type { MfaTokenStore } from "./token-store";
import { matchTotpStep, newTotpSecret, totpUri } from "./totp";

interface MfaSettings {
  secretKey: string;
  /** The issuer apps show beside the account: PUBLIC_URL's host name, or "otp-auth". */
  issuer: string;
  /** How long an mfa_token waits for the second factor. */
  tokenTtlSeconds: number;
  /** Wrong codes one mfa_token takes before it dies (OTP_MAX_ATTEMPTS). */
  maxAttempts: number;
}

export const MFA_TOKEN_TTL_SECONDS = 300;

export const mfaSettingsFrom = (config: RuntimeConfig): MfaSettings => ({
  secretKey: config.SECRET_KEY,
  issuer: config.PUBLIC_URL ? new URL(config.PUBLIC_URL).hostname : "otp-auth",
  tokenTtlSeconds: MFA_TOKEN_TTL_SECONDS,
  maxAttempts: config.OTP_MAX_ATTEMPTS,
});

export type MfaService = ReturnType<typeof createMfaService>;

const isTotpCode = (code: string) => /^\d{6}$/.test(code);

/**
 * The second factor: an authenticator app (TOTP) with recovery codes. `startSession` stands in for the session
 * service's in every first factor: with the factor on, it opens nothing and answers `mfa_required` with a token
 * that carries the first factor's proof to `verify`. `failures` counts wrong codes per user (over every mfa_token,
 * confirm and disable) in the failure window, as the OTP store does for mailed codes.
 */
export function createMfaService({
  repository,
  tokens,
  sessions,
  users,
  codes,
  failures,
  audit,
  clock,
  settings,
}: {
  repository: MfaRepository;
  tokens: MfaTokenStore;
  sessions: Pick<SessionService, "startSession">;
  users: Pick<UserRepository, "findById">;
  codes: Pick<CodeDelivery, "sendNotice">;
  failures: RateLimiterAbstract;
  audit: AuditLog;
  clock: Clock;
  settings: MfaSettings;
}) {
  const box = createSealedBox(settings.secretKey, "totp-secret");
  const recoveryKey = deriveKey(settings.secretKey, "mfa-recovery-code");
  const rowId = (userId: number) => `user:${userId}`;

  /**
   * Checks a code against the user's factor, counting the try before it is checked (so parallel guesses cannot
   * pass the limit) and giving it back when right. A TOTP code is taken once: its step must be later than the
   * last used one. Returns how the factor was proven, or null.
   */
  async function checkCode(userId: number, sealedSecret: string, code: string, claim?: (step: number) => Promise<boolean>) {
    const key = String(userId);
    const { allowed, res } = await runLimiter(() => failures.consume(key));
    if (!allowed) throw tooManyRequests(MFA_ERRORS.locked, res.msBeforeNext);
    const how = await matchCode(userId, sealedSecret, code, claim ?? ((found) => repository.claimStep(userId, found)));
    if (how) await runLimiter(() => failures.reward(key));
    return how;
  }

  async function matchCode(userId: number, sealedSecret: string, code: string, claim: (step: number) => Promise<boolean>) {
    if (isTotpCode(code)) {
      const secret = box.open(sealedSecret, rowId(userId));
      const step = secret === null ? null : matchTotpStep(secret, code, clock.now());
      return step !== null && (await claim(step)) ? ("totp" as const) : null;
    }
    const normalized = normalizeRecoveryCode(code);
    if (normalized === null) return null;
    return (await repository.useRecoveryCode(userId, hashRecoveryCode(recoveryKey, userId, normalized))) ? ("recovery" as const) : null;
  }

  const emailOf = async (userId: number): Promise<string> => (await signedInUser(users, userId)).email;

  return {
    /** The session service's startSession behind the second factor. */
    async startSession(...[user, client, verifiedAt, proof = { kind: "none" }]: Parameters<SessionService["startSession"]>) {
      if (!(await repository.isEnabled(user.id))) return sessions.startSession(user, client, verifiedAt, proof);
      const token = randomToken(32);
      const expiresAt = clock.now() + settings.tokenTtlSeconds * 1000;
      await tokens.save(token, { userId: user.id, email: user.email, verifiedAt: verifiedAt.getTime(), proof, tries: 0, expiresAt });
      audit.record({ event: "mfa_required", outcome: "success", userId: user.id, email: user.email, client, detail: proof.kind });
      throw appError(MFA_ERRORS.required, { fields: { mfa_token: token } });
    },

    /** Opens the session the first factor asked for, once a TOTP or recovery code proves the second. */
    verify: (token: string, code: string, client: ClientInfo) =>
      audit.track("mfa_verify", { client }, async (subject) => {
        const pending = await tokens.take(token);
        if (!pending) throw appError(MFA_ERRORS.invalidToken);
        subject.userId = pending.userId;
        subject.email = pending.email;
        const factor = await repository.find(pending.userId);
        // Turned off since (by an administrator): the first factor must be repeated, to a session of one step.
        if (!factor?.enabled) throw appError(MFA_ERRORS.invalidToken);
        const how = await checkCode(pending.userId, factor.sealedSecret, code);
        if (!how) {
          if (pending.tries + 1 < settings.maxAttempts) await tokens.save(token, { ...pending, tries: pending.tries + 1 });
          throw appError(MFA_ERRORS.invalidCode);
        }
        subject.detail = how;
        const user = { id: pending.userId, email: pending.email };
        return sessions.startSession(user, client, new Date(pending.verifiedAt), pending.proof);
      }),

    /** Whether the authenticator app is on, and how many recovery codes are left (for the security screen). */
    async status(userId: number) {
      const factor = await repository.find(userId);
      const enabled = Boolean(factor?.enabled);
      return { totp_enabled: enabled, recovery_codes_remaining: enabled ? await repository.unusedRecoveryCodes(userId) : 0 };
    },

    /** A new pending secret (replacing an unconfirmed one) and its otpauth:// URI; 409 while the factor is on. */
    enroll: (userId: number, client: ClientInfo) =>
      audit.track("mfa_enroll", { userId, client }, async (subject) => {
        const email = await emailOf(userId);
        subject.email = email;
        const secret = newTotpSecret();
        if (!(await repository.savePending(userId, box.seal(secret, rowId(userId))))) throw appError(MFA_ERRORS.alreadyEnabled);
        return { secret, otpauth_uri: totpUri(secret, settings.issuer, email) };
      }),

    /** Turns the factor on with a code of the pending secret; answers the recovery codes, which are never shown again. */
    confirm: (userId: number, code: string, client: ClientInfo) =>
      audit.track("mfa_enable", { userId, client }, async (subject) => {
        const factor = await repository.find(userId);
        if (!factor) throw appError(MFA_ERRORS.notEnrolled);
        if (factor.enabled) throw appError(MFA_ERRORS.alreadyEnabled);
        let step = -1;
        const claimFirst = async (found: number) => {
          step = found;
          return true;
        };
        if (!isTotpCode(code) || !(await checkCode(userId, factor.sealedSecret, code, claimFirst))) throw appError(MFA_ERRORS.invalidCode);
        const recoveryCodes = newRecoveryCodes();
        const hashes = recoveryCodes.map((recovery) => hashRecoveryCode(recoveryKey, userId, normalizeRecoveryCode(recovery)!));
        if (!(await repository.enable(userId, factor.sealedSecret, step, hashes))) {
          // A concurrent confirm won, or an enroll replaced the secret this code was checked against.
          throw appError((await repository.find(userId))?.enabled ? MFA_ERRORS.alreadyEnabled : MFA_ERRORS.invalidCode);
        }
        const email = await emailOf(userId);
        subject.email = email;
        await codes.sendNotice(email, secondFactorMail("enabled"), "mfa_enabled", client);
        return { recovery_codes: recoveryCodes };
      }),

    /**
     * Turns the factor off with a current TOTP code or an unused recovery code (the way out for a lost phone).
     * Sessions stay: each was opened with the second factor or before it was on; the owner is mailed.
     */
    disable: (userId: number, code: string, client: ClientInfo) =>
      audit.track("mfa_disable", { userId, client }, async (subject) => {
        const factor = await repository.find(userId);
        if (!factor?.enabled) throw appError(MFA_ERRORS.notEnabled);
        const how = await checkCode(userId, factor.sealedSecret, code);
        if (!how) throw appError(MFA_ERRORS.invalidCode);
        subject.detail = how;
        await repository.remove(userId);
        const email = await emailOf(userId);
        subject.email = email;
        await codes.sendNotice(email, secondFactorMail("disabled"), "mfa_disabled", client);
      }),

    /** An administrator's turn-off: 404 for no such user, 409 when the factor is not on; the owner is mailed. */
    async turnOffByAdmin(userId: number, client: ClientInfo): Promise<string> {
      const user = await users.findById(userId);
      if (!user) throw appError(ACCOUNT_ERRORS.userNotFound);
      if (!(await repository.remove(userId))) throw appError(MFA_ERRORS.notEnabled);
      await codes.sendNotice(user.email, secondFactorMail("disabled_by_admin"), "mfa_disabled", client);
      return user.email;
    },
  };
}
