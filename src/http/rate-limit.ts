import { Elysia } from "elysia";
import { quotaHeaders, type RouteLimitKind, type RouteLimits } from "../ratelimit/route-limits";
import type { TrustProxy } from "../config/trust-proxy";
import { clientKey, requestClientIp } from "./client-ip";

export type { RouteLimitKind } from "../ratelimit/route-limits";

/**
 * Macro `rateLimit: kind` (or a list of kinds, for a route that does two things worth a budget): counts the
 * request against its client's budget of each kind (see RouteLimitKind) before the handler runs, answers 429
 * with Retry-After and RateLimit-* headers once one is spent (503 while Redis is down), and puts the
 * RateLimit-* headers of the budget with the fewest requests left on every other answer. Resolves `clientIp`
 * (TRUST_PROXY decides whether X-Forwarded-For is believed) and `clientKey` (the key its budgets are kept
 * under) for the handler.
 */
export const rateLimit = ({ limits, trustedProxies }: { limits: RouteLimits; trustedProxies: TrustProxy }) =>
  new Elysia({ name: "rate-limit" }).macro({
    rateLimit: (kinds: RouteLimitKind | RouteLimitKind[]) => {
      const counted = typeof kinds === "string" ? [kinds] : kinds;
      return {
        async resolve({ request, server, set }) {
          const ip = requestClientIp(request, server, trustedProxies);
          const key = clientKey(ip);
          let tightest: Awaited<ReturnType<RouteLimits["consume"]>> | undefined;
          for (const kind of counted) {
            const quota = await limits.consume(kind, key);
            if (!tightest || quota.remaining < tightest.remaining) tightest = quota;
          }
          if (tightest) Object.assign(set.headers, quotaHeaders(tightest));
          return { clientIp: ip, clientKey: key };
        },
      };
    },
  });
