// The audit log: filters, pages, and the CSV export of the same filters.
import { api, query } from "./admin-api.js";
import { $, el, fillRows, when } from "./dom.js";

/** A datetime-local value, read as UTC, as ISO 8601; empty stays empty. */
const utc = (value) => (!value ? "" : value.length === 16 ? `${value}:00Z` : `${value}Z`);

export function setUpAudit({ showError, announce }) {
  let cursor = null;
  let filters = {};
  // The event names the server records, offered as the event filter's suggestions once the view first opens.
  let suggested = false;
  async function suggestEvents() {
    const { events } = await api.get("/auth/admin/audit/events");
    $("audit-events").replaceChildren(...events.map((name) => el("option", { value: name })));
    suggested = true;
  }

  const row = (event) => [
    when(event.created_at),
    event.event,
    event.outcome,
    event.user_id === null ? "—" : el("a", { href: `#/users/${event.user_id}` }, String(event.user_id)),
    event.email ?? "—",
    event.ip ?? "—",
    event.detail ?? "",
  ];

  // A newer search replaces the table; an older answer that arrives after it is dropped.
  let latest = 0;

  async function load(append) {
    const mine = ++latest;
    const page = await api.get(`/auth/admin/audit${query({ ...filters, limit: 50, cursor: append ? cursor : "" })}`);
    if (mine !== latest) return;
    cursor = page.next_cursor;
    const tbody = $("audit-rows");
    if (append)
      for (const event of page.events)
        tbody.append(
          el(
            "tr",
            {},
            row(event).map((cell) => el("td", {}, cell)),
          ),
        );
    else fillRows(tbody, page.events.map(row), 7, "No events match.");
    $("audit-more").hidden = cursor === null;
    const shown = page.events.length === 0 && !append ? 0 : tbody.rows.length;
    announce(`${shown} ${shown === 1 ? "event" : "events"} shown.`);
  }

  const fail = (error) => showError(error.detail ?? String(error));
  $("audit-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    filters = {
      event: form.get("event").trim(),
      outcome: form.get("outcome"),
      user_id: form.get("user_id").trim(),
      ip: form.get("ip").trim(),
      since: utc(form.get("since")),
      until: utc(form.get("until")),
    };
    load(false).catch(fail);
  });
  $("audit-more").addEventListener("click", () => load(true).catch(fail));
  $("audit-export").addEventListener("click", async () => {
    try {
      const blob = await api.download(`/auth/admin/audit/export${query(filters)}`);
      const link = el("a", { href: URL.createObjectURL(blob), download: "audit.csv" });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      announce("The CSV file is downloading.");
    } catch (error) {
      fail(error);
    }
  });
  return {
    show: () => Promise.all([load(false), suggested ? null : suggestEvents()]),
  };
}
