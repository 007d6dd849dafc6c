// The page: sign in or register, enter the mailed code, see who you are. No framework, no build step.
import { createApi, readTokenExpiry, resolveApiBase } from "./api.js";
import { createCodeBoxes } from "./code-boxes.js";
import { finishOAuth, PROVIDER_NAMES, startOAuth, takeOAuthReturn } from "./oauth.js";
import { $, countdown, formatClock, formatFromNow, isBusy, say, setTime, showView, whileBusy } from "./views.js";

const oauthReturn = takeOAuthReturn(); // first: it may put `?api=` back into the address
const api = createApi(resolveApiBase());
// The token lives in this tab's sessionStorage only: it survives a reload, not the tab. One per API.
const TOKEN_KEY = `otp-auth:token:${api.base}`;

const settings = {
  otp_length: 6, otp_expire_seconds: 120, otp_resend_cooldown_seconds: 60,
  password_min_length: 8, password_max_length: 128, oauth_providers: [], mailbox_url: null,
};
const boxes = createCodeBoxes($("code-boxes"));
let mode = "login";
let pending = null; // the code step: { email, purpose: "register" | "recheck" | "unverified" }
let stopExpiry = () => {};
let stopResendWait = () => {};
let stopSession = () => {};

const TITLES = { login: "Sign in", register: "Create your account" };
const LEADS = {
  login: "Welcome back. Sign in with your email and password.",
  register: "Sign up with your email address. We'll send you a code to confirm it.",
};

