// The page: sign in (with a password or a mailed code) or register, enter the mailed code, reset a forgotten password. No framework, no build step.
import { createAccount } from "./account.js";
import { createApi, resolveApiBase } from "./api.js";
import { createCodeBoxes } from "./code-boxes.js";
import { finishOAuth, PROVIDER_NAMES, takeOAuthReturn, wireProviders } from "./oauth.js";
import { deviceHoldsPasskeys, signInWithPasskey, supportsPasskeys } from "./passkeys.js";
import { createDevices } from "./devices.js";
import { createLifecycle } from "./lifecycle.js";
import { createSecurity } from "./security.js";
import { createSession } from "./session.js";
import { loadSettings, renderRules, settings } from "./settings.js";
import { chooseLocale, locale, setLocale, t, words } from "./i18n.js";
import { $, clearPasswords, countdown, formatClock, holdButton, isBusy, on, say, showError, showView, whileBusy } from "./views.js";

const oauthReturn = takeOAuthReturn(); // first: it may put `?api=` back into the address
const { base, ignored } = resolveApiBase();
const api = createApi(base);
// Tokens live in this tab's sessionStorage: they survive a reload, not a copy. One set per API.
const session = createSession(api, sessionLost);
const boxes = createCodeBoxes($("code-boxes"));
const account = createAccount({ session, lost: sessionLost, signOut, passwordProblem });
/** The account screen, with a pending deletion said on it. */
async function showAccount(message = "") {
  await account.show(message);
  await lifecycle.showPendingDeletion();
}
const security = createSecurity({ session, lost: sessionLost, back: () => showAccount() });
const devices = createDevices({ session, lost: sessionLost, back: () => showAccount() });
const lifecycle = createLifecycle({
  session, api, lost: sessionLost, back: showAccount, signOut: (message) => signOut(message), toSignIn: (message) => toSignIn(message),
});
let mfaToken = null; // the second step of a sign-in: the first factor's mfa_token
const stop = { expiry() {}, resend() {}, send() {} };
let mode = "login";
let pending = null; // the code step: { email, purpose: "register" | "recheck" | "unverified" | "reset" | "signin" }

const MODES = { // title, lead, button, busy button
  login: [words("Sign in"), words("Welcome back. Sign in with your email and password."), words("Sign in"), words("Signing in…")],
  register: [words("Create your account"), words("Sign up with your email address. We'll send you a code to confirm it."), words("Create account"), words("Creating account…")],
  forgot: [words("Reset your password"), words("Enter your account's email address. We'll send you a code to choose a new password."), words("Send code"), words("Sending…")],
  code: [words("Sign in with a code"), words("Enter your email address. We'll send you a code to sign in, no password needed."), words("Email me a code"), words("Sending…")],
};
const ADDRESS_ONLY = new Set(["forgot", "code"]); // modes that ask for the address alone
const SESSION_ENDED = words("Your session has ended. Please sign in again.");
const COPIED_TAB = words("This tab was copied from a signed-in tab, which keeps its session. Sign in to give this tab its own.");

function setMode(next) {
  mode = next;
  const register = next === "register";
  const [title, lead, action] = MODES[next].map((text) => t(text));
  for (const tab of [$("tab-login"), $("tab-register")]) {
    const selected = tab.id === `tab-${next}`;
    tab.setAttribute("aria-selected", selected);
    tab.tabIndex = selected ? 0 : -1;
  }
  $("view-auth").dataset.mode = next; // the forgot and code modes hide the tabs, the password and the providers
  $("auth-panel").setAttribute("aria-labelledby", ADDRESS_ONLY.has(next) ? "auth-title" : `tab-${next}`);
  $("auth-title").textContent = title;
  $("auth-lead").textContent = lead;
  stop.send();
  $("auth-submit").textContent = action;
  $("auth-submit").disabled = false;
  $("password").autocomplete = register ? "new-password" : "current-password";
  $("password-rules").hidden = !register;
  $("forgot").hidden = register;
  $("code-option").hidden = next !== "login";
  $("passkey-signin").hidden = next !== "login" || !supportsPasskeys();
  $("password").setAttribute("aria-describedby", register ? "password-rules auth-error" : "auth-error");
  document.title = `${title} · otp-auth`;
  showError("auth-error", "", null, false);
}

