import type { ErrorCatalogue } from ".";
import { ACCOUNT_ERRORS } from "./account";

/** The admin API and its Basic authentication. */
export const ADMIN_ERRORS = {
  badCredentials: {
    status: 401,
    code: "invalid_admin_credentials",
    detail: "Invalid admin credentials.",
    headers: { "WWW-Authenticate": 'Basic realm="otp-auth admin", charset="UTF-8"' },
  },
  notConfigured: { status: 503, code: "admin_not_configured", detail: "Admin credentials are not configured." },
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
