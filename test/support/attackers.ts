import { loginGuard } from "./limits";

/** Words of the attack tests: the rules a code attack meets, and a new client address per request. */
export const PASSWORD = "correct horse battery";
export const FAILURES_PER_WINDOW = 25; // the default OTP_MAX_FAILURES_PER_WINDOW
/** Answers that mean the code was actually checked (and so count as a guess). */
export const EVALUATED = new Set(["otp_invalid", "otp_attempts_exhausted"]);

/** The defaults of the per-IP budgets and of every code rule, not the harness's generous ones; clients named by X-Forwarded-For. */
export const DEFAULT_CODE_RULES = {
  TRUST_PROXY: "1",
  RATE_LIMIT_MAIL_PER_HOUR: "20",
  RATE_LIMIT_CODE_PER_MINUTE: "20",
  RATE_LIMIT_PASSWORD_PER_MINUTE: "20",
  ...loginGuard({ failures: 5, failuresPerIpPerDay: 100 }),
};

/** Headers of a client in a /64 of 2001:db8:<block>::/48 that no request used before, so no per-IP budget stops it. */
export function freshClients(block: number) {
  let subnet = 0;
  return () => ({ "x-forwarded-for": `2001:db8:${block}:${(++subnet).toString(16)}::1` });
}
