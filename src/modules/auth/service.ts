import type { AuditLog } from "../../audit/log";
import type { Config } from "../../config/load";
import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { AUTH_ERRORS } from "../../errors/auth";
import { OTP_ERRORS } from "../../errors/otp";
import type { ClientInfo } from "../../lib/client-info";
import type { Clock } from "../../lib/clock";
import { requestLocale } from "../../lib/locale";
import { alreadyRegisteredMail } from "../../mail/templates";
import type { OtpService } from "../../otp/service";
import type { OtpPurpose } from "../../otp/store";
import { providerLabel } from "../oauth/providers";
import type { SignInProof } from "../sessions/repository";
import type { SessionTokens } from "../sessions/model";
import type { SessionService } from "../sessions/service";
import type { CodeDelivery } from "./code-delivery";
import { AUTH_MESSAGES as M } from "./messages";
import type { ProfileResponse } from "./model";
import type { PasswordHasher } from "./password";
import { uncachedProfiles, type Profiles } from "./profile-cache";
import { toUserView } from "./user-view";
import type { UserRepository } from "./users";

interface AuthSettings {
  recheckAfterMinutes: number;
  /** HIDE_ACCOUNT_EXISTENCE: answer alike whether or not an address has an account. */
  hideAccountExistence: boolean;
}

export const authSettingsFrom = (config: Config): AuthSettings => ({
  recheckAfterMinutes: config.otpRecheckMinutes,
  hideAccountExistence: config.HIDE_ACCOUNT_EXISTENCE,
});

export interface AuthServiceDeps {
  users: UserRepository;
  /** Checking codes and otp_tokens; issuing, mailing and withdrawing codes is `codes`' alone. */
  otp: Omit<OtpService, "issueOtp" | "withdrawOtp">;
  codes: CodeDelivery;
  passwords: PasswordHasher;
  sessions: SessionService;
  audit: AuditLog;
  clock: Clock;
  settings: AuthSettings;
  /** Where /auth/me's profiles come from (pushed cache or database); the database alone when left out. */
  profiles?: Profiles;
}

export type AuthService = ReturnType<typeof createAuthService>;

interface RegisterResult {
  message: string;
  otp_token: string;
}

const recheckRequired = (otpToken: string) => appError(AUTH_ERRORS.recheckRequired, { fields: { otp_token: otpToken } });
const badCredentials = () => appError(ACCOUNT_ERRORS.badCredentials);

