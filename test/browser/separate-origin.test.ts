import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { createApp } from "../../src/app";
import { withApiOrigins } from "../../src/modules/ui/routes";
import { browserSuite, openPage, saveScreens, servePublicDir } from "../support/browser";
import { uniqueEmail } from "../support/env";
import { freePort } from "../support/free-port";

// The page opened from a plain static server on another origin, as with `python -m http.server 5500`.
const UNREACHABLE = `http://127.0.0.1:${freePort()}`;

let site: ReturnType<typeof servePublicDir>;
let metaSite: ReturnType<typeof servePublicDir>;

// The API origins these copies may talk to, listed in their meta tag as the service lists PAGE_API_ORIGINS.
const allowed: string[] = [UNREACHABLE];
const withMeta = (content: string) => (path: string, text: string) =>
  path !== "index.html"
    ? text
    : withApiOrigins(text, allowed).replace('<meta name="otp-auth-api" content="">', `<meta name="otp-auth-api" content="${content}">`);

beforeAll(() => {
  site = servePublicDir(withMeta(""));
  metaSite = servePublicDir(withMeta(UNREACHABLE));
});

const suite = browserSuite({ harness: () => ({ env: { CORS_ORIGINS: `${site.origin},${metaSite.origin}`, OTP_LENGTH: "4" } }) });

beforeAll(() => {
  allowed.push(suite.base);
});

afterAll(() => {
  site?.stop();
  metaSite?.stop();
});

/** Records the origin of every request the page makes. */
function recordOrigins(page: Page): Set<string> {
  const origins = new Set<string>();
  page.on("request", (request) => origins.add(new URL(request.url()).origin));
  return origins;
}

describe("the page on a separate static server", () => {
  test("?api= points it at the API on another origin: register, code, signed in", async () => {
    const { page, problems } = await openPage(suite.browser, `${site.url}/index.html?api=${encodeURIComponent(suite.base)}`);
    const origins = recordOrigins(page);
    expect(await page.locator("#api-host").textContent()).toBe(new URL(suite.base).host);
    expect(await page.locator("#docs-link").getAttribute("href")).toBe(`${suite.base}/docs`);
    const email = uniqueEmail("static");
    await page.getByRole("tab", { name: "Create account" }).click();
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
    await page.getByRole("button", { name: "Create account", exact: true }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    // OTP_LENGTH=4 on this server: four boxes, and the text says so.
    expect(await page.locator("#code-boxes input").count()).toBe(4);
    expect(await page.locator("#code-lead").textContent()).toContain("4-digit code");
    await saveScreens(page, "20-code-four-digits");
    await page.keyboard.type(suite.harness.inbox.latestCode(email));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "You're signed in" }).waitFor();
    expect(await page.locator("#me-email").textContent()).toBe(email);
    expect([...origins]).toEqual([suite.base]);
    expect(problems).toEqual([]);
  });

  test('the <meta name="otp-auth-api"> tag sets the API when there is no ?api=, and ?api= wins over it', async () => {
    // The meta tag names an address where nothing listens: the page says it cannot reach it.
    const { page } = await openPage(suite.browser, `${metaSite.url}/`);
    expect(await page.locator("#api-host").textContent()).toBe(new URL(UNREACHABLE).host);
    const banner = page.locator("#banner");
    expect(await banner.isVisible()).toBe(true);
    expect(await page.locator("#banner-text").textContent()).toContain(`Cannot reach the sign-in service at ${new URL(UNREACHABLE).host}.`);
    expect(await page.locator("#banner-text").getAttribute("role")).toBe("alert");

    const overridden = await openPage(suite.browser, `${metaSite.url}/?api=${encodeURIComponent(suite.base)}`);
    expect(await overridden.page.locator("#api-host").textContent()).toBe(new URL(suite.base).host);
    expect(await overridden.page.locator("#banner").isHidden()).toBe(true);
    expect(await overridden.page.locator("#code-boxes input").count()).toBe(4);
  });

  test("an unreachable API shows a banner with Try again, which recovers once the API is up", async () => {
    const port = freePort();
    allowed.push(`http://127.0.0.1:${port}`);
    const { page } = await openPage(suite.browser, `${site.url}/?api=${encodeURIComponent(`http://127.0.0.1:${port}`)}`);
    expect(await page.locator("#banner").isVisible()).toBe(true);
    expect(await page.locator("#code-boxes input").count()).toBe(6); // the default until the settings arrive
    await saveScreens(page, "21-api-unreachable");
    const late = createApp(suite.harness.deps);
    late.listen({ hostname: "127.0.0.1", port });
    try {
      await page.getByRole("button", { name: "Try again" }).click();
      await page.locator("#banner").waitFor({ state: "hidden" });
      expect(await page.locator("#code-boxes input").count()).toBe(4);
    } finally {
      await late.stop();
    }
  });
});