/** Why a new password would be refused, said before anything is sent; "" when it is fine. */
function passwordProblem(password, what = "your password") {
  const min = settings.password_min_length;
  if (!password) return t("Enter a new password.");
  const rule = what === "your password" ? words("Use at least {min} characters for your password.") : words("Use at least {min} characters for your new password.");
  return password.length < min ? t(rule, { min }) : "";
}

function authProblem(email, password) {
  if (!email) return [t("Enter your email address."), "email"];
  if (!$("email").checkValidity()) return [t("Enter a valid email address, like name@example.com."), "email"];
  if (ADDRESS_ONLY.has(mode)) return;
  if (!password) return [t("Enter your password."), "password"];
  if (mode === "register" && passwordProblem(password)) return [passwordProblem(password), "password"];
}

async function submitAuth(event) {
  event.preventDefault();
  const button = $("auth-submit");
  if (isBusy(button) || button.disabled) return;
  const email = $("email").value.trim();
  const password = $("password").value;
  const problem = authProblem(email, password);
  if (problem) return showError("auth-error", ...problem);
  showError("auth-error", "", null, false);
  say("auth-status");
  let failure = null;
  await whileBusy(button, t(MODES[mode][3]), async () => {
    try {
      if (mode === "login") await enterSession(await api.post("/auth/login", { email, password, locale: locale() }), "", { offer: true });
      else if (mode === "register") {
        const { message, otp_token } = await api.post("/auth/register", { email, password, locale: locale() });
        enterCodeStep(email, "register", message, otp_token);
      } else if (mode === "code") enterCodeStep(email, "signin", (await api.post("/auth/code/send", { email, locale: locale() })).message);
      else enterCodeStep(email, "reset", (await api.post("/auth/password/forgot", { email, locale: locale() })).message);
    } catch (error) {
      if (error.code === "otp_required") enterCodeStep(email, "recheck", error.detail, error.token);
      else if (error.code === "mfa_required") enterMfaStep(error.token);
      else if (error.code === "email_not_verified") enterCodeStep(email, "unverified", error.detail, error.token);
      else failure = error;
    }
  });
  if (!failure) return;
  const field = { invalid_credentials: "password", email_taken: "email" }[failure.code];
  const wait = mode !== "login" && failure.retryAfter; // a code went out moments ago
  showError("auth-error", failure.detail, field ?? (failure.status === 422 && /email/i.test(failure.detail) ? "email" : null), !wait);
  if (!wait) return;
  stop.send = holdButton(button, wait, t(MODES[mode][2]));
  $("email").focus();
}

function renderCodeStep() {
  const n = boxes.length;
  const { email, purpose } = pending;
  const [title, before, after] = {
    register: [words("Check your email"), words("Enter the {n}-digit code we sent to "), words(" to confirm your address.")],
    recheck: [words("Confirm it's you"), words("For your security, enter the {n}-digit code we just sent to "), words(".")],
    unverified: [words("Verify your email"), "", words(" is not verified yet. Send a code to it, then enter the code below.")],
    reset: [words("Choose a new password"), words("Enter the {n}-digit code we sent to "), words(" and your new password.")],
    signin: [words("Check your email"), words("Enter the {n}-digit code we sent to "), words(" to sign in.")],
  }[purpose].map((text) => (text ? t(text, { n }) : text));
  const strong = document.createElement("strong");
  strong.textContent = $("reset-user").value = email;
  $("code-lead").replaceChildren(before, strong, after);
  $("code-title").textContent = title;
  $("reset-field").hidden = purpose !== "reset";
  $("code-submit").textContent = t({ reset: words("Set new password"), signin: words("Sign in") }[purpose] ?? words("Verify"));
  document.title = `${title} · otp-auth`; // also when it changes on a visible step
}

function resetBoxes() {
  boxes.clear();
  boxes.setInvalid(false);
}

