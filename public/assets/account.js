// The signed-in screen: who you are, change the password, log out.
import { locale, t, words } from "./i18n.js";
import { PROVIDER_NAMES } from "./oauth.js";
import { $, clearPasswords, isBusy, on, say, showError, showView, whileBusy } from "./views.js";

const PROVIDER_LABELS = { local: words("Email and password"), ...PROVIDER_NAMES };

/**
 * `lost(error)` handles a session that could not be renewed (true when it did); `signOut(message)` forgets it;
 * `passwordProblem(password, what)` says why a new password would be refused.
 */
export function createAccount({ session, lost, signOut, passwordProblem }) {
  /** Shows the account behind the session; throws (with the server's detail) when it is refused. */
  async function show(message = "") {
    const me = await session.call("GET", "/auth/me");
    $("email").value = $("me-email").textContent = $("change-user").value = me.email;
    $("avatar").textContent = me.email.slice(0, 1).toUpperCase();
    $("me-provider").textContent = t(PROVIDER_LABELS[me.auth_provider] ?? me.auth_provider);
    $("me-created").dateTime = me.created_at;
    $("me-created").textContent = new Date(me.created_at).toLocaleDateString(locale(), { dateStyle: "medium" });
    showView("view-account");
    say("account-status", message);
  }

  function openChange() {
    clearPasswords($("change-form"));
    showError("change-error", "", null, false);
    showView("view-change", { focus: false });
    $("current-password").focus();
  }

  function closeChange(message) {
    clearPasswords($("change-form"));
    showView("view-account", { focus: false });
    say("account-status", message);
    $("change").focus();
  }

  async function submitChange(event) {
    event.preventDefault();
    const button = $("change-submit");
    if (isBusy(button)) return;
    const current = $("current-password").value;
    const next = $("new-password").value;
    if (!current) return showError("change-error", t("Enter your current password."), "current-password");
    const problem = passwordProblem(next, "your new password");
    if (problem) return showError("change-error", problem, "new-password");
    showError("change-error", "", null, false);
    let failure = null;
    await whileBusy(button, t("Changing…"), async () => {
      try {
        closeChange((await session.call("POST", "/auth/password/change", { current_password: current, new_password: next })).message);
      } catch (error) {
        failure = error;
      }
    });
    if (!failure || lost(failure)) return;
    const field = { invalid_current_password: "current-password", password_unchanged: "new-password" }[failure.code];
    showError("change-error", failure.detail, field);
  }

  /** Ends the session at the server, then forgets it here; forgotten here even when the server cannot be told. */
  async function logOut() {
    let ended = true;
    await whileBusy($("logout"), t("Logging out…"), () =>
      session.call("POST", "/auth/logout").catch((error) => (ended = error.status === 401 || error.code === "otp_required")));
    signOut(t(ended ? words("You have been signed out.")
      : words("You are signed out on this device. The server could not be told, so the session ends by itself when it expires.")));
  }

  on("change", "click", openChange);
  on("change-back", "click", () => closeChange());
  on("change-form", "submit", submitChange);
  on("logout", "click", logOut);
  return { show };
}
