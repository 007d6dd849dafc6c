import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { AUTH_MESSAGES } from "../../src/modules/auth/messages";
import { PASSWORD_MESSAGES } from "../../src/modules/passwords/messages";
import { OTP_MESSAGES as OTP_ERRORS } from "../../src/errors/otp";
import { browserSuite, saveScreens, storedTokens, waitUntilReady } from "../support/browser";
import { uniqueEmail } from "../support/env";

// Forgot password, reset with the mailed code, change password, and a log out that ends the session at the server.
const OLD = "correct horse battery";
const NEW = "a brand new passphrase";

const suite = browserSuite({ harness: { env: { OTP_RESEND_COOLDOWN_SECONDS: "2", OTP_MAX_ATTEMPTS: "3" } } });

const focusedId = (page: Page) => page.evaluate("document.activeElement && document.activeElement.id");
const stored = (page: Page) => storedTokens(page, suite.base);
/** The visible one: the reset step and the change form each have a "New password". */
const label = (page: Page, text: string) => page.getByLabel(text, { exact: true }).filter({ visible: true });
const heading = (page: Page, name: string) => page.getByRole("heading", { name, exact: true }).waitFor();
const me = (token: string) => fetch(`${suite.base}/auth/me`, { headers: { authorization: `Bearer ${token}` } });

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function expectSignedIn(page: Page, email: string) {
  await heading(page, "You're signed in");
  expect(await page.locator("#me-email").textContent()).toBe(email);
}

/** A fresh page signed in to `email` with the old password. */
async function openSignedIn(email: string) {
  const opened = await suite.open();
  await signIn(opened.page, email, OLD);
  await expectSignedIn(opened.page, email);
  return opened;
}

/** An account whose sign-up code is past the resend cooldown (on the server's clock), so a reset code can be sent. */
async function createUser(label: string) {
  const email = uniqueEmail(label);
  await suite.harness.createVerifiedUser(email, OLD);
  suite.harness.clock.advance(2000);
  return email;
}

/** From "Sign in" with the address typed: Forgot password? → Send code → the code step. */
async function requestReset(page: Page, email: string) {
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Forgot password?" }).click();
  await heading(page, "Reset your password");
  await page.getByRole("button", { name: "Send code" }).click();
  await heading(page, "Choose a new password");
}

