import { hmacHex } from "../../lib/crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const LENGTH = 10; // 50 bits each: far beyond guessing within the wrong-try limits.
export const RECOVERY_CODE_COUNT = 10;

/** Ten fresh codes, shown once as `xxxxx-xxxxx`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = crypto.getRandomValues(new Uint8Array(LENGTH));
    const code = Array.from(bytes, (byte) => ALPHABET[byte & 31]).join("");
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/** The code as typed, without case, spaces or dashes; null when it cannot be a recovery code. */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]/g, "");
  return code.length === LENGTH && [...code].every((char) => ALPHABET.includes(char)) ? code : null;
}

/**
 * Keyed and bound to the user: a copy of the table gives nothing to type in, and the codes are looked up by this
 * hash (an index lookup on a keyed hash of 50 random bits tells an attacker nothing a comparison would).
 */
export const hashRecoveryCode = (key: string, userId: number, normalized: string) => hmacHex(key, `${userId}:${normalized}`);
