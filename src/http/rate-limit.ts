import { Elysia } from "elysia";
import { quotaHeaders, type RouteLimitKind, type RouteLimits } from "../ratelimit/route-limits";
import type { TrustProxy } from "../config/trust-proxy";
import { clientKey, requestClientIp } from "./client-ip";

export type { RouteLimitKind } from "../ratelimit/route-limits";

/**
 * Macro `rateLimit: "mail" | "password" | "code" | "oauth"`: counts the request against its client's budget
 * of that kind (see RouteLimitKind) before the handler runs, answers 429 with Retry-After and RateLimit-*
 * headers once it is spent (503 while Redis is down), and puts the RateLimit-* headers on every other
 * answer. Resolves `clientIp` (TRUST_PROXY decides whether X-Forwarded-For is believed) and `clientKey`
 * (the key its budgets are kept under) for the handler.
 */
export const rateLimit = ({ limits, trustedProxies }: { limits: RouteLimits; trustedProxies: TrustProxy }) =>
  new Elysia({ name: "rate-limit" }).macro({
    rateLimit: (kind: RouteLimitKind) => ({
      async resolve({ request, server, set }) {
        const ip = requestClientIp(request, server, trustedProxies);
        const key = clientKey(ip);
        const quota = await limits.consume(kind, key);
        Object.assign(set.headers, quotaHeaders(quota));
        return { clientIp: ip, clientKey: key };
      },
    }),
  });
