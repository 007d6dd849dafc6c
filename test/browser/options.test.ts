import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cors } from "@elysiajs/cors";
import { Elysia } from "elysia";
import { errorHandler } from "../../src/http/error-handler";
import { requestContext } from "../../src/http/request-context";
import { authRoutes } from "../../src/modules/auth/routes";
import { clientConfigRoutes } from "../../src/modules/client-config/routes";
import { uiRoutes, withApiOrigins } from "../../src/modules/ui/routes";
import { browserSuite, openPage, saveScreens, servePublicDir } from "../support/browser";
import { uniqueEmail } from "../support/env";

// What /auth/config announces decides what the page offers: OAuth buttons and the development mailbox.
// The real auth routes and dependencies, composed with a client configuration that lists both.

let site: ReturnType<typeof servePublicDir>;

beforeAll(() => {
  // This copy of the page may talk to the API (its meta tag lists it, as PAGE_API_ORIGINS would).
  site = servePublicDir((path, text) => (path === "index.html" ? withApiOrigins(text, [suite.base]) : text));
});

const suite = browserSuite({
  harness: { env: { OTP_RESEND_COOLDOWN_SECONDS: "2" } },
  app: (harness) =>
    new Elysia()
      .use(errorHandler(harness.deps.log))
      .use(cors({ origin: [site.origin] }))
      .use(
        authRoutes(
          harness.deps.auth,
          requestContext({
            tokens: harness.deps.tokens,
            isRevoked: harness.deps.sessions.isRevoked,
            limits: harness.deps.routeLimits,
            trustedProxies: 0,
          }),
          harness.deps.loginGuard,
        ),
      )
      .use(clientConfigRoutes({ config: harness.config, oauthProviders: ["google", "github"], mailboxUrl: "/dev/mailbox" }))
      .use(uiRoutes()) as unknown as Elysia,
});

afterAll(() => {
  site?.stop();
});

describe("options announced by /auth/config", () => {
  test("a Continue button per OAuth provider, and a link to the mailbox on the code step", async () => {
    const { page, problems } = await openPage(suite.browser, `${suite.base}/`);
    const google = page.getByRole("button", { name: "Continue with Google" });
    const github = page.getByRole("button", { name: "Continue with GitHub" });
    expect(await google.isVisible()).toBe(true);
    expect(await github.isVisible()).toBe(true);
    expect(await page.locator("#mailbox-foot").getAttribute("href")).toBe(`${suite.base}/dev/mailbox`);
    await saveScreens(page, "30-sign-in-with-providers");

    const email = uniqueEmail("mailbox");
    await page.getByRole("tab", { name: "Create account" }).click();
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
    await page.getByRole("button", { name: "Create account", exact: true }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    const mailbox = page.getByRole("link", { name: "Open dev mailbox" });
    expect(await mailbox.isVisible()).toBe(true);
    expect(await mailbox.getAttribute("href")).toBe(`${suite.base}/dev/mailbox`);
    expect(await mailbox.getAttribute("rel")).toBe("noopener");
    await saveScreens(page, "31-code-with-mailbox");
    expect(problems).toEqual([]);
  });

  test("the mailbox link is resolved against the API, not the page, when they differ", async () => {
    const { page } = await openPage(suite.browser, `${site.url}/?api=${encodeURIComponent(suite.base)}`);
    expect(await page.locator("#mailbox-foot").getAttribute("href")).toBe(`${suite.base}/dev/mailbox`);
  });

  test("a failing OAuth start shows the error by the buttons and gives the button back", async () => {
    const { page } = await openPage(suite.browser, `${suite.base}/`);
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.getByRole("button", { name: "Continue with GitHub" }).click();
    const error = page.locator("#oauth-error");
    await error.filter({ hasText: "Not Found" }).waitFor(); // this composition has no OAuth routes
    expect(await error.getAttribute("aria-live")).toBe("assertive");
    const button = page.getByRole("button", { name: "Continue with GitHub" });
    expect(await button.isEnabled()).toBe(true);
    const start = new URL(requests.find((url) => url.includes("/auth/oauth/"))!);
    expect(start.pathname).toBe("/auth/oauth/github/start");
    expect(start.searchParams.get("redirect_uri")).toBe(`${suite.base}/`);
  });

  test("a provider return this tab did not start is refused, and the code leaves the address bar", async () => {
    const requests: string[] = [];
    const { page } = await openPage(suite.browser, `${suite.base}/?code=stolen-code&state=someone-elses-state`, {
      before: (page) => void page.on("request", (request) => requests.push(request.url())),
    });
    expect(await page.locator("#auth-error").textContent()).toBe(
      "This sign-in response was not started from this page, or was already used. Please start again.",
    );
    expect(new URL(page.url()).search).toBe("");
    expect(requests.filter((url) => url.includes("/callback"))).toEqual([]);
  });
});