describe("forgot password", () => {
  test("the mailed code and a new password: the new one signs in, the old one is refused", async () => {
    const email = await createUser("forgot");
    const { page, problems } = await suite.open();
    await page.getByLabel("Email address").fill(email);
    await page.getByRole("button", { name: "Forgot password?" }).click();
    await heading(page, "Reset your password");
    // The address carries over; the password and the tabs are gone.
    expect(await page.getByLabel("Email address").inputValue()).toBe(email);
    expect(await focusedId(page)).toBe("email");
    expect(await page.getByLabel("Password", { exact: true }).isHidden()).toBe(true);
    expect(await page.getByRole("tab", { name: "Create account" }).isHidden()).toBe(true);
    expect(await page.title()).toBe("Reset your password · otp-auth");
    await saveScreens(page, "40-forgot");

    await page.getByRole("button", { name: "Send code" }).click();
    await heading(page, "Choose a new password");
    expect(await page.locator("#code-status").textContent()).toBe(PASSWORD_MESSAGES.resetCodeSent);
    expect(await page.locator("#code-lead").textContent()).toContain(email);
    expect(await page.locator("#code-expiry").textContent()).toMatch(/^Code expires in \d:\d\d$/);
    expect(await label(page, "New password").getAttribute("autocomplete")).toBe("new-password");
    await suite.harness.inbox.waitForMail(email, 2); // the mail leaves after the answer
    await page.keyboard.type(suite.harness.inbox.latestCode(email));
    const password = label(page, "New password");
    await password.fill(NEW);
    expect(await page.locator("#reset-rules").getAttribute("class")).toContain("ok");
    await page.getByRole("button", { name: "Show new password" }).click();
    expect(await password.getAttribute("type")).toBe("text");
    await saveScreens(page, "41-reset-code");
    await page.emulateMedia({ colorScheme: "dark" });
    await saveScreens(page, "41-reset-code-dark");
    await page.emulateMedia({ colorScheme: "light" });

    await page.getByRole("button", { name: "Set new password" }).click();
    await heading(page, "Sign in");
    expect(await page.locator("#auth-status").textContent()).toBe(PASSWORD_MESSAGES.reset);
    expect(await page.getByLabel("Email address").inputValue()).toBe(email);
    expect(await focusedId(page)).toBe("password");
    await saveScreens(page, "42-reset-done");

    await page.getByLabel("Password", { exact: true }).fill(OLD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.locator("#auth-error").filter({ hasText: AUTH_MESSAGES.badCredentials }).waitFor();
    await signIn(page, email, NEW);
    await expectSignedIn(page, email);
    expect(problems).toEqual([]);
  });

  test("a wrong code shows the server's message and keeps the new password; used-up tries say so too", async () => {
    const email = await createUser("reset-wrong");
    const { page } = await suite.open();
    await requestReset(page, email);
    await suite.harness.inbox.waitForMail(email, 2);
    const right = suite.harness.inbox.latestCode(email);
    const wrong = right === "000000" ? "111111" : "000000";
    await page.keyboard.type(wrong);
    await label(page, "New password").fill(NEW);
    await page.getByRole("button", { name: "Set new password" }).click();
    const error = page.locator("#code-error");
    await error.filter({ hasText: OTP_ERRORS.invalid }).waitFor();
    expect(await error.getAttribute("aria-live")).toBe("assertive");
    expect(await page.locator("#code-boxes input").first().getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#code-boxes input").first().inputValue()).toBe("");
    expect(await label(page, "New password").inputValue()).toBe(NEW);
    await saveScreens(page, "43-reset-wrong-code");

    // OTP_MAX_ATTEMPTS is 3 here: the third wrong try uses the code up.
    for (let i = 0; i < 2; i++) {
      await page.keyboard.type(wrong);
      await page.keyboard.press("Enter");
      await page.locator("#code-submit").filter({ hasText: "Set new password" }).waitFor();
    }
    await error.filter({ hasText: OTP_ERRORS.exhausted }).waitFor();
    expect((await suite.harness.call("POST", "/auth/login", { email, password: OLD })).status).toBe(200);
  });

  test("a password too short is refused before anything is sent", async () => {
    const email = await createUser("reset-short");
    const { page } = await suite.open();
    await requestReset(page, email);
    await suite.harness.inbox.waitForMail(email, 2);
    await page.keyboard.type(suite.harness.inbox.latestCode(email));
    await page.keyboard.press("Enter");
    expect(await page.locator("#code-error").textContent()).toBe("Enter a new password.");
    expect(await focusedId(page)).toBe("reset-password");
    await page.keyboard.type("short");
    await page.keyboard.press("Enter");
    expect(await page.locator("#code-error").textContent()).toBe("Use at least 8 characters for your new password.");
    expect(await label(page, "New password").getAttribute("aria-invalid")).toBe("true");
    expect(suite.harness.inbox.mailTo(email)).toHaveLength(2); // no notice: nothing was reset
  });

  test("asking again within the cooldown: the server's message, and Send code counts down", async () => {
    const email = uniqueEmail("forgot-cooldown"); // no account: the page cannot tell, and neither can anyone
    const { page } = await suite.open();
    await requestReset(page, email);
    await page.getByRole("button", { name: "← Use a different email" }).click();
    await heading(page, "Reset your password");
    expect(await page.getByLabel("Email address").inputValue()).toBe(email);
    // The browser's clock runs; the server's fake clock stays inside its two-second cooldown.
    await page.getByRole("button", { name: "Send code" }).click();
    await page.locator("#auth-error").filter({ hasText: OTP_ERRORS.cooldown }).waitFor();
    const send = page.locator("#auth-submit");
    expect(await send.isDisabled()).toBe(true);
    expect(await send.textContent()).toMatch(/^Send code in 0:0[12]$/);
    expect(await focusedId(page)).toBe("email");
    await saveScreens(page, "44-forgot-cooldown");
    await send.filter({ hasText: /^Send code$/ }).waitFor({ timeout: 5000 });
    expect(await send.isEnabled()).toBe(true);
    await page.getByRole("button", { name: "← Back to sign in" }).click();
    await heading(page, "Sign in");
    expect(await focusedId(page)).toBe("forgot");
  });

  test("keyboard only: Forgot password?, the code, a new password, then sign in with it", async () => {
    const email = await createUser("forgot-keys");
    const { page } = await suite.open();
    const keys = page.keyboard;
    expect(await focusedId(page)).toBe("email");
    await keys.type(email);
    for (const id of ["password", "reveal", "forgot"]) {
      await keys.press("Tab");
      expect(await focusedId(page)).toBe(id);
    }
    await keys.press("Enter");
    await heading(page, "Reset your password");
    expect(await focusedId(page)).toBe("email");
    await keys.press("Enter");
    await heading(page, "Choose a new password");
    await suite.harness.inbox.waitForMail(email, 2);
    await keys.type(suite.harness.inbox.latestCode(email));
    await keys.press("Tab");
    expect(await focusedId(page)).toBe("reset-password");
    await keys.type(NEW);
    await keys.press("Enter");
    await heading(page, "Sign in");
    expect(await focusedId(page)).toBe("password");
    await keys.type(NEW);
    await keys.press("Enter");
    await expectSignedIn(page, email);
  });
});

describe("change password", () => {
  test("a wrong current password shows the message; then the change ends the other sessions", async () => {
    const email = uniqueEmail("change");
    const other = await suite.harness.signUp(email, OLD); // another device's session
    const { page, problems } = await openSignedIn(email);
    await page.getByRole("button", { name: "Change password" }).click();
    await heading(page, "Change password");
    expect(await focusedId(page)).toBe("current-password");
    expect(await page.title()).toBe("Change password · otp-auth");
    await saveScreens(page, "45-change-password");

    await label(page, "Current password").fill("not my password");
    await label(page, "New password").fill(NEW);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.locator("#change-error").filter({ hasText: PASSWORD_MESSAGES.wrongCurrent }).waitFor();
    expect(await label(page, "Current password").getAttribute("aria-invalid")).toBe("true");
    expect(await focusedId(page)).toBe("current-password");
    await saveScreens(page, "46-change-wrong-current");

    await label(page, "Current password").fill(OLD);
    await page.getByRole("button", { name: "Change password" }).click();
    await heading(page, "You're signed in");
    expect(await page.locator("#account-status").textContent()).toBe(PASSWORD_MESSAGES.changed);
    expect(await focusedId(page)).toBe("change");
    await saveScreens(page, "47-password-changed");

    // The other session is over; this one goes on.
    expect((await me(other.access_token)).status).toBe(401);
    expect((await me((await stored(page))!.access_token)).status).toBe(200);
    expect((await suite.harness.call("POST", "/auth/login", { email, password: OLD })).status).toBe(401);
    expect((await suite.harness.call("POST", "/auth/login", { email, password: NEW })).status).toBe(200);
    await page.reload();
    await waitUntilReady(page);
    await expectSignedIn(page, email);
    expect(problems).toEqual([]);
  });

  test("too short a new password is refused before sending; Back returns to the account", async () => {
    const email = uniqueEmail("change-short");
    await suite.harness.createVerifiedUser(email, OLD);
    const { page } = await openSignedIn(email);
    const changes: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/auth/password/change")) changes.push(request.method());
    });
    await page.getByRole("button", { name: "Change password" }).click();
    await label(page, "Current password").fill(OLD);
    await label(page, "New password").fill("short");
    await page.keyboard.press("Enter");
    expect(await page.locator("#change-error").textContent()).toBe("Use at least 8 characters for your new password.");
    expect(await focusedId(page)).toBe("new-password");
    expect(changes).toEqual([]);
    await page.getByRole("button", { name: "← Back to your account" }).click();
    await heading(page, "You're signed in");
    expect(await focusedId(page)).toBe("change");
    // The form forgets what was typed.
    await page.getByRole("button", { name: "Change password" }).click();
    expect(await label(page, "Current password").inputValue()).toBe("");
  });
});

