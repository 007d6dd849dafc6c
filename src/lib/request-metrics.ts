import type { Metric, Registry } from "prom-client";

/** One (method, route, status) series: its label set, made once, and its running figures. */
interface Series {
  labels: { method: string; route: string; status: string };
  count: number;
  sum: number;
  /** Observations per bucket, not cumulative; a value above the last bound is only in `count` (+Inf). */
  perBucket: number[];
}

interface RequestMetricsOptions {
  registry: Registry;
  countName: string;
  countHelp: string;
  durationName: string;
  durationHelp: string;
  buckets: number[];
}

/**
 * The request counter and duration histogram, with the text prom-client's own Counter and Histogram would
 * render (checked in test/lib/request-metrics.test.ts). prom-client finds a series by building a key from its
 * labels on every call (and a child from `labels()` still does): two key builds per request. Here each series
 * is found through three map lookups and updated in place; the registry formats them only when scraped.
 */
export function createRequestMetrics(options: RequestMetricsOptions) {
  const bounds = options.buckets;
  const byRoute = new Map<string, Map<string, Map<number, Series>>>();
  const all: Series[] = [];

  function seriesOf(method: string, route: string, status: number): Series {
    let byMethod = byRoute.get(route);
    if (!byMethod) byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      series = { labels: { method, route, status: String(status) }, count: 0, sum: 0, perBucket: bounds.map(() => 0) };
      byStatus.set(status, series);
      all.push(series);
    }
    return series;
  }

  type Value = { metricName?: string; labels: object; sharedLabels?: object; value: number };
  // Enough of prom-client's metric interface for the registry: text (getForPromString, shared labels kept
  // apart as its Histogram does), JSON (get, labels merged) and resetMetrics().
  const exposed = (name: string, help: string, type: "counter" | "histogram", values: () => Value[]) => {
    const data = (list: Value[]) => ({ name, help, type, values: list, aggregator: "sum" });
    return {
      name,
      help,
      type,
      aggregator: "sum",
      getForPromString: () => data(values()),
      get: () => data(values().map(({ labels, sharedLabels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } }))),
      reset() {
        byRoute.clear();
        all.length = 0;
      },
    } as unknown as Metric;
  };
  options.registry.registerMetric(
    exposed(options.countName, options.countHelp, "counter", () => all.map((s) => ({ labels: s.labels, value: s.count }))),
  );
  options.registry.registerMetric(
    exposed(options.durationName, options.durationHelp, "histogram", () =>
      all.flatMap((s) => {
        let cumulative = 0;
        const bucket = `${options.durationName}_bucket`;
        return [
          ...bounds.map((le, i) => {
            cumulative += s.perBucket[i]!;
            return { metricName: bucket, labels: { le }, sharedLabels: s.labels, value: cumulative };
          }),
          { metricName: bucket, labels: { le: "+Inf" }, sharedLabels: s.labels, value: s.count },
          { metricName: `${options.durationName}_sum`, labels: {}, sharedLabels: s.labels, value: s.sum },
          { metricName: `${options.durationName}_count`, labels: {}, sharedLabels: s.labels, value: s.count },
        ];
      }),
    ),
  );

  return {
    observe(method: string, route: string, status: number, seconds: number): void {
      const series = seriesOf(method, route, status);
      series.count++;
      series.sum += seconds;
      for (let i = 0; i < bounds.length; i++) {
        if (seconds <= bounds[i]!) {
          series.perBucket[i]!++;
          break;
        }
      }
    },
  };
}
