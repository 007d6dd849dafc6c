import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { AUTH_MESSAGES } from "../../src/modules/auth/messages";
import { browserSuite, saveScreens, storedTokens, waitUntilReady } from "../support/browser";
import { uniqueEmail } from "../support/env";

const PASSWORD = "correct horse battery";

const suite = browserSuite({ harness: { env: { OTP_RESEND_COOLDOWN_SECONDS: "2" } } });

const focusedId = (page: Page) => page.evaluate("document.activeElement && document.activeElement.id");

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function expectSignedIn(page: Page, email: string) {
  await page.getByRole("heading", { name: "You're signed in" }).waitFor();
  expect(await page.locator("#me-email").textContent()).toBe(email);
}

describe("signing in on the page", () => {
  test("a verified user signs in and sees who they are; the tab keeps both tokens", async () => {
    const email = uniqueEmail("login");
    await suite.harness.createVerifiedUser(email);
    const { page, problems } = await suite.open();
    await signIn(page, email);
    await expectSignedIn(page, email);
    expect(await page.locator("#me-provider").textContent()).toBe("Email and password");
    expect(await page.title()).toBe("Your account · otp-auth");
    const stored = (await storedTokens(page, suite.base))!;
    expect((await suite.harness.callAs(stored.access_token, "GET", "/auth/me")).body.email).toBe(email);
    expect(stored.refresh_token).toBeString();
    expect(stored.renew_at).toBeGreaterThan(Date.now());
    expect(await focusedId(page)).toBe("account-title");
    expect(problems).toEqual([]);
  });

  test("a wrong password shows the server's detail and marks the password field", async () => {
    const email = uniqueEmail("wrong-password");
    await suite.harness.createVerifiedUser(email);
    const { page } = await suite.open();
    await signIn(page, email, "not the right password");
    const error = page.locator("#auth-error");
    await error.filter({ hasText: AUTH_MESSAGES.badCredentials }).waitFor();
    expect(await page.getByLabel("Password", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await focusedId(page)).toBe("password");
    await saveScreens(page, "10-wrong-password");
  });

  test("the re-check: when the server answers otp_required the page asks for the mailed code, then signs in", async () => {
    const email = uniqueEmail("recheck");
    await suite.harness.createVerifiedUser(email);
    // The last code check is now older than ACCESS_TOKEN_EXPIRE_MINUTES on the server's clock.
    suite.harness.clock.advance((suite.harness.config.ACCESS_TOKEN_EXPIRE_MINUTES + 1) * 60_000);
    const { page } = await suite.open();
    await signIn(page, email);
    await page.getByRole("heading", { name: "Confirm it's you" }).waitFor();
    expect(await page.locator("#code-status").textContent()).toBe(AUTH_MESSAGES.recheckRequired);
    expect(await page.locator("#code-lead").textContent()).toContain(email);
    expect(await focusedId(page)).toBe(""); // the first code box, which has no id
    await saveScreens(page, "11-recheck");
    expect(suite.harness.inbox.mailTo(email)).toHaveLength(2);
    await page.keyboard.type(suite.harness.inbox.latestCode(email));
    await page.keyboard.press("Enter");
    await expectSignedIn(page, email);
  });

  test("an unverified account is sent to the code step, where it asks for a code and verifies", async () => {
    const email = uniqueEmail("unverified");
    expect((await suite.harness.call("POST", "/auth/register", { email, password: PASSWORD })).status).toBe(201);
    const { page } = await suite.open();
    await signIn(page, email);
    await page.getByRole("heading", { name: "Verify your email" }).waitFor();
    expect(await page.locator("#code-status").textContent()).toBe(AUTH_MESSAGES.notVerified);
    const send = page.getByRole("button", { name: "Send code" });
    expect(await send.isEnabled()).toBe(true);
    suite.harness.clock.advance(2000); // past the cooldown of the registration mail
    await send.click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    expect(suite.harness.inbox.mailTo(email)).toHaveLength(2);
    await page.keyboard.type(suite.harness.inbox.latestCode(email));
    await page.keyboard.press("Enter");
    await expectSignedIn(page, email);
  });

  test("the session survives a reload of the tab, not a new tab; log out forgets the token", async () => {
    const email = uniqueEmail("logout");
    await suite.harness.createVerifiedUser(email);
    const { page, context } = await suite.open();
    await signIn(page, email);
    await expectSignedIn(page, email);
    await page.reload();
    await waitUntilReady(page);
    await expectSignedIn(page, email);

    const other = await context.browser()!.newContext();
    const otherPage = await other.newPage();
    await otherPage.goto(`${suite.base}/`);
    await waitUntilReady(otherPage);
    expect(await otherPage.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
    await other.close();

    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.locator("#auth-status").textContent()).toBe("You have been signed out.");
    expect(await storedTokens(page, suite.base)).toBeNull();
    expect(await page.getByLabel("Email address").inputValue()).toBe(email);
    await saveScreens(page, "12-signed-out");
    await page.reload();
    await waitUntilReady(page);
    expect(await page.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
  });

  test("a copy of a signed-in tab starts signed out and leaves the session to the tab it came from", async () => {
    const email = uniqueEmail("copied-tab");
    await suite.harness.createVerifiedUser(email);
    const { page, context, problems } = await suite.open();
    await signIn(page, email);
    await expectSignedIn(page, email);
    const original = (await storedTokens(page, suite.base))!;
    const tabId = (tab: Page) => tab.evaluate(() => sessionStorage.getItem("otp-auth:tab"));
    const originalTab = await tabId(page);
    expect(originalTab).toMatch(/^[0-9a-f-]{36}$/);

    // window.open copies the opener's sessionStorage, as duplicating a tab does: tokens and tab id included.
    const [copy] = await Promise.all([context.waitForEvent("page"), page.evaluate("window.open(location.href) && true")]);
    await waitUntilReady(copy);
    await copy.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await copy.locator("#auth-status").textContent()).toContain("copied from a signed-in tab");
    expect(await storedTokens(copy, suite.base)).toBeNull();
    await saveScreens(copy, "14-copied-tab");
    const copyTab = await tabId(copy);
    expect(copyTab).not.toBe(originalTab);

    // The copy never presented the original's refresh token: that session goes on, and the copy gets its own.
    expect((await suite.harness.callAs(original.access_token, "GET", "/auth/me")).status).toBe(200);
    await signIn(copy, email);
    await expectSignedIn(copy, email);
    const own = (await storedTokens(copy, suite.base))!;
    expect(own.refresh_token).not.toBe(original.refresh_token);
    const refreshed = await suite.harness.call("POST", "/auth/refresh", { refresh_token: original.refresh_token });
    expect(refreshed.status).toBe(200);
    expect((await suite.harness.callAs(own.access_token, "GET", "/auth/me")).status).toBe(200);

    // A reload, or leaving the page and coming back, is the same tab, not a copy.
    await copy.reload();
    await waitUntilReady(copy);
    await expectSignedIn(copy, email);
    await copy.goto(`${suite.base}/docs`);
    await copy.goBack();
    await expectSignedIn(copy, email);
    await copy.goto(`${suite.base}/docs`);
    await copy.goto(`${suite.base}/`);
    await waitUntilReady(copy);
    await expectSignedIn(copy, email);
    expect(await tabId(copy)).toBe(copyTab);
    expect(problems).toEqual([]);
    await context.close();
  });

  test("keyboard only: create an account, enter the code, log out, sign in again", async () => {
    const email = uniqueEmail("keyboard");
    const { page } = await suite.open();
    const keys = page.keyboard;
    expect(await focusedId(page)).toBe("email");
    await keys.press("Shift+Tab");
    expect(await focusedId(page)).toBe("tab-login");
    await keys.press("ArrowRight");
    expect(await focusedId(page)).toBe("tab-register");
    expect(await page.getByRole("heading", { name: "Create your account" }).isVisible()).toBe(true);
    await keys.press("Tab");
    expect(await focusedId(page)).toBe("email");
    await keys.type(email);
    await keys.press("Tab");
    expect(await focusedId(page)).toBe("password");
    await keys.type(PASSWORD);
    await keys.press("Tab");
    expect(await focusedId(page)).toBe("reveal");
    await keys.press("Tab");
    expect(await focusedId(page)).toBe("auth-submit");
    await saveScreens(page, "13-keyboard-focus");
    await keys.press("Enter");
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    await keys.type(suite.harness.inbox.latestCode(email));
    await keys.press("Enter");
    await expectSignedIn(page, email);
    expect(await focusedId(page)).toBe("account-title");
    // The account's buttons, in reading order.
    for (const id of ["security", "devices", "change", "email-change", "export", "delete", "logout"]) {
      await keys.press("Tab");
      expect(await focusedId(page)).toBe(id);
    }
    await keys.press("Enter");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    // The address is kept; focus waits in the password field.
    expect(await focusedId(page)).toBe("password");
    await keys.type(PASSWORD);
    await keys.press("Enter");
    await expectSignedIn(page, email);
  });
});
