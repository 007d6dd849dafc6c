import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { AuditLog } from "../../audit/log";
import type { SingleUseStore } from "../../cache/single-use-store";
import type { Passkey } from "../../db/schema";
import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { PASSKEY_ERRORS } from "../../errors/passkeys";
import type { ClientInfo } from "../../lib/client-info";
import type { Clock } from "../../lib/clock";
import { randomToken } from "../../lib/crypto";
import { passkeyMail } from "../../mail/templates";
import type { CodeDelivery } from "../auth/code-delivery";
import { signedInUser } from "../auth/signed-in";
import type { UserRepository } from "../auth/users";
import type { SessionTokens } from "../sessions/model";
import type { SessionService } from "../sessions/service";
import type { AuthenticationResponse, CreationOptions, PasskeyView, RegistrationResponse, RequestOptions } from "./model";
import type { Ceremony, RelyingParty } from "./relying-party";
import type { PasskeyRepository } from "./repository";

/** A challenge handed out and not yet answered: for whom and where, so an answer elsewhere is refused. */
export interface PendingChallenge extends Ceremony {
  purpose: "register" | "sign-in";
  /** The registering user; none for a sign-in (the passkey names its user). */
  userId?: number;
}

export const CHALLENGE_TTL_SECONDS = 300;
/** A passkey can be added only this soon after the session's sign-in. */
export const FRESH_SIGN_IN_SECONDS = 600;

const view = (passkey: Passkey): PasskeyView => ({
  id: passkey.id,
  name: passkey.name,
  device_type: passkey.deviceType === "multiDevice" ? "multiDevice" : "singleDevice",
  backed_up: passkey.backedUp,
  created_at: passkey.createdAt.toISOString(),
  last_used_at: passkey.lastUsedAt?.toISOString() ?? null,
});

/** The challenge and origin the browser signed, read from clientDataJSON before anything is verified. */
function clientData(clientDataJSON: string): { challenge: string; origin: string } | null {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8"));
    return typeof data?.challenge === "string" && typeof data?.origin === "string" ? data : null;
  } catch {
    return null;
  }
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;

/**
 * Passkeys with @simplewebauthn/server: discoverable credentials with user verification, so one is a whole
 * sign-in on its own (it also stands for the second factor: phishing-resistant and user-verified). Challenges
 * are single-use, kept in Redis or this process for CHALLENGE_TTL_SECONDS, so any instance can finish a
 * ceremony another started.
 */
