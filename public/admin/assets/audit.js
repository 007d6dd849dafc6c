// The audit log: filters, pages, and the CSV export of the same filters.
import { api, query } from "./admin-api.js";
import { $, el, fillRows, when } from "./dom.js";

// The audit log's event names (src/audit/events.ts; a test keeps the two lists equal), offered as suggestions.
const EVENTS = [
  "register",
  "code_sent",
  "verify_otp",
  "login",
  "recheck_required",
  "refresh_token_reused",
  "session_revoked",
  "password_reset_requested",
  "password_reset",
  "password_change",
  "oauth_sign_in",
  "code_sign_in_requested",
  "code_sign_in",
  "admin_auth",
  "admin_user_create",
  "admin_user_update",
  "admin_user_delete",
  "mfa_enroll",
  "mfa_enable",
  "mfa_disable",
  "mfa_required",
  "mfa_verify",
  "admin_mfa_disable",
  "admin_sessions_revoke",
  "admin_verification_resend",
  "admin_password_reset",
  "passkey_added",
  "passkey_removed",
  "passkey_sign_in",
  "account_deletion_requested",
  "account_deletion_cancelled",
  "account_deleted",
  "account_export",
  "email_change_requested",
  "email_change",
  "email_change_cancelled",
];

/** A datetime-local value, read as UTC, as ISO 8601; empty stays empty. */
const utc = (value) => (!value ? "" : value.length === 16 ? `${value}:00Z` : `${value}Z`);

export function setUpAudit({ showError, announce }) {
  let cursor = null;
  let filters = {};
  $("audit-events").append(...EVENTS.map((name) => el("option", { value: name })));

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
    show: () => load(false),
  };
}
