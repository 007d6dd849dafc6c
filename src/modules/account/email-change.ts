import type { AuditLog } from "../../audit/log";
import type { Config } from "../../config/load";
import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { LIFECYCLE_ERRORS } from "../../errors/account-lifecycle";
import { OTP_ERRORS } from "../../errors/otp";
import type { ClientInfo } from "../../lib/client-info";
import type { Clock } from "../../lib/clock";
import { deriveKey, hmacHex, randomToken } from "../../lib/crypto";
import { emailChangeRequestedMail } from "../../mail/templates";
import type { OtpService } from "../../otp/service";
import type { CodeDelivery } from "../auth/code-delivery";
import type { PasswordHasher } from "../auth/password";
import type { Profiles } from "../auth/profile-cache";
import { signedInUser } from "../auth/signed-in";
import type { UserRepository } from "../auth/users";
import type { SessionService } from "../sessions/service";
import type { EmailChangeRepository } from "./email-changes";
import type { OwnerProof } from "./model";
import { checkOwnerProof } from "./owner-proof";

interface EmailChangeSettings {
  cancelWindowMs: number;
  /** PUBLIC_URL: the notice links to the page's undo form there. */
  publicUrl?: string;
  cancelKey: string;
}

export const emailChangeSettingsFrom = (config: Config & { SECRET_KEY: string }): EmailChangeSettings => ({
  cancelWindowMs: config.EMAIL_CHANGE_CANCEL_HOURS * 3_600_000,
  publicUrl: config.PUBLIC_URL,
  cancelKey: deriveKey(config.SECRET_KEY, "email-change-cancel"),
});

export type EmailChangeService = ReturnType<typeof createEmailChangeService>;

/**
 * Changing the signed-in person's address: a fresh proof (the password, or a code to the current address), a
 * code to the new address that switches it, and a notice to the old address that can undo it within a window.
 */
export function createEmailChangeService({
  users,
  changes,
  otp,
  codes,
  passwords,
  sessions,
  profiles,
  audit,
  clock,
  settings,
}: {
  users: UserRepository;
  changes: EmailChangeRepository;
  otp: Pick<OtpService, "verifyAndConsumeOtp">;
  codes: CodeDelivery;
  passwords: PasswordHasher;
  sessions: SessionService;
  profiles: Profiles;
  audit: AuditLog;
  clock: Clock;
  settings: EmailChangeSettings;
}) {
  const cancelHash = (token: string) => hmacHex(settings.cancelKey, token);

  return {
    /** Mails a password-less account the code that stands for its password here (gated: only it can ask). */
    async sendProofCode(userId: number, client: ClientInfo): Promise<void> {
      const user = await signedInUser(users, userId);
      await codes.issueAndMail(user.email, "email_change_proof", client, { sendClass: "gated" });
    },

    /**
     * Starts a change. Whether another account has the new address is never told: the answer, the code issued
     * under the new address's send limits and the timing (both mails leave after the answer) are the same; only,
     * for a taken address, the code is mailed to nobody, so the change can never be confirmed.
     */
    request: (userId: number, newEmail: string, proof: OwnerProof, client: ClientInfo): Promise<void> =>
      audit.track("email_change_requested", { userId, client }, async (subject) => {
        const user = await signedInUser(users, userId);
        subject.email = user.email;
        await checkOwnerProof({ passwords, otp }, user, proof, "email_change_proof");
        if (newEmail === user.email) throw appError(LIFECYCLE_ERRORS.emailUnchanged);
        const taken = (await users.findByEmail(newEmail)) !== undefined;
        // The new address's open budget: asking for changes to someone's address never uses up the gated one
        // their own sign-ins' re-check codes come from.
        const code = await codes.issue(newEmail, "email_change");
        const token = randomToken(24);
        const now = clock.now();
        const cancelUntil = new Date(now + settings.cancelWindowMs);
        await changes.begin({
          userId,
          oldEmail: user.email,
          newEmail,
          cancelHash: cancelHash(token),
          createdAt: new Date(now),
          cancelUntil,
        });
        if (taken) subject.detail = "address_taken";
        else await code.mail(client, { afterAnswer: true });
        await codes.sendNotice(
          user.email,
          emailChangeRequestedMail(newEmail, cancelUntil, token, settings.publicUrl),
          "email_change",
          client,
          {
            afterAnswer: true,
          },
        );
      }),

    /** Switches to the new address with its code; every other session ends. */
    confirm: (userId: number, sessionId: string, code: string, client: ClientInfo): Promise<string> =>
      audit.track("email_change", { userId, client }, async (subject) => {
        const change = await changes.pending(userId);
        if (!change) throw appError(OTP_ERRORS.invalid);
        subject.email = change.newEmail;
        await otp.verifyAndConsumeOtp(change.newEmail, "email_change", code);
        const outcome = await changes.confirm(change, new Date(clock.now()));
        if (outcome === "taken") throw appError(ACCOUNT_ERRORS.emailTaken);
        if (outcome === "gone") throw appError(OTP_ERRORS.invalid);
        await profiles.forget(userId);
        await sessions.revokeAllSessions(userId, "email_change", sessionId);
        return change.newEmail;
      }),

    /**
     * The old address's way back, with the code of its notice: drops a pending change, or puts the old address
     * back on a done one and ends every session (whoever changed it is signed in somewhere).
     */
    cancel: (token: string, client: ClientInfo): Promise<void> =>
      audit.track("email_change_cancelled", { client }, async (subject) => {
        const result = await changes.cancel(cancelHash(token), new Date(clock.now()));
        if (!result || result.outcome === "gone") throw appError(LIFECYCLE_ERRORS.invalidCancelToken);
        if (result.outcome === "taken") throw appError(ACCOUNT_ERRORS.emailTaken);
        const { change } = result;
        subject.userId = change!.userId;
        subject.email = change!.oldEmail;
        subject.detail = result.outcome;
        if (result.outcome === "switched") {
          await profiles.forget(change!.userId);
          await sessions.revokeAllSessions(change!.userId, "email_change_cancelled");
        }
      }),
  };
}
