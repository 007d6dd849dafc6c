// The page: sign in or register, enter the mailed code, see who you are. No framework, no build step.
import { createApi, readTokenExpiry, resolveApiBase } from "./api.js";
import { createCodeBoxes } from "./code-boxes.js";
import { finishOAuth, PROVIDER_NAMES, startOAuth, takeOAuthReturn } from "./oauth.js";
import { $, countdown, formatClock, formatFromNow, isBusy, on, say, setTime, showView, whileBusy } from "./views.js";

const oauthReturn = takeOAuthReturn(); // first: it may put `?api=` back into the address
const api = createApi(resolveApiBase());
// The token lives in this tab's sessionStorage only: it survives a reload, not the tab. One per API.
const TOKEN_KEY = `otp-auth:token:${api.base}`;
const settings = {
  otp_length: 6, otp_expire_seconds: 120, otp_resend_cooldown_seconds: 60,
  password_min_length: 8, password_max_length: 128, oauth_providers: [], mailbox_url: null,
};
const boxes = createCodeBoxes($("code-boxes"));
const stop = { expiry() {}, resend() {}, session() {} };
let mode = "login";
let pending = null; // the code step: { email, purpose: "register" | "recheck" | "unverified" }

const MODES = {
  login: ["Sign in", "Welcome back. Sign in with your email and password.", "Sign in"],
  register: ["Create your account", "Sign up with your email address. We'll send you a code to confirm it.", "Create account"],
};
const SESSION_ENDED = "Your session has ended. Please sign in again.";

function setMode(next) {
  mode = next;
  const register = next === "register";
  const [title, lead, action] = MODES[next];
  for (const tab of [$("tab-login"), $("tab-register")]) {
    const selected = tab.id === `tab-${next}`;
    tab.setAttribute("aria-selected", selected);
    tab.tabIndex = selected ? 0 : -1;
  }
  $("auth-form").setAttribute("aria-labelledby", `tab-${next}`);
  $("auth-title").textContent = title;
  $("auth-lead").textContent = lead;
  $("auth-submit").textContent = action;
  $("password").autocomplete = register ? "new-password" : "current-password";
  $("password-rules").hidden = !register;
  $("password").setAttribute("aria-describedby", register ? "password-rules auth-error" : "auth-error");
  document.title = `${action} · otp-auth`;
  showAuthError("", null, false);
}

function showAuthError(message, field, focus = true) {
  say("auth-error", message);
  for (const id of ["email", "password"]) {
    if (id === field) $(id).setAttribute("aria-invalid", "true");
    else $(id).removeAttribute("aria-invalid");
  }
  if (focus) $(field ?? "auth-submit").focus();
}

function checkAuthInput(email, password) {
  if (!email) return ["Enter your email address.", "email"];
  if (!$("email").checkValidity()) return ["Enter a valid email address, like name@example.com.", "email"];
  if (!password) return ["Enter your password.", "password"];
  const min = settings.password_min_length;
  if (mode === "register" && password.length < min) return [`Use at least ${min} characters for your password.`, "password"];
}

async function submitAuth(event) {
  event.preventDefault();
  const button = $("auth-submit");
  if (isBusy(button)) return;
  const email = $("email").value.trim();
  const password = $("password").value;
  const problem = checkAuthInput(email, password);
  if (problem) return showAuthError(...problem);
  showAuthError("", null, false);
  say("auth-status");
  const register = mode === "register";
  let failure = null;
  await whileBusy(button, register ? "Creating account…" : "Signing in…", async () => {
    try {
      if (register) enterCodeStep(email, "register", (await api.post("/auth/register", { email, password })).message);
      else await enterSession((await api.post("/auth/login", { email, password })).access_token);
    } catch (error) {
      if (error.code === "otp_required") enterCodeStep(email, "recheck", error.detail);
      else if (error.code === "email_not_verified") enterCodeStep(email, "unverified", error.detail);
      else failure = error;
    }
  });
  if (failure) {
    const field = { invalid_credentials: "password", email_taken: "email" }[failure.code];
    showAuthError(failure.detail, field ?? (failure.status === 422 && /email/i.test(failure.detail) ? "email" : null));
  }
}

function renderCodeStep() {
  const n = boxes.length;
  const [title, before, after] = {
    register: ["Check your email", `Enter the ${n}-digit code we sent to `, " to confirm your address."],
    recheck: ["Confirm it's you", `For your security, enter the ${n}-digit code we just sent to `, "."],
    unverified: ["Verify your email", "", " is not verified yet. Send a code to it, then enter the code below."],
  }[pending.purpose];
  const strong = document.createElement("strong");
  strong.textContent = pending.email;
  $("code-lead").replaceChildren(before, strong, after);
  $("code-title").textContent = title;
  document.title = `${title} · otp-auth`;
}

function resetBoxes() {
  boxes.clear();
  boxes.setInvalid(false);
}

function enterCodeStep(email, purpose, message) {
  pending = { email, purpose };
  $("password").value = "";
  resetBoxes();
  say("code-error");
  renderCodeStep();
  showView("view-code", { focus: false });
  say("code-status", message);
  if (purpose !== "unverified") return codeSent();
  stop.expiry();
  $("code-expiry").textContent = "";
  startResendWait(0, "Send code");
  $("resend").focus();
}

/** A code just went out: its expiry and the resend cooldown start now. */
function codeSent() {
  const expiry = $("code-expiry");
  expiry.classList.remove("expired");
  stop.expiry();
  stop.expiry = countdown(settings.otp_expire_seconds, (left) => (expiry.textContent = `Code expires in ${formatClock(left)}`), () => {
    expiry.textContent = "This code has expired. Send a new one.";
    expiry.classList.add("expired");
  });
  startResendWait(settings.otp_resend_cooldown_seconds);
  boxes.focus(0);
}

