// What `otp-auth doctor` checks, live.
import { api } from "./admin-api.js";
import { $, clear, el, fillFacts, fillRows, when } from "./dom.js";

const status = (ok) => el("span", { class: ok ? "ok" : "bad" }, ok ? "OK" : "Down");

function uptime(seconds) {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return days ? `${days} d ${hours} h` : hours ? `${hours} h ${minutes} min` : `${minutes} min ${seconds % 60} s`;
}

export function setUpHealth({ showError, announce }) {
  async function show() {
    const health = await api.get("/auth/admin/health");
    fillFacts($("health-facts"), [
      ["Database", el("span", {}, status(health.database.ok), ` ${health.database.description}`)],
      ["Redis", el("span", {}, status(health.redis.ok), ` ${health.redis.description}`)],
      ["Redis mode", health.redis.mode],
      ["Redis nodes", health.redis.nodes.length ? health.redis.nodes.join(", ") : "—"],
      ["Mail", el("span", {}, status(health.smtp.ok), ` ${health.smtp.description}${health.smtp.error ? `: ${health.smtp.error}` : ""}`)],
      ["Version", health.version],
      ["Up for", uptime(health.uptime_seconds)],
    ]);
    clear($("health-warnings"));
    if (health.warnings.length === 0) $("health-warnings").append(el("li", {}, "None."));
    for (const warning of health.warnings)
      $("health-warnings").append(el("li", {}, el("strong", {}, warning.message), el("br"), `Fix: ${warning.fix}`));
    fillRows(
      $("health-instances"),
      health.instances.map((instance) => [
        instance.host,
        String(instance.pid),
        instance.version,
        when(instance.started_at),
        when(instance.last_seen_at),
      ]),
      5,
      "None.",
    );
    announce("Health updated.");
  }
  $("health-refresh").addEventListener("click", () => show().catch((error) => showError(error.detail ?? String(error))));
  return { show };
}
