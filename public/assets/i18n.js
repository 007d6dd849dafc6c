// The page's language: English in the markup and the scripts, German, French and Spanish from a dictionary
// (assets/locale-<code>.js, loaded when chosen). The English text is the key, so a missing entry shows English.

export const LANGUAGES = ["en", "de", "fr", "es"];
const CHOICE_KEY = "otp-auth:locale";

let table = {};
let current = "en";

/** The language in use (also sent to the API, which writes mails in it). */
export const locale = () => current;

/** `text` in the page's language, with `{name}` filled from `values`. */
export function t(text, values) {
  const words = table[text] ?? text;
  return values ? words.replace(/\{(\w+)\}/g, (whole, name) => String(values[name] ?? whole)) : words;
}

/** Marks an English text to be translated where it is used (with `t`), so the dictionaries' check finds it. */
export const words = (text) => text;

/** The person's earlier choice on this browser, else the first of the browser's languages the page speaks. */
export function chooseLocale() {
  const saved = localStorage.getItem(CHOICE_KEY);
  if (LANGUAGES.includes(saved)) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const language = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(language)) return language;
  }
  return "en";
}

/** Translates every marked element and label; each keeps its English text to translate from again. */
function translateDocument() {
  for (const element of document.querySelectorAll("[data-t]")) {
    element.dataset.t ||= element.textContent;
    const english = element.dataset.t;
    // Spacing around the words (" password" after "Show") stays as it is.
    const [, before, text, after] = english.match(/^(\s*)(.*?)(\s*)$/s);
    element.textContent = before + t(text) + after;
  }
  for (const element of document.querySelectorAll("[data-t-label]")) {
    element.dataset.tLabel ||= element.getAttribute("aria-label");
    element.setAttribute("aria-label", t(element.dataset.tLabel));
  }
}

/** Switches the page to `next`; `remember` keeps the choice for the next visits. */
export async function setLocale(next, { remember = false } = {}) {
  const language = LANGUAGES.includes(next) ? next : "en";
  table = language === "en" ? {} : (await import(`./locale-${language}.js`)).default;
  current = language;
  document.documentElement.lang = language;
  if (remember) localStorage.setItem(CHOICE_KEY, language);
  translateDocument();
}
