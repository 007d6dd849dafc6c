/**
 * The one error type the HTTP layer turns into `{"detail": ..., "code": ...}`; `fields` adds to that body what
 * the client needs to go on (the `otp_token` of a code step).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly code: string,
    readonly headers: Record<string, string> = {},
    readonly fields: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "AppError";
  }
}

/** A dependency (PostgreSQL, Redis, SMTP) did not answer: the request fails fast with 503. */
export function dependencyUnavailable(name: string, cause?: unknown): AppError {
  const error = new AppError(503, `${name} is unavailable. Please try again shortly.`, `${name.toLowerCase()}_unavailable`);
  if (cause !== undefined) error.cause = cause;
  return error;
}

export function tooManyRequests(detail: string, code: string, retryAfterMs: number, headers: Record<string, string> = {}): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(429, detail, code, { ...headers, "Retry-After": String(seconds) });
}
