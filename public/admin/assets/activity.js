// Activity charts (uPlot) of the audit log's counts, with a table of totals for those who cannot see them.
import { api } from "./admin-api.js";
import { $, clear, el, fillRows, when } from "./dom.js";
import uPlot from "./uplot.esm.js";

const SERIES = {
  sign_ups: { label: "Sign-ups", color: "--series-1" },
  sign_ins: { label: "Sign-ins", color: "--series-2" },
  sign_in_failures: { label: "Failed sign-ins", color: "--series-3" },
  codes_sent: { label: "Codes sent", color: "--series-4" },
  rate_limited: { label: "Rate-limit refusals", color: "--series-5" },
};

const CHARTS = [
  { id: "chart-sign-ins", title: "Sign-ups and sign-ins", series: ["sign_ups", "sign_ins", "sign_in_failures"] },
  { id: "chart-codes", title: "Codes sent and rate-limit refusals", series: ["codes_sent", "rate_limited"] },
];

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

export function setUpActivity({ showError, announce }) {
  let plots = [];

  const width = () => Math.max(280, $("activity-charts").clientWidth);
  addEventListener("resize", () => {
    for (const plot of plots) plot.setSize({ width: width(), height: 240 });
  });

  function draw(report) {
    for (const plot of plots) plot.destroy();
    plots = [];
    clear($("activity-charts"));
    const times = report.buckets.map((iso) => Date.parse(iso) / 1000);
    const axis = { stroke: css("--text"), grid: { stroke: css("--border") }, ticks: { stroke: css("--border") } };
    for (const chart of CHARTS) {
      const holder = el("div", { class: "chart", "aria-hidden": "true" });
      const figure = el("figure", { id: chart.id }, el("figcaption", {}, `${chart.title}, per ${report.bucket}`), holder);
      $("activity-charts").append(figure);
      const options = {
        width: width(),
        height: 240,
        series: [{}, ...chart.series.map((name) => ({ label: SERIES[name].label, stroke: css(SERIES[name].color), width: 2 }))],
        axes: [axis, axis],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      };
      plots.push(new uPlot(options, [times, ...chart.series.map((name) => report.series[name])], holder));
    }
    fillRows(
      $("activity-totals"),
      Object.entries(SERIES).map(([name, { label }]) => {
        const counts = report.series[name];
        const max = Math.max(...counts);
        return [label, String(counts.reduce((a, b) => a + b, 0)), max > 0 ? `${max} at ${when(report.buckets[counts.indexOf(max)])}` : "—"];
      }),
      3,
      "",
    );
  }

  async function show() {
    const days = $("activity-days").value;
    const bucket = $("activity-bucket").value;
    draw(await api.get(`/auth/admin/activity?days=${days}&bucket=${bucket}`));
    announce("Activity updated.");
  }

  $("activity-form").addEventListener("submit", (event) => {
    event.preventDefault();
    show().catch((error) => showError(error.detail ?? String(error)));
  });
  return { show };
}
