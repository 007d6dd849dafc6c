import { mkdirSync } from "node:fs";
import { join, normalize } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

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

/**
 * Opens `url` in a fresh context (own sessionStorage) and waits until the page has finished starting;
 * `before` runs on the page before it loads (to listen to requests, or to install a browser clock).
 */
export async function openPage(
  browser: Browser,
  url: string,
  { viewport = DESKTOP, before }: { viewport?: { width: number; height: number }; before?: (page: Page) => Promise<void> | void } = {},
): Promise<OpenedPage> {
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

/** Saves full-page screenshots of the current screen at phone and desktop width under test/artifacts/. */
export async function saveScreens(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const original = page.viewportSize();
  for (const [label, size] of [["phone", PHONE], ["desktop", DESKTOP]] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}-${label}.png`), fullPage: true, animations: "disabled" });
  }
  if (original) await page.setViewportSize(original);
}

/** Starts a real HTTP listener for an app on a free loopback port; returns its base URL. */
export function listenOnLoopback(app: { listen(options: { hostname: string; port: number }): unknown; server: { port?: number } | null }): string {
  app.listen({ hostname: "127.0.0.1", port: 0 });
  return `http://127.0.0.1:${app.server!.port}`;
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
