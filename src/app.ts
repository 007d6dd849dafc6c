import { cors } from "@elysiajs/cors";
import { Elysia } from "elysia";
import type { Deps } from "./deps";
import { errorHandler } from "./http/error-handler";
import { apiDocs } from "./http/openapi";
import { rateLimit } from "./http/rate-limit";
import { requestGuards } from "./http/request-guards";
import { authRoutes } from "./modules/auth/routes";
import { clientConfigRoutes } from "./modules/client-config/routes";
import { devMailboxRoutes } from "./modules/dev-mailbox/routes";
import { healthRoutes } from "./modules/health/routes";
import { uiRoutes } from "./modules/ui/routes";
import { oauthRoutes } from "./modules/oauth/routes";

/** Composes the HTTP application from its dependencies; never listens (see cli/serve.ts). */
export function createApp(deps: Deps) {
  const { config } = deps;
  const ownOrigins = [`http://127.0.0.1:${config.PORT}`, `http://localhost:${config.PORT}`];
  const limited = rateLimit({ limits: deps.routeLimits, trustedProxies: config.TRUST_PROXY });
  return new Elysia()
    .use(errorHandler(deps.log))
    .use(requestGuards({ maxBodyBytes: config.MAX_BODY_BYTES }))
    .use(cors({
      origin: [...config.CORS_ORIGINS, ...ownOrigins],
      methods: ["GET", "POST", "OPTIONS"],
      allowedHeaders: ["Content-Type", "Authorization", "X-Request-Id"],
      exposeHeaders: ["Retry-After", "X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"],
      maxAge: 600,
    }))
    .use(apiDocs())
    .use(healthRoutes(deps.readiness))
    .use(authRoutes(deps.auth, deps.tokens, { rateLimit: limited, loginGuard: deps.loginGuard }))
    .use(clientConfigRoutes({ config: deps.config, oauthProviders: deps.oauth.listConfiguredProviders(), mailboxUrl: deps.mailCatcher ? "/dev/mailbox" : null }))
    .use(uiRoutes())
    .use(oauthRoutes(deps.oauth, limited))
    // Mounted only while the development mail catcher runs, which never happens in production.
    .use((app) => (deps.mailCatcher ? app.use(devMailboxRoutes(deps.mailCatcher)) : app));
}

export type App = ReturnType<typeof createApp>;
