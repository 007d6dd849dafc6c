// Access tokens for the seeded sessions, signed exactly as the service under test signs them: with its
// configuration and the key it keeps in the database (which it created when it started).
import { loadConfig } from "../src/config/load";
import { connectDatabase } from "../src/db/client";
import { systemClock } from "../src/lib/clock";
import { createLogger } from "../src/lib/log";
import { createTokenIssuer, tokenSettingsFrom } from "../src/tokens/access-token";
import { keyringFor } from "../src/tokens/setup";

export async function signAccessTokens(
  serviceEnv: Record<string, string>,
  sessions: { userId: number; email: string; sessionId: string }[],
) {
  const config = { ...loadConfig(serviceEnv), SECRET_KEY: serviceEnv.SECRET_KEY! };
  const database = connectDatabase(config.DATABASE_URL!, 1);
  const keyring = keyringFor(
    config,
    database.db,
    systemClock,
    createLogger("warn", () => {}),
  );
  try {
    await keyring?.start();
    const issuer = createTokenIssuer({ settings: tokenSettingsFrom(config), keyring, clock: systemClock });
    return await Promise.all(sessions.map((s) => issuer.issueAccessToken({ id: s.userId, email: s.email }, s.sessionId)));
  } finally {
    keyring?.close();
    await database.close();
  }
}