function startResendWait(seconds, label = "Resend code") {
  const button = $("resend");
  const ready = () => {
    button.disabled = false;
    button.textContent = label;
  };
  stop.resend();
  button.disabled = seconds > 0;
  stop.resend = countdown(seconds, (left) => (button.textContent = `Resend code in ${formatClock(left)}`), ready);
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
    resetBoxes();
    codeSent();
  } else if (wait) startResendWait(wait);
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
  stop.expiry();
  stop.resend();
  stop.session();
  $("password").value = "";
  $("email").value = $("me-email").textContent = me.email;
  $("avatar").textContent = me.email.slice(0, 1).toUpperCase();
  $("me-provider").textContent = PROVIDER_LABELS[me.auth_provider] ?? me.auth_provider;
  setTime($("me-created"), new Date(me.created_at), true);
  const expiresAt = readTokenExpiry(token);
  setTime($("session-end"), new Date(expiresAt));
  document.title = "Your account · otp-auth";
  showView("view-account");
  say("account-status", message);
  stop.session = countdown((expiresAt - Date.now()) / 1000,
    (left) => ($("session-left").textContent = `(${formatFromNow(left)})`), () => endSession(SESSION_ENDED));
}

function endSession(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  stop.session();
  say("account-status");
  setMode("login");
  showView("view-auth", { focus: false });
  say("auth-status", message);
  $($("email").value ? "password" : "email").focus();
}

function applySettings() {
  if (boxes.length !== settings.otp_length) boxes.build(settings.otp_length);
  $("password-min").textContent = settings.password_min_length;
  $("password-max").textContent = $("password").maxLength = settings.password_max_length;
  const buttons = [...document.querySelectorAll("[data-provider]")];
  for (const button of buttons) button.hidden = !settings.oauth_providers.includes(button.dataset.provider);
  $("oauth").hidden = buttons.every((button) => button.hidden);
  let mailbox = null;
  try {
    mailbox = settings.mailbox_url && new URL(settings.mailbox_url, `${api.base}/`);
  } catch {
    // a broken address shows no link
  }
  for (const link of [$("mailbox-link"), $("mailbox-foot")]) {
    link.hidden = !/^https?:$/.test(mailbox?.protocol);
    if (!link.hidden) link.href = mailbox.href;
  }
  if (pending) renderCodeStep();
}

function loadSettings() {
  return whileBusy($("banner-retry"), "Trying…", async () => {
    try {
      Object.assign(settings, await api.get("/auth/config"));
      $("banner").hidden = true;
      applySettings();
    } catch (error) {
      const host = new URL(api.base).host;
      $("banner").hidden = false;
      $("banner-text").textContent = error.status
        ? `Cannot load the sign-in settings from ${host}: ${error.detail}`
        : `Cannot reach the sign-in service at ${host}. Check your connection, then try again.`;
    }
  });
}

function clickProvider(button) {
  const provider = button.dataset.provider;
  say("oauth-error");
  whileBusy(button, `Opening ${PROVIDER_NAMES[provider]}…`, async () => {
    try {
      await startOAuth(api, provider);
      // Busy until this page is left, or shown again from the back-forward cache.
      await new Promise((resolve) => addEventListener("pageshow", resolve, { once: true }));
    } catch (error) {
      say("oauth-error", error.detail);
    }
  });
}

function wire() {
  on("tab-login", "click", () => setMode("login"));
  on("tab-register", "click", () => setMode("register"));
  $("tab-login").parentElement.addEventListener("keydown", (event) => {
    const next = { ArrowLeft: "login", ArrowRight: "register", Home: "login", End: "register" }[event.key];
    if (!next) return;
    event.preventDefault();
    setMode(next);
    $(`tab-${next}`).focus();
  });
  on("reveal", "click", () => {
    const show = $("password").type === "password";
    $("password").type = show ? "text" : "password";
    $("reveal-text").textContent = show ? "Hide" : "Show";
  });
  on("password", "input", () =>
    $("password-rules").classList.toggle("ok", $("password").value.length >= settings.password_min_length));
  on("auth-form", "submit", submitAuth);
  on("code-form", "submit", submitCode);
  on("code-boxes", "input", () => boxes.setInvalid(false));
  on("resend", "click", resend);
  on("code-back", "click", () => {
    stop.expiry();
    stop.resend();
    pending = null;
    setMode(mode);
    showView("view-auth", { focus: false });
    $("email").focus();
  });
  on("logout", "click", () => endSession("You have been signed out."));
  on("banner-retry", "click", loadSettings);
  for (const button of document.querySelectorAll("[data-provider]")) button.addEventListener("click", () => clickProvider(button));
  // A code pasted anywhere on the code step fills every box.
  document.addEventListener("paste", (event) => {
    if (!$("view-code").hidden && boxes.paste(event.clipboardData?.getData("text") ?? "")) {
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
      return await enterSession(answer.access_token, `Signed in with ${name}.`);
    } catch (error) {
      say("auth-status");
      return say("auth-error", error.detail);
    }
  }
  const saved = sessionStorage.getItem(TOKEN_KEY);
  sessionStorage.removeItem(TOKEN_KEY);
  if (saved && readTokenExpiry(saved) > Date.now()) {
    try {
      return await enterSession(saved);
    } catch {
      say("auth-status", SESSION_ENDED);
    }
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
