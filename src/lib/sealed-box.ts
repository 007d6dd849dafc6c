import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { deriveKey } from "./crypto";

const VERSION = "v1";

/**
 * AES-256-GCM for secrets the service must read back (signing keys, webhook secrets), under a key derived
 * from SECRET_KEY for one `purpose` alone. Each value is bound to its row's id as associated data, so a
 * ciphertext copied onto another row does not open.
 */
export function createSealedBox(secretKey: string, purpose: string) {
  const key = Buffer.from(deriveKey(secretKey, purpose), "hex");
  return {
    seal(plaintext: string, rowId: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(Buffer.from(rowId));
      const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, iv.toString("base64url"), sealed.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
    },
    /** The plaintext, or null when it was sealed under another SECRET_KEY (or tampered with, or moved). */
    open(sealed: string, rowId: string): string | null {
      const [version, iv, data, tag] = sealed.split(".");
      if (version !== VERSION || !iv || !data || !tag) return null;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url")).setAAD(Buffer.from(rowId));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        return null;
      }
    },
  };
}

export type SealedBox = ReturnType<typeof createSealedBox>;
