// The service's global hooks alone, for measuring what each costs: a bare Elysia app with GET /health and a
// POST route shaped like verify-otp (its body schema, a constant answer), plus the hooks named in HOOKS,
// composed in src/app.ts's order. HOOKS=none is the same app with no hook (the baseline).
import { cors } from "@elysiajs/cors";
import { Elysia } from "elysia";
import { errorHandler } from "../src/http/error-handler";
import { requestGuards } from "../src/http/request-guards";
import { requestLog } from "../src/http/request-log";
import { securityHeaders } from "../src/http/security-headers";
import { consoleWriter, createLogger } from "../src/lib/log";
import { createMetrics } from "../src/lib/metrics";
import { verifyOtpBody } from "../src/modules/auth/model";

// The names are bench/hooks.ts's VARIANTS.
const wanted = new Set((process.env.HOOKS ?? "").split(","));
const has = (hook: string) => wanted.has(hook) || wanted.has("all");
// metrics-only: the request-log plugin with its log line below the level, so nothing is formatted or written.
const log = createLogger(has("request-log") ? "info" : "error", consoleWriter("json"));

new Elysia()
  .use((app) =>
    has("request-log") || has("metrics-only") ? app.use(requestLog({ log, metrics: createMetrics(), trustedProxies: 0 })) : app,
  )
  .use((app) => (has("security-headers") ? app.use(securityHeaders({})) : app))
  .use((app) => (has("error-handler") ? app.use(errorHandler(log)) : app))
  .use((app) => (has("request-guards") ? app.use(requestGuards({ maxBodyBytes: 2048 })) : app))
  .use((app) => (has("cors") ? app.use(cors({ origin: ["http://127.0.0.1:5500"], credentials: false })) : app))
  .get("/health", () => ({ status: "ok" }))
  .post("/auth/verify-otp", ({ body }) => ({ message: body.email }), { body: verifyOtpBody, parse: "json" })
  .listen({ hostname: "127.0.0.1", port: Number(process.env.PORT) });
