import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { createApp } from "../../src/app";
import { browserSuite, openPage, servePublicDir } from "../support/browser";
import { uniqueEmail } from "../support/env";
import { freePort } from "../support/free-port";

// The attack: a link to the real page with `?api=` naming the attacker's server, which answers like the API
// (any origin allowed) and keeps whatever is posted to it, passwords included.

let other: ReturnType<typeof createApp>;
let site: ReturnType<typeof servePublicDir>;
let foreign: ReturnType<typeof Bun.serve>;
const received: string[] = [];
const pagePort = freePort();
const otherPort = freePort();
const page = `http://127.0.0.1:${pagePort}`;
const listed = `http://127.0.0.1:${otherPort}`;
let attacker: string;

beforeAll(async () => {
  foreign = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      received.push(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`);
      const headers = { "access-control-allow-origin": "*", "access-control-allow-headers": "*", "content-type": "application/json" };
      if (request.method === "OPTIONS") return new Response(null, { status: 204, headers });
      return new Response(JSON.stringify({ otp_length: 8, access_token: "x", refresh_token: "y", expires_in: 60 }), { headers });
    },
  });
  attacker = `http://127.0.0.1:${foreign.port}`;
  site = servePublicDir();
});

const suite = browserSuite({
  harness: { env: { PORT: String(pagePort), OTP_LENGTH: "4", PAGE_API_ORIGINS: `${listed}, https://api.example.test` } },
  port: pagePort,
});

beforeAll(() => {
  // A second API the operator listed (same dependencies); it allows the page's origin through CORS.
  other = createApp(suite.harness.deps);
  other.listen({ hostname: "127.0.0.1", port: otherPort });
});

afterAll(async () => {
  await other?.stop();
  site?.stop();
  foreign?.stop(true);
});

/** The origins of every request a page makes, and the `before` hook of openPage that records them. */
function originRecorder() {
  const origins = new Set<string>();
  return { origins, before: (page: Page) => void page.on("request", (request) => origins.add(new URL(request.url()).origin)) };
}

const withApi = (base: string, api: string) => `${base}/?api=${encodeURIComponent(api)}`;

describe("the page talks only to its own origin and the listed ones", () => {
  test("the served page's CSP allows connections to exactly 'self' and PAGE_API_ORIGINS, which its meta tag lists", async () => {
    const response = await fetch(`${page}/`);
    const csp = response.headers.get("content-security-policy")!;
    expect(csp.split("; ").find((part) => part.startsWith("connect-src"))).toBe(`connect-src 'self' ${listed} https://api.example.test`);
    expect(await response.text()).toContain(`<meta name="otp-auth-api-origins" content="${listed} https://api.example.test">`);
  });

  test("?api= naming a foreign server: it receives nothing, the page says so and signs in with its own origin", async () => {
    const email = uniqueEmail("foreign-api");
    await suite.harness.signUp(email);
    const { origins, before } = originRecorder();
    const { page: tab, problems } = await openPage(suite.browser, withApi(page, attacker), { before });
    expect(received).toEqual([]);
    expect(await tab.locator("#api-host").textContent()).toBe(new URL(page).host);
    const message = tab.locator("#api-ignored");
    expect(await message.isVisible()).toBe(true);
    expect(await message.textContent()).toContain(`${new URL(attacker).host} is not a sign-in service this page may use`);
    expect(await tab.locator("#code-boxes input").count()).toBe(4); // the settings came from its own origin
    await tab.getByLabel("Email address").fill(email);
    await tab.getByLabel("Password", { exact: true }).fill("correct horse battery");
    await tab.getByRole("button", { name: "Sign in", exact: true }).click();
    await tab.getByRole("heading", { name: "You're signed in" }).waitFor();
    expect(received).toEqual([]);
    expect([...origins]).toEqual([page]);
    expect(problems).toEqual([]); // it never even tried: no CSP refusal
  });

  test("?api= naming a listed origin is used", async () => {
    const { origins, before } = originRecorder();
    const { page: tab, problems } = await openPage(suite.browser, withApi(page, listed), { before });
    expect(await tab.locator("#api-host").textContent()).toBe(new URL(listed).host);
    expect(await tab.locator("#api-ignored").isVisible()).toBe(false);
    expect(await tab.locator("#banner").isHidden()).toBe(true);
    expect(await tab.locator("#code-boxes input").count()).toBe(4);
    expect(origins).toContain(listed);
    expect(problems).toEqual([]);
  });

  test("a copy on a static server (no CSP at all) ignores a foreign ?api= just the same", async () => {
    const { page: tab } = await openPage(suite.browser, withApi(site.url, attacker));
    expect(received).toEqual([]);
    expect(await tab.locator("#api-host").textContent()).toBe(new URL(site.url).host);
    expect(await tab.locator("#api-ignored").textContent()).toContain(new URL(attacker).host);
    await tab.getByLabel("Email address").fill(uniqueEmail("static-foreign"));
    await tab.getByLabel("Password", { exact: true }).fill("correct horse battery");
    await tab.getByRole("button", { name: "Sign in", exact: true }).click();
    await tab.locator("#auth-error.shown").waitFor();
    expect(received).toEqual([]);
  });

  test("so does a meta tag naming an origin the copy does not list", async () => {
    const metaSite = servePublicDir((path, text) =>
      path === "index.html"
        ? text.replace('<meta name="otp-auth-api" content="">', `<meta name="otp-auth-api" content="${attacker}">`)
        : text,
    );
    try {
      const { page: tab } = await openPage(suite.browser, `${metaSite.url}/`);
      expect(await tab.locator("#api-ignored").textContent()).toContain(new URL(attacker).host);
      expect(await tab.locator("#api-host").textContent()).toBe(new URL(metaSite.url).host);
      expect(received).toEqual([]);
    } finally {
      metaSite.stop();
    }
  });
});
