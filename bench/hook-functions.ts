// The functions the global hooks run per request, each timed alone in a loop; prints one JSON line of
// nanoseconds per call. Run in a process of its own by bench/hooks.ts.
import { clientIp } from "../src/http/client-ip";
import { jsonNestsDeeperThan } from "../src/http/json-depth";
import { createLogger } from "../src/lib/log";
import { createMetrics } from "../src/lib/metrics";

const CALLS = 300_000;

function nsPerCall(fn: (i: number) => unknown): number {
  for (let i = 0; i < 20_000; i++) fn(i);
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) fn(i);
  return ((performance.now() - started) * 1e6) / CALLS;
}

const log = createLogger("info", () => {});
const metrics = createMetrics();
const request = new Request("http://127.0.0.1/auth/me");
const body = JSON.stringify({ email: "someone@bench.test", code: "123456", otp_token: "a".repeat(43) });
const routes = ["/health", "/auth/me", "/auth/verify-otp", "/auth/login"];

console.log(
  JSON.stringify({
    "request log line (log.info, JSON)": nsPerCall((i) =>
      log.info("request", {
        method: "GET",
        route: "/auth/me",
        status: 200,
        duration_ms: i / 1000,
        request_id: "9604e72f-6c1a-4b6e-9d55-0d4e8c2f1a3b",
        client_ip: "127.0.0.1",
      }),
    ),
    "metrics observation (count + histogram)": nsPerCall((i) =>
      metrics.observeRequest({ method: "GET", route: routes[i & 3]!, status: 200, seconds: i / 1e7 }),
    ),
    "client address (socket, TRUST_PROXY=0)": nsPerCall(() => clientIp(request, "127.0.0.1", 0)),
    "request id (crypto.randomUUID)": nsPerCall(() => crypto.randomUUID()),
    "JSON depth scan of a verify-otp body": nsPerCall(() => jsonNestsDeeperThan(body, 32)),
    "JSON.parse of the same body": nsPerCall(() => JSON.parse(body)),
  }),
);
