import { createHmac, randomInt, timingSafeEqual } from "node:crypto";

/** A string of `length` decimal digits, each drawn uniformly from the CSPRNG. */
export function randomDigits(length: number): string {
  let digits = "";
  for (let i = 0; i < length; i++) digits += randomInt(10).toString();
  return digits;
}

/** Hex HMAC-SHA256: the only form in which a secret value (a code) is ever stored. */
export function hmacHex(key: string, value: string): string {
  return createHmac("sha256", key).update(value).digest("hex");
}

/** Compares two strings without leaking, through timing, where they first differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // Comparing against itself keeps the time independent of whether the lengths match.
  if (left.length !== right.length) return timingSafeEqual(left, left) && false;
  return timingSafeEqual(left, right);
}
