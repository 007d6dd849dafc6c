import { AppError } from "../../errors";
import type { Clock } from "../../lib/clock";
import { constantTimeEqual, hmacHex } from "../../lib/crypto";

interface StatePayload {
  /** Random id; the server keeps the PKCE verifier and redirect URI under its hash. */
  id: string;
  provider: string;
  /** Expiry, milliseconds since the epoch by the service's clock. */
  exp: number;
}

export const STATE_ERRORS = {
  invalid: () => new AppError(400, "The sign-in state is invalid. Please start the sign-in again.", "oauth_state_invalid"),
  expired: () => new AppError(400, "The sign-in took too long and has expired. Please start the sign-in again.", "oauth_state_expired"),
  used: () => new AppError(400, "This sign-in was already completed or cancelled. Please start the sign-in again.", "oauth_state_used"),
} as const;

const providerMismatch = (started: string, used: string) =>
  new AppError(400, `This sign-in was started for ${started}, not for ${used}. Please start the sign-in again.`, "oauth_state_provider_mismatch");

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
        throw STATE_ERRORS.invalid();
      }
      let payload: StatePayload;
      try {
        payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
      } catch {
        throw STATE_ERRORS.invalid();
      }
      if (typeof payload.id !== "string" || typeof payload.provider !== "string" || typeof payload.exp !== "number") {
        throw STATE_ERRORS.invalid();
      }
      if (payload.provider !== provider) throw providerMismatch(label(payload.provider), label(provider));
      if (clock.now() >= payload.exp) throw STATE_ERRORS.expired();
      return payload.id;
    },
  };
}

export type StateSigner = ReturnType<typeof createStateSigner>;
