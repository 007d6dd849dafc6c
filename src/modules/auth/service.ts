import { AppError } from "../../errors";
import type { Clock } from "../../lib/clock";
import type { OtpService } from "../../otp/service";
import type { OtpPurpose } from "../../otp/store";
import type { ClientInfo } from "../sessions/repository";
import type { SessionService, SessionTokens } from "../sessions/service";
import type { CodeDelivery } from "./code-delivery";
import { invalidToken } from "./guard";
import { AUTH_MESSAGES as M } from "./messages";
import type { ProfileResponse } from "./model";
import type { PasswordHasher } from "./password";
import type { UserRepository } from "./users";

export interface AuthServiceDeps {
  users: UserRepository;
  otp: OtpService;
  codes: CodeDelivery;
  passwords: PasswordHasher;
  sessions: SessionService;
  clock: Clock;
  settings: { recheckAfterMinutes: number };
}

export type AuthService = ReturnType<typeof createAuthService>;

const recheckRequired = () => new AppError(400, M.recheckRequired, "otp_required");

export function createAuthService({ users, otp, codes, passwords, sessions, clock, settings }: AuthServiceDeps) {
  return {
    async register(email: string, password: string): Promise<string> {
      if ((await users.findByEmail(email))?.isVerified) throw new AppError(400, M.emailTaken, "email_taken");
      const passwordHash = await passwords.hash(password);
      // Send limits are checked before the account changes, so a refused request changes nothing.
      const code = await otp.issueOtp(email, "register");
      const saved = await users.saveUnverified(email, passwordHash).catch(async (error) => {
        await otp.withdrawOtp(email, "register", code);
        throw error;
      });
      if (!saved) {
        await otp.withdrawOtp(email, "register", code);
        throw new AppError(400, M.emailTaken, "email_taken");
      }
      await codes.mailCode(email, "register", code);
      return M.codeSent;
    },

    /** Confirms a registration or a login re-check and signs the person in with a new session. */
    async verifyOtp(email: string, code: string, client: ClientInfo): Promise<SessionTokens & { message: string }> {
      const user = await users.findByEmail(email);
      if (!user) throw new AppError(404, M.userNotFound, "user_not_found");
      // The account's state picks the purpose, so a registration code can never stand in for a re-check.
      const purpose: OtpPurpose = user.isVerified ? "recheck" : "register";
      await otp.verifyAndConsumeOtp(email, purpose, code);
      const now = new Date(clock.now());
      if (purpose === "register") await users.markVerified(user.id, now);
      else await users.markOtpRechecked(user.id, now);
      return { message: M.verified, ...(await sessions.startSession(user, client, now)) };
    },

    async resendOtp(email: string): Promise<string> {
      const user = await users.findByEmail(email);
      if (!user) throw new AppError(404, M.userNotFound, "user_not_found");
      if (!user.isVerified) {
        await codes.sendNewCode(email, "register");
      } else if (await otp.hasPendingOtp(email, "recheck")) {
        // Only a re-check that a correct password started can be resent; otherwise a code would bypass it.
        await codes.sendNewCode(email, "recheck");
      } else {
        throw new AppError(400, M.alreadyVerified, "already_verified");
      }
      return M.codeResent;
    },

    async login(email: string, password: string, client: ClientInfo): Promise<SessionTokens> {
      const user = await users.findByEmail(email);
      const passwordOk = user?.passwordHash
        ? await passwords.verify(password, user.passwordHash)
        : await passwords.verifyDecoy(password);
      // Checked after the decoy verification, so these answers take as long as any other.
      if (user && !user.passwordHash) {
        if (user.authProvider === "local") throw new AppError(400, M.passwordNotSet, "password_not_set");
        throw new AppError(400, M.oauthOnly(user.authProvider), "oauth_only_account");
      }
      if (!user || !passwordOk) throw new AppError(401, M.badCredentials, "invalid_credentials");
      if (!user.isVerified) throw new AppError(400, M.notVerified, "email_not_verified");
      if (!user.isActive) throw new AppError(403, M.disabled, "account_disabled");
      const lastCheck = user.lastOtpVerifiedAt;
      if (!lastCheck || clock.now() - lastCheck.getTime() > settings.recheckAfterMinutes * 60_000) {
        await codes.sendNewCode(email, "recheck");
        throw recheckRequired();
      }
      return sessions.startSession(user, client, lastCheck);
    },

    /**
     * New tokens for a refresh token. Past the re-check window a code is mailed instead and the session
     * ends: verifying the code (POST /auth/verify-otp) opens a new one.
     */
    async refresh(refreshToken: string, client: ClientInfo): Promise<SessionTokens> {
      const outcome = await sessions.refresh(refreshToken, client);
      if (outcome.ok) return outcome.tokens;
      const { email, userId, sessionId } = outcome.recheck;
      await codes.sendNewCode(email, "recheck");
      await sessions.endSession(userId, sessionId);
      throw recheckRequired();
    },

    async logout(userId: number, sessionId: string): Promise<string> {
      await sessions.endSession(userId, sessionId);
      return M.loggedOut;
    },

    async getProfile(userId: number): Promise<ProfileResponse> {
      const user = await users.findById(userId);
      if (!user) throw invalidToken();
      return {
        id: user.id,
        email: user.email,
        is_active: user.isActive,
        is_verified: user.isVerified,
        created_at: user.createdAt.toISOString(),
        auth_provider: user.authProvider,
      };
    },
  };
}
