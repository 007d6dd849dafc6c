import { Secret, TOTP } from "otpauth";

// RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30-second steps.
const PERIOD = 30;
const DIGITS = 6;

/** A new 160-bit secret, in base32 as apps take it. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The `otpauth://` URI an app scans (as a QR code) or takes pasted. */
export function totpUri(secret: string, issuer: string, label: string): string {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD }).toString();
}

/**
 * The time step a code belongs to, if it is the code of the current step or of the one before or after (clocks
 * drift); null otherwise. The caller decides whether that step was already used.
 */
export function matchTotpStep(secret: string, code: string, now: number): number | null {
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    digits: DIGITS,
    period: PERIOD,
    timestamp: now,
    window: 1,
  });
  return delta === null ? null : TOTP.counter({ period: PERIOD, timestamp: now }) + delta;
}
