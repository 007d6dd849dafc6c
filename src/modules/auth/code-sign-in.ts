import type { AuditLog } from "../../audit/log";
import type { Config } from "../../config/load";
import type { User } from "../../db/schema";
import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { OTP_ERRORS } from "../../errors/otp";
import type { ClientInfo } from "../../lib/client-info";
import type { Clock } from "../../lib/clock";
import { requestLocale } from "../../lib/locale";
import type { OtpService } from "../../otp/service";
import type { SessionTokens } from "../sessions/model";
import type { SessionService } from "../sessions/service";
import type { CodeDelivery } from "./code-delivery";
import type { CodeSignInAccounts } from "./code-sign-in-accounts";
import { AUTH_MESSAGES as M } from "./messages";
import type { UserRepository } from "./users";

interface CodeSignInSettings {
  hideAccountExistence: boolean;
  /** CODE_SIGN_IN_CREATES_ACCOUNTS: an address without an account gets one at its first code sign-in. */
  createsAccounts: boolean;
}

export const codeSignInSettingsFrom = (config: Config): CodeSignInSettings => ({
  hideAccountExistence: config.HIDE_ACCOUNT_EXISTENCE,
  createsAccounts: config.CODE_SIGN_IN_CREATES_ACCOUNTS,
});

/** As for a reset: an account an administrator disabled, or a verified one switched off, signs in no way. */
const canSignIn = (user: User) => !user.isDisabled && (user.isActive || !user.isVerified);

export type CodeSignInService = ReturnType<typeof createCodeSignInService>;

/**
 * Sign-in with a mailed code and no password. The code has a purpose of its own (`signin`), so it is never a
 * registration, re-check or reset code and none of those is one; anyone can ask for it, so it comes out of the
 * address's open send budget, and its wrong tries have a failure window of their own.
 */
export function createCodeSignInService({
  users,
  accounts,
  otp,
  codes,
  sessions,
  audit,
  clock,
  settings,
}: {
  users: UserRepository;
  accounts: CodeSignInAccounts;
  otp: Pick<OtpService, "verifyAndConsumeOtp">;
  codes: CodeDelivery;
  sessions: SessionService;
  audit: AuditLog;
  clock: Clock;
  settings: CodeSignInSettings;
}) {
  const { hideAccountExistence: hide, createsAccounts: creates } = settings;
  /** Whether the address may be mailed a code and signed in: its account can sign in, or would be created. */
  const admitted = (user: User | undefined) => (user ? canSignIn(user) : creates);

  return {
    /**
     * Mails a sign-in code. Without HIDE_ACCOUNT_EXISTENCE an address that would not be signed in is told why
     * (404, or 403 for a disabled account); with it, a code is issued for every address (so the send limits run
     * alike) and mailed after the answer only where it can sign in.
     */
    sendCode: (email: string, client: ClientInfo): Promise<string> =>
      audit.track("code_sign_in_requested", { email, client }, async (subject) => {
        const user = await users.findByEmail(email);
        subject.userId = user?.id;
        if (!hide && !admitted(user)) throw appError(user ? ACCOUNT_ERRORS.accountDisabled : ACCOUNT_ERRORS.userNotFound);
        const code = await codes.issue(email, "signin");
        if (admitted(user)) await code.mail(client);
        else subject.detail = user ? "account_disabled" : "no_account";
        return M.codeSent;
      }),

    /**
     * Signs in with a new session; a fresh code check, so it also counts as the re-check. An unverified account is
     * verified by it, its password left unproven (see SignInProof `code`); an unknown address gets its account
     * here when CODE_SIGN_IN_CREATES_ACCOUNTS is on.
     */
    signIn: (email: string, code: string, client: ClientInfo): Promise<SessionTokens & { account_deletion_due_at?: string }> =>
      audit.track("code_sign_in", { email, client }, async (subject) => {
        const user = await users.findByEmail(email);
        subject.userId = user?.id;
        if (!hide && !admitted(user)) throw appError(user ? ACCOUNT_ERRORS.accountDisabled : ACCOUNT_ERRORS.userNotFound);
        // Checked for every address, so (in hidden mode) one that cannot sign in fails exactly like a wrong code.
        await otp.verifyAndConsumeOtp(email, "signin", code);
        if (!admitted(user)) throw appError(OTP_ERRORS.invalid);
        const account = user ? { id: user.id, created: false } : await accounts.ensureAccount(email);
        if (!account) throw appError(OTP_ERRORS.invalid);
        if (account.created) subject.detail = "account_created";
        const { id } = account;
        subject.userId = id;
        const tokens = await sessions.startSession({ id, email }, client, new Date(clock.now()), { kind: "code" });
        // A new account takes the request's language (as a registration does); an existing one only a named one.
        const named = account.created ? requestLocale(client) : client.locale;
        if (named && named !== user?.locale) await users.saveLocale(id, named);
        return user?.deletionDueAt ? { ...tokens, account_deletion_due_at: user.deletionDueAt.toISOString() } : tokens;
      }),
  };
}
