import { Elysia } from "elysia";
import { AppError } from "../../errors";
import { constantTimeEqual, hmacHex } from "../../lib/crypto";
import type { Metrics } from "../../lib/metrics";

// Both sides are hashed first so that the comparison takes as long whatever the length of the guess.
const sameToken = (given: string, expected: string) =>
  constantTimeEqual(hmacHex("metrics-token", given), hmacHex("metrics-token", expected));

const unauthorized = () =>
  new AppError(401, "A valid metrics token is required: Authorization: Bearer <METRICS_TOKEN>.", "metrics_unauthorized", {
    "WWW-Authenticate": 'Bearer realm="metrics"',
  });

/** GET /metrics in Prometheus text format; behind `Authorization: Bearer <token>` when a token is configured. */
export const metricsRoutes = ({ metrics, token }: { metrics: Metrics; token?: string }) =>
  new Elysia({ tags: ["observability"] })
    .get("/metrics", async ({ headers }) => {
      if (token) {
        const [scheme, given] = (headers.authorization ?? "").split(" ", 2);
        if (scheme?.toLowerCase() !== "bearer" || !given || !sameToken(given, token)) throw unauthorized();
      }
      return new Response(await metrics.render(), { headers: { "content-type": metrics.contentType, "cache-control": "no-store" } });
    }, {
      detail: {
        summary: "Prometheus metrics of this instance",
        description: "Requires `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set; open otherwise.",
        security: [{ metricsToken: [] }],
        responses: {
          200: { description: "Prometheus text exposition format", content: { "text/plain": { schema: { type: "string" } } } },
          401: {
            description: "Missing or wrong token (only when METRICS_TOKEN is set)",
            content: {
              "application/json": {
                schema: { type: "object", properties: { detail: { type: "string" }, code: { type: "string" } }, required: ["detail"] },
              },
            },
          },
        },
      },
    });
