import type { RuntimeConfig } from "../config/load";
import type { Database } from "../db/client";
import type { Clock } from "../lib/clock";
import type { Logger } from "../lib/log";
import { createKeyEncryption } from "./key-encryption";
import { createSigningKeyRepository } from "./key-repository";
import { createKeyring, keyringSettingsFrom, type Keyring } from "./keyring";

/** The keyring the configuration asks for, on this database; null under HS256, whose key is SECRET_KEY. Not started. */
export function keyringFor(config: RuntimeConfig, db: Database, clock: Clock, log: Logger): Keyring | null {
  if (config.JWT_ALGORITHM === "HS256") return null;
  return createKeyring({
    repository: createSigningKeyRepository(db),
    encryption: createKeyEncryption(config.SECRET_KEY),
    clock,
    log,
    settings: keyringSettingsFrom(config),
  });
}
