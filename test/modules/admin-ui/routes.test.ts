import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { CONSOLE_ASSETS, CONSOLE_CSP } from "../../../src/modules/admin-ui/routes";
import { startHarness, type Harness } from "../../support/harness";

const ROOT = join(import.meta.dir, "../../..");
const ADMIN = join(ROOT, "public/admin");
const ownFiles = readdirSync(join(ADMIN, "assets")).sort();
// uPlot's files, served from the locked package as they are.
const VENDORED: Record<string, string> = {
  "uplot.esm.js": "node_modules/uplot/dist/uPlot.esm.js",
  "uplot.min.css": "node_modules/uplot/dist/uPlot.min.css",
};
const sourceOf = (name: string) => join(ROOT, VENDORED[name] ?? `public/admin/assets/${name}`);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ backend: "embedded" });
});
afterAll(() => h.close());

const get = (path: string, headers: Record<string, string> = {}) => h.app.handle(new Request(`http://localhost${path}`, { headers }));

describe("the admin console's routes", () => {
  test("/admin serves the console under a CSP that allows only this origin's files, no inline code, no framing", async () => {
    for (const path of ["/admin", "/admin/"]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(await response.text()).toBe(await Bun.file(join(ADMIN, "index.html")).text());
      const csp = response.headers.get("content-security-policy")!;
      expect(csp).toBe(CONSOLE_CSP);
      for (const directive of [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
      ]) {
        expect(csp).toContain(directive);
      }
      expect(csp).not.toContain("unsafe");
    }
  });

  test("every file of public/admin/assets and uPlot's two files are served byte for byte, gzip-compressed on request", async () => {
    expect(Object.keys(CONSOLE_ASSETS).sort()).toEqual([...ownFiles, ...Object.keys(VENDORED)].sort());
    for (const name of Object.keys(CONSOLE_ASSETS)) {
      const expected = await Bun.file(sourceOf(name)).bytes();
      const plain = await get(`/admin/assets/${name}`);
      expect(plain.status).toBe(200);
      expect(plain.headers.get("content-type")).toBe(name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
      expect(new Uint8Array(await plain.arrayBuffer())).toEqual(expected);
      const zipped = await get(`/admin/assets/${name}`, { "accept-encoding": "gzip" });
      expect(zipped.headers.get("content-encoding")).toBe("gzip");
      expect(Bun.gunzipSync(new Uint8Array(await zipped.arrayBuffer()))).toEqual(expected);
    }
    expect((await get("/admin/assets/../../package.json")).status).toBe(404);
  });

  test("no inline script, style, style attribute or event handler; every script and style it names is served", async () => {
    const html = await Bun.file(join(ADMIN, "index.html")).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    const referenced = [...html.matchAll(/(?:src|href)="(\/admin\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    for (const name of ownFiles.filter((file) => file.endsWith(".js"))) {
      const source = await Bun.file(join(ADMIN, "assets", name)).text();
      expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
      referenced.push(...[...source.matchAll(/from "\.\/([^"]+)"/g)].map((match) => `/admin/assets/${match[1]}`));
    }
    for (const path of new Set(referenced)) expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
  });

  test("the console's routes stay out of the OpenAPI document", async () => {
    const document = (await (await get("/docs/json")).json()) as { paths: Record<string, unknown> };
    const paths = Object.keys(document.paths);
    expect(paths.filter((path) => path.startsWith("/admin"))).toEqual([]);
  });
});
