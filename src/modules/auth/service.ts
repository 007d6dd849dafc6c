import { AppError } from "../../errors";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/log";
import type { Mailer } from "../../mail/mailer";
import { verificationCodeMail } from "../../mail/templates";
import type { OtpService } from "../../otp/service";
import type { OtpPurpose } from "../../otp/store";
import { AUTH_MESSAGES as M } from "./messages";
import type { ProfileResponse, TokenResponse } from "./model";
import type { PasswordHasher } from "./password";
import type { TokenIssuer } from "./tokens";
import type { UserRepository } from "./users";

export interface AuthServiceDeps {
  users: UserRepository;
  otp: OtpService;
  mailer: Mailer;
  passwords: PasswordHasher;
  tokens: TokenIssuer;
  clock: Clock;
  log: Logger;
  settings: { otpTtlSeconds: number; recheckAfterMinutes: number };
}

const MAIL_REASON: Record<OtpPurpose, string> = {
  register: "Enter it to confirm your email address.",
  recheck: "Enter it to finish signing in.",
};

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService({ users, otp, mailer, passwords, tokens, clock, log, settings }: AuthServiceDeps) {
  async function mailCode(email: string, purpose: OtpPurpose, code: string): Promise<void> {
    try {
      await mailer.send(email, verificationCodeMail(code, settings.otpTtlSeconds, MAIL_REASON[purpose]));
    } catch (error) {
      // Nobody received this code, so it must not stay valid; the cooldown is lifted so a resend works.
      await otp.withdrawOtp(email, purpose, code);
      const smtp = error as { responseCode?: number; code?: string };
      log.warn("verification mail failed", { purpose, smtp_status: smtp.responseCode, smtp_error: smtp.code });
      throw new AppError(503, M.mailFailed, "email_unavailable");
    }
  }

  async function sendNewCode(email: string, purpose: OtpPurpose): Promise<void> {
    await mailCode(email, purpose, await otp.issueOtp(email, purpose));
  }

  const bearer = async (user: { id: number; email: string }): Promise<TokenResponse> => ({
    access_token: await tokens.issueAccessToken(user),
    token_type: "bearer",
  });

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
      await mailCode(email, "register", code);
      return M.codeSent;
    },

    async verifyOtp(email: string, code: string): Promise<TokenResponse & { message: string }> {
      const user = await users.findByEmail(email);
      if (!user) throw new AppError(404, M.userNotFound, "user_not_found");
      // The account's state picks the purpose, so a registration code can never stand in for a re-check.
      const purpose: OtpPurpose = user.isVerified ? "recheck" : "register";
      await otp.verifyAndConsumeOtp(email, purpose, code);
      const now = new Date(clock.now());
      if (purpose === "register") await users.markVerified(user.id, now);
      else await users.markOtpRechecked(user.id, now);
      return { message: M.verified, ...(await bearer(user)) };
    },

    async resendOtp(email: string): Promise<string> {
      const user = await users.findByEmail(email);
      if (!user) throw new AppError(404, M.userNotFound, "user_not_found");
      if (!user.isVerified) {
        await sendNewCode(email, "register");
      } else if (await otp.hasPendingOtp(email, "recheck")) {
        // Only a re-check that a correct password started can be resent; otherwise a code would bypass it.
        await sendNewCode(email, "recheck");
      } else {
        throw new AppError(400, M.alreadyVerified, "already_verified");
      }
      return M.codeResent;
    },

    async login(email: string, password: string): Promise<TokenResponse> {
      const user = await users.findByEmail(email);
      const passwordOk = user?.passwordHash
        ? await passwords.verify(password, user.passwordHash)
        : await passwords.verifyDecoy(password);
      // Checked after the decoy verification, so this answer takes as long as any other.
      if (user && !user.passwordHash) throw new AppError(400, M.oauthOnly(user.authProvider), "oauth_only_account");
      if (!user || !passwordOk) throw new AppError(401, M.badCredentials, "invalid_credentials");
      if (!user.isVerified) throw new AppError(400, M.notVerified, "email_not_verified");
      if (!user.isActive) throw new AppError(403, M.disabled, "account_disabled");
      const lastCheck = user.lastOtpVerifiedAt?.getTime() ?? 0;
      if (clock.now() - lastCheck > settings.recheckAfterMinutes * 60_000) {
        await sendNewCode(email, "recheck");
        throw new AppError(400, M.recheckRequired, "otp_required");
      }
      return bearer(user);
    },

    async getProfile(userId: number): Promise<ProfileResponse> {
      const user = await users.findById(userId);
      if (!user) throw new AppError(401, M.invalidToken, "invalid_token", { "WWW-Authenticate": "Bearer" });
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
