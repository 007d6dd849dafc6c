import { describe, expect, test } from "bun:test";
import { DOCS_CSP } from "../../src/http/security-headers";
import { browserSuite, saveScreens } from "../support/browser";

// Swagger UI under the CSP that /docs is served with, in a real browser: it must draw every operation
// and run "Try it out" without one refusal.

const suite = browserSuite({ harness: { backend: "embedded" } });

describe("/docs in Chromium", () => {
  test("Swagger UI renders the operations and runs a request with no CSP violation", async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("response", (res) => {
      if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" || /Content Security Policy|Refused to/i.test(message.text()))
        problems.push(`console: ${message.text()}`);
    });
    // Reported by the browser itself for every refusal, whatever the console says.
    await page.addInitScript(`document.addEventListener("securitypolicyviolation", (event) =>
      console.error("Refused (securitypolicyviolation): " + event.violatedDirective + " " + event.blockedURI));`);

    const response = await page.goto(`${suite.base}/docs`);
    expect(response?.headers()["content-security-policy"]).toBe(DOCS_CSP);
    await page.locator(".opblock").first().waitFor();
    const paths = await page.locator(".opblock-summary-path").allTextContents();
    const shown = paths.map((path) => path.replace(/\u200b/g, ""));
    for (const path of ["/auth/register", "/auth/verify-otp", "/auth/login", "/auth/me", "/health", "/ready", "/metrics"]) {
      expect(shown).toContain(path);
    }

    // "Try it out" on GET /health fetches it from the page: connect-src must allow it.
    const health = page.locator(".opblock-get", { has: page.locator(".opblock-summary-path", { hasText: /^\/health$/ }) });
    await health.locator(".opblock-summary").click();
    await health.getByRole("button", { name: "Try it out" }).click();
    await health.getByRole("button", { name: "Execute" }).click();
    const live = health.locator(".live-responses-table tr.response");
    await live.waitFor();
    expect((await live.locator(".response-col_status").textContent())?.trim()).toBe("200");
    expect(await live.locator(".response-col_description").textContent()).toContain('"status": "ok"');
    await saveScreens(page, "50-api-docs");
    expect(problems).toEqual([]);
    await context.close();
  });
});