// `token` (otp_token) goes back with the code: this tab started the step.
function enterCodeStep(email, purpose, message, token) {
  pending = { email, purpose, token };
  $("password").value = "";
  clearPasswords($("reset-field"));
  resetBoxes();
  showError("code-error", "", null, false);
  renderCodeStep();
  showView("view-code", { focus: false });
  say("code-status", message);
  if (purpose !== "unverified") return codeSent();
  stop.expiry();
  $("code-expiry").textContent = "";
  holdResend(0, t("Send code"));
  $("resend").focus();
}

function holdResend(seconds, label = t("Resend code")) {
  stop.resend();
  stop.resend = holdButton($("resend"), seconds, label);
}

/** A code just went out: its expiry and the resend cooldown start now. */
function codeSent() {
  const expiry = $("code-expiry");
  expiry.classList.remove("expired");
  stop.expiry();
  stop.expiry = countdown(settings.otp_expire_seconds, (left) => (expiry.textContent = t("Code expires in {time}", { time: formatClock(left) })), () => {
    expiry.textContent = t("This code has expired. Send a new one.");
    expiry.classList.add("expired");
  });
  holdResend(settings.otp_resend_cooldown_seconds);
  boxes.focus(0);
}

async function resend() {
  const button = $("resend");
  if (!pending || isBusy(button) || button.disabled) return;
  say("code-error");
  say("code-status");
  const { email, purpose } = pending;
  let sent = false;
  let wait = 0;
  await whileBusy(button, t("Sending…"), async () => {
    try {
      const path = { reset: "/auth/password/forgot", signin: "/auth/code/send" }[purpose] ?? "/auth/resend-otp";
      say("code-status", (await api.post(path, { email, locale: locale() })).message);
      sent = true;
    } catch (error) {
      say("code-error", error.detail);
      wait = error.retryAfter;
    }
  });
  if (sent) {
    if (purpose === "unverified") pending.purpose = "register";
    renderCodeStep();
    resetBoxes();
    codeSent();
  } else if (wait) holdResend(wait);
}

async function submitCode(event) {
  event.preventDefault();
  const button = $("code-submit");
  if (!pending || isBusy(button)) return;
  const { email, purpose } = pending;
  const reset = purpose === "reset";
  const code = boxes.value();
  const password = $("reset-password").value;
  if (code.length !== boxes.length) {
    say("code-error", t("Enter all {n} digits of the code.", { n: boxes.length }));
    boxes.setInvalid(true);
    return boxes.focusFirstEmpty();
  }
  const problem = reset && passwordProblem(password, "your new password");
  if (problem) return showError("code-error", problem, "reset-password");
  showError("code-error", "", null, false);
  say("code-status");
  let failure = null;
  await whileBusy(button, t(reset ? words("Saving…") : words("Verifying…")), async () => {
    try {
      if (reset) toSignIn((await api.post("/auth/password/reset", { email, code, new_password: password, locale: locale() })).message, email);
      else if (purpose === "signin") await enterSession(await api.post("/auth/code/sign-in", { email, code, locale: locale() }), "", { offer: true });
      else {
        const answer = await api.post("/auth/verify-otp", { email, code, otp_token: pending.token, locale: locale() });
        await enterSession(answer, answer.message, { offer: true });
      }
    } catch (error) {
      failure = error;
    }
  });
  if (!failure) return;
  if (failure.code === "mfa_required") return enterMfaStep(failure.token);
  if (failure.status === 422 && /password/i.test(failure.detail)) return showError("code-error", failure.detail, "reset-password");
  say("code-error", failure.detail); // the new password stays: only the code is asked again
  boxes.clear();
  boxes.setInvalid(true);
  boxes.focus(0);
}

/**
 * Keeps a new session's tokens and shows its account; forgets them when the account cannot be read. After a
 * password or code sign-in (`offer`), a device that can hold a passkey is offered one.
 */
async function enterSession(answer, message, { offer = false } = {}) {
  session.keep(answer);
  mfaToken = null;
  $("passkey-offer").hidden = true;
  try {
    await showAccount(message);
  } catch (error) {
    session.forget();
    throw error;
  }
  if (offer) offerPasskey();
}

