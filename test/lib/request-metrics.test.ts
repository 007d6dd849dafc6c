import { describe, expect, test } from "bun:test";
import { Counter, Histogram, Registry } from "prom-client";
import { createRequestMetrics } from "../../src/lib/request-metrics";

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const NAMES = {
  countName: "t_http_requests_total",
  countHelp: "Requests.",
  durationName: "t_http_request_duration_seconds",
  durationHelp: "Durations.",
};

/** The same observations through prom-client's own Counter and Histogram, and through createRequestMetrics. */
function both() {
  const reference = new Registry();
  const registers = [reference];
  const labelNames = ["method", "route", "status"] as const;
  const counter = new Counter({ name: NAMES.countName, help: NAMES.countHelp, labelNames, registers });
  const histogram = new Histogram({ name: NAMES.durationName, help: NAMES.durationHelp, labelNames, buckets: BUCKETS, registers });
  const ours = new Registry();
  const metrics = createRequestMetrics({ registry: ours, buckets: BUCKETS, ...NAMES });
  const observe = (method: string, route: string, status: number, seconds: number) => {
    const labels = { method, route, status: String(status) };
    counter.inc(labels);
    histogram.observe(labels, seconds);
    metrics.observe(method, route, status, seconds);
  };
  return { reference, ours, observe };
}

describe("request metrics", () => {
  test("render exactly what prom-client's Counter and Histogram render, as text and as JSON", async () => {
    const { reference, ours, observe } = both();
    expect(await ours.metrics()).toBe(await reference.metrics());
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const routes = ["/health", "/auth/me", "/auth/oauth/:provider/start", "(unmatched)", 'odd "route"\\'];
    const methods = ["GET", "POST", "OPTIONS"];
    const statuses = [200, 201, 401, 404, 422, 500];
    // Values on and around the bucket bounds, above the last one, and tiny.
    const values = [...BUCKETS, ...BUCKETS.map((b) => b * 1.0001), 0, 1e-6, 12, 0.0049];
    for (let i = 0; i < 5000; i++) {
      const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
      observe(pick(methods), pick(routes), pick(statuses), random() < 0.5 ? pick(values) : random() * 3);
    }
    expect(await ours.metrics()).toBe(await reference.metrics());
    // Without prom-client's empty `exemplar` entries (exemplars are not enabled, so they are null or undefined).
    const asJson = async (registry: Registry) =>
      JSON.parse(JSON.stringify(await registry.getMetricsAsJSON(), (key, value) => (key === "exemplar" ? undefined : value)));
    expect(await asJson(ours)).toEqual(await asJson(reference));
  });

  test("every observation is counted in its own series and no other", async () => {
    const { ours, observe } = both();
    observe("GET", "/a", 200, 0.003);
    observe("GET", "/a", 200, 0.2);
    observe("GET", "/a", 404, 0.003);
    observe("POST", "/a", 200, 20);
    const text = await ours.metrics();
    expect(text).toContain('t_http_requests_total{method="GET",route="/a",status="200"} 2\n');
    expect(text).toContain('t_http_requests_total{method="GET",route="/a",status="404"} 1\n');
    expect(text).toContain('t_http_requests_total{method="POST",route="/a",status="200"} 1\n');
    expect(text).toContain('t_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/a",status="200"} 1\n');
    expect(text).toContain('t_http_request_duration_seconds_bucket{le="0.25",method="GET",route="/a",status="200"} 2\n');
    expect(text).toContain('t_http_request_duration_seconds_bucket{le="10",method="POST",route="/a",status="200"} 0\n');
    expect(text).toContain('t_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/a",status="200"} 1\n');
    expect(text).toContain('t_http_request_duration_seconds_sum{method="POST",route="/a",status="200"} 20\n');
    ours.resetMetrics();
    expect(await ours.metrics()).not.toContain("route=");
  });
});
