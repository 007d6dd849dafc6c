import { randomBytes } from "node:crypto";
import { createSealedBox, type SealedBox } from "../lib/sealed-box";

const PREFIX = "whsec_";

/**
 * Standard Webhooks' `whsec_<base64>` of 24 to 64 bytes. Svix and the standard's libraries generate 24; more is
 * accepted from an operator who made their own. Canonical base64 only, as the receivers' libraries decode it.
 */
export function isWebhookSecret(value: string): boolean {
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const body = value.slice(PREFIX.length);
  const bytes = Buffer.from(body, "base64");
  return bytes.length >= 24 && bytes.length <= 64 && bytes.toString("base64") === body;
}

/** A new secret in the form receivers' Standard Webhooks libraries take as it is. */
export const generateWebhookSecret = () => `${PREFIX}${randomBytes(24).toString("base64")}`;

/**
 * Endpoint secrets must be read back to sign (HMAC needs the secret itself), so they are kept encrypted, not
 * hashed, sealed under the endpoint's id.
 */
export const createSecretBox = (secretKey: string) => createSealedBox(secretKey, "webhook-secret-encryption");

export type SecretBox = SealedBox;