const OFFER_KEY = "otp-auth:passkey-offer-dismissed";

async function offerPasskey() {
  if (localStorage.getItem(OFFER_KEY) || !(await deviceHoldsPasskeys())) return;
  const { passkeys } = await session.call("GET", "/auth/passkeys").catch(() => ({ passkeys: [null] }));
  $("passkey-offer").hidden = passkeys.length > 0 || $("view-account").hidden;
}

function enterMfaStep(token) {
  mfaToken = token;
  $("mfa-code").value = "";
  $("mfa-passkey").hidden = !supportsPasskeys();
  showError("mfa-error", "", null, false);
  showView("view-mfa", { focus: false });
  $("mfa-code").focus();
}

async function submitMfa(event) {
  event.preventDefault();
  const button = $("mfa-submit");
  const code = $("mfa-code").value.trim();
  if (isBusy(button)) return;
  if (!code) return showError("mfa-error", t("Enter the code from your authenticator app, or a recovery code."), "mfa-code");
  let failure = null;
  await whileBusy(button, t("Verifying…"), async () => {
    try {
      await enterSession(await api.post("/auth/mfa/verify", { mfa_token: mfaToken, code }), "", { offer: true });
    } catch (error) {
      failure = error;
    }
  });
  if (!failure) return;
  if (failure.code === "invalid_mfa_token") return toSignIn(failure.detail);
  showError("mfa-error", failure.detail, "mfa-code");
  $("mfa-code").select();
}

async function passkeySignIn(alert) {
  const button = $(alert === "mfa-error" ? "mfa-passkey" : "passkey-signin");
  say(alert);
  await whileBusy(button, t("Waiting for your passkey…"), async () => {
    try {
      await enterSession(await signInWithPasskey(api), t("Signed in with a passkey."));
    } catch (error) {
      say(alert, error.detail);
    }
  });
}

/** The email form (in `next` mode) with `message`; focus goes to the password when the address is there. */
function toSignIn(message, email = $("email").value, next = "login") {
  pending = null;
  stop.expiry();
  stop.resend();
  say("account-status");
  setMode(next);
  $("email").value = email;
  showView("view-auth", { focus: false });
  say("auth-status", message);
  $(email ? "password" : "email").focus();
}

function signOut(message = t(SESSION_ENDED)) {
  session.forget();
  clearPasswords($("change-form"));
  toSignIn(message);
}

/**
 * A signed-in call failed because the session could not be renewed: `otp_required` (a code was mailed: the
 * re-check, as at sign-in) or 401 (the session is over). True when it was one of those.
 */
function sessionLost(error) {
  if (error.code === "otp_required") enterCodeStep(error.email, "recheck", error.detail);
  else if (error.status === 401) signOut();
  return error.code === "otp_required" || error.status === 401;
}

/** Switches the page's language and says again, in it, what the scripts wrote on the current screen. */
async function changeLanguage(next) {
  await setLocale(next, { remember: true });
  if (!$("view-auth").hidden) setMode(mode);
  if (pending) renderCodeStep();
  renderRules();
  const digits = document.querySelectorAll("#code-boxes .box");
  digits.forEach((box, index) => box.setAttribute("aria-label", t("Digit {n} of {length}", { n: index + 1, length: digits.length })));
  for (const reveal of document.querySelectorAll(".reveal")) {
    reveal.firstChild.textContent = t($(reveal.getAttribute("aria-controls")).type === "password" ? words("Show") : words("Hide"));
  }
  document.title = `${document.querySelector("section:not([hidden]) h1").textContent} · otp-auth`;
}

function applySettings() {
  if (boxes.length !== settings.otp_length) boxes.build(settings.otp_length);
  if (pending) renderCodeStep();
}