describe("log out", () => {
  test("ends the session at the server: its access and refresh tokens stop working", async () => {
    const email = uniqueEmail("logout-server");
    await suite.harness.createVerifiedUser(email, OLD);
    const { page } = await openSignedIn(email);
    const tokens = (await stored(page))!;
    expect((await me(tokens.access_token)).status).toBe(200);
    await page.getByRole("button", { name: "Log out" }).click();
    await heading(page, "Sign in");
    expect(await page.locator("#auth-status").textContent()).toBe("You have been signed out.");
    expect(await stored(page)).toBeNull();
    expect((await me(tokens.access_token)).status).toBe(401);
    const refresh = await fetch(`${suite.base}/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: tokens.refresh_token }),
    });
    expect(refresh.status).toBe(401);
  });

  test("when the server cannot be reached, the tab forgets the tokens anyway and says so", async () => {
    const email = uniqueEmail("logout-offline");
    await suite.harness.createVerifiedUser(email, OLD);
    const { page } = await openSignedIn(email);
    const tokens = (await stored(page))!;
    await page.route("**/auth/logout", (route) => route.abort("internetdisconnected"));
    await page.getByRole("button", { name: "Log out" }).click();
    await heading(page, "Sign in");
    expect(await page.locator("#auth-status").textContent()).toContain("You are signed out on this device. The server could not be told");
    expect(await stored(page)).toBeNull();
    await saveScreens(page, "48-logout-offline");
    // The decision, stated: the session was not ended at the server, only forgotten here.
    expect((await me(tokens.access_token)).status).toBe(200);
  });
});
