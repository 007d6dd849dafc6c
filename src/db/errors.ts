// postgres.js connection failures, and PostgreSQL's own "class 08" / shutdown / overload codes.
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/** The string `code`s of an error and of the errors it wraps (drizzle wraps the driver's error). */
function* errorCodes(error: unknown): Generator<string> {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") yield code;
    current = (current as { cause?: unknown }).cause;
  }
}

/** True when an error means PostgreSQL could not be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const code of errorCodes(error)) if (CONNECTION_CODES.has(code) || code.startsWith("08")) return true;
  return false;
}

/** True when PostgreSQL refused a row for a unique constraint. */
export function isUniqueViolation(error: unknown): boolean {
  for (const code of errorCodes(error)) if (code === "23505") return true;
  return false;
}
