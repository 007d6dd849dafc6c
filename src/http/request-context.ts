import { Elysia, type Context } from "elysia";
import type { TrustProxy } from "../config/trust-proxy";
import type { ClientInfo } from "../lib/client-info";
import type { RouteLimits } from "../ratelimit/route-limits";
import type { TokenIssuer } from "../tokens/access-token";
import { authGuard } from "./auth-guard";
import { requestClientIp, UNKNOWN_CLIENT } from "./client-ip";
import { rateLimit } from "./rate-limit";

const MAX_USER_AGENT = 512;

/** The caller's address (TRUST_PROXY decides whether X-Forwarded-For counts) and user agent. */
function readClientInfo(request: Request, server: Context["server"], trustedProxies: TrustProxy): ClientInfo {
  const ip = requestClientIp(request, server, trustedProxies);
  return {
    ip: ip === UNKNOWN_CLIENT ? null : ip,
    userAgent: request.headers.get("user-agent")?.slice(0, MAX_USER_AGENT) ?? null,
  };
}

interface RequestContextOptions {
  tokens: TokenIssuer;
  isRevoked: (sessionId: string) => Promise<boolean>;
  limits: RouteLimits;
  trustedProxies: TrustProxy;
}

/**
 * What route modules share, built once per app: `client` (address and user agent, recorded with sessions
 * and in the audit log), the `auth: true` macro and the `rateLimit: kind` macro.
 */
export const requestContext = ({ tokens, isRevoked, limits, trustedProxies }: RequestContextOptions) =>
  new Elysia()
    .derive({ as: "scoped" }, ({ request, server }) => ({ client: readClientInfo(request, server, trustedProxies) }))
    .use(authGuard(tokens, isRevoked))
    .use(rateLimit({ limits, trustedProxies }));

export type RequestContext = ReturnType<typeof requestContext>;
