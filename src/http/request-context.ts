import { Elysia, type Context } from "elysia";
import type { TrustProxy } from "../config/trust-proxy";
import type { ClientInfo } from "../lib/client-info";
import { toLocale } from "../lib/locale";
import type { RouteLimits } from "../ratelimit/route-limits";
import type { TokenIssuer } from "../tokens/access-token";
import { authGuard } from "./auth-guard";
import { requestClientIp, UNKNOWN_CLIENT } from "./client-ip";
import { rateLimit } from "./rate-limit";

const MAX_USER_AGENT = 512;
const ADMIN_PATH = "/auth/admin/";

/**
 * The caller's address (TRUST_PROXY decides whether X-Forwarded-For counts), user agent and language: the
 * body's `locale` (read here, after parsing and before validation, so every route that mails has it; a value
 * we do not speak is dropped, never refused) and the raw Accept-Language, parsed only if a mail needs it.
 */
function readClientInfo(request: Request, path: string, body: unknown, server: Context["server"], trustedProxies: TrustProxy): ClientInfo {
  const ip = requestClientIp(request, server, trustedProxies);
  const client: ClientInfo = {
    ip: ip === UNKNOWN_CLIENT ? null : ip,
    userAgent: request.headers.get("user-agent")?.slice(0, MAX_USER_AGENT) ?? null,
  };
  // An administrator acts on someone else: their language must not choose the language of that person's mails.
  if (path.startsWith(ADMIN_PATH)) return client;
  client.locale = typeof body === "object" && body !== null ? toLocale((body as { locale?: unknown }).locale) : undefined;
  client.acceptLanguage = request.headers.get("accept-language");
  return client;
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
    .derive({ as: "scoped" }, ({ request, path, body, server }) => ({
      client: readClientInfo(request, path, body, server, trustedProxies),
    }))
    .use(authGuard(tokens, isRevoked))
    .use(rateLimit({ limits, trustedProxies }));

export type RequestContext = ReturnType<typeof requestContext>;
