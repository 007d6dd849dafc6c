import { SignJWT } from "jose";
import type { Deps } from "../../src/deps";
import { issuerFrom } from "../../src/tokens/access-token";

export type ServerSigner = (payload: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;

/**
 * Signs a JWT exactly as the server would, with its active key (or SECRET_KEY under HS256) and its `iss` and
 * `aud` unless the payload overrides them: a token made this way is refused only for what the test changed.
 */
export function serverSigner(deps: Deps): ServerSigner {
  return async (payload, header = {}) => {
    const body = { iss: issuerFrom(deps.config), aud: deps.config.JWT_AUDIENCE, ...payload };
    if (!deps.keyring)
      return new SignJWT(body)
        .setProtectedHeader({ alg: "HS256", typ: "JWT", ...header })
        .sign(new TextEncoder().encode(deps.config.SECRET_KEY));
    const key = deps.keyring.signingKey();
    return new SignJWT(body).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...header }).sign(key.signKey!);
  };
}

/** The server's public keys as its JWKS serves them. */
export const serverPublicKeys = (deps: Deps) => deps.keyring?.jwks().keys ?? [];
