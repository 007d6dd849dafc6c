import type { Config } from "../../config/load";
import { appError } from "../../errors";
import { PASSKEY_ERRORS } from "../../errors/passkeys";

/** Where a passkey ceremony happens: the page's origin and the relying-party ID (a host name) passkeys bind to. */
export interface Ceremony {
  origin: string;
  rpId: string;
}

export interface RelyingParty {
  /** The name authenticators show beside the account. */
  name: string;
  /** The ceremony for a request from `origin` (its Origin header, if any); throws when passkeys cannot work there. */
  ceremonyFor(origin: string | null): Ceremony;
}

const isLocalhost = (url: URL) => url.hostname === "localhost" && /^https?:$/.test(url.protocol);

/**
 * The relying party is PUBLIC_URL: its host name is the RP ID and its origin the only one accepted. Outside
 * production, pages on `localhost` (any port) work too, with RP ID `localhost`, so development needs no setup.
 * Browsers refuse IP addresses as RP IDs, so without PUBLIC_URL a page on 127.0.0.1 cannot use passkeys.
 */
export function relyingPartyFrom(config: Pick<Config, "PUBLIC_URL" | "NODE_ENV">): RelyingParty {
  const publicUrl = config.PUBLIC_URL ? new URL(config.PUBLIC_URL) : null;
  const production = config.NODE_ENV === "production";
  return {
    name: publicUrl?.hostname ?? "otp-auth",
    ceremonyFor(origin) {
      if (publicUrl && (origin === null || origin === publicUrl.origin)) return { origin: publicUrl.origin, rpId: publicUrl.hostname };
      const url = origin ? URL.parse(origin) : null;
      if (!production && url && isLocalhost(url)) return { origin: url.origin, rpId: "localhost" };
      throw appError(publicUrl || !production ? PASSKEY_ERRORS.originNotAllowed : PASSKEY_ERRORS.unavailable);
    },
  };
}
