import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { AUTH_MESSAGES } from "../../src/modules/auth/messages";
import { browserSuite, saveScreens, storedTokens, type StoredTokens, waitUntilReady } from "../support/browser";
import { uniqueEmail } from "../support/env";

// The page renews its one-minute access tokens with the refresh token. The server runs on the harness's fake
// clock and the page on a Playwright clock; a test moves both by the same amount (or only the server's, to
// make the server refuse a token the page still thinks is fresh).
const PASSWORD = "correct horse battery";
const RECHECK_MINUTES = 10;

const suite = browserSuite({ harness: { env: { ACCESS_TOKEN_EXPIRE_MINUTES: "1", OTP_RECHECK_MINUTES: String(RECHECK_MINUTES) } } });

const stored = (page: Page) => storedTokens(page, suite.base);
const me = (token: string) => fetch(`${suite.base}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
const heading = (page: Page, name: string) => page.getByRole("heading", { name, exact: true }).waitFor();

/** Opens the page on a Playwright clock, signs in, and counts the page's calls by path. */
async function signedInPage(email: string) {
  const opened = await suite.open("/", { before: (page) => page.clock.install() });
  const calls: string[] = [];
  opened.page.on("request", (request) => calls.push(new URL(request.url()).pathname));
  await opened.page.getByLabel("Email address").fill(email);
  await opened.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await opened.page.getByRole("button", { name: "Sign in", exact: true }).click();
  await heading(opened.page, "You're signed in");
  return { ...opened, calls, tokens: (await stored(opened.page))! };
}

/** Moves the server's clock and the page's by `ms`; the page's due timers fire. */
async function passTime(page: Page, ms: number) {
  suite.harness.clock.advance(ms);
  await page.clock.fastForward(ms);
}

/** Waits (on the real clock) until the page keeps a refresh token other than `previous`. */
async function renewedFrom(page: Page, previous: string): Promise<StoredTokens> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const now = await stored(page);
    if (now && now.refresh_token !== previous) return now;
    if (Date.now() > deadline) throw new Error("the page did not renew its tokens");
    await Bun.sleep(50);
  }
}

describe("the page renews its session", () => {
  test("before the access token expires, by itself, and stays signed in", async () => {
    const email = uniqueEmail("renew");
    await suite.harness.createVerifiedUser(email, PASSWORD);
    const { page, calls, tokens: first, problems, context } = await signedInPage(email);
    await passTime(page, 50_000); // the token lives 60 s; the page renews 15 s before the end
    const second = await renewedFrom(page, first.refresh_token);
    expect((await me(second.access_token)).status).toBe(200);
    await page.mouse.move(20, 20); // still using the page
    await passTime(page, 60_000);
    const third = await renewedFrom(page, second.refresh_token);
    // The first token is past its expiry at the server; the session goes on with the third.
    expect((await me(first.access_token)).status).toBe(401);
    expect((await me(third.access_token)).status).toBe(200);
    expect(calls.filter((path) => path === "/auth/refresh")).toHaveLength(2);
    expect(await page.getByRole("heading", { name: "You're signed in" }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  test("an idle page stops renewing, so no re-check code is mailed by itself; its next call renews", async () => {
    const email = uniqueEmail("renew-idle");
    await suite.harness.createVerifiedUser(email, PASSWORD);
    const { page, calls, context } = await signedInPage(email);
    const mails = suite.harness.inbox.mailTo(email).length;
    // The page's clock jumps: its renewal timer fires with the person idle for longer than a token's life.
    await passTime(page, RECHECK_MINUTES * 60_000 + 60_000);
    expect(calls.filter((path) => path === "/auth/refresh")).toHaveLength(0);
    expect(suite.harness.inbox.mailTo(email)).toHaveLength(mails);
    await page.reload();
    await heading(page, "Confirm it's you");
    expect(suite.harness.inbox.mailTo(email)).toHaveLength(mails + 1);
    await context.close();
  });

  test("a call the server refuses (401) is renewed once and retried", async () => {
    const email = uniqueEmail("renew-401");
    await suite.harness.createVerifiedUser(email, PASSWORD);
    const { page, calls, tokens, context } = await signedInPage(email);
    // Only the server's clock moves: the page still thinks its token is fresh; the server does not.
    suite.harness.clock.advance(61_000);
    expect((await me(tokens.access_token)).status).toBe(401);
    calls.length = 0;
    await page.reload();
    await waitUntilReady(page);
    await heading(page, "You're signed in");
    expect(calls.filter((path) => path.startsWith("/auth/") && path !== "/auth/config")).toEqual([
      "/auth/me",
      "/auth/refresh",
      "/auth/me",
      "/auth/account/deletion",
    ]);
    expect((await me((await stored(page))!.access_token)).status).toBe(200);
    await context.close();
  });

  test("past OTP_RECHECK_MINUTES the renewal asks for the mailed code, as sign-in does, then signs in again", async () => {
    const email = uniqueEmail("renew-recheck");
    await suite.harness.createVerifiedUser(email, PASSWORD);
    const { page, tokens, context } = await signedInPage(email);
    // The server is past the re-check window; the page, still in use, renews 45 s after signing in.
    suite.harness.clock.advance(RECHECK_MINUTES * 60_000 + 1000);
    await page.clock.fastForward(50_000);
    await heading(page, "Confirm it's you");
    expect(await page.locator("#code-status").textContent()).toBe(AUTH_MESSAGES.recheckRequired);
    expect(await page.locator("#code-lead").textContent()).toContain(email);
    expect(await stored(page)).toBeNull();
    expect((await me(tokens.access_token)).status).toBe(401); // that session has ended
    await saveScreens(page, "49-recheck-on-renewal");
    expect(suite.harness.inbox.mailTo(email)).toHaveLength(2);
    await page.keyboard.type(suite.harness.inbox.latestCode(email));
    await page.keyboard.press("Enter");
    await heading(page, "You're signed in");
    expect((await me((await stored(page))!.access_token)).status).toBe(200);
    await context.close();
  });

  test("a session ended elsewhere: the renewal's 401 signs out cleanly", async () => {
    const email = uniqueEmail("renew-ended");
    await suite.harness.createVerifiedUser(email, PASSWORD);
    const { page, tokens, context } = await signedInPage(email);
    expect((await suite.harness.callAs(tokens.access_token, "POST", "/auth/logout")).status).toBe(200);
    await passTime(page, 50_000);
    await heading(page, "Sign in");
    expect(await page.locator("#auth-status").textContent()).toBe("Your session has ended. Please sign in again.");
    expect(await page.getByLabel("Email address").inputValue()).toBe(email);
    expect(await stored(page)).toBeNull();
    await context.close();
  });
});
