import { Elysia } from "elysia";
import page from "../../../public/index.html" with { type: "file" };
import apiJs from "../../../public/assets/api.js" with { type: "file" };
import appCss from "../../../public/assets/app.css" with { type: "file" };
import appJs from "../../../public/assets/app.js" with { type: "file" };
import codeBoxesJs from "../../../public/assets/code-boxes.js" with { type: "file" };
import iconSvg from "../../../public/assets/icon.svg" with { type: "file" };
import oauthJs from "../../../public/assets/oauth.js" with { type: "file" };
import viewsJs from "../../../public/assets/views.js" with { type: "file" };

// `connect-src *`: the page may talk to an API on another origin (`?api=` or its meta tag).
// No 'unsafe-inline' anywhere: every script and style is a file of ours.
export const PAGE_CSP = [
  "default-src 'self'",
  "connect-src *",
  "img-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const JS = "text/javascript; charset=utf-8";

/** Served under /assets/; each file is embedded in the compiled binary through its `type: "file"` import. */
export const PAGE_ASSETS: Record<string, { path: string; type: string }> = {
  "app.css": { path: appCss, type: "text/css; charset=utf-8" },
  "app.js": { path: appJs, type: JS },
  "api.js": { path: apiJs, type: JS },
  "code-boxes.js": { path: codeBoxesJs, type: JS },
  "oauth.js": { path: oauthJs, type: JS },
  "views.js": { path: viewsJs, type: JS },
  "icon.svg": { path: iconSvg, type: "image/svg+xml" },
};

const common = { "cache-control": "no-cache", "x-content-type-options": "nosniff" };

const servePage = () =>
  new Response(Bun.file(page), {
    headers: {
      ...common,
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": PAGE_CSP,
      // The OAuth redirect brings a code in the query; it must not leak to other sites.
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
    },
  });

/** The web page at `/` (and `/index.html`) and its files under `/assets/`. */
export const uiRoutes = () => {
  const app = new Elysia({ name: "ui" })
    .get("/", servePage, { detail: { hide: true } })
    .get("/index.html", servePage, { detail: { hide: true } });
  for (const [name, { path, type }] of Object.entries(PAGE_ASSETS)) {
    app.get(`/assets/${name}`, () => new Response(Bun.file(path), { headers: { ...common, "content-type": type } }), {
      detail: { hide: true },
    });
  }
  return app;
};
