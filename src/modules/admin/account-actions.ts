import type { AuditLog } from "../../audit/log";
import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { ADMIN_ERRORS } from "../../errors/admin";
import { SESSION_ERRORS } from "../../errors/sessions";
import type { ClientInfo } from "../../lib/client-info";
import type { CodeDelivery } from "../auth/code-delivery";
import type { PasswordService } from "../passwords/service";
import { toSessionView } from "../sessions/model";
import type { SessionService } from "../sessions/service";
import type { AdminActor } from "./access";
import type { UserDetail } from "./detail-model";
import { by, toUserRowView } from "./service";
import type { UserDirectory } from "./user-directory";

export type AccountActions = ReturnType<typeof createAccountActions>;

/**
 * What the console does to one account besides changing it: look at it, end its sessions, mail it a
 * verification or reset code. Mails go through the address's own send limits (cooldown, hourly cap), the
 * same as when the person asks, so an admin cannot use the service to flood a mailbox either.
 */
export function createAccountActions({
  directory,
  sessions,
  codes,
  passwords,
  audit,
}: {
  directory: UserDirectory;
  sessions: Pick<SessionService, "listSessions" | "endSession" | "revokeAllSessions">;
  codes: Pick<CodeDelivery, "issueAndMail">;
  passwords: Pick<PasswordService, "forgotPassword">;
  audit: AuditLog;
}) {
  const find = async (id: number) => {
    const row = await directory.find(id);
    if (!row) throw appError(ACCOUNT_ERRORS.userNotFound);
    return row;
  };

  return {
    async userDetail(id: number): Promise<UserDetail> {
      const row = await find(id);
      const [accounts, live] = await Promise.all([directory.linkedAccounts(id), sessions.listSessions(id)]);
      return {
        user: { ...toUserRowView(row), is_disabled: row.user.isDisabled },
        oauth_accounts: accounts.map((account) => ({
          provider: account.provider,
          email: account.email,
          created_at: account.createdAt.toISOString(),
        })),
        sessions: live.map(toSessionView),
      };
    },

    /** Ends one session of the user; their access tokens of it stop working at once. */
    endSession: (id: number, sessionId: string, client: ClientInfo, actor: AdminActor): Promise<void> =>
      audit.track("admin_sessions_revoke", { userId: id, client, detail: `one ${by(actor)}` }, async () => {
        if (!(await sessions.endSession(id, sessionId, "admin_revoke", client))) throw appError(SESSION_ERRORS.sessionNotFound);
      }),

    /** Ends every session of the user; answers how many were live. */
    endAllSessions: (id: number, client: ClientInfo, actor: AdminActor): Promise<number> =>
      audit.track("admin_sessions_revoke", { userId: id, client, detail: `all ${by(actor)}` }, async (subject) => {
        subject.email = (await find(id)).user.email;
        return sessions.revokeAllSessions(id, "admin_revoke");
      }),

    resendVerification: (id: number, client: ClientInfo, actor: AdminActor): Promise<void> =>
      audit.track("admin_verification_resend", { userId: id, client, detail: by(actor) }, async (subject) => {
        const { user } = await find(id);
        subject.email = user.email;
        if (user.isVerified) throw appError(ADMIN_ERRORS.alreadyVerified);
        await codes.issueAndMail(user.email, "register", client);
      }),

    /** Mails the user a reset code, as "Forgot password" would; a disabled account gets none (409). */
    startPasswordReset: (id: number, client: ClientInfo, actor: AdminActor): Promise<void> =>
      audit.track("admin_password_reset", { userId: id, client, detail: by(actor) }, async (subject) => {
        const { user } = await find(id);
        subject.email = user.email;
        if (user.isDisabled) throw appError(ADMIN_ERRORS.accountDisabled);
        await passwords.forgotPassword(user.email, client);
      }),
  };
}
