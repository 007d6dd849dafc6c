import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { ACCOUNT_ERRORS } from "../../src/errors/account";
import { AUTH_MESSAGES } from "../../src/modules/auth/messages";
import { browserSuite, saveScreens, storedTokens } from "../support/browser";
import { uniqueEmail } from "../support/env";

const suite = browserSuite({ harness: { env: { OTP_RESEND_COOLDOWN_SECONDS: "2" } } });

/** From the sign-in screen to the code step, by the "Email me a code" option. */
async function askForCode(page: Page, email: string) {
  await page.getByRole("button", { name: "Email me a code instead" }).click();
  await page.getByRole("heading", { name: "Sign in with a code" }).waitFor();
  expect(await page.getByLabel("Password", { exact: true }).isVisible()).toBe(false);
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a code", exact: true }).click();
}

describe("signing in with an emailed code on the page", () => {
  test("email, then the code from the inbox in the code boxes: signed in, with no password typed", async () => {
    const email = uniqueEmail("page-code");
    await suite.harness.createVerifiedUser(email);
    suite.harness.clock.advance(2000); // past the registration mail's cooldown
    const { page, problems } = await suite.open();
    await askForCode(page, email);
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    expect(await page.locator("#code-status").textContent()).toBe(AUTH_MESSAGES.codeSent);
    expect(await page.locator("#code-lead").textContent()).toContain(`${email} to sign in`);
    await saveScreens(page, "15-code-sign-in");
    expect(suite.harness.inbox.mailTo(email)).toHaveLength(2);
    await page.keyboard.type(suite.harness.inbox.latestCode(email));
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "You're signed in" }).waitFor();
    expect(await page.locator("#me-email").textContent()).toBe(email);
    const stored = (await storedTokens(page, suite.base))!;
    expect((await suite.harness.callAs(stored.access_token, "GET", "/auth/me")).body.email).toBe(email);
    expect(problems).toEqual([]);
  });

  test("a resent code works, a wrong one is refused in place, and an unknown address is told", async () => {
    const email = uniqueEmail("page-code-resend");
    await suite.harness.createVerifiedUser(email);
    suite.harness.clock.advance(2000);
    const { page } = await suite.open();
    await askForCode(page, email);
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    const first = suite.harness.inbox.latestCode(email);
    await page.keyboard.type(first === "000000" ? "111111" : "000000");
    await page.keyboard.press("Enter");
    await page.locator("#code-error").filter({ hasText: "Invalid or expired" }).waitFor();

    suite.harness.clock.advance(2000);
    await page.getByRole("button", { name: "Resend code" }).click({ timeout: 10_000 });
    await page.locator("#code-status").filter({ hasText: AUTH_MESSAGES.codeSent }).waitFor();
    expect(suite.harness.inbox.mailTo(email)).toHaveLength(3);
    await page.keyboard.type(suite.harness.inbox.latestCode(email));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "You're signed in" }).waitFor();

    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await askForCode(page, uniqueEmail("page-code-nobody"));
    await page.locator("#auth-error").filter({ hasText: ACCOUNT_ERRORS.userNotFound.detail }).waitFor();
    await page.getByRole("button", { name: "← Back to sign in" }).click();
    await page.getByRole("heading", { name: "Sign in", exact: true }).waitFor();
    expect(await page.getByLabel("Password", { exact: true }).isVisible()).toBe(true);
  });
});
