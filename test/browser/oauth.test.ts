import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { browserSuite, saveScreens, storedTokens } from "../support/browser";
import { uniqueEmail } from "../support/env";
import { freePort } from "../support/free-port";
import { startOAuthProvider, type OAuthProvider } from "../support/oauth-provider";

// The page is its own redirect URI, so the API's port is chosen before the configuration is written.
const port = freePort();
const base = `http://127.0.0.1:${port}`;
const PAGE = `${base}/`;

let idp: OAuthProvider;

beforeAll(async () => {
  idp = await startOAuthProvider({ redirectUris: [PAGE] });
});

const suite = browserSuite({ harness: () => ({ env: idp.env() }), port });

afterAll(() => {
  idp?.stop();
});

beforeEach(() => idp.reset());

/** Clicks "Continue with <provider>"; the local provider consents at once and redirects back to the page. */
async function continueWith(page: Page, label: "Google" | "GitHub") {
  await page.getByRole("button", { name: `Continue with ${label}` }).click();
}

describe("OAuth sign-in in the browser", () => {
  test("Continue with GitHub goes to the provider and back, and ends signed in", async () => {
    const email = uniqueEmail("gh-browser");
    idp.users.github = { id: String(Date.now()), email, verified: true };
    const { page, problems } = await suite.open();
    expect(await page.getByRole("button", { name: "Continue with GitHub" }).isVisible()).toBe(true);
    await continueWith(page, "GitHub");
    await page.getByRole("heading", { name: "You're signed in" }).waitFor();
    expect(await page.locator("#me-email").textContent()).toBe(email);
    // The code and state were taken out of the address bar.
    expect(new URL(page.url()).search).toBe("");
    expect(idp.tokenRequests.at(-1)!.get("redirect_uri")).toBe(PAGE);
    await saveScreens(page, "oauth-01-signed-in");
    expect(problems).toEqual([]);

    // The page keeps its tokens under `otp-auth:token:<API base>`.
    const token = (await storedTokens(page, base))!.access_token;
    const profile = await suite.harness.call("GET", "/auth/me", undefined, { authorization: `Bearer ${token}` });
    expect(profile.body).toMatchObject({ email, auth_provider: "github", is_verified: true });
  });

  test("Continue with Google links to the verified account with the same address", async () => {
    const email = uniqueEmail("google-browser");
    await suite.harness.createVerifiedUser(email);
    idp.users.google = { id: String(Date.now()), email, verified: true };
    const { page, problems } = await suite.open();
    await continueWith(page, "Google");
    await page.getByRole("heading", { name: "You're signed in" }).waitFor();
    expect(await page.locator("#me-email").textContent()).toBe(email);
    expect(problems).toEqual([]);
  });

  test("a cancelled consent comes back to the sign-in form with a message", async () => {
    idp.behaviour.github = { deny: true };
    const { page } = await suite.open();
    await continueWith(page, "GitHub");
    const error = page.locator("#auth-error");
    await error.filter({ hasText: "cancelled" }).waitFor();
    expect(await error.textContent()).toBe("Sign-in with GitHub was cancelled.");
    expect(await page.getByRole("button", { name: "Continue with GitHub" }).isVisible()).toBe(true);
  });

  test("an address the provider has not verified is refused with the API's detail", async () => {
    idp.users.google = { id: String(Date.now()), email: uniqueEmail("unverified-browser"), verified: false };
    const { page } = await suite.open();
    await continueWith(page, "Google");
    const error = page.locator("#auth-error");
    await error.filter({ hasText: "no verified email" }).waitFor();
    expect(await error.textContent()).toBe(
      "Your Google account has no verified email address. Verify your email with Google, then sign in again.",
    );
    await saveScreens(page, "oauth-02-unverified");
  });
});
