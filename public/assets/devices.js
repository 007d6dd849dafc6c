// The "Signed-in devices" screen: the person's sessions, with a way to end any of them.
import { locale, t } from "./i18n.js";
import { $, on, say, showView, whileBusy } from "./views.js";

const BROWSERS = [["Edg/", "Edge"], ["OPR/", "Opera"], ["Firefox/", "Firefox"], ["Chrome/", "Chrome"], ["Safari/", "Safari"]];
const SYSTEMS = [["iPhone", "iPhone"], ["iPad", "iPad"], ["Android", "Android"], ["Windows", "Windows"], ["Mac OS X", "macOS"], ["CrOS", "ChromeOS"], ["Linux", "Linux"]];

/** "Firefox on Windows" from a user agent; a label for people, not a fact to decide anything on. */
export function deviceName(userAgent) {
  if (!userAgent) return t("Unknown device");
  const find = (table) => table.find(([mark]) => userAgent.includes(mark))?.[1];
  const browser = find(BROWSERS);
  const system = find(SYSTEMS);
  if (browser && system) return t("{browser} on {system}", { browser, system });
  return browser ?? system ?? userAgent.split(/[\s/]/)[0].slice(0, 40);
}

const when = (iso) => new Date(iso).toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });

/** `lost(error)` handles a session that could not be renewed; `back()` returns to the account. */
export function createDevices({ session, lost, back }) {
  let others = [];

  function row(device) {
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = deviceName(device.user_agent);
    const facts = document.createElement("span");
    facts.className = "meta";
    const active = t("last active {time}", { time: when(device.last_used_at) });
    facts.textContent = device.ip ? `${device.ip} · ${active}` : active;
    item.append(name);
    if (device.current) item.append(Object.assign(document.createElement("span"), { className: "badge", textContent: t("This device") }));
    item.append(facts);
    if (!device.current) {
      const end = document.createElement("button");
      end.type = "button";
      end.className = "ghost";
      end.textContent = t("Sign out");
      end.setAttribute("aria-label", t("Sign out {device}, {active}", { device: name.textContent, active }));
      end.addEventListener("click", () => whileBusy(end, t("Signing out…"), () => endSessions([device.id], t("That device is signed out."))));
      item.append(end);
    }
    return item;
  }

  async function load() {
    const { sessions } = await session.call("GET", "/auth/sessions");
    others = sessions.filter((device) => !device.current);
    // This device first, then the others, most recently used first (the server's order).
    $("device-list").replaceChildren(...[...sessions.filter((device) => device.current), ...others].map(row));
    $("devices-end-others").hidden = others.length === 0;
  }

  async function endSessions(ids, message) {
    say("devices-error");
    try {
      for (const id of ids) await session.call("DELETE", `/auth/sessions/${id}`);
      await load();
      say("devices-status", message);
      $("devices-title").focus();
    } catch (error) {
      if (!lost(error)) say("devices-error", error.detail);
    }
  }

  async function show() {
    say("devices-status");
    say("devices-error");
    await load();
    showView("view-devices");
  }

  on("devices-end-others", "click", () => whileBusy($("devices-end-others"), t("Signing out…"), () => endSessions(others.map((device) => device.id), t("All your other devices are signed out."))));
  on("devices-back", "click", back);
  return { show };
}
