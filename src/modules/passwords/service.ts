import type { User } from "../../db/schema";
import { appError } from "../../errors";
import { OTP_ERRORS } from "../../errors/otp";
import { PASSWORD_ERRORS } from "../../errors/passwords";
import type { ClientInfo } from "../../lib/client-info";
import { passwordChangedMail } from "../../mail/templates";
import type { AuthServiceDeps } from "../auth/service";
import { checkCurrentPassword, signedInUser } from "../auth/signed-in";
import { PASSWORD_MESSAGES as M } from "./messages";

export type PasswordService = ReturnType<typeof createPasswordService>;

/** An account an administrator disabled, or a verified one that was switched off, gets no reset. */
const canReset = (user: User | undefined): user is User => !!user && !user.isDisabled && (user.isActive || !user.isVerified);

export function createPasswordService(deps: Omit<AuthServiceDeps, "settings">) {
  const { users, otp, codes, passwords, sessions, audit, clock } = deps;
  // The password is changed either way: the notice goes after the answer, and a lost one is only logged.
  const notify = (email: string, how: "reset" | "change", client: ClientInfo) =>
    codes.sendNotice(email, passwordChangedMail(how), "password_changed", client, { afterAnswer: true });

  return {
    /**
     * Mails a reset code to an existing account. The answer, its send limits (a code is issued, and the
     * cooldown runs, for every address) and its timing do not say whether the address has an account:
     * the mail goes out after the answer.
     */
    forgotPassword: (email: string, client: ClientInfo): Promise<string> =>
      audit.track("password_reset_requested", { email, client }, async (subject) => {
        const user = await users.findByEmail(email);
        subject.userId = user?.id;
        const code = await codes.issue(email, "reset");
        if (canReset(user)) await code.mail(client, { afterAnswer: true });
        else subject.detail = user ? "account_disabled" : "no_account";
        return M.resetCodeSent;
      }),

    /** Sets a new password with the mailed code; every session of the account ends. */
    resetPassword: (email: string, code: string, newPassword: string, client: ClientInfo): Promise<string> =>
      audit.track("password_reset", { email, client }, async (subject) => {
        const user = await users.findByEmail(email);
        subject.userId = user?.id;
        // Checked for every address, so an unknown one fails exactly like a wrong code.
        await otp.verifyAndConsumeOtp(email, "reset", code);
        if (!canReset(user)) throw appError(OTP_ERRORS.invalid);
        await users.resetPassword(user.id, await passwords.hash(newPassword), new Date(clock.now()));
        await sessions.revokeAllSessions(user.id, "password_reset");
        await notify(email, "reset", client);
        return M.reset;
      }),

    /** Changes the password of the signed-in person; their other sessions end, this one stays. */
    changePassword: (userId: number, sessionId: string, current: string, next: string, client: ClientInfo): Promise<string> =>
      audit.track("password_change", { userId, client }, async (subject) => {
        const user = await signedInUser(users, userId);
        subject.email = user.email;
        await checkCurrentPassword(passwords, user, current);
        if (current === next) throw appError(PASSWORD_ERRORS.samePassword);
        await users.setPassword(user.id, await passwords.hash(next));
        await sessions.revokeAllSessions(user.id, "password_change", sessionId);
        await notify(user.email, "change", client);
        return M.changed;
      }),
  };
}