function setMode(next) {
  mode = next;
  const register = next === "register";
  for (const [tab, selected] of [[$("tab-login"), !register], [$("tab-register"), register]]) {
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  $("auth-form").setAttribute("aria-labelledby", register ? "tab-register" : "tab-login");
  $("auth-title").textContent = TITLES[next];
  $("auth-lead").textContent = LEADS[next];
  $("auth-submit").textContent = register ? "Create account" : "Sign in";
  $("password").autocomplete = register ? "new-password" : "current-password";
  $("password-rules").hidden = !register;
  $("password").setAttribute("aria-describedby", register ? "password-rules auth-error" : "auth-error");
  document.title = `${register ? "Create account" : "Sign in"} · otp-auth`;
  markInvalid(null);
  say("auth-error");
}

function markInvalid(field) {
  for (const id of ["email", "password"]) {
    if (id === field) $(id).setAttribute("aria-invalid", "true");
    else $(id).removeAttribute("aria-invalid");
  }
}

function showAuthError(message, field) {
  say("auth-error", message);
  markInvalid(field);
  (field ? $(field) : $("auth-submit")).focus();
}

function checkAuthInput(email, password) {
  if (!email) return ["email", "Enter your email address."];
  if (!$("email").checkValidity()) return ["email", "Enter a valid email address, like name@example.com."];
  if (!password) return ["password", "Enter your password."];
  if (mode === "register" && password.length < settings.password_min_length) {
    return ["password", `Use at least ${settings.password_min_length} characters for your password.`];
  }
  return null;
}

async function submitAuth(event) {
  event.preventDefault();
  const button = $("auth-submit");
  if (isBusy(button)) return;
  const email = $("email").value.trim();
  const password = $("password").value;
  const problem = checkAuthInput(email, password);
  if (problem) return showAuthError(problem[1], problem[0]);
  say("auth-error");
  say("auth-status");
  markInvalid(null);
  const register = mode === "register";
  let failure = null;
  await whileBusy(button, register ? "Creating account…" : "Signing in…", async () => {
    try {
      if (register) {
        const answer = await api.post("/auth/register", { email, password });
        enterCodeStep(email, "register", answer.message);
      } else {
        await enterSession((await api.post("/auth/login", { email, password })).access_token);
      }
    } catch (error) {
      if (error.code === "otp_required") enterCodeStep(email, "recheck", error.detail);
      else if (error.code === "email_not_verified") enterCodeStep(email, "unverified", error.detail);
      else failure = error;
    }
  });
  if (!failure) return;
  const field = { invalid_credentials: "password", email_taken: "email" }[failure.code]
    ?? (/email/i.test(failure.detail) && failure.status === 422 ? "email" : null);
  showAuthError(failure.detail, field);
}

function renderCodeStep() {
  const { email, purpose } = pending;
  const n = boxes.length;
  const [title, before, after] = {
    register: ["Check your email", `Enter the ${n}-digit code we sent to `, " to confirm your address."],
    recheck: ["Confirm it's you", `For your security, enter the ${n}-digit code we just sent to `, "."],
    unverified: ["Verify your email", "", ` is not verified yet. Send a code to it, then enter the code below.`],
  }[purpose];
  const strong = document.createElement("strong");
  strong.textContent = email;
  $("code-lead").replaceChildren(before, strong, after);
  $("code-title").textContent = title;
  document.title = `${title} · otp-auth`;
}

function enterCodeStep(email, purpose, message) {
  pending = { email, purpose };
  $("password").value = "";
  boxes.clear();
  boxes.setInvalid(false);
  say("code-error");
  renderCodeStep();
  showView("view-code", { focus: false });
  say("code-status", message);
  if (purpose === "unverified") {
    stopExpiry();
    $("code-expiry").textContent = "";
    startResendWait(0, "Send code");
    $("resend").focus();
  } else {
    codeSent();
    boxes.focus(0);
  }
}

/** A code just went out: its expiry and the resend cooldown start now. */
function codeSent() {
  const expiry = $("code-expiry");
  expiry.classList.remove("expired");
  stopExpiry();
  stopExpiry = countdown(Date.now() + settings.otp_expire_seconds * 1000,
    (left) => (expiry.textContent = `Code expires in ${formatClock(left)}`),
    () => {
      expiry.textContent = "This code has expired. Send a new one.";
      expiry.classList.add("expired");
    });
  startResendWait(settings.otp_resend_cooldown_seconds);
}

function startResendWait(seconds, label = "Resend code") {
  const button = $("resend");
  stopResendWait();
  const ready = () => {
    button.disabled = false;
    button.textContent = label;
  };
  if (seconds <= 0) return ready();
  button.disabled = true;
  stopResendWait = countdown(Date.now() + seconds * 1000,
    (left) => (button.textContent = `Resend code in ${formatClock(left)}`), ready);
}

async function resend() {
  const button = $("resend");
  if (!pending || isBusy(button) || button.disabled) return;
  say("code-error");
  say("code-status");
  let sent = false;
  let wait = 0;
  await whileBusy(button, "Sending…", async () => {
    try {
      say("code-status", (await api.post("/auth/resend-otp", { email: pending.email })).message);
      sent = true;
    } catch (error) {
      say("code-error", error.detail);
      wait = error.retryAfter;
    }
  });
  if (sent) {
    if (pending.purpose === "unverified") pending.purpose = "register";
    renderCodeStep();
    boxes.clear();
    boxes.setInvalid(false);
    codeSent();
    boxes.focus(0);
  } else if (wait) {
    startResendWait(wait);
  }
}

async function submitCode(event) {
  event.preventDefault();
  const button = $("code-submit");
  if (!pending || isBusy(button)) return;
  const code = boxes.value();
  if (code.length !== boxes.length) {
    say("code-error", `Enter all ${boxes.length} digits of the code.`);
    boxes.setInvalid(true);
    return boxes.focusFirstEmpty();
  }
  say("code-error");
  say("code-status");
  let failed = false;
  await whileBusy(button, "Verifying…", async () => {
    try {
      const answer = await api.post("/auth/verify-otp", { email: pending.email, code });
      await enterSession(answer.access_token, answer.message);
    } catch (error) {
      failed = true;
      say("code-error", error.detail);
      boxes.clear();
      boxes.setInvalid(true);
    }
  });
  if (failed) boxes.focus(0);
}

const PROVIDER_LABELS = { local: "Email and password", ...PROVIDER_NAMES };

/** Shows the account behind a token; throws (with the server's detail) when the token is refused. */
async function enterSession(token, message = "") {
  const me = await api.get("/auth/me", token);
  sessionStorage.setItem(TOKEN_KEY, token);
  pending = null;
  stopExpiry();
  stopResendWait();
  stopSession();
  $("password").value = "";
  $("email").value = me.email;
  $("me-email").textContent = me.email;
  $("avatar").textContent = me.email.slice(0, 1).toUpperCase();
  $("me-provider").textContent = PROVIDER_LABELS[me.auth_provider] ?? me.auth_provider;
  setTime($("me-created"), new Date(me.created_at), { withDay: true });
  const expiresAt = readTokenExpiry(token);
  setTime($("session-end"), new Date(expiresAt));
  document.title = "Your account · otp-auth";
  showView("view-account");
  say("account-status", message);
  stopSession = countdown(expiresAt, (left) => ($("session-left").textContent = `(${formatFromNow(left * 1000)})`),
    () => endSession("Your session has ended. Please sign in again."));
}

function endSession(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  stopSession();
  say("account-status");
  setMode("login");
  showView("view-auth", { focus: false });
  say("auth-status", message);
  $(($("email").value ? "password" : "email")).focus();
}

function applySettings() {
  if (boxes.length !== settings.otp_length) boxes.build(settings.otp_length);
  $("password-min").textContent = settings.password_min_length;
  $("password-max").textContent = settings.password_max_length;
  $("password").maxLength = settings.password_max_length;
  let offered = 0;
  for (const button of document.querySelectorAll("[data-provider]")) {
    button.hidden = !settings.oauth_providers.includes(button.dataset.provider);
    if (!button.hidden) offered++;
  }
  $("oauth").hidden = offered === 0;
  let mailbox = null;
  try {
    if (settings.mailbox_url) mailbox = new URL(settings.mailbox_url, `${api.base}/`);
  } catch {
    // a broken address shows no link
  }
  for (const link of [$("mailbox-link"), $("mailbox-foot")]) {
    link.hidden = !mailbox || !/^https?:$/.test(mailbox.protocol);
    if (!link.hidden) link.href = mailbox.href;
  }
  if (pending) renderCodeStep();
}

async function loadSettings() {
  const button = $("banner-retry");
  await whileBusy(button, "Trying…", async () => {
    try {
      Object.assign(settings, await api.get("/auth/config"));
      $("banner").hidden = true;
      applySettings();
    } catch (error) {
      $("banner").hidden = false;
      $("banner-text").textContent = `Cannot reach the sign-in service at ${new URL(api.base).host}. ${error.detail}`;
    }
  });
}

function onTabKey(event) {
  const keys = { ArrowLeft: "login", ArrowRight: "register", Home: "login", End: "register" };
  if (!(event.key in keys)) return;
  event.preventDefault();
  setMode(keys[event.key]);
  $(mode === "register" ? "tab-register" : "tab-login").focus();
}

function togglePassword() {
  const input = $("password");
  const show = input.type === "password";
  input.type = show ? "text" : "password";
  $("reveal-text").textContent = show ? "Hide" : "Show";
}

// Resolves when the person comes back to this page from the provider's (bfcache), or after a while.
const navigatedAway = () => new Promise((resolve) => {
  addEventListener("pageshow", resolve, { once: true });
  setTimeout(resolve, 15000);
});

function clickProvider(button) {
  const provider = button.dataset.provider;
  if (isBusy(button)) return;
  say("oauth-error");
  whileBusy(button, `Opening ${PROVIDER_NAMES[provider]}…`, async () => {
    try {
      await startOAuth(api, provider);
      await navigatedAway();
    } catch (error) {
      say("oauth-error", error.detail);
    }
  });
}

function wire() {
  $("tab-login").addEventListener("click", () => setMode("login"));
  $("tab-register").addEventListener("click", () => setMode("register"));
  $("tab-login").parentElement.addEventListener("keydown", onTabKey);
  $("reveal").addEventListener("click", togglePassword);
  $("password").addEventListener("input", () => {
    const { length } = $("password").value;
    $("password-rules").classList.toggle("ok", length >= settings.password_min_length);
  });
  $("auth-form").addEventListener("submit", submitAuth);
  $("code-form").addEventListener("submit", submitCode);
  $("code-boxes").addEventListener("input", () => boxes.setInvalid(false));
  $("resend").addEventListener("click", resend);
  $("code-back").addEventListener("click", () => {
    stopExpiry();
    stopResendWait();
    pending = null;
    showView("view-auth", { focus: false });
    document.title = `${TITLES[mode]} · otp-auth`;
    $("email").focus();
  });
  $("logout").addEventListener("click", () => endSession("You have been signed out."));
  $("banner-retry").addEventListener("click", loadSettings);
  for (const button of document.querySelectorAll("[data-provider]")) {
    button.addEventListener("click", () => clickProvider(button));
  }
  // A code pasted anywhere on the code step fills every box.
  document.addEventListener("paste", (event) => {
    if ($("view-code").hidden) return;
    if (boxes.paste(event.clipboardData?.getData("text") ?? "")) {
      event.preventDefault();
      boxes.setInvalid(false);
    }
  });
}

async function restoreSession() {
  if (oauthReturn) {
    const name = PROVIDER_NAMES[oauthReturn.pending?.provider] ?? "your provider";
    say("auth-status", `Finishing sign-in with ${name}…`);
    try {
      const answer = await finishOAuth(api, oauthReturn);
      await enterSession(answer.access_token, `Signed in with ${name}.`);
    } catch (error) {
      say("auth-status");
      say("auth-error", error.detail);
    }
    return;
  }
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved && readTokenExpiry(saved) > Date.now()) {
    try {
      return await enterSession(saved);
    } catch {
      sessionStorage.removeItem(TOKEN_KEY);
      say("auth-status", "Your session has ended. Please sign in again.");
    }
  } else if (saved) {
    sessionStorage.removeItem(TOKEN_KEY);
  }
  $("email").focus();
}

$("api-host").textContent = new URL(api.base).host;
$("docs-link").href = `${api.base}/docs`;
boxes.build(settings.otp_length);
wire();
setMode("login");
await Promise.all([loadSettings(), restoreSession()]);
document.body.dataset.ready = "true";
