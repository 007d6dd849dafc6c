import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { AUTH_MESSAGES } from "../../src/modules/auth/messages";
import { OTP_MESSAGES as OTP_ERRORS } from "../../src/errors/otp";
import { browserSuite, saveScreens } from "../support/browser";
import { uniqueEmail } from "../support/env";

const PASSWORD = "correct horse battery";

const suite = browserSuite({ harness: { env: { OTP_RESEND_COOLDOWN_SECONDS: "2", OTP_EXPIRE_SECONDS: "300" } } });

/** Switches to "Create account", fills the form and submits it; waits for the code step. */
async function register(page: Page, email: string) {
  await page.getByRole("tab", { name: "Create account" }).click();
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
  await page.getByRole("heading", { name: "Check your email" }).waitFor();
}

const codeBoxes = (page: Page) => page.getByRole("group", { name: "Verification code" }).getByRole("textbox");
const codeValues = async (page: Page) => Promise.all((await codeBoxes(page).all()).map((box) => box.inputValue()));

async function expectSignedIn(page: Page, email: string) {
  await page.getByRole("heading", { name: "You're signed in" }).waitFor();
  expect(await page.locator("#me-email").textContent()).toBe(email);
}

describe("the page, served by the API at /", () => {
  test("draws the sign-in form from /auth/config with labelled fields, and no CSP refusal", async () => {
    const { page, problems } = await suite.open();
    expect(await page.title()).toBe("Sign in · otp-auth");
    await expect(page.getByLabel("Email address").getAttribute("type")).resolves.toBe("email");
    await expect(page.getByLabel("Password", { exact: true }).getAttribute("type")).resolves.toBe("password");
    expect(await page.locator("#code-boxes input").count()).toBe(6); // OTP_LENGTH, on the (hidden) code step
    // No OAuth provider and no mail catcher in this configuration: neither is offered.
    expect(await page.locator("#oauth").isHidden()).toBe(true);
    expect(await page.locator("#mailbox-link").isHidden()).toBe(true);
    expect(await page.locator("#api-host").textContent()).toBe(new URL(suite.base).host);
    await saveScreens(page, "01-sign-in");
    await page.emulateMedia({ colorScheme: "dark" });
    await saveScreens(page, "01-sign-in-dark");
    expect(problems).toEqual([]);
  });

  test("shows the password rules before submitting, and the show/hide toggle reveals the password", async () => {
    const { page } = await suite.open();
    expect(await page.locator("#password-rules").isHidden()).toBe(true);
    await page.getByRole("tab", { name: "Create account" }).click();
    const rules = page.locator("#password-rules");
    expect(await rules.isVisible()).toBe(true);
    expect(await rules.textContent()).toMatch(/Use 8 to\s+128 characters\./);
    const password = page.getByLabel("Password", { exact: true });
    expect(await password.getAttribute("autocomplete")).toBe("new-password");
    await password.fill("short");
    expect(await rules.getAttribute("class")).not.toContain("ok");
    await password.fill(PASSWORD);
    expect(await rules.getAttribute("class")).toContain("ok");
    await page.getByRole("button", { name: "Show password" }).click();
    expect(await password.getAttribute("type")).toBe("text");
    await page.getByRole("button", { name: "Hide password" }).click();
    expect(await password.getAttribute("type")).toBe("password");
    await page.getByLabel("Email address").fill("ann@example.com");
    await saveScreens(page, "02-create-account");
  });

  test("refuses a too short password before sending anything", async () => {
    const { page } = await suite.open();
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.getByRole("tab", { name: "Create account" }).click();
    await page.getByLabel("Email address").fill(uniqueEmail("short"));
    await page.getByLabel("Password", { exact: true }).fill("1234567");
    await page.getByRole("button", { name: "Create account", exact: true }).click();
    expect(await page.locator("#auth-error").textContent()).toBe("Use at least 8 characters for your password.");
    expect(await page.getByLabel("Password", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(requests.filter((url) => url.includes("/auth/register"))).toEqual([]);
  });

  test("register, read the mailed code, type it digit by digit: signed in", async () => {
    const { page, problems } = await suite.open();
    const email = uniqueEmail("typed");
    await register(page, email);
    expect(await page.locator("#code-lead").textContent()).toContain(email);
    expect(await page.locator("#code-status").textContent()).toBe(AUTH_MESSAGES.codeSent);
    const boxes = codeBoxes(page);
    expect(await boxes.first().getAttribute("inputmode")).toBe("numeric");
    expect(await boxes.first().getAttribute("autocomplete")).toBe("one-time-code");
    expect(await boxes.nth(5).getAttribute("aria-label")).toBe("Digit 6 of 6");
    // Focus waits in the first box; each digit moves it to the next.
    expect(await boxes.first().evaluate((box) => box === box.ownerDocument.activeElement)).toBe(true);
    expect(await page.locator("#code-expiry").textContent()).toMatch(/^Code expires in [45]:\d\d$/);
    await saveScreens(page, "03-code");

    const code = suite.harness.inbox.latestCode(email);
    for (const [index, digit] of [...code].entries()) {
      await page.keyboard.type(digit);
      if (index < 5) expect(await boxes.nth(index + 1).evaluate((box) => box === box.ownerDocument.activeElement)).toBe(true);
    }
    expect((await codeValues(page)).join("")).toBe(code);
    await page.keyboard.press("Enter"); // on the last digit
    await expectSignedIn(page, email);
    expect(await page.locator("#account-status").textContent()).toBe(AUTH_MESSAGES.verified);
    await saveScreens(page, "04-signed-in");
    await page.emulateMedia({ colorScheme: "dark" });
    await saveScreens(page, "04-signed-in-dark");
    expect(problems).toEqual([]);
  });

  test("Backspace on an empty box goes back and clears the digit before it", async () => {
    const { page } = await suite.open();
    await register(page, uniqueEmail("backspace"));
    const boxes = codeBoxes(page);
    await page.keyboard.type("12");
    await page.keyboard.press("Backspace");
    expect(await boxes.nth(1).evaluate((box) => box === box.ownerDocument.activeElement)).toBe(true);
    expect(await boxes.nth(1).inputValue()).toBe("");
    expect(await boxes.nth(0).inputValue()).toBe("1");
    await page.keyboard.type("a"); // letters never enter a box
    expect(await boxes.nth(1).inputValue()).toBe("");
  });

  test("squatting: someone registered the address first; the page has the owner wait, then gives them the account with their own password", async () => {
    const email = uniqueEmail("squatted");
    expect((await suite.harness.call("POST", "/auth/register", { email, password: "the squatter's password" })).status).toBe(201);
    const { page } = await suite.open();
    await page.getByRole("tab", { name: "Create account" }).click();
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    const submit = page.locator("#auth-submit");
    await submit.click();
    // The squatter's code went out moments ago: the page says so and holds the button until the cooldown ends.
    await page.getByText(OTP_ERRORS.cooldown).waitFor();
    expect(await submit.isDisabled()).toBe(true);
    await page.locator("#auth-submit:enabled").waitFor({ timeout: 5000 });
    suite.harness.clock.advance(2_000); // the server's clock is the test's
    await submit.click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    await page.keyboard.type(suite.harness.inbox.latestCode(email));
    await page.keyboard.press("Enter");
    await expectSignedIn(page, email);
    expect((await suite.harness.call("POST", "/auth/login", { email, password: PASSWORD })).status).toBe(200);
    expect((await suite.harness.call("POST", "/auth/login", { email, password: "the squatter's password" })).status).toBe(401);
  });

  test("pasting the whole code into any box fills every box; Enter submits", async () => {
    const { page } = await suite.open();
    const email = uniqueEmail("paste");
    await register(page, email);
    const code = suite.harness.inbox.latestCode(email);
    await codeBoxes(page).nth(3).focus();
    await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(`Your code: ${code}`)})`);
    await page.keyboard.press("ControlOrMeta+V");
    expect(await codeValues(page)).toEqual([...code]);
    await page.keyboard.press("Enter");
    await expectSignedIn(page, email);
  });

  test("a wrong code shows the server's message, announced, and clears the boxes", async () => {
    const { page } = await suite.open();
    const email = uniqueEmail("wrong");
    await register(page, email);
    const wrong = suite.harness.inbox.latestCode(email) === "000000" ? "111111" : "000000";
    await page.keyboard.type(wrong);
    await page.keyboard.press("Enter");
    const error = page.locator("#code-error");
    await error.filter({ hasText: OTP_ERRORS.invalid }).waitFor();
    expect(await error.getAttribute("aria-live")).toBe("assertive");
    expect(await error.isVisible()).toBe(true);
    expect(await codeBoxes(page).first().getAttribute("aria-invalid")).toBe("true");
    expect(await codeBoxes(page).first().inputValue()).toBe("");
    await saveScreens(page, "05-wrong-code");
    // The right code still works afterwards.
    await page.keyboard.type(suite.harness.inbox.latestCode(email));
    await page.keyboard.press("Enter");
    await expectSignedIn(page, email);
  });

  test("an incomplete code is not sent", async () => {
    const { page } = await suite.open();
    await register(page, uniqueEmail("short-code"));
    await page.keyboard.type("123");
    await page.keyboard.press("Enter");
    expect(await page.locator("#code-error").textContent()).toBe("Enter all 6 digits of the code.");
    expect(
      await codeBoxes(page)
        .nth(3)
        .evaluate((box) => box === box.ownerDocument.activeElement),
    ).toBe(true);
  });

  test("resend: disabled with a countdown until the cooldown ends, then mails a new code", async () => {
    const { page } = await suite.open();
    const email = uniqueEmail("resend");
    await register(page, email);
    const resend = page.locator("#resend");
    expect(await resend.isDisabled()).toBe(true);
    expect(await resend.textContent()).toMatch(/^Resend code in 0:0[12]$/);
    await resend.filter({ hasText: /^Resend code$/ }).waitFor({ timeout: 5000 });
    expect(await resend.isEnabled()).toBe(true);
    const first = suite.harness.inbox.latestCode(email);
    suite.harness.clock.advance(2000); // the server counts its cooldown on its own (fake) clock
    await resend.click();
    await page.locator("#code-status").filter({ hasText: AUTH_MESSAGES.codeResent }).waitFor();
    expect(suite.harness.inbox.mailTo(email)).toHaveLength(2);
    expect(await resend.isDisabled()).toBe(true);
    expect(await resend.textContent()).toMatch(/^Resend code in 0:0[12]$/);
    await saveScreens(page, "06-code-resent");
    const second = suite.harness.inbox.latestCode(email);
    if (second !== first) {
      // The earlier code stopped working when the new one was sent.
      await page.keyboard.type(first);
      await page.keyboard.press("Enter");
      await page.locator("#code-error").filter({ hasText: OTP_ERRORS.invalid }).waitFor();
    }
    await page.keyboard.type(second);
    await page.keyboard.press("Enter");
    await expectSignedIn(page, email);
  });

  test("a resend the server refuses (cooldown) shows its message and waits for Retry-After", async () => {
    const { page } = await suite.open();
    const email = uniqueEmail("cooldown");
    await register(page, email);
    const resend = page.locator("#resend");
    await resend.filter({ hasText: /^Resend code$/ }).waitFor({ timeout: 5000 });
    // The browser's two seconds have passed, the server's fake clock has not moved: still in its cooldown.
    await resend.click();
    await page.locator("#code-error").filter({ hasText: OTP_ERRORS.cooldown }).waitFor();
    expect(await resend.isDisabled()).toBe(true);
    expect(await resend.textContent()).toMatch(/^Resend code in 0:0\d$/);
    expect(suite.harness.inbox.mailTo(email)).toHaveLength(1);
  });

  test("registering a taken address shows the server's detail inline, on the email field", async () => {
    const email = uniqueEmail("taken");
    await suite.harness.createVerifiedUser(email);
    const { page } = await suite.open();
    await page.getByRole("tab", { name: "Create account" }).click();
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account", exact: true }).click();
    const error = page.locator("#auth-error");
    await error.filter({ hasText: AUTH_MESSAGES.emailTaken }).waitFor();
    expect(await error.getAttribute("aria-live")).toBe("assertive");
    expect(await page.getByLabel("Email address").getAttribute("aria-invalid")).toBe("true");
    await saveScreens(page, "07-email-taken");
  });

  test("a running request shows a busy button, and a second submit sends nothing", async () => {
    const { page } = await suite.open();
    const email = uniqueEmail("busy");
    const registers: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/auth/register")) registers.push(request.method());
    });
    // Hold the real request for a moment so the busy state can be seen; the real server still answers it.
    await page.route("**/auth/register", async (route) => {
      await Bun.sleep(600);
      await route.continue();
    });
    await page.getByRole("tab", { name: "Create account" }).click();
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Password", { exact: true }).press("Enter");
    const button = page.locator("#auth-submit");
    await button.filter({ hasText: "Creating account…" }).waitFor();
    expect(await button.getAttribute("aria-busy")).toBe("true");
    expect(await button.isDisabled()).toBe(true);
    await saveScreens(page, "08-busy");
    await page.getByLabel("Password", { exact: true }).press("Enter");
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    expect(registers).toEqual(["POST"]);
    expect(suite.harness.inbox.mailTo(email)).toHaveLength(1);
  });
});
