import { Elysia } from "elysia";
import { z } from "zod";
import { checkReadiness, type ReadinessCheck } from "../../lib/readiness";

const readiness = z.object({ status: z.enum(["ok", "unavailable"]), checks: z.record(z.string(), z.enum(["ok", "unavailable"])) });

export const healthRoutes = (checks: ReadinessCheck[]) =>
  new Elysia({ tags: ["health"] })
    .get("/health", () => ({ status: "ok" as const }), {
      response: { 200: z.object({ status: z.literal("ok") }) },
      detail: { summary: "Liveness: the process answers; no dependency is touched" },
    })
    .get(
      "/ready",
      async ({ status }) => {
        const { report, down } = await checkReadiness(checks);
        if (down.length === 0) return { status: "ok" as const, checks: report };
        return status(503, { detail: `Not ready: ${down.join(" and ")} unavailable.`, status: "unavailable" as const, checks: report });
      },
      {
        response: { 200: readiness, 503: readiness.extend({ detail: z.string() }) },
        detail: { summary: "Readiness: PostgreSQL and Redis answer" },
      },
    );
