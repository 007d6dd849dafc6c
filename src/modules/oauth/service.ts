import * as oauth from "oauth4webapi";
import type { AuditLog } from "../../audit/log";
import type { RuntimeConfig } from "../../config/load";
import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { OAUTH_ERRORS } from "../../errors/oauth";
import type { ClientInfo } from "../../lib/client-info";
import type { Clock } from "../../lib/clock";
import { deriveKey } from "../../lib/crypto";
import type { Logger } from "../../lib/log";
import type { User } from "../../db/schema";
import { isUniqueViolation } from "../../db/errors";
import type { LinkInput, OAuthAccountRepository } from "./accounts";
import type { SessionService } from "../sessions/service";
import type { CallbackBody, CallbackResponse, StartResponse } from "./model";
import type { ProviderClient } from "./provider-client";
import { isOAuthProviderName, providerLabel, type OAuthProviderName, type ProviderDefinition } from "./providers";
import { createStateSigner } from "./state";
import type { OAuthStateStore } from "./state-store";

interface OAuthServiceDeps {
  providers: Record<OAuthProviderName, ProviderDefinition>;
  store: OAuthStateStore;
  accounts: OAuthAccountRepository;
  client: ProviderClient;
  sessions: SessionService;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  settings: OAuthSettings;
}

interface OAuthSettings {
  /** Key of the signed state (derived from SECRET_KEY). */
  stateKey: string;
  stateTtlSeconds: number;
}

export const oauthSettingsFrom = (config: RuntimeConfig): OAuthSettings => ({
  stateKey: deriveKey(config.SECRET_KEY, "oauth-state"),
  stateTtlSeconds: config.OAUTH_STATE_TTL_SECONDS,
});

export type OAuthService = ReturnType<typeof createOAuthService>;

export function createOAuthService({ providers, store, accounts, client, sessions, audit, clock, log, settings }: OAuthServiceDeps) {
  const signer = createStateSigner({ key: settings.stateKey, clock, ttlSeconds: settings.stateTtlSeconds });

  function requireProvider(name: string): ProviderDefinition {
    if (!isOAuthProviderName(name)) throw appError(OAUTH_ERRORS.unsupportedProvider);
    const provider = providers[name];
    if (provider.missing.length > 0) throw appError(OAUTH_ERRORS.notConfigured(provider.label, provider.missing));
    return provider;
  }

  /** The user this identity signs in as: its linked user, else a verified local account to link, else a new one. */
  async function resolveUser(provider: ProviderDefinition, providerUserId: string, email: string | null, retry = true): Promise<User> {
    const linked = await accounts.findLinkedUser(provider.name, providerUserId);
    if (linked) return linked;
    if (!email) throw appError(OAUTH_ERRORS.emailUnverified(provider.label));
    const link: LinkInput = { provider: provider.name, providerUserId, email };
    try {
      const local = await accounts.findUserByEmail(email);
      if (!local) return await accounts.createUserWithLink(link);
      // An unverified account may have been registered by someone who does not own the address: never take it over.
      if (!local.isVerified) throw appError(OAUTH_ERRORS.accountUnverified(provider.label));
      await accounts.link(local.id, link);
      log.info("oauth identity linked to an existing account", { provider: provider.name, user_id: local.id });
      // Read back through the link, so a concurrent link of this identity to another user wins consistently.
      const user = await accounts.findLinkedUser(provider.name, providerUserId);
      if (user) return user;
    } catch (error) {
      if (!retry || !isUniqueViolation(error)) throw error;
    }
    // The address or identity was taken by a concurrent request: resolve once more against what is stored now.
    return resolveUser(provider, providerUserId, email, false);
  }

  return {
    /** The providers whose credentials are all set. */
    listConfiguredProviders: (): OAuthProviderName[] =>
      Object.values(providers)
        .filter((provider) => provider.missing.length === 0)
        .map((provider) => provider.name),

    async startSignIn(name: string, redirectUri?: string): Promise<StartResponse> {
      const provider = requireProvider(name);
      // Only a configured redirect URI may be used, or the code would be sent to wherever a client asked.
      if (redirectUri !== undefined && !provider.redirectUris.includes(redirectUri)) {
        throw appError(OAUTH_ERRORS.redirectUriNotAllowed(provider.label));
      }
      const chosenRedirect = redirectUri ?? provider.redirectUris[0]!;
      const id = oauth.generateRandomState();
      const codeVerifier = oauth.generateRandomCodeVerifier();
      await store.save(id, { provider: provider.name, codeVerifier, redirectUri: chosenRedirect }, settings.stateTtlSeconds);
      const state = signer.signState(id, provider.name);
      const url = new URL(provider.authorizeUrl);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", provider.clientId);
      url.searchParams.set("redirect_uri", chosenRedirect);
      url.searchParams.set("scope", provider.scope);
      url.searchParams.set("state", state);
      url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(codeVerifier));
      url.searchParams.set("code_challenge_method", "S256");
      return { provider: provider.name, auth_url: url.href, state };
    },

    completeSignIn: (name: string, body: CallbackBody, clientInfo: ClientInfo): Promise<CallbackResponse> =>
      audit.track("oauth_sign_in", { client: clientInfo, detail: name.slice(0, 32) }, async (subject) => {
        const provider = requireProvider(name);
        const id = signer.verifyState(body.state, provider.name, providerLabel);
        // Taken (and deleted) before anything else can fail, so every state works at most once.
        const started = await store.take(id);
        if (!started) throw appError(OAUTH_ERRORS.stateUsed);
        if (body.redirect_uri !== undefined && body.redirect_uri !== started.redirectUri) {
          throw appError(OAUTH_ERRORS.redirectUriMismatch);
        }
        if (body.error !== undefined || !body.code) {
          throw appError(
            body.error === "access_denied"
              ? OAUTH_ERRORS.accessDenied(provider.label)
              : OAUTH_ERRORS.authorizationFailed(provider.label, body.error),
          );
        }
        const { accessToken, idTokenSubject } = await client.exchangeCode(provider, {
          code: body.code,
          state: body.state,
          redirectUri: started.redirectUri,
          codeVerifier: started.codeVerifier,
        });
        const identity = await client.fetchIdentity(provider, accessToken, idTokenSubject);
        subject.email = identity.verifiedEmail;
        const user = await resolveUser(provider, identity.providerUserId, identity.verifiedEmail);
        subject.userId = user.id;
        if (!user.isActive) throw appError(ACCOUNT_ERRORS.accountDisabled);
        // The sign-in itself proved the address just now, so it opens the session's re-check window.
        const tokens = await sessions.startSession(user, clientInfo, new Date(clock.now()));
        return { ...tokens, provider: provider.name };
      }),
  };
}
