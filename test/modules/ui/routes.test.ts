import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { acceptsGzip, PAGE_ASSETS, PAGE_CSP, pageCsp, uiRoutes } from "../../../src/modules/ui/routes";
import { startHarness, type Harness } from "../../support/harness";

const PUBLIC = join(import.meta.dir, "../../../public");
const read = (path: string) => Bun.file(join(PUBLIC, path)).text();
const assetFiles = readdirSync(join(PUBLIC, "assets")).sort();
const VENDORED = ["qr.js", "webauthn.js"];
const DICTIONARY = /^assets\/locale-\w+\.js$/;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const get = (path: string, headers: Record<string, string> = {}) => h.app.handle(new Request(`http://localhost${path}`, { headers }));

describe("the web page's routes", () => {
  test("/ and /index.html serve public/index.html with a strict CSP, no caching and no framing", async () => {
    for (const path of ["/", "/index.html"]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-encoding")).toBeNull(); // not asked for
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(await response.text()).toBe(await read("index.html"));
      const csp = response.headers.get("content-security-policy")!;
      expect(csp).toBe(PAGE_CSP);
      const directives = Object.fromEntries(
        csp.split(/;\s*/).map((part) => {
          const [name, ...values] = part.split(" ");
          return [name, values.join(" ")];
        }),
      );
      expect(directives["default-src"]).toBe("'self'");
      expect(directives["frame-ancestors"]).toBe("'none'");
      expect(directives["connect-src"]).toBe("'self'"); // PAGE_API_ORIGINS adds to it (below)
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
    }
  });

  test("every file under public/assets is served at /assets/<name> with its content type", async () => {
    expect(Object.keys(PAGE_ASSETS).sort()).toEqual(assetFiles);
    const types: Record<string, string> = {
      js: "text/javascript; charset=utf-8",
      css: "text/css; charset=utf-8",
      svg: "image/svg+xml",
    };
    for (const name of assetFiles) {
      const response = await get(`/assets/${name}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(types[name.split(".").pop()!]!);
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(await response.text()).toBe(await read(`assets/${name}`));
    }
    expect((await get("/assets/nope.js")).status).toBe(404);
  });

  test("everything index.html and the scripts refer to is served", async () => {
    const html = await read("index.html");
    const referenced = [...html.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(referenced).toContain("assets/app.js");
    expect(referenced).toContain("assets/app.css");
    for (const name of assetFiles.filter((file) => file.endsWith(".js"))) {
      for (const [, imported] of (await read(`assets/${name}`)).matchAll(/from "\.\/([^"]+)"/g)) {
        referenced.push(`assets/${imported}`);
      }
    }
    for (const path of new Set(referenced)) expect((await get(`/${path}`)).status).toBe(200);
  });

  test("no inline script, style, style attribute or event handler: the page works under the CSP", async () => {
    const html = await read("index.html");
    for (const tag of html.match(/<script\b[^>]*>/g)!) expect(tag).toMatch(/\bsrc="assets\/[^"]+"/);
    expect(html).toMatch(/<\/script>/);
    expect(html.match(/<script\b[^>]*>\s*[^<\s]/)).toBeNull();
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/javascript:/i);
    for (const name of assetFiles.filter((file) => file.endsWith(".js"))) {
      const source = await read(`assets/${name}`);
      expect(source).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|\.style\b|setAttribute\("(style|on)/,
      );
    }
  });

  test("no CDN, external font or remote file: it works offline", async () => {
    for (const name of ["index.html", ...assetFiles.map((file) => `assets/${file}`)]) {
      const text = await read(name);
      // The only absolute URLs allowed are the SVG namespace and a link in an error message of @simplewebauthn/browser.
      const urls = [...text.matchAll(/https?:\/\/[^\s"')]+/g)]
        .map((match) => match[0])
        .filter((url) => url !== "http://www.w3.org/2000/svg" && !url.startsWith("https://simplewebauthn.dev/docs/"));
      expect({ name, urls }).toEqual({ name, urls: [] });
      expect(text).not.toMatch(/@import|@font-face|url\(/);
    }
  });

  test("the vendored scripts are the locked packages' own files, byte for byte", async () => {
    const vendored = { "webauthn.js": "@simplewebauthn/browser/dist/bundle/index.umd.min.js", "qr.js": "lean-qr/nano.mjs" };
    for (const [name, source] of Object.entries(vendored)) {
      expect(await read(`assets/${name}`)).toBe(await Bun.file(join(PUBLIC, "../node_modules", source)).text());
    }
  });

  test("served gzip-compressed when the browser accepts it: under 48 KB for the page in one language", async () => {
    const sent: Record<string, number> = {};
    for (const path of ["/", ...assetFiles.map((file) => `/assets/${file}`)]) {
      const response = await get(path, { "accept-encoding": "gzip, deflate, br" });
      expect(response.headers.get("content-encoding")).toBe("gzip");
      expect(response.headers.get("vary")).toBe("Accept-Encoding");
      const body = new Uint8Array(await response.arrayBuffer());
      const file = path === "/" ? "index.html" : path.slice(1);
      sent[file] = body.length;
      expect(new TextDecoder().decode(Bun.gunzipSync(body))).toBe(await read(file));
    }
    // A browser loads one dictionary at most (none in English): count the largest.
    const dictionaries = Object.keys(sent).filter((file) => DICTIONARY.test(file));
    const page = Object.entries(sent).reduce((sum, [file, size]) => sum + (DICTIONARY.test(file) ? 0 : size), 0);
    expect(page + Math.max(...dictionaries.map((file) => sent[file]!))).toBeLessThan(48 * 1024);
    const ours = assetFiles.filter((file) => !VENDORED.includes(file) && !DICTIONARY.test(`assets/${file}`));
    const total = ["index.html", ...ours.map((file) => `assets/${file}`)].reduce((sum, name) => sum + statSync(join(PUBLIC, name)).size, 0);
    // Uncompressed, as a plain static server sends it: about 41 KB before the forgot/reset, change password and
    // token renewal screens, about 52 KB with them, 54 KB with the copied-tab guard, 55 KB with the API origin check,
    // just over 56 KB with the sign-in by emailed code (its mode, its option and its code step), about 97 KB with
    // the second step, the security screen, passkeys, the signed-in devices, the language switch, the change of
    // email, deletion and export. The vendored
    // passkey and QR libraries (13 KB) come on top, and only when a passkey or a QR code is used; so does one
    // dictionary (about 21 KB) in German, French or Spanish.
    expect(total).toBeLessThan(100 * 1024);
    for (const file of dictionaries) expect(statSync(join(PUBLIC, file)).size).toBeLessThan(24 * 1024);
  });

  test("gzip only for clients that accept it", () => {
    expect(acceptsGzip("gzip")).toBe(true);
    expect(acceptsGzip("br;q=1.0, gzip;q=0.8")).toBe(true);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip(null)).toBe(false);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("br, gzip;q=0.0")).toBe(false);
  });

  test("the page names its API in an empty meta tag, which a static deployment fills in", async () => {
    expect(await read("index.html")).toContain('<meta name="otp-auth-api" content="">');
    expect(await read("index.html")).toContain('<meta name="otp-auth-api-origins" content="">');
  });

  test("PAGE_API_ORIGINS: written into the page's meta tag and added to its connect-src, gzip-compressed or not", async () => {
    const listed = await startHarness({ env: { PAGE_API_ORIGINS: "https://API.example.com:443/, http://127.0.0.1:9000" } });
    try {
      expect(listed.config.PAGE_API_ORIGINS).toEqual(["https://api.example.com", "http://127.0.0.1:9000"]);
      const expected = (await read("index.html")).replace(
        'name="otp-auth-api-origins" content=""',
        'name="otp-auth-api-origins" content="https://api.example.com http://127.0.0.1:9000"',
      );
      for (const encoding of ["identity", "gzip"]) {
        const response = await listed.app.handle(new Request("http://localhost/", { headers: { "accept-encoding": encoding } }));
        const body = new Uint8Array(await response.arrayBuffer());
        expect(new TextDecoder().decode(encoding === "gzip" ? Bun.gunzipSync(body) : body)).toBe(expected);
        expect(response.headers.get("content-security-policy")).toBe(pageCsp(["https://api.example.com", "http://127.0.0.1:9000"]));
        expect(response.headers.get("content-security-policy")).toContain(
          "connect-src 'self' https://api.example.com http://127.0.0.1:9000;",
        );
      }
      expect(await (await listed.app.handle(new Request("http://localhost/assets/app.css"))).text()).toBe(await read("assets/app.css"));
    } finally {
      await listed.close();
    }
  });

  test("the page's routes stay out of the OpenAPI document, and a standalone plugin serves them too", async () => {
    const { body: spec } = await h.call("GET", "/docs/json");
    expect(Object.keys(spec.paths).filter((path) => path === "/" || path.startsWith("/assets") || path === "/index.html")).toEqual([]);
    const alone = await uiRoutes().handle(new Request("http://localhost/assets/app.css"));
    expect(alone.status).toBe(200);
  });
});
