import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { browserSuite, saveScreens, waitUntilReady } from "../support/browser";
import { uniqueEmail } from "../support/env";

const PASSWORD = "correct horse battery";
const FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

const suite = browserSuite();
// The page's own module (plain JavaScript, so typed here): it names devices from user agents.
const DEVICES_JS: string = "../../public/assets/devices.js";
const { deviceName } = (await import(DEVICES_JS)) as { deviceName: (userAgent: string | null) => string };

async function signIn(page: Page, email: string) {
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "You're signed in" }).waitFor();
}

describe("signed-in devices on the page", () => {
  test("lists the sessions with this device marked, ends one from another tab, then all the others", async () => {
    const email = uniqueEmail("page-devices");
    await suite.harness.createVerifiedUser(email, PASSWORD); // a session with no browser: an unknown device
    const { page, problems } = await suite.open();
    await signIn(page, email);
    // A second browser (its own storage), on another system.
    const other = await suite.browser.newContext({ userAgent: FIREFOX_ON_WINDOWS });
    const otherPage = await other.newPage();
    await otherPage.goto(`${suite.base}/`);
    await waitUntilReady(otherPage);
    await signIn(otherPage, email);

    await page.getByRole("button", { name: "Signed-in devices" }).click();
    await page.getByRole("heading", { name: "Signed-in devices" }).waitFor();
    const rows = page.locator("#device-list li");
    expect(await rows.count()).toBe(3);
    expect(await rows.first().textContent()).toContain("This device");
    expect(await rows.first().textContent()).toContain("127.0.0.1");
    const names = (await page.locator("#device-list li strong").allTextContents()).sort();
    expect(names).toEqual(["Chrome on Linux", "Firefox on Windows", "Unknown device"]);
    expect(await rows.first().locator("strong").textContent()).toBe("Chrome on Linux");
    await saveScreens(page, "65-devices");

    await page.getByRole("button", { name: /^Sign out Firefox on Windows/ }).click();
    await page.locator("#devices-status").filter({ hasText: "That device is signed out." }).waitFor();
    expect(await rows.count()).toBe(2);
    // The other browser's tokens stopped working: its next call signs it out.
    await otherPage.getByRole("button", { name: "Security" }).click();
    await otherPage.getByRole("heading", { name: "Sign in", exact: true }).waitFor();
    expect(await otherPage.locator("#auth-status").textContent()).toBe("Your session has ended. Please sign in again.");

    await page.getByRole("button", { name: "Sign out all other devices" }).click();
    await page.locator("#devices-status").filter({ hasText: "All your other devices are signed out." }).waitFor();
    expect(await rows.count()).toBe(1);
    expect(await page.getByRole("button", { name: "Sign out all other devices" }).isHidden()).toBe(true);
    await page.getByRole("button", { name: "← Back to your account" }).click();
    await page.getByRole("heading", { name: "You're signed in" }).waitFor();
    await other.close();
    expect(problems).toEqual([]);
  });

  test("device names read from user agents", () => {
    expect(deviceName(FIREFOX_ON_WINDOWS)).toBe("Firefox on Windows");
    expect(
      deviceName("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1"),
    ).toBe("Safari on iPhone");
    expect(deviceName("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0")).toBe(
      "Edge on macOS",
    );
    expect(deviceName("Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36")).toBe("Chrome on Android");
    expect(deviceName("curl/8.5.0")).toBe("curl");
    expect(deviceName(null)).toBe("Unknown device");
  });
});
