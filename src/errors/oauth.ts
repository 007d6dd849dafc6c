import { errorTemplate, type ErrorCatalogue } from ".";

/** Sign-in with Google or GitHub; `provider` is the provider's label ("GitHub"). */
export const OAUTH_ERRORS = {
  unsupportedProvider: { status: 400, code: "unsupported_provider", detail: "Unsupported OAuth provider." },
  notConfigured: errorTemplate(
    503,
    "oauth_not_configured",
    (provider: string, missing: string[]) => `${provider} sign-in is not configured on this server: set ${missing.join(", ")}.`,
  ),
  redirectUriNotAllowed: errorTemplate(
    400,
    "oauth_redirect_uri_not_allowed",
    (provider: string) => `redirect_uri is not one of the redirect URIs configured for ${provider}.`,
  ),
  redirectUriMismatch: {
    status: 400,
    code: "oauth_redirect_uri_mismatch",
    detail: "redirect_uri differs from the one this sign-in was started with.",
  },
  stateInvalid: { status: 400, code: "oauth_state_invalid", detail: "The sign-in state is invalid. Please start the sign-in again." },
  stateExpired: {
    status: 400,
    code: "oauth_state_expired",
    detail: "The sign-in took too long and has expired. Please start the sign-in again.",
  },
  stateUsed: {
    status: 400,
    code: "oauth_state_used",
    detail: "This sign-in was already completed or cancelled. Please start the sign-in again.",
  },
  stateProviderMismatch: errorTemplate(
    400,
    "oauth_state_provider_mismatch",
    (started: string, used: string) => `This sign-in was started for ${started}, not for ${used}. Please start the sign-in again.`,
  ),
  accessDenied: errorTemplate(400, "oauth_access_denied", (provider: string) => `Sign-in with ${provider} was cancelled.`),
  /** `error` is the provider's OAuth error code, if it sent one. */
  authorizationFailed: errorTemplate(
    400,
    "oauth_authorization_failed",
    (provider: string, error?: string) => `${provider} did not complete the sign-in${error ? ` (${error})` : ""}. Please try again.`,
  ),
  codeRejected: errorTemplate(
    400,
    "oauth_code_rejected",
    (provider: string, error: string) =>
      `${provider} did not accept the sign-in (${error}): the code is wrong, expired or already used. Please sign in again.`,
  ),
  emailUnverified: errorTemplate(
    400,
    "oauth_email_unverified",
    (provider: string) => `Your ${provider} account has no verified email address. Verify your email with ${provider}, then sign in again.`,
  ),
  /** An unverified account may have been registered by someone who does not own the address: never taken over. */
  accountUnverified: errorTemplate(
    409,
    "oauth_account_unverified",
    (provider: string) =>
      "An account with this email exists but its address is not verified yet. Finish the email verification first " +
      `(registering again mails a new code), then sign in with ${provider} to link it.`,
  ),
  /** `name` is the provider's name (`github`), which prefixes its settings. */
  providerRejectedClient: errorTemplate(
    502,
    "oauth_provider_rejected_client",
    (provider: string, name: string, error: string) =>
      `${provider} refused this server's OAuth client (${error}). ` +
      `The ${name.toUpperCase()}_CLIENT_ID, _CLIENT_SECRET or _REDIRECT_URI setting needs fixing.`,
  ),
  providerUnavailable: errorTemplate(
    502,
    "oauth_provider_unavailable",
    (provider: string) => `${provider} could not be reached or gave an invalid answer. Please try again later.`,
  ),
} as const satisfies ErrorCatalogue;
