import { afterAll, beforeAll } from "bun:test";
import { mkdirSync } from "node:fs";
import { join, normalize } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startHarness, type Harness, type HarnessOptions } from "./harness";

/** Debian's `chromium` package; `.ci/run` installs it. Never a downloaded browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";
export const ARTIFACTS_DIR = join(import.meta.dir, "../artifacts");
export const PUBLIC_DIR = join(import.meta.dir, "../../public");
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught page errors and Content-Security-Policy refusals seen so far; tests expect none. */
  problems: string[];
}

export interface OpenPageOptions {
  viewport?: { width: number; height: number };
  before?: (page: Page) => Promise<void> | void;
}

/**
 * Opens `url` in a fresh context (own sessionStorage) and waits until the page has finished starting;
 * `before` runs on the page before it loads (to listen to requests, or to install a browser clock).
 */
export async function openPage(browser: Browser, url: string, { viewport = DESKTOP, before }: OpenPageOptions = {}): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`csp: ${message.text()}`);
  });
  await before?.(page);
  await page.goto(url);
  await waitUntilReady(page);
  return { page, context, problems };
}

/**
 * Gives the page Chromium's virtual authenticator (DevTools' WebAuthn domain): a platform authenticator that
 * holds discoverable credentials and verifies its user, as a phone or laptop would. Returns what it holds.
 */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials };
}

export const waitUntilReady = (page: Page) => page.waitForSelector("body[data-ready='true']", { state: "attached" });

export interface StoredTokens {
  access_token: string;
  refresh_token: string;
  renew_at: number;
}

/** The tokens the page keeps for the API at `api` in this tab's sessionStorage, or null. */
export async function storedTokens(page: Page, api: string): Promise<StoredTokens | null> {
  return JSON.parse((await page.evaluate((key) => sessionStorage.getItem(key), `otp-auth:token:${api}`)) ?? "null");
}

/**
 * Saves full-page screenshots of the current screen at phone and desktop width, under test/artifacts/ unless
 * `dir` says otherwise; `settleMs` lets a page redraw at the new width (charts) before each shot.
 */
export async function saveScreens(page: Page, name: string, { dir = ARTIFACTS_DIR, settleMs = 0 } = {}): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const original = page.viewportSize();
  for (const [label, size] of [
    ["phone", PHONE],
    ["desktop", DESKTOP],
  ] as const) {
    await page.setViewportSize(size);
    if (settleMs) await page.waitForTimeout(settleMs);
    await page.screenshot({ path: join(dir, `${name}-${label}.png`), fullPage: true, animations: "disabled" });
  }
  if (original) await page.setViewportSize(original);
}

/** An app that listens on a port and stops again (an Elysia app). */
export interface ServableApp {
  listen(options: { hostname: string; port: number }): unknown;
  server: { port?: number } | null;
  stop(): Promise<unknown>;
}

/** Starts a real HTTP listener for an app on a loopback port (a free one unless `port` is given); returns its base URL. */
export function listenOnLoopback(app: Omit<ServableApp, "stop">, port = 0): string {
  app.listen({ hostname: "127.0.0.1", port });
  return `http://127.0.0.1:${app.server!.port}`;
}

export interface BrowserSuiteOptions {
  /**
   * startHarness's options; a function when they name something started in an earlier beforeAll of the same
   * block (a static site's origin, an OAuth provider's addresses).
   */
  harness?: HarnessOptions | (() => HarnessOptions);
  /** The app to serve, made from the harness; the harness's own app by default. */
  app?: (harness: Harness) => ServableApp;
  /** A port chosen in advance, when the configuration must name the API's address; a free one by default. */
  port?: number;
}

export interface BrowserSuite {
  harness: Harness;
  browser: Browser;
  /** The served app's base URL, `http://127.0.0.1:<port>`. */
  base: string;
  /** Opens `base + path` in a fresh context (see openPage). */
  open(path?: string, options?: OpenPageOptions): Promise<OpenedPage>;
}

/**
 * For the describe block (or file) it is called in: a harness whose app listens on loopback, and Chromium,
 * started before its tests and closed after them (the browser, then the app, then the harness). Read
 * `suite.harness`, `suite.browser` and `suite.base` inside hooks and tests: they are set once the block starts.
 * Servers the harness's options name are started in a beforeAll registered before this call (hooks run in the
 * order they are registered), and stopped in an afterAll registered after it.
 */
export function browserSuite({ harness, app: serve, port }: BrowserSuiteOptions = {}): BrowserSuite {
  let app: ServableApp | undefined;
  const suite = {
    open: (path = "/", options?: OpenPageOptions) => openPage(suite.browser, suite.base + path, options),
  } as BrowserSuite;
  beforeAll(async () => {
    suite.harness = await startHarness(typeof harness === "function" ? harness() : harness);
    app = serve ? serve(suite.harness) : suite.harness.app;
    suite.base = listenOnLoopback(app, port);
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await app?.stop();
    await suite.harness?.close();
  });
  return suite;
}

/** A plain static file server for public/, like `python -m http.server` in the original's instructions. */
export function servePublicDir(transform: (path: string, text: string) => string = (_, text) => text) {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const pathname = decodeURIComponent(new URL(request.url).pathname);
      const relative = normalize(pathname === "/" ? "index.html" : pathname.slice(1));
      if (relative.startsWith("..")) return new Response("not found", { status: 404 });
      const file = Bun.file(join(PUBLIC_DIR, relative));
      if (!(await file.exists())) return new Response("not found", { status: 404 });
      return new Response(transform(relative, await file.text()), { headers: { "content-type": file.type } });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, origin: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}
