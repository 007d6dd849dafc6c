/**
 * The rate-limit settings as environment blocks: the harness sets them all out of reach (GENEROUS_LIMITS), and
 * a test about a limit sets the ones it is about with these.
 */

/** Every per-client budget (RATE_LIMIT_*), each at `requests` in its own window. */
export function clientBudgets(requests: number): Record<string, string> {
  return {
    RATE_LIMIT_MAIL_PER_HOUR: String(requests),
    RATE_LIMIT_PASSWORD_PER_MINUTE: String(requests),
    RATE_LIMIT_CODE_PER_MINUTE: String(requests),
    RATE_LIMIT_OAUTH_PER_MINUTE: String(requests),
    RATE_LIMIT_PASSKEY_PER_MINUTE: String(requests),
  };
}

export interface LoginGuardSettings {
  /** LOGIN_MAX_CONSECUTIVE_FAILURES: wrong passwords in a row for one address from one client IP. */
  failures: number;
  /** LOGIN_MAX_FAILURES_PER_IP_PER_DAY: wrong passwords from one client IP a day, over all addresses. */
  failuresPerIpPerDay: number;
  /** LOGIN_BLOCK_SECONDS: the first block; the service's default when left out. */
  blockSeconds?: number;
  /** LOGIN_BLOCK_MAX_SECONDS: the longest block; the service's default when left out. */
  blockMaxSeconds?: number;
}

/** The login guard's settings (LOGIN_*). */
export function loginGuard({ failures, failuresPerIpPerDay, blockSeconds, blockMaxSeconds }: LoginGuardSettings): Record<string, string> {
  return {
    LOGIN_MAX_CONSECUTIVE_FAILURES: String(failures),
    ...(blockSeconds === undefined ? {} : { LOGIN_BLOCK_SECONDS: String(blockSeconds) }),
    ...(blockMaxSeconds === undefined ? {} : { LOGIN_BLOCK_MAX_SECONDS: String(blockMaxSeconds) }),
    LOGIN_MAX_FAILURES_PER_IP_PER_DAY: String(failuresPerIpPerDay),
  };
}
