import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, importPKCS8, type JWK } from "jose";
import type { RuntimeConfig } from "../config/load";
import type { SigningKeyRow } from "../db/schema";
import type { Clock } from "../lib/clock";
import type { Logger } from "../lib/log";
import type { KeyEncryption } from "./key-encryption";
import type { SigningKeyRepository } from "./key-repository";

export type AsymmetricAlgorithm = "EdDSA" | "ES256";

export interface KeyringSettings {
  algorithm: AsymmetricAlgorithm;
  /** JWT_SIGNING_KEY: a private key (PKCS#8 PEM or JWK) that signs instead of the database's keys. */
  configuredKey?: string;
  /** The longest an access token lives: a replaced key stays published this long (plus a minute of skew). */
  tokenLifetimeSeconds: number;
  /** How long verifiers may cache the JWKS: a rotated key is published at least this long before it signs. */
  cacheSeconds: number;
  /** How often this instance re-reads the table, to see keys other instances (or the CLI) added. */
  refreshSeconds: number;
}

export const keyringSettingsFrom = (config: RuntimeConfig): KeyringSettings => ({
  algorithm: config.JWT_ALGORITHM === "ES256" ? "ES256" : "EdDSA",
  configuredKey: config.JWT_SIGNING_KEY,
  tokenLifetimeSeconds: config.ACCESS_TOKEN_EXPIRE_MINUTES * 60,
  cacheSeconds: config.JWKS_CACHE_SECONDS,
  refreshSeconds: config.JWT_KEY_REFRESH_SECONDS,
});

export interface LoadedKey {
  kid: string;
  alg: AsymmetricAlgorithm;
  publicJwk: JWK;
  activatesAt: number;
  /** When the last token it may have signed has expired: it leaves the JWKS then. */
  publishedUntil: number;
  verifyKey: CryptoKey;
  /** Null for a key sealed under another SECRET_KEY: it still verifies, it no longer signs. */
  signKey: CryptoKey | null;
}

const SKEW_MS = 60_000;
// An unknown `kid` re-reads the table (another instance may have rotated), but at most this often.
const MISS_RELOAD_MS = 1_000;

const publicPart = (jwk: JWK): JWK => {
  const { kty, crv, x, y } = jwk;
  return Object.fromEntries(Object.entries({ kty, crv, x, y }).filter(([, value]) => value !== undefined)) as JWK;
};

async function parseConfiguredKey(text: string, alg: AsymmetricAlgorithm): Promise<{ privateJwk: JWK; kid?: string; signKey: CryptoKey }> {
  const refused = new Error(`JWT_SIGNING_KEY is not a private ${alg} key (PKCS#8 PEM or JWK) of JWT_ALGORITHM`);
  const trimmed = text.trim();
  let key: CryptoKey | Uint8Array;
  let kid: unknown;
  try {
    const jwk = trimmed.startsWith("{") ? (JSON.parse(trimmed) as JWK) : null;
    kid = jwk?.kid;
    key = jwk
      ? await importJWK(jwk, alg, { extractable: true })
      : await importPKCS8(trimmed.replace(/\\n/g, "\n"), alg, { extractable: true });
  } catch {
    // jose's own messages may quote the input: a key must never reach a log.
    throw refused;
  }
  if (key instanceof Uint8Array || key.type !== "private") throw refused;
  return { privateJwk: await exportJWK(key), kid: typeof kid === "string" && kid !== "" ? kid : undefined, signKey: key };
}

/** The published half of a private JWK, as the JWKS lists it; its kid is `givenKid` or the RFC 7638 thumbprint. */
async function publishedJwk(privateJwk: JWK, alg: AsymmetricAlgorithm, givenKid?: string): Promise<{ kid: string; publicJwk: JWK }> {
  const kid = givenKid ?? (await calculateJwkThumbprint(publicPart(privateJwk)));
  return { kid, publicJwk: { ...publicPart(privateJwk), alg, use: "sig", kid } };
}

