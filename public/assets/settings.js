// What the forms are drawn from: GET /auth/config (code length and timings, password rules, providers, dev mailbox).
import { t } from "./i18n.js";
import { $, on, whileBusy } from "./views.js";

/** Defaults until the server's answer arrives (or when it never does). */
export const settings = {
  otp_length: 6, otp_expire_seconds: 120, otp_resend_cooldown_seconds: 60,
  password_min_length: 8, password_max_length: 128, oauth_providers: [], mailbox_url: null,
};

function apply(api) {
  const all = (selector) => document.querySelectorAll(selector);
  renderRules();
  for (const input of all("[type=password]")) input.maxLength = settings.password_max_length;
  const buttons = [...all("[data-provider]")];
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
}

/** The password rules' text, in the page's language, from the server's lengths. */
export function renderRules() {
  const text = t("Use {min} to {max} characters.", { min: settings.password_min_length, max: settings.password_max_length });
  for (const node of document.querySelectorAll(".rule-text")) node.textContent = text;
}

/** Loads the settings; a banner with "Try again" says when they cannot be loaded. `changed()` runs after each load. */
export function loadSettings(api, changed) {
  const load = () => whileBusy($("banner-retry"), t("Trying…"), async () => {
    try {
      Object.assign(settings, await api.get("/auth/config"));
      $("banner").hidden = true;
      apply(api);
      changed();
    } catch (error) {
      const host = new URL(api.base).host;
      $("banner").hidden = false;
      $("banner-text").textContent = error.status
        ? t("Cannot load the sign-in settings from {host}: {detail}", { host, detail: error.detail })
        : t("Cannot reach the sign-in service at {host}. Check your connection, then try again.", { host });
    }
  });
  on("banner-retry", "click", load);
  return load();
}
