// The admin console: sign-in, then a view per hash route (#/users, #/users/12, #/audit, #/activity, #/health).
import { api, isSignedIn, setToken, whenSignedOut } from "./admin-api.js";
import { setUpActivity } from "./activity.js";
import { setUpAudit } from "./audit.js";
import { $ } from "./dom.js";
import { setUpHealth } from "./health.js";
import { setUpSignIn } from "./sign-in.js";
import { setUpUser, setUpUsers } from "./users.js";

const VIEWS = ["sign-in", "users", "user", "audit", "activity", "health"];
const TITLES = { "sign-in": "Sign in", users: "Users", user: "User", audit: "Audit log", activity: "Activity", health: "Health" };

const showError = (text) => {
  $("alert").textContent = text;
};
const announce = (text) => {
  $("notice").textContent = text;
};

/** A modal question; resolves true on Confirm. The dialog keeps focus inside and Escape cancels. */
function confirm(question) {
  const dialog = $("confirm");
  $("confirm-text").textContent = question;
  return new Promise((resolve) => {
    const done = (answer) => () => {
      dialog.close();
      resolve(answer);
    };
    $("confirm-ok").onclick = done(true);
    $("confirm-cancel").onclick = done(false);
    dialog.oncancel = done(false);
    dialog.showModal();
    $("confirm-cancel").focus();
  });
}

const context = { showError, announce, confirm };
const views = {
  users: setUpUsers(context),
  user: setUpUser(context),
  audit: setUpAudit(context),
  activity: setUpActivity(context),
  health: setUpHealth(context),
};

function reveal(name) {
  for (const view of VIEWS) $(`view-${view}`).hidden = view !== name;
  const signedIn = name !== "sign-in";
  $("nav").hidden = !signedIn;
  $("sign-out").hidden = !signedIn;
  for (const link of $("nav").querySelectorAll("a")) {
    if (link.dataset.view === name || (name === "user" && link.dataset.view === "users")) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${TITLES[name]} · otp-auth admin`;
}

async function route() {
  if (!isSignedIn()) {
    reveal("sign-in");
    return;
  }
  const [, view = "users", id] = location.hash.match(/^#\/(\w+)(?:\/(\d+))?/) ?? [];
  const name = view === "users" && id ? "user" : views[view] ? view : "users";
  showError("");
  announce("");
  reveal(name);
  try {
    await views[name].show(Number(id));
    $(`${name}-title`)?.focus();
  } catch (error) {
    showError(error.detail ?? String(error));
  }
}

const signIn = setUpSignIn({
  showError,
  async signedIn(tokens) {
    try {
      // Whether this account is an admin: the admin API says, on one of its reads.
      await api.get("/auth/admin/health");
    } catch (error) {
      setToken(tokens.access_token); // dropped by the refusal; still ends the session it opened
      await signOut(error.status === 403 ? "This account is not an administrator." : error.detail);
      return;
    }
    announce("Signed in.");
    if (!location.hash || location.hash === "#/") location.hash = "#/users";
    await route();
  },
});

async function signOut(message = "") {
  if (isSignedIn()) await api.post("/auth/logout").catch(() => {});
  setToken(null);
  signIn.reset();
  reveal("sign-in");
  showError(message);
  $("sign-in-title").focus();
}

whenSignedOut((detail) => {
  signIn.reset();
  reveal("sign-in");
  showError(detail);
});
$("sign-out").addEventListener("click", () => signOut().then(() => announce("Signed out.")));
addEventListener("hashchange", route);
route();
document.body.dataset.ready = "true";
