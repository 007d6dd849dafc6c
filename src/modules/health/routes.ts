import { Elysia } from "elysia";
import { z } from "zod";

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 1500;

const withTimeout = (promise: Promise<void>) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), CHECK_TIMEOUT_MS))]);

const readiness = z.object({ status: z.enum(["ok", "unavailable"]), checks: z.record(z.string(), z.enum(["ok", "unavailable"])) });

export const healthRoutes = (checks: ReadinessCheck[]) =>
  new Elysia({ tags: ["health"] })
    .get("/health", () => ({ status: "ok" as const }), {
      response: { 200: z.object({ status: z.literal("ok") }) },
      detail: { summary: "Liveness: the process answers; no dependency is touched" },
    })
    .get("/ready", async ({ status }) => {
      const results = await Promise.all(checks.map(({ check }) => withTimeout(check()).then(() => true, () => false)));
      const report = Object.fromEntries(checks.map(({ name }, i) => [name, results[i] ? "ok" : "unavailable"] as const));
      const down = checks.filter((_, i) => !results[i]).map(({ name }) => name);
      if (down.length === 0) return { status: "ok" as const, checks: report };
      return status(503, { detail: `Not ready: ${down.join(" and ")} unavailable.`, status: "unavailable" as const, checks: report });
    }, {
      response: { 200: readiness, 503: readiness.extend({ detail: z.string() }) },
      detail: { summary: "Readiness: PostgreSQL and Redis answer" },
    });
