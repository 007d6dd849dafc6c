import { Elysia } from "elysia";
import type { Logger } from "../lib/log";
import type { Metrics } from "../lib/metrics";
import type { TrustProxy } from "../config/trust-proxy";
import { requestClientIp, UNKNOWN_CLIENT } from "./client-ip";

/** The route label of requests that reached no route: unknown paths, and bodies the guards refused before routing. */
const UNMATCHED_ROUTE = "(unmatched)";

/** What the hooks learn of a request before it is answered: one object per request, filled in place. */
interface Seen {
  route: string | undefined;
  clientIp: string | undefined;
}

/**
 * One log line and one metrics observation per request, whatever answered it: a route, the error handler,
 * or a hook that answered before routing (the CORS preflight). Only the route pattern is recorded, never the
 * path or query, which may carry a code or a token.
 */
export const requestLog = ({ log, metrics, trustedProxies }: { log: Logger; metrics: Metrics; trustedProxies: TrustProxy }) => {
  const seen = new WeakMap<Request, Seen>();
  const noteRoute = (request: Request, route: string) => {
    const known = seen.get(request);
    if (known) known.route = route;
    else seen.set(request, { route, clientIp: undefined });
  };

  const record = (request: Request, response: Response, started: number) => {
    const seconds = (performance.now() - started) / 1000;
    const { route, clientIp } = seen.get(request) ?? { route: undefined, clientIp: undefined };
    const { method } = request;
    const { status } = response;
    metrics.observeRequest({ method, route: route ?? UNMATCHED_ROUTE, status, seconds });
    log[status >= 500 ? "warn" : "info"]("request", {
      method,
      route: route ?? null,
      status,
      duration_ms: Math.round(seconds * 10_000) / 10,
      request_id: response.headers.get("x-request-id") ?? undefined,
      client_ip: clientIp,
    });
  };

  return (
    new Elysia({ name: "request-log" })
      .onRequest(({ request, server }) => {
        const clientIp = requestClientIp(request, server, trustedProxies);
        seen.set(request, { route: undefined, clientIp: clientIp === UNKNOWN_CLIENT ? undefined : clientIp });
      })
      // The route is known from routing on; transform runs for every matched request that is not refused
      // while its body is parsed, and the error hook catches those.
      .onTransform({ as: "global" }, ({ request, route }) => {
        noteRoute(request, route);
      })
      .onError({ as: "global" }, ({ request, route }) => {
        if (route) noteRoute(request, route);
      })
      // Around Elysia's whole handler: the only place that sees every response, early answers included.
      .wrap(((handle: (request: Request) => Response | Promise<Response>) => (request: Request) => {
        const started = performance.now();
        const answered = (response: Response) => {
          record(request, response, started);
          return response;
        };
        // Only a pending answer is waited for: a promise per request would cost a microtask each.
        const response = handle(request);
        return response instanceof Promise ? response.then(answered) : answered(response);
      }) as never)
  );
};
