/** The languages the mails are written in; the first is the fallback of last resort. */
export const LOCALES = ["en", "de", "fr", "es"] as const;
export type Locale = (typeof LOCALES)[number];

export const isLocale = (value: unknown): value is Locale => typeof value === "string" && (LOCALES as readonly string[]).includes(value);

/** The supported language of a BCP-47 tag (`de-AT`, `fr_CA`, `ES`), or undefined: a tag we do not speak is ignored, never an error. */
export function toLocale(tag: unknown): Locale | undefined {
  if (typeof tag !== "string" || tag.length > 64) return undefined;
  const language = /^([A-Za-z]{2,3})(?:[-_]|$)/.exec(tag.trim())?.[1]?.toLowerCase();
  return isLocale(language) ? language : undefined;
}

const MAX_ACCEPT_LANGUAGE = 512;
const MAX_RANGES = 16;

/**
 * The supported language the Accept-Language header (RFC 9110 §12.5.4) prefers most: ranges by q-value
 * (ties keep header order), `q=0` excluded, a region dropped (`de-CH` counts as `de`); `*` alone picks nothing,
 * so the account's saved language comes next. Undefined when nothing matches.
 */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranges: { locale: Locale; q: number; index: number }[] = [];
  const excluded = new Set<Locale>();
  const parts = header.slice(0, MAX_ACCEPT_LANGUAGE).split(",", MAX_RANGES);
  parts.forEach((part, index) => {
    const [range = "", ...params] = part.split(";");
    const locale = toLocale(range);
    if (!locale) return;
    const qParam = params.map((p) => p.trim()).find((p) => /^q=/i.test(p));
    const q = qParam === undefined ? 1 : /^q=(0(\.\d{0,3})?|1(\.0{0,3})?)$/i.test(qParam) ? Number(qParam.slice(2)) : Number.NaN;
    if (Number.isNaN(q)) return;
    if (q === 0) excluded.add(locale);
    else ranges.push({ locale, q, index });
  });
  ranges.sort((a, b) => b.q - a.q || a.index - b.index);
  return ranges.find((range) => !excluded.has(range.locale))?.locale;
}

/** What a request says about its language: the body's `locale` field, then its Accept-Language header. */
export interface LocalePreference {
  locale?: Locale;
  acceptLanguage?: string | null;
}

/** The language of a mail: the request's field, its Accept-Language, the account's saved language, the default. */
export function pickLocale(request: LocalePreference | undefined, saved: string | null | undefined, fallback: Locale): Locale {
  return requestLocale(request) ?? toLocale(saved) ?? fallback;
}

/** The language the request itself asks for (its field, then its Accept-Language), if any. */
export const requestLocale = (request: LocalePreference | undefined): Locale | undefined =>
  request?.locale ?? localeFromAcceptLanguage(request?.acceptLanguage);

/** Whether the request itself names a language (then the account's saved one is not needed). */
export const requestNamesLocale = (request: LocalePreference | undefined): boolean => requestLocale(request) !== undefined;
