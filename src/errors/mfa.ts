import type { ErrorCatalogue } from ".";

/** The second factor (an authenticator app's TOTP codes, and recovery codes). */
export const MFA_ERRORS = {
  /** A first factor was right; the answer carries the `mfa_token` to send with the second one. */
  required: {
    status: 401,
    code: "mfa_required",
    detail: "A second factor is required. Send a code from your authenticator app, or a recovery code, to /auth/mfa/verify.",
  },
  invalidToken: { status: 401, code: "invalid_mfa_token", detail: "Invalid or expired mfa_token. Please sign in again." },
  invalidCode: { status: 400, code: "invalid_mfa_code", detail: "Invalid authenticator or recovery code." },
  locked: { status: 429, code: "mfa_locked", detail: "Too many wrong authenticator codes. Please try again later." },
  notEnrolled: { status: 409, code: "mfa_not_enrolled", detail: "No authenticator app is being set up. Start with /auth/mfa/totp/enroll." },
  alreadyEnabled: { status: 409, code: "mfa_already_enabled", detail: "The authenticator app is already on. Turn it off first." },
  notEnabled: { status: 409, code: "mfa_not_enabled", detail: "The second factor is not on." },
} as const satisfies ErrorCatalogue;
