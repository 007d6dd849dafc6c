// The users table and one user's page.
import { api, query } from "./admin-api.js";
import { $, clear, el, fillFacts, fillRows, when, yesNo } from "./dom.js";

const PROVIDERS = { local: "Email and password", google: "Google", github: "GitHub" };
const provider = (name) => PROVIDERS[name] ?? name;

/** The users table: search, filters and pages (a cursor per page, "Next page" appends). */
export function setUpUsers({ showError, announce }) {
  let cursor = null;
  let filters = {};

  // A newer search replaces the table; an older answer that arrives after it is dropped.
  let latest = 0;

  async function load(append) {
    const mine = ++latest;
    const page = await api.get(`/auth/admin/users${query({ ...filters, limit: 50, cursor: append ? cursor : "" })}`);
    if (mine !== latest) return;
    cursor = page.next_cursor;
    const rows = page.users.map((user) => [
      el("a", { href: `#/users/${user.id}` }, user.email),
      yesNo(user.is_verified),
      yesNo(user.is_active),
      provider(user.auth_provider),
      user.mfa_enabled ? "On" : "Off",
      when(user.created_at),
      when(user.last_sign_in_at),
    ]);
    const tbody = $("users-rows");
    if (append) {
      for (const cells of rows)
        tbody.append(
          el(
            "tr",
            {},
            cells.map((cell) => el("td", {}, cell)),
          ),
        );
    } else fillRows(tbody, rows, 7, "No users match.");
    $("users-more").hidden = cursor === null;
    const shown = tbody.querySelectorAll("a").length;
    announce(`${shown} ${shown === 1 ? "user" : "users"} shown.`);
  }

  $("users-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    filters = { q: form.get("q").trim(), status: form.get("status"), provider: form.get("provider") };
    load(false).catch((error) => showError(error.detail ?? String(error)));
  });
  $("users-more").addEventListener("click", () => load(true).catch((error) => showError(error.detail ?? String(error))));
  return { show: () => load(false) };
}

/** One user: facts, actions (destructive ones confirmed first), linked accounts, sessions and recent events. */
export function setUpUser({ showError, announce, confirm }) {
  let userId = null;

  async function act(message, run, question) {
    if (question && !(await confirm(question))) return;
    try {
      const answer = await run();
      announce(message ?? answer?.message ?? "Done.");
      if (userId !== null) await show(userId);
    } catch (error) {
      showError(error.detail ?? String(error));
    }
  }

  function actions(user) {
    const base = `/auth/admin/users/${user.id}`;
    const button = (label, onclick, danger = false) =>
      el("button", { type: "button", class: danger ? "danger" : "secondary", onclick }, label);
    const list = [
      !user.is_disabled
        ? button(
            "Disable",
            () =>
              act("User disabled.", () => api.put(base, { is_active: false }), `Disable ${user.email}? Every session of theirs ends now.`),
            true,
          )
        : button("Enable", () => act("User enabled.", () => api.put(base, { is_active: true }))),
      button("End all sessions", () => act(null, () => api.del(`${base}/sessions`), `End every session of ${user.email}?`), true),
      user.is_verified ? null : button("Resend verification", () => act(null, () => api.post(`${base}/verification`))),
      button("Start password reset", () =>
        act(null, () => api.post(`${base}/password-reset`), `Mail ${user.email} a password reset code?`),
      ),
      user.mfa_enabled
        ? button(
            "Turn off second factor",
            () => act(null, () => api.del(`${base}/mfa`), `Turn off the second factor of ${user.email}?`),
            true,
          )
        : null,
      user.role === "admin"
        ? button(
            "Take back admin role",
            () => act("Admin role taken back.", () => api.put(base, { role: "user" }), `Take the admin role back from ${user.email}?`),
            true,
          )
        : button("Make admin", () =>
            act("Admin role granted.", () => api.put(base, { role: "admin" }), `Give ${user.email} the admin role?`),
          ),
      button(
        "Delete user",
        () =>
          act(
            "User deleted.",
            async () => {
              await api.del(base);
              userId = null;
              location.hash = "#/users";
            },
            `Delete ${user.email} with their sessions and linked accounts? This cannot be undone.`,
          ),
        true,
      ),
    ];
    clear($("user-actions"));
    $("user-actions").append(...list.filter(Boolean));
  }

  async function show(id) {
    userId = id;
    const [detail, events] = await Promise.all([api.get(`/auth/admin/users/${id}`), api.get(`/auth/admin/audit?user_id=${id}&limit=20`)]);
    const { user } = detail;
    $("user-title").textContent = user.email;
    fillFacts($("user-facts"), [
      ["User id", String(user.id)],
      ["Role", user.role === "admin" ? "Admin" : "User"],
      ["Verified", yesNo(user.is_verified)],
      ["Active", yesNo(user.is_active)],
      ["Disabled by an admin", yesNo(user.is_disabled)],
      ["Provider", provider(user.auth_provider)],
      ["Second factor", user.mfa_enabled ? "On" : "Off"],
      ["Created", when(user.created_at)],
      ["Last sign-in", when(user.last_sign_in_at)],
    ]);
    actions(user);
    clear($("user-accounts"));
    if (detail.oauth_accounts.length === 0) $("user-accounts").append(el("li", {}, "None."));
    for (const account of detail.oauth_accounts)
      $("user-accounts").append(el("li", {}, `${provider(account.provider)}: ${account.email}, linked ${when(account.created_at)}`));
    fillRows(
      $("user-sessions"),
      detail.sessions.map((session) => [
        when(session.created_at),
        when(session.last_used_at),
        session.ip ?? "—",
        session.user_agent ?? "—",
        el(
          "button",
          {
            type: "button",
            class: "danger small",
            "aria-label": `End the session signed in ${when(session.created_at)}`,
            onclick: () => act("Session ended.", () => api.del(`/auth/admin/users/${id}/sessions/${session.id}`), "End this session?"),
          },
          "End",
        ),
      ]),
      5,
      "No live sessions.",
    );
    fillRows(
      $("user-events"),
      events.events.map((event) => [when(event.created_at), event.event, event.outcome, event.ip ?? "—", event.detail ?? ""]),
      5,
      "No events.",
    );
  }

  return { show };
}
