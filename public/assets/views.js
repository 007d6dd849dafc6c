// Small DOM helpers shared by the page: views, messages, busy buttons, time formatting.

export const $ = (id) => document.getElementById(id);

const VIEWS = ["view-auth", "view-code", "view-account"];

/** Shows one view, hides the others and moves focus to its heading, so screen readers hear where they are. */
export function showView(id, { focus = true } = {}) {
  for (const view of VIEWS) $(view).hidden = view !== id;
  document.body.dataset.view = id.replace("view-", "");
  if (focus) $(id).querySelector("h1")?.focus();
}

/** Writes into a live region; an empty text hides it. */
export function say(id, text = "") {
  const region = $(id);
  region.textContent = text;
  region.classList.toggle("shown", Boolean(text));
}

/**
 * Marks a button as working while `task` runs and refuses a second run meanwhile (no double submits).
 * The button's label (its <span>, when it has one beside an icon) comes back afterwards.
 */
export async function whileBusy(button, busyLabel, task) {
  if (button.dataset.busy === "true") return;
  const label = button.querySelector("span") ?? button;
  const idle = label.textContent;
  button.dataset.busy = "true";
  label.textContent = busyLabel;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    await task();
  } finally {
    button.dataset.busy = "false";
    label.textContent = idle;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

export const isBusy = (button) => button.dataset.busy === "true";

/** 75 → "1:15". */
export function formatClock(seconds) {
  const total = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** "in 30 minutes", "in about 2 hours", for a time in the future. */
export function formatFromNow(ms) {
  const minutes = Math.round(ms / 60000);
  if (minutes < 1) return "in less than a minute";
  if (minutes < 90) return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `in about ${hours} hours`;
  return `in about ${Math.round(hours / 24)} days`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Fills a <time> element: machine-readable datetime, human text (just the time when it is today). */
export function setTime(element, date, { withDay = false } = {}) {
  element.dateTime = date.toISOString();
  const today = date.toDateString() === new Date().toDateString();
  element.textContent = withDay ? dayFormat.format(date) : today ? timeFormat.format(date) : dayTimeFormat.format(date);
}

/**
 * Calls `tick(secondsLeft)` every quarter second until `deadline` (ms since epoch), then `done()`.
 * Reading the clock each time keeps it right when the tab was asleep. Returns a cancel function.
 */
export function countdown(deadline, tick, done = () => {}) {
  let timer = 0;
  const step = () => {
    const left = (deadline - Date.now()) / 1000;
    if (left <= 0) {
      clearInterval(timer);
      done();
    } else tick(left);
  };
  timer = setInterval(step, 250);
  step();
  return () => clearInterval(timer);
}
