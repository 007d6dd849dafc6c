import { AppError } from "../../errors";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/log";
import type { Mailer } from "../../mail/mailer";
import { passwordChangedMail } from "../../mail/templates";
import { OTP_ERRORS, type OtpService } from "../../otp/service";
import type { CodeDelivery } from "../auth/code-delivery";
import { invalidToken } from "../auth/guard";
import { AUTH_MESSAGES } from "../auth/messages";
import type { PasswordHasher } from "../auth/password";
import type { UserRepository } from "../auth/users";
import type { User } from "../../db/schema";
import type { SessionService } from "../sessions/service";
import { PASSWORD_MESSAGES as M } from "./messages";

export type PasswordService = ReturnType<typeof createPasswordService>;

/** A verified account that was switched off gets no reset: that would switch it back on. */
const canReset = (user: User | undefined): user is User => !!user && (user.isActive || !user.isVerified);

export function createPasswordService({ users, otp, codes, mailer, passwords, sessions, clock, log }: {
  users: UserRepository;
  otp: OtpService;
  codes: CodeDelivery;
  mailer: Mailer;
  passwords: PasswordHasher;
  sessions: SessionService;
  clock: Clock;
  log: Logger;
}) {
  async function notify(email: string, how: "reset" | "change") {
    try {
      await mailer.send(email, passwordChangedMail(how));
    } catch (error) {
      // The password is changed either way; a lost notice must not undo or fail that.
      log.warn("password change notice could not be sent", { smtp_error: (error as { code?: string }).code });
    }
  }

  return {
    /**
     * Mails a reset code to an existing account. The answer, its send limits (a code is issued, and the
     * cooldown runs, for every address) and its timing do not say whether the address has an account:
     * the mail goes out after the answer.
     */
    async forgotPassword(email: string): Promise<string> {
      const user = await users.findByEmail(email);
      const code = await otp.issueOtp(email, "reset");
      if (canReset(user)) {
        codes.mailCode(email, "reset", code).catch((error) => {
          log.warn("password reset mail failed", { error_code: (error as AppError).code });
        });
      }
      return M.resetCodeSent;
    },

    /** Sets a new password with the mailed code; every session of the account ends. */
    async resetPassword(email: string, code: string, newPassword: string): Promise<string> {
      const user = await users.findByEmail(email);
      // Checked for every address, so an unknown one fails exactly like a wrong code.
      await otp.verifyAndConsumeOtp(email, "reset", code);
      if (!canReset(user)) throw new AppError(400, OTP_ERRORS.invalid, "otp_invalid");
      await users.resetPassword(user.id, await passwords.hash(newPassword), new Date(clock.now()));
      await sessions.revokeAllSessions(user.id);
      await notify(email, "reset");
      return M.reset;
    },

    /** Changes the password of the signed-in person; their other sessions end, this one stays. */
    async changePassword(userId: number, sessionId: string, current: string, next: string): Promise<string> {
      const user = await users.findById(userId);
      if (!user) throw invalidToken();
      if (!user.passwordHash) throw new AppError(400, AUTH_MESSAGES.passwordNotSet, "password_not_set");
      if (!(await passwords.verify(current, user.passwordHash))) throw new AppError(400, M.wrongCurrent, "invalid_current_password");
      if (current === next) throw new AppError(400, M.samePassword, "password_unchanged");
      await users.setPassword(user.id, await passwords.hash(next));
      await sessions.revokeAllSessions(user.id, sessionId);
      await notify(user.email, "change");
      return M.changed;
    },
  };
}
