// Small DOM helpers: views, messages, form errors, busy buttons, countdowns.
import { t } from "./i18n.js";

export const $ = (id) => document.getElementById(id);
export const on = (id, type, listener) => $(id).addEventListener(type, listener);

/** Shows one view and hides the others; focus moves to its heading, so screen readers hear where they are. */
export function showView(id, { focus = true } = {}) {
  for (const view of document.querySelectorAll("section[id^='view-']")) view.hidden = view.id !== id;
  const heading = $(id).querySelector("h1");
  document.title = `${heading.dataset.title ? t(heading.dataset.title) : heading.textContent} · otp-auth`;
  if (focus) heading.focus();
}

/** Writes into a live region; an empty text hides it. */
export function say(id, text = "") {
  $(id).textContent = text;
  $(id).classList.toggle("shown", Boolean(text));
}

/** Says `message` in a form's alert and marks `field` alone invalid; focus goes there, or to the submit button. */
export function showError(alert, message, field, focus = true) {
  say(alert, message);
  const form = $(alert).closest("form");
  for (const input of form.querySelectorAll("input")) {
    if (input.id === field) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
  if (focus) (field ? $(field) : form.querySelector("[type=submit]")).focus();
}

/** Empties the password fields in `container`, hiding what a show/hide toggle revealed. */
export function clearPasswords(container) {
  for (const reveal of container.querySelectorAll(".reveal")) {
    const input = $(reveal.getAttribute("aria-controls"));
    input.value = "";
    input.type = "password";
    reveal.firstChild.textContent = t("Show");
  }
  for (const rules of container.querySelectorAll(".rule")) rules.classList.remove("ok");
}

export const isBusy = (button) => button.getAttribute("aria-busy") === "true";

/** Marks a button busy while `task` runs and refuses a second run meanwhile (no double submits). */
export async function whileBusy(button, busyLabel, task) {
  if (isBusy(button)) return;
  const label = button.querySelector("span") ?? button; // beside an icon, only the text changes
  const idle = label.textContent;
  label.textContent = busyLabel;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    await task();
  } finally {
    label.textContent = idle;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** 75 → "1:15". */
export function formatClock(seconds) {
  const total = Math.ceil(seconds);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/**
 * Calls `tick(secondsLeft)` four times a second for `seconds`, then `done()`; returns a cancel function.
 * It reads the clock each time, so it stays right after the tab slept.
 */
export function countdown(seconds, tick, done) {
  const deadline = Date.now() + seconds * 1000;
  let timer = 0;
  const step = () => {
    const left = (deadline - Date.now()) / 1000;
    if (left > 0) return tick(left);
    clearInterval(timer);
    done();
  };
  timer = setInterval(step, 250);
  step();
  return () => clearInterval(timer);
}

/** Disables `button` for `seconds` ("Resend code in 0:42"), then offers `label`; returns a cancel function. */
export function holdButton(button, seconds, label) {
  button.disabled = seconds > 0;
  return countdown(seconds, (left) => (button.textContent = t("{label} in {time}", { label, time: formatClock(left) })), () => {
    button.disabled = false;
    button.textContent = label;
  });
}
