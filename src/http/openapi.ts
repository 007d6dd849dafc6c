import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { z } from "zod";
import swaggerCss from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
import swaggerBundle from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };

const ASSETS = "/docs/assets";

// OpenAPI embeds schemas inside its own document, where a per-schema `$schema` URI does not belong.
const toOpenApiSchema = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return rest;
};

const asset = (path: string, type: string) => () =>
  new Response(Bun.file(path), { headers: { "content-type": type, "cache-control": "public, max-age=86400" } });

/** Swagger UI at /docs and the OpenAPI 3 document at /docs/json; the UI's files are served by us, no CDN. */
export const apiDocs = () =>
  new Elysia({ name: "api-docs" })
    .use(openapi({
      path: "/docs",
      specPath: "/docs/json",
      provider: "swagger-ui",
      swagger: { cdn: `${ASSETS}/swagger-ui-bundle.js`, theme: `${ASSETS}/swagger-ui.css`, autoDarkMode: false },
      mapJsonSchema: { zod: toOpenApiSchema },
      exclude: { paths: [/^\/docs/] },
      documentation: {
        info: {
          title: "otp-auth",
          version: "0.1.0",
          description: "Email + password registration proven by a one-time code sent by email; JWT access tokens.",
        },
        components: {
          securitySchemes: {
            bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
            adminBasic: { type: "http", scheme: "basic", description: "ADMIN_EMAIL and ADMIN_PASSWORD" },
          },
        },
      },
    }))
    .get(`${ASSETS}/swagger-ui-bundle.js`, asset(swaggerBundle, "text/javascript; charset=utf-8"), { detail: { hide: true } })
    .get(`${ASSETS}/swagger-ui.css`, asset(swaggerCss, "text/css; charset=utf-8"), { detail: { hide: true } });
