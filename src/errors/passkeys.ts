import type { ErrorCatalogue } from ".";

/** Passkeys (WebAuthn credentials): adding one, signing in with one, managing them. */
export const PASSKEY_ERRORS = {
  /** The page's origin is not the relying party's: a passkey made there would not work here. */
  originNotAllowed: {
    status: 403,
    code: "passkey_origin_not_allowed",
    detail: "Passkeys work only on this service's own address (PUBLIC_URL).",
  },
  unavailable: {
    status: 503,
    code: "passkeys_unavailable",
    detail: "Passkeys need PUBLIC_URL: set it to the https:// address people reach this service at.",
  },
  /** Registering needs a session opened minutes ago: a stolen access token must not add a lasting way in. */
  freshSignInRequired: {
    status: 403,
    code: "fresh_sign_in_required",
    detail: "Sign in again to add a passkey: adding one needs a sign-in from the last few minutes.",
  },
  /** The ceremony's challenge is unknown, used, expired, or of another kind or person. */
  invalidChallenge: {
    status: 400,
    code: "invalid_passkey_challenge",
    detail: "This passkey request has expired or was already used. Please try again.",
  },
  registrationFailed: { status: 400, code: "passkey_registration_failed", detail: "The passkey could not be verified. Please try again." },
  alreadyRegistered: { status: 409, code: "passkey_already_registered", detail: "This passkey is already registered." },
  /** One answer for an unknown passkey, a wrong signature, a counter gone back and a wrong user handle. */
  invalid: { status: 401, code: "invalid_passkey", detail: "This passkey could not sign you in." },
  notFound: { status: 404, code: "passkey_not_found", detail: "No such passkey." },
} as const satisfies ErrorCatalogue;
