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

/** One error of a catalogue (`src/errors/<area>.ts`): its status, stable code and text, defined together once. */
interface ErrorEntry {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  /** Headers every answer of it carries (an authentication challenge). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error whose text has parts (a provider's name, a limit): called with them, it gives the entry. */
type ErrorTemplate<A extends unknown[] = never[]> = ((...args: A) => ErrorEntry) & Pick<ErrorEntry, "status" | "code">;

/** Status and code are known without the parts, so a catalogue lists every code whatever its text. */
export function errorTemplate<A extends unknown[]>(status: number, code: string, detail: (...args: A) => string): ErrorTemplate<A> {
  return Object.assign((...args: A): ErrorEntry => ({ status, code, detail: detail(...args) }), { status, code });
}

export type ErrorCatalogue = Readonly<Record<string, ErrorEntry | ErrorTemplate>>;

interface ErrorExtras {
  /** Added to the entry's own headers (Retry-After, RateLimit-*). */
  headers?: Record<string, string>;
  /** Added to the answer's body (an `otp_token`). */
  fields?: Record<string, string>;
  /** The failure underneath (a lost connection), for the log; never answered. */
  cause?: unknown;
}

/** The AppError to throw for a catalogue entry. */
export function appError(entry: ErrorEntry, { headers, fields, cause }: ErrorExtras = {}): AppError {
  const error = new AppError(entry.status, entry.detail, entry.code, { ...entry.headers, ...headers }, fields);
  if (cause !== undefined) error.cause = cause;
  return error;
}

/** A 429 that tells the client how long to wait (Retry-After, whole seconds, at least 1). */
export function tooManyRequests(entry: ErrorEntry, retryAfterMs: number, headers: Record<string, string> = {}): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return appError(entry, { headers: { ...headers, "Retry-After": String(seconds) } });
}

type Details<C extends ErrorCatalogue> = { readonly [K in keyof C as C[K] extends ErrorEntry ? K : never]: string };

/** The texts of a catalogue's fixed entries by name, for a messages map: what clients (and the page's tests) match on. */
export function detailsOf<C extends ErrorCatalogue>(catalogue: C): Details<C> {
  const details: Record<string, string> = {};
  for (const [name, entry] of Object.entries(catalogue)) if (typeof entry !== "function") details[name] = entry.detail;
  return details as Details<C>;
}