export function createAuthService({
  users,
  otp,
  codes,
  passwords,
  sessions,
  audit,
  clock,
  settings,
  profiles = uncachedProfiles,
}: AuthServiceDeps) {
  const hide = settings.hideAccountExistence;

  /**
   * Mails a re-check code after a correct password (or a refresh) found the last code check too old; `then`
   * runs once the code is on its way. Only these callers can ask for it, so it comes out of the address's
   * gated send budget, which no anonymous flood uses up; the answer's otp_token binds the code to this step.
   */
  async function requireRecheck(
    user: { id: number; email: string; passwordVersion: number },
    client: ClientInfo,
    then?: () => Promise<unknown>,
  ): Promise<never> {
    const token = otp.newOtpToken();
    await codes.issueAndMail(user.email, "recheck", client, { sendClass: "gated", token, passwordVersion: user.passwordVersion });
    await then?.();
    audit.record({ event: "recheck_required", outcome: "success", userId: user.id, email: user.email, client });
    throw recheckRequired(token);
  }

  /** What a sign-in adds to its tokens while the account's deletion is pending (see signInResponse). */
  const pendingDeletion = (user: { deletionDueAt: Date | null }) =>
    user.deletionDueAt ? { account_deletion_due_at: user.deletionDueAt.toISOString() } : {};

  /**
   * Saves the language a sign-in's body named (`locale`), for the mails sent later without a request to read it
   * from. Accept-Language is never saved (it is the device's, not the person's choice), and nothing is written
   * when the language did not change, so a sign-in costs no extra write.
   */
  async function rememberLocale(user: { id: number; locale: string | null }, client: ClientInfo): Promise<void> {
    if (client.locale && client.locale !== user.locale) await users.saveLocale(user.id, client.locale);
  }

  return {
    /**
     * Records a registration and mails a code. The answer's otp_token names this registration's password:
     * verifying with it gives the account that password, so a later registration of the same unverified
     * address by someone else never decides which password the mailbox holder ends up with.
     */
    register: (email: string, password: string, client: ClientInfo): Promise<RegisterResult> =>
      audit.track("register", { email, client }, async (subject) => {
        const existing = await users.findByEmail(email);
        if (existing?.isVerified && !hide) throw appError(ACCOUNT_ERRORS.emailTaken);
        const passwordHash = await passwords.hash(password);
        const token = otp.newOtpToken();
        // Send limits are checked before the account changes, so a refused request changes nothing.
        const code = await codes.issue(email, "register");
        const saved = existing?.isVerified
          ? null
          : await users
              .saveRegistration(email, passwordHash, otp.hashOtpToken(token), new Date(clock.now()), requestLocale(client) ?? null)
              .catch(async (error) => {
                await code.withdraw();
                throw error;
              });
        if (!saved) {
          if (!hide) {
            await code.withdraw();
            throw appError(ACCOUNT_ERRORS.emailTaken);
          }
          // The owner hears of the attempt; the caller gets the answer a new address gets (a token bound to nothing).
          subject.detail = "already_registered";
          await codes.sendNotice(email, alreadyRegisteredMail(), "already_registered", client);
          return { message: M.codeSent, otp_token: token };
        }
        subject.userId = saved.id;
        await code.mail(client);
        return { message: M.codeSent, otp_token: token };
      }),

    /**
     * Confirms a registration or a login re-check and signs the person in with a new session. `otpToken` is
     * the one the step's answer carried: with a registration it picks that registration's password; with a
     * re-check it proves the password too, and its wrong tries count apart from everyone else's.
     */
    verifyOtp: (
      email: string,
      code: string,
      otpToken: string | undefined,
      client: ClientInfo,
    ): Promise<SessionTokens & { message: string; account_deletion_due_at?: string }> =>
      audit.track("verify_otp", { email, client }, async (subject) => {
        const user = await users.findByEmail(email);
        if (!user && !hide) throw appError(ACCOUNT_ERRORS.userNotFound);
        // The account's state picks the purpose, so a registration code can never stand in for a re-check.
        const purpose: OtpPurpose = user?.isVerified ? "recheck" : "register";
        subject.userId = user?.id;
        subject.detail = purpose;
        // Checked for unknown addresses too (hidden mode), so they fail exactly like a wrong code.
        const accepted = await otp.verifyAndConsumeOtp(email, purpose, code, otpToken);
        if (!user) throw appError(OTP_ERRORS.invalid);
        const proof: SignInProof =
          purpose === "register"
            ? { kind: "register", registrationTokenHash: otp.hashOtpToken(otpToken) }
            : { kind: "recheck", passwordVersion: accepted.passwordVersion, bound: accepted.bound };
        // Verifying the account (or recording the re-check) and opening the session are one statement.
        const tokens = await sessions.startSession(user, client, new Date(clock.now()), proof);
        await rememberLocale(user, client);
        return { message: M.verified, ...tokens, ...pendingDeletion(user) };
      }),

    async resendOtp(email: string, client: ClientInfo): Promise<string> {
      const user = await users.findByEmail(email);
      if (user && !user.isVerified) {
        await codes.issueAndMail(email, "register", client);
      } else if (user && (await otp.hasPendingOtp(email, "recheck"))) {
        // Only a re-check that a correct password started can be resent; otherwise a code would bypass it.
        // Anyone can ask for this, so it uses the open budget and keeps the step's binding and password version.
        await codes.issueAndMail(email, "recheck", client, { keepBinding: true, passwordVersion: user.passwordVersion });
      } else if (hide) {
        // Nothing to send, but the send limits run as for any address, so they do not tell either: a code is
        // issued (and never mailed) as for an address with an unverified account.
        await codes.issue(email, "register");
      } else if (!user) {
        throw appError(ACCOUNT_ERRORS.userNotFound);
      } else {
        throw appError(AUTH_ERRORS.alreadyVerified);
      }
      return M.codeResent;
    },

    login: (email: string, password: string, client: ClientInfo): Promise<SessionTokens & { account_deletion_due_at?: string }> =>
      audit.track("login", { email, client }, async (subject) => {
        const user = await users.findByEmail(email);
        subject.userId = user?.id;
        const passwordOk = user?.passwordHash ? await passwords.verify(password, user.passwordHash) : await passwords.verifyDecoy(password);
        // Checked after the decoy verification, so these answers take as long as any other.
        if (user && !user.passwordHash) {
          if (hide) throw badCredentials();
          if (user.authProvider === "local") throw appError(ACCOUNT_ERRORS.passwordNotSet);
          throw appError(AUTH_ERRORS.oauthOnly(providerLabel(user.authProvider)));
        }
        if (!user || !passwordOk) throw badCredentials();
        if (!user.isVerified) {
          // The password was right: a code entered with this token gives the account this very password.
          const token = otp.newOtpToken();
          await users.bindRegistration(user.id, user.passwordHash!, otp.hashOtpToken(token), new Date(clock.now()));
          throw appError(AUTH_ERRORS.notVerified, { fields: { otp_token: token } });
        }
        if (!user.isActive) throw appError(ACCOUNT_ERRORS.accountDisabled);
        const lastCheck = user.lastOtpVerifiedAt;
        // A password nobody has proven to hold the mailbox with (see users.saveRegistration) always needs a code.
        if (!user.passwordProven || !lastCheck || clock.now() - lastCheck.getTime() > settings.recheckAfterMinutes * 60_000) {
          return requireRecheck(user, client);
        }
        const tokens = await sessions.startSession(user, client, lastCheck, { kind: "password", passwordVersion: user.passwordVersion });
        await rememberLocale(user, client);
        return { ...tokens, ...pendingDeletion(user) };
      }),

    /**
     * New tokens for a refresh token. Past the re-check window a code is mailed instead and the session
     * ends: verifying the code (POST /auth/verify-otp) opens a new one.
     */
    async refresh(refreshToken: string, client: ClientInfo): Promise<SessionTokens> {
      const outcome = await sessions.refresh(refreshToken, client);
      if (outcome.ok) return outcome.tokens;
      const { email, userId, sessionId, passwordVersion } = outcome.recheck;
      return requireRecheck({ id: userId, email, passwordVersion }, client, () =>
        sessions.endSession(userId, sessionId, "recheck", client),
      );
    },

    async logout(userId: number, sessionId: string, client: ClientInfo): Promise<string> {
      await sessions.endSession(userId, sessionId, "logout", client);
      return M.loggedOut;
    },

    async getProfile(userId: number): Promise<ProfileResponse> {
      const profile = await profiles.read(userId, async () => {
        const user = await users.findById(userId);
        return user && toUserView(user);
      });
      if (!profile) throw appError(ACCOUNT_ERRORS.invalidToken);
      return profile;
    },
  };
}
