import { errorTemplate, type ErrorCatalogue } from ".";

/**
 * What the HTTP layer answers whatever the route: requests refused before or by routing, dependencies that are
 * down, spent budgets, and the guards of /metrics and /dev/mailbox.
 */
export const HTTP_ERRORS = {
  malformedBody: { status: 400, code: "malformed_body", detail: "The request body is not valid JSON." },
  notFound: { status: 404, code: "not_found", detail: "Not Found" },
  lengthRequired: { status: 411, code: "length_required", detail: "A Content-Length header is required." },
  bodyTooLarge: errorTemplate(413, "body_too_large", (maxBytes: number) => `The request body is larger than ${maxBytes} bytes.`),
  unsupportedMediaType: { status: 415, code: "unsupported_media_type", detail: "Content-Type must be application/json." },
  /** `problems` names each invalid field and what is wrong with it, never the value sent. */
  validationFailed: errorTemplate(422, "validation_failed", (problems: string) => `Invalid request. ${problems}`),
  misdirectedRequest: {
    status: 421,
    code: "misdirected_request",
    detail: "The development mailbox only answers at 127.0.0.1, localhost or [::1] on the port it listens on.",
  },
  rateLimited: { status: 429, code: "rate_limited", detail: "Too many requests. Please try again later." },
  loginBlocked: { status: 429, code: "login_blocked", detail: "Too many failed sign-in attempts. Please try again later." },
  internalError: { status: 500, code: "internal_error", detail: "Internal server error." },
  postgresUnavailable: { status: 503, code: "postgresql_unavailable", detail: "PostgreSQL is unavailable. Please try again shortly." },
  redisUnavailable: { status: 503, code: "redis_unavailable", detail: "Redis is unavailable. Please try again shortly." },
  emailUnavailable: { status: 503, code: "email_unavailable", detail: "The verification email could not be sent. Please try again later." },
  metricsUnauthorized: {
    status: 401,
    code: "metrics_unauthorized",
    detail: "A valid metrics token is required: Authorization: Bearer <METRICS_TOKEN>.",
    headers: { "WWW-Authenticate": 'Bearer realm="metrics"' },
  },
  metricsForbidden: {
    status: 403,
    code: "metrics_forbidden",
    detail:
      "Without METRICS_TOKEN, /metrics answers only direct connections from this machine. Set METRICS_TOKEN to scrape it from elsewhere.",
  },
} as const satisfies ErrorCatalogue;
