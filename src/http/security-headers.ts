import { Elysia } from "elysia";
import { pathOf } from "./path";

/** For everything that is not a page: JSON answers (errors included) must never run or frame anything. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Swagger UI at /docs: its script and style are files of ours (no inline script; see http/openapi.ts), it
 * fetches /docs/json, draws icons from data: URIs in its CSS, and sets style attributes from script.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * Security headers on every response, set before routing so that error answers (404, 413, 422, 500) carry
 * them too. A route that answers with its own Content-Security-Policy (the page, the dev mailbox) keeps
 * it: headers of a returned Response win over these. HSTS only when the service is public over https.
 */
export const securityHeaders = ({ publicUrl }: { publicUrl?: string }) => {
  const https = publicUrl?.startsWith("https://") ?? false;
  return new Elysia({ name: "security-headers", seed: publicUrl ?? "" }).onRequest(({ request, set }) => {
    set.headers["x-content-type-options"] = "nosniff";
    set.headers["referrer-policy"] = "no-referrer";
    set.headers["x-frame-options"] = "DENY";
    set.headers["content-security-policy"] = pathOf(request.url) === "/docs" ? DOCS_CSP : API_CSP;
    if (https) set.headers["strict-transport-security"] = HSTS;
  });
};
