import { jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from "jose";
import type { RuntimeConfig } from "../config/load";
import type { Clock } from "../lib/clock";
import type { Keyring } from "./keyring";
import { createVerifiedTokenCache } from "./verified-tokens";

interface AccessClaims {
  userId: number;
  email: string;
  /** The session the token belongs to; a revoked session's tokens are refused. */
  sessionId: string;
}

interface TokenSettings {
  algorithm: "EdDSA" | "ES256" | "HS256";
  /** SECRET_KEY: the HS256 key. */
  secret: string;
  expireMinutes: number;
  issuer: string;
  audience: string;
}

/**
 * The `iss` of every token: PUBLIC_URL. Without one, a constant rather than an address made up from HOST and
 * PORT, which would differ between instances that share the keys and refuse each other's tokens.
 */
export const DEFAULT_ISSUER = "otp-auth";
export const issuerFrom = (config: { PUBLIC_URL?: string }) => config.PUBLIC_URL ?? DEFAULT_ISSUER;

export const tokenSettingsFrom = (config: RuntimeConfig): TokenSettings => ({
  algorithm: config.JWT_ALGORITHM,
  secret: config.SECRET_KEY,
  expireMinutes: config.ACCESS_TOKEN_EXPIRE_MINUTES,
  issuer: issuerFrom(config),
  audience: config.JWT_AUDIENCE,
});

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;

const MAX_USER_ID = 2_147_483_647;
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CACHE_ENTRIES = 10_000;

interface Verified {
  claims: AccessClaims;
  expiresAtMs: number;
  kid: string | undefined;
}

function claimsOf(payload: JWTPayload): AccessClaims | null {
  // A user id is a PostgreSQL integer; a larger one would fail the query instead of finding nobody.
  if (!/^\d{1,10}$/.test(String(payload.sub)) || Number(payload.sub) > MAX_USER_ID || typeof payload.email !== "string") return null;
  if (typeof payload.sid !== "string" || !SESSION_ID.test(payload.sid)) return null;
  return { userId: Number(payload.sub), email: payload.email, sessionId: payload.sid };
}

/**
 * Access tokens as JWTs through jose: signed with the keyring's active asymmetric key (EdDSA or ES256, `kid`
 * in the header, verifiable by anyone with the JWKS), or with SECRET_KEY under HS256 when a deployment
 * chose it. A token verifies only with the algorithm of the key its `kid` names, so neither `alg: none` nor a
 * public key used as an HMAC secret gets through. Expiry is checked against the service's clock, expired once
 * `exp <= now`; verified tokens are cached (see verified-tokens.ts).
 */
export function createTokenIssuer({ settings, keyring, clock }: { settings: TokenSettings; keyring: Keyring | null; clock: Clock }) {
  const symmetric = settings.algorithm === "HS256";
  if (!symmetric && !keyring) throw new Error(`${settings.algorithm} access tokens need a keyring`);
  const secret = new TextEncoder().encode(settings.secret);
  const verified = createVerifiedTokenCache<Verified>(CACHE_ENTRIES);

  const keyFor = async (header: JWTHeaderParameters) => {
    if (symmetric) return secret;
    const key = typeof header.kid === "string" ? await keyring!.verificationKey(header.kid) : null;
    if (!key || key.alg !== header.alg) throw new Error("unknown signing key");
    return key.verifyKey;
  };

  return {
    expiresInSeconds: settings.expireMinutes * 60,

    async issueAccessToken(user: { id: number; email: string }, sessionId: string): Promise<string> {
      const now = Math.floor(clock.now() / 1000);
      // Sessions are opened only for verified addresses (a code, or a provider that vouched for it).
      const token = new SignJWT({ email: user.email, email_verified: true, sid: sessionId })
        .setSubject(String(user.id))
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt(now)
        .setExpirationTime(now + settings.expireMinutes * 60);
      if (symmetric) return token.setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(secret);
      const key = keyring!.signingKey();
      return token.setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" }).sign(key.signKey!);
    },

    async verifyAccessToken(token: string): Promise<AccessClaims | null> {
      const now = clock.now();
      const hit = verified.get(token);
      if (hit) {
        if (hit.expiresAtMs > now && (symmetric || keyring!.accepts(hit.kid!, now))) return hit.claims;
        verified.delete(token);
        return null;
      }
      let payload: JWTPayload;
      let kid: string | undefined;
      try {
        ({
          payload,
          protectedHeader: { kid },
        } = await jwtVerify(token, keyFor, {
          algorithms: symmetric ? ["HS256"] : ["EdDSA", "ES256"],
          issuer: settings.issuer,
          audience: settings.audience,
          requiredClaims: ["sub", "sid", "exp"],
          currentDate: new Date(now),
        }));
      } catch {
        return null;
      }
      const claims = claimsOf(payload);
      if (claims) verified.set(token, { claims, expiresAtMs: payload.exp! * 1000, kid });
      return claims;
    },
  };
}
