import { createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

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

/** A key for one purpose derived from SECRET_KEY, so no two uses (token signing, code hashing) share a key. */
export function deriveKey(secret: string, purpose: string): string {
  return Buffer.from(hkdfSync("sha256", secret, "otp-auth", purpose, 32)).toString("hex");
}

/** Compares two secrets (or their hashes) without leaking, through timing, where they first differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const [left, right] = [Buffer.from(a), Buffer.from(b)];
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `bytes` random bytes from the CSPRNG as URL-safe base64: for tokens, keys and ids. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
