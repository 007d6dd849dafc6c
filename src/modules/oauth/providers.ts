import type { Env } from "../../config/schema";

export const OAUTH_PROVIDER_NAMES = ["google", "github"] as const;
export type OAuthProviderName = (typeof OAUTH_PROVIDER_NAMES)[number];

type OAuthEnv = Pick<
  Env,
  | "GOOGLE_CLIENT_ID"
  | "GOOGLE_CLIENT_SECRET"
  | "GOOGLE_REDIRECT_URI"
  | "GOOGLE_AUTHORIZE_URL"
  | "GOOGLE_TOKEN_URL"
  | "GOOGLE_USERINFO_URL"
  | "GITHUB_CLIENT_ID"
  | "GITHUB_CLIENT_SECRET"
  | "GITHUB_REDIRECT_URI"
  | "GITHUB_AUTHORIZE_URL"
  | "GITHUB_TOKEN_URL"
  | "GITHUB_API_URL"
>;

/** Everything the service needs to know about one provider; `missing` names the unset credentials. */
export interface ProviderDefinition {
  name: OAuthProviderName;
  label: string;
  /** Expected `iss` of Google's ID token; GitHub has none, its value is only a placeholder. */
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Google: the userinfo endpoint. GitHub: the REST API root (`/user`, `/user/emails`). */
  profileUrl: string;
  scope: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  missing: string[];
}

const LABELS: Record<OAuthProviderName, string> = { google: "Google", github: "GitHub" };

export const isOAuthProviderName = (name: string): name is OAuthProviderName => (OAUTH_PROVIDER_NAMES as readonly string[]).includes(name);

export const providerLabel = (name: string): string => LABELS[name as OAuthProviderName] ?? name;

function credentials(prefix: "GOOGLE" | "GITHUB", env: OAuthEnv) {
  const values = {
    [`${prefix}_CLIENT_ID`]: env[`${prefix}_CLIENT_ID`],
    [`${prefix}_CLIENT_SECRET`]: env[`${prefix}_CLIENT_SECRET`],
    [`${prefix}_REDIRECT_URI`]: env[`${prefix}_REDIRECT_URI`],
  };
  return {
    clientId: env[`${prefix}_CLIENT_ID`] ?? "",
    clientSecret: env[`${prefix}_CLIENT_SECRET`] ?? "",
    redirectUris: env[`${prefix}_REDIRECT_URI`] ?? [],
    missing: Object.entries(values)
      .filter(([, value]) => value === undefined || value.length === 0)
      .map(([name]) => name),
  };
}

/** Both providers from the configuration; the endpoint variables let GitHub Enterprise and tests point elsewhere. */
export function defineProviders(env: OAuthEnv): Record<OAuthProviderName, ProviderDefinition> {
  return {
    google: {
      name: "google",
      label: LABELS.google,
      issuer: "https://accounts.google.com",
      authorizeUrl: env.GOOGLE_AUTHORIZE_URL,
      tokenUrl: env.GOOGLE_TOKEN_URL,
      profileUrl: env.GOOGLE_USERINFO_URL,
      scope: "openid email profile",
      ...credentials("GOOGLE", env),
    },
    github: {
      name: "github",
      label: LABELS.github,
      issuer: new URL(env.GITHUB_AUTHORIZE_URL).origin,
      authorizeUrl: env.GITHUB_AUTHORIZE_URL,
      tokenUrl: env.GITHUB_TOKEN_URL,
      profileUrl: env.GITHUB_API_URL.replace(/\/+$/, ""),
      // user:email is what lets /user/emails say which address is primary and verified.
      scope: "read:user user:email",
      ...credentials("GITHUB", env),
    },
  };
}

/** The providers whose three credentials are all set, for the page's buttons. */
export const configuredProviderNames = (env: OAuthEnv): OAuthProviderName[] =>
  Object.values(defineProviders(env))
    .filter((provider) => provider.missing.length === 0)
    .map((provider) => provider.name);