function wire() {
  on("tab-login", "click", () => setMode("login"));
  on("tab-register", "click", () => setMode("register"));
  on("tabs", "keydown", (event) => {
    const next = { ArrowLeft: "login", ArrowRight: "register", Home: "login", End: "register" }[event.key];
    if (!next) return;
    event.preventDefault();
    setMode(next);
    $(`tab-${next}`).focus();
  });
  for (const reveal of document.querySelectorAll(".reveal")) {
    const input = $(reveal.getAttribute("aria-controls"));
    reveal.addEventListener("click", () => {
      const show = input.type === "password";
      input.type = show ? "text" : "password";
      reveal.firstChild.textContent = t(show ? words("Hide") : words("Show"));
    });
  }
  // Each password's rules say, as the person types, whether it meets them.
  for (const rules of document.querySelectorAll(".rule")) {
    const input = rules.parentElement.querySelector("[type=password]");
    input.addEventListener("input", () => rules.classList.toggle("ok", input.value.length >= settings.password_min_length));
  }
  on("auth-form", "submit", submitAuth);
  on("forgot", "click", () => {
    say("auth-status");
    setMode("forgot");
    $("email").focus();
  });
  on("code-option", "click", () => {
    say("auth-status");
    setMode("code");
    $("email").focus();
  });
  on("auth-back", "click", () => {
    const from = mode;
    setMode("login");
    $(from === "code" ? "code-option" : "forgot").focus();
  });
  on("code-form", "submit", submitCode);
  on("code-boxes", "input", () => boxes.setInvalid(false));
  on("resend", "click", resend);
  on("code-back", "click", () => {
    toSignIn("", $("email").value, mode); // "forgot" still, after a reset code
    $("email").focus();
  });
  // A code pasted anywhere on the code step fills every box.
  document.addEventListener("paste", (event) => {
    if (!$("view-code").hidden && boxes.paste(event.clipboardData?.getData("text") ?? "")) {
      event.preventDefault();
      boxes.setInvalid(false);
    }
  });
  wireProviders(api);
  on("language", "change", () => changeLanguage($("language").value));
  on("mfa-form", "submit", submitMfa);
  on("mfa-back", "click", () => toSignIn(""));
  on("mfa-passkey", "click", () => passkeySignIn("mfa-error"));
  on("passkey-signin", "click", () => passkeySignIn("auth-error"));
  on("security", "click", () => security.show().catch((error) => sessionLost(error) || say("account-status", error.detail)));
  on("devices", "click", () => devices.show().catch((error) => sessionLost(error) || say("account-status", error.detail)));
  on("offer-add", "click", () => whileBusy($("offer-add"), t("Waiting…"), async () => {
    if (await security.addOne("account-status", "account-status")) $("passkey-offer").hidden = true;
  }));
  on("offer-dismiss", "click", () => {
    localStorage.setItem(OFFER_KEY, "1");
    $("passkey-offer").hidden = true;
    $("security").focus();
  });
}

async function restoreSession() {
  const copy = await session.ready;
  if (lifecycle.takeUndoLink()) return;
  if (oauthReturn) {
    const name = PROVIDER_NAMES[oauthReturn.pending?.provider] ?? t("your provider");
    say("auth-status", t("Finishing sign-in with {name}…", { name }));
    try {
      return await enterSession(await finishOAuth(api, oauthReturn), t("Signed in with {name}.", { name }));
    } catch (error) {
      say("auth-status");
      if (error.code === "mfa_required") return enterMfaStep(error.token);
      return say("auth-error", error.detail);
    }
  }
  if (session.active) {
    try {
      return await showAccount();
    } catch (error) {
      if (sessionLost(error)) return;
      session.forget();
      say("auth-error", error.detail);
    }
  }
  if (copy) say("auth-status", t(COPIED_TAB));
  $("email").focus();
}

await setLocale(chooseLocale());
$("language").value = locale();
$("api-host").textContent = new URL(api.base).host;
if (ignored) say("api-ignored", t("{foreign} is not a sign-in service this page may use, so nothing is sent there. Using {host}.", { foreign: new URL(ignored).host, host: new URL(base).host }));
$("docs-link").href = `${api.base}/docs`;
boxes.build(settings.otp_length);
wire();
setMode("login");
await Promise.all([loadSettings(api, applySettings), restoreSession()]);
document.body.dataset.ready = "true";
