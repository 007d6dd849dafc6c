import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomToken } from "../lib/crypto";

export const SECRET_KEY_FILE = "secret-key";

/**
 * Outside production SECRET_KEY may be unset: one is generated on the first start and kept in DATA_DIR
 * (readable by its owner only), so tokens and pending codes survive a restart.
 */
export function loadOrCreateSecretKey(dataDir: string): { secret: string; created: boolean } {
  const path = join(dataDir, SECRET_KEY_FILE);
  if (existsSync(path)) return { secret: readFileSync(path, "utf8").trim(), created: false };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomToken(48);
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return { secret, created: true };
}
