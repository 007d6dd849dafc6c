import { parseArgs } from "node:util";
import { embeddedDatabaseDir, loadConfig, type RuntimeConfig } from "../config/load";
import { loadOrCreateSecretKey } from "../config/secret-key";
import { connectDatabase, type DatabaseHandle } from "../db/client";
import { runMigrations } from "../db/migrate";
import { openEmbeddedDatabase } from "../db/pglite";
import { systemClock } from "../lib/clock";
import { consoleWriter, createLogger } from "../lib/log";
import { keyringFor } from "../tokens/setup";
import { CliError, type CliContext } from "./context";

const USAGE = "Usage: otp-auth keys list | otp-auth keys rotate [--activate-in SECONDS]";

async function openDatabase(config: RuntimeConfig): Promise<DatabaseHandle> {
  if (!config.DATABASE_URL) return openEmbeddedDatabase(embeddedDatabaseDir(config.DATA_DIR));
  await runMigrations(config.DATABASE_URL);
  return connectDatabase(config.DATABASE_URL, 1);
}

/**
 * `keys list` shows the access-token signing keys and what each does now; `keys rotate` adds a key that every
 * instance publishes at once and signs with once verifiers' cached key sets can hold it (JWKS_CACHE_SECONDS +
 * JWT_KEY_REFRESH_SECONDS from now, unless --activate-in says otherwise); the key it replaces keeps verifying
 * until the tokens it signed have expired.
 */
export async function keysCommand({ args, env }: CliContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { "activate-in": { type: "string" } } });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`, 2);
  }
  const action = parsed.positionals[0];
  const activateIn = parsed.values["activate-in"];
  if ((action !== "list" && action !== "rotate") || parsed.positionals.length > 1) throw new CliError(USAGE, 2);
  if (activateIn !== undefined && !/^\d{1,6}$/.test(activateIn)) throw new CliError(`--activate-in takes whole seconds.\n${USAGE}`, 2);
  const input = loadConfig(env);
  if (input.JWT_ALGORITHM === "HS256")
    throw new CliError("JWT_ALGORITHM is HS256: access tokens are signed with SECRET_KEY, there are no keys to list or rotate.");
  const config: RuntimeConfig = { ...input, SECRET_KEY: input.SECRET_KEY ?? loadOrCreateSecretKey(input.DATA_DIR).secret };
  const database = await openDatabase(config);
  const keyring = keyringFor(config, database.db, systemClock, createLogger("warn", consoleWriter(config.LOG_FORMAT)))!;
  try {
    if (action === "rotate") {
      await keyring.start();
      const rotated = await keyring.rotate(activateIn === undefined ? undefined : Number(activateIn));
      console.log(`Added ${rotated.algorithm} key ${rotated.kid}: published now, signs from ${rotated.activatesAt.toISOString()}.`);
    }
    for (const key of await keyring.describe()) {
      const until = key.publishedUntil ? `, published until ${key.publishedUntil.toISOString()}` : "";
      const sealed = key.canSign ? "" : " (sealed under another SECRET_KEY: verifies only)";
      console.log(`${key.kid}  ${key.algorithm}  ${key.state}, activates ${key.activatesAt.toISOString()}${until}${sealed}`);
    }
    return 0;
  } catch (error) {
    throw new CliError((error as Error).message);
  } finally {
    keyring.close();
    await database.close();
  }
}
