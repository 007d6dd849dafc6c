import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { browserSuite, saveScreens } from "../support/browser";
import { uniqueEmail } from "../support/env";

const PASSWORD = "correct horse battery";

const suite = browserSuite();

async function signIn(page: Page, email: string) {
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "You're signed in" }).waitFor();
}

describe("the account's life on the page", () => {
  test("change of email: the code from the new address's mail switches it; the old address is told; other sessions end", async () => {
    const email = uniqueEmail("page-old");
    const other = await suite.harness.createVerifiedUser(email, PASSWORD); // another device's session
    const next = uniqueEmail("page-new");
    const { page, problems } = await suite.open();
    await signIn(page, email);
    await page.getByRole("button", { name: "Change email" }).click();
    await page.getByRole("heading", { name: "Change email" }).waitFor();
    await page.getByLabel("New email").fill(next);
    await page.locator("#view-email").getByLabel("Current password").fill(PASSWORD);
    await page.getByRole("button", { name: "Send code to the new address" }).click();
    await page.getByLabel("Code sent to the new address").waitFor();
    await saveScreens(page, "66-change-email");
    await suite.harness.inbox.waitForMail(next, 1);
    const notices = suite.harness.inbox.mailTo(email).length;
    await page.getByLabel("Code sent to the new address").fill(suite.harness.inbox.latestCode(next));
    await page.getByRole("button", { name: "Switch to the new address" }).click();
    await page.locator("#me-email").filter({ hasText: next }).waitFor();
    expect(await page.locator("#account-status").textContent()).toContain("Your email address has been changed");
    expect(notices).toBeGreaterThan(1); // the registration's code, then the notice of the change
    expect((await suite.harness.callAs(other, "GET", "/auth/me")).status).toBe(401);
    expect(problems).toEqual([]);
  });

  test("export: everything held about the person is downloaded as JSON, without secrets", async () => {
    const email = uniqueEmail("page-export");
    await suite.harness.createVerifiedUser(email, PASSWORD);
    const { page, problems } = await suite.open();
    await signIn(page, email);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download my data" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^otp-auth-export-\d{4}-\d{2}-\d{2}\.json$/);
    const text = await readFile((await file.path())!, "utf8");
    const data = JSON.parse(text);
    expect(data.profile.email).toBe(email);
    expect(data.sessions.length).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toMatch(/password_hash|refresh_token_hash|\$argon2/);
    await page.locator("#account-status").filter({ hasText: "Your data was downloaded." }).waitFor();
    expect(problems).toEqual([]);
  });

  test("delete, then sign in during the grace period and keep the account", async () => {
    const email = uniqueEmail("page-delete");
    await suite.harness.createVerifiedUser(email, PASSWORD);
    const { page, problems } = await suite.open();
    await signIn(page, email);
    await page.getByRole("button", { name: "Delete account" }).click();
    await page.getByRole("heading", { name: "Delete your account" }).waitFor();
    await saveScreens(page, "67-delete-account");
    await page.locator("#view-delete").getByLabel("Current password").fill(PASSWORD);
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.getByRole("heading", { name: "Sign in", exact: true }).waitFor();
    expect(await page.locator("#auth-status").textContent()).toMatch(
      /^Your account will be deleted on .+\. Sign in before then to keep it\.$/,
    );

    await signIn(page, email);
    await page.locator("#deletion-pending").waitFor();
    expect(await page.locator("#deletion-pending-text").textContent()).toMatch(/^Your account will be deleted on /);
    await saveScreens(page, "68-deletion-pending");
    await page.getByRole("button", { name: "Keep my account" }).click();
    await page.locator("#account-status").filter({ hasText: "The deletion of your account was cancelled." }).waitFor();
    expect(await page.locator("#deletion-pending").isHidden()).toBe(true);
    const token = (await suite.harness.logIn(email, PASSWORD)).access_token;
    expect((await suite.harness.callAs(token, "GET", "/auth/account/deletion")).body.delete_after).toBeNull();
    expect(problems).toEqual([]);
  });

  test("undo a deletion with the code from its notice, without signing in", async () => {
    const email = uniqueEmail("page-undo");
    const access = await suite.harness.createVerifiedUser(email, PASSWORD);
    const mails = suite.harness.inbox.mailTo(email).length;
    expect((await suite.harness.callAs(access, "POST", "/auth/account/delete", { password: PASSWORD })).status).toBe(202);
    const notice = await suite.harness.inbox.waitForMail(email, mails + 1);
    const code = /code: ([A-Za-z0-9_-]{16,})/.exec(notice.text)?.[1];
    expect(code).toBeString();

    const { page, problems } = await suite.open();
    await page.getByRole("button", { name: "Undo a change with a code from an email" }).click();
    await page.getByRole("heading", { name: "Undo a change" }).waitFor();
    expect(await page.getByLabel("The deletion of my account").isChecked()).toBe(true);
    await page.getByLabel("Code from the email").fill("not-the-code-0123456789");
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    await page.locator("#undo-error.shown").waitFor();
    await page.getByLabel("Code from the email").fill(code!);
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    await page.getByRole("heading", { name: "Sign in", exact: true }).waitFor();
    expect(await page.locator("#auth-status").textContent()).toBe("The deletion of your account was cancelled.");
    const token = (await suite.harness.logIn(email, PASSWORD)).access_token;
    expect((await suite.harness.callAs(token, "GET", "/auth/account/deletion")).body.delete_after).toBeNull();

    // A notice's link brings its code in the address's fragment: the form is filled, and the code leaves the address.
    await page.goto(`${suite.base}/#undo-email=${"A".repeat(24)}`);
    await page.getByRole("heading", { name: "Undo a change" }).waitFor();
    expect(await page.getByLabel("The change of my email").isChecked()).toBe(true);
    expect(await page.getByLabel("Code from the email").inputValue()).toBe("A".repeat(24));
    expect(new URL(page.url()).hash).toBe("");
    expect(problems).toEqual([]);
  });
});
