import { Elysia } from "elysia";
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "file" };
import uplotJs from "uplot/dist/uPlot.esm.js" with { type: "file" };
import page from "../../../public/admin/index.html" with { type: "file" };
import activityJs from "../../../public/admin/assets/activity.js" with { type: "file" };
import adminApiJs from "../../../public/admin/assets/admin-api.js" with { type: "file" };
import auditJs from "../../../public/admin/assets/audit.js" with { type: "file" };
import consoleCss from "../../../public/admin/assets/console.css" with { type: "file" };
import consoleJs from "../../../public/admin/assets/console.js" with { type: "file" };
import domJs from "../../../public/admin/assets/dom.js" with { type: "file" };
import healthJs from "../../../public/admin/assets/health.js" with { type: "file" };
import signInJs from "../../../public/admin/assets/sign-in.js" with { type: "file" };
import usersJs from "../../../public/admin/assets/users.js" with { type: "file" };
import { acceptsGzip } from "../ui/routes";

/**
 * The console's CSP: only files of ours (no inline script or style attribute in markup; uPlot styles through the
 * CSSOM, which CSP allows), and requests to this origin only, where the admin API is.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

/** Served under /admin/assets/; each one is embedded in the compiled binary through its `type: "file"` import. */
export const CONSOLE_ASSETS: Record<string, { path: string; type: string }> = {
  "console.js": { path: consoleJs, type: JS },
  "console.css": { path: consoleCss, type: CSS },
  "admin-api.js": { path: adminApiJs, type: JS },
  "dom.js": { path: domJs, type: JS },
  "sign-in.js": { path: signInJs, type: JS },
  "users.js": { path: usersJs, type: JS },
  "audit.js": { path: auditJs, type: JS },
  "activity.js": { path: activityJs, type: JS },
  "health.js": { path: healthJs, type: JS },
  "uplot.esm.js": { path: uplotJs, type: JS },
  "uplot.min.css": { path: uplotCss, type: CSS },
};

const COMMON = { "cache-control": "no-cache", "x-content-type-options": "nosniff", vary: "Accept-Encoding" };
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": CONSOLE_CSP,
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/** The admin console at /admin: a page that signs in through the API and then calls only the admin API. */
export const adminUiRoutes = () => {
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  const once = (key: string, make: () => Promise<Uint8Array<ArrayBuffer>>) => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key)!;
  };
  const serve =
    (path: string, headers: Record<string, string>) =>
    async ({ request }: { request: Request }) => {
      if (!acceptsGzip(request.headers.get("accept-encoding"))) {
        return new Response(await once(path, () => Bun.file(path).bytes()), { headers: { ...COMMON, ...headers } });
      }
      const body = await once(`${path}.gz`, async () => Bun.gzipSync(await Bun.file(path).bytes()));
      return new Response(body, { headers: { ...COMMON, ...headers, "content-encoding": "gzip" } });
    };
  const index = serve(page, PAGE_HEADERS);
  const app = new Elysia({ name: "admin-ui" })
    .get("/admin", index, { detail: { hide: true } })
    .get("/admin/", index, { detail: { hide: true } });
  for (const [name, { path, type }] of Object.entries(CONSOLE_ASSETS)) {
    app.get(`/admin/assets/${name}`, serve(path, { "content-type": type }), { detail: { hide: true } });
  }
  return app;
};
