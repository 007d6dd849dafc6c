import type { ErrorCatalogue } from ".";

/** About an account or its credentials, raised by several features alike; texts the original's clients match on. */
export const ACCOUNT_ERRORS = {
  accountDisabled: { status: 403, code: "account_disabled", detail: "This account is disabled." },
  badCredentials: { status: 401, code: "invalid_credentials", detail: "Incorrect email or password." },
  invalidToken: {
    status: 401,
    code: "invalid_token",
    detail: "Could not validate credentials.",
    headers: { "WWW-Authenticate": "Bearer" },
  },
  userNotFound: { status: 404, code: "user_not_found", detail: "User not found." },
  /**
   * 400, as the original service's /auth/register answered it and its clients expect. The admin API answers
   * the same conflict 409 (ADMIN_ERRORS.emailTaken).
   */
  emailTaken: { status: 400, code: "email_taken", detail: "An account with this email already exists." },
  /** An account created by an administrator without a password. */
  passwordNotSet: {
    status: 400,
    code: "password_not_set",
    detail: 'This account has no password yet. Use "Forgot password" to set one.',
  },
} as const satisfies ErrorCatalogue;
