// The security screen: the authenticator app (with its QR code, drawn here) and recovery codes, and passkeys.
import { locale, t, words } from "./i18n.js";
import { generate } from "./qr.js";
import { addPasskey, supportsPasskeys } from "./passkeys.js";
import { $, isBusy, on, say, showError, showView, whileBusy } from "./views.js";

const date = (iso) => new Date(iso).toLocaleDateString(locale(), { dateStyle: "medium" });

/** `lost(error)` handles a session that could not be renewed; `back()` returns to the account. */
export function createSecurity({ session, lost, back }) {
  let factorOn = false;
  let codesLeft = 0;

  const failed = (error) => lost(error) || say("security-error", error.detail);

  function renderFactor() {
    $("totp-state").textContent = factorOn
      ? t(codesLeft === 1 ? words("On: signing in asks for a code from your app. 1 recovery code left.") : words("On: signing in asks for a code from your app. {n} recovery codes left."), { n: codesLeft })
      : t("Off: signing in needs one step.");
    $("totp-setup").hidden = factorOn;
    $("totp-off-form").hidden = !factorOn;
    $("totp-enroll").hidden = true;
  }

  function passkeyRow(passkey) {
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = passkey.name;
    const facts = document.createElement("span");
    facts.className = "meta";
    facts.textContent = passkey.last_used_at
      ? t("Added {added} · last used {used}", { added: date(passkey.created_at), used: date(passkey.last_used_at) })
      : t("Added {added}", { added: date(passkey.created_at) });
    const rename = button(t("Rename"), t("Rename {name}", { name: passkey.name }), () => renamePasskey(passkey));
    const remove = button(t("Remove"), t("Remove {name}", { name: passkey.name }), () => removePasskey(passkey));
    item.append(name, facts, rename, remove);
    return item;
  }

  function button(text, label, action) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "ghost";
    element.textContent = text;
    element.setAttribute("aria-label", label);
    element.addEventListener("click", action);
    return element;
  }

  async function loadPasskeys() {
    const { passkeys } = await session.call("GET", "/auth/passkeys");
    const list = $("passkey-list");
    list.replaceChildren(...passkeys.map(passkeyRow));
    if (!passkeys.length) list.replaceChildren(Object.assign(document.createElement("li"), { className: "meta", textContent: t("No passkeys yet.") }));
    $("passkey-add").hidden = !supportsPasskeys();
    return passkeys;
  }

  async function show(message = "") {
    say("security-error");
    $("recovery").hidden = true;
    ({ totp_enabled: factorOn, recovery_codes_remaining: codesLeft } = await session.call("GET", "/auth/mfa"));
    renderFactor();
    await loadPasskeys();
    showView("view-security");
    say("security-status", message);
  }

  async function renamePasskey(passkey) {
    const name = prompt(t("A name for this passkey"), passkey.name)?.trim();
    if (!name || name === passkey.name) return;
    try {
      await session.call("PATCH", `/auth/passkeys/${passkey.id}`, { name: name.slice(0, 64) });
      await loadPasskeys();
      say("security-status", t("Passkey renamed."));
    } catch (error) {
      failed(error);
    }
  }

  async function removePasskey(passkey) {
    if (!confirm(t("Remove the passkey “{name}”? It will no longer sign you in.", { name: passkey.name }))) return;
    try {
      say("security-status", (await session.call("DELETE", `/auth/passkeys/${passkey.id}`)).message);
      await loadPasskeys();
      $("passkey-add").focus();
    } catch (error) {
      failed(error);
    }
  }

  /** Adds a passkey; true when one was added. Used here and by the offer after sign-in. */
  async function addOne(statusId = "security-status", errorId = "security-error") {
    try {
      await addPasskey(session);
      say(errorId);
      say(statusId, t("Passkey added. Next time, choose “Sign in with a passkey”."));
      return true;
    } catch (error) {
      if (!lost(error)) say(errorId, error.code === "fresh_sign_in_required" ? t("To add a passkey, log out and sign in again first.") : error.detail);
      return false;
    }
  }

  async function setUp() {
    say("security-error");
    try {
      const { secret, otpauth_uri } = await session.call("POST", "/auth/mfa/totp/enroll");
      generate(otpauth_uri).toCanvas($("totp-qr"));
      $("totp-secret").textContent = secret.replace(/(.{4})/g, "$1 ").trim();
      $("totp-setup").hidden = true;
      $("totp-enroll").hidden = false;
      $("totp-code").value = "";
      $("totp-code").focus();
    } catch (error) {
      failed(error);
    }
  }

  async function confirmFactor(event) {
    event.preventDefault();
    const code = $("totp-code").value.replace(/\s/g, "");
    if (!/^\d{6}$/.test(code)) return showError("totp-error", t("Enter the 6-digit code your app shows."), "totp-code");
    await whileBusy($("totp-confirm"), t("Turning on…"), async () => {
      try {
        const { recovery_codes } = await session.call("POST", "/auth/mfa/totp/confirm", { code });
        factorOn = true;
        codesLeft = recovery_codes.length;
        renderFactor();
        $("recovery-codes").replaceChildren(...recovery_codes.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
        $("recovery").hidden = false;
        $("recovery-title").focus();
        say("security-status", t("Two-step sign-in is on."));
      } catch (error) {
        if (!lost(error)) showError("totp-error", error.detail, "totp-code");
      }
    });
  }

  async function turnOff(event) {
    event.preventDefault();
    const button = $("totp-off");
    const code = $("totp-off-code").value.trim();
    if (isBusy(button)) return;
    if (!code) return showError("totp-off-error", t("Enter a code from your app or a recovery code."), "totp-off-code");
    await whileBusy(button, t("Turning off…"), async () => {
      try {
        const { message } = await session.call("POST", "/auth/mfa/totp/disable", { code });
        factorOn = false;
        $("totp-off-code").value = "";
        showError("totp-off-error", "", null, false);
        renderFactor();
        say("security-status", message);
        $("totp-setup").focus();
      } catch (error) {
        if (!lost(error)) showError("totp-off-error", error.detail, "totp-off-code");
      }
    });
  }

  on("totp-setup", "click", setUp);
  on("totp-confirm-form", "submit", confirmFactor);
  on("totp-off-form", "submit", turnOff);
  on("recovery-done", "click", () => {
    $("recovery").hidden = true;
    $("recovery-codes").replaceChildren();
    $("totp-off-code").focus();
  });
  on("passkey-add", "click", () => whileBusy($("passkey-add"), t("Waiting for your passkey…"), async () => (await addOne()) && loadPasskeys()));
  on("security-back", "click", back);
  return { show, addOne };
}
