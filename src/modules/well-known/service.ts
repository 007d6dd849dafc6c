import type { JWK } from "jose";

export interface DiscoverySettings {
  /** PUBLIC_URL, when set: the issuer and the base of the keys' URL. */
  publicUrl?: string;
  issuer: string;
  algorithm: "EdDSA" | "ES256" | "HS256";
  cacheSeconds: number;
}

export const ACCESS_TOKEN_CLAIMS = ["iss", "aud", "sub", "sid", "iat", "exp", "email", "email_verified"];

/**
 * What a verifier needs to find the keys: only fields that are true of this service. It issues access tokens
 * from its own API, not through OAuth or OpenID Connect flows, so no authorization, token or userinfo endpoint
 * and no response types are claimed.
 */
export const discoveryDocument = ({ publicUrl, issuer, algorithm }: DiscoverySettings, requestOrigin: string) => ({
  issuer,
  // Without PUBLIC_URL the service does not know its public address; the one this request reached serves.
  jwks_uri: `${publicUrl ?? requestOrigin}/.well-known/jwks.json`,
  subject_types_supported: ["public"],
  id_token_signing_alg_values_supported: [algorithm],
  claims_supported: ACCESS_TOKEN_CLAIMS,
});

/** The JWKS: none under HS256, whose key is the shared secret and is never published. */
export const jwksDocument = (jwks: (() => { keys: JWK[] }) | null) => jwks?.() ?? { keys: [] };
