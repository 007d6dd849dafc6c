// Small DOM helpers: views, messages, busy buttons, countdowns, times.

export const $ = (id) => document.getElementById(id);
export const on = (id, type, listener) => $(id).addEventListener(type, listener);

/** Shows one view and hides the others; focus moves to its heading, so screen readers hear where they are. */
export function showView(id, { focus = true } = {}) {
  for (const view of document.querySelectorAll("section[id^='view-']")) view.hidden = view.id !== id;
  if (focus) $(id).querySelector("h1").focus();
}

/** Writes into a live region; an empty text hides it. */
export function say(id, text = "") {
  $(id).textContent = text;
  $(id).classList.toggle("shown", Boolean(text));
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

/** 1800 → "in 30 minutes". */
export function formatFromNow(seconds) {
  const minutes = Math.round(seconds / 60);
  if (minutes < 1) return "in less than a minute";
  if (minutes < 90) return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
  return `in about ${Math.round(minutes / 60)} hours`;
}

/** Fills a <time>: the exact instant in `datetime`, and the date or (today) the time as text. */
export function setTime(element, date, dateOnly = false) {
  element.dateTime = date.toISOString();
  const today = date.toDateString() === new Date().toDateString();
  const style = dateOnly ? { dateStyle: "medium" } : today ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" };
  element.textContent = new Intl.DateTimeFormat(undefined, style).format(date);
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
