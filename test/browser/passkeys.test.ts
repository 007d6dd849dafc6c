import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { addVirtualAuthenticator, browserSuite, openPage, saveScreens } from "../support/browser";
import { uniqueEmail } from "../support/env";
import { STEP_MS, totpAt } from "../modules/mfa/support";

const PASSWORD = "correct horse battery";

const suite = browserSuite();

/**
 * The page on `localhost` (browsers refuse IP addresses as a passkey's relying party), with Chromium's virtual
 * authenticator: a platform authenticator that holds discoverable credentials and verifies its user.
 */
async function openWithAuthenticator() {
  const opened = await openPage(suite.browser, `${suite.base.replace("127.0.0.1", "localhost")}/`);
  const { credentials } = await addVirtualAuthenticator(opened.context, opened.page);
  return { ...opened, credentials };
}

async function signIn(page: Page, email: string) {
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

const signedIn = (page: Page) => page.getByRole("heading", { name: "You're signed in" }).waitFor();

async function logOut(page: Page) {
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Sign in", exact: true }).waitFor();
}

describe("passkeys on the page", () => {
  test("offered after a password sign-in: add one, sign out, sign in with it alone, then remove it", async () => {
    const email = uniqueEmail("page-passkey");
    await suite.harness.createVerifiedUser(email, PASSWORD);
    const { page, problems, credentials } = await openWithAuthenticator();
    await signIn(page, email);
    await signedIn(page);
    await page.getByText("Sign in faster next time").waitFor();
    await saveScreens(page, "60-passkey-offer");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.locator("#account-status").filter({ hasText: "Passkey added" }).waitFor();
    expect(await page.locator("#passkey-offer").isHidden()).toBe(true);
    expect(await credentials()).toHaveLength(1);
    expect((await credentials())[0]!.isResidentCredential).toBe(true);

    await logOut(page);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await signedIn(page);
    expect(await page.locator("#me-email").textContent()).toBe(email);
    expect(await page.locator("#account-status").textContent()).toBe("Signed in with a passkey.");

    await page.getByRole("button", { name: "Security" }).click();
    await page.getByRole("heading", { name: "Security" }).waitFor();
    const rows = page.locator("#passkey-list li");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("last used");
    await saveScreens(page, "61-security-passkeys");
    page.once("dialog", (dialog) => dialog.accept("Test laptop"));
    await page.getByRole("button", { name: /^Rename / }).click();
    await page.locator("#passkey-list li strong").filter({ hasText: "Test laptop" }).waitFor();
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Remove Test laptop" }).click();
    await page.locator("#passkey-list").filter({ hasText: "No passkeys yet." }).waitFor();

    // The authenticator still holds it, but the service no longer knows it.
    await page.getByRole("button", { name: "← Back to your account" }).click();
    await logOut(page);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.locator("#auth-error").filter({ hasText: "This passkey could not sign you in." }).waitFor();
    expect(problems).toEqual([]);
  });

  test("the authenticator app: QR code drawn in the page, recovery codes shown once, then a sign-in asks for a code", async () => {
    const email = uniqueEmail("page-totp");
    await suite.harness.createVerifiedUser(email, PASSWORD);
    const { page, problems } = await openWithAuthenticator();
    await signIn(page, email);
    await signedIn(page);
    await page.getByRole("button", { name: "Not now" }).click();
    await page.getByRole("button", { name: "Security" }).click();
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    await page.getByLabel("Code from the app").waitFor();
    const secret = (await page.locator("#totp-secret").textContent())!.replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // Drawn here, from the otpauth:// URI: dark and light modules on the canvas, no image fetched from anywhere.
    const shades = await page.evaluate<{ dark: number; total: number; width: number }>(`(() => {
      const canvas = document.getElementById("totp-qr");
      const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let dark = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0 && pixels[i] < 128) dark++;
      return { dark, total: pixels.length / 4, width: canvas.width };
    })()`);
    expect(shades.width).toBeGreaterThan(20);
    expect(shades.dark).toBeGreaterThan(shades.total / 5);
    expect(shades.dark).toBeLessThan(shades.total * 0.8);
    await saveScreens(page, "62-security-totp-setup");

    await page.getByLabel("Code from the app").fill(totpAt(suite.harness, secret));
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.getByRole("heading", { name: "Your recovery codes" }).waitFor();
    const codes = await page.locator("#recovery-codes li").allTextContents();
    expect(codes).toHaveLength(10);
    await saveScreens(page, "63-security-recovery-codes");
    await page.getByRole("button", { name: "I have saved them" }).click();
    expect(await page.locator("#recovery-codes li").count()).toBe(0);
    expect(await page.locator("#totp-state").textContent()).toContain("10 recovery codes left");

    await page.getByRole("button", { name: "← Back to your account" }).click();
    await logOut(page);
    await signIn(page, email);
    await page.getByRole("heading", { name: "Two-step verification" }).waitFor();
    await saveScreens(page, "64-mfa-step");
    await page.getByLabel("Authentication code").fill("000000" === totpAt(suite.harness, secret, 1) ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.locator("#mfa-error").filter({ hasText: "Invalid authenticator or recovery code." }).waitFor();
    suite.harness.clock.advance(STEP_MS); // the confirming code's step is used up
    await page.getByLabel("Authentication code").fill(totpAt(suite.harness, secret));
    await page.getByRole("button", { name: "Verify" }).click();
    await signedIn(page);

    // A recovery code works once; then the app is turned off with another.
    await logOut(page);
    await signIn(page, email);
    await page.getByLabel("Authentication code").fill(codes[0]!);
    await page.getByRole("button", { name: "Verify" }).click();
    await signedIn(page);
    await page.getByRole("button", { name: "Security" }).click();
    await page.getByLabel("Current code or a recovery code").fill(codes[0]!);
    await page.getByRole("button", { name: "Turn off" }).click();
    await page.locator("#totp-off-error").filter({ hasText: "Invalid authenticator or recovery code." }).waitFor();
    await page.getByLabel("Current code or a recovery code").fill(codes[1]!);
    await page.getByRole("button", { name: "Turn off" }).click();
    await page.locator("#security-status").filter({ hasText: "Two-step sign-in turned off." }).waitFor();
    expect(await page.getByRole("button", { name: "Set up an authenticator app" }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  test("with the authenticator app on, the second step offers a passkey, which signs in without the code", async () => {
    const email = uniqueEmail("page-mfa-passkey");
    const access = await suite.harness.createVerifiedUser(email, PASSWORD);
    const { page } = await openWithAuthenticator();
    await signIn(page, email);
    await signedIn(page);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.locator("#account-status").filter({ hasText: "Passkey added" }).waitFor();
    const enrolled = await suite.harness.callAs(access, "POST", "/auth/mfa/totp/enroll");
    await suite.harness.callAs(access, "POST", "/auth/mfa/totp/confirm", { code: totpAt(suite.harness, enrolled.body.secret) });
    await logOut(page);
    await signIn(page, email);
    await page.getByRole("heading", { name: "Two-step verification" }).waitFor();
    await page.getByRole("button", { name: "Use a passkey instead" }).click();
    await signedIn(page);
    expect(await page.locator("#me-email").textContent()).toBe(email);
  });
});
