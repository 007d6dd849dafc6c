import { createSealedBox, type SealedBox } from "../lib/sealed-box";

/** The private signing keys kept in the database, sealed under their key id; a copy of the table signs nothing. */
export const createKeyEncryption = (secret: string) => createSealedBox(secret, "signing-key-encryption");

export type KeyEncryption = SealedBox;
