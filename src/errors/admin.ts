import type { ErrorCatalogue } from ".";
import { ACCOUNT_ERRORS } from "./account";
import { AUTH_ERRORS } from "./auth";

/** The admin API and its Basic authentication. */
export const ADMIN_ERRORS = {
  badCredentials: {
    status: 401,
    code: "invalid_admin_credentials",
    detail: "Invalid admin credentials.",
    headers: { "WWW-Authenticate": 'Basic realm="otp-auth admin", charset="UTF-8"' },
  },
  notConfigured: { status: 503, code: "admin_not_configured", detail: "Admin credentials are not configured." },
  /** A valid bearer token of someone who does not hold the admin role (any more). */
  notAdmin: { status: 403, code: "admin_required", detail: "This account is not an administrator." },
  /** An admin's token whose sign-in is older than ADMIN_SESSION_MINUTES: their session goes on, the admin API wants a new sign-in. */
  sessionExpired: {
    status: 401,
    code: "admin_session_expired",
    detail: "The admin session has expired. Sign in again.",
    headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
  },
  roleFixed: {
    status: 409,
    code: "admin_role_fixed",
    detail: "The ADMIN_EMAIL account holds the admin role by configuration; it cannot be taken back.",
  },
  /** Starting a password reset for an account an admin disabled: it would mail nothing. */
  accountDisabled: { ...ACCOUNT_ERRORS.accountDisabled, status: 409 },
  /** Resending a verification code to an account that has none to verify. */
  alreadyVerified: { ...AUTH_ERRORS.alreadyVerified, status: 409 },
  /**
   * The admin API is this service's own, with no original client to stay compatible with, so a taken address
   * is the conflict it is: 409. /auth/register keeps the original's 400 for the same code and text.
   */
  emailTaken: { ...ACCOUNT_ERRORS.emailTaken, status: 409 },
  webhookEndpointNotFound: { status: 404, code: "webhook_endpoint_not_found", detail: "Webhook endpoint not found." },
  webhookDeliveryNotFound: { status: 404, code: "webhook_delivery_not_found", detail: "Webhook delivery not found." },
  webhookDeliveryInFlight: {
    status: 409,
    code: "webhook_delivery_in_flight",
    detail: "An attempt of this webhook delivery is in progress. Try again once it has ended.",
  },
} as const satisfies ErrorCatalogue;
