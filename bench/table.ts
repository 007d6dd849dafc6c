// The printed table: one row per scenario, every figure next to the ceiling it is compared with.
import type { LoadResult } from "./load";

export interface Row {
  scenario: string;
  connections: number | string;
  result: LoadResult;
  /** What the rate is compared with, and that rate. */
  ceiling?: { name: string; rps: number };
  target: string;
  met: boolean;
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));

export function formatTable(rows: Row[]): string {
  const header = [
    "scenario",
    "conns",
    "duration",
    "req/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "ratio to ceiling",
    "target",
    "met?",
    "CPU ms/req svc+pg",
  ];
  const lines = rows.map((row) => [
    row.scenario,
    String(row.connections),
    `${row.result.seconds.toFixed(1)} s`,
    row.result.rps.toFixed(0),
    ms(row.result.p50Ms),
    ms(row.result.p99Ms),
    String(row.result.errors),
    row.ceiling ? `${(row.result.rps / row.ceiling.rps).toFixed(2)} of ${row.ceiling.name}` : "",
    row.target,
    row.met ? "yes" : "NO",
    row.result.cpuMs ? `${row.result.cpuMs.service.toFixed(3)}+${row.result.cpuMs.postgres.toFixed(3)}` : "",
  ]);
  return markdown(header, lines);
}

/** A Markdown table, so the output pastes into the README as it is. */
export function markdown(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [row(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...lines.map(row)].join("\n");
}
