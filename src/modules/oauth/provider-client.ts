import * as oauth from "oauth4webapi";
import { z } from "zod";
import { AppError, appError } from "../../errors";
import { OAUTH_ERRORS } from "../../errors/oauth";
import type { Logger } from "../../lib/log";
import type { ProviderDefinition } from "./providers";

/** Who the provider says signed in; `email` is set only when the provider says the address is verified. */
interface ProviderIdentity {
  providerUserId: string;
  verifiedEmail: string | null;
}

interface CodeExchange {
  code: string;
  state: string;
  redirectUri: string;
  codeVerifier: string;
}

// Error codes by which a provider blames this server's registration rather than the user's code.
const CLIENT_FAULTS = new Set([
  "invalid_client",
  "unauthorized_client",
  "incorrect_client_credentials",
  "redirect_uri_mismatch",
  "unsupported_grant_type",
]);

const googleUserinfo = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().max(254).optional(),
  email_verified: z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]).optional(),
});
const githubUser = z.object({ id: z.number().int() });
const githubEmails = z.array(z.object({ email: z.string().max(254), primary: z.boolean(), verified: z.boolean() }));

/** The OAuth error code of a refused token request, if the provider gave one. */
function tokenErrorCode(error: unknown): string | undefined {
  // GitHub answers token errors with HTTP 200 and {"error": ...}; oauth4webapi then reports a missing access_token.
  const body = (error as { cause?: { body?: { error?: unknown } } } | null)?.cause?.body;
  const code = error instanceof oauth.ResponseBodyError ? error.error : body?.error;
  if (typeof code !== "string") return undefined;
  // It is echoed in `detail`, so only a plain error code passes.
  return /^[\w.-]{1,64}$/.test(code) ? code : "error";
}

/** A response from the provider that does not have the expected shape; mapped to 502 like an outage. */
class UnexpectedAnswer extends Error {}

export function createProviderClient({ timeoutMs, log }: { timeoutMs: number; log: Logger }) {
  const options = (url: string) => ({
    signal: () => AbortSignal.timeout(timeoutMs),
    // Only loopback endpoints may be plain http (the configuration enforces it): a local test provider.
    [oauth.allowInsecureRequests]: new URL(url).protocol === "http:",
  });

  const server = (provider: ProviderDefinition): oauth.AuthorizationServer => ({
    issuer: provider.issuer,
    authorization_endpoint: provider.authorizeUrl,
    token_endpoint: provider.tokenUrl,
    userinfo_endpoint: provider.profileUrl,
  });

  /** Turns any failure of a provider call into a 400 (the code was refused) or a 502, logging no secret. */
  function providerFailure(provider: ProviderDefinition, step: "token" | "profile", error: unknown): AppError {
    if (error instanceof AppError) return error;
    const oauthError = step === "token" ? tokenErrorCode(error) : undefined;
    log.warn("oauth provider call failed", {
      provider: provider.name,
      step,
      oauth_error: oauthError,
      failure: (error as Error)?.name,
      reason: (error as { code?: string })?.code,
      status: (error as { status?: number })?.status,
    });
    if (oauthError && !CLIENT_FAULTS.has(oauthError)) {
      return appError(OAUTH_ERRORS.codeRejected(provider.label, oauthError));
    }
    if (oauthError || (step === "token" && error instanceof oauth.WWWAuthenticateChallengeError)) {
      return appError(OAUTH_ERRORS.providerRejectedClient(provider.label, provider.name, oauthError ?? "invalid_client"));
    }
    return appError(OAUTH_ERRORS.providerUnavailable(provider.label));
  }

  async function readJson<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
    if (response.status !== 200) throw new UnexpectedAnswer(`status ${response.status}`);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new UnexpectedAnswer("unexpected body");
    return parsed.data;
  }

  async function fetchGoogleIdentity(provider: ProviderDefinition, accessToken: string, idTokenSubject: string | undefined) {
    const as = server(provider);
    const client = { client_id: provider.clientId };
    const response = await oauth.userInfoRequest(as, client, accessToken, options(provider.profileUrl));
    // The userinfo subject must be the ID token's: both answers are about one Google account.
    const claims = googleUserinfo.parse(
      await oauth.processUserInfoResponse(as, client, idTokenSubject ?? oauth.skipSubjectCheck, response),
    );
    const email = claims.email_verified === true && claims.email ? claims.email : null;
    return { providerUserId: claims.sub, verifiedEmail: email };
  }

  async function fetchGithubIdentity(provider: ProviderDefinition, accessToken: string) {
    const get = (path: string) =>
      oauth.protectedResourceRequest(
        accessToken,
        "GET",
        new URL(`${provider.profileUrl}${path}`),
        new Headers({ accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "otp-auth" }),
        null,
        options(provider.profileUrl),
      );
    const user = await readJson(await get("/user"), githubUser);
    // /user's own email may be empty or unverified; only /user/emails says which address is verified.
    const emails = await readJson(await get("/user/emails"), githubEmails);
    const primary = emails.find((entry) => entry.primary && entry.verified);
    return { providerUserId: String(user.id), verifiedEmail: primary?.email ?? null };
  }

  return {
    /** Redeems the authorization code with the PKCE verifier; returns the access token (and Google's ID token subject). */
    async exchangeCode(provider: ProviderDefinition, exchange: CodeExchange) {
      const as = server(provider);
      const client = { client_id: provider.clientId };
      try {
        const callback = oauth.validateAuthResponse(
          as,
          client,
          new URLSearchParams({ code: exchange.code, state: exchange.state }),
          exchange.state,
        );
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          oauth.ClientSecretPost(provider.clientSecret),
          callback,
          exchange.redirectUri,
          exchange.codeVerifier,
          options(provider.tokenUrl),
        );
        // Validates Google's ID token claims (issuer, audience, expiry) when one is present.
        const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
        return { accessToken: tokens.access_token, idTokenSubject: oauth.getValidatedIdTokenClaims(tokens)?.sub };
      } catch (error) {
        throw providerFailure(provider, "token", error);
      }
    },

    async fetchIdentity(provider: ProviderDefinition, accessToken: string, idTokenSubject?: string): Promise<ProviderIdentity> {
      try {
        const identity =
          provider.name === "google"
            ? await fetchGoogleIdentity(provider, accessToken, idTokenSubject)
            : await fetchGithubIdentity(provider, accessToken);
        const email = identity.verifiedEmail?.trim().toLowerCase() ?? null;
        return { ...identity, verifiedEmail: email && z.email().max(254).safeParse(email).success ? email : null };
      } catch (error) {
        throw providerFailure(provider, "profile", error);
      }
    },
  };
}

export type ProviderClient = ReturnType<typeof createProviderClient>;
