import { Elysia } from "elysia";
import type { JWK } from "jose";
import type { z } from "zod";
import { discoveryResponse, jwksResponse } from "./model";
import { discoveryDocument, jwksDocument, type DiscoverySettings } from "./service";

// A malformed Host makes the request's URL unparsable: the document then names the keys' path alone.
const originOf = (url: string) => (URL.canParse(url) ? new URL(url).origin : "");

/** Public documents for services that verify access tokens themselves; cacheable for JWKS_CACHE_SECONDS. */
export const wellKnownRoutes = (settings: DiscoverySettings, jwks: (() => { keys: JWK[] }) | null) => {
  const cacheControl = `public, max-age=${settings.cacheSeconds}`;
  return new Elysia({ tags: ["tokens"] })
    .get(
      "/.well-known/jwks.json",
      ({ set }) => {
        set.headers["cache-control"] = cacheControl;
        return jwksDocument(jwks) as z.infer<typeof jwksResponse>;
      },
      {
        response: { 200: jwksResponse },
        detail: { summary: "The public keys that verify access tokens (JSON Web Key Set)" },
      },
    )
    .get(
      "/.well-known/openid-configuration",
      ({ request, set }) => {
        set.headers["cache-control"] = cacheControl;
        return discoveryDocument(settings, originOf(request.url));
      },
      {
        response: { 200: discoveryResponse },
        detail: { summary: "Discovery: the issuer, where its keys are, and the claims and algorithm of its tokens" },
      },
    );
};
