import { describe, expect, test } from "bun:test";
import { localeFromAcceptLanguage, pickLocale, toLocale } from "../../src/lib/locale";

describe("toLocale", () => {
  test("reduces a BCP-47 tag to a language we speak, and ignores everything else", () => {
    expect(toLocale("de")).toBe("de");
    expect(toLocale("de-AT")).toBe("de");
    expect(toLocale("FR_ca")).toBe("fr");
    expect(toLocale(" es-419 ")).toBe("es");
    expect(toLocale("en-Latn-GB")).toBe("en");
    for (const ignored of ["it", "xx", "", "d", "deu-x", "<script>", "de;q=1", 42, null, undefined, {}, "de".repeat(40)])
      expect(toLocale(ignored)).toBeUndefined();
  });
});

describe("localeFromAcceptLanguage", () => {
  test("takes the highest q-value, ties in header order", () => {
    expect(localeFromAcceptLanguage("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5")).toBe("fr");
    expect(localeFromAcceptLanguage("es;q=0.5, de;q=0.9")).toBe("de");
    expect(localeFromAcceptLanguage("de;q=0.8, es;q=0.8")).toBe("de");
    expect(localeFromAcceptLanguage("en;q=0.1,de")).toBe("de");
  });

  test("skips languages we do not speak, q=0 and malformed q-values", () => {
    expect(localeFromAcceptLanguage("it-IT, it;q=0.9, es;q=0.2")).toBe("es");
    expect(localeFromAcceptLanguage("de;q=0, fr;q=0.1")).toBe("fr");
    expect(localeFromAcceptLanguage("de;q=2, es;q=abc, fr;q=0.5")).toBe("fr");
    expect(localeFromAcceptLanguage("de-DE;q=0.9, de;q=0")).toBeUndefined();
  });

  test("nothing usable is undefined, never an error", () => {
    for (const header of [null, undefined, "", "*", "it, pt-BR", ";;;,,,", "q=1", "x".repeat(10_000)])
      expect(localeFromAcceptLanguage(header)).toBeUndefined();
  });
});

describe("pickLocale", () => {
  test("the request's field, then Accept-Language, then the saved language, then the default", () => {
    expect(pickLocale({ locale: "es", acceptLanguage: "de" }, "fr", "en")).toBe("es");
    expect(pickLocale({ acceptLanguage: "de" }, "fr", "en")).toBe("de");
    expect(pickLocale({ acceptLanguage: "it" }, "fr", "en")).toBe("fr");
    expect(pickLocale({}, null, "de")).toBe("de");
    expect(pickLocale(undefined, "nonsense", "es")).toBe("es");
  });
});
