import { Elysia } from "elysia";
import { z } from "zod";

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 1500;

async function passesInTime(check: () => Promise<void>): Promise<boolean> {
  let timer: Timer | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)));
  try {
    return await Promise.race([
      check().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

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
        const results = await Promise.all(checks.map(({ check }) => passesInTime(check)));
        const report = Object.fromEntries(checks.map(({ name }, i) => [name, results[i] ? "ok" : "unavailable"] as const));
        const down = checks.filter((_, i) => !results[i]).map(({ name }) => name);
        if (down.length === 0) return { status: "ok" as const, checks: report };
        return status(503, { detail: `Not ready: ${down.join(" and ")} unavailable.`, status: "unavailable" as const, checks: report });
      },
      {
        response: { 200: readiness, 503: readiness.extend({ detail: z.string() }) },
        detail: { summary: "Readiness: PostgreSQL and Redis answer" },
      },
    );
