import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { CaughtMail } from "../../../src/mail/catcher";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";

// The language of a mail, over HTTP with real SMTP: the request's `locale`, then Accept-Language, then the
// account's saved language, then DEFAULT_LOCALE (French here, so that each step is told apart from English).
let h: Harness;
const PASSWORD = "correct horse battery";

const SUBJECTS = {
  en: / is your verification code$/,
  de: / ist Ihr Bestätigungscode$/,
  fr: / est votre code de vérification$/,
  es: / es tu código de verificación$/,
};
const languageOf = (mail: CaughtMail) =>
  (Object.entries(SUBJECTS).find(([, pattern]) => pattern.test(mail.subject))?.[0] ?? `unknown: ${mail.subject}`) as string;
const codeOf = (mail: CaughtMail) => /^(\d+) /.exec(mail.subject)![1]!;

async function savedLocale(email: string): Promise<string | null> {
  const [row] = await h.rows<{ locale: string | null }>(sql`select locale from users where email = ${email}`);
  return row!.locale;
}

/** Registers (with these body fields and headers) and returns the register mail. */
async function register(email: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await h.call("POST", "/auth/register", { email, password: PASSWORD, ...extra }, headers);
  expect(res.status).toBe(201);
  return { mail: await h.inbox.waitForMail(email, 1), otpToken: res.body.otp_token as string };
}

/** Registers, verifies and returns the address; the account's saved language is whatever registering saved. */
async function verifiedAccount(extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const email = uniqueEmail("locale");
  const { mail, otpToken } = await register(email, extra, headers);
  const verified = await h.call("POST", "/auth/verify-otp", { email, code: codeOf(mail), otp_token: otpToken });
  expect(verified.status).toBe(200);
  return email;
}

/** Asks for a reset code (mailed after the answer, past the resend cooldown) and returns its mail. */
async function forgot(email: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  h.clock.advance(61_000);
  const before = h.inbox.mailTo(email).length;
  expect((await h.call("POST", "/auth/password/forgot", { email, ...extra }, headers)).status).toBe(200);
  return h.inbox.waitForMail(email, before + 1);
}

describe.each(CORE_BACKENDS)("the language of mails (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend, env: { DEFAULT_LOCALE: "fr" } });
  });
  afterAll(() => h.close());

  test("the body's locale wins over Accept-Language; a regional tag counts as its language", async () => {
    const { mail } = await register(uniqueEmail(), { locale: "es-MX" }, { "accept-language": "de" });
    expect(languageOf(mail)).toBe("es");
    expect(mail.text).toContain("Introdúcelo para confirmar tu dirección de correo.");
  });

  test("without a body locale, Accept-Language decides by q-value", async () => {
    const { mail } = await register(uniqueEmail(), {}, { "accept-language": "it-IT, it;q=0.9, es;q=0.3, de;q=0.4" });
    expect(languageOf(mail)).toBe("de");
  });

  test("a locale we do not speak, or not a string at all, is ignored rather than refused", async () => {
    for (const locale of ["tlh", "x".repeat(500), 42, { de: true }]) {
      const email = uniqueEmail();
      const { mail } = await register(email, { locale }, { "accept-language": "es" });
      expect(languageOf(mail)).toBe("es");
    }
  });

  test("with nothing in the request, the account's saved language; with nothing saved, DEFAULT_LOCALE", async () => {
    const german = await verifiedAccount({ locale: "de" });
    expect(await savedLocale(german)).toBe("de");
    expect(languageOf(await forgot(german))).toBe("de");
    // The request still comes first.
    expect(languageOf(await forgot(german, {}, { "accept-language": "en-GB" }))).toBe("en");

    const unnamed = uniqueEmail();
    const { mail } = await register(unnamed);
    expect(languageOf(mail)).toBe("fr");
    expect(await savedLocale(unnamed)).toBeNull();
  });

  test("registering saves the request's language, from Accept-Language too", async () => {
    const email = await verifiedAccount({}, { "accept-language": "es-ES,es;q=0.9" });
    expect(await savedLocale(email)).toBe("es");
    expect(languageOf(await forgot(email))).toBe("es");
  });

  test("a sign-in that names a language saves it; Accept-Language alone changes nothing saved", async () => {
    const email = await verifiedAccount({ locale: "de" });
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD }, { "accept-language": "es" })).status).toBe(200);
    expect(await savedLocale(email)).toBe("de");
    expect((await h.call("POST", "/auth/login", { email, password: PASSWORD, locale: "en" })).status).toBe(200);
    expect(await savedLocale(email)).toBe("en");
    expect(languageOf(await forgot(email))).toBe("en");
  });

  test("notices follow the same order: the reset's password notice is in the account's language", async () => {
    const email = await verifiedAccount({ locale: "es" });
    const mail = await forgot(email);
    const reset = await h.call("POST", "/auth/password/reset", { email, code: codeOf(mail), new_password: "another good password" });
    expect(reset.status).toBe(200);
    const notice = await h.inbox.waitForMail(email, 3);
    expect(notice.subject).toBe("Tu contraseña ha cambiado");
    expect(notice.text).toContain("se ha restablecido con un código");
  });

  test("code sign-in and resend mail in the request's language", async () => {
    const email = await verifiedAccount({ locale: "de" });
    h.clock.advance(61_000);
    expect((await h.call("POST", "/auth/code/send", { email, locale: "fr" })).status).toBe(200);
    const mail = await h.inbox.waitForMail(email, 2);
    expect(languageOf(mail)).toBe("fr");
    expect(mail.text).toContain("Saisissez-le pour vous connecter.");
    const unverified = uniqueEmail();
    await register(unverified, { locale: "de" });
    h.clock.advance(61_000);
    expect((await h.call("POST", "/auth/resend-otp", { email: unverified }, { "accept-language": "es" })).status).toBe(200);
    expect(languageOf(await h.inbox.waitForMail(unverified, 2))).toBe("es");
  });
});
