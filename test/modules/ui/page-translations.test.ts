import { describe, expect, test } from "bun:test";
import { detailsOf } from "../../../src/errors";
import { AUTH_MESSAGES } from "../../../src/modules/auth/messages";
import { PASSWORD_MESSAGES } from "../../../src/modules/passwords/messages";
import { pageTexts, unmarkedTexts } from "../../support/page-texts";

const LANGUAGES = ["de", "fr", "es"] as const;
const dictionary = async (language: string): Promise<Record<string, string>> =>
  (await import(`../../../public/assets/locale-${language}.js`)).default;

/** Texts the API answers with, which the page shows as they come and translates when its dictionary has them. */
async function serverTexts(): Promise<Set<string>> {
  const texts = new Set<string>([...Object.values(AUTH_MESSAGES), ...Object.values(PASSWORD_MESSAGES)]);
  for (const area of ["account", "auth", "otp", "passwords", "mfa", "passkeys", "sessions", "http", "oauth"]) {
    const module = await import(`../../../src/errors/${area}.ts`);
    for (const catalogue of Object.values(module))
      for (const text of Object.values(detailsOf(catalogue as never))) texts.add(text as string);
  }
  for (const message of ["Passkey removed.", "Session ended.", "Two-step sign-in turned off."]) texts.add(message);
  return texts;
}

const placeholders = (text: string) => [...text.matchAll(/\{\w+\}/g)].map((match) => match[0]).sort();

describe("the page in German, French and Spanish", () => {
  test("every text of the page is translated in each language, with the same placeholders", async () => {
    const texts = await pageTexts();
    expect(texts.size).toBeGreaterThan(140);
    for (const language of LANGUAGES) {
      const words = await dictionary(language);
      const missing = [...texts].filter((text) => !words[text]?.trim());
      expect({ language, missing }).toEqual({ language, missing: [] });
      for (const [english, translated] of Object.entries(words)) {
        expect({ language, english, placeholders: placeholders(translated) }).toEqual({
          language,
          english,
          placeholders: placeholders(english),
        });
        if (english.replace(/\{\w+\}/g, "").length > 12)
          expect({ language, english, same: translated === english }).toEqual({ language, english, same: false });
      }
    }
  });

  test("a dictionary holds only texts the page or the API says: none is left behind when a text changes", async () => {
    const known = new Set([...(await pageTexts()), ...(await serverTexts())]);
    for (const language of LANGUAGES) {
      const stale = Object.keys(await dictionary(language)).filter((english) => !known.has(english));
      expect({ language, stale }).toEqual({ language, stale: [] });
    }
  });

  test("the scripts have no sentence for people that is not marked for translation", async () => {
    expect(await unmarkedTexts()).toEqual([]);
  });
});