export function createPasskeyService({
  repository,
  users,
  challenges,
  relyingParty,
  sessions,
  codes,
  audit,
  clock,
}: {
  repository: PasskeyRepository;
  users: Pick<UserRepository, "findById">;
  challenges: SingleUseStore<PendingChallenge>;
  relyingParty: RelyingParty;
  /** The session service itself, not the second factor's stand-in: a passkey needs no second step. */
  sessions: Pick<SessionService, "startSession">;
  codes: Pick<CodeDelivery, "sendNotice">;
  audit: AuditLog;
  clock: Clock;
}) {
  const remember = (challenge: string, pending: PendingChallenge) =>
    challenges.save(challenge, pending, clock.now() + CHALLENGE_TTL_SECONDS * 1000);

  /** Takes the challenge the answer signed; refused unless it was issued for this purpose (and user) at this origin. */
  async function takeChallenge(clientDataJSON: string, purpose: PendingChallenge["purpose"], userId?: number) {
    const data = clientData(clientDataJSON);
    const pending = data ? await challenges.take(data.challenge) : null;
    if (!data || !pending || pending.purpose !== purpose || pending.userId !== userId || pending.origin !== data.origin) {
      throw appError(PASSKEY_ERRORS.invalidChallenge);
    }
    return { challenge: data.challenge, ...pending };
  }

  async function freshSession(userId: number, sessionId: string) {
    const openedAt = await repository.sessionOpenedAt(userId, sessionId);
    if (!openedAt || clock.now() - openedAt.getTime() > FRESH_SIGN_IN_SECONDS * 1000) throw appError(PASSKEY_ERRORS.freshSignInRequired);
  }

  return {
    /** Options for adding a passkey: the user's handle, their passkeys excluded (an authenticator holds one each). */
    async registrationOptions(user: { id: number; sessionId: string }, origin: string | null): Promise<CreationOptions> {
      const ceremony = relyingParty.ceremonyFor(origin);
      await freshSession(user.id, user.sessionId);
      const handle = await repository.handleOf(user.id, randomToken(32));
      const [existing, account] = await Promise.all([repository.listFor(user.id), signedInUser(users, user.id)]);
      if (!handle) throw appError(ACCOUNT_ERRORS.invalidToken);
      const options = await generateRegistrationOptions({
        rpName: relyingParty.name,
        rpID: ceremony.rpId,
        userName: account.email,
        userID: new TextEncoder().encode(handle),
        attestationType: "none",
        excludeCredentials: existing.map((passkey) => ({ id: passkey.id, transports: transportsOf(passkey) })),
        authenticatorSelection: { residentKey: "required", userVerification: "required" },
        timeout: CHALLENGE_TTL_SECONDS * 1000,
      });
      await remember(options.challenge, { ...ceremony, purpose: "register", userId: user.id });
      return options as unknown as CreationOptions; // the library's interface, described loosely in the model
    },

    /** Verifies the new credential and keeps it; the owner is mailed, as for every new way into the account. */
    register: (user: { id: number; sessionId: string }, response: RegistrationResponse, name: string | undefined, client: ClientInfo) =>
      audit.track("passkey_added", { userId: user.id, client }, async (subject) => {
        const pending = await takeChallenge(response.response.clientDataJSON, "register", user.id);
        await freshSession(user.id, user.sessionId);
        const verification = await verifyRegistrationResponse({
          response: response as RegistrationResponseJSON,
          expectedChallenge: pending.challenge,
          expectedOrigin: pending.origin,
          expectedRPID: pending.rpId,
          requireUserVerification: true,
        }).catch(() => null);
        if (!verification?.verified) throw appError(PASSKEY_ERRORS.registrationFailed);
        const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
        const saved = await repository.insert({
          id: credential.id,
          userId: user.id,
          publicKey: Buffer.from(credential.publicKey).toString("base64url"),
          counter: credential.counter,
          transports: credential.transports ?? [],
          deviceType: credentialDeviceType,
          backedUp: credentialBackedUp,
          name: name ?? (credentialBackedUp ? "Synced passkey" : "Passkey"),
        });
        if (!saved) throw appError(PASSKEY_ERRORS.alreadyRegistered);
        const account = await users.findById(user.id);
        subject.email = account?.email;
        if (account) await codes.sendNotice(account.email, passkeyMail("added"), "passkey_added", client);
        return view(saved);
      }),

    /** Options for signing in: no user named, so the browser offers the passkeys it holds for this site. */
    async signInOptions(origin: string | null): Promise<RequestOptions> {
      const ceremony = relyingParty.ceremonyFor(origin);
      const options = await generateAuthenticationOptions({
        rpID: ceremony.rpId,
        userVerification: "required",
        timeout: CHALLENGE_TTL_SECONDS * 1000,
      });
      await remember(options.challenge, { ...ceremony, purpose: "sign-in" });
      return options as RequestOptions;
    },

    /**
     * A whole sign-in: the challenge is taken first (an answer works once, on any instance), then the signature,
     * user verification, origin and RP ID are checked, and the counter must move forward (a clone's does not).
     * Every refusal after the challenge is the same 401, so nothing tells which passkeys exist.
     */
    signIn: (response: AuthenticationResponse, client: ClientInfo): Promise<SessionTokens> =>
      audit.track("passkey_sign_in", { client }, async (subject) => {
        const pending = await takeChallenge(response.response.clientDataJSON, "sign-in");
        const passkey = await repository.find(response.id);
        const handle = response.response.userHandle ? Buffer.from(response.response.userHandle, "base64url").toString("utf8") : null;
        const owner = handle ? await repository.userByHandle(handle) : null;
        if (!passkey || !owner || owner.id !== passkey.userId) throw appError(PASSKEY_ERRORS.invalid);
        subject.userId = owner.id;
        subject.email = owner.email;
        const verification = await verifyAuthenticationResponse({
          response: response as AuthenticationResponseJSON,
          expectedChallenge: pending.challenge,
          expectedOrigin: pending.origin,
          expectedRPID: pending.rpId,
          credential: {
            id: passkey.id,
            publicKey: Buffer.from(passkey.publicKey, "base64url"),
            counter: passkey.counter,
            transports: transportsOf(passkey),
          },
          requireUserVerification: true,
        }).catch(() => null);
        if (!verification?.verified) throw appError(PASSKEY_ERRORS.invalid);
        if (owner.isDisabled || !owner.isActive) throw appError(ACCOUNT_ERRORS.accountDisabled);
        if (!(await repository.recordUse(passkey.id, verification.authenticationInfo.newCounter, new Date(clock.now())))) {
          subject.detail = "counter";
          throw appError(PASSKEY_ERRORS.invalid);
        }
        // Like an OAuth sign-in, it proves the person, not the mailbox: nothing is recorded on the user.
        return sessions.startSession({ id: owner.id, email: owner.email }, client, new Date(clock.now()));
      }),

    list: async (userId: number) => ({ passkeys: (await repository.listFor(userId)).map(view) }),

    async rename(userId: number, id: string, name: string): Promise<PasskeyView> {
      const renamed = await repository.rename(userId, id, name);
      if (!renamed) throw appError(PASSKEY_ERRORS.notFound);
      return view(renamed);
    },

    remove: (userId: number, id: string, client: ClientInfo) =>
      audit.track("passkey_removed", { userId, client }, async (subject) => {
        if (!(await repository.remove(userId, id))) throw appError(PASSKEY_ERRORS.notFound);
        const account = await users.findById(userId);
        subject.email = account?.email;
        if (account) await codes.sendNotice(account.email, passkeyMail("removed"), "passkey_removed", client);
      }),
  };
}

const transportsOf = (passkey: Passkey) =>
  (passkey.transports ? passkey.transports.split(",") : []) as ("ble" | "cable" | "hybrid" | "internal" | "nfc" | "smart-card" | "usb")[];
