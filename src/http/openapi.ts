import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { z } from "zod";
import { DOCS_CSP } from "./security-headers";
import swaggerCss from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
import swaggerBundle from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };

const ASSETS = "/docs/assets";
const TITLE = "otp-auth";
const DESCRIPTION = "Email + password registration proven by a one-time code sent by email; JWT access tokens.";

// OpenAPI embeds schemas inside its own document, where a per-schema `$schema` URI does not belong.
const toOpenApiSchema = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return rest;
};

const asset = (path: string, type: string) => () =>
  new Response(Bun.file(path), { headers: { "content-type": type, "cache-control": "public, max-age=86400" } });

// Our own page rather than the plugin's, whose start-up script is inline: with it in a file, the page's
// CSP allows scripts from 'self' only (security-headers.ts, DOCS_CSP). `docs/json` is relative to /docs.
const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: "docs/json", dom_id: "#swagger-ui" });\n`;
const DOCS_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>${TITLE}</title>
  <meta name="description" content="${DESCRIPTION}" />
  <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
  <link rel="stylesheet" href="${ASSETS}/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${ASSETS}/swagger-ui-bundle.js"></script>
  <script src="${ASSETS}/swagger-init.js"></script>
</body>
</html>
`;

/** Swagger UI at /docs and the OpenAPI 3 document at /docs/json; the UI's files are served by us, no CDN. */
export const apiDocs = () =>
  new Elysia({ name: "api-docs" })
    .use(
      openapi({
        path: "/docs",
        specPath: "/docs/json",
        provider: null,
        mapJsonSchema: { zod: toOpenApiSchema },
        exclude: { paths: [/^\/docs/] },
        documentation: {
          info: { title: TITLE, version: "0.1.0", description: DESCRIPTION },
          components: {
            securitySchemes: {
              bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
              metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN, when it is set." },
              adminBasic: { type: "http", scheme: "basic", description: "ADMIN_EMAIL and ADMIN_PASSWORD" },
            },
          },
        },
      }),
    )
    .get(
      "/docs",
      () =>
        new Response(DOCS_PAGE, {
          headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", "content-security-policy": DOCS_CSP },
        }),
      { detail: { hide: true } },
    )
    .get(`${ASSETS}/swagger-init.js`, () => new Response(SWAGGER_INIT, { headers: { "content-type": "text/javascript; charset=utf-8" } }), {
      detail: { hide: true },
    })
    .get(`${ASSETS}/swagger-ui-bundle.js`, asset(swaggerBundle, "text/javascript; charset=utf-8"), { detail: { hide: true } })
    .get(`${ASSETS}/swagger-ui.css`, asset(swaggerCss, "text/css; charset=utf-8"), { detail: { hide: true } });
