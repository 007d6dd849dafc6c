import { Elysia } from "elysia";
import { appError } from "../../errors";
import { HTTP_ERRORS } from "../../errors/http";
import { peerAddress, type PeerSource } from "../../http/client-ip";
import { constantTimeEqual, hmacHex } from "../../lib/crypto";
import { isLoopback } from "../../lib/loopback";
import type { Metrics } from "../../lib/metrics";

// Both sides are hashed first so that the comparison takes as long whatever the length of the guess.
const sameToken = (given: string, expected: string) =>
  constantTimeEqual(hmacHex("metrics-token", given), hmacHex("metrics-token", expected));

const text = { type: "string" as const };
const errorContent = {
  "application/json": { schema: { type: "object" as const, properties: { detail: text, code: text }, required: ["detail"] } },
};

// A reverse proxy on this host connects from loopback too; any of these headers says one passed the request on.
const PROXY_HEADERS = ["x-forwarded-for", "forwarded", "x-real-ip"];

/** A direct connection from this machine: a loopback peer, and no proxy header. */
function isDirectLoopback(request: Request, server: PeerSource | null): boolean {
  const peer = peerAddress(request, server);
  return peer !== null && isLoopback(peer) && !PROXY_HEADERS.some((name) => request.headers.has(name));
}

/**
 * GET /metrics in Prometheus text format; behind `Authorization: Bearer <token>` when a token is configured,
 * else only for a scraper on this machine: the metrics tell routes, traffic and failures to anyone who asks.
 */
export const metricsRoutes = ({ metrics, token }: { metrics: Metrics; token?: string }) =>
  new Elysia({ tags: ["observability"] }).get(
    "/metrics",
    async ({ headers, request, server }) => {
      if (token) {
        const [scheme, given] = (headers.authorization ?? "").split(" ", 2);
        if (scheme?.toLowerCase() !== "bearer" || !given || !sameToken(given, token)) throw appError(HTTP_ERRORS.metricsUnauthorized);
      } else if (!isDirectLoopback(request, server)) {
        throw appError(HTTP_ERRORS.metricsForbidden);
      }
      return new Response(await metrics.render(), { headers: { "content-type": metrics.contentType, "cache-control": "no-store" } });
    },
    {
      detail: {
        summary: "Prometheus metrics of this instance",
        description:
          "Requires `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set; without it, answered only to a " +
          "direct connection from loopback that carries no X-Forwarded-For, Forwarded or X-Real-IP header.",
        security: [{ metricsToken: [] }],
        responses: {
          200: { description: "Prometheus text exposition format", content: { "text/plain": { schema: { type: "string" } } } },
          401: { description: "Missing or wrong token (only when METRICS_TOKEN is set)", content: errorContent },
          403: { description: "Not a direct loopback connection (only when METRICS_TOKEN is not set)", content: errorContent },
        },
      },
    },
  );
