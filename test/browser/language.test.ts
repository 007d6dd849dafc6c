import { describe, expect, test } from "bun:test";
import { browserSuite, saveScreens, waitUntilReady } from "../support/browser";
import { uniqueEmail } from "../support/env";

const suite = browserSuite();

/** The page in a browser whose languages are `languages` (what navigator.languages and Accept-Language say). */
async function openIn(locale: string) {
  const context = await suite.browser.newContext({ locale });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await page.goto(`${suite.base}/`);
  await waitUntilReady(page);
  return { context, page, problems };
}

describe("the page's language", () => {
  test("follows the browser's language, switches on request and remembers it; a code step and its mail follow", async () => {
    const { context, page, problems } = await openIn("de-DE");
    expect(await page.getAttribute("html", "lang")).toBe("de");
    await page.getByRole("heading", { name: "Anmelden" }).waitFor();
    expect(await page.getByLabel("E-Mail-Adresse").isVisible()).toBe(true);
    expect(await page.locator("#language").inputValue()).toBe("de");
    expect(await page.title()).toBe("Anmelden · otp-auth");
    await saveScreens(page, "70-language-de");

    await page.getByLabel("Sprache").selectOption("fr");
    await page.getByRole("heading", { name: "Se connecter" }).waitFor();
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    await page.getByRole("tab", { name: "Créer un compte" }).click();
    await page.getByRole("heading", { name: "Créez votre compte" }).waitFor();
    expect(await page.locator("#password-rules").textContent()).toBe("Utilisez de 8 à 128 caractères.");
    // A check of the page's own, and a message of the server's, both in French.
    await page.getByRole("button", { name: "Créer un compte", exact: true }).click();
    expect(await page.locator("#auth-error").textContent()).toBe("Saisissez votre adresse e-mail.");

    await page.reload();
    await waitUntilReady(page);
    await page.getByRole("heading", { name: "Se connecter" }).waitFor();
    const email = uniqueEmail("page-fr");
    await page.getByRole("tab", { name: "Créer un compte" }).click();
    await page.getByLabel("Adresse e-mail").fill(email);
    await page.getByLabel("Mot de passe", { exact: true }).fill("correct horse battery");
    await page.getByRole("button", { name: "Créer un compte", exact: true }).click();
    await page.getByRole("heading", { name: "Consultez vos e-mails" }).waitFor();
    expect(await page.locator("#code-lead").textContent()).toBe(
      `Saisissez le code à 6 chiffres envoyé à ${email} pour confirmer votre adresse.`,
    );
    expect(await page.locator("#code-status").textContent()).toBe("Le code de vérification a été envoyé à votre adresse e-mail.");
    expect(await page.getByLabel("Chiffre 1 sur 6").isVisible()).toBe(true);
    await saveScreens(page, "71-language-fr-code");
    const mail = await suite.harness.inbox.waitForMail(email, 1);
    expect(mail.subject).toEndWith("est votre code de vérification");

    await page.keyboard.type(suite.harness.inbox.latestCode(email));
    await page.getByRole("button", { name: "Vérifier" }).click();
    await page.getByRole("heading", { name: "Vous êtes connecté" }).waitFor();
    expect(await page.locator("#me-email").textContent()).toBe(email);
    expect(await page.title()).toBe("Votre compte · otp-auth");
    expect(await page.getByRole("button", { name: "Se déconnecter" }).isVisible()).toBe(true);
    await context.close();
    expect(problems).toEqual([]);
  });

  test("Spanish from a browser in Spanish; English for a language the page does not speak", async () => {
    const spanish = await openIn("es-MX");
    await spanish.page.getByRole("heading", { name: "Iniciar sesión" }).waitFor();
    expect(await spanish.page.getByRole("button", { name: "¿Olvidaste tu contraseña?" }).isVisible()).toBe(true);
    await spanish.context.close();
    const japanese = await openIn("ja-JP");
    await japanese.page.getByRole("heading", { name: "Sign in", exact: true }).waitFor();
    expect(await japanese.page.getAttribute("html", "lang")).toBe("en");
    await japanese.context.close();
  });
});
