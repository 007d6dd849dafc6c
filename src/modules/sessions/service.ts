import type { AuditLog } from "../../audit/log";
import type { RuntimeConfig } from "../../config/load";
import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { OTP_ERRORS } from "../../errors/otp";
import { SESSION_ERRORS } from "../../errors/sessions";
import type { ClientInfo } from "../../lib/client-info";
import type { Clock } from "../../lib/clock";
import { deriveKey, hmacHex, randomToken } from "../../lib/crypto";
import type { Logger } from "../../lib/log";
import type { TokenIssuer } from "../../tokens/access-token";
import type { SessionTokens } from "./model";
import type { RefreshRefusal, SessionRepository, SignInProof } from "./repository";
import type { RevocationStore } from "./revocations";

interface SessionSettings {
  /** Key of the refresh token hashes (derived from SECRET_KEY). */
  refreshTokenKey: string;
  refreshTokenExpireDays: number;
  /** Refreshes go on for this long after the last proof of the address; then a new code is needed. */
  recheckAfterMinutes: number;
}

export const sessionSettingsFrom = (config: RuntimeConfig): SessionSettings => ({
  refreshTokenKey: deriveKey(config.SECRET_KEY, "refresh-token-hash"),
  refreshTokenExpireDays: config.REFRESH_TOKEN_EXPIRE_DAYS,
  recheckAfterMinutes: config.otpRecheckMinutes,
});

type RefreshOutcome =
  | { ok: true; tokens: SessionTokens }
  | { ok: false; recheck: { userId: number; email: string; sessionId: string; passwordVersion: number } };

const DAY_MS = 86_400_000;

export type SessionService = ReturnType<typeof createSessionService>;

/** Why sessions ended, as the audit log records it. */
type RevocationReason =
  | "logout"
  | "revoked_by_user"
  | "refresh_token_reused"
  | "recheck"
  | "password_reset"
  | "password_change"
  | "admin_disable"
  | "admin_password"
  | "admin_delete"
  | "admin_revoke"
  | "account_deletion"
  | "email_change"
  | "email_change_cancelled";

/** Sessions: opening one per sign-in, rotating refresh tokens (with reuse detection), listing and ending them. */
export function createSessionService({
  repository,
  revocations,
  audit,
  tokens,
  clock,
  log,
  settings,
}: {
  repository: SessionRepository;
  revocations: RevocationStore;
  audit: AuditLog;
  tokens: TokenIssuer;
  clock: Clock;
  log: Logger;
  settings: SessionSettings;
}) {
  // Keyed, so a copy of the sessions table gives nothing to present to /auth/refresh.
  const hashRefreshToken = (token: string) => hmacHex(settings.refreshTokenKey, token);
  const now = () => new Date(clock.now());
  const expiry = () => new Date(clock.now() + settings.refreshTokenExpireDays * DAY_MS);
  const proofNotBefore = () => new Date(clock.now() - settings.recheckAfterMinutes * 60_000);

  async function tokensFor(user: { id: number; email: string }, sessionId: string, refreshToken: string): Promise<SessionTokens> {
    return {
      access_token: await tokens.issueAccessToken(user, sessionId),
      token_type: "bearer",
      refresh_token: refreshToken,
      expires_in: tokens.expiresInSeconds,
    };
  }

  /** Ends a live session of this user; false when there was none. Its access tokens stop working at once. */
  async function endSession(userId: number, sessionId: string, reason: RevocationReason, client?: ClientInfo): Promise<boolean> {
    if (!(await repository.revoke(userId, sessionId, now()))) return false;
    await revocations.revoke([sessionId]);
    audit.record({ event: "session_revoked", outcome: "success", userId, client, detail: reason });
    return true;
  }

  const invalidRefresh = (refusal: RefreshRefusal["reason"]) =>
    refusal === "reused" ? appError(SESSION_ERRORS.reusedRefresh) : appError(SESSION_ERRORS.invalidRefresh);

  return {
    /**
     * Opens a session for a user who just proved who they are; `verifiedAt` is when the address was last
     * proven (a code, or an OAuth sign-in). What the sign-in proved (`proof`) is recorded on the user in the
     * same statement. A user disabled meanwhile gets 403; a password changed since it was checked, the answer
     * a wrong password (or a wrong code) gets.
     */
    async startSession(
      user: { id: number; email: string },
      client: ClientInfo,
      verifiedAt: Date,
      proof: SignInProof = { kind: "none" },
    ): Promise<SessionTokens> {
      const id = crypto.randomUUID();
      const refreshToken = randomToken(32);
      const opened = await repository.open({
        id,
        userId: user.id,
        email: user.email,
        refreshTokenHash: hashRefreshToken(refreshToken),
        now: now(),
        expiresAt: expiry(),
        verifiedAt,
        client,
        proof,
      });
      if (!opened) {
        if (!(await repository.isActive(user.id))) throw appError(ACCOUNT_ERRORS.accountDisabled);
        if (proof.kind === "recheck") throw appError(OTP_ERRORS.invalid);
        throw appError(ACCOUNT_ERRORS.badCredentials);
      }
      return tokensFor(user, id, refreshToken);
    },

    /**
     * Exchanges a refresh token for new tokens. A token that was already exchanged ends its whole session
     * (someone else may hold it); past the re-check window the caller must mail a code instead.
     */
    async refresh(refreshToken: string, client: ClientInfo): Promise<RefreshOutcome> {
      const oldHash = hashRefreshToken(refreshToken);
      const nextToken = randomToken(32);
      const rotated = await repository.rotate({
        oldHash,
        newHash: hashRefreshToken(nextToken),
        now: now(),
        expiresAt: expiry(),
        proofNotBefore: proofNotBefore(),
        client,
      });
      if (rotated) {
        return { ok: true, tokens: await tokensFor({ id: rotated.userId, email: rotated.email }, rotated.sessionId, nextToken) };
      }
      const refusal = await repository.explainRefusal(oldHash, now(), proofNotBefore());
      if (refusal.reason === "recheck") {
        const { userId, email, sessionId, passwordVersion } = refusal;
        return { ok: false, recheck: { userId, email, sessionId, passwordVersion } };
      }
      if (refusal.reason === "reused") {
        audit.record({ event: "refresh_token_reused", outcome: "failure", userId: refusal.userId, client, detail: "session ended" });
        await endSession(refusal.userId, refusal.sessionId, "refresh_token_reused", client);
        log.warn("refresh token reuse: session ended", { user_id: refusal.userId, session_id: refusal.sessionId });
      }
      throw invalidRefresh(refusal.reason);
    },

    endSession,

    async listSessions(userId: number) {
      return repository.listLive(userId, now());
    },

    /** Ends one of the user's own sessions; 404 for anyone else's or one already ended. */
    async revokeSession(userId: number, sessionId: string, client?: ClientInfo): Promise<void> {
      if (!(await endSession(userId, sessionId, "revoked_by_user", client))) {
        throw appError(SESSION_ERRORS.sessionNotFound);
      }
    },

    /** Ends every session of a user except `keep`; their access tokens stop working at once. */
    async revokeAllSessions(userId: number, reason: RevocationReason, keep?: string): Promise<number> {
      const ended = await repository.revokeAll(userId, now(), keep);
      await revocations.revoke(ended);
      if (ended.length > 0) audit.record({ event: "session_revoked", outcome: "success", userId, detail: `${reason}: ${ended.length}` });
      return ended.length;
    },

    isRevoked: (sessionId: string) => revocations.isRevoked(sessionId),
  };
}
