// What the forms are drawn from: GET /auth/config (code length and timings, password rules, providers, dev mailbox).
import { $, on, whileBusy } from "./views.js";

/** Defaults until the server's answer arrives (or when it never does). */
export const settings = {
  otp_length: 6, otp_expire_seconds: 120, otp_resend_cooldown_seconds: 60,
  password_min_length: 8, password_max_length: 128, oauth_providers: [], mailbox_url: null,
};

function apply(api) {
  const all = (selector) => document.querySelectorAll(selector);
  for (const node of all(".pw-min")) node.textContent = settings.password_min_length;
  for (const node of all(".pw-max")) node.textContent = settings.password_max_length;
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

/** Loads the settings; a banner with "Try again" says when they cannot be loaded. `changed()` runs after each load. */
export function loadSettings(api, changed) {
  const load = () => whileBusy($("banner-retry"), "Trying…", async () => {
    try {
      Object.assign(settings, await api.get("/auth/config"));
      $("banner").hidden = true;
      apply(api);
      changed();
    } catch (error) {
      const host = new URL(api.base).host;
      $("banner").hidden = false;
      $("banner-text").textContent = error.status
        ? `Cannot load the sign-in settings from ${host}: ${error.detail}`
        : `Cannot reach the sign-in service at ${host}. Check your connection, then try again.`;
    }
  });
  on("banner-retry", "click", load);
  return load();
}