/** A new key pair of `alg`, as the row that keeps it: public JWK in clear, private JWK sealed. */
export async function generateSigningKey(alg: AsymmetricAlgorithm, encryption: KeyEncryption, now: number, activatesAt: number) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const { kid, publicJwk } = await publishedJwk(privateJwk, alg);
  const row: SigningKeyRow = {
    kid,
    algorithm: alg,
    publicJwk: JSON.stringify(publicJwk),
    privateKey: encryption.seal(JSON.stringify(privateJwk), kid),
    createdAt: new Date(now),
    activatesAt: new Date(activatesAt),
  };
  return row;
}

/**
 * The access-token signing keys every instance agrees on, because they live in the database: one signs (the
 * newest whose activation time has come), all that may still have live tokens verify and are published.
 * Rotation adds a key that activates later than every verifier's cached JWKS can be stale; the key it replaces
 * stays published until the tokens it signed have expired.
 */
export function createKeyring({
  repository,
  encryption,
  clock,
  log,
  settings,
}: {
  repository: SigningKeyRepository;
  encryption: KeyEncryption;
  clock: Clock;
  log: Logger;
  settings: KeyringSettings;
}) {
  const windowMs = settings.tokenLifetimeSeconds * 1000 + SKEW_MS;
  let keys: LoadedKey[] = [];
  let byKid = new Map<string, LoadedKey>();
  let configured: LoadedKey | null = null;
  const startedAt = clock.now();
  let lastReload = 0;
  let reloading: Promise<void> | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;

  async function loadRow(row: SigningKeyRow): Promise<Omit<LoadedKey, "publishedUntil"> | null> {
    try {
      const alg = row.algorithm;
      const publicJwk = JSON.parse(row.publicJwk) as JWK;
      const verifyKey = (await importJWK(publicPart(publicJwk), alg)) as CryptoKey;
      const opened = encryption.open(row.privateKey, row.kid);
      const signKey = opened ? ((await importJWK(JSON.parse(opened) as JWK, alg)) as CryptoKey) : null;
      return { kid: row.kid, alg, publicJwk, activatesAt: row.activatesAt.getTime(), verifyKey, signKey };
    } catch (error) {
      log.warn("a signing key in the database could not be read; it is ignored", { kid: row.kid, error: (error as Error).message });
      return null;
    }
  }

  async function load(): Promise<void> {
    const rows = await repository.list();
    let loaded = (await Promise.all(rows.map(loadRow))).filter((key) => key !== null);
    // A configured key takes over from the database's keys when this process starts; theirs are verified
    // only until the tokens they signed before then have expired.
    if (configured) loaded = [...loaded.filter((key) => key.activatesAt <= startedAt), { ...configured, activatesAt: startedAt }];
    loaded.sort((a, b) => a.activatesAt - b.activatesAt);
    keys = loaded.map((key, index) => ({
      ...key,
      publishedUntil: index + 1 < loaded.length ? loaded[index + 1]!.activatesAt + windowMs : Number.POSITIVE_INFINITY,
    }));
    byKid = new Map(keys.map((key) => [key.kid, key]));
    lastReload = clock.now();
  }

  const reload = () => (reloading ??= load().finally(() => (reloading = null)));

  function signingKeyAt(now: number): LoadedKey | null {
    if (configured) return byKid.get(configured.kid) ?? null;
    const usable = keys.filter((key) => key.signKey && key.alg === settings.algorithm);
    // Another instance's clock may run a little ahead: a key it just created counts as active here too.
    return usable.filter((key) => key.activatesAt <= now).at(-1) ?? usable.find((key) => key.activatesAt <= now + SKEW_MS) ?? null;
  }

  async function addKey(activatesAt: number): Promise<SigningKeyRow> {
    const row = await generateSigningKey(settings.algorithm, encryption, clock.now(), activatesAt);
    await repository.add(row);
    await reload();
    return row;
  }

  /** Removes the keys whose every token has expired; they are no longer published nor accepted. */
  async function prune(now: number) {
    const past = keys.filter((key) => key.publishedUntil <= now && key.kid !== configured?.kid).map((key) => key.kid);
    await repository.remove(past);
    if (past.length > 0) await reload();
  }

  return {
    /** Loads the keys, creates the first one (or one of a newly chosen algorithm) and re-reads them periodically. */
    async start() {
      if (settings.configuredKey) {
        const { privateJwk, kid: givenKid, signKey } = await parseConfiguredKey(settings.configuredKey, settings.algorithm);
        const { kid, publicJwk } = await publishedJwk(privateJwk, settings.algorithm, givenKid);
        const verifyKey = (await importJWK(publicPart(privateJwk), settings.algorithm)) as CryptoKey;
        configured = {
          kid,
          alg: settings.algorithm,
          publicJwk,
          activatesAt: startedAt,
          publishedUntil: Infinity,
          verifyKey,
          signKey,
        };
      }
      const now = clock.now();
      // The newest key whose time has come must be one this instance can sign with, of the chosen algorithm.
      const needed = (rows: SigningKeyRow[]) => {
        const newest = rows.filter((row) => row.activatesAt.getTime() <= now + SKEW_MS).at(-1);
        return !newest || newest.algorithm !== settings.algorithm || encryption.open(newest.privateKey, newest.kid) === null;
      };
      if (!configured && (await repository.addIfNeeded(needed, () => generateSigningKey(settings.algorithm, encryption, now, now)))) {
        log.info("generated an access-token signing key (none of this algorithm that this SECRET_KEY opens was active)", {
          algorithm: settings.algorithm,
        });
      }
      await load();
      await prune(now);
      timer = setInterval(() => {
        reload().catch((error) =>
          log.warn("could not re-read the signing keys; using the ones loaded", { error: (error as Error).message }),
        );
      }, settings.refreshSeconds * 1000);
      timer.unref?.();
    },

    /** The key to sign with now. */
    signingKey(): LoadedKey {
      const key = signingKeyAt(clock.now());
      if (!key) throw new Error("no signing key is active");
      return key;
    },

    /** The published key with this id, re-reading the table once (at most every second) when it is unknown. */
    async verificationKey(kid: string): Promise<LoadedKey | null> {
      const now = clock.now();
      let key = byKid.get(kid);
      if (!key && now - lastReload >= MISS_RELOAD_MS) {
        await reload().catch(() => {});
        key = byKid.get(kid);
      }
      return key && key.publishedUntil > now ? key : null;
    },

    /** Whether tokens of this key are still accepted (a cached verification asks before it answers). */
    accepts: (kid: string, now: number) => (byKid.get(kid)?.publishedUntil ?? 0) > now,

    /** The JWKS: every key that may have signed a live token, or will sign soon. */
    jwks(): { keys: JWK[] } {
      const now = clock.now();
      return { keys: keys.filter((key) => key.publishedUntil > now).map((key) => key.publicJwk) };
    },

    /** Adds a key that signs `activateInSeconds` from now (by default once every cached JWKS can have it). */
    async rotate(activateInSeconds = settings.cacheSeconds + settings.refreshSeconds) {
      if (configured) throw new Error("JWT_SIGNING_KEY is set: the configured key signs; change it there instead");
      await reload();
      await prune(clock.now());
      const row = await addKey(clock.now() + activateInSeconds * 1000);
      return { kid: row.kid, algorithm: row.algorithm, activatesAt: row.activatesAt };
    },

    /** Every key with its state, for the CLI. */
    async describe() {
      await reload();
      const now = clock.now();
      const signing = signingKeyAt(now);
      return keys.map((key) => ({
        kid: key.kid,
        algorithm: key.alg,
        activatesAt: new Date(key.activatesAt),
        publishedUntil: Number.isFinite(key.publishedUntil) ? new Date(key.publishedUntil) : null,
        state:
          key.kid === signing?.kid
            ? "signing"
            : key.activatesAt > now
              ? "published, signs later"
              : key.publishedUntil > now
                ? "verifying"
                : "expired",
        canSign: key.signKey !== null,
      }));
    },

    reload,

    close() {
      if (timer) clearInterval(timer);
    },
  };
}

export type Keyring = ReturnType<typeof createKeyring>;
