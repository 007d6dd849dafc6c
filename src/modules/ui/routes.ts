import { Elysia } from "elysia";
import page from "../../../public/index.html" with { type: "file" };
import accountJs from "../../../public/assets/account.js" with { type: "file" };
import apiJs from "../../../public/assets/api.js" with { type: "file" };
import appCss from "../../../public/assets/app.css" with { type: "file" };
import appJs from "../../../public/assets/app.js" with { type: "file" };
import codeBoxesJs from "../../../public/assets/code-boxes.js" with { type: "file" };
import devicesJs from "../../../public/assets/devices.js" with { type: "file" };
import i18nJs from "../../../public/assets/i18n.js" with { type: "file" };
import lifecycleJs from "../../../public/assets/lifecycle.js" with { type: "file" };
import iconSvg from "../../../public/assets/icon.svg" with { type: "file" };
import localeDeJs from "../../../public/assets/locale-de.js" with { type: "file" };
import localeEsJs from "../../../public/assets/locale-es.js" with { type: "file" };
import localeFrJs from "../../../public/assets/locale-fr.js" with { type: "file" };
import oauthJs from "../../../public/assets/oauth.js" with { type: "file" };
import passkeysJs from "../../../public/assets/passkeys.js" with { type: "file" };
import qrJs from "../../../public/assets/qr.js" with { type: "file" };
import securityJs from "../../../public/assets/security.js" with { type: "file" };
import webauthnJs from "../../../public/assets/webauthn.js" with { type: "file" };
import sessionJs from "../../../public/assets/session.js" with { type: "file" };
import settingsJs from "../../../public/assets/settings.js" with { type: "file" };
import viewsJs from "../../../public/assets/views.js" with { type: "file" };

/**
 * The page sends passwords wherever it connects: only to its own origin and the API origins the operator listed
 * (PAGE_API_ORIGINS), never to one a link names. No 'unsafe-inline' anywhere: every script and style is a file of ours.
 */
export const pageCsp = (apiOrigins: string[]) =>
  [
    "default-src 'self'",
    ["connect-src 'self'", ...apiOrigins].join(" "),
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

export const PAGE_CSP = pageCsp([]);

const ORIGINS_META = '<meta name="otp-auth-api-origins" content="">';

/** The page with the origins it may talk to written into its meta tag (origins hold no quote or bracket). */
export const withApiOrigins = (html: string, apiOrigins: string[]) =>
  html.replace(ORIGINS_META, ORIGINS_META.replace('""', `"${apiOrigins.join(" ")}"`));

const JS = "text/javascript; charset=utf-8";

/** Served under /assets/; each file is embedded in the compiled binary through its `type: "file"` import. */
export const PAGE_ASSETS: Record<string, { path: string; type: string }> = {
  "app.css": { path: appCss, type: "text/css; charset=utf-8" },
  "account.js": { path: accountJs, type: JS },
  "app.js": { path: appJs, type: JS },
  "api.js": { path: apiJs, type: JS },
  "code-boxes.js": { path: codeBoxesJs, type: JS },
  "devices.js": { path: devicesJs, type: JS },
  "i18n.js": { path: i18nJs, type: JS },
  "lifecycle.js": { path: lifecycleJs, type: JS },
  // The page's words in German, French and Spanish; only the chosen one is loaded.
  "locale-de.js": { path: localeDeJs, type: JS },
  "locale-es.js": { path: localeEsJs, type: JS },
  "locale-fr.js": { path: localeFrJs, type: JS },
  "oauth.js": { path: oauthJs, type: JS },
  "passkeys.js": { path: passkeysJs, type: JS },
  "security.js": { path: securityJs, type: JS },
  // Copies of @simplewebauthn/browser's bundle and lean-qr's nano build, kept equal to the locked packages by a test.
  "qr.js": { path: qrJs, type: JS },
  "webauthn.js": { path: webauthnJs, type: JS },
  "session.js": { path: sessionJs, type: JS },
  "settings.js": { path: settingsJs, type: JS },
  "views.js": { path: viewsJs, type: JS },
  "icon.svg": { path: iconSvg, type: "image/svg+xml" },
};

const common = { "cache-control": "no-cache", "x-content-type-options": "nosniff", vary: "Accept-Encoding" };

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  // The OAuth redirect brings a code in the query; it must not leak to other sites.
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/** True unless the client refuses gzip (`gzip;q=0`) or does not name it. */
export function acceptsGzip(header: string | null): boolean {
  return (header ?? "").split(",").some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return (name === "gzip" || name === "*") && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * The web page at `/` (and `/index.html`) and its files under `/assets/`, gzip-compressed when the client accepts
 * it; `apiOrigins`: the other origins the page may send sign-ins to.
 */
export const uiRoutes = ({ apiOrigins = [] }: { apiOrigins?: string[] } = {}) => {
  // Read and compressed once per file, on first use, from the embedded copy.
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  const once = (key: string, make: () => Promise<Uint8Array<ArrayBuffer>>) => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key)!;
  };
  const serve = (path: string, headers: Record<string, string>, edit?: (text: string) => string) => {
    const plain = () =>
      once(path, async () => (edit ? new TextEncoder().encode(edit(await Bun.file(path).text())) : Bun.file(path).bytes()));
    const gzipped = () => once(`${path}.gz`, async () => Bun.gzipSync(await plain()));
    return async ({ request }: { request: Request }) => {
      if (!acceptsGzip(request.headers.get("accept-encoding"))) return new Response(await plain(), { headers: { ...common, ...headers } });
      return new Response(await gzipped(), { headers: { ...common, ...headers, "content-encoding": "gzip" } });
    };
  };
  const index = serve(page, { ...PAGE_HEADERS, "content-security-policy": pageCsp(apiOrigins) }, (html) =>
    withApiOrigins(html, apiOrigins),
  );
  const app = new Elysia({ name: "ui", seed: apiOrigins })
    .get("/", index, { detail: { hide: true } })
    .get("/index.html", index, { detail: { hide: true } });
  for (const [name, { path, type }] of Object.entries(PAGE_ASSETS)) {
    app.get(`/assets/${name}`, serve(path, { "content-type": type }), { detail: { hide: true } });
  }
  return app;
};
