import type { AuditLog } from "../../audit/log";
import type { Config } from "../../config/load";
import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { LIFECYCLE_ERRORS } from "../../errors/account-lifecycle";
import type { ClientInfo } from "../../lib/client-info";
import type { Clock } from "../../lib/clock";
import { deriveKey, hmacHex, randomToken } from "../../lib/crypto";
import { deletionScheduledMail } from "../../mail/templates";
import type { OtpService } from "../../otp/service";
import type { CodeDelivery } from "../auth/code-delivery";
import type { PasswordHasher } from "../auth/password";
import { signedInUser } from "../auth/signed-in";
import type { UserRepository } from "../auth/users";
import type { SessionService } from "../sessions/service";
import type { OwnerProof } from "./model";
import { checkOwnerProof } from "./owner-proof";
import type { AccountRepository } from "./repository";

interface DeletionSettings {
  graceDays: number;
  /** PUBLIC_URL: the notice links to the page's undo form there. */
  publicUrl?: string;
  /** Keys the hash of the cancel tokens (derived from SECRET_KEY). */
  cancelKey: string;
}

export const deletionSettingsFrom = (config: Config & { SECRET_KEY: string }): DeletionSettings => ({
  graceDays: config.ACCOUNT_DELETION_GRACE_DAYS,
  publicUrl: config.PUBLIC_URL,
  cancelKey: deriveKey(config.SECRET_KEY, "account-deletion-cancel"),
});

const DAY_MS = 86_400_000;

export type AccountDeletionService = ReturnType<typeof createAccountDeletionService>;

/**
 * Deleting one's own account: asked for while signed in with a fresh proof (the password, or a code mailed for
 * this purpose alone), it ends every session at once and waits out a grace period in which signing in, or the
 * token in the notice, cancels it. The deletion itself is the job's (deletion-job.ts).
 */
export function createAccountDeletionService({
  users,
  accounts,
  otp,
  codes,
  passwords,
  sessions,
  audit,
  clock,
  settings,
}: {
  users: UserRepository;
  accounts: AccountRepository;
  otp: Pick<OtpService, "verifyAndConsumeOtp">;
  codes: CodeDelivery;
  passwords: PasswordHasher;
  sessions: SessionService;
  audit: AuditLog;
  clock: Clock;
  settings: DeletionSettings;
}) {
  const cancelHash = (token: string) => hmacHex(settings.cancelKey, token);

  return {
    /** Mails a code that confirms the deletion; from the gated budget, as only a signed-in person can ask. */
    async sendCode(userId: number, client: ClientInfo): Promise<void> {
      const user = await signedInUser(users, userId);
      await codes.issueAndMail(user.email, "account_delete", client, { sendClass: "gated" });
    },

    /**
     * Schedules the deletion. Asking again while one is pending changes nothing (same date, no second notice)
     * but still ends every session, as the first request did.
     */
    request: (userId: number, proof: OwnerProof, client: ClientInfo): Promise<Date> =>
      audit.track("account_deletion_requested", { userId, client }, async (subject) => {
        const user = await signedInUser(users, userId);
        subject.email = user.email;
        await checkOwnerProof({ passwords, otp }, user, proof, "account_delete");
        const token = randomToken(24);
        const dueAt = new Date(clock.now() + settings.graceDays * DAY_MS);
        const outcome = await accounts.scheduleDeletion(user.id, dueAt, cancelHash(token));
        if (!outcome) throw appError(ACCOUNT_ERRORS.invalidToken);
        await sessions.revokeAllSessions(user.id, "account_deletion");
        if (outcome.scheduled) {
          // The deletion is scheduled either way; a lost notice is logged, and signing in still cancels it.
          await codes.sendNotice(
            user.email,
            deletionScheduledMail(dueAt, settings.graceDays, token, settings.publicUrl),
            "account_deletion",
            client,
            {
              afterAnswer: true,
            },
          );
        } else {
          subject.detail = "already_scheduled";
        }
        return outcome.dueAt;
      }),

    /** Cancels with the notice's token; it works once, and only before the deletion happened. */
    cancelWithToken: (token: string, client: ClientInfo): Promise<void> =>
      audit.track("account_deletion_cancelled", { client, detail: "token" }, async (subject) => {
        const account = await accounts.cancelByToken(cancelHash(token), new Date(clock.now()));
        if (!account) throw appError(LIFECYCLE_ERRORS.invalidCancelToken);
        subject.userId = account.id;
        subject.email = account.email;
      }),

    /** Cancels the signed-in person's pending deletion (they signed in during the grace period). */
    cancel: (userId: number, client: ClientInfo): Promise<void> =>
      audit.track("account_deletion_cancelled", { userId, client, detail: "signed_in" }, async () => {
        if (!(await accounts.cancelForUser(userId, new Date(clock.now())))) throw appError(LIFECYCLE_ERRORS.notScheduled);
      }),

    /** When the signed-in person's account will be deleted; null when no deletion is pending. */
    async pendingDeletion(userId: number): Promise<Date | null> {
      return (await signedInUser(users, userId)).deletionDueAt;
    },
  };
}
