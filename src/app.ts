import { cors } from "@elysiajs/cors";
import { Elysia } from "elysia";
import type { Deps } from "./deps";
import { errorHandler } from "./http/error-handler";
import { apiDocs } from "./http/openapi";
import { requestContext } from "./http/request-context";
import { requestGuards } from "./http/request-guards";
import { requestLog } from "./http/request-log";
import { securityHeaders } from "./http/security-headers";
import type { AdminAuth } from "./modules/admin/guard";
import { adminConsoleRoutes } from "./modules/admin/console-routes";
import { adminRoutes } from "./modules/admin/routes";
import { adminUiRoutes } from "./modules/admin-ui/routes";
import { authRoutes } from "./modules/auth/routes";
import { codeSignInRoutes } from "./modules/auth/code-sign-in-routes";
import { clientConfigRoutes } from "./modules/client-config/routes";
import { devMailboxRoutes } from "./modules/dev-mailbox/routes";
import { healthRoutes } from "./modules/health/routes";
import { metricsRoutes } from "./modules/metrics/routes";
import { mfaRoutes } from "./modules/mfa/routes";
import { passkeyRoutes } from "./modules/passkeys/routes";
import { uiRoutes } from "./modules/ui/routes";
import { oauthRoutes } from "./modules/oauth/routes";
import { passwordRoutes } from "./modules/passwords/routes";
import { emailChangeRoutes } from "./modules/account/email-routes";
import { accountRoutes } from "./modules/account/routes";
import { wellKnownRoutes } from "./modules/well-known/routes";
import { sessionRoutes } from "./modules/sessions/routes";
import { webhookRoutes } from "./modules/webhooks/routes";
import { issuerFrom } from "./tokens/access-token";

/** Composes the HTTP application from its dependencies; never listens (see cli/serve.ts). */
export function createApp(deps: Deps) {
  const { config } = deps;
  // A development convenience (the page at localhost calling 127.0.0.1); in production only CORS_ORIGINS counts.
  const ownOrigins = config.NODE_ENV === "production" ? [] : [`http://127.0.0.1:${config.PORT}`, `http://localhost:${config.PORT}`];
  const context = requestContext({
    tokens: deps.tokens,
    isRevoked: deps.sessions.isRevoked,
    limits: deps.routeLimits,
    trustedProxies: config.TRUST_PROXY,
  });
  const adminAuth: AdminAuth = {
    credentials: { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD },
    guard: deps.adminLoginGuard,
    onRefused: (client) => deps.audit.record({ event: "admin_auth", outcome: "failure", client }),
    access: deps.adminAccess,
  };
  return (
    new Elysia()
      // First: it times the request from its very start, and sees every answer, errors included.
      .use(requestLog({ log: deps.log, metrics: deps.metrics, trustedProxies: config.TRUST_PROXY }))
      // Before the guards, so that the answers they refuse with carry the headers too.
      .use(securityHeaders({ publicUrl: config.PUBLIC_URL }))
      .use(errorHandler(deps.log))
      .use(requestGuards({ maxBodyBytes: config.MAX_BODY_BYTES }))
      .use(
        cors({
          origin: [...config.CORS_ORIGINS, ...ownOrigins],
          methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
          allowedHeaders: ["Content-Type", "Authorization", "X-Request-Id"],
          exposeHeaders: ["Retry-After", "X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"],
          maxAge: 600,
          // Bearer tokens only, never cookies: no cross-origin request needs the browser's credentials.
          credentials: false,
        }),
      )
      .use(apiDocs())
      .use(healthRoutes(deps.readiness))
      .use(
        wellKnownRoutes(
          {
            publicUrl: config.PUBLIC_URL,
            issuer: issuerFrom(config),
            algorithm: config.JWT_ALGORITHM,
            cacheSeconds: config.JWKS_CACHE_SECONDS,
          },
          deps.keyring ? deps.keyring.jwks : null,
        ),
      )
      .use(metricsRoutes({ metrics: deps.metrics, token: config.METRICS_TOKEN }))
      .use(authRoutes(deps.auth, context, deps.loginGuard))
      .use(codeSignInRoutes(deps.codeSignIn, context))
      .use(mfaRoutes(deps.mfa, context))
      .use(passkeyRoutes(deps.passkeys, context))
      .use(sessionRoutes(deps.sessions, context))
      .use(passwordRoutes(deps.passwords, context))
      .use(accountRoutes(deps.accountDeletion, deps.accountExport, context))
      .use(emailChangeRoutes(deps.emailChange, context))
      .use(adminRoutes(deps.admin, deps.adminConsole.actions, context, adminAuth))
      .use(adminConsoleRoutes(deps.admin, deps.adminConsole.insights, context, adminAuth))
      .use(webhookRoutes(deps.webhooks, context, adminAuth))
      .use(
        clientConfigRoutes({
          config: deps.config,
          oauthProviders: deps.oauth.listConfiguredProviders(),
          mailboxUrl: deps.mailCatcher ? "/dev/mailbox" : null,
        }),
      )
      .use(uiRoutes({ apiOrigins: config.PAGE_API_ORIGINS }))
      .use(adminUiRoutes())
      .use(oauthRoutes(deps.oauth, context))
      // Mounted only while the development mail catcher runs, which never happens in production.
      .use((app) => (deps.mailCatcher ? app.use(devMailboxRoutes(deps.mailCatcher)) : app))
  );
}

/** The app's type: what a typed client (Eden's `treaty<App>`) of another Bun or TypeScript project is built from. */
export type App = ReturnType<typeof createApp>;
