import { appError } from "../../errors";
import { OAUTH_ERRORS } from "../../errors/oauth";
import type { Clock } from "../../lib/clock";
import { constantTimeEqual, hmacHex } from "../../lib/crypto";

interface StatePayload {
  /** Random id; the server keeps the PKCE verifier and redirect URI under its hash. */
  id: string;
  provider: string;
  /** Expiry, milliseconds since the epoch by the service's clock. */
  exp: number;
}

/**
 * `state` = base64url(JSON {id, provider, exp}) "." HMAC-SHA256 of that text, keyed with a key derived from
 * SECRET_KEY. The signature makes a forged or altered state fail before any lookup, binds it to one provider
 * and carries its expiry; single use comes from the store, which hands a state's record out once.
 */
export function createStateSigner({ key, clock, ttlSeconds }: { key: string; clock: Clock; ttlSeconds: number }) {
  return {
    signState(id: string, provider: string): string {
      const payload: StatePayload = { id, provider, exp: clock.now() + ttlSeconds * 1000 };
      const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
      return `${body}.${hmacHex(key, body)}`;
    },

    /** The state's id, if it is authentic, for this provider and unexpired; otherwise a 400 saying which. */
    verifyState(state: string, provider: string, label: (provider: string) => string): string {
      const [body, signature, extra] = state.split(".");
      if (!body || !signature || extra !== undefined || !constantTimeEqual(signature, hmacHex(key, body))) {
        throw appError(OAUTH_ERRORS.stateInvalid);
      }
      let payload: StatePayload;
      try {
        payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
      } catch {
        throw appError(OAUTH_ERRORS.stateInvalid);
      }
      if (typeof payload.id !== "string" || typeof payload.provider !== "string" || typeof payload.exp !== "number") {
        throw appError(OAUTH_ERRORS.stateInvalid);
      }
      if (payload.provider !== provider) throw appError(OAUTH_ERRORS.stateProviderMismatch(label(payload.provider), label(provider)));
      if (clock.now() >= payload.exp) throw appError(OAUTH_ERRORS.stateExpired);
      return payload.id;
    },
  };
}
