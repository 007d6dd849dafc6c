import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { accessibilityProblems } from "../support/accessibility";
import { addVirtualAuthenticator, browserSuite, openPage } from "../support/browser";
import { uniqueEmail } from "../support/env";

const PASSWORD = "correct horse battery";
const suite = browserSuite();

/** axe-core's findings on the screen now showing, named by `screen` so a failure says where. */
async function expectAccessible(page: Page, screen: string) {
  expect({ screen, problems: await accessibilityProblems(page) }).toEqual({ screen, problems: [] });
}

describe("the page's screens pass axe-core (WCAG 2.1 A/AA and best practices)", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    test(`every screen, ${colorScheme}`, async () => {
      const email = uniqueEmail(`page-axe-${colorScheme}`);
      await suite.harness.createVerifiedUser(email, PASSWORD);
      const { page, context, problems } = await openPage(suite.browser, `${suite.base.replace("127.0.0.1", "localhost")}/`, {
        before: (page) => page.emulateMedia({ colorScheme }),
      });
      await addVirtualAuthenticator(context, page);
      await expectAccessible(page, "sign in");
      await page.getByRole("tab", { name: "Create account" }).click();
      await expectAccessible(page, "create account");
      await page.getByRole("tab", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Undo a change with a code from an email" }).click();
      await expectAccessible(page, "undo");
      await page.getByRole("button", { name: "← Back to sign in" }).last().click();

      await page.getByLabel("Email address").fill(email);
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByText("Sign in faster next time").waitFor();
      await expectAccessible(page, "account with the passkey offer");
      await page.getByRole("button", { name: "Security" }).click();
      await page.getByRole("button", { name: "Set up an authenticator app" }).click();
      await page.getByLabel("Code from the app").waitFor();
      await expectAccessible(page, "security with the authenticator app being set up");
      await page.getByRole("button", { name: "← Back to your account" }).last().click();
      for (const [button, heading] of [
        ["Signed-in devices", "Signed-in devices"],
        ["Change email", "Change email"],
        ["Delete account", "Delete your account"],
        ["Change password", "Change password"],
      ] as const) {
        await page.getByRole("button", { name: button, exact: true }).click();
        await page.getByRole("heading", { name: heading }).waitFor();
        await expectAccessible(page, heading);
        await page.locator("section:not([hidden]) .back").click();
        await page.getByRole("heading", { name: "You're signed in" }).waitFor();
      }
      await context.close();
      expect(problems).toEqual([]);
    });
  }
});
